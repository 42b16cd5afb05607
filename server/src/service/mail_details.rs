//! One mail in the Delivery log: everything about it, and the two things an administrator may
//! do to it while it waits in the queue, "Retry now" and "Cancel".

use super::delivery::mail_view;
use super::{Mailroom, OrInternal};
use crate::crypto::outbox_aad;
use crate::db::MailRow;
use crate::mail::queue_id::queue_id;
use crate::mail::read::read;
use app::api::caller::Admin;
use app::api::delivery::MailApi;
use app::api::delivery::{AttemptOutcome, AttemptView, MailDetails, MailStatus, MailView};
use app::api::{AppError, MailId, Timestamp};

fn not_in_log() -> AppError {
    AppError::NotFound("This mail is not in the delivery log.".into())
}

/// Why a mail that is not queued cannot be retried now or cancelled.
fn not_waiting(mail: &MailView, doing: &str) -> AppError {
    AppError::Conflict(match mail.status {
        MailStatus::Sending => format!("This mail is being sent right now, so it cannot be {doing}; wait for the outcome."),
        MailStatus::Sent => format!("This mail was already sent, so it cannot be {doing}."),
        MailStatus::Failed => format!("This mail has failed, so it cannot be {doing}; use Resend to send it again."),
        MailStatus::Queued => format!("This mail could not be {doing}; reload the log and try again."),
    })
}

impl Mailroom {
    async fn mail_row(&self, id: MailId) -> Result<MailRow, AppError> {
        self.db.mail_by_id(id.get()).await.or_internal("reading the delivery log")?.ok_or_else(not_in_log)
    }

    async fn mail_now(&self, id: MailId) -> Result<MailView, AppError> {
        mail_view(self.mail_row(id).await?)
    }
}

#[async_trait::async_trait]
impl MailApi for Mailroom {
    async fn get_mail(&self, _: Admin, id: MailId) -> Result<MailDetails, AppError> {
        let row = self.mail_row(id).await?;
        let tries = row.attempts - row.attempt_base;
        let source = self.db.resend_source(id.get()).await.or_internal("reading the delivery log")?.ok_or_else(not_in_log)?;
        let raw = self.secrets.open_bytes(&source.message, &outbox_aad(id.get())).or_internal("opening the queued mail")?;
        let message = read(&raw).unwrap_or_default();
        let attempts = self
            .db
            .mail_attempts(id.get())
            .await
            .or_internal("reading the mail's attempts")?
            .into_iter()
            .map(|a| {
                let outcome = AttemptOutcome::from_stored(&a.outcome).or_internal("reading the mail's attempts")?;
                let queue_id = (outcome == AttemptOutcome::Sent).then(|| queue_id(&a.reply)).flatten();
                Ok(AttemptView {
                    number: a.number,
                    at: Timestamp(a.at),
                    settings: a.settings_name,
                    outcome,
                    reply: a.reply,
                    queue_id,
                })
            })
            .collect::<Result<_, AppError>>()?;
        Ok(MailDetails {
            mail: mail_view(row)?,
            headers: message.headers,
            text: message.text,
            html: message.html,
            attachments: message.attachments,
            attempts,
            tries,
            max_attempts: self.max_attempts,
        })
    }

    async fn retry_mail_now(&self, admin: Admin, id: MailId) -> Result<MailView, AppError> {
        let row = self.mail_row(id).await?;
        let tries = row.attempts - row.attempt_base;
        let Some(due) = self.db.retry_mail_now(id.get()).await.or_internal("queueing the mail")? else {
            return Err(not_waiting(&self.mail_now(id).await?, "retried now"));
        };
        self.wake.notify_one();
        let details = format!("“{}”, attempt {} of {} now instead of at its set time", row.subject, tries + 1, self.max_attempts);
        self.audit(&admin, "mail retried now", &format!("mail #{id} to {}", row.recipient), &details).await;
        mail_view(due)
    }

    async fn cancel_mail(&self, admin: Admin, id: MailId) -> Result<MailView, AppError> {
        let actor = admin.user();
        let mail = self.mail_now(id).await?;
        let reason = format!("Cancelled by {} before it was sent.", actor.name);
        if !self.db.cancel_mail(id.get(), &reason).await.or_internal("cancelling the mail")? {
            return Err(not_waiting(&self.mail_now(id).await?, "cancelled"));
        }
        let details = format!("“{}” after {} attempt{}", mail.subject, mail.attempts, if mail.attempts == 1 { "" } else { "s" });
        self.audit(&admin, "mail cancelled", &format!("mail #{id} to {}", mail.recipient), &details).await;
        self.mail_now(id).await
    }
}
