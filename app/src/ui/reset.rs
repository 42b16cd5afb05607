//! "Forgot password?" and the page its emailed link opens.

use super::fields::TextField;
use super::nav::{nav, Link};
use super::route::Route;
use super::session::session;
use super::submit::Submit;
use crate::api::auth::{forgot_password, reset_link_valid, reset_password};
use crate::domain::{AccountPassword, FieldErrors, FieldKey};
use leptos::prelude::*;

#[component]
pub fn ForgotPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let sent = RwSignal::new(false);
    let submit = Submit::new(|address: &String| forgot_password(address.clone()), move |()| sent.set(true));
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.send(email.get_untracked());
    };
    view! {
        <main class="centered">
            <Show when=move || !sent.get() fallback=|| view! {
                <section class="card" role="status">
                    <h1>"Check your email"</h1>
                    <p>"If an account uses that address, a link to choose a new password is on its way. It works once, for one hour."</p>
                    <Link href="/sign-in">"Back to sign in"</Link>
                </section>
            }>
                <form class="card" on:submit=send novalidate>
                    <h1>"Forgot your password?"</h1>
                    <p>"Enter the email address you sign in with, and Mailroom mails you a link to choose a new password."</p>
                    <TextField label=FieldKey::PersonEmail.label() kind="email" autocomplete="username" value=email on_input=move |v| email.set(v) error=submit.error(FieldKey::PersonEmail) />
                    {submit.alert()}
                    <button type="submit" class="primary" disabled=submit.pending()>"Send the link"</button>
                    <p><Link href="/sign-in">"Back to sign in"</Link></p>
                </form>
            </Show>
        </main>
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let nav = nav();
    let session = session();
    let token = match Route::parse(&nav.url().get_untracked()) {
        Route::Reset { token } => token,
        _ => String::new(),
    };
    let valid = LocalResource::new({
        let token = token.clone();
        move || {
            let token = token.clone();
            async move { reset_link_valid(token).await }
        }
    });
    let password = RwSignal::new(String::new());
    let submit = Submit::new(
        |(token, chosen): &(String, String)| reset_password(token.clone(), chosen.clone()),
        move |user| session.enter(user, "/smtp-settings"),
    );
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match AccountPassword::parse(&password.get_untracked()) {
            Err(error) => submit.refuse(FieldErrors::one(FieldKey::NewPassword, error)),
            Ok(_) => submit.send((token.clone(), password.get_untracked())),
        }
    };
    view! {
        <main class="centered">
            {move || match valid.get() {
                None => view! { <p class="card">"Checking the link…"</p> }.into_any(),
                Some(Ok(true)) => view! {
                    <form class="card" on:submit=send.clone() novalidate>
                        <h1>"Choose a new password"</h1>
                        <TextField label=FieldKey::NewPassword.label() kind="password" autocomplete="new-password" value=password on_input=move |v| password.set(v)
                            error=submit.error(FieldKey::NewPassword) required=true hint=Some(format!("At least {} characters.", AccountPassword::MIN_CHARS)) />
                        {submit.alert()}
                        <button type="submit" class="primary" disabled=submit.pending()>"Save and sign in"</button>
                    </form>
                }.into_any(),
                Some(Ok(false)) => view! {
                    <section class="card">
                        <h1>"This link no longer works"</h1>
                        <p>"Reset links work once, for one hour. Ask for a new one."</p>
                        <Link href="/forgot-password">"Ask for a new link"</Link>
                    </section>
                }.into_any(),
                Some(Err(e)) => view! { <p class="card alert" role="alert">{e.to_string()}</p> }.into_any(),
            }}
        </main>
    }
}
