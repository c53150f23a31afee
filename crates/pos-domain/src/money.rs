//! [`Money`]: an exact amount in integer minor units (riel, cents) with its currency, and
//! parsing of what a cashier types or an API sends as decimal text.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Currency;

/// An exact amount: integer minor units (riel for KHR, cents for USD) and a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// Amount in minor units: riel for KHR, cents for USD.
    pub minor: i64,
    /// The currency of `minor`.
    pub currency: Currency,
}

/// How many characters of a refused amount an error message quotes.
const QUOTED_CHARS: usize = 40;

/// Why a piece of text is not an acceptable amount. Messages are shown to cashiers as is;
/// the typed text they quote is cut and escaped, so it is safe to print anywhere.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Nothing was typed.
    #[error("enter an amount")]
    Empty,
    /// What a cashier typed is outside the amount grammar (see [`Money::parse_cashier`]).
    #[error("`{text}`: {problem}")]
    Malformed {
        /// The text typed (trimmed, cut and escaped).
        text: String,
        /// The first rule it breaks.
        problem: AmountSyntax,
    },
    /// API decimal text that is not a plain decimal number.
    #[error("{text:?} is not a number")]
    NotANumber {
        /// The offending text.
        text: String,
    },
    /// A minus sign.
    #[error("the amount cannot be negative")]
    Negative,
    /// Zero would make a static QR, which cannot be tracked.
    #[error("the amount must be more than zero")]
    Zero,
    /// More decimals than the currency has (riel has none, dollars two).
    #[error("{currency} takes at most {max} decimal places")]
    TooManyDecimals {
        /// The currency typed.
        currency: Currency,
        /// Decimal places it allows.
        max: u32,
    },
    /// Above the shop's configured maximum.
    #[error("`{text}`: over the shop's maximum of {max} {}", max.currency)]
    OverShopMaximum {
        /// The text typed (trimmed, cut and escaped).
        text: String,
        /// The shop's maximum.
        max: Money,
    },
    /// Above what a KHQR's amount field can carry (when no shop maximum applies).
    #[error("`{text}`: over {max} {}, the largest amount a KHQR can carry", max.currency)]
    OverKhqrMaximum {
        /// The text typed (trimmed, cut and escaped).
        text: String,
        /// [`Money::khqr_max`] of the currency.
        max: Money,
    },
    /// API decimal text too large to be held as an amount at all.
    #[error("{text:?} is too large for an amount")]
    TooLarge {
        /// The offending text (cut and escaped).
        text: String,
    },
}

/// The rule of the cashier amount grammar that a text breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmountSyntax {
    /// A character other than a digit, `,` or `.` (a letter, a sign, `_`, an exponent…).
    Character(char),
    /// A space between digits.
    Space,
    /// A second decimal point.
    SecondPoint,
    /// A thousands separator after the decimal point.
    SeparatorAfterPoint,
    /// The first thousands separator does not follow one to three digits (`,500`, `1234,567`).
    LeadingGroup,
    /// A thousands separator not followed by exactly three digits (`1,5,0,0`, `1,50`).
    Group,
    /// No digit at all (`.`).
    NoDigits,
}

impl fmt::Display for AmountSyntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // "not a number" first: it is what a cashier needs to read.
            AmountSyntax::Character(c) => write!(
                f,
                "not a number; amounts are digits only, and {} is not allowed",
                crate::text::quoted(*c)
            ),
            AmountSyntax::Space => f.write_str(
                "spaces are not allowed inside an amount; use ',' between thousands (1,500)",
            ),
            AmountSyntax::SecondPoint => f.write_str("an amount has at most one decimal point"),
            AmountSyntax::SeparatorAfterPoint => {
                f.write_str("thousands separators go before the decimal point, not after it")
            }
            AmountSyntax::LeadingGroup => {
                f.write_str("a thousands separator must come after one to three digits")
            }
            AmountSyntax::Group => {
                f.write_str("a thousands separator must be followed by exactly three digits")
            }
            AmountSyntax::NoDigits => f.write_str("an amount needs at least one digit"),
        }
    }
}

impl Money {
    /// An amount of `minor` minor units of `currency`.
    pub const fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    /// The largest amount a KHQR can always carry: tag 54 holds 13 characters, so
    /// 9,999,999,999,999 riel or 9,999,999,999.99 dollars.
    pub const fn khqr_max(currency: Currency) -> Money {
        match currency {
            Currency::Khr => Money::new(9_999_999_999_999, currency),
            Currency::Usd => Money::new(999_999_999_999, currency),
        }
    }

    /// Parses what a cashier (or an owner, for a limit) types. The one grammar:
    ///
    /// - surrounding whitespace is trimmed (a pasted amount often ends in a newline);
    /// - then only ASCII digits, at most one `.`, and `,` as thousands separators in their
    ///   proper places: one to three digits before the first, exactly three after each, none
    ///   after the point (`5000`, `1,500`, `1,500,000.25`, `12.5`, `.5`, `3.`);
    /// - no inner spaces, no `_`, no sign, no exponent, no other digits than 0–9;
    /// - at most the currency's decimals (none for KHR, two for USD), never rounded;
    /// - more than zero, and at most `max` when it is given in `currency`, else at most
    ///   [`Money::khqr_max`] (a `max` above that, or in another currency, is not used).
    ///
    /// Any other text is refused with the first rule it breaks; nothing panics or overflows,
    /// however long the text.
    pub fn parse_cashier(
        text: &str,
        currency: Currency,
        max: Option<Money>,
    ) -> Result<Money, AmountError> {
        let typed = text.trim();
        if typed.is_empty() {
            return Err(AmountError::Empty);
        }
        if typed.starts_with('-') {
            return Err(AmountError::Negative);
        }
        let quoted = || crate::text::excerpt(typed, QUOTED_CHARS);
        let malformed = |problem| AmountError::Malformed {
            text: quoted(),
            problem,
        };
        if let Some(c) = typed
            .chars()
            .find(|c| !(c.is_ascii_digit() || matches!(c, ',' | '.')))
        {
            return Err(malformed(match c {
                ' ' => AmountSyntax::Space,
                c => AmountSyntax::Character(c),
            }));
        }
        let (int_part, frac_part) = typed.split_once('.').unwrap_or((typed, ""));
        if frac_part.contains('.') {
            return Err(malformed(AmountSyntax::SecondPoint));
        }
        if frac_part.contains(',') {
            return Err(malformed(AmountSyntax::SeparatorAfterPoint));
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(malformed(AmountSyntax::NoDigits));
        }
        if int_part.contains(',') {
            let mut groups = int_part.split(',');
            let lead = groups.next().unwrap_or_default();
            if lead.is_empty() || lead.len() > 3 {
                return Err(malformed(AmountSyntax::LeadingGroup));
            }
            if groups.any(|group| group.len() != 3) {
                return Err(malformed(AmountSyntax::Group));
            }
        }
        let decimals = currency.decimals();
        let missing_decimals = match u32::try_from(frac_part.len()) {
            Ok(len) if len <= decimals => decimals - len,
            _ => {
                return Err(AmountError::TooManyDecimals {
                    currency,
                    max: decimals,
                })
            }
        };
        let khqr_max = Money::khqr_max(currency);
        let shop_max = max.filter(|m| m.currency == currency && m.minor <= khqr_max.minor);
        let limit = shop_max.unwrap_or(khqr_max).minor;
        let over = || match shop_max {
            Some(max) => AmountError::OverShopMaximum {
                text: quoted(),
                max,
            },
            None => AmountError::OverKhqrMaximum {
                text: quoted(),
                max: khqr_max,
            },
        };
        // Whole units, then the typed decimals, then the missing ones: the minor units. Any
        // overflow is far above every limit, so it is reported as the limit.
        let mut minor: i64 = 0;
        let digits = int_part
            .chars()
            .chain(frac_part.chars())
            .filter_map(|c| c.to_digit(10))
            .chain(std::iter::repeat_n(0, missing_decimals as usize));
        for digit in digits {
            minor = minor
                .checked_mul(10)
                .and_then(|m| m.checked_add(i64::from(digit)))
                .ok_or_else(over)?;
        }
        if minor == 0 {
            return Err(AmountError::Zero);
        }
        if minor > limit {
            return Err(over());
        }
        Ok(Money::new(minor, currency))
    }

    /// Parses exact decimal text in major units, as JSON numbers arrive from an API
    /// (`"1.0"`, `"20"`, `"0.01"`, `"1.5e3"`). Trailing zero decimals are accepted; any
    /// non-zero digit beyond the currency's decimals is an error, never rounded away.
    pub fn parse_decimal(text: &str, currency: Currency) -> Result<Money, AmountError> {
        let not_a_number = || AmountError::NotANumber {
            text: text.to_owned(),
        };
        let text_trimmed = text.trim();
        let (unsigned, negative) = match text_trimmed.strip_prefix('-') {
            Some(rest) => (rest, true),
            None => (
                text_trimmed.strip_prefix('+').unwrap_or(text_trimmed),
                false,
            ),
        };
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(at) => {
                let exp: i32 = unsigned[at + 1..].parse().map_err(|_| not_a_number())?;
                (&unsigned[..at], exp)
            }
            None => (unsigned, 0),
        };
        let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int_part.is_empty() && frac_part.is_empty())
            || !all_digits(int_part)
            || !all_digits(frac_part)
        {
            return Err(not_a_number());
        }
        let digits: String = format!("{int_part}{frac_part}");
        let digits = digits.trim_start_matches('0');
        // value = digits × 10^(exponent − frac_len); we need it × 10^decimals as an integer.
        let frac_len = i32::try_from(frac_part.len()).map_err(|_| not_a_number())?;
        let decimals = i32::try_from(currency.decimals()).map_err(|_| not_a_number())?;
        let shift = exponent.saturating_sub(frac_len).saturating_add(decimals);
        let too_large = || AmountError::TooLarge {
            text: crate::text::excerpt(text, QUOTED_CHARS),
        };
        let minor: i64 = if digits.is_empty() {
            0
        } else if shift >= 0 {
            let base: i64 = digits.parse().map_err(|_| too_large())?;
            let factor = 10_i64.checked_pow(u32::try_from(shift).map_err(|_| too_large())?);
            factor
                .and_then(|f| base.checked_mul(f))
                .ok_or_else(too_large)?
        } else {
            let cut = usize::try_from(shift.unsigned_abs()).map_err(|_| not_a_number())?;
            if cut >= digits.len() {
                return Err(AmountError::TooManyDecimals {
                    currency,
                    max: currency.decimals(),
                });
            }
            let (kept, dropped) = digits.split_at(digits.len() - cut);
            if dropped.bytes().any(|b| b != b'0') {
                return Err(AmountError::TooManyDecimals {
                    currency,
                    max: currency.decimals(),
                });
            }
            kept.parse().map_err(|_| too_large())?
        };
        if negative && minor != 0 {
            return Err(AmountError::Negative);
        }
        Ok(Money::new(minor, currency))
    }

    /// Plain machine text in major units with exactly the currency's decimals and no
    /// separators: `"5000"`, `"12.50"`. Used in CSV exports and API requests.
    pub fn plain(&self) -> String {
        let per = self.currency.minor_per_major();
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let per_u = per.unsigned_abs();
        match self.currency.decimals() {
            0 => format!("{sign}{abs}"),
            d => format!(
                "{sign}{}.{:0width$}",
                abs / per_u,
                abs % per_u,
                width = d as usize
            ),
        }
    }

    /// The KHR equivalent at a shop rate of `riel_per_usd`, rounded half-up to whole riel.
    /// KHR amounts are returned unchanged.
    pub fn to_khr(&self, riel_per_usd: i64) -> Option<Money> {
        match self.currency {
            Currency::Khr => Some(*self),
            Currency::Usd => {
                let scaled = i128::from(self.minor) * i128::from(riel_per_usd);
                let rounded = (scaled + 50).div_euclid(100);
                i64::try_from(rounded)
                    .ok()
                    .map(|riel| Money::new(riel, Currency::Khr))
            }
        }
    }
}

impl fmt::Display for Money {
    /// Human text with thousands separators and the currency's decimals:
    /// `1,300,000` for KHR and `1,234.50` for USD (no currency code).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plain = self.plain();
        let (sign, unsigned) = plain.split_at(usize::from(plain.starts_with('-')));
        let (int_part, frac) = unsigned
            .split_once('.')
            .map_or((unsigned, None), |(i, d)| (i, Some(d)));
        let mut grouped = String::with_capacity(int_part.len() + int_part.len() / 3);
        for (i, ch) in int_part.chars().enumerate() {
            if i > 0 && (int_part.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        match frac {
            Some(frac) => write!(f, "{sign}{grouped}.{frac}"),
            None => write!(f, "{sign}{grouped}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn usd(minor: i64) -> Money {
        Money::new(minor, Currency::Usd)
    }
    fn khr(minor: i64) -> Money {
        Money::new(minor, Currency::Khr)
    }

    fn cashier(text: &str, currency: Currency) -> Result<Money, AmountError> {
        Money::parse_cashier(text, currency, None)
    }

    /// The message a cashier sees for `text` in `currency` under a shop maximum of `max`.
    fn refusal(text: &str, currency: Currency, max: Option<Money>) -> String {
        match Money::parse_cashier(text, currency, max) {
            Ok(money) => panic!("{text:?} was accepted as {money:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn cashier_text_with_separators_and_decimals_parses_exactly() {
        for (text, currency, expected) in [
            ("5000", Currency::Khr, khr(5000)),
            ("1,500", Currency::Khr, khr(1500)),
            ("1,500,000", Currency::Khr, khr(1_500_000)),
            ("1,500,000.25", Currency::Usd, usd(150_000_025)),
            ("12.5", Currency::Usd, usd(1250)),
            ("0.01", Currency::Usd, usd(1)),
            (".5", Currency::Usd, usd(50)),
            // The keypad can send a trailing point ("0." then digits, or Enter right away).
            ("3.", Currency::Usd, usd(300)),
            ("12.", Currency::Khr, khr(12)),
            ("007", Currency::Khr, khr(7)),
            (" 1,000,000\n", Currency::Khr, khr(1_000_000)),
            ("\t25\u{a0}", Currency::Usd, usd(2500)),
        ] {
            assert_eq!(cashier(text, currency), Ok(expected), "{text:?}");
        }
    }

    #[test]
    fn text_outside_the_grammar_names_what_is_wrong() {
        for (text, message) in [
            ("1e5", "`1e5`: not a number; amounts are digits only, and 'e' is not allowed"),
            ("4e7", "`4e7`: not a number; amounts are digits only, and 'e' is not allowed"),
            ("1.5e3", "`1.5e3`: not a number; amounts are digits only, and 'e' is not allowed"),
            ("+5000", "`+5000`: not a number; amounts are digits only, and '+' is not allowed"),
            ("1_000", "`1_000`: not a number; amounts are digits only, and '_' is not allowed"),
            ("abc", "`abc`: not a number; amounts are digits only, and 'a' is not allowed"),
            ("៥០០", "`៥០០`: not a number; amounts are digits only, and '៥' (U+17E5) is not allowed"),
            ("1\u{a0}000", "`1\\u{00a0}000`: not a number; amounts are digits only, and U+00A0 is not allowed"),
            ("\x1b[31m5", "`\\u{001b}[31m5`: not a number; amounts are digits only, and U+001B is not allowed"),
            ("1 500", "`1 500`: spaces are not allowed inside an amount; use ',' between thousands (1,500)"),
            ("1,5,0,0", "`1,5,0,0`: a thousands separator must be followed by exactly three digits"),
            ("1,50", "`1,50`: a thousands separator must be followed by exactly three digits"),
            ("1,5000", "`1,5000`: a thousands separator must be followed by exactly three digits"),
            ("1,", "`1,`: a thousands separator must be followed by exactly three digits"),
            ("1,,500", "`1,,500`: a thousands separator must be followed by exactly three digits"),
            (",500", "`,500`: a thousands separator must come after one to three digits"),
            ("1234,567", "`1234,567`: a thousands separator must come after one to three digits"),
            ("1.500,25", "`1.500,25`: thousands separators go before the decimal point, not after it"),
            ("1.2.3", "`1.2.3`: an amount has at most one decimal point"),
            (".", "`.`: an amount needs at least one digit"),
            ("", "enter an amount"),
            ("  ", "enter an amount"),
            ("-5", "the amount cannot be negative"),
            ("0", "the amount must be more than zero"),
            ("0.00", "the amount must be more than zero"),
            ("1.005", "USD takes at most 2 decimal places"),
        ] {
            assert_eq!(refusal(text, Currency::Usd, None), message, "{text:?}");
        }
        assert_eq!(
            refusal("1.5", Currency::Khr, None),
            "KHR takes at most 0 decimal places"
        );
        assert_eq!(
            refusal("1,500.00", Currency::Khr, None),
            "KHR takes at most 0 decimal places"
        );
    }

    #[test]
    fn over_limit_messages_name_the_shop_maximum_never_the_integer_limit() {
        let shop = Some(khr(40_000_000));
        assert_eq!(
            refusal("40,000,001", Currency::Khr, shop),
            "`40,000,001`: over the shop's maximum of 40,000,000 KHR"
        );
        assert_eq!(cashier("40,000,000", Currency::Khr), Ok(khr(40_000_000)));
        // Digit strings far beyond i64 report the same maximum, not an overflow.
        assert_eq!(
            refusal("99999999999999999999", Currency::Khr, shop),
            "`99999999999999999999`: over the shop's maximum of 40,000,000 KHR"
        );
        assert_eq!(
            refusal(&"9".repeat(100_000), Currency::Usd, Some(usd(1_000_000))),
            format!(
                "`{}…`: over the shop's maximum of 10,000.00 USD",
                "9".repeat(40)
            )
        );
        // Without a shop maximum, the limit is what a KHQR can carry.
        assert_eq!(
            refusal("99999999999999999999", Currency::Khr, None),
            "`99999999999999999999`: over 9,999,999,999,999 KHR, the largest amount a KHQR can carry"
        );
        assert_eq!(
            cashier("9,999,999,999.99", Currency::Usd),
            Ok(Money::khqr_max(Currency::Usd))
        );
        assert!(cashier("10,000,000,000", Currency::Usd).is_err());
        // A maximum in the other currency does not apply; the KHQR limit still does.
        assert_eq!(
            Money::parse_cashier("50,000,000", Currency::Khr, Some(usd(1_000_000))),
            Ok(khr(50_000_000))
        );
        for text in [
            "9223372036854775807",
            "9223372036854775808",
            "92233720368547758.08",
        ] {
            let message = refusal(text, Currency::Usd, None);
            assert!(!message.contains("9,223,372"), "{message}");
        }
    }

    #[test]
    fn api_decimal_text_keeps_trailing_zeros_and_refuses_extra_precision() {
        assert_eq!(Money::parse_decimal("1.0", Currency::Usd), Ok(usd(100)));
        assert_eq!(Money::parse_decimal("20", Currency::Usd), Ok(usd(2000)));
        assert_eq!(Money::parse_decimal("1.5e3", Currency::Khr), Ok(khr(1500)));
        assert_eq!(
            Money::parse_decimal("5000.000", Currency::Khr),
            Ok(khr(5000))
        );
        assert!(Money::parse_decimal("0.001", Currency::Usd).is_err());
        assert_eq!(
            Money::parse_decimal("1e400", Currency::Usd),
            Err(AmountError::TooLarge {
                text: "1e400".into()
            })
        );
    }

    #[test]
    fn display_groups_thousands_and_keeps_currency_decimals() {
        assert_eq!(khr(1_300_000).to_string(), "1,300,000");
        assert_eq!(khr(100).to_string(), "100");
        assert_eq!(usd(1000).to_string(), "10.00");
        assert_eq!(usd(123_450).to_string(), "1,234.50");
        assert_eq!(usd(5).to_string(), "0.05");
        assert_eq!(usd(-150).plain(), "-1.50");
    }

    #[test]
    fn usd_converts_to_whole_riel_at_the_shop_rate() {
        assert_eq!(usd(1250).to_khr(4100), Some(khr(51_250)));
        assert_eq!(usd(1).to_khr(4050), Some(khr(41))); // 40.5 rounds half up
        assert_eq!(khr(900).to_khr(4100), Some(khr(900)));
    }

    proptest! {
        #[test]
        fn plain_text_parses_back_to_the_same_amount(minor in 0i64..10_000_000_000_000, is_usd: bool) {
            let money = Money::new(minor, if is_usd { Currency::Usd } else { Currency::Khr });
            prop_assert_eq!(Money::parse_decimal(&money.plain(), money.currency), Ok(money));
            prop_assert_eq!(Money::parse_decimal(&money.to_string().replace(',', ""), money.currency), Ok(money));
        }

        #[test]
        fn cashier_parsing_accepts_exactly_the_grammar(
            text in near_amounts(),
            is_usd: bool,
            shop_max in prop::option::of(1i64..100_000_000_000),
        ) {
            let currency = if is_usd { Currency::Usd } else { Currency::Khr };
            let max = shop_max.map(|m| Money::new(m, currency));
            let parsed = Money::parse_cashier(&text, currency, max);
            prop_assert_eq!(parsed.clone().ok(), reference_parse(&text, currency, max), "{:?} gave {:?}", text, parsed);
        }

        #[test]
        fn formatted_amounts_parse_back_exactly(minor in 1i64..=999_999_999_999, is_usd: bool) {
            let currency = if is_usd { Currency::Usd } else { Currency::Khr };
            let money = Money::new(minor, currency);
            prop_assert_eq!(Money::parse_cashier(&money.to_string(), currency, None), Ok(money));
            prop_assert_eq!(Money::parse_cashier(&money.plain(), currency, None), Ok(money));
            prop_assert_eq!(Money::parse_cashier(&money.to_string(), currency, Some(money)), Ok(money));
        }
    }

    /// Text near the grammar: soups of digits, separators, points and stray characters, and
    /// formatted amounts with one character inserted, removed or replaced.
    fn near_amounts() -> impl Strategy<Value = String> {
        let stray = prop::sample::select(vec![
            ' ', '-', '+', 'e', 'E', '_', '\u{a0}', '\t', '៥', '\x1b', '\u{202E}',
        ]);
        let piece = prop_oneof![
            10 => prop::char::range('0', '9'),
            4 => Just(','),
            2 => Just('.'),
            1 => stray.clone(),
        ];
        let soup =
            prop::collection::vec(piece, 0..24).prop_map(|cs| cs.into_iter().collect::<String>());
        let edited = (
            0i64..1_000_000_000_000,
            any::<bool>(),
            any::<prop::sample::Index>(),
            0u8..4,
            prop_oneof![prop::char::range('0', '9'), Just(','), Just('.'), stray],
        )
            .prop_map(|(minor, is_usd, at, edit, c)| {
                let currency = if is_usd { Currency::Usd } else { Currency::Khr };
                let mut chars: Vec<char> =
                    Money::new(minor, currency).to_string().chars().collect();
                let i = at.index(chars.len() + 1);
                match edit {
                    0 => chars.insert(i, c),
                    1 if i < chars.len() => {
                        chars.remove(i);
                    }
                    2 if i < chars.len() => chars[i] = c,
                    _ => {}
                }
                chars.into_iter().collect::<String>()
            });
        let padded = prop::sample::select(vec!["", " ", "\n", "\u{a0}"]);
        (padded.clone(), prop_oneof![soup, edited], padded)
            .prop_map(|(before, core, after)| format!("{before}{core}{after}"))
    }

    /// An independent reading of the grammar: the integer part is checked from its right end,
    /// where a separator must sit at every fourth position, and the value is summed in u128.
    fn reference_parse(text: &str, currency: Currency, max: Option<Money>) -> Option<Money> {
        let t = text.trim();
        if t.chars().any(|c| !"0123456789,.".contains(c)) || t.matches('.').count() > 1 {
            return None;
        }
        let (int, frac) = match t.find('.') {
            Some(at) => (&t[..at], &t[at + 1..]),
            None => (t, ""),
        };
        if frac.contains(',') || frac.len() > currency.decimals() as usize {
            return None;
        }
        if int.contains(',') {
            let reversed: Vec<char> = int.chars().rev().collect();
            let well_placed = reversed
                .iter()
                .enumerate()
                .all(|(i, &c)| (c == ',') == (i % 4 == 3));
            if !well_placed || reversed.len() % 4 == 0 {
                return None;
            }
        }
        let digits: String = int
            .chars()
            .filter(|c| *c != ',')
            .chain(frac.chars())
            .collect();
        if digits.is_empty() {
            return None;
        }
        let mut value: u128 = 0;
        for c in digits.chars() {
            value = value
                .checked_mul(10)?
                .checked_add(u128::from(c.to_digit(10)?))?;
        }
        for _ in frac.len()..currency.decimals() as usize {
            value = value.checked_mul(10)?;
        }
        let limit = match max {
            Some(m) if m.currency == currency => m.minor,
            _ => Money::khqr_max(currency).minor,
        };
        let minor = i64::try_from(value).ok()?;
        (minor > 0 && minor <= limit).then_some(Money::new(minor, currency))
    }
}
