//! API tokens, stored only as SHA-256 hashes.

use super::{now_ms, on, Db};

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
        on!(self.write(), |e| query_scalar!(
            r#"insert into api_tokens (name, token_hash, prefix, created_at, created_by) values ($1, $2, $3, $4, $5)
               returning id as "id!""#,
            name,
            hash,
            prefix,
            now,
            actor
        )
        .fetch_one(e)
        .await)
    }

    pub async fn list_api_tokens(&self) -> sqlx::Result<Vec<TokenRow>> {
        on!(self.read(), |e| query_as!(
            TokenRow,
            r#"select t.id as "id!", t.name, t.prefix, t.created_at, u.name as "created_by?", t.last_used_at, t.revoked_at
               from api_tokens t left join users u on u.id = t.created_by
               order by t.id desc"#
        )
        .fetch_all(e)
        .await)
    }

    pub async fn revoke_api_token(&self, id: i64) -> sqlx::Result<bool> {
        let now = now_ms();
        on!(self.write(), |e| query!("update api_tokens set revoked_at = $1 where id = $2 and revoked_at is null", now, id)
            .execute(e)
            .await
            .map(|done| done.rows_affected() == 1))
    }

    pub async fn api_token(&self, id: i64) -> sqlx::Result<Option<TokenRow>> {
        on!(self.read(), |e| query_as!(
            TokenRow,
            r#"select t.id as "id!", t.name, t.prefix, t.created_at, u.name as "created_by?", t.last_used_at, t.revoked_at
               from api_tokens t left join users u on u.id = t.created_by
               where t.id = $1"#,
            id
        )
        .fetch_optional(e)
        .await)
    }

    /// The live token with this hash. Its last use is recorded at most once a minute, so a
    /// busy caller does not turn every request into a write.
    pub async fn use_api_token(&self, hash: &[u8]) -> sqlx::Result<Option<(i64, String)>> {
        let now = now_ms();
        let row = on!(self.read(), |e| query!(
            r#"select id as "id!", name, coalesce(last_used_at, 0) as "last_used_at!: i64" from api_tokens
               where token_hash = $1 and revoked_at is null"#,
            hash
        )
        .map(|r| (r.id, r.name, r.last_used_at))
        .fetch_optional(e)
        .await)?;
        let Some((id, name, last_used_at)) = row else { return Ok(None) };
        if now - last_used_at > 60_000 {
            on!(self.write(), |e| query!("update api_tokens set last_used_at = $1 where id = $2", now, id)
                .execute(e)
                .await
                .map(drop))?;
        }
        Ok(Some((id, name)))
    }
}
