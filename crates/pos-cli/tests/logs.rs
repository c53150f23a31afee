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

/// Every file of a zip, uncompressed, as text.
fn unzipped(path: &std::path::Path) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut text = String::new();
            std::io::Read::read_to_string(&mut file, &mut text).unwrap();
            (file.name().to_owned(), text)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_diagnostics_bundle_has_config_versions_and_logs_but_no_token_or_pin() {
    const OWNER_PIN: &str = "73914682";
    const CASHIER_PIN: &str = "5827391";
    let (dir, sim) = common::custom_env("DIAG1", "Diag Shop").await;
    let token = sim.token().to_owned();
    let data = dir.path().to_owned();
    let out = dir.path().join("support.zip");
    let target = out.clone();
    let exported = tokio::task::spawn_blocking(move || {
        let d = data.as_path();
        // Bakong calls first (once the shop has cashiers, a sale needs an open shift).
        let charge: serde_json::Value = serde_json::from_str(&common::ok(
            d,
            &["charge", "--amount", "5000", "--currency", "KHR", "--json"],
        ))
        .unwrap();
        common::run(d, &["check", charge["billNumber"].as_str().unwrap()]);
        let set = common::khqr_pos(d)
            .env("KHQR_POS_NEW_PIN", OWNER_PIN)
            .args(["owner", "set-pin"])
            .output()
            .unwrap();
        common::assert_exit(&set, 0);
        let add = common::khqr_pos(d)
            .env("KHQR_POS_PIN", OWNER_PIN)
            .env("KHQR_POS_NEW_PIN", CASHIER_PIN)
            .args(["cashier", "add", "Dara"])
            .output()
            .unwrap();
        common::assert_exit(&add, 0);
        // A wrong PIN too: the refusal is logged, never the PIN typed.
        let wrong = common::khqr_pos(d)
            .env("KHQR_POS_PIN", "88888888")
            .args(["shift", "open", "--as", "Dara", "--float-khr", "0"])
            .output()
            .unwrap();
        assert!(!wrong.status.success());
        common::ok(
            d,
            &["diagnostics", "export", "--out", target.to_str().unwrap()],
        )
    })
    .await
    .unwrap();
    assert!(exported.contains("config.json"), "{exported}");

    let files = unzipped(&out);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for wanted in [
        "versions.json",
        "config.json",
        "token.json",
        "ledger.json",
        "backups.json",
    ] {
        assert!(names.contains(&wanted), "{wanted} missing: {names:?}");
    }
    assert!(
        names.iter().any(|n| n.starts_with("logs/khqr-pos.")),
        "{names:?}"
    );
    let all: String = files.iter().map(|(_, text)| text.as_str()).collect();
    assert!(all.contains("bakong reply"), "the logs are in the bundle");
    assert!(
        all.contains("\"terminalId\": \"DIAG1\""),
        "the configuration is"
    );
    assert!(all.contains(env!("CARGO_PKG_VERSION")), "the version is");
    let signature = token.rsplit('.').next().unwrap();
    for secret in [
        token.as_str(),
        signature,
        OWNER_PIN,
        CASHIER_PIN,
        "88888888",
    ] {
        assert!(!all.contains(secret), "{secret} is in the bundle");
    }
}
