//! The outbox worker: claims due mails, sends them through a pooled connection per settings,
//! and records each outcome. Temporary failures (4xx, network, timeouts) come back later with
//! exponential back-off; permanent ones (5xx) fail at once.
//!
//! At most once per row: a mail is claimed before it is sent and marked as soon as the server
//! answers. On a clean shutdown, claimed mails not yet handed to the server are given back. If
//! the process dies between the server accepting a mail and Mailroom recording it, that mail
//! is sent again after `claim_timeout`: the one window in which a duplicate is possible.

use crate::crypto::{outbox_aad, settings_aad, SecretBox};
use crate::db::{now_ms, Claimed, Db};
use crate::mail::transport::{Transport, Transports};
use futures::StreamExt;
use lettre::address::Envelope;
use lettre::AsyncTransport;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

#[derive(Clone, Debug)]
pub struct OutboxConfig {
    /// Mails claimed at a time.
    pub batch: usize,
    /// Mails in flight at once per settings (also the connection pool size).
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
    transports: Transports,
    config: OutboxConfig,
    wake: Arc<Notify>,
}

/// The wait before attempt `attempts + 1`.
pub fn backoff(base: Duration, attempts: i64) -> Duration {
    let doubled = base.saturating_mul(1u32 << (attempts.clamp(1, 16) - 1) as u32);
    doubled.min(Duration::from_secs(3600))
}

fn describe(error: &lettre::transport::smtp::Error) -> String {
    use std::error::Error as _;
    match (error.status(), error.source()) {
        (Some(code), Some(text)) => format!("{code} {text}"),
        _ => {
            let mut text = error.to_string();
            let mut source = error.source();
            while let Some(cause) = source {
                text = format!("{text}: {cause}");
                source = cause.source();
            }
            text
        }
    }
}

impl Worker {
    pub fn new(db: Db, secrets: Arc<SecretBox>, transports: Transports, config: OutboxConfig, wake: Arc<Notify>) -> Self {
        Self { db, secrets, transports, config, wake }
    }

    pub async fn run(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            let stale_before = now_ms() - self.config.claim_timeout.as_millis() as i64;
            match self.db.claim_mail(self.config.batch as i64, stale_before).await {
                Ok(claimed) if !claimed.is_empty() => self.deliver(claimed, &stop).await,
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
            let transport = match self.transport(settings_id).await {
                Ok(transport) => transport,
                Err(reason) => {
                    for mail in mails {
                        self.record(mail.id, self.db.mark_failed(mail.id, &reason).await);
                    }
                    continue;
                }
            };
            futures::stream::iter(mails)
                .for_each_concurrent(self.config.concurrency, |mail| self.send(&transport, mail, stop))
                .await;
        }
    }

    async fn transport(&self, settings_id: Option<i64>) -> Result<Transport, String> {
        const GONE: &str = "The SMTP settings this mail was queued for were deleted before it could be sent.";
        let row = match settings_id {
            Some(id) => {
                self.db.get_settings(id).await.map_err(|e| format!("The SMTP settings could not be read: {e}"))?.ok_or(GONE)?
            }
            None => return Err(GONE.into()),
        };
        let password = match &row.password_secret {
            Some(sealed) => Some(
                self.secrets
                    .open(sealed, &settings_aad(row.id, &row.host, row.port as u16, &row.username))
                    .map_err(|_| "The saved SMTP password could not be decrypted.".to_owned())?,
            ),
            None => None,
        };
        self.transports.get(&row, password)
    }

    async fn send(&self, transport: &Transport, mail: Claimed, stop: &watch::Receiver<bool>) {
        if *stop.borrow() {
            self.record(mail.id, self.db.release_mail(mail.id).await);
            return;
        }
        let Ok(message) = self.secrets.open_bytes(&mail.message, &outbox_aad(mail.id)) else {
            self.record(mail.id, self.db.mark_failed(mail.id, "The stored message could not be decrypted.").await);
            return;
        };
        let envelope = match (mail.envelope_from.parse(), mail.recipient.parse()) {
            (Ok(from), Ok(to)) => Envelope::new(Some(from), vec![to]),
            _ => {
                self.record(mail.id, self.db.mark_failed(mail.id, "The sender or recipient address cannot be used.").await);
                return;
            }
        };
        let outcome = match envelope {
            Ok(envelope) => transport.send_raw(&envelope, &message).await,
            Err(e) => {
                self.record(mail.id, self.db.mark_failed(mail.id, &e.to_string()).await);
                return;
            }
        };
        let recorded = match outcome {
            Ok(response) => {
                let reply = format!("{} {}", response.code(), response.message().collect::<Vec<_>>().join(" "));
                self.db.mark_sent(mail.id, &reply).await
            }
            Err(e) if e.is_permanent() => self.db.mark_failed(mail.id, &describe(&e)).await,
            Err(e) if mail.attempts >= self.config.max_attempts => {
                self.db.mark_failed(mail.id, &format!("Gave up after {} attempts: {}", mail.attempts, describe(&e))).await
            }
            Err(e) => {
                let next = now_ms() + backoff(self.config.backoff, mail.attempts).as_millis() as i64;
                self.db.mark_retry(mail.id, &describe(&e), next).await
            }
        };
        self.record(mail.id, recorded);
    }

    fn record(&self, id: i64, outcome: sqlx::Result<()>) {
        if let Err(error) = outcome {
            tracing::error!(%error, mail = id, "could not record a delivery outcome");
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
