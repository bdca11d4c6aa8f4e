//! The QingCloud vendor: action-style requests with every parameter in a signed query
//! string (a fresh `req_id` on every attempt), `ret_code` errors inside HTTP 200 answers,
//! and the vendor's configuration file ([`ClientBuilder`]). The call itself is the shared
//! [`crate::client`] core.

use std::fmt;
use std::path::PathBuf;

use serde_json::Value;

use crate::builder::VendorConfig;
use crate::call::CallOptions;
use crate::client::{Attempt, Core, Service, Vendor};
use crate::endpoint::Endpoint;
use crate::environment::qingcloud_file;
use crate::error::{ApiError, Error, ErrorCode};
use crate::operation::{OperationSpec, QueryLists, RawResponse, RequestWriter, Setting};
use crate::signing::qingcloud::{self as signer, ActionRequest, SignatureMethod};
use crate::transport::WireRequest;

/// QingCloud's public API endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://api.qingcloud.com";

pub use crate::client::ServiceInfo;

/// A configured QingCloud client, shared by clones.
pub type Client = crate::client::Client<QingCloud>;

/// An access key pair (`qy_access_key_id`, `qy_secret_access_key`), as the signer takes
/// it. The `Debug` output never shows the secret.
#[derive(Clone)]
pub struct Credentials(signer::Credentials);

impl Credentials {
    /// Credentials from an access key id and its secret.
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Self(signer::Credentials::new(access_key_id, secret_access_key))
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Builds a generated QingCloud client.
///
/// Settings not given explicitly come from the vendor's configuration file
/// (`~/.qingcloud/config.yaml`: `qy_access_key_id`, `qy_secret_access_key`, `zone`, `host`,
/// `port`, `protocol`), with the vendor's defaults (`https`, `api.qingcloud.com`, 443).
pub type ClientBuilder<S> = crate::builder::ClientBuilder<S, QingCloud>;

/// The QingCloud settings of a [`ClientBuilder`], set through its methods.
#[derive(Debug, Default)]
pub struct BuilderSettings {
    zone: Option<String>,
    config_file: Option<PathBuf>,
    signature_method: SignatureMethod,
}

impl<S: Service<Vendor = QingCloud>> ClientBuilder<S> {
    /// The zone of the resources (`sh1a`); QingCloud wants it in lower case.
    pub fn zone(mut self, zone: impl Into<String>) -> Self {
        self.settings.zone = Some(zone.into());
        self
    }

    /// The configuration file to read instead of `~/.qingcloud/config.yaml`.
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.settings.config_file = Some(path.into());
        self
    }

    /// The HMAC of the signature (default `HmacSHA256`).
    pub fn signature_method(mut self, method: SignatureMethod) -> Self {
        self.settings.signature_method = method;
        self
    }
}

impl VendorConfig for QingCloud {
    type Credentials = Credentials;
    type Settings = BuilderSettings;

    /// What is not given explicitly comes from the configuration file; the endpoint
    /// defaults to `https://api.qingcloud.com`.
    fn build<S: Service<Vendor = Self>>(builder: ClientBuilder<S>) -> Result<S, Error> {
        let settings = builder.settings;
        let needs_file =
            builder.credentials.is_none() || settings.zone.is_none() || builder.endpoint.is_none();
        let (path, file) = if needs_file {
            qingcloud_file(
                builder.common.environment.as_ref(),
                settings.config_file.as_ref(),
            )?
        } else {
            (PathBuf::new(), None)
        };
        let file = file.unwrap_or_default();
        let credentials = match (builder.credentials, &file.access_key_id, &file.secret_access_key) {
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
        let endpoint = builder
            .endpoint
            .or(file.endpoint)
            .unwrap_or_else(|| DEFAULT_ENDPOINT.to_owned());
        let core = builder
            .common
            .into_core(S::INFO, Endpoint::parse(&endpoint)?)?;
        let vendor = QingCloud {
            credentials,
            zone: settings.zone.or(file.zone).map(|z| z.to_lowercase()),
            signature_method: settings.signature_method,
        };
        Ok(S::from_client(crate::client::Client::new(core, vendor)))
    }
}

/// The QingCloud part of a client: its access key pair, zone and signature method.
pub struct QingCloud {
    credentials: Credentials,
    zone: Option<String>,
    signature_method: SignatureMethod,
}

impl Vendor for QingCloud {
    const LISTS: QueryLists = QueryLists::DotIndexed;

    type Prepared = PreparedAction;

    /// The action, the zone and the parameters.
    async fn prepare(
        &self,
        _core: &Core,
        spec: &'static OperationSpec,
        writer: RequestWriter,
        _options: &CallOptions,
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
        let zone = match (spec.uses(Setting::Zone), &self.zone) {
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

    /// The wire request of an attempt, signed with a fresh `req_id`.
    fn sign(
        &self,
        core: &Core,
        spec: &'static OperationSpec,
        prepared: &PreparedAction,
    ) -> Result<Attempt, Error> {
        let req_id = new_req_id();
        let request = ActionRequest {
            method: signer::Method::Get,
            path: spec.path.to_owned(),
            action: prepared.action.to_owned(),
            zone: prepared.zone.clone(),
            params: prepared.params.clone(),
            expires: None,
            req_id: Some(req_id.clone()),
            signature_method: self.signature_method,
        };
        let signed = signer::sign(&request, &self.credentials.0, core.clock.now());
        let request = WireRequest {
            method: http::Method::GET,
            url: core
                .endpoint
                .url(&signed.path, signed.query().unwrap_or_default()),
            headers: vec![("User-Agent".to_owned(), core.user_agent.clone())],
            body: None,
        };
        Ok(Attempt {
            request,
            request_id: Some(req_id),
        })
    }

    fn check(
        &self,
        core: &Core,
        answer: RawResponse,
        request_id: Option<&str>,
    ) -> Result<RawResponse, Error> {
        check_answer(
            answer,
            request_id.unwrap_or_default(),
            core.service.error_codes,
        )
    }

    /// The `req_id` the attempt sent: QingCloud echoes no request id of its own.
    fn request_id(&self, _headers: &http::HeaderMap, sent: Option<&str>) -> Option<String> {
        sent.map(str::to_owned)
    }

    fn describe(&self, out: &mut fmt::DebugStruct<'_, '_>) {
        out.field("credentials", &self.credentials)
            .field("zone", &self.zone);
    }
}

/// An action request with everything but its `req_id` and signature.
pub struct PreparedAction {
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
