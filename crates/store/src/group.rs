//! Group commit: many small writes from concurrent requests share one transaction and one commit.
//!
//! On SQLite every commit waits for the disk (an `fsync` of the log, a few milliseconds here), and writers are
//! serialised anyway (one connection), so one transaction per request caps a stream of small writes (the public
//! conversation's votes) at a few hundred a second. [`Store::grouped`] queues the write to one task per store,
//! which takes every write waiting, runs each inside its own `SAVEPOINT` of one transaction (a write that fails is
//! rolled back to its savepoint and leaves the others untouched), commits once, and only then answers each caller:
//! an acknowledged write is as durable as with its own commit, and the disk waits once per group instead of once
//! per write. PostgreSQL has many connections and groups concurrent commits itself, so there a write simply gets
//! its own transaction.

use std::future::Future;
use std::pin::Pin;

use tokio::sync::{mpsc, oneshot};

use crate::{Backend, Store, StoreError, Tx};

/// The most writes in one group (a bound on how long one commit keeps the others waiting).
const MAX_GROUP: usize = 512;

/// A write's future, borrowing the shared transaction.
pub type WriteFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the writer task runs for one queued write: the write inside its savepoint, which returns what to do once
/// the group's commit is known (answer the caller).
type Finish = Box<dyn FnOnce(bool) + Send>;
type Job = Box<dyn for<'a> FnOnce(&'a mut Tx) -> WriteFuture<'a, Finish> + Send>;

/// Gives a write's closure the higher-ranked signature of a [`Job`].
fn job<F>(f: F) -> Job
where
    F: for<'a> FnOnce(&'a mut Tx) -> WriteFuture<'a, Finish> + Send + 'static,
{
    Box::new(f)
}

/// The queue of a store's writer task (started on first use).
#[derive(Default)]
pub(crate) struct Group {
    sender: std::sync::OnceLock<mpsc::UnboundedSender<Job>>,
}

async fn savepoint(tx: &mut Tx, statement: &'static str) -> Result<(), StoreError> {
    sqlx::query(statement).execute(&mut **tx).await?;
    Ok(())
}

impl Store {
    /// Runs `write` in a transaction that it may share with other concurrent writes, and returns its result once
    /// that transaction is committed. An `Err` from `write` undoes only its own changes (its savepoint) and is
    /// returned as it is; a commit that fails is a [`StoreError`] for every write of the group.
    ///
    /// `write` must use only the transaction it is given (never another connection of the pool: on SQLite the
    /// group holds the only one).
    pub async fn grouped<U, E, F>(&self, write: F) -> Result<Result<U, E>, StoreError>
    where
        U: Send + 'static,
        E: Send + 'static,
        F: for<'a> FnOnce(&'a mut Tx) -> WriteFuture<'a, Result<U, E>> + Send + 'static,
    {
        if self.backend == Backend::Postgres {
            let mut tx = self.begin().await?;
            let result = write(&mut tx).await;
            if result.is_ok() {
                tx.commit().await?;
            }
            return Ok(result);
        }
        let (reply, answer) = oneshot::channel::<Result<Result<U, E>, StoreError>>();
        let job = job(move |tx| {
            Box::pin(async move {
                if let Err(error) = savepoint(tx, "SAVEPOINT grouped_write").await {
                    return Box::new(move |_| {
                        let _ = reply.send(Err(error));
                    }) as Finish;
                }
                let result = write(&mut *tx).await;
                let closed = if result.is_ok() {
                    savepoint(tx, "RELEASE SAVEPOINT grouped_write").await
                } else {
                    match savepoint(tx, "ROLLBACK TO SAVEPOINT grouped_write").await {
                        Ok(()) => savepoint(tx, "RELEASE SAVEPOINT grouped_write").await,
                        Err(error) => Err(error),
                    }
                };
                Box::new(move |committed: bool| {
                    let answer = match (closed, result) {
                        (Err(error), _) => Err(error),
                        // A refused write changed nothing: its answer does not wait for the commit.
                        (Ok(()), Err(refused)) => Ok(Err(refused)),
                        (Ok(()), Ok(_)) if !committed => {
                            Err(StoreError::Other("the group's commit failed".into()))
                        }
                        (Ok(()), Ok(value)) => Ok(Ok(value)),
                    };
                    let _ = reply.send(answer);
                }) as Finish
            })
        });
        let sender = self.group.sender.get_or_init(|| {
            let (sender, receiver) = mpsc::unbounded_channel();
            tokio::spawn(writer(self.pool.clone(), receiver));
            sender
        });
        sender
            .send(job)
            .map_err(|_| StoreError::Other("the store's writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Other("the store's writer dropped a write".into()))?
    }
}

/// The writer task: one transaction per group of waiting writes, until every sender is gone.
async fn writer(pool: sqlx::AnyPool, mut receiver: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = receiver.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_GROUP {
            match receiver.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let mut tx = match pool.begin().await {
            Ok(tx) => Tx(tx),
            Err(_) => {
                // Dropping the writes drops their answer channels: each caller gets an error.
                drop(jobs);
                continue;
            }
        };
        let mut finishes = Vec::with_capacity(jobs.len());
        for job in jobs {
            finishes.push(job(&mut tx).await);
        }
        let committed = tx.commit().await.is_ok();
        if !committed {
            tracing::error!(writes = finishes.len(), "a group commit failed");
        }
        for finish in finishes {
            finish(committed);
        }
    }
}
