//! The frame around every signed-in panel: the product name, the panels, who is signed in.

use super::nav::{nav, Link};
use super::route::Panel;
use super::session::{session, SessionState};
use crate::api::auth::sign_out;
use leptos::prelude::*;

#[component]
pub fn Shell(panel: Panel, children: Children) -> impl IntoView {
    let nav = nav();
    let session = session();
    // Whatever the server answers, this browser is signed out, even if the frame was redrawn
    // meanwhile.
    let leave = Action::new_local(move |_: &()| async move {
        let _ = sign_out().await;
        session.state.set(SessionState::SignedOut);
        nav.replace("/sign-in");
    });
    let signing_out = leave.pending();
    let on_sign_out = move |_| {
        leave.dispatch_local(());
    };
    view! {
        <a class="skip-link" href="#main" on:click=skip_to_main>"Skip to main content"</a>
        <header class="topbar">
            <span class="brand">"Mailroom"</span>
            <nav aria-label="Panels">
                <Show when=move || session.is_admin()>
                    <Link href="/smtp-settings" current={panel == Panel::Settings}>"SMTP Settings"</Link>
                    <Link href="/templates" current={panel == Panel::Templates}>"Templates"</Link>
                    <Link href="/delivery-log" current={panel == Panel::Delivery}>"Delivery log"</Link>
                    <Link href="/api-tokens" current={panel == Panel::Tokens}>"API tokens"</Link>
                    <Link href="/users" current={panel == Panel::Users}>"Users"</Link>
                    <Link href="/audit-log" current={panel == Panel::Audit}>"Audit log"</Link>
                </Show>
                <Link href="/account" current={panel == Panel::Account}>"Account"</Link>
            </nav>
            <super::theme::ThemeChoice />
            <span class="who">{move || session.user().map(|u| u.name)}</span>
            <button type="button" class="link" on:click=on_sign_out disabled=signing_out>"Sign out"</button>
        </header>
        <Show when=move || session.is_admin()>
            <super::alerts::DeliveryAlerts />
        </Show>
        <main class="content" id="main" tabindex="-1">{children()}</main>
    }
}

/// Moves focus to the panel itself, past the top bar (the URL keeps no fragment).
fn skip_to_main(ev: leptos::ev::MouseEvent) {
    ev.prevent_default();
    if let Some(main) = document().get_element_by_id("main") {
        let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(main).focus();
    }
}

#[component]
pub fn AdminOnly() -> impl IntoView {
    view! {
        <section class="notice">
            <h1>"Administrators only"</h1>
            <p>"This panel holds mail server credentials, so only administrators can open it. Ask an administrator if you need access."</p>
            <p><Link href="/account">"Go to your account"</Link></p>
        </section>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="notice">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <p><Link href="/smtp-settings">"Go to SMTP Settings"</Link></p>
        </section>
    }
}
