//! The settings' trusted certificate in the form: its fingerprint, what it means, and its own
//! Remove button. It was set by "Trust this certificate" in the test dialog.

use crate::domain::{Field, SettingsForm};
use leptos::prelude::*;

#[component]
pub fn TrustedCertificate(draft: RwSignal<SettingsForm>, #[prop(into)] saved: Signal<Option<String>>) -> impl IntoView {
    let current = move || draft.with(|d| d.certificate.clone());
    let dropped = move || saved.get().filter(|s| !s.is_empty()).is_some() && current().is_empty();
    view! {
        <Show when=move || !current().is_empty()>
            <div class="field trusted-certificate" role="group" aria-labelledby="trusted-certificate-label">
                <span class="label" id="trusted-certificate-label">{Field::Certificate.label()}</span>
                <p><code class="fingerprint">{move || format!("SHA-256 {}", current())}</code></p>
                <p class="hint">
                    "Mailroom accepts only this certificate from the server, for tests and for sending, instead of asking a certificate authority. A different certificate stops delivery until you trust it again."
                </p>
                <button type="button" on:click=move |_| draft.update(|d| d.certificate.clear())>
                    "Remove trusted certificate"
                </button>
            </div>
        </Show>
        <Show when=dropped>
            <p class="hint warning" role="status">
                "The trusted certificate will be removed when you save: it belonged to the previous server, or you removed it. The server's certificate must then be signed by a trusted authority."
            </p>
        </Show>
    }
}
