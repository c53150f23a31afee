//! The payment watcher end to end: a real simulator on loopback (run as the "custom" Bakong
//! environment, exactly as an external simulator process would be), a real SQLite ledger in a
//! temporary directory, and the production schedule scaled down 200× so each scenario runs in
//! a second or a few.

// Test helpers outside `#[test]` functions may panic too: a failed setup is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::time::Duration;

use pos_bakong_sim::{Fault, FaultRule, PayOptions, QrInfo, RunningSim, SimConfig, When};
use pos_core::schedule::Schedule;
use pos_core::{
    CannotVerifyReason, ChargeRequest, ChargeView, Config, Currency, Money, Pos, PosEvent,
    SaleStatus, StartOptions, Verification,
};
use pos_store::{EventKind, SaleId, Store};
use tokio::sync::broadcast;

const MERCHANT: &str = "shop@devb";
const EMAIL: &str = "dev@example.com";
const MD5: &str = "check_transaction_by_md5";
const MD5_LIST: &str = "check_transaction_by_md5_list";

/// The production cadence ÷ 200: checks 25–300 ms apart, a final check 40 ms after expiry,
/// late rechecks 0.9 s and 9 s after closing, a 4.5 s pause after a spent quota.
fn fast_schedule() -> Schedule {
    Schedule::scaled(200)
}

struct Rig {
    dir: tempfile::TempDir,
    sim: RunningSim,
    pos: Pos,
    events: broadcast::Receiver<PosEvent>,
}

fn config(dir: &Path, sim: &RunningSim, budget: u32) -> Config {
    std::fs::write(dir.join("bakong-token"), sim.token()).unwrap();
    Config::from_toml(
        &format!(
            "[merchant]\naccount_id = \"{MERCHANT}\"\nname = \"Test Shop\"\n\
             [bakong]\nenvironment = \"custom\"\nbase_url = \"{}\"\nemail = \"{EMAIL}\"\n\
             daily_check_budget = {budget}\ncheck_reserve = 2\nrequest_timeout = \"2s\"\n",
            sim.url()
        ),
        dir,
    )
    .unwrap()
}

async fn start_pos(config: Config) -> Pos {
    Pos::start_with(
        config,
        StartOptions {
            schedule: fast_schedule(),
            resume: true,
            min_lifetime: Duration::ZERO,
            ..StartOptions::default()
        },
    )
    .await
    .unwrap()
}

/// A simulator with the shop's account and no other settings.
async fn plain_sim() -> RunningSim {
    pos_bakong_sim::start(SimConfig {
        email: EMAIL.into(),
        merchant_account: MERCHANT.into(),
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

/// Waits (at most 10 s) until `pos` has nothing left to check.
async fn until_idle(pos: &Pos) {
    tokio::time::timeout(Duration::from_secs(10), pos.wait_idle())
        .await
        .unwrap()
        .unwrap();
}

async fn rig_with_budget(budget: u32) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let sim = pos_bakong_sim::start(SimConfig {
        email: EMAIL.into(),
        merchant_account: MERCHANT.into(),
        daily_quota: 10_000,
        seed: Some(7),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let pos = start_pos(config(dir.path(), &sim, budget)).await;
    let events = pos.subscribe();
    Rig {
        dir,
        sim,
        pos,
        events,
    }
}

async fn rig() -> Rig {
    rig_with_budget(1_000).await
}

impl Rig {
    /// Charges and registers the QR with the simulator, as a bank app would scan it.
    async fn charge(&self, amount: &str, currency: Currency, lifetime_ms: u64) -> ChargeView {
        let charge = self
            .pos
            .charge(ChargeRequest {
                amount: amount.into(),
                currency: Some(currency),
                expires_in_ms: Some(lifetime_ms),
                note: None,
            })
            .await
            .unwrap();
        self.sim
            .register_md5(
                &charge.md5,
                QrInfo {
                    amount: Some(charge.amount),
                    account: Some(MERCHANT.into()),
                    expires_ms: Some(charge.expires_at_ms),
                },
            )
            .unwrap();
        charge
    }

    /// Waits (at most 10 s) for an event matching `wanted`.
    async fn until(&mut self, wanted: impl Fn(&PosEvent) -> bool) -> PosEvent {
        let wait = async {
            loop {
                match self.events.recv().await {
                    Ok(event) if wanted(&event) => return event,
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => panic!("event stream closed"),
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(10), wait)
            .await
            .expect("the expected event did not come within 10 s")
    }

    async fn until_status(&mut self, sale_id: i64, status: SaleStatus) {
        self.until(|e| {
            matches!(e, PosEvent::SaleUpdated { sale } if sale.id == sale_id && sale.status == status)
        })
        .await;
    }

    /// The owner's sales, once `sale_id` is asserted on their attention list.
    async fn on_attention_list(&self, sale_id: i64) -> pos_core::SalesList {
        let list = self
            .pos
            .sales(pos_core::SalesQuery::default())
            .await
            .unwrap();
        assert!(list.attention.iter().any(|s| s.id == sale_id));
        list
    }

    fn ledger(&self) -> Store {
        Store::open(self.dir.path().join("ledger.sqlite3")).unwrap()
    }
}

#[tokio::test]
async fn a_paid_sale_is_detected_and_finalized_once_with_a_receipt() {
    let mut rig = rig().await;
    let charge = rig.charge("5,000", Currency::Khr, 5_000).await;
    // The pending sale is in the ledger by the time the QR is returned.
    let stored = rig.ledger().get(SaleId(charge.sale_id)).unwrap().unwrap();
    assert_eq!(stored.status, SaleStatus::Pending);
    assert_eq!(stored.qr, charge.qr);
    assert!(charge.qr_svg.contains("<svg"));

    rig.sim.pay(PayOptions::new(&charge.md5)).unwrap();
    rig.until_status(charge.sale_id, SaleStatus::Paid).await;

    let sale = rig.pos.sale(charge.sale_id).await.unwrap();
    assert_eq!(sale.receipt_number, Some(1));
    let payment = sale.payment.unwrap();
    assert_eq!(payment.amount, Money::new(5000, Currency::Khr));
    assert_eq!(payment.payee_account.as_deref(), Some(MERCHANT));
    // A few checks at most, all counted in the persisted budget.
    let health = rig.pos.health().await.unwrap();
    assert!((1..=4).contains(&health.checks_used_today), "{health:?}");
    assert!(rig.pos.verify_ledger().await.unwrap().is_intact());
    rig.pos.shutdown().await;
}

#[tokio::test]
async fn an_unpaid_sale_expires_only_after_a_final_check_past_its_expiry() {
    let mut rig = rig().await;
    let charge = rig.charge("1.50", Currency::Usd, 600).await;
    rig.until_status(charge.sale_id, SaleStatus::Expired).await;

    let events = rig.ledger().events(SaleId(charge.sale_id)).unwrap();
    let expired_at = events
        .iter()
        .find(|e| {
            matches!(
                e.kind,
                EventKind::Status {
                    to: SaleStatus::Expired,
                    ..
                }
            )
        })
        .unwrap()
        .at_ms;
    let last_check = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Check(_)))
        .map(|e| e.at_ms)
        .filter(|at| *at <= expired_at)
        .max()
        .unwrap();
    let final_at = charge.expires_at_ms + fast_schedule().final_delay_ms;
    assert!(last_check >= final_at, "final check came too early");
    // Regular checks stopped at expiry: none between expiry and the final check.
    let between = events.iter().filter(|e| {
        matches!(e.kind, EventKind::Check(_))
            && e.at_ms >= charge.expires_at_ms
            && e.at_ms < final_at
    });
    assert_eq!(between.count(), 0);
    rig.pos.shutdown().await;
}

#[tokio::test]
async fn a_payment_after_expiry_is_caught_by_a_late_recheck_and_flagged_paid_late() {
    let mut rig = rig().await;
    let charge = rig.charge("2.00", Currency::Usd, 400).await;
    rig.until_status(charge.sale_id, SaleStatus::Expired).await;
    let mut late = PayOptions::new(&charge.md5);
    late.accept_expired = true;
    rig.sim.pay(late).unwrap();
    rig.until_status(charge.sale_id, SaleStatus::PaidLate).await;
    let sale = rig.pos.sale(charge.sale_id).await.unwrap();
    assert!(sale.needs_attention);
    // Flagged for review, never counted as takings.
    let report = rig.pos.report(None).await.unwrap();
    assert!(report.takings.is_empty(), "{report:?}");
    assert_eq!(report.attention.len(), 1);
    rig.pos.shutdown().await;
}

#[tokio::test]
async fn a_payment_of_the_wrong_amount_or_to_another_account_is_a_mismatch() {
    let mut rig = rig().await;
    let short = rig.charge("10.00", Currency::Usd, 5_000).await;
    let elsewhere = rig.charge("3.00", Currency::Usd, 5_000).await;
    let mut pay = PayOptions::new(&short.md5);
    pay.amount = Some(Money::new(999, Currency::Usd));
    rig.sim.pay(pay).unwrap();
    let mut pay = PayOptions::new(&elsewhere.md5);
    pay.to_account_id = Some("thief@abaa".into());
    rig.sim.pay(pay).unwrap();
    rig.until_status(short.sale_id, SaleStatus::Mismatch).await;
    for id in [short.sale_id, elsewhere.sale_id] {
        let sale = loop {
            let sale = rig.pos.sale(id).await.unwrap();
            if sale.status != SaleStatus::Pending {
                break sale;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert_eq!(sale.status, SaleStatus::Mismatch, "sale {id}");
    }
    rig.pos.shutdown().await;
}

#[tokio::test]
async fn a_spent_quota_is_reported_as_cannot_verify_and_never_as_unpaid() {
    let mut rig = rig().await;
    rig.sim
        .add_fault(FaultRule::everywhere(When::Always, Fault::QuotaExhausted));
    let charge = rig.charge("4,000", Currency::Khr, 800).await;
    rig.sim.pay(PayOptions::new(&charge.md5)).unwrap();
    let event = rig
        .until(|e| {
            matches!(
                e,
                PosEvent::Verification {
                    state: Verification::CannotVerify { .. }
                }
            )
        })
        .await;
    let PosEvent::Verification {
        state: Verification::CannotVerify { reason, .. },
    } = event
    else {
        unreachable!()
    };
    assert_eq!(reason, CannotVerifyReason::Quota);
    // Even past its expiry, a sale that could not be checked stays pending, not expired.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(
        rig.pos.sale(charge.sale_id).await.unwrap().status,
        SaleStatus::Pending
    );
    // Once Bakong answers again, the payment made before expiry counts as paid.
    rig.sim.clear_faults();
    rig.until_status(charge.sale_id, SaleStatus::Paid).await;
    rig.pos.shutdown().await;
}

#[tokio::test]
async fn a_revoked_token_is_renewed_saved_and_the_check_retried() {
    let mut rig = rig().await;
    let old = std::fs::read_to_string(rig.dir.path().join("bakong-token")).unwrap();
    rig.sim.revoke_token(old.trim());
    let charge = rig.charge("1.00", Currency::Usd, 5_000).await;
    rig.sim.pay(PayOptions::new(&charge.md5)).unwrap();
    rig.until_status(charge.sale_id, SaleStatus::Paid).await;
    let new = std::fs::read_to_string(rig.dir.path().join("bakong-token")).unwrap();
    assert_ne!(new.trim(), old.trim(), "the renewed token was not saved");
    assert!(new.trim().starts_with("eyJ"));
    rig.pos.shutdown().await;
}

#[tokio::test]
async fn several_pending_sales_share_one_md5_list_call() {
    let mut rig = rig().await;
    let a = rig.charge("100", Currency::Khr, 5_000).await;
    let b = rig.charge("200", Currency::Khr, 5_000).await;
    rig.sim.pay(PayOptions::new(&a.md5)).unwrap();
    rig.sim.pay(PayOptions::new(&b.md5)).unwrap();
    rig.until_status(a.sale_id, SaleStatus::Paid).await;
    while rig.pos.sale(b.sale_id).await.unwrap().status == SaleStatus::Pending {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        rig.pos.sale(b.sale_id).await.unwrap().status,
        SaleStatus::Paid
    );
    assert!(rig.sim.calls(MD5_LIST) >= 1);
    assert_eq!(rig.sim.calls(MD5), 0);
    rig.pos.shutdown().await;
}

#[tokio::test]
async fn a_blocked_md5_list_endpoint_falls_back_to_single_checks() {
    let rig = rig().await;
    rig.sim
        .add_fault(FaultRule::on(MD5_LIST, When::Always, Fault::RegionBlocked));
    let a = rig.charge("100", Currency::Khr, 5_000).await;
    let b = rig.charge("200", Currency::Khr, 5_000).await;
    rig.sim.pay(PayOptions::new(&a.md5)).unwrap();
    rig.sim.pay(PayOptions::new(&b.md5)).unwrap();
    for id in [a.sale_id, b.sale_id] {
        while rig.pos.sale(id).await.unwrap().status == SaleStatus::Pending {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(rig.pos.sale(id).await.unwrap().status, SaleStatus::Paid);
    }
    // One failed list call, then single checks only; those got answers, so the list
    // endpoint's error is no longer shown as the connection's last error.
    assert_eq!(rig.sim.calls(MD5_LIST), 1);
    assert!(rig.sim.calls(MD5) >= 2);
    assert_eq!(rig.pos.health().await.unwrap().last_error, None);
    rig.pos.shutdown().await;
}

#[tokio::test]
async fn the_last_error_carries_its_time_and_the_next_answer_clears_it() {
    let mut rig = rig().await;
    rig.sim.add_fault(FaultRule::everywhere(
        When::Always,
        Fault::ServerError {
            status: 503,
            empty: false,
        },
    ));
    let before = chrono::Utc::now().timestamp_millis();
    let charge = rig.charge("4,000", Currency::Khr, 60_000).await;
    rig.until(|e| {
        matches!(
            e,
            PosEvent::Verification {
                state: Verification::CannotVerify { .. }
            }
        )
    })
    .await;
    let health = rig.pos.health().await.unwrap();
    let after = chrono::Utc::now().timestamp_millis();
    assert!(health.last_error.is_some());
    let at = health.last_error_at_ms.unwrap();
    assert!(
        (before..=after).contains(&at),
        "{before} <= {at} <= {after}"
    );

    rig.sim.clear_faults();
    rig.sim.pay(PayOptions::new(&charge.md5)).unwrap();
    rig.until_status(charge.sale_id, SaleStatus::Paid).await;
    let health = rig.pos.health().await.unwrap();
    assert_eq!(health.last_error, None);
    assert_eq!(health.last_error_at_ms, None);
    rig.pos.shutdown().await;
}

#[tokio::test]
async fn a_restarted_pos_resumes_pending_sales_from_the_ledger() {
    let rig = rig().await;
    let charge = rig.charge("7,500", Currency::Khr, 5_000).await;
    rig.pos.shutdown().await;
    rig.sim.pay(PayOptions::new(&charge.md5)).unwrap();

    let pos = start_pos(config(rig.dir.path(), &rig.sim, 1_000)).await;
    until_idle(&pos).await;
    assert_eq!(
        pos.sale(charge.sale_id).await.unwrap().status,
        SaleStatus::Paid
    );
    pos.shutdown().await;
}

#[tokio::test]
async fn the_daily_budget_is_never_exceeded_and_its_exhaustion_is_reported() {
    let mut rig = rig_with_budget(6).await;
    let charge = rig.charge("900", Currency::Khr, 3_000).await;
    // The pace gives the sale the regular checks left (budget − reserve = 4), its first and
    // densest, and keeps the reserve for its final check.
    rig.until_status(charge.sale_id, SaleStatus::Expired).await;
    assert_eq!(rig.sim.calls(MD5), 5);
    // The next sale finds the regular budget spent: that is reported, and only its final
    // check (from the reserve) is made.
    let next = rig.charge("800", Currency::Khr, 1_000).await;
    let event = rig
        .until(|e| {
            matches!(
                e,
                PosEvent::Verification {
                    state: Verification::CannotVerify {
                        reason: CannotVerifyReason::Budget,
                        ..
                    }
                }
            )
        })
        .await;
    assert!(matches!(event, PosEvent::Verification { .. }));
    rig.until_status(next.sale_id, SaleStatus::Expired).await;
    assert_eq!(rig.sim.calls(MD5), 6);
    assert_eq!(rig.pos.health().await.unwrap().checks_used_today, 6);
    rig.pos.shutdown().await;
}

#[tokio::test]
async fn a_cancelled_sale_that_is_paid_anyway_becomes_paid_late() {
    let mut rig = rig().await;
    let charge = rig.charge("1.25", Currency::Usd, 5_000).await;
    let cancelled = rig.pos.cancel(charge.sale_id).await.unwrap();
    assert_eq!(cancelled.status, SaleStatus::Cancelled);
    rig.sim.pay(PayOptions::new(&charge.md5)).unwrap();
    rig.until_status(charge.sale_id, SaleStatus::PaidLate).await;
    // Cancelling a finalized sale is refused with its own code.
    let err = rig.pos.cancel(charge.sale_id).await.unwrap_err();
    assert_eq!(err.code(), "invalid_transition");
    rig.pos.shutdown().await;
}

#[tokio::test]
async fn a_manual_recheck_checks_now_and_reports_what_it_spent() {
    let rig = rig().await;
    let charge = rig.charge("3,000", Currency::Khr, 5_000).await;
    rig.sim.pay(PayOptions::new(&charge.md5)).unwrap();
    let report = rig.pos.recheck().await.unwrap();
    assert_eq!(report.sales, 1);
    assert_eq!(report.checks_spent, 1);
    assert_eq!(report.answered, 1);
    assert_eq!(
        rig.pos.sale(charge.sale_id).await.unwrap().status,
        SaleStatus::Paid
    );
    rig.pos.shutdown().await;
}

#[tokio::test]
async fn a_token_about_to_expire_is_renewed_ahead_and_saved_before_use() {
    let dir = tempfile::tempdir().unwrap();
    let sim = plain_sim().await;
    let config = config(dir.path(), &sim, 1_000);
    let expiring = sim.issue_token(Some(Duration::from_secs(3 * 86_400)));
    std::fs::write(dir.path().join("bakong-token"), &expiring).unwrap();
    let pos = start_pos(config).await;
    assert!(matches!(
        pos.health().await.unwrap().token_days_left,
        Some(2 | 3)
    ));
    let charge = pos
        .charge(ChargeRequest {
            amount: "100".into(),
            currency: Some(Currency::Khr),
            expires_in_ms: Some(5_000),
            note: None,
        })
        .await
        .unwrap();
    sim.pay(PayOptions {
        amount: Some(charge.amount),
        ..PayOptions::new(&charge.md5)
    })
    .unwrap();
    until_idle(&pos).await;
    let saved = std::fs::read_to_string(dir.path().join("bakong-token")).unwrap();
    assert_ne!(saved.trim(), expiring);
    assert!(pos.health().await.unwrap().token_days_left.unwrap() >= 89);
    pos.shutdown().await;
}

#[tokio::test]
async fn a_payment_found_while_the_qr_is_valid_counts_even_if_bakongs_clock_runs_ahead() {
    let mut rig = rig().await;
    rig.sim.advance_ms(3_600_000);
    let charge = rig.charge("6,000", Currency::Khr, 5_000).await;
    let mut pay = PayOptions::new(&charge.md5);
    pay.accept_expired = true;
    rig.sim.pay(pay).unwrap();
    rig.until_status(charge.sale_id, SaleStatus::Paid).await;
    let sale = rig.pos.sale(charge.sale_id).await.unwrap();
    assert!(sale.payment.unwrap().paid_at_ms.unwrap() > charge.expires_at_ms);
    rig.pos.shutdown().await;
}

impl Rig {
    /// Bakong stops answering (503 everywhere) until `sim.clear_faults()`; returns once the
    /// watcher reports "cannot verify".
    async fn outage(&mut self) {
        self.sim.add_fault(FaultRule::everywhere(
            When::Always,
            Fault::ServerError {
                status: 503,
                empty: false,
            },
        ));
        self.until(|e| {
            matches!(
                e,
                PosEvent::Verification {
                    state: Verification::CannotVerify { .. }
                }
            )
        })
        .await;
    }
}

#[tokio::test]
async fn a_sale_accepted_on_the_customers_screen_in_an_outage_is_verified_once_when_it_ends() {
    let mut rig = rig().await;
    let charge = rig.charge("6,000", Currency::Khr, 60_000).await;
    // While Bakong answers, the check key is the way: accepting is refused.
    let refused = rig.pos.accept_unverified(charge.sale_id, "4821").await;
    assert!(matches!(
        refused,
        Err(pos_core::CoreError::AcceptNotNeeded { .. })
    ));
    rig.outage().await;
    rig.sim.pay(PayOptions::new(&charge.md5)).unwrap();
    // A reference with a control character, or none, is refused and nothing is recorded.
    for bad in ["48\u{7}21", "   "] {
        let err = rig
            .pos
            .accept_unverified(charge.sale_id, bad)
            .await
            .unwrap_err();
        assert_eq!(err.code(), pos_core::ErrorCode::TextInvalid, "{bad:?}");
    }
    let accepted = rig
        .pos
        .accept_unverified(charge.sale_id, " …4821 ")
        .await
        .unwrap();
    assert_eq!(accepted.status, SaleStatus::AcceptedUnverified);
    assert_eq!(accepted.receipt_number, None);
    // A second accept (a double press) changes nothing.
    let again = rig
        .pos
        .accept_unverified(charge.sale_id, "other")
        .await
        .unwrap();
    assert_eq!(again.status, SaleStatus::AcceptedUnverified);
    let report = rig.pos.report(None).await.unwrap();
    assert!(report.takings.is_empty(), "{:?}", report.takings);
    assert_eq!(report.takings_in_khr.minor, 0);
    let accepted: Vec<_> = report.accepted.iter().map(|t| (t.count, t.sum)).collect();
    assert_eq!(accepted, [(1, Money::new(6_000, Currency::Khr))]);
    assert_eq!(report.unverified.len(), 1);
    assert_eq!(report.pending, 0);
    // The outage ends: the watcher finds the payment and the sale is paid, once.
    rig.sim.clear_faults();
    rig.until_status(charge.sale_id, SaleStatus::Paid).await;
    let sale = rig.pos.sale(charge.sale_id).await.unwrap();
    assert_eq!(sale.receipt_number, Some(1));
    assert_eq!(sale.accepted_ref.as_deref(), Some("…4821"));
    let ledger = rig.ledger();
    let statuses: Vec<_> = ledger
        .events(SaleId(charge.sale_id))
        .unwrap()
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::Status { to, .. } => Some(to),
            EventKind::Check(_) => None,
        })
        .collect();
    assert_eq!(
        statuses,
        [
            SaleStatus::Pending,
            SaleStatus::AcceptedUnverified,
            SaleStatus::Paid
        ]
    );
    assert!(rig.pos.verify_ledger().await.unwrap().is_intact());
    rig.pos.shutdown().await;
}

#[tokio::test]
async fn an_accepted_sale_bakong_finds_with_another_amount_goes_to_the_owner_never_paid() {
    let mut rig = rig().await;
    let charge = rig.charge("10.00", Currency::Usd, 60_000).await;
    rig.outage().await;
    let mut pay = PayOptions::new(&charge.md5);
    pay.amount = Some(Money::new(100, Currency::Usd));
    rig.sim.pay(pay).unwrap();
    rig.pos
        .accept_unverified(charge.sale_id, "9911")
        .await
        .unwrap();
    rig.sim.clear_faults();
    rig.until_status(charge.sale_id, SaleStatus::Mismatch).await;
    let list = rig.on_attention_list(charge.sale_id).await;
    assert!(list.totals.iter().all(|t| t.status != SaleStatus::Paid));
    rig.pos.shutdown().await;
}

#[tokio::test]
async fn an_accepted_sale_bakong_never_saw_goes_to_the_owner_after_its_final_check() {
    let mut rig = rig().await;
    let charge = rig.charge("2,000", Currency::Khr, 1_000).await;
    rig.outage().await;
    rig.pos
        .accept_unverified(charge.sale_id, "7777")
        .await
        .unwrap();
    // The outage outlasts the QR and its final check: without Bakong's "not found" the sale
    // stays accepted, never unconfirmed (nor expired).
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let sale = rig.pos.sale(charge.sale_id).await.unwrap();
    assert_eq!(sale.status, SaleStatus::AcceptedUnverified);
    assert_eq!(rig.pos.pending_count(), 1);
    rig.sim.clear_faults();
    rig.until_status(charge.sale_id, SaleStatus::Unconfirmed)
        .await;
    rig.on_attention_list(charge.sale_id).await;
    rig.pos.shutdown().await;
}

#[tokio::test]
async fn an_accepted_sale_is_still_watched_after_a_restart() {
    let mut rig = rig().await;
    let charge = rig.charge("7,500", Currency::Khr, 60_000).await;
    rig.outage().await;
    rig.sim.pay(PayOptions::new(&charge.md5)).unwrap();
    rig.pos
        .accept_unverified(charge.sale_id, "1234")
        .await
        .unwrap();
    rig.pos.shutdown().await;
    rig.sim.clear_faults();

    let pos = start_pos(config(rig.dir.path(), &rig.sim, 1_000)).await;
    // Off the counter already: the app does not show it as the sale left waiting.
    assert!(pos.waiting_at_start().await.unwrap().is_none());
    until_idle(&pos).await;
    let sale = pos.sale(charge.sale_id).await.unwrap();
    assert_eq!(sale.status, SaleStatus::Paid);
    assert_eq!(sale.receipt_number, Some(1));
    pos.shutdown().await;
}

#[tokio::test]
async fn the_owner_can_turn_accepting_on_the_customers_screen_off() {
    let dir = tempfile::tempdir().unwrap();
    let sim = plain_sim().await;
    let mut config = config(dir.path(), &sim, 1_000);
    assert!(
        config.accept_unverified,
        "on unless the owner says otherwise"
    );
    config.accept_unverified = false;
    let pos = start_pos(config).await;
    let err = pos.accept_unverified(1, "4821").await.unwrap_err();
    assert_eq!(err.code(), pos_core::ErrorCode::AcceptDisabled);
    pos.shutdown().await;
}
