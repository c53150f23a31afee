//! The cash side of the ledger against real SQLite files: the rate log, opening and closing
//! shifts with the expected drawer folded by `pos_cash`, Z reports, and bad input refused with
//! nothing written.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Ledger, T0};
use pos_cash::{CashError, Change, PerCurrency, Rate, Tendered};
use pos_domain::{Currency, Money};
use pos_store::{Actor, CashMovement, NewCashSale, NewSale, ShiftId, Store, StoreError};

const HOUR: i64 = 3_600_000;

impl Ledger {
    /// A fresh ledger, created.
    fn new() -> Ledger {
        let ledger = Ledger::at("ledger.sqlite3");
        ledger.open();
        ledger
    }
    /// A cashier account (the PIN hash is the core's business; any text does here).
    fn cashier(&self, name: &str) -> Actor {
        let cashier = self.open().add_cashier(name, "argon2-hash", T0).unwrap();
        Actor::Cashier(cashier.id)
    }
}

fn rate(r: i64) -> Rate {
    Rate::new(r).unwrap()
}

#[test]
fn the_rate_log_keeps_every_change_with_when_and_who() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    assert_eq!(store.current_rate().unwrap(), None);
    store.set_rate(rate(4000), T0, Actor::Owner).unwrap();
    let clerk = ledger.cashier("Dara");
    store.set_rate(rate(4100), T0 + HOUR, clerk).unwrap();
    let current = store.current_rate().unwrap().unwrap();
    assert_eq!(
        (current.rate, current.changed_ms, current.changed_by),
        (rate(4100), T0 + HOUR, clerk)
    );
    let history: Vec<(i64, Actor)> = store
        .rate_history()
        .unwrap()
        .iter()
        .map(|c| (c.rate.riel_per_usd(), c.changed_by))
        .collect();
    assert_eq!(history, [(4100, clerk), (4000, Actor::Owner)]);
}

#[test]
fn a_rate_of_zero_is_refused_before_and_inside_the_ledger_and_the_log_cannot_be_edited() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    store.set_rate(rate(4100), T0, Actor::Owner).unwrap();
    assert!(matches!(Rate::parse("0"), Err(CashError::RateText(_))));
    assert!(matches!(Rate::parse("abc"), Err(CashError::RateText(_))));
    let raw = ledger.raw();
    for bad in [0, -4100, 41_000] {
        let err = raw
            .execute(
                "INSERT INTO rate_log (riel_per_usd, changed_ms) VALUES (?1, 0)",
                [bad],
            )
            .unwrap_err();
        assert!(err.to_string().contains("CHECK"), "{err}");
    }
    let err = raw
        .execute("UPDATE rate_log SET riel_per_usd = 4000", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    assert!(raw.execute("DELETE FROM rate_log", []).is_err());
    assert_eq!(store.rate_history().unwrap().len(), 1);
    assert_eq!(store.current_rate().unwrap().unwrap().rate, rate(4100));
}

#[test]
fn a_terminal_has_one_open_shift_and_a_negative_float_is_refused() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let first = store
        .open_shift("T1", Actor::Owner, T0, PerCurrency::new(40_000, 2_000))
        .unwrap();
    let err = store
        .open_shift("T1", Actor::Owner, T0 + 1, PerCurrency::new(0, 0))
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::ShiftAlreadyOpen { terminal_id, shift_id } if terminal_id == "T1" && *shift_id == first.id),
        "{err}"
    );
    let err = store
        .open_shift("T2", Actor::Owner, T0, PerCurrency::new(-100, 0))
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Cash(CashError::Negative { .. })),
        "{err}"
    );
    assert_eq!(ledger.count("shifts"), 1);
    // Another terminal opens its own; the database refuses a second open one by itself too.
    store
        .open_shift("T2", Actor::Owner, T0, PerCurrency::default())
        .unwrap();
    let err = ledger
        .raw()
        .execute(
            "INSERT INTO shifts (terminal_id, opened_ms, opening_khr, opening_usd) \
             VALUES ('T1', 0, 0, 0)",
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("UNIQUE"), "{err}");
    assert_eq!(store.open_shift_on("T1").unwrap().unwrap(), first);
}

fn new_sale(n: u32, amount: Money) -> NewSale {
    NewSale {
        expires_ms: T0 + HOUR,
        riel_per_usd: Some(4100),
        ..common::sale(n, amount)
    }
}

/// $3.75 at 4,100 paid with $5: $1 + 1,000 riel back, the shop keeps 25 riel.
fn cash_sale(n: u32) -> NewCashSale {
    NewCashSale {
        sale: new_sale(n, Money::new(375, Currency::Usd)),
        rate: rate(4100),
        cash: Tendered::new(500, 0),
        change: Change {
            usd: Money::new(100, Currency::Usd),
            khr: Money::new(1_000, Currency::Khr),
        },
        rounding: Money::new(25, Currency::Khr),
        khqr: None,
    }
}

/// A shift with: a cash sale of $3.75 at 4,100 paid with $5 ($1 + 1,000 riel back, 25 riel
/// rounding), a KHQR sale of 12,300 riel still pending, 20,000 riel put in, $10 taken out.
fn busy_shift(store: &mut Store, cashier: Actor) -> ShiftId {
    let shift = store
        .open_shift("T1", cashier, T0, PerCurrency::new(40_000, 2_000))
        .unwrap();
    store.record_cash_sale(shift.id, &cash_sale(1)).unwrap();
    store
        .insert_pending(&new_sale(2, Money::new(12_300, Currency::Khr)))
        .unwrap();
    for (cash_in, amount) in [
        (true, Money::new(20_000, Currency::Khr)),
        (false, Money::new(1_000, Currency::Usd)),
    ] {
        store
            .cash_movement(
                shift.id,
                "T1",
                &CashMovement {
                    cash_in,
                    amount,
                    reason: "float top-up / supplier".into(),
                    at_ms: T0,
                    by: cashier,
                },
            )
            .unwrap();
    }
    shift.id
}

#[test]
fn closing_a_shift_compares_the_count_with_the_folded_records_and_issues_a_z_report() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let id = busy_shift(&mut store, Actor::Owner);

    // X report: riel 40,000 − 1,000 + 20,000 = 59,000; dollars $20 + $5 − $1 − $10 = $14.
    let x = store.shift_totals(id).unwrap();
    assert_eq!(x.expected().unwrap(), PerCurrency::new(59_000, 1_400));
    assert_eq!((x.cash_sales, x.rounding_khr), (1, 25));
    assert_eq!(
        (x.khqr_awaiting, x.khqr_awaiting_count),
        (PerCurrency::new(12_300, 0), 1)
    );

    // 2,000 riel short with a 1,000 threshold: a reason is needed, and nothing is written.
    let counted = PerCurrency::new(57_000, 1_400);
    let threshold = PerCurrency::new(1_000, 100);
    let err = store
        .close_shift(id, T0 + HOUR, Actor::Owner, counted, threshold, None)
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Cash(CashError::ReasonNeeded { .. })),
        "{err}"
    );
    assert!(store.shift(id).unwrap().unwrap().closed.is_none());
    assert_eq!(ledger.count("z_reports"), 0);

    let z = store
        .close_shift(
            id,
            T0 + HOUR,
            Actor::Owner,
            counted,
            threshold,
            Some("gave change twice"),
        )
        .unwrap();
    assert_eq!((z.terminal_id.as_str(), z.number), ("T1", 1));
    assert_eq!(z.document.closing.variance, PerCurrency::new(-2_000, 0));
    assert_eq!(z.document.totals, x);
    let closed = store.shift(id).unwrap().unwrap().closed.unwrap();
    assert_eq!(closed.closing, z.document.closing);
    assert_eq!(closed.closing.reason.as_deref(), Some("gave change twice"));
    assert_eq!(store.open_shift_on("T1").unwrap(), None);
}

#[test]
fn a_shift_closes_once_and_z_reports_are_gap_free_chained_and_immutable() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let none = PerCurrency::default();
    let first = store.open_shift("T1", Actor::Owner, T0, none).unwrap().id;
    let z1 = store
        .close_shift(first, T0 + 1, Actor::Owner, none, none, None)
        .unwrap();
    let err = store
        .close_shift(first, T0 + 2, Actor::Owner, none, none, None)
        .unwrap_err();
    assert!(
        matches!(err, StoreError::ShiftClosed(s) if s == first),
        "{err}"
    );
    assert_eq!(ledger.count("z_reports"), 1);
    let err = store
        .close_shift(ShiftId(99), T0, Actor::Owner, none, none, None)
        .unwrap_err();
    assert!(matches!(err, StoreError::NoShift(ShiftId(99))), "{err}");

    let second = store
        .open_shift("T1", Actor::Owner, T0 + 3, none)
        .unwrap()
        .id;
    let z2 = store
        .close_shift(second, T0 + 4, Actor::Owner, none, none, None)
        .unwrap();
    assert_eq!((z1.number, z2.number), (1, 2));
    assert_eq!(z2.prev_hash, z1.hash);
    assert_ne!(z1.hash, z2.hash);

    let raw = ledger.raw();
    for sql in [
        "UPDATE z_reports SET totals = '{}'",
        "DELETE FROM z_reports",
        "UPDATE shifts SET counted_khr = 0, variance_khr = 0 - expected_khr",
        "DELETE FROM shifts",
    ] {
        let err = raw.execute(sql, []).unwrap_err();
        assert!(
            err.to_string().contains("never") || err.to_string().contains("immutable"),
            "{sql}: {err}"
        );
    }
}

#[test]
fn a_cashier_closes_only_their_own_shift_and_the_owner_any() {
    let ledger = Ledger::new();
    let mut store = ledger.open();
    let dara = ledger.cashier("Dara");
    let sokha = ledger.cashier("Sokha");
    let id = busy_shift(&mut store, dara);
    let count = PerCurrency::new(59_000, 1_400);
    let none = PerCurrency::default();
    let err = store
        .close_shift(id, T0 + HOUR, sokha, count, none, None)
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NotYourShift { by, .. } if by == sokha),
        "{err}"
    );
    assert!(store.shift(id).unwrap().unwrap().closed.is_none());
    let z = store
        .close_shift(id, T0 + HOUR, dara, count, none, None)
        .unwrap();
    assert_eq!(z.document.closing.variance, none);
    // Cashiers are never deleted.
    assert!(ledger.raw().execute("DELETE FROM cashiers", []).is_err());
}
