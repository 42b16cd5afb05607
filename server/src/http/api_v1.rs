//! The host application's HTTP API: `POST /api/v1/messages` queues a templated mail (an
//! invoice, say) and `GET /api/v1/messages/{id}` reports on it. Bearer API tokens, JSON in and
//! out, errors naming the bad field, and an Idempotency-Key so a retried request never queues
//! a second mail.

use crate::mail::compose::{filename_ok, Attachment};
use crate::service::{is_system_template, MailRequest, Mailroom, OrInternal, QueueError};
use app::api::ClientAddr;
use app::domain::{name_key, EmailAddress, FromName, SYSTEM_VARIABLES};
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};
use std::sync::Arc;

/// Attachments may total this much once decoded.
pub const MAX_ATTACHMENTS: usize = 10 * 1024 * 1024;

/// The largest body read: the attachments' base64 (4/3 of their size) and the rest.
pub const MAX_BODY: usize = 15 * 1024 * 1024;

fn too_large() -> ApiError {
    plain(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "The request body is over {} MiB; attachments may total at most {} MiB.",
            MAX_BODY / 1024 / 1024,
            MAX_ATTACHMENTS / 1024 / 1024
        ),
    )
}

/// Reads the body, refusing one that says or turns out to be over `MAX_BODY` before more of
/// it is read.
async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, ApiError> {
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY as u64) {
        return Err(too_large());
    }
    axum::body::to_bytes(body, MAX_BODY).await.map_err(|error| {
        use std::error::Error as _;
        let over = error.source().is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
        if over {
            too_large()
        } else {
            plain(StatusCode::BAD_REQUEST, format!("The request body could not be read: {error}."))
        }
    })
}

struct ApiError {
    status: StatusCode,
    field: Option<String>,
    message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": { "field": self.field, "message": self.message } }))).into_response()
    }
}

fn bad(status: StatusCode, field: &str, message: impl Into<String>) -> ApiError {
    ApiError { status, field: Some(field.to_owned()), message: message.into() }
}

fn plain(status: StatusCode, message: impl Into<String>) -> ApiError {
    ApiError { status, field: None, message: message.into() }
}

/// An unexpected failure: logged with a reference by `or_internal`, answered with that reference.
fn internal(error: app::api::AppError) -> ApiError {
    plain(StatusCode::INTERNAL_SERVER_ERROR, error.to_string())
}

async fn caller(mailroom: &Mailroom, headers: &HeaderMap) -> Result<(i64, String), ApiError> {
    let unauthorized = || {
        plain(
            StatusCode::UNAUTHORIZED,
            "Send an API token as `Authorization: Bearer mr_…`; administrators create tokens in the API tokens panel.",
        )
    };
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(unauthorized)?;
    match mailroom.api_caller(bearer.trim()).await {
        Ok(Some(found)) => Ok(found),
        Ok(None) => Err(plain(StatusCode::UNAUTHORIZED, "This API token is not valid or has been revoked.")),
        Err(e) => Err(internal(e)),
    }
}

fn status_body(id: i64, row: &crate::db::MailRow) -> Value {
    json!({
        "id": id,
        "status": row.status,
        "template": row.template_name,
        "recipient": row.recipient,
        "subject": row.subject,
        "attempts": row.attempts,
        "last_error": row.last_error,
        "created_at": row.created_at,
        "sent_at": row.sent_at,
    })
}

async fn existing(mailroom: &Mailroom, id: i64, token_id: i64, status: StatusCode) -> Response {
    match mailroom.db().mail_for_token(id, token_id).await.or_internal("reading the outbox") {
        Ok(Some(row)) => {
            (status, [(header::LOCATION, format!("/api/v1/messages/{id}"))], Json(status_body(id, &row))).into_response()
        }
        Ok(None) => plain(StatusCode::NOT_FOUND, "No message with this id was queued with this token.").into_response(),
        Err(e) => internal(e).into_response(),
    }
}

/// The mail this token already queued under `key`, if any.
async fn queued_with_key(mailroom: &Mailroom, token_id: i64, key: &str) -> Result<Option<i64>, ApiError> {
    mailroom.db().mail_by_idempotency_key(token_id, key).await.or_internal("reading the Idempotency-Key").map_err(internal)
}

fn text<'a>(body: &'a Value, field: &str, required: bool) -> Result<&'a str, ApiError> {
    match body.get(field) {
        Some(Value::String(s)) => Ok(s),
        None | Some(Value::Null) if !required => Ok(""),
        None | Some(Value::Null) => Err(bad(StatusCode::UNPROCESSABLE_ENTITY, field, format!("`{field}` is required."))),
        Some(_) => Err(bad(StatusCode::UNPROCESSABLE_ENTITY, field, format!("`{field}` must be a string."))),
    }
}

fn attachments(body: &Value) -> Result<Vec<Attachment>, ApiError> {
    let list = match body.get("attachments") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => return Err(bad(StatusCode::UNPROCESSABLE_ENTITY, "attachments", "`attachments` must be a list.")),
    };
    let mut total = 0;
    let mut out = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let at = |f: &str| format!("attachments[{i}].{f}");
        let field = |f: &str| -> Result<&str, ApiError> {
            item.get(f).and_then(Value::as_str).ok_or_else(|| {
                bad(StatusCode::UNPROCESSABLE_ENTITY, &at(f), format!("`{}` is required and must be a string.", at(f)))
            })
        };
        let filename = field("filename")?;
        if !filename_ok(filename) {
            return Err(bad(
                StatusCode::UNPROCESSABLE_ENTITY,
                &at("filename"),
                "A file name of 1 to 200 characters, without slashes or control characters.",
            ));
        }
        let content_type = field("content_type")?;
        if lettre::message::header::ContentType::parse(content_type).is_err() {
            return Err(bad(
                StatusCode::UNPROCESSABLE_ENTITY,
                &at("content_type"),
                format!("“{content_type}” is not a content type such as application/pdf."),
            ));
        }
        let bytes = STANDARD
            .decode(field("content_base64")?)
            .map_err(|e| bad(StatusCode::UNPROCESSABLE_ENTITY, &at("content_base64"), format!("Not valid base64: {e}.")))?;
        total += bytes.len();
        if total > MAX_ATTACHMENTS {
            return Err(bad(
                StatusCode::PAYLOAD_TOO_LARGE,
                "attachments",
                format!("Attachments may total at most {} MiB.", MAX_ATTACHMENTS / 1024 / 1024),
            ));
        }
        out.push(Attachment { filename: filename.to_owned(), content_type: content_type.to_owned(), bytes });
    }
    Ok(out)
}

pub async fn create(
    State(mailroom): State<Arc<Mailroom>>,
    client: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Response> {
    let (token_id, token_name) = caller(&mailroom, &headers).await.map_err(IntoResponse::into_response)?;
    let body = read_body(&headers, body).await.map_err(IntoResponse::into_response)?;
    let key = match headers.get("idempotency-key") {
        None => None,
        Some(value) => match value.to_str() {
            Ok(k) if !k.is_empty() && k.len() <= 200 => Some(k.to_owned()),
            _ => {
                return Err(bad(
                    StatusCode::BAD_REQUEST,
                    "Idempotency-Key",
                    "Idempotency-Key must be 1 to 200 visible ASCII characters.",
                )
                .into_response())
            }
        },
    };
    if let Some(key) = &key {
        if let Some(id) = queued_with_key(&mailroom, token_id, key).await.map_err(IntoResponse::into_response)? {
            return Ok(existing(&mailroom, id, token_id, StatusCode::OK).await);
        }
    }
    let body: Value = serde_json::from_slice(&body)
        .map_err(|e| plain(StatusCode::BAD_REQUEST, format!("The body is not valid JSON: {e}.")).into_response())?;
    if !body.is_object() {
        return Err(plain(StatusCode::BAD_REQUEST, "The body must be a JSON object.").into_response());
    }
    let fail = |e: ApiError| e.into_response();
    let template = text(&body, "template", true).map_err(fail)?;
    let to = EmailAddress::parse_as(text(&body, "to", true).map_err(fail)?, "`to`")
        .map_err(|m| fail(bad(StatusCode::UNPROCESSABLE_ENTITY, "to", m)))?;
    let to_name = FromName::parse(text(&body, "to_name", false).map_err(fail)?)
        .map_err(|m| fail(bad(StatusCode::UNPROCESSABLE_ENTITY, "to_name", m.replacen("From", "`to_name`", 1))))?;
    let variables = match body.get("variables") {
        None | Some(Value::Null) => json!({}),
        Some(v @ Value::Object(_)) => v.clone(),
        Some(_) => {
            return Err(fail(bad(
                StatusCode::UNPROCESSABLE_ENTITY,
                "variables",
                "`variables` must be an object, e.g. {\"invoice\": {\"number\": \"42\"}}.",
            )))
        }
    };
    let attachments = attachments(&body).map_err(fail)?;
    let template_id = match mailroom.db().template_by_name(&name_key(template)).await.or_internal("finding the template") {
        Ok(Some((_, Some(builtin)))) if is_system_template(&builtin) => {
            return Err(fail(bad(
                StatusCode::UNPROCESSABLE_ENTITY,
                "template",
                format!("“{template}” is account mail that Mailroom sends itself; it cannot be sent through the API."),
            )))
        }
        Ok(Some((id, _))) => id,
        Ok(None) => {
            return Err(fail(bad(
                StatusCode::UNPROCESSABLE_ENTITY,
                "template",
                format!("There is no template named “{template}”."),
            )))
        }
        Err(e) => return Err(fail(internal(e))),
    };
    if let Some(name) = variables.as_object().and_then(|given| given.keys().find(|k| SYSTEM_VARIABLES.contains(&k.as_str()))) {
        return Err(fail(bad(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("variables.{name}"),
            format!("`{name}` is filled in by Mailroom for account mail; it cannot be supplied through the API."),
        )));
    }
    let request = MailRequest {
        template_id,
        to_name: to_name.as_str(),
        to: &to,
        variables,
        attachments,
        api_token: Some(token_id),
        idempotency_key: key.as_deref(),
        expires_at: None,
    };
    let id = match mailroom.enqueue(request).await {
        Ok(id) => id,
        Err(QueueError::Render(crate::mail::render::RenderError::Missing(paths))) => {
            let named: Vec<String> = paths.iter().map(|p| format!("variables.{p}")).collect();
            return Err(fail(bad(
                StatusCode::UNPROCESSABLE_ENTITY,
                &named[0],
                format!("The template “{template}” needs {}.", named.join(", ")),
            )));
        }
        // The same key queued meanwhile by a parallel request (on this instance or another).
        Err(QueueError::Db(e)) if crate::db::is_unique_violation(&e) && key.is_some() => {
            let found = queued_with_key(&mailroom, token_id, key.as_deref().unwrap_or_default()).await.map_err(fail)?;
            let Some(id) = found else {
                let message = "Another request with this Idempotency-Key was being queued at the same moment; send it again.";
                return Err(fail(plain(StatusCode::CONFLICT, message)));
            };
            return Ok(existing(&mailroom, id, token_id, StatusCode::OK).await);
        }
        Err(e @ QueueError::NoSettings) => return Err(fail(plain(StatusCode::CONFLICT, e.to_string()))),
        Err(QueueError::Db(e)) => return Err(fail(internal(Err::<(), _>(e).or_internal("queueing the mail").unwrap_err()))),
        Err(e) => return Err(fail(plain(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))),
    };
    tracing::debug!(mail = id, token = %token_name, client = ?client.map(|Extension(c)| c.0), "mail queued through the API");
    Ok(existing(&mailroom, id, token_id, StatusCode::ACCEPTED).await)
}

pub async fn status(State(mailroom): State<Arc<Mailroom>>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let token_id = match caller(&mailroom, &headers).await {
        Ok((token_id, _)) => token_id,
        Err(e) => return e.into_response(),
    };
    match id.parse::<i64>() {
        Ok(id) => existing(&mailroom, id, token_id, StatusCode::OK).await,
        Err(_) => bad(StatusCode::BAD_REQUEST, "id", format!("“{id}” is not a message id.")).into_response(),
    }
}
