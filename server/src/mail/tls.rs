//! Certificate trust for SMTP, the same for the test and the outbox: the Mozilla roots
//! (webpki-roots) plus, for internal relays with a private CA, the PEM bundle in
//! `MAILROOM_SMTP_CA_FILE`; or, for settings with a trusted certificate, exactly that
//! certificate. Verification is never off: a pinned certificate must still be within its
//! validity dates and prove it holds its key.

use super::certificate::{fingerprint, Facts};
use app::domain::CertificatePin;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, ClientConnection, DigitallySignedStruct, Error, RootCertStore, SignatureScheme};
use std::path::Path;
use std::sync::{Arc, Mutex};
use tokio_rustls::TlsConnector;

#[derive(Debug, thiserror::Error)]
#[error("MAILROOM_SMTP_CA_FILE: {0}")]
pub struct TrustError(String);

/// The certificates in the CA file, if one is configured.
pub fn extra_roots(ca_file: Option<&Path>) -> Result<Vec<CertificateDer<'static>>, TrustError> {
    let Some(path) = ca_file else { return Ok(Vec::new()) };
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| TrustError(format!("cannot read {}: {e}.", path.display())))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TrustError(format!("{} is not a PEM certificate bundle: {e}.", path.display())))?;
    if certs.is_empty() {
        return Err(TrustError(format!("{} holds no PEM certificate.", path.display())));
    }
    Ok(certs)
}

/// The roots, built once; a connector per connection, with that connection's pin.
#[derive(Clone)]
pub struct Trust {
    provider: Arc<CryptoProvider>,
    webpki: Arc<WebPkiServerVerifier>,
}

impl Trust {
    pub fn new(extra: &[CertificateDer<'static>]) -> Result<Self, TrustError> {
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        for cert in extra {
            roots.add(cert.clone()).map_err(|e| TrustError(format!("a certificate is not usable as a root: {e}.")))?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|e| TrustError(format!("TLS set-up failed: {e}.")))?;
        Ok(Self { provider, webpki })
    }

    /// A connector that trusts the roots, or with `pin`, that one certificate only. The
    /// verifier it returns says afterwards which certificate the server presented.
    pub fn connector(&self, pin: Option<CertificatePin>) -> Result<(TlsConnector, Arc<Verifier>), Error> {
        let verifier = Arc::new(Verifier { webpki: self.webpki.clone(), pin, presented: Mutex::new(None) });
        let config = ClientConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()?
            .dangerous()
            .with_custom_certificate_verifier(verifier.clone())
            .with_no_client_auth();
        Ok((TlsConnector::from(Arc::new(config)), verifier))
    }
}

#[derive(Debug)]
pub struct Verifier {
    webpki: Arc<WebPkiServerVerifier>,
    pin: Option<CertificatePin>,
    presented: Mutex<Option<CertificateDer<'static>>>,
}

impl Verifier {
    pub fn pin(&self) -> Option<CertificatePin> {
        self.pin
    }

    /// The server's own certificate, once the handshake got that far.
    pub fn presented(&self) -> Option<CertificateDer<'static>> {
        self.presented.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        *self.presented.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(end_entity.clone().into_owned());
        let Some(pin) = self.pin else {
            return self.webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now);
        };
        if fingerprint(end_entity) != pin {
            return Err(Error::InvalidCertificate(CertificateError::ApplicationVerificationFailure));
        }
        let facts = Facts::of(end_entity).ok_or(Error::InvalidCertificate(CertificateError::BadEncoding))?;
        let now = now.as_secs() as i64;
        if now > facts.not_after {
            return Err(Error::InvalidCertificate(CertificateError::Expired));
        }
        if now < facts.not_before {
            return Err(Error::InvalidCertificate(CertificateError::NotValidYet));
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// What a finished handshake showed.
pub struct Handshake {
    /// "TLS 1.3 (TLS13_AES_256_GCM_SHA384); certificate CN=mail.example.com, issued by CN=R11, O=Let's Encrypt, C=US; expires in 61 days"
    pub described: String,
    /// Whole days until the server's certificate expires.
    pub days_left: Option<i64>,
    /// When it expires, in seconds since the Unix epoch.
    pub not_after: Option<i64>,
}

pub fn describe(connection: &ClientConnection, now_unix: i64, pinned: bool) -> Handshake {
    let version = match connection.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3".to_owned(),
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2".to_owned(),
        Some(other) => format!("{other:?}"),
        None => "TLS".to_owned(),
    };
    let suite = connection.negotiated_cipher_suite().map(|s| format!(" ({:?})", s.suite())).unwrap_or_default();
    let leaf = connection.peer_certificates().and_then(|chain| chain.first()).and_then(|leaf| Facts::of(leaf));
    let certificate = leaf
        .as_ref()
        .map(|f| {
            let trust = if pinned { format!("; the trusted certificate (SHA-256 {})", f.sha256) } else { String::new() };
            format!("; certificate {}, issued by {}; expires in {} days{trust}", f.subject, f.issuer, f.days_left(now_unix))
        })
        .unwrap_or_default();
    Handshake {
        described: format!("{version}{suite}{certificate}"),
        days_left: leaf.as_ref().map(|f| f.days_left(now_unix)),
        not_after: leaf.map(|f| f.not_after),
    }
}
