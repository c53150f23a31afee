//! Wall time of `khqr-pos charge --amount 5000 --currency KHR --json` in demo mode (no token:
//! the simulator runs in-process on loopback), from spawning the process to the QR's JSON on
//! stdout, and to the process's exit. The first run starts from an empty data directory
//! (the ledger is created and migrated); the others reuse it, as a till does all day.
//!
//! Run with `cargo bench -p pos-scenarios --bench charge_wall_time` (`POS_BENCH_RUNS=N`
//! changes the number of runs, default 30). The binary is built in the bench profile.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pos_scenarios::process::khqr_pos;

struct Run {
    to_qr: Duration,
    to_exit: Duration,
}

fn charge(dir: &std::path::Path) -> Run {
    let start = Instant::now();
    let mut child = Command::new(khqr_pos())
        .args(["charge", "--amount", "5000", "--currency", "KHR", "--json"])
        .arg("--data-dir")
        .arg(dir)
        .env_remove("KHQR_POS_CONFIG")
        .env_remove("KHQR_POS_DATA_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("khqr-pos starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let to_qr = start.elapsed();
    let json: serde_json::Value = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("charge --json printed {line:?}: {e}"));
    assert!(json["qr"]
        .as_str()
        .is_some_and(|qr| qr.starts_with("000201")));
    let status = child.wait().unwrap();
    let to_exit = start.elapsed();
    assert!(status.success(), "charge exited with {status}");
    Run { to_qr, to_exit }
}

fn ms(d: Duration) -> String {
    let us = d.as_micros();
    format!("{}.{} ms", us / 1_000, (us % 1_000) / 100)
}

fn main() {
    let runs: usize = std::env::var("POS_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let binary = khqr_pos();
    let dir = tempfile::tempdir().unwrap();
    let cold = charge(dir.path());
    let mut warm: Vec<Run> = (0..runs).map(|_| charge(dir.path())).collect();
    println!("binary: {}", binary.display());
    println!("| run | to QR on stdout | to exit |");
    println!("| --- | --- | --- |");
    println!(
        "| first (empty data dir) | {} | {} |",
        ms(cold.to_qr),
        ms(cold.to_exit)
    );
    warm.sort_by_key(|r| r.to_qr);
    let median = &warm[warm.len() / 2];
    let (min, max) = (&warm[0], &warm[warm.len() - 1]);
    println!(
        "| {runs} more, median (min–max) | {} ({}–{}) | {} |",
        ms(median.to_qr),
        ms(min.to_qr),
        ms(max.to_qr),
        ms(median.to_exit)
    );
}
