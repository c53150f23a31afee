//! Exact reading of JSON number text, so timestamps and amounts never pass through `f64`.

/// The integer part of decimal number text, truncated toward zero: `"1605774370608.0"`,
/// `"1636709123467.2"`, `"1772125349000"`, `"1.6e12"` and `"\"42\""` all work. `None` for text
/// that is not a number or does not fit in an `i64`.
pub(crate) fn integer_part(text: &str) -> Option<i64> {
    let text = text.trim().trim_matches('"');
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], unsigned[at + 1..].parse::<i32>().ok()?),
        None => (unsigned, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits_only(int) || !digits_only(frac) {
        return None;
    }
    let digits = format!("{int}{frac}");
    // The decimal point sits after `point` digits once the exponent is applied.
    let point = i32::try_from(int.len()).ok()?.checked_add(exponent)?;
    let whole = if point <= 0 {
        String::from("0")
    } else {
        let point = usize::try_from(point).ok()?;
        if point > 40 {
            return None;
        }
        let mut whole: String = digits.chars().take(point).collect();
        while whole.len() < point {
            whole.push('0');
        }
        whole
    };
    let value: i64 = whole.parse().ok()?;
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::integer_part;

    #[test]
    fn float_and_integer_timestamps_read_the_same() {
        assert_eq!(integer_part("1605774370608.0"), Some(1_605_774_370_608));
        assert_eq!(integer_part("1636709123467.2"), Some(1_636_709_123_467));
        assert_eq!(integer_part("1772125349000"), Some(1_772_125_349_000));
        assert_eq!(integer_part("1.772125349E12"), Some(1_772_125_349_000));
        assert_eq!(integer_part("\"42\""), Some(42));
        assert_eq!(integer_part("0.5"), Some(0));
        assert_eq!(integer_part("-3.9"), Some(-3));
    }

    #[test]
    fn non_numbers_and_overflow_give_none() {
        assert_eq!(integer_part("abc"), None);
        assert_eq!(integer_part(""), None);
        assert_eq!(integer_part("."), None);
        assert_eq!(integer_part("1e400"), None);
        assert_eq!(integer_part("99999999999999999999"), None);
    }
}
