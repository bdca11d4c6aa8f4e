//! A local QingCloud endpoint for the conformance tests: it answers with a given body and
//! checks the request that arrived, recomputing the signature from the received query.

use clouddb_runtime::qingcloud::{ClientBuilder, Credentials, QingCloud};
use clouddb_runtime::signing::qingcloud::{verify, Method};
use clouddb_runtime::Service;
use serde_json::Value;
use wiremock::Request;

pub use crate::wire::Expected;
use crate::wire::{check_body, check_query, query_pairs};

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
pub type Server = crate::server::Server<Harness>;

/// The QingCloud side of the test server: clients with the test keys and zone, requests
/// checked and their signature recomputed from the query, `ret_code` errors in HTTP 200
/// answers, and the `req_id` the client sent as the request id.
#[derive(Debug)]
pub struct Harness;

impl crate::server::Harness for Harness {
    type Vendor = QingCloud;
    const REQUEST_ID: Option<&'static str> = None;
    const ERROR_STATUS: u16 = 200;
    const ERROR_BODY: &'static str =
        r#"{"ret_code":1400,"message":"PermissionDenied, synthesized error"}"#;
    const EMPTY_SUCCESS: &'static str = r#"{"ret_code":0}"#;

    fn builder<S: Service<Vendor = QingCloud>>() -> ClientBuilder<S> {
        ClientBuilder::<S>::default()
            .credentials(Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY))
            .zone(ZONE)
    }

    fn check_request(
        request: &Request,
        expected: &Expected,
        _authority: &str,
        problems: &mut Vec<String>,
    ) {
        check_request(request, expected, problems);
    }

    fn error_fields(body: &Value) -> (Option<String>, Option<String>) {
        let message = body
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_owned);
        (body.get("ret_code").map(Value::to_string), message)
    }

    /// The `req_id` the client chose: 32 hexadecimal digits.
    fn request_id_ok(id: Option<&str>) -> bool {
        id.is_some_and(|r| r.len() == 32)
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
