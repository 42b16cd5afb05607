//! "History" under an editor: every kept version newest first, with who saved it, the test
//! emails that went through it and what it would change back; "Restore this version" saves
//! one again as a new version, after asking.

use crate::api::history::{restore_settings_revision, restore_template_revision, settings_history, template_history, Revision};
use crate::api::templates::TemplateView;
use crate::api::{AppError, SettingsId, SettingsView, TemplateId, Timestamp};
use crate::ui::dialog::Confirm;
use crate::ui::format::{date_time, when_by};
use crate::ui::loaded::loaded;
use crate::ui::submit::Submit;
use leptos::prelude::*;

/// Whose history this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryOf {
    Settings(SettingsId),
    Template(TemplateId),
}

/// What a restore saved.
#[derive(Clone, Debug)]
pub enum Restored {
    Settings(Box<SettingsView>),
    Template(Box<TemplateView>),
}

async fn load(of: HistoryOf) -> Result<Vec<Revision>, AppError> {
    match of {
        HistoryOf::Settings(id) => settings_history(id).await,
        HistoryOf::Template(id) => template_history(id).await,
    }
}

async fn restore(of: HistoryOf, number: i64, version: i64) -> Result<Restored, AppError> {
    match of {
        HistoryOf::Settings(id) => restore_settings_revision(id, number, version).await.map(|v| Restored::Settings(Box::new(v))),
        HistoryOf::Template(id) => restore_template_revision(id, number, version).await.map(|v| Restored::Template(Box::new(v))),
    }
}

#[component]
pub fn History(
    of: HistoryOf,
    /// The version saved now; the list is read again when it changes.
    #[prop(into)]
    version: Signal<Option<i64>>,
    /// When the last test email through the saved version ended; read again when it changes.
    #[prop(optional, into)]
    tested: Signal<Option<Timestamp>>,
    /// The form holds edits that a restore would discard.
    #[prop(into)]
    dirty: Signal<bool>,
    restored: Callback<Restored>,
    /// Someone saved meanwhile: the editor offers to reload.
    stale: Callback<AppError>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let open = RwSignal::new(false);
    let comparing = RwSignal::new(None::<i64>);
    let asking = RwSignal::new(None::<i64>);
    // Read when opened, and again when the saved version or its last test changes.
    let revisions = loaded(move || {
        tested.track();
        let ready = open.get() && version.get().is_some();
        async move {
            match ready {
                true => load(of).await.map(Some),
                false => Ok(None),
            }
        }
    });
    let submit = Submit::handled(
        move |(number, version): &(i64, i64)| restore(of, *number, *version),
        move |done| {
            comparing.set(None);
            let _ = restored.try_run(done);
        },
        move |e: AppError| {
            if matches!(e, AppError::Stale { .. }) {
                // The editor may have closed while the request was out.
                let _ = stale.try_run(e.clone());
            }
            error.set(Some(e.to_string()));
        },
    );
    let pending = submit.pending();
    let last_working = move || {
        revisions.with(|r| match r {
            Some(Ok(Some(list))) => list.iter().find(|r| r.test.is_some_and(|t| t.ok)).map(|r| r.number),
            _ => None,
        })
    };
    let question = Signal::derive(move || {
        asking.get().map(|number| {
            let discard = if dirty.get() { " Your unsaved edits in the form are discarded." } else { "" };
            format!("Restore version {number}? It is saved again as a new version, so nothing is lost.{discard}")
        })
    });
    let answer = Callback::new(move |yes: bool| {
        let number = asking.get_untracked();
        asking.set(None);
        let (Some(number), Some(version), true) = (number, version.get_untracked(), yes) else { return };
        error.set(None);
        submit.send((number, version));
    });

    view! {
        <section class="history" aria-labelledby="history-heading">
            <h3 id="history-heading">
                <button type="button" class="disclosure" aria-expanded=move || open.get().to_string()
                    aria-controls="history-list" on:click=move |_| open.update(|o| *o = !*o)>
                    "History"
                </button>
            </h3>
            <Show when=move || open.get()>
                <div id="history-list">
                    {move || error.get().map(|e| view! { <p class="alert" role="alert">{e}</p> })}
                    {move || match revisions.get() {
                        None | Some(Ok(None)) => view! { <p class="empty" role="status">"Loading the history…"</p> }.into_any(),
                        Some(Err(e)) => view! { <p class="alert" role="alert">{e}</p> }.into_any(),
                        Some(Ok(Some(list))) => view! {
                            <ol class="revisions">
                                {list.into_iter().map(|r| view! {
                                    <RevisionItem revision=r last_working comparing asking pending />
                                }).collect_view()}
                            </ol>
                        }.into_any(),
                    }}
                </div>
            </Show>
            <Confirm question title="Restore this version" answer yes_label="Restore" />
        </section>
    }
}

#[component]
fn RevisionItem(
    revision: Revision,
    last_working: impl Fn() -> Option<i64> + Send + Sync + Copy + 'static,
    comparing: RwSignal<Option<i64>>,
    asking: RwSignal<Option<i64>>,
    pending: Signal<bool>,
) -> impl IntoView {
    let number = revision.number;
    let heading = format!("revision-{number}");
    let test = revision.test.map(|t| {
        let (class, text) = if t.ok { ("badge sent", "Test passed") } else { ("badge failed", "Test failed") };
        view! { <span class=class title=date_time(t.at)>{text}</span> }
    });
    let changes = revision.changes;
    let same = changes.is_empty();
    view! {
        <li class="revision" aria-labelledby=heading.clone()>
            <p class="revision-head">
                <strong id=heading.clone()>{format!("Version {number}")}</strong>
                " "
                <span class="muted">{when_by(revision.saved_at, revision.saved_by.as_deref())}</span>
                {revision.current.then(|| view! { " " <span class="badge">"Saved now"</span> })}
                " "
                {test}
                {move || (last_working() == Some(number)).then(|| view! { " " <span class="badge sent">"Last known working"</span> })}
                {revision.notes.into_iter().map(|n| view! { " " <span class="badge muted">{n}</span> }).collect_view()}
            </p>
            {(!revision.current).then(|| view! {
                <div class="revision-actions">
                    <button type="button" aria-describedby=heading.clone()
                        aria-expanded=move || (comparing.get() == Some(number)).to_string()
                        on:click=move |_| comparing.update(|c| *c = if *c == Some(number) { None } else { Some(number) })>
                        "Compare with now"
                    </button>
                    <button type="button" aria-describedby=heading.clone() disabled=pending
                        on:click=move |_| asking.set(Some(number))>
                        "Restore this version"
                    </button>
                </div>
            })}
            <Show when=move || comparing.get() == Some(number)>
                {if same {
                    view! { <p class="hint">"Same values as the version saved now."</p> }.into_any()
                } else {
                    view! {
                        <table class="diff">
                            <caption>{format!("Version {number} compared with the version saved now")}</caption>
                            <thead><tr><th scope="col">"Field"</th><th scope="col">{format!("Version {number}")}</th><th scope="col">"Now"</th></tr></thead>
                            <tbody>
                                {changes.clone().into_iter().map(|c| view! {
                                    <tr><th scope="row">{c.field}</th><td class="before">{c.before}</td><td class="after">{c.after}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </Show>
        </li>
    }
}
