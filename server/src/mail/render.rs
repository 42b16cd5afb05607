//! Templates rendered by minijinja: placeholders like `{{ user.name }}`, HTML-escaped in the
//! HTML body. Account mail may use only what Mailroom fills, application mail any name but
//! Mailroom's own (a save-time error otherwise); one the data lacks is a send-time error naming it.

use app::domain::{FieldErrors, PlaceholderRule, TemplateField};
use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, Template, UndefinedBehavior};
use std::collections::BTreeSet;

/// The parts a template renders.
pub struct Sources<'a> {
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RenderError {
    #[error("the template needs {}", .0.join(", "))]
    Missing(Vec<String>),
    #[error("the template could not be rendered: {0}")]
    Failed(String),
}

/// The placeholders that carry a credential, which must stay out of the Subject: the Delivery
/// log, its details and the audit log show subjects as they are.
const SECRETS: &[&str] = &["reset_link", "invite_link"];

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|name| if name == "html" { AutoEscape::Html } else { AutoEscape::None });
    env
}

fn parts<'a>(sources: &Sources<'a>) -> [(TemplateField, &'static str, &'a str); 3] {
    [
        (TemplateField::Subject, "subject", sources.subject),
        (TemplateField::TextBody, "text", sources.text),
        (TemplateField::HtmlBody, "html", sources.html),
    ]
}

/// Placeholders a template cannot work without: the text body must use each, and so must the
/// HTML body when there is one (the message carries both, and a reader sees either).
pub fn check_required(sources: &Sources<'_>, required: &[&str]) -> FieldErrors {
    let env = environment();
    let mut errors = FieldErrors::default();
    for (field, name, source) in parts(sources) {
        if field == TemplateField::Subject || (field == TemplateField::HtmlBody && source.trim().is_empty()) {
            continue;
        }
        let Ok(template) = env.template_from_named_str(name, source) else { continue };
        let used = template.undeclared_variables(true);
        let missing: Vec<String> = required.iter().filter(|r| !used.contains(**r)).map(|r| format!("{{{{ {r} }}}}")).collect();
        if !missing.is_empty() {
            errors.push(
                field,
                format!("{} must include {}: Mailroom cannot send this mail without it.", field.label(), missing.join(", ")),
            );
        }
    }
    errors
}

/// Syntax errors and placeholders the rule does not allow, under the field they are in.
pub fn check(sources: &Sources<'_>, rule: PlaceholderRule) -> FieldErrors {
    let env = environment();
    let mut errors = FieldErrors::default();
    for (field, name, source) in parts(sources) {
        match env.template_from_named_str(name, source) {
            Err(e) => {
                let line = e.line().map(|l| format!(" on line {l}")).unwrap_or_default();
                errors.push(
                    field,
                    format!("{} has a template error{line}: {}.", field.label(), e.detail().unwrap_or("invalid syntax")),
                );
            }
            Ok(template) => {
                let used: BTreeSet<String> = template.undeclared_variables(true).into_iter().collect();
                if let Some(refusal) = used.iter().find_map(|path| rule.refusal(field.label(), path)) {
                    errors.push(field, refusal);
                } else if let Some(secret) = SECRETS.iter().find(|s| field == TemplateField::Subject && used.contains(**s)) {
                    errors.push(field, format!("{{{{ {secret} }}}} is a credential; put it in the body, not the Subject, which the delivery log shows."));
                }
            }
        }
    }
    errors
}

/// The placeholders a template uses.
pub fn needed(sources: &Sources<'_>) -> BTreeSet<String> {
    let env = environment();
    used(&parts(sources).map(|(_, name, source)| env.template_from_named_str(name, source)))
}

/// The placeholders the parts that parse use (a part that does not parse has its own error).
fn used(parsed: &[Result<Template<'_, '_>, minijinja::Error>]) -> BTreeSet<String> {
    parsed.iter().flatten().flat_map(|t| t.undeclared_variables(true)).collect()
}

fn present(vars: &serde_json::Value, path: &str) -> bool {
    path.split('.').try_fold(vars, |v, key| v.get(key)).is_some_and(|v| !v.is_null())
}

/// Renders the three parts, each parsed once: the placeholders they use are checked against
/// `vars` first, so a mail lacking data names every path it lacks.
pub fn render(sources: &Sources<'_>, vars: &serde_json::Value) -> Result<Rendered, RenderError> {
    let env = environment();
    let parsed = parts(sources).map(|(_, name, source)| env.template_from_named_str(name, source));
    let missing: Vec<String> = used(&parsed).into_iter().filter(|path| !present(vars, path)).collect();
    if !missing.is_empty() {
        return Err(RenderError::Missing(missing));
    }
    let context = Value::from(Serde(vars));
    let run = |part: Result<Template<'_, '_>, minijinja::Error>| {
        part.and_then(|t| t.render(&context)).map_err(|e| RenderError::Failed(e.to_string()))
    };
    let [subject, text, html] = parsed;
    let subject = run(subject)?;
    let html = if sources.html.trim().is_empty() { None } else { Some(run(html)?) };
    Ok(Rendered {
        // A placeholder value with a line break must not break the header.
        subject: subject.chars().map(|c| if c.is_control() { ' ' } else { c }).collect(),
        text: run(text)?,
        html,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sources<'a>(subject: &'a str, text: &'a str, html: &'a str) -> Sources<'a> {
        Sources { subject, text, html }
    }

    #[test]
    fn placeholders_outside_the_rule_and_syntax_errors_are_field_errors() {
        let account = PlaceholderRule::of(Some(app::domain::template::PASSWORD_RESET_KEY));
        let errors = check(&sources("Reset {{ user.nmae }}", "Hi {{ user.name }", ""), account);
        assert!(errors.get(TemplateField::Subject).unwrap().contains("unknown placeholder {{ user.nmae }}"), "{errors:?}");
        assert!(errors.get(TemplateField::TextBody).unwrap().contains("template error"), "{errors:?}");
        let application = PlaceholderRule::Application;
        assert!(check(&sources("Order {{ order.id }}", "Hi {{ customer.first_name }}", "<p>{{ invoice.url }}</p>"), application)
            .is_empty());
        let system = check(&sources("Invoice", "Reset: {{ reset_link }}", ""), application);
        assert!(system.get(TemplateField::TextBody).unwrap().contains("only Mailroom's own account mail has"), "{system:?}");
        assert!(check(&sources("Reset via {{ reset_link }}", "x", ""), account)
            .get(TemplateField::Subject)
            .unwrap()
            .contains("credential"));
        let invitation = PlaceholderRule::of(Some(app::domain::template::INVITATION_KEY));
        let subject = check(&sources("Join: {{ invite_link }}", "{{ invite_link }}", ""), invitation);
        assert!(subject.get(TemplateField::Subject).unwrap().starts_with("{{ invite_link }} is a credential"), "{subject:?}");
    }

    #[test]
    fn html_is_escaped_and_text_is_not() {
        let vars = json!({ "user": { "name": "<b>Ada & Co</b>" } });
        let out = render(&sources("Hi {{ user.name }}", "Hi {{ user.name }}", "<p>Hi {{ user.name }}</p>"), &vars).unwrap();
        assert_eq!(out.text, "Hi <b>Ada & Co</b>");
        assert_eq!(out.html.unwrap(), "<p>Hi &lt;b&gt;Ada &amp; Co&lt;&#x2f;b&gt;</p>");
    }

    #[test]
    fn missing_data_is_named() {
        let err = render(&sources("{{ invoice.number }}", "{{ contact.name }}", ""), &json!({ "invoice": {} })).unwrap_err();
        assert_eq!(err, RenderError::Missing(vec!["contact.name".into(), "invoice.number".into()]));
    }

    #[test]
    fn a_line_break_in_data_cannot_reach_the_subject_header() {
        let out = render(&sources("Hi {{ user.name }}", "x", ""), &json!({ "user": { "name": "Ada\r\nBcc: evil@example.com" } }))
            .unwrap();
        assert!(!out.subject.contains(['\r', '\n']));
    }
}
