//! Sign-in attempts, kept for an hour for the back-off per account and per client address.
//! An attempt is counted before its password is checked, so parallel guesses cannot all read
//! "under the limit" first; a successful sign-in clears the account's count.

use super::{now_ms, on, Db, Table};

/// Recent failures: how many, and when the latest was (ms).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failures {
    pub count: i64,
    pub latest: i64,
}

pub enum Reservation {
    /// The attempt is counted; check the password.
    Counted,
    /// Refused without counting: wait this many milliseconds.
    Wait(i64),
}

impl Db {
    /// Counts an attempt for the account and the client since `since`, unless `wait` (given the
    /// account's and the client's recent failures) asks for a pause. One transaction that no
    /// other reservation interleaves with (SQLite's single writer; a table lock on
    /// PostgreSQL, whatever instance it comes from), so no two attempts read the same count.
    pub async fn reserve_sign_in_attempt(
        &self,
        email_key: &str,
        client: &str,
        since: i64,
        wait: impl FnOnce(Failures, Failures) -> i64,
    ) -> sqlx::Result<Reservation> {
        let mut tx = self.begin().await?;
        tx.serialise(Table::SignInFailures).await?;
        let account = on!(tx.on(), |e| {
            query_as!(
            Failures,
            r#"select count(*) as "count!: i64", coalesce(max(at), 0) as "latest!: i64" from sign_in_failures where email_key = $1 and at >= $2"#,
            email_key, since
        )
        .fetch_one(e)
        .await
        })?;
        let by_client = on!(tx.on(), |e| {
            query_as!(
            Failures,
            r#"select count(*) as "count!: i64", coalesce(max(at), 0) as "latest!: i64" from sign_in_failures where client = $1 and at >= $2"#,
            client, since
        )
        .fetch_one(e)
        .await
        })?;
        let pause = wait(account, by_client);
        if pause > 0 {
            tx.rollback().await?;
            return Ok(Reservation::Wait(pause));
        }
        let now = now_ms();
        on!(tx.on(), |e| query!(
            "insert into sign_in_failures (email_key, client, at) values ($1, $2, $3)",
            email_key,
            client,
            now
        )
        .execute(e)
        .await
        .map(drop))?;
        tx.commit().await?;
        Ok(Reservation::Counted)
    }

    pub async fn clear_sign_in_failures(&self, email_key: &str) -> sqlx::Result<()> {
        on!(self.write(), |e| query!("delete from sign_in_failures where email_key = $1", email_key).execute(e).await.map(drop))
    }

    pub async fn prune_sign_in_failures(&self, before: i64) -> sqlx::Result<()> {
        on!(self.write(), |e| query!("delete from sign_in_failures where at < $1", before).execute(e).await.map(drop))
    }
}
