//! First run: the one-time link printed by the server lets the first administrator choose
//! their name, email address and password.

use super::fields::TextField;
use super::nav::{nav, Link};
use super::route::Route;
use super::session::session;
use super::submit::Submit;
use crate::api::{auth::complete_setup, auth::setup_token_valid, NewUser};
use crate::domain::{check_new_person, AccountPassword, FieldKey, Role};
use leptos::prelude::*;

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
    let session = session();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let submit = Submit::new(
        |(token, user): &(String, NewUser)| complete_setup(token.clone(), user.clone()),
        move |user| session.enter(user, "/smtp-settings"),
    );
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let user = NewUser {
            name: name.get_untracked(),
            email: email.get_untracked(),
            role: Role::Administrator,
            password: password.get_untracked(),
        };
        match check_new_person(&user.name, &user.email, &user.password, FieldKey::Password) {
            Err(found) => submit.refuse(found),
            Ok(_) => submit.send((token.clone(), user)),
        }
    };
    view! {
        <form class="card" on:submit=send>
            <h1>"Create the first administrator"</h1>
            <p>"This account manages Mailroom's SMTP settings and its users."</p>
            <TextField label=FieldKey::PersonName.label() autocomplete="name" value=name on_input=move |v| name.set(v) error=submit.error(FieldKey::PersonName) required=true />
            <TextField label=FieldKey::PersonEmail.label() kind="email" autocomplete="username" value=email on_input=move |v| email.set(v) error=submit.error(FieldKey::PersonEmail) required=true />
            <TextField label=FieldKey::Password.label() kind="password" autocomplete="new-password" value=password on_input=move |v| password.set(v) error=submit.error(FieldKey::Password) required=true hint=Some(format!("At least {} characters.", AccountPassword::MIN_CHARS)) />
            {submit.alert()}
            <button type="submit" class="primary" disabled=submit.pending()>"Create administrator"</button>
        </form>
    }
}
