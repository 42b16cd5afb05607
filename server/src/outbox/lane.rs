//! A lane: mails sent one after another over one connection, each outcome stored while the
//! next mail's envelope goes out and always before that mail's final dot.

use super::outcomes::{Outcome, Recorded};
use super::{backoff, failed, logged, Route, Worker, EXPIRED};
use crate::crypto::outbox_aad;
use crate::db::{now_ms, Claimed};
use crate::mail::connection::Connection;
use crate::mail::transport::SendError;
use lettre::address::Envelope;
use std::future::Future;
use std::pin::Pin;
use tokio::sync::watch;

/// A lane's last outcome on its way to the database.
type Storing<'a> = Option<Pin<Box<dyn Future<Output = ()> + Send + 'a>>>;

/// Waits until the outcome on its way, if any, is stored.
async fn stored(storing: &mut Storing<'_>) {
    if let Some(outcome) = storing.take() {
        outcome.await;
    }
}

impl Worker {
    /// Sends mails one after another over one connection, opening another if it breaks. A mail
    /// the settings cannot take for now goes to the next route; settings that cannot be reached
    /// rest while their backups carry the mail.
    ///
    /// A mail's outcome is stored while the next mail's envelope goes out, and always before
    /// that mail's final dot: so at most one mail per connection is ever taken by the server
    /// and not yet recorded.
    pub(super) async fn lane(&self, routes: &[Route], mails: Vec<Claimed>, stop: &watch::Receiver<bool>) {
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
