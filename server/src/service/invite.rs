//! Inviting someone by email instead of typing a password for them: the account is created
//! with a password nobody knows, and the Invitation mail carries a link, good for three days,
//! where they choose their own (the reset page, with a longer-lived link).

use super::auth::current_user;
use super::delivery::MailRequest;
use super::{Mailroom, OrInternal};
use crate::crypto::{new_token, token_hash};
use crate::db::{is_unique_violation, now_ms};
use crate::mail::read::RESET_LINK_QUERY;
use app::api::{AppError, CurrentUser, NewInvite, RequestMeta, UserView};
use app::domain::template::INVITATION_KEY;
use app::domain::{DisplayName, EmailAddress, FieldErrors};
use serde_json::json;

const INVITE_DAYS: i64 = 3;

impl Mailroom {
    pub(super) async fn users_invite(
        &self,
        req: &RequestMeta,
        actor: &CurrentUser,
        invite: NewInvite,
    ) -> Result<UserView, AppError> {
        let mut errors = FieldErrors::default();
        let name = DisplayName::parse(&invite.name).map_err(|m| errors.push("Name", m)).ok();
        let email = EmailAddress::parse_as(&invite.email, "Email address").map_err(|m| errors.push("Email address", m)).ok();
        let (Some(name), Some(email)) = (name, email) else { return Err(AppError::Invalid(errors)) };
        let Some(template_id) =
            self.db.template_by_builtin(INVITATION_KEY).await.or_internal("finding the invitation template")?
        else {
            return Err(AppError::Conflict(
                "The built-in Invitation template is missing; set an initial password instead.".into(),
            ));
        };
        // A password nobody knows: the account opens only through the link.
        let unknown = self.hashing.hash(new_token()).await?;
        let id = match self.db.insert_user(name.as_str(), email.as_str(), &unknown, invite.role.as_str()).await {
            Err(e) if is_unique_violation(&e) => {
                return Err(AppError::field("Email address", "Another user already has this address."))
            }
            other => other.or_internal("adding the user")?,
        };
        let user = current_user(
            &self
                .db
                .user_by_id(id)
                .await
                .or_internal("loading the user")?
                .ok_or_else(|| AppError::Conflict("The user was removed while the invitation was being sent.".into()))?,
        );
        let token = new_token();
        let expires = now_ms() + INVITE_DAYS * 24 * 3_600_000;
        self.db.insert_password_reset(&token_hash(&token), id, expires).await.or_internal("creating the invitation link")?;
        let variables = json!({
            "user": { "name": user.name, "email": user.email },
            "invite_link": format!("{}{RESET_LINK_QUERY}{token}", self.public_url),
            "invite_expires_days": INVITE_DAYS.to_string(),
            "invited_by": actor.name,
        });
        let request = MailRequest {
            template_id,
            to_name: &user.name,
            to: &email,
            variables,
            attachments: Vec::new(),
            api_token: None,
            idempotency_key: None,
            expires_at: Some(expires),
        };
        let mail = match self.enqueue(request).await {
            Ok(mail) => mail,
            Err(e) => {
                // Nobody could ever sign in to it: take it back.
                self.db.delete_user(id).await.or_internal("taking back the invited user")?;
                return Err(AppError::Conflict(format!("The invitation was not sent, so {} was not added: {e}.", user.name)));
            }
        };
        let invited = self.user_view(id).await?;
        let details = format!("role: {}; invitation mail #{mail}, the link works for {INVITE_DAYS} days", invited.role.label());
        self.audit(req, Some(actor), "user invited", &format!("user {} <{}>", invited.name, invited.email), &details).await;
        Ok(invited)
    }
}
