//! Revisions: every save of SMTP settings or of a template is kept, and any kept version can be
//! compared with the one saved now and put back.

use super::templates::TemplateView;
use super::types::{Id, Millis, SettingsView};
use super::AppError;
use crate::domain::changes::Change;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// The outcome of the test emails sent through exactly one revision's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestMark {
    pub at: Millis,
    pub ok: bool,
}

/// One kept version, and how it differs from the version saved now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    /// The version number the save gave it.
    pub number: i64,
    pub saved_at: Millis,
    pub saved_by: Option<String>,
    /// It is the version saved now.
    pub current: bool,
    /// Facts about the save itself, such as "Password changed" or "Restored version 3".
    pub notes: Vec<String>,
    pub test: Option<TestMark>,
    /// What it would change back, field by field: before is this revision, after is now.
    pub changes: Vec<Change>,
}

#[server(prefix = "/api", endpoint = "settings/history", input = Json)]
pub async fn settings_history(id: Id) -> Result<Vec<Revision>, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.settings_history(&req, id).await)
}

/// Saves revision `number` again as a new version, its password included; refused unless
/// `version` is still the one saved.
#[server(prefix = "/api", endpoint = "settings/restore-revision", input = Json)]
pub async fn restore_settings_revision(id: Id, number: i64, version: i64) -> Result<SettingsView, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.restore_settings_revision(&req, id, number, version).await)
}

#[server(prefix = "/api", endpoint = "templates/history", input = Json)]
pub async fn template_history(id: Id) -> Result<Vec<Revision>, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.template_history(&req, id).await)
}

#[server(prefix = "/api", endpoint = "templates/restore-revision", input = Json)]
pub async fn restore_template_revision(id: Id, number: i64, version: i64) -> Result<TemplateView, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.restore_template_revision(&req, id, number, version).await)
}
