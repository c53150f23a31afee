//! The automatic push to the shop database, when the configuration names one: a background
//! task that pushes this counter's new ledger events (pos-sync's [`Shop::push_from`], exactly
//! once) shortly after a sale changes, and finds what else was written (refunds, shift closes,
//! another process's sales) by looking at the ledger every [`POLL_MS`]. Nothing waits for it:
//! a sale is in the ledger before the push starts, a failure is kept for the health view and
//! retried with a growing pause, and a push cut short rolls back in PostgreSQL and resumes from
//! what the shop database holds. Every cycle also looks at what the owner set for the whole
//! shop: the rate (cached into the rate log) and the cashier accounts (the events not seen
//! since the start, cached into this counter's accounts), so a cashier the owner disabled is
//! refused here within a cycle, and one added signs in here, also later, cut off.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use pos_sync::{Shop, ShopDb, SyncError};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use tokio::time::Instant;

use crate::clock::Clock;
use crate::store::StoreHandle;
use crate::views::PosEvent;
use crate::{Config, CoreError};

/// How long after a sale's change the push starts, so a burst of changes (a sale paid, its
/// receipt, the next sale) goes in one push.
const DEBOUNCE_MS: u64 = 300;
/// How often the ledger is looked at for events no sale change announced.
pub(crate) const POLL_MS: u64 = 5_000;
/// The pause after the first failed push; it doubles up to [`MAX_RETRY_MS`].
const FIRST_RETRY_MS: u64 = 1_000;
const MAX_RETRY_MS: u64 = 60_000;
/// Events per transaction.
const BATCH: u32 = 500;

/// The automatic push as the health view shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShopSyncView {
    /// The last of this counter's events the shop database is known to hold (0: none yet).
    pub pushed_up_to: i64,
    /// When the last push succeeded (epoch ms).
    pub last_push_at_ms: Option<i64>,
    /// Why the last push failed, until one succeeds, or why the shop's cashier events were
    /// refused in the last cycle.
    pub last_error: Option<String>,
    /// When it failed (epoch ms).
    pub last_error_at_ms: Option<i64>,
    /// Pushes failed in a row.
    pub failures: u32,
}

/// The running push task and what it last did.
pub(crate) struct ShopSync {
    status: Arc<Mutex<ShopSyncView>>,
    task: tokio::task::JoinHandle<()>,
}

impl ShopSync {
    /// Starts pushing when `config` names a shop database.
    pub(crate) fn start(
        config: &Config,
        store: StoreHandle,
        clock: Arc<dyn Clock>,
        events: broadcast::Receiver<PosEvent>,
    ) -> Result<Option<ShopSync>, CoreError> {
        let Some(shop_db) = &config.shop_db else {
            return Ok(None);
        };
        let status = Arc::new(Mutex::new(ShopSyncView::default()));
        let pusher = Pusher {
            db: shop_db
                .connection()?
                .with_application_name(&format!("khqr-pos {} push", config.terminal_id)),
            terminal_id: config.terminal_id.clone(),
            store,
            clock,
            status: Arc::clone(&status),
            shop: None,
            cashiers_up_to: 0,
        };
        Ok(Some(ShopSync {
            status,
            task: tokio::spawn(pusher.run(events)),
        }))
    }

    /// What the push last did.
    pub(crate) fn status(&self) -> ShopSyncView {
        self.status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Stops pushing. A push in flight rolls back in the shop database; the next start
    /// resumes from what it holds.
    pub(crate) fn stop(&self) {
        self.task.abort();
    }
}

struct Pusher {
    db: ShopDb,
    terminal_id: String,
    store: StoreHandle,
    clock: Arc<dyn Clock>,
    status: Arc<Mutex<ShopSyncView>>,
    shop: Option<Shop>,
    /// The last shop cashier event cached since the start (0: none; after a start every event
    /// is looked at again, which changes nothing already cached).
    cashiers_up_to: i64,
}

impl Pusher {
    async fn run(mut self, mut events: broadcast::Receiver<PosEvent>) {
        // Whatever the ledger holds from before this start goes first.
        let mut next = Instant::now();
        loop {
            tokio::select! {
                event = events.recv() => {
                    match event {
                        // Missed events changed the ledger too. While pushes fail, the
                        // retry's pause holds.
                        Ok(PosEvent::SaleUpdated { .. })
                        | Err(broadcast::error::RecvError::Lagged(_)) => {
                            if self.status().failures == 0 {
                                next = next.min(Instant::now() + Duration::from_millis(DEBOUNCE_MS));
                            }
                        }
                        Ok(_) => {}
                        // The POS is gone.
                        Err(broadcast::error::RecvError::Closed) => return,
                    }
                    continue;
                }
                () = tokio::time::sleep_until(next) => {}
            }
            let wait_ms = match self.push_pending().await {
                Ok(()) => POLL_MS,
                Err(error) => self.failed(&error),
            };
            next = Instant::now() + Duration::from_millis(wait_ms);
        }
    }

    /// Pushes what the shop database lacks, when the ledger has anything it lacks, then caches
    /// the shop's settings.
    async fn push_pending(&mut self) -> Result<(), SyncError> {
        // Nothing after what the shop database is known to hold: nothing to push. (After a
        // start that is nothing at all; the push itself re-reads its mark from PostgreSQL.)
        let known = self.status().pushed_up_to;
        let waiting = !read(self.store.clone(), self.terminal_id.clone(), known, 1)
            .await?
            .is_empty();
        if self.shop.as_ref().is_none_or(Shop::is_closed) {
            self.shop = Some(Shop::open(&self.db).await?);
        }
        let Some(shop) = self.shop.as_mut() else {
            return Ok(());
        };
        let store = self.store.clone();
        let terminal_id = self.terminal_id.clone();
        let report = if waiting {
            shop.push_from(&self.terminal_id, BATCH, move |after, n| {
                read(store.clone(), terminal_id.clone(), after, n)
            })
            .await
        } else {
            Ok(pos_sync::PushReport {
                high_water: known,
                ..pos_sync::PushReport::default()
            })
        };
        // The shop's settings, every cycle, pushed or not.
        let shop = &*shop;
        let cached = async {
            let report = report?;
            cache_rate(shop, self.store.clone()).await?;
            let cashiers = cache_cashiers(shop, self.store.clone(), self.cashiers_up_to).await?;
            Ok::<_, SyncError>((report, cashiers))
        }
        .await;
        let (report, cashiers) = match cached {
            Ok(done) => done,
            Err(error) => {
                // A cut link or a refusal: the next try starts on a new connection.
                self.shop = None;
                return Err(error);
            }
        };
        if report.pushed > 0 {
            tracing::info!(
                pushed = report.pushed,
                up_to = report.high_water,
                "pushed to the shop database"
            );
        }
        self.cashiers_up_to = cashiers.up_to;
        // A refused cashier event is shown as the last error, without slowing the pushes, and
        // looked at again next cycle; the events around it are cached.
        let refused = cashiers.refusal().err().map(|e| {
            tracing::warn!(error = %e, "a shop cashier event is refused");
            e.to_string()
        });
        let now = self.clock.now_ms();
        let mut status = self.status.lock().unwrap_or_else(|e| e.into_inner());
        *status = ShopSyncView {
            pushed_up_to: report.high_water,
            last_push_at_ms: Some(now),
            last_error_at_ms: refused.is_some().then_some(now),
            last_error: refused,
            ..ShopSyncView::default()
        };
        Ok(())
    }

    fn status(&self) -> ShopSyncView {
        self.status
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Records a failed push; returns how long to wait before the next try.
    fn failed(&self, error: &SyncError) -> u64 {
        tracing::warn!(%error, "push to the shop database failed; retrying");
        let now = self.clock.now_ms();
        let mut status = self.status.lock().unwrap_or_else(|e| e.into_inner());
        status.failures = status.failures.saturating_add(1);
        status.last_error = Some(error.to_string());
        status.last_error_at_ms = Some(now);
        FIRST_RETRY_MS
            .saturating_mul(1 << status.failures.saturating_sub(1).min(6))
            .min(MAX_RETRY_MS)
    }
}

/// Copies the shop's rate into the ledger's rate log when it differs from the latest there,
/// so the next sales freeze it (pos-sync's [`pos_sync::cache_shop_rate`]).
async fn cache_rate(shop: &Shop, store: StoreHandle) -> Result<(), SyncError> {
    let rate = shop.shop_rate().await?;
    let logged = store
        .run(move |s| pos_sync::cache_shop_rate(s, rate.as_ref()))
        .await
        .map_err(|e| SyncError::Ledger {
            reason: e.to_string(),
        })?;
    if let Some(change) = logged {
        tracing::info!(
            riel_per_usd = change.rate.riel_per_usd(),
            "the shop rate is cached in the ledger"
        );
    }
    Ok(())
}

/// Caches the shop's cashier events after `after` into this counter's accounts (pos-sync's
/// [`pos_sync::cache_shop_cashiers`]), and says what it did.
async fn cache_cashiers(
    shop: &Shop,
    store: StoreHandle,
    after: i64,
) -> Result<pos_sync::CashiersCached, SyncError> {
    let events = shop.shop_cashier_events(after).await?;
    if events.is_empty() {
        return Ok(pos_sync::CashiersCached {
            up_to: after,
            ..pos_sync::CashiersCached::default()
        });
    }
    let cached = store
        .run(move |s| pos_sync::cache_shop_cashiers(s, &events))
        .await
        .map_err(|e| SyncError::Ledger {
            reason: e.to_string(),
        })?;
    if !(cached.added.is_empty() && cached.disabled.is_empty()) {
        tracing::info!(
            added = ?cached.added,
            disabled = ?cached.disabled,
            "the shop's cashier accounts are cached"
        );
    }
    if !cached.clashes.is_empty() {
        tracing::warn!(
            names = ?cached.clashes,
            "this counter keeps its own cashier accounts under these names: the shop's are not \
             cached here"
        );
    }
    Ok(cached)
}

/// `terminal_id`'s events after `after`, at most `n`, read through the shared ledger handle.
async fn read(
    store: StoreHandle,
    terminal_id: String,
    after: i64,
    n: u32,
) -> Result<Vec<pos_store::LogEntry>, SyncError> {
    store
        .run(move |s| s.log_after(&terminal_id, after, n))
        .await
        .map_err(|e| SyncError::Ledger {
            reason: e.to_string(),
        })
}
