//! Light, dark, or as the system says. The choice is kept per browser (localStorage) and set
//! as `data-theme` on the root element; the stylesheet's `light-dark()` colours do the rest.

use leptos::prelude::*;

const KEY: &str = "mailroom-theme";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    fn value(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Theme::System => "As the system",
            Theme::Light => "Light",
            Theme::Dark => "Dark",
        }
    }

    fn parse(value: &str) -> Self {
        Self::ALL.into_iter().find(|t| t.value() == value).unwrap_or(Theme::System)
    }
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn stored() -> Theme {
    storage().and_then(|s| s.get_item(KEY).ok().flatten()).map_or(Theme::System, |v| Theme::parse(&v))
}

fn apply(theme: Theme) {
    if let Some(root) = document().document_element() {
        let _ = match theme {
            Theme::System => root.remove_attribute("data-theme"),
            other => root.set_attribute("data-theme", other.value()),
        };
    }
}

/// Applies this browser's saved choice; called once when the app starts.
pub fn apply_stored() {
    apply(stored());
}

/// The "Theme" choice in the top bar.
#[component]
pub fn ThemeChoice() -> impl IntoView {
    let current = RwSignal::new(stored());
    let on_change = move |ev: leptos::ev::Event| {
        let theme = Theme::parse(&event_target_value(&ev));
        current.set(theme);
        apply(theme);
        if let Some(storage) = storage() {
            let _ = match theme {
                Theme::System => storage.remove_item(KEY),
                other => storage.set_item(KEY, other.value()),
            };
        }
    };
    view! {
        <label class="theme">
            <span>"Theme"</span>
            <select on:change=on_change>
                {Theme::ALL
                    .into_iter()
                    .map(|t| view! { <option value=t.value() selected=move || current.get() == t>{t.label()}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}
