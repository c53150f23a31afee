//! [`CashError`]: every way cash arithmetic refuses its input, with the data to say why.

use pos_domain::text::TextError;
use pos_domain::{AmountError, Currency, Money};

/// A refusal of cash input. Messages are lower case with units, fit to show a cashier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CashError {
    /// The rate text is not a whole number of riel.
    #[error("exchange rate: {0}")]
    RateText(AmountError),
    /// The rate is outside the range a shop rate can sensibly be.
    #[error("exchange rate {riel_per_usd} riel per dollar is outside {min}–{max}")]
    RateOutOfRange {
        /// The rate given.
        riel_per_usd: i64,
        /// The lowest accepted rate.
        min: i64,
        /// The highest accepted rate.
        max: i64,
    },
    /// An amount that must not be negative is.
    #[error("{what} cannot be negative (got {amount} {currency})", amount = .amount, currency = .amount.currency)]
    Negative {
        /// Which amount.
        what: &'static str,
        /// The amount given.
        amount: Money,
    },
    /// An amount in the wrong currency for its place.
    #[error("{what} must be in {expected}, not {found}")]
    WrongCurrency {
        /// Which amount.
        what: &'static str,
        /// The currency it must have.
        expected: Currency,
        /// The currency it has.
        found: Currency,
    },
    /// Dollars handed over must be notes the shop accepts (no cents, no refused notes).
    #[error("${dollars} cannot be made of the accepted dollar notes {accepted:?}", dollars = .cents / 100)]
    UsdNotNotes {
        /// The dollar amount, in cents.
        cents: i64,
        /// The accepted notes, in dollars.
        accepted: Vec<i64>,
    },
    /// The accepted dollar notes list is empty or holds a note that does not exist.
    #[error("accepted dollar notes {0:?} must be a non-empty subset of $1 $2 $5 $10 $20 $50 $100")]
    BadNoteList(Vec<i64>),
    /// A counted note is not a note of that currency.
    #[error("{value} {currency} is not a note in use")]
    UnknownNote {
        /// The note's value in minor units.
        value: i64,
        /// Its currency.
        currency: Currency,
    },
    /// A count of notes is negative.
    #[error("the count of {value} {currency} notes cannot be negative (got {count})")]
    NegativeCount {
        /// The note's value in minor units.
        value: i64,
        /// Its currency.
        currency: Currency,
        /// The count given.
        count: i64,
    },
    /// A sum left the range of the ledger's integers: no real drawer holds this much.
    #[error("the amounts are too large to add up")]
    Overflow,
    /// A sale's tenders do not add up to its total plus its rounding line.
    #[error("tenders net {net_riel} riel but the total plus rounding is {expected_riel} riel")]
    Unbalanced {
        /// Tendered minus change, in riel at the frozen rate.
        net_riel: i64,
        /// The total in riel plus the rounding line.
        expected_riel: i64,
    },
    /// The variance is above the shop's threshold and no reason was written.
    #[error("a variance of {variance} {currency} is above the threshold of {threshold}: write a reason", variance = .variance.minor, currency = .variance.currency, threshold = .threshold.minor)]
    ReasonNeeded {
        /// The variance (counted − expected) in the currency concerned.
        variance: Money,
        /// The shop's threshold in that currency.
        threshold: Money,
    },
    /// A variance reason is not acceptable text.
    #[error("{0}")]
    Reason(TextError),
}
