//! Shared setup: a real simulator on loopback and a real client pointed at it.

// Each test binary uses a different subset of these helpers; setup failures should panic.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use pos_bakong::{BakongClient, ClientConfig, Token};
use pos_bakong_sim::{start, PayOptions, QrInfo, RunningSim, SimConfig};
use pos_domain::{Currency, Money};

pub const EMAIL: &str = "dev@example.com";

pub async fn sim_with(config: SimConfig) -> RunningSim {
    start(SimConfig {
        seed: Some(7),
        ..config
    })
    .await
    .expect("simulator starts")
}

pub async fn sim() -> RunningSim {
    sim_with(SimConfig::default()).await
}

/// A client with the simulator's token and the registered email, 2 s timeout.
pub fn client(sim: &RunningSim) -> BakongClient {
    BakongClient::new(
        ClientConfig::new(sim.url())
            .with_token(Token::new(sim.token()))
            .with_email(EMAIL)
            .with_timeout(Duration::from_secs(2)),
    )
    .expect("client builds")
}

pub fn usd(cents: i64) -> Money {
    Money::new(cents, Currency::Usd)
}

pub fn khr(riel: i64) -> Money {
    Money::new(riel, Currency::Khr)
}

/// A distinct md5-shaped key per `n`.
pub fn md5(n: u8) -> String {
    format!("{n:02x}").repeat(16)
}

/// Registers a dynamic QR for `amount`, with no account and no expiry of its own.
pub fn register(sim: &RunningSim, key: &str, amount: Money) {
    sim.register_md5(
        key,
        QrInfo {
            amount: Some(amount),
            ..QrInfo::default()
        },
    )
    .unwrap();
}

/// Registers a dynamic QR for `amount` to `merchant@devb` and pays it now.
pub fn register_and_pay(sim: &RunningSim, key: &str, amount: Money) -> String {
    sim.register_md5(
        key,
        QrInfo {
            amount: Some(amount),
            account: Some("merchant@devb".into()),
            expires_ms: None,
        },
    )
    .unwrap();
    let paid = sim.pay(PayOptions::new(key)).unwrap();
    paid.hashes[0].clone()
}
