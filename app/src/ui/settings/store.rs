//! The SMTP settings list as the browser holds it: sorted by name, with a lower-cased search
//! text per row so a filter keystroke is one pass of substring tests.

use crate::api::test_email::LastTest;
use crate::api::{SettingsId, SettingsSummary};
use crate::domain::name_key;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Clone, Debug, Default)]
pub struct SettingsList {
    rows: Vec<(SettingsSummary, String)>,
    /// Different for every list made by `new` and after every change made through `rows_mut`
    /// (only the empty default list keeps 0): row indexes kept from one generation (the
    /// Filter's earlier matches) mean nothing in another.
    generation: u64,
}

/// Two lists are equal when their rows are, whatever their generations.
impl PartialEq for SettingsList {
    fn eq(&self, other: &Self) -> bool {
        self.rows == other.rows
    }
}

fn next_generation() -> u64 {
    static LAST: AtomicU64 = AtomicU64::new(0);
    LAST.fetch_add(1, Ordering::Relaxed) + 1
}

impl SettingsList {
    pub fn new(mut items: Vec<SettingsSummary>) -> Self {
        items.sort_by_cached_key(|s| name_key(&s.name));
        Self {
            generation: next_generation(),
            rows: items
                .into_iter()
                .map(|s| {
                    let h = s.haystack();
                    (s, h)
                })
                .collect(),
        }
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The rows to change, in a new generation.
    fn rows_mut(&mut self) -> &mut Vec<(SettingsSummary, String)> {
        self.generation = next_generation();
        &mut self.rows
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn at(&self, index: usize) -> Option<&SettingsSummary> {
        self.rows.get(index).map(|(s, _)| s)
    }

    pub fn get(&self, id: SettingsId) -> Option<&SettingsSummary> {
        self.rows.iter().map(|(s, _)| s).find(|s| s.id == id)
    }

    /// Indexes of the rows matching every word of `filter`, in list order.
    pub fn filter(&self, filter: &str) -> Vec<usize> {
        self.filter_within(filter, 0..self.rows.len())
    }

    /// The indexes among `candidates` (in list order) of the rows matching every word of `filter`.
    pub fn filter_within(&self, filter: &str, candidates: impl IntoIterator<Item = usize>) -> Vec<usize> {
        let needle = filter.to_lowercase();
        let words: Vec<&str> = needle.split_whitespace().collect();
        let matching = |i: &usize| self.rows.get(*i).is_some_and(|(_, hay)| words.iter().all(|w| hay.contains(w)));
        candidates.into_iter().filter(matching).collect()
    }

    /// Adds or replaces a row, keeping the order (and the template count and delivery health,
    /// which a saved view does not carry).
    pub fn upsert(&mut self, mut summary: SettingsSummary) {
        let rows = self.rows_mut();
        if let Some((old, _)) = rows.iter().find(|(s, _)| s.id == summary.id) {
            summary.template_count = old.template_count;
            summary.health = old.health.clone();
            summary.failing_over = old.failing_over;
            summary.backs_up = old.backs_up;
            summary.cert_expires_at = old.cert_expires_at;
        }
        rows.retain(|(s, _)| s.id != summary.id);
        let key = name_key(&summary.name);
        let at = rows.partition_point(|(s, _)| name_key(&s.name) <= key);
        let hay = summary.haystack();
        rows.insert(at, (summary, hay));
    }

    pub fn set_last_test(&mut self, id: SettingsId, last_test: LastTest) {
        if let Some((summary, _)) = self.rows_mut().iter_mut().find(|(s, _)| s.id == id) {
            summary.last_test = Some(last_test);
        }
    }

    /// Moves the default mark (and the templates that follow it) to `id`.
    pub fn make_default(&mut self, id: SettingsId) {
        let rows = self.rows_mut();
        let following = rows.iter().find(|(s, _)| s.is_default).map_or(0, |(s, _)| s.template_count);
        for (summary, _) in rows.iter_mut() {
            if summary.is_default && summary.id != id {
                summary.is_default = false;
                summary.template_count = 0;
            }
        }
        if let Some((summary, _)) = rows.iter_mut().find(|(s, _)| s.id == id) {
            summary.is_default = true;
            summary.template_count += following;
        }
    }

    pub fn remove(&mut self, id: SettingsId) {
        self.rows_mut().retain(|(s, _)| s.id != id);
    }

    /// The other settings already using this name, ignoring case.
    pub fn name_taken(&self, name: &str, except: Option<SettingsId>) -> Option<&SettingsSummary> {
        let key = name_key(name);
        self.rows.iter().map(|(s, _)| s).find(|s| Some(s.id) != except && name_key(&s.name) == key)
    }
}

/// A never-tested, unused row for the list's tests.
#[cfg(test)]
pub(super) fn row(id: i64, name: &str, host: &str) -> SettingsSummary {
    SettingsSummary {
        id: SettingsId(id),
        name: name.into(),
        host: host.into(),
        port: 587,
        email: format!("noreply@{host}"),
        username: format!("user{id}"),
        last_test: None,
        is_default: false,
        template_count: 0,
        health: Default::default(),
        failing_over: false,
        backs_up: 0,
        cert_expires_at: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn list() -> SettingsList {
        SettingsList::new(vec![
            row(1, "Sendgrid", "smtp.sendgrid.net"),
            row(2, "amazon SES", "email-smtp.eu-west-1.amazonaws.com"),
            row(3, "Office", "smtp.office365.com"),
        ])
    }

    #[test]
    fn sorted_by_name_ignoring_case() {
        let l = list();
        let names: Vec<_> = (0..l.len()).map(|i| l.at(i).unwrap().name.clone()).collect();
        assert_eq!(names, ["amazon SES", "Office", "Sendgrid"]);
    }

    #[test]
    fn filter_matches_name_host_email_and_username_case_insensitively() {
        let l = list();
        assert_eq!(l.filter("OFFICE"), [1]);
        assert_eq!(l.filter("sendgrid.net"), [2]);
        assert_eq!(l.filter("noreply@email-smtp"), [0]);
        assert_eq!(l.filter("user3"), [1]);
        assert_eq!(l.filter("smtp office"), [1]);
        assert_eq!(l.filter("  "), [0, 1, 2]);
        assert!(l.filter("nothing-like-this").is_empty());
    }

    #[test]
    fn upsert_replaces_and_keeps_order() {
        let mut l = list();
        l.upsert(row(3, "Zoho", "smtp.zoho.eu"));
        assert_eq!(l.len(), 3);
        assert_eq!(l.at(2).unwrap().name, "Zoho");
        l.upsert(row(4, "Brevo", "smtp-relay.brevo.com"));
        assert_eq!(l.at(1).unwrap().name, "Brevo");
        l.remove(SettingsId(1));
        assert!(l.get(SettingsId(1)).is_none());
    }

    #[test]
    fn name_taken_ignores_case_and_self() {
        let l = list();
        assert_eq!(l.name_taken("OFFICE ", None).map(|s| s.id), Some(SettingsId(3)));
        assert!(l.name_taken("office", Some(SettingsId(3))).is_none());
    }

    proptest! {
        #[test]
        fn filter_returns_exactly_the_rows_containing_the_text(names in proptest::collection::vec("[a-zA-Z ]{1,12}", 0..40), needle in "[a-zA-Z]{1,3}") {
            let l = SettingsList::new(names.iter().enumerate().map(|(i, n)| row(i as i64 + 1, n, "h.example")).collect());
            let hits = l.filter(&needle);
            for i in 0..l.len() {
                let s = l.at(i).unwrap();
                let expected = s.haystack().contains(&needle.to_lowercase());
                prop_assert_eq!(hits.contains(&i), expected);
            }
        }
    }
}
