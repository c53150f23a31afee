//! `khqr-pos backup` end to end on a demo ledger: back up, list, verify, refuse a restore that
//! would drop a newer receipt, restore with `--force`, and a SIGKILL in the middle of a backup
//! never leaves a half-written file listed or the ledger damaged.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use common::{ok, run};

fn paid_charge(dir: &Path) {
    ok(dir, &common::demo_paid_charge("200ms"));
}

fn listed(dir: &Path, backups: &Path) -> Vec<String> {
    let json = ok(
        dir,
        &[
            "backup",
            "list",
            "--json",
            "--dir",
            backups.to_str().unwrap(),
        ],
    );
    let entries: serde_json::Value = serde_json::from_str(&json).unwrap();
    entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn backup_verify_and_a_guarded_restore() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    let backups = dir.join("stick");
    let backups_arg = backups.to_str().unwrap();
    paid_charge(dir);
    paid_charge(dir);

    let made = ok(dir, &["backup", "now", "--dir", backups_arg]);
    assert!(made.contains("verified"), "{made}");
    assert!(made.contains("terminal T1: last receipt #2"), "{made}");
    let files = listed(dir, &backups);
    assert_eq!(files.len(), 1);
    let file = files[0].as_str();
    assert!(ok(dir, &["backup", "verify", file]).contains("ok: the backup is a sound ledger"));

    paid_charge(dir);
    let refused = run(dir, &["backup", "restore", file]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("terminal T1: receipts #3 to #3"),
        "{stderr}"
    );
    assert!(ok(dir, &["ledger", "verify"]).contains("last receipt #3"));

    let restored = ok(dir, &["backup", "restore", file, "--force"]);
    assert!(restored.contains("kept at"), "{restored}");
    let verified = ok(dir, &["ledger", "verify"]);
    assert!(verified.contains("last receipt #2") && verified.contains("ok: the ledger is intact"));

    // A damaged copy is refused by both verify and restore.
    let mut bytes = std::fs::read(file).unwrap();
    let half = bytes.len() / 2;
    bytes.truncate(half);
    let damaged = backups.join("damaged.sqlite3");
    std::fs::write(&damaged, bytes).unwrap();
    let damaged = damaged.to_str().unwrap();
    assert_eq!(
        run(dir, &["backup", "verify", damaged]).status.code(),
        Some(3)
    );
    let out = run(dir, &["backup", "restore", damaged, "--force"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not usable"));
}

#[test]
fn a_killed_backup_is_never_listed_and_the_ledger_stays_intact() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    let backups = dir.join("backups");
    paid_charge(dir);
    // Kill at different points of the run: before, during and after the copy.
    for delay_ms in [0, 5, 10, 20, 40, 80] {
        let mut child = common::khqr_pos(dir)
            .args(["backup", "now", "--dir", backups.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap();
        child.wait().unwrap();
        for file in listed(dir, &backups) {
            assert!(
                ok(dir, &["backup", "verify", &file]).contains("ok:"),
                "a listed backup is not sound: {file}"
            );
        }
        assert!(ok(dir, &["ledger", "verify"]).contains("ok: the ledger is intact"));
    }
}
