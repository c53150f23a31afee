//! "Renew token now" against a real simulator on loopback (the "custom" environment): the
//! renew call with the registered email, the new token saved where tokens are kept (here the
//! private file: no keyring answers on a test machine) and described, never echoed; a failed
//! renewal keeps the old token; without an email nothing is sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::time::Duration;

use pos_bakong_sim::{Fault, FaultRule, RunningSim, SimConfig, When};
use pos_core::{Config, Pos, StartOptions, TokenStore};

const EMAIL: &str = "owner@example.com";
const RENEW: &str = "renew_token";

async fn sim() -> RunningSim {
    pos_bakong_sim::start(SimConfig {
        email: EMAIL.into(),
        merchant_account: "shop@devb".into(),
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

async fn start(dir: &Path, sim: &RunningSim, email: Option<&str>) -> Pos {
    // A token with three days left: the owner is being warned to renew.
    let token = sim.issue_token(Some(Duration::from_secs(3 * 86_400 + 600)));
    std::fs::write(dir.join("bakong-token"), &token).unwrap();
    let email = email.map_or(String::new(), |e| format!("email = \"{e}\"\n"));
    let config = Config::from_toml(
        &format!(
            "[merchant]\naccount_id = \"shop@devb\"\nname = \"Test Shop\"\n\
             [bakong]\nenvironment = \"custom\"\nbase_url = \"{}\"\n{email}request_timeout = \"2s\"\n",
            sim.url()
        ),
        dir,
    )
    .unwrap();
    let options = StartOptions::accelerated(200);
    Pos::start_with(config, options).await.unwrap()
}

fn saved(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("bakong-token"))
        .unwrap()
        .trim()
        .to_owned()
}

#[tokio::test]
async fn renew_now_saves_a_fresh_token_and_describes_it() {
    let dir = tempfile::tempdir().unwrap();
    let sim = sim().await;
    let pos = start(dir.path(), &sim, Some(EMAIL)).await;
    let before = pos_core::owner::TokenStatus::of(pos.config()).unwrap();
    assert_eq!((before.days_left, before.warn), (Some(3), true));
    let old = saved(dir.path());

    let status = pos.renew_token().await.unwrap();
    assert_eq!(sim.calls(RENEW), 1);
    assert!(status.set && !status.warn, "{status:?}");
    assert_eq!(status.days_left, Some(90));
    assert_eq!(status.store, Some(TokenStore::File));
    let new = saved(dir.path());
    assert!(
        new != old && new.starts_with("eyJ"),
        "the new token is saved"
    );
    let json = serde_json::to_string(&status).unwrap();
    assert!(!json.contains(&new) && !json.contains(&old), "{json}");

    // The Bakong side refuses (errorCode 9): the old token stays, the owner is told.
    sim.add_fault(FaultRule::on(
        RENEW,
        When::Always,
        Fault::ErrorCode {
            error_code: 9,
            status: 200,
        },
    ));
    let err = pos.renew_token().await.unwrap_err();
    assert_eq!(err.code().to_string(), "bakong_failed", "{err}");
    assert_eq!(saved(dir.path()), new);
    pos.shutdown().await;
}

#[tokio::test]
async fn without_a_registered_email_nothing_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let sim = sim().await;
    let pos = start(dir.path(), &sim, None).await;
    let old = saved(dir.path());
    let err = pos.renew_token().await.unwrap_err();
    assert_eq!(err.code().to_string(), "config_invalid");
    assert!(err.to_string().contains("email"), "{err}");
    assert_eq!(sim.calls(RENEW), 0);
    assert_eq!(saved(dir.path()), old);
    pos.shutdown().await;
}
