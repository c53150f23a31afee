//! Hooks for the WebDriver end-to-end tests (`tests/e2e`), compiled into debug builds only: a
//! release build ignores these variables entirely.
//!
//! - `KHQR_POS_E2E_SIM_URL_FILE`: in demo mode, write the embedded simulator's loopback URL to
//!   this file, so the test can drive the simulator's `/__sim/` control API (payments, faults).
//! - `KHQR_POS_E2E_QR_LIFETIME_MS`: QR lifetime (and the minimum accepted), so the expiry test
//!   takes seconds instead of minutes.

use crate::state::Launch;

#[cfg(debug_assertions)]
const SIM_URL_FILE: &str = "KHQR_POS_E2E_SIM_URL_FILE";
#[cfg(debug_assertions)]
const QR_LIFETIME_MS: &str = "KHQR_POS_E2E_QR_LIFETIME_MS";

/// Applies `KHQR_POS_E2E_QR_LIFETIME_MS` to the launch.
#[cfg(debug_assertions)]
pub fn adjust(mut launch: Launch) -> Launch {
    let lifetime = std::env::var(QR_LIFETIME_MS)
        .ok()
        .and_then(|ms| ms.parse::<u64>().ok())
        .map(std::time::Duration::from_millis);
    if let (Some(lifetime), Ok(config)) = (lifetime, launch.config.as_mut()) {
        config.qr_lifetime = lifetime;
        launch.options.min_lifetime = lifetime;
    }
    launch
}

/// Release builds run exactly as configured.
#[cfg(not(debug_assertions))]
pub fn adjust(launch: Launch) -> Launch {
    launch
}

/// Writes the simulator's URL where the e2e test asked for it.
#[cfg(debug_assertions)]
pub fn announce(pos: &pos_core::Pos) {
    let Some(path) = std::env::var_os(SIM_URL_FILE) else {
        return;
    };
    if !pos.is_demo() {
        return;
    }
    let pos = pos.clone();
    tauri::async_runtime::spawn(async move {
        let written = match pos.health().await {
            Ok(health) => std::fs::write(&path, health.base_url).map_err(|e| e.to_string()),
            Err(err) => Err(err.to_string()),
        };
        if let Err(err) = written {
            eprintln!("khqr-pos-app: cannot announce the simulator url: {err}");
        }
    });
}

/// Release builds announce nothing.
#[cfg(not(debug_assertions))]
pub fn announce(_pos: &pos_core::Pos) {}
