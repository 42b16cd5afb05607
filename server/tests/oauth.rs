//! OAuth2 client credentials (XOAUTH2) end to end: a real token endpoint on loopback
//! (tests/smtp/token_server.py) that issues, expires and refuses tokens as Microsoft Entra ID
//! does, and aiosmtpd checking the bearer token.

mod support;

use app::api::test_email::{Diagnosis, Step, TestEvent};
use app::api::SettingsView;
use app::domain::oauth::{ClientId, Scope, TokenUrl};
use app::domain::Field;
use mailroom::mail::oauth::{Client, Tokens};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};
use std::time::Duration;
use support::smtp::{certs, Certs, SmtpServer, TokenServer, CLIENT_ID, CLIENT_SECRET, SCOPE, USER};
use support::{api_token, config, eventually, queue_invoice, Browser, TestApp};

async fn app_trusting(certs: &Certs) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path().to_owned(), true);
    config.smtp_ca_file = Some(certs.ca.clone());
    config.smtp_timeout = Duration::from_secs(5);
    config.outbox.backoff = Duration::from_millis(200);
    TestApp::start_with(dir, config).await
}

fn form(port: u16, token_url: &str, client_id: &str) -> Value {
    json!({
        "name": "Microsoft 365", "starttls_only": true, "host": "127.0.0.1", "port": port.to_string(),
        "from_name": "Billing", "email": "billing@example.com", "username": USER,
        "auth": "OAuth2ClientCredentials", "token_url": token_url, "client_id": client_id, "scope": SCOPE,
    })
}

async fn save(admin: &Browser, form: Value, secret: &str) -> SettingsView {
    admin
        .call("settings/save", json!({ "input": { "id": null, "version": null, "form": form, "password": { "Set": secret } } }))
        .await
        .expect("saved")
}

async fn test_saved(admin: &Browser, id: i64) -> Vec<TestEvent> {
    let body = json!({ "request": { "settings_id": id, "form": null, "password": null, "recipient": "ada@example.com" } });
    let (status, text) = admin.raw("settings/test", body).await;
    assert_eq!(status, 200, "{text}");
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn failure(events: &[TestEvent]) -> Diagnosis {
    events
        .iter()
        .find_map(|e| if let TestEvent::Failed { diagnosis, .. } = e { Some(diagnosis.clone()) } else { None })
        .unwrap_or_else(|| panic!("a failed step in {events:?}"))
}

fn detail(events: &[TestEvent], wanted: Step) -> String {
    events
        .iter()
        .find_map(|e| match e {
            TestEvent::Passed { step, detail, .. } if *step == wanted => Some(detail.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{wanted:?} passed in {events:?}"))
}

#[tokio::test]
async fn the_test_gets_a_token_and_signs_in_with_xoauth2_without_showing_it() {
    let tokens = TokenServer::start(3599);
    let certs = certs(&["127.0.0.1"]);
    let smtp = SmtpServer::start_with(
        "starttls",
        Some(&certs),
        "127.0.0.1",
        support::smtp::free_port(),
        &[&tokens.smtp_args()[0], &tokens.smtp_args()[1]],
    );
    let app = app_trusting(&certs).await;
    let admin = app.admin().await;
    let settings = save(&admin, form(smtp.port, &tokens.url, CLIENT_ID), CLIENT_SECRET).await;
    assert!(!settings.form.token_url.is_empty() && settings.has_password);

    let events = test_saved(&admin, settings.id).await;
    assert!(detail(&events, Step::Token).contains("valid for 59 minutes"), "{events:?}");
    assert_eq!(detail(&events, Step::Authenticate), format!("Signed in as {USER} with AUTH XOAUTH2"));
    let Some(TestEvent::Finished { ok: true, transcript, .. }) = events.last() else { panic!("{events:?}") };
    let auth = smtp.of_kind("auth");
    assert_eq!(
        (auth.len(), &auth[0]["mechanism"], &auth[0]["ok"], &auth[0]["tls"]),
        (1, &json!("XOAUTH2"), &json!(true), &json!(true))
    );
    let issued = std::fs::read_to_string(&tokens.tokens).unwrap();
    let token = issued.split_whitespace().next().unwrap();
    let conversation = transcript.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n");
    assert!(conversation.contains("AUTH XOAUTH2 [redacted]"), "{conversation}");
    assert!(!conversation.contains(token) && !conversation.contains(CLIENT_SECRET));
    let request = &tokens.requests()[0];
    assert_eq!(
        (&request["grant_type"], &request["client_id"], &request["scope"]),
        (&json!("client_credentials"), &json!(CLIENT_ID), &json!(SCOPE))
    );
}

#[tokio::test]
async fn the_token_endpoints_refusals_are_explained_with_the_field_at_fault() {
    let tokens = TokenServer::start(3599);
    let certs = certs(&["127.0.0.1"]);
    let smtp = SmtpServer::start_with(
        "starttls",
        Some(&certs),
        "127.0.0.1",
        support::smtp::free_port(),
        &[&tokens.smtp_args()[0], &tokens.smtp_args()[1]],
    );
    let app = app_trusting(&certs).await;
    let admin = app.admin().await;

    let wrong_secret = save(&admin, form(smtp.port, &tokens.url, CLIENT_ID), "not-the-secret").await;
    let d = failure(&test_saved(&admin, wrong_secret.id).await);
    assert_eq!(d.step, Step::Token);
    assert!(d.cause.contains("AADSTS7000215") && d.fix.contains("Value"), "{d:?}");
    assert_eq!(d.fields, [Field::Password]);

    let mut other = form(smtp.port, &tokens.url, "unknown-app");
    other["name"] = json!("Other app");
    let wrong_client = save(&admin, other, CLIENT_SECRET).await;
    let d = failure(&test_saved(&admin, wrong_client.id).await);
    assert!(d.cause.contains("AADSTS700016"), "{}", d.cause);
    assert_eq!(d.fields, [Field::ClientId]);
    assert!(smtp.of_kind("auth").is_empty(), "no sign-in is tried without a token");
}

#[tokio::test]
async fn a_token_the_server_refuses_points_at_the_mailbox_and_the_applications_rights() {
    let tokens = TokenServer::start(3599);
    let certs = certs(&["127.0.0.1"]);
    let elsewhere = TokenServer::start(3599);
    // The relay trusts another endpoint's tokens only.
    let smtp = SmtpServer::start_with(
        "starttls",
        Some(&certs),
        "127.0.0.1",
        support::smtp::free_port(),
        &[&elsewhere.smtp_args()[0], &elsewhere.smtp_args()[1]],
    );
    let app = app_trusting(&certs).await;
    let admin = app.admin().await;
    let settings = save(&admin, form(smtp.port, &tokens.url, CLIENT_ID), CLIENT_SECRET).await;
    let d = failure(&test_saved(&admin, settings.id).await);
    assert_eq!((d.step, d.reply.as_ref().map(|r| r.0)), (Step::Authenticate, Some(535)), "{d:?}");
    assert!(d.fix.contains("SMTP.SendAsApp"), "{}", d.fix);
    assert_eq!(d.fields, [Field::Username, Field::ClientId]);
}

#[tokio::test]
async fn the_outbox_sends_with_xoauth2() {
    let tokens = TokenServer::start(3599);
    let certs = certs(&["127.0.0.1"]);
    let smtp = SmtpServer::start_with(
        "starttls",
        Some(&certs),
        "127.0.0.1",
        support::smtp::free_port(),
        &[&tokens.smtp_args()[0], &tokens.smtp_args()[1]],
    );
    let app = app_trusting(&certs).await;
    let admin = app.admin().await;
    save(&admin, form(smtp.port, &tokens.url, CLIENT_ID), CLIENT_SECRET).await;
    let token = api_token(&admin, "billing").await;
    let http = reqwest::Client::new();
    for to in ["grace@example.com", "hopper@example.com"] {
        queue_invoice(&http, &app.origin, &token, to).await;
    }
    assert!(eventually(15, || async { smtp.of_kind("message").len() == 2 }).await, "{:?}", smtp.events());
    assert!(smtp.of_kind("auth").iter().all(|a| a["mechanism"] == "XOAUTH2" && a["ok"] == true));
    assert_eq!(tokens.issued(), 1, "one token serves both mails");
}

#[tokio::test]
async fn a_cached_token_is_reused_until_it_nears_expiry_then_renewed() {
    let endpoint = TokenServer::start(2);
    let (url, id, scope) =
        (TokenUrl::parse(&endpoint.url).unwrap(), ClientId::parse(CLIENT_ID).unwrap(), Scope::parse(SCOPE).unwrap());
    let secret = SecretString::from(CLIENT_SECRET);
    let client = Client { token_url: &url, client_id: &id, scope: &scope, secret: &secret };
    let tokens = Tokens::new(Duration::from_secs(5));
    let first = tokens.get(&client).await.unwrap();
    assert_eq!(tokens.get(&client).await.unwrap().expose_secret(), first.expose_secret());
    assert_eq!(endpoint.issued(), 1);
    // Renewed a second early for a two-second token: wait until the first has expired.
    let issued_at = std::time::Instant::now();
    assert!(eventually(5, || async { issued_at.elapsed() >= Duration::from_secs(2) }).await);
    let second = tokens.get(&client).await.unwrap();
    assert_ne!(second.expose_secret(), first.expose_secret());
    assert_eq!(endpoint.issued(), 2);

    let other_secret = SecretString::from("a-new-secret");
    let changed = Client { secret: &other_secret, ..client };
    assert!(tokens.get(&changed).await.is_err(), "a new secret never reuses the old secret's token");
}
