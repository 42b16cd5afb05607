//! The audit log: every sign-in and change is recorded with who, when, what and from where,
//! secret values never are, and entries cannot be changed or deleted.

mod support;

use app::api::audit::AuditEntry;
use app::api::{AppError, SettingsView, UserView};
use serde_json::{json, Value};
use support::{new_settings, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

async fn audit(browser: &support::Browser, filter: &str) -> Vec<AuditEntry> {
    browser.call("audit/list", json!({ "filter": filter, "before": null })).await.unwrap()
}

#[tokio::test]
async fn sign_ins_and_changes_are_recorded_without_secrets() {
    let app = TestApp::start().await;
    let stranger = app.browser();
    let _ = stranger.sign_in(ADMIN_EMAIL, "a wrong password").await.unwrap_err();
    let admin = app.admin().await;
    let canary = "audit-canary-Pw-9911";
    let created: SettingsView = admin.call("settings/save", new_settings("Relay", Some(canary))).await.unwrap();
    let mut form = serde_json::to_value(&created.form).unwrap();
    form["host"] = json!("smtp.other.example");
    let changed: SettingsView = admin
        .call("settings/save", json!({ "input": { "id": created.id, "version": created.version, "form": form, "password": { "Set": format!("{canary}-2") } } }))
        .await
        .unwrap();
    // Saving without a change is not an event.
    let unchanged = serde_json::to_value(&changed.form).unwrap();
    let again: SettingsView = admin
        .call(
            "settings/save",
            json!({ "input": { "id": changed.id, "version": changed.version, "form": unchanged, "password": "Keep" } }),
        )
        .await
        .unwrap();
    let () = admin.call("settings/delete", json!({ "id": again.id })).await.unwrap();
    let user: UserView = admin
        .call(
            "users/create",
            json!({ "user": { "name": "Bo", "email": "bo@example.com", "role": "User", "password": ADMIN_PASSWORD } }),
        )
        .await
        .unwrap();
    let _: UserView =
        admin.call("users/role", json!({ "id": user.id, "version": user.version, "role": "Administrator" })).await.unwrap();
    let () = admin.call("users/remove", json!({ "id": user.id })).await.unwrap();

    let entries = audit(&admin, "").await;
    let actions: Vec<&str> = entries.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "first administrator created",
            "sign-in failed",
            "signed in",
            "SMTP settings created",
            "SMTP settings changed",
            "SMTP settings deleted",
            "user added",
            "user role changed",
            "user removed"
        ]
    );
    let change = entries.iter().find(|e| e.action == "SMTP settings changed").unwrap();
    assert_eq!(change.target, format!("SMTP settings “Relay” (#{})", created.id));
    assert_eq!(change.details, "Server Host Name: “smtp.example.com” → “smtp.other.example”; Password: changed");
    assert_eq!(change.actor, format!("Administrator <{ADMIN_EMAIL}>"));
    assert_eq!(change.client, "127.0.0.1");
    assert!(change.at.get() > 0);
    let failed = entries.iter().find(|e| e.action == "sign-in failed").unwrap();
    assert_eq!((failed.actor.as_str(), failed.target.as_str()), ("anonymous", "account admin@example.com"));
    let text = serde_json::to_string(&entries).unwrap();
    assert!(!text.contains(canary) && !text.contains("a wrong password"));

    let filtered = audit(&admin, "ROLE CHANGED").await;
    assert_eq!(filtered.len(), 1);
    assert_eq!(filtered[0].details, "role: User → Administrator");
    assert!(audit(&admin, "100%_").await.is_empty(), "LIKE wildcards in the filter are taken literally");
}

#[tokio::test]
async fn only_administrators_read_it_and_nobody_can_rewrite_it() {
    let app = TestApp::start().await;
    let user = app.user("plain@example.com").await;
    let refused = user.call::<Value>("audit/list", json!({ "filter": "", "before": null })).await.unwrap_err();
    assert_eq!(refused.error, AppError::AdminOnly);

    let update = app.execute_sql("update audit_log set actor = 'someone else'").await.unwrap_err();
    assert!(update.to_string().contains("cannot be changed"), "{update}");
    let delete = app.execute_sql("delete from audit_log").await.unwrap_err();
    assert!(delete.to_string().contains("cannot be deleted"), "{delete}");
}

#[tokio::test]
async fn older_entries_come_in_pages() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    for i in 0..205 {
        let _: SettingsView = admin.call("settings/save", new_settings(&format!("Relay {i}"), None)).await.unwrap();
    }
    let first: Vec<AuditEntry> = admin.call("audit/list", json!({ "filter": "created", "before": null })).await.unwrap();
    assert_eq!(first.len(), 200);
    let older: Vec<AuditEntry> =
        admin.call("audit/list", json!({ "filter": "created", "before": first.last().unwrap().id })).await.unwrap();
    assert_eq!(older.len(), 6, "205 settings plus the first administrator");
    assert!(older.iter().all(|e| e.id < first.last().unwrap().id));
}

#[tokio::test]
async fn the_log_narrows_to_one_action_one_person_and_a_span_of_time() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let grace = app.user("grace@example.com").await;
    let _: SettingsView = admin.call("settings/save", new_settings("Relay", None)).await.unwrap();
    let list = |narrow: Value| {
        let admin = &admin;
        async move { admin.call::<Vec<AuditEntry>>("audit/list", json!({ "filter": "", "before": null, "narrow": narrow })).await }
    };
    let choices: Value = admin.call("audit/facets", json!({})).await.unwrap();
    let actions: Vec<&str> = choices["actions"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert!(actions.contains(&"SMTP settings created") && actions.contains(&"user added"), "{actions:?}");
    assert!(
        actions.windows(2).all(|w| w[0].to_lowercase() < w[1].to_lowercase()),
        "each once, in alphabetical order ignoring case: {actions:?}"
    );
    let grace_text = "Plain User <grace@example.com>";
    assert!(choices["actors"].as_array().unwrap().iter().any(|a| a == grace_text), "{choices}");

    let created = list(json!({ "action": "SMTP settings created" })).await.unwrap();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].target, "SMTP settings “Relay” (#1)");
    let by_grace = list(json!({ "actor": grace_text })).await.unwrap();
    assert!(!by_grace.is_empty() && by_grace.iter().all(|e| e.actor == grace_text), "{by_grace:?}");
    let everything = list(json!({})).await.unwrap();
    assert!(everything.len() > by_grace.len() + created.len());

    let newest = everything[0].at;
    let oldest = everything.last().unwrap().at;
    assert_eq!(list(json!({ "from": newest.get() + 1 })).await.unwrap().len(), 0, "nothing after the newest entry");
    assert_eq!(list(json!({ "to": oldest })).await.unwrap().len(), 0, "the end is exclusive");
    assert_eq!(list(json!({ "from": oldest, "to": newest.get() + 1 })).await.unwrap().len(), everything.len());
    let backwards = list(json!({ "from": newest, "to": oldest })).await.unwrap_err();
    assert!(matches!(&backwards.error, AppError::Refused(m) if m.contains("must come after its start")), "{backwards:?}");
    let refused = grace.call::<Value>("audit/facets", json!({})).await.unwrap_err();
    assert_eq!(refused.status, 403);
}
