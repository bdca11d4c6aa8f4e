//! The QingCloud client: action-style requests with every parameter in a signed query
//! string, and `ret_code` errors inside HTTP 200 answers. Generated crates wrap [`Client`].

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
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder<S> {
    endpoint: String,
    credentials: Option<Credentials>,
    zone: Option<String>,
    signature_method: SignatureMethod,
    transport: TransportConfig,
    clock: Arc<dyn Clock>,
    service: PhantomData<fn() -> S>,
}

impl<S> fmt::Debug for ClientBuilder<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.credentials)
            .field("zone", &self.zone)
            .finish_non_exhaustive()
    }
}

impl<S: Service> Default for ClientBuilder<S> {
    fn default() -> Self {
        Self {
            endpoint: DEFAULT_ENDPOINT.to_owned(),
            credentials: None,
            zone: None,
            signature_method: SignatureMethod::HmacSha256,
            transport: TransportConfig::default(),
            clock: Arc::new(SystemClock),
            service: PhantomData,
        }
    }
}

impl<S: Service> ClientBuilder<S> {
    /// The API endpoint (`https://host[:port]`; default `https://api.qingcloud.com`).
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into();
        self
    }

    /// The access key pair.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The zone of the resources (`sh1a`); QingCloud wants it in lower case.
    pub fn zone(mut self, zone: impl Into<String>) -> Self {
        self.zone = Some(zone.into().to_lowercase());
        self
    }

    /// The HMAC of the signature (default `HmacSHA256`).
    pub fn signature_method(mut self, method: SignatureMethod) -> Self {
        self.signature_method = method;
        self
    }

    transport_setters!();

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<S, Error> {
        let endpoint = Endpoint::parse(&self.endpoint)?;
        let credentials = self.credentials.ok_or_else(|| {
            Error::config(format!(
                "{}: no credentials; set them with `credentials(Credentials::new(..))`",
                S::INFO.crate_name
            ))
        })?;
        let user_agent = user_agent(S::INFO.crate_name, S::INFO.crate_version);
        let inner = Inner {
            error_codes: S::INFO.error_codes,
            endpoint,
            credentials,
            zone: self.zone,
            signature_method: self.signature_method,
            transport: Transport::new(&self.transport)?,
            clock: self.clock,
            user_agent,
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
    error_codes: &'static [ErrorCode],
    endpoint: Endpoint,
    credentials: Credentials,
    zone: Option<String>,
    signature_method: SignatureMethod,
    transport: Transport,
    clock: Arc<dyn Clock>,
    user_agent: String,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.endpoint)
            .field("credentials", &self.inner.credentials)
            .field("zone", &self.inner.zone)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Validates, sends and decodes one operation.
    pub async fn execute<O: Operation>(&self, input: O) -> Result<Response<O::Output>, Error> {
        let spec = O::SPEC;
        let writer = prepare(&input, QueryLists::DotIndexed)?;
        let req_id = uuid::Uuid::new_v4().simple().to_string();
        let raw = self
            .send(spec, &writer, &req_id)
            .await
            .map_err(|e| e.for_operation(spec.id))?;
        let body = O::decode(&raw).map_err(|e| e.for_operation(spec.id))?;
        Ok(Response::new(&raw, Some(req_id), body))
    }

    async fn send(
        &self,
        spec: &'static OperationSpec,
        writer: &RequestWriter,
        req_id: &str,
    ) -> Result<RawResponse, Error> {
        let inner = &self.inner;
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
        let zone = match (spec.uses(Setting::Zone), &inner.zone) {
            (true, None) => {
                return Err(Error::config(
                    "this operation needs a zone; set it with `zone(..)` on the client builder",
                ))
            }
            (_, zone) => zone.clone().unwrap_or_default(),
        };
        let request = ActionRequest {
            method: signer::Method::Get,
            path: spec.path.to_owned(),
            action: action.to_owned(),
            zone,
            params,
            expires: None,
            req_id: Some(req_id.to_owned()),
            signature_method: self.inner.signature_method,
        };
        let credentials = signer::Credentials::new(
            inner.credentials.access_key_id.clone(),
            inner.credentials.secret_access_key.expose(),
        );
        let signed = signer::sign(&request, &credentials, inner.clock.now());
        let wire = WireRequest {
            method: http::Method::GET,
            url: inner.endpoint.url(&signed.request_target()),
            headers: vec![("User-Agent".to_owned(), inner.user_agent.clone())],
            body: None,
        };
        tracing::debug!(operation = spec.id, action, req_id, "sending request");
        let raw = inner.transport.send(wire).await?;
        tracing::debug!(
            operation = spec.id,
            status = raw.status,
            req_id,
            "received answer"
        );
        check_answer(raw, req_id, inner.error_codes)
    }
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
