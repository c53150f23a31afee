//! The counter's day in a real SQLite file: cash and split sales with their tender lines and
//! receipts, KHQR sales joining the open shift, cashiers, refunds (capped, owner only,
//! gap-free and chained), Z reports read back, verified and exported; bad input refused with
//! nothing written.
#![allow(clippy::unwrap_used)]

mod common;

use common::{sale, T0};
use pos_cash::{CashError, Change, PerCurrency, Rate, Tendered};
use pos_domain::{Currency, Money, SaleEvent, SaleStatus};
use pos_store::{
    Actor, Applied, CashMovement, ChainProblem, NewCashSale, NewRefund, PaymentDetails,
    RefundTender, SaleId, SaleTender, ShiftId, Store, StoreError,
};

fn khr(m: i64) -> Money {
    Money::new(m, Currency::Khr)
}
fn usd(m: i64) -> Money {
    Money::new(m, Currency::Usd)
}

/// A ledger file with a store kept open on it.
struct Ledger {
    file: common::Ledger,
    store: Store,
}

impl Ledger {
    fn new() -> Ledger {
        let file = common::Ledger::at("ledger.sqlite3");
        let store = file.open();
        Ledger { file, store }
    }
    fn open_shift(&mut self) -> ShiftId {
        self.store
            .open_shift("T1", Actor::Owner, T0, PerCurrency::new(40_000, 2_000))
            .unwrap()
            .id
    }
    /// Records `sale` expecting a refusal, and returns it.
    fn refused(&mut self, shift: ShiftId, sale: &NewCashSale) -> StoreError {
        self.store.record_cash_sale(shift, sale).unwrap_err()
    }
    /// Applies Bakong's report that `sale` was paid `amount`.
    fn pay(&mut self, sale: SaleId, amount: Money, at_ms: i64) -> Applied {
        self.store
            .apply_event(
                sale,
                SaleEvent::PaymentReported { matches: true },
                Some(&paid(amount)),
                at_ms,
            )
            .unwrap()
    }
}

fn cash(n: u32, amount: Money, given: Tendered, change: (i64, i64), rounding: i64) -> NewCashSale {
    NewCashSale {
        sale: sale(n, amount),
        rate: Rate::new(4100).unwrap(),
        cash: given,
        change: Change {
            usd: usd(change.0),
            khr: khr(change.1),
        },
        rounding: khr(rounding),
        khqr: None,
    }
}

fn paid(amount: Money) -> PaymentDetails {
    PaymentDetails {
        hash: "ab".repeat(32),
        payer_account: Some("payer@abaa".into()),
        payee_account: None,
        amount,
        created_ms: Some(T0),
        acknowledged_ms: None,
        external_ref: None,
        instruction_ref: None,
    }
}

#[test]
fn a_cash_sale_is_written_with_its_tenders_rounding_line_rate_and_receipt() {
    let mut l = Ledger::new();
    let shift = l.open_shift();
    // $3.75 at 4,100 paid with $5: $1 and 1,000 riel back, 25 riel on the rounding line.
    let (sale, receipt) = l
        .store
        .record_cash_sale(
            shift,
            &cash(1, usd(375), Tendered::new(500, 0), (100, 1_000), 25),
        )
        .unwrap();
    assert_eq!(sale.status, SaleStatus::Paid);
    assert_eq!(
        sale.riel_per_usd,
        Some(4100),
        "the rate is frozen on the sale"
    );
    assert_eq!((sale.qr.as_str(), sale.md5.as_str()), ("", ""));
    assert_eq!(receipt.unwrap().number, 1);
    let lines: Vec<(String, Money)> = l
        .store
        .sale_tenders(sale.id)
        .unwrap()
        .into_iter()
        .map(|t| (t.kind, t.amount))
        .collect();
    assert_eq!(
        lines,
        [
            ("cash".into(), usd(500)),
            ("change".into(), usd(100)),
            ("change".into(), khr(1_000)),
            ("rounding".into(), khr(25)),
        ]
    );
    assert!(l.store.verify_chain().unwrap().is_intact());
    let x = l.store.shift_totals(shift).unwrap();
    assert_eq!(x.expected().unwrap(), PerCurrency::new(39_000, 2_400));
}

#[test]
fn a_sales_tender_lines_and_shift_are_in_its_receipts_hash() {
    let mut l = Ledger::new();
    let shift = l.open_shift();
    let (sale, _) = l
        .store
        .record_cash_sale(
            shift,
            &cash(1, usd(375), Tendered::new(500, 0), (100, 1_000), 25),
        )
        .unwrap();
    let read = l.store.get(sale.id).unwrap().unwrap();
    assert_eq!(read.tender(), SaleTender::Cash);
    let counter = read.counter.unwrap();
    assert_eq!((counter.shift, counter.cashier), (shift, Actor::Owner));
    assert!(l.store.verify_chain().unwrap().is_intact());
    // The tamperer moves 25 riel of rounding into the drawer's favour: the receipt says so.
    let raw = l.file.raw();
    raw.execute_batch(
        "DROP TRIGGER sale_tenders_are_append_only_update; \
         UPDATE sale_tenders SET amount_minor = 50 WHERE kind = 'rounding';",
    )
    .unwrap();
    let chain = l.store.verify_chain().unwrap();
    assert!(
        matches!(
            chain.problems.as_slice(),
            [ChainProblem::Edited { number: 1, .. }]
        ),
        "{:?}",
        chain.problems
    );
}

#[test]
fn tenders_that_do_not_add_up_or_a_closed_shift_write_nothing() {
    let mut l = Ledger::new();
    let shift = l.open_shift();
    for (bad, what) in [
        (
            cash(1, usd(375), Tendered::new(500, 0), (100, 2_000), 25),
            "2,000 riel change where 1,000 is due",
        ),
        (
            cash(1, usd(375), Tendered::new(500, 0), (100, 1_000), 0),
            "a hidden rounding (the 25 riel left off)",
        ),
    ] {
        let err = l.refused(shift, &bad);
        assert!(
            matches!(err, StoreError::Cash(CashError::Unbalanced { .. })),
            "{what}: {err}"
        );
    }
    let err = l.refused(
        shift,
        &cash(1, khr(5_000), Tendered::new(0, -5_000), (0, 0), 0),
    );
    assert!(
        matches!(err, StoreError::Cash(CashError::Negative { .. })),
        "{err}"
    );
    let none = PerCurrency::default();
    l.store
        .close_shift(
            shift,
            T0 + 1,
            Actor::Owner,
            PerCurrency::new(40_000, 2_000),
            none,
            None,
        )
        .unwrap();
    let err = l.refused(
        shift,
        &cash(1, khr(5_000), Tendered::new(0, 5_000), (0, 0), 0),
    );
    assert!(matches!(err, StoreError::ShiftNotOpen { .. }), "{err}");
    for table in [
        "sales",
        "sale_tenders",
        "sale_shifts",
        "receipts",
        "sale_events",
    ] {
        assert_eq!(l.file.count(table), 0, "{table}");
    }
}

#[test]
fn a_split_sale_counts_its_cash_at_once_and_its_khqr_when_paid() {
    let mut l = Ledger::new();
    let shift = l.open_shift();
    // $3.75 with $3 handed over: the QR asks for exactly $0.75.
    let mut split = cash(1, usd(375), Tendered::new(300, 0), (0, 0), 0);
    split.khqr = Some(usd(75));
    let (sale, receipt) = l.store.record_cash_sale(shift, &split).unwrap();
    assert_eq!((sale.status, receipt), (SaleStatus::Pending, None));
    assert_eq!(sale.qr_due(), usd(75));
    assert_eq!(
        l.store.unresolved(0).unwrap().len(),
        1,
        "the watcher sees it"
    );
    let x = l.store.shift_totals(shift).unwrap();
    assert_eq!(x.expected().unwrap(), PerCurrency::new(40_000, 2_300));
    assert_eq!(
        (x.khqr_awaiting, x.khqr_awaiting_count),
        (PerCurrency::new(0, 75), 1)
    );

    let applied = l.pay(sale.id, usd(75), T0 + 10);
    assert_eq!(applied.receipt().unwrap().number, 1);
    let x = l.store.shift_totals(shift).unwrap();
    assert_eq!(
        (x.khqr_paid, x.khqr_awaiting_count),
        (PerCurrency::new(0, 75), 0)
    );
    assert!(l.store.verify_chain().unwrap().is_intact());

    // A split whose KHQR expires took no money: its cash went back to the customer.
    let mut second = cash(2, usd(375), Tendered::new(300, 0), (0, 0), 0);
    second.khqr = Some(usd(75));
    let (sale, _) = l.store.record_cash_sale(shift, &second).unwrap();
    l.store
        .apply_event(sale.id, SaleEvent::Expired, None, T0 + 400_000)
        .unwrap();
    let after = l.store.shift_totals(shift).unwrap();
    assert_eq!(after.expected().unwrap(), x.expected().unwrap());
    assert_eq!(after.khqr_awaiting_count, 0);
}

#[test]
fn with_cashiers_a_sale_needs_an_open_shift_and_joins_it_as_its_cashier() {
    let mut l = Ledger::new();
    // Before the first cashier account, KHQR sales are recorded outside any shift.
    l.store.insert_pending(&sale(1, khr(5_000))).unwrap();
    let dara = l.store.add_cashier("Dara", "hash", T0).unwrap();
    let err = l.store.insert_pending(&sale(2, khr(5_000))).unwrap_err();
    assert!(matches!(err, StoreError::NoOpenShift { .. }), "{err}");
    assert_eq!(l.file.count("sales"), 1);
    let shift = l
        .store
        .open_shift("T1", Actor::Cashier(dara.id), T0, PerCurrency::default())
        .unwrap();
    let s = l.store.insert_pending(&sale(2, khr(5_000))).unwrap();
    let cashier: Option<i64> = l
        .file
        .raw()
        .query_row(
            "SELECT cashier_id FROM sale_shifts WHERE sale_id = ?1 AND shift_id = ?2",
            [s.id.0, shift.id.0],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(cashier, Some(dara.id));
    let x = l.store.shift_totals(shift.id).unwrap();
    assert_eq!(x.khqr_awaiting, PerCurrency::new(5_000, 0));
}

#[test]
fn cashiers_are_unique_by_name_disabled_once_and_keep_their_pin_hash_to_themselves() {
    let mut l = Ledger::new();
    let dara = l.store.add_cashier("Dara", "$argon2id$x", T0).unwrap();
    let err = l.store.add_cashier("Dara", "other", T0).unwrap_err();
    assert!(matches!(err, StoreError::CashierExists(_)), "{err}");
    assert!(!format!("{:?}", l.store.cashiers().unwrap()).contains("argon2"));
    assert_eq!(
        l.store.cashier_pin_hash(dara.id).unwrap().as_deref(),
        Some("$argon2id$x")
    );
    assert!(l.store.actor_enabled(Actor::Cashier(dara.id)).unwrap());
    l.store.disable_cashier("Dara", T0 + 1).unwrap();
    assert!(!l.store.actor_enabled(Actor::Cashier(dara.id)).unwrap());
    let err = l.store.disable_cashier("Dara", T0 + 2).unwrap_err();
    assert!(matches!(err, StoreError::CashierDisabled(_)), "{err}");
    let err = l.store.disable_cashier("Nobody", T0).unwrap_err();
    assert!(matches!(err, StoreError::NoCashier(_)), "{err}");
    assert_eq!(
        l.store.cashier_named("Dara").unwrap().unwrap().disabled_ms,
        Some(T0 + 1)
    );
}

#[test]
fn cash_movements_need_a_positive_amount_a_reason_and_the_open_shift() {
    let mut l = Ledger::new();
    let shift = l.open_shift();
    let movement = |amount, reason: &str| CashMovement {
        cash_in: false,
        amount,
        reason: reason.into(),
        at_ms: T0,
        by: Actor::Owner,
    };
    for (m, what) in [
        (movement(khr(0), "x"), "zero"),
        (movement(khr(-5), "x"), "negative"),
        (movement(khr(5_000), "  "), "blank reason"),
    ] {
        assert!(l.store.cash_movement(shift, "T1", &m).is_err(), "{what}");
    }
    let err = l
        .store
        .cash_movement(ShiftId(99), "T1", &movement(khr(5_000), "ice"))
        .unwrap_err();
    assert!(matches!(err, StoreError::ShiftNotOpen { .. }), "{err}");
    assert_eq!(l.file.count("cash_movements"), 0);
    l.store
        .cash_movement(shift, "T1", &movement(khr(5_000), "ice"))
        .unwrap();
    let x = l.store.shift_totals(shift).unwrap();
    assert_eq!(x.cash_out, PerCurrency::new(5_000, 0));
}

/// A paid cash sale of 20,000 riel (receipt 1) and a paid KHQR sale of $2.50 (receipt 2).
fn two_paid_sales(l: &mut Ledger, shift: ShiftId) {
    l.store
        .record_cash_sale(
            shift,
            &cash(1, khr(20_000), Tendered::new(0, 20_000), (0, 0), 0),
        )
        .unwrap();
    let s = l.store.insert_pending(&sale(2, usd(250))).unwrap();
    l.pay(s.id, usd(250), T0 + 5);
}

fn refund(receipt: i64, amount: Money, tender: RefundTender) -> NewRefund {
    NewRefund {
        terminal_id: "T1".into(),
        receipt_terminal_id: "T1".into(),
        receipt_number: receipt,
        issued_ms: T0 + 100,
        amount,
        tender,
        by: Actor::Owner,
        reason: Some("returned goods".into()),
    }
}

#[test]
fn refunds_never_exceed_what_was_paid_and_are_numbered_and_chained() {
    let mut l = Ledger::new();
    let shift = l.open_shift();
    two_paid_sales(&mut l, shift);
    let drawer = RefundTender::Cash;
    let r1 = l
        .store
        .record_refund(&refund(1, khr(15_000), drawer.clone()))
        .unwrap();
    // 15,000 of 20,000 refunded: 5,001 more is refused, 5,000 is the rest.
    let err = l
        .store
        .record_refund(&refund(1, khr(5_001), drawer.clone()))
        .unwrap_err();
    assert!(
        matches!(err, StoreError::RefundTooLarge { paid, refunded, asked }
            if paid == khr(20_000) && refunded == khr(15_000) && asked == khr(5_001)),
        "{err}"
    );
    let bank = |reference: &str| RefundTender::Bank {
        reference: reference.into(),
    };
    let r2 = l
        .store
        .record_refund(&refund(1, khr(5_000), bank("ABA 123")))
        .unwrap();
    assert_eq!((r1.number, r2.number), (1, 2));
    assert_eq!(r2.prev_hash, r1.hash);

    // Bad refunds: nothing written.
    for (bad, what) in [
        (refund(2, khr(100), bank("x")), "another currency"),
        (refund(2, usd(-1), bank("x")), "negative"),
        (refund(2, usd(251), bank("x")), "above paid"),
        (refund(2, usd(100), bank("  ")), "blank reference"),
        (refund(9, usd(100), bank("x")), "no such receipt"),
        (
            NewRefund {
                by: Actor::Cashier(1),
                ..refund(2, usd(100), bank("x"))
            },
            "a cashier",
        ),
    ] {
        assert!(l.store.record_refund(&bad).is_err(), "{what}");
    }
    assert_eq!(l.file.count("refunds"), 2);

    // The drawer paid the cash refund; the bank one is reported apart.
    let x = l.store.shift_totals(shift).unwrap();
    assert_eq!(x.refunds_cash, PerCurrency::new(15_000, 0));
    assert_eq!(x.refunds_bank, PerCurrency::new(5_000, 0));
    assert_eq!(x.expected().unwrap(), PerCurrency::new(45_000, 2_000));

    let chains = l.store.verify_cash_chains().unwrap();
    assert_eq!((chains.refunds, chains.problems.len()), (2, 0));
    let err = l
        .file
        .raw()
        .execute("UPDATE refunds SET amount_minor = 1", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    assert_eq!(l.store.refunds().unwrap(), [r1, r2]);

    // After the close, a cash refund has no drawer; a bank refund needs none.
    l.store
        .close_shift(
            shift,
            T0 + 200,
            Actor::Owner,
            x.expected().unwrap(),
            PerCurrency::default(),
            None,
        )
        .unwrap();
    let err = l
        .store
        .record_refund(&refund(2, usd(100), RefundTender::Cash))
        .unwrap_err();
    assert!(matches!(err, StoreError::NoOpenShift { .. }), "{err}");
    let r3 = l
        .store
        .record_refund(&refund(2, usd(100), bank("ACLEDA 9")))
        .unwrap();
    assert_eq!((r3.number, r3.shift), (3, None));

    // The day's CSV: each sale with its tender, shift and cashier, then each refund as its own
    // negative line naming the receipt it refunds and how it was paid back.
    let day = pos_store::day_range(
        pos_store::shop_day(T0, pos_store::DEFAULT_TIME_ZONE),
        pos_store::DEFAULT_TIME_ZONE,
    )
    .unwrap();
    let query = pos_store::Query {
        range: Some(day),
        ..Default::default()
    };
    let mut csv = Vec::new();
    l.store
        .write_csv(&query, pos_store::DEFAULT_TIME_ZONE, false, &mut csv)
        .unwrap();
    let text = String::from_utf8(csv).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    let pick = |row: &[&str], cols: &[usize]| cols.iter().map(|&c| row[c].to_owned()).collect();
    let cols = [0, 5, 6, 7, 19, 20, 21, 22, 23];
    let got: Vec<Vec<String>> = rows.iter().map(|r| pick(r, &cols)).collect();
    let shift = shift.to_string();
    let want: Vec<Vec<&str>> = vec![
        vec![
            "receipt",
            "status",
            "amount",
            "currency",
            "tender",
            "shift",
            "cashier",
            "refund_number",
            "bank_reference",
        ],
        vec!["1", "paid", "20000", "KHR", "cash", &shift, "owner", "", ""],
        vec!["2", "paid", "2.50", "USD", "khqr", &shift, "owner", "", ""],
        vec![
            "1", "refund", "-15000", "KHR", "cash", &shift, "owner", "1", "",
        ],
        vec![
            "1", "refund", "-5000", "KHR", "bank", &shift, "owner", "2", "ABA 123",
        ],
        vec![
            "2", "refund", "-1.00", "USD", "bank", "", "owner", "3", "ACLEDA 9",
        ],
    ];
    assert_eq!(got, want);
}

#[test]
fn z_reports_read_back_verify_and_export_as_csv() {
    let mut l = Ledger::new();
    let shift = l.open_shift();
    two_paid_sales(&mut l, shift);
    let z = l
        .store
        .close_shift(
            shift,
            T0 + 1_000,
            Actor::Owner,
            PerCurrency::new(59_000, 2_000),
            PerCurrency::new(500, 0),
            Some("found a note under the drawer"),
        )
        .unwrap();
    assert_eq!(l.store.z_report("T1", 1).unwrap().unwrap(), z);
    assert_eq!(l.store.z_reports().unwrap(), std::slice::from_ref(&z));
    let chains = l.store.verify_cash_chains().unwrap();
    assert_eq!((chains.z_reports, chains.problems.len()), (1, 0));

    let csv = String::from_utf8(z.write_csv(Vec::new()).unwrap()).unwrap();
    for row in [
        "section,item,KHR,USD",
        "z report,number,1,",
        "cash,received,20000,0",
        "khqr,paid,0,250",
        "close,expected,60000,2000",
        "close,variance,-1000,0",
        "z report,variance reason,found a note under the drawer,",
    ] {
        assert!(csv.lines().any(|l| l == row), "{row} in\n{csv}");
    }

    // A Z report edited behind the triggers' back is found by the walk.
    let raw = l.file.raw();
    raw.execute_batch(
        "DROP TRIGGER z_reports_are_append_only_update; \
         UPDATE z_reports SET totals = replace(totals, '60000', '70000');",
    )
    .unwrap();
    let chains = l.store.verify_cash_chains().unwrap();
    assert_eq!(chains.problems.len(), 1, "{:?}", chains.problems);
    assert_eq!(chains.problems[0].chain, "z_reports");
}

#[test]
fn a_khqr_sale_pending_at_close_is_carried_as_awaiting_and_settles_once_in_its_own_shift() {
    let mut l = Ledger::new();
    let first = l.open_shift();
    let s = l.store.insert_pending(&sale(1, khr(12_300))).unwrap();
    let float = PerCurrency::new(40_000, 2_000);
    let none = PerCurrency::default();
    let z = l
        .store
        .close_shift(first, T0 + 10, Actor::Owner, float, none, None)
        .unwrap();
    let t = &z.document.totals;
    assert_eq!(
        (t.khqr_awaiting, t.khqr_awaiting_count, t.khqr_paid_count),
        (PerCurrency::new(12_300, 0), 1, 0)
    );
    let second = l
        .store
        .open_shift("T1", Actor::Owner, T0 + 20, float)
        .unwrap()
        .id;
    l.pay(s.id, khr(12_300), T0 + 30);
    // Paid after the close: counted in its own shift, never in the next one, and the Z
    // report as issued is unchanged.
    let now_first = l.store.shift_totals(first).unwrap();
    assert_eq!(
        (now_first.khqr_paid.khr, now_first.khqr_awaiting_count),
        (12_300, 0)
    );
    let next = l.store.shift_totals(second).unwrap();
    assert_eq!((next.khqr_paid_count, next.khqr_awaiting_count), (0, 0));
    assert_eq!(l.store.z_report("T1", 1).unwrap().unwrap(), z);
}
