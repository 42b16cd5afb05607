//! One row of the SMTP settings list: its name and last test, its host and port, and badges
//! for what it is used for and how its mail is going.

use crate::api::{SettingsId, SettingsSummary};
use crate::ui::format::date_time;
use crate::ui::nav::nav;
use crate::ui::route::Selection;
use leptos::prelude::*;

#[component]
pub fn ListRow(s: SettingsSummary, selected: Signal<Option<SettingsId>>) -> impl IntoView {
    let nav = nav();
    let selected_id = move || selected.get();
    view! {
        <div
            role="option"
            id=format!("option-{}", s.id)
            class="row"
            aria-selected=move || if selected_id() == Some(s.id) { "true" } else { "false" }
            on:click=move |_| nav.go(&Selection::Existing(s.id).path())
        >
            <span class="row-name">
                {s.name.clone()}
                {s.last_test.clone().map(|t| {
                    let (class, mark, said) = if t.ok { ("status ok", "✓", "Last test succeeded") } else { ("status failed", "!", "Last test failed") };
                    let when = date_time(t.at);
                    let tip = format!("{said} on {when}. {}", t.summary);
                    view! { <span class=class role="img" aria-label=format!("{said} ({when})") title=tip>{mark}</span> }
                })}
                {s.last_test.is_none().then(|| view! { <span class="visually-hidden">" (never tested)"</span> })}
                {s.health.failing_since.map(|since| {
                    let said = format!("Mail failing since {}, {} waiting", date_time(since), s.health.waiting);
                    view! { <span class="status failing" role="img" aria-label=said.clone() title=said>"⚠"</span> }
                })}
            </span>
            <span class="row-host">
                {format!("{}:{}", s.host, s.port)}
                {s.is_default.then(|| view! { <span class="badge">"Default"</span> })}
                {s.failing_over.then(|| view! { <span class="badge warn" title="Its relay cannot be reached for now; its backup carries its mail.">"Failing over"</span> })}
                {(s.backs_up > 0).then(|| view! { <span class="badge">"Backup"</span> })}
                {(!s.is_default && s.template_count == 0 && s.backs_up == 0).then(|| view! { <span class="badge muted" title="No template sends through these settings, and they back up no other settings.">"Unused"</span> })}
                {s.cert_expires_at.map(certificate_days)}
                {(s.template_count > 0).then(|| format!(" · {} template{}", s.template_count, if s.template_count == 1 { "" } else { "s" }))}
                {(s.health.sent_24h + s.health.failed_24h > 0)
                    .then(|| format!(" · 24 h: {} sent, {} failed", s.health.sent_24h, s.health.failed_24h))}
            </span>
        </div>
    }
}

/// The certificate's days to expiry from the last successful test: a warning under 14 days,
/// an error once expired.
fn certificate_days(expires_at: crate::api::Timestamp) -> impl IntoView {
    let days = (expires_at.get() - js_sys::Date::now() as i64).div_euclid(86_400_000);
    let (class, text) = match days {
        ..0 => ("cert expired", "certificate expired".to_owned()),
        0..14 => ("cert soon", format!("certificate expires in {days} d")),
        _ => ("cert", format!("certificate {days} d")),
    };
    view! { <span class=class>{format!(" · {text}")}</span> }
}
