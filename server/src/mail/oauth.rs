//! OAuth2 access tokens for XOAUTH2, from the token endpoint by the client credentials grant or
//! with a refresh token, and the authorisation-code exchange behind "Connect" (with PKCE).
//! The outbox caches each token until shortly before it expires; the test always gets a fresh
//! one, since it is there to prove the settings work. Tokens and secrets are never logged.

use app::domain::oauth::{ClientId, Scope, TokenUrl};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How the access token is asked for.
#[derive(Clone, Copy)]
pub enum Grant<'a> {
    ClientCredentials,
    RefreshToken(&'a SecretString),
}

/// What a token request needs.
pub struct Client<'a> {
    pub token_url: &'a TokenUrl,
    pub client_id: &'a ClientId,
    pub scope: &'a Scope,
    pub secret: &'a SecretString,
    pub grant: Grant<'a>,
}

pub struct Token {
    pub access: SecretString,
    pub lifetime: Duration,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("these settings are not connected: choose Connect and sign in at the provider")]
    NotConnected,
    #[error("no client secret is saved: type the client secret")]
    NoSecret,
    #[error("the provider gave no refresh token; its consent screen must grant offline access")]
    NoRefreshToken,
    #[error("the token endpoint could not be reached: {0}")]
    Unreachable(String),
    /// The endpoint's own words: the OAuth2 `error` and `error_description`.
    #[error("the token endpoint refused (HTTP {status}): {error}{}", if description.is_empty() { String::new() } else { format!(": {description}") })]
    Refused { status: u16, error: String, description: String },
    #[error("the token endpoint's answer is not an OAuth2 token (HTTP {status}): {detail}")]
    Malformed { status: u16, detail: String },
}

#[derive(Deserialize)]
struct Granted {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<String>,
}

#[derive(Deserialize)]
struct Refusal {
    error: String,
    #[serde(default)]
    error_description: String,
}

/// The cache key: the endpoint, client and scope, and a digest of the secret, so that a new
/// secret never reuses a token got with the old one.
type Key = (String, String, String, [u8; 32]);

fn digest(parts: &[&str]) -> [u8; 32] {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hash.finalize().into()
}

/// A client's turn to fetch: held while fetching; when its last fetch failed, and how.
type FetchTurn = tokio::sync::Mutex<Option<(Instant, TokenError)>>;

pub struct Tokens {
    http: reqwest::Client,
    cache: Mutex<HashMap<Key, (SecretString, Instant)>>,
    /// One fetch at a time per client: the lanes that open connections together wait for the
    /// first one's token, or its failure, instead of each asking the endpoint again. Holds when
    /// the client's last fetch failed, and how.
    fetching: Mutex<HashMap<Key, Arc<FetchTurn>>>,
}

impl Tokens {
    pub fn new(timeout: Duration) -> Self {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a TLS client with the built-in roots");
        Self { http, cache: Mutex::new(HashMap::new()), fetching: Mutex::new(HashMap::new()) }
    }

    fn key(client: &Client<'_>) -> Key {
        let refresh = match client.grant {
            Grant::ClientCredentials => "",
            Grant::RefreshToken(token) => token.expose_secret(),
        };
        let secrets = digest(&[client.secret.expose_secret(), refresh]);
        (client.token_url.as_str().to_owned(), client.client_id.as_str().to_owned(), client.scope.as_str().to_owned(), secrets)
    }

    /// A token from the endpoint, never from the cache.
    pub async fn fetch(&self, client: &Client<'_>) -> Result<Token, TokenError> {
        let mut form = vec![
            ("client_id", client.client_id.as_str()),
            ("client_secret", client.secret.expose_secret()),
            ("scope", client.scope.as_str()),
        ];
        match client.grant {
            Grant::ClientCredentials => form.push(("grant_type", "client_credentials")),
            Grant::RefreshToken(token) => {
                form.extend([("grant_type", "refresh_token"), ("refresh_token", token.expose_secret())])
            }
        }
        self.post(client.token_url, &form).await.map(|(token, _)| token)
    }

    /// "Connect": trades the authorisation code for tokens; the refresh token is what lasts.
    pub async fn exchange(
        &self,
        client: &Client<'_>,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
    ) -> Result<SecretString, TokenError> {
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
            ("client_id", client.client_id.as_str()),
            ("client_secret", client.secret.expose_secret()),
        ];
        match self.post(client.token_url, &form).await? {
            (_, Some(refresh)) => Ok(refresh),
            (_, None) => Err(TokenError::NoRefreshToken),
        }
    }

    async fn post(&self, url: &TokenUrl, form: &[(&str, &str)]) -> Result<(Token, Option<SecretString>), TokenError> {
        let response = self
            .http
            .post(url.as_str())
            .header("accept", "application/json")
            .form(form)
            .send()
            .await
            .map_err(|e| TokenError::Unreachable(chain(&e)))?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(|e| TokenError::Unreachable(chain(&e)))?;
        if (200..300).contains(&status) {
            let granted: Granted = serde_json::from_slice(&body)
                .map_err(|_| TokenError::Malformed { status, detail: "no access_token in the answer".into() })?;
            // Whatever the endpoint claims, a token is kept a day at most.
            let lifetime = Duration::from_secs(granted.expires_in.unwrap_or(3600).min(86_400));
            let refresh = granted.refresh_token.map(SecretString::from);
            return Ok((Token { access: SecretString::from(granted.access_token), lifetime }, refresh));
        }
        match serde_json::from_slice::<Refusal>(&body) {
            Ok(refusal) => Err(TokenError::Refused {
                status,
                error: printable(&refusal.error, 100),
                description: printable(&refusal.error_description, 600),
            }),
            Err(_) => Err(TokenError::Malformed { status, detail: printable(&String::from_utf8_lossy(&body), 200) }),
        }
    }

    /// A cached token that is not about to expire, or a fresh one (then cached).
    pub async fn get(&self, client: &Client<'_>) -> Result<SecretString, TokenError> {
        let key = Self::key(client);
        if let Some(token) = self.cached(&key) {
            return Ok(token);
        }
        let asked = Instant::now();
        let turn =
            self.fetching.lock().unwrap_or_else(std::sync::PoisonError::into_inner).entry(key.clone()).or_default().clone();
        let mut last_failure = turn.lock().await;
        // Another caller may have fetched it while this one waited, or failed to: then that
        // failure is this caller's answer too.
        if let Some(token) = self.cached(&key) {
            return Ok(token);
        }
        if let Some((_, failure)) = last_failure.as_ref().filter(|(at, _)| *at >= asked) {
            return Err(failure.clone());
        }
        let token = match self.fetch(client).await {
            Ok(token) => {
                *last_failure = None;
                token
            }
            Err(failure) => {
                *last_failure = Some((Instant::now(), failure.clone()));
                return Err(failure);
            }
        };
        // Renew a minute early, or halfway through a short lifetime.
        let margin = (token.lifetime / 2).min(Duration::from_secs(60));
        self.lock().insert(key, (token.access.clone(), Instant::now() + token.lifetime - margin));
        Ok(token.access)
    }

    fn cached(&self, key: &Key) -> Option<SecretString> {
        self.lock().get(key).filter(|(_, until)| Instant::now() < *until).map(|(token, _)| token.clone())
    }

    /// Drops the cached token after the server refused it (revoked before it expired).
    pub fn forget(&self, client: &Client<'_>) {
        self.lock().remove(&Self::key(client));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, (SecretString, Instant)>> {
        self.cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

/// At most `max` characters, on one line.
fn printable(text: &str, max: usize) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(max).collect::<String>().trim().to_owned()
}

/// What a Microsoft Entra ID (AADSTS…) code in the endpoint's answer means, and the field to fix.
pub fn explain(description: &str) -> Option<(&'static str, app::domain::Field)> {
    use app::domain::Field;
    const KNOWN: &[(&str, &str, Field)] = &[
        (
            "AADSTS7000215",
            "The client secret is wrong. Use the secret's Value from the app registration, not its Secret ID.",
            Field::Password,
        ),
        (
            "AADSTS7000222",
            "The client secret has expired. Create a new one under the app registration's Certificates & secrets.",
            Field::Password,
        ),
        (
            "AADSTS700016",
            "No application with this Client ID exists in this tenant. Check Client ID, and the tenant in Token URL.",
            Field::ClientId,
        ),
        ("AADSTS90002", "The tenant in Token URL does not exist. Use the tenant ID or its primary domain.", Field::TokenUrl),
        ("AADSTS900023", "The tenant in Token URL is not a valid tenant ID or domain.", Field::TokenUrl),
        (
            "AADSTS70011",
            "The scope is not valid. For Microsoft 365 SMTP, use https://outlook.office365.com/.default.",
            Field::Scope,
        ),
        (
            "AADSTS1002012",
            "The scope is not valid. For Microsoft 365 SMTP, use https://outlook.office365.com/.default.",
            Field::Scope,
        ),
        ("AADSTS7000218", "The request lacked a client secret. Type the client secret.", Field::Password),
    ];
    KNOWN.iter().find(|(code, _, _)| description.contains(code)).map(|(_, meaning, field)| (*meaning, *field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entra_codes_are_explained_and_unknown_ones_are_not() {
        let (meaning, field) = explain("AADSTS7000215: Invalid client secret provided. Ensure the secret being sent...").unwrap();
        assert!(meaning.contains("Value") && field == app::domain::Field::Password);
        assert_eq!(
            explain("AADSTS700016: Application with identifier 'x' was not found").unwrap().1,
            app::domain::Field::ClientId
        );
        assert!(explain("something else").is_none());
    }

    #[test]
    fn the_endpoints_words_are_kept_on_one_bounded_line() {
        assert_eq!(printable("bad\r\nthing", 100), "bad  thing");
        assert_eq!(printable(&"x".repeat(1000), 10).len(), 10);
    }
}
