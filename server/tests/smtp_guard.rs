//! A hostile SMTP server on loopback, scripted byte for byte (no real server misbehaves on
//! request): STARTTLS command injection (CVE-2011-0411), overlong reply lines and endless
//! replies. Both the test conversation and the outbox must stop, and say why.

mod support;

use app::api::test_email::{Step, TestEvent};
use serde_json::{json, Value};
use support::{api_token, eventually, fast_outbox_app, Browser, TestApp};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

#[derive(Clone, Copy)]
enum Misbehaviour {
    /// Answers STARTTLS and, in the same write, a reply to a command never sent.
    Injection,
    /// An EHLO reply line of 5,000 bytes.
    LongLine,
    /// An EHLO reply of 150 lines.
    EndlessReply,
}

/// What the server saw after misbehaving: the bytes the client sent next (none, if it hung up).
type Seen = mpsc::UnboundedReceiver<Vec<u8>>;

async fn hostile_server(how: Misbehaviour) -> (u16, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else { return };
            let tx = tx.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read);
                write.write_all(b"220 hostile.example ESMTP\r\n").await.unwrap();
                let mut line = String::new();
                while lines.read_line(&mut line).await.unwrap_or(0) > 0 {
                    let command = line.trim_end().to_ascii_uppercase();
                    line.clear();
                    let reply: Vec<u8> = match (how, command.as_str()) {
                        (Misbehaviour::LongLine, c) if c.starts_with("EHLO") => {
                            format!("250-hostile.example\r\n250 {}\r\n", "X".repeat(5000)).into_bytes()
                        }
                        (Misbehaviour::EndlessReply, c) if c.starts_with("EHLO") => {
                            (0..150).map(|i| format!("250-EXTENSION{i}\r\n")).collect::<String>().into_bytes()
                        }
                        (_, c) if c.starts_with("EHLO") => b"250-hostile.example\r\n250 STARTTLS\r\n".to_vec(),
                        (Misbehaviour::Injection, "STARTTLS") => {
                            write.write_all(b"220 2.0.0 Ready to start TLS\r\n250 2.1.0 injected\r\n").await.unwrap();
                            let mut next = Vec::new();
                            let _ = lines.read_to_end(&mut next).await;
                            let _ = tx.send(next);
                            return;
                        }
                        _ => b"250 OK\r\n".to_vec(),
                    };
                    if write.write_all(&reply).await.is_err() {
                        break;
                    }
                }
                let _ = tx.send(Vec::new());
            });
        }
    });
    (port, rx)
}

async fn settings(admin: &Browser, port: u16) -> i64 {
    let form = json!({
        "name": format!("Hostile {port}"), "starttls_only": true, "host": "127.0.0.1", "port": port.to_string(),
        "from_name": "Billing", "email": "billing@example.com", "username": "",
    });
    let saved: Value = admin
        .call("settings/save", json!({ "input": { "id": null, "version": null, "form": form, "password": "Keep" } }))
        .await
        .unwrap();
    saved["id"].as_i64().unwrap()
}

/// Runs a test of the settings; the failed step and its cause.
async fn failed_test(admin: &Browser, id: i64) -> (Step, String) {
    let body = json!({ "request": { "settings_id": id, "form": null, "password": null, "recipient": "ada@example.com" } });
    let (status, text) = admin.raw("settings/test", body).await;
    assert_eq!(status, 200, "{text}");
    let events: Vec<TestEvent> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    events
        .into_iter()
        .find_map(|e| match e {
            TestEvent::Failed { step, diagnosis, .. } => Some((step, diagnosis.cause)),
            _ => None,
        })
        .expect("the test fails")
}

#[tokio::test]
async fn the_test_stops_at_data_injected_after_starttls() {
    let (port, mut seen) = hostile_server(Misbehaviour::Injection).await;
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (step, cause) = failed_test(&admin, settings(&admin, port).await).await;
    assert_eq!(step, Step::Tls);
    assert!(cause.contains("CVE-2011-0411") && cause.contains("without signing in"), "{cause}");
    assert_eq!(seen.recv().await.unwrap(), b"", "Mailroom hung up without a TLS handshake or another command");
}

#[tokio::test]
async fn the_test_stops_at_an_overlong_line_or_an_endless_reply() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    for (how, expected) in
        [(Misbehaviour::LongLine, "longer than 4096 bytes"), (Misbehaviour::EndlessReply, "more than 100 lines")]
    {
        let (port, _seen) = hostile_server(how).await;
        let (step, cause) = failed_test(&admin, settings(&admin, port).await).await;
        assert_eq!(step, Step::Greeting);
        assert!(cause.contains(expected), "{cause}");
    }
}

#[tokio::test]
async fn the_outbox_refuses_the_same_servers() {
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    let token = api_token(&admin, "Billing").await;
    let http = reqwest::Client::new();
    for (how, expected) in [
        (Misbehaviour::Injection, "CVE-2011-0411"),
        (Misbehaviour::LongLine, "longer than 4096 bytes"),
        (Misbehaviour::EndlessReply, "more than 100 lines"),
    ] {
        let (port, _seen) = hostile_server(how).await;
        let id = settings(&admin, port).await;
        let () = admin.call("settings/make-default", json!({ "id": id })).await.unwrap();
        let body = json!({ "template": "Invoice", "to": "grace@example.com", "variables": {
            "contact": { "name": "Grace" }, "company": { "name": "Example Ltd" },
            "invoice": { "number": "1", "amount": "1", "due_date": "1", "url": "https://example.com" } } });
        let queued: Value = http
            .post(format!("{}/api/v1/messages", app.origin))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let status = || async {
            let url = format!("{}/api/v1/messages/{}", app.origin, queued["id"]);
            http.get(url).bearer_auth(&token).send().await.unwrap().json::<Value>().await.unwrap()
        };
        assert!(
            eventually(10, || async { status().await["last_error"].as_str().is_some_and(|e| e.contains(expected)) }).await,
            "{expected}: {}",
            status().await
        );
        assert_ne!(status().await["status"], "sent");
    }
}
