//! Decoding a ListInstances answer of about 1 MiB into the generated, lenient
//! `ListInstancesResponse` (through the operation's own `decode`, as a call does) against
//! plain `serde_json` into plain structs with the same fields and no leniency.
//!
//! The answer is the spec's example instance repeated with varied ids, names and
//! addresses, in the documented types, so that both decoders accept it; that both
//! decode the same data is checked before measuring.

use clouddb_bench::{data, plain};
use clouddb_runtime::export::http::HeaderMap;
use clouddb_runtime::{Operation, RawResponse};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use huaweicloud_gaussdb_mysql::operations::ListInstancesInput;
use huaweicloud_gaussdb_mysql::types::ListInstancesResponse;

fn list_instances(c: &mut Criterion) {
    let spec = data::load_spec();
    let (body, count) = data::list_instances_body_of_size(&spec, 1 << 20);
    let raw = RawResponse {
        status: 200,
        headers: HeaderMap::new(),
        body: body.clone().into(),
    };

    let ours: ListInstancesResponse = ListInstancesInput::decode(&raw).expect("the answer decodes");
    let theirs: plain::ListInstancesResponse =
        serde_json::from_slice(&body).expect("the plain structs decode the answer");
    assert_eq!(ours.instances.as_ref().map(Vec::len), Some(count));
    assert_eq!(
        data::without_nulls(serde_json::to_value(&ours).expect("encodes")),
        data::without_nulls(serde_json::to_value(&theirs).expect("encodes")),
        "the generated and the plain types decode different data"
    );
    eprintln!(
        "decode/list-instances: {} bytes, {count} instances",
        body.len()
    );

    let mut group = c.benchmark_group("decode/list-instances-1MiB");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.sample_size(50);
    group.bench_function("generated-lenient", |b| {
        b.iter(|| ListInstancesInput::decode(&raw).expect("the answer decodes"))
    });
    group.bench_function("plain-serde", |b| {
        b.iter(|| {
            serde_json::from_slice::<plain::ListInstancesResponse>(&raw.body)
                .expect("the answer decodes")
        })
    });
    group.finish();
}

criterion_group!(benches, list_instances);
criterion_main!(benches);
