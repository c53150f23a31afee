//! The owner's counter commands: refunds, the exchange rate, cashier accounts and shifts with
//! their Z reports. Like `owner.rs`, each goes through [`AppState::owner_pos`] (refused with
//! `owner_locked` until the owner PIN is given) and is a few lines over
//! `pos_core::owner::counter`, which acts as the owner. A cashier's PIN goes in and never
//! comes out.

use pos_core::counter::Actor;
use pos_core::owner::counter::{
    self, CashierRow, NewCashier, OwnerClose, RateInfo, RefundInput, Refundable, ShiftRow, ZView,
};
use pos_core::owner::{export_dir, ExportResult};
use pos_core::{ErrorView, RefundView};
use tauri::State;

use crate::state::AppState;

/// A receipt of this terminal with its refunds and what remains refundable.
#[tauri::command]
pub async fn owner_refundable(
    state: State<'_, AppState>,
    receipt: i64,
) -> Result<Refundable, ErrorView> {
    Ok(counter::refundable(&state.owner_pos()?, receipt).await?)
}

/// Records a refund (cash from the open drawer, or paid back from the bank app).
#[tauri::command]
pub async fn owner_refund(
    state: State<'_, AppState>,
    input: RefundInput,
) -> Result<RefundView, ErrorView> {
    Ok(counter::refund(&state.owner_pos()?, &input).await?)
}

/// The rate in force and its change log.
#[tauri::command]
pub async fn owner_rate(state: State<'_, AppState>) -> Result<RateInfo, ErrorView> {
    Ok(counter::rate_info(&state.owner_pos()?).await?)
}

/// Sets the rate (riel per dollar, as typed); new sales freeze it.
#[tauri::command]
pub async fn owner_set_rate(
    state: State<'_, AppState>,
    rate: String,
) -> Result<RateInfo, ErrorView> {
    let pos = state.owner_pos()?;
    pos.set_rate(Actor::Owner, &rate).await?;
    Ok(counter::rate_info(&pos).await?)
}

/// The cashier accounts.
#[tauri::command]
pub async fn owner_cashiers(state: State<'_, AppState>) -> Result<Vec<CashierRow>, ErrorView> {
    Ok(counter::cashier_rows(&state.owner_pos()?).await?)
}

/// Adds a cashier account with its PIN.
#[tauri::command]
pub async fn owner_add_cashier(
    state: State<'_, AppState>,
    cashier: NewCashier,
) -> Result<Vec<CashierRow>, ErrorView> {
    let pos = state.owner_pos()?;
    pos.add_cashier(Actor::Owner, &cashier.name, &cashier.pin)
        .await?;
    Ok(counter::cashier_rows(&pos).await?)
}

/// Disables a cashier account, once.
#[tauri::command]
pub async fn owner_disable_cashier(
    state: State<'_, AppState>,
    name: String,
) -> Result<Vec<CashierRow>, ErrorView> {
    let pos = state.owner_pos()?;
    pos.disable_cashier(Actor::Owner, &name).await?;
    Ok(counter::cashier_rows(&pos).await?)
}

/// This terminal's shifts: the open one, then the closed ones with their Z reports.
#[tauri::command]
pub async fn owner_shifts(state: State<'_, AppState>) -> Result<Vec<ShiftRow>, ErrorView> {
    Ok(counter::shift_rows(&state.owner_pos()?).await?)
}

/// Z report `number` of this terminal.
#[tauri::command]
pub async fn owner_z_report(state: State<'_, AppState>, number: i64) -> Result<ZView, ErrorView> {
    Ok(counter::z_view(&state.owner_pos()?, number).await?)
}

/// Writes Z report `number` as CSV into the export folder and says where.
#[tauri::command]
pub async fn owner_z_csv(
    state: State<'_, AppState>,
    number: i64,
) -> Result<ExportResult, ErrorView> {
    let pos = state.owner_pos()?;
    let dir = export_dir(pos.config());
    Ok(counter::export_z_csv(&pos, number, &dir).await?)
}

/// Closes this terminal's open shift as the owner, whoever opened it.
#[tauri::command]
pub async fn owner_close_shift(
    state: State<'_, AppState>,
    close: OwnerClose,
) -> Result<ZView, ErrorView> {
    Ok(counter::close_shift(&state.owner_pos()?, &close).await?)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::tests::{demo_app, invoke};

    #[test]
    fn every_counter_command_of_the_owner_is_refused_until_the_pin_is_given() {
        let app = demo_app();
        for (cmd, body) in [
            ("owner_refundable", json!({"receipt": 1})),
            (
                "owner_refund",
                json!({"input": {"receipt": 1, "amount": "1", "currency": "KHR", "tender": "cash", "bankReference": null, "reason": null}}),
            ),
            ("owner_rate", json!({})),
            ("owner_set_rate", json!({"rate": "4000"})),
            ("owner_cashiers", json!({})),
            (
                "owner_add_cashier",
                json!({"cashier": {"name": "Dara", "pin": "1357"}}),
            ),
            ("owner_disable_cashier", json!({"name": "Dara"})),
            ("owner_shifts", json!({})),
            ("owner_z_report", json!({"number": 1})),
            ("owner_z_csv", json!({"number": 1})),
            (
                "owner_close_shift",
                json!({"close": {"countedKhr": "0", "countedUsd": "0", "reason": null}}),
            ),
        ] {
            let err = invoke(&app, cmd, body).unwrap_err();
            assert_eq!(err["code"], "owner_locked", "{cmd}: {err}");
        }
    }

    #[test]
    fn the_owner_sets_the_rate_adds_cashiers_and_never_sees_a_pin_again() {
        let app = demo_app();
        invoke(&app, "owner_set_pin", json!({"pin": "2580"})).unwrap();
        let err = invoke(&app, "owner_set_rate", json!({"rate": "0"})).unwrap_err();
        assert_eq!(err["code"], "rate_invalid");
        let rate = invoke(&app, "owner_set_rate", json!({"rate": "4,050"})).unwrap();
        assert_eq!(rate["rielPerUsd"], 4050);
        assert_eq!(rate["log"][0]["by"], "owner");
        let list = invoke(
            &app,
            "owner_add_cashier",
            json!({"cashier": {"name": "Dara", "pin": "1357"}}),
        )
        .unwrap();
        assert_eq!(list[0]["name"], "Dara");
        assert!(!list.to_string().contains("1357"), "{list}");
        let list = invoke(&app, "owner_disable_cashier", json!({"name": "Dara"})).unwrap();
        assert!(list[0]["disabledText"].is_string(), "{list}");
        let err = invoke(&app, "owner_z_report", json!({"number": 1})).unwrap_err();
        assert!(
            err["message"].as_str().unwrap().contains("no z report #1"),
            "{err}"
        );
    }
}
