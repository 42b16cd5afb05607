//! Revisions: every save of SMTP settings or of a template is kept, and any kept version can be
//! compared with the one saved now and put back.

use super::operations::operations;
use super::templates::TemplateView;
use super::types::{SettingsId, SettingsView, TemplateId, Timestamp};
use crate::domain::changes::Change;
use serde::{Deserialize, Serialize};

/// The outcome of the test emails sent through exactly one revision's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestMark {
    pub at: Timestamp,
    pub ok: bool,
}

/// One kept version, and how it differs from the version saved now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    /// The version number the save gave it.
    pub number: i64,
    pub saved_at: Timestamp,
    pub saved_by: Option<String>,
    /// It is the version saved now.
    pub current: bool,
    /// Facts about the save itself, such as "Password changed" or "Restored version 3".
    pub notes: Vec<String>,
    pub test: Option<TestMark>,
    /// What it would change back, field by field: before is this revision, after is now.
    pub changes: Vec<Change>,
}

operations! {
    /// Revisions of SMTP settings and templates, and putting one back.
    pub trait HistoryApi {
        Admin "settings/history" => fn settings_history(id: SettingsId) -> Vec<Revision>;
        /// Saves revision `number` again as a new version, its password included; refused unless
        /// `version` is still the one saved.
        Admin "settings/restore-revision" => fn restore_settings_revision(id: SettingsId, number: i64, version: i64) -> SettingsView;
        Admin "templates/history" => fn template_history(id: TemplateId) -> Vec<Revision>;
        Admin "templates/restore-revision" => fn restore_template_revision(id: TemplateId, number: i64, version: i64) -> TemplateView;
    }
}
