//! Decoding: [`decode`] into the SDK's 25 fields ([`DecodedKhqr`]), and [`decode_non_khqr`],
//! the SDK's tolerant generic EMV tree for any merchant-presented QR.
//!
//! [`decode`] reads like the SDK (duplicate-tag stop, later duplicates overwrite, unknown
//! tags and sub-tags ignored) but refuses strings that are not well-formed TLV instead of
//! returning the SDK's partial guess — or, for some, looping forever as the SDK does.

use std::ops::Range;

use pos_domain::{Currency, Money};
use serde::{Serialize, Serializer};

use crate::error::KhqrError;
use crate::tlv::{self, with_units, Token, Unit};

/// Which account template the QR carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MerchantType {
    /// Tag 29.
    #[serde(rename = "29")]
    Individual,
    /// Tag 30.
    #[serde(rename = "30")]
    Merchant,
}

/// A decoded KHQR: the official SDK's 25 fields, raw text as found in the string.
/// `None` = the tag or sub-tag is absent, `Some("")` = present with length 00.
/// Serializes with the SDK's field names.
#[allow(missing_docs)] // each field is documented by its SDK name and tag below
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecodedKhqr {
    /// Tag 29 or 30 (the last one present).
    pub merchant_type: Option<MerchantType>,
    /// 29/00 or 30/00.
    #[serde(rename = "bakongAccountID")]
    pub bakong_account_id: Option<String>,
    /// 29/01.
    pub account_information: Option<String>,
    /// 30/01.
    #[serde(rename = "merchantID")]
    pub merchant_id: Option<String>,
    /// 29/02 or 30/02.
    pub acquiring_bank: Option<String>,
    /// 62/01.
    pub bill_number: Option<String>,
    /// 62/02.
    pub mobile_number: Option<String>,
    /// 62/03.
    pub store_label: Option<String>,
    /// 62/07.
    pub terminal_label: Option<String>,
    /// 62/08.
    pub purpose_of_transaction: Option<String>,
    /// 64/00.
    pub language_preference: Option<String>,
    /// 64/01.
    pub merchant_name_alternate_language: Option<String>,
    /// 64/02.
    pub merchant_city_alternate_language: Option<String>,
    /// 99/00, Unix milliseconds as text.
    pub creation_timestamp: Option<String>,
    /// 99/01, Unix milliseconds as text.
    pub expiration_timestamp: Option<String>,
    /// Tag 00.
    pub payload_format_indicator: Option<String>,
    /// Tag 01 (`11` static, `12` dynamic); the SDK spells it `pointofInitiationMethod`.
    #[serde(rename = "pointofInitiationMethod")]
    pub point_of_initiation_method: Option<String>,
    /// Tag 15.
    pub union_pay_merchant: Option<String>,
    /// Tag 52.
    pub merchant_category_code: Option<String>,
    /// Tag 53 (`116`, `840`).
    pub transaction_currency: Option<String>,
    /// Tag 54, as written (`1.50`).
    pub transaction_amount: Option<String>,
    /// Tag 58.
    pub country_code: Option<String>,
    /// Tag 59.
    pub merchant_name: Option<String>,
    /// Tag 60.
    pub merchant_city: Option<String>,
    /// Tag 63, the four CRC digits as written.
    pub crc: Option<String>,
}

impl DecodedKhqr {
    /// The currency of tag 53, when it is KHR or USD.
    pub fn currency(&self) -> Option<Currency> {
        self.transaction_currency
            .as_deref()?
            .parse::<u16>()
            .ok()
            .and_then(Currency::from_numeric)
    }

    /// The amount of tag 54 in the QR's currency, when both are present and exact.
    pub fn amount(&self) -> Option<Money> {
        Money::parse_decimal(self.transaction_amount.as_deref()?, self.currency()?).ok()
    }

    /// Whether the point of initiation method says dynamic (`12`).
    pub fn is_dynamic(&self) -> bool {
        self.point_of_initiation_method.as_deref() == Some("12")
    }

    /// Tag 99/01 as Unix milliseconds.
    pub fn expiration_ms(&self) -> Option<u64> {
        self.expiration_timestamp.as_deref()?.parse().ok()
    }
}

/// Decodes a KHQR string into the SDK's fields without validating it (see [`crate::verify`]).
/// Refuses a string that is not well-formed TLV with [`KhqrError::Malformed`].
pub fn decode(qr: &str) -> Result<DecodedKhqr, KhqrError> {
    with_units!(qr, |u| decode_units(u))
}

fn malformed(at: usize, reason: crate::error::Malformation) -> KhqrError {
    KhqrError::Malformed { at, reason }
}

/// The text of a well-formed token's value.
fn text<U: Unit>(s: &[U], range: Range<usize>, at: usize) -> Result<String, KhqrError> {
    U::text(&s[range]).ok_or(malformed(at, crate::error::Malformation::SplitsCharacter))
}

/// Reads the sub-objects of a template, refusing malformed ones. `f(sub_tag, value)` is
/// called for each sub-object in order.
fn sub_objects<U: Unit>(
    s: &[U],
    range: Range<usize>,
    mut f: impl FnMut(Option<u8>, Range<usize>, usize),
) -> Result<(), KhqrError> {
    let mut bad = None;
    tlv::template(s, range, |t: &Token| {
        if bad.is_none() {
            match t.malformed {
                Some(reason) => bad = Some(malformed(t.at, reason)),
                None => f(t.tag_number(s), t.value.clone(), t.at),
            }
        }
    })
    .map_err(|tlv::Hang(at)| malformed(at, crate::error::Malformation::NonNumericLength))?;
    bad.map_or(Ok(()), Err)
}

fn decode_units<U: Unit>(s: &[U]) -> Result<DecodedKhqr, KhqrError> {
    let mut tokens: Vec<Token> = Vec::with_capacity(16);
    tlv::top_level(s, |t| tokens.push(t.clone()))
        .map_err(|tlv::Hang(at)| malformed(at, crate::error::Malformation::NonNumericLength))?;
    if let Some(t) = tokens.iter().find(|t| t.malformed.is_some()) {
        return Err(malformed(
            t.at,
            t.malformed
                .unwrap_or(crate::error::Malformation::ValueCutShort),
        ));
    }
    let mut d = DecodedKhqr::default();
    // The SDK decides how to name 29/01 from the last account tag, after reading them all.
    for t in &tokens {
        match t.tag_number(s) {
            Some(29) => d.merchant_type = Some(MerchantType::Individual),
            Some(30) => d.merchant_type = Some(MerchantType::Merchant),
            _ => {}
        }
    }
    let is_merchant = d.merchant_type == Some(MerchantType::Merchant);
    for t in &tokens {
        let Some(tag) = t.tag_number(s) else { continue };
        let value = || text(s, t.value.clone(), t.at);
        let slot = match tag {
            0 => &mut d.payload_format_indicator,
            1 => &mut d.point_of_initiation_method,
            15 => &mut d.union_pay_merchant,
            52 => &mut d.merchant_category_code,
            53 => &mut d.transaction_currency,
            54 => &mut d.transaction_amount,
            58 => &mut d.country_code,
            59 => &mut d.merchant_name,
            60 => &mut d.merchant_city,
            63 => &mut d.crc,
            29 | 30 | 62 | 64 | 99 => {
                decode_template(s, tag, t.value.clone(), is_merchant, &mut d)?;
                continue;
            }
            _ => continue,
        };
        *slot = Some(value()?);
    }
    Ok(d)
}

/// Fills the fields of one template. A template with at least one recognised sub-tag
/// replaces every field of that template (as the SDK's spread of a fresh object does);
/// one with none leaves them untouched.
fn decode_template<U: Unit>(
    s: &[U],
    tag: u8,
    range: Range<usize>,
    is_merchant: bool,
    d: &mut DecodedKhqr,
) -> Result<(), KhqrError> {
    let mut found: [Option<(Range<usize>, usize)>; 9] = Default::default();
    let mut any = false;
    sub_objects(s, range, |sub, value, at| {
        let index = match (tag, sub) {
            (29 | 30 | 64 | 99, Some(n @ 0..=2)) if tag != 99 || n < 2 => Some(usize::from(n)),
            (62, Some(1)) => Some(0),
            (62, Some(2)) => Some(1),
            (62, Some(3)) => Some(2),
            (62, Some(7)) => Some(3),
            (62, Some(8)) => Some(4),
            _ => None,
        };
        if let Some(i) = index {
            found[i] = Some((value, at));
            any = true;
        }
    })?;
    if !any {
        return Ok(());
    }
    let mut get = |i: usize| -> Result<Option<String>, KhqrError> {
        found[i]
            .take()
            .map(|(range, at)| text(s, range, at))
            .transpose()
    };
    match tag {
        29 | 30 => {
            d.bakong_account_id = get(0)?;
            let sub01 = get(1)?;
            if is_merchant {
                d.merchant_id = sub01;
                d.account_information = None;
            } else {
                d.account_information = sub01;
                d.merchant_id = None;
            }
            d.acquiring_bank = get(2)?;
        }
        62 => {
            d.bill_number = get(0)?;
            d.mobile_number = get(1)?;
            d.store_label = get(2)?;
            d.terminal_label = get(3)?;
            d.purpose_of_transaction = get(4)?;
        }
        64 => {
            d.language_preference = get(0)?;
            d.merchant_name_alternate_language = get(1)?;
            d.merchant_city_alternate_language = get(2)?;
        }
        _ => {
            d.creation_timestamp = get(0)?;
            d.expiration_timestamp = get(1)?;
        }
    }
    Ok(())
}

/// One node of the generic EMV tree: a value, or a template's sub-objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmvNode {
    /// A primitive value (or a template value that did not parse).
    Value(String),
    /// A template's sub-objects by tag, in first-seen order.
    Template(EmvObject),
}

/// Data objects by two-digit tag, in first-seen order; a later duplicate replaces the value.
/// Serializes as a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmvObject(pub Vec<(String, EmvNode)>);

impl EmvObject {
    /// The node under `tag`.
    pub fn get(&self, tag: &str) -> Option<&EmvNode> {
        self.0.iter().find(|(t, _)| t == tag).map(|(_, n)| n)
    }

    fn insert(&mut self, tag: String, node: EmvNode) {
        match self.0.iter_mut().find(|(t, _)| *t == tag) {
            Some(slot) => slot.1 = node,
            None => self.0.push((tag, node)),
        }
    }
}

impl Serialize for EmvNode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            EmvNode::Value(v) => serializer.serialize_str(v),
            EmvNode::Template(t) => t.serialize(serializer),
        }
    }
}

impl Serialize for EmvObject {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// The SDK's tolerant generic EMV decode (`decodeNonKhqr`): reads objects while the tag is
/// two digits and the value is exactly as long as stated, then stops, keeping what it read.
/// Templates (26–51, 62, 64, 80–99; inside 62 also 50–99) are expanded when they parse.
pub fn decode_non_khqr(qr: &str) -> EmvObject {
    with_units!(qr, |u| non_khqr_level(u, 0..u.len(), None))
}

/// Whether a sub-object is expanded as a template: at the top level (`parent` = `None`)
/// tags 26–51, 62, 64 and 80–99; directly inside 62, tags 50–99; nowhere deeper.
fn expands(parent: Option<(u8, bool)>, tag: u8) -> bool {
    match parent {
        None => matches!(tag, 26..=51 | 62 | 64 | 80..=99),
        Some((62, true)) => (50..=99).contains(&tag),
        Some(_) => false,
    }
}

/// One level of the tree. `parent` is the enclosing tag and whether it is a top-level one.
fn non_khqr_level<U: Unit>(s: &[U], range: Range<usize>, parent: Option<(u8, bool)>) -> EmvObject {
    let mut out = EmvObject::default();
    let mut pos = range.start;
    while pos < range.end {
        let t = tlv::cut(s, pos, range.end);
        let Some(tag) = t.tag_number(s) else { break };
        let declared = tlv::js_parse_int(&s[(pos + 2).min(range.end)..(pos + 4).min(range.end)]);
        // `-0` is a valid zero length in JavaScript; other negatives never match.
        let exact = declared
            .map(|n| if n == 0 { 0 } else { n })
            .and_then(|n| usize::try_from(n).ok())
            .is_some_and(|n| n == t.value.len());
        if !exact {
            break;
        }
        let value = &s[t.value.clone()];
        let mut node = EmvNode::Value(U::text(value).unwrap_or_else(|| lossy(value)));
        if expands(parent, tag) && value.len() >= 6 {
            let sub = non_khqr_level(s, t.value.clone(), Some((tag, parent.is_none())));
            if !sub.0.is_empty() {
                node = EmvNode::Template(sub);
            }
        }
        out.insert(format!("{tag:02}"), node);
        pos = t.rest;
    }
    out
}

fn lossy<U: Unit>(units: &[U]) -> String {
    let v: Vec<u16> = units.iter().map(|u| u.unit()).collect();
    String::from_utf16_lossy(&v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Malformation;

    #[test]
    fn a_khmer_name_is_sliced_by_utf16_units() {
        let d = decode(
            "00020101021129190015john_smith@devb5204599953031165802KH5906ស្រីពៅ6007ភ្នំពេញ6304DA94",
        )
        .unwrap();
        assert_eq!(d.merchant_name.as_deref(), Some("ស្រីពៅ"));
        assert_eq!(d.merchant_city.as_deref(), Some("ភ្នំពេញ"));
        assert_eq!(d.merchant_type, Some(MerchantType::Individual));
    }

    #[test]
    fn a_merchant_template_fills_merchant_id_not_account_information() {
        let d = decode("00020101021130440018coffee.klaing@abaa01061234560208Dev Bank").unwrap();
        assert_eq!(d.merchant_id.as_deref(), Some("123456"));
        assert_eq!(d.account_information, None);
        assert_eq!(d.acquiring_bank.as_deref(), Some("Dev Bank"));
    }

    #[test]
    fn typed_helpers_read_amount_currency_and_expiry() {
        let d = decode("00020101021229190015john_smith@devb52045999530384054041.505802KH5910John Smith6010Phnom Penh99340013170000000000001131700000060000630476DF").unwrap();
        assert!(d.is_dynamic());
        assert_eq!(d.amount(), Some(Money::new(150, Currency::Usd)));
        assert_eq!(d.expiration_ms(), Some(1_700_000_060_000));
    }

    #[test]
    fn an_empty_value_is_present_but_empty_and_a_missing_tag_is_absent() {
        let d = decode("0002015800").unwrap();
        assert_eq!(d.country_code.as_deref(), Some(""));
        assert_eq!(d.merchant_name, None);
    }

    #[test]
    fn malformed_strings_are_refused_with_the_place_they_break() {
        let cut_short = decode("000201630412").unwrap_err();
        assert_eq!(
            cut_short,
            KhqrError::Malformed {
                at: 6,
                reason: Malformation::ValueCutShort
            }
        );
        let bad_sub = decode("000201290A0AXY").unwrap_err();
        assert_eq!(bad_sub.code(), 8);
        let split = decode("5901🍜").unwrap_err();
        assert_eq!(
            split,
            KhqrError::Malformed {
                at: 0,
                reason: Malformation::SplitsCharacter
            }
        );
    }

    #[test]
    fn the_non_khqr_tree_expands_known_templates_only() {
        let tree = decode_non_khqr("26140002ab0104wxyz8011proprietary");
        let json = serde_json::to_string(&tree).unwrap();
        assert_eq!(json, r#"{"26":{"00":"ab","01":"wxyz"},"80":"proprietary"}"#);
    }
}
