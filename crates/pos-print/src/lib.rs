//! Counter printing: a receipt laid out as a 1-bit raster image with correctly shaped Khmer
//! ([`layout`]).
//!
//! Thermal printers have no Khmer code page and mis-shape Khmer sent as UTF-8, so every
//! receipt is printed as an image: shaping with `rustybuzz` and the bundled Noto fonts,
//! glyph outlines filled by `ab_glyph_rasterizer`.

pub mod bitmap;
pub mod error;
pub mod layout;
mod text;

pub use bitmap::{Bitmap, PaperWidth};
pub use error::PrintError;
pub use layout::{render, Paid, ReceiptDoc};
