//! First-run setup: the few things a shop must set (language, name and city, terminal id,
//! currency and rate, the owner PIN, demo or Bakong), checked field by field, then written so
//! that the shop is either set up completely or not at all.
//!
//! `config.toml`'s existence means "set up". Everything is staged first in `.setup/` beside
//! it (each file written and synced, with what it replaces: a copy `NAME.old`, or an empty
//! `NAME.absent`), then moved into place, `config.toml` last. A setup killed before that last
//! rename leaves no `config.toml`; [`recover`], run whenever the configuration is loaded, then
//! puts back what the staged files replaced and removes `.setup/`, so the next start is a clean
//! first run again.
//!
//! A shop that connects to Bakong gets its own ledger file ([`SHOP_LEDGER`]): the demo sales
//! rung up before setup stay in `ledger.sqlite3` and never mix with real ones.

use std::path::{Path, PathBuf};

use pos_bakong::{AccountStatus, BakongClient, BakongError, ClientConfig, Token};
use pos_domain::Currency;
use serde::{Deserialize, Serialize};

use crate::owner::pin::{hash_pin, PIN_LENGTH};
use crate::owner::FieldError;
use crate::{token_file, Config, CoreError, Environment};

/// The ledger of a shop set up for Bakong, in the data directory.
pub const SHOP_LEDGER: &str = "shop-ledger.sqlite3";
/// The staging folder, beside `config.toml`.
const STAGING: &str = ".setup";
/// What setup writes besides `config.toml`, in commit order.
const OWNER_FILE: &str = "owner.toml";
const TOKEN_FILE: &str = "bakong-token";

/// The setup form, as the screen fills it. The rate is text so that "abc" is the core's
/// error to word, like every other value.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SetupForm {
    /// `en` or `km`.
    pub language: String,
    /// Shown in the customer's bank app, at most 25 characters.
    pub shop_name: String,
    /// At most 15 characters.
    pub city: String,
    /// 1–8 letters or digits.
    pub terminal_id: String,
    /// The currency the keypad starts in.
    #[cfg_attr(feature = "ts", ts(type = "Currency"))]
    pub default_currency: Currency,
    /// Riel per US dollar, as typed.
    pub riel_per_usd: String,
    /// The owner PIN, typed twice.
    pub pin: String,
    /// The owner PIN again.
    pub pin_again: String,
    /// Connect to Bakong (else: keep using demo mode).
    pub bakong: bool,
    /// The Bakong account id, `name@bank` (Bakong only).
    pub account_id: String,
    /// The token pasted from the Bakong developer portal (Bakong only); never sent back.
    pub token: String,
    /// The email registered with Bakong, for renewing the token (optional).
    pub email: String,
}

/// The form never shows its PIN or token in a log.
impl std::fmt::Debug for SetupForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetupForm")
            .field("shop_name", &self.shop_name)
            .field("terminal_id", &self.terminal_id)
            .field("bakong", &self.bakong)
            .finish_non_exhaustive()
    }
}

/// What the screen may know about a pasted token: when it expires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TokenPreview {
    /// Its expiry day, `YYYY-MM-DD` in the shop's time zone.
    pub expires_on: String,
    /// Whole days left.
    pub days_left: i64,
}

fn problem(field: &str, code: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        code: code.to_owned(),
        message: message.into(),
        field: field.to_owned(),
    }
}

/// Whether the data directory has been set up (its `config.toml` exists).
pub fn is_configured(data_dir: &Path) -> bool {
    data_dir.join("config.toml").exists()
}

/// Reads a pasted token's expiry: a JWT that has not expired, or a `token` field error.
pub fn token_preview(
    text: &str,
    time_zone: chrono_tz::Tz,
    now_secs: i64,
) -> Result<TokenPreview, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(problem("token", "required", "paste the token"));
    }
    let token = Token::new(text);
    let unreadable = || {
        problem(
            "token",
            "format",
            "not a Bakong token: paste the whole token from the developer portal (one line)",
        )
    };
    if text.chars().any(char::is_whitespace) {
        return Err(unreadable());
    }
    let expires = token.expires_at().ok_or_else(unreadable)?;
    let days_left = token.days_left(now_secs).ok_or_else(unreadable)?;
    if expires <= now_secs {
        return Err(problem(
            "token",
            "expired",
            "this token has expired: renew it",
        ));
    }
    let expires_on = chrono::DateTime::from_timestamp(expires, 0)
        .map(|d| d.with_timezone(&time_zone).format("%Y-%m-%d").to_string())
        .ok_or_else(unreadable)?;
    Ok(TokenPreview {
        expires_on,
        days_left,
    })
}

impl SetupForm {
    /// Every problem with the form, field by field (no I/O); empty when it can be written.
    pub fn validate(&self, time_zone: chrono_tz::Tz, now_secs: i64) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if !matches!(self.language.as_str(), "en" | "km") {
            errors.push(problem("language", "format", "en or km"));
        }
        for (field, value, max) in [("shopName", &self.shop_name, 25), ("city", &self.city, 15)] {
            let value = value.trim();
            if value.is_empty() {
                errors.push(problem(field, "required", "required"));
            } else if let Err(e) = pos_domain::text::check_chars(field, value) {
                errors.push(problem(field, "format", e.problem.to_string()));
            } else if value.encode_utf16().count() > max {
                errors.push(problem(
                    field,
                    "too_long",
                    format!("at most {max} characters"),
                ));
            }
        }
        let id = self.terminal_id.trim();
        if id.is_empty() || id.len() > 8 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            errors.push(problem(
                "terminalId",
                "format",
                "1–8 letters or digits, for example T1",
            ));
        }
        if self.rate().is_none() {
            errors.push(problem(
                "rielPerUsd",
                "range",
                "a whole number from 1,000 to 10,000 riel per dollar",
            ));
        }
        let (min, max) = PIN_LENGTH;
        if self.pin.len() < min
            || self.pin.len() > max
            || !self.pin.bytes().all(|b| b.is_ascii_digit())
        {
            errors.push(problem("pin", "format", format!("{min} to {max} digits")));
        } else if self.pin != self.pin_again {
            errors.push(problem("pinAgain", "mismatch", "the two PINs differ"));
        }
        if self.bakong {
            let account = self.account_id.trim();
            if account.len() > 32 || !crate::owner::is_account_id(account) {
                errors.push(problem(
                    "accountId",
                    "format",
                    "must look like name@bank (for example shop_name@aclb)",
                ));
            }
            if let Err(e) = token_preview(&self.token, time_zone, now_secs) {
                errors.push(e);
            }
        }
        let email = self.email.trim();
        if !email.is_empty()
            && (email.len() > 30
                || !email.contains('@')
                || pos_domain::text::check_chars("email", email).is_err())
        {
            errors.push(problem(
                "email",
                "format",
                "an email address of at most 30 characters",
            ));
        }
        errors
    }

    /// The rate, when it is a plausible whole number (thousands separators allowed).
    fn rate(&self) -> Option<i64> {
        let digits: String = self.riel_per_usd.trim().replace(',', "");
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().filter(|r| (1_000..=10_000).contains(r))
    }

    /// The configuration file's text; `bakong` is where a Bakong shop connects.
    fn config_text(&self, bakong: &Environment) -> String {
        let mut table = toml::Table::new();
        let text = |v: &str| toml::Value::String(v.trim().to_owned());
        table.insert("terminal_id".into(), text(&self.terminal_id));
        table.insert(
            "default_currency".into(),
            text(self.default_currency.alpha()),
        );
        table.insert(
            "riel_per_usd".into(),
            toml::Value::Integer(self.rate().unwrap_or(4_100)),
        );
        let mut merchant = toml::Table::new();
        merchant.insert("name".into(), text(&self.shop_name));
        merchant.insert("city".into(), text(&self.city));
        let mut section = toml::Table::new();
        if self.bakong {
            table.insert("ledger_file".into(), text(SHOP_LEDGER));
            merchant.insert("account_id".into(), text(&self.account_id));
            section.insert("environment".into(), text(bakong.name()));
            if let Environment::Custom(url) = bakong {
                section.insert("base_url".into(), text(url));
            }
        } else {
            section.insert("environment".into(), text("demo"));
        }
        if !self.email.trim().is_empty() {
            section.insert("email".into(), text(&self.email));
        }
        table.insert("merchant".into(), toml::Value::Table(merchant));
        table.insert("bakong".into(), toml::Value::Table(section));
        // A table of strings, integers and tables always serializes.
        toml::to_string(&table).unwrap_or_default()
    }
}

/// Where a shop set up for Bakong connects: the base URL `KHQR_POS_BAKONG_URL` names (a relay,
/// or the simulator in tests), else NBC's production API. `env` looks a variable up.
pub fn bakong_environment(env: impl Fn(&str) -> Option<String>) -> Environment {
    match env(crate::EnvOverride::BakongUrl.var()) {
        Some(url) if !url.trim().is_empty() => Environment::Custom(url.trim().to_owned()),
        _ => Environment::Production,
    }
}

/// Asks Bakong whether the account exists, with the pasted token; a field error when not.
async fn check_account(
    form: &SetupForm,
    environment: &Environment,
    current: &Config,
) -> Result<(), FieldError> {
    let url = environment.base_url().unwrap_or(pos_bakong::PRODUCTION_URL);
    let unreachable = |e: BakongError| {
        problem(
            "accountId",
            "unreachable",
            format!("cannot check the account with Bakong now: {e}"),
        )
    };
    let client = BakongClient::new(
        ClientConfig::new(url)
            .with_token(Token::new(form.token.trim()))
            .with_timeout(current.bakong.request_timeout),
    )
    .map_err(unreachable)?;
    match client.check_bakong_account(form.account_id.trim()).await {
        Ok(AccountStatus::Exists) => Ok(()),
        Ok(AccountStatus::NotFound) => Err(problem(
            "accountId",
            "not_found",
            "Bakong has no such account",
        )),
        Ok(AccountStatus::Invalid) => Err(problem(
            "accountId",
            "format",
            "Bakong says this account id is invalid",
        )),
        Err(BakongError::Unauthorized { .. }) => {
            Err(problem("token", "refused", "Bakong refused this token"))
        }
        Err(e) => Err(unreachable(e)),
    }
}

/// The stages of [`commit`], for a test that kills the process between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Every file is staged in `.setup/`; nothing is in place yet.
    Staged,
    /// The token and the owner file are in place; `config.toml` is not.
    Placed,
}

/// Checks the form (Bakong's account check included), then writes the setup and returns the
/// configuration it makes. Nothing is written unless every field is good.
/// `bakong` is where a Bakong shop connects (see [`bakong_environment`]).
pub async fn run(
    form: &SetupForm,
    current: &Config,
    bakong: &Environment,
    now_secs: i64,
) -> Result<Config, CoreError> {
    run_with(form, current, bakong, now_secs, |_| {}).await
}

/// [`run`], calling `at` at each [`Stage`] of the commit.
pub async fn run_with(
    form: &SetupForm,
    current: &Config,
    bakong: &Environment,
    now_secs: i64,
    at: impl FnMut(Stage),
) -> Result<Config, CoreError> {
    let invalid = |errors| CoreError::SettingsInvalid { errors };
    let dir = &current.data_dir;
    if is_configured(dir) {
        return Err(CoreError::ConfigInvalid {
            field: "setup".into(),
            reason: "this shop is set up already: change it in the owner area".into(),
        });
    }
    let errors = form.validate(current.time_zone, now_secs);
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    if form.bakong {
        check_account(form, bakong, current)
            .await
            .map_err(|e| invalid(vec![e]))?;
    }
    let text = form.config_text(bakong);
    // The core's own validation is the last word.
    Config::from_toml(&text, dir.clone())?;
    commit(form, &text, dir, at)?;
    Config::load(crate::LoadOptions {
        data_dir: Some(dir.clone()),
        ..crate::LoadOptions::default()
    })
}

fn io(path: &Path, e: std::io::Error) -> CoreError {
    CoreError::OwnerFile {
        path: path.to_owned(),
        reason: e.to_string(),
    }
}

/// Stages every file, then moves them into place with `config.toml` last.
fn commit(
    form: &SetupForm,
    config_text: &str,
    dir: &Path,
    mut at: impl FnMut(Stage),
) -> Result<(), CoreError> {
    let staging = dir.join(STAGING);
    // A leftover from an earlier attempt was rolled back when the configuration loaded.
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| io(&staging, e))?;
    }
    std::fs::create_dir_all(&staging).map_err(|e| io(&staging, e))?;
    let mut owner = crate::owner::read_owner_table(dir)?;
    owner.insert("pin_hash".into(), toml::Value::String(hash_pin(&form.pin)?));
    owner.insert(
        "language".into(),
        toml::Value::String(form.language.clone()),
    );
    let owner_text = toml::to_string(&owner).map_err(|e| CoreError::OwnerFile {
        path: dir.join(OWNER_FILE),
        reason: e.to_string(),
    })?;
    let mut placed = vec![OWNER_FILE];
    stage(dir, OWNER_FILE, owner_text.as_bytes())?;
    if form.bakong {
        // In the keyring, the entry is named by the final path; the staged file holds what
        // the final one will (the token, or the keyring marker).
        let staged = staging.join(format!("{TOKEN_FILE}.new"));
        backup_of(dir, TOKEN_FILE)?;
        token_file::write_as(
            &staged,
            &dir.join(TOKEN_FILE),
            &Token::new(form.token.trim()),
        )?;
        placed.push(TOKEN_FILE);
    }
    let config = staging.join("config.toml.new");
    crate::private_file::replace(&config, config_text.as_bytes()).map_err(|e| io(&config, e))?;
    sync_dir(&staging);
    at(Stage::Staged);
    for name in placed {
        let target = dir.join(name);
        std::fs::rename(staging.join(format!("{name}.new")), &target)
            .map_err(|e| io(&target, e))?;
    }
    sync_dir(dir);
    at(Stage::Placed);
    let target = dir.join("config.toml");
    std::fs::rename(&config, &target).map_err(|e| io(&target, e))?;
    sync_dir(dir);
    std::fs::remove_dir_all(&staging).map_err(|e| io(&staging, e))
}

/// Stages `name` with `bytes`, after recording what it replaces.
fn stage(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), CoreError> {
    backup_of(dir, name)?;
    let staged = dir.join(STAGING).join(format!("{name}.new"));
    crate::private_file::replace(&staged, bytes).map_err(|e| io(&staged, e))
}

/// Records what `name` is before setup: a copy (`.old`) or its absence (`.absent`).
fn backup_of(dir: &Path, name: &str) -> Result<(), CoreError> {
    let current = dir.join(name);
    let staging = dir.join(STAGING);
    match std::fs::read(&current) {
        Ok(bytes) => {
            let old = staging.join(format!("{name}.old"));
            crate::private_file::replace(&old, &bytes).map_err(|e| io(&old, e))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let absent = staging.join(format!("{name}.absent"));
            crate::private_file::replace(&absent, b"").map_err(|e| io(&absent, e))
        }
        Err(e) => Err(io(&current, e)),
    }
}

/// Makes renames in `dir` durable; best effort (not every platform syncs a directory).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Undoes an interrupted setup in `dir`: with no `config.toml`, every staged file that was
/// already moved into place is replaced by what it replaced; then `.setup/` is removed.
pub fn recover(dir: &Path) -> Result<(), CoreError> {
    let staging = dir.join(STAGING);
    if !staging.is_dir() {
        return Ok(());
    }
    if !is_configured(dir) {
        for name in [OWNER_FILE, TOKEN_FILE] {
            let moved = !staging.join(format!("{name}.new")).exists();
            let target = dir.join(name);
            let old = staging.join(format!("{name}.old"));
            if moved && old.exists() {
                std::fs::rename(&old, &target).map_err(|e| io(&target, e))?;
            } else if moved && staging.join(format!("{name}.absent")).exists() {
                remove_if_there(&target)?;
            }
        }
        sync_dir(dir);
    }
    tracing::info!(dir = %dir.display(), "removed an interrupted setup");
    std::fs::remove_dir_all(&staging).map_err(|e| io(&staging, e))
}

fn remove_if_there(path: &PathBuf) -> Result<(), CoreError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(path, e)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    /// 2026-12-01 00:00 UTC.
    const NOW: i64 = 1_796_083_200;

    fn jwt(exp: i64) -> String {
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!(
            "{}.{}.{}",
            b64(r#"{"alg":"HS256"}"#),
            b64(&format!(r#"{{"exp":{exp}}}"#)),
            b64("signature")
        )
    }

    pub(crate) fn good_form() -> SetupForm {
        SetupForm {
            language: "km".into(),
            shop_name: "Sokha Coffee".into(),
            city: "Siem Reap".into(),
            terminal_id: "T2".into(),
            default_currency: Currency::Usd,
            riel_per_usd: "4,050".into(),
            pin: "2468".into(),
            pin_again: "2468".into(),
            bakong: false,
            account_id: String::new(),
            token: String::new(),
            email: String::new(),
        }
    }

    fn errors_of(form: &SetupForm) -> Vec<(String, String)> {
        form.validate(chrono_tz::Asia::Phnom_Penh, NOW)
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn a_good_form_has_no_errors_and_each_bad_value_names_its_field() {
        assert_eq!(errors_of(&good_form()), []);
        type Change = Box<dyn Fn(&mut SetupForm)>;
        let cases: Vec<(&str, &str, Change)> = vec![
            (
                "shopName",
                "required",
                Box::new(|f| f.shop_name = "  ".into()),
            ),
            (
                "shopName",
                "too_long",
                Box::new(|f| f.shop_name = "x".repeat(26)),
            ),
            (
                "city",
                "format",
                Box::new(|f| f.city = "Phnom\u{202E}Penh".into()),
            ),
            (
                "terminalId",
                "format",
                Box::new(|f| f.terminal_id = "T-1".into()),
            ),
            (
                "terminalId",
                "format",
                Box::new(|f| f.terminal_id = String::new()),
            ),
            (
                "rielPerUsd",
                "range",
                Box::new(|f| f.riel_per_usd = "0".into()),
            ),
            (
                "rielPerUsd",
                "range",
                Box::new(|f| f.riel_per_usd = "four".into()),
            ),
            (
                "rielPerUsd",
                "range",
                Box::new(|f| f.riel_per_usd = "4100.5".into()),
            ),
            ("pin", "format", Box::new(|f| f.pin = "12".into())),
            ("pin", "format", Box::new(|f| f.pin = "12ab".into())),
            (
                "pinAgain",
                "mismatch",
                Box::new(|f| f.pin_again = "2469".into()),
            ),
            ("language", "format", Box::new(|f| f.language = "fr".into())),
            ("email", "format", Box::new(|f| f.email = "nobody".into())),
        ];
        for (field, code, change) in cases {
            let mut form = good_form();
            change(&mut form);
            assert_eq!(
                errors_of(&form),
                [(field.to_owned(), code.to_owned())],
                "{form:?}"
            );
        }
    }

    #[test]
    fn bakong_needs_a_well_formed_account_and_a_live_token() {
        let mut form = good_form();
        form.bakong = true;
        form.account_id = "sokha@aclb".into();
        form.token = jwt(NOW + 90 * 86_400);
        assert_eq!(errors_of(&form), []);
        for (account, token, expected) in [
            ("nobank", jwt(NOW + 86_400), ("accountId", "format")),
            ("sokha@aclb", String::new(), ("token", "required")),
            ("sokha@aclb", "not-a-jwt".into(), ("token", "format")),
            ("sokha@aclb", "two words".into(), ("token", "format")),
            ("sokha@aclb", jwt(NOW - 60), ("token", "expired")),
        ] {
            form.account_id = account.into();
            form.token = token;
            assert_eq!(
                errors_of(&form),
                [(expected.0.to_owned(), expected.1.to_owned())]
            );
        }
    }

    #[test]
    fn a_token_preview_gives_the_expiry_day_in_shop_time() {
        let preview = token_preview(
            &jwt(NOW + 10 * 86_400 + 3_600),
            chrono_tz::Asia::Phnom_Penh,
            NOW,
        )
        .unwrap();
        assert_eq!(preview.expires_on, "2026-12-11");
        assert_eq!(preview.days_left, 10);
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[tokio::test]
    async fn a_refused_form_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let current = Config::demo(dir.path()).unwrap();
        let mut form = good_form();
        form.pin_again = "1111".into();
        form.riel_per_usd = "abc".into();
        let err = run(&form, &current, &Environment::Production, NOW)
            .await
            .unwrap_err();
        let CoreError::SettingsInvalid { errors } = &err else {
            panic!("{err:?}")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["rielPerUsd", "pinAgain"]);
        assert_eq!(listing(dir.path()), Vec::<String>::new());
    }

    #[tokio::test]
    async fn the_demo_path_writes_the_shop_and_the_pin_and_keeps_the_demo_ledger() {
        let dir = tempfile::tempdir().unwrap();
        let current = Config::demo(dir.path()).unwrap();
        let config = run(&good_form(), &current, &Environment::Production, NOW)
            .await
            .unwrap();
        assert!(config.is_demo());
        assert_eq!(config.merchant.name, "Sokha Coffee");
        assert_eq!(config.terminal_id, "T2");
        assert_eq!(config.riel_per_usd, 4_050);
        assert_eq!(config.default_currency, Currency::Usd);
        assert_eq!(config.ledger_path(), dir.path().join("ledger.sqlite3"));
        assert!(is_configured(dir.path()));
        crate::owner::OwnerPin::new(dir.path())
            .verify("2468")
            .unwrap();
        assert_eq!(listing(dir.path()), ["config.toml", "owner.toml"]);
        // Once set up, setup is refused: changes belong to the owner area.
        let err = run(&good_form(), &current, &Environment::Production, NOW)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("set up already"), "{err}");
    }
}
