//! What a server's certificate says about itself, for the diagnosis and for pinning.

use app::api::test_email::CertificateFacts;
use app::api::Timestamp;
use app::domain::CertificatePin;
use sha2::{Digest, Sha256};
use x509_parser::prelude::{FromDer, X509Certificate};

/// The SHA-256 of the certificate's DER bytes, as `openssl x509 -fingerprint -sha256` shows it.
pub fn fingerprint(der: &[u8]) -> CertificatePin {
    CertificatePin::from_digest(Sha256::digest(der).into())
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub subject: String,
    pub issuer: String,
    /// Seconds since the Unix epoch.
    pub not_before: i64,
    pub not_after: i64,
    pub sha256: CertificatePin,
    /// Issued by itself (its subject is its issuer), as `openssl req -x509` makes them.
    pub self_signed: bool,
    /// Marked as a certificate authority (basic constraints CA:TRUE).
    pub is_ca: bool,
}

impl Facts {
    pub fn of(der: &[u8]) -> Option<Self> {
        let (_, cert) = X509Certificate::from_der(der).ok()?;
        let (self_signed, is_ca) = (cert.subject() == cert.issuer(), cert.is_ca());
        Some(Self {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            not_before: cert.validity().not_before.timestamp(),
            not_after: cert.validity().not_after.timestamp(),
            sha256: fingerprint(der),
            self_signed,
            is_ca,
        })
    }

    pub fn days_left(&self, now_unix: i64) -> i64 {
        (self.not_after - now_unix) / 86_400
    }

    /// For the browser, which shows it under the diagnosis.
    pub fn shown(&self) -> CertificateFacts {
        CertificateFacts {
            subject: self.subject.clone(),
            issuer: self.issuer.clone(),
            not_before: Timestamp(self.not_before * 1000),
            not_after: Timestamp(self.not_after * 1000),
            sha256: self.sha256,
        }
    }
}
