//! The banner on every page when mail waits after failed attempts through some settings:
//! which settings, since when, and how many mails wait. Administrators only.
//!
//! The alerts live for the whole session, not per panel, so the banner does not start empty
//! (and is not announced again) on every panel. They are fetched when an administrator signs
//! in, on every panel change and every 30 seconds; a failed fetch keeps the last answer.

use super::format::date_time;
use super::latest::Latest;
use super::nav::Link;
use super::route::Panel;
use super::session::Session;
use crate::api::delivery::{delivery_alerts, DeliveryAlert};
use leptos::prelude::*;
use std::time::Duration;

#[derive(Clone, Copy)]
pub struct Alerts {
    list: RwSignal<Vec<DeliveryAlert>>,
}

impl Alerts {
    pub fn provide(session: Session, panel: Memo<Panel>) {
        let list = RwSignal::new(Vec::<DeliveryAlert>::new());
        let latest = Latest::new();
        let load = move || {
            if !session.is_admin() {
                if !list.with_untracked(Vec::is_empty) {
                    list.set(Vec::new());
                }
                return;
            }
            latest.send(delivery_alerts(), move |answer| {
                if let Ok(found) = answer {
                    if list.with_untracked(|now| *now != found) {
                        list.set(found);
                    }
                }
            });
        };
        Effect::new(move |_| {
            panel.track();
            session.state.track();
            untrack(load);
        });
        if let Ok(handle) = set_interval_with_handle(load, Duration::from_secs(30)) {
            on_cleanup(move || handle.clear());
        }
        provide_context(Alerts { list });
    }
}

#[component]
pub fn DeliveryAlerts() -> impl IntoView {
    let Alerts { list } = expect_context::<Alerts>();
    view! {
        <section class="delivery-alert" role="status" aria-label="Mail delivery is failing" hidden=move || list.with(Vec::is_empty)>
            <For each=move || list.get() key=|alert| alert.settings_id let:alert>
                <p>
                    // The line of one settings updates in place when its figures change.
                    {move || list.with(|all| all.iter().find(|a| a.settings_id == alert.settings_id).map(said))}
                    " "
                    <Link href="/delivery-log">"Open the Delivery log"</Link>
                </p>
            </For>
        </section>
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
