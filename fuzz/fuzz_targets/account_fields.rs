//! The people fields: display name, sign-in password, role and email address. No input panics;
//! what is accepted is clean, within its limits, and parses to itself.
#![no_main]

use app::domain::{AccountPassword, DisplayName, EmailAddress, Role};
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    name: String,
    password: String,
    role: String,
    email: String,
}

fuzz_target!(|input: Input| {
    if let Ok(name) = DisplayName::parse(&input.name) {
        let text = name.as_str();
        assert!(!text.is_empty() && text.chars().count() <= DisplayName::MAX_CHARS);
        assert!(!text.chars().any(char::is_control) && text.trim() == text, "{text:?}");
        assert_eq!(DisplayName::parse(text).as_ref(), Ok(&name));
    }
    match AccountPassword::parse(&input.password) {
        Ok(password) => {
            let len = password.expose().chars().count();
            assert!((AccountPassword::MIN_CHARS..=AccountPassword::MAX_CHARS).contains(&len));
            assert_eq!(password.expose(), input.password, "a sign-in password is taken exactly as typed");
            assert_eq!(format!("{password:?}"), "AccountPassword([redacted])", "Debug never shows a password");
        }
        // The refusal carries no text, so it can never echo what was typed.
        Err(refused) => assert!(!refused.to_string().contains(input.password.as_str()) || input.password.is_empty()),
    }
    if let Ok(role) = Role::parse(&input.role) {
        assert_eq!(Role::parse(role.as_str()), Ok(role));
    }
    match EmailAddress::parse_as(&input.email, "Email address") {
        Ok(email) => {
            let text = email.as_str();
            assert!(!text.chars().any(char::is_control) && !text.contains(' '), "{text:?}");
            assert_eq!(EmailAddress::parse(text).as_ref(), Ok(&email));
            assert!(text.parse::<lettre::Address>().is_ok(), "the mailer must accept it: {text:?}");
        }
        Err(refused) => assert!(refused.to_string().starts_with("Email address ")),
    }
});
