//! OAuth2 client credentials (XOAUTH2) end to end: a real token endpoint on loopback
//! (tests/smtp/token_server.py) that issues, expires and refuses tokens as Microsoft Entra ID
//! does, and aiosmtpd checking the bearer token.

mod support;

use app::api::test_email::{Step, TestEvent};
use app::api::SettingsView;
use app::domain::oauth::{ClientId, Scope, TokenUrl};
use app::domain::Field;
use mailroom::mail::oauth::{Client, Grant, TokenError, Tokens};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};
use std::time::Duration;
use support::events::{detail, failure, test_saved};
use support::process::Server;
use support::smtp::{certs, Certs, SmtpServer, TokenServer, CLIENT_ID, CLIENT_SECRET, SCOPE, USER};
use support::{api_token, config, eventually, queue_invoice, Browser, TestApp};

/// A token endpoint, and a relay (STARTTLS, its own CA) that accepts the tokens it issues.
fn relay_with_tokens() -> (TokenServer, Certs, SmtpServer) {
    let tokens = TokenServer::start(3599);
    let certs = certs(&["127.0.0.1"]);
    let args = tokens.smtp_args();
    let smtp = SmtpServer::start_with("starttls", Some(&certs), "127.0.0.1", support::smtp::free_port(), &[&args[0], &args[1]]);
    (tokens, certs, smtp)
}

/// That relay, and an app trusting it with an administrator signed in.
struct Rig {
    tokens: TokenServer,
    smtp: SmtpServer,
    app: TestApp,
    admin: Browser,
    _certs: Certs,
}

async fn rig() -> Rig {
    let (tokens, certs, smtp) = relay_with_tokens();
    let app = app_trusting(&certs).await;
    let admin = app.admin().await;
    Rig { tokens, smtp, app, admin, _certs: certs }
}

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

#[tokio::test]
async fn the_test_gets_a_token_and_signs_in_with_xoauth2_without_showing_it() {
    let Rig { tokens, smtp, app: _app, admin, .. } = rig().await;
    let settings = save(&admin, form(smtp.port, &tokens.url, CLIENT_ID), CLIENT_SECRET).await;
    assert!(!settings.form.token_url.is_empty() && settings.has_password);

    let events = test_saved(&admin, settings.id.get()).await;
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
    let Rig { tokens, smtp, app: _app, admin, .. } = rig().await;

    let wrong_secret = save(&admin, form(smtp.port, &tokens.url, CLIENT_ID), "not-the-secret").await;
    let d = failure(&test_saved(&admin, wrong_secret.id.get()).await);
    assert_eq!(d.step, Step::Token);
    assert!(d.cause.contains("AADSTS7000215") && d.fix.contains("Value"), "{d:?}");
    assert_eq!(d.fields, [Field::Password]);

    let mut other = form(smtp.port, &tokens.url, "unknown-app");
    other["name"] = json!("Other app");
    let wrong_client = save(&admin, other, CLIENT_SECRET).await;
    let d = failure(&test_saved(&admin, wrong_client.id.get()).await);
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
    let d = failure(&test_saved(&admin, settings.id.get()).await);
    assert_eq!((d.step, d.reply.as_ref().map(|r| r.0)), (Step::Authenticate, Some(535)), "{d:?}");
    assert!(d.fix.contains("SMTP.SendAsApp"), "{}", d.fix);
    assert_eq!(d.fields, [Field::Username, Field::ClientId]);
}

#[tokio::test]
async fn the_outbox_sends_with_xoauth2() {
    let Rig { tokens, smtp, app, admin, .. } = rig().await;
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

/// The app's registration at a token endpoint, as saved settings hold it.
struct Registration {
    url: TokenUrl,
    id: ClientId,
    scope: Scope,
}

impl Registration {
    fn at(endpoint: &TokenServer) -> Self {
        Self {
            url: TokenUrl::parse(&endpoint.url).unwrap(),
            id: ClientId::parse(CLIENT_ID).unwrap(),
            scope: Scope::parse(SCOPE).unwrap(),
        }
    }

    fn client<'a>(&'a self, secret: &'a SecretString) -> Client<'a> {
        Client { token_url: &self.url, client_id: &self.id, scope: &self.scope, secret, grant: Grant::ClientCredentials }
    }
}

#[tokio::test]
async fn a_cached_token_is_reused_until_it_nears_expiry_then_renewed() {
    let endpoint = TokenServer::start(2);
    let (registration, secret) = (Registration::at(&endpoint), SecretString::from(CLIENT_SECRET));
    let client = registration.client(&secret);
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

#[tokio::test]
async fn connections_opened_together_share_one_token_request() {
    let endpoint = TokenServer::start(3599);
    let (registration, secret) = (Registration::at(&endpoint), SecretString::from(CLIENT_SECRET));
    let client = registration.client(&secret);
    let tokens = Tokens::new(Duration::from_secs(5));
    // As the outbox's eight lanes do when they open their connections at once.
    let got = futures::future::join_all((0..8).map(|_| tokens.get(&client))).await;
    let got: Vec<String> = got.into_iter().map(|token| token.unwrap().expose_secret().to_owned()).collect();
    assert!(got.iter().all(|token| *token == got[0]), "every lane got the same token");
    assert_eq!(endpoint.issued(), 1, "the endpoint was asked once");
}

#[tokio::test]
async fn connections_opened_together_share_one_refusal_too() {
    let endpoint = TokenServer::start(3599);
    let (registration, wrong) = (Registration::at(&endpoint), SecretString::from("not-the-client-secret"));
    let client = registration.client(&wrong);
    let tokens = Tokens::new(Duration::from_secs(5));
    let got = futures::future::join_all((0..8).map(|_| tokens.get(&client))).await;
    assert!(got.iter().all(|answer| matches!(answer, Err(TokenError::Refused { .. }))), "{got:?}");
    assert_eq!(endpoint.requests().len(), 1, "the endpoint was asked once: {:?}", endpoint.requests());
    // A later attempt asks again: a failure is shared only with those who waited for it.
    assert!(tokens.get(&client).await.is_err());
    assert_eq!(endpoint.requests().len(), 2);
}

fn refresh_form(port: u16, tokens: &TokenServer, client_id: &str) -> Value {
    let mut form = form(port, &tokens.url, client_id);
    form["name"] = json!("Google Workspace");
    form["auth"] = json!("OAuth2RefreshToken");
    form["authorize_url"] = json!(tokens.authorize_url());
    form
}

/// Follows "Connect" as a browser would: to the provider's page, and back to the callback.
async fn connect(admin: &Browser, app: &TestApp, id: i64) -> (u16, String) {
    connect_at(admin, &app.origin, id).await
}

async fn connect_at(admin: &Browser, origin: &str, id: i64) -> (u16, String) {
    let url: String = admin.call("settings/oauth-connect", json!({ "id": id })).await.unwrap();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let at_provider = http.get(&url).send().await.unwrap();
    assert_eq!(at_provider.status().as_u16(), 302);
    let back = at_provider.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.starts_with(&format!("{origin}/oauth/callback?")), "{back}");
    let landed = http.get(&back).send().await.unwrap();
    let status = landed.status().as_u16();
    let location = landed.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
    (status, location.unwrap_or_else(|| back.clone()))
}

#[tokio::test]
async fn connect_gets_a_refresh_token_that_signs_in_until_the_client_changes() {
    let Rig { tokens, smtp, app, admin, .. } = rig().await;
    let settings = save(&admin, refresh_form(smtp.port, &tokens, CLIENT_ID), CLIENT_SECRET).await;
    assert_eq!(settings.connected, None);
    let d = failure(&test_saved(&admin, settings.id.get()).await);
    assert_eq!((d.step, d.fields.clone()), (Step::Token, vec![Field::Auth]));
    assert!(d.fix.contains("Connect"), "{}", d.fix);

    let (status, location) = connect(&admin, &app, settings.id.get()).await;
    assert_eq!((status, location.as_str()), (303, format!("/smtp-settings/{}", settings.id).as_str()));
    let view: SettingsView = admin.call("settings/get", json!({ "id": settings.id })).await.unwrap();
    assert!(view.connected.as_ref().is_some_and(|(_, by)| !by.is_empty()), "{:?}", view.connected);
    assert_eq!(view.version, settings.version, "connecting does not make open editors stale");
    let authorize = tokens.requests().into_iter().find(|r| r["path"] == "/authorize").unwrap();
    assert_eq!(authorize["login_hint"], USER);

    let events = test_saved(&admin, settings.id.get()).await;
    assert!(detail(&events, Step::Token).contains("valid for 59 minutes"), "{events:?}");
    assert_eq!(detail(&events, Step::Authenticate), format!("Signed in as {USER} with AUTH XOAUTH2"));
    let audit: Value = admin.call("audit/list", json!({ "filter": "OAuth2 connected", "before": null })).await.unwrap();
    assert_eq!(audit.as_array().unwrap().len(), 1);

    // The outbox signs in with it too.
    let token = api_token(&admin, "billing").await;
    queue_invoice(&reqwest::Client::new(), &app.origin, &token, "grace@example.com").await;
    assert!(eventually(15, || async { smtp.of_kind("message").len() == 1 }).await, "{:?}", smtp.events());

    // Another client: the refresh token belonged to the old one.
    let mut changed = refresh_form(smtp.port, &tokens, "another-client");
    changed["name"] = json!("Google Workspace");
    let moved: SettingsView = admin
        .call(
            "settings/save",
            json!({ "input": { "id": view.id, "version": view.version, "form": changed, "password": { "Set": CLIENT_SECRET } } }),
        )
        .await
        .unwrap();
    assert_eq!(moved.connected, None);
}

#[tokio::test]
async fn a_callback_state_works_once_and_only_for_a_pending_connect() {
    let tokens = TokenServer::start(3599);
    let app = app_trusting(&certs(&["127.0.0.1"])).await;
    let admin = app.admin().await;
    let settings = save(&admin, refresh_form(2525, &tokens, CLIENT_ID), CLIENT_SECRET).await;
    let url: String = admin.call("settings/oauth-connect", json!({ "id": settings.id })).await.unwrap();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let back = http.get(&url).send().await.unwrap().headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(http.get(&back).send().await.unwrap().status().as_u16(), 303);
    let again = http.get(&back).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 400);
    assert!(again.text().await.unwrap().contains("unknown, already used or older than ten minutes"));
    let forged = http.get(format!("{}/oauth/callback?code=x&state=<script>", app.origin)).send().await.unwrap();
    assert_eq!(forged.status().as_u16(), 400);
    assert!(!forged.text().await.unwrap().contains("<script>"));
    let refused = app.browser().call::<String>("settings/oauth-connect", json!({ "id": settings.id })).await.unwrap_err();
    assert_eq!(refused.status, 401, "Connect needs a signed-in administrator");
}

#[tokio::test]
async fn rotate_key_reseals_client_secrets_and_refresh_tokens() {
    let (tokens, certs, smtp) = relay_with_tokens();
    let data = tempfile::tempdir().unwrap();
    let port = support::smtp::free_port();
    let ca = certs.ca.display().to_string();
    let env = [("MAILROOM_SMTP_CA_FILE", ca.as_str())];
    let server = Server::start(data.path(), port, &env);
    server.ready().await;
    let admin = server.admin().await;
    let connected = save(&admin, refresh_form(smtp.port, &tokens, CLIENT_ID), CLIENT_SECRET).await;
    assert_eq!(connect_at(&admin, &server.base, connected.id.get()).await.0, 303);
    let mut credentials = form(smtp.port, &tokens.url, CLIENT_ID);
    credentials["name"] = json!("Client credentials");
    let plain = save(&admin, credentials, CLIENT_SECRET).await;
    server.stop("-TERM");

    support::process::rotate_key(data.path());

    let server = Server::start(data.path(), port, &env);
    server.ready().await;
    let admin = server.admin().await;
    for id in [connected.id, plain.id] {
        let events = test_saved(&admin, id.get()).await;
        assert!(matches!(events.last(), Some(TestEvent::Finished { ok: true, .. })), "settings {id}: {events:?}");
    }
}
