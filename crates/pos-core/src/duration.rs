//! Short duration text as people type it in a config file or on the command line: `5m`,
//! `90s`, `1m30s`, `500ms`, or a bare number of seconds.

use std::time::Duration;

use crate::CoreError;

/// Parses `5m`, `90s`, `1m30s`, `500ms`, `2h` or a bare number of seconds (`300`).
/// `what` names the setting in the error message.
pub fn parse_duration(text: &str, what: &str) -> Result<Duration, CoreError> {
    let invalid = || CoreError::ConfigInvalid {
        field: what.to_owned(),
        reason: format!("{text:?} is not a duration (examples: 5m, 90s, 1m30s, 500ms)"),
    };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(invalid());
    }
    if trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return trimmed
            .parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|_| invalid());
    }
    let mut total = Duration::ZERO;
    let mut rest = trimmed;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(invalid());
        }
        let (number, after) = rest.split_at(digits);
        let number: u64 = number.parse().map_err(|_| invalid())?;
        let unit_len = after.bytes().take_while(u8::is_ascii_alphabetic).count();
        let (unit, after) = after.split_at(unit_len);
        let millis_per_unit: u64 = match unit {
            "ms" => 1,
            "s" => 1_000,
            "m" | "min" => 60_000,
            "h" => 3_600_000,
            _ => return Err(invalid()),
        };
        let part = number.checked_mul(millis_per_unit).ok_or_else(invalid)?;
        total = total
            .checked_add(Duration::from_millis(part))
            .ok_or_else(invalid)?;
        rest = after;
    }
    Ok(total)
}

/// Formats a duration the way [`parse_duration`] reads it back (`5m`, `1m30s`, `500ms`).
pub fn format_duration(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis % 1_000 != 0 {
        return format!("{millis}ms");
    }
    let secs = millis / 1_000;
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s}s"),
        (m, 0) => format!("{m}m"),
        (m, s) => format!("{m}m{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_in_the_units_people_type() {
        let cases = [
            ("5m", Duration::from_secs(300)),
            ("90s", Duration::from_secs(90)),
            ("1m30s", Duration::from_secs(90)),
            ("500ms", Duration::from_millis(500)),
            ("300", Duration::from_secs(300)),
            (" 2h ", Duration::from_secs(7200)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_duration(text, "x").unwrap(), expected, "{text:?}");
        }
    }

    #[test]
    fn nonsense_durations_name_the_setting_and_the_text() {
        for bad in ["", "m", "5 minutes", "5x", "-5s", "1.5m"] {
            let err = parse_duration(bad, "qr_lifetime").unwrap_err().to_string();
            assert!(err.contains("qr_lifetime"), "{err}");
        }
    }

    #[test]
    fn formatted_durations_parse_back() {
        for ms in [500, 3_000, 60_000, 90_000, 300_000] {
            let d = Duration::from_millis(ms);
            assert_eq!(parse_duration(&format_duration(d), "x").unwrap(), d);
        }
    }
}
