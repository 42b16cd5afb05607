//! Server functions for API tokens: the host application's key to POST /api/v1/messages.

use super::types::{Id, Millis};
use super::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TokenView {
    pub id: Id,
    pub name: String,
    /// The first characters, to tell tokens apart.
    pub prefix: String,
    pub created_at: Millis,
    pub created_by: Option<String>,
    pub last_used_at: Option<Millis>,
    pub revoked_at: Option<Millis>,
}

/// A new token: the only time its full value is ever shown.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    pub view: TokenView,
    pub token: String,
}

impl std::fmt::Debug for NewToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewToken").field("view", &self.view).finish_non_exhaustive()
    }
}

#[server(prefix = "/api", endpoint = "tokens/list", input = Json)]
pub async fn list_tokens() -> Result<Vec<TokenView>, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.list_tokens(&req).await)
}

#[server(prefix = "/api", endpoint = "tokens/create", input = Json)]
pub async fn create_token(name: String) -> Result<NewToken, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.create_token(&req, name).await)
}

#[server(prefix = "/api", endpoint = "tokens/revoke", input = Json)]
pub async fn revoke_token(id: Id) -> Result<TokenView, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.revoke_token(&req, id).await)
}
