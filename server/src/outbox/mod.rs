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

use crate::crypto::{outbox_aad, SecretBox};
use crate::db::{now_ms, Claimed, Db, SettingsRow};
use crate::mail::policy::{Policy, SignInSecrets};
use crate::mail::transport::{Connections, SendError};
use lettre::address::Envelope;
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
}

impl Default for OutboxConfig {
    fn default() -> Self {
        Self {
            batch: 200,
            concurrency: 8,
            max_attempts: 8,
            backoff: Duration::from_secs(60),
            claim_timeout: Duration::from_secs(600),
        }
    }
}

pub struct Worker {
    db: Db,
    secrets: Arc<SecretBox>,
    connections: Connections,
    config: OutboxConfig,
    wake: Arc<Notify>,
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

/// The wait before attempt `attempts + 1`.
pub fn backoff(base: Duration, attempts: i64) -> Duration {
    let doubled = base.saturating_mul(1u32 << (attempts.clamp(1, 16) - 1) as u32);
    doubled.min(Duration::from_secs(3600))
}

impl Worker {
    pub fn new(db: Db, secrets: Arc<SecretBox>, connections: Connections, config: OutboxConfig, wake: Arc<Notify>) -> Self {
        Self { db, secrets, connections, config, wake }
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
                    let renewing = tokio::spawn(renew_claim(self.db.clone(), claim, self.config.claim_timeout / 3));
                    self.deliver(claimed, &stop).await;
                    renewing.abort();
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
            let (settings, policy, secrets) = match self.settings(settings_id).await {
                Ok(found) => found,
                Err(error) => {
                    for mail in mails {
                        let recorded = match &error {
                            SendError::Permanent(reason) => self.db.mark_failed(mail.id, mail.claim, reason).await,
                            SendError::Temporary(reason) => {
                                self.db
                                    .mark_retry(mail.id, mail.claim, reason, now_ms() + self.config.backoff.as_millis() as i64)
                                    .await
                            }
                        };
                        self.record(mail.id, recorded);
                    }
                    continue;
                }
            };
            let lanes = self.config.concurrency.clamp(1, mails.len().max(1));
            let mut split: Vec<Vec<Claimed>> = (0..lanes).map(|_| Vec::new()).collect();
            for (i, mail) in mails.into_iter().enumerate() {
                split[i % lanes].push(mail);
            }
            let span = tracing::info_span!("smtp_delivery", settings = settings.id, host = %settings.host, port = settings.port);
            let work = split.into_iter().map(|lane| self.lane(&settings, &policy, &secrets, lane, stop));
            futures::future::join_all(work).instrument(span).await;
        }
    }

    /// The settings to send through; gone settings or an unreadable secret are permanent, a
    /// database hiccup is not.
    async fn settings(&self, settings_id: Option<i64>) -> Result<(SettingsRow, Policy, SignInSecrets), SendError> {
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
            let (field, message) = errors.iter().next().unwrap_or(("settings", "invalid"));
            SendError::Permanent(format!("The SMTP settings are not valid ({field}: {message}); fix and save them."))
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
        Ok((row, Policy::of(&valid), secrets))
    }

    /// Sends mails one after another over one connection, opening another if it breaks.
    async fn lane(
        &self,
        settings: &SettingsRow,
        policy: &Policy,
        secrets: &SignInSecrets,
        mails: Vec<Claimed>,
        stop: &watch::Receiver<bool>,
    ) {
        let mut conn = None;
        for mail in mails {
            if *stop.borrow() {
                self.record(mail.id, self.db.release_mail(mail.id, mail.claim).await);
                continue;
            }
            if mail.expires_at.is_some_and(|at| at <= now_ms()) {
                self.record(mail.id, self.db.mark_failed(mail.id, mail.claim, EXPIRED).await);
                continue;
            }
            let Ok(message) = self.secrets.open_bytes(&mail.message, &outbox_aad(mail.id)) else {
                self.record(
                    mail.id,
                    self.db.mark_failed(mail.id, mail.claim, "The stored message could not be decrypted.").await,
                );
                continue;
            };
            let envelope = match (mail.envelope_from.parse(), mail.recipient.parse()) {
                (Ok(from), Ok(to)) => Envelope::new(Some(from), vec![to]).ok(),
                _ => None,
            };
            let Some(envelope) = envelope else {
                self.record(
                    mail.id,
                    self.db.mark_failed(mail.id, mail.claim, "The sender or recipient address cannot be used.").await,
                );
                continue;
            };
            let connected = match conn.take() {
                Some(c) => Ok(c),
                None => self.connections.take(settings, policy, secrets).await,
            };
            let outcome = match connected {
                Ok(mut c) => {
                    let sent = self.connections.send(&mut c, &envelope, &message).await;
                    if !c.has_broken() {
                        conn = Some(c);
                    }
                    sent
                }
                Err(e) => Err(e),
            };
            let recorded = match outcome {
                Ok(reply) => self.db.mark_sent(mail.id, mail.claim, &reply).await,
                Err(SendError::Permanent(reason)) => self.db.mark_failed(mail.id, mail.claim, &reason).await,
                Err(SendError::Temporary(reason)) if mail.attempts - mail.attempt_base >= self.config.max_attempts => {
                    let tries = mail.attempts - mail.attempt_base;
                    self.db.mark_failed(mail.id, mail.claim, &format!("Gave up after {tries} attempts: {reason}")).await
                }
                Err(SendError::Temporary(reason)) => {
                    let next = now_ms() + backoff(self.config.backoff, mail.attempts - mail.attempt_base).as_millis() as i64;
                    self.db.mark_retry(mail.id, mail.claim, &reason, next).await
                }
            };
            self.record(mail.id, recorded);
        }
        if let Some(c) = conn {
            self.connections.give_back(settings, c);
        }
    }

    /// Logs an outcome that could not be recorded, or that arrived after another instance
    /// took the mail over (this sender went quiet for longer than the claim timeout).
    fn record(&self, id: i64, outcome: sqlx::Result<bool>) {
        match outcome {
            Ok(true) => {}
            Ok(false) => tracing::warn!(mail = id, "another instance took this mail over; its outcome is theirs to record"),
            Err(error) => tracing::error!(%error, mail = id, "could not record a delivery outcome"),
        }
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
