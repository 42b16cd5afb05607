//! The one error type every server function returns. Expected failures carry the text the user
//! reads; unexpected ones are logged in full on the server and arrive here as a short message.

use crate::domain::{FieldErrors, FieldKey};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Messages to show under the named fields.
    #[error("Some fields need attention: {}", summary(.0))]
    Invalid(FieldErrors),
    #[error("{0}")]
    NotFound(String),
    /// A rule about other records refused the change (a name in use, the last administrator).
    #[error("{0}")]
    Conflict(String),
    /// Someone saved the record after this editor loaded it.
    #[error("{} saved this after you opened it. Reload to see their version.", .by.as_deref().unwrap_or("Someone else"))]
    Stale { by: Option<String>, at: crate::api::Timestamp },
    #[error("You are not signed in, or your session has ended. Sign in again.")]
    SignedOut,
    #[error("Only administrators can use this panel.")]
    AdminOnly,
    /// A rule of the product refused the request; the text says which and what to do.
    #[error("{0}")]
    Refused(String),
    #[error("Too many attempts. Try again in {} minute{}.", .0, if *.0 == 1 { "" } else { "s" })]
    RateLimited(u64),
    /// The server is checking as many passwords as it can at once; seconds to wait.
    #[error("Mailroom is busy checking other sign-ins. Try again in {} second{}.", .0, if *.0 == 1 { "" } else { "s" })]
    Busy(u64),
    /// Something failed on the server that the user cannot fix; the details are in its log.
    #[error("{0}")]
    Server(String),
    /// The request never got a usable answer (network down, server stopped).
    #[error("Could not reach the Mailroom server ({0}). Check your connection and try again.")]
    Unreachable(String),
}

fn summary(errors: &FieldErrors) -> String {
    errors.iter().map(|(field, _)| field.label()).collect::<Vec<_>>().join(", ")
}

impl AppError {
    pub fn field(field: impl Into<FieldKey>, message: impl ToString) -> Self {
        Self::Invalid(FieldErrors::one(field, message))
    }

    pub fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            Self::Invalid(errors) => Some(errors),
            _ => None,
        }
    }

    /// The HTTP status the server answers with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid(_) => 422,
            Self::NotFound(_) => 404,
            Self::Conflict(_) | Self::Stale { .. } => 409,
            Self::SignedOut => 401,
            Self::AdminOnly => 403,
            Self::Refused(_) => 400,
            Self::RateLimited(_) => 429,
            Self::Busy(_) => 503,
            Self::Server(_) | Self::Unreachable(_) => 500,
        }
    }

    /// Seconds to send as `Retry-After`, for refusals that end by themselves.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited(minutes) => Some(minutes * 60),
            Self::Busy(seconds) => Some(*seconds),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(e) => Self::Unreachable(e),
            ServerFnErrorErr::Args(e) | ServerFnErrorErr::MissingArg(e) => {
                Self::Refused(format!("The request was not understood: {e}"))
            }
            // On the server, what could not be read is the request: its arguments, each parsed
            // by its type's own rules.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(e) => Self::Refused(format!("The request was not understood: {e}")),
            #[cfg(not(feature = "ssr"))]
            ServerFnErrorErr::Deserialization(_) => {
                Self::Server("The server sent an answer this page could not read. Reload the page.".into())
            }
            other => Self::Server(other.to_string()),
        }
    }
}
