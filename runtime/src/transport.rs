//! Sending requests over HTTP (reqwest with rustls, HTTP/1.1 only) exactly as they were
//! signed, and reading the answer.

use std::time::Duration;

use crate::error::{Error, ErrorKind};
use crate::operation::RawResponse;

/// Timeouts and other settings of the HTTP client.
#[derive(Debug, Clone)]
pub(crate) struct TransportConfig {
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
}

impl Default for TransportConfig {
    fn default() -> Self {
        // The vendors' SDKs default to 60 s to connect and 120 s to read.
        Self {
            connect_timeout: Duration::from_secs(60),
            timeout: Duration::from_secs(120),
        }
    }
}

/// The `User-Agent` of a generated crate's requests: the runtime and the crate, with
/// their versions.
pub(crate) fn user_agent(crate_name: &str, crate_version: &str) -> String {
    format!(
        "clouddb/{} {crate_name}/{crate_version}",
        env!("CARGO_PKG_VERSION")
    )
}

/// Defines the builder setters that every client builder shares: timeouts and clock. The
/// builder must have `transport: TransportConfig` and `clock: Arc<dyn Clock>` fields.
macro_rules! transport_setters {
    () => {
        /// How long connecting may take (default 60 s).
        pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.transport.connect_timeout = timeout;
            self
        }

        /// How long a whole request may take (default 120 s).
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.transport.timeout = timeout;
            self
        }

        /// The clock that dates signatures (for tests; the default is the system clock).
        pub fn clock(mut self, clock: std::sync::Arc<dyn crate::clock::Clock>) -> Self {
            self.clock = clock;
            self
        }
    };
}

pub(crate) use transport_setters;

/// A request ready for the wire: every header is sent as given, nothing is added that
/// was signed differently.
#[derive(Debug)]
pub(crate) struct WireRequest {
    pub(crate) method: http::Method,
    pub(crate) url: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Vec<u8>>,
}

/// The HTTP client.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    http: reqwest::Client,
}

impl Transport {
    pub(crate) fn new(config: &TransportConfig) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .http1_only()
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                Error::config(format!("cannot build the HTTP client: {e}")).with_source(e)
            })?;
        Ok(Self { http })
    }

    pub(crate) async fn send(&self, request: WireRequest) -> Result<RawResponse, Error> {
        let mut builder = self.http.request(request.method, &request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if let Some(body) = request.body {
            builder = builder.body(body);
        }
        let response = builder.send().await.map_err(transport_error)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(transport_error)?;
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }
}

fn transport_error(error: reqwest::Error) -> Error {
    let (kind, what) = if error.is_timeout() {
        (ErrorKind::Timeout, "timed out")
    } else if error.is_connect() {
        (ErrorKind::Transport, "could not connect")
    } else {
        (ErrorKind::Transport, "failed")
    };
    // The URL is left out: a QingCloud URL carries the access key id and a signature.
    let error = error.without_url();
    Error::new(kind, format!("the request {what}: {error}")).with_source(error)
}
