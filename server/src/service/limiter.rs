//! A sliding-window limit per key (test sends per user), kept in memory: it protects the mail
//! servers being tested, and a restart forgetting it costs nothing.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter {
    max: usize,
    window: Duration,
    hits: Mutex<HashMap<i64, VecDeque<Instant>>>,
}

impl RateLimiter {
    pub fn new(max: usize, window: Duration) -> Self {
        Self { max, window, hits: Mutex::new(HashMap::new()) }
    }

    /// Records a hit for `key`, or says how long until one is allowed.
    pub fn hit(&self, key: i64, now: Instant) -> Result<(), Duration> {
        let mut hits = self.hits.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
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
}
