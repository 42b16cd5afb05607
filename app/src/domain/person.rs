//! A person's name, sign-in address and password, checked together so every message shows at
//! once: in the browser as they are typed, and on the server before anything is stored.

use super::{AccountPassword, DisplayName, EmailAddress, FieldErrors, FieldKey};

pub fn check_person(name: &str, email: &str) -> Result<(DisplayName, EmailAddress), FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = DisplayName::parse(name).map_err(|e| errors.push(FieldKey::PersonName, e)).ok();
    let email =
        EmailAddress::parse_as(email, FieldKey::PersonEmail.label()).map_err(|e| errors.push(FieldKey::PersonEmail, e)).ok();
    match (name, email) {
        (Some(n), Some(e)) => Ok((n, e)),
        _ => Err(errors),
    }
}

/// As `check_person`, with the password typed under `password_field`.
pub fn check_new_person(
    name: &str,
    email: &str,
    password: &str,
    password_field: FieldKey,
) -> Result<(DisplayName, EmailAddress, AccountPassword), FieldErrors> {
    let person = check_person(name, email);
    let mut errors = person.as_ref().err().cloned().unwrap_or_default();
    let password = AccountPassword::parse(password).map_err(|e| errors.push(password_field, e)).ok();
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
        let errors = check_new_person("", "not-an-address", "short", FieldKey::InitialPassword).unwrap_err();
        for field in [FieldKey::PersonName, FieldKey::PersonEmail, FieldKey::InitialPassword] {
            assert!(errors.get(field).is_some(), "{field:?}");
        }
        assert!(check_new_person("Ada", "ada@example.com", "a long enough password 1", FieldKey::Password).is_ok());
    }
}
