//! "Restore default" for a built-in template: asks first, then puts back the text and From
//! Mailroom shipped (the name and SMTP settings stay), over the version the editor holds.

use crate::api::templates::{restore_template, TemplateView};
use crate::api::{AppError, TemplateId};
use crate::ui::dialog::Confirm;
use crate::ui::submit::Submit;
use leptos::prelude::*;

#[component]
pub fn RestoreDefault(
    saved: RwSignal<Option<TemplateView>>,
    restored: Callback<TemplateView>,
    failed: Callback<AppError>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let submit = Submit::handled(
        |(id, version): &(TemplateId, i64)| restore_template(*id, *version),
        move |view| restored.run(view),
        move |error| failed.run(error),
    );
    let question = Signal::derive(move || {
        asking.get().then(|| {
            let name = saved.with(|s| s.as_ref().map(|v| v.form.name.clone()).unwrap_or_default());
            format!("Put “{name}” back as Mailroom shipped it? Its subject, text, HTML and From are replaced; its name and SMTP settings stay.")
        })
    });
    let answer = Callback::new(move |yes: bool| {
        asking.set(false);
        let Some((id, version)) = saved.with_untracked(|s| s.as_ref().map(|v| (v.id, v.version))).filter(|_| yes) else {
            return;
        };
        submit.send((id, version));
    });
    view! {
        <button type="button" disabled=submit.pending() on:click=move |_| asking.set(true)>"Restore default"</button>
        <Confirm question title="Restore default" answer yes_label="Restore default" />
    }
}
