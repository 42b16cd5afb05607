//! All SQL lives under this module: one file per table group, plain lowercase queries checked
//! at compile time against both SQLite and PostgreSQL, chosen at start-up by DATABASE_URL.

mod audit;
pub mod batched;
mod failures;
mod flag;
mod mail_attempts;
mod meta;
mod oauth;
mod outbox;
mod rate;
mod resets;
mod revisions;
mod sessions;
mod settings;
mod settings_list;
mod templates;
mod tokens;
mod users;

pub use audit::{AuditRow, NewAudit};
pub use failures::{Failures, Reservation};
pub use mail_attempts::AttemptRow;
pub use oauth::OAuthState;
pub use outbox::{Claimed, HealthRow, MailRow, NewMail, ResendSource};
pub use revisions::{History, SettingsRevisionRow, TemplateRevisionRow};
pub use sessions::SessionRow;
pub use settings::{SettingsRow, SettingsWrite};
pub use settings_list::SummaryRow;
pub use templates::{MailSource, TemplateRow, TemplateWrite};
pub use tokens::TokenRow;
pub use users::{RoleChange, UserRow};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool};
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A list the database built as one JSON text (see `list_settings`).
struct JsonList {
    list: String,
}

/// One of the two databases' handles of the same kind: pools, transactions, connections.
#[derive(Clone)]
pub enum On<S, P> {
    Sqlite(S),
    Postgres(P),
}

/// Runs one compile-time-checked query on whichever database is open. The SQL is written once
/// in the dialect both accept (`$1` placeholders); each backend checks it against its own
/// schema (`.sqlx/` holds both). Where the dialects part, give `sqlite:` and `postgres:` texts.
/// `$e` names the executor inside `$rest`, which runs in each backend's arm.
macro_rules! on {
    // rustfmt sometimes wraps the body in a block.
    ($on:expr, |$e:ident| { $($body:tt)* }) => {
        $crate::db::on!($on, |$e| $($body)*)
    };
    ($on:expr, |$e:ident| query_as!($row:path, sqlite: $s:literal, postgres: $p:literal $(, $arg:expr)* $(,)?) $($rest:tt)*) => {
        match $on {
            #[cfg(not(feature = "prepare-postgres"))]
            $crate::db::On::Sqlite($e) => sqlx::query_as!($row, $s $(, $arg)*) $($rest)*,
            #[cfg(not(feature = "prepare-sqlite"))]
            $crate::db::On::Postgres($e) => sqlx::query_as!($row, $p $(, $arg)*) $($rest)*,
            #[cfg(any(feature = "prepare-sqlite", feature = "prepare-postgres"))]
            #[allow(unreachable_patterns)]
            _ => unreachable!("a build that prepares one database's query data runs nothing"),
        }
    };
    ($on:expr, |$e:ident| query_as!($row:path, $sql:literal $(, $arg:expr)* $(,)?) $($rest:tt)*) => {
        match $on {
            #[cfg(not(feature = "prepare-postgres"))]
            $crate::db::On::Sqlite($e) => sqlx::query_as!($row, $sql $(, $arg)*) $($rest)*,
            #[cfg(not(feature = "prepare-sqlite"))]
            $crate::db::On::Postgres($e) => sqlx::query_as!($row, $sql + "\n-- postgres" $(, $arg)*) $($rest)*,
            #[cfg(any(feature = "prepare-sqlite", feature = "prepare-postgres"))]
            #[allow(unreachable_patterns)]
            _ => unreachable!("a build that prepares one database's query data runs nothing"),
        }
    };
    ($on:expr, |$e:ident| $mac:ident!(sqlite: $s:literal, postgres: $p:literal $(, $arg:expr)* $(,)?) $($rest:tt)*) => {
        match $on {
            #[cfg(not(feature = "prepare-postgres"))]
            $crate::db::On::Sqlite($e) => sqlx::$mac!($s $(, $arg)*) $($rest)*,
            #[cfg(not(feature = "prepare-sqlite"))]
            $crate::db::On::Postgres($e) => sqlx::$mac!($p $(, $arg)*) $($rest)*,
            #[cfg(any(feature = "prepare-sqlite", feature = "prepare-postgres"))]
            #[allow(unreachable_patterns)]
            _ => unreachable!("a build that prepares one database's query data runs nothing"),
        }
    };
    ($on:expr, |$e:ident| $mac:ident!($sql:literal $(, $arg:expr)* $(,)?) $($rest:tt)*) => {
        match $on {
            #[cfg(not(feature = "prepare-postgres"))]
            $crate::db::On::Sqlite($e) => sqlx::$mac!($sql $(, $arg)*) $($rest)*,
            #[cfg(not(feature = "prepare-sqlite"))]
            $crate::db::On::Postgres($e) => sqlx::$mac!($sql + "\n-- postgres" $(, $arg)*) $($rest)*,
            #[cfg(any(feature = "prepare-sqlite", feature = "prepare-postgres"))]
            #[allow(unreachable_patterns)]
            _ => unreachable!("a build that prepares one database's query data runs nothing"),
        }
    };
}
pub(crate) use on;

/// SQLite: reads go through a pool; writes through one connection, so they queue here instead
/// of in SQLite's busy handler, which sleeps for milliseconds at a time when writers collide.
/// PostgreSQL: one pool, shared by any number of instances; row locks order the writers.
#[derive(Clone)]
pub struct Db {
    pools: On<(SqlitePool, SqlitePool), PgPool>,
}

/// Tables whose read-then-write transactions must not interleave.
pub enum Table {
    Users,
    SignInFailures,
    RateHits,
    SmtpSettings,
}

/// A transaction on either database.
pub struct Tx(On<sqlx::Transaction<'static, Sqlite>, sqlx::Transaction<'static, Postgres>>);

impl Tx {
    pub fn on(&mut self) -> On<&mut SqliteConnection, &mut PgConnection> {
        match &mut self.0 {
            On::Sqlite(tx) => On::Sqlite(&mut **tx),
            On::Postgres(tx) => On::Postgres(&mut **tx),
        }
    }

    pub async fn commit(self) -> sqlx::Result<()> {
        match self.0 {
            On::Sqlite(tx) => tx.commit().await,
            On::Postgres(tx) => tx.commit().await,
        }
    }

    /// On PostgreSQL, makes transactions that read a table and then write it depending on
    /// what they read wait for each other, whatever instance they run on. SQLite's single
    /// writer orders them already, so there it does nothing.
    pub async fn serialise(&mut self, table: Table) -> sqlx::Result<()> {
        if !matches!(self.0, On::Postgres(_)) {
            return Ok(());
        }
        // The SQLite texts below never run; the macro wants one per backend.
        match table {
            Table::Users => {
                on!(self.on(), |e| query!(sqlite: "select 1 as one", postgres: "lock table users in share row exclusive mode")
                    .fetch_optional(e)
                    .await
                    .map(drop))
            }
            Table::SignInFailures => on!(self.on(), |e| query!(
                sqlite: "select 2 as two",
                postgres: "lock table sign_in_failures in share row exclusive mode"
            )
            .fetch_optional(e)
            .await
            .map(drop)),
            Table::SmtpSettings => on!(self.on(), |e| query!(
                sqlite: "select 4 as four",
                postgres: "lock table smtp_settings in share row exclusive mode"
            )
            .fetch_optional(e)
            .await
            .map(drop)),
            Table::RateHits => on!(self.on(), |e| {
                query!(sqlite: "select 3 as three", postgres: "lock table rate_hits in share row exclusive mode")
                    .fetch_optional(e)
                    .await
                    .map(drop)
            }),
        }
    }

    pub async fn rollback(self) -> sqlx::Result<()> {
        match self.0 {
            On::Sqlite(tx) => tx.rollback().await,
            On::Postgres(tx) => tx.rollback().await,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("DATABASE_URL: \"{url}\" cannot be opened: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("the database schema could not be brought up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// SQLite connections for reads: one per core, four to eight. A read runs on its connection's
/// own thread and uses the CPU alone (the file is in the page cache), so many more connections
/// than cores only add thread switches: with eight on two cores, queueing mail ran 25% slower.
/// At least four, so two slow reads (an audit search, a delivery-log page) cannot hold up every
/// signed-in request's session check.
fn readers() -> u32 {
    std::thread::available_parallelism().map_or(4, |n| n.get() as u32).clamp(4, 8)
}

/// Connections each instance keeps to PostgreSQL.
const PG_CONNECTIONS: u32 = 16;

impl Db {
    /// Opens and migrates the database `url` names: `postgres://` or `postgresql://` for
    /// PostgreSQL, anything else for SQLite (created if missing). On PostgreSQL the migrator
    /// holds an advisory lock, so instances starting together migrate once.
    pub async fn open(url: &str) -> Result<Self, OpenError> {
        let connect = |source| OpenError::Connect { url: redact(url), source };
        if is_postgres(url) {
            let options = PgConnectOptions::from_str(url).map_err(connect)?;
            let pool = PgPoolOptions::new()
                .max_connections(PG_CONNECTIONS)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await
                .map_err(connect)?;
            sqlx::migrate!("./migrations/postgres").run(&pool).await?;
            return Ok(Self { pools: On::Postgres(pool) });
        }
        let options = SqliteConnectOptions::from_str(url)
            .map_err(connect)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        // No ping before each use: an in-process SQLite connection cannot have dropped, and the
        // ping is a round trip to the connection's thread, as dear as a small query.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await
            .map_err(connect)?;
        sqlx::migrate!("./migrations/sqlite").run(&writer).await?;
        let pool = SqlitePoolOptions::new()
            .max_connections(readers())
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(connect)?;
        Ok(Self { pools: On::Sqlite((pool, writer)) })
    }

    /// Where reads go.
    pub fn read(&self) -> On<&SqlitePool, &PgPool> {
        match &self.pools {
            On::Sqlite((pool, _)) => On::Sqlite(pool),
            On::Postgres(pool) => On::Postgres(pool),
        }
    }

    /// Where writes go.
    pub fn write(&self) -> On<&SqlitePool, &PgPool> {
        match &self.pools {
            On::Sqlite((_, writer)) => On::Sqlite(writer),
            On::Postgres(pool) => On::Postgres(pool),
        }
    }

    pub async fn begin(&self) -> sqlx::Result<Tx> {
        Ok(Tx(match &self.pools {
            // Immediate: the write lock is taken (waiting out the busy timeout) before the
            // first read. A deferred transaction that reads and then writes while another
            // process holds the lock fails at once, busy timeout or not.
            On::Sqlite((_, writer)) => On::Sqlite(writer.begin_with("begin immediate").await?),
            On::Postgres(pool) => On::Postgres(pool.begin().await?),
        }))
    }
}

/// Whether a DATABASE_URL names PostgreSQL.
pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The URL without its password, for messages: the user information and any query
/// (`?password=`) are blanked, even when the URL does not parse.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let without_query = |part: &'_ str| part.split_once('?').map_or(part, |(before, _)| before).to_owned();
    match rest.rsplit_once('@') {
        Some((_, host)) => format!("{scheme}://***@{}", without_query(host)),
        None => format!("{scheme}://{}", without_query(rest)),
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

/// A LIKE pattern matching `filter` anywhere, with its wildcards taken literally (escape `\`).
pub fn like_pattern(filter: &str) -> String {
    let filter = storable(filter);
    format!("%{}%", filter.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
}

/// Text as both databases can store it: PostgreSQL text cannot hold NUL, so it becomes U+FFFD
/// (on SQLite too, so both keep the same thing). For text recorded as typed, such as what an
/// anonymous visitor sent; fields a person saves are refused with a message instead.
pub fn storable(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\0') {
        text.replace('\0', "\u{FFFD}").into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::redact;
    use proptest::prelude::*;

    #[test]
    fn redact_keeps_where_and_hides_who() {
        assert_eq!(redact("postgres://mailroom:s3cret@db.internal:5432/mail"), "postgres://***@db.internal:5432/mail");
        assert_eq!(redact("postgres://db.internal/mail?user=m&password=s3cret"), "postgres://db.internal/mail");
        assert_eq!(redact("sqlite:///var/lib/mailroom/mailroom.db"), "sqlite:///var/lib/mailroom/mailroom.db");
    }

    proptest! {
        /// Whatever the password holds (unencoded `/`, `#`, `?`, `@`, so the URL may not even
        /// parse), none of it is shown.
        #[test]
        fn redact_never_shows_the_password(user in "[a-z]{1,8}", password in "[!-~]{6,24}", host in "[a-z]{1,12}") {
            let shown = redact(&format!("postgres://{user}:{password}@{host}:5432/mail"));
            prop_assert!(!shown.contains(&password), "{shown}");
            prop_assert!(!shown.contains(&format!("//{user}:")), "{shown}");
        }
    }
}
