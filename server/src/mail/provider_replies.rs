//! Replies that the big providers give for problems their generic codes do not explain, with
//! what they mean for the settings. Matched on the reply text, case-insensitively.

use super::diagnose::advice;
use app::api::test_email::{Diagnosis, Step};
use app::domain::Field;

struct Known {
    /// Any of these in the reply text.
    says: &'static [&'static str],
    cause: &'static str,
    fix: &'static str,
    fields: &'static [Field],
}

const KNOWN: &[Known] = &[
    Known {
        says: &["5.7.30", "basic authentication is not supported"],
        cause: "Microsoft 365 refuses password sign-in (basic authentication) for SMTP in this tenant; it accepts only OAuth2 here.",
        fix: "Ask the Microsoft 365 administrator to allow Authenticated SMTP with basic authentication for this mailbox, or send through another relay. Microsoft is retiring basic authentication for SMTP AUTH, so plan for a relay that does not need it.",
        fields: &[Field::Username, Field::Password],
    },
    Known {
        says: &["5.7.139", "smtpclientauthentication is disabled"],
        cause: "Authenticated SMTP (SMTP AUTH) is turned off for this Microsoft 365 tenant or mailbox.",
        fix: "In the Microsoft 365 admin center, open the mailbox → Mail → Manage email apps and turn on Authenticated SMTP (and check the tenant's setting), or send through another relay.",
        fields: &[Field::Username],
    },
    Known {
        says: &["application-specific password required"],
        cause: "Google requires an app password for this account: 2-Step Verification is on, so the account password cannot sign in to SMTP.",
        fix: "Create an app password at myaccount.google.com/apppasswords and type its 16 letters, without spaces, as Password.",
        fields: &[Field::Password],
    },
    Known {
        says: &["email address is not verified", "identities failed the check"],
        cause: "Amazon SES refused an address that is not verified in this region. While the account is in the SES sandbox, recipients must be verified too.",
        fix: "Verify the sender's address or domain in the SES console for this region (and the recipient, while in the sandbox), or request production access.",
        fields: &[Field::Email],
    },
    Known {
        says: &["does not match a verified sender identity"],
        cause: "SendGrid refuses this From address: it is not a verified Sender Identity.",
        fix: "Verify the address (Single Sender Verification) or its domain (Domain Authentication) in SendGrid, or use an Email Address that is already verified.",
        fields: &[Field::Email],
    },
];

/// The advice for a reply a provider is known to give, if this is one.
pub fn known(step: Step, code: u16, text: &str) -> Option<Diagnosis> {
    let lower = text.to_lowercase();
    KNOWN
        .iter()
        .find(|k| k.says.iter().any(|needle| lower.contains(needle)))
        .map(|k| advice(step, format!("{} The server replied: {code} {text}.", k.cause), k.fix, k.fields))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn microsofts_and_googles_refusals_are_explained() {
        let ms = known(Step::Authenticate, 550, "5.7.30 Basic authentication is not supported for Client Submission.").unwrap();
        assert!(ms.cause.contains("OAuth2"));
        let tenant = known(
            Step::Authenticate,
            535,
            "5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.",
        )
        .unwrap();
        assert!(tenant.fix.contains("Authenticated SMTP"));
        let gmail = known(
            Step::Authenticate,
            534,
            "5.7.9 Application-specific password required. Learn more at https://support.google.com/mail/?p=InvalidSecondFactor",
        )
        .unwrap();
        assert!(gmail.fix.contains("app password") && gmail.fields == [Field::Password]);
        assert!(known(Step::Authenticate, 535, "5.7.8 Authentication credentials invalid").is_none());
    }
}
