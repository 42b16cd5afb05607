//! An email template as typed: the rules the browser checks while typing and the server checks
//! again. Placeholder syntax and names are checked on the server, where templates are rendered.

use super::{EmailAddress, FieldErrors, FromName, SettingsId, TemplateField};
use serde::{Deserialize, Serialize};

/// The placeholders a template may use, with what they mean and the sample the preview shows.
pub const PLACEHOLDERS: &[(&str, &str, &str)] = &[
    ("user.name", "The recipient's name", "Ada Lovelace"),
    ("user.email", "The recipient's email address", "ada@example.com"),
    ("reset_link", "The link that lets a user choose a new password", "https://mailroom.example.com/reset-password?token=sample"),
    ("reset_expires_minutes", "How long the reset link works", "60"),
    ("contact.name", "The billing contact's name", "Grace Hopper"),
    ("invoice.number", "The invoice number", "INV-2026-0042"),
    ("invoice.amount", "The amount due, formatted", "€1,250.00"),
    ("invoice.due_date", "The due date, formatted", "15 December 2026"),
    ("invoice.url", "A link to the invoice", "https://billing.example.com/invoices/42"),
    ("company.name", "Your company's name", "Example Ltd"),
    (
        "invite_link",
        "The link that lets an invited person choose their password",
        "https://mailroom.example.com/reset-password?token=sample",
    ),
    ("invite_expires_days", "How many days the invitation link works", "3"),
    ("invited_by", "The administrator who sent the invitation", "Grace Hopper"),
];

/// The placeholders Mailroom fills itself when it sends account mail; no caller may supply them.
pub const SYSTEM_VARIABLES: &[&str] =
    &["reset_link", "reset_expires_minutes", "invite_link", "invite_expires_days", "invited_by"];

/// The built-in account mails Mailroom sends itself, by their built-in key, and everything it
/// fills in each.
pub const PASSWORD_RESET_KEY: &str = "password-reset";
pub const INVITATION_KEY: &str = "invitation";
const ACCOUNT_MAIL: &[(&str, &[&str])] = &[
    (PASSWORD_RESET_KEY, &["user.name", "user.email", "reset_link", "reset_expires_minutes"]),
    (INVITATION_KEY, &["user.name", "user.email", "invite_link", "invite_expires_days", "invited_by"]),
];

/// Which placeholders a template may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaceholderRule {
    /// Account mail, which Mailroom sends itself: only what it fills in that mail.
    Account(&'static [&'static str]),
    /// Mail the application queues: any name the caller supplies, except Mailroom's own
    /// `SYSTEM_VARIABLES`, which no caller may supply.
    Application,
}

impl PlaceholderRule {
    /// The rule for a template with this built-in key (None: one the administrator added).
    pub fn of(builtin_key: Option<&str>) -> Self {
        ACCOUNT_MAIL
            .iter()
            .find(|(key, _)| Some(*key) == builtin_key)
            .map_or(Self::Application, |(_, fills)| Self::Account(fills))
    }

    /// Account mail: only Mailroom sends it.
    pub fn is_account(self) -> bool {
        matches!(self, Self::Account(_))
    }

    /// Why `path` cannot be used under this rule, or None if it can. `field` names where.
    pub fn refusal(self, field: &str, path: &str) -> Option<String> {
        let listed = |paths: &[&str]| paths.iter().map(|p| format!("{{{{ {p} }}}}")).collect::<Vec<_>>().join(", ");
        match self {
            Self::Account(fills) if !fills.contains(&path) => Some(format!(
                "{field} uses unknown placeholder {{{{ {path} }}}}: Mailroom fills only {} in this mail.",
                listed(fills)
            )),
            Self::Application if SYSTEM_VARIABLES.contains(&path) => Some(format!(
                "{field} uses {{{{ {path} }}}}, which only Mailroom's own account mail has; the application cannot supply it."
            )),
            _ => None,
        }
    }

    /// The placeholders the panel lists as available.
    pub fn listed(self) -> Vec<(&'static str, &'static str)> {
        PLACEHOLDERS
            .iter()
            .filter(|(path, _, _)| match self {
                Self::Account(fills) => fills.contains(path),
                Self::Application => !SYSTEM_VARIABLES.contains(path),
            })
            .map(|(path, what, _)| (*path, *what))
            .collect()
    }
}

/// What a placeholder means, for the ones Mailroom knows.
pub fn described(path: &str) -> Option<&'static str> {
    PLACEHOLDERS.iter().find(|(p, _, _)| *p == path).map(|(_, what, _)| *what)
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateForm {
    pub name: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub from_name: String,
    pub from_email: String,
    /// None: send through the default SMTP settings.
    pub settings_id: Option<SettingsId>,
}

fn limit(errors: &mut FieldErrors, field: TemplateField, value: &str, max: usize, required: bool) {
    let len = value.chars().count();
    let label = field.label();
    if required && value.trim().is_empty() {
        errors.push(field, format!("{label} is required."));
    } else if len > max {
        errors.push(field, format!("{label} is {len} characters long; the limit is {max}."));
    }
}

impl TemplateForm {
    /// The messages for every field, in form order; empty when the template may be saved.
    pub fn check(&self) -> FieldErrors {
        use TemplateField as T;
        let mut errors = FieldErrors::default();
        limit(&mut errors, T::Name, self.name.trim(), 100, true);
        if self.name.chars().any(char::is_control) {
            errors.push(T::Name, "Name contains a line break or other control character; remove it.");
        }
        limit(&mut errors, T::Subject, &self.subject, 300, true);
        if self.subject.contains(['\r', '\n']) {
            errors.push(T::Subject, "Subject must be one line; remove the line break.");
        }
        limit(&mut errors, T::TextBody, &self.text_body, 100_000, true);
        limit(&mut errors, T::HtmlBody, &self.html_body, 200_000, false);
        // Line breaks and tabs belong in a body; a NUL belongs nowhere (and PostgreSQL text
        // cannot hold one).
        for (field, value) in [(T::Subject, &self.subject), (T::TextBody, &self.text_body), (T::HtmlBody, &self.html_body)] {
            if value.contains('\0') {
                errors.push(field, format!("{} contains a NUL character; remove it.", field.label()));
            }
        }
        if let Err(error) = FromName::parse_as(&self.from_name, T::FromName.label()) {
            errors.push(T::FromName, error);
        }
        if !self.from_email.trim().is_empty() {
            if let Err(error) = EmailAddress::parse_as(&self.from_email, T::FromEmail.label()) {
                errors.push(T::FromEmail, error);
            }
        }
        errors
    }

    pub fn is_required(field: TemplateField) -> bool {
        TemplateForm::default().check().get(field).is_some()
    }
}

/// The sample data the preview renders with, as nested JSON ("user.name" → {"user": {"name"}}).
pub fn sample_variables() -> serde_json::Value {
    sample_for(PLACEHOLDERS.iter().map(|(path, _, _)| *path))
}

/// Sample data for exactly these placeholders: the known ones' samples, "[name]" for others.
pub fn sample_for<'a>(paths: impl IntoIterator<Item = &'a str>) -> serde_json::Value {
    let mut root = serde_json::Map::new();
    for path in paths {
        let sample =
            PLACEHOLDERS.iter().find(|(p, _, _)| *p == path).map_or_else(|| format!("[{path}]"), |(_, _, s)| (*s).to_owned());
        insert_path(&mut root, path, serde_json::Value::String(sample));
    }
    serde_json::Value::Object(root)
}

fn insert_path(root: &mut serde_json::Map<String, serde_json::Value>, path: &str, value: serde_json::Value) {
    match path.split_once('.') {
        None => {
            root.insert(path.to_owned(), value);
        }
        Some((head, rest)) => {
            let entry = root.entry(head.to_owned()).or_insert_with(|| serde_json::Value::Object(Default::default()));
            if let serde_json::Value::Object(map) = entry {
                insert_path(map, rest, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> TemplateForm {
        TemplateForm {
            name: "Invoice".into(),
            subject: "Invoice {{ invoice.number }}".into(),
            text_body: "Hello".into(),
            ..Default::default()
        }
    }

    #[test]
    fn required_fields_follow_the_rules() {
        let required: Vec<_> = [
            TemplateField::Name,
            TemplateField::Subject,
            TemplateField::TextBody,
            TemplateField::HtmlBody,
            TemplateField::FromName,
            TemplateField::FromEmail,
        ]
        .into_iter()
        .filter(|f| TemplateForm::is_required(*f))
        .collect();
        assert_eq!(required, [TemplateField::Name, TemplateField::Subject, TemplateField::TextBody]);
    }

    #[test]
    fn a_nul_is_refused_in_the_subject_and_bodies_where_line_breaks_are_fine() {
        let ok = TemplateForm { text_body: "Hello\n\tthere".into(), html_body: "<p>\n</p>".into(), ..form() };
        assert!(ok.check().is_empty());
        let bad = TemplateForm { subject: "A\0".into(), text_body: "B\0".into(), html_body: "\0".into(), ..form() };
        let errors = bad.check();
        for field in [TemplateField::Subject, TemplateField::TextBody, TemplateField::HtmlBody] {
            assert_eq!(errors.get(field).unwrap(), format!("{} contains a NUL character; remove it.", field.label()));
        }
    }

    #[test]
    fn optional_from_fields_are_checked_when_given() {
        assert!(form().check().is_empty());
        let bad = TemplateForm { from_email: "billing.example.com".into(), from_name: "A\nB".into(), ..form() };
        let errors = bad.check();
        assert!(errors.get(TemplateField::FromEmail).unwrap().starts_with("From email address is not a valid address"));
        assert!(errors.get(TemplateField::FromName).unwrap().starts_with("From name contains"));
        assert!(TemplateForm { subject: "a\r\nBcc: x".into(), ..form() }.check().get(TemplateField::Subject).is_some());
    }

    #[test]
    fn account_mail_uses_only_what_mailroom_fills_and_application_mail_anything_else() {
        let reset = PlaceholderRule::of(Some(PASSWORD_RESET_KEY));
        assert_eq!(reset.refusal(TemplateField::Subject.label(), "reset_link"), None);
        let unknown = reset.refusal(TemplateField::Subject.label(), "invoice.number").unwrap();
        assert!(unknown.starts_with("Subject uses unknown placeholder {{ invoice.number }}"), "{unknown}");
        assert!(reset.refusal(TemplateField::TextBody.label(), "invite_link").is_some(), "the reset mail has no invitation link");
        let invitation = PlaceholderRule::of(Some(INVITATION_KEY));
        assert_eq!(invitation.refusal(TemplateField::TextBody.label(), "invite_link"), None);
        assert!(invitation.refusal(TemplateField::TextBody.label(), "reset_link").is_some());
        let application = PlaceholderRule::of(Some("invoice"));
        assert_eq!(application, PlaceholderRule::of(None));
        assert_eq!(application.refusal(TemplateField::TextBody.label(), "order.tracking_code"), None);
        for own in SYSTEM_VARIABLES {
            assert!(
                application
                    .refusal(TemplateField::TextBody.label(), own)
                    .unwrap()
                    .contains("only Mailroom's own account mail has"),
                "{own}"
            );
        }
        assert!(!application.listed().iter().any(|(p, _)| SYSTEM_VARIABLES.contains(p)), "no reset_link on Invoice");
        assert_eq!((reset.listed().len(), invitation.listed().len()), (4, 5));
    }

    #[test]
    fn samples_cover_exactly_the_placeholders_asked_for() {
        let v = sample_for(["contact.name", "order.id"]);
        assert_eq!(v, serde_json::json!({ "contact": { "name": "Grace Hopper" }, "order": { "id": "[order.id]" } }));
    }

    #[test]
    fn sample_variables_nest_by_dots() {
        let v = sample_variables();
        assert_eq!(v["user"]["name"], "Ada Lovelace");
        assert_eq!(v["reset_link"], "https://mailroom.example.com/reset-password?token=sample");
        assert_eq!(v["invoice"]["number"], "INV-2026-0042");
    }
}
