//! Reading a queued message back for the Delivery log's details: its headers, its text and
//! HTML, and its attachments' names and sizes. A password-reset link is shown without its
//! token: whoever reads the log must not be able to set that person's password.

use app::api::delivery::AttachmentInfo;
use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders};
use std::borrow::Cow;

/// Where a password-reset link's token starts: `{public URL}/reset-password?token=…`.
pub const RESET_LINK_QUERY: &str = "/reset-password?token=";
/// Where the token starts in a reset link however it is written: HTML escapes the slashes.
const TOKEN_MARK: &str = "reset-password?token=";
/// What the log shows in place of a reset token.
const HIDDEN: &str = "(hidden)";

#[derive(Debug, Default, PartialEq, Eq)]
pub struct ReadMessage {
    pub headers: Vec<(String, String)>,
    pub text: Option<String>,
    pub html: Option<String>,
    pub attachments: Vec<AttachmentInfo>,
}

/// None if the bytes are not a message at all.
pub fn read(raw: &[u8]) -> Option<ReadMessage> {
    let message = MessageParser::default().parse(raw)?;
    let headers = message
        .headers()
        .iter()
        .map(|h| {
            let start = (h.offset_start() as usize).min(raw.len());
            let end = (h.offset_end() as usize).clamp(start, raw.len());
            let value = shown(h.value()).unwrap_or_else(|| unfold(&String::from_utf8_lossy(&raw[start..end])));
            (h.name().to_owned(), hide_reset_tokens(&value).into_owned())
        })
        .collect();
    let body = |part: Option<Cow<'_, str>>| part.map(|p| hide_reset_tokens(&p).into_owned());
    let attachments = message
        .attachments()
        .map(|part| AttachmentInfo {
            name: part.attachment_name().unwrap_or("(no name)").to_owned(),
            content_type: part.content_type().map_or_else(
                || "application/octet-stream".to_owned(),
                |t| t.subtype().map_or_else(|| t.ctype().to_owned(), |sub| format!("{}/{sub}", t.ctype())),
            ),
            size: part.len() as u64,
        })
        .collect();
    Some(ReadMessage { headers, text: body(message.body_text(0)), html: body(message.body_html(0)), attachments })
}

/// A header's decoded value as a person reads it, where the parser understood it.
fn shown(value: &HeaderValue<'_>) -> Option<String> {
    match value {
        HeaderValue::Text(text) => Some(text.to_string()),
        HeaderValue::TextList(list) => Some(list.join(", ")),
        HeaderValue::DateTime(at) => Some(at.to_rfc822()),
        HeaderValue::Address(address) => Some(addresses(address)),
        _ => None,
    }
}

fn addresses(address: &Address<'_>) -> String {
    address
        .iter()
        .map(|a| match (a.name(), a.address()) {
            (Some(name), Some(at)) => format!("{name} <{at}>"),
            (None, Some(at)) => at.to_owned(),
            (Some(name), None) => name.to_owned(),
            (None, None) => String::new(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A raw header value on one line.
fn unfold(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Replaces the token of every password-reset link in `text`.
pub fn hide_reset_tokens(text: &str) -> Cow<'_, str> {
    if !text.contains(TOKEN_MARK) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(TOKEN_MARK) {
        let after = at + TOKEN_MARK.len();
        out.push_str(&rest[..after]);
        out.push_str(HIDDEN);
        let token_len =
            rest[after..].find(|c: char| !(c.is_ascii_alphanumeric() || "-_.~%".contains(c))).unwrap_or(rest.len() - after);
        rest = &rest[after + token_len..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reset_tokens_are_hidden_wherever_the_link_appears() {
        let text = "Open https://mail.example/reset-password?token=Ab-9_x.Y within 60 minutes.\n\
                    <a href=\"https:&#x2f;&#x2f;mail.example&#x2f;reset-password?token=Ab-9_x.Y\">Reset</a>";
        let hidden = hide_reset_tokens(text);
        assert!(!hidden.contains("Ab-9_x.Y"), "{hidden}");
        assert_eq!(hidden.matches("reset-password?token=(hidden)").count(), 2);
        assert!(hidden.ends_with("\">Reset</a>") && hidden.contains(" within 60 minutes."));
        assert!(matches!(hide_reset_tokens("no link here"), Cow::Borrowed(_)));
    }

    proptest! {
        #[test]
        fn no_token_survives(prefix in ".{0,20}", token in "[A-Za-z0-9_-]{16,43}", suffix in "[ \"<>\n].{0,20}") {
            let text = format!("{prefix}https://x.example{RESET_LINK_QUERY}{token}{suffix}");
            let hidden = hide_reset_tokens(&text);
            let link = format!("{RESET_LINK_QUERY}{token}");
            prop_assert!(!hidden.contains(&link));
            prop_assert!(hidden.ends_with(&suffix));
        }
    }
}
