//! API tokens: created by administrators, shown once, stored as a hash, revocable.

use super::{Mailroom, OrInternal};
use crate::crypto::{new_token, token_hash};
use crate::db::TokenRow;
use app::api::caller::Admin;
use app::api::tokens::TokensApi;
use app::api::tokens::{NewToken, TokenView};
use app::api::{AppError, Timestamp, TokenId};
use app::domain::FieldKey;

/// What every token starts with, so a leaked one is easy to recognise in a scan.
pub const TOKEN_PREFIX: &str = "mr_";

fn view_of(row: TokenRow) -> TokenView {
    TokenView {
        id: TokenId(row.id),
        name: row.name,
        prefix: row.prefix,
        created_at: Timestamp(row.created_at),
        created_by: row.created_by,
        last_used_at: row.last_used_at.map(Timestamp),
        revoked_at: row.revoked_at.map(Timestamp),
    }
}

impl Mailroom {
    async fn token_view(&self, id: TokenId) -> Result<TokenView, AppError> {
        let rows = self.db.list_api_tokens().await.or_internal("listing API tokens")?;
        rows.into_iter()
            .find(|t| t.id == id.get())
            .map(view_of)
            .ok_or_else(|| AppError::NotFound("This API token no longer exists.".into()))
    }
}

#[async_trait::async_trait]
impl TokensApi for Mailroom {
    async fn list_tokens(&self, _: Admin) -> Result<Vec<TokenView>, AppError> {
        Ok(self.db.list_api_tokens().await.or_internal("listing API tokens")?.into_iter().map(view_of).collect())
    }

    async fn create_token(&self, admin: Admin, name: String) -> Result<NewToken, AppError> {
        let actor = admin.user();
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(AppError::field(
                FieldKey::TokenName,
                "Name the token after what uses it (1 to 100 characters), e.g. Billing system.",
            ));
        }
        let token = format!("{TOKEN_PREFIX}{}", new_token());
        let prefix = format!("{}…", &token[..TOKEN_PREFIX.len() + 6]);
        let id = self
            .db
            .insert_api_token(name, &token_hash(&token), &prefix, actor.id.get())
            .await
            .or_internal("creating the API token")?;
        self.audit(&admin, "API token created", &format!("API token “{name}” ({prefix})"), "").await;
        Ok(NewToken { view: self.token_view(TokenId(id)).await?, token })
    }

    async fn revoke_token(&self, admin: Admin, id: TokenId) -> Result<TokenView, AppError> {
        let view = self.token_view(id).await?;
        if !self.db.revoke_api_token(id.get()).await.or_internal("revoking the API token")? {
            return Err(AppError::Conflict("This API token was already revoked.".into()));
        }
        self.audit(&admin, "API token revoked", &format!("API token “{}” ({})", view.name, view.prefix), "").await;
        self.token_view(id).await
    }
}
