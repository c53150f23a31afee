//! Partitions between a counter and the shop database, through a TCP proxy on loopback that
//! cuts the link after a given number of bytes: swept over the whole push, so cuts land in
//! the middle of batches, in commits and in their answers. After the link heals, the next push
//! stores what is missing, and nothing is lost or doubled.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::ledger::{db_name, Ledger};
use common::proxy::Proxy;
use pos_sync::{Shop, ShopDb, SyncError};

async fn open(url: &str) -> Shop {
    Shop::open(&ShopDb::parse(url).unwrap()).await.unwrap()
}

#[tokio::test]
async fn links_cut_anywhere_in_a_push_lose_and_double_nothing_after_reconnecting() {
    let cluster = common::shared();
    let upstream = format!("127.0.0.1:{}", cluster.port()).parse().unwrap();
    let proxy = Proxy::start(upstream).await;
    let mut ledger = Ledger::new("T1");
    ledger.sell(40);
    let total = ledger.log().len() as u64;

    // One clean push through the proxy measures what a whole push sends.
    let url = common::fresh_db();
    open(&url).await;
    let before = proxy.sent();
    open(&proxy.url(&url))
        .await
        .push(&ledger.store, "T1", 8)
        .await
        .unwrap();
    let whole = proxy.sent() - before;
    ledger.assert_exactly_once_in(cluster, db_name(&url));

    let mut cut_mid_push = 0;
    for k in 1..10u64 {
        let url = common::fresh_db();
        // Migrated beforehand, so that every cut falls in the push itself.
        open(&url).await;
        proxy.cut_after(whole * k / 10);
        let cut = match Shop::open(&ShopDb::parse(&proxy.url(&url)).unwrap()).await {
            Ok(mut shop) => shop.push(&ledger.store, "T1", 8).await,
            Err(e) => Err(e),
        };
        let stored: u64 = cluster
            .psql(db_name(&url), "SELECT count(*) FROM ledger_events")
            .parse()
            .unwrap();
        match cut {
            Err(SyncError::Db(_)) => {}
            other => panic!("cut after {}/10 of the push: {other:?}", k),
        }
        if stored > 0 && stored < total {
            cut_mid_push += 1;
        }
        proxy.heal();
        let resumed = open(&proxy.url(&url))
            .await
            .push(&ledger.store, "T1", 8)
            .await
            .unwrap();
        assert_eq!(stored + resumed.pushed, total, "cut after {k}/10");
        ledger.assert_exactly_once_in(cluster, db_name(&url));
    }
    // The sweep did cut pushes in the middle, not only before or after them.
    assert!(cut_mid_push >= 6, "{cut_mid_push}");
}

#[tokio::test]
async fn a_link_that_drops_while_down_for_a_while_resumes_where_it_stopped() {
    let cluster = common::shared();
    let upstream = format!("127.0.0.1:{}", cluster.port()).parse().unwrap();
    let proxy = Proxy::start(upstream).await;
    let url = common::fresh_db();
    let via = proxy.url(&url);
    let mut ledger = Ledger::new("T2");
    ledger.sell(10);
    let mut shop = open(&via).await;
    shop.push(&ledger.store, "T2", 4).await.unwrap();
    // The link goes down; the counter keeps selling and fails to reach the database.
    proxy.set_down(true);
    proxy.cut();
    ledger.sell(15);
    assert!(matches!(
        shop.push(&ledger.store, "T2", 4).await,
        Err(SyncError::Db(_))
    ));
    assert!(matches!(
        Shop::open(&ShopDb::parse(&via).unwrap()).await,
        Err(SyncError::Db(_))
    ));
    proxy.heal();
    let mut shop = open(&via).await;
    shop.push(&ledger.store, "T2", 4).await.unwrap();
    ledger.assert_exactly_once_in(cluster, db_name(&url));
}
