//! Server functions for API tokens: the host application's key to POST /api/v1/messages.

use super::operations::operations;
use super::types::{Timestamp, TokenId};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TokenView {
    pub id: TokenId,
    pub name: String,
    /// The first characters, to tell tokens apart.
    pub prefix: String,
    pub created_at: Timestamp,
    pub created_by: Option<String>,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
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

operations! {
    /// The API tokens panel.
    pub trait TokensApi {
        Admin "tokens/list" => fn list_tokens() -> Vec<TokenView>;
        Admin "tokens/create" => fn create_token(name: String) -> NewToken;
        Admin "tokens/revoke" => fn revoke_token(id: TokenId) -> TokenView;
    }
}
