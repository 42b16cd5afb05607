//! The Delivery log's details of one mail, against a real SMTP server: its headers, text,
//! attachments and every attempt with the queue id; Retry now and Cancel while it waits; a
//! reset link shown without its token; and the log narrowed by status and date.

mod support;

use app::api::audit::AuditEntry;
use app::api::delivery::{AttemptOutcome, MailDetails, MailStatus, MailView};
use serde_json::{json, Value};
use support::smtp::{free_port, SmtpServer};
use support::{api_token, eventually, fast_outbox_app, invoice_body, plain_relay, Browser, TestApp, ADMIN_EMAIL};

async fn details(admin: &Browser, id: i64) -> MailDetails {
    admin.call("delivery/get", json!({ "id": id })).await.expect("details")
}

async fn status_is(admin: &Browser, id: i64, status: MailStatus) -> bool {
    details(admin, id).await.mail.status == status
}

/// Queues an Invoice to Grace with one attachment; its id.
async fn queue_with_attachment(app: &TestApp, token: &str) -> i64 {
    let mut body: Value = serde_json::from_str(&invoice_body("grace@example.com")).unwrap();
    body["attachments"] =
        json!([{ "filename": "INV-42.pdf", "content_type": "application/pdf", "content_base64": "JVBERi0xLjQK" }]);
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/messages", app.origin))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 202);
    response.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn listed(admin: &Browser, narrow: Value) -> Result<Vec<MailView>, support::Failure> {
    admin.call("delivery/list", json!({ "filter": "", "before": null, "narrow": narrow })).await
}

#[tokio::test]
async fn details_show_the_message_and_every_attempt_with_the_servers_queue_id() {
    let smtp = SmtpServer::start_with("plain", None, "127.0.0.1", free_port(), &["--fail-first", "1", "--fail-code", "451"]);
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    plain_relay(&admin, "Office relay", smtp.port).await;
    let token = api_token(&admin, "billing").await;
    let id = queue_with_attachment(&app, &token).await;
    assert!(eventually(10, || status_is(&admin, id, MailStatus::Sent)).await);

    let d = details(&admin, id).await;
    let outcomes: Vec<AttemptOutcome> = d.attempts.iter().map(|a| a.outcome).collect();
    assert_eq!(outcomes, [AttemptOutcome::Retry, AttemptOutcome::Sent]);
    assert_eq!(d.attempts.iter().map(|a| a.number).collect::<Vec<_>>(), [1, 2]);
    assert!(d.attempts.iter().all(|a| a.settings == "Office relay"));
    assert!(d.attempts[0].reply.contains("451"), "{:?}", d.attempts[0]);
    assert_eq!(d.attempts[0].queue_id, None);
    assert_eq!(d.attempts[1].queue_id.as_deref(), Some("TEST42"));
    assert!(d.attempts[0].at <= d.attempts[1].at);
    assert_eq!((d.tries, d.max_attempts), (2, 8));

    let header = |name: &str| d.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
    assert_eq!(header("To"), Some("grace@example.com"));
    assert_eq!(header("Subject"), Some(d.mail.subject.as_str()));
    assert!(d.text.as_deref().is_some_and(|t| t.contains("Grace")), "{:?}", d.text);
    assert_eq!(d.attachments.len(), 1);
    assert_eq!((d.attachments[0].name.as_str(), d.attachments[0].content_type.as_str()), ("INV-42.pdf", "application/pdf"));
    assert_eq!(d.attachments[0].size, 9, "the decoded size");

    let user = app.user("grace@example.com").await;
    assert_eq!(user.call::<MailDetails>("delivery/get", json!({ "id": id })).await.unwrap_err().status, 403);
    assert_eq!(admin.call::<MailDetails>("delivery/get", json!({ "id": 999 })).await.unwrap_err().status, 404);
}

#[tokio::test]
async fn a_waiting_mail_can_be_retried_now_or_cancelled_and_the_log_narrows() {
    // Always "try again later", and the next try an hour away unless someone steps in.
    let smtp = SmtpServer::start_with("plain", None, "127.0.0.1", free_port(), &["--fail-first", "1000", "--fail-code", "451"]);
    let dir = tempfile::tempdir().unwrap();
    let mut config = support::config(dir.path().to_owned(), true);
    config.outbox.backoff = std::time::Duration::from_secs(3600);
    let app = TestApp::start_with(dir, config).await;
    let admin = app.admin().await;
    plain_relay(&admin, "Office relay", smtp.port).await;
    let token = api_token(&admin, "billing").await;
    let id = queue_with_attachment(&app, &token).await;
    assert!(eventually(10, || async { details(&admin, id).await.attempts.len() == 1 }).await);
    let waiting = details(&admin, id).await;
    assert_eq!(waiting.mail.status, MailStatus::Queued);
    assert!(waiting.mail.next_attempt_at.get() > waiting.attempts[0].at.get() + 3_000_000, "the next try is an hour away");

    let now: MailView = admin.call("delivery/retry-now", json!({ "id": id })).await.unwrap();
    assert!(now.next_attempt_at.get() < waiting.mail.next_attempt_at.get() - 3_000_000, "due now, not in an hour");
    assert!(eventually(10, || async { details(&admin, id).await.attempts.len() == 2 }).await, "tried again at once");
    assert_eq!(smtp.of_kind("refused").len(), 2);

    // The log narrowed by status and by the day it was queued.
    let ids = |list: Vec<MailView>| list.into_iter().map(|m| m.id.get()).collect::<Vec<_>>();
    assert_eq!(ids(listed(&admin, json!({ "status": "Queued" })).await.unwrap()), [id]);
    assert!(listed(&admin, json!({ "status": "Sent" })).await.unwrap().is_empty());
    let queued_at = waiting.mail.created_at;
    assert_eq!(ids(listed(&admin, json!({ "from": queued_at, "to": queued_at.get() + 1 })).await.unwrap()), [id]);
    assert!(listed(&admin, json!({ "from": queued_at.get() + 1 })).await.unwrap().is_empty());
    let backwards = listed(&admin, json!({ "from": queued_at, "to": queued_at })).await.unwrap_err();
    assert!(backwards.error.to_string().contains("must come after its start"), "{backwards:?}");

    let cancelled: MailView = admin.call("delivery/cancel", json!({ "id": id })).await.unwrap();
    assert_eq!(cancelled.status, MailStatus::Failed);
    assert_eq!(cancelled.last_error.as_deref(), Some("Cancelled by Administrator before it was sent."));
    for endpoint in ["delivery/cancel", "delivery/retry-now"] {
        let refused = admin.call::<MailView>(endpoint, json!({ "id": id })).await.unwrap_err();
        assert_eq!(refused.status, 409);
        assert!(refused.error.to_string().contains("use Resend"), "{refused:?}");
    }
    let entries: Vec<AuditEntry> =
        admin.call("audit/list", json!({ "filter": format!("mail #{id}"), "before": null })).await.unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["mail cancelled", "mail retried now"]);

    let user = app.user("grace@example.com").await;
    assert_eq!(user.call::<MailView>("delivery/cancel", json!({ "id": id })).await.unwrap_err().status, 403);
}

#[tokio::test]
async fn a_reset_mail_is_shown_without_its_token() {
    let smtp = SmtpServer::start("plain", None);
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    plain_relay(&admin, "Office relay", smtp.port).await;
    let () = app.browser().call("auth/forgot", json!({ "email": ADMIN_EMAIL })).await.unwrap();
    assert!(eventually(10, || async { smtp.of_kind("message").len() == 1 }).await);
    let sent = smtp.of_kind("message")[0]["body"].as_str().unwrap().to_owned();
    let token = sent.split("token=").nth(1).unwrap().split_whitespace().next().unwrap().to_owned();

    let log = listed(&admin, json!({})).await.unwrap();
    let d = details(&admin, (log[0].id).get()).await;
    let everything = serde_json::to_string(&d).unwrap();
    assert!(!everything.contains(&token), "the reset token is not shown to whoever reads the log: {everything}");
    assert!(d.text.as_deref().is_some_and(|t| t.contains("/reset-password?token=(hidden)")), "{:?}", d.text);
}
