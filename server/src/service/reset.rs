//! "Forgot password?": the same answer whether or not the address exists; for a real user, a
//! single-use link (stored hashed, valid one hour) mailed with the "Password reset" template.

use super::auth::{current_user, hash};
use super::delivery::MailRequest;
use super::templates::PASSWORD_RESET;
use super::{Mailroom, OrInternal};
use crate::crypto::{new_token, token_hash};
use crate::db::now_ms;
use app::api::{AppError, CurrentUser, RequestMeta, SetCookie};
use app::domain::{AccountPassword, EmailAddress};
use serde_json::json;
use std::time::Instant;

const LINK_MINUTES: i64 = 60;

impl Mailroom {
    pub(super) async fn forgot(&self, req: &RequestMeta, email: String) -> Result<(), AppError> {
        let Ok(address) = EmailAddress::parse_as(&email, "Email address") else {
            return Err(AppError::field("Email address", "Enter the email address you sign in with."));
        };
        let Some(user) = self.db.user_by_email(&address.as_str().to_lowercase()).await.or_internal("looking up the account")?
        else {
            self.audit(
                req,
                None,
                "password reset requested",
                &format!("account {}", address.as_str()),
                "no such account; nothing sent",
            )
            .await;
            return Ok(());
        };
        let user = current_user(&user);
        if self.reset_limiter.hit(user.id, Instant::now()).is_err() {
            self.audit(
                req,
                None,
                "password reset requested",
                &format!("account {}", user.email),
                "too many requests; nothing sent",
            )
            .await;
            return Ok(());
        }
        let token = new_token();
        let expires = now_ms() + LINK_MINUTES * 60_000;
        self.db.insert_password_reset(&token_hash(&token), user.id, expires).await.or_internal("creating the reset link")?;
        let template = self.db.template_by_builtin(PASSWORD_RESET).await.or_internal("finding the reset template")?;
        let Some(template_id) = template else {
            tracing::error!("the built-in Password reset template is missing");
            return Ok(());
        };
        let to = EmailAddress::parse(&user.email).map_err(AppError::Server)?;
        let variables = json!({
            "user": { "name": user.name, "email": user.email },
            "reset_link": format!("{}/reset-password?token={token}", self.public_url),
            "reset_expires_minutes": LINK_MINUTES.to_string(),
        });
        let request = MailRequest {
            template_id,
            to_name: &user.name,
            to: &to,
            variables,
            attachments: Vec::new(),
            api_token: None,
            idempotency_key: None,
        };
        let details = match self.enqueue(request).await {
            Ok(id) => format!("reset link queued as mail #{id}"),
            Err(error) => {
                tracing::error!(%error, "could not queue the password reset mail");
                format!("the reset mail could not be queued: {error}")
            }
        };
        self.audit(req, None, "password reset requested", &format!("account {}", user.email), &details).await;
        Ok(())
    }

    pub(super) async fn reset_valid(&self, token: &str) -> Result<bool, AppError> {
        self.db.password_reset_valid(&token_hash(token)).await.or_internal("checking the reset link")
    }

    pub(super) async fn reset(
        &self,
        req: &RequestMeta,
        token: String,
        password: String,
    ) -> Result<(CurrentUser, SetCookie), AppError> {
        let password = AccountPassword::parse(&password).map_err(|m| AppError::field("New password", m))?;
        let user_id = self.db.take_password_reset(&token_hash(&token)).await.or_internal("using the reset link")?;
        let Some(user_id) = user_id else {
            return Err(AppError::Refused(
                "This reset link has expired or has been used. Ask for a new one from the sign-in page.".into(),
            ));
        };
        let row = self.db.user_by_id(user_id).await.or_internal("loading the account")?;
        let row = row.ok_or_else(|| AppError::Refused("This account no longer exists.".into()))?;
        let hashed = hash(password.expose().to_owned()).await;
        self.db.set_password_hash(user_id, &hashed).await.or_internal("saving the new password")?;
        self.db.delete_sessions_of(user_id, None).await.or_internal("ending the old sessions")?;
        self.db.delete_password_resets_of(user_id).await.or_internal("retiring the other reset links")?;
        self.db.clear_sign_in_failures(&row.email.to_lowercase()).await.or_internal("clearing failed sign-ins")?;
        let cookie = self.start_session(user_id).await?;
        let user = current_user(&row);
        self.audit(
            req,
            Some(&user),
            "password reset",
            &format!("user {}", user.email),
            "through an emailed link; other sessions ended",
        )
        .await;
        Ok((user, cookie))
    }
}
