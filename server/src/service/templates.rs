//! Email templates: validated with the domain rules plus the placeholder check, unique names,
//! versions against lost updates, and the two built-in templates the product sends itself.

use super::audit::described;
use super::builtin_templates::builtin;
use super::revisions::template_settings_name;
use super::{Mailroom, OrInternal};
use crate::db::{is_unique_violation, History, TemplateRow, TemplateWrite};
use crate::mail::compose::sender;
use crate::mail::render::{check, check_required, needed, render, RenderError, Sources};
use app::api::caller::Admin;
use app::api::templates::TemplatesApi;
use app::api::templates::{Preview, TemplateInput, TemplateSummary, TemplateView};
use app::api::{AppError, SettingsId, TemplateId, Timestamp};
use app::domain::changes::template_changes;
use app::domain::{name_key, sample_for, FieldKey, PlaceholderRule, TemplateField, TemplateForm};

pub(super) use super::builtin_templates::PASSWORD_RESET;
const NOT_FOUND: &str = "This template no longer exists; someone may have deleted it.";

pub(super) fn form_of(row: &TemplateRow) -> TemplateForm {
    TemplateForm {
        name: row.name.clone(),
        subject: row.subject.clone(),
        text_body: row.text_body.clone(),
        html_body: row.html_body.clone(),
        from_name: row.from_name.clone(),
        from_email: row.from_email.clone(),
        settings_id: row.settings_id.map(SettingsId),
    }
}

fn view_of(row: TemplateRow) -> TemplateView {
    TemplateView {
        id: TemplateId(row.id),
        version: row.version,
        form: form_of(&row),
        builtin: row.builtin.is_some(),
        system: row.builtin.as_deref().is_some_and(super::builtin_templates::is_system_template),
        builtin_key: row.builtin.clone(),
        created_at: Timestamp(row.created_at),
        created_by: row.created_by,
        updated_at: Timestamp(row.updated_at),
        updated_by: row.updated_by,
    }
}

/// The sample data given, which must be a JSON object; or samples for exactly `needs`.
pub(super) fn checked_sample(sample: Option<serde_json::Value>, needs: &[String]) -> Result<serde_json::Value, AppError> {
    match sample {
        None => Ok(sample_for(needs.iter().map(String::as_str))),
        Some(given) if given.is_object() => Ok(given),
        Some(_) => Err(AppError::field(
            FieldKey::SampleData,
            "Sample data must be a JSON object, such as {\"contact\": {\"name\": \"Grace\"}}.",
        )),
    }
}

/// The sample data lacks values the template uses.
pub(super) fn sample_lacks(paths: &[String]) -> AppError {
    let listed = paths.iter().map(|p| format!("{{{{ {p} }}}}")).collect::<Vec<_>>().join(", ");
    AppError::field(
        FieldKey::SampleData,
        format!("The sample data has no value for {listed}; add it, or empty the field for samples."),
    )
}

pub(super) fn sources(form: &TemplateForm) -> Sources<'_> {
    Sources { subject: &form.subject, text: &form.text_body, html: &form.html_body }
}

impl Mailroom {
    /// "Subject: “a” → “b”; …" for the audit log, long values cut short; or "no changes".
    async fn template_changes(&self, old: &TemplateForm, new: &TemplateForm) -> Result<String, AppError> {
        let names = self.settings_names().await?;
        let changes = template_changes(old, new, |s| template_settings_name(s, &names));
        Ok(described(&changes, 60))
    }

    pub(super) async fn template_row(&self, id: TemplateId) -> Result<TemplateRow, AppError> {
        self.db
            .template_by_id(id.get())
            .await
            .or_internal("loading the template")?
            .ok_or_else(|| AppError::NotFound(NOT_FOUND.into()))
    }

    pub(super) async fn template_get(&self, id: TemplateId) -> Result<TemplateView, AppError> {
        self.template_row(id).await.map(view_of)
    }

    /// The domain rules, the placeholders, and for a built-in template the placeholders it
    /// cannot work without (a reset mail without its link, say).
    pub(super) async fn check_template(&self, form: &TemplateForm, builtin_key: Option<&str>) -> Result<(), AppError> {
        let mut errors = form.check();
        let shipped = builtin_key.and_then(builtin);
        let required = shipped.map_or(&[][..], |b| b.required);
        let rule = PlaceholderRule::of(shipped.map(|b| b.key));
        for (field, message) in check(&sources(form), rule).iter().chain(check_required(&sources(form), required).iter()) {
            if errors.get(field).is_none() {
                errors.push(field, message);
            }
        }
        if let Some(id) = form.settings_id {
            if self.db.get_settings(id.get()).await.or_internal("checking the SMTP settings")?.is_none() {
                errors.push(TemplateField::Settings, "These SMTP settings no longer exist; choose others or Default.");
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(errors))
        }
    }
}

#[async_trait::async_trait]
impl TemplatesApi for Mailroom {
    async fn get_template(&self, _: Admin, id: TemplateId) -> Result<TemplateView, AppError> {
        self.template_get(id).await
    }

    async fn list_templates(&self, _: Admin) -> Result<Vec<TemplateSummary>, AppError> {
        let rows = self.db.list_templates().await.or_internal("listing templates")?;
        Ok(rows
            .into_iter()
            .map(|r| TemplateSummary {
                id: TemplateId(r.id),
                name: r.name,
                subject: r.subject,
                builtin: r.builtin.is_some(),
                settings_name: r.settings_name,
            })
            .collect())
    }

    async fn save_template(&self, admin: Admin, input: TemplateInput) -> Result<TemplateView, AppError> {
        let actor = admin.user();
        let form = input.form;
        let existing = match input.id {
            Some(id) => Some(self.template_row(id).await?),
            None => None,
        };
        self.check_template(&form, existing.as_ref().and_then(|r| r.builtin.as_deref())).await?;
        let name = form.name.trim();
        let key = name_key(name);
        let write = TemplateWrite {
            name,
            name_key: &key,
            subject: &form.subject,
            text_body: &form.text_body,
            html_body: &form.html_body,
            from_name: form.from_name.trim(),
            from_email: form.from_email.trim(),
            settings_id: form.settings_id.map(SettingsId::get),
        };
        let taken = || AppError::field(TemplateField::Name, "Another template already has this name; choose a different name.");
        let (id, action, details) = match input.id {
            None => match self.db.insert_template(&write, None, Some(actor.id.get())).await {
                Err(e) if is_unique_violation(&e) => return Err(taken()),
                other => (TemplateId(other.or_internal("saving the template")?), "template created", String::new()),
            },
            Some(id) => {
                let row = existing.expect("loaded above for an id");
                if input.version != Some(row.version) {
                    return Err(AppError::Stale { by: row.updated_by, at: Timestamp(row.updated_at) });
                }
                let history = History { keep: self.revisions_keep, restored_from: None };
                match self.db.update_template(id.get(), row.version, &write, actor.id.get(), history).await {
                    Err(e) if is_unique_violation(&e) => return Err(taken()),
                    Ok(false) => {
                        let row = self.template_row(id).await?;
                        return Err(AppError::Stale { by: row.updated_by, at: Timestamp(row.updated_at) });
                    }
                    other => other.or_internal("saving the template")?,
                };
                (id, "template changed", self.template_changes(&form_of(&row), &form).await?)
            }
        };
        let view = self.template_get(id).await?;
        self.audit(&admin, action, &format!("template “{}” (#{id})", view.form.name), &details).await;
        Ok(view)
    }

    async fn delete_template(&self, admin: Admin, id: TemplateId) -> Result<(), AppError> {
        let row = self.template_row(id).await?;
        if row.builtin.is_some() {
            return Err(AppError::Refused(format!(
                "“{}” is built in: Mailroom sends it itself, so it can be edited but not deleted.",
                row.name
            )));
        }
        if !self.db.delete_template(id.get()).await.or_internal("deleting the template")? {
            return Err(AppError::NotFound(NOT_FOUND.into()));
        }
        self.audit(&admin, "template deleted", &format!("template “{}” (#{id})", row.name), "").await;
        Ok(())
    }

    /// Puts a built-in template's subject, bodies and From back as Mailroom shipped them; its
    /// name and SMTP settings stay. Refused over a newer version, like a save.
    async fn restore_template(&self, admin: Admin, id: TemplateId, version: i64) -> Result<TemplateView, AppError> {
        let actor = admin.user();
        let row = self.template_row(id).await?;
        let Some(original) = row.builtin.as_deref().and_then(builtin) else {
            return Err(AppError::Refused(format!("“{}” is not built in, so it has no default to restore.", row.name)));
        };
        let stale = |row: &TemplateRow| AppError::Stale { by: row.updated_by.clone(), at: Timestamp(row.updated_at) };
        if version != row.version {
            return Err(stale(&row));
        }
        let key = name_key(&row.name);
        let write = TemplateWrite { name: &row.name, name_key: &key, settings_id: row.settings_id, ..original.write() };
        let history = History { keep: self.revisions_keep, restored_from: None };
        if !self
            .db
            .update_template(id.get(), row.version, &write, actor.id.get(), history)
            .await
            .or_internal("restoring the template")?
        {
            return Err(stale(&self.template_row(id).await?));
        }
        let view = self.template_get(id).await?;
        let details = self.template_changes(&form_of(&row), &view.form).await?;
        self.audit(&admin, "template restored to default", &format!("template “{}” (#{id})", row.name), &details).await;
        Ok(view)
    }

    /// Checked as a save of template `id` would be, then rendered with `sample` or samples for
    /// the placeholders it uses.
    async fn preview_template(
        &self,
        _: Admin,
        form: TemplateForm,
        id: Option<TemplateId>,
        sample: Option<serde_json::Value>,
    ) -> Result<Preview, AppError> {
        let builtin_key = match id {
            Some(id) => self.template_row(id).await?.builtin,
            None => None,
        };
        self.check_template(&form, builtin_key.as_deref()).await?;
        let needs: Vec<String> = needed(&sources(&form)).into_iter().collect();
        let sample = checked_sample(sample, &needs)?;
        let rendered = render(&sources(&form), &sample).map_err(|e| match e {
            RenderError::Missing(paths) => sample_lacks(&paths),
            other => AppError::Refused(format!("The preview failed: {other}.")),
        })?;
        let settings_id = match form.settings_id {
            Some(id) => Some(id),
            None => self.db.default_settings_id().await.or_internal("finding the default settings")?.map(SettingsId),
        };
        let settings = match settings_id {
            Some(id) => self.db.get_settings(id.get()).await.or_internal("loading the SMTP settings")?,
            None => None,
        };
        let from = match &settings {
            Some(s) => {
                let (name, email) = sender(&form.from_name, &form.from_email, &s.from_name, &s.email);
                if name.is_empty() {
                    email.to_owned()
                } else {
                    format!("{name} <{email}>")
                }
            }
            None => "(add SMTP settings to see who it is from)".to_owned(),
        };
        Ok(Preview { from, subject: rendered.subject, text: rendered.text, html: rendered.html, needs, sample })
    }
}
