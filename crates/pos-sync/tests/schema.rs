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

/// Whether the session of `db` runs over TLS, as the server sees it.
async fn encrypted(db: &ShopDb) -> Result<bool, SyncError> {
    let client = db.connect().await?;
    let row = client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await?;
    Ok(row.get(0))
}

#[tokio::test]
async fn tls_verify_full_trusts_the_named_ca_only_and_plain_links_still_work() {
    let ca = common::shared().enable_tls();
    let url = common::fresh_db();
    let with = |params: &str| ShopDb::parse(&format!("{url}?{params}")).unwrap();
    let ca = ca.display();

    // verify-full against the shop's CA: the chain and the name (127.0.0.1) check out.
    let full = with(&format!("sslmode=verify-full&sslrootcert={ca}"));
    assert!(encrypted(&full).await.unwrap());
    Shop::open(&full).await.unwrap();
    // The same in key=value form, to localhost.
    let port = url.split(':').nth(2).unwrap().split('/').next().unwrap();
    let db = url.rsplit('/').next().unwrap();
    let kv = format!(
        "host=localhost port={port} user=pos dbname={db} sslmode=verify-full sslrootcert={ca}"
    );
    assert!(encrypted(&ShopDb::parse(&kv).unwrap()).await.unwrap());

    // Without the CA, the system's roots do not know the server's certificate: refused,
    // saying why.
    let err = encrypted(&with("sslmode=verify-full")).await.unwrap_err();
    assert!(matches!(err, SyncError::Db(_)), "{err:?}");
    assert!(err.to_string().contains("certificate"), "{err}");
    // A CA file that is not there is named.
    let err = encrypted(&with("sslmode=verify-full&sslrootcert=/nonexistent/ca.pem"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("/nonexistent/ca.pem"), "{err}");

    // require encrypts without checking, as libpq does; disable and no sslmode stay plain.
    assert!(encrypted(&with("sslmode=require")).await.unwrap());
    assert!(!encrypted(&with("sslmode=disable")).await.unwrap());
    assert!(!encrypted(&ShopDb::parse(&url).unwrap()).await.unwrap());
}
