//! The settings an owner edits on screen. Every field is checked at once and each problem
//! comes back as a [`FieldError`] naming the form field, so the screen can mark all of them;
//! only a fully valid form is merged into the configuration file (keys the form does not know
//! are kept), checked again by [`Config::from_toml`], and saved atomically.

use std::path::{Path, PathBuf};

use pos_domain::text::{self, TextError, TextProblem};
use pos_domain::Currency;
use serde::{Deserialize, Serialize};

use super::files::{owner_file, read_table, write_atomic, write_table};
use crate::config::URL_MAX_CHARS;
use crate::{Config, CoreError, Environment, LoadOptions, MerchantKind};

/// One problem with one form field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldError {
    /// Stable: `required`, `too_long`, `format`, `range`, `token_missing`.
    pub code: String,
    /// For people, in English.
    pub message: String,
    /// The form field (`accountId`, `merchantName`, …).
    pub field: String,
}

pub(super) fn field_error(field: &str, code: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        code: code.to_owned(),
        message: message.into(),
        field: field.to_owned(),
    }
}

/// The owner's settings form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Individual (KHQR tag 29) or merchant (tag 30) account.
    pub merchant_kind: MerchantKind,
    /// The Bakong account id, `name@bank`.
    pub account_id: String,
    /// Shown in the customer's bank app, at most 25 characters.
    pub merchant_name: String,
    /// At most 15 characters.
    pub city: String,
    /// Merchant accounts only.
    pub merchant_id: Option<String>,
    /// Merchant accounts only.
    pub acquiring_bank: Option<String>,
    /// Optional KHQR store label.
    pub store_label: Option<String>,
    /// Optional KHQR terminal label.
    pub terminal_label: Option<String>,
    /// Merchant category code, 4 digits.
    pub mcc: String,
    /// The currency the keypad starts in.
    #[cfg_attr(feature = "ts", ts(type = "Currency"))]
    pub default_currency: Currency,
    /// Riel per US dollar.
    pub riel_per_usd: i64,
    /// How long a QR can be paid, 1–10 minutes.
    pub qr_lifetime_minutes: u32,
    /// Bakong checks the POS may spend per day.
    pub daily_check_budget: u32,
    /// Whether the cashier may accept a sale on the customer's success screen while Bakong
    /// cannot answer (verified later).
    pub accept_unverified: bool,
    /// `en` or `km`.
    pub language: String,
    /// `demo`, `sit`, `production` or `custom`.
    pub environment: String,
    /// The base URL of a custom environment.
    pub base_url: Option<String>,
    /// The email registered with Bakong, for token renewal.
    pub email: Option<String>,
}

/// `None` for a blank optional field.
fn filled(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A required KHQR text field: present, free of control characters, and at most `max` long
/// the way KHQR counts (UTF-16 units).
fn check_text(errors: &mut Vec<FieldError>, field: &str, value: Option<&str>, max: usize) {
    match value {
        None => errors.push(field_error(field, "required", "required")),
        Some(v) => match text::check_chars(field, v) {
            Err(error) => errors.push(text_error(error)),
            Ok(()) if v.encode_utf16().count() > max => errors.push(field_error(
                field,
                "too_long",
                format!(
                    "at most {max} characters (now {})",
                    v.encode_utf16().count()
                ),
            )),
            Ok(()) => {}
        },
    }
}

/// A [`text`] rule broken by a form field: `too_long`, or `format` for a forbidden character
/// (control, bidi override…).
fn text_error(error: TextError) -> FieldError {
    let code = match error.problem {
        TextProblem::TooLong { .. } => "too_long",
        TextProblem::Forbidden { .. } => "format",
    };
    field_error(&error.field, code, error.problem.to_string())
}

/// `name@bank`: letters, digits, `_`, `.` or `-` before the `@`, letters and digits after.
pub(crate) fn is_account_id(text: &str) -> bool {
    let Some((name, bank)) = text.split_once('@') else {
        return false;
    };
    !name.is_empty()
        && !bank.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        && bank.bytes().all(|b| b.is_ascii_alphanumeric())
}

impl Settings {
    /// The form as the configuration in force fills it.
    pub fn load(config: &Config) -> Result<Settings, CoreError> {
        let owner = read_table(&owner_file(&config.data_dir))?;
        let language = match owner.get("language").and_then(|v| v.as_str()) {
            Some("km") => "km",
            _ => "en",
        };
        let merchant = &config.merchant;
        Ok(Settings {
            merchant_kind: merchant.kind,
            account_id: merchant.account_id.clone(),
            merchant_name: merchant.name.clone(),
            city: merchant.city.clone(),
            merchant_id: merchant.merchant_id.clone(),
            acquiring_bank: merchant.acquiring_bank.clone(),
            store_label: merchant.store_label.clone(),
            terminal_label: merchant.terminal_label.clone(),
            mcc: merchant.mcc.clone(),
            default_currency: config.default_currency,
            riel_per_usd: config.riel_per_usd,
            qr_lifetime_minutes: u32::try_from(config.qr_lifetime.as_secs() / 60).unwrap_or(5),
            daily_check_budget: config.bakong.daily_check_budget,
            accept_unverified: config.accept_unverified,
            language: language.to_owned(),
            environment: config.bakong.environment.name().to_owned(),
            base_url: match &config.bakong.environment {
                Environment::Custom(url) => Some(url.clone()),
                _ => None,
            },
            email: config.bakong.email.clone(),
        })
    }

    /// Every problem with the form; empty when it can be saved.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        match filled(&Some(self.account_id.clone())) {
            None => errors.push(field_error("accountId", "required", "required")),
            Some(id) if id.len() > 32 || !is_account_id(id) => errors.push(field_error(
                "accountId",
                "format",
                "must look like name@bank (for example shop_name@aclb), at most 32 characters",
            )),
            Some(_) => {}
        }
        check_text(
            &mut errors,
            "merchantName",
            filled(&Some(self.merchant_name.clone())),
            25,
        );
        check_text(&mut errors, "city", filled(&Some(self.city.clone())), 15);
        if self.merchant_kind == MerchantKind::Merchant {
            check_text(&mut errors, "merchantId", filled(&self.merchant_id), 32);
            check_text(
                &mut errors,
                "acquiringBank",
                filled(&self.acquiring_bank),
                32,
            );
        }
        for (field, value) in [
            ("storeLabel", &self.store_label),
            ("terminalLabel", &self.terminal_label),
        ] {
            if let Some(v) = filled(value) {
                check_text(&mut errors, field, Some(v), 25);
            }
        }
        if self.mcc.len() != 4 || !self.mcc.bytes().all(|b| b.is_ascii_digit()) {
            errors.push(field_error("mcc", "format", "4 digits, for example 5999"));
        }
        if !(1_000..=10_000).contains(&self.riel_per_usd) {
            errors.push(field_error(
                "rielPerUsd",
                "range",
                "between 1,000 and 10,000 riel per dollar",
            ));
        }
        if !(1..=10).contains(&self.qr_lifetime_minutes) {
            errors.push(field_error(
                "qrLifetimeMinutes",
                "range",
                "between 1 and 10 minutes",
            ));
        }
        if !(1..=100_000).contains(&self.daily_check_budget) {
            errors.push(field_error(
                "dailyCheckBudget",
                "range",
                "between 1 and 100,000 checks a day",
            ));
        }
        if !matches!(self.language.as_str(), "en" | "km") {
            errors.push(field_error("language", "format", "en or km"));
        }
        match self.environment.as_str() {
            "demo" | "sit" | "production" => {}
            "custom" => match filled(&self.base_url)
                .map(|url| (url, text::check("baseUrl", url, URL_MAX_CHARS)))
            {
                Some((_, Err(error))) => errors.push(text_error(error)),
                Some((url, Ok(())))
                    if url.starts_with("https://") || url.starts_with("http://") => {}
                _ => errors.push(field_error(
                    "baseUrl",
                    "format",
                    "a custom environment needs an http(s):// address",
                )),
            },
            _ => errors.push(field_error(
                "environment",
                "format",
                "demo, sit, production or custom",
            )),
        }
        if let Some(email) = filled(&self.email) {
            if let Err(error) = text::check_chars("email", email) {
                errors.push(text_error(error));
            } else if !email.contains('@') || email.len() > 30 {
                errors.push(field_error(
                    "email",
                    "format",
                    "an email address of at most 30 characters",
                ));
            }
        }
        errors
    }

    /// Validates the form, merges it into the configuration file and saves both files
    /// atomically; returns the configuration as the app will now load it.
    pub fn save(&self, current: &Config) -> Result<Config, CoreError> {
        let mut errors = self.validate();
        if self.environment != "demo" && !current.token_info()?.present {
            errors.push(field_error(
                "environment",
                "token_missing",
                "save the Bakong token first: without it no payment can be checked",
            ));
        }
        if !errors.is_empty() {
            return Err(CoreError::SettingsInvalid { errors });
        }
        // Leaving demo mode: real sales start in a ledger of their own, apart from the demo's.
        let leaving_demo = current.is_demo() && self.environment != "demo";
        let path = write_config(
            current,
            |table| {
                self.merge_into(table);
                if leaving_demo && !table.contains_key("ledger_file") {
                    table.insert(
                        "ledger_file".into(),
                        toml::Value::String(crate::setup::SHOP_LEDGER.into()),
                    );
                }
            },
            |err| match err {
                CoreError::ConfigInvalid { field, .. } => form_field(field),
                CoreError::LifetimeOutOfRange { .. } => "qrLifetimeMinutes",
                _ => "form",
            },
        )?;
        let owner_path = owner_file(&current.data_dir);
        let mut owner = read_table(&owner_path)?;
        owner.insert(
            "language".into(),
            toml::Value::String(self.language.clone()),
        );
        write_table(&owner_path, &owner)?;
        reload(current, path)
    }

    fn merge_into(&self, table: &mut toml::Table) {
        let text = |v: &str| toml::Value::String(v.trim().to_owned());
        let set = |t: &mut toml::Table, key: &str, value: Option<toml::Value>| match value {
            Some(v) => {
                t.insert(key.to_owned(), v);
            }
            None => {
                t.remove(key);
            }
        };
        set(
            table,
            "default_currency",
            Some(text(self.default_currency.alpha())),
        );
        set(
            table,
            "riel_per_usd",
            Some(toml::Value::Integer(self.riel_per_usd)),
        );
        set(
            table,
            "qr_lifetime",
            Some(text(&format!("{}m", self.qr_lifetime_minutes))),
        );
        set(
            table,
            "accept_unverified",
            Some(toml::Value::Boolean(self.accept_unverified)),
        );
        let mut merchant = take_table(table, "merchant");
        let kind = match self.merchant_kind {
            MerchantKind::Individual => "individual",
            MerchantKind::Merchant => "merchant",
        };
        set(&mut merchant, "kind", Some(text(kind)));
        set(&mut merchant, "account_id", Some(text(&self.account_id)));
        set(&mut merchant, "name", Some(text(&self.merchant_name)));
        set(&mut merchant, "city", Some(text(&self.city)));
        set(&mut merchant, "mcc", Some(text(&self.mcc)));
        for (key, value) in [
            ("merchant_id", &self.merchant_id),
            ("acquiring_bank", &self.acquiring_bank),
            ("store_label", &self.store_label),
            ("terminal_label", &self.terminal_label),
        ] {
            set(&mut merchant, key, filled(value).map(text));
        }
        table.insert("merchant".into(), toml::Value::Table(merchant));
        let mut bakong = take_table(table, "bakong");
        set(&mut bakong, "environment", Some(text(&self.environment)));
        let url = (self.environment == "custom")
            .then(|| filled(&self.base_url))
            .flatten();
        set(&mut bakong, "base_url", url.map(text));
        set(&mut bakong, "email", filled(&self.email).map(text));
        set(
            &mut bakong,
            "daily_check_budget",
            Some(toml::Value::Integer(i64::from(self.daily_check_budget))),
        );
        // The reserve follows the budget unless the owner set one that still fits under it.
        let reserve_fits = bakong
            .get("check_reserve")
            .and_then(toml::Value::as_integer)
            .is_some_and(|r| r < i64::from(self.daily_check_budget));
        if !reserve_fits {
            bakong.remove("check_reserve");
        }
        table.insert("bakong".into(), toml::Value::Table(bakong));
    }
}

/// Merges a form into the configuration file with `merge` and saves it atomically, once the
/// core's own validation (the last word: limits a form does not know) accepts the result; a
/// refusal names the form field `field_of` gives and writes nothing. Returns the file's path.
pub(super) fn write_config(
    current: &Config,
    merge: impl FnOnce(&mut toml::Table),
    field_of: impl Fn(&CoreError) -> &str,
) -> Result<PathBuf, CoreError> {
    let path = config_path(current);
    let mut table = read_table(&path)?;
    merge(&mut table);
    let text = toml::to_string(&table).map_err(|e| CoreError::OwnerFile {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    if let Err(err) = Config::from_toml(&text, current.data_dir.clone()) {
        return Err(CoreError::SettingsInvalid {
            errors: vec![field_error(
                field_of(&err),
                &err.code().to_string(),
                err.to_string(),
            )],
        });
    }
    write_atomic(&path, text.as_bytes())?;
    Ok(path)
}

/// The configuration as the app loads it from the file just saved.
pub(super) fn reload(current: &Config, path: PathBuf) -> Result<Config, CoreError> {
    Config::load(LoadOptions {
        config_file: Some(path),
        data_dir: Some(current.data_dir.clone()),
        demo_autopay: current.bakong.demo_autopay,
    })
}

pub(super) fn take_table(table: &mut toml::Table, key: &str) -> toml::Table {
    match table.remove(key) {
        Some(toml::Value::Table(t)) => t,
        _ => toml::Table::new(),
    }
}

/// The configuration file settings are saved to: the one read, or `config.toml` in the data
/// directory.
pub(super) fn config_path(config: &Config) -> PathBuf {
    config
        .config_file
        .clone()
        .unwrap_or_else(|| Path::new(&config.data_dir).join("config.toml"))
}

/// The form field for a configuration key the core refused.
fn form_field(key: &str) -> &'static str {
    match key {
        "merchant.account_id" => "accountId",
        "merchant.name" => "merchantName",
        "merchant.city" => "city",
        "merchant.merchant_id" => "merchantId",
        "merchant.acquiring_bank" => "acquiringBank",
        "merchant.store_label" => "storeLabel",
        "merchant.terminal_label" => "terminalLabel",
        "merchant.mcc" => "mcc",
        "riel_per_usd" => "rielPerUsd",
        "default_currency" => "defaultCurrency",
        "bakong.daily_check_budget" | "bakong.check_reserve" => "dailyCheckBudget",
        "bakong.environment" => "environment",
        "bakong.base_url" => "baseUrl",
        "bakong.email" => "email",
        _ => "form",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo(dir: &Path) -> Config {
        Config::demo(dir).unwrap()
    }

    #[test]
    fn the_form_starts_from_the_configuration_in_force() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings::load(&demo(dir.path())).unwrap();
        assert_eq!(settings.merchant_name, "KHQR POS Demo");
        assert_eq!(settings.qr_lifetime_minutes, 5);
        assert_eq!(settings.environment, "demo");
        assert_eq!(settings.language, "en");
        assert!(settings.validate().is_empty(), "{:?}", settings.validate());
    }

    #[test]
    fn every_bad_field_is_reported_at_once_with_its_name_and_code() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Settings::load(&demo(dir.path())).unwrap();
        s.account_id = "no-at-sign".into();
        s.merchant_name = "A name far longer than twenty-five".into();
        s.city = " ".into();
        s.merchant_kind = MerchantKind::Merchant;
        s.mcc = "59".into();
        s.riel_per_usd = 4;
        s.qr_lifetime_minutes = 11;
        s.daily_check_budget = 0;
        s.language = "fr".into();
        s.environment = "custom".into();
        s.email = Some("nobody".into());
        let found: Vec<(String, String)> = s
            .validate()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        let expected = [
            ("accountId", "format"),
            ("merchantName", "too_long"),
            ("city", "required"),
            ("merchantId", "required"),
            ("acquiringBank", "required"),
            ("mcc", "format"),
            ("rielPerUsd", "range"),
            ("qrLifetimeMinutes", "range"),
            ("dailyCheckBudget", "range"),
            ("language", "format"),
            ("baseUrl", "format"),
            ("email", "format"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn control_and_bidi_characters_are_refused_in_every_text_field() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Settings::load(&demo(dir.path())).unwrap();
        s.merchant_name = "Shop\x1b[2J".into();
        s.city = "Phnom\u{202E}Penh".into();
        s.merchant_kind = MerchantKind::Merchant;
        s.merchant_id = Some("M\x0012".into());
        s.acquiring_bank = Some("Bank\x7f".into());
        s.store_label = Some("Store\u{9b}1".into());
        s.terminal_label = Some("T\n1".into());
        s.environment = "custom".into();
        s.base_url = Some(format!("https://relay.example/{}", "a".repeat(200)));
        s.email = Some("a@b\u{2066}".into());
        let found: Vec<(String, String, String)> = s
            .validate()
            .into_iter()
            .map(|e| (e.field, e.code, e.message))
            .collect();
        let expected = [
            (
                "merchantName",
                "format",
                "control character U+001B at character 5 is not allowed",
            ),
            (
                "city",
                "format",
                "bidirectional formatting character U+202E at character 6 is not allowed",
            ),
            (
                "merchantId",
                "format",
                "control character U+0000 at character 2 is not allowed",
            ),
            (
                "acquiringBank",
                "format",
                "control character U+007F at character 5 is not allowed",
            ),
            (
                "storeLabel",
                "format",
                "control character U+009B at character 6 is not allowed",
            ),
            (
                "terminalLabel",
                "format",
                "control character U+000A at character 2 is not allowed",
            ),
            (
                "baseUrl",
                "too_long",
                "at most 200 characters are allowed, this has 222",
            ),
            (
                "email",
                "format",
                "bidirectional formatting character U+2066 at character 4 is not allowed",
            ),
        ];
        let expected: Vec<(String, String, String)> = expected
            .iter()
            .map(|(f, c, m)| ((*f).to_owned(), (*c).to_owned(), (*m).to_owned()))
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn khmer_names_are_measured_the_way_khqr_counts_them() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Settings::load(&demo(dir.path())).unwrap();
        s.merchant_name = "ហាងកាហ្វេភ្នំពេញ".into();
        assert!(s.validate().is_empty(), "{:?}", s.validate());
    }

    #[test]
    fn a_saved_form_is_what_the_next_load_reads_and_unknown_keys_survive() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), "terminal_id = \"B7\"\n").unwrap();
        let current = Config::load_with_env(
            LoadOptions {
                data_dir: Some(dir.path().to_owned()),
                ..LoadOptions::default()
            },
            |_| None,
        )
        .unwrap();
        let mut s = Settings::load(&current).unwrap();
        s.merchant_name = "Sokha Coffee".into();
        s.account_id = "sokha_coffee@aclb".into();
        s.default_currency = Currency::Usd;
        s.riel_per_usd = 4_100;
        s.qr_lifetime_minutes = 3;
        s.daily_check_budget = 80;
        assert!(s.accept_unverified, "on unless the owner turns it off");
        s.accept_unverified = false;
        s.language = "km".into();
        s.store_label = Some("  ".into());
        let saved = s.save(&current).unwrap();
        assert!(!saved.accept_unverified);
        assert_eq!(saved.merchant.name, "Sokha Coffee");
        assert_eq!(saved.terminal_id, "B7");
        assert_eq!(saved.riel_per_usd, 4_100);
        assert_eq!(saved.qr_lifetime.as_secs(), 180);
        assert_eq!(saved.bakong.daily_check_budget, 80);
        assert_eq!(saved.merchant.store_label, None);
        let again = Settings::load(&saved).unwrap();
        assert_eq!(
            again,
            Settings {
                store_label: None,
                ..s
            }
        );
    }

    #[test]
    fn a_real_environment_without_a_token_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let current = demo(dir.path());
        let mut s = Settings::load(&current).unwrap();
        s.environment = "production".into();
        match s.save(&current) {
            Err(CoreError::SettingsInvalid { errors }) => {
                assert_eq!(errors[0].field, "environment");
                assert_eq!(errors[0].code, "token_missing");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert!(!dir.path().join("config.toml").exists());
    }
}
