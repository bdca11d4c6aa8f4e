//! The Huawei Cloud client: configuration, AK/SK signing or token auth, sending, and error
//! answers. Generated crates wrap [`Client`] and call [`Client::execute`].

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use serde_json::Value;

use crate::clock::{Clock, SystemClock};
use crate::endpoint::Endpoint;
use crate::error::{ApiError, Error, ErrorCode};
use crate::operation::{
    prepare, Operation, OperationSpec, QueryLists, RawResponse, RequestWriter, Response, Setting,
};
use crate::secret::Secret;
use crate::signing::{self, encode_strict, huawei::Algorithm};
use crate::transport::{transport_setters, user_agent, Transport, TransportConfig, WireRequest};

/// What a generated crate tells the runtime about its service.
#[derive(Debug)]
pub struct ServiceInfo {
    /// Package name of the generated crate.
    pub crate_name: &'static str,
    /// Version of the generated crate.
    pub crate_version: &'static str,
    /// Region id → host, from the spec's endpoint table.
    pub endpoints: &'static [(&'static str, &'static str)],
    /// The documented error codes, sorted by code.
    pub error_codes: &'static [ErrorCode],
}

impl ServiceInfo {
    /// The host of a region, if the table has it.
    pub fn host(&self, region: &str) -> Option<&'static str> {
        self.endpoints
            .iter()
            .find(|(r, _)| *r == region)
            .map(|(_, h)| *h)
    }
}

/// Implemented by each generated Huawei Cloud client.
pub trait Service: Sized {
    /// The service's description.
    const INFO: &'static ServiceInfo;
    /// Wraps a configured runtime client.
    fn from_client(client: Client) -> Self;
}

/// How requests are authenticated. The `Debug` output never shows secrets.
#[derive(Clone)]
pub struct Credentials(Auth);

#[derive(Clone)]
enum Auth {
    AkSk {
        access_key: String,
        secret_key: Secret,
        security_token: Option<Secret>,
    },
    Token(Secret),
}

impl Credentials {
    /// Permanent AK/SK credentials.
    pub fn ak_sk(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self(Auth::AkSk {
            access_key: access_key.into(),
            secret_key: Secret::new(secret_key),
            security_token: None,
        })
    }

    /// Temporary AK/SK credentials with their security token (sent as `X-Security-Token`).
    pub fn temporary(
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
        security_token: impl Into<String>,
    ) -> Self {
        Self(Auth::AkSk {
            access_key: access_key.into(),
            secret_key: Secret::new(secret_key),
            security_token: Some(Secret::new(security_token)),
        })
    }

    /// An IAM token (sent as `X-Auth-Token`), scoped to the project.
    pub fn token(token: impl Into<String>) -> Self {
        Self(Auth::Token(Secret::new(token)))
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Auth::AkSk {
                access_key,
                security_token,
                ..
            } => f
                .debug_struct("Credentials::AkSk")
                .field("access_key", access_key)
                .field("secret_key", &"<redacted>")
                .field(
                    "security_token",
                    &security_token.as_ref().map(|_| "<redacted>"),
                )
                .finish(),
            Auth::Token(_) => f
                .debug_tuple("Credentials::Token")
                .field(&"<redacted>")
                .finish(),
        }
    }
}

/// Builds a generated Huawei Cloud client.
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder<S> {
    region: Option<String>,
    endpoint: Option<String>,
    credentials: Option<Credentials>,
    project_id: Option<String>,
    language: Option<String>,
    algorithm: Algorithm,
    transport: TransportConfig,
    clock: Arc<dyn Clock>,
    service: PhantomData<fn() -> S>,
}

impl<S> fmt::Debug for ClientBuilder<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.credentials)
            .field("project_id", &self.project_id)
            .field("language", &self.language)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

impl<S: Service> Default for ClientBuilder<S> {
    fn default() -> Self {
        Self {
            region: None,
            endpoint: None,
            credentials: None,
            project_id: None,
            language: None,
            algorithm: Algorithm::default(),
            transport: TransportConfig::default(),
            clock: Arc::new(SystemClock),
            service: PhantomData,
        }
    }
}

impl<S: Service> ClientBuilder<S> {
    /// The region (`cn-north-4`); its host comes from the service's endpoint table.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// An explicit endpoint (`https://host[:port]`), which wins over the region's host.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// How requests are authenticated.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The project (tenant) id filled into `{project_id}` and sent as `X-Project-Id`.
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// The `X-Language` of every request that accepts one (`en-us` or `zh-cn`).
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }

    /// The AK/SK signing algorithm (default `SDK-HMAC-SHA256`).
    pub fn signing_algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    transport_setters!();

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<S, Error> {
        let endpoint = match (&self.endpoint, &self.region) {
            (Some(endpoint), _) => Endpoint::parse(endpoint)?,
            (None, Some(region)) => match S::INFO.host(region) {
                Some(host) => Endpoint::parse(host)?,
                None => {
                    let known: Vec<&str> = S::INFO.endpoints.iter().map(|(r, _)| *r).collect();
                    return Err(Error::config(format!(
                        "{} has no endpoint for region `{region}`; known regions: {}; or set an explicit endpoint",
                        S::INFO.crate_name,
                        known.join(", ")
                    )));
                }
            },
            (None, None) => {
                return Err(Error::config(format!(
                    "{}: set a region or an endpoint",
                    S::INFO.crate_name
                )))
            }
        };
        let credentials = self.credentials.ok_or_else(|| {
            Error::config(format!(
                "{}: no credentials; set them with `credentials(Credentials::ak_sk(..))`",
                S::INFO.crate_name
            ))
        })?;
        let user_agent = user_agent(S::INFO.crate_name, S::INFO.crate_version);
        let inner = Inner {
            error_codes: S::INFO.error_codes,
            endpoint,
            credentials,
            project_id: self.project_id,
            language: self.language,
            algorithm: self.algorithm,
            transport: Transport::new(&self.transport)?,
            clock: self.clock,
            user_agent,
        };
        Ok(S::from_client(Client {
            inner: Arc::new(inner),
        }))
    }
}

/// A configured Huawei Cloud client, shared by clones.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    error_codes: &'static [ErrorCode],
    endpoint: Endpoint,
    credentials: Credentials,
    project_id: Option<String>,
    language: Option<String>,
    algorithm: Algorithm,
    transport: Transport,
    clock: Arc<dyn Clock>,
    user_agent: String,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.endpoint)
            .field("credentials", &self.inner.credentials)
            .field("project_id", &self.inner.project_id)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Validates, sends and decodes one operation.
    pub async fn execute<O: Operation>(&self, input: O) -> Result<Response<O::Output>, Error> {
        let spec = O::SPEC;
        let writer = prepare(&input, QueryLists::Repeated)?;
        let raw = self
            .send(spec, writer)
            .await
            .map_err(|e| e.for_operation(spec.id))?;
        let body = O::decode(&raw).map_err(|e| e.for_operation(spec.id))?;
        Ok(Response::new(&raw, request_id(&raw.headers), body))
    }

    /// Signs and sends a written request; returns the raw answer of a success status.
    async fn send(
        &self,
        spec: &'static OperationSpec,
        writer: RequestWriter,
    ) -> Result<RawResponse, Error> {
        let inner = &self.inner;
        let query = writer.text_query()?;
        let (path, mut headers, body) = writer.into_parts();
        let path = self.fill_settings(spec, path)?;
        let mut base = vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("User-Agent".to_owned(), inner.user_agent.clone()),
        ];
        if let (true, Some(language)) = (spec.uses(Setting::Language), &inner.language) {
            base.push(("X-Language".to_owned(), language.clone()));
        }
        base.append(&mut headers);
        let unsigned = signing::huawei::UnsignedRequest {
            method: spec.method.as_str().to_owned(),
            host: inner.endpoint.authority.clone(),
            path,
            query,
            headers: base,
            body,
        };
        let request = match &inner.credentials.0 {
            Auth::AkSk {
                access_key,
                secret_key,
                security_token,
            } => {
                let mut credentials =
                    signing::huawei::Credentials::new(access_key, secret_key.expose());
                if let Some(token) = security_token {
                    credentials = credentials.with_security_token(token.expose());
                }
                if let Some(project_id) = &inner.project_id {
                    credentials = credentials.with_project_id(project_id);
                }
                let signed = signing::huawei::sign(
                    &unsigned,
                    &credentials,
                    &inner.algorithm,
                    inner.clock.now(),
                )?;
                WireRequest {
                    method: spec.method.clone(),
                    url: inner.endpoint.url(&signed.uri()),
                    headers: signed.headers,
                    body: unsigned.body,
                }
            }
            Auth::Token(token) => self.token_request(spec, unsigned, token),
        };
        tracing::debug!(operation = spec.id, method = %spec.method, "sending request");
        let raw = inner.transport.send(request).await?;
        tracing::debug!(operation = spec.id, status = raw.status, request_id = ?request_id(&raw.headers), "received answer");
        if (200..300).contains(&raw.status) {
            Ok(raw)
        } else {
            Err(Error::api(
                api_error(&raw).with_documentation(inner.error_codes),
            ))
        }
    }

    /// A token-authenticated request: the canonical query on the wire, no signature.
    fn token_request(
        &self,
        spec: &OperationSpec,
        unsigned: signing::huawei::UnsignedRequest,
        token: &Secret,
    ) -> WireRequest {
        let inner = &self.inner;
        let mut query: Vec<(String, String)> = unsigned.query;
        query.sort();
        let query = query
            .iter()
            .map(|(k, v)| format!("{}={}", encode_strict(k), encode_strict(v)))
            .collect::<Vec<_>>()
            .join("&");
        let target = if query.is_empty() {
            unsigned.path
        } else {
            format!("{}?{query}", unsigned.path)
        };
        let mut headers = unsigned.headers;
        headers.push(("Host".to_owned(), inner.endpoint.authority.clone()));
        headers.push(("X-Auth-Token".to_owned(), token.expose().to_owned()));
        if let Some(project_id) = &inner.project_id {
            headers.push(("X-Project-Id".to_owned(), project_id.clone()));
        }
        WireRequest {
            method: spec.method.clone(),
            url: inner.endpoint.url(&target),
            headers,
            body: unsigned.body,
        }
    }

    /// Fills `{project_id}`; a path never leaves with a template segment in it.
    fn fill_settings(&self, spec: &OperationSpec, path: String) -> Result<String, Error> {
        let path = if spec.uses(Setting::ProjectId) {
            let project_id = self.inner.project_id.as_deref().ok_or_else(|| {
                Error::config("this operation needs a project id; set it with `project_id(..)` on the client builder")
            })?;
            path.replace("{project_id}", &encode_strict(project_id))
        } else {
            path
        };
        if let Some(start) = path.find('{') {
            let rest = &path[start..];
            let name = rest.split('}').next().unwrap_or(rest);
            return Err(Error::config(format!(
                "path segment `{name}}}` was not filled"
            )));
        }
        Ok(path)
    }
}

/// The request id of an answer (`X-Request-Id`).
fn request_id(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The error of a non-2xx answer, from whichever error shape the body has.
fn api_error(raw: &RawResponse) -> ApiError {
    let body = String::from_utf8_lossy(&raw.body).into_owned();
    let parsed: Option<Value> = serde_json::from_slice(&raw.body).ok();
    let (code, message) = parsed
        .as_ref()
        .map(find_error_fields)
        .unwrap_or((None, None));
    let structured = code.is_some() || message.is_some();
    ApiError::new(
        raw.status,
        code,
        message,
        request_id(&raw.headers),
        body,
        structured,
    )
}

/// The error code and message of a Huawei error body: `error_code`/`error_msg`,
/// `errorCode`/`errorMsg`, `code`/`message`, `errCode`/`externalMessage`, at the top
/// level or one object deeper (`{"error": {"code", "message"}}`).
fn find_error_fields(body: &Value) -> (Option<String>, Option<String>) {
    const PAIRS: [(&str, &str); 4] = [
        ("error_code", "error_msg"),
        ("errorCode", "errorMsg"),
        ("code", "message"),
        ("errCode", "externalMessage"),
    ];
    let Value::Object(map) = body else {
        return (None, None);
    };
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    for (code_key, message_key) in PAIRS {
        let code = map.get(code_key).and_then(text);
        let message = map.get(message_key).and_then(text);
        if code.is_some() || message.is_some() {
            return (code, message);
        }
    }
    map.values()
        .filter(|v| v.is_object())
        .map(find_error_fields)
        .find(|(c, m)| c.is_some() || m.is_some())
        .unwrap_or((None, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn error_fields_in_every_vendor_shape() {
        let cases = [
            (
                json!({"error_code": "DBS.1", "error_msg": "m"}),
                Some("DBS.1"),
                Some("m"),
            ),
            (
                json!({"errorCode": "E", "errorMsg": "m"}),
                Some("E"),
                Some("m"),
            ),
            (
                json!({"error": {"code": "APIGW.0301", "message": "m"}}),
                Some("APIGW.0301"),
                Some("m"),
            ),
            (
                json!({"errCode": "CSS.0001", "externalMessage": "m"}),
                Some("CSS.0001"),
                Some("m"),
            ),
            (json!({"code": 401}), Some("401"), None),
            (json!({"other": 1}), None, None),
            (json!([1]), None, None),
        ];
        for (body, code, message) in cases {
            let (c, m) = find_error_fields(&body);
            assert_eq!((c.as_deref(), m.as_deref()), (code, message), "{body}");
        }
    }

    #[test]
    fn credentials_debug_hides_secrets() {
        let c = Credentials::temporary("AK", "SECRET-KEY", "TOKEN-VALUE");
        let text = format!("{c:?}");
        assert!(text.contains("AK"));
        assert!(
            !text.contains("SECRET-KEY") && !text.contains("TOKEN-VALUE"),
            "{text}"
        );
        let t = format!("{:?}", Credentials::token("TOKEN-VALUE"));
        assert!(!t.contains("TOKEN-VALUE"), "{t}");
    }
}
