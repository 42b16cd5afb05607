//! The templates Mailroom ships (Password reset, Invitation, Invoice): their original text (seeded on first start, and what "Restore
//! default" puts back), the placeholders each cannot work without, and which are account mail
//! that only Mailroom itself may send.

use crate::db::{is_unique_violation, Db, TemplateWrite};
use app::domain::name_key;

pub const PASSWORD_RESET: &str = app::domain::template::PASSWORD_RESET_KEY;
pub const INVITATION: &str = app::domain::template::INVITATION_KEY;
const INVOICE: &str = "invoice";

pub struct Builtin {
    pub key: &'static str,
    pub name: &'static str,
    pub subject: &'static str,
    pub text: &'static str,
    pub html: &'static str,
    /// Placeholders the text body (and the HTML body, when there is one) must use.
    pub required: &'static [&'static str],
    /// Account mail: sent by Mailroom itself, never through the API, where a caller could mail
    /// a genuine-looking reset link pointing anywhere.
    pub system: bool,
}

impl Builtin {
    /// The shipped content as a write; the caller sets name and settings.
    pub fn write(&self) -> TemplateWrite<'static> {
        TemplateWrite {
            name: self.name,
            name_key: "",
            subject: self.subject,
            text_body: self.text,
            html_body: self.html,
            from_name: "",
            from_email: "",
            settings_id: None,
        }
    }
}

const BUILTINS: &[Builtin] = &[
    Builtin {
        key: PASSWORD_RESET,
        name: "Password reset",
        subject: "Choose a new Mailroom password",
        text: "Hello {{ user.name }},\n\nSomeone asked to reset the password of the Mailroom account {{ user.email }}. \
               To choose a new password, open this link within {{ reset_expires_minutes }} minutes:\n\n{{ reset_link }}\n\n\
               If you did not ask for this, ignore this email; your password stays as it is.\n",
        html: "<p>Hello {{ user.name }},</p>\n<p>Someone asked to reset the password of the Mailroom account {{ user.email }}. \
               To choose a new password, open this link within {{ reset_expires_minutes }} minutes:</p>\n\
               <p><a href=\"{{ reset_link }}\">Choose a new password</a></p>\n\
               <p>If you did not ask for this, ignore this email; your password stays as it is.</p>\n",
        required: &["reset_link"],
        system: true,
    },
    Builtin {
        key: INVITATION,
        name: "Invitation",
        subject: "You are invited to Mailroom",
        text: "Hello {{ user.name }},\n\n{{ invited_by }} has invited you to Mailroom, where your team manages the mail \
               it sends. Your account is {{ user.email }}. To choose your password and sign in, open this link within \
               {{ invite_expires_days }} days:\n\n{{ invite_link }}\n\nIf you did not expect this, ignore this email.\n",
        html: "<p>Hello {{ user.name }},</p>\n<p>{{ invited_by }} has invited you to Mailroom, where your team manages the mail \
               it sends. Your account is {{ user.email }}. To choose your password and sign in, open this link within \
               {{ invite_expires_days }} days:</p>\n<p><a href=\"{{ invite_link }}\">Choose your password</a></p>\n\
               <p>If you did not expect this, ignore this email.</p>\n",
        required: &["invite_link"],
        system: true,
    },
    Builtin {
        key: INVOICE,
        name: "Invoice",
        subject: "Invoice {{ invoice.number }} from {{ company.name }}",
        text: "Dear {{ contact.name }},\n\nPlease find attached invoice {{ invoice.number }} for {{ invoice.amount }}, \
               due on {{ invoice.due_date }}.\n\nYou can also view it online: {{ invoice.url }}\n\nThank you,\n{{ company.name }}\n",
        html: "<p>Dear {{ contact.name }},</p>\n<p>Please find attached invoice {{ invoice.number }} for {{ invoice.amount }}, \
               due on {{ invoice.due_date }}.</p>\n<p><a href=\"{{ invoice.url }}\">View the invoice online</a></p>\n\
               <p>Thank you,<br>{{ company.name }}</p>\n",
        required: &[],
        system: false,
    },
];

pub fn builtin(key: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.key == key)
}

pub fn is_system_template(key: &str) -> bool {
    builtin(key).is_some_and(|b| b.system)
}

/// Creates the built-in templates the first time Mailroom starts.
pub async fn seed_builtin_templates(db: &Db) -> sqlx::Result<()> {
    for original in BUILTINS {
        if db.has_builtin_template(original.key).await? {
            continue;
        }
        let key = name_key(original.name);
        let write = TemplateWrite { name_key: &key, ..original.write() };
        match db.insert_template(&write, Some(original.key), None).await {
            // Another instance starting on the same database seeded it meanwhile.
            Err(e) if is_unique_violation(&e) && db.has_builtin_template(original.key).await? => {}
            Err(e) if is_unique_violation(&e) => {
                tracing::warn!(name = original.name, "a template already has the built-in template's name")
            }
            other => {
                other?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::render::{check, check_required, Sources};

    #[test]
    fn every_builtin_passes_its_own_checks() {
        for b in BUILTINS {
            let sources = Sources { subject: b.subject, text: b.text, html: b.html };
            assert!(check(&sources, app::domain::PlaceholderRule::of(Some(b.key))).is_empty(), "{}", b.name);
            assert_eq!(b.system, app::domain::PlaceholderRule::of(Some(b.key)).is_account(), "{}", b.name);
            assert!(check_required(&sources, b.required).is_empty(), "{}", b.name);
        }
        assert!(is_system_template(PASSWORD_RESET) && !is_system_template(INVOICE) && !is_system_template("nope"));
    }
}
