//! The settings' Name: what administrators pick from the list, unique ignoring case.

use super::text::{parse_required_line, TextError};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SettingsName(String);

super::arrival::parsed_on_arrival!(SettingsName => TextError);

impl SettingsName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, TextError> {
        parse_required_line(raw, Self::MAX_CHARS, "Name", "enter a name such as the mail server's name.").map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form two names are compared in for uniqueness.
    pub fn key(&self) -> String {
        name_key(&self.0)
    }
}

/// Case-insensitive comparison key for any name, also used by the browser's early check.
pub fn name_key(raw: &str) -> String {
    raw.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn trims_and_requires_text() {
        assert_eq!(SettingsName::parse("  Office 365 ").unwrap().as_str(), "Office 365");
        assert!(matches!(SettingsName::parse("   "), Err(TextError::Missing { field: "Name", .. })));
    }

    #[test]
    fn limit_is_one_hundred_characters() {
        assert!(SettingsName::parse(&"n".repeat(100)).is_ok());
        assert_eq!(SettingsName::parse(&"n".repeat(101)), Err(TextError::TooLong { field: "Name", len: 101, max: 100 }));
    }

    #[test]
    fn key_ignores_case() {
        let a = SettingsName::parse("Mailgun EU").unwrap();
        let b = SettingsName::parse("MAILGUN eu").unwrap();
        assert_eq!(a.key(), b.key());
    }

    proptest! {
        #[test]
        fn parse_is_idempotent(s in "\\PC{0,110}") {
            if let Ok(name) = SettingsName::parse(&s) {
                let again = SettingsName::parse(name.as_str()).unwrap();
                prop_assert_eq!(again, name);
            }
        }
    }
}
