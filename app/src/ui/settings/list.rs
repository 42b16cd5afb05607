//! The left panel: heading, action icons, the Filter box and the list. The list renders only
//! the rows in view, so typing in Filter stays instant with ten thousand settings.

use super::filter_path::FilterPath;
use super::list_keys::moved_to;
use super::list_row::ListRow;
use super::list_window::Window;
use super::{ctx, ListState};
use crate::ui::format::thousands;
use crate::ui::icons::{PlusIcon, SendIcon, TrashIcon};
use crate::ui::nav::nav;
use crate::ui::route::Selection;
use leptos::ev::KeyboardEvent;
use leptos::html::Div;
use leptos::prelude::*;

const ROW_HEIGHT: f64 = 52.0;

const OVERSCAN: usize = 8;

#[component]
pub fn SettingsPanel() -> impl IntoView {
    let nav = nav();
    let ctx = ctx();
    let filter = RwSignal::new(String::new());
    let path = StoredValue::new(FilterPath::default());
    let matches = Memo::new(move |_| {
        filter.with(|f| ctx.rows.with(|rows| path.try_update_value(|path| path.matches(rows, f)).unwrap_or_default()))
    });
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(600.0_f64);
    let list = NodeRef::<Div>::new();

    // Reading or writing an element's size or scroll position makes the browser lay the page
    // out first, so each is done only when it can have changed: a keystroke that replaces the
    // rows would otherwise pay for that layout two or three times.
    let measure = move || {
        if let Some(el) = list.get_untracked() {
            let (height, top) = (f64::from(el.client_height().max(1)), f64::from(el.scroll_top()));
            if viewport.get_untracked() != height {
                viewport.set(height);
            }
            if scroll_top.get_untracked() != top {
                scroll_top.set(top);
            }
        }
    };
    request_animation_frame(measure);
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());

    let set_scroll = move |top: f64| {
        if let Some(el) = list.get_untracked() {
            el.set_scroll_top(top as i32);
        }
        scroll_top.set(top);
    };
    // A new filter starts at the top of its matches (already there after most keystrokes).
    Effect::new(move |_| {
        filter.track();
        if scroll_top.get_untracked() != 0.0 {
            set_scroll(0.0);
        }
    });
    // The list is hidden while nothing matches; measure it again when it reappears.
    Effect::new(move |was_empty: Option<bool>| {
        let empty = matches.with(Vec::is_empty);
        if was_empty.unwrap_or(true) && !empty {
            request_animation_frame(measure);
        }
        empty
    });

    let visible = Memo::new(move |_| {
        let first = ((scroll_top.get() / ROW_HEIGHT) as usize).saturating_sub(OVERSCAN);
        let capacity = (viewport.get() / ROW_HEIGHT).ceil() as usize + 2 * OVERSCAN;
        matches.with(|m| {
            let end = (first + capacity).min(m.len());
            let first = first.min(end);
            let rows = ctx.rows.with(|rows| m[first..end].iter().filter_map(|&i| rows.at(i).cloned()).collect::<Vec<_>>());
            Window { first, capacity, rows }
        })
    });
    let selected_id = move || match ctx.selection.get() {
        Selection::Existing(id) => Some(id),
        _ => None,
    };
    let can_delete = move || selected_id().is_some_and(|id| ctx.rows.with(|r| r.get(id).is_some()));

    let on_key = move |ev: KeyboardEvent| {
        let total = matches.with(Vec::len);
        if total == 0 {
            return;
        }
        let current = selected_id()
            .and_then(|id| matches.with(|m| ctx.rows.with(|r| m.iter().position(|&i| r.at(i).is_some_and(|s| s.id == id)))));
        let page = (viewport.get_untracked() / ROW_HEIGHT).floor().max(1.0) as usize;
        let key = ev.key();
        if key == "Enter" && current.is_some() {
            // Into the editor, at its first field.
            ev.prevent_default();
            if let Some(name) = document().get_element_by_id("field-name") {
                let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(name).focus();
            }
            return;
        }
        let typed = (key.chars().count() == 1 && !ev.ctrl_key() && !ev.meta_key() && !ev.alt_key()).then(|| key.to_lowercase());
        let starts = |i: usize, letter: &str| {
            matches.with(|m| ctx.rows.with(|r| r.at(m[i]).is_some_and(|s| s.name.to_lowercase().starts_with(letter))))
        };
        let Some(target) = moved_to(&key, typed.as_deref(), current, total, page, starts) else { return };
        ev.prevent_default();
        let top = target as f64 * ROW_HEIGHT;
        let (now, height) = (scroll_top.get_untracked(), viewport.get_untracked());
        if top < now {
            set_scroll(top);
        } else if top + ROW_HEIGHT > now + height {
            set_scroll(top + ROW_HEIGHT - height);
        }
        if let Some(id) = matches.with(|m| ctx.rows.with(|r| r.at(m[target]).map(|s| s.id))) {
            nav.go(&Selection::Existing(id).path());
        }
    };

    view! {
        <aside class="list-panel" aria-labelledby="list-heading">
            <h1 id="list-heading">"SMTP Settings"</h1>
            <Toolbar can_delete=Signal::derive(can_delete) />
            <FilterAndCount filter matches />
            <div
                class="list"
                node_ref=list
                role="listbox"
                aria-label="SMTP settings"
                hidden=move || matches.with(Vec::is_empty)
                tabindex="0"
                aria-activedescendant=move || selected_id().map(|id| format!("option-{id}"))
                on:scroll=move |_| measure()
                on:keydown=on_key
            >
                <div class="list-sizer" style:height=move || format!("{}px", matches.with(Vec::len) as f64 * ROW_HEIGHT)>
                    <div class="list-window" style:transform=move || format!("translateY({}px)", visible.with(|w| w.first) as f64 * ROW_HEIGHT)>
                        // Keyed by slot (see list_window.rs), not by settings: a row element
                        // is updated in place when its slot shows other settings.
                        <For each=move || visible.with(Window::slots) key=|slot| *slot let:slot>
                            {
                                let shown = Memo::new(move |_| visible.with(|w| w.in_slot(slot).cloned()));
                                move || shown.get().map(|s| view! { <ListRow s selected=Signal::derive(selected_id) /> })
                            }
                        </For>
                    </div>
                </div>
            </div>
        </aside>
    }
}

/// Send test email, Delete and Add.
#[component]
fn Toolbar(can_delete: Signal<bool>) -> impl IntoView {
    let (nav, ctx) = (nav(), ctx());
    view! {
        <div class="actions" role="toolbar" aria-label="SMTP settings actions">
            <button type="button" class="icon" aria-label="Send test email" title="Send test email" disabled=move || ctx.editor.with(Option::is_none) on:click=move |_| ctx.testing.set(true)>
                <SendIcon />
            </button>
            <button type="button" class="icon" aria-label="Delete" title="Delete" disabled=move || !can_delete.get() on:click=move |_| ctx.deleting.set(true)>
                <TrashIcon />
            </button>
            <button type="button" class="icon" aria-label="Add" title="Add" on:click=move |_| nav.go(&Selection::New.path())>
                <PlusIcon />
            </button>
        </div>
    }
}

/// The Filter box, how many settings match, and why the list is empty when it is.
#[component]
fn FilterAndCount(filter: RwSignal<String>, matches: Memo<Vec<usize>>) -> impl IntoView {
    let ctx = ctx();
    view! {
        <div class="field filter">
            <label for="filter">"Filter"</label>
            <input
                id="filter"
                type="search"
                autocomplete="off"
                placeholder="Name, host, email or username"
                prop:value=filter
                on:input=move |ev| filter.set(event_target_value(&ev))
                on:keydown=move |ev: KeyboardEvent| {
                    if ev.key() == "Escape" && !filter.with(String::is_empty) {
                        ev.prevent_default();
                        filter.set(String::new());
                    }
                }
            />
        </div>
        <p class="count" role="status">
            {move || match ctx.state.get() {
                ListState::Ready if !filter.with(|f| f.trim().is_empty()) => {
                    format!("{} of {}", thousands(matches.with(Vec::len)), thousands(ctx.rows.with(|r| r.len())))
                }
                ListState::Ready => format!("Showing all {}", thousands(ctx.rows.with(|r| r.len()))),
                _ => String::new(),
            }}
        </p>
        {move || match ctx.state.get() {
            ListState::Loading => Some(view! { <p class="empty">"Loading…"</p> }.into_any()),
            ListState::Failed(e) => Some(view! { <p class="alert" role="alert">{e}</p> }.into_any()),
            ListState::Ready if ctx.rows.with(|r| r.is_empty()) => Some(view! {
                <p class="empty">"No SMTP settings yet. Choose Add to create the first."</p>
            }.into_any()),
            ListState::Ready if matches.with(Vec::is_empty) => Some(view! {
                <p class="empty">{move || format!("No SMTP settings match “{}”.", filter.get().trim())}</p>
            }.into_any()),
            ListState::Ready => None,
        }}
    }
}
