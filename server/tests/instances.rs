//! Several Mailroom processes on one PostgreSQL database, as behind a load balancer. These
//! need a PostgreSQL server: `make test`'s PostgreSQL pass runs them (MAILROOM_TEST_POSTGRES);
//! a plain `cargo test` lists them as ignored.

mod support;

use app::api::{AppError, ListedSettings, SettingsView};
use serde_json::{json, Value};
use sqlx::Connection;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use support::process::Server;
use support::smtp::{free_port, SmtpServer};
use support::{
    api_token, eventually, fresh_postgres_database, invoice_body, new_settings, plain_relay, queue_invoice, Browser, ADMIN_EMAIL,
    ADMIN_PASSWORD,
};

const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const OTHER_KEY: &str = "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=";
const NEEDS_POSTGRES: &str = "MAILROOM_TEST_POSTGRES must name a PostgreSQL server (make test sets it)";

async fn database() -> String {
    fresh_postgres_database().await.expect(NEEDS_POSTGRES)
}

/// An instance on `url` with its own data directory, as on another machine. Claims go stale
/// after 10 s, so a killed instance's mail is taken over soon, yet a live one's renewals (every
/// third of that) have seconds to spare on a busy machine.
fn instance(url: &str, data: &Path) -> Server {
    let extra = [("DATABASE_URL", url), ("MAILROOM_SECRET_KEY", KEY), ("MAILROOM_OUTBOX_CLAIM_TIMEOUT_SECS", "10")];
    Server::start(data, free_port(), &extra)
}

async fn count(url: &str, sql: &str) -> i64 {
    let mut db = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::query_scalar(sql).fetch_one(&mut db).await.unwrap()
}

/// Two instances on one new database, started together, both answering, each with its own
/// data directory (as on two machines).
struct Pair {
    url: String,
    a: Server,
    b: Server,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

async fn two_instances() -> Pair {
    let url = database().await;
    let dirs = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (instance(&url, dirs.0.path()), instance(&url, dirs.1.path()));
    a.ready().await;
    b.ready().await;
    Pair { url, a, b, _dirs: dirs }
}

/// Queues mails r{from}..r{to} with eight callers at once, each alternating between `bases`.
async fn queue_range(bases: &[String], token: &str, from: usize, to: usize) {
    let http = reqwest::Client::new();
    let mut callers = tokio::task::JoinSet::new();
    for caller in 0..8 {
        let (http, bases, token) = (http.clone(), bases.to_vec(), token.to_owned());
        callers.spawn(async move {
            for i in (from + caller..to).step_by(8) {
                queue_invoice(&http, &bases[i % bases.len()], &token, &format!("r{i}@example.com")).await;
            }
        });
    }
    while let Some(done) = callers.join_next().await {
        done.unwrap();
    }
}

fn recipients(smtp: &SmtpServer) -> (usize, BTreeSet<String>) {
    let messages = smtp.of_kind("message");
    let distinct = messages.iter().map(|m| m["rcpt_tos"][0].as_str().unwrap().to_owned()).collect();
    (messages.len(), distinct)
}

/// Every mail row has reached a final state: nothing queued or claimed is left.
async fn outbox_settled(url: &str, total: i64) -> bool {
    count(url, "select count(*) from outbox where status = 'sent'").await == total
}

#[tokio::test]
#[ignore = "needs PostgreSQL: make test runs it"]
async fn instances_starting_together_migrate_and_bootstrap_once() {
    let Pair { url, a, b, _dirs } = two_instances().await;
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres")).unwrap().count() as i64;
    assert_eq!(count(&url, "select count(*) from _sqlx_migrations").await, migrations, "each migration ran once");
    assert_eq!(count(&url, "select count(*) from users").await, 1, "one first administrator");
    assert_eq!(count(&url, "select count(*) from audit_log where action = 'first administrator created'").await, 1);
    assert_eq!(
        count(&url, "select count(*) from email_templates where builtin is not null").await,
        3,
        "Password reset, Invitation, Invoice"
    );
    a.admin().await;
    b.admin().await;

    // An instance with another key refuses to start, and says why.
    let c_dir = tempfile::tempdir().unwrap();
    let refused = Command::new(env!("CARGO_BIN_EXE_mailroom"))
        .env("MAILROOM_ADDR", format!("127.0.0.1:{}", free_port()))
        .env("MAILROOM_DATA_DIR", c_dir.path())
        .env("DATABASE_URL", &url)
        .env("MAILROOM_SECRET_KEY", OTHER_KEY)
        .output()
        .unwrap();
    assert!(!refused.status.success(), "an instance with a different key started");
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("MAILROOM_SECRET_KEY") && said.contains("does not match"), "{said}");
}

#[tokio::test]
#[ignore = "needs PostgreSQL: make test runs it"]
async fn a_session_and_a_save_on_one_instance_hold_on_the_other() {
    let Pair { a, b, _dirs, .. } = two_instances().await;
    let on_a = a.admin().await;
    // The same browser (cookie jar) talking to B: the session cookie A issued.
    let on_b = Browser { base: b.base.clone(), origin: Some(b.base.clone()), http: on_a.http.clone() };
    let saved: SettingsView = on_a.call("settings/save", new_settings("Billing relay", None)).await.unwrap();
    let listed = on_b.call::<ListedSettings>("settings/list", json!({})).await.unwrap().into_rows();
    assert_eq!(listed.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["Billing relay"]);
    assert!(listed[0].is_default, "the first settings is the default on every instance");

    // A save on B from the version A started with is refused once A has saved again.
    let mut form = new_settings("Billing relay", None);
    form["input"]["id"] = json!(saved.id);
    form["input"]["version"] = json!(saved.version);
    form["input"]["form"]["host"] = json!("smtp.a.example.com");
    let _: SettingsView = on_a.call("settings/save", form.clone()).await.unwrap();
    let listed = on_b.call::<ListedSettings>("settings/list", json!({})).await.unwrap().into_rows();
    assert_eq!(listed[0].host, "smtp.a.example.com", "B's list, read before A's save, is read again after it");
    form["input"]["form"]["host"] = json!("smtp.b.example.com");
    let stale = on_b.call::<SettingsView>("settings/save", form).await.unwrap_err();
    assert!(matches!(stale.error, AppError::Stale { .. }), "{:?}", stale.error);

    // Wrong passwords on A count on B: after five, B backs off too, even for the right one.
    let stranger_a = Browser { base: a.base.clone(), origin: Some(a.base.clone()), http: reqwest::Client::new() };
    let stranger_b = Browser { base: b.base.clone(), origin: Some(b.base.clone()), http: reqwest::Client::new() };
    for guess in 0..5 {
        let refused = stranger_a.sign_in(ADMIN_EMAIL, &format!("wrong guess {guess}")).await.unwrap_err();
        assert!(matches!(refused.error, AppError::Refused(_)), "{:?}", refused.error);
    }
    let held = stranger_b.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await.unwrap_err();
    assert_eq!((held.status, held.error), (429, AppError::RateLimited(1)), "the back-off is shared");

    // Signing out on B ends the session on A too.
    let _: Value = on_b.call("auth/sign-out", json!({})).await.unwrap();
    let ended = on_a.call::<ListedSettings>("settings/list", json!({})).await.unwrap_err();
    assert_eq!(ended.error, AppError::SignedOut);
}

#[tokio::test]
#[ignore = "needs PostgreSQL: make test runs it"]
async fn five_thousand_mails_queued_on_two_instances_arrive_once_each() {
    const TOTAL: usize = 5000;
    let smtp = SmtpServer::start("plain", None);
    let Pair { url, a, b, _dirs } = two_instances().await;
    let admin = a.admin().await;
    plain_relay(&admin, "Sink", smtp.port).await;
    let token = api_token(&admin, "billing").await;
    queue_range(&[a.base.clone(), b.base.clone()], &token, 0, TOTAL).await;
    assert!(eventually(180, || outbox_settled(&url, TOTAL as i64)).await, "every mail was sent");
    let (received, distinct) = recipients(&smtp);
    assert_eq!((received, distinct.len()), (TOTAL, TOTAL), "each mail arrived exactly once");
}

#[tokio::test]
#[ignore = "needs PostgreSQL: make test runs it"]
async fn killing_one_instance_mid_batch_loses_no_mail() {
    const TOTAL: usize = 2000;
    // A slow server (16 connections take at most 160 mails a second), so A is killed with mails
    // claimed and on the wire, and many more still waiting, however quickly they were queued.
    let smtp = SmtpServer::start_with("plain", None, "127.0.0.1", free_port(), &["--delay-ms", "100"]);
    let Pair { url, a, b, _dirs } = two_instances().await;
    let admin = b.admin().await;
    plain_relay(&admin, "Slow", smtp.port).await;
    let token = api_token(&admin, "billing").await;
    queue_range(&[a.base.clone(), b.base.clone()], &token, 0, TOTAL / 2).await;
    assert!(eventually(60, || async { smtp.of_kind("message").len() >= 100 }).await);
    let claimed_by_a_or_b = count(&url, "select count(*) from outbox where status = 'sending'").await;
    a.stop("-KILL");
    let before = smtp.of_kind("message").len();
    assert!(before < TOTAL / 2, "killed mid-batch ({before} sent, {claimed_by_a_or_b} claimed)");
    queue_range(std::slice::from_ref(&b.base), &token, TOTAL / 2, TOTAL).await;
    assert!(eventually(180, || outbox_settled(&url, TOTAL as i64)).await, "B sent everything, A's claims included");
    let (received, distinct) = recipients(&smtp);
    assert_eq!(distinct.len(), TOTAL, "every mail arrived");
    // The README's bound: the mails A had on the wire, one per connection (8).
    assert!(received - distinct.len() <= 8, "at most A's in-flight mails arrive twice ({} did)", received - distinct.len());
}

#[tokio::test]
#[ignore = "needs PostgreSQL: make test runs it"]
async fn one_idempotency_key_sent_to_both_instances_at_once_queues_one_mail() {
    let Pair { url, a, b, _dirs } = two_instances().await;
    let admin = a.admin().await;
    plain_relay(&admin, "Sink", free_port()).await;
    let token = api_token(&admin, "billing").await;
    let http = reqwest::Client::new();
    let attempts = (0..20).map(|i| {
        let (http, token) = (http.clone(), token.clone());
        let base = if i % 2 == 0 { a.base.clone() } else { b.base.clone() };
        async move {
            let response = http
                .post(format!("{base}/api/v1/messages"))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .header("idempotency-key", "invoice-2026-0042")
                .body(invoice_body("grace@example.com"))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap()["id"].as_i64())
        }
    });
    let answers = futures::future::join_all(attempts).await;
    let created = answers.iter().filter(|(status, _)| *status == 202).count();
    let repeated = answers.iter().filter(|(status, _)| *status == 200).count();
    assert_eq!((created, repeated), (1, 19), "{answers:?}");
    let ids: BTreeSet<Option<i64>> = answers.iter().map(|(_, id)| *id).collect();
    assert_eq!(ids.len(), 1, "every answer names the one mail: {answers:?}");
    assert_eq!(count(&url, "select count(*) from outbox").await, 1);
}
