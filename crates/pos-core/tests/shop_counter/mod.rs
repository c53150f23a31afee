//! What the shop-database tests of pos-core share: a counter's configuration joining the shop
//! with its own role, and a QR waiting for payment that the simulator knows.
// Each test crate compiles this module and uses a part of it.
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use pos_bakong_sim::{QrInfo, RunningSim, SimConfig};
use pos_core::{ChargeRequest, ChargeView, Config, Currency, Pos};

use crate::common::shop::{role_url, COUNTER_PW};

pub const MERCHANT: &str = "shop@devb";
pub const EMAIL: &str = "dev@example.com";

/// One simulator with a quota no test reaches.
pub async fn sim() -> RunningSim {
    pos_bakong_sim::start(SimConfig {
        email: EMAIL.into(),
        merchant_account: MERCHANT.into(),
        daily_quota: 10_000,
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

/// `terminal`'s configuration in `dir`: its role's connection string to the shop database at
/// `url` in a private file named by `[shop_db]` with `offline_share` checks of its own, the
/// simulator's token, and a local budget far above the shop's.
pub fn counter_config(
    dir: &Path,
    sim: &RunningSim,
    url: &str,
    terminal: &str,
    offline_share: u32,
) -> Config {
    counter_config_with(dir, sim, url, terminal, offline_share, "")
}

/// [`counter_config`] with `shop_db_lines` added to its `[shop_db]` section.
pub fn counter_config_with(
    dir: &Path,
    sim: &RunningSim,
    url: &str,
    terminal: &str,
    offline_share: u32,
    shop_db_lines: &str,
) -> Config {
    let url = role_url(url, terminal, COUNTER_PW);
    std::fs::write(dir.join("shop-db"), url).unwrap();
    std::fs::write(dir.join("bakong-token"), sim.token()).unwrap();
    Config::from_toml(
        &format!(
            "terminal_id = \"{terminal}\"\n\
             [merchant]\naccount_id = \"{MERCHANT}\"\nname = \"Test Shop\"\n\
             [bakong]\nenvironment = \"custom\"\nbase_url = \"{}\"\nemail = \"{EMAIL}\"\n\
             daily_check_budget = 1000\ncheck_reserve = 2\nrequest_timeout = \"2s\"\n\
             [shop_db]\nurl_file = \"shop-db\"\noffline_share = {offline_share}\n\
             {shop_db_lines}",
            sim.url()
        ),
        dir,
    )
    .unwrap()
}

/// Charges 5,000 riel for `lifetime_ms` and registers the QR with the simulator, as a bank app
/// would scan it.
pub async fn waiting_sale(pos: &Pos, sim: &RunningSim, lifetime_ms: u64) -> ChargeView {
    let charge = pos
        .charge(ChargeRequest {
            amount: "5,000".into(),
            currency: Some(Currency::Khr),
            expires_in_ms: Some(lifetime_ms),
            note: None,
        })
        .await
        .unwrap();
    sim.register_md5(
        &charge.md5,
        QrInfo {
            amount: Some(charge.amount),
            account: Some(MERCHANT.into()),
            expires_ms: Some(charge.expires_at_ms),
        },
    )
    .unwrap();
    charge
}

/// Waits up to 10 s until `pos` (named `who` in the failure) uses `riel_per_usd`: a counter
/// takes the shop's rate by its own push, so the rate tests wait for it alike.
pub async fn until_rate(pos: &Pos, riel_per_usd: i64, who: &str) {
    let cached = async {
        while pos.rate().await.unwrap().riel_per_usd != riel_per_usd {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), cached)
        .await
        .unwrap_or_else(|_| panic!("the shop rate did not reach {who} within 10 s"));
}

/// The riel a 1-dollar charge at `pos` freezes: what the rate tests check a new sale takes.
pub async fn dollar_charge_in_riel(pos: &Pos) -> i64 {
    let charge = pos
        .charge(ChargeRequest {
            amount: "1".into(),
            currency: Some(Currency::Usd),
            expires_in_ms: Some(600_000),
            note: None,
        })
        .await
        .unwrap();
    charge.khr_equivalent.unwrap().minor
}
