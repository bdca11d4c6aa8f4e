//! GaussDB clients configured the same way for every benchmark: explicit AK/SK
//! credentials and project id (so no IAM lookup), a language, retries on, and the
//! runtime client underneath the generated one for `dry_run`.

use std::sync::Arc;

use clouddb_runtime::clock::{Clock, FixedClock};
use clouddb_runtime::huawei::{self, ClientBuilder, Huawei};
use clouddb_runtime::Service;
use huaweicloud_gaussdb_mysql::{Client, Credentials, RetryPolicy};
use time::macros::datetime;
use time::OffsetDateTime;

/// The access key id of every benchmark request.
pub const ACCESS_KEY: &str = "HPUABENCHMARKACCESSKEY";
/// The secret access key of every benchmark request.
pub const SECRET_KEY: &str = "benchmark-secret-access-key-0123456789abcdef";
/// The project id filled into paths and sent as `X-Project-Id`.
pub const PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";
/// The region.
pub const REGION: &str = "cn-north-4";
/// The `X-Language` the client sends.
pub const LANGUAGE: &str = "en-us";

/// The signing time of the benchmarks that compare signatures.
pub fn fixed_time() -> OffsetDateTime {
    datetime!(2024-05-06 07:08:09 UTC)
}

/// The settings every benchmark client shares; `clock` is the system clock unless given.
fn builder<S: Service<Vendor = Huawei>>(
    endpoint: &str,
    clock: Option<Arc<dyn Clock>>,
) -> ClientBuilder<S> {
    let builder = ClientBuilder::<S>::default()
        .region(REGION)
        .endpoint(endpoint)
        .credentials(Credentials::ak_sk(ACCESS_KEY, SECRET_KEY))
        .project_id(PROJECT_ID)
        .language(LANGUAGE)
        .retry_policy(RetryPolicy::default());
    match clock {
        Some(clock) => builder.clock(clock),
        None => builder,
    }
}

/// The generated GaussDB client.
pub fn client(endpoint: &str, clock: Option<Arc<dyn Clock>>) -> Client {
    builder::<Client>(endpoint, clock)
        .build()
        .expect("the benchmark client is valid")
}

/// The runtime client a generated GaussDB client wraps, configured the same way; it has
/// `dry_run`, which the generated client does not expose.
pub fn runtime_client(endpoint: &str, clock: Option<Arc<dyn Clock>>) -> huawei::Client {
    client(endpoint, clock).client().clone()
}

/// A clock stuck at [`fixed_time`].
pub fn fixed_clock() -> Arc<dyn Clock> {
    Arc::new(FixedClock(fixed_time()))
}

/// The generated client's ListInstances call of the call benchmarks: `limit` instances
/// from offset 0, as a user writes it.
pub async fn list_instances(
    client: &Client,
    limit: usize,
) -> huaweicloud_gaussdb_mysql::types::ListInstancesResponse {
    client
        .list_instances()
        .limit(i32::try_from(limit).expect("a small page"))
        .offset(0)
        .send()
        .await
        .expect("the call succeeds")
        .into_body()
}
