//! The API tokens panel: the host application's keys to POST /api/v1/messages. A new token is
//! shown once; afterwards only its first characters are.

use super::dialog::Confirm;
use super::fields::TextField;
use super::format::date_time;
use super::session::session;
use super::toast::toasts;
use crate::api::tokens::{create_token, list_tokens, revoke_token, TokenView};
use crate::api::AppError;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn TokensPage() -> impl IntoView {
    let session = session();
    let toasts = toasts();
    let tokens = RwSignal::new(Vec::<TokenView>::new());
    let name = RwSignal::new(String::new());
    let name_error = RwSignal::new(None::<String>);
    let created = RwSignal::new(None::<String>);
    let revoking = RwSignal::new(None::<TokenView>);
    let error = RwSignal::new(None::<String>);
    let refresh = move || {
        spawn_local(async move {
            match list_tokens().await {
                Ok(list) => tokens.set(list),
                Err(e) => error.set(session.unless_signed_out(e).map(|e| e.to_string())),
            }
        })
    };
    refresh();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let wanted = name.get_untracked();
        spawn_local(async move {
            match create_token(wanted).await {
                Ok(new) => {
                    created.set(Some(new.token));
                    name.set(String::new());
                    name_error.set(None);
                    refresh();
                }
                Err(AppError::Invalid(e)) => name_error.set(e.get("Name").map(str::to_owned)),
                Err(e) => error.set(session.unless_signed_out(e).map(|e| e.to_string())),
            }
        });
    };
    let answer = Callback::new(move |yes: bool| {
        let target = revoking.get_untracked();
        revoking.set(None);
        let Some(token) = target.filter(|_| yes) else { return };
        spawn_local(async move {
            match revoke_token(token.id).await {
                Ok(_) => {
                    toasts.show(format!("Revoked “{}”.", token.name));
                    refresh();
                }
                Err(e) => error.set(session.unless_signed_out(e).map(|e| e.to_string())),
            }
        });
    });
    let copy = move |token: String| {
        spawn_local(async move {
            let written = wasm_bindgen_futures::JsFuture::from(window().navigator().clipboard().write_text(&token)).await;
            toasts.show(match written {
                Ok(_) => "Copied the token.",
                Err(_) => "The browser did not allow copying; select the token and copy it yourself.",
            });
        });
    };
    view! {
        <section class="page">
            <h1>"API tokens"</h1>
            <p class="hint">"The application that sends invoices authenticates to " <code>"POST /api/v1/messages"</code> " with one of these, as " <code>"Authorization: Bearer mr_…"</code> "."</p>
            <Show when=move || error.with(Option::is_some)><p class="alert" role="alert">{move || error.get()}</p></Show>
            <Show when=move || tokens.with(Vec::is_empty)>
                <p class="empty">"No API tokens yet. Create one for each application that sends mail through Mailroom, so that each can be revoked on its own."</p>
            </Show>
            <table class="users cards" hidden=move || tokens.with(Vec::is_empty)>
                <thead><tr><th>"Name"</th><th>"Token"</th><th>"Created"</th><th>"Last used"</th><th>"Status"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
                <tbody>
                    <For each=move || tokens.get() key=|t| t.clone() let:t>
                        <tr>
                            <td data-label="Name">{t.name.clone()}</td>
                            <td data-label="Token"><code>{t.prefix.clone()}</code></td>
                            <td data-label="Created">{date_time(t.created_at)}</td>
                            <td data-label="Last used">{t.last_used_at.map(date_time).unwrap_or_else(|| "Never".into())}</td>
                            <td data-label="Status">{if t.revoked_at.is_some() { "Revoked" } else { "Active" }}</td>
                            <td data-label="Actions">{t.revoked_at.is_none().then(|| {
                                let token = t.clone();
                                view! { <button type="button" aria-label=format!("Revoke {}", t.name) on:click=move |_| revoking.set(Some(token.clone()))>"Revoke"</button> }
                            })}</td>
                        </tr>
                    </For>
                </tbody>
            </table>
            <form class="card inline-form" on:submit=create novalidate>
                <h2>"Create a token"</h2>
                <TextField label="Name" value=name on_input=move |v| name.set(v) error=name_error required=true autocomplete="off"
                    hint=Some("What will use it, e.g. Billing system.".to_owned()) />
                <button type="submit" class="primary">"Create token"</button>
            </form>
            {move || created.get().map(|token| view! {
                <div class="card new-token" role="status">
                    <h2>"Copy this token now"</h2>
                    <p>"It is shown only this once; Mailroom keeps only a hash of it."</p>
                    <input type="text" readonly aria-label="New API token" prop:value=token.clone() on:focus=move |ev| {
                        if let Some(input) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok()) {
                            input.select();
                        }
                    } />
                    <button type="button" on:click=move |_| copy(token.clone())>"Copy"</button>
                </div>
            })}
            <Confirm
                question=Signal::derive(move || revoking.get().map(|t| format!("Revoke “{}” ({})? Requests with it are refused at once.", t.name, t.prefix)))
                title="Revoke API token"
                answer
                yes_label="Revoke"
            />
        </section>
    }
}
