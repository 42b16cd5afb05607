//! The Audit log panel: every sign-in, change and test send, newest first. Read-only: there is
//! no way to edit or delete an entry, here or anywhere else.

use super::format::date_time;
use super::latest::Latest;
use super::session::session;
use crate::api::audit::{list_audit, AuditEntry, AuditNarrow, AUDIT_PAGE};
use leptos::prelude::*;
use std::time::Duration;

#[component]
pub fn AuditPage() -> impl IntoView {
    let session = session();
    let filter = RwSignal::new(String::new());
    let narrow = RwSignal::new(AuditNarrow::default());
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let more = RwSignal::new(false);
    let loading = RwSignal::new(true);
    let error = RwSignal::new(None::<String>);
    let latest = Latest::new();

    let load = move |append: bool| {
        let before = if append { entries.with_untracked(|e| e.last().map(|e| e.id)) } else { None };
        loading.set(true);
        latest.send(list_audit(filter.get_untracked(), before, Some(narrow.get_untracked())), move |result| {
            match result {
                Ok(page) => {
                    more.set(page.len() == AUDIT_PAGE);
                    entries.update(|all| {
                        if !append {
                            all.clear();
                        }
                        all.extend(page);
                    });
                    error.set(None);
                }
                Err(e) => {
                    // What is listed no longer matches the filter and choices shown.
                    if !append {
                        entries.set(Vec::new());
                        more.set(false);
                    }
                    error.set(session.unless_signed_out(e).map(|e| e.to_string()));
                }
            }
            loading.set(false);
        });
    };
    load(false);
    // Typing waits for a pause; each keystroke drops the search before it.
    let typed = move |value: String| {
        filter.set(value);
        let ticket = latest.forget();
        set_timeout(
            move || {
                if latest.is_current(ticket) {
                    load(false)
                }
            },
            Duration::from_millis(200),
        );
    };

    view! {
        <section class="page wide">
            <h1>"Audit log"</h1>
            <p class="hint">"Sign-ins, changes to SMTP settings and users, and test emails. Entries cannot be changed or deleted."</p>
            <div class="field filter">
                <label for="audit-filter">"Filter"</label>
                <input id="audit-filter" type="search" autocomplete="off" placeholder="Who, action, settings or address"
                    prop:value=filter on:input=move |ev| typed(event_target_value(&ev)) />
            </div>
            <super::audit_narrow::AuditNarrowing narrow changed=Callback::new(move |()| load(false)) />
            <super::audit_export::ExportCsv filter narrow error />
            <Show when=move || error.with(Option::is_some)>
                <p class="alert" role="alert">{move || error.get()}</p>
            </Show>
            <table class="audit cards">
                <thead><tr><th>"Time"</th><th>"Who"</th><th>"Action"</th><th>"What"</th><th>"Details"</th><th>"From"</th></tr></thead>
                <tbody>
                    <For each=move || entries.get() key=|e| e.id let:e>
                        <tr>
                            <td data-label="Time" class="nowrap">{date_time(e.at)}</td>
                            <td data-label="Who">{e.actor}</td>
                            <td data-label="Action">{e.action}</td>
                            <td data-label="What">{e.target}</td>
                            <td data-label="Details">{e.details}</td>
                            <td data-label="From">{e.client}</td>
                        </tr>
                    </For>
                </tbody>
            </table>
            {move || (!loading.get() && entries.with(Vec::is_empty)).then(|| view! {
                <p class="empty">{move || match (filter.with(|f| f.trim().is_empty()), narrow.with(|n| *n == AuditNarrow::default())) {
                    (true, true) => "Nothing recorded yet.".to_owned(),
                    (true, false) => "No entries match these choices.".to_owned(),
                    (false, true) => format!("No entries match “{}”.", filter.get().trim()),
                    (false, false) => format!("No entries match “{}” with these choices.", filter.get().trim()),
                }}</p>
            })}
            <Show when=move || more.get()>
                <button type="button" disabled=loading on:click=move |_| load(true)>"Show older entries"</button>
            </Show>
        </section>
    }
}
