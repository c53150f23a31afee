//! One round of checks: which sales are due, spending the daily budget, one md5-list call
//! for many sales (or single checks when that endpoint is unusable), backoff after a fault,
//! token renewal ahead of expiry, and applying each answer's [`verdict`] to the ledger.

use pos_bakong::{BakongError, CheckOutcome, MAX_LIST};
use pos_store::{Applied, SaleId};

use super::verdict::{check_record, list_endpoint_broken, reason_of, verdict, Expected};
use super::Watcher;
use crate::schedule::{CheckKind, Due};
use crate::views::{CannotVerifyReason, PosEvent, RecheckView, Verification};

/// After the md5-list endpoint failed, single checks are used for this long.
const LIST_RETRY_MS: i64 = 3_600_000;
/// Renew the token this many days before it expires.
const RENEW_DAYS_BEFORE: i64 = 7;

/// One check's answer for one sale: a verdict, or why there is none.
type Answer = Result<CheckOutcome, BakongError>;

/// How a list round ended.
pub(super) enum ListResult {
    /// Every sale in the batch got its answer (or its per-item error).
    Done,
    /// The endpoint itself is unusable here; check the sales one by one.
    Unusable,
    /// A fault or a spent budget: stop this round.
    Stop,
}

impl Watcher {
    /// Checks the due sales (all of them when `manual`), spending budget.
    pub(super) async fn round(&mut self, manual: bool) -> RecheckView {
        let now = self.shared.now_ms();
        if manual {
            self.blocked_until = None;
            self.failures = 0;
        } else if self.paced_from().is_some_and(|from| now < from) {
            return RecheckView {
                sales: 0,
                checks_spent: 0,
                answered: 0,
            };
        }
        let used = self.checks_used(now).await;
        let mut due: Vec<(SaleId, CheckKind, i64)> = self
            .sales
            .iter()
            .filter(|(id, w)| manual || !self.covered(**id, w))
            .filter_map(|(id, w)| {
                let due = if manual {
                    // Every sale the schedule still has a check for, now, as if final.
                    let next = self.schedule.next_check(w.phase, w.last_answered)?;
                    Due {
                        at_ms: next.at_ms.min(now),
                        kind: CheckKind::Final,
                    }
                } else {
                    self.schedule
                        .next_allowed(w.phase, w.last_answered, |kind| {
                            self.budget.allows(kind, used)
                        })?
                };
                (manual || due.at_ms <= now + self.schedule.coalesce_ms)
                    .then_some((*id, due.kind, due.at_ms))
                    .filter(|_| self.budget.allows(due.kind, used))
            })
            .collect();
        due.sort_by_key(|(_, _, at)| *at);
        let mut report = RecheckView {
            sales: due.len(),
            checks_spent: 0,
            answered: 0,
        };
        if due.is_empty() {
            return report;
        }
        self.renew_if_expiring(now).await;
        let top = due
            .iter()
            .map(|(_, kind, _)| *kind)
            .min_by_key(|kind| match kind {
                CheckKind::Final => 0,
                CheckKind::Regular => 1,
                CheckKind::Late => 2,
            })
            .unwrap_or(CheckKind::Regular);
        let limit = self.budget.limit(top);

        let mut singles: Vec<SaleId> = due.iter().map(|(id, _, _)| *id).collect();
        if now >= self.list_usable_at && self.sales.len() >= 2 {
            // Every pending sale rides along: one call costs the same whatever it holds.
            let mut batch = singles.clone();
            for (id, w) in &self.sales {
                if w.is_pending() && !batch.contains(id) && (manual || !self.covered(*id, w)) {
                    batch.push(*id);
                }
            }
            batch.truncate(MAX_LIST);
            if batch.len() >= 2 {
                match self.list_round(&batch, limit, &mut report).await {
                    ListResult::Done => {
                        singles.retain(|id| !batch.contains(id));
                    }
                    ListResult::Unusable => {}
                    ListResult::Stop => return self.finish_round(report, used),
                }
            }
        }
        for id in singles {
            if !self.single(id, limit, &mut report).await {
                break;
            }
        }
        self.finish_round(report, used)
    }

    /// One single-md5 check for sale `id`; false when the round should stop (budget spent or
    /// a fault).
    pub(super) async fn single(
        &mut self,
        id: SaleId,
        limit: u32,
        report: &mut RecheckView,
    ) -> bool {
        let Some(md5) = self.sales.get(&id).map(|w| w.md5.clone()) else {
            return true;
        };
        if !self.spend(limit, report).await {
            return false;
        }
        self.shared.set_verification(Verification::Checking {
            sale_ids: vec![id.0],
        });
        let answer = self.shared.client.check_transaction_by_md5(&md5).await;
        let now = self.shared.now_ms();
        match answer {
            Ok(outcome) => {
                self.answered();
                report.answered += 1;
                self.settle(id, Ok(outcome), now, None).await;
                true
            }
            Err(error) => {
                self.settle(id, Err(error.clone()), now, None).await;
                self.fault(&error, now);
                false
            }
        }
    }

    /// Tries one md5-list call for `batch`.
    pub(super) async fn list_round(
        &mut self,
        batch: &[SaleId],
        limit: u32,
        report: &mut RecheckView,
    ) -> ListResult {
        if !self.spend(limit, report).await {
            return ListResult::Stop;
        }
        let md5s: Vec<String> = batch
            .iter()
            .filter_map(|id| self.sales.get(id).map(|w| w.md5.clone()))
            .collect();
        self.shared.set_verification(Verification::Checking {
            sale_ids: batch.iter().map(|id| id.0).collect(),
        });
        let answer = self
            .shared
            .client
            .check_transaction_by_md5_list(&md5s.iter().map(String::as_str).collect::<Vec<_>>())
            .await;
        let now = self.shared.now_ms();
        match answer {
            Ok(list) => {
                self.answered();
                for (id, item) in batch.iter().zip(list.items) {
                    if item.outcome.is_ok() {
                        report.answered += 1;
                    }
                    self.settle(*id, item.outcome, now, Some("list")).await;
                }
                ListResult::Done
            }
            Err(error) if list_endpoint_broken(&error) => {
                tracing::warn!(%error, "md5-list check failed; using single checks");
                self.shared
                    .set_last_error(format!("md5 list endpoint: {error}"));
                self.list_usable_at = now.saturating_add(LIST_RETRY_MS);
                ListResult::Unusable
            }
            Err(error) => {
                for id in batch {
                    self.settle(*id, Err(error.clone()), now, Some("list"))
                        .await;
                }
                self.fault(&error, now);
                ListResult::Stop
            }
        }
    }

    /// Spends one check if the day's budget (and the shop's, through the gate) allows; reports
    /// a spent budget otherwise.
    async fn spend(&mut self, limit: u32, report: &mut RecheckView) -> bool {
        let now = self.shared.now_ms();
        let day = self.shared.day(now);
        match self
            .shared
            .gate
            .spend(&self.shared.store, day, now, limit)
            .await
        {
            Ok(true) => {
                report.checks_spent += 1;
                if let Ok(used) = self.shared.store.run(move |s| s.checks_used(day)).await {
                    self.shared.emit(PosEvent::Budget {
                        used,
                        daily: self.budget.daily,
                    });
                }
                true
            }
            Ok(false) => {
                self.shared.set_verification(Verification::CannotVerify {
                    reason: CannotVerifyReason::Budget,
                    message: format!("the daily budget of {} checks is spent", self.budget.daily),
                    retry_at_ms: None,
                });
                false
            }
            Err(error) => {
                self.shared.set_last_error(error.to_string());
                false
            }
        }
    }

    pub(super) fn finish_round(&mut self, report: RecheckView, used_before: u32) -> RecheckView {
        let used = used_before.saturating_add(report.checks_spent);
        if report.checks_spent > 0 {
            self.last_round_ms = Some(self.shared.now_ms());
        }
        let starved = self.sales.values().any(|w| {
            self.schedule
                .next_check(w.phase, w.last_answered)
                .is_some_and(|due| !self.budget.allows(due.kind, used))
        });
        if self.blocked_until.is_none() && !starved {
            let next = self
                .sales
                .values()
                .filter_map(|w| self.schedule.next_check(w.phase, w.last_answered))
                .map(|due| due.at_ms)
                .min();
            for (id, w) in &self.sales {
                if let (true, Some(due)) = (
                    w.is_pending(),
                    self.schedule.next_check(w.phase, w.last_answered),
                ) {
                    self.shared.emit(PosEvent::NextCheck {
                        sale_id: id.0,
                        at_ms: due.at_ms,
                    });
                }
            }
            let state = if self.sales.is_empty() {
                Verification::Idle
            } else {
                Verification::Watching {
                    next_check_at_ms: next,
                }
            };
            self.shared.set_verification(state);
        }
        report
    }

    /// A reply arrived: the connection works again.
    fn answered(&mut self) {
        self.failures = 0;
        self.blocked_until = None;
        self.shared.clear_last_error();
    }

    /// A check failed without a verdict: back off and say why.
    fn fault(&mut self, error: &BakongError, now: i64) {
        self.failures = self.failures.saturating_add(1);
        let reason = reason_of(error);
        let retry_after = match error {
            BakongError::RateLimited {
                retry_after: Some(after),
            } => i64::try_from(after.as_millis()).ok(),
            BakongError::QuotaExceeded { .. } => Some(self.schedule.quota_pause_ms),
            _ => None,
        };
        let retry_at = now.saturating_add(self.schedule.backoff_ms(self.failures, retry_after));
        self.blocked_until = Some(retry_at);
        tracing::warn!(%error, failures = self.failures, "cannot verify payments");
        self.shared.set_last_error(error.to_string());
        self.shared.set_verification(Verification::CannotVerify {
            reason,
            message: error.to_string(),
            retry_at_ms: Some(retry_at),
        });
    }

    /// Renews the token ahead of expiry (at most once an hour), so it never lapses mid-day.
    pub(super) async fn renew_if_expiring(&mut self, now: i64) {
        let Some(token) = self.shared.client.token() else {
            return;
        };
        // Only a token whose expiry is known and near: an unreadable one may not be a JWT
        // at all (a relay's key), and renewing it hourly could revoke a working token.
        let expiring = token
            .expires_at()
            .is_some_and(|_| token.expires_within(now / 1_000, RENEW_DAYS_BEFORE));
        if self.shared.config.bakong.email.is_none()
            || !expiring
            || self.renew_tried_at.is_some_and(|at| now - at < 3_600_000)
        {
            return;
        }
        self.renew_tried_at = Some(now);
        if let Err(error) = self.shared.client.renew_token().await {
            tracing::warn!(%error, "token renewal before expiry failed");
            self.shared
                .set_last_error(format!("token renewal failed: {error}"));
        }
    }

    /// Logs the answer for one sale and applies its verdict to the ledger.
    pub(super) async fn settle(&mut self, id: SaleId, answer: Answer, now: i64, via: Option<&str>) {
        let record = check_record(&answer, now, via);
        if let Err(error) = self
            .shared
            .store
            .run(move |s| s.record_check(id, &record))
            .await
        {
            tracing::warn!(%error, sale = id.0, "cannot log a check");
        }
        let Some(watched) = self.sales.get(&id).cloned() else {
            return;
        };
        let outcome = match answer {
            Ok(outcome) => outcome,
            Err(_) => return,
        };
        if let Some(w) = self.sales.get_mut(&id) {
            w.last_answered = Some(now);
            w.answers = w.answers.saturating_add(1);
        }
        let expected = Expected {
            amount: watched.amount,
            phase: watched.phase,
            payee: &self.shared.config.merchant.account_id,
            final_delay_ms: self.schedule.final_delay_ms,
        };
        let events = verdict(&expected, &outcome, now);
        for (event, payment) in events {
            let applied = self
                .shared
                .store
                .run(move |s| s.apply_event(id, event, payment.as_ref(), now))
                .await;
            match applied {
                Ok(Applied::Changed { sale, .. }) => {
                    self.shared.emit_sale(&sale);
                    self.track(&sale);
                }
                Ok(Applied::Unchanged { sale }) => self.track(&sale),
                Err(error) => {
                    // Another process may have moved the sale on (e.g. a CLI and the app
                    // both watching): follow the ledger rather than fight it.
                    tracing::info!(%error, sale = id.0, "sale changed elsewhere");
                    if let Ok(Some(sale)) = self.shared.store.run(move |s| s.get(id)).await {
                        self.track(&sale);
                    }
                    break;
                }
            }
        }
        // A closed sale whose late rechecks are all done needs no more attention.
        if let Some(w) = self.sales.get(&id) {
            if self.schedule.next_check(w.phase, w.last_answered).is_none() && !w.is_pending() {
                self.sales.remove(&id);
            }
        }
    }
}
