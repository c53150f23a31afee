//! The official SDK's loose JavaScript inputs, mapped onto the typed [`KhqrInput`]: the
//! `input` object of a conformance vector, as `khqr-pos qr encode` reads it on stdin.
//!
//! The SDK's input classes drop every optional entry loosely equal to `null` or `""` (which
//! in JavaScript includes `0`, `false` and `[]`); amounts, currencies, timestamps and MCCs
//! arrive as numbers or strings. Numbers are read from their JSON text (via
//! [`RawValue`]) as exact decimals, never through a float; a string amount is handled on
//! its text, as the SDK does (`"6.0"` is `6.00` where the number `6.0` is `6`). Problems
//! with the currency, the amount and the expiry are reported at the point of the SDK's
//! validation order where the SDK reports them, so the first error matches the SDK's.

use std::collections::HashMap;

use pos_domain::{Currency, Money};
use serde_json::value::RawValue;

use crate::encode::{
    encode_with_amount_text, units, Account, AdditionalData, EncodedKhqr, KhqrInput,
    LanguageTemplate, Payment,
};
use crate::error::KhqrError;

/// One JSON input value, as the SDK would see it.
enum Js<'a> {
    Absent,
    Null,
    Bool(bool),
    /// The number's JSON text, exactly.
    Number(&'a str),
    Str(String),
    Array {
        empty: bool,
    },
    Object,
}

impl<'a> Js<'a> {
    fn of(raw: Option<&'a RawValue>) -> Js<'a> {
        let Some(raw) = raw else { return Js::Absent };
        let text = raw.get().trim();
        match text.as_bytes().first() {
            Some(b'"') => serde_json::from_str(text).map_or(Js::Object, Js::Str),
            Some(b'n') => Js::Null,
            Some(b't') => Js::Bool(true),
            Some(b'f') => Js::Bool(false),
            Some(b'[') => Js::Array {
                empty: text[1..].trim_start().starts_with(']'),
            },
            Some(b'{') => Js::Object,
            _ => Js::Number(text),
        }
    }

    /// `value == null || value == ""` in JavaScript: the entries the SDK classes delete.
    fn is_dropped(&self) -> bool {
        match self {
            Js::Absent | Js::Null | Js::Bool(false) | Js::Array { empty: true } => true,
            Js::Str(s) => s.is_empty(),
            Js::Number(n) => Decimal::parse(n).is_some_and(|d| d.is_zero()),
            _ => false,
        }
    }
}

/// A decimal number exactly as written: `[+-] digits [. digits] [e [+-] digits]`, the
/// syntax shared by JSON numbers and JavaScript's decimal string literals.
struct Decimal<'a> {
    negative: bool,
    int: &'a str,
    frac: &'a str,
    exponent: i64,
}

impl<'a> Decimal<'a> {
    fn parse(text: &'a str) -> Option<Decimal<'a>> {
        let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        let (negative, unsigned) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(at) => {
                let e = &unsigned[at + 1..];
                let e_digits = e.strip_prefix(['+', '-']).unwrap_or(e);
                if e_digits.is_empty() || !digits(e_digits) {
                    return None;
                }
                // Saturating: an exponent too large for any real amount stays too large.
                let magnitude = e_digits.bytes().fold(0i64, |acc, b| {
                    acc.saturating_mul(10).saturating_add(i64::from(b - b'0'))
                });
                let exponent = if e.starts_with('-') {
                    -magnitude
                } else {
                    magnitude
                };
                (&unsigned[..at], exponent)
            }
            None => (unsigned, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let valid = (!int.is_empty() || !frac.is_empty()) && digits(int) && digits(frac);
        valid.then_some(Decimal {
            negative,
            int,
            frac,
            exponent,
        })
    }

    fn is_zero(&self) -> bool {
        self.int.bytes().chain(self.frac.bytes()).all(|b| b == b'0')
    }

    /// The value × 10^`decimals` when it is a non-negative integer that fits a `u64`.
    fn scaled(&self, decimals: u32) -> Option<u64> {
        if self.is_zero() {
            return Some(0);
        }
        if self.negative {
            return None;
        }
        let frac_len = i64::try_from(self.frac.len()).ok()?;
        let shift = self
            .exponent
            .saturating_sub(frac_len)
            .saturating_add(i64::from(decimals));
        let all = self.int.as_bytes().iter().chain(self.frac.as_bytes());
        let len = self.int.len() + self.frac.len();
        // A negative shift drops that many trailing digits, which must all be zero.
        let dropped = usize::try_from(shift.saturating_neg().max(0)).ok()?;
        if all
            .clone()
            .skip(len.saturating_sub(dropped))
            .any(|b| *b != b'0')
        {
            return None;
        }
        let mut kept = all.take(len.saturating_sub(dropped));
        let value = kept.try_fold(0u64, |acc, b| {
            acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        })?;
        let factor = 10u64.checked_pow(u32::try_from(shift.max(0)).ok()?)?;
        value.checked_mul(factor)
    }
}

/// What JavaScript's `Number(text)` makes of a string, as far as the SDK's checks go.
enum JsNumber<'a> {
    NaN,
    /// Zero, including the empty and the all-space string.
    Zero,
    /// A decimal literal other than zero.
    Decimal(Decimal<'a>),
    /// Any other number (`Infinity`, `0x1F`).
    Other,
}

/// JavaScript's `WhiteSpace` and `LineTerminator`, which `Number` trims.
fn is_js_space(c: char) -> bool {
    (c.is_whitespace() && c != '\u{85}') || c == '\u{FEFF}'
}

fn js_number(text: &str) -> JsNumber<'_> {
    let t = text.trim_matches(is_js_space);
    if t.is_empty() {
        return JsNumber::Zero;
    }
    if let Some(d) = Decimal::parse(t) {
        return if d.is_zero() {
            JsNumber::Zero
        } else {
            JsNumber::Decimal(d)
        };
    }
    if matches!(t, "Infinity" | "+Infinity" | "-Infinity") {
        return JsNumber::Other;
    }
    let radix_digits = [("0x", 16), ("0o", 8), ("0b", 2)]
        .into_iter()
        .find_map(|(p, r)| {
            let prefixed = t.get(..2).is_some_and(|head| head.eq_ignore_ascii_case(p));
            prefixed.then(|| (&t[2..], r))
        });
    match radix_digits {
        Some((d, r)) if !d.is_empty() && d.chars().all(|c| c.is_digit(r)) => {
            if d.bytes().all(|b| b == b'0') {
                JsNumber::Zero
            } else {
                JsNumber::Other
            }
        }
        _ => JsNumber::NaN,
    }
}

/// An exact non-negative integer from a JSON number's text (`116`, `1.16e2`).
fn exact_integer(text: &str) -> Option<u64> {
    Decimal::parse(text)?.scaled(0)
}

/// The JSON fields of one input object.
struct Fields<'a>(HashMap<String, &'a RawValue>);

impl<'a> Fields<'a> {
    fn get(&self, name: &str) -> Js<'a> {
        Js::of(self.0.get(name).copied())
    }

    /// An optional text field: dropped when loosely empty, refused unless a string.
    fn text(&self, name: &str) -> Result<Option<String>, KhqrError> {
        let value = self.get(name);
        if value.is_dropped() {
            return Ok(None);
        }
        match value {
            Js::Str(s) => Ok(Some(s)),
            _ => Err(not_text(name)),
        }
    }

    /// A required text field: absent or `null` reads as empty (the SDK's "cannot be null or
    /// empty" error then follows from validation).
    fn required_text(&self, name: &str) -> Result<String, KhqrError> {
        match self.get(name) {
            Js::Absent | Js::Null => Ok(String::new()),
            Js::Str(s) => Ok(s),
            _ => Err(not_text(name)),
        }
    }
}

fn not_text(field: &str) -> KhqrError {
    KhqrError::InvalidInput {
        field: field.to_owned(),
        problem: "must be a string".to_owned(),
    }
}

/// Parses one vector `input` object and builds its KHQR, as the SDK's
/// `generateIndividual` / `generateMerchant` would at time `now_ms`.
pub fn encode_json(input: &str, now_ms: u64) -> Result<EncodedKhqr, KhqrError> {
    let map: HashMap<String, &RawValue> =
        serde_json::from_str(input).map_err(|e| KhqrError::InvalidInput {
            field: "input".to_owned(),
            problem: format!("is not a JSON object: {e}"),
        })?;
    let f = Fields(map);

    let account = match f.get("kind") {
        Js::Str(kind) if kind == "individual" => Account::Individual {
            account_information: f.text("accountInformation")?,
            acquiring_bank: f.text("acquiringBank")?,
        },
        Js::Str(kind) if kind == "merchant" => Account::Merchant {
            merchant_id: f.required_text("merchantID")?,
            acquiring_bank: f.required_text("acquiringBank")?,
        },
        _ => {
            return Err(KhqrError::InvalidInput {
                field: "kind".to_owned(),
                problem: "must be \"individual\" or \"merchant\"".to_owned(),
            })
        }
    };

    // Errors the typed input cannot hold, with the SDK's error, checked in its order.
    let currency = currency(f.get("currency"));
    let amount = f.get("amount");
    let is_static = amount.is_dropped() || is_loose_zero(&amount);
    let parsed = match &currency {
        Ok(c) if !is_static => Some(parse_amount(&amount, *c)),
        _ => None,
    };
    let (money, amount_text) = match parsed {
        Some(Ok(SdkAmount { money, text })) => (Some(Ok(money)), text),
        Some(Err(e)) => (Some(Err(e)), None),
        None => (None, None),
    };
    let expiry = if is_static {
        None
    } else {
        Some(expiry(f.get("expirationTimestamp")))
    };
    let first_deferred = [
        currency.as_ref().err(),
        money.as_ref().and_then(|m| m.as_ref().err()),
        expiry.as_ref().and_then(|e| e.as_ref().err()),
    ]
    .into_iter()
    .flatten()
    .next()
    .cloned();

    let typed_currency = currency.unwrap_or(Currency::Khr);
    let payment = if is_static {
        Payment::Static(typed_currency)
    } else {
        // Stand-ins where the real value is in error: the deferred error wins anyway.
        Payment::Dynamic {
            amount: money
                .and_then(Result::ok)
                .unwrap_or(Money::new(1, typed_currency)),
            expires_at_ms: expiry.and_then(Result::ok).unwrap_or(now_ms),
        }
    };

    let typed = KhqrInput {
        bakong_account_id: f.required_text("bakongAccountID")?,
        merchant_name: f.required_text("merchantName")?,
        merchant_city: f.text("merchantCity")?,
        account,
        payment,
        merchant_category_code: mcc(f.get("merchantCategoryCode"))?,
        additional_data: AdditionalData {
            bill_number: f.text("billNumber")?,
            mobile_number: f.text("mobileNumber")?,
            store_label: f.text("storeLabel")?,
            terminal_label: f.text("terminalLabel")?,
            purpose_of_transaction: f.text("purposeOfTransaction")?,
        },
        language: LanguageTemplate {
            language_preference: f.text("languagePreference")?,
            merchant_name: f.text("merchantNameAlternateLanguage")?,
            merchant_city: f.text("merchantCityAlternateLanguage")?,
        },
        upi_merchant_account: f.text("upiMerchantAccount")?,
    };

    match (
        encode_with_amount_text(&typed, now_ms, amount_text.as_deref()),
        first_deferred,
    ) {
        (Err(typed_err), Some(d)) if step(&typed_err) < step(&d) => Err(typed_err),
        (_, Some(d)) => Err(d),
        (result, None) => result,
    }
}

/// Position of an error's check in the SDK's generation order (§6 of the spec).
fn step(e: &KhqrError) -> u8 {
    match e.code() {
        43 => 1,
        1 | 6 | 3 | 30 | 32 | 35 | 31 | 33 => 2,
        25 | 18 | 51 => 3,
        9 | 19 | 28 => 4,
        44 => 5,
        4 => 6,
        2 | 7 => 7,
        21 | 27 => 8,
        10 | 34 | 11 | 12 | 42 => 9,
        38..=41 => 10,
        45..=50 => 11,
        _ => 12,
    }
}

/// `amount == 0` in JavaScript for a value that was not dropped: a string whose number is
/// zero (`"0"`, `"0.0"`, `" "`).
fn is_loose_zero(amount: &Js<'_>) -> bool {
    matches!(amount, Js::Str(s) if matches!(js_number(s), JsNumber::Zero))
}

/// The currency: 116/840 as number or string; absent (or `0`) means KHR; a string over
/// three characters is 19, anything else 28.
fn currency(value: Js<'_>) -> Result<Currency, KhqrError> {
    if value.is_dropped() {
        return Ok(Currency::Khr);
    }
    let code = match &value {
        Js::Number(n) => exact_integer(n),
        Js::Str(s) if units(s) > 3 => return Err(KhqrError::TransactionCurrencyLengthInvalid),
        Js::Str(s) if s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
        _ => None,
    };
    code.and_then(|c| u16::try_from(c).ok())
        .and_then(Currency::from_numeric)
        .ok_or(KhqrError::UnsupportedCurrency)
}

/// A non-zero amount, and the tag-54 text when the SDK writes one the amount alone does
/// not give.
struct SdkAmount {
    money: Money,
    text: Option<String>,
}

/// A non-zero amount: a JSON number read exactly (written as the SDK writes `String(x)`,
/// which [`Money`] reproduces), or a string handled on its text as the SDK does. Riel must
/// be whole (`"100.000"` is 100). Dollars take at most two decimals; a string with a point
/// is written with two (`"6.0"` → `6.00`, `".5"` → `0.50`, `"5."` → `5.00`), one without
/// is written as given (`"007"`). Strings other than digits with one optional point (a
/// sign, spaces, an exponent, hex) are refused, where the SDK would write them verbatim.
fn parse_amount(value: &Js<'_>, currency: Currency) -> Result<SdkAmount, KhqrError> {
    let decimals = currency.decimals();
    let (minor, text) = match value {
        Js::Number(n) => (Decimal::parse(n).and_then(|d| d.scaled(decimals)), None),
        Js::Str(s) => {
            let (int, frac) = s.split_once('.').unwrap_or((s, ""));
            let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
            let plain = (!int.is_empty() || !frac.is_empty()) && digits(int) && digits(frac);
            // The SDK counts dollar decimals on the text, so `"1.100"` is refused.
            let precise = currency == Currency::Khr || frac.len() <= 2;
            let decimal = Decimal {
                negative: false,
                int,
                frac,
                exponent: 0,
            };
            let minor = (plain && precise)
                .then(|| decimal.scaled(decimals))
                .flatten();
            let text = match currency {
                // `String(Math.round(x))`: the canonical integer, as `Money` writes it.
                Currency::Khr => None,
                Currency::Usd if s.contains('.') => {
                    minor.map(|m| format!("{}.{:02}", m / 100, m % 100))
                }
                Currency::Usd => Some(s.clone()),
            };
            (minor, text)
        }
        _ => (None, None),
    };
    let minor = minor
        .filter(|m| *m > 0)
        .and_then(|m| i64::try_from(m).ok())
        .ok_or(KhqrError::AmountInvalid)?;
    Ok(SdkAmount {
        money: Money::new(minor, currency),
        text,
    })
}

/// The expiry of a dynamic QR: required, and a string whose number is `NaN` or zero
/// counts as missing (45); otherwise an exact integer (else 49, as the SDK's
/// `String(Number(x))` is then not 13 digits).
fn expiry(value: Js<'_>) -> Result<u64, KhqrError> {
    if value.is_dropped() {
        return Err(KhqrError::ExpirationTimestampRequired);
    }
    match value {
        Js::Number(n) => exact_integer(n),
        Js::Str(s) => match js_number(&s) {
            JsNumber::NaN | JsNumber::Zero => return Err(KhqrError::ExpirationTimestampRequired),
            JsNumber::Decimal(d) => d.scaled(0),
            JsNumber::Other => None,
        },
        _ => None,
    }
    .ok_or(KhqrError::ExpirationTimestampLengthInvalid)
}

/// The MCC as text: strings as given, integral numbers in decimal (`5999`), other numbers
/// as written (then refused by validation as not digits).
fn mcc(value: Js<'_>) -> Result<Option<String>, KhqrError> {
    if value.is_dropped() {
        return Ok(None);
    }
    match value {
        Js::Str(s) => Ok(Some(s)),
        Js::Number(n) => Ok(Some(
            exact_integer(n).map_or_else(|| n.to_owned(), |i| i.to_string()),
        )),
        _ => Err(not_text("merchantCategoryCode")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000_000;

    fn code(json: &str) -> Result<String, u16> {
        encode_json(json, NOW).map(|k| k.qr).map_err(|e| e.code())
    }

    #[test]
    fn zero_empty_and_false_optional_values_are_dropped_like_the_sdk_classes_do() {
        let base = r#""kind":"individual","bakongAccountID":"john_smith@devb","merchantName":"John Smith""#;
        let plain = code(&format!("{{{base}}}")).unwrap();
        for extra in [
            r#""currency":0"#,
            r#""amount":0"#,
            r#""amount":"0""#,
            r#""billNumber":"""#,
            r#""storeLabel":false"#,
            r#""merchantCity":"""#,
            r#""merchantCategoryCode":null"#,
        ] {
            assert_eq!(
                code(&format!("{{{base},{extra}}}")),
                Ok(plain.clone()),
                "{extra}"
            );
        }
    }

    #[test]
    fn amounts_are_read_from_their_json_text_without_floats() {
        let qr = |amount: &str| {
            code(&format!(
                r#"{{"kind":"individual","bakongAccountID":"a@b","merchantName":"A","currency":840,"amount":{amount},"expirationTimestamp":1700000060000}}"#
            ))
        };
        assert!(qr("12.5").unwrap().contains("540512.50"));
        assert!(qr("\"2.5\"").unwrap().contains("54042.50"));
        assert!(qr("1.10").unwrap().contains("54041.10"));
        assert!(qr("1e2").unwrap().contains("5403100"));
        assert_eq!(qr("1.005"), Err(4));
        assert_eq!(qr("\"1.100\""), Err(4));
        assert_eq!(qr("1e+21"), Err(4));
        assert_eq!(qr("-1"), Err(4));
    }

    fn dynamic(currency: u16, amount: &str, expiry: &str) -> Result<String, u16> {
        code(&format!(
            r#"{{"kind":"individual","bakongAccountID":"a@b","merchantName":"A","currency":{currency},"amount":{amount},"expirationTimestamp":{expiry}}}"#
        ))
    }

    /// The tag-54 text of a dynamic QR, or the error code.
    fn tag54(currency: u16, amount: &str) -> Result<String, u16> {
        let qr = dynamic(currency, amount, "1700000060000")?;
        let decoded = crate::decode(&qr).map_err(|e| e.code())?;
        Ok(decoded.transaction_amount.unwrap_or_default())
    }

    #[test]
    fn string_amounts_are_written_from_their_text_like_the_sdk() {
        for (amount, written) in [
            (r#""6.0""#, "6.00"),
            (r#""5.""#, "5.00"),
            (r#"".5""#, "0.50"),
            (r#""0006.5""#, "6.50"),
            (r#""007""#, "007"),
            (r#""12.34""#, "12.34"),
            ("6.0", "6"),
            ("0.5", "0.50"),
        ] {
            assert_eq!(tag54(840, amount).as_deref(), Ok(written), "USD {amount}");
        }
        for (amount, written) in [
            (r#""1.0""#, "1"),
            (r#""100.000""#, "100"),
            (r#""5.""#, "5"),
            (r#""0100""#, "100"),
            ("2500.0", "2500"),
        ] {
            assert_eq!(tag54(116, amount).as_deref(), Ok(written), "KHR {amount}");
        }
        for (currency, amount) in [
            (840, r#""1.100""#),
            (840, r#""1.005""#),
            (840, r#"".""#),
            (840, r#""1e3""#),
            (840, r#""+5""#),
            (840, r#"" 5""#),
            (840, r#""00000000000005""#),
            (840, r#""9999999999999.5""#),
            (116, r#""1.5""#),
            (116, r#""abc""#),
            (116, r#""1e3""#),
        ] {
            assert_eq!(tag54(currency, amount), Err(4), "{currency} {amount}");
        }
    }

    #[test]
    fn a_string_amount_whose_number_is_zero_makes_a_static_qr() {
        for amount in [r#""0.0""#, r#"".0""#, r#""00""#, r#"" ""#, "0.0", "-0"] {
            let qr = dynamic(840, amount, "1700000060000").unwrap();
            assert!(
                qr.contains("010211") && !qr.contains("5303840540"),
                "{amount}"
            );
        }
    }

    #[test]
    fn an_expiry_string_that_is_not_a_number_or_zero_is_missing_not_mis_sized() {
        for expiry in [r#""soon""#, r#""0""#, r#"" ""#, r#""0.0""#, r#""0x0""#, "0"] {
            assert_eq!(dynamic(840, "5", expiry), Err(45), "{expiry}");
        }
        for expiry in [
            r#""1700000060""#,
            r#""-1700000060000""#,
            r#""Infinity""#,
            r#""0x1F""#,
            r#""1.5""#,
        ] {
            assert_eq!(dynamic(840, "5", expiry), Err(49), "{expiry}");
        }
        assert!(dynamic(840, "5", r#""1700000060000""#).is_ok());
        assert!(dynamic(840, "5", r#"" 1.70000006e12 ""#).is_ok());
    }

    #[test]
    fn json_numbers_are_read_exactly() {
        let exact = |text: &str, decimals| Decimal::parse(text).and_then(|d| d.scaled(decimals));
        assert_eq!(exact("1.16e2", 0), Some(116));
        assert_eq!(exact("12.5", 2), Some(1250));
        assert_eq!(exact("1.10", 2), Some(110));
        assert_eq!(exact("1.005", 2), None);
        assert_eq!(exact("1e-7", 2), None);
        assert_eq!(exact("-1", 0), None);
        assert_eq!(exact("-0.0", 0), Some(0));
        assert_eq!(exact("1e30", 0), None);
        assert_eq!(exact("1e999999999999999999999", 0), None);
        assert_eq!(exact("1700000060000", 0), Some(1_700_000_060_000));
    }

    #[test]
    fn errors_come_in_the_sdk_order_even_when_the_typed_input_cannot_hold_the_value() {
        // Bad currency (28) is reported before an empty merchant name (2)…
        let j =
            r#"{"kind":"individual","bakongAccountID":"a@b","merchantName":"","currency":"USD"}"#;
        assert_eq!(code(j), Err(28));
        // …but after a bad account id (3).
        let j =
            r#"{"kind":"individual","bakongAccountID":"ab","merchantName":"","currency":"USD"}"#;
        assert_eq!(code(j), Err(3));
        // A missing expiry (45) comes after everything else, e.g. the name (2).
        let j = r#"{"kind":"individual","bakongAccountID":"a@b","merchantName":"","amount":5}"#;
        assert_eq!(code(j), Err(2));
        let j = r#"{"kind":"individual","bakongAccountID":"a@b","merchantName":"A","amount":5}"#;
        assert_eq!(code(j), Err(45));
    }

    #[test]
    fn wrong_json_types_are_a_clear_error() {
        assert_eq!(code("[1,2]"), Err(8));
        assert_eq!(code(r#"{"kind":"shop"}"#), Err(8));
        let e = encode_json(r#"{"kind":"individual","merchantName":5}"#, NOW).unwrap_err();
        assert!(
            e.to_string().contains("merchantName must be a string"),
            "{e}"
        );
    }
}
