//! The audit_log table: insert and read, nothing else (triggers refuse updates and deletes).

use super::{like_pattern, now_ms, on, storable, Db, On, Tx};
use app::api::Timestamp;

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

async fn insert_audit_on<'e, S: sqlx::SqliteExecutor<'e>, P: sqlx::PgExecutor<'e>>(
    on: On<S, P>,
    entry: &NewAudit<'_>,
) -> sqlx::Result<()> {
    let now = now_ms();
    let stored = [entry.actor, entry.action, entry.target, entry.details, entry.client].map(storable);
    let [actor, action, target, details, client] = stored.each_ref().map(|text| &**text);
    on!(on, |e| query!(
        "insert into audit_log (at, actor_id, actor, action, target, details, client) values ($1, $2, $3, $4, $5, $6, $7)",
        now,
        entry.actor_id,
        actor,
        action,
        target,
        details,
        client
    )
    .execute(e)
    .await
    .map(drop))
}

impl Db {
    pub async fn insert_audit(&self, entry: &NewAudit<'_>) -> sqlx::Result<()> {
        insert_audit_on(self.write(), entry).await
    }

    /// Records `entry` in `tx`: the entry stands or falls with what it records.
    pub async fn insert_audit_in(tx: &mut Tx, entry: &NewAudit<'_>) -> sqlx::Result<()> {
        insert_audit_on(tx.on(), entry).await
    }

    /// Newest first, older than `before` (an id), matching `filter` in any text column,
    /// ignoring case.
    pub async fn list_audit(
        &self,
        filter: &str,
        before: Option<i64>,
        narrow: &app::api::audit::AuditNarrow,
        limit: i64,
    ) -> sqlx::Result<Vec<AuditRow>> {
        let pattern = like_pattern(filter);
        let before = before.unwrap_or(i64::MAX);
        let (action, actor) = (narrow.action.as_deref(), narrow.actor.as_deref());
        let (from, to) = (narrow.span.from.map_or(i64::MIN, Timestamp::get), narrow.span.to.map_or(i64::MAX, Timestamp::get));
        on!(self.read(), |e| query_as!(
            AuditRow,
            sqlite: r#"select id as "id!", at, actor, action, target, details, client from audit_log
               where id < $1
                 and (actor like $2 escape '\' or action like $2 escape '\' or target like $2 escape '\'
                      or details like $2 escape '\' or client like $2 escape '\')
                 and action = coalesce($4, action) and actor = coalesce($5, actor) and at >= $6 and at < $7
               order by id desc
               limit $3"#,
            postgres: r#"select id as "id!", at, actor, action, target, details, client from audit_log
               where id < $1
                 and (actor ilike $2 escape '\' or action ilike $2 escape '\' or target ilike $2 escape '\'
                      or details ilike $2 escape '\' or client ilike $2 escape '\')
                 and action = coalesce($4, action) and actor = coalesce($5, actor) and at >= $6 and at < $7
               order by id desc
               limit $3"#,
            before,
            pattern,
            limit,
            action,
            actor,
            from,
            to
        )
        .fetch_all(e)
        .await)
    }

    /// The actions and the people the log holds, each once, in alphabetical order ignoring
    /// case (sorted here: the two databases' collations order text differently).
    pub async fn audit_facets(&self) -> sqlx::Result<(Vec<String>, Vec<String>)> {
        let mut actions = on!(self.read(), |e| query_scalar!("select distinct action from audit_log").fetch_all(e).await)?;
        let mut actors = on!(self.read(), |e| query_scalar!("select distinct actor from audit_log").fetch_all(e).await)?;
        for list in [&mut actions, &mut actors] {
            list.sort_by_cached_key(|text: &String| (text.to_lowercase(), text.clone()));
        }
        Ok((actions, actors))
    }
}
