//! How Mailroom connects to a relay: one set of rules for the test conversation and for the
//! outbox. TLS from the first byte on 465 (unless STARTTLS is asked for); otherwise STARTTLS
//! whenever the server offers it, and required when "Use STARTTLS Only" is on or a Username is
//! set, so a password never travels in clear; sign-in with AUTH PLAIN or LOGIN; certificates
//! checked against the roots, or against the one trusted certificate.

use super::tls::{Trust, Verifier};
use app::domain::{CertificatePin, ValidSettings};
use lettre::transport::smtp::authentication::Mechanism;
use std::sync::Arc;
use tokio_rustls::TlsConnector;

/// The sign-in methods Mailroom uses, best first.
pub const MECHANISMS: [Mechanism; 2] = [Mechanism::Plain, Mechanism::Login];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub implicit_tls: bool,
    pub starttls_only: bool,
    pub sign_in: bool,
    pub certificate: Option<CertificatePin>,
}

impl Policy {
    pub fn of(settings: &ValidSettings) -> Self {
        Self {
            implicit_tls: settings.implicit_tls(),
            starttls_only: settings.starttls_only,
            sign_in: !settings.username.is_empty(),
            certificate: settings.certificate,
        }
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
