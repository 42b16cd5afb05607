//! OAuth2 "Connect": sends an administrator to the provider's sign-in page with a one-time
//! state and a PKCE challenge, and on the way back trades the code for a refresh token, which
//! is sealed like the client secret and used to get access tokens from then on.

use super::audit::who;
use super::audit::Identified;
use super::auth::current_user;
use super::settings::{form_of, settings_target};
use super::{Mailroom, OrInternal};
use crate::crypto::{new_token, oauth_state_aad};
use crate::db::OAuthState;
use crate::mail::oauth::{Client, Grant};
use app::api::caller::Admin;
use app::api::settings::OAuthApi;
use app::api::{AppError, SettingsId};
use app::domain::{Auth, Role};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// What the provider sent back to /oauth/callback.
pub struct Callback {
    pub state: String,
    pub code: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// The callback page needs no sign-in: an internal failure is logged, not shown.
fn hidden(error: impl std::fmt::Display) -> String {
    tracing::error!(%error, "OAuth2 connect failed");
    "Mailroom could not finish connecting; its log says why. Choose Connect again.".to_owned()
}

fn state_hash(state: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(state.as_bytes()))
}

impl Mailroom {
    pub fn oauth_redirect_uri(&self) -> String {
        format!("{}/oauth/callback", self.public_url.trim_end_matches('/'))
    }
}

#[async_trait::async_trait]
impl OAuthApi for Mailroom {
    /// The provider's sign-in page for these saved settings.
    async fn oauth_connect(&self, admin: Admin, id: SettingsId) -> Result<String, AppError> {
        let actor = admin.user();
        let row = self.settings_row(id).await?;
        let valid = form_of(&row).validate().map_err(AppError::Invalid)?;
        let Auth::OAuth2 { client_id, scope, authorize_url: Some(authorize_url), .. } = &valid.auth else {
            return Err(AppError::Conflict(
                "Connect is for settings that sign in with an OAuth2 refresh token; save them with that Authentication first."
                    .into(),
            ));
        };
        let (state, verifier) = (new_token(), new_token());
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        let hash = state_hash(&state);
        let pending = OAuthState {
            settings_id: row.id,
            settings_version: row.version,
            verifier: self.secrets.seal(&verifier, &oauth_state_aad(&hash)),
            user_id: actor.id.get(),
        };
        self.db.insert_oauth_state(&hash, &pending).await.or_internal("starting the sign-in")?;
        let mut url =
            url::Url::parse(authorize_url.as_str()).map_err(|e| AppError::Conflict(format!("Authorization URL: {e}.")))?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", client_id.as_str())
            .append_pair("redirect_uri", &self.oauth_redirect_uri())
            .append_pair("scope", scope.as_str())
            .append_pair("state", &state)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256")
            .append_pair("access_type", "offline")
            .append_pair("prompt", "consent")
            .append_pair("login_hint", valid.username.as_str());
        Ok(url.into())
    }
}

impl Mailroom {
    /// The way back from the provider: the settings now connected, or why not, in words.
    pub async fn oauth_callback(&self, client: Option<std::net::IpAddr>, back: Callback) -> Result<SettingsId, String> {
        let pending = self.db.take_oauth_state(&state_hash(&back.state)).await.map_err(hidden)?;
        let pending =
            pending.ok_or("This sign-in link is unknown, already used or older than ten minutes. Choose Connect again.")?;
        let id = pending.settings_id;
        if let Some(error) = back.error {
            return Err(format!("The provider did not grant access: {error} {}", back.error_description.unwrap_or_default()));
        }
        let code = back.code.ok_or("The provider sent no authorisation code.")?;
        let verifier = self.secrets.open(&pending.verifier, &oauth_state_aad(&state_hash(&back.state))).map_err(hidden)?;
        let row = self.db.get_settings(id).await.map_err(hidden)?.ok_or("These SMTP settings were deleted meanwhile.")?;
        if row.version != pending.settings_version {
            return Err("These SMTP settings were changed while you signed in. Choose Connect again.".into());
        }
        let valid = form_of(&row).validate().map_err(|_| "These SMTP settings are not valid any more.".to_owned())?;
        let Auth::OAuth2 { token_url, client_id, scope, .. } = &valid.auth else {
            return Err("These SMTP settings no longer sign in with OAuth2.".into());
        };
        let sealed = row.password_secret.as_deref().ok_or("No client secret is saved for these settings.")?;
        let secret: SecretString = self.secrets.open(sealed, &row.secret_aad()).map_err(hidden)?;
        let token_client = Client { token_url, client_id, scope, secret: &secret, grant: Grant::ClientCredentials };
        let refresh = self
            .probe
            .tokens
            .exchange(&token_client, &code, verifier.expose_secret(), &self.oauth_redirect_uri())
            .await
            .map_err(|e| format!("Exchanging the code failed: {e}."))?;
        let user = self.db.user_by_id(pending.user_id).await.map_err(hidden)?;
        let actor = user.as_ref().map(current_user).transpose().map_err(hidden)?.filter(|u| u.role == Role::Administrator);
        let actor = actor.ok_or("Your account is no longer an administrator's, so it cannot connect settings.")?;
        let sealed = self.secrets.seal(refresh.expose_secret(), &row.refresh_aad());
        if !self.db.set_refresh_token(id, row.version, &sealed, &actor.name).await.map_err(hidden)? {
            return Err("These SMTP settings were changed while you signed in. Choose Connect again.".into());
        }
        let details = format!("refresh token for {} from {}", valid.username.as_str(), token_url.as_str());
        self.audit(&Identified(client, &actor), "OAuth2 connected", &settings_target(&row.name, SettingsId(id)), &details).await;
        tracing::info!(settings = %id, user = %actor.id, actor = %who(&actor), "OAuth2 connected");
        Ok(SettingsId(id))
    }
}
