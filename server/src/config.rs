//! Settings in layers: embedded defaults, then an optional TOML file (`MAILROOM_CONFIG`, or
//! `mailroom.toml` in the working directory), then environment variables. A bad value stops
//! start-up with one sentence naming the variable.

use crate::http::client_ip::TrustedProxies;
use secrecy::SecretString;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// `Debug` is written by hand below: it shows where things are, never a secret.
#[derive(Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    /// Scheme, host and port the browser uses; server functions accept only this Origin.
    pub public_url: String,
    pub admin_email: Option<String>,
    pub admin_password: Option<SecretString>,
    /// Base64 of 32 bytes; when absent, a key file in the data directory is used.
    pub secret_key: Option<SecretString>,
    pub session_idle: Duration,
    pub session_lifetime: Duration,
    /// Extra trusted roots (PEM) for SMTP servers with a private CA.
    pub smtp_ca_file: Option<PathBuf>,
    pub smtp_connect_timeout: Duration,
    /// The longest a whole test conversation (or one send) may take.
    pub smtp_timeout: Duration,
    pub outbox: crate::outbox::OutboxConfig,
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` headers name the client.
    pub trusted_proxies: TrustedProxies,
    /// Refused anonymous attempts from one client are folded into one audit entry per window.
    pub audit_fold_window: Duration,
    /// How many revisions each SMTP settings and template keeps (the last one a test email
    /// went through is kept as well).
    pub revisions_keep: u64,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |set: bool| if set { "[hidden]" } else { "[not set]" };
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("data_dir", &self.data_dir)
            .field("database_url", &crate::db::redact(&self.database_url))
            .field("public_url", &self.public_url)
            .field("admin_email", &self.admin_email)
            .field("admin_password", &hidden(self.admin_password.is_some()))
            .field("secret_key", &hidden(self.secret_key.is_some()))
            .finish_non_exhaustive()
    }
}

/// A secret from the environment; never from the file, which may be shared or committed.
fn secret_var(name: &str) -> Option<SecretString> {
    std::env::var(name).ok().filter(|v| !v.is_empty()).map(SecretString::from)
}

#[derive(Debug, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

fn fail(variable: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError { variable, message: message.into() }
}

/// The keys a config file may hold; each is the environment variable without `MAILROOM_`,
/// lower-cased.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLayer {
    addr: Option<String>,
    data_dir: Option<String>,
    database_url: Option<String>,
    public_url: Option<String>,
    admin_email: Option<String>,
    session_idle_minutes: Option<String>,
    session_lifetime_hours: Option<String>,
    smtp_ca_file: Option<String>,
    smtp_connect_timeout_secs: Option<String>,
    smtp_timeout_secs: Option<String>,
    outbox_claim_timeout_secs: Option<String>,
    trusted_proxies: Option<String>,
    revisions_keep: Option<String>,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let file = read_file_layer()?;
        let var = |name: &str, from_file: &Option<String>| {
            std::env::var(name).ok().filter(|v| !v.is_empty()).or_else(|| from_file.clone())
        };
        let addr_text = var("MAILROOM_ADDR", &file.addr).unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr: SocketAddr = addr_text
            .parse()
            .map_err(|_| fail("MAILROOM_ADDR", format!("\"{addr_text}\" is not an address and port such as 127.0.0.1:3000.")))?;
        let data_dir = PathBuf::from(var("MAILROOM_DATA_DIR", &file.data_dir).unwrap_or_else(|| "./data".into()));
        let database_url = var("DATABASE_URL", &file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("mailroom.db").display()));
        if !database_url.starts_with("sqlite:") && !crate::db::is_postgres(&database_url) {
            let shown = crate::db::redact(&database_url);
            return Err(fail(
                "DATABASE_URL",
                format!("\"{shown}\" is not supported; use a sqlite:// or postgres://user:password@host:5432/database URL."),
            ));
        }
        let public_url = parse_public_url(var("MAILROOM_PUBLIC_URL", &file.public_url), addr)?;
        let minutes =
            parse_number("MAILROOM_SESSION_IDLE_MINUTES", var("MAILROOM_SESSION_IDLE_MINUTES", &file.session_idle_minutes), 120)?;
        let hours = parse_number(
            "MAILROOM_SESSION_LIFETIME_HOURS",
            var("MAILROOM_SESSION_LIFETIME_HOURS", &file.session_lifetime_hours),
            12,
        )?;
        let connect_secs = parse_number(
            "MAILROOM_SMTP_CONNECT_TIMEOUT_SECS",
            var("MAILROOM_SMTP_CONNECT_TIMEOUT_SECS", &file.smtp_connect_timeout_secs),
            10,
        )?;
        let smtp_secs =
            parse_number("MAILROOM_SMTP_TIMEOUT_SECS", var("MAILROOM_SMTP_TIMEOUT_SECS", &file.smtp_timeout_secs), 30)?;
        let claim_secs = parse_number(
            "MAILROOM_OUTBOX_CLAIM_TIMEOUT_SECS",
            var("MAILROOM_OUTBOX_CLAIM_TIMEOUT_SECS", &file.outbox_claim_timeout_secs),
            600,
        )?;
        let revisions_keep = parse_number("MAILROOM_REVISIONS_KEEP", var("MAILROOM_REVISIONS_KEEP", &file.revisions_keep), 50)?;
        let trusted_proxies = TrustedProxies::parse(&var("MAILROOM_TRUSTED_PROXIES", &file.trusted_proxies).unwrap_or_default())
            .map_err(|m| fail("MAILROOM_TRUSTED_PROXIES", m))?;
        Ok(Self {
            revisions_keep,
            trusted_proxies,
            audit_fold_window: Duration::from_secs(60),
            smtp_ca_file: var("MAILROOM_SMTP_CA_FILE", &file.smtp_ca_file).map(PathBuf::from),
            smtp_connect_timeout: Duration::from_secs(connect_secs),
            smtp_timeout: Duration::from_secs(smtp_secs),
            outbox: crate::outbox::OutboxConfig { claim_timeout: Duration::from_secs(claim_secs), ..Default::default() },
            addr,
            data_dir,
            database_url,
            public_url,
            admin_email: var("MAILROOM_ADMIN_EMAIL", &file.admin_email),
            admin_password: secret_var("MAILROOM_ADMIN_PASSWORD"),
            secret_key: secret_var("MAILROOM_SECRET_KEY"),
            session_idle: Duration::from_secs(minutes * 60),
            session_lifetime: Duration::from_secs(hours * 3600),
        })
    }

    /// For tests: everything under `data_dir`, on `127.0.0.1:0`.
    pub fn for_tests(data_dir: PathBuf) -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url: format!("sqlite://{}", data_dir.join("mailroom.db").display()),
            data_dir,
            public_url: "http://127.0.0.1".into(),
            admin_email: None,
            admin_password: None,
            secret_key: None,
            session_idle: Duration::from_secs(7200),
            session_lifetime: Duration::from_secs(12 * 3600),
            smtp_ca_file: None,
            smtp_connect_timeout: Duration::from_secs(10),
            smtp_timeout: Duration::from_secs(30),
            outbox: crate::outbox::OutboxConfig::default(),
            trusted_proxies: TrustedProxies::default(),
            audit_fold_window: Duration::from_secs(60),
            revisions_keep: 50,
        }
    }

    pub fn uses_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

fn read_file_layer() -> Result<FileLayer, ConfigError> {
    let (path, required) = match std::env::var("MAILROOM_CONFIG") {
        Ok(path) if !path.is_empty() => (PathBuf::from(path), true),
        _ => (PathBuf::from("mailroom.toml"), false),
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text)
            .map_err(|e| fail("MAILROOM_CONFIG", format!("{} is not valid: {}", path.display(), e.message()))),
        Err(_) if !required => Ok(FileLayer::default()),
        Err(e) => Err(fail("MAILROOM_CONFIG", format!("cannot read {}: {e}.", path.display()))),
    }
}

fn parse_number(variable: &'static str, value: Option<String>, default: u64) -> Result<u64, ConfigError> {
    match value {
        None => Ok(default),
        Some(text) => text
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| fail(variable, format!("\"{text}\" is not a positive whole number."))),
    }
}

fn parse_public_url(value: Option<String>, addr: SocketAddr) -> Result<String, ConfigError> {
    let Some(text) = value else {
        return Ok(format!("http://{addr}"));
    };
    let url = url::Url::parse(&text)
        .map_err(|_| fail("MAILROOM_PUBLIC_URL", format!("\"{text}\" is not a URL such as https://mail.example.com.")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(fail("MAILROOM_PUBLIC_URL", format!("\"{text}\" must start with http:// or https:// and name a host.")));
    }
    if url.path() != "/" || url.query().is_some() {
        return Err(fail("MAILROOM_PUBLIC_URL", format!("\"{text}\" must not have a path; Mailroom is served from the root.")));
    }
    Ok(url.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_url_is_reduced_to_an_origin() {
        let addr: SocketAddr = "127.0.0.1:3000".parse().unwrap();
        assert_eq!(parse_public_url(None, addr).unwrap(), "http://127.0.0.1:3000");
        assert_eq!(parse_public_url(Some("https://Mail.Example.com/".into()), addr).unwrap(), "https://mail.example.com");
        assert_eq!(
            parse_public_url(Some("https://mail.example.com:8443".into()), addr).unwrap(),
            "https://mail.example.com:8443"
        );
        let err = parse_public_url(Some("mail.example.com".into()), addr).unwrap_err();
        assert_eq!(err.variable, "MAILROOM_PUBLIC_URL");
        assert!(parse_public_url(Some("https://example.com/mailroom".into()), addr).is_err());
    }

    #[test]
    fn debug_output_shows_no_secret() {
        let mut config = Config::for_tests(PathBuf::from("/srv/mailroom"));
        config.database_url = "postgres://mailroom:db-Pa55word@db.internal/mail".into();
        config.admin_password = Some(SecretString::from("admin-Pa55word"));
        config.secret_key = Some(SecretString::from("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="));
        let shown = format!("{config:?}");
        for secret in ["db-Pa55word", "admin-Pa55word", "AAECAwQF"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("db.internal"), "{shown}");
    }

    #[test]
    fn numbers_must_be_positive() {
        assert_eq!(parse_number("X", None, 5).unwrap(), 5);
        assert_eq!(parse_number("X", Some(" 7 ".into()), 5).unwrap(), 7);
        assert!(parse_number("X", Some("0".into()), 5).unwrap_err().to_string().starts_with("X: "));
        assert!(parse_number("X", Some("ten".into()), 5).is_err());
    }
}
