//! The smtp_settings table.

use super::{now_ms, Db};
use sqlx::{Sqlite, Transaction};

#[derive(Clone, Debug)]
pub struct SettingsRow {
    pub id: i64,
    pub name: String,
    pub starttls_only: bool,
    pub host: String,
    pub port: i64,
    pub from_name: String,
    pub email: String,
    pub username: String,
    pub password_secret: Option<Vec<u8>>,
    pub version: i64,
    pub created_at: i64,
    pub created_by: Option<String>,
    pub updated_at: i64,
    pub updated_by: Option<String>,
    pub last_test_at: Option<i64>,
    pub last_test_ok: Option<bool>,
    pub last_test_summary: Option<String>,
    pub is_default: bool,
}

/// The columns a save writes (the secret is written separately, once the id is known).
pub struct SettingsWrite<'a> {
    pub name: &'a str,
    pub name_key: &'a str,
    pub starttls_only: bool,
    pub host: &'a str,
    pub port: i64,
    pub from_name: &'a str,
    pub email: &'a str,
    pub username: &'a str,
}

pub struct SummaryRow {
    pub id: i64,
    pub name: String,
    pub host: String,
    pub port: i64,
    pub email: String,
    pub username: String,
    pub last_test_at: Option<i64>,
    pub last_test_ok: Option<bool>,
    pub last_test_summary: Option<String>,
    pub is_default: bool,
    pub template_count: i64,
}

impl Db {
    pub async fn list_settings(&self) -> sqlx::Result<Vec<SummaryRow>> {
        sqlx::query_as!(
            SummaryRow,
            r#"select s.id as "id!", s.name, s.host, s.port, s.email, s.username, s.last_test_at, s.last_test_ok as "last_test_ok: bool",
                      s.last_test_summary, s.is_default as "is_default: bool",
                      (select count(*) from email_templates t
                       where t.settings_id = s.id or (t.settings_id is null and s.is_default = 1)) as "template_count!: i64"
               from smtp_settings s order by s.name_key"#
        )
        .fetch_all(self.pool())
        .await
    }

    pub async fn get_settings(&self, id: i64) -> sqlx::Result<Option<SettingsRow>> {
        sqlx::query_as!(
            SettingsRow,
            r#"select s.id, s.name, s.starttls_only as "starttls_only: bool", s.host, s.port, s.from_name, s.email,
                      s.username, s.password_secret, s.version, s.created_at, c.name as "created_by?", s.updated_at,
                      u.name as "updated_by?", s.last_test_at, s.last_test_ok as "last_test_ok: bool", s.last_test_summary,
                      s.is_default as "is_default: bool"
               from smtp_settings s
               left join users c on c.id = s.created_by
               left join users u on u.id = s.updated_by
               where s.id = ?"#,
            id
        )
        .fetch_optional(self.pool())
        .await
    }

    pub async fn begin(&self) -> sqlx::Result<Transaction<'static, Sqlite>> {
        self.writer().begin().await
    }

    pub async fn insert_settings(tx: &mut Transaction<'_, Sqlite>, w: &SettingsWrite<'_>, actor: i64) -> sqlx::Result<i64> {
        let now = now_ms();
        let done = sqlx::query!(
            "insert into smtp_settings (name, name_key, starttls_only, host, port, from_name, email, username,
                                        created_at, created_by, updated_at, updated_by)
             values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            w.name,
            w.name_key,
            w.starttls_only,
            w.host,
            w.port,
            w.from_name,
            w.email,
            w.username,
            now,
            actor,
            now,
            actor
        )
        .execute(&mut **tx)
        .await?;
        let id = done.last_insert_rowid();
        // The first settings becomes the default.
        sqlx::query!(
            "update smtp_settings set is_default = 1 where id = ? and not exists (select 1 from smtp_settings where is_default = 1)",
            id
        )
        .execute(&mut **tx)
        .await?;
        Ok(id)
    }

    /// Updates the row only if it is still at `version`; false when someone saved first.
    pub async fn update_settings(
        tx: &mut Transaction<'_, Sqlite>,
        id: i64,
        version: i64,
        w: &SettingsWrite<'_>,
        actor: i64,
    ) -> sqlx::Result<bool> {
        let now = now_ms();
        let done = sqlx::query!(
            "update smtp_settings
             set name = ?, name_key = ?, starttls_only = ?, host = ?, port = ?, from_name = ?, email = ?, username = ?,
                 version = version + 1, updated_at = ?, updated_by = ?
             where id = ? and version = ?",
            w.name,
            w.name_key,
            w.starttls_only,
            w.host,
            w.port,
            w.from_name,
            w.email,
            w.username,
            now,
            actor,
            id,
            version
        )
        .execute(&mut **tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn set_settings_secret(tx: &mut Transaction<'_, Sqlite>, id: i64, secret: Option<&[u8]>) -> sqlx::Result<()> {
        sqlx::query!("update smtp_settings set password_secret = ? where id = ?", secret, id).execute(&mut **tx).await?;
        Ok(())
    }

    pub async fn set_last_test(&self, id: i64, at: i64, ok: bool, summary: &str) -> sqlx::Result<()> {
        sqlx::query!(
            "update smtp_settings set last_test_at = ?, last_test_ok = ?, last_test_summary = ? where id = ?",
            at,
            ok,
            summary,
            id
        )
        .execute(self.writer())
        .await?;
        Ok(())
    }

    /// Forgets the last test when what it tested has changed.
    pub async fn clear_last_test(tx: &mut Transaction<'_, Sqlite>, id: i64) -> sqlx::Result<()> {
        sqlx::query!(
            "update smtp_settings set last_test_at = null, last_test_ok = null, last_test_summary = null where id = ?",
            id
        )
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Makes one settings the default, in one transaction so there is always exactly one.
    pub async fn make_default_settings(&self, id: i64) -> sqlx::Result<bool> {
        let mut tx = self.writer().begin().await?;
        sqlx::query!("update smtp_settings set is_default = 0 where is_default = 1 and id != ?", id).execute(&mut *tx).await?;
        let done = sqlx::query!("update smtp_settings set is_default = 1 where id = ?", id).execute(&mut *tx).await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    }

    pub async fn default_settings_id(&self) -> sqlx::Result<Option<i64>> {
        sqlx::query_scalar!(r#"select id as "id!" from smtp_settings where is_default = 1"#).fetch_optional(self.pool()).await
    }

    pub async fn delete_settings(&self, id: i64) -> sqlx::Result<bool> {
        let done = sqlx::query!("delete from smtp_settings where id = ?", id).execute(self.writer()).await?;
        Ok(done.rows_affected() == 1)
    }

    /// Every stored secret with what it is bound to, for key rotation.
    pub async fn all_settings_secrets(
        tx: &mut Transaction<'_, Sqlite>,
    ) -> sqlx::Result<Vec<(i64, String, i64, String, Vec<u8>)>> {
        let rows = sqlx::query!(
            r#"select id, host, port, username, password_secret as "password_secret!" from smtp_settings where password_secret is not null"#
        )
        .fetch_all(&mut **tx)
        .await?;
        Ok(rows.into_iter().map(|r| (r.id, r.host, r.port, r.username, r.password_secret)).collect())
    }
}
