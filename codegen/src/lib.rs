//! The clouddb code generator: OpenAPI documents in `spec/` become client crates in
//! `generated/`. Loading, lowering to the IR and emitting Rust are separate phases; bad
//! specs are reported with file, JSON pointer and reason, never with a panic.

#![warn(missing_docs, unreachable_pub)]

pub mod diagnostics;
pub mod ir;
pub mod load;
pub mod lower;
pub mod names;
