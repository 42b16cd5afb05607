//! "Send test": the saved template, with the sample data, to the signed-in administrator.

use super::preview::parsed_sample;
use crate::api::templates::send_template_test;
use crate::api::{AppError, Id};
use crate::ui::session::session;
use crate::ui::toast::toasts;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn SendTest(
    id: Id,
    /// Unsaved edits: the test would not show them, so it waits for a save.
    #[prop(into)]
    dirty: Signal<bool>,
    sample_text: RwSignal<String>,
) -> impl IntoView {
    let session = session();
    let toasts = toasts();
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let send = move |_| {
        let Ok(sample) = parsed_sample(&sample_text.get_untracked()) else { return };
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            match send_template_test(id, sample).await {
                Ok(test) => toasts.show(format!("Test queued to {}: follow mail #{} in the Delivery log.", test.to, test.mail)),
                Err(AppError::Invalid(errors)) => {
                    let said: Vec<String> = errors.iter().map(|(_, message)| message.to_owned()).collect();
                    let _ = error.try_set(Some(said.join(" ")));
                }
                Err(e) => {
                    let _ = error.try_set(session.unless_signed_out(e).map(|e| e.to_string()));
                }
            }
            let _ = pending.try_set(false);
        });
    };
    let reason = move || dirty.get().then_some("Save first: Send test sends the saved template.");
    view! {
        <button type="button" aria-describedby="send-test-why" disabled=move || pending.get() || dirty.get() on:click=send>
            {move || if pending.get() { "Sending…" } else { "Send test" }}
        </button>
        <span class="hint" id="send-test-why">{reason}</span>
        {move || error.get().map(|e| view! { <p class="alert" role="alert">{e}</p> })}
    }
}
