//! "Delete the SMTP settings “X”?" with Yes and No. Yes deletes and selects nothing; No and
//! Escape change nothing.

use super::ctx;
use crate::api::{settings::delete_settings, AppError, SettingsId};
use crate::ui::dialog::Confirm;
use crate::ui::nav::nav;
use crate::ui::route::Selection;
use crate::ui::submit::Submit;
use crate::ui::toast::toasts;
use leptos::prelude::*;

#[component]
pub fn DeleteDialog() -> impl IntoView {
    let nav = nav();
    let toasts = toasts();
    let ctx = ctx();
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
    // Someone else deleting them first is the same outcome: they are gone.
    let submit = Submit::new(
        |(id, name): &(SettingsId, String)| {
            let (id, name) = (*id, name.clone());
            async move {
                match delete_settings(id).await {
                    Ok(()) => Ok((id, format!("Deleted “{name}”."))),
                    Err(AppError::NotFound(_)) => Ok((id, format!("“{name}” had already been deleted by someone else."))),
                    Err(e) => Err(e),
                }
            }
        },
        move |(id, message): (SettingsId, String)| {
            ctx.deleting.set(false);
            ctx.rows.update(|r| r.remove(id));
            nav.replace(&Selection::Nothing.path());
            toasts.show(message);
        },
    );
    let answer = Callback::new(move |yes: bool| {
        let Some(target) = target() else { return };
        if yes {
            submit.send(target);
        } else {
            ctx.deleting.set(false);
            submit.reset();
        }
    });
    let yes_disabled = Signal::derive(move || submit.pending().get() || blocked.get());
    view! { <Confirm question title="Delete SMTP Settings" answer yes_disabled error=submit.message() /> }
}
