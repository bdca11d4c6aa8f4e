//! The contract between generated operations and the runtime: an operation describes
//! itself ([`OperationSpec`]), writes its parameters into a [`RequestWriter`] and decodes
//! the answer; the clients do everything else.

use http::HeaderMap;
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, ErrorKind};
use crate::form::{Form, FormFile};
use crate::lenient::Lenient;
use crate::signing::{encode_strict, qingcloud};
use crate::validate::Validator;

/// A client setting an operation uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Setting {
    /// The Huawei `{project_id}` path segment.
    ProjectId,
    /// The Huawei `X-Language` header.
    Language,
    /// The QingCloud `zone` parameter.
    Zone,
}

/// What the runtime needs to know about an operation, generated as a `static`.
#[derive(Debug)]
pub struct OperationSpec {
    /// The spec's `operationId`.
    pub id: &'static str,
    /// HTTP method.
    pub method: http::Method,
    /// Path template (`/v3/{project_id}/jobs`).
    pub path: &'static str,
    /// Query pairs every call sends unchanged (QingCloud `action=`).
    pub fixed_query: &'static [(&'static str, &'static str)],
    /// Whether sending the request twice has the same effect as once.
    pub idempotent: bool,
    /// Documented success statuses.
    pub success: &'static [u16],
    /// Client settings the operation uses.
    pub settings: &'static [Setting],
    /// The `Content-Type` of its requests (`application/json`, or what the vendor's SDK
    /// sends for it, such as `application/json;charset=utf-8`).
    pub content_type: &'static str,
}

impl OperationSpec {
    /// Whether the operation uses a client setting.
    pub fn uses(&self, setting: Setting) -> bool {
        self.settings.contains(&setting)
    }
}

/// A generated operation input.
pub trait Operation: Send + Sized {
    /// The generated client this operation belongs to.
    type Service;
    /// What a success answer decodes into.
    type Output: Send;
    /// The operation's description.
    const SPEC: &'static OperationSpec;

    /// Records broken documented constraints; the default has none.
    fn validate(&self, _v: &mut Validator) {}

    /// Writes path, query, header and body parameters.
    fn write(&self, w: &mut RequestWriter) -> Result<(), Error>;

    /// Decodes a success answer.
    fn decode(response: &RawResponse) -> Result<Self::Output, Error>;
}

/// How list-valued query parameters are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryLists {
    /// Repeated keys (`k=a&k=b`), the Huawei SDKs' choice.
    Repeated,
    /// QingCloud's `k.1=a&k.2=b`.
    DotIndexed,
}

/// Collects an operation's parameters: path segments filled and encoded, query pairs and
/// headers as raw text, body bytes.
#[derive(Debug)]
pub struct RequestWriter {
    path: String,
    query: Vec<(String, Value)>,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    form: Option<Form>,
    lists: QueryLists,
}

impl RequestWriter {
    pub(crate) fn new(spec: &OperationSpec, lists: QueryLists) -> Self {
        Self {
            path: spec.path.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            form: None,
            lists,
        }
    }

    /// Fills the `{name}` segment of the path, percent-encoded (a `/` becomes `%2F`).
    pub fn path(&mut self, name: &str, value: &dyn std::fmt::Display) {
        self.path = self
            .path
            .replace(&format!("{{{name}}}"), &encode_strict(&value.to_string()));
    }

    /// Adds a query parameter: a scalar, or a list written as the protocol writes lists.
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        let value = to_value(name, value)?;
        match (&value, self.lists) {
            (Value::Array(items), QueryLists::Repeated) => {
                for item in items {
                    self.query.push((name.to_owned(), item.clone()));
                }
            }
            _ => self.query.push((name.to_owned(), value)),
        }
        Ok(())
    }

    /// Adds a query parameter whose value is compact JSON text (QingCloud `service_params`).
    pub fn query_json<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), Error> {
        let text = serde_json::to_string(value).map_err(|e| encode_error(name, e))?;
        self.query.push((name.to_owned(), Value::String(text)));
        Ok(())
    }

    /// Adds a header.
    pub fn header(&mut self, name: &str, value: &dyn std::fmt::Display) {
        self.headers.push((name.to_owned(), value.to_string()));
    }

    /// Sets the JSON body.
    pub fn json_body<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), Error> {
        let bytes = serde_json::to_vec(body).map_err(|e| encode_error("body", e))?;
        self.body = Some(bytes);
        Ok(())
    }

    /// Adds a text field to the multipart body: a scalar as its text, anything else as
    /// compact JSON.
    pub fn form_text<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        let text = match to_value(name, value)? {
            Value::String(s) => s,
            other => other.to_string(),
        };
        self.form.get_or_insert_with(Form::default).text(name, text);
        Ok(())
    }

    /// Adds a file to the multipart body (a local file is read now).
    pub fn form_file(&mut self, name: &str, file: &FormFile) -> Result<(), Error> {
        self.form.get_or_insert_with(Form::default).file(name, file)
    }

    /// Takes the query pairs as the Huawei signer wants them: raw text.
    pub(crate) fn take_text_query(&mut self) -> Result<Vec<(String, String)>, Error> {
        std::mem::take(&mut self.query)
            .into_iter()
            .map(|(name, value)| match value {
                Value::String(s) => Ok((name, s)),
                Value::Number(n) => Ok((name, n.to_string())),
                Value::Bool(b) => Ok((name, b.to_string())),
                other => Err(Error::new(
                    ErrorKind::Encode,
                    format!("query parameter `{name}` must be a scalar, not {other}"),
                )),
            })
            .collect()
    }

    /// Query parameters as the QingCloud flattener wants them.
    pub(crate) fn value_query(&self) -> &[(String, Value)] {
        &self.query
    }

    /// The filled path, the headers, the body, and the body's own `Content-Type` when it
    /// is not the operation's (a multipart body and its boundary).
    pub(crate) fn into_parts(self) -> WrittenParts {
        let (body, content_type) = match self.form {
            Some(form) => {
                let (body, content_type) = form.encode();
                (Some(body), Some(content_type))
            }
            None => (self.body, None),
        };
        WrittenParts {
            path: self.path,
            headers: self.headers,
            body,
            content_type,
        }
    }
}

/// What a request writer wrote, apart from the query.
pub(crate) struct WrittenParts {
    pub(crate) path: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Vec<u8>>,
    pub(crate) content_type: Option<String>,
}

fn to_value<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(|e| encode_error(name, e))
}

fn encode_error(name: &str, error: serde_json::Error) -> Error {
    Error::new(ErrorKind::Encode, format!("cannot encode `{name}`")).with_source(error)
}

/// Checks an input's documented constraints, as every call does before it sends anything
/// (and a command-line client before it builds a client). The error names the operation
/// and lists every broken constraint.
pub fn validate_input<O: Operation>(input: &O) -> Result<(), Error> {
    let mut validator = Validator::new();
    input.validate(&mut validator);
    validator.finish(O::SPEC.id)
}

/// Validates an input and writes its parameters: the protocol-independent first half of
/// every call. Errors name the operation.
pub(crate) fn prepare<O: Operation>(input: &O, lists: QueryLists) -> Result<RequestWriter, Error> {
    let spec = O::SPEC;
    validate_input(input)?;
    let mut writer = RequestWriter::new(spec, lists);
    input
        .write(&mut writer)
        .map_err(|e| e.for_operation(spec.id))?;
    Ok(writer)
}

/// Checks the QingCloud flattening of `(name, value)` pairs (exposed for the test harness).
#[doc(hidden)]
pub fn flatten_qingcloud(params: &[(String, Value)]) -> Vec<(String, String)> {
    qingcloud::flatten(params).into_iter().collect()
}

/// A raw success answer, before decoding.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// Response body.
    pub body: bytes::Bytes,
}

/// The body of a file answer, as received (used by generated operations whose answer is a
/// file; `send_streaming` reads it as a stream instead).
pub fn decode_bytes(response: &RawResponse) -> Result<bytes::Bytes, Error> {
    Ok(response.body.clone())
}

/// Decodes a JSON body into `T` (used by generated operations), leniently: an answer whose
/// whole body is a list also takes a single value as a list of one, as lists inside answers
/// do (see [`crate::lenient`]).
pub fn decode_json<T: Lenient>(
    operation: &'static str,
    response: &RawResponse,
) -> Result<T, Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(&response.body);
    let decoded = T::deserialize_lenient(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    decoded.map_err(|e| {
        let body = String::from_utf8_lossy(&response.body);
        let shown: String = body.chars().take(200).collect();
        // serde's reason is the source; this level says what was decoded.
        Error::new(
            ErrorKind::Decode,
            format!(
                "the HTTP {} answer does not have the documented shape (body: {shown})",
                response.status
            ),
        )
        .with_source(e)
        .for_operation(operation)
    })
}

/// A decoded success answer with its status and headers.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: u16,
    headers: HeaderMap,
    request_id: Option<String>,
    raw_body: bytes::Bytes,
    body: T,
}

impl<T> Response<T> {
    pub(crate) fn new(raw: RawResponse, request_id: Option<String>, body: T) -> Self {
        Self {
            status: raw.status,
            headers: raw.headers,
            request_id,
            raw_body: raw.body,
            body,
        }
    }

    /// HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request id to quote to support (`X-Request-Id`; QingCloud: the `req_id` sent).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The body bytes as received, before decoding: every field the service sent,
    /// including those the spec does not describe (which the decoded body leaves out).
    pub fn raw_body(&self) -> &[u8] {
        &self.raw_body
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The decoded body, without status and headers.
    pub fn into_body(self) -> T {
        self.body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SPEC: OperationSpec = OperationSpec {
        id: "Test",
        method: http::Method::GET,
        path: "/v3/{project_id}/jobs/{job_id}",
        fixed_query: &[],
        idempotent: true,
        success: &[200],
        settings: &[Setting::ProjectId],
        content_type: "application/json",
    };

    #[test]
    fn path_segments_are_strictly_encoded() {
        let mut w = RequestWriter::new(&SPEC, QueryLists::Repeated);
        w.path("job_id", &"a/b c*");
        assert_eq!(w.into_parts().path, "/v3/{project_id}/jobs/a%2Fb%20c%2A");
    }

    #[test]
    fn lists_follow_the_protocol() {
        let mut w = RequestWriter::new(&SPEC, QueryLists::Repeated);
        w.query("ids", &vec!["a", "b"]).unwrap();
        w.query("limit", &10).unwrap();
        w.query("on", &true).unwrap();
        assert_eq!(
            w.take_text_query().unwrap(),
            [
                ("ids".to_owned(), "a".to_owned()),
                ("ids".to_owned(), "b".to_owned()),
                ("limit".to_owned(), "10".to_owned()),
                ("on".to_owned(), "true".to_owned())
            ]
        );
        let mut w = RequestWriter::new(&SPEC, QueryLists::DotIndexed);
        w.query("nodes", &vec!["a", "b"]).unwrap();
        let flat = flatten_qingcloud(w.value_query());
        assert_eq!(
            flat,
            [
                ("nodes.1".to_owned(), "a".to_owned()),
                ("nodes.2".to_owned(), "b".to_owned())
            ]
        );
    }

    #[test]
    fn json_query_values_are_compact() {
        let mut w = RequestWriter::new(&SPEC, QueryLists::DotIndexed);
        w.query_json("service_params", &serde_json::json!({"node_id": "cln-1"}))
            .unwrap();
        assert_eq!(
            flatten_qingcloud(w.value_query())[0].1,
            "{\"node_id\":\"cln-1\"}"
        );
    }

    #[test]
    fn decode_errors_quote_the_body() {
        let raw = RawResponse {
            status: 200,
            headers: HeaderMap::new(),
            body: "<html>".into(),
        };
        let err = decode_json::<Value>("Test", &raw).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode);
        assert_eq!(
            err.to_string(),
            "Test: the HTTP 200 answer does not have the documented shape (body: <html>)"
        );
        // serde's reason is the source, and shown once by the report.
        let reason = std::error::Error::source(&err)
            .expect("serde's error is the source")
            .to_string();
        assert!(reason.contains("expected value"), "{reason}");
        assert_eq!(err.report().to_string(), format!("{err}: {reason}"));
    }

    #[test]
    fn a_whole_body_list_takes_a_single_value_and_refuses_trailing_text() {
        let raw = |body: &'static str| RawResponse {
            status: 200,
            headers: HeaderMap::new(),
            body: body.into(),
        };
        let one: Vec<String> = decode_json("Test", &raw(r#""a""#)).expect("a single value");
        assert_eq!(one, ["a"]);
        let many: Vec<String> = decode_json("Test", &raw(r#"["a", "b"]"#)).expect("a list");
        assert_eq!(many, ["a", "b"]);
        let err = decode_json::<Vec<String>>("Test", &raw(r#"["a"] x"#)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode);
    }
}
