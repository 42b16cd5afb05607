//! Labelled form inputs: a required field has a red left border, a read-only one purple
//! text, and an invalid one its message right under it, tied to the input for screen readers.

use leptos::prelude::*;

fn slug(label: &str) -> String {
    label.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect()
}

#[component]
pub fn TextField(
    label: &'static str,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] on_input: Callback<String>,
    #[prop(optional, into)] on_blur: Option<Callback<()>>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional)] required: bool,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] placeholder: Signal<String>,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional, into)] hint: Signal<Option<String>>,
    #[prop(optional, into)] disabled: Signal<bool>,
    #[prop(optional)] node_ref: NodeRef<leptos::html::Input>,
    /// Where the same label appears twice on a page, what tells this one's id apart.
    #[prop(optional)]
    scope: &'static str,
) -> impl IntoView {
    let id = format!("field-{scope}{}", slug(label));
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            if hint.with(Option::is_some) {
                ids.push(hint_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                node_ref=node_ref
                type=kind
                class:required=required
                aria-required=required.then_some("true")
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                placeholder=move || { let p = placeholder.get(); (!p.is_empty()).then_some(p) }
                disabled=disabled
                prop:value=value
                on:input=move |ev| on_input.run(event_target_value(&ev))
                on:blur=move |_| {
                    if let Some(cb) = on_blur {
                        cb.run(())
                    }
                }
            />
            <Show when=move || hint.with(Option::is_some)>
                <p class="hint" id=hint_id.clone()>{move || hint.get()}</p>
            </Show>
            <Show when=move || error.with(Option::is_some)>
                <p class="field-error" id=error_id.clone()>{move || error.get()}</p>
            </Show>
        </div>
    }
}

#[component]
pub fn CheckboxField(
    label: &'static str,
    #[prop(into)] checked: Signal<bool>,
    #[prop(into)] on_change: Callback<bool>,
    #[prop(optional, into)] hint: Option<&'static str>,
) -> impl IntoView {
    let id = format!("field-{}", slug(label));
    view! {
        <div class="field checkbox">
            <input
                id=id.clone()
                type="checkbox"
                prop:checked=checked
                on:change=move |ev| on_change.run(event_target_checked(&ev))
            />
            <label for=id>{label}</label>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
        </div>
    }
}

/// A fact the user cannot change, shown as a read-only input in purple text. It is no Tab
/// stop: there is nothing to do there (its label still names it for screen readers).
#[component]
pub fn ReadOnlyField(label: &'static str, #[prop(into)] value: Signal<String>) -> impl IntoView {
    let id = format!("field-{}", slug(label));
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id type="text" class="readonly" readonly tabindex="-1" prop:value=value />
        </div>
    }
}

/// A multi-line text input, labelled and with its message underneath like `TextField`.
#[component]
pub fn TextAreaField(
    label: &'static str,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] on_input: Callback<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional)] required: bool,
    #[prop(default = 6)] rows: u32,
    #[prop(optional, into)] hint: Option<&'static str>,
    #[prop(optional, into)] on_blur: Option<Callback<()>>,
) -> impl IntoView {
    let id = format!("field-{}", slug(label));
    let error_id = format!("{id}-error");
    let described = {
        let error_id = error_id.clone();
        move || error.with(Option::is_some).then(|| error_id.clone())
    };
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            <textarea
                id=id
                rows=rows
                class:required=required
                aria-required=required.then_some("true")
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described
                prop:value=value
                on:input=move |ev| on_input.run(event_target_value(&ev))
                on:blur=move |_| {
                    if let Some(cb) = on_blur {
                        cb.run(())
                    }
                }
            ></textarea>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            <Show when=move || error.with(Option::is_some)>
                <p class="field-error" id=error_id.clone()>{move || error.get()}</p>
            </Show>
        </div>
    }
}

/// A labelled choice among `(value, text)` options.
#[component]
pub fn SelectField(
    label: &'static str,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] on_change: Callback<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("field-{}", slug(label));
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            <select id=id aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=move || error.with(Option::is_some).then(|| described.clone())
                on:change=move |ev| on_change.run(event_target_value(&ev))>
                {move || options.get().into_iter().map(|(v, text)| {
                    let selected = value.get() == v;
                    view! { <option value=v selected=selected>{text}</option> }
                }).collect_view()}
            </select>
            <Show when=move || error.with(Option::is_some)>
                <p class="field-error" id=error_id.clone()>{move || error.get()}</p>
            </Show>
        </div>
    }
}

/// When and by whom a record was made and last changed.
pub type Stamps = ((crate::api::Timestamp, Option<String>), (crate::api::Timestamp, Option<String>));

/// Created and Last modified as read-only fields, once the record exists.
#[component]
pub fn RecordFacts(#[prop(into)] stamps: Signal<Option<Stamps>>) -> impl IntoView {
    let shown = move |pick: fn(&Stamps) -> &(crate::api::Timestamp, Option<String>)| {
        Signal::derive(move || {
            stamps.with(|s| {
                s.as_ref()
                    .map(|s| {
                        let (at, by) = pick(s);
                        super::format::when_by(*at, by.as_deref())
                    })
                    .unwrap_or_default()
            })
        })
    };
    view! {
        <Show when=move || stamps.with(Option::is_some)>
            <div class="facts">
                <ReadOnlyField label="Created" value=shown(|s| &s.0) />
                <ReadOnlyField label="Last modified" value=shown(|s| &s.1) />
            </div>
        </Show>
    }
}

/// Moves focus to the first field with a message, once the messages are on screen.
pub fn focus_first_invalid() {
    request_animation_frame(|| {
        let found = document().query_selector(".editor [aria-invalid='true']").ok().flatten();
        if let Some(el) = found.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok()) {
            let _ = el.focus();
        }
    });
}
