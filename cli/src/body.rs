//! Request bodies: read from `--body '<json>'` or `--body-file PATH` (`-` for standard
//! input) and decoded into the operation's body type. A body that does not decode is a
//! usage error that says where (serde's path) and why, without quoting a secret field.

use std::io::Read;

use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;

use crate::exit::Failure;

/// Where the body comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source<'a> {
    /// `--body '<json>'`.
    Text(&'a str),
    /// `--body-file PATH`; `-` is standard input.
    File(&'a str),
}

impl Source<'_> {
    fn flag(&self) -> &'static str {
        match self {
            Source::Text(_) => "--body",
            Source::File(_) => "--body-file",
        }
    }

    fn read(&self) -> Result<String, Failure> {
        match self {
            Source::Text(text) => Ok((*text).to_owned()),
            Source::File("-") => {
                let mut text = String::new();
                std::io::stdin().read_to_string(&mut text).map_err(|e| {
                    Failure::usage(format!("cannot read the body from standard input: {e}"))
                })?;
                Ok(text)
            }
            Source::File(path) => std::fs::read_to_string(path)
                .map_err(|e| Failure::usage(format!("cannot read the body file {path}: {e}"))),
        }
    }
}

/// Reads the body and decodes it into `T`; `secrets` are the body's secret fields
/// ([`SecretFields::body`](clouddb_runtime::SecretFields::body) paths).
pub(crate) fn decode<T: DeserializeOwned>(
    source: Source<'_>,
    secrets: &[&str],
) -> Result<T, Failure> {
    let text = source.read()?;
    decode_text(&text, source.flag(), secrets)
}

/// Decodes a JSON value built from `what` (the flags it came from) into `T`; `hint` names
/// the flag of a field by its wire path, for a missing required field.
pub(crate) fn decode_value<T: DeserializeOwned>(
    value: serde_json::Value,
    what: &str,
    secrets: &[&str],
    hint: &dyn Fn(&[&str]) -> Option<String>,
) -> Result<T, Failure> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path();
        let why = if is_secret(path, secrets) {
            "the value does not fit (not shown: the field is a secret)".to_owned()
        } else {
            error.inner().to_string()
        };
        let at = match path.to_string().as_str() {
            "." => String::new(),
            path => format!(" at `{path}`"),
        };
        let mut wires: Vec<&str> = path
            .iter()
            .filter_map(|segment| match segment {
                Segment::Map { key } => Some(key.as_str()),
                _ => None,
            })
            .collect();
        let missing = why
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next());
        let flag = missing.and_then(|field| {
            wires.push(field);
            hint(&wires)
        });
        let give = flag
            .map(|flag| format!(" (give {flag})"))
            .unwrap_or_default();
        Failure::usage(format!("{what} do not decode{at}: {why}{give}"))
    })
}

/// Decodes JSON text given with `flag` into `T`.
pub(crate) fn decode_text<T: DeserializeOwned>(
    text: &str,
    flag: &str,
    secrets: &[&str],
) -> Result<T, Failure> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let decoded = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path();
        let why = if is_secret(path, secrets) {
            "the value does not fit (not shown: the field is a secret)".to_owned()
        } else {
            error.inner().to_string()
        };
        let at = match path.to_string().as_str() {
            "." => String::new(),
            path => format!(" at `{path}`"),
        };
        Failure::usage(format!(
            "the JSON given with {flag} does not decode{at}: {why}"
        ))
    })?;
    deserializer
        .end()
        .map_err(|e| Failure::usage(format!("the JSON given with {flag} does not decode: {e}")))?;
    Ok(decoded)
}

/// Whether a path lies in one of the secret fields (`/users/*/password`; `*` stands for
/// any list item or map value).
fn is_secret(path: &serde_path_to_error::Path, secrets: &[&str]) -> bool {
    let segments: Vec<&Segment> = path.iter().collect();
    secrets.iter().any(|secret| {
        let pattern: Vec<&str> = secret.split('/').filter(|s| !s.is_empty()).collect();
        pattern.len() <= segments.len()
            && pattern
                .iter()
                .zip(&segments)
                .all(|(want, got)| match (want, got) {
                    (&"*", Segment::Seq { .. } | Segment::Map { .. }) => true,
                    (name, Segment::Map { key }) => key == name,
                    _ => false,
                })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct User {
        name: String,
        password: String,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        users: Vec<User>,
        size: i32,
    }

    fn error(text: &str) -> String {
        decode_text::<Body>(text, "--body", &["/users/*/password"])
            .expect_err("does not decode")
            .to_string()
    }

    #[test]
    fn errors_name_the_path_and_the_reason() {
        assert_eq!(
            error(r#"{"users": [], "size": "x"}"#),
            "the JSON given with --body does not decode at `size`: invalid type: string \"x\", expected i32 at line 1 column 25"
        );
        assert!(error(r#"{"users": []}"#).contains("missing field `size`"));
        assert!(error(r#"{"users": [], "size": 1} x"#).contains("trailing characters"));
    }

    #[test]
    fn secret_values_are_not_quoted() {
        let text = error(r#"{"users": [{"name": "a", "password": 12345678}], "size": 1}"#);
        assert!(!text.contains("12345678"), "{text}");
        assert!(text.contains("at `users[0].password`"), "{text}");
        assert!(text.contains("not shown: the field is a secret"), "{text}");
    }

    #[test]
    fn missing_files_are_usage_errors() {
        let failure =
            decode::<Body>(Source::File("/nonexistent/body.json"), &[]).expect_err("no file");
        assert_eq!(failure.exit(), crate::Exit::Usage);
        assert!(failure.to_string().contains("/nonexistent/body.json"));
    }
}
