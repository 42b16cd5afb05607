//! History: the kept versions of SMTP settings and templates, how each differs from the one
//! saved now, and putting one back as a new version (a settings' sealed password included).

use super::audit::described;
use super::settings::{backup_chain, form_of, Audited, SecretWrite};
use super::templates::form_of as template_form_of;
use super::{Mailroom, OrInternal};
use crate::db::{
    is_foreign_key_violation, is_unique_violation, History, SettingsRevisionRow, TemplateRevisionRow, TemplateWrite,
};
use app::api::caller::Admin;
use app::api::history::HistoryApi;
use app::api::history::{Revision, TestMark};
use app::api::templates::TemplateView;
use app::api::{AppError, SettingsId, SettingsView, TemplateId, Timestamp};
use app::domain::changes::{settings_changes, template_changes, Change};
use app::domain::{name_key, Field, FieldErrors, SettingsForm, TemplateForm};
use std::collections::HashMap;

/// A settings' backup by name, or how it reads once those settings are gone.
fn backup_named(form: &SettingsForm, names: &HashMap<SettingsId, String>) -> String {
    match form.backup.trim().parse::<SettingsId>() {
        Err(_) => "none".to_owned(),
        Ok(id) => names.get(&id).map_or_else(|| format!("deleted settings #{id}"), |name| format!("“{name}”")),
    }
}

/// The fields that differ, a backup named by its settings' name.
fn named_changes(then: &SettingsForm, now: &SettingsForm, names: &HashMap<SettingsId, String>) -> Vec<Change> {
    let mut changes = settings_changes(then, now);
    for change in changes.iter_mut().filter(|c| c.field == Field::Backup.label()) {
        (change.before, change.after) = (backup_named(then, names), backup_named(now, names));
    }
    changes
}

/// What restoring `then` would change in `now`, the password included (compared sealed: the
/// same bytes are the same password; different bytes mean it was saved again since).
fn settings_diff(
    then: &SettingsForm,
    then_secret: Option<&[u8]>,
    now: &SettingsForm,
    now_secret: Option<&[u8]>,
    names: &HashMap<SettingsId, String>,
) -> Vec<Change> {
    let mut changes = named_changes(then, now, names);
    let (before, after) = match (then_secret, now_secret) {
        (None, None) => return changes,
        (Some(a), Some(b)) if a == b => return changes,
        (Some(_), None) => ("set", "none"),
        (None, Some(_)) => ("none", "set"),
        (Some(_), Some(_)) => ("the one saved with this version", "saved again since"),
    };
    changes.push(Change { field: Field::Password.label().to_owned(), before: before.into(), after: after.into() });
    changes
}

fn settings_notes(revision: &SettingsRevisionRow, first: bool) -> Vec<String> {
    let mut notes = Vec::new();
    match revision.restored_from {
        Some(from) => notes.push(format!("Restored version {from}")),
        None if first => notes.push("Created".to_owned()),
        None => {}
    }
    if revision.password_changed {
        notes.push(if revision.password_secret.is_some() { "Password set" } else { "Password cleared" }.to_owned());
    }
    notes
}

pub(super) fn template_settings_name(id: Option<SettingsId>, names: &HashMap<SettingsId, String>) -> String {
    match id {
        None => "Default".to_owned(),
        Some(id) => names.get(&id).map_or_else(|| format!("deleted settings #{id}"), |name| format!("“{name}”")),
    }
}

fn template_form_of_revision(r: &TemplateRevisionRow) -> TemplateForm {
    TemplateForm {
        name: r.name.clone(),
        subject: r.subject.clone(),
        text_body: r.text_body.clone(),
        html_body: r.html_body.clone(),
        from_name: r.from_name.clone(),
        from_email: r.from_email.clone(),
        settings_id: r.settings_id.map(SettingsId),
    }
}

fn no_longer_kept(number: i64) -> AppError {
    AppError::NotFound(format!("Version {number} is no longer kept; only the newest versions are. Reload the history."))
}

/// A kept version that today's rules refuse, naming the first field at fault.
fn fails_today(number: i64, errors: &FieldErrors) -> AppError {
    let first = errors.iter().next().map(|(field, message)| format!(" ({}: {message})", field.label())).unwrap_or_default();
    AppError::Refused(format!(
        "Version {number} does not pass today's checks{first}; copy what you need from it into the form and save instead."
    ))
}

fn already_current(number: i64) -> AppError {
    AppError::Refused(format!("Version {number} is the version saved now; there is nothing to restore."))
}

impl Mailroom {
    pub(super) async fn settings_names(&self) -> Result<HashMap<SettingsId, String>, AppError> {
        let all = self.db.backups().await.or_internal("reading the SMTP settings' names")?;
        Ok(all.into_iter().map(|(id, _, name)| (id, name)).collect())
    }
}

fn name_taken_by_another(number: i64, name: &str) -> AppError {
    AppError::Conflict(format!(
        "Version {number} is named “{name}”, which another template now uses. Rename that one first, then restore."
    ))
}

#[async_trait::async_trait]
impl HistoryApi for Mailroom {
    async fn settings_history(&self, _: Admin, id: SettingsId) -> Result<Vec<Revision>, AppError> {
        let row = self.settings_row(id).await?;
        let now = form_of(&row);
        let names = self.settings_names().await?;
        let kept = self.db.settings_revisions(id.get()).await.or_internal("reading the SMTP settings' history")?;
        let oldest = kept.last().map(|r| r.number);
        Ok(kept
            .iter()
            .map(|r| Revision {
                number: r.number,
                saved_at: Timestamp(r.saved_at),
                saved_by: r.saved_by.clone(),
                current: r.number == row.version,
                notes: settings_notes(r, oldest == Some(r.number) && r.number == 1),
                test: r.tested_at.zip(r.test_ok).map(|(at, ok)| TestMark { at: Timestamp(at), ok }),
                changes: settings_diff(
                    &r.as_settings(id.get()).form(),
                    r.password_secret.as_deref(),
                    &now,
                    row.password_secret.as_deref(),
                    &names,
                ),
            })
            .collect())
    }

    /// Saves revision `number` again as a new version, with the password sealed for exactly
    /// its server, port and username. Checked like a save: the version, the name, the backup.
    async fn restore_settings_revision(
        &self,
        admin: Admin,
        id: SettingsId,
        number: i64,
        version: i64,
    ) -> Result<SettingsView, AppError> {
        let actor = admin.user();
        let row = self.settings_row(id).await?;
        if version != row.version {
            return Err(AppError::Stale { by: row.updated_by, at: Timestamp(row.updated_at) });
        }
        if number == row.version {
            return Err(already_current(number));
        }
        let kept = self.db.settings_revisions(id.get()).await.or_internal("reading the SMTP settings' history")?;
        let revision = kept.into_iter().find(|r| r.number == number).ok_or_else(|| no_longer_kept(number))?;
        let mut form = revision.as_settings(id.get()).form();
        let all = self.db.backups().await.or_internal("checking the backup settings")?;
        if let Some((other, _, name)) = all.iter().find(|(other, _, name)| *other != id && name_key(name) == name_key(&form.name))
        {
            return Err(AppError::Conflict(format!(
                "Version {number} is named “{}”, which other SMTP settings (#{other}, “{name}”) now use. Rename those first, then restore.",
                form.name
            )));
        }
        // Backup settings deleted since are left out; the history shows the difference.
        let backup = form.backup.trim().parse::<SettingsId>().ok();
        if backup.is_some_and(|b| !all.iter().any(|(other, _, _)| *other == b)) {
            form.backup.clear();
        }
        let new = form.validate().map_err(|errors| fails_today(number, &errors))?;
        if let Some(backup) = new.backup {
            backup_chain(Some(id), new.name.as_str(), backup, &all)
                .map_err(|m| AppError::Conflict(format!("Version {number} cannot be restored: {m}")))?;
        }
        let names: HashMap<SettingsId, String> = all.iter().map(|(id, _, name)| (*id, name.clone())).collect();
        let mut changes = named_changes(&form_of(&row), &form, &names);
        if row.password_secret != revision.password_secret {
            let (before, after) = match (&row.password_secret, &revision.password_secret) {
                (_, None) => ("set".to_owned(), "none".to_owned()),
                (None, Some(_)) => ("none".to_owned(), format!("version {number}'s")),
                (Some(_), Some(_)) => ("changed".to_owned(), format!("version {number}'s")),
            };
            changes.push(Change { field: Field::Password.label().to_owned(), before, after });
        }
        let history = History { keep: self.revisions_keep, restored_from: Some(number) };
        let sealed = SecretWrite::Sealed(revision.password_secret.as_deref());
        let audited = |view: &SettingsView| {
            let details = format!("version {number} restored as version {}: {}", view.version, described(&changes, usize::MAX));
            Some(Audited { action: "SMTP settings restored", details })
        };
        let view = self.write_settings(&admin, &new, Some(&row), sealed, history, audited).await?;
        tracing::info!(settings = %id, number, user = %actor.id, "SMTP settings revision restored");
        Ok(view)
    }

    async fn template_history(&self, _: Admin, id: TemplateId) -> Result<Vec<Revision>, AppError> {
        let row = self.template_row(id).await?;
        let now = template_form_of(&row);
        let names = self.settings_names().await?;
        let kept = self.db.template_revisions(id.get()).await.or_internal("reading the template's history")?;
        let oldest = kept.last().map(|r| r.number);
        Ok(kept
            .iter()
            .map(|r| Revision {
                number: r.number,
                saved_at: Timestamp(r.saved_at),
                saved_by: r.saved_by.clone(),
                current: r.number == row.version,
                notes: match r.restored_from {
                    Some(from) => vec![format!("Restored version {from}")],
                    None if oldest == Some(r.number) && r.number == 1 => vec!["Created".to_owned()],
                    None => Vec::new(),
                },
                test: None,
                changes: template_changes(&template_form_of_revision(r), &now, |s| template_settings_name(s, &names)),
            })
            .collect())
    }

    /// Saves template revision `number` again as a new version, checked like a save.
    async fn restore_template_revision(
        &self,
        admin: Admin,
        id: TemplateId,
        number: i64,
        version: i64,
    ) -> Result<TemplateView, AppError> {
        let actor = admin.user();
        let row = self.template_row(id).await?;
        let stale = |by: Option<String>, at| AppError::Stale { by, at };
        if version != row.version {
            return Err(stale(row.updated_by, Timestamp(row.updated_at)));
        }
        if number == row.version {
            return Err(already_current(number));
        }
        let kept = self.db.template_revisions(id.get()).await.or_internal("reading the template's history")?;
        let revision = kept.iter().find(|r| r.number == number).ok_or_else(|| no_longer_kept(number))?;
        let mut form = template_form_of_revision(revision);
        let key = name_key(form.name.trim());
        let taken = self.db.template_by_name(&key).await.or_internal("checking the template's name")?;
        if taken.is_some_and(|(other, _)| other != id.get()) {
            return Err(name_taken_by_another(number, form.name.trim()));
        }
        let names = self.settings_names().await?;
        // SMTP settings deleted since: the template sends through the default instead.
        if form.settings_id.is_some_and(|s| !names.contains_key(&s)) {
            form.settings_id = None;
        }
        self.check_template(&form, row.builtin.as_deref()).await.map_err(|e| match e {
            AppError::Invalid(errors) => fails_today(number, &errors),
            other => other,
        })?;
        let write = TemplateWrite {
            name: form.name.trim(),
            name_key: &key,
            subject: &form.subject,
            text_body: &form.text_body,
            html_body: &form.html_body,
            from_name: form.from_name.trim(),
            from_email: form.from_email.trim(),
            settings_id: form.settings_id.map(SettingsId::get),
        };
        let history = History { keep: self.revisions_keep, restored_from: Some(number) };
        let saved = match self.db.update_template(id.get(), row.version, &write, actor.id.get(), history).await {
            Err(e) if is_unique_violation(&e) => return Err(name_taken_by_another(number, write.name)),
            Err(e) if is_foreign_key_violation(&e) => return Err(AppError::Conflict(format!(
                "Version {number}'s SMTP settings were deleted while it was being restored. Try again: it then sends through the default settings."
            ))),
            other => other.or_internal("restoring the template")?,
        };
        if !saved {
            let row = self.template_row(id).await?;
            return Err(stale(row.updated_by, Timestamp(row.updated_at)));
        }
        let view = self.template_get(id).await?;
        let changes = template_changes(&template_form_of(&row), &view.form, |s| template_settings_name(s, &names));
        let details = format!("version {number} restored as version {}: {}", view.version, described(&changes, 60));
        self.audit(&admin, "template restored", &format!("template “{}” (#{id})", view.form.name), &details).await;
        Ok(view)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_compared_sealed_and_never_shown() {
        let form = SettingsForm::new_default();
        let names = HashMap::new();
        let diff = |then: Option<&[u8]>, now: Option<&[u8]>| settings_diff(&form, then, &form, now, &names);
        assert!(diff(None, None).is_empty());
        assert!(diff(Some(b"sealed"), Some(b"sealed")).is_empty());
        let changed = diff(Some(b"sealed-1"), Some(b"sealed-2"));
        assert_eq!(
            (changed[0].before.as_str(), changed[0].after.as_str()),
            ("the one saved with this version", "saved again since")
        );
        assert_eq!(diff(Some(b"sealed"), None)[0].after, "none");
        assert!(!format!("{changed:?}").contains("sealed"));
    }

    #[test]
    fn a_backup_is_named_or_called_deleted() {
        let then = SettingsForm { backup: "7".into(), ..SettingsForm::new_default() };
        let now = SettingsForm { backup: "8".into(), ..SettingsForm::new_default() };
        let names = HashMap::from([(SettingsId(8), "Spare relay".to_owned())]);
        let diff = settings_diff(&then, None, &now, None, &names);
        assert_eq!((diff[0].before.as_str(), diff[0].after.as_str()), ("deleted settings #7", "“Spare relay”"));
    }
}
