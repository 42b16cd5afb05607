//! Provider presets for the Add form, from `presets.json`: the host, port and STARTTLS choice
//! each provider documents, what it wants as Username, and its setup page.

use super::{Field, SettingsForm};
use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    pub name: String,
    /// With `{region}` where the provider has one endpoint per region.
    host: String,
    pub port: u16,
    pub starttls_only: bool,
    /// A Username the provider fixes (SendGrid's literal `apikey`).
    #[serde(default)]
    pub username: Option<String>,
    pub username_hint: String,
    pub docs: String,
    #[serde(default)]
    pub regions: Vec<String>,
}

/// Every preset, in the order the Provider choice lists them.
pub fn presets() -> &'static [Preset] {
    static PRESETS: OnceLock<Vec<Preset>> = OnceLock::new();
    PRESETS.get_or_init(|| serde_json::from_str(include_str!("presets.json")).expect("presets.json is checked by its tests"))
}

pub fn preset(name: &str) -> Option<&'static Preset> {
    presets().iter().find(|p| p.name == name)
}

impl Preset {
    /// The host for `region` (or the first region, if the provider has regions).
    pub fn host(&self, region: Option<&str>) -> String {
        match self.regions.first() {
            Some(first) => {
                let region = region.filter(|r| self.regions.iter().any(|known| known == r)).unwrap_or(first);
                self.host.replace("{region}", region)
            }
            None => self.host.clone(),
        }
    }

    /// Fills Server Host Name, Port, Use STARTTLS Only and, where the provider fixes it,
    /// Username. The rest of the form is left as typed.
    pub fn apply(&self, form: &mut SettingsForm, region: Option<&str>) {
        form.set_text(Field::Host, self.host(region));
        form.set_text(Field::Port, self.port.to_string());
        form.starttls_only = self.starttls_only;
        if let Some(username) = &self.username {
            form.set_text(Field::Username, username.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(preset: &Preset, region: Option<&str>) -> SettingsForm {
        let mut form = SettingsForm {
            name: preset.name.clone(),
            email: "billing@example.com".into(),
            username: "billing@example.com".into(),
            ..SettingsForm::new_default()
        };
        preset.apply(&mut form, region);
        form
    }

    #[test]
    fn every_preset_passes_the_settings_validation() {
        assert_eq!(presets().len(), 10);
        for preset in presets() {
            let regions: Vec<Option<&str>> =
                if preset.regions.is_empty() { vec![None] } else { preset.regions.iter().map(|r| Some(r.as_str())).collect() };
            for region in regions {
                let valid = filled(preset, region).validate().unwrap_or_else(|e| panic!("{}: {e:?}", preset.name));
                assert_eq!(
                    valid.implicit_tls(),
                    valid.port.get() == 465,
                    "{}: port 465 means TLS from the first byte",
                    preset.name
                );
                assert!(!valid.host.as_str().contains('{'), "{}", preset.name);
            }
            assert!(preset.docs.starts_with("https://"), "{}", preset.name);
            assert!(!preset.username_hint.is_empty());
            assert_eq!(preset.host.contains("{region}"), !preset.regions.is_empty(), "{}", preset.name);
        }
    }

    #[test]
    fn regions_pick_the_endpoint_and_unknown_ones_fall_back_to_the_first() {
        let ses = preset("Amazon SES").unwrap();
        assert_eq!(ses.host(Some("eu-west-1")), "email-smtp.eu-west-1.amazonaws.com");
        assert_eq!(ses.host(Some("mars-1")), "email-smtp.us-east-1.amazonaws.com");
        assert_eq!(filled(preset("SendGrid").unwrap(), None).username, "apikey");
        let fastmail = filled(preset("Fastmail").unwrap(), None);
        assert_eq!((fastmail.port.as_str(), fastmail.starttls_only), ("465", false));
    }
}
