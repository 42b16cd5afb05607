//! The Delivery log's choices beyond the text filter: one status, and the days it was queued.

use super::date_range::DateRange;
use super::fields::SelectField;
use crate::api::delivery::{MailNarrow, MailStatus};
use leptos::prelude::*;

#[component]
pub fn DeliveryNarrowing(narrow: RwSignal<MailNarrow>, changed: Callback<()>) -> impl IntoView {
    let set = move |change: &dyn Fn(&mut MailNarrow)| {
        narrow.update(|n| change(n));
        changed.run(());
    };
    let options: Vec<(String, String)> = std::iter::once((String::new(), "Any status".to_owned()))
        .chain(MailStatus::ALL.into_iter().map(|s| (s.label().to_owned(), s.label().to_owned())))
        .collect();
    view! {
        <div class="narrow">
            <SelectField label="Status" options=options
                value=Signal::derive(move || narrow.with(|n| n.status.map(|s| s.label().to_owned()).unwrap_or_default()))
                on_change=Callback::new(move |v: String| {
                    let status = MailStatus::ALL.into_iter().find(|s| s.label() == v);
                    set(&|n| n.status = status);
                }) />
            <DateRange id="delivery" changed=Callback::new(move |span| set(&|n| n.span = span)) />
        </div>
    }
}
