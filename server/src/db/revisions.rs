//! The settings_revisions and template_revisions tables: a copy of the row as each save left
//! it, taken in the save's own transaction, and trimmed to the newest `keep`.

use super::settings::secret_aad;
use super::SettingsRow;
use super::{on, Db, Tx};

/// How a save is kept in history: trimmed to the newest `keep`, and what it restored, if anything.
#[derive(Clone, Copy, Debug)]
pub struct History {
    pub keep: i64,
    pub restored_from: Option<i64>,
}

/// One saved version of SMTP settings, with the columns of `smtp_settings` it copies.
#[derive(Clone, Debug)]
pub struct SettingsRevisionRow {
    pub number: i64,
    pub saved_at: i64,
    pub saved_by: Option<String>,
    pub name: String,
    pub starttls_only: bool,
    pub host: String,
    pub port: i64,
    pub from_name: String,
    pub email: String,
    pub username: String,
    pub certificate: Option<String>,
    pub auth_method: String,
    pub token_url: Option<String>,
    pub client_id: Option<String>,
    pub scope: Option<String>,
    pub authorize_url: Option<String>,
    pub backup_id: Option<i64>,
    pub password_secret: Option<Vec<u8>>,
    pub password_changed: bool,
    pub restored_from: Option<i64>,
    pub tested_at: Option<i64>,
    pub test_ok: Option<bool>,
}

/// One saved version of a template.
#[derive(Clone, Debug)]
pub struct TemplateRevisionRow {
    pub number: i64,
    pub saved_at: i64,
    pub saved_by: Option<String>,
    pub name: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub from_name: String,
    pub from_email: String,
    pub settings_id: Option<i64>,
    pub restored_from: Option<i64>,
}

impl SettingsRevisionRow {
    /// The revision in the shape of the settings row it was copied from, so the rules that read
    /// a row (its form, what its secret is bound to) read a revision the same way.
    pub fn as_settings(&self, id: i64) -> SettingsRow {
        SettingsRow {
            id,
            name: self.name.clone(),
            starttls_only: self.starttls_only,
            host: self.host.clone(),
            port: self.port,
            from_name: self.from_name.clone(),
            email: self.email.clone(),
            username: self.username.clone(),
            password_secret: self.password_secret.clone(),
            version: self.number,
            created_at: self.saved_at,
            created_by: self.saved_by.clone(),
            updated_at: self.saved_at,
            updated_by: self.saved_by.clone(),
            last_test_at: self.tested_at,
            last_test_ok: self.test_ok,
            last_test_summary: None,
            is_default: false,
            certificate: self.certificate.clone(),
            auth_method: self.auth_method.clone(),
            token_url: self.token_url.clone(),
            client_id: self.client_id.clone(),
            scope: self.scope.clone(),
            authorize_url: self.authorize_url.clone(),
            refresh_token: None,
            connected_at: None,
            connected_by: None,
            backup_id: self.backup_id,
        }
    }
}

impl Db {
    /// Copies the settings as they now stand into their history, then forgets all but the
    /// newest `keep` revisions, keeping the newest one a test email went through as well.
    /// A save that kept the last test (it changed nothing the test went through) passes that
    /// test's mark on to the new version.
    pub async fn record_settings_revision(tx: &mut Tx, id: i64, password_changed: bool, history: History) -> sqlx::Result<()> {
        let (restored_from, keep) = (history.restored_from, history.keep);
        let number = on!(tx.on(), |e| query_scalar!(
            r#"insert into settings_revisions (settings_id, number, saved_at, saved_by, name, starttls_only, host, port,
                                             from_name, email, username, certificate, auth_method, token_url, client_id,
                                             scope, authorize_url, backup_id, password_secret, password_changed, restored_from,
                                             tested_at, test_ok)
             select id, version, updated_at, updated_by, name, starttls_only, host, port, from_name, email, username,
                    certificate, auth_method, token_url, client_id, scope, authorize_url, backup_id, password_secret, $1, $2,
                    last_test_at, last_test_ok
             from smtp_settings where id = $3
             returning number as "number!""#,
            password_changed,
            restored_from,
            id
        )
        .fetch_optional(e)
        .await)?;
        // A revision's number is the settings' version, and no kept one is higher than the one
        // just made: while that is at most `keep`, none is old enough to go, and the statement
        // below is spared (a new settings' save, and the first saves after it).
        if number.is_none_or(|number| number <= keep) {
            return Ok(());
        }
        on!(tx.on(), |e| query!(
            "delete from settings_revisions
             where settings_id = $1
               and number <= (select max(number) from settings_revisions where settings_id = $1) - $2
               and number != coalesce((select max(number) from settings_revisions where settings_id = $1 and test_ok), 0)",
            id,
            keep
        )
        .execute(e)
        .await
        .map(drop))
    }

    /// Newest first.
    pub async fn settings_revisions(&self, id: i64) -> sqlx::Result<Vec<SettingsRevisionRow>> {
        on!(self.read(), |e| query_as!(
            SettingsRevisionRow,
            r#"select r.number, r.saved_at, u.name as "saved_by?", r.name, r.starttls_only as "starttls_only: bool", r.host,
                      r.port, r.from_name, r.email, r.username, r.certificate, r.auth_method, r.token_url, r.client_id,
                      r.scope, r.authorize_url, r.backup_id, r.password_secret,
                      r.password_changed as "password_changed: bool", r.restored_from, r.tested_at,
                      r.test_ok as "test_ok: bool"
               from settings_revisions r left join users u on u.id = r.saved_by
               where r.settings_id = $1
               order by r.number desc"#,
            id
        )
        .fetch_all(e)
        .await)
    }

    /// Marks the outcome of a test email on the revision it went through.
    pub(super) async fn mark_settings_revision_tested(tx: &mut Tx, id: i64, number: i64, at: i64, ok: bool) -> sqlx::Result<()> {
        on!(tx.on(), |e| query!(
            "update settings_revisions set tested_at = $1, test_ok = $2 where settings_id = $3 and number = $4",
            at,
            ok,
            id,
            number
        )
        .execute(e)
        .await
        .map(drop))
    }

    /// Every sealed password kept in settings history, with what it is bound to, for key rotation.
    pub async fn all_revision_secrets(tx: &mut Tx) -> sqlx::Result<Vec<(i64, i64, Vec<u8>, Vec<u8>)>> {
        on!(tx.on(), |e| query!(
            r#"select settings_id as "settings_id!", number as "number!", host, port, username, auth_method, token_url,
                      client_id, password_secret as "password_secret!"
               from settings_revisions where password_secret is not null"#
        )
        .map(|r| {
            let aad = secret_aad(
                r.settings_id,
                &r.host,
                r.port,
                &r.username,
                &r.auth_method,
                r.token_url.as_deref(),
                r.client_id.as_deref(),
            );
            (r.settings_id, r.number, aad, r.password_secret)
        })
        .fetch_all(e)
        .await)
    }

    pub async fn set_revision_secret(tx: &mut Tx, id: i64, number: i64, sealed: &[u8]) -> sqlx::Result<()> {
        on!(tx.on(), |e| query!(
            "update settings_revisions set password_secret = $1 where settings_id = $2 and number = $3",
            sealed,
            id,
            number
        )
        .execute(e)
        .await
        .map(drop))
    }

    /// Copies the template as it now stands into its history.
    pub(super) async fn record_template_revision(tx: &mut Tx, id: i64, restored_from: Option<i64>) -> sqlx::Result<()> {
        on!(tx.on(), |e| query!(
            "insert into template_revisions (template_id, number, saved_at, saved_by, name, subject, text_body, html_body,
                                             from_name, from_email, settings_id, restored_from)
             select id, version, updated_at, updated_by, name, subject, text_body, html_body, from_name, from_email,
                    settings_id, $1
             from email_templates where id = $2",
            restored_from,
            id
        )
        .execute(e)
        .await
        .map(drop))
    }

    /// Forgets all but the template's newest `keep` revisions.
    pub(super) async fn trim_template_revisions(tx: &mut Tx, id: i64, keep: i64) -> sqlx::Result<()> {
        on!(tx.on(), |e| query!(
            "delete from template_revisions
             where template_id = $1 and number <= (select max(number) from template_revisions where template_id = $1) - $2",
            id,
            keep
        )
        .execute(e)
        .await
        .map(drop))
    }

    /// Newest first.
    pub async fn template_revisions(&self, id: i64) -> sqlx::Result<Vec<TemplateRevisionRow>> {
        on!(self.read(), |e| query_as!(
            TemplateRevisionRow,
            r#"select r.number, r.saved_at, u.name as "saved_by?", r.name, r.subject, r.text_body, r.html_body, r.from_name,
                      r.from_email, r.settings_id, r.restored_from
               from template_revisions r left join users u on u.id = r.saved_by
               where r.template_id = $1
               order by r.number desc"#,
            id
        )
        .fetch_all(e)
        .await)
    }
}
