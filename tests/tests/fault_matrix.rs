//! The fault matrix of the Bakong Open API spec §6.5, played against the payment watcher.
//!
//! Every scenario charges three sales on a real POS (real ledger file, real simulator on
//! loopback), then injects one fault class into the simulator:
//!
//! - `paid_early` is paid at once, while the fault lasts;
//! - `unpaid` is never paid, and its QR expires (with its final check due) during the fault;
//! - `paid_after` is paid only once the fault is cleared.
//!
//! While a fault that prevents verification lasts, the POS must say "cannot verify" with the
//! right reason and change no sale: not the paid one (it cannot know), not the expired one
//! (an unanswered final check is not "unpaid"). Once the fault stops, every sale must reach
//! its true state (paid, expired, paid) with exactly one receipt each and a sound ledger.
//! Faults the client must simply tolerate (odd envelopes, reordered lists, short latency)
//! must not even interrupt verification.

use std::time::Duration;

use pos_bakong_sim::{Fault, FaultRule, PayOptions, When};
use pos_core::{CannotVerifyReason, ChargeView, Currency, Money, SaleStatus};
use pos_scenarios::audit::Audit;
use pos_scenarios::rig::{Rig, RigOptions};

const MD5: &str = "check_transaction_by_md5";
const MD5_LIST: &str = "check_transaction_by_md5_list";
const RENEW: &str = "renew_token";

/// How long each fault lasts: past `unpaid`'s expiry and final check.
const FAULT_FOR: Duration = Duration::from_millis(1_600);
/// `unpaid`'s QR lifetime: it expires, and its final check falls, inside the fault.
const SHORT_LIFETIME_MS: u64 = 900;
/// The paid sales' QR lifetime: long enough to be paid after the fault.
const LONG_LIFETIME_MS: u64 = 6_000;
/// The longest a scenario may take to settle once the fault is gone.
const SETTLE_WITHIN: Duration = Duration::from_secs(15);

/// What the POS must do while the fault lasts.
#[derive(Debug, Clone, Copy)]
enum WhileFaulty {
    /// Report "cannot verify" for one of these reasons, and leave every sale pending.
    CannotVerify(&'static [CannotVerifyReason]),
    /// Keep verifying: the payment made during the fault is detected during the fault.
    Tolerate,
}

struct Sales {
    paid_early: ChargeView,
    unpaid: ChargeView,
    paid_after: ChargeView,
}

async fn charge_three(rig: &Rig) -> Sales {
    Sales {
        paid_early: rig.charge("1,000", LONG_LIFETIME_MS).await,
        unpaid: rig.charge("2,000", SHORT_LIFETIME_MS).await,
        paid_after: rig.charge("3,000", LONG_LIFETIME_MS).await,
    }
}

/// Waits for the three sales to settle once faults are over, and checks the one right outcome:
/// the two payments counted as paid, the unpaid sale expired.
async fn settle_paid_expired_paid(rig: &Rig, sales: &Sales) -> Audit {
    rig.settle(
        &[&sales.paid_early, &sales.unpaid, &sales.paid_after],
        SETTLE_WITHIN,
    )
    .await;
    let audit = rig.audit();
    assert_eq!(audit.by_md5(&sales.paid_early.md5).status, SaleStatus::Paid);
    assert_eq!(audit.by_md5(&sales.unpaid.md5).status, SaleStatus::Expired);
    assert_eq!(audit.by_md5(&sales.paid_after.md5).status, SaleStatus::Paid);
    audit
}

/// Plays one fault class through the three sales and checks the outcome.
async fn play(rules: Vec<FaultRule>, expect: WhileFaulty) -> Rig {
    play_with(RigOptions::default(), rules, expect).await
}

async fn play_with(options: RigOptions, rules: Vec<FaultRule>, expect: WhileFaulty) -> Rig {
    let rig = Rig::start_with(options).await;
    for rule in rules {
        rig.sim.add_fault(rule);
    }
    let sales = charge_three(&rig).await;
    rig.pay(&sales.paid_early);
    match expect {
        WhileFaulty::CannotVerify(reasons) => {
            tokio::time::sleep(FAULT_FOR).await;
            let seen = rig.cannot_verify_reasons();
            assert!(
                seen.iter().any(|r| reasons.contains(r)),
                "expected \"cannot verify\" for one of {reasons:?} while the fault lasts, saw {seen:?}"
            );
            for sale in [&sales.paid_early, &sales.unpaid, &sales.paid_after] {
                assert_eq!(
                    rig.status(sale).await,
                    SaleStatus::Pending,
                    "sale {} changed while payments could not be verified",
                    sale.bill_number
                );
            }
        }
        WhileFaulty::Tolerate => {
            rig.settle(&[&sales.paid_early], SETTLE_WITHIN).await;
            assert_eq!(rig.status(&sales.paid_early).await, SaleStatus::Paid);
            tokio::time::sleep(FAULT_FOR.saturating_sub(Duration::from_millis(500))).await;
        }
    }
    rig.sim.clear_faults();
    rig.pay(&sales.paid_after);
    let audit = settle_paid_expired_paid(&rig, &sales).await;
    assert_eq!(audit.receipts, 2, "one receipt per paid sale, no more");
    rig
}

fn everywhere(fault: Fault) -> Vec<FaultRule> {
    vec![FaultRule::everywhere(When::Always, fault)]
}

use CannotVerifyReason as R;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_within_the_timeout_is_tolerated() {
    play(
        everywhere(Fault::Latency {
            ms: 40,
            jitter_ms: 60,
        }),
        WhileFaulty::Tolerate,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_beyond_the_timeout_reads_as_a_timeout_never_as_unpaid() {
    play(
        everywhere(Fault::Latency {
            ms: 400,
            jitter_ms: 1_600,
        }),
        WhileFaulty::CannotVerify(&[R::Timeout]),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_reads_as_a_timeout_never_as_unpaid() {
    play(
        everywhere(Fault::Hang),
        WhileFaulty::CannotVerify(&[R::Timeout]),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_reset_mid_body_is_retried_after_the_fault() {
    play(
        everywhere(Fault::Reset),
        WhileFaulty::CannotVerify(&[R::Network, R::Server]),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_5xx_pages_and_empty_bodies_read_as_a_server_problem() {
    for (status, empty) in [(500, false), (502, true), (503, false), (504, true)] {
        play(
            everywhere(Fault::ServerError { status, empty }),
            WhileFaulty::CannotVerify(&[R::Server]),
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_429_without_retry_after_backs_off_exponentially() {
    let rig = play(
        everywhere(Fault::RateLimited {
            retry_after_secs: None,
        }),
        WhileFaulty::CannotVerify(&[R::RateLimited]),
    )
    .await;
    // Backoff 25, 50, 100 … ms up to 1.5 s: a handful of calls in the fault's 1.6 s, not a
    // call per scheduled check per sale.
    let calls = rig.sim.calls(MD5) + rig.sim.calls(MD5_LIST);
    assert!(
        calls < 30,
        "{calls} calls: the watcher hammered a rate-limited API"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_429_with_retry_after_is_not_asked_again_before_it_passes() {
    let rig = Rig::start().await;
    rig.sim.add_fault(FaultRule::everywhere(
        When::Always,
        Fault::RateLimited {
            retry_after_secs: Some(2),
        },
    ));
    let sales = charge_three(&rig).await;
    rig.pay(&sales.paid_early);
    // The first check comes 30 ms after the charge and is refused with Retry-After: 2.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let calls = rig.sim.calls(MD5) + rig.sim.calls(MD5_LIST);
    assert_eq!(calls, 1, "asked again before Retry-After passed");
    assert!(rig.cannot_verify_reasons().contains(&R::RateLimited));
    rig.sim.clear_faults();
    rig.pay(&sales.paid_after);
    rig.settle(
        &[&sales.paid_early, &sales.unpaid, &sales.paid_after],
        Duration::from_secs(15),
    )
    .await;
    let audit = rig.audit();
    assert_eq!(audit.count(SaleStatus::Paid), 2);
    assert_eq!(audit.count(SaleStatus::Expired), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errorcode_17_stops_checking_and_reads_as_quota_never_as_unpaid() {
    let rig = play(
        everywhere(Fault::QuotaExhausted),
        WhileFaulty::CannotVerify(&[R::Quota]),
    )
    .await;
    // After the quota answer the watcher pauses (4.5 s here, 15 min in production) instead
    // of retrying on its backoff ladder.
    let calls = rig.sim.calls(MD5) + rig.sim.calls(MD5_LIST);
    assert!(calls < 20, "{calls} calls against a spent quota");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_geo_block_everywhere_reads_as_region_blocked() {
    play(
        everywhere(Fault::RegionBlocked),
        WhileFaulty::CannotVerify(&[R::Region]),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_geo_block_on_md5_list_only_falls_back_to_single_checks() {
    let rig = play(
        vec![FaultRule::on(MD5_LIST, When::Always, Fault::RegionBlocked)],
        WhileFaulty::Tolerate,
    )
    .await;
    assert!(rig.sim.calls(MD5) > 0, "single checks were never used");
    // The broken list endpoint is not retried on every round.
    assert!(rig.sim.calls(MD5_LIST) <= 2, "md5 list kept being called");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_revoked_once_mid_session_is_renewed_and_the_check_retried() {
    let rig = play(
        vec![FaultRule::everywhere(When::Nth(3), Fault::TokenRevoked)],
        WhileFaulty::Tolerate,
    )
    .await;
    assert!(rig.sim.calls(RENEW) >= 1, "the token was not renewed");
    assert!(
        !rig.cannot_verify_reasons().contains(&R::Token),
        "one renewal should have been enough"
    );
    let saved = std::fs::read_to_string(rig.dir.path().join("bakong-token")).unwrap();
    assert_ne!(
        saved.trim(),
        rig.sim.token(),
        "the renewed token was not saved"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_revoked_on_every_call_is_surfaced_after_one_renewal_attempt() {
    let rig = play(
        vec![
            FaultRule::on(MD5, When::Always, Fault::TokenRevoked),
            FaultRule::on(MD5_LIST, When::Always, Fault::TokenRevoked),
        ],
        WhileFaulty::CannotVerify(&[R::Token]),
    )
    .await;
    assert!(rig.sim.calls(RENEW) >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_renewal_keeps_the_old_token_and_reports_a_token_problem() {
    for renew_fault in [
        Fault::ServerError {
            status: 500,
            empty: false,
        },
        Fault::Html200,
    ] {
        play(
            vec![
                FaultRule::on(RENEW, When::Always, renew_fault),
                FaultRule::on(MD5, When::Always, Fault::TokenRevoked),
                FaultRule::on(MD5_LIST, When::Always, Fault::TokenRevoked),
            ],
            WhileFaulty::CannotVerify(&[R::Token]),
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewal_refused_for_an_unregistered_email_waits_for_the_operator_then_resumes() {
    // errorCode 10: the email is unknown to Bakong. Nothing the POS can do by itself; the
    // sales must stay pending (not unpaid) until the operator installs a new token.
    let mut rig = Rig::start_with(RigOptions {
        email: "nobody@example.com",
        ..RigOptions::default()
    })
    .await;
    let sales = charge_three(&rig).await;
    rig.pay(&sales.paid_early);
    rig.sim.revoke_token(rig.sim.token());
    tokio::time::sleep(FAULT_FOR).await;
    assert!(rig.cannot_verify_reasons().contains(&R::Token));
    for sale in [&sales.paid_early, &sales.unpaid, &sales.paid_after] {
        assert_eq!(rig.status(sale).await, SaleStatus::Pending);
    }
    let fresh = rig.sim.issue_token(None);
    std::fs::write(rig.dir.path().join("bakong-token"), fresh).unwrap();
    rig.restart().await;
    rig.pay(&sales.paid_after);
    settle_paid_expired_paid(&rig, &sales).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_truncated_html_or_mislabelled_replies_are_parse_errors_never_unpaid() {
    // A JSON body labelled text/html is refused too: behind a captive portal or proxy the
    // label is the one thing that says the body did not come from Bakong.
    for fault in [
        Fault::MalformedJson,
        Fault::TruncatedJson,
        Fault::Html200,
        Fault::WrongContentType,
    ] {
        play(everywhere(fault), WhileFaulty::CannotVerify(&[R::Server])).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_envelopes_are_parsed_tolerantly_and_verification_goes_on() {
    // A "not found" without its errorCode cannot be told from a failure, so a single check
    // that meets one (the first checks come before the md5-list has two sales to batch)
    // reads as "cannot verify", by the client's design; never as unpaid.
    for (fault, allowed) in [
        (Fault::ResponseCodeString, &[][..]),
        (Fault::MissingErrorCode, &[R::Server][..]),
        (Fault::DataOnFailure, &[][..]),
    ] {
        let rig = play(everywhere(fault), WhileFaulty::Tolerate).await;
        let seen = rig.cannot_verify_reasons();
        assert!(seen.iter().all(|r| allowed.contains(r)), "{seen:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reordered_md5_list_is_matched_by_md5_not_by_position() {
    // Were items matched by position, the reversed list would pin `paid_early`'s payment on
    // `paid_after` (or expire the wrong sale); `play` checks each sale's own state.
    let rig = play(
        vec![FaultRule::on(MD5_LIST, When::Always, Fault::ListReordered)],
        WhileFaulty::Tolerate,
    )
    .await;
    assert!(rig.sim.calls(MD5_LIST) > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_md5_list_missing_items_leaves_those_sales_unjudged_until_they_are_answered() {
    let rig = Rig::start().await;
    rig.sim
        .add_fault(FaultRule::on(MD5_LIST, When::Always, Fault::ListFewer));
    let sales = charge_three(&rig).await;
    rig.pay(&sales.paid_early);
    tokio::time::sleep(FAULT_FOR).await;
    // No sale may be finalized from an item that was not in the reply; whichever sale the
    // reply leaves out stays pending rather than being judged unpaid.
    let audit = rig.audit();
    assert!(audit.count(SaleStatus::Paid) <= 1);
    rig.sim.clear_faults();
    rig.pay(&sales.paid_after);
    settle_paid_expired_paid(&rig, &sales).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paid_answer_that_arrives_after_the_timeout_finalizes_the_sale_once() {
    // Slow-then-success: the simulator answers "paid" after the client gave up, so the POS
    // sees the payment only on a later check; it must issue exactly one receipt.
    let rig = Rig::start().await;
    let sales = charge_three(&rig).await;
    rig.pay(&sales.paid_early);
    rig.sim.add_fault(FaultRule::everywhere(
        When::Next(3),
        Fault::Latency {
            ms: 600,
            jitter_ms: 0,
        },
    ));
    rig.settle(&[&sales.paid_early], SETTLE_WITHIN).await;
    rig.pay(&sales.paid_after);
    rig.settle(
        &[&sales.paid_early, &sales.unpaid, &sales.paid_after],
        SETTLE_WITHIN,
    )
    .await;
    let audit = rig.audit();
    assert_eq!(audit.receipts, 2);
    assert!(rig.cannot_verify_reasons().contains(&R::Timeout));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intermittent_faults_on_a_third_of_calls_still_settle_every_sale_exactly_once() {
    let rig = Rig::start().await;
    rig.sim.add_fault(FaultRule::everywhere(
        When::Probability(0.33),
        Fault::ServerError {
            status: 502,
            empty: false,
        },
    ));
    let mut charges = Vec::new();
    for i in 0..8 {
        let lifetime = if i % 3 == 0 { 900 } else { 4_000 };
        charges.push(rig.charge(&format!("{}00", i + 1), lifetime).await);
    }
    for charge in charges
        .iter()
        .filter(|c| c.expires_at_ms - c.created_at_ms > 1_000)
    {
        rig.pay(charge);
    }
    let all: Vec<&ChargeView> = charges.iter().collect();
    rig.settle(&all, Duration::from_secs(30)).await;
    let audit = rig.audit();
    for charge in &charges {
        let expected = if charge.expires_at_ms - charge.created_at_ms > 1_000 {
            SaleStatus::Paid
        } else {
            SaleStatus::Expired
        };
        assert_eq!(
            audit.by_md5(&charge.md5).status,
            expected,
            "{}",
            charge.bill_number
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_simulator_clock_an_hour_behind_still_counts_in_time_payments_as_paid() {
    // Clock skew: Bakong's timestamps (createdDateMs) an hour behind the POS's clock. A
    // payment made while the QR was payable is paid, not late.
    let rig = Rig::start().await;
    rig.sim.advance_ms(-3_600_000);
    let sales = charge_three(&rig).await;
    rig.pay(&sales.paid_early);
    rig.pay(&sales.paid_after);
    settle_paid_expired_paid(&rig, &sales).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_simulator_clock_ten_minutes_ahead_does_not_make_an_in_time_payment_late() {
    // Clock skew the other way: Bakong stamps the payment after the QR's expiry by the POS's
    // clock, but the POS sees it while the QR is still payable by its own clock.
    let rig = Rig::start().await;
    rig.sim.advance_ms(600_000);
    let sales = charge_three(&rig).await;
    for sale in [&sales.paid_early, &sales.paid_after] {
        rig.sim
            .pay(pos_bakong_sim::PayOptions {
                accept_expired: true,
                ..pos_bakong_sim::PayOptions::new(&sale.md5)
            })
            .unwrap();
    }
    settle_paid_expired_paid(&rig, &sales).await;
}

/// A rig at the production cadence: the only checks within a test are the key's.
async fn key_rig() -> Rig {
    Rig::start_with(RigOptions {
        schedule: pos_core::schedule::Schedule::default(),
        ..RigOptions::default()
    })
    .await
}

/// The key ("check now") pressed on `sale`.
// A helper of the tests below: its panics are their failures.
#[allow(clippy::expect_used)]
async fn key(rig: &Rig, sale: &ChargeView) -> pos_core::CheckNow {
    rig.pos.check_now(sale.sale_id).await.expect("check")
}

/// The key pressed on `sale` finds its payment.
async fn key_finds(rig: &Rig, sale: &ChargeView) {
    let answer = key(rig, sale).await;
    assert!(
        matches!(answer, pos_core::CheckNow::Found { .. }),
        "{answer:?}"
    );
}

/// The cashier's key ("customer shows paid") while one fault class lasts: it reads as
/// "cannot verify" with the fault's reason and changes nothing; once the fault is gone the
/// same key confirms the payment, exactly once.
// A helper of the tests below: its panics are their failures.
#[allow(clippy::panic)]
async fn key_through(rules: Vec<FaultRule>, reasons: &[CannotVerifyReason]) {
    let rig = key_rig().await;
    let sales = charge_three(&rig).await;
    rig.pay(&sales.paid_early);
    for rule in rules {
        rig.sim.add_fault(rule);
    }
    match key(&rig, &sales.paid_early).await {
        pos_core::CheckNow::CannotVerify { sale, reason, .. } => {
            assert!(reasons.contains(&reason), "{reason:?} not in {reasons:?}");
            assert_eq!(
                sale.status,
                SaleStatus::Pending,
                "a key without an answer is not unpaid"
            );
        }
        other => panic!("the key during a fault answered {other:?}"),
    }
    rig.sim.clear_faults();
    key_finds(&rig, &sales.paid_early).await;
    assert_eq!(rig.status(&sales.paid_early).await, SaleStatus::Paid);
    assert_eq!(rig.audit().receipts, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_during_a_fault_reads_as_cannot_verify_and_confirms_the_payment_after_it() {
    for (fault, reasons) in [
        (
            Fault::ServerError {
                status: 503,
                empty: false,
            },
            &[R::Server][..],
        ),
        (Fault::Hang, &[R::Timeout][..]),
        (Fault::QuotaExhausted, &[R::Quota][..]),
        (Fault::RegionBlocked, &[R::Region][..]),
        (Fault::TokenRevoked, &[R::Token][..]),
    ] {
        key_through(everywhere(fault), reasons).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_falls_back_to_a_single_check_when_the_md5_list_is_blocked() {
    let rig = key_rig().await;
    rig.sim
        .add_fault(FaultRule::on(MD5_LIST, When::Always, Fault::RegionBlocked));
    let sales = charge_three(&rig).await;
    rig.pay(&sales.paid_early);
    key_finds(&rig, &sales.paid_early).await;
    assert_eq!(rig.sim.calls(MD5), 1);
}

/// Accepting on the customer's screen through one fault class: the three sales are accepted
/// while Bakong cannot answer (`paid_early` paid as charged, `paid_after` paid a different
/// amount, `unpaid` never paid and expiring inside the fault). While the fault lasts they stay
/// accepted, `unpaid` included (its final check got no answer). Once it ends Bakong decides:
/// paid with its receipt, a mismatch, and unconfirmed; the last two on the owner's attention
/// list, and only the paid one in the takings.
// A helper of the test below: its panics are its failures.
#[allow(clippy::expect_used, clippy::panic)]
async fn accept_through(rules: Vec<FaultRule>) {
    let rig = Rig::start().await;
    let sales = charge_three(&rig).await;
    for rule in rules {
        rig.sim.add_fault(rule);
    }
    rig.pay(&sales.paid_early);
    rig.sim
        .pay(PayOptions {
            amount: Some(Money::new(300, Currency::Khr)),
            ..PayOptions::new(&sales.paid_after.md5)
        })
        .expect("simulated payment");
    let deadline = tokio::time::Instant::now() + SETTLE_WITHIN;
    while rig.cannot_verify_reasons().is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no \"cannot verify\""
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let all = [&sales.paid_early, &sales.unpaid, &sales.paid_after];
    for sale in all {
        let accepted = rig.pos.accept_unverified(sale.sale_id, "4821").await;
        assert_eq!(
            accepted.expect("accepted").status,
            SaleStatus::AcceptedUnverified
        );
    }
    tokio::time::sleep(FAULT_FOR).await;
    for sale in all {
        assert_eq!(rig.status(sale).await, SaleStatus::AcceptedUnverified);
    }
    rig.sim.clear_faults();
    let deadline = tokio::time::Instant::now() + SETTLE_WITHIN;
    for sale in all {
        while rig.status(sale).await == SaleStatus::AcceptedUnverified {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{} not verified",
                sale.bill_number
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
    let audit = rig.audit();
    assert_eq!(audit.by_md5(&sales.paid_early.md5).status, SaleStatus::Paid);
    assert_eq!(
        audit.by_md5(&sales.paid_after.md5).status,
        SaleStatus::Mismatch
    );
    assert_eq!(
        audit.by_md5(&sales.unpaid.md5).status,
        SaleStatus::Unconfirmed
    );
    let report = rig.pos.report(None).await.expect("report");
    let mut attention: Vec<i64> = report.attention.iter().map(|s| s.id).collect();
    attention.sort_unstable();
    assert_eq!(attention, [sales.unpaid.sale_id, sales.paid_after.sale_id]);
    let takings: Vec<_> = report.takings.iter().map(|t| (t.count, t.sum)).collect();
    assert_eq!(takings, [(1, Money::new(1_000, Currency::Khr))]);
    assert!(report.accepted.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sales_accepted_during_a_fault_are_settled_by_bakong_once_it_ends() {
    for fault in [
        Fault::ServerError {
            status: 503,
            empty: false,
        },
        Fault::QuotaExhausted,
        Fault::RegionBlocked,
        Fault::TokenRevoked,
    ] {
        accept_through(everywhere(fault)).await;
    }
}
