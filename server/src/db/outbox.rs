//! The outbox table: a row per application mail, claimed by the worker before it is sent.

use super::{now_ms, Db};
use sqlx::{Sqlite, Transaction};

pub struct NewMail<'a> {
    pub template_id: Option<i64>,
    pub template_name: &'a str,
    pub settings_id: i64,
    pub settings_name: &'a str,
    pub envelope_from: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub size: i64,
    pub api_token_id: Option<i64>,
    pub idempotency_key: Option<&'a str>,
}

pub struct Claimed {
    pub id: i64,
    pub settings_id: Option<i64>,
    pub envelope_from: String,
    pub recipient: String,
    pub message: Vec<u8>,
    pub attempts: i64,
}

#[derive(Clone, Debug)]
pub struct MailRow {
    pub id: i64,
    pub created_at: i64,
    pub template_name: String,
    pub settings_name: String,
    pub recipient: String,
    pub subject: String,
    pub size: i64,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub smtp_reply: Option<String>,
    pub sent_at: Option<i64>,
}

impl Db {
    /// Inserts a queued mail with an empty message; the caller seals it with the id and
    /// stores it in the same transaction.
    pub async fn insert_mail(tx: &mut Transaction<'_, Sqlite>, m: &NewMail<'_>) -> sqlx::Result<i64> {
        let now = now_ms();
        let done = sqlx::query!(
            "insert into outbox (created_at, template_id, template_name, settings_id, settings_name, envelope_from, recipient, subject,
                                 message, size, status, next_attempt_at, api_token_id, idempotency_key)
             values (?, ?, ?, ?, ?, ?, ?, ?, x'', ?, 'queued', ?, ?, ?)",
            now, m.template_id, m.template_name, m.settings_id, m.settings_name, m.envelope_from, m.recipient, m.subject,
            m.size, now, m.api_token_id, m.idempotency_key
        )
        .execute(&mut **tx)
        .await?;
        Ok(done.last_insert_rowid())
    }

    pub async fn set_mail_message(tx: &mut Transaction<'_, Sqlite>, id: i64, sealed: &[u8]) -> sqlx::Result<()> {
        sqlx::query!("update outbox set message = ? where id = ?", sealed, id).execute(&mut **tx).await?;
        Ok(())
    }

    pub async fn mail_by_idempotency_key(&self, token_id: i64, key: &str) -> sqlx::Result<Option<i64>> {
        sqlx::query_scalar!(r#"select id as "id!" from outbox where api_token_id = ? and idempotency_key = ?"#, token_id, key)
            .fetch_optional(self.pool())
            .await
    }

    /// Marks up to `limit` due mails as sending and returns them: queued ones whose time has
    /// come, and ones claimed before `stale_before` whose sender never reported back.
    pub async fn claim_mail(&self, limit: i64, stale_before: i64) -> sqlx::Result<Vec<Claimed>> {
        let now = now_ms();
        sqlx::query_as!(
            Claimed,
            r#"update outbox set status = 'sending', claimed_at = ?1, attempts = attempts + 1
               where id in (select id from outbox
                            where (status = 'queued' and next_attempt_at <= ?1) or (status = 'sending' and claimed_at < ?2)
                            order by next_attempt_at, id limit ?3)
               returning id as "id!", settings_id, envelope_from, recipient, message, attempts"#,
            now,
            stale_before,
            limit
        )
        .fetch_all(self.writer())
        .await
    }

    pub async fn mark_sent(&self, id: i64, reply: &str) -> sqlx::Result<()> {
        let now = now_ms();
        sqlx::query!(
            "update outbox set status = 'sent', sent_at = ?, smtp_reply = ?, last_error = null, claimed_at = null where id = ?",
            now,
            reply,
            id
        )
        .execute(self.writer())
        .await?;
        Ok(())
    }

    pub async fn mark_retry(&self, id: i64, error: &str, next_attempt_at: i64) -> sqlx::Result<()> {
        sqlx::query!(
            "update outbox set status = 'queued', last_error = ?, next_attempt_at = ?, claimed_at = null where id = ?",
            error,
            next_attempt_at,
            id
        )
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Gives a claimed mail back unsent (shutting down): due again at once, attempt not counted.
    pub async fn release_mail(&self, id: i64) -> sqlx::Result<()> {
        let now = now_ms();
        sqlx::query!(
            "update outbox set status = 'queued', attempts = attempts - 1, next_attempt_at = ?, claimed_at = null where id = ?",
            now,
            id
        )
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Every sealed message with its id, for key rotation.
    pub async fn all_mail_messages(tx: &mut Transaction<'_, Sqlite>) -> sqlx::Result<Vec<(i64, Vec<u8>)>> {
        let rows =
            sqlx::query!(r#"select id as "id!", message from outbox where length(message) > 0"#).fetch_all(&mut **tx).await?;
        Ok(rows.into_iter().map(|r| (r.id, r.message)).collect())
    }

    pub async fn mark_failed(&self, id: i64, error: &str) -> sqlx::Result<()> {
        sqlx::query!("update outbox set status = 'failed', last_error = ?, claimed_at = null where id = ?", error, id)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Queues a failed mail again; false unless it had failed.
    pub async fn resend_mail(&self, id: i64) -> sqlx::Result<bool> {
        let now = now_ms();
        let done = sqlx::query!(
            "update outbox set status = 'queued', attempts = 0, next_attempt_at = ? where id = ? and status = 'failed'",
            now,
            id
        )
        .execute(self.writer())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A mail queued with this API token; other tokens' mail is not theirs to see.
    pub async fn mail_for_token(&self, id: i64, token_id: i64) -> sqlx::Result<Option<MailRow>> {
        sqlx::query_as!(
            MailRow,
            r#"select id as "id!", created_at, template_name, settings_name, recipient, subject, size, status, attempts,
                      next_attempt_at, last_error, smtp_reply, sent_at
               from outbox where id = ? and api_token_id = ?"#,
            id,
            token_id
        )
        .fetch_optional(self.pool())
        .await
    }

    pub async fn mail_by_id(&self, id: i64) -> sqlx::Result<Option<MailRow>> {
        sqlx::query_as!(
            MailRow,
            r#"select id as "id!", created_at, template_name, settings_name, recipient, subject, size, status, attempts,
                      next_attempt_at, last_error, smtp_reply, sent_at
               from outbox where id = ?"#,
            id
        )
        .fetch_optional(self.pool())
        .await
    }

    /// Newest first, older than `before`, matching `filter` in recipient, subject, template,
    /// settings, status or error.
    pub async fn list_mail(&self, filter: &str, before: Option<i64>, limit: i64) -> sqlx::Result<Vec<MailRow>> {
        let pattern = format!("%{}%", filter.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let before = before.unwrap_or(i64::MAX);
        sqlx::query_as!(
            MailRow,
            r#"select id as "id!", created_at, template_name, settings_name, recipient, subject, size, status, attempts,
                      next_attempt_at, last_error, smtp_reply, sent_at
               from outbox
               where id < ?1
                 and (recipient like ?2 escape '\' or subject like ?2 escape '\' or template_name like ?2 escape '\'
                      or settings_name like ?2 escape '\' or status like ?2 escape '\' or coalesce(last_error, '') like ?2 escape '\')
               order by id desc limit ?3"#,
            before,
            pattern,
            limit
        )
        .fetch_all(self.pool())
        .await
    }
}
