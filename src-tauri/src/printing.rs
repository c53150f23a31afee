//! The receipt printer at the counter: its state for the top bar's chip, "print now", a
//! reprint (always a COPY) and the owner's "open drawer". Each command is a few lines over
//! `pos_core::printing`. The core pushes no printer events (the spooler keeps its state in
//! memory), so the chip asks [`printer_state`], which only copies that state: cheap to poll.

use std::sync::Mutex;

use pos_core::counter::Actor;
use pos_core::owner::{FoundPrinter, PrinterForm};
use pos_core::{sale_id_from_text, ErrorView, Pos, PosEvent};
use pos_print::{Fault, PrintError};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};
use ts_rs::TS;

use crate::state::AppState;

/// Why the printer cannot print now, in the words a cashier needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum PrinterFault {
    /// Out of paper.
    PaperOut,
    /// The cover is open.
    CoverOpen,
    /// Offline (an error such as a cutter jam, or waiting for recovery).
    Offline,
    /// It cannot be reached or does not answer.
    Unreachable,
    /// Anything else (a receipt that cannot be laid out, the ledger).
    Other,
}

impl PrinterFault {
    /// Classifies the spooler's fault text, which is `PrintError`'s display; the test below
    /// pins every printer fault's text, so a changed wording fails there, not at the counter.
    fn of(message: &str) -> PrinterFault {
        let is = |e: PrintError| message.contains(&e.to_string());
        if is(PrintError::NotReady {
            fault: Fault::PaperOut,
        }) {
            PrinterFault::PaperOut
        } else if is(PrintError::NotReady {
            fault: Fault::CoverOpen,
        }) {
            PrinterFault::CoverOpen
        } else if is(PrintError::NotReady {
            fault: Fault::Offline,
        }) {
            PrinterFault::Offline
        } else if message.contains(" unreachable: ") || message.contains(" did not answer within ")
        {
            PrinterFault::Unreachable
        } else {
            PrinterFault::Other
        }
    }
}

/// The printer as the counter's chip shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PrinterView {
    /// A printer is configured (without one the chip is hidden).
    pub configured: bool,
    /// Why receipts wait; `None`: ready.
    pub fault: Option<PrinterFault>,
    /// The fault in English, for the tooltip and the log.
    pub message: Option<String>,
    /// Receipts waiting for the printer ("print now" sends them).
    pub waiting: u32,
    /// Receipts that may be half on paper: the cashier checks and reprints a COPY.
    pub unsure: u32,
    /// The last sale that got a receipt in this run, for "reprint" (id as text).
    pub last_sale_id: Option<String>,
}

/// The last sale that got a receipt, kept from the core's events.
#[derive(Default)]
pub struct LastReceipt(Mutex<Option<i64>>);

impl LastReceipt {
    fn get(&self) -> Option<i64> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Remembers every sale that gets a receipt (KHQR paid, cash) for the reprint key; kept
/// across a settings restart (a second `manage` is a no-op).
pub fn watch<R: Runtime>(app: &AppHandle<R>, pos: &Pos) {
    app.manage(LastReceipt::default());
    let app = app.clone();
    let mut events = pos.subscribe();
    tauri::async_runtime::spawn(async move {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            match events.recv().await {
                Ok(PosEvent::SaleUpdated { sale }) if sale.receipt_number.is_some() => {
                    let last = app.state::<LastReceipt>();
                    *last.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(sale.id);
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break,
            }
        }
    });
}

fn view(pos: &Pos, last: &LastReceipt) -> PrinterView {
    let queue = pos.print_queue();
    let count = |v: &Vec<_>| u32::try_from(v.len()).unwrap_or(u32::MAX);
    PrinterView {
        configured: pos.config().printer.enabled(),
        fault: queue.fault.as_deref().map(PrinterFault::of),
        waiting: count(&queue.waiting),
        unsure: count(&queue.unsure),
        message: queue.fault,
        last_sale_id: last.get().map(|id| id.to_string()),
    }
}

/// The printer's state after the spooler's last attempt.
#[tauri::command]
pub fn printer_state(
    state: State<'_, AppState>,
    last: State<'_, LastReceipt>,
) -> Result<PrinterView, ErrorView> {
    Ok(view(&state.pos()?, &last))
}

/// "Print now": the waiting receipts are sent at once instead of at the next retry.
#[tauri::command]
pub fn printer_print_now(state: State<'_, AppState>) -> Result<(), ErrorView> {
    state.pos()?.print_now();
    Ok(())
}

/// Reprints a sale's receipt, always marked COPY (never a second original by accident).
#[tauri::command]
pub async fn printer_reprint(state: State<'_, AppState>, sale_id: String) -> Result<(), ErrorView> {
    let id = sale_id_from_text(&sale_id)?;
    state.pos()?.print_receipt(id, true).await?;
    Ok(())
}

/// The owner's "open drawer" without a sale (logged by the core); `false`: no drawer is
/// configured.
#[tauri::command]
pub async fn printer_open_drawer(state: State<'_, AppState>) -> Result<bool, ErrorView> {
    Ok(state.owner_pos()?.open_drawer(Actor::Owner).await?)
}

/// The owner's printer settings screen: the form as configured, the printers found on this
/// machine and the monitors the customer display can open on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PrinterScreen {
    pub form: PrinterForm,
    /// USB printers and serial ports found in `/dev`.
    pub devices: Vec<FoundPrinter>,
    /// The monitors, numbered from 1 as `customer_display.monitor` counts them.
    pub monitors: Vec<String>,
}

fn screen<R: Runtime>(app: &AppHandle<R>, pos: &Pos) -> PrinterScreen {
    let monitors = app.available_monitors().unwrap_or_default();
    PrinterScreen {
        form: PrinterForm::load(pos.config()),
        devices: pos_core::owner::found_printers(std::path::Path::new("/dev")),
        monitors: monitors
            .iter()
            .map(|m| {
                let size = m.size();
                let name = m.name().map_or("", String::as_str);
                format!("{name} {}×{}", size.width, size.height)
                    .trim()
                    .to_owned()
            })
            .collect(),
    }
}

/// The printer settings screen.
#[tauri::command]
pub fn owner_printer_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<PrinterScreen, ErrorView> {
    Ok(screen(&app, &state.owner_pos()?))
}

/// Validates and saves the printer settings, then restarts the POS with them: the spooler
/// prints to the new printer from the next receipt, without restarting the app.
#[tauri::command]
pub async fn owner_save_printer<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    form: PrinterForm,
) -> Result<PrinterForm, ErrorView> {
    let pos = state.owner_pos()?;
    let config = form.save(pos.config())?;
    let pos = crate::owner::restart(&app, &state, &pos, config).await?;
    Ok(PrinterForm::load(pos.config()))
}

/// Prints the test page on the printer the form names, saved or not (try before saving).
#[tauri::command]
pub async fn owner_print_test_page(
    state: State<'_, AppState>,
    form: PrinterForm,
) -> Result<(), ErrorView> {
    let pos = state.owner_pos()?;
    let printer = form.printer(pos.config())?;
    Ok(pos_core::printing::print_test_page(printer).await?)
}

#[cfg(test)]
mod tests {
    use pos_print::{Fault, PrintError};
    use serde_json::json;

    use super::PrinterFault;
    use crate::tests::{demo_app, invoke};

    #[test]
    fn every_printer_fault_text_is_told_apart() {
        let io = || std::io::Error::other("refused");
        for (error, fault) in [
            (
                PrintError::NotReady {
                    fault: Fault::PaperOut,
                },
                PrinterFault::PaperOut,
            ),
            (
                PrintError::NotReady {
                    fault: Fault::CoverOpen,
                },
                PrinterFault::CoverOpen,
            ),
            (
                PrintError::NotReady {
                    fault: Fault::Offline,
                },
                PrinterFault::Offline,
            ),
            (
                PrintError::Unreachable {
                    address: "10.0.0.9:9100".into(),
                    source: io(),
                },
                PrinterFault::Unreachable,
            ),
            (
                PrintError::NoReply { millis: 800 },
                PrinterFault::Unreachable,
            ),
            (PrintError::NoReceipt { sale: 4 }, PrinterFault::Other),
        ] {
            assert_eq!(PrinterFault::of(&error.to_string()), fault, "{error}");
        }
    }

    #[test]
    fn without_a_printer_the_chip_is_hidden_and_the_drawer_is_the_owners() {
        let app = demo_app();
        let state = invoke(&app, "printer_state", json!({})).unwrap();
        assert_eq!(
            state,
            json!({"configured": false, "fault": null, "message": null, "waiting": 0,
                   "unsure": 0, "lastSaleId": null})
        );
        invoke(&app, "printer_print_now", json!({})).unwrap();
        let err = invoke(&app, "printer_open_drawer", json!({})).unwrap_err();
        assert_eq!(err["code"], "owner_locked");
        invoke(&app, "owner_set_pin", json!({"pin": "2580"})).unwrap();
        assert_eq!(
            invoke(&app, "printer_open_drawer", json!({})).unwrap(),
            false
        );
        let err = invoke(&app, "printer_reprint", json!({"saleId": "x"})).unwrap_err();
        assert_eq!(err["code"], "sale_not_found");
    }

    #[test]
    fn a_saved_printer_is_the_counters_at_once_and_a_bad_one_is_named() {
        let app = demo_app();
        invoke(&app, "owner_set_pin", json!({"pin": "2580"})).unwrap();
        // (The mock runtime has no monitors, so the screen itself is the e2e test's.)
        let mut form = json!({"kind": "network", "address": "127.0.0.1:0", "widthMm": 80,
                              "drawerPin": null, "autoPrint": true, "customerMonitor": "auto"});
        let err = invoke(&app, "owner_save_printer", json!({"form": form})).unwrap_err();
        assert_eq!(err["code"], "settings_invalid");
        assert_eq!(err["field"], "printer.address");
        assert_eq!(err["details"]["fields"][0]["code"], "config_invalid");
        let err = invoke(&app, "owner_print_test_page", json!({"form": form})).unwrap_err();
        assert_eq!(err["field"], "printer.address");
        form["address"] = json!("127.0.0.1:9100");
        form["customerMonitor"] = json!("2");
        let saved = invoke(&app, "owner_save_printer", json!({"form": form})).unwrap();
        assert_eq!(saved, form);
        let state = invoke(&app, "printer_state", json!({})).unwrap();
        assert_eq!(state["configured"], true);
    }
}
