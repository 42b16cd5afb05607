//! Small facts about the database itself, keyed by name.

use super::{on, Db, Tx};

impl Db {
    pub async fn meta_get(&self, key: &str) -> sqlx::Result<Option<Vec<u8>>> {
        on!(self.read(), |e| query_scalar!("select value from meta where key = $1", key).fetch_optional(e).await)
    }

    /// Sets a value inside a transaction.
    pub async fn meta_set_in(tx: &mut Tx, key: &str, value: &[u8]) -> sqlx::Result<()> {
        on!(tx.on(), |e| query!(
            "insert into meta (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value",
            key,
            value
        )
        .execute(e)
        .await
        .map(drop))
    }

    /// Sets a value unless one is there already; true when this call set it. Instances
    /// starting together on one database agree on the first.
    pub async fn meta_set_first(&self, key: &str, value: &[u8]) -> sqlx::Result<bool> {
        on!(self.write(), |e| query!("insert into meta (key, value) values ($1, $2) on conflict (key) do nothing", key, value)
            .execute(e)
            .await
            .map(|done| done.rows_affected() == 1))
    }
}
