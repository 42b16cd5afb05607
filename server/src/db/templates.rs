//! The email_templates table.

use super::revisions::History;
use super::{now_ms, on, Db};

/// A template and the settings its mail goes through; see `Db::mail_source`.
pub struct MailSource {
    pub id: i64,
    pub name: String,
    pub builtin: Option<String>,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub from_name: String,
    pub from_email: String,
    pub settings_id: Option<i64>,
    pub settings_name: Option<String>,
    pub settings_from_name: Option<String>,
    pub settings_email: Option<String>,
}

#[derive(Clone, Debug)]
pub struct TemplateRow {
    pub id: i64,
    pub name: String,
    pub builtin: Option<String>,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub from_name: String,
    pub from_email: String,
    pub settings_id: Option<i64>,
    pub settings_name: Option<String>,
    pub version: i64,
    pub created_at: i64,
    pub created_by: Option<String>,
    pub updated_at: i64,
    pub updated_by: Option<String>,
}

pub struct TemplateWrite<'a> {
    pub name: &'a str,
    pub name_key: &'a str,
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: &'a str,
    pub from_name: &'a str,
    pub from_email: &'a str,
    pub settings_id: Option<i64>,
}

impl Db {
    pub async fn list_templates(&self) -> sqlx::Result<Vec<TemplateRow>> {
        on!(self.read(), |e| query_as!(
            TemplateRow,
            r#"select t.id as "id!", t.name, t.builtin, t.subject, t.text_body, t.html_body, t.from_name, t.from_email,
                      t.settings_id, s.name as "settings_name?", t.version, t.created_at, c.name as "created_by?",
                      t.updated_at, u.name as "updated_by?"
               from email_templates t
               left join smtp_settings s on s.id = t.settings_id
               left join users c on c.id = t.created_by
               left join users u on u.id = t.updated_by
               order by t.name_key"#
        )
        .fetch_all(e)
        .await)
    }

    pub async fn template_by_id(&self, id: i64) -> sqlx::Result<Option<TemplateRow>> {
        on!(self.read(), |e| query_as!(
            TemplateRow,
            r#"select t.id as "id!", t.name, t.builtin, t.subject, t.text_body, t.html_body, t.from_name, t.from_email,
                      t.settings_id, s.name as "settings_name?", t.version, t.created_at, c.name as "created_by?",
                      t.updated_at, u.name as "updated_by?"
               from email_templates t
               left join smtp_settings s on s.id = t.settings_id
               left join users c on c.id = t.created_by
               left join users u on u.id = t.updated_by
               where t.id = $1"#,
            id
        )
        .fetch_optional(e)
        .await)
    }

    /// By name, ignoring case: how the API names a template. Its id, and which built-in it is.
    pub async fn template_by_name(&self, name_key: &str) -> sqlx::Result<Option<(i64, Option<String>)>> {
        on!(self.read(), |e| query!(r#"select id as "id!", builtin from email_templates where name_key = $1"#, name_key)
            .map(|r| (r.id, r.builtin))
            .fetch_optional(e)
            .await)
    }

    /// A template by id or by name key, with the settings its mail goes through (its own, else
    /// the default): all that queueing a mail reads, in one query.
    pub async fn mail_source(&self, id: Option<i64>, name_key: Option<&str>) -> sqlx::Result<Option<MailSource>> {
        on!(self.read(), |e| query_as!(
            MailSource,
            r#"select t.id as "id!", t.name, t.builtin, t.subject, t.text_body, t.html_body, t.from_name, t.from_email,
                      s.id as "settings_id?", s.name as "settings_name?", s.from_name as "settings_from_name?",
                      s.email as "settings_email?"
               from email_templates t
               left join smtp_settings s on s.id = coalesce(t.settings_id, (select d.id from smtp_settings d where d.is_default))
               where t.id = $1 or t.name_key = $2"#,
            id,
            name_key
        )
        .fetch_optional(e)
        .await)
    }

    /// A built-in template, whatever it has been renamed to.
    pub async fn template_by_builtin(&self, builtin: &str) -> sqlx::Result<Option<i64>> {
        on!(self.read(), |e| query_scalar!(r#"select id as "id!" from email_templates where builtin = $1"#, builtin)
            .fetch_optional(e)
            .await)
    }

    pub async fn insert_template(&self, w: &TemplateWrite<'_>, builtin: Option<&str>, actor: Option<i64>) -> sqlx::Result<i64> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        let id = on!(tx.on(), |e| {
            query_scalar!(
            r#"insert into email_templates (name, name_key, builtin, subject, text_body, html_body, from_name, from_email, settings_id,
                                          created_at, created_by, updated_at, updated_by)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
             returning id as "id!""#,
            w.name, w.name_key, builtin, w.subject, w.text_body, w.html_body, w.from_name, w.from_email, w.settings_id,
            now, actor, now, actor
        )
        .fetch_one(e)
        .await
        })?;
        Db::record_template_revision(&mut tx, id, None).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Updates only if still at `version`, keeping the result as a revision; false when
    /// someone saved first.
    pub async fn update_template(
        &self,
        id: i64,
        version: i64,
        w: &TemplateWrite<'_>,
        actor: i64,
        history: History,
    ) -> sqlx::Result<bool> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        let done = on!(tx.on(), |e| {
            query!(
            "update email_templates
             set name = $1, name_key = $2, subject = $3, text_body = $4, html_body = $5, from_name = $6, from_email = $7, settings_id = $8,
                 version = version + 1, updated_at = $9, updated_by = $10
             where id = $11 and version = $12",
            w.name, w.name_key, w.subject, w.text_body, w.html_body, w.from_name, w.from_email, w.settings_id, now, actor, id, version
        )
        .execute(e)
        .await
        .map(|done| done.rows_affected() == 1)
        })?;
        if !done {
            tx.rollback().await?;
            return Ok(false);
        }
        Db::record_template_revision(&mut tx, id, history.restored_from).await?;
        Db::trim_template_revisions(&mut tx, id, history.keep).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Deletes a template that is not built in; false when refused or missing.
    pub async fn delete_template(&self, id: i64) -> sqlx::Result<bool> {
        on!(self.write(), |e| query!("delete from email_templates where id = $1 and builtin is null", id)
            .execute(e)
            .await
            .map(|done| done.rows_affected() == 1))
    }

    pub async fn has_builtin_template(&self, builtin: &str) -> sqlx::Result<bool> {
        on!(self.read(), |e| query_scalar!(r#"select count(*) as "n!: i64" from email_templates where builtin = $1"#, builtin)
            .fetch_one(e)
            .await
            .map(|n| n > 0))
    }

    /// The templates that name a settings explicitly (not through "Default").
    pub async fn templates_naming(&self, settings_id: i64) -> sqlx::Result<Vec<String>> {
        on!(self.read(), |e| query_scalar!(
            "select name from email_templates where settings_id = $1 order by name_key",
            settings_id
        )
        .fetch_all(e)
        .await)
    }
}
