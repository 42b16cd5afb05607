//! An email address as it goes into an SMTP envelope and a From/To header. Parsing is done by
//! the `email_address` crate (RFC 5322 addr-spec); display names and domain literals are
//! refused because the display name has its own field.

use email_address::{Error, Options};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub const MAX_CHARS: usize = 254;

    /// `what` names the field in the message, e.g. "Email Address".
    pub fn parse_as(raw: &str, what: &str) -> Result<Self, String> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(format!("{what} is required; enter an address such as noreply@example.com."));
        }
        if value.len() > Self::MAX_CHARS {
            return Err(format!("{what} is longer than the {} characters an address may have.", Self::MAX_CHARS));
        }
        // email_address lets C1 controls (U+0080–U+009F) through in a domain; a header must not.
        if value.chars().any(char::is_control) {
            return Err(format!("{what} contains a line break, tab or other control character; remove it."));
        }
        // A quoted local part may hold spaces, brackets and @; legal, almost never a real mailbox,
        // and refused by many relays. Plain addresses only.
        if value.contains('"') {
            return Err(format!("{what} has quotes; enter a plain address such as noreply@example.com."));
        }
        let options = Options::default().without_display_text().without_domain_literal();
        email_address::EmailAddress::parse_with_options(value, options)
            .map(|_| Self(value.to_owned()))
            .map_err(|e| format!("{what} is not a valid address: {}", explain(e)))
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::parse_as(raw, "Email Address")
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
        assert!(EmailAddress::parse("").unwrap_err().contains("required"));
        assert!(EmailAddress::parse("noreply.example.com").unwrap_err().contains("needs an @"));
        assert!(EmailAddress::parse("Billing <b@example.com>").unwrap_err().contains("From field"));
        assert!(EmailAddress::parse("a b@example.com").unwrap_err().contains("not allowed"));
        assert!(EmailAddress::parse("x@[192.0.2.1]").unwrap_err().contains("IP address"));
        assert!(EmailAddress::parse_as("x", "Recipient").unwrap_err().starts_with("Recipient"));
    }

    #[test]
    fn refuses_quoted_local_parts() {
        // Found by the account_fields fuzz target: a quoted local part may carry a space and ">".
        assert!(EmailAddress::parse("\" >uu@bb\"@m").unwrap_err().contains("quotes"));
        assert!(EmailAddress::parse("\"billing\"@example.com").unwrap_err().contains("quotes"));
    }

    #[test]
    fn refuses_control_characters_anywhere() {
        // Found by the account_fields fuzz target: a C1 control in the domain got through.
        assert!(EmailAddress::parse("#zz$?@zz셫z\u{9a}z").unwrap_err().contains("control character"));
        assert!(EmailAddress::parse("a@exa\u{85}mple.com").unwrap_err().contains("control character"));
        assert!(EmailAddress::parse("a\u{7f}@example.com").unwrap_err().contains("control character"));
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
