//! The template form's state: the values as typed, the version saved, and which message each
//! field shows. The browser's own rules come first, then what the live preview found, then the
//! server's answer to the last Save.

use super::TemplatesCtx;
use crate::api::templates::TemplateView;
use crate::api::TemplateId;
use crate::domain::{name_key, FieldErrors, TemplateField, TemplateForm};
use crate::ui::fields::{TextAreaField, TextField};
use crate::ui::shown::Shown;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct TemplateEditing {
    pub draft: RwSignal<TemplateForm>,
    pub saved: RwSignal<Option<TemplateView>>,
    pub shown: Shown<TemplateField>,
    /// What the server refused on the last Save.
    pub server: RwSignal<FieldErrors>,
    /// What the live preview found.
    pub checked: RwSignal<FieldErrors>,
    ctx: TemplatesCtx,
}

impl TemplateEditing {
    pub fn new(initial: Option<TemplateView>, ctx: TemplatesCtx) -> Self {
        Self {
            draft: RwSignal::new(initial.as_ref().map(|v| v.form.clone()).unwrap_or_default()),
            saved: RwSignal::new(initial),
            shown: Shown::new(),
            server: RwSignal::new(FieldErrors::default()),
            checked: RwSignal::new(FieldErrors::default()),
            ctx,
        }
    }

    pub fn id(&self) -> Option<TemplateId> {
        self.saved.with(|s| s.as_ref().map(|v| v.id))
    }

    pub fn is_dirty(&self) -> bool {
        self.draft.with(|d| self.saved.with(|s| s.as_ref().map_or(*d != TemplateForm::default(), |v| v.form != *d)))
    }

    /// The form shows a version just saved or restored.
    pub fn show_saved(&self, view: TemplateView) {
        self.server.set(FieldErrors::default());
        self.shown.reset();
        self.draft.set(view.form.clone());
        self.saved.set(Some(view));
    }

    /// The list on the left shows what was just stored.
    pub fn list_shows(&self, view: &TemplateView) {
        let settings = self.ctx.settings;
        let settings_name = view
            .form
            .settings_id
            .and_then(|sid| settings.try_with(|s| s.iter().find(|s| s.id == sid).map(|s| s.name.clone())).flatten());
        self.ctx.upsert(view.summary(settings_name));
    }

    /// Another template already has the name typed.
    fn name_taken(&self) -> Option<String> {
        let key = self.draft.with(|d| name_key(&d.name));
        self.ctx.rows.with(|rows| {
            rows.iter()
                .find(|r| Some(r.id) != self.id() && name_key(&r.name) == key)
                .map(|r| format!("Another template is already named “{}”.", r.name))
        })
    }

    /// What the browser finds wrong before saving, whether or not it is shown yet.
    pub fn blocks_save(&self) -> bool {
        !self.draft.with_untracked(|d| d.check()).is_empty() || self.name_taken().is_some()
    }

    pub fn message(&self, field: TemplateField) -> Signal<Option<String>> {
        let this = *self;
        Signal::derive(move || {
            let local = this
                .draft
                .with(|d| d.check())
                .get(field)
                .map(str::to_owned)
                .or_else(|| (field == TemplateField::Name).then(|| this.name_taken()).flatten());
            let found = move || this.checked.with(|c| c.get(field).map(str::to_owned));
            let shown = if this.shown.is_shown(field) { local.or_else(found) } else { None };
            shown.or_else(|| this.server.with(|s| s.get(field).map(str::to_owned)))
        })
    }

    /// A text input for `field`, reading and writing the draft through `get` and `set`.
    pub fn input(
        &self,
        field: TemplateField,
        get: fn(&TemplateForm) -> &String,
        set: fn(&mut TemplateForm, String),
        rows: Option<u32>,
        hint: Option<&'static str>,
    ) -> AnyView {
        let this = *self;
        let value = Signal::derive(move || this.draft.with(|d| get(d).clone()));
        let on_input = Callback::new(move |v: String| {
            this.draft.update(|d| set(d, v));
            this.server.update(|s| s.remove(field));
        });
        let required = TemplateForm::is_required(field);
        let (label, error, on_blur) = (field.label(), this.message(field), this.shown.left(field));
        match rows {
            Some(rows) => match hint {
                Some(hint) => view! { <TextAreaField label value on_input error on_blur required rows hint /> }.into_any(),
                None => view! { <TextAreaField label value on_input error on_blur required rows /> }.into_any(),
            },
            None => {
                let kind = if field == TemplateField::FromEmail { "email" } else { "text" };
                let hint = hint.map(str::to_owned);
                view! { <TextField label kind value on_input error on_blur required autocomplete="off" hint /> }.into_any()
            }
        }
    }
}
