//! The baseline signers: Huawei Cloud `SDK-HMAC-SHA256` and QingCloud signature version 1
//! written the straightforward way, for one well-formed request, with `hmac`, `sha2`,
//! `hex`, `base64` and `percent-encoding`.
//!
//! They know nothing of the runtime's generality (preset dates, unsigned payloads,
//! derived keys, SM3, header validation, intermediate strings kept for tests, JSON
//! flattening); that is the point of a baseline. The signing, request and call
//! benchmarks all use them, which is why they live here rather than in one bench file.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// RFC 3986 unreserved characters stay literal; everything else is `%XX`.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn encode(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// A Huawei Cloud request to sign.
#[derive(Debug, Clone, Copy)]
pub struct HuaweiRequest<'a> {
    /// `GET`, `POST`, ...
    pub method: &'a str,
    /// The `Host` header value.
    pub host: &'a str,
    /// The path, already encoded, without a trailing `/`.
    pub path: &'a str,
    /// Raw query pairs.
    pub query: &'a [(&'a str, &'a str)],
    /// The headers to send, in order; `X-Sdk-Date`, `Host` and `Authorization` are added.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body (empty for none).
    pub body: &'a [u8],
}

/// What [`sign_huawei`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HuaweiSigned {
    /// The query string to send (the canonical query).
    pub query: String,
    /// Every header to send, ending with `Authorization`.
    pub headers: Vec<(String, String)>,
    /// The hex signature.
    pub signature: String,
}

/// Signs `request` with `SDK-HMAC-SHA256` at `now`.
pub fn sign_huawei(
    request: &HuaweiRequest<'_>,
    access_key: &str,
    secret_key: &str,
    now: OffsetDateTime,
) -> HuaweiSigned {
    let date = format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    headers.push(("X-Sdk-Date".to_owned(), date.clone()));
    headers.push(("Host".to_owned(), request.host.to_owned()));

    let mut pairs = request.query.to_vec();
    pairs.sort();
    let query = pairs
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&");

    let mut signed: Vec<(String, &str)> = headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim()))
        .collect();
    signed.sort();
    let canonical_headers: String = signed
        .iter()
        .map(|(name, value)| format!("{name}:{value}\n"))
        .collect();
    let signed_headers = signed
        .iter()
        .map(|(name, _)| name.as_str())
        .collect::<Vec<_>>()
        .join(";");

    let canonical_request = format!(
        "{}\n{}/\n{query}\n{canonical_headers}\n{signed_headers}\n{}",
        request.method,
        request.path,
        hex::encode(Sha256::digest(request.body))
    );
    let string_to_sign = format!(
        "SDK-HMAC-SHA256\n{date}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let signature = hex::encode(hmac_sha256(
        secret_key.as_bytes(),
        string_to_sign.as_bytes(),
    ));
    headers.push((
        "Authorization".to_owned(),
        format!(
            "SDK-HMAC-SHA256 Access={access_key}, SignedHeaders={signed_headers}, Signature={signature}"
        ),
    ));
    HuaweiSigned {
        query,
        headers,
        signature,
    }
}

/// What [`sign_qingcloud`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QingCloudSigned {
    /// The query string to send, ending with `&signature=...`.
    pub query: String,
    /// The base64 signature.
    pub signature: String,
}

/// Signs the already flat action parameters `params` (`action`, `zone` and `req_id`
/// included) with `HmacSHA256` at `now`, for a `GET` of `path`.
pub fn sign_qingcloud(
    path: &str,
    params: &[(&str, &str)],
    access_key_id: &str,
    secret_access_key: &str,
    now: OffsetDateTime,
) -> QingCloudSigned {
    let time_stamp = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    let mut all: Vec<(&str, &str)> = params.to_vec();
    all.extend([
        ("access_key_id", access_key_id),
        ("signature_method", "HmacSHA256"),
        ("signature_version", "1"),
        ("version", "1"),
        ("time_stamp", time_stamp.as_str()),
    ]);
    all.sort();
    let query = all
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&");
    let string_to_sign = format!("GET\n{path}\n{query}");
    let signature = BASE64.encode(hmac_sha256(
        secret_access_key.as_bytes(),
        string_to_sign.as_bytes(),
    ));
    QingCloudSigned {
        query: format!("{query}&signature={}", encode(&signature)),
        signature,
    }
}

/// The baseline GaussDB client of the call benchmarks: reqwest configured like the
/// runtime's transport (HTTP/1.1 only, no redirects), [`sign_huawei`], and `serde_json`
/// into whatever type the caller asks for.
#[derive(Debug)]
pub struct GaussDbClient {
    http: reqwest::Client,
    authority: String,
    user_agent: String,
}

impl GaussDbClient {
    /// A client of the server at `endpoint` (`http://host:port`).
    pub fn new(endpoint: &str) -> Self {
        Self {
            http: reqwest::Client::builder()
                .http1_only()
                .connect_timeout(std::time::Duration::from_secs(60))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("the HTTP client builds"),
            authority: endpoint.trim_start_matches("http://").to_owned(),
            user_agent: "clouddb/0.1.0 huaweicloud-gaussdb-mysql/0.1.0".to_owned(),
        }
    }

    /// `GET /v3.1/{project}/instances?limit=…&offset=0`, signed now, its answer decoded as `T`.
    pub async fn list_instances<T: serde::de::DeserializeOwned>(&self, limit: usize) -> T {
        use crate::gaussdb::{ACCESS_KEY, LANGUAGE, PROJECT_ID, SECRET_KEY};
        let path = format!("/v3.1/{PROJECT_ID}/instances");
        let limit = limit.to_string();
        let query = [("limit", limit.as_str()), ("offset", "0")];
        let headers = [
            ("Content-Type", "application/json"),
            ("User-Agent", self.user_agent.as_str()),
            ("X-Language", LANGUAGE),
            ("X-Project-Id", PROJECT_ID),
        ];
        let signed = sign_huawei(
            &HuaweiRequest {
                method: "GET",
                host: &self.authority,
                path: &path,
                query: &query,
                headers: &headers,
                body: b"",
            },
            ACCESS_KEY,
            SECRET_KEY,
            OffsetDateTime::now_utc(),
        );
        let url = format!("http://{}{path}?{}", self.authority, signed.query);
        self.send(reqwest::Method::GET, &url, &signed.headers).await
    }

    /// Sends a request as given and decodes the answer's body as `T`.
    pub async fn send<T: serde::de::DeserializeOwned>(
        &self,
        method: reqwest::Method,
        url: &str,
        headers: &[(String, String)],
    ) -> T {
        let mut request = self
            .http
            .request(method, url)
            .timeout(std::time::Duration::from_secs(120));
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = request.send().await.expect("the call succeeds");
        assert!(response.status().is_success(), "{}", response.status());
        let body = response.bytes().await.expect("the answer arrives");
        serde_json::from_slice(&body).expect("the answer decodes")
    }
}
