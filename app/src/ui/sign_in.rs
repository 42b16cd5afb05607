//! The sign-in page. Wrong email and wrong password get the same answer.

use super::fields::TextField;
use super::nav::{nav, Link};
use super::route::Route;
use super::session::session;
use super::submit::Submit;
use crate::api::{auth::sign_in, Credentials};
use leptos::prelude::*;

#[component]
pub fn SignIn() -> impl IntoView {
    let nav = nav();
    let session = session();
    let next = match Route::parse(&nav.url().get_untracked()) {
        Route::SignIn { next } => next,
        _ => None,
    };
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let submit = Submit::explained(
        |credentials: &Credentials| sign_in(credentials.clone()),
        move |user| session.enter(user, next.as_deref().unwrap_or("/smtp-settings")),
        move |error| {
            password.set(String::new());
            error.to_string()
        },
    );
    let pending = submit.pending();
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.send(Credentials { email: email.get_untracked(), password: password.get_untracked() });
    };
    view! {
        <main class="centered">
            <form class="card" on:submit=send>
                <h1>"Sign in to Mailroom"</h1>
                <TextField label="Email address" kind="email" autocomplete="username" value=email on_input=move |v| email.set(v) />
                <TextField label="Password" kind="password" autocomplete="current-password" value=password on_input=move |v| password.set(v) />
                {submit.alert()}
                <button type="submit" class="primary" disabled=pending>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
                <p><Link href="/forgot-password">"Forgot password?"</Link></p>
            </form>
        </main>
    }
}
