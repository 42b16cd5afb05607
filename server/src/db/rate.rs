//! Rate-limited actions, counted in the database so every instance sees the same hits:
//! test emails per user, reset mails per account.

use super::{now_ms, on, Db, Table};

impl Db {
    /// Records a hit for `key` in `bucket` unless `max` hits lie within the last `window_ms`;
    /// then says how many milliseconds until the oldest ages out.
    pub async fn rate_hit(&self, bucket: &str, key: &str, max: i64, window_ms: i64) -> sqlx::Result<Result<(), i64>> {
        let now = now_ms();
        let since = now - window_ms;
        let mut tx = self.begin().await?;
        tx.serialise(Table::RateHits).await?;
        let (count, oldest) = on!(tx.on(), |e| query!(
            r#"select count(*) as "count!: i64", coalesce(min(at), 0) as "oldest!: i64"
               from (select at from rate_hits where bucket = $1 and key = $2 and at > $3 order by at desc limit $4) recent"#,
            bucket,
            key,
            since,
            max
        )
        .map(|r| (r.count, r.oldest))
        .fetch_one(e)
        .await)?;
        if count >= max {
            tx.rollback().await?;
            return Ok(Err((oldest + window_ms - now).max(1)));
        }
        on!(tx.on(), |e| query!("insert into rate_hits (bucket, key, at) values ($1, $2, $3)", bucket, key, now)
            .execute(e)
            .await
            .map(drop))?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Forgets hits older than `before`.
    pub async fn prune_rate_hits(&self, before: i64) -> sqlx::Result<()> {
        on!(self.write(), |e| query!("delete from rate_hits where at < $1", before).execute(e).await.map(drop))
    }
}
