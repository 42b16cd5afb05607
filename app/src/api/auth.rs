//! Server functions for signing in and out, and for creating the first administrator.

use super::types::{Credentials, CurrentUser, NewUser};
use super::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "auth/me", input = Json)]
pub async fn who_am_i() -> Result<Option<CurrentUser>, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.current_user(&req).await)
}

#[server(prefix = "/api", endpoint = "auth/sign-in", input = Json)]
pub async fn sign_in(credentials: Credentials) -> Result<CurrentUser, AppError> {
    use crate::api::context::{api, finish, set_cookie};
    let (api, req) = api()?;
    finish(api.sign_in(&req, credentials).await).map(|(user, cookie)| {
        set_cookie(cookie);
        user
    })
}

#[server(prefix = "/api", endpoint = "auth/sign-out", input = Json)]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::api::context::{api, finish, set_cookie};
    let (api, req) = api()?;
    finish(api.sign_out(&req).await).map(set_cookie)
}

#[server(prefix = "/api", endpoint = "auth/setup-token", input = Json)]
pub async fn setup_token_valid(token: String) -> Result<bool, AppError> {
    let (api, _) = crate::api::context::api()?;
    crate::api::context::finish(api.setup_token_valid(&token).await)
}

#[server(prefix = "/api", endpoint = "auth/setup", input = Json)]
pub async fn complete_setup(token: String, user: NewUser) -> Result<CurrentUser, AppError> {
    use crate::api::context::{api, finish, set_cookie};
    let (api, req) = api()?;
    finish(api.complete_setup(&req, token, user).await).map(|(user, cookie)| {
        set_cookie(cookie);
        user
    })
}

/// Always answers the same, whether or not the address belongs to someone.
#[server(prefix = "/api", endpoint = "auth/forgot", input = Json)]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.forgot_password(&req, email).await)
}

#[server(prefix = "/api", endpoint = "auth/reset-valid", input = Json)]
pub async fn reset_link_valid(token: String) -> Result<bool, AppError> {
    let (api, _) = crate::api::context::api()?;
    crate::api::context::finish(api.reset_link_valid(&token).await)
}

#[server(prefix = "/api", endpoint = "auth/reset", input = Json)]
pub async fn reset_password(token: String, password: String) -> Result<CurrentUser, AppError> {
    use crate::api::context::{api, finish, set_cookie};
    let (api, req) = api()?;
    finish(api.reset_password(&req, token, password).await).map(|(user, cookie)| {
        set_cookie(cookie);
        user
    })
}
