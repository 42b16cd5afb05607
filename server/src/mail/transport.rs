//! Sending queued mail over reused SMTP connections, a few per settings, under the same
//! connection policy as the test (`policy.rs`).
//!
//! Why not lettre's pooled transport: it does not set TCP_NODELAY, so the end of each DATA
//! waits for the server's delayed ACK (measured here: 23 mails/s per connection against 2,138
//! with it set). These connections are lettre's own `AsyncSmtpConnection`s over a socket
//! Mailroom opens.

use super::connection::{offers_pipelining, Connection};
use super::diagnose::Context;
use super::oauth::Tokens;
use super::policy::{Policy, SignInSecrets};
use super::probe::authenticate;
use super::stream::Tap;
use super::tls::Trust;
use crate::db::SettingsRow;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::commands::{Ehlo, Starttls};
use lettre::transport::smtp::extension::{ClientId, Extension, ServerInfo};
use rustls::pki_types::ServerName;
use secrecy::ExposeSecret;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

/// Why a mail was not sent, and whether trying again later can help.
#[derive(Debug)]
pub enum SendError {
    Permanent(String),
    Temporary(String),
    /// The connection broke or went quiet after the message was handed over: the server may
    /// have taken it. Tried again later through the same settings, never through a backup.
    Uncertain(String),
}

pub(super) fn smtp_error(error: lettre::transport::smtp::Error) -> SendError {
    use std::error::Error as _;
    match (error.status(), error.source()) {
        (Some(code), Some(text)) if error.is_permanent() => SendError::Permanent(format!("{code} {text}")),
        (Some(code), Some(text)) => SendError::Temporary(format!("{code} {text}")),
        _ => {
            let mut text = error.to_string();
            let mut source = error.source();
            while let Some(cause) = source {
                text = format!("{text}: {cause}");
                source = cause.source();
            }
            SendError::Temporary(text)
        }
    }
}

type Key = (i64, i64);

pub struct Connections {
    trust: Trust,
    tokens: std::sync::Arc<Tokens>,
    timeout: Duration,
    idle: Mutex<HashMap<Key, Vec<(Instant, Connection)>>>,
}

/// An idle connection older than this is closed rather than reused.
const IDLE: Duration = Duration::from_secs(30);

impl Connections {
    pub fn new(trust: Trust, tokens: std::sync::Arc<Tokens>, timeout: Duration) -> Self {
        Self { trust, tokens, timeout, idle: Mutex::new(HashMap::new()) }
    }

    fn key(settings: &SettingsRow) -> Key {
        (settings.id, settings.version)
    }

    /// An idle connection for these settings, or a new one.
    pub async fn take(&self, settings: &SettingsRow, policy: &Policy, secrets: &SignInSecrets) -> Result<Connection, SendError> {
        let reused = {
            let mut idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let list = idle.entry(Self::key(settings)).or_default();
            list.retain(|(since, _)| since.elapsed() < IDLE);
            list.pop()
        };
        match reused {
            Some((_, conn)) => Ok(conn),
            None => tokio::time::timeout(self.timeout, self.open(settings, policy, secrets)).await.unwrap_or_else(|_| {
                Err(SendError::Temporary(format!("{}:{} did not answer in time", settings.host, settings.port)))
            }),
        }
    }

    pub fn give_back(&self, settings: &SettingsRow, conn: Connection) {
        if conn.has_broken() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        idle.retain(|(id, version), _| *id != settings.id || *version == settings.version);
        idle.entry(Self::key(settings)).or_default().push((Instant::now(), conn));
    }

    async fn open(&self, s: &SettingsRow, policy: &Policy, secrets: &SignInSecrets) -> Result<Connection, SendError> {
        let port = s.port as u16;
        let tcp = TcpStream::connect((s.host.as_str(), port))
            .await
            .map_err(|e| SendError::Temporary(format!("cannot connect to {}:{port}: {e}", s.host)))?;
        let _ = tcp.set_nodelay(true);
        let peer = tcp.peer_addr().map_err(|e| SendError::Temporary(e.to_string()))?;
        let tap = Tap::with_recording(tcp, peer, false);
        let name = ServerName::try_from(s.host.clone()).map_err(|e| SendError::Permanent(e.to_string()))?;
        let (tls, verifier) = policy.connector(&self.trust).map_err(|e| SendError::Temporary(e.to_string()))?;
        let tls_failed = |e: std::io::Error| {
            let cause = match super::tls_problem::classify(&e, &verifier) {
                Ok(problem) => {
                    let cx = Context {
                        host: &s.host,
                        port,
                        starttls_only: s.starttls_only,
                        email: &s.email,
                        recipient: "",
                        oauth: policy.oauth().is_some(),
                    };
                    problem.advise(app::api::test_email::Step::Tls, &cx).cause
                }
                Err(violation) => violation.to_string(),
            };
            SendError::Temporary(format!("TLS with {}: {cause}", s.host))
        };
        let (implicit, pinned) = (policy.implicit_tls, policy.certificate.is_some());
        if implicit {
            tap.start_tls(&tls, name.clone(), 0, pinned).await.map_err(tls_failed)?;
        }
        let hello = ClientId::default();
        let mut conn = AsyncSmtpConnection::connect_with_transport(tap.stream(), &hello).await.map_err(smtp_error)?;
        let mut info = conn.server_info().clone();
        let mut encrypted = implicit;
        let pipelining = if !implicit && info.supports_feature(Extension::StartTls) {
            conn.command(Starttls).await.map_err(smtp_error)?;
            tap.start_tls(&tls, name, 0, pinned).await.map_err(tls_failed)?;
            let ehlo = conn.command(Ehlo::new(hello)).await.map_err(smtp_error)?;
            info = ServerInfo::from_response(&ehlo).map_err(smtp_error)?;
            encrypted = true;
            offers_pipelining(&ehlo)
        } else {
            // lettre keeps only the extensions it uses from its own EHLO: ask again to see
            // PIPELINING. A server that refuses a second EHLO is simply not sent batches.
            match conn.command(Ehlo::new(hello)).await {
                Ok(ehlo) => offers_pipelining(&ehlo),
                Err(refused) if refused.status().is_some() => false,
                Err(broken) => return Err(smtp_error(broken)),
            }
        };
        if !encrypted && policy.must_encrypt() {
            return Err(SendError::Temporary(format!(
                "{}:{port} does not offer STARTTLS, so Mailroom will not {}",
                s.host,
                if s.username.is_empty() { "send (Use STARTTLS Only is on)" } else { "sign in" }
            )));
        }
        if policy.sign_in {
            let mechanism = info.get_auth_mechanism(policy.mechanisms()).ok_or_else(|| {
                let wanted = if policy.oauth().is_some() {
                    "OAuth2 sign-in (AUTH XOAUTH2)"
                } else {
                    "password sign-in (AUTH PLAIN or LOGIN)"
                };
                SendError::Temporary(format!("{} offers no {wanted}", s.host))
            })?;
            let client = policy
                .token_client(secrets)
                .map_err(|e| SendError::Temporary(format!("Getting an OAuth2 access token failed: {e}")))?;
            let token = match &client {
                Some(client) => Some(
                    self.tokens
                        .get(client)
                        .await
                        .map_err(|e| SendError::Temporary(format!("Getting an OAuth2 access token failed: {e}")))?,
                ),
                None => None,
            };
            let secret = token.as_ref().or(secrets.secret.as_ref()).map(|p| p.expose_secret().to_owned()).unwrap_or_default();
            let signed_in = authenticate(&mut conn, mechanism, &Credentials::new(s.username.clone(), secret)).await;
            if let (Err(_), Some(client)) = (&signed_in, &client) {
                // Perhaps revoked before it expired: the next connection gets a new one.
                self.tokens.forget(client);
            }
            signed_in.map_err(smtp_error)?;
        }
        Ok(Connection { info, pipelining, smtp: conn })
    }

    /// Starts a mail: MAIL FROM, RCPT TO and DATA. Until the message's final dot the server has
    /// taken nothing, so every failure here is definite (a refusal, or a mail that never left).
    pub async fn start_mail(&self, conn: &mut Connection, envelope: &Envelope, message: &[u8]) -> Result<(), SendError> {
        let failed = match tokio::time::timeout(self.timeout, conn.envelope(envelope, message)).await {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(e)) => e,
            Err(_) => SendError::Temporary("the server did not answer in time".into()),
        };
        conn.smtp.abort().await;
        Err(failed)
    }

    /// Hands over the message that `start_mail` began; the server's reply on success. The final
    /// dot makes the server responsible for the mail, so a connection lost after it leaves the
    /// outcome uncertain.
    pub async fn finish_mail(&self, conn: &mut Connection, message: &[u8]) -> Result<String, SendError> {
        let failed = match tokio::time::timeout(self.timeout, conn.smtp.message(message)).await {
            Ok(Ok(response)) => {
                return Ok(format!("{} {}", response.code(), response.message().collect::<Vec<_>>().join(" ")));
            }
            Ok(Err(e)) => match (e.status(), smtp_error(e)) {
                (None, SendError::Temporary(text)) => SendError::Uncertain(text),
                (_, answered) => answered,
            },
            Err(_) => SendError::Uncertain("the server did not answer in time".into()),
        };
        conn.smtp.abort().await;
        Err(failed)
    }
}
