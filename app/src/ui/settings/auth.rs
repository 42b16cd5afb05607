//! The Authentication choice: a password, or OAuth2 client credentials (XOAUTH2). For
//! Microsoft 365, the tenant fills in Token URL and Scope.

use crate::domain::oauth::{microsoft_token_url, GOOGLE_AUTHORIZE_URL, GOOGLE_SCOPE, GOOGLE_TOKEN_URL, MICROSOFT_SCOPE};
use crate::domain::{AuthMethod, Field, SettingsForm};
use crate::ui::fields::{SelectField, TextField};
use leptos::prelude::*;

#[component]
pub fn AuthChoice(draft: RwSignal<SettingsForm>) -> impl IntoView {
    let options: Vec<(String, String)> = AuthMethod::ALL.iter().map(|m| (m.key().to_owned(), m.label().to_owned())).collect();
    let tenant = RwSignal::new(String::new());
    let fill_for_tenant = Callback::new(move |value: String| {
        tenant.set(value.clone());
        if !value.trim().is_empty() {
            draft.update(|d| {
                d.token_url = microsoft_token_url(&value);
                if d.scope.trim().is_empty() {
                    d.scope = MICROSOFT_SCOPE.to_owned();
                }
            });
        }
    });
    view! {
        <SelectField
            label=Field::Auth.label()
            options=options
            value=Signal::derive(move || draft.with(|d| d.auth.key().to_owned()))
            on_change=Callback::new(move |key: String| draft.update(|d| d.set_text(Field::Auth, key)))
        />
        <Show when=move || draft.with(|d| d.auth == AuthMethod::OAuth2RefreshToken)>
            <p class="hint">
                "After saving, Connect sends you to the provider's sign-in page as the Username mailbox; the refresh token it grants is sealed like the client secret, and Mailroom gets access tokens with it and signs in with XOAUTH2. The redirect URI to register with the provider is this server's /oauth/callback."
            </p>
            <button type="button" on:click=move |_| draft.update(|d| {
                d.authorize_url = GOOGLE_AUTHORIZE_URL.to_owned();
                d.token_url = GOOGLE_TOKEN_URL.to_owned();
                d.scope = GOOGLE_SCOPE.to_owned();
            })>"Fill in for Google"</button>
        </Show>
        <Show when=move || draft.with(|d| d.auth == AuthMethod::OAuth2ClientCredentials)>
            <p class="hint">
                "Mailroom gets an access token from the Token URL with the Client ID and Client secret (client credentials), and signs in as the Username mailbox with XOAUTH2. The token is renewed before it expires and never shown or logged."
            </p>
            <TextField
                label="Microsoft 365 tenant"
                value=tenant
                on_input=fill_for_tenant
                hint="Optional: the tenant ID or primary domain (such as contoso.onmicrosoft.com) fills Token URL and Scope for Microsoft 365."
            />
        </Show>
    }
}
