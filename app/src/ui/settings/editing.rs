//! The settings form's state: the values as typed, the version saved, the write-only secret,
//! and which message each field shows. Every message comes from the domain rules the server
//! enforces; the server's own answer and a failed test's findings come after them.

use super::SettingsList;
use crate::api::{SettingsId, SettingsView};
use crate::domain::{check_password, Field, FieldErrors, PasswordChange, SettingsForm, SAVED_PASSWORD_PLACEHOLDER};
use crate::ui::fields::TextField;
use crate::ui::shown::Shown;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Editing {
    pub draft: RwSignal<SettingsForm>,
    pub saved: RwSignal<Option<SettingsView>>,
    pub password: RwSignal<String>,
    /// "Clear password" is ticked.
    pub clear: RwSignal<bool>,
    pub shown: Shown<Field>,
    /// What the server refused on the last Save.
    pub server: RwSignal<FieldErrors>,
    /// Fields a failed test points at, with the reason.
    pub attention: RwSignal<Option<(Vec<Field>, String)>>,
    rows: RwSignal<SettingsList>,
}

impl Editing {
    pub fn new(initial: Option<SettingsView>, rows: RwSignal<SettingsList>) -> Self {
        let draft = RwSignal::new(initial.as_ref().map_or_else(SettingsForm::new_default, |v| v.form.clone()));
        let this = Self {
            draft,
            saved: RwSignal::new(initial),
            password: RwSignal::new(String::new()),
            clear: RwSignal::new(false),
            shown: Shown::new(),
            server: RwSignal::new(FieldErrors::default()),
            attention: RwSignal::new(None),
            rows,
        };
        // A test's findings are about the values it tested.
        Effect::new(move |_| {
            draft.track();
            this.password.track();
            this.attention.set(None);
        });
        this
    }

    pub fn id(&self) -> Option<SettingsId> {
        self.saved.with(|s| s.as_ref().map(|v| v.id))
    }

    pub fn has_password(&self) -> bool {
        self.saved.with(|s| s.as_ref().is_some_and(|v| v.has_password))
    }

    /// Whether the form differs from what is saved (a new one: from the defaults).
    pub fn is_dirty(&self) -> bool {
        let baseline = self.saved.with(|s| s.as_ref().map_or_else(SettingsForm::new_default, |v| v.form.clone()));
        self.draft.with(|d| *d != baseline) || self.password.with(|p| !p.is_empty()) || self.clear.get()
    }

    /// Whether the saved secret would now go to another server (it is then not reused).
    pub fn endpoint_changed(&self) -> bool {
        let new = self.draft.with(SettingsForm::validate).ok();
        let old = self.saved.with(|s| s.as_ref().and_then(|v| v.form.validate().ok()));
        matches!((new, old), (Some(new), Some(old)) if !new.same_endpoint(&old))
    }

    /// The form shows a version just saved (or restored): its values, no typing in progress.
    pub fn show_saved(&self, view: SettingsView) {
        self.draft.set(view.form.clone());
        self.saved.set(Some(view));
        self.password.set(String::new());
        self.clear.set(false);
        self.shown.reset();
        self.server.set(FieldErrors::default());
    }

    fn password_message(&self) -> Option<String> {
        let change = match PasswordChange::from_input(&self.password.get(), self.clear.get()) {
            Ok(change) => change,
            Err(error) => return Some(error.to_string()),
        };
        let new = self.draft.with(SettingsForm::validate).ok()?;
        let old = self.saved.with(|s| s.as_ref().and_then(|v| v.form.validate().ok().map(|f| (f, v.has_password))));
        check_password(&new, &change, old.as_ref().map(|(f, has)| (f, *has))).err().map(|e| e.to_string())
    }

    /// What the browser itself finds wrong with `field`, whether or not it is shown yet.
    pub fn local_message(&self, field: Field) -> Option<String> {
        match field {
            Field::Password => self.password_message(),
            Field::Name => self.draft.with(|d| d.check(field)).or_else(|| {
                let name = self.draft.with(|d| d.name.clone());
                self.rows.with(|rows| {
                    rows.name_taken(&name, self.id())
                        .map(|other| format!("Another SMTP settings is already named “{}”; choose a different name.", other.name))
                })
            }),
            _ => self.draft.with(|d| d.check(field)),
        }
    }

    /// The message under `field` now.
    pub fn message(&self, field: Field) -> Signal<Option<String>> {
        let this = *self;
        Signal::derive(move || {
            let from_test = this.attention.with(|a| {
                a.as_ref().filter(|(fields, _)| fields.contains(&field)).map(|(_, why)| format!("Send test email: {why}"))
            });
            if !this.shown.is_shown(field) {
                return from_test;
            }
            this.local_message(field).or_else(|| this.server.with(|s| s.get(field).map(str::to_owned))).or(from_test)
        })
    }

    pub fn text_field(&self, field: Field, kind: &'static str, autocomplete: &'static str) -> impl IntoView {
        let this = *self;
        view! {
            <TextField
                label=field.label()
                kind=kind
                autocomplete=autocomplete
                value=Signal::derive(move || this.draft.with(|d| d.text(field).to_owned()))
                on_input=Callback::new(move |v: String| {
                    this.draft.update(|d| d.set_text(field, v));
                    this.server.update(|s| s.remove(field));
                })
                on_blur=this.shown.left(field)
                error=this.message(field)
                required=field.is_required() || matches!(field, Field::TokenUrl | Field::ClientId | Field::Scope | Field::AuthorizeUrl)
            />
        }
    }

    /// The write-only secret: the password, or with OAuth2 the client secret.
    pub fn secret_field(&self, label: &'static str, what: &'static str) -> impl IntoView {
        let this = *self;
        view! {
            <TextField
                label=label
                kind="password"
                autocomplete="new-password"
                value=this.password
                on_input=Callback::new(move |v| {
                    this.password.set(v);
                    this.server.update(|s| s.remove(Field::Password));
                })
                on_blur=this.shown.left(Field::Password)
                error=this.message(Field::Password)
                disabled=this.clear
                placeholder=Signal::derive(move || if this.has_password() && !this.clear.get() { SAVED_PASSWORD_PLACEHOLDER.to_owned() } else { String::new() })
                hint=Signal::derive(move || this.has_password().then(|| if this.endpoint_changed() {
                    format!("The sign-in method, server, port, username, STARTTLS choice, trusted certificate or OAuth2 client changed, so the saved {what} will not be sent: type it again.")
                } else {
                    format!("Leave empty to keep the saved {what}.")
                }))
            />
        }
    }
}
