//! People who use the panel: their display name, the password they sign in with, their role.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let value = raw.trim();
        let len = value.chars().count();
        if len == 0 {
            return Err("Name is required; enter the person's name.".into());
        }
        if len > Self::MAX_CHARS {
            return Err(format!("Name is {len} characters long; shorten it to {} or fewer.", Self::MAX_CHARS));
        }
        if value.chars().any(char::is_control) {
            return Err("Name contains a line break or other control character; remove it.".into());
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A sign-in password being chosen (OWASP ASVS 5.0 §6.2: at least 8, long passphrases allowed,
/// no composition rules, common passwords refused). We ask for 12 characters, and the server
/// also refuses what zxcvbn's lists of common passwords, names and keyboard patterns guess
/// within a million tries, such as "passwordpassword" or "qwertyuiop123".
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountPassword(String);

impl AccountPassword {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 256;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let len = raw.chars().count();
        if len < Self::MIN_CHARS {
            return Err(format!(
                "Password must be at least {} characters; a few unrelated words make a good one.",
                Self::MIN_CHARS
            ));
        }
        if len > Self::MAX_CHARS {
            return Err(format!("Password must be at most {} characters.", Self::MAX_CHARS));
        }
        #[cfg(feature = "ssr")]
        if guessable(raw) {
            return Err(
                "This password is among the most common ones or a simple pattern; choose a few unrelated words instead.".into()
            );
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

    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw {
            "administrator" => Ok(Role::Administrator),
            "user" => Ok(Role::User),
            other => Err(format!("Role must be administrator or user, not \"{other}\".")),
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
        assert!(AccountPassword::parse("short").unwrap_err().contains("at least 12"));
        assert!(AccountPassword::parse("correct horse battery").is_ok());
        assert!(AccountPassword::parse(&"x".repeat(257)).is_err());
        assert!(!format!("{:?}", AccountPassword::parse("correct horse battery").unwrap()).contains("horse"));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn common_passwords_and_patterns_are_refused_on_the_server() {
        for common in ["passwordpassword", "qwertyuiop123", "123456789012", "iloveyou1234", "aaaaaaaaaaaa"] {
            let refused = AccountPassword::parse(common).unwrap_err();
            assert!(refused.contains("among the most common"), "{common}: {refused}");
        }
        for fine in ["correct horse battery staple", "a fresh passphrase here", "tangerine lamp orbit 47"] {
            assert!(AccountPassword::parse(fine).is_ok(), "{fine}");
        }
    }

    #[test]
    fn display_name_is_trimmed_and_required() {
        assert_eq!(DisplayName::parse(" Ada ").unwrap().as_str(), "Ada");
        assert!(DisplayName::parse("").is_err());
    }

    proptest! {
        #[test]
        fn role_round_trips(admin in any::<bool>()) {
            let role = if admin { Role::Administrator } else { Role::User };
            prop_assert_eq!(Role::parse(role.as_str()).unwrap(), role);
        }
    }
}
