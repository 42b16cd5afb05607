//! Queueing application mail (password resets, the host application's invoices) and the
//! Delivery log panel. A mail is rendered and sealed when it is queued; the worker sends it.

use super::{Mailroom, OrInternal};
use crate::crypto::outbox_aad;
use crate::db::{now_ms, Db, HealthRow, MailRow, NewMail};
use crate::mail::compose::{compose, sender, Attachment};
use crate::mail::render::{render, RenderError, Sources};
use app::api::delivery::{DeliveryAlert, MailStatus, MailView, MAIL_PAGE};
use app::api::{AppError, CurrentUser, DeliveryHealth, Id, RequestMeta};
use app::domain::EmailAddress;
use std::collections::HashMap;

/// One mail to queue.
pub struct MailRequest<'a> {
    pub template_id: Id,
    pub to_name: &'a str,
    pub to: &'a EmailAddress,
    pub variables: serde_json::Value,
    pub attachments: Vec<Attachment>,
    pub api_token: Option<Id>,
    pub idempotency_key: Option<&'a str>,
    /// When the mail stops being worth sending (ms since the epoch), if ever.
    pub expires_at: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("the template no longer exists")]
    NoTemplate,
    #[error("there are no SMTP settings to send through; add some in the SMTP Settings panel")]
    NoSettings,
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("the message could not be built: {0}")]
    Compose(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub(super) fn mail_view(row: MailRow) -> MailView {
    MailView {
        id: row.id,
        created_at: row.created_at,
        template: row.template_name,
        settings: row.settings_name,
        recipient: row.recipient,
        subject: row.subject,
        status: MailStatus::parse(&row.status),
        attempts: row.attempts,
        next_attempt_at: row.next_attempt_at,
        last_error: row.last_error,
        smtp_reply: row.smtp_reply,
        sent_at: row.sent_at,
    }
}

/// The window of the sent and failed counts.
const DAY_MS: i64 = 24 * 3_600_000;

/// Since when mail through a settings has been failing: a waiting mail has failed an attempt,
/// and nothing was sent through the settings after that. A mail that one recipient's server
/// refuses for now while others get theirs is not the settings failing.
fn failing_since(health: &HealthRow) -> Option<i64> {
    let first = health.first_failed_at?;
    health.last_sent_at.is_none_or(|sent| sent < first).then_some(first)
}

impl Mailroom {
    /// Renders, seals and queues one mail; returns its outbox id.
    pub(crate) async fn enqueue(&self, request: MailRequest<'_>) -> Result<Id, QueueError> {
        let template = self.db.template_by_id(request.template_id).await?.ok_or(QueueError::NoTemplate)?;
        let settings_id = match template.settings_id {
            Some(id) => id,
            None => self.db.default_settings_id().await?.ok_or(QueueError::NoSettings)?,
        };
        let settings = self.db.get_settings(settings_id).await?.ok_or(QueueError::NoSettings)?;
        let sources = Sources { subject: &template.subject, text: &template.text_body, html: &template.html_body };
        let rendered = render(&sources, &request.variables)?;
        let from = sender(&template.from_name, &template.from_email, &settings.from_name, &settings.email);
        let composed = compose(from, (request.to_name, request.to.as_str()), &rendered, &request.attachments)
            .map_err(QueueError::Compose)?;
        let mut tx = self.db.begin().await?;
        let row = NewMail {
            template_id: Some(template.id),
            template_name: &template.name,
            settings_id: settings.id,
            settings_name: &settings.name,
            envelope_from: &composed.envelope_from,
            recipient: request.to.as_str(),
            subject: &rendered.subject,
            size: composed.bytes.len() as i64,
            api_token_id: request.api_token,
            idempotency_key: request.idempotency_key,
            expires_at: request.expires_at,
        };
        let id = Db::insert_mail(&mut tx, &row).await?;
        Db::set_mail_message(&mut tx, id, &self.secrets.seal_bytes(&composed.bytes, &outbox_aad(id))).await?;
        tx.commit().await?;
        self.wake.notify_one();
        Ok(id)
    }

    pub(super) async fn mail_list(&self, filter: &str, before: Option<Id>) -> Result<Vec<MailView>, AppError> {
        let rows = self.db.list_mail(filter.trim(), before, MAIL_PAGE as i64).await.or_internal("reading the delivery log")?;
        Ok(rows.into_iter().map(mail_view).collect())
    }

    /// Settings through which mail waits after failed attempts, oldest failure first.
    pub(super) async fn mail_alerts(&self) -> Result<Vec<DeliveryAlert>, AppError> {
        let health = self.db.delivery_health(now_ms() - DAY_MS).await.or_internal("reading the outbox")?;
        let mut alerts: Vec<DeliveryAlert> = health
            .into_iter()
            .filter_map(|r| {
                let since = failing_since(&r)?;
                Some(DeliveryAlert { settings_id: r.settings_id, settings: r.settings_name, since, waiting: r.waiting })
            })
            .collect();
        alerts.sort_by_key(|a| a.since);
        Ok(alerts)
    }

    /// Each settings' delivery in the last 24 hours and now.
    pub(super) async fn delivery_health(&self) -> Result<HashMap<Id, DeliveryHealth>, AppError> {
        let health = self.db.delivery_health(now_ms() - DAY_MS).await.or_internal("reading the outbox")?;
        Ok(health
            .into_iter()
            .map(|r| {
                let failing_since = failing_since(&r);
                (r.settings_id, DeliveryHealth { sent_24h: r.sent, failed_24h: r.failed, waiting: r.waiting, failing_since })
            })
            .collect())
    }

    pub(super) async fn mail_resend(&self, req: &RequestMeta, actor: &CurrentUser, id: Id) -> Result<MailView, AppError> {
        let row = self.db.mail_by_id(id).await.or_internal("reading the delivery log")?;
        let row = row.ok_or_else(|| AppError::NotFound("This mail is not in the delivery log.".into()))?;
        if !self.db.resend_mail(id).await.or_internal("queueing the mail again")? {
            if row.status == "failed" && row.expires_at.is_some_and(|at| at <= now_ms()) {
                let why = "This mail expired with the password-reset link in it; the person can ask for a new link.";
                return Err(AppError::Conflict(why.into()));
            }
            return Err(AppError::Conflict(format!("Only failed mail can be sent again; this one is {}.", row.status)));
        }
        self.wake.notify_one();
        self.audit(req, Some(actor), "mail resent", &format!("mail #{id} to {}", row.recipient), &row.subject).await;
        let row = self.db.mail_by_id(id).await.or_internal("reading the delivery log")?;
        row.map(mail_view).ok_or_else(|| AppError::NotFound("This mail is not in the delivery log.".into()))
    }
}
