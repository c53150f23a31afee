//! The simulator's tokens: HS256 JWTs shaped like Bakong's (`{"data":{"id"},"iat","exp"}`),
//! checked against the virtual clock rather than the wall clock.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Validation};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
struct TokenData {
    id: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    data: TokenData,
    iat: i64,
    exp: i64,
}

/// What a valid token says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TokenInfo {
    pub(crate) id: String,
    pub(crate) exp: i64,
}

/// Bakong's header, byte for byte: `jsonwebtoken`'s own header puts `typ` first, which would
/// make our tokens start differently from real ones (`eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9`).
const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// Signs a token with id `id`, issued at `iat` and expiring at `exp` (Unix seconds).
pub(crate) fn issue(secret: &[u8], id: &str, iat: i64, exp: i64) -> Option<String> {
    let claims = Claims {
        data: TokenData { id: id.to_owned() },
        iat,
        exp,
    };
    let payload = serde_json::to_vec(&claims).ok()?;
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(HEADER),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let signature = jsonwebtoken::crypto::sign(
        message.as_bytes(),
        &EncodingKey::from_secret(secret),
        Algorithm::HS256,
    )
    .ok()?;
    Some(format!("{message}.{signature}"))
}

/// Checks the signature and shape; expiry is left to the caller's virtual clock.
pub(crate) fn read(secret: &[u8], token: &str) -> Option<TokenInfo> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    let decoded =
        jsonwebtoken::decode::<Claims>(token, &DecodingKey::from_secret(secret), &validation)
            .ok()?;
    Some(TokenInfo {
        id: decoded.claims.data.id,
        exp: decoded.claims.exp,
    })
}
