//! "Send test email": the request, the live progress events, and the server function that
//! streams them as JSON lines while the SMTP conversation runs.

use super::types::{SettingsId, Timestamp};
use super::AppError;
use crate::domain::{CertificatePin, Field, SettingsForm};
use leptos::prelude::*;
use leptos::server_fn::codec::{Json, StreamingText, TextStream};
use serde::{Deserialize, Serialize};

/// What to test. With `form`, the unsaved edits are tested instead of the saved values; a
/// typed `password` is used as is, and the saved one only for an unchanged endpoint.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestEmailRequest {
    pub settings_id: Option<SettingsId>,
    pub form: Option<SettingsForm>,
    pub password: Option<String>,
    pub recipient: String,
}

impl std::fmt::Debug for TestEmailRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestEmailRequest")
            .field("settings_id", &self.settings_id)
            .field("form", &self.form)
            .field("recipient", &self.recipient)
            .finish_non_exhaustive()
    }
}

/// The steps of the conversation, in the order they can happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Step {
    Resolve,
    Connect,
    Tls,
    Greeting,
    /// OAuth2 only: an access token from the token endpoint.
    Token,
    Authenticate,
    Sender,
    Recipient,
    Message,
}

impl Step {
    pub fn label(self) -> &'static str {
        match self {
            Step::Resolve => "Resolve host",
            Step::Connect => "Connect",
            Step::Tls => "TLS",
            Step::Greeting => "Server greeting and capabilities",
            Step::Token => "Get token",
            Step::Authenticate => "Authenticate",
            Step::Sender => "Sender accepted",
            Step::Recipient => "Recipient accepted",
            Step::Message => "Message accepted",
        }
    }
}

/// What went wrong, in words an administrator can act on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnosis {
    pub step: Step,
    /// The server's reply code and text, when the server answered.
    pub reply: Option<(u16, String)>,
    pub cause: String,
    pub fix: String,
    /// The form fields (or "Recipient") to look at.
    pub fields: Vec<Field>,
    pub recipient_at_fault: bool,
    /// The certificate the server presented, when TLS failed over it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<CertificateFacts>,
    /// Whether "Trust this certificate" is the way forward (self-signed, private CA, changed).
    #[serde(default)]
    pub can_trust: bool,
}

/// A server certificate as an administrator compares it with the relay's own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateFacts {
    pub subject: String,
    pub issuer: String,
    pub not_before: Timestamp,
    pub not_after: Timestamp,
    pub sha256: CertificatePin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Speaker {
    Mailroom,
    Server,
    /// Something that happened between the lines, such as the TLS handshake.
    Note,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscriptLine {
    pub speaker: Speaker,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TestEvent {
    /// A step began.
    Started(Step),
    /// A step finished well, with what was learned ("2 addresses: ...", "TLS 1.3, ...").
    Passed {
        step: Step,
        millis: u64,
        detail: String,
        /// Worth acting on although the step worked ("the certificate expires in 5 days").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        warning: Option<String>,
    },
    /// A step that did not apply ("no Username, so no sign-in").
    Skipped {
        step: Step,
        reason: String,
    },
    Failed {
        step: Step,
        millis: u64,
        diagnosis: Diagnosis,
    },
    /// The end: the conversation (secrets redacted), and the result as stored for the list
    /// when the saved settings were tested.
    Finished {
        ok: bool,
        at: Timestamp,
        transcript: Vec<TranscriptLine>,
        stored: Option<LastTest>,
    },
}

/// The last test of a saved settings, shown in the list.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LastTest {
    pub at: Timestamp,
    pub ok: bool,
    /// "Sent" or the failed step and why.
    pub summary: String,
}

/// The progress of a test, ending with `TestEvent::Finished`.
#[cfg(feature = "ssr")]
pub type TestEvents = std::pin::Pin<Box<dyn futures::Stream<Item = TestEvent> + Send>>;

/// Sending a test email. Written out rather than declared with `operations!`, because its
/// answer is a stream of lines.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait TestEmailApi: Send + Sync {
    /// Checks the request, then runs the test.
    async fn send_test_email(&self, admin: super::caller::Admin, request: TestEmailRequest) -> Result<TestEvents, AppError>;
}

#[server(prefix = "/api", endpoint = "settings/test", input = Json, output = StreamingText)]
pub async fn send_test_email(request: TestEmailRequest) -> Result<TextStream<AppError>, AppError> {
    use crate::api::context::{caller, finish};
    use futures::StreamExt;
    let (api, admin) = caller::<super::caller::Admin>().await?;
    let events = finish(api.send_test_email(admin, request).await)?;
    Ok(TextStream::new(events.map(|event| Ok(format!("{}\n", serde_json::to_string(&event).unwrap_or_default())))))
}
