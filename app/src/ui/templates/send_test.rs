//! "Send test": the saved template, with the sample data, to the signed-in administrator.

use super::preview::parsed_sample;
use crate::api::templates::send_template_test;
use crate::api::{AppError, TemplateId};
use crate::ui::submit::Submit;
use crate::ui::toast::toasts;
use leptos::prelude::*;

#[component]
pub fn SendTest(
    id: TemplateId,
    /// Unsaved edits: the test would not show them, so it waits for a save.
    #[prop(into)]
    dirty: Signal<bool>,
    sample_text: RwSignal<String>,
) -> impl IntoView {
    let toasts = toasts();
    let error = RwSignal::new(None::<String>);
    // The button has no fields of its own: what the server finds is said beside it.
    let submit = Submit::handled(
        move |sample: &Option<serde_json::Value>| send_template_test(id, sample.clone()),
        move |test| toasts.show(format!("Test queued to {}: follow mail #{} in the Delivery log.", test.to, test.mail)),
        move |failure| {
            error.set(Some(match failure {
                AppError::Invalid(errors) => errors.iter().map(|(_, message)| message.to_owned()).collect::<Vec<_>>().join(" "),
                other => other.to_string(),
            }))
        },
    );
    let pending = submit.pending();
    let send = move |_| {
        let Ok(sample) = parsed_sample(&sample_text.get_untracked()) else { return };
        error.set(None);
        submit.send(sample);
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
