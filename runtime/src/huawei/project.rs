//! The project id of a Huawei Cloud client: configured, or looked up in the region's IAM
//! (`GET /v3/projects?name=<region>`, signed) on first use.
//!
//! A discovered id is kept by the client (shared by its clones) and in a process-wide
//! cache, so that a program that builds many clients for the same account asks IAM once.
//! The cache is keyed by the IAM endpoint, the identity asking (the access key, or a
//! digest of the token) and the region: two accounts, two IAM endpoints (a test server
//! and the real one) or two regions never share an entry.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde_json::Value;
use tracing::Instrument;

use super::{Auth, Huawei, Prepared};
use crate::call::CallOptions;
use crate::client::{Attempt, Core};
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorKind};

/// Whose project of which region, found through which IAM.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    iam: String,
    identity: String,
    region: String,
}

/// Project ids found through IAM in this process.
fn discovered_projects() -> &'static Mutex<HashMap<CacheKey, String>> {
    static CACHE: OnceLock<Mutex<HashMap<CacheKey, String>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

impl Huawei {
    pub(super) fn known_project_id(&self) -> Option<String> {
        self.project_id
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// The project id: configured, or discovered from IAM for the region (once per key and
    /// region in the process).
    pub(super) async fn project_id(
        &self,
        core: &Core,
        options: &CallOptions,
    ) -> Result<String, Error> {
        if let Some(id) = self.known_project_id() {
            return Ok(id);
        }
        let (Some(region), Some(iam)) = (&self.region, &self.iam_endpoint) else {
            return Err(Error::config(
                "this operation needs a project id; set it with `project_id(..)` on the client builder, \
                 or set a region so that the client can look it up in IAM",
            ));
        };
        let key = CacheKey {
            iam: iam.authority.clone(),
            identity: self.identity(),
            region: region.clone(),
        };
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
                let id = Box::pin(self.discover_project(core, region, iam, options)).await?;
                discovered_projects()
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .insert(key, id.clone());
                id
            }
        };
        *self
            .project_id
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(id.clone());
        Ok(id)
    }

    /// Who asks: the access key, or a digest of the token (never the token itself).
    fn identity(&self) -> String {
        use sha2::Digest;
        match &self.credentials.0 {
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
        core: &Core,
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
        prepared.request.headers = vec![("User-Agent".to_owned(), core.user_agent.clone())];
        let span = tracing::info_span!("discover_project_id", region);
        let raw = core
            .runner(options, true)
            .run(|_, timeout| {
                let attempt = self
                    .authenticate(core, &prepared, iam)
                    .map(|request| Attempt {
                        request,
                        request_id: None,
                    });
                async move { core.attempt(self, attempt?, timeout).await }
            })
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
