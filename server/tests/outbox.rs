//! The outbox worker against a real SMTP server: temporary refusals are retried, permanent ones
//! fail at once, and stopping Mailroom mid-batch loses and duplicates nothing.

mod support;

use app::api::delivery::DeliveryAlert;
use app::api::{AppError, ListedSettings, SettingsView};
use serde_json::{json, Value};
use sqlx::Connection;
use support::process::Server;
use support::smtp::{free_port, SmtpServer};
use support::{api_token, eventually, fast_outbox_app, plain_relay, queue_invoice};

use support::message_status as status;

/// An app sending through one plain relay on `port`, with an administrator and an API token.
struct Rig {
    app: support::TestApp,
    admin: support::Browser,
    token: String,
    http: reqwest::Client,
}

impl Rig {
    async fn new(name: &str, port: u16) -> Self {
        let app = fast_outbox_app().await;
        let admin = app.admin().await;
        plain_relay(&admin, name, port).await;
        let token = api_token(&admin, "test").await;
        Self { app, admin, token, http: reqwest::Client::new() }
    }

    async fn queue(&self, to: &str) -> i64 {
        queue_invoice(&self.http, &self.app.origin, &self.token, to).await
    }

    async fn status(&self, id: i64) -> Value {
        status(&self.http, &self.app.origin, &self.token, id).await
    }

    /// Whether mail `id` reaches `wanted` within `seconds`.
    async fn reaches(&self, id: i64, wanted: &str, seconds: u64) -> bool {
        eventually(seconds, || async { self.status(id).await["status"] == wanted }).await
    }
}

#[tokio::test]
async fn temporary_refusals_are_retried_until_sent() {
    let smtp = SmtpServer::start_with("plain", None, "127.0.0.1", free_port(), &["--fail-first", "2", "--fail-code", "451"]);
    let rig = Rig::new("Flaky", smtp.port).await;
    let id = rig.queue("grace@example.com").await;
    assert!(rig.reaches(id, "sent", 15).await);
    let report = rig.status(id).await;
    assert_eq!(report["attempts"], 3);
    assert_eq!(smtp.of_kind("refused").len(), 2);
    assert_eq!(smtp.of_kind("message").len(), 1);
    let resend = rig.admin.call::<Value>("delivery/resend", json!({ "id": id })).await.unwrap_err();
    assert_eq!(resend.status, 409, "only a failed mail can be resent");
}

#[tokio::test]
async fn a_non_ascii_address_to_a_server_without_smtputf8_fails_at_once_and_says_why() {
    let smtp = SmtpServer::start_with("plain", None, "127.0.0.1", free_port(), &["--no-smtputf8"]);
    let rig = Rig::new("Plain", smtp.port).await;
    let id = rig.queue("zoë@example.com").await;
    let failed = rig.reaches(id, "failed", 15).await;
    let report = rig.status(id).await;
    assert!(failed, "{report} {:?}", smtp.events());
    assert_eq!(report["attempts"], 1, "not retried: {report}");
    assert!(report["last_error"].as_str().unwrap().contains("does not offer SMTPUTF8"), "{report}");
    assert!(smtp.of_kind("message").is_empty());
}

#[tokio::test]
async fn envelopes_are_pipelined_to_servers_that_offer_it_and_only_to_them() {
    for (extra, pipelined) in [(&["--pipelining"][..], true), (&[][..], false)] {
        let smtp = SmtpServer::start_with("plain", None, "127.0.0.1", free_port(), extra);
        let rig = Rig::new("Relay", smtp.port).await;
        for to in ["grace@example.com", "ada@example.com", "hopper@example.com"] {
            rig.queue(to).await;
        }
        assert!(eventually(15, || async { smtp.of_kind("message").len() == 3 }).await, "{:?}", smtp.events());
        let messages = smtp.of_kind("message");
        assert!(messages.iter().all(|m| m["pipelined"] == pipelined), "pipelined {pipelined}: {messages:?}");
    }
}

#[tokio::test]
async fn a_recipient_refused_in_a_pipelined_envelope_fails_the_mail_with_the_servers_words() {
    let refusal = "550 5.1.1 No such user here";
    let smtp = SmtpServer::start_with("plain", None, "127.0.0.1", free_port(), &["--pipelining", "--refuse-rcpt", refusal]);
    let rig = Rig::new("Relay", smtp.port).await;
    let id = rig.queue("nobody@example.com").await;
    assert!(rig.reaches(id, "failed", 15).await);
    let report = rig.status(id).await;
    assert_eq!(report["attempts"], 1, "{report}");
    assert!(report["last_error"].as_str().unwrap().contains("No such user here"), "{report}");
    let refused = smtp.of_kind("refused");
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0]["pipelined"], true);
    assert!(smtp.of_kind("message").is_empty());
}

#[tokio::test]
async fn permanent_refusals_fail_at_once_and_can_be_resent() {
    let smtp = SmtpServer::start_with("plain", None, "127.0.0.1", free_port(), &["--fail-first", "1000", "--fail-code", "550"]);
    let rig = Rig::new("Strict", smtp.port).await;
    let id = rig.queue("grace@example.com").await;
    // A 5xx fails the mail at once; a failed mail is never claimed again unless resent.
    assert!(rig.reaches(id, "failed", 10).await);
    let report = rig.status(id).await;
    assert_eq!(report["attempts"], 1, "a 5xx is not retried");
    assert!(report["last_error"].as_str().unwrap().starts_with("550"), "{report}");
    assert_eq!(smtp.of_kind("refused").len(), 1);

    let log: Value = rig.admin.call("delivery/list", json!({ "filter": "failed", "before": null })).await.unwrap();
    assert_eq!(log[0]["id"], id);
    let _: Value = rig.admin.call("delivery/resend", json!({ "id": id })).await.unwrap();
    assert!(eventually(10, || async { smtp.of_kind("refused").len() == 2 }).await, "resend tried again");
    assert!(rig.reaches(id, "failed", 10).await);
    let _: Value = rig.admin.call("delivery/resend", json!({ "id": id })).await.expect("a failed mail can be resent again");
}

/// Queues `count` mails to a slow server, stops Mailroom mid-batch with `how`, starts it again,
/// and returns (messages received, distinct recipients).
async fn stop_mid_batch(how: &str, count: usize) -> (usize, usize) {
    // 8 connections take at most 40 mails a second, far slower than mails are queued, so most
    // are still waiting when Mailroom stops.
    let smtp = SmtpServer::start_with("plain", None, "127.0.0.1", free_port(), &["--delay-ms", "200"]);
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let extra = [("MAILROOM_OUTBOX_CLAIM_TIMEOUT_SECS", "2")];
    let server = Server::start(data.path(), port, &extra);
    server.ready().await;
    let admin = server.admin().await;
    plain_relay(&admin, "Slow", smtp.port).await;
    let token = api_token(&admin, "batch").await;
    let http = reqwest::Client::new();
    for i in 0..count {
        queue_invoice(&http, &server.base, &token, &format!("r{i}@example.com")).await;
    }
    assert!(eventually(30, || async { smtp.of_kind("message").len() >= 20 }).await);
    server.stop(how);
    let before = smtp.of_kind("message").len();
    assert!(before < count, "stopped mid-batch ({before} of {count} sent)");
    let server = Server::start(data.path(), port, &extra);
    server.ready().await;
    assert!(eventually(60, || async { smtp.of_kind("message").len() >= count }).await, "everything was sent after the restart");
    // Once every row is recorded as sent, nothing more can be sent (a duplicate included).
    let unsent = || async {
        let mut db =
            sqlx::SqliteConnection::connect(&format!("sqlite://{}", data.path().join("mailroom.db").display())).await.unwrap();
        sqlx::query_scalar::<_, i64>("select count(*) from outbox where status != 'sent'").fetch_one(&mut db).await.unwrap()
    };
    assert!(eventually(60, || async { unsent().await == 0 }).await, "every mail is recorded as sent");
    server.stop("-TERM");
    let messages = smtp.of_kind("message");
    let distinct: std::collections::BTreeSet<String> =
        messages.iter().map(|m| m["rcpt_tos"][0].as_str().unwrap().to_owned()).collect();
    (messages.len(), distinct.len())
}

#[tokio::test]
async fn a_clean_restart_mid_batch_loses_and_duplicates_nothing() {
    let (received, distinct) = stop_mid_batch("-TERM", 150).await;
    assert_eq!((received, distinct), (150, 150));
}

#[tokio::test]
async fn a_crash_mid_batch_loses_nothing() {
    let (received, distinct) = stop_mid_batch("-KILL", 150).await;
    assert_eq!(distinct, 150, "every mail arrived");
    assert!(received - distinct <= 8, "at most the mails in flight at the crash arrive twice ({} did)", received - distinct);
}

#[tokio::test]
async fn mail_waiting_after_failures_raises_an_alert_until_it_is_sent() {
    let refusing =
        SmtpServer::start_with("plain", None, "127.0.0.1", free_port(), &["--fail-first", "1000", "--fail-code", "451"]);
    let working = SmtpServer::start("plain", None);
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    let relay = plain_relay(&admin, "Billing relay", refusing.port).await;
    let token = api_token(&admin, "billing").await;
    let http = reqwest::Client::new();
    queue_invoice(&http, &app.origin, &token, "grace@example.com").await;
    queue_invoice(&http, &app.origin, &token, "alan@example.com").await;

    assert!(eventually(10, || async { refusing.of_kind("refused").len() >= 2 }).await, "both mails were refused for now");
    let alerts = || async { admin.call::<Vec<DeliveryAlert>>("delivery/alerts", json!({})).await.unwrap() };
    assert!(
        eventually(10, || async { alerts().await.first().is_some_and(|a| a.waiting == 2) }).await,
        "the alert names both mails"
    );
    let alert = alerts().await.remove(0);
    assert_eq!((alert.settings_id, alert.settings.as_str()), (relay.id, "Billing relay"));
    let row = || async {
        let list = admin.call::<ListedSettings>("settings/list", json!({})).await.unwrap().into_rows();
        list.into_iter().find(|s| s.id == relay.id).unwrap().health
    };
    let failing = row().await;
    assert_eq!((failing.failing_since, failing.waiting, failing.sent_24h), (Some(alert.since), 2, 0));
    let user = app.user("plain@example.com").await;
    assert_eq!(user.call::<Vec<DeliveryAlert>>("delivery/alerts", json!({})).await.unwrap_err().error, AppError::AdminOnly);

    // The relay is fixed: the waiting mail goes out, and the alert ends.
    let mut form = serde_json::to_value(&relay.form).unwrap();
    form["port"] = json!(working.port.to_string());
    let input = json!({ "input": { "id": relay.id, "version": relay.version, "form": form, "password": "Keep" } });
    let _: SettingsView = admin.call("settings/save", input).await.unwrap();
    assert!(eventually(20, || async { alerts().await.is_empty() }).await, "the alert ends once the mail is sent");
    assert!(eventually(20, || async { row().await.sent_24h == 2 }).await, "both waiting mails go out");
    let healthy = row().await;
    assert_eq!((healthy.failing_since, healthy.waiting, healthy.sent_24h, healthy.failed_24h), (None, 0, 2, 0));
    assert_eq!(working.of_kind("message").len(), 2);
}
