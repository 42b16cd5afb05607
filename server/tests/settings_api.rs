//! The SMTP Settings server functions against a real SQLite file.

mod support;

use app::api::{AppError, ListedSettings, SettingsView};
use app::domain::Field;
use serde_json::{json, Value};
use support::{new_settings, TestApp};

async fn create(browser: &support::Browser, name: &str, password: Option<&str>) -> SettingsView {
    browser.call("settings/save", new_settings(name, password)).await.expect("settings saved")
}

fn update(view: &SettingsView, form: Value, password: Value) -> Value {
    json!({ "input": { "id": view.id, "version": view.version, "form": form, "password": password } })
}

fn form_of(view: &SettingsView) -> Value {
    serde_json::to_value(&view.form).unwrap()
}

#[tokio::test]
async fn create_list_get_update_and_delete() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let created = create(&admin, "  Office relay ", Some("pw-1")).await;
    assert_eq!(created.form.name, "Office relay");
    assert_eq!(created.form.port, "587");
    assert!(created.has_password);
    assert_eq!(created.created_by.as_deref(), Some("Administrator"));

    let list = admin.call::<ListedSettings>("settings/list", json!({})).await.unwrap().into_rows();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].host.as_str(), list[0].port), ("smtp.example.com", 587));

    let mut form = form_of(&created);
    form["name"] = json!("Office 365");
    form["from_name"] = json!("Accounts");
    let updated: SettingsView = admin.call("settings/save", update(&created, form, json!("Keep"))).await.unwrap();
    assert_eq!(updated.form.name, "Office 365");
    assert_eq!(updated.version, created.version + 1);
    assert!(updated.has_password, "an empty Password keeps the saved one");

    let fetched: SettingsView = admin.call("settings/get", json!({ "id": created.id })).await.unwrap();
    assert_eq!(fetched, updated);

    let () = admin.call("settings/delete", json!({ "id": created.id })).await.unwrap();
    let again = admin.call::<()>("settings/delete", json!({ "id": created.id })).await.unwrap_err();
    assert_eq!(again.status, 404);
    assert!(matches!(again.error, AppError::NotFound(m) if m.contains("no longer exist")));
    let gone = admin.call::<SettingsView>("settings/get", json!({ "id": created.id })).await.unwrap_err();
    assert_eq!(gone.status, 404);
}

#[tokio::test]
async fn invalid_fields_come_back_under_their_labels() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let mut body = new_settings("Relay", None);
    body["input"]["form"]["host"] = json!("smtp.example.com:587");
    body["input"]["form"]["port"] = json!("70000");
    body["input"]["form"]["email"] = json!("billing.example.com");
    body["input"]["form"]["from_name"] = json!("Billing\r\nBcc: victim@example.com");
    let failure = admin.call::<SettingsView>("settings/save", body).await.unwrap_err();
    assert_eq!(failure.status, 422);
    let errors = failure.error.field_errors().expect("field errors").clone();
    assert!(errors.get(Field::Host).unwrap().contains("Port field"));
    assert!(errors.get(Field::Port).unwrap().contains("65535"));
    assert!(errors.get(Field::Email).unwrap().contains("@"));
    assert!(errors.get(Field::From).unwrap().contains("line break"));
    assert!(errors.get(Field::Name).is_none());
    let list = admin.call::<ListedSettings>("settings/list", json!({})).await.unwrap().into_rows();
    assert!(list.is_empty(), "nothing is stored from an invalid form");
}

#[tokio::test]
async fn names_are_unique_ignoring_case_even_under_a_race() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    create(&admin, "Mailgun", None).await;
    let failure = admin.call::<SettingsView>("settings/save", new_settings("MAILGUN", None)).await.unwrap_err();
    assert_eq!(
        failure.error.field_errors().and_then(|e| e.get(Field::Name)).map(|m| m.contains("already has this name")),
        Some(true)
    );

    let (a, b) = tokio::join!(
        admin.call::<SettingsView>("settings/save", new_settings("Race", None)),
        admin.call::<SettingsView>("settings/save", new_settings("race", None)),
    );
    let outcomes = [a, b];
    assert_eq!(outcomes.iter().filter(|r| r.is_ok()).count(), 1);
    let loser = outcomes.into_iter().find_map(Result::err).unwrap();
    assert_eq!(loser.status, 422, "a lost race is a field error, never a 500");
    assert!(loser.error.field_errors().unwrap().get(Field::Name).is_some());
}

#[tokio::test]
async fn the_password_is_write_only_and_encrypted_at_rest() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let canary = "canary-Pa55word-7f3e9";
    let created = create(&admin, "Canary", Some(canary)).await;
    for (endpoint, body) in [
        ("settings/list", json!({})),
        ("settings/get", json!({ "id": created.id })),
        ("settings/save", update(&created, form_of(&created), json!("Keep"))),
    ] {
        let (status, text) = admin.raw(endpoint, body).await;
        assert!(status < 400, "{endpoint}: {text}");
        assert!(!text.contains(canary), "{endpoint} returned the password");
        assert!(!text.to_lowercase().contains("password\":\""), "{endpoint} has a password field: {text}");
    }
    let stored = app.database_bytes();
    assert!(!stored.windows(canary.len()).any(|w| w == canary.as_bytes()), "the password is stored in plaintext");
}

#[tokio::test]
async fn clear_password_and_the_endpoint_rule() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let created = create(&admin, "Relay", Some("pw")).await;

    let mut moved = form_of(&created);
    moved["host"] = json!("evil.example.net");
    let failure = admin.call::<SettingsView>("settings/save", update(&created, moved.clone(), json!("Keep"))).await.unwrap_err();
    let message = failure.error.field_errors().and_then(|e| e.get(Field::Password)).unwrap().to_owned();
    assert!(message.contains("will not be sent there"), "{message}");
    let retyped: SettingsView = admin.call("settings/save", update(&created, moved, json!({ "Set": "pw" }))).await.unwrap();
    assert_eq!(retyped.form.host, "evil.example.net");

    let mut anonymous = form_of(&retyped);
    anonymous["username"] = json!("");
    let cleared: SettingsView = admin.call("settings/save", update(&retyped, anonymous, json!("Clear"))).await.unwrap();
    assert!(!cleared.has_password);

    let placeholder = app::domain::SAVED_PASSWORD_PLACEHOLDER;
    let mut with_user = form_of(&cleared);
    with_user["username"] = json!("billing");
    let failure = admin
        .call::<SettingsView>("settings/save", update(&cleared, with_user, json!({ "Set": placeholder })))
        .await
        .unwrap_err();
    // The browser refuses it under the field; a request that sends it anyway is not understood.
    assert!(matches!(&failure.error, AppError::Refused(m) if m.contains("placeholder")), "{:?}", failure.error);
}

#[tokio::test]
async fn saving_over_a_newer_version_is_refused_with_who_and_when() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let created = create(&admin, "Relay", None).await;
    let mut first = form_of(&created);
    first["from_name"] = json!("First");
    let _: SettingsView = admin.call("settings/save", update(&created, first, json!("Keep"))).await.unwrap();
    let mut second = form_of(&created);
    second["from_name"] = json!("Second");
    let failure = admin.call::<SettingsView>("settings/save", update(&created, second, json!("Keep"))).await.unwrap_err();
    assert_eq!(failure.status, 409);
    assert!(matches!(failure.error, AppError::Stale { by: Some(ref by), at } if by == "Administrator" && at.get() > 0));
    let stored: SettingsView = admin.call("settings/get", json!({ "id": created.id })).await.unwrap();
    assert_eq!(stored.form.from_name, "First", "the second save overwrote nothing");
}

#[tokio::test]
async fn server_functions_accept_only_post() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let response = admin.http.get(format!("{}/api/settings/list", app.origin)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 405);
}

async fn list_revision(app: &TestApp) -> (i64, i64) {
    let revision = app.count_sql("select revision from list_revisions where name = 'settings'").await;
    let token = app.count_sql("select token from list_revisions where name = 'settings'").await;
    (revision, token)
}

/// What lets each instance keep its copy of the settings list: every write the list shows moves
/// the list's revision and draws a new token, in the database itself, whoever writes.
#[tokio::test]
async fn every_write_the_list_shows_moves_its_revision_in_the_database() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let mut seen = vec![list_revision(&app).await];
    let mut moved = async |what: &str| {
        let now = list_revision(&app).await;
        let before = *seen.last().unwrap();
        assert!(now.0 > before.0, "{what}: the revision moved");
        assert!(!seen.iter().any(|s| s.1 == now.1), "{what}: a token not seen before");
        seen.push(now);
    };
    let alpha = create(&admin, "Alpha", None).await;
    moved("a settings saved").await;
    app.execute_sql("update smtp_settings set host = 'other.example.com' where name = 'Alpha'").await.unwrap();
    moved("a settings changed around the application").await;
    let routed = format!("update email_templates set settings_id = {} where builtin = 'password-reset'", alpha.id);
    assert_eq!(app.execute_sql(&routed).await.unwrap(), 1);
    moved("a template routed through it").await;
    let unchanged = list_revision(&app).await;
    app.execute_sql("update email_templates set subject = subject || '!' where builtin = 'password-reset'").await.unwrap();
    assert_eq!(list_revision(&app).await, unchanged, "a template's subject is not in the list");
    app.execute_sql("update email_templates set settings_id = null where builtin = 'password-reset'").await.unwrap();
    moved("a template routed away").await;
    app.execute_sql("delete from smtp_settings where name = 'Alpha'").await.unwrap();
    moved("a settings deleted").await;
}
