//! A request that was validated, prepared and signed exactly as a call's attempt would be,
//! but not sent (`dry_run` on the clients), and its rendering with every secret redacted.

use std::fmt;

use serde_json::Value;

use crate::transport::WireRequest;

/// What replaces a secret in a rendering.
const REDACTED: &str = "<redacted>";

/// Headers whose whole value is a credential.
const SECRET_HEADERS: [&str; 2] = ["x-security-token", "x-auth-token"];

/// Query parameters whose value is a credential (QingCloud's signature).
const SECRET_QUERY: [&str; 1] = ["signature"];

/// A signed request, ready for the wire but not sent.
///
/// The accessors return the request exactly as it would be sent, secrets included; the
/// [`Debug`](fmt::Debug) output shows only the method, the URL without its query values,
/// the header names and the body's size, and [`redacted`](Self::redacted) renders the whole
/// request with every credential and every secret field replaced by `<redacted>`.
#[derive(Clone)]
pub struct SignedRequest {
    method: http::Method,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

/// The parameters and body fields of an operation that hold secrets (the spec's
/// `format: password`), for [`SignedRequest::redacted`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SecretFields<'a> {
    /// Wire names of secret query or header parameters; a QingCloud list parameter's
    /// `name.N` and `name.N.field` keys are covered by its name. A query parameter whose
    /// value is JSON text (QingCloud's `service_params`) names its secret fields as a
    /// parameter name followed by a body-style path (`service_params/password`).
    pub params: &'a [&'a str],
    /// Secret fields of the JSON body, as paths of `/`-separated wire names where `*`
    /// stands for every item of a list or value of a map (`/password`, `/users/*/password`).
    pub body: &'a [&'a str],
}

impl SecretFields<'_> {
    /// No secret parameters or body fields (credentials are still redacted).
    pub const NONE: SecretFields<'static> = SecretFields {
        params: &[],
        body: &[],
    };
}

impl SignedRequest {
    pub(crate) fn new(wire: WireRequest) -> Self {
        Self {
            method: wire.method,
            url: wire.url.into(),
            headers: wire.headers,
            body: wire.body,
        }
    }

    /// The HTTP method.
    pub fn method(&self) -> &http::Method {
        &self.method
    }

    /// The whole URL, query included (QingCloud's carries the signature).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The headers, in the order they would be sent (Huawei's carry the signature or the
    /// token).
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The body bytes, if the request has a body.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// The request line, the headers and the body (pretty JSON), with the signature, the
    /// security and auth tokens, and the given secret parameters and body fields redacted.
    pub fn redacted<'a>(&'a self, secrets: &'a SecretFields<'a>) -> Redacted<'a> {
        Redacted {
            request: self,
            secrets,
        }
    }
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (base, query) = split_url(&self.url);
        let names: Vec<&str> = query_pairs(query).map(|(name, _)| name).collect();
        let headers: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("url", &base)
            .field("query_names", &names)
            .field("header_names", &headers)
            .field("body_len", &self.body.as_ref().map(Vec::len))
            .finish()
    }
}

/// A [`SignedRequest`] rendered with its secrets redacted; see [`SignedRequest::redacted`].
pub struct Redacted<'a> {
    request: &'a SignedRequest,
    secrets: &'a SecretFields<'a>,
}

impl fmt::Display for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let request = self.request;
        writeln!(f, "{} {}", request.method, self.url())?;
        for (name, value) in &request.headers {
            writeln!(f, "{name}: {}", self.header_value(name, value))?;
        }
        if let Some(body) = &request.body {
            writeln!(f)?;
            writeln!(f, "{}", self.body(body))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.request, f)
    }
}

impl Redacted<'_> {
    fn is_secret_param(&self, name: &str) -> bool {
        self.secrets.params.iter().any(|secret| {
            name.eq_ignore_ascii_case(secret)
                || name
                    .strip_prefix(secret)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    }

    /// The paths of the secret fields inside the JSON text of the query parameter `name`.
    fn json_param_paths<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.secrets.params.iter().filter_map(move |secret| {
            let (param, path) = secret.split_once('/')?;
            (param == name).then_some(path)
        })
    }

    /// The (still percent-encoded) value of a JSON query parameter with its secret fields
    /// redacted; a value that is not JSON text is redacted whole, since it cannot be searched.
    fn redact_json_param(&self, name: &str, value: &str) -> String {
        let paths: Vec<&str> = self.json_param_paths(name).collect();
        if paths.is_empty() {
            return value.to_owned();
        }
        let text = percent_encoding::percent_decode_str(value).decode_utf8_lossy();
        match serde_json::from_str::<Value>(&text) {
            Ok(mut json) => {
                for path in paths {
                    redact_path(&mut json, &segments(path));
                }
                crate::signing::encode_strict(&json.to_string())
            }
            Err(_) => REDACTED.to_owned(),
        }
    }

    fn url(&self) -> String {
        let (base, query) = split_url(&self.request.url);
        if query.is_empty() {
            return base.to_owned();
        }
        let pairs: Vec<String> = query_pairs(query)
            .map(|(name, value)| {
                let decoded = percent_encoding::percent_decode_str(name).decode_utf8_lossy();
                if SECRET_QUERY.contains(&decoded.as_ref()) || self.is_secret_param(&decoded) {
                    format!("{name}={REDACTED}")
                } else {
                    match value {
                        Some(value) => {
                            format!("{name}={}", self.redact_json_param(&decoded, value))
                        }
                        None => name.to_owned(),
                    }
                }
            })
            .collect();
        format!("{base}?{}", pairs.join("&"))
    }

    fn header_value(&self, name: &str, value: &str) -> String {
        let lower = name.to_ascii_lowercase();
        if lower == "authorization" {
            // `<algorithm> Access=…, SignedHeaders=…, Signature=<hex>`: only the signature is
            // secret; anything of another shape is redacted whole.
            return match value.find("Signature=") {
                Some(at) => format!("{}Signature={REDACTED}", &value[..at]),
                None => REDACTED.to_owned(),
            };
        }
        if SECRET_HEADERS.contains(&lower.as_str()) || self.is_secret_param(name) {
            return REDACTED.to_owned();
        }
        value.to_owned()
    }

    fn body(&self, body: &[u8]) -> String {
        match serde_json::from_slice::<Value>(body) {
            Ok(mut value) => {
                for path in self.secrets.body {
                    redact_path(&mut value, &segments(path));
                }
                serde_json::to_string_pretty(&value)
                    .unwrap_or_else(|_| format!("<{} bytes>", body.len()))
            }
            // Never echo a body that cannot be searched for secrets.
            Err(_) => format!("<{} bytes, not JSON: not shown>", body.len()),
        }
    }
}

/// The `/`-separated names of a secret field's path.
fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// Replaces the value at `segments` (`*`: every list item or map value) with `<redacted>`.
fn redact_path(value: &mut Value, segments: &[&str]) {
    let Some((first, rest)) = segments.split_first() else {
        *value = Value::String(REDACTED.to_owned());
        return;
    };
    match (value, *first) {
        (Value::Array(items), "*") => items.iter_mut().for_each(|v| redact_path(v, rest)),
        (Value::Object(map), "*") => map.values_mut().for_each(|v| redact_path(v, rest)),
        (Value::Object(map), name) => {
            if let Some(v) = map.get_mut(name) {
                redact_path(v, rest);
            }
        }
        // A lenient list of one written as a single value: look inside it too.
        (Value::Array(items), _) => items.iter_mut().for_each(|v| redact_path(v, segments)),
        _ => {}
    }
}

fn split_url(url: &str) -> (&str, &str) {
    url.split_once('?').unwrap_or((url, ""))
}

fn query_pairs(query: &str) -> impl Iterator<Item = (&str, Option<&str>)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (pair, None),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(url: &str, headers: &[(&str, &str)], body: Option<&str>) -> SignedRequest {
        SignedRequest::new(WireRequest {
            method: http::Method::POST,
            url: reqwest::Url::parse(url).expect("a test URL parses"),
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.map(|b| b.as_bytes().to_vec()),
        })
    }

    #[test]
    fn credentials_and_secret_fields_are_redacted() {
        let r = request(
            "https://h/v1/x?access_key_id=AK&signature=SIG%2B1&password.1=P1&password.2=P2&zone=sh1a",
            &[
                (
                    "Authorization",
                    "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=abcdef",
                ),
                ("X-Security-Token", "TOKEN"),
                ("X-Auth-Token", "IAMTOKEN"),
                ("X-Secret-Header", "HEADERSECRET"),
                ("Content-Type", "application/json"),
            ],
            Some(r#"{"name":"n","password":"PW","users":[{"password":"UPW","name":"u"}],"labels":{"a":"LA"}}"#),
        );
        let secrets = SecretFields {
            params: &["password", "X-Secret-Header"],
            body: &["/password", "/users/*/password", "/labels/*"],
        };
        let text = r.redacted(&secrets).to_string();
        for secret in [
            "abcdef",
            "SIG",
            "P1",
            "P2",
            "TOKEN",
            "IAMTOKEN",
            "HEADERSECRET",
            "PW",
            "UPW",
            "LA",
        ] {
            assert!(!text.contains(secret), "{secret} shows in:\n{text}");
        }
        for kept in [
            "POST https://h/v1/x?access_key_id=AK&signature=<redacted>",
            "zone=sh1a",
            "Access=AK, SignedHeaders=host, Signature=<redacted>",
            "Content-Type: application/json",
            "\"name\": \"u\"",
        ] {
            assert!(text.contains(kept), "{kept} missing from:\n{text}");
        }
        let debug = format!("{r:?} {:?}", r.redacted(&secrets));
        for secret in ["abcdef", "SIG", "P1", "TOKEN", "PW", "sh1a"] {
            assert!(!debug.contains(secret), "{secret} shows in {debug}");
        }
        assert!(debug.contains("signature") && debug.contains("Authorization"));
    }

    #[test]
    fn secret_fields_inside_a_json_query_parameter_are_redacted() {
        let params = crate::signing::encode_strict(
            r#"{"user":"u1","password":"Secret-PW1","node_id":"cln-1"}"#,
        );
        let r = request(
            &format!(
                "https://h/iaas/?action=A&service_params={params}&other=%7B%22password%22%3A1%7D"
            ),
            &[],
            None,
        );
        let secrets = SecretFields {
            params: &["service_params/password"],
            body: &[],
        };
        let text = r.redacted(&secrets).to_string();
        assert!(!text.contains("Secret-PW1"), "{text}");
        let decoded = percent_encoding::percent_decode_str(&text).decode_utf8_lossy();
        assert!(
            decoded.contains(
                r#"service_params={"node_id":"cln-1","password":"<redacted>","user":"u1"}"#
            ),
            "{decoded}"
        );
        // Another parameter's field of the same name is not touched.
        assert!(decoded.contains(r#"other={"password":1}"#), "{decoded}");
        // A value that is not JSON cannot be searched, so it is not shown.
        let r = request("https://h/iaas/?service_params=Secret-PW1", &[], None);
        let text = r.redacted(&secrets).to_string();
        assert!(text.contains("service_params=<redacted>"), "{text}");
    }

    #[test]
    fn bodies_that_are_not_json_are_not_shown() {
        let r = request("https://h/", &[], Some("password=PW"));
        let text = r.redacted(&SecretFields::NONE).to_string();
        assert!(!text.contains("PW"), "{text}");
        assert!(text.contains("<11 bytes, not JSON: not shown>"), "{text}");
    }
}
