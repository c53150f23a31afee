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
    setup::token_preview(&token, zone, now_secs()).map_err(|e| {
        pos_core::CoreError::SettingsInvalid { errors: vec![e] }.into()
    })
}

/// Checks and writes the setup, then restarts the POS on it.
#[tauri::command]
pub async fn setup_save<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    form: SetupForm,
) -> Result<(), ErrorView> {
    let pos = state.pos()?;
    let config = setup::run(&form, pos.config(), now_secs()).await?;
    let Restarted { pos, refused } = pos.restart_with(config, state.options()).await?;
    crate::serve(&app, &pos);
    state.replace(pos);
    refused.map_or(Ok(()), |err| Err(err.into()))
}
