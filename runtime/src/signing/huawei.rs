//! Huawei Cloud APIG AK/SK signing (`SDK-HMAC-SHA256`, `SDK-HMAC-SM3`, `V11-HMAC-SHA256`)
//! as `huaweicloudsdkcore` 3.1.219 does it, and (with the `verify` feature) the matching
//! verification for test servers.
//!
//! [`sign`] is a pure function of an [`UnsignedRequest`], [`Credentials`], an [`Algorithm`]
//! and a clock reading. It adds the headers the Python SDK adds, in the SDK's order, and
//! returns everything a client sends plus every intermediate string, so that a test can
//! compare each step with the vendor's vectors.
//!
//! With the `verify` feature, `verify` recomputes the signature of a received request the
//! way the gateway does and says precisely what differs (module `verify`). Only test
//! servers need it, so clients are built without it.
//!
//! The wire query is the canonical query: callers must send [`SignedRequest::query`]
//! byte for byte, never re-encode the query with a URL library.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use sm3::Sm3;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

use super::percent::decode_lossy;
use super::{encode_pairs, format_utc, push_encoded_strict, SigningError};

#[cfg(any(test, feature = "verify"))]
mod verify;
#[cfg(any(test, feature = "verify"))]
pub use verify::{verify, ReceivedRequest};

/// Name of the header holding the signing time.
const DATE_HEADER: &str = "X-Sdk-Date";
/// Name of the header the signature goes into.
const AUTHORIZATION_HEADER: &str = "Authorization";
/// Name of the header the client sets to the endpoint's netloc.
const HOST_HEADER: &str = "Host";
/// Name of the header whose value decides the unsigned-payload marker (exact case).
const CONTENT_TYPE_HEADER: &str = "Content-Type";
/// Value of the unsigned-payload marker header, also used as the payload hash.
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// Region a derived-key signature uses with global (domain) credentials.
const GLOBAL_REGION: &str = "globe";

/// A Huawei Cloud AK/SK signing algorithm.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Algorithm {
    /// `SDK-HMAC-SHA256`, the SDK's default: SHA-256 hashes and HMAC-SHA256 with the SK.
    #[default]
    HmacSha256,
    /// `SDK-HMAC-SM3`: the same scheme with SM3 everywhere and `X-Sdk-Content-Sm3`.
    HmacSm3,
    /// `V11-HMAC-SHA256`: HMAC-SHA256 with a key derived from the AK, the SK and the
    /// credential scope `<date>/<region>/<service>`.
    DerivedHmacSha256 {
        /// The derived auth service name, e.g. `gaussdb`.
        service: String,
        /// The region id, e.g. `cn-north-4`; global credentials use `globe` instead.
        region: String,
    },
}

impl Algorithm {
    /// The algorithm's name as it appears in the string to sign and `Authorization`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::HmacSha256 => "SDK-HMAC-SHA256",
            Self::HmacSm3 => "SDK-HMAC-SM3",
            Self::DerivedHmacSha256 { .. } => "V11-HMAC-SHA256",
        }
    }

    /// The hash function of the algorithm.
    fn hash(&self) -> HashFunction {
        match self {
            Self::HmacSm3 => HashFunction::Sm3,
            Self::HmacSha256 | Self::DerivedHmacSha256 { .. } => HashFunction::Sha256,
        }
    }

    /// The unsigned-payload marker header of the algorithm.
    fn content_hash_header(&self) -> &'static str {
        self.hash().content_hash_header()
    }
}

/// The hash function an algorithm uses for the canonical request, the body and the HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HashFunction {
    /// SHA-256.
    Sha256,
    /// SM3 (GB/T 32905-2016).
    Sm3,
}

impl HashFunction {
    /// Lower-case hex digest of `data`.
    fn hex_digest(self, data: &[u8]) -> String {
        match self {
            Self::Sha256 => hex(&Sha256::digest(data)),
            Self::Sm3 => hex(&Sm3::digest(data)),
        }
    }

    /// Lower-case hex HMAC of `message` under `key`.
    fn hex_hmac(self, key: &[u8], message: &[u8]) -> String {
        match self {
            Self::Sha256 => hex(&hmac_sha256(key, message)),
            Self::Sm3 => {
                let mut mac =
                    Hmac::<Sm3>::new_from_slice(key).expect("HMAC accepts keys of any length");
                mac.update(message);
                hex(&mac.finalize().into_bytes())
            }
        }
    }

    /// Lower-case hex digest of the empty string, the payload hash of every request
    /// without a body (a constant, checked against the hash functions in a test).
    fn empty_hex_digest(self) -> &'static str {
        match self {
            Self::Sha256 => "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            Self::Sm3 => "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b",
        }
    }

    /// The unsigned-payload marker header that goes with this hash function.
    fn content_hash_header(self) -> &'static str {
        match self {
            Self::Sha256 => "X-Sdk-Content-Sha256",
            Self::Sm3 => "X-Sdk-Content-Sm3",
        }
    }
}

/// AK/SK credentials, with the optional values the SDK turns into signed headers.
///
/// The `Debug` output never shows the secret key or the security token.
#[derive(Clone)]
pub struct Credentials {
    access_key: String,
    secret_key: String,
    /// HMAC-SHA256 keyed with the secret key, before any message: `SDK-HMAC-SHA256`
    /// signatures start from a copy of it instead of hashing the key into the HMAC pads
    /// again on every request. Boxed: it is 200-odd bytes, and credentials are moved around.
    keyed_sha256: Box<Hmac<Sha256>>,
    security_token: Option<String>,
    project_id: Option<String>,
    domain_id: Option<String>,
}

impl PartialEq for Credentials {
    fn eq(&self, other: &Self) -> bool {
        // `keyed_sha256` is a function of `secret_key`.
        self.access_key == other.access_key
            && self.secret_key == other.secret_key
            && self.security_token == other.security_token
            && self.project_id == other.project_id
            && self.domain_id == other.domain_id
    }
}

impl Eq for Credentials {}

impl Credentials {
    /// Permanent credentials from an access key id and a secret access key.
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        let secret_key = secret_key.into();
        Self {
            access_key: access_key.into(),
            keyed_sha256: Box::new(
                Hmac::<Sha256>::new_from_slice(secret_key.as_bytes())
                    .expect("HMAC accepts keys of any length"),
            ),
            secret_key,
            security_token: None,
            project_id: None,
            domain_id: None,
        }
    }

    /// Temporary credentials: the token is sent, and signed, as `X-Security-Token`.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(token.into());
        self
    }

    /// Regional (basic) credentials: the project id is sent as `X-Project-Id`.
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Global credentials: the domain id is sent as `X-Domain-Id`, and a derived-key
    /// signature uses the region `globe`.
    pub fn with_domain_id(mut self, domain_id: impl Into<String>) -> Self {
        self.domain_id = Some(domain_id.into());
        self
    }

    /// The access key id.
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The project id, if these are regional credentials with a known project.
    pub fn project_id(&self) -> Option<&str> {
        self.project_id.as_deref()
    }

    /// The domain id, if these are global credentials.
    pub fn domain_id(&self) -> Option<&str> {
        self.domain_id.as_deref()
    }

    /// Whether these are global credentials, which sign derived keys for region `globe`.
    fn is_global(&self) -> bool {
        self.domain_id.is_some()
    }

    /// The credential headers the SDK adds before signing, in its order. Empty values are
    /// treated as absent, as the SDK's truthiness checks do.
    fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let candidates = [
            ("X-Project-Id", self.project_id.as_deref()),
            ("X-Domain-Id", self.domain_id.as_deref()),
            ("X-Security-Token", self.security_token.as_deref()),
        ];
        candidates
            .into_iter()
            .filter_map(|(name, value)| value.filter(|v| !v.is_empty()).map(|v| (name, v)))
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .field("project_id", &self.project_id)
            .field("domain_id", &self.domain_id)
            .finish()
    }
}

/// A request as the client built it, before signing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnsignedRequest {
    /// HTTP method, e.g. `GET`; it is upper-cased in the canonical request.
    pub method: String,
    /// The endpoint's netloc as sent, an explicit port kept (`x:443`); it becomes `Host`
    /// unless a `Host` header is already present.
    pub host: String,
    /// The path as it goes on the wire, already percent-encoded, e.g. `/v3/p/instances`.
    pub path: String,
    /// Query parameters as raw, unencoded `(name, value)` pairs; repeated names allowed.
    pub query: Vec<(String, String)>,
    /// Headers in the order they are sent.
    pub headers: Vec<(String, String)>,
    /// The exact body bytes sent, if any.
    pub body: Option<Vec<u8>>,
}

/// Everything [`sign`] produced: what to send, and the intermediate strings.
///
/// The `Debug` output never shows the derived key.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The wire path, unchanged from the input (it does not get the signed trailing `/`).
    pub path: String,
    /// The query string to send, without `?`; it is the canonical query, byte for byte.
    pub query: String,
    /// Every header to send, in order: the input headers (values trimmed), then the added
    /// ones, ending with `Authorization`.
    pub headers: Vec<(String, String)>,
    /// The canonical request that was hashed.
    pub canonical_request: String,
    /// The string the signature is the HMAC of.
    pub string_to_sign: String,
    /// The `;`-joined lower-case names of the signed headers.
    pub signed_headers: String,
    /// The payload hash of the canonical request (`UNSIGNED-PAYLOAD` for marked bodies).
    pub payload_hash: String,
    /// The lower-case hex signature.
    pub signature: String,
    /// The `Authorization` header value.
    pub authorization: String,
    /// The hex derived signing key (`V11-HMAC-SHA256` only). It is a secret.
    pub derived_key_hex: Option<String>,
}

impl SignedRequest {
    /// The request target to send: the wire path, then `?` and the query if there is one.
    pub fn uri(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedRequest")
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("canonical_request", &self.canonical_request)
            .field("string_to_sign", &self.string_to_sign)
            .field("signed_headers", &self.signed_headers)
            .field("payload_hash", &self.payload_hash)
            .field("signature", &self.signature)
            .field("authorization", &self.authorization)
            .field(
                "derived_key_hex",
                &self.derived_key_hex.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// Signs `request` as the Huawei Cloud Python SDK does, with `now` as the clock reading.
///
/// In the SDK's order, it adds the credential headers (`X-Project-Id` or `X-Domain-Id`,
/// then `X-Security-Token`), the unsigned-payload marker when the exact-case
/// `Content-Type` header is not JSON or BSON, `X-Sdk-Date` unless one is preset (any
/// case; it is then reused), and `Host` unless one is present (any case). It then trims
/// every header value, signs, and appends `Authorization`.
///
/// # Errors
/// [`SigningError::AlreadyAuthorized`] if the request already has an `Authorization`
/// header (the SDK would send it unsigned), [`SigningError::InvalidDate`] for a preset
/// `X-Sdk-Date` not in `YYYYMMDDTHHMMSSZ`, and [`SigningError::InvalidHeader`] for a header
/// name that is not an HTTP token or a value with control characters.
pub fn sign(
    request: &UnsignedRequest,
    credentials: &Credentials,
    algorithm: &Algorithm,
    now: OffsetDateTime,
) -> Result<SignedRequest, SigningError> {
    let (mut headers, date) = headers_to_sign(request, credentials, algorithm, now)?;
    let signed_headers = signed_header_names(&headers);
    let query = canonical_query(&request.query);
    let payload_hash = payload_hash(request.body.as_deref(), &headers, algorithm.hash());
    let canonical_request = CanonicalRequest {
        method: &request.method,
        path: &request.path,
        query: &query,
        headers: canonical_header_values(&headers, &signed_headers),
        signed_headers: &signed_headers,
        payload_hash: &payload_hash,
    }
    .render();
    let scheme = SignatureScheme::for_signing(algorithm, credentials, &date);
    let computed = scheme.compute(
        credentials.access_key(),
        SecretKey::Keyed(credentials),
        &date,
        &canonical_request,
    );
    let authorization = scheme.authorization(
        credentials.access_key(),
        &signed_headers,
        &computed.signature,
    );
    headers.push((AUTHORIZATION_HEADER.to_owned(), authorization.clone()));
    Ok(SignedRequest {
        path: request.path.clone(),
        query,
        headers,
        canonical_request,
        string_to_sign: computed.string_to_sign,
        signed_headers,
        payload_hash,
        signature: computed.signature,
        authorization,
        derived_key_hex: computed.derived_key_hex,
    })
}

fn headers_to_sign(
    request: &UnsignedRequest,
    credentials: &Credentials,
    algorithm: &Algorithm,
    now: OffsetDateTime,
) -> Result<(Vec<(String, String)>, String), SigningError> {
    if request
        .headers
        .iter()
        .any(|(n, _)| n == AUTHORIZATION_HEADER)
    {
        return Err(SigningError::AlreadyAuthorized);
    }
    let mut headers = request.headers.clone();
    add_credential_headers(&mut headers, credentials);
    add_unsigned_payload_marker(&mut headers, algorithm);
    let date = add_or_reuse_date(&mut headers, now)?;
    add_host_unless_present(&mut headers, &request.host);
    Ok((trimmed_headers(headers)?, date))
}

/// Sets the credential headers, replacing a header of the same exact name in place, as
/// the SDK's dict assignment does.
fn add_credential_headers(headers: &mut Vec<(String, String)>, credentials: &Credentials) {
    for (name, value) in credentials.headers() {
        set_exact(headers, name, value);
    }
}

/// Adds the unsigned-payload marker when the exact-case `Content-Type` header is present,
/// non-empty, and starts with neither `application/json` nor `application/bson`.
fn add_unsigned_payload_marker(headers: &mut Vec<(String, String)>, algorithm: &Algorithm) {
    let content_type = headers
        .iter()
        .rev()
        .find(|(name, _)| name == CONTENT_TYPE_HEADER)
        .map(|(_, value)| value.as_str());
    let needs_marker = content_type.is_some_and(|ct| {
        !ct.is_empty() && !ct.starts_with("application/json") && !ct.starts_with("application/bson")
    });
    if needs_marker {
        set_exact(headers, algorithm.content_hash_header(), UNSIGNED_PAYLOAD);
    }
}

/// Returns the signing date: a preset `X-Sdk-Date` (any case) reused as is, otherwise
/// `now` in UTC, which is added as `X-Sdk-Date`.
fn add_or_reuse_date(
    headers: &mut Vec<(String, String)>,
    now: OffsetDateTime,
) -> Result<String, SigningError> {
    if let Some(preset) = find_ignore_case(headers, DATE_HEADER) {
        return parse_sdk_date(preset);
    }
    let date = format_utc(now, "", "");
    headers.push((DATE_HEADER.to_owned(), date.clone()));
    Ok(date)
}

/// Adds `Host: <host>` unless a header named `host` in any case is present.
fn add_host_unless_present(headers: &mut Vec<(String, String)>, host: &str) {
    if find_ignore_case(headers, HOST_HEADER).is_none() {
        headers.push((HOST_HEADER.to_owned(), host.to_owned()));
    }
}

/// Trims every header value as Python's `str.strip()` does (the sent value is the trimmed
/// one) and rejects names and values that cannot be sent.
fn trimmed_headers(headers: Vec<(String, String)>) -> Result<Vec<(String, String)>, SigningError> {
    headers
        .into_iter()
        .map(|(name, mut value)| {
            let stripped = python_strip(&value);
            if stripped.len() != value.len() {
                value = stripped.to_owned();
            }
            check_header(&name, &value)?;
            Ok((name, value))
        })
        .collect()
}

/// Checks that `name` is an HTTP token and `value` holds no control character but tab.
fn check_header(name: &str, value: &str) -> Result<(), SigningError> {
    let invalid = |reason: &str| SigningError::InvalidHeader {
        name: name.to_owned(),
        reason: reason.to_owned(),
    };
    if name.is_empty() || !name.bytes().all(is_token_byte) {
        return Err(invalid("the name is not an HTTP token"));
    }
    // The control characters other than tab and the C1 range (U+0080 to U+009F, which
    // travel as UTF-8 bytes above 0x7F and are valid `obs-text`) are U+0000 to U+001F and
    // U+007F: single bytes in UTF-8 that never occur inside a multi-byte character, so
    // the bytes can be checked without decoding the characters.
    if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(invalid("the value holds a control character"));
    }
    Ok(())
}

/// Whether `b` may appear in an HTTP header name (RFC 9110 `tchar`).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The `;`-joined names of the signed headers: every header whose name has no `_`,
/// lower-cased and sorted. Names that differ only in case appear once per header, as in
/// the SDK. Names are HTTP tokens (checked before), so lower-casing is ASCII-only.
fn signed_header_names(headers: &[(String, String)]) -> String {
    let mut names: Vec<&str> = headers
        .iter()
        .map(|(name, _)| name.as_str())
        .filter(|name| !name.contains('_'))
        .collect();
    names.sort_by(|a, b| {
        let a = a.bytes().map(|byte| byte.to_ascii_lowercase());
        a.cmp(b.bytes().map(|byte| byte.to_ascii_lowercase()))
    });
    let mut joined = String::with_capacity(names.iter().map(|name| name.len() + 1).sum());
    for (index, name) in names.into_iter().enumerate() {
        if index > 0 {
            joined.push(';');
        }
        joined.extend(name.chars().map(|c| c.to_ascii_lowercase()));
    }
    joined
}

/// The `(name, value)` lines of the canonical headers, one per name of `signed_headers`
/// (`;`-joined); when several headers share a lower-cased name, the last one's value wins.
fn canonical_header_values<'a>(
    headers: &'a [(String, String)],
    signed_headers: &'a str,
) -> Vec<(&'a str, &'a str)> {
    signed_headers
        .split(';')
        .filter(|name| !name.is_empty())
        .map(|signed| {
            let value = headers
                .iter()
                .rev()
                .find(|(name, _)| name.eq_ignore_ascii_case(signed))
                .map_or("", |(_, value)| value.as_str());
            (signed, value)
        })
        .collect()
}

/// The payload hash: the hash of the empty string for no or an empty body (even with the
/// marker), the marker header's value if present, otherwise the hash of the body bytes.
fn payload_hash(body: Option<&[u8]>, headers: &[(String, String)], hash: HashFunction) -> String {
    match body {
        None | Some([]) => hash.empty_hex_digest().to_owned(),
        Some(bytes) => find_ignore_case(headers, hash.content_hash_header())
            .map(str::to_owned)
            .unwrap_or_else(|| hash.hex_digest(bytes)),
    }
}

/// The canonical query: pairs sorted by raw name then raw value (byte order), each
/// emitted as `enc(name)=enc(value)`, joined with `&`. Repeated names are all kept.
pub(crate) fn canonical_query(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort();
    encode_pairs(sorted.into_iter().map(|(n, v)| (n.as_str(), v.as_str())))
}

/// The canonical URI: the path percent-decoded, split on `/`, each segment re-encoded
/// strictly, joined with `/`, and ending with `/` (which is signed but not sent).
fn canonical_uri(path: &str) -> String {
    let decoded = decode_lossy(path);
    let mut uri = String::with_capacity(decoded.len() + 1);
    for (index, segment) in decoded.split('/').enumerate() {
        if index > 0 {
            uri.push('/');
        }
        push_encoded_strict(&mut uri, segment);
    }
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The parts of a canonical request, before rendering.
struct CanonicalRequest<'a> {
    /// The HTTP method, in any case.
    method: &'a str,
    /// The wire path, which is canonicalized when rendering.
    path: &'a str,
    /// The canonical query.
    query: &'a str,
    /// The `(lower-case name, trimmed value)` of each signed header, in signed order.
    headers: Vec<(&'a str, &'a str)>,
    /// The `;`-joined signed header names.
    signed_headers: &'a str,
    /// The payload hash.
    payload_hash: &'a str,
}

impl CanonicalRequest<'_> {
    /// Renders `METHOD\nURI\nQUERY\nHEADERS\nSIGNED\nHASH`, where HEADERS ends with `\n`.
    fn render(&self) -> String {
        let uri = canonical_uri(self.path);
        let headers_len: usize = self
            .headers
            .iter()
            .map(|(name, value)| name.len() + value.len() + 2)
            .sum();
        let mut out = String::with_capacity(
            self.method.len()
                + uri.len()
                + self.query.len()
                + headers_len
                + self.signed_headers.len()
                + self.payload_hash.len()
                + 5,
        );
        out.push_str(self.method);
        out.make_ascii_uppercase();
        for line in ["\n", &uri, "\n", self.query, "\n"] {
            out.push_str(line);
        }
        for (name, value) in &self.headers {
            out.push_str(name);
            out.push(':');
            out.push_str(value);
            out.push('\n');
        }
        out.push('\n');
        out.push_str(self.signed_headers);
        out.push('\n');
        out.push_str(self.payload_hash);
        out
    }
}

/// An algorithm with its credential scope resolved, ready to compute a signature.
enum SignatureScheme {
    /// `SDK-HMAC-SHA256` or `SDK-HMAC-SM3`: the SK is the HMAC key, there is no scope.
    Direct(HashFunction),
    /// `V11-HMAC-SHA256` with its `<date8>/<region>/<service>` scope.
    Derived {
        /// The credential scope.
        scope: String,
    },
}

/// The secret key a signature is computed with.
#[derive(Clone, Copy)]
enum SecretKey<'a> {
    /// Credentials, whose keyed HMAC-SHA256 state is reused.
    Keyed(&'a Credentials),
    /// A key given as text (verifying).
    #[cfg(any(test, feature = "verify"))]
    Text(&'a str),
}

impl SecretKey<'_> {
    /// The key's text.
    fn text(&self) -> &str {
        match self {
            Self::Keyed(credentials) => &credentials.secret_key,
            #[cfg(any(test, feature = "verify"))]
            Self::Text(text) => text,
        }
    }
}

/// The outputs of a signature computation.
struct ComputedSignature {
    /// The string to sign.
    string_to_sign: String,
    /// The lower-case hex signature.
    signature: String,
    /// The hex derived key (derived scheme only).
    derived_key_hex: Option<String>,
}

impl SignatureScheme {
    /// The scheme of `algorithm` for a request signed at `date` with `credentials`.
    fn for_signing(algorithm: &Algorithm, credentials: &Credentials, date: &str) -> Self {
        match algorithm {
            Algorithm::HmacSha256 | Algorithm::HmacSm3 => Self::Direct(algorithm.hash()),
            Algorithm::DerivedHmacSha256 { service, region } => {
                let region = if credentials.is_global() {
                    GLOBAL_REGION
                } else {
                    region.as_str()
                };
                Self::Derived {
                    scope: format!("{}/{region}/{service}", date_of(date)),
                }
            }
        }
    }

    /// The algorithm's name.
    fn name(&self) -> &'static str {
        match self {
            Self::Direct(HashFunction::Sha256) => Algorithm::HmacSha256.name(),
            Self::Direct(HashFunction::Sm3) => Algorithm::HmacSm3.name(),
            Self::Derived { .. } => "V11-HMAC-SHA256",
        }
    }

    /// The hash function of the scheme.
    fn hash(&self) -> HashFunction {
        match self {
            Self::Direct(hash) => *hash,
            Self::Derived { .. } => HashFunction::Sha256,
        }
    }

    /// Computes the string to sign and the signature of `canonical_request`.
    fn compute(
        &self,
        access_key: &str,
        secret_key: SecretKey<'_>,
        date: &str,
        canonical_request: &str,
    ) -> ComputedSignature {
        let hash = self.hash();
        let request_hash = hash.hex_digest(canonical_request.as_bytes());
        match self {
            Self::Direct(_) => {
                let string_to_sign = format!("{}\n{date}\n{request_hash}", self.name());
                let signature = match (hash, secret_key) {
                    (HashFunction::Sha256, SecretKey::Keyed(credentials)) => {
                        // A copy of the state on the stack, not of the box.
                        let mut mac = Hmac::<Sha256>::clone(&credentials.keyed_sha256);
                        mac.update(string_to_sign.as_bytes());
                        hex(&mac.finalize().into_bytes())
                    }
                    _ => hash.hex_hmac(secret_key.text().as_bytes(), string_to_sign.as_bytes()),
                };
                ComputedSignature {
                    string_to_sign,
                    signature,
                    derived_key_hex: None,
                }
            }
            Self::Derived { scope } => {
                let string_to_sign = format!("{}\n{date}\n{scope}\n{request_hash}", self.name());
                let key = derive_key_hex(access_key, secret_key.text(), scope);
                let signature = hash.hex_hmac(key.as_bytes(), string_to_sign.as_bytes());
                ComputedSignature {
                    string_to_sign,
                    signature,
                    derived_key_hex: Some(key),
                }
            }
        }
    }

    /// The `Authorization` header value.
    fn authorization(&self, access_key: &str, signed_headers: &str, signature: &str) -> String {
        let credential = match self {
            Self::Direct(_) => format!("Access={access_key}"),
            Self::Derived { scope } => format!("Credential={access_key}/{scope}"),
        };
        format!(
            "{} {credential}, SignedHeaders={signed_headers}, Signature={signature}",
            self.name()
        )
    }
}

/// The V11 derived key, as hex: HKDF-SHA256 with the AK as salt, the SK as input key
/// material, the scope as info and one output block. Its hex text is the HMAC key.
fn derive_key_hex(access_key: &str, secret_key: &str, scope: &str) -> String {
    let pseudo_random_key = hmac_sha256(access_key.as_bytes(), secret_key.as_bytes());
    let mut info = scope.as_bytes().to_vec();
    info.push(0x01);
    hex(&hmac_sha256(&pseudo_random_key, &info))
}

/// The raw HMAC-SHA256 of `message` under `key`.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// The first value of the header named `name` in any case.
fn find_ignore_case<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Sets the header named exactly `name`: the first such header gets `value`, or a new
/// header is appended, as assigning to a Python dict key does.
pub(crate) fn set_exact(headers: &mut Vec<(String, String)>, name: &str, value: &str) {
    match headers.iter_mut().find(|(n, _)| n == name) {
        Some((_, existing)) => *existing = value.to_owned(),
        None => headers.push((name.to_owned(), value.to_owned())),
    }
}

/// Trims `s` at both ends as Python's `str.strip()` does: Unicode whitespace plus the
/// separators `\x1c` to `\x1f`, which Rust's `trim` keeps.
fn python_strip(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || ('\x1c'..='\x1f').contains(&c))
}

/// Checks that `value` is a valid `YYYYMMDDTHHMMSSZ` date and returns it.
fn parse_sdk_date(value: &str) -> Result<String, SigningError> {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    let well_formed = value.len() == 16 && PrimitiveDateTime::parse(value, format).is_ok();
    if well_formed {
        Ok(value.to_owned())
    } else {
        Err(SigningError::InvalidDate(value.to_owned()))
    }
}

/// The `YYYYMMDD` part of a `YYYYMMDDTHHMMSSZ` date.
fn date_of(date: &str) -> &str {
    date.get(..8).unwrap_or(date)
}

/// Lower-case hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    // A table rather than `write!("{b:02x}")`: a signature takes three of these, and
    // formatting byte by byte made them nearly a quarter of the time of signing a request.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = Vec::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)]);
        out.push(DIGITS[usize::from(byte & 0x0f)]);
    }
    // Hex digits are ASCII, so this never falls back.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const EMPTY_SM3: &str = "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b";

    fn request(method: &str, path: &str) -> UnsignedRequest {
        UnsignedRequest {
            method: method.to_owned(),
            host: "dws.example:8443".to_owned(),
            path: path.to_owned(),
            ..UnsignedRequest::default()
        }
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn credentials() -> Credentials {
        Credentials::new("AK", "SK")
    }

    fn sign_now(request: &UnsignedRequest, algorithm: &Algorithm) -> SignedRequest {
        sign(
            request,
            &credentials(),
            algorithm,
            datetime!(2024-01-02 03:04:05 UTC),
        )
        .expect("the test request is valid")
    }

    fn header<'a>(signed: &'a SignedRequest, name: &str) -> Option<&'a str> {
        find_ignore_case(&signed.headers, name)
    }

    #[test]
    fn empty_payload_hashes_are_the_digests_of_nothing() {
        for hash in [HashFunction::Sha256, HashFunction::Sm3] {
            assert_eq!(hash.empty_hex_digest(), hash.hex_digest(b""));
        }
        assert_eq!(HashFunction::Sha256.empty_hex_digest(), EMPTY_SHA256);
        assert_eq!(HashFunction::Sm3.empty_hex_digest(), EMPTY_SM3);
    }

    #[test]
    fn canonical_query_sorts_raw_names_byte_wise() {
        let query = pairs(&[
            ("nodes.2", "b"),
            ("nodes.10", "a"),
            ("a:", "x"),
            ("a0", "y"),
        ]);
        assert_eq!(
            canonical_query(&query),
            "a0=y&a%3A=x&nodes.10=a&nodes.2=b",
            "raw `a0` sorts before `a:`, and `nodes.10` before `nodes.2`"
        );
    }

    #[test]
    fn canonical_query_sorts_upper_case_first_and_keeps_repeats() {
        let query = pairs(&[
            ("name", "1"),
            ("a", ""),
            ("Name", "2"),
            ("a", "z"),
            ("a", "b"),
        ]);
        assert_eq!(canonical_query(&query), "Name=2&a=&a=b&a=z&name=1");
    }

    #[test]
    fn canonical_query_encodes_strictly() {
        let query = pairs(&[("k*", "a b+c/d~")]);
        assert_eq!(canonical_query(&query), "k%2A=a%20b%2Bc%2Fd~");
    }

    #[test]
    fn header_values_refuse_exactly_the_controls_other_than_tab_and_c1() {
        for c in (0..=0x10ffff_u32).filter_map(char::from_u32) {
            let refused = c.is_control() && c != '\t' && !('\u{80}'..='\u{9f}').contains(&c);
            let value = format!("a{c}b");
            assert_eq!(check_header("X-Test", &value).is_err(), refused, "{:?}", c);
        }
    }

    #[test]
    fn canonical_uri_appends_a_slash_and_reencodes_segments() {
        assert_eq!(canonical_uri("/v3/p/instances"), "/v3/p/instances/");
        assert_eq!(canonical_uri("/v3/p/instances/"), "/v3/p/instances/");
        assert_eq!(canonical_uri("/a//b/%25"), "/a//b/%25/");
        assert_eq!(canonical_uri("/job/%2F%2C/"), "/job//%2C/");
        assert_eq!(canonical_uri("/x/%7B%2F%60i*"), "/x/%7B/%60i%2A/");
        assert_eq!(canonical_uri(""), "/");
    }

    #[test]
    fn trailing_slash_is_signed_but_not_sent() {
        let signed = sign_now(&request("GET", "/v3/p/instances"), &Algorithm::default());
        assert_eq!(signed.uri(), "/v3/p/instances");
        assert!(signed
            .canonical_request
            .starts_with("GET\n/v3/p/instances/\n\n"));
    }

    #[test]
    fn host_keeps_an_explicit_port() {
        let mut req = request("GET", "/");
        req.host = "x:443".to_owned();
        let signed = sign_now(&req, &Algorithm::default());
        assert_eq!(header(&signed, "Host"), Some("x:443"));
        assert!(signed.canonical_request.contains("\nhost:x:443\n"));
    }

    #[test]
    fn preset_host_in_any_case_is_kept() {
        let mut req = request("GET", "/");
        req.headers = pairs(&[("host", "other:8443")]);
        let signed = sign_now(&req, &Algorithm::default());
        let hosts: Vec<_> = signed
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("host"))
            .collect();
        assert_eq!(hosts, [&("host".to_owned(), "other:8443".to_owned())]);
    }

    #[test]
    fn empty_body_hashes_the_empty_string_even_with_the_marker() {
        let mut req = request("POST", "/");
        req.headers = pairs(&[("Content-Type", "text/plain")]);
        req.body = Some(Vec::new());
        let signed = sign_now(&req, &Algorithm::default());
        assert_eq!(
            header(&signed, "X-Sdk-Content-Sha256"),
            Some(UNSIGNED_PAYLOAD)
        );
        assert_eq!(signed.payload_hash, EMPTY_SHA256);

        let signed = sign_now(&req, &Algorithm::HmacSm3);
        assert_eq!(header(&signed, "X-Sdk-Content-Sm3"), Some(UNSIGNED_PAYLOAD));
        assert_eq!(signed.payload_hash, EMPTY_SM3);
    }

    #[test]
    fn non_json_body_is_unsigned_payload() {
        let mut req = request("POST", "/");
        req.headers = pairs(&[("Content-Type", "Application/JSON")]);
        req.body = Some(b"{}".to_vec());
        let signed = sign_now(&req, &Algorithm::default());
        assert_eq!(signed.payload_hash, UNSIGNED_PAYLOAD);
        assert!(signed.signed_headers.contains("x-sdk-content-sha256"));
    }

    #[test]
    fn json_body_is_hashed() {
        let mut req = request("POST", "/");
        req.headers = pairs(&[("Content-Type", "application/json;charset=utf-8")]);
        req.body = Some(b"{}".to_vec());
        let signed = sign_now(&req, &Algorithm::default());
        assert_eq!(
            signed.payload_hash,
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        assert_eq!(header(&signed, "X-Sdk-Content-Sha256"), None);
    }

    #[test]
    fn lower_case_content_type_key_gets_no_marker() {
        let mut req = request("POST", "/");
        req.headers = pairs(&[("content-type", "text/plain")]);
        req.body = Some(b"x".to_vec());
        let signed = sign_now(&req, &Algorithm::default());
        assert_eq!(header(&signed, "X-Sdk-Content-Sha256"), None);
        assert_eq!(signed.payload_hash, HashFunction::Sha256.hex_digest(b"x"));
    }

    #[test]
    fn preset_date_in_any_case_is_reused() {
        let mut req = request("GET", "/");
        req.headers = pairs(&[("x-sdk-date", "20240215T231009Z")]);
        let signed = sign_now(&req, &Algorithm::default());
        assert!(signed.string_to_sign.contains("\n20240215T231009Z\n"));
        let dates = signed
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(DATE_HEADER))
            .count();
        assert_eq!(dates, 1);
    }

    #[test]
    fn malformed_preset_date_is_an_error() {
        let mut req = request("GET", "/");
        req.headers = pairs(&[("X-Sdk-Date", "2024-02-15T23:10:09Z")]);
        let result = sign(
            &req,
            &credentials(),
            &Algorithm::default(),
            OffsetDateTime::UNIX_EPOCH,
        );
        assert_eq!(
            result,
            Err(SigningError::InvalidDate("2024-02-15T23:10:09Z".to_owned()))
        );
    }

    #[test]
    fn clock_is_converted_to_utc() {
        let now = datetime!(2024-01-02 11:04:05 +08:00);
        let signed = sign(
            &request("GET", "/"),
            &credentials(),
            &Algorithm::default(),
            now,
        )
        .expect("valid request");
        assert_eq!(header(&signed, DATE_HEADER), Some("20240102T030405Z"));
    }

    #[test]
    fn header_values_are_trimmed_like_python_strip() {
        let mut req = request("GET", "/");
        req.headers = pairs(&[("X-A", "\x1c in  ner \u{a0}\t"), ("X_Trace", " t ")]);
        let signed = sign_now(&req, &Algorithm::default());
        assert_eq!(header(&signed, "X-A"), Some("in  ner"));
        assert_eq!(header(&signed, "X_Trace"), Some("t"));
        assert!(signed.canonical_request.contains("\nx-a:in  ner\n"));
    }

    #[test]
    fn underscore_headers_are_sent_but_not_signed() {
        let mut req = request("GET", "/");
        req.headers = pairs(&[("X_Trace_Id", "abc"), ("X-UPPER-Case", "V")]);
        let signed = sign_now(&req, &Algorithm::default());
        assert_eq!(signed.signed_headers, "host;x-sdk-date;x-upper-case");
        assert_eq!(header(&signed, "X_Trace_Id"), Some("abc"));
    }

    #[test]
    fn last_duplicate_wins_in_canonical_headers() {
        let mut req = request("GET", "/");
        req.headers = pairs(&[("X-A", "first"), ("x-a", "second")]);
        let signed = sign_now(&req, &Algorithm::default());
        assert!(signed
            .canonical_request
            .contains("\nx-a:second\nx-a:second\n"));
    }

    #[test]
    fn credential_headers_come_first_in_sdk_order() {
        let creds = credentials().with_project_id("p").with_security_token("t");
        let mut req = request("POST", "/");
        req.headers = pairs(&[("Content-Type", "text/plain")]);
        let signed = sign(
            &req,
            &creds,
            &Algorithm::default(),
            OffsetDateTime::UNIX_EPOCH,
        )
        .expect("valid request");
        let names: Vec<&str> = signed.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "X-Project-Id",
                "X-Security-Token",
                "X-Sdk-Content-Sha256",
                "X-Sdk-Date",
                "Host",
                "Authorization"
            ]
        );
    }

    #[test]
    fn authorization_formats() {
        let signed = sign_now(&request("GET", "/"), &Algorithm::default());
        assert_eq!(
            signed.authorization,
            format!(
                "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature={}",
                signed.signature
            )
        );
        let v11 = Algorithm::DerivedHmacSha256 {
            service: "dws".to_owned(),
            region: "cn-north-4".to_owned(),
        };
        let signed = sign_now(&request("GET", "/"), &v11);
        assert!(signed
            .authorization
            .starts_with("V11-HMAC-SHA256 Credential=AK/20240102/cn-north-4/dws, "));
        assert!(signed.derived_key_hex.is_some());
    }

    #[test]
    fn global_credentials_use_region_globe() {
        let v11 = Algorithm::DerivedHmacSha256 {
            service: "iam".to_owned(),
            region: "cn-north-4".to_owned(),
        };
        let creds = credentials().with_domain_id("d");
        let signed = sign(
            &request("GET", "/"),
            &creds,
            &v11,
            OffsetDateTime::UNIX_EPOCH,
        )
        .expect("valid request");
        assert!(signed.string_to_sign.contains("\n19700101/globe/iam\n"));
        assert_eq!(header(&signed, "X-Domain-Id"), Some("d"));
    }

    #[test]
    fn preset_authorization_is_refused() {
        let mut req = request("GET", "/");
        req.headers = pairs(&[("Authorization", "Bearer x")]);
        let result = sign(
            &req,
            &credentials(),
            &Algorithm::default(),
            OffsetDateTime::UNIX_EPOCH,
        );
        assert_eq!(result, Err(SigningError::AlreadyAuthorized));
    }

    #[test]
    fn control_characters_in_values_are_refused() {
        let mut req = request("GET", "/");
        req.headers = pairs(&[("X-A", "a\r\nb")]);
        let result = sign(
            &req,
            &credentials(),
            &Algorithm::default(),
            OffsetDateTime::UNIX_EPOCH,
        );
        assert!(matches!(result, Err(SigningError::InvalidHeader { name, .. }) if name == "X-A"));
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let creds = Credentials::new("AK", "TOP-SECRET").with_security_token("TOKEN-SECRET");
        let debug = format!("{creds:?}");
        assert!(!debug.contains("TOP-SECRET") && !debug.contains("TOKEN-SECRET"));
        let v11 = Algorithm::DerivedHmacSha256 {
            service: "dws".to_owned(),
            region: "r".to_owned(),
        };
        let signed = sign(
            &request("GET", "/"),
            &creds,
            &v11,
            OffsetDateTime::UNIX_EPOCH,
        )
        .expect("valid request");
        let key = signed
            .derived_key_hex
            .clone()
            .expect("V11 has a derived key");
        assert!(!format!("{signed:?}").contains(&key));
    }

    fn received<'a>(signed: &'a SignedRequest, body: &'a [u8]) -> ReceivedRequest<'a> {
        ReceivedRequest {
            method: "POST",
            host: "dws.example:8443",
            path: &signed.path,
            query: &signed.query,
            headers: &signed.headers,
            body,
        }
    }

    fn signed_post(algorithm: &Algorithm) -> SignedRequest {
        let mut req = request("POST", "/v1/a%20b");
        req.query = pairs(&[("k", "v w"), ("a", "*")]);
        req.headers = pairs(&[("Content-Type", "application/json")]);
        req.body = Some(b"{\"a\":1}".to_vec());
        sign_now(&req, algorithm)
    }

    #[test]
    fn credentials_compare_by_their_values_and_never_show_the_secret() {
        let credentials = Credentials::new("AK", "s3cr3t-key");
        assert_eq!(credentials, Credentials::new("AK", "s3cr3t-key"));
        assert_ne!(credentials, Credentials::new("AK", "other-key"));
        assert_ne!(
            credentials,
            Credentials::new("AK", "s3cr3t-key").with_project_id("p")
        );
        let shown = format!("{credentials:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }

    #[test]
    fn verify_accepts_what_sign_produced() {
        let v11 = Algorithm::DerivedHmacSha256 {
            service: "dws".to_owned(),
            region: "r".to_owned(),
        };
        for algorithm in [Algorithm::HmacSha256, Algorithm::HmacSm3, v11] {
            let signed = signed_post(&algorithm);
            assert_eq!(verify(&received(&signed, b"{\"a\":1}"), "SK"), Ok(()));
        }
    }

    #[test]
    fn verify_rejects_a_changed_body_with_the_canonical_request() {
        let signed = signed_post(&Algorithm::default());
        let error = verify(&received(&signed, b"{\"a\":2}"), "SK").expect_err("body changed");
        match error {
            SigningError::SignatureMismatch { canonical, .. } => {
                assert!(canonical.starts_with("POST\n/v1/a%20b/\na=%2A&k=v%20w\n"));
            }
            other => panic!("unexpected error {other:?}"),
        }
    }

    #[test]
    fn verify_rejects_a_wrong_secret_without_showing_it() {
        let signed = signed_post(&Algorithm::default());
        let error = verify(&received(&signed, b"{\"a\":1}"), "WRONG-SECRET").expect_err("bad key");
        assert!(!error.to_string().contains("WRONG-SECRET"));
    }

    #[test]
    fn verify_rejects_a_non_canonical_wire_query() {
        let signed = signed_post(&Algorithm::default());
        let mut rec = received(&signed, b"{\"a\":1}");
        rec.query = "k=v+w&a=%2a";
        assert_eq!(
            verify(&rec, "SK"),
            Err(SigningError::QueryNotCanonical {
                received: "k=v+w&a=%2a".to_owned(),
                canonical: "a=%2A&k=v%20w".to_owned(),
            })
        );
    }

    #[test]
    fn verify_reports_a_missing_signed_header() {
        let signed = signed_post(&Algorithm::default());
        let headers: Vec<(String, String)> = signed
            .headers
            .iter()
            .filter(|(n, _)| n != "Content-Type")
            .cloned()
            .collect();
        let mut rec = received(&signed, b"{\"a\":1}");
        rec.headers = &headers;
        assert_eq!(
            verify(&rec, "SK"),
            Err(SigningError::MissingSignedHeader("content-type".to_owned()))
        );
    }

    #[test]
    fn verify_reports_a_missing_authorization() {
        let signed = signed_post(&Algorithm::default());
        let headers: Vec<(String, String)> = signed.headers[..signed.headers.len() - 1].to_vec();
        let mut rec = received(&signed, b"{\"a\":1}");
        rec.headers = &headers;
        assert!(matches!(
            verify(&rec, "SK"),
            Err(SigningError::Malformed(_))
        ));
    }

    #[test]
    fn verify_reports_an_unknown_algorithm() {
        let headers = pairs(&[
            (
                "Authorization",
                "SDK-ECDSA-P256-SHA256 Access=AK, SignedHeaders=host, Signature=00",
            ),
            ("X-Sdk-Date", "20240102T030405Z"),
        ]);
        let rec = ReceivedRequest {
            method: "GET",
            host: "h",
            path: "/",
            query: "",
            headers: &headers,
            body: b"",
        };
        assert_eq!(
            verify(&rec, "SK"),
            Err(SigningError::UnsupportedAlgorithm(
                "SDK-ECDSA-P256-SHA256".to_owned()
            ))
        );
    }
}
