//! The layers under `Config`: embedded defaults, then an optional TOML file (`MAILROOM_CONFIG`,
//! or `mailroom.toml` in the working directory), then environment variables, merged by figment.
//! Defaults are written here once; a bad value is named by its environment variable.

use super::ConfigError;
use figment::error::{Actual, Kind};
use figment::providers::{Env, Format, Serialized, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use serde::{Deserialize, Deserializer, Serialize};
use std::path::PathBuf;

/// Each setting's key in the file, and the environment variable that overrides it.
const VARIABLES: [(&str, &str); 13] = [
    ("addr", "MAILROOM_ADDR"),
    ("data_dir", "MAILROOM_DATA_DIR"),
    ("database_url", "DATABASE_URL"),
    ("public_url", "MAILROOM_PUBLIC_URL"),
    ("admin_email", "MAILROOM_ADMIN_EMAIL"),
    ("session_idle_minutes", "MAILROOM_SESSION_IDLE_MINUTES"),
    ("session_lifetime_hours", "MAILROOM_SESSION_LIFETIME_HOURS"),
    ("smtp_ca_file", "MAILROOM_SMTP_CA_FILE"),
    ("smtp_connect_timeout_secs", "MAILROOM_SMTP_CONNECT_TIMEOUT_SECS"),
    ("smtp_timeout_secs", "MAILROOM_SMTP_TIMEOUT_SECS"),
    ("outbox_claim_timeout_secs", "MAILROOM_OUTBOX_CLAIM_TIMEOUT_SECS"),
    ("trusted_proxies", "MAILROOM_TRUSTED_PROXIES"),
    ("revisions_keep", "MAILROOM_REVISIONS_KEEP"),
];

/// The environment variable behind `key`.
pub(super) fn variable(key: &str) -> &'static str {
    VARIABLES.iter().find(|(k, _)| *k == key).map_or("MAILROOM_CONFIG", |(_, v)| v)
}

/// Every setting as written, before `Config` checks it. Text settings take any scalar as
/// text, so "3000" is the address it is not, rather than a type error.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Layers {
    #[serde(deserialize_with = "text")]
    pub addr: String,
    #[serde(deserialize_with = "text")]
    pub data_dir: String,
    #[serde(deserialize_with = "optional_text")]
    pub database_url: Option<String>,
    #[serde(deserialize_with = "optional_text")]
    pub public_url: Option<String>,
    #[serde(deserialize_with = "optional_text")]
    pub admin_email: Option<String>,
    #[serde(deserialize_with = "number")]
    pub session_idle_minutes: u64,
    #[serde(deserialize_with = "number")]
    pub session_lifetime_hours: u64,
    #[serde(deserialize_with = "optional_text")]
    pub smtp_ca_file: Option<String>,
    #[serde(deserialize_with = "number")]
    pub smtp_connect_timeout_secs: u64,
    #[serde(deserialize_with = "number")]
    pub smtp_timeout_secs: u64,
    #[serde(deserialize_with = "number")]
    pub outbox_claim_timeout_secs: u64,
    #[serde(deserialize_with = "text")]
    pub trusted_proxies: String,
    #[serde(deserialize_with = "number")]
    pub revisions_keep: u64,
}

impl Default for Layers {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:3000".into(),
            data_dir: "./data".into(),
            database_url: None,
            public_url: None,
            admin_email: None,
            session_idle_minutes: 120,
            session_lifetime_hours: 12,
            smtp_ca_file: None,
            smtp_connect_timeout_secs: 10,
            smtp_timeout_secs: 30,
            outbox_claim_timeout_secs: 600,
            trusted_proxies: String::new(),
            revisions_keep: 50,
        }
    }
}

fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(shown(&<Value as Deserialize>::deserialize(deserializer)?.to_actual()))
}

/// A whole number, written as one or as text ("30"), as files written for earlier versions do.
fn number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    let value = <Value as Deserialize>::deserialize(deserializer)?;
    let text = shown(&value.to_actual());
    text.trim().parse().map_err(|_| serde::de::Error::invalid_value(serde::de::Unexpected::Str(&text), &"a whole number"))
}

fn optional_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Value>::deserialize(deserializer)?.map(|v| shown(&v.to_actual())))
}

/// An environment layer that treats an empty variable as unset, as a shell user expects.
struct SetVariables(Env);

impl Provider for SetVariables {
    fn metadata(&self) -> Metadata {
        self.0.metadata()
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        let dict: Dict = self
            .0
            .iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(key, value)| (key.to_string(), value.parse().unwrap_or(Value::from(value))))
            .collect();
        Ok(Profile::Default.collect(dict))
    }
}

/// The config file to read: the one `MAILROOM_CONFIG` names, which must exist, or
/// `mailroom.toml` when it is there.
fn config_file() -> Result<Option<PathBuf>, ConfigError> {
    match std::env::var("MAILROOM_CONFIG") {
        Ok(path) if !path.is_empty() => {
            let path = PathBuf::from(path);
            std::fs::metadata(&path)
                .map_err(|e| super::fail("MAILROOM_CONFIG", format!("cannot read {}: {e}.", path.display())))?;
            Ok(Some(path))
        }
        _ => Ok(Some(PathBuf::from("mailroom.toml")).filter(|p| p.is_file())),
    }
}

/// The raw value a figment error is about, as the user typed it.
fn shown(actual: &Actual) -> String {
    match actual {
        Actual::Str(s) => s.clone(),
        Actual::Unsigned(n) => n.to_string(),
        Actual::Signed(n) => n.to_string(),
        Actual::Float(n) => n.to_string(),
        Actual::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

fn named(error: figment::Error, file: Option<&PathBuf>) -> ConfigError {
    let key = error.path.last().map(String::as_str).unwrap_or_default();
    match &error.kind {
        Kind::InvalidType(actual, _) | Kind::InvalidValue(actual, _) => {
            super::fail(variable(key), format!("\"{}\" is not a positive whole number.", shown(actual)))
        }
        kind => {
            let shown = file.map_or_else(|| "the config file".to_owned(), |p| p.display().to_string());
            super::fail("MAILROOM_CONFIG", format!("{shown} is not valid: {kind}."))
        }
    }
}

impl Layers {
    /// The defaults, overridden by the file, overridden by the environment.
    pub fn read() -> Result<Self, ConfigError> {
        let file = config_file()?;
        let mut figment = Figment::from(Serialized::defaults(Layers::default()));
        if let Some(path) = &file {
            // Read here first: toml's own message says what is wrong without quoting the line,
            // which may hold a database password.
            let text = std::fs::read_to_string(path)
                .map_err(|e| super::fail("MAILROOM_CONFIG", format!("cannot read {}: {e}.", path.display())))?;
            toml::from_str::<toml::Table>(&text)
                .map_err(|e| super::fail("MAILROOM_CONFIG", format!("{} is not valid: {}", path.display(), e.message())))?;
            figment = figment.merge(Toml::string(&text));
        }
        let keys: Vec<&str> = VARIABLES.iter().map(|(key, _)| *key).filter(|key| *key != "database_url").collect();
        figment = figment
            .merge(SetVariables(Env::prefixed("MAILROOM_").only(&keys)))
            .merge(SetVariables(Env::raw().only(&["database_url"])));
        figment.extract().map_err(|e| named(e, file.as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_has_its_variable() {
        let defaults = serde_json::to_value(Layers::default()).unwrap();
        let keys: Vec<&str> = defaults.as_object().unwrap().keys().map(String::as_str).collect();
        let mut named: Vec<&str> = VARIABLES.iter().map(|(key, _)| *key).collect();
        named.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, named);
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's own test harness returns its error type
    fn a_file_overrides_defaults_and_names_a_bad_value() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("mailroom.toml", "session_idle_minutes = 30\naddr = \"0.0.0.0:8080\"")?;
            let layers = Layers::read().expect("a good file");
            assert_eq!((layers.session_idle_minutes, layers.addr.as_str()), (30, "0.0.0.0:8080"));
            jail.set_env("MAILROOM_SESSION_IDLE_MINUTES", "45");
            jail.set_env("MAILROOM_ADDR", "");
            let layers = Layers::read().expect("the environment wins, and empty means unset");
            assert_eq!((layers.session_idle_minutes, layers.addr.as_str()), (45, "0.0.0.0:8080"));
            jail.set_env("MAILROOM_SESSION_IDLE_MINUTES", "soon");
            let error = Layers::read().unwrap_err();
            assert_eq!(error.to_string(), "MAILROOM_SESSION_IDLE_MINUTES: \"soon\" is not a positive whole number.");
            jail.set_env("MAILROOM_SESSION_IDLE_MINUTES", "45");
            jail.create_file("mailroom.toml", "revisions_keep = \"20\"")?;
            assert_eq!(Layers::read().expect("a number written as text").revisions_keep, 20);
            jail.create_file("mailroom.toml", "database_url = \"postgres://u:hunter2@db/m\"\nport = = 1")?;
            let error = Layers::read().unwrap_err();
            assert_eq!(error.variable, "MAILROOM_CONFIG");
            assert!(!error.message.contains("hunter2"), "{error}");
            jail.create_file("mailroom.toml", "sesion_idle_minutes = 30")?;
            let error = Layers::read().unwrap_err();
            assert_eq!(error.variable, "MAILROOM_CONFIG");
            assert!(error.message.contains("sesion_idle_minutes"), "{error}");
            Ok(())
        });
    }
}
