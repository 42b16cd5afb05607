//! The test conversation, one step at a time: resolve, connect, TLS, greeting, sign-in,
//! sender, recipient, message. Each step is reported as it finishes. Credentials are never
//! sent over an unencrypted connection, and a hung server cannot hold the test longer than
//! the overall time limit.

use super::diagnose::{diagnose, Context, Failure, TlsProblem};
use super::message::{self, About};
use super::oauth::Tokens;
use super::policy::{Policy, SignInSecrets};
use super::reply_guard::Violation;
use super::stream::Tap;
use super::tls::{Trust, Verifier};
use super::transcript::Mode;
use app::api::test_email::{Step, TestEvent};
use app::api::Timestamp;
use futures::channel::mpsc::{unbounded, UnboundedReceiver, UnboundedSender};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::commands::{Auth, Data, Ehlo, Mail, Rcpt, Starttls};
use lettre::transport::smtp::extension::{ClientId, Extension, ServerInfo};
use lettre::transport::smtp::response::Response;
use rustls::pki_types::ServerName;
use secrecy::ExposeSecret;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::net::TcpStream;
use tracing::Instrument;

pub struct Probe {
    pub trust: Trust,
    pub tokens: Arc<Tokens>,
    pub connect_timeout: Duration,
    pub total_timeout: Duration,
}

/// The values under test.
pub struct Target {
    pub settings_name: String,
    pub host: String,
    pub port: u16,
    pub starttls_only: bool,
    pub from_name: String,
    pub email: String,
    pub username: String,
    pub policy: Policy,
    pub secrets: SignInSecrets,
    pub recipient: String,
    pub requested_by: String,
}

/// How the run ended, for the caller that stores the last result.
pub struct Ended {
    pub ok: bool,
    pub at: i64,
    pub failure: Option<(Step, String)>,
    /// When the server's certificate expires (milliseconds), if the conversation used TLS.
    pub cert_expires_at: Option<i64>,
}

struct Run {
    events: UnboundedSender<TestEvent>,
    step: Step,
    started: Instant,
    tap: Option<Tap>,
    cert_expires_at: Option<i64>,
}

impl Run {
    fn begin(&mut self, step: Step) {
        self.step = step;
        self.started = Instant::now();
        let _ = self.events.unbounded_send(TestEvent::Started(step));
    }

    fn millis(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    fn pass(&mut self, detail: String) {
        self.pass_warned(detail, None);
    }

    fn pass_warned(&mut self, detail: String, warning: Option<String>) {
        let _ = self.events.unbounded_send(TestEvent::Passed { step: self.step, millis: self.millis(), detail, warning });
    }

    fn skip(&mut self, step: Step, reason: &str) {
        let _ = self.events.unbounded_send(TestEvent::Skipped { step, reason: reason.to_owned() });
    }
}

fn now_unix() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

impl Probe {
    /// Starts the test; events arrive on the receiver, and the task's result says how it ended.
    pub fn start(self: Arc<Self>, target: Target) -> (UnboundedReceiver<TestEvent>, tokio::task::JoinHandle<Ended>) {
        let (tx, rx) = unbounded();
        // The span carries where, never who or with what password.
        let span =
            tracing::info_span!("smtp_test", host = %target.host, port = target.port, starttls_only = target.starttls_only);
        let task = tokio::spawn(
            async move {
                let mut run = Run { events: tx, step: Step::Resolve, started: Instant::now(), tap: None, cert_expires_at: None };
                let outcome = tokio::time::timeout(self.total_timeout, self.converse(&mut run, &target)).await;
                let failure = match outcome {
                    Ok(Ok(())) => None,
                    Ok(Err(failure)) => Some(failure),
                    Err(_) => Some(Failure::Timeout(self.total_timeout)),
                };
                let cx = Context {
                    host: &target.host,
                    port: target.port,
                    starttls_only: target.starttls_only,
                    email: &target.email,
                    recipient: &target.recipient,
                    oauth: target.policy.oauth().is_some(),
                };
                let summary = failure.map(|failure| {
                    let mut diagnosis = diagnose(run.step, &failure, &cx);
                    if diagnosis.reply.is_none() {
                        diagnosis.reply = run.tap.as_ref().and_then(|tap| last_reply_code(&tap.last_reply()));
                    }
                    let summary = (run.step, diagnosis.cause.clone());
                    let _ = run.events.unbounded_send(TestEvent::Failed { step: run.step, millis: run.millis(), diagnosis });
                    summary
                });
                let secret = target.secrets.secret.as_ref().map(|p| p.expose_secret().to_owned());
                let transcript = run.tap.take().map(|tap| tap.transcript().finish(secret.as_deref())).unwrap_or_default();
                let (ok, at) = (summary.is_none(), crate::db::now_ms());
                let _ = run.events.unbounded_send(TestEvent::Finished { ok, at: Timestamp(at), transcript, stored: None });
                Ended { ok, at, failure: summary, cert_expires_at: run.cert_expires_at }
            }
            .instrument(span),
        );
        (rx, task)
    }

    async fn converse(&self, run: &mut Run, t: &Target) -> Result<(), Failure> {
        run.begin(Step::Resolve);
        let addresses: Vec<SocketAddr> =
            tokio::net::lookup_host((t.host.as_str(), t.port)).await.map_err(|e| Failure::Dns(e.to_string()))?.collect();
        if addresses.is_empty() {
            return Err(Failure::NoAddress);
        }
        let listed: Vec<String> = addresses.iter().map(|a| a.ip().to_string()).collect();
        run.pass(format!("{} address{}: {}", listed.len(), if listed.len() == 1 { "" } else { "es" }, listed.join(", ")));

        run.begin(Step::Connect);
        let (tcp, peer) = self.connect(&addresses).await?;
        run.pass(format!("Connected to {peer}"));
        let tap = Tap::new(tcp, peer);
        run.tap = Some(tap.clone());
        let name = ServerName::try_from(t.host.clone()).map_err(|e| Failure::Tls(TlsProblem::Other(e.to_string())))?;
        let (tls, verifier) = t.policy.connector(&self.trust).map_err(|e| Failure::Tls(TlsProblem::Other(e.to_string())))?;
        let pinned = t.policy.certificate.is_some();
        let tls_failure = |e: std::io::Error| tls_failure(&e, &verifier);

        let implicit = t.policy.implicit_tls;
        if implicit {
            run.begin(Step::Tls);
            let handshake = tap.start_tls(&tls, name.clone(), now_unix(), pinned).await.map_err(tls_failure)?;
            run.cert_expires_at = handshake.not_after.map(|s| s * 1000);
            run.pass_warned(handshake.described, expiry_warning(handshake.days_left));
        }

        run.begin(Step::Greeting);
        let hello = ClientId::default();
        let mut conn = AsyncSmtpConnection::connect_with_transport(tap.stream(), &hello).await.map_err(smtp_failure)?;
        let mut info = conn.server_info().clone();
        run.pass(format!("{}; offers {}", info.name(), capabilities(&tap.last_reply())));

        let mut encrypted = implicit;
        if !implicit {
            if info.supports_feature(Extension::StartTls) {
                run.begin(Step::Tls);
                conn.command(Starttls).await.map_err(smtp_failure)?;
                let handshake = tap.start_tls(&tls, name, now_unix(), pinned).await.map_err(tls_failure)?;
                let ehlo = conn.command(Ehlo::new(hello)).await.map_err(smtp_failure)?;
                info = ServerInfo::from_response(&ehlo).map_err(smtp_failure)?;
                encrypted = true;
                let detail = format!("STARTTLS: {}; then offers {}", handshake.described, capabilities(&tap.last_reply()));
                run.cert_expires_at = handshake.not_after.map(|s| s * 1000);
                run.pass_warned(detail, expiry_warning(handshake.days_left));
            } else if t.policy.starttls_only {
                run.begin(Step::Tls);
                return Err(Failure::NoStartTls);
            } else {
                run.skip(Step::Tls, "The server does not offer STARTTLS; the connection stays unencrypted.");
            }
        }

        if !t.policy.sign_in {
            run.skip(Step::Authenticate, "No Username is set, so Mailroom does not sign in.");
        } else {
            let token_client = t.policy.token_client(&t.secrets);
            run.begin(if t.policy.oauth().is_some() { Step::Token } else { Step::Authenticate });
            if !encrypted {
                return Err(Failure::PlainAuth);
            }
            let token = match token_client.map_err(Failure::Token)? {
                Some(client) => {
                    let token = self.tokens.fetch(&client).await.map_err(Failure::Token)?;
                    let endpoint = client.token_url.as_str().split('/').take(3).collect::<Vec<_>>().join("/");
                    run.pass(format!("An access token from {endpoint}, valid for {} minutes", token.lifetime.as_secs() / 60));
                    Some(token.access)
                }
                None => None,
            };
            run.begin(Step::Authenticate);
            let Some(mechanism) = info.get_auth_mechanism(t.policy.mechanisms()) else {
                let offered = capabilities(&tap.last_reply());
                let auth = offered.split(", ").find(|c| c.starts_with("AUTH")).map(str::to_owned);
                return Err(auth.map_or(Failure::NoAuth, Failure::NoCommonMechanism));
            };
            let password = token.as_ref().or(t.secrets.secret.as_ref()).map(|p| p.expose_secret().to_owned()).unwrap_or_default();
            let credentials = Credentials::new(t.username.clone(), password);
            tap.set_mode(Mode::Auth);
            let signed_in = authenticate(&mut conn, mechanism, &credentials).await;
            tap.set_mode(Mode::Normal);
            signed_in.map_err(smtp_failure)?;
            run.pass(format!("Signed in as {} with AUTH {mechanism}", t.username));
        }

        let about = About {
            settings_name: &t.settings_name,
            host: &t.host,
            port: t.port,
            from_name: &t.from_name,
            email: &t.email,
            recipient: &t.recipient,
            requested_by: &t.requested_by,
        };
        run.begin(Step::Sender);
        let message = message::build(&about, SystemTime::now()).map_err(Failure::BadAddress)?;
        let reply = conn.command(Mail::new(Some(message.from), vec![])).await.map_err(smtp_failure)?;
        run.pass(text_of(&reply));

        run.begin(Step::Recipient);
        let reply = conn.command(Rcpt::new(message.to, vec![])).await.map_err(smtp_failure)?;
        run.pass(text_of(&reply));

        run.begin(Step::Message);
        conn.command(Data).await.map_err(smtp_failure)?;
        tap.set_mode(Mode::Data);
        let accepted = conn.message(&message.bytes).await;
        tap.set_mode(Mode::Normal);
        let reply = text_of(&accepted.map_err(smtp_failure)?);
        let queue = reply.split_once("queued as ").map(|(_, id)| format!(" (queue id {})", id.trim())).unwrap_or_default();
        run.pass(format!("{reply}{queue}"));
        let _ = conn.quit().await;
        Ok(())
    }

    async fn connect(&self, addresses: &[SocketAddr]) -> Result<(TcpStream, SocketAddr), Failure> {
        let mut last = Failure::NoAddress;
        for address in addresses {
            match tokio::time::timeout(self.connect_timeout, TcpStream::connect(address)).await {
                Ok(Ok(stream)) => {
                    // Without it, the end of every DATA waits out the peer's delayed ACK.
                    let _ = stream.set_nodelay(true);
                    return Ok((stream, *address));
                }
                Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => last = Failure::Refused,
                Ok(Err(e)) => last = Failure::Unreachable(e.to_string()),
                Err(_) => last = Failure::ConnectTimeout(self.connect_timeout),
            }
        }
        Err(last)
    }
}

/// The AUTH exchange, answering the server's challenges (at most ten).
pub(crate) async fn authenticate(
    conn: &mut AsyncSmtpConnection,
    mechanism: Mechanism,
    credentials: &Credentials,
) -> Result<Response, lettre::transport::smtp::Error> {
    let mut response = conn.command(Auth::new(mechanism, credentials.clone(), None)?).await?;
    for _ in 0..10 {
        if !response.has_code(334) {
            break;
        }
        response = if mechanism == Mechanism::Xoauth2 {
            // A refused token comes back as a JSON error challenge (RFC 7628): answer it with
            // an empty line to get the final reply.
            conn.command(EmptyResponse).await?
        } else {
            conn.command(Auth::new_from_response(mechanism, credentials.clone(), &response)?).await?
        };
    }
    Ok(response)
}

struct EmptyResponse;

impl std::fmt::Display for EmptyResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\r\n")
    }
}

/// Certificates this close to expiry get a warning rather than a plain pass.
const EXPIRY_WARNING_DAYS: i64 = 14;

fn expiry_warning(days_left: Option<i64>) -> Option<String> {
    let days = days_left.filter(|d| *d < EXPIRY_WARNING_DAYS)?;
    let when = match days {
        0 => "today".to_owned(),
        1 => "in 1 day".to_owned(),
        n => format!("in {n} days"),
    };
    Some(format!(
        "The server's certificate expires {when}. Ask the mail server's administrator to renew it; once it expires, Mailroom stops sending through it."
    ))
}

fn text_of(response: &Response) -> String {
    format!("{} {}", response.code(), response.message().collect::<Vec<_>>().join(" "))
}

/// "STARTTLS, AUTH PLAIN LOGIN, SIZE 10240000" from an EHLO reply (its first line is the name).
fn capabilities(reply: &[String]) -> String {
    let caps: Vec<&str> = reply.iter().skip(1).filter_map(|line| line.get(4..)).collect();
    if caps.is_empty() {
        "no extensions".into()
    } else {
        caps.join(", ")
    }
}

fn last_reply_code(reply: &[String]) -> Option<(u16, String)> {
    let last = reply.last()?;
    let code = last.get(..3)?.parse::<u16>().ok().filter(|c| *c >= 400)?;
    Some((code, reply.iter().filter_map(|l| l.get(4..)).collect::<Vec<_>>().join(" ")))
}

fn smtp_failure(error: lettre::transport::smtp::Error) -> Failure {
    use std::error::Error as _;
    if let Some(code) = error.status() {
        let text = error.source().map(ToString::to_string).unwrap_or_default();
        return Failure::Reply { code: code.to_string().parse().unwrap_or(0), text };
    }
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            if let Some(violation) = Violation::of(io) {
                return Failure::Unsafe(violation);
            }
            if io.kind() == std::io::ErrorKind::UnexpectedEof {
                text = "the server closed the connection".into();
            }
        }
        source = cause.source();
    }
    Failure::Network(text)
}

fn tls_failure(error: &std::io::Error, verifier: &Verifier) -> Failure {
    match super::tls_problem::classify(error, verifier) {
        Ok(problem) => Failure::Tls(problem),
        Err(violation) => Failure::Unsafe(violation),
    }
}
