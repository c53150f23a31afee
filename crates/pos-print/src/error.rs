//! The crate's one error type: every bad input, status byte and I/O failure is a variant.

use pos_domain::text::TextError;

use crate::escpos::{Fault, StatusQuery};

/// Why a receipt could not be laid out, encoded or printed.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// A text field of the receipt holds control or bidi characters.
    #[error(transparent)]
    Text(#[from] TextError),
    /// The KHR equivalent of a dollar amount does not fit in riel.
    #[error("the riel equivalent of {amount} at {riel_per_usd} riel per dollar overflows")]
    RielOverflow { amount: String, riel_per_usd: i64 },
    /// The shop rate is not a positive number of riel per dollar.
    #[error("rate of {riel_per_usd} riel per dollar is not positive")]
    BadRate { riel_per_usd: i64 },
    /// The QR of a KHQR slip cannot be encoded or does not fit the paper.
    #[error("qr code cannot be printed: {reason}")]
    Qr { reason: String },
    /// A bundled font failed to parse (a broken build, never user input).
    #[error("bundled font {name} cannot be read")]
    Font { name: &'static str },
    /// A bitmap is wider than a raster command can carry, or not a whole number of bytes.
    #[error("bitmap of {width}x{height} dots cannot be sent as a raster image")]
    BitmapSize { width: usize, height: usize },
    /// A raster band's row count is outside what cheap printers' buffers take.
    #[error("raster band of {rows} rows is outside 1-1024")]
    BandRows { rows: usize },
    /// The printer answered a status query with a byte the ESC/POS reference does not allow.
    #[error("printer answered {query:?} status with invalid byte 0x{byte:02x}")]
    BadStatusByte { query: StatusQuery, byte: u8 },
    /// The printer reports a fault; nothing was sent.
    #[error("printer not ready: {fault}")]
    NotReady { fault: Fault },
    /// The printer cannot be reached at all.
    #[error("printer at {address} unreachable: {source}")]
    Unreachable {
        address: String,
        #[source]
        source: std::io::Error,
    },
    /// The printer did not answer a status query in time (or closed the connection).
    #[error("printer did not answer within {millis} ms")]
    NoReply { millis: u128 },
    /// No printer is configured.
    #[error("no printer is configured")]
    NoPrinter,
    /// The sale has no receipt to print (not paid).
    #[error("sale {sale} has no receipt")]
    NoReceipt { sale: i64 },
    /// A KHQR slip is printed only for a sale still waiting for its payment.
    #[error("sale {sale} is {status}, not waiting for a KHQR payment: no slip to print")]
    NotWaiting { sale: i64, status: String },
    /// No Z report has this number.
    #[error("no z report number {number} on this terminal")]
    NoZReport { number: i64 },
    /// The connection broke after part of a receipt was sent: it may be half on paper.
    #[error("printing stopped midway: {0}")]
    Interrupted(Box<PrintError>),
    /// The ledger failed.
    #[error(transparent)]
    Store(#[from] pos_store::StoreError),
    /// Sending or receiving failed midway.
    #[error("printer i/o failed: {0}")]
    Io(#[from] std::io::Error),
}
