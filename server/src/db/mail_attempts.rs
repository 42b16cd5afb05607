//! The outbox_attempts table, and what an administrator does to a queued mail by hand:
//! "Retry now" and "Cancel".

use super::{now_ms, on, storable, Db, MailRow, Tx};
use app::api::delivery::AttemptOutcome;

pub struct AttemptRow {
    pub number: i64,
    pub at: i64,
    pub settings_name: String,
    pub outcome: String,
    pub reply: String,
}

impl Db {
    /// Records the attempt a mail under `claim` has just made, numbered as the outbox counts
    /// it, through `via` if a backup carried it or else the mail's own settings. Nothing is
    /// recorded if the claim was lost: the instance that took the mail over records its own.
    pub(super) async fn record_attempt(
        tx: &mut Tx,
        id: i64,
        claim: i64,
        outcome: AttemptOutcome,
        reply: &str,
        via: Option<&str>,
    ) -> sqlx::Result<()> {
        let (now, outcome) = (now_ms(), outcome.stored());
        on!(tx.on(), |e| query!(
            "insert into outbox_attempts (mail_id, number, at, settings_name, outcome, reply)
             select id, attempts, $1, coalesce($2, settings_name), $3, $4 from outbox where id = $5 and claim = $6
             on conflict do nothing",
            now,
            via,
            outcome,
            reply,
            id,
            claim
        )
        .execute(e)
        .await
        .map(drop))
    }

    /// Oldest first.
    pub async fn mail_attempts(&self, id: i64) -> sqlx::Result<Vec<AttemptRow>> {
        on!(self.read(), |e| {
            query_as!(
            AttemptRow,
            r#"select number as "number!", at, settings_name, outcome, reply from outbox_attempts where mail_id = $1 order by number"#,
            id
        )
        .fetch_all(e)
        .await
        })
    }

    /// Makes a queued mail due now, and returns it as it was made so: the worker, woken next,
    /// may have tried it again before anyone reads it. None unless it was queued (not being
    /// sent, sent or failed).
    pub async fn retry_mail_now(&self, id: i64) -> sqlx::Result<Option<MailRow>> {
        let now = now_ms();
        on!(self.write(), |e| query_as!(
            MailRow,
            r#"update outbox set next_attempt_at = $1 where id = $2 and status = 'queued'
               returning id as "id!", created_at, template_name, settings_name, recipient, subject, size, status, attempts,
                         next_attempt_at, last_error, smtp_reply, sent_at, expires_at, sent_via, attempt_base"#,
            now,
            id
        )
        .fetch_optional(e)
        .await)
    }

    /// Fails a queued mail with `reason` before it is sent; false unless it was queued.
    pub async fn cancel_mail(&self, id: i64, reason: &str) -> sqlx::Result<bool> {
        let (now, reason): (i64, &str) = (now_ms(), &storable(reason));
        on!(self.write(), |e| query!(
            "update outbox set status = 'failed', last_error = $1, failed_at = $2, first_failed_at = null
             where id = $3 and status = 'queued'",
            reason,
            now,
            id
        )
        .execute(e)
        .await
        .map(|done| done.rows_affected() == 1))
    }
}
