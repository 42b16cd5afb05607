//! The HTTP surface: server functions under `/api`, the embedded UI for everything else, and
//! the layers every response passes through.

mod api_v1;
mod assets;
pub mod client_ip;
mod guard;
mod headers;
mod oauth;

use crate::config::Config;
use crate::service::Mailroom;
use app::api::{Api, CookiePolicy};
use axum::extract::{Request, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::provide_context;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

/// Server-function requests carry forms, never files; the largest is a template with its
/// bodies at their limits (300,000 characters).
const API_BODY_LIMIT: usize = 2 * 1024 * 1024;

pub fn router(mailroom: Arc<Mailroom>, config: &Config) -> Router {
    let api = ServerFns { api: mailroom.clone(), cookie: CookiePolicy::new(config.uses_https(), config.session_lifetime) };
    let origin: Arc<str> = Arc::from(config.public_url.as_str());
    // The API reads its own body, after the token check and within its own limit.
    let v1 = Router::new()
        .route("/api/v1/messages", post(api_v1::create))
        .route("/api/v1/messages/{id}", get(api_v1::status))
        .route("/oauth/callback", get(oauth::callback))
        .with_state(mailroom);
    let server_fns = Router::new()
        .route("/api/{*fn_name}", post(server_fn))
        .with_state(api)
        .layer(axum::middleware::from_fn_with_state(origin, guard::same_origin_only))
        .layer(RequestBodyLimitLayer::new(API_BODY_LIMIT));
    // Only the UI is compressed: server-function answers are small, and compressing the
    // streamed test progress would hold its lines back until the encoder flushed.
    let ui = Router::new().fallback(assets::serve).layer(CompressionLayer::new());
    Router::new()
        .merge(v1)
        .merge(server_fns)
        .merge(ui)
        .layer(axum::middleware::from_fn_with_state(Arc::new(config.trusted_proxies.clone()), guard::client_addr))
        .layer(axum::middleware::from_fn_with_state(config.uses_https(), headers::security_headers))
        .layer(TraceLayer::new_for_http())
}

/// What the server functions are given with each request.
#[derive(Clone)]
struct ServerFns {
    api: Api,
    cookie: CookiePolicy,
}

async fn server_fn(State(context): State<ServerFns>, request: Request) -> impl IntoResponse {
    let provide = move || {
        provide_context(context.api.clone());
        provide_context(context.cookie.clone());
    };
    leptos_axum::handle_server_fns_with_context(provide, request).await
}
