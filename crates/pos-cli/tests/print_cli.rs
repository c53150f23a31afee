//! `khqr-pos print …` through the real binary: the test page's PNG is paper-wide and its QR
//! scans (zbar), its .bin is ESC/POS starting with `ESC @` and ending with the cut, an
//! unknown extension is refused with exit code 1; receipts, COPY reprints, Z and day reports
//! reach the configured printer (the fake one on loopback), and faults are typed errors;
//! `--out` and `--printer` on every page (a waiting sale's KHQR slip read back by zbar),
//! `auto_print = false`, and `print devices`.

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

/// The PNG at `path` as a printer bitmap: black where the image is dark.
fn png_bitmap(path: &Path) -> pos_print::Bitmap {
    let image = image::open(path).unwrap().to_luma8();
    let mut bitmap = pos_print::Bitmap::new(image.width() as usize, image.height() as usize);
    for (x, y, pixel) in image.enumerate_pixels() {
        if pixel.0[0] < 128 {
            bitmap.fill(x as usize, y as usize, 1, 1);
        }
    }
    bitmap
}

/// `print slip` of a waiting sale: to a PNG whose QR zbar reads back as the sale's KHQR, to
/// ESC/POS bytes, and to a printer named on the command line that gets the same page; a sale
/// already paid has no slip; a bad `--out` or `--printer` is refused with nothing written.
#[test]
fn the_slip_of_a_waiting_sale_carries_its_khqr_to_a_file_or_another_printer() {
    use pos_print::fake::{FakePrinter, READY};
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let charge = common::ok(
        d,
        &[
            "charge",
            "--amount",
            "12,500",
            "--currency",
            "KHR",
            "--json",
        ],
    );
    let charge: serde_json::Value = serde_json::from_str(charge.trim()).unwrap();
    let (bill, qr) = (
        charge["billNumber"].as_str().unwrap(),
        charge["qr"].as_str().unwrap(),
    );

    let png = d.join("slip.png");
    let out = common::ok(d, &["print", "slip", bill, "--out", png.to_str().unwrap()]);
    assert!(out.contains("wrote"), "{out}");
    let zbar = Command::new("zbarimg")
        .args(["--raw", "--quiet"])
        .arg(&png)
        .output()
        .unwrap();
    assert_eq!(common::text(&zbar.stdout).trim_end(), qr);
    let bin = d.join("slip.bin");
    common::ok(d, &["print", "slip", bill, "--out", bin.to_str().unwrap()]);
    let bytes = std::fs::read(&bin).unwrap();
    assert!(bytes.starts_with(&[0x1B, 0x40, 0x1D, 0x76, 0x30, 0]));
    assert_eq!(u32::from(bytes[6]) * 8, 576);

    let printer = FakePrinter::start(READY).unwrap();
    let out = common::ok(d, &["print", "slip", bill, "--printer", printer.address()]);
    assert!(out.contains("printed the KHQR slip"), "{out}");
    let printed = printer.finished(Duration::from_secs(5)).unwrap().images;
    assert_eq!(printed, [png_bitmap(&png)]);

    // Refused, with nothing written or printed.
    let refused = |args: &[&str], says: &str| {
        let out = common::run(d, args);
        common::assert_exit(&out, 1);
        let stderr = common::text(&out.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    };
    let txt = d.join("slip.txt");
    refused(
        &["print", "slip", bill, "--out", txt.to_str().unwrap()],
        ".png or .bin",
    );
    assert!(!txt.exists());
    let other = d.join("other.png");
    for address in ["printer:0", "lp0", "no-port"] {
        refused(
            &[
                "print",
                "slip",
                bill,
                "--printer",
                address,
                "--out",
                other.to_str().unwrap(),
            ],
            "--printer",
        );
    }
    refused(
        &[
            "print",
            "report",
            "--out",
            d.join("day.jpg").to_str().unwrap(),
        ],
        ".png or .bin",
    );
    assert!(!other.exists() && !d.join("day.jpg").exists());
    common::ok(d, &common::demo_paid_charge("1s"));
    refused(&["print", "slip", "2"], "is paid, not waiting");
    refused(&["print", "slip", "NOPE-1"], "no such bill");
    assert_eq!(
        printer
            .finished(Duration::from_secs(5))
            .unwrap()
            .images
            .len(),
        1,
        "only the slip printed"
    );
}

/// Receipts, Z and day reports to a file: the PNG is the page the printer gets, and a
/// receipt whose original was printed is written as a COPY.
#[test]
fn receipts_and_reports_can_be_written_to_files() {
    use pos_print::fake::{FakePrinter, READY};
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::ok(d, &common::demo_paid_charge("1s"));
    let first = d.join("r1.png");
    common::ok(
        d,
        &["print", "receipt", "1", "--out", first.to_str().unwrap()],
    );
    assert!(!is_copy(&png_bitmap(&first)));
    let printer = FakePrinter::start(READY).unwrap();
    common::ok(
        d,
        &["print", "receipt", "1", "--printer", printer.address()],
    );
    let printed = printer.finished(Duration::from_secs(5)).unwrap().images;
    assert_eq!(printed, [png_bitmap(&first)], "the file is the original");
    let again = d.join("r1-again.png");
    common::ok(
        d,
        &["print", "receipt", "1", "--out", again.to_str().unwrap()],
    );
    assert!(is_copy(&png_bitmap(&again)));
    let day = d.join("day.bin");
    common::ok(d, &["print", "report", "--out", day.to_str().unwrap()]);
    let day = std::fs::read(&day).unwrap();
    assert!(day.ends_with(&[0x1D, 0x56, 0x42, 0]));

    // The day report and the test page on the printer named: the same page as the file.
    common::ok(d, &["print", "report", "--printer", printer.address()]);
    common::ok(
        d,
        &[
            "print",
            "test",
            "--width",
            "58",
            "--printer",
            printer.address(),
        ],
    );
    let printed = printer.finished(Duration::from_secs(5)).unwrap().images;
    assert_eq!(printed.len(), 3);
    assert_eq!(
        printed[1],
        pos_print::fake::interpret(&day).unwrap().images[0]
    );
    assert_eq!(printed[2].width(), 384);
    let missing = common::run(
        d,
        &[
            "print",
            "z",
            "1",
            "--out",
            d.join("z.png").to_str().unwrap(),
        ],
    );
    common::assert_exit(&missing, 1);
    assert!(!d.join("z.png").exists());
}

/// `auto_print = false`: a paid sale's receipt is queued, not printed, even when the program
/// ends (no last drain); `print queue` ("print now") prints it, once.
#[test]
fn without_auto_print_a_receipt_waits_for_print_now() {
    use pos_print::fake::{FakePrinter, READY};
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let printer = FakePrinter::start(READY).unwrap();
    std::fs::write(
        d.join("config.toml"),
        format!(
            "[printer]\nkind = \"network\"\naddress = \"{}\"\nauto_print = false\n",
            printer.address()
        ),
    )
    .unwrap();
    common::ok(d, &common::demo_paid_charge("1s"));
    assert_eq!(printer.finished(Duration::from_secs(5)).unwrap().cuts, 0);
    assert_eq!(outcomes(&d.join("ledger.sqlite3"), 1), Vec::<String>::new());
    let queue = common::ok(d, &["print", "queue"]);
    assert!(queue.contains("printed: 1 (1)"), "{queue}");
    assert_eq!(
        outcomes(&d.join("ledger.sqlite3"), 1),
        ["sending", "printed"]
    );
    assert_eq!(printer.finished(Duration::from_secs(5)).unwrap().cuts, 1);
}

/// `print devices` lists what this machine has; every line is a device path and its kind.
#[test]
fn devices_are_listed_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::ok(dir.path(), &["print", "devices", "--json"]);
    let found: Vec<serde_json::Value> = serde_json::from_str(out.trim()).unwrap();
    for device in &found {
        let path = device["path"].as_str().unwrap();
        assert!(
            path.starts_with("/dev/") && Path::new(path).exists(),
            "{device}"
        );
        assert!(["usbPrinter", "serial"].contains(&device["kind"].as_str().unwrap()));
    }
}
