//! The SMTP settings list: each settings with its counts, and the revision that says when the
//! list last changed.

use super::{flag, on, Db, JsonList};

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

impl Db {
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
