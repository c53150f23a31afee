//! The shop's riel rate: set once by the owner in the shop database (migration 0005, through
//! `set_shop_rate`, which refuses a counter's role) and cached at every counter, which copies a
//! new shop rate into its own ledger's rate log when it pushes, so its next sales freeze it.
//! A counter cut off keeps selling at the rate it cached last.

use pos_cash::Rate;
use pos_store::{Actor, RateChange, Store};
use serde::Serialize;

use crate::{Result, Shop, SyncError};

/// The shop rate in force: the latest row of `shop_rates`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShopRate {
    /// Riel per dollar.
    pub riel_per_usd: i64,
    /// When the owner set it (epoch ms, the database's clock).
    pub set_at_ms: i64,
    /// The role that set it.
    pub set_by: String,
}

impl Shop {
    /// Logs `rate` as the shop's rate (a new row; none is ever changed). Only the owner's role
    /// may: a counter's role is refused by the database, nothing written.
    pub async fn set_shop_rate(&self, rate: Rate) -> Result<ShopRate> {
        // Rate keeps 1,000–10,000: it fits an integer column.
        let riel = i32::try_from(rate.riel_per_usd()).map_err(|_| SyncError::BadInput {
            reason: format!("rate {} is out of range", rate.riel_per_usd()),
        })?;
        self.client
            .execute("SELECT set_shop_rate($1)", &[&riel])
            .await?;
        self.shop_rate().await?.ok_or(SyncError::Corrupt {
            column: "shop_rates",
            value: "no row after set_shop_rate".into(),
        })
    }

    /// The shop rate in force, or `None` before the owner set one.
    pub async fn shop_rate(&self) -> Result<Option<ShopRate>> {
        let row = self
            .client
            .query_opt(
                "SELECT riel_per_usd::bigint, \
                 (extract(epoch FROM set_at) * 1000)::bigint, set_by \
                 FROM shop_rates ORDER BY id DESC LIMIT 1",
                &[],
            )
            .await?;
        row.map(|row| {
            Ok(ShopRate {
                riel_per_usd: row.try_get(0)?,
                set_at_ms: row.try_get(1)?,
                set_by: row.try_get(2)?,
            })
        })
        .transpose()
    }
}

/// Caches `shop`'s rate at this counter: when it differs from the ledger's latest rate, logs it
/// (as the owner's, at the time the owner set it) so later sales freeze it. Returns the entry
/// logged, `None` when the ledger already has it or the shop has no rate yet.
pub fn cache_shop_rate(store: &mut Store, shop: Option<&ShopRate>) -> Result<Option<RateChange>> {
    let Some(shop) = shop else {
        return Ok(None);
    };
    let rate = Rate::new(shop.riel_per_usd).map_err(|_| SyncError::Corrupt {
        column: "shop_rates.riel_per_usd",
        value: shop.riel_per_usd.to_string(),
    })?;
    if store
        .current_rate()?
        .is_some_and(|local| local.rate == rate)
    {
        return Ok(None);
    }
    Ok(Some(store.set_rate(rate, shop.set_at_ms, Actor::Owner)?))
}
