//! Decoding: [`decode`] into the SDK's 25 fields ([`DecodedKhqr`]), and [`decode_non_khqr`],
//! the SDK's tolerant generic EMV tree for any merchant-presented QR.
//!
//! [`decode`] reads like the SDK (duplicate-tag stop, later duplicates overwrite, unknown
//! tags and sub-tags ignored) but refuses strings that are not well-formed TLV instead of
//! returning the SDK's partial guess — or, for some, looping forever as the SDK does.
//! [`decode_borrowed`] is the same decode without copying: its fields borrow the input.

use std::ops::Range;

use pos_domain::{Currency, Money};
use serde::{Serialize, Serializer};

use crate::error::{KhqrError, Malformation};
use crate::tlv::{self, with_units, Hang, Token, Unit};

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
/// Serializes with the SDK's field names. `S` is [`String`] ([`DecodedKhqr`], from
/// [`decode`]) or `&str` borrowing the input (from [`decode_borrowed`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decoded<S> {
    /// Tag 29 or 30 (the last one present).
    pub merchant_type: Option<MerchantType>,
    /// 29/00 or 30/00.
    #[serde(rename = "bakongAccountID")]
    pub bakong_account_id: Option<S>,
    /// 29/01.
    pub account_information: Option<S>,
    /// 30/01.
    #[serde(rename = "merchantID")]
    pub merchant_id: Option<S>,
    /// 29/02 or 30/02.
    pub acquiring_bank: Option<S>,
    /// 62/01.
    pub bill_number: Option<S>,
    /// 62/02.
    pub mobile_number: Option<S>,
    /// 62/03.
    pub store_label: Option<S>,
    /// 62/07.
    pub terminal_label: Option<S>,
    /// 62/08.
    pub purpose_of_transaction: Option<S>,
    /// 64/00.
    pub language_preference: Option<S>,
    /// 64/01.
    pub merchant_name_alternate_language: Option<S>,
    /// 64/02.
    pub merchant_city_alternate_language: Option<S>,
    /// 99/00, Unix milliseconds as text.
    pub creation_timestamp: Option<S>,
    /// 99/01, Unix milliseconds as text.
    pub expiration_timestamp: Option<S>,
    /// Tag 00.
    pub payload_format_indicator: Option<S>,
    /// Tag 01 (`11` static, `12` dynamic); the SDK spells it `pointofInitiationMethod`.
    #[serde(rename = "pointofInitiationMethod")]
    pub point_of_initiation_method: Option<S>,
    /// Tag 15.
    pub union_pay_merchant: Option<S>,
    /// Tag 52.
    pub merchant_category_code: Option<S>,
    /// Tag 53 (`116`, `840`).
    pub transaction_currency: Option<S>,
    /// Tag 54, as written (`1.50`).
    pub transaction_amount: Option<S>,
    /// Tag 58.
    pub country_code: Option<S>,
    /// Tag 59.
    pub merchant_name: Option<S>,
    /// Tag 60.
    pub merchant_city: Option<S>,
    /// Tag 63, the four CRC digits as written.
    pub crc: Option<S>,
}

/// A decoded KHQR owning its text.
pub type DecodedKhqr = Decoded<String>;

impl<S> Decoded<S> {
    /// The same fields with each text converted by `f`.
    pub fn map<T>(self, f: impl Fn(S) -> T) -> Decoded<T> {
        Decoded {
            merchant_type: self.merchant_type,
            bakong_account_id: self.bakong_account_id.map(&f),
            account_information: self.account_information.map(&f),
            merchant_id: self.merchant_id.map(&f),
            acquiring_bank: self.acquiring_bank.map(&f),
            bill_number: self.bill_number.map(&f),
            mobile_number: self.mobile_number.map(&f),
            store_label: self.store_label.map(&f),
            terminal_label: self.terminal_label.map(&f),
            purpose_of_transaction: self.purpose_of_transaction.map(&f),
            language_preference: self.language_preference.map(&f),
            merchant_name_alternate_language: self.merchant_name_alternate_language.map(&f),
            merchant_city_alternate_language: self.merchant_city_alternate_language.map(&f),
            creation_timestamp: self.creation_timestamp.map(&f),
            expiration_timestamp: self.expiration_timestamp.map(&f),
            payload_format_indicator: self.payload_format_indicator.map(&f),
            point_of_initiation_method: self.point_of_initiation_method.map(&f),
            union_pay_merchant: self.union_pay_merchant.map(&f),
            merchant_category_code: self.merchant_category_code.map(&f),
            transaction_currency: self.transaction_currency.map(&f),
            transaction_amount: self.transaction_amount.map(&f),
            country_code: self.country_code.map(&f),
            merchant_name: self.merchant_name.map(&f),
            merchant_city: self.merchant_city.map(&f),
            crc: self.crc.map(&f),
        }
    }
}

impl Decoded<&str> {
    /// Copies the borrowed text into an owned [`DecodedKhqr`].
    pub fn into_owned(self) -> DecodedKhqr {
        self.map(str::to_owned)
    }
}

impl<S: AsRef<str>> Decoded<S> {
    /// The currency of tag 53, when it is KHR or USD.
    pub fn currency(&self) -> Option<Currency> {
        self.transaction_currency
            .as_ref()?
            .as_ref()
            .parse::<u16>()
            .ok()
            .and_then(Currency::from_numeric)
    }

    /// The amount of tag 54 in the QR's currency, when both are present and exact.
    pub fn amount(&self) -> Option<Money> {
        Money::parse_decimal(self.transaction_amount.as_ref()?.as_ref(), self.currency()?).ok()
    }

    /// Whether the point of initiation method says dynamic (`12`).
    pub fn is_dynamic(&self) -> bool {
        self.point_of_initiation_method
            .as_ref()
            .is_some_and(|p| p.as_ref() == "12")
    }

    /// Tag 99/01 as Unix milliseconds.
    pub fn expiration_ms(&self) -> Option<u64> {
        self.expiration_timestamp.as_ref()?.as_ref().parse().ok()
    }
}

/// Decodes a KHQR string into the SDK's fields without validating it (see [`crate::verify`]).
/// Refuses a string that is not well-formed TLV with [`KhqrError::Malformed`].
pub fn decode(qr: &str) -> Result<DecodedKhqr, KhqrError> {
    decode_borrowed(qr).map(Decoded::into_owned)
}

/// [`decode`] without copying: the fields borrow `qr`.
pub fn decode_borrowed(qr: &str) -> Result<Decoded<&str>, KhqrError> {
    with_units!(qr, |u| decode_units(qr, u))
}

fn malformed(at: usize, reason: Malformation) -> KhqrError {
    KhqrError::Malformed { at, reason }
}

fn hang(Hang(at): Hang) -> KhqrError {
    malformed(at, Malformation::NonNumericLength)
}

/// The text of a value, refusing a range that splits a surrogate pair.
fn text<'a, U: Unit>(
    qr: &'a str,
    s: &[U],
    range: Range<usize>,
    at: usize,
) -> Result<&'a str, KhqrError> {
    U::slice(qr, s, range).ok_or(malformed(at, Malformation::SplitsCharacter))
}

fn decode_units<'a, U: Unit>(qr: &'a str, s: &[U]) -> Result<Decoded<&'a str>, KhqrError> {
    let mut d = Decoded::default();
    // 29/01 and 30/01 are named after the last account tag, once all are read (as the SDK).
    let mut account_01 = None;
    let mut first_error = None;
    tlv::top_level(s, |t| {
        if first_error.is_none() {
            if let Err(e) = take(qr, s, t, &mut d, &mut account_01) {
                first_error = Some(e);
            }
        }
    })
    .map_err(hang)?;
    if let Some(e) = first_error {
        return Err(e);
    }
    if d.merchant_type == Some(MerchantType::Merchant) {
        d.merchant_id = account_01;
    } else {
        d.account_information = account_01;
    }
    Ok(d)
}

/// Records one top-level object.
fn take<'a, U: Unit>(
    qr: &'a str,
    s: &[U],
    t: &Token,
    d: &mut Decoded<&'a str>,
    account_01: &mut Option<&'a str>,
) -> Result<(), KhqrError> {
    if let Some(reason) = t.malformed {
        return Err(malformed(t.at, reason));
    }
    let Some(tag) = t.tag_number(s) else {
        return Ok(());
    };
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
            if tag == 29 {
                d.merchant_type = Some(MerchantType::Individual);
            } else if tag == 30 {
                d.merchant_type = Some(MerchantType::Merchant);
            }
            return decode_template(qr, s, tag, t.value.clone(), d, account_01);
        }
        _ => return Ok(()),
    };
    *slot = Some(text(qr, s, t.value.clone(), t.at)?);
    Ok(())
}

/// Fills the fields of one template, replacing every field an earlier copy set: the SDK
/// keeps only the last copy of a tag, and a copy without a recognised sub-tag sets none of
/// its fields, so they end `None`.
fn decode_template<'a, U: Unit>(
    qr: &'a str,
    s: &[U],
    tag: u8,
    range: Range<usize>,
    d: &mut Decoded<&'a str>,
    account_01: &mut Option<&'a str>,
) -> Result<(), KhqrError> {
    let mut found: [Option<&'a str>; 5] = [None; 5];
    let mut first_error = None;
    tlv::template(s, range, |t| {
        if first_error.is_some() {
            return;
        }
        if let Some(reason) = t.malformed {
            first_error = Some(malformed(t.at, reason));
            return;
        }
        let index = match (tag, t.tag_number(s)) {
            (29 | 30 | 64, Some(n @ 0..=2)) | (99, Some(n @ 0..=1)) => usize::from(n),
            (62, Some(1)) => 0,
            (62, Some(2)) => 1,
            (62, Some(3)) => 2,
            (62, Some(7)) => 3,
            (62, Some(8)) => 4,
            _ => return,
        };
        match text(qr, s, t.value.clone(), t.at) {
            Ok(value) => found[index] = Some(value),
            Err(e) => first_error = Some(e),
        }
    })
    .map_err(hang)?;
    if let Some(e) = first_error {
        return Err(e);
    }
    let [f0, f1, f2, f3, f4] = found;
    match tag {
        29 | 30 => {
            d.bakong_account_id = f0;
            *account_01 = f1;
            d.acquiring_bank = f2;
        }
        62 => {
            d.bill_number = f0;
            d.mobile_number = f1;
            d.store_label = f2;
            d.terminal_label = f3;
            d.purpose_of_transaction = f4;
        }
        64 => {
            d.language_preference = f0;
            d.merchant_name_alternate_language = f1;
            d.merchant_city_alternate_language = f2;
        }
        _ => {
            d.creation_timestamp = f0;
            d.expiration_timestamp = f1;
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
    with_units!(qr, |u| non_khqr_level(qr, u, 0..u.len(), None))
}

/// Whether a sub-object of `len` units is expanded as a template: at the top level
/// (`parent` = `None`) tags 26–51, 62, 64 and 80–99 of at least 6 units; directly inside
/// 62, tags 50–99 of any length (the SDK has no minimum there); nowhere deeper.
fn expands(parent: Option<(u8, bool)>, tag: u8, len: usize) -> bool {
    match parent {
        None => matches!(tag, 26..=51 | 62 | 64 | 80..=99) && len >= 6,
        Some((62, true)) => (50..=99).contains(&tag),
        Some(_) => false,
    }
}

/// One level of the tree. `parent` is the enclosing tag and whether it is a top-level one.
fn non_khqr_level<U: Unit>(
    qr: &str,
    s: &[U],
    range: Range<usize>,
    parent: Option<(u8, bool)>,
) -> EmvObject {
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
        let mut node = EmvNode::Value(
            U::slice(qr, s, t.value.clone()).map_or_else(|| lossy(value), str::to_owned),
        );
        if expands(parent, tag, value.len()) {
            let sub = non_khqr_level(qr, s, t.value.clone(), Some((tag, parent.is_none())));
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
    fn a_later_template_copy_replaces_the_earlier_one_even_with_only_unknown_sub_tags() {
        let d = decode("62070103INV5901A62060502XY").unwrap();
        assert_eq!(d.bill_number, None);
        let d = decode("62070103INV5901A62070103NEW").unwrap();
        assert_eq!(d.bill_number.as_deref(), Some("NEW"));
        let d = decode("29080004a@bc5901A30060502XY").unwrap();
        assert_eq!(d.bakong_account_id, None);
        assert_eq!(d.merchant_type, Some(MerchantType::Merchant));
    }

    #[test]
    fn the_third_level_inside_62_has_no_minimum_length() {
        let tree = decode_non_khqr("620950050001X");
        let json = serde_json::to_string(&tree).unwrap();
        assert_eq!(json, r#"{"62":{"50":{"00":"X"}}}"#);
        // The second level keeps its 6-unit minimum.
        let tree = decode_non_khqr("62050001X");
        assert_eq!(serde_json::to_string(&tree).unwrap(), r#"{"62":"0001X"}"#);
    }

    #[test]
    fn the_non_khqr_tree_expands_known_templates_only() {
        let tree = decode_non_khqr("26140002ab0104wxyz8011proprietary");
        let json = serde_json::to_string(&tree).unwrap();
        assert_eq!(json, r#"{"26":{"00":"ab","01":"wxyz"},"80":"proprietary"}"#);
    }
}
