//! A modal question with Yes and No, on the native `<dialog>` so focus is trapped and Escape
//! means No.

use leptos::html::Dialog;
use leptos::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Shown while `question` is Some; `answer` receives true for Yes, false for No or Escape.
#[component]
pub fn Confirm(
    #[prop(into)] question: Signal<Option<String>>,
    #[prop(into)] title: Signal<String>,
    answer: Callback<bool>,
    #[prop(optional, into)] yes_disabled: Signal<bool>,
    #[prop(optional, into)] error: Signal<Option<String>>,
) -> impl IntoView {
    static NEXT_ID: AtomicUsize = AtomicUsize::new(0);
    let title_id = format!("dialog-title-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let labelled_by = title_id.clone();
    let dialog = NodeRef::<Dialog>::new();
    Effect::new(move |_| {
        let open = question.with(Option::is_some);
        if let Some(el) = dialog.get() {
            if open && !el.open() {
                let _ = el.show_modal();
            } else if !open && el.open() {
                el.close();
            }
        }
    });
    view! {
        <dialog
            node_ref=dialog
            class="confirm"
            aria-labelledby=labelled_by
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
                    "Yes"
                </button>
                <button type="button" autofocus on:click=move |_| answer.run(false)>
                    "No"
                </button>
            </div>
        </dialog>
    }
}
