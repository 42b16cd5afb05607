//! The fields of the SMTP settings form: their order and their labels, exactly as the help
//! page names them, shared by the server's messages and the browser's.

use super::SettingsForm;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Field {
    Name,
    StartTlsOnly,
    Host,
    Port,
    From,
    Email,
    Username,
    Password,
    Certificate,
    Auth,
    TokenUrl,
    ClientId,
    Scope,
    AuthorizeUrl,
    Backup,
}

impl Field {
    /// In the order the form shows them.
    pub const ALL: [Field; 15] = [
        Field::Name,
        Field::StartTlsOnly,
        Field::Host,
        Field::Port,
        Field::From,
        Field::Email,
        Field::Username,
        Field::Password,
        Field::Certificate,
        Field::Auth,
        Field::TokenUrl,
        Field::ClientId,
        Field::Scope,
        Field::AuthorizeUrl,
        Field::Backup,
    ];

    /// The label, exactly as the help page names the field.
    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "Name",
            Field::StartTlsOnly => "Use STARTTLS Only",
            Field::Host => "Server Host Name",
            Field::Port => "Port",
            Field::From => "From",
            Field::Email => "Email Address",
            Field::Username => "Username",
            Field::Password => "Password",
            Field::Certificate => "Trusted Certificate",
            Field::Auth => "Authentication",
            Field::TokenUrl => "Token URL",
            Field::ClientId => "Client ID",
            Field::Scope => "Scope",
            Field::AuthorizeUrl => "Authorization URL",
            Field::Backup => "Backup settings",
        }
    }

    /// A field is required exactly when its parser refuses an empty value.
    pub fn is_required(self) -> bool {
        SettingsForm::default().check(self).is_some()
    }
}
