//! The refund and Z report chains walked like the receipt chain: numbers gap-free per
//! terminal, each `prev_hash` the previous record's hash, each hash recomputed from what is
//! stored. Also the Z reports read back, and a Z report as CSV for the accountant.

use std::io::Write;

use pos_cash::PerCurrency;
use rusqlite::Row;

use crate::receipts::GENESIS;
use crate::refunds::refund_hash;
use crate::shifts::z_hash;
use crate::{CashChainProblem, CashChainReport, Result, ShiftId, Store, ZReport};

/// A chained record: its place, its stored links and the hash recomputed from its fields.
struct Link {
    terminal_id: String,
    number: i64,
    prev_hash: String,
    hash: String,
    recomputed: String,
}

/// Walks one chain's records (ordered by terminal and number) and reports its problems.
fn walk(chain: &str, links: Vec<Link>, problems: &mut Vec<CashChainProblem>) -> u64 {
    let mut previous: Option<Link> = None;
    let mut walked = 0;
    for link in links {
        let (expected, prev_hash) = match &previous {
            Some(p) if p.terminal_id == link.terminal_id => (p.number + 1, p.hash.as_str()),
            _ => (1, GENESIS),
        };
        let mut problem = |what: String| {
            problems.push(CashChainProblem {
                chain: chain.to_owned(),
                terminal_id: link.terminal_id.clone(),
                number: link.number,
                problem: what,
            });
        };
        if link.number != expected {
            problem(format!("expected number {expected}"));
        } else if link.prev_hash != prev_hash {
            problem("its link to the previous record is broken".to_owned());
        }
        if link.recomputed != link.hash {
            problem("it was edited after it was issued".to_owned());
        }
        walked += 1;
        previous = Some(link);
    }
    walked
}

fn z_from_row(row: &Row<'_>) -> rusqlite::Result<(ZReport, String)> {
    let json: String = row.get(4)?;
    let document = serde_json::from_str(&json).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok((
        ZReport {
            terminal_id: row.get(0)?,
            number: row.get(1)?,
            shift_id: ShiftId(row.get(2)?),
            issued_ms: row.get(3)?,
            document,
            prev_hash: row.get(5)?,
            hash: row.get(6)?,
        },
        json,
    ))
}

fn z_rows(
    store: &Store,
    filter: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<Vec<(ZReport, String)>> {
    let mut stmt = store.conn.prepare(&format!(
        "SELECT terminal_id, number, shift_id, issued_ms, totals, prev_hash, hash \
         FROM z_reports {filter} ORDER BY terminal_id, number"
    ))?;
    let rows = stmt.query_map(args, z_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// Every Z report, per terminal in number order.
    pub fn z_reports(&self) -> Result<Vec<ZReport>> {
        Ok(z_rows(self, "", &[])?.into_iter().map(|(z, _)| z).collect())
    }

    /// Z report `number` of `terminal_id`, if issued.
    pub fn z_report(&self, terminal_id: &str, number: i64) -> Result<Option<ZReport>> {
        Ok(z_rows(
            self,
            "WHERE terminal_id = ?1 AND number = ?2",
            &[&terminal_id, &number],
        )?
        .into_iter()
        .next()
        .map(|(z, _)| z))
    }

    /// Walks the refund and Z report chains of every terminal.
    pub fn verify_cash_chains(&self) -> Result<CashChainReport> {
        let mut report = CashChainReport::default();
        let links = self
            .refunds()?
            .into_iter()
            .map(|r| Link {
                recomputed: refund_hash(&r),
                terminal_id: r.terminal_id,
                number: r.number,
                prev_hash: r.prev_hash,
                hash: r.hash,
            })
            .collect();
        report.refunds = walk("refunds", links, &mut report.problems);
        let links = z_rows(self, "", &[])?
            .into_iter()
            .map(|(z, json)| Link {
                recomputed: z_hash(
                    &z.terminal_id,
                    z.number,
                    z.issued_ms,
                    &z.prev_hash,
                    z.shift_id,
                    &json,
                ),
                terminal_id: z.terminal_id,
                number: z.number,
                prev_hash: z.prev_hash,
                hash: z.hash,
            })
            .collect();
        report.z_reports = walk("z_reports", links, &mut report.problems);
        Ok(report)
    }
}

/// One figure of a Z report: its section and item, and the amount per currency in minor
/// units, or a count (then in `amounts.khr`, with `count` set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZFigure {
    /// `drawer`, `cash`, `khqr`, `refunds` or `close`.
    pub section: &'static str,
    /// What it is (`opening float`, `received`, `paid count`…).
    pub item: &'static str,
    /// Riel and cents, or the count in `khr`.
    pub amounts: PerCurrency,
    /// A count of records rather than an amount.
    pub count: bool,
}

impl ZReport {
    /// The report's figures in print order: the one list the CSV, the app's screen and its
    /// printout all show.
    pub fn figures(&self) -> Vec<ZFigure> {
        let t = &self.document.totals;
        let c = &self.document.closing;
        let amount = |section, item, amounts| ZFigure {
            section,
            item,
            amounts,
            count: false,
        };
        let count = |section, item, n: u64| ZFigure {
            section,
            item,
            amounts: PerCurrency::new(i64::try_from(n).unwrap_or(i64::MAX), 0),
            count: true,
        };
        vec![
            amount("drawer", "opening float", t.opening),
            amount("cash", "received", t.cash_tendered),
            amount("cash", "change given", t.change_given),
            amount("cash", "rounding", PerCurrency::new(t.rounding_khr, 0)),
            count("cash", "sales", t.cash_sales),
            amount("khqr", "paid", t.khqr_paid),
            count("khqr", "paid count", t.khqr_paid_count),
            amount("khqr", "awaiting verification", t.khqr_awaiting),
            count("khqr", "awaiting count", t.khqr_awaiting_count),
            amount("drawer", "cash in", t.cash_in),
            amount("drawer", "cash out", t.cash_out),
            amount("refunds", "cash", t.refunds_cash),
            amount("refunds", "bank", t.refunds_bank),
            count("refunds", "count", t.refunds),
            amount("close", "expected", c.expected),
            amount("close", "counted", c.counted),
            amount("close", "variance", c.variance),
        ]
    }

    /// The report as CSV (RFC 4180) for the accountant: `section,item,KHR,USD`, first the
    /// report's identity, then one row per figure with amounts in minor units (riel, cents)
    /// and counts in the first column.
    pub fn write_csv<W: Write>(&self, out: W) -> Result<W> {
        let c = &self.document.closing;
        let mut w = csv::Writer::from_writer(out);
        w.write_record(["section", "item", "KHR", "USD"])?;
        for (item, value) in [
            ("terminal", self.terminal_id.clone()),
            ("number", self.number.to_string()),
            ("shift", self.shift_id.to_string()),
            ("issued ms", self.issued_ms.to_string()),
            ("hash", self.hash.clone()),
            ("variance reason", c.reason.clone().unwrap_or_default()),
        ] {
            w.write_record(["z report", item, &value, ""])?;
        }
        for f in self.figures() {
            w.write_record([
                f.section,
                f.item,
                &f.amounts.khr.to_string(),
                &f.amounts.usd.to_string(),
            ])?;
        }
        w.flush().map_err(csv::Error::from)?;
        w.into_inner()
            .map_err(|e| crate::StoreError::Csv(csv::Error::from(e.into_error())))
    }
}
