//! API tokens, stored only as SHA-256 hashes.

use super::{now_ms, Db};

#[derive(Clone, Debug)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub created_by: Option<String>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl Db {
    pub async fn insert_api_token(&self, name: &str, hash: &[u8], prefix: &str, actor: i64) -> sqlx::Result<i64> {
        let now = now_ms();
        let done = sqlx::query!(
            "insert into api_tokens (name, token_hash, prefix, created_at, created_by) values (?, ?, ?, ?, ?)",
            name,
            hash,
            prefix,
            now,
            actor
        )
        .execute(self.writer())
        .await?;
        Ok(done.last_insert_rowid())
    }

    pub async fn list_api_tokens(&self) -> sqlx::Result<Vec<TokenRow>> {
        sqlx::query_as!(
            TokenRow,
            r#"select t.id as "id!", t.name, t.prefix, t.created_at, u.name as "created_by?", t.last_used_at, t.revoked_at
               from api_tokens t left join users u on u.id = t.created_by
               order by t.id desc"#
        )
        .fetch_all(self.pool())
        .await
    }

    pub async fn revoke_api_token(&self, id: i64) -> sqlx::Result<bool> {
        let now = now_ms();
        let done = sqlx::query!("update api_tokens set revoked_at = ? where id = ? and revoked_at is null", now, id)
            .execute(self.writer())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn api_token(&self, id: i64) -> sqlx::Result<Option<TokenRow>> {
        sqlx::query_as!(
            TokenRow,
            r#"select t.id as "id!", t.name, t.prefix, t.created_at, u.name as "created_by?", t.last_used_at, t.revoked_at
               from api_tokens t left join users u on u.id = t.created_by
               where t.id = ?"#,
            id
        )
        .fetch_optional(self.pool())
        .await
    }

    /// The live token with this hash. Its last use is recorded at most once a minute, so a
    /// busy caller does not turn every request into a write.
    pub async fn use_api_token(&self, hash: &[u8]) -> sqlx::Result<Option<(i64, String)>> {
        let now = now_ms();
        let row = sqlx::query!(
            r#"select id as "id!", name, coalesce(last_used_at, 0) as "last_used_at!: i64" from api_tokens
               where token_hash = ? and revoked_at is null"#,
            hash
        )
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        if now - row.last_used_at > 60_000 {
            sqlx::query!("update api_tokens set last_used_at = ? where id = ?", now, row.id).execute(self.writer()).await?;
        }
        Ok(Some((row.id, row.name)))
    }
}
