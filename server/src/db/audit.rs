//! The audit_log table: insert and read, nothing else (triggers refuse updates and deletes).

use super::{now_ms, Db};

pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub details: String,
    pub client: String,
}

pub struct NewAudit<'a> {
    pub actor_id: Option<i64>,
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub details: &'a str,
    pub client: &'a str,
}

impl Db {
    pub async fn insert_audit(&self, entry: &NewAudit<'_>) -> sqlx::Result<()> {
        let now = now_ms();
        sqlx::query!(
            "insert into audit_log (at, actor_id, actor, action, target, details, client) values (?, ?, ?, ?, ?, ?, ?)",
            now,
            entry.actor_id,
            entry.actor,
            entry.action,
            entry.target,
            entry.details,
            entry.client
        )
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Newest first, older than `before` (an id), matching `filter` in any text column.
    pub async fn list_audit(&self, filter: &str, before: Option<i64>, limit: i64) -> sqlx::Result<Vec<AuditRow>> {
        let pattern = format!("%{}%", filter.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let before = before.unwrap_or(i64::MAX);
        sqlx::query_as!(
            AuditRow,
            r#"select id as "id!", at, actor, action, target, details, client from audit_log
               where id < ?1
                 and (actor like ?2 escape '\' or action like ?2 escape '\' or target like ?2 escape '\'
                      or details like ?2 escape '\' or client like ?2 escape '\')
               order by id desc
               limit ?3"#,
            before,
            pattern,
            limit
        )
        .fetch_all(self.pool())
        .await
    }
}
