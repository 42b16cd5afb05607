//! Queued mail reaches the database in batches (see `db::batched`): mails queued together
//! share a transaction, and each request is answered once its mail is stored. The message is
//! sealed inside the transaction, bound to the id reserved for its row.

use crate::crypto::{outbox_aad, SecretBox};
use crate::db::batched::{BatchTask, Batched, Batcher};
use crate::db::{Db, MailRow, NewMail, Tx};
use std::sync::Arc;
use tokio::sync::Notify;

/// A mail to store, with its composed message, which is sealed once its id is known.
pub(super) struct ToStore {
    pub mail: NewMail,
    pub message: Vec<u8>,
}

pub(super) struct StoreMail {
    secrets: Arc<SecretBox>,
    /// Wakes the outbox worker after each batch.
    wake: Arc<Notify>,
}

pub(super) type MailWriter = Batcher<StoreMail>;
pub(super) type WriterTask = BatchTask<StoreMail>;

pub(super) fn mail_writer(db: Db, secrets: Arc<SecretBox>, wake: Arc<Notify>) -> (MailWriter, WriterTask) {
    Batcher::new(db, StoreMail { secrets, wake })
}

impl Batched for StoreMail {
    type Job = ToStore;
    type Done = MailRow;

    /// A batch of one; batches go through `write_all`.
    async fn write(&self, tx: &mut Tx, job: &ToStore) -> sqlx::Result<MailRow> {
        Ok(self.write_all(tx, vec![job]).await?.remove(0))
    }

    /// One statement reserves the batch's ids, then one insert per mail, its message sealed.
    async fn write_all(&self, tx: &mut Tx, jobs: Vec<&ToStore>) -> sqlx::Result<Vec<MailRow>> {
        let ids = Db::reserve_mail_ids(tx, jobs.len() as i64).await?;
        if ids.len() != jobs.len() {
            return Err(sqlx::Error::Protocol(format!("{} mail ids reserved for {} mails", ids.len(), jobs.len())));
        }
        let mut rows = Vec::with_capacity(jobs.len());
        for (id, job) in ids.into_iter().zip(jobs) {
            let sealed = self.secrets.seal_bytes(&job.message, &outbox_aad(id));
            rows.push(Db::insert_mail(tx, id, &job.mail, &sealed).await?);
        }
        Ok(rows)
    }

    fn settled(&self) {
        self.wake.notify_one();
    }
}
