//! The KHQR POS desktop app: the only crate that knows Tauri. It starts `pos-core` once in
//! `setup()`, exposes a handful of commands of a few lines each, and pushes payment progress to
//! the web view as events. The Bakong token stays on this side: no command returns it, and the
//! web view may only listen to events (see `capabilities/default.json`).

#[cfg(test)]
mod bindings;
mod commands;
mod counter;
mod customer;
mod e2e_hooks;
mod ipc;
mod owner;
mod owner_counter;
mod printing;
mod setup;
mod state;
#[cfg(test)]
mod tests;
#[cfg(target_os = "linux")]
mod webkit;

use std::process::ExitCode;

use pos_core::{Config, LoadOptions, StartOptions};
use tauri::{Emitter, Manager, Runtime};

pub use state::Launch;

/// The event payment progress is pushed on; the UI listens to it (`ui/src/ipc/client.ts`).
pub const EVENT: &str = "pos://event";

/// Registers the commands and the start-up on any runtime (the real one, or the mock runtime
/// in tests), so the app and its tests run the same code.
pub fn builder<R: Runtime>(builder: tauri::Builder<R>, launch: Launch) -> tauri::Builder<R> {
    builder
        .invoke_handler(customer::guard(tauri::generate_handler![
            commands::app_info,
            commands::charge,
            commands::cancel_sale,
            commands::regenerate,
            commands::simulate_payment,
            commands::waiting_sale,
            commands::check_now,
            commands::accept_unverified,
            counter::till_status,
            counter::till_sign_in,
            counter::till_sign_out,
            counter::shift_open,
            counter::shift_cash_movement,
            counter::shift_count,
            counter::shift_close,
            counter::z_report,
            counter::z_export_csv,
            counter::cash_quote,
            counter::cash_sale,
            owner::owner_status,
            owner::owner_set_pin,
            owner::owner_unlock,
            owner::owner_lock,
            owner::owner_change_pin,
            owner::owner_sales,
            owner::owner_sale_history,
            owner::owner_receipt,
            owner::owner_report,
            owner::owner_export_csv,
            owner::owner_recheck_preview,
            owner::owner_recheck,
            owner::owner_health,
            owner::owner_save_token,
            owner::owner_renew_token,
            owner::owner_export_diagnostics,
            owner::owner_settings,
            owner::owner_save_settings,
            printing::printer_state,
            printing::printer_print_now,
            printing::printer_reprint,
            printing::printer_open_drawer,
            printing::owner_printer_settings,
            printing::owner_save_printer,
            printing::owner_print_test_page,
            customer::customer_open,
            customer::customer_sale,
            customer::customer_change,
            owner_counter::owner_refundable,
            owner_counter::owner_refund,
            owner_counter::owner_rate,
            owner_counter::owner_set_rate,
            owner_counter::owner_cashiers,
            owner_counter::owner_add_cashier,
            owner_counter::owner_disable_cashier,
            owner_counter::owner_shifts,
            owner_counter::owner_z_report,
            owner_counter::owner_z_csv,
            owner_counter::owner_close_shift,
            setup::setup_needed,
            setup::setup_check,
            setup::setup_token,
            setup::setup_save,
            // The whole shop (issue 15).
            owner::owner_shop_day,
            owner::owner_set_shop_rate,
        ]))
        .setup(move |app| {
            #[cfg(target_os = "linux")]
            if let Some(window) = app.get_webview_window("main") {
                webkit::tune(&window);
            }
            let started =
                tauri::async_runtime::block_on(state::start(launch.config, launch.options.clone()));
            if let Ok(pos) = &started {
                serve(app.handle(), pos);
                if let Some(window) = app.get_webview_window("main") {
                    let demo = if pos.is_demo() { " — DEMO" } else { "" };
                    let title = format!("KHQR POS — {}{demo}", pos.config().merchant.name);
                    window.set_title(&title)?;
                }
            }
            app.manage(state::AppState::new(started, launch.options));
            customer::open_at_start(app.handle());
            Ok(())
        })
}

/// Connects a freshly started POS to the window: its events are pushed, and the e2e tests
/// learn its simulator.
fn serve<R: Runtime>(app: &tauri::AppHandle<R>, pos: &pos_core::Pos) {
    forward_events(app.clone(), pos.subscribe());
    e2e_hooks::announce(pos);
    printing::watch(app, pos);
}

/// Pushes every core event the screen cares about to the web view, for the app's lifetime.
fn forward_events<R: Runtime>(
    app: tauri::AppHandle<R>,
    mut events: tokio::sync::broadcast::Receiver<pos_core::PosEvent>,
) {
    use tokio::sync::broadcast::error::RecvError;
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => {
                    if let Some(ui) = ipc::UiEvent::from_core(event) {
                        if let Err(err) = app.emit(EVENT, ui) {
                            tracing::warn!("cannot push an event to the window: {err}");
                        }
                    }
                }
                // A burst the window missed: the next status event brings it up to date.
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!("the window missed {missed} events");
                }
                Err(RecvError::Closed) => break,
            }
        }
    });
}

/// Runs the app until its window closes: configuration from the usual places (file,
/// environment), demo mode when no Bakong token is configured.
pub fn run() -> ExitCode {
    #[cfg(target_os = "linux")]
    webkit::configure();
    let config = Config::load(LoadOptions::default());
    if let Ok(config) = &config {
        // A log that cannot be written must not keep the counter closed.
        if let Err(err) = pos_core::logs::init(&config.data_dir, "khqr-pos-app") {
            eprintln!("khqr-pos-app: no log file: {err}");
        }
    }
    let launch = Launch {
        config,
        options: StartOptions {
            daily_backups: true,
            shared_checks: true,
            ..StartOptions::default()
        },
    };
    let launch = e2e_hooks::adjust(launch);
    match builder(tauri::Builder::default(), launch).run(tauri::generate_context!()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("khqr-pos-app: {err}");
            ExitCode::FAILURE
        }
    }
}
