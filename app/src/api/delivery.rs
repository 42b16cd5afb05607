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
}

pub const MAIL_PAGE: usize = 200;

#[server(prefix = "/api", endpoint = "delivery/list", input = Json)]
pub async fn list_mail(filter: String, before: Option<Id>) -> Result<Vec<MailView>, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.list_mail(&req, filter, before).await)
}

#[server(prefix = "/api", endpoint = "delivery/resend", input = Json)]
pub async fn resend_mail(id: Id) -> Result<MailView, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.resend_mail(&req, id).await)
}
