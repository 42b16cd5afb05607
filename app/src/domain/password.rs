//! The SMTP password on its way in. It is write-only: the browser may send one, the server
//! never sends one back. `Debug` is redacted so a log line can never carry it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What the placeholder of a saved password reads. Typing it in never makes it the password.
pub const SAVED_PASSWORD_PLACEHOLDER: &str = "•••••••• (saved)";

/// Arrives through `parse` on both sides, over the wire included.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NewPassword(String);

/// Why a typed SMTP password was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("Password is {0} characters long; the limit is {max}.", max = NewPassword::MAX_CHARS)]
    TooLong(usize),
    #[error("That is the placeholder for the saved password; type the real password or leave the field empty.")]
    Placeholder,
    #[error("Password contains a line break; SMTP servers cannot accept one.")]
    LineBreak,
}

impl TryFrom<String> for NewPassword {
    type Error = PasswordError;

    fn try_from(raw: String) -> Result<Self, PasswordError> {
        Self::parse(&raw)
    }
}

impl From<NewPassword> for String {
    fn from(password: NewPassword) -> String {
        password.0
    }
}

impl NewPassword {
    pub const MAX_CHARS: usize = 1024;

    pub fn parse(raw: &str) -> Result<Self, PasswordError> {
        let len = raw.chars().count();
        if len > Self::MAX_CHARS {
            return Err(PasswordError::TooLong(len));
        }
        if raw == SAVED_PASSWORD_PLACEHOLDER {
            return Err(PasswordError::Placeholder);
        }
        if raw.contains(['\r', '\n', '\0']) {
            return Err(PasswordError::LineBreak);
        }
        Ok(Self(raw.to_owned()))
    }

    /// The only way to read the value; call it where the password is used.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword([redacted])")
    }
}

/// What Save does with the stored password.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PasswordChange {
    /// The field was left empty: keep whatever is stored.
    #[default]
    Keep,
    /// "Clear password" was chosen.
    Clear,
    Set(NewPassword),
}

impl PasswordChange {
    /// From the Password input: empty means keep.
    pub fn from_input(raw: &str, clear: bool) -> Result<Self, PasswordError> {
        if clear {
            Ok(Self::Clear)
        } else if raw.is_empty() {
            Ok(Self::Keep)
        } else {
            NewPassword::parse(raw).map(Self::Set)
        }
    }

    /// Whether a password exists after the change is applied.
    pub fn leaves_password(&self, stored: bool) -> bool {
        match self {
            Self::Keep => stored,
            Self::Clear => false,
            Self::Set(_) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_off_the_wire_is_parsed_like_a_typed_one() {
        let placeholder = serde_json::json!({ "Set": SAVED_PASSWORD_PLACEHOLDER });
        let refused = serde_json::from_value::<PasswordChange>(placeholder).unwrap_err();
        assert!(refused.to_string().contains("placeholder"), "{refused}");
        assert!(serde_json::from_value::<PasswordChange>(serde_json::json!({ "Set": "a\r\nRCPT" })).is_err());
        let fine: PasswordChange = serde_json::from_value(serde_json::json!({ "Set": "s3cret" })).unwrap();
        assert_eq!(serde_json::to_value(&fine).unwrap(), serde_json::json!({ "Set": "s3cret" }));
    }

    #[test]
    fn debug_never_shows_the_value() {
        let change = PasswordChange::from_input("hunter2-canary", false).unwrap();
        assert!(!format!("{change:?}").contains("hunter2"));
    }

    #[test]
    fn placeholder_can_never_become_the_password() {
        assert_eq!(PasswordChange::from_input(SAVED_PASSWORD_PLACEHOLDER, false), Err(PasswordError::Placeholder));
    }

    #[test]
    fn empty_keeps_and_clear_wins() {
        assert_eq!(PasswordChange::from_input("", false).unwrap(), PasswordChange::Keep);
        assert_eq!(PasswordChange::from_input("typed", true).unwrap(), PasswordChange::Clear);
        assert!(PasswordChange::Keep.leaves_password(true));
        assert!(!PasswordChange::Keep.leaves_password(false));
        assert!(!PasswordChange::Clear.leaves_password(true));
    }

    #[test]
    fn limit_is_1024_characters() {
        assert!(NewPassword::parse(&"p".repeat(1024)).is_ok());
        assert_eq!(NewPassword::parse(&"p".repeat(1025)), Err(PasswordError::TooLong(1025)));
        assert!(PasswordError::TooLong(1025).to_string().contains("1025 characters long; the limit is 1024"));
    }
}
