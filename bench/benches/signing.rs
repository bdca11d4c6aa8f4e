//! Signing one typical request: the runtime's signers against the hand-written ones of
//! `clouddb_bench::hand_written`, which produce the same signature (checked before
//! measuring).
//!
//! - Huawei `SDK-HMAC-SHA256`: a GET with a four-parameter query and a POST with a JSON
//!   body, each ending up with six signed headers.
//! - QingCloud signature version 1: `DescribeJobs` with eleven parameters (two lists).

use std::hint::black_box;

use clouddb_bench::gaussdb::{fixed_time, ACCESS_KEY, LANGUAGE, PROJECT_ID, SECRET_KEY};
use clouddb_bench::hand_written::{self, HuaweiRequest};
use clouddb_runtime::signing::{huawei, qingcloud};
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Value};

const HOST: &str = "gaussdb.cn-north-4.myhuaweicloud.com";
const USER_AGENT: &str = "clouddb/0.1.0 huaweicloud-gaussdb-mysql/0.1.0";
const GET_PATH: &str = "/v3.1/0123456789abcdef0123456789abcdef/instances";
const POST_PATH: &str = "/v3/0123456789abcdef0123456789abcdef/instances";
const QUERY: [(&str, &str); 4] = [
    ("offset", "0"),
    ("limit", "100"),
    ("name", "*mysql-instance 01"),
    ("datastore_type", "gaussdb-mysql"),
];
const POST_BODY: &str = r#"{"region":"cn-north-4","name":"gaussdb-mysql-instance1","datastore":{"type":"gaussdb-mysql","version":"8.0"},"mode":"Cluster","flavor_ref":"gaussdb.mysql.xlarge.arm.4","vpc_id":"3cedfc54-b105-4652-a4e0-847b11576b58","subnet_id":"c1cfa53c-65d3-431e-8552-326bf310c7ad","password":"Example-Passw0rd","availability_zone_mode":"single","slave_count":1,"charge_info":{"charge_mode":"postPaid"},"security_group_id":"fc577a1a-f202-424a-977f-24faec3fdd55","backup_strategy":{"start_time":"08:00-09:00"},"enterprise_project_id":"0"}"#;

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The headers the runtime client sets before signing; the signer adds `X-Project-Id`
/// from the credentials, then `X-Sdk-Date` and `Host`.
const CLIENT_HEADERS: [(&str, &str); 3] = [
    ("Content-Type", "application/json"),
    ("User-Agent", USER_AGENT),
    ("X-Language", LANGUAGE),
];

/// The same headers as a hand-written client sets them.
const HAND_WRITTEN_HEADERS: [(&str, &str); 4] = [
    ("Content-Type", "application/json"),
    ("User-Agent", USER_AGENT),
    ("X-Language", LANGUAGE),
    ("X-Project-Id", PROJECT_ID),
];

fn huawei_case(c: &mut Criterion, name: &str, method: &str, path: &str, body: Option<&[u8]>) {
    let query: &[(&str, &str)] = if body.is_some() { &[] } else { &QUERY };
    let unsigned = huawei::UnsignedRequest {
        method: method.to_owned(),
        host: HOST.to_owned(),
        path: path.to_owned(),
        query: owned(query),
        headers: owned(&CLIENT_HEADERS),
        body: body.map(<[u8]>::to_vec),
    };
    let credentials = huawei::Credentials::new(ACCESS_KEY, SECRET_KEY).with_project_id(PROJECT_ID);
    let algorithm = huawei::Algorithm::HmacSha256;
    let hand_request = HuaweiRequest {
        method,
        host: HOST,
        path,
        query,
        headers: &HAND_WRITTEN_HEADERS,
        body: body.unwrap_or_default(),
    };
    let now = fixed_time();

    let ours = huawei::sign(&unsigned, &credentials, &algorithm, now).expect("the request signs");
    let theirs = hand_written::sign_huawei(&hand_request, ACCESS_KEY, SECRET_KEY, now);
    assert_eq!(
        ours.signature, theirs.signature,
        "{name}: signatures differ"
    );
    assert_eq!(ours.query, theirs.query, "{name}: queries differ");
    assert_eq!(ours.headers, theirs.headers, "{name}: headers differ");
    assert_eq!(
        ours.headers.len(),
        7,
        "six signed headers and Authorization"
    );

    let mut group = c.benchmark_group(name);
    group.bench_function("runtime", |b| {
        b.iter(|| {
            huawei::sign(
                black_box(&unsigned),
                black_box(&credentials),
                &algorithm,
                now,
            )
        })
    });
    group.bench_function("hand-written", |b| {
        b.iter(|| hand_written::sign_huawei(black_box(&hand_request), ACCESS_KEY, SECRET_KEY, now))
    });
    group.finish();
}

fn huawei_get(c: &mut Criterion) {
    huawei_case(c, "sign/huawei-get", "GET", GET_PATH, None);
}

fn huawei_post(c: &mut Criterion) {
    huawei_case(
        c,
        "sign/huawei-post-json",
        "POST",
        POST_PATH,
        Some(POST_BODY.as_bytes()),
    );
}

fn qingcloud(c: &mut Criterion) {
    let params: Vec<(String, Value)> = vec![
        ("jobs".to_owned(), json!(["j-1gz8cx6v0r8", "j-8cx6v0r81gz"])),
        ("status".to_owned(), json!(["working", "successful"])),
        ("job_action".to_owned(), json!("RunClusterCustomService")),
        ("verbose".to_owned(), json!(0)),
        ("offset".to_owned(), json!(0)),
        ("limit".to_owned(), json!(20)),
    ];
    let request = qingcloud::ActionRequest {
        method: qingcloud::Method::Get,
        path: "/iaas/".to_owned(),
        action: "DescribeJobs".to_owned(),
        zone: "pek3a".to_owned(),
        params,
        expires: None,
        req_id: Some("7f3c2a1b0e9d48c6a5b4c3d2e1f00912".to_owned()),
        signature_method: qingcloud::SignatureMethod::HmacSha256,
    };
    let credentials = qingcloud::Credentials::new("QYACCESSKEYIDEXAMPLE", SECRET_KEY);
    let flat: [(&str, &str); 11] = [
        ("action", "DescribeJobs"),
        ("zone", "pek3a"),
        ("req_id", "7f3c2a1b0e9d48c6a5b4c3d2e1f00912"),
        ("jobs.1", "j-1gz8cx6v0r8"),
        ("jobs.2", "j-8cx6v0r81gz"),
        ("status.1", "working"),
        ("status.2", "successful"),
        ("job_action", "RunClusterCustomService"),
        ("verbose", "0"),
        ("offset", "0"),
        ("limit", "20"),
    ];
    let now = fixed_time();

    let ours = qingcloud::sign(&request, &credentials, now);
    let theirs =
        hand_written::sign_qingcloud("/iaas/", &flat, "QYACCESSKEYIDEXAMPLE", SECRET_KEY, now);
    assert_eq!(
        ours.signature, theirs.signature,
        "QingCloud signatures differ"
    );
    assert_eq!(
        ours.wire,
        qingcloud::WireParams::Query(theirs.query.clone()),
        "QingCloud queries differ"
    );

    let mut group = c.benchmark_group("sign/qingcloud-action");
    group.bench_function("runtime", |b| {
        b.iter(|| qingcloud::sign(black_box(&request), black_box(&credentials), now))
    });
    group.bench_function("hand-written", |b| {
        b.iter(|| {
            hand_written::sign_qingcloud(
                "/iaas/",
                black_box(&flat),
                "QYACCESSKEYIDEXAMPLE",
                SECRET_KEY,
                now,
            )
        })
    });
    group.finish();
}

criterion_group!(benches, huawei_get, huawei_post, qingcloud);
criterion_main!(benches);
