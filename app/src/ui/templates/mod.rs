//! The Email templates panel: the same list, filter and edit pattern as SMTP Settings.

mod editing;
mod editor;
mod preview;
mod restore;
mod send_test;

use crate::api::settings::settings_rows;
use crate::api::templates::{list_templates, TemplateSummary, TemplateView};
use crate::api::{SettingsSummary, TemplateId};
use crate::domain::name_key;
use crate::ui::icons::PlusIcon;
use crate::ui::loaded::loaded;
use crate::ui::nav::nav;
use crate::ui::route::{Route, Selection};
use leptos::prelude::*;

pub const BASE: &str = "/templates";

#[derive(Clone, Copy)]
pub struct TemplatesCtx {
    pub rows: RwSignal<Vec<TemplateSummary>>,
    pub settings: RwSignal<Vec<SettingsSummary>>,
    pub prefetched: StoredValue<Option<TemplateView>>,
    /// Sample data typed for a new template, carried into its editor once it is saved.
    pub sample: StoredValue<String>,
}

pub fn ctx() -> TemplatesCtx {
    expect_context::<TemplatesCtx>()
}

impl TemplatesCtx {
    pub fn upsert(&self, summary: TemplateSummary) {
        self.rows.update(|rows| {
            rows.retain(|r| r.id != summary.id);
            rows.push(summary);
            rows.sort_by_cached_key(|r| name_key(&r.name));
        });
    }
}

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let nav = nav();
    let url = nav.url();
    let selection = Memo::new(move |_| match Route::parse(&url.get()) {
        Route::Templates(selection) => selection,
        _ => Selection::Nothing,
    });
    let ctx = TemplatesCtx {
        rows: RwSignal::new(Vec::new()),
        settings: RwSignal::new(Vec::new()),
        prefetched: StoredValue::new(None),
        sample: StoredValue::new(String::new()),
    };
    provide_context(ctx);
    // Read once; from then on the panel keeps the list up to date itself.
    let listed = loaded(|| async { Ok((list_templates().await?, settings_rows().await?)) });
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| match listed.get() {
        Some(Ok((rows, settings))) => {
            ctx.rows.set(rows);
            ctx.settings.set(settings);
        }
        Some(Err(e)) if !e.is_empty() => error.set(Some(e)),
        _ => {}
    });
    let filter = RwSignal::new(String::new());
    let shown = Memo::new(move |_| {
        let needle = filter.get().trim().to_lowercase();
        ctx.rows
            .get()
            .into_iter()
            .filter(|r| format!("{}\n{}", r.name, r.subject).to_lowercase().contains(&needle))
            .collect::<Vec<_>>()
    });
    let selected = move || match selection.get() {
        Selection::Existing(id) => Some(id),
        _ => None,
    };
    view! {
        <div class="settings-page">
            <aside class="list-panel" aria-labelledby="templates-heading">
                <h1 id="templates-heading">"Email templates"</h1>
                <div class="actions" role="toolbar" aria-label="Template actions">
                    <button type="button" class="icon" aria-label="Add template" title="Add template" on:click=move |_| nav.go(&Selection::<TemplateId>::New.path_in(BASE))>
                        <PlusIcon />
                    </button>
                </div>
                <div class="field filter">
                    <label for="template-filter">"Filter"</label>
                    <input id="template-filter" type="search" autocomplete="off" placeholder="Name or subject" prop:value=filter
                        on:input=move |ev| filter.set(event_target_value(&ev))
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { filter.set(String::new()) } />
                </div>
                <Show when=move || error.with(Option::is_some)>
                    <p class="alert" role="alert">{move || error.get()}</p>
                </Show>
                <div class="list static" role="listbox" aria-label="Email templates" tabindex="0">
                    <For each=move || shown.get() key=|t| (t.id, t.name.clone(), t.subject.clone(), t.settings_name.clone()) let:t>
                        <div role="option" class="row" aria-selected=move || if selected() == Some(t.id) { "true" } else { "false" }
                            on:click=move |_| nav.go(&Selection::Existing(t.id).path_in(BASE))>
                            <span class="row-name">{t.name.clone()}{t.builtin.then(|| view! { <span class="badge">"built in"</span> })}</span>
                            <span class="row-host">{format!("via {}", t.settings_name.clone().unwrap_or_else(|| "Default".into()))}</span>
                        </div>
                    </For>
                </div>
            </aside>
            <section class="editor-panel" aria-labelledby="editor-heading">
                {move || view! { <editor::Editor selection=selection.get() /> }}
            </section>
        </div>
    }
}
