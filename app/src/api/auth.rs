//! Server functions for signing in and out, and for creating the first administrator. The ones
//! that start or end a session are written out here, because the cookie is set on the way back.

use super::operations::operations;
use super::types::{Credentials, CurrentUser, NewUser};
use super::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use super::caller::{Member, SignedIn, Visitor};

/// Sessions: who a session belongs to, and starting and ending one.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait Sessions: Send + Sync {
    /// The signed-in person, if the visitor's session is live.
    async fn member(&self, visitor: &Visitor) -> Result<Option<Member>, AppError>;
    async fn sign_in(&self, visitor: Visitor, credentials: Credentials) -> Result<SignedIn, AppError>;
    async fn sign_out(&self, visitor: Visitor) -> Result<(), AppError>;
    async fn complete_setup(&self, visitor: Visitor, token: String, user: NewUser) -> Result<SignedIn, AppError>;
    async fn reset_password(&self, visitor: Visitor, token: String, password: String) -> Result<SignedIn, AppError>;
}

operations! {
    /// The links that come by mail, checked before their page is shown.
    pub trait AuthApi {
        Visitor "auth/setup-token" => fn setup_token_valid(token: String) -> bool;
        /// Always answers the same, whether or not the address belongs to someone.
        Visitor "auth/forgot" => fn forgot_password(email: String) -> ();
        Visitor "auth/reset-valid" => fn reset_link_valid(token: String) -> bool;
    }
}

#[server(prefix = "/api", endpoint = "auth/me", input = Json)]
pub async fn who_am_i() -> Result<Option<CurrentUser>, AppError> {
    let (api, visitor) = crate::api::context::visitor()?;
    let member = crate::api::context::finish(api.member(&visitor).await)?;
    Ok(member.map(|m| m.user().clone()))
}

#[server(prefix = "/api", endpoint = "auth/sign-in", input = Json)]
pub async fn sign_in(credentials: Credentials) -> Result<CurrentUser, AppError> {
    use crate::api::context::{finish, start_session, visitor};
    let (api, visitor) = visitor()?;
    finish(api.sign_in(visitor, credentials).await).map(start_session)
}

#[server(prefix = "/api", endpoint = "auth/sign-out", input = Json)]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::api::context::{end_session, finish, visitor};
    let (api, visitor) = visitor()?;
    finish(api.sign_out(visitor).await).map(|()| end_session())
}

#[server(prefix = "/api", endpoint = "auth/setup", input = Json)]
pub async fn complete_setup(token: String, user: NewUser) -> Result<CurrentUser, AppError> {
    use crate::api::context::{finish, start_session, visitor};
    let (api, visitor) = visitor()?;
    finish(api.complete_setup(visitor, token, user).await).map(start_session)
}

#[server(prefix = "/api", endpoint = "auth/reset", input = Json)]
pub async fn reset_password(token: String, password: String) -> Result<CurrentUser, AppError> {
    use crate::api::context::{finish, start_session, visitor};
    let (api, visitor) = visitor()?;
    finish(api.reset_password(visitor, token, password).await).map(start_session)
}
