//! `khqr-pos qr …`: the KHQR codec on the command line. Codec answers are JSON on stdout
//! (`{"error":{"code","message"}}` on failure, with the official SDK's code); file and
//! usage problems are plain text on stderr. The clock is read here, never in the codec.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Subcommand;
use pos_khqr::KhqrError;
use serde::Serialize;
use serde_json::json;

/// The `qr` subcommands.
#[derive(Debug, Subcommand)]
pub enum QrCommand {
    /// Build a KHQR from one vector `input` object (JSON on stdin); prints {"qr","md5"}.
    Encode {
        /// Creation time of a dynamic QR, Unix milliseconds (default: now).
        #[arg(long)]
        now_ms: Option<u64>,
    },
    /// Decode a KHQR string into the official SDK's fields (no validation).
    Decode {
        /// The KHQR string.
        qr: String,
    },
    /// Verify a KHQR string as the official SDK does; exits 0 when valid, 1 when invalid.
    Verify {
        /// The KHQR string.
        qr: String,
        /// The time to check a dynamic QR's expiry against, Unix milliseconds (default: now).
        #[arg(long)]
        now_ms: Option<u64>,
    },
    /// Draw a KHQR string as a QR code (error correction H) into an .svg or .png file.
    Render {
        /// The KHQR string.
        qr: String,
        /// Output file; the extension (.svg or .png) picks the format.
        #[arg(long)]
        out: PathBuf,
    },
    /// Run a KHQR vector file (JSON lines); prints each failure and "N passed, M failed".
    Conformance {
        /// The vector file.
        file: PathBuf,
    },
}

/// Runs one `qr` subcommand and returns the process exit code.
pub fn run(command: QrCommand) -> ExitCode {
    match command {
        QrCommand::Encode { now_ms } => encode(now_ms.unwrap_or_else(now)),
        QrCommand::Decode { qr } => match pos_khqr::decode(&qr) {
            Ok(decoded) => emit(&decoded, ExitCode::SUCCESS),
            Err(e) => emit(&error_json(&e), ExitCode::FAILURE),
        },
        QrCommand::Verify { qr, now_ms } => {
            match pos_khqr::verify(&qr, now_ms.unwrap_or_else(now)) {
                Ok(()) => emit(&json!({ "isValid": true }), ExitCode::SUCCESS),
                Err(e) => emit(
                    &json!({ "isValid": false, "error": error_body(&e) }),
                    ExitCode::FAILURE,
                ),
            }
        }
        QrCommand::Render { qr, out } => render(&qr, &out),
        QrCommand::Conformance { file } => conformance(&file),
    }
}

/// The current Unix time in milliseconds (0 if the clock is before 1970).
fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|d| u64::try_from(d.as_millis()).ok())
        .unwrap_or(0)
}

fn error_body(e: &KhqrError) -> serde_json::Value {
    json!({ "code": e.code(), "message": e.to_string() })
}

fn error_json(e: &KhqrError) -> serde_json::Value {
    json!({ "error": error_body(e) })
}

/// Prints `value` as one line of JSON. A closed stdout is not worth a panic: the exit code
/// still tells the caller the outcome.
fn emit(value: &impl Serialize, code: ExitCode) -> ExitCode {
    let text = serde_json::to_string(value).unwrap_or_else(|e| {
        json!({ "error": { "code": 8, "message": e.to_string() } }).to_string()
    });
    let _ = writeln!(std::io::stdout().lock(), "{text}");
    code
}

/// Plain-text failure on stderr, for problems outside the codec (files, usage).
fn fail(message: &str) -> ExitCode {
    eprintln!("khqr-pos qr: {message}");
    ExitCode::from(2)
}

fn encode(now_ms: u64) -> ExitCode {
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        return fail(&format!("cannot read the input JSON from stdin: {e}"));
    }
    match pos_khqr::sdk_input::encode_json(&input, now_ms) {
        Ok(khqr) => emit(&khqr, ExitCode::SUCCESS),
        Err(e) => emit(&error_json(&e), ExitCode::FAILURE),
    }
}

fn render(qr: &str, out: &PathBuf) -> ExitCode {
    let extension = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let bytes = match extension.as_deref() {
        Some("svg") => pos_khqr::render_svg(qr).map(String::into_bytes),
        Some("png") => pos_khqr::render_png(qr),
        _ => {
            return fail(&format!(
                "cannot tell the format of {}: use a .svg or .png file name",
                out.display()
            ))
        }
    };
    match bytes {
        Ok(bytes) => match std::fs::write(out, bytes) {
            Ok(()) => emit(&json!({ "out": out }), ExitCode::SUCCESS),
            Err(e) => fail(&format!("cannot write {}: {e}", out.display())),
        },
        Err(e) => emit(&error_json(&e), ExitCode::FAILURE),
    }
}

fn conformance(file: &PathBuf) -> ExitCode {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => return fail(&format!("cannot read {}: {e}", file.display())),
    };
    let report = pos_khqr::conformance::run(&text);
    let _ = writeln!(std::io::stdout().lock(), "{report}");
    if report.all_passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID_UNTIL_1700000060000: &str = "00020101021229190015john_smith@devb52045999530384054041.505802KH5910John Smith6010Phnom Penh99340013170000000000001131700000060000630476DF";

    #[test]
    fn conformance_over_the_public_vectors_exits_successfully() {
        let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../pos-khqr/tests/vectors/vectors-public.jsonl");
        assert_eq!(run(QrCommand::Conformance { file }), ExitCode::SUCCESS);
    }

    #[test]
    fn verify_exits_zero_before_expiry_and_one_after() {
        let verify = |now_ms| {
            run(QrCommand::Verify {
                qr: VALID_UNTIL_1700000060000.to_owned(),
                now_ms: Some(now_ms),
            })
        };
        assert_eq!(verify(1_700_000_060_000), ExitCode::SUCCESS);
        assert_eq!(verify(1_700_000_060_001), ExitCode::FAILURE);
    }

    #[test]
    fn render_writes_the_format_its_file_name_asks_for() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("qr.png");
        let svg = dir.path().join("qr.svg");
        for out in [&png, &svg] {
            let command = QrCommand::Render {
                qr: VALID_UNTIL_1700000060000.to_owned(),
                out: out.clone(),
            };
            assert_eq!(run(command), ExitCode::SUCCESS);
        }
        assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
        assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
    }

    #[test]
    fn bad_input_is_a_nonzero_exit_not_a_panic() {
        let gif = QrCommand::Render {
            qr: VALID_UNTIL_1700000060000.to_owned(),
            out: PathBuf::from("qr.gif"),
        };
        assert_eq!(run(gif), ExitCode::from(2));
        let missing = QrCommand::Conformance {
            file: PathBuf::from("/nonexistent/vectors.jsonl"),
        };
        assert_eq!(run(missing), ExitCode::from(2));
        let malformed = QrCommand::Decode { qr: "30XX".into() };
        assert_eq!(run(malformed), ExitCode::FAILURE);
    }
}
