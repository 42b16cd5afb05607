//! Delivery outcomes reach the database in batches (see `db::batched`): the lanes sending at
//! the same moment share a transaction. A lane's outcome is stored while its next mail's
//! envelope goes out, and before that mail's final dot, so a crash can still repeat at most one
//! mail per connection.

use crate::db::batched::{Batched, Batcher};
use crate::db::{Db, Tx};

/// What came of one claimed mail.
pub enum Outcome {
    Sent { reply: String, via: Option<String> },
    Retry { reason: String, next_attempt_at: i64 },
    Failed { reason: String },
}

pub struct Recorded {
    pub id: i64,
    pub claim: i64,
    pub outcome: Outcome,
}

pub struct RecordOutcome;

pub type Outcomes = Batcher<RecordOutcome>;

impl Batched for RecordOutcome {
    type Job = Recorded;
    /// False when another instance took the mail over meanwhile.
    type Done = bool;

    async fn write(&self, tx: &mut Tx, job: &Recorded) -> sqlx::Result<bool> {
        let Recorded { id, claim, outcome } = job;
        match outcome {
            Outcome::Sent { reply, via } => Db::mark_sent(tx, *id, *claim, reply, via.as_deref()).await,
            Outcome::Retry { reason, next_attempt_at } => Db::mark_retry(tx, *id, *claim, reason, *next_attempt_at).await,
            Outcome::Failed { reason } => Db::mark_failed(tx, *id, *claim, reason).await,
        }
    }
}
