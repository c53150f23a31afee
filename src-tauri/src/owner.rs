//! The owner's commands: the PIN gate and everything behind it (transactions, the end-of-day
//! report, CSV export, receipts, settings, the Bakong token and health). Every command but
//! the gate's own refuses with `owner_locked` until the PIN has been given, and the gate locks
//! itself again after [`IDLE_LOCK`] without an owner command, so a counter left open does not
//! stay open. The token goes in and never comes out: only [`TokenStatus`] is returned.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pos_core::owner::{
    self, EndOfDay, FieldError, HistoryEntry, OwnerPin, ReceiptView, Settings, TokenStatus,
};
use pos_core::{CoreError, Pos, RecheckView, SaleStatus, SalesList, SalesQuery, StartOptions};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime, State};
use ts_rs::TS;

use crate::state::AppState;

/// The owner area locks itself after this long without an owner command.
pub const IDLE_LOCK: Duration = Duration::from_secs(10 * 60);
/// Where CSV exports go instead of the user's Downloads folder (tests, kiosk setups).
pub const ENV_EXPORT_DIR: &str = "KHQR_POS_EXPORT_DIR";

/// A refused owner command: `field` names the settings field at fault, when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OwnerError {
    /// Stable, machine-readable (`pin_wrong`, `owner_locked`, `required`, …).
    pub code: String,
    /// For people, in English.
    pub message: String,
    /// The settings field, for field-level errors.
    pub field: Option<String>,
    /// Every field-level problem of a settings form.
    pub fields: Vec<OwnerFieldError>,
}

/// One settings field's problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OwnerFieldError {
    /// `required`, `too_long`, `format`, `range`, `token_missing`.
    pub code: String,
    /// For people, in English.
    pub message: String,
    /// The form field.
    pub field: String,
}

impl From<FieldError> for OwnerFieldError {
    fn from(e: FieldError) -> Self {
        OwnerFieldError {
            code: e.code,
            message: e.message,
            field: e.field,
        }
    }
}

impl From<CoreError> for OwnerError {
    fn from(err: CoreError) -> Self {
        let code = err.code().to_owned();
        let message = err.to_string();
        let fields: Vec<OwnerFieldError> = match err {
            CoreError::SettingsInvalid { errors } => errors.into_iter().map(Into::into).collect(),
            _ => Vec::new(),
        };
        OwnerError {
            code,
            message,
            field: fields.first().map(|f| f.field.clone()),
            fields,
        }
    }
}

impl From<crate::ipc::IpcError> for OwnerError {
    fn from(err: crate::ipc::IpcError) -> Self {
        OwnerError {
            code: err.code,
            message: err.message,
            field: None,
            fields: Vec::new(),
        }
    }
}

fn refused(code: &str, message: impl Into<String>) -> OwnerError {
    OwnerError {
        code: code.to_owned(),
        message: message.into(),
        field: None,
        fields: Vec::new(),
    }
}

/// The gate's state, shared by every owner command.
pub struct OwnerState {
    options: StartOptions,
    pin: Mutex<Option<Arc<OwnerPin>>>,
    unlocked_at: Mutex<Option<Instant>>,
}

impl OwnerState {
    /// The gate, closed; `options` are what the POS is restarted with after a settings save.
    pub fn new(options: StartOptions) -> Self {
        OwnerState {
            options,
            pin: Mutex::new(None),
            unlocked_at: Mutex::new(None),
        }
    }

    /// The PIN of the running POS's data directory (one per app, so the throttle holds).
    fn pin(&self, pos: &Pos) -> Arc<OwnerPin> {
        let mut slot = self.pin.lock().unwrap_or_else(|e| e.into_inner());
        Arc::clone(slot.get_or_insert_with(|| Arc::new(OwnerPin::new(&pos.config().data_dir))))
    }

    fn unlock(&self) {
        *self.unlocked_at.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
    }

    fn lock(&self) {
        *self.unlocked_at.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Whether the gate is open; an owner command keeps it open for another [`IDLE_LOCK`].
    fn touch(&self) -> bool {
        let mut at = self.unlocked_at.lock().unwrap_or_else(|e| e.into_inner());
        match *at {
            Some(last) if last.elapsed() < IDLE_LOCK => {
                *at = Some(Instant::now());
                true
            }
            _ => {
                *at = None;
                false
            }
        }
    }
}

/// The running POS, if the owner gate is open.
fn unlocked(state: &AppState, owner: &OwnerState) -> Result<Pos, OwnerError> {
    let pos = state.pos()?;
    if !owner.touch() {
        return Err(refused("owner_locked", "enter the owner pin first"));
    }
    Ok(pos)
}

/// What the counter screen may know about the owner side without the PIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OwnerStatus {
    /// Whether an owner PIN exists (first run: set one).
    pub pin_set: bool,
    /// Whether the owner area is open now.
    pub unlocked: bool,
    /// The owner's chosen language, `en` or `km`.
    pub language: String,
    /// The token, described (never the token itself).
    pub token: TokenInfoView,
}

/// The Bakong token as the UI may know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TokenInfoView {
    /// Whether a token is saved.
    pub set: bool,
    /// Its expiry day, `YYYY-MM-DD`.
    pub expires_on: Option<String>,
    /// Whole days left; negative once expired.
    #[ts(type = "number | null")]
    pub days_left: Option<i64>,
    /// Show the renewal banner (expired or within seven days).
    pub warn: bool,
}

impl From<TokenStatus> for TokenInfoView {
    fn from(t: TokenStatus) -> Self {
        TokenInfoView {
            set: t.set,
            expires_on: t.expires_on,
            days_left: t.days_left,
            warn: t.warn,
        }
    }
}

/// The owner's sale filter.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OwnerQuery {
    /// First day, `YYYY-MM-DD` (default today).
    pub from: Option<String>,
    /// Last day, included (default: the first).
    pub to: Option<String>,
    /// Only this status.
    #[ts(type = "SaleStatus | null")]
    pub status: Option<SaleStatus>,
    /// Bill number, hash, md5 or amount.
    pub search: Option<String>,
}

impl From<OwnerQuery> for SalesQuery {
    fn from(q: OwnerQuery) -> Self {
        let blank = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        let from = blank(q.from);
        SalesQuery {
            date: None,
            to: blank(q.to).or_else(|| from.clone()),
            from,
            status: q.status,
            search: blank(q.search),
            limit: None,
        }
    }
}

/// Where a CSV export was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportResult {
    /// The file.
    pub path: String,
    /// Sales written.
    #[ts(type = "number")]
    pub rows: u64,
}

/// What a manual recheck would spend, shown before the owner confirms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecheckPreview {
    /// Unresolved sales (pending, or closed but still watched for a late payment): at most
    /// one check each.
    pub checks_needed: u32,
    /// Checks left in today's budget.
    pub checks_left: u32,
    /// Checks spent today.
    pub checks_used: u32,
    /// Today's budget.
    pub budget: u32,
}

/// The Bakong connection for the owner's health panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OwnerHealth {
    /// `demo`, `sit`, `production`, `custom`.
    pub environment: String,
    /// Whether the last checks got through (or nothing needed checking).
    pub reachable: bool,
    /// Bakong refuses this network (outside Cambodia).
    pub region_blocked: bool,
    /// The token, described.
    pub token: TokenInfoView,
    /// Checks spent today.
    pub checks_used_today: u32,
    /// Today's budget.
    pub check_budget: u32,
    /// The last error, if any (never the token).
    pub last_error: Option<String>,
    /// Sales still waiting for payment.
    pub pending_sales: u32,
}

/// The gate's state; needs no PIN.
#[tauri::command]
pub fn owner_status(
    state: State<'_, AppState>,
    owner: State<'_, OwnerState>,
) -> Result<OwnerStatus, OwnerError> {
    let pos = state.pos()?;
    let settings = Settings::load(pos.config())?;
    let unlocked = owner.touch();
    Ok(OwnerStatus {
        pin_set: owner.pin(&pos).is_set()?,
        unlocked,
        language: settings.language,
        token: TokenStatus::of(pos.config())?.into(),
    })
}

/// First run: sets the owner PIN and opens the owner area.
#[tauri::command]
pub fn owner_set_pin(
    state: State<'_, AppState>,
    owner: State<'_, OwnerState>,
    pin: String,
) -> Result<(), OwnerError> {
    let pos = state.pos()?;
    owner.pin(&pos).set_first(&pin)?;
    owner.unlock();
    Ok(())
}

/// Opens the owner area with the PIN.
#[tauri::command]
pub fn owner_unlock(
    state: State<'_, AppState>,
    owner: State<'_, OwnerState>,
    pin: String,
) -> Result<(), OwnerError> {
    let pos = state.pos()?;
    owner.pin(&pos).verify(&pin)?;
    owner.unlock();
    Ok(())
}

/// Closes the owner area.
#[tauri::command]
pub fn owner_lock(owner: State<'_, OwnerState>) {
    owner.lock();
}

/// Replaces the PIN (the current one is asked again).
#[tauri::command]
pub fn owner_change_pin(
    state: State<'_, AppState>,
    owner: State<'_, OwnerState>,
    current: String,
    new_pin: String,
) -> Result<(), OwnerError> {
    let pos = unlocked(&state, &owner)?;
    Ok(owner.pin(&pos).change(&current, &new_pin)?)
}

/// Sales of a day or range with totals and what needs attention.
#[tauri::command]
pub async fn owner_sales(
    state: State<'_, AppState>,
    owner: State<'_, OwnerState>,
    query: OwnerQuery,
) -> Result<SalesList, OwnerError> {
    let pos = unlocked(&state, &owner)?;
    Ok(pos.sales(query.into()).await?)
}

/// Sale ids travel as text (JavaScript numbers would round large ids).
fn sale_id(text: &str) -> Result<i64, OwnerError> {
    text.parse()
        .map_err(|_| refused("sale_not_found", format!("{text:?} is not a sale id")))
}

/// A sale's history, oldest first.
#[tauri::command]
pub async fn owner_sale_history(
    state: State<'_, AppState>,
    owner: State<'_, OwnerState>,
    sale_id: String,
) -> Result<Vec<HistoryEntry>, OwnerError> {
    let pos = unlocked(&state, &owner)?;
    Ok(owner::sale_history(&pos, self::sale_id(&sale_id)?).await?)
}

/// The receipt of a paid sale (COPY from the second print on).
#[tauri::command]
pub async fn owner_receipt(
    state: State<'_, AppState>,
    owner: State<'_, OwnerState>,
    sale_id: String,
) -> Result<ReceiptView, OwnerError> {
    let pos = unlocked(&state, &owner)?;
    Ok(owner::receipt(&pos, self::sale_id(&sale_id)?).await?)
}

/// The end-of-day report for `date` (default today).
#[tauri::command]
pub async fn owner_report(
    state: State<'_, AppState>,
    owner: State<'_, OwnerState>,
    date: Option<String>,
) -> Result<EndOfDay, OwnerError> {
    let pos = unlocked(&state, &owner)?;
    Ok(owner::summary(&pos, date.filter(|d| !d.trim().is_empty())).await?)
}

/// The folder exports go to: `KHQR_POS_EXPORT_DIR`, else Downloads, else Documents, else the
/// data directory.
fn export_dir(pos: &Pos) -> PathBuf {
    if let Some(dir) = std::env::var_os(ENV_EXPORT_DIR) {
        return PathBuf::from(dir);
    }
    directories::UserDirs::new()
        .and_then(|d| {
            d.download_dir()
                .or_else(|| d.document_dir())
                .map(PathBuf::from)
        })
        .unwrap_or_else(|| pos.config().data_dir.clone())
}

/// Writes the matching sales as CSV (with a byte order mark, so spreadsheets read Khmer) and
/// says where.
#[tauri::command]
pub async fn owner_export_csv(
    state: State<'_, AppState>,
    owner: State<'_, OwnerState>,
    query: OwnerQuery,
) -> Result<ExportResult, OwnerError> {
    let pos = unlocked(&state, &owner)?;
    let query: SalesQuery = query.into();
    let dir = export_dir(&pos);
    let today = chrono::Utc::now()
        .with_timezone(&pos.config().time_zone)
        .format("%Y-%m-%d")
        .to_string();
    let from = query.from.clone().unwrap_or_else(|| today.clone());
    let to = query.to.clone().unwrap_or_else(|| from.clone());
    let name = if from == to {
        format!("khqr-pos-{}-{from}.csv", pos.config().terminal_id)
    } else {
        format!("khqr-pos-{}-{from}_{to}.csv", pos.config().terminal_id)
    };
    let path = dir.join(name);
    let io = |e: std::io::Error| refused("export_failed", format!("{}: {e}", path.display()));
    std::fs::create_dir_all(&dir).map_err(io)?;
    let file = std::fs::File::create(&path).map_err(io)?;
    let (rows, file) = pos
        .export_csv(query, true, std::io::BufWriter::new(file))
        .await?;
    file.into_inner()
        .map_err(|e| io(e.into_error()))?
        .sync_all()
        .map_err(io)?;
    Ok(ExportResult {
        path: path.display().to_string(),
        rows,
    })
}

/// How many checks "re-check now" would spend, and how many are left today.
#[tauri::command]
pub async fn owner_recheck_preview(
    state: State<'_, AppState>,
    owner: State<'_, OwnerState>,
) -> Result<RecheckPreview, OwnerError> {
    let pos = unlocked(&state, &owner)?;
    let health = pos.health().await?;
    let needed = u32::try_from(owner::unresolved_count(&pos).await?).unwrap_or(u32::MAX);
    Ok(RecheckPreview {
        checks_needed: needed,
        checks_left: health.check_budget.saturating_sub(health.checks_used_today),
        checks_used: health.checks_used_today,
        budget: health.check_budget,
    })
}

/// Checks every unresolved sale now, within the day's budget.
#[tauri::command]
pub async fn owner_recheck(
    state: State<'_, AppState>,
    owner: State<'_, OwnerState>,
) -> Result<RecheckView, OwnerError> {
    let pos = unlocked(&state, &owner)?;
    Ok(pos.recheck().await?)
}

/// The Bakong connection's health.
#[tauri::command]
pub async fn owner_health(
    state: State<'_, AppState>,
    owner: State<'_, OwnerState>,
) -> Result<OwnerHealth, OwnerError> {
    let pos = unlocked(&state, &owner)?;
    let health = pos.health().await?;
    let (reachable, region_blocked) = match &health.verification {
        pos_core::Verification::CannotVerify { reason, .. } => (
            !matches!(
                reason,
                pos_core::CannotVerifyReason::Network
                    | pos_core::CannotVerifyReason::Timeout
                    | pos_core::CannotVerifyReason::Server
                    | pos_core::CannotVerifyReason::Region
            ),
            *reason == pos_core::CannotVerifyReason::Region,
        ),
        _ => (true, false),
    };
    Ok(OwnerHealth {
        environment: health.environment,
        reachable,
        region_blocked,
        token: TokenStatus::of(pos.config())?.into(),
        checks_used_today: health.checks_used_today,
        check_budget: health.check_budget,
        last_error: health.last_error,
        pending_sales: u32::try_from(health.pending_sales).unwrap_or(u32::MAX),
    })
}

/// Saves a pasted Bakong token; answers only with its expiry.
#[tauri::command]
pub fn owner_save_token(
    state: State<'_, AppState>,
    owner: State<'_, OwnerState>,
    token: String,
) -> Result<TokenInfoView, OwnerError> {
    let pos = unlocked(&state, &owner)?;
    Ok(owner::save_token(pos.config(), &token)?.into())
}

/// The settings form, filled from the configuration in force.
#[tauri::command]
pub fn owner_settings(
    state: State<'_, AppState>,
    owner: State<'_, OwnerState>,
) -> Result<Settings, OwnerError> {
    let pos = unlocked(&state, &owner)?;
    Ok(Settings::load(pos.config())?)
}

/// Validates and saves the settings, then restarts the POS with them so new sales use them
/// (pending sales carry on: the new watcher resumes them).
#[tauri::command]
pub async fn owner_save_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    owner: State<'_, OwnerState>,
    settings: Settings,
) -> Result<Settings, OwnerError> {
    let pos = unlocked(&state, &owner)?;
    let config = settings.save(pos.config())?;
    // The old watcher stops in the background: its command channel closes at once, so it
    // starts no new check, and the screen does not wait for a check already in flight.
    let old = pos.clone();
    tauri::async_runtime::spawn(async move { old.shutdown().await });
    let fresh = match Pos::start_with(config, owner.options.clone()).await {
        Ok(fresh) => fresh,
        Err(err) => {
            // The saved file could not start: keep the shop running on what it had.
            let old = Pos::start_with(pos.config().clone(), owner.options.clone()).await?;
            state.replace(old);
            return Err(err.into());
        }
    };
    crate::forward_events(app, fresh.subscribe());
    crate::e2e_hooks::announce(&fresh);
    let saved = Settings::load(fresh.config())?;
    state.replace(fresh);
    Ok(saved)
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::tests::{charge, demo_app, invoke};

    fn settings_with(app: &crate::tests::TestApp, change: impl FnOnce(&mut Value)) -> Value {
        let mut settings = invoke(app, "owner_settings", json!({})).unwrap();
        change(&mut settings);
        settings
    }

    #[test]
    fn every_owner_command_is_refused_until_the_pin_is_given() {
        let app = demo_app();
        let status = invoke(&app, "owner_status", json!({})).unwrap();
        assert_eq!(status["pinSet"], false);
        assert_eq!(status["unlocked"], false);
        for (cmd, body) in [
            ("owner_sales", json!({"query": {}})),
            ("owner_report", json!({"date": null})),
            ("owner_export_csv", json!({"query": {}})),
            ("owner_settings", json!({})),
            ("owner_health", json!({})),
            ("owner_recheck", json!({})),
            ("owner_recheck_preview", json!({})),
            ("owner_save_token", json!({"token": "abc"})),
            ("owner_sale_history", json!({"saleId": "1"})),
            ("owner_receipt", json!({"saleId": "1"})),
        ] {
            let err = invoke(&app, cmd, body).unwrap_err();
            assert_eq!(err["code"], "owner_locked", "{cmd}: {err}");
        }
    }

    #[test]
    fn the_first_pin_opens_the_area_and_a_wrong_one_is_refused_with_attempts_left() {
        let app = demo_app();
        let err = invoke(&app, "owner_unlock", json!({"pin": "1234"})).unwrap_err();
        assert_eq!(err["code"], "pin_not_set");
        let err = invoke(&app, "owner_set_pin", json!({"pin": "12"})).unwrap_err();
        assert_eq!(err["code"], "pin_invalid");
        invoke(&app, "owner_set_pin", json!({"pin": "2580"})).unwrap();
        assert_eq!(
            invoke(&app, "owner_status", json!({})).unwrap()["unlocked"],
            true
        );
        let err = invoke(&app, "owner_set_pin", json!({"pin": "1111"})).unwrap_err();
        assert_eq!(err["code"], "pin_already_set");
        invoke(&app, "owner_lock", json!({})).unwrap();
        let err = invoke(&app, "owner_unlock", json!({"pin": "0000"})).unwrap_err();
        assert_eq!(err["code"], "pin_wrong");
        assert!(err["message"].as_str().unwrap().contains("4 attempts left"));
        assert_eq!(
            invoke(&app, "owner_sales", json!({"query": {}})).unwrap_err()["code"],
            "owner_locked"
        );
        invoke(&app, "owner_unlock", json!({"pin": "2580"})).unwrap();
        let list = invoke(&app, "owner_sales", json!({"query": {}})).unwrap();
        assert!(list["sales"].as_array().unwrap().is_empty());
    }

    #[test]
    fn the_report_and_csv_cover_the_day_and_bad_dates_are_refused() {
        let app = demo_app();
        invoke(&app, "owner_set_pin", json!({"pin": "2580"})).unwrap();
        charge(&app, "5000", "KHR").unwrap();
        let report = invoke(&app, "owner_report", json!({"date": null})).unwrap();
        assert_eq!(report["saleCount"], 1);
        assert_eq!(report["gaps"], json!([]));
        let err = invoke(&app, "owner_report", json!({"date": "yesterday"})).unwrap_err();
        assert_eq!(err["code"], "date_invalid");
        let err = invoke(
            &app,
            "owner_sales",
            json!({"query": {"from": "2026-05-02", "to": "2026-05-01"}}),
        )
        .unwrap_err();
        assert_eq!(err["code"], "date_invalid");
        let err = invoke(&app, "owner_receipt", json!({"saleId": "x"})).unwrap_err();
        assert_eq!(err["code"], "sale_not_found");
    }

    #[test]
    fn invalid_settings_come_back_field_by_field_and_valid_ones_apply_to_new_sales() {
        let app = demo_app();
        invoke(&app, "owner_set_pin", json!({"pin": "2580"})).unwrap();
        let bad = settings_with(&app, |s| {
            s["accountId"] = json!("nobank");
            s["merchantName"] = json!("A name far longer than twenty-five");
            s["qrLifetimeMinutes"] = json!(11);
        });
        let err = invoke(&app, "owner_save_settings", json!({"settings": bad})).unwrap_err();
        assert_eq!(err["code"], "settings_invalid");
        assert_eq!(err["field"], "accountId");
        let fields: Vec<&str> = err["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["accountId", "merchantName", "qrLifetimeMinutes"]);
        // A sale still watched for a late payment must not hold the restart up.
        let watched = charge(&app, "700", "KHR").unwrap();
        invoke(&app, "cancel_sale", json!({"saleId": watched["saleId"]})).unwrap();
        let good = settings_with(&app, |s| {
            s["merchantName"] = json!("Sokha Coffee");
            s["defaultCurrency"] = json!("USD");
        });
        let saved = invoke(&app, "owner_save_settings", json!({"settings": good})).unwrap();
        assert_eq!(saved["merchantName"], "Sokha Coffee");
        let info = invoke(&app, "app_info", json!({})).unwrap();
        assert_eq!(info["merchantName"], "Sokha Coffee");
        assert_eq!(info["defaultCurrency"], "USD");
        let card = charge(&app, "5000", "KHR").unwrap();
        assert_eq!(card["merchantName"], "Sokha Coffee");
    }

    #[test]
    fn a_saved_token_is_never_part_of_any_owner_answer() {
        let app = demo_app();
        invoke(&app, "owner_set_pin", json!({"pin": "2580"})).unwrap();
        let secret = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.c2VjcmV0LXNpZ25hdHVyZQ";
        let saved = invoke(&app, "owner_save_token", json!({"token": secret})).unwrap();
        assert_eq!(saved["set"], true);
        assert_eq!(saved["expiresOn"], "2100-01-01");
        let mut answers = vec![saved];
        for (cmd, body) in [
            ("owner_status", json!({})),
            ("owner_health", json!({})),
            ("owner_settings", json!({})),
            ("owner_report", json!({"date": null})),
            ("owner_sales", json!({"query": {}})),
            ("app_info", json!({})),
        ] {
            answers.push(invoke(&app, cmd, body).unwrap());
        }
        for answer in answers {
            let text = answer.to_string();
            assert!(!text.contains(secret), "token leaked: {text}");
            assert!(!text.contains("c2VjcmV0"), "token part leaked: {text}");
        }
        let err = invoke(&app, "owner_save_token", json!({"token": "two words"})).unwrap_err();
        assert_eq!(err["code"], "token_file");
        assert!(!err.to_string().contains("two words"));
    }
}
