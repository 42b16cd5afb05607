//! Server functions for the SMTP Settings panel.

use super::listed_settings::ListedSettings;
use super::operations::operations;
use super::types::{SettingsId, SettingsInput, SettingsSummary, SettingsView};
use super::AppError;

operations! {
    /// The SMTP settings panel.
    pub trait SettingsApi {
        Admin "settings/list" => fn list_settings() -> ListedSettings;
        Admin "settings/get" => fn get_settings(id: SettingsId) -> SettingsView;
        Admin "settings/save" => fn save_settings(input: SettingsInput) -> SettingsView;
        Admin "settings/delete" => fn delete_settings(id: SettingsId) -> ();
        Admin "settings/make-default" => fn make_default(id: SettingsId) -> ();
    }
}

operations! {
    /// OAuth2 "Connect" for saved settings.
    pub trait OAuthApi {
        /// "Connect": the provider's sign-in page to send the browser to, for saved settings that sign
        /// in with an OAuth2 refresh token.
        Admin "settings/oauth-connect" => fn oauth_connect(id: SettingsId) -> String;
    }
}

/// The SMTP settings list's rows, each with its live state: what the panels show.
pub async fn settings_rows() -> Result<Vec<SettingsSummary>, AppError> {
    Ok(list_settings().await?.into_rows())
}
