//! The print queue's records (issue 14): one job per receipt, queued by a trigger in the
//! transaction that issues the receipt, and the append-only attempts to print it or a COPY.
//! What a job's attempts mean (queued, waiting, unsure, printed) is `pos-print`'s to decide;
//! this module only stores them, and makes the claim to send an original atomic.

use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use crate::{Result, SaleId, Store, StoreError};

/// What became of one attempt to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrintOutcome {
    /// The printer was ready and the bytes were about to be sent.
    Sending,
    /// Every byte was sent.
    Printed,
    /// The printer reported a fault or could not be reached; nothing was sent.
    NotSent,
    /// The connection broke while sending: part of the receipt may be on paper.
    Failed,
}

impl PrintOutcome {
    fn as_str(self) -> &'static str {
        match self {
            PrintOutcome::Sending => "sending",
            PrintOutcome::Printed => "printed",
            PrintOutcome::NotSent => "not_sent",
            PrintOutcome::Failed => "failed",
        }
    }

    fn parse(text: &str) -> rusqlite::Result<PrintOutcome> {
        Ok(match text {
            "sending" => PrintOutcome::Sending,
            "printed" => PrintOutcome::Printed,
            "not_sent" => PrintOutcome::NotSent,
            "failed" => PrintOutcome::Failed,
            other => {
                return Err(rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    format!("unknown print outcome {other:?}").into(),
                ))
            }
        })
    }
}

/// One attempt, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintAttempt {
    /// The sale whose receipt it printed.
    pub sale_id: SaleId,
    /// A reprint marked COPY (else the original).
    pub copy: bool,
    /// When.
    pub at_ms: i64,
    /// What became of it.
    pub outcome: PrintOutcome,
    /// Why it was not sent or failed (the printer's fault), for the cashier.
    pub detail: Option<String>,
}

/// A receipt's print job with the attempts at its original, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintJob {
    /// The sale.
    pub sale_id: SaleId,
    /// When it was queued (its receipt's issue time).
    pub queued_ms: i64,
    /// The attempts at the original (copies are not the job's).
    pub attempts: Vec<PrintAttempt>,
}

fn attempt(row: &rusqlite::Row<'_>) -> rusqlite::Result<PrintAttempt> {
    Ok(PrintAttempt {
        sale_id: SaleId(row.get(0)?),
        copy: row.get(1)?,
        at_ms: row.get(2)?,
        outcome: PrintOutcome::parse(&row.get::<_, String>(3)?)?,
        detail: row.get(4)?,
    })
}

impl Store {
    /// Jobs queued at or after `since_ms` whose original is not known to be printed, oldest
    /// first, each with its original's attempts.
    pub fn print_jobs_since(&self, since_ms: i64) -> Result<Vec<PrintJob>> {
        let mut jobs = self.conn.prepare(
            "SELECT j.sale_id, j.queued_ms FROM print_jobs j WHERE j.queued_ms >= ?1 \
             AND NOT EXISTS (SELECT 1 FROM print_attempts a WHERE a.sale_id = j.sale_id \
             AND a.copy = 0 AND a.outcome = 'printed') ORDER BY j.queued_ms, j.sale_id",
        )?;
        let jobs = jobs
            .query_map([since_ms], |row| Ok((SaleId(row.get(0)?), row.get(1)?)))?
            .collect::<rusqlite::Result<Vec<(SaleId, i64)>>>()?;
        jobs.into_iter()
            .map(|(sale_id, queued_ms)| {
                let attempts = self
                    .print_attempts(sale_id)?
                    .into_iter()
                    .filter(|a| !a.copy)
                    .collect();
                Ok(PrintJob {
                    sale_id,
                    queued_ms,
                    attempts,
                })
            })
            .collect()
    }

    /// Every attempt to print `sale`'s receipt, originals and copies, oldest first.
    pub fn print_attempts(&self, sale: SaleId) -> Result<Vec<PrintAttempt>> {
        let mut stmt = self.conn.prepare(
            "SELECT sale_id, copy, at_ms, outcome, detail FROM print_attempts \
             WHERE sale_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([sale.0], attempt)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Claims `sale`'s original for sending: records `sending` and returns true, unless an
    /// attempt at the original already got that far (another process, or before a crash),
    /// then records nothing and returns false. One immediate transaction, so two programs
    /// draining the same ledger cannot both send it.
    pub fn claim_original_print(&mut self, sale: SaleId, at_ms: i64) -> Result<bool> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let queued: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM print_jobs WHERE sale_id = ?1",
                [sale.0],
                |r| r.get(0),
            )
            .optional()?;
        if queued.is_none() {
            return Err(StoreError::NotFound(sale));
        }
        let sent: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM print_attempts WHERE sale_id = ?1 AND copy = 0 \
             AND outcome <> 'not_sent')",
            [sale.0],
            |r| r.get(0),
        )?;
        if sent {
            return Ok(false);
        }
        insert(&tx, sale, false, at_ms, PrintOutcome::Sending, None)?;
        tx.commit()?;
        Ok(true)
    }

    /// Appends an attempt (a claim goes through [`Store::claim_original_print`]).
    pub fn record_print(
        &mut self,
        sale: SaleId,
        copy: bool,
        at_ms: i64,
        outcome: PrintOutcome,
        detail: Option<&str>,
    ) -> Result<()> {
        insert(&self.conn, sale, copy, at_ms, outcome, detail)
    }
}

fn insert(
    conn: &rusqlite::Connection,
    sale: SaleId,
    copy: bool,
    at_ms: i64,
    outcome: PrintOutcome,
    detail: Option<&str>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO print_attempts (sale_id, copy, at_ms, outcome, detail) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![sale.0, copy, at_ms, outcome.as_str(), detail],
    )?;
    Ok(())
}
