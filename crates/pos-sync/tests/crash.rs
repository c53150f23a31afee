//! PostgreSQL killed (`pg_ctl stop -m immediate`) between batches and in the middle of a push,
//! then restarted: the next push resumes, and every event is stored exactly once. Its own
//! cluster, since it stops the server under the test.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::ledger::{db_name, Ledger};
use common::Cluster;
use pos_sync::{Shop, ShopDb, SyncError};

async fn open(url: &str) -> Shop {
    Shop::open(&ShopDb::parse(url).unwrap()).await.unwrap()
}

#[tokio::test]
async fn a_server_killed_between_batches_or_mid_commit_loses_and_duplicates_nothing() {
    let cluster = Arc::new(Cluster::start());

    // Between pushes: the counter keeps selling while the database is down.
    let url = cluster.fresh_db();
    let mut ledger = Ledger::new("T1");
    ledger.sell(20);
    let mut shop = open(&url).await;
    shop.push(&ledger.store, "T1", 10).await.unwrap();
    cluster.crash();
    ledger.sell(20);
    assert!(matches!(
        shop.push(&ledger.store, "T1", 10).await,
        Err(SyncError::Db(_))
    ));
    cluster.restart();
    let mut shop = open(&url).await;
    shop.push(&ledger.store, "T1", 10).await.unwrap();
    ledger.assert_exactly_once_in(&cluster, db_name(&url));

    // In the middle of a push of many small batches: killed as soon as some have landed.
    let url = cluster.fresh_db();
    let mut ledger = Ledger::new("T2");
    ledger.sell(150);
    let total = ledger.log().len() as u64;
    let mut shop = open(&url).await;
    cluster.slow_inserts(db_name(&url));
    let killer = {
        let cluster = Arc::clone(&cluster);
        let db = db_name(&url).to_owned();
        tokio::task::spawn_blocking(move || {
            while cluster.psql(&db, "SELECT count(*) FROM ledger_events") == "0" {
                std::thread::sleep(Duration::from_millis(2));
            }
            cluster.crash();
        })
    };
    let killed = shop.push(&ledger.store, "T2", 5).await;
    killer.await.unwrap();
    assert!(matches!(killed, Err(SyncError::Db(_))), "{killed:?}");
    cluster.restart();
    cluster.normal_inserts(db_name(&url));
    let stored: u64 = cluster
        .psql(db_name(&url), "SELECT count(*) FROM ledger_events")
        .parse()
        .unwrap();
    assert!(stored > 0 && stored < total, "{stored} of {total}");
    let mut shop = open(&url).await;
    let resumed = shop.push(&ledger.store, "T2", 50).await.unwrap();
    assert_eq!(stored + resumed.pushed, total);
    ledger.assert_exactly_once_in(&cluster, db_name(&url));
}
