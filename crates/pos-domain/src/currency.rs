//! The two currencies KHQR supports, with their ISO 4217 codes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A currency a KHQR can carry. Bakong supports exactly these two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    /// Cambodian riel; no minor unit in practice (1 minor unit = 1 riel).
    Khr,
    /// US dollar; 1 minor unit = 1 cent.
    Usd,
}

/// A currency code that is neither KHR nor USD.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported currency {0:?}: expected KHR or USD")]
pub struct UnknownCurrency(pub String);

impl Currency {
    /// Every supported currency, in display order.
    pub const ALL: [Currency; 2] = [Currency::Khr, Currency::Usd];

    /// ISO 4217 alphabetic code, as Bakong's API writes it (`"KHR"`, `"USD"`).
    pub const fn alpha(self) -> &'static str {
        match self {
            Currency::Khr => "KHR",
            Currency::Usd => "USD",
        }
    }

    /// ISO 4217 numeric code, as KHQR tag 53 writes it (`116`, `840`).
    pub const fn numeric(self) -> u16 {
        match self {
            Currency::Khr => 116,
            Currency::Usd => 840,
        }
    }

    /// Number of decimal places a cashier may type and the QR may carry.
    pub const fn decimals(self) -> u32 {
        match self {
            Currency::Khr => 0,
            Currency::Usd => 2,
        }
    }

    /// Minor units in one major unit (1 for riel, 100 for dollars).
    pub const fn minor_per_major(self) -> i64 {
        match self {
            Currency::Khr => 1,
            Currency::Usd => 100,
        }
    }

    /// The currency symbol shown on the KHQR card's badge.
    pub const fn symbol(self) -> &'static str {
        match self {
            Currency::Khr => "៛",
            Currency::Usd => "$",
        }
    }

    /// Looks a currency up by its ISO numeric code.
    pub fn from_numeric(code: u16) -> Option<Currency> {
        Currency::ALL.into_iter().find(|c| c.numeric() == code)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.alpha())
    }
}

impl FromStr for Currency {
    type Err = UnknownCurrency;

    /// Accepts the alphabetic code in any case, or the numeric code.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        Currency::ALL
            .into_iter()
            .find(|c| c.alpha().eq_ignore_ascii_case(trimmed) || c.numeric().to_string() == trimmed)
            .ok_or_else(|| UnknownCurrency(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_text_and_numbers() {
        for c in Currency::ALL {
            assert_eq!(c.alpha().parse::<Currency>(), Ok(c));
            assert_eq!(c.alpha().to_lowercase().parse::<Currency>(), Ok(c));
            assert_eq!(c.numeric().to_string().parse::<Currency>(), Ok(c));
            assert_eq!(Currency::from_numeric(c.numeric()), Some(c));
        }
    }

    #[test]
    fn unsupported_codes_are_refused_with_the_code_in_the_message() {
        let err = "EUR".parse::<Currency>().unwrap_err();
        assert!(err.to_string().contains("EUR"));
        assert_eq!(Currency::from_numeric(978), None);
    }

    #[test]
    fn serializes_as_the_alpha_code() {
        assert_eq!(serde_json::to_string(&Currency::Khr).unwrap(), "\"KHR\"");
        assert_eq!(
            serde_json::from_str::<Currency>("\"USD\"").unwrap(),
            Currency::Usd
        );
    }
}
