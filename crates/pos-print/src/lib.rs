//! Counter printing: a receipt laid out as a 1-bit raster image with correctly shaped Khmer
//! ([`layout`]), encoded as ESC/POS commands ([`escpos`]) and sent to a printer over a
//! [`Transport`] (TCP port 9100 or a device file such as `/dev/usb/lp0`).
//!
//! Thermal printers have no Khmer code page and mis-shape Khmer sent as UTF-8, so every
//! receipt is printed as an image: shaping with `rustybuzz` and the bundled Noto fonts,
//! glyph outlines filled by `ab_glyph_rasterizer`.
//!
//! [`spool`] is the print queue over the ledger (`pos-store`): every issued receipt is
//! queued with it, printed once when the printer can take it, and reprinted only as a COPY;
//! [`settings`] is the configured printer and drawer.
//!
//! Blocking I/O with timeouts: a print job is a few kilobytes, and the caller (`pos-core`)
//! runs it on a blocking thread so it never holds up a sale.

pub mod bitmap;
pub mod devices;
pub mod error;
pub mod escpos;
#[cfg(feature = "fake")]
pub mod fake;
pub mod layout;
pub mod printer;
pub mod settings;
pub mod spool;
mod text;
pub mod transport;

pub use bitmap::{Bitmap, PaperWidth};
pub use devices::{find_devices, DeviceKind, FoundDevice};
pub use error::PrintError;
pub use escpos::{DrawerPin, Fault, Status, StatusQuery};
pub use layout::{render, render_report, Paid, ReceiptDoc, ReportDoc, ReportLine};
pub use printer::{JobOptions, Printer};
pub use settings::{Connection, PrinterSettings, RawSettings, SettingsError};
pub use spool::{
    drain, open_drawer, print_page, print_receipt, queued, receipt_doc, slip_doc, JobState,
    Printed, QueueReport, Shop,
};
pub use transport::{DeviceTransport, TcpTransport, Transport};
