//! kill -9 during a burst of saves: after a restart every acknowledged save is there, exactly
//! as acknowledged (or with the one save that was in flight on top), and SQLite's own integrity
//! check passes.

mod support;

use app::api::SettingsView;
use serde_json::{json, Value};
use sqlx::Connection;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use support::process::Server;
use support::smtp::free_port;
use support::{eventually, Browser};

const WRITERS: usize = 4;

/// What the server acknowledged for one settings: its version and the port saved with it.
type Acknowledged = Arc<Mutex<BTreeMap<i64, (i64, String)>>>;

/// How many settings get saved before the kill.
const BURST: usize = 150;

fn form(name: &str, port: u32) -> Value {
    json!({
        "name": name, "starttls_only": true, "host": "smtp.example.com", "port": port.to_string(),
        "from_name": "Billing", "email": "billing@example.com", "username": "billing",
    })
}

async fn save(admin: &Browser, id: Option<i64>, version: Option<i64>, form: Value) -> Option<SettingsView> {
    let body = json!({ "input": { "id": id, "version": version, "form": form, "password": { "Set": "s3cret pass" } } });
    match admin.try_raw("settings/save", body).await {
        Ok((200, text)) => Some(serde_json::from_str(&text).expect("a saved settings")),
        Ok((status, text)) => panic!("save refused with {status}: {text}"),
        Err(_) => None,
    }
}

/// Creates settings and saves each a few more times, recording every acknowledged save, until
/// the server stops answering (a refusal is a failure: none of these saves is invalid).
async fn writer(admin: Browser, writer: usize, acknowledged: Acknowledged) {
    for round in 0.. {
        let name = format!("Crash {writer}-{round}");
        let Some(mut view) = save(&admin, None, None, form(&name, 1000)).await else { return };
        acknowledged.lock().unwrap().insert(view.id.get(), (view.version, view.form.port.clone()));
        for step in 1..=3 {
            let Some(next) = save(&admin, Some(view.id.get()), Some(view.version), form(&name, 1000 + step)).await else {
                return;
            };
            view = next;
            acknowledged.lock().unwrap().insert(view.id.get(), (view.version, view.form.port.clone()));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_save_survives_kill_9() {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let server = Server::start(data.path(), port, &[]);
    server.ready().await;
    let acknowledged = Acknowledged::default();
    let mut writers = Vec::new();
    for n in 0..WRITERS {
        writers.push(tokio::spawn(writer(server.admin().await, n, acknowledged.clone())));
    }
    assert!(eventually(60, || async { acknowledged.lock().unwrap().len() >= BURST }).await, "the burst got going");
    server.stop("-KILL");
    for writer in writers {
        writer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();

    let server = Server::start(data.path(), port, &[]);
    server.ready().await;
    let admin = server.admin().await;
    for (id, (version, port)) in &acknowledged {
        let stored: SettingsView = admin
            .call("settings/get", json!({ "id": id }))
            .await
            .unwrap_or_else(|e| panic!("acknowledged settings {id} is gone: {e:?}"));
        assert!(
            stored.version == *version || stored.version == version + 1,
            "settings {id}: acknowledged version {version}, stored {}",
            stored.version
        );
        if stored.version == *version {
            assert_eq!(&stored.form.port, port, "settings {id} is stored as acknowledged");
        }
        assert!(stored.has_password, "settings {id} kept its password");
    }
    server.stop("-TERM");

    let path = data.path().join("mailroom.db");
    let mut db = sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=ro", path.display())).await.unwrap();
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&mut db).await.unwrap();
    assert_eq!(integrity, ["ok"]);
    let orphans: Vec<(String,)> = sqlx::query_as("PRAGMA foreign_key_check").fetch_all(&mut db).await.unwrap();
    assert!(orphans.is_empty(), "{orphans:?}");
    let saves: i64 = acknowledged.values().map(|(version, _)| version).sum();
    eprintln!("{saves} acknowledged saves of {} settings checked after kill -9", acknowledged.len());
}
