//! Server functions for the Users panel and for each person's own account.

use super::types::{CurrentUser, Id, NewInvite, NewUser, UserView};
use super::AppError;
use crate::domain::Role;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "users/list", input = Json)]
pub async fn list_users() -> Result<Vec<UserView>, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.list_users(&req).await)
}

#[server(prefix = "/api", endpoint = "users/create", input = Json)]
pub async fn create_user(user: NewUser) -> Result<UserView, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.create_user(&req, user).await)
}

/// Adds a user who chooses their own password from an emailed link (three days).
#[server(prefix = "/api", endpoint = "users/invite", input = Json)]
pub async fn invite_user(invite: NewInvite) -> Result<UserView, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.invite_user(&req, invite).await)
}

#[server(prefix = "/api", endpoint = "users/role", input = Json)]
pub async fn set_role(id: Id, version: i64, role: Role) -> Result<UserView, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.set_role(&req, id, version, role).await)
}

/// Changes a user's name and email address; refused unless `version` is still theirs.
#[server(prefix = "/api", endpoint = "users/update", input = Json)]
pub async fn update_user(id: Id, version: i64, name: String, email: String) -> Result<UserView, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.update_user(&req, id, version, name, email).await)
}

/// Mails the user a link to choose a new password; its id in the Delivery log.
#[server(prefix = "/api", endpoint = "users/send-reset", input = Json)]
pub async fn send_reset_link(id: Id) -> Result<Id, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.send_reset_link(&req, id).await)
}

#[server(prefix = "/api", endpoint = "users/remove", input = Json)]
pub async fn remove_user(id: Id) -> Result<(), AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.remove_user(&req, id).await)
}

#[server(prefix = "/api", endpoint = "account/password", input = Json)]
pub async fn change_own_password(current: String, new: String) -> Result<(), AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.change_own_password(&req, current, new).await)
}

#[server(prefix = "/api", endpoint = "account/email", input = Json)]
pub async fn change_own_email(current_password: String, email: String) -> Result<CurrentUser, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.change_own_email(&req, current_password, email).await)
}
