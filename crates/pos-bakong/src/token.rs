//! [`Token`]: the Bakong bearer JWT, kept out of `Debug` output and logs, with its expiry read
//! from the payload (no signature check: only Bakong can verify it, we only need `exp`).

use std::fmt;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;

use crate::number::integer_part;

/// Seconds in a day, for [`Token::days_left`].
const DAY_SECS: i64 = 86_400;

/// JWT segments are unpadded base64url, but tolerate padding in case a relay adds it.
const JWT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A Bakong bearer token. `Debug` shows only its expiry; the text is reachable only through
/// [`Token::expose`], so it cannot end up in a log line by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps token text as issued by Bakong (surrounding whitespace is dropped).
    pub fn new(text: impl Into<String>) -> Self {
        let text: String = text.into();
        Token(text.trim().to_owned())
    }

    /// The token text, for the `Authorization` header or for storing it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The `exp` claim (Unix seconds), or `None` when the token is not a readable JWT.
    pub fn expires_at(&self) -> Option<i64> {
        let payload = self.0.split('.').nth(1)?;
        let bytes = JWT_BASE64.decode(payload).ok()?;
        let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        match claims.get("exp")? {
            serde_json::Value::Number(n) => integer_part(&n.to_string()),
            serde_json::Value::String(s) => integer_part(s),
            _ => None,
        }
    }

    /// Whole days until expiry at `now` (Unix seconds), rounded down; negative once expired.
    /// `None` when the expiry cannot be read.
    pub fn days_left(&self, now: i64) -> Option<i64> {
        let exp = self.expires_at()?;
        Some((exp - now).div_euclid(DAY_SECS))
    }

    /// Whether the token expires within `days` days of `now` (or has no readable expiry, in
    /// which case renewing is the safe choice).
    pub fn expires_within(&self, now: i64, days: i64) -> bool {
        self.expires_at()
            .is_none_or(|exp| exp - now <= days.saturating_mul(DAY_SECS))
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("text", &"<redacted>")
            .field("exp", &self.expires_at())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> Token {
        let enc = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        Token::new(format!(
            "{}.{}.c2ln",
            enc.encode(r#"{"alg":"HS256","typ":"JWT"}"#),
            enc.encode(payload)
        ))
    }

    #[test]
    fn expiry_and_days_left_come_from_the_payload() {
        let token = jwt(r#"{"data":{"id":"0123456789abcdef"},"iat":1000,"exp":7777000}"#);
        assert_eq!(token.expires_at(), Some(7_777_000));
        assert_eq!(token.days_left(1000), Some(90));
        assert_eq!(token.days_left(1001), Some(89));
        assert_eq!(token.days_left(7_777_000 + 1), Some(-1));
        assert!(!token.expires_within(1000, 7));
        assert!(token.expires_within(7_777_000 - 6 * DAY_SECS, 7));
    }

    #[test]
    fn a_float_exp_is_read_as_whole_seconds() {
        assert_eq!(
            jwt(r#"{"exp":1700000000.0}"#).expires_at(),
            Some(1_700_000_000)
        );
    }

    #[test]
    fn unreadable_tokens_have_no_expiry_and_count_as_expiring() {
        let token = Token::new("not-a-jwt");
        assert_eq!(token.expires_at(), None);
        assert!(token.expires_within(0, 7));
    }

    #[test]
    fn debug_output_never_contains_the_token_text() {
        let token = jwt(r#"{"exp":5}"#);
        let shown = format!("{token:?}");
        assert!(!shown.contains(token.expose()));
        assert!(!shown.contains("c2ln"));
        assert!(shown.contains("redacted"));
    }
}
