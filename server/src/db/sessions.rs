//! Sessions and the first-run setup token.

use super::{now_ms, on, Db};

/// A session with the account it belongs to, read together: every signed-in request reads it.
#[derive(Clone, Debug)]
pub struct SessionRow {
    pub created_at: i64,
    pub last_seen: i64,
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
}

impl Db {
    pub async fn insert_session(&self, token_hash: &[u8], user_id: i64) -> sqlx::Result<()> {
        let now = now_ms();
        on!(self.write(), |e| query!(
            "insert into sessions (token_hash, user_id, created_at, last_seen) values ($1, $2, $3, $4)",
            token_hash,
            user_id,
            now,
            now
        )
        .execute(e)
        .await
        .map(drop))
    }

    pub async fn session(&self, token_hash: &[u8]) -> sqlx::Result<Option<SessionRow>> {
        on!(self.read(), |e| query_as!(
            SessionRow,
            r#"select s.created_at, s.last_seen, u.id as "user_id!", u.name, u.email, u.role
               from sessions s join users u on u.id = s.user_id
               where s.token_hash = $1"#,
            token_hash
        )
        .fetch_optional(e)
        .await)
    }

    pub async fn touch_session(&self, token_hash: &[u8]) -> sqlx::Result<()> {
        let now = now_ms();
        on!(self.write(), |e| query!("update sessions set last_seen = $1 where token_hash = $2", now, token_hash)
            .execute(e)
            .await
            .map(drop))
    }

    pub async fn delete_session(&self, token_hash: &[u8]) -> sqlx::Result<()> {
        on!(self.write(), |e| query!("delete from sessions where token_hash = $1", token_hash).execute(e).await.map(drop))
    }

    /// Ends every session of a user except, optionally, one.
    pub async fn delete_sessions_of(&self, user_id: i64, keep: Option<&[u8]>) -> sqlx::Result<()> {
        let keep = keep.unwrap_or_default();
        on!(self.write(), |e| query!("delete from sessions where user_id = $1 and token_hash != $2", user_id, keep)
            .execute(e)
            .await
            .map(drop))
    }

    pub async fn delete_expired_sessions(&self, idle_before: i64, created_before: i64) -> sqlx::Result<u64> {
        on!(self.write(), |e| query!("delete from sessions where last_seen < $1 or created_at < $2", idle_before, created_before)
            .execute(e)
            .await
            .map(|done| done.rows_affected()))
    }

    /// Replaces any earlier setup token.
    pub async fn replace_setup_token(&self, token_hash: &[u8]) -> sqlx::Result<()> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        on!(tx.on(), |e| query!("delete from setup_tokens").execute(e).await.map(drop))?;
        on!(tx.on(), |e| query!("insert into setup_tokens (token_hash, created_at) values ($1, $2)", token_hash, now)
            .execute(e)
            .await
            .map(drop))?;
        tx.commit().await
    }

    pub async fn setup_token_exists(&self, token_hash: &[u8]) -> sqlx::Result<bool> {
        on!(self.read(), |e| query_scalar!(r#"select count(*) as "n!: i64" from setup_tokens where token_hash = $1"#, token_hash)
            .fetch_one(e)
            .await
            .map(|n| n > 0))
    }

    /// Uses the token up: true only for the one caller that removed it.
    pub async fn take_setup_token(&self, token_hash: &[u8]) -> sqlx::Result<bool> {
        on!(self.write(), |e| query!("delete from setup_tokens where token_hash = $1", token_hash)
            .execute(e)
            .await
            .map(|done| done.rows_affected() == 1))
    }
}
