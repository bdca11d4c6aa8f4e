//! Building, validating, encoding and signing a GaussDB `CreateInstance` request without
//! sending it: the generated builder, `build()`, then the runtime client's `dry_run`
//! (validation, JSON body, path and headers, signature), against `serde_json::to_vec` of
//! a plain struct plus the hand-written signer. Both sign at the same fixed time, so the
//! wire requests are compared byte for byte before measuring.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use clouddb_bench::gaussdb::{self, fixed_time, ACCESS_KEY, LANGUAGE, PROJECT_ID, SECRET_KEY};
use clouddb_bench::hand_written::{self, HuaweiRequest};
use clouddb_bench::{data, plain};
use clouddb_runtime::SignedRequest;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use huaweicloud_gaussdb_mysql::types::CreateInstanceRequest;

const HOST: &str = "gaussdb.cn-north-4.myhuaweicloud.com";

/// Runs a future that never waits (a dry run with a configured project id does no I/O).
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("a dry run with a configured project id does not wait"),
    }
}

/// What a hand-written client sends: URL, headers and body.
struct HandWrittenRequest {
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn hand_written_request(
    request: plain::CreateInstanceRequest,
    user_agent: &str,
) -> HandWrittenRequest {
    let body = serde_json::to_vec(&request).expect("the request encodes");
    let path = format!("/v3/{PROJECT_ID}/instances");
    let headers = [
        ("Content-Type", "application/json;charset=utf-8"),
        ("User-Agent", user_agent),
        ("X-Language", LANGUAGE),
        ("X-Project-Id", PROJECT_ID),
    ];
    let signed = hand_written::sign_huawei(
        &HuaweiRequest {
            method: "POST",
            host: HOST,
            path: &path,
            query: &[],
            headers: &headers,
            body: &body,
        },
        ACCESS_KEY,
        SECRET_KEY,
        fixed_time(),
    );
    HandWrittenRequest {
        url: format!("https://{HOST}{path}"),
        headers: signed.headers,
        body,
    }
}

fn create_instance(c: &mut Criterion) {
    let spec = data::load_spec();
    let request = data::create_instance_request(&spec);
    let endpoint = format!("https://{HOST}");
    let client = gaussdb::client(&endpoint, Some(gaussdb::fixed_clock()));
    let runtime = gaussdb::runtime_client(&endpoint, Some(gaussdb::fixed_clock()));
    let plain_request: plain::CreateInstanceRequest =
        serde_json::from_value(serde_json::to_value(&request).expect("the request encodes"))
            .expect("the plain struct takes what the generated one encodes");

    let ours = |request: CreateInstanceRequest| -> SignedRequest {
        let input = client
            .create_instance()
            .body(request)
            .build()
            .expect("every required parameter is set");
        ready(runtime.dry_run(input)).expect("the request is valid and signs")
    };

    let signed = ours(request.clone());
    let user_agent = signed
        .headers()
        .iter()
        .find(|(name, _)| name == "User-Agent")
        .map(|(_, value)| value.clone())
        .expect("the client sends a User-Agent");
    let theirs = hand_written_request(plain_request.clone(), &user_agent);
    assert_eq!(signed.url(), theirs.url, "URLs differ");
    assert_eq!(signed.body(), Some(theirs.body.as_slice()), "bodies differ");
    assert_eq!(
        signed.headers(),
        theirs.headers.as_slice(),
        "headers differ"
    );

    let mut group = c.benchmark_group("request/create-instance");
    group.bench_function("generated", |b| {
        b.iter_batched(|| request.clone(), ours, BatchSize::SmallInput)
    });
    group.bench_function("hand-written", |b| {
        b.iter_batched(
            || plain_request.clone(),
            |request| hand_written_request(request, &user_agent),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, create_instance);
criterion_main!(benches);
