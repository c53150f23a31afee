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
