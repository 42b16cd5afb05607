//! Which screen a URL names. Pure, so it is tested without a browser.

use crate::api::{SettingsId, TemplateId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    SignIn { next: Option<String> },
    Setup { token: String },
    Settings(Selection<SettingsId>),
    Templates(Selection<TemplateId>),
    Delivery,
    Tokens,
    Users,
    Account,
    Audit,
    Forgot,
    Reset { token: String },
    NotFound,
}

/// What an edit panel shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection<I> {
    Nothing,
    New,
    Existing(I),
    /// A `/smtp-settings/...` path that names no settings.
    Unknown,
}

/// The panel a route belongs to; switching panels remounts, switching selection does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    SignIn,
    Setup,
    Settings,
    Templates,
    Delivery,
    Tokens,
    Users,
    Account,
    Audit,
    Forgot,
    Reset,
    NotFound,
}

impl Route {
    pub fn parse(url: &str) -> Self {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let path = path.trim_end_matches('/');
        let param =
            |key: &str| query.split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == key).map(|(_, v)| decode(v));
        match path {
            "" | "/smtp-settings" => Route::Settings(Selection::Nothing),
            "/smtp-settings/new" => Route::Settings(Selection::New),
            "/sign-in" => Route::SignIn { next: param("next").filter(|n| is_local_path(n)) },
            "/setup" => Route::Setup { token: param("token").unwrap_or_default() },
            "/templates" => Route::Templates(Selection::Nothing),
            "/templates/new" => Route::Templates(Selection::New),
            "/delivery-log" => Route::Delivery,
            "/api-tokens" => Route::Tokens,
            "/users" => Route::Users,
            "/account" => Route::Account,
            "/audit-log" => Route::Audit,
            "/forgot-password" => Route::Forgot,
            "/reset-password" => Route::Reset { token: param("token").unwrap_or_default() },
            other => {
                fn selection<I>(id: &str, make: fn(i64) -> I) -> Selection<I> {
                    id.parse().ok().filter(|id| *id > 0).map_or(Selection::Unknown, |id| Selection::Existing(make(id)))
                }
                match (other.strip_prefix("/smtp-settings/"), other.strip_prefix("/templates/")) {
                    (Some(id), _) => Route::Settings(selection(id, SettingsId)),
                    (_, Some(id)) => Route::Templates(selection(id, TemplateId)),
                    _ => Route::NotFound,
                }
            }
        }
    }

    pub fn panel(&self) -> Panel {
        match self {
            Route::SignIn { .. } => Panel::SignIn,
            Route::Setup { .. } => Panel::Setup,
            Route::Settings(_) => Panel::Settings,
            Route::Templates(_) => Panel::Templates,
            Route::Delivery => Panel::Delivery,
            Route::Tokens => Panel::Tokens,
            Route::Forgot => Panel::Forgot,
            Route::Reset { .. } => Panel::Reset,
            Route::Users => Panel::Users,
            Route::Account => Panel::Account,
            Route::Audit => Panel::Audit,
            Route::NotFound => Panel::NotFound,
        }
    }
}

impl Selection<SettingsId> {
    pub fn path(self) -> String {
        self.path_in("/smtp-settings")
    }
}

impl<I: std::fmt::Display> Selection<I> {
    /// The URL of this selection in the panel at `base`.
    pub fn path_in(self, base: &str) -> String {
        match self {
            Selection::Nothing | Selection::Unknown => base.to_owned(),
            Selection::New => format!("{base}/new"),
            Selection::Existing(id) => format!("{base}/{id}"),
        }
    }
}

/// Only same-site paths may be a sign-in's destination (no open redirect).
fn is_local_path(next: &str) -> bool {
    next.starts_with('/') && !next.starts_with("//") && !next.contains('\\')
}

fn decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes.get(i..i + 3) {
            Some([b'%', hi, lo]) => hex(*hi).zip(hex(*lo)).map(|(h, l)| (h * 16 + l) as u8),
            _ => None,
        };
        match (escaped, bytes[i]) {
            (Some(b), _) => {
                out.push(b);
                i += 3;
                continue;
            }
            (None, b'+') => out.push(b' '),
            (None, b) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn settings_paths() {
        assert_eq!(Route::parse("/"), Route::Settings(Selection::Nothing));
        assert_eq!(Route::parse("/smtp-settings/new"), Route::Settings(Selection::New));
        assert_eq!(Route::parse("/smtp-settings/42"), Route::Settings(Selection::Existing(SettingsId(42))));
        assert_eq!(Route::parse("/smtp-settings/abc"), Route::Settings(Selection::Unknown));
        assert_eq!(Route::parse("/smtp-settings/0"), Route::Settings(Selection::Unknown));
        assert_eq!(Route::parse("/nowhere"), Route::NotFound);
        assert_eq!(Route::parse("/templates/7"), Route::Templates(Selection::Existing(TemplateId(7))));
        assert_eq!(Route::parse("/reset-password?token=abc"), Route::Reset { token: "abc".into() });
        assert_eq!(Selection::Existing(7).path_in("/templates"), "/templates/7");
    }

    #[test]
    fn sign_in_keeps_only_local_destinations() {
        assert_eq!(Route::parse("/sign-in?next=%2Fsmtp-settings%2F7"), Route::SignIn { next: Some("/smtp-settings/7".into()) });
        assert_eq!(Route::parse("/sign-in?next=https://evil.example"), Route::SignIn { next: None });
        assert_eq!(Route::parse("/sign-in?next=//evil.example"), Route::SignIn { next: None });
    }

    proptest! {
        #[test]
        fn encode_then_decode_is_identity(s in "\\PC{0,40}") {
            prop_assert_eq!(decode(&encode(&s)), s);
        }

        #[test]
        fn decode_never_panics(s in ".{0,40}") {
            let _ = decode(&s);
        }
    }
}
