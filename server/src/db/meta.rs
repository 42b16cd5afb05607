//! Small facts about the database itself, keyed by name.

use super::Db;

impl Db {
    pub async fn meta_get(&self, key: &str) -> sqlx::Result<Option<Vec<u8>>> {
        let row = sqlx::query!("select value from meta where key = ?", key).fetch_optional(self.pool()).await?;
        Ok(row.map(|r| r.value))
    }

    pub async fn meta_set(&self, key: &str, value: &[u8]) -> sqlx::Result<()> {
        sqlx::query!(
            "insert into meta (key, value) values (?, ?) on conflict (key) do update set value = excluded.value",
            key,
            value
        )
        .execute(self.writer())
        .await?;
        Ok(())
    }
}
