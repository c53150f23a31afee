//! Shared rigs for the reliability scenarios in `tests/` and the bench binaries in `benches/`:
//! a real simulator on loopback, a real SQLite ledger in a temporary directory, and the POS
//! core (in-process, with the schedule scaled down) or the `khqr-pos` binary (as a process).
//!
//! Nothing here is a public API for other crates: it exists so the scenarios share one
//! definition of "the ledger is sound" and one way to start things.

// A failed setup is a failed scenario: panicking with a message is the right report here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod audit;
pub mod process;
pub mod rig;
