//! The Huawei Cloud client: configuration and credential chain, AK/SK signing or token
//! auth, project-id discovery, retried sending, and error answers. Generated crates wrap
//! [`Client`] and call [`Client::execute_with`].

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde_json::Value;
use tracing::Instrument;

use crate::call::{CallConfig, CallOptions, Runner};
use crate::clock::{Clock, SystemClock};
use crate::endpoint::Endpoint;
use crate::environment::{huawei_keys, Environment, SystemEnvironment};
use crate::error::{ApiError, Error, ErrorCode, ErrorKind};
use crate::operation::{
    prepare, Operation, OperationSpec, QueryLists, RawResponse, RequestWriter, Response, Setting,
};
use crate::retry::{parse_retry_after, Sleep, TokioSleep};
use crate::secret::Secret;
use crate::signed::SignedRequest;
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
    /// AK/SK credentials as the signer takes them, built once rather than per attempt
    /// (their `Debug` output redacts the secret key and the token). The project id is not
    /// among them: it is a header of each request.
    AkSk(signing::huawei::Credentials),
    Token(Secret),
}

impl Credentials {
    /// Permanent AK/SK credentials.
    pub fn ak_sk(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        Self(Auth::AkSk(signing::huawei::Credentials::new(
            access_key, secret_key,
        )))
    }

    /// Temporary AK/SK credentials with their security token (sent as `X-Security-Token`).
    pub fn temporary(
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
        security_token: impl Into<String>,
    ) -> Self {
        Self(Auth::AkSk(
            signing::huawei::Credentials::new(access_key, secret_key)
                .with_security_token(security_token),
        ))
    }

    /// An IAM token (sent as `X-Auth-Token`), scoped to the project.
    pub fn token(token: impl Into<String>) -> Self {
        Self(Auth::Token(Secret::new(token)))
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Auth::AkSk(credentials) => f
                .debug_tuple("Credentials::AkSk")
                .field(credentials)
                .finish(),
            Auth::Token(_) => f
                .debug_tuple("Credentials::Token")
                .field(&"<redacted>")
                .finish(),
        }
    }
}

/// Builds a generated Huawei Cloud client.
///
/// Credentials come from [`credentials`](Self::credentials), else from the environment
/// variables the vendor's SDKs read (`HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`,
/// `HUAWEICLOUD_SDK_SECURITY_TOKEN`, `HUAWEICLOUD_SDK_PROJECT_ID`), else from their
/// credentials file (`~/.huaweicloud/credentials`, or `HUAWEICLOUD_SDK_CREDENTIALS_FILE`).
/// Without a project id, the client asks IAM for the region's project on first use.
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder<S> {
    region: Option<String>,
    endpoint: Option<String>,
    iam_endpoint: Option<String>,
    credentials: Option<Credentials>,
    project_id: Option<String>,
    language: Option<String>,
    algorithm: Algorithm,
    transport: TransportConfig,
    calls: CallConfig,
    clock: Arc<dyn Clock>,
    sleep: Arc<dyn Sleep>,
    environment: Arc<dyn Environment>,
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
            iam_endpoint: None,
            credentials: None,
            project_id: None,
            language: None,
            algorithm: Algorithm::default(),
            transport: TransportConfig::default(),
            calls: CallConfig::default(),
            clock: Arc::new(SystemClock),
            sleep: Arc::new(TokioSleep),
            environment: Arc::new(SystemEnvironment),
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

    /// The IAM endpoint used to discover the project id (default: the region's,
    /// `https://iam.<region>.myhuaweicloud.com`, or `HUAWEICLOUD_SDK_IAM_ENDPOINT`).
    pub fn iam_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.iam_endpoint = Some(endpoint.into());
        self
    }

    /// How requests are authenticated (default: the environment, then the credentials file).
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

    /// Where environment variables and the home directory come from (for tests; the
    /// default is the process environment).
    pub fn environment(mut self, environment: Arc<dyn Environment>) -> Self {
        self.environment = environment;
        self
    }

    transport_setters!();

    /// Checks the configuration, finds the credentials, and builds the client.
    pub fn build(self) -> Result<S, Error> {
        let endpoint = self.resolve_endpoint()?;
        let (credentials, found_project) = match self.credentials {
            Some(credentials) => (
                credentials,
                self.environment.var("HUAWEICLOUD_SDK_PROJECT_ID"),
            ),
            None => {
                let keys = huawei_keys(self.environment.as_ref())?;
                let mut signing =
                    signing::huawei::Credentials::new(keys.access_key, keys.secret_key.expose());
                if let Some(token) = keys.security_token {
                    signing = signing.with_security_token(token.expose());
                }
                let credentials = Credentials(Auth::AkSk(signing));
                (credentials, keys.project_id)
            }
        };
        let iam_endpoint = match (
            &self.iam_endpoint,
            self.environment.var("HUAWEICLOUD_SDK_IAM_ENDPOINT"),
            &self.region,
        ) {
            (Some(explicit), _, _) => Some(Endpoint::parse(explicit)?),
            (None, Some(from_env), _) => Some(Endpoint::parse(&from_env)?),
            (None, None, Some(region)) => {
                Some(Endpoint::parse(&format!("iam.{region}.myhuaweicloud.com"))?)
            }
            (None, None, None) => None,
        };
        let inner = Inner {
            service: S::INFO,
            endpoint,
            iam_endpoint,
            region: self.region,
            credentials,
            project_id: Mutex::new(self.project_id.or(found_project)),
            language: self.language,
            algorithm: self.algorithm,
            transport: Transport::new(&self.transport)?,
            calls: self.calls,
            clock: self.clock,
            sleep: self.sleep,
            user_agent: user_agent(S::INFO.crate_name, S::INFO.crate_version),
        };
        Ok(S::from_client(Client {
            inner: Arc::new(inner),
        }))
    }

    fn resolve_endpoint(&self) -> Result<Endpoint, Error> {
        match (&self.endpoint, &self.region) {
            (Some(endpoint), _) => Endpoint::parse(endpoint),
            (None, Some(region)) => match S::INFO.host(region) {
                Some(host) => Endpoint::parse(host),
                None => {
                    let known: Vec<&str> = S::INFO.endpoints.iter().map(|(r, _)| *r).collect();
                    Err(Error::config(format!(
                        "{} has no endpoint for region `{region}`; known regions: {}; or set an explicit endpoint",
                        S::INFO.crate_name,
                        known.join(", ")
                    )))
                }
            },
            (None, None) => Err(Error::config(format!(
                "{}: set a region or an endpoint",
                S::INFO.crate_name
            ))),
        }
    }
}

/// A configured Huawei Cloud client, shared by clones.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    service: &'static ServiceInfo,
    endpoint: Endpoint,
    iam_endpoint: Option<Endpoint>,
    region: Option<String>,
    credentials: Credentials,
    project_id: Mutex<Option<String>>,
    language: Option<String>,
    algorithm: Algorithm,
    transport: Transport,
    calls: CallConfig,
    clock: Arc<dyn Clock>,
    sleep: Arc<dyn Sleep>,
    user_agent: String,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("service", &self.inner.service.crate_name)
            .field("endpoint", &self.inner.endpoint)
            .field("region", &self.inner.region)
            .field("credentials", &self.inner.credentials)
            .finish_non_exhaustive()
    }
}

/// A request with everything but its signature: what every attempt signs afresh.
struct Prepared {
    method: http::Method,
    /// What is signed: method, host, path, query, headers and body. Every attempt signs
    /// it as it is, without copying it.
    request: signing::huawei::UnsignedRequest,
    project_id: Option<String>,
}

impl Prepared {
    /// A request to `host` (the endpoint's authority) whose method is `method`, signed as
    /// its text.
    fn new(method: http::Method, host: String, path: String, project_id: Option<String>) -> Self {
        Self {
            request: signing::huawei::UnsignedRequest {
                method: method.as_str().to_owned(),
                host,
                path,
                query: Vec::new(),
                headers: Vec::new(),
                body: None,
            },
            method,
            project_id,
        }
    }
}

/// Project ids found through IAM, per access key (or token digest) and region.
fn discovered_projects() -> &'static Mutex<HashMap<(String, String), String>> {
    static CACHE: OnceLock<Mutex<HashMap<(String, String), String>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

impl Client {
    /// Validates, sends and decodes one operation with the client's settings.
    pub async fn execute<O: Operation>(&self, input: O) -> Result<Response<O::Output>, Error> {
        self.execute_with(input, &CallOptions::default()).await
    }

    /// Validates, sends (retrying as allowed) and decodes one operation, with per-call
    /// options.
    pub async fn execute_with<O: Operation>(
        &self,
        input: O,
        options: &CallOptions,
    ) -> Result<Response<O::Output>, Error> {
        let spec = O::SPEC;
        let span = tracing::info_span!(
            "call",
            service = self.inner.service.crate_name,
            operation = spec.id,
            method = %spec.method,
            path = spec.path,
        );
        async {
            let writer = prepare(&input, QueryLists::Repeated)?;
            let raw = self
                .send(spec, writer, options)
                .await
                .map_err(|e| e.for_operation(spec.id))?;
            let body = O::decode(&raw).map_err(|e| e.for_operation(spec.id))?;
            let request_id = request_id(&raw.headers);
            Ok(Response::new(raw, request_id, body))
        }
        .instrument(span)
        .await
    }

    /// Waits for a job to end, asking about it with `poll` (generated clients pass their
    /// job-information operation); see [`crate::wait`].
    pub async fn wait_for_job<F, Fut, T>(
        &self,
        poller: &crate::wait::JobPoller,
        job_id: &str,
        options: &crate::wait::WaitOptions,
        poll: F,
    ) -> Result<crate::wait::Job, Error>
    where
        F: FnMut(String) -> Fut,
        Fut: std::future::Future<Output = Result<T, Error>>,
        T: serde::Serialize,
    {
        crate::wait::wait_for_job(
            poller,
            job_id,
            options,
            self.inner.clock.as_ref(),
            self.inner.sleep.as_ref(),
            poll,
        )
        .await
    }

    /// Validates, prepares and signs one operation exactly as an attempt of
    /// [`execute_with`](Self::execute_with) would, and returns the signed request without
    /// sending it. Without a configured project id, the project is still looked up in IAM.
    pub async fn dry_run<O: Operation>(&self, input: O) -> Result<SignedRequest, Error> {
        let spec = O::SPEC;
        let signed = async {
            let writer = prepare(&input, QueryLists::Repeated)?;
            let prepared = self
                .prepare_request(spec, writer, &CallOptions::default())
                .await?;
            self.authenticate(&prepared, &self.inner.endpoint)
        };
        signed
            .await
            .map(SignedRequest::new)
            .map_err(|e| e.for_operation(spec.id))
    }

    /// Prepares a written request, then signs and sends it, retrying as allowed.
    async fn send(
        &self,
        spec: &'static OperationSpec,
        writer: RequestWriter,
        options: &CallOptions,
    ) -> Result<RawResponse, Error> {
        let prepared = self.prepare_request(spec, writer, options).await?;
        self.runner(options, spec.idempotent)
            .run(|_, timeout| self.attempt(&prepared, &self.inner.endpoint, timeout))
            .await
    }

    /// Everything of a request but its signature: the project id (discovered if needed),
    /// the filled path, the query and the headers. Sending and dry runs share it.
    async fn prepare_request(
        &self,
        spec: &'static OperationSpec,
        mut writer: RequestWriter,
        options: &CallOptions,
    ) -> Result<Prepared, Error> {
        let inner = &self.inner;
        let query = writer.take_text_query()?;
        let (path, extra_headers, body) = writer.into_parts();
        let project_id = if spec.uses(Setting::ProjectId) {
            Some(self.project_id(options).await?)
        } else {
            self.known_project_id()
        };
        let path = fill_path(path, project_id.as_deref())?;
        let mut headers = vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("User-Agent".to_owned(), inner.user_agent.clone()),
        ];
        if let (true, Some(language)) = (spec.uses(Setting::Language), &inner.language) {
            headers.push(("X-Language".to_owned(), language.clone()));
        }
        headers.extend(extra_headers);
        if let (Auth::AkSk(_), Some(id)) = (&inner.credentials.0, &project_id) {
            // Where and how the signer puts a credential's project id.
            if !id.is_empty() {
                signing::huawei::set_exact(&mut headers, "X-Project-Id", id);
            }
        }
        let mut prepared = Prepared::new(
            spec.method.clone(),
            inner.endpoint.authority.clone(),
            path,
            project_id,
        );
        prepared.request.query = query;
        prepared.request.headers = headers;
        prepared.request.body = body;
        Ok(prepared)
    }

    fn runner<'a>(&'a self, options: &'a CallOptions, idempotent: bool) -> Runner<'a> {
        Runner {
            config: &self.inner.calls,
            options,
            clock: self.inner.clock.as_ref(),
            sleep: self.inner.sleep.as_ref(),
            idempotent,
        }
    }

    /// One attempt: sign afresh (a new `X-Sdk-Date`), send, and turn an error answer into
    /// an API error.
    async fn attempt(
        &self,
        prepared: &Prepared,
        endpoint: &Endpoint,
        timeout: Duration,
    ) -> Result<RawResponse, Error> {
        let inner = &self.inner;
        let request = self.authenticate(prepared, endpoint)?;
        let raw = inner.transport.send(request, timeout).await?;
        tracing::debug!(status = raw.status, request_id = ?request_id(&raw.headers), "answer");
        if (200..300).contains(&raw.status) {
            return Ok(raw);
        }
        let retry_after = raw
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, inner.clock.now()));
        let error = api_error(&raw)
            .with_documentation(inner.service.error_codes)
            .with_retry_after(retry_after);
        Err(Error::api(error))
    }

    /// The wire request of an attempt, signed (AK/SK) or carrying the token.
    fn authenticate(&self, prepared: &Prepared, endpoint: &Endpoint) -> Result<WireRequest, Error> {
        let inner = &self.inner;
        match &inner.credentials.0 {
            Auth::AkSk(credentials) => {
                // `X-Project-Id` is already among the prepared headers.
                let signed = signing::huawei::sign(
                    &prepared.request,
                    credentials,
                    &inner.algorithm,
                    inner.clock.now(),
                )?;
                Ok(WireRequest {
                    method: prepared.method.clone(),
                    url: endpoint.url(&signed.path, &signed.query),
                    headers: signed.headers,
                    body: prepared.request.body.clone(),
                })
            }
            Auth::Token(token) => {
                let request = &prepared.request;
                // The query a signed request would send, so both kinds of credentials
                // send the same bytes.
                let query = signing::huawei::canonical_query(&request.query);
                let mut headers = request.headers.clone();
                headers.push(("Host".to_owned(), request.host.clone()));
                headers.push(("X-Auth-Token".to_owned(), token.expose().to_owned()));
                if let Some(project_id) = &prepared.project_id {
                    headers.push(("X-Project-Id".to_owned(), project_id.clone()));
                }
                Ok(WireRequest {
                    method: prepared.method.clone(),
                    url: endpoint.url(&request.path, &query),
                    headers,
                    body: prepared.request.body.clone(),
                })
            }
        }
    }

    fn known_project_id(&self) -> Option<String> {
        self.inner
            .project_id
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// The project id: configured, or discovered from IAM for the region (once per key and
    /// region in the process).
    async fn project_id(&self, options: &CallOptions) -> Result<String, Error> {
        if let Some(id) = self.known_project_id() {
            return Ok(id);
        }
        let inner = &self.inner;
        let (Some(region), Some(iam)) = (&inner.region, &inner.iam_endpoint) else {
            return Err(Error::config(
                "this operation needs a project id; set it with `project_id(..)` on the client builder, \
                 or set a region so that the client can look it up in IAM",
            ));
        };
        let key = (self.cache_key(), region.clone());
        let cached = discovered_projects()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&key)
            .cloned();
        let id = match cached {
            Some(id) => id,
            None => {
                // Boxed: the lookup happens once per process, and its future (a whole IAM
                // call) would otherwise make every call's future several times larger.
                let id = Box::pin(self.discover_project(region, iam, options)).await?;
                discovered_projects()
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .insert(key, id.clone());
                id
            }
        };
        *inner
            .project_id
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(id.clone());
        Ok(id)
    }

    fn cache_key(&self) -> String {
        use sha2::Digest;
        match &self.inner.credentials.0 {
            Auth::AkSk(credentials) => format!("ak:{}", credentials.access_key()),
            Auth::Token(token) => format!(
                "token:{:x}",
                sha2::Sha256::digest(token.expose().as_bytes())
            ),
        }
    }

    /// `GET /v3/projects?name=<region>` on the IAM endpoint; exactly one project must match.
    async fn discover_project(
        &self,
        region: &str,
        iam: &Endpoint,
        options: &CallOptions,
    ) -> Result<String, Error> {
        let mut prepared = Prepared::new(
            http::Method::GET,
            iam.authority.clone(),
            "/v3/projects".to_owned(),
            None,
        );
        prepared.request.query = vec![("name".to_owned(), region.to_owned())];
        prepared.request.headers = vec![("User-Agent".to_owned(), self.inner.user_agent.clone())];
        let span = tracing::info_span!("discover_project_id", region);
        let raw = self
            .runner(options, true)
            .run(|_, timeout| self.attempt(&prepared, iam, timeout))
            .instrument(span)
            .await
            .map_err(|e| {
                e.context(format_args!(
                    "cannot look up the project id of region `{region}` in IAM"
                ))
            })?;
        let trace_id = raw
            .headers
            .get("x-iam-trace-id")
            .and_then(|v| v.to_str().ok())
            .map(|id| format!(" (X-IAM-Trace-Id {id})"))
            .unwrap_or_default();
        let answer: Value = serde_json::from_slice(&raw.body).map_err(|e| {
            Error::new(
                ErrorKind::Decode,
                format!("IAM's project list is not JSON: {e}{trace_id}"),
            )
        })?;
        let ids: Vec<String> = answer
            .get("projects")
            .and_then(Value::as_array)
            .map(|projects| {
                projects
                    .iter()
                    .filter_map(|p| p.get("id").and_then(Value::as_str).map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        match ids.as_slice() {
            [id] => Ok(id.clone()),
            [] => Err(Error::config(format!(
                "IAM has no project named `{region}` for these credentials{trace_id}; set the project id explicitly"
            ))),
            many => Err(Error::config(format!(
                "IAM has {} projects named `{region}` for these credentials ({}){trace_id}; set the project id explicitly",
                many.len(),
                many.join(", ")
            ))),
        }
    }
}

/// Fills `{project_id}`; a path never leaves with a template segment in it.
fn fill_path(path: String, project_id: Option<&str>) -> Result<String, Error> {
    let path = match project_id {
        Some(id) => path.replace("{project_id}", &encode_strict(id)),
        None => path,
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
