//! Glue between a server function and the server: names the caller from the request's session
//! cookie and address, turns an error into its HTTP status, and a new session into a cookie.
//! Headers are read and written here and nowhere past it.

use super::backend::Api;
use super::caller::{Admin, Member, SessionToken, SignedIn, Visitor};
use super::{AppError, CurrentUser};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use std::net::IpAddr;
use std::time::Duration;

/// Set by the server on each request, so the caller's address is known.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub IpAddr);

/// How the session cookie is named and hardened; the server provides it beside the `Api`.
#[derive(Clone, Debug)]
pub struct CookiePolicy {
    name: &'static str,
    secure: bool,
    max_age: u64,
}

impl CookiePolicy {
    pub fn new(https: bool, lifetime: Duration) -> Self {
        let name = if https { "__Host-mailroom_session" } else { "mailroom_session" };
        Self { name, secure: https, max_age: lifetime.as_secs() }
    }

    fn header(&self, value: &str, max_age: u64) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        format!("{}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}", self.name)
    }

    /// The session token in a `Cookie` header, if it carries ours.
    pub fn token(&self, cookies: &str) -> Option<SessionToken> {
        cookies
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, value)| *name == self.name && !value.is_empty())
            .map(|(_, value)| SessionToken::new(value.to_owned()))
    }
}

fn unset() -> AppError {
    AppError::Server("The server is not set up to answer this.".into())
}

/// The server, and what the request says about its caller before any check.
pub fn visitor() -> Result<(Api, Visitor), AppError> {
    let api = use_context::<Api>().ok_or_else(unset)?;
    let policy = use_context::<CookiePolicy>().ok_or_else(unset)?;
    let parts = use_context::<http::request::Parts>();
    let headers = parts.as_ref().map(|p| &p.headers);
    let session =
        headers.and_then(|h| h.get(http::header::COOKIE)).and_then(|v| v.to_str().ok()).and_then(|cookies| policy.token(cookies));
    let client = parts.as_ref().and_then(|p| p.extensions.get::<ClientAddr>()).map(|c| c.0);
    Ok((api, Visitor { client, session }))
}

/// A kind of caller an operation can require.
pub trait Caller: Sized {
    fn identify(api: &Api, visitor: Visitor) -> impl std::future::Future<Output = Result<Self, AppError>> + Send;
}

impl Caller for Visitor {
    async fn identify(_: &Api, visitor: Visitor) -> Result<Self, AppError> {
        Ok(visitor)
    }
}

impl Caller for Member {
    async fn identify(api: &Api, visitor: Visitor) -> Result<Self, AppError> {
        api.member(&visitor).await?.ok_or(AppError::SignedOut)
    }
}

impl Caller for Admin {
    async fn identify(api: &Api, visitor: Visitor) -> Result<Self, AppError> {
        Admin::try_from(Member::identify(api, visitor).await?)
    }
}

/// The server and the caller, once the request shows one of kind `C`.
pub async fn caller<C: Caller>() -> Result<(Api, C), AppError> {
    let (api, visitor) = visitor()?;
    let caller = finish(C::identify(&api, visitor).await)?;
    Ok((api, caller))
}

/// Gives an error its HTTP status (and `Retry-After` when waiting helps); passes success through.
pub fn finish<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let (Err(error), Some(options)) = (&result, use_context::<ResponseOptions>()) {
        if let Ok(status) = http::StatusCode::from_u16(error.status()) {
            options.set_status(status);
        }
        if let Some(seconds) = error.retry_after() {
            options.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
        }
    }
    result
}

fn set_cookie(value: String) {
    if let (Some(options), Ok(value)) = (use_context::<ResponseOptions>(), http::HeaderValue::from_str(&value)) {
        options.append_header(http::header::SET_COOKIE, value);
    }
}

/// Hands the browser its new session; the user it belongs to.
pub fn start_session(signed: SignedIn) -> CurrentUser {
    if let Some(policy) = use_context::<CookiePolicy>() {
        set_cookie(policy.header(signed.session.expose(), policy.max_age));
    }
    signed.user
}

/// Tells the browser to forget its session.
pub fn end_session() {
    if let Some(policy) = use_context::<CookiePolicy>() {
        set_cookie(policy.header("", 0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_reads_only_its_own_name_and_hardens_over_https() {
        let plain = CookiePolicy::new(false, Duration::from_secs(3600));
        let token = |cookies| plain.token(cookies).map(|t| t.expose().to_owned());
        assert_eq!(token("a=1; mailroom_session=tok; b=2").as_deref(), Some("tok"));
        assert_eq!(token("xmailroom_session=tok"), None);
        assert_eq!(token("mailroom_session="), None);
        assert!(plain.header("t", 60).contains("HttpOnly; SameSite=Strict; Max-Age=60"));
        assert!(!plain.header("t", 60).contains("Secure"));
        let https = CookiePolicy::new(true, Duration::from_secs(3600));
        assert!(https.header("t", 60).starts_with("__Host-mailroom_session=t; Path=/;"));
        assert!(https.header("t", 60).ends_with("; Secure"));
    }
}
