//! Mailroom's product: domain types, the server-function API and the UI.

pub mod api;
pub mod domain;
pub mod ui;

pub use ui::App;
