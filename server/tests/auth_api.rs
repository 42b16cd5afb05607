//! Sign-in, sessions, the administrator rule and the Origin check, against a real SQLite file.

mod support;

use app::api::{AppError, CurrentUser, ListedSettings, UserView};
use app::domain::FieldKey;
use serde_json::{json, Value};
use std::time::Duration;
use support::{config, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

#[tokio::test]
async fn wrong_email_and_wrong_password_get_the_same_answer() {
    let app = TestApp::start().await;
    let browser = app.browser();
    let unknown = browser.sign_in("nobody@example.com", ADMIN_PASSWORD).await.unwrap_err();
    let wrong = browser.sign_in(ADMIN_EMAIL, "not the password at all").await.unwrap_err();
    assert_eq!(unknown.error, wrong.error);
    assert_eq!(unknown.status, wrong.status);
    assert_eq!(wrong.error.to_string(), "The email address or password is not correct.");
    let me: Option<CurrentUser> = browser.call("auth/me", json!({})).await.unwrap();
    assert!(me.is_none());
}

#[tokio::test]
async fn repeated_failures_back_off_with_a_clear_wait() {
    let app = TestApp::start().await;
    let browser = app.browser();
    for _ in 0..5 {
        let failure = browser.sign_in(ADMIN_EMAIL, "wrong password!!").await.unwrap_err();
        assert!(matches!(failure.error, AppError::Refused(_)));
    }
    let limited = browser.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await.unwrap_err();
    assert_eq!(limited.status, 429);
    assert_eq!(limited.error, AppError::RateLimited(1));
    assert_eq!(limited.error.to_string(), "Too many attempts. Try again in 1 minute.");
    let other = app.browser();
    assert!(other.sign_in("someone-else@example.com", "x").await.unwrap_err().error != AppError::RateLimited(1));
}

#[tokio::test]
async fn sign_out_ends_the_session_on_the_server() {
    let app = TestApp::start().await;
    let cookie = session_cookie(&app, ADMIN_EMAIL).await;
    let client = app.browser();
    assert_eq!(replayed_call(&client, &cookie, "settings/list").await.0, 200);
    assert_eq!(replayed_call(&client, &cookie, "auth/sign-out").await.0, 200);
    let (status, text) = replayed_call(&client, &cookie, "settings/list").await;
    assert_eq!(status, 401, "the cookie no longer works after sign-out: {text}");
}

/// Signs in with a fresh client and returns the raw session cookie it was given.
async fn session_cookie(app: &TestApp, email: &str) -> String {
    let response = reqwest::Client::new()
        .post(format!("{}/api/auth/sign-in", app.origin))
        .header("origin", &app.origin)
        .json(&json!({ "credentials": { "email": email, "password": ADMIN_PASSWORD } }))
        .send()
        .await
        .unwrap();
    let header = response.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(header.contains("HttpOnly") && header.contains("SameSite=Strict"), "{header}");
    header.split(';').next().unwrap().to_owned()
}

async fn replayed_call(browser: &support::Browser, cookie: &str, endpoint: &str) -> (u16, String) {
    let response = browser
        .http
        .post(format!("{}/api/{endpoint}", browser.base))
        .header("origin", browser.origin.as_deref().unwrap())
        .header("cookie", cookie)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn idle_sessions_expire() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path().to_owned(), true);
    config.session_idle = Duration::from_secs(600);
    let app = TestApp::start_with(dir, config).await;
    let admin = app.admin().await;
    // Idle for a little under the limit: still signed in.
    app.execute_sql("update sessions set last_seen = last_seen - 590000").await.unwrap();
    let _: ListedSettings = admin.call("settings/list", json!({})).await.unwrap();
    // Then idle for longer than the limit, as if ten minutes had passed unused.
    app.execute_sql("update sessions set last_seen = last_seen - 610000").await.unwrap();
    let expired = admin.call::<ListedSettings>("settings/list", json!({})).await.unwrap_err();
    assert_eq!(expired.error, AppError::SignedOut);
}

#[tokio::test]
async fn sessions_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    let app = TestApp::start_with(dir, config(path.clone(), true)).await;
    let cookie = session_cookie(&app, ADMIN_EMAIL).await;
    let restarted = TestApp::start_with(tempfile::tempdir().unwrap(), config(path, true)).await;
    let (status, text) = replayed_call(&restarted.browser(), &cookie, "settings/list").await;
    assert_eq!(status, 200, "{text}");
}

#[tokio::test]
async fn requests_from_another_origin_are_refused() {
    let app = TestApp::start().await;
    let mut admin = app.admin().await;
    admin.origin = Some("https://evil.example".into());
    let refused = admin.call::<ListedSettings>("settings/list", json!({})).await.unwrap_err();
    assert_eq!(refused.status, 403);
    assert!(refused.error.to_string().contains("Origin https://evil.example"));
    admin.origin = None;
    let missing = admin.call::<ListedSettings>("settings/list", json!({})).await.unwrap_err();
    assert_eq!(missing.status, 403);
    let outsider = app.browser();
    let mut outsider = outsider;
    outsider.origin = Some("https://evil.example".into());
    assert_eq!(outsider.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await.unwrap_err().status, 403);
}

#[tokio::test]
async fn plain_users_and_strangers_are_kept_out() {
    let app = TestApp::start().await;
    let stranger = app.browser();
    for endpoint in ["settings/list", "users/list"] {
        let failure = stranger.call::<Value>(endpoint, json!({})).await.unwrap_err();
        assert_eq!((failure.status, failure.error), (401, AppError::SignedOut), "{endpoint}");
    }
    let user = app.user("plain@example.com").await;
    for (endpoint, body) in [
        ("settings/list", json!({})),
        ("settings/get", json!({ "id": 1 })),
        ("settings/save", support::new_settings("Sneaky", None)),
        ("settings/delete", json!({ "id": 1 })),
        ("users/list", json!({})),
        ("users/role", json!({ "id": 2, "version": 1, "role": "Administrator" })),
    ] {
        let failure = user.call::<Value>(endpoint, body).await.unwrap_err();
        assert_eq!((failure.status, failure.error), (403, AppError::AdminOnly), "{endpoint}");
    }
    let me: Option<CurrentUser> = user.call("auth/me", json!({})).await.unwrap();
    assert_eq!(me.unwrap().email, "plain@example.com");
}

#[tokio::test]
async fn the_last_administrator_stays() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let me: Option<CurrentUser> = admin.call("auth/me", json!({})).await.unwrap();
    let me = me.unwrap();
    let demote = admin.call::<UserView>("users/role", json!({ "id": me.id, "version": 1, "role": "User" })).await.unwrap_err();
    assert!(matches!(demote.error, AppError::Refused(_)));
    let remove = admin.call::<()>("users/remove", json!({ "id": me.id })).await.unwrap_err();
    assert!(matches!(remove.error, AppError::Refused(_)));

    let other: UserView = admin
        .call(
            "users/create",
            json!({ "user": { "name": "Bo", "email": "bo@example.com", "role": "Administrator", "password": ADMIN_PASSWORD } }),
        )
        .await
        .unwrap();
    let bo = app.browser();
    bo.sign_in("bo@example.com", ADMIN_PASSWORD).await.unwrap();
    let demoted: UserView = bo.call("users/role", json!({ "id": me.id, "version": 1, "role": "User" })).await.unwrap();
    assert_eq!(demoted.role, app::domain::Role::User);
    let last =
        bo.call::<UserView>("users/role", json!({ "id": other.id, "version": other.version, "role": "User" })).await.unwrap_err();
    assert!(matches!(last.error, AppError::Refused(_)));
    let duplicate = bo
        .call::<UserView>(
            "users/create",
            json!({ "user": { "name": "Bo 2", "email": "BO@example.com", "role": "User", "password": ADMIN_PASSWORD } }),
        )
        .await
        .unwrap_err();
    assert!(duplicate.error.field_errors().unwrap().get(FieldKey::PersonEmail).is_some());
}

#[tokio::test]
async fn a_role_change_over_a_newer_one_is_refused_with_who_and_when() {
    let app = TestApp::start().await;
    let ada = app.admin().await;
    let grace: UserView = ada
        .call(
            "users/create",
            json!({ "user": { "name": "Grace", "email": "grace@example.com", "role": "Administrator", "password": ADMIN_PASSWORD } }),
        )
        .await
        .unwrap();
    let plain: UserView = ada
        .call(
            "users/create",
            json!({ "user": { "name": "Bo", "email": "bo@example.com", "role": "User", "password": ADMIN_PASSWORD } }),
        )
        .await
        .unwrap();
    let grace_browser = app.browser();
    grace_browser.sign_in("grace@example.com", ADMIN_PASSWORD).await.unwrap();
    // Both opened the Users panel at the same version; Grace promotes Bo first.
    let promoted: UserView = grace_browser
        .call("users/role", json!({ "id": plain.id, "version": plain.version, "role": "Administrator" }))
        .await
        .unwrap();
    assert_eq!(promoted.version, plain.version + 1);
    let failure = ada
        .call::<UserView>("users/role", json!({ "id": plain.id, "version": plain.version, "role": "User" }))
        .await
        .unwrap_err();
    assert_eq!(failure.status, 409);
    assert!(
        matches!(failure.error, AppError::Stale { by: Some(ref by), at } if *by == grace.name && at.get() > 0),
        "{failure:?}"
    );
    // Making the change Grace already made is no conflict, and no second change.
    let same: UserView =
        ada.call("users/role", json!({ "id": plain.id, "version": plain.version, "role": "Administrator" })).await.unwrap();
    assert_eq!((same.role, same.version), (app::domain::Role::Administrator, promoted.version));
    let users: Vec<UserView> = ada.call("users/list", json!({})).await.unwrap();
    let bo = users.iter().find(|u| u.id == plain.id).unwrap();
    assert_eq!(bo.role, app::domain::Role::Administrator, "Ada's stale change overwrote nothing");
    let _: UserView = ada.call("users/role", json!({ "id": bo.id, "version": bo.version, "role": "User" })).await.unwrap();
}

#[tokio::test]
async fn changing_your_password_signs_out_your_other_sessions() {
    let app = TestApp::start().await;
    let here = app.admin().await;
    let elsewhere = app.admin().await;
    let wrong =
        here.call::<()>("account/password", json!({ "current": "nope", "new": "a brand new passphrase" })).await.unwrap_err();
    assert!(wrong.error.field_errors().unwrap().get(FieldKey::CurrentPassword).is_some());
    let short = here.call::<()>("account/password", json!({ "current": ADMIN_PASSWORD, "new": "short" })).await.unwrap_err();
    assert!(short.error.field_errors().unwrap().get(FieldKey::NewPassword).unwrap().contains("at least 12"));
    let () = here.call("account/password", json!({ "current": ADMIN_PASSWORD, "new": "a brand new passphrase" })).await.unwrap();
    let _: ListedSettings = here.call("settings/list", json!({})).await.unwrap();
    assert_eq!(elsewhere.call::<Value>("settings/list", json!({})).await.unwrap_err().error, AppError::SignedOut);
    let fresh = app.browser();
    fresh.sign_in(ADMIN_EMAIL, "a brand new passphrase").await.unwrap();

    let changed: CurrentUser = here
        .call("account/email", json!({ "current_password": "a brand new passphrase", "email": "root@example.com" }))
        .await
        .unwrap();
    assert_eq!(changed.email, "root@example.com");
    app.browser().sign_in("ROOT@example.com", "a brand new passphrase").await.unwrap();
}

#[tokio::test]
async fn bootstrap_from_the_environment_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    let app = TestApp::start_with(dir, config(path.clone(), true)).await;
    assert!(app.setup_link.is_none());
    let mut again = config(path, true);
    again.admin_password = Some("a different password entirely".into());
    let restarted = TestApp::start_with(tempfile::tempdir().unwrap(), again).await;
    restarted.browser().sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await.expect("the first password still works");
    assert!(restarted.browser().sign_in(ADMIN_EMAIL, "a different password entirely").await.is_err());
    let admin = restarted.admin().await;
    let users: Vec<UserView> = admin.call("users/list", json!({})).await.unwrap();
    assert_eq!(users.len(), 1);
}

#[tokio::test]
async fn the_setup_link_works_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    let app = TestApp::start_with(dir, config(path, false)).await;
    let link = app.setup_link.clone().expect("a setup link without MAILROOM_ADMIN_*");
    let token = link.split("token=").nth(1).unwrap();
    let browser = app.browser();
    let valid: bool = browser.call("auth/setup-token", json!({ "token": token })).await.unwrap();
    assert!(valid);
    let forged: bool = browser.call("auth/setup-token", json!({ "token": "forged" })).await.unwrap();
    assert!(!forged);
    let user = json!({ "name": "Ada", "email": "ada@example.com", "role": "Administrator", "password": ADMIN_PASSWORD });
    let invalid = browser
        .call::<CurrentUser>(
            "auth/setup",
            json!({ "token": token, "user": { "name": "", "email": "x", "role": "Administrator", "password": "short" } }),
        )
        .await
        .unwrap_err();
    let errors = invalid.error.field_errors().unwrap().clone();
    assert!(
        errors.get(FieldKey::PersonName).is_some()
            && errors.get(FieldKey::PersonEmail).is_some()
            && errors.get(FieldKey::Password).is_some()
    );
    let me: CurrentUser = browser.call("auth/setup", json!({ "token": token, "user": user })).await.unwrap();
    assert_eq!(me.role, app::domain::Role::Administrator);
    let _: ListedSettings = browser.call("settings/list", json!({})).await.expect("signed in by the setup");
    let reused = app.browser().call::<CurrentUser>("auth/setup", json!({ "token": token, "user": user })).await.unwrap_err();
    assert!(reused.error.to_string().contains("used already"));
}
