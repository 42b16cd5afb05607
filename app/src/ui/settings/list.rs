//! The left panel: heading, action icons, the Filter box and the list. The list renders only
//! the rows in view, so typing in Filter stays instant with ten thousand settings.

use super::{ctx, ListState};
use crate::ui::format::date_time;
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
    let matches = Memo::new(move |_| filter.with(|f| ctx.rows.with(|rows| rows.filter(f))));
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(600.0_f64);
    let list = NodeRef::<Div>::new();

    let measure = move || {
        if let Some(el) = list.get_untracked() {
            viewport.set(f64::from(el.client_height().max(1)));
            scroll_top.set(f64::from(el.scroll_top()));
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
    Effect::new(move |_| {
        filter.track();
        set_scroll(0.0);
    });
    // The list is hidden while nothing matches; measure it again when it reappears.
    Effect::new(move |_| {
        if !matches.with(Vec::is_empty) {
            request_animation_frame(measure);
        }
    });

    let visible = Memo::new(move |_| {
        let first = ((scroll_top.get() / ROW_HEIGHT) as usize).saturating_sub(OVERSCAN);
        let count = (viewport.get() / ROW_HEIGHT).ceil() as usize + 2 * OVERSCAN;
        matches.with(|m| {
            let end = (first + count).min(m.len());
            let first = first.min(end);
            let rows = ctx.rows.with(|rows| m[first..end].iter().filter_map(|&i| rows.at(i).cloned()).collect::<Vec<_>>());
            (first, rows)
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
        let target = match (key.as_str(), current) {
            // Type-ahead: the next row whose name starts with the letter typed.
            _ if typed.is_some() => {
                let letter = typed.unwrap_or_default();
                let start = current.map_or(0, |i| i + 1);
                let starts = |i: usize| {
                    matches.with(|m| ctx.rows.with(|r| r.at(m[i]).is_some_and(|s| s.name.to_lowercase().starts_with(&letter))))
                };
                match (0..total).map(|k| (start + k) % total).find(|&i| starts(i)) {
                    Some(i) => i,
                    None => return,
                }
            }
            ("ArrowDown", Some(i)) => (i + 1).min(total - 1),
            ("ArrowUp", Some(i)) => i.saturating_sub(1),
            ("PageDown", Some(i)) => (i + page).min(total - 1),
            ("PageUp", Some(i)) => i.saturating_sub(page),
            ("ArrowDown" | "ArrowUp" | "PageDown" | "PageUp" | "Home", _) => 0,
            ("End", _) => total - 1,
            _ => return,
        };
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
            <div class="actions" role="toolbar" aria-label="SMTP settings actions">
                <button type="button" class="icon" aria-label="Send test email" title="Send test email" disabled=move || ctx.editor.with(Option::is_none) on:click=move |_| ctx.testing.set(true)>
                    <SendIcon />
                </button>
                <button type="button" class="icon" aria-label="Delete" title="Delete" disabled=move || !can_delete() on:click=move |_| ctx.deleting.set(true)>
                    <TrashIcon />
                </button>
                <button type="button" class="icon" aria-label="Add" title="Add" on:click=move |_| nav.go(&Selection::New.path())>
                    <PlusIcon />
                </button>
            </div>
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
                    <div class="list-window" style:transform=move || format!("translateY({}px)", visible.with(|v| v.0) as f64 * ROW_HEIGHT)>
                        <For each=move || visible.get().1 key=|s| (s.id, s.name.clone(), s.host.clone(), s.port, s.last_test.clone(), s.is_default, s.template_count, s.health.clone(), s.failing_over, s.backs_up, s.cert_expires_at) let:s>
                            <div
                                role="option"
                                id=format!("option-{}", s.id)
                                class="row"
                                aria-selected=move || if selected_id() == Some(s.id) { "true" } else { "false" }
                                on:click=move |_| nav.go(&Selection::Existing(s.id).path())
                            >
                                <span class="row-name">
                                    {s.name.clone()}
                                    {s.last_test.clone().map(|t| {
                                        let (class, mark, said) = if t.ok { ("status ok", "✓", "Last test succeeded") } else { ("status failed", "!", "Last test failed") };
                                        let when = date_time(t.at);
                                        let tip = format!("{said} on {when}. {}", t.summary);
                                        view! { <span class=class role="img" aria-label=format!("{said} ({when})") title=tip>{mark}</span> }
                                    })}
                                    {s.last_test.is_none().then(|| view! { <span class="visually-hidden">" (never tested)"</span> })}
                                    {s.health.failing_since.map(|since| {
                                        let said = format!("Mail failing since {}, {} waiting", date_time(since), s.health.waiting);
                                        view! { <span class="status failing" role="img" aria-label=said.clone() title=said>"⚠"</span> }
                                    })}
                                </span>
                                <span class="row-host">
                                    {format!("{}:{}", s.host, s.port)}
                                    {s.is_default.then(|| view! { <span class="badge">"Default"</span> })}
                                    {s.failing_over.then(|| view! { <span class="badge warn" title="Its relay cannot be reached for now; its backup carries its mail.">"Failing over"</span> })}
                                    {(s.backs_up > 0).then(|| view! { <span class="badge">"Backup"</span> })}
                                    {(!s.is_default && s.template_count == 0 && s.backs_up == 0).then(|| view! { <span class="badge muted" title="No template sends through these settings, and they back up no other settings.">"Unused"</span> })}
                                    {s.cert_expires_at.map(certificate_days)}
                                    {(s.template_count > 0).then(|| format!(" · {} template{}", s.template_count, if s.template_count == 1 { "" } else { "s" }))}
                                    {(s.health.sent_24h + s.health.failed_24h > 0)
                                        .then(|| format!(" · 24 h: {} sent, {} failed", s.health.sent_24h, s.health.failed_24h))}
                                </span>
                            </div>
                        </For>
                    </div>
                </div>
            </div>
        </aside>
    }
}

/// The certificate's days to expiry from the last successful test: a warning under 14 days,
/// an error once expired.
fn certificate_days(expires_at: crate::api::Timestamp) -> impl IntoView {
    let days = (expires_at.get() - js_sys::Date::now() as i64).div_euclid(86_400_000);
    let (class, text) = match days {
        ..0 => ("cert expired", "certificate expired".to_owned()),
        0..14 => ("cert soon", format!("certificate expires in {days} d")),
        _ => ("cert", format!("certificate {days} d")),
    };
    view! { <span class=class>{format!(" · {text}")}</span> }
}
