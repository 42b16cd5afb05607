//! SMTP settings: validated with the same domain rules as the browser, the password sealed
//! to its row and endpoint, and a save over a newer version refused.

use super::audit::{settings_changes, NO_CHANGES};
use super::settings_list::live_states;
use super::{Mailroom, OrInternal};
use crate::crypto::settings_secret_aad;
use crate::db::{is_foreign_key_violation, is_unique_violation, Db, History, SettingsRow, SettingsWrite};
use app::api::caller::Admin;
use app::api::settings::SettingsApi;
use app::api::test_email::LastTest;
use app::api::{AppError, ListedSettings, Sent, SettingsId, SettingsInput, SettingsView, Timestamp};
use app::domain::{check_password, Auth, AuthMethod, Field, PasswordChange, SettingsForm, ValidSettings};

const NOT_FOUND: &str = "These SMTP settings no longer exist; someone may have deleted them.";

pub(super) fn form_of(row: &SettingsRow) -> SettingsForm {
    row.form()
}

pub(super) fn last_test(at: Option<i64>, ok: Option<bool>, summary: Option<String>) -> Option<LastTest> {
    Some(LastTest { at: Timestamp(at?), ok: ok?, summary: summary.unwrap_or_default() })
}

fn view_of(row: SettingsRow) -> SettingsView {
    let last_test = last_test(row.last_test_at, row.last_test_ok, row.last_test_summary.clone());
    SettingsView {
        is_default: row.is_default,
        id: SettingsId(row.id),
        version: row.version,
        form: form_of(&row),
        has_password: row.password_secret.is_some(),
        created_at: Timestamp(row.created_at),
        created_by: row.created_by,
        updated_at: Timestamp(row.updated_at),
        updated_by: row.updated_by,
        last_test,
        connected: match (row.refresh_token.is_some(), row.connected_at, row.connected_by) {
            (true, Some(at), by) => Some((Timestamp(at), by.unwrap_or_default())),
            _ => None,
        },
    }
}

/// Refuses a backup that does not exist, is these settings, or leads back to them.
pub(super) fn backup_chain(
    this: Option<SettingsId>,
    this_name: &str,
    backup: SettingsId,
    all: &[(SettingsId, Option<SettingsId>, String)],
) -> Result<(), String> {
    let find = |id: SettingsId| all.iter().find(|(other, _, _)| *other == id);
    if Some(backup) == this {
        return Err("Settings cannot be their own backup; choose other settings.".into());
    }
    let mut path = vec![this_name.to_owned()];
    let mut next = Some(backup);
    while let Some(id) = next {
        let Some((_, then, name)) = find(id) else {
            return Err("The chosen backup settings no longer exist; choose others.".into());
        };
        path.push(name.clone());
        if Some(id) == this || path.len() > all.len() + 1 {
            return Err(format!(
                "This backup would make a loop ({}); choose settings that do not lead back here.",
                path.join(" → ")
            ));
        }
        next = *then;
    }
    Ok(())
}

/// What a save does with the stored password or client secret.
pub(super) enum SecretWrite<'a> {
    /// Typed, cleared or kept, as the form says.
    Form(&'a PasswordChange),
    /// A revision's sealed secret (or none), put back as it was.
    Sealed(Option<&'a [u8]>),
}

/// The audit entry a write of settings makes.
pub(super) struct Audited {
    pub action: &'static str,
    pub details: String,
}

pub(super) fn settings_target(name: &str, id: SettingsId) -> String {
    format!("SMTP settings “{name}” (#{id})")
}

pub(super) fn name_taken() -> AppError {
    AppError::field(Field::Name, "Another SMTP settings already has this name; choose a different name.")
}

impl Mailroom {
    pub(super) async fn settings_row(&self, id: SettingsId) -> Result<SettingsRow, AppError> {
        self.db
            .get_settings(id.get())
            .await
            .or_internal("loading SMTP settings")?
            .ok_or_else(|| AppError::NotFound(NOT_FOUND.into()))
    }

    pub(super) async fn settings_get(&self, id: SettingsId) -> Result<SettingsView, AppError> {
        self.settings_row(id).await.map(view_of)
    }

    /// Writes the settings, keeps the result as a revision, and records what `audit` makes of
    /// the settings as saved (nothing for None), all in one transaction; returns them as saved.
    pub(super) async fn write_settings(
        &self,
        admin: &Admin,
        new: &ValidSettings,
        existing: Option<&SettingsRow>,
        secret: SecretWrite<'_>,
        history: History,
        audit: impl FnOnce(&SettingsView) -> Option<Audited>,
    ) -> Result<SettingsView, AppError> {
        let actor = admin.user();
        let name_key = new.name.key();
        let certificate = new.certificate.map(|pin| pin.to_string());
        let oauth = match &new.auth {
            Auth::Password => None,
            Auth::OAuth2 { token_url, client_id, scope, .. } => Some((token_url, client_id, scope)),
        };
        let write = SettingsWrite {
            name: new.name.as_str(),
            name_key: &name_key,
            starttls_only: new.starttls_only,
            host: new.host.as_str(),
            port: i64::from(new.port.get()),
            from_name: new.from_name.as_str(),
            email: new.email.as_str(),
            username: new.username.as_str(),
            certificate: certificate.as_deref(),
            auth_method: new.auth.method().key(),
            authorize_url: match &new.auth {
                Auth::OAuth2 { authorize_url, .. } => authorize_url.as_ref().map(|u| u.as_str()),
                Auth::Password => None,
            },
            backup_id: new.backup.map(SettingsId::get),
            token_url: oauth.map(|(url, _, _)| url.as_str()),
            client_id: oauth.map(|(_, id, _)| id.as_str()),
            scope: oauth.map(|(_, _, scope)| scope.as_str()),
        };
        let mut tx = self.db.begin().await.or_internal("saving SMTP settings")?;
        let written = match existing {
            None => Db::insert_settings(&mut tx, &write, actor.id.get()).await.map(Some),
            Some(row) => {
                Db::update_settings(&mut tx, row.id, row.version, &write, actor.id.get()).await.map(|ok| ok.then_some(row.id))
            }
        };
        let id = match written {
            Err(e) if is_unique_violation(&e) => return Err(name_taken()),
            Ok(None) => {
                let row = self.settings_row(SettingsId(existing.map_or(0, |r| r.id))).await?;
                return Err(AppError::Stale { by: row.updated_by, at: Timestamp(row.updated_at) });
            }
            other => other.or_internal("saving SMTP settings")?.unwrap_or_default(),
        };
        let secret_changed = match secret {
            SecretWrite::Form(change) => !matches!(change, PasswordChange::Keep),
            SecretWrite::Sealed(sealed) => sealed != existing.and_then(|row| row.password_secret.as_deref()),
        };
        if let Some(row) = existing {
            let tested = ValidSettings { name: new.name.clone(), ..form_of(row).validate().map_err(AppError::Invalid)? };
            if tested != *new || secret_changed {
                Db::clear_last_test(&mut tx, id).await.or_internal("saving SMTP settings")?;
            }
            // A refresh token belongs to the client, mailbox and server it was granted for.
            let connected = row.refresh_token.is_some();
            if connected && (!new.same_endpoint(&tested) || new.auth.method() != AuthMethod::OAuth2RefreshToken) {
                Db::clear_refresh_token(&mut tx, id).await.or_internal("saving SMTP settings")?;
            }
        }
        let bound = oauth.map(|(url, client, _)| (url.as_str(), client.as_str()));
        let aad = settings_secret_aad(id, new.host.as_str(), new.port.get(), new.username.as_str(), bound);
        match secret {
            SecretWrite::Form(PasswordChange::Keep) => {}
            SecretWrite::Form(PasswordChange::Clear) => {
                Db::set_settings_secret(&mut tx, id, None).await.or_internal("saving SMTP settings")?
            }
            SecretWrite::Form(PasswordChange::Set(typed)) => {
                let sealed = self.secrets.seal(typed.expose(), &aad);
                Db::set_settings_secret(&mut tx, id, Some(&sealed)).await.or_internal("saving SMTP settings")?;
            }
            // Sealed for this id and the revision's own server, username and client, which
            // the values just written are again.
            SecretWrite::Sealed(sealed) => {
                Db::set_settings_secret(&mut tx, id, sealed).await.or_internal("saving SMTP settings")?
            }
        }
        Db::record_settings_revision(&mut tx, id, secret_changed, history)
            .await
            .or_internal("keeping the SMTP settings' history")?;
        let saved = Db::settings_in(&mut tx, id).await.or_internal("saving SMTP settings")?;
        let view = view_of(saved.ok_or_else(|| AppError::NotFound(NOT_FOUND.into()))?);
        if let Some(Audited { action, details }) = audit(&view) {
            let target = settings_target(&view.form.name, SettingsId(id));
            self.audit_in(&mut tx, admin, action, &target, &details).await.or_internal("recording the save in the audit log")?;
        }
        tx.commit().await.or_internal("saving SMTP settings")?;
        Ok(view)
    }
}

#[async_trait::async_trait]
impl SettingsApi for Mailroom {
    async fn get_settings(&self, _: Admin, id: SettingsId) -> Result<SettingsView, AppError> {
        self.settings_get(id).await
    }

    async fn list_settings(&self, _: Admin) -> Result<ListedSettings, AppError> {
        let (stored, health) = self.settings_list_now().await?;
        let health = super::delivery::health_by_settings(health);
        let live = live_states(health, self.cool_downs.failing_over(), &stored.with_backup);
        Ok(ListedSettings { stored: Sent::Prepared(stored.rows.clone()), live })
    }

    async fn save_settings(&self, admin: Admin, input: SettingsInput) -> Result<SettingsView, AppError> {
        let actor = admin.user();
        let mut new = input.form.validate().map_err(AppError::Invalid)?;
        let existing = match input.id {
            Some(id) => Some(self.settings_row(id).await?),
            None => None,
        };
        if let Some(row) = &existing {
            if input.version != Some(row.version) {
                return Err(AppError::Stale { by: row.updated_by.clone(), at: Timestamp(row.updated_at) });
            }
        }
        let old = existing.as_ref().map(|row| (form_of(row).validate(), row.password_secret.is_some()));
        let saved = match &old {
            Some((Ok(form), has)) => Some((form, *has)),
            _ => None,
        };
        check_password(&new, &input.password, saved).map_err(|e| AppError::field(Field::Password, e))?;
        if let Some((old, _)) = saved {
            new.forget_moved_certificate(old);
        }
        if let Some(backup) = new.backup {
            let all = self.db.backups().await.or_internal("checking the backup settings")?;
            backup_chain(input.id, new.name.as_str(), backup, &all).map_err(|m| AppError::field(Field::Backup, m))?;
        }
        let history = History { keep: self.revisions_keep, restored_from: None };
        let before = existing.as_ref().map(form_of);
        let audited = |view: &SettingsView| {
            let action = if before.is_some() { "SMTP settings changed" } else { "SMTP settings created" };
            let details = settings_changes(before.as_ref(), &view.form, &input.password);
            // Saving without a change is not an event.
            (before.is_none() || details != NO_CHANGES).then_some(Audited { action, details })
        };
        let secret = SecretWrite::Form(&input.password);
        let view = self.write_settings(&admin, &new, existing.as_ref(), secret, history, audited).await?;
        tracing::info!(settings = %view.id, user = %actor.id, "SMTP settings saved");
        Ok(view)
    }

    async fn make_default(&self, admin: Admin, id: SettingsId) -> Result<(), AppError> {
        let row = self.settings_row(id).await?;
        if !self.db.make_default_settings(id.get()).await.or_internal("changing the default SMTP settings")? {
            return Err(AppError::NotFound(NOT_FOUND.into()));
        }
        self.audit(&admin, "default SMTP settings changed", &settings_target(&row.name, id), "").await;
        Ok(())
    }

    async fn delete_settings(&self, admin: Admin, id: SettingsId) -> Result<(), AppError> {
        let row = self.settings_row(id).await?;
        let others = self.stored_settings_list().await?.rows.value().len() > 1;
        if row.is_default && others {
            return Err(AppError::Conflict(format!(
                "“{}” is the default SMTP settings. Make other settings the default first, then delete these.",
                row.name
            )));
        }
        let users = self.db.templates_naming(id.get()).await.or_internal("checking which templates use these settings")?;
        if !users.is_empty() {
            return Err(AppError::Conflict(format!(
                "The template{} {} send{} through “{}”. Choose other settings for {} first.",
                if users.len() == 1 { "" } else { "s" },
                users.iter().map(|n| format!("“{n}”")).collect::<Vec<_>>().join(", "),
                if users.len() == 1 { "s" } else { "" },
                row.name,
                if users.len() == 1 { "it" } else { "them" }
            )));
        }
        let deleted = match self.db.delete_settings(id.get()).await {
            Err(e) if is_foreign_key_violation(&e) => {
                return Err(AppError::Conflict(format!(
                    "A template was just set to send through “{}”; choose other settings for it first.",
                    row.name
                )))
            }
            other => other.or_internal("deleting SMTP settings")?,
        };
        if !deleted {
            return Err(AppError::NotFound(NOT_FOUND.into()));
        }
        tracing::info!(settings = %id, "SMTP settings deleted");
        self.audit(&admin, "SMTP settings deleted", &settings_target(&row.name, id), &format!("{}:{}", row.host, row.port)).await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::backup_chain;
    use app::api::SettingsId;

    #[test]
    fn a_backup_chain_never_loops() {
        let id = SettingsId;
        let all = vec![(id(1), Some(id(2)), "A".to_owned()), (id(2), Some(id(3)), "B".to_owned()), (id(3), None, "C".to_owned())];
        assert!(backup_chain(Some(id(3)), "C", id(2), &all).unwrap_err().contains("(C → B → C)"));
        let err = backup_chain(Some(id(3)), "C", id(1), &all).unwrap_err();
        assert_eq!(err, "This backup would make a loop (C → A → B → C); choose settings that do not lead back here.");
        assert!(backup_chain(Some(id(1)), "A", id(1), &all).unwrap_err().contains("own backup"));
        assert!(backup_chain(None, "New", id(1), &all).is_ok(), "new settings cannot be in a chain yet");
        assert!(backup_chain(Some(id(1)), "A", id(3), &all).is_ok());
        assert!(backup_chain(Some(id(1)), "A", id(9), &all).unwrap_err().contains("no longer exist"));
    }
}
