//! The "Send test email" dialog: the recipient, then each step of the SMTP conversation as it
//! happens, and when something fails, what, why, what to change, and the conversation itself.

use super::{ctx, EditorHandle, SettingsCtx};
use crate::api::test_email::{send_test_email, Diagnosis, Speaker, Step, TestEmailRequest, TestEvent, TranscriptLine};
use crate::api::AppError;
use crate::domain::{FieldErrors, FieldKey};
use crate::ui::fields::TextField;
use crate::ui::latest::Latest;
use crate::ui::session::session;
use futures::StreamExt;
use leptos::html::Dialog;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Debug, PartialEq)]
enum StepState {
    Waiting,
    Running,
    Passed { millis: u64, detail: String, warning: Option<String> },
    Skipped(String),
    Failed { millis: u64 },
}

/// The order the steps happen in: TLS first on port 465 (implicit TLS), after the greeting
/// otherwise (STARTTLS).
fn steps_for(implicit_tls: bool, oauth: bool) -> Vec<Step> {
    let mut steps = vec![Step::Resolve, Step::Connect, Step::Greeting, Step::Tls];
    if implicit_tls {
        steps.swap(2, 3);
    }
    if oauth {
        steps.push(Step::Token);
    }
    steps.extend([Step::Authenticate, Step::Sender, Step::Recipient, Step::Message]);
    steps
}

#[component]
pub fn TestDialog() -> impl IntoView {
    let ctx = ctx();
    let session = session();
    let dialog = NodeRef::<Dialog>::new();
    let recipient = RwSignal::new(session.user().map(|u| u.email).unwrap_or_default());
    let recipient_error = RwSignal::new(None::<String>);
    let general = RwSignal::new(None::<String>);
    let running = RwSignal::new(false);
    let states = RwSignal::new(Vec::<(Step, StepState)>::new());
    let diagnosis = RwSignal::new(None::<Diagnosis>);
    let transcript = RwSignal::new(Vec::<TranscriptLine>::new());
    let outcome = RwSignal::new(None::<bool>);
    // The saved settings under test, fixed when Send is pressed.
    let tested = StoredValue::new(None::<crate::api::SettingsId>);

    crate::ui::dialog::modal_while(dialog, move || ctx.testing.get());
    // Closing, or sending again, makes a run's late events stale.
    let latest = Latest::new();
    let close = move || {
        if running.get_untracked() {
            latest.forget();
            running.set(false);
            states.set(Vec::new());
        }
        ctx.testing.set(false);
    };
    let about = move || {
        ctx.editor.get().map(|editor: EditorHandle| {
            let form = editor.draft.get();
            let edits = if editor.dirty.get() { ", with your unsaved changes" } else { "" };
            format!("Sends a message through “{}” ({}:{}){edits}.", form.name.trim(), form.host.trim(), form.port.trim())
        })
    };

    let found = Found { states, diagnosis, transcript, outcome, recipient_error, tested, ctx };
    let apply = move |event: TestEvent| found.apply(event);

    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(editor) = ctx.editor.get_untracked() else { return };
        let form = editor.draft.get_untracked();
        states.set(steps_for(form.implicit_tls(), form.oauth()).into_iter().map(|s| (s, StepState::Waiting)).collect());
        diagnosis.set(None);
        transcript.set(Vec::new());
        outcome.set(None);
        general.set(None);
        recipient_error.set(None);
        editor.attention.set(None);
        tested.set_value(editor.id.get_untracked());
        let request = TestEmailRequest {
            settings_id: editor.id.get_untracked(),
            form: (editor.dirty.get_untracked() || editor.id.get_untracked().is_none()).then_some(form),
            password: Some(editor.password.get_untracked()).filter(|p| !p.is_empty()),
            recipient: recipient.get_untracked(),
        };
        running.set(true);
        let ticket = latest.forget();
        let current = move || latest.is_current(ticket);
        // The answer is a stream of events, read as they come; an Action would only see the end.
        spawn_local(async move {
            match send_test_email(request).await {
                Ok(stream) => {
                    let mut stream = stream.into_inner();
                    let mut buffer = String::new();
                    while let Some(chunk) = stream.next().await {
                        if !current() {
                            break;
                        }
                        match chunk {
                            Ok(text) => {
                                buffer.push_str(&text);
                                whole_events(&mut buffer).into_iter().for_each(apply);
                            }
                            Err(e) => {
                                general.set(Some(e.to_string()));
                                break;
                            }
                        }
                    }
                }
                Err(AppError::Invalid(errors)) if current() => refused_fields(errors, editor, recipient_error, general),
                Err(e) if current() => general.set(session.unless_signed_out(e).map(|e| e.to_string())),
                Err(_) => {}
            }
            if current() {
                running.set(false);
            }
        });
    };

    view! {
        <dialog node_ref=dialog class="test-dialog" aria-labelledby="test-title" on:keydown=crate::ui::dialog::keep_focus_inside on:cancel=move |ev: leptos::ev::Event| {
            ev.prevent_default();
            close();
        }>
            <form on:submit=send novalidate>
                <h2 id="test-title">"Send test email"</h2>
                <p>{about}</p>
                <TextField label=FieldKey::Recipient.label() kind="email" autocomplete="email" value=recipient
                    on_input=move |v| { recipient.set(v); recipient_error.set(None); }
                    error=recipient_error required=true />
                <Show when=move || general.with(Option::is_some)>
                    <p class="alert" role="alert">{move || general.get()}</p>
                </Show>
                <Show when=move || states.with(|s| !s.is_empty())>
                    <p class="visually-hidden" role="status">{move || states.with(|s| progress(s))}</p>
                    <ol class="steps" aria-label="Progress">
                        <For each=move || states.get() key=|(step, state)| (*step, format!("{state:?}")) let:item>
                            <StepRow step=item.0 state=item.1 />
                        </For>
                    </ol>
                </Show>
                <TestResults recipient outcome diagnosis transcript />
                <div class="dialog-buttons">
                    <button type="submit" class="primary" disabled=running>
                        {move || if running.get() { "Sending…" } else { "Send" }}
                    </button>
                    <button type="button" on:click=move |_| close()>"Close"</button>
                </div>
            </form>
        </dialog>
    }
}

/// Where a run's events land as they arrive.
#[derive(Clone, Copy)]
struct Found {
    states: RwSignal<Vec<(Step, StepState)>>,
    diagnosis: RwSignal<Option<Diagnosis>>,
    transcript: RwSignal<Vec<TranscriptLine>>,
    outcome: RwSignal<Option<bool>>,
    recipient_error: RwSignal<Option<String>>,
    tested: StoredValue<Option<crate::api::SettingsId>>,
    ctx: SettingsCtx,
}

impl Found {
    fn apply(&self, event: TestEvent) {
        let ctx = self.ctx;
        match event {
            TestEvent::Started(step) => set_state(self.states, step, StepState::Running),
            TestEvent::Passed { step, millis, detail, warning } => {
                set_state(self.states, step, StepState::Passed { millis, detail, warning })
            }
            TestEvent::Skipped { step, reason } => set_state(self.states, step, StepState::Skipped(reason)),
            TestEvent::Failed { step, millis, diagnosis: found } => {
                set_state(self.states, step, StepState::Failed { millis });
                if found.recipient_at_fault {
                    self.recipient_error.set(Some(found.cause.clone()));
                }
                if let Some(editor) = ctx.editor.try_get_untracked().flatten() {
                    editor.attention.set((!found.fields.is_empty()).then(|| (found.fields.clone(), found.cause.clone())));
                }
                self.diagnosis.set(Some(found));
            }
            TestEvent::Finished { ok, transcript: lines, stored, .. } => {
                self.transcript.set(lines);
                self.outcome.set(Some(ok));
                if let (Some(stored), Some(id)) = (stored, self.tested.get_value()) {
                    ctx.rows.update(|rows| rows.set_last_test(id, stored));
                }
            }
        }
    }
}

/// What the test found: success, or the diagnosis; and the SMTP conversation on request.
#[component]
fn TestResults(
    recipient: RwSignal<String>,
    outcome: RwSignal<Option<bool>>,
    diagnosis: RwSignal<Option<Diagnosis>>,
    transcript: RwSignal<Vec<TranscriptLine>>,
) -> impl IntoView {
    let ctx = ctx();
    let show_transcript = RwSignal::new(false);
    view! {
        {move || outcome.get().filter(|ok| *ok).map(|_| view! {
            <p class="success" role="status">{move || format!("The test email was accepted for delivery to {}. Check that inbox.", recipient.get())}</p>
        })}
        {move || diagnosis.get().map(|d| {
            let trust = Callback::new(move |pin: crate::domain::CertificatePin| {
                if let Some(editor) = ctx.editor.get_untracked() {
                    editor.draft.update(|form| form.certificate = pin.to_string());
                }
            });
            view! { <DiagnosisBox diagnosis=d trust /> }
        })}
        <Show when=move || transcript.with(|t| !t.is_empty())>
            <button type="button" class="link" aria-expanded=move || show_transcript.get().to_string()
                on:click=move |_| show_transcript.update(|s| *s = !*s)>
                {move || if show_transcript.get() { "Hide SMTP conversation" } else { "Show SMTP conversation" }}
            </button>
            <Show when=move || show_transcript.get()>
                <pre class="transcript" aria-label="SMTP conversation">{move || render_transcript(&transcript.get())}</pre>
            </Show>
        </Show>
    }
}

/// Takes every whole line out of `buffer` as an event; a line still arriving stays.
fn whole_events(buffer: &mut String) -> Vec<TestEvent> {
    let mut events = Vec::new();
    while let Some(end) = buffer.find('\n') {
        let line: String = buffer.drain(..=end).collect();
        if let Ok(event) = serde_json::from_str::<TestEvent>(line.trim()) {
            events.push(event);
        }
    }
    events
}

fn set_state(states: RwSignal<Vec<(Step, StepState)>>, step: Step, state: StepState) {
    states.update(|all| match all.iter_mut().find(|(s, _)| *s == step) {
        Some(entry) => entry.1 = state,
        None => all.push((step, state)),
    });
}

/// The server refused to start: show each message where it belongs.
fn refused_fields(
    errors: FieldErrors,
    editor: EditorHandle,
    recipient_error: RwSignal<Option<String>>,
    general: RwSignal<Option<String>>,
) {
    let mut form_errors = FieldErrors::default();
    for (field, message) in errors.iter() {
        if field == FieldKey::Recipient {
            recipient_error.set(Some(message.to_owned()));
        } else {
            form_errors.push(field, message);
        }
    }
    if !form_errors.is_empty() {
        let fields: Vec<&str> = form_errors.iter().map(|(f, _)| f.label()).collect();
        general.set(Some(format!(
            "Fix {} in the form first: {}",
            fields.join(", "),
            form_errors.iter().next().map(|(_, m)| m).unwrap_or_default()
        )));
        editor.server.set(form_errors);
        editor.submitted.set(true);
    }
}

fn render_transcript(lines: &[TranscriptLine]) -> String {
    lines
        .iter()
        .map(|l| match l.speaker {
            Speaker::Mailroom => format!("C: {}", l.text),
            Speaker::Server => format!("S: {}", l.text),
            Speaker::Note => format!("   ({})", l.text),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[component]
fn StepRow(step: Step, state: StepState) -> impl IntoView {
    let (class, mark, status) = look(&state);
    let timing = match &state {
        StepState::Passed { millis, .. } | StepState::Failed { millis } => format!("{millis} ms"),
        _ => String::new(),
    };
    let warning = match &state {
        StepState::Passed { warning, .. } => warning.clone(),
        _ => None,
    };
    let detail = match state {
        StepState::Passed { detail, .. } => detail,
        StepState::Skipped(reason) => reason,
        _ => String::new(),
    };
    view! {
        <li class=format!("step {class}") aria-label=format!("{}: {status}", step.label())>
            <span class="mark" aria-hidden="true">{mark}</span>
            <span class="step-label">{step.label()}</span>
            <span class="timing">{timing}</span>
            <span class="detail">{detail}</span>
            {warning.map(|w| view! { <span class="warning">{w}</span> })}
        </li>
    }
}

/// Class, mark and the words a screen reader says for a step's state.
fn look(state: &StepState) -> (&'static str, &'static str, &'static str) {
    match state {
        StepState::Waiting => ("waiting", "○", "waiting"),
        StepState::Running => ("running", "◌", "in progress"),
        StepState::Passed { warning: Some(_), .. } => ("warned", "⚠", "done, with a warning"),
        StepState::Passed { .. } => ("passed", "✓", "done"),
        StepState::Skipped(_) => ("skipped", "–", "skipped"),
        StepState::Failed { .. } => ("failed", "✗", "failed"),
    }
}

/// The latest step that has started, for the live region: "TLS: in progress".
fn progress(states: &[(Step, StepState)]) -> String {
    states
        .iter()
        .rev()
        .find(|(_, state)| !matches!(state, StepState::Waiting))
        .map(|(step, state)| format!("{}: {}", step.label(), look(state).2))
        .unwrap_or_default()
}

#[component]
fn DiagnosisBox(diagnosis: Diagnosis, trust: Callback<crate::domain::CertificatePin>) -> impl IntoView {
    let can_trust = diagnosis.can_trust;
    view! {
        <div class="diagnosis" role="alert">
            <p><strong>{format!("Failed at “{}”", diagnosis.step.label())}</strong></p>
            {diagnosis.reply.map(|(code, text)| view! { <p>"Server replied: " <code>{format!("{code} {text}")}</code></p> })}
            <p>"Likely cause: " {diagnosis.cause}</p>
            <p>"What to change: " {diagnosis.fix}</p>
        </div>
        {diagnosis.certificate.map(|facts| view! { <super::certificate::PresentedCertificate facts can_trust trust /> })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_read_line_by_line_and_a_partial_line_waits() {
        let mut buffer = "{\"Started\":\"Resolve\"}\n{\"Started\":\"Conn".to_owned();
        assert_eq!(whole_events(&mut buffer), [TestEvent::Started(Step::Resolve)]);
        assert_eq!(buffer, "{\"Started\":\"Conn");
        buffer.push_str("ect\"}\nnot json\n");
        assert_eq!(whole_events(&mut buffer), [TestEvent::Started(Step::Connect)], "a line that is not an event is skipped");
        assert!(buffer.is_empty());
    }

    #[test]
    fn tls_comes_first_only_for_implicit_tls() {
        assert_eq!(steps_for(true, false)[2], Step::Tls);
        assert_eq!(steps_for(false, false)[2], Step::Greeting);
        assert_eq!(steps_for(false, false)[3], Step::Tls);
        assert_eq!(steps_for(false, false).len(), 8);
        assert_eq!(steps_for(false, true)[4..6], [Step::Token, Step::Authenticate]);
    }
}
