//! Where the watcher's checks are counted, each before it is made: the ledger's daily counter
//! alone ([`LedgerGate`], a counter on its own), or the shop's one Bakong budget through the
//! shop database ([`ShopGate`], pos-sync's [`CheckBudget`]) when the configuration names one.
//! Either way the watcher's own tiers (the reserve kept for final checks) apply first. With the
//! shop's budget, what the shop has left for this counter ([`CheckGate::left`]) bounds what the
//! watcher plans with, so the pace and the reserve for final checks follow the shop's day, not
//! only this counter's own limit.

use std::future::Future;
use std::pin::Pin;

use pos_store::NaiveDate;
use pos_sync::{CheckBudget, Reservation, Shop, ShopDb, SyncError, RESERVE_TIMEOUT};

use crate::store::StoreHandle;
use crate::{Config, CoreError};

/// After the shop database could not be reached, the counter spends its own share without
/// trying again for this long, so an outage costs one timeout per interval, not per check.
const RECONNECT_MS: i64 = 30_000;

/// What [`CheckGate::spend`] returns: whether the check may be made (it is counted then).
pub(crate) type Spend<'a> = Pin<Box<dyn Future<Output = Result<bool, CoreError>> + Send + 'a>>;

/// The seam between the watcher and the budget it spends from.
pub(crate) trait CheckGate: Send + Sync {
    /// Spends one check of `day` (at `now_ms`) if this counter has spent fewer than `limit`
    /// checks that day and the budget behind the gate allows it. `false`: refused, nothing
    /// counted.
    fn spend<'a>(
        &'a self,
        store: &'a StoreHandle,
        day: NaiveDate,
        now_ms: i64,
        limit: u32,
    ) -> Spend<'a>;

    /// The checks of `day` this counter can still hope to spend when its ledger counts `used`,
    /// when the budget behind the gate knows less than the watcher's own limit; `None`: only
    /// that limit applies.
    fn left(&self, _day: NaiveDate, _used: u32) -> Option<u32> {
        None
    }
}

/// The gate `config` asks for: the shop's budget when it names a shop database.
pub(crate) fn for_config(config: &Config) -> Result<Box<dyn CheckGate>, CoreError> {
    Ok(match &config.shop_db {
        None => Box::new(LedgerGate),
        Some(shop_db) => Box::new(ShopGate {
            db: shop_db
                .connection()?
                .with_application_name(&format!("khqr-pos {}", config.terminal_id)),
            link: tokio::sync::Mutex::new(Link {
                budget: CheckBudget::new(&config.terminal_id, shop_db.offline_share),
                shop: None,
                retry_at_ms: i64::MIN,
            }),
        }),
    })
}

/// The ledger's daily counter, capped at the watcher's limit.
pub(crate) struct LedgerGate;

impl CheckGate for LedgerGate {
    fn spend<'a>(
        &'a self,
        store: &'a StoreHandle,
        day: NaiveDate,
        _now_ms: i64,
        limit: u32,
    ) -> Spend<'a> {
        Box::pin(store.run(move |s| s.try_spend_checks(day, 1, limit)))
    }
}

/// The shop's budget: its pool through the shop database first, else this counter's own
/// share (see [`CheckBudget`]).
pub(crate) struct ShopGate {
    db: ShopDb,
    link: tokio::sync::Mutex<Link>,
}

struct Link {
    budget: CheckBudget,
    shop: Option<Shop>,
    /// When a connection may be tried again (epoch ms).
    retry_at_ms: i64,
}

impl ShopGate {
    /// Connects when there is no live connection and the last failure is old enough.
    async fn connect(&self, link: &mut Link, now_ms: i64) {
        if link.shop.as_ref().is_some_and(Shop::is_closed) {
            link.shop = None;
        }
        if link.shop.is_some() || now_ms < link.retry_at_ms {
            return;
        }
        match tokio::time::timeout(RESERVE_TIMEOUT, Shop::open(&self.db)).await {
            Ok(Ok(shop)) => link.shop = Some(shop),
            Ok(Err(error)) => {
                tracing::warn!(%error, "shop database unreachable; spending this counter's own check share");
                link.retry_at_ms = now_ms.saturating_add(RECONNECT_MS);
            }
            Err(_elapsed) => {
                tracing::warn!(
                    "shop database did not answer; spending this counter's own check share"
                );
                link.retry_at_ms = now_ms.saturating_add(RECONNECT_MS);
            }
        }
    }
}

impl CheckGate for ShopGate {
    fn spend<'a>(
        &'a self,
        store: &'a StoreHandle,
        day: NaiveDate,
        now_ms: i64,
        limit: u32,
    ) -> Spend<'a> {
        Box::pin(async move {
            // One check at a time, so the count below is the one the limit was tested on.
            let mut link = self.link.lock().await;
            if store.run(move |s| s.checks_used(day)).await? >= limit {
                return Ok(false);
            }
            self.connect(&mut link, now_ms).await;
            let shop = link.shop.take();
            let reservation = match link.budget.reserve(shop.as_ref(), day, 1).await {
                Ok(reservation) => reservation,
                // The database answered but refused (a role for another terminal, say): the
                // own share is this counter's either way, so checking goes on from it.
                Err(error) => {
                    tracing::warn!(%error, "the shop's check pool refused; spending this counter's own check share");
                    Reservation::Unreachable
                }
            };
            if reservation == Reservation::Unreachable && shop.is_some() {
                link.retry_at_ms = now_ms.saturating_add(RECONNECT_MS);
            } else {
                link.shop = shop;
            }
            let budget = link.budget.clone();
            let spent = store
                .run(move |s| {
                    budget.count(s, day, 1, reservation).map_err(|e| match e {
                        SyncError::Store(e) => CoreError::from(e),
                        other => CoreError::Task(other.to_string()),
                    })
                })
                .await?;
            Ok(matches!(spent, pos_sync::Spent::Granted(_)))
        })
    }

    fn left(&self, day: NaiveDate, used: u32) -> Option<u32> {
        // The watcher asks between its checks, never during one of its own spends; a spend in
        // flight (none in practice) leaves the watcher's own limit to apply until the next plan.
        self.link.try_lock().ok()?.budget.left(day, used)
    }
}
