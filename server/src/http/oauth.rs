//! GET /oauth/callback: where the provider sends the browser back after "Connect". No session
//! is needed (a strict session cookie is not sent on the way back from another site): the
//! one-time state says who started it, for which settings.

use crate::service::oauth::Callback;
use crate::service::Mailroom;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
pub struct Back {
    #[serde(default)]
    state: String,
    code: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

pub async fn callback(
    State(mailroom): State<Arc<Mailroom>>,
    client: Option<axum::Extension<app::api::ClientAddr>>,
    Query(back): Query<Back>,
) -> Response {
    let back = Callback { state: back.state, code: back.code, error: back.error, error_description: back.error_description };
    match mailroom.oauth_callback(client.map(|c| c.0 .0), back).await {
        Ok(id) => Redirect::to(&format!("/smtp-settings/{id}")).into_response(),
        Err(why) => (StatusCode::BAD_REQUEST, Html(page(&why))).into_response(),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn page(why: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Connect failed · Mailroom</title></head>\
         <body><main><h1>Connect failed</h1><p role=\"alert\">{}</p><p><a href=\"/smtp-settings\">Back to SMTP Settings</a></p></main></body></html>",
        escape(why)
    )
}
