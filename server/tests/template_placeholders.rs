//! Placeholders as each kind of template allows them, the live preview's data, and Send test
//! through a real SMTP server to the signed-in administrator.

mod support;

use app::api::templates::{Preview, TemplateTest, TemplateView};
use app::domain::{FieldKey, TemplateField};
use serde_json::{json, Value};
use support::smtp::SmtpServer;
use support::{eventually, fast_outbox_app, plain_relay, Browser, ADMIN_EMAIL};

fn form(subject: &str, text: &str) -> Value {
    json!({ "name": "Shipping notice", "subject": subject, "text_body": text, "html_body": "",
            "from_name": "", "from_email": "", "settings_id": null })
}

async fn builtin(admin: &Browser, name: &str) -> TemplateView {
    let list: Value = admin.call("templates/list", json!({})).await.unwrap();
    let id = list.as_array().unwrap().iter().find(|t| t["name"] == name).unwrap()["id"].clone();
    admin.call("templates/get", json!({ "id": id })).await.unwrap()
}

#[tokio::test]
async fn application_mail_takes_any_placeholder_and_account_mail_only_mailroom_s_own() {
    let smtp = SmtpServer::start("plain", None);
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    plain_relay(&admin, "Relay", smtp.port).await;

    // A new template for the application: any name the caller supplies.
    let shipping =
        form("Order {{ order.id }} has shipped", "Hello {{ customer.first_name }}, track it at {{ order.tracking_url }}.");
    let saved: TemplateView =
        admin.call("templates/save", json!({ "input": { "id": null, "version": null, "form": shipping } })).await.unwrap();
    assert!(!saved.system);
    let preview: Preview = admin.call("templates/preview", json!({ "form": shipping, "id": saved.id })).await.unwrap();
    assert_eq!(preview.needs, ["customer.first_name", "order.id", "order.tracking_url"]);
    assert_eq!(preview.subject, "Order [order.id] has shipped");
    let mine =
        json!({ "order": { "id": "A-17", "tracking_url": "https://track.example/A-17" }, "customer": { "first_name": "Ada" } });
    let preview: Preview =
        admin.call("templates/preview", json!({ "form": shipping, "id": saved.id, "sample": mine })).await.unwrap();
    assert_eq!(preview.subject, "Order A-17 has shipped");
    let short = admin
        .call::<Preview>("templates/preview", json!({ "form": shipping, "sample": { "order": { "id": "A-17" } } }))
        .await
        .unwrap_err();
    let said = short.error.field_errors().and_then(|e| e.get(FieldKey::SampleData)).unwrap_or_default().to_owned();
    assert!(said.contains("{{ customer.first_name }}, {{ order.tracking_url }}"), "{short:?}");

    // Mailroom's own placeholders are not the application's to supply.
    let with_link = form("Your order", "Reset it at {{ reset_link }}");
    let refused = admin
        .call::<TemplateView>("templates/save", json!({ "input": { "id": null, "version": null, "form": with_link } }))
        .await;
    let message = refused.unwrap_err().error.field_errors().and_then(|e| e.get(TemplateField::TextBody).map(str::to_owned));
    assert!(message.unwrap_or_default().contains("only Mailroom's own account mail has"));

    // The Password reset mail: only what Mailroom fills, checked before a save as well.
    let reset = builtin(&admin, "Password reset").await;
    assert!(reset.system);
    let mut typo = serde_json::to_value(&reset.form).unwrap();
    typo["subject"] = json!("Reset for {{ user.nmae }}");
    let found = admin.call::<Preview>("templates/preview", json!({ "form": typo, "id": reset.id })).await.unwrap_err();
    let subject = found.error.field_errors().and_then(|e| e.get(TemplateField::Subject).map(str::to_owned)).unwrap_or_default();
    assert!(subject.starts_with("Subject uses unknown placeholder {{ user.nmae }}"), "{subject}");
    let invoice = builtin(&admin, "Invoice").await;
    assert!(!invoice.system);
}

#[tokio::test]
async fn send_test_mails_the_saved_template_to_the_signed_in_administrator() {
    let smtp = SmtpServer::start("plain", None);
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    plain_relay(&admin, "Relay", smtp.port).await;
    let invoice = builtin(&admin, "Invoice").await;

    let sample = json!({ "contact": { "name": "Grace" }, "company": { "name": "Example Ltd" },
                         "invoice": { "number": "T-1", "amount": "€1", "due_date": "today", "url": "https://example.com/t" } });
    let test: TemplateTest = admin.call("templates/send-test", json!({ "id": invoice.id, "sample": sample })).await.unwrap();
    assert_eq!(test.to, ADMIN_EMAIL);
    assert!(eventually(10, || async { smtp.of_kind("message").len() == 1 }).await);
    let received = &smtp.of_kind("message")[0];
    assert_eq!(received["rcpt_tos"], json!([ADMIN_EMAIL]));
    assert_eq!(received["headers"]["Subject"], "Invoice T-1 from Example Ltd");

    // Without sample data, each placeholder gets its sample.
    let _: TemplateTest = admin.call("templates/send-test", json!({ "id": invoice.id })).await.unwrap();
    assert!(eventually(10, || async { smtp.of_kind("message").len() == 2 }).await);
    assert_eq!(smtp.of_kind("message")[1]["headers"]["Subject"], "Invoice INV-2026-0042 from Example Ltd");
    let lacking =
        admin.call::<TemplateTest>("templates/send-test", json!({ "id": invoice.id, "sample": { "contact": {} } })).await;
    let said = lacking.unwrap_err().error.field_errors().and_then(|e| e.get(FieldKey::SampleData).map(str::to_owned));
    assert!(said.unwrap_or_default().contains("no value for {{ company.name }}"), "sample data lacking placeholders is refused");

    let audit: Value = admin.call("audit/list", json!({ "filter": "template test sent", "before": null })).await.unwrap();
    assert_eq!(audit.as_array().unwrap().len(), 2);
    let user = app.user("grace@example.com").await;
    assert_eq!(user.call::<TemplateTest>("templates/send-test", json!({ "id": invoice.id })).await.unwrap_err().status, 403);
}
