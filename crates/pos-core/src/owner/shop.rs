//! The owner's view of the whole shop from this counter: the day's takings of every counter
//! and of the shop (pos-sync's `Shop::shop_report`), and how far each counter's ledger reached
//! the shop database, with this counter's own waiting events and last push error. Read from
//! PostgreSQL with the counter's own `[shop_db]` connection (its role may read the owner view);
//! nothing is written. And the shop's riel rate: shown with who set it and when, and set by
//! the owner through the owner's role (`[shop_db] owner_url_file`, held only at the counter
//! the owner uses; a counter's role may not set it).

use pos_cash::{CashError, Rate};
use pos_sync::{Shop, Tender};
use serde::Serialize;

use super::review::shop_time;
use super::settings::field_error;
use crate::{CoreError, Money, Pos};

/// The shop-rate form's field, as its errors name it.
const RATE_FIELD: &str = "shopRate";

/// One line of the shop's day: a counter (or the shop), a tender (or all), one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ShopLine {
    /// The counter, or `None` for the whole shop.
    pub terminal_id: Option<String>,
    /// `cash`, `khqr`, or `None` for every tender.
    pub tender: Option<String>,
    /// Receipts counted.
    pub count: i64,
    /// What came in.
    #[cfg_attr(feature = "ts", ts(type = "Money"))]
    pub paid: Money,
    /// Its display text.
    pub paid_text: String,
}

/// How far a counter's ledger reached the shop database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CounterPush {
    /// The counter.
    pub terminal_id: String,
    /// Whether it is this counter.
    pub this_counter: bool,
    /// Its last event in the shop database (0: none yet).
    pub pushed_up_to: i64,
    /// When the last one arrived, in the shop's time (empty: never).
    pub last_pushed_text: String,
    /// This counter only: its events not yet in the shop database.
    pub waiting: Option<u32>,
    /// This counter only: why its last push failed, until one succeeds.
    pub last_error: Option<String>,
}

/// The shop's riel rate as the shop database holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ShopRateView {
    /// Riel per dollar.
    pub riel_per_usd: i64,
    /// When the owner set it, in the shop's time.
    pub set_at_text: String,
    /// The database role that set it (`shop_owner`).
    pub set_by: String,
}

/// The shop's day as the owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ShopDay {
    /// The day, `YYYY-MM-DD`.
    pub day: String,
    /// Per counter (by id) then the shop, each tender before its total, by currency.
    pub lines: Vec<ShopLine>,
    /// Every counter the shop database knows.
    pub counters: Vec<CounterPush>,
    /// The shop rate, `None` before the owner set one.
    pub rate: Option<ShopRateView>,
    /// Whether the shop rate can be set from this counter (it holds the owner's connection).
    pub can_set_rate: bool,
}

/// The shop's day `date` (`YYYY-MM-DD`, default today), or `None` when this counter has no
/// `[shop_db]`.
pub async fn shop_day(pos: &Pos, date: Option<String>) -> Result<Option<ShopDay>, CoreError> {
    let config = pos.config();
    let Some(shop_db) = &config.shop_db else {
        return Ok(None);
    };
    let tz = config.time_zone;
    let day = match date.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(text) => crate::ledger::parse_date(text)?,
        None => pos_store::shop_day(pos.ledger().now_ms(), tz),
    };
    let range = pos_store::day_range(day, tz).map_err(CoreError::Store)?;
    let shop = Shop::open(&shop_db.connection()?).await?;
    let lines = shop
        .shop_report(range)
        .await?
        .into_iter()
        .map(|t| ShopLine {
            terminal_id: t.terminal_id,
            tender: t.tender.map(|k| match k {
                Tender::Cash => "cash".to_owned(),
                Tender::Khqr => "khqr".to_owned(),
            }),
            count: t.count,
            paid_text: t.paid.to_string(),
            paid: t.paid,
        })
        .collect();
    let own = pos.health().await?.shop_sync;
    let mut counters = Vec::new();
    for state in shop.push_states().await? {
        let this_counter = state.terminal_id == config.terminal_id;
        let waiting = if this_counter {
            let (terminal, high) = (state.terminal_id.clone(), state.pushed_up_to);
            let n = pos
                .store()
                .run(move |s| s.log_after(&terminal, high, u32::MAX).map(|log| log.len()))
                .await?;
            Some(u32::try_from(n).unwrap_or(u32::MAX))
        } else {
            None
        };
        counters.push(CounterPush {
            last_pushed_text: state
                .last_pushed_ms
                .map(|ms| shop_time(config, ms, "%Y-%m-%d %H:%M:%S"))
                .unwrap_or_default(),
            last_error: own
                .as_ref()
                .filter(|_| this_counter)
                .and_then(|s| s.last_error.clone()),
            this_counter,
            pushed_up_to: state.pushed_up_to,
            waiting,
            terminal_id: state.terminal_id,
        });
    }
    let rate = shop.shop_rate().await?.map(|r| rate_view(pos, r));
    Ok(Some(ShopDay {
        day: day.to_string(),
        lines,
        counters,
        rate,
        can_set_rate: shop_db.owner_url_file.is_some(),
    }))
}

/// Sets the shop's riel rate from what the owner typed (`4100`, `4,100`) through the owner's
/// role, and caches it at this counter at once (the others copy it on their next push).
/// Anything but a whole number of riel per dollar in 1,000–10,000 is refused as a field error
/// before the database is reached: nothing is written.
pub async fn set_shop_rate(pos: &Pos, text: &str) -> Result<ShopRateView, CoreError> {
    let Some(shop_db) = &pos.config().shop_db else {
        return Err(CoreError::ConfigInvalid {
            field: "shop_db".into(),
            reason: "this counter has joined no shop database".into(),
        });
    };
    let rate = Rate::parse(text).map_err(|e| {
        let code = match e {
            CashError::RateOutOfRange { .. } => "range",
            _ => "format",
        };
        CoreError::SettingsInvalid {
            errors: vec![field_error(
                RATE_FIELD,
                code,
                "a rate is a whole number of riel per dollar, 1,000 to 10,000",
            )],
        }
    })?;
    let owner = shop_db
        .owner_connection()?
        .ok_or_else(|| CoreError::ConfigInvalid {
            field: "shop_db.owner_url_file".into(),
            reason: "this counter holds no owner's connection to the shop database: set the \
                     shop rate from the owner's counter, or with `khqr-pos rate --shop --set`"
                .into(),
        })?;
    let set = Shop::open(&owner).await?.set_shop_rate(rate).await?;
    let cached = set.clone();
    pos.store()
        .run(move |s| pos_sync::cache_shop_rate(s, Some(&cached)))
        .await?;
    Ok(rate_view(pos, set))
}

fn rate_view(pos: &Pos, rate: pos_sync::ShopRate) -> ShopRateView {
    ShopRateView {
        riel_per_usd: rate.riel_per_usd,
        set_at_text: shop_time(pos.config(), rate.set_at_ms, "%Y-%m-%d %H:%M"),
        set_by: rate.set_by,
    }
}
