//! Server functions for the Delivery log panel: the outbox, newest first, and resending.

use super::types::{Id, Millis};
use super::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MailStatus {
    Queued,
    Sending,
    Sent,
    Failed,
}

impl MailStatus {
    pub fn parse(raw: &str) -> Self {
        match raw {
            "sending" => Self::Sending,
            "sent" => Self::Sent,
            "failed" => Self::Failed,
            _ => Self::Queued,
        }
    }

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
    pub id: Id,
    pub created_at: Millis,
    pub template: String,
    pub settings: String,
    pub recipient: String,
    pub subject: String,
    pub status: MailStatus,
    pub attempts: i64,
    pub next_attempt_at: Millis,
    pub last_error: Option<String>,
    pub smtp_reply: Option<String>,
    pub sent_at: Option<Millis>,
    /// The backup settings that sent it, when the mail's own settings were failing.
    #[serde(default)]
    pub sent_via: Option<String>,
}

pub const MAIL_PAGE: usize = 200;

/// Settings through which mail is waiting after failed attempts: the banner on every page.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeliveryAlert {
    pub settings_id: Id,
    pub settings: String,
    /// When the oldest mail still waiting after a failed attempt was queued.
    pub since: Millis,
    /// Mails queued or being sent through these settings.
    pub waiting: i64,
}

#[server(prefix = "/api", endpoint = "delivery/alerts", input = Json)]
pub async fn delivery_alerts() -> Result<Vec<DeliveryAlert>, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.delivery_alerts(&req).await)
}

#[server(prefix = "/api", endpoint = "delivery/list", input = Json)]
pub async fn list_mail(filter: String, before: Option<Id>) -> Result<Vec<MailView>, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.list_mail(&req, filter, before).await)
}

/// Sends a failed mail again: through `settings`, or when None, through the settings its
/// template uses now.
#[server(prefix = "/api", endpoint = "delivery/resend", input = Json)]
pub async fn resend_mail(id: Id, settings: Option<Id>) -> Result<MailView, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.resend_mail(&req, id, settings).await)
}
