//! The fields of the template editor, with their labels as the editor shows them.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TemplateField {
    Name,
    Subject,
    TextBody,
    HtmlBody,
    FromName,
    FromEmail,
    Settings,
}

impl TemplateField {
    pub fn label(self) -> &'static str {
        match self {
            TemplateField::Name => "Name",
            TemplateField::Subject => "Subject",
            TemplateField::TextBody => "Text body",
            TemplateField::HtmlBody => "HTML body",
            TemplateField::FromName => "From name",
            TemplateField::FromEmail => "From email address",
            TemplateField::Settings => "SMTP settings",
        }
    }
}
