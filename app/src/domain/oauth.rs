//! How Mailroom signs in to the relay: with a password (SMTP AUTH PLAIN or LOGIN), or with an
//! OAuth2 access token (XOAUTH2) it gets from the provider's token endpoint: by the client
//! credentials grant, the way Microsoft 365's app-only access works, or with a refresh token
//! an administrator granted once through the provider's sign-in page ("Connect"), as Google
//! and any standards-compliant provider offer.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuthMethod {
    #[default]
    Password,
    OAuth2ClientCredentials,
    OAuth2RefreshToken,
}

impl AuthMethod {
    pub const ALL: [AuthMethod; 3] = [AuthMethod::Password, AuthMethod::OAuth2ClientCredentials, AuthMethod::OAuth2RefreshToken];

    pub fn label(self) -> &'static str {
        match self {
            AuthMethod::Password => "Password",
            AuthMethod::OAuth2ClientCredentials => "OAuth2 client credentials",
            AuthMethod::OAuth2RefreshToken => "OAuth2 refresh token (Connect)",
        }
    }

    /// The value stored and sent over the wire.
    pub fn key(self) -> &'static str {
        match self {
            AuthMethod::Password => "password",
            AuthMethod::OAuth2ClientCredentials => "oauth2-client-credentials",
            AuthMethod::OAuth2RefreshToken => "oauth2-refresh-token",
        }
    }

    pub fn from_key(key: &str) -> Result<Self, UnknownAuthMethod> {
        Self::ALL.into_iter().find(|m| m.key() == key).ok_or_else(|| UnknownAuthMethod(key.to_owned()))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("“{0}” is not a sign-in method Mailroom knows.")]
pub struct UnknownAuthMethod(pub String);

/// Why a Token URL or Authorization URL was refused; `field` names which.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("{field} is required for OAuth2; for Microsoft 365 it is https://login.microsoftonline.com/<tenant ID>/oauth2/v2.0/token.")]
    Missing { field: &'static str },
    #[error("{field} must be one address without spaces or line breaks.")]
    NotOneLine { field: &'static str },
    #[error("{field} must start with https:// and name a host (the client secret travels to it); “{value}” does not.")]
    NotHttps { field: &'static str, value: String },
}

/// Why a Client ID or Scope was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("{field} is required for OAuth2, for example {example}.")]
    Missing { field: &'static str, example: &'static str },
    #[error("{field} must be at most {max} characters on one line.")]
    TooLong { field: &'static str, max: usize },
}

/// Google's authorisation endpoint, token endpoint and scope for SMTP.
pub const GOOGLE_AUTHORIZE_URL: &str = "https://accounts.google.com/o/oauth2/v2/auth";
pub const GOOGLE_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";
pub const GOOGLE_SCOPE: &str = "https://mail.google.com/";

/// Microsoft's scope for SMTP with app-only access.
pub const MICROSOFT_SCOPE: &str = "https://outlook.office365.com/.default";

/// Microsoft's token endpoint for a tenant (its ID or primary domain).
pub fn microsoft_token_url(tenant: &str) -> String {
    format!("https://login.microsoftonline.com/{}/oauth2/v2.0/token", tenant.trim())
}

/// The token endpoint: https, or http only on this machine (a local token service).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TokenUrl(String);

impl TokenUrl {
    pub fn parse(raw: &str) -> Result<Self, UrlError> {
        Self::parse_as(raw, "Token URL")
    }

    /// As `parse`, naming the field `field` in the message.
    pub fn parse_as(raw: &str, field: &'static str) -> Result<Self, UrlError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(UrlError::Missing { field });
        }
        if value.len() > 2000 || value.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(UrlError::NotOneLine { field });
        }
        // The authority is everything up to the path; a user name or password in it ("@") is
        // refused, so the host cannot hide behind it.
        let refuse = || Err(UrlError::NotHttps { field, value: value.to_owned() });
        let (secure, rest) = match (value.strip_prefix("https://"), value.strip_prefix("http://")) {
            (Some(rest), _) => (true, rest),
            (None, Some(rest)) => (false, rest),
            _ => return refuse(),
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.is_empty() || authority.contains('@') || value.contains('\\') {
            return refuse();
        }
        let host = match authority.rsplit_once(':') {
            Some((host, port)) if !host.is_empty() && !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => host,
            _ => authority,
        };
        if secure || matches!(host, "localhost" | "127.0.0.1" | "[::1]") {
            Ok(Self(value.to_owned()))
        } else {
            refuse()
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TokenUrl {
    type Error = UrlError;
    fn try_from(text: String) -> Result<Self, UrlError> {
        Self::parse(&text)
    }
}

impl From<TokenUrl> for String {
    fn from(url: TokenUrl) -> String {
        url.0
    }
}

/// A short printable value such as a client ID or a scope list.
fn parse_value(raw: &str, field: &'static str, max: usize, example: &'static str) -> Result<String, ValueError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(ValueError::Missing { field, example });
    }
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(ValueError::TooLong { field, max });
    }
    Ok(value.to_owned())
}

/// The application (client) ID registered with the provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClientId(String);

impl ClientId {
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        parse_value(raw, "Client ID", 255, "the application (client) ID from the app registration").map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ClientId {
    type Error = ValueError;
    fn try_from(text: String) -> Result<Self, ValueError> {
        Self::parse(&text)
    }
}

impl From<ClientId> for String {
    fn from(id: ClientId) -> String {
        id.0
    }
}

/// The scopes asked for, separated by spaces.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Scope(String);

impl Scope {
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        parse_value(raw, "Scope", 1000, MICROSOFT_SCOPE).map(|s| Self(s.split_whitespace().collect::<Vec<_>>().join(" ")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Scope {
    type Error = ValueError;
    fn try_from(text: String) -> Result<Self, ValueError> {
        Self::parse(&text)
    }
}

impl From<Scope> for String {
    fn from(scope: Scope) -> String {
        scope.0
    }
}

/// The validated sign-in method. With an `authorize_url`, the token comes from a refresh
/// token granted through that sign-in page; without, from the client credentials alone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Auth {
    Password,
    OAuth2 { token_url: TokenUrl, client_id: ClientId, scope: Scope, authorize_url: Option<TokenUrl> },
}

impl Auth {
    pub fn method(&self) -> AuthMethod {
        match self {
            Auth::Password => AuthMethod::Password,
            Auth::OAuth2 { authorize_url: None, .. } => AuthMethod::OAuth2ClientCredentials,
            Auth::OAuth2 { authorize_url: Some(_), .. } => AuthMethod::OAuth2RefreshToken,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn token_urls_are_https_or_local() {
        assert!(TokenUrl::parse(&microsoft_token_url("contoso.onmicrosoft.com")).is_ok());
        assert!(TokenUrl::parse("http://127.0.0.1:8123/token").is_ok());
        assert!(TokenUrl::parse("http://localhost/token").is_ok());
        for bad in [
            "",
            "http://login.example.com/token",
            "ftp://x",
            "https://",
            "https://a b",
            "http://localhost.evil.com/x",
            "https://user@host/x",
            "http://localhost:@evil.example/token",
            "http://localhost@evil.example/token",
            "http://127.0.0.1:x@evil.example/",
            "http://localhost\\@evil.example/",
            "http://localhost:/token",
        ] {
            assert!(TokenUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn scopes_are_normalised_and_required() {
        assert_eq!(Scope::parse("  a   b ").unwrap().as_str(), "a b");
        assert_eq!(Scope::parse(" "), Err(ValueError::Missing { field: "Scope", example: MICROSOFT_SCOPE }));
        assert_eq!(ClientId::parse("x\ny"), Err(ValueError::TooLong { field: "Client ID", max: 255 }));
        assert_eq!(TokenUrl::parse_as("", "Authorization URL"), Err(UrlError::Missing { field: "Authorization URL" }));
        assert!(serde_json::from_str::<TokenUrl>("\"http://evil.example/t\"").is_err(), "deserialising runs the parser");
    }

    proptest! {
        #[test]
        fn method_keys_round_trip(i in 0usize..3) {
            let method = AuthMethod::ALL[i];
            prop_assert_eq!(AuthMethod::from_key(method.key()).unwrap(), method);
        }

        #[test]
        fn any_https_host_path_parses(host in "[a-z]{1,20}(\\.[a-z]{2,5}){1,2}", path in "(/[a-z0-9.]{1,10}){0,3}") {
            let url = format!("https://{host}{path}");
            let parsed = TokenUrl::parse(&url).unwrap();
            prop_assert_eq!(parsed.as_str(), url.as_str());
        }
    }
}
