//! The server-function API: the only door between browser and server.

pub mod audit;
pub mod auth;
#[cfg(feature = "ssr")]
pub mod caller;
pub mod delivery;
mod error;
pub mod history;
mod listed_settings;
mod operations;
mod prepared;
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
pub use listed_settings::{ListedSettings, LiveState};
#[cfg(feature = "ssr")]
pub use prepared::Prepared;
pub use prepared::Sent;
pub use span::Span;
pub use types::*;

#[cfg(feature = "ssr")]
pub use backend::{Api, Backend};
#[cfg(feature = "ssr")]
pub use context::{ClientAddr, CookiePolicy};
#[cfg(feature = "ssr")]
pub use test_email::TestEvents;
