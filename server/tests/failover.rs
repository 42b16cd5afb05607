//! Failover against real SMTP servers: while a relay refuses connections or goes away
//! mid-batch, its backup carries the mail, each mail is sent once, and the delivery log names
//! the settings that sent it. A 5xx is not passed on, and a backup loop cannot be saved.

mod support;

use app::api::delivery::MailView;
use app::api::{AppError, ListedSettings, MailId};
use app::domain::Field;
use serde_json::{json, Value};
use std::collections::HashMap;
use support::smtp::{free_port, SmtpServer};
use support::{api_token, eventually, fast_outbox_app, queue_invoice, Browser};

async fn relay(admin: &Browser, name: &str, port: u16, backup: Option<i64>) -> Value {
    let form = json!({
        "name": name, "starttls_only": false, "host": "127.0.0.1", "port": port.to_string(),
        "from_name": "Billing", "email": "billing@example.com", "username": "",
        "backup": backup.map(|b| b.to_string()).unwrap_or_default(),
    });
    admin
        .call("settings/save", json!({ "input": { "id": null, "version": null, "form": form, "password": "Keep" } }))
        .await
        .unwrap()
}

async fn log(admin: &Browser) -> Vec<MailView> {
    admin.call("delivery/list", json!({ "filter": "", "before": null })).await.unwrap()
}

#[tokio::test]
async fn a_relay_that_refuses_connections_hands_its_mail_to_the_backup() {
    let backup_server = SmtpServer::start("plain", None);
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    let backup = relay(&admin, "Backup relay", backup_server.port, None).await;
    let nobody_listens = free_port();
    let primary = relay(&admin, "Primary relay", nobody_listens, backup["id"].as_i64()).await;
    let _: Value = admin.call("settings/make-default", json!({ "id": primary["id"] })).await.unwrap();
    let token = api_token(&admin, "billing").await;
    let http = reqwest::Client::new();
    for n in 0..3 {
        queue_invoice(&http, &app.origin, &token, &format!("customer{n}@example.com")).await;
    }
    assert!(
        eventually(15, || async { log(&admin).await.iter().all(|m| m.status.label() == "sent") }).await,
        "{:?}",
        log(&admin).await
    );
    for mail in log(&admin).await {
        assert_eq!((mail.settings.as_str(), mail.sent_via.as_deref()), ("Primary relay", Some("Backup relay")));
        assert_eq!(mail.attempts, 1, "failover happens within the attempt");
    }
    assert_eq!(backup_server.of_kind("message").len(), 3);
    let list = admin.call::<ListedSettings>("settings/list", json!({})).await.unwrap().into_rows();
    let row = |name: &str| list.iter().find(|s| s.name == name).unwrap().clone();
    assert!(row("Primary relay").failing_over);
    assert_eq!((row("Backup relay").backs_up, row("Backup relay").failing_over), (1, false));
}

#[tokio::test]
async fn killing_the_relay_mid_batch_sends_every_mail_once() {
    let backup_server = SmtpServer::start("plain", None);
    let primary_server = SmtpServer::start_with("plain", None, "127.0.0.1", free_port(), &["--delay-ms", "20"]);
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    let backup = relay(&admin, "Backup relay", backup_server.port, None).await;
    let primary = relay(&admin, "Primary relay", primary_server.port, backup["id"].as_i64()).await;
    let _: Value = admin.call("settings/make-default", json!({ "id": primary["id"] })).await.unwrap();
    let token = api_token(&admin, "billing").await;
    let http = reqwest::Client::new();
    const MAILS: usize = 40;
    for n in 0..MAILS {
        queue_invoice(&http, &app.origin, &token, &format!("customer{n}@example.com")).await;
    }
    assert!(eventually(20, || async { primary_server.of_kind("message").len() >= 3 }).await, "the batch got going");
    let primary_received = {
        let mut primary_server = primary_server;
        primary_server.kill();
        primary_server.of_kind("message")
    };
    assert!(
        eventually(30, || async { log(&admin).await.iter().all(|m| m.status.label() == "sent") }).await,
        "{:?}",
        log(&admin).await
    );

    let mut times_received: HashMap<String, usize> = HashMap::new();
    for message in primary_received.iter().chain(backup_server.of_kind("message").iter()) {
        *times_received.entry(message["rcpt_tos"][0].as_str().unwrap().to_owned()).or_default() += 1;
    }
    assert_eq!(times_received.len(), MAILS, "every mail arrived");
    assert!(times_received.values().all(|n| *n == 1), "and only once: {times_received:?}");
    let by_backup = log(&admin).await.into_iter().filter(|m| m.sent_via.as_deref() == Some("Backup relay")).count();
    assert_eq!(by_backup, backup_server.of_kind("message").len(), "the log names the settings that sent each mail");
    assert!(by_backup > 0 && by_backup < MAILS);
}

#[tokio::test]
async fn a_refusal_is_not_passed_on_to_the_backup() {
    let backup_server = SmtpServer::start("plain", None);
    let strict = SmtpServer::start_with("plain", None, "127.0.0.1", free_port(), &["--fail-first", "1000", "--fail-code", "550"]);
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    let backup = relay(&admin, "Backup relay", backup_server.port, None).await;
    let primary = relay(&admin, "Strict relay", strict.port, backup["id"].as_i64()).await;
    let _: Value = admin.call("settings/make-default", json!({ "id": primary["id"] })).await.unwrap();
    let token = api_token(&admin, "billing").await;
    let id = queue_invoice(&reqwest::Client::new(), &app.origin, &token, "grace@example.com").await;
    assert!(
        eventually(10, || async { log(&admin).await.iter().any(|m| m.id == MailId(id) && m.status.label() == "failed") }).await
    );
    assert!(backup_server.of_kind("message").is_empty(), "the backup would only be refused the same way");
}

#[tokio::test]
async fn a_backup_loop_cannot_be_saved() {
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    let a = relay(&admin, "Relay A", 2525, None).await;
    let b = relay(&admin, "Relay B", 2526, a["id"].as_i64()).await;
    let mut form = a["form"].clone();
    form["backup"] = json!(b["id"].as_i64().unwrap().to_string());
    let refused = admin
        .call::<Value>(
            "settings/save",
            json!({ "input": { "id": a["id"], "version": a["version"], "form": form, "password": "Keep" } }),
        )
        .await
        .unwrap_err();
    let AppError::Invalid(errors) = refused.error else { panic!("{:?}", refused.error) };
    assert_eq!(
        errors.get(Field::Backup),
        Some("This backup would make a loop (Relay A → Relay B → Relay A); choose settings that do not lead back here.")
    );
}
