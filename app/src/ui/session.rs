//! Who is using the panel. Loaded once at start; any server function that answers "signed
//! out" sends the person to the sign-in page, which brings them back here afterwards.

use super::nav::Nav;
use super::route::encode;
use crate::api::{auth::who_am_i, AppError, CurrentUser};
use crate::domain::Role;
use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub enum SessionState {
    Loading,
    SignedOut,
    SignedIn(CurrentUser),
    /// The server could not be asked; the text says why.
    Failed(String),
}

#[derive(Clone, Copy)]
pub struct Session {
    pub state: RwSignal<SessionState>,
    nav: Nav,
}

impl Session {
    pub fn provide(nav: Nav) -> Self {
        let session = Self { state: RwSignal::new(SessionState::Loading), nav };
        provide_context(session);
        let asked = Action::new_local(|_: &()| who_am_i());
        asked.dispatch_local(());
        Effect::new(move |_| {
            let Some(answer) = asked.value().get() else { return };
            session.state.set(match answer {
                Ok(Some(user)) => SessionState::SignedIn(user),
                Ok(None) | Err(AppError::SignedOut) => SessionState::SignedOut,
                Err(e) => SessionState::Failed(e.to_string()),
            });
        });
        session
    }

    pub fn user(&self) -> Option<CurrentUser> {
        match self.state.get() {
            SessionState::SignedIn(user) => Some(user),
            _ => None,
        }
    }

    pub fn is_admin(&self) -> bool {
        self.user().is_some_and(|u| u.role == Role::Administrator)
    }

    /// Routes an error that means "sign in again" to the sign-in page; returns the rest.
    pub fn unless_signed_out(&self, error: AppError) -> Option<AppError> {
        if error == AppError::SignedOut {
            self.expired();
            None
        } else {
            Some(error)
        }
    }

    /// Someone just signed in on this page: they are the session now, and go to `path`.
    pub fn enter(&self, user: CurrentUser, path: &str) {
        self.state.set(SessionState::SignedIn(user));
        self.nav.replace(path);
    }

    /// Called when the server says the session is gone: sign in again, then come back.
    pub fn expired(&self) {
        self.state.set(SessionState::SignedOut);
        let here = self.nav.url().get_untracked();
        self.nav.replace(&format!("/sign-in?next={}", encode(&here)));
    }
}

pub fn session() -> Session {
    expect_context::<Session>()
}
