//! Starts the real application on port 0 with a fresh database, and talks to its server
//! functions over HTTP the way the browser does (JSON, cookies, Origin header). The database
//! is a new SQLite file, or, when MAILROOM_TEST_POSTGRES names a PostgreSQL server (as
//! `make test`'s second integration run does), a new PostgreSQL database there.
#![allow(dead_code)]

pub mod events;
pub mod process;
pub mod smtp;

use app::api::AppError;
use mailroom::config::Config;
use mailroom::Application;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::PathBuf;
use tempfile::TempDir;

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub addr: SocketAddr,
    pub origin: String,
    pub dir: TempDir,
    pub setup_link: Option<String>,
    pub database_url: String,
}

/// The error a call ended with: HTTP status and the decoded `AppError`.
#[derive(Debug)]
pub struct Failure {
    pub status: u16,
    pub error: AppError,
}

pub fn config(dir: PathBuf, admin: bool) -> Config {
    let mut config = Config::for_tests(dir);
    if admin {
        config.admin_email = Some(ADMIN_EMAIL.into());
        config.admin_password = Some(ADMIN_PASSWORD.into());
    }
    config
}

impl TestApp {
    /// A fresh data directory with the first administrator created from the environment.
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = config(dir.path().to_owned(), true);
        Self::start_with(dir, config).await
    }

    pub async fn start_with(dir: TempDir, mut config: Config) -> Self {
        if config.database_url == Config::for_tests(config.data_dir.clone()).database_url {
            if let Some(url) = postgres_database_for(&config.data_dir).await {
                config.database_url = url;
            }
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().unwrap();
        // Tests that name their own public URL (https, say) keep it.
        if config.public_url == Config::for_tests(config.data_dir.clone()).public_url {
            config.public_url = format!("http://{addr}");
        }
        let database_url = config.database_url.clone();
        let app = Application::with_listener(config, listener).await.expect("application starts");
        let setup_link = app.setup_link().map(str::to_owned);
        tokio::spawn(app.run());
        Self { origin: format!("http://{addr}"), addr, dir, setup_link, database_url }
    }

    /// The SQLite file; only for tests that read it, which run on SQLite alone.
    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("mailroom.db")
    }

    /// Everything the database holds, as bytes to search: the SQLite file and its write-ahead
    /// log, or a `pg_dump` of the PostgreSQL database.
    pub fn database_bytes(&self) -> Vec<u8> {
        if self.database_url.starts_with("postgres") {
            let dump =
                std::process::Command::new("pg_dump").args(["--data-only", &self.database_url]).output().expect("pg_dump runs");
            assert!(dump.status.success(), "pg_dump: {}", String::from_utf8_lossy(&dump.stderr));
            return dump.stdout;
        }
        let mut bytes = std::fs::read(self.db_path()).unwrap();
        bytes.extend(std::fs::read(self.dir.path().join("mailroom.db-wal")).unwrap_or_default());
        bytes
    }

    /// One number from the database, read around the application.
    pub async fn count_sql(&self, sql: &str) -> i64 {
        use sqlx::Connection;
        if self.database_url.starts_with("postgres") {
            let mut db = sqlx::PgConnection::connect(&self.database_url).await.unwrap();
            return sqlx::query_scalar(sql).fetch_one(&mut db).await.unwrap();
        }
        let mut db = sqlx::SqliteConnection::connect(&self.database_url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut db).await.unwrap()
    }

    /// Holds the database's write lock until `release`: SQLite's one writer, or on
    /// PostgreSQL every table a request without an account writes to.
    pub async fn hold_writes(&self) -> WriteLock {
        use sqlx::Connection;
        if self.database_url.starts_with("postgres") {
            let mut db = sqlx::PgConnection::connect(&self.database_url).await.unwrap();
            sqlx::query("begin").execute(&mut db).await.unwrap();
            sqlx::query("lock table password_resets, rate_hits, sign_in_failures, audit_log in exclusive mode")
                .execute(&mut db)
                .await
                .unwrap();
            return WriteLock::Postgres(db);
        }
        let mut db = sqlx::SqliteConnection::connect(&self.database_url).await.unwrap();
        sqlx::query("begin immediate").execute(&mut db).await.unwrap();
        WriteLock::Sqlite(db)
    }

    /// Runs one statement straight on the database, around the application.
    pub async fn execute_sql(&self, sql: &str) -> Result<u64, sqlx::Error> {
        use sqlx::Connection;
        if self.database_url.starts_with("postgres") {
            let mut db = sqlx::PgConnection::connect(&self.database_url).await?;
            return Ok(sqlx::query(sql).execute(&mut db).await?.rows_affected());
        }
        let mut db = sqlx::SqliteConnection::connect(&self.database_url).await?;
        Ok(sqlx::query(sql).execute(&mut db).await?.rows_affected())
    }

    /// A browser without a session.
    pub fn browser(&self) -> Browser {
        Browser {
            base: self.origin.clone(),
            origin: Some(self.origin.clone()),
            http: reqwest::Client::builder().cookie_store(true).build().unwrap(),
        }
    }

    /// A browser signed in as the first administrator.
    pub async fn admin(&self) -> Browser {
        let browser = self.browser();
        browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await.expect("admin signs in");
        browser
    }

    /// A browser signed in as a new plain user, created by the administrator.
    pub async fn user(&self, email: &str) -> Browser {
        let admin = self.admin().await;
        let _: Value = admin
            .call(
                "users/create",
                json!({ "user": { "name": "Plain User", "email": email, "role": "User", "password": ADMIN_PASSWORD } }),
            )
            .await
            .expect("user created");
        let browser = self.browser();
        browser.sign_in(email, ADMIN_PASSWORD).await.expect("user signs in");
        browser
    }
}

pub struct Browser {
    pub base: String,
    pub origin: Option<String>,
    pub http: reqwest::Client,
}

impl Browser {
    /// Calls a server function; the body and answer are raw JSON text.
    pub async fn raw(&self, endpoint: &str, body: Value) -> (u16, String) {
        self.try_raw(endpoint, body).await.expect("request answered")
    }

    /// Like `raw`, but a server that is gone is an `Err`, not a panic.
    pub async fn try_raw(&self, endpoint: &str, body: Value) -> Result<(u16, String), reqwest::Error> {
        let mut request = self.http.post(format!("{}/api/{endpoint}", self.base)).json(&body);
        if let Some(origin) = &self.origin {
            request = request.header("origin", origin);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        Ok((status, response.text().await?))
    }

    pub async fn call<T: DeserializeOwned>(&self, endpoint: &str, body: Value) -> Result<T, Failure> {
        let (status, text) = self.raw(endpoint, body).await;
        if status < 400 {
            Ok(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{endpoint}: cannot read {text}: {e}")))
        } else {
            let error = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{endpoint}: {status} with {text}: {e}"));
            Err(Failure { status, error })
        }
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Result<Value, Failure> {
        self.call("auth/sign-in", json!({ "credentials": { "email": email, "password": password } })).await
    }
}

/// The body of a new settings' Save.
pub fn new_settings(name: &str, password: Option<&str>) -> Value {
    json!({
        "input": {
            "id": null,
            "version": null,
            "form": {
                "name": name,
                "starttls_only": true,
                "host": "smtp.example.com",
                "port": "587",
                "from_name": "Billing",
                "email": "billing@example.com",
                "username": if password.is_some() { "billing" } else { "" },
            },
            "password": match password { Some(p) => json!({ "Set": p }), None => json!("Keep") },
        }
    })
}

/// Saves settings for a plain relay on loopback (no sign-in, no STARTTLS).
pub async fn plain_relay(admin: &Browser, name: &str, port: u16) -> app::api::SettingsView {
    let form = json!({
        "name": name, "starttls_only": false, "host": "127.0.0.1", "port": port.to_string(),
        "from_name": "Billing", "email": "billing@example.com", "username": "",
    });
    admin
        .call("settings/save", json!({ "input": { "id": null, "version": null, "form": form, "password": "Keep" } }))
        .await
        .expect("relay saved")
}

/// A new API token's secret value.
pub async fn api_token(admin: &Browser, name: &str) -> String {
    let created: Value = admin.call("tokens/create", json!({ "name": name })).await.expect("token created");
    created["token"].as_str().unwrap().to_owned()
}

/// Polls until `check` holds, for at most `seconds`.
pub async fn eventually<F, Fut>(seconds: u64, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while std::time::Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}

/// An app whose outbox retries quickly. Its SMTP time-out stays long: a 10 MiB message to the
/// Python test server can take seconds on a busy machine, and no test here waits for it.
pub async fn fast_outbox_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path().to_owned(), true);
    config.outbox.backoff = std::time::Duration::from_millis(200);
    config.outbox.claim_timeout = std::time::Duration::from_secs(2);
    config.smtp_timeout = std::time::Duration::from_secs(60);
    TestApp::start_with(dir, config).await
}

/// The body of an API request for the Invoice template to `to`.
pub fn invoice_body(to: &str) -> String {
    json!({
        "template": "Invoice",
        "to": to,
        "variables": { "contact": { "name": "Grace" }, "company": { "name": "Example Ltd" },
                       "invoice": { "number": "1", "amount": "€1", "due_date": "today", "url": "https://example.com/1" } }
    })
    .to_string()
}

/// Queues an Invoice mail to `to` through the API of the server at `base`; its id.
pub async fn queue_invoice(http: &reqwest::Client, base: &str, token: &str, to: &str) -> i64 {
    let response = http
        .post(format!("{base}/api/v1/messages"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(invoice_body(to))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 202);
    response.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// What GET /api/v1/messages/{id} says about a queued mail.
pub async fn message_status(http: &reqwest::Client, base: &str, token: &str, id: i64) -> Value {
    http.get(format!("{base}/api/v1/messages/{id}")).bearer_auth(token).send().await.unwrap().json().await.unwrap()
}

/// Whether this run puts the tests' databases on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("MAILROOM_TEST_POSTGRES").is_ok_and(|url| !url.is_empty())
}

/// The PostgreSQL database that stands for a data directory's SQLite file: new the first time,
/// the same one when the test restarts on that directory. None when this run is on SQLite.
async fn postgres_database_for(data_dir: &std::path::Path) -> Option<String> {
    static BY_DIR: std::sync::Mutex<Vec<(PathBuf, String)>> = std::sync::Mutex::new(Vec::new());
    if let Some((_, url)) = BY_DIR.lock().unwrap().iter().find(|(dir, _)| dir == data_dir) {
        return Some(url.clone());
    }
    let url = fresh_postgres_database().await?;
    BY_DIR.lock().unwrap().push((data_dir.to_owned(), url.clone()));
    Some(url)
}

/// A new, empty database on the PostgreSQL server MAILROOM_TEST_POSTGRES names; None when
/// this run is on SQLite.
pub async fn fresh_postgres_database() -> Option<String> {
    use sqlx::Connection;
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let server = std::env::var("MAILROOM_TEST_POSTGRES").ok().filter(|url| !url.is_empty())?;
    let name = format!("t{}_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed), rand_suffix());
    let mut admin = sqlx::PgConnection::connect(&server).await.expect("the test PostgreSQL server answers");
    sqlx::query(&format!("create database {name}")).execute(&mut admin).await.expect("a test database is created");
    let mut url = url::Url::parse(&server).expect("MAILROOM_TEST_POSTGRES is a URL");
    url.set_path(&name);
    Some(url.to_string())
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos());
    hasher.finish() % 1_000_000
}

/// A held write lock; see `TestApp::hold_writes`.
pub enum WriteLock {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl WriteLock {
    pub async fn release(self) {
        match self {
            WriteLock::Sqlite(mut db) => drop(sqlx::query("commit").execute(&mut db).await.unwrap()),
            WriteLock::Postgres(mut db) => drop(sqlx::query("commit").execute(&mut db).await.unwrap()),
        }
    }
}
