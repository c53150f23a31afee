//! Migrations of the shop database against a real PostgreSQL: a fresh database, counters
//! starting together, a database from a newer build.
#![allow(clippy::unwrap_used)]

mod common;

use pos_sync::{Shop, ShopDb, SyncError, SCHEMA_VERSION};

fn versions(url: &str) -> String {
    let db = url.rsplit('/').next().unwrap();
    common::shared().psql(
        db,
        "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_version",
    )
}

#[tokio::test]
async fn a_fresh_database_is_migrated_to_this_builds_version_and_reopening_changes_nothing() {
    let url = common::fresh_db();
    let db = ShopDb::parse(&url).unwrap();
    let shop = Shop::open(&db).await.unwrap();
    assert_eq!(shop.schema_version().await.unwrap(), SCHEMA_VERSION);
    let once = versions(&url);
    Shop::open(&db).await.unwrap();
    assert_eq!(versions(&url), once);
    let expected: Vec<String> = (1..=SCHEMA_VERSION).map(|v| v.to_string()).collect();
    assert_eq!(once, expected.join(","));
}

#[tokio::test]
async fn counters_starting_together_migrate_the_database_exactly_once() {
    let url = common::fresh_db();
    let db = ShopDb::parse(&url).unwrap();
    let opens: Vec<_> = (0..8)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move { Shop::open(&db).await.map(|_| ()) })
        })
        .collect();
    for open in opens {
        open.await.unwrap().unwrap();
    }
    let expected: Vec<String> = (1..=SCHEMA_VERSION).map(|v| v.to_string()).collect();
    assert_eq!(versions(&url), expected.join(","));
}

#[tokio::test]
async fn a_database_from_a_newer_build_is_refused_and_left_as_it_is() {
    let url = common::fresh_db();
    let db = ShopDb::parse(&url).unwrap();
    Shop::open(&db).await.unwrap();
    let name = url.rsplit('/').next().unwrap();
    let newer = SCHEMA_VERSION + 1;
    common::shared().psql(
        name,
        &format!("INSERT INTO schema_version (version) VALUES ({newer})"),
    );
    let before = versions(&url);
    match Shop::open(&db).await {
        Err(SyncError::TooNew { found, supported }) => {
            assert_eq!((found, supported), (newer, SCHEMA_VERSION));
        }
        Err(other) => panic!("expected TooNew, got {other}"),
        Ok(_) => panic!("a newer database was opened"),
    }
    assert_eq!(versions(&url), before);
}

#[tokio::test]
async fn an_unreachable_database_is_a_typed_error() {
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let db = ShopDb::parse(&format!("postgres://pos:pw@127.0.0.1:{port}/shop")).unwrap();
    assert!(matches!(Shop::open(&db).await, Err(SyncError::Db(_))));
}

#[tokio::test]
async fn a_role_that_may_not_migrate_an_older_database_is_told_to_run_hub_init() {
    let url = common::fresh_db();
    let name = url.rsplit('/').next().unwrap();
    // A login role that may connect and nothing more, as a counter's role on a database
    // that a newer build has not migrated yet.
    common::shared().psql(
        name,
        &format!("CREATE ROLE {name}_late LOGIN; GRANT CONNECT ON DATABASE {name} TO {name}_late"),
    );
    let late = url.replacen("postgres://pos@", &format!("postgres://{name}_late@"), 1);
    match Shop::open(&ShopDb::parse(&late).unwrap()).await {
        Err(SyncError::NeedsUpgrade { found, wanted }) => {
            assert_eq!((found, wanted), (0, SCHEMA_VERSION));
        }
        Err(other) => panic!("expected NeedsUpgrade, got {other}"),
        Ok(_) => panic!("a role without rights migrated the database"),
    }
    assert_eq!(
        common::shared().psql(name, "SELECT to_regclass('schema_version') IS NULL"),
        "t"
    );
}
