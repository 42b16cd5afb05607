//! Queueing application mail (password resets, the host application's invoices) and the
//! Delivery log panel. A mail is rendered and sealed when it is queued; the worker sends it.

use super::mail_writer::ToStore;
use super::{Mailroom, OrInternal};
use crate::crypto::outbox_aad;
use crate::db::{now_ms, HealthRow, MailRow, MailSource, NewMail};
use crate::mail::compose::{compose, sender, with_from, Attachment};
use crate::mail::render::{render, RenderError, Sources};
use app::api::caller::Admin;
use app::api::delivery::DeliveryApi;
use app::api::delivery::{DeliveryAlert, MailNarrow, MailStatus, MailView, MAIL_PAGE};
use app::api::{AppError, DeliveryHealth, MailId, SettingsId, TemplateId, Timestamp, TokenId};
use app::domain::EmailAddress;
use std::collections::HashMap;

/// One mail to queue.
pub struct MailRequest<'a> {
    /// The template and its settings, from `Db::mail_source`.
    pub source: MailSource,
    pub to_name: &'a str,
    pub to: &'a EmailAddress,
    pub variables: serde_json::Value,
    pub attachments: Vec<Attachment>,
    pub api_token: Option<TokenId>,
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

pub(super) fn mail_view(row: MailRow) -> Result<MailView, AppError> {
    Ok(MailView {
        id: MailId(row.id),
        created_at: Timestamp(row.created_at),
        template: row.template_name,
        settings: row.settings_name,
        recipient: row.recipient,
        subject: row.subject,
        status: MailStatus::from_stored(&row.status).or_internal("reading the delivery log")?,
        attempts: row.attempts,
        next_attempt_at: Timestamp(row.next_attempt_at),
        last_error: row.last_error,
        smtp_reply: row.smtp_reply,
        sent_at: row.sent_at.map(Timestamp),
        sent_via: row.sent_via,
    })
}

/// The window of the sent and failed counts.
pub(super) const DAY_MS: i64 = 24 * 3_600_000;

/// Since when mail through a settings has been failing: a waiting mail has failed an attempt,
/// and nothing was sent through the settings after that. A mail that one recipient's server
/// refuses for now while others get theirs is not the settings failing.
fn failing_since(health: &HealthRow) -> Option<i64> {
    let first = health.first_failed_at?;
    health.last_sent_at.is_none_or(|sent| sent < first).then_some(first)
}

impl Mailroom {
    /// The template `id` and the settings its mail goes through.
    pub(crate) async fn mail_source(&self, id: TemplateId) -> Result<MailSource, QueueError> {
        self.db.mail_source(Some(id.get()), None).await?.ok_or(QueueError::NoTemplate)
    }

    /// Renders and queues one mail (sealed by the writer); returns its outbox row once stored.
    pub(crate) async fn enqueue(&self, request: MailRequest<'_>) -> Result<MailRow, QueueError> {
        let template = request.source;
        let (Some(settings_id), Some(settings_name), Some(settings_from_name), Some(settings_email)) =
            (template.settings_id, template.settings_name, template.settings_from_name, template.settings_email)
        else {
            return Err(QueueError::NoSettings);
        };
        let sources = Sources { subject: &template.subject, text: &template.text_body, html: &template.html_body };
        let rendered = render(&sources, &request.variables)?;
        let from = sender(&template.from_name, &template.from_email, &settings_from_name, &settings_email);
        let composed = compose(from, (request.to_name, request.to.as_str()), &rendered, &request.attachments)
            .map_err(QueueError::Compose)?;
        let mail = NewMail {
            template_id: Some(template.id),
            template_name: template.name,
            settings_id,
            settings_name,
            envelope_from: composed.envelope_from,
            recipient: request.to.as_str().to_owned(),
            subject: rendered.subject,
            size: composed.bytes.len() as i64,
            api_token_id: request.api_token.map(TokenId::get),
            idempotency_key: request.idempotency_key.map(str::to_owned),
            expires_at: request.expires_at,
        };
        Ok(self.mail_writer.write(ToStore { mail, message: composed.bytes }).await?)
    }
}

/// Each settings' delivery in the last 24 hours and now, by settings.
pub(super) fn health_by_settings(health: Vec<HealthRow>) -> HashMap<SettingsId, DeliveryHealth> {
    health
        .into_iter()
        .map(|r| {
            let failing_since = failing_since(&r);
            (
                SettingsId(r.settings_id),
                DeliveryHealth {
                    sent_24h: r.sent,
                    failed_24h: r.failed,
                    waiting: r.waiting,
                    failing_since: failing_since.map(Timestamp),
                },
            )
        })
        .collect()
}

#[async_trait::async_trait]
impl DeliveryApi for Mailroom {
    /// Settings through which mail waits after failed attempts, oldest failure first.
    async fn delivery_alerts(&self, _: Admin) -> Result<Vec<DeliveryAlert>, AppError> {
        let health = self.db.delivery_health(now_ms() - DAY_MS).await.or_internal("reading the outbox")?;
        let mut alerts: Vec<DeliveryAlert> = health
            .into_iter()
            .filter_map(|r| {
                let since = failing_since(&r)?;
                Some(DeliveryAlert {
                    settings_id: SettingsId(r.settings_id),
                    settings: r.settings_name,
                    since: Timestamp(since),
                    waiting: r.waiting,
                })
            })
            .collect();
        alerts.sort_by_key(|a| a.since);
        Ok(alerts)
    }

    async fn list_mail(
        &self,
        _: Admin,
        filter: String,
        before: Option<MailId>,
        narrow: Option<MailNarrow>,
    ) -> Result<Vec<MailView>, AppError> {
        let narrow = narrow.unwrap_or_default();
        let span = narrow.span.bounds()?;
        let status = narrow.status.map(MailStatus::label);
        let rows = self
            .db
            .list_mail(filter.trim(), before.map(MailId::get), status, (span.0.get(), span.1.get()), MAIL_PAGE as i64)
            .await
            .or_internal("reading the delivery log")?;
        rows.into_iter().map(mail_view).collect()
    }

    /// Queues a failed mail again, through `through` or else the settings its template sends
    /// through now (the default settings for a template without its own), with the From that
    /// template and those settings give.
    async fn resend_mail(&self, admin: Admin, id: MailId, through: Option<SettingsId>) -> Result<MailView, AppError> {
        let gone = || AppError::NotFound("This mail is not in the delivery log.".into());
        let row = self.db.mail_by_id(id.get()).await.or_internal("reading the delivery log")?.ok_or_else(gone)?;
        if row.status != "failed" {
            let why = match row.status.as_str() {
                "sent" => "This mail was already sent.".to_owned(),
                other => format!("This mail is {other} right now; wait for the outcome before sending it again."),
            };
            return Err(AppError::Conflict(why));
        }
        let source = self.db.resend_source(id.get()).await.or_internal("reading the delivery log")?.ok_or_else(gone)?;
        let template = match source.template_id {
            Some(template) => self.db.template_by_id(template).await.or_internal("reading the template")?,
            None => None,
        };
        let settings_id = match (through, template.as_ref().and_then(|t| t.settings_id)) {
            (Some(chosen), _) => Some(chosen),
            (None, Some(of_template)) => Some(SettingsId(of_template)),
            (None, None) => self.db.default_settings_id().await.or_internal("finding the default settings")?.map(SettingsId),
        };
        let no_settings = || {
            AppError::Conflict(
                "There are no SMTP settings to send it through: choose settings, or make settings the default.".into(),
            )
        };
        let settings = match settings_id {
            Some(s) => {
                self.db.get_settings(s.get()).await.or_internal("reading the SMTP settings")?.ok_or_else(|| match through {
                    Some(_) => AppError::Conflict("The chosen SMTP settings no longer exist; choose others.".into()),
                    None => no_settings(),
                })?
            }
            None => return Err(no_settings()),
        };
        let (from_name, from_email) = template.as_ref().map_or(("", ""), |t| (t.from_name.as_str(), t.from_email.as_str()));
        let from = sender(from_name, from_email, &settings.from_name, &settings.email);
        let aad = outbox_aad(id.get());
        let message = self.secrets.open_bytes(&source.message, &aad).or_internal("reading the queued mail")?;
        let (message, envelope_from) = with_from(&message, from)
            .map_err(|why| AppError::Conflict(format!("This mail cannot be sent through “{}”: {why}.", settings.name)))?;
        let sealed = self.secrets.seal_bytes(&message, &aad);
        if !self
            .db
            .resend_mail(id.get(), (settings.id, &settings.name), &envelope_from, &sealed)
            .await
            .or_internal("queueing the mail again")?
        {
            if row.status == "failed" && row.expires_at.is_some_and(|at| at <= now_ms()) {
                let why = "This mail expired with the password-reset link in it; the person can ask for a new link.";
                return Err(AppError::Conflict(why.into()));
            }
            return Err(AppError::Conflict(format!("Only failed mail can be sent again; this one is {}.", row.status)));
        }
        self.wake.notify_one();
        let details = format!("“{}” through “{}”, attempt {} onwards", row.subject, settings.name, row.attempts + 1);
        self.audit(&admin, "mail resent", &format!("mail #{id} to {}", row.recipient), &details).await;
        let row = self.db.mail_by_id(id.get()).await.or_internal("reading the delivery log")?;
        mail_view(row.ok_or_else(|| AppError::NotFound("This mail is not in the delivery log.".into()))?)
    }
}
