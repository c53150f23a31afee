//! Ledger benchmark (`cargo bench -p pos-store`): the durable insert and payment rates through
//! the public API, then a day's list, totals and CSV export on a ledger of 1,000,000 sales
//! (`POS_STORE_BENCH_SALES` changes the size). The big ledger is bulk-loaded with one SQL
//! statement, since building it through a million fsynced transactions would take hours and
//! measure nothing new; the queries under test then run through the public API.

use std::error::Error;
use std::time::{Duration, Instant};

use pos_domain::{Currency, Money, SaleEvent};
use pos_store::{day_range, shop_day, NewSale, PaymentDetails, Query, Store, DEFAULT_TIME_ZONE};

/// 2024-03-01 00:00 in Phnom Penh, the first day of the bulk ledger.
const FIRST_DAY_MS: i64 = 1_709_226_000_000;
const DAY_MS: i64 = 86_400_000;
/// Sales per day in the bulk ledger: a busy counter.
const SALES_PER_DAY: i64 = 1_000;

type Outcome = Result<(), Box<dyn Error>>;

fn new_sale(n: i64, created_ms: i64) -> NewSale {
    NewSale {
        bill_number: format!("R{n:08}"),
        terminal_id: "T1".into(),
        created_ms,
        amount: Money::new(5_000 + n % 40 * 500, Currency::Khr),
        note: None,
        qr: format!("00020101021230...bench-{n}"),
        md5: format!("{n:032x}"),
        expires_ms: created_ms + 300_000,
        riel_per_usd: Some(4_100),
    }
}

/// Operations per second, in integer arithmetic.
fn per_second(count: u64, elapsed: Duration) -> u64 {
    let micros = u64::try_from(elapsed.as_micros())
        .unwrap_or(u64::MAX)
        .max(1);
    count.saturating_mul(1_000_000) / micros
}

/// Median and maximum of some timings.
fn median_max(mut timings: Vec<Duration>) -> (Duration, Duration) {
    timings.sort();
    let median = timings.get(timings.len() / 2).copied().unwrap_or_default();
    (median, timings.last().copied().unwrap_or_default())
}

/// Durable inserts and payments (one fsynced transaction each), as the counter does them.
fn insert_and_pay_rates(dir: &std::path::Path) -> Outcome {
    const COUNT: i64 = 2_000;
    let mut store = Store::open(dir.join("rates.sqlite3"))?;
    let start = Instant::now();
    let mut sales = Vec::new();
    for n in 0..COUNT {
        sales.push(store.insert_pending(&new_sale(n, FIRST_DAY_MS + n * 1_000))?);
    }
    let inserted = start.elapsed();
    let start = Instant::now();
    for sale in &sales {
        let payment = PaymentDetails {
            hash: format!("{:064x}", sale.id.0),
            payer_account: Some("payer@abaa".into()),
            payee_account: Some("shop@aclb".into()),
            amount: sale.amount,
            created_ms: Some(sale.created_ms + 10_000),
            acknowledged_ms: Some(sale.created_ms + 11_000),
            external_ref: None,
            instruction_ref: None,
        };
        let paid = SaleEvent::PaymentReported { matches: true };
        store.apply_event(sale.id, paid, Some(&payment), sale.created_ms + 12_000)?;
    }
    let paid_elapsed = start.elapsed();
    let count = u64::try_from(COUNT)?;
    println!(
        "insert_pending (durable, synchronous=FULL): {count} sales in {inserted:.2?} = {} sales/s",
        per_second(count, inserted)
    );
    println!(
        "apply_event paid + receipt (durable):       {count} sales in {paid_elapsed:.2?} = {} sales/s",
        per_second(count, paid_elapsed)
    );
    let start = Instant::now();
    let report = store.verify_chain()?;
    println!(
        "verify_chain over {} receipts: {:.2?}",
        report.receipts,
        start.elapsed()
    );
    // Every sale was really finalized, once, into an intact chain.
    if report.receipts != count || !report.is_intact() {
        return Err(format!("unexpected chain: {report:?}").into());
    }
    Ok(())
}

/// Fills a ledger with `count` sales, `SALES_PER_DAY` a day, with a realistic mix of
/// currencies, statuses, notes and receipts.
fn bulk_load(path: &std::path::Path, count: i64) -> Outcome {
    drop(Store::open(path)?); // creates the schema
    let conn = rusqlite::Connection::open(path)?;
    conn.pragma_update(None, "synchronous", "off")?;
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1), \
         g AS (SELECT i, CASE WHEN i % 100 < 80 THEN 'paid' WHEN i % 100 < 90 THEN 'expired' \
                 WHEN i % 100 < 95 THEN 'cancelled' WHEN i % 100 < 98 THEN 'failed' \
                 WHEN i % 100 < 99 THEN 'paid_late' ELSE 'mismatch' END AS status, \
                 CASE WHEN i % 10 < 7 THEN 'KHR' ELSE 'USD' END AS currency, \
                 ?2 + (i - 1) * ?3 AS created FROM n) \
         INSERT INTO sales (id, bill_number, terminal_id, created_ms, amount_minor, currency, \
           note, qr, md5, expires_ms, riel_per_usd, status, updated_ms, bakong_hash, \
           payer_account, payee_account, paid_minor, paid_currency, paid_created_ms, \
           paid_acknowledged_ms, external_ref) \
         SELECT i, printf('B%08d', i), 'T1', created, \
           CASE currency WHEN 'KHR' THEN 1000 + i % 50 * 500 ELSE 100 + i % 2000 END, currency, \
           CASE WHEN i % 20 = 0 THEN 'កាហ្វេទឹកដោះគោ, \"large\"' END, \
           printf('00020101021230470016bench@bank011301%08d52045999530311654%d', i, i), \
           printf('%08x%024x', i * 2654435761 % 4294967296, i), created + 300000, 4100, \
           status, created + 30000, \
           CASE WHEN status IN ('paid', 'paid_late', 'mismatch') THEN \
             printf('%016x%048x', i * 40503 % 4294967296, i) END, \
           CASE WHEN status IN ('paid', 'paid_late', 'mismatch') THEN 'payer@abaa' END, \
           CASE WHEN status IN ('paid', 'paid_late', 'mismatch') THEN 'shop@aclb' END, \
           CASE WHEN status IN ('paid', 'paid_late', 'mismatch') THEN \
             CASE currency WHEN 'KHR' THEN 1000 + i % 50 * 500 ELSE 100 + i % 2000 END END, \
           CASE WHEN status IN ('paid', 'paid_late', 'mismatch') THEN currency END, \
           CASE WHEN status IN ('paid', 'paid_late', 'mismatch') THEN created + 20000 END, \
           CASE WHEN status IN ('paid', 'paid_late', 'mismatch') THEN created + 21000 END, \
           CASE WHEN status IN ('paid', 'paid_late', 'mismatch') THEN printf('100FT%011d', i) END \
         FROM g",
        rusqlite::params![count, FIRST_DAY_MS, DAY_MS / SALES_PER_DAY],
    )?;
    conn.execute(
        "INSERT INTO receipts (terminal_id, number, sale_id, issued_ms, prev_hash, hash) \
         SELECT 'T1', ROW_NUMBER() OVER (ORDER BY id), id, updated_ms, '', '' FROM sales \
         WHERE status IN ('paid', 'paid_late', 'mismatch')",
        [],
    )?;
    conn.execute_batch("ANALYZE")?;
    Ok(())
}

/// A day's list, totals and CSV export on the big ledger, over days spread across it.
fn day_queries(path: &std::path::Path, count: i64) -> Outcome {
    let store = Store::open(path)?;
    let days = (count / SALES_PER_DAY).max(1);
    let mut list = Vec::new();
    let mut totals = Vec::new();
    let mut both = Vec::new();
    let mut csv = Vec::new();
    let mut rows = 0;
    let mut csv_bytes = 0;
    for k in 0..25 {
        let at = FIRST_DAY_MS + (k * 7919 % days) * DAY_MS + DAY_MS / 2;
        let day = day_range(shop_day(at, DEFAULT_TIME_ZONE), DEFAULT_TIME_ZONE)?;
        let query = Query {
            range: Some(day),
            ..Query::default()
        };
        let start = Instant::now();
        let sales = store.sales(&query)?;
        let listed = start.elapsed();
        let day_totals = store.totals(day)?;
        both.push(start.elapsed());
        list.push(listed);
        totals.push(start.elapsed().saturating_sub(listed));
        rows = sales.len();
        if day_totals.is_empty() {
            return Err("a day of the bulk ledger has no totals".into());
        }
        let mut out = Vec::with_capacity(512 * 1024);
        let start = Instant::now();
        store.write_csv(&query, DEFAULT_TIME_ZONE, true, &mut out)?;
        csv.push(start.elapsed());
        csv_bytes = out.len();
    }
    let report = |name: &str, timings: Vec<Duration>| {
        let (median, max) = median_max(timings);
        println!("{name:<34} median {median:>9.2?}  max {max:>9.2?}  (25 days)");
    };
    println!("ledger of {count} sales, {rows} sales a day:");
    report("day list (sales)", list);
    report("day totals", totals);
    report("day list + totals", both);
    report(&format!("day CSV export ({} KiB)", csv_bytes / 1024), csv);

    let start = Instant::now();
    let found = store.sales(&Query {
        search: Some("B00424242".into()),
        ..Query::default()
    })?;
    println!(
        "search by bill number, whole ledger: {:.2?} ({} found)",
        start.elapsed(),
        found.len()
    );
    let start = Instant::now();
    let watched = store.unresolved(FIRST_DAY_MS + (days - 1) * DAY_MS)?;
    println!(
        "unresolved (watcher restart):        {:.2?} ({} sales)",
        start.elapsed(),
        watched.len()
    );
    let start = Instant::now();
    let problems = store.integrity_check()?;
    println!(
        "integrity_check:                     {:.2?} ({} problems)",
        start.elapsed(),
        problems.len()
    );
    Ok(())
}

fn main() -> Outcome {
    let count: i64 = std::env::var("POS_STORE_BENCH_SALES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    // On the target directory's disk, not a RAM-backed /tmp, so fsync costs what it costs.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))?;
    insert_and_pay_rates(dir.path())?;
    let path = dir.path().join("big.sqlite3");
    let start = Instant::now();
    bulk_load(&path, count)?;
    let size = std::fs::metadata(&path)?.len() / (1024 * 1024);
    println!(
        "bulk load of {count} sales (bench setup): {:.1?}, file {size} MiB",
        start.elapsed()
    );
    day_queries(&path, count)
}
