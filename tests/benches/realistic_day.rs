//! A realistic shop day on one token's budget (100 checks, 10 kept for final checks, and a
//! simulator whose quota is also 100): sales one after another at a counter, customers paying
//! 5–90 s after the QR is shown (one in ten never pays), and the cashier pressing "customer
//! shows paid" on a share of the paid sales, one second after the payment (the customer turns
//! the phone around). Four days: quiet (30 sales over ten hours), busy (120), busy without the
//! key, and a rush (40 sales in one hour); and the quiet day again with a budget too large to
//! hold anything back, which is the full cadence every sale had before the pace (its first
//! minute: checks at 6, 11, 17, 25, 38 and 61 s), to compare detection times with. Both quiet
//! days are played four times with different seeds, each on its own POS and budget, and
//! their sales pooled, so their p95 without the key rests on some fifty payments, not a dozen.
//!
//! The watcher runs on the wall clock, so the day is played `POS_BENCH_SCALE` times faster
//! (default 200: ten hours in three minutes): the production cadence is `Schedule::scaled`,
//! QR lifetimes, payment delays and gaps between sales are divided alike, and the shop's
//! usual volume is the day's own hourly profile in scaled hours and its customers' payment
//! times are drawn like the day's own (as if learned from earlier days like it). Detection times are multiplied back, except the key's own round trip
//! (key → PAID), which does not depend on the cadence and is reported as measured.
//!
//! Run with `cargo bench -p pos-scenarios --bench realistic_day`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pos_core::pace::{Payments, Volume, HOUR_MS, HOUR_SLOTS};
use pos_core::schedule::Schedule;
use pos_core::{CheckNow, SaleStatus, SalesQuery};
use pos_scenarios::rig::{Rig, RigOptions};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::Mutex;

const BUDGET: u32 = 100;
/// A budget no day reaches: nothing held back.
const UNLIMITED: u32 = 100_000;
const RESERVE: u32 = 10;
const LIFETIME_MS: i64 = 300_000;
const KEY_AFTER_PAYMENT_MS: i64 = 1_000;
const OPENS_AT_HOUR: i64 = 8;
const CHECK_ENDPOINTS: [&str; 2] = ["check_transaction_by_md5", "check_transaction_by_md5_list"];

/// One day to play.
#[derive(Debug, Clone, Copy)]
struct Day {
    name: &'static str,
    /// Sales per hour from opening time.
    per_hour: &'static [u32],
    /// Share of paid sales on which the cashier presses the key, in percent.
    key_percent: u32,
    /// Checks a day (and the simulator's quota).
    budget: u32,
    /// One day is played per seed, each on its own POS and budget, and their sales pooled:
    /// a quiet day has too few payments without the key for a p95 of its own.
    seeds: &'static [u64],
}

const DAYS: [Day; 5] = [
    Day {
        name: "quiet day, 30 sales, key on half (4 days)",
        per_hour: &[3, 3, 3, 3, 3, 3, 3, 3, 3, 3],
        key_percent: 50,
        budget: BUDGET,
        seeds: &[1, 11, 21, 31],
    },
    Day {
        name: "busy day, 120 sales, key on half",
        per_hour: &[12, 12, 12, 12, 12, 12, 12, 12, 12, 12],
        key_percent: 50,
        budget: BUDGET,
        seeds: &[2],
    },
    Day {
        name: "busy day, 120 sales, no key",
        per_hour: &[12, 12, 12, 12, 12, 12, 12, 12, 12, 12],
        key_percent: 0,
        budget: BUDGET,
        seeds: &[2],
    },
    Day {
        name: "rush, 40 sales in one hour, key on half",
        per_hour: &[40],
        key_percent: 50,
        budget: BUDGET,
        seeds: &[3],
    },
    Day {
        name: "quiet day at the full cadence (no budget limit), key on half (4 days)",
        per_hour: &[3, 3, 3, 3, 3, 3, 3, 3, 3, 3],
        key_percent: 50,
        budget: UNLIMITED,
        seeds: &[1, 11, 21, 31],
    },
];

fn wall_ms() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    i64::try_from(since.as_millis()).unwrap()
}

async fn sleep_until(at_ms: i64) {
    let wait = (at_ms - wall_ms()).max(0);
    tokio::time::sleep(Duration::from_millis(u64::try_from(wait).unwrap())).await;
}

/// What happened to one sale.
#[derive(Debug, Default, Clone)]
struct Sale {
    id: i64,
    paid_at_ms: Option<i64>,
    keyed_at_ms: Option<i64>,
    key_answer: Option<String>,
}

/// What a day came to.
#[derive(Debug)]
struct Outcome {
    sales: usize,
    customers_paid: usize,
    verified: usize,
    checks: u64,
    /// The most checks one of the pooled days spent.
    most_checks: u64,
    unverified_paid: usize,
    unverified_unpaid: usize,
    listed_for_owner: usize,
    wrongly_unpaid: usize,
    with_key_ms: Vec<i64>,
    without_key_ms: Vec<i64>,
    key_round_trip_ms: Vec<i64>,
    key_answers: Vec<String>,
}

impl Outcome {
    /// Pools another day's sales into this one.
    fn add(&mut self, other: Outcome) {
        self.sales += other.sales;
        self.customers_paid += other.customers_paid;
        self.verified += other.verified;
        self.checks += other.checks;
        self.most_checks = self.most_checks.max(other.checks);
        self.unverified_paid += other.unverified_paid;
        self.unverified_unpaid += other.unverified_unpaid;
        self.listed_for_owner += other.listed_for_owner;
        self.wrongly_unpaid += other.wrongly_unpaid;
        self.with_key_ms.extend(other.with_key_ms);
        self.without_key_ms.extend(other.without_key_ms);
        self.key_round_trip_ms.extend(other.key_round_trip_ms);
        self.key_answers.extend(other.key_answers);
    }
}

async fn play(day: Day, seed: u64, k: i64) -> Outcome {
    let scale = move |ms: i64| ms / k;
    let start = wall_ms();
    let slot_ms = HOUR_MS / k;
    // The usual volume: this day's own profile, opening at 8:00.
    let mut profile = vec![0; HOUR_SLOTS];
    for (hour, count) in day.per_hour.iter().enumerate() {
        profile[usize::try_from(OPENS_AT_HOUR).unwrap() + hour] = *count;
    }
    // Earlier days' QRs: one in ten never paid, the rest 5–90 s after the QR.
    let mut earlier = StdRng::seed_from_u64(seed + 1_000);
    let payments = Payments::learn((0..200).map(|_| {
        let paid = earlier.gen_bool(0.9);
        (0, paid.then(|| scale(earlier.gen_range(5_000..=90_000))))
    }));
    let volume = Volume {
        anchor_ms: start - OPENS_AT_HOUR * slot_ms,
        slot_ms,
        sales: profile,
        days: 1,
        payments,
    };
    let rig = Arc::new(
        Rig::start_with(RigOptions {
            budget: day.budget,
            reserve: RESERVE,
            sim_quota: day.budget,
            schedule: Schedule::scaled(u32::try_from(k).unwrap()),
            volume: Some(volume),
            ..RigOptions::default()
        })
        .await,
    );
    let mut rng = StdRng::seed_from_u64(seed);
    let sales = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for (hour, &count) in day.per_hour.iter().enumerate() {
        let hour_start = start + i64::try_from(hour).unwrap() * slot_ms;
        // Sales at random moments of the hour, one after another.
        let mut moments: Vec<i64> = (0..count).map(|_| rng.gen_range(0..HOUR_MS)).collect();
        moments.sort_unstable();
        for moment in moments {
            sleep_until(hour_start + scale(moment)).await;
            let charge = rig
                .charge(
                    &format!("{}00", rng.gen_range(10..500)),
                    u64::try_from(scale(LIFETIME_MS)).unwrap(),
                )
                .await;
            let index = {
                let mut sales = sales.lock().await;
                sales.push(Sale {
                    id: charge.sale_id,
                    ..Sale::default()
                });
                sales.len() - 1
            };
            if rng.gen_bool(0.1) {
                continue;
            }
            let pay_at = charge.created_at_ms + scale(rng.gen_range(5_000..=90_000));
            let key = rng.gen_range(0..100) < day.key_percent;
            let (rig, sales) = (Arc::clone(&rig), Arc::clone(&sales));
            tasks.push(tokio::spawn(async move {
                sleep_until(pay_at).await;
                let paid_at = wall_ms();
                rig.pay(&charge);
                sales.lock().await[index].paid_at_ms = Some(paid_at);
                if key {
                    sleep_until(paid_at + scale(KEY_AFTER_PAYMENT_MS)).await;
                    let keyed_at = wall_ms();
                    let answer = rig.pos.check_now(charge.sale_id).await.expect("check now");
                    let said = match answer {
                        CheckNow::Found { .. } => "found",
                        CheckNow::NotFoundYet { .. } => "not found yet",
                        CheckNow::CannotVerify { .. } => "cannot verify",
                        CheckNow::Closed { .. } => "already closed",
                    };
                    let mut sales = sales.lock().await;
                    sales[index].keyed_at_ms = Some(keyed_at);
                    sales[index].key_answer = Some(said.to_owned());
                }
            }));
        }
    }
    for task in tasks {
        task.await.unwrap();
    }
    // Closing time: every QR has expired and its final check had its chance.
    let last_expiry = wall_ms() + scale(LIFETIME_MS);
    sleep_until(last_expiry + scale(60_000)).await;
    let deadline = last_expiry + scale(2 * HOUR_MS);
    while rig.pos.pending_count() > 0 && wall_ms() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let checks = CHECK_ENDPOINTS.iter().map(|e| rig.sim.calls(e)).sum();
    let sales = sales.lock().await.clone();
    let mut outcome = Outcome {
        sales: sales.len(),
        customers_paid: sales.iter().filter(|s| s.paid_at_ms.is_some()).count(),
        verified: 0,
        checks,
        most_checks: checks,
        unverified_paid: 0,
        unverified_unpaid: 0,
        listed_for_owner: 0,
        wrongly_unpaid: 0,
        with_key_ms: Vec::new(),
        without_key_ms: Vec::new(),
        key_round_trip_ms: Vec::new(),
        key_answers: sales.iter().filter_map(|s| s.key_answer.clone()).collect(),
    };
    for sale in &sales {
        let view = rig.pos.sale(sale.id).await.unwrap();
        let paid = matches!(view.status, SaleStatus::Paid | SaleStatus::PaidLate);
        match (sale.paid_at_ms, view.status) {
            (_, SaleStatus::Pending) if sale.paid_at_ms.is_some() => outcome.unverified_paid += 1,
            (_, SaleStatus::Pending) => outcome.unverified_unpaid += 1,
            (Some(_), SaleStatus::Expired) => outcome.wrongly_unpaid += 1,
            _ => {}
        }
        if !paid {
            continue;
        }
        outcome.verified += 1;
        let Some(paid_at) = sale.paid_at_ms else {
            continue;
        };
        let seen = view.updated_at_ms;
        match sale.keyed_at_ms {
            // The key found it: the wait for the key plus the key's own round trip.
            Some(keyed) if seen >= keyed => {
                outcome.key_round_trip_ms.push(seen - keyed);
                outcome
                    .with_key_ms
                    .push(KEY_AFTER_PAYMENT_MS + (seen - keyed));
            }
            // The schedule found it before the key was pressed.
            Some(_) => outcome.with_key_ms.push((seen - paid_at) * k),
            None => outcome.without_key_ms.push((seen - paid_at) * k),
        }
    }
    let listed = rig
        .pos
        .sales(SalesQuery {
            status: Some(SaleStatus::Pending),
            ..SalesQuery::default()
        })
        .await
        .unwrap();
    outcome.listed_for_owner = listed.sales.len();
    outcome
}

fn percentile(values: &[i64], p: usize) -> Option<i64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let last = sorted.len().checked_sub(1)?;
    sorted.get((last * p).div_ceil(100)).copied()
}

fn secs(ms: Option<i64>) -> String {
    ms.map_or("—".to_owned(), |ms| {
        format!("{}.{:01} s", ms / 1_000, (ms % 1_000) / 100)
    })
}

fn main() {
    let k: i64 = std::env::var("POS_BENCH_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let outcomes = runtime.block_on(async {
        let runs: Vec<Vec<_>> = DAYS
            .iter()
            .map(|day| {
                day.seeds
                    .iter()
                    .map(|&seed| tokio::spawn(play(*day, seed, k)))
                    .collect()
            })
            .collect();
        let mut outcomes = Vec::new();
        for days in runs {
            let mut pooled: Option<Outcome> = None;
            for run in days {
                let outcome = run.await.unwrap();
                match &mut pooled {
                    Some(pooled) => pooled.add(outcome),
                    None => pooled = Some(outcome),
                }
            }
            outcomes.push(pooled.unwrap());
        }
        outcomes
    });
    println!(
        "## realistic day: budget {BUDGET} checks ({RESERVE} reserved for final checks), 5-minute QRs, \
         payment 5–90 s after the QR, 1 in 10 never pays; day played ÷{k}\n"
    );
    println!(
        "| day | sales | paid by customers | verified | checks (most in one day) | verified per 100 checks | \
         payment→PAID p50 / p95 with the key | without the key | key→PAID p95 (measured) | \
         left unverified (paid / unpaid) | listed for the owner | paid but marked unpaid |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (day, o) in DAYS.iter().zip(&outcomes) {
        let per_100 = (u64::try_from(o.verified).unwrap() * 100)
            .checked_div(o.checks)
            .map_or("—".to_owned(), |n| n.to_string());
        println!(
            "| {} | {} | {} | {} | {} ({}) | {} | {} / {} | {} / {} | {} ms | {} / {} | {} | {} |",
            day.name,
            o.sales,
            o.customers_paid,
            o.verified,
            o.checks,
            o.most_checks,
            per_100,
            secs(percentile(&o.with_key_ms, 50)),
            secs(percentile(&o.with_key_ms, 95)),
            secs(percentile(&o.without_key_ms, 50)),
            secs(percentile(&o.without_key_ms, 95)),
            percentile(&o.key_round_trip_ms, 95).map_or("—".to_owned(), |ms| ms.to_string()),
            o.unverified_paid,
            o.unverified_unpaid,
            o.listed_for_owner,
            o.wrongly_unpaid,
        );
    }
    println!("\nkey answers:");
    for (day, o) in DAYS.iter().zip(&outcomes) {
        let count = |said: &str| o.key_answers.iter().filter(|a| *a == said).count();
        println!(
            "- {}: {} found, {} already closed, {} not found yet, {} cannot verify; \
             slowest without the key {} ({} payments)",
            day.name,
            count("found"),
            count("already closed"),
            count("not found yet"),
            count("cannot verify"),
            secs(o.without_key_ms.iter().max().copied()),
            o.without_key_ms.len()
        );
    }
}
