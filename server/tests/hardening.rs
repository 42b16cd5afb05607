//! What anyone can send without an account, tried as an attacker would: floods of sign-ins and
//! reset requests, parallel guesses, forged client addresses. Also the account page's own
//! password check and the data directory's permissions.

mod support;

use app::api::audit::AuditEntry;
use app::api::{AppError, CurrentUser};
use app::domain::FieldKey;
use futures::future::join_all;
use serde_json::{json, Value};
use sqlx::{Connection, SqliteConnection};
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;
use support::process::Server;
use support::{config, eventually, Browser, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

async fn db(app: &TestApp) -> SqliteConnection {
    SqliteConnection::connect(&format!("sqlite://{}", app.db_path().display())).await.unwrap()
}

/// The SQLite database's logical size in bytes: pages in use, wherever they are (file or WAL).
/// The test that measures it runs on SQLite only.
async fn used_bytes(app: &TestApp) -> i64 {
    let mut db = db(app).await;
    let (pages, free, size): (i64, i64, i64) = sqlx::query_as(
        "select (select page_count from pragma_page_count), (select freelist_count from pragma_freelist_count), \
         (select page_size from pragma_page_size)",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    (pages - free) * size
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.count_sql(sql).await
}

async fn audit(admin: &Browser) -> Vec<AuditEntry> {
    admin.call("audit/list", json!({ "filter": "", "before": null })).await.unwrap()
}

/// A server-function call that claims, through `X-Forwarded-For`, to come from `client`.
async fn from_client(app: &TestApp, client: &str, endpoint: &str, body: Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/api/{endpoint}", app.origin))
        .header("origin", &app.origin)
        .header("x-forwarded-for", client)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn app_behind_proxy(window: Duration) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path().to_owned(), true);
    config.trusted_proxies = mailroom::http::client_ip::TrustedProxies::parse("127.0.0.1").unwrap();
    config.audit_fold_window = window;
    TestApp::start_with(dir, config).await
}

fn random_text(seed: u64, len: usize) -> String {
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b' ' + (x % 95) as u8)
        })
        .collect()
}

#[tokio::test]
async fn ten_thousand_anonymous_requests_store_almost_nothing() {
    let app = TestApp::start().await;
    let before = used_bytes(&app).await;
    let audit_before = count(&app, "select count(*) from audit_log").await;
    let http = reqwest::Client::new();
    for batch in 0..(10_000 / 50) {
        let requests = (0..50u64).map(|i| {
            let n = batch * 50 + i;
            // Every hundredth request is huge; the rest are random, of any plausible length.
            let email = if n % 100 == 0 { "x".repeat(500_000) } else { random_text(n, (n % 300) as usize) };
            let (endpoint, body) = if n % 2 == 0 {
                ("auth/sign-in", json!({ "credentials": { "email": email, "password": random_text(n + 1, 20) } }))
            } else {
                ("auth/forgot", json!({ "email": email }))
            };
            http.post(format!("{}/api/{endpoint}", app.origin)).header("origin", &app.origin).json(&body).send()
        });
        for response in join_all(requests).await {
            let status = response.unwrap().status().as_u16();
            assert!([200, 400, 422, 429, 503].contains(&status), "a clear refusal, not a failure: {status}");
        }
    }
    let grown = used_bytes(&app).await - before;
    let audited = count(&app, "select count(*) from audit_log").await - audit_before;
    println!("10,000 anonymous requests: database grew {grown} bytes, {audited} audit entries");
    assert!(grown < 1024 * 1024, "the database grew {grown} bytes");
    assert!(audited <= 4, "one entry now and a folded one per minute, not one per request: {audited}");
}

#[tokio::test]
async fn refused_attempts_fold_into_one_counted_entry_per_client_per_window() {
    let window = Duration::from_secs(3);
    let app = app_behind_proxy(window).await;
    let accounts = ["a@example.com", "b@example.com", "c@example.com"];
    let first = from_client(
        &app,
        "203.0.113.9",
        "auth/sign-in",
        json!({ "credentials": { "email": accounts[0], "password": "wrong!" } }),
    );
    assert_eq!(first.await.status(), 400);
    for account in accounts.iter().cycle().take(12) {
        let body = json!({ "credentials": { "email": account, "password": "wrong!" } });
        assert_eq!(from_client(&app, "203.0.113.9", "auth/sign-in", body).await.status(), 400);
    }
    let admin = app.admin().await;
    let from_there = |entries: Vec<AuditEntry>| -> Vec<AuditEntry> {
        entries.into_iter().rev().filter(|e| e.client == "203.0.113.9").collect()
    };
    let folded_total = |entries: &[AuditEntry]| -> u64 {
        let folded = entries.iter().filter(|e| e.action == "refused anonymous attempts");
        folded.map(|e| e.details.split(' ').next().unwrap().parse::<u64>().unwrap()).sum()
    };
    // On a busy machine the twelve attempts (a password hash each) can outlast one window, and
    // then their count is split over two summaries, the second a window later.
    assert!(eventually(20, || async { folded_total(&from_there(audit(&admin).await)) >= 12 }).await, "the summaries are written");
    let entries = from_there(audit(&admin).await);
    assert_eq!((entries[0].action.as_str(), entries[0].target.as_str()), ("sign-in failed", "account a@example.com"));
    let folded: Vec<&AuditEntry> = entries.iter().filter(|e| e.action == "refused anonymous attempts").collect();
    assert_eq!(folded_total(&entries), 12, "every folded attempt is counted: {entries:?}");
    assert!(folded[0].details.ends_with(" failed sign-ins for 3 accounts") || folded.len() > 1, "{:?}", folded[0]);
    assert_eq!(folded[0].target, "client 203.0.113.9");
    for pair in entries.windows(2) {
        assert!(pair[1].at.get() - pair[0].at.get() >= window.as_millis() as i64 - 50, "one entry per window: {entries:?}");
    }
}

#[tokio::test]
async fn a_nul_in_the_sign_in_address_is_refused_like_a_wrong_password() {
    let app = TestApp::start().await;
    let audit_before = count(&app, "select count(*) from audit_log").await;
    let refused = app.browser().sign_in("admin\u{0}@example.com", ADMIN_PASSWORD).await.unwrap_err();
    assert_eq!(count(&app, "select count(*) from sign_in_failures").await, 0, "nothing stored for it");
    assert_eq!(count(&app, "select count(*) from audit_log").await - audit_before, 1, "the client's first refusal");
    let recorded = "select count(*) from audit_log where action = 'sign-in failed' and target like '%admin\u{FFFD}@example.com%'";
    assert_eq!(count(&app, recorded).await, 1, "recorded as typed, with the NUL shown as U+FFFD on either database");
    let wrong = app.browser().sign_in("nobody@example.com", "not the password").await.unwrap_err();
    assert_eq!((refused.status, &refused.error), (wrong.status, &wrong.error), "the same answer as a wrong password");
}

#[tokio::test]
async fn fifty_parallel_guesses_check_the_password_five_times() {
    let app = TestApp::start().await;
    let guesses = (0..50).map(|i| {
        let browser = app.browser();
        async move { browser.sign_in(ADMIN_EMAIL, &format!("wrong guess number {i}")).await.unwrap_err() }
    });
    let failures = join_all(guesses).await;
    let checked = failures.iter().filter(|f| matches!(f.error, AppError::Refused(_))).count();
    let held_off = failures.iter().filter(|f| matches!(f.error, AppError::RateLimited(_) | AppError::Busy(_))).count();
    assert_eq!(checked, 5, "only five guesses reach the password check");
    assert_eq!(held_off, 45);
    let right = app.browser().sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await.unwrap_err();
    assert_eq!((right.status, right.error), (429, AppError::RateLimited(1)), "and the back-off then holds");
}

#[tokio::test]
async fn a_flood_of_parallel_sign_ins_is_capped_and_told_when_to_come_back() {
    let data = tempfile::tempdir().unwrap();
    let port = support::smtp::free_port();
    let server = Server::start(&data.path().join("data"), port, &[("MAILROOM_TRUSTED_PROXIES", "127.0.0.1")]);
    server.ready().await;
    let http = reqwest::Client::new();
    // Each from its own address and for its own account, so no back-off stops them: only the cap.
    let attempts = (0..200).map(|i| {
        http.post(format!("{}/api/auth/sign-in", server.base))
            .header("origin", &server.base)
            .header("x-forwarded-for", format!("198.51.{}.{}", i / 250, i % 250 + 1))
            .json(&json!({ "credentials": { "email": format!("user{i}@example.com"), "password": "guess guess guess" } }))
            .send()
    });
    let responses: Vec<reqwest::Response> = join_all(attempts).await.into_iter().map(Result::unwrap).collect();
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
    let peak_kb: u64 =
        status.lines().find(|l| l.starts_with("VmHWM:")).unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
    println!("peak RSS under 200 parallel sign-ins: {} MB", peak_kb / 1024);
    assert!(peak_kb < 200 * 1024, "peak RSS {peak_kb} kB");
    let busy: Vec<&reqwest::Response> = responses.iter().filter(|r| r.status() == 503).collect();
    assert!(!busy.is_empty(), "beyond the cap, callers are turned away");
    assert!(busy.iter().all(|r| r.headers().get("retry-after").is_some_and(|v| v == "2")), "with Retry-After");
    assert!(responses.iter().all(|r| [400, 503].contains(&r.status().as_u16())));
}

#[tokio::test]
async fn forgot_password_answers_before_doing_any_work() {
    let app = TestApp::start().await;
    let stranger = app.browser();
    // Hold the database's write lock: an answer that waited for the work would wait on it.
    let lock = app.hold_writes().await;
    let known = stranger.raw("auth/forgot", json!({ "email": ADMIN_EMAIL })).await;
    let unknown = stranger.raw("auth/forgot", json!({ "email": "nobody@example.com" })).await;
    assert_eq!(known, (200, "null".into()));
    assert_eq!(known, unknown, "the same answer for both");
    lock.release().await;
    assert!(
        eventually(20, || async { count(&app, "select count(*) from password_resets").await == 1 }).await,
        "the link is made afterwards, for the real account only"
    );
}

#[tokio::test]
async fn forgot_password_is_limited_per_client_as_well_as_per_account() {
    let app = app_behind_proxy(Duration::from_secs(60)).await;
    for i in 0..10 {
        let response =
            from_client(&app, "203.0.113.9", "auth/forgot", json!({ "email": format!("nobody{i}@example.com") })).await;
        assert_eq!(response.status(), 200);
    }
    assert_eq!(from_client(&app, "203.0.113.9", "auth/forgot", json!({ "email": ADMIN_EMAIL })).await.status(), 200);
    assert_eq!(from_client(&app, "198.51.100.7", "auth/forgot", json!({ "email": ADMIN_EMAIL })).await.status(), 200);
    // Requests are handled in order, so once the second client's link exists the first's was refused.
    assert!(eventually(20, || async { count(&app, "select count(*) from password_resets").await >= 1 }).await);
    let admin = app.admin().await;
    let made: Vec<AuditEntry> = audit(&admin)
        .await
        .into_iter()
        .filter(|e| e.action == "password reset requested" && e.target == format!("account {ADMIN_EMAIL}"))
        .collect();
    assert_eq!(made.len(), 1, "{made:?}");
    assert_eq!(made[0].client, "198.51.100.7");
    assert_eq!(count(&app, "select count(*) from password_resets").await, 1);
}

#[tokio::test]
async fn forgot_password_mails_an_account_at_most_three_links_an_hour() {
    let app = app_behind_proxy(Duration::from_secs(60)).await;
    for client in ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"] {
        assert_eq!(from_client(&app, client, "auth/forgot", json!({ "email": ADMIN_EMAIL })).await.status(), 200);
    }
    let admin = app.admin().await;
    let refused = |entries: Vec<AuditEntry>| {
        entries.into_iter().any(|e| e.client == "198.51.100.4" && e.details == "too many requests for this account; nothing sent")
    };
    assert!(eventually(20, || async { refused(audit(&admin).await) }).await, "the fourth request is refused");
    assert_eq!(count(&app, "select count(*) from password_resets").await, 3);
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_a_trusted_proxy() {
    let trusting = app_behind_proxy(Duration::from_secs(60)).await;
    let bad = json!({ "credentials": { "email": "x@example.com", "password": "wrong!" } });
    from_client(&trusting, "1.2.3.4, 203.0.113.9", "auth/sign-in", bad.clone()).await;
    let plain = TestApp::start().await;
    from_client(&plain, "203.0.113.9", "auth/sign-in", bad).await;
    let seen = |entries: Vec<AuditEntry>| entries.into_iter().find(|e| e.action == "sign-in failed").unwrap().client;
    assert_eq!(seen(audit(&trusting.admin().await).await), "203.0.113.9", "the hop our proxy saw");
    assert_eq!(seen(audit(&plain.admin().await).await), "127.0.0.1", "a forged header from anyone else is ignored");

    for i in 0..20 {
        let body = json!({ "credentials": { "email": format!("u{i}@example.com"), "password": "wrong!" } });
        assert_eq!(from_client(&trusting, "198.51.100.1", "auth/sign-in", body).await.status(), 400);
    }
    let body = json!({ "credentials": { "email": "v@example.com", "password": "wrong!" } });
    assert_eq!(from_client(&trusting, "198.51.100.1", "auth/sign-in", body.clone()).await.status(), 429);
    assert_eq!(from_client(&trusting, "198.51.100.2", "auth/sign-in", body).await.status(), 400, "per client");
}

#[tokio::test]
async fn https_deployments_send_strict_transport_security() {
    let dir = tempfile::tempdir().unwrap();
    let mut https = config(dir.path().to_owned(), true);
    https.public_url = "https://mail.example.com".into();
    let secure = TestApp::start_with(dir, https).await;
    let plain = TestApp::start().await;
    let hsts = |app: &TestApp| {
        let url = format!("{}/", app.origin);
        async move { reqwest::get(url).await.unwrap().headers().get("strict-transport-security").cloned() }
    };
    assert_eq!(hsts(&secure).await.unwrap(), "max-age=31536000");
    assert!(hsts(&plain).await.is_none(), "not over plain http");
}

#[tokio::test]
async fn the_account_page_password_check_backs_off_like_sign_in() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    for _ in 0..5 {
        let wrong = admin
            .call::<()>("account/password", json!({ "current": "not my password", "new": "a new long passphrase" }))
            .await
            .unwrap_err();
        assert!(wrong.error.field_errors().unwrap().get(FieldKey::CurrentPassword).is_some());
    }
    let right = admin.call::<()>("account/password", json!({ "current": ADMIN_PASSWORD, "new": "a new long passphrase" })).await;
    assert_eq!(right.unwrap_err().error, AppError::RateLimited(1));
    let email = admin
        .call::<CurrentUser>("account/email", json!({ "current_password": ADMIN_PASSWORD, "email": "new@example.com" }))
        .await;
    assert_eq!(email.unwrap_err().error, AppError::RateLimited(1));
}

#[tokio::test]
async fn changing_an_email_address_retires_its_reset_links() {
    let app = TestApp::start().await;
    let () = app.browser().call("auth/forgot", json!({ "email": ADMIN_EMAIL })).await.unwrap();
    assert!(eventually(20, || async { count(&app, "select count(*) from password_resets").await == 1 }).await);
    let admin = app.admin().await;
    let _: CurrentUser =
        admin.call("account/email", json!({ "current_password": ADMIN_PASSWORD, "email": "moved@example.com" })).await.unwrap();
    assert_eq!(count(&app, "select count(*) from password_resets").await, 0);
}

#[tokio::test]
async fn the_data_directory_and_database_are_private() {
    let parent = tempfile::tempdir().unwrap();
    let data = parent.path().join("data");
    let app = TestApp::start_with(tempfile::tempdir().unwrap(), config(data.clone(), true)).await;
    let _admin = app.admin().await;
    let mode = |name: &str| std::fs::metadata(data.join(name)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(""), 0o700);
    // On PostgreSQL the directory holds only the key.
    let files: &[&str] = if support::on_postgres() {
        &["secret.key"]
    } else {
        &["mailroom.db", "mailroom.db-wal", "mailroom.db-shm", "secret.key"]
    };
    for file in files {
        assert_eq!(mode(file), 0o600, "{file}");
    }
}
