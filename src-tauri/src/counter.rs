//! The till's commands (issue 12): who is signed in, the shift and its drawer, cash and split
//! sales with the change shown live. Each is a few lines over `pos_core::counter`; the money
//! arithmetic is `pos_cash`'s, and every amount reaches the screen as text already formatted
//! here (the web view never adds up money). The sign-in lives in [`Till`], on this side: a
//! PIN goes in once and never comes back, the web view learns only the name.

use std::sync::Mutex;

use pos_cash::{Change, PerCurrency, Settlement, ShiftTotals};
use pos_core::counter::{
    Actor, CashPreview, CashSaleRequest, CloseShiftRequest, MovementRequest, ShiftView, ZReport,
    OWNER,
};
use pos_core::{ErrorCode, ErrorView, Pos};
use pos_domain::{Currency, Money};
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use crate::ipc::SaleCard;
use crate::state::AppState;

/// Who is signed in at the till, for the app's lifetime (or until signing out).
#[derive(Debug, Default)]
pub struct Till(Mutex<Option<SignedIn>>);

#[derive(Debug, Clone)]
struct SignedIn {
    actor: Actor,
    name: String,
}

impl Till {
    fn get(&self) -> Option<SignedIn> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set(&self, signed_in: Option<SignedIn>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = signed_in;
    }

    /// The signed-in actor, or `not_allowed` until someone signs in.
    fn actor(&self) -> Result<Actor, ErrorView> {
        self.get()
            .map(|s| s.actor)
            .ok_or_else(|| ErrorView::new(ErrorCode::NotAllowed, "sign in at the till first"))
    }
}

/// A cash sale as the cashier types it; Rust parses every amount (never a float).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CashInput {
    /// The total as typed on the keypad.
    pub amount: String,
    /// Its currency.
    #[ts(type = "Currency")]
    pub currency: Currency,
    /// Dollars handed over: an amount (`20`) or the quick keys' note counts (`20x1 5x1`).
    pub usd_given: String,
    /// Riel handed over, the same way (`10,000` or `10000x1 1000x2`).
    pub khr_given: String,
    /// The "all change in riel" key.
    pub all_riel: bool,
    /// The sale's note.
    pub note: Option<String>,
}

impl CashInput {
    fn request(self, split: bool) -> CashSaleRequest {
        CashSaleRequest {
            amount: self.amount,
            currency: Some(self.currency),
            usd_given: Some(self.usd_given),
            khr_given: Some(self.khr_given),
            all_riel: self.all_riel,
            split,
            note: self.note,
        }
    }
}

/// Change to give and the rounding line, as text (`2.00`, `3,100`, `-25`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChangeText {
    /// Whole dollars.
    pub usd: String,
    /// Riel, a multiple of 100.
    pub khr: String,
    /// The rounding line in riel: positive the shop keeps it, negative the customer does.
    pub rounding_khr: String,
}

impl ChangeText {
    fn new(change: Change, rounding: Money) -> ChangeText {
        ChangeText {
            usd: change.usd.to_string(),
            khr: change.khr.to_string(),
            rounding_khr: rounding.to_string(),
        }
    }
}

/// What is still due when the cash is short.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StillDueText {
    /// More riel cash that would settle it (rounded to 100 riel).
    pub cash_khr: String,
    /// Exactly what a KHQR for the rest asks.
    pub khqr: String,
    /// The KHQR's currency.
    #[ts(type = "Currency")]
    pub khqr_currency: Currency,
}

/// The cash screen's figures: due in both currencies at the frozen rate, what was handed
/// over, and the change or what is still due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CashQuote {
    /// The rate (riel per dollar) this sale uses.
    #[ts(type = "number")]
    pub riel_per_usd: i64,
    /// Due in riel.
    pub due_khr: String,
    /// Due in dollars.
    pub due_usd: String,
    /// Dollars handed over.
    pub given_usd: String,
    /// Riel handed over.
    pub given_khr: String,
    /// Paid in full: the change.
    pub change: Option<ChangeText>,
    /// Short: what remains.
    pub still_due: Option<StillDueText>,
}

impl From<CashPreview> for CashQuote {
    fn from(p: CashPreview) -> Self {
        let (change, still_due) = match p.settlement {
            Settlement::Complete { change, rounding } => {
                (Some(ChangeText::new(change, rounding)), None)
            }
            Settlement::StillDue(still) => (
                None,
                Some(StillDueText {
                    cash_khr: still.cash_khr.to_string(),
                    khqr: still.khqr.to_string(),
                    khqr_currency: still.khqr.currency,
                }),
            ),
        };
        CashQuote {
            riel_per_usd: p.riel_per_usd,
            due_khr: p.due_khr.to_string(),
            due_usd: p.due_usd.to_string(),
            given_usd: p.tendered.usd.to_string(),
            given_khr: p.tendered.khr.to_string(),
            change,
            still_due,
        }
    }
}

/// A cash sale recorded: the change to give and its receipt, or for a split sale the KHQR
/// card for the rest (the counter's waiting and PAID flow takes it from there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CashDone {
    /// The change as recorded (none for a split sale).
    pub change: Option<ChangeText>,
    /// The receipt number of a finished cash sale.
    #[ts(type = "number | null")]
    pub receipt_number: Option<i64>,
    /// A split sale's QR for exactly the rest.
    pub khqr: Option<SaleCard>,
}

/// One line of an X or Z report: riel and dollars as text, and a count where it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReportLine {
    /// What the line is (`float`, `cashReceived`, … `variance`), for the translated label.
    pub key: String,
    /// Riel.
    pub khr: String,
    /// Dollars.
    pub usd: String,
    /// How many (sales, payments, refunds), for the lines that count.
    #[ts(type = "number | null")]
    pub count: Option<u64>,
}

impl ReportLine {
    fn new(key: &str, amounts: PerCurrency, count: Option<u64>) -> ReportLine {
        ReportLine {
            key: key.to_owned(),
            khr: amounts.get(Currency::Khr).to_string(),
            usd: amounts.get(Currency::Usd).to_string(),
            count,
        }
    }

    /// A shift's totals per currency and tender, as the X and Z reports show them.
    fn totals(t: &ShiftTotals) -> Vec<ReportLine> {
        vec![
            Self::new("float", t.opening, None),
            Self::new("cashReceived", t.cash_tendered, Some(t.cash_sales)),
            Self::new("changeGiven", t.change_given, None),
            Self::new("rounding", PerCurrency::new(t.rounding_khr, 0), None),
            Self::new("cashIn", t.cash_in, None),
            Self::new("cashOut", t.cash_out, None),
            Self::new("refundsCash", t.refunds_cash, Some(t.refunds)),
            Self::new("refundsBank", t.refunds_bank, None),
            Self::new("khqrPaid", t.khqr_paid, Some(t.khqr_paid_count)),
            Self::new("khqrAwaiting", t.khqr_awaiting, Some(t.khqr_awaiting_count)),
        ]
    }
}

/// The open shift with its X report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ShiftText {
    /// The shift's number in the ledger.
    #[ts(type = "number")]
    pub id: i64,
    /// Who opened it.
    pub opened_by: String,
    /// When, Unix ms.
    #[ts(type = "number")]
    pub opened_at_ms: i64,
    /// Opened on an earlier shop day: offer to close it.
    pub from_earlier_day: bool,
    /// The X report: totals so far, then what the drawer should hold.
    pub lines: Vec<ReportLine>,
}

/// The till bar: who is signed in and the open shift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TillView {
    /// The name signed in (`owner` for the owner), if anyone.
    pub signed_in: Option<String>,
    /// The rate in force, riel per dollar.
    #[ts(type = "number")]
    pub riel_per_usd: i64,
    /// This terminal's open shift.
    pub shift: Option<ShiftText>,
}

/// A Z report as issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ZText {
    /// 1, 2, 3… per terminal, without gaps.
    #[ts(type = "number")]
    pub number: i64,
    /// The terminal.
    pub terminal_id: String,
    /// The shift it closes.
    #[ts(type = "number")]
    pub shift_id: i64,
    /// When it was issued, Unix ms.
    #[ts(type = "number")]
    pub issued_at_ms: i64,
    /// The totals per currency and tender.
    pub lines: Vec<ReportLine>,
    /// Expected, counted and variance per currency.
    pub closing: Vec<ReportLine>,
    /// Why the variance, when one was needed.
    pub reason: Option<String>,
    /// Its place in the hash chain.
    pub hash: String,
}

async fn name_of(pos: &Pos, actor: Actor) -> Result<String, ErrorView> {
    Ok(match actor {
        Actor::Owner => OWNER.to_owned(),
        Actor::Cashier(id) => pos
            .cashiers()
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .map_or_else(|| format!("#{id}"), |c| c.name),
    })
}

async fn shift_text(pos: &Pos, view: ShiftView) -> Result<ShiftText, ErrorView> {
    let mut lines = ReportLine::totals(&view.totals);
    lines.push(ReportLine::new("expected", view.expected, None));
    Ok(ShiftText {
        id: view.shift.id.0,
        opened_by: name_of(pos, view.shift.cashier).await?,
        opened_at_ms: view.shift.opened_ms,
        from_earlier_day: view.from_earlier_day,
        lines,
    })
}

fn z_text(z: ZReport) -> ZText {
    let closing = &z.document.closing;
    ZText {
        number: z.number,
        terminal_id: z.terminal_id.clone(),
        shift_id: z.shift_id.0,
        issued_at_ms: z.issued_ms,
        lines: ReportLine::totals(&z.document.totals),
        closing: closing_lines(closing.expected, closing.counted, closing.variance),
        reason: closing.reason.clone(),
        hash: z.hash,
    }
}

async fn till_view(state: &AppState, pos: &Pos) -> Result<TillView, ErrorView> {
    let shift = match pos.shift_status().await? {
        Some(view) => Some(shift_text(pos, view).await?),
        None => None,
    };
    Ok(TillView {
        signed_in: state.till.get().map(|s| s.name),
        riel_per_usd: pos.rate().await?.riel_per_usd,
        shift,
    })
}

/// Who is signed in, the rate and the open shift (with its X report).
#[tauri::command]
pub async fn till_status(state: State<'_, AppState>) -> Result<TillView, ErrorView> {
    till_view(&state, &state.pos()?).await
}

/// Signs a cashier (or `owner`) in with their PIN; wrong PINs are throttled per account.
#[tauri::command]
pub async fn till_sign_in(
    state: State<'_, AppState>,
    name: String,
    pin: String,
) -> Result<TillView, ErrorView> {
    let pos = state.pos()?;
    let name = name.trim().to_owned();
    let actor = pos.sign_in(&name, &pin).await?;
    state.till.set(Some(SignedIn { actor, name }));
    till_view(&state, &pos).await
}

/// Signs out; the shift stays open for the next sign-in.
#[tauri::command]
pub async fn till_sign_out(state: State<'_, AppState>) -> Result<TillView, ErrorView> {
    state.till.set(None);
    till_view(&state, &state.pos()?).await
}

/// Opens a shift with the counted float per currency, as typed.
#[tauri::command]
pub async fn shift_open(
    state: State<'_, AppState>,
    float_khr: String,
    float_usd: String,
) -> Result<TillView, ErrorView> {
    let pos = state.pos()?;
    pos.open_shift(state.till.actor()?, &float_khr, &float_usd)
        .await?;
    till_view(&state, &pos).await
}

/// Cash into (`cash_in`) or out of the drawer, with a reason.
#[tauri::command]
pub async fn shift_cash_movement(
    state: State<'_, AppState>,
    cash_in: bool,
    amount: String,
    currency: Currency,
    reason: String,
) -> Result<TillView, ErrorView> {
    let pos = state.pos()?;
    let request = MovementRequest {
        cash_in,
        amount,
        currency,
        reason,
    };
    pos.cash_movement(state.till.actor()?, &request).await?;
    till_view(&state, &pos).await
}

/// The drawer as counted so far against expected: what the close would record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CountText {
    /// Expected, counted and variance per currency.
    pub lines: Vec<ReportLine>,
    /// Closing needs a written reason.
    pub reason_needed: bool,
}

/// Counts the drawer (amounts or note counts per currency) against expected; reads only.
#[tauri::command]
pub async fn shift_count(
    state: State<'_, AppState>,
    counted_khr: String,
    counted_usd: String,
) -> Result<CountText, ErrorView> {
    let request = CloseShiftRequest {
        counted_khr,
        counted_usd,
        reason: None,
    };
    let count = state.pos()?.count_preview(&request).await?;
    Ok(CountText {
        lines: closing_lines(count.expected, count.counted, count.variance),
        reason_needed: count.reason_needed,
    })
}

fn closing_lines(
    expected: PerCurrency,
    counted: PerCurrency,
    variance: PerCurrency,
) -> Vec<ReportLine> {
    vec![
        ReportLine::new("expected", expected, None),
        ReportLine::new("counted", counted, None),
        ReportLine::new("variance", variance, None),
    ]
}

/// Closes the open shift with the drawer as counted (amounts or note counts per currency)
/// and returns its Z report.
#[tauri::command]
pub async fn shift_close(
    state: State<'_, AppState>,
    counted_khr: String,
    counted_usd: String,
    reason: Option<String>,
) -> Result<ZText, ErrorView> {
    let pos = state.pos()?;
    let request = CloseShiftRequest {
        counted_khr,
        counted_usd,
        reason: reason.filter(|r| !r.trim().is_empty()),
    };
    let z = pos.close_shift(state.till.actor()?, &request).await?;
    Ok(z_text(z))
}

/// Z report `number` of this terminal.
#[tauri::command]
pub async fn z_report(state: State<'_, AppState>, number: i64) -> Result<ZText, ErrorView> {
    let pos = state.pos()?;
    let z = pos.z_report(number).await?.ok_or_else(|| no_z(number))?;
    Ok(z_text(z))
}

/// Writes Z report `number` as CSV into the owner's export folder and returns the file's path.
#[tauri::command]
pub async fn z_export_csv(state: State<'_, AppState>, number: i64) -> Result<String, ErrorView> {
    let pos = state.pos()?;
    let z = pos.z_report(number).await?.ok_or_else(|| no_z(number))?;
    let dir = pos_core::owner::export_dir(pos.config());
    Ok(pos_core::counter::export_z_csv(&z, &dir)?
        .display()
        .to_string())
}

fn no_z(number: i64) -> ErrorView {
    ErrorView::new(
        ErrorCode::NoOpenShift,
        format!("no Z report #{number} on this terminal"),
    )
}

/// The change for what has been typed so far; reads only.
#[tauri::command]
pub async fn cash_quote(
    state: State<'_, AppState>,
    input: CashInput,
) -> Result<CashQuote, ErrorView> {
    Ok(state
        .pos()?
        .cash_preview(&input.request(false))
        .await?
        .into())
}

/// Finishes a cash sale; with `split`, short cash leaves the rest to a KHQR for exactly it.
#[tauri::command]
pub async fn cash_sale(
    state: State<'_, AppState>,
    input: CashInput,
    split: bool,
) -> Result<CashDone, ErrorView> {
    state.till.actor()?;
    let done = state.pos()?.cash_sale(input.request(split)).await?;
    Ok(CashDone {
        change: done
            .khqr
            .is_none()
            .then(|| ChangeText::new(done.change, done.rounding)),
        receipt_number: done.sale.receipt_number,
        khqr: done.khqr.map(SaleCard::from),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::tests::{demo_app, invoke, TestApp};

    fn cash(app: &TestApp, cmd: &str, usd: &str, khr: &str, split: bool) -> Result<Value, Value> {
        let input = json!({"amount": "7.25", "currency": "USD", "usdGiven": usd,
            "khrGiven": khr, "allRiel": false, "note": null});
        invoke(app, cmd, json!({"input": input, "split": split}))
    }

    fn signed_in_with_a_shift() -> TestApp {
        let app = demo_app();
        invoke(&app, "owner_set_pin", json!({"pin": "2580"})).unwrap();
        let till = invoke(
            &app,
            "till_sign_in",
            json!({"name": "owner", "pin": "2580"}),
        )
        .unwrap();
        assert_eq!(till["signedIn"], "owner");
        let till = invoke(
            &app,
            "shift_open",
            json!({"floatKhr": "40,000", "floatUsd": "20"}),
        )
        .unwrap();
        assert_eq!(till["shift"]["openedBy"], "owner");
        app
    }

    #[test]
    fn nothing_moves_cash_until_someone_signs_in_and_a_pin_never_comes_back() {
        let app = demo_app();
        invoke(&app, "owner_set_pin", json!({"pin": "2580"})).unwrap();
        let till = invoke(&app, "till_status", json!({})).unwrap();
        assert_eq!(
            till,
            json!({"signedIn": null, "rielPerUsd": 4100, "shift": null})
        );
        for (cmd, body) in [
            ("shift_open", json!({"floatKhr": "0", "floatUsd": "0"})),
            (
                "shift_close",
                json!({"countedKhr": "0", "countedUsd": "0", "reason": null}),
            ),
            (
                "shift_cash_movement",
                json!({"cashIn": true, "amount": "5", "currency": "USD", "reason": "x"}),
            ),
        ] {
            assert_eq!(
                invoke(&app, cmd, body).unwrap_err()["code"],
                "not_allowed",
                "{cmd}"
            );
        }
        assert_eq!(
            cash(&app, "cash_sale", "10", "", false).unwrap_err()["code"],
            "not_allowed"
        );
        let err = invoke(
            &app,
            "till_sign_in",
            json!({"name": "owner", "pin": "0000"}),
        );
        assert_eq!(err.unwrap_err()["code"], "pin_wrong");
        let till = invoke(
            &app,
            "till_sign_in",
            json!({"name": "owner", "pin": "2580"}),
        )
        .unwrap();
        assert!(!till.to_string().contains("2580"), "{till}");
        let till = invoke(&app, "till_sign_out", json!({})).unwrap();
        assert_eq!(till["signedIn"], Value::Null);
    }

    #[test]
    fn the_quote_shows_the_change_the_sale_then_records() {
        let app = signed_in_with_a_shift();
        // $7.25 at 4,100 = 29,725 riel; $10 given: $2 and 3,075 → 3,100 riel, −25 rounding.
        let quote = cash(&app, "cash_quote", "10x1", "0", false).unwrap();
        assert_eq!(quote["dueKhr"], "29,725");
        assert_eq!(quote["dueUsd"], "7.25");
        assert_eq!(quote["givenUsd"], "10.00");
        let change = json!({"usd": "2.00", "khr": "3,100", "roundingKhr": "-25"});
        assert_eq!(quote["change"], change);
        assert_eq!(quote["stillDue"], Value::Null);
        let done = cash(&app, "cash_sale", "10x1", "0", false).unwrap();
        assert_eq!(done["change"], change);
        assert_eq!(done["receiptNumber"], 1);
        assert_eq!(done["khqr"], Value::Null);
        let err = cash(&app, "cash_quote", "7.50", "", false).unwrap_err();
        assert_eq!(err["code"], "cash_invalid");
        let till = invoke(&app, "till_status", json!({})).unwrap();
        let received = &till["shift"]["lines"][1];
        assert_eq!(received["key"], "cashReceived");
        assert_eq!(
            (&received["usd"], &received["count"]),
            (&json!("10.00"), &json!(1))
        );
    }

    #[test]
    fn short_cash_is_refused_unless_split_into_a_khqr_for_exactly_the_rest() {
        let app = signed_in_with_a_shift();
        let quote = cash(&app, "cash_quote", "5", "", false).unwrap();
        assert_eq!(quote["change"], Value::Null);
        assert_eq!(quote["stillDue"]["khqr"], "2.25");
        assert_eq!(quote["stillDue"]["khqrCurrency"], "USD");
        let err = cash(&app, "cash_sale", "5", "", false).unwrap_err();
        assert_eq!(err["code"], "cash_short");
        let done = cash(&app, "cash_sale", "5", "", true).unwrap();
        assert_eq!(done["khqr"]["amountText"], "2.25");
        assert_eq!(done["khqr"]["status"], "pending");
        assert_eq!(done["receiptNumber"], Value::Null);
    }

    #[test]
    fn closing_with_a_variance_needs_a_reason_then_issues_z_report_one() {
        let app = signed_in_with_a_shift();
        invoke(
            &app,
            "shift_cash_movement",
            json!({"cashIn": false, "amount": "10,000", "currency": "KHR", "reason": "ice"}),
        )
        .unwrap();
        // Expected 30,000 riel and $20; counted 29,000 riel and $20 (one $20 note).
        let close = json!({"countedKhr": "20000x1 5000x1 1000x4", "countedUsd": "20x1"});
        let count = invoke(&app, "shift_count", close.clone()).unwrap();
        assert_eq!(count["reasonNeeded"], true);
        assert_eq!(count["lines"][1]["khr"], "29,000");
        let err = invoke(&app, "shift_close", close.clone()).unwrap_err();
        assert_eq!(err["code"], "reason_needed");
        let mut with_reason = close;
        with_reason["reason"] = json!("gave 1,000 too much change");
        let z = invoke(&app, "shift_close", with_reason).unwrap();
        assert_eq!(z["number"], 1);
        assert_eq!(z["closing"][2]["key"], "variance");
        assert_eq!(z["closing"][2]["khr"], "-1,000");
        assert_eq!(z["closing"][2]["usd"], "0.00");
        assert_eq!(z["reason"], "gave 1,000 too much change");
        assert_eq!(invoke(&app, "z_report", json!({"number": 1})).unwrap(), z);
        assert!(invoke(&app, "z_report", json!({"number": 2})).is_err());
        // (The CSV file itself is pos-core's `export_z_csv`, tested there on a temp folder:
        // here it would land in the tester's Downloads.)
        let err = invoke(&app, "z_export_csv", json!({"number": 2})).unwrap_err();
        assert!(err["message"].as_str().unwrap().contains("#2"), "{err}");
        assert_eq!(
            invoke(&app, "till_status", json!({})).unwrap()["shift"],
            Value::Null
        );
    }
}
