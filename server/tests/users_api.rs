//! The Users panel's operations beyond adding and roles: editing a name and address, sending
//! someone a reset link through a real SMTP server, and refusing common passwords.

mod support;

use app::api::AppError;
use app::api::UserView;
use app::domain::FieldKey;
use serde_json::{json, Value};
use support::smtp::SmtpServer;
use support::{eventually, fast_outbox_app, plain_relay, ADMIN_EMAIL, ADMIN_PASSWORD};

fn field(error: &AppError, key: FieldKey) -> String {
    error.field_errors().and_then(|e| e.get(key)).unwrap_or_default().to_owned()
}

#[tokio::test]
async fn an_administrator_edits_a_name_and_address_and_old_reset_links_stop_working() {
    let smtp = SmtpServer::start("plain", None);
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    plain_relay(&admin, "Relay", smtp.port).await;
    let _grace = app.user("grace@example.com").await;
    let users: Vec<UserView> = admin.call("users/list", json!({})).await.unwrap();
    let grace = users.into_iter().find(|u| u.email == "grace@example.com").unwrap();

    // A link mailed to the old address, before the change.
    let _: i64 = admin.call("users/send-reset", json!({ "id": grace.id })).await.unwrap();
    assert!(eventually(10, || async { smtp.of_kind("message").len() == 1 }).await);
    let body = smtp.of_kind("message")[0]["body"].as_str().unwrap().to_owned();
    assert_eq!(smtp.of_kind("message")[0]["rcpt_tos"], json!(["grace@example.com"]));
    let token = body.split("token=").nth(1).unwrap().split_whitespace().next().unwrap().to_owned();
    let valid: bool = app.browser().call("auth/reset-valid", json!({ "token": token })).await.unwrap();
    assert!(valid);

    let update =
        |version: i64, name: &str, email: &str| json!({ "id": grace.id, "version": version, "name": name, "email": email });
    let changed: UserView =
        admin.call("users/update", update(grace.version, "Grace Hopper", "g.hopper@example.com")).await.unwrap();
    assert_eq!((changed.name.as_str(), changed.email.as_str()), ("Grace Hopper", "g.hopper@example.com"));
    let valid: bool = app.browser().call("auth/reset-valid", json!({ "token": token })).await.unwrap();
    assert!(!valid, "the link went to the old address");
    assert!(app.browser().sign_in("g.hopper@example.com", ADMIN_PASSWORD).await.is_ok());

    let stale = admin.call::<UserView>("users/update", update(grace.version, "Grace", "grace@example.com")).await.unwrap_err();
    assert!(matches!(stale.error, AppError::Stale { .. }), "{stale:?}");
    let taken = admin.call::<UserView>("users/update", update(changed.version, "Grace", ADMIN_EMAIL)).await.unwrap_err();
    assert_eq!(field(&taken.error, FieldKey::PersonEmail), "Another user already has this address.");
    let bad = admin.call::<UserView>("users/update", update(changed.version, " ", "not an address")).await.unwrap_err();
    assert!(!field(&bad.error, FieldKey::PersonName).is_empty() && !field(&bad.error, FieldKey::PersonEmail).is_empty());

    let me: Vec<UserView> = admin.call("users/list", json!({})).await.unwrap();
    let me = me.into_iter().find(|u| u.email == ADMIN_EMAIL).unwrap();
    let own = admin
        .call::<UserView>(
            "users/update",
            json!({ "id": me.id, "version": me.version, "name": me.name, "email": "boss@example.com" }),
        )
        .await;
    assert!(field(&own.unwrap_err().error, FieldKey::PersonEmail).contains("Account page"));

    let entries: Value = admin.call("audit/list", json!({ "filter": "user changed", "before": null })).await.unwrap();
    assert_eq!(entries.as_array().unwrap().len(), 1);
    assert_eq!(
        entries[0]["details"],
        "Name: “Plain User” → “Grace Hopper”; Email address: “grace@example.com” → “g.hopper@example.com”"
    );
    let plain = app.user("hopper@example.com").await;
    assert_eq!(
        plain.call::<UserView>("users/update", update(changed.version, "X", "x@example.com")).await.unwrap_err().status,
        403
    );
    assert_eq!(plain.call::<i64>("users/send-reset", json!({ "id": grace.id })).await.unwrap_err().status, 403);
}

#[tokio::test]
async fn reset_links_sent_by_an_administrator_count_against_the_hourly_limit() {
    let smtp = SmtpServer::start("plain", None);
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    plain_relay(&admin, "Relay", smtp.port).await;
    let _ = app.user("grace@example.com").await;
    let users: Vec<UserView> = admin.call("users/list", json!({})).await.unwrap();
    let grace = users.into_iter().find(|u| u.email == "grace@example.com").unwrap();
    for _ in 0..3 {
        let _: i64 = admin.call("users/send-reset", json!({ "id": grace.id })).await.unwrap();
    }
    let fourth = admin.call::<i64>("users/send-reset", json!({ "id": grace.id })).await.unwrap_err();
    assert_eq!(fourth.status, 409);
    assert!(fourth.error.to_string().contains("wait before sending another"), "{fourth:?}");
    assert!(eventually(10, || async { smtp.of_kind("message").len() == 3 }).await);
    let entries: Value = admin.call("audit/list", json!({ "filter": "reset link sent", "before": null })).await.unwrap();
    assert_eq!(entries.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn common_passwords_are_refused_however_long() {
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    let refused = admin
        .call::<UserView>(
            "users/create",
            json!({ "user": { "name": "Ada", "email": "ada@example.com", "role": "User", "password": "passwordpassword" } }),
        )
        .await
        .unwrap_err();
    assert!(field(&refused.error, FieldKey::InitialPassword).contains("among the most common"), "{refused:?}");
    let own = admin.call::<()>("account/password", json!({ "current": ADMIN_PASSWORD, "new": "qwertyuiop123" })).await;
    assert!(field(&own.unwrap_err().error, FieldKey::NewPassword).contains("among the most common"));
}

#[tokio::test]
async fn an_invited_person_chooses_their_password_from_the_emailed_link() {
    let smtp = SmtpServer::start("plain", None);
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    let invite = json!({ "invite": { "name": "Lin", "email": "lin@example.com", "role": "User" } });
    let refused = admin.call::<UserView>("users/invite", invite.clone()).await.unwrap_err();
    assert_eq!(refused.status, 409);
    assert!(refused.error.to_string().contains("so Lin was not added"), "{refused:?}");
    let users: Vec<UserView> = admin.call("users/list", json!({})).await.unwrap();
    assert!(!users.iter().any(|u| u.email == "lin@example.com"), "without settings to send through, nobody is added");

    plain_relay(&admin, "Relay", smtp.port).await;
    let invited: UserView = admin.call("users/invite", invite.clone()).await.unwrap();
    assert_eq!(invited.last_sign_in, None);
    assert!(eventually(10, || async { smtp.of_kind("message").len() == 1 }).await);
    let mail = &smtp.of_kind("message")[0];
    assert_eq!(mail["rcpt_tos"], json!(["lin@example.com"]));
    assert_eq!(mail["headers"]["Subject"], "You are invited to Mailroom");
    let body = mail["body"].as_str().unwrap().to_owned();
    assert!(body.contains("Administrator has invited you") && body.contains("within 3 days"), "{body}");
    let token = body.split("token=").nth(1).unwrap().split_whitespace().next().unwrap().to_owned();

    let stranger = app.browser();
    let me: app::api::CurrentUser =
        stranger.call("auth/reset", json!({ "token": token, "password": "lin's own passphrase" })).await.unwrap();
    assert_eq!(me.email, "lin@example.com");
    assert!(app.browser().sign_in("lin@example.com", "lin's own passphrase").await.is_ok());
    let again = admin.call::<UserView>("users/invite", invite).await.unwrap_err();
    assert_eq!(field(&again.error, FieldKey::PersonEmail), "Another user already has this address.");
    let entries: Value = admin.call("audit/list", json!({ "filter": "user invited", "before": null })).await.unwrap();
    assert_eq!(entries.as_array().unwrap().len(), 1);
}
