//! The Add form's Provider choice: picking one fills Server Host Name, Port and Use STARTTLS
//! Only (and Username where the provider fixes it), says what the provider wants as Username,
//! and links to its own setup page.

use crate::domain::{preset, presets, SettingsForm};
use crate::ui::fields::SelectField;
use leptos::prelude::*;

const OTHER: &str = "Other";

#[component]
pub fn ProviderChoice(draft: RwSignal<SettingsForm>) -> impl IntoView {
    let chosen = RwSignal::new(OTHER.to_owned());
    let region = RwSignal::new(None::<String>);
    let current = move || preset(&chosen.get());
    let options = std::iter::once((OTHER.to_owned(), "Other (enter the server yourself)".to_owned()))
        .chain(presets().iter().map(|p| (p.name.clone(), p.name.clone())))
        .collect::<Vec<_>>();
    let pick = Callback::new(move |name: String| {
        chosen.set(name.clone());
        region.set(None);
        if let Some(p) = preset(&name) {
            draft.update(|form| p.apply(form, None));
        }
    });
    let pick_region = Callback::new(move |name: String| {
        region.set(Some(name.clone()));
        if let Some(p) = current() {
            draft.update(|form| p.apply(form, Some(&name)));
        }
    });
    view! {
        <SelectField label="Provider" options=options value=chosen on_change=pick />
        {move || current().map(|p| {
            let regions: Vec<(String, String)> = p.regions.iter().map(|r| (r.clone(), r.clone())).collect();
            let first = p.regions.first().cloned().unwrap_or_default();
            view! {
                {(!regions.is_empty()).then(|| view! {
                    <SelectField label="Region" options=regions value=Signal::derive(move || region.get().unwrap_or_else(|| first.clone())) on_change=pick_region />
                })}
                <div class="provider-help" role="note" aria-label=format!("{} settings", p.name)>
                    <p>{format!("Filled in: Server Host Name, Port and Use STARTTLS Only{} for {}.", if p.username.is_some() { ", Username" } else { "" }, p.name)}</p>
                    <p><strong>"Username: "</strong>{p.username_hint.clone()}</p>
                    <p><a href=p.docs.clone() target="_blank" rel="noopener noreferrer">{format!("{}'s SMTP setup guide", p.name)}</a></p>
                </div>
            }
        })}
    }
}
