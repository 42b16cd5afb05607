//! "Connect" for settings that sign in with an OAuth2 refresh token: whether a refresh token
//! is saved (when, by whom), and the button that sends the browser to the provider's sign-in.

use crate::api::settings::oauth_connect;
use crate::api::{SettingsId, SettingsView};
use crate::domain::{AuthMethod, SettingsForm};
use crate::ui::format::when_by;
use crate::ui::submit::Submit;
use leptos::prelude::*;

#[component]
pub fn Connect(
    saved: RwSignal<Option<SettingsView>>,
    draft: RwSignal<SettingsForm>,
    #[prop(into)] dirty: Signal<bool>,
) -> impl IntoView {
    // Success leaves the page for the provider's.
    let submit = Submit::new(
        |id: &SettingsId| oauth_connect(*id),
        |url: String| {
            let _ = window().location().set_href(&url);
        },
    );
    let shown = move || {
        draft.with(|d| d.auth == AuthMethod::OAuth2RefreshToken)
            && saved.with(|s| s.as_ref().is_some_and(|v| v.form.auth == AuthMethod::OAuth2RefreshToken))
    };
    let status = move || match saved.with(|s| s.as_ref().and_then(|v| v.connected.clone())) {
        Some((at, by)) => format!("Connected {}.", when_by(at, Some(&by))),
        None => "Not connected: no refresh token is saved.".to_owned(),
    };
    let connect = move |_| {
        if let Some(id) = saved.with_untracked(|s| s.as_ref().map(|v| v.id)) {
            submit.send(id);
        }
    };
    let pending = submit.pending();
    view! {
        <Show when=shown>
            <div class="field connect" role="group" aria-labelledby="connect-label">
                <span class="label" id="connect-label">"OAuth2 connection"</span>
                <p role="status">{status}</p>
                {submit.alert()}
                <button type="button" on:click=connect disabled=move || dirty.get() || pending.get()>"Connect"</button>
                <Show when=move || dirty.get()><p class="hint">"Save your changes first: Connect signs in for the saved settings."</p></Show>
            </div>
        </Show>
    }
}
