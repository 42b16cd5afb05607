//! Server functions for the Delivery log panel: the outbox, newest first, and resending.

use super::operations::operations;
use super::span::Span;
use super::types::{MailId, SettingsId, Timestamp};
use crate::domain::UnknownStored;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MailStatus {
    Queued,
    Sending,
    Sent,
    Failed,
}

impl MailStatus {
    /// As the database keeps it (the same words as the label).
    pub fn from_stored(stored: &str) -> Result<Self, UnknownStored> {
        crate::domain::stored::from_stored("mail status", &Self::ALL, Self::label, stored)
    }

    pub const ALL: [Self; 4] = [Self::Queued, Self::Sending, Self::Sent, Self::Failed];

    pub fn label(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MailView {
    pub id: MailId,
    pub created_at: Timestamp,
    pub template: String,
    pub settings: String,
    pub recipient: String,
    pub subject: String,
    pub status: MailStatus,
    pub attempts: i64,
    pub next_attempt_at: Timestamp,
    pub last_error: Option<String>,
    pub smtp_reply: Option<String>,
    pub sent_at: Option<Timestamp>,
    /// The backup settings that sent it, when the mail's own settings were failing.
    #[serde(default)]
    pub sent_via: Option<String>,
}

pub const MAIL_PAGE: usize = 200;

/// Settings through which mail is waiting after failed attempts: the banner on every page.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeliveryAlert {
    pub settings_id: SettingsId,
    pub settings: String,
    /// When the oldest mail still waiting after a failed attempt was queued.
    pub since: Timestamp,
    /// Mails queued or being sent through these settings.
    pub waiting: i64,
}

operations! {
    /// The Delivery log and its alerts.
    pub trait DeliveryApi {
        Admin "delivery/alerts" => fn delivery_alerts() -> Vec<DeliveryAlert>;
        Admin "delivery/list" => fn list_mail(filter: String, before: Option<MailId>, narrow: Option<MailNarrow>) -> Vec<MailView>;
        /// Sends a failed mail again: through `settings`, or when None, through the settings its
        /// template uses now.
        Admin "delivery/resend" => fn resend_mail(id: MailId, settings: Option<SettingsId>) -> MailView;
    }
}

operations! {
    /// One mail in the Delivery log, and what may be done to it while it waits.
    pub trait MailApi {
        Admin "delivery/get" => fn get_mail(id: MailId) -> MailDetails;
        /// Makes a queued mail due now instead of at its next attempt's time.
        Admin "delivery/retry-now" => fn retry_mail_now(id: MailId) -> MailView;
        /// Stops a queued mail from being sent: it fails, saying who cancelled it. It can be resent.
        Admin "delivery/cancel" => fn cancel_mail(id: MailId) -> MailView;
    }
}

/// Narrows the log beyond the text filter: one status, and when the mail was queued.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MailNarrow {
    pub status: Option<MailStatus>,
    /// When it was queued: `from` and `to` at the top level of the JSON.
    #[serde(flatten)]
    pub span: Span,
}

/// One delivery attempt, as the mail's details list it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AttemptView {
    /// Counted over the mail's whole life, resends included.
    pub number: i64,
    pub at: Timestamp,
    /// The settings it went through.
    pub settings: String,
    /// What came of it: sent, retry (a temporary failure, to be tried again) or failed.
    pub outcome: AttemptOutcome,
    /// The server's reply or the error.
    pub reply: String,
    /// The receiving server's id for the message, when its reply gave one.
    pub queue_id: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AttemptOutcome {
    Sent,
    /// A temporary failure: the mail is tried again later.
    Retry,
    Failed,
}

impl AttemptOutcome {
    /// As the database keeps it.
    pub fn stored(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Retry => "retry",
            Self::Failed => "failed",
        }
    }

    pub fn from_stored(stored: &str) -> Result<Self, UnknownStored> {
        crate::domain::stored::from_stored("attempt outcome", &[Self::Sent, Self::Retry, Self::Failed], Self::stored, stored)
    }

    /// As the Delivery log says it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Retry => "failed, to be retried",
            Self::Failed => "failed",
        }
    }
}

/// A file attached to a mail: what the Delivery log's details show of it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AttachmentInfo {
    pub name: String,
    pub content_type: String,
    /// Bytes, decoded.
    pub size: u64,
}

/// Everything the Delivery log shows of one mail. A password-reset link in it is shown
/// without its token, which would let the reader set that person's password.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MailDetails {
    pub mail: MailView,
    /// Every header as sent, in order.
    pub headers: Vec<(String, String)>,
    pub text: Option<String>,
    pub html: Option<String>,
    pub attachments: Vec<AttachmentInfo>,
    /// Oldest first.
    pub attempts: Vec<AttemptView>,
    /// Attempts since it was queued or last resent, of `max_attempts` allowed.
    pub tries: i64,
    pub max_attempts: i64,
}
