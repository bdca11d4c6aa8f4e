//! QingCloud signature version 1 as `qingcloud-sdk` 1.2.16 does it: parameter flattening,
//! the common parameters and the signature. With the `verify` feature, `verify` checks
//! received queries and form bodies the way the server does (for test servers; clients are
//! built without it).
//!
//! The pipeline is [`flatten`] (the SDK's `build_http_request`), [`request_params`] (plus
//! `action`, `zone`, `expires`, `req_id`), then [`sign`] (plus `access_key_id`,
//! `signature_version`, `version`, `time_stamp`), which ends in [`sign_params`] (the SDK's
//! `_calc_signature`: `signature_method`, the canonical query and the HMAC). All of them
//! are pure: the clock reading and the request id are parameters.

use std::collections::BTreeMap;
use std::fmt;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha1::Sha1;
use sha2::Sha256;
use time::OffsetDateTime;

use super::{encode_pairs, encode_strict, format_utc};

#[cfg(any(test, feature = "verify"))]
mod verify;
#[cfg(any(test, feature = "verify"))]
pub use verify::verify;

/// The name of the parameter that carries the signature; it is never signed.
const SIGNATURE_PARAM: &str = "signature";
/// The name of the parameter that names the HMAC.
const SIGNATURE_METHOD_PARAM: &str = "signature_method";
/// The name of the parameter that names the signature version.
const SIGNATURE_VERSION_PARAM: &str = "signature_version";
/// The only signature version this module implements.
const SIGNATURE_VERSION: &str = "1";
/// The API version the SDK sends.
const API_VERSION: &str = "1";

/// The HMAC a QingCloud signature uses, sent as the signed `signature_method` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignatureMethod {
    /// `HmacSHA256`, what the SDK always uses.
    #[default]
    HmacSha256,
    /// `HmacSHA1`, the SDK's fallback when SHA-256 is unavailable.
    HmacSha1,
}

impl SignatureMethod {
    /// The parameter value: `HmacSHA256` or `HmacSHA1`.
    pub fn name(self) -> &'static str {
        match self {
            Self::HmacSha256 => "HmacSHA256",
            Self::HmacSha1 => "HmacSHA1",
        }
    }

    /// The method a `signature_method` value names, if it is one of the two.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "HmacSHA256" => Some(Self::HmacSha256),
            "HmacSHA1" => Some(Self::HmacSha1),
            _ => None,
        }
    }

    /// The raw HMAC of `message` under `key`.
    fn hmac(self, key: &[u8], message: &[u8]) -> Vec<u8> {
        match self {
            Self::HmacSha256 => {
                let mut mac =
                    Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
                mac.update(message);
                mac.finalize().into_bytes().to_vec()
            }
            Self::HmacSha1 => {
                let mut mac =
                    Hmac::<Sha1>::new_from_slice(key).expect("HMAC accepts keys of any length");
                mac.update(message);
                mac.finalize().into_bytes().to_vec()
            }
        }
    }
}

/// The HTTP method of a QingCloud request, which decides where the parameters go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// `GET`: the parameters and the signature form the query string.
    #[default]
    Get,
    /// `POST`: the parameters and the signature form an
    /// `application/x-www-form-urlencoded` body.
    Post,
}

impl Method {
    /// `GET` or `POST`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
        }
    }
}

/// An access key pair. The `Debug` output never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
}

impl Credentials {
    /// Credentials from the `qy_access_key_id` and `qy_secret_access_key` pair.
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
        }
    }

    /// The access key id.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .finish()
    }
}

/// An API action call before flattening and signing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ActionRequest {
    /// Where the parameters go.
    pub method: Method,
    /// The literal request path, e.g. `/iaas/` (the SDK's default) or `/iaas`; it is
    /// signed as is, so it must be the path actually requested.
    pub path: String,
    /// The action, e.g. `RunClusterCustomService`; it replaces an `action` parameter.
    pub action: String,
    /// The connection's zone; a `zone` parameter takes precedence, as in the SDK.
    pub zone: String,
    /// The action's parameters, flattened by [`flatten`].
    pub params: Vec<(String, Value)>,
    /// When the request expires, sent as `expires` if set.
    pub expires: Option<OffsetDateTime>,
    /// The request id, sent as `req_id` if set and not already a parameter (the SDK
    /// generates a fresh `uuid4().hex` per attempt).
    pub req_id: Option<String>,
    /// The HMAC to sign with.
    pub signature_method: SignatureMethod,
}

/// Where a signed request's parameters go on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireParams {
    /// The query string of a `GET`, without `?`: `<canonical query>&signature=<encoded>`.
    Query(String),
    /// The `application/x-www-form-urlencoded` body of a `POST`, in the same form.
    FormBody(String),
}

/// Everything [`sign`] or [`sign_params`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The HTTP method.
    pub method: Method,
    /// The request path that was signed.
    pub path: String,
    /// Every signed parameter, sorted by name (`signature` is not among them).
    pub params: BTreeMap<String, String>,
    /// The canonical query: `enc(name)=enc(value)` pairs sorted byte-wise, joined by `&`.
    pub canonical_query: String,
    /// `METHOD\n<path>\n<canonical query>`.
    pub string_to_sign: String,
    /// The standard base64 of the HMAC.
    pub signature: String,
    /// The signature URL-encoded once (`+` → `%2B`, `/` → `%2F`, `=` → `%3D`).
    pub encoded_signature: String,
    /// The query string or form body to send.
    pub wire: WireParams,
}

impl SignedRequest {
    /// The request target to send: `<path>?<query>` for `GET`, the path for `POST`.
    pub fn request_target(&self) -> String {
        match &self.wire {
            WireParams::Query(query) => format!("{}?{query}", self.path),
            WireParams::FormBody(_) => self.path.clone(),
        }
    }

    /// The query string to send (`GET` only).
    pub fn query(&self) -> Option<&str> {
        match &self.wire {
            WireParams::Query(query) => Some(query),
            WireParams::FormBody(_) => None,
        }
    }

    /// The form body to send (`POST` only).
    pub fn form_body(&self) -> Option<&str> {
        match &self.wire {
            WireParams::Query(_) => None,
            WireParams::FormBody(body) => Some(body),
        }
    }
}

/// Flattens action parameters as the SDK's `build_http_request` does.
///
/// - A top-level `null` is dropped.
/// - A list becomes `name.1` … `name.N` (1-based); an empty list emits nothing.
/// - A list element that is an object becomes `name.N.field` per field; a field that is
///   an object or a list is compact JSON with sorted keys and `\uXXXX` escapes for
///   non-ASCII, like Python's `json.dumps(sort_keys=True, separators=(',', ':'))`.
/// - Strings are sent as is, numbers as their JSON text, booleans as `true`/`false`.
///
/// Where the SDK relies on Python's `str()`, this function does not copy it: booleans are
/// `true`/`false` (not `True`), a `null` list element or object field is dropped (not
/// `None`), and a top-level object or a list nested in a list is compact JSON (not a
/// Python repr). Pass `service_params` as an already JSON-encoded string.
pub fn flatten(params: &[(String, Value)]) -> BTreeMap<String, String> {
    let mut flat = BTreeMap::new();
    for (name, value) in params {
        flatten_param(&mut flat, name, value);
    }
    flat
}

/// Flattens one top-level parameter into `flat`.
fn flatten_param(flat: &mut BTreeMap<String, String>, name: &str, value: &Value) {
    match value {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                flatten_list_item(flat, &format!("{name}.{}", index + 1), item);
            }
        }
        other => insert_text(flat, name.to_owned(), other),
    }
}

/// Flattens the list element `item` whose name is `prefix` (`name.N`) into `flat`.
fn flatten_list_item(flat: &mut BTreeMap<String, String>, prefix: &str, item: &Value) {
    match item {
        Value::Object(fields) => {
            for (field, value) in fields {
                insert_text(flat, format!("{prefix}.{field}"), value);
            }
        }
        other => insert_text(flat, prefix.to_owned(), other),
    }
}

/// Inserts `value`'s text under `name`, unless it is `null`.
fn insert_text(flat: &mut BTreeMap<String, String>, name: String, value: &Value) {
    if let Some(text) = value_text(value) {
        flat.insert(name, text);
    }
}

/// The text a value is sent as: strings as is, scalars as JSON text, objects and lists as
/// Python-compatible compact JSON, `null` as nothing.
fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(number.to_string()),
        Value::Array(_) | Value::Object(_) => Some(python_json(value)),
    }
}

/// Serializes `value` as Python's `json.dumps(v, sort_keys=True, separators=(',', ':'))`
/// with the default `ensure_ascii=True`.
fn python_json(value: &Value) -> String {
    let mut out = String::new();
    write_python_json(&mut out, value);
    out
}

/// Appends the Python-compatible compact JSON of `value` to `out`.
fn write_python_json(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => out.push_str(&number.to_string()),
        Value::String(text) => write_ascii_json_string(out, text),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_python_json(out, item);
            }
            out.push(']');
        }
        Value::Object(fields) => {
            let mut sorted: Vec<(&String, &Value)> = fields.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (index, (name, field)) in sorted.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_ascii_json_string(out, name);
                out.push(':');
                write_python_json(out, field);
            }
            out.push('}');
        }
    }
}

/// Appends `text` as a JSON string whose every character outside printable ASCII is
/// escaped: short escapes where JSON has them, otherwise `\uxxxx` in lower-case hex, with
/// surrogate pairs above U+FFFF.
fn write_ascii_json_string(out: &mut String, text: &str) {
    use fmt::Write as _;
    out.push('"');
    for c in text.chars() {
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
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

/// The flattened parameters of `request` plus the ones `send_request` and
/// `build_http_request` add: `action` (replacing any), `zone` (unless a parameter set it),
/// `expires` (if set, replacing any) and `req_id` (if set, unless a parameter set it).
pub fn request_params(request: &ActionRequest) -> BTreeMap<String, String> {
    let mut params = flatten(&request.params);
    params.insert("action".to_owned(), request.action.clone());
    params
        .entry("zone".to_owned())
        .or_insert_with(|| request.zone.clone());
    if let Some(expires) = request.expires {
        params.insert("expires".to_owned(), format_utc(expires, "-", ":"));
    }
    if let Some(req_id) = &request.req_id {
        params
            .entry("req_id".to_owned())
            .or_insert_with(|| req_id.clone());
    }
    params
}

/// Signs `request` as the SDK's `send_request` does, with `now` as the clock reading.
///
/// It adds `access_key_id`, `signature_version=1`, `version=1` and `time_stamp` (UTC,
/// `%Y-%m-%dT%H:%M:%SZ`) to [`request_params`], then signs with [`sign_params`].
pub fn sign(
    request: &ActionRequest,
    credentials: &Credentials,
    now: OffsetDateTime,
) -> SignedRequest {
    let mut params = request_params(request);
    let auth_params = [
        ("access_key_id", credentials.access_key_id.clone()),
        (SIGNATURE_VERSION_PARAM, SIGNATURE_VERSION.to_owned()),
        ("version", API_VERSION.to_owned()),
        ("time_stamp", format_utc(now, "-", ":")),
    ];
    for (name, value) in auth_params {
        params.insert(name.to_owned(), value);
    }
    sign_params(
        request.method,
        &request.path,
        params,
        request.signature_method,
        &credentials.secret_access_key,
    )
}

/// Signs already complete parameters as the SDK's `_calc_signature` does: it sets
/// `signature_method`, builds the canonical query and the string to sign
/// `METHOD\n<path>\n<query>`, takes the base64 HMAC and URL-encodes it once.
///
/// The query or form body is `<canonical query>&signature=<encoded signature>`.
pub fn sign_params(
    method: Method,
    path: &str,
    mut params: BTreeMap<String, String>,
    signature_method: SignatureMethod,
    secret_access_key: &str,
) -> SignedRequest {
    params.insert(
        SIGNATURE_METHOD_PARAM.to_owned(),
        signature_method.name().to_owned(),
    );
    let canonical_query = canonical_query(&params);
    let string_to_sign = string_to_sign(method, path, &canonical_query);
    let signature = signature(signature_method, secret_access_key, &string_to_sign);
    let encoded_signature = encode_strict(&signature);
    let wire_text = format!("{canonical_query}&{SIGNATURE_PARAM}={encoded_signature}");
    let wire = match method {
        Method::Get => WireParams::Query(wire_text),
        Method::Post => WireParams::FormBody(wire_text),
    };
    SignedRequest {
        method,
        path: path.to_owned(),
        params,
        canonical_query,
        string_to_sign,
        signature,
        encoded_signature,
        wire,
    }
}

/// The canonical query: `enc(name)=enc(value)` for every parameter in byte-wise name
/// order (a `BTreeMap<String, _>` iterates in that order), joined with `&`.
fn canonical_query(params: &BTreeMap<String, String>) -> String {
    encode_pairs(params.iter().map(|(n, v)| (n.as_str(), v.as_str())))
}

/// `METHOD\n<path>\n<canonical query>`, with no trailing newline.
fn string_to_sign(method: Method, path: &str, canonical_query: &str) -> String {
    format!("{}\n{path}\n{canonical_query}", method.name())
}

/// The standard base64 of the HMAC of `string_to_sign` under the secret.
fn signature(method: SignatureMethod, secret_access_key: &str, string_to_sign: &str) -> String {
    BASE64.encode(method.hmac(secret_access_key.as_bytes(), string_to_sign.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::SigningError;
    use serde_json::json;
    use time::macros::datetime;

    fn params(items: Vec<(&str, Value)>) -> Vec<(String, Value)> {
        items.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }

    fn map(items: &[(&str, &str)]) -> BTreeMap<String, String> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn flatten_numbers_lists_from_one_and_drops_nulls() {
        let flat = flatten(&params(vec![
            ("nodes", json!(["a", 2, true])),
            ("empty", json!([])),
            ("gone", Value::Null),
            ("count", json!(3)),
        ]));
        assert_eq!(
            flat,
            map(&[
                ("count", "3"),
                ("nodes.1", "a"),
                ("nodes.2", "2"),
                ("nodes.3", "true")
            ])
        );
    }

    #[test]
    fn flatten_objects_in_lists_with_python_json_sub_values() {
        let flat = flatten(&params(vec![(
            "cfg",
            json!([{"name": "x", "conf": {"b": "+\\", "a": [1, "二", "😀"]}, "ids": ["i"], "n": null}]),
        )]));
        assert_eq!(
            flat,
            map(&[
                (
                    "cfg.1.conf",
                    r#"{"a":[1,"\u4e8c","\ud83d\ude00"],"b":"+\\"}"#
                ),
                ("cfg.1.ids", r#"["i"]"#),
                ("cfg.1.name", "x"),
            ])
        );
    }

    #[test]
    fn python_json_escapes_controls_and_delete() {
        let value = json!({"k": "\"\n\t\u{1}\u{7f}/"});
        assert_eq!(python_json(&value), r#"{"k":"\"\n\t\u0001\u007f/"}"#);
    }

    #[test]
    fn canonical_query_sorts_names_byte_wise() {
        let params = map(&[
            ("nodes.2", "b"),
            ("nodes.10", "a"),
            ("a_b", ""),
            ("a.b", ""),
            ("a-b", ""),
            ("Zeta", ""),
            ("a~b", ""),
        ]);
        assert_eq!(
            canonical_query(&params),
            "Zeta=&a-b=&a.b=&a_b=&a~b=&nodes.10=a&nodes.2=b"
        );
    }

    #[test]
    fn canonical_query_encodes_strictly() {
        let params = map(&[
            ("q", "a b*'()!/:"),
            ("service_params", r#"{"node_id":"x"}"#),
        ]);
        assert_eq!(
            canonical_query(&params),
            "q=a%20b%2A%27%28%29%21%2F%3A&service_params=%7B%22node_id%22%3A%22x%22%7D"
        );
    }

    fn doc_example_params() -> BTreeMap<String, String> {
        map(&[
            ("count", "1"),
            ("vxnets.1", "vxnet-0"),
            ("zone", "pek1"),
            ("instance_type", "small_b"),
            ("signature_version", "1"),
            ("instance_name", "demo"),
            ("image_id", "centos64x86a"),
            ("login_mode", "passwd"),
            ("login_passwd", "QingCloud20130712"),
            ("version", "1"),
            ("access_key_id", "QYACCESSKEYIDEXAMPLE"),
            ("action", "RunInstances"),
            ("time_stamp", "2013-08-27T14:30:10Z"),
        ])
    }

    #[test]
    fn official_documentation_example() {
        let signed = sign_params(
            Method::Get,
            "/iaas/",
            doc_example_params(),
            SignatureMethod::HmacSha256,
            "SECRETACCESSKEY",
        );
        assert_eq!(
            signed.encoded_signature,
            "32bseYy39DOlatuewpeuW5vpmW51sD1A%2FJdGynqSpP8%3D"
        );
        assert!(signed
            .request_target()
            .ends_with("&zone=pek1&signature=32bseYy39DOlatuewpeuW5vpmW51sD1A%2FJdGynqSpP8%3D"));
    }

    #[test]
    fn path_with_and_without_trailing_slash_sign_differently() {
        let sign_at = |path| {
            sign_params(
                Method::Get,
                path,
                doc_example_params(),
                SignatureMethod::HmacSha256,
                "SECRETACCESSKEY",
            )
            .signature
        };
        assert_ne!(sign_at("/iaas/"), sign_at("/iaas"));
    }

    fn action_request(method: Method) -> ActionRequest {
        ActionRequest {
            method,
            path: "/iaas/".to_owned(),
            action: "RunClusterCustomService".to_owned(),
            zone: "sh1a".to_owned(),
            params: params(vec![
                ("cluster", json!("cl-1")),
                ("service_params", json!(r#"{"node_id":"cln-1"}"#)),
                ("nodes", json!(["a b", "c+d"])),
            ]),
            expires: Some(datetime!(2024-06-01 08:20:00 UTC)),
            req_id: Some("r".to_owned()),
            signature_method: SignatureMethod::HmacSha256,
        }
    }

    #[test]
    fn sign_adds_the_common_parameters() {
        let credentials = Credentials::new("AK", "SK");
        let signed = sign(
            &action_request(Method::Get),
            &credentials,
            datetime!(2024-06-01 16:00:00 +08:00),
        );
        let names: Vec<&str> = signed.params.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "access_key_id",
                "action",
                "cluster",
                "expires",
                "nodes.1",
                "nodes.2",
                "req_id",
                "service_params",
                "signature_method",
                "signature_version",
                "time_stamp",
                "version",
                "zone"
            ]
        );
        assert_eq!(signed.params["time_stamp"], "2024-06-01T08:00:00Z");
        assert_eq!(signed.params["expires"], "2024-06-01T08:20:00Z");
    }

    #[test]
    fn parameter_zone_wins_over_the_connection_zone() {
        let mut request = action_request(Method::Get);
        request.params.push(("zone".to_owned(), json!("pek3")));
        assert_eq!(request_params(&request)["zone"], "pek3");
    }

    #[test]
    fn verify_accepts_get_and_post() {
        let credentials = Credentials::new("AK", "SK");
        for method in [Method::Get, Method::Post] {
            let signed = sign(
                &action_request(method),
                &credentials,
                OffsetDateTime::UNIX_EPOCH,
            );
            let wire = match &signed.wire {
                WireParams::Query(text) | WireParams::FormBody(text) => text,
            };
            assert_eq!(verify(method, "/iaas/", wire, "SK"), Ok(()));
        }
    }

    #[test]
    fn verify_accepts_reordered_plus_encoded_form_bodies() {
        let credentials = Credentials::new("AK", "SK");
        let signed = sign(
            &action_request(Method::Post),
            &credentials,
            OffsetDateTime::UNIX_EPOCH,
        );
        let mut body: Vec<String> = signed
            .params
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    encode_strict(k),
                    encode_strict(v).replace("%20", "+")
                )
            })
            .collect();
        body.reverse();
        body.push(format!("signature={}", signed.encoded_signature));
        assert_eq!(
            verify(Method::Post, "/iaas/", &body.join("&"), "SK"),
            Ok(())
        );
    }

    #[test]
    fn verify_rejects_a_changed_value_and_another_path() {
        let credentials = Credentials::new("AK", "SK");
        let signed = sign(
            &action_request(Method::Get),
            &credentials,
            OffsetDateTime::UNIX_EPOCH,
        );
        let WireParams::Query(query) = &signed.wire else {
            panic!("GET signs a query");
        };
        let changed = query.replace("cluster=cl-1", "cluster=cl-2");
        let error = verify(Method::Get, "/iaas/", &changed, "SK").expect_err("value changed");
        assert!(
            matches!(&error, SigningError::SignatureMismatch { canonical, .. } if canonical.contains("cluster=cl-2"))
        );
        assert!(verify(Method::Get, "/iaas", query, "SK").is_err());
        assert!(verify(Method::Post, "/iaas/", query, "SK").is_err());
    }

    #[test]
    fn verify_reports_missing_and_repeated_parameters() {
        assert_eq!(
            verify(Method::Get, "/iaas/", "a=1&signature_version=1", "SK"),
            Err(SigningError::Malformed(
                "no `signature` parameter".to_owned()
            ))
        );
        assert_eq!(
            verify(Method::Get, "/iaas/", "a=1&a=2&signature=x", "SK"),
            Err(SigningError::Malformed(
                "parameter `a` is repeated".to_owned()
            ))
        );
        assert_eq!(
            verify(
                Method::Get,
                "/iaas/",
                "signature_version=1&signature_method=HmacMD5&signature=x",
                "SK"
            ),
            Err(SigningError::UnsupportedAlgorithm("HmacMD5".to_owned()))
        );
    }

    #[test]
    fn secret_stays_out_of_debug_output_and_errors() {
        let credentials = Credentials::new("AK", "TOP-SECRET");
        assert!(!format!("{credentials:?}").contains("TOP-SECRET"));
        let signed = sign(
            &action_request(Method::Get),
            &credentials,
            OffsetDateTime::UNIX_EPOCH,
        );
        let WireParams::Query(query) = &signed.wire else {
            panic!("GET signs a query");
        };
        let error = verify(Method::Get, "/iaas/", query, "WRONG-SECRET").expect_err("bad key");
        assert!(!error.to_string().contains("WRONG-SECRET"));
    }
}
