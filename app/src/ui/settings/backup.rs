//! "Backup settings": which other settings carry this one's mail while its relay cannot be
//! reached or answers "try again later". The server refuses a loop and says where it closes.

use super::ctx;
use crate::domain::{Field, FieldErrors, SettingsForm};
use crate::ui::fields::SelectField;
use leptos::prelude::*;

#[component]
pub fn BackupChoice(
    draft: RwSignal<SettingsForm>,
    #[prop(into)] this: Signal<Option<crate::api::SettingsId>>,
    server: RwSignal<FieldErrors>,
) -> impl IntoView {
    let ctx = ctx();
    let options = Signal::derive(move || {
        let others = ctx.rows.with(|rows| {
            (0..rows.len())
                .filter_map(|i| rows.at(i))
                .filter(|s| Some(s.id) != this.get())
                .map(|s| (s.id.to_string(), format!("{} ({}:{})", s.name, s.host, s.port)))
                .collect::<Vec<_>>()
        });
        std::iter::once((String::new(), "None".to_owned())).chain(others).collect::<Vec<_>>()
    });
    view! {
        <SelectField
            label=Field::Backup.label()
            options
            value=Signal::derive(move || draft.with(|d| d.backup.clone()))
            on_change=Callback::new(move |v: String| {
                draft.update(|d| d.set_text(Field::Backup, v));
                server.update(|s| s.remove(Field::Backup));
            })
            error=Signal::derive(move || server.with(|s| s.get(Field::Backup).map(str::to_owned)))
        />
        <p class="hint">
            "When these settings' relay cannot be reached, or answers “try again later”, the backup sends their mail instead (and its own backup after it). A refusal (5xx) is not passed on. These settings are tried again after a minute, then less often while they keep failing."
        </p>
    }
}
