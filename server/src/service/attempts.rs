//! Refused anonymous attempts (wrong passwords, sign-ins during back-off, reset requests that
//! send nothing), folded so that one client writes at most one audit entry per window: the
//! first attempt is recorded as it happens, the rest of the window as one counted entry.
//! Anyone can send these requests, so what is kept in memory is bounded too.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Clients tracked at once; beyond this, new ones share one entry.
const MAX_CLIENTS: usize = 10_000;
/// Distinct accounts counted per client and window; beyond this the count says "at least".
const MAX_ACCOUNTS: usize = 1_000;
const OTHER_CLIENTS: &str = "other clients";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempt {
    FailedSignIn,
    RefusedSignIn,
    ResetRequest,
}

#[derive(Debug, Default)]
struct Counts {
    failed: u64,
    refused: u64,
    resets: u64,
    /// Hashes of the account names, so a flood of long names costs eight bytes each.
    accounts: HashSet<u64>,
}

impl Counts {
    fn is_empty(&self) -> bool {
        self.failed + self.refused + self.resets == 0
    }

    fn add(&mut self, attempt: Attempt, account: &str) {
        match attempt {
            Attempt::FailedSignIn => self.failed += 1,
            Attempt::RefusedSignIn => self.refused += 1,
            Attempt::ResetRequest => self.resets += 1,
        }
        if self.accounts.len() < MAX_ACCOUNTS {
            let mut hasher = DefaultHasher::new();
            account.hash(&mut hasher);
            self.accounts.insert(hasher.finish());
        }
    }

    /// "12 failed sign-ins for 3 accounts; 4 sign-ins refused while backing off".
    fn describe(&self) -> String {
        let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let accounts = self.accounts.len() as u64;
        let at_least = if self.accounts.len() >= MAX_ACCOUNTS { "at least " } else { "" };
        let mut parts = Vec::new();
        if self.failed > 0 {
            parts.push(plural(self.failed, "failed sign-in", "failed sign-ins"));
        }
        if self.refused > 0 {
            parts.push(plural(self.refused, "sign-in refused while backing off", "sign-ins refused while backing off"));
        }
        if self.resets > 0 {
            parts.push(plural(
                self.resets,
                "password reset request that sent nothing",
                "password reset requests that sent nothing",
            ));
        }
        format!("{} for {at_least}{}", parts.join("; "), plural(accounts, "account", "accounts"))
    }
}

#[derive(Debug)]
struct Bucket {
    last_written: Instant,
    pending: Counts,
}

/// What to write to the audit log.
#[derive(Debug, PartialEq, Eq)]
pub enum Record {
    /// This attempt, on its own, as it happened.
    Now,
    /// Counted into the client's next folded entry.
    Folded,
}

/// A folded entry ready to be written: the client, and what it tried.
#[derive(Debug, PartialEq, Eq)]
pub struct Summary {
    pub client: String,
    pub details: String,
}

pub struct Attempts {
    window: Duration,
    clients: Mutex<HashMap<String, Bucket>>,
}

impl Attempts {
    pub fn new(window: Duration) -> Self {
        Self { window, clients: Mutex::new(HashMap::new()) }
    }

    pub fn window(&self) -> Duration {
        self.window
    }

    /// Notes a refused attempt; says whether to record it now or leave it to the summary.
    pub fn note(&self, client: &str, attempt: Attempt, account: &str, now: Instant) -> Record {
        let mut clients = self.clients.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = if clients.len() >= MAX_CLIENTS && !clients.contains_key(client) { OTHER_CLIENTS } else { client };
        match clients.get_mut(key) {
            None => {
                clients.insert(key.to_owned(), Bucket { last_written: now, pending: Counts::default() });
                Record::Now
            }
            Some(bucket) if bucket.pending.is_empty() && now.duration_since(bucket.last_written) >= self.window => {
                bucket.last_written = now;
                Record::Now
            }
            Some(bucket) => {
                bucket.pending.add(attempt, account);
                Record::Folded
            }
        }
    }

    /// Summaries whose window has ended (all of them when `everything`, at shutdown), and
    /// forgets clients that have been quiet for a window.
    pub fn due(&self, now: Instant, everything: bool) -> Vec<Summary> {
        let mut clients = self.clients.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut out = Vec::new();
        clients.retain(|client, bucket| {
            let ended = now.duration_since(bucket.last_written) >= self.window;
            if !bucket.pending.is_empty() && (ended || everything) {
                out.push(Summary { client: client.clone(), details: bucket.pending.describe() });
                bucket.pending = Counts::default();
                bucket.last_written = now;
                return true;
            }
            !(ended && bucket.pending.is_empty())
        });
        out.sort_by(|a, b| a.client.cmp(&b.client));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn the_first_attempt_is_recorded_and_the_rest_of_the_minute_folded() {
        let attempts = Attempts::new(MINUTE);
        let t0 = Instant::now();
        assert_eq!(attempts.note("203.0.113.9", Attempt::FailedSignIn, "a@example.com", t0), Record::Now);
        for (i, account) in ["a@example.com", "b@example.com", "c@example.com"].iter().cycle().take(12).enumerate() {
            let at = t0 + Duration::from_secs(i as u64);
            assert_eq!(attempts.note("203.0.113.9", Attempt::FailedSignIn, account, at), Record::Folded);
        }
        attempts.note("203.0.113.9", Attempt::RefusedSignIn, "a@example.com", t0 + Duration::from_secs(20));
        assert_eq!(attempts.note("198.51.100.1", Attempt::ResetRequest, "x@example.com", t0), Record::Now);
        assert!(attempts.due(t0 + Duration::from_secs(59), false).is_empty(), "not before the minute is up");
        let due = attempts.due(t0 + MINUTE, false);
        assert_eq!(
            due,
            [Summary {
                client: "203.0.113.9".into(),
                details: "12 failed sign-ins; 1 sign-in refused while backing off for 3 accounts".into()
            }]
        );
        assert!(attempts.due(t0 + 2 * MINUTE, false).is_empty(), "written once");
        let later = t0 + 3 * MINUTE;
        assert_eq!(attempts.note("203.0.113.9", Attempt::FailedSignIn, "a@example.com", later), Record::Now);
    }

    #[test]
    fn a_summary_waits_a_whole_window_after_the_last_entry() {
        let attempts = Attempts::new(MINUTE);
        let t0 = Instant::now();
        attempts.note("c", Attempt::FailedSignIn, "a", t0);
        attempts.note("c", Attempt::FailedSignIn, "a", t0 + Duration::from_secs(30));
        assert_eq!(attempts.due(t0 + MINUTE, false).len(), 1);
        attempts.note("c", Attempt::ResetRequest, "a", t0 + Duration::from_secs(61));
        assert!(attempts.due(t0 + Duration::from_secs(119), false).is_empty());
        assert_eq!(
            attempts.due(t0 + Duration::from_secs(121), false)[0].details,
            "1 password reset request that sent nothing for 1 account"
        );
        attempts.note("c", Attempt::ResetRequest, "a", t0 + Duration::from_secs(122));
        assert_eq!(attempts.due(t0 + Duration::from_secs(123), true).len(), 1, "shutdown writes what is pending");
    }

    proptest! {
        /// However attempts arrive, a client gets at most one entry per window, and none is lost.
        #[test]
        fn at_most_one_entry_per_client_per_window_and_every_attempt_counted(
            gaps in proptest::collection::vec(0u64..30_000, 1..200),
            clients in proptest::collection::vec(0u8..3, 1..200),
        ) {
            let attempts = Attempts::new(MINUTE);
            let t0 = Instant::now();
            let mut now = t0;
            let mut written: HashMap<String, Vec<Instant>> = HashMap::new();
            let mut counted: HashMap<String, u64> = HashMap::new();
            for (gap, client) in gaps.iter().zip(clients.iter().cycle()) {
                now += Duration::from_millis(*gap);
                for summary in attempts.due(now, false) {
                    let n: u64 = summary.details.split(' ').next().unwrap().parse().unwrap();
                    *counted.entry(summary.client.clone()).or_default() += n;
                    written.entry(summary.client).or_default().push(now);
                }
                let client = format!("client-{client}");
                if attempts.note(&client, Attempt::FailedSignIn, "a", now) == Record::Now {
                    *counted.entry(client.clone()).or_default() += 1;
                    written.entry(client).or_default().push(now);
                }
            }
            for summary in attempts.due(now, true) {
                let n: u64 = summary.details.split(' ').next().unwrap().parse().unwrap();
                *counted.entry(summary.client).or_default() += n;
            }
            for times in written.values() {
                for pair in times.windows(2) {
                    prop_assert!(pair[1].duration_since(pair[0]) >= MINUTE);
                }
            }
            prop_assert_eq!(counted.values().sum::<u64>(), gaps.len() as u64);
        }
    }
}
