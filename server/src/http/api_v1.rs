//! The host application's HTTP API: `POST /api/v1/messages` queues a templated mail (an
//! invoice, say) and `GET /api/v1/messages/{id}` reports on it. This module speaks HTTP: the
//! bearer token, the body's size and JSON, the Idempotency-Key header and the status codes.
//! Errors name the bad field by its JSON path; the service does the rest.

use crate::service::messages::{ApiClient, MessageError, MessageStatus, NewMessage, Queued, MAX_ATTACHMENTS};
use crate::service::Mailroom;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::error::Category;
use serde_json::json;
use std::sync::Arc;

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

#[derive(Debug)]
pub struct ApiError {
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

impl From<MessageError> for ApiError {
    fn from(error: MessageError) -> Self {
        let message = error.to_string();
        match error {
            MessageError::Invalid { field, .. } => bad(StatusCode::UNPROCESSABLE_ENTITY, &field, message),
            MessageError::TooLarge { field, .. } => bad(StatusCode::PAYLOAD_TOO_LARGE, &field, message),
            MessageError::NotFound => plain(StatusCode::NOT_FOUND, message),
            MessageError::Conflict(_) => plain(StatusCode::CONFLICT, message),
            MessageError::Unsendable(_) => plain(StatusCode::UNPROCESSABLE_ENTITY, message),
            // Logged with a reference by `or_internal`; answered with that reference.
            MessageError::Internal(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, message),
        }
    }
}

async fn client(mailroom: &Mailroom, headers: &HeaderMap) -> Result<ApiClient, ApiError> {
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
    match mailroom.api_client(bearer.trim()).await {
        Ok(Some(client)) => Ok(client),
        Ok(None) => Err(plain(StatusCode::UNAUTHORIZED, "This API token is not valid or has been revoked.")),
        Err(e) => Err(MessageError::Internal(e).into()),
    }
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else { return Ok(None) };
    match value.to_str() {
        Ok(key) if !key.is_empty() && key.len() <= 200 => Ok(Some(key.to_owned())),
        _ => Err(bad(StatusCode::BAD_REQUEST, "Idempotency-Key", "Idempotency-Key must be 1 to 200 visible ASCII characters.")),
    }
}

/// What a field at `path` must hold, in the words of the API's documentation.
fn expected(path: &str) -> &'static str {
    match path {
        "variables" => "an object, e.g. {\"invoice\": {\"number\": \"42\"}}",
        "attachments" => "a list",
        _ if path.ends_with(']') => "an object with filename, content_type and content_base64",
        _ => "a string",
    }
}

/// The body as a typed request; a refusal names the JSON path at fault.
fn parse(body: &[u8]) -> Result<NewMessage, ApiError> {
    let mut reader = serde_json::Deserializer::from_slice(body);
    let parsed = serde_path_to_error::deserialize(&mut reader).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.classify() != Category::Data {
            return plain(StatusCode::BAD_REQUEST, format!("The body is not valid JSON: {inner}."));
        }
        let text = inner.to_string();
        if let Some(name) = text.strip_prefix("missing field `").and_then(|rest| rest.split('`').next()) {
            let field = if path == "." { name.to_owned() } else { format!("{path}.{name}") };
            return bad(StatusCode::UNPROCESSABLE_ENTITY, &field, format!("`{field}` is required."));
        }
        if path == "." {
            return plain(StatusCode::BAD_REQUEST, "The body must be a JSON object.");
        }
        if text.starts_with("invalid type: null") {
            return bad(StatusCode::UNPROCESSABLE_ENTITY, &path, format!("`{path}` is required."));
        }
        bad(StatusCode::UNPROCESSABLE_ENTITY, &path, format!("`{path}` must be {}.", expected(&path)))
    })?;
    reader.end().map_err(|e| plain(StatusCode::BAD_REQUEST, format!("The body is not valid JSON: {e}.")))?;
    Ok(parsed)
}

fn answer(status: StatusCode, message: MessageStatus) -> Response {
    let location = format!("/api/v1/messages/{}", message.id);
    (status, [(header::LOCATION, location)], Json(message)).into_response()
}

pub async fn create(State(mailroom): State<Arc<Mailroom>>, headers: HeaderMap, body: Body) -> Result<Response, ApiError> {
    let client = client(&mailroom, &headers).await?;
    let body = read_body(&headers, body).await?;
    let key = idempotency_key(&headers)?;
    if let Some(key) = &key {
        if let Some(before) = mailroom.replayed(&client, key).await? {
            return Ok(answer(StatusCode::OK, before));
        }
    }
    let message = parse(&body)?;
    match mailroom.queue_message(&client, key.as_deref(), message).await? {
        (Queued::New, queued) => Ok(answer(StatusCode::ACCEPTED, queued)),
        (Queued::Before, queued) => Ok(answer(StatusCode::OK, queued)),
    }
}

pub async fn status(
    State(mailroom): State<Arc<Mailroom>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let client = client(&mailroom, &headers).await?;
    let id = id.parse().map_err(|_| bad(StatusCode::BAD_REQUEST, "id", format!("“{id}” is not a message id.")))?;
    Ok(answer(StatusCode::OK, mailroom.message_status(&client, id).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(body: &str) -> (u16, Option<String>, String) {
        let error = parse(body.as_bytes()).expect_err(body);
        (error.status.as_u16(), error.field, error.message)
    }

    #[test]
    fn a_refusal_names_the_json_path_at_fault() {
        let (status, field, message) = refusal(r#"{"template": "Invoice"}"#);
        assert_eq!((status, field.as_deref(), message.as_str()), (422, Some("to"), "`to` is required."));
        let (_, field, message) = refusal(r#"{"template": "Invoice", "to": 5}"#);
        assert_eq!((field.as_deref(), message.as_str()), (Some("to"), "`to` must be a string."));
        let (_, field, _) = refusal(r#"{"template": null, "to": "a@example.com"}"#);
        assert_eq!(field.as_deref(), Some("template"));
        let (_, field, message) = refusal(r#"{"template": "Invoice", "to": "a@example.com", "variables": []}"#);
        assert_eq!(field.as_deref(), Some("variables"));
        assert!(message.starts_with("`variables` must be an object"), "{message}");
        let nested = r#"{"template": "T", "to": "a@example.com", "attachments": [
            {"filename": "a.pdf", "content_type": "application/pdf", "content_base64": ""},
            {"content_type": "application/pdf", "content_base64": ""}]}"#;
        assert_eq!(refusal(nested).1.as_deref(), Some("attachments[1].filename"));
        let typed = r#"{"template": "T", "to": "a@example.com", "attachments": [{"filename": 7}]}"#;
        let (_, field, message) = refusal(typed);
        assert_eq!(
            (field.as_deref(), message.as_str()),
            (Some("attachments[0].filename"), "`attachments[0].filename` must be a string.")
        );
    }

    #[test]
    fn a_body_that_is_not_one_json_object_is_a_bad_request() {
        assert_eq!(refusal("{not json").0, 400);
        assert_eq!(refusal(r#"{"template": "T", "to": "a@example.com"} trailing"#).0, 400);
        let (status, field, message) = refusal(r#"["template"]"#);
        assert_eq!((status, field, message.as_str()), (400, None, "The body must be a JSON object."));
    }

    #[test]
    fn unknown_fields_are_ignored_and_absent_optionals_are_empty() {
        let message = parse(br#"{"template": "Invoice", "to": "a@example.com", "to_name": null, "extra": 1}"#).unwrap();
        assert_eq!((message.template.as_str(), message.to.as_str()), ("Invoice", "a@example.com"));
        assert!(message.to_name.is_none() && message.variables.is_none() && message.attachments.is_none());
    }
}
