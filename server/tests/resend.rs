//! Resend in the Delivery log: a failed mail goes out through the settings its template uses
//! now (or chosen ones), with their From, its attempts keep counting, and it cannot be resent
//! while it is on its way or after it was sent.

mod support;

use app::api::delivery::MailView;
use serde_json::{json, Value};
use support::smtp::{free_port, SmtpServer};
use support::{api_token, eventually, fast_outbox_app, queue_invoice, Browser};

async fn relay(admin: &Browser, name: &str, port: u16, email: &str) -> i64 {
    let form = json!({
        "name": name, "starttls_only": false, "host": "127.0.0.1", "port": port.to_string(),
        "from_name": name, "email": email, "username": "",
    });
    let saved: Value = admin
        .call("settings/save", json!({ "input": { "id": null, "version": null, "form": form, "password": "Keep" } }))
        .await
        .unwrap();
    saved["id"].as_i64().unwrap()
}

async fn mail(admin: &Browser, id: i64) -> MailView {
    let log: Vec<MailView> = admin.call("delivery/list", json!({ "filter": "", "before": null })).await.unwrap();
    log.into_iter().find(|m| m.id.get() == id).expect("in the log")
}

async fn status_is(admin: &Browser, id: i64, status: &str) -> bool {
    mail(admin, id).await.status.label() == status
}

#[tokio::test]
async fn resend_goes_through_the_templates_current_settings_and_counts_attempts() {
    let broken = SmtpServer::start_with("plain", None, "127.0.0.1", free_port(), &["--fail-first", "1000", "--fail-code", "535"]);
    let working = SmtpServer::start("plain", None);
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    relay(&admin, "Broken relay", broken.port, "billing@broken.example").await;
    let good = relay(&admin, "Working relay", working.port, "billing@working.example").await;
    let token = api_token(&admin, "billing").await;
    let http = reqwest::Client::new();
    let id = queue_invoice(&http, &app.origin, &token, "grace@example.com").await;
    assert!(eventually(10, || status_is(&admin, id, "failed")).await);
    assert_eq!(mail(&admin, id).await.attempts, 1);

    // The Invoice template follows the default settings, which are now the working relay.
    let _: Value = admin.call("settings/make-default", json!({ "id": good })).await.unwrap();
    let queued: MailView = admin.call("delivery/resend", json!({ "id": id })).await.unwrap();
    assert_eq!(queued.settings, "Working relay");
    assert!(eventually(10, || status_is(&admin, id, "sent")).await);
    let sent = mail(&admin, id).await;
    assert_eq!((sent.attempts, sent.settings.as_str()), (2, "Working relay"), "the resend is attempt 2");
    let received = &working.of_kind("message")[0];
    assert_eq!(received["mail_from"], "billing@working.example");
    assert!(received["headers"]["From"].as_str().unwrap().contains("billing@working.example"), "{received}");
    assert_eq!(broken.of_kind("refused").len(), 1, "the broken relay was not tried again");

    let again = admin.call::<Value>("delivery/resend", json!({ "id": id })).await.unwrap_err();
    assert_eq!(again.status, 409);
    assert!(again.error.to_string().contains("already sent"), "{}", again.error);
    let audit: Value = admin.call("audit/list", json!({ "filter": "mail resent", "before": null })).await.unwrap();
    assert_eq!(audit.as_array().unwrap().len(), 1);
    assert!(audit[0]["details"].as_str().unwrap().contains("through “Working relay”, attempt 2 onwards"), "{audit}");
}

#[tokio::test]
async fn resend_through_chosen_settings_is_refused_while_the_mail_is_on_its_way() {
    let broken = SmtpServer::start_with("plain", None, "127.0.0.1", free_port(), &["--fail-first", "1000", "--fail-code", "550"]);
    let silent = SmtpServer::start("silent", None);
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    relay(&admin, "Broken relay", broken.port, "billing@broken.example").await;
    let hanging = relay(&admin, "Silent relay", silent.port, "billing@silent.example").await;
    let token = api_token(&admin, "billing").await;
    let http = reqwest::Client::new();
    let id = queue_invoice(&http, &app.origin, &token, "hopper@example.com").await;
    assert!(eventually(10, || status_is(&admin, id, "failed")).await);

    let queued: MailView = admin.call("delivery/resend", json!({ "id": id, "settings": hanging })).await.unwrap();
    assert_eq!(queued.settings, "Silent relay");
    // The silent relay never greets, so the mail stays on its way until the time-out.
    assert!(eventually(10, || status_is(&admin, id, "sending")).await);
    let refused = admin.call::<Value>("delivery/resend", json!({ "id": id })).await.unwrap_err();
    assert_eq!(refused.status, 409);
    assert!(refused.error.to_string().contains("sending right now"), "{}", refused.error);
}
