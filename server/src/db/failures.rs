//! Failed sign-ins, kept for an hour for the back-off per account and per client address.

use super::{now_ms, Db};

impl Db {
    pub async fn record_sign_in_failure(&self, email_key: &str, client: &str) -> sqlx::Result<()> {
        let now = now_ms();
        sqlx::query!("insert into sign_in_failures (email_key, client, at) values (?, ?, ?)", email_key, client, now)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Failures since `since` for the account and for the client: (count, latest) each.
    pub async fn sign_in_failures(&self, email_key: &str, client: &str, since: i64) -> sqlx::Result<((i64, i64), (i64, i64))> {
        let account = sqlx::query!(
            r#"select count(*) as "n!: i64", coalesce(max(at), 0) as "latest!: i64" from sign_in_failures where email_key = ? and at >= ?"#,
            email_key, since
        )
        .fetch_one(self.pool())
        .await?;
        let by_client = sqlx::query!(
            r#"select count(*) as "n!: i64", coalesce(max(at), 0) as "latest!: i64" from sign_in_failures where client = ? and at >= ?"#,
            client, since
        )
        .fetch_one(self.pool())
        .await?;
        Ok(((account.n, account.latest), (by_client.n, by_client.latest)))
    }

    pub async fn clear_sign_in_failures(&self, email_key: &str) -> sqlx::Result<()> {
        sqlx::query!("delete from sign_in_failures where email_key = ?", email_key).execute(self.writer()).await?;
        Ok(())
    }

    pub async fn prune_sign_in_failures(&self, before: i64) -> sqlx::Result<()> {
        sqlx::query!("delete from sign_in_failures where at < ?", before).execute(self.writer()).await?;
        Ok(())
    }
}
