//! Password reset through a real SMTP server, the Email templates panel's rules, and the
//! default SMTP settings.

mod support;

use app::api::delivery::{MailStatus, MailView};
use app::api::{AppError, CurrentUser, ListedSettings, SettingsSummary};
use app::domain::{FieldKey, TemplateField};
use serde_json::{json, Value};
use support::smtp::{free_port, SmtpServer};
use support::{eventually, fast_outbox_app, new_settings, plain_relay, ADMIN_EMAIL, ADMIN_PASSWORD};

#[tokio::test]
async fn a_reset_link_is_mailed_used_once_and_ends_old_sessions() {
    let smtp = SmtpServer::start("plain", None);
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    plain_relay(&admin, "Relay", smtp.port).await;
    let old_session = app.admin().await;

    let stranger = app.browser();
    let () = stranger.call("auth/forgot", json!({ "email": "nobody@example.com" })).await.unwrap();
    let () = stranger.call("auth/forgot", json!({ "email": ADMIN_EMAIL.to_uppercase() })).await.unwrap();
    let () = stranger.call("auth/forgot", json!({ "email": ADMIN_EMAIL })).await.unwrap();
    assert!(eventually(10, || async { smtp.of_kind("message").len() == 2 }).await);
    // Requests are answered in order, so the unknown address was handled before these two
    // were queued: two mails in the outbox is all there will be.
    assert_eq!(app.count_sql("select count(*) from outbox").await, 2, "nothing is queued for an unknown address");
    let messages = smtp.of_kind("message");
    assert_eq!(messages.len(), 2, "nothing is sent for an unknown address");
    let token_of = |m: &Value| {
        let body = m["body"].as_str().unwrap().to_owned();
        body.split_whitespace().find(|w| w.contains("token=")).unwrap().split("token=").nth(1).unwrap().to_owned()
    };
    let unused = token_of(&messages[1]);
    let mail = &messages[0];
    assert_eq!(mail["rcpt_tos"], json!([ADMIN_EMAIL]));
    assert_eq!(mail["headers"]["Subject"], "Choose a new Mailroom password");
    let body = mail["body"].as_str().unwrap();
    let link = body.split_whitespace().find(|w| w.contains("/reset-password?token=")).expect("a link in the body");
    assert!(link.starts_with(&app.origin), "{link}");
    let token = link.split("token=").nth(1).unwrap();

    let valid: bool = stranger.call("auth/reset-valid", json!({ "token": token })).await.unwrap();
    assert!(valid);
    let short = stranger.call::<CurrentUser>("auth/reset", json!({ "token": token, "password": "short" })).await.unwrap_err();
    assert!(short.error.field_errors().unwrap().get(FieldKey::NewPassword).is_some());
    let me: CurrentUser =
        stranger.call("auth/reset", json!({ "token": token, "password": "a fresh passphrase here" })).await.unwrap();
    assert_eq!(me.email, ADMIN_EMAIL);
    let _: ListedSettings = stranger.call("settings/list", json!({})).await.expect("signed in by the reset");
    assert_eq!(old_session.call::<Value>("settings/list", json!({})).await.unwrap_err().error, AppError::SignedOut);
    let reused = app
        .browser()
        .call::<CurrentUser>("auth/reset", json!({ "token": token, "password": "another passphrase" }))
        .await
        .unwrap_err();
    assert!(reused.error.to_string().contains("expired or has been used"));
    let retired: bool = app.browser().call("auth/reset-valid", json!({ "token": unused })).await.unwrap();
    assert!(!retired, "the other link mailed that hour stopped working too");
    assert!(app.browser().sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await.is_err());
    app.browser().sign_in(ADMIN_EMAIL, "a fresh passphrase here").await.unwrap();

    let db = app.database_bytes();
    assert!(!db.windows(token.len()).any(|w| w == token.as_bytes()), "the token is stored only as a hash");
}

#[tokio::test]
async fn a_reset_mail_stops_retrying_once_its_link_has_expired() {
    let refusing = ["--fail-first", "1000", "--fail-code", "451"];
    let smtp = SmtpServer::start_with("plain", None, "127.0.0.1", free_port(), &refusing);
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    plain_relay(&admin, "Busy relay", smtp.port).await;
    let () = app.browser().call("auth/forgot", json!({ "email": ADMIN_EMAIL })).await.unwrap();
    assert!(eventually(10, || async { !smtp.of_kind("refused").is_empty() }).await, "refused for now, so retried later");
    let carries = "select count(*) from outbox where expires_at between created_at + 3590000 and created_at + 3600000";
    assert_eq!(app.count_sql(carries).await, 1, "the mail expires with its link, an hour on");

    // The hour passes while the relay keeps saying "try again later".
    app.execute_sql("update outbox set expires_at = created_at").await.unwrap();
    let mail = || async {
        let log: Vec<MailView> = admin.call("delivery/list", json!({ "filter": "", "before": null })).await.unwrap();
        log.into_iter().next().expect("the reset mail is in the log")
    };
    assert!(eventually(10, || async { mail().await.status == MailStatus::Failed }).await, "it fails instead of retrying");
    let failed = mail().await;
    assert!(failed.last_error.as_deref().unwrap().starts_with("Not sent: it expired before it could be delivered"));
    let resend = admin.call::<Value>("delivery/resend", json!({ "id": failed.id })).await.unwrap_err();
    assert_eq!(resend.status, 409, "an expired reset mail is not sent again");
    assert!(resend.error.to_string().contains("expired with the password-reset link"), "{}", resend.error);
}

#[tokio::test]
async fn templates_are_checked_versioned_and_built_ins_stay() {
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    let list: Value = admin.call("templates/list", json!({})).await.unwrap();
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Invitation", "Invoice", "Password reset"]);

    let form = json!({ "name": "Reminder", "subject": "Reminder for {{ reset_link }}", "text_body": "Hi {{ contact.name }", "html_body": "",
                       "from_name": "", "from_email": "", "settings_id": null });
    let bad = admin
        .call::<Value>("templates/save", json!({ "input": { "id": null, "version": null, "form": form } }))
        .await
        .unwrap_err();
    let errors = bad.error.field_errors().unwrap().clone();
    assert!(errors.get(TemplateField::Subject).unwrap().contains("{{ reset_link }}, which only Mailroom's own account mail has"));
    assert!(errors.get(TemplateField::TextBody).unwrap().contains("template error"));

    let form = json!({ "name": "Reminder", "subject": "Reminder: {{ invoice.number }}", "text_body": "Hi {{ contact.name }}",
                       "html_body": "<p>Hi {{ contact.name }}</p>", "from_name": "Accounts", "from_email": "", "settings_id": null });
    let saved: Value =
        admin.call("templates/save", json!({ "input": { "id": null, "version": null, "form": form } })).await.unwrap();
    let dup = admin
        .call::<Value>("templates/save", json!({ "input": { "id": null, "version": null, "form": form } }))
        .await
        .unwrap_err();
    assert!(dup.error.field_errors().unwrap().get(TemplateField::Name).is_some());
    let stale = admin
        .call::<Value>("templates/save", json!({ "input": { "id": saved["id"], "version": 0, "form": form } }))
        .await
        .unwrap_err();
    assert!(matches!(stale.error, AppError::Stale { .. }));

    let preview: Value = admin
        .call(
            "templates/preview",
            json!({ "form": { "name": "x", "subject": "For {{ user.name }}", "text_body": "t",
        "html_body": "<b>{{ user.name }}</b> {{ invoice.url }}", "from_name": "", "from_email": "", "settings_id": null } }),
        )
        .await
        .unwrap();
    assert_eq!(preview["subject"], "For Ada Lovelace");
    assert!(preview["html"].as_str().unwrap().starts_with("<b>Ada Lovelace</b> https:"));
    assert_eq!(preview["needs"], json!(["invoice.url", "user.name"]));

    let builtin = list.as_array().unwrap().iter().find(|t| t["name"] == "Password reset").unwrap()["id"].clone();
    let refused = admin.call::<()>("templates/delete", json!({ "id": builtin })).await.unwrap_err();
    assert!(refused.error.to_string().contains("built in"));
    let () = admin.call("templates/delete", json!({ "id": saved["id"] })).await.unwrap();
}

#[tokio::test]
async fn one_default_settings_and_what_blocks_a_delete() {
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    let first: Value = admin.call("settings/save", new_settings("First", None)).await.unwrap();
    let second: Value = admin.call("settings/save", new_settings("Second", None)).await.unwrap();
    let defaults = |list: &[SettingsSummary]| list.iter().filter(|s| s.is_default).map(|s| s.name.clone()).collect::<Vec<_>>();
    let list = admin.call::<ListedSettings>("settings/list", json!({})).await.unwrap().into_rows();
    assert_eq!(defaults(&list), ["First"], "the first settings becomes the default");
    assert_eq!(list.iter().find(|s| s.name == "First").unwrap().template_count, 3, "the three built-in templates use Default");

    let refused = admin.call::<()>("settings/delete", json!({ "id": first["id"] })).await.unwrap_err();
    assert!(refused.error.to_string().contains("is the default"));
    let () = admin.call("settings/make-default", json!({ "id": second["id"] })).await.unwrap();
    let list = admin.call::<ListedSettings>("settings/list", json!({})).await.unwrap().into_rows();
    assert_eq!(defaults(&list), ["Second"]);

    let templates: Value = admin.call("templates/list", json!({})).await.unwrap();
    let invoice = templates.as_array().unwrap().iter().find(|t| t["name"] == "Invoice").unwrap()["id"].clone();
    let view: Value = admin.call("templates/get", json!({ "id": invoice })).await.unwrap();
    let mut form = view["form"].clone();
    form["settings_id"] = first["id"].clone();
    let _: Value = admin
        .call("templates/save", json!({ "input": { "id": invoice, "version": view["version"], "form": form } }))
        .await
        .unwrap();
    let list = admin.call::<ListedSettings>("settings/list", json!({})).await.unwrap().into_rows();
    let counts = list.iter().map(|s| (s.name.as_str(), s.template_count)).collect::<Vec<_>>();
    assert_eq!(counts, [("First", 1), ("Second", 2)], "the list read just before shows the move at once");
    let blocked = admin.call::<()>("settings/delete", json!({ "id": first["id"] })).await.unwrap_err();
    assert!(blocked.error.to_string().contains("“Invoice”"), "{}", blocked.error);
}

#[tokio::test]
async fn the_password_reset_template_keeps_its_link_and_can_be_restored() {
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    let list: Value = admin.call("templates/list", json!({})).await.unwrap();
    let id = list.as_array().unwrap().iter().find(|t| t["name"] == "Password reset").unwrap()["id"].clone();
    let original: Value = admin.call("templates/get", json!({ "id": id })).await.unwrap();
    let save = |form: Value, version: &Value| json!({ "input": { "id": id, "version": version, "form": form } });

    let mut broken = original["form"].clone();
    broken["text_body"] = json!("Hello {{ user.name }}, your password was reset.");
    broken["html_body"] = json!("");
    let refused = admin.call::<Value>("templates/save", save(broken.clone(), &original["version"])).await.unwrap_err();
    let errors = refused.error.field_errors().unwrap().clone();
    assert!(errors.get(TemplateField::TextBody).unwrap().contains("{{ reset_link }}"), "{errors:?}");
    assert!(errors.get(TemplateField::HtmlBody).is_none(), "an empty HTML body is not sent, so it needs nothing");

    broken["text_body"] = original["form"]["text_body"].clone();
    broken["html_body"] = json!("<p>Hello</p>");
    let refused = admin.call::<Value>("templates/save", save(broken.clone(), &original["version"])).await.unwrap_err();
    assert!(refused.error.field_errors().unwrap().get(TemplateField::HtmlBody).unwrap().contains("{{ reset_link }}"));

    let mut edited = original["form"].clone();
    edited["subject"] = json!("Your Acme password");
    edited["from_name"] = json!("Acme Accounts");
    let changed: Value = admin.call("templates/save", save(edited, &original["version"])).await.unwrap();
    let stale = admin.call::<Value>("templates/restore", json!({ "id": id, "version": original["version"] })).await.unwrap_err();
    assert!(matches!(stale.error, AppError::Stale { .. }), "restoring over a newer version is refused");
    let restored: Value = admin.call("templates/restore", json!({ "id": id, "version": changed["version"] })).await.unwrap();
    assert_eq!(restored["form"], original["form"], "the shipped text and From are back");
    assert_eq!(restored["version"], changed["version"].as_i64().unwrap() + 1);

    let invoice = list.as_array().unwrap().iter().find(|t| t["name"] == "Invoice").unwrap();
    let view: Value = admin.call("templates/get", json!({ "id": invoice["id"] })).await.unwrap();
    let mut plain = view["form"].clone();
    plain["text_body"] = json!("Dear {{ contact.name }}");
    plain["html_body"] = json!("");
    let _: Value = admin
        .call("templates/save", json!({ "input": { "id": invoice["id"], "version": view["version"], "form": plain } }))
        .await
        .expect("the Invoice template requires no placeholder");
}
