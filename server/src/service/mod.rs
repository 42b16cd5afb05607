//! The operations behind the server functions: who may do what, the rules across records,
//! and turning storage and crypto results into answers the user can act on.

mod account_links;
mod attempts;
mod audit;
mod auth;
mod bootstrap;
mod builtin_templates;
mod delivery;
mod hashing;
mod invite;
mod limiter;
mod mail_details;
mod mail_writer;
pub mod messages;
pub mod oauth;
mod reset;
mod revisions;
mod settings;
mod settings_list;
mod template_test;
mod templates;
mod test_email;
mod tokens;
mod users;

pub use bootstrap::{bootstrap_first_admin, BootstrapError};
pub use builtin_templates::seed_builtin_templates;

use crate::config::Config;
use crate::crypto::SecretBox;
use crate::db::Db;
use crate::mail::Probe;
use app::api::AppError;
use limiter::RateLimiter;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Notify};

pub struct Mailroom {
    db: Db,
    secrets: Arc<SecretBox>,
    session_idle: Duration,
    session_lifetime: Duration,
    probe: Arc<Probe>,
    reset_client_limiter: RateLimiter<String>,
    /// "Forgot password?" requests, answered by a background task.
    resets: mpsc::Sender<reset::ResetRequest>,
    hashing: hashing::HashGate,
    attempts: attempts::Attempts,
    /// Told when a mail is queued, so the outbox worker need not wait for its next look.
    wake: Arc<Notify>,
    public_url: String,
    /// The outbox's resting settings, for "failing over" in the list.
    cool_downs: Arc<crate::outbox::failover::CoolDowns>,
    /// Attempts a mail gets before it fails for good, as the outbox worker counts them.
    max_attempts: i64,
    /// Revisions kept per SMTP settings and per template.
    revisions_keep: i64,
    settings_list: settings_list::ListCache,
    mail_writer: mail_writer::MailWriter,
}

/// Test sends allowed per user per minute, counted in the database across instances.
const TESTS_PER_MINUTE: i64 = 10;
/// Reset links mailed per account per hour, counted in the database across instances; more
/// requests get the same answer and no mail.
const RESETS_PER_HOUR: i64 = 3;
/// Reset requests handled per client address per hour, per instance (in memory, so anonymous
/// callers write nothing); more get the same answer and no work.
const RESETS_PER_CLIENT_HOUR: usize = 10;

/// The background tasks a `Mailroom` needs, to be started once it is shared.
#[must_use = "the mail writer and reset answers run only once Background::spawn is called"]
pub struct Background {
    resets: mpsc::Receiver<reset::ResetRequest>,
    mail_writer: mail_writer::WriterTask,
}

impl Background {
    pub fn spawn(self, mailroom: Arc<Mailroom>) {
        tokio::spawn(self.mail_writer.run());
        tokio::spawn(reset::answer_resets(mailroom.clone(), self.resets));
        tokio::spawn(audit::write_folded_audit(mailroom));
    }
}

impl Mailroom {
    pub fn new(
        db: Db,
        secrets: Arc<SecretBox>,
        probe: Arc<Probe>,
        wake: Arc<Notify>,
        cool_downs: Arc<crate::outbox::failover::CoolDowns>,
        config: &Config,
    ) -> (Self, Background) {
        let (resets, queued) = mpsc::channel(reset::QUEUED_REQUESTS);
        let (mail_writer, writer_task) = mail_writer::mail_writer(db.clone(), secrets.clone(), wake.clone());
        let mailroom = Self {
            db,
            secrets,
            probe,
            resets,
            hashing: hashing::HashGate::for_this_machine(),
            attempts: attempts::Attempts::new(config.audit_fold_window),
            reset_client_limiter: RateLimiter::new(RESETS_PER_CLIENT_HOUR, Duration::from_secs(3600)),
            wake,
            public_url: config.public_url.clone(),
            cool_downs,
            max_attempts: config.outbox.max_attempts,
            revisions_keep: i64::try_from(config.revisions_keep).unwrap_or(i64::MAX),
            session_idle: config.session_idle,
            session_lifetime: config.session_lifetime,
            settings_list: Default::default(),
            mail_writer,
        };
        (mailroom, Background { resets: queued, mail_writer: writer_task })
    }
}

/// Logs an unexpected failure with its whole cause chain under a short reference, and gives
/// the user that reference instead of the details.
pub(crate) trait OrInternal<T> {
    fn or_internal(self, doing: &str) -> Result<T, AppError>;
}

impl<T, E: std::error::Error> OrInternal<T> for Result<T, E> {
    fn or_internal(self, doing: &str) -> Result<T, AppError> {
        self.map_err(|error| {
            let reference = crate::crypto::new_token()[..8].to_owned();
            let mut chain = error.to_string();
            let mut source = error.source();
            while let Some(cause) = source {
                chain.push_str(": ");
                chain.push_str(&cause.to_string());
                source = cause.source();
            }
            tracing::error!(%reference, error = %chain, "failed while {doing}");
            AppError::Server(format!(
                "Something went wrong on the server while {doing} (reference {reference}). Try again; if it keeps happening, give your administrator this reference."
            ))
        })
    }
}
