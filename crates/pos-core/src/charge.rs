//! Charging: from what the cashier typed to a pending sale in the ledger and the dynamic KHQR
//! to show. The sale is written before the QR leaves this module, so a crash right after
//! showing the QR leaves a sale the watcher resumes, never a payment nobody expects.

use std::time::Duration;

use pos_domain::text::{self, NOTE_MAX_CHARS};
use pos_domain::{Currency, Money};
use pos_khqr::{Account, AdditionalData, KhqrInput, Payment};
use pos_store::{NewSale, Sale, StoreError};

use crate::config::{Config, MerchantKind};
use crate::views::{ChargeRequest, ChargeView};
use crate::CoreError;

/// How many bill numbers to try when another process took the one we picked.
const BILL_ATTEMPTS: u32 = 50;

/// A checked charge: amount and lifetime accepted, ready to be numbered and encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Checked {
    pub amount: Money,
    pub lifetime: Duration,
    pub note: Option<String>,
    /// What the QR asks for: the amount, a split sale's remainder, or no QR (cash).
    pub qr: Option<Money>,
    /// The shop rate frozen on the sale.
    pub riel_per_usd: i64,
}

/// Parses and checks a request against the configuration (amount, maximum, lifetime, note).
/// A note is trimmed (blank means none) and refused, never cut, when it is too long or holds
/// control characters: a silently shortened note would differ from what the cashier typed.
/// `min_lifetime` is the shortest lifetime accepted (1 minute outside tests).
pub(crate) fn check_request(
    config: &Config,
    request: &ChargeRequest,
    min_lifetime: Duration,
) -> Result<Checked, CoreError> {
    let currency = request.currency.unwrap_or(config.default_currency);
    let amount =
        Money::parse_cashier(&request.amount, currency, Some(config.max_amount(currency)))?;
    let lifetime = request
        .expires_in_ms
        .map_or(config.qr_lifetime, Duration::from_millis);
    if lifetime < min_lifetime || lifetime > crate::QR_LIFETIME_RANGE.1 {
        return Err(CoreError::LifetimeOutOfRange {
            secs: lifetime.as_secs(),
        });
    }
    let note = request
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if let Some(note) = note {
        text::check("note", note, NOTE_MAX_CHARS)?;
    }
    let note = note.map(str::to_owned);
    Ok(Checked {
        amount,
        lifetime,
        note,
        qr: Some(amount),
        riel_per_usd: config.riel_per_usd,
    })
}

/// The bill number of the `seq`th sale of `day` (`yymmdd`) on `terminal`: `T1-261126-0042`,
/// at most 8 + 1 + 6 + 1 + 6 = 22 characters, within KHQR's 25.
pub(crate) fn bill_number(terminal: &str, day: &str, seq: u32) -> String {
    format!("{terminal}-{day}-{seq:04}")
}

/// The sequence number in a bill number made by [`bill_number`] with this prefix.
pub(crate) fn bill_seq(bill: &str, prefix: &str) -> Option<u32> {
    bill.strip_prefix(prefix)?.parse().ok()
}

/// The KHQR input for `amount` payable until `expires_ms` under the configured merchant.
pub(crate) fn khqr_input(config: &Config, amount: Money, expires_ms: i64, bill: &str) -> KhqrInput {
    let m = &config.merchant;
    let account = match m.kind {
        MerchantKind::Individual => Account::Individual {
            account_information: None,
            acquiring_bank: m.acquiring_bank.clone(),
        },
        MerchantKind::Merchant => Account::Merchant {
            merchant_id: m.merchant_id.clone().unwrap_or_default(),
            acquiring_bank: m.acquiring_bank.clone().unwrap_or_default(),
        },
    };
    KhqrInput {
        bakong_account_id: m.account_id.clone(),
        merchant_name: m.name.clone(),
        merchant_city: Some(m.city.clone()),
        account,
        payment: Payment::Dynamic {
            amount,
            expires_at_ms: u64::try_from(expires_ms).unwrap_or_default(),
        },
        merchant_category_code: Some(m.mcc.clone()),
        additional_data: AdditionalData {
            bill_number: Some(bill.to_owned()),
            store_label: m.store_label.clone(),
            terminal_label: m.terminal_label.clone(),
            ..AdditionalData::default()
        },
        language: pos_khqr::LanguageTemplate::default(),
        upi_merchant_account: None,
    }
}

/// Numbers, encodes (when it has a QR) and records the sale. `next_seq` is the first
/// sequence number to try; `insert` writes the sale (and fails with a duplicate bill number
/// when another process took it, in which case the next number is tried). A cash sale has no
/// QR: its `qr` and `md5` are empty and it "expires" when made.
pub(crate) fn create_sale(
    config: &Config,
    checked: &Checked,
    now_ms: i64,
    day: &str,
    mut next_seq: u32,
    mut insert: impl FnMut(&NewSale) -> Result<Sale, StoreError>,
) -> Result<Sale, CoreError> {
    let lifetime_ms = match checked.qr {
        Some(_) => i64::try_from(checked.lifetime.as_millis()).unwrap_or(i64::MAX),
        None => 0,
    };
    let expires_ms = now_ms.saturating_add(lifetime_ms);
    let created = u64::try_from(now_ms).unwrap_or_default();
    for _ in 0..BILL_ATTEMPTS {
        let bill = bill_number(&config.terminal_id, day, next_seq);
        let (qr, md5) = match checked.qr {
            Some(amount) => {
                let encoded =
                    pos_khqr::encode(&khqr_input(config, amount, expires_ms, &bill), created)?;
                (encoded.qr, encoded.md5)
            }
            None => (String::new(), String::new()),
        };
        let new_sale = NewSale {
            bill_number: bill,
            terminal_id: config.terminal_id.clone(),
            created_ms: now_ms,
            amount: checked.amount,
            note: checked.note.clone(),
            qr,
            md5,
            expires_ms,
            riel_per_usd: Some(checked.riel_per_usd),
        };
        match insert(&new_sale) {
            Ok(sale) => return Ok(sale),
            // Another process (or a clock that went backwards) used this number or QR.
            Err(StoreError::DuplicateBill(_) | StoreError::DuplicateMd5(_)) => next_seq += 1,
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::DuplicateBill(bill_number(&config.terminal_id, day, next_seq)).into())
}

/// What the UI gets for a recorded sale: its QR asks for `sale.qr_due()` (a split sale's
/// remainder), converted at the rate frozen on the sale.
pub(crate) fn view(config: &Config, sale: &Sale, qr_svg: String) -> ChargeView {
    let due = sale.qr_due();
    let khr_equivalent = match due.currency {
        Currency::Usd => due.to_khr(sale.riel_per_usd.unwrap_or(config.riel_per_usd)),
        Currency::Khr => None,
    };
    ChargeView {
        sale_id: sale.id.0,
        bill_number: sale.bill_number.clone(),
        qr: sale.qr.clone(),
        md5: sale.md5.clone(),
        amount: due,
        amount_text: due.to_string(),
        currency: due.currency,
        created_at_ms: sale.created_ms,
        expires_at_ms: sale.expires_ms,
        qr_svg,
        khr_equivalent,
        khr_equivalent_text: khr_equivalent.map(|m| m.to_string()),
        merchant_name: config.merchant.name.clone(),
        demo: config.is_demo(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pos_domain::AmountError;

    fn config() -> Config {
        Config::demo("/tmp/unused").unwrap()
    }

    fn request(amount: &str, currency: Currency) -> ChargeRequest {
        ChargeRequest {
            amount: amount.into(),
            currency: Some(currency),
            ..ChargeRequest::default()
        }
    }

    #[test]
    fn a_request_takes_the_default_currency_and_lifetime() {
        let checked = check_request(
            &config(),
            &ChargeRequest {
                amount: "5,000".into(),
                ..ChargeRequest::default()
            },
            Duration::from_secs(60),
        )
        .unwrap();
        assert_eq!(checked.amount, Money::new(5000, Currency::Khr));
        assert_eq!(checked.lifetime, Duration::from_secs(300));
    }

    #[test]
    fn bad_amounts_and_lifetimes_are_refused_with_their_codes() {
        let c = config();
        let min = Duration::from_secs(60);
        let err = check_request(&c, &request("1.5", Currency::Khr), min).unwrap_err();
        assert_eq!(err.code(), "amount_invalid");
        let err = check_request(&c, &request("10001", Currency::Usd), min).unwrap_err();
        assert_eq!(err.code(), "amount_invalid");
        let mut short = request("1", Currency::Usd);
        short.expires_in_ms = Some(30_000);
        assert_eq!(
            check_request(&c, &short, min).unwrap_err().code(),
            "expiry_invalid"
        );
        short.expires_in_ms = Some(11 * 60_000);
        assert_eq!(
            check_request(&c, &short, min).unwrap_err().code(),
            "expiry_invalid"
        );
    }

    #[test]
    fn amounts_outside_the_grammar_or_over_the_shop_maximum_are_refused() {
        let c = config();
        let min = Duration::from_secs(60);
        for amount in ["1e5", "+5000", "1,5,0,0", "1.5e3", "4e7", "1_000"] {
            let err = check_request(&c, &request(amount, Currency::Khr), min).unwrap_err();
            assert!(
                matches!(err, CoreError::Amount(AmountError::Malformed { .. })),
                "{amount}: {err:?}"
            );
        }
        let err =
            check_request(&c, &request("99999999999999999999", Currency::Khr), min).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`99999999999999999999`: over the shop's maximum of 40,000,000 KHR"
        );
        let err = check_request(&c, &request("1,500,000.25", Currency::Usd), min).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`1,500,000.25`: over the shop's maximum of 10,000.00 USD"
        );
        let ok = check_request(&c, &request("9,999.99", Currency::Usd), min).unwrap();
        assert_eq!(ok.amount, Money::new(999_999, Currency::Usd));
    }

    #[test]
    fn notes_are_trimmed_and_refused_when_too_long_or_holding_controls() {
        let c = config();
        let min = Duration::from_secs(60);
        let with_note = |note: &str| ChargeRequest {
            note: Some(note.into()),
            ..request("100", Currency::Khr)
        };
        let checked = check_request(&c, &with_note("  table 4  "), min).unwrap();
        assert_eq!(checked.note.as_deref(), Some("table 4"));
        assert_eq!(
            check_request(&c, &with_note("   "), min).unwrap().note,
            None
        );
        let khmer = "ក".repeat(NOTE_MAX_CHARS);
        let checked = check_request(&c, &with_note(&khmer), min).unwrap();
        assert_eq!(checked.note, Some(khmer));
        for note in ["x".repeat(NOTE_MAX_CHARS + 1), "ok \x1b[31mred".to_owned()] {
            let err = check_request(&c, &with_note(&note), min).unwrap_err();
            assert!(
                matches!(&err, CoreError::Text(e) if e.field == "note"),
                "{err:?}"
            );
            assert!(err.to_string().starts_with("note: "), "{err}");
        }
    }

    #[test]
    fn bill_numbers_fit_khqr_and_read_back() {
        let bill = bill_number("ABCDEFGH", "261126", 123_456);
        assert!(bill.len() <= 25, "{bill}");
        assert_eq!(bill_number("T1", "261126", 7), "T1-261126-0007");
        assert_eq!(bill_seq("T1-261126-0007", "T1-261126-"), Some(7));
        assert_eq!(bill_seq("T2-261126-0007", "T1-261126-"), None);
    }

    #[test]
    fn a_taken_bill_number_moves_on_to_the_next_one() {
        let c = config();
        let checked = check_request(&c, &request("1.50", Currency::Usd), Duration::ZERO).unwrap();
        let mut tried = Vec::new();
        let sale = create_sale(&c, &checked, 1_764_000_000_000, "251124", 1, |new| {
            tried.push(new.bill_number.clone());
            if tried.len() < 3 {
                return Err(StoreError::DuplicateBill(new.bill_number.clone()));
            }
            let mut store = pos_store::Store::open_in_memory()?;
            store.insert_pending(new)
        })
        .unwrap();
        assert_eq!(
            tried,
            ["T1-251124-0001", "T1-251124-0002", "T1-251124-0003"]
        );
        assert_eq!(sale.bill_number, "T1-251124-0003");
        assert_eq!(sale.expires_ms, 1_764_000_000_000 + 300_000);
        let decoded_amount = sale.qr.contains("54041.50");
        assert!(decoded_amount, "{}", sale.qr);
        assert_eq!(sale.md5.len(), 32);
    }
}
