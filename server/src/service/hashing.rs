//! Password hashing under a cap. Each Argon2 run takes tens of milliseconds and 19 MiB, so
//! at most two per core run at once and as many again may wait a moment; anyone beyond that
//! is told to come back (503 with Retry-After) rather than queued without bound.

use crate::crypto::{hash_password, verify_password, PasswordHash};
use app::api::AppError;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

/// How long a waiting check may wait for its turn.
const MAX_WAIT: Duration = Duration::from_secs(5);
/// What a refused caller is told to wait, in seconds.
const RETRY_AFTER_SECS: u64 = 2;

pub struct HashGate {
    running: Semaphore,
    waiting: AtomicUsize,
    max_waiting: usize,
}

/// Counts a waiter for as long as it waits.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Compared against when the address is unknown, so both cases take the same time.
fn dummy_hash() -> &'static PasswordHash {
    static HASH: OnceLock<PasswordHash> = OnceLock::new();
    HASH.get_or_init(|| hash_password("no such user; this hash only equalises timing"))
}

impl HashGate {
    pub fn new(parallel: usize) -> Self {
        let parallel = parallel.max(1);
        Self { running: Semaphore::new(parallel), waiting: AtomicUsize::new(0), max_waiting: parallel }
    }

    /// Two running checks per core.
    pub fn for_this_machine() -> Self {
        Self::new(2 * std::thread::available_parallelism().map_or(1, |n| n.get()))
    }

    /// A place among the running checks, waited for briefly, or `Busy`.
    pub async fn turn(&self) -> Result<Turn<'_>, AppError> {
        self.enter().await.map(|permit| Turn { _permit: permit })
    }

    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        Ok(self.turn().await?.hash(password).await)
    }

    async fn enter(&self) -> Result<SemaphorePermit<'_>, AppError> {
        if let Ok(permit) = self.running.try_acquire() {
            return Ok(permit);
        }
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(AppError::Busy(RETRY_AFTER_SECS));
        }
        let _waiting = Waiting(&self.waiting);
        match tokio::time::timeout(MAX_WAIT, self.running.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(AppError::Busy(RETRY_AFTER_SECS)),
        }
    }
}

/// The right to run one check now.
pub struct Turn<'a> {
    _permit: SemaphorePermit<'a>,
}

impl Turn<'_> {
    /// Whether `password` matches `hash`; without a hash (no such account), a dummy check of
    /// the same cost, which never matches.
    pub async fn verify(self, hash: Option<PasswordHash>, password: String) -> bool {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| dummy_hash().clone());
        let matches = tokio::task::spawn_blocking(move || verify_password(&hash, &password)).await.unwrap_or(false);
        matches && known
    }

    pub async fn hash(self, password: String) -> String {
        tokio::task::spawn_blocking(move || hash_password(&password).as_str().to_owned()).await.expect("hashing does not panic")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn beyond_the_running_and_waiting_checks_callers_are_told_to_come_back() {
        let gate = Arc::new(HashGate::new(1));
        let held = gate.running.try_acquire().unwrap();
        let waiter = tokio::spawn({
            let gate = gate.clone();
            async move { gate.enter().await.map(drop) }
        });
        while gate.waiting.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        assert_eq!(gate.enter().await.map(drop), Err(AppError::Busy(RETRY_AFTER_SECS)), "the one waiting place is taken");
        drop(held);
        assert_eq!(waiter.await.unwrap(), Ok(()), "the waiter gets its turn");
        assert_eq!(gate.waiting.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn an_unknown_account_never_matches() {
        let gate = HashGate::new(2);
        let real = gate.hash("correct horse battery".into()).await.unwrap();
        let stored = Some(PasswordHash::from_stored(real));
        assert!(gate.turn().await.unwrap().verify(stored, "correct horse battery".into()).await);
        assert!(!gate.turn().await.unwrap().verify(None, "no such user; this hash only equalises timing".into()).await);
    }
}
