//! The customer-facing display: a second window (`customer`, `ui/customer.html`) on the
//! second monitor when there is one, else a normal window. It follows the counter through the
//! same `pos://event` events and asks for nothing but a waiting sale's card, so it shows only
//! what the customer may see (amount, QR, PAID). Closing it never touches the counter: it is
//! not the main window, and the POS lives in the app, not in a window.

use pos_cash::{Due, Rate};
use pos_core::{CoreError, DisplayMonitor, ErrorCode, ErrorView};
use serde::Serialize;
use tauri::ipc::Invoke;
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

/// The only commands the customer display may call: it shows the shop, a waiting sale and
/// its change, nothing the cashier or the owner does.
pub const COMMANDS: [&str; 3] = ["app_info", "customer_sale", "customer_change"];

/// Wraps the app's command handler so that the customer display's window can call only
/// [`COMMANDS`]; any other command from it is refused (`not_allowed`) before it runs. A guard
/// here rather than per-window capabilities: Tauri's ACL covers app commands only with an
/// app manifest listing every command, and then every window needs every command it may call
/// listed as a permission, a second list to keep in step with the handler's (see
/// ARCHITECTURE.md). Its events come through the capability (`capabilities/customer.json`).
pub fn guard<R: Runtime>(
    handler: impl Fn(Invoke<R>) -> bool + Send + Sync + 'static,
) -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    move |invoke| {
        let command = invoke.message.command();
        if invoke.message.webview_ref().label() == LABEL && !COMMANDS.contains(&command) {
            tracing::warn!(command, "the customer display called a command it may not");
            let refused = ErrorView::new(
                ErrorCode::NotAllowed,
                format!("the customer display may not call {command}"),
            );
            invoke.resolver.reject(refused);
            return true;
        }
        handler(invoke)
    }
}

/// Opens (or focuses) the window; full screen on the monitor `customer_display.monitor`
/// names, or with `auto` (also when the numbered monitor is not connected) on a monitor
/// other than the primary one when there is one.
pub fn open<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    if let Some(window) = app.get_webview_window(LABEL) {
        return window.set_focus();
    }
    let wanted = app
        .try_state::<AppState>()
        .and_then(|state| state.pos().ok())
        .map(|pos| pos.config().customer_monitor)
        .unwrap_or_default();
    let window = WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App("customer.html".into()))
        .title("KHQR POS — customer")
        .inner_size(800.0, 600.0)
        .build()?;
    #[cfg(target_os = "linux")]
    crate::webkit::tune(&window);
    let monitors = app.available_monitors()?;
    let numbered = match wanted {
        DisplayMonitor::Auto => None,
        DisplayMonitor::Number(n) => {
            let found = n
                .checked_sub(1)
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| monitors.get(i));
            if found.is_none() {
                tracing::warn!(
                    monitor = n,
                    connected = monitors.len(),
                    "the customer display's monitor is not connected; opening it as on auto"
                );
            }
            found.cloned()
        }
    };
    let primary = app.primary_monitor()?.map(|m| *m.position());
    let chosen = numbered.or_else(|| {
        monitors
            .into_iter()
            .find(|m| Some(*m.position()) != primary)
    });
    if let Some(monitor) = chosen {
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

    use crate::tests::{charge, demo_app, invoke, invoke_from};

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

    #[test]
    fn the_customer_display_may_call_only_its_own_commands() {
        let app = demo_app();
        let customer = app.window(super::LABEL);
        let card = charge(&app, "12500", "KHR").unwrap();
        let sale = json!({"saleId": card["saleId"]});
        assert_eq!(
            invoke_from(&customer, "app_info", json!({})).unwrap()["demo"],
            true
        );
        let shown = invoke_from(&customer, "customer_sale", sale.clone()).unwrap();
        assert_eq!(shown["card"]["qr"], card["qr"]);
        invoke_from(&customer, "customer_change", sale.clone()).unwrap();
        for (command, body) in [
            ("cancel_sale", sale.clone()),
            (
                "charge",
                json!({"input": {"amount": "100", "currency": "KHR", "note": null}}),
            ),
            ("simulate_payment", sale.clone()),
            ("owner_status", json!({})),
            ("owner_set_pin", json!({"pin": "2580"})),
            ("printer_open_drawer", json!({})),
            ("customer_open", json!({})),
        ] {
            let err = invoke_from(&customer, command, body).unwrap_err();
            assert_eq!(err["code"], "not_allowed", "{command}: {err}");
        }
        // Nothing ran: the sale still waits, no PIN was set; the counter may do all of it.
        let shown = invoke(&app, "customer_sale", sale.clone()).unwrap();
        assert_eq!(shown["card"]["status"], "pending");
        assert_eq!(
            invoke(&app, "owner_status", json!({})).unwrap()["pinSet"],
            false
        );
        invoke(&app, "cancel_sale", sale).unwrap();
    }
}
