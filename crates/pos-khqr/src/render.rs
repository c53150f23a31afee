//! Drawing a KHQR string as a QR code, in memory: SVG text, or PNG bytes with the `png`
//! feature. Error correction
//! is level H (30 % of modules recoverable) because the KHQR card covers the middle with a
//! currency badge.

use std::fmt::Write;

use qrcode::{Color, EcLevel, QrCode};

use crate::error::KhqrError;

/// Smallest side in pixels of the rendered images; big enough to scan off a phone screen.
const MIN_SIDE: u32 = 320;
/// Light modules around the code, as the QR standard asks for.
const QUIET_ZONE: usize = 4;

fn qr_code(qr: &str) -> Result<QrCode, KhqrError> {
    QrCode::with_error_correction_level(qr.as_bytes(), EcLevel::H).map_err(|e| KhqrError::Render {
        reason: e.to_string(),
    })
}

/// The QR code of `qr` as a standalone SVG document (black on white, with quiet zone).
///
/// The view box counts modules and each horizontal run of dark modules is one sub-path
/// (`M x y h n v1 h-n z`): half the sub-paths of one per module and about a third of the
/// text (a counter's QR: 1,630–1,670 sub-paths and 31 KB before, 820–850 and 12 KB now);
/// the image is the same.
pub fn render_svg(qr: &str) -> Result<String, KhqrError> {
    let code = qr_code(qr)?;
    let width = code.width();
    let side = width + 2 * QUIET_ZONE;
    // Whole pixels per module, as many as reach MIN_SIDE.
    let pixels = u32::try_from(side)
        .ok()
        .map(|modules| modules * MIN_SIDE.div_ceil(modules))
        .ok_or_else(|| KhqrError::Render {
            reason: format!("{side} modules do not fit an image"),
        })?;
    let mut svg = format!(
        concat!(
            r#"<?xml version="1.0" standalone="yes"?>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{px}" height="{px}""#,
            r#" viewBox="0 0 {side} {side}" shape-rendering="crispEdges">"#,
            r##"<rect x="0" y="0" width="{side}" height="{side}" fill="#ffffff"/>"##,
            r##"<path fill="#000000" d=""##,
        ),
        px = pixels,
        side = side,
    );
    for (y, row) in code.to_colors().chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            let run = row[x..].iter().take_while(|c| **c == Color::Dark).count();
            if run == 0 {
                x += 1;
                continue;
            }
            // Writing to a String cannot fail.
            let _ = write!(
                svg,
                "M{} {}h{run}v1h-{run}z",
                x + QUIET_ZONE,
                y + QUIET_ZONE
            );
            x += run;
        }
    }
    svg.push_str(r#""/></svg>"#);
    Ok(svg)
}

/// The QR code of `qr` as PNG bytes (8-bit greyscale, with quiet zone).
#[cfg(feature = "png")]
pub fn render_png(qr: &str) -> Result<Vec<u8>, KhqrError> {
    use image::{ImageFormat, Luma};
    use std::io::Cursor;

    let image = qr_code(qr)?
        .render::<Luma<u8>>()
        .min_dimensions(MIN_SIDE, MIN_SIDE)
        .build();
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, ImageFormat::Png)
        .map_err(|e| KhqrError::Render {
            reason: e.to_string(),
        })?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    const QR: &str = "00020101021129190015john_smith@devb5204599953031165802KH5910John Smith6010Phnom Penh63046BFA";

    #[test]
    fn svg_output_is_an_svg_document() {
        let svg = render_svg(QR).unwrap();
        assert!(svg.starts_with("<?xml"), "{}", &svg[..40]);
        assert!(svg.contains("<svg") && svg.contains("#000000"));
    }

    /// The text of attribute `name` in the first element that has it.
    fn attr<'a>(svg: &'a str, name: &str) -> &'a str {
        let start = svg.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        &svg[start..start + svg[start..].find('"').unwrap()]
    }

    /// Reads an SVG path of axis-aligned rectangles (absolute or relative M/H/V/h/v, closed
    /// by z or by the next M) back into dark cells of a `side` × `side` grid, where one cell
    /// is `unit` path units. Panics on anything else, on a sub-path that is not one whole
    /// rectangle of cells, and on a cell painted twice.
    fn cells(d: &str, side: usize, unit: i64) -> Vec<bool> {
        let mut grid = vec![false; side * side];
        let mut corners: Vec<(i64, i64)> = Vec::new();
        let mut fill = |corners: &mut Vec<(i64, i64)>| {
            if corners.is_empty() {
                return;
            }
            let xs = || corners.iter().map(|p| p.0);
            let ys = || corners.iter().map(|p| p.1);
            let (x0, x1) = (xs().min().unwrap(), xs().max().unwrap());
            let (y0, y1) = (ys().min().unwrap(), ys().max().unwrap());
            for p in corners.iter() {
                assert!(
                    (p.0 == x0 || p.0 == x1) && (p.1 == y0 || p.1 == y1),
                    "not a rectangle"
                );
            }
            assert!(x0 % unit == 0 && x1 % unit == 0 && y0 % unit == 0 && y1 % unit == 0);
            for y in y0 / unit..y1 / unit {
                for x in x0 / unit..x1 / unit {
                    let cell =
                        &mut grid[usize::try_from(y * i64::try_from(side).unwrap() + x).unwrap()];
                    assert!(!*cell, "cell {x},{y} painted twice");
                    *cell = true;
                }
            }
            corners.clear();
        };
        let mut at = (0_i64, 0_i64);
        let mut rest = d;
        while let Some(command) = rest.chars().next() {
            rest = &rest[1..];
            let end = rest
                .find(|c: char| c.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            let args: Vec<i64> = rest[..end]
                .split([' ', ','])
                .filter(|a| !a.is_empty())
                .map(|a| a.parse().unwrap())
                .collect();
            rest = &rest[end..];
            match (command, args.as_slice()) {
                ('M', [x, y]) => {
                    fill(&mut corners);
                    at = (*x, *y);
                }
                ('h', [dx]) => at.0 += dx,
                ('v', [dy]) => at.1 += dy,
                ('H', [x]) => at.0 = *x,
                ('V', [y]) => at.1 = *y,
                ('z' | 'Z', []) => {
                    fill(&mut corners);
                    continue;
                }
                other => panic!("unexpected path command {other:?}"),
            }
            corners.push(at);
        }
        fill(&mut corners);
        grid
    }

    /// Several real KHQRs: individual and merchant accounts, both currencies, short and long
    /// (so QR versions of different sizes).
    fn sample_qrs() -> Vec<String> {
        use crate::{encode, AdditionalData, KhqrInput, Payment};
        use pos_domain::{Currency, Money};
        let dynamic = |minor, currency| Payment::Dynamic {
            amount: Money::new(minor, currency),
            expires_at_ms: 1_700_000_300_000,
        };
        let mut usd = KhqrInput::individual(
            "john_smith@devb",
            "John Smith",
            dynamic(1250, Currency::Usd),
        );
        usd.additional_data = AdditionalData {
            bill_number: Some("INV-0001".to_owned()),
            store_label: Some("Main Store".to_owned()),
            terminal_label: Some("POS-01".to_owned()),
            ..AdditionalData::default()
        };
        let khr =
            KhqrInput::individual("shop@devb", "Test Shop", dynamic(40_000_000, Currency::Khr));
        let mut long = KhqrInput::merchant(
            "a_rather_long_account_name@abaa",
            "A Merchant With Long Name",
            "012345678901234567890123456789",
            "Advanced Bank of Asia Ltd.",
            dynamic(99_999_999, Currency::Usd),
        );
        long.additional_data.purpose_of_transaction = Some("x".repeat(25));
        let mut qrs = vec![QR.to_owned()];
        for input in [usd, khr, long] {
            qrs.push(encode(&input, 1_700_000_000_000).unwrap().qr);
        }
        qrs
    }

    #[test]
    fn the_svg_path_draws_exactly_the_qr_matrix_in_merged_runs() {
        for qr in sample_qrs() {
            let code = qr_code(&qr).unwrap();
            let width = code.width();
            let side = width + 2 * QUIET_ZONE;
            let svg = render_svg(&qr).unwrap();
            assert_eq!(attr(&svg, "viewBox"), format!("0 0 {side} {side}"));
            let pixels: usize = attr(&svg, "width").parse().unwrap();
            assert!(
                pixels >= MIN_SIDE as usize && pixels % side == 0,
                "{pixels} px for {side}"
            );
            let drawn = cells(attr(&svg, "d"), side, 1);
            let mut expected = vec![false; side * side];
            for (i, color) in code.to_colors().iter().enumerate() {
                let (x, y) = (i % width + QUIET_ZONE, i / width + QUIET_ZONE);
                expected[y * side + x] = *color == Color::Dark;
            }
            assert_eq!(drawn, expected, "{qr}");
            // One sub-path per run of dark modules, not per module.
            let runs = expected
                .chunks(side)
                .map(|row| row.windows(2).filter(|w| !w[0] && w[1]).count())
                .sum::<usize>();
            assert_eq!(attr(&svg, "d").matches('M').count(), runs);
        }
    }

    #[test]
    fn the_image_is_the_one_the_qrcode_crate_draws_module_by_module() {
        for qr in sample_qrs() {
            let svg = render_svg(&qr).unwrap();
            let old = qr_code(&qr)
                .unwrap()
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(MIN_SIDE, MIN_SIDE)
                .build();
            let side = qr_code(&qr).unwrap().width() + 2 * QUIET_ZONE;
            let pixels: i64 = attr(&old, "width").parse().unwrap();
            assert_eq!(attr(&svg, "width"), attr(&old, "width"));
            assert_eq!(attr(&svg, "height"), attr(&old, "height"));
            let unit = pixels / i64::try_from(side).unwrap();
            assert_eq!(
                cells(attr(&svg, "d"), side, 1),
                cells(attr(&old, "d"), side, unit)
            );
            assert!(
                svg.len() * 2 < old.len(),
                "{} vs {} bytes",
                svg.len(),
                old.len()
            );
        }
    }

    #[cfg(feature = "png")]
    #[test]
    fn png_output_starts_with_the_png_signature() {
        let png = render_png(QR).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }

    #[test]
    fn a_string_too_long_for_any_qr_version_is_an_error_not_a_panic() {
        let err = render_svg(&"x".repeat(5000)).unwrap_err();
        assert_eq!(err.code(), 8);
        #[cfg(feature = "png")]
        assert_eq!(render_png(&"x".repeat(5000)).unwrap_err().code(), 8);
    }
}
