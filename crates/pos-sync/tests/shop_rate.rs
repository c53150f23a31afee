//! The shop's riel rate, set once by the owner in a real PostgreSQL and cached in each
//! counter's own ledger: counters cannot write it, a bad rate writes nothing, and a counter cut
//! off keeps the rate it cached last.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::ledger::{db_name, Ledger};
use common::proxy::Proxy;
use common::shop::{as_role, owner_hub, role_url, COUNTER_PW};
use pos_cash::Rate;
use pos_store::Actor;
use pos_sync::{cache_shop_rate, SyncError};
use tokio_postgres::error::SqlState;

/// A plain connection as `who`, to try what the crate never sends.
async fn raw(url: &str, who: &str) -> tokio_postgres::Client {
    let url = role_url(url, who, COUNTER_PW);
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
}

fn rows(url: &str) -> String {
    common::shared().psql(db_name(url), "SELECT count(*) FROM shop_rates")
}

#[tokio::test]
async fn the_owner_sets_the_rate_once_and_every_counter_caches_it_on_push() {
    let url = owner_hub().await;
    let owner = as_role(&url, "owner").await;
    let set = owner
        .set_shop_rate(Rate::parse("4,100").unwrap())
        .await
        .unwrap();
    assert_eq!(set.riel_per_usd, 4_100);
    assert_eq!(set.set_by, format!("{}_owner", db_name(&url)));
    for terminal in ["T1", "T2"] {
        let mut ledger = Ledger::new(terminal);
        ledger
            .store
            .set_rate(Rate::new(4_000).unwrap(), 1, Actor::Owner)
            .unwrap();
        let shop = as_role(&url, terminal).await;
        let seen = shop.shop_rate().await.unwrap();
        let logged = cache_shop_rate(&mut ledger.store, seen.as_ref())
            .unwrap()
            .unwrap();
        assert_eq!(logged.rate.riel_per_usd(), 4_100);
        assert_eq!(logged.changed_ms, set.set_at_ms);
        assert_eq!(
            ledger
                .store
                .current_rate()
                .unwrap()
                .unwrap()
                .rate
                .riel_per_usd(),
            4_100
        );
        // A second push finds it cached: nothing more logged.
        assert!(cache_shop_rate(&mut ledger.store, seen.as_ref())
            .unwrap()
            .is_none());
        assert_eq!(ledger.store.rate_history().unwrap().len(), 2);
    }
    assert_eq!(rows(&url), "1");
}

#[tokio::test]
async fn a_counter_cannot_write_the_shop_rate_and_bad_rates_write_nothing() {
    let url = owner_hub().await;
    let t1 = as_role(&url, "T1").await;
    let refused = t1
        .set_shop_rate(Rate::new(4_100).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, SyncError::Db(e) if e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE)),
        "{refused}"
    );
    // Nor around the function, straight into the table.
    let t1_raw = raw(&url, "T1").await;
    let direct = t1_raw
        .execute("INSERT INTO shop_rates (riel_per_usd) VALUES (4100)", &[])
        .await
        .unwrap_err();
    assert_eq!(
        direct.code(),
        Some(&SqlState::INSUFFICIENT_PRIVILEGE),
        "{direct}"
    );
    // The Rust type refuses 0 and text before any query; the database refuses them again.
    assert!(Rate::parse("0").is_err());
    assert!(Rate::parse("four thousand").is_err());
    let owner_raw = raw(&url, "owner").await;
    for bad in [
        "SELECT set_shop_rate(0)",
        "SELECT set_shop_rate('four thousand')",
    ] {
        let e = owner_raw.execute(bad, &[]).await.unwrap_err();
        assert!(e.code().is_some(), "{bad}: {e}");
    }
    let owner = as_role(&url, "owner").await;
    assert!(owner.shop_rate().await.unwrap().is_none());
    assert_eq!(rows(&url), "0");
}

#[tokio::test]
async fn a_counter_cut_off_keeps_its_cached_rate() {
    let url = owner_hub().await;
    let owner = as_role(&url, "owner").await;
    owner
        .set_shop_rate(Rate::new(4_100).unwrap())
        .await
        .unwrap();
    let upstream = format!("127.0.0.1:{}", common::shared().port())
        .parse()
        .unwrap();
    let proxy = Proxy::start(upstream).await;
    let t1 = as_role(&proxy.url(&url), "T1").await;
    let mut ledger = Ledger::new("T1");
    let seen = t1.shop_rate().await.unwrap();
    cache_shop_rate(&mut ledger.store, seen.as_ref()).unwrap();
    proxy.cut();
    proxy.set_down(true);
    owner
        .set_shop_rate(Rate::new(4_200).unwrap())
        .await
        .unwrap();
    assert!(t1.shop_rate().await.is_err());
    assert_eq!(
        ledger
            .store
            .current_rate()
            .unwrap()
            .unwrap()
            .rate
            .riel_per_usd(),
        4_100
    );
    // Back on the link, the next push brings the new rate.
    proxy.heal();
    let t1 = as_role(&proxy.url(&url), "T1").await;
    let seen = t1.shop_rate().await.unwrap();
    cache_shop_rate(&mut ledger.store, seen.as_ref()).unwrap();
    assert_eq!(
        ledger
            .store
            .current_rate()
            .unwrap()
            .unwrap()
            .rate
            .riel_per_usd(),
        4_200
    );
}
