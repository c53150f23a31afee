//! A shop database set up for a test, as its superuser would with `hub init`.

use pos_sync::{BudgetRule, Password, Shop, ShopDb};

/// The password of every counter's role (and of the owner's where a test uses the same).
pub const COUNTER_PW: &str = "counter-pw";

/// A fresh shop database with `rule`, a role for each of `terminals` (password
/// [`COUNTER_PW`]) and, with `owner_pw`, an owner role that logs in; its URL as the
/// superuser. One helper so the shop-database tests of every crate set a hub up alike.
pub async fn hub(rule: BudgetRule, owner_pw: Option<&str>, terminals: &[&str]) -> String {
    let url = super::fresh_db();
    let mut admin = Shop::open(&ShopDb::parse(&url).unwrap()).await.unwrap();
    let pw = Password::new(COUNTER_PW.into()).unwrap();
    let owner = owner_pw.map(|p| Password::new(p.into()).unwrap());
    let counters: Vec<(&str, &Password)> = terminals.iter().map(|t| (*t, &pw)).collect();
    admin
        .init_hub(rule, owner.as_ref(), &counters)
        .await
        .unwrap();
    url
}

/// [`hub`] with counters T1 and T2 and an owner role, all logging in with [`COUNTER_PW`], and a
/// day of 100 checks: the one hub the tests of the owner's shop data (rate, cashiers) share.
pub async fn owner_hub() -> String {
    hub(
        BudgetRule::new(100, 2, 5).unwrap(),
        Some(COUNTER_PW),
        &["T1", "T2"],
    )
    .await
}

/// The shop database at `url` (its superuser's URL) as `who` (`owner`, `T1`, …) with its own
/// role and `password`: one place builds a role's URL from the superuser's.
pub fn role_url(url: &str, who: &str, password: &str) -> String {
    let role = format!("{}_{who}", super::ledger::db_name(url));
    url.replacen(
        "postgres://pos@",
        &format!("postgres://{role}:{password}@"),
        1,
    )
}

/// The shop database at `url` as `who` (`owner`, `T1`, …) with its own role and
/// [`COUNTER_PW`]: how the tests of the owner's shop data act as the owner or a counter.
pub async fn as_role(url: &str, who: &str) -> Shop {
    let url = role_url(url, who, COUNTER_PW);
    Shop::open(&ShopDb::parse(&url).unwrap()).await.unwrap()
}
