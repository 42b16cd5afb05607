//! The SMTP Settings screen of the help page: the list on the left, the edit panel on the
//! right, the delete confirmation. The URL names the selection.

mod auth;
mod backup;
mod certificate;
mod connect;
mod delete;
mod editing;
mod editor;
mod filter_path;
mod form;
mod list;
mod list_keys;
mod list_row;
mod list_window;
mod make_default;
mod provider;
mod store;
mod test_dialog;
mod trusted;

use super::loaded::loaded;
use super::nav::nav;
use super::route::{Route, Selection};
use crate::api::{settings::settings_rows, SettingsId, SettingsView};
use crate::domain::{Field, FieldErrors, SettingsForm};
use leptos::prelude::*;
pub use store::SettingsList;

#[derive(Clone, Debug, PartialEq)]
pub enum ListState {
    Loading,
    Ready,
    Failed(String),
}

/// Shared by the list, the editor and the delete dialog.
#[derive(Clone, Copy)]
pub struct SettingsCtx {
    pub rows: RwSignal<SettingsList>,
    pub state: RwSignal<ListState>,
    pub selection: Memo<Selection<SettingsId>>,
    /// A view just saved, so the editor opening it next need not fetch it again.
    pub prefetched: StoredValue<Option<SettingsView>>,
    pub deleting: RwSignal<bool>,
    /// The "Send test email" dialog is open.
    pub testing: RwSignal<bool>,
    /// The form on screen, for the test dialog to read.
    pub editor: RwSignal<Option<EditorHandle>>,
}

/// What the test dialog needs from the edit form.
#[derive(Clone, Copy, PartialEq)]
pub struct EditorHandle {
    pub id: Signal<Option<SettingsId>>,
    pub draft: RwSignal<SettingsForm>,
    pub password: RwSignal<String>,
    pub dirty: Memo<bool>,
    pub server: RwSignal<FieldErrors>,
    pub submitted: RwSignal<bool>,
    /// Fields a failed test points at, with the reason.
    pub attention: RwSignal<Option<(Vec<Field>, String)>>,
}

pub fn ctx() -> SettingsCtx {
    expect_context::<SettingsCtx>()
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let nav = nav();
    let url = nav.url();
    let selection = Memo::new(move |_| match Route::parse(&url.get()) {
        Route::Settings(selection) => selection,
        _ => Selection::Nothing,
    });
    let ctx = SettingsCtx {
        rows: RwSignal::new(SettingsList::default()),
        state: RwSignal::new(ListState::Loading),
        selection,
        prefetched: StoredValue::new(None),
        deleting: RwSignal::new(false),
        testing: RwSignal::new(false),
        editor: RwSignal::new(None),
    };
    provide_context(ctx);
    // Read once; from then on the panel keeps the list up to date itself.
    let listed = loaded(settings_rows);
    Effect::new(move |_| match listed.get() {
        Some(Ok(items)) => {
            ctx.rows.set(SettingsList::new(items));
            ctx.state.set(ListState::Ready);
        }
        Some(Err(e)) if !e.is_empty() => ctx.state.set(ListState::Failed(e)),
        _ => {}
    });
    view! {
        <div class="settings-page">
            <list::SettingsPanel />
            <section class="editor-panel" aria-labelledby="editor-heading">
                {move || view! { <editor::Editor selection=selection.get() /> }}
            </section>
            <delete::DeleteDialog />
            <test_dialog::TestDialog />
        </div>
    }
}
