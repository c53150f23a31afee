//! The test harness itself: a throwaway cluster, a fresh database per test, crash and restart.
#![allow(clippy::unwrap_used)]

mod common;

use pos_sync::ShopDb;

#[tokio::test]
async fn each_test_gets_its_own_empty_database_on_the_shared_cluster() {
    let (a, b) = (common::fresh_db(), common::fresh_db());
    assert_ne!(a, b);
    let client = ShopDb::parse(&a).unwrap().connect().await.unwrap();
    client
        .batch_execute("CREATE TABLE t (x int)")
        .await
        .unwrap();
    let client = ShopDb::parse(&b).unwrap().connect().await.unwrap();
    let tables: i64 = client
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(tables, 0);
}

#[tokio::test]
async fn a_crashed_server_comes_back_with_its_committed_data() {
    let cluster = common::Cluster::start();
    let url = cluster.fresh_db();
    let client = ShopDb::parse(&url).unwrap().connect().await.unwrap();
    client
        .batch_execute("CREATE TABLE t (x int); INSERT INTO t VALUES (7)")
        .await
        .unwrap();
    cluster.crash();
    assert!(client.query_one("SELECT 1", &[]).await.is_err());
    cluster.restart();
    let client = ShopDb::parse(&url).unwrap().connect().await.unwrap();
    let x: i32 = client
        .query_one("SELECT x FROM t", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(x, 7);
}
