//! What both test servers share: the expected request, reading what arrived, and the
//! checks that do not depend on the protocol.

use percent_encoding::percent_decode_str;
use serde_json::Value;
use wiremock::Request;

use crate::json::matches_leniently;

/// The request an operation must send for one request example, computed from the spec.
#[derive(Debug, Clone, Copy)]
pub struct Expected {
    /// HTTP method.
    pub method: &'static str,
    /// Raw (percent-encoded) path; `{project_id}` stands for the test project id.
    pub path: &'static str,
    /// Query pairs, decoded, in any order (QingCloud's common parameters excluded).
    pub query: &'static [(&'static str, &'static str)],
    /// Query parameters whose value is JSON, compared as JSON.
    pub json_query: &'static [(&'static str, &'static str)],
    /// Operation-specific headers.
    pub headers: &'static [(&'static str, &'static str)],
    /// JSON body, if any.
    pub body: Option<&'static str>,
    /// The parts of a multipart body, in order: `(field, text)`, a file's text being its
    /// bytes.
    pub form: Option<&'static [(&'static str, &'static str)]>,
    /// Whether the operation sends the client's `X-Language`.
    pub language: bool,
    /// The `Content-Type` of the request (Huawei Cloud; QingCloud sends none).
    pub content_type: &'static str,
}

/// The decoded query pairs of a request.
pub(crate) fn query_pairs(request: &Request) -> Vec<(String, String)> {
    let raw = request.url.query().unwrap_or("");
    raw.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// Every received header as text.
pub(crate) fn header_pairs(request: &Request) -> Vec<(String, String)> {
    request
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// A received header's value.
pub(crate) fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Compares the received query with the expected pairs (plus `extra`, the pairs the
/// harness itself configured); every problem is added to `problems`.
pub(crate) fn check_query(
    received: &[(String, String)],
    expected: &Expected,
    extra: &[(&str, &str)],
    problems: &mut Vec<String>,
) {
    let json_names: Vec<&str> = expected.json_query.iter().map(|(k, _)| *k).collect();
    let mut got: Vec<(String, String)> = received
        .iter()
        .filter(|(k, _)| !json_names.contains(&k.as_str()))
        .cloned()
        .collect();
    let mut want: Vec<(String, String)> = expected
        .query
        .iter()
        .chain(extra)
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    got.sort();
    want.sort();
    if got != want {
        problems.push(format!("query: expected {want:?}, got {got:?}"));
    }
    for (name, json) in expected.json_query {
        let values: Vec<&String> = received
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v)
            .collect();
        let [value] = values.as_slice() else {
            problems.push(format!("query: expected one `{name}`, got {values:?}"));
            continue;
        };
        match (
            serde_json::from_str::<Value>(json),
            serde_json::from_str::<Value>(value),
        ) {
            (Ok(want), Ok(got)) => {
                if let Err(difference) = matches_leniently(&want, &got) {
                    problems.push(format!("query `{name}`: {difference}"));
                }
            }
            (_, Err(e)) => problems.push(format!("query `{name}` is not JSON ({e}): {value}")),
            (Err(e), _) => problems.push(format!("expected query `{name}` is not JSON ({e})")),
        }
    }
}

/// Compares the received body with the expected JSON body (or no body).
pub(crate) fn check_body(request: &Request, expected: &Expected, problems: &mut Vec<String>) {
    if let Some(form) = expected.form {
        return check_form(request, form, problems);
    }
    match expected.body {
        None if request.body.is_empty() => {}
        None => problems.push(format!(
            "body: expected none, got {}",
            String::from_utf8_lossy(&request.body)
        )),
        Some(json) => {
            let want: Value = match serde_json::from_str(json) {
                Ok(want) => want,
                Err(e) => return problems.push(format!("the expected body is not JSON: {e}")),
            };
            match serde_json::from_slice::<Value>(&request.body) {
                Ok(got) => {
                    if let Err(difference) = matches_leniently(&want, &got) {
                        problems.push(format!("body: {difference}"));
                    }
                }
                Err(e) => problems.push(format!("body is not JSON ({e})")),
            }
        }
    }
}

/// Checks a multipart body part by part: the field names, in order, and each part's bytes.
fn check_form(request: &Request, form: &[(&str, &str)], problems: &mut Vec<String>) {
    let content_type = header(request, "content-type").unwrap_or_default();
    let Some(boundary) = content_type.strip_prefix("multipart/form-data; boundary=") else {
        return problems.push(format!(
            "content-type: expected multipart/form-data with a boundary, got {content_type}"
        ));
    };
    let body = String::from_utf8_lossy(&request.body);
    let delimiter = format!("--{boundary}");
    let Some(parts) = body
        .strip_suffix(&format!("{delimiter}--\r\n"))
        .and_then(|b| b.strip_prefix(&delimiter))
    else {
        return problems.push(format!("body: not a closed multipart body: {body}"));
    };
    let got: Vec<(String, String)> = parts
        .split(&format!("\r\n{delimiter}"))
        .filter_map(|part| {
            let (head, value) = part.trim_start_matches("\r\n").split_once("\r\n\r\n")?;
            let name = head.split("name=\"").nth(1)?.split('"').next()?.to_owned();
            Some((name, value.trim_end_matches("\r\n").to_owned()))
        })
        .collect();
    let want: Vec<(String, String)> = form
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    if got != want {
        problems.push(format!("multipart parts: expected {want:?}, got {got:?}"));
    }
}

/// Mounts `template` for the next request only, ahead of the standing answer.
pub(crate) async fn mount_once(mock: &wiremock::MockServer, template: wiremock::ResponseTemplate) {
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(template)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(mock)
        .await;
}

/// Panics with every problem, if there is one.
#[track_caller]
pub(crate) fn report(what: &str, problems: &[String]) {
    assert!(problems.is_empty(), "{what}:\n  {}", problems.join("\n  "));
}

/// What the protocol-independent checks need from a test server.
#[allow(async_fn_in_trait)]
pub trait TestServer {
    /// Answers every request with `status` and a JSON body (or none).
    async fn answer(&self, status: u16, body: Option<&str>);
    /// Answers every request with `status` and a raw body of some content type.
    async fn answer_raw(&self, status: u16, body: &str, content_type: &str);
    /// Answers the next request with `status` and a JSON body, ahead of the standing
    /// answer, which answers the requests after it (call after [`answer`](Self::answer)).
    async fn answer_once(&self, status: u16, body: &str);
    /// The requests received so far.
    async fn requests(&self) -> Vec<Request>;
}

/// Error answers that are not the vendor's shape (a gateway's HTML page, an empty body, a
/// truncated JSON body) must be API errors carrying the raw body; a success answer that is
/// not JSON must be a decode error when the operation decodes JSON.
pub(crate) async fn check_unstructured_answers<Srv, C, Fut>(
    server: &Srv,
    call: impl Fn() -> Fut,
    decodes_json: bool,
    request_id_ok: impl Fn(Option<&str>) -> bool,
    problems: &mut Vec<String>,
) where
    Srv: TestServer,
    Fut: std::future::Future<Output = Result<C, clouddb_runtime::Error>>,
    C: std::fmt::Debug,
{
    use clouddb_runtime::ErrorKind;
    for (status, body, content_type) in [
        (
            502,
            "<html><body>502 Bad Gateway</body></html>",
            "text/html",
        ),
        (503, "", "text/plain"),
        (500, "{\"error_code\": ", "application/json"),
    ] {
        server.answer_raw(status, body, content_type).await;
        match call().await {
            Err(e) if e.kind() == ErrorKind::Api => {
                let api = e.api_error().expect("an API error has details");
                let expected =
                    api.status() == status && !api.is_structured() && api.raw_body() == body;
                if !expected || !request_id_ok(api.request_id()) {
                    problems.push(format!("HTTP {status} with {body:?}: got {api:?}"));
                }
            }
            other => problems.push(format!(
                "HTTP {status} with {body:?}: expected an API error, got {other:?}"
            )),
        }
    }
    if decodes_json {
        server.answer_raw(200, "not json", "application/json").await;
        match call().await {
            Err(e) if e.kind() == ErrorKind::Decode => {}
            other => problems.push(format!(
                "success answer that is not JSON: expected a decode error, got {other:?}"
            )),
        }
    }
}

/// A call without its required parameters must fail before sending anything, naming every
/// missing parameter.
pub(crate) async fn check_missing<Srv, C>(
    server: &Srv,
    result: Result<C, clouddb_runtime::Error>,
    required: &[&str],
) where
    Srv: TestServer,
    C: std::fmt::Debug,
{
    let mut problems = Vec::new();
    match result {
        Err(e) if e.kind() == clouddb_runtime::ErrorKind::Validation => {
            let mut fields: Vec<&str> = e
                .validation_issues()
                .iter()
                .map(|i| i.field.as_str())
                .collect();
            fields.sort_unstable();
            let mut want = required.to_vec();
            want.sort_unstable();
            if fields != want {
                problems.push(format!(
                    "missing parameters: expected {want:?}, got {fields:?}"
                ));
            }
        }
        other => problems.push(format!("expected a validation error, got {other:?}")),
    }
    if !server.requests().await.is_empty() {
        problems.push("a request was sent although required parameters were missing".to_owned());
    }
    report("required parameters are not checked", &problems);
}
