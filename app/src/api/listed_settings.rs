//! The SMTP settings list on the wire: the rows as stored, sent as the server serialised them
//! when it read them, and beside them what moves by itself.

use super::prepared::Sent;
use super::types::{DeliveryHealth, SettingsId, SettingsSummary};
use serde::{Deserialize, Serialize};

/// The SMTP settings list as `settings/list` answers it: the rows as stored, which the server
/// keeps serialised until a write moves the list, and what moves by itself (delivery health,
/// failover) for the rows where it is not the default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListedSettings {
    pub stored: Sent<Vec<SettingsSummary>>,
    pub live: Vec<LiveState>,
}

/// What moves by itself for one settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveState {
    pub id: SettingsId,
    pub health: DeliveryHealth,
    pub failing_over: bool,
}

impl ListedSettings {
    /// The rows, each with its live state.
    pub fn into_rows(self) -> Vec<SettingsSummary> {
        let mut live = self.live;
        live.sort_unstable_by_key(|l| l.id);
        let mut rows = self.stored.into_value();
        for row in &mut rows {
            if let Ok(at) = live.binary_search_by_key(&row.id, |l| l.id) {
                row.health = live[at].health.clone();
                row.failing_over = live[at].failing_over;
            }
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Timestamp;
    use proptest::prelude::*;

    fn row(id: i64) -> SettingsSummary {
        SettingsSummary {
            id: SettingsId(id),
            name: format!("Relay {id}"),
            host: "smtp.example.com".into(),
            port: 587,
            email: "billing@example.com".into(),
            username: String::new(),
            last_test: None,
            is_default: id == 0,
            template_count: 0,
            health: Default::default(),
            failing_over: false,
            backs_up: 0,
            cert_expires_at: None,
        }
    }

    /// Stored ids in list order (not sorted, with gaps), and the live ids in any order, some of
    /// them for settings the list does not have.
    fn ids() -> impl Strategy<Value = (Vec<i64>, Vec<i64>)> {
        let stored = prop::collection::btree_set(0i64..200, 0..30).prop_map(Vec::from_iter).prop_shuffle();
        let live = prop::collection::btree_set(0i64..200, 0..15).prop_map(Vec::from_iter).prop_shuffle();
        (stored, live)
    }

    proptest! {
        /// Every row keeps its place; a row with a live state gets exactly that state, every
        /// other row the default.
        #[test]
        fn each_row_gets_its_own_live_state((stored_ids, live_ids) in ids()) {
            let stored: Vec<SettingsSummary> = stored_ids.iter().copied().map(row).collect();
            let live: Vec<LiveState> = live_ids
                .iter()
                .map(|&id| LiveState {
                    id: SettingsId(id),
                    health: DeliveryHealth { sent_24h: id + 1, failed_24h: 0, waiting: 0, failing_since: Some(Timestamp(id)) },
                    failing_over: id % 2 == 0,
                })
                .collect();
            let wire = serde_json::to_string(&ListedSettings { stored: Sent::Value(stored), live }).unwrap();
            let rows = serde_json::from_str::<ListedSettings>(&wire).unwrap().into_rows();
            prop_assert_eq!(rows.iter().map(|r| r.id.get()).collect::<Vec<_>>(), stored_ids);
            for r in rows {
                let id = r.id.get();
                match live_ids.contains(&id) {
                    true => {
                        prop_assert_eq!(r.health.sent_24h, id + 1);
                        prop_assert_eq!(r.failing_over, id % 2 == 0);
                    }
                    false => {
                        prop_assert_eq!(r.health, DeliveryHealth::default());
                        prop_assert!(!r.failing_over);
                    }
                }
            }
        }
    }
}
