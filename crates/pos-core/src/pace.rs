//! How hard the automatic schedule may check right now, from what is left of the day's budget
//! and the sales the shop usually still makes today. Pure: the shop's volume and the clock's
//! "now" are parameters, so the watcher, the unit tests and the day bench drive the same value.
//!
//! Why: at the full cadence a sale costs about six checks, so a 100-check token lasts about 16
//! sales. When the forecast fits the budget nothing changes; when it does not, each sale gets
//! a few checks and no late rechecks, and when there are fewer checks left than sales,
//! automatic rounds are spread over the rest of the day. Every round is one md5-list call
//! covering every pending sale, and the cashier's key (one check when the customer shows the
//! paid screen) does the rest.
//!
//! A paid sale stops costing checks once its payment is seen, so its few checks are placed at
//! equal shares of the shop's own payment times ([`Payments`], learned like the volume): each
//! check then sees as many payments as any other, and a sale costs about half its checks on
//! average. The pace affords as many checks per sale as that expected cost allows.

use crate::schedule::Schedule;

/// The shop's usual volume: sales counted per slot of the day (an hour in production),
/// summed over `days` recent days. Learned from the ledger, or given by a test or bench.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    /// The start of some shop day (epoch ms); the slots repeat every day from it.
    pub anchor_ms: i64,
    /// How long one slot is.
    pub slot_ms: i64,
    /// Sales per slot of the day, summed over `days`.
    pub sales: Vec<u32>,
    /// How many days were counted.
    pub days: u32,
    /// How long the shop's customers took to pay its QRs over those days.
    pub payments: Payments,
}

/// When customers pay, learned from the shop's past KHQR sales: the time from each QR's
/// creation to the payment Bakong recorded (`createdDateMs`), and how many QRs were shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Payments {
    /// Payment delays (ms), ascending.
    pub delays_ms: Vec<i64>,
    /// QRs shown, paid or not.
    pub qrs: u32,
}

/// Fewer QRs than this say too little about a shop's customers to plan by.
const PAYMENTS_TO_LEARN_FROM: u32 = 10;

impl Payments {
    /// Learns from `(qr_created_ms, paid_created_ms)` of past QRs (`None`: never paid). Delays
    /// come from two clocks (ours and Bakong's), so a negative one counts as paid at once.
    pub fn learn(qrs: impl IntoIterator<Item = (i64, Option<i64>)>) -> Payments {
        let mut payments = Payments::default();
        for (shown_ms, paid_ms) in qrs {
            payments.qrs = payments.qrs.saturating_add(1);
            if let Some(paid_ms) = paid_ms {
                payments
                    .delays_ms
                    .push(paid_ms.saturating_sub(shown_ms).max(0));
            }
        }
        payments.delays_ms.sort_unstable();
        payments
    }

    /// The share of QRs paid, per mille; `None` until enough QRs were seen.
    pub fn paid_per_mille(&self) -> Option<u32> {
        if self.qrs < PAYMENTS_TO_LEARN_FROM {
            return None;
        }
        let paid = u64::try_from(self.delays_ms.len()).unwrap_or(u64::MAX);
        let share = paid.saturating_mul(1_000) / u64::from(self.qrs);
        Some(u32::try_from(share.min(1_000)).unwrap_or(1_000))
    }

    /// The delays the schedule places checks at; empty until enough QRs were seen.
    pub fn learned_delays(&self) -> &[i64] {
        if self.paid_per_mille().is_some() {
            &self.delays_ms
        } else {
            &[]
        }
    }
}

/// How often the cashier's "customer shows paid" costs a check the schedule would not have
/// spent, today. A press that settles its sale replaces the regular check that would have seen
/// the payment next (the customer shows the paid screen after paying), so it costs nothing
/// beyond [`expected_cost_x2000`]'s; a press answered "not found yet" is one more check. Starts
/// from a prior of one such press in two QRs, so the first sales of a day are not planned as
/// if the key were free.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyUse {
    /// QRs shown today.
    pub qrs: u32,
    /// Key presses today that did not settle their sale.
    pub keys: u32,
}

impl KeyUse {
    /// Extra presses per QR, per mille.
    pub fn per_mille(&self) -> u32 {
        let presses = u64::from(self.keys).saturating_add(1).saturating_mul(1_000);
        let share = presses / u64::from(self.qrs).saturating_add(2);
        u32::try_from(share.min(1_000)).unwrap_or(1_000)
    }
}

/// What the rest of the day holds, as [`Volume::outlook`] sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outlook {
    /// Sales still expected today (rounded up).
    pub sales: u32,
    /// From now until the end of the last slot with sales (ms).
    pub horizon_ms: i64,
}

/// Hours in a production day.
pub const HOUR_SLOTS: usize = 24;
/// One production slot.
pub const HOUR_MS: i64 = 3_600_000;

impl Volume {
    /// Counts `sale_times` (creation times, epoch ms) into hourly slots of the day starting at
    /// `anchor_ms`, over the `days` days they span.
    pub fn learn(anchor_ms: i64, days: u32, sale_times: impl IntoIterator<Item = i64>) -> Volume {
        let mut volume = Volume {
            anchor_ms,
            slot_ms: HOUR_MS,
            sales: vec![0; HOUR_SLOTS],
            days: days.max(1),
            payments: Payments::default(),
        };
        for at in sale_times {
            let slot = volume.slot_of(at);
            if let Some(count) = volume.sales.get_mut(slot) {
                *count = count.saturating_add(1);
            }
        }
        volume
    }

    fn day_ms(&self) -> i64 {
        self.slot_ms
            .max(1)
            .saturating_mul(i64::try_from(self.sales.len()).unwrap_or(i64::MAX))
            .max(1)
    }

    fn slot_of(&self, at_ms: i64) -> usize {
        let into_day = (at_ms - self.anchor_ms).rem_euclid(self.day_ms());
        usize::try_from(into_day / self.slot_ms.max(1)).unwrap_or(0)
    }

    /// The sales expected from `now_ms` to the end of the day (the current slot counted in
    /// proportion to what is left of it) and how long until the last of them.
    pub fn outlook(&self, now_ms: i64) -> Outlook {
        let slot_ms = self.slot_ms.max(1);
        let into_day = (now_ms - self.anchor_ms).rem_euclid(self.day_ms());
        let current = usize::try_from(into_day / slot_ms).unwrap_or(0);
        let left_in_slot = slot_ms - into_day % slot_ms;
        let mut total: i64 = 0;
        let mut last_busy_end = into_day;
        for (slot, &count) in self.sales.iter().enumerate().skip(current) {
            let count = i64::from(count);
            let end = i64::try_from(slot + 1)
                .unwrap_or(i64::MAX)
                .saturating_mul(slot_ms);
            total += if slot == current {
                count * left_in_slot / slot_ms
            } else {
                count
            };
            if count > 0 {
                last_busy_end = end;
            }
        }
        let days = i64::from(self.days.max(1));
        Outlook {
            sales: u32::try_from((total + days - 1) / days).unwrap_or(u32::MAX),
            horizon_ms: last_busy_end - into_day,
        }
    }
}

/// The least kept for final checks while the shop's unpaid share is known: a few more unpaid
/// QRs than expected still get theirs.
pub const RESERVE_FLOOR: u32 = 3;

/// How many of the day's checks to keep for final checks: those the rest of the day is
/// expected to need, up to the configured `most`. A final check is needed only by a sale its
/// regular checks did not see paid: every open sale (`pending`, accepted-unverified ones
/// included) may need one, and of the sales still expected today, the shop's unpaid share
/// (`paid_per_mille`, learned). What the fixed reserve would hold beyond that is left to
/// regular checks. Until the paid share is learned, `most` is kept.
pub fn final_reserve(
    most: u32,
    outlook: Outlook,
    pending: usize,
    paid_per_mille: Option<u32>,
) -> u32 {
    let Some(paid) = paid_per_mille else {
        return most;
    };
    let unpaid = u64::from(1_000 - paid.min(1_000));
    let expected = (u64::from(outlook.sales) * unpaid).div_ceil(1_000);
    let need = expected.saturating_add(u64::try_from(pending).unwrap_or(u64::MAX));
    let need = u32::try_from(need).unwrap_or(u32::MAX);
    need.max(RESERVE_FLOOR).min(most)
}

/// The pace and the reserve for final checks, planned together. `regular_left(reserve)`: the
/// regular checks left today when `reserve` are kept; the rest as [`Pace::plan`] takes them.
/// The reserve is [`final_reserve`]'s while each sale gets checks of its own, which see almost
/// every payment; when the budget only affords rounds spread over the day, paid sales wait for
/// their final check too, so the configured `most` is kept.
#[allow(clippy::too_many_arguments)]
pub fn plan_day(
    most: u32,
    regular_left: impl Fn(u32) -> u32,
    outlook: Outlook,
    pending: usize,
    full_cost: u32,
    batched: bool,
    paid_per_mille: Option<u32>,
    keys: KeyUse,
) -> (Pace, u32) {
    let plan = |reserve| {
        Pace::plan(
            regular_left(reserve),
            outlook,
            pending,
            full_cost,
            batched,
            paid_per_mille,
            keys,
        )
    };
    let needed = final_reserve(most, outlook, pending, paid_per_mille);
    let pace = plan(needed);
    if pace.round_gap_ms == 0 {
        (pace, needed)
    } else {
        (plan(most), most)
    }
}

/// How the automatic schedule is held back; [`Pace::FULL`] is the unrestrained cadence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    /// At most this many regular checks per sale (spread over its first two minutes); `None`:
    /// all.
    pub regular_per_sale: Option<u32>,
    /// Late rechecks of closed sales are made (else only ride-alongs in list calls see them).
    pub late_rechecks: bool,
    /// The least time between two automatic rounds.
    pub round_gap_ms: i64,
}

impl Pace {
    /// The cadence as [`Schedule`] has it.
    pub const FULL: Pace = Pace {
        regular_per_sale: None,
        late_rechecks: true,
        round_gap_ms: 0,
    };

    /// The pace for a day with `regular_left` regular checks left, the `outlook` of the
    /// shop's usual volume, `pending` sales open now, and `full_cost` checks a sale costs at
    /// the full cadence. `batched`: one md5-list call covers every sale in a round, so a
    /// round costs one check; otherwise each sale checked costs one. `paid_per_mille`: the
    /// share of the shop's QRs that get paid, when learned; it lets a sale have more checks
    /// than its share of the budget, since a paid sale stops costing once seen. `keys`: the
    /// key presses, each one more check.
    pub fn plan(
        regular_left: u32,
        outlook: Outlook,
        pending: usize,
        full_cost: u32,
        batched: bool,
        paid_per_mille: Option<u32>,
        keys: KeyUse,
    ) -> Pace {
        let sales = outlook
            .sales
            .max(u32::try_from(pending).unwrap_or(u32::MAX))
            .max(1);
        if regular_left >= sales.saturating_mul(full_cost) {
            return Pace::FULL;
        }
        let per_sale = regular_left / sales;
        if per_sale >= 1 {
            let affordable = paid_per_mille.map_or(per_sale, |paid| {
                (per_sale..=full_cost)
                    .take_while(|&checks| {
                        let per_sale =
                            expected_cost_x2000(checks, paid) + u64::from(keys.per_mille()) * 2;
                        per_sale.saturating_mul(u64::from(sales)) <= u64::from(regular_left) * 2_000
                    })
                    .last()
                    .unwrap_or(per_sale)
            });
            return Pace {
                regular_per_sale: Some(affordable),
                late_rechecks: false,
                round_gap_ms: 0,
            };
        }
        // Fewer checks than sales: spread the rounds over the rest of the day.
        let sales_per_round = if batched {
            1
        } else {
            u32::try_from(pending).unwrap_or(u32::MAX).max(1)
        };
        let rounds = (regular_left / sales_per_round).max(1);
        Pace {
            regular_per_sale: Some(1),
            late_rechecks: false,
            round_gap_ms: outlook.horizon_ms.max(0) / i64::from(rounds),
        }
    }
}

/// What a sale is expected to cost, times 2,000, with `checks` regular checks at equal shares
/// of the payment times and `paid_per_mille` of QRs paid: a paid sale is seen at any of its
/// checks alike, (checks + 1) / 2 on average; an unpaid one costs them all.
fn expected_cost_x2000(checks: u32, paid_per_mille: u32) -> u64 {
    let (checks, paid) = (u64::from(checks), u64::from(paid_per_mille.min(1_000)));
    paid * (checks + 1) + 2 * (1_000 - paid) * checks
}

impl Schedule {
    /// This cadence held back by `pace`: the first `regular_per_sale` regular checks only,
    /// and no late rechecks unless the pace allows them. Final checks always stay.
    pub fn paced(&self, pace: &Pace) -> Schedule {
        let mut paced = self.clone();
        if let Some(limit) = pace.regular_per_sale {
            paced.regular_limit = Some(limit);
        }
        if !pace.late_rechecks {
            paced.late_offsets_ms.clear();
        }
        paced
    }

    /// What a sale is planned to cost at the full cadence: its first minute's checks, the
    /// early ladder (customers mostly pay within it).
    pub fn full_cost(&self) -> u32 {
        u32::try_from(self.early_offsets_ms.len()).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{Budget, CheckKind, Phase};

    const DAY_START: i64 = 1_000 * HOUR_MS;

    /// A shop open 8:00–18:00 with `per_hour` sales an hour, seen over 7 days.
    fn shop(per_hour: u32) -> Volume {
        let mut sales = vec![0; HOUR_SLOTS];
        for count in &mut sales[8..18] {
            *count = per_hour * 7;
        }
        Volume {
            anchor_ms: DAY_START,
            slot_ms: HOUR_MS,
            sales,
            days: 7,
            payments: Payments::default(),
        }
    }

    #[test]
    fn sale_times_are_counted_by_hour_of_the_shop_day_whatever_the_date() {
        let at = |day: i64, hour: i64, min: i64| {
            DAY_START + day * 24 * HOUR_MS + hour * HOUR_MS + min * 60_000
        };
        let volume = Volume::learn(
            DAY_START,
            2,
            [at(-1, 9, 5), at(-1, 9, 59), at(-2, 9, 0), at(-1, 17, 30)],
        );
        assert_eq!(volume.sales[9], 3);
        assert_eq!(volume.sales[17], 1);
        assert_eq!(volume.sales.iter().sum::<u32>(), 4);
        assert_eq!(volume.days, 2);
    }

    #[test]
    fn the_outlook_counts_the_rest_of_the_day_and_ends_with_its_last_busy_hour() {
        let volume = shop(12);
        let morning = volume.outlook(DAY_START + 6 * HOUR_MS);
        assert_eq!(
            morning,
            Outlook {
                sales: 120,
                horizon_ms: 12 * HOUR_MS
            }
        );
        // Half past four: half of this hour and all of the next.
        let late = volume.outlook(DAY_START + 16 * HOUR_MS + HOUR_MS / 2);
        assert_eq!(
            late,
            Outlook {
                sales: 18,
                horizon_ms: 3 * HOUR_MS / 2
            }
        );
        // The next day looks the same.
        assert_eq!(volume.outlook(DAY_START + 30 * HOUR_MS), morning);
        // After closing nothing is expected.
        assert_eq!(volume.outlook(DAY_START + 20 * HOUR_MS).sales, 0);
    }

    #[test]
    fn a_forecast_that_fits_the_budget_keeps_the_full_cadence() {
        let outlook = Outlook {
            sales: 10,
            horizon_ms: HOUR_MS,
        };
        assert_eq!(
            Pace::plan(90, outlook, 1, 6, true, None, KeyUse::default()),
            Pace::FULL
        );
    }

    #[test]
    fn a_tighter_budget_spreads_each_sales_few_checks_and_drops_late_rechecks() {
        let outlook = Outlook {
            sales: 30,
            horizon_ms: 10 * HOUR_MS,
        };
        let pace = Pace::plan(90, outlook, 1, 6, true, None, KeyUse::default());
        assert_eq!(
            pace,
            Pace {
                regular_per_sale: Some(3),
                late_rechecks: false,
                round_gap_ms: 0
            }
        );
        // The checks kept are spread over the first two minutes, when customers pay.
        let schedule = Schedule::default().paced(&pace);
        let phase = Phase::Pending {
            created_ms: 0,
            expires_ms: 300_000,
        };
        let mut last = None;
        let mut checks = Vec::new();
        while let Some(due) = schedule.next_check(phase, last) {
            last = Some(due.at_ms);
            checks.push((due.kind, due.at_ms));
        }
        assert_eq!(
            checks,
            [
                (CheckKind::Regular, 11_000),
                (CheckKind::Regular, 25_000),
                (CheckKind::Regular, 91_500),
                (CheckKind::Final, 308_000)
            ]
        );
        assert_eq!(schedule.next_check(Phase::Expired { at_ms: 0 }, None), None);
    }

    #[test]
    fn a_learned_paid_share_affords_more_checks_than_an_even_split_of_the_budget() {
        let outlook = Outlook {
            sales: 30,
            horizon_ms: 10 * HOUR_MS,
        };
        let checks = |paid, keys| Pace::plan(90, outlook, 1, 6, true, paid, keys).regular_per_sale;
        let never_pressed = KeyUse { qrs: 98, keys: 0 };
        // 90 checks for 30 sales: 3 each if every sale used them all…
        assert_eq!(checks(None, never_pressed), Some(3));
        assert_eq!(checks(Some(0), never_pressed), Some(3));
        // …but with 9 in 10 paid and seen halfway through their checks on average, 4 fit
        // (expected 2.66 a sale), 5 would not (3.21)…
        assert_eq!(checks(Some(900), never_pressed), Some(4));
        // …unless half the QRs get a key press that does not settle the sale (or nothing is
        // known yet today): each such press is one more check, 3.15 a sale at 4.
        assert_eq!(checks(Some(900), KeyUse { qrs: 40, keys: 20 }), Some(3));
        assert_eq!(checks(Some(900), KeyUse::default()), Some(3));
        // Never more than the full cadence's first minute.
        let easy = Outlook {
            sales: 16,
            horizon_ms: HOUR_MS,
        };
        assert_eq!(
            Pace::plan(90, easy, 1, 6, true, Some(1_000), never_pressed).regular_per_sale,
            Some(6)
        );
    }

    #[test]
    fn the_reserve_keeps_what_the_rest_of_the_days_final_checks_need() {
        let ahead = |sales| Outlook {
            sales,
            horizon_ms: 10 * HOUR_MS,
        };
        // A quiet morning: 30 sales to come, 1 in 10 unpaid, so 3 final checks expected.
        assert_eq!(final_reserve(10, ahead(30), 0, Some(900)), 3);
        // Every open sale may need its own.
        assert_eq!(final_reserve(10, ahead(30), 2, Some(900)), 5);
        // A busy morning needs all of the configured reserve, and never more.
        assert_eq!(final_reserve(10, ahead(120), 1, Some(900)), 10);
        // Late in the day: the open sales and the few still to come.
        assert_eq!(final_reserve(10, ahead(11), 4, Some(900)), 6);
        // Too few expected: the floor still keeps a few.
        assert_eq!(final_reserve(10, ahead(5), 0, Some(1_000)), RESERVE_FLOOR);
        assert_eq!(final_reserve(10, ahead(0), 0, Some(900)), RESERVE_FLOOR);
        // Never above the configured reserve, even below the floor.
        assert_eq!(final_reserve(2, ahead(0), 0, Some(900)), 2);
        // Until the shop's unpaid share is learned, the configured reserve stays.
        assert_eq!(final_reserve(10, ahead(30), 0, None), 10);
    }

    #[test]
    fn a_reserve_sized_to_the_day_buys_the_quiet_day_a_fourth_check() {
        let outlook = Outlook {
            sales: 30,
            horizon_ms: 10 * HOUR_MS,
        };
        let regular_left = |reserve| {
            Budget {
                daily: 100,
                reserve,
            }
            .limit(CheckKind::Regular)
        };
        let checks = |reserve| {
            Pace::plan(
                regular_left(reserve),
                outlook,
                0,
                6,
                true,
                Some(900),
                KeyUse::default(),
            )
            .regular_per_sale
        };
        // Ten held back for final checks leave 90: four checks a sale (3.15 expected) do not
        // fit 30 sales…
        assert_eq!(checks(10), Some(3));
        // …but the day is expected to need three final checks, and the seven others fit them.
        let reserve = final_reserve(10, outlook, 0, Some(900));
        assert_eq!(regular_left(reserve), 97);
        assert_eq!(checks(reserve), Some(4));
    }

    #[test]
    fn rounds_spread_over_the_day_keep_the_whole_reserve_since_paid_sales_need_finals_too() {
        let left = |spent: u32| {
            move |reserve| {
                Budget {
                    daily: 100,
                    reserve,
                }
                .limit(CheckKind::Regular)
                .saturating_sub(spent)
            }
        };
        let plan = |spent, sales| {
            let outlook = Outlook {
                sales,
                horizon_ms: HOUR_MS,
            };
            plan_day(
                10,
                left(spent),
                outlook,
                1,
                6,
                true,
                Some(900),
                KeyUse::default(),
            )
        };
        // The quiet day's morning, one sale open: checks of its own for each sale, and 4 kept
        // (3 for the day's expected unpaid sales, 1 for the open one).
        let (pace, reserve) = plan(0, 30);
        assert_eq!(
            (pace.regular_per_sale, pace.round_gap_ms, reserve),
            (Some(4), 0, 4)
        );
        // A busy day's last hour, 12 sales to come: with 80 checks spent, one check of its
        // own for each still fits beside 3 kept…
        let (pace, reserve) = plan(80, 12);
        assert_eq!(
            (pace.regular_per_sale, pace.round_gap_ms, reserve),
            (Some(1), 0, 3)
        );
        // …with 88 it does not: rounds are spread, paid sales may wait for their final check
        // too, and the whole reserve is kept (2 regular checks left: rounds half an hour apart).
        let (pace, reserve) = plan(88, 12);
        assert_eq!(reserve, 10);
        assert_eq!(pace.round_gap_ms, HOUR_MS / 2);
    }

    #[test]
    fn key_use_starts_at_one_press_in_two_qrs_and_follows_the_day() {
        assert_eq!(KeyUse::default().per_mille(), 500);
        assert_eq!(KeyUse { qrs: 48, keys: 0 }.per_mille(), 20);
        assert_eq!(KeyUse { qrs: 18, keys: 18 }.per_mille(), 950);
        assert_eq!(KeyUse { qrs: 0, keys: 9 }.per_mille(), 1_000);
    }

    #[test]
    fn the_paid_share_and_delays_are_learned_from_qrs_only_once_there_are_enough() {
        let few = Payments::learn([(0, Some(5_000)), (1_000, None)]);
        assert_eq!(few.paid_per_mille(), None);
        assert!(few.learned_delays().is_empty());
        // Two clocks: a payment stamped before its QR counts as paid at once.
        let qrs = (0..20).map(|n| {
            (
                n * 1_000,
                (n % 4 != 0).then_some(n * 1_000 + 30_000 - n * 2_000),
            )
        });
        let learned = Payments::learn(qrs);
        assert_eq!(learned.qrs, 20);
        assert_eq!(learned.paid_per_mille(), Some(750));
        assert_eq!(learned.learned_delays().len(), 15);
        assert_eq!(learned.learned_delays().first(), Some(&0));
        assert!(learned.learned_delays().windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn fewer_checks_than_sales_spread_the_rounds_over_the_rest_of_the_day() {
        let outlook = Outlook {
            sales: 120,
            horizon_ms: 10 * HOUR_MS,
        };
        let batched = Pace::plan(60, outlook, 2, 6, true, None, KeyUse::default());
        assert_eq!(batched.round_gap_ms, 10 * HOUR_MS / 60);
        assert_eq!(batched.regular_per_sale, Some(1));
        assert!(!batched.late_rechecks);
        // Single checks cost one per pending sale, so rounds are further apart.
        let single = Pace::plan(60, outlook, 3, 6, false, None, KeyUse::default());
        assert_eq!(single.round_gap_ms, 10 * HOUR_MS / 20);
        // As the budget runs down the rounds thin out, until the last check.
        let last = Pace::plan(1, outlook, 1, 6, true, None, KeyUse::default());
        assert_eq!(last.round_gap_ms, 10 * HOUR_MS);
    }

    #[test]
    fn sales_open_now_count_even_when_the_forecast_expects_none() {
        let closed = Outlook {
            sales: 0,
            horizon_ms: 0,
        };
        assert_eq!(
            Pace::plan(5, closed, 1, 6, true, None, KeyUse::default()).regular_per_sale,
            Some(5)
        );
        assert_eq!(
            Pace::plan(6, closed, 1, 6, true, None, KeyUse::default()),
            Pace::FULL
        );
    }

    #[test]
    fn a_sale_is_planned_at_its_first_minutes_checks_whatever_the_scale() {
        assert_eq!(Schedule::default().full_cost(), 6);
        assert_eq!(Schedule::scaled(200).full_cost(), 6);
    }
}
