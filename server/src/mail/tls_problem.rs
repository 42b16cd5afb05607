//! Why a TLS handshake failed, read from rustls's error and the certificate the server
//! presented, and the advice for each case. The test and the outbox both use it.

use super::certificate::Facts;
use super::diagnose::{advice, Context};
use super::reply_guard::Violation;
use super::tls::Verifier;
use app::api::test_email::{Diagnosis, Step};
use app::domain::{CertificatePin, Field};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TlsProblem {
    NameMismatch(Vec<String>),
    /// No trusted certificate authority vouches for the certificate.
    Untrusted(Option<Facts>),
    /// Outside its validity dates.
    Expired(Option<Facts>),
    /// These settings trust one certificate, and the server presented another.
    Changed {
        pinned: CertificatePin,
        presented: Facts,
    },
    /// The server presented the trusted certificate but could not prove it holds its key.
    KeyNotHeld(Facts),
    /// The server did not speak TLS at all.
    NotTls,
    Other(String),
}

/// The handshake's failure: a safety rule Mailroom enforces, or a TLS problem.
pub fn classify(error: &std::io::Error, verifier: &Verifier) -> Result<TlsProblem, Violation> {
    use rustls::{CertificateError, Error as TlsError};
    if let Some(violation) = Violation::of(error) {
        return Err(violation);
    }
    let presented = verifier.presented().and_then(|der| Facts::of(&der));
    let inner = error.get_ref().and_then(|e| e.downcast_ref::<TlsError>());
    if let (Some(pinned), Some(presented)) = (verifier.pin(), &presented) {
        if presented.sha256 != pinned {
            return Ok(TlsProblem::Changed { pinned, presented: presented.clone() });
        }
        let dates = matches!(
            inner,
            Some(TlsError::InvalidCertificate(
                CertificateError::Expired
                    | CertificateError::ExpiredContext { .. }
                    | CertificateError::NotValidYet
                    | CertificateError::NotValidYetContext { .. }
            ))
        );
        if !dates && matches!(inner, Some(TlsError::InvalidCertificate(_))) {
            return Ok(TlsProblem::KeyNotHeld(presented.clone()));
        }
    }
    Ok(match inner {
        Some(TlsError::InvalidCertificate(cert)) => match cert {
            CertificateError::NotValidForName => TlsProblem::NameMismatch(Vec::new()),
            CertificateError::NotValidForNameContext { presented, .. } => TlsProblem::NameMismatch(presented.clone()),
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. } => TlsProblem::Expired(presented),
            // webpki checks the chain first, so a self-signed certificate lands here, and a
            // CA certificate used as the server's own comes as webpki's CaUsedAsEndEntity.
            CertificateError::UnknownIssuer => TlsProblem::Untrusted(presented),
            _ if presented.as_ref().is_some_and(|p| p.is_ca || p.self_signed) => TlsProblem::Untrusted(presented),
            other => TlsProblem::Other(format!("the certificate was refused ({other:?})")),
        },
        Some(TlsError::InvalidMessage(_)) | Some(TlsError::InappropriateMessage { .. }) => TlsProblem::NotTls,
        Some(other) => TlsProblem::Other(other.to_string()),
        None if error.kind() == std::io::ErrorKind::UnexpectedEof => {
            TlsProblem::Other("the server closed the connection during the handshake".into())
        }
        None => TlsProblem::Other(error.to_string()),
    })
}

const TRUST_FIX: &str = "If this is your own relay, compare the SHA-256 fingerprint below with the relay's own (openssl x509 -noout -fingerprint -sha256 -in its certificate file) and choose Trust this certificate. For a private CA that signs several relays, add the CA to the PEM file named by MAILROOM_SMTP_CA_FILE and restart Mailroom.";

impl TlsProblem {
    pub fn advise(&self, step: Step, cx: &Context<'_>) -> Diagnosis {
        let host = cx.host;
        let (mut d, shown, can_trust) = match self {
            TlsProblem::NameMismatch(presented) if !presented.is_empty() => (
                advice(
                    step,
                    format!("The server's certificate is for {}, not for “{host}”.", presented.join(", ")),
                    format!(
                        "Enter the name the certificate is issued for in Server Host Name, for example {}.",
                        presented[0].trim_start_matches("*.")
                    ),
                    &[Field::Host],
                ),
                None,
                false,
            ),
            TlsProblem::NameMismatch(_) => (
                advice(
                    step,
                    format!("The server's certificate is not valid for “{host}”."),
                    "Enter the host name the provider documents for SMTP in Server Host Name.",
                    &[Field::Host],
                ),
                None,
                false,
            ),
            TlsProblem::Untrusted(facts) => {
                let cause = match facts {
                    Some(f) if f.is_ca => format!(
                        "The server presented a certificate authority's certificate ({}{}) as its own certificate. No trusted authority vouches for it, and a server should present a certificate issued to it, not a CA's; “openssl req -x509” makes this kind by default.",
                        f.subject,
                        if f.self_signed { ", self-signed" } else { "" }
                    ),
                    Some(f) if f.self_signed => {
                        format!("The server presented a self-signed certificate ({}): no certificate authority vouches for it.", f.subject)
                    }
                    Some(f) => format!(
                        "The server's certificate ({}) is issued by “{}”, a certificate authority Mailroom does not trust.",
                        f.subject, f.issuer
                    ),
                    None => "The server's certificate is signed by a certificate authority Mailroom does not trust (self-signed, or a private CA).".into(),
                };
                (advice(step, cause, TRUST_FIX, &[Field::Host]), facts.as_ref(), facts.is_some())
            }
            TlsProblem::Expired(facts) => (
                advice(
                    step,
                    match facts {
                        Some(f) => format!("The server's certificate ({}) is outside its validity dates: it has expired, or is not valid yet.", f.subject),
                        None => "The server's certificate has expired (or is not valid yet).".into(),
                    },
                    "Ask the mail server's administrator to renew the certificate; Mailroom never skips this check.",
                    &[Field::Host],
                ),
                facts.as_ref(),
                false,
            ),
            TlsProblem::Changed { pinned, presented } => (
                advice(
                    step,
                    format!(
                        "The certificate changed: these settings trust only the certificate with SHA-256 {pinned}, and the server presented {} ({}).",
                        presented.sha256, presented.subject
                    ),
                    "If the relay's administrator replaced its certificate, check the new fingerprint with them, then choose Trust this certificate. If nobody did, someone may be intercepting the connection: do not trust it.",
                    &[Field::Certificate],
                ),
                Some(presented),
                true,
            ),
            TlsProblem::KeyNotHeld(presented) => (
                advice(
                    step,
                    format!(
                        "The server presented the trusted certificate ({}) but could not prove it holds its private key: it is not the server you trusted, and someone may be intercepting the connection.",
                        presented.subject
                    ),
                    "Trust nothing new. Check the network path to the relay with its administrator; Mailroom sends nothing until the real server answers.",
                    &[Field::Certificate],
                ),
                Some(presented),
                false,
            ),
            TlsProblem::NotTls => (
                advice(
                    step,
                    format!("The server on port {} did not answer with TLS.", cx.port),
                    "Port 465 speaks TLS from the first byte. If this server uses STARTTLS instead, use port 587 (usually) and turn Use STARTTLS Only on.",
                    &[Field::Port],
                ),
                None,
                false,
            ),
            TlsProblem::Other(text) => (
                advice(
                    step,
                    format!("The TLS handshake failed: {text}."),
                    "Check Port and Server Host Name; an old server may not support TLS 1.2 or newer, which Mailroom requires.",
                    &[Field::Port, Field::Host],
                ),
                None,
                false,
            ),
        };
        d.certificate = shown.map(Facts::shown);
        d.can_trust = can_trust;
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx() -> Context<'static> {
        Context {
            host: "relay.internal",
            port: 587,
            starttls_only: true,
            email: "billing@example.com",
            recipient: "a@example.com",
            oauth: false,
        }
    }

    fn facts(self_signed: bool, is_ca: bool, digest: u8) -> Facts {
        Facts {
            subject: "CN=relay.internal".into(),
            issuer: if self_signed { "CN=relay.internal".into() } else { "CN=Acme Internal CA".into() },
            not_before: 0,
            not_after: 4_000_000_000,
            sha256: CertificatePin::from_digest([digest; 32]),
            self_signed,
            is_ca,
        }
    }

    #[test]
    fn each_untrusted_kind_is_named_and_offers_trust_with_the_certificate() {
        let cases = [
            (facts(true, true, 1), "certificate authority's certificate"),
            (facts(true, false, 1), "self-signed"),
            (facts(false, false, 1), "issued by “CN=Acme Internal CA”"),
        ];
        for (f, words) in cases {
            let d = TlsProblem::Untrusted(Some(f)).advise(Step::Tls, &cx());
            assert!(d.cause.contains(words), "{}", d.cause);
            assert!(d.can_trust && d.fix.contains("Trust this certificate"));
            assert_eq!(d.certificate.unwrap().sha256, CertificatePin::from_digest([1; 32]));
            assert!(!d.cause.contains("Other("), "never a debug string");
        }
    }

    #[test]
    fn a_changed_certificate_shows_both_fingerprints() {
        let pinned = CertificatePin::from_digest([1; 32]);
        let d = TlsProblem::Changed { pinned, presented: facts(true, false, 2) }.advise(Step::Tls, &cx());
        assert!(d.cause.contains("certificate changed"));
        assert!(d.cause.contains(&pinned.to_string()) && d.cause.contains(&CertificatePin::from_digest([2; 32]).to_string()));
        assert_eq!(d.fields, [Field::Certificate]);
    }

    #[test]
    fn a_server_without_the_trusted_key_is_called_out_and_not_offered_for_trust() {
        let d = TlsProblem::KeyNotHeld(facts(true, false, 1)).advise(Step::Tls, &cx());
        assert!(d.cause.contains("could not prove it holds its private key") && !d.can_trust);
        assert_eq!(d.fields, [Field::Certificate]);
    }

    #[test]
    fn expired_and_misnamed_certificates_are_not_offered_for_trust() {
        assert!(!TlsProblem::Expired(Some(facts(true, false, 1))).advise(Step::Tls, &cx()).can_trust);
        assert!(!TlsProblem::NameMismatch(vec!["mail.example.com".into()]).advise(Step::Tls, &cx()).can_trust);
        assert!(!TlsProblem::Untrusted(None).advise(Step::Tls, &cx()).can_trust);
    }
}
