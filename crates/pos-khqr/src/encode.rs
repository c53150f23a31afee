//! Building a KHQR string: the typed input ([`KhqrInput`]), the official SDK's validation
//! order and error codes, and the byte-exact layout (field order, UTF-16 lengths, amount
//! text, tag 99 timestamps, CRC) — written straight into one pre-sized `String`.

use pos_domain::{Currency, Money};

use crate::checksum::{crc16, md5_hex, push_hex_upper};
use crate::error::KhqrError;

/// Merchant city written when the caller gives none (the SDK's default).
pub const DEFAULT_CITY: &str = "Phnom Penh";
/// Merchant category code written when the caller gives none (the SDK's default).
pub const DEFAULT_MCC: &str = "5999";

/// Whose account the QR pays into: tag 29 (individual) or tag 30 (merchant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Account {
    /// Tag 29: an individual's Bakong account.
    Individual {
        /// 29/01, at most 32 characters (e.g. a phone or bank account number).
        account_information: Option<String>,
        /// 29/02, at most 32 characters.
        acquiring_bank: Option<String>,
    },
    /// Tag 30: a merchant account; both sub-fields are required by the SDK.
    Merchant {
        /// 30/01, 1–32 characters.
        merchant_id: String,
        /// 30/02, 1–32 characters.
        acquiring_bank: String,
    },
}

/// Static (payer types the amount) or dynamic (one amount, with an expiry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payment {
    /// POI `11`: no amount, no tag 99.
    Static(Currency),
    /// POI `12`: tag 54 holds the amount and tag 99 the creation and expiry times.
    Dynamic {
        /// The amount; its currency is the QR's currency. Must be more than zero.
        amount: Money,
        /// Expiry in Unix milliseconds (13 digits), not before the creation time.
        expires_at_ms: u64,
    },
}

impl Payment {
    /// The QR's currency.
    pub fn currency(&self) -> Currency {
        match self {
            Payment::Static(currency) => *currency,
            Payment::Dynamic { amount, .. } => amount.currency,
        }
    }
}

/// Tag 62 sub-fields, each at most 25 characters, written only when given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdditionalData {
    /// 62/01.
    pub bill_number: Option<String>,
    /// 62/02 (any text; the SDK checks only the length).
    pub mobile_number: Option<String>,
    /// 62/03.
    pub store_label: Option<String>,
    /// 62/07.
    pub terminal_label: Option<String>,
    /// 62/08.
    pub purpose_of_transaction: Option<String>,
}

/// Tag 64: the merchant's name (and city) in another language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LanguageTemplate {
    /// 64/00, e.g. `km`, at most 2 characters; required when either other field is given.
    pub language_preference: Option<String>,
    /// 64/01, at most 25 characters; required when the preference is given.
    pub merchant_name: Option<String>,
    /// 64/02, at most 15 characters.
    pub merchant_city: Option<String>,
}

/// Everything a KHQR can carry. `Some("")` is an error for every optional text field (the
/// SDK's own rule); leave a field `None` to omit it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KhqrInput {
    /// 29/00 or 30/00: `name@bank`, at most 32 characters.
    pub bakong_account_id: String,
    /// Tag 59, 1–25 characters.
    pub merchant_name: String,
    /// Tag 60, at most 15 characters; `None` writes [`DEFAULT_CITY`].
    pub merchant_city: Option<String>,
    /// Tag 29 or 30 and its sub-fields.
    pub account: Account,
    /// Currency, and amount and expiry for a dynamic QR.
    pub payment: Payment,
    /// Tag 52, 1–4 digits; `None` writes [`DEFAULT_MCC`].
    pub merchant_category_code: Option<String>,
    /// Tag 62.
    pub additional_data: AdditionalData,
    /// Tag 64.
    pub language: LanguageTemplate,
    /// Tag 15, the UnionPay merchant account, at most 99 characters; KHR only.
    pub upi_merchant_account: Option<String>,
}

impl KhqrInput {
    /// An individual (tag 29) QR with no optional fields.
    pub fn individual(bakong_account_id: &str, merchant_name: &str, payment: Payment) -> Self {
        Self::new(
            bakong_account_id,
            merchant_name,
            Account::Individual {
                account_information: None,
                acquiring_bank: None,
            },
            payment,
        )
    }

    /// A merchant (tag 30) QR with no optional fields.
    pub fn merchant(
        bakong_account_id: &str,
        merchant_name: &str,
        merchant_id: &str,
        acquiring_bank: &str,
        payment: Payment,
    ) -> Self {
        Self::new(
            bakong_account_id,
            merchant_name,
            Account::Merchant {
                merchant_id: merchant_id.to_owned(),
                acquiring_bank: acquiring_bank.to_owned(),
            },
            payment,
        )
    }

    fn new(
        bakong_account_id: &str,
        merchant_name: &str,
        account: Account,
        payment: Payment,
    ) -> Self {
        KhqrInput {
            bakong_account_id: bakong_account_id.to_owned(),
            merchant_name: merchant_name.to_owned(),
            merchant_city: None,
            account,
            payment,
            merchant_category_code: None,
            additional_data: AdditionalData::default(),
            language: LanguageTemplate::default(),
            upi_merchant_account: None,
        }
    }
}

/// A generated KHQR: the string to show and its md5 (the payment-status key).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EncodedKhqr {
    /// The full KHQR string, CRC included.
    pub qr: String,
    /// [`md5_hex`] of `qr`.
    pub md5: String,
}

/// Length in UTF-16 code units, the unit of EMV lengths in the SDK (`String.length`).
pub(crate) fn units(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.encode_utf16().count()
    }
}

/// An optional field must be non-empty and at most `max` units, else `err`.
fn check_optional(value: Option<&str>, max: usize, err: KhqrError) -> Result<(), KhqrError> {
    match value {
        Some(v) if v.is_empty() || units(v) > max => Err(err),
        _ => Ok(()),
    }
}

/// The amount as the SDK writes it in tag 54: riel as an integer; dollars with exactly two
/// decimals, or none when the cents are zero (`150` → `1.50`, `100` → `1`).
pub(crate) struct AmountText {
    buf: [u8; 24],
    start: usize,
}

impl AmountText {
    /// Formats `money`; `None` when it is not positive or does not fit 13 characters.
    pub(crate) fn new(money: Money) -> Option<AmountText> {
        let minor = u64::try_from(money.minor).ok().filter(|m| *m > 0)?;
        let mut buf = [0u8; 24];
        let mut start = buf.len();
        let mut push = |d: u8| {
            start -= 1;
            buf[start] = d;
        };
        let per = money.currency.minor_per_major().unsigned_abs();
        let (mut major, cents) = (minor / per, minor % per);
        if money.currency.decimals() > 0 && cents != 0 {
            // Two decimals: the only other currency is USD, so `per` is 100.
            push(b'0' + (cents % 10) as u8);
            push(b'0' + (cents / 10 % 10) as u8);
            push(b'.');
        }
        loop {
            push(b'0' + (major % 10) as u8);
            major /= 10;
            if major == 0 {
                break;
            }
        }
        (buf.len() - start <= 13).then_some(AmountText { buf, start })
    }

    /// `text` as given, when it is at most 13 characters of digits and one `.` at most.
    fn verbatim(text: &str) -> Option<AmountText> {
        let well_formed = (1..=13).contains(&text.len())
            && text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && text.bytes().filter(|b| *b == b'.').count() <= 1;
        if !well_formed {
            return None;
        }
        let mut buf = [0u8; 24];
        let start = buf.len() - text.len();
        buf[start..].copy_from_slice(text.as_bytes());
        Some(AmountText { buf, start })
    }

    /// The text.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[self.start..]).unwrap_or_default()
    }
}

/// Builds the KHQR for `input`, with `now_ms` (Unix milliseconds) as the creation time of a
/// dynamic QR. Validates in the official SDK's order and returns its first error.
pub fn encode(input: &KhqrInput, now_ms: u64) -> Result<EncodedKhqr, KhqrError> {
    encode_with_amount_text(input, now_ms, None)
}

/// [`encode`], writing `amount_text` in tag 54 of a dynamic QR instead of the text the
/// amount alone gives: the SDK writes a string amount from its text (`"6.0"` → `6.00`),
/// so the JSON input layer passes that text. It must denote the amount; anything but
/// 1–13 digits with at most one `.` is [`KhqrError::AmountInvalid`].
pub(crate) fn encode_with_amount_text(
    input: &KhqrInput,
    now_ms: u64,
    amount_text: Option<&str>,
) -> Result<EncodedKhqr, KhqrError> {
    let plan = validate(input, now_ms, amount_text)?;
    let qr = write(input, &plan, now_ms);
    let md5 = md5_hex(&qr);
    Ok(EncodedKhqr { qr, md5 })
}

/// What validation worked out and writing needs.
struct Plan<'a> {
    amount: Option<AmountText>,
    mcc: &'a str,
    city: &'a str,
    account_len: usize,
    additional_len: usize,
    language_len: usize,
}

/// Units one sub-object adds to its template when present.
fn object_len(value: Option<&str>) -> usize {
    value.map_or(0, |v| 4 + units(v))
}

fn validate<'a>(
    input: &'a KhqrInput,
    now_ms: u64,
    amount_text: Option<&str>,
) -> Result<Plan<'a>, KhqrError> {
    use KhqrError as E;
    let currency = input.payment.currency();
    check_optional(
        input.upi_merchant_account.as_deref(),
        99,
        E::UpiAccountInformationLengthInvalid,
    )?;

    let id = &input.bakong_account_id;
    if id.is_empty() {
        return Err(E::BakongAccountIdRequired);
    }
    if units(id) > 32 {
        return Err(E::BakongAccountIdLengthInvalid);
    }
    if !id.contains('@') {
        return Err(E::BakongAccountIdInvalid);
    }
    let (sub01, sub02) = match &input.account {
        Account::Merchant {
            merchant_id,
            acquiring_bank,
        } => {
            if merchant_id.is_empty() {
                return Err(E::MerchantIdRequired);
            }
            if units(merchant_id) > 32 {
                return Err(E::MerchantIdLengthInvalid);
            }
            if acquiring_bank.is_empty() {
                return Err(E::AcquiringBankRequired);
            }
            if units(acquiring_bank) > 32 {
                return Err(E::AcquiringBankLengthInvalid);
            }
            (Some(merchant_id.as_str()), Some(acquiring_bank.as_str()))
        }
        Account::Individual {
            account_information,
            acquiring_bank,
        } => {
            check_optional(
                account_information.as_deref(),
                32,
                E::AccountInformationLengthInvalid,
            )?;
            if acquiring_bank.as_deref() == Some("") {
                return Err(E::AcquiringBankRequired);
            }
            check_optional(acquiring_bank.as_deref(), 32, E::AcquiringBankLengthInvalid)?;
            (account_information.as_deref(), acquiring_bank.as_deref())
        }
    };

    let mcc = match input.merchant_category_code.as_deref() {
        None => DEFAULT_MCC,
        Some("") => return Err(E::MerchantCategoryTagRequired),
        Some(m) if units(m) > 4 => return Err(E::MerchantCodeLengthInvalid),
        Some(m) if !m.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(E::InvalidMerchantCategoryCode)
        }
        Some(m) => m,
    };

    if input.upi_merchant_account.is_some() && currency == Currency::Usd {
        return Err(E::UpiAccountInformationInvalidCurrency);
    }

    let amount = match input.payment {
        Payment::Static(_) => None,
        Payment::Dynamic { amount, .. } => {
            let canonical = AmountText::new(amount).ok_or(E::AmountInvalid)?;
            Some(match amount_text {
                Some(text) => AmountText::verbatim(text).ok_or(E::AmountInvalid)?,
                None => canonical,
            })
        }
    };

    let name = &input.merchant_name;
    if name.is_empty() {
        return Err(E::MerchantNameRequired);
    }
    if units(name) > 25 {
        return Err(E::MerchantNameLengthInvalid);
    }
    let city = match input.merchant_city.as_deref() {
        None => DEFAULT_CITY,
        Some("") => return Err(E::MerchantCityTagRequired),
        Some(c) if units(c) > 15 => return Err(E::MerchantCityLengthInvalid),
        Some(c) => c,
    };

    let extra = &input.additional_data;
    let bill = extra.bill_number.as_deref();
    let mobile = extra.mobile_number.as_deref();
    let store = extra.store_label.as_deref();
    let terminal = extra.terminal_label.as_deref();
    let purpose = extra.purpose_of_transaction.as_deref();
    check_optional(bill, 25, E::BillNumberLengthInvalid)?;
    check_optional(mobile, 25, E::MobileNumberLengthInvalid)?;
    check_optional(store, 25, E::StoreLabelLengthInvalid)?;
    check_optional(terminal, 25, E::TerminalLabelLengthInvalid)?;
    check_optional(purpose, 25, E::PurposeOfTransactionLengthInvalid)?;

    let lang = &input.language;
    let (pref, alt_name, alt_city) = (
        lang.language_preference.as_deref(),
        lang.merchant_name.as_deref(),
        lang.merchant_city.as_deref(),
    );
    if pref.is_some() && alt_name.is_none() {
        return Err(E::MerchantNameAlternateLanguageRequired);
    }
    // The SDK crashes on a name without preference and writes an invalid 64 for a city
    // alone; both lack the mandatory 64/00, so both are refused as a missing preference.
    if pref.is_none() && (alt_name.is_some() || alt_city.is_some()) {
        return Err(E::LanguagePreferenceLengthInvalid);
    }
    check_optional(pref, 2, E::LanguagePreferenceLengthInvalid)?;
    check_optional(alt_name, 25, E::MerchantNameAlternateLanguageLengthInvalid)?;
    check_optional(alt_city, 15, E::MerchantCityAlternateLanguageLengthInvalid)?;

    if let Payment::Dynamic { expires_at_ms, .. } = input.payment {
        if !(1_000_000_000_000..=9_999_999_999_999).contains(&expires_at_ms) {
            return Err(E::ExpirationTimestampLengthInvalid);
        }
        if expires_at_ms < now_ms {
            return Err(E::ExpirationTimestampInThePast);
        }
    }

    // The SDK writes a 3-digit length past 99, which no EMV reader accepts.
    let account_len = 4 + units(id) + object_len(sub01) + object_len(sub02);
    if account_len > 99 {
        return Err(E::ValueTooLong {
            tag: if matches!(input.account, Account::Merchant { .. }) {
                "30"
            } else {
                "29"
            },
            len: account_len,
        });
    }
    let additional_len = [bill, mobile, store, terminal, purpose]
        .into_iter()
        .map(object_len)
        .sum();
    if additional_len > 99 {
        return Err(E::ValueTooLong {
            tag: "62",
            len: additional_len,
        });
    }
    let language_len = [pref, alt_name, alt_city].into_iter().map(object_len).sum();
    Ok(Plan {
        amount,
        mcc,
        city,
        account_len,
        additional_len,
        language_len,
    })
}

/// Appends `tag`, the two-digit length and `value`. `len` is at most 99 (validated).
fn push_object(out: &mut String, tag: &str, len: usize, value: &str) {
    out.push_str(tag);
    push_len(out, len);
    out.push_str(value);
}

fn push_len(out: &mut String, len: usize) {
    let len = u8::try_from(len.min(99)).unwrap_or(99);
    out.push(char::from(b'0' + len / 10));
    out.push(char::from(b'0' + len % 10));
}

fn push_optional(out: &mut String, tag: &str, value: Option<&str>) {
    if let Some(v) = value {
        push_object(out, tag, units(v), v);
    }
}

fn push_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut start = buf.len();
    loop {
        start -= 1;
        buf[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&buf[start..]).unwrap_or_default());
}

fn decimal_len(mut n: u64) -> usize {
    let mut len = 1;
    while n >= 10 {
        n /= 10;
        len += 1;
    }
    len
}

fn write(input: &KhqrInput, plan: &Plan<'_>, now_ms: u64) -> String {
    let mut out = String::with_capacity(
        160 + input.merchant_name.len()
            + plan.city.len()
            + 2 * (plan.account_len + plan.additional_len + plan.language_len),
    );
    out.push_str("000201");
    out.push_str(if plan.amount.is_some() {
        "010212"
    } else {
        "010211"
    });
    push_optional(&mut out, "15", input.upi_merchant_account.as_deref());
    let (tag, sub01, sub02) = match &input.account {
        Account::Individual {
            account_information,
            acquiring_bank,
        } => (
            "29",
            account_information.as_deref(),
            acquiring_bank.as_deref(),
        ),
        Account::Merchant {
            merchant_id,
            acquiring_bank,
        } => (
            "30",
            Some(merchant_id.as_str()),
            Some(acquiring_bank.as_str()),
        ),
    };
    out.push_str(tag);
    push_len(&mut out, plan.account_len);
    push_optional(&mut out, "00", Some(&input.bakong_account_id));
    push_optional(&mut out, "01", sub01);
    push_optional(&mut out, "02", sub02);
    push_optional(&mut out, "52", Some(plan.mcc));
    out.push_str("5303");
    push_u64(&mut out, u64::from(input.payment.currency().numeric()));
    if let Some(amount) = &plan.amount {
        let text = amount.as_str();
        push_object(&mut out, "54", text.len(), text);
    }
    out.push_str("5802KH");
    push_optional(&mut out, "59", Some(&input.merchant_name));
    push_optional(&mut out, "60", Some(plan.city));
    if plan.additional_len > 0 {
        let extra = &input.additional_data;
        out.push_str("62");
        push_len(&mut out, plan.additional_len);
        push_optional(&mut out, "01", extra.bill_number.as_deref());
        push_optional(&mut out, "02", extra.mobile_number.as_deref());
        push_optional(&mut out, "03", extra.store_label.as_deref());
        push_optional(&mut out, "07", extra.terminal_label.as_deref());
        push_optional(&mut out, "08", extra.purpose_of_transaction.as_deref());
    }
    if plan.language_len > 0 {
        let lang = &input.language;
        out.push_str("64");
        push_len(&mut out, plan.language_len);
        push_optional(&mut out, "00", lang.language_preference.as_deref());
        push_optional(&mut out, "01", lang.merchant_name.as_deref());
        push_optional(&mut out, "02", lang.merchant_city.as_deref());
    }
    if let Payment::Dynamic { expires_at_ms, .. } = input.payment {
        let (created_len, expires_len) = (decimal_len(now_ms), decimal_len(expires_at_ms));
        out.push_str("99");
        push_len(&mut out, 8 + created_len + expires_len);
        out.push_str("00");
        push_len(&mut out, created_len);
        push_u64(&mut out, now_ms);
        out.push_str("01");
        push_len(&mut out, expires_len);
        push_u64(&mut out, expires_at_ms);
    }
    out.push_str("6304");
    let crc = crc16(out.as_bytes());
    push_hex_upper(&mut out, crc);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(minor: i64) -> Money {
        Money::new(minor, Currency::Usd)
    }

    fn amount(money: Money) -> Option<String> {
        AmountText::new(money).map(|a| a.as_str().to_owned())
    }

    #[test]
    fn usd_amounts_have_two_decimals_or_none_for_whole_dollars() {
        assert_eq!(amount(usd(150)).as_deref(), Some("1.50"));
        assert_eq!(amount(usd(100)).as_deref(), Some("1"));
        assert_eq!(amount(usd(105)).as_deref(), Some("1.05"));
        assert_eq!(amount(usd(1)).as_deref(), Some("0.01"));
        assert_eq!(
            amount(usd(999_999_999_999)).as_deref(),
            Some("9999999999.99")
        );
        assert_eq!(amount(usd(9_999_999_999_999)), None);
    }

    #[test]
    fn riel_amounts_are_plain_integers_up_to_13_digits() {
        let khr = |m| Money::new(m, Currency::Khr);
        assert_eq!(amount(khr(5000)).as_deref(), Some("5000"));
        assert_eq!(
            amount(khr(9_999_999_999_999)).as_deref(),
            Some("9999999999999")
        );
        assert_eq!(amount(khr(10_000_000_000_000)), None);
        assert_eq!(amount(khr(0)), None);
        assert_eq!(amount(khr(-5)), None);
    }

    #[test]
    fn the_worked_example_of_the_spec_encodes_byte_for_byte() {
        let input = KhqrInput::individual(
            "john_smith@devb",
            "John Smith",
            Payment::Static(Currency::Khr),
        );
        let khqr = encode(&input, 1_700_000_000_000).unwrap();
        assert_eq!(
            khqr.qr,
            "00020101021129190015john_smith@devb5204599953031165802KH5910John Smith\
             6010Phnom Penh63046BFA"
        );
        assert_eq!(khqr.md5, "851710edf362c4a9091f7b4739cbe1a3");
    }

    #[test]
    fn a_khmer_name_is_measured_in_utf16_units_not_bytes() {
        let mut input =
            KhqrInput::individual("john_smith@devb", "ស្រីពៅ", Payment::Static(Currency::Khr));
        input.merchant_city = Some("ភ្នំពេញ".to_owned());
        let khqr = encode(&input, 0).unwrap();
        assert!(khqr.qr.contains("5906ស្រីពៅ6007ភ្នំពេញ"), "{}", khqr.qr);
        assert!(khqr.qr.ends_with("6304DA94"));
    }

    #[test]
    fn a_dynamic_qr_carries_amount_and_both_timestamps() {
        let input = KhqrInput::individual(
            "john_smith@devb",
            "John Smith",
            Payment::Dynamic {
                amount: usd(150),
                expires_at_ms: 1_700_000_060_000,
            },
        );
        let khqr = encode(&input, 1_700_000_000_000).unwrap();
        assert_eq!(
            khqr.qr,
            "00020101021229190015john_smith@devb52045999530384054041.505802KH5910John Smith\
             6010Phnom Penh99340013170000000000001131700000060000630476DF"
        );
    }

    #[test]
    fn an_expiry_before_now_or_not_in_milliseconds_is_refused() {
        let at = |expires_at_ms| {
            let payment = Payment::Dynamic {
                amount: usd(100),
                expires_at_ms,
            };
            encode(
                &KhqrInput::individual("a@b", "A", payment),
                1_700_000_000_000,
            )
            .map(|_| ())
            .map_err(|e| e.code())
        };
        assert_eq!(at(1_699_999_999_999), Err(50));
        assert_eq!(at(1_700_000_000), Err(49));
        assert_eq!(at(1_700_000_000_000), Ok(()));
    }

    #[test]
    fn a_template_over_99_characters_is_refused_instead_of_written_with_3_digits() {
        let mut input =
            KhqrInput::individual("john_smith@devb", "John", Payment::Static(Currency::Khr));
        let long = Some("x".repeat(25));
        input.additional_data = AdditionalData {
            bill_number: long.clone(),
            mobile_number: long.clone(),
            store_label: long.clone(),
            terminal_label: long,
            purpose_of_transaction: None,
        };
        assert_eq!(
            encode(&input, 0),
            Err(KhqrError::ValueTooLong {
                tag: "62",
                len: 116
            })
        );
    }
}
