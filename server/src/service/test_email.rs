//! "Send test email": which values and which password to test, the per-user limit, and
//! recording the result of testing saved settings.

use super::audit::{who, Origin};
use super::settings::form_of;
use super::settings::settings_target;
use super::{Mailroom, OrInternal};
use crate::db::NewAudit;
use crate::mail::policy::{Policy, SignInSecrets};
use crate::mail::Target;
use app::api::caller::Admin;
use app::api::test_email::TestEmailApi;
use app::api::test_email::{LastTest, TestEmailRequest, TestEvent};
use app::api::{AppError, TestEvents, Timestamp};
use app::domain::{EmailAddress, Field, FieldKey, NewPassword, SettingsForm};
use futures::StreamExt;
use secrecy::SecretString;

#[async_trait::async_trait]
impl TestEmailApi for Mailroom {
    async fn send_test_email(&self, admin: Admin, request: TestEmailRequest) -> Result<TestEvents, AppError> {
        let actor = admin.user();
        let recipient = EmailAddress::parse_as(&request.recipient, FieldKey::Recipient.label())
            .map_err(|e| AppError::field(FieldKey::Recipient, e))?;
        let saved = match request.settings_id {
            Some(id) => Some(self.settings_row(id).await?),
            None => None,
        };
        let saved_form = saved.as_ref().map(form_of);
        let form: SettingsForm = request.form.clone().or_else(|| saved_form.clone()).ok_or_else(|| {
            AppError::Refused("There is nothing to test: select saved SMTP settings or fill in the form.".into())
        })?;
        let mut valid = form.validate().map_err(AppError::Invalid)?;
        let saved_valid = saved_form.as_ref().and_then(|f| f.validate().ok());
        if let Some(saved) = &saved_valid {
            valid.forget_moved_certificate(saved);
        }

        let typed = request.password.as_deref().filter(|p| !p.is_empty());
        let password = match (typed, &saved) {
            (Some(typed), _) => {
                Some(SecretString::from(NewPassword::parse(typed).map_err(|e| AppError::field(Field::Password, e))?.expose()))
            }
            (None, Some(row)) if row.password_secret.is_some() => {
                if !saved_valid.as_ref().is_some_and(|s| valid.same_endpoint(s)) {
                    let what = valid.secret_name();
                    return Err(AppError::field(
                        Field::Password,
                        format!("These values differ from the saved settings where the saved {what} is bound (server, port, username, STARTTLS choice, trusted certificate or OAuth2 client), so it is not used. Type the {what} to test them."),
                    ));
                }
                let aad = row.secret_aad();
                let sealed = row.password_secret.as_deref().unwrap_or_default();
                Some(self.secrets.open(sealed, &aad).or_internal("reading the saved password")?)
            }
            _ => None,
        };
        if !valid.username.is_empty() && password.is_none() {
            let what = if valid.secret_name() == "password" { "the password for this Username" } else { "the client secret" };
            return Err(AppError::field(Field::Password, format!("Enter {what} to send a test email.")));
        }
        // "Connect"'s refresh token, only for the values it was granted for.
        let refresh_token = match &saved {
            Some(row) if row.refresh_token.is_some() && saved_valid.as_ref().is_some_and(|s| valid.same_endpoint(s)) => {
                let sealed = row.refresh_token.as_deref().unwrap_or_default();
                Some(self.secrets.open(sealed, &row.refresh_aad()).or_internal("reading the refresh token")?)
            }
            _ => None,
        };
        let hit = self.db.rate_hit("test email", &actor.id.to_string(), super::TESTS_PER_MINUTE, 60_000).await;
        if let Err(wait_ms) = hit.or_internal("counting test emails")? {
            return Err(AppError::RateLimited((wait_ms as u64).div_ceil(60_000).max(1)));
        }

        // Only a test of exactly the saved values says something about the saved settings.
        let record =
            saved.as_ref().filter(|_| saved_valid.as_ref() == Some(&valid) && typed.is_none()).map(|row| (row.id, row.version));
        let target = Target {
            settings_name: valid.name.as_str().to_owned(),
            host: valid.host.as_str().to_owned(),
            port: valid.port.get(),
            starttls_only: valid.starttls_only,
            from_name: valid.from_name.as_str().to_owned(),
            email: valid.email.as_str().to_owned(),
            username: valid.username.as_str().to_owned(),
            policy: Policy::of(&valid),
            secrets: SignInSecrets { secret: password, refresh_token },
            recipient: recipient.as_str().to_owned(),
            requested_by: format!("{} ({})", actor.name, actor.email),
        };
        tracing::info!(user = %actor.id, settings = ?request.settings_id, host = %target.host, port = target.port, "test email started");
        let (events, task) = self.probe.clone().start(target);
        let target = match request.settings_id {
            Some(id) if request.form.is_none() => settings_target(valid.name.as_str(), id),
            Some(id) => format!("{} with unsaved changes", settings_target(valid.name.as_str(), id)),
            None => format!("unsaved SMTP settings “{}”", valid.name.as_str()),
        };
        // Recorded even if the browser goes away before the end: the mail may have been sent.
        let (stored_tx, stored_rx) = tokio::sync::oneshot::channel();
        let (db, actor_id, actor_text, client, recipient) =
            (self.db.clone(), actor.id, who(actor), admin.client_text(), recipient.as_str().to_owned());
        tokio::spawn(async move {
            let Ok(ended) = task.await else { return };
            let summary = match &ended.failure {
                Some((step, cause)) => format!("Failed at {}: {cause}", step.label()),
                None => "The test email was accepted for delivery.".to_owned(),
            };
            tracing::info!(ok = ended.ok, %summary, "test email finished");
            let details = format!("to {recipient}: {summary}");
            let entry = NewAudit {
                actor_id: Some(actor_id.get()),
                actor: &actor_text,
                action: "test email sent",
                target: &target,
                details: &details,
                client: &client,
            };
            if let Err(error) = db.insert_audit(&entry).await {
                tracing::error!(%error, "could not write the audit log");
            }
            let stored = match record {
                Some((id, version)) => {
                    match db.set_last_test(id, version, ended.at, ended.ok, &summary, ended.cert_expires_at).await {
                        Ok(true) => Some(LastTest { at: Timestamp(ended.at), ok: ended.ok, summary }),
                        // Saved again during the test: the result belongs to the older version only.
                        Ok(false) => None,
                        Err(error) => {
                            tracing::error!(%error, "could not record the test result");
                            None
                        }
                    }
                }
                None => None,
            };
            let _ = stored_tx.send(stored);
        });
        let mut stored_rx = Some(stored_rx);
        let stream = events.then(move |event| {
            let waiting = if matches!(event, TestEvent::Finished { .. }) { stored_rx.take() } else { None };
            async move {
                match (event, waiting) {
                    (TestEvent::Finished { ok, at, transcript, .. }, Some(rx)) => {
                        TestEvent::Finished { ok, at, transcript, stored: rx.await.ok().flatten() }
                    }
                    (event, _) => event,
                }
            }
        });
        Ok(Box::pin(stream))
    }
}
