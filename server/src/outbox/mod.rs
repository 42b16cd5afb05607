//! The outbox worker: claims due mails, sends them through a pooled connection per settings,
//! and records each outcome. Temporary failures (4xx, network, timeouts) come back later with
//! exponential back-off; permanent ones (5xx) fail at once.
//!
//! At most once per row: a mail is claimed before it is sent and marked as soon as the server
//! answers. While a batch is being sent its claim is renewed every third of `claim_timeout`,
//! so no other instance takes it however long it runs. On a clean shutdown, claimed mails not
//! yet handed to the server are given back. If the process dies between the server accepting
//! a mail and Mailroom recording it, that mail is sent again (by any instance) after
//! `claim_timeout`: the one window in which a duplicate is possible, at most one mail per
//! connection (`concurrency`).
//!
//! Failover: when a mail's settings cannot be reached or answer for now (4xx), the mail goes
//! to their backup, and its backup's backup, in the same claim, so it is still sent once. A 5xx
//! is never passed on: the backup would only be refused the same way.

pub mod failover;
mod lane;
mod outcomes;

use crate::crypto::SecretBox;
use crate::db::{now_ms, Claimed, Db, SettingsRow};
use crate::mail::policy::{Policy, SignInSecrets};
use crate::mail::transport::{Connections, SendError};
use failover::CoolDowns;
use outcomes::{Outcome, Outcomes, RecordOutcome, Recorded};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};
use tracing::Instrument;

#[derive(Clone, Debug)]
pub struct OutboxConfig {
    /// Mails claimed at a time.
    pub batch: usize,
    /// Connections (each sending one mail at a time) per settings.
    pub concurrency: usize,
    pub max_attempts: i64,
    /// The wait after the first temporary failure; it doubles each time, up to an hour.
    pub backoff: Duration,
    /// A claim older than this is taken to be a crashed sender.
    pub claim_timeout: Duration,
    /// How long failing settings rest, at first, before they are tried again.
    pub cool_down: Duration,
}

impl Default for OutboxConfig {
    fn default() -> Self {
        Self {
            batch: 200,
            concurrency: 8,
            max_attempts: 8,
            backoff: Duration::from_secs(60),
            claim_timeout: Duration::from_secs(600),
            cool_down: Duration::from_secs(60),
        }
    }
}

pub struct Worker {
    db: Db,
    secrets: Arc<SecretBox>,
    connections: Connections,
    config: OutboxConfig,
    wake: Arc<Notify>,
    cool_downs: Arc<CoolDowns>,
    outcomes: Outcomes,
}

/// Settings to send through, with what signing in needs.
struct Route {
    settings: SettingsRow,
    policy: Policy,
    secrets: SignInSecrets,
}

/// Why a mail that outlived its use was not sent.
pub const EXPIRED: &str = "Not sent: it expired before it could be delivered, and the password-reset link in it would no \
                           longer work. The person can ask for a new link.";

/// Keeps `claim` fresh every `every` until aborted.
async fn renew_claim(db: Db, claim: i64, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        if let Err(error) = db.renew_claim(claim, now_ms()).await {
            tracing::warn!(%error, "could not renew the outbox claim");
        }
    }
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The wait before attempt `attempts + 1`.
pub fn backoff(base: Duration, attempts: i64) -> Duration {
    let doubled = base.saturating_mul(1u32 << (attempts.clamp(1, 16) - 1) as u32);
    doubled.min(Duration::from_secs(3600))
}

impl Worker {
    pub fn new(
        db: Db,
        secrets: Arc<SecretBox>,
        connections: Connections,
        config: OutboxConfig,
        wake: Arc<Notify>,
        cool_downs: Arc<CoolDowns>,
    ) -> Self {
        let (outcomes, recording) = Outcomes::new(db.clone(), RecordOutcome);
        // Ends when the worker is dropped, after storing what it was handed.
        tokio::spawn(recording.run());
        Self { db, secrets, connections, config, wake, cool_downs, outcomes }
    }

    pub async fn run(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            let (now, claim) = (now_ms(), rand::random::<i64>());
            let stale_before = now - self.config.claim_timeout.as_millis() as i64;
            match self.db.claim_mail(claim, now, self.config.batch as i64, stale_before).await {
                Ok(claimed) if !claimed.is_empty() => {
                    // Stops renewing however delivery ends, so a sender that died lets its
                    // claims go stale for another instance to take over.
                    let _renewing = AbortOnDrop(tokio::spawn(renew_claim(self.db.clone(), claim, self.config.claim_timeout / 3)));
                    self.deliver(claimed, &stop).await;
                }
                Ok(_) => {
                    tokio::select! {
                        () = self.wake.notified() => {}
                        () = tokio::time::sleep(Duration::from_secs(1)) => {}
                        _ = stop.changed() => {}
                    }
                }
                Err(error) => {
                    tracing::error!(%error, "could not claim mail from the outbox");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    async fn deliver(&self, claimed: Vec<Claimed>, stop: &watch::Receiver<bool>) {
        let mut groups: BTreeMap<Option<i64>, Vec<Claimed>> = BTreeMap::new();
        for mail in claimed {
            groups.entry(mail.settings_id).or_default().push(mail);
        }
        for (settings_id, mails) in groups {
            let routes = match self.routes(settings_id).await {
                Ok(found) => found,
                Err(error) => {
                    for mail in mails {
                        let outcome = match &error {
                            SendError::Permanent(reason) => Outcome::Failed { reason: reason.clone() },
                            SendError::Temporary(reason) | SendError::Uncertain(reason) => Outcome::Retry {
                                reason: reason.clone(),
                                next_attempt_at: now_ms() + self.config.backoff.as_millis() as i64,
                            },
                        };
                        self.record(&mail, outcome).await;
                    }
                    continue;
                }
            };
            let lanes = self.config.concurrency.clamp(1, mails.len().max(1));
            let mut split: Vec<Vec<Claimed>> = (0..lanes).map(|_| Vec::new()).collect();
            for (i, mail) in mails.into_iter().enumerate() {
                split[i % lanes].push(mail);
            }
            let primary = &routes[0].settings;
            let span = tracing::info_span!("smtp_delivery", settings = primary.id, host = %primary.host, port = primary.port);
            let work = split.into_iter().map(|lane| self.lane(&routes, lane, stop));
            futures::future::join_all(work).instrument(span).await;
        }
    }

    /// The mail's settings, then their backups in order. The mail's own settings must load (gone
    /// settings or an unreadable secret are permanent, a database hiccup is not); a backup that
    /// does not load ends the chain.
    async fn routes(&self, settings_id: Option<i64>) -> Result<Vec<Route>, SendError> {
        let mut routes = vec![self.route(settings_id).await?];
        while let Some(next) = routes.last().and_then(|r| r.settings.backup_id) {
            if routes.iter().any(|r| r.settings.id == next) || routes.len() > 8 {
                break;
            }
            match self.route(Some(next)).await {
                Ok(route) => routes.push(route),
                Err(_) => break,
            }
        }
        Ok(routes)
    }

    async fn route(&self, settings_id: Option<i64>) -> Result<Route, SendError> {
        let gone =
            || SendError::Permanent("The SMTP settings this mail was queued for were deleted before it could be sent.".into());
        let id = settings_id.ok_or_else(gone)?;
        let row = self
            .db
            .get_settings(id)
            .await
            .map_err(|e| SendError::Temporary(format!("The SMTP settings could not be read: {e}")))?;
        let row = row.ok_or_else(gone)?;
        let valid = row.form().validate().map_err(|errors| {
            let why =
                errors.iter().next().map_or("invalid".to_owned(), |(field, message)| format!("{}: {message}", field.label()));
            SendError::Permanent(format!("The SMTP settings are not valid ({why}); fix and save them."))
        })?;
        let open = |sealed: &Option<Vec<u8>>, aad: Vec<u8>, what: &str| match sealed {
            Some(sealed) => self
                .secrets
                .open(sealed, &aad)
                .map(Some)
                .map_err(|_| SendError::Permanent(format!("The saved {what} could not be decrypted."))),
            None => Ok(None),
        };
        let secrets = SignInSecrets {
            secret: open(&row.password_secret, row.secret_aad(), "SMTP password or client secret")?,
            refresh_token: open(&row.refresh_token, row.refresh_aad(), "OAuth2 refresh token")?,
        };
        Ok(Route { policy: Policy::of(&valid), settings: row, secrets })
    }

    /// Stores what came of `mail`; returns once it is stored (or could not be).
    async fn record(&self, mail: &Claimed, outcome: Outcome) {
        logged(mail.id, self.outcomes.write(Recorded { id: mail.id, claim: mail.claim, outcome }).await);
    }
}

fn failed(reason: &str) -> Outcome {
    Outcome::Failed { reason: reason.to_owned() }
}

/// Logs an outcome that could not be recorded, or that arrived after another instance took
/// the mail over (this sender went quiet for longer than the claim timeout).
fn logged(id: i64, outcome: sqlx::Result<bool>) {
    match outcome {
        Ok(true) => {}
        Ok(false) => tracing::warn!(mail = id, "another instance took this mail over; its outcome is theirs to record"),
        Err(error) => tracing::error!(%error, mail = id, "could not record a delivery outcome"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        let base = Duration::from_secs(60);
        assert_eq!(backoff(base, 1), Duration::from_secs(60));
        assert_eq!(backoff(base, 2), Duration::from_secs(120));
        assert_eq!(backoff(base, 4), Duration::from_secs(480));
        assert_eq!(backoff(base, 12), Duration::from_secs(3600));
    }
}
