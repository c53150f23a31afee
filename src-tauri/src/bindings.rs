//! Generates `ui/src/ipc/bindings.ts` from the IPC types and checks that the committed file is
//! fresh. Run `UPDATE_IPC_BINDINGS=1 cargo test -p khqr-pos-app bindings` after changing
//! `ipc.rs`; CI runs the same test without the variable and fails on a stale file.

use std::path::PathBuf;

use pos_domain::{Currency, SaleStatus};
use serde::Serialize;
use ts_rs::{Config, TS};

use crate::ipc::{
    AppInfo, CannotVerifyReason, ChargeInput, IpcError, SaleCard, UiEvent, Verification,
};

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
    let cfg = Config::default();
    let mut out = String::from(
        "// Generated from src-tauri/src/ipc.rs by `UPDATE_IPC_BINDINGS=1 cargo test -p khqr-pos-app bindings`.\n\
         // Do not edit: a test fails when this file and the Rust types disagree.\n\n",
    );
    out.push_str("/** KHR or USD, as `pos_domain::Currency` serializes. */\n");
    out.push_str(&union_of("Currency", &Currency::ALL));
    out.push_str("/** Where a sale stands, as `pos_domain::SaleStatus` serializes. */\n");
    out.push_str(&union_of("SaleStatus", &SaleStatus::ALL));
    for decl in [
        declaration::<AppInfo>(&cfg),
        declaration::<ChargeInput>(&cfg),
        declaration::<SaleCard>(&cfg),
        declaration::<CannotVerifyReason>(&cfg),
        declaration::<Verification>(&cfg),
        declaration::<UiEvent>(&cfg),
        declaration::<IpcError>(&cfg),
        declaration::<crate::owner::OwnerError>(&cfg),
        declaration::<crate::owner::OwnerFieldError>(&cfg),
        declaration::<crate::owner::OwnerStatus>(&cfg),
        declaration::<crate::owner::TokenInfoView>(&cfg),
        declaration::<crate::owner::OwnerQuery>(&cfg),
        declaration::<crate::owner::ExportResult>(&cfg),
        declaration::<crate::owner::RecheckPreview>(&cfg),
        declaration::<crate::owner::OwnerHealth>(&cfg),
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
