//! Server functions for the SMTP Settings panel.

use super::types::{Id, SettingsInput, SettingsSummary, SettingsView};
use super::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "settings/list", input = Json)]
pub async fn list_settings() -> Result<Vec<SettingsSummary>, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.list_settings(&req).await)
}

#[server(prefix = "/api", endpoint = "settings/get", input = Json)]
pub async fn get_settings(id: Id) -> Result<SettingsView, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.get_settings(&req, id).await)
}

#[server(prefix = "/api", endpoint = "settings/save", input = Json)]
pub async fn save_settings(input: SettingsInput) -> Result<SettingsView, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.save_settings(&req, input).await)
}

#[server(prefix = "/api", endpoint = "settings/delete", input = Json)]
pub async fn delete_settings(id: Id) -> Result<(), AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.delete_settings(&req, id).await)
}

#[server(prefix = "/api", endpoint = "settings/make-default", input = Json)]
pub async fn make_default(id: Id) -> Result<(), AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.make_default(&req, id).await)
}

/// "Connect": the provider's sign-in page to send the browser to, for saved settings that sign
/// in with an OAuth2 refresh token.
#[server(prefix = "/api", endpoint = "settings/oauth-connect", input = Json)]
pub async fn oauth_connect(id: Id) -> Result<String, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.oauth_connect(&req, id).await)
}
