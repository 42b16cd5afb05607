//! Glue between a server function and the `Backend`: reads the request, and turns an error
//! into the right HTTP status and a cookie into a header.

use super::backend::{Api, ClientAddr, RequestMeta, SetCookie};
use super::AppError;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

pub fn api() -> Result<(Api, RequestMeta), AppError> {
    let api = use_context::<Api>().ok_or_else(|| AppError::Server("The server is not set up to answer this.".into()))?;
    let parts = use_context::<http::request::Parts>();
    let meta = RequestMeta {
        cookies: parts
            .as_ref()
            .and_then(|p| p.headers.get(http::header::COOKIE))
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        client: parts.as_ref().and_then(|p| p.extensions.get::<ClientAddr>()).map(|c| c.0),
    };
    Ok((api, meta))
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

pub fn set_cookie(cookie: SetCookie) {
    if let (Some(options), Ok(value)) = (use_context::<ResponseOptions>(), http::HeaderValue::from_str(&cookie.0)) {
        options.append_header(http::header::SET_COOKIE, value);
    }
}
