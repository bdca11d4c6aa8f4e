//! `size-generated <endpoint>`: lists the first ten GaussDB(for MySQL) instances through the
//! generated client, built with its `instances` tag only, and prints how many came back.
//! `tools/binary-size.sh` compares its stripped release binary with `size-baseline`'s.

use huaweicloud_gaussdb_mysql::{Client, Credentials};

/// The benchmarks' test credentials and project (bench/src/gaussdb.rs).
const ACCESS_KEY: &str = "HPUABENCHMARKACCESSKEY";
const SECRET_KEY: &str = "benchmark-secret-access-key-0123456789abcdef";
const PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args()
        .nth(1)
        .ok_or("usage: size-generated <endpoint>")?;
    let client = Client::builder()
        .endpoint(endpoint)
        .credentials(Credentials::ak_sk(ACCESS_KEY, SECRET_KEY))
        .project_id(PROJECT_ID)
        .language("en-us")
        .build()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let page = runtime
        .block_on(client.list_instances().limit(10).offset(0).send())?
        .into_body();
    println!("{} instances", page.instances.map_or(0, |list| list.len()));
    Ok(())
}
