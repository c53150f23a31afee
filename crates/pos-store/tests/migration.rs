//! Upgrading a ledger written by an earlier release: `tests/fixtures/ledger-v1.sqlite3` was
//! written by the `khqr-pos` CLI at schema version 1 (demo mode, terminal FIX1): a paid USD
//! sale, a paid KHR sale with a Khmer note (receipts 1 and 2), a pending sale and a cancelled
//! one. Opening a copy with this build must migrate it and lose nothing.
#![allow(clippy::unwrap_used)]

use pos_domain::SaleStatus;
use pos_store::{Query, SaleId, Store, SCHEMA_VERSION};
use rusqlite::types::Value;
use rusqlite::Connection;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/ledger-v1.sqlite3"
);

/// The version-1 tables with their columns, as the fixture has them.
fn v1_columns(conn: &Connection) -> Vec<(String, Vec<String>)> {
    ["sales", "sale_events", "check_days", "receipts"]
        .into_iter()
        .map(|table| {
            let stmt = conn
                .prepare(&format!("SELECT * FROM {table} LIMIT 0"))
                .unwrap();
            let names = stmt.column_names().into_iter().map(String::from).collect();
            (table.to_owned(), names)
        })
        .collect()
}

/// Every row of `tables`, the given columns only (later migrations add columns), in row order.
fn dump(conn: &Connection, tables: &[(String, Vec<String>)]) -> Vec<(String, Vec<Vec<Value>>)> {
    tables
        .iter()
        .map(|(table, columns)| {
            let mut stmt = conn
                .prepare(&format!(
                    "SELECT {} FROM {table} ORDER BY rowid",
                    columns.join(", ")
                ))
                .unwrap();
            let rows = stmt
                .query_map([], |row| {
                    (0..columns.len()).map(|i| row.get::<_, Value>(i)).collect()
                })
                .unwrap()
                .collect::<Result<Vec<Vec<Value>>, _>>()
                .unwrap();
            (table.clone(), rows)
        })
        .collect()
}

#[test]
fn a_ledger_from_the_first_release_upgrades_with_nothing_lost() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite3");
    std::fs::copy(FIXTURE, &path).unwrap();

    let before = {
        let raw = Connection::open(&path).unwrap();
        let version: i64 = raw
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, 1, "the fixture is a version-1 ledger");
        let tables = v1_columns(&raw);
        (dump(&raw, &tables), tables)
    };
    let (before, v1_tables) = before;
    assert_eq!(before[0].1.len(), 4, "the fixture holds four sales");
    assert_eq!(before[3].1.len(), 2, "and two receipts");

    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    const { assert!(SCHEMA_VERSION >= 2) };
    assert_eq!(store.integrity_check().unwrap(), Vec::<String>::new());

    // The chain written by the old release verifies with today's verifier.
    let chain = store.verify_chain().unwrap();
    assert!(chain.is_intact(), "{:?}", chain.problems);
    assert_eq!(chain.receipts, 2);

    // The sales read back through the API as they were written.
    let sales = store.sales(&Query::default()).unwrap();
    let statuses: Vec<SaleStatus> = sales.iter().map(|s| s.status).collect();
    assert_eq!(
        statuses,
        [
            SaleStatus::Paid,
            SaleStatus::Paid,
            SaleStatus::Pending,
            SaleStatus::Cancelled
        ]
    );
    assert_eq!(sales[1].note.as_deref(), Some("ផលិតផល fixture"));
    assert_eq!(store.receipt(SaleId(2)).unwrap().unwrap().number, 2);
    drop(store);

    // Byte for byte, every old row is still there.
    let raw = Connection::open(&path).unwrap();
    assert_eq!(dump(&raw, &v1_tables), before);
    // Columns added since are empty on old sales: they were KHQR sales for their total.
    let added: i64 = raw
        .query_row(
            "SELECT count(*) FROM sales WHERE qr_minor IS NOT NULL OR qr_currency IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(added, 0);
    // The new tables exist and are empty: old sales were KHQR-only, outside any shift.
    for table in [
        "rate_log",
        "cashiers",
        "shifts",
        "sale_tenders",
        "refunds",
        "z_reports",
    ] {
        let n: i64 = raw
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0, "{table}");
    }
}

#[test]
fn an_upgraded_ledger_takes_cash_sales_on_the_same_receipt_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite3");
    std::fs::copy(FIXTURE, &path).unwrap();
    let mut store = Store::open(&path).unwrap();
    let shift = store
        .open_shift("FIX1", pos_store::Actor::Owner, 1, Default::default())
        .unwrap();
    let rate = pos_cash::Rate::new(4100).unwrap();
    let (sale, receipt) = store
        .record_cash_sale(
            shift.id,
            &pos_store::NewCashSale {
                sale: pos_store::NewSale {
                    bill_number: "FIX1-CASH-1".into(),
                    terminal_id: "FIX1".into(),
                    created_ms: 2,
                    amount: pos_domain::Money::new(5_000, pos_domain::Currency::Khr),
                    note: None,
                    qr: String::new(),
                    md5: String::new(),
                    expires_ms: 2,
                    riel_per_usd: None,
                },
                rate,
                cash: pos_cash::Tendered::new(0, 5_000),
                change: pos_cash::Change {
                    usd: pos_domain::Money::new(0, pos_domain::Currency::Usd),
                    khr: pos_domain::Money::new(0, pos_domain::Currency::Khr),
                },
                rounding: pos_domain::Money::new(0, pos_domain::Currency::Khr),
                khqr: None,
            },
        )
        .unwrap();
    assert_eq!((sale.status, sale.md5.as_str()), (SaleStatus::Paid, ""));
    assert_eq!(receipt.unwrap().number, 3, "after the two old receipts");
    let chain = store.verify_chain().unwrap();
    assert!(chain.is_intact(), "{:?}", chain.problems);
    assert_eq!(chain.receipts, 3);
    assert_eq!(store.integrity_check().unwrap(), Vec::<String>::new());
}

#[test]
fn a_backup_from_the_first_release_is_checked_read_only_without_migrating_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backup.sqlite3");
    std::fs::copy(FIXTURE, &path).unwrap();
    let store = Store::open_read_only(&path).unwrap();
    assert!(store.integrity_check().unwrap().is_empty());
    let chain = store.verify_chain().unwrap();
    assert!(chain.is_intact(), "{:?}", chain.problems);
    assert_eq!(chain.receipts, 2);
    assert_eq!(store.summary().unwrap().schema_version, 1, "left as it was");
}

#[test]
fn a_new_ledger_opened_by_several_programs_at_once_opens_for_each() {
    // The app and a CLI command (or two commands) may create the same new ledger at the same
    // moment; SQLite then answered "database is locked" to a few of them (about 2 % of opens)
    // before `Store::open` retried.
    for _ in 0..100 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite3");
        let opens: Vec<_> = (0..4)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || Store::open(&path).map(|store| store.schema_version()))
            })
            .collect();
        for open in opens {
            let version = open.join().unwrap().unwrap().unwrap();
            assert_eq!(version, SCHEMA_VERSION);
        }
    }
}
