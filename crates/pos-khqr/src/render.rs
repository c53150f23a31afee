//! Drawing a KHQR string as a QR code, in memory: SVG text, or PNG bytes with the `png`
//! feature. Error correction
//! is level H (30 % of modules recoverable) because the KHQR card covers the middle with a
//! currency badge.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::error::KhqrError;

/// Smallest side in pixels of the rendered images; big enough to scan off a phone screen.
const MIN_SIDE: u32 = 320;

fn qr_code(qr: &str) -> Result<QrCode, KhqrError> {
    QrCode::with_error_correction_level(qr.as_bytes(), EcLevel::H).map_err(|e| KhqrError::Render {
        reason: e.to_string(),
    })
}

/// The QR code of `qr` as a standalone SVG document (black on white, with quiet zone).
pub fn render_svg(qr: &str) -> Result<String, KhqrError> {
    Ok(qr_code(qr)?
        .render::<svg::Color<'_>>()
        .min_dimensions(MIN_SIDE, MIN_SIDE)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
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
