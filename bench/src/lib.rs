//! What the benchmarks in `benches/` share: the hand-written baselines they measure our
//! code against, the inputs they generate from the spec, the GaussDB clients they
//! configure, and a loopback HTTP server.
//!
//! Each benchmark group holds the measured case and its baseline side by side. The
//! baselines are deliberately plain: what a person would write for one request with
//! `hmac`, `sha2`, `hex`, `percent-encoding`, `serde_json` and `reqwest`, without the
//! runtime. Every benchmark asserts once, before measuring, that both produce the same
//! result (the same signature, the same body, the same decoded data).

#![warn(missing_docs, unreachable_pub)]

pub mod data;
pub mod gaussdb;
pub mod hand_written;
pub mod loopback;
pub mod plain;
