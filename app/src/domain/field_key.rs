//! Every input a form can show a message under, across the panel. The server's messages carry
//! these keys and the browser looks them up by them, so a label is written once, here or in
//! the form's own field enum.

use super::{Field, TemplateField};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FieldKey {
    /// A field of the SMTP settings form.
    Settings(Field),
    /// A field of the template editor.
    Template(TemplateField),
    /// The template preview's editable sample data.
    SampleData,
    /// The test email's recipient.
    Recipient,
    /// A person's name: first setup, an invitation, a user being edited.
    PersonName,
    /// A person's sign-in address.
    PersonEmail,
    /// A password typed to set up the first account or to confirm a change.
    Password,
    CurrentPassword,
    NewPassword,
    /// The password an administrator gives a user they add.
    InitialPassword,
    NewEmail,
    /// An API token's name.
    TokenName,
}

impl FieldKey {
    /// The label of the input the message shows under.
    pub fn label(self) -> &'static str {
        match self {
            FieldKey::Settings(field) => field.label(),
            FieldKey::Template(field) => field.label(),
            FieldKey::SampleData => "Sample data (JSON)",
            FieldKey::Recipient => "Recipient",
            FieldKey::PersonName | FieldKey::TokenName => "Name",
            FieldKey::PersonEmail => "Email address",
            FieldKey::Password => "Password",
            FieldKey::CurrentPassword => "Current password",
            FieldKey::NewPassword => "New password",
            FieldKey::InitialPassword => "Initial password",
            FieldKey::NewEmail => "New email address",
        }
    }
}

impl From<Field> for FieldKey {
    fn from(field: Field) -> Self {
        FieldKey::Settings(field)
    }
}

impl From<TemplateField> for FieldKey {
    fn from(field: TemplateField) -> Self {
        FieldKey::Template(field)
    }
}
