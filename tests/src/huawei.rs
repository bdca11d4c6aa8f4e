//! A local Huawei Cloud endpoint for the conformance tests: it answers with a given body
//! and checks the request that arrived, recomputing the AK/SK signature from exactly the
//! received method, path, query, headers and body.

use clouddb_runtime::huawei::{ClientBuilder, Credentials, Huawei};
use clouddb_runtime::signing::huawei::{verify, ReceivedRequest};
use clouddb_runtime::Service;
use serde_json::Value;
use wiremock::Request;

pub use crate::wire::Expected;
use crate::wire::{check_body, check_query, header, header_pairs, query_pairs};

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
pub type Server = crate::server::Server<Harness>;

/// The Huawei Cloud side of the test server: AK/SK clients with the test project id and
/// language, requests checked and their signature recomputed, `error_code`/`error_msg`
/// errors, and `X-Request-Id` on every answer.
#[derive(Debug)]
pub struct Harness;

impl crate::server::Harness for Harness {
    type Vendor = Huawei;
    const REQUEST_ID: Option<&'static str> = Some(REQUEST_ID);
    const ERROR_STATUS: u16 = 400;
    const ERROR_BODY: &'static str =
        r#"{"error_code":"TEST.0001","error_msg":"synthesized error"}"#;
    const EMPTY_SUCCESS: &'static str = "{}";

    fn builder<S: Service<Vendor = Huawei>>() -> ClientBuilder<S> {
        ClientBuilder::<S>::default()
            .credentials(Credentials::ak_sk(ACCESS_KEY, SECRET_KEY))
            .project_id(PROJECT_ID)
            .language(LANGUAGE)
    }

    fn check_request(
        request: &Request,
        expected: &Expected,
        authority: &str,
        problems: &mut Vec<String>,
    ) {
        check_request(request, expected, authority, problems);
    }

    fn error_fields(body: &Value) -> (Option<String>, Option<String>) {
        let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_owned);
        (text("error_code"), text("error_msg"))
    }

    fn request_id_ok(id: Option<&str>) -> bool {
        id == Some(REQUEST_ID)
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
