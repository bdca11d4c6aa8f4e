//! A local QingCloud endpoint for the conformance tests: it answers with a given body and
//! checks the request that arrived, recomputing the signature from the received query.

use std::future::Future;

use clouddb_runtime::qingcloud::{Credentials, QingCloud};
use clouddb_runtime::signing::qingcloud::{verify, Method};
use clouddb_runtime::Service;
use clouddb_runtime::{Error, ErrorKind};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub use crate::wire::Expected;
use crate::wire::{
    check_body, check_missing, check_query, check_unstructured_answers, query_pairs, report,
    TestServer,
};

/// Access key id of the test credentials.
pub const ACCESS_KEY_ID: &str = "QYTESTACCESSKEYID000";
/// Secret access key of the test credentials.
pub const SECRET_ACCESS_KEY: &str = "test-qingcloud-secret-0123456789abcdef";
/// Zone the test clients use.
pub const ZONE: &str = "sh1a";

/// Parameters the signer adds to every request; checked separately.
const COMMON: [&str; 7] = [
    "access_key_id",
    "signature_method",
    "signature_version",
    "version",
    "time_stamp",
    "req_id",
    "signature",
];

/// A local HTTP server standing in for `api.qingcloud.com`.
pub struct Server {
    mock: MockServer,
}

impl Server {
    /// Starts a server on a free local port.
    pub async fn start() -> Self {
        Self {
            mock: MockServer::start().await,
        }
    }

    async fn mount(&self, template: ResponseTemplate) {
        self.mock.reset().await;
        Mock::given(any())
            .respond_with(template)
            .mount(&self.mock)
            .await;
    }

    /// The server's base URL (`http://127.0.0.1:port`).
    pub fn uri(&self) -> String {
        self.mock.uri()
    }

    /// A generated client configured for this server with the test credentials and zone.
    #[track_caller]
    pub fn client<S: Service<Vendor = QingCloud>>(&self) -> S {
        let built = clouddb_runtime::qingcloud::ClientBuilder::<S>::default()
            .endpoint(self.mock.uri())
            .credentials(Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY))
            .zone(ZONE)
            .environment(std::sync::Arc::new(
                clouddb_runtime::environment::FixedEnvironment::new(),
            ))
            .sleep(std::sync::Arc::new(crate::NoSleep))
            .build();
        match built {
            Ok(client) => client,
            Err(e) => panic!("the test client does not build: {e}"),
        }
    }

    /// Checks that exactly one request arrived and that it is `expected`, correctly signed.
    pub async fn expect(&self, expected: &Expected) {
        let requests = self.requests().await;
        let [request] = requests.as_slice() else {
            panic!("expected exactly one request, got {}", requests.len());
        };
        let mut problems = Vec::new();
        check_request(request, expected, &mut problems);
        report("the request differs from the spec", &problems);
    }
}

/// An answer with `status` and a JSON body (or none).
fn json_answer(status: u16, body: Option<&str>) -> ResponseTemplate {
    let template = ResponseTemplate::new(status);
    match body {
        Some(body) => template.set_body_raw(body.to_owned(), "application/json"),
        None => template,
    }
}

impl TestServer for Server {
    /// Answers every request with `status` and a JSON body (or none).
    async fn answer(&self, status: u16, body: Option<&str>) {
        self.mount(json_answer(status, body)).await;
    }

    async fn answer_once(&self, status: u16, body: &str) {
        crate::wire::mount_once(&self.mock, json_answer(status, Some(body))).await;
    }

    /// Answers every request with `status` and a raw body of some content type.
    async fn answer_raw(&self, status: u16, body: &str, content_type: &str) {
        self.mount(ResponseTemplate::new(status).set_body_raw(body.to_owned(), content_type))
            .await;
    }

    /// The requests received so far.
    async fn requests(&self) -> Vec<Request> {
        self.mock.received_requests().await.unwrap_or_default()
    }
}

fn check_request(request: &Request, expected: &Expected, problems: &mut Vec<String>) {
    if request.method.as_str() != expected.method {
        problems.push(format!(
            "method: expected {}, got {}",
            expected.method, request.method
        ));
    }
    if request.url.path() != expected.path {
        problems.push(format!(
            "path: expected {}, got {}",
            expected.path,
            request.url.path()
        ));
    }
    let pairs = query_pairs(request);
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let common = [
        (
            "access_key_id",
            value("access_key_id") == Some(ACCESS_KEY_ID),
        ),
        (
            "signature_method",
            value("signature_method") == Some("HmacSHA256"),
        ),
        ("signature_version", value("signature_version") == Some("1")),
        ("version", value("version") == Some("1")),
        (
            "time_stamp",
            value("time_stamp").is_some_and(|t| t.len() == 20 && t.ends_with('Z')),
        ),
        (
            "req_id",
            value("req_id")
                .is_some_and(|r| r.len() == 32 && r.bytes().all(|b| b.is_ascii_hexdigit())),
        ),
    ];
    for (name, ok) in common {
        if !ok {
            problems.push(format!("common parameter {name}: got {:?}", value(name)));
        }
    }
    let raw_query = request.url.query().unwrap_or("");
    if !raw_query.contains("&signature=")
        || raw_query
            .rsplit('&')
            .next()
            .is_some_and(|p| !p.starts_with("signature="))
    {
        problems.push("the signature must be the last query parameter".to_owned());
    }
    let specific: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| !COMMON.contains(&k.as_str()))
        .cloned()
        .collect();
    check_query(&specific, expected, &[("zone", ZONE)], problems);
    check_body(request, expected, problems);
    if let Err(e) = verify(
        Method::Get,
        request.url.path(),
        raw_query,
        SECRET_ACCESS_KEY,
    ) {
        problems.push(format!("signature: {e}"));
    }
}

/// Checks how a call reports error answers: a non-zero `ret_code` in an HTTP 200 answer
/// (the documented error body, or the vendor shape), a gateway's HTML page, an empty body,
/// a body that is not JSON, and, for operations that decode JSON, a success that is not JSON.
pub async fn check_error_answers<S, F, Fut>(documented: Option<&str>, decodes_json: bool, call: F)
where
    S: Service<Vendor = QingCloud>,
    F: Fn(S) -> Fut,
    Fut: Future<Output = Result<(), Error>>,
{
    let server = Server::start().await;
    let vendor = documented
        .unwrap_or(r#"{"ret_code":1400,"message":"PermissionDenied, synthesized error"}"#);
    let parsed: Value = serde_json::from_str(vendor).expect("the error example is JSON");
    let code = parsed.get("ret_code").map(|c| c.to_string());
    let message = parsed
        .get("message")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut problems = Vec::new();

    server.answer(200, Some(vendor)).await;
    match call(server.client()).await {
        Err(e) if e.kind() == ErrorKind::Api => {
            let api = e.api_error().expect("an API error has details");
            let got = (
                api.status(),
                api.code().map(str::to_owned),
                api.message().map(str::to_owned),
            );
            let has_request_id = api.request_id().is_some_and(|r| r.len() == 32);
            if got != (200, code, message) || !api.is_structured() || !has_request_id {
                problems.push(format!("ret_code error: got {api:?}"));
            }
        }
        other => problems.push(format!(
            "ret_code error: expected an API error, got {other:?}"
        )),
    }
    let client = || call(server.client());
    check_unstructured_answers(
        &server,
        client,
        decodes_json,
        |id| id.is_some_and(|r| r.len() == 32),
        &mut problems,
    )
    .await;
    report("error answers are not reported as documented", &problems);
}

/// Checks that a call without its required parameters fails before sending anything,
/// naming every missing parameter.
pub async fn check_missing_parameters<S, F, Fut>(required: &[&str], call: F)
where
    S: Service<Vendor = QingCloud>,
    F: FnOnce(S) -> Fut,
    Fut: Future<Output = Result<(), Error>>,
{
    let server = Server::start().await;
    server.answer(200, Some(r#"{"ret_code":0}"#)).await;
    let result = call(server.client()).await;
    check_missing(&server, result, required).await;
}
