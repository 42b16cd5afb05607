//! People who use the panel: their display name, the password they sign in with, their role.

use super::text::{parse_required_line, TextError};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DisplayName(String);

super::arrival::parsed_on_arrival!(DisplayName => TextError);

impl DisplayName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, TextError> {
        parse_required_line(raw, Self::MAX_CHARS, "Name", "enter the person's name.").map(Self).map_err(|e| match e {
            TextError::ControlCharacter { field } => TextError::LineBreak { field },
            other => other,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A sign-in password being chosen (OWASP ASVS 5.0 §6.2: at least 8, long passphrases allowed,
/// no composition rules, common passwords refused). We ask for 12 characters, and the server
/// also refuses what zxcvbn's lists of common passwords, names and keyboard patterns guess
/// within a million tries, such as "passwordpassword" or "qwertyuiop123".
/// Never sent anywhere: no `Serialize`, and `Debug` is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct AccountPassword(String);

/// Why a sign-in password being chosen was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AccountPasswordError {
    #[error("Password must be at least {min} characters; a few unrelated words make a good one.", min = AccountPassword::MIN_CHARS)]
    TooShort,
    #[error("Password must be at most {max} characters.", max = AccountPassword::MAX_CHARS)]
    TooLong,
    #[error("This password is among the most common ones or a simple pattern; choose a few unrelated words instead.")]
    Guessable,
}

impl AccountPassword {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 256;

    pub fn parse(raw: &str) -> Result<Self, AccountPasswordError> {
        let len = raw.chars().count();
        if len < Self::MIN_CHARS {
            return Err(AccountPasswordError::TooShort);
        }
        if len > Self::MAX_CHARS {
            return Err(AccountPasswordError::TooLong);
        }
        #[cfg(feature = "ssr")]
        if guessable(raw) {
            return Err(AccountPasswordError::Guessable);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// How long a password-reset link works.
pub const RESET_LINK_MINUTES: i64 = 60;
/// How long an invitation link works.
pub const INVITE_LINK_DAYS: i64 = 3;

/// zxcvbn's score 0 or 1: found within about a million guesses from its lists and patterns.
/// Only the first 100 characters are weighed: zxcvbn's matching grows steeply with crafted long
/// input, and "auth/reset" is open to anyone; a guessable start with 100 more is no common password.
#[cfg(feature = "ssr")]
fn guessable(raw: &str) -> bool {
    let start: String = raw.chars().take(100).collect();
    zxcvbn::zxcvbn(&start, &[]).score() < zxcvbn::Score::Two
}

impl std::fmt::Debug for AccountPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccountPassword([redacted])")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("Role must be administrator or user, not \"{0}\".")]
pub struct UnknownRole(pub String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Administrator,
    User,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::User => "user",
        }
    }

    /// As the database keeps it.
    pub fn from_stored(stored: &str) -> Result<Self, super::UnknownStored> {
        super::stored::from_stored("role", &[Role::Administrator, Role::User], Role::as_str, stored)
    }

    pub fn parse(raw: &str) -> Result<Self, UnknownRole> {
        match raw {
            "administrator" => Ok(Role::Administrator),
            "user" => Ok(Role::User),
            other => Err(UnknownRole(other.to_owned())),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Administrator => "Administrator",
            Role::User => "User",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn password_length_rules() {
        assert_eq!(AccountPassword::parse("short"), Err(AccountPasswordError::TooShort));
        assert!(AccountPasswordError::TooShort.to_string().contains("at least 12"));
        assert!(AccountPassword::parse("correct horse battery").is_ok());
        assert_eq!(AccountPassword::parse(&"x".repeat(257)), Err(AccountPasswordError::TooLong));
        assert!(!format!("{:?}", AccountPassword::parse("correct horse battery").unwrap()).contains("horse"));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn common_passwords_and_patterns_are_refused_on_the_server() {
        for common in ["passwordpassword", "qwertyuiop123", "123456789012", "iloveyou1234", "aaaaaaaaaaaa"] {
            assert_eq!(AccountPassword::parse(common), Err(AccountPasswordError::Guessable), "{common}");
        }
        for fine in ["correct horse battery staple", "a fresh passphrase here", "tangerine lamp orbit 47"] {
            assert!(AccountPassword::parse(fine).is_ok(), "{fine}");
        }
    }

    #[test]
    fn display_name_is_trimmed_and_required() {
        assert_eq!(DisplayName::parse(" Ada ").unwrap().as_str(), "Ada");
        assert_eq!(DisplayName::parse(""), Err(TextError::Missing { field: "Name", hint: "enter the person's name." }));
        assert_eq!(Role::parse("root"), Err(UnknownRole("root".into())));
        assert_eq!(
            DisplayName::parse("Ada\nBcc").unwrap_err().to_string(),
            "Name contains a line break or other control character; remove it.",
            "the wording the people panels have always used"
        );
    }

    proptest! {
        #[test]
        fn role_round_trips(admin in any::<bool>()) {
            let role = if admin { Role::Administrator } else { Role::User };
            prop_assert_eq!(Role::parse(role.as_str()).unwrap(), role);
        }
    }
}
