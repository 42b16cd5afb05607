//! One function builds the whole application from a `Config`; `main` and the tests both use
//! it, the tests on port 0 with a fresh data directory.

use crate::config::{Config, ConfigError};
use crate::db::{now_ms, Db, OpenError};
use crate::keyring::{unlock, KeyringError};
use crate::mail::tls::{extra_roots, Trust};
use crate::mail::transport::Connections;
use crate::mail::Probe;
use crate::outbox::Worker;
use crate::service::{bootstrap_first_admin, seed_builtin_templates, Mailroom};
use axum::Router;
use std::net::SocketAddr;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("{0}")]
    Keyring(#[from] KeyringError),
    #[error(transparent)]
    Bootstrap(#[from] crate::service::BootstrapError),
    #[error(transparent)]
    Trust(#[from] crate::mail::tls::TrustError),
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    setup_link: Option<String>,
    worker: Arc<Worker>,
    mailroom: Arc<Mailroom>,
}

/// Creates the data directory if needed, private to this user (0700), and proves it is
/// writable. The SQLite file is created 0600 before SQLite opens it, because SQLite gives its
/// `-wal` and `-shm` files the database file's mode.
pub fn prepare_data_dir(config: &Config) -> Result<(), ConfigError> {
    let fail = |e: std::io::Error| ConfigError {
        variable: "MAILROOM_DATA_DIR",
        message: format!("cannot create or write to {}: {e}.", config.data_dir.display()),
    };
    std::fs::create_dir_all(&config.data_dir).map_err(fail)?;
    private(&config.data_dir, 0o700).map_err(fail)?;
    let probe = config.data_dir.join(".write-test");
    std::fs::write(&probe, b"ok").map_err(fail)?;
    std::fs::remove_file(&probe).map_err(fail)?;
    if let Some(file) = sqlite_file(&config.database_url) {
        let fail = |e: std::io::Error| ConfigError {
            variable: "DATABASE_URL",
            message: format!("cannot create {} with owner-only access: {e}.", file.display()),
        };
        std::fs::OpenOptions::new().create(true).append(true).mode(0o600).open(&file).map_err(fail)?;
        for suffix in ["", "-wal", "-shm"] {
            let path = PathBuf::from(format!("{}{suffix}", file.display()));
            if path.exists() {
                private(&path, 0o600).map_err(fail)?;
            }
        }
    }
    Ok(())
}

fn private(path: &Path, mode: u32) -> std::io::Result<()> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

/// The file behind a `sqlite://` URL, if it names one (not `:memory:`).
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().filter(|p| !p.is_empty() && !p.starts_with(':'))?;
    Some(PathBuf::from(path))
}

/// The database, opened, migrated and with its secrets unlocked.
pub async fn open_store(config: &Config) -> Result<(Db, crate::crypto::SecretBox), StartError> {
    prepare_data_dir(config)?;
    let db = Db::open(&config.database_url).await?;
    let secrets = unlock(&db, config).await?;
    Ok((db, secrets))
}

impl Application {
    pub async fn build(config: Config) -> Result<Self, StartError> {
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|e| ConfigError { variable: "MAILROOM_ADDR", message: format!("cannot listen on {}: {e}.", config.addr) })?;
        Self::with_listener(config, listener).await
    }

    /// Serves on a listener bound by the caller (tests bind port 0 first to learn the URL).
    pub async fn with_listener(config: Config, listener: TcpListener) -> Result<Self, StartError> {
        let trust = Trust::new(&extra_roots(config.smtp_ca_file.as_deref())?)?;
        let tokens = Arc::new(crate::mail::oauth::Tokens::new(config.smtp_timeout));
        let probe = Arc::new(Probe {
            trust: trust.clone(),
            tokens: tokens.clone(),
            connect_timeout: config.smtp_connect_timeout,
            total_timeout: config.smtp_timeout,
        });
        let (db, secrets) = open_store(&config).await?;
        let secrets = Arc::new(secrets);
        let setup_link = bootstrap_first_admin(&db, &config).await?;
        seed_builtin_templates(&db).await.map_err(|e| StartError::Bootstrap(e.into()))?;
        let wake = Arc::new(Notify::new());
        let cool_downs = Arc::new(crate::outbox::failover::CoolDowns::new(config.outbox.cool_down));
        let (mailroom, background) = Mailroom::new(db.clone(), secrets.clone(), probe, wake.clone(), cool_downs.clone(), &config);
        let mailroom = Arc::new(mailroom);
        background.spawn(mailroom.clone());
        let router = crate::http::router(mailroom.clone(), &config);
        let connections = Connections::new(trust, tokens, config.smtp_timeout);
        let worker = Arc::new(Worker::new(db.clone(), secrets, connections, config.outbox.clone(), wake, cool_downs));
        tokio::spawn(housekeeping(db, config.session_idle, config.session_lifetime));
        Ok(Self { listener, router, setup_link, worker, mailroom })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// The one-time link that creates the first administrator, when there is none yet.
    pub fn setup_link(&self) -> Option<&str> {
        self.setup_link.as_deref()
    }

    /// Serves until SIGTERM or Ctrl-C, then lets the outbox worker finish what it has handed
    /// to a server and give back the rest.
    pub async fn run(self) -> std::io::Result<()> {
        let (stop, stopped) = watch::channel(false);
        let worker = tokio::spawn(self.worker.run(stopped));
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, service).with_graceful_shutdown(shutdown_signal()).await;
        let _ = stop.send(true);
        let _ = worker.await;
        self.mailroom.write_folded(true).await;
        served
    }
}

/// Removes expired sessions, old sign-in failures and old rate-limit hits every few minutes.
async fn housekeeping(db: Db, idle: Duration, lifetime: Duration) {
    let mut tick = tokio::time::interval(Duration::from_secs(300));
    loop {
        tick.tick().await;
        let now = now_ms();
        if let Err(e) = db.delete_expired_sessions(now - idle.as_millis() as i64, now - lifetime.as_millis() as i64).await {
            tracing::warn!(error = %e, "could not remove expired sessions");
        }
        if let Err(e) = db.prune_sign_in_failures(now - 3_600_000).await {
            tracing::warn!(error = %e, "could not prune old sign-in failures");
        }
        if let Err(e) = db.prune_rate_hits(now - 3_600_000).await {
            tracing::warn!(error = %e, "could not prune old rate-limit hits");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
