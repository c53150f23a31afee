//! Generates `ui/src/ipc/bindings.ts` from every type that crosses IPC (the screen's own types
//! in `ipc.rs` and the core's views, derived with `ts-rs` behind pos-core's `ts` feature) and
//! checks that the committed file is fresh. Run `UPDATE_IPC_BINDINGS=1 cargo test -p
//! khqr-pos-app bindings` after changing one; CI runs the same test without the variable and
//! fails on a stale file.

use std::path::PathBuf;

use pos_core::diagnostics::DiagnosticsExport;
use pos_core::owner::counter::{
    CashierRow, NewCashier, OwnerClose, RateEntry, RateInfo, RefundInput, RefundKind, Refundable,
    ShiftRow, ZLine, ZView,
};
use pos_core::owner::{CounterPush, ShopDay, ShopLine, ShopRateView};
use pos_core::owner::{
    EndOfDay, ExportResult, FieldError, FoundPrinter, HistoryEntry, OwnerHealth, OwnerStatus,
    PrinterForm, ReceiptView, RecheckPreview, Settings, TokenStatus,
};
use pos_core::setup::{SetupForm, TokenPreview};
use pos_core::{
    BackupAttempt, BackupStatus, BackupTrigger, DayReport, ErrorCode, ErrorDetails, ErrorView,
    MerchantKind, OwnerQuery, PaymentView, RecheckView, RefundView, SaleView, SalesList,
    TenderTotalView, TokenStore, TotalView,
};
use pos_domain::{Currency, Money, SaleStatus};
use serde::Serialize;
use ts_rs::{Config, TS};

use crate::counter::{
    CashDone, CashInput, CashQuote, ChangeText, CountText, ReportLine, ShiftText, StillDueText,
    TillView, ZText,
};
use crate::customer::CustomerSale;
use crate::ipc::{
    AppInfo, CannotVerifyReason, ChargeInput, CheckReply, SaleCard, UiEvent, Verification,
};
use crate::printing::{PrinterFault, PrinterScreen, PrinterView};

/// `pos_domain::Money` has no ts-rs derive (the domain crate stays free of it); its JSON is
/// pinned against this by [`money_serializes_as_declared`].
const MONEY: &str =
    "/** An exact amount in minor units (riel, cents), as `pos_domain::Money` serializes. */\n\
                     export type Money = { minor: number, currency: Currency };\n";

/// Where the bindings live, relative to this crate.
fn bindings_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc/bindings.ts")
}

/// A union of the JSON forms of `values`, so the TypeScript side matches serde exactly.
fn union_of<T: Serialize>(name: &str, values: &[T]) -> String {
    let members: Vec<String> = values
        .iter()
        .map(|v| serde_json::to_string(v).unwrap_or_default())
        .collect();
    format!("export type {name} = {};\n", members.join(" | "))
}

fn declaration<T: TS + 'static>(cfg: &Config) -> String {
    let docs = T::docs().unwrap_or_default();
    format!("{docs}export {}\n", T::decl(cfg))
}

/// The whole bindings file.
fn generate() -> String {
    // Counts, amounts in minor units and epoch milliseconds stay far below 2^53; ids, which
    // may not, are declared (and serialized) as strings one by one.
    let cfg = Config::default().with_large_int("number");
    let mut out = String::from(
        "// Generated from the IPC types (src-tauri/src/ipc.rs and pos-core's views) by\n\
         // `UPDATE_IPC_BINDINGS=1 cargo test -p khqr-pos-app bindings`.\n\
         // Do not edit: a test fails when this file and the Rust types disagree.\n\n",
    );
    out.push_str("/** KHR or USD, as `pos_domain::Currency` serializes. */\n");
    out.push_str(&union_of("Currency", &Currency::ALL));
    out.push_str("/** Where a sale stands, as `pos_domain::SaleStatus` serializes. */\n");
    out.push_str(&union_of("SaleStatus", &SaleStatus::ALL));
    out.push_str(MONEY);
    for decl in [
        // The cashier screen.
        declaration::<AppInfo>(&cfg),
        declaration::<ChargeInput>(&cfg),
        declaration::<SaleCard>(&cfg),
        declaration::<CheckReply>(&cfg),
        declaration::<CannotVerifyReason>(&cfg),
        declaration::<Verification>(&cfg),
        declaration::<UiEvent>(&cfg),
        declaration::<PrinterView>(&cfg),
        declaration::<PrinterFault>(&cfg),
        declaration::<CustomerSale>(&cfg),
        declaration::<PrinterScreen>(&cfg),
        declaration::<PrinterForm>(&cfg),
        declaration::<FoundPrinter>(&cfg),
        // The till: sign-in, shifts, cash and split sales.
        declaration::<TillView>(&cfg),
        declaration::<ShiftText>(&cfg),
        declaration::<ReportLine>(&cfg),
        declaration::<CountText>(&cfg),
        declaration::<ZText>(&cfg),
        declaration::<CashInput>(&cfg),
        declaration::<CashQuote>(&cfg),
        declaration::<ChangeText>(&cfg),
        declaration::<StillDueText>(&cfg),
        declaration::<CashDone>(&cfg),
        // Every command's failure.
        declaration::<ErrorView>(&cfg),
        declaration::<ErrorCode>(&cfg),
        declaration::<ErrorDetails>(&cfg),
        declaration::<FieldError>(&cfg),
        // The owner screens.
        declaration::<OwnerStatus>(&cfg),
        declaration::<TokenStatus>(&cfg),
        declaration::<OwnerQuery>(&cfg),
        declaration::<SalesList>(&cfg),
        declaration::<SaleView>(&cfg),
        declaration::<PaymentView>(&cfg),
        declaration::<TotalView>(&cfg),
        declaration::<HistoryEntry>(&cfg),
        declaration::<ReceiptView>(&cfg),
        declaration::<EndOfDay>(&cfg),
        declaration::<DayReport>(&cfg),
        declaration::<ExportResult>(&cfg),
        declaration::<RecheckPreview>(&cfg),
        declaration::<RecheckView>(&cfg),
        declaration::<OwnerHealth>(&cfg),
        declaration::<BackupStatus>(&cfg),
        declaration::<BackupAttempt>(&cfg),
        declaration::<BackupTrigger>(&cfg),
        declaration::<TokenStore>(&cfg),
        declaration::<DiagnosticsExport>(&cfg),
        declaration::<Settings>(&cfg),
        declaration::<MerchantKind>(&cfg),
        // The owner's side of the counter's day.
        declaration::<TenderTotalView>(&cfg),
        declaration::<RefundView>(&cfg),
        declaration::<RefundKind>(&cfg),
        declaration::<RefundInput>(&cfg),
        declaration::<Refundable>(&cfg),
        declaration::<RateEntry>(&cfg),
        declaration::<RateInfo>(&cfg),
        declaration::<CashierRow>(&cfg),
        declaration::<NewCashier>(&cfg),
        declaration::<ShiftRow>(&cfg),
        declaration::<ZLine>(&cfg),
        declaration::<ZView>(&cfg),
        declaration::<OwnerClose>(&cfg),
        // First-run setup.
        declaration::<SetupForm>(&cfg),
        declaration::<TokenPreview>(&cfg),
        // The whole shop's day (issue 15).
        declaration::<ShopDay>(&cfg),
        declaration::<ShopLine>(&cfg),
        declaration::<CounterPush>(&cfg),
        declaration::<ShopRateView>(&cfg),
    ] {
        out.push('\n');
        out.push_str(&decl);
    }
    out
}

#[test]
fn committed_typescript_bindings_match_the_rust_ipc_types() {
    let fresh = generate();
    let path = bindings_path();
    if std::env::var_os("UPDATE_IPC_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is stale: run `UPDATE_IPC_BINDINGS=1 cargo test -p khqr-pos-app bindings`",
        path.display()
    );
}

#[test]
fn money_serializes_as_declared() {
    let money = Money {
        minor: 250,
        currency: Currency::Usd,
    };
    assert_eq!(
        serde_json::to_value(money).unwrap(),
        serde_json::json!({"minor": 250, "currency": "USD"})
    );
}
