//! The Add/Edit SMTP Settings form. Every message comes from the domain rules the server
//! enforces, shown as the user types (after they leave a field once) and on Save.

use super::ctx;
use crate::api::{settings::get_settings, settings::save_settings, AppError, SettingsInput, SettingsView, Timestamp};
use crate::domain::{check_password, Field, FieldErrors, PasswordChange, SettingsForm, SAVED_PASSWORD_PLACEHOLDER};
use crate::ui::fields::{focus_first_invalid, CheckboxField, RecordFacts, TextField};
use crate::ui::format::date_time;
use crate::ui::history::{History, HistoryOf, Restored};
use crate::ui::nav::nav;
use crate::ui::route::Selection;
use crate::ui::session::session;
use crate::ui::toast::toasts;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeSet;

#[derive(Clone, Debug, PartialEq)]
enum Banner {
    Error(String),
    Stale { by: Option<String>, at: Timestamp },
}

#[component]
pub fn EditorForm(initial: Option<SettingsView>) -> impl IntoView {
    let session = session();
    let toasts = toasts();
    let ctx = ctx();
    let nav = nav();
    let creating = initial.is_none();
    let draft = RwSignal::new(initial.as_ref().map_or_else(SettingsForm::new_default, |v| v.form.clone()));
    let saved = RwSignal::new(initial);
    let password = RwSignal::new(String::new());
    let clear = RwSignal::new(false);
    let touched = RwSignal::new(BTreeSet::<Field>::new());
    let submitted = RwSignal::new(false);
    let server = RwSignal::new(FieldErrors::default());
    let banner = RwSignal::new(None::<Banner>);
    let pending = RwSignal::new(false);
    let attention = RwSignal::new(None::<(Vec<Field>, String)>);

    let id = move || saved.with(|s| s.as_ref().map(|v| v.id));
    let has_password = move || saved.with(|s| s.as_ref().is_some_and(|v| v.has_password));
    let baseline = move || saved.with(|s| s.as_ref().map_or_else(SettingsForm::new_default, |v| v.form.clone()));
    let dirty = Memo::new(move |_| draft.with(|d| *d != baseline()) || password.with(|p| !p.is_empty()) || clear.get());
    Effect::new(move |_| {
        let what = saved.with(|s| match s {
            Some(v) => format!("the SMTP settings “{}”", v.form.name),
            None => "the new SMTP settings".to_owned(),
        });
        nav.unsaved.set(dirty.get().then_some(what));
    });
    ctx.editor.set(Some(super::EditorHandle { id: Signal::derive(id), draft, password, dirty, server, submitted, attention }));
    on_cleanup(move || {
        nav.unsaved.set(None);
        ctx.editor.set(None);
        ctx.testing.set(false);
    });
    Effect::new(move |_| {
        draft.track();
        password.track();
        attention.set(None);
    });

    // Whether the saved password would now go to another server (it is then not reused).
    let endpoint_changed = move || {
        let new = draft.with(SettingsForm::validate).ok();
        let old = saved.with(|s| s.as_ref().and_then(|v| v.form.validate().ok()));
        matches!((new, old), (Some(new), Some(old)) if !new.same_endpoint(&old))
    };
    let password_message = move || -> Option<String> {
        let change = match PasswordChange::from_input(&password.get(), clear.get()) {
            Ok(change) => change,
            Err(error) => return Some(error.to_string()),
        };
        let new = draft.with(SettingsForm::validate).ok()?;
        let old = saved.with(|s| s.as_ref().and_then(|v| v.form.validate().ok().map(|f| (f, v.has_password))));
        check_password(&new, &change, old.as_ref().map(|(f, has)| (f, *has))).err().map(|e| e.to_string())
    };
    let local_message = move |field: Field| -> Option<String> {
        match field {
            Field::Password => password_message(),
            Field::Name => draft.with(|d| d.check(field)).or_else(|| {
                let name = draft.with(|d| d.name.clone());
                ctx.rows.with(|rows| {
                    rows.name_taken(&name, id())
                        .map(|other| format!("Another SMTP settings is already named “{}”; choose a different name.", other.name))
                })
            }),
            _ => draft.with(|d| d.check(field)),
        }
    };
    let message = move |field: Field| {
        Signal::derive(move || {
            let from_test = attention.with(|a| {
                a.as_ref().filter(|(fields, _)| fields.contains(&field)).map(|(_, why)| format!("Send test email: {why}"))
            });
            if !(submitted.get() || touched.with(|t| t.contains(&field))) {
                return from_test;
            }
            local_message(field).or_else(|| server.with(|s| s.get(field).map(str::to_owned))).or(from_test)
        })
    };
    let touch = move |field: Field| {
        Callback::new(move |()| {
            touched.update(|t| {
                t.insert(field);
            })
        })
    };

    let reload = move || {
        let Some(id) = id() else { return };
        spawn_local(async move {
            match get_settings(id).await {
                Ok(view) => {
                    ctx.rows.update(|r| r.upsert(view.summary()));
                    draft.set(view.form.clone());
                    saved.set(Some(view));
                    password.set(String::new());
                    clear.set(false);
                    banner.set(None);
                }
                Err(e) => banner.set(session.unless_signed_out(e).map(|e| Banner::Error(e.to_string()))),
            }
        });
    };

    // The form shows a version just saved (or restored): its values, no typing in progress.
    let show_saved = move |view: SettingsView| {
        draft.set(view.form.clone());
        saved.set(Some(view));
        password.set(String::new());
        clear.set(false);
        touched.set(BTreeSet::new());
        submitted.set(false);
        server.set(FieldErrors::default());
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        if Field::ALL.into_iter().any(|f| local_message(f).is_some()) {
            focus_first_invalid();
            return;
        }
        let Ok(change) = PasswordChange::from_input(&password.get_untracked(), clear.get_untracked()) else { return };
        let input = SettingsInput {
            id: id(),
            version: saved.with_untracked(|s| s.as_ref().map(|v| v.version)),
            form: draft.get_untracked(),
            password: change,
        };
        pending.set(true);
        banner.set(None);
        spawn_local(async move {
            match save_settings(input).await {
                Ok(view) => {
                    ctx.rows.update(|r| r.upsert(view.summary()));
                    toasts.show(format!("Saved “{}”.", view.form.name));
                    if creating {
                        ctx.prefetched.set_value(Some(view.clone()));
                        nav.replace(&Selection::Existing(view.id).path());
                        return;
                    }
                    show_saved(view);
                }
                Err(AppError::Invalid(errors)) => {
                    server.set(errors);
                    focus_first_invalid();
                }
                Err(AppError::Stale { by, at }) => banner.set(Some(Banner::Stale { by, at })),
                Err(e) => banner.set(session.unless_signed_out(e).map(|e| Banner::Error(e.to_string()))),
            }
            pending.set(false);
        });
    };

    let restored = Callback::new(move |done: Restored| {
        let Restored::Settings(view) = done else { return };
        let view = *view;
        ctx.rows.update(|r| r.upsert(view.summary()));
        toasts.show(format!("Restored “{}”; it is now version {}.", view.form.name, view.version));
        show_saved(view);
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

    let text_field = move |field: Field, kind: &'static str, autocomplete: &'static str| {
        view! {
            <TextField
                label=field.label()
                kind=kind
                autocomplete=autocomplete
                value=Signal::derive(move || draft.with(|d| d.text(field).to_owned()))
                on_input=Callback::new(move |v: String| {
                    draft.update(|d| d.set_text(field, v));
                    server.update(|s| s.remove(field));
                })
                on_blur=touch(field)
                error=message(field)
                required=field.is_required() || matches!(field, Field::TokenUrl | Field::ClientId | Field::Scope | Field::AuthorizeUrl)
            />
        }
    };

    let oauth = Memo::new(move |_| draft.with(SettingsForm::oauth));
    let refresh = Memo::new(move |_| draft.with(|d| d.auth == crate::domain::AuthMethod::OAuth2RefreshToken));
    // The write-only secret: the password, or with OAuth2 the client secret.
    let secret_field = move |label: &'static str, what: &'static str| {
        view! {
            <TextField
                label=label
                kind="password"
                autocomplete="new-password"
                value=password
                on_input=Callback::new(move |v| {
                    password.set(v);
                    server.update(|s| s.remove(Field::Password));
                })
                on_blur=touch(Field::Password)
                error=message(Field::Password)
                disabled=clear
                placeholder=Signal::derive(move || if has_password() && !clear.get() { SAVED_PASSWORD_PLACEHOLDER.to_owned() } else { String::new() })
                hint=Signal::derive(move || has_password().then(|| if endpoint_changed() {
                    format!("The sign-in method, server, port, username, STARTTLS choice, trusted certificate or OAuth2 client changed, so the saved {what} will not be sent: type it again.")
                } else {
                    format!("Leave empty to keep the saved {what}.")
                }))
            />
        }
        .into_any()
    };

    view! {
        <form class="editor" on:submit=submit novalidate>
            <h2 id="editor-heading">{if creating { "Add SMTP Settings" } else { "Edit SMTP Settings" }}</h2>
            {move || banner.get().map(|b| match b {
                Banner::Error(text) => view! { <p class="alert" role="alert">{text}</p> }.into_any(),
                Banner::Stale { by, at } => view! {
                    <div class="alert" role="alert">
                        <p>{format!("{} saved these settings at {}, after you opened them. Reload to see their version; your unsaved edits will be discarded.", by.unwrap_or_else(|| "Someone else".into()), date_time(at))}</p>
                        <button type="button" on:click=move |_| reload()>"Reload"</button>
                    </div>
                }.into_any(),
            })}
            {creating.then(|| view! { <super::provider::ProviderChoice draft /> }.into_any())}
            {text_field(Field::Name, "text", "off")}
            <CheckboxField
                label=Field::StartTlsOnly.label()
                checked=Signal::derive(move || draft.with(|d| d.starttls_only))
                on_change=Callback::new(move |v| draft.update(|d| d.starttls_only = v))
                hint="Refuse to send unless the server upgrades the connection with STARTTLS."
            />
            {text_field(Field::Host, "text", "off")}
            {text_field(Field::Port, "text", "off")}
            <Show when=move || draft.with(SettingsForm::starttls_on_tls_port)>
                <p class="hint warning" role="status">
                    "Port 465 expects TLS from the first byte, which Use STARTTLS Only rules out. Use port 587 with STARTTLS, or turn Use STARTTLS Only off."
                </p>
            </Show>
            {text_field(Field::From, "text", "off")}
            {text_field(Field::Email, "email", "off")}
            {text_field(Field::Username, "text", "off")}
            {view! { <super::auth::AuthChoice draft /> }.into_any()}
            <Show when=move || oauth.get()>
                <Show when=move || refresh.get()>{text_field(Field::AuthorizeUrl, "url", "off")}</Show>
                {text_field(Field::TokenUrl, "url", "off")}
                {text_field(Field::ClientId, "text", "off")}
                {text_field(Field::Scope, "text", "off")}
            </Show>
            {move || if oauth.get() { secret_field("Client secret", "client secret") } else { secret_field(Field::Password.label(), "password") }}
            {view! { <super::connect::Connect saved draft dirty /> }.into_any()}
            <Show when=has_password>
                <CheckboxField
                    label="Clear password"
                    checked=clear
                    on_change=Callback::new(move |v| {
                        clear.set(v);
                        touched.update(|t| { t.insert(Field::Password); });
                    })
                    hint="Remove the saved password when you save."
                />
            </Show>
            {view! { <super::backup::BackupChoice draft this=Signal::derive(id) server /> }.into_any()}
            {view! { <super::trusted::TrustedCertificate draft saved=Signal::derive(move || saved.with(|s| s.as_ref().map(|v| v.form.certificate.clone()))) /> }.into_any()}
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
            <RecordFacts stamps=Signal::derive(move || saved.with(|s| s.as_ref().map(|v| ((v.created_at, v.created_by.clone()), (v.updated_at, v.updated_by.clone()))))) />
        </form>
        {history}
    }
}
