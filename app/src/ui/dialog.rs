//! A modal question with Yes and No, on the native `<dialog>` so focus is trapped and Escape
//! means No; and the opening and closing every modal here shares, which hands focus back to
//! where it was.

use leptos::html::Dialog;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use wasm_bindgen::JsCast;

/// What Tab can reach inside a dialog.
const FOCUSABLE: &str = "button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex='-1'])";

/// Keeps Tab and Shift+Tab inside the dialog the event reached (a native modal lets focus out
/// to the browser's own controls): from the last control Tab goes to the first, and back.
pub fn keep_focus_inside(ev: leptos::ev::KeyboardEvent) {
    if ev.key() != "Tab" {
        return;
    }
    let Some(dialog) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
    let Ok(found) = dialog.query_selector_all(FOCUSABLE) else { return };
    let controls: Vec<web_sys::HtmlElement> = (0..found.length())
        .filter_map(|i| found.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
        .filter(|e| e.offset_parent().is_some())
        .collect();
    let (Some(first), Some(last)) = (controls.first(), controls.last()) else { return };
    let active = document().active_element();
    let at = |e: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == e.unchecked_ref::<web_sys::Element>());
    let inside = active.as_ref().is_some_and(|a| dialog.contains(Some(a)));
    if ev.shift_key() && (at(first) || !inside) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && (at(last) || !inside) {
        ev.prevent_default();
        let _ = first.focus();
    }
}

/// Shows `dialog` as a modal while `open()` holds. On closing, focus returns to the element
/// that had it when the dialog opened (usually the button that opened it), if it is still there.
pub fn modal_while(dialog: NodeRef<Dialog>, open: impl Fn() -> bool + 'static) {
    let opener: Rc<RefCell<Option<web_sys::HtmlElement>>> = Rc::default();
    Effect::new(move |_| {
        let open = open();
        let Some(el) = dialog.get() else { return };
        if open && !el.open() {
            *opener.borrow_mut() = document().active_element().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            let _ = el.show_modal();
        } else if !open && el.open() {
            el.close();
            if let Some(previous) = opener.borrow_mut().take().filter(|e| e.is_connected()) {
                let _ = previous.focus();
            }
        }
    });
}

/// Shown while `question` is Some; `answer` receives true for Yes, false for No or Escape.
#[component]
pub fn Confirm(
    #[prop(into)] question: Signal<Option<String>>,
    #[prop(into)] title: Signal<String>,
    answer: Callback<bool>,
    #[prop(optional, into)] yes_disabled: Signal<bool>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    /// The confirming button's words, naming the action; "Yes" when not given.
    #[prop(optional)]
    yes_label: Option<&'static str>,
    /// The declining button's words; "Cancel" with a named action, "No" with Yes.
    #[prop(optional)]
    no_label: Option<&'static str>,
) -> impl IntoView {
    static NEXT_ID: AtomicUsize = AtomicUsize::new(0);
    let title_id = format!("dialog-title-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let labelled_by = title_id.clone();
    let dialog = NodeRef::<Dialog>::new();
    modal_while(dialog, move || question.with(Option::is_some));
    view! {
        <dialog
            node_ref=dialog
            class="confirm"
            aria-labelledby=labelled_by
            on:keydown=keep_focus_inside
            on:cancel=move |ev: leptos::ev::Event| {
                ev.prevent_default();
                answer.run(false);
            }
        >
            <h2 id=title_id>{title}</h2>
            <p>{move || question.get().unwrap_or_default()}</p>
            <Show when=move || error.with(Option::is_some)>
                <p class="alert" role="alert">{move || error.get()}</p>
            </Show>
            <div class="dialog-buttons">
                <button type="button" class="primary" disabled=yes_disabled on:click=move |_| answer.run(true)>
                    {yes_label.unwrap_or("Yes")}
                </button>
                <button type="button" autofocus on:click=move |_| answer.run(false)>
                    {no_label.unwrap_or(if yes_label.is_some() { "Cancel" } else { "No" })}
                </button>
            </div>
        </dialog>
    }
}
