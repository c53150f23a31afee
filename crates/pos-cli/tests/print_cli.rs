//! `khqr-pos print …` through the real binary: the test page's PNG is paper-wide and its QR
//! scans (zbar), its .bin is ESC/POS starting with `ESC @` and ending with the cut, an
//! unknown extension is refused with exit code 1; receipts, COPY reprints, Z and day reports
//! reach the configured printer (the fake one on loopback), and faults are typed errors.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;
use std::process::Command;

fn khqr_pos(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_khqr-pos"))
        .args(args)
        .output()
        .unwrap()
}

/// Runs `print test` at `width` into `out`, failing the test unless it exits 0.
fn print_test_page(width: &str, out: &Path) {
    let out = khqr_pos(&[
        "print",
        "test",
        "--width",
        width,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_test_page_is_written_as_png_and_escpos_at_both_widths() {
    let dir = tempfile::tempdir().unwrap();
    for (width, dots) in [("58", 384), ("80", 576)] {
        let png = dir.path().join(format!("page-{width}.png"));
        print_test_page(width, &png);
        let image = image::open(&png).unwrap();
        assert_eq!(image.width(), dots);
        let zbar = Command::new("zbarimg")
            .args(["--raw", "--quiet"])
            .arg(&png)
            .output()
            .unwrap();
        assert!(String::from_utf8(zbar.stdout)
            .unwrap()
            .starts_with("000201"));

        let bin = dir.path().join(format!("page-{width}.bin"));
        print_test_page(width, &bin);
        let bytes = std::fs::read(&bin).unwrap();
        assert!(bytes.starts_with(&[0x1B, 0x40, 0x1D, 0x76, 0x30, 0]));
        assert_eq!(u32::from(bytes[6]) * 8, dots);
        assert!(bytes.ends_with(&[0x1D, 0x56, 0x42, 0]));
    }
}

#[test]
fn an_unknown_output_extension_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let txt = dir.path().join("page.txt");
    let out = khqr_pos(&["print", "test", "--out", txt.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".png or .bin"));
    assert!(!txt.exists());
}

/// A printer's first row is black across the paper only on a COPY (its banner).
fn is_copy(image: &pos_print::Bitmap) -> bool {
    (0..image.width()).all(|x| image.get(x, 0))
}

/// A day on the command line with the printer configured only afterwards, then its receipt,
/// reprints, Z report and day report printed on the fake printer; faults and bad settings are
/// typed errors with nothing printed.
#[test]
fn receipts_reprints_z_and_day_reports_go_to_the_configured_printer() {
    use pos_print::fake::{FakePrinter, PAPER_OUT, READY};
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let with_pin = |args: &[&str]| {
        common::khqr_pos(d)
            .env("KHQR_POS_PIN", "2468")
            .args(args)
            .output()
            .unwrap()
    };
    let set = common::khqr_pos(d)
        .env("KHQR_POS_NEW_PIN", "2468")
        .args(["owner", "set-pin"])
        .output()
        .unwrap();
    common::assert_exit(&set, 0);
    common::succeeded(&with_pin(&["shift", "open", "--float-khr", "40,000"]));
    common::ok(
        d,
        &[
            "charge",
            "--amount",
            "3.75",
            "--currency",
            "USD",
            "--cash-usd",
            "5",
        ],
    );
    common::succeeded(&with_pin(&[
        "shift",
        "close",
        "--counted-khr",
        "39,000",
        "--counted-usd",
        "4",
        "--reason",
        "test",
    ]));

    let printer = FakePrinter::start(READY).unwrap();
    let config = d.join("config.toml");
    let printer_section = |width: u32| {
        format!(
            "[printer]\nkind = \"network\"\naddress = \"{}\"\nwidth_mm = {width}\n",
            printer.address()
        )
    };
    std::fs::write(&config, printer_section(58)).unwrap();
    let images = || printer.finished(Duration::from_secs(5)).unwrap().images;

    let out = common::ok(d, &["print", "receipt", "1"]);
    assert!(out.contains("printed receipt #1 as the original"), "{out}");
    let out = common::ok(d, &["print", "receipt", "1"]);
    assert!(out.contains("as a COPY"), "{out}");
    common::ok(d, &["print", "receipt", "1", "--copy"]);
    let printed = images();
    assert_eq!(
        printed.iter().map(is_copy).collect::<Vec<_>>(),
        [false, true, true]
    );
    assert!(printed.iter().all(|i| i.width() == 384));
    assert_eq!(printed[1], printed[2], "a copy is a copy");

    common::ok(d, &["print", "z", "1"]);
    common::ok(d, &["print", "report"]);
    let printed = images();
    assert_eq!(printed.len(), 5);
    assert!(!is_copy(&printed[3]) && printed[3].height() > 300);

    // Refused, with nothing printed: no such receipt or Z report, paper out, bad settings.
    let before = printer.finished(Duration::from_secs(5)).unwrap().init;
    let missing = common::run(d, &["print", "receipt", "99"]);
    common::assert_exit(&missing, 1);
    assert!(common::text(&missing.stderr).contains("99"));
    let missing = common::run(d, &["print", "z", "7"]);
    common::assert_exit(&missing, 1);
    assert!(common::text(&missing.stderr).contains("no z report number 7"));
    printer.set_status(PAPER_OUT);
    let out = common::run(d, &["print", "z", "1"]);
    common::assert_exit(&out, 1);
    let stderr = common::text(&out.stderr);
    assert!(
        stderr.contains("error [printer_failed]") && stderr.contains("paper out"),
        "{stderr}"
    );
    std::fs::write(&config, printer_section(76)).unwrap();
    let out = common::run(d, &["print", "report"]);
    common::assert_exit(&out, 1);
    assert!(common::text(&out.stderr).contains("printer.width_mm"));
    assert_eq!(
        printer.finished(Duration::from_secs(5)).unwrap().init,
        before
    );
}

/// The outcomes of sale `sale`'s print attempts, read from the ledger file as they are.
fn outcomes(ledger: &Path, sale: i64) -> Vec<String> {
    let Ok(conn) = rusqlite::Connection::open(ledger) else {
        return Vec::new();
    };
    let Ok(mut stmt) =
        conn.prepare("SELECT outcome FROM print_attempts WHERE sale_id = ?1 ORDER BY id")
    else {
        return Vec::new();
    };
    stmt.query_map([sale], |r| r.get(0))
        .map(|rows| rows.filter_map(Result::ok).collect())
        .unwrap_or_default()
}

/// SIGKILL of a charging process in the middle of its receipt, and after a paid sale whose
/// receipt the printer (out of paper) refused: after the restart the first is never printed
/// again by itself (it may be on paper; a reprint is a COPY) and the second prints once.
#[test]
fn a_counter_killed_while_printing_never_prints_a_receipt_twice() {
    use pos_print::fake::{FakePrinter, PAPER_OUT, READY};
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ledger = d.join("ledger.sqlite3");
    let printer = FakePrinter::start(READY).unwrap();
    std::fs::write(
        d.join("config.toml"),
        format!(
            "[printer]\nkind = \"network\"\naddress = \"{}\"\n",
            printer.address()
        ),
    )
    .unwrap();
    let kill_when = |done: &dyn Fn() -> bool| {
        let mut child = common::khqr_pos(d)
            .args(common::demo_paid_charge("1s"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while !done() {
            assert!(Instant::now() < deadline, "never got there");
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().unwrap();
        child.wait().unwrap();
    };

    // The printer hangs after the start of the first receipt; killed while waiting for it.
    printer.stall_after(3000);
    kill_when(&|| outcomes(&ledger, 1) == ["sending"]);
    let queue = common::ok(d, &["print", "queue", "--json"]);
    let queue: serde_json::Value = serde_json::from_str(queue.trim()).unwrap();
    assert_eq!(queue["unsure"], serde_json::json!([1]), "{queue}");
    assert_eq!(queue["printed"], serde_json::json!([]), "{queue}");
    let out = common::ok(d, &["print", "receipt", "1"]);
    assert!(out.contains("as a COPY"), "{out}");

    // Paper out: the second sale is paid, its receipt refused; killed after that.
    printer.set_status(PAPER_OUT);
    kill_when(&|| outcomes(&ledger, 2) == ["not_sent"]);
    printer.set_status(READY);
    let queue = common::ok(d, &["print", "queue"]);
    assert!(queue.contains("printed: 1 (2)"), "{queue}");
    assert!(queue.contains("sales 1"), "{queue}");
    let again = common::ok(d, &["print", "queue"]);
    assert!(again.contains("printed: 0 ()"), "{again}");
    assert_eq!(outcomes(&ledger, 2), ["not_sent", "sending", "printed"]);

    let c = printer.finished(Duration::from_secs(5)).unwrap();
    // The broken first receipt, its COPY, the second's original: one cut each for the last two.
    assert_eq!((c.truncated, c.cuts), (1, 2));
}
