//! Relays with certificates no public authority vouches for: each TLS failure is named in
//! plain words with the certificate's facts, "Trust this certificate" pins exactly one
//! certificate for the test and the outbox, and a changed certificate stops both.

mod support;

use app::api::test_email::{Diagnosis, Step, TestEvent};
use app::api::{ListedSettings, SettingsView};
use app::domain::Field;
use serde_json::{json, Value};
use std::time::Duration;
use support::events::{detail, failure, test_saved};
use support::smtp::{certs, certs_valid_for, self_signed, Certs, SmtpServer, PASSWORD, USER};
use support::{api_token, config, eventually, message_status, queue_invoice, Browser, TestApp};

/// An app trusting only the public roots, with a quick outbox.
async fn app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path().to_owned(), true);
    config.smtp_connect_timeout = Duration::from_secs(2);
    config.smtp_timeout = Duration::from_secs(5);
    config.outbox.backoff = Duration::from_millis(200);
    config.outbox.claim_timeout = Duration::from_secs(2);
    TestApp::start_with(dir, config).await
}

fn form(port: u16, certificate: &str) -> Value {
    json!({
        "name": "Internal relay", "starttls_only": true, "host": "127.0.0.1", "port": port.to_string(),
        "from_name": "Billing", "email": "billing@example.com", "username": USER, "certificate": certificate,
    })
}

async fn save(admin: &Browser, id: Option<i64>, version: Option<i64>, form: Value, password: Value) -> SettingsView {
    admin
        .call("settings/save", json!({ "input": { "id": id, "version": version, "form": form, "password": password } }))
        .await
        .expect("saved")
}

/// The diagnosis of a relay presenting `certs`, tested by settings without a trusted certificate.
async fn diagnosis_for(certs: &Certs) -> Diagnosis {
    let smtp = SmtpServer::start("starttls", Some(certs));
    let app = app().await;
    let admin = app.admin().await;
    let settings = save(&admin, None, None, form(smtp.port, ""), json!({ "Set": PASSWORD })).await;
    let d = failure(&test_saved(&admin, settings.id.get()).await);
    assert_eq!(d.step, Step::Tls);
    assert!(smtp.of_kind("auth").is_empty(), "no credentials over an unverified connection");
    assert!(!d.cause.contains("Other(") && !d.cause.contains("Error"), "never a debug string: {}", d.cause);
    d
}

#[tokio::test]
async fn a_ca_certificate_used_as_the_servers_own_is_named_and_can_be_trusted() {
    let certs = self_signed(&["127.0.0.1"], true);
    let d = diagnosis_for(&certs).await;
    assert!(d.cause.contains("certificate authority's certificate") && d.cause.contains("self-signed"), "{}", d.cause);
    assert!(d.can_trust);
    let shown = d.certificate.expect("the certificate's facts");
    assert_eq!(shown.sha256.to_string(), certs.sha256);
    assert_eq!((shown.subject.as_str(), shown.issuer.as_str()), ("CN=127.0.0.1", "CN=127.0.0.1"));
    assert!(shown.not_before < shown.not_after);
}

#[tokio::test]
async fn a_self_signed_certificate_is_named() {
    let d = diagnosis_for(&self_signed(&["127.0.0.1"], false)).await;
    assert!(d.cause.starts_with("The server presented a self-signed certificate (CN=127.0.0.1)"), "{}", d.cause);
    assert!(d.can_trust);
}

#[tokio::test]
async fn a_certificate_from_an_unknown_authority_names_its_issuer() {
    let d = diagnosis_for(&certs(&["127.0.0.1"])).await;
    assert!(d.cause.contains("issued by “CN=Mailroom Test CA”"), "{}", d.cause);
    assert!(d.can_trust && d.fix.contains("MAILROOM_SMTP_CA_FILE"));
}

#[tokio::test]
async fn an_expired_certificate_is_named_and_not_offered_for_trust_even_when_pinned() {
    let expired = certs_valid_for(&["127.0.0.1"], Some(-2));
    let d = diagnosis_for(&expired).await;
    assert!(d.cause.contains("outside its validity dates"), "{}", d.cause);
    assert!(!d.can_trust && d.certificate.is_some());

    let smtp = SmtpServer::start("starttls", Some(&expired));
    let app = app().await;
    let admin = app.admin().await;
    let pinned = save(&admin, None, None, form(smtp.port, &expired.sha256), json!({ "Set": PASSWORD })).await;
    let d = failure(&test_saved(&admin, pinned.id.get()).await);
    assert!(d.cause.contains("outside its validity dates"), "a trusted certificate must still be within its dates: {}", d.cause);
}

#[tokio::test]
async fn a_trusted_certificate_carries_the_test_and_the_outbox_and_a_changed_one_stops_both() {
    let certs = self_signed(&["127.0.0.1"], true);
    let smtp = SmtpServer::start("starttls", Some(&certs));
    let app = app().await;
    let admin = app.admin().await;
    let settings = save(&admin, None, None, form(smtp.port, ""), json!({ "Set": PASSWORD })).await;
    let pin = failure(&test_saved(&admin, settings.id.get()).await).certificate.unwrap().sha256;

    // The saved password is bound to the certificate it may go to: trusting one means typing it again.
    let kept = admin
        .call::<SettingsView>(
            "settings/save",
            json!({ "input": { "id": settings.id, "version": settings.version, "form": form(smtp.port, &pin.to_string()), "password": "Keep" } }),
        )
        .await
        .unwrap_err();
    let app::api::AppError::Invalid(errors) = kept.error else { panic!("{:?}", kept.error) };
    assert!(errors.get(Field::Password).unwrap().contains("trusted certificate"));
    let trusted = save(
        &admin,
        Some(settings.id.get()),
        Some(settings.version),
        form(smtp.port, &pin.to_string()),
        json!({ "Set": PASSWORD }),
    )
    .await;
    assert_eq!(trusted.form.certificate, certs.sha256);
    let events = test_saved(&admin, trusted.id.get()).await;
    assert!(detail(&events, Step::Tls).contains(&format!("the trusted certificate (SHA-256 {})", certs.sha256)));
    assert!(matches!(events.last(), Some(TestEvent::Finished { ok: true, .. })), "{events:?}");
    let list = admin.call::<ListedSettings>("settings/list", json!({})).await.unwrap().into_rows();
    let expires = list[0].cert_expires_at.expect("the list knows when the certificate expires");
    assert_eq!(expires.get(), 67_090_118_400_000, "rcgen's default end of validity, 4096-01-01");
    let audit: Value = admin.call("audit/list", json!({ "filter": "", "before": null })).await.unwrap();
    let changed = audit.as_array().unwrap().iter().find(|e| e["action"] == "SMTP settings changed").expect("audited");
    assert_eq!(changed["details"], format!("Trusted Certificate: none → SHA-256 {}; Password: changed", certs.sha256));

    let token = api_token(&admin, "billing").await;
    let http = reqwest::Client::new();
    queue_invoice(&http, &app.origin, &token, "grace@example.com").await;
    assert!(eventually(15, || async { smtp.of_kind("message").iter().any(|m| m["rcpt_tos"][0] == "grace@example.com") }).await);

    // The relay now presents another certificate: nothing goes through, and the test says why.
    drop(smtp);
    let other = self_signed(&["127.0.0.1"], true);
    let smtp = SmtpServer::start_on("starttls", Some(&other), "127.0.0.1", trusted.form.port.parse().unwrap());
    let d = failure(&test_saved(&admin, trusted.id.get()).await);
    assert!(d.cause.contains("certificate changed") && d.cause.contains(&certs.sha256) && d.cause.contains(&other.sha256));
    assert_eq!(d.fields, [Field::Certificate]);
    assert!(d.can_trust);
    let id = queue_invoice(&http, &app.origin, &token, "hopper@example.com").await;
    let changed = || async {
        let mail = message_status(&http, &app.origin, &token, id).await;
        mail["last_error"].as_str().is_some_and(|e| e.contains("certificate changed"))
    };
    assert!(eventually(15, changed).await, "the outbox refuses the changed certificate and says so");
    assert!(smtp.of_kind("auth").is_empty() && smtp.of_kind("message").is_empty(), "no password, no mail");
}

#[tokio::test]
async fn moving_to_another_host_or_port_forgets_the_trusted_certificate() {
    let app = app().await;
    let admin = app.admin().await;
    let certs = self_signed(&["127.0.0.1"], false);
    let saved = save(&admin, None, None, form(2525, &certs.sha256), json!({ "Set": PASSWORD })).await;
    assert_eq!(saved.form.certificate, certs.sha256);
    let moved =
        save(&admin, Some(saved.id.get()), Some(saved.version), form(2526, &certs.sha256), json!({ "Set": PASSWORD })).await;
    assert_eq!(moved.form.certificate, "", "the certificate belonged to the old port");

    let bad = admin
        .call::<SettingsView>(
            "settings/save",
            json!({ "input": { "id": moved.id, "version": moved.version, "form": form(2526, "12:34"), "password": "Keep" } }),
        )
        .await
        .unwrap_err();
    let app::api::AppError::Invalid(errors) = bad.error else { panic!("a field error, not {:?}", bad.error) };
    assert!(errors.get(Field::Certificate).unwrap().contains("64 hexadecimal digits"));
}
