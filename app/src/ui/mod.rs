//! The panels. `App` picks one from the URL; each file holds one panel or one piece they share.

mod account;
mod alerts;
mod audit;
mod audit_export;
mod audit_narrow;
mod date_range;
mod delivery;
mod delivery_narrow;
mod dialog;
mod fields;
mod format;
mod history;
mod icons;
mod latest;
mod loaded;
mod mail_details;
mod nav;
mod resend;
mod reset;
mod route;
mod session;
mod settings;
mod setup;
mod shell;
mod shown;
mod sign_in;
mod submit;
mod templates;
mod theme;
mod toast;
mod tokens;
mod user_edit;
mod users;

use leptos::prelude::*;
use nav::{Nav, UnsavedDialog};
use route::{Panel, Route};
use session::{Session, SessionState};
use toast::{ToastRegion, Toasts};

#[component]
pub fn App() -> impl IntoView {
    theme::apply_stored();
    let nav = Nav::provide();
    Toasts::provide();
    let session = Session::provide(nav);
    let panel = Memo::new(move |_| Route::parse(&nav.url().get()).panel());
    alerts::Alerts::provide(session, panel);
    let state = Memo::new(move |_| match session.state.get() {
        SessionState::SignedIn(user) => Some(Ok(user.role)),
        SessionState::Failed(e) => Some(Err(e)),
        SessionState::SignedOut => Some(Err(String::new())),
        SessionState::Loading => None,
    });
    Effect::new(move |_| {
        let signed_out = session.state.with(|s| *s == SessionState::SignedOut);
        if signed_out && !matches!(panel.get(), Panel::SignIn | Panel::Setup | Panel::Forgot | Panel::Reset) {
            session.expired();
        }
    });
    let page = move || {
        let panel = panel.get();
        match (panel, state.get()) {
            (Panel::SignIn, _) => view! { <sign_in::SignIn /> }.into_any(),
            (Panel::Setup, _) => view! { <setup::Setup /> }.into_any(),
            (Panel::Forgot, _) => view! { <reset::ForgotPage /> }.into_any(),
            (Panel::Reset, _) => view! { <reset::ResetPage /> }.into_any(),
            (_, None) => view! { <p class="centered">"Loading…"</p> }.into_any(),
            (_, Some(Err(e))) if !e.is_empty() => view! { <p class="centered alert" role="alert">{e}</p> }.into_any(),
            (_, Some(Err(_))) => ().into_any(),
            (_, Some(Ok(role))) => {
                let admin = role == crate::domain::Role::Administrator;
                let body = match panel {
                    Panel::Settings if admin => view! { <settings::SettingsPage /> }.into_any(),
                    Panel::Users if admin => view! { <users::UsersPage /> }.into_any(),
                    Panel::Audit if admin => view! { <audit::AuditPage /> }.into_any(),
                    Panel::Templates if admin => view! { <templates::TemplatesPage /> }.into_any(),
                    Panel::Delivery if admin => view! { <delivery::DeliveryPage /> }.into_any(),
                    Panel::Tokens if admin => view! { <tokens::TokensPage /> }.into_any(),
                    Panel::Settings | Panel::Users | Panel::Audit | Panel::Templates | Panel::Delivery | Panel::Tokens => {
                        view! { <shell::AdminOnly /> }.into_any()
                    }
                    Panel::Account => view! { <account::AccountPage /> }.into_any(),
                    _ => view! { <shell::NotFound /> }.into_any(),
                };
                view! { <shell::Shell panel>{body}</shell::Shell> }.into_any()
            }
        }
    };
    view! {
        {page}
        <UnsavedDialog />
        <ToastRegion />
    }
}
