//! The Huawei Cloud vendor: configuration and credential chain ([`ClientBuilder`]), AK/SK
//! signing or token auth, the project id (configured, or discovered in IAM and cached for
//! the account and region), and error answers. The call itself is the shared
//! [`crate::client`] core.

mod errors;
mod project;

use std::fmt;
use std::sync::Mutex;

use crate::builder::VendorConfig;
use crate::call::CallOptions;
use crate::client::{Attempt, Core, Service, Vendor};
use crate::endpoint::Endpoint;
use crate::environment::huawei_keys;
use crate::error::Error;
use crate::operation::{OperationSpec, QueryLists, RawResponse, RequestWriter, Setting};
use crate::secret::Secret;
use crate::signing::{self, encode_strict, huawei::Algorithm};
use crate::transport::WireRequest;

pub use crate::client::ServiceInfo;

/// A configured Huawei Cloud client, shared by clones.
pub type Client = crate::client::Client<Huawei>;

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
/// Credentials come from [`credentials`](crate::builder::ClientBuilder::credentials), else
/// from the environment variables the vendor's SDKs read (`HUAWEICLOUD_SDK_AK`,
/// `HUAWEICLOUD_SDK_SK`, `HUAWEICLOUD_SDK_SECURITY_TOKEN`, `HUAWEICLOUD_SDK_PROJECT_ID`),
/// else from their credentials file (`~/.huaweicloud/credentials`, or
/// `HUAWEICLOUD_SDK_CREDENTIALS_FILE`). Without a project id, the client asks IAM for the
/// region's project on first use.
pub type ClientBuilder<S> = crate::builder::ClientBuilder<S, Huawei>;

/// The Huawei Cloud settings of a [`ClientBuilder`], set through its methods.
#[derive(Debug, Default)]
pub struct BuilderSettings {
    region: Option<String>,
    iam_endpoint: Option<String>,
    project_id: Option<String>,
    language: Option<String>,
    algorithm: Algorithm,
}

impl<S: Service<Vendor = Huawei>> ClientBuilder<S> {
    /// The region (`cn-north-4`); its host comes from the service's endpoint table (an
    /// explicit [`endpoint`](crate::builder::ClientBuilder::endpoint) wins over it).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.settings.region = Some(region.into());
        self
    }

    /// The IAM endpoint used to discover the project id (default: the region's,
    /// `https://iam.<region>.myhuaweicloud.com`, or `HUAWEICLOUD_SDK_IAM_ENDPOINT`).
    pub fn iam_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.settings.iam_endpoint = Some(endpoint.into());
        self
    }

    /// The project (tenant) id filled into `{project_id}` and sent as `X-Project-Id`.
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.settings.project_id = Some(project_id.into());
        self
    }

    /// The `X-Language` of every request that accepts one (`en-us` or `zh-cn`).
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.settings.language = Some(language.into());
        self
    }

    /// The AK/SK signing algorithm (default `SDK-HMAC-SHA256`).
    pub fn signing_algorithm(mut self, algorithm: Algorithm) -> Self {
        self.settings.algorithm = algorithm;
        self
    }

    fn resolve_endpoint(&self) -> Result<Endpoint, Error> {
        match (&self.endpoint, &self.settings.region) {
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

impl VendorConfig for Huawei {
    type Credentials = Credentials;
    type Settings = BuilderSettings;

    /// The credentials given, else the environment's, else the credentials file's; the
    /// IAM endpoint given, else the environment's, else the region's.
    fn build<S: Service<Vendor = Self>>(builder: ClientBuilder<S>) -> Result<S, Error> {
        let endpoint = builder.resolve_endpoint()?;
        let environment = builder.common.environment.as_ref();
        let (credentials, found_project) = match builder.credentials {
            Some(credentials) => (credentials, environment.var("HUAWEICLOUD_SDK_PROJECT_ID")),
            None => {
                let keys = huawei_keys(environment)?;
                let mut signing =
                    signing::huawei::Credentials::new(keys.access_key, keys.secret_key.expose());
                if let Some(token) = keys.security_token {
                    signing = signing.with_security_token(token.expose());
                }
                let credentials = Credentials(Auth::AkSk(signing));
                (credentials, keys.project_id)
            }
        };
        let settings = builder.settings;
        let iam_endpoint = match (
            &settings.iam_endpoint,
            environment.var("HUAWEICLOUD_SDK_IAM_ENDPOINT"),
            &settings.region,
        ) {
            (Some(explicit), _, _) => Some(Endpoint::parse(explicit)?),
            (None, Some(from_env), _) => Some(Endpoint::parse(&from_env)?),
            (None, None, Some(region)) => {
                Some(Endpoint::parse(&format!("iam.{region}.myhuaweicloud.com"))?)
            }
            (None, None, None) => None,
        };
        let core = builder.common.into_core(S::INFO, endpoint)?;
        let vendor = Huawei {
            iam_endpoint,
            region: settings.region,
            credentials,
            project_id: Mutex::new(settings.project_id.or(found_project)),
            language: settings.language,
            algorithm: settings.algorithm,
        };
        Ok(S::from_client(crate::client::Client::new(core, vendor)))
    }
}

/// The Huawei Cloud part of a client: where IAM is, the credentials, the project id and
/// the language of its requests.
pub struct Huawei {
    iam_endpoint: Option<Endpoint>,
    region: Option<String>,
    credentials: Credentials,
    project_id: Mutex<Option<String>>,
    language: Option<String>,
    algorithm: Algorithm,
}

/// A request with everything but its signature: what every attempt signs afresh.
pub struct Prepared {
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

impl Vendor for Huawei {
    const LISTS: QueryLists = QueryLists::Repeated;

    type Prepared = Prepared;

    /// The project id (discovered if needed), the filled path, the query and the headers.
    async fn prepare(
        &self,
        core: &Core,
        spec: &'static OperationSpec,
        mut writer: RequestWriter,
        options: &CallOptions,
    ) -> Result<Prepared, Error> {
        let query = writer.take_text_query()?;
        let written = writer.into_parts();
        let project_id = if spec.uses(Setting::ProjectId) {
            Some(self.project_id(core, options).await?)
        } else {
            self.known_project_id()
        };
        let path = fill_path(written.path, project_id.as_deref())?;
        let content_type = written
            .content_type
            .unwrap_or_else(|| spec.content_type.to_owned());
        let mut headers = vec![
            ("Content-Type".to_owned(), content_type),
            ("User-Agent".to_owned(), core.user_agent.clone()),
        ];
        if let (true, Some(language)) = (spec.uses(Setting::Language), &self.language) {
            headers.push(("X-Language".to_owned(), language.clone()));
        }
        headers.extend(written.headers);
        if let (Auth::AkSk(_), Some(id)) = (&self.credentials.0, &project_id) {
            // Where and how the signer puts a credential's project id.
            if !id.is_empty() {
                signing::huawei::set_exact(&mut headers, "X-Project-Id", id);
            }
        }
        let mut prepared = Prepared::new(
            spec.method.clone(),
            core.endpoint.authority.clone(),
            path,
            project_id,
        );
        prepared.request.query = query;
        prepared.request.headers = headers;
        prepared.request.body = written.body;
        Ok(prepared)
    }

    fn sign(
        &self,
        core: &Core,
        _spec: &'static OperationSpec,
        prepared: &Prepared,
    ) -> Result<Attempt, Error> {
        self.authenticate(core, prepared, &core.endpoint)
            .map(|request| Attempt {
                request,
                request_id: None,
            })
    }

    fn check(
        &self,
        core: &Core,
        answer: RawResponse,
        _request_id: Option<&str>,
    ) -> Result<RawResponse, Error> {
        if (200..300).contains(&answer.status) {
            return Ok(answer);
        }
        let error = errors::api_error(&answer).with_documentation(core.service.error_codes);
        Err(Error::api(error))
    }

    fn request_id(&self, headers: &http::HeaderMap, _sent: Option<&str>) -> Option<String> {
        errors::request_id(headers)
    }

    fn describe(&self, out: &mut fmt::DebugStruct<'_, '_>) {
        out.field("region", &self.region)
            .field("credentials", &self.credentials);
    }
}

impl Huawei {
    /// The wire request of an attempt to `endpoint`, signed (AK/SK) or carrying the token.
    fn authenticate(
        &self,
        core: &Core,
        prepared: &Prepared,
        endpoint: &Endpoint,
    ) -> Result<WireRequest, Error> {
        match &self.credentials.0 {
            Auth::AkSk(credentials) => {
                // `X-Project-Id` is already among the prepared headers.
                let signed = signing::huawei::sign(
                    &prepared.request,
                    credentials,
                    &self.algorithm,
                    core.clock.now(),
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

#[cfg(test)]
mod tests {
    use super::*;

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
