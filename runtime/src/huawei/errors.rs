//! Reading a Huawei Cloud error answer: its request id, and the error code and message in
//! whichever of the services' error shapes the body has.

use serde_json::Value;

use crate::error::ApiError;
use crate::operation::RawResponse;

/// The request id of an answer (`X-Request-Id`).
pub(super) fn request_id(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The error of a non-2xx answer, from whichever error shape the body has.
pub(super) fn api_error(raw: &RawResponse) -> ApiError {
    let body = String::from_utf8_lossy(&raw.body).into_owned();
    let parsed: Option<Value> = serde_json::from_slice(&raw.body).ok();
    let (code, message) = parsed
        .as_ref()
        .map(find_error_fields)
        .unwrap_or((None, None));
    let structured = code.is_some() || message.is_some();
    ApiError::new(
        raw.status,
        code,
        message,
        request_id(&raw.headers),
        body,
        structured,
    )
}

/// The error code and message of a Huawei error body: `error_code`/`error_msg`,
/// `errorCode`/`errorMsg`, `code`/`message`, `errCode`/`externalMessage`, at the top
/// level or one object deeper (`{"error": {"code", "message"}}`).
fn find_error_fields(body: &Value) -> (Option<String>, Option<String>) {
    const PAIRS: [(&str, &str); 4] = [
        ("error_code", "error_msg"),
        ("errorCode", "errorMsg"),
        ("code", "message"),
        ("errCode", "externalMessage"),
    ];
    let Value::Object(map) = body else {
        return (None, None);
    };
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    for (code_key, message_key) in PAIRS {
        let code = map.get(code_key).and_then(text);
        let message = map.get(message_key).and_then(text);
        if code.is_some() || message.is_some() {
            return (code, message);
        }
    }
    map.values()
        .filter(|v| v.is_object())
        .map(find_error_fields)
        .find(|(c, m)| c.is_some() || m.is_some())
        .unwrap_or((None, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn error_fields_in_every_vendor_shape() {
        let cases = [
            (
                json!({"error_code": "DBS.1", "error_msg": "m"}),
                Some("DBS.1"),
                Some("m"),
            ),
            (
                json!({"errorCode": "E", "errorMsg": "m"}),
                Some("E"),
                Some("m"),
            ),
            (
                json!({"error": {"code": "APIGW.0301", "message": "m"}}),
                Some("APIGW.0301"),
                Some("m"),
            ),
            (
                json!({"errCode": "CSS.0001", "externalMessage": "m"}),
                Some("CSS.0001"),
                Some("m"),
            ),
            (json!({"code": 401}), Some("401"), None),
            (json!({"other": 1}), None, None),
            (json!([1]), None, None),
        ];
        for (body, code, message) in cases {
            let (c, m) = find_error_fields(&body);
            assert_eq!((c.as_deref(), m.as_deref()), (code, message), "{body}");
        }
    }
}
