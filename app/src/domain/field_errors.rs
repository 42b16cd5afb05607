//! Messages for a form, each under the field it belongs to.

use super::FieldKey;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(Vec<(FieldKey, String)>);

impl FieldErrors {
    pub fn one(field: impl Into<FieldKey>, message: impl ToString) -> Self {
        Self(vec![(field.into(), message.to_string())])
    }

    pub fn push(&mut self, field: impl Into<FieldKey>, message: impl ToString) {
        self.0.push((field.into(), message.to_string()));
    }

    pub fn remove(&mut self, field: impl Into<FieldKey>) {
        let field = field.into();
        self.0.retain(|(f, _)| *f != field);
    }

    pub fn get(&self, field: impl Into<FieldKey>) -> Option<&str> {
        let field = field.into();
        self.0.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FieldKey, &str)> {
        self.0.iter().map(|(f, m)| (*f, m.as_str()))
    }
}
