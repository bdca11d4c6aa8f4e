//! Conformance harness of the clouddb generated crates. The generated conformance tests
//! (`generated/*/tests/conformance`) call into it:
//!
//! - [`examples::check`] walks a spec for every example, independently of the generator,
//!   and round-trips each through its generated type;
//! - [`huawei::Server`] and [`qingcloud::Server`] are local HTTP servers that answer with a
//!   documented example and check the request that arrived: method, path, query, headers,
//!   body, and the signature recomputed from exactly what arrived;
//! - `check_error_answers` and `check_missing_parameters` check error kinds;
//! - [`cli::Cli`] runs a generated command-line client against those servers;
//! - [`soak`] drives one client from many tasks against a fault-injecting server.

#![warn(missing_docs, unreachable_pub)]

pub mod cli;
pub mod examples;
pub mod faults;
pub mod huawei;
mod json;
pub mod qingcloud;
pub mod server;
pub mod soak;
mod wire;

pub use json::{assert_json_matches, matches_leniently};

/// A sleep that returns at once: retried error answers stay fast in tests, and the number
/// of attempts is still exact.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSleep;

impl clouddb_runtime::retry::Sleep for NoSleep {
    fn sleep(
        &self,
        _duration: std::time::Duration,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        Box::pin(std::future::ready(()))
    }
}
pub use wire::{Expected, TestServer};

use clouddb_runtime::Error;
use serde::de::DeserializeOwned;

/// Decodes a value of a generated type from example JSON.
#[track_caller]
pub fn from_json<T: DeserializeOwned>(json: &str) -> T {
    match serde_json::from_str(json) {
        Ok(value) => value,
        Err(e) => panic!(
            "the example does not decode into {}: {e}",
            std::any::type_name::<T>()
        ),
    }
}

/// The success of a call, or a panic that shows the whole error.
#[track_caller]
pub fn expect_success<T>(result: Result<T, Error>) -> T {
    match result {
        Ok(value) => value,
        Err(e) => panic!("the call failed: {} ({e:?})", e.report()),
    }
}

/// The README's code blocks, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The README's examples, compiled as doc tests so that they keep matching the generated
/// crates.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeExamples;
