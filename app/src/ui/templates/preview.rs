//! The template's preview, kept up to date as the form changes: rendered with sample data the
//! administrator may edit, checked as a save would be (its messages reach the form's fields),
//! and the placeholders the template uses or may use.

use crate::api::templates::{preview_template, Preview};
use crate::api::{AppError, TemplateId};
use crate::domain::template::{described, PlaceholderRule};
use crate::domain::{FieldErrors, FieldKey, TemplateForm};
use crate::ui::fields::TextAreaField;
use crate::ui::latest::Latest;
use crate::ui::session::session;
use leptos::prelude::*;
use std::time::Duration;

/// How long typing must pause before the preview is asked for again.
const PAUSE: Duration = Duration::from_millis(300);

/// The sample data as typed: None when empty (samples are used), else the parsed JSON or why
/// it does not parse.
pub fn parsed_sample(text: &str) -> Result<Option<serde_json::Value>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(text).map(Some).map_err(|e| format!("Sample data is not valid JSON: {e}."))
}

/// `checked` receives the server's messages for the form's fields (empty once it renders).
#[component]
pub fn LivePreview(
    #[prop(into)] draft: Signal<TemplateForm>,
    #[prop(into)] id: Signal<Option<TemplateId>>,
    rule: PlaceholderRule,
    sample_text: RwSignal<String>,
    checked: RwSignal<FieldErrors>,
) -> impl IntoView {
    let session = session();
    // The latest rendering, with what it was rendered from.
    let shown = RwSignal::new(None::<(Preview, TemplateForm, String)>);
    let failure = RwSignal::new(None::<String>);
    let latest = Latest::new();
    Effect::new(move |_| {
        let (form, sample) = (draft.get(), sample_text.get());
        let ticket = latest.forget();
        let Ok(given) = parsed_sample(&sample) else { return };
        let ask = move || {
            if !latest.is_current(ticket) {
                return;
            }
            let asked = preview_template(form.clone(), id.get_untracked(), given);
            latest.send(asked, move |answer| match answer {
                Ok(p) => {
                    checked.set(FieldErrors::default());
                    failure.set(None);
                    shown.set(Some((p, form, sample)));
                }
                Err(AppError::Invalid(errors)) => {
                    failure.set(None);
                    checked.set(errors);
                }
                Err(e) => failure.set(session.unless_signed_out(e).map(|e| e.to_string())),
            });
        };
        set_timeout(ask, PAUSE);
    });
    let current = move || {
        shown.with(|s| s.as_ref().is_some_and(|(_, form, sample)| draft.with(|d| d == form) && sample_text.with(|t| t == sample)))
    };
    let sample_error = Signal::derive(move || {
        sample_text.with(|t| parsed_sample(t).err()).or_else(|| checked.with(|c| c.get(FieldKey::SampleData).map(str::to_owned)))
    });
    view! {
        <section class="preview" aria-labelledby="preview-heading">
            <h3 id="preview-heading">"Preview"</h3>
            {move || failure.get().map(|f| view! { <p class="alert" role="alert">{f}</p> })}
            <p class="hint" role="status">{move || match (shown.with(Option::is_some), current()) {
                (false, _) => "The preview appears once the form can be rendered.",
                (true, true) => "Up to date with the form.",
                (true, false) if checked.with(|c| !c.is_empty()) => "Out of date: fix the messages above to update it.",
                (true, false) => "Out of date: updating…",
            }}</p>
            {move || shown.get().map(|(p, _, _)| view! {
                <div class="preview-body" class:stale=move || !current()>
                    <p><strong>"From: "</strong>{p.from}</p>
                    <p><strong>"Subject: "</strong>{p.subject}</p>
                    <h4>"Text"</h4>
                    <pre class="preview-text" aria-label="Text preview">{p.text}</pre>
                    <h4>"HTML"</h4>
                    {match p.html {
                        Some(html) => view! { <iframe class="preview-html" title="HTML preview" sandbox="" srcdoc=html></iframe> }.into_any(),
                        None => view! { <p class="hint">"No HTML body: the mail is sent as text only."</p> }.into_any(),
                    }}
                </div>
            })}
            <details class="sample">
                <summary>"Sample data"</summary>
                <TextAreaField label=FieldKey::SampleData.label() rows=6 value=sample_text
                    on_input=Callback::new(move |v: String| sample_text.set(v))
                    error=sample_error
                    hint="Empty: a sample for each placeholder the template uses. Type JSON to preview, and Send test, with your own." />
                <button type="button" on:click=move |_| {
                    let used = shown.with_untracked(|s| s.as_ref().map(|(p, _, _)| p.sample.clone()));
                    if let Some(text) = used.and_then(|v| serde_json::to_string_pretty(&v).ok()) {
                        sample_text.set(text);
                    }
                }>"Fill in the samples used"</button>
            </details>
        </section>
        <Placeholders rule needs=Signal::derive(move || shown.with(|s| s.as_ref().map(|(p, _, _)| p.needs.clone()).unwrap_or_default())) />
    }
}

/// What the template uses (each is data a sender must supply), and what it may use.
#[component]
fn Placeholders(rule: PlaceholderRule, #[prop(into)] needs: Signal<Vec<String>>) -> impl IntoView {
    let row = |name: String, what: String| view! { <tr><td><code>{format!("{{{{ {name} }}}}")}</code></td><td>{what}</td></tr> };
    let (intro, listed_title) = match rule {
        PlaceholderRule::Account(_) => ("Mailroom fills these itself when it sends this mail; no others can be used.", "Available"),
        PlaceholderRule::Application => (
            "The application supplies these when it queues the mail; a call without one is refused, naming it. Any name works, such as {{ order.id }}.",
            "Common placeholders",
        ),
    };
    view! {
        <details class="placeholders" open>
            <summary>"Placeholders"</summary>
            <p class="hint">{intro}</p>
            <h4>"This template uses"</h4>
            {move || {
                let used = needs.get();
                if used.is_empty() {
                    view! { <p class="hint">"None yet."</p> }.into_any()
                } else {
                    view! { <table aria-label="Placeholders this template uses">{used.into_iter().map(|name| {
                        let what = described(&name).unwrap_or("Supplied by the application").to_owned();
                        row(name, what)
                    }).collect_view()}</table> }.into_any()
                }
            }}
            <h4>{listed_title}</h4>
            <table aria-label=listed_title>
                {rule.listed().into_iter().map(|(name, what)| row(name.to_owned(), what.to_owned())).collect_view()}
            </table>
        </details>
    }
}
