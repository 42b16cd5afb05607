//! Certificate trust for SMTP: the Mozilla roots (webpki-roots) plus, for internal relays
//! with a private CA, the PEM bundle in `MAILROOM_SMTP_CA_FILE`. Verification is never off.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, ClientConnection, RootCertStore};
use std::path::Path;
use std::sync::Arc;
use x509_parser::prelude::{FromDer, X509Certificate};

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

pub fn client_config(extra: &[CertificateDer<'static>]) -> Result<Arc<ClientConfig>, TrustError> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for cert in extra {
        roots.add(cert.clone()).map_err(|e| TrustError(format!("a certificate is not usable as a root: {e}.")))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TrustError(format!("TLS set-up failed: {e}.")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// What a finished handshake showed.
pub struct Handshake {
    /// "TLS 1.3 (TLS13_AES_256_GCM_SHA384); certificate CN=mail.example.com, issued by CN=R11, O=Let's Encrypt, C=US; expires in 61 days"
    pub described: String,
    /// Whole days until the server's certificate expires.
    pub days_left: Option<i64>,
}

pub fn describe(connection: &ClientConnection, now_unix: i64) -> Handshake {
    let version = match connection.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3".to_owned(),
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2".to_owned(),
        Some(other) => format!("{other:?}"),
        None => "TLS".to_owned(),
    };
    let suite = connection.negotiated_cipher_suite().map(|s| format!(" ({:?})", s.suite())).unwrap_or_default();
    let leaf = connection
        .peer_certificates()
        .and_then(|chain| chain.first())
        .and_then(|leaf| X509Certificate::from_der(leaf.as_ref()).ok())
        .map(|(_, cert)| {
            ((cert.validity().not_after.timestamp() - now_unix) / 86_400, cert.subject().to_string(), cert.issuer().to_string())
        });
    let certificate = leaf
        .as_ref()
        .map(|(days, subject, issuer)| format!("; certificate {subject}, issued by {issuer}; expires in {days} days"))
        .unwrap_or_default();
    Handshake { described: format!("{version}{suite}{certificate}"), days_left: leaf.map(|(days, _, _)| days) }
}
