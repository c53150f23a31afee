//! The crate's one error type: every bad input, status byte and I/O failure is a variant.

use pos_domain::text::TextError;

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
}
