//! The certificate a relay presented, under a failed test, and "Trust this certificate", which
//! asks first, repeating the fingerprint to compare.

use crate::api::test_email::CertificateFacts;
use crate::domain::CertificatePin;
use crate::ui::dialog::Confirm;
use crate::ui::format::date_time;
use leptos::prelude::*;

#[component]
pub fn PresentedCertificate(facts: CertificateFacts, can_trust: bool, trust: Callback<CertificatePin>) -> impl IntoView {
    let pin = facts.sha256;
    let asking = RwSignal::new(None::<String>);
    let trusted = RwSignal::new(false);
    let answer = Callback::new(move |yes: bool| {
        asking.set(None);
        if yes {
            trust.run(pin);
            trusted.set(true);
        }
    });
    view! {
        <section class="certificate" aria-label="The server's certificate">
            <dl>
                <dt>"Subject"</dt><dd>{facts.subject}</dd>
                <dt>"Issuer"</dt><dd>{facts.issuer}</dd>
                <dt>"Valid from"</dt><dd>{date_time(facts.not_before)}</dd>
                <dt>"Valid until"</dt><dd>{date_time(facts.not_after)}</dd>
                <dt>"SHA-256 fingerprint"</dt><dd><code class="fingerprint">{pin.to_string()}</code></dd>
            </dl>
            <Show when=move || can_trust && !trusted.get()>
                <button type="button" on:click=move |_| asking.set(Some(format!(
                    "Mailroom will accept this exact certificate from this server, and no other, when it tests and sends through these settings. Compare its SHA-256 fingerprint with the one the relay's administrator gives you: {pin}"
                )))>"Trust this certificate"</button>
            </Show>
            <Show when=move || trusted.get()>
                <p class="success" role="status">
                    "The certificate is trusted in the form. A saved password or client secret is only sent to the certificate it was saved with, so type it again, send the test again, then Save."
                </p>
            </Show>
            <Confirm question=asking title="Trust this certificate?" answer yes_label="Trust this certificate" />
        </section>
    }
}
