//! The Audit log's choices beyond the text filter: one action, one person, and a date range
//! (whole days in the browser's time zone, both ends included).

use super::fields::SelectField;
use crate::api::audit::{audit_facets, AuditChoices, AuditNarrow};
use leptos::prelude::*;

fn choices(all: Vec<String>, everyone: &str) -> Vec<(String, String)> {
    std::iter::once((String::new(), everyone.to_owned())).chain(all.into_iter().map(|a| (a.clone(), a))).collect()
}

#[component]
pub fn AuditNarrowing(narrow: RwSignal<AuditNarrow>, changed: Callback<()>) -> impl IntoView {
    // Without the lists the text filter still works; a failure shows on the log itself.
    let found = LocalResource::new(audit_facets);
    let facets = Signal::derive(move || found.get().and_then(Result::ok).unwrap_or_else(AuditChoices::default));
    let set = move |change: &dyn Fn(&mut AuditNarrow)| {
        narrow.update(|n| change(n));
        changed.run(());
    };
    let text = |value: String| (!value.is_empty()).then_some(value);
    view! {
        <div class="narrow">
            <SelectField label="Action"
                options=Signal::derive(move || choices(facets.with(|f| f.actions.clone()), "All actions"))
                value=Signal::derive(move || narrow.with(|n| n.action.clone().unwrap_or_default()))
                on_change=Callback::new(move |v: String| set(&|n| n.action = text(v.clone()))) />
            <SelectField label="Person"
                options=Signal::derive(move || choices(facets.with(|f| f.actors.clone()), "Everyone"))
                value=Signal::derive(move || narrow.with(|n| n.actor.clone().unwrap_or_default()))
                on_change=Callback::new(move |v: String| set(&|n| n.actor = text(v.clone()))) />
            <super::date_range::DateRange id="audit" changed=Callback::new(move |span| set(&|n| n.span = span)) />
        </div>
    }
}
