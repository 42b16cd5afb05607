//! "Resend" in the Delivery log: which settings to send a failed mail through (by default the
//! settings its template uses now), then its outcome, announced as it happens.

use super::dialog::{keep_focus_inside, modal_while};
use super::fields::SelectField;
use super::session::session;
use crate::api::delivery::{resend_mail, MailView};
use crate::api::settings::list_settings;
use leptos::html::Dialog;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The choice that means "whatever the template uses now".
const TEMPLATES: &str = "";

#[component]
pub fn ResendDialog(mail: RwSignal<Option<MailView>>, resent: Callback<MailView>) -> impl IntoView {
    let session = session();
    let dialog = NodeRef::<Dialog>::new();
    let options = RwSignal::new(vec![(TEMPLATES.to_owned(), "The settings its template uses now".to_owned())]);
    let chosen = RwSignal::new(TEMPLATES.to_owned());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    modal_while(dialog, move || mail.with(Option::is_some));
    Effect::new(move |_| {
        if mail.with(Option::is_none) {
            return;
        }
        chosen.set(TEMPLATES.to_owned());
        error.set(None);
        spawn_local(async move {
            if let Ok(all) = list_settings().await {
                let others = all.into_iter().map(|s| (s.id.to_string(), format!("{} ({}:{})", s.name, s.host, s.port)));
                options.set(
                    std::iter::once((TEMPLATES.to_owned(), "The settings its template uses now".to_owned()))
                        .chain(others)
                        .collect(),
                );
            }
        });
    });
    let send = move |_| {
        let Some(current) = mail.get_untracked() else { return };
        let through = chosen.get_untracked().parse().ok();
        pending.set(true);
        spawn_local(async move {
            match resend_mail(current.id, through).await {
                Ok(view) => {
                    mail.set(None);
                    resent.run(view);
                }
                Err(e) => error.set(session.unless_signed_out(e).map(|e| e.to_string())),
            }
            pending.set(false);
        });
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
            <Show when=move || error.with(Option::is_some)>
                <p class="alert" role="alert">{move || error.get()}</p>
            </Show>
            <div class="dialog-buttons">
                <button type="button" class="primary" disabled=pending on:click=send>
                    {move || if pending.get() { "Resending…" } else { "Resend" }}
                </button>
                <button type="button" autofocus on:click=move |_| mail.set(None)>"Cancel"</button>
            </div>
        </dialog>
    }
}
