//! Each person's own account: their password and their email address.

use super::fields::TextField;
use super::session::{session, SessionState};
use super::submit::Submit;
use super::toast::toasts;
use crate::api::users::{change_own_email, change_own_password};
use crate::domain::FieldKey;
use leptos::prelude::*;

#[component]
pub fn AccountPage() -> impl IntoView {
    let session = session();
    view! {
        <section class="page">
            <h1>"Your account"</h1>
            <p>{move || session.user().map(|u| format!("{} · {} · {}", u.name, u.email, u.role.label()))}</p>
            <ChangePassword />
            <ChangeEmail />
        </section>
    }
}

#[component]
fn ChangePassword() -> impl IntoView {
    let toasts = toasts();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let submit = Submit::new(
        |(current, new): &(String, String)| change_own_password(current.clone(), new.clone()),
        move |()| {
            current.set(String::new());
            new.set(String::new());
            toasts.show("Your password was changed. Other sessions were signed out.");
        },
    );
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.send((current.get_untracked(), new.get_untracked()));
    };
    view! {
        <form class="card inline-form" on:submit=send novalidate>
            <h2>"Change password"</h2>
            <TextField label=FieldKey::CurrentPassword.label() kind="password" autocomplete="current-password" value=current on_input=move |v| current.set(v) error=submit.error(FieldKey::CurrentPassword) />
            <TextField label=FieldKey::NewPassword.label() kind="password" autocomplete="new-password" value=new on_input=move |v| new.set(v) error=submit.error(FieldKey::NewPassword) />
            {submit.alert()}
            <button type="submit" class="primary" disabled=submit.pending()>"Change password"</button>
        </form>
    }
}

#[component]
fn ChangeEmail() -> impl IntoView {
    let session = session();
    let toasts = toasts();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let submit = Submit::new(
        |(password, email): &(String, String)| change_own_email(password.clone(), email.clone()),
        move |user: crate::api::CurrentUser| {
            password.set(String::new());
            email.set(String::new());
            toasts.show(format!("Your email address is now {}.", user.email));
            session.state.set(SessionState::SignedIn(user));
        },
    );
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.send((password.get_untracked(), email.get_untracked()));
    };
    view! {
        <form class="card inline-form" on:submit=send novalidate>
            <h2>"Change email address"</h2>
            <TextField label=FieldKey::NewEmail.label() kind="email" autocomplete="email" value=email on_input=move |v| email.set(v) error=submit.error(FieldKey::NewEmail) />
            <TextField label=FieldKey::Password.label() kind="password" autocomplete="current-password" value=password on_input=move |v| password.set(v) error=submit.error(FieldKey::Password) />
            {submit.alert()}
            <button type="submit" class="primary" disabled=submit.pending()>"Change email address"</button>
        </form>
    }
}
