//! Optional free-text fields that end up in mail headers or SMTP commands, where a control
//! character (CR/LF above all) could forge a header or a command.

use serde::{Deserialize, Serialize};

/// Why a one-line text was refused; `field` is the label it was typed under.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("{field} is required; {hint}")]
    Missing { field: &'static str, hint: &'static str },
    #[error("{field} is {len} characters long; shorten it to {max} or fewer.")]
    TooLong { field: &'static str, len: usize, max: usize },
    #[error("{field} contains a line break, tab or other control character; remove it.")]
    ControlCharacter { field: &'static str },
    /// As `ControlCharacter`, in the words the people panels have always used.
    #[error("{field} contains a line break or other control character; remove it.")]
    LineBreak { field: &'static str },
}

/// Shared rule: trimmed, at most `max` characters and no control characters.
pub(super) fn parse_line(raw: &str, max: usize, field: &'static str) -> Result<String, TextError> {
    let value = raw.trim();
    let len = value.chars().count();
    if len > max {
        return Err(TextError::TooLong { field, len, max });
    }
    if value.chars().any(char::is_control) {
        return Err(TextError::ControlCharacter { field });
    }
    Ok(value.to_owned())
}

/// As `parse_line`, refusing an empty value with `hint` saying what to enter.
pub(super) fn parse_required_line(raw: &str, max: usize, field: &'static str, hint: &'static str) -> Result<String, TextError> {
    match parse_line(raw, max, field)? {
        value if value.is_empty() => Err(TextError::Missing { field, hint }),
        value => Ok(value),
    }
}

/// The display name in the From header. Empty means "no display name".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FromName(String);

impl FromName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, TextError> {
        Self::parse_as(raw, "From")
    }

    /// As `parse`, naming the field `field` in the message.
    pub fn parse_as(raw: &str, field: &'static str) -> Result<Self, TextError> {
        parse_line(raw, Self::MAX_CHARS, field).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The SMTP AUTH user name. Empty means "do not authenticate".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

super::arrival::parsed_on_arrival!(FromName => TextError, Username => TextError);

impl Username {
    pub const MAX_CHARS: usize = 255;

    pub fn parse(raw: &str) -> Result<Self, TextError> {
        parse_line(raw, Self::MAX_CHARS, "Username").map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn empty_is_allowed_and_means_none() {
        assert!(FromName::parse("  ").unwrap().is_empty());
        assert!(Username::parse("").unwrap().is_empty());
    }

    #[test]
    fn header_injection_is_refused() {
        let err = FromName::parse("Billing\r\nBcc: victim@example.com").unwrap_err();
        assert_eq!(err, TextError::ControlCharacter { field: "From" });
        assert!(err.to_string().contains("line break"), "{err}");
        assert!(Username::parse("user\nRCPT TO:<x@y>").is_err());
    }

    #[test]
    fn length_limits_count_characters_not_bytes() {
        assert!(FromName::parse(&"é".repeat(100)).is_ok());
        let err = FromName::parse(&"é".repeat(101)).unwrap_err();
        assert_eq!(err, TextError::TooLong { field: "From", len: 101, max: 100 });
        assert!(err.to_string().contains("101 characters"), "{err}");
        assert!(Username::parse(&"u".repeat(255)).is_ok());
        assert!(Username::parse(&"u".repeat(256)).is_err());
    }

    proptest! {
        #[test]
        fn accepted_values_never_hold_control_characters(s in ".{0,120}") {
            if let Ok(name) = FromName::parse(&s) {
                prop_assert!(!name.as_str().chars().any(char::is_control));
                prop_assert!(name.as_str().chars().count() <= FromName::MAX_CHARS);
                prop_assert_eq!(name.as_str(), s.trim());
            }
        }
    }
}
