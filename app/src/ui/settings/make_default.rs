//! "Make default": all application mail without SMTP settings of its own goes through the
//! default, so settings that were never tested, or whose last test failed, ask first.

use super::ctx;
use crate::api::{settings::make_default, AppError, SettingsId};
use crate::ui::dialog::Confirm;
use crate::ui::format::date_time;
use crate::ui::submit::Submit;
use crate::ui::toast::toasts;
use leptos::prelude::*;

#[component]
pub fn MakeDefault(id: SettingsId, done: Callback<()>, failed: Callback<AppError>) -> impl IntoView {
    let ctx = ctx();
    let toasts = toasts();
    let asking = RwSignal::new(false);
    let doubt = move || {
        ctx.rows.with(|rows| {
            rows.get(id).and_then(|s| match &s.last_test {
                None => Some(format!("“{}” has never been tested.", s.name)),
                Some(t) if !t.ok => Some(format!("The last test of “{}” failed ({}): {}.", s.name, date_time(t.at), t.summary)),
                Some(_) => None,
            })
        })
    };
    let submit = Submit::handled(
        |id: &SettingsId| make_default(*id),
        move |()| {
            ctx.rows.update(|rows| rows.make_default(id));
            done.run(());
            toasts.show("These are now the default SMTP settings.");
        },
        move |error| failed.run(error),
    );
    let make = move || submit.send(id);
    let question = Signal::derive(move || {
        asking.get().then(doubt).flatten().map(|doubt| {
            format!(
                "{doubt} Mail from templates without SMTP settings of their own will go through it. Make it the default anyway?"
            )
        })
    });
    let answer = Callback::new(move |yes: bool| {
        asking.set(false);
        if yes {
            make();
        }
    });
    let click = move |_| {
        if doubt().is_some() {
            asking.set(true);
        } else {
            make();
        }
    };
    view! {
        <button type="button" disabled=submit.pending() on:click=click>"Make default"</button>
        <Confirm question title="Make default" answer yes_label="Make default" />
    }
}
