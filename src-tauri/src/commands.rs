//! The cashier screen's commands. Each is a few lines: parse the IPC input, call `pos-core`,
//! convert the answer. Failures reach the UI as the core's `ErrorView`.

use pos_core::{sale_id_from_text, ChargeRequest, Currency, ErrorView};
use tauri::State;

use crate::ipc::{AppInfo, ChargeInput, CheckReply, SaleCard};
use crate::state::AppState;

/// What the cashier screen needs at start.
#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> Result<AppInfo, ErrorView> {
    let pos = state.pos()?;
    let config = pos.config();
    Ok(AppInfo {
        demo: pos.is_demo(),
        merchant_name: config.merchant.name.clone(),
        default_currency: config.default_currency,
        max_amount_khr: config.max_amount(Currency::Khr).plain(),
        max_amount_usd: config.max_amount(Currency::Usd).plain(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        accept_unverified: config.accept_unverified,
    })
}

/// The sale that was waiting for payment when the app started (after a crash or restart),
/// as it stands now, so the counter can show it again; `None` if there was none.
#[tauri::command]
pub async fn waiting_sale(state: State<'_, AppState>) -> Result<Option<SaleCard>, ErrorView> {
    let waiting = state.pos()?.waiting_at_start().await?;
    Ok(waiting.map(|(view, sale)| SaleCard::resumed(view, &sale)))
}

/// Records a pending sale and returns its KHQR card.
#[tauri::command]
pub async fn charge(state: State<'_, AppState>, input: ChargeInput) -> Result<SaleCard, ErrorView> {
    let request = ChargeRequest {
        amount: input.amount,
        currency: Some(input.currency),
        note: input.note,
        ..ChargeRequest::default()
    };
    Ok(state.pos()?.charge(request).await?.into())
}

/// Cancels a pending sale and returns its new status; a sale already closed (paid meanwhile,
/// expired) stays as it is and the cancel is refused with `invalid_transition`.
#[tauri::command]
pub async fn cancel_sale(
    state: State<'_, AppState>,
    sale_id: String,
) -> Result<pos_core::SaleStatus, ErrorView> {
    let id = sale_id_from_text(&sale_id)?;
    Ok(state.pos()?.cancel(id).await?.status)
}

/// A fresh QR for the same amount (a new sale); a still-pending old one is cancelled first,
/// so only one QR can be paid.
#[tauri::command]
pub async fn regenerate(
    state: State<'_, AppState>,
    sale_id: String,
) -> Result<SaleCard, ErrorView> {
    let id = sale_id_from_text(&sale_id)?;
    Ok(state.pos()?.regenerate(id).await?.into())
}

/// "Customer shows paid": one check with Bakong for the sale, now.
#[tauri::command]
pub async fn check_now(
    state: State<'_, AppState>,
    sale_id: String,
) -> Result<CheckReply, ErrorView> {
    let id = sale_id_from_text(&sale_id)?;
    Ok(state.pos()?.check_now(id).await?.into())
}

/// Bakong cannot answer: the cashier accepts the sale on the customer's success screen with
/// the payer's reference shown there; returns its new status (accepted-unverified, or paid
/// when Bakong confirmed it meanwhile).
#[tauri::command]
pub async fn accept_unverified(
    state: State<'_, AppState>,
    sale_id: String,
    payer_ref: String,
) -> Result<pos_core::SaleStatus, ErrorView> {
    let id = sale_id_from_text(&sale_id)?;
    Ok(state.pos()?.accept_unverified(id, &payer_ref).await?.status)
}

/// Demo mode only: the simulated customer pays the sale's QR.
#[tauri::command]
pub async fn simulate_payment(
    state: State<'_, AppState>,
    sale_id: String,
) -> Result<(), ErrorView> {
    let id = sale_id_from_text(&sale_id)?;
    Ok(state.pos()?.demo_pay(id).await?)
}
