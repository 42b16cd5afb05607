//! The API tokens panel: the host application's keys to POST /api/v1/messages. A new token is
//! shown once; afterwards only its first characters are.

use super::dialog::Confirm;
use super::fields::TextField;
use super::format::date_time;
use super::loaded::loaded;
use super::submit::Submit;
use super::toast::toasts;
use crate::api::tokens::{create_token, list_tokens, revoke_token, TokenView};
use crate::domain::FieldKey;
use leptos::prelude::*;

#[component]
pub fn TokensPage() -> impl IntoView {
    let toasts = toasts();
    let tokens = loaded(list_tokens);
    let revoking = RwSignal::new(None::<TokenView>);
    let revoke = Submit::new(
        |token: &TokenView| revoke_token(token.id),
        move |revoked: TokenView| {
            toasts.show(format!("Revoked “{}”.", revoked.name));
            tokens.refetch();
        },
    );
    let answer = Callback::new(move |yes: bool| {
        let target = revoking.get_untracked();
        revoking.set(None);
        if let Some(token) = target.filter(|_| yes) {
            revoke.send(token);
        }
    });
    view! {
        <section class="page">
            <h1>"API tokens"</h1>
            <p class="hint">"The application that sends invoices authenticates to " <code>"POST /api/v1/messages"</code> " with one of these, as " <code>"Authorization: Bearer mr_…"</code> "."</p>
            {revoke.alert()}
            {move || match tokens.get() {
                None => view! { <p class="empty">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="alert" role="alert">{e}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="empty">"No API tokens yet. Create one for each application that sends mail through Mailroom, so that each can be revoked on its own."</p>
                }.into_any(),
                Some(Ok(list)) => view! { <TokenTable list revoking /> }.into_any(),
            }}
            <CreateToken created=Callback::new(move |()| tokens.refetch()) />
            <Confirm
                question=Signal::derive(move || revoking.get().map(|t| format!("Revoke “{}” ({})? Requests with it are refused at once.", t.name, t.prefix)))
                title="Revoke API token"
                answer
                yes_label="Revoke"
            />
        </section>
    }
}

#[component]
fn TokenTable(list: Vec<TokenView>, revoking: RwSignal<Option<TokenView>>) -> impl IntoView {
    view! {
        <table class="users cards">
            <thead><tr><th>"Name"</th><th>"Token"</th><th>"Created"</th><th>"Last used"</th><th>"Status"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
            <tbody>
                <For each=move || list.clone() key=|t| t.clone() let:t>
                    <tr>
                        <td data-label=FieldKey::TokenName.label()>{t.name.clone()}</td>
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
    }
}

#[component]
fn CreateToken(created: Callback<()>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let shown = RwSignal::new(None::<String>);
    let submit = Submit::new(
        |name: &String| create_token(name.clone()),
        move |new: crate::api::tokens::NewToken| {
            shown.set(Some(new.token));
            name.set(String::new());
            created.run(());
        },
    );
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.send(name.get_untracked());
    };
    view! {
        <form class="card inline-form" on:submit=send novalidate>
            <h2>"Create a token"</h2>
            <TextField label="Name" value=name on_input=move |v| name.set(v) error=submit.error(FieldKey::TokenName) required=true autocomplete="off"
                hint=Some("What will use it, e.g. Billing system.".to_owned()) />
            {submit.alert()}
            <button type="submit" class="primary" disabled=submit.pending()>"Create token"</button>
        </form>
        {move || shown.get().map(|token| view! { <NewToken token /> })}
    }
}

/// A token just created: shown once, to copy.
#[component]
fn NewToken(token: String) -> impl IntoView {
    let toasts = toasts();
    // The toast is the app's, so it shows even if this card is gone by the time the browser answers.
    let copied = Action::new_local(move |token: &String| {
        let writing = wasm_bindgen_futures::JsFuture::from(window().navigator().clipboard().write_text(token));
        async move {
            let ok = writing.await.is_ok();
            toasts.show(if ok {
                "Copied the token."
            } else {
                "The browser did not allow copying; select the token and copy it yourself."
            });
        }
    });
    let copy = move |token: String| {
        copied.dispatch_local(token);
    };
    view! {
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
    }
}
