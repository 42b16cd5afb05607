//! How Mailroom connects to a relay: one set of rules for the test conversation and for the
//! outbox. TLS from the first byte on 465 (unless STARTTLS is asked for); otherwise STARTTLS
//! whenever the server offers it, and required when "Use STARTTLS Only" is on or a Username is
//! set, so a password never travels in clear; sign-in with AUTH PLAIN or LOGIN; certificates
//! checked against the roots, or against the one trusted certificate.

use super::oauth::{Client, Grant, TokenError};
use super::tls::{Trust, Verifier};
use secrecy::SecretString;

/// The secrets a sign-in may need: the password or client secret, and a refresh token.
#[derive(Default)]
pub struct SignInSecrets {
    pub secret: Option<SecretString>,
    pub refresh_token: Option<SecretString>,
}
use app::domain::oauth::{ClientId, Scope, TokenUrl};
use app::domain::{Auth, CertificatePin, ValidSettings};
use lettre::transport::smtp::authentication::Mechanism;
use std::sync::Arc;
use tokio_rustls::TlsConnector;

/// The password sign-in methods Mailroom uses, best first.
const PASSWORD: [Mechanism; 2] = [Mechanism::Plain, Mechanism::Login];
/// OAuth2 sign-in: an access token as a bearer credential.
const TOKEN: [Mechanism; 1] = [Mechanism::Xoauth2];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub implicit_tls: bool,
    pub starttls_only: bool,
    pub sign_in: bool,
    pub certificate: Option<CertificatePin>,
    pub auth: Auth,
}

impl Policy {
    pub fn of(settings: &ValidSettings) -> Self {
        Self {
            implicit_tls: settings.implicit_tls(),
            starttls_only: settings.starttls_only,
            sign_in: !settings.username.is_empty(),
            certificate: settings.certificate,
            auth: settings.auth.clone(),
        }
    }

    /// The token endpoint, client and scope, when signing in with OAuth2.
    pub fn oauth(&self) -> Option<(&TokenUrl, &ClientId, &Scope)> {
        match &self.auth {
            Auth::Password => None,
            Auth::OAuth2 { token_url, client_id, scope, .. } => Some((token_url, client_id, scope)),
        }
    }

    /// The SASL mechanisms to sign in with, best first.
    pub fn mechanisms(&self) -> &'static [Mechanism] {
        match self.auth {
            Auth::Password => &PASSWORD,
            Auth::OAuth2 { .. } => &TOKEN,
        }
    }

    /// The token request for OAuth2 sign-in with the settings' client secret and, for the
    /// refresh-token grant, the refresh token "Connect" got. None for password sign-in.
    pub fn token_client<'a>(&'a self, secrets: &'a SignInSecrets) -> Result<Option<Client<'a>>, TokenError> {
        let Auth::OAuth2 { token_url, client_id, scope, authorize_url } = &self.auth else { return Ok(None) };
        let secret = secrets.secret.as_ref().ok_or(TokenError::NoSecret)?;
        let grant = match (authorize_url, &secrets.refresh_token) {
            (None, _) => Grant::ClientCredentials,
            (Some(_), Some(refresh)) => Grant::RefreshToken(refresh),
            (Some(_), None) => return Err(TokenError::NotConnected),
        };
        Ok(Some(Client { token_url, client_id, scope, secret, grant }))
    }

    /// Whether the conversation must be encrypted before going on past the greeting.
    pub fn must_encrypt(&self) -> bool {
        self.starttls_only || self.sign_in
    }

    /// The TLS connector for one connection under this policy.
    pub fn connector(&self, trust: &Trust) -> Result<(TlsConnector, Arc<Verifier>), rustls::Error> {
        trust.connector(self.certificate)
    }
}
