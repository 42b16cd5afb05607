//! Password-reset links, stored only as SHA-256 hashes, single use, one hour.

use super::{now_ms, on, Db};

impl Db {
    /// Stores a link for the user while they still sign in with `email_key`: false if their
    /// address changed meanwhile (a link mailed to the old one must not work).
    pub async fn insert_password_reset(&self, hash: &[u8], user_id: i64, email_key: &str, expires_at: i64) -> sqlx::Result<bool> {
        let now = now_ms();
        on!(self.write(), |e| query!(
            "insert into password_resets (token_hash, user_id, created_at, expires_at)
             select $1, id, $3, $4 from users where id = $2 and email_key = $5",
            hash,
            user_id,
            now,
            expires_at,
            email_key
        )
        .execute(e)
        .await
        .map(|done| done.rows_affected() == 1))
    }

    /// Uses a reset link up: the user it was for, only once and only before it expires.
    pub async fn take_password_reset(&self, hash: &[u8]) -> sqlx::Result<Option<i64>> {
        let now = now_ms();
        on!(self.write(), |e| query_scalar!(
            r#"update password_resets set used_at = $1 where token_hash = $2 and used_at is null and expires_at > $1
               returning user_id as "user_id!""#,
            now,
            hash
        )
        .fetch_optional(e)
        .await)
    }

    pub async fn password_reset_valid(&self, hash: &[u8]) -> sqlx::Result<bool> {
        let now = now_ms();
        on!(self.read(), |e| query_scalar!(
            r#"select count(*) as "n!: i64" from password_resets where token_hash = $1 and used_at is null and expires_at > $2"#,
            hash,
            now
        )
        .fetch_one(e)
        .await
        .map(|n| n > 0))
    }

    /// Retires every outstanding link of a user (after a reset or a password change).
    pub async fn delete_password_resets_of(&self, user_id: i64) -> sqlx::Result<()> {
        on!(self.write(), |e| query!("delete from password_resets where user_id = $1", user_id).execute(e).await.map(drop))
    }
}
