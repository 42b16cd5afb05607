//! One mail of the Delivery log, opened: where it stands ("attempt 3 of 8, next at 19:42"),
//! "Retry now" and "Cancel mail" while it waits, its headers, text, HTML and attachments, and
//! every attempt with its settings, the server's reply and the queue id.

use super::dialog::{keep_focus_inside, modal_while};
use super::format::date_time;
use super::latest::Latest;
use super::session::session;
use super::submit::Submit;
use super::toast::toasts;
use crate::api::delivery::{
    cancel_mail, get_mail, retry_mail_now, AttachmentInfo, AttemptView, MailDetails, MailStatus, MailView,
};
use crate::api::MailId;
use leptos::html::Dialog;
use leptos::prelude::*;

/// Where the mail stands, in one sentence.
fn standing(d: &MailDetails) -> String {
    let m = &d.mail;
    match m.status {
        MailStatus::Queued if m.attempts == 0 => format!("Queued, first attempt at {}.", date_time(m.next_attempt_at)),
        MailStatus::Queued => {
            format!("Queued: attempt {} of {}, next at {}.", d.tries + 1, d.max_attempts, date_time(m.next_attempt_at))
        }
        MailStatus::Sending => format!("Being sent now: attempt {} of {}.", d.tries, d.max_attempts),
        MailStatus::Sent => format!(
            "Sent {}{}.",
            m.sent_at.map(date_time).unwrap_or_default(),
            m.sent_via.as_ref().map(|via| format!(" by its backup “{via}”")).unwrap_or_default()
        ),
        MailStatus::Failed => format!("Failed: {}", m.last_error.clone().unwrap_or_default()),
    }
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} bytes"),
        b if b < 1024 * 1024 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// Open while `open` names a mail; `row` is that mail as the log lists it now, so the details
/// follow its progress. `changed` receives the mail after Retry now or Cancel.
#[component]
pub fn MailDetailsDialog(
    open: RwSignal<Option<MailId>>,
    #[prop(into)] row: Signal<Option<MailView>>,
    changed: Callback<MailView>,
) -> impl IntoView {
    let session = session();
    let toasts = toasts();
    let dialog = NodeRef::<Dialog>::new();
    let details = RwSignal::new(None::<MailDetails>);
    let error = RwSignal::new(None::<String>);
    modal_while(dialog, move || open.with(Option::is_some));
    // Fetched on opening, and again whenever the log's row for it changes; only the newest
    // answer is shown, so a slow older one cannot bring back a state since left.
    let latest = Latest::new();
    Effect::new(move |_| {
        let (Some(id), _) = (open.get(), row.get()) else {
            latest.forget();
            details.set(None);
            return;
        };
        latest.send(get_mail(id), move |answer| match answer {
            Ok(found) => {
                details.set(Some(found));
                error.set(None);
            }
            Err(e) => error.set(session.unless_signed_out(e).map(|e| e.to_string())),
        });
    });
    // Retry now (true) or Cancel mail (false). The row's change refetches the details.
    let act = Submit::handled(
        |(id, retry): &(MailId, bool)| {
            let (id, retry) = (*id, *retry);
            async move { if retry { retry_mail_now(id).await } else { cancel_mail(id).await }.map(|mail| (retry, mail)) }
        },
        move |(retry, mail): (bool, MailView)| {
            toasts.show(if retry {
                format!("Mail to {} will be tried again now.", mail.recipient)
            } else {
                format!("Mail to {} was cancelled; it will not be sent.", mail.recipient)
            });
            let _ = changed.try_run(mail);
        },
        move |e| error.set(Some(e.to_string())),
    );
    let pending = act.pending();
    let act = move |retry: bool| {
        if let Some(id) = open.get_untracked() {
            latest.forget();
            act.send((id, retry));
        }
    };
    let queued = move || details.with(|d| d.as_ref().is_some_and(|d| d.mail.status == MailStatus::Queued));
    let message = Memo::new(move |_| {
        details.with(|d| {
            d.as_ref().map(|d| MessageParts {
                id: d.mail.id,
                headers: d.headers.clone(),
                text: d.text.clone(),
                html: d.html.clone(),
                attachments: d.attachments.clone(),
            })
        })
    });
    let attempts = Memo::new(move |_| details.with(|d| d.as_ref().map(|d| d.attempts.clone())));
    view! {
        <dialog node_ref=dialog class="test-dialog mail-details" aria-labelledby="mail-title" on:keydown=keep_focus_inside
            on:cancel=move |ev: leptos::ev::Event| { ev.prevent_default(); open.set(None); }>
            <h2 id="mail-title">{move || details.with(|d| d.as_ref().map_or_else(
                || "Mail".to_owned(), |d| format!("Mail to {}", d.mail.recipient)))}</h2>
            <Show when=move || error.with(Option::is_some)>
                <p class="alert" role="alert">{move || error.get()}</p>
            </Show>
            <p class="standing" role="status">{move || details.with(|d| d.as_ref().map(standing))}</p>
            // The actions come first, above a message that may be long.
            <div class="dialog-buttons start">
                <Show when=queued>
                    <button type="button" disabled=pending on:click=move |_| act(true)>"Retry now"</button>
                    <button type="button" class="danger" disabled=pending on:click=move |_| act(false)>"Cancel mail"</button>
                </Show>
                <button type="button" autofocus on:click=move |_| open.set(None)>"Close"</button>
            </div>
            // The message is redrawn only when it changes (a resend re-seals it), not on every
            // refresh, so the HTML part's frame is not reloaded under the reader.
            {move || message.get().map(|m| view! { <Message message=m /> })}
            {move || attempts.get().map(|a| view! { <Attempts attempts=a /> })}
        </dialog>
    }
}

/// What a mail says; the id keeps two mails with the same message apart.
#[derive(Clone, PartialEq)]
struct MessageParts {
    id: MailId,
    headers: Vec<(String, String)>,
    text: Option<String>,
    html: Option<String>,
    attachments: Vec<AttachmentInfo>,
}

#[component]
fn Message(message: MessageParts) -> impl IntoView {
    let MessageParts { headers, text, html, attachments, .. } = message;
    view! {
        <h3>"Headers"</h3>
        <dl class="headers">
            {headers.into_iter().map(|(name, value)| view! { <dt>{name}</dt><dd>{value}</dd> }).collect_view()}
        </dl>
        <h3>"Text"</h3>
        {match text {
            Some(text) => view! { <pre class="mail-text" aria-label="Text part">{text}</pre> }.into_any(),
            None => view! { <p class="hint">"This mail has no text part."</p> }.into_any(),
        }}
        <h3>"HTML"</h3>
        {match html {
            Some(html) => view! { <iframe class="preview-html" title="HTML part" sandbox="" srcdoc=html></iframe> }.into_any(),
            None => view! { <p class="hint">"This mail has no HTML part."</p> }.into_any(),
        }}
        <h3>"Attachments"</h3>
        {if attachments.is_empty() {
            view! { <p class="hint">"None."</p> }.into_any()
        } else {
            view! { <ul class="attachments">{attachments.into_iter().map(|a| view! {
                <li>{format!("{} ({}, {})", a.name, a.content_type, size(a.size))}</li>
            }).collect_view()}</ul> }.into_any()
        }}
    }
}

#[component]
fn Attempts(attempts: Vec<AttemptView>) -> impl IntoView {
    view! {
        <h3>"Attempts"</h3>
        {if attempts.is_empty() {
            view! { <p class="hint">"Not attempted yet."</p> }.into_any()
        } else {
            view! {
                <table class="audit cards attempts">
                    <thead><tr><th>"#"</th><th>"Time"</th><th>"SMTP settings"</th><th>"Outcome"</th><th>"Server reply"</th><th>"Queue id"</th></tr></thead>
                    <tbody>{attempts.into_iter().map(|a| view! {
                        <tr>
                            <td data-label="#">{a.number}</td>
                            <td data-label="Time" class="nowrap">{date_time(a.at)}</td>
                            <td data-label="SMTP settings">{a.settings}</td>
                            <td data-label="Outcome">{a.outcome.label()}</td>
                            <td data-label="Server reply">{a.reply}</td>
                            <td data-label="Queue id">{a.queue_id.unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}</tbody>
                </table>
            }.into_any()
        }}
    }
}
