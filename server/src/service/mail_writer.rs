//! Queued mail reaches the database in batches. Requests hand their mail to one writer task,
//! which takes whatever has gathered meanwhile (up to `BATCH`) and stores it in one
//! transaction: one begin and one commit for the batch instead of one per mail, so one WAL
//! write on SQLite and one flush on PostgreSQL. Under no load a batch is one mail, written at
//! once: nothing waits for company.
//!
//! A request is answered only after its batch has committed, so an acknowledged mail is stored.
//! If anything in a batch fails, the batch is rolled back and each of its mails is written on
//! its own, so one mail's error (a reused Idempotency-Key) is that mail's alone.

use crate::crypto::{outbox_aad, SecretBox};
use crate::db::{Db, MailRow, NewMail};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Notify};

/// Mails stored in one transaction at most.
const BATCH: usize = 64;
/// Mails handed over and not yet stored; a request waits while this many are.
const WAITING: usize = 1024;

struct Pending {
    mail: NewMail,
    /// The composed message, sealed by the writer once the mail's id is known.
    message: Vec<u8>,
    stored: oneshot::Sender<sqlx::Result<MailRow>>,
}

/// Where requests hand over their mail.
pub(super) struct MailWriter(mpsc::Sender<Pending>);

/// The task that stores what `MailWriter` is handed; see `run`.
pub(super) struct WriterTask {
    pending: mpsc::Receiver<Pending>,
    db: Db,
    secrets: Arc<SecretBox>,
    wake: Arc<Notify>,
}

impl MailWriter {
    pub fn new(db: Db, secrets: Arc<SecretBox>, wake: Arc<Notify>) -> (Self, WriterTask) {
        let (hand, pending) = mpsc::channel(WAITING);
        (Self(hand), WriterTask { pending, db, secrets, wake })
    }

    /// Stores `mail` with its sealed `message`, and returns its row once committed.
    pub async fn write(&self, mail: NewMail, message: Vec<u8>) -> sqlx::Result<MailRow> {
        let (stored, answer) = oneshot::channel();
        self.0.send(Pending { mail, message, stored }).await.map_err(|_| sqlx::Error::PoolClosed)?;
        answer.await.map_err(|_| sqlx::Error::PoolClosed)?
    }
}

impl WriterTask {
    /// Runs until every `MailWriter` is gone.
    pub async fn run(mut self) {
        let mut batch = Vec::with_capacity(BATCH);
        while self.pending.recv_many(&mut batch, BATCH).await > 0 {
            self.store(std::mem::take(&mut batch)).await;
            self.wake.notify_one();
        }
    }

    async fn store(&self, batch: Vec<Pending>) {
        let together = match batch.len() {
            1 => None,
            _ => Some(self.store_together(&batch).await),
        };
        match together {
            Some(Ok(rows)) => {
                for (pending, row) in batch.into_iter().zip(rows) {
                    let _ = pending.stored.send(Ok(row));
                }
            }
            _ => {
                for pending in batch {
                    let alone = self.store_together(std::slice::from_ref(&pending)).await;
                    let _ = pending.stored.send(alone.map(|mut rows| rows.remove(0)));
                }
            }
        }
    }

    async fn store_together(&self, batch: &[Pending]) -> sqlx::Result<Vec<MailRow>> {
        let mut tx = self.db.begin().await?;
        let mut rows = Vec::with_capacity(batch.len());
        for pending in batch {
            let row = Db::insert_mail(&mut tx, &pending.mail).await?;
            let sealed = self.secrets.seal_bytes(&pending.message, &outbox_aad(row.id));
            Db::set_mail_message(&mut tx, row.id, &sealed).await?;
            rows.push(row);
        }
        tx.commit().await?;
        Ok(rows)
    }
}
