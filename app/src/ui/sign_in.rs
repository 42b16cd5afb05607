//! The sign-in page. Wrong email and wrong password get the same answer.

use super::fields::TextField;
use super::nav::{nav, Link};
use super::route::Route;
use super::session::{session, SessionState};
use crate::api::{auth::sign_in, Credentials};
use leptos::prelude::*;
use leptos::task::spawn_local;

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
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let credentials = Credentials { email: email.get_untracked(), password: password.get_untracked() };
        let next = next.clone();
        pending.set(true);
        spawn_local(async move {
            match sign_in(credentials).await {
                Ok(user) => {
                    session.state.set(SessionState::SignedIn(user));
                    nav.replace(next.as_deref().unwrap_or("/smtp-settings"));
                }
                Err(e) => {
                    password.set(String::new());
                    error.set(Some(e.to_string()));
                }
            }
            pending.set(false);
        });
    };
    view! {
        <main class="centered">
            <form class="card" on:submit=submit>
                <h1>"Sign in to Mailroom"</h1>
                <TextField label="Email address" kind="email" autocomplete="username" value=email on_input=move |v| email.set(v) />
                <TextField label="Password" kind="password" autocomplete="current-password" value=password on_input=move |v| password.set(v) />
                <Show when=move || error.with(Option::is_some)>
                    <p class="alert" role="alert">{move || error.get()}</p>
                </Show>
                <button type="submit" class="primary" disabled=pending>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
                <p><Link href="/forgot-password">"Forgot password?"</Link></p>
            </form>
        </main>
    }
}
