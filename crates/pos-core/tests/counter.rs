//! The counter's day through the [`Pos`] facade in demo mode (real SQLite file, embedded
//! simulator): sign-in with throttled PINs, the rate, shifts, cash and split sales, refunds
//! and the close with its Z report; every refusal typed, with nothing written.

// Test helpers outside `#[test]` functions may panic too: a failed setup is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use pos_core::counter::{
    Actor, CashSaleRequest, CloseShiftRequest, MovementRequest, RefundRequest, OWNER,
};
use pos_core::owner::OwnerPin;
use pos_core::{ChargeRequest, Config, CoreError, Currency, Money, Pos, SaleStatus, StartOptions};

async fn demo() -> (tempfile::TempDir, Pos) {
    let dir = tempfile::tempdir().unwrap();
    OwnerPin::new(dir.path()).set_first("2468").unwrap();
    let pos = Pos::start_with(
        Config::demo(dir.path()).unwrap(),
        StartOptions::accelerated(200),
    )
    .await
    .unwrap();
    (dir, pos)
}

fn code(err: &CoreError) -> String {
    err.code().to_string()
}

fn cash(amount: &str, currency: Currency, usd: &str, khr: &str) -> CashSaleRequest {
    CashSaleRequest {
        amount: amount.into(),
        currency: Some(currency),
        usd_given: Some(usd.into()),
        khr_given: Some(khr.into()),
        ..CashSaleRequest::default()
    }
}

#[tokio::test]
async fn cashiers_sign_in_with_their_own_throttled_pin_and_only_the_owner_administers() {
    let (_dir, pos) = demo().await;
    let owner = pos.sign_in(OWNER, "2468").await.unwrap();
    assert_eq!(owner, Actor::Owner);
    let dara = pos.add_cashier(owner, "Dara", "1357").await.unwrap();
    let clerk = pos.sign_in("Dara", "1357").await.unwrap();
    assert_eq!(clerk, Actor::Cashier(dara.id));
    for (err, want) in [
        (
            pos.add_cashier(clerk, "Sokha", "1111").await.unwrap_err(),
            "not_allowed",
        ),
        (
            pos.set_rate(clerk, "4000").await.unwrap_err(),
            "not_allowed",
        ),
        (
            pos.add_cashier(owner, "Dara", "1111").await.unwrap_err(),
            "cashier_invalid",
        ),
        (
            pos.add_cashier(owner, "owner", "1111").await.unwrap_err(),
            "cashier_invalid",
        ),
        (
            pos.add_cashier(owner, "Vuthy", "12").await.unwrap_err(),
            "pin_invalid",
        ),
    ] {
        assert_eq!(code(&err), want, "{err}");
    }
    for left in (1..5).rev() {
        let err = pos.sign_in("Dara", "0000").await.unwrap_err();
        assert!(matches!(err, CoreError::PinWrong { attempts_left } if attempts_left == left));
    }
    let err = pos.sign_in("Dara", "0000").await.unwrap_err();
    assert_eq!(code(&err), "pin_locked");
    let err = pos.sign_in("Dara", "1357").await.unwrap_err();
    assert_eq!(code(&err), "pin_locked", "even the right pin waits");
    pos.disable_cashier(owner, "Dara").await.unwrap();
    let err = pos.sign_in("Dara", "1357").await.unwrap_err();
    assert_eq!(code(&err), "cashier_invalid");
    assert_eq!(pos.cashiers().await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_rate_is_logged_refused_when_bad_and_frozen_on_each_sale() {
    let (_dir, pos) = demo().await;
    assert_eq!(pos.rate().await.unwrap().riel_per_usd, 4100, "configured");
    for bad in ["0", "abc", "-4000", "41000", "4,1,00"] {
        let err = pos.set_rate(Actor::Owner, bad).await.unwrap_err();
        assert_eq!(code(&err), "rate_invalid", "{bad}: {err}");
    }
    let set = pos.set_rate(Actor::Owner, "4,000").await.unwrap();
    assert_eq!(
        (set.riel_per_usd, set.changed_by),
        (4000, Some(Actor::Owner))
    );
    let charge = pos
        .charge(ChargeRequest {
            amount: "1.00".into(),
            currency: Some(Currency::Usd),
            ..ChargeRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(charge.khr_equivalent, Some(Money::new(4000, Currency::Khr)));
}

#[tokio::test]
async fn a_day_at_the_counter_from_open_to_z_report() {
    let (_dir, pos) = demo().await;
    let owner = Actor::Owner;
    let dara = pos.add_cashier(owner, "Dara", "1357").await.unwrap();
    let clerk = pos.sign_in("Dara", "1357").await.unwrap();

    // Without an open shift nothing sells once the shop has cashiers.
    let err = pos
        .cash_sale(cash("3.75", Currency::Usd, "5", ""))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "no_open_shift");
    let err = pos
        .charge(ChargeRequest {
            amount: "5000".into(),
            currency: Some(Currency::Khr),
            ..ChargeRequest::default()
        })
        .await
        .unwrap_err();
    assert_eq!(code(&err), "no_open_shift");

    let shift = pos.open_shift(clerk, "40,000", "20").await.unwrap();
    assert_eq!(shift.expected.khr, 40_000);
    let err = pos.open_shift(owner, "0", "0").await.unwrap_err();
    assert_eq!(code(&err), "shift_open");

    // $3.75 at 4,100 paid with $5: $1 and 1,000 riel back, 25 riel on the rounding line.
    let sale = pos
        .cash_sale(cash("3.75", Currency::Usd, "5", ""))
        .await
        .unwrap();
    assert_eq!(sale.sale.status, SaleStatus::Paid);
    assert_eq!(
        (
            sale.change.usd.minor,
            sale.change.khr.minor,
            sale.rounding.minor
        ),
        (100, 1_000, 25)
    );
    assert_eq!(sale.sale.receipt_number, Some(1));

    // Short cash: refused with what is still due, unless split.
    let err = pos
        .cash_sale(cash("3.75", Currency::Usd, "2", ""))
        .await
        .unwrap_err();
    assert!(
        matches!(err, CoreError::CashShort { khqr, .. } if khqr == Money::new(175, Currency::Usd)),
        "{err}"
    );
    for (bad, want) in [
        (cash("3.75", Currency::Usd, "5.50", ""), "cash_invalid"),
        (cash("3.75", Currency::Usd, "-5", ""), "amount_invalid"),
        (cash("-3.75", Currency::Usd, "5", ""), "amount_invalid"),
        (cash("3.75", Currency::Usd, "", "1.5"), "amount_invalid"),
    ] {
        let err = pos.cash_sale(bad).await.unwrap_err();
        assert_eq!(code(&err), want, "{err}");
    }
    let split = pos
        .cash_sale(CashSaleRequest {
            split: true,
            ..cash("3.75", Currency::Usd, "2", "")
        })
        .await
        .unwrap();
    let qr = split.khqr.clone().unwrap();
    assert_eq!(
        qr.amount,
        Money::new(175, Currency::Usd),
        "exactly the rest"
    );
    assert_eq!(split.sale.status, SaleStatus::Pending);
    let x = pos.x_report().await.unwrap();
    assert_eq!(x.totals.khqr_awaiting.usd, 175);
    pos.demo_pay(qr.sale_id).await.unwrap();
    let paid = async {
        while pos.sale(qr.sale_id).await.unwrap().status != SaleStatus::Paid {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), paid)
        .await
        .unwrap();

    pos.cash_movement(
        clerk,
        &MovementRequest {
            cash_in: false,
            amount: "10".into(),
            currency: Currency::Usd,
            reason: "ice delivery".into(),
        },
    )
    .await
    .unwrap();
    // The drawer holds $16 now ($20 + $5 + $2 − $1 − $10): $17 out is refused, nothing written.
    let err = pos
        .cash_movement(
            clerk,
            &MovementRequest {
                cash_in: false,
                amount: "17".into(),
                currency: Currency::Usd,
                reason: "too much".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(code(&err), "cash_invalid");
    assert!(err.to_string().contains("-1.00"), "{err}");
    assert_eq!(pos.x_report().await.unwrap().totals.cash_out.usd, 1_000);

    // Refunds: owner only, never above what was paid, cash out of this drawer.
    let refund = |amount: &str, bank: Option<&str>| RefundRequest {
        receipt: 1,
        amount: amount.into(),
        bank_reference: bank.map(str::to_owned),
        ..RefundRequest::default()
    };
    let err = pos.refund(clerk, &refund("1", None)).await.unwrap_err();
    assert_eq!(code(&err), "not_allowed");
    let err = pos.refund(owner, &refund("3.76", None)).await.unwrap_err();
    assert_eq!(code(&err), "refund_invalid");
    let r1 = pos.refund(owner, &refund("1", None)).await.unwrap();
    let r2 = pos
        .refund(owner, &refund("2.75", Some("ABA 42")))
        .await
        .unwrap();
    assert_eq!((r1.number, r2.number), (1, 2));
    let err = pos.refund(owner, &refund("0.01", None)).await.unwrap_err();
    assert_eq!(code(&err), "refund_invalid", "fully refunded");

    // The day's report: takings per tender, the refunds as their own lines, and the net in
    // riel at the sales' frozen 4,100: $3.75 + $3.75 − $1 − $2.75 = $3.75 = 15,375 riel.
    let report = pos.report(None).await.unwrap();
    let tenders: Vec<(&str, u64, &str)> = report
        .by_tender
        .iter()
        .map(|t| (t.tender.as_str(), t.count, t.sum_text.as_str()))
        .collect();
    assert_eq!(tenders, [("cash", 1, "3.75"), ("split", 1, "3.75")]);
    let refunds: Vec<(i64, &str, &str, Option<&str>)> = report
        .refunds
        .iter()
        .map(|r| {
            (
                r.receipt_number,
                r.tender.as_str(),
                r.amount_text.as_str(),
                r.bank_reference.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        refunds,
        [
            (1, "cash", "1.00", None),
            (1, "bank", "2.75", Some("ABA 42"))
        ]
    );
    assert_eq!((report.net_khr.minor, report.net_khr_rounding), (15_375, 0));
    let sales = pos.sales(Default::default()).await.unwrap().sales;
    assert!(sales
        .iter()
        .all(|s| s.cashier.as_deref() == Some("Dara") && s.shift_id == Some(shift.shift.id.0)));

    // Close: riel 40,000 − 1,000 change = 39,000; dollars $20 + $5 + $2 − $1 − $10 − $1 = $15.
    let x = pos.x_report().await.unwrap();
    assert_eq!((x.expected.khr, x.expected.usd), (39_000, 1_500));
    let close = |khr: &str, reason: Option<&str>| CloseShiftRequest {
        counted_khr: khr.into(),
        counted_usd: "15".into(),
        reason: reason.map(str::to_owned),
    };
    let err = pos
        .close_shift(clerk, &close("38,000", None))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "reason_needed");
    let z = pos
        .close_shift(clerk, &close("38,000", Some("gave 1,000 too much")))
        .await
        .unwrap();
    assert_eq!(z.number, 1);
    assert_eq!(z.document.closing.variance.khr, -1_000);
    assert_eq!(z.document.totals.khqr_paid.usd, 175);
    assert_eq!(z.document.totals.cash_sales, 2);
    let err = pos
        .close_shift(clerk, &close("38,000", Some("x")))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "no_open_shift", "closing twice");
    assert_eq!(pos.z_report(1).await.unwrap().unwrap(), z);
    let check = pos.verify_ledger().await.unwrap();
    assert!(check.is_intact(), "{check:?}");
    let _ = dara;
}

#[tokio::test]
async fn the_change_preview_is_what_the_sale_records_and_writes_nothing() {
    let (_dir, pos) = demo().await;
    // No shift yet: the cashier may type before opening one; only finishing needs it.
    let request = cash("7.25", Currency::Usd, "10x1", "0");
    let preview = pos.cash_preview(&request).await.unwrap();
    assert_eq!(preview.riel_per_usd, 4_100);
    assert_eq!(preview.due_khr, Money::new(29_725, Currency::Khr));
    assert_eq!(preview.tendered.usd, Money::new(1_000, Currency::Usd));
    let short = pos
        .cash_preview(&cash("7.25", Currency::Usd, "5", "1,000"))
        .await
        .unwrap();
    assert!(
        matches!(short.settlement, pos_cash::Settlement::StillDue(s) if s.khqr == Money::new(8_225, Currency::Khr)),
        "{short:?}"
    );
    let err = pos
        .cash_preview(&cash("7.25", Currency::Usd, "3x1", ""))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "cash_invalid");
    assert!(pos.x_report().await.is_err(), "a preview opens nothing");

    pos.open_shift(Actor::Owner, "0", "0").await.unwrap();
    let sale = pos.cash_sale(request).await.unwrap();
    let pos_cash::Settlement::Complete { change, rounding } = preview.settlement else {
        panic!("$10 covers $7.25: {preview:?}");
    };
    // $2.75 back at 4,100: $2 and 3,075 riel, rounded to 3,100 (the customer gets the 25).
    assert_eq!(
        (change.usd.minor, change.khr.minor, rounding.minor),
        (200, 3_100, -25)
    );
    assert_eq!((sale.change, sale.rounding), (change, rounding));
    assert_eq!(pos.x_report().await.unwrap().totals.cash_sales, 1);
}

#[tokio::test]
async fn a_z_report_is_exported_as_csv_into_the_folder_given() {
    let (dir, pos) = demo().await;
    pos.open_shift(Actor::Owner, "1,000", "0").await.unwrap();
    let close = CloseShiftRequest {
        counted_khr: "1000x1".into(),
        counted_usd: String::new(),
        reason: None,
    };
    let z = pos.close_shift(Actor::Owner, &close).await.unwrap();
    let folder = dir.path().join("exports");
    let path = pos_core::counter::export_z_csv(&z, &folder).unwrap();
    assert_eq!(
        path,
        folder.join(format!("z-report-{}-1.csv", z.terminal_id))
    );
    let csv = std::fs::read_to_string(&path).unwrap();
    assert!(csv.starts_with("section,item,KHR,USD\n"), "{csv}");
    assert!(csv.contains(&z.hash), "{csv}");
    // A folder that cannot be made is a clear error, not a panic.
    let blocked = dir.path().join("file");
    std::fs::write(&blocked, "x").unwrap();
    let err = pos_core::counter::export_z_csv(&z, &blocked.join("sub")).unwrap_err();
    assert_eq!(code(&err), "export_failed");
}

#[tokio::test]
async fn the_owner_refunds_from_what_remains_and_closes_a_cashiers_shift_with_its_z_report() {
    use pos_core::owner::counter::{self, OwnerClose, RefundInput, RefundKind};
    let (dir, pos) = demo().await;
    pos.add_cashier(Actor::Owner, "Dara", "1357").await.unwrap();
    let clerk = pos.sign_in("Dara", "1357").await.unwrap();
    pos.open_shift(clerk, "40,000", "20").await.unwrap();
    pos.cash_sale(cash("3.75", Currency::Usd, "5", ""))
        .await
        .unwrap();

    let before = counter::refundable(&pos, 1).await.unwrap();
    assert_eq!(
        (before.remaining_text.as_str(), before.currency),
        ("3.75", Currency::Usd)
    );
    let input = |amount: &str, tender, reference: Option<&str>| RefundInput {
        receipt: 1,
        amount: amount.into(),
        currency: Currency::Usd,
        tender,
        bank_reference: reference.map(str::to_owned),
        reason: None,
    };
    for (bad, want) in [
        (
            input("1", RefundKind::Cash, Some("ABA 1")),
            "refund_invalid",
        ),
        (input("1", RefundKind::Bank, None), "refund_invalid"),
        (input("3.76", RefundKind::Cash, None), "refund_invalid"),
        (
            RefundInput {
                currency: Currency::Khr,
                ..input("1000", RefundKind::Cash, None)
            },
            "refund_invalid",
        ),
    ] {
        let err = counter::refund(&pos, &bad).await.unwrap_err();
        assert_eq!(code(&err), want, "{err}");
    }
    let made = counter::refund(&pos, &input("1.25", RefundKind::Bank, Some("ABA 9")))
        .await
        .unwrap();
    assert_eq!((made.number, made.tender.as_str()), (1, "bank"));
    let after = counter::refundable(&pos, 1).await.unwrap();
    assert_eq!(
        (
            after.refunded_text.as_str(),
            after.remaining_text.as_str(),
            after.refunds.len()
        ),
        ("1.25", "2.50", 1)
    );

    // Dara's shift, closed by the owner: $20 + $5 − $1 change; riel 40,000 − 1,000 change.
    let rows = counter::shift_rows(&pos).await.unwrap();
    assert_eq!((rows.len(), rows[0].z_number), (1, None));
    let z = counter::close_shift(
        &pos,
        &OwnerClose {
            counted_khr: "39,000".into(),
            counted_usd: "24".into(),
            reason: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (z.number, z.cashier.as_str(), z.closed_by.as_str()),
        (1, "Dara", "owner")
    );
    let variance = z.lines.iter().find(|l| l.item == "variance").unwrap();
    assert_eq!(
        (variance.khr_text.as_str(), variance.usd_text.as_str()),
        ("0", "0.00")
    );
    let rows = counter::shift_rows(&pos).await.unwrap();
    assert_eq!(rows[0].z_number, Some(1));
    let csv = counter::export_z_csv(&pos, 1, dir.path()).await.unwrap();
    let bytes = std::fs::read(&csv.path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFsection,item,KHR,USD"));
    let err = counter::z_view(&pos, 2).await.unwrap_err();
    assert!(err.to_string().contains("no z report #2"), "{err}");
}

/// A clock the test moves: the shop day turns over between two calls.
#[derive(Debug)]
struct MovedClock(std::sync::atomic::AtomicI64);

impl pos_core::Clock for MovedClock {
    fn now_ms(&self) -> i64 {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[tokio::test]
async fn a_shift_left_open_past_midnight_is_offered_for_closing_and_closes() {
    // 2026-12-02 22:00 in Phnom Penh (UTC+7), epoch ms.
    const DEC_2_22H_PP: i64 = 1_796_144_400_000 + 22 * 3_600_000;
    let dir = tempfile::tempdir().unwrap();
    let clock = std::sync::Arc::new(MovedClock(DEC_2_22H_PP.into()));
    let pos = Pos::start_with(
        Config::demo(dir.path()).unwrap(),
        StartOptions {
            clock: clock.clone(),
            ..StartOptions::accelerated(200)
        },
    )
    .await
    .unwrap();
    pos.open_shift(Actor::Owner, "10,000", "0").await.unwrap();
    let today = pos.shift_status().await.unwrap().unwrap();
    assert!(!today.from_earlier_day, "opened this shop day");

    // Three hours later it is the next shop day, and the shift is still open.
    clock.0.store(
        DEC_2_22H_PP + 3 * 3_600_000,
        std::sync::atomic::Ordering::SeqCst,
    );
    let next_day = pos.shift_status().await.unwrap().unwrap();
    assert!(
        next_day.from_earlier_day,
        "a shift from yesterday is offered for closing"
    );
    assert_eq!(next_day.shift.id, today.shift.id);
    // A second shift cannot be opened over it; closing it works and leaves none open.
    let err = pos.open_shift(Actor::Owner, "0", "0").await.unwrap_err();
    assert_eq!(code(&err), "shift_open");
    let close = CloseShiftRequest {
        counted_khr: "10,000".into(),
        counted_usd: String::new(),
        reason: None,
    };
    assert_eq!(
        pos.close_shift(Actor::Owner, &close).await.unwrap().number,
        1
    );
    assert!(pos.shift_status().await.unwrap().is_none());
    pos.shutdown().await;
}
