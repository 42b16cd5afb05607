//! Queued mail reaches the database in batches (see `db::batched`): mails queued together
//! share a transaction, and each request is answered once its mail is stored. The message is
//! sealed inside the transaction, bound to the id the insert gives it.

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

    async fn write(&self, tx: &mut Tx, job: &ToStore) -> sqlx::Result<MailRow> {
        let row = Db::insert_mail(tx, &job.mail).await?;
        let sealed = self.secrets.seal_bytes(&job.message, &outbox_aad(row.id));
        Db::set_mail_message(tx, row.id, &sealed).await?;
        Ok(row)
    }

    fn settled(&self) {
        self.wake.notify_one();
    }
}
