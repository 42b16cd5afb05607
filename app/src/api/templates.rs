//! Server functions for the Email templates panel.

use super::operations::operations;
use super::types::{MailId, TemplateId, Timestamp};
use crate::domain::TemplateForm;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSummary {
    pub id: TemplateId,
    pub name: String,
    pub subject: String,
    pub builtin: bool,
    /// None: the default settings.
    pub settings_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateView {
    pub id: TemplateId,
    pub version: i64,
    pub form: TemplateForm,
    pub builtin: bool,
    /// Account mail Mailroom sends itself: it may use only the placeholders Mailroom fills.
    #[serde(default)]
    pub system: bool,
    /// Which built-in template it is, if it is one.
    #[serde(default)]
    pub builtin_key: Option<String>,
    pub created_at: Timestamp,
    pub created_by: Option<String>,
    pub updated_at: Timestamp,
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
    pub id: Option<TemplateId>,
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
    pub mail: MailId,
    pub to: String,
}

operations! {
    /// The Templates panel.
    pub trait TemplatesApi {
        Admin "templates/list" => fn list_templates() -> Vec<TemplateSummary>;
        Admin "templates/get" => fn get_template(id: TemplateId) -> TemplateView;
        Admin "templates/save" => fn save_template(input: TemplateInput) -> TemplateView;
        Admin "templates/delete" => fn delete_template(id: TemplateId) -> ();
        /// Puts a built-in template's text and From back as shipped; refused over a newer version.
        Admin "templates/restore" => fn restore_template(id: TemplateId, version: i64) -> TemplateView;
        /// Renders `form` with `sample` (or samples for the placeholders it uses), checked as a save
        /// of template `id` (None: a new one) would be.
        Admin "templates/preview" => fn preview_template(form: TemplateForm, id: Option<TemplateId>, sample: Option<serde_json::Value>) -> Preview;
    }
}

operations! {
    /// "Send test" for a saved template.
    pub trait TemplateTestApi {
        /// Queues the saved template `id`, rendered with `sample` (or samples), to the signed-in
        /// administrator through the template's SMTP settings.
        Admin "templates/send-test" => fn send_template_test(id: TemplateId, sample: Option<serde_json::Value>) -> TemplateTest;
    }
}
