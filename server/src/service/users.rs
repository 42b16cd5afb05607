//! The Users panel's operations. The last administrator can be neither demoted nor removed.

use super::auth::current_user;
use super::bootstrap::check_new_user;
use super::delivery::QueueError;
use super::{Mailroom, OrInternal};
use crate::db::{is_unique_violation, RoleChange, UserRow};
use app::api::caller::Admin;
use app::api::users::UsersApi;
use app::api::{AppError, MailId, NewUser, Timestamp, UserId, UserView};
use app::domain::check_person;
use app::domain::{FieldKey, Role, RESET_LINK_MINUTES};

fn view(row: UserRow) -> Result<UserView, AppError> {
    Ok(UserView {
        role: Role::from_stored(&row.role).or_internal("reading the users")?,
        id: UserId(row.id),
        name: row.name,
        email: row.email,
        created_at: Timestamp(row.created_at),
        last_sign_in: row.last_sign_in.map(Timestamp),
        version: row.version,
    })
}

pub(super) fn user_target(name: &str, email: &str) -> String {
    format!("user {name} <{email}>")
}

pub(super) fn no_such_user() -> AppError {
    AppError::NotFound("This user no longer exists.".into())
}

const LAST_ADMIN: &str = "This is the last administrator. Make someone else an administrator first.";

impl Mailroom {
    pub(super) async fn user_view(&self, id: UserId) -> Result<UserView, AppError> {
        let row = self.db.user_by_id(id.get()).await.or_internal("loading the user")?;
        view(row.ok_or_else(no_such_user)?)
    }
}

#[async_trait::async_trait]
impl UsersApi for Mailroom {
    async fn list_users(&self, _: Admin) -> Result<Vec<UserView>, AppError> {
        self.db.list_users().await.or_internal("listing users")?.into_iter().map(view).collect()
    }

    async fn create_user(&self, admin: Admin, user: NewUser) -> Result<UserView, AppError> {
        let (name, email, password) = check_new_user(&user, FieldKey::InitialPassword)?;
        let hashed = self.hashing.hash(password.expose().to_owned()).await?;
        let id = match self.db.insert_user(name.as_str(), email.as_str(), &hashed, user.role.as_str()).await {
            Err(e) if is_unique_violation(&e) => {
                return Err(AppError::field(FieldKey::PersonEmail, "Another user already has this address."))
            }
            other => other.or_internal("adding the user")?,
        };
        let created = self.user_view(UserId(id)).await?;
        self.audit(&admin, "user added", &user_target(&created.name, &created.email), &format!("role: {}", created.role.label()))
            .await;
        Ok(created)
    }

    async fn set_role(&self, admin: Admin, id: UserId, version: i64, role: Role) -> Result<UserView, AppError> {
        let actor = admin.user();
        if actor.id == id && role != Role::Administrator {
            return Err(AppError::Refused("You cannot remove your own administrator role; ask another administrator.".into()));
        }
        let existing = self.db.user_by_id(id.get()).await.or_internal("loading the user")?.ok_or_else(no_such_user)?;
        let stale = |row: &UserRow| AppError::Stale {
            by: row.updated_by.clone(),
            at: Timestamp(row.updated_at.unwrap_or(row.created_at)),
        };
        if existing.version != version {
            // Someone else already made the same change: nothing is overwritten, nothing to refuse.
            if existing.role == role.as_str() {
                return view(existing);
            }
            return Err(stale(&existing));
        }
        match self.db.set_role(id.get(), role.as_str(), version, actor.id.get()).await.or_internal("changing the role")? {
            RoleChange::Done => {}
            RoleChange::Refused => return Err(AppError::Conflict(LAST_ADMIN.into())),
            RoleChange::Gone => return Err(no_such_user()),
            RoleChange::Stale => {
                return Err(stale(&self.db.user_by_id(id.get()).await.or_internal("loading the user")?.unwrap_or(existing)))
            }
        }
        let existing = view(existing)?;
        if existing.role != role {
            self.db.delete_sessions_of(id.get(), None).await.or_internal("signing the user out")?;
            let details = format!("role: {} → {}", existing.role.label(), role.label());
            self.audit(&admin, "user role changed", &user_target(&existing.name, &existing.email), &details).await;
        }
        self.user_view(id).await
    }

    /// Changes a user's name and sign-in address. Reset links already mailed to the old
    /// address stop working.
    async fn update_user(
        &self,
        admin: Admin,
        id: UserId,
        version: i64,
        name: String,
        email: String,
    ) -> Result<UserView, AppError> {
        let actor = admin.user();
        let (name, email) = check_person(&name, &email).map_err(AppError::Invalid)?;
        let existing = self.db.user_by_id(id.get()).await.or_internal("loading the user")?.ok_or_else(no_such_user)?;
        let stale = |row: &UserRow| AppError::Stale {
            by: row.updated_by.clone(),
            at: Timestamp(row.updated_at.unwrap_or(row.created_at)),
        };
        if existing.version != version {
            return Err(stale(&existing));
        }
        if existing.name == name.as_str() && existing.email == email.as_str() {
            return view(existing);
        }
        if actor.id == id && existing.email != email.as_str() {
            return Err(AppError::field(
                FieldKey::PersonEmail,
                "Change your own address on the Account page, which asks for your password.",
            ));
        }
        match self.db.set_profile(id.get(), version, name.as_str(), email.as_str(), actor.id.get()).await {
            Err(e) if is_unique_violation(&e) => {
                return Err(AppError::field(FieldKey::PersonEmail, "Another user already has this address."))
            }
            Ok(false) => {
                return Err(stale(&self.db.user_by_id(id.get()).await.or_internal("loading the user")?.ok_or_else(no_such_user)?))
            }
            other => other.or_internal("changing the user")?,
        };
        let mut changes = Vec::new();
        if existing.name != name.as_str() {
            changes.push(format!("Name: “{}” → “{}”", existing.name, name.as_str()));
        }
        if existing.email != email.as_str() {
            changes.push(format!("Email address: “{}” → “{}”", existing.email, email.as_str()));
        }
        self.audit(&admin, "user changed", &user_target(&existing.name, &existing.email), &changes.join("; ")).await;
        self.user_view(id).await
    }

    /// Mails `id` a link to choose a new password, as "Forgot password?" would.
    async fn send_reset_link(&self, admin: Admin, id: UserId) -> Result<MailId, AppError> {
        let user = current_user(&self.db.user_by_id(id.get()).await.or_internal("loading the user")?.ok_or_else(no_such_user)?)?;
        if !self.reset_mail_allowed(&user).await? {
            return Err(AppError::Conflict(format!(
                "{} reset links went to {} in the last hour; wait before sending another.",
                super::RESETS_PER_HOUR,
                user.email
            )));
        }
        let mail = match self.queue_reset_link(&user).await? {
            Ok(mail) => mail,
            Err(QueueError::Db(e)) => return Err(e).or_internal("queueing the reset mail"),
            Err(e) => return Err(AppError::Conflict(format!("The reset link was not sent: {e}."))),
        };
        let details = format!("to {}, mail #{mail}; the link works for {RESET_LINK_MINUTES} minutes", user.email);
        self.audit(&admin, "reset link sent", &user_target(&user.name, &user.email), &details).await;
        Ok(mail)
    }

    async fn remove_user(&self, admin: Admin, id: UserId) -> Result<(), AppError> {
        let actor = admin.user();
        if actor.id == id {
            return Err(AppError::Refused("You cannot remove yourself; ask another administrator.".into()));
        }
        let removed = self.user_view(id).await?;
        if !self.db.delete_user(id.get()).await.or_internal("removing the user")? {
            return Err(AppError::Conflict(LAST_ADMIN.into()));
        }
        self.audit(&admin, "user removed", &user_target(&removed.name, &removed.email), "").await;
        Ok(())
    }
}
