//! The receipt the tests print: 12.50 USD at 4,100 riel, paid by KHQR. One fixture for the
//! unit tests (`src/layout.rs` includes this file) and the end-to-end tests, whose goldens
//! are of it. Its parent module has the types in scope.

use super::{Currency, Money, Paid, ReceiptDoc};

pub(crate) fn usd_receipt() -> ReceiptDoc {
    ReceiptDoc {
        shop: "ហាងកាហ្វេ សុខា Sokha Coffee".into(),
        bill: "B-20261201-0042".into(),
        receipt: Some("T1-000123".into()),
        issued_at: "01/12/2026 14:05".into(),
        amount: Money::new(1250, Currency::Usd),
        riel_per_usd: Some(4100),
        paid: Some(Paid::Khqr {
            payer: Some("SOK DARA".into()),
            short_hash: "a1b2c3d4".into(),
        }),
        copy: false,
        khqr: None,
    }
}
