//! The elected checker, with `[shop_db]` and [`crate::StartOptions::shared_checks`]: every
//! counter registers its pending sales in the shop database and hears of their results; the one
//! counter holding the checker lease (pos-sync's [`Lease`]) checks every counter's pending
//! sales in one md5-list call, spending from the shop's pool through the watcher's
//! [`super::CheckGate`], and writes each answer that ends a sale's check. The owning counter
//! settles it through the watcher's own path (`Command::Settle`, the same verdict as its own
//! checks: amount, currency and payee compared), so a sale is finalized on its own counter,
//! once. While a live lease covers a sale registered in the shop database, the watcher's own
//! rounds skip it ([`Coverage`]); when the lease lapses or the link drops, they check it again
//! from the counter's own share, as before.
//!
//! [`plan`] and [`ending`] are the pure decisions: which open checks are due and what an answer
//! means for the shop database.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pos_bakong::{CheckOutcome, Transaction, MAX_LIST};
use pos_domain::SaleStatus;
use pos_store::{PaymentDetails, SaleId};
use pos_sync::{Lease, Outcome, PendingCheck, Shop, ShopDb};
use tokio::sync::{broadcast, mpsc};
use tokio::time::Instant;

use super::verdict::details;
use super::{Command, Shared};
use crate::schedule::{Budget, CheckKind, Phase, Schedule};
use crate::views::PosEvent;

/// How long a claim of the checker lease lasts; the holder renews it every [`TICK`], so a dead
/// or cut-off checker is replaced within this time.
const LEASE_TTL: Duration = Duration::from_secs(3);
/// How often a counter renews (or tries to take) the lease, registers new pending sales and
/// reads results it was not told of.
const TICK: Duration = Duration::from_millis(500);
/// The longest one exchange with the shop database may take before the link counts as down.
const DB_TIMEOUT: Duration = Duration::from_secs(2);
/// Pending checks of sales that expired longer ago than this are left to their counters.
const HORIZON_MS: i64 = 3_600_000;

/// Which of this counter's sales a live checker covers: the watcher skips them.
#[derive(Debug, Default)]
pub(crate) struct Coverage {
    state: Mutex<Covered>,
}

#[derive(Debug, Default)]
struct Covered {
    sales: BTreeSet<SaleId>,
    /// Until when a checker is known to hold the lease.
    until: Option<Instant>,
}

impl Coverage {
    /// Whether a live checker will check this sale.
    pub(crate) fn covers(&self, id: SaleId) -> bool {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.until.is_some_and(|until| Instant::now() < until) && state.sales.contains(&id)
    }

    /// Sets what is covered (the registered sales the checker still looks at at `now_ms`:
    /// not those that expired more than [`HORIZON_MS`] ago) and until when; returns whether a
    /// lease covered sales before and none does now, so the watcher must plan them again.
    fn set(&self, sales: &BTreeMap<SaleId, i64>, now_ms: i64, until: Option<Instant>) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let lapsed = state.until.is_some() && until.is_none() && !state.sales.is_empty();
        state.sales = sales
            .iter()
            .filter(|(_, expires_ms)| **expires_ms > now_ms.saturating_sub(HORIZON_MS))
            .map(|(id, _)| *id)
            .collect();
        state.until = until;
        lapsed
    }
}

/// One open check as the checker plans it: its phase and when it last got an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Open {
    pub phase: Phase,
    pub last_answered: Option<i64>,
}

/// What a checker round should do at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Check now: every open check rides along (one call costs the same whatever it holds);
    /// `kind` is the most urgent due one's, which decides the budget tier.
    Check { kind: CheckKind },
    /// Nothing due before this time.
    Wait { until_ms: i64 },
    /// No open check needs a check.
    Idle,
}

/// Which open checks are due at `now`, by the watcher's own cadence.
pub(crate) fn plan(schedule: &Schedule, open: &[Open], now: i64) -> Plan {
    let mut earliest: Option<i64> = None;
    let mut top: Option<CheckKind> = None;
    for o in open {
        let Some(due) = schedule.next_check(o.phase, o.last_answered) else {
            continue;
        };
        if due.at_ms <= now.saturating_add(schedule.coalesce_ms) {
            top = Some(match (top, due.kind) {
                (Some(CheckKind::Final), _) | (_, CheckKind::Final) => CheckKind::Final,
                _ => CheckKind::Regular,
            });
        }
        earliest = Some(earliest.map_or(due.at_ms, |e| e.min(due.at_ms)));
    }
    match (top, earliest) {
        (Some(kind), _) => Plan::Check { kind },
        (None, Some(until_ms)) => Plan::Wait { until_ms },
        (None, None) => Plan::Idle,
    }
}

/// What the shop database records for an answer about a sale expiring at `expires_ms`: a
/// payment or a failure ends the check; "not found" only from the sale's final check on (its
/// owner then expires it); before that, nothing (the check stays open).
pub(crate) fn ending(
    outcome: &CheckOutcome,
    expires_ms: i64,
    schedule: &Schedule,
    now: i64,
) -> Option<Outcome> {
    match outcome {
        CheckOutcome::Paid(tx) => Some(Outcome::Paid(details(tx))),
        CheckOutcome::Failed => Some(Outcome::Failed),
        CheckOutcome::NotFound | CheckOutcome::StaticQr => {
            (now >= expires_ms.saturating_add(schedule.final_delay_ms)).then_some(Outcome::NotFound)
        }
    }
}

/// The answer a result stands for, for the watcher's verdict; `None` for a close.
fn answer_of(outcome: Outcome) -> Option<CheckOutcome> {
    Some(match outcome {
        Outcome::Paid(p) => CheckOutcome::Paid(Box::new(transaction(p))),
        Outcome::Failed => CheckOutcome::Failed,
        Outcome::NotFound => CheckOutcome::NotFound,
        Outcome::Closed => return None,
    })
}

fn transaction(p: PaymentDetails) -> Transaction {
    Transaction {
        hash: p.hash,
        from_account_id: p.payer_account,
        to_account_id: p.payee_account,
        amount: p.amount,
        description: None,
        created_ms: p.created_ms,
        acknowledged_ms: p.acknowledged_ms,
        external_ref: p.external_ref,
        instruction_ref: p.instruction_ref,
        tracking_status: None,
        receiver_bank: None,
        receiver_bank_account: None,
    }
}

/// Starts the task; it stops when the watcher does (or on abort).
pub(crate) fn spawn(
    shared: Arc<Shared>,
    schedule: Schedule,
    commands: &mpsc::UnboundedSender<Command>,
) -> Result<Option<tokio::task::JoinHandle<()>>, crate::CoreError> {
    let Some(shop_db) = &shared.config.shop_db else {
        return Ok(None);
    };
    let db = shop_db
        .connection()?
        .with_application_name(&format!("khqr-pos {} checker", shared.config.terminal_id));
    let elected = Elected {
        budget: Budget {
            daily: shared.config.bakong.daily_check_budget,
            reserve: shared.config.bakong.check_reserve,
        },
        shared,
        schedule,
        db,
        commands: commands.downgrade(),
        registered: BTreeMap::new(),
        last_result: 0,
        answered: BTreeMap::new(),
        blocked_until: i64::MIN,
        failures: 0,
    };
    Ok(Some(tokio::spawn(elected.run())))
}

struct Elected {
    shared: Arc<Shared>,
    schedule: Schedule,
    budget: Budget,
    db: ShopDb,
    /// Weak, so the watcher still stops when the POS drops its commands.
    commands: mpsc::WeakUnboundedSender<Command>,
    /// This counter's sales registered in the shop database and not ended, with when each
    /// expires.
    registered: BTreeMap<SaleId, i64>,
    /// The last result row read.
    last_result: i64,
    /// As the checker: when each open check (terminal, sale) last got an answer.
    answered: BTreeMap<(String, i64), i64>,
    /// As the checker: no Bakong call before this (after a fault or a refused budget).
    blocked_until: i64,
    failures: u32,
}

impl Elected {
    async fn run(mut self) {
        let mut link: Option<(Shop, mpsc::UnboundedReceiver<String>)> = None;
        // A new sale is registered at once, before its first check is due: until then the
        // watcher would check it itself.
        let mut sales = self.shared.events.subscribe();
        loop {
            if self.commands.upgrade().is_none() {
                return;
            }
            if link.as_ref().is_none_or(|(shop, _)| shop.is_closed()) {
                link = match tokio::time::timeout(DB_TIMEOUT, Shop::open_listening(&self.db)).await
                {
                    Ok(Ok(opened)) => Some(opened),
                    Ok(Err(error)) => {
                        tracing::debug!(%error, "shop database unreachable for the shared checks");
                        None
                    }
                    Err(_elapsed) => None,
                };
            }
            let mut wake_at = Instant::now() + TICK;
            match &mut link {
                Some((shop, heard)) => match self.tick(shop).await {
                    Ok(next) => {
                        wake_at = wake_at.min(next);
                        let terminal = &self.shared.config.terminal_id;
                        // Woken early by a result for this counter, or a sale's change.
                        loop {
                            tokio::select! {
                                note = heard.recv() => match note {
                                    Some(t) if &t == terminal => break,
                                    Some(_) => {}
                                    None => break,
                                },
                                event = sales.recv() => match event {
                                    Ok(PosEvent::SaleUpdated { .. })
                                    | Err(broadcast::error::RecvError::Lagged(_)) => break,
                                    Ok(_) => {}
                                    Err(broadcast::error::RecvError::Closed) => return,
                                },
                                () = tokio::time::sleep_until(wake_at) => break,
                            }
                        }
                        continue;
                    }
                    Err(error) => {
                        tracing::warn!(%error, "shared checks: the shop database link failed");
                        link = None;
                        self.uncover();
                    }
                },
                None => self.uncover(),
            }
            tokio::time::sleep_until(wake_at).await;
        }
    }

    /// The link is down: the watcher checks this counter's sales itself again, now.
    fn uncover(&self) {
        if self
            .shared
            .coverage
            .set(&self.registered, self.shared.now_ms(), None)
        {
            self.send(Command::Wake);
        }
    }

    fn send(&self, command: Command) {
        if let Some(commands) = self.commands.upgrade() {
            let _ = commands.send(command);
        }
    }

    /// One exchange with the shop database: the lease, this counter's pending sales, its
    /// results, and, as the checker, a round. Returns when to come back.
    async fn tick(&mut self, shop: &Shop) -> Result<Instant, String> {
        let me = self.shared.config.terminal_id.clone();
        let lease = timed(shop.claim_checker(&me, LEASE_TTL)).await?;
        self.register(shop).await?;
        self.read_results(shop).await?;
        let live = lease.is_live(Instant::now()).then_some(lease.acting_until);
        if self
            .shared
            .coverage
            .set(&self.registered, self.shared.now_ms(), live)
        {
            self.send(Command::Wake);
        }
        if !lease.is_held_by(&me, Instant::now()) {
            self.answered.clear();
            return Ok(Instant::now() + TICK);
        }
        self.check_round(shop, &lease).await
    }

    /// Registers this counter's pending sales, and closes those that left pending here
    /// (cancelled, or settled by its own check while uncovered).
    async fn register(&mut self, shop: &Shop) -> Result<(), String> {
        let sales = self
            .shared
            .store
            .run(|s| s.unresolved(i64::MAX))
            .await
            .map_err(|e| e.to_string())?;
        let me = self.shared.config.terminal_id.clone();
        let pending: BTreeMap<SaleId, &pos_store::Sale> = sales
            .iter()
            .filter(|s| {
                matches!(
                    s.status,
                    SaleStatus::Pending | SaleStatus::AcceptedUnverified
                )
            })
            .map(|s| (s.id, s))
            .collect();
        for (id, sale) in &pending {
            if self.registered.contains_key(id) {
                continue;
            }
            let check = PendingCheck {
                terminal_id: me.clone(),
                sale_id: id.0,
                md5: sale.md5.clone(),
                created_ms: sale.created_ms,
                expires_ms: sale.expires_ms,
            };
            timed(shop.add_pending_check(&check)).await?;
            self.registered.insert(*id, sale.expires_ms);
        }
        let gone: Vec<SaleId> = self
            .registered
            .keys()
            .filter(|id| !pending.contains_key(id))
            .copied()
            .collect();
        for id in gone {
            timed(shop.add_check_result(&me, &me, id.0, &Outcome::Closed)).await?;
            self.registered.remove(&id);
        }
        Ok(())
    }

    /// Hands the results for this counter's sales to the watcher, in order.
    async fn read_results(&mut self, shop: &Shop) -> Result<(), String> {
        let me = self.shared.config.terminal_id.clone();
        for result in timed(shop.check_results(&me, self.last_result)).await? {
            self.last_result = result.id;
            let id = SaleId(result.sale_id);
            self.registered.remove(&id);
            if let Some(answer) = answer_of(result.outcome) {
                tracing::info!(sale = id.0, by = %result.checked_by, "shared check result");
                self.send(Command::Settle(id, Box::new(answer)));
            }
        }
        Ok(())
    }

    /// As the checker: checks every open check of the shop when one is due, in one call.
    async fn check_round(&mut self, shop: &Shop, lease: &Lease) -> Result<Instant, String> {
        let now = self.shared.now_ms();
        let mut open = timed(shop.open_checks(now.saturating_sub(HORIZON_MS), MAX_LIST)).await?;
        self.answered.retain(|key, _| {
            open.iter()
                .any(|o| (&o.terminal_id, o.sale_id) == (&key.0, key.1))
        });
        let plans: Vec<Open> = open
            .iter()
            .map(|o| Open {
                phase: Phase::Pending {
                    created_ms: o.created_ms,
                    expires_ms: o.expires_ms,
                },
                last_answered: self
                    .answered
                    .get(&(o.terminal_id.clone(), o.sale_id))
                    .copied(),
            })
            .collect();
        let kind = match plan(&self.schedule, &plans, now) {
            Plan::Check { kind } if now >= self.blocked_until => kind,
            Plan::Check { .. } => return Ok(after_ms(self.blocked_until - now)),
            Plan::Wait { until_ms } => return Ok(after_ms(until_ms - now)),
            Plan::Idle => return Ok(Instant::now() + TICK),
        };
        let day = self.shared.day(now);
        let limit = self.budget.limit(kind);
        match self
            .shared
            .gate
            .spend(&self.shared.store, day, now, limit)
            .await
        {
            Ok(true) => {}
            Ok(false) | Err(_) => {
                // The shop's budget is spent for now: look again later, not every tick.
                self.blocked_until = now.saturating_add(self.schedule.backoff_ms(1, None));
                return Ok(after_ms(self.blocked_until - now));
            }
        }
        let answers = self.ask(&open).await;
        let now = self.shared.now_ms();
        let answers = match answers {
            Ok(answers) => answers,
            Err(error) => {
                self.failures = self.failures.saturating_add(1);
                self.blocked_until =
                    now.saturating_add(self.schedule.backoff_ms(self.failures, None));
                tracing::warn!(%error, "the shop's checker cannot reach Bakong");
                return Ok(after_ms(self.blocked_until - now));
            }
        };
        self.failures = 0;
        let me = self.shared.config.terminal_id.clone();
        for (check, answer) in open.drain(..).zip(answers) {
            let Ok(outcome) = answer else { continue };
            let key = (check.terminal_id.clone(), check.sale_id);
            match ending(&outcome, check.expires_ms, &self.schedule, now) {
                Some(result) => {
                    if !timed(shop.add_check_result(
                        &me,
                        &check.terminal_id,
                        check.sale_id,
                        &result,
                    ))
                    .await?
                    {
                        tracing::info!(
                            term = lease.term,
                            "a check result was not taken (ended already, or the lease lost)"
                        );
                    }
                }
                None => {
                    self.answered.insert(key, now);
                }
            }
        }
        Ok(Instant::now())
    }

    /// One call for every open check: the md5-list endpoint, or the single check for one.
    async fn ask(
        &self,
        open: &[PendingCheck],
    ) -> Result<Vec<Result<CheckOutcome, pos_bakong::BakongError>>, pos_bakong::BakongError> {
        let client = &self.shared.client;
        if let [one] = open {
            return Ok(vec![client.check_transaction_by_md5(&one.md5).await]);
        }
        let md5s: Vec<&str> = open.iter().map(|o| o.md5.as_str()).collect();
        let list = client.check_transaction_by_md5_list(&md5s).await?;
        Ok(list.items.into_iter().map(|item| item.outcome).collect())
    }
}

fn after_ms(ms: i64) -> Instant {
    Instant::now() + Duration::from_millis(u64::try_from(ms.max(0)).unwrap_or_default())
}

/// One exchange with the shop database, bounded by [`DB_TIMEOUT`]; a failure is its message.
async fn timed<T>(
    call: impl std::future::Future<Output = pos_sync::Result<T>>,
) -> Result<T, String> {
    match tokio::time::timeout(DB_TIMEOUT, call).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_elapsed) => Err("the shop database did not answer in time".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(created_ms: i64, last_answered: Option<i64>) -> Open {
        Open {
            phase: Phase::Pending {
                created_ms,
                expires_ms: created_ms + 300_000,
            },
            last_answered,
        }
    }

    #[test]
    fn a_round_is_due_when_any_open_check_is_and_takes_the_most_urgent_kind() {
        let s = Schedule::default();
        assert_eq!(plan(&s, &[], 0), Plan::Idle);
        // The first check comes 6 s after the QR.
        assert_eq!(
            plan(&s, &[open(0, None)], 0),
            Plan::Wait { until_ms: 6_000 }
        );
        assert_eq!(
            plan(&s, &[open(0, None), open(10_000, None)], 6_000),
            Plan::Check {
                kind: CheckKind::Regular
            }
        );
        // One sale at its final check makes the round a final one.
        let expired = open(-400_000, Some(-100_000));
        assert_eq!(
            plan(&s, &[open(0, Some(6_000)), expired], 6_500),
            Plan::Check {
                kind: CheckKind::Final
            }
        );
        // A sale answered at its final check needs nothing more from the checker.
        assert_eq!(plan(&s, &[open(-400_000, Some(0))], 0), Plan::Idle);
    }

    #[test]
    fn coverage_is_the_registered_sales_the_checker_still_looks_at_while_a_lease_is_live() {
        let coverage = Coverage::default();
        let now = 10 * HORIZON_MS;
        let sales = BTreeMap::from([(SaleId(1), now + 60_000), (SaleId(2), now - HORIZON_MS)]);
        let live = Instant::now() + Duration::from_secs(60);
        assert!(!coverage.set(&sales, now, Some(live)));
        assert!(coverage.covers(SaleId(1)));
        // Expired an hour ago: the checker leaves it, so its own watcher keeps it.
        assert!(!coverage.covers(SaleId(2)));
        assert!(!coverage.covers(SaleId(3)));
        // The lease lapses: the watcher is told to plan its sales again, once.
        assert!(coverage.set(&sales, now, None));
        assert!(!coverage.covers(SaleId(1)));
        assert!(!coverage.set(&sales, now, None));
        // A lease known to have ended covers nothing either.
        assert!(!coverage.set(&sales, now, Some(Instant::now())));
        assert!(!coverage.covers(SaleId(1)));
    }

    #[test]
    fn not_found_ends_a_check_only_from_the_final_check_on() {
        let s = Schedule::default();
        let expires = 300_000;
        assert_eq!(ending(&CheckOutcome::NotFound, expires, &s, expires), None);
        assert_eq!(
            ending(
                &CheckOutcome::NotFound,
                expires,
                &s,
                expires + s.final_delay_ms
            ),
            Some(Outcome::NotFound)
        );
        assert_eq!(
            ending(&CheckOutcome::Failed, expires, &s, 0),
            Some(Outcome::Failed)
        );
    }

    #[test]
    fn a_paid_result_carries_the_payment_as_reported_and_back() {
        let tx = Transaction {
            hash: "ab".repeat(32),
            from_account_id: Some("payer@abaa".into()),
            to_account_id: Some("shop@devb".into()),
            amount: pos_domain::Money::new(4_000, pos_domain::Currency::Khr),
            description: None,
            created_ms: Some(1),
            acknowledged_ms: Some(2),
            external_ref: Some("x".into()),
            instruction_ref: Some("y".into()),
            tracking_status: None,
            receiver_bank: None,
            receiver_bank_account: None,
        };
        let paid = CheckOutcome::Paid(Box::new(tx));
        let Some(result) = ending(&paid, 0, &Schedule::default(), 0) else {
            panic!("a payment ends the check")
        };
        assert_eq!(answer_of(result), Some(paid));
        assert_eq!(answer_of(Outcome::Closed), None);
    }
}
