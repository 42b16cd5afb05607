//! Email templates as typed: the form rules and the placeholder check never panic, and a
//! template that passes both renders with the sample data the preview uses.
#![no_main]

use app::domain::{sample_variables, PlaceholderRule, TemplateForm};
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mailroom::mail::render::{check, render, Sources};

#[derive(Arbitrary, Debug)]
struct Input {
    name: String,
    subject: String,
    text_body: String,
    html_body: String,
    from_name: String,
    from_email: String,
}

fuzz_target!(|input: Input| {
    let form = TemplateForm {
        name: input.name,
        subject: input.subject,
        text_body: input.text_body,
        html_body: input.html_body,
        from_name: input.from_name,
        from_email: input.from_email,
        settings_id: None,
    };
    let form_errors = form.check();
    let sources = Sources { subject: &form.subject, text: &form.text_body, html: &form.html_body };
    let template_errors = check(&sources, PlaceholderRule::Application);
    if !form_errors.is_empty() || !template_errors.is_empty() {
        return;
    }
    // Runtime errors (dividing by zero, a filter on the wrong type) are allowed; a panic is not.
    if let Ok(rendered) = render(&sources, &sample_variables()) {
        assert!(!rendered.subject.chars().any(char::is_control), "{:?}", rendered.subject);
        assert_eq!(rendered.html.is_some(), !form.html_body.trim().is_empty());
    }
});
