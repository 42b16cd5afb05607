//! "Send test email" end to end: the server function, lettre over real TCP and TLS, and a real
//! SMTP server (aiosmtpd) on loopback.

mod support;

use app::api::test_email::{Diagnosis, LastTest, Step, TestEvent};
use app::api::{AppError, ListedSettings, SettingsView};
use app::domain::Field;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::smtp::{certs, certs_valid_for, free_port, Certs, SmtpServer, PASSWORD, USER};
use support::{config, Browser, TestApp};

/// An app trusting `ca` (if given), with short timeouts so failures come quickly.
async fn app_trusting(ca: Option<&Certs>) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path().to_owned(), true);
    config.smtp_ca_file = ca.map(|c| c.ca.clone());
    config.smtp_connect_timeout = Duration::from_secs(2);
    config.smtp_timeout = Duration::from_secs(3);
    TestApp::start_with(dir, config).await
}

fn form(host: &str, port: u16, starttls_only: bool, username: &str) -> Value {
    json!({
        "name": format!("Relay {port}"), "starttls_only": starttls_only, "host": host, "port": port.to_string(),
        "from_name": "Billing Team", "email": "billing@example.com", "username": username,
    })
}

async fn save(admin: &Browser, form: Value, password: Option<&str>) -> SettingsView {
    let password = password.map_or(json!("Keep"), |p| json!({ "Set": p }));
    admin
        .call("settings/save", json!({ "input": { "id": null, "version": null, "form": form, "password": password } }))
        .await
        .expect("saved")
}

/// Runs a test of saved settings and returns every event it streamed.
async fn test_saved(admin: &Browser, id: i64, recipient: &str) -> Vec<TestEvent> {
    run(admin, json!({ "request": { "settings_id": id, "form": null, "password": null, "recipient": recipient } })).await
}

async fn run(admin: &Browser, body: Value) -> Vec<TestEvent> {
    let (status, text) = admin.raw("settings/test", body).await;
    assert_eq!(status, 200, "{text}");
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}"))).collect()
}

fn passed(events: &[TestEvent]) -> Vec<Step> {
    events.iter().filter_map(|e| if let TestEvent::Passed { step, .. } = e { Some(*step) } else { None }).collect()
}

fn failure(events: &[TestEvent]) -> Diagnosis {
    events
        .iter()
        .find_map(|e| if let TestEvent::Failed { diagnosis, .. } = e { Some(diagnosis.clone()) } else { None })
        .expect("a failed step")
}

fn finished(events: &[TestEvent]) -> (bool, Vec<String>, Option<LastTest>) {
    match events.last() {
        Some(TestEvent::Finished { ok, transcript, stored, .. }) => {
            (*ok, transcript.iter().map(|l| l.text.clone()).collect(), stored.clone())
        }
        other => panic!("the stream must end with Finished, not {other:?}"),
    }
}

#[tokio::test]
async fn starttls_with_auth_delivers_a_proper_message() {
    let certs = certs(&["127.0.0.1"]);
    let smtp = SmtpServer::start("starttls", Some(&certs));
    let app = app_trusting(Some(&certs)).await;
    let admin = app.admin().await;
    let settings = save(&admin, form("127.0.0.1", smtp.port, true, USER), Some(PASSWORD)).await;
    let events = test_saved(&admin, settings.id.get(), "ada@example.com").await;

    assert_eq!(
        passed(&events),
        [
            Step::Resolve,
            Step::Connect,
            Step::Greeting,
            Step::Tls,
            Step::Authenticate,
            Step::Sender,
            Step::Recipient,
            Step::Message
        ]
    );
    let tls = events
        .iter()
        .find_map(|e| match e {
            TestEvent::Passed { step: Step::Tls, detail, .. } => Some(detail.clone()),
            _ => None,
        })
        .unwrap();
    assert!(tls.contains("TLS 1.3") && tls.contains("Mailroom Test CA") && tls.contains("expires in"), "{tls}");
    let accepted = events
        .iter()
        .find_map(|e| match e {
            TestEvent::Passed { step: Step::Message, detail, .. } => Some(detail.clone()),
            _ => None,
        })
        .unwrap();
    assert!(accepted.contains("queue id TEST42"), "{accepted}");

    let (ok, transcript, stored) = finished(&events);
    assert!(ok);
    assert!(transcript.iter().any(|l| l == "STARTTLS"));
    assert!(transcript.iter().any(|l| l.starts_with("AUTH PLAIN [redacted]")), "{transcript:?}");
    assert!(!transcript.iter().any(|l| l.contains(PASSWORD)));
    assert!(stored.as_ref().is_some_and(|s| s.ok));

    let auth = smtp.of_kind("auth");
    assert_eq!(auth.len(), 1);
    assert_eq!((auth[0]["tls"].as_bool(), auth[0]["ok"].as_bool()), (Some(true), Some(true)), "AUTH happened inside TLS");
    let messages = smtp.of_kind("message");
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!(message["mail_from"], "billing@example.com");
    assert_eq!(message["rcpt_tos"], json!(["ada@example.com"]));
    let headers = &message["headers"];
    assert_eq!(headers["From"], "Billing Team <billing@example.com>");
    assert_eq!(headers["To"], "ada@example.com");
    assert_eq!(headers["Subject"], format!("Mailroom test email: “Relay {}”", smtp.port));
    assert!(headers["Date"].as_str().is_some_and(|d| d.ends_with("+0000")), "{headers}");
    assert!(headers["Message-ID"].as_str().is_some_and(|id| id.starts_with('<') && id.contains('@')), "{headers}");
    let body = message["body"].as_str().unwrap();
    assert!(
        body.contains(&format!("“Relay {}” (127.0.0.1, port {})", smtp.port, smtp.port)),
        "the body names the settings:\n{body}"
    );

    let list = admin.call::<ListedSettings>("settings/list", json!({})).await.unwrap().into_rows();
    assert!(list[0].last_test.as_ref().is_some_and(|t| t.ok), "the list shows the last test");
}

#[tokio::test]
async fn implicit_tls_on_port_465() {
    let certs = certs(&["127.0.0.2"]);
    let smtp = SmtpServer::start_on("implicit", Some(&certs), "127.0.0.2", 465);
    let app = app_trusting(Some(&certs)).await;
    let admin = app.admin().await;
    let settings = save(&admin, form("127.0.0.2", 465, false, USER), Some(PASSWORD)).await;
    let events = test_saved(&admin, settings.id.get(), "ada@example.com").await;
    assert_eq!(passed(&events)[..4], [Step::Resolve, Step::Connect, Step::Tls, Step::Greeting]);
    assert!(finished(&events).0, "{events:?}");
    let auth = smtp.of_kind("auth");
    assert_eq!(auth[0]["tls"], json!(true));
    assert_eq!(smtp.of_kind("message").len(), 1);
}

#[tokio::test]
async fn no_starttls_with_starttls_only_stops_before_auth() {
    let smtp = SmtpServer::start("plain", None);
    let app = app_trusting(None).await;
    let admin = app.admin().await;
    let settings = save(&admin, form("127.0.0.1", smtp.port, true, USER), Some(PASSWORD)).await;
    let events = test_saved(&admin, settings.id.get(), "ada@example.com").await;
    let d = failure(&events);
    assert_eq!(d.step, Step::Tls);
    assert!(d.cause.contains("does not offer STARTTLS"), "{d:?}");
    assert!(d.fields.contains(&Field::Port));
    assert!(smtp.of_kind("auth").is_empty(), "no AUTH command was received");
    assert!(smtp.of_kind("message").is_empty());
    let (ok, _, stored) = finished(&events);
    assert!(!ok && stored.is_some_and(|s| !s.ok && s.summary.starts_with("Failed at TLS")));
}

#[tokio::test]
async fn a_plain_connection_never_carries_the_password() {
    let smtp = SmtpServer::start("plain", None);
    let app = app_trusting(None).await;
    let admin = app.admin().await;
    let settings = save(&admin, form("127.0.0.1", smtp.port, false, USER), Some(PASSWORD)).await;
    let events = test_saved(&admin, settings.id.get(), "ada@example.com").await;
    assert!(events.iter().any(|e| matches!(e, TestEvent::Skipped { step: Step::Tls, .. })));
    let d = failure(&events);
    assert_eq!(d.step, Step::Authenticate);
    assert!(d.cause.contains("not encrypted"));
    assert!(smtp.of_kind("auth").is_empty());
}

#[tokio::test]
async fn without_username_a_plain_relay_is_fine() {
    let smtp = SmtpServer::start("plain", None);
    let app = app_trusting(None).await;
    let admin = app.admin().await;
    let settings = save(&admin, form("127.0.0.1", smtp.port, false, ""), None).await;
    let events = test_saved(&admin, settings.id.get(), "ada@example.com").await;
    assert!(finished(&events).0, "{events:?}");
    assert_eq!(smtp.of_kind("message").len(), 1);
}

#[tokio::test]
async fn a_wrong_password_points_at_username_and_password() {
    let certs = certs(&["127.0.0.1"]);
    let smtp = SmtpServer::start("starttls", Some(&certs));
    let app = app_trusting(Some(&certs)).await;
    let admin = app.admin().await;
    let settings = save(&admin, form("127.0.0.1", smtp.port, true, USER), Some("wrong-password")).await;
    let events = test_saved(&admin, settings.id.get(), "ada@example.com").await;
    let d = failure(&events);
    assert_eq!(d.step, Step::Authenticate, "{d:?}");
    assert_eq!(d.reply.as_ref().map(|r| r.0), Some(535), "{d:?}");
    assert_eq!(d.fields, [Field::Username, Field::Password]);
    let (_, transcript, _) = finished(&events);
    assert!(!transcript.iter().any(|l| l.contains("wrong-password")));
}

#[tokio::test]
async fn an_unreachable_port_points_at_port() {
    let app = app_trusting(None).await;
    let admin = app.admin().await;
    let settings = save(&admin, form("127.0.0.1", free_port(), true, ""), None).await;
    let d = failure(&test_saved(&admin, settings.id.get(), "ada@example.com").await);
    assert_eq!(d.step, Step::Connect);
    assert!(d.cause.contains("connection refused"));
    assert_eq!(d.fields, [Field::Port]);
}

#[tokio::test]
async fn an_untrusted_ca_fails_until_it_is_trusted_through_the_ca_file() {
    let certs = certs(&["127.0.0.1"]);
    let smtp = SmtpServer::start("starttls", Some(&certs));
    let untrusting = app_trusting(None).await;
    let admin = untrusting.admin().await;
    let settings = save(&admin, form("127.0.0.1", smtp.port, true, USER), Some(PASSWORD)).await;
    let d = failure(&test_saved(&admin, settings.id.get(), "ada@example.com").await);
    assert_eq!(d.step, Step::Tls);
    assert!(d.fix.contains("MAILROOM_SMTP_CA_FILE"), "{d:?}");
    assert!(smtp.of_kind("auth").is_empty(), "no credentials over an unverified connection");

    let trusting = app_trusting(Some(&certs)).await;
    let admin = trusting.admin().await;
    let settings = save(&admin, form("127.0.0.1", smtp.port, true, USER), Some(PASSWORD)).await;
    assert!(finished(&test_saved(&admin, settings.id.get(), "ada@example.com").await).0);
}

#[tokio::test]
async fn a_certificate_for_another_name_points_at_the_host() {
    let certs = certs(&["mail.example.test"]);
    let smtp = SmtpServer::start("starttls", Some(&certs));
    let app = app_trusting(Some(&certs)).await;
    let admin = app.admin().await;
    let settings = save(&admin, form("127.0.0.1", smtp.port, true, USER), Some(PASSWORD)).await;
    let d = failure(&test_saved(&admin, settings.id.get(), "ada@example.com").await);
    assert_eq!((d.step, d.fields.clone()), (Step::Tls, vec![Field::Host]));
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let smtp = SmtpServer::start("silent", None);
    let app = app_trusting(None).await;
    let admin = app.admin().await;
    let settings = save(&admin, form("127.0.0.1", smtp.port, true, ""), None).await;
    let started = Instant::now();
    let events = test_saved(&admin, settings.id.get(), "ada@example.com").await;
    assert!(started.elapsed() < Duration::from_secs(10), "the limit is 3 s here, took {:?}", started.elapsed());
    let d = failure(&events);
    assert_eq!(d.step, Step::Greeting);
    assert!(d.cause.contains("stopped answering"), "{d:?}");
}

#[tokio::test]
async fn unsaved_edits_reuse_the_password_only_for_the_same_endpoint() {
    let certs = certs(&["127.0.0.1"]);
    let smtp = SmtpServer::start("starttls", Some(&certs));
    let app = app_trusting(Some(&certs)).await;
    let admin = app.admin().await;
    let settings = save(&admin, form("127.0.0.1", smtp.port, true, USER), Some(PASSWORD)).await;

    let mut renamed = form("127.0.0.1", smtp.port, true, USER);
    renamed["from_name"] = json!("Edited, not saved");
    let events = run(
        &admin,
        json!({ "request": { "settings_id": settings.id, "form": renamed, "password": null, "recipient": "ada@example.com" } }),
    )
    .await;
    let (ok, _, stored) = finished(&events);
    assert!(ok && stored.is_none(), "unsaved values are tested but not recorded as the saved settings' result");
    assert_eq!(smtp.of_kind("message")[0]["headers"]["From"], "\"Edited, not saved\" <billing@example.com>");

    let moved = form("127.0.0.1", free_port(), true, USER);
    let (status, text) = admin
        .raw(
            "settings/test",
            json!({ "request": { "settings_id": settings.id, "form": moved, "password": null, "recipient": "ada@example.com" } }),
        )
        .await;
    assert_eq!(status, 422);
    let error: AppError = serde_json::from_str(&text).unwrap();
    assert!(error.field_errors().unwrap().get(Field::Password).unwrap().contains("Type the password"));
}

#[tokio::test]
async fn a_bad_recipient_and_too_many_tests_are_refused_clearly() {
    let app = app_trusting(None).await;
    let admin = app.admin().await;
    let settings = save(&admin, form("127.0.0.1", free_port(), true, ""), None).await;
    let (status, text) = admin
        .raw(
            "settings/test",
            json!({ "request": { "settings_id": settings.id, "form": null, "password": null, "recipient": "not an address" } }),
        )
        .await;
    assert_eq!(status, 422);
    assert!(text.contains("Recipient"));
    for _ in 0..10 {
        test_saved(&admin, settings.id.get(), "ada@example.com").await;
    }
    let (status, text) = admin
        .raw(
            "settings/test",
            json!({ "request": { "settings_id": settings.id, "form": null, "password": null, "recipient": "ada@example.com" } }),
        )
        .await;
    assert_eq!(status, 429, "{text}");
    let error: AppError = serde_json::from_str(&text).unwrap();
    assert!(matches!(error, AppError::RateLimited(1)));
}

#[tokio::test]
async fn only_administrators_may_test() {
    let app = app_trusting(None).await;
    let user = app.user("plain@example.com").await;
    let (status, _) = user
        .raw(
            "settings/test",
            json!({ "request": { "settings_id": 1, "form": null, "password": null, "recipient": "ada@example.com" } }),
        )
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_test_is_recorded_even_if_the_browser_goes_away() {
    let smtp = SmtpServer::start("silent", None);
    let app = app_trusting(None).await;
    let admin = app.admin().await;
    let settings = save(&admin, form("127.0.0.1", smtp.port, true, ""), None).await;
    let response = admin
        .http
        .post(format!("{}/api/settings/test", app.origin))
        .header("origin", &app.origin)
        .json(
            &json!({ "request": { "settings_id": settings.id, "form": null, "password": null, "recipient": "ada@example.com" } }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    drop(response);
    let recorded = support::eventually(10, || async {
        let entries: Value = admin.call("audit/list", json!({ "filter": "test email", "before": null })).await.unwrap();
        entries.as_array().is_some_and(|e| e.len() == 1)
    })
    .await;
    assert!(recorded, "the audit log has the test although nobody read its end");
    let list = admin.call::<ListedSettings>("settings/list", json!({})).await.unwrap().into_rows();
    assert!(list[0].last_test.as_ref().is_some_and(|t| !t.ok));
}

#[tokio::test]
async fn a_certificate_expiring_within_two_weeks_passes_with_a_warning() {
    // Valid until midnight UTC five days from now: 4 whole days left.
    let expiring = certs_valid_for(&["127.0.0.1"], Some(5));
    let smtp = SmtpServer::start("starttls", Some(&expiring));
    let app = app_trusting(Some(&expiring)).await;
    let admin = app.admin().await;
    let settings = save(&admin, form("127.0.0.1", smtp.port, true, USER), Some(PASSWORD)).await;
    let events = test_saved(&admin, settings.id.get(), "ada@example.com").await;
    let tls = events
        .iter()
        .find_map(|e| match e {
            TestEvent::Passed { step: Step::Tls, warning, .. } => Some(warning.clone()),
            _ => None,
        })
        .expect("TLS passed");
    let warning = tls.expect("a warning with the pass");
    assert!(warning.starts_with("The server's certificate expires in 4 days."), "{warning}");
    assert!(finished(&events).0, "the test still succeeds");

    let fresh = certs(&["127.0.0.1"]);
    let smtp = SmtpServer::start("starttls", Some(&fresh));
    let app = app_trusting(Some(&fresh)).await;
    let admin = app.admin().await;
    let settings = save(&admin, form("127.0.0.1", smtp.port, true, USER), Some(PASSWORD)).await;
    let events = test_saved(&admin, settings.id.get(), "ada@example.com").await;
    assert!(
        events.iter().all(|e| !matches!(e, TestEvent::Passed { warning: Some(_), .. })),
        "no warning for a long-lived certificate"
    );
}
