//! What one Bakong answer means for one sale: the ledger events it calls for, the event-log
//! entry it leaves, and the reason shown when there is no answer. Pure: no I/O, no clock
//! (the time of the answer is a parameter), so every rule here is unit-tested directly.

use pos_bakong::{BakongError, CheckOutcome, Transaction};
use pos_domain::{Money, SaleEvent};
use pos_store::{CheckRecord, PaymentDetails};

use crate::schedule::Phase;
use crate::views::CannotVerifyReason;

/// What a sale is expected to receive, and where it stands.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Expected<'a> {
    /// The amount charged.
    pub amount: Money,
    /// The sale's phase when the check was made.
    pub phase: Phase,
    /// The shop's account: a payment to any other is a mismatch.
    pub payee: &'a str,
    /// How long after expiry the final check comes (only a "not found" from then on expires
    /// the sale).
    pub final_delay_ms: i64,
}

/// A ledger event with the payment it records, if any.
pub(crate) type Verdict = Vec<(SaleEvent, Option<PaymentDetails>)>;

/// The ledger events for an answer received at `now`. "Not found" expires a pending sale
/// only from its final check on; a closed sale (expired, cancelled) only changes when paid.
pub(crate) fn verdict(expected: &Expected<'_>, outcome: &CheckOutcome, now: i64) -> Verdict {
    match outcome {
        CheckOutcome::Paid(tx) => payment_events(expected, tx, now),
        CheckOutcome::Failed => vec![(SaleEvent::PaymentFailed, None)],
        CheckOutcome::NotFound | CheckOutcome::StaticQr => match expected.phase {
            Phase::Pending { expires_ms, .. }
                if now >= expires_ms.saturating_add(expected.final_delay_ms) =>
            {
                vec![(SaleEvent::Expired, None)]
            }
            _ => Vec::new(),
        },
    }
}

/// The ledger events for a reported payment: paid, or flagged when amount, currency or
/// payee differ. A payment found after expiry whose Bakong time is also after expiry is
/// late even though the final check found it; one found while the QR was still valid is
/// on time whatever Bakong's clock says (its clock may be skewed against ours).
fn payment_events(expected: &Expected<'_>, tx: &Transaction, now: i64) -> Verdict {
    let payee_ok = tx
        .to_account_id
        .as_deref()
        .is_none_or(|to| to.eq_ignore_ascii_case(expected.payee));
    let matches = tx.amount == expected.amount && payee_ok;
    let details = details(tx);
    let mut events = Vec::new();
    if let Phase::Pending { expires_ms, .. } = expected.phase {
        if now > expires_ms && tx.created_ms.is_some_and(|sent| sent > expires_ms) {
            events.push((SaleEvent::Expired, None));
        }
    }
    events.push((SaleEvent::PaymentReported { matches }, Some(details)));
    events
}

/// The payment as the ledger (and the shop database's check results) record it.
pub(crate) fn details(tx: &Transaction) -> PaymentDetails {
    PaymentDetails {
        hash: tx.hash.clone(),
        payer_account: tx.from_account_id.clone(),
        payee_account: tx.to_account_id.clone(),
        amount: tx.amount,
        created_ms: tx.created_ms,
        acknowledged_ms: tx.acknowledged_ms,
        external_ref: tx.external_ref.clone(),
        instruction_ref: tx.instruction_ref.clone(),
    }
}

/// Whether a list failure is about the list endpoint (production answers it with a bare
/// 403) rather than about reaching Bakong at all.
pub(crate) fn list_endpoint_broken(error: &BakongError) -> bool {
    matches!(
        error,
        BakongError::RegionBlocked { .. }
            | BakongError::HttpStatus { .. }
            | BakongError::Malformed { .. }
            | BakongError::Api { .. }
            | BakongError::InvalidInput { .. }
    )
}

/// The reason the UI shows for an error.
pub(crate) fn reason_of(error: &BakongError) -> CannotVerifyReason {
    match error {
        BakongError::Unauthorized { .. }
        | BakongError::RenewFailed(_)
        | BakongError::NoToken
        | BakongError::NoEmail
        | BakongError::NotRegistered => CannotVerifyReason::Token,
        BakongError::QuotaExceeded { .. } => CannotVerifyReason::Quota,
        BakongError::RateLimited { .. } => CannotVerifyReason::RateLimited,
        BakongError::RegionBlocked { .. } => CannotVerifyReason::Region,
        BakongError::Timeout { .. } => CannotVerifyReason::Timeout,
        BakongError::Connect { .. } => CannotVerifyReason::Network,
        BakongError::Server { .. }
        | BakongError::HttpStatus { .. }
        | BakongError::Malformed { .. }
        | BakongError::Api { .. }
        | BakongError::MissingItem { .. }
        | BakongError::ServiceFailed { .. }
        | BakongError::InvalidInput { .. } => CannotVerifyReason::Server,
    }
}

/// The event-log entry for one answer (`via`: the endpoint, when not the single check).
pub(crate) fn check_record(
    answer: &Result<CheckOutcome, BakongError>,
    now: i64,
    via: Option<&str>,
) -> CheckRecord {
    let (http_status, response_code, error_code, note) = match answer {
        Ok(CheckOutcome::Paid(_)) => (Some(200), Some(0), None, "paid".to_owned()),
        Ok(CheckOutcome::NotFound) => (Some(200), Some(1), Some(1), "not found".to_owned()),
        Ok(CheckOutcome::Failed) => (Some(200), Some(1), Some(3), "failed".to_owned()),
        Ok(CheckOutcome::StaticQr) => (Some(200), Some(1), Some(2), "static qr".to_owned()),
        Err(error) => {
            let (http, code) = match error {
                BakongError::Unauthorized { error_code } => (Some(401), *error_code),
                BakongError::QuotaExceeded { .. } => (Some(200), Some(17)),
                BakongError::RateLimited { .. } => (Some(429), None),
                BakongError::RegionBlocked { .. } => (Some(403), None),
                BakongError::Server { status, .. } | BakongError::HttpStatus { status, .. } => {
                    (Some(*status), None)
                }
                BakongError::Api { error_code, .. } => (Some(200), *error_code),
                _ => (None, None),
            };
            (
                http,
                code.map(|_| 1),
                code,
                format!("cannot verify: {error}"),
            )
        }
    };
    CheckRecord {
        at_ms: now,
        http_status,
        response_code,
        error_code,
        note: Some(match via {
            Some(via) => format!("{via}: {note}"),
            None => note,
        }),
    }
}

#[cfg(test)]
mod tests {
    use pos_domain::Currency;

    use super::*;

    const SHOP: &str = "shop@devb";
    const EXPIRES: i64 = 300_000;
    const FINAL_DELAY: i64 = 8_000;

    fn pending() -> Expected<'static> {
        Expected {
            amount: Money::new(5_000, Currency::Khr),
            phase: Phase::Pending {
                created_ms: 0,
                expires_ms: EXPIRES,
            },
            payee: SHOP,
            final_delay_ms: FINAL_DELAY,
        }
    }

    fn paid(amount: Money, to: Option<&str>, sent_ms: Option<i64>) -> CheckOutcome {
        CheckOutcome::Paid(Box::new(Transaction {
            hash: "ab".repeat(32),
            from_account_id: Some("payer@abaa".into()),
            to_account_id: to.map(str::to_owned),
            amount,
            description: None,
            created_ms: sent_ms,
            acknowledged_ms: sent_ms,
            external_ref: None,
            instruction_ref: None,
            tracking_status: None,
            receiver_bank: None,
            receiver_bank_account: None,
        }))
    }

    /// The events of a verdict, without their payment details.
    fn events(expected: &Expected<'_>, outcome: &CheckOutcome, now: i64) -> Vec<SaleEvent> {
        verdict(expected, outcome, now)
            .into_iter()
            .map(|(event, _)| event)
            .collect()
    }

    const MATCHING: SaleEvent = SaleEvent::PaymentReported { matches: true };
    const MISMATCH: SaleEvent = SaleEvent::PaymentReported { matches: false };

    #[test]
    fn the_exact_amount_to_the_shop_is_a_matching_payment_with_its_details() {
        let outcome = paid(pending().amount, Some("SHOP@DEVB"), Some(10_000));
        let verdict = verdict(&pending(), &outcome, 11_000);
        assert_eq!(verdict.len(), 1);
        assert_eq!(verdict[0].0, MATCHING);
        let details = verdict[0].1.as_ref().unwrap();
        assert_eq!(details.payer_account.as_deref(), Some("payer@abaa"));
        assert_eq!(details.amount, pending().amount);
    }

    #[test]
    fn a_payment_without_a_payee_is_taken_as_to_the_shop() {
        let outcome = paid(pending().amount, None, Some(10_000));
        assert_eq!(events(&pending(), &outcome, 11_000), [MATCHING]);
    }

    #[test]
    fn another_amount_currency_or_payee_is_a_mismatch() {
        for outcome in [
            paid(Money::new(4_999, Currency::Khr), Some(SHOP), Some(10_000)),
            paid(Money::new(5_000, Currency::Usd), Some(SHOP), Some(10_000)),
            paid(pending().amount, Some("thief@abaa"), Some(10_000)),
        ] {
            assert_eq!(
                events(&pending(), &outcome, 11_000),
                [MISMATCH],
                "{outcome:?}"
            );
        }
    }

    #[test]
    fn not_found_expires_a_pending_sale_only_from_its_final_check_on() {
        let before_final = EXPIRES + FINAL_DELAY - 1;
        assert!(events(&pending(), &CheckOutcome::NotFound, before_final).is_empty());
        assert!(events(&pending(), &CheckOutcome::StaticQr, before_final).is_empty());
        assert_eq!(
            events(&pending(), &CheckOutcome::NotFound, EXPIRES + FINAL_DELAY),
            [SaleEvent::Expired]
        );
    }

    #[test]
    fn not_found_leaves_a_closed_sale_as_it_is() {
        for phase in [
            Phase::Expired { at_ms: EXPIRES },
            Phase::Cancelled { at_ms: 1_000 },
        ] {
            let closed = Expected { phase, ..pending() };
            assert!(events(&closed, &CheckOutcome::NotFound, 3_600_000).is_empty());
        }
    }

    #[test]
    fn a_failed_transaction_is_reported_as_failed() {
        assert_eq!(
            events(&pending(), &CheckOutcome::Failed, 1_000),
            [SaleEvent::PaymentFailed]
        );
    }

    #[test]
    fn a_payment_sent_after_expiry_and_found_after_it_is_late() {
        let outcome = paid(pending().amount, Some(SHOP), Some(EXPIRES + 1_000));
        assert_eq!(
            events(&pending(), &outcome, EXPIRES + FINAL_DELAY),
            [SaleEvent::Expired, MATCHING]
        );
    }

    #[test]
    fn a_payment_found_before_expiry_is_on_time_whatever_bakongs_clock_says() {
        // Bakong's clock ten minutes ahead stamps the payment after expiry.
        let outcome = paid(pending().amount, Some(SHOP), Some(EXPIRES + 600_000));
        assert_eq!(events(&pending(), &outcome, EXPIRES - 1), [MATCHING]);
        // Sent before expiry but only found by the final check: still on time.
        let outcome = paid(pending().amount, Some(SHOP), Some(EXPIRES - 1_000));
        assert_eq!(
            events(&pending(), &outcome, EXPIRES + FINAL_DELAY),
            [MATCHING]
        );
    }

    #[test]
    fn a_spent_quota_reads_as_quota_and_is_logged_as_errorcode_17() {
        let error = BakongError::QuotaExceeded {
            message: "Daily request limit of 100 exceeded".into(),
        };
        assert_eq!(reason_of(&error), CannotVerifyReason::Quota);
        assert!(!list_endpoint_broken(&error));
        let record = check_record(&Err(error), 42, Some("list"));
        assert_eq!(record.at_ms, 42);
        assert_eq!(record.http_status, Some(200));
        assert_eq!(record.error_code, Some(17));
        assert!(record.note.unwrap().starts_with("list: cannot verify"));
    }

    #[test]
    fn a_geo_block_breaks_the_list_endpoint_but_a_timeout_does_not() {
        let blocked = BakongError::RegionBlocked {
            excerpt: String::new(),
        };
        assert!(list_endpoint_broken(&blocked));
        assert_eq!(reason_of(&blocked), CannotVerifyReason::Region);
        let timeout = BakongError::Timeout {
            after: std::time::Duration::from_secs(10),
        };
        assert!(!list_endpoint_broken(&timeout));
        assert_eq!(reason_of(&timeout), CannotVerifyReason::Timeout);
    }

    #[test]
    fn an_answer_is_logged_with_its_bakong_codes() {
        let record = check_record(&Ok(CheckOutcome::NotFound), 7, None);
        assert_eq!(
            (record.http_status, record.response_code, record.error_code),
            (Some(200), Some(1), Some(1))
        );
        assert_eq!(record.note.as_deref(), Some("not found"));
    }
}
