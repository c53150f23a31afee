//! The commands and events through Tauri's real IPC path on the mock runtime (no display),
//! against a real demo POS: SQLite ledger in a temp dir, simulator on loopback.

use std::sync::mpsc;
use std::time::Duration;

use pos_core::{Config, CoreError, StartOptions};
use serde_json::{json, Value};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::{Listener, WebviewWindow, WebviewWindowBuilder};

use crate::{builder, Launch, EVENT};

pub(crate) struct TestApp {
    app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    _dir: tempfile::TempDir,
}

fn start_with(config: impl FnOnce(&std::path::Path) -> Result<Config, CoreError>) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let launch = Launch {
        config: config(dir.path()),
        options: StartOptions::default(),
    };
    let mut app = builder(mock_builder(), launch)
        .build(mock_context(noop_assets()))
        .unwrap();
    // Setup (which starts the POS) runs with the first event-loop turn, as in the real app.
    // Deprecated because a loop of it busy-waits; one call is exactly what a test needs.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    TestApp {
        app,
        window,
        _dir: dir,
    }
}

pub(crate) fn demo_app() -> TestApp {
    start_with(|dir| Config::demo(dir))
}

impl TestApp {
    /// Another window of the app, such as the customer display's.
    pub(crate) fn window(&self, label: &str) -> WebviewWindow<MockRuntime> {
        WebviewWindowBuilder::new(&self.app, label, Default::default())
            .build()
            .unwrap()
    }
}

/// Invokes a command as the main web view would; `Err` carries the rejection's JSON.
pub(crate) fn invoke(app: &TestApp, cmd: &str, body: Value) -> Result<Value, Value> {
    invoke_from(&app.window, cmd, body)
}

/// Invokes a command as `window`'s web view would.
pub(crate) fn invoke_from(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    body: Value,
) -> Result<Value, Value> {
    let request = tauri::webview::InvokeRequest {
        cmd: cmd.into(),
        callback: tauri::ipc::CallbackFn(0),
        error: tauri::ipc::CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: tauri::ipc::InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|r| r.deserialize::<Value>().unwrap())
}

pub(crate) fn charge(app: &TestApp, amount: &str, currency: &str) -> Result<Value, Value> {
    invoke(
        app,
        "charge",
        json!({"input": {"amount": amount, "currency": currency, "note": null}}),
    )
}

#[test]
fn app_info_reports_demo_mode_and_the_shop_without_any_secret() {
    let app = demo_app();
    let info = invoke(&app, "app_info", json!({})).unwrap();
    assert_eq!(info["demo"], true);
    assert!(info["merchantName"].as_str().is_some_and(|n| !n.is_empty()));
    assert!(matches!(
        info["defaultCurrency"].as_str(),
        Some("KHR" | "USD")
    ));
    // The keypad stops at the shop's maximum (the demo config's defaults).
    assert_eq!(info["maxAmountKhr"], "40000000");
    assert_eq!(info["maxAmountUsd"], "10000.00");
    assert_eq!(
        info["acceptUnverified"], true,
        "on unless the owner turns it off"
    );
    let keys: Vec<&String> = info.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 7, "unexpected fields in app_info: {keys:?}");
}

#[test]
fn a_fresh_ledger_has_no_sale_waiting_from_a_previous_run() {
    let app = demo_app();
    charge(&app, "5000", "KHR").unwrap();
    // Only a sale waiting when this run started comes back, not one charged since.
    assert_eq!(
        invoke(&app, "waiting_sale", json!({})).unwrap(),
        Value::Null
    );
}

#[test]
fn charging_a_typed_riel_amount_returns_a_pending_card_with_its_qr() {
    let app = demo_app();
    let card = charge(&app, "1,300,000", "KHR").unwrap();
    assert_eq!(card["amountText"], "1,300,000");
    assert_eq!(card["amountPlain"], "1300000");
    assert_eq!(card["currency"], "KHR");
    assert_eq!(card["status"], "pending");
    assert!(card["qr"].as_str().unwrap().starts_with("000201010212"));
    assert!(card["qrSvg"].as_str().unwrap().contains("<svg"));
    assert!(card["expiresAtMs"].as_i64().unwrap() > card["createdAtMs"].as_i64().unwrap());
    assert!(card["saleId"].as_str().unwrap().parse::<i64>().is_ok());
}

#[test]
fn a_dollar_charge_gets_two_decimals_and_its_riel_equivalent() {
    let app = demo_app();
    let card = charge(&app, "10.5", "USD").unwrap();
    assert_eq!(card["amountText"], "10.50");
    assert_eq!(card["currency"], "USD");
    assert!(card["khrEquivalentText"].as_str().is_some());
}

#[test]
fn bad_amounts_come_back_as_code_and_message() {
    let app = demo_app();
    for (amount, currency, needle) in [
        ("0", "KHR", "more than zero"),
        ("", "KHR", "enter an amount"),
        ("12.5", "KHR", "decimal"),
        ("1.005", "USD", "decimal"),
        ("abc", "USD", "not a number"),
    ] {
        let err = charge(&app, amount, currency).unwrap_err();
        assert_eq!(err["code"], "amount_invalid", "{amount:?}: {err}");
        assert!(
            err["message"].as_str().unwrap().contains(needle),
            "{amount:?}: {err}"
        );
    }
}

#[test]
fn an_unknown_currency_is_refused_before_reaching_the_core() {
    let app = demo_app();
    assert!(charge(&app, "5", "EUR").is_err());
}

#[test]
fn unknown_sale_ids_are_reported_as_sale_not_found() {
    let app = demo_app();
    for id in ["abc", "999999"] {
        for cmd in ["cancel_sale", "regenerate", "simulate_payment"] {
            let err = invoke(&app, cmd, json!({"saleId": id})).unwrap_err();
            assert_eq!(err["code"], "sale_not_found", "{cmd} {id}: {err}");
        }
    }
}

#[test]
fn accepting_on_the_customers_screen_is_refused_while_bakong_answers_and_changes_nothing() {
    let app = demo_app();
    let card = charge(&app, "5000", "KHR").unwrap();
    let id = card["saleId"].as_str().unwrap();
    let args = json!({"saleId": id, "payerRef": "4821"});
    let err = invoke(&app, "accept_unverified", args).unwrap_err();
    assert_eq!(err["code"], "accept_not_needed", "{err}");
    let err = invoke(
        &app,
        "accept_unverified",
        json!({"saleId": "abc", "payerRef": "1"}),
    );
    assert_eq!(err.unwrap_err()["code"], "sale_not_found");
    // Still waiting: the cashier can cancel it as before.
    assert_eq!(
        invoke(&app, "cancel_sale", json!({"saleId": id})).unwrap(),
        "cancelled"
    );
}

#[test]
fn cancelling_then_regenerating_makes_a_new_sale_for_the_same_amount() {
    let app = demo_app();
    let card = charge(&app, "7500", "KHR").unwrap();
    let id = card["saleId"].as_str().unwrap();
    assert_eq!(
        invoke(&app, "cancel_sale", json!({"saleId": id})).unwrap(),
        "cancelled"
    );
    let fresh = invoke(&app, "regenerate", json!({"saleId": id})).unwrap();
    assert_ne!(fresh["saleId"], card["saleId"]);
    assert_ne!(fresh["md5"], card["md5"]);
    assert_eq!(fresh["amountText"], "7,500");
}

#[test]
fn a_simulated_payment_is_pushed_to_the_window_as_a_paid_status_event() {
    let app = demo_app();
    let (tx, rx) = mpsc::channel::<Value>();
    app.app.listen_any(EVENT, move |event| {
        if let Ok(value) = serde_json::from_str::<Value>(event.payload()) {
            let _ = tx.send(value);
        }
    });
    let card = charge(&app, "5000", "KHR").unwrap();
    let id = card["saleId"].as_str().unwrap().to_owned();
    invoke(&app, "simulate_payment", json!({"saleId": id})).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let event = rx.recv_timeout(left).expect("no paid event within 30 s");
        if event["kind"] == "status" && event["saleId"] == id.as_str() && event["status"] == "paid"
        {
            break;
        }
    }
}

#[test]
fn a_failed_start_is_what_every_command_reports() {
    let app = start_with(|_| {
        Err(CoreError::ConfigInvalid {
            field: "merchant.name".into(),
            reason: "must not be empty".into(),
        })
    });
    let err = invoke(&app, "app_info", json!({})).unwrap_err();
    assert_eq!(err["code"], "config_invalid");
    assert!(err["message"].as_str().unwrap().contains("merchant.name"));
    assert_eq!(
        charge(&app, "100", "KHR").unwrap_err()["code"],
        "config_invalid"
    );
}
