//! What to do when no OAuth2 access token came: the endpoint's own words, and for Microsoft
//! Entra ID's common codes, what they mean and which field to fix.

use super::diagnose::advice;
use super::oauth::{explain, TokenError};
use app::api::test_email::{Diagnosis, Step};
use app::domain::Field;

impl TokenError {
    pub fn advise(&self, step: Step) -> Diagnosis {
        let error = self;
        match error {
        TokenError::NotConnected | TokenError::NoRefreshToken => advice(
            step,
            "These settings sign in with an OAuth2 refresh token, and none is saved for these values.".into(),
            "Save the settings, then choose Connect and sign in at the provider as the mailbox in Username. Changing the server, Username, Token URL or Client ID forgets the refresh token.",
            &[Field::Auth],
        ),
        TokenError::NoSecret => advice(step, error.to_string(), "Type the client secret.", &[Field::Password]),
        TokenError::Unreachable(text) => advice(
            step,
            format!("Mailroom could not reach the token endpoint: {text}."),
            "Check Token URL, and that this machine may reach it over HTTPS.",
            &[Field::TokenUrl],
        ),
        TokenError::Refused { description, .. } => {
            let (meaning, fields) = match (explain(description), error) {
                (Some((meaning, field)), _) => (meaning, vec![field]),
                (None, TokenError::Refused { error, .. }) if error == "invalid_scope" => {
                    ("The scope is not valid for this endpoint.", vec![Field::Scope])
                }
                (None, TokenError::Refused { error, .. }) if error == "unauthorized_client" => {
                    ("This application may not use the client credentials grant.", vec![Field::ClientId])
                }
                _ => ("The client ID or client secret was not accepted.", vec![Field::ClientId, Field::Password]),
            };
            advice(step, format!("The token endpoint did not issue a token: {error}."), meaning, &fields)
        }
        TokenError::Malformed { .. } => advice(
            step,
            format!("The token endpoint answered, but not with an OAuth2 token: {error}."),
            "Check Token URL: it must be the provider's OAuth2 token endpoint, such as https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token.",
            &[Field::TokenUrl],
        ),
    }
    }
}
