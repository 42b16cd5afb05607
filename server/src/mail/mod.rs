//! Outgoing mail: the step-by-step test conversation over lettre's SMTP client, the TLS trust
//! it uses, the transcript it records, and the advice it gives when something fails.

pub mod certificate;
pub mod compose;
pub mod connection;
pub mod diagnose;
pub mod message;
pub mod oauth;
pub mod policy;
pub mod probe;
pub mod provider_replies;
pub mod queue_id;
pub mod read;
pub mod render;
pub mod reply_guard;
mod stream;
pub mod tls;
pub mod tls_problem;
pub mod token_problem;
mod transcript;
pub mod transport;

pub use probe::{Ended, Probe, Target};
