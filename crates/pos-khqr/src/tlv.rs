//! Reading EMV data objects exactly as the official SDK's JavaScript does (`cutString`):
//! positions and lengths count UTF-16 code units, the length is JavaScript `parseInt` of two
//! characters, and slicing follows `String.prototype.slice` (NaN and negative indices
//! included). Each object also records whether it was well-formed, so callers can choose
//! between the SDK's leniency (verify) and refusing malformed input (decode).
//!
//! The readers never loop: where the SDK would spin forever they report [`Hang`].

use std::ops::Range;

use crate::error::Malformation;

/// A UTF-16 code unit source: bytes of an all-ASCII string (one byte = one unit, the fast
/// path) or real UTF-16 units.
pub(crate) trait Unit: Copy + Eq {
    /// The code unit.
    fn unit(self) -> u16;
    /// The part of `qr` (whose units are `units`) at the unit offsets `range`, or `None`
    /// when a boundary splits a surrogate pair.
    fn slice<'a>(qr: &'a str, units: &[Self], range: Range<usize>) -> Option<&'a str>;
}

impl Unit for u8 {
    fn unit(self) -> u16 {
        u16::from(self)
    }
    fn slice<'a>(qr: &'a str, _units: &[Self], range: Range<usize>) -> Option<&'a str> {
        // An ASCII string: unit offsets are byte offsets.
        qr.get(range)
    }
}

impl Unit for u16 {
    fn unit(self) -> u16 {
        self
    }
    fn slice<'a>(qr: &'a str, _units: &[Self], range: Range<usize>) -> Option<&'a str> {
        let (mut start, mut end, mut seen) = (None, None, 0);
        for (byte, c) in qr.char_indices().chain(std::iter::once((qr.len(), '\0'))) {
            if seen == range.start && start.is_none() {
                start = Some(byte);
            }
            if seen == range.end {
                end = Some(byte);
                break;
            }
            seen += c.len_utf16();
        }
        qr.get(start?..end?)
    }
}

/// Runs `f` over the UTF-16 code units of `s`, without copying when `s` is ASCII.
macro_rules! with_units {
    ($s:expr, |$u:ident| $body:expr) => {{
        let s: &str = $s;
        if s.is_ascii() {
            let $u: &[u8] = s.as_bytes();
            $body
        } else {
            let owned: Vec<u16> = s.encode_utf16().collect();
            let $u: &[u16] = &owned;
            $body
        }
    }};
}
pub(crate) use with_units;

/// The SDK would loop forever reading the object at this unit offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hang(pub usize);

/// One data object as `cutString` reads it. Ranges are absolute unit offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// Where the object starts.
    pub at: usize,
    /// The tag: two units, or fewer at the very end of the string.
    pub tag: Range<usize>,
    /// The value as the SDK slices it.
    pub value: Range<usize>,
    /// Where reading continues.
    pub rest: usize,
    /// Why the object is not well-formed TLV, if it is not.
    pub malformed: Option<Malformation>,
}

impl Token {
    /// The tag as a number when it is two ASCII digits.
    pub fn tag_number<U: Unit>(&self, s: &[U]) -> Option<u8> {
        two_digits(&s[self.tag.clone()])
    }
}

/// `"07"` → 7; anything but exactly two ASCII digits → `None`.
pub(crate) fn two_digits<U: Unit>(u: &[U]) -> Option<u8> {
    match u {
        [a, b] => {
            let digit = |x: U| {
                let x = x.unit();
                (u16::from(b'0')..=u16::from(b'9'))
                    .contains(&x)
                    .then(|| u8::try_from(x - u16::from(b'0')).unwrap_or(0))
            };
            Some(digit(*a)? * 10 + digit(*b)?)
        }
        _ => None,
    }
}

/// JavaScript's `WhiteSpace` and `LineTerminator` code points, which `parseInt` skips.
fn is_js_space(u: u16) -> bool {
    matches!(
        u,
        0x09..=0x0D | 0x20 | 0xA0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F
            | 0x3000 | 0xFEFF
    )
}

/// JavaScript `parseInt(text)` (radix detection included); `None` is `NaN`.
pub(crate) fn js_parse_int<U: Unit>(text: &[U]) -> Option<i64> {
    let mut rest = text;
    while let [first, tail @ ..] = rest {
        if !is_js_space(first.unit()) {
            break;
        }
        rest = tail;
    }
    let mut negative = false;
    if let [first, tail @ ..] = rest {
        if first.unit() == u16::from(b'-') || first.unit() == u16::from(b'+') {
            negative = first.unit() == u16::from(b'-');
            rest = tail;
        }
    }
    let mut radix = 10;
    if let [zero, x, tail @ ..] = rest {
        if zero.unit() == u16::from(b'0') && matches!(x.unit(), 0x58 | 0x78) {
            radix = 16;
            rest = tail;
        }
    }
    let mut value: i64 = 0;
    let mut digits = 0;
    for u in rest {
        let Some(d) = char::from_u32(u32::from(u.unit())).and_then(|c| c.to_digit(radix)) else {
            break;
        };
        value = value
            .saturating_mul(i64::from(radix))
            .saturating_add(i64::from(d));
        digits += 1;
    }
    (digits > 0).then_some(if negative { -value } else { value })
}

/// `String.prototype.slice` index normalisation: `None` is `NaN` (→ 0), negatives count
/// from the end, everything is clamped to `len`.
fn js_index(index: Option<i64>, len: usize) -> usize {
    let len_i = i64::try_from(len).unwrap_or(i64::MAX);
    let i = match index {
        None => 0,
        Some(i) if i < 0 => (len_i + i).max(0),
        Some(i) => i.min(len_i),
    };
    usize::try_from(i).unwrap_or(len)
}

/// Reads one object from `s[start..end]` as `cutString` does:
/// `tag = s.slice(0, 2)`, `n = parseInt(s.slice(2, 4))`, `value = s.slice(4, 4 + n)`,
/// `rest = s.slice(4 + n)`.
pub(crate) fn cut<U: Unit>(s: &[U], start: usize, end: usize) -> Token {
    let cur = &s[start..end];
    let len = cur.len();
    // Fast path: a two-digit length, as in every well-formed string.
    if let Some(n) = cur.get(2..4).and_then(two_digits) {
        let to = (start + 4 + usize::from(n)).min(end);
        let malformed = if to - (start + 4) != usize::from(n) {
            Some(Malformation::ValueCutShort)
        } else if splits_pair(s, to) {
            Some(Malformation::SplitsCharacter)
        } else {
            None
        };
        return Token {
            at: start,
            tag: start..start + 2,
            value: start + 4..to,
            rest: to,
            malformed,
        };
    }
    let len_field = &cur[len.min(2)..len.min(4)];
    let n = js_parse_int(len_field);
    let value_end = n.map(|n| n.saturating_add(4));
    let from = js_index(Some(4), len);
    let to = js_index(value_end, len).max(from);
    let rest = js_index(value_end, len);
    let well_formed_len = two_digits(len_field).map(usize::from);
    let malformed = match well_formed_len {
        None => Some(Malformation::NonNumericLength),
        Some(n) if to - from != n => Some(Malformation::ValueCutShort),
        Some(_) if splits_pair(s, start + to) => Some(Malformation::SplitsCharacter),
        Some(_) => None,
    };
    Token {
        at: start,
        tag: start..start + len.min(2),
        value: start + from..start + to,
        rest: start + rest,
        malformed,
    }
}

/// Whether offset `at` falls between the two halves of a surrogate pair.
fn splits_pair<U: Unit>(s: &[U], at: usize) -> bool {
    at > 0
        && at < s.len()
        && (0xDC00..=0xDFFF).contains(&s[at].unit())
        && (0xD800..=0xDBFF).contains(&s[at - 1].unit())
}

/// Whether a tag is `"30"`, which the SDK relabels `"29"` (merchant account).
fn is_30<U: Unit>(tag: &[U]) -> bool {
    two_digits(tag) == Some(30)
}

/// The official top-level loop: reads objects until the string ends or a tag equals the
/// previous one (after relabelling 30 → 29). Calls `f` with each object read.
pub(crate) fn top_level<U: Unit>(s: &[U], mut f: impl FnMut(&Token)) -> Result<(), Hang> {
    let mut pos = 0;
    // The previous tag after relabelling: (units, count).
    let mut last: Option<([u16; 2], usize)> = None;
    while pos < s.len() {
        let token = cut(s, pos, s.len());
        let raw = &s[token.tag.clone()];
        let mut key = [0u16; 2];
        for (k, u) in key.iter_mut().zip(raw) {
            *k = u.unit();
        }
        let key = (key, raw.len());
        if last == Some(key) {
            break;
        }
        f(&token);
        if token.rest == pos {
            // No progress: the next round reads the same tag again. It stops on the
            // duplicate-tag check unless the tag is 30, which was relabelled 29.
            return if is_30(raw) { Err(Hang(pos)) } else { Ok(()) };
        }
        let relabelled = if is_30(raw) {
            ([u16::from(b'2'), u16::from(b'9')], 2)
        } else {
            key
        };
        last = Some(relabelled);
        pos = token.rest;
    }
    Ok(())
}

/// The official template loop over `s[range]` (no duplicate check): calls `f` with each
/// sub-object; a round without progress would repeat forever.
pub(crate) fn template<U: Unit>(
    s: &[U],
    range: Range<usize>,
    mut f: impl FnMut(&Token),
) -> Result<(), Hang> {
    let mut pos = range.start;
    while pos < range.end {
        let token = cut(s, pos, range.end);
        f(&token);
        if token.rest == pos {
            return Err(Hang(pos));
        }
        pos = token.rest;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(s: &str) -> Option<i64> {
        js_parse_int(s.as_bytes())
    }

    #[test]
    fn parse_int_is_as_lenient_as_javascript() {
        assert_eq!(int("12"), Some(12));
        assert_eq!(int("1A"), Some(1));
        assert_eq!(int("0P"), Some(0));
        assert_eq!(int(" 5"), Some(5));
        assert_eq!(int("-5"), Some(-5));
        assert_eq!(int("+5"), Some(5));
        assert_eq!(int("A4"), None);
        assert_eq!(int("0x"), None);
        assert_eq!(int(""), None);
    }

    #[test]
    fn a_non_numeric_length_yields_an_empty_value_and_no_progress() {
        let s = b"52A4599953";
        let t = cut(s, 0, s.len());
        assert_eq!(t.value, 4..4);
        assert_eq!(t.rest, 0);
        assert_eq!(t.malformed, Some(Malformation::NonNumericLength));
    }

    #[test]
    fn a_short_last_value_is_kept_and_flagged() {
        let s = b"6304ABC";
        let t = cut(s, 0, s.len());
        assert_eq!(&s[t.value.clone()], b"ABC");
        assert_eq!(t.malformed, Some(Malformation::ValueCutShort));
    }

    #[test]
    fn a_tag_30_with_a_non_numeric_length_is_reported_as_a_hang() {
        assert_eq!(top_level(b"30XX", |_| {}), Err(Hang(0)));
        assert_eq!(top_level(b"59XX", |_| {}), Ok(()));
    }

    #[test]
    fn reading_stops_at_a_repeated_tag() {
        let mut tags = Vec::new();
        let s = b"5901A5901B6001C";
        top_level(s, |t| tags.push(s[t.tag.clone()].to_vec())).unwrap();
        assert_eq!(tags, vec![b"59".to_vec()]);
    }
}
