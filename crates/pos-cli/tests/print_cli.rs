//! `khqr-pos print test` through the real binary: the PNG is paper-wide and its QR scans
//! (zbar), the .bin is ESC/POS starting with `ESC @` and ending with the cut, and an
//! unknown extension is refused with exit code 1.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

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
