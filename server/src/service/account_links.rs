//! The one-use links Mailroom mails to a person so they can choose a password: the Password
//! reset mail's and the Invitation's. Stored only as a hash, bound to the address the person
//! signs in with when it is made, and expiring with the mail that carries it.

use super::delivery::{MailRequest, QueueError};
use super::{Mailroom, OrInternal};
use crate::crypto::{new_token, token_hash};
use crate::db::now_ms;
use crate::mail::read::RESET_LINK_QUERY;
use app::api::{AppError, CurrentUser, MailId, TemplateId};
use app::domain::EmailAddress;
use serde_json::{json, Value};

/// Which account mail, and what it says besides the link.
pub(super) struct AccountMail<'a> {
    /// The built-in template's key.
    pub template: &'static str,
    /// The placeholder the link fills.
    pub link: &'static str,
    pub lifetime_ms: i64,
    /// Further placeholders; `user` (name and email) is always filled.
    pub extra: Value,
    /// For the log when the template is missing.
    pub what: &'a str,
}

impl Mailroom {
    /// Creates a link for `user` and queues `mail` with it: the mail's outbox id, or why it
    /// could not be queued (their address changed meanwhile counts as no such account).
    pub(super) async fn queue_account_link(
        &self,
        user: &CurrentUser,
        mail: AccountMail<'_>,
    ) -> Result<Result<MailId, QueueError>, AppError> {
        let token = new_token();
        let expires = now_ms() + mail.lifetime_ms;
        let key = user.email.to_lowercase();
        let stored = self
            .db
            .insert_password_reset(&token_hash(&token), user.id.get(), &key, expires)
            .await
            .or_internal("creating the link")?;
        if !stored {
            return Err(AppError::Conflict(format!("{}'s address changed meanwhile; nothing was sent.", user.name)));
        }
        let Some(template_id) = self.db.template_by_builtin(mail.template).await.or_internal("finding the template")? else {
            tracing::error!(template = mail.what, "a built-in account template is missing");
            return Ok(Err(QueueError::NoTemplate));
        };
        let to = EmailAddress::parse(&user.email).map_err(|e| AppError::Server(e.to_string()))?;
        let mut variables = json!({ "user": { "name": user.name, "email": user.email } });
        if let (Some(all), Value::Object(extra)) = (variables.as_object_mut(), mail.extra) {
            all.extend(extra);
            all.insert(mail.link.to_owned(), Value::String(format!("{}{RESET_LINK_QUERY}{token}", self.public_url)));
        }
        let source = match self.mail_source(TemplateId(template_id)).await {
            Ok(source) => source,
            Err(e) => return Ok(Err(e)),
        };
        let request = MailRequest {
            source,
            to_name: &user.name,
            to: &to,
            variables,
            attachments: Vec::new(),
            api_token: None,
            idempotency_key: None,
            // A link that arrives after it expired helps nobody.
            expires_at: Some(expires),
        };
        Ok(self.enqueue(request).await.map(|mail| MailId(mail.id)))
    }
}
