//! First run: the one-time link printed by the server lets the first administrator choose
//! their name, email address and password.

use super::fields::TextField;
use super::nav::{nav, Link};
use super::route::Route;
use super::session::{session, SessionState};
use crate::api::{auth::complete_setup, auth::setup_token_valid, AppError, NewUser};
use crate::domain::{AccountPassword, DisplayName, EmailAddress, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn Setup() -> impl IntoView {
    let nav = nav();
    let token = match Route::parse(&nav.url().get_untracked()) {
        Route::Setup { token } => token,
        _ => String::new(),
    };
    let valid = LocalResource::new({
        let token = token.clone();
        move || {
            let token = token.clone();
            async move { setup_token_valid(token).await }
        }
    });
    view! {
        <main class="centered">
            {move || match valid.get() {
                None => view! { <p class="card">"Checking the setup link…"</p> }.into_any(),
                Some(Ok(true)) => view! { <SetupForm token=token.clone() /> }.into_any(),
                Some(Ok(false)) => view! {
                    <section class="card">
                        <h1>"This setup link no longer works"</h1>
                        <p>"It has been used already, or it was never valid. If an administrator exists, sign in instead."</p>
                        <Link href="/sign-in">"Go to sign in"</Link>
                    </section>
                }.into_any(),
                Some(Err(e)) => view! { <p class="card alert" role="alert">{e.to_string()}</p> }.into_any(),
            }}
        </main>
    }
}

#[component]
fn SetupForm(token: String) -> impl IntoView {
    let nav = nav();
    let session = session();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let field_error = move |label: &'static str| {
        Signal::derive(move || {
            errors.with(|e| e.as_ref().and_then(|e| e.field_errors()).and_then(|f| f.get(label)).map(str::to_owned))
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut local = crate::domain::FieldErrors::default();
        if let Err(m) = DisplayName::parse(&name.get_untracked()) {
            local.push("Name", m);
        }
        if let Err(m) = EmailAddress::parse_as(&email.get_untracked(), "Email address") {
            local.push("Email address", m);
        }
        if let Err(m) = AccountPassword::parse(&password.get_untracked()) {
            local.push("Password", m);
        }
        if !local.is_empty() {
            errors.set(Some(AppError::Invalid(local)));
            return;
        }
        let user = NewUser {
            name: name.get_untracked(),
            email: email.get_untracked(),
            role: Role::Administrator,
            password: password.get_untracked(),
        };
        let token = token.clone();
        pending.set(true);
        spawn_local(async move {
            match complete_setup(token, user).await {
                Ok(user) => {
                    session.state.set(SessionState::SignedIn(user));
                    nav.replace("/smtp-settings");
                }
                Err(e) => errors.set(Some(e)),
            }
            pending.set(false);
        });
    };
    let general = move || errors.with(|e| e.as_ref().filter(|e| e.field_errors().is_none()).map(ToString::to_string));
    view! {
        <form class="card" on:submit=submit>
            <h1>"Create the first administrator"</h1>
            <p>"This account manages Mailroom's SMTP settings and its users."</p>
            <TextField label="Name" autocomplete="name" value=name on_input=move |v| name.set(v) error=field_error("Name") required=true />
            <TextField label="Email address" kind="email" autocomplete="username" value=email on_input=move |v| email.set(v) error=field_error("Email address") required=true />
            <TextField label="Password" kind="password" autocomplete="new-password" value=password on_input=move |v| password.set(v) error=field_error("Password") required=true hint=Some(format!("At least {} characters.", AccountPassword::MIN_CHARS)) />
            <Show when=move || general().is_some()>
                <p class="alert" role="alert">{general}</p>
            </Show>
            <button type="submit" class="primary" disabled=pending>"Create administrator"</button>
        </form>
    }
}
