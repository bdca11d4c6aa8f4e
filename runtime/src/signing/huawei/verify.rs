//! The gateway side of Huawei Cloud APIG signing: [`verify`] recomputes the signature of a
//! received request the way the gateway does and says precisely what differs. Test servers
//! need it; clients do not, so it is compiled only with the `verify` feature (and in this
//! crate's own tests).

use super::date_of;
use super::{
    canonical_query, find_ignore_case, parse_sdk_date, payload_hash, python_strip,
    CanonicalRequest, HashFunction, SecretKey, SignatureScheme, AUTHORIZATION_HEADER, DATE_HEADER,
    HOST_HEADER,
};
use crate::signing::percent::decode_form_pairs;
use crate::signing::SigningError;

/// What a server received, as [`verify`] needs it.
#[derive(Debug, Clone, Copy)]
pub struct ReceivedRequest<'a> {
    /// The HTTP method.
    pub method: &'a str,
    /// The `Host` header value (or HTTP/2 `:authority`) as received; it is used for the
    /// signed `host` header whatever `headers` holds.
    pub host: &'a str,
    /// The raw path as received, still percent-encoded.
    pub path: &'a str,
    /// The raw query string as received, without `?`; empty if there was none.
    pub query: &'a str,
    /// Every received header, values as UTF-8 text (non-ASCII values decoded as UTF-8).
    pub headers: &'a [(String, String)],
    /// The received body bytes.
    pub body: &'a [u8],
}

/// Checks the signature of a received request the way the gateway recomputes it.
///
/// It parses `Authorization` (algorithm, `Access=` or `Credential=`, `SignedHeaders=`,
/// `Signature=`), decodes the received query (`+` as a space, as form decoders do) and
/// re-canonicalizes it, canonicalizes the
/// received path, takes exactly the signed headers from the received headers, hashes the
/// body (or takes the unsigned-payload marker), and recomputes the signature with
/// `secret_key`. The clock is not checked. All three algorithms are supported.
///
/// # Errors
/// [`SigningError::Malformed`] for a missing or unparsable `Authorization` or a missing
/// `X-Sdk-Date`, [`SigningError::InvalidDate`] for a malformed date,
/// [`SigningError::UnsupportedAlgorithm`], [`SigningError::Mismatch`] for a derived-key
/// scope whose date is not the `X-Sdk-Date`'s, [`SigningError::MissingSignedHeader`],
/// [`SigningError::SignatureMismatch`] with the recomputed canonical request, and
/// [`SigningError::QueryNotCanonical`] when the signature matches but the wire query is
/// not byte-identical to the canonical query our client promises to send.
pub fn verify(received: &ReceivedRequest<'_>, secret_key: &str) -> Result<(), SigningError> {
    let authorization = find_ignore_case(received.headers, AUTHORIZATION_HEADER)
        .ok_or_else(|| SigningError::Malformed("no Authorization header".to_owned()))?;
    let authorization = ParsedAuthorization::parse(authorization)?;
    let date = find_ignore_case(received.headers, DATE_HEADER)
        .ok_or_else(|| SigningError::Malformed("no X-Sdk-Date header".to_owned()))?;
    let date = parse_sdk_date(python_strip(date))?;
    let scheme = authorization.scheme(&date)?;

    let query = canonical_query(&decode_form_pairs(received.query));
    let canonical_request = CanonicalRequest {
        method: received.method,
        path: received.path,
        query: &query,
        headers: received_signed_headers(received, &authorization.signed_headers)?,
        signed_headers: &authorization.signed_headers.join(";"),
        payload_hash: &received_payload_hash(received, scheme.hash()),
    }
    .render();
    let computed = scheme.compute(
        &authorization.access_key,
        SecretKey::Text(secret_key),
        &date,
        &canonical_request,
    );
    if computed.signature != authorization.signature {
        return Err(SigningError::SignatureMismatch {
            received: authorization.signature,
            recomputed: computed.signature,
            canonical: canonical_request,
            string_to_sign: computed.string_to_sign,
        });
    }
    if received.query != query {
        return Err(SigningError::QueryNotCanonical {
            received: received.query.to_owned(),
            canonical: query,
        });
    }
    Ok(())
}

/// The fields of a received `Authorization` header.
struct ParsedAuthorization {
    /// The algorithm name, e.g. `SDK-HMAC-SHA256`.
    algorithm: String,
    /// The access key from `Access=` or from the start of `Credential=`.
    access_key: String,
    /// The scope from `Credential=` (derived-key algorithm only).
    scope: Option<String>,
    /// The names listed in `SignedHeaders=`.
    signed_headers: Vec<String>,
    /// The hex signature from `Signature=`.
    signature: String,
}

impl ParsedAuthorization {
    /// Parses `<ALG> Access=<AK>, SignedHeaders=<a;b>, Signature=<hex>`, or the derived
    /// form with `Credential=<AK>/<scope>`; the fields may come in any order.
    fn parse(value: &str) -> Result<Self, SigningError> {
        let malformed = |what: &str| SigningError::Malformed(format!("Authorization {what}"));
        let (algorithm, fields) = value
            .trim()
            .split_once(' ')
            .ok_or_else(|| malformed("has no fields after the algorithm"))?;
        let mut parsed = Self {
            algorithm: algorithm.to_owned(),
            access_key: String::new(),
            scope: None,
            signed_headers: Vec::new(),
            signature: String::new(),
        };
        for field in fields.split(',').map(str::trim) {
            parsed.apply_field(field)?;
        }
        if parsed.access_key.is_empty() {
            return Err(malformed("has no Access or Credential field"));
        }
        if parsed.signature.is_empty() {
            return Err(malformed("has no Signature field"));
        }
        if parsed.signed_headers.is_empty() {
            return Err(malformed("has no SignedHeaders field"));
        }
        Ok(parsed)
    }

    /// Records one `key=value` field.
    fn apply_field(&mut self, field: &str) -> Result<(), SigningError> {
        let (key, value) = field.split_once('=').ok_or_else(|| {
            SigningError::Malformed(format!("Authorization field `{field}` has no `=`"))
        })?;
        match key {
            "Access" => self.access_key = value.to_owned(),
            "Credential" => {
                let (access_key, scope) = value.split_once('/').unwrap_or((value, ""));
                self.access_key = access_key.to_owned();
                self.scope = Some(scope.to_owned());
            }
            "SignedHeaders" => {
                self.signed_headers = value.split(';').map(str::to_owned).collect();
            }
            "Signature" => self.signature = value.to_owned(),
            other => {
                return Err(SigningError::Malformed(format!(
                    "Authorization has an unknown field `{other}`"
                )))
            }
        }
        Ok(())
    }

    /// The signature scheme the header names, checked against the request's date.
    fn scheme(&self, date: &str) -> Result<SignatureScheme, SigningError> {
        match (self.algorithm.as_str(), &self.scope) {
            ("SDK-HMAC-SHA256", None) => Ok(SignatureScheme::Direct(HashFunction::Sha256)),
            ("SDK-HMAC-SM3", None) => Ok(SignatureScheme::Direct(HashFunction::Sm3)),
            ("V11-HMAC-SHA256", Some(scope)) => derived_scheme(scope, date),
            ("SDK-HMAC-SHA256" | "SDK-HMAC-SM3", Some(_)) => Err(SigningError::Malformed(format!(
                "{} uses Access=, not Credential=",
                self.algorithm
            ))),
            ("V11-HMAC-SHA256", None) => Err(SigningError::Malformed(
                "V11-HMAC-SHA256 uses Credential=, not Access=".to_owned(),
            )),
            (other, _) => Err(SigningError::UnsupportedAlgorithm(other.to_owned())),
        }
    }
}

/// The derived scheme of a received `Credential=` scope, whose date must be `date`'s.
fn derived_scheme(scope: &str, date: &str) -> Result<SignatureScheme, SigningError> {
    let parts: Vec<&str> = scope.split('/').collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
        return Err(SigningError::Malformed(format!(
            "credential scope `{scope}` is not <date>/<region>/<service>"
        )));
    }
    if parts[0] != date_of(date) {
        return Err(SigningError::Mismatch(format!(
            "credential scope date `{}` is not the X-Sdk-Date's `{}`",
            parts[0],
            date_of(date)
        )));
    }
    Ok(SignatureScheme::Derived {
        scope: scope.to_owned(),
    })
}

/// The `(name, trimmed value)` of each signed header of a received request; `host`
/// comes from the received Host value, repeated headers take the last value.
fn received_signed_headers<'a>(
    received: &ReceivedRequest<'a>,
    signed_names: &'a [String],
) -> Result<Vec<(&'a str, &'a str)>, SigningError> {
    signed_names
        .iter()
        .map(|name| {
            let value = if name.eq_ignore_ascii_case(HOST_HEADER) {
                Some(received.host)
            } else {
                received
                    .headers
                    .iter()
                    .rev()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.as_str())
            };
            let value = value.ok_or_else(|| SigningError::MissingSignedHeader(name.clone()))?;
            Ok((name.as_str(), python_strip(value)))
        })
        .collect()
}

/// The payload hash the gateway computes for a received body.
fn received_payload_hash(received: &ReceivedRequest<'_>, hash: HashFunction) -> String {
    let headers: Vec<(String, String)> = received
        .headers
        .iter()
        .map(|(n, v)| (n.clone(), python_strip(v).to_owned()))
        .collect();
    payload_hash(Some(received.body), &headers, hash)
}
