//! The banner on every page when mail waits after failed attempts through some settings:
//! which settings, since when, and how many mails wait. Administrators only; it looks again
//! every 30 seconds.

use super::format::date_time;
use super::nav::Link;
use crate::api::delivery::{delivery_alerts, DeliveryAlert};
use leptos::prelude::*;
use std::time::Duration;

#[component]
pub fn DeliveryAlerts() -> impl IntoView {
    let alerts = LocalResource::new(delivery_alerts);
    if let Ok(handle) = set_interval_with_handle(move || alerts.refetch(), Duration::from_secs(30)) {
        on_cleanup(move || handle.clear());
    }
    let shown = move || alerts.get().and_then(Result::ok).unwrap_or_default();
    view! {
        <Show when=move || !shown().is_empty()>
            <section class="delivery-alert" role="alert" aria-label="Mail delivery is failing">
                <For each=shown key=Clone::clone let:alert>
                    <p>{said(&alert)} " " <Link href="/delivery-log">"Open the Delivery log"</Link></p>
                </For>
            </section>
        </Show>
    }
}

/// "Mail through “Relay” has been failing since …; 3 mails are waiting."
fn said(alert: &DeliveryAlert) -> String {
    let waiting = match alert.waiting {
        1 => "1 mail is waiting".to_owned(),
        n => format!("{n} mails are waiting"),
    };
    format!("Mail through “{}” has been failing since {}; {waiting}.", alert.settings, date_time(alert.since))
}
