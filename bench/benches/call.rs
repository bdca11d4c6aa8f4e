//! A whole ListInstances call against a loopback HTTP/1.1 server: the generated client's
//! `list_instances().send()` (validation, signing with the system clock, reqwest, the
//! retry loop with three attempts allowed, lenient decoding) against a hand-written call
//! with reqwest, the hand-written signer and `serde_json` into plain structs.
//!
//! The server answers every request with the same page of ten instances (about 12 KiB,
//! varied from the spec's example) over kept-alive connections; it counts requests, so
//! that the check before measuring can prove that each call made exactly one attempt.

use std::time::Duration;

use clouddb_bench::gaussdb::{self, ACCESS_KEY, LANGUAGE, PROJECT_ID, SECRET_KEY};
use clouddb_bench::hand_written::{self, HuaweiRequest};
use clouddb_bench::loopback::Server;
use clouddb_bench::{data, plain};
use criterion::{criterion_group, criterion_main, Criterion};
use huaweicloud_gaussdb_mysql::types::ListInstancesResponse;
use huaweicloud_gaussdb_mysql::Client;
use time::OffsetDateTime;
use tokio::runtime::Runtime;

/// Instances in the answer page.
const PAGE: usize = 10;

async fn generated_call(client: &Client) -> ListInstancesResponse {
    client
        .list_instances()
        .limit(PAGE as i32)
        .offset(0)
        .send()
        .await
        .expect("the call succeeds")
        .into_body()
}

/// What a hand-written client needs: reqwest configured like the runtime's transport.
struct HandWrittenClient {
    http: reqwest::Client,
    authority: String,
    user_agent: String,
}

impl HandWrittenClient {
    async fn list_instances(&self) -> plain::ListInstancesResponse {
        let path = format!("/v3.1/{PROJECT_ID}/instances");
        let limit = PAGE.to_string();
        let query = [("limit", limit.as_str()), ("offset", "0")];
        let headers = [
            ("Content-Type", "application/json"),
            ("User-Agent", self.user_agent.as_str()),
            ("X-Language", LANGUAGE),
            ("X-Project-Id", PROJECT_ID),
        ];
        let signed = hand_written::sign_huawei(
            &HuaweiRequest {
                method: "GET",
                host: &self.authority,
                path: &path,
                query: &query,
                headers: &headers,
                body: b"",
            },
            ACCESS_KEY,
            SECRET_KEY,
            OffsetDateTime::now_utc(),
        );
        let url = format!("http://{}{path}?{}", self.authority, signed.query);
        let mut request = self.http.get(url).timeout(Duration::from_secs(120));
        for (name, value) in &signed.headers {
            request = request.header(name, value);
        }
        let response = request.send().await.expect("the call succeeds");
        assert!(response.status().is_success(), "{}", response.status());
        let body = response.bytes().await.expect("the answer arrives");
        serde_json::from_slice(&body).expect("the answer decodes")
    }
}

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
    let hand_written = HandWrittenClient {
        http: reqwest::Client::builder()
            .http1_only()
            .connect_timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("the HTTP client builds"),
        authority: endpoint.trim_start_matches("http://").to_owned(),
        user_agent: "clouddb/0.1.0 huaweicloud-gaussdb-mysql/0.1.0".to_owned(),
    };

    let before = server.requests();
    let ours = runtime.block_on(generated_call(&client));
    assert_eq!(server.requests(), before + 1, "one attempt per call");
    let theirs = runtime.block_on(hand_written.list_instances());
    assert_eq!(server.requests(), before + 2, "one request per call");
    assert_eq!(
        data::without_nulls(serde_json::to_value(&ours).expect("encodes")),
        data::without_nulls(serde_json::to_value(&theirs).expect("encodes")),
        "the two calls decode different data"
    );

    for _ in 0..10 {
        runtime.block_on(generated_call(&client));
        runtime.block_on(hand_written.list_instances());
    }
    assert_eq!(
        server.connections(),
        2,
        "each client keeps its one connection alive"
    );

    let mut group = c.benchmark_group("call/list-instances-loopback");
    group.bench_function("generated", |b| {
        b.iter(|| runtime.block_on(generated_call(&client)))
    });
    group.bench_function("hand-written", |b| {
        b.iter(|| runtime.block_on(hand_written.list_instances()))
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
