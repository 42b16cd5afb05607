//! Editing a user's name and sign-in address from the Users panel, in a dialog.

use super::dialog::{keep_focus_inside, modal_while};
use super::fields::TextField;
use super::format::date_time;
use super::submit::Submit;
use crate::api::users::update_user;
use crate::api::{AppError, UserView};
use crate::domain::{check_person, FieldKey};
use leptos::html::Dialog;
use leptos::prelude::*;

/// Open while `user` is Some; `saved` receives the user as stored.
#[component]
pub fn EditUserDialog(user: RwSignal<Option<UserView>>, saved: Callback<UserView>) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    let (name, email) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let submit = Submit::explained(
        |(shown, name, email): &(UserView, String, String)| update_user(shown.id, shown.version, name.clone(), email.clone()),
        move |stored| {
            user.set(None);
            let _ = saved.try_run(stored);
        },
        move |error| match error {
            AppError::Stale { by, at } => format!(
                "{} changed {} at {}, after you opened the list. Close, and edit again from the list as it is now.",
                by.unwrap_or_else(|| "Someone else".into()),
                user.with_untracked(|u| u.as_ref().map(|u| u.name.clone())).unwrap_or_default(),
                date_time(at)
            ),
            other => other.to_string(),
        },
    );
    modal_while(dialog, move || user.with(Option::is_some));
    Effect::new(move |_| {
        if let Some(u) = user.get() {
            name.set(u.name.clone());
            email.set(u.email.clone());
            submit.reset();
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(shown) = user.get_untracked() else { return };
        let (n, e) = (name.get_untracked(), email.get_untracked());
        match check_person(&n, &e) {
            Err(found) => submit.refuse(found),
            Ok(_) => submit.send((shown, n, e)),
        }
    };
    view! {
        <dialog node_ref=dialog class="confirm" aria-labelledby="edit-user-title" on:keydown=keep_focus_inside
            on:cancel=move |ev: leptos::ev::Event| { ev.prevent_default(); user.set(None); }>
            // Only while open: closed, its fields would share labels with the Add user form.
            <Show when=move || user.with(Option::is_some)>
            <form class="editor" on:submit=save novalidate>
                <h2 id="edit-user-title">{move || user.with(|u| u.as_ref().map(|u| format!("Edit {}", u.name)))}</h2>
                <TextField label=FieldKey::PersonName.label() scope="edit-user-" value=name on_input=move |v| name.set(v) error=submit.error(FieldKey::PersonName) required=true autocomplete="off" />
                <TextField label=FieldKey::PersonEmail.label() scope="edit-user-" kind="email" value=email on_input=move |v| email.set(v) error=submit.error(FieldKey::PersonEmail) required=true autocomplete="off"
                    hint=Some("The address they sign in with. Reset links already sent to the old one stop working.".to_owned()) />
                {submit.alert()}
                <div class="dialog-buttons">
                    <button type="submit" class="primary" disabled=submit.pending()>"Save"</button>
                    <button type="button" on:click=move |_| user.set(None)>"Cancel"</button>
                </div>
            </form>
            </Show>
        </dialog>
    }
}
