//! An email address as it goes into an SMTP envelope and a From/To header. Parsing is done by
//! the `email_address` crate (RFC 5322 addr-spec); display names and domain literals are
//! refused because the display name has its own field.

use email_address::{Error, Options};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

super::arrival::parsed_on_arrival!(EmailAddress => EmailError);

/// Why an address typed under `field` was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field} {problem}")]
pub struct EmailError {
    pub field: &'static str,
    pub problem: EmailProblem,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EmailProblem {
    #[error("is required; enter an address such as noreply@example.com.")]
    Missing,
    #[error("is longer than the {max} characters an address may have.", max = EmailAddress::MAX_CHARS)]
    TooLong,
    #[error("contains a line break, tab or other control character; remove it.")]
    ControlCharacter,
    #[error("has quotes; enter a plain address such as noreply@example.com.")]
    Quoted,
    /// The reason, worded for the user.
    #[error("is not a valid address: {0}")]
    Invalid(&'static str),
}

impl EmailAddress {
    pub const MAX_CHARS: usize = 254;

    /// `field` names the field in the message, e.g. "Email Address".
    pub fn parse_as(raw: &str, field: &'static str) -> Result<Self, EmailError> {
        Self::check(raw.trim()).map(|()| Self(raw.trim().to_owned())).map_err(|problem| EmailError { field, problem })
    }

    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        Self::parse_as(raw, "Email Address")
    }

    fn check(value: &str) -> Result<(), EmailProblem> {
        if value.is_empty() {
            return Err(EmailProblem::Missing);
        }
        if value.len() > Self::MAX_CHARS {
            return Err(EmailProblem::TooLong);
        }
        // email_address lets C1 controls (U+0080–U+009F) through in a domain; a header must not.
        if value.chars().any(char::is_control) {
            return Err(EmailProblem::ControlCharacter);
        }
        // A quoted local part may hold spaces, brackets and @; legal, almost never a real mailbox,
        // and refused by many relays. Plain addresses only.
        if value.contains('"') {
            return Err(EmailProblem::Quoted);
        }
        let options = Options::default().without_display_text().without_domain_literal();
        email_address::EmailAddress::parse_with_options(value, options).map(|_| ()).map_err(|e| EmailProblem::Invalid(explain(e)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn explain(error: Error) -> &'static str {
    match error {
        Error::MissingSeparator => "it needs an @ between the name and the domain, e.g. noreply@example.com.",
        Error::LocalPartEmpty => "there is nothing before the @.",
        Error::LocalPartTooLong => "the part before the @ is longer than 64 characters.",
        Error::DomainEmpty => "there is nothing after the @.",
        Error::DomainTooLong | Error::SubDomainTooLong => "the domain after the @ is too long.",
        Error::SubDomainEmpty | Error::DomainInvalidSeparator => "the domain after the @ has a misplaced dot.",
        Error::UnsupportedDisplayName | Error::MissingDisplayName | Error::MissingEndBracket => {
            "enter only the address; put the sender's name in the From field."
        }
        Error::UnsupportedDomainLiteral | Error::InvalidIPAddress => "use a domain name after the @, not an IP address.",
        Error::UnbalancedQuotes => "it has an unmatched quote.",
        _ => "it contains a character that is not allowed (spaces, commas, brackets or similar).",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_ordinary_addresses() {
        for ok in ["noreply@example.com", "billing+eu@mail.example.co.uk", "ops@localhost"] {
            assert_eq!(EmailAddress::parse(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn says_what_is_wrong() {
        let message = |raw: &str| EmailAddress::parse(raw).unwrap_err().to_string();
        assert_eq!(EmailAddress::parse("").unwrap_err().problem, EmailProblem::Missing);
        assert!(message("").contains("required"));
        assert!(message("noreply.example.com").contains("needs an @"));
        assert!(message("Billing <b@example.com>").contains("From field"));
        assert!(message("a b@example.com").contains("not allowed"));
        assert!(message("x@[192.0.2.1]").contains("IP address"));
        assert!(EmailAddress::parse_as("x", "Recipient").unwrap_err().to_string().starts_with("Recipient"));
    }

    #[test]
    fn refuses_quoted_local_parts() {
        // Found by the account_fields fuzz target: a quoted local part may carry a space and ">".
        assert_eq!(EmailAddress::parse("\" >uu@bb\"@m").unwrap_err().problem, EmailProblem::Quoted);
        assert_eq!(EmailAddress::parse("\"billing\"@example.com").unwrap_err().problem, EmailProblem::Quoted);
    }

    #[test]
    fn refuses_control_characters_anywhere() {
        // Found by the account_fields fuzz target: a C1 control in the domain got through.
        for raw in ["#zz$?@zz셫z\u{9a}z", "a@exa\u{85}mple.com", "a\u{7f}@example.com"] {
            assert_eq!(EmailAddress::parse(raw).unwrap_err().problem, EmailProblem::ControlCharacter, "{raw:?}");
        }
    }

    proptest! {
        #[test]
        fn accepted_addresses_have_no_header_breaking_characters(s in ".{0,60}") {
            if let Ok(addr) = EmailAddress::parse(&s) {
                prop_assert!(!addr.as_str().chars().any(|c| c.is_control() || c == '<' || c == '>'));
            }
        }

        #[test]
        fn simple_generated_addresses_pass(local in "[a-z0-9._+-]{1,20}", domain in "[a-z]{1,10}\\.[a-z]{2,6}") {
            prop_assume!(!local.starts_with('.') && !local.ends_with('.') && !local.contains(".."));
            let raw = format!("{local}@{domain}");
            prop_assert!(EmailAddress::parse(&raw).is_ok(), "{}", raw);
        }
    }
}
