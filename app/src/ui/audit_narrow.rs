//! The Audit log's choices beyond the text filter: one action, one person, and a date range
//! (whole days in the browser's time zone, both ends included).

use super::fields::SelectField;
use crate::api::audit::{audit_facets, AuditChoices, AuditNarrow};
use crate::api::Millis;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Local midnight at the start of "YYYY-MM-DD", plus `days`; None for an empty or partial date.
fn midnight(date: &str, days: i32) -> Option<Millis> {
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<i32>().ok());
    let (Some(Some(y)), Some(Some(m)), Some(Some(d))) = (parts.next(), parts.next(), parts.next()) else { return None };
    let at = js_sys::Date::new_with_year_month_day(y as u32, m - 1, d + days);
    let ms = at.get_time();
    ms.is_finite().then_some(ms as Millis)
}

fn choices(all: Vec<String>, everyone: &str) -> Vec<(String, String)> {
    std::iter::once((String::new(), everyone.to_owned())).chain(all.into_iter().map(|a| (a.clone(), a))).collect()
}

#[component]
pub fn AuditNarrowing(narrow: RwSignal<AuditNarrow>, changed: Callback<()>) -> impl IntoView {
    let facets = RwSignal::new(AuditChoices::default());
    spawn_local(async move {
        // Without the lists the text filter still works; a failure shows on the log itself.
        if let Ok(found) = audit_facets().await {
            facets.set(found);
        }
    });
    let (from_text, to_text) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
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
            <div class="field">
                <label for="audit-from">"From date"</label>
                <input id="audit-from" type="date" prop:value=from_text on:change=move |ev| {
                    let v = event_target_value(&ev);
                    from_text.set(v.clone());
                    set(&|n| n.from = midnight(&v, 0));
                } />
            </div>
            <div class="field">
                <label for="audit-to">"To date"</label>
                <input id="audit-to" type="date" prop:value=to_text on:change=move |ev| {
                    let v = event_target_value(&ev);
                    to_text.set(v.clone());
                    set(&|n| n.to = midnight(&v, 1));
                } />
            </div>
        </div>
    }
}
