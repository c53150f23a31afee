//! The log file of a real `khqr-pos` run against a simulator with a Bakong token configured:
//! it records the Bakong calls (request ids, codes) and never the token.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

#[tokio::test(flavor = "multi_thread")]
async fn a_charge_and_a_check_log_bakong_calls_but_never_the_token() {
    let (dir, sim) = common::custom_env("LOG1", "Log Shop").await;
    let token = sim.token().to_owned();
    let data = dir.path().to_owned();
    let charge = tokio::task::spawn_blocking(move || {
        let charge: serde_json::Value = serde_json::from_str(&common::ok(
            &data,
            &["charge", "--amount", "5000", "--currency", "KHR", "--json"],
        ))
        .unwrap();
        let bill = charge["billNumber"].as_str().unwrap().to_owned();
        // Not paid yet: `check` answers "not found" with its own exit code; only the call matters.
        common::run(&data, &["check", &bill])
    });
    // The commands call this test's simulator: they run off its runtime's threads.
    charge.await.unwrap();

    let logs = pos_core::logs::log_dir(dir.path());
    let mut text = String::new();
    for entry in std::fs::read_dir(&logs).unwrap() {
        text.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(
        text.contains("bakong reply"),
        "the Bakong call is logged: {text}"
    );
    assert!(text.contains("request_id="), "with its request id: {text}");
    assert!(!token.is_empty());
    assert!(!text.contains(&token), "the token is in the log");
    let signature = token.rsplit('.').next().unwrap();
    assert!(!text.contains(signature), "part of the token is in the log");
}
