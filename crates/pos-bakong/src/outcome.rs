//! The typed answers of the API: [`CheckOutcome`] for a transaction check, [`Transaction`] for
//! a payment Bakong recorded, [`ListReport`] for the batch endpoints and [`AccountStatus`].

use pos_domain::Money;

use crate::BakongError;

/// What Bakong says about one transaction lookup. Only a reply that Bakong actually gave ends up
/// here; anything that prevented an answer is a [`BakongError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    /// Bakong recorded the payment.
    Paid(Box<Transaction>),
    /// errorCode 1: no such transaction (yet). For an md5 this means "not paid so far".
    NotFound,
    /// errorCode 3: the transaction failed.
    Failed,
    /// errorCode 2 (or list status `STATIC_QR`): a static QR cannot be tracked.
    StaticQr,
}

/// A payment as Bakong reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// The 64-hex transaction hash; its first 8 characters are the short hash.
    pub hash: String,
    /// The payer's Bakong account, e.g. `payer@abaa`.
    pub from_account_id: Option<String>,
    /// The payee's Bakong account, e.g. `merchant@aclb`.
    pub to_account_id: Option<String>,
    /// The amount paid, exactly (read from the JSON number's text, never through a float).
    pub amount: Money,
    /// The payer's note, if any.
    pub description: Option<String>,
    /// When the payer sent the money, epoch milliseconds.
    pub created_ms: Option<i64>,
    /// When Bakong recorded it, epoch milliseconds (can be a few seconds after `created_ms`).
    pub acknowledged_ms: Option<i64>,
    /// The payer bank's reference.
    pub external_ref: Option<String>,
    /// Bakong's instruction reference.
    pub instruction_ref: Option<String>,
    /// e.g. `ACKNOWLEDGED_BY_FI`, on later API revisions.
    pub tracking_status: Option<String>,
    /// The receiving bank's name, on later API revisions.
    pub receiver_bank: Option<String>,
    /// The receiving account, masked, on later API revisions.
    pub receiver_bank_account: Option<String>,
}

impl Transaction {
    /// The first 8 characters of the hash, as the short-hash endpoint takes it.
    pub fn short_hash(&self) -> &str {
        self.hash.get(..8).unwrap_or(&self.hash)
    }
}

/// The answer of a list endpoint, with one item per requested key in request order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListReport {
    /// One item per requested key, in the order asked. A key the reply left out has the error
    /// [`BakongError::MissingItem`].
    pub items: Vec<ListItem>,
    /// The reply listed the items in another order than requested (they were matched by key).
    pub reordered: bool,
    /// Keys in the reply that were not asked for.
    pub unexpected: Vec<String>,
}

impl ListReport {
    /// Whether the reply matched the request exactly: every key once, in order, nothing extra.
    pub fn is_exact(&self) -> bool {
        !self.reordered
            && self.unexpected.is_empty()
            && self
                .items
                .iter()
                .all(|item| !matches!(item.outcome, Err(BakongError::MissingItem { .. })))
    }
}

/// One key of a list request and what Bakong said about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem {
    /// The md5 or hash that was asked for.
    pub key: String,
    /// The verdict for it, or why there is none.
    pub outcome: Result<CheckOutcome, BakongError>,
}

/// Whether a Bakong account ID exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountStatus {
    /// responseCode 0.
    Exists,
    /// errorCode 11.
    NotFound,
    /// errorCode 12: the ID is not well formed.
    Invalid,
}

/// The optional app details for `generate_deeplink_by_qr`. All three are required together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// URL of the app's icon.
    pub app_icon_url: String,
    /// The app's name.
    pub app_name: String,
    /// Where the banking app returns to after payment.
    pub app_deep_link_callback: String,
}
