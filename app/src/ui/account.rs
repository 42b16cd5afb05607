//! Each person's own account: their password and their email address.

use super::fields::TextField;
use super::session::{session, Session, SessionState};
use super::toast::toasts;
use crate::api::users::{change_own_email, change_own_password};
use crate::api::AppError;
use crate::domain::FieldErrors;
use leptos::prelude::*;
use leptos::task::spawn_local;

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

fn field(errors: RwSignal<FieldErrors>, label: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || errors.with(|e| e.get(label).map(str::to_owned)))
}

fn fail(session: Session, error: AppError, errors: RwSignal<FieldErrors>, general: RwSignal<Option<String>>) {
    match error {
        AppError::Invalid(e) => errors.set(e),
        e => general.set(session.unless_signed_out(e).map(|e| e.to_string())),
    }
}

#[component]
fn ChangePassword() -> impl IntoView {
    let session = session();
    let toasts = toasts();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(FieldErrors::default());
        general.set(None);
        let (c, n) = (current.get_untracked(), new.get_untracked());
        spawn_local(async move {
            match change_own_password(c, n).await {
                Ok(()) => {
                    current.set(String::new());
                    new.set(String::new());
                    toasts.show("Your password was changed. Other sessions were signed out.");
                }
                Err(e) => fail(session, e, errors, general),
            }
        });
    };
    view! {
        <form class="card inline-form" on:submit=submit novalidate>
            <h2>"Change password"</h2>
            <TextField label="Current password" kind="password" autocomplete="current-password" value=current on_input=move |v| current.set(v) error=field(errors, "Current password") />
            <TextField label="New password" kind="password" autocomplete="new-password" value=new on_input=move |v| new.set(v) error=field(errors, "New password") />
            <Show when=move || general.with(Option::is_some)><p class="alert" role="alert">{move || general.get()}</p></Show>
            <button type="submit" class="primary">"Change password"</button>
        </form>
    }
}

#[component]
fn ChangeEmail() -> impl IntoView {
    let session = session();
    let toasts = toasts();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let general = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(FieldErrors::default());
        general.set(None);
        let (p, e) = (password.get_untracked(), email.get_untracked());
        spawn_local(async move {
            match change_own_email(p, e).await {
                Ok(user) => {
                    password.set(String::new());
                    email.set(String::new());
                    toasts.show(format!("Your email address is now {}.", user.email));
                    session.state.set(SessionState::SignedIn(user));
                }
                Err(e) => fail(session, e, errors, general),
            }
        });
    };
    view! {
        <form class="card inline-form" on:submit=submit novalidate>
            <h2>"Change email address"</h2>
            <TextField label="New email address" kind="email" autocomplete="email" value=email on_input=move |v| email.set(v) error=field(errors, "New email address") />
            <TextField label="Password" kind="password" autocomplete="current-password" value=password on_input=move |v| password.set(v) error=field(errors, "Password") />
            <Show when=move || general.with(Option::is_some)><p class="alert" role="alert">{move || general.get()}</p></Show>
            <button type="submit" class="primary">"Change email address"</button>
        </form>
    }
}
