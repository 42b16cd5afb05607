//! Inviting someone by email instead of typing a password for them: the account is created
//! with a password nobody knows, and the Invitation mail carries a link, good for a few days,
//! where they choose their own (the reset page, with a longer-lived link).

use super::account_links::AccountMail;
use super::auth::current_user;
use super::delivery::QueueError;
use super::users::{no_such_user, user_target};
use super::{Mailroom, OrInternal};
use crate::crypto::new_token;
use crate::db::is_unique_violation;
use app::api::caller::Admin;
use app::api::users::InviteApi;
use app::api::{AppError, CurrentUser, MailId, NewInvite, UserId, UserView};
use app::domain::check_person;
use app::domain::template::INVITATION_KEY;
use app::domain::{FieldKey, INVITE_LINK_DAYS};
use serde_json::json;

impl Mailroom {
    /// Queues the Invitation for the user just added: the mail's outbox id.
    async fn mail_invitation(&self, actor: &CurrentUser, id: UserId) -> Result<MailId, AppError> {
        let user = current_user(&self.db.user_by_id(id.get()).await.or_internal("loading the user")?.ok_or_else(no_such_user)?)?;
        let mail = AccountMail {
            template: INVITATION_KEY,
            link: "invite_link",
            lifetime_ms: INVITE_LINK_DAYS * 24 * 3_600_000,
            extra: json!({ "invite_expires_days": INVITE_LINK_DAYS.to_string(), "invited_by": actor.name }),
            what: "Invitation",
        };
        match self.queue_account_link(&user, mail).await? {
            Ok(mail) => Ok(mail),
            Err(QueueError::Db(e)) => Err(e).or_internal("queueing the invitation"),
            Err(e) => Err(AppError::Conflict(format!("The invitation was not sent, so {} was not added: {e}.", user.name))),
        }
    }
}

#[async_trait::async_trait]
impl InviteApi for Mailroom {
    async fn invite_user(&self, admin: Admin, invite: NewInvite) -> Result<UserView, AppError> {
        let actor = admin.user();
        let (name, email) = check_person(&invite.name, &invite.email).map_err(AppError::Invalid)?;
        // A password nobody knows: the account opens only through the link.
        let unknown = self.hashing.hash(new_token()).await?;
        let id = match self.db.insert_user(name.as_str(), email.as_str(), &unknown, invite.role.as_str()).await {
            Err(e) if is_unique_violation(&e) => {
                return Err(AppError::field(FieldKey::PersonEmail, "Another user already has this address."))
            }
            other => other.or_internal("adding the user")?,
        };
        match self.mail_invitation(actor, UserId(id)).await {
            Ok(mail) => {
                let invited = self.user_view(UserId(id)).await?;
                let details = format!(
                    "role: {}; invitation mail #{mail}, the link works for {INVITE_LINK_DAYS} days",
                    invited.role.label()
                );
                self.audit(&admin, "user invited", &user_target(&invited.name, &invited.email), &details).await;
                Ok(invited)
            }
            Err(refusal) => {
                // Nobody could ever sign in to it: take it back.
                self.db.delete_user(id).await.or_internal("taking back the invited user")?;
                Err(refusal)
            }
        }
    }
}
