//! Sessions and the first-run setup token.

use super::{now_ms, Db};

#[derive(Clone, Debug)]
pub struct SessionRow {
    pub user_id: i64,
    pub created_at: i64,
    pub last_seen: i64,
}

impl Db {
    pub async fn insert_session(&self, token_hash: &[u8], user_id: i64) -> sqlx::Result<()> {
        let now = now_ms();
        sqlx::query!(
            "insert into sessions (token_hash, user_id, created_at, last_seen) values (?, ?, ?, ?)",
            token_hash,
            user_id,
            now,
            now
        )
        .execute(self.writer())
        .await?;
        Ok(())
    }

    pub async fn session(&self, token_hash: &[u8]) -> sqlx::Result<Option<SessionRow>> {
        sqlx::query_as!(SessionRow, "select user_id, created_at, last_seen from sessions where token_hash = ?", token_hash)
            .fetch_optional(self.pool())
            .await
    }

    pub async fn touch_session(&self, token_hash: &[u8]) -> sqlx::Result<()> {
        let now = now_ms();
        sqlx::query!("update sessions set last_seen = ? where token_hash = ?", now, token_hash).execute(self.writer()).await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &[u8]) -> sqlx::Result<()> {
        sqlx::query!("delete from sessions where token_hash = ?", token_hash).execute(self.writer()).await?;
        Ok(())
    }

    /// Ends every session of a user except, optionally, one.
    pub async fn delete_sessions_of(&self, user_id: i64, keep: Option<&[u8]>) -> sqlx::Result<()> {
        let keep = keep.unwrap_or_default();
        sqlx::query!("delete from sessions where user_id = ? and token_hash != ?", user_id, keep).execute(self.writer()).await?;
        Ok(())
    }

    pub async fn delete_expired_sessions(&self, idle_before: i64, created_before: i64) -> sqlx::Result<u64> {
        let done = sqlx::query!("delete from sessions where last_seen < ? or created_at < ?", idle_before, created_before)
            .execute(self.writer())
            .await?;
        Ok(done.rows_affected())
    }

    /// Replaces any earlier setup token.
    pub async fn replace_setup_token(&self, token_hash: &[u8]) -> sqlx::Result<()> {
        let now = now_ms();
        let mut tx = self.writer().begin().await?;
        sqlx::query!("delete from setup_tokens").execute(&mut *tx).await?;
        sqlx::query!("insert into setup_tokens (token_hash, created_at) values (?, ?)", token_hash, now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }

    pub async fn setup_token_exists(&self, token_hash: &[u8]) -> sqlx::Result<bool> {
        Ok(sqlx::query_scalar!("select count(*) from setup_tokens where token_hash = ?", token_hash)
            .fetch_one(self.pool())
            .await?
            > 0)
    }

    /// Uses the token up: true only for the one caller that removed it.
    pub async fn take_setup_token(&self, token_hash: &[u8]) -> sqlx::Result<bool> {
        let done = sqlx::query!("delete from setup_tokens where token_hash = ?", token_hash).execute(self.writer()).await?;
        Ok(done.rows_affected() == 1)
    }
}
