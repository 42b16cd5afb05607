//! One template: the form, checked as you type, its live preview, Send test, and deleting.

use super::editing::TemplateEditing;
use super::{ctx, BASE};
use crate::api::templates::{delete_template, get_template, save_template, TemplateInput, TemplateView};
use crate::api::{AppError, TemplateId, Timestamp};
use crate::domain::{PlaceholderRule, TemplateField};
use crate::ui::dialog::Confirm;
use crate::ui::fields::{focus_first_invalid, RecordFacts, SelectField};
use crate::ui::format::date_time;
use crate::ui::history::{History, HistoryOf, Restored};
use crate::ui::nav::nav;
use crate::ui::route::Selection;
use crate::ui::session::session;
use crate::ui::submit::Submit;
use crate::ui::toast::toasts;
use leptos::prelude::*;

#[component]
pub fn Editor(selection: Selection<TemplateId>) -> impl IntoView {
    let session = session();
    match selection {
        Selection::Nothing => view! { <p class="empty">"Select a template on the left to edit it, or add one."</p> }.into_any(),
        Selection::Unknown => view! { <p class="alert" role="alert">"Template not found."</p> }.into_any(),
        Selection::New => view! { <TemplateForm_ initial=None /> }.into_any(),
        Selection::Existing(id) => {
            let ctx = ctx();
            // The save that created it hands it over; otherwise it is read from the server.
            let handed = ctx.prefetched.get_value().filter(|v| v.id == id);
            ctx.prefetched.set_value(None);
            let loaded = LocalResource::new(move || {
                let handed = handed.clone();
                async move {
                    match handed {
                        Some(view) => Some(Ok(view)),
                        None => match get_template(id).await {
                            Ok(view) => Some(Ok(view)),
                            Err(AppError::NotFound(_)) => {
                                Some(Err("Template not found; someone may have deleted it.".to_owned()))
                            }
                            Err(e) => session.unless_signed_out(e).map(|e| Err(e.to_string())),
                        },
                    }
                }
            });
            (move || match loaded.get().flatten() {
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
    let toasts = toasts();
    let creating = initial.is_none();
    let builtin = initial.as_ref().is_some_and(|v| v.builtin);
    let rule = PlaceholderRule::of(initial.as_ref().and_then(|v| v.builtin_key.as_deref()));
    let form = TemplateEditing::new(initial, ctx);
    let TemplateEditing { draft, saved, server, checked, .. } = form;
    let banner = RwSignal::new(None::<String>);
    let stale = RwSignal::new(None::<(Option<String>, Timestamp)>);
    let sample_text = RwSignal::new(std::mem::take(&mut *ctx.sample.write_value()));
    let deleting = RwSignal::new(false);
    let id = move || form.id();
    let dirty = Memo::new(move |_| form.is_dirty());
    Effect::new(move |_| {
        let what =
            saved.with(|s| s.as_ref().map_or("the new template".to_owned(), |v| format!("the template “{}”", v.form.name)));
        nav.unsaved.set(dirty.get().then_some(what));
    });
    on_cleanup(move || nav.unsaved.set(None));

    let failed = move |e: AppError| match e {
        AppError::Invalid(errors) => {
            server.set(errors);
            focus_first_invalid();
        }
        AppError::Stale { by, at } => stale.set(Some((by, at))),
        e => banner.set(Some(e.to_string())),
    };
    let save = Submit::handled(
        // The list and the toast learn of the save even if the form was left meanwhile.
        move |input: &TemplateInput| {
            let saving = save_template(input.clone());
            async move {
                let saved = saving.await;
                if let Ok(view) = &saved {
                    form.list_shows(view);
                    toasts.show(format!("Saved “{}”.", view.form.name));
                }
                saved
            }
        },
        move |view: TemplateView| {
            if creating {
                ctx.prefetched.set_value(Some(view.clone()));
                ctx.sample.set_value(sample_text.try_get_untracked().unwrap_or_default());
                nav.replace(&Selection::Existing(view.id).path_in(BASE));
            } else {
                form.show_saved(view);
            }
        },
        failed,
    );
    let pending = save.pending();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.shown.submit();
        // The browser's own rules block a save; what the live preview found may be out of
        // date by now, so the server decides on that.
        if form.blocks_save() {
            focus_first_invalid();
            return;
        }
        banner.set(None);
        save.send(TemplateInput {
            id: id(),
            version: saved.with_untracked(|s| s.as_ref().map(|v| v.version)),
            form: draft.get_untracked(),
        });
    };
    let restored = Callback::new(move |view: TemplateView| {
        form.list_shows(&view);
        toasts.show(format!("Restored “{}” to its default.", view.form.name));
        form.show_saved(view);
    });
    let remove = Submit::handled(
        // The list and the toast learn of the delete even if another template was opened meanwhile.
        move |id: &TemplateId| {
            let id = *id;
            async move {
                let deleted = delete_template(id).await;
                if deleted.is_ok() {
                    ctx.rows.update(|rows| rows.retain(|r| r.id != id));
                    toasts.show("Template deleted.");
                }
                deleted
            }
        },
        move |()| {
            nav.replace(BASE);
        },
        failed,
    );
    let answer = Callback::new(move |yes: bool| {
        deleting.set(false);
        if let Some(target) = id().filter(|_| yes) {
            remove.send(target);
        }
    });

    view! {
        <form class="editor" on:submit=submit novalidate>
            <h2 id="editor-heading">{if creating { "Add Email Template" } else { "Edit Email Template" }}</h2>
            {builtin.then(|| view! { <p class="hint">"Built in: Mailroom sends this template itself, so it can be edited but not deleted."</p> })}
            <Problems banner stale />
            <Fields form />
            <div class="form-actions">
                <button type="submit" class="primary" disabled=pending>{move || if pending.get() { "Saving…" } else { "Save" }}</button>
                {id().map(|id| view! { <super::send_test::SendTest id dirty sample_text /> })}
                {(!builtin && !creating).then(|| view! { <button type="button" class="danger" on:click=move |_| deleting.set(true)>"Delete"</button> })}
                {(builtin && !creating).then(|| view! { <super::restore::RestoreDefault saved restored failed=Callback::new(failed) /> }.into_any())}
            </div>
            <super::preview::LivePreview draft id=Signal::derive(id) rule sample_text checked />
            <RecordFacts stamps=Signal::derive(move || saved.with(|s| s.as_ref().map(|v| ((v.created_at, v.created_by.clone()), (v.updated_at, v.updated_by.clone()))))) />
        </form>
        {id().map(|id| view! { <TemplateHistory id form dirty stale /> })}
        <Confirm
            question=Signal::derive(move || deleting.get().then(|| format!("Delete the template “{}”? This cannot be undone.", draft.with(|d| d.name.clone()))))
            title="Delete template"
            answer
            yes_label="Delete"
        />
    }
}

/// The template's fields, each checked as it is typed.
#[component]
fn Fields(form: TemplateEditing) -> impl IntoView {
    use TemplateField as F;
    let ctx = ctx();
    let TemplateEditing { draft, server, .. } = form;
    let settings_options = Signal::derive(move || {
        let default_name = ctx.settings.with(|s| s.iter().find(|s| s.is_default).map(|s| s.name.clone()));
        let mut options = vec![(String::new(), format!("Default ({})", default_name.unwrap_or_else(|| "none yet".into())))];
        options.extend(ctx.settings.get().into_iter().map(|s| (s.id.to_string(), s.name)));
        options
    });
    view! {
        {form.input(F::Name, |f| &f.name, |f, v| f.name = v, None, None)}
        {form.input(F::Subject, |f| &f.subject, |f, v| f.subject = v, None, None)}
        {form.input(F::TextBody, |f| &f.text_body, |f, v| f.text_body = v, Some(8), None)}
        {form.input(F::HtmlBody, |f| &f.html_body, |f, v| f.html_body = v, Some(6), Some("Optional. Placeholders are HTML-escaped here."))}
        {form.input(F::FromName, |f| &f.from_name, |f, v| f.from_name = v, None, Some("Overrides the SMTP settings' From when set."))}
        {form.input(F::FromEmail, |f| &f.from_email, |f, v| f.from_email = v, None, Some("Overrides the SMTP settings' Email Address when set."))}
        <SelectField label=F::Settings.label() options=settings_options
            value=Signal::derive(move || draft.with(|d| d.settings_id.map(|i| i.to_string()).unwrap_or_default()))
            on_change=Callback::new(move |v: String| { draft.update(|d| d.settings_id = v.parse().ok()); server.update(|s| s.remove(F::Settings)); })
            error=form.message(F::Settings) />
    }
}

/// Why the last Save did not go through; after someone else saved, who and when.
#[component]
fn Problems(banner: RwSignal<Option<String>>, stale: RwSignal<Option<(Option<String>, Timestamp)>>) -> impl IntoView {
    view! {
        <Show when=move || banner.with(Option::is_some)><p class="alert" role="alert">{move || banner.get()}</p></Show>
        {move || stale.get().map(|(by, at)| view! {
            <p class="alert" role="alert">{format!("{} saved this template at {}, after you opened it. Reload the page to see their version.", by.unwrap_or_else(|| "Someone else".into()), date_time(at))}</p>
        })}
    }
}

/// The kept versions, any of which can be put back.
#[component]
fn TemplateHistory(
    id: TemplateId,
    form: TemplateEditing,
    dirty: Memo<bool>,
    stale: RwSignal<Option<(Option<String>, Timestamp)>>,
) -> impl IntoView {
    let toasts = toasts();
    let restored = Callback::new(move |done: Restored| {
        let Restored::Template(view) = done else { return };
        form.list_shows(&view);
        toasts.show(format!("Restored “{}”; it is now version {}.", view.form.name, view.version));
        form.show_saved(*view);
    });
    let refused = Callback::new(move |e: AppError| {
        if let AppError::Stale { by, at } = e {
            stale.set(Some((by, at)));
        }
    });
    let version = Signal::derive(move || form.saved.with(|s| s.as_ref().map(|v| v.version)));
    view! { <History of=HistoryOf::Template(id) version dirty restored stale=refused /> }
}
