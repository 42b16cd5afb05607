//! The test email itself. lettre builds it, so every header is encoded properly and no field
//! can add a header of its own.

use lettre::message::{header::ContentType, Mailbox};
use lettre::{Address, Message};
use std::time::SystemTime;

pub struct TestMessage {
    pub bytes: Vec<u8>,
    pub from: Address,
    pub to: Address,
}

pub struct About<'a> {
    pub settings_name: &'a str,
    pub host: &'a str,
    pub port: u16,
    pub from_name: &'a str,
    pub email: &'a str,
    pub recipient: &'a str,
    pub requested_by: &'a str,
}

pub fn build(about: &About<'_>, now: SystemTime) -> Result<TestMessage, String> {
    // The domain types already refuse control characters; lettre would panic on them.
    for (what, value) in [("Name", about.settings_name), ("From", about.from_name), ("Server Host Name", about.host)] {
        if value.chars().any(char::is_control) {
            return Err(format!("{what} contains a line break or another control character"));
        }
    }
    let from: Address = about.email.parse().map_err(|e| format!("Email Address “{}”: {e}", about.email))?;
    let to: Address = about.recipient.parse().map_err(|e| format!("recipient “{}”: {e}", about.recipient))?;
    let name = Some(about.from_name.to_owned()).filter(|n| !n.is_empty());
    let when = httpdate::fmt_http_date(now);
    let body = format!(
        "This is a test email from Mailroom.\r\n\r\n\
         It was sent through the SMTP settings “{}” ({}, port {}) on {when}, at the request of {}.\r\n\r\n\
         If you can read this, these settings deliver mail.\r\n",
        about.settings_name, about.host, about.port, about.requested_by
    );
    let message = Message::builder()
        .from(Mailbox::new(name, from.clone()))
        .to(Mailbox::new(None, to.clone()))
        .subject(format!("Mailroom test email: “{}”", about.settings_name))
        .date(now)
        .message_id(None)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| e.to_string())?;
    Ok(TestMessage { bytes: message.formatted(), from, to })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn about<'a>(from_name: &'a str, name: &'a str) -> About<'a> {
        About {
            settings_name: name,
            host: "smtp.example.com",
            port: 587,
            from_name,
            email: "billing@example.com",
            recipient: "ada@example.com",
            requested_by: "Ada (ada@example.com)",
        }
    }

    fn headers(bytes: &[u8]) -> String {
        let text = String::from_utf8_lossy(bytes);
        text.split("\r\n\r\n").next().unwrap().to_owned()
    }

    #[test]
    fn has_from_to_subject_date_and_message_id() {
        let m = build(&about("Billing", "Relay"), SystemTime::now()).unwrap();
        let h = headers(&m.bytes);
        for name in ["From: Billing <billing@example.com>", "To: ada@example.com", "Subject: ", "Date: ", "Message-ID: <"] {
            assert!(h.contains(name), "{name} missing in\n{h}");
        }
    }

    #[test]
    fn no_field_can_add_a_header() {
        assert!(build(&about("Billing\r\nBcc: victim@example.com", "Relay"), SystemTime::now()).is_err());
        assert!(build(&about("Billing", "Relay\r\nX-Evil: 1"), SystemTime::now()).is_err());
        let m = build(&about("Billing: <Bcc: victim@example.com>", "Relay; X-Evil: 1"), SystemTime::now()).unwrap();
        let h = headers(&m.bytes);
        assert!(!h.lines().any(|l| l.starts_with("Bcc:") || l.starts_with("X-Evil:")), "{h}");
        assert!(h.lines().filter(|l| l.starts_with("From:")).count() == 1, "{h}");
    }
}
