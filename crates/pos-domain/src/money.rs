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

/// Why a piece of text is not an acceptable amount. Messages are shown to cashiers as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Nothing was typed.
    #[error("enter an amount")]
    Empty,
    /// The text is not a plain decimal number.
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
    /// Above the shop's configured maximum, or beyond what a KHQR can carry.
    #[error("the amount is over the maximum of {max}")]
    TooLarge {
        /// The maximum, formatted for display.
        max: String,
    },
}

impl Money {
    /// An amount of `minor` minor units of `currency`.
    pub const fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    /// Parses what a cashier types: digits, an optional decimal point, and `,` or spaces as
    /// thousands separators (`"1,500"`, `"12.5"`, `"0.01"`). The result must be positive and
    /// at most `max` when given.
    pub fn parse_cashier(
        text: &str,
        currency: Currency,
        max: Option<Money>,
    ) -> Result<Money, AmountError> {
        let cleaned: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}' | '_'))
            .collect();
        if cleaned.is_empty() {
            return Err(AmountError::Empty);
        }
        let money = Money::parse_decimal(&cleaned, currency)?;
        if money.minor == 0 {
            return Err(AmountError::Zero);
        }
        if let Some(max) = max {
            if money.currency == max.currency && money.minor > max.minor {
                return Err(AmountError::TooLarge {
                    max: max.to_string(),
                });
            }
        }
        Ok(money)
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
            max: Money::new(i64::MAX, currency).to_string(),
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

    #[test]
    fn cashier_text_with_separators_and_decimals_parses_exactly() {
        assert_eq!(
            Money::parse_cashier("1,500", Currency::Khr, None),
            Ok(khr(1500))
        );
        assert_eq!(
            Money::parse_cashier("12.5", Currency::Usd, None),
            Ok(usd(1250))
        );
        assert_eq!(
            Money::parse_cashier("0.01", Currency::Usd, None),
            Ok(usd(1))
        );
        assert_eq!(
            Money::parse_cashier(" 1 000 000 ", Currency::Khr, None),
            Ok(khr(1_000_000))
        );
        assert_eq!(Money::parse_cashier(".5", Currency::Usd, None), Ok(usd(50)));
        assert_eq!(
            Money::parse_cashier("3.", Currency::Usd, None),
            Ok(usd(300))
        );
    }

    #[test]
    fn bad_cashier_text_gets_a_specific_error() {
        assert_eq!(
            Money::parse_cashier("", Currency::Khr, None),
            Err(AmountError::Empty)
        );
        assert_eq!(
            Money::parse_cashier("-5", Currency::Khr, None),
            Err(AmountError::Negative)
        );
        assert_eq!(
            Money::parse_cashier("0.00", Currency::Usd, None),
            Err(AmountError::Zero)
        );
        assert_eq!(
            Money::parse_cashier("1.5", Currency::Khr, None),
            Err(AmountError::TooManyDecimals {
                currency: Currency::Khr,
                max: 0
            })
        );
        assert_eq!(
            Money::parse_cashier("1.005", Currency::Usd, None),
            Err(AmountError::TooManyDecimals {
                currency: Currency::Usd,
                max: 2
            })
        );
        assert!(matches!(
            Money::parse_cashier("12a", Currency::Usd, None),
            Err(AmountError::NotANumber { .. })
        ));
        assert!(matches!(
            Money::parse_cashier("1.2.3", Currency::Usd, None),
            Err(AmountError::NotANumber { .. })
        ));
        assert_eq!(
            Money::parse_cashier("10,000.01", Currency::Usd, Some(usd(1_000_000))),
            Err(AmountError::TooLarge {
                max: "10,000.00".into()
            })
        );
        assert!(matches!(
            Money::parse_cashier("99999999999999999999", Currency::Khr, None),
            Err(AmountError::TooLarge { .. })
        ));
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
        assert!(Money::parse_decimal("1e400", Currency::Usd).is_err());
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
        fn cashier_parsing_never_panics(text in ".{0,40}", is_usd: bool) {
            let currency = if is_usd { Currency::Usd } else { Currency::Khr };
            let _ = Money::parse_cashier(&text, currency, None);
        }
    }
}
