//! A sliding-window limit per key, kept in memory: reset requests per client address, which
//! must not make anonymous callers write to the database. A restart forgetting it costs
//! nothing. Keys whose hits have all
//! aged out are dropped, so many keys (client addresses, say) do not pile up.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Keys held before the ones with nothing recent are swept out.
const SWEEP_AT: usize = 1024;

pub struct RateLimiter<K = i64> {
    max: usize,
    window: Duration,
    hits: Mutex<HashMap<K, VecDeque<Instant>>>,
}

impl<K: Hash + Eq> RateLimiter<K> {
    pub fn new(max: usize, window: Duration) -> Self {
        Self { max, window, hits: Mutex::new(HashMap::new()) }
    }

    /// Records a hit for `key`, or says how long until one is allowed.
    pub fn hit(&self, key: K, now: Instant) -> Result<(), Duration> {
        let mut hits = self.hits.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if hits.len() >= SWEEP_AT && !hits.contains_key(&key) {
            hits.retain(|_, recent| recent.back().is_some_and(|t| now.duration_since(*t) < self.window));
        }
        let recent = hits.entry(key).or_default();
        while recent.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            recent.pop_front();
        }
        if recent.len() >= self.max {
            let oldest = *recent.front().expect("full means non-empty");
            return Err(self.window - now.duration_since(oldest));
        }
        recent.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_max_per_window_per_key() {
        let limiter = RateLimiter::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        for _ in 0..3 {
            limiter.hit(1, t0).unwrap();
        }
        let wait = limiter.hit(1, t0 + Duration::from_secs(10)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        limiter.hit(2, t0).unwrap();
        limiter.hit(1, t0 + Duration::from_secs(60)).unwrap();
    }

    #[test]
    fn keys_with_nothing_recent_are_swept_out() {
        let limiter = RateLimiter::new(1, Duration::from_secs(60));
        let t0 = Instant::now();
        for client in 0..SWEEP_AT {
            limiter.hit(client.to_string(), t0).unwrap();
        }
        limiter.hit("late".to_owned(), t0 + Duration::from_secs(61)).unwrap();
        assert_eq!(limiter.hits.lock().unwrap().len(), 1);
    }
}
