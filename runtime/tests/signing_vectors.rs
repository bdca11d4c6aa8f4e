//! Conformance of the signers with the vendors' vectors: every case of every `.jsonl` file
//! in `tests/data/`, signed and then verified, with tampered copies that must be rejected.
//!
//! A case with an `algorithm` field is a Huawei Cloud case, one with a `pipeline` field a
//! QingCloud case, so new vector files can be dropped into `tests/data/` without code
//! changes. Each case is its own test, named `<file stem>::<case id>` (this file is a
//! custom harness, `harness = false`, on `libtest-mimic`), and a failing one reports its
//! first differing field; `cargo test -p clouddb-runtime --test signing_vectors qcsig-0001`
//! runs one. Three more tests check the set: every file holds cases, case ids are unique
//! within a file, and some case had a tampered copy to reject.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use clouddb_runtime::signing::{huawei, qingcloud, SigningError};
use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::Value;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

/// What checking one case proved, or the reason it failed.
type CaseResult = Result<CaseStats, String>;

/// What a passing case exercised beyond signing.
#[derive(Debug, Default, Clone, Copy)]
struct CaseStats {
    /// How many tampered copies verification rejected.
    tampered_rejected: usize,
}

/// One line of a vector file.
struct Case {
    /// `<file stem>::<case id>`, or `<file stem>::line-<n>` for a line that is not JSON.
    name: String,
    /// The vendor's pipeline: the `algorithm` or `pipeline` field.
    kind: String,
    /// The case, or why the line is not one.
    case: Result<Value, String>,
}

fn main() -> ExitCode {
    let arguments = Arguments::from_args();
    let files: Vec<(String, Vec<Case>)> = vector_files()
        .iter()
        .map(|path| (file_stem(path), read_cases(path)))
        .collect();
    let mut trials = vec![
        set_trial("every_file_holds_cases", every_file_holds_cases(&files)),
        set_trial("case_ids_are_unique", unique_case_ids(&files)),
    ];
    let cases: Vec<Value> = files
        .iter()
        .flat_map(|(_, cases)| cases.iter())
        .filter_map(|case| case.case.as_ref().ok().cloned())
        .collect();
    trials.push(Trial::test("some_tampered_copy_is_rejected", move || {
        // Stops at the first case that had one: each case's own test checks the rest.
        let checked = cases
            .iter()
            .any(|case| check_case(case).is_ok_and(|stats| stats.tampered_rejected > 0));
        if checked {
            Ok(())
        } else {
            Err("no case had a tampered copy that verification rejected".into())
        }
    }));
    for (_, cases) in files {
        trials.extend(cases.into_iter().map(|Case { name, kind, case }| {
            Trial::test(name, move || {
                let case = case?;
                check_case(&case).map(drop).map_err(Failed::from)
            })
            .with_kind(kind)
        }));
    }
    libtest_mimic::run(&arguments, trials).exit_code()
}

/// A test of the whole set that fails with `problems`, if there are any.
fn set_trial(name: &str, problems: Vec<String>) -> Trial {
    Trial::test(name, move || {
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n").into())
        }
    })
}

/// A file without cases tests nothing, and an empty folder no signer.
fn every_file_holds_cases(files: &[(String, Vec<Case>)]) -> Vec<String> {
    if files.is_empty() {
        return vec![format!("no .jsonl file in {}", data_dir().display())];
    }
    files
        .iter()
        .filter(|(_, cases)| cases.is_empty())
        .map(|(stem, _)| format!("{stem}.jsonl holds no case"))
        .collect()
}

/// Two cases of one name would be two tests that cannot be told apart.
fn unique_case_ids(files: &[(String, Vec<Case>)]) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    files
        .iter()
        .flat_map(|(_, cases)| cases.iter())
        .filter(|case| !seen.insert(case.name.as_str()))
        .map(|case| format!("{} is the name of more than one case", case.name))
        .collect()
}

/// A file's name without `.jsonl`.
fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map_or_else(String::new, |stem| stem.to_string_lossy().into_owned())
}

/// Every non-blank line of a vector file, as a case named after the file and its id.
fn read_cases(path: &Path) -> Vec<Case> {
    let stem = file_stem(path);
    let text = fs::read_to_string(path).expect("vector files are UTF-8 text");
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| match serde_json::from_str::<Value>(line) {
            Ok(case) => Case {
                name: format!("{stem}::{}", case_id(&case)),
                kind: case_kind(&case),
                case: Ok(case),
            },
            Err(e) => Case {
                name: format!("{stem}::line-{}", index + 1),
                kind: String::new(),
                case: Err(format!("line {}: not JSON: {e}", index + 1)),
            },
        })
        .collect()
}

/// The pipeline a case exercises, shown beside its name.
fn case_kind(case: &Value) -> String {
    ["algorithm", "pipeline"]
        .iter()
        .find_map(|key| case.get(key).and_then(Value::as_str))
        .unwrap_or_default()
        .to_owned()
}

/// The folder holding the vector files.
fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
}

/// Every `.jsonl` file of the data folder, sorted by name.
fn vector_files() -> Vec<PathBuf> {
    let entries = fs::read_dir(data_dir()).expect("tests/data is readable");
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("tests/data entries are readable").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "jsonl"))
        .collect();
    files.sort();
    files
}

/// Dispatches a case on its content.
fn check_case(case: &Value) -> CaseResult {
    if case.get("algorithm").is_some() {
        huawei_vectors::check(case)
    } else if case.get("pipeline").is_some() {
        qingcloud_vectors::check(case)
    } else {
        Err("neither `algorithm` (Huawei Cloud) nor `pipeline` (QingCloud) is present".to_owned())
    }
}

/// The case's `id` as text.
fn case_id(case: &Value) -> String {
    match case.get("id") {
        Some(Value::String(id)) => id.clone(),
        Some(other) => other.to_string(),
        None => "<no id>".to_owned(),
    }
}

/// The member `key` of the object `value`.
fn field<'a>(value: &'a Value, key: &str) -> Result<&'a Value, String> {
    value
        .get(key)
        .ok_or_else(|| format!("field `{key}` is missing"))
}

/// The string member `key` of the object `value`.
fn str_field<'a>(value: &'a Value, key: &str) -> Result<&'a str, String> {
    field(value, key)?
        .as_str()
        .ok_or_else(|| format!("field `{key}` is not a string"))
}

/// The string member `key`, or `None` if it is absent or `null`.
fn opt_str_field<'a>(value: &'a Value, key: &str) -> Result<Option<&'a str>, String> {
    match value.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(format!("field `{key}` is not a string")),
    }
}

/// The `[[name, value], …]` member `key` as pairs.
fn pairs_field(value: &Value, key: &str) -> Result<Vec<(String, String)>, String> {
    let items = field(value, key)?
        .as_array()
        .ok_or_else(|| format!("field `{key}` is not a list"))?;
    items
        .iter()
        .map(|item| match item.as_array().map(Vec::as_slice) {
            Some([name, value]) => Ok((scalar_text(name)?, scalar_text(value)?)),
            _ => Err(format!("field `{key}` holds a non-pair {item}")),
        })
        .collect()
}

/// The `{name: value}` member `key` as a map of texts.
fn map_field(value: &Value, key: &str) -> Result<BTreeMap<String, String>, String> {
    field(value, key)?
        .as_object()
        .ok_or_else(|| format!("field `{key}` is not an object"))?
        .iter()
        .map(|(name, value)| Ok((name.clone(), scalar_text(value)?)))
        .collect()
}

/// A scalar as the vectors' SDKs stringify it: booleans `true`/`false`, integers decimal.
fn scalar_text(value: &Value) -> Result<String, String> {
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Bool(flag) => Ok(flag.to_string()),
        Value::Number(number) if number.is_i64() || number.is_u64() => Ok(number.to_string()),
        other => Err(format!("{other} is not a string, boolean or integer")),
    }
}

/// Fails with both values when `actual` is not `expected`.
fn compare<T: PartialEq + Debug + ?Sized>(
    name: &str,
    expected: &T,
    actual: &T,
) -> Result<(), String> {
    if expected == actual {
        Ok(())
    } else {
        Err(format!(
            "`{name}` differs\n    expected {expected:?}\n    actual   {actual:?}"
        ))
    }
}

/// Fails with the first differing entry when two lists differ.
fn compare_lists<T: PartialEq + Debug>(
    name: &str,
    expected: &[T],
    actual: &[T],
) -> Result<(), String> {
    let longest = expected.len().max(actual.len());
    for index in 0..longest {
        compare(
            &format!("{name}[{index}]"),
            &expected.get(index),
            &actual.get(index),
        )?;
    }
    Ok(())
}

/// Fails with the first differing key when two maps differ.
fn compare_maps(
    name: &str,
    expected: &BTreeMap<String, String>,
    actual: &BTreeMap<String, String>,
) -> Result<(), String> {
    let keys = expected.keys().chain(actual.keys());
    for key in keys {
        compare(
            &format!("{name}[{key:?}]"),
            &expected.get(key),
            &actual.get(key),
        )?;
    }
    Ok(())
}

/// `text` with the first value of its first `name=value` pair changed by one character.
fn change_first_value(text: &str) -> String {
    let Some(equals) = text.find('=') else {
        return format!("{text}a");
    };
    let (head, value) = text.split_at(equals + 1);
    let mut chars = value.chars();
    match chars.next() {
        None | Some('&') => format!("{head}a{value}"),
        Some(first) => {
            let replacement = if first == 'a' { 'b' } else { 'a' };
            format!("{head}{replacement}{}", chars.as_str())
        }
    }
}

/// Fails unless verification rejected a tampered copy for a signature mismatch.
fn expect_mismatch(what: &str, result: Result<(), SigningError>) -> Result<usize, String> {
    match result {
        Err(SigningError::SignatureMismatch { .. }) => Ok(1),
        Err(other) => Err(format!("{what}: rejected for the wrong reason: {other}")),
        Ok(()) => Err(format!("{what}: verification accepted it")),
    }
}

/// Huawei Cloud cases (`algorithm` present).
mod huawei_vectors {
    use super::*;

    /// Signs the case's input, compares every output, then verifies the expected output.
    pub(super) fn check(case: &Value) -> CaseResult {
        let input = field(case, "input")?;
        let expected = field(case, "expected")?;
        let request = unsigned_request(input)?;
        let signed = huawei::sign(
            &request,
            &credentials(input)?,
            &algorithm(case, input)?,
            clock(input)?,
        )
        .map_err(|e| format!("signing failed: {e}"))?;
        compare_signed(&signed, input, expected)?;
        verify_expected(input, expected)
    }

    /// The request before signing.
    fn unsigned_request(input: &Value) -> Result<huawei::UnsignedRequest, String> {
        Ok(huawei::UnsignedRequest {
            method: str_field(input, "method")?.to_owned(),
            host: str_field(input, "host")?.to_owned(),
            path: str_field(input, "resource_path")?.to_owned(),
            query: pairs_field(input, "query_params")?,
            headers: pairs_field(input, "headers")?,
            body: body(input)?,
        })
    }

    /// The body bytes, `None` when `body_b64` is `null`.
    fn body(input: &Value) -> Result<Option<Vec<u8>>, String> {
        opt_str_field(input, "body_b64")?
            .map(|b64| BASE64.decode(b64).map_err(|e| format!("body_b64: {e}")))
            .transpose()
    }

    /// The credentials with their optional token, project and domain.
    fn credentials(input: &Value) -> Result<huawei::Credentials, String> {
        let mut credentials =
            huawei::Credentials::new(str_field(input, "ak")?, str_field(input, "sk")?);
        if let Some(token) = opt_str_field(input, "security_token")? {
            credentials = credentials.with_security_token(token);
        }
        if let Some(project_id) = opt_str_field(input, "project_id")? {
            credentials = credentials.with_project_id(project_id);
        }
        if let Some(domain_id) = opt_str_field(input, "domain_id")? {
            credentials = credentials.with_domain_id(domain_id);
        }
        Ok(credentials)
    }

    /// The algorithm, with the derived-key service and region for V11.
    fn algorithm(case: &Value, input: &Value) -> Result<huawei::Algorithm, String> {
        match str_field(case, "algorithm")? {
            "SDK-HMAC-SHA256" => Ok(huawei::Algorithm::HmacSha256),
            "SDK-HMAC-SM3" => Ok(huawei::Algorithm::HmacSm3),
            "V11-HMAC-SHA256" => Ok(huawei::Algorithm::DerivedHmacSha256 {
                service: str_field(input, "derived_auth_service_name")?.to_owned(),
                region: str_field(input, "region_id")?.to_owned(),
            }),
            other => Err(format!("unknown algorithm `{other}`")),
        }
    }

    /// The signer's clock reading, from `clock_utc` (`YYYYMMDDTHHMMSSZ`).
    fn clock(input: &Value) -> Result<OffsetDateTime, String> {
        let text = str_field(input, "clock_utc")?;
        let format = format_description!("[year][month][day]T[hour][minute][second]Z");
        PrimitiveDateTime::parse(text, format)
            .map(PrimitiveDateTime::assume_utc)
            .map_err(|e| format!("clock_utc `{text}`: {e}"))
    }

    /// Compares every output of the signer with the expected one, in pipeline order.
    fn compare_signed(
        signed: &huawei::SignedRequest,
        input: &Value,
        expected: &Value,
    ) -> Result<(), String> {
        let texts = [
            ("canonical_request", &signed.canonical_request),
            ("string_to_sign", &signed.string_to_sign),
            ("signed_headers", &signed.signed_headers),
            ("payload_hash", &signed.payload_hash),
            ("signature", &signed.signature),
            ("authorization", &signed.authorization),
        ];
        for (name, actual) in texts {
            compare(name, str_field(expected, name)?, actual.as_str())?;
        }
        compare_lists(
            "headers",
            &pairs_field(expected, "headers")?,
            &signed.headers,
        )?;
        let uri = signed.uri();
        compare("uri", str_field(expected, "uri")?, &uri)?;
        let url = format!(
            "{}://{}{uri}",
            str_field(input, "scheme")?,
            str_field(input, "host")?
        );
        compare("url", str_field(expected, "url")?, &url)?;
        compare(
            "derived_key_hex",
            &opt_str_field(expected, "derived_key_hex")?,
            &signed.derived_key_hex.as_deref(),
        )
    }

    /// Verifies the vector's expected request as a server receives it, then tampered
    /// copies: one body byte changed (unless the payload is unsigned) and one query value.
    fn verify_expected(input: &Value, expected: &Value) -> CaseResult {
        let headers = pairs_field(expected, "headers")?;
        let host = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("host"))
            .map(|(_, value)| value.clone())
            .ok_or("expected headers have no Host")?;
        let uri = str_field(expected, "uri")?;
        let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
        let body = body(input)?.unwrap_or_default();
        let secret = str_field(input, "sk")?;
        let received = huawei::ReceivedRequest {
            method: str_field(input, "method")?,
            host: &host,
            path,
            query,
            headers: &headers,
            body: &body,
        };
        huawei::verify(&received, secret)
            .map_err(|e| format!("verify rejected the vector: {e}"))?;

        let mut stats = CaseStats::default();
        if !body.is_empty() && str_field(expected, "payload_hash")? != "UNSIGNED-PAYLOAD" {
            let mut tampered = body.clone();
            tampered[0] ^= 0x01;
            let result = huawei::verify(
                &huawei::ReceivedRequest {
                    body: &tampered,
                    ..received
                },
                secret,
            );
            stats.tampered_rejected += expect_mismatch("body with one byte changed", result)?;
        }
        if !query.is_empty() {
            let tampered = change_first_value(query);
            let result = huawei::verify(
                &huawei::ReceivedRequest {
                    query: &tampered,
                    ..received
                },
                secret,
            );
            stats.tampered_rejected += expect_mismatch("query with one value changed", result)?;
        }
        Ok(stats)
    }
}

/// QingCloud cases (`pipeline` present).
mod qingcloud_vectors {
    use super::*;

    /// Runs the case's pipeline, compares every output, then verifies the expected wire
    /// text and a tampered copy of it.
    pub(super) fn check(case: &Value) -> CaseResult {
        let input = field(case, "input")?;
        let expected = field(case, "expected")?;
        let signed = match str_field(case, "pipeline")? {
            "send_request" => send_request(input, expected)?,
            "calc_signature" => calc_signature(input)?,
            other => return Err(format!("unknown pipeline `{other}`")),
        };
        compare_signed(&signed, input, expected)?;
        verify_expected(input, expected)
    }

    /// The full pipeline: flattening and common parameters, then signing.
    fn send_request(input: &Value, expected: &Value) -> Result<qingcloud::SignedRequest, String> {
        let request = action_request(input)?;
        compare_maps(
            "flattened_params",
            &map_field(expected, "flattened_params")?,
            &qingcloud::request_params(&request),
        )?;
        let credentials = qingcloud::Credentials::new(
            str_field(input, "access_key_id")?,
            str_field(input, "secret_access_key")?,
        );
        Ok(qingcloud::sign(&request, &credentials, clock(input)?))
    }

    /// The last step alone: already flat parameters signed as they are.
    fn calc_signature(input: &Value) -> Result<qingcloud::SignedRequest, String> {
        Ok(qingcloud::sign_params(
            method(input)?,
            str_field(input, "path")?,
            map_field(input, "flat_params")?,
            signature_method(input)?,
            str_field(input, "secret_access_key")?,
        ))
    }

    /// The action request of a `send_request` case.
    fn action_request(input: &Value) -> Result<qingcloud::ActionRequest, String> {
        let params = field(input, "params")?
            .as_object()
            .ok_or("field `params` is not an object")?
            .iter()
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        Ok(qingcloud::ActionRequest {
            method: method(input)?,
            path: str_field(input, "path")?.to_owned(),
            action: str_field(input, "action")?.to_owned(),
            zone: str_field(input, "zone")?.to_owned(),
            params,
            expires: opt_str_field(input, "expires")?
                .map(parse_time_stamp)
                .transpose()?,
            req_id: opt_str_field(input, "req_id")?.map(str::to_owned),
            signature_method: signature_method(input)?,
        })
    }

    /// The HTTP method.
    fn method(input: &Value) -> Result<qingcloud::Method, String> {
        match str_field(input, "method")? {
            "GET" => Ok(qingcloud::Method::Get),
            "POST" => Ok(qingcloud::Method::Post),
            other => Err(format!("unknown method `{other}`")),
        }
    }

    /// The signature method.
    fn signature_method(input: &Value) -> Result<qingcloud::SignatureMethod, String> {
        let name = str_field(input, "signature_method")?;
        qingcloud::SignatureMethod::from_name(name)
            .ok_or_else(|| format!("unknown signature method `{name}`"))
    }

    /// The clock reading, from `epoch`.
    fn clock(input: &Value) -> Result<OffsetDateTime, String> {
        let epoch = field(input, "epoch")?
            .as_i64()
            .ok_or("field `epoch` is not an integer")?;
        OffsetDateTime::from_unix_timestamp(epoch).map_err(|e| format!("epoch {epoch}: {e}"))
    }

    /// Parses a `%Y-%m-%dT%H:%M:%SZ` time stamp.
    fn parse_time_stamp(text: &str) -> Result<OffsetDateTime, String> {
        let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
        PrimitiveDateTime::parse(text, format)
            .map(PrimitiveDateTime::assume_utc)
            .map_err(|e| format!("time stamp `{text}`: {e}"))
    }

    /// Compares every output of the signer with the expected one, in pipeline order.
    fn compare_signed(
        signed: &qingcloud::SignedRequest,
        input: &Value,
        expected: &Value,
    ) -> Result<(), String> {
        compare_maps(
            "signed_params",
            &map_field(expected, "signed_params")?,
            &signed.params,
        )?;
        let texts = [
            ("canonical_query", signed.canonical_query.as_str()),
            ("string_to_sign", &signed.string_to_sign),
            ("signature", &signed.signature),
            ("signature_urlencoded", &signed.encoded_signature),
            ("http_method", signed.method.name()),
        ];
        for (name, actual) in texts {
            compare(name, str_field(expected, name)?, actual)?;
        }
        let target = signed.request_target();
        compare(
            "request_path",
            str_field(expected, "request_path")?,
            &target,
        )?;
        compare(
            "url",
            str_field(expected, "url")?,
            &format!("{}{target}", origin(input)?),
        )?;
        compare_form_body(signed, expected)
    }

    /// For `POST`, checks that our body carries the same parameters as the SDK's, whose
    /// order differs; for `GET`, that there is no body.
    fn compare_form_body(
        signed: &qingcloud::SignedRequest,
        expected: &Value,
    ) -> Result<(), String> {
        match (opt_str_field(expected, "post_body")?, signed.form_body()) {
            (None, None) => Ok(()),
            (Some(theirs), Some(ours)) => {
                compare_maps("post_body", &decode_form(theirs)?, &decode_form(ours)?)
            }
            (theirs, ours) => compare("post_body", &theirs, &ours),
        }
    }

    /// `protocol://host[:port]`, the port left out when it is the protocol's default.
    fn origin(input: &Value) -> Result<String, String> {
        let protocol = str_field(input, "protocol")?;
        let host = str_field(input, "host")?;
        let port = field(input, "port")?
            .as_u64()
            .ok_or("field `port` is not an integer")?;
        let default_port = match protocol {
            "https" => 443,
            _ => 80,
        };
        if port == default_port {
            Ok(format!("{protocol}://{host}"))
        } else {
            Ok(format!("{protocol}://{host}:{port}"))
        }
    }

    /// Decodes a form body into its parameters, rejecting repeated names.
    fn decode_form(body: &str) -> Result<BTreeMap<String, String>, String> {
        let mut params = BTreeMap::new();
        for pair in body.split('&').filter(|pair| !pair.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            if params
                .insert(form_decode(name)?, form_decode(value)?)
                .is_some()
            {
                return Err(format!("form body repeats `{name}`"));
            }
        }
        Ok(params)
    }

    /// Decodes one form component: `+` is a space, then `%XX` escapes.
    fn form_decode(text: &str) -> Result<String, String> {
        percent_encoding::percent_decode_str(&text.replace('+', " "))
            .decode_utf8()
            .map(|decoded| decoded.into_owned())
            .map_err(|e| format!("`{text}` is not UTF-8 once decoded: {e}"))
    }

    /// Verifies the expected query (`GET`) or form body (`POST`), then a copy with one
    /// parameter value changed.
    fn verify_expected(input: &Value, expected: &Value) -> CaseResult {
        let method = method(input)?;
        let path = str_field(input, "path")?;
        let secret = str_field(input, "secret_access_key")?;
        let wire = match method {
            qingcloud::Method::Get => {
                let target = str_field(expected, "request_path")?;
                target
                    .split_once('?')
                    .ok_or("GET request_path has no query")?
                    .1
            }
            qingcloud::Method::Post => str_field(expected, "post_body")?,
        };
        qingcloud::verify(method, path, wire, secret)
            .map_err(|e| format!("verify rejected the vector: {e}"))?;
        let tampered = change_first_value(wire);
        let result = qingcloud::verify(method, path, &tampered, secret);
        Ok(CaseStats {
            tampered_rejected: expect_mismatch("wire text with one value changed", result)?,
        })
    }
}
