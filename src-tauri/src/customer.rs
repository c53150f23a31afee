//! The customer-facing display: a second window (`customer`, `ui/customer.html`) on the
//! second monitor when there is one, else a normal window. It follows the counter through the
//! same `pos://event` events and asks for nothing but a waiting sale's card, so it shows only
//! what the customer may see (amount, QR, PAID). Closing it never touches the counter: it is
//! not the main window, and the POS lives in the app, not in a window.

use pos_cash::{Due, Rate};
use pos_core::{CoreError, ErrorCode, ErrorView};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State, WebviewUrl, WebviewWindowBuilder};
use ts_rs::TS;

use crate::ipc::SaleCard;
use crate::state::AppState;

/// The window's label (its capability, `capabilities/customer.json`, names it).
pub const LABEL: &str = "customer";

/// Set to `1` to open the customer display at start (a shop with a second screen).
pub const ENV_OPEN: &str = "KHQR_POS_CUSTOMER_DISPLAY";

/// What the customer display shows for a sale waiting for its KHQR payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CustomerSale {
    /// The same card as the cashier's (same QR payload).
    pub card: SaleCard,
    /// The amount in riel at the shop rate (`1,300,000`).
    pub khr_text: String,
    /// The amount in dollars at the shop rate, rounded up for a riel sale (`317.08`).
    pub usd_text: String,
}

/// Opens the customer display, or brings it forward when it is open.
#[tauri::command]
pub fn customer_open<R: Runtime>(app: AppHandle<R>) -> Result<(), ErrorView> {
    open(&app).map_err(|e| ErrorView::new(ErrorCode::Internal, e.to_string()))
}

/// A waiting sale's card for the customer display, with the amount in both currencies.
#[tauri::command]
pub async fn customer_sale(
    state: State<'_, AppState>,
    sale_id: String,
) -> Result<CustomerSale, ErrorView> {
    let pos = state.pos()?;
    let view = pos.card(pos_core::sale_id_from_text(&sale_id)?).await?;
    let rate = pos.rate().await?.riel_per_usd;
    let due = Rate::new(rate)
        .and_then(|rate| Due::new(view.amount, rate))
        .map_err(CoreError::Cash)?;
    Ok(CustomerSale {
        khr_text: due.khr.to_string(),
        usd_text: due.usd.to_string(),
        card: view.into(),
    })
}

/// The change a paid cash sale gave back, as the customer reads it (`1.00 USD`, `1,000 KHR`);
/// empty when there was none.
#[tauri::command]
pub async fn customer_change(
    state: State<'_, AppState>,
    sale_id: String,
) -> Result<Vec<String>, ErrorView> {
    let id = pos_core::sale_id_from_text(&sale_id)?;
    let change = state.pos()?.change_given(id).await?;
    Ok(change
        .iter()
        .map(|m| format!("{m} {}", m.currency))
        .collect())
}

/// Opens (or focuses) the window; full screen on a monitor other than the primary one when
/// there is one.
pub fn open<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    if let Some(window) = app.get_webview_window(LABEL) {
        return window.set_focus();
    }
    let window = WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App("customer.html".into()))
        .title("KHQR POS — customer")
        .inner_size(800.0, 600.0)
        .build()?;
    #[cfg(target_os = "linux")]
    crate::webkit::tune(&window);
    let primary = app.primary_monitor()?.map(|m| *m.position());
    let second = app
        .available_monitors()?
        .into_iter()
        .find(|m| Some(*m.position()) != primary);
    if let Some(monitor) = second {
        window.set_position(*monitor.position())?;
        window.set_fullscreen(true)?;
    }
    Ok(())
}

/// Opens the display at start when [`ENV_OPEN`] says so; a failure is logged, the counter
/// runs on.
pub fn open_at_start<R: Runtime>(app: &AppHandle<R>) {
    if std::env::var(ENV_OPEN).is_ok_and(|v| v == "1") {
        if let Err(err) = open(app) {
            tracing::warn!("cannot open the customer display: {err}");
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::tests::{charge, demo_app, invoke};

    #[test]
    fn the_customer_sees_the_cashiers_qr_and_the_amount_in_both_currencies() {
        let app = demo_app();
        let card = charge(&app, "12500", "KHR").unwrap();
        let shown = invoke(&app, "customer_sale", json!({"saleId": card["saleId"]})).unwrap();
        assert_eq!(shown["card"]["qr"], card["qr"]);
        assert_eq!(shown["card"]["amountText"], "12,500");
        assert_eq!(shown["khrText"], "12,500");
        // The demo's shop rate is 4,100 riel per dollar: 12,500 riel is 3.0487… dollars,
        // rounded up so that paying the shown dollars always covers it.
        assert_eq!(shown["usdText"], "3.05");
        let card = charge(&app, "10.5", "USD").unwrap();
        let shown = invoke(&app, "customer_sale", json!({"saleId": card["saleId"]})).unwrap();
        assert_eq!(shown["usdText"], "10.50");
        assert_eq!(shown["khrText"], "43,050");
        // A KHQR sale gives no change.
        let change = invoke(&app, "customer_change", json!({"saleId": card["saleId"]})).unwrap();
        assert_eq!(change, json!([]));
        let err = invoke(&app, "customer_sale", json!({"saleId": "999"})).unwrap_err();
        assert_eq!(err["code"], "sale_not_found");
    }
}
