//! Z report benchmark (`cargo bench -p pos-store --bench z_report`): the X report (read-only
//! totals) and the Z report (the close: expected against counted, the report issued and
//! chained) of one shift holding 100,000 paid cash sales (`POS_STORE_BENCH_SHIFT_SALES`
//! changes the count). The sales, their shift rows and their tender lines (riel handed over
//! and riel change) are bulk-loaded in one transaction, as building them through 100,000
//! fsynced sales would measure the insert path the ledger bench already measures; the reports
//! under test then run through the public API on that file.

use std::error::Error;
use std::time::{Duration, Instant};

use pos_cash::PerCurrency;
use pos_store::{Actor, Store};
use rusqlite::params;

/// 2024-03-01 00:00 in Phnom Penh.
const OPENED_MS: i64 = 1_709_226_000_000;

type Outcome = Result<(), Box<dyn Error>>;

/// Loads `count` paid riel cash sales into `shift`: each paid with whole 10,000-riel notes,
/// its change in riel, all balanced as `record_cash_sale` would have written them.
fn load(conn: &mut rusqlite::Connection, shift: i64, count: i64) -> Outcome {
    let tx = conn.transaction()?;
    tx.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) \
         INSERT INTO sales (bill_number, terminal_id, created_ms, amount_minor, currency, qr, \
         md5, expires_ms, riel_per_usd, status, updated_ms, paid_minor, paid_currency) \
         SELECT 'Z' || i, 'T1', ?2 + i, 5000 + (i % 40) * 500, 'KHR', NULL, NULL, ?2 + i, 4100, \
         'paid', ?2 + i, 5000 + (i % 40) * 500, 'KHR' FROM n",
        params![count, OPENED_MS],
    )?;
    tx.execute(
        "INSERT INTO sale_shifts (sale_id, shift_id, cashier_id) SELECT id, ?1, NULL FROM sales",
        [shift],
    )?;
    tx.execute(
        "INSERT INTO sale_tenders (sale_id, line, kind, amount_minor, currency) \
         SELECT id, 1, 'cash', (amount_minor / 10000 + 1) * 10000, 'KHR' FROM sales",
        [],
    )?;
    tx.execute(
        "INSERT INTO sale_tenders (sale_id, line, kind, amount_minor, currency) \
         SELECT id, 2, 'change', (amount_minor / 10000 + 1) * 10000 - amount_minor, 'KHR' \
         FROM sales",
        [],
    )?;
    tx.commit()?;
    Ok(())
}

fn main() -> Outcome {
    let count: i64 = std::env::var("POS_STORE_BENCH_SHIFT_SALES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("z.sqlite3");
    let mut store = Store::open(&path)?;
    let shift = store.open_shift("T1", Actor::Owner, OPENED_MS, PerCurrency::new(40_000, 0))?;
    let start = Instant::now();
    load(&mut rusqlite::Connection::open(&path)?, shift.id.0, count)?;
    println!(
        "loaded {count} cash sales into one shift in {:.2?}",
        start.elapsed()
    );

    let mut x_times: Vec<Duration> = Vec::new();
    let mut expected = PerCurrency::default();
    for _ in 0..5 {
        let start = Instant::now();
        let totals = store.shift_totals(shift.id)?;
        x_times.push(start.elapsed());
        assert_eq!(totals.cash_sales, u64::try_from(count)?);
        expected = totals.expected()?;
    }
    x_times.sort();
    println!(
        "X report of {count} sales: median {:.2?}, max {:.2?} (5 runs)",
        x_times[2], x_times[4]
    );

    let start = Instant::now();
    let z = store.close_shift(
        shift.id,
        OPENED_MS + count + 1,
        Actor::Owner,
        expected,
        PerCurrency::default(),
        None,
    )?;
    let closed = start.elapsed();
    assert_eq!(z.document.closing.variance, PerCurrency::default());
    println!("Z report (close, issue, chain) of {count} sales: {closed:.2?}");
    let start = Instant::now();
    let csv = z.write_csv(Vec::new())?;
    println!("its CSV: {} bytes in {:.2?}", csv.len(), start.elapsed());
    Ok(())
}
