//! The out-of-process rig: the workspace's own binaries (`khqr-pos`, `pos-bakong-sim`) run as
//! child processes, as an integrator or a crashed till would run them.
//!
//! Binaries of another package are not available through `CARGO_BIN_EXE_*`, so [`binary`]
//! runs `cargo build -p <package> --bin <name>` once per test process (a no-op when it is up
//! to date) in the profile this crate was built with, and takes the file from the workspace's
//! target directory (`CARGO_TARGET_DIR` when set). That way a test never runs a stale binary.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};

/// The workspace root (this crate lives in `<root>/tests`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .expect("the scenarios crate sits inside the workspace")
}

/// Whether this crate was compiled with optimisations (bench profile) or not (test profile);
/// the binaries are built the same way so a benchmark measures an optimised `khqr-pos`.
fn release() -> bool {
    !cfg!(debug_assertions)
}

/// The path of `package`'s binary `name`, built (once per process) if needed.
pub fn binary(package: &str, name: &str) -> PathBuf {
    static BUILT: OnceLock<Mutex<HashMap<String, PathBuf>>> = OnceLock::new();
    let built = BUILT.get_or_init(|| Mutex::new(HashMap::new()));
    let mut built = built.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(path) = built.get(name) {
        return path.clone();
    }
    let root = workspace_root();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .current_dir(&root)
        .args(["build", "--quiet", "-p", package, "--bin", name]);
    if release() {
        build.arg("--release");
    }
    let status = build.status().expect("cargo runs");
    assert!(
        status.success(),
        "cargo build -p {package} --bin {name} failed"
    );
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_relative() {
                root.join(dir)
            } else {
                dir
            }
        })
        .unwrap_or_else(|| root.join("target"));
    let path = target
        .join(if release() { "release" } else { "debug" })
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.exists(), "{} was not built", path.display());
    built.insert(name.to_owned(), path.clone());
    path
}

/// The `khqr-pos` binary.
pub fn khqr_pos() -> PathBuf {
    binary("pos-cli", "khqr-pos")
}

/// The next line a child prints, within 30 s.
pub async fn next_line<R: tokio::io::AsyncBufRead + Unpin>(
    lines: &mut tokio::io::Lines<R>,
) -> String {
    tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("the child prints within 30 s")
        .expect("readable stdout")
        .expect("a line before end of output")
}

/// A `pos-bakong-sim` process on a loopback port, driven through its `/__sim/` control API.
/// Killed when dropped.
pub struct SimProcess {
    child: tokio::process::Child,
    /// The base URL, `http://127.0.0.1:PORT`.
    pub url: String,
    /// The token it issued at start.
    pub token: String,
    http: reqwest::Client,
}

impl SimProcess {
    /// Starts the simulator binary with `args` and reads its URL and token from stdout.
    pub async fn spawn(args: &[&str]) -> SimProcess {
        let mut child = tokio::process::Command::new(binary("pos-bakong-sim", "pos-bakong-sim"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("the simulator starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = next_line(&mut lines).await;
        let url = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_owned();
        let second = next_line(&mut lines).await;
        let token = second
            .strip_prefix("token ")
            .unwrap_or_else(|| panic!("unexpected second line {second:?}"))
            .to_owned();
        SimProcess {
            child,
            url,
            token,
            http: reqwest::Client::new(),
        }
    }

    /// POSTs a control request to `/__sim/{path}` and returns the JSON answer.
    pub async fn control(&self, path: &str, body: Value) -> Value {
        let response = self
            .http
            .post(format!("{}/__sim/{path}", self.url))
            .json(&body)
            .send()
            .await
            .expect("control request");
        let status = response.status();
        let answer: Value = response.json().await.expect("control answer is JSON");
        assert!(status.is_success(), "/__sim/{path} refused: {answer}");
        answer
    }

    /// Removes every injected fault: Bakong answers normally again.
    pub async fn clear_faults(&self) {
        let response = self
            .http
            .delete(format!("{}/__sim/faults", self.url))
            .send()
            .await
            .expect("clear faults request");
        assert!(response.status().is_success(), "clear faults refused");
    }

    /// The customer pays this QR string now (registering it first, as a bank app scans it).
    pub async fn pay_qr(&self, qr: &str) -> Value {
        self.control("pay", json!({ "qr": qr })).await
    }

    /// Calls received per `/v1` endpoint.
    pub async fn calls(&self) -> HashMap<String, u64> {
        self.http
            .get(format!("{}/__sim/calls", self.url))
            .send()
            .await
            .expect("calls request")
            .json()
            .await
            .expect("calls answer")
    }

    /// Stops the process.
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}
