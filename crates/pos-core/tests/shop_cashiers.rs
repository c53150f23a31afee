//! The shop's cashier accounts through the POS core, against one real PostgreSQL (pos-sync's
//! harness): counter T1, whose `[shop_db]` names the owner's connection, adds and disables a
//! cashier through the owner's path (what the Cashiers tab and the CLI call); counter T2 finds
//! it by its own sync cycle, signs the cashier in with the PIN typed at T1, keeps doing so while
//! cut off, and refuses the cashier after its next sync once disabled. Accounts a counter made
//! on its own stay its own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../pos-sync/tests/common/mod.rs"]
mod common;
mod shop_counter;

use std::path::Path;
use std::time::Duration;

use common::ledger::db_name;
use common::proxy::Proxy;
use common::shop::{owner_hub, role_url, COUNTER_PW};
use pos_bakong_sim::RunningSim;
use pos_core::{CoreError, Pos, StartOptions};
use pos_store::{Actor, StoreError};
use shop_counter::{counter_config_with, sim};

/// Counter `terminal` in `dir`, reaching the shop database at `url`; with `owner`, its
/// `[shop_db]` also names the owner role's connection (at `url` too).
async fn counter(dir: &Path, sim: &RunningSim, url: &str, terminal: &str, owner: bool) -> Pos {
    let lines = if owner {
        let owner_url = role_url(url, "owner", COUNTER_PW);
        std::fs::write(dir.join("shop-db-owner"), owner_url).unwrap();
        "owner_url_file = \"shop-db-owner\"\n"
    } else {
        ""
    };
    Pos::start_with(
        counter_config_with(dir, sim, url, terminal, 5, lines),
        StartOptions::default(),
    )
    .await
    .unwrap()
}

fn rows(url: &str) -> String {
    common::shared().psql(db_name(url), "SELECT count(*) FROM shop_cashier_events")
}

/// Waits (at most 20 s, a few sync cycles) until `pos` holds `name` enabled (`true`) or
/// disabled (`false`).
async fn until_cached(pos: &Pos, name: &str, enabled: bool) {
    let wait = async {
        loop {
            let cashiers = pos.cashiers().await.unwrap();
            if cashiers
                .iter()
                .any(|c| c.name == name && c.disabled_ms.is_none() == enabled)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(20), wait)
        .await
        .unwrap_or_else(|_| panic!("{name} (enabled: {enabled}) did not reach the counter"));
}

fn is_disabled(e: &CoreError) -> bool {
    matches!(e, CoreError::Counter(StoreError::CashierDisabled(_)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cashier_added_at_one_counter_signs_in_at_another_also_cut_off_until_disabled() {
    let url = owner_hub().await;
    let sim = sim().await;
    let proxy = Proxy::to_shared().await;
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let t1 = counter(dirs[0].path(), &sim, &url, "T1", true).await;
    // T2 reaches the shop database through a link the test can cut.
    let t2 = counter(dirs[1].path(), &sim, &proxy.url(&url), "T2", false).await;

    let dara = t1.add_cashier(Actor::Owner, "Dara", "2468").await.unwrap();
    assert_eq!(rows(&url), "1");
    // Cached at T1 at once, where she signs in.
    assert_eq!(
        t1.sign_in("Dara", "2468").await.unwrap(),
        Actor::Cashier(dara.id)
    );
    // T2 finds her by its own sync cycle and signs her in with the PIN typed at T1.
    until_cached(&t2, "Dara", true).await;
    assert!(matches!(
        t2.sign_in("Dara", "2468").await.unwrap(),
        Actor::Cashier(_)
    ));
    assert!(t2.sign_in("Dara", "1357").await.is_err());
    // Only the hash travelled: the PIN is nowhere in the shop database.
    let stored = common::shared().psql(
        db_name(&url),
        "SELECT string_agg(pin_hash, ',') FROM shop_cashier_events",
    );
    assert!(
        stored.starts_with("$argon2") && !stored.contains("2468"),
        "{stored}"
    );

    // T2 cut off: Dara still signs in there with what it cached.
    proxy.cut();
    proxy.set_down(true);
    t1.disable_cashier(Actor::Owner, "Dara").await.unwrap();
    assert!(is_disabled(&t1.sign_in("Dara", "2468").await.unwrap_err()));
    assert_eq!(rows(&url), "2");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(matches!(
        t2.sign_in("Dara", "2468").await.unwrap(),
        Actor::Cashier(_)
    ));
    // Back on the link, T2's next sync refuses her.
    proxy.heal();
    until_cached(&t2, "Dara", false).await;
    assert!(is_disabled(&t2.sign_in("Dara", "2468").await.unwrap_err()));
    t1.shutdown().await;
    t2.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counters_own_cashiers_stay_its_own_and_a_taken_name_writes_nothing() {
    let url = owner_hub().await;
    let sim = sim().await;
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let t1 = counter(dirs[0].path(), &sim, &url, "T1", true).await;
    let t2 = counter(dirs[1].path(), &sim, &url, "T2", false).await;
    // T2 has no owner connection: its Sok is its own, not the shop's.
    t2.add_cashier(Actor::Owner, "Sok", "9999").await.unwrap();
    assert_eq!(rows(&url), "0");
    // The shop gets a Sok of its own from T1; T2 keeps its Sok and her PIN.
    t1.add_cashier(Actor::Owner, "Sok", "1357").await.unwrap();
    t1.add_cashier(Actor::Owner, "Dara", "2468").await.unwrap();
    until_cached(&t2, "Dara", true).await;
    assert!(t2.sign_in("Sok", "9999").await.is_ok());
    assert!(t2.sign_in("Sok", "1357").await.is_err());
    // A name the shop has is refused, with nothing written anywhere.
    let taken = t1
        .add_cashier(Actor::Owner, "Dara", "1111")
        .await
        .unwrap_err();
    assert!(
        matches!(&taken, CoreError::Counter(StoreError::CashierExists(n)) if n == "Dara"),
        "{taken}"
    );
    assert_eq!(rows(&url), "2");
    assert!(t1.sign_in("Dara", "2468").await.is_ok());
    // Disabling T2's own Sok there touches neither the shop nor T1's Sok.
    t2.disable_cashier(Actor::Owner, "Sok").await.unwrap();
    assert_eq!(rows(&url), "2");
    assert!(t1.sign_in("Sok", "1357").await.is_ok());
    t1.shutdown().await;
    t2.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_shop_event_shows_in_the_health_view_and_later_cashiers_still_arrive() {
    let url = owner_hub().await;
    let sim = sim().await;
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let t1 = counter(dirs[0].path(), &sim, &url, "T1", true).await;
    let t2 = counter(dirs[1].path(), &sim, &url, "T2", false).await;
    // Written around the functions by the tables' owner: no PHC hash behind its prefix.
    common::shared().psql(
        db_name(&url),
        "INSERT INTO shop_cashier_events (kind, name, pin_hash) \
         VALUES ('added', 'Vanna', '$argon2id$garbage')",
    );
    t1.add_cashier(Actor::Owner, "Dara", "2468").await.unwrap();
    until_cached(&t2, "Dara", true).await;
    assert!(t2.sign_in("Dara", "2468").await.is_ok());
    assert!(!t2
        .cashiers()
        .await
        .unwrap()
        .iter()
        .any(|c| c.name == "Vanna"));
    // The refusal is the last error (set just after the cycle's caching), the pushes go on
    // undelayed.
    let refused = async {
        loop {
            let sync = t2.health().await.unwrap().shop_sync.unwrap();
            if sync.last_error.is_some() {
                return sync;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    let sync = tokio::time::timeout(Duration::from_secs(10), refused)
        .await
        .expect("no refusal in the health view");
    let error = sync.last_error.unwrap_or_default();
    assert!(
        error.contains("Vanna") && error.contains("not an Argon2"),
        "{error}"
    );
    assert_eq!(sync.failures, 0);
    t1.shutdown().await;
    t2.shutdown().await;
}
