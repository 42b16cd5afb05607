//! "Delete the SMTP settings “X”?" with Yes and No. Yes deletes and selects nothing; No and
//! Escape change nothing.

use super::ctx;
use crate::api::{settings::delete_settings, AppError};
use crate::ui::dialog::Confirm;
use crate::ui::nav::nav;
use crate::ui::route::Selection;
use crate::ui::session::session;
use crate::ui::toast::toasts;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn DeleteDialog() -> impl IntoView {
    let nav = nav();
    let session = session();
    let toasts = toasts();
    let ctx = ctx();
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let target = move || match ctx.selection.get() {
        Selection::Existing(id) => ctx.rows.with(|r| r.get(id).map(|s| (id, s.name.clone()))),
        _ => None,
    };
    // The default cannot go while other settings could take its place.
    let blocked = Signal::derive(move || match ctx.selection.get() {
        Selection::Existing(id) => ctx.rows.with(|r| r.len() > 1 && r.get(id).is_some_and(|s| s.is_default)),
        _ => false,
    });
    let question = Signal::derive(move || {
        ctx.deleting.get().then(target).flatten().map(|(_, name)| {
            if blocked.get() {
                format!("“{name}” is the default SMTP settings, so it cannot be deleted. Make other settings the default first (Make default, in their edit panel).")
            } else {
                format!("Delete the SMTP settings “{name}”? This cannot be undone.")
            }
        })
    });
    let answer = Callback::new(move |yes: bool| {
        let Some((id, name)) = target() else { return };
        if !yes {
            ctx.deleting.set(false);
            error.set(None);
            return;
        }
        pending.set(true);
        spawn_local(async move {
            let outcome = delete_settings(id).await;
            pending.set(false);
            let message = match outcome {
                Ok(()) => format!("Deleted “{name}”."),
                Err(AppError::NotFound(_)) => format!("“{name}” had already been deleted by someone else."),
                Err(e) => {
                    error.set(session.unless_signed_out(e).map(|e| e.to_string()));
                    return;
                }
            };
            ctx.deleting.set(false);
            error.set(None);
            ctx.rows.update(|r| r.remove(id));
            nav.replace(&Selection::Nothing.path());
            toasts.show(message);
        });
    });
    let yes_disabled = Signal::derive(move || pending.get() || blocked.get());
    view! { <Confirm question title="Delete SMTP Settings" answer yes_disabled error /> }
}
