//! Group commit: writes handed over by many tasks at once are stored by one task in shared
//! transactions. It takes whatever has gathered (up to `BATCH`), so under no load a batch is
//! one write, done at once, and under load one begin and one commit (one WAL write on SQLite,
//! one flush on PostgreSQL) serve many writes.
//!
//! A writer is answered only after its batch has committed, so an acknowledged write is stored.
//! If one of a batch's writes fails, the batch is rolled back and each of its writes is done in
//! a transaction of its own, so one write's error is that write's alone. If the transaction
//! itself fails (begin or commit), every write in it gets that error and none is replayed: a
//! commit that failed on the way back may still have been made.

use super::{Db, Tx};
use std::future::Future;
use tokio::sync::{mpsc, oneshot};

/// Writes stored in one transaction at most.
const BATCH: usize = 64;
/// Writes handed over and not yet stored; a writer waits while this many are.
const WAITING: usize = 1024;

/// One kind of write that can share a transaction with others of its kind.
pub trait Batched: Send + Sync + 'static {
    type Job: Send + Sync + 'static;
    type Done: Send + 'static;

    /// Does `job` within `tx`.
    fn write<'a>(&'a self, tx: &'a mut Tx, job: &'a Self::Job) -> impl Future<Output = sqlx::Result<Self::Done>> + Send + 'a;

    /// Does every job of a batch within `tx`, answering in their order: one `write` each,
    /// unless a kind can share statements between its jobs.
    fn write_all<'a>(
        &'a self,
        tx: &'a mut Tx,
        jobs: Vec<&'a Self::Job>,
    ) -> impl Future<Output = sqlx::Result<Vec<Self::Done>>> + Send + 'a {
        async move {
            let mut done = Vec::with_capacity(jobs.len());
            for job in jobs {
                done.push(self.write(tx, job).await?);
            }
            Ok(done)
        }
    }

    /// Runs after each batch, whatever came of it.
    fn settled(&self) {}
}

struct Pending<B: Batched> {
    job: B::Job,
    done: oneshot::Sender<sqlx::Result<B::Done>>,
}

/// Where writes are handed over.
pub struct Batcher<B: Batched>(mpsc::Sender<Pending<B>>);

/// The task that stores what its `Batcher` is handed: spawn `run`.
pub struct BatchTask<B: Batched> {
    pending: mpsc::Receiver<Pending<B>>,
    db: Db,
    kind: B,
}

impl<B: Batched> Batcher<B> {
    pub fn new(db: Db, kind: B) -> (Self, BatchTask<B>) {
        let (hand, pending) = mpsc::channel(WAITING);
        (Self(hand), BatchTask { pending, db, kind })
    }

    /// Stores `job` and answers once its transaction has committed.
    pub async fn write(&self, job: B::Job) -> sqlx::Result<B::Done> {
        let (done, answer) = oneshot::channel();
        self.0.send(Pending { job, done }).await.map_err(|_| sqlx::Error::PoolClosed)?;
        answer.await.map_err(|_| sqlx::Error::PoolClosed)?
    }
}

impl<B: Batched> BatchTask<B> {
    /// Runs until every `Batcher` handle is gone.
    pub async fn run(mut self) {
        let mut batch = Vec::with_capacity(BATCH);
        while self.pending.recv_many(&mut batch, BATCH).await > 0 {
            self.store(std::mem::take(&mut batch)).await;
            self.kind.settled();
        }
    }

    async fn store(&self, batch: Vec<Pending<B>>) {
        let together = match batch.len() {
            1 => None,
            _ => Some(self.store_together(&batch).await),
        };
        match together {
            Some(Ok(done)) => {
                for (pending, done) in batch.into_iter().zip(done) {
                    let _ = pending.done.send(Ok(done));
                }
            }
            Some(Err(Failed::Transaction(error))) => {
                let message = error.to_string();
                for pending in batch {
                    let _ = pending.done.send(Err(sqlx::Error::Protocol(format!("the batch's transaction failed: {message}"))));
                }
            }
            None | Some(Err(Failed::Write(_))) => {
                for pending in batch {
                    let alone = self.store_together(std::slice::from_ref(&pending)).await;
                    let _ = pending.done.send(alone.map(|mut done| done.remove(0)).map_err(Failed::into_inner));
                }
            }
        }
    }

    async fn store_together(&self, batch: &[Pending<B>]) -> Result<Vec<B::Done>, Failed> {
        let mut tx = self.db.begin().await.map_err(Failed::Transaction)?;
        let jobs = batch.iter().map(|pending| &pending.job).collect();
        let done = self.kind.write_all(&mut tx, jobs).await.map_err(Failed::Write)?;
        tx.commit().await.map_err(Failed::Transaction)?;
        Ok(done)
    }
}

/// Where a batch failed: in one of its writes (the others may be fine alone), or in its
/// transaction (begin or commit), which no replay could tell apart from success.
enum Failed {
    Write(sqlx::Error),
    Transaction(sqlx::Error),
}

impl Failed {
    fn into_inner(self) -> sqlx::Error {
        match self {
            Failed::Write(error) | Failed::Transaction(error) => error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::NewAudit;

    /// Writes an audit entry per job; a job named "refused" fails after writing its entry.
    struct Entries;

    impl Batched for Entries {
        type Job = String;
        type Done = String;

        async fn write(&self, tx: &mut Tx, job: &String) -> sqlx::Result<String> {
            let entry = NewAudit { actor_id: None, actor: "test", action: job, target: "", details: "", client: "" };
            Db::insert_audit_in(tx, &entry).await?;
            match job.as_str() {
                "refused" => Err(sqlx::Error::Protocol("refused on purpose".into())),
                _ => Ok(job.clone()),
            }
        }
    }

    async fn stored(db: &Db) -> Vec<String> {
        let narrow = Default::default();
        let mut actions: Vec<String> =
            db.list_audit("", None, &narrow, 1000).await.unwrap().into_iter().map(|row| row.action).collect();
        actions.sort();
        actions
    }

    #[tokio::test]
    async fn a_failing_write_fails_alone_and_every_other_write_is_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&format!("sqlite://{}", dir.path().join("t.db").display())).await.unwrap();
        let (batcher, task) = Batcher::new(db.clone(), Entries);
        let running = tokio::spawn(task.run());
        let jobs: Vec<String> = (0..40).map(|i| if i == 17 { "refused".into() } else { format!("job {i:02}") }).collect();
        let answers = futures::future::join_all(jobs.iter().map(|job| batcher.write(job.clone()))).await;
        for (job, answer) in jobs.iter().zip(&answers) {
            match job.as_str() {
                "refused" => assert!(matches!(answer, Err(sqlx::Error::Protocol(_))), "{answer:?}"),
                _ => assert_eq!(answer.as_ref().unwrap(), job),
            }
        }
        let mut expected: Vec<String> = jobs.into_iter().filter(|job| job != "refused").collect();
        expected.sort();
        assert_eq!(stored(&db).await, expected, "the refused job's entry was rolled back with it");
        drop(batcher);
        running.await.unwrap();
    }
}
