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
mod outcomes;

use crate::crypto::{outbox_aad, SecretBox};
use crate::db::{now_ms, Claimed, Db, SettingsRow};
use crate::mail::connection::Connection;
use crate::mail::policy::{Policy, SignInSecrets};
use crate::mail::transport::{Connections, SendError};
use failover::CoolDowns;
use lettre::address::Envelope;
use outcomes::{Outcome, Outcomes, RecordOutcome, Recorded};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
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

/// A lane's last outcome on its way to the database.
type Storing<'a> = Option<Pin<Box<dyn Future<Output = ()> + Send + 'a>>>;

/// Waits until the outcome on its way, if any, is stored.
async fn stored(storing: &mut Storing<'_>) {
    if let Some(outcome) = storing.take() {
        outcome.await;
    }
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

    /// Sends mails one after another over one connection, opening another if it breaks. A mail
    /// the settings cannot take for now goes to the next route; settings that cannot be reached
    /// rest while their backups carry the mail.
    ///
    /// A mail's outcome is stored while the next mail's envelope goes out, and always before
    /// that mail's final dot: so at most one mail per connection is ever taken by the server
    /// and not yet recorded.
    async fn lane(&self, routes: &[Route], mails: Vec<Claimed>, stop: &watch::Receiver<bool>) {
        let mut conn: Option<(usize, Connection)> = None;
        let mut storing: Storing<'_> = None;
        for mail in mails {
            let (envelope, message) = match self.ready_to_send(&mail, stop) {
                Ok(ready) => ready,
                Err(unsendable) => {
                    stored(&mut storing).await;
                    match unsendable {
                        Unsendable::ShuttingDown => logged(mail.id, self.db.release_mail(mail.id, mail.claim).await),
                        Unsendable::Outcome(outcome) => self.record(&mail, outcome).await,
                    }
                    continue;
                }
            };
            let sent = self.send_by_route(routes, &mut conn, &envelope, &message, &mut storing).await;
            stored(&mut storing).await;
            let outcome = match sent {
                Ok((reply, via)) => Outcome::Sent { reply, via: via.map(str::to_owned) },
                Err(SendError::Permanent(reason)) => Outcome::Failed { reason },
                Err(SendError::Temporary(reason) | SendError::Uncertain(reason))
                    if mail.attempts - mail.attempt_base >= self.config.max_attempts =>
                {
                    let tries = mail.attempts - mail.attempt_base;
                    Outcome::Failed { reason: format!("Gave up after {tries} attempts: {reason}") }
                }
                Err(SendError::Temporary(reason) | SendError::Uncertain(reason)) => {
                    let next_attempt_at =
                        now_ms() + backoff(self.config.backoff, mail.attempts - mail.attempt_base).as_millis() as i64;
                    Outcome::Retry { reason, next_attempt_at }
                }
            };
            let (id, claim) = (mail.id, mail.claim);
            storing = Some(Box::pin(async move { logged(id, self.outcomes.write(Recorded { id, claim, outcome }).await) }));
        }
        stored(&mut storing).await;
        if let Some((i, c)) = conn {
            self.connections.give_back(&routes[i].settings, c);
        }
    }

    /// The mail's envelope and message, or why it is not to be sent now.
    fn ready_to_send(&self, mail: &Claimed, stop: &watch::Receiver<bool>) -> Result<(Envelope, Vec<u8>), Unsendable> {
        if *stop.borrow() {
            return Err(Unsendable::ShuttingDown);
        }
        if mail.expires_at.is_some_and(|at| at <= now_ms()) {
            return Err(Unsendable::Outcome(failed(EXPIRED)));
        }
        let message = self
            .secrets
            .open_bytes(&mail.message, &outbox_aad(mail.id))
            .map_err(|_| Unsendable::Outcome(failed("The stored message could not be decrypted.")))?;
        let envelope = match (mail.envelope_from.parse(), mail.recipient.parse()) {
            (Ok(from), Ok(to)) => Envelope::new(Some(from), vec![to]).ok(),
            _ => None,
        };
        let envelope = envelope.ok_or_else(|| Unsendable::Outcome(failed("The sender or recipient address cannot be used.")))?;
        Ok((envelope, message))
    }

    /// One mail through the first route that takes it: the reply, and the backup's name if a
    /// backup sent it. Resting routes are passed over unless all rest. The lane's last outcome
    /// is stored while this mail's connection and envelope are made ready, before its message.
    async fn send_by_route<'r>(
        &self,
        routes: &'r [Route],
        conn: &mut Option<(usize, Connection)>,
        envelope: &Envelope,
        message: &[u8],
        storing: &mut Storing<'_>,
    ) -> Result<(String, Option<&'r str>), SendError> {
        let awake: Vec<usize> = (0..routes.len()).filter(|&i| !self.cool_downs.is_down(routes[i].settings.id)).collect();
        if awake.is_empty() {
            let names = routes.iter().map(|r| r.settings.name.as_str()).collect::<Vec<_>>().join(", ");
            return Err(SendError::Temporary(format!("{names} could not be reached and are resting before the next try")));
        }
        let has_backup = routes.len() > 1;
        let mut failures = Vec::new();
        for i in awake {
            let route = &routes[i];
            let (started, ()) =
                futures::future::join(self.start(routes, i, conn.take(), envelope, message), stored(storing)).await;
            let mut c = match started {
                Ok(c) => c,
                // Not reachable, not signed in: the settings fail, not the mail. Rest, and let
                // the backup carry it; without a backup, the mail takes the outcome.
                Err(Unstarted::Unreachable(e)) if !has_backup => return Err(e),
                Err(Unstarted::Unreachable(
                    SendError::Permanent(reason) | SendError::Temporary(reason) | SendError::Uncertain(reason),
                )) => {
                    self.cool_downs.failed(route.settings.id);
                    failures.push(format!("{}: {reason}", route.settings.name));
                    continue;
                }
                // The envelope refused: that is the mail's, not passed on.
                Err(Unstarted::Refused(e @ (SendError::Permanent(_) | SendError::Uncertain(_)))) => return Err(e),
                Err(Unstarted::Refused(SendError::Temporary(reason))) => {
                    failures.push(if has_backup { format!("{}: {reason}", route.settings.name) } else { reason });
                    continue;
                }
            };
            let sent = self.connections.finish_mail(&mut c, message).await;
            if !c.has_broken() {
                *conn = Some((i, c));
            }
            match sent {
                Ok(reply) => {
                    self.cool_downs.recovered(route.settings.id);
                    return Ok((reply, (i > 0).then_some(route.settings.name.as_str())));
                }
                // A refusal is not passed on, and a message that may have arrived is not sent twice.
                Err(e @ (SendError::Permanent(_) | SendError::Uncertain(_))) => return Err(e),
                // A definite "try again later": the backup may take it now.
                Err(SendError::Temporary(reason)) if has_backup => failures.push(format!("{}: {reason}", route.settings.name)),
                Err(SendError::Temporary(reason)) => failures.push(reason),
            }
        }
        Err(SendError::Temporary(failures.join("; ")))
    }

    /// A connection to route `i` (the lane's own if it has one there) with this mail's envelope
    /// accepted: the server now waits for the message.
    async fn start(
        &self,
        routes: &[Route],
        i: usize,
        held: Option<(usize, Connection)>,
        envelope: &Envelope,
        message: &[u8],
    ) -> Result<Connection, Unstarted> {
        let route = &routes[i];
        let mut c = match held {
            Some((j, c)) if j == i => c,
            Some((j, c)) => {
                self.connections.give_back(&routes[j].settings, c);
                self.connections.take(&route.settings, &route.policy, &route.secrets).await.map_err(Unstarted::Unreachable)?
            }
            None => {
                self.connections.take(&route.settings, &route.policy, &route.secrets).await.map_err(Unstarted::Unreachable)?
            }
        };
        self.connections.start_mail(&mut c, envelope, message).await.map_err(Unstarted::Refused)?;
        Ok(c)
    }

    /// Stores what came of `mail`; returns once it is stored (or could not be).
    async fn record(&self, mail: &Claimed, outcome: Outcome) {
        logged(mail.id, self.outcomes.write(Recorded { id: mail.id, claim: mail.claim, outcome }).await);
    }
}

/// Why a claimed mail is not sent now.
enum Unsendable {
    /// Mailroom is stopping: the mail is given back, due again at once.
    ShuttingDown,
    /// It cannot be sent at all (expired, unreadable): this is its outcome.
    Outcome(Outcome),
}

/// Why a mail's envelope did not get through.
enum Unstarted {
    /// No connection: the settings cannot be reached or signed in to.
    Unreachable(SendError),
    /// The server refused the envelope, or the connection broke before the message was sent.
    Refused(SendError),
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
