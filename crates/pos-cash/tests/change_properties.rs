//! Change-making properties over random sales: amounts due in either currency, cash in both
//! currencies made of the shop's accepted notes, rates across the accepted range, every
//! rounding mode and threshold, with and without "all change in riel".
// Strategies and helpers unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used)]

use pos_cash::{
    check_balance, settle, CashPolicy, Due, Rate, Rounding, Settlement, Tendered, UsdNotes,
};
use pos_domain::{Currency, Money};
use proptest::prelude::*;

struct Case {
    due: Due,
    tendered: Tendered,
    policy: CashPolicy,
    all_riel: bool,
}

impl std::fmt::Debug for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "due {} {} at {}, given ${} + {} riel, {:?}, riel only below {} {}, notes {:?}, all riel {}",
            self.due.total,
            self.due.total.currency,
            self.due.rate,
            self.tendered.usd,
            self.tendered.khr,
            self.policy.rounding,
            self.policy.riel_only_below,
            self.policy.riel_only_below.currency,
            self.policy.usd_notes.dollars(),
            self.all_riel
        )
    }
}

fn cases() -> impl Strategy<Value = Case> {
    let due = prop_oneof![
        (0..=2_000_000_i64).prop_map(|c| Money::new(c, Currency::Usd)),
        (0..=8_000_000_i64).prop_map(|r| Money::new(r, Currency::Khr)),
    ];
    let rounding = prop_oneof![
        Just(Rounding::Nearest),
        Just(Rounding::Down),
        Just(Rounding::Up)
    ];
    let threshold = prop_oneof![
        (0..=2_000_i64).prop_map(|c| Money::new(c, Currency::Usd)),
        (0..=80_000_i64).prop_map(|r| Money::new(r, Currency::Khr)),
    ];
    let notes = proptest::sample::subsequence(vec![1_i64, 2, 5, 10, 20, 50, 100], 1..=7);
    (
        due,
        Rate::MIN..=Rate::MAX,
        rounding,
        threshold,
        notes,
        proptest::collection::vec(0..=6_i64, 7),
        0..=10_000_000_i64,
        any::<bool>(),
    )
        .prop_map(
            |(total, rate, rounding, riel_only_below, notes, counts, riel, all_riel)| {
                let usd_notes = UsdNotes::new(notes).unwrap();
                let dollars: i64 = usd_notes
                    .dollars()
                    .iter()
                    .zip(&counts)
                    .map(|(n, c)| n * c)
                    .sum();
                Case {
                    due: Due::new(total, Rate::new(rate).unwrap()).unwrap(),
                    tendered: Tendered::new(dollars * 100, riel),
                    policy: CashPolicy {
                        rounding,
                        riel_only_below,
                        usd_notes,
                    },
                    all_riel,
                }
            },
        )
}

/// Cash handed over, in riel at the sale's rate (dollars are whole notes: exact).
fn tendered_riel(case: &Case) -> i64 {
    case.tendered.usd.minor / 100 * case.due.rate.riel_per_usd() + case.tendered.khr.minor
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4_000))]

    #[test]
    fn change_is_never_negative_whole_dollars_and_balanced_by_the_rounding_line(case in cases()) {
        let rate = case.due.rate.riel_per_usd();
        match settle(&case.due, &case.tendered, &case.policy, case.all_riel).unwrap() {
            Settlement::Complete { change, rounding } => {
                prop_assert!(change.usd.minor >= 0 && change.khr.minor >= 0);
                prop_assert_eq!(change.usd.minor % 100, 0, "the dollar change is whole dollars");
                let dollars = change.usd.minor / 100;
                prop_assert_eq!(case.policy.usd_notes.best_at_most(dollars), dollars,
                    "the dollar change is made of accepted notes");
                prop_assert_eq!(change.khr.minor % 100, 0, "riel change is in hundreds");
                // tendered − due − change = rounding, in riel at the frozen rate.
                let change_riel = dollars * rate + change.khr.minor;
                prop_assert_eq!(
                    tendered_riel(&case) - case.due.khr.minor - change_riel,
                    rounding.minor
                );
                prop_assert!(rounding.minor.abs() < 100);
                if case.policy.rounding == Rounding::Nearest {
                    prop_assert!(rounding.minor.abs() <= 50);
                }
                if case.all_riel {
                    prop_assert_eq!(change.usd.minor, 0);
                }
                check_balance(&case.due, &[case.tendered.usd, case.tendered.khr], &change, rounding)
                    .unwrap();
            }
            Settlement::StillDue(still) => {
                prop_assert!(tendered_riel(&case) < case.due.khr.minor);
                prop_assert!(still.cash_khr.minor > 0 && still.cash_khr.minor % 100 == 0);
                // The split KHQR for the remainder balances the sale exactly, no rounding.
                let none = pos_cash::Change {
                    usd: Money::new(0, Currency::Usd),
                    khr: Money::new(0, Currency::Khr),
                };
                check_balance(
                    &case.due,
                    &[case.tendered.usd, case.tendered.khr, still.khqr],
                    &none,
                    Money::new(0, Currency::Khr),
                ).unwrap();
                // Handing over the riel it asks for settles the sale.
                let more = Tendered::new(case.tendered.usd.minor, case.tendered.khr.minor + still.cash_khr.minor);
                let settled = settle(&case.due, &more, &case.policy, case.all_riel).unwrap();
                let complete = matches!(settled, Settlement::Complete { .. });
                prop_assert!(complete, "still due after paying what was asked: {:?}", settled);
            }
        }
    }

    #[test]
    fn the_riel_amount_shown_as_due_settles_with_nothing_back(case in cases()) {
        let cash = case.due.cash_khr(case.policy.rounding);
        let only_riel = Tendered::new(0, cash.minor);
        match settle(&case.due, &only_riel, &case.policy, case.all_riel).unwrap() {
            Settlement::Complete { change, .. } => {
                prop_assert_eq!(change.usd.minor + change.khr.minor, 0);
            }
            Settlement::StillDue(still) => prop_assert!(false, "still due {:?}", still),
        }
    }
}
