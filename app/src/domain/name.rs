//! The settings' Name: what administrators pick from the list, unique ignoring case.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsName(String);

impl SettingsName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim();
        let len = value.chars().count();
        if len == 0 {
            return Err("Name is required; enter a name such as the mail server's name.".into());
        }
        if len > Self::MAX_CHARS {
            return Err(format!("Name is {len} characters long; shorten it to {} or fewer.", Self::MAX_CHARS));
        }
        if value.chars().any(char::is_control) {
            return Err("Name contains a line break, tab or other control character; remove it.".into());
        }
        Ok(Self(value.to_owned()))
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
        assert!(SettingsName::parse("   ").unwrap_err().contains("required"));
    }

    #[test]
    fn limit_is_one_hundred_characters() {
        assert!(SettingsName::parse(&"n".repeat(100)).is_ok());
        assert!(SettingsName::parse(&"n".repeat(101)).unwrap_err().contains("101"));
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
