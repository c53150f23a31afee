//! End to end without a printer: receipts rendered, encoded and sent over real TCP on
//! loopback (and a plain file standing in for `/dev/usb/lp0`) to a fake printer that
//! answers status queries from a script; the captured ESC/POS is decoded back into an
//! image, compared with committed goldens, its QR read back by zbar and its text by
//! tesseract.
//!
//! `POS_PRINT_BLESS=1 cargo test -p pos-print` rewrites the goldens after a deliberate
//! layout change (look at them before committing).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use pos_domain::{Currency, Money};
use pos_print::fake::{self, Capture, FakePrinter, OFFLINE, PAPER_OUT, READY};
use pos_print::{
    render, Bitmap, DeviceTransport, DrawerPin, Fault, JobOptions, Paid, PaperWidth, PrintError,
    Printer, ReceiptDoc, TcpTransport,
};

#[path = "common/receipt.rs"]
mod receipt;

use receipt::usd_receipt;

const TIMEOUT: Duration = Duration::from_secs(2);

/// Reads a file as a printer would.
fn interpret(bytes: &[u8]) -> Capture {
    fake::interpret(bytes).unwrap()
}

/// A dynamic KHQR as a counter makes it: 12.50 USD, expiring in 5 minutes.
fn khqr() -> String {
    let now_ms = 1_796_000_000_000;
    let payment = pos_khqr::Payment::Dynamic {
        amount: Money::new(1250, Currency::Usd),
        expires_at_ms: now_ms + 300_000,
    };
    let input = pos_khqr::KhqrInput::individual("sokha_coffee@aclb", "Sokha Coffee", payment);
    pos_khqr::encode(&input, now_ms).unwrap().qr
}

fn slip(khqr: String) -> ReceiptDoc {
    ReceiptDoc {
        receipt: None,
        paid: None,
        khqr: Some(khqr),
        ..usd_receipt()
    }
}

/// Sends `doc` to a ready fake printer over TCP and returns what it printed.
fn print_over_tcp(doc: &ReceiptDoc, width: PaperWidth) -> Bitmap {
    let bitmap = render(doc, width).unwrap();
    let printer = FakePrinter::start(READY).unwrap();
    let mut p = Printer::new(TcpTransport::connect(printer.address(), TIMEOUT).unwrap());
    p.print(&bitmap, JobOptions::default()).unwrap();
    drop(p);
    printer.finished(TIMEOUT).unwrap().images.pop().unwrap()
}

/// The QR codes zbar finds in `image`, one per line of its `--raw` output.
fn zbar(image: &image::GrayImage, name: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    image.save(&path).unwrap();
    let out = Command::new("zbarimg")
        .args(["--raw", "--quiet", "-Sdisable", "-Sqrcode.enable"])
        .arg(&path)
        .output()
        .expect("zbarimg (apt-get install zbar-tools; scripts/setup.sh installs it)");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn to_png(bitmap: &Bitmap) -> image::GrayImage {
    image::GrayImage::from_fn(
        u32::try_from(bitmap.width()).unwrap(),
        u32::try_from(bitmap.height()).unwrap(),
        |x, y| {
            image::Luma([if bitmap.get(x as usize, y as usize) {
                0
            } else {
                255
            }])
        },
    )
}

fn golden_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Compares with the committed golden, allowing 0.5 % of dots to differ (font rasterizing
/// may move an edge dot between platforms); `POS_PRINT_BLESS=1` rewrites it instead.
fn check_golden(name: &str, image: &image::GrayImage) {
    let path = golden_path(name);
    if std::env::var_os("POS_PRINT_BLESS").is_some() {
        image.save(&path).unwrap();
        return;
    }
    let golden = image::open(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (POS_PRINT_BLESS=1 writes it)", path.display()))
        .to_luma8();
    assert_eq!(
        golden.dimensions(),
        image.dimensions(),
        "{name}: size changed"
    );
    let differing = golden
        .pixels()
        .zip(image.pixels())
        .filter(|(a, b)| a != b)
        .count();
    let total = golden.pixels().len();
    assert!(
        differing * 200 <= total,
        "{name}: {differing} of {total} dots differ"
    );
}

#[test]
fn a_receipt_sent_over_tcp_decodes_to_the_golden_image_at_both_widths() {
    for (width, name) in [
        (PaperWidth::Mm58, "receipt-58.png"),
        (PaperWidth::Mm80, "receipt-80.png"),
    ] {
        let bitmap = render(&usd_receipt(), width).unwrap();
        let printer = FakePrinter::start(READY).unwrap();
        let mut p = Printer::new(TcpTransport::connect(printer.address(), TIMEOUT).unwrap());
        let status = p.print(&bitmap, JobOptions::default()).unwrap();
        assert_eq!(status.and_then(|s| s.fault()), None);
        drop(p);
        let c = printer.finished(TIMEOUT).unwrap();
        assert_eq!(c.status_queries, [1, 2, 4]);
        assert_eq!(c.init, 1);
        assert_eq!(c.cuts, 1);
        assert!(c.drawer.is_empty());
        // Every band but the last is 24 rows, so a small buffer never overflows.
        let (last, full) = c.bands.split_last().unwrap();
        assert!(full.iter().all(|&rows| rows == 24) && *last <= 24);
        let decoded = c.images.into_iter().next().unwrap();
        assert_eq!(decoded, bitmap);
        check_golden(name, &to_png(&decoded));
    }
}

#[test]
fn the_printed_khqr_slip_scans_back_to_the_same_khqr_at_both_widths() {
    let qr = khqr();
    for (width, name) in [
        (PaperWidth::Mm58, "slip-58.png"),
        (PaperWidth::Mm80, "slip-80.png"),
    ] {
        let printed = to_png(&print_over_tcp(&slip(qr.clone()), width));
        assert_eq!(zbar(&printed, name), std::slice::from_ref(&qr), "{name}");
        check_golden(name, &printed);
    }
}

/// The text `tesseract` reads in `image` with `lang` and page segmentation `psm`. Fails
/// with what to install when tesseract or its language data is missing: a machine without
/// them must not pass the OCR check by skipping it.
fn ocr(image: &image::GrayImage, lang: &str, psm: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("page.png");
    image.save(&path).unwrap();
    let out = Command::new("tesseract")
        .arg(&path)
        .args(["-", "-l", lang, "--psm", psm])
        // One thread each: the two readings already run side by side.
        .env("OMP_THREAD_LIMIT", "1")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "tesseract: {e} (apt-get install tesseract-ocr tesseract-ocr-eng \
                 tesseract-ocr-khm; scripts/setup.sh installs them)"
            )
        });
    assert!(
        out.status.success(),
        "tesseract -l {lang}: {} (is tesseract-ocr-{lang} installed? scripts/setup.sh installs it)",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// OCR text made comparable: no white space, and the letters OCR takes for digits as digits.
fn normalised(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            'O' | 'o' => '0',
            'l' | 'I' | '|' => '1',
            c => c,
        })
        .collect()
}

/// The printed receipt, read back by OCR at both widths: the amount, its riel equivalent
/// and the bill number in English, and the bill's Khmer label shaped well enough for
/// tesseract's Khmer model to read it. Sparse-text mode (`--psm 11`) for the Latin: the page
/// layout mode skips the large amount line at 80 mm.
#[test]
fn the_printed_receipt_reads_back_by_ocr_in_english_and_khmer_at_both_widths() {
    for width in [PaperWidth::Mm58, PaperWidth::Mm80] {
        let printed = to_png(&print_over_tcp(&usd_receipt(), width));
        let (latin, khmer) = std::thread::scope(|s| {
            let latin = s.spawn(|| ocr(&printed, "eng", "11"));
            let khmer = s.spawn(|| ocr(&printed, "khm", "3"));
            (latin.join().unwrap(), khmer.join().unwrap())
        });
        let read = normalised(&latin);
        for expected in ["12.50USD", "51,250KHR", "B-20261201-0042"] {
            assert!(
                read.contains(&normalised(expected)),
                "{width:?}: {expected:?} not in the OCR text:\n{latin}"
            );
        }
        assert!(
            khmer.contains("វិក្កយបត្រ"),
            "{width:?}: the Khmer label for the bill is not in the OCR text:\n{khmer}"
        );
    }
}

#[test]
fn a_copy_carries_its_mark_and_matches_its_golden() {
    let copy = ReceiptDoc {
        copy: true,
        ..usd_receipt()
    };
    check_golden(
        "copy-58.png",
        &to_png(&print_over_tcp(&copy, PaperWidth::Mm58)),
    );
}

#[test]
fn a_printer_out_of_paper_gets_nothing_but_status_queries() {
    for (script, fault) in [(PAPER_OUT, Fault::PaperOut), (OFFLINE, Fault::Offline)] {
        let bitmap = render(&usd_receipt(), PaperWidth::Mm58).unwrap();
        let printer = FakePrinter::start(script).unwrap();
        let mut p = Printer::new(TcpTransport::connect(printer.address(), TIMEOUT).unwrap());
        let err = p.print(&bitmap, JobOptions::default()).unwrap_err();
        assert!(
            matches!(err, PrintError::NotReady { fault: f } if f == fault),
            "{err}"
        );
        drop(p);
        let c = printer.finished(TIMEOUT).unwrap();
        assert_eq!(c.raw, [0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 4]);
    }
}

#[test]
fn a_garbled_status_reply_is_a_typed_error_not_a_panic() {
    let printer = FakePrinter::start([0xFF, 0x12, 0x12]).unwrap();
    let mut p = Printer::new(TcpTransport::connect(printer.address(), TIMEOUT).unwrap());
    let err = p.status().unwrap_err();
    assert!(
        matches!(err, PrintError::BadStatusByte { byte: 0xFF, .. }),
        "{err}"
    );
    drop(p);
    printer.finished(TIMEOUT).unwrap();
}

#[test]
fn a_printer_that_never_answers_is_no_reply_within_the_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let mut p = Printer::new(TcpTransport::connect(&address, Duration::from_millis(200)).unwrap());
    let err = p.status().unwrap_err();
    assert!(matches!(err, PrintError::NoReply { millis: 200 }), "{err}");
}

#[test]
fn an_unreachable_printer_is_reported_as_such() {
    // A port that was just free: nothing listens there now.
    let address = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    let err = TcpTransport::connect(&address, TIMEOUT).unwrap_err();
    assert!(matches!(err, PrintError::Unreachable { .. }), "{err}");
}

#[test]
fn a_cash_sale_kicks_the_configured_drawer_pin_after_the_cut() {
    let cash = ReceiptDoc {
        amount: Money::new(52_000, Currency::Khr),
        riel_per_usd: None,
        paid: Some(Paid::Cash {
            tendered: vec![Money::new(60_000, Currency::Khr)],
            change: vec![Money::new(8_000, Currency::Khr)],
            khqr: None,
        }),
        ..usd_receipt()
    };
    let bitmap = render(&cash, PaperWidth::Mm80).unwrap();
    let printer = FakePrinter::start(READY).unwrap();
    let mut p = Printer::new(TcpTransport::connect(printer.address(), TIMEOUT).unwrap());
    let options = JobOptions {
        drawer: Some(DrawerPin::Pin5),
        ..JobOptions::default()
    };
    p.print(&bitmap, options).unwrap();
    p.kick_drawer(DrawerPin::Pin2).unwrap();
    drop(p);
    let c = printer.finished(TIMEOUT).unwrap();
    assert_eq!(c.drawer, [1, 0]);
    assert!(c
        .raw
        .ends_with(&[0x1D, 0x56, 0x42, 0, 0x1B, 0x70, 1, 25, 250, 0x1B, 0x70, 0, 25, 250]));
}

#[test]
fn a_device_file_receives_the_same_job_when_printing_blind() {
    // A plain file stands in for /dev/usb/lp0; it cannot answer, so the job skips the
    // status as it must for printers that never answer.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lp0");
    std::fs::write(&path, b"").unwrap();
    let bitmap = render(&usd_receipt(), PaperWidth::Mm58).unwrap();
    let mut p = Printer::new(DeviceTransport::open(&path, TIMEOUT).unwrap());
    let blind = JobOptions {
        check_status: false,
        ..JobOptions::default()
    };
    assert_eq!(p.print(&bitmap, blind).unwrap(), None);
    drop(p);
    let c = interpret(&std::fs::read(&path).unwrap());
    assert!(c.status_queries.is_empty());
    assert_eq!((c.init, c.cuts), (1, 1));
    assert_eq!(c.images, [bitmap]);
}

#[test]
fn a_device_file_with_no_reply_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lp0");
    std::fs::write(&path, b"").unwrap();
    let mut p = Printer::new(DeviceTransport::open(&path, Duration::from_millis(100)).unwrap());
    assert!(matches!(
        p.status(),
        Err(PrintError::NoReply { millis: 100 })
    ));
    let missing = DeviceTransport::open(&dir.path().join("lp9"), TIMEOUT).unwrap_err();
    assert!(matches!(missing, PrintError::Unreachable { .. }));
}

/// A serial printer configured as `kind = "serial"`, `PATH@BAUD`, with a real
/// pseudo-terminal as the cable: the KHQR slip arrives whole (raw mode changes no byte of
/// the raster) and decodes to the same image; the status is asked over the same line.
#[cfg(target_os = "linux")]
#[test]
fn a_serial_printer_on_a_pseudo_terminal_gets_the_whole_slip() {
    use std::io::{Read, Write};
    use std::os::fd::AsRawFd;

    let pty = nix::pty::openpty(None, None).unwrap();
    let port = std::fs::read_link(format!("/proc/self/fd/{}", pty.slave.as_raw_fd())).unwrap();
    let mut line = std::fs::File::from(pty.master);
    let settings = pos_print::PrinterSettings::new(&pos_print::RawSettings {
        kind: Some("serial"),
        address: Some(&format!("{}@115200", port.display())),
        width_mm: Some(58),
        ..pos_print::RawSettings::default()
    })
    .unwrap();
    let page = render(&slip(khqr()), PaperWidth::Mm58).unwrap();
    // The printer's side: answers the three status queries "ready", then reads to the cut.
    let printer = std::thread::spawn(move || {
        let mut got = Vec::new();
        let mut byte = [0u8; 1];
        while !got.ends_with(&[0x1D, 0x56, 0x42, 0]) {
            line.read_exact(&mut byte).unwrap();
            got.push(byte[0]);
            // Raster bytes may hold DLE EOT too: only queries before `ESC @` are answered.
            let started = got.windows(2).any(|w| w == [0x1B, 0x40]);
            if !started && got.ends_with(&[0x10, 0x04]) {
                line.read_exact(&mut byte).unwrap();
                got.push(byte[0]);
                line.write_all(&READY[..1]).unwrap();
            }
        }
        got
    });
    pos_print::print_page(&settings, &page).unwrap();
    let got = printer.join().unwrap();
    let capture = interpret(&got);
    assert_eq!(capture.images, [page]);
    assert_eq!(capture.cuts, 1);
}
