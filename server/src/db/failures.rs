//! Sign-in attempts, kept for an hour for the back-off per account and per client address.
//! An attempt is counted before its password is checked, so parallel guesses cannot all read
//! "under the limit" first; a successful sign-in clears the account's count.

use super::{now_ms, Db};

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
    /// account's and the client's recent failures) asks for a pause. One transaction on the
    /// single writer, so no two attempts read the same count.
    pub async fn reserve_sign_in_attempt(
        &self,
        email_key: &str,
        client: &str,
        since: i64,
        wait: impl FnOnce(Failures, Failures) -> i64,
    ) -> sqlx::Result<Reservation> {
        let mut tx = self.writer().begin().await?;
        let account = sqlx::query_as!(
            Failures,
            r#"select count(*) as "count!: i64", coalesce(max(at), 0) as "latest!: i64" from sign_in_failures where email_key = ? and at >= ?"#,
            email_key, since
        )
        .fetch_one(&mut *tx)
        .await?;
        let by_client = sqlx::query_as!(
            Failures,
            r#"select count(*) as "count!: i64", coalesce(max(at), 0) as "latest!: i64" from sign_in_failures where client = ? and at >= ?"#,
            client, since
        )
        .fetch_one(&mut *tx)
        .await?;
        let pause = wait(account, by_client);
        if pause > 0 {
            return Ok(Reservation::Wait(pause));
        }
        let now = now_ms();
        sqlx::query!("insert into sign_in_failures (email_key, client, at) values (?, ?, ?)", email_key, client, now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Reservation::Counted)
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
