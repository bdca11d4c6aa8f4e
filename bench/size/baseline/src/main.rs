//! `size-baseline <endpoint>`: the same call as `size-generated`, written by hand: reqwest,
//! the benchmarks' hand-written signer and plain serde types (included from bench/src, so
//! that the baseline is the one the call benchmarks measure against).

#[allow(dead_code)]
#[path = "../../../src/hand_written.rs"]
mod hand_written;
#[allow(dead_code)]
#[path = "../../../src/plain.rs"]
mod plain;

/// The constants `hand_written` signs with (bench/src/gaussdb.rs).
mod gaussdb {
    pub const ACCESS_KEY: &str = "HPUABENCHMARKACCESSKEY";
    pub const SECRET_KEY: &str = "benchmark-secret-access-key-0123456789abcdef";
    pub const PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";
    pub const LANGUAGE: &str = "en-us";
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args()
        .nth(1)
        .ok_or("usage: size-baseline <endpoint>")?;
    let client = hand_written::GaussDbClient::new(&endpoint);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let page: plain::ListInstancesResponse = runtime.block_on(client.list_instances(10));
    println!("{} instances", page.instances.map_or(0, |list| list.len()));
    Ok(())
}
