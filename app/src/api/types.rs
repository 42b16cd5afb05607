//! What travels between browser and server. No type here has a field for a stored secret:
//! a settings says whether it has a password, never what it is.

use super::test_email::LastTest;
use crate::domain::{PasswordChange, Role, SettingsForm};
use serde::{Deserialize, Serialize};

pub use crate::domain::Timestamp;
pub use crate::domain::{AuditId, MailId, SettingsId, TemplateId, TokenId, UserId};

/// One row of the SMTP settings list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsSummary {
    pub id: SettingsId,
    pub name: String,
    pub host: String,
    pub port: u16,
    pub email: String,
    pub username: String,
    pub last_test: Option<LastTest>,
    pub is_default: bool,
    /// Templates that send through these settings.
    pub template_count: i64,
    pub health: DeliveryHealth,
    /// Its relay cannot be reached for now, and its backup carries its mail.
    #[serde(default)]
    pub failing_over: bool,
    /// Other settings that name these as their backup.
    #[serde(default)]
    pub backs_up: i64,
    /// When the server's certificate expires, as the last successful test saw it.
    #[serde(default)]
    pub cert_expires_at: Option<Timestamp>,
}

/// How mail through one settings has been going: the last 24 hours, and what waits now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeliveryHealth {
    pub sent_24h: i64,
    pub failed_24h: i64,
    /// Mails queued or being sent.
    pub waiting: i64,
    /// When the oldest mail still waiting after a failed attempt was queued; None when no
    /// waiting mail has failed an attempt.
    pub failing_since: Option<Timestamp>,
}

impl DeliveryHealth {
    pub fn is_failing(&self) -> bool {
        self.failing_since.is_some()
    }
}

impl SettingsSummary {
    /// Lower-cased text the Filter box matches against.
    pub fn haystack(&self) -> String {
        format!("{}\n{}\n{}\n{}", self.name, self.host, self.email, self.username).to_lowercase()
    }
}

/// One settings as the edit panel shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsView {
    pub id: SettingsId,
    pub version: i64,
    pub form: SettingsForm,
    pub has_password: bool,
    pub created_at: Timestamp,
    pub created_by: Option<String>,
    pub updated_at: Timestamp,
    pub updated_by: Option<String>,
    pub last_test: Option<LastTest>,
    pub is_default: bool,
    /// OAuth2 with a refresh token: when, and by whom, "Connect" got one.
    #[serde(default)]
    pub connected: Option<(Timestamp, String)>,
}

impl SettingsView {
    pub fn summary(&self) -> SettingsSummary {
        SettingsSummary {
            id: self.id,
            name: self.form.name.clone(),
            host: self.form.host.clone(),
            port: self.form.port.parse().unwrap_or_default(),
            email: self.form.email.clone(),
            username: self.form.username.clone(),
            last_test: self.last_test.clone(),
            is_default: self.is_default,
            template_count: 0,
            health: DeliveryHealth::default(),
            failing_over: false,
            backs_up: 0,
            cert_expires_at: None,
        }
    }
}

/// Save: create when `id` is None, otherwise update the `version` the editor loaded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsInput {
    pub id: Option<SettingsId>,
    pub version: Option<i64>,
    pub form: SettingsForm,
    pub password: PasswordChange,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub created_at: Timestamp,
    pub last_sign_in: Option<Timestamp>,
    /// Changes with every save; a role change names the version it was made from.
    pub version: i64,
}

/// Typed passwords cross the wire once, inbound; `Debug` never prints them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("email", &self.email).finish_non_exhaustive()
    }
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub password: String,
}

/// Someone invited by email: they choose their own password from the link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewInvite {
    pub name: String,
    pub email: String,
    pub role: Role,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser").field("email", &self.email).field("role", &self.role).finish_non_exhaustive()
    }
}
