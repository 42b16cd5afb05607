//! Secrets never leave: a canary SMTP password (and the administrator's own password) go
//! through every server function, a real test send included, and then appear in no HTTP
//! response, no log line of the running binary, and not in plaintext in the SQLite files.

mod support;

use serde_json::{json, Value};
use std::process::Stdio;
use support::process::Server;
use support::smtp::{certs, free_port, SmtpServer, PASSWORD as SMTP_CANARY, USER};
use support::{Browser, ADMIN_EMAIL, ADMIN_PASSWORD};

struct Bodies(Vec<String>);

impl Bodies {
    async fn call(&mut self, browser: &Browser, endpoint: &str, body: Value) -> String {
        let (status, text) = browser.raw(endpoint, body).await;
        assert!(status < 500, "{endpoint}: {status} {text}");
        self.0.push(text.clone());
        text
    }
}

#[tokio::test]
async fn the_canary_password_appears_nowhere() {
    let certs = certs(&["127.0.0.1"]);
    let smtp = SmtpServer::start("starttls", Some(&certs));
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let log_path = data.path().join("mailroom.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let ca = certs.ca.to_str().unwrap();
    let extra = [("MAILROOM_SMTP_CA_FILE", ca), ("RUST_LOG", "debug")];
    let server = Server::start_logging(data.path(), port, &extra, Stdio::from(log.try_clone().unwrap()), Stdio::from(log));
    server.ready().await;
    let base = server.base.clone();
    let browser = Browser {
        base: base.clone(),
        origin: Some(base.clone()),
        http: reqwest::Client::builder().cookie_store(true).build().unwrap(),
    };

    let mut bodies = Bodies(Vec::new());
    bodies.call(&browser, "auth/sign-in", json!({ "credentials": { "email": ADMIN_EMAIL, "password": "not it" } })).await;
    bodies.call(&browser, "auth/sign-in", json!({ "credentials": { "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD } })).await;
    bodies.call(&browser, "auth/me", json!({})).await;
    let form = json!({ "name": "Canary relay", "starttls_only": true, "host": "127.0.0.1", "port": smtp.port.to_string(), "from_name": "Billing", "email": "billing@example.com", "username": USER });
    let saved = bodies
        .call(
            &browser,
            "settings/save",
            json!({ "input": { "id": null, "version": null, "form": form, "password": { "Set": SMTP_CANARY } } }),
        )
        .await;
    let saved: Value = serde_json::from_str(&saved).unwrap();
    let id = saved["id"].as_i64().unwrap();
    bodies.call(&browser, "settings/list", json!({})).await;
    bodies.call(&browser, "settings/get", json!({ "id": id })).await;
    let saved = bodies
        .call(
            &browser,
            "settings/save",
            json!({ "input": { "id": id, "version": saved["version"], "form": form, "password": "Keep" } }),
        )
        .await;
    let test = bodies
        .call(
            &browser,
            "settings/test",
            json!({ "request": { "settings_id": id, "form": null, "password": null, "recipient": "ada@example.com" } }),
        )
        .await;
    assert!(test.contains("\"ok\":true"), "the test email went through: {test}");
    let mut wrong = form.clone();
    wrong["from_name"] = json!("Edited");
    bodies.call(&browser, "settings/test", json!({ "request": { "settings_id": id, "form": wrong, "password": format!("{SMTP_CANARY}x"), "recipient": "ada@example.com" } })).await;
    bodies.call(&browser, "audit/list", json!({ "filter": "", "before": null })).await;
    bodies.call(&browser, "users/list", json!({})).await;
    bodies
        .call(
            &browser,
            "users/create",
            json!({ "user": { "name": "Bo", "email": "bo@example.com", "role": "User", "password": ADMIN_PASSWORD } }),
        )
        .await;
    bodies.call(&browser, "account/email", json!({ "current_password": ADMIN_PASSWORD, "email": "root@example.com" })).await;
    bodies.call(&browser, "account/password", json!({ "current": ADMIN_PASSWORD, "new": format!("{ADMIN_PASSWORD} 2") })).await;
    let saved: Value = serde_json::from_str(&saved).unwrap();
    bodies
        .call(
            &browser,
            "settings/save",
            json!({ "input": { "id": id, "version": saved["version"], "form": form, "password": "Clear" } }),
        )
        .await;
    bodies.call(&browser, "settings/delete", json!({ "id": id })).await;
    for page in ["/", "/smtp-settings", &format!("/smtp-settings/{id}"), "/audit-log"] {
        bodies.0.push(browser.http.get(format!("{base}{page}")).send().await.unwrap().text().await.unwrap());
    }
    bodies.call(&browser, "auth/sign-out", json!({})).await;
    assert_eq!(
        smtp.of_kind("auth").iter().filter(|a| a["ok"] == json!(true)).count(),
        1,
        "the canary really was used to sign in"
    );

    server.stop("-KILL");
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains("test email finished"), "the log was captured");
    let files: Vec<(String, Vec<u8>)> = ["mailroom.db", "mailroom.db-wal"]
        .iter()
        .filter_map(|name| std::fs::read(data.path().join(name)).ok().map(|bytes| (name.to_string(), bytes)))
        .collect();
    for secret in [SMTP_CANARY, ADMIN_PASSWORD] {
        for (i, body) in bodies.0.iter().enumerate() {
            assert!(!body.contains(secret), "response {i} holds a secret: {body}");
        }
        assert!(!log.contains(secret), "the log holds a secret");
        for (name, bytes) in &files {
            assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "{name} holds a secret in plaintext");
        }
    }
}
