//! Plain types that parse user input: each `parse` returns either a value that is valid by
//! construction or a typed error, whose text is the message the user reads under the field. The browser runs them as the
//! user types; the server runs them again before anything is stored.

mod account;
mod arrival;
mod certificate;
pub mod changes;
mod email;
mod field;
mod field_errors;
mod field_key;
mod host;
mod ids;
mod name;
pub mod oauth;
mod password;
mod person;
mod port;
mod presets;
mod secret_rules;
mod settings;
pub(crate) mod stored;
pub mod template;
mod template_field;
mod text;
mod timestamp;

pub use account::{AccountPassword, AccountPasswordError, DisplayName, Role, UnknownRole, INVITE_LINK_DAYS, RESET_LINK_MINUTES};
pub use certificate::{CertificatePin, PinError};
pub use email::{EmailAddress, EmailError, EmailProblem};
pub use field::Field;
pub use field_errors::FieldErrors;
pub use field_key::FieldKey;
pub use host::{HostError, SmtpHost};
pub use ids::{AuditId, MailId, SettingsId, TemplateId, TokenId, UserId};
pub use name::{name_key, SettingsName};
pub use oauth::{Auth, AuthMethod};
pub use password::{NewPassword, PasswordChange, PasswordError, SAVED_PASSWORD_PLACEHOLDER};
pub use person::{check_new_person, check_person};
pub use port::{Port, PortError};
pub use presets::{preset, presets, Preset};
pub use secret_rules::{check_password, SecretError};
pub use settings::{SettingsForm, ValidSettings};
pub use stored::UnknownStored;
pub use template::{sample_for, sample_variables, PlaceholderRule, TemplateForm, PLACEHOLDERS, SYSTEM_VARIABLES};
pub use template_field::TemplateField;
pub use text::{FromName, TextError, Username};
pub use timestamp::Timestamp;
