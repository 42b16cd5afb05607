//! The SMTP settings list: each settings with its counts, and the revision that says when the
//! list last changed.

use super::{flag, on, Db, HealthRow, JsonList};

/// One settings in the list. SQLite's JSON writes its booleans as 0 and 1.
#[derive(serde::Deserialize)]
pub struct SummaryRow {
    pub id: i64,
    pub name: String,
    pub host: String,
    pub port: i64,
    pub email: String,
    pub username: String,
    pub last_test_at: Option<i64>,
    #[serde(with = "flag::optional")]
    pub last_test_ok: Option<bool>,
    pub last_test_summary: Option<String>,
    #[serde(with = "flag")]
    pub is_default: bool,
    pub template_count: i64,
    pub cert_expires_at: Option<i64>,
    pub backup_id: Option<i64>,
    pub backs_up: i64,
}

/// What a list read needs besides the stored list: the revision and token, and each settings'
/// delivery health since a moment. One round trip: a list an instance keeps is served after
/// this read alone.
pub struct ListState {
    pub revision: (i64, i64),
    pub health: Vec<HealthRow>,
}

/// The revision and token, and the health as the database's JSON text.
struct StateRow {
    revision: i64,
    token: i64,
    health: String,
}

impl Db {
    /// The list's revision, and per settings that has mail waiting, or sent or failed since
    /// `since`: the counts, when the oldest waiting mail first failed an attempt, and the latest
    /// send since `since`. The health is three indexed reads (waiting by status; sent and failed
    /// by status and time), so it does not read the whole outbox; the database hands it over as
    /// one JSON text.
    pub async fn settings_list_state(&self, since: i64) -> sqlx::Result<ListState> {
        let state = on!(self.read(), |e| {
            query_as!(
            StateRow,
            sqlite: r#"select r.revision as "revision!: i64", r.token as "token!: i64",
                      (select json_group_array(json_object(
                          'settings_id', h.settings_id, 'settings_name', h.settings_name, 'sent', h.sent,
                          'failed', h.failed, 'waiting', h.waiting, 'first_failed_at', h.first_failed_at,
                          'last_sent_at', h.last_sent_at) order by h.settings_name)
                       from (select m.settings_id, s.name as settings_name, sum(m.sent) as sent, sum(m.failed) as failed,
                                    sum(m.waiting) as waiting, min(m.first_failed_at) as first_failed_at,
                                    max(m.sent_at) as last_sent_at
                             from (select settings_id, 1 as sent, 0 as failed, 0 as waiting, null as first_failed_at, sent_at
                                   from outbox where status = 'sent' and sent_at >= $1
                                   union all
                                   select settings_id, 0, 1, 0, null, null
                                   from outbox where status = 'failed' and failed_at >= $1
                                   union all
                                   select settings_id, 0, 0, 1, first_failed_at, null
                                   from outbox where status in ('queued', 'sending')) m
                             join smtp_settings s on s.id = m.settings_id
                             group by m.settings_id, s.name) h) as "health!: String"
               from list_revisions r where r.name = 'settings'"#,
            postgres: r#"select r.revision as "revision!: i64", r.token as "token!: i64",
                      coalesce((select json_agg(json_build_object(
                          'settings_id', h.settings_id, 'settings_name', h.settings_name, 'sent', h.sent,
                          'failed', h.failed, 'waiting', h.waiting, 'first_failed_at', h.first_failed_at,
                          'last_sent_at', h.last_sent_at) order by h.settings_name)
                       from (select m.settings_id, s.name as settings_name, sum(m.sent) as sent, sum(m.failed) as failed,
                                    sum(m.waiting) as waiting, min(m.first_failed_at) as first_failed_at,
                                    max(m.sent_at) as last_sent_at
                             from (select settings_id, 1 as sent, 0 as failed, 0 as waiting, cast(null as bigint) as first_failed_at, sent_at
                                   from outbox where status = 'sent' and sent_at >= $1
                                   union all
                                   select settings_id, 0, 1, 0, cast(null as bigint), cast(null as bigint)
                                   from outbox where status = 'failed' and failed_at >= $1
                                   union all
                                   select settings_id, 0, 0, 1, first_failed_at, cast(null as bigint)
                                   from outbox where status in ('queued', 'sending')) m
                             join smtp_settings s on s.id = m.settings_id
                             group by m.settings_id, s.name) h), '[]')::text as "health!: String"
               from list_revisions r where r.name = 'settings'"#,
            since
        )
        .fetch_one(e)
        .await
        })?;
        let health = serde_json::from_str(&state.health).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        Ok(ListState { revision: (state.revision, state.token), health })
    }

    /// A number that moves with every write the settings list shows, and a random token drawn
    /// with each move (both kept by triggers).
    pub async fn settings_list_revision(&self) -> sqlx::Result<(i64, i64)> {
        on!(self.read(), |e| query!(
            r#"select revision as "revision!: i64", token as "token!: i64" from list_revisions where name = 'settings'"#
        )
        .map(|r| (r.revision, r.token))
        .fetch_one(e)
        .await)
    }

    /// Every settings with its counts, in name order. The database builds the list as one JSON
    /// text: a row at a time, each row crossed from SQLite's thread to the server's on its own,
    /// and that crossing, not the query, was most of the list's cost.
    pub async fn list_settings(&self) -> sqlx::Result<Vec<SummaryRow>> {
        let list = on!(self.read(), |e| {
            query_as!(
            JsonList,
            // Counted once per list with grouped joins, not once per row: a subquery per row
            // made the list quadratic in the number of settings.
            sqlite: r#"select json_group_array(json_object(
                          'id', s.id, 'name', s.name, 'host', s.host, 'port', s.port, 'email', s.email,
                          'username', s.username, 'last_test_at', s.last_test_at, 'last_test_ok', s.last_test_ok,
                          'last_test_summary', s.last_test_summary, 'is_default', s.is_default,
                          'template_count', coalesce(t.n, 0) + case when s.is_default then coalesce(d.n, 0) else 0 end,
                          'cert_expires_at', s.cert_expires_at, 'backup_id', s.backup_id, 'backs_up', coalesce(b.n, 0)
                      ) order by s.name_key) as "list!: String"
               from smtp_settings s
               left join (select settings_id, count(*) as n from email_templates where settings_id is not null group by settings_id) t
                      on t.settings_id = s.id
               left join (select count(*) as n from email_templates where settings_id is null) d on true
               left join (select backup_id, count(*) as n from smtp_settings where backup_id is not null group by backup_id) b
                      on b.backup_id = s.id"#,
            postgres: r#"select coalesce(json_agg(json_build_object(
                          'id', s.id, 'name', s.name, 'host', s.host, 'port', s.port, 'email', s.email,
                          'username', s.username, 'last_test_at', s.last_test_at, 'last_test_ok', s.last_test_ok,
                          'last_test_summary', s.last_test_summary, 'is_default', s.is_default,
                          'template_count', coalesce(t.n, 0) + case when s.is_default then coalesce(d.n, 0) else 0 end,
                          'cert_expires_at', s.cert_expires_at, 'backup_id', s.backup_id, 'backs_up', coalesce(b.n, 0)
                      ) order by s.name_key), '[]')::text as "list!: String"
               from smtp_settings s
               left join (select settings_id, count(*) as n from email_templates where settings_id is not null group by settings_id) t
                      on t.settings_id = s.id
               left join (select count(*) as n from email_templates where settings_id is null) d on true
               left join (select backup_id, count(*) as n from smtp_settings where backup_id is not null group by backup_id) b
                      on b.backup_id = s.id"#
        )
        .fetch_one(e)
        .await
        })?;
        serde_json::from_str(&list.list).map_err(|e| sqlx::Error::Decode(Box::new(e)))
    }
}
