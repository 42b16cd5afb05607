//! The right panel for one selection: nothing, a new settings, or an existing one loaded
//! from the server (or handed over by the save that created it).

use super::ctx;
use super::form::EditorForm;
use crate::api::{settings::get_settings, AppError, SettingsId, SettingsView};
use crate::ui::route::Selection;
use crate::ui::session::session;
use leptos::prelude::*;

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
            // The save that created it hands it over; otherwise it is read from the server.
            let handed = ctx.prefetched.get_value().filter(|v| v.id == id);
            ctx.prefetched.set_value(None);
            let load = LocalResource::new(move || {
                let handed = handed.clone();
                async move {
                    let found = match handed {
                        Some(view) => Ok(view),
                        None => get_settings(id).await,
                    };
                    match found {
                        Ok(view) => Load::Ready(Box::new(view)),
                        Err(AppError::NotFound(_)) => {
                            ctx.rows.update(|r| r.remove(id));
                            Load::Missing
                        }
                        Err(e) => session.unless_signed_out(e).map_or(Load::Loading, |e| Load::Failed(e.to_string())),
                    }
                }
            });
            (move || match load.get().unwrap_or(Load::Loading) {
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
