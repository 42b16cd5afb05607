//! Turning a rendered template into the message that is queued: who it is from (the
//! template's From name and address override the settings', each on its own, as the help page
//! says), plain text with an optional HTML alternative, and attachments.

use super::render::Rendered;
use lettre::message::header::ContentType;
use lettre::message::{Attachment as Part, Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};

/// The From of a message: each part comes from the template when it sets it.
pub fn sender<'a>(
    template_name: &'a str,
    template_email: &'a str,
    settings_name: &'a str,
    settings_email: &'a str,
) -> (&'a str, &'a str) {
    let pick = |template: &'a str, settings: &'a str| if template.trim().is_empty() { settings } else { template };
    (pick(template_name, settings_name), pick(template_email, settings_email))
}

/// `message` with its From header (and the envelope sender) changed to `from`, for a mail
/// resent through other settings. The rest of the message is left byte for byte.
pub fn with_from(message: &[u8], from: (&str, &str)) -> Result<(Vec<u8>, String), String> {
    let address = address(from.1, "The sender address")?;
    let line = Message::builder()
        .from(Mailbox::new(name(from.0), address.clone()))
        .to(address.clone().into())
        .body(String::new())
        .map_err(|e| e.to_string())?
        .formatted();
    let new = header_block(&line, b"From: ").ok_or("could not format the From header")?;
    let end = find(message, b"\r\n\r\n").ok_or("the queued message has no header section")?;
    let old = header_block(&message[..end + 2], b"From: ").ok_or("the queued message has no From header")?;
    let start = old.as_ptr() as usize - message.as_ptr() as usize;
    let mut out = Vec::with_capacity(message.len() + new.len());
    out.extend_from_slice(&message[..start]);
    out.extend_from_slice(new);
    out.extend_from_slice(&message[start + old.len()..]);
    Ok((out, address.to_string()))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The header named by `prefix` at the start of a line, with its folded continuation lines and
/// the final CRLF.
fn header_block<'a>(headers: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let mut at = 0;
    while at < headers.len() {
        let line_end = find(&headers[at..], b"\r\n").map_or(headers.len(), |i| at + i + 2);
        if headers[at..].starts_with(prefix) {
            let mut end = line_end;
            while end < headers.len() && matches!(headers[end], b' ' | b'\t') {
                end = find(&headers[end..], b"\r\n").map_or(headers.len(), |i| end + i + 2);
            }
            return Some(&headers[at..end]);
        }
        at = line_end;
    }
    None
}

/// An attachment's file name: 1 to 200 bytes, no path separator, no control character.
pub fn filename_ok(name: &str) -> bool {
    !name.is_empty() && name.len() <= 200 && !name.contains(['/', '\\']) && !name.chars().any(char::is_control)
}

pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

pub struct Composed {
    pub bytes: Vec<u8>,
    pub envelope_from: String,
}

fn address(text: &str, what: &str) -> Result<Address, String> {
    text.parse().map_err(|e| format!("{what} “{text}” cannot be used: {e}"))
}

fn name(text: &str) -> Option<String> {
    let cleaned: String = text.chars().filter(|c| !c.is_control()).collect();
    Some(cleaned.trim().to_owned()).filter(|n| !n.is_empty())
}

pub fn compose(
    from: (&str, &str),
    to: (&str, &str),
    rendered: &Rendered,
    attachments: &[Attachment],
) -> Result<Composed, String> {
    let from_address = address(from.1, "The sender address")?;
    let to_address = address(to.1, "The recipient address")?;
    let files = attachments
        .iter()
        .map(|a| {
            let kind = ContentType::parse(&a.content_type).map_err(|_| format!("“{}” is not a content type", a.content_type))?;
            Ok(Part::new(a.filename.clone()).body(a.bytes.clone(), kind))
        })
        .collect::<Result<Vec<SinglePart>, String>>()?;
    let headers = Message::builder()
        .from(Mailbox::new(name(from.0), from_address.clone()))
        .to(Mailbox::new(name(to.0), to_address))
        .subject(rendered.subject.clone())
        .date_now()
        .message_id(None);
    // As plain as the content allows: text alone is one part; HTML makes it alternative;
    // attachments wrap either in mixed.
    let text = SinglePart::plain(rendered.text.clone());
    let message = match (&rendered.html, files.is_empty()) {
        (None, true) => headers.singlepart(text),
        (Some(html), true) => headers.multipart(MultiPart::alternative_plain_html(rendered.text.clone(), html.clone())),
        (html, false) => {
            let mixed = match html {
                Some(html) => {
                    MultiPart::mixed().multipart(MultiPart::alternative_plain_html(rendered.text.clone(), html.clone()))
                }
                None => MultiPart::mixed().singlepart(text),
            };
            headers.multipart(files.into_iter().fold(mixed, MultiPart::singlepart))
        }
    }
    .map_err(|e| e.to_string())?;
    Ok(Composed { bytes: message.formatted(), envelope_from: from_address.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_overrides_name_and_address_each_on_its_own() {
        assert_eq!(sender("", "", "Billing", "billing@example.com"), ("Billing", "billing@example.com"));
        assert_eq!(sender("Invoices", "", "Billing", "billing@example.com"), ("Invoices", "billing@example.com"));
        assert_eq!(sender("", "ar@example.com", "Billing", "billing@example.com"), ("Billing", "ar@example.com"));
        assert_eq!(sender("Invoices", "ar@example.com", "Billing", "billing@example.com"), ("Invoices", "ar@example.com"));
    }

    #[test]
    fn a_resend_changes_only_the_from_header() {
        let rendered = Rendered { subject: "Invoice".into(), text: "Hi".into(), html: None };
        let composed = compose(("Billing", "billing@example.com"), ("", "ada@example.com"), &rendered, &[]).unwrap();
        let (moved, envelope) = with_from(&composed.bytes, ("Acme Billing Relay", "noreply@acme.example")).unwrap();
        let text = String::from_utf8(moved).unwrap();
        assert!(
            text.contains("From: \"Acme Billing Relay\" <noreply@acme.example>\r\n")
                || text.contains("From: Acme Billing Relay <noreply@acme.example>\r\n"),
            "{text}"
        );
        assert!(!text.contains("billing@example.com"));
        assert_eq!(envelope, "noreply@acme.example");
        let before = String::from_utf8(composed.bytes).unwrap();
        let strip = |t: &str| t.lines().filter(|l| !l.starts_with("From: ")).collect::<Vec<_>>().join("\n");
        assert_eq!(strip(&text), strip(&before), "nothing else changes");
    }

    #[test]
    fn text_alone_is_one_part() {
        let rendered = Rendered { subject: "Shipped".into(), text: "On its way".into(), html: None };
        let composed = compose(("Billing", "billing@example.com"), ("", "ada@example.com"), &rendered, &[]).unwrap();
        let text = String::from_utf8_lossy(&composed.bytes);
        assert!(text.contains("Content-Type: text/plain") && !text.contains("multipart"), "{text}");
        let pdf = Attachment { filename: "a.pdf".into(), content_type: "application/pdf".into(), bytes: b"%PDF".to_vec() };
        let with_file = compose(("Billing", "billing@example.com"), ("", "ada@example.com"), &rendered, &[pdf]).unwrap();
        let text = String::from_utf8_lossy(&with_file.bytes);
        assert_eq!(text.matches("multipart/mixed").count(), 1, "{text}");
    }

    #[test]
    fn composes_alternatives_and_attachments() {
        let rendered =
            Rendered { subject: "Invoice 42".into(), text: "Please pay".into(), html: Some("<p>Please pay</p>".into()) };
        let pdf =
            Attachment { filename: "invoice-42.pdf".into(), content_type: "application/pdf".into(), bytes: b"%PDF-1.4".to_vec() };
        let composed = compose(("Billing", "billing@example.com"), ("Grace", "grace@example.com"), &rendered, &[pdf]).unwrap();
        let text = String::from_utf8_lossy(&composed.bytes);
        assert!(text.contains("From: Billing <billing@example.com>"));
        assert!(text.contains("To: Grace <grace@example.com>"));
        assert!(text.contains("multipart/alternative") && text.contains("text/html"));
        assert!(text.contains("filename=\"invoice-42.pdf\""));
        assert_eq!(composed.envelope_from, "billing@example.com");
    }
}
