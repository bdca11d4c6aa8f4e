//! Benchmark inputs, generated deterministically from the examples of the GaussDB spec.
//!
//! Examples go through the generated types once (decoded leniently, encoded again), so that
//! numbers the vendor's examples show for string fields become strings: the plain
//! baselines, which are not lenient, must be able to decode the same bytes.

use std::path::PathBuf;

use huaweicloud_gaussdb_mysql::types::{
    CreateInstanceRequest, ListInstancesResponse, MysqlInstanceListInfoUnifyStatus,
};
use serde_json::{json, Value};

/// The GaussDB spec, `spec/huaweicloud/gaussdb-mysql.yaml`.
pub fn spec_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/huaweicloud/gaussdb-mysql.yaml")
}

/// The GaussDB spec as a JSON value.
pub fn load_spec() -> Value {
    let path = spec_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()))
}

/// The value at a JSON pointer of the spec, which the benchmarks rely on.
fn at<'a>(spec: &'a Value, pointer: &str) -> &'a Value {
    spec.pointer(pointer)
        .unwrap_or_else(|| panic!("the GaussDB spec has no {pointer}"))
}

/// The instance of the ListInstances (`GET /v3.1/{project_id}/instances`) answer example.
pub fn example_instance(spec: &Value) -> MysqlInstanceListInfoUnifyStatus {
    let example = at(
        spec,
        "/paths/~1v3.1~1{project_id}~1instances/get/responses/200/content/application~1json/examples/doc/value",
    );
    let response: ListInstancesResponse =
        serde_json::from_value(example.clone()).expect("the example decodes leniently");
    response
        .instances
        .and_then(|instances| instances.into_iter().next())
        .expect("the example lists an instance")
}

/// The `on-demand` request example of CreateInstance (`POST /v3/{project_id}/instances`),
/// with two tags added.
pub fn create_instance_request(spec: &Value) -> CreateInstanceRequest {
    let mut example = at(
        spec,
        "/paths/~1v3~1{project_id}~1instances/post/requestBody/content/application~1json/examples/on-demand/value",
    )
    .clone();
    example["tags"] = json!([
        {"key": "team", "value": "payments"},
        {"key": "environment", "value": "production"}
    ]);
    serde_json::from_value(example).expect("the example decodes leniently")
}

/// A deterministic 64-bit mix of `n` (SplitMix64), for ids that look random.
fn mix(n: u64) -> u64 {
    let mut z = n.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The `index`-th instance: the example with its own id, name and addresses.
fn varied_instance(example: &Value, index: u64) -> Value {
    let mut instance = example.clone();
    let (a, b) = (index / 250, index % 250);
    instance["id"] = json!(format!("{:016x}{:016x}in07", mix(index), mix(!index)));
    instance["name"] = json!(format!("gaussdb-mysql-instance{index:05}"));
    instance["private_ips"] = json!([format!("192.168.{a}.{}", b + 1)]);
    instance["readonly_private_ips"] = json!([
        format!("192.169.{a}.{}", b + 1),
        format!("192.170.{a}.{}", b + 1)
    ]);
    instance["proxy_ips"] = json!([format!("192.171.{a}.{}", b + 1)]);
    instance
}

/// A ListInstances answer body of `count` instances varied from the spec's example, in
/// the documented types.
pub fn list_instances_body(spec: &Value, count: usize) -> Vec<u8> {
    let example = serde_json::to_value(example_instance(spec)).expect("an instance encodes");
    let instances: Vec<Value> = (0..count as u64)
        .map(|i| varied_instance(&example, i))
        .collect();
    serde_json::to_vec(&json!({"total_count": count, "instances": instances}))
        .expect("the answer encodes")
}

/// A ListInstances answer body of at least `min_bytes` bytes, and its instance count.
pub fn list_instances_body_of_size(spec: &Value, min_bytes: usize) -> (Vec<u8>, usize) {
    let one = list_instances_body(spec, 1).len();
    let mut count = min_bytes / one;
    loop {
        let body = list_instances_body(spec, count);
        if body.len() >= min_bytes {
            return (body, count);
        }
        count += 1 + (min_bytes - body.len()) / one;
    }
}

/// `value` without the object members whose value is `null`, at every depth.
pub fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}
