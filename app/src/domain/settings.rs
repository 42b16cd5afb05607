//! A whole SMTP settings form: the raw text as typed, and the parsed value it becomes. The
//! per-field rules come from the field types; the rules that span fields live here.

use super::oauth::{Auth, AuthMethod, ClientId, Scope, TokenUrl};
use super::{CertificatePin, EmailAddress, Field, FieldErrors, FromName, Port, SettingsId, SettingsName, SmtpHost, Username};
use serde::{Deserialize, Serialize};

/// The form as typed, sent by the browser and checked again by the server.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsForm {
    pub name: String,
    pub starttls_only: bool,
    pub host: String,
    pub port: String,
    pub from_name: String,
    pub email: String,
    pub username: String,
    /// The SHA-256 fingerprint of the one certificate trusted for this server, or empty. Set
    /// by "Trust this certificate" after a test, never typed.
    #[serde(default)]
    pub certificate: String,
    /// How to sign in when a Username is set; the OAuth2 fields only count for OAuth2.
    #[serde(default)]
    pub auth: AuthMethod,
    #[serde(default)]
    pub token_url: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub scope: String,
    /// The provider's sign-in page, for OAuth2 with a refresh token.
    #[serde(default)]
    pub authorize_url: String,
    /// The settings that carry this one's mail while it fails for now: their id as text, or
    /// empty for none.
    #[serde(default)]
    pub backup: String,
}

/// A settings that passed every rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidSettings {
    pub name: SettingsName,
    pub starttls_only: bool,
    pub host: SmtpHost,
    pub port: Port,
    pub from_name: FromName,
    pub email: EmailAddress,
    pub username: Username,
    pub certificate: Option<CertificatePin>,
    pub auth: Auth,
    pub backup: Option<SettingsId>,
}

impl SettingsForm {
    /// The message for one field, if its current text is not acceptable.
    pub fn check(&self, field: Field) -> Option<String> {
        match field {
            Field::Name => message(SettingsName::parse(&self.name)),
            Field::StartTlsOnly | Field::Password => None,
            Field::Host => message(SmtpHost::parse(&self.host)),
            Field::Port => message(Port::parse(&self.port)),
            Field::From => message(FromName::parse(&self.from_name)),
            Field::Email => message(EmailAddress::parse(&self.email)),
            Field::Username if self.oauth() && self.username.trim().is_empty() => {
                Some("Username is required for OAuth2: enter the mailbox to send as, for example billing@yourcompany.com.".into())
            }
            Field::Username => message(Username::parse(&self.username)),
            Field::Auth => None,
            Field::Backup => message(parse_backup(&self.backup)),
            Field::TokenUrl if self.oauth() => message(TokenUrl::parse(&self.token_url)),
            Field::ClientId if self.oauth() => message(ClientId::parse(&self.client_id)),
            Field::Scope if self.oauth() => message(Scope::parse(&self.scope)),
            Field::AuthorizeUrl if self.auth == AuthMethod::OAuth2RefreshToken => {
                message(TokenUrl::parse_as(&self.authorize_url, Field::AuthorizeUrl.label()))
            }
            Field::TokenUrl | Field::ClientId | Field::Scope | Field::AuthorizeUrl => None,
            Field::Certificate => message(CertificatePin::parse_optional(&self.certificate)),
        }
    }

    /// A new settings: submission port with STARTTLS required, the safe choice.
    pub fn new_default() -> Self {
        Self { port: "587".into(), starttls_only: true, ..Self::default() }
    }

    /// The text of a text field (empty for the checkbox and the password).
    pub fn text(&self, field: Field) -> &str {
        match field {
            Field::Name => &self.name,
            Field::Host => &self.host,
            Field::Port => &self.port,
            Field::From => &self.from_name,
            Field::Email => &self.email,
            Field::Username => &self.username,
            Field::Certificate => &self.certificate,
            Field::Auth => self.auth.key(),
            Field::TokenUrl => &self.token_url,
            Field::ClientId => &self.client_id,
            Field::Scope => &self.scope,
            Field::AuthorizeUrl => &self.authorize_url,
            Field::Backup => &self.backup,
            Field::StartTlsOnly | Field::Password => "",
        }
    }

    /// Changing the host or port forgets the trusted certificate: it belonged to that server.
    pub fn set_text(&mut self, field: Field, value: String) {
        if matches!(field, Field::Host | Field::Port) && self.text(field) != value {
            self.certificate.clear();
        }
        match field {
            Field::Name => self.name = value,
            Field::Host => self.host = value,
            Field::Port => self.port = value,
            Field::From => self.from_name = value,
            Field::Email => self.email = value,
            Field::Username => self.username = value,
            Field::Certificate => self.certificate = value,
            Field::Auth => self.auth = AuthMethod::from_key(&value).unwrap_or_default(),
            Field::TokenUrl => self.token_url = value,
            Field::ClientId => self.client_id = value,
            Field::Scope => self.scope = value,
            Field::AuthorizeUrl => self.authorize_url = value,
            Field::Backup => self.backup = value,
            Field::StartTlsOnly | Field::Password => {}
        }
    }

    pub fn validate(&self) -> Result<ValidSettings, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = keep(&mut errors, Field::Name, SettingsName::parse(&self.name));
        let host = keep(&mut errors, Field::Host, SmtpHost::parse(&self.host));
        let port = keep(&mut errors, Field::Port, Port::parse(&self.port));
        let from_name = keep(&mut errors, Field::From, FromName::parse(&self.from_name));
        let email = keep(&mut errors, Field::Email, EmailAddress::parse(&self.email));
        let username = match self.check(Field::Username) {
            Some(message) => keep::<Username, String>(&mut errors, Field::Username, Err(message)),
            None => keep(&mut errors, Field::Username, Username::parse(&self.username)),
        };
        let certificate = keep(&mut errors, Field::Certificate, CertificatePin::parse_optional(&self.certificate));
        let auth = match self.auth {
            AuthMethod::Password => Some(Auth::Password),
            AuthMethod::OAuth2ClientCredentials | AuthMethod::OAuth2RefreshToken => {
                let token_url = keep(&mut errors, Field::TokenUrl, TokenUrl::parse(&self.token_url));
                let client_id = keep(&mut errors, Field::ClientId, ClientId::parse(&self.client_id));
                let scope = keep(&mut errors, Field::Scope, Scope::parse(&self.scope));
                let authorize_url = match self.auth {
                    AuthMethod::OAuth2RefreshToken => match self.check(Field::AuthorizeUrl) {
                        Some(message) => keep::<Option<TokenUrl>, String>(&mut errors, Field::AuthorizeUrl, Err(message)),
                        None => TokenUrl::parse_as(&self.authorize_url, Field::AuthorizeUrl.label()).ok().map(Some),
                    },
                    _ => Some(None),
                };
                match (token_url, client_id, scope, authorize_url) {
                    (Some(token_url), Some(client_id), Some(scope), Some(authorize_url)) => {
                        Some(Auth::OAuth2 { token_url, client_id, scope, authorize_url })
                    }
                    _ => None,
                }
            }
        };
        let backup = keep(&mut errors, Field::Backup, parse_backup(&self.backup));
        match (name, host, port, from_name, email, username, certificate, auth, backup) {
            (
                Some(name),
                Some(host),
                Some(port),
                Some(from_name),
                Some(email),
                Some(username),
                Some(certificate),
                Some(auth),
                Some(backup),
            ) => Ok(ValidSettings {
                name,
                starttls_only: self.starttls_only,
                host,
                port,
                from_name,
                email,
                username,
                certificate,
                auth,
                backup,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("Choose the backup settings from the list.")]
pub struct BackupError;

fn parse_backup(raw: &str) -> Result<Option<SettingsId>, BackupError> {
    match raw.trim() {
        "" => Ok(None),
        text => text.parse::<SettingsId>().map(Some).map_err(|_| BackupError),
    }
}

fn message<T, E: std::fmt::Display>(parsed: Result<T, E>) -> Option<String> {
    parsed.err().map(|e| e.to_string())
}

fn keep<T, E: std::fmt::Display>(errors: &mut FieldErrors, field: Field, parsed: Result<T, E>) -> Option<T> {
    parsed.map_err(|e| errors.push(field, e)).ok()
}

fn implicit_tls(port: Port, starttls_only: bool) -> bool {
    port.is_smtps() && !starttls_only
}

impl SettingsForm {
    pub fn oauth(&self) -> bool {
        self.auth != AuthMethod::Password
    }

    /// As `ValidSettings::implicit_tls`, for the form as typed (false while the port is not valid).
    pub fn implicit_tls(&self) -> bool {
        Port::parse(&self.port).is_ok_and(|port| implicit_tls(port, self.starttls_only))
    }

    /// Use STARTTLS Only on the implicit-TLS port: a combination no server answers.
    pub fn starttls_on_tls_port(&self) -> bool {
        self.starttls_only && Port::parse(&self.port).is_ok_and(Port::is_smtps)
    }
}

impl ValidSettings {
    /// Whether the secret stored with `other` (the saved values) may go where these new values
    /// send it: change the server, port, username or STARTTLS choice, trust another certificate,
    /// or (for a client secret) change the Token URL or Client ID, and it must be typed again.
    /// Removing a trusted certificate does not count: the usual authorities then decide.
    pub fn same_endpoint(&self, other: &ValidSettings) -> bool {
        let oauth = |auth: &Auth| match auth {
            Auth::Password => None,
            Auth::OAuth2 { token_url, client_id, authorize_url, .. } => {
                Some((token_url.clone(), client_id.clone(), authorize_url.is_some()))
            }
        };
        self.host == other.host
            && self.port == other.port
            && self.username == other.username
            && self.starttls_only == other.starttls_only
            && (self.certificate.is_none() || self.certificate == other.certificate)
            && oauth(&self.auth) == oauth(&other.auth)
    }

    /// What the write-only secret is called for this sign-in method.
    pub fn secret_name(&self) -> &'static str {
        match self.auth {
            Auth::Password => "password",
            Auth::OAuth2 { .. } => "client secret",
        }
    }

    /// Port 465 is SMTP with TLS from the first byte (RFC 8314), unless STARTTLS is asked for.
    pub fn implicit_tls(&self) -> bool {
        implicit_tls(self.port, self.starttls_only)
    }

    /// A saved trusted certificate does not follow the settings to another host or port; a
    /// certificate trusted for the new server in the same save is kept.
    pub fn forget_moved_certificate(&mut self, saved: &ValidSettings) {
        let moved = self.host != saved.host || self.port != saved.port;
        if moved && self.certificate.is_some() && self.certificate == saved.certificate {
            self.certificate = None;
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn form() -> SettingsForm {
        SettingsForm {
            name: "Relay".into(),
            starttls_only: true,
            host: "smtp.example.com".into(),
            port: "587".into(),
            from_name: "Billing".into(),
            email: "billing@example.com".into(),
            username: "billing".into(),
            certificate: String::new(),
            ..SettingsForm::default()
        }
    }

    #[test]
    fn required_fields_follow_the_parsers() {
        let required: Vec<_> = Field::ALL.into_iter().filter(|f| f.is_required()).collect();
        assert_eq!(required, [Field::Name, Field::Host, Field::Port, Field::Email]);
    }

    #[test]
    fn validate_reports_every_bad_field_under_its_own_name() {
        let bad = SettingsForm { name: " ".into(), port: "70000".into(), email: "x".into(), ..form() };
        let errors = bad.validate().unwrap_err();
        assert!(errors.get(Field::Name).is_some());
        assert!(errors.get(Field::Port).unwrap().contains("65535"));
        assert!(errors.get(Field::Email).is_some());
        assert!(errors.get(Field::Host).is_none());
    }

    pub(crate) const PIN: &str =
        "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

    #[test]
    fn a_trusted_certificate_stays_with_its_server() {
        let mut typed = SettingsForm { certificate: PIN.into(), ..form() };
        typed.set_text(Field::Host, "smtp.example.com".into());
        assert_eq!(typed.certificate, PIN, "the same text is no change");
        typed.set_text(Field::Port, "2525".into());
        assert_eq!(typed.certificate, "");

        let saved = SettingsForm { certificate: PIN.into(), ..form() }.validate().unwrap();
        let mut moved = SettingsForm { host: "relay.internal".into(), ..saved_form() }.validate().unwrap();
        moved.forget_moved_certificate(&saved);
        assert_eq!(moved.certificate, None);
        let mut renamed = SettingsForm { name: "Other".into(), ..saved_form() }.validate().unwrap();
        renamed.forget_moved_certificate(&saved);
        assert!(renamed.certificate.is_some());
        let other = "01".repeat(32);
        let mut retrusted = SettingsForm { host: "relay.internal".into(), certificate: other, ..form() }.validate().unwrap();
        retrusted.forget_moved_certificate(&saved);
        assert!(retrusted.certificate.is_some());
    }

    fn saved_form() -> SettingsForm {
        SettingsForm { certificate: PIN.into(), ..form() }
    }

    #[test]
    fn a_malformed_fingerprint_is_refused_under_its_own_name() {
        let errors = SettingsForm { certificate: "not a hash".into(), ..form() }.validate().unwrap_err();
        assert!(errors.get(Field::Certificate).unwrap().contains("64 hexadecimal digits"));
    }

    #[test]
    fn only_465_without_starttls_is_implicit_tls() {
        let on = |port: &str, starttls_only| {
            SettingsForm { port: port.into(), starttls_only, ..form() }.validate().unwrap().implicit_tls()
        };
        assert!(on("465", false));
        assert!(!on("465", true) && !on("587", false) && !on("25", false));
        for (port, starttls_only) in [("465", false), ("465", true), ("587", false), ("25", true)] {
            let typed = SettingsForm { port: port.into(), starttls_only, ..form() };
            assert_eq!(typed.implicit_tls(), on(port, starttls_only), "the form and the saved settings agree");
            assert_eq!(typed.starttls_on_tls_port(), port == "465" && starttls_only);
        }
        assert!(!SettingsForm { port: "46x".into(), ..form() }.implicit_tls());
    }

    pub(crate) fn oauth_form() -> SettingsForm {
        SettingsForm {
            auth: AuthMethod::OAuth2ClientCredentials,
            token_url: crate::domain::oauth::microsoft_token_url("contoso.onmicrosoft.com"),
            client_id: "11111111-2222-3333-4444-555555555555".into(),
            scope: crate::domain::oauth::MICROSOFT_SCOPE.into(),
            ..form()
        }
    }

    #[test]
    fn oauth2_needs_its_fields_and_a_mailbox_and_only_then() {
        let errors = SettingsForm {
            token_url: "http://login.example.com".into(),
            client_id: " ".into(),
            username: String::new(),
            ..oauth_form()
        }
        .validate()
        .unwrap_err();
        assert!(errors.get(Field::TokenUrl).unwrap().contains("https://"));
        assert!(errors.get(Field::ClientId).is_some());
        assert!(errors.get(Field::Username).unwrap().contains("mailbox"));
        let password = SettingsForm { auth: AuthMethod::Password, token_url: "junk".into(), ..oauth_form() };
        assert!(password.validate().is_ok(), "the OAuth2 fields do not count for password sign-in");
        assert!(matches!(oauth_form().validate().unwrap().auth, Auth::OAuth2 { .. }));
    }
}
