//! Comparing JSON modulo the documented leniency: a string that holds a number or boolean
//! equals that number or boolean, numbers compare by value, `null` equals absent, and a
//! single value equals a list holding just that value (either way).

use serde::Serialize;
use serde_json::Value;

/// Whether `actual` equals `expected` modulo the leniency; the error names the first
/// difference by its path.
pub fn matches_leniently(expected: &Value, actual: &Value) -> Result<(), String> {
    compare(expected, actual, "$")
}

fn compare(expected: &Value, actual: &Value, path: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            let mut keys: Vec<&String> = e.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let left = e.get(key).unwrap_or(&Value::Null);
                let right = a.get(key).unwrap_or(&Value::Null);
                compare(left, right, &format!("{path}.{key}"))?;
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Err(format!(
                    "{path}: expected {} items, got {}",
                    e.len(),
                    a.len()
                ));
            }
            for (i, (left, right)) in e.iter().zip(a).enumerate() {
                compare(left, right, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (single, Value::Array(a)) if a.len() == 1 && !single.is_array() && !single.is_null() => {
            compare(single, &a[0], &format!("{path}[0]"))
        }
        (Value::Array(e), single) if e.len() == 1 && !single.is_array() && !single.is_null() => {
            compare(&e[0], single, &format!("{path}[0]"))
        }
        (Value::Number(e), Value::Number(a)) if e.as_f64() == a.as_f64() => Ok(()),
        (Value::Number(n), Value::String(s)) | (Value::String(s), Value::Number(n))
            if s.trim().parse::<f64>().ok() == n.as_f64() =>
        {
            Ok(())
        }
        (Value::Bool(b), Value::String(s)) | (Value::String(s), Value::Bool(b))
            if s.trim() == b.to_string() =>
        {
            Ok(())
        }
        (e, a) if e == a => Ok(()),
        (e, a) => Err(format!("{path}: expected {e}, got {a}")),
    }
}

/// Asserts that `actual`, encoded as JSON, matches the JSON text `expected` leniently, with
/// the keys of `expected` that are field aliases read as the fields' names.
#[track_caller]
pub fn assert_json_matches<T: Serialize + ?Sized>(actual: &T, expected: Option<&str>) {
    let Some(expected) = expected else {
        return;
    };
    let expected: Value = serde_json::from_str(expected).expect("the expected JSON parses");
    let actual = serde_json::to_value(actual).expect("the value encodes as JSON");
    if let Err(difference) = matches_leniently(&expected, &actual) {
        panic!("decoded answer differs from the example: {difference}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn leniency_rules() {
        assert!(matches_leniently(&json!({"a": 16}), &json!({"a": "16"})).is_ok());
        assert!(matches_leniently(&json!({"a": 1}), &json!({"a": 1.0})).is_ok());
        assert!(matches_leniently(&json!({"a": true}), &json!({"a": "true"})).is_ok());
        assert!(matches_leniently(&json!({"a": null}), &json!({})).is_ok());
        assert!(matches_leniently(&json!({"a": [1, 2]}), &json!({"a": [1, 2]})).is_ok());
    }

    #[test]
    fn differences_are_located() {
        let err = matches_leniently(&json!({"a": {"b": [1, 2]}}), &json!({"a": {"b": [1, 3]}}))
            .unwrap_err();
        assert_eq!(err, "$.a.b[1]: expected 2, got 3");
        let err = matches_leniently(&json!({"a": "x"}), &json!({})).unwrap_err();
        assert_eq!(err, "$.a: expected \"x\", got null");
        assert!(matches_leniently(&json!({"a": "16x"}), &json!({"a": 16})).is_err());
        assert!(matches_leniently(&json!([1]), &json!([1, 2])).is_err());
    }
}
