//! The right panel for one selection: nothing, a new settings, or an existing one loaded
//! from the server (or handed over by the save that created it).

use super::ctx;
use super::form::EditorForm;
use crate::api::{settings::get_settings, AppError, SettingsId, SettingsView};
use crate::ui::route::Selection;
use crate::ui::session::session;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone)]
enum Load {
    Loading,
    Ready(Box<SettingsView>),
    Missing,
    Failed(String),
}

#[component]
pub fn Editor(selection: Selection<SettingsId>) -> impl IntoView {
    let session = session();
    match selection {
        Selection::Nothing => view! {
            <h2 id="editor-heading" class="visually-hidden">"Edit SMTP Settings"</h2>
            <p class="empty">"Select SMTP settings on the left to edit them, or choose Add to create new ones."</p>
        }
        .into_any(),
        Selection::New => view! { <EditorForm initial=None /> }.into_any(),
        Selection::Unknown => view! { <Missing /> }.into_any(),
        Selection::Existing(id) => {
            let ctx = ctx();
            let load = RwSignal::new(Load::Loading);
            match ctx.prefetched.get_value().filter(|v| v.id == id) {
                Some(view) => load.set(Load::Ready(Box::new(view))),
                None => spawn_local(async move {
                    load.set(match get_settings(id).await {
                        Ok(view) => Load::Ready(Box::new(view)),
                        Err(AppError::NotFound(_)) => {
                            ctx.rows.update(|r| r.remove(id));
                            Load::Missing
                        }
                        Err(e) => match session.unless_signed_out(e) {
                            Some(e) => Load::Failed(e.to_string()),
                            None => return,
                        },
                    })
                }),
            }
            ctx.prefetched.set_value(None);
            (move || match load.get() {
                Load::Loading => view! {
                    <h2 id="editor-heading">"Edit SMTP Settings"</h2>
                    <p class="empty">"Loading…"</p>
                }
                .into_any(),
                Load::Ready(view) => view! { <EditorForm initial=Some(*view) /> }.into_any(),
                Load::Missing => view! { <Missing /> }.into_any(),
                Load::Failed(e) => view! {
                    <h2 id="editor-heading">"Edit SMTP Settings"</h2>
                    <p class="alert" role="alert">{e}</p>
                }
                .into_any(),
            })
            .into_any()
        }
    }
}

#[component]
fn Missing() -> impl IntoView {
    view! {
        <h2 id="editor-heading">"Edit SMTP Settings"</h2>
        <p class="alert" role="alert">"SMTP settings not found. They may have been deleted; choose others from the list."</p>
    }
}
