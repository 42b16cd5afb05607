//! Mailroom's server: configuration, storage, secrets, the operations behind the server
//! functions, and the HTTP surface that serves them with the embedded UI.

pub mod config;
pub mod crypto;
pub mod db;
pub mod http;
pub mod keyring;
pub mod mail;
pub mod outbox;
pub mod service;
mod startup;

pub use startup::{open_store, Application, StartError};
