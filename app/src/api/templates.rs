//! Server functions for the Email templates panel.

use super::types::{Id, Millis};
use super::AppError;
use crate::domain::TemplateForm;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSummary {
    pub id: Id,
    pub name: String,
    pub subject: String,
    pub builtin: bool,
    /// None: the default settings.
    pub settings_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateView {
    pub id: Id,
    pub version: i64,
    pub form: TemplateForm,
    pub builtin: bool,
    /// Account mail Mailroom sends itself: it may use only the placeholders Mailroom fills.
    #[serde(default)]
    pub system: bool,
    /// Which built-in template it is, if it is one.
    #[serde(default)]
    pub builtin_key: Option<String>,
    pub created_at: Millis,
    pub created_by: Option<String>,
    pub updated_at: Millis,
    pub updated_by: Option<String>,
}

impl TemplateView {
    pub fn summary(&self, settings_name: Option<String>) -> TemplateSummary {
        TemplateSummary {
            id: self.id,
            name: self.form.name.clone(),
            subject: self.form.subject.clone(),
            builtin: self.builtin,
            settings_name,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateInput {
    pub id: Option<Id>,
    pub version: Option<i64>,
    pub form: TemplateForm,
}

/// A template rendered with the sample data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub from: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// The placeholders the template uses, in order: the data a sender must supply.
    #[serde(default)]
    pub needs: Vec<String>,
    /// The data it was rendered with: what was given, or samples for `needs`.
    #[serde(default)]
    pub sample: serde_json::Value,
}

/// A test of a saved template, queued to the signed-in administrator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateTest {
    /// Its id in the Delivery log.
    pub mail: Id,
    pub to: String,
}

#[server(prefix = "/api", endpoint = "templates/list", input = Json)]
pub async fn list_templates() -> Result<Vec<TemplateSummary>, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.list_templates(&req).await)
}

#[server(prefix = "/api", endpoint = "templates/get", input = Json)]
pub async fn get_template(id: Id) -> Result<TemplateView, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.get_template(&req, id).await)
}

#[server(prefix = "/api", endpoint = "templates/save", input = Json)]
pub async fn save_template(input: TemplateInput) -> Result<TemplateView, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.save_template(&req, input).await)
}

#[server(prefix = "/api", endpoint = "templates/delete", input = Json)]
pub async fn delete_template(id: Id) -> Result<(), AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.delete_template(&req, id).await)
}

/// Puts a built-in template's text and From back as shipped; refused over a newer version.
#[server(prefix = "/api", endpoint = "templates/restore", input = Json)]
pub async fn restore_template(id: Id, version: i64) -> Result<TemplateView, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.restore_template(&req, id, version).await)
}

/// Renders `form` with `sample` (or samples for the placeholders it uses), checked as a save
/// of template `id` (None: a new one) would be.
#[server(prefix = "/api", endpoint = "templates/preview", input = Json)]
pub async fn preview_template(
    form: TemplateForm,
    id: Option<Id>,
    sample: Option<serde_json::Value>,
) -> Result<Preview, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.preview_template(&req, form, id, sample).await)
}

/// Queues the saved template `id`, rendered with `sample` (or samples), to the signed-in
/// administrator through the template's SMTP settings.
#[server(prefix = "/api", endpoint = "templates/send-test", input = Json)]
pub async fn send_template_test(id: Id, sample: Option<serde_json::Value>) -> Result<TemplateTest, AppError> {
    let (api, req) = crate::api::context::api()?;
    crate::api::context::finish(api.send_template_test(&req, id, sample).await)
}
