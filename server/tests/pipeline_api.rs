//! The host application's API: tokens, JSON errors naming the field, idempotency, attachments,
//! and the template's From override, delivered through a real SMTP server.

mod support;

use serde_json::{json, Value};
use support::smtp::SmtpServer;
use support::{api_token, eventually, fast_outbox_app, plain_relay, Browser, TestApp};

struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    fn new(app: &TestApp, token: &str) -> Self {
        Self { base: app.origin.clone(), token: token.to_owned(), http: reqwest::Client::new() }
    }

    async fn post(&self, body: &str, key: Option<&str>) -> (u16, Value) {
        let mut request = self
            .http
            .post(format!("{}/api/v1/messages", self.base))
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
    }

    async fn status(&self, id: i64) -> Value {
        self.http
            .get(format!("{}/api/v1/messages/{id}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

fn invoice(to: &str) -> Value {
    json!({
        "template": "Invoice",
        "to": to,
        "to_name": "Grace Hopper",
        "variables": {
            "contact": { "name": "Grace" },
            "company": { "name": "Example Ltd" },
            "invoice": { "number": "INV-42", "amount": "€1,250.00", "due_date": "15 December 2026", "url": "https://billing.example.com/42" }
        },
        "attachments": [{ "filename": "INV-42.pdf", "content_type": "application/pdf", "content_base64": "JVBERi0xLjQK" }]
    })
}

async fn setup() -> (TestApp, Browser, SmtpServer, Api) {
    let smtp = SmtpServer::start("plain", None);
    let app = fast_outbox_app().await;
    let admin = app.admin().await;
    plain_relay(&admin, "Loopback", smtp.port).await;
    let token = api_token(&admin, "Billing system").await;
    let api = Api::new(&app, &token);
    (app, admin, smtp, api)
}

#[tokio::test]
async fn an_invoice_is_queued_sent_and_reported() {
    let (_app, _admin, smtp, api) = setup().await;
    let (status, body) = api.post(&invoice("grace@example.com").to_string(), None).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["status"], "queued", "the answer is the mail as stored: {body}");
    let id = body["id"].as_i64().unwrap();
    assert!(eventually(10, || async { api.status(id).await["status"] == "sent" }).await);
    let messages = smtp.of_kind("message");
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(m["headers"]["Subject"], "Invoice INV-42 from Example Ltd");
    assert_eq!(m["headers"]["To"], "Grace Hopper <grace@example.com>");
    assert!(m["data"].as_str().unwrap().contains("filename=\"INV-42.pdf\""));
    assert!(m["body"].as_str().unwrap().contains("Dear Grace"));
}

#[tokio::test]
async fn errors_name_the_bad_field() {
    let (_app, _admin, _smtp, api) = setup().await;
    let cases: Vec<(String, u16, &str)> = vec![
        ("{not json".into(), 400, ""),
        (json!({ "template": "Invoice" }).to_string(), 422, "to"),
        (json!({ "template": "Invoice", "to": "not-an-address" }).to_string(), 422, "to"),
        (json!({ "template": "Nope", "to": "a@example.com" }).to_string(), 422, "template"),
        (json!({ "template": "Invoice", "to": "a@example.com", "variables": [] }).to_string(), 422, "variables"),
        (json!({ "template": "Invoice", "to": "a@example.com", "variables": {} }).to_string(), 422, "variables.company.name"),
        (
            json!({ "template": "Invoice", "to": "a@example.com", "attachments": [{ "filename": "a.pdf", "content_type": "application/pdf", "content_base64": "%%%" }] }).to_string(),
            422,
            "attachments[0].content_base64",
        ),
        (json!({ "template": "Invoice", "to": 5 }).to_string(), 422, "to"),
        (
            json!({ "template": "Invoice", "to": "a@example.com", "attachments": [{ "content_type": "application/pdf", "content_base64": "" }] }).to_string(),
            422,
            "attachments[0].filename",
        ),
    ];
    for (body, status, field) in cases {
        let (got, answer) = api.post(&body, None).await;
        assert_eq!(got, status, "{body}: {answer}");
        if field.is_empty() {
            assert!(answer["error"]["message"].as_str().unwrap().contains("not valid JSON"));
        } else {
            assert_eq!(answer["error"]["field"], field, "{body}: {answer}");
            assert!(!answer["error"]["message"].as_str().unwrap().is_empty());
        }
    }
}

#[tokio::test]
async fn tokens_are_required_and_revocable() {
    let (app, admin, _smtp, api) = setup().await;
    let anonymous = Api::new(&app, "");
    assert_eq!(anonymous.post(&invoice("a@example.com").to_string(), None).await.0, 401);
    let forged = Api::new(&app, "mr_forged");
    assert_eq!(forged.post(&invoice("a@example.com").to_string(), None).await.0, 401);
    let (_, queued) = api.post(&invoice("mine@example.com").to_string(), None).await;
    let other = Api::new(&app, &api_token(&admin, "Another system").await);
    let (status, _) = other.post(&json!({ "template": "password-reset", "to": "a@example.com" }).to_string(), None).await;
    assert_eq!(status, 422, "built-in roles are not template names");
    let peek = other
        .http
        .get(format!("{}/api/v1/messages/{}", app.origin, queued["id"]))
        .bearer_auth(&other.token)
        .send()
        .await
        .unwrap();
    assert_eq!(peek.status().as_u16(), 404, "a token sees only the mail it queued");
    let tokens: Value = admin.call("tokens/list", json!({})).await.unwrap();
    assert!(tokens.to_string().find(&api.token).is_none(), "the token is shown once, never listed");
    let tokens: Vec<Value> = tokens.as_array().unwrap().iter().filter(|t| t["name"] == "Billing system").cloned().collect();
    let id = tokens[0]["id"].as_i64().unwrap();
    let _: Value = admin.call("tokens/revoke", json!({ "id": id })).await.unwrap();
    let (status, body) = api.post(&invoice("a@example.com").to_string(), None).await;
    assert_eq!(status, 401);
    assert!(body["error"]["message"].as_str().unwrap().contains("revoked"));
}

#[tokio::test]
async fn a_retried_request_with_the_same_key_queues_one_mail() {
    let (app, _admin, smtp, api) = setup().await;
    let body = invoice("grace@example.com").to_string();
    let (first, a) = api.post(&body, Some("invoice-42-attempt")).await;
    let (second, b) = api.post(&body, Some("invoice-42-attempt")).await;
    assert_eq!((first, second), (202, 200));
    assert_eq!(a["id"], b["id"]);
    let (_, c) = api.post(&body, Some("invoice-43")).await;
    assert_ne!(a["id"], c["id"]);
    let id = c["id"].as_i64().unwrap();
    assert!(eventually(10, || async { api.status(id).await["status"] == "sent" }).await);
    let first = a["id"].as_i64().unwrap();
    assert!(eventually(10, || async { api.status(first).await["status"] == "sent" }).await);
    // Both queued mails are recorded as sent, and only two were queued: no third can follow.
    assert_eq!(app.count_sql("select count(*) from outbox").await, 2);
    assert_eq!(smtp.of_kind("message").len(), 2);
}

/// Mails that arrive together are stored together; a key used twice among them fails that
/// mail's insert alone, and every other mail is still stored, once, answered to its own
/// request, and sent as its own message (sealed under the id of its own row).
#[tokio::test]
async fn mails_sent_at_once_each_get_their_own_outcome() {
    let (app, _admin, smtp, api) = setup().await;
    let keys: Vec<String> = (0..40).map(|i| if i % 4 == 0 { "shared".to_owned() } else { format!("own-{i}") }).collect();
    let recipient = |key: &str| format!("{key}@example.com");
    let bodies: Vec<String> = keys.iter().map(|key| invoice(&recipient(key)).to_string()).collect();
    let answers = futures::future::join_all(keys.iter().zip(&bodies).map(|(key, body)| api.post(body, Some(key)))).await;
    let ids = |wanted: &dyn Fn(&str) -> bool| -> Vec<i64> {
        keys.iter().zip(&answers).filter(|(k, _)| wanted(k)).map(|(_, (_, a))| a["id"].as_i64().unwrap()).collect()
    };
    let shared = ids(&|k| k == "shared");
    assert!(shared.iter().all(|id| *id == shared[0]), "one mail for the shared key: {shared:?}");
    let mut own = ids(&|k| k != "shared");
    own.sort_unstable();
    own.dedup();
    assert_eq!(own.len(), 30, "every other key has its own mail");
    assert!(!own.contains(&shared[0]));
    let statuses: Vec<u16> = answers.iter().map(|(status, _)| *status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 202).count(), 31, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 9, "{statuses:?}");
    assert_eq!(app.count_sql("select count(*) from outbox").await, 31);
    for (key, (_, answer)) in keys.iter().zip(&answers) {
        assert_eq!(answer["recipient"], recipient(key), "the answer to {key}'s request is its own mail");
    }
    assert!(eventually(20, || async { smtp.of_kind("message").len() == 31 }).await, "every stored mail is sent");
    for message in smtp.of_kind("message") {
        let to = message["rcpt_tos"][0].as_str().unwrap().to_owned();
        assert_eq!(message["headers"]["To"], format!("Grace Hopper <{to}>"), "the message sealed for {to}'s row");
    }
}

#[tokio::test]
async fn the_template_from_overrides_the_settings_each_part_alone() {
    let (_app, admin, smtp, api) = setup().await;
    let templates: Value = admin.call("templates/list", json!({})).await.unwrap();
    let id = templates.as_array().unwrap().iter().find(|t| t["name"] == "Invoice").unwrap()["id"].as_i64().unwrap();
    let cases = [
        ("", "", "Billing <billing@example.com>"),
        ("Accounts", "", "Accounts <billing@example.com>"),
        ("", "ar@example.com", "Billing <ar@example.com>"),
        ("Accounts", "ar@example.com", "Accounts <ar@example.com>"),
    ];
    for (i, (from_name, from_email, expected)) in cases.iter().enumerate() {
        let view: Value = admin.call("templates/get", json!({ "id": id })).await.unwrap();
        let mut form = view["form"].clone();
        form["from_name"] = json!(from_name);
        form["from_email"] = json!(from_email);
        let _: Value = admin
            .call("templates/save", json!({ "input": { "id": id, "version": view["version"], "form": form } }))
            .await
            .unwrap();
        let (_, queued) = api.post(&invoice(&format!("case{i}@example.com")).to_string(), None).await;
        let mail = queued["id"].as_i64().unwrap();
        assert!(eventually(10, || async { api.status(mail).await["status"] == "sent" }).await);
        let got = smtp.of_kind("message").into_iter().find(|m| m["rcpt_tos"][0] == format!("case{i}@example.com")).unwrap();
        assert_eq!(got["headers"]["From"], *expected, "template From name “{from_name}”, address “{from_email}”");
        assert_eq!(got["mail_from"], expected.split('<').nth(1).unwrap().trim_end_matches('>'));
    }
}

/// An invoice carrying one attachment of `size` bytes of varied content.
fn with_attachment(to: &str, size: usize) -> (String, String) {
    use base64::Engine;
    use sha2::Digest;
    let bytes: Vec<u8> = (0..size).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let mut body = invoice(to);
    body["attachments"] = json!([{
        "filename": "statement.pdf",
        "content_type": "application/pdf",
        "content_base64": base64::engine::general_purpose::STANDARD.encode(&bytes),
    }]);
    (body.to_string(), format!("{:x}", sha2::Sha256::digest(&bytes)))
}

#[tokio::test]
async fn attachments_up_to_ten_mib_arrive_intact() {
    let (_app, _admin, smtp, api) = setup().await;
    for (to, size) in [("three@example.com", 3 * 1024 * 1024), ("nearly-ten@example.com", 99 * 1024 * 1024 / 10)] {
        let (body, checksum) = with_attachment(to, size);
        let (status, queued) = api.post(&body, None).await;
        assert_eq!(status, 202, "{size} bytes: {queued}");
        let id = queued["id"].as_i64().unwrap();
        assert!(eventually(30, || async { api.status(id).await["status"] == "sent" }).await, "{size} bytes sent");
        let got = smtp.of_kind("message").into_iter().find(|m| m["rcpt_tos"][0] == to).unwrap();
        assert_eq!(got["attachments"][0]["size"], size);
        assert_eq!(got["attachments"][0]["sha256"], checksum, "{size} bytes arrive unchanged");
    }
}

#[tokio::test]
async fn oversized_requests_get_the_apis_own_413() {
    let (_app, _admin, _smtp, api) = setup().await;
    let (body, _) = with_attachment("big@example.com", 12 * 1024 * 1024);
    assert!(body.len() > 15 * 1024 * 1024);
    let (status, answer) = api.post(&body, None).await;
    assert_eq!(status, 413);
    assert!(answer["error"]["message"].as_str().unwrap().contains("over 15 MiB"), "{answer}");
    let (body, _) = with_attachment("big@example.com", 10 * 1024 * 1024 + 1);
    assert!(body.len() < 15 * 1024 * 1024);
    let (status, answer) = api.post(&body, None).await;
    assert_eq!((status, &answer["error"]["field"]), (413, &json!("attachments")), "{answer}");
}

#[tokio::test]
async fn account_mail_cannot_be_sent_through_the_api() {
    let (_app, _admin, _smtp, api) = setup().await;
    let reset = json!({ "template": "Password reset", "to": "victim@example.com",
                        "variables": { "user": { "name": "V" }, "reset_link": "https://evil.example/reset" } });
    let (status, answer) = api.post(&reset.to_string(), None).await;
    assert_eq!((status, &answer["error"]["field"]), (422, &json!("template")), "{answer}");
    let mut smuggled = invoice("victim@example.com");
    smuggled["variables"]["reset_link"] = json!("https://evil.example/reset");
    let (status, answer) = api.post(&smuggled.to_string(), None).await;
    assert_eq!((status, &answer["error"]["field"]), (422, &json!("variables.reset_link")), "{answer}");
}
