//! [`verify`]: the official SDK's verdict on a KHQR string, with the code of the first rule
//! it breaks. Reads leniently like the SDK (JavaScript `parseInt` lengths, short values),
//! allocates nothing for ASCII strings, and answers "invalid" where the SDK would hang.

use std::ops::Range;

use crate::checksum::crc16;
use crate::error::{KhqrError, Malformation};
use crate::tlv::{self, two_digits, with_units, Hang, Unit};

/// Checks `qr` as the official `BakongKHQR.verify` does at time `now_ms` (Unix ms): CRC,
/// required tags, every field's length and form, and — for a dynamic QR — the expiry.
/// `Ok(())` means valid; the error is the first failure (SDK code in [`KhqrError::code`]).
pub fn verify(qr: &str, now_ms: u64) -> Result<(), KhqrError> {
    check_crc(qr)?;
    with_units!(qr, |u| verify_units(u, now_ms))
}

/// Steps 1–3: ends with `6304` + 4 hex digits, the CRC matches, at least 12 characters.
fn check_crc(qr: &str) -> Result<(), KhqrError> {
    let bytes = qr.as_bytes();
    let Some(split) = bytes.len().checked_sub(4) else {
        return Err(KhqrError::CrcMissing);
    };
    let (content, digits) = bytes.split_at(split);
    if !content.ends_with(b"6304") || !digits.iter().all(u8::is_ascii_hexdigit) {
        return Err(KhqrError::CrcMissing);
    }
    let computed = crc16(content);
    let found = digits.iter().try_fold(0u16, |acc, d| {
        let v = char::from(*d).to_digit(16)?;
        Some(acc << 4 | u16::try_from(v).ok()?)
    });
    if found != Some(computed) {
        return Err(KhqrError::CrcMismatch {
            computed,
            found: String::from_utf8_lossy(digits).into_owned(),
        });
    }
    // Everything checked so far is ASCII, so bytes past the content are units too.
    let len = if qr.is_ascii() {
        qr.len()
    } else {
        qr.encode_utf16().count()
    };
    if len < 12 {
        return Err(KhqrError::TooShort { len });
    }
    Ok(())
}

/// Top-level tags the SDK knows, as a bit set; others are skipped.
const KNOWN: u128 = {
    let tags = [0u8, 1, 15, 29, 52, 53, 54, 58, 59, 60, 62, 63, 64, 99];
    let mut set = 0u128;
    let mut i = 0;
    while i < tags.len() {
        set |= 1 << tags[i];
        i += 1;
    }
    set
};

/// The known tag, with 30 read as 29.
fn known(tag: Option<u8>) -> Option<u8> {
    match tag? {
        30 => Some(29),
        t if t < 128 && KNOWN & (1 << t) != 0 => Some(t),
        _ => None,
    }
}

/// Tags every KHQR must carry, in the order the SDK checks them.
const REQUIRED: [u8; 8] = [0, 29, 52, 53, 58, 59, 60, 63];

/// The SDK's error for a missing required tag.
fn missing(tag: u8) -> KhqrError {
    use KhqrError as E;
    match tag {
        0 => E::PayloadFormatIndicatorTagRequired,
        29 => E::MerchantTypeRequired,
        52 => E::MerchantCategoryTagRequired,
        53 => E::CurrencyTypeRequired,
        58 => E::CountryCodeTagRequired,
        59 => E::MerchantNameRequired,
        60 => E::MerchantCityTagRequired,
        _ => E::CrcTagRequired,
    }
}

fn hang(Hang(at): Hang) -> KhqrError {
    KhqrError::Malformed {
        at,
        reason: Malformation::NonNumericLength,
    }
}

fn verify_units<U: Unit>(s: &[U], now_ms: u64) -> Result<(), KhqrError> {
    use KhqrError as E;
    // Read once: the known objects in string order, which tags are present, and whether
    // any point of initiation says `12`.
    let mut objects: Vec<(u8, Range<usize>)> = Vec::with_capacity(16);
    let mut present = 0u128;
    let mut poi_12 = false;
    tlv::top_level(s, |t| {
        if let Some(tag) = known(t.tag_number(s)) {
            present |= 1 << tag;
            poi_12 |= tag == 1 && is(s, &t.value, b"12");
            objects.push((tag, t.value.clone()));
        }
    })
    .map_err(hang)?;
    let has = |tag: u8| present & (1 << tag) != 0;
    if poi_12 && !has(54) {
        return Err(E::InvalidDynamicKhqr);
    }
    if (poi_12 || has(54)) && !has(99) {
        return Err(E::ExpirationTimestampRequired);
    }
    if let Some(tag) = REQUIRED.into_iter().find(|tag| !has(*tag)) {
        return Err(missing(tag));
    }
    // Every occurrence of a known tag, in string order. Tag 99 is checked only after a
    // `01` of `12` has been seen, as in the SDK.
    let mut dynamic = false;
    for (tag, value) in objects {
        check_tag(s, tag, value, &mut dynamic, now_ms)?;
    }
    Ok(())
}

/// Whether `s[range]` equals the ASCII `text`.
fn is<U: Unit>(s: &[U], range: &Range<usize>, text: &[u8]) -> bool {
    let v = &s[range.clone()];
    v.len() == text.len() && v.iter().zip(text).all(|(a, b)| a.unit() == u16::from(*b))
}

fn all_digits<U: Unit>(s: &[U], range: &Range<usize>) -> bool {
    s[range.clone()]
        .iter()
        .all(|u| (u16::from(b'0')..=u16::from(b'9')).contains(&u.unit()))
}

/// `Err(e)` when the value is empty or longer than `max` units.
fn sized(range: &Range<usize>, max: usize, e: KhqrError) -> Result<(), KhqrError> {
    if range.is_empty() || range.len() > max {
        Err(e)
    } else {
        Ok(())
    }
}

fn check_tag<U: Unit>(
    s: &[U],
    tag: u8,
    value: Range<usize>,
    dynamic: &mut bool,
    now_ms: u64,
) -> Result<(), KhqrError> {
    use KhqrError as E;
    let v = &value;
    match tag {
        0 if v.is_empty() => Err(E::PayloadFormatIndicatorTagRequired),
        0 => sized(v, 2, E::PayloadFormatIndicatorLengthInvalid),
        1 => {
            if v.len() > 2 {
                return Err(E::PointInitiationLengthInvalid);
            }
            *dynamic |= is(s, v, b"12");
            if is(s, v, b"11") || is(s, v, b"12") {
                Ok(())
            } else {
                Err(E::PointOfInitiationMethodInvalid)
            }
        }
        15 if v.len() > 99 => Err(E::UpiAccountInformationLengthInvalid),
        29 => check_account(s, v.clone()),
        52 if v.is_empty() => Err(E::MerchantCategoryTagRequired),
        52 if v.len() > 4 => Err(E::MerchantCodeLengthInvalid),
        52 if !all_digits(s, v) => Err(E::InvalidMerchantCategoryCode),
        53 if v.is_empty() => Err(E::CurrencyTypeRequired),
        53 if v.len() > 3 => Err(E::TransactionCurrencyLengthInvalid),
        53 if !is(s, v, b"116") && !is(s, v, b"840") => Err(E::UnsupportedCurrency),
        54 if v.is_empty()
            || v.len() > 13
            || s[v.clone()].iter().any(|u| u.unit() == u16::from(b'-')) =>
        {
            Err(E::AmountInvalid)
        }
        58 if v.is_empty() => Err(E::CountryCodeTagRequired),
        58 => sized(v, 3, E::CountryCodeLengthInvalid),
        59 if v.is_empty() => Err(E::MerchantNameRequired),
        59 => sized(v, 25, E::MerchantNameLengthInvalid),
        60 if v.is_empty() => Err(E::MerchantCityTagRequired),
        60 => sized(v, 15, E::MerchantCityLengthInvalid),
        62 => check_additional(s, v.clone()),
        63 if v.len() != 4 => Err(E::CrcLengthInvalid),
        64 => check_language(s, v.clone()),
        99 if *dynamic => check_timestamps(s, v.clone(), now_ms),
        _ => Ok(()),
    }
}

/// The last value of each of the sub-tags `0..N` of a template, reading like the SDK.
fn subs<U: Unit, const N: usize>(
    s: &[U],
    range: Range<usize>,
    index: impl Fn(u8) -> Option<usize>,
) -> Result<[Option<Range<usize>>; N], KhqrError> {
    let mut found: [Option<Range<usize>>; N] = std::array::from_fn(|_| None);
    tlv::template(s, range, |t| {
        if let Some(i) = two_digits(&s[t.tag.clone()]).and_then(&index) {
            if let Some(slot) = found.get_mut(i) {
                *slot = Some(t.value.clone());
            }
        }
    })
    .map_err(hang)?;
    Ok(found)
}

fn check_account<U: Unit>(s: &[U], range: Range<usize>) -> Result<(), KhqrError> {
    use KhqrError as E;
    let [id, info, bank] = subs::<U, 3>(s, range, |t| (t <= 2).then_some(usize::from(t)))?;
    let id = id
        .filter(|r| !r.is_empty())
        .ok_or(E::BakongAccountIdRequired)?;
    if id.len() > 32 {
        return Err(E::BakongAccountIdLengthInvalid);
    }
    if !s[id].iter().any(|u| u.unit() == u16::from(b'@')) {
        return Err(E::BakongAccountIdInvalid);
    }
    if info.is_some_and(|r| r.len() > 32) {
        return Err(E::AccountInformationLengthInvalid);
    }
    match bank {
        Some(r) if r.is_empty() => Err(E::AcquiringBankRequired),
        Some(r) if r.len() > 32 => Err(E::AcquiringBankLengthInvalid),
        _ => Ok(()),
    }
}

fn check_additional<U: Unit>(s: &[U], range: Range<usize>) -> Result<(), KhqrError> {
    use KhqrError as E;
    let index = |t: u8| match t {
        1 => Some(0),
        2 => Some(1),
        3 => Some(2),
        7 => Some(3),
        8 => Some(4),
        _ => None,
    };
    let found = subs::<U, 5>(s, range, index)?;
    let errors = [
        E::BillNumberLengthInvalid,
        E::MobileNumberLengthInvalid,
        E::StoreLabelLengthInvalid,
        E::TerminalLabelLengthInvalid,
        E::PurposeOfTransactionLengthInvalid,
    ];
    for (value, error) in found.iter().zip(errors) {
        if let Some(r) = value {
            sized(r, 25, error)?;
        }
    }
    Ok(())
}

fn check_language<U: Unit>(s: &[U], range: Range<usize>) -> Result<(), KhqrError> {
    use KhqrError as E;
    let [pref, name, city] = subs::<U, 3>(s, range, |t| (t <= 2).then_some(usize::from(t)))?;
    let given = |r: &Option<Range<usize>>| r.as_ref().is_some_and(|r| !r.is_empty());
    if given(&pref) && !given(&name) {
        return Err(E::MerchantNameAlternateLanguageRequired);
    }
    // The SDK checks the preference and the name only when a name is present, so a
    // template holding just an empty 00 (`64040000`) is valid.
    if let Some(name) = name {
        // A name without any preference makes the SDK throw; invalid all the same.
        let pref = pref.ok_or(E::LanguagePreferenceLengthInvalid)?;
        sized(&pref, 2, E::LanguagePreferenceLengthInvalid)?;
        sized(&name, 25, E::MerchantNameAlternateLanguageLengthInvalid)?;
    }
    match city {
        Some(c) => sized(&c, 15, E::MerchantCityAlternateLanguageLengthInvalid),
        None => Ok(()),
    }
}

/// Decimal digits as a number; `None` for anything else (JavaScript's `NaN`, which makes
/// every comparison false).
fn number<U: Unit>(s: &[U], range: &Range<usize>) -> Option<u64> {
    if !all_digits(s, range) {
        return None;
    }
    Some(s[range.clone()].iter().fold(0u64, |acc, u| {
        acc.saturating_mul(10)
            .saturating_add(u64::from(u.unit() - u16::from(b'0')))
    }))
}

fn check_timestamps<U: Unit>(s: &[U], range: Range<usize>, now_ms: u64) -> Result<(), KhqrError> {
    use KhqrError as E;
    let [created, expires] = subs::<U, 2>(s, range, |t| (t <= 1).then_some(usize::from(t)))?;
    let expires = expires.ok_or(E::ExpirationTimestampRequired)?;
    if expires.len() != 13 || !all_digits(s, &expires) {
        return Err(E::ExpirationTimestampLengthInvalid);
    }
    let expires = number(s, &expires).unwrap_or(0);
    // An absent creation time counts as 0 (`Number(undefined || 0)` in the SDK).
    let created = created.map_or(Some(0), |c| number(s, &c));
    if created.is_some_and(|c| expires < c) {
        return Err(E::ExpirationTimestampInThePast);
    }
    if expires < now_ms {
        return Err(E::KhqrExpired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATIC: &str = "00020101021129190015john_smith@devb5204599953031165802KH5910John Smith6010Phnom Penh63046BFA";
    const DYNAMIC: &str = "00020101021229190015john_smith@devb52045999530384054041.505802KH5910John Smith6010Phnom Penh99340013170000000000001131700000060000630476DF";

    #[test]
    fn a_generated_static_qr_verifies_and_lowercase_crc_is_accepted() {
        assert_eq!(verify(STATIC, 0), Ok(()));
        assert_eq!(verify(&STATIC.replace("6BFA", "6bfa"), 0), Ok(()));
    }

    #[test]
    fn a_dynamic_qr_is_valid_until_its_expiry_and_expired_after() {
        assert_eq!(verify(DYNAMIC, 1_700_000_060_000), Ok(()));
        assert_eq!(
            verify(DYNAMIC, 1_700_000_060_001),
            Err(KhqrError::KhqrExpired)
        );
    }

    #[test]
    fn a_wrong_crc_is_a_mismatch_naming_the_right_one() {
        let err = verify(&STATIC.replace("6BFA", "6BF0"), 0).unwrap_err();
        assert_eq!(
            err,
            KhqrError::CrcMismatch {
                computed: 0x6BFA,
                found: "6BF0".into()
            }
        );
        assert_eq!(err.code(), 8);
    }

    /// `STATIC` with `extra` inserted before the CRC, and the CRC recomputed.
    fn with_before_crc(extra: &str) -> String {
        let mut qr = STATIC[..STATIC.len() - 8].to_owned() + extra + "6304";
        let crc = crc16(qr.as_bytes());
        crate::checksum::push_hex_upper(&mut qr, crc);
        qr
    }

    #[test]
    fn a_language_template_is_checked_only_as_far_as_the_sdk_does() {
        let code = |template: &str| verify(&with_before_crc(template), 0).map_err(|e| e.code());
        assert_eq!(code("64040000"), Ok(()));
        assert_eq!(code("64140002km0104Cafe"), Ok(()));
        assert_eq!(code("64060002km"), Err(39));
        assert_eq!(code("64100002km0100"), Err(39));
        assert_eq!(code("64060102ab"), Err(38));
        assert_eq!(code("641000000102ab"), Err(38));
        assert_eq!(code("6424000002160123456789012345"), Err(41));
    }

    #[test]
    fn strings_the_sdk_would_loop_on_are_answered_as_invalid() {
        assert!(verify(
            "00020101021129040AXY5204599953031165802KH5910John Smith6010Phnom Penh6304830B",
            0
        )
        .is_err());
        assert!(verify("30XX", 0).is_err());
    }
}
