//! Navigation through the History API, with one guard: while a form has unsaved changes,
//! every way of leaving it (a link, the list, back/forward, closing the tab) asks first.
//! The page renders from the committed path, so a refused move never unmounts the form.

use super::dialog::Confirm;
use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

#[derive(Clone, Copy)]
pub struct Nav {
    path: RwSignal<String>,
    /// What has unsaved changes, named for the question ("the SMTP settings “Relay”").
    pub unsaved: RwSignal<Option<String>>,
    pending: RwSignal<Option<String>>,
}

fn location() -> String {
    let loc = window().location();
    format!("{}{}", loc.pathname().unwrap_or_default(), loc.search().unwrap_or_default())
}

fn history(url: &str, replace: bool) {
    if let Ok(history) = window().history() {
        let _ = if replace {
            history.replace_state_with_url(&JsValue::NULL, "", Some(url))
        } else {
            history.push_state_with_url(&JsValue::NULL, "", Some(url))
        };
    }
}

impl Nav {
    pub fn provide() -> Self {
        let nav = Self { path: RwSignal::new(location()), unsaved: RwSignal::new(None), pending: RwSignal::new(None) };
        let handle = window_event_listener(ev::popstate, move |_| {
            let target = location();
            if nav.unsaved.get_untracked().is_some() {
                history(&nav.path.get_untracked(), false);
                nav.pending.set(Some(target));
            } else {
                nav.path.set(target);
            }
        });
        on_cleanup(move || handle.remove());
        let unload = window_event_listener(ev::beforeunload, move |ev| {
            if nav.unsaved.get_untracked().is_some() {
                ev.prevent_default();
                ev.set_return_value("unsaved");
            }
        });
        on_cleanup(move || unload.remove());
        provide_context(nav);
        nav
    }

    /// The path and query the page shows.
    pub fn url(&self) -> Signal<String> {
        self.path.into()
    }

    /// Go to `url`, asking first if something is unsaved.
    pub fn go(&self, url: &str) {
        if url == self.path.get_untracked() {
            return;
        }
        if self.unsaved.get_untracked().is_some() {
            self.pending.set(Some(url.to_owned()));
        } else {
            self.commit(url, false);
        }
    }

    /// Go without asking and without a history entry: redirects, and after save or delete.
    pub fn replace(&self, url: &str) {
        self.unsaved.set(None);
        self.commit(url, true);
    }

    fn commit(&self, url: &str, replace: bool) {
        history(url, replace);
        self.path.set(url.to_owned());
    }
}

pub fn nav() -> Nav {
    expect_context::<Nav>()
}

/// The "Discard unsaved changes?" question.
#[component]
pub fn UnsavedDialog() -> impl IntoView {
    let nav = nav();
    let question = Signal::derive(move || {
        nav.pending.get().map(|_| {
            let what = nav.unsaved.get().unwrap_or_default();
            format!("You have unsaved changes to {what}. Leave and discard them?")
        })
    });
    let answer = Callback::new(move |leave: bool| {
        if let Some(url) = nav.pending.get_untracked() {
            nav.pending.set(None);
            if leave {
                nav.unsaved.set(None);
                nav.commit(&url, false);
            }
        }
    });
    view! { <Confirm question title="Unsaved changes" answer yes_label="Discard changes" no_label="Keep editing" /> }
}

/// An `<a>` that navigates in-page (through the guard) on a plain click.
#[component]
pub fn Link(
    #[prop(into)] href: String,
    children: Children,
    #[prop(optional, into)] class: String,
    #[prop(optional)] current: bool,
) -> impl IntoView {
    let nav = nav();
    let target = href.clone();
    view! {
        <a
            href=href
            class=class
            aria-current=current.then_some("page")
            on:click=move |ev: ev::MouseEvent| {
                if ev.button() == 0 && !(ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key()) {
                    ev.prevent_default();
                    nav.go(&target);
                }
            }
        >
            {children()}
        </a>
    }
}
