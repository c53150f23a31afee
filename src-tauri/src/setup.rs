//! First-run setup (`pos_core::setup`): with no `config.toml` the app still opens on the demo
//! counter, and the top bar offers "Set up this shop", which calls these. The token goes in
//! and never comes back: only its expiry does.

use pos_core::setup::{self, SetupForm, TokenPreview};
use pos_core::{Clock, ErrorView, Restarted, SystemClock};
use tauri::{AppHandle, Runtime, State};

use crate::state::AppState;

fn now_secs() -> i64 {
    SystemClock.now_ms() / 1_000
}

/// Whether the shop still needs setting up (no `config.toml`): the top bar's chip.
#[tauri::command]
pub fn setup_needed(state: State<'_, AppState>) -> Result<bool, ErrorView> {
    let pos = state.pos()?;
    Ok(pos.config().config_file.is_none() && !setup::is_configured(&pos.config().data_dir))
}

/// Every problem with the form so far, field by field; writes nothing.
#[tauri::command]
pub fn setup_check(
    state: State<'_, AppState>,
    form: SetupForm,
) -> Result<Vec<pos_core::owner::FieldError>, ErrorView> {
    Ok(form.validate(state.pos()?.config().time_zone, now_secs()))
}

/// A pasted token's expiry, read on this side.
#[tauri::command]
pub fn setup_token(state: State<'_, AppState>, token: String) -> Result<TokenPreview, ErrorView> {
    let zone = state.pos()?.config().time_zone;
    setup::token_preview(&token, zone, now_secs())
        .map_err(|e| pos_core::CoreError::SettingsInvalid { errors: vec![e] }.into())
}

/// Checks and writes the setup, then restarts the POS on it.
#[tauri::command]
pub async fn setup_save<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    form: SetupForm,
) -> Result<(), ErrorView> {
    let pos = state.pos()?;
    let bakong = setup::bakong_environment(|name| std::env::var(name).ok());
    let config = setup::run(&form, pos.config(), &bakong, now_secs()).await?;
    let Restarted { pos, refused } = pos.restart_with(config, state.options()).await?;
    crate::serve(&app, &pos);
    state.replace(pos);
    refused.map_or(Ok(()), |err| Err(err.into()))
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::tests::{charge, demo_app, invoke};

    fn form(pin_again: &str) -> Value {
        json!({
            "language": "en", "shopName": "Sokha Coffee", "city": "Kampot", "terminalId": "K1",
            "defaultCurrency": "KHR", "rielPerUsd": "4100", "pin": "2468", "pinAgain": pin_again,
            "bakong": false, "accountId": "", "token": "", "email": ""
        })
    }

    #[test]
    fn a_first_run_offers_setup_and_a_finished_one_does_not() {
        let app = demo_app();
        assert_eq!(invoke(&app, "setup_needed", json!({})).unwrap(), true);
        let errors = invoke(&app, "setup_check", json!({"form": form("2469")})).unwrap();
        assert_eq!(errors[0]["field"], "pinAgain", "{errors}");
        let err = invoke(&app, "setup_save", json!({"form": form("2469")})).unwrap_err();
        assert_eq!(err["code"], "settings_invalid");
        assert_eq!(invoke(&app, "setup_needed", json!({})).unwrap(), true);
        invoke(&app, "setup_save", json!({"form": form("2468")})).unwrap();
        assert_eq!(invoke(&app, "setup_needed", json!({})).unwrap(), false);
        // The POS runs on the new configuration.
        let card = charge(&app, "5000", "KHR").unwrap();
        assert_eq!(card["merchantName"], "Sokha Coffee");
        invoke(&app, "owner_unlock", json!({"pin": "2468"})).unwrap();
    }

    #[test]
    fn a_pasted_token_comes_back_as_its_expiry_only() {
        let app = demo_app();
        let secret = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.c2VjcmV0LXNpZ25hdHVyZQ";
        let preview = invoke(&app, "setup_token", json!({"token": secret})).unwrap();
        assert_eq!(preview["expiresOn"], "2100-01-01");
        assert!(!preview.to_string().contains("c2VjcmV0"), "{preview}");
        let err = invoke(&app, "setup_token", json!({"token": "not a token"})).unwrap_err();
        assert_eq!(err["field"], "token");
        assert!(!err.to_string().contains("not a token"), "{err}");
    }
}
