//! A person's name, sign-in address and password, checked together so every message shows at
//! once: in the browser as they are typed, and on the server before anything is stored.

use super::{AccountPassword, DisplayName, EmailAddress, FieldErrors};

pub fn check_person(name: &str, email: &str) -> Result<(DisplayName, EmailAddress), FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = DisplayName::parse(name).map_err(|m| errors.push("Name", m)).ok();
    let email = EmailAddress::parse_as(email, "Email address").map_err(|m| errors.push("Email address", m)).ok();
    match (name, email) {
        (Some(n), Some(e)) => Ok((n, e)),
        _ => Err(errors),
    }
}

/// As `check_person`, with the password typed under `password_label`.
pub fn check_new_person(
    name: &str,
    email: &str,
    password: &str,
    password_label: &str,
) -> Result<(DisplayName, EmailAddress, AccountPassword), FieldErrors> {
    let person = check_person(name, email);
    let mut errors = person.as_ref().err().cloned().unwrap_or_default();
    let password = AccountPassword::parse(password).map_err(|m| errors.push(password_label, m)).ok();
    match (person, password) {
        (Ok((n, e)), Some(p)) => Ok((n, e, p)),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_shows_at_once() {
        let errors = check_new_person("", "not-an-address", "short", "Initial password").unwrap_err();
        for label in ["Name", "Email address", "Initial password"] {
            assert!(errors.get(label).is_some(), "{label}");
        }
        assert!(check_new_person("Ada", "ada@example.com", "a long enough password 1", "Password").is_ok());
    }
}
