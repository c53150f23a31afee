//! `hub init` against a real PostgreSQL: each counter's role adds its own terminal's rows and
//! nothing else (no UPDATE, no DELETE, no other terminal's rows, no budget but through the
//! pool), the owner's role only reads, and rows that break the schema are refused whole.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::ledger::{db_name, sales_day, Ledger};
use pos_sync::{BudgetRule, Password, Shop, ShopDb, SyncError};
use tokio_postgres::error::SqlState;

/// A shop database prepared by `hub init` with counters T1 and T2: its URL and the admin's
/// connection. The test cluster trusts every login: what is tested is what each role may do.
async fn hub() -> (String, Shop) {
    let url = common::fresh_db();
    let mut admin = Shop::open(&ShopDb::parse(&url).unwrap()).await.unwrap();
    let rule = BudgetRule::new(100, 3, 5).unwrap();
    let owner_pw = Password::new("owner-secret".into()).unwrap();
    let (p1, p2) = (
        Password::new("T1-secret".into()).unwrap(),
        Password::new("T2-secret".into()).unwrap(),
    );
    admin
        .init_hub(rule, Some(&owner_pw), &[("T1", &p1), ("T2", &p2)])
        .await
        .unwrap();
    (url, admin)
}

fn as_role(url: &str, role: &str) -> String {
    url.replacen("postgres://pos@", &format!("postgres://{role}@"), 1)
}

async fn connect(url: &str) -> tokio_postgres::Client {
    ShopDb::parse(url).unwrap().connect().await.unwrap()
}

/// Each statement fails for want of privilege.
async fn assert_refused(client: &tokio_postgres::Client, sqls: &[&str]) {
    for sql in sqls {
        let e = client.batch_execute(sql).await.unwrap_err();
        assert_eq!(
            code(&e),
            Some(&SqlState::INSUFFICIENT_PRIVILEGE),
            "{sql}: {e}"
        );
    }
}

fn code(e: &tokio_postgres::Error) -> Option<&SqlState> {
    e.code()
}

fn count(db: &str, table: &str) -> String {
    common::shared().psql(db, &format!("SELECT count(*) FROM {table}"))
}

#[tokio::test]
async fn a_counters_role_pushes_its_own_rows_and_can_change_nothing() {
    let (url, _admin) = hub().await;
    let db = db_name(&url).to_owned();
    let (mut t1, mut t2) = (Ledger::new("T1"), Ledger::new("T2"));
    t1.sell(6);
    t2.sell(4);
    let t1_url = as_role(&url, &format!("{db}_T1"));
    let mut shop = Shop::open(&ShopDb::parse(&t1_url).unwrap()).await.unwrap();
    shop.push(&t1.store, "T1", 5).await.unwrap();
    t1.assert_exactly_once_in(common::shared(), &db);
    let before = count(&db, "ledger_events");

    // T2's ledger pushed with T1's role: row-level security refuses the first row, and the
    // batch's transaction writes nothing.
    match shop.push(&t2.store, "T2", 50).await {
        Err(SyncError::Db(e)) => {
            assert_eq!(code(&e), Some(&SqlState::INSUFFICIENT_PRIVILEGE), "{e}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(count(&db, "ledger_events"), before);

    let client = connect(&t1_url).await;
    assert_refused(
        &client,
        &[
            "UPDATE ledger_events SET note = 'x' WHERE terminal_id = 'T1'",
            "DELETE FROM ledger_events WHERE terminal_id = 'T1'",
            "UPDATE receipts SET paid_minor = 1",
            "DELETE FROM receipts",
            "TRUNCATE ledger_events CASCADE",
            "UPDATE check_days SET used = 0",
            "INSERT INTO check_days (day, hub_limit) VALUES ('2030-01-01', 1000)",
            "UPDATE check_budget SET daily_limit = 100000",
            "INSERT INTO terminals (terminal_id, role_name) VALUES ('T9', current_user)",
            "DELETE FROM check_reservations",
            "CREATE TABLE mine (x int)",
        ],
    )
    .await;
    // Another terminal's checks cannot be reserved with T1's role.
    let day = pos_store::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let e = shop.reserve_checks("T2", day, 1).await.unwrap_err();
    assert!(e.to_string().contains("T1 only"), "{e}");
    assert_eq!(shop.reserve_checks("T1", day, 1).await.unwrap(), Some(84));
    t1.assert_exactly_once_in(common::shared(), &db);
    // And it still reads the owner view of the shop.
    let read: i64 = client
        .query_one("SELECT count(*) FROM receipts", &[])
        .await
        .unwrap()
        .get(0);
    assert!(read > 0);
}

#[tokio::test]
async fn the_owners_role_reads_everything_and_writes_nothing() {
    let (url, admin) = hub().await;
    let db = db_name(&url).to_owned();
    let mut t1 = Ledger::new("T1");
    t1.sell(3);
    let mut pusher = Shop::open(&ShopDb::parse(&as_role(&url, &format!("{db}_T1"))).unwrap())
        .await
        .unwrap();
    pusher.push(&t1.store, "T1", 50).await.unwrap();
    drop(admin);
    let owner_url = as_role(&url, &format!("{db}_owner"));
    let owner = Shop::open(&ShopDb::parse(&owner_url).unwrap())
        .await
        .unwrap();
    let day = sales_day();
    assert!(!owner.shop_report(day).await.unwrap().is_empty());
    let client = connect(&owner_url).await;
    assert_refused(
        &client,
        &[
            "INSERT INTO divergences (terminal_id, seq, stored_digest, offered_digest) \
         VALUES ('T1', 1, 'a', 'b')",
            "DELETE FROM ledger_events",
            "SELECT reserve_checks('T1', '2026-11-26', 1)",
        ],
    )
    .await;
}

#[tokio::test]
async fn rows_that_break_the_schema_are_refused_whole_even_from_the_right_role() {
    let (url, _admin) = hub().await;
    let db = db_name(&url).to_owned();
    let client = connect(&as_role(&url, &format!("{db}_T1"))).await;
    let good = "('T1', 1, 1, 'T1-1', 0, 100, 'KHR', 0, 'status', NULL, 'pending', \
                NULL, NULL, NULL, NULL, repeat('a', 64))";
    let columns = "INSERT INTO ledger_events (terminal_id, seq, sale_id, bill_number, \
                   sale_created_ms, amount_minor, currency, at_ms, kind, from_status, \
                   to_status, http_status, response_code, error_code, note, digest) VALUES ";
    for bad in [
        good.replace("'KHR'", "'EUR'"),
        good.replace(", 100,", ", -5,"),
        good.replace("'T1', 1,", "'T1', 0,"),
        good.replace("repeat('a', 64)", "'not a digest'"),
        good.replace("'status'", "'refund'"),
    ] {
        // A good row first, in the same statement: it must not land either.
        let e = client
            .batch_execute(&format!(
                "{columns}{}, {bad}",
                good.replace("1, 1,", "2, 1,")
            ))
            .await
            .unwrap_err();
        assert_eq!(code(&e), Some(&SqlState::CHECK_VIOLATION), "{bad}: {e}");
    }
    assert_eq!(count(&db, "ledger_events"), "0");
}

#[tokio::test]
async fn hub_init_runs_again_without_duplicating_and_keeps_the_budget_within_its_counters() {
    let (url, mut admin) = hub().await;
    let db = db_name(&url).to_owned();
    let roles = admin
        .init_hub(BudgetRule::new(100, 3, 5).unwrap(), None, &[])
        .await
        .unwrap();
    assert_eq!(roles.counter_group, format!("{db}_counter"));
    assert_eq!(
        roles.counters,
        vec![
            ("T1".to_owned(), format!("{db}_T1")),
            ("T2".to_owned(), format!("{db}_T2"))
        ]
    );
    // A new password for an existing counter: the same role, no second terminal row.
    let pw = Password::new("rotated".into()).unwrap();
    assert_eq!(
        admin.add_counter("T1", &pw).await.unwrap(),
        format!("{db}_T1")
    );
    admin.add_counter("T3", &pw).await.unwrap();
    // A fourth counter has no offline share in a budget counting three.
    let e = admin.add_counter("T4", &pw).await.unwrap_err();
    assert!(e.to_string().contains("at most 3 counters"), "{e}");
    // Nor may the budget shrink below the counters registered.
    let e = admin
        .init_hub(BudgetRule::new(100, 2, 5).unwrap(), None, &[])
        .await
        .unwrap_err();
    assert!(matches!(e, SyncError::BadInput { .. }), "{e}");
    assert_eq!(count(&db, "terminals"), "3");
    // A malformed terminal id never reaches SQL.
    let e = admin.add_counter("T1\"; DROP", &pw).await.unwrap_err();
    assert!(matches!(e, SyncError::BadInput { .. }), "{e}");
    // The role's password is stored as a SCRAM verifier, never as sent.
    let stored = common::shared().psql(
        "postgres",
        &format!("SELECT rolpassword FROM pg_authid WHERE rolname = '{db}_T1'"),
    );
    assert!(stored.starts_with("SCRAM-SHA-256$"), "{stored}");
    assert!(!stored.contains("rotated"));
}

#[tokio::test]
async fn a_hub_prepared_before_tender_lines_lets_its_counters_push_them_once_migrated() {
    let url = common::fresh_db();
    let db = db_name(&url);
    let cluster = common::shared();
    // A shop database at schema 2, with the roles and grants `hub init` made then.
    cluster.psql(
        db,
        "CREATE TABLE schema_version (version integer PRIMARY KEY CHECK (version > 0), \
         applied_at timestamptz NOT NULL DEFAULT now())",
    );
    cluster.psql(db, include_str!("../migrations/0001_shop.sql"));
    cluster.psql(db, include_str!("../migrations/0002_budget_roles.sql"));
    cluster.psql(
        db,
        &format!(
            "INSERT INTO schema_version (version) VALUES (1), (2); \
             INSERT INTO check_budget (daily_limit, max_counters, offline_share) \
             VALUES (100, 2, 5); \
             CREATE ROLE {db}_counter; CREATE ROLE {db}_owner LOGIN; \
             CREATE ROLE {db}_T1 LOGIN IN ROLE {db}_counter; \
             INSERT INTO terminals (terminal_id, role_name) VALUES ('T1', '{db}_t1'); \
             GRANT CONNECT ON DATABASE {db} TO {db}_counter, {db}_owner; \
             GRANT SELECT ON ALL TABLES IN SCHEMA public TO {db}_counter, {db}_owner; \
             GRANT INSERT ON ledger_events, receipts, divergences TO {db}_counter; \
             GRANT USAGE ON SEQUENCE divergences_id_seq TO {db}_counter"
        ),
    );
    let counter = ShopDb::parse(&as_role(&url, &format!("{db}_t1"))).unwrap();
    match Shop::open(&counter).await {
        Err(SyncError::NeedsUpgrade { found, .. }) => assert_eq!(found, 2),
        Err(other) => panic!("expected NeedsUpgrade, got {other}"),
        Ok(_) => panic!("a counter's role migrated the database"),
    }
    // The database's owner migrates it; its counter then pushes a split sale's lines.
    Shop::open(&ShopDb::parse(&url).unwrap()).await.unwrap();
    let mut t1 = Ledger::new("T1");
    t1.sell_split();
    let mut shop = Shop::open(&counter).await.unwrap();
    shop.push(&t1.store, "T1", 10).await.unwrap();
    assert_eq!(
        cluster.psql(
            db,
            "SELECT count(*) FROM receipt_tenders WHERE terminal_id = 'T1'"
        ),
        "2"
    );
    // The owner's role reads them.
    let owner = Shop::open(&ShopDb::parse(&as_role(&url, &format!("{db}_owner"))).unwrap())
        .await
        .unwrap();
    let day = sales_day();
    let report = owner.shop_report(day).await.unwrap();
    assert!(
        report
            .iter()
            .any(|t| t.tender == Some(pos_sync::Tender::Cash) && t.paid.minor == 20_500),
        "{report:?}"
    );
}
