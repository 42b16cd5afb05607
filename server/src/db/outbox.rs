//! The outbox table: a row per application mail, claimed by the worker before it is sent.

use super::{like_pattern, now_ms, on, storable, Db, Tx};
use app::api::delivery::AttemptOutcome as Outcome;

pub struct NewMail {
    pub template_id: Option<i64>,
    pub template_name: String,
    pub settings_id: i64,
    pub settings_name: String,
    pub envelope_from: String,
    pub recipient: String,
    pub subject: String,
    pub size: i64,
    pub api_token_id: Option<i64>,
    pub idempotency_key: Option<String>,
    /// After this (ms), the mail is not worth sending any more.
    pub expires_at: Option<i64>,
}

pub struct Claimed {
    pub id: i64,
    /// The claim this mail is held under; see `claim_mail`.
    pub claim: i64,
    pub settings_id: Option<i64>,
    pub envelope_from: String,
    pub recipient: String,
    pub message: Vec<u8>,
    pub attempts: i64,
    /// The attempts made before the last resend; the retry limit counts from there.
    pub attempt_base: i64,
    pub expires_at: Option<i64>,
}

/// What a resend needs from a failed mail.
pub struct ResendSource {
    pub template_id: Option<i64>,
    pub settings_id: Option<i64>,
    pub envelope_from: String,
    pub message: Vec<u8>,
}

/// Mail through one settings: sent and failed since a moment, waiting now, when the oldest
/// waiting mail first failed an attempt, and the latest mail sent since that moment.
#[derive(serde::Deserialize)]
pub struct HealthRow {
    pub settings_id: i64,
    pub settings_name: String,
    pub sent: i64,
    pub failed: i64,
    pub waiting: i64,
    pub first_failed_at: Option<i64>,
    pub last_sent_at: Option<i64>,
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
    pub expires_at: Option<i64>,
    /// The settings that sent it, when a backup carried it.
    pub sent_via: Option<String>,
    /// The attempts made before the last resend; the retry limit counts from there.
    pub attempt_base: i64,
}

impl Db {
    /// Ids for `count` mails about to be inserted in `tx`, in one statement: a mail's message
    /// is sealed bound to its id, so the id must be known before the row is written. SQLite
    /// gives a new row the highest id plus one, and `tx` holds the write lock; PostgreSQL takes
    /// them from the column's identity sequence.
    pub async fn reserve_mail_ids(tx: &mut Tx, count: i64) -> sqlx::Result<Vec<i64>> {
        if count < 1 {
            return Ok(Vec::new());
        }
        on!(tx.on(), |e| query_scalar!(
            sqlite: r#"with recursive ids(id, left) as (select coalesce(max(id), 0) + 1, $1 - 1 from outbox
                                                      union all select id + 1, left - 1 from ids where left > 0)
                       select id as "id!" from ids"#,
            postgres: r#"select nextval(pg_get_serial_sequence('outbox', 'id')) as "id!" from generate_series(1, $1::bigint)"#,
            count
        )
        .fetch_all(e)
        .await)
    }

    /// Inserts a queued mail under an id from `reserve_mail_ids`, with its sealed message.
    pub async fn insert_mail(tx: &mut Tx, id: i64, m: &NewMail, sealed: &[u8]) -> sqlx::Result<MailRow> {
        let now = now_ms();
        on!(tx.on(), |e| {
            query_as!(
            MailRow,
            r#"insert into outbox (id, created_at, template_id, template_name, settings_id, settings_name, envelope_from, recipient,
                                 subject, message, size, status, next_attempt_at, api_token_id, idempotency_key, expires_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'queued', $12, $13, $14, $15)
             returning id as "id!", created_at, template_name, settings_name, recipient, subject, size, status, attempts,
                       next_attempt_at, last_error, smtp_reply, sent_at, expires_at, sent_via, attempt_base"#,
            id, now, m.template_id, m.template_name, m.settings_id, m.settings_name, m.envelope_from, m.recipient, m.subject,
            sealed, m.size, now, m.api_token_id, m.idempotency_key, m.expires_at
        )
        .fetch_one(e)
        .await
        })
    }

    pub async fn set_mail_message(tx: &mut Tx, id: i64, sealed: &[u8]) -> sqlx::Result<()> {
        on!(tx.on(), |e| query!("update outbox set message = $1 where id = $2", sealed, id).execute(e).await.map(drop))
    }

    pub async fn mail_by_idempotency_key(&self, token_id: i64, key: &str) -> sqlx::Result<Option<i64>> {
        on!(self.read(), |e| query_scalar!(
            r#"select id as "id!" from outbox where api_token_id = $1 and idempotency_key = $2"#,
            token_id,
            key
        )
        .fetch_optional(e)
        .await)
    }

    /// Marks up to `limit` due mails as sending under `claim` (a random number), at `now`, and
    /// returns them: queued ones whose time has come, and ones claimed before `stale_before`
    /// whose sender stopped renewing its claim. On PostgreSQL, rows another instance is
    /// claiming at this moment are skipped, not waited for.
    pub async fn claim_mail(&self, claim: i64, now: i64, limit: i64, stale_before: i64) -> sqlx::Result<Vec<Claimed>> {
        on!(self.write(), |e| {
            query_as!(
            Claimed,
            sqlite: r#"update outbox set status = 'sending', claimed_at = $1, claim = $4, attempts = attempts + 1
               where id in (select id from outbox
                            where (status = 'queued' and next_attempt_at <= $1) or (status = 'sending' and claimed_at < $2)
                            order by next_attempt_at, id limit $3)
               returning id as "id!", claim as "claim!", settings_id, envelope_from as "envelope_from!", recipient as "recipient!",
                         message as "message!", attempts as "attempts!", attempt_base as "attempt_base!", expires_at"#,
            postgres: r#"update outbox set status = 'sending', claimed_at = $1, claim = $4, attempts = attempts + 1
               where id in (select id from outbox
                            where (status = 'queued' and next_attempt_at <= $1) or (status = 'sending' and claimed_at < $2)
                            order by next_attempt_at, id limit $3
                            for update skip locked)
               returning id as "id!", claim as "claim!", settings_id, envelope_from as "envelope_from!", recipient as "recipient!",
                         message as "message!", attempts as "attempts!", attempt_base as "attempt_base!", expires_at"#,
            now,
            stale_before,
            limit,
            claim
        )
        .fetch_all(e)
        .await
        })
    }

    /// Renews `claim` on the mails still being sent under it: the sender is alive, so no
    /// other instance takes them. Returns how many were renewed.
    pub async fn renew_claim(&self, claim: i64, now: i64) -> sqlx::Result<u64> {
        // PostgreSQL: rows an outcome batch holds are skipped (it is finishing them), and the
        // rest are locked in id order, so a renewal and a batch never wait on each other in a circle.
        on!(self.write(), |e| {
            query!(
            sqlite: "update outbox set claimed_at = $2 where status = 'sending' and claim = $1",
            postgres: "update outbox set claimed_at = $2
                        where id in (select id from outbox where status = 'sending' and claim = $1 order by id for update skip locked)",
            claim,
            now
        )
            .execute(e)
            .await
            .map(|done| done.rows_affected())
        })
    }

    // The outcomes below touch a mail only while it is still under the sender's claim, and
    // say whether it was: false means another instance took the mail over. Each records the
    // attempt in `tx` too.

    /// Records a mail as sent; `via` names the backup settings that sent it, if one did.
    pub async fn mark_sent(tx: &mut Tx, id: i64, claim: i64, reply: &str, via: Option<&str>) -> sqlx::Result<bool> {
        let now = now_ms();
        let reply: &str = &storable(reply);
        Db::record_attempt(tx, id, claim, Outcome::Sent, reply, via).await?;
        let held = on!(tx.on(), |e| query!(
            "update outbox set status = 'sent', sent_at = $1, smtp_reply = $2, last_error = null, claimed_at = null, claim = null,
                               first_failed_at = null, sent_via = $3
             where id = $4 and claim = $5",
            now,
            reply,
            via,
            id,
            claim
        )
        .execute(e)
        .await
        .map(|done| done.rows_affected() == 1))?;
        Ok(held)
    }

    pub async fn mark_retry(tx: &mut Tx, id: i64, claim: i64, error: &str, next_attempt_at: i64) -> sqlx::Result<bool> {
        let (error, now): (&str, i64) = (&storable(error), now_ms());
        Db::record_attempt(tx, id, claim, Outcome::Retry, error, None).await?;
        let held = on!(tx.on(), |e| query!(
            "update outbox set status = 'queued', last_error = $1, next_attempt_at = $2, claimed_at = null, claim = null,
                               first_failed_at = coalesce(first_failed_at, $5)
             where id = $3 and claim = $4",
            error,
            next_attempt_at,
            id,
            claim,
            now
        )
        .execute(e)
        .await
        .map(|done| done.rows_affected() == 1))?;
        Ok(held)
    }

    /// Gives a claimed mail back unsent (shutting down): due again at once, attempt not counted.
    pub async fn release_mail(&self, id: i64, claim: i64) -> sqlx::Result<bool> {
        let now = now_ms();
        on!(self.write(), |e| query!(
            "update outbox set status = 'queued', attempts = attempts - 1, next_attempt_at = $1, claimed_at = null, claim = null
             where id = $2 and claim = $3",
            now,
            id,
            claim
        )
        .execute(e)
        .await
        .map(|done| done.rows_affected() == 1))
    }

    /// Every sealed message with its id, for key rotation.
    pub async fn all_mail_messages(tx: &mut Tx) -> sqlx::Result<Vec<(i64, Vec<u8>)>> {
        on!(tx.on(), |e| query!(r#"select id as "id!", message from outbox where length(message) > 0"#)
            .map(|r| (r.id, r.message))
            .fetch_all(e)
            .await)
    }

    pub async fn mark_failed(tx: &mut Tx, id: i64, claim: i64, error: &str) -> sqlx::Result<bool> {
        let (error, now): (&str, i64) = (&storable(error), now_ms());
        Db::record_attempt(tx, id, claim, Outcome::Failed, error, None).await?;
        let held = on!(tx.on(), |e| query!(
            "update outbox set status = 'failed', last_error = $1, claimed_at = null, claim = null, failed_at = $4,
                               first_failed_at = null
             where id = $2 and claim = $3",
            error,
            id,
            claim,
            now
        )
        .execute(e)
        .await
        .map(|done| done.rows_affected() == 1))?;
        Ok(held)
    }

    pub async fn resend_source(&self, id: i64) -> sqlx::Result<Option<ResendSource>> {
        on!(self.read(), |e| query_as!(
            ResendSource,
            r#"select template_id, settings_id, envelope_from, message from outbox where id = $1"#,
            id
        )
        .fetch_optional(e)
        .await)
    }

    /// Queues a failed mail again through `to` (settings id and name), with its From as
    /// given; false unless it had failed and has not expired. Attempts go on counting.
    pub async fn resend_mail(&self, id: i64, to: (i64, &str), envelope_from: &str, message: &[u8]) -> sqlx::Result<bool> {
        let now = now_ms();
        on!(self.write(), |e| query!(
            "update outbox set status = 'queued', attempt_base = attempts, next_attempt_at = $1, failed_at = null,
                               settings_id = $2, settings_name = $3, envelope_from = $4, message = $5
             where id = $6 and status = 'failed' and (expires_at is null or expires_at > $1)",
            now,
            to.0,
            to.1,
            envelope_from,
            message,
            id
        )
        .execute(e)
        .await
        .map(|done| done.rows_affected() == 1))
    }

    /// Per settings that has mail waiting, or sent or failed since `since` (see
    /// `settings_list_state`, which reads it with the list's revision).
    pub async fn delivery_health(&self, since: i64) -> sqlx::Result<Vec<HealthRow>> {
        Ok(self.settings_list_state(since).await?.health)
    }

    /// A mail queued with this API token; other tokens' mail is not theirs to see.
    pub async fn mail_for_token(&self, id: i64, token_id: i64) -> sqlx::Result<Option<MailRow>> {
        on!(self.read(), |e| query_as!(
            MailRow,
            r#"select id as "id!", created_at, template_name, settings_name, recipient, subject, size, status, attempts,
                      next_attempt_at, last_error, smtp_reply, sent_at, expires_at, sent_via, attempt_base
               from outbox where id = $1 and api_token_id = $2"#,
            id,
            token_id
        )
        .fetch_optional(e)
        .await)
    }

    pub async fn mail_by_id(&self, id: i64) -> sqlx::Result<Option<MailRow>> {
        on!(self.read(), |e| query_as!(
            MailRow,
            r#"select id as "id!", created_at, template_name, settings_name, recipient, subject, size, status, attempts,
                      next_attempt_at, last_error, smtp_reply, sent_at, expires_at, sent_via, attempt_base
               from outbox where id = $1"#,
            id
        )
        .fetch_optional(e)
        .await)
    }

    /// Newest first, older than `before`, matching `filter` in recipient, subject, template,
    /// settings, status or error, ignoring case.
    /// Narrowed to one status (None: any) and to mail queued in `[from, to)`.
    pub async fn list_mail(
        &self,
        filter: &str,
        before: Option<i64>,
        status: Option<&str>,
        (from, to): (i64, i64),
        limit: i64,
    ) -> sqlx::Result<Vec<MailRow>> {
        let pattern = like_pattern(filter);
        let before = before.unwrap_or(i64::MAX);
        on!(self.read(), |e| {
            query_as!(
            MailRow,
            sqlite: r#"select id as "id!", created_at, template_name, settings_name, recipient, subject, size, status, attempts,
                      next_attempt_at, last_error, smtp_reply, sent_at, expires_at, sent_via, attempt_base
               from outbox
               where id < $1
                 and (recipient like $2 escape '\' or subject like $2 escape '\' or template_name like $2 escape '\'
                      or settings_name like $2 escape '\' or status like $2 escape '\' or coalesce(last_error, '') like $2 escape '\')
                 and status = coalesce($4, status) and created_at >= $5 and created_at < $6
               order by id desc limit $3"#,
            postgres: r#"select id as "id!", created_at, template_name, settings_name, recipient, subject, size, status, attempts,
                      next_attempt_at, last_error, smtp_reply, sent_at, expires_at, sent_via, attempt_base
               from outbox
               where id < $1
                 and (recipient ilike $2 escape '\' or subject ilike $2 escape '\' or template_name ilike $2 escape '\'
                      or settings_name ilike $2 escape '\' or status ilike $2 escape '\' or coalesce(last_error, '') ilike $2 escape '\')
                 and status = coalesce($4, status) and created_at >= $5 and created_at < $6
               order by id desc limit $3"#,
            before,
            pattern,
            limit,
            status,
            from,
            to
        )
        .fetch_all(e)
        .await
        })
    }
}
