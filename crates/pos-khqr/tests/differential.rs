//! Random SDK-style JSON inputs (the format of the conformance vectors and of
//! `khqr-pos qr encode`) against an oracle of the official SDK's rules (spec §4, §5, §15).
//! Each generator builds a value from its parts and says, from those parts, what the SDK
//! does with it: the tag-54 text, a static QR, or the error code. Every QR that comes out
//! verifies, decodes to the input's fields and hashes to its md5.

use pos_khqr::sdk_input::encode_json;
use pos_khqr::{decode, md5_hex, verify};
use proptest::prelude::*;

const NOW_MS: u64 = 1_700_000_000_000;
const KHR: u16 = 116;
const USD: u16 = 840;

/// What the SDK does with one input.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Sdk {
    /// A dynamic QR with this tag-54 text.
    Amount(String),
    /// A static QR (the amount is loosely zero).
    Static,
    /// This error code.
    Error(u16),
}

/// Digits without leading zeros (`"0"` for none).
fn canonical(digits: &str) -> String {
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() {
        "0".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// A tag-54 text, refused past 13 characters.
fn at_most_13(text: String) -> Sdk {
    if text.len() > 13 {
        Sdk::Error(4)
    } else {
        Sdk::Amount(text)
    }
}

/// A string amount from its parts (`int` `.` `frac`), as the SDK handles its text:
/// KHR needs a whole number and writes it plainly; USD allows 2 decimals, writes two when
/// the text has a point and the text itself when it has none.
fn string_amount() -> impl Strategy<Value = (u16, String, Sdk)> {
    (
        prop_oneof![Just(KHR), Just(USD)],
        "0{0,2}[0-9]{0,12}",
        any::<bool>(),
        "[0-9]{0,3}",
    )
        .prop_map(|(currency, int, point, frac)| {
            let frac = if point { frac } else { String::new() };
            let text = if point {
                format!("{int}.{frac}")
            } else {
                int.clone()
            };
            let json = format!("\"{text}\"");
            let zero = int.bytes().chain(frac.bytes()).all(|b| b == b'0');
            let sdk = if text.is_empty() || (zero && !(int.is_empty() && frac.is_empty())) {
                Sdk::Static
            } else if int.is_empty() && frac.is_empty() {
                Sdk::Error(4)
            } else if currency == KHR {
                if frac.bytes().any(|b| b != b'0') {
                    Sdk::Error(4)
                } else {
                    at_most_13(canonical(&int))
                }
            } else if frac.len() > 2 {
                Sdk::Error(4)
            } else if point {
                at_most_13(format!("{}.{frac:0<2}", canonical(&int)))
            } else {
                at_most_13(text)
            };
            (currency, json, sdk)
        })
}

/// A JSON number amount from its parts: the SDK sees the number, so trailing zeros of the
/// fraction vanish (`6.0` is `6`, `1.10` is `1.1` → `1.10`).
fn number_amount() -> impl Strategy<Value = (u16, String, Sdk)> {
    (
        prop_oneof![Just(KHR), Just(USD)],
        0u64..100_000_000_000_000,
        proptest::option::of("[0-9]{1,3}"),
    )
        .prop_map(|(currency, int, frac)| {
            let json = match &frac {
                Some(f) => format!("{int}.{f}"),
                None => int.to_string(),
            };
            let significant = frac
                .as_deref()
                .unwrap_or("")
                .trim_end_matches('0')
                .to_owned();
            let sdk = if int == 0 && significant.is_empty() {
                Sdk::Static
            } else if significant.is_empty() {
                at_most_13(int.to_string())
            } else if currency == KHR || significant.len() > 2 {
                Sdk::Error(4)
            } else {
                at_most_13(format!("{int}.{significant:0<2}"))
            };
            (currency, json, sdk)
        })
}

/// An expiration timestamp and the SDK's verdict on it for a dynamic QR: missing or not a
/// non-zero number → 45; not 13 digits → 49; before now → 50.
fn expiry() -> impl Strategy<Value = (String, Result<u64, u16>)> {
    prop_oneof![
        (NOW_MS..=9_999_999_999_999).prop_map(|ms| (ms.to_string(), Ok(ms))),
        (NOW_MS..=9_999_999_999_999).prop_map(|ms| (format!("\"{ms}\""), Ok(ms))),
        (1_000_000_000_000..NOW_MS).prop_map(|ms| (ms.to_string(), Err(50))),
        prop_oneof![1u64..1_000_000_000_000, 10_000_000_000_000..u64::MAX / 2]
            .prop_map(|n| (format!("\"{n}\""), Err(49))),
        prop::sample::select(vec![
            "\"soon\"",
            "\"0\"",
            "\" \"",
            "\"\"",
            "\"0.000\"",
            "\"\\t\"",
            "\"1 2\"",
            "\"abc\"",
            "0",
            "null",
            "false",
        ])
        .prop_map(|json| (json.to_owned(), Err(45))),
    ]
}

/// Optional text fields, valid by construction (at most 7 characters, `""` dropped).
fn extras() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    let field = prop::sample::select(vec![
        "billNumber",
        "mobileNumber",
        "storeLabel",
        "terminalLabel",
        "purposeOfTransaction",
        "merchantCity",
    ]);
    proptest::collection::vec((field, "[A-Za-z0-9 \u{1780}-\u{17FF}]{0,7}"), 0..4)
}

/// One vector-style `input` object for an individual QR.
fn json_input(currency: u16, amount: &str, expiry: &str, extras: &[(&str, String)]) -> String {
    let mut json = format!(
        r#"{{"kind":"individual","bakongAccountID":"john_smith@devb","merchantName":"John Smith","currency":{currency},"amount":{amount},"expirationTimestamp":{expiry}"#
    );
    for (field, value) in extras {
        json.push_str(&format!(r#","{field}":"{value}""#));
    }
    json.push('}');
    json
}

/// Checks a generated QR: it verifies, its md5 matches, and the input's fields decode back.
fn check_qr(
    qr: &str,
    md5: &str,
    extras: &[(&str, String)],
) -> Result<pos_khqr::DecodedKhqr, TestCaseError> {
    prop_assert_eq!(verify(qr, NOW_MS), Ok(()));
    prop_assert_eq!(md5, md5_hex(qr));
    let d = decode(qr).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let decoded = serde_json::to_value(&d).map_err(|e| TestCaseError::fail(e.to_string()))?;
    // A later duplicate key overwrites, in JSON as in the SDK's classes.
    let mut want = std::collections::HashMap::new();
    for (field, value) in extras {
        want.insert(*field, value.as_str());
    }
    for (field, value) in want {
        let expected = match (field, value) {
            (_, "") if field == "merchantCity" => "Phnom Penh".into(),
            (_, "") => serde_json::Value::Null,
            _ => value.into(),
        };
        prop_assert_eq!(&decoded[field], &expected, "{}", field);
    }
    prop_assert_eq!(d.bakong_account_id.as_deref(), Some("john_smith@devb"));
    prop_assert_eq!(d.merchant_name.as_deref(), Some("John Smith"));
    Ok(d)
}

fn run(
    (currency, amount, sdk): (u16, String, Sdk),
    (expiry_json, expiry): (String, Result<u64, u16>),
    extras: &[(&str, String)],
) -> Result<(), TestCaseError> {
    let json = json_input(currency, &amount, &expiry_json, extras);
    let result = encode_json(&json, NOW_MS);
    // The amount is checked before the expiry; a static QR ignores the expiry.
    let expected = match (&sdk, &expiry) {
        (Sdk::Error(code), _) | (Sdk::Amount(_), Err(code)) => Err(*code),
        (Sdk::Amount(_) | Sdk::Static, _) => Ok(()),
    };
    prop_assert_eq!(
        result.as_ref().map(|_| ()).map_err(|e| e.code()),
        expected,
        "{} → {:?}",
        json,
        result
    );
    let Ok(khqr) = result else { return Ok(()) };
    let d = check_qr(&khqr.qr, &khqr.md5, extras)?;
    prop_assert_eq!(d.transaction_currency.clone(), Some(currency.to_string()));
    match sdk {
        Sdk::Amount(text) => {
            prop_assert_eq!(d.transaction_amount.as_ref(), Some(&text));
            prop_assert_eq!(d.point_of_initiation_method.as_deref(), Some("12"));
            prop_assert_eq!(d.expiration_ms(), expiry.ok());
            prop_assert_eq!(d.creation_timestamp, Some(NOW_MS.to_string()));
        }
        _ => {
            prop_assert_eq!(d.transaction_amount, None);
            prop_assert_eq!(d.point_of_initiation_method.as_deref(), Some("11"));
            prop_assert_eq!(d.expiration_timestamp, None);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn string_amounts_follow_the_sdk_text_rules(
        amount in string_amount(),
        expiry in expiry(),
        extras in extras(),
    ) {
        run(amount, expiry, &extras)?;
    }

    #[test]
    fn number_amounts_follow_the_sdk_number_rules(
        amount in number_amount(),
        expiry in expiry(),
        extras in extras(),
    ) {
        run(amount, expiry, &extras)?;
    }
}
