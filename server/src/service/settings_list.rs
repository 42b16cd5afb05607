//! The SMTP settings list as stored, kept between requests for as long as the database's list
//! revision (moved by triggers on every write the list shows, with a random token drawn at each
//! move) stays where it was. Each request still reads the revision, so a write on any instance
//! is seen by the next list on every one; the token keeps a revision number that comes back
//! (a restored backup, a failover to a replica that lags) from matching a list read before.
//! What moves by itself — delivery health, failover — is added per request by the caller. The
//! rows are kept serialised too: a list request sends those bytes as they are, and serialises
//! only the live states that are not the default, beside them.

use super::delivery::DAY_MS;
use super::{Mailroom, OrInternal};
use crate::db::{now_ms, HealthRow, SummaryRow};
use app::api::{AppError, DeliveryHealth, LiveState, Prepared, SettingsId, SettingsSummary, Timestamp};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use super::settings::last_test;

/// The settings as stored, in list order, with no live state, ready to be sent.
pub(super) struct StoredList {
    pub rows: Arc<Prepared<Vec<SettingsSummary>>>,
    /// The settings that name a backup: only they can be failing over.
    pub with_backup: HashSet<SettingsId>,
}

/// The revision number and the token drawn with it.
type Revision = (i64, i64);

#[derive(Default)]
pub(super) struct ListCache(Mutex<Option<(Revision, Arc<StoredList>)>>);

impl ListCache {
    fn get(&self, revision: Revision) -> Option<Arc<StoredList>> {
        let cached = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        cached.as_ref().filter(|(at, _)| *at == revision).map(|(_, list)| list.clone())
    }

    /// Keeps `list`, read at `revision` (the caller read the revision before and after it). A
    /// list is only ever served at the exact revision and token it was read at.
    fn put(&self, revision: Revision, list: Arc<StoredList>) {
        let mut cached = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *cached = Some((revision, list));
    }
}

impl Mailroom {
    /// The stored list and each settings' delivery health. When this instance keeps the list at
    /// the database's revision, that is one read.
    pub(super) async fn settings_list_now(&self) -> Result<(Arc<StoredList>, Vec<HealthRow>), AppError> {
        let state = self.db.settings_list_state(now_ms() - DAY_MS).await.or_internal("listing SMTP settings")?;
        Ok((self.stored_at(state.revision).await?, state.health))
    }

    pub(super) async fn stored_settings_list(&self) -> Result<Arc<StoredList>, AppError> {
        let revision = self.db.settings_list_revision().await.or_internal("listing SMTP settings")?;
        self.stored_at(revision).await
    }

    /// The list kept at `revision`, read just now, or read from the database.
    async fn stored_at(&self, revision: Revision) -> Result<Arc<StoredList>, AppError> {
        if let Some(list) = self.settings_list.get(revision) {
            return Ok(list);
        }
        let rows = self.db.list_settings().await.or_internal("listing SMTP settings")?;
        let with_backup = rows.iter().filter(|r| r.backup_id.is_some()).map(|r| SettingsId(r.id)).collect();
        let rows = Prepared::new(rows.into_iter().map(stored).collect()).or_internal("listing SMTP settings")?;
        let list = Arc::new(StoredList { rows: Arc::new(rows), with_backup });
        // Kept only if nothing was written between the two reads: then the list is exactly the
        // one at `revision`, and a database brought back to that revision holds it too.
        if self.db.settings_list_revision().await.or_internal("listing SMTP settings")? == revision {
            self.settings_list.put(revision, list.clone());
        }
        Ok(list)
    }
}

/// What moves by itself, for the settings where it is not the default: those with mail in the
/// last day or waiting, and those failing over to their backup now. Costs the live rows only.
pub(super) fn live_states(
    health: HashMap<SettingsId, DeliveryHealth>,
    failing_over: Vec<i64>,
    with_backup: &HashSet<SettingsId>,
) -> Vec<LiveState> {
    let mut live: BTreeMap<SettingsId, LiveState> =
        health.into_iter().map(|(id, health)| (id, LiveState { id, health, failing_over: false })).collect();
    for id in failing_over.into_iter().map(SettingsId).filter(|id| with_backup.contains(id)) {
        live.entry(id).or_insert_with(|| LiveState { id, health: DeliveryHealth::default(), failing_over: false }).failing_over =
            true;
    }
    live.into_values().collect()
}

fn stored(r: SummaryRow) -> SettingsSummary {
    SettingsSummary {
        health: Default::default(),
        failing_over: false,
        backs_up: r.backs_up,
        cert_expires_at: r.cert_expires_at.map(Timestamp),
        last_test: last_test(r.last_test_at, r.last_test_ok, r.last_test_summary),
        is_default: r.is_default,
        template_count: r.template_count,
        id: SettingsId(r.id),
        name: r.name,
        host: r.host,
        port: r.port as u16,
        email: r.email,
        username: r.username,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(name: &str) -> Arc<StoredList> {
        let summary = SettingsSummary {
            id: SettingsId(1),
            name: name.into(),
            host: "smtp.example.com".into(),
            port: 587,
            email: "billing@example.com".into(),
            username: String::new(),
            last_test: None,
            is_default: true,
            template_count: 0,
            health: Default::default(),
            failing_over: false,
            backs_up: 0,
            cert_expires_at: None,
        };
        let rows = Arc::new(Prepared::new(vec![summary]).unwrap());
        Arc::new(StoredList { rows, with_backup: HashSet::new() })
    }

    fn name(list: Option<Arc<StoredList>>) -> Option<String> {
        list.map(|l| l.rows.value()[0].name.clone())
    }

    #[test]
    fn only_settings_with_a_backup_are_failing_over_and_health_is_kept_as_counted() {
        let busy = DeliveryHealth { sent_24h: 3, failed_24h: 1, waiting: 2, failing_since: Some(Timestamp(9)) };
        let health = HashMap::from([(SettingsId(2), busy.clone())]);
        let with_backup = HashSet::from([SettingsId(2), SettingsId(5)]);
        let live = live_states(health, vec![2, 5, 7], &with_backup);
        let expected = vec![
            LiveState { id: SettingsId(2), health: busy, failing_over: true },
            LiveState { id: SettingsId(5), health: DeliveryHealth::default(), failing_over: true },
        ];
        assert_eq!(live, expected, "7 has no backup, so it is not failing over");
    }

    #[test]
    fn a_list_is_served_only_at_the_revision_it_was_read_at() {
        let cache = ListCache::default();
        assert_eq!(name(cache.get((0, 0))), None, "nothing is kept at first");
        cache.put((3, 77), list("Billing"));
        assert_eq!(name(cache.get((3, 77))).as_deref(), Some("Billing"));
        assert_eq!(name(cache.get((4, 12))), None, "a moved revision reads again");
        assert_eq!(name(cache.get((3, 78))), None, "the same number with another token reads again");
    }

    #[test]
    fn a_slower_reader_never_makes_an_older_list_served_at_a_newer_revision() {
        let cache = ListCache::default();
        cache.put((5, 1), list("Newer"));
        cache.put((4, 2), list("Older"));
        assert_eq!(name(cache.get((5, 1))), None, "the database is at 5: read again");
        assert_eq!(name(cache.get((4, 2))).as_deref(), Some("Older"), "only while the database is still at 4");
    }
}
