//! Server function for the Audit log panel: read-only, newest first, filtered on the server.

use super::operations::operations;
use super::span::Span;
use super::types::{AuditId, Timestamp};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: AuditId,
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub details: String,
    pub client: String,
}

/// Narrows the log beyond the text filter: one action, one person, a span of time. Every
/// part is optional; callers that send none get the whole log.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditNarrow {
    /// Exactly this action, as listed in `AuditChoices::actions`.
    pub action: Option<String>,
    /// Exactly this person, as listed in `AuditChoices::actors`.
    pub actor: Option<String>,
    /// When: `from` and `to` at the top level of the JSON.
    #[serde(flatten)]
    pub span: Span,
}

/// The actions and people the log holds, for the panel's choices.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditChoices {
    pub actions: Vec<String>,
    pub actors: Vec<String>,
}

/// How many entries one page holds.
pub const AUDIT_PAGE: usize = 200;

operations! {
    /// The Audit log panel.
    pub trait AuditApi {
        Admin "audit/list" => fn list_audit(filter: String, before: Option<AuditId>, narrow: Option<AuditNarrow>) -> Vec<AuditEntry>;
        Admin "audit/facets" => fn audit_facets() -> AuditChoices;
    }
}
