//! A local Huawei Cloud endpoint for the conformance tests: it answers with a given body
//! and checks the request that arrived, recomputing the AK/SK signature from exactly the
//! received method, path, query, headers and body.

use std::future::Future;

use clouddb_runtime::huawei::{Credentials, Huawei};
use clouddb_runtime::signing::huawei::{verify, ReceivedRequest};
use clouddb_runtime::Service;
use clouddb_runtime::{Error, ErrorKind};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub use crate::wire::Expected;
use crate::wire::{
    check_body, check_missing, check_query, check_unstructured_answers, header, header_pairs,
    query_pairs, report, TestServer,
};

/// Access key of the test credentials.
pub const ACCESS_KEY: &str = "TESTAK0123456789ABCD";
/// Secret key of the test credentials.
pub const SECRET_KEY: &str = "test-secret-key-0123456789abcdefghijklmn";
/// Project id the test clients use.
pub const PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";
/// `X-Language` the test clients send.
pub const LANGUAGE: &str = "en-us";
/// `X-Request-Id` of every answer of the server.
pub const REQUEST_ID: &str = "test-request-id-0001";

/// A local HTTP server standing in for a Huawei Cloud endpoint.
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

    /// A generated client configured for this server with the test credentials.
    #[track_caller]
    pub fn client<S: Service<Vendor = Huawei>>(&self) -> S {
        S::builder_for_tests(&self.uri())
    }

    /// Checks that exactly one request arrived and that it is `expected`, correctly signed.
    pub async fn expect(&self, expected: &Expected) {
        let requests = self.requests().await;
        let [request] = requests.as_slice() else {
            panic!("expected exactly one request, got {}", requests.len());
        };
        let mut problems = Vec::new();
        check_request(
            request,
            expected,
            &self.mock.address().to_string(),
            &mut problems,
        );
        report("the request differs from the spec", &problems);
    }
}

/// An answer with `status`, the request id, and a JSON body (or none).
fn json_answer(status: u16, body: Option<&str>) -> ResponseTemplate {
    let template = ResponseTemplate::new(status).insert_header("X-Request-Id", REQUEST_ID);
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
        let template = ResponseTemplate::new(status)
            .insert_header("X-Request-Id", REQUEST_ID)
            .set_body_raw(body.to_owned(), content_type);
        self.mount(template).await;
    }

    /// The requests received so far.
    async fn requests(&self) -> Vec<Request> {
        self.mock.received_requests().await.unwrap_or_default()
    }
}

/// Builds test clients; implemented for every generated Huawei Cloud client.
pub trait TestClient {
    /// A client for `endpoint` with the test credentials, project id and language.
    fn builder_for_tests(endpoint: &str) -> Self;
}

impl<S: Service<Vendor = Huawei>> TestClient for S {
    fn builder_for_tests(endpoint: &str) -> Self {
        let built = clouddb_runtime::huawei::ClientBuilder::<S>::default()
            .endpoint(endpoint)
            .credentials(Credentials::ak_sk(ACCESS_KEY, SECRET_KEY))
            .project_id(PROJECT_ID)
            .language(LANGUAGE)
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
}

fn check_request(
    request: &Request,
    expected: &Expected,
    authority: &str,
    problems: &mut Vec<String>,
) {
    if request.method.as_str() != expected.method {
        problems.push(format!(
            "method: expected {}, got {}",
            expected.method, request.method
        ));
    }
    let path = expected.path.replace("{project_id}", PROJECT_ID);
    if request.url.path() != path {
        problems.push(format!("path: expected {path}, got {}", request.url.path()));
    }
    check_query(&query_pairs(request), expected, &[], problems);
    let mut want_headers: Vec<(&str, &str)> =
        vec![("x-project-id", PROJECT_ID), ("host", authority)];
    want_headers.extend(expected.headers.iter().copied());
    if expected.language {
        want_headers.push(("x-language", LANGUAGE));
    } else if let Some(language) = header(request, "x-language") {
        problems.push(format!(
            "x-language: not documented for this operation, got {language}"
        ));
    }
    if expected.form.is_none() {
        want_headers.push(("content-type", expected.content_type));
    }
    for (name, value) in want_headers {
        match header(request, name) {
            Some(got) if got == value => {}
            got => problems.push(format!("header {name}: expected {value}, got {got:?}")),
        }
    }
    if !header(request, "user-agent").is_some_and(|ua| ua.starts_with("clouddb/")) {
        problems.push(format!(
            "user-agent: got {:?}",
            header(request, "user-agent")
        ));
    }
    if !header(request, "x-sdk-date").is_some_and(|d| d.len() == 16 && d.ends_with('Z')) {
        problems.push(format!(
            "x-sdk-date: got {:?}",
            header(request, "x-sdk-date")
        ));
    }
    check_body(request, expected, problems);
    let headers = header_pairs(request);
    let received = ReceivedRequest {
        method: request.method.as_str(),
        host: header(request, "host").unwrap_or_default(),
        path: request.url.path(),
        query: request.url.query().unwrap_or(""),
        headers: &headers,
        body: &request.body,
    };
    if let Err(e) = verify(&received, SECRET_KEY) {
        problems.push(format!("signature: {e}"));
    }
}

/// Checks how a call reports error answers: the documented error body (or the vendor
/// shape), a gateway's HTML page, an empty body, a body that is not JSON, and, for
/// operations that decode JSON, a success answer that is not JSON.
pub async fn check_error_answers<S, F, Fut>(documented: Option<&str>, decodes_json: bool, call: F)
where
    S: Service<Vendor = Huawei>,
    F: Fn(S) -> Fut,
    Fut: Future<Output = Result<(), Error>>,
{
    let server = Server::start().await;
    let vendor =
        documented.unwrap_or(r#"{"error_code":"TEST.0001","error_msg":"synthesized error"}"#);
    let parsed: Value = serde_json::from_str(vendor).expect("the error example is JSON");
    let code = parsed
        .get("error_code")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let message = parsed
        .get("error_msg")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut problems = Vec::new();

    server.answer(400, Some(vendor)).await;
    match call(server.client()).await {
        Err(e) if e.kind() == ErrorKind::Api => {
            let api = e.api_error().expect("an API error has details");
            let got = (
                api.status(),
                api.code().map(str::to_owned),
                api.message().map(str::to_owned),
                api.request_id(),
            );
            if got != (400, code.clone(), message.clone(), Some(REQUEST_ID)) || !api.is_structured()
            {
                problems.push(format!("vendor error body: got {api:?}"));
            }
        }
        other => problems.push(format!(
            "vendor error body: expected an API error, got {other:?}"
        )),
    }
    let client = || call(server.client());
    check_unstructured_answers(
        &server,
        client,
        decodes_json,
        |id| id == Some(REQUEST_ID),
        &mut problems,
    )
    .await;
    report("error answers are not reported as documented", &problems);
}

/// Checks that a call without its required parameters fails before sending anything,
/// naming every missing parameter.
pub async fn check_missing_parameters<S, F, Fut>(required: &[&str], call: F)
where
    S: Service<Vendor = Huawei>,
    F: FnOnce(S) -> Fut,
    Fut: Future<Output = Result<(), Error>>,
{
    let server = Server::start().await;
    server.answer(200, Some("{}")).await;
    let result = call(server.client()).await;
    check_missing(&server, result, required).await;
}
