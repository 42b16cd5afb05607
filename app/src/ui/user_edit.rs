//! Editing a user's name and sign-in address from the Users panel, in a dialog.

use super::dialog::{keep_focus_inside, modal_while};
use super::fields::{focus_first_invalid, TextField};
use super::format::date_time;
use super::session::session;
use crate::api::users::update_user;
use crate::api::{AppError, UserView};
use crate::domain::{DisplayName, EmailAddress, FieldErrors};
use leptos::html::Dialog;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Open while `user` is Some; `saved` receives the user as stored.
#[component]
pub fn EditUserDialog(user: RwSignal<Option<UserView>>, saved: Callback<UserView>) -> impl IntoView {
    let session = session();
    let dialog = NodeRef::<Dialog>::new();
    let (name, email) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    modal_while(dialog, move || user.with(Option::is_some));
    Effect::new(move |_| {
        if let Some(u) = user.get() {
            name.set(u.name.clone());
            email.set(u.email.clone());
            errors.set(FieldErrors::default());
            general.set(None);
        }
    });
    let error = move |label: &'static str| Signal::derive(move || errors.with(|e| e.get(label).map(str::to_owned)));
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(shown) = user.get_untracked() else { return };
        let mut local = FieldErrors::default();
        if let Err(m) = DisplayName::parse(&name.get_untracked()) {
            local.push("Name", m);
        }
        if let Err(m) = EmailAddress::parse_as(&email.get_untracked(), "Email address") {
            local.push("Email address", m);
        }
        errors.set(local.clone());
        if !local.is_empty() {
            focus_first_invalid();
            return;
        }
        pending.set(true);
        spawn_local(async move {
            match update_user(shown.id, shown.version, name.get_untracked(), email.get_untracked()).await {
                Ok(stored) => {
                    user.set(None);
                    let _ = saved.try_run(stored);
                }
                Err(AppError::Invalid(e)) => {
                    errors.set(e);
                    focus_first_invalid();
                }
                Err(AppError::Stale { by, at }) => general.set(Some(format!(
                    "{} changed {} at {}, after you opened the list. Close, and edit again from the list as it is now.",
                    by.unwrap_or_else(|| "Someone else".into()),
                    shown.name,
                    date_time(at)
                ))),
                Err(e) => general.set(session.unless_signed_out(e).map(|e| e.to_string())),
            }
            let _ = pending.try_set(false);
        });
    };
    view! {
        <dialog node_ref=dialog class="confirm" aria-labelledby="edit-user-title" on:keydown=keep_focus_inside
            on:cancel=move |ev: leptos::ev::Event| { ev.prevent_default(); user.set(None); }>
            // Only while open: closed, its fields would share labels with the Add user form.
            <Show when=move || user.with(Option::is_some)>
            <form class="editor" on:submit=save novalidate>
                <h2 id="edit-user-title">{move || user.with(|u| u.as_ref().map(|u| format!("Edit {}", u.name)))}</h2>
                <TextField label="Name" scope="edit-user-" value=name on_input=move |v| name.set(v) error=error("Name") required=true autocomplete="off" />
                <TextField label="Email address" scope="edit-user-" kind="email" value=email on_input=move |v| email.set(v) error=error("Email address") required=true autocomplete="off"
                    hint=Some("The address they sign in with. Reset links already sent to the old one stop working.".to_owned()) />
                <Show when=move || general.with(Option::is_some)>
                    <p class="alert" role="alert">{move || general.get()}</p>
                </Show>
                <div class="dialog-buttons">
                    <button type="submit" class="primary" disabled=pending>"Save"</button>
                    <button type="button" on:click=move |_| user.set(None)>"Cancel"</button>
                </div>
            </form>
            </Show>
        </dialog>
    }
}
