//! Bakong token entry. The token goes from the form straight into the private token file
//! (0600) and is never read back out: callers only learn whether one is set, when it expires
//! and how many days are left, and whether it is time to warn the owner.

use pos_bakong::Token;
use serde::{Deserialize, Serialize};

use super::files::{read_table, write_table};
use super::settings::config_path;
use crate::clock::{Clock, SystemClock};
use crate::token_file::{self, TokenStore};
use crate::{Config, CoreError, Environment, Pos};

/// Days before expiry from which the owner is warned to renew.
const WARN_DAYS: i64 = 7;

/// What the owner may know about the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TokenStatus {
    /// Whether a token is saved.
    pub set: bool,
    /// Its expiry day (`YYYY-MM-DD`, shop time), when it is a readable JWT.
    pub expires_on: Option<String>,
    /// Whole days left; negative once expired.
    pub days_left: Option<i64>,
    /// Expired or expiring within seven days: show the renewal banner.
    pub warn: bool,
    /// Where it is kept: the OS keyring, or the private file when no keyring answered.
    pub store: Option<TokenStore>,
}

impl TokenStatus {
    /// The status of the configured token file.
    pub fn of(config: &Config) -> Result<TokenStatus, CoreError> {
        let token = token_file::read(&config.bakong.token_file)?;
        let store = token_file::store_of(&config.bakong.token_file)?;
        Ok(TokenStatus::describe(config, token.as_ref(), store))
    }

    fn describe(config: &Config, token: Option<&Token>, store: Option<TokenStore>) -> TokenStatus {
        let now = SystemClock.now_ms() / 1_000;
        let days_left = token.and_then(|t| t.days_left(now));
        let expires_on = token.and_then(Token::expires_at).and_then(|exp| {
            chrono::DateTime::from_timestamp(exp, 0).map(|d| {
                d.with_timezone(&config.time_zone)
                    .format("%Y-%m-%d")
                    .to_string()
            })
        });
        TokenStatus {
            set: token.is_some(),
            expires_on,
            days_left,
            warn: token.is_some() && days_left.is_none_or(|d| d < WARN_DAYS),
            store: token.and(store),
        }
    }
}

/// Saves a token the owner pasted, replacing any previous one, and describes it.
pub fn save_token(config: &Config, text: &str) -> Result<TokenStatus, CoreError> {
    let token = Token::new(text);
    let body = token.expose();
    if body.is_empty() || body.chars().any(char::is_whitespace) {
        return Err(CoreError::TokenFile {
            path: config.bakong.token_file.clone(),
            reason: "paste the whole token from the bakong developer portal (one line)".into(),
        });
    }
    keep_demo(config)?;
    let store = token_file::write(&config.bakong.token_file, &token)?;
    Ok(TokenStatus::describe(config, Some(&token), Some(store)))
}

impl Pos {
    /// "Renew token now": the API's renew call with the registered email. The client hands
    /// the new token to its renewal listener, which saves it where tokens are kept, before
    /// it is used; the answer describes the saved token, never shows it.
    pub async fn renew_token(&self) -> Result<TokenStatus, CoreError> {
        let config = self.config();
        if config.is_demo() {
            return Err(CoreError::ConfigInvalid {
                field: "bakong.environment".into(),
                reason: "demo mode has no Bakong token to renew".into(),
            });
        }
        if config.bakong.email.is_none() {
            return Err(CoreError::ConfigInvalid {
                field: "bakong.email".into(),
                reason: "renewal needs the email registered with the Bakong developer portal"
                    .into(),
            });
        }
        self.bakong().renew_token().await?;
        TokenStatus::of(config)
    }
}

/// Without an explicit choice, a token on disk makes the next start use production (see
/// `Config::load`), which would fail on a demo merchant profile. A token saved in demo mode
/// therefore writes `environment = "demo"` into the file: switching is a settings decision.
fn keep_demo(config: &Config) -> Result<(), CoreError> {
    if config.bakong.environment != Environment::Demo {
        return Ok(());
    }
    let path = config_path(config);
    let mut table = read_table(&path)?;
    let bakong = table
        .entry("bakong")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    if let toml::Value::Table(bakong) = bakong {
        if bakong.contains_key("environment") {
            return Ok(());
        }
        bakong.insert("environment".into(), toml::Value::String("demo".into()));
    }
    write_table(&path, &table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn jwt(exp: i64) -> String {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.sig",
            b64.encode(r#"{"alg":"HS256"}"#),
            b64.encode(format!(r#"{{"exp":{exp}}}"#))
        )
    }

    #[test]
    fn a_saved_token_is_described_by_expiry_only_and_never_echoed() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::demo(dir.path()).unwrap();
        assert_eq!(
            TokenStatus::of(&config).unwrap(),
            TokenStatus {
                set: false,
                expires_on: None,
                days_left: None,
                warn: false,
                store: None,
            }
        );
        let token = jwt(SystemClock.now_ms() / 1_000 + 30 * 86_400 + 60);
        let status = save_token(&config, &format!("  {token}\n")).unwrap();
        assert!(status.set);
        assert_eq!(status.days_left, Some(30));
        assert!(!status.warn);
        let json = serde_json::to_string(&status).unwrap();
        assert!(!json.contains(&token), "{json}");
        assert_eq!(TokenStatus::of(&config).unwrap(), status);
        // The next start stays in demo mode: a token alone does not switch to production.
        let next = Config::load_with_env(
            crate::LoadOptions {
                data_dir: Some(dir.path().to_owned()),
                ..crate::LoadOptions::default()
            },
            |_| None,
        )
        .unwrap();
        assert!(next.is_demo());
    }

    #[test]
    fn a_token_expiring_within_a_week_raises_the_warning() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::demo(dir.path()).unwrap();
        let status = save_token(
            &config,
            &jwt(SystemClock.now_ms() / 1_000 + 3 * 86_400 + 60),
        )
        .unwrap();
        assert_eq!(status.days_left, Some(3));
        assert!(status.warn);
    }

    #[test]
    fn a_blank_or_multi_word_token_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::demo(dir.path()).unwrap();
        for bad in ["", "   ", "two words"] {
            assert!(matches!(
                save_token(&config, bad),
                Err(CoreError::TokenFile { .. })
            ));
        }
        assert!(!TokenStatus::of(&config).unwrap().set);
    }
}
