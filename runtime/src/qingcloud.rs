//! The QingCloud client: action-style requests with every parameter in a signed query
//! string, `ret_code` errors inside HTTP 200 answers, and the vendor's configuration file.
//! Generated crates wrap [`Client`].

use std::fmt;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tracing::Instrument;

use crate::call::{CallConfig, CallOptions, Runner};
use crate::clock::{Clock, SystemClock};
use crate::endpoint::Endpoint;
use crate::environment::{qingcloud_file, Environment, SystemEnvironment};
use crate::error::{ApiError, Error, ErrorCode};
use crate::operation::{
    prepare, Operation, OperationSpec, QueryLists, RawResponse, RequestWriter, Response, Setting,
};
use crate::retry::{Sleep, TokioSleep};
use crate::secret::Secret;
use crate::signed::SignedRequest;
use crate::signing::qingcloud::{self as signer, ActionRequest, SignatureMethod};
use crate::transport::{transport_setters, user_agent, Transport, TransportConfig, WireRequest};

/// QingCloud's public API endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://api.qingcloud.com";

/// What a generated crate tells the runtime about its service.
#[derive(Debug)]
pub struct ServiceInfo {
    /// Package name of the generated crate.
    pub crate_name: &'static str,
    /// Version of the generated crate.
    pub crate_version: &'static str,
    /// The documented error codes (`ret_code` values as text), sorted by code.
    pub error_codes: &'static [ErrorCode],
}

/// Implemented by each generated QingCloud client.
pub trait Service: Sized {
    /// The service's description.
    const INFO: &'static ServiceInfo;
    /// Wraps a configured runtime client.
    fn from_client(client: Client) -> Self;
}

/// An access key pair (`qy_access_key_id`, `qy_secret_access_key`). The `Debug` output
/// never shows the secret.
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: Secret,
}

impl Credentials {
    /// Credentials from an access key id and its secret.
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: Secret::new(secret_access_key),
        }
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

/// Builds a generated QingCloud client.
///
/// Settings not given explicitly come from the vendor's configuration file
/// (`~/.qingcloud/config.yaml`: `qy_access_key_id`, `qy_secret_access_key`, `zone`, `host`,
/// `port`, `protocol`), with the vendor's defaults (`https`, `api.qingcloud.com`, 443).
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder<S> {
    endpoint: Option<String>,
    credentials: Option<Credentials>,
    zone: Option<String>,
    config_file: Option<PathBuf>,
    signature_method: SignatureMethod,
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
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.credentials)
            .field("zone", &self.zone)
            .field("config_file", &self.config_file)
            .finish_non_exhaustive()
    }
}

impl<S: Service> Default for ClientBuilder<S> {
    fn default() -> Self {
        Self {
            endpoint: None,
            credentials: None,
            zone: None,
            config_file: None,
            signature_method: SignatureMethod::HmacSha256,
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
    /// The API endpoint (`https://host[:port]`; default: the configuration file's, else
    /// `https://api.qingcloud.com`).
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The access key pair (default: the configuration file's).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The zone of the resources (`sh1a`); QingCloud wants it in lower case.
    pub fn zone(mut self, zone: impl Into<String>) -> Self {
        self.zone = Some(zone.into());
        self
    }

    /// The configuration file to read instead of `~/.qingcloud/config.yaml`.
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config_file = Some(path.into());
        self
    }

    /// The HMAC of the signature (default `HmacSHA256`).
    pub fn signature_method(mut self, method: SignatureMethod) -> Self {
        self.signature_method = method;
        self
    }

    /// Where the home directory comes from (for tests; the default is the process
    /// environment).
    pub fn environment(mut self, environment: Arc<dyn Environment>) -> Self {
        self.environment = environment;
        self
    }

    transport_setters!();

    /// Checks the configuration, reads the configuration file for what is not given, and
    /// builds the client.
    pub fn build(self) -> Result<S, Error> {
        let needs_file =
            self.credentials.is_none() || self.zone.is_none() || self.endpoint.is_none();
        let (path, file) = if needs_file {
            qingcloud_file(self.environment.as_ref(), self.config_file.as_ref())?
        } else {
            (PathBuf::new(), None)
        };
        let file = file.unwrap_or_default();
        let credentials = match (self.credentials, &file.access_key_id, &file.secret_access_key) {
            (Some(credentials), _, _) => credentials,
            (None, Some(id), Some(secret)) => Credentials::new(id.clone(), secret.clone()),
            (None, _, _) => {
                return Err(Error::config(format!(
                    "{}: no QingCloud credentials found; looked at: explicit credentials (none given); \
                     configuration file {} (no qy_access_key_id and qy_secret_access_key)",
                    S::INFO.crate_name,
                    path.display()
                )))
            }
        };
        let endpoint = self
            .endpoint
            .or(file.endpoint)
            .unwrap_or_else(|| DEFAULT_ENDPOINT.to_owned());
        let inner = Inner {
            service: S::INFO,
            endpoint: Endpoint::parse(&endpoint)?,
            credentials,
            zone: self.zone.or(file.zone).map(|z| z.to_lowercase()),
            signature_method: self.signature_method,
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
}

/// A configured QingCloud client, shared by clones.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    service: &'static ServiceInfo,
    endpoint: Endpoint,
    credentials: Credentials,
    zone: Option<String>,
    signature_method: SignatureMethod,
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
            .field("credentials", &self.inner.credentials)
            .field("zone", &self.inner.zone)
            .finish_non_exhaustive()
    }
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
            let writer = prepare(&input, QueryLists::DotIndexed)?;
            let (raw, req_id) = self
                .send(spec, &writer, options)
                .await
                .map_err(|e| e.for_operation(spec.id))?;
            let body = O::decode(&raw).map_err(|e| e.for_operation(spec.id))?;
            Ok(Response::new(raw, Some(req_id), body))
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
    /// [`execute_with`](Self::execute_with) would (with a fresh `req_id`), and returns the
    /// signed request without sending it.
    pub async fn dry_run<O: Operation>(&self, input: O) -> Result<SignedRequest, Error> {
        let spec = O::SPEC;
        let signed = prepare(&input, QueryLists::DotIndexed)
            .and_then(|writer| self.prepare_action(spec, &writer))
            .map(|action| self.sign(spec, &action, new_req_id()));
        signed
            .map(SignedRequest::new)
            .map_err(|e| e.for_operation(spec.id))
    }

    /// Signs (afresh for every attempt, with a new `req_id`) and sends, retrying as allowed;
    /// returns the answer and the `req_id` of the attempt that got it.
    async fn send(
        &self,
        spec: &'static OperationSpec,
        writer: &RequestWriter,
        options: &CallOptions,
    ) -> Result<(RawResponse, String), Error> {
        let inner = &self.inner;
        let action = self.prepare_action(spec, writer)?;
        let runner = Runner {
            config: &inner.calls,
            options,
            clock: inner.clock.as_ref(),
            sleep: inner.sleep.as_ref(),
            idempotent: spec.idempotent,
        };
        let mut last_req_id = String::new();
        let raw = runner
            .run(|_, timeout| {
                let req_id = new_req_id();
                last_req_id = req_id.clone();
                self.attempt(spec, &action, req_id, timeout)
            })
            .await?;
        Ok((raw, last_req_id))
    }

    /// Everything of a request but its `req_id` and signature: the action, the zone and
    /// the parameters. Sending and dry runs share it.
    fn prepare_action(
        &self,
        spec: &'static OperationSpec,
        writer: &RequestWriter,
    ) -> Result<PreparedAction, Error> {
        let mut action = None;
        let mut params: Vec<(String, Value)> = Vec::new();
        for (name, value) in spec.fixed_query {
            if *name == "action" {
                action = Some(*value);
            } else {
                params.push(((*name).to_owned(), Value::from(*value)));
            }
        }
        let action = action.ok_or_else(|| Error::config(format!("{} has no `action`", spec.id)))?;
        params.extend(writer.value_query().iter().cloned());
        let zone = match (spec.uses(Setting::Zone), &self.inner.zone) {
            (true, None) => {
                return Err(Error::config(
                    "this operation needs a zone; set it with `zone(..)` on the client builder or in the configuration file",
                ))
            }
            (_, zone) => zone.clone().unwrap_or_default(),
        };
        Ok(PreparedAction {
            action,
            zone,
            params,
        })
    }

    /// The wire request of an attempt, signed with its `req_id`.
    fn sign(&self, spec: &OperationSpec, prepared: &PreparedAction, req_id: String) -> WireRequest {
        let inner = &self.inner;
        let request = ActionRequest {
            method: signer::Method::Get,
            path: spec.path.to_owned(),
            action: prepared.action.to_owned(),
            zone: prepared.zone.clone(),
            params: prepared.params.clone(),
            expires: None,
            req_id: Some(req_id),
            signature_method: inner.signature_method,
        };
        let credentials = signer::Credentials::new(
            inner.credentials.access_key_id.clone(),
            inner.credentials.secret_access_key.expose(),
        );
        let signed = signer::sign(&request, &credentials, inner.clock.now());
        WireRequest {
            method: http::Method::GET,
            url: inner
                .endpoint
                .url(&signed.path, signed.query().unwrap_or_default()),
            headers: vec![("User-Agent".to_owned(), inner.user_agent.clone())],
            body: None,
        }
    }

    async fn attempt(
        &self,
        spec: &OperationSpec,
        prepared: &PreparedAction,
        req_id: String,
        timeout: Duration,
    ) -> Result<RawResponse, Error> {
        let inner = &self.inner;
        let wire = self.sign(spec, prepared, req_id.clone());
        let raw = inner.transport.send(wire, timeout).await?;
        tracing::debug!(status = raw.status, req_id, "answer");
        check_answer(raw, &req_id, inner.service.error_codes)
    }
}

/// An action request with everything but its `req_id` and signature.
struct PreparedAction {
    action: &'static str,
    zone: String,
    params: Vec<(String, Value)>,
}

/// A fresh `req_id` for one attempt.
fn new_req_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// An answer is a success only with HTTP 200 and `ret_code` 0 (or absent).
fn check_answer(
    raw: RawResponse,
    req_id: &str,
    error_codes: &'static [ErrorCode],
) -> Result<RawResponse, Error> {
    let body = String::from_utf8_lossy(&raw.body).into_owned();
    let parsed: Option<Value> = serde_json::from_slice(&raw.body).ok();
    let ret_code = parsed.as_ref().and_then(|v| v.get("ret_code")).cloned();
    let message = parsed
        .as_ref()
        .and_then(|v| v.get("message"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let failed_code = match &ret_code {
        Some(Value::Number(n)) if n.as_i64() != Some(0) => Some(n.to_string()),
        Some(Value::String(s)) if s != "0" => Some(s.clone()),
        _ => None,
    };
    if raw.status == 200 && failed_code.is_none() {
        return Ok(raw);
    }
    let code = failed_code.or_else(|| ret_code.map(|c| c.to_string()));
    let structured = code.is_some() || message.is_some();
    Err(Error::api(
        ApiError::new(
            raw.status,
            code,
            message,
            Some(req_id.to_owned()),
            body,
            structured,
        )
        .with_documentation(error_codes),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn answer(status: u16, body: &str) -> RawResponse {
        RawResponse {
            status,
            headers: http::HeaderMap::new(),
            body: body.to_owned().into(),
        }
    }

    #[test]
    fn ret_code_zero_is_success() {
        assert!(check_answer(answer(200, r#"{"ret_code":0,"job_id":"j-1"}"#), "r", &[]).is_ok());
    }

    #[test]
    fn ret_code_non_zero_is_an_api_error_with_the_request_id() {
        let err = check_answer(
            answer(200, r#"{"ret_code":1400,"message":"PermissionDenied"}"#),
            "req-9",
            &[],
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Api);
        let api = err.api_error().unwrap();
        assert_eq!(
            (api.status(), api.code(), api.message()),
            (200, Some("1400"), Some("PermissionDenied"))
        );
        assert_eq!(api.request_id(), Some("req-9"));
        assert!(api.is_structured());
    }

    #[test]
    fn non_200_answers_are_api_errors_even_without_json() {
        let err = check_answer(answer(502, "<html>bad gateway</html>"), "r", &[]).unwrap_err();
        let api = err.api_error().unwrap();
        assert_eq!(api.status(), 502);
        assert!(!api.is_structured());
        assert_eq!(api.raw_body(), "<html>bad gateway</html>");
    }
}
