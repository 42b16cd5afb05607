//! The rules for the write-only secret across fields: a saved password or client secret is only
//! reused where it is bound, and a Username and a secret go together.

use super::oauth::Auth;
use super::{PasswordChange, ValidSettings};

/// Why the secret cannot be saved as asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("The server, port, username, STARTTLS choice or trusted certificate changed, so the saved password will not be sent there. Type the password again, or choose Clear password.")]
    PasswordUnbound,
    #[error("The sign-in method, server, port, username, STARTTLS choice, trusted certificate, Token URL or Client ID changed, so the saved secret will not be used. Type the client secret again.")]
    ClientSecretUnbound,
    #[error("Enter the client secret for this Client ID.")]
    MissingClientSecret,
    #[error("Enter the password for this Username, or empty Username if the server needs no sign-in.")]
    MissingPassword,
    #[error("A password needs a Username to go with it; enter the Username or choose Clear password.")]
    MissingUsername,
}

/// The cross-field rules for the password. `saved` is what is stored now (if anything) and
/// whether it has a password.
pub fn check_password(
    new: &ValidSettings,
    change: &PasswordChange,
    saved: Option<(&ValidSettings, bool)>,
) -> Result<(), SecretError> {
    let stored = saved.is_some_and(|(_, has)| has);
    let oauth = matches!(new.auth, Auth::OAuth2 { .. });
    if matches!(change, PasswordChange::Keep) && stored {
        let (old, _) = saved.expect("stored implies saved");
        if !new.same_endpoint(old) {
            return Err(if oauth { SecretError::ClientSecretUnbound } else { SecretError::PasswordUnbound });
        }
    }
    let will_have = change.leaves_password(stored);
    match (new.username.is_empty(), will_have) {
        (false, false) if oauth => Err(SecretError::MissingClientSecret),
        (false, false) => Err(SecretError::MissingPassword),
        (true, true) => Err(SecretError::MissingUsername),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::settings::tests::{form, oauth_form, PIN};
    use crate::domain::{AuthMethod, NewPassword, SettingsForm};

    fn set(p: &str) -> PasswordChange {
        PasswordChange::Set(NewPassword::parse(p).unwrap())
    }

    #[test]
    fn saved_password_is_not_reused_for_a_changed_endpoint() {
        let old = form().validate().unwrap();
        let moved = SettingsForm { host: "evil.example.net".into(), ..form() }.validate().unwrap();
        assert_eq!(check_password(&moved, &PasswordChange::Keep, Some((&old, true))), Err(SecretError::PasswordUnbound));
        assert!(check_password(&moved, &set("again"), Some((&old, true))).is_ok());
        let renamed = SettingsForm { name: "Other".into(), ..form() }.validate().unwrap();
        assert!(check_password(&renamed, &PasswordChange::Keep, Some((&old, true))).is_ok());
    }

    #[test]
    fn username_and_password_go_together() {
        let new = form().validate().unwrap();
        assert_eq!(check_password(&new, &PasswordChange::Keep, None).unwrap_err(), SecretError::MissingPassword);
        let anonymous = SettingsForm { username: String::new(), ..form() }.validate().unwrap();
        assert!(check_password(&anonymous, &PasswordChange::Keep, None).is_ok());
        assert_eq!(check_password(&anonymous, &set("p"), None), Err(SecretError::MissingUsername));
    }

    #[test]
    fn a_client_secret_is_bound_to_its_token_url_client_id_and_server() {
        let old = oauth_form().validate().unwrap();
        for changed in [
            SettingsForm { client_id: "other".into(), ..oauth_form() },
            SettingsForm { token_url: "https://evil.example/token".into(), ..oauth_form() },
            SettingsForm { host: "evil.example.net".into(), ..oauth_form() },
            SettingsForm { auth: AuthMethod::Password, ..oauth_form() },
        ] {
            let new = changed.validate().unwrap();
            assert!(check_password(&new, &PasswordChange::Keep, Some((&old, true))).is_err(), "{changed:?}");
        }
        let pinned = SettingsForm { certificate: PIN.into(), ..oauth_form() }.validate().unwrap();
        assert!(check_password(&pinned, &PasswordChange::Keep, Some((&old, true))).is_err(), "a newly trusted certificate");
        assert!(check_password(&old, &PasswordChange::Keep, Some((&pinned, true))).is_ok(), "removing the trust is not");
        let rescoped = SettingsForm { scope: "https://outlook.office.com/SMTP.Send".into(), ..oauth_form() }.validate().unwrap();
        assert!(check_password(&rescoped, &PasswordChange::Keep, Some((&old, true))).is_ok());
        assert_eq!(check_password(&old, &PasswordChange::Keep, None), Err(SecretError::MissingClientSecret));
    }
}
