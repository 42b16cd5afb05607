//! All SQL lives under this module: one file per table group, plain lowercase queries checked
//! at compile time. Swapping SQLite for PostgreSQL later touches only this folder.

mod audit;
mod failures;
mod meta;
mod outbox;
mod resets;
mod sessions;
mod settings;
mod templates;
mod tokens;
mod users;

pub use audit::{AuditRow, NewAudit};
pub use failures::{Failures, Reservation};
pub use outbox::{Claimed, MailRow, NewMail};
pub use sessions::SessionRow;
pub use settings::{SettingsRow, SettingsWrite};
pub use templates::{TemplateRow, TemplateWrite};
pub use tokens::TokenRow;
pub use users::{RoleChange, UserRow};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Reads go through a pool; writes through one connection, so they queue here instead of in
/// SQLite's busy handler, which sleeps for milliseconds at a time when writers collide.
#[derive(Clone)]
pub struct Db {
    pool: SqlitePool,
    writer: SqlitePool,
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("DATABASE_URL: \"{url}\" cannot be opened: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("the database schema could not be brought up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl Db {
    /// Opens (creating if missing) and migrates the database.
    pub async fn open(url: &str) -> Result<Self, OpenError> {
        let connect = |source| OpenError::Connect { url: url.to_owned(), source };
        let options = SqliteConnectOptions::from_str(url)
            .map_err(connect)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let writer = SqlitePoolOptions::new().max_connections(1).connect_with(options.clone()).await.map_err(connect)?;
        sqlx::migrate!("./migrations").run(&writer).await?;
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await.map_err(connect)?;
        Ok(Self { pool, writer })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub fn writer(&self) -> &SqlitePool {
        &self.writer
    }
}

/// Milliseconds since the Unix epoch, UTC: how every time is stored.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// Whether an error is a UNIQUE constraint violation (a name or address already taken).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    error.as_database_error().is_some_and(|e| e.is_unique_violation())
}

/// Whether an error is a FOREIGN KEY violation (a row others still point at).
pub fn is_foreign_key_violation(error: &sqlx::Error) -> bool {
    error.as_database_error().is_some_and(|e| e.is_foreign_key_violation())
}
