//! The cashier screen's side of the IPC contract: what its commands take and return and the
//! event payloads. These are made for the screen (ids as text, the four reasons a cashier
//! needs) rather than the core's types; the owner screens use the core's views directly, and
//! every command fails with the core's `ErrorView`. TypeScript bindings are generated from
//! all of them (`bindings.rs`); a test fails when the committed file is stale.

use pos_core::{ChargeView, CheckNow, PosEvent};
use pos_domain::{Currency, SaleStatus};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the cashier screen needs once at start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// Demo mode: the embedded simulator, a DEMO banner and the "simulate payment" button.
    pub demo: bool,
    /// The shop's name as printed on the card.
    pub merchant_name: String,
    /// The currency the keypad starts in.
    #[ts(type = "Currency")]
    pub default_currency: Currency,
    /// The shop's largest charge in riel, as plain text (`40000000`): the keypad stops there.
    pub max_amount_khr: String,
    /// The shop's largest charge in dollars, as plain text (`10000.00`).
    pub max_amount_usd: String,
    /// The app's version.
    pub version: String,
    /// The owner allows accepting a sale on the customer's success screen while Bakong
    /// cannot answer.
    pub accept_unverified: bool,
}

/// A charge as the cashier typed it; Rust parses the amount text (never a float).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChargeInput {
    /// The amount exactly as typed (`"1300000"`, `"10.5"`).
    pub amount: String,
    /// KHR or USD.
    #[ts(type = "Currency")]
    pub currency: Currency,
    /// An optional short note or reference.
    pub note: Option<String>,
}

/// A sale with its QR, ready for the KHQR card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SaleCard {
    /// The sale's id, as text so that JavaScript never rounds it.
    pub sale_id: String,
    /// The bill number written into the QR.
    pub bill_number: String,
    /// The merchant name written into the QR.
    pub merchant_name: String,
    /// The amount for people: `1,300,000` (KHR) or `10.00` (USD).
    pub amount_text: String,
    /// The amount as plain text the keypad can take back: `1300000`, `10.00`.
    pub amount_plain: String,
    /// KHR or USD.
    #[ts(type = "Currency")]
    pub currency: Currency,
    /// For a USD charge, the riel equivalent at the shop rate, shown beside the card.
    pub khr_equivalent_text: Option<String>,
    /// The KHQR string the QR encodes.
    pub qr: String,
    /// The md5 Bakong is asked about.
    pub md5: String,
    /// The QR as SVG markup (level H, room for the centre badge).
    pub qr_svg: String,
    /// When the QR was made, in Unix milliseconds.
    #[ts(type = "number")]
    pub created_at_ms: i64,
    /// When the QR stops being payable, in Unix milliseconds.
    #[ts(type = "number")]
    pub expires_at_ms: i64,
    /// Where the sale stands.
    #[ts(type = "SaleStatus")]
    pub status: SaleStatus,
}

/// Why payments cannot be verified right now, in the four words a cashier needs (the core
/// tells eight causes apart; the detail travels in the message). Never means "unpaid".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum CannotVerifyReason {
    /// Bakong cannot be reached or is not answering properly.
    Network,
    /// The day's checks are used up (Bakong's quota or the shop's budget).
    Quota,
    /// The token is missing, expired or refused.
    Token,
    /// Bakong refuses callers from this location.
    Region,
}

/// Where payment verification stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum Verification {
    /// Checks are going through (the sale may still be unpaid).
    Checking,
    /// Checks cannot be made; they resume by themselves.
    #[serde(rename_all = "camelCase")]
    CannotVerify {
        /// The kind of problem, for the translated text.
        reason: CannotVerifyReason,
        /// The detail, in English.
        message: String,
    },
}

/// Payment progress pushed to the web view on the `pos://event` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum UiEvent {
    /// A sale changed status.
    #[serde(rename_all = "camelCase")]
    Status {
        /// The sale.
        sale_id: String,
        /// Its new status.
        #[ts(type = "SaleStatus")]
        status: SaleStatus,
        /// The payer's account or bank, when Bakong says.
        payer: Option<String>,
        /// The bill number, the amount's text and currency: a payment landing on a QR no
        /// longer on screen (paid late) is announced at the counter with them.
        bill_number: String,
        /// The amount asked for, as the card shows it (`1,300,000`, `10.00`).
        amount_text: String,
        /// Its currency.
        #[ts(type = "Currency")]
        currency: Currency,
    },
    /// Verification changed; it concerns every pending sale (one watcher checks them all).
    Verification {
        /// The new state.
        state: Verification,
    },
    /// A check was spent: what is left of the day's budget, for the counter's gauge.
    Budget {
        /// Checks left today.
        left: u32,
        /// The day's budget.
        daily: u32,
    },
}

/// What the "customer shows paid" key found for the sale on screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum CheckReply {
    /// The sale is closed: Bakong has the payment (or reported it failed), or it already was.
    Found {
        /// Where the sale stands now; the `pos://event` says the same.
        #[ts(type = "SaleStatus")]
        status: SaleStatus,
    },
    /// Bakong has no payment for this QR yet; the automatic checks continue.
    NotFoundYet,
    /// No answer: NOT unpaid.
    CannotVerify {
        /// The kind of problem, for the translated text.
        reason: CannotVerifyReason,
        /// The detail, in English.
        message: String,
    },
}

impl From<CheckNow> for CheckReply {
    fn from(answer: CheckNow) -> Self {
        match answer {
            CheckNow::Found { sale } | CheckNow::Closed { sale } => CheckReply::Found {
                status: sale.status,
            },
            CheckNow::NotFoundYet { .. } => CheckReply::NotFoundYet,
            CheckNow::CannotVerify {
                reason, message, ..
            } => CheckReply::CannotVerify {
                reason: reason.into(),
                message,
            },
        }
    }
}

impl From<ChargeView> for SaleCard {
    fn from(view: ChargeView) -> Self {
        SaleCard {
            sale_id: view.sale_id.to_string(),
            bill_number: view.bill_number,
            merchant_name: view.merchant_name,
            amount_text: view.amount_text,
            amount_plain: view.amount.plain(),
            currency: view.currency,
            khr_equivalent_text: view.khr_equivalent_text,
            qr: view.qr,
            md5: view.md5,
            qr_svg: view.qr_svg,
            created_at_ms: view.created_at_ms,
            expires_at_ms: view.expires_at_ms,
            status: SaleStatus::Pending,
        }
    }
}

impl SaleCard {
    /// A sale found waiting at start, as it stands now (its QR, and a status that may have
    /// changed since the last run).
    pub fn resumed(view: ChargeView, sale: &pos_core::SaleView) -> Self {
        SaleCard {
            status: sale.status,
            ..view.into()
        }
    }
}

impl From<pos_core::CannotVerifyReason> for CannotVerifyReason {
    fn from(reason: pos_core::CannotVerifyReason) -> Self {
        use pos_core::CannotVerifyReason as Core;
        match reason {
            Core::Network | Core::Timeout | Core::Server | Core::RateLimited => Self::Network,
            Core::Quota | Core::Budget => Self::Quota,
            Core::Token => Self::Token,
            Core::Region => Self::Region,
        }
    }
}

impl From<pos_core::Verification> for Verification {
    fn from(state: pos_core::Verification) -> Self {
        match state {
            pos_core::Verification::CannotVerify {
                reason, message, ..
            } => Verification::CannotVerify {
                reason: reason.into(),
                message: format!("{}: {message}", reason.describe()),
            },
            pos_core::Verification::Idle
            | pos_core::Verification::Watching { .. }
            | pos_core::Verification::Checking { .. } => Verification::Checking,
        }
    }
}

impl UiEvent {
    /// The screen's view of a core event; `None` for bookkeeping the screen does not show.
    pub fn from_core(event: PosEvent) -> Option<UiEvent> {
        match event {
            PosEvent::SaleUpdated { sale } => Some(UiEvent::Status {
                sale_id: sale.id.to_string(),
                status: sale.status,
                payer: sale.payment.and_then(|p| p.payer_account),
                bill_number: sale.bill_number,
                amount_text: sale.amount_text,
                currency: sale.currency,
            }),
            PosEvent::Verification { state } => Some(UiEvent::Verification {
                state: state.into(),
            }),
            PosEvent::Budget { used, daily } => Some(UiEvent::Budget {
                left: daily.saturating_sub(used),
                daily,
            }),
            PosEvent::NextCheck { .. } => None,
        }
    }
}
