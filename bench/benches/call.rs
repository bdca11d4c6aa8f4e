//! A whole ListInstances call against a loopback HTTP/1.1 server: the generated client's
//! `list_instances().send()` (validation, signing with the system clock, reqwest, the
//! retry loop with three attempts allowed, lenient decoding) against a hand-written call
//! with reqwest, the hand-written signer and `serde_json` into plain structs.
//!
//! The server answers every request with the same page of ten instances (about 12 KiB,
//! varied from the spec's example) over kept-alive connections; it counts requests, so
//! that the check before measuring can prove that each call made exactly one attempt.

use clouddb_bench::gaussdb;
use clouddb_bench::hand_written::GaussDbClient;
use clouddb_bench::loopback::Server;
use clouddb_bench::{data, plain};
use criterion::{criterion_group, criterion_main, Criterion};
use tokio::runtime::Runtime;

/// Instances in the answer page.
const PAGE: usize = 10;

fn list_instances(c: &mut Criterion) {
    let spec = data::load_spec();
    let body = data::list_instances_body(&spec, PAGE);
    let server = Server::start(body);
    let endpoint = server.endpoint();
    let runtime: Runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("the client's runtime starts");

    let client = gaussdb::client(&endpoint, None);
    let hand_written = GaussDbClient::new(&endpoint);

    let before = server.requests();
    let ours = runtime.block_on(gaussdb::list_instances(&client, PAGE));
    assert_eq!(server.requests(), before + 1, "one attempt per call");
    let theirs =
        runtime.block_on(hand_written.list_instances::<plain::ListInstancesResponse>(PAGE));
    assert_eq!(server.requests(), before + 2, "one request per call");
    assert_eq!(
        data::without_nulls(serde_json::to_value(&ours).expect("encodes")),
        data::without_nulls(serde_json::to_value(&theirs).expect("encodes")),
        "the two calls decode different data"
    );

    for _ in 0..10 {
        runtime.block_on(gaussdb::list_instances(&client, PAGE));
        runtime.block_on(hand_written.list_instances::<plain::ListInstancesResponse>(PAGE));
    }
    assert_eq!(
        server.connections(),
        2,
        "each client keeps its one connection alive"
    );

    let mut group = c.benchmark_group("call/list-instances-loopback");
    group.bench_function("generated", |b| {
        b.iter(|| runtime.block_on(gaussdb::list_instances(&client, PAGE)))
    });
    group.bench_function("hand-written", |b| {
        b.iter(|| {
            runtime.block_on(hand_written.list_instances::<plain::ListInstancesResponse>(PAGE))
        })
    });
    group.finish();
    eprintln!(
        "loopback server: {} requests over {} connections",
        server.requests(),
        server.connections()
    );
}

criterion_group!(benches, list_instances);
criterion_main!(benches);
