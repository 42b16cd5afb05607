//! The Delivery log panel: every application mail with its status, newest first, refreshed
//! every few seconds (every second while a resent mail is on its way); a failed one can be
//! sent again, and its outcome is announced when it comes. A row opens the mail itself.

use super::format::date_time;
use super::latest::Latest;
use super::session::session;
use super::toast::toasts;
use crate::api::delivery::{list_mail, MailNarrow, MailStatus, MailView, MAIL_PAGE};
use crate::api::MailId;
use leptos::prelude::*;
use std::time::Duration;

#[component]
pub fn DeliveryPage() -> impl IntoView {
    let session = session();
    let toasts = toasts();
    let filter = RwSignal::new(String::new());
    let narrow = RwSignal::new(MailNarrow::default());
    let rows = RwSignal::new(Vec::<MailView>::new());
    let error = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(false);
    let more = RwSignal::new(false);
    let resending = RwSignal::new(None::<MailView>);
    let opened = RwSignal::new(None::<MailId>);
    // Resent mails on their way, by id, and their settings' name.
    let watched = RwSignal::new(Vec::<(MailId, String)>::new());
    // The newest page is fetched again every few seconds; older pages, once shown, stay. A new
    // filter or choice drops every answer still on its way.
    let (newest, older_pages) = (Latest::new(), Latest::new());
    let load = move |older: bool| {
        let before = if older { rows.with_untracked(|r| r.last().map(|m| m.id)) } else { None };
        let line = if older { older_pages } else { newest };
        line.send(list_mail(filter.get_untracked(), before, Some(narrow.get_untracked())), move |answer| match answer {
            Ok(page) => {
                if older || !loaded.get_untracked() {
                    more.set(page.len() == MAIL_PAGE);
                }
                rows.update(|all| {
                    if older {
                        all.extend(page);
                    } else {
                        let oldest = page.last().map(|m| m.id);
                        all.retain(|m| oldest.is_some_and(|o| m.id < o));
                        all.splice(0..0, page);
                    }
                });
                error.set(None);
                loaded.set(true);
                announce_outcomes(rows, watched, toasts);
            }
            Err(e) => {
                // What is listed no longer matches the filter and choices shown.
                rows.set(Vec::new());
                more.set(false);
                error.set(session.unless_signed_out(e).map(|e| e.to_string()));
            }
        });
    };
    load(false);
    let ticks = StoredValue::new(0_u32);
    let waited = StoredValue::new(0_u32);
    let tick = move || {
        ticks.update_value(|t| *t += 1);
        let due = watched.with_untracked(|w| !w.is_empty()) || ticks.get_value().is_multiple_of(5);
        // A request unanswered for half a minute is taken as lost, and asked again.
        let waiting = newest.is_waiting();
        waited.update_value(|w| *w = if waiting { *w + 1 } else { 0 });
        if due && (!waiting || waited.get_value() >= 30) {
            waited.set_value(0);
            load(false);
        }
    };
    if let Ok(handle) = set_interval_with_handle(tick, Duration::from_secs(1)) {
        on_cleanup(move || handle.clear());
    }
    let restart = move || {
        older_pages.forget();
        loaded.set(false);
        rows.set(Vec::new());
        load(false);
    };
    let changed = Callback::new(move |mail: MailView| {
        rows.update(|all| all.iter_mut().filter(|m| m.id == mail.id).for_each(|m| *m = mail.clone()));
    });
    let opened_row = Memo::new(move |_| {
        let id = opened.get()?;
        rows.with(|all| all.iter().find(|m| m.id == id).cloned())
    });
    let resent = Callback::new(move |mail: MailView| {
        toasts.show(format!("Mail to {} queued again through “{}”.", mail.recipient, mail.settings));
        watched.update(|w| w.push((mail.id, mail.settings.clone())));
        rows.update(|all| all.iter_mut().filter(|m| m.id == mail.id).for_each(|m| *m = mail.clone()));
    });
    view! {
        <section class="page wide">
            <h1>"Delivery log"</h1>
            <p class="hint">"Every mail Mailroom sends for the application: password resets and mail queued through the API."</p>
            <div class="field filter">
                <label for="delivery-filter">"Filter"</label>
                <input id="delivery-filter" type="search" autocomplete="off" placeholder="Recipient, subject, template, settings, status or error"
                    prop:value=filter on:input=move |ev| { filter.set(event_target_value(&ev)); restart(); } />
            </div>
            <super::delivery_narrow::DeliveryNarrowing narrow changed=Callback::new(move |()| restart()) />
            <Show when=move || error.with(Option::is_some)><p class="alert" role="alert">{move || error.get()}</p></Show>
            <MailTable rows opened resending />
            {move || (loaded.get() && rows.with(Vec::is_empty) && error.with(Option::is_none)).then(|| view! { <p class="empty">"No mail matches."</p> })}
            <Show when=move || more.get()>
                <button type="button" on:click=move |_| load(true)>"Show older mail"</button>
            </Show>
            <super::resend::ResendDialog mail=resending resent />
            <super::mail_details::MailDetailsDialog open=opened row=opened_row changed />
        </section>
    }
}

/// The mails listed; a row opens the mail, a failed one offers Resend.
#[component]
fn MailTable(
    rows: RwSignal<Vec<MailView>>,
    opened: RwSignal<Option<MailId>>,
    resending: RwSignal<Option<MailView>>,
) -> impl IntoView {
    view! {
        <table class="audit cards">
            <thead><tr><th>"Queued"</th><th>"Status"</th><th>"Recipient"</th><th>"Subject"</th><th>"Template"</th><th>"SMTP settings"</th><th>"Attempts"</th><th>"Last error"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
            <tbody>
                <For each=move || rows.get() key=|m| m.clone() let:m>
                    <tr class="openable" on:click=move |_| opened.set(Some(m.id))>
                        <td data-label="Queued" class="nowrap">{date_time(m.created_at)}</td>
                        <td data-label="Status"><span class=format!("badge {}", m.status.label())>{m.status.label()}</span></td>
                        <td data-label="Recipient">{m.recipient.clone()}</td>
                        <td data-label="Subject">{m.subject.clone()}</td>
                        <td data-label="Template">{m.template.clone()}</td>
                        <td data-label="SMTP settings">{m.settings.clone()}{m.sent_via.clone().map(|via| format!(" (sent by its backup “{via}”)"))}</td>
                        <td data-label="Attempts">{m.attempts}</td>
                        <td data-label="Last error">{m.last_error.clone().unwrap_or_default()}</td>
                        <td data-label="Actions" class="nowrap">
                            <button type="button" aria-label=format!("Details of the mail to {}", m.recipient)
                                on:click=move |ev| { ev.stop_propagation(); opened.set(Some(m.id)); }>"Details"</button>
                            {(m.status == MailStatus::Failed).then(|| {
                                let mail = m.clone();
                                view! { <button type="button" aria-label=format!("Resend to {}", m.recipient)
                                    on:click=move |ev| { ev.stop_propagation(); resending.set(Some(mail.clone())); }>"Resend"</button> }
                            })}
                        </td>
                    </tr>
                </For>
            </tbody>
        </table>
    }
}

/// Announces each watched mail that has been sent or has failed again, and stops watching it.
fn announce_outcomes(rows: RwSignal<Vec<MailView>>, watched: RwSignal<Vec<(MailId, String)>>, toasts: super::toast::Toasts) {
    let done: Vec<MailView> = rows.with_untracked(|all| {
        watched.with_untracked(|w| {
            all.iter()
                .filter(|m| w.iter().any(|(id, _)| *id == m.id) && matches!(m.status, MailStatus::Sent | MailStatus::Failed))
                .cloned()
                .collect()
        })
    });
    for mail in &done {
        match mail.status {
            MailStatus::Sent => toasts.show(format!("Mail to {} was sent through “{}”.", mail.recipient, mail.settings)),
            _ => toasts.show(format!(
                "Mail to {} failed again through “{}”: {}",
                mail.recipient,
                mail.settings,
                mail.last_error.clone().unwrap_or_default()
            )),
        }
    }
    watched.update(|w| w.retain(|(id, _)| !done.iter().any(|m| m.id == *id)));
}
