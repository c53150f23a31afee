//! The owner's commands: the PIN gate and everything behind it (transactions, the end-of-day
//! report, CSV export, receipts, settings, the Bakong token and health). Each is a few lines
//! over `pos_core::owner`; every command but the gate's own goes through
//! [`AppState::owner_pos`], which refuses with `owner_locked` until the PIN has been given and
//! after the gate's idle time. The token goes in and never comes out: only its status is
//! returned.

use pos_core::diagnostics::DiagnosticsExport;
use pos_core::owner::{
    self, EndOfDay, ExportResult, HistoryEntry, OwnerHealth, OwnerStatus, ReceiptView,
    RecheckPreview, Settings, ShopDay, ShopRateView, TokenStatus,
};
use pos_core::{
    sale_id_from_text, Config, ErrorView, OwnerQuery, Pos, RecheckView, Restarted, SalesList,
};
use tauri::{AppHandle, Runtime, State};

use crate::state::AppState;

/// The gate's state; needs no PIN.
#[tauri::command]
pub fn owner_status(state: State<'_, AppState>) -> Result<OwnerStatus, ErrorView> {
    Ok(state.gate.status(state.pos()?.config())?)
}

/// First run: sets the owner PIN and opens the owner area.
#[tauri::command]
pub fn owner_set_pin(state: State<'_, AppState>, pin: String) -> Result<(), ErrorView> {
    Ok(state.gate.set_first(state.pos()?.config(), &pin)?)
}

/// Opens the owner area with the PIN.
#[tauri::command]
pub fn owner_unlock(state: State<'_, AppState>, pin: String) -> Result<(), ErrorView> {
    Ok(state.gate.unlock(state.pos()?.config(), &pin)?)
}

/// Closes the owner area.
#[tauri::command]
pub fn owner_lock(state: State<'_, AppState>) {
    state.gate.lock();
}

/// Replaces the PIN (the current one is asked again).
#[tauri::command]
pub fn owner_change_pin(
    state: State<'_, AppState>,
    current: String,
    new_pin: String,
) -> Result<(), ErrorView> {
    let pos = state.owner_pos()?;
    Ok(state.gate.change_pin(pos.config(), &current, &new_pin)?)
}

/// Sales of a day or range with totals and what needs attention.
#[tauri::command]
pub async fn owner_sales(
    state: State<'_, AppState>,
    query: OwnerQuery,
) -> Result<SalesList, ErrorView> {
    Ok(state.owner_pos()?.sales(query.into()).await?)
}

/// A sale's history, oldest first.
#[tauri::command]
pub async fn owner_sale_history(
    state: State<'_, AppState>,
    sale_id: String,
) -> Result<Vec<HistoryEntry>, ErrorView> {
    let pos = state.owner_pos()?;
    Ok(owner::sale_history(&pos, sale_id_from_text(&sale_id)?).await?)
}

/// The receipt of a paid sale (COPY from the second print on).
#[tauri::command]
pub async fn owner_receipt(
    state: State<'_, AppState>,
    sale_id: String,
) -> Result<ReceiptView, ErrorView> {
    let pos = state.owner_pos()?;
    Ok(owner::receipt(&pos, sale_id_from_text(&sale_id)?).await?)
}

/// The end-of-day report for `date` (default today).
#[tauri::command]
pub async fn owner_report(
    state: State<'_, AppState>,
    date: Option<String>,
) -> Result<EndOfDay, ErrorView> {
    let pos = state.owner_pos()?;
    Ok(owner::summary(&pos, date.filter(|d| !d.trim().is_empty())).await?)
}

/// The whole shop's day from the shop database (default today): every counter's takings and
/// push; `None` when this counter has joined no shop.
#[tauri::command]
pub async fn owner_shop_day(
    state: State<'_, AppState>,
    date: Option<String>,
) -> Result<Option<ShopDay>, ErrorView> {
    let pos = state.owner_pos()?;
    Ok(owner::shop_day(&pos, date).await?)
}

/// Sets the shop's riel rate in the shop database for every counter, from what the owner typed.
#[tauri::command]
pub async fn owner_set_shop_rate(
    state: State<'_, AppState>,
    rate: String,
) -> Result<ShopRateView, ErrorView> {
    let pos = state.owner_pos()?;
    Ok(owner::set_shop_rate(&pos, &rate).await?)
}

/// Writes the matching sales as CSV into the export folder and says where.
#[tauri::command]
pub async fn owner_export_csv(
    state: State<'_, AppState>,
    query: OwnerQuery,
) -> Result<ExportResult, ErrorView> {
    let pos = state.owner_pos()?;
    let dir = owner::export_dir(pos.config());
    Ok(owner::export_csv(&pos, query.into(), &dir).await?)
}

/// How many checks "re-check now" would spend, and how many are left today.
#[tauri::command]
pub async fn owner_recheck_preview(
    state: State<'_, AppState>,
) -> Result<RecheckPreview, ErrorView> {
    Ok(owner::recheck_preview(&state.owner_pos()?).await?)
}

/// Checks every unresolved sale now, within the day's budget.
#[tauri::command]
pub async fn owner_recheck(state: State<'_, AppState>) -> Result<RecheckView, ErrorView> {
    Ok(state.owner_pos()?.recheck().await?)
}

/// The Bakong connection's health.
#[tauri::command]
pub async fn owner_health(state: State<'_, AppState>) -> Result<OwnerHealth, ErrorView> {
    Ok(owner::health(&state.owner_pos()?).await?)
}

/// Saves a pasted Bakong token; answers only with its expiry.
#[tauri::command]
pub fn owner_save_token(
    state: State<'_, AppState>,
    token: String,
) -> Result<TokenStatus, ErrorView> {
    Ok(owner::save_token(state.owner_pos()?.config(), &token)?)
}

/// "Renew token now" with the registered email; answers only with the new token's status.
#[tauri::command]
pub async fn owner_renew_token(state: State<'_, AppState>) -> Result<TokenStatus, ErrorView> {
    Ok(state.owner_pos()?.renew_token().await?)
}

/// Writes the support bundle (no token, no PIN) into the export folder and says where.
#[tauri::command]
pub async fn owner_export_diagnostics(
    state: State<'_, AppState>,
) -> Result<DiagnosticsExport, ErrorView> {
    let pos = state.owner_pos()?;
    let dir = owner::export_dir(pos.config());
    Ok(pos.export_diagnostics(&dir).await?)
}

/// The settings form, filled from the configuration in force.
#[tauri::command]
pub fn owner_settings(state: State<'_, AppState>) -> Result<Settings, ErrorView> {
    Ok(Settings::load(state.owner_pos()?.config())?)
}

/// Validates and saves the settings, then restarts the POS with them so new sales use them.
/// A saved file that cannot start leaves the shop running on what it had.
#[tauri::command]
pub async fn owner_save_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    settings: Settings,
) -> Result<Settings, ErrorView> {
    let pos = state.owner_pos()?;
    let config = settings.save(pos.config())?;
    let pos = restart(&app, &state, &pos, config).await?;
    Ok(Settings::load(pos.config())?)
}

/// Restarts the POS with a saved configuration and swaps it in for later commands (the
/// spooler, the watcher and the events start again with it). A saved file that cannot start
/// leaves the shop running on what it had.
pub(crate) async fn restart<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    pos: &Pos,
    config: Config,
) -> Result<Pos, ErrorView> {
    let Restarted { pos, refused } = pos.restart_with(config, state.options()).await?;
    crate::serve(app, &pos);
    state.replace(pos.clone());
    match refused {
        Some(err) => Err(err.into()),
        None => Ok(pos),
    }
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
            ("owner_renew_token", json!({})),
            ("owner_export_diagnostics", json!({})),
            ("owner_sale_history", json!({"saleId": "1"})),
            ("owner_receipt", json!({"saleId": "1"})),
            ("owner_shop_day", json!({"date": null})),
            ("owner_set_shop_rate", json!({"rate": "4100"})),
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
        assert_eq!(
            err["details"],
            json!({"kind": "pinWrong", "attemptsLeft": 4})
        );
        assert_eq!(
            invoke(&app, "owner_sales", json!({"query": {}})).unwrap_err()["code"],
            "owner_locked"
        );
        invoke(&app, "owner_unlock", json!({"pin": "2580"})).unwrap();
        let list = invoke(&app, "owner_sales", json!({"query": {}})).unwrap();
        assert!(list["sales"].as_array().unwrap().is_empty());
    }

    #[test]
    fn a_counter_that_joined_no_shop_has_no_shop_day() {
        let app = demo_app();
        invoke(&app, "owner_set_pin", json!({"pin": "2580"})).unwrap();
        let day = invoke(&app, "owner_shop_day", json!({"date": null})).unwrap();
        assert_eq!(day, Value::Null);
        let err = invoke(&app, "owner_set_shop_rate", json!({"rate": "4100"})).unwrap_err();
        assert_eq!(err["field"], "shop_db", "{err}");
    }

    #[test]
    fn demo_mode_has_no_token_to_renew() {
        let app = demo_app();
        invoke(&app, "owner_set_pin", json!({"pin": "2580"})).unwrap();
        let err = invoke(&app, "owner_renew_token", json!({})).unwrap_err();
        assert_eq!(err["code"], "config_invalid");
        assert_eq!(err["field"], "bakong.environment", "{err}");
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
        assert_eq!(err["details"]["kind"], "fields");
        let fields: Vec<&str> = err["details"]["fields"]
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
