//! Cash at a Cambodian counter, as pure arithmetic: the shop's exchange [`Rate`], what a
//! customer owes in both currencies, change in whole dollars plus riel rounded to 100 riel
//! ([`settle`]), the remainder a split-tender KHQR is made for, the balance invariant of a
//! sale's tenders, and a shift's drawer: expected, counted, variance and its report totals.
//!
//! No I/O, no clock, no async, never a float: every amount is integer minor units (riel,
//! cents), and every conversion between them names its rounding. Errors are values
//! ([`CashError`]); nothing here panics or overflows, whatever the input.
#![warn(missing_docs)]

mod change;
mod error;
mod notes;
mod rate;
mod shift;
#[cfg(test)]
mod test_money;

pub use change::{
    check_balance, settle, CashPolicy, Change, Due, Rounding, Settlement, StillDue, Tendered,
};
pub use error::CashError;
pub use notes::{count_drawer, UsdNotes, KHR_NOTES, USD_NOTES};
pub use rate::Rate;
pub use shift::{close_drawer, Closing, DrawerRecord, PerCurrency, ShiftTotals};
