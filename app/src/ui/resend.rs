//! "Resend" in the Delivery log: which settings to send a failed mail through (by default the
//! settings its template uses now), then its outcome, announced as it happens.

use super::dialog::{keep_focus_inside, modal_while};
use super::fields::SelectField;
use super::loaded::loaded;
use super::submit::Submit;
use crate::api::delivery::{resend_mail, MailView};
use crate::api::settings::settings_rows;
use crate::api::{MailId, SettingsId};
use leptos::html::Dialog;
use leptos::prelude::*;

/// The choice that means "whatever the template uses now".
const TEMPLATES: &str = "";

#[component]
pub fn ResendDialog(mail: RwSignal<Option<MailView>>, resent: Callback<MailView>) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    // Read each time the dialog opens, so settings added meanwhile are offered; nothing while closed.
    let settings = loaded(move || {
        let open = mail.with(Option::is_some);
        async move {
            match open {
                true => settings_rows().await,
                false => Ok(Vec::new()),
            }
        }
    });
    let options = Signal::derive(move || {
        let template = (TEMPLATES.to_owned(), "The settings its template uses now".to_owned());
        let others = settings.get().and_then(Result::ok).unwrap_or_default();
        std::iter::once(template)
            .chain(others.into_iter().map(|s| (s.id.to_string(), format!("{} ({}:{})", s.name, s.host, s.port))))
            .collect::<Vec<_>>()
    });
    let chosen = RwSignal::new(TEMPLATES.to_owned());
    let submit = Submit::new(
        |(id, through): &(MailId, Option<SettingsId>)| resend_mail(*id, *through),
        move |view| {
            mail.set(None);
            resent.run(view);
        },
    );
    let pending = submit.pending();
    modal_while(dialog, move || mail.with(Option::is_some));
    Effect::new(move |_| {
        if mail.with(Option::is_none) {
            return;
        }
        chosen.set(TEMPLATES.to_owned());
        submit.reset();
    });
    let send = move |_| {
        if let Some(current) = mail.get_untracked() {
            submit.send((current.id, chosen.get_untracked().parse().ok()));
        }
    };
    view! {
        <dialog node_ref=dialog class="confirm" aria-labelledby="resend-title" on:keydown=keep_focus_inside
            on:cancel=move |ev: leptos::ev::Event| { ev.prevent_default(); mail.set(None); }>
            <h2 id="resend-title">"Resend mail"</h2>
            {move || mail.get().map(|m| view! {
                <p>{format!("“{}” to {}, {} attempt{} so far. Last error: {}", m.subject, m.recipient, m.attempts,
                    if m.attempts == 1 { "" } else { "s" }, m.last_error.unwrap_or_else(|| "none".into()))}</p>
            })}
            <SelectField label="Send through" options=options value=chosen on_change=Callback::new(move |v| chosen.set(v)) />
            {submit.alert()}
            <div class="dialog-buttons">
                <button type="button" class="primary" disabled=pending on:click=send>
                    {move || if pending.get() { "Resending…" } else { "Resend" }}
                </button>
                <button type="button" autofocus on:click=move |_| mail.set(None)>"Cancel"</button>
            </div>
        </dialog>
    }
}
