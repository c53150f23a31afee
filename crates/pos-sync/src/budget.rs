//! One Bakong check budget for the shop. The rule ([`crate::BudgetRule`]): of the day's
//! `daily_limit` checks, each of at most `max_counters` counters owns `offline_share`, and the
//! rest is a pool shared through the shop database. A counter spends from the pool first (one
//! atomic reservation in PostgreSQL per check, `reserve_checks`), and from its own share when
//! the pool is spent or the shop database cannot be reached. Its own share is counted in its
//! own ledger: the day's checks it made minus those the pool granted it, as far as it knows
//! (the database's count of its grants, read on the day's first reservation after a start).
//! What it does not know (grants before a restart while the database is unreachable) counts
//! as spent from its own share, so the rule errs toward fewer checks, never more:
//! pool grants ≤ `daily_limit − max_counters × offline_share`, and each counter's own-share
//! checks ≤ `offline_share`, so the shop never spends more than `daily_limit` a day.

use std::time::Duration;

use pos_store::{NaiveDate, Store};
use serde::Serialize;

use crate::{Result, Shop, SyncError};

/// How long a reservation may take before the counter treats the shop database as
/// unreachable: a check is due now, and the pool answers in milliseconds when it answers.
pub const RESERVE_TIMEOUT: Duration = Duration::from_secs(2);

/// Where a granted check came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The shop's pool, through the shop database.
    Pool,
    /// This counter's own share, counted in its ledger.
    OwnShare,
}

/// The answer to [`CheckBudget::spend`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Spent {
    /// The checks may be made; they are counted.
    Granted(Source),
    /// No check left today for this counter; nothing counted.
    Refused,
}

impl Shop {
    /// Reserves `n` checks of `day` for `terminal_id` from the shop's pool, atomically (racing
    /// counters cannot both get the last one). `Some(left)`: granted, `left` remain in the
    /// pool; `None`: the pool cannot cover `n`, nothing counted. A counter's role may reserve
    /// for its own terminal only.
    pub async fn reserve_checks(
        &self,
        terminal_id: &str,
        day: NaiveDate,
        n: u32,
    ) -> Result<Option<u32>> {
        let n = i32::try_from(n).map_err(|_| SyncError::BadInput {
            reason: format!("{n} checks cannot be reserved at once"),
        })?;
        let row = self
            .client
            .query_one(
                "SELECT reserve_checks($1, $2::text::date, $3)",
                &[&terminal_id, &day.to_string(), &n],
            )
            .await?;
        let left: Option<i32> = row.try_get(0)?;
        Ok(left.map(|l| u32::try_from(l).unwrap_or_default()))
    }

    /// The checks of `day` the pool granted: to `terminal_id`, or to every counter.
    pub async fn pool_checks_used(&self, day: NaiveDate, terminal_id: Option<&str>) -> Result<u32> {
        let row = self
            .client
            .query_one(
                "SELECT coalesce(sum(n), 0)::integer FROM check_reservations \
                 WHERE day = $1::text::date AND ($2::text IS NULL OR terminal_id = $2)",
                &[&day.to_string(), &terminal_id],
            )
            .await?;
        let used: i32 = row.try_get(0)?;
        Ok(u32::try_from(used).unwrap_or_default())
    }
}

/// What the shop's pool answered [`CheckBudget::reserve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// The pool granted the checks.
    Pool,
    /// The pool is spent today; the counter's own share is left.
    PoolSpent,
    /// No connection, or no answer within [`RESERVE_TIMEOUT`].
    Unreachable,
}

/// One counter's side of the shop's budget: the pool first, then its own share.
#[derive(Debug, Clone)]
pub struct CheckBudget {
    terminal_id: String,
    offline_share: u32,
    /// Checks the pool granted this counter on that day: read from the shop database on the
    /// day's first reservation, then counted here.
    granted: Option<(NaiveDate, u32)>,
    /// What the pool had left on that day after its last answer to this counter.
    pool_left: Option<(NaiveDate, u32)>,
}

impl CheckBudget {
    /// The budget of `terminal_id`, which owns `offline_share` checks a day (the shop's
    /// [`crate::BudgetRule`], cached in the counter's configuration).
    pub fn new(terminal_id: &str, offline_share: u32) -> CheckBudget {
        CheckBudget {
            terminal_id: terminal_id.to_owned(),
            offline_share,
            granted: None,
            pool_left: None,
        }
    }

    /// The checks of `day` this counter can still hope to spend when it has counted `used` in
    /// its ledger: what the pool had left at its last answer (other counters may take some
    /// since) and what is left of its own share. `None` until the pool answered that day.
    pub fn left(&self, day: NaiveDate, used: u32) -> Option<u32> {
        let pool = match self.pool_left {
            Some((d, left)) if d == day => left,
            _ => return None,
        };
        let own = self
            .granted_on(day)
            .saturating_add(self.offline_share)
            .saturating_sub(used);
        Some(pool.saturating_add(own))
    }

    fn granted_on(&self, day: NaiveDate) -> u32 {
        match self.granted {
            Some((d, n)) if d == day => n,
            _ => 0,
        }
    }

    /// Spends `n` checks of `day`: from the pool through `hub` when it answers within
    /// [`RESERVE_TIMEOUT`], else from this counter's own share; every granted check is counted
    /// in `store` (the ledger's daily check counter). `hub` `None`: not connected. An error the
    /// shop database answered (a wrong role, say) is returned, not worked around.
    pub async fn spend(
        &mut self,
        hub: Option<&Shop>,
        store: &mut Store,
        day: NaiveDate,
        n: u32,
    ) -> Result<Spent> {
        let reservation = self.reserve(hub, day, n).await?;
        self.count(store, day, n, reservation)
    }

    /// The pool's half of [`CheckBudget::spend`], for a caller whose ledger cannot be held
    /// across an `await`: asks the pool through `hub` (at most [`RESERVE_TIMEOUT`]) and
    /// remembers a grant. Count the answer in the ledger with [`CheckBudget::count`].
    pub async fn reserve(
        &mut self,
        hub: Option<&Shop>,
        day: NaiveDate,
        n: u32,
    ) -> Result<Reservation> {
        let Some(shop) = hub else {
            return Ok(Reservation::Unreachable);
        };
        if self.granted.map(|(d, _)| d) != Some(day) {
            // After a start (or on a new day) the pool's earlier grants to this counter are
            // in the database, not in this value: without them the own share would look spent.
            let known = tokio::time::timeout(
                RESERVE_TIMEOUT,
                shop.pool_checks_used(day, Some(&self.terminal_id)),
            )
            .await;
            match known {
                Ok(Ok(n)) => self.granted = Some((day, n)),
                Ok(Err(SyncError::Db(e))) if e.as_db_error().is_none() => {
                    return Ok(Reservation::Unreachable)
                }
                Ok(Err(e)) => return Err(e),
                Err(_elapsed) => return Ok(Reservation::Unreachable),
            }
        }
        let reserved = tokio::time::timeout(
            RESERVE_TIMEOUT,
            shop.reserve_checks(&self.terminal_id, day, n),
        )
        .await;
        Ok(match reserved {
            Ok(Ok(Some(left))) => {
                let before = self.granted_on(day);
                self.granted = Some((day, before.saturating_add(n)));
                self.pool_left = Some((day, left));
                Reservation::Pool
            }
            // The pool is spent: the own share is this counter's either way.
            Ok(Ok(None)) => {
                self.pool_left = Some((day, 0));
                Reservation::PoolSpent
            }
            Ok(Err(SyncError::Db(e))) if e.as_db_error().is_none() => Reservation::Unreachable,
            Ok(Err(e)) => return Err(e),
            Err(_elapsed) => Reservation::Unreachable,
        })
    }

    /// The ledger's half of [`CheckBudget::spend`]: counts `n` checks of `day` in `store`, the
    /// pool's grant whole, else within this counter's own share.
    pub fn count(
        &self,
        store: &mut Store,
        day: NaiveDate,
        n: u32,
        reservation: Reservation,
    ) -> Result<Spent> {
        if reservation == Reservation::Pool {
            // The pool already capped it; the ledger counts it so that the own share below
            // is what is left after it.
            store.try_spend_checks(day, n, u32::MAX)?;
            return Ok(Spent::Granted(Source::Pool));
        }
        let allowed = self.granted_on(day).saturating_add(self.offline_share);
        Ok(if store.try_spend_checks(day, n, allowed)? {
            Spent::Granted(Source::OwnShare)
        } else {
            Spent::Refused
        })
    }
}
