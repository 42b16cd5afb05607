//! Server function for the Audit log panel: read-only, newest first, filtered on the server.

use super::types::{Id, Millis};
use super::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: Id,
    pub at: Millis,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub details: String,
    pub client: String,
}

/// How many entries one page holds.
pub const AUDIT_PAGE: usize = 200;

#[server(prefix = "/api", endpoint = "audit/list", input = Json)]
pub async fn list_audit(filter: String, before: Option<Id>) -> Result<Vec<AuditEntry>, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.list_audit(&req, filter, before).await)
}
