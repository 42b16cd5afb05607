//! The host application's messages: a mail queued from a template by an API token, and what
//! became of it. Requests arrive as typed structs; every refusal names the field at fault.

use super::builtin_templates::is_system_template;
use super::delivery::{MailRequest, QueueError};
use super::tokens::TOKEN_PREFIX;
use super::{Mailroom, OrInternal};
use crate::crypto::token_hash;
use crate::db::MailRow;
use crate::mail::compose::{filename_ok, Attachment};
use crate::mail::render::RenderError;
use app::api::{AppError, MailId, TokenId};
use app::domain::{name_key, EmailAddress, FromName, SYSTEM_VARIABLES};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Attachments may total this much once decoded.
pub const MAX_ATTACHMENTS: usize = 10 * 1024 * 1024;

/// Proof that a request carried a live API token.
#[derive(Debug)]
pub struct ApiClient {
    token_id: TokenId,
    pub name: String,
}

/// `POST /api/v1/messages`.
#[derive(Debug, Deserialize)]
pub struct NewMessage {
    pub template: String,
    pub to: String,
    #[serde(default)]
    pub to_name: Option<String>,
    #[serde(default)]
    pub variables: Option<Map<String, Value>>,
    #[serde(default)]
    pub attachments: Option<Vec<NewAttachment>>,
}

#[derive(Debug, Deserialize)]
pub struct NewAttachment {
    pub filename: String,
    pub content_type: String,
    pub content_base64: String,
}

/// A queued mail as the API reports it.
#[derive(Debug, Serialize)]
pub struct MessageStatus {
    pub id: MailId,
    pub status: String,
    pub template: String,
    pub recipient: String,
    pub subject: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

impl From<MailRow> for MessageStatus {
    fn from(row: MailRow) -> Self {
        Self {
            id: MailId(row.id),
            status: row.status,
            template: row.template_name,
            recipient: row.recipient,
            subject: row.subject,
            attempts: row.attempts,
            last_error: row.last_error,
            created_at: row.created_at,
            sent_at: row.sent_at,
        }
    }
}

/// Whether a request queued a new mail or found the one its Idempotency-Key queued before.
#[derive(Debug, PartialEq, Eq)]
pub enum Queued {
    New,
    Before,
}

#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("{message}")]
    TooLarge { field: String, message: String },
    #[error("No message with this id was queued with this token.")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    /// The mail could not be made from the template, for a reason no one field carries.
    #[error("{0}")]
    Unsendable(String),
    #[error(transparent)]
    Internal(#[from] AppError),
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> MessageError {
    MessageError::Invalid { field: field.into(), message: message.into() }
}

/// The attachments decoded and checked, each refusal naming `attachments[i].field`.
fn decoded(list: Vec<NewAttachment>) -> Result<Vec<Attachment>, MessageError> {
    let mut total = 0;
    let mut out = Vec::with_capacity(list.len());
    for (i, item) in list.into_iter().enumerate() {
        let at = |f: &str| format!("attachments[{i}].{f}");
        if !filename_ok(&item.filename) {
            return Err(invalid(at("filename"), "A file name of 1 to 200 characters, without slashes or control characters."));
        }
        if lettre::message::header::ContentType::parse(&item.content_type).is_err() {
            let message = format!("“{}” is not a content type such as application/pdf.", item.content_type);
            return Err(invalid(at("content_type"), message));
        }
        let bytes = STANDARD
            .decode(&item.content_base64)
            .map_err(|e| invalid(at("content_base64"), format!("Not valid base64: {e}.")))?;
        total += bytes.len();
        if total > MAX_ATTACHMENTS {
            let message = format!("Attachments may total at most {} MiB.", MAX_ATTACHMENTS / 1024 / 1024);
            return Err(MessageError::TooLarge { field: "attachments".into(), message });
        }
        out.push(Attachment { filename: item.filename, content_type: item.content_type, bytes });
    }
    Ok(out)
}

impl Mailroom {
    /// The API client, if `bearer` is a live token.
    pub async fn api_client(&self, bearer: &str) -> Result<Option<ApiClient>, AppError> {
        if !bearer.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        let found = self.db.use_api_token(&token_hash(bearer)).await.or_internal("checking the API token")?;
        Ok(found.map(|(token_id, name)| ApiClient { token_id: TokenId(token_id), name }))
    }

    /// A mail `client` queued.
    pub async fn message_status(&self, client: &ApiClient, id: MailId) -> Result<MessageStatus, MessageError> {
        let row = self.db.mail_for_token(id.get(), client.token_id.get()).await.or_internal("reading the outbox")?;
        row.map(MessageStatus::from).ok_or(MessageError::NotFound)
    }

    async fn queued_with_key(&self, client: &ApiClient, key: &str) -> Result<Option<MailId>, MessageError> {
        let found =
            self.db.mail_by_idempotency_key(client.token_id.get(), key).await.or_internal("reading the Idempotency-Key")?;
        Ok(found.map(MailId))
    }

    /// The mail `key` queued before for this client, if any: a retry gets it back whatever its body.
    pub async fn replayed(&self, client: &ApiClient, key: &str) -> Result<Option<MessageStatus>, MessageError> {
        match self.queued_with_key(client, key).await? {
            Some(id) => Ok(Some(self.message_status(client, id).await?)),
            None => Ok(None),
        }
    }

    /// Queues `message`, or finds the mail `key` queued before for the same client. Callers ask
    /// `replayed` first, before reading the body; a key used meanwhile is found here through the
    /// unique index.
    pub async fn queue_message(
        &self,
        client: &ApiClient,
        key: Option<&str>,
        message: NewMessage,
    ) -> Result<(Queued, MessageStatus), MessageError> {
        let to = EmailAddress::parse_as(&message.to, "`to`").map_err(|e| invalid("to", e.to_string()))?;
        let to_name = FromName::parse_as(message.to_name.as_deref().unwrap_or_default(), "`to_name`")
            .map_err(|e| invalid("to_name", e.to_string()))?;
        let variables = message.variables.unwrap_or_default();
        let attachments = decoded(message.attachments.unwrap_or_default())?;
        let template = message.template;
        let source = match self.db.mail_source(None, Some(&name_key(&template))).await.or_internal("finding the template")? {
            Some(source) if source.builtin.as_deref().is_some_and(is_system_template) => {
                let refusal =
                    format!("“{template}” is account mail that Mailroom sends itself; it cannot be sent through the API.");
                return Err(invalid("template", refusal));
            }
            Some(source) => source,
            None => return Err(invalid("template", format!("There is no template named “{template}”."))),
        };
        if let Some(name) = variables.keys().find(|k| SYSTEM_VARIABLES.contains(&k.as_str())) {
            let refusal = format!("`{name}` is filled in by Mailroom for account mail; it cannot be supplied through the API.");
            return Err(invalid(format!("variables.{name}"), refusal));
        }
        let request = MailRequest {
            source,
            to_name: to_name.as_str(),
            to: &to,
            variables: Value::Object(variables),
            attachments,
            api_token: Some(client.token_id),
            idempotency_key: key,
            expires_at: None,
        };
        let mail = match self.enqueue(request).await {
            Ok(mail) => mail,
            Err(QueueError::Render(RenderError::Missing(paths))) => {
                let named: Vec<String> = paths.iter().map(|p| format!("variables.{p}")).collect();
                return Err(invalid(&named[0], format!("The template “{template}” needs {}.", named.join(", "))));
            }
            // The same key queued meanwhile by a parallel request (on this instance or another).
            Err(QueueError::Db(e)) if crate::db::is_unique_violation(&e) && key.is_some() => {
                let found = self.queued_with_key(client, key.unwrap_or_default()).await?;
                let Some(id) = found else {
                    let message = "Another request with this Idempotency-Key was being queued at the same moment; send it again.";
                    return Err(MessageError::Conflict(message.into()));
                };
                return Ok((Queued::Before, self.message_status(client, id).await?));
            }
            Err(e @ QueueError::NoSettings) => return Err(MessageError::Conflict(e.to_string())),
            Err(QueueError::Db(e)) => return Err(Err::<(), _>(e).or_internal("queueing the mail").unwrap_err().into()),
            Err(e) => return Err(MessageError::Unsendable(e.to_string())),
        };
        tracing::debug!(mail = mail.id, token = %client.name, "mail queued through the API");
        Ok((Queued::New, mail.into()))
    }
}
