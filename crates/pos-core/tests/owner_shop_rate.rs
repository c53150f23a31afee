//! The shop rate set from the owner's area of a counter (`owner::set_shop_rate`), against one
//! real PostgreSQL (pos-sync's harness) and counters as `Pos` instances with their own SQLite
//! ledgers: the owner's counter sets it through the owner's role and uses it at once, another
//! counter takes it on its next push and its next sale freezes it. Bad input, a counter
//! without the owner's connection and an unreachable database are refused with nothing
//! written in the shop database or the ledger.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../pos-sync/tests/common/mod.rs"]
mod common;
mod shop_counter;

use common::ledger::db_name;
use common::shop;
use pos_core::owner::{self, ShopRateView};
use pos_core::{ErrorCode, ErrorDetails, ErrorView, Pos, StartOptions};
use pos_sync::BudgetRule;
use shop_counter::{
    counter_config, counter_config_with, dollar_charge_in_riel, sim, until_rate, waiting_sale,
};

/// A shop database with counters T1 and T2 and an owner's login role; its URL as the
/// superuser.
async fn hub() -> String {
    shop::hub(
        BudgetRule::new(100, 2, 5).unwrap(),
        Some("owner-pw"),
        &["T1", "T2"],
    )
    .await
}

/// The owner's role's connection string to the shop database at `url`.
fn owner_url(url: &str) -> String {
    shop::role_url(url, "owner", "owner-pw")
}

/// Rows of the shop database's rate log.
fn shop_rates(url: &str) -> u32 {
    common::shared()
        .psql(db_name(url), "SELECT count(*) FROM shop_rates")
        .parse()
        .unwrap()
}

/// A counter started with `config`.
async fn start(config: pos_core::Config) -> Pos {
    Pos::start_with(config, StartOptions::default())
        .await
        .unwrap()
}

/// The owner's counter T1, holding the owner's connection in `shop-db-owner` (`owner_url`).
async fn owners_counter(
    dir: &std::path::Path,
    sim: &pos_bakong_sim::RunningSim,
    url: &str,
    owner_url: &str,
) -> Pos {
    std::fs::write(dir.join("shop-db-owner"), owner_url).unwrap();
    start(counter_config_with(
        dir,
        sim,
        url,
        "T1",
        5,
        "owner_url_file = \"shop-db-owner\"\n",
    ))
    .await
}

async fn rate_of(pos: &Pos) -> i64 {
    pos.rate().await.unwrap().riel_per_usd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_sets_the_shop_rate_from_a_counter_and_another_counter_takes_it() {
    let url = hub().await;
    let sim = sim().await;
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let t1 = owners_counter(d1.path(), &sim, &url, &owner_url(&url)).await;
    let t2 = start(counter_config(d2.path(), &sim, &url, "T2", 5)).await;
    let day = owner::shop_day(&t1, None).await.unwrap().unwrap();
    assert_eq!((day.rate, day.can_set_rate), (None, true));

    let set: ShopRateView = owner::set_shop_rate(&t1, "4,150").await.unwrap();
    assert_eq!(set.riel_per_usd, 4_150);
    assert_eq!(set.set_by, format!("{}_owner", db_name(&url)));
    assert_eq!(shop_rates(&url), 1);
    // The owner's counter uses it at once.
    assert_eq!(rate_of(&t1).await, 4_150);
    let shown = owner::shop_day(&t1, None).await.unwrap().unwrap();
    assert_eq!(shown.rate, Some(set.clone()));
    // The other counter shows it read from the database, cannot set it itself, and takes it
    // with its next push (a sale starts one).
    let day = owner::shop_day(&t2, None).await.unwrap().unwrap();
    assert_eq!((day.rate, day.can_set_rate), (Some(set), false));
    waiting_sale(&t2, &sim, 600_000).await;
    until_rate(&t2, 4_150, "T2").await;
    assert_eq!(dollar_charge_in_riel(&t2).await, 4_150);
    t1.shutdown().await;
    t2.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_shop_rate_is_a_field_error_and_nothing_is_written() {
    let url = hub().await;
    let sim = sim().await;
    let (d1, d2, d3) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let t1 = owners_counter(d1.path(), &sim, &url, &owner_url(&url)).await;
    let before = rate_of(&t1).await;
    for text in [
        "0",
        "-4100",
        "4100.5",
        "4,1OO",
        "",
        "999",
        "10001",
        "99999999999999999999",
    ] {
        let err = ErrorView::from(owner::set_shop_rate(&t1, text).await.unwrap_err());
        assert_eq!(err.code, ErrorCode::SettingsInvalid, "{text:?}: {err:?}");
        assert_eq!(err.field.as_deref(), Some("shopRate"), "{text:?}");
        let Some(ErrorDetails::Fields { fields }) = err.details else {
            panic!("{text:?}: no field errors");
        };
        assert_eq!(fields.len(), 1);
    }
    assert_eq!(shop_rates(&url), 0);
    assert_eq!(rate_of(&t1).await, before);

    // A counter holding only its own role's connection is told where the rate is set.
    let t2 = start(counter_config(d2.path(), &sim, &url, "T2", 5)).await;
    let err = ErrorView::from(owner::set_shop_rate(&t2, "4100").await.unwrap_err());
    assert_eq!(
        err.field.as_deref(),
        Some("shop_db.owner_url_file"),
        "{err:?}"
    );

    // The shop database out of reach: a clear error, nothing cached, no password shown.
    let dead = owner_url(&url).replacen(
        &format!("127.0.0.1:{}", common::shared().port()),
        &format!("127.0.0.1:{}", free_port()),
        1,
    );
    assert_ne!(dead, owner_url(&url));
    let t3 = owners_counter(d3.path(), &sim, &url, &dead).await;
    let err = ErrorView::from(owner::set_shop_rate(&t3, "4100").await.unwrap_err());
    assert_eq!(err.code, ErrorCode::ShopDbFailed, "{err:?}");
    assert!(err.message.contains("connect"), "{}", err.message);
    assert!(!err.message.contains("owner-pw"), "{}", err.message);
    assert_eq!(shop_rates(&url), 0);
    assert_eq!(rate_of(&t3).await, before);
    for pos in [t1, t2, t3] {
        pos.shutdown().await;
    }
}

/// A loopback port nothing listens on.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
