//! The shop's cashier accounts in a real PostgreSQL, added and disabled once by the owner and
//! cached in each counter's own ledger: counters cannot write them, a bad event writes
//! nothing, a counter's own account under the same name stays local, and a counter cut off
//! keeps the accounts it cached.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use common::ledger::{db_name, Ledger};
use common::proxy::Proxy;
use common::shop::{as_role, owner_hub, role_url, COUNTER_PW};
use pos_store::Store;
use pos_sync::{cache_shop_cashiers, CashierEventKind, Shop, SyncError};
use tokio_postgres::error::SqlState;

/// A PIN's hash as a counter makes it: salted Argon2, a PHC string.
fn hash(pin: &str) -> String {
    Argon2::default()
        .hash_password(pin.as_bytes(), &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string()
}

/// Whether `name` may sign in at this counter with `pin`: an enabled account whose stored hash
/// takes the PIN (what pos-core's sign-in checks).
fn signs_in(store: &Store, name: &str, pin: &str) -> bool {
    let Some(cashier) = store.cashier_named(name).unwrap() else {
        return false;
    };
    let stored = store.cashier_pin_hash(cashier.id).unwrap().unwrap();
    store
        .actor_enabled(pos_store::Actor::Cashier(cashier.id))
        .unwrap()
        && Argon2::default()
            .verify_password(pin.as_bytes(), &PasswordHash::new(&stored).unwrap())
            .is_ok()
}

fn rows(url: &str) -> String {
    common::shared().psql(db_name(url), "SELECT count(*) FROM shop_cashier_events")
}

/// Pulls the shop's cashier events after `after` into `store`; returns the new mark.
async fn sync(shop: &Shop, store: &mut Store, after: i64) -> pos_sync::CashiersCached {
    let events = shop.shop_cashier_events(after).await.unwrap();
    cache_shop_cashiers(store, &events).unwrap()
}

#[tokio::test]
async fn a_cashier_the_owner_adds_once_signs_in_at_every_counter_until_disabled() {
    let url = owner_hub().await;
    let owner = as_role(&url, "owner").await;
    let added = owner.add_shop_cashier("Dara", &hash("2468")).await.unwrap();
    assert_eq!(added.kind, CashierEventKind::Added);
    // The hash never shows in Debug.
    assert!(!format!("{added:?}").contains("argon2"), "{added:?}");
    let mut t2 = Ledger::new("T2");
    let t2_shop = as_role(&url, "T2").await;
    assert!(!signs_in(&t2.store, "Dara", "2468"));
    let cached = sync(&t2_shop, &mut t2.store, 0).await;
    assert_eq!(cached.added, ["Dara"]);
    assert_eq!(cached.up_to, added.id);
    assert!(signs_in(&t2.store, "Dara", "2468"));
    assert!(!signs_in(&t2.store, "Dara", "1357"));
    assert_eq!(
        t2.store.cashier_named("Dara").unwrap().unwrap().created_ms,
        added.account.created_ms
    );
    // Pulled again from the start (a restart): nothing changes.
    let again = sync(&t2_shop, &mut t2.store, 0).await;
    assert!(again.added.is_empty() && again.disabled.is_empty() && again.clashes.is_empty());
    assert_eq!(t2.store.cashiers().unwrap().len(), 1);

    // The owner disables Dara: after T2's next pull she is refused there.
    let disabled = owner.disable_shop_cashier("Dara").await.unwrap();
    assert_eq!(disabled.kind, CashierEventKind::Disabled);
    let cached = sync(&t2_shop, &mut t2.store, cached.up_to).await;
    assert_eq!(cached.disabled, ["Dara"]);
    assert!(!signs_in(&t2.store, "Dara", "2468"));
    let local = t2.store.cashier_named("Dara").unwrap().unwrap();
    assert_eq!(local.disabled_ms, disabled.account.disabled_ms);
    // Once only, in the shop as at the counter; an unknown name is refused.
    for refused in [
        owner.disable_shop_cashier("Dara").await.unwrap_err(),
        owner.disable_shop_cashier("Nobody").await.unwrap_err(),
    ] {
        assert!(matches!(refused, SyncError::BadInput { .. }), "{refused}");
    }
    // A counter that never saw her gets both events in one pull and ends disabled too.
    let mut t1 = Ledger::new("T1");
    let cached = sync(&as_role(&url, "T1").await, &mut t1.store, 0).await;
    assert_eq!((cached.added.len(), cached.disabled.len()), (1, 1));
    assert!(!signs_in(&t1.store, "Dara", "2468"));
    assert_eq!(rows(&url), "2");
}

#[tokio::test]
async fn a_counter_cannot_write_cashiers_and_a_name_is_the_shops_once() {
    let url = owner_hub().await;
    let t1 = as_role(&url, "T1").await;
    let refused = t1
        .add_shop_cashier("Dara", &hash("2468"))
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, SyncError::Db(e) if e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE)),
        "{refused}"
    );
    assert!(
        refused.to_string().contains("permission denied"),
        "{refused}"
    );
    // Nor around the functions, straight into the table, nor changing a row.
    let (raw, connection) =
        tokio_postgres::connect(&role_url(&url, "T1", COUNTER_PW), tokio_postgres::NoTls)
            .await
            .unwrap();
    tokio::spawn(connection);
    for sql in [
        "INSERT INTO shop_cashier_events (kind, name, pin_hash) VALUES ('added', 'Dara', '$argon2id$x')",
        "UPDATE shop_cashier_events SET name = 'Sok'",
        "DELETE FROM shop_cashier_events",
        "SELECT shop_owner_only('add cashiers')",
    ] {
        let e = raw.execute(sql, &[]).await.unwrap_err();
        assert_eq!(e.code(), Some(&SqlState::INSUFFICIENT_PRIVILEGE), "{sql}: {e}");
    }
    assert_eq!(rows(&url), "0");

    let owner = as_role(&url, "owner").await;
    owner.add_shop_cashier("Dara", &hash("2468")).await.unwrap();
    // A name the shop has is refused with the name, nothing written; bad names and hashes are
    // refused before any query, and by the table's checks after it.
    let again = owner
        .add_shop_cashier("Dara", &hash("1357"))
        .await
        .unwrap_err();
    assert!(
        again
            .to_string()
            .contains("already has a cashier named \"Dara\""),
        "{again}"
    );
    assert!(owner
        .add_shop_cashier("owner", &hash("1357"))
        .await
        .is_err());
    assert!(owner.add_shop_cashier("Sok", "1357").await.is_err());
    let (owner_raw, connection) =
        tokio_postgres::connect(&role_url(&url, "owner", COUNTER_PW), tokio_postgres::NoTls)
            .await
            .unwrap();
    tokio::spawn(connection);
    for sql in [
        "SELECT add_shop_cashier('Sok', '1357')",
        "SELECT add_shop_cashier(' Sok', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA')",
        "SELECT add_shop_cashier('Owner', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA')",
        "UPDATE shop_cashier_events SET name = 'Sok'",
    ] {
        let e = owner_raw.execute(sql, &[]).await.unwrap_err();
        assert!(e.code().is_some(), "{sql}: {e}");
    }
    assert_eq!(rows(&url), "1");
}

#[tokio::test]
async fn a_bad_event_is_refused_alone_and_a_counters_own_name_stays_local() {
    let url = owner_hub().await;
    let owner = as_role(&url, "owner").await;
    owner.add_shop_cashier("Dara", &hash("2468")).await.unwrap();
    owner.add_shop_cashier("Sok", &hash("1357")).await.unwrap();
    let t2_shop = as_role(&url, "T2").await;
    let events = t2_shop.shop_cashier_events(0).await.unwrap();
    assert_eq!(events.len(), 2);

    // A tampered hash (not a PHC Argon2 string) in the second event: it is refused, nothing of
    // it written, and the mark stops before it so the next pull reports it again; the first
    // event is cached.
    let mut t2 = Ledger::new("T2");
    let mut tampered = events.clone();
    tampered[1].account.pin_hash = "1357".into();
    let cached = cache_shop_cashiers(&mut t2.store, &tampered).unwrap();
    assert_eq!(cached.added, ["Dara"]);
    assert_eq!(cached.up_to, tampered[1].id - 1);
    let refused = cached.refusal().unwrap_err();
    assert!(
        matches!(&refused, SyncError::Corrupt { .. })
            && refused
                .to_string()
                .contains(&format!("event {} (", tampered[1].id))
            && refused.to_string().contains("PIN hash")
            && !refused.to_string().contains("1357"),
        "{refused}"
    );
    assert!(t2.store.cashier_named("Sok").unwrap().is_none());
    for (hash, name) in [
        ("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA", "Sok"),
        (tampered[1].account.pin_hash.as_str(), "owner"),
    ] {
        let mut bad = events.clone();
        bad[1].account.pin_hash = hash.into();
        bad[1].account.name = name.into();
        let cached = cache_shop_cashiers(&mut t2.store, &bad).unwrap();
        assert_eq!(cached.refused.len(), 1, "{hash} {name}");
    }
    assert_eq!(t2.store.cashiers().unwrap().len(), 1);
    // A row written around the functions by the tables' owner passes the table's checks only
    // with an `$argon2…$` prefix; one that is no PHC hash is refused on apply all the same.
    common::shared().psql(
        db_name(&url),
        "INSERT INTO shop_cashier_events (kind, name, pin_hash) \
         VALUES ('added', 'Vanna', '$argon2id$garbage')",
    );
    let mut t1 = Ledger::new("T1");
    let pulled = t2_shop.shop_cashier_events(0).await.unwrap();
    let cached = cache_shop_cashiers(&mut t1.store, &pulled).unwrap();
    assert_eq!(
        (cached.added.len(), cached.refused.len()),
        (2, 1),
        "{cached:?}"
    );
    assert!(cached.refused[0].contains("Vanna") && cached.refused[0].contains("not an Argon2"));
    assert!(t1.store.cashier_named("Vanna").unwrap().is_none());

    // T2 had its own Dara: she stays T2's own (her PIN), the shop's Dara is not cached there,
    // and Sok is.
    let mut t2 = Ledger::new("T2");
    t2.store.add_cashier("Dara", &hash("9999"), 1).unwrap();
    let cached = cache_shop_cashiers(&mut t2.store, &events).unwrap();
    assert_eq!(cached.clashes, ["Dara"]);
    assert_eq!(cached.added, ["Sok"]);
    assert!(signs_in(&t2.store, "Dara", "9999"));
    assert!(!signs_in(&t2.store, "Dara", "2468"));
    // The shop disabling its Dara leaves T2's own alone.
    owner.disable_shop_cashier("Dara").await.unwrap();
    let disabled = t2_shop.shop_cashier_events(3).await.unwrap();
    let cached = cache_shop_cashiers(&mut t2.store, &disabled).unwrap();
    assert_eq!(cached.clashes, ["Dara"]);
    assert!(signs_in(&t2.store, "Dara", "9999"));
}

#[tokio::test]
async fn a_counter_cut_off_keeps_the_cashiers_it_cached() {
    let url = owner_hub().await;
    let owner = as_role(&url, "owner").await;
    owner.add_shop_cashier("Dara", &hash("2468")).await.unwrap();
    let upstream = format!("127.0.0.1:{}", common::shared().port())
        .parse()
        .unwrap();
    let proxy = Proxy::start(upstream).await;
    let t1 = as_role(&proxy.url(&url), "T1").await;
    let mut ledger = Ledger::new("T1");
    let cached = sync(&t1, &mut ledger.store, 0).await;
    proxy.cut();
    proxy.set_down(true);
    owner.disable_shop_cashier("Dara").await.unwrap();
    assert!(t1.shop_cashier_events(cached.up_to).await.is_err());
    // Cut off, Dara still signs in at T1 with the account it cached.
    assert!(signs_in(&ledger.store, "Dara", "2468"));
    // Back on the link, the next pull brings the disabling.
    proxy.heal();
    let t1 = as_role(&proxy.url(&url), "T1").await;
    let cached = sync(&t1, &mut ledger.store, cached.up_to).await;
    assert_eq!(cached.disabled, ["Dara"]);
    assert!(!signs_in(&ledger.store, "Dara", "2468"));
}
