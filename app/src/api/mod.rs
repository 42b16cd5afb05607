//! The server-function API: the only door between browser and server.

pub mod audit;
pub mod auth;
pub mod delivery;
mod error;
pub mod history;
pub mod settings;
mod span;
pub mod templates;
pub mod test_email;
pub mod tokens;
mod types;
pub mod users;

#[cfg(feature = "ssr")]
mod backend;
#[cfg(feature = "ssr")]
mod context;

pub use error::AppError;
pub use span::Span;
pub use types::*;

#[cfg(feature = "ssr")]
pub use backend::{Api, Backend, ClientAddr, RequestMeta, SetCookie, TestEvents};
