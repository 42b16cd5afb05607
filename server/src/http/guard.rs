//! Request checks in front of the server functions. Leptos server functions have no CSRF
//! protection of their own: a state-changing request is accepted only from the public URL's
//! origin. Also records the client's address (see `client_ip`) for rate limits and logs.

use super::client_ip::TrustedProxies;
use app::api::{AppError, ClientAddr};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::Arc;

pub async fn same_origin_only(State(expected): State<Arc<str>>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let origin = request.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok());
    if origin == Some(&*expected) {
        return next.run(request).await;
    }
    let seen = origin.map_or_else(|| "no Origin header".to_owned(), |o| format!("Origin {o}"));
    tracing::warn!(%seen, path = %request.uri().path(), "refused a request from another origin");
    let error = AppError::Refused(format!(
        "This request did not come from Mailroom's own page ({seen}), so it was refused. Open Mailroom at {expected}."
    ));
    let body = serde_json::to_string(&error).unwrap_or_default();
    (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

pub async fn client_addr(State(proxies): State<Arc<TrustedProxies>>, mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(addr)) = request.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let client = proxies.client(addr.ip(), request.headers());
        request.extensions_mut().insert(ClientAddr(client));
    }
    next.run(request).await
}
