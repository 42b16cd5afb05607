//! Application mail as the API queues it: the built-in Invoice template rendered with any
//! variable values, any recipient name, From overrides and an attachment. Whatever the host
//! application sends, the message is built and no value can add, repeat or break a header.
#![no_main]

mod headers;

use app::domain::{EmailAddress, FromName};
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mailroom::mail::compose::{compose, filename_ok, sender, Attachment};
use mailroom::mail::render::{render, Sources};
use serde_json::json;

#[derive(Arbitrary, Debug)]
struct Input {
    contact: String,
    company: String,
    number: String,
    amount: String,
    due_date: String,
    url: String,
    to_name: String,
    to: String,
    template_from_name: String,
    template_from_email: String,
    settings_from_name: String,
    settings_email: String,
    filename: String,
    content_type: String,
    bytes: Vec<u8>,
    html: bool,
}

const SUBJECT: &str = "Invoice {{ invoice.number }} from {{ company.name }}";
const TEXT: &str = "Dear {{ contact.name }},\n\nInvoice {{ invoice.number }} for {{ invoice.amount }} is due on \
                    {{ invoice.due_date }}: {{ invoice.url }}\n\n{{ company.name }}\n";
const HTML: &str = "<p>Dear {{ contact.name }},</p><p><a href=\"{{ invoice.url }}\">Invoice {{ invoice.number }}</a></p>";

fuzz_target!(|input: Input| {
    let vars = json!({
        "contact": { "name": input.contact },
        "company": { "name": input.company },
        "invoice": { "number": input.number, "amount": input.amount, "due_date": input.due_date, "url": input.url },
    });
    let sources = Sources { subject: SUBJECT, text: TEXT, html: if input.html { HTML } else { "" } };
    let rendered = render(&sources, &vars).expect("every placeholder has a value");
    assert!(!rendered.subject.chars().any(char::is_control), "{:?}", rendered.subject);
    if let Some(html) = &rendered.html {
        // The template's own tags are the only markup: every "<" from a value is escaped.
        let values_only = ["<p>", "</p>", "<a href=", "</a>"].iter().fold(html.clone(), |h, tag| h.replace(tag, ""));
        assert!(!values_only.contains('<'), "a value's markup reached the HTML: {html}");
    }

    // The fields as the panel and the API accept them; anything else is refused before this point.
    let (Ok(to), Ok(to_name)) = (EmailAddress::parse(&input.to), FromName::parse(&input.to_name)) else { return };
    let (Ok(template_name), Ok(settings_name)) =
        (FromName::parse(&input.template_from_name), FromName::parse(&input.settings_from_name))
    else {
        return;
    };
    let Ok(settings_email) = EmailAddress::parse(&input.settings_email) else { return };
    let template_email = if input.template_from_email.trim().is_empty() {
        String::new()
    } else {
        match EmailAddress::parse(&input.template_from_email) {
            Ok(email) => email.as_str().to_owned(),
            Err(_) => return,
        }
    };
    let mut attachments = Vec::new();
    if filename_ok(&input.filename) && lettre::message::header::ContentType::parse(&input.content_type).is_ok() {
        attachments.push(Attachment { filename: input.filename, content_type: input.content_type, bytes: input.bytes });
    }
    let from = sender(template_name.as_str(), &template_email, settings_name.as_str(), settings_email.as_str());
    let composed = compose(from, (to_name.as_str(), to.as_str()), &rendered, &attachments)
        .unwrap_or_else(|e| panic!("accepted fields must build a message: {e}"));
    headers::check(&composed.bytes);
    assert_eq!(composed.envelope_from, from.1);
});
