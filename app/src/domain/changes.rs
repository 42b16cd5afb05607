//! What differs between two versions of SMTP settings or of a template, field by field, each
//! side as a person reads it. The audit log, the History view and its diff all use these.

use super::{Field, SettingsForm, SettingsId, TemplateField, TemplateForm};
use serde::{Deserialize, Serialize};

/// One field that differs: its label, then the value before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// A settings field as the audit log and the History view show it. The password is never
/// among them: it is write-only and compared by the server alone.
pub fn shown(form: &SettingsForm, field: Field) -> String {
    match field {
        Field::StartTlsOnly => if form.starttls_only { "on" } else { "off" }.to_owned(),
        Field::Certificate if form.certificate.is_empty() => "none".to_owned(),
        Field::Certificate => format!("SHA-256 {}", form.certificate),
        Field::Auth => form.auth.label().to_owned(),
        Field::Backup if form.backup.trim().is_empty() => "none".to_owned(),
        Field::Backup => format!("settings #{}", form.backup.trim()),
        _ => format!("“{}”", form.text(field).trim()),
    }
}

/// Every settings field but the password whose shown value differs.
pub fn settings_changes(before: &SettingsForm, after: &SettingsForm) -> Vec<Change> {
    Field::ALL
        .into_iter()
        .filter(|f| *f != Field::Password)
        .filter(|f| shown(before, *f) != shown(after, *f))
        .map(|f| Change { field: f.label().to_owned(), before: shown(before, f), after: shown(after, f) })
        .collect()
}

/// Every template field that differs; `settings` names an SMTP settings id (None: the default).
pub fn template_changes(
    before: &TemplateForm,
    after: &TemplateForm,
    settings: impl Fn(Option<SettingsId>) -> String,
) -> Vec<Change> {
    let quoted = |s: &str| format!("“{s}”");
    let texts = [
        (TemplateField::Name, &before.name, &after.name),
        (TemplateField::Subject, &before.subject, &after.subject),
        (TemplateField::TextBody, &before.text_body, &after.text_body),
        (TemplateField::HtmlBody, &before.html_body, &after.html_body),
        (TemplateField::FromName, &before.from_name, &after.from_name),
        (TemplateField::FromEmail, &before.from_email, &after.from_email),
    ];
    let mut changes: Vec<Change> = texts
        .into_iter()
        .filter(|(_, b, a)| b != a)
        .map(|(field, b, a)| Change { field: field.label().to_owned(), before: quoted(b), after: quoted(a) })
        .collect();
    if before.settings_id != after.settings_id {
        changes.push(Change {
            field: TemplateField::Settings.label().to_owned(),
            before: settings(before.settings_id),
            after: settings(after.settings_id),
        });
    }
    changes
}

/// "Subject: “a” → “b”; …", each value cut to `width` characters, for one audit line.
pub fn one_line(changes: &[Change], width: usize) -> String {
    let cut = |s: &str| {
        let flat: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        if flat.chars().count() <= width {
            flat
        } else {
            format!("{}…", flat.chars().take(width).collect::<String>())
        }
    };
    changes.iter().map(|c| format!("{}: {} → {}", c.field, cut(&c.before), cut(&c.after))).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn settings_changes_name_each_field_and_never_the_password() {
        let before = SettingsForm::new_default();
        let mut after = before.clone();
        after.host = "smtp.example.com".into();
        after.starttls_only = !before.starttls_only;
        let changes = settings_changes(&before, &after);
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, [Field::StartTlsOnly.label(), Field::Host.label()]);
        assert_eq!(changes[1].after, "“smtp.example.com”");
        assert!(settings_changes(&before, &before).is_empty());
    }

    #[test]
    fn template_changes_name_the_settings_by_the_given_names() {
        let before = TemplateForm { name: "Invoice".into(), ..Default::default() };
        let after = TemplateForm { subject: "Your invoice".into(), settings_id: Some(SettingsId(3)), ..before.clone() };
        let name = |id: Option<SettingsId>| id.map_or("Default".to_owned(), |id| format!("#{id}"));
        let changes = template_changes(&before, &after, name);
        assert_eq!(
            changes,
            [
                Change {
                    field: TemplateField::Subject.label().into(), before: "“”".into(), after: "“Your invoice”".into()
                },
                Change { field: TemplateField::Settings.label().into(), before: "Default".into(), after: "#3".into() },
            ]
        );
        assert_eq!(one_line(&changes, 4), "Subject: “” → “You…; SMTP settings: Defa… → #3");
    }

    proptest! {
        #[test]
        fn a_template_differs_from_itself_nowhere_and_from_another_exactly_where_it_differs(
            a in "[a-z\n]{0,8}", b in "[a-z\n]{0,8}", c in "[a-z]{0,4}",
        ) {
            let before = TemplateForm { subject: a.clone(), text_body: c.clone(), ..Default::default() };
            let after = TemplateForm { subject: b.clone(), text_body: c, ..Default::default() };
            let changes = template_changes(&before, &after, |_| String::new());
            prop_assert!(template_changes(&before, &before, |_| String::new()).is_empty());
            prop_assert_eq!(changes.len(), usize::from(a != b));
            prop_assert!(!one_line(&changes, 80).contains('\n'));
        }
    }
}
