//! The official SDK's loose JavaScript inputs, mapped onto the typed [`KhqrInput`]: the
//! `input` object of a conformance vector, as `khqr-pos qr encode` reads it on stdin.
//!
//! The SDK's input classes drop every optional entry loosely equal to `null` or `""` (which
//! in JavaScript includes `0`, `false` and `[]`); amounts, currencies, timestamps and MCCs
//! arrive as numbers or strings. Numbers are read from their JSON text (via
//! [`RawValue`]), never through a float. Problems with the currency, the amount and the
//! expiry are reported at the point of the SDK's validation order where the SDK reports
//! them, so the first error matches the SDK's.

use std::collections::HashMap;

use pos_domain::{Currency, Money};
use serde_json::value::RawValue;

use crate::encode::{
    encode, units, Account, AdditionalData, EncodedKhqr, KhqrInput, LanguageTemplate, Payment,
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
            Js::Number(n) => exact_integer(n) == Some(0),
            _ => false,
        }
    }
}

/// An exact non-negative integer from decimal text (`"116"`, `"1.16e2"`, `"1700000060000"`);
/// `None` for fractions, negatives and non-numbers. Reuses the exact money parser with a
/// zero-decimal currency, whose minor unit is 1.
fn exact_integer(text: &str) -> Option<u64> {
    let value = Money::parse_decimal(text, Currency::Khr).ok()?;
    u64::try_from(value.minor).ok()
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
    let money = match &currency {
        Ok(c) if !is_static => Some(parse_amount(&amount, *c)),
        _ => None,
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

    match (encode(&typed, now_ms), first_deferred) {
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

/// `amount == 0` in JavaScript for a value that was not dropped: numeric text of zero, or a
/// string of spaces.
fn is_loose_zero(amount: &Js<'_>) -> bool {
    match amount {
        Js::Str(s) => s.trim().is_empty() || exact_integer(s.trim()) == Some(0),
        _ => false,
    }
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

/// A non-zero amount: a JSON number read exactly, or a plain decimal string (digits, and
/// for USD at most two decimals — the SDK checks strings on their text).
fn parse_amount(value: &Js<'_>, currency: Currency) -> Result<Money, KhqrError> {
    let text = match value {
        Js::Number(n) => *n,
        Js::Str(s) => {
            let (int, frac) = s.split_once('.').unwrap_or((s, ""));
            let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
            let plain = !int.is_empty() && digits(int) && digits(frac);
            let decimals_ok = if s.contains('.') {
                !frac.is_empty() && frac.len() <= currency.decimals() as usize
            } else {
                true
            };
            if !plain || !decimals_ok {
                return Err(KhqrError::AmountInvalid);
            }
            s
        }
        _ => return Err(KhqrError::AmountInvalid),
    };
    Money::parse_decimal(text, currency)
        .ok()
        .filter(|m| m.minor > 0)
        .ok_or(KhqrError::AmountInvalid)
}

/// The expiry of a dynamic QR: required (45); a number or numeric string that must be a
/// non-negative integer (else 49, as `String(NaN)` is not 13 characters).
fn expiry(value: Js<'_>) -> Result<u64, KhqrError> {
    if value.is_dropped() {
        return Err(KhqrError::ExpirationTimestampRequired);
    }
    match value {
        Js::Number(n) => exact_integer(n),
        Js::Str(s) => exact_integer(&s),
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
