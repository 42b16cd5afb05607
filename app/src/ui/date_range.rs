//! "From date" and "To date": whole days in the browser's time zone, both ends included, as
//! a `Span` from the first day's midnight to the midnight after the last.

use crate::api::{Span, Timestamp};
use leptos::prelude::*;

/// Local midnight at the start of "YYYY-MM-DD", plus `days`; None for an empty or partial date.
fn midnight(date: &str, days: i32) -> Option<Timestamp> {
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<i32>().ok());
    let (Some(Some(y)), Some(Some(m)), Some(Some(d))) = (parts.next(), parts.next(), parts.next()) else { return None };
    let at = js_sys::Date::new_with_year_month_day(y as u32, m - 1, d + days);
    let ms = at.get_time();
    ms.is_finite().then_some(Timestamp(ms as i64))
}

/// Two date fields whose ids start with `id`; `changed` receives the span after every change.
#[component]
pub fn DateRange(id: &'static str, changed: Callback<Span>) -> impl IntoView {
    let (from_text, to_text) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let report =
        move || changed.run(Span { from: midnight(&from_text.get_untracked(), 0), to: midnight(&to_text.get_untracked(), 1) });
    let (from_id, to_id) = (format!("{id}-from"), format!("{id}-to"));
    view! {
        <div class="field">
            <label for=from_id.clone()>"From date"</label>
            <input id=from_id type="date" prop:value=from_text
                on:change=move |ev| { from_text.set(event_target_value(&ev)); report(); } />
        </div>
        <div class="field">
            <label for=to_id.clone()>"To date"</label>
            <input id=to_id type="date" prop:value=to_text
                on:change=move |ev| { to_text.set(event_target_value(&ev)); report(); } />
        </div>
    }
}
