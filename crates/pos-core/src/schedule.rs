//! When to ask Bakong about a sale: a pure, clock-free cadence. Every function takes the
//! times it needs as epoch milliseconds, so the same value drives the real watcher, the
//! virtual-clock tests and the checks-per-sale figures in BENCHMARKS.md.
//!
//! Why this shape: a self-registered token allows about 100 checks a day (spec §4), so a
//! sale cannot be polled every few seconds for five minutes. Customers mostly pay within the
//! first minute, so checks are dense then (≈5 s apart) and thin out with the QR's age; there
//! are none between expiry and one final check, and two late rechecks catch a payment made
//! just as the QR expired or the cashier cancelled.

use std::time::Duration;

use serde::Serialize;

/// Why a check is made; decides which part of the daily budget it may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// While the QR can be paid.
    Regular,
    /// Just after expiry or cancel: decides between paid and expired, so it may use the
    /// reserve.
    Final,
    /// Minutes after the sale closed: looks for a late payment.
    Late,
}

/// Where a watched sale stands, with the times the schedule counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The QR is (or until its final check was) payable.
    Pending {
        /// When the QR was made.
        created_ms: i64,
        /// When it stops being payable.
        expires_ms: i64,
    },
    /// Expired unpaid at `at_ms` (after its final check).
    Expired {
        /// When the sale was marked expired.
        at_ms: i64,
    },
    /// Cancelled by the cashier at `at_ms`.
    Cancelled {
        /// When the cashier cancelled.
        at_ms: i64,
    },
}

/// The next check a sale needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    /// When (epoch ms). May be in the past after a restart: check at once, once.
    pub at_ms: i64,
    /// Which kind of check.
    pub kind: CheckKind,
}

/// The cadence. [`Schedule::default`] is what the POS uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Offsets from the QR's creation of the first checks.
    pub early_offsets_ms: Vec<i64>,
    /// After the early checks, the gap is the QR's age divided by this…
    pub age_divisor: i64,
    /// …but at least this…
    pub min_gap_ms: i64,
    /// …and at most this.
    pub max_gap_ms: i64,
    /// The final check comes this long after expiry (or cancel), so a payment made in the
    /// last second has been acknowledged by Bakong.
    pub final_delay_ms: i64,
    /// Offsets from the sale's closing of the rechecks for a late payment.
    pub late_offsets_ms: Vec<i64>,
    /// Checks due within this much of each other go out in the same round.
    pub coalesce_ms: i64,
    /// The first pause after a failed check; it doubles with each further failure…
    pub backoff_base_ms: i64,
    /// …up to this.
    pub backoff_max_ms: i64,
    /// After Bakong says the daily quota is spent, do not ask again sooner than this.
    pub quota_pause_ms: i64,
    /// At most this many regular checks per sale (the first ones); `None`: no limit. Set by
    /// [`Schedule::paced`] when the day's budget is tight.
    pub regular_limit: Option<u32>,
    /// The shop's customers' payment delays, ascending ([`crate::pace::Payments`]); a limited
    /// number of regular checks is placed at equal shares of them. Empty: not learned yet.
    pub pay_delays_ms: Vec<i64>,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            early_offsets_ms: vec![6_000, 11_000, 17_000, 25_000, 38_000, 61_000],
            age_divisor: 2,
            min_gap_ms: 15_000,
            max_gap_ms: 60_000,
            final_delay_ms: 8_000,
            late_offsets_ms: vec![180_000, 1_800_000],
            coalesce_ms: 1_000,
            backoff_base_ms: 5_000,
            backoff_max_ms: 300_000,
            quota_pause_ms: 15 * 60_000,
            regular_limit: None,
            pay_delays_ms: Vec::new(),
        }
    }
}

impl Schedule {
    /// The production cadence ([`Schedule::default`]) with every duration divided by `k`
    /// (offsets, gaps, final delay, coalescing, backoff and quota pause; at least 1 ms each),
    /// so tests and benchmarks play a five-minute QR in seconds with the same shape and the
    /// same checks per sale.
    pub fn scaled(k: u32) -> Schedule {
        let k = i64::from(k.max(1));
        let div = |ms: i64| (ms / k).max(1);
        let s = Schedule::default();
        Schedule {
            early_offsets_ms: s.early_offsets_ms.iter().map(|&ms| div(ms)).collect(),
            age_divisor: s.age_divisor,
            min_gap_ms: div(s.min_gap_ms),
            max_gap_ms: div(s.max_gap_ms),
            final_delay_ms: div(s.final_delay_ms),
            late_offsets_ms: s.late_offsets_ms.iter().map(|&ms| div(ms)).collect(),
            coalesce_ms: div(s.coalesce_ms),
            backoff_base_ms: div(s.backoff_base_ms),
            backoff_max_ms: div(s.backoff_max_ms),
            quota_pause_ms: div(s.quota_pause_ms),
            regular_limit: s.regular_limit,
            pay_delays_ms: s.pay_delays_ms,
        }
    }

    /// The next check for a sale in `phase`, given when a check last got an answer for it
    /// (`None`: never, or not since a restart). `None` means the sale needs no more checks.
    pub fn next_check(&self, phase: Phase, last_answered_ms: Option<i64>) -> Option<Due> {
        let after = |at: i64| last_answered_ms.is_none_or(|last| at > last);
        match phase {
            Phase::Pending {
                created_ms,
                expires_ms,
            } => {
                let regular = self
                    .regular_offsets(expires_ms.saturating_sub(created_ms))
                    .into_iter()
                    .map(|offset| created_ms.saturating_add(offset))
                    .find(|&at| after(at));
                if let Some(at_ms) = regular {
                    return Some(Due {
                        at_ms,
                        kind: CheckKind::Regular,
                    });
                }
                let final_at = expires_ms.saturating_add(self.final_delay_ms);
                after(final_at).then_some(Due {
                    at_ms: final_at,
                    kind: CheckKind::Final,
                })
            }
            Phase::Cancelled { at_ms } => {
                let final_at = at_ms.saturating_add(self.final_delay_ms);
                if after(final_at) {
                    return Some(Due {
                        at_ms: final_at,
                        kind: CheckKind::Final,
                    });
                }
                self.late_after(at_ms, after)
            }
            Phase::Expired { at_ms } => self.late_after(at_ms, after),
        }
    }

    /// The next check whose kind `allowed` accepts, skipping the ones it refuses: with the
    /// regular budget spent, a pending sale still gets its final check.
    pub fn next_allowed(
        &self,
        phase: Phase,
        last_answered_ms: Option<i64>,
        allowed: impl Fn(CheckKind) -> bool,
    ) -> Option<Due> {
        let mut cursor = last_answered_ms;
        loop {
            let due = self.next_check(phase, cursor)?;
            if allowed(due.kind) {
                return Some(due);
            }
            cursor = Some(due.at_ms);
        }
    }

    /// How long after closing a sale is still worth resuming for late rechecks.
    pub fn late_horizon(&self) -> Duration {
        let last = self.late_offsets_ms.iter().copied().max().unwrap_or(0);
        Duration::from_millis(u64::try_from(last.saturating_add(self.final_delay_ms)).unwrap_or(0))
    }

    /// The pause after `consecutive_failures` failed checks: exponential from
    /// `backoff_base_ms` (5 s, 10 s, 20 s …) capped at `backoff_max_ms`; a server's
    /// `Retry-After` wins when it asks for longer.
    pub fn backoff_ms(&self, consecutive_failures: u32, retry_after_ms: Option<i64>) -> i64 {
        let exponent = consecutive_failures.saturating_sub(1).min(20);
        let own = self
            .backoff_base_ms
            .saturating_mul(1_i64 << exponent)
            .min(self.backoff_max_ms);
        retry_after_ms.map_or(own, |asked| own.max(asked))
    }

    fn late_after(&self, closed_ms: i64, after: impl Fn(i64) -> bool) -> Option<Due> {
        self.late_offsets_ms
            .iter()
            .map(|offset| closed_ms.saturating_add(*offset))
            .find(|&at| after(at))
            .map(|at_ms| Due {
                at_ms,
                kind: CheckKind::Late,
            })
    }

    /// Offsets from creation of the regular checks of a QR living `lifetime_ms`, ascending.
    /// With a [`Schedule::regular_limit`] of `n`, the `n` checks go where they see the most
    /// payments: at `n` equal shares of the shop's learned payment delays (the last at the
    /// 99th percentile, so one slow customer does not pull it late), or, before any were
    /// learned, spread over the ladder's first two minutes, when most customers pay.
    fn regular_offsets(&self, lifetime_ms: i64) -> Vec<i64> {
        let early_end = self.early_offsets_ms.last().copied().unwrap_or(0);
        let grown = std::iter::successors(Some(early_end), move |&age| {
            let gap = (age / self.age_divisor.max(1)).clamp(self.min_gap_ms, self.max_gap_ms);
            Some(age.saturating_add(gap.max(1)))
        })
        .skip(1);
        let all: Vec<i64> = self
            .early_offsets_ms
            .iter()
            .copied()
            .chain(grown)
            .take_while(|&offset| offset < lifetime_ms)
            .collect();
        let Some(limit) = self.regular_limit else {
            return all;
        };
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        if !self.pay_delays_ms.is_empty() {
            return at_equal_shares(&self.pay_delays_ms, limit, lifetime_ms);
        }
        let window = all
            .iter()
            .take_while(|&&offset| offset <= early_end.saturating_mul(2))
            .count();
        if limit >= window {
            return all.into_iter().take(limit).collect();
        }
        (1..=limit)
            .filter_map(|i| all.get(i * window / limit - 1).copied())
            .collect()
    }

    /// Plays a sale through the schedule with every check answered: how many checks it
    /// costs and when the payment is seen, for a payment landing `paid_after_ms` after the
    /// QR is shown (`None`: never paid; its final check and late rechecks are counted).
    pub fn simulate(&self, lifetime_ms: i64, paid_after_ms: Option<i64>) -> Simulated {
        let mut checks = 0;
        let mut last = None;
        let mut phase = Phase::Pending {
            created_ms: 0,
            expires_ms: lifetime_ms,
        };
        while let Some(due) = self.next_check(phase, last) {
            checks += 1;
            last = Some(due.at_ms);
            if paid_after_ms.is_some_and(|paid| due.at_ms >= paid) {
                return Simulated {
                    checks,
                    detected_after_ms: Some(due.at_ms),
                };
            }
            if due.kind == CheckKind::Final {
                phase = Phase::Expired { at_ms: due.at_ms };
            }
        }
        Simulated {
            checks,
            detected_after_ms: None,
        }
    }
}

/// `checks` offsets at equal shares of `delays` (ascending): the i-th at the i/checks
/// quantile, capped at the 99th percentile; repeated or past-lifetime offsets dropped.
fn at_equal_shares(delays: &[i64], checks: usize, lifetime_ms: i64) -> Vec<i64> {
    let n = delays.len();
    let mut offsets: Vec<i64> = (1..=checks)
        .filter_map(|i| {
            let share_x100 = (i * 100 / checks.max(1)).min(99);
            let rank = (n * share_x100).div_ceil(100).clamp(1, n);
            delays.get(rank - 1).map(|&delay| delay.max(1))
        })
        .filter(|&offset| offset < lifetime_ms)
        .collect();
    offsets.dedup();
    offsets
}

/// The result of [`Schedule::simulate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Simulated {
    /// Checks spent on the sale.
    pub checks: u32,
    /// When the payment was seen, from the QR's creation.
    pub detected_after_ms: Option<i64>,
}

/// The daily check budget with a reserve: regular checks stop at `daily - reserve` so final
/// checks can still decide between paid and expired; late rechecks stop earlier still.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Budget {
    /// Checks per shop day.
    pub daily: u32,
    /// Kept for final checks.
    pub reserve: u32,
}

impl Budget {
    /// How many checks a day may be spent in total when the check is of `kind`.
    pub fn limit(&self, kind: CheckKind) -> u32 {
        match kind {
            CheckKind::Final => self.daily,
            CheckKind::Regular => self.daily.saturating_sub(self.reserve),
            CheckKind::Late => self.daily.saturating_sub(self.reserve.saturating_mul(2)),
        }
    }

    /// Whether one more check of `kind` fits when `used` checks were spent today.
    pub fn allows(&self, kind: CheckKind, used: u32) -> bool {
        used < self.limit(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIVE_MIN: i64 = 300_000;

    fn pending() -> Phase {
        Phase::Pending {
            created_ms: 1_000_000,
            expires_ms: 1_000_000 + FIVE_MIN,
        }
    }

    fn all_checks(schedule: &Schedule, phase: Phase) -> Vec<Due> {
        let mut last = None;
        let mut out = Vec::new();
        while let Some(due) = schedule.next_check(phase, last) {
            last = Some(due.at_ms);
            out.push(due);
        }
        out
    }

    #[test]
    fn the_first_check_comes_seconds_after_the_qr_is_shown_and_early_checks_are_about_5s_apart() {
        let checks = all_checks(&Schedule::default(), pending());
        let offsets: Vec<i64> = checks.iter().map(|d| d.at_ms - 1_000_000).collect();
        assert_eq!(offsets[0], 6_000);
        for pair in offsets[..4].windows(2) {
            assert!(
                (5_000..=8_000).contains(&(pair[1] - pair[0])),
                "{offsets:?}"
            );
        }
    }

    #[test]
    fn checks_thin_out_with_age_and_never_exceed_a_minute_apart() {
        let mut checks = all_checks(&Schedule::default(), pending());
        checks.retain(|d| d.kind == CheckKind::Regular);
        let gaps: Vec<i64> = checks.windows(2).map(|w| w[1].at_ms - w[0].at_ms).collect();
        for pair in gaps.windows(2) {
            assert!(pair[1] >= pair[0] - 1_000, "gaps shrink: {gaps:?}");
        }
        assert!(gaps.iter().all(|&g| g <= 60_000), "{gaps:?}");
    }

    #[test]
    fn regular_checks_stop_at_expiry_and_one_final_check_follows_it() {
        let checks = all_checks(&Schedule::default(), pending());
        let expires = 1_000_000 + FIVE_MIN;
        let (finals, regular): (Vec<Due>, Vec<Due>) =
            checks.iter().partition(|d| d.kind == CheckKind::Final);
        assert!(regular.iter().all(|d| d.at_ms < expires));
        assert_eq!(finals.len(), 1);
        assert_eq!(finals[0].at_ms, expires + 8_000);
        assert_eq!(checks.last().map(|d| d.kind), Some(CheckKind::Final));
    }

    #[test]
    fn a_sale_resumed_after_a_restart_is_checked_at_once_but_only_once() {
        let schedule = Schedule::default();
        // Never checked since the restart: the first due time is in the past; check now.
        let due = schedule.next_check(pending(), None).unwrap();
        assert_eq!(due.at_ms, 1_006_000);
        // Checked at 2:00 after a long outage: the next is the next ladder point after that,
        // not a burst of the points missed in between.
        let now = 1_000_000 + 120_000;
        let next = schedule.next_check(pending(), Some(now)).unwrap();
        assert!(next.at_ms > now && next.at_ms - now <= 60_000);
    }

    #[test]
    fn an_expired_sale_gets_two_late_rechecks_and_then_none() {
        let checks = all_checks(&Schedule::default(), Phase::Expired { at_ms: 0 });
        assert_eq!(
            checks,
            vec![
                Due {
                    at_ms: 180_000,
                    kind: CheckKind::Late
                },
                Due {
                    at_ms: 1_800_000,
                    kind: CheckKind::Late
                },
            ]
        );
    }

    #[test]
    fn a_cancelled_sale_gets_a_final_check_right_after_the_cancel_then_late_rechecks() {
        let checks = all_checks(&Schedule::default(), Phase::Cancelled { at_ms: 50_000 });
        let kinds: Vec<CheckKind> = checks.iter().map(|d| d.kind).collect();
        assert_eq!(kinds, [CheckKind::Final, CheckKind::Late, CheckKind::Late]);
        assert_eq!(checks[0].at_ms, 58_000);
    }

    #[test]
    fn every_lifetime_from_one_to_ten_minutes_ends_with_its_final_check() {
        let schedule = Schedule::default();
        for minutes in 1..=10 {
            let lifetime = minutes * 60_000;
            let checks = all_checks(
                &schedule,
                Phase::Pending {
                    created_ms: 0,
                    expires_ms: lifetime,
                },
            );
            assert_eq!(checks.last().unwrap().at_ms, lifetime + 8_000);
            let regular = i64::try_from(checks.len()).unwrap() - 1;
            assert!(regular <= 6 + minutes, "{minutes} min: {regular}");
        }
    }

    #[test]
    fn checks_per_sale_for_the_benchmark_payment_times() {
        let schedule = Schedule::default();
        let at = |paid: Option<i64>| schedule.simulate(FIVE_MIN, paid);
        // Paid after 10 s: the second check sees it, 1 s later.
        assert_eq!(
            at(Some(10_000)),
            Simulated {
                checks: 2,
                detected_after_ms: Some(11_000)
            }
        );
        // Paid after 60 s: within the goal of at most 6 checks, seen 1 s later.
        assert_eq!(
            at(Some(60_000)),
            Simulated {
                checks: 6,
                detected_after_ms: Some(61_000)
            }
        );
        // Paid after 4 min: checks are a minute apart by then.
        let four_min = at(Some(240_000));
        assert_eq!(four_min.checks, 10);
        assert!(four_min.detected_after_ms.unwrap() - 240_000 <= 60_000);
        // Never paid: ten regular checks, the final one, two late rechecks.
        assert_eq!(
            at(None),
            Simulated {
                checks: 13,
                detected_after_ms: None
            }
        );
    }

    #[test]
    fn a_payment_within_the_first_minute_never_costs_more_than_6_checks() {
        let schedule = Schedule::default();
        for paid in (0..=60_000).step_by(500) {
            let sim = schedule.simulate(FIVE_MIN, Some(paid));
            assert!(sim.checks <= 6, "paid at {paid}: {sim:?}");
        }
    }

    /// Payments every 100 ms of `from..=to` played through `schedule`: the most checks a
    /// sale cost, the total, and the longest wait from payment to the check that saw it.
    fn sweep(schedule: &Schedule, from: i64, to: i64) -> (u32, u32, i64) {
        (from..=to)
            .step_by(100)
            .map(|paid| {
                let sim = schedule.simulate(FIVE_MIN, Some(paid));
                (sim.checks, sim.detected_after_ms.unwrap_or(i64::MAX) - paid)
            })
            .fold((0, 0, 0), |(most, total, wait), (checks, waited)| {
                (most.max(checks), total + checks, wait.max(waited))
            })
    }

    #[test]
    fn few_checks_sit_at_equal_shares_of_the_learned_payment_times() {
        // The shop's customers paid 5–90 s after the QR, evenly.
        let learned = Schedule {
            regular_limit: Some(4),
            pay_delays_ms: (5..=90).map(|s| s * 1_000).collect(),
            ..Schedule::default()
        };
        let offsets = learned.regular_offsets(FIVE_MIN);
        assert_eq!(offsets, [26_000, 47_000, 69_000, 90_000]);
        // Four checks see every payment of that window within 22 s: no later than the full
        // cadence's six first-minute checks at their worst (22.9 s), for under half the cost.
        let (most, total, worst) = sweep(&learned, 5_000, 90_000);
        assert_eq!(most, 4);
        assert!(worst <= 22_000, "worst wait {worst} ms");
        let (_, full_total, full_worst) = sweep(&Schedule::default(), 5_000, 60_000);
        assert!(full_worst >= 22_900, "{full_worst}");
        let payments = (5_000..=90_000).step_by(100).count();
        let full_payments = (5_000..=60_000).step_by(100).count();
        assert!(total * 100 / u32::try_from(payments).unwrap() <= 260);
        assert!(full_total * 100 / u32::try_from(full_payments).unwrap() >= 450);
        // Until payments are learned, the limit spreads over the ladder's first two minutes.
        let unlearned = Schedule {
            regular_limit: Some(4),
            ..Schedule::default()
        };
        assert_eq!(
            unlearned.regular_offsets(FIVE_MIN),
            [6_000, 17_000, 38_000, 91_500]
        );
    }

    #[test]
    fn one_slow_customer_does_not_pull_the_last_check_late() {
        let mut delays: Vec<i64> = (1..=99).map(|n| n * 600).collect();
        delays.push(280_000);
        let schedule = Schedule {
            regular_limit: Some(2),
            pay_delays_ms: delays,
            ..Schedule::default()
        };
        assert_eq!(schedule.regular_offsets(FIVE_MIN), [30_000, 59_400]);
        // Offsets past the QR's life are dropped, and a repeated one counts once.
        let bunched = Schedule {
            regular_limit: Some(3),
            pay_delays_ms: vec![4_000; 20],
            ..Schedule::default()
        };
        assert_eq!(bunched.regular_offsets(FIVE_MIN), [4_000]);
        assert_eq!(bunched.regular_offsets(3_000), Vec::<i64>::new());
    }

    #[test]
    fn the_budget_keeps_a_reserve_for_final_checks_and_more_for_late_ones() {
        let budget = Budget {
            daily: 100,
            reserve: 10,
        };
        assert!(budget.allows(CheckKind::Regular, 89));
        assert!(!budget.allows(CheckKind::Regular, 90));
        assert!(budget.allows(CheckKind::Final, 99));
        assert!(!budget.allows(CheckKind::Final, 100));
        assert!(budget.allows(CheckKind::Late, 79));
        assert!(!budget.allows(CheckKind::Late, 80));
    }

    #[test]
    fn with_regular_checks_refused_a_pending_sale_still_gets_its_final_check() {
        let schedule = Schedule::default();
        let due = schedule
            .next_allowed(pending(), None, |kind| kind != CheckKind::Regular)
            .unwrap();
        assert_eq!(
            due,
            Due {
                at_ms: 1_000_000 + FIVE_MIN + 8_000,
                kind: CheckKind::Final
            }
        );
        assert_eq!(
            schedule.next_allowed(Phase::Expired { at_ms: 0 }, None, |k| k != CheckKind::Late),
            None
        );
    }

    #[test]
    fn a_scaled_schedule_divides_every_duration_backoff_included() {
        assert_eq!(Schedule::scaled(1), Schedule::default());
        let fast = Schedule::scaled(100);
        assert_eq!(fast.early_offsets_ms, [60, 110, 170, 250, 380, 610]);
        assert_eq!((fast.min_gap_ms, fast.max_gap_ms), (150, 600));
        assert_eq!(fast.final_delay_ms, 80);
        assert_eq!(fast.late_offsets_ms, [1_800, 18_000]);
        assert_eq!(fast.coalesce_ms, 10);
        assert_eq!(fast.quota_pause_ms, 9_000);
        assert_eq!(fast.age_divisor, 2);
        let delays: Vec<i64> = (1..=8).map(|n| fast.backoff_ms(n, None)).collect();
        assert_eq!(delays, [50, 100, 200, 400, 800, 1_600, 3_000, 3_000]);
        // No duration collapses to zero, however large the factor.
        assert_eq!(Schedule::scaled(u32::MAX).coalesce_ms, 1);
        assert_eq!(Schedule::scaled(0), Schedule::default());
    }

    #[test]
    fn a_scaled_schedule_costs_the_same_checks_per_sale() {
        for k in [10, 100, 300] {
            let fast = Schedule::scaled(k);
            let k = i64::from(k);
            for paid in [Some(10_000), Some(60_000), Some(240_000), None] {
                let real = Schedule::default().simulate(FIVE_MIN, paid);
                let scaled = fast.simulate(FIVE_MIN / k, paid.map(|ms| ms / k));
                assert_eq!(scaled.checks, real.checks, "÷{k}, paid {paid:?}");
            }
        }
    }

    #[test]
    fn backoff_doubles_to_five_minutes_and_honours_a_longer_retry_after() {
        let schedule = Schedule::default();
        let delays: Vec<i64> = (1..=8).map(|n| schedule.backoff_ms(n, None)).collect();
        assert_eq!(
            delays,
            [5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]
        );
        assert_eq!(schedule.backoff_ms(1, Some(30_000)), 30_000);
        assert_eq!(schedule.backoff_ms(3, Some(1_000)), 20_000);
        assert_eq!(schedule.backoff_ms(u32::MAX, None), 300_000);
    }
}
