//! Failover: settings whose relay cannot be reached (connect, TLS, sign-in or time-out) rest
//! for a cool-down while their backup carries their mail, then are tried again. The cool-down
//! starts at `first` and doubles with each failure in a row, up to 30 minutes. Kept per
//! instance, in memory.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const LONGEST: Duration = Duration::from_secs(30 * 60);

pub struct CoolDowns {
    first: Duration,
    down: Mutex<HashMap<i64, (Instant, u32)>>,
}

impl CoolDowns {
    pub fn new(first: Duration) -> Self {
        Self { first, down: Mutex::new(HashMap::new()) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, (Instant, u32)>> {
        self.down.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether these settings are resting now.
    pub fn is_down(&self, id: i64) -> bool {
        self.lock().get(&id).is_some_and(|(until, _)| Instant::now() < *until)
    }

    /// The relay failed: rest for the next, longer cool-down. Failures seen while already
    /// resting (other connections finding out) do not lengthen it.
    pub fn failed(&self, id: i64) {
        let mut down = self.lock();
        if down.get(&id).is_some_and(|(until, _)| Instant::now() < *until) {
            return;
        }
        let streak = down.get(&id).map_or(0, |(_, n)| *n) + 1;
        let rest = self.first.saturating_mul(1 << (streak - 1).min(16)).min(LONGEST);
        down.insert(id, (Instant::now() + rest, streak));
    }

    /// The relay took a mail: no more resting.
    pub fn recovered(&self, id: i64) {
        self.lock().remove(&id);
    }

    /// Settings whose mail their backup carries now (or would, once it comes).
    pub fn failing_over(&self) -> Vec<i64> {
        let now = Instant::now();
        self.lock().iter().filter(|(_, (until, _))| now < *until).map(|(id, _)| *id).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cool_down_grows_and_a_success_ends_it() {
        let cool = CoolDowns::new(Duration::from_secs(60));
        assert!(!cool.is_down(1));
        cool.failed(1);
        assert!(cool.is_down(1) && !cool.is_down(2));
        let first = cool.lock()[&1].0;
        cool.failed(1);
        assert_eq!(cool.lock()[&1].0, first, "a failure while resting does not lengthen the rest");
        cool.lock().insert(1, (Instant::now(), 1));
        cool.failed(1);
        assert!(cool.lock()[&1].0 >= first + Duration::from_secs(55), "the next rest is about twice as long");
        assert_eq!(cool.failing_over(), vec![1]);
        cool.recovered(1);
        assert!(!cool.is_down(1) && cool.failing_over().is_empty());
    }

    #[test]
    fn the_cool_down_never_exceeds_half_an_hour() {
        let cool = CoolDowns::new(Duration::from_secs(60));
        for _ in 0..40 {
            cool.failed(7);
            let streak = cool.lock()[&7].1;
            cool.lock().insert(7, (Instant::now(), streak));
        }
        cool.failed(7);
        assert!(cool.lock()[&7].0 <= Instant::now() + LONGEST);
    }
}
