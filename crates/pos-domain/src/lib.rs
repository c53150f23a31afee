//! The vocabulary every other crate speaks: [`Currency`], [`Money`] in integer minor units,
//! parsing what a cashier types, the rules for free text ([`text`]), and the sale lifecycle
//! ([`SaleStatus`]).
//!
//! Pure logic: no I/O, no clock, no async. Money is never a float anywhere in this crate.
#![warn(missing_docs)]

mod currency;
mod money;
mod sale;
pub mod text;

pub use currency::{Currency, UnknownCurrency};
pub use money::{AmountError, AmountSyntax, Money};
pub use sale::{InvalidTransition, SaleEvent, SaleStatus, Transition, UnknownStatus};
