//! Mailroom's settings, checked: built from the layers (defaults, file, environment) in
//! `layers`. A bad value stops start-up with one sentence naming the variable.

mod layers;

use crate::http::client_ip::TrustedProxies;
use secrecy::SecretString;
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

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::checked(layers::Layers::read()?)
    }

    /// For tests: the defaults, with everything under `data_dir`, on `127.0.0.1:0`.
    pub fn for_tests(data_dir: PathBuf) -> Self {
        let layers = layers::Layers {
            addr: "127.0.0.1:0".into(),
            public_url: Some("http://127.0.0.1".into()),
            data_dir: data_dir.display().to_string(),
            ..Default::default()
        };
        let config = Self::checked(layers).expect("the defaults are valid");
        Self { admin_password: None, secret_key: None, ..config }
    }

    fn checked(layers: layers::Layers) -> Result<Self, ConfigError> {
        let number = |key: &str, value: u64| positive(layers::variable(key), value);
        let addr: SocketAddr = layers.addr.parse().map_err(|_| {
            fail("MAILROOM_ADDR", format!("\"{}\" is not an address and port such as 127.0.0.1:3000.", layers.addr))
        })?;
        let data_dir = PathBuf::from(layers.data_dir);
        let database_url = layers.database_url.unwrap_or_else(|| format!("sqlite://{}", data_dir.join("mailroom.db").display()));
        if !database_url.starts_with("sqlite:") && !crate::db::is_postgres(&database_url) {
            let shown = crate::db::redact(&database_url);
            return Err(fail(
                "DATABASE_URL",
                format!("\"{shown}\" is not supported; use a sqlite:// or postgres://user:password@host:5432/database URL."),
            ));
        }
        let trusted_proxies = TrustedProxies::parse(&layers.trusted_proxies).map_err(|m| fail("MAILROOM_TRUSTED_PROXIES", m))?;
        let claim_secs = number("outbox_claim_timeout_secs", layers.outbox_claim_timeout_secs)?;
        Ok(Self {
            public_url: parse_public_url(layers.public_url, addr)?,
            revisions_keep: number("revisions_keep", layers.revisions_keep)?,
            trusted_proxies,
            audit_fold_window: Duration::from_secs(60),
            smtp_ca_file: layers.smtp_ca_file.map(PathBuf::from),
            smtp_connect_timeout: Duration::from_secs(number("smtp_connect_timeout_secs", layers.smtp_connect_timeout_secs)?),
            smtp_timeout: Duration::from_secs(number("smtp_timeout_secs", layers.smtp_timeout_secs)?),
            outbox: crate::outbox::OutboxConfig { claim_timeout: Duration::from_secs(claim_secs), ..Default::default() },
            addr,
            data_dir,
            database_url,
            admin_email: layers.admin_email,
            admin_password: secret_var("MAILROOM_ADMIN_PASSWORD"),
            secret_key: secret_var("MAILROOM_SECRET_KEY"),
            session_idle: Duration::from_secs(number("session_idle_minutes", layers.session_idle_minutes)? * 60),
            session_lifetime: Duration::from_secs(number("session_lifetime_hours", layers.session_lifetime_hours)? * 3600),
        })
    }

    pub fn uses_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

fn positive(variable: &'static str, value: u64) -> Result<u64, ConfigError> {
    match value {
        0 => Err(fail(variable, "\"0\" is not a positive whole number.")),
        n => Ok(n),
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
        assert_eq!(positive("X", 7).unwrap(), 7);
        assert_eq!(positive("X", 0).unwrap_err().to_string(), "X: \"0\" is not a positive whole number.");
    }
}
