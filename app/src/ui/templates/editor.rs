//! One template: the form, checked as you type, its live preview, Send test, and deleting.

use super::{ctx, BASE};
use crate::api::templates::{delete_template, get_template, save_template, TemplateInput, TemplateView};
use crate::api::{AppError, TemplateId, Timestamp};
use crate::domain::{name_key, FieldErrors, PlaceholderRule, TemplateField, TemplateForm};
use crate::ui::dialog::Confirm;
use crate::ui::fields::{focus_first_invalid, RecordFacts, SelectField, TextAreaField, TextField};
use crate::ui::format::date_time;
use crate::ui::history::{History, HistoryOf, Restored};
use crate::ui::nav::nav;
use crate::ui::route::Selection;
use crate::ui::session::session;
use crate::ui::toast::toasts;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn Editor(selection: Selection<TemplateId>) -> impl IntoView {
    let session = session();
    match selection {
        Selection::Nothing => view! { <p class="empty">"Select a template on the left to edit it, or add one."</p> }.into_any(),
        Selection::Unknown => view! { <p class="alert" role="alert">"Template not found."</p> }.into_any(),
        Selection::New => view! { <TemplateForm_ initial=None /> }.into_any(),
        Selection::Existing(id) => {
            let ctx = ctx();
            let loaded = RwSignal::new(None::<Result<TemplateView, String>>);
            match ctx.prefetched.get_value().filter(|v| v.id == id) {
                Some(view) => loaded.set(Some(Ok(view))),
                None => spawn_local(async move {
                    match get_template(id).await {
                        Ok(view) => loaded.set(Some(Ok(view))),
                        Err(AppError::NotFound(_)) => {
                            loaded.set(Some(Err("Template not found; someone may have deleted it.".into())))
                        }
                        Err(e) => {
                            if let Some(e) = session.unless_signed_out(e) {
                                loaded.set(Some(Err(e.to_string())));
                            }
                        }
                    }
                }),
            }
            ctx.prefetched.set_value(None);
            (move || match loaded.get() {
                None => view! { <p class="empty">"Loading…"</p> }.into_any(),
                Some(Ok(view)) => view! { <TemplateForm_ initial=Some(view) /> }.into_any(),
                Some(Err(e)) => view! { <p class="alert" role="alert">{e}</p> }.into_any(),
            })
            .into_any()
        }
    }
}

#[allow(non_snake_case)]
#[component]
fn TemplateForm_(initial: Option<TemplateView>) -> impl IntoView {
    let ctx = ctx();
    let nav = nav();
    let session = session();
    let toasts = toasts();
    let creating = initial.is_none();
    let builtin = initial.as_ref().is_some_and(|v| v.builtin);
    let rule = PlaceholderRule::of(initial.as_ref().and_then(|v| v.builtin_key.as_deref()));
    let draft = RwSignal::new(initial.as_ref().map(|v| v.form.clone()).unwrap_or_default());
    let saved = RwSignal::new(initial);
    let submitted = RwSignal::new(false);
    let server = RwSignal::new(FieldErrors::default());
    let banner = RwSignal::new(None::<String>);
    let stale = RwSignal::new(None::<(Option<String>, Timestamp)>);
    let pending = RwSignal::new(false);
    // Fields left once (their messages show from then on), and the live preview's findings.
    let touched = RwSignal::new(Vec::<TemplateField>::new());
    let checked = RwSignal::new(FieldErrors::default());
    let sample_text = RwSignal::new(std::mem::take(&mut *ctx.sample.write_value()));
    let deleting = RwSignal::new(false);
    let id = move || saved.with(|s| s.as_ref().map(|v| v.id));

    let dirty =
        Memo::new(move |_| draft.with(|d| saved.with(|s| s.as_ref().map_or(*d != TemplateForm::default(), |v| v.form != *d))));
    Effect::new(move |_| {
        let what =
            saved.with(|s| s.as_ref().map_or("the new template".to_owned(), |v| format!("the template “{}”", v.form.name)));
        nav.unsaved.set(dirty.get().then_some(what));
    });
    on_cleanup(move || nav.unsaved.set(None));

    let message = move |field: TemplateField| {
        Signal::derive(move || {
            let local = draft.with(|d| d.check()).get(field).map(str::to_owned).or_else(|| {
                (field == TemplateField::Name)
                    .then(|| {
                        let key = draft.with(|d| name_key(&d.name));
                        ctx.rows.with(|rows| {
                            rows.iter()
                                .find(|r| Some(r.id) != id() && name_key(&r.name) == key)
                                .map(|r| format!("Another template is already named “{}”.", r.name))
                        })
                    })
                    .flatten()
            });
            let visible = submitted.get() || touched.with(|t| t.contains(&field));
            let found = move || checked.with(|c| c.get(field).map(str::to_owned));
            let shown = if visible { local.or_else(found) } else { None };
            shown.or_else(|| server.with(|s| s.get(field).map(str::to_owned)))
        })
    };
    let left = move |field: TemplateField| {
        Callback::new(move |()| {
            touched.update(|t| {
                if !t.contains(&field) {
                    t.push(field);
                }
            })
        })
    };
    let edit = move |f: fn(&mut TemplateForm, String), field: TemplateField| {
        Callback::new(move |v: String| {
            draft.update(|d| f(d, v));
            server.update(|s| s.remove(field));
        })
    };
    let text = move |f: fn(&TemplateForm) -> &String| Signal::derive(move || draft.with(|d| f(d).clone()));

    let settings_options = Signal::derive(move || {
        let default_name = ctx.settings.with(|s| s.iter().find(|s| s.is_default).map(|s| s.name.clone()));
        let mut options = vec![(String::new(), format!("Default ({})", default_name.unwrap_or_else(|| "none yet".into())))];
        options.extend(ctx.settings.get().into_iter().map(|s| (s.id.to_string(), s.name)));
        options
    });

    let failed = move |e: AppError| match e {
        AppError::Invalid(errors) => {
            server.set(errors);
            focus_first_invalid();
        }
        AppError::Stale { by, at } => stale.set(Some((by, at))),
        e => banner.set(session.unless_signed_out(e).map(|e| e.to_string())),
    };
    // The list on the left shows what was just stored.
    let list_shows = move |view: &TemplateView| {
        let settings_name = view
            .form
            .settings_id
            .and_then(|sid| ctx.settings.try_with(|s| s.iter().find(|s| s.id == sid).map(|s| s.name.clone())).flatten());
        ctx.upsert(view.summary(settings_name));
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        // The browser's own rules block a save; what the live preview found may be out of
        // date by now, so the server decides on that.
        if !draft.with_untracked(|d| d.check()).is_empty() || message(TemplateField::Name).get_untracked().is_some() {
            focus_first_invalid();
            return;
        }
        let input = TemplateInput {
            id: id(),
            version: saved.with_untracked(|s| s.as_ref().map(|v| v.version)),
            form: draft.get_untracked(),
        };
        pending.set(true);
        banner.set(None);
        spawn_local(async move {
            match save_template(input).await {
                Ok(view) => {
                    list_shows(&view);
                    toasts.show(format!("Saved “{}”.", view.form.name));
                    if creating {
                        ctx.prefetched.set_value(Some(view.clone()));
                        ctx.sample.set_value(sample_text.try_get_untracked().unwrap_or_default());
                        nav.replace(&Selection::Existing(view.id).path_in(BASE));
                        return;
                    }
                    draft.set(view.form.clone());
                    saved.set(Some(view));
                    submitted.set(false);
                }
                Err(e) => failed(e),
            }
            pending.set(false);
        });
    };
    let restored = Callback::new(move |view: TemplateView| {
        list_shows(&view);
        server.set(FieldErrors::default());
        submitted.set(false);
        draft.set(view.form.clone());
        toasts.show(format!("Restored “{}” to its default.", view.form.name));
        saved.set(Some(view));
    });
    let restored_revision = Callback::new(move |done: Restored| {
        let Restored::Template(view) = done else { return };
        let view = *view;
        list_shows(&view);
        server.set(FieldErrors::default());
        submitted.set(false);
        draft.set(view.form.clone());
        toasts.show(format!("Restored “{}”; it is now version {}.", view.form.name, view.version));
        saved.set(Some(view));
    });
    let stale_revision = Callback::new(move |e: AppError| {
        if let AppError::Stale { by, at } = e {
            stale.set(Some((by, at)));
        }
    });
    let history = id().map(|id| {
        let version = Signal::derive(move || saved.with(|s| s.as_ref().map(|v| v.version)));
        view! { <History of=HistoryOf::Template(id) version dirty restored=restored_revision stale=stale_revision /> }.into_any()
    });
    let answer = Callback::new(move |yes: bool| {
        deleting.set(false);
        let Some(target) = id().filter(|_| yes) else { return };
        spawn_local(async move {
            match delete_template(target).await {
                Ok(()) => {
                    ctx.rows.update(|rows| rows.retain(|r| r.id != target));
                    toasts.show("Template deleted.");
                    nav.replace(BASE);
                }
                Err(e) => failed(e),
            }
        });
    });

    view! {
        <form class="editor" on:submit=submit novalidate>
            <h2 id="editor-heading">{if creating { "Add Email Template" } else { "Edit Email Template" }}</h2>
            {builtin.then(|| view! { <p class="hint">"Built in: Mailroom sends this template itself, so it can be edited but not deleted."</p> })}
            <Show when=move || banner.with(Option::is_some)><p class="alert" role="alert">{move || banner.get()}</p></Show>
            {move || stale.get().map(|(by, at)| view! {
                <p class="alert" role="alert">{format!("{} saved this template at {}, after you opened it. Reload the page to see their version.", by.unwrap_or_else(|| "Someone else".into()), date_time(at))}</p>
            })}
            <TextField label=TemplateField::Name.label() value=text(|f| &f.name) on_input=edit(|f, v| f.name = v, TemplateField::Name) error=message(TemplateField::Name) on_blur=left(TemplateField::Name) required=true autocomplete="off" />
            <TextField label=TemplateField::Subject.label() value=text(|f| &f.subject) on_input=edit(|f, v| f.subject = v, TemplateField::Subject) error=message(TemplateField::Subject) on_blur=left(TemplateField::Subject) required=true autocomplete="off" />
            <TextAreaField label=TemplateField::TextBody.label() value=text(|f| &f.text_body) on_input=edit(|f, v| f.text_body = v, TemplateField::TextBody) error=message(TemplateField::TextBody) on_blur=left(TemplateField::TextBody) required=true rows=8 />
            <TextAreaField label=TemplateField::HtmlBody.label() value=text(|f| &f.html_body) on_input=edit(|f, v| f.html_body = v, TemplateField::HtmlBody) error=message(TemplateField::HtmlBody) on_blur=left(TemplateField::HtmlBody) rows=6
                hint="Optional. Placeholders are HTML-escaped here." />
            <TextField label=TemplateField::FromName.label() value=text(|f| &f.from_name) on_input=edit(|f, v| f.from_name = v, TemplateField::FromName) error=message(TemplateField::FromName) on_blur=left(TemplateField::FromName) autocomplete="off"
                hint=Some("Overrides the SMTP settings' From when set.".to_owned()) />
            <TextField label=TemplateField::FromEmail.label() kind="email" value=text(|f| &f.from_email) on_input=edit(|f, v| f.from_email = v, TemplateField::FromEmail) error=message(TemplateField::FromEmail) on_blur=left(TemplateField::FromEmail) autocomplete="off"
                hint=Some("Overrides the SMTP settings' Email Address when set.".to_owned()) />
            <SelectField label=TemplateField::Settings.label() options=settings_options
                value=Signal::derive(move || draft.with(|d| d.settings_id.map(|i| i.to_string()).unwrap_or_default()))
                on_change=Callback::new(move |v: String| { draft.update(|d| d.settings_id = v.parse().ok()); server.update(|s| s.remove(TemplateField::Settings)); })
                error=message(TemplateField::Settings) />
            <div class="form-actions">
                <button type="submit" class="primary" disabled=pending>{move || if pending.get() { "Saving…" } else { "Save" }}</button>
                {id().map(|id| view! { <super::send_test::SendTest id dirty sample_text /> })}
                {(!builtin && !creating).then(|| view! { <button type="button" class="danger" on:click=move |_| deleting.set(true)>"Delete"</button> })}
                {(builtin && !creating).then(|| view! { <super::restore::RestoreDefault saved restored failed=Callback::new(failed) /> }.into_any())}
            </div>
            <super::preview::LivePreview draft id=Signal::derive(id) rule sample_text checked />
            <RecordFacts stamps=Signal::derive(move || saved.with(|s| s.as_ref().map(|v| ((v.created_at, v.created_by.clone()), (v.updated_at, v.updated_by.clone()))))) />
        </form>
        {history}
        <Confirm
            question=Signal::derive(move || deleting.get().then(|| format!("Delete the template “{}”? This cannot be undone.", draft.with(|d| d.name.clone()))))
            title="Delete template"
            answer
            yes_label="Delete"
        />
    }
}
