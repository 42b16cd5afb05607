//! The Add/Edit SMTP Settings form: its fields in the help page's order, Save, Reload after
//! someone else saved, Make default, and the version history below it.

use super::ctx;
use super::editing::Editing;
use crate::api::{settings::get_settings, settings::save_settings, AppError, SettingsId, SettingsInput, SettingsView, Timestamp};
use crate::domain::{Field, PasswordChange, SettingsForm};
use crate::ui::fields::{focus_first_invalid, CheckboxField, RecordFacts};
use crate::ui::format::date_time;
use crate::ui::history::{History, HistoryOf, Restored};
use crate::ui::nav::nav;
use crate::ui::route::Selection;
use crate::ui::submit::Submit;
use crate::ui::toast::toasts;
use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq)]
enum Banner {
    Error(String),
    Stale { by: Option<String>, at: Timestamp },
}

#[component]
pub fn EditorForm(initial: Option<SettingsView>) -> impl IntoView {
    let toasts = toasts();
    let ctx = ctx();
    let nav = nav();
    let creating = initial.is_none();
    let form = Editing::new(initial, ctx.rows);
    let Editing { draft, saved, password, clear, server, attention, .. } = form;
    let banner = RwSignal::new(None::<Banner>);
    let id = move || form.id();
    let dirty = Memo::new(move |_| form.is_dirty());
    Effect::new(move |_| {
        let what = saved.with(|s| match s {
            Some(v) => format!("the SMTP settings “{}”", v.form.name),
            None => "the new SMTP settings".to_owned(),
        });
        nav.unsaved.set(dirty.get().then_some(what));
    });
    let submitted = form.shown.submitted();
    ctx.editor.set(Some(super::EditorHandle { id: Signal::derive(id), draft, password, dirty, server, submitted, attention }));
    on_cleanup(move || {
        nav.unsaved.set(None);
        ctx.editor.set(None);
        ctx.testing.set(false);
    });
    let refused = move |e: AppError| match e {
        AppError::Invalid(errors) => {
            server.set(errors);
            focus_first_invalid();
        }
        AppError::Stale { by, at } => banner.set(Some(Banner::Stale { by, at })),
        e => banner.set(Some(Banner::Error(e.to_string()))),
    };
    let reload = Submit::handled(
        |id: &SettingsId| get_settings(*id),
        move |view: SettingsView| {
            ctx.rows.update(|r| r.upsert(view.summary()));
            form.show_saved(view);
            banner.set(None);
        },
        refused,
    );
    let save = Submit::handled(
        // The list and the toast learn of the save even if the form was left meanwhile.
        move |input: &SettingsInput| {
            let saving = save_settings(input.clone());
            async move {
                let saved = saving.await;
                if let Ok(view) = &saved {
                    ctx.rows.update(|r| r.upsert(view.summary()));
                    toasts.show(format!("Saved “{}”.", view.form.name));
                }
                saved
            }
        },
        move |view: SettingsView| {
            if creating {
                ctx.prefetched.set_value(Some(view.clone()));
                nav.replace(&Selection::Existing(view.id).path());
            } else {
                form.show_saved(view);
            }
        },
        refused,
    );
    let pending = save.pending();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.shown.submit();
        if Field::ALL.into_iter().any(|f| form.local_message(f).is_some()) {
            focus_first_invalid();
            return;
        }
        let Ok(change) = PasswordChange::from_input(&password.get_untracked(), clear.get_untracked()) else { return };
        banner.set(None);
        save.send(SettingsInput {
            id: id(),
            version: saved.with_untracked(|s| s.as_ref().map(|v| v.version)),
            form: draft.get_untracked(),
            password: change,
        });
    };
    let restored = Callback::new(move |done: Restored| {
        let Restored::Settings(view) = done else { return };
        let view = *view;
        ctx.rows.update(|r| r.upsert(view.summary()));
        toasts.show(format!("Restored “{}”; it is now version {}.", view.form.name, view.version));
        form.show_saved(view);
        banner.set(None);
    });
    let stale = Callback::new(move |e: AppError| {
        if let AppError::Stale { by, at } = e {
            banner.set(Some(Banner::Stale { by, at }));
        }
    });
    let history = saved.with_untracked(|s| s.as_ref().map(|v| v.id)).map(|id| {
        let version = Signal::derive(move || saved.with(|s| s.as_ref().map(|v| v.version)));
        let tested = Signal::derive(move || ctx.rows.with(|rows| rows.get(id).and_then(|r| r.last_test.as_ref().map(|t| t.at))));
        view! { <History of=HistoryOf::Settings(id) version tested dirty restored stale /> }.into_any()
    });
    let reload = Callback::new(move |()| {
        if let Some(id) = id() {
            reload.send(id);
        }
    });

    view! {
        <form class="editor" on:submit=submit novalidate>
            <h2 id="editor-heading">{if creating { "Add SMTP Settings" } else { "Edit SMTP Settings" }}</h2>
            {move || banner.get().map(|banner| view! { <BannerView banner reload /> })}
            <Fields form creating dirty />
            <SaveRow saved pending banner />
            <RecordFacts stamps=Signal::derive(move || saved.with(|s| s.as_ref().map(|v| ((v.created_at, v.created_by.clone()), (v.updated_at, v.updated_by.clone()))))) />
        </form>
        {history}
    }
}

/// The fields, in the help page's order; the OAuth2 ones only for OAuth2.
#[component]
fn Fields(form: Editing, creating: bool, dirty: Memo<bool>) -> impl IntoView {
    let Editing { draft, saved, clear, server, .. } = form;
    let oauth = Memo::new(move |_| draft.with(SettingsForm::oauth));
    let refresh = Memo::new(move |_| draft.with(|d| d.auth == crate::domain::AuthMethod::OAuth2RefreshToken));
    view! {
            {creating.then(|| view! { <super::provider::ProviderChoice draft /> }.into_any())}
            {form.text_field(Field::Name, "text", "off")}
            <CheckboxField
                label=Field::StartTlsOnly.label()
                checked=Signal::derive(move || draft.with(|d| d.starttls_only))
                on_change=Callback::new(move |v| draft.update(|d| d.starttls_only = v))
                hint="Refuse to send unless the server upgrades the connection with STARTTLS."
            />
            {form.text_field(Field::Host, "text", "off")}
            {form.text_field(Field::Port, "text", "off")}
            <Show when=move || draft.with(SettingsForm::starttls_on_tls_port)>
                <p class="hint warning" role="status">
                    "Port 465 expects TLS from the first byte, which Use STARTTLS Only rules out. Use port 587 with STARTTLS, or turn Use STARTTLS Only off."
                </p>
            </Show>
            {form.text_field(Field::From, "text", "off")}
            {form.text_field(Field::Email, "email", "off")}
            {form.text_field(Field::Username, "text", "off")}
            {view! { <super::auth::AuthChoice draft /> }.into_any()}
            <Show when=move || oauth.get()>
                <Show when=move || refresh.get()>{form.text_field(Field::AuthorizeUrl, "url", "off")}</Show>
                {form.text_field(Field::TokenUrl, "url", "off")}
                {form.text_field(Field::ClientId, "text", "off")}
                {form.text_field(Field::Scope, "text", "off")}
            </Show>
            {move || if oauth.get() { form.secret_field("Client secret", "client secret").into_any() } else { form.secret_field(Field::Password.label(), "password").into_any() }}
            {view! { <super::connect::Connect saved draft dirty /> }.into_any()}
            <Show when=move || form.has_password()>
                <CheckboxField
                    label="Clear password"
                    checked=clear
                    on_change=Callback::new(move |v| {
                        clear.set(v);
                        form.shown.touch(Field::Password);
                    })
                    hint="Remove the saved password when you save."
                />
            </Show>
            {view! { <super::backup::BackupChoice draft this=Signal::derive(move || form.id()) server /> }.into_any()}
            {view! { <super::trusted::TrustedCertificate draft saved=Signal::derive(move || saved.with(|s| s.as_ref().map(|v| v.form.certificate.clone()))) /> }.into_any()}
    }
}

/// Why the last Save or Reload did not go through; after someone else saved, a Reload button.
#[component]
fn BannerView(banner: Banner, reload: Callback<()>) -> impl IntoView {
    match banner {
        Banner::Error(text) => view! { <p class="alert" role="alert">{text}</p> }.into_any(),
        Banner::Stale { by, at } => view! {
            <div class="alert" role="alert">
                <p>{format!("{} saved these settings at {}, after you opened them. Reload to see their version; your unsaved edits will be discarded.", by.unwrap_or_else(|| "Someone else".into()), date_time(at))}</p>
                <button type="button" on:click=move |_| reload.run(())>"Reload"</button>
            </div>
        }.into_any(),
    }
}

/// Save, and beside it either the Default badge or Make default.
#[component]
fn SaveRow(saved: RwSignal<Option<SettingsView>>, pending: Signal<bool>, banner: RwSignal<Option<Banner>>) -> impl IntoView {
    let session = crate::ui::session::session();
    view! {
        <div class="form-actions">
            <button type="submit" class="primary" disabled=pending>
                {move || if pending.get() { "Saving…" } else { "Save" }}
            </button>
            {move || saved.get().map(|v| if v.is_default {
                view! { <span class="badge">"Default settings"</span> }.into_any()
            } else {
                let done = Callback::new(move |()| saved.update(|s| if let Some(s) = s { s.is_default = true }));
                let failed = Callback::new(move |e: AppError| banner.set(session.unless_signed_out(e).map(|e| Banner::Error(e.to_string()))));
                view! { <super::make_default::MakeDefault id=v.id done failed /> }.into_any()
            })}
        </div>
    }
}
