//! Property tests of the signers on random requests: what `signing::huawei::sign` produces
//! is accepted by the gateway verifier (`signing::huawei::verify`) and is exactly what an
//! independent rendering of the vendor vectors' rules gives; a tampered copy is refused.
//! The same for QingCloud's parameter flattening and signature.
//!
//! The inputs reach where the vectors do not: any method, paths with reserved and
//! non-ASCII characters, encoded slashes, empty segments and trailing slashes, repeated
//! and empty query keys, header values with surrounding and inner whitespace (and folded
//! values, which must be refused), bodies of any bytes, and every credential shape.
//!
//! Seeded and bounded: CI runs the case counts named below with a fixed seed. A longer run
//! multiplies them (`CLOUDDB_FUZZ_SCALE`) and may pick another seed (`CLOUDDB_FUZZ_SEED`):
//!
//! ```text
//! CLOUDDB_FUZZ_SCALE=400 cargo test --release -p clouddb-conformance --test fuzz_signing
//! ```

use std::collections::BTreeMap;

use clouddb_runtime::signing::{encode_strict, huawei, qingcloud, SigningError};
use hmac::{Hmac, Mac};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// Cases per Huawei property in CI.
const HUAWEI_CASES: u32 = 2_000;
/// Cases per QingCloud property in CI.
const QINGCLOUD_CASES: u32 = 2_000;
/// Cases of folded header values in CI.
const FOLDED_CASES: u32 = 500;

/// The runner's settings: the CI case count times `CLOUDDB_FUZZ_SCALE`, a fixed seed
/// (`CLOUDDB_FUZZ_SEED` to change it), and no failure files.
fn config(cases: u32) -> Config {
    let scale = std::env::var("CLOUDDB_FUZZ_SCALE")
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
        .unwrap_or(1);
    let seed = std::env::var("CLOUDDB_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(0x5EED_2026);
    Config {
        cases: cases.saturating_mul(scale.max(1)),
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        max_shrink_iters: 4_096,
        ..Config::default()
    }
}

/// Runs `test` on `cases` inputs of `strategy`; a failure shows the smallest input found.
fn run<S: Strategy>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let config = config(cases);
    let cases = config.cases;
    let mut runner = TestRunner::new(config);
    if let Err(e) = runner.run(&strategy, test) {
        panic!("{name}: {e}");
    }
    eprintln!("{name}: {cases} cases passed");
}

// ---------------------------------------------------------------------------------------
// Huawei Cloud
// ---------------------------------------------------------------------------------------

/// One path segment as it goes on the wire (already percent-encoded).
fn path_segment() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just(String::new()),
        3 => any::<String>().prop_map(|s| encode_strict(&s)),
        3 => "[A-Za-z0-9._~!$&'()*+,;=:@-]{1,12}",
        1 => prop_oneof![Just("%2F"), Just("a%2fb"), Just("%2f%2F"), Just("%25")].prop_map(str::to_owned),
        2 => "[\\PC]{1,6}".prop_map(|s| encode_strict(&s).to_ascii_lowercase()),
    ]
}

fn wire_path() -> impl Strategy<Value = String> {
    (prop::collection::vec(path_segment(), 0..6), any::<bool>()).prop_map(|(segments, trailing)| {
        let mut path = format!("/{}", segments.join("/"));
        if trailing && !path.ends_with('/') {
            path.push('/');
        }
        path
    })
}

fn query_text() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just(String::new()),
        3 => "[a-c]{1,2}",
        2 => any::<String>(),
        2 => "[ &=+%#?/;,\\PC]{1,8}",
    ]
}

/// A header value without control characters (tab allowed), with whitespace around it
/// and inside it.
fn header_value() -> impl Strategy<Value = String> {
    ("[ \t]{0,3}", "[ \t\\PC]{0,16}", "[ \t]{0,3}").prop_map(|(a, b, c)| format!("{a}{b}{c}"))
}

/// Header names the signer adds or refuses are left to the dedicated checks.
fn is_plain_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !matches!(lower.as_str(), "authorization" | "host" | "x-sdk-date")
        && !lower.starts_with("x-sdk-content-")
}

fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}",
        1 => Just("Content-Type".to_owned()),
        2 => prop_oneof![Just("X-Dup"), Just("x-dup"), Just("X-DUP"), Just("x_under")].prop_map(str::to_owned),
        1 => prop_oneof![Just("X-Project-Id"), Just("x-security-token")].prop_map(str::to_owned),
    ]
    .prop_filter("added by the signer", |n| is_plain_header(n))
}

fn header() -> impl Strategy<Value = (String, String)> {
    (header_name(), header_value()).prop_map(|(name, value)| {
        if name == "Content-Type" && value.len() % 3 == 0 {
            (name, "application/json;charset=UTF-8".to_owned())
        } else {
            (name, value)
        }
    })
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop_oneof![Just("GET"), Just("POST"), Just("PUT"), Just("DELETE"), Just("PATCH"), Just("HEAD")].prop_map(str::to_owned),
        1 => "[a-zA-Z]{1,8}",
    ]
}

fn unsigned_request() -> impl Strategy<Value = huawei::UnsignedRequest> {
    (
        method(),
        "[a-z0-9.-]{1,20}(:[0-9]{1,5})?",
        wire_path(),
        prop::collection::vec((query_text(), query_text()), 0..8),
        prop::collection::vec(header(), 0..6),
        prop::option::of(prop::collection::vec(any::<u8>(), 0..300)),
    )
        .prop_map(
            |(method, host, path, query, headers, body)| huawei::UnsignedRequest {
                method,
                host,
                path,
                query,
                headers,
                body,
            },
        )
}

/// Everything that varies between signatures besides the request.
#[derive(Debug, Clone)]
struct Signer {
    access_key: String,
    secret_key: String,
    token: Option<String>,
    project_id: Option<String>,
    domain_id: Option<String>,
    algorithm: huawei::Algorithm,
    now: OffsetDateTime,
}

impl Signer {
    fn credentials(&self) -> huawei::Credentials {
        let mut credentials = huawei::Credentials::new(&self.access_key, &self.secret_key);
        if let Some(token) = &self.token {
            credentials = credentials.with_security_token(token);
        }
        if let Some(id) = &self.project_id {
            credentials = credentials.with_project_id(id);
        }
        if let Some(id) = &self.domain_id {
            credentials = credentials.with_domain_id(id);
        }
        credentials
    }
}

fn signer() -> impl Strategy<Value = Signer> {
    let algorithm = prop_oneof![
        Just(huawei::Algorithm::HmacSha256),
        Just(huawei::Algorithm::HmacSm3),
        ("[a-z]{1,10}", "[a-z0-9-]{1,14}").prop_map(|(service, region)| {
            huawei::Algorithm::DerivedHmacSha256 { service, region }
        }),
    ];
    (
        "[A-Z0-9]{8,20}",
        any::<String>(),
        prop::option::of("[A-Za-z0-9+/=]{0,40}"),
        prop::option::of("[0-9a-f]{0,32}"),
        prop::option::of("[0-9a-f]{0,32}"),
        algorithm,
        946_684_800i64..4_102_444_800,
    )
        .prop_map(
            |(access_key, secret_key, token, project_id, domain_id, algorithm, now)| Signer {
                access_key,
                secret_key,
                token,
                project_id,
                domain_id,
                algorithm,
                now: OffsetDateTime::from_unix_timestamp(now)
                    .expect("a time between 2000 and 2100"),
            },
        )
}

/// Python's `str.strip()`, which the SDK applies to header values.
fn python_strip(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || ('\x1c'..='\x1f').contains(&c))
}

fn sdk_date(now: OffsetDateTime) -> String {
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}

/// Sets the header named exactly `name` in place, or appends it (a Python dict assignment).
fn set_exact(headers: &mut Vec<(String, String)>, name: &str, value: &str) {
    match headers.iter_mut().find(|(n, _)| n == name) {
        Some(slot) => slot.1 = value.to_owned(),
        None => headers.push((name.to_owned(), value.to_owned())),
    }
}

fn hex_hash(algorithm: &huawei::Algorithm, data: &[u8]) -> String {
    match algorithm {
        huawei::Algorithm::HmacSm3 => hex::encode(sm3::Sm3::digest(data)),
        _ => hex::encode(Sha256::digest(data)),
    }
}

fn hex_hmac(algorithm: &huawei::Algorithm, key: &[u8], data: &[u8]) -> String {
    match algorithm {
        huawei::Algorithm::HmacSm3 => {
            let mut mac = Hmac::<sm3::Sm3>::new_from_slice(key).expect("any key length");
            mac.update(data);
            hex::encode(mac.finalize().into_bytes())
        }
        _ => {
            let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
            mac.update(data);
            hex::encode(mac.finalize().into_bytes())
        }
    }
}

/// What the vectors' rules say the signer must send and sign, computed apart from the
/// runtime: the headers in the SDK's order, the canonical request, the string to sign and
/// the `Authorization` value.
struct Expected {
    headers: Vec<(String, String)>,
    canonical_request: String,
    string_to_sign: String,
    authorization: String,
}

fn expected_signature(request: &huawei::UnsignedRequest, signer: &Signer) -> Expected {
    let algorithm = &signer.algorithm;
    let sm3 = matches!(algorithm, huawei::Algorithm::HmacSm3);
    let mut headers = request.headers.clone();
    let credential_headers = [
        ("X-Project-Id", &signer.project_id),
        ("X-Domain-Id", &signer.domain_id),
        ("X-Security-Token", &signer.token),
    ];
    for (name, value) in credential_headers {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            set_exact(&mut headers, name, value);
        }
    }
    let marker = if sm3 {
        "X-Sdk-Content-Sm3"
    } else {
        "X-Sdk-Content-Sha256"
    };
    let content_type = headers.iter().rev().find(|(n, _)| n == "Content-Type");
    if content_type.is_some_and(|(_, ct)| {
        !ct.is_empty() && !ct.starts_with("application/json") && !ct.starts_with("application/bson")
    }) {
        set_exact(&mut headers, marker, "UNSIGNED-PAYLOAD");
    }
    let date = sdk_date(signer.now);
    headers.push(("X-Sdk-Date".to_owned(), date.clone()));
    headers.push(("Host".to_owned(), request.host.clone()));
    let headers: Vec<(String, String)> = headers
        .into_iter()
        .map(|(n, v)| {
            let v = python_strip(&v).to_owned();
            (n, v)
        })
        .collect();

    // Canonical URI: unquote, split on `/`, quote each segment with safe `~`, end in `/`.
    let decoded = percent_encoding::percent_decode_str(&request.path).decode_utf8_lossy();
    let mut uri = decoded
        .split('/')
        .map(encode_strict)
        .collect::<Vec<_>>()
        .join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    // Canonical query: sorted by raw name then raw value, both quoted.
    let mut query = request.query.clone();
    query.sort();
    let query = query
        .iter()
        .map(|(k, v)| format!("{}={}", encode_strict(k), encode_strict(v)))
        .collect::<Vec<_>>()
        .join("&");
    // Signed headers: every name without `_`, lower-cased, sorted; the last value wins.
    let mut names: Vec<String> = headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .filter(|n| !n.contains('_'))
        .collect();
    names.sort();
    let lines: String = names
        .iter()
        .map(|name| {
            let value = headers
                .iter()
                .rev()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map_or("", |(_, v)| v.as_str());
            format!("{name}:{value}\n")
        })
        .collect();
    let signed_headers = names.join(";");
    let payload_hash = match request.body.as_deref() {
        None | Some([]) => hex_hash(algorithm, b""),
        Some(body) => headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(marker))
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| hex_hash(algorithm, body)),
    };
    let canonical_request = format!(
        "{}\n{uri}\n{query}\n{lines}\n{signed_headers}\n{payload_hash}",
        request.method.to_ascii_uppercase()
    );
    let request_hash = hex_hash(algorithm, canonical_request.as_bytes());
    let (string_to_sign, signature, credential) = match algorithm {
        huawei::Algorithm::DerivedHmacSha256 { service, region } => {
            let region = if signer.domain_id.is_some() {
                "globe"
            } else {
                region.as_str()
            };
            let scope = format!("{}/{region}/{service}", &date[..8]);
            let string_to_sign = format!("V11-HMAC-SHA256\n{date}\n{scope}\n{request_hash}");
            let mut mac = Hmac::<Sha256>::new_from_slice(signer.access_key.as_bytes())
                .expect("any key length");
            mac.update(signer.secret_key.as_bytes());
            let prk = mac.finalize().into_bytes();
            let mut info = scope.as_bytes().to_vec();
            info.push(1);
            let key = hex_hmac(algorithm, &prk, &info);
            let signature = hex_hmac(algorithm, key.as_bytes(), string_to_sign.as_bytes());
            (
                string_to_sign,
                signature,
                format!("Credential={}/{scope}", signer.access_key),
            )
        }
        _ => {
            let name = if sm3 {
                "SDK-HMAC-SM3"
            } else {
                "SDK-HMAC-SHA256"
            };
            let string_to_sign = format!("{name}\n{date}\n{request_hash}");
            let signature = hex_hmac(
                algorithm,
                signer.secret_key.as_bytes(),
                string_to_sign.as_bytes(),
            );
            (
                string_to_sign,
                signature,
                format!("Access={}", signer.access_key),
            )
        }
    };
    let authorization = format!(
        "{} {credential}, SignedHeaders={signed_headers}, Signature={signature}",
        algorithm.name()
    );
    let mut sent = headers;
    sent.push(("Authorization".to_owned(), authorization.clone()));
    Expected {
        headers: sent,
        canonical_request,
        string_to_sign,
        authorization,
    }
}

fn received<'a>(
    request: &'a huawei::UnsignedRequest,
    signed: &'a huawei::SignedRequest,
    body: &'a [u8],
) -> huawei::ReceivedRequest<'a> {
    let host = signed
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("host"))
        .map_or("", |(_, v)| v.as_str());
    huawei::ReceivedRequest {
        method: &request.method,
        host,
        path: &signed.path,
        query: &signed.query,
        headers: &signed.headers,
        body,
    }
}

#[test]
fn huawei_signatures_verify_and_follow_the_vector_rules() {
    run(
        "huawei sign/verify",
        HUAWEI_CASES,
        (unsigned_request(), signer()),
        |(request, signer)| {
            let signed = huawei::sign(
                &request,
                &signer.credentials(),
                &signer.algorithm,
                signer.now,
            )
            .map_err(|e| TestCaseError::fail(format!("signing failed: {e}")))?;
            let expected = expected_signature(&request, &signer);
            prop_assert_eq!(&signed.headers, &expected.headers);
            prop_assert_eq!(&signed.canonical_request, &expected.canonical_request);
            prop_assert_eq!(&signed.string_to_sign, &expected.string_to_sign);
            prop_assert_eq!(&signed.authorization, &expected.authorization);
            prop_assert_eq!(
                &signed.path,
                &request.path,
                "the wire path is sent as given"
            );

            let body = request.body.clone().unwrap_or_default();
            let received = received(&request, &signed, &body);
            if let Err(e) = huawei::verify(&received, &signer.secret_key) {
                return Err(TestCaseError::fail(format!("the verifier refused it: {e}")));
            }
            // Tampered copies are refused: another path, and one body byte changed.
            let longer = format!("{}x", signed.path);
            let moved = huawei::ReceivedRequest {
                path: &longer,
                ..received
            };
            let refused = matches!(
                huawei::verify(&moved, &signer.secret_key),
                Err(SigningError::SignatureMismatch { .. })
            );
            prop_assert!(refused, "another path was accepted");
            if !body.is_empty() && signed.payload_hash != "UNSIGNED-PAYLOAD" {
                let mut tampered = body.clone();
                tampered[body.len() / 2] ^= 0x20;
                let changed = huawei::ReceivedRequest {
                    body: &tampered,
                    ..received
                };
                let refused = matches!(
                    huawei::verify(&changed, &signer.secret_key),
                    Err(SigningError::SignatureMismatch { .. })
                );
                prop_assert!(refused, "a changed body was accepted");
            }
            Ok(())
        },
    );
}

/// A value folded over lines (obs-fold) or holding another control character.
fn folded_value() -> impl Strategy<Value = String> {
    (
        "[ \\PC]{0,8}",
        prop_oneof![
            Just("\r\n "),
            Just("\r\n\t"),
            Just("\n "),
            Just("\r"),
            Just("\0"),
            Just("\u{7f}")
        ],
        "[ \\PC]{0,8}",
    )
        .prop_map(|(a, fold, b)| format!("v{a}{fold}{b}x"))
}

#[test]
fn huawei_folded_header_values_are_refused_by_name() {
    run(
        "huawei folded headers",
        FOLDED_CASES,
        (
            unsigned_request(),
            signer(),
            "X-[A-Za-z]{1,8}",
            folded_value(),
        ),
        |(mut request, signer, name, value)| {
            request.headers.push((name.clone(), value));
            match huawei::sign(
                &request,
                &signer.credentials(),
                &signer.algorithm,
                signer.now,
            ) {
                Err(SigningError::InvalidHeader { name: refused, .. }) => {
                    prop_assert_eq!(refused, name);
                    Ok(())
                }
                other => Err(TestCaseError::fail(format!(
                    "expected the folded header to be refused, got {other:?}"
                ))),
            }
        },
    );
}

// ---------------------------------------------------------------------------------------
// QingCloud
// ---------------------------------------------------------------------------------------

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter_map("finite", serde_json::Number::from_f64)
            .prop_map(Value::Number),
        any::<String>().prop_map(Value::String),
        "[ -~]{0,8}".prop_map(Value::String),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_\\PC]{0,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn param_name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z_]{1,8}",
        1 => "[a-z]{1,4}\\.[0-9]{1,2}",
        1 => any::<String>(),
        1 => "[ &=+%.#]{0,4}",
    ]
    // A parameter named `signature` would be sent twice; no spec names one.
    .prop_filter("the signature's own name", |n| n != "signature")
}

/// Python's `json.dumps(v, sort_keys=True, separators=(',', ':'))` (ASCII only).
fn python_json(value: &Value) -> String {
    match value {
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(python_json).collect::<Vec<_>>().join(",")
        ),
        Value::Object(fields) => {
            let sorted: BTreeMap<&String, &Value> = fields.iter().collect();
            let inner = sorted
                .into_iter()
                .map(|(k, v)| format!("{}:{}", python_string(k), python_json(v)))
                .collect::<Vec<_>>()
                .join(",");
            format!("{{{inner}}}")
        }
        Value::String(s) => python_string(s),
        other => other.to_string(),
    }
}

fn python_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(_) | Value::Object(_) => Some(python_json(value)),
        other => Some(other.to_string()),
    }
}

/// The SDK's flattening, written from its rules: lists become `name.N` (objects in them
/// `name.N.field`), nulls are dropped, later names replace earlier ones.
fn expected_flat(params: &[(String, Value)]) -> BTreeMap<String, String> {
    let mut flat = BTreeMap::new();
    for (name, value) in params {
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let prefix = format!("{name}.{}", i + 1);
                    match item {
                        Value::Object(fields) => {
                            for (field, v) in fields {
                                if let Some(text) = text_of(v) {
                                    flat.insert(format!("{prefix}.{field}"), text);
                                }
                            }
                        }
                        other => {
                            if let Some(text) = text_of(other) {
                                flat.insert(prefix, text);
                            }
                        }
                    }
                }
            }
            other => {
                if let Some(text) = text_of(other) {
                    flat.insert(name.clone(), text);
                }
            }
        }
    }
    flat
}

fn action_request() -> impl Strategy<Value = qingcloud::ActionRequest> {
    (
        any::<bool>(),
        prop_oneof![
            Just("/iaas/".to_owned()),
            Just("/iaas".to_owned()),
            "/[a-z/]{0,8}"
        ],
        "[A-Za-z]{1,24}",
        "[a-z0-9]{2,8}",
        prop::collection::vec((param_name(), json_value()), 0..8),
        prop::option::of("[0-9a-f]{32}"),
        any::<bool>(),
    )
        .prop_map(|(post, path, action, zone, params, req_id, sha1)| {
            qingcloud::ActionRequest {
                method: if post {
                    qingcloud::Method::Post
                } else {
                    qingcloud::Method::Get
                },
                path,
                action,
                zone,
                params,
                expires: None,
                req_id,
                signature_method: if sha1 {
                    qingcloud::SignatureMethod::HmacSha1
                } else {
                    qingcloud::SignatureMethod::HmacSha256
                },
            }
        })
}

#[test]
fn qingcloud_flattening_follows_the_sdk_and_signatures_verify() {
    run(
        "qingcloud flatten/sign/verify",
        QINGCLOUD_CASES,
        (
            action_request(),
            "[A-Z]{20}",
            any::<String>(),
            946_684_800i64..4_102_444_800,
        ),
        |(request, access_key, secret, now)| {
            prop_assert_eq!(
                qingcloud::flatten(&request.params),
                expected_flat(&request.params)
            );
            let now =
                OffsetDateTime::from_unix_timestamp(now).expect("a time between 2000 and 2100");
            let credentials = qingcloud::Credentials::new(&access_key, &secret);
            let signed = qingcloud::sign(&request, &credentials, now);
            let wire = match &signed.wire {
                qingcloud::WireParams::Query(q) | qingcloud::WireParams::FormBody(q) => q.clone(),
            };
            // The wire text is the canonical query of every parameter, then the signature.
            prop_assert_eq!(
                &wire,
                &format!(
                    "{}&signature={}",
                    signed.canonical_query,
                    encode_strict(&signed.signature)
                )
            );
            let mut expected = expected_flat(&request.params);
            expected.insert("action".into(), request.action.clone());
            expected
                .entry("zone".into())
                .or_insert_with(|| request.zone.clone());
            if let Some(id) = &request.req_id {
                expected
                    .entry("req_id".into())
                    .or_insert_with(|| id.clone());
            }
            expected.insert("access_key_id".into(), access_key.clone());
            expected.insert("signature_version".into(), "1".into());
            expected.insert("version".into(), "1".into());
            let stamp = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                now.year(),
                u8::from(now.month()),
                now.day(),
                now.hour(),
                now.minute(),
                now.second()
            );
            expected.insert("time_stamp".into(), stamp);
            expected.insert(
                "signature_method".into(),
                request.signature_method.name().into(),
            );
            prop_assert_eq!(&signed.params, &expected);
            if let Err(e) = qingcloud::verify(request.method, &request.path, &wire, &secret) {
                return Err(TestCaseError::fail(format!("the verifier refused it: {e}")));
            }
            // Another path, or a parameter dropped, is refused.
            let moved = format!("{}x", request.path);
            let refused = qingcloud::verify(request.method, &moved, &wire, &secret).is_err();
            prop_assert!(refused, "another path was accepted");
            let without_action: String = wire
                .split('&')
                .filter(|pair| !pair.starts_with("action="))
                .collect::<Vec<_>>()
                .join("&");
            let refused =
                qingcloud::verify(request.method, &request.path, &without_action, &secret).is_err();
            prop_assert!(refused, "a request without its action was accepted");
            Ok(())
        },
    );
}
