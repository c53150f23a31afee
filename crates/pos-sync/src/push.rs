//! Pushing a counter's ledger events to the shop database, exactly once: in order, in batches
//! of one transaction each, under a per-terminal advisory lock. An event already stored with
//! the same digest is skipped; a different one under the same number is a divergence, recorded
//! and refused. Receipts must continue their terminal's stored chain. The resume point is the
//! high-water mark read from PostgreSQL, never from local state.

use std::future::Future;

use pos_store::{LogEntry, Store};
use serde::Serialize;
use tokio_postgres::Transaction;

use crate::event::{self, GENESIS};
use crate::{Result, Shop, SyncError};

/// What a [`Shop::push`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PushReport {
    /// Events newly stored.
    pub pushed: u64,
    /// Events offered that were already stored, identical (including the last stored event,
    /// re-offered each time to confirm the ledger still agrees with the shop database).
    pub already_there: u64,
    /// Transactions committed.
    pub batches: u64,
    /// The terminal's last event number stored in the shop database afterwards.
    pub high_water: i64,
}

/// What one [`Shop::push_batch`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BatchOutcome {
    /// Events newly stored.
    pub inserted: u64,
    /// Events already stored, identical.
    pub already_there: u64,
}

/// Why a batch stopped before committing.
enum Refusal {
    Error(SyncError),
    Diverged {
        seq: i64,
        stored: String,
        offered: String,
    },
}

impl From<SyncError> for Refusal {
    fn from(e: SyncError) -> Refusal {
        Refusal::Error(e)
    }
}

impl From<tokio_postgres::Error> for Refusal {
    fn from(e: tokio_postgres::Error) -> Refusal {
        Refusal::Error(SyncError::Db(e))
    }
}

impl Shop {
    /// The last event number of `terminal_id` stored in the shop database (0 for none).
    pub async fn high_water(&self, terminal_id: &str) -> Result<i64> {
        let row = self
            .client
            .query_one(
                "SELECT coalesce(max(seq), 0) FROM ledger_events WHERE terminal_id = $1",
                &[&terminal_id],
            )
            .await?;
        Ok(row.try_get(0)?)
    }

    /// Pushes every event of `terminal_id` in `store` that the shop database lacks, in
    /// batches of `batch` events, one transaction each. Starts by re-offering the last event
    /// the shop database holds: a ledger that no longer has it, or has a different one, is
    /// refused ([`SyncError::LedgerBehind`], [`SyncError::Divergence`]) before anything new is
    /// written. After a crash or a cut link, calling it again resumes where it stopped.
    pub async fn push(
        &mut self,
        store: &Store,
        terminal_id: &str,
        batch: u32,
    ) -> Result<PushReport> {
        self.push_from(terminal_id, batch, |after, n| {
            std::future::ready(
                store
                    .log_after(terminal_id, after, n)
                    .map_err(SyncError::from),
            )
        })
        .await
    }

    /// [`Shop::push`] for a caller whose ledger sits behind an async handle: `read(after, n)`
    /// gives `terminal_id`'s events after number `after`, oldest first, at most `n` (what
    /// [`Store::log_after`] gives).
    pub async fn push_from<R, F>(
        &mut self,
        terminal_id: &str,
        batch: u32,
        mut read: R,
    ) -> Result<PushReport>
    where
        R: FnMut(i64, u32) -> F,
        F: Future<Output = Result<Vec<LogEntry>>>,
    {
        let batch = batch.max(1);
        let stored = self.high_water(terminal_id).await?;
        let mut report = PushReport {
            high_water: stored,
            ..PushReport::default()
        };
        let mut after = stored.saturating_sub(1);
        let mut first = true;
        loop {
            let events = read(after, batch).await?;
            if first && stored > 0 && events.first().map(|e| e.seq) != Some(stored) {
                return Err(SyncError::LedgerBehind {
                    terminal_id: terminal_id.to_owned(),
                    high_water: stored,
                });
            }
            first = false;
            let Some(last) = events.last().map(|e| e.seq) else {
                break;
            };
            let outcome = self.push_batch(terminal_id, &events).await?;
            report.pushed += outcome.inserted;
            report.already_there += outcome.already_there;
            report.batches += 1;
            report.high_water = report.high_water.max(last);
            after = last;
            if events.len() < batch as usize {
                break;
            }
        }
        Ok(report)
    }

    /// Stores `events` of `terminal_id` (in increasing order) in one transaction: all of them
    /// or, on any refusal, none. A divergence is recorded in `divergences` after the rollback.
    pub async fn push_batch(
        &mut self,
        terminal_id: &str,
        events: &[LogEntry],
    ) -> Result<BatchOutcome> {
        let mut previous = 0;
        for e in events {
            event::validate(terminal_id, e)?;
            if e.seq <= previous {
                return Err(SyncError::OutOfOrder {
                    seq: e.seq,
                    previous,
                });
            }
            previous = e.seq;
        }
        let digests: Vec<String> = events.iter().map(event::digest).collect();
        let tx = self.client.transaction().await?;
        match store_batch(&tx, terminal_id, events, &digests).await {
            Ok(outcome) => {
                tx.commit().await?;
                Ok(outcome)
            }
            Err(Refusal::Error(e)) => {
                tx.rollback().await?;
                Err(e)
            }
            Err(Refusal::Diverged {
                seq,
                stored,
                offered,
            }) => {
                tx.rollback().await?;
                self.client
                    .execute(
                        "INSERT INTO divergences (terminal_id, seq, stored_digest, offered_digest) \
                         VALUES ($1, $2, $3, $4)",
                        &[&terminal_id, &seq, &stored, &offered],
                    )
                    .await?;
                Err(SyncError::Divergence {
                    terminal_id: terminal_id.to_owned(),
                    seq,
                })
            }
        }
    }
}

async fn store_batch(
    tx: &Transaction<'_>,
    terminal_id: &str,
    events: &[LogEntry],
    digests: &[String],
) -> Result<BatchOutcome, Refusal> {
    // One pusher per terminal at a time: two processes of the same counter (or a retry racing
    // a slow first attempt) see each other's rows instead of both inserting.
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 15))",
        &[&terminal_id],
    )
    .await?;
    let row = tx
        .query_one(
            "SELECT coalesce(max(seq), 0) FROM ledger_events WHERE terminal_id = $1",
            &[&terminal_id],
        )
        .await?;
    let mut high_water: i64 = row.try_get(0)?;
    let (mut last_number, mut last_hash) = match tx
        .query_opt(
            "SELECT number, hash FROM receipts WHERE terminal_id = $1 \
             ORDER BY number DESC LIMIT 1",
            &[&terminal_id],
        )
        .await?
    {
        Some(row) => (row.try_get::<_, i64>(0)?, row.try_get::<_, String>(1)?),
        None => (0, GENESIS.to_owned()),
    };
    let stored_digest = tx
        .prepare("SELECT digest FROM ledger_events WHERE terminal_id = $1 AND seq = $2")
        .await?;
    let insert_event = tx
        .prepare(
            "INSERT INTO ledger_events (terminal_id, seq, sale_id, bill_number, sale_created_ms, \
             amount_minor, currency, at_ms, kind, from_status, to_status, http_status, \
             response_code, error_code, note, digest) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .await?;
    let insert_receipt = tx
        .prepare(
            "INSERT INTO receipts (terminal_id, number, seq, sale_id, issued_ms, prev_hash, hash, \
             paid_minor, paid_currency) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .await?;
    let insert_tender = tx
        .prepare(
            "INSERT INTO receipt_tenders (terminal_id, number, line, kind, amount_minor, currency) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .await?;
    let mut outcome = BatchOutcome::default();
    for (e, digest) in events.iter().zip(digests) {
        if e.seq <= high_water {
            let Some(row) = tx
                .query_opt(&stored_digest, &[&terminal_id, &e.seq])
                .await?
            else {
                return Err(SyncError::Gap {
                    terminal_id: terminal_id.to_owned(),
                    seq: e.seq,
                    high_water,
                }
                .into());
            };
            let stored: String = row.try_get(0)?;
            if &stored != digest {
                return Err(Refusal::Diverged {
                    seq: e.seq,
                    stored,
                    offered: digest.clone(),
                });
            }
            outcome.already_there += 1;
            continue;
        }
        let c = event::columns(e);
        tx.execute(
            &insert_event,
            &[
                &terminal_id,
                &e.seq,
                &e.sale_id.0,
                &e.bill_number,
                &e.sale_created_ms,
                &e.amount.minor,
                &e.amount.currency.alpha(),
                &e.at_ms,
                &c.kind,
                &c.from,
                &c.to,
                &c.http_status,
                &c.response_code,
                &c.error_code,
                &c.note,
                digest,
            ],
        )
        .await?;
        if let (Some(r), Some(paid)) = (&e.receipt, e.paid) {
            if r.number != last_number + 1 || r.prev_hash != last_hash {
                return Err(SyncError::ChainBroken {
                    terminal_id: terminal_id.to_owned(),
                    number: r.number,
                    last: last_number,
                }
                .into());
            }
            tx.execute(
                &insert_receipt,
                &[
                    &terminal_id,
                    &r.number,
                    &e.seq,
                    &e.sale_id.0,
                    &r.issued_ms,
                    &r.prev_hash,
                    &r.hash,
                    &paid.minor,
                    &paid.currency.alpha(),
                ],
            )
            .await?;
            for (line, tender) in (1_i32..).zip(&e.tenders) {
                tx.execute(
                    &insert_tender,
                    &[
                        &terminal_id,
                        &r.number,
                        &line,
                        &tender.kind,
                        &tender.amount.minor,
                        &tender.amount.currency.alpha(),
                    ],
                )
                .await?;
            }
            last_number = r.number;
            last_hash = r.hash.clone();
        }
        high_water = e.seq;
        outcome.inserted += 1;
    }
    Ok(outcome)
}
