//! History and "Restore this version" against a real database and a real SMTP server: a
//! restored version brings back its own sealed password, is checked like a save, is audited,
//! and the history keeps the newest versions and the last one a test email went through.

mod support;

use app::api::audit::AuditEntry;
use app::api::history::Revision;
use app::api::templates::TemplateView;
use app::api::test_email::TestEvent;
use app::api::{AppError, SettingsView};
use serde_json::{json, Value};
use support::events::test_saved;
use support::process::Server;
use support::smtp::{certs, Certs, SmtpServer, PASSWORD, USER};
use support::{config, Browser, TestApp};

async fn app(ca: Option<&Certs>, keep: u64) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path().to_owned(), true);
    config.smtp_ca_file = ca.map(|c| c.ca.clone());
    config.revisions_keep = keep;
    TestApp::start_with(dir, config).await
}

fn form(name: &str, port: u16, username: &str) -> Value {
    json!({
        "name": name, "starttls_only": !username.is_empty(), "host": "127.0.0.1", "port": port.to_string(),
        "from_name": "Billing", "email": "billing@example.com", "username": username,
    })
}

async fn save(admin: &Browser, id: Option<i64>, version: Option<i64>, form: Value, password: Value) -> SettingsView {
    let input = json!({ "input": { "id": id, "version": version, "form": form, "password": password } });
    admin.call("settings/save", input).await.expect("saved")
}

/// Saves `view` again with one field changed and the password kept.
async fn change(admin: &Browser, view: &SettingsView, field: &str, value: &str) -> SettingsView {
    let mut form = serde_json::to_value(&view.form).unwrap();
    form[field] = json!(value);
    save(admin, Some(view.id.get()), Some(view.version), form, json!("Keep")).await
}

async fn history(admin: &Browser, id: i64) -> Vec<Revision> {
    admin.call("settings/history", json!({ "id": id })).await.expect("history")
}

async fn restore(admin: &Browser, id: i64, number: i64, version: i64) -> Result<SettingsView, support::Failure> {
    admin.call("settings/restore-revision", json!({ "id": id, "number": number, "version": version })).await
}

fn passed(events: &[TestEvent]) -> bool {
    matches!(events.last(), Some(TestEvent::Finished { ok: true, .. }))
}

fn numbers(revisions: &[Revision]) -> Vec<i64> {
    revisions.iter().map(|r| r.number).collect()
}

#[tokio::test]
async fn restoring_a_version_brings_back_its_own_password_and_the_tests_mark_each_version() {
    let certs = certs(&["127.0.0.1"]);
    let smtp = SmtpServer::start("starttls", Some(&certs));
    let app = app(Some(&certs), 50).await;
    let admin = app.admin().await;
    let working = save(&admin, None, None, form("Office relay", smtp.port, USER), json!({ "Set": PASSWORD })).await;
    assert!(passed(&test_saved(&admin, working.id.get()).await));

    // A colleague "fixes" the username and types a password the server does not take.
    let mut broken_form = serde_json::to_value(&working.form).unwrap();
    broken_form["username"] = json!("billing-team");
    let broken =
        save(&admin, Some(working.id.get()), Some(working.version), broken_form, json!({ "Set": "not-the-password" })).await;
    assert!(!passed(&test_saved(&admin, broken.id.get()).await));
    let renamed = change(&admin, &broken, "from_name", "Accounts").await;

    let kept = history(&admin, working.id.get()).await;
    assert_eq!(numbers(&kept), [3, 2, 1]);
    assert!(kept[0].current && !kept[1].current);
    assert_eq!(kept[1].test.map(|t| t.ok), Some(false));
    assert_eq!(kept[2].test.map(|t| t.ok), Some(true), "the first version is the last known working one");
    assert_eq!(kept[2].notes, ["Created", "Password set"]);
    assert_eq!(kept[1].notes, ["Password set"]);
    let fields: Vec<&str> = kept[2].changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["From", "Username", "Password"]);
    assert_eq!((kept[2].changes[1].before.as_str(), kept[2].changes[1].after.as_str()), ("“billing”", "“billing-team”"));
    assert!(!format!("{kept:?}").contains(PASSWORD) && !format!("{kept:?}").contains("not-the-password"));

    let restored = restore(&admin, working.id.get(), 1, renamed.version).await.expect("restored");
    assert_eq!(restored.version, 4);
    assert_eq!((restored.form.username.as_str(), restored.form.from_name.as_str()), (USER, "Billing"));
    assert!(restored.has_password);
    assert!(restored.last_test.is_none(), "version 4 is not tested yet");
    assert!(passed(&test_saved(&admin, working.id.get()).await), "the first version's password is back, bound to its username");
    let oks: Vec<bool> = smtp.of_kind("auth").iter().map(|a| a["ok"] == true).collect();
    assert_eq!(oks, [true, false, true]);

    let kept = history(&admin, working.id.get()).await;
    assert_eq!(numbers(&kept), [4, 3, 2, 1]);
    assert_eq!(kept[0].notes, ["Restored version 1", "Password set"]);
    assert_eq!(kept[0].test.map(|t| t.ok), Some(true));
    assert!(kept[3].changes.is_empty(), "version 1 now matches what is saved");
    let entries: Vec<AuditEntry> = admin.call("audit/list", json!({ "filter": "restored", "before": null })).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].action, "SMTP settings restored");
    assert!(
        entries[0]
            .details
            .starts_with("version 1 restored as version 4: From: “Accounts” → “Billing”; Username: “billing-team” → “billing”"),
        "{}",
        entries[0].details
    );
    assert!(!entries[0].details.contains(PASSWORD));

    // A rename changes nothing a test goes through: the new version keeps the test's mark.
    let renamed = change(&admin, &restored, "name", "Office relay (main)").await;
    let kept = history(&admin, working.id.get()).await;
    assert_eq!((kept[0].number, kept[0].test.map(|t| t.ok)), (renamed.version, Some(true)));
}

#[tokio::test]
async fn deleted_settings_keep_their_id_in_history() {
    let app = app(None, 50).await;
    let admin = app.admin().await;
    let main = save(&admin, None, None, form("Main", 587, ""), json!("Keep")).await;
    let spare = save(&admin, None, None, form("Spare", 587, ""), json!("Keep")).await;
    let backed = change(&admin, &main, "backup", &spare.id.to_string()).await;
    let _alone = change(&admin, &backed, "backup", "").await;
    let () = admin.call("settings/delete", json!({ "id": spare.id })).await.unwrap();

    let next = save(&admin, None, None, form("Newer", 587, ""), json!("Keep")).await;
    assert!(next.id > spare.id, "the deleted settings' id #{} was given out again", spare.id);
    let kept = history(&admin, main.id.get()).await;
    let backup = kept.iter().find(|r| r.number == backed.version).unwrap().changes.iter().find(|c| c.field == "Backup settings");
    assert_eq!(backup.map(|c| c.before.clone()), Some(format!("deleted settings #{}", spare.id)));
}

#[tokio::test]
async fn a_restore_is_checked_like_a_save() {
    let app = app(None, 50).await;
    let admin = app.admin().await;
    let alpha = save(&admin, None, None, form("Alpha", 587, ""), json!("Keep")).await;
    let beta = change(&admin, &alpha, "name", "Beta").await;

    let stale = restore(&admin, alpha.id.get(), 1, alpha.version).await.unwrap_err();
    assert!(matches!(stale.error, AppError::Stale { .. }), "{stale:?}");
    let current = restore(&admin, alpha.id.get(), 2, beta.version).await.unwrap_err();
    assert!(matches!(&current.error, AppError::Refused(m) if m.contains("version saved now")), "{current:?}");
    let unknown = restore(&admin, alpha.id.get(), 9, beta.version).await.unwrap_err();
    assert_eq!(unknown.status, 404);

    // The old name now belongs to other settings.
    let other = save(&admin, None, None, form("alpha", 587, ""), json!("Keep")).await;
    let taken = restore(&admin, alpha.id.get(), 1, beta.version).await.unwrap_err();
    assert!(
        matches!(&taken.error, AppError::Conflict(m) if m.contains("named “Alpha”") && m.contains("Rename those first")),
        "{taken:?}"
    );
    assert_eq!(history(&admin, alpha.id.get()).await.len(), 2, "a refused restore keeps nothing");

    // Version 1 of "alpha" names Beta as its backup, which now names "alpha": a loop.
    let with_backup = change(&admin, &other, "backup", &alpha.id.to_string()).await;
    let without = change(&admin, &with_backup, "backup", "").await;
    let _ = change(&admin, &beta, "backup", &other.id.to_string()).await;
    let looped = restore(&admin, other.id.get(), with_backup.version, without.version).await.unwrap_err();
    assert!(matches!(&looped.error, AppError::Conflict(m) if m.contains("loop")), "{looped:?}");

    let user = app.user("grace@example.com").await;
    assert_eq!(user.call::<Vec<Revision>>("settings/history", json!({ "id": alpha.id })).await.unwrap_err().status, 403);
    assert_eq!(restore(&user, alpha.id.get(), 1, beta.version).await.unwrap_err().status, 403);
}

#[tokio::test]
async fn history_keeps_the_newest_versions_and_the_last_known_working_one() {
    let smtp = SmtpServer::start("plain", None);
    let app = app(None, 3).await;
    let admin = app.admin().await;
    let mut view = save(&admin, None, None, form("Relay", smtp.port, ""), json!("Keep")).await;
    assert!(passed(&test_saved(&admin, view.id.get()).await));
    for n in 0..4 {
        view = change(&admin, &view, "from_name", &format!("Billing {n}")).await;
    }
    assert_eq!(numbers(&history(&admin, view.id.get()).await), [5, 4, 3, 1], "version 1 is the last known working one");
    assert!(passed(&test_saved(&admin, view.id.get()).await));
    view = change(&admin, &view, "from_name", "Billing").await;
    assert_eq!(numbers(&history(&admin, view.id.get()).await), [6, 5, 4], "version 5 worked, so version 1 may go");
}

/// Keeping three: the first three saves keep every version, the fourth drops the first.
#[tokio::test]
async fn history_starts_dropping_with_the_first_version_past_the_limit() {
    let app = app(None, 3).await;
    let admin = app.admin().await;
    let mut view = save(&admin, None, None, form("Relay", 2525, ""), json!("Keep")).await;
    let mut kept = vec![numbers(&history(&admin, view.id.get()).await)];
    for n in 0..3 {
        view = change(&admin, &view, "from_name", &format!("Billing {n}")).await;
        kept.push(numbers(&history(&admin, view.id.get()).await));
    }
    assert_eq!(kept, [vec![1], vec![2, 1], vec![3, 2, 1], vec![4, 3, 2]]);
}

#[tokio::test]
async fn templates_keep_their_versions_and_restore_them() {
    let app = app(None, 50).await;
    let admin = app.admin().await;
    let input = |id: Option<i64>, version: Option<i64>, subject: &str| {
        json!({ "input": { "id": id, "version": version, "form": {
            "name": "Receipt", "subject": subject, "text_body": "Hello {{ contact.name }}", "html_body": "",
            "from_name": "", "from_email": "", "settings_id": null,
        } } })
    };
    let first: TemplateView = admin.call("templates/save", input(None, None, "Your invoice")).await.unwrap();
    let second: TemplateView =
        admin.call("templates/save", input(Some(first.id.get()), Some(1), "Invoice {{ invoice.number }}")).await.unwrap();
    let kept: Vec<Revision> = admin.call("templates/history", json!({ "id": first.id })).await.unwrap();
    assert_eq!(numbers(&kept), [2, 1]);
    assert_eq!(kept[1].changes.len(), 1);
    assert_eq!(
        (kept[1].changes[0].before.as_str(), kept[1].changes[0].after.as_str()),
        ("“Your invoice”", "“Invoice {{ invoice.number }}”")
    );

    let body = json!({ "id": first.id, "number": 1, "version": second.version });
    let restored: TemplateView = admin.call("templates/restore-revision", body).await.unwrap();
    assert_eq!((restored.version, restored.form.subject.as_str()), (3, "Your invoice"));
    let kept: Vec<Revision> = admin.call("templates/history", json!({ "id": first.id })).await.unwrap();
    assert_eq!(kept[0].notes, ["Restored version 1"]);

    let entries: Vec<AuditEntry> = admin.call("audit/list", json!({ "filter": "template", "before": null })).await.unwrap();
    let changed = entries.iter().find(|e| e.action == "template changed").unwrap();
    assert_eq!(
        changed.details, "Subject: “Your invoice” → “Invoice {{ invoice.number }}”",
        "old and new values, as for settings"
    );
    assert!(entries.iter().any(|e| e.action == "template restored" && e.details.starts_with("version 1 restored as version 3")));
}

#[tokio::test]
async fn rotating_the_key_keeps_old_versions_restorable() {
    let certs = certs(&["127.0.0.1"]);
    let smtp = SmtpServer::start("starttls", Some(&certs));
    let data = tempfile::tempdir().unwrap();
    let port = support::smtp::free_port();
    let ca = certs.ca.display().to_string();
    let env = [("MAILROOM_SMTP_CA_FILE", ca.as_str())];
    let server = Server::start(data.path(), port, &env);
    server.ready().await;
    let admin = server.admin().await;
    let working = save(&admin, None, None, form("Office relay", smtp.port, USER), json!({ "Set": PASSWORD })).await;
    let broken =
        save(&admin, Some(working.id.get()), Some(1), form("Office relay", smtp.port, USER), json!({ "Set": "wrong" })).await;
    let renamed = change(&admin, &broken, "name", "Office relay, renamed").await;
    server.stop("-TERM");

    support::process::rotate_key(data.path());

    let server = Server::start(data.path(), port, &env);
    server.ready().await;
    let admin = server.admin().await;
    let password_differs = |revisions: &[Revision], number: i64| {
        let revision = revisions.iter().find(|r| r.number == number).expect("kept");
        revision.changes.iter().any(|c| c.field == "Password")
    };
    let kept = history(&admin, working.id.get()).await;
    assert!(!password_differs(&kept, 2), "version 2 kept the password saved now, and rotation must not make it look different");
    assert!(password_differs(&kept, 1), "version 1's password is still told apart from the one saved now");
    restore(&admin, working.id.get(), 1, renamed.version).await.expect("restored");
    assert!(passed(&test_saved(&admin, working.id.get()).await), "version 1's password was re-sealed under the new key");
}
