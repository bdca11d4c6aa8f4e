//! Sending requests over HTTP (reqwest with rustls, HTTP/1.1 only) exactly as they were
//! signed, and reading the answer; connect timeout, proxy and CA bundle are set here.

use std::path::PathBuf;
use std::time::Duration;

use crate::error::{Error, ErrorKind};
use crate::operation::RawResponse;

/// The largest answer body read into memory by default: 64 MiB, sixty times the largest
/// real list answer measured (a page of 1 150 GaussDB instances is about 1 MiB). File
/// downloads read as a stream ([`crate::Download`]) are not limited.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 << 20;

/// Settings of the HTTP client.
#[derive(Debug, Clone)]
pub(crate) struct TransportConfig {
    pub(crate) connect_timeout: Duration,
    pub(crate) proxy: Option<String>,
    pub(crate) ca_bundle: Option<PathBuf>,
    pub(crate) max_response_bytes: usize,
}

impl Default for TransportConfig {
    fn default() -> Self {
        // The vendors' SDKs connect within 60 s.
        Self {
            connect_timeout: Duration::from_secs(60),
            proxy: None,
            ca_bundle: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
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

/// A request ready for the wire: every header is sent as given, nothing is added that
/// was signed differently.
#[derive(Debug)]
pub struct WireRequest {
    /// The method.
    pub method: http::Method,
    /// The URL, path and query percent-encoded as they were signed.
    pub url: reqwest::Url,
    /// Every header, in the order they are sent.
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<Vec<u8>>,
}

/// The HTTP client.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    http: reqwest::Client,
    max_response_bytes: usize,
}

/// An answer whose status and headers arrived, its body not read yet.
#[derive(Debug)]
pub(crate) struct Opened {
    pub(crate) status: u16,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: reqwest::Response,
}

impl Transport {
    pub(crate) fn new(config: &TransportConfig) -> Result<Self, Error> {
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .http1_only()
            .connect_timeout(config.connect_timeout)
            .redirect(reqwest::redirect::Policy::none());
        if let Some(proxy) = &config.proxy {
            let proxy = reqwest::Proxy::https(proxy).map_err(|e| {
                Error::config(format!(
                    "the HTTPS proxy is not a valid URL: {}",
                    e.without_url()
                ))
            })?;
            builder = builder.proxy(proxy);
        }
        if let Some(path) = &config.ca_bundle {
            let pem = std::fs::read(path).map_err(|e| {
                Error::config(format!("cannot read the CA bundle {}: {e}", path.display()))
            })?;
            let certificates = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                Error::config(format!("the CA bundle {} is not PEM: {e}", path.display()))
            })?;
            if certificates.is_empty() {
                return Err(Error::config(format!(
                    "the CA bundle {} holds no certificate",
                    path.display()
                )));
            }
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let http = builder
            .build()
            .map_err(|e| Error::config("cannot build the HTTP client").with_source(e))?;
        Ok(Self {
            http,
            max_response_bytes: config.max_response_bytes,
        })
    }

    /// Sends one attempt and reads its whole answer, which may take at most `timeout` and
    /// may not be larger than the configured limit.
    pub(crate) async fn send(
        &self,
        request: WireRequest,
        timeout: Duration,
    ) -> Result<RawResponse, Error> {
        let wire = self.build(request, Some(timeout))?;
        let response = self.http.execute(wire).await.map_err(transport_error)?;
        self.read(response).await
    }

    /// Sends one attempt and returns as soon as the answer's status and headers arrived
    /// (within `timeout`); the body is read later, as a stream.
    pub(crate) async fn open(
        &self,
        request: WireRequest,
        timeout: Duration,
    ) -> Result<Opened, Error> {
        let wire = self.build(request, None)?;
        let mut response = tokio::time::timeout(timeout, self.http.execute(wire))
            .await
            .map_err(|_| answer_timeout(timeout))?
            .map_err(transport_error)?;
        Ok(Opened {
            status: response.status().as_u16(),
            headers: std::mem::take(response.headers_mut()),
            body: response,
        })
    }

    /// Reads the whole body of an opened answer within `timeout` (an error answer of a
    /// download, which the vendor then reads).
    pub(crate) async fn read_opened(
        &self,
        opened: Opened,
        timeout: Duration,
    ) -> Result<RawResponse, Error> {
        let Opened {
            status,
            headers,
            body,
        } = opened;
        let mut raw = tokio::time::timeout(timeout, self.read(body))
            .await
            .map_err(|_| answer_timeout(timeout))??;
        raw.status = status;
        raw.headers = headers;
        Ok(raw)
    }

    /// The reqwest request of a wire request; `timeout` bounds the whole exchange.
    fn build(
        &self,
        request: WireRequest,
        timeout: Option<Duration>,
    ) -> Result<reqwest::Request, Error> {
        let mut wire = reqwest::Request::new(request.method, request.url);
        *wire.timeout_mut() = timeout;
        let headers = wire.headers_mut();
        // Room for reqwest's default `Accept` too, so that the map never grows (and
        // rehashes) while it is filled.
        headers.reserve(request.headers.len() + 1);
        for (name, value) in request.headers {
            let invalid = |what: &str| {
                Error::new(
                    ErrorKind::Encode,
                    format!("header `{name}` cannot be sent: {what}"),
                )
            };
            let header = http::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid("the name is not an HTTP token"))?;
            // The value's bytes are handed over, not copied.
            let value = http::HeaderValue::from_maybe_shared(bytes::Bytes::from(value))
                .map_err(|_| invalid("the value holds a control character"))?;
            headers.append(header, value);
        }
        *wire.body_mut() = request.body.map(reqwest::Body::from);
        Ok(wire)
    }

    /// Reads an answer's body, refusing one larger than the limit before it is all read
    /// (a declared length over the limit is refused at once).
    async fn read(&self, mut response: reqwest::Response) -> Result<RawResponse, Error> {
        let limit = self.max_response_bytes;
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        if let Some(length) = response.content_length().filter(|n| *n > limit as u64) {
            return Err(too_large(limit, Some(length)));
        }
        let mut body = bytes::BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
            if body.len() + chunk.len() > limit {
                return Err(too_large(limit, None));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(RawResponse {
            status,
            headers,
            body: body.freeze(),
        })
    }
}

/// The error of an answer larger than the limit. The request was sent and answered, so
/// it is not retried.
pub(crate) fn too_large(limit: usize, declared: Option<u64>) -> Error {
    let declared = declared
        .map(|n| format!(" (it declares {n} bytes)"))
        .unwrap_or_default();
    Error::new(
        ErrorKind::ResponseTooLarge,
        format!(
            "the answer is larger than the limit of {limit} bytes{declared}; raise it with `max_response_bytes` if the answer is expected to be this large"
        ),
    )
}

/// The error of an answer that did not arrive within `timeout`.
pub(crate) fn answer_timeout(timeout: Duration) -> Error {
    Error::transport(
        ErrorKind::Timeout,
        format!(
            "the request timed out: no answer within {} s",
            timeout.as_secs_f64()
        ),
        true,
    )
}

pub(crate) fn transport_error(error: reqwest::Error) -> Error {
    // Only a failed connection proves the request did not leave; anything later (a reset,
    // a timeout, a body cut short) may come after the server received it.
    let sent = !error.is_connect();
    let (kind, what) = if error.is_timeout() {
        (ErrorKind::Timeout, "timed out")
    } else if error.is_connect() {
        (ErrorKind::Transport, "could not connect")
    } else if error.is_body() || error.is_decode() {
        (ErrorKind::Transport, "got an incomplete answer")
    } else {
        (ErrorKind::Transport, "failed")
    };
    // The URL is left out: a QingCloud URL carries the access key id and a signature. The
    // reqwest error and the ones under it are the source, not repeated here.
    let error = error.without_url();
    Error::transport(kind, format!("the request {what}"), sent).with_source(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn headers_that_cannot_be_sent_are_named_in_the_error() {
        let transport = Transport::new(&TransportConfig::default()).unwrap();
        for (name, value, reason) in [
            ("X Bad", "v", "the name is not an HTTP token"),
            ("X-Ok", "a\nb", "the value holds a control character"),
        ] {
            let request = WireRequest {
                method: http::Method::GET,
                // Nothing listens there; the request must fail before it is sent.
                url: reqwest::Url::parse("http://127.0.0.1:9/").unwrap(),
                headers: vec![(name.to_owned(), value.to_owned())],
                body: None,
            };
            let error = transport
                .send(request, Duration::from_secs(1))
                .await
                .unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Encode, "{error}");
            let text = error.to_string();
            assert!(text.contains(name) && text.contains(reason), "{text}");
            assert!(!text.contains("a\nb"), "the value is not shown: {text}");
        }
    }

    #[tokio::test]
    async fn a_refused_connection_says_each_level_once() {
        let transport = Transport::new(&TransportConfig::default()).unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        drop(listener);
        let request = WireRequest {
            method: http::Method::GET,
            url: reqwest::Url::parse(&format!("http://{address}/")).unwrap(),
            headers: Vec::new(),
            body: None,
        };
        let error = transport
            .send(request, Duration::from_secs(5))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
        assert_eq!(error.to_string(), "the request could not connect");
        let mut levels = vec![error.to_string()];
        let mut cause = std::error::Error::source(&error);
        while let Some(e) = cause {
            levels.push(e.to_string());
            cause = e.source();
        }
        assert!(levels.len() > 1, "the connection error is kept: {levels:?}");
        for pair in levels.windows(2) {
            assert!(
                !pair[0].contains(&pair[1]),
                "`{}` repeats its cause `{}`",
                pair[0],
                pair[1]
            );
        }
        let report = error.report().to_string();
        assert_eq!(report, levels.join(": "));
        assert!(report.to_lowercase().contains("refused"), "{report}");
    }
}
