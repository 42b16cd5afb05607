//! The smtp_settings table.

use super::{now_ms, on, Db, On, Table, Tx};
use app::api::SettingsId;

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
    pub certificate: Option<String>,
    pub auth_method: String,
    pub token_url: Option<String>,
    pub client_id: Option<String>,
    pub scope: Option<String>,
    pub authorize_url: Option<String>,
    pub refresh_token: Option<Vec<u8>>,
    pub connected_at: Option<i64>,
    pub connected_by: Option<String>,
    pub backup_id: Option<i64>,
}

impl SettingsRow {
    /// What its sealed refresh token is bound to.
    pub fn refresh_aad(&self) -> Vec<u8> {
        refresh_aad(self.id, &self.host, self.port, &self.username, self.token_url.as_deref(), self.client_id.as_deref())
    }

    /// What its sealed secret is bound to.
    pub fn secret_aad(&self) -> Vec<u8> {
        secret_aad(
            self.id,
            &self.host,
            self.port,
            &self.username,
            &self.auth_method,
            self.token_url.as_deref(),
            self.client_id.as_deref(),
        )
    }

    /// The stored values as the form shows them.
    pub fn form(&self) -> app::domain::SettingsForm {
        app::domain::SettingsForm {
            name: self.name.clone(),
            starttls_only: self.starttls_only,
            host: self.host.clone(),
            port: self.port.to_string(),
            from_name: self.from_name.clone(),
            email: self.email.clone(),
            username: self.username.clone(),
            certificate: self.certificate.clone().unwrap_or_default(),
            auth: app::domain::AuthMethod::from_key(&self.auth_method).unwrap_or_default(),
            token_url: self.token_url.clone().unwrap_or_default(),
            client_id: self.client_id.clone().unwrap_or_default(),
            scope: self.scope.clone().unwrap_or_default(),
            authorize_url: self.authorize_url.clone().unwrap_or_default(),
            backup: self.backup_id.map(|id| id.to_string()).unwrap_or_default(),
        }
    }
}

/// What a stored password or client secret is bound to, from the stored columns: a password
/// to the server and username, a client secret also to its token URL and client ID.
pub(super) fn secret_aad(
    id: i64,
    host: &str,
    port: i64,
    username: &str,
    auth_method: &str,
    token_url: Option<&str>,
    client_id: Option<&str>,
) -> Vec<u8> {
    let oauth = match (app::domain::AuthMethod::from_key(auth_method), token_url, client_id) {
        (Ok(method), Some(url), Some(client)) if method != app::domain::AuthMethod::Password => Some((url, client)),
        _ => None,
    };
    crate::crypto::settings_secret_aad(id, host, port as u16, username, oauth)
}

/// What a stored refresh token is bound to, from the stored columns.
pub(super) fn refresh_aad(
    id: i64,
    host: &str,
    port: i64,
    username: &str,
    token_url: Option<&str>,
    client_id: Option<&str>,
) -> Vec<u8> {
    crate::crypto::refresh_token_aad(
        id,
        host,
        port as u16,
        username,
        token_url.unwrap_or_default(),
        client_id.unwrap_or_default(),
    )
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
    pub certificate: Option<&'a str>,
    pub auth_method: &'a str,
    pub token_url: Option<&'a str>,
    pub client_id: Option<&'a str>,
    pub scope: Option<&'a str>,
    pub authorize_url: Option<&'a str>,
    pub backup_id: Option<i64>,
}

async fn settings_on<'e, S: sqlx::SqliteExecutor<'e>, P: sqlx::PgExecutor<'e>>(
    on: On<S, P>,
    id: i64,
) -> sqlx::Result<Option<SettingsRow>> {
    on!(on, |e| query_as!(
        SettingsRow,
        r#"select s.id, s.name, s.starttls_only as "starttls_only: bool", s.host, s.port, s.from_name, s.email,
                      s.username, s.password_secret, s.version, s.created_at, c.name as "created_by?", s.updated_at,
                      u.name as "updated_by?", s.last_test_at, s.last_test_ok as "last_test_ok: bool", s.last_test_summary,
                      s.is_default as "is_default: bool", s.certificate, s.auth_method, s.token_url, s.client_id, s.scope,
                      s.authorize_url, s.refresh_token, s.connected_at, s.connected_by, s.backup_id
               from smtp_settings s
               left join users c on c.id = s.created_by
               left join users u on u.id = s.updated_by
               where s.id = $1"#,
        id
    )
    .fetch_optional(e)
    .await)
}

impl Db {
    pub async fn get_settings(&self, id: i64) -> sqlx::Result<Option<SettingsRow>> {
        settings_on(self.read(), id).await
    }

    /// The settings as a transaction sees them, its own writes included.
    pub async fn settings_in(tx: &mut Tx, id: i64) -> sqlx::Result<Option<SettingsRow>> {
        settings_on(tx.on(), id).await
    }

    pub async fn insert_settings(tx: &mut Tx, w: &SettingsWrite<'_>, actor: i64) -> sqlx::Result<i64> {
        let now = now_ms();
        // Two first settings saved at once on two instances: one becomes the default.
        tx.serialise(Table::SmtpSettings).await?;
        // SQLite would hand a deleted newest id out again; see migration retired_settings_ids.
        let id = on!(tx.on(), |e| {
            query_scalar!(
            sqlite: r#"insert into smtp_settings (name, name_key, starttls_only, host, port, from_name, email, username,
                                        created_at, created_by, updated_at, updated_by, certificate,
                                        auth_method, token_url, client_id, scope, authorize_url, backup_id, id)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
                     1 + max(coalesce((select max(id) from smtp_settings), 0), coalesce((select max(id) from retired_settings_ids), 0)))
             returning id as "id!""#,
            postgres: r#"insert into smtp_settings (name, name_key, starttls_only, host, port, from_name, email, username,
                                        created_at, created_by, updated_at, updated_by, certificate,
                                        auth_method, token_url, client_id, scope, authorize_url, backup_id)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
             returning id as "id!""#,
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
            actor,
            w.certificate,
            w.auth_method,
            w.token_url,
            w.client_id,
            w.scope,
            w.authorize_url,
            w.backup_id
        )
        .fetch_one(e)
        .await
        })?;
        // The first settings becomes the default.
        on!(tx.on(), |e| {
            query!(
            "update smtp_settings set is_default = true where id = $1 and not exists (select 1 from smtp_settings where is_default)",
            id
        )
        .execute(e)
        .await
        .map(drop)
        })?;
        Ok(id)
    }

    /// Updates the row only if it is still at `version`; false when someone saved first.
    pub async fn update_settings(tx: &mut Tx, id: i64, version: i64, w: &SettingsWrite<'_>, actor: i64) -> sqlx::Result<bool> {
        let now = now_ms();
        on!(tx.on(), |e| query!(
            "update smtp_settings
             set name = $1, name_key = $2, starttls_only = $3, host = $4, port = $5, from_name = $6, email = $7, username = $8,
                 version = version + 1, updated_at = $9, updated_by = $10, certificate = $11,
                 auth_method = $12, token_url = $13, client_id = $14, scope = $15, authorize_url = $16, backup_id = $17
             where id = $18 and version = $19",
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
            w.certificate,
            w.auth_method,
            w.token_url,
            w.client_id,
            w.scope,
            w.authorize_url,
            w.backup_id,
            id,
            version
        )
        .execute(e)
        .await
        .map(|done| done.rows_affected() == 1))
    }

    pub async fn set_settings_secret(tx: &mut Tx, id: i64, secret: Option<&[u8]>) -> sqlx::Result<()> {
        on!(tx.on(), |e| query!("update smtp_settings set password_secret = $1 where id = $2", secret, id)
            .execute(e)
            .await
            .map(drop))
    }

    /// Records a test of the saved values at `version` on the settings (while still at that
    /// version) and on that revision. A successful test also records when the server's
    /// certificate expires (none without TLS), a failed one keeps the last known date.
    pub async fn set_last_test(
        &self,
        id: i64,
        version: i64,
        at: i64,
        ok: bool,
        summary: &str,
        cert_expires_at: Option<i64>,
    ) -> sqlx::Result<bool> {
        // The summary quotes the server's replies, which may hold anything.
        let summary: &str = &super::storable(summary);
        let mut tx = self.begin().await?;
        let still_current = on!(tx.on(), |e| query!(
            "update smtp_settings set last_test_at = $1, last_test_ok = $2, last_test_summary = $3,
                                     cert_expires_at = case when $2 then $4 else cert_expires_at end
             where id = $5 and version = $6",
            at,
            ok,
            summary,
            cert_expires_at,
            id,
            version
        )
        .execute(e)
        .await
        .map(|done| done.rows_affected() == 1))?;
        Db::mark_settings_revision_tested(&mut tx, id, version, at, ok).await?;
        tx.commit().await?;
        Ok(still_current)
    }

    /// Forgets the last test when what it tested has changed.
    pub async fn clear_last_test(tx: &mut Tx, id: i64) -> sqlx::Result<()> {
        on!(tx.on(), |e| query!(
            "update smtp_settings set last_test_at = null, last_test_ok = null, last_test_summary = null, cert_expires_at = null
             where id = $1",
            id
        )
        .execute(e)
        .await
        .map(drop))
    }

    /// Makes one settings the default, in one transaction so there is always exactly one.
    pub async fn make_default_settings(&self, id: i64) -> sqlx::Result<bool> {
        let mut tx = self.begin().await?;
        tx.serialise(Table::SmtpSettings).await?;
        on!(tx.on(), |e| query!("update smtp_settings set is_default = false where is_default and id != $1", id)
            .execute(e)
            .await
            .map(drop))?;
        let done = on!(tx.on(), |e| query!("update smtp_settings set is_default = true where id = $1", id)
            .execute(e)
            .await
            .map(|done| done.rows_affected()))?;
        if done != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    }

    pub async fn default_settings_id(&self) -> sqlx::Result<Option<i64>> {
        on!(self.read(), |e| query_scalar!(r#"select id as "id!" from smtp_settings where is_default"#).fetch_optional(e).await)
    }

    pub async fn delete_settings(&self, id: i64) -> sqlx::Result<bool> {
        on!(self.write(), |e| query!("delete from smtp_settings where id = $1", id)
            .execute(e)
            .await
            .map(|done| done.rows_affected() == 1))
    }

    /// Every stored secret as (settings id, what it is bound to, sealed), for key rotation.
    pub async fn all_settings_secrets(tx: &mut Tx) -> sqlx::Result<Vec<(i64, Vec<u8>, Vec<u8>)>> {
        let rows = on!(tx.on(), |e| {
            query!(
                r#"select id as "id!", host, port, username, auth_method, token_url, client_id, password_secret as "password_secret!"
               from smtp_settings where password_secret is not null"#
            )
            .map(|r| {
                let aad = secret_aad(r.id, &r.host, r.port, &r.username, &r.auth_method, r.token_url.as_deref(), r.client_id.as_deref());
                (r.id, aad, r.password_secret)
            })
            .fetch_all(e)
            .await
        })?;
        Ok(rows)
    }

    /// Every settings' backup, to refuse a loop before it is saved.
    pub async fn backups(&self) -> sqlx::Result<Vec<(SettingsId, Option<SettingsId>, String)>> {
        on!(self.read(), |e| query!(r#"select id as "id!", backup_id, name from smtp_settings"#)
            .map(|r| (SettingsId(r.id), r.backup_id.map(SettingsId), r.name))
            .fetch_all(e)
            .await)
    }
}
