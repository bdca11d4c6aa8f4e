//! Reading a spec file: YAML text to a JSON value (kept for pointer-based checks) and to the
//! typed `openapiv3` document, with parse errors located by JSON pointer.

use std::path::Path;

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::diagnostics::{Diagnostics, Pointer};

/// A parsed spec document.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file as named in diagnostics (relative to the workspace root).
    pub file: String,
    /// The document as plain JSON.
    pub raw: Value,
    /// The typed OpenAPI document.
    pub api: OpenAPI,
}

impl Document {
    /// The raw JSON node at a pointer, if it exists.
    pub fn node(&self, pointer: &Pointer) -> Option<&Value> {
        pointer
            .segments()
            .iter()
            .try_fold(&self.raw, |node, segment| match node {
                Value::Object(map) => map.get(segment),
                Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            })
    }
}

/// Reads and parses a spec file; `file` is the name used in diagnostics.
pub fn load(path: &Path, file: &str) -> Result<Document, Diagnostics> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| single(file, &Pointer::root(), format!("cannot read the file: {e}")))?;
    parse(&text, file)
}

/// Parses spec text; `file` is the name used in diagnostics.
pub fn parse(text: &str, file: &str) -> Result<Document, Diagnostics> {
    let raw: Value = serde_yaml::from_str(text)
        .map_err(|e| single(file, &Pointer::root(), format!("not valid YAML: {e}")))?;
    if let Some(version) = raw.get("openapi").and_then(Value::as_str) {
        if !version.starts_with("3.0.") {
            return Err(single(
                file,
                &Pointer::root().join("openapi"),
                format!("OpenAPI version `{version}` is not supported; use 3.0.3"),
            ));
        }
    }
    // The typed document is read from the YAML itself, not from `raw`, whose maps are
    // sorted: property and parameter order is the document's table order.
    let api: OpenAPI = serde_path_to_error::deserialize(serde_yaml::Deserializer::from_str(text))
        .map_err(|e| {
        let pointer = path_to_pointer(e.path());
        let (pointer, reason) = narrow(&raw, pointer)
            .unwrap_or_else(|| (path_to_pointer(e.path()), e.inner().to_string()));
        single(
            file,
            &pointer,
            format!("not a valid OpenAPI 3.0 document: {reason}"),
        )
    })?;
    Ok(Document {
        file: file.to_owned(),
        raw,
        api,
    })
}

/// `openapiv3` flattens its maps of paths, operations, responses and components, which
/// hides the failing entry from `serde_path_to_error`; parsing the entries one level at a
/// time finds it.
fn narrow(raw: &Value, pointer: Pointer) -> Option<(Pointer, String)> {
    let segments: Vec<&str> = pointer.segments().iter().map(String::as_str).collect();
    match segments.as_slice() {
        ["paths"] => narrow_in(raw.get("paths")?, &pointer, Level::Paths),
        ["components", section] => {
            let level = match *section {
                "schemas" => Level::Schemas,
                "parameters" => Level::Parameters,
                "responses" => Level::Responses,
                "requestBodies" => Level::RequestBodies,
                _ => return None,
            };
            narrow_in(raw.get("components")?.get(*section)?, &pointer, level)
        }
        _ => None,
    }
}

/// What the entries of a map are.
#[derive(Clone, Copy)]
enum Level {
    Paths,
    PathItem,
    Responses,
    Schemas,
    Parameters,
    RequestBodies,
}

fn narrow_in(node: &Value, pointer: &Pointer, level: Level) -> Option<(Pointer, String)> {
    use openapiv3::{Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema};
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    for (key, entry) in node.as_object()? {
        let here = pointer.join(key);
        let (result, deeper) = match level {
            Level::Paths => (
                parse_entry::<ReferenceOr<PathItem>>(entry),
                Some(Level::PathItem),
            ),
            Level::PathItem if METHODS.contains(&key.as_str()) => {
                (parse_entry::<Operation>(entry), None)
            }
            Level::PathItem => continue,
            Level::Responses => (parse_entry::<ReferenceOr<Response>>(entry), None),
            Level::Schemas => (parse_entry::<ReferenceOr<Schema>>(entry), None),
            Level::Parameters => (parse_entry::<ReferenceOr<Parameter>>(entry), None),
            Level::RequestBodies => (parse_entry::<ReferenceOr<RequestBody>>(entry), None),
        };
        let Err((inner, reason)) = result else {
            continue;
        };
        if let Some(found) = deeper.and_then(|level| narrow_in(entry, &here, level)) {
            return Some(found);
        }
        if matches!(level, Level::PathItem)
            && inner.segments().first().map(String::as_str) == Some("responses")
        {
            if let Some(found) = entry.get("responses").and_then(|r| {
                r.as_object()?;
                narrow_in(r, &here.join("responses"), Level::Responses)
            }) {
                return Some(found);
            }
        }
        let full = inner.segments().iter().fold(here, |p, s| p.join(s));
        return Some((full, reason));
    }
    None
}

/// Parses one entry; only whether it fails, and where, matters.
fn parse_entry<T: serde::de::DeserializeOwned>(entry: &Value) -> Result<(), (Pointer, String)> {
    serde_path_to_error::deserialize::<_, T>(entry)
        .map(drop)
        .map_err(|e| (path_to_pointer(e.path()), e.inner().to_string()))
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> Pointer {
    use serde_path_to_error::Segment;
    path.iter()
        .fold(Pointer::root(), |pointer, segment| match segment {
            Segment::Seq { index } => pointer.join(index),
            Segment::Map { key } => pointer.join(key),
            Segment::Enum { .. } | Segment::Unknown => pointer,
        })
}

fn single(file: &str, pointer: &Pointer, reason: String) -> Diagnostics {
    let mut diagnostics = Diagnostics::default();
    diagnostics.push(file, pointer, reason);
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_carry_a_pointer() {
        let text = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n  /x:\n    get:\n      responses: 7\n";
        let errors = parse(text, "t.yaml").unwrap_err().into_sorted();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].pointer, "#/paths/~1x/get/responses");
    }

    #[test]
    fn rejects_other_openapi_versions() {
        let errors = parse("openapi: 3.1.0\n", "t.yaml")
            .unwrap_err()
            .into_sorted();
        assert!(errors[0].reason.contains("3.1.0"), "{errors:?}");
    }

    #[test]
    fn node_follows_pointers() {
        let doc = parse(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ntags: [{name: a}]\n",
            "t.yaml",
        )
        .unwrap();
        let p = Pointer::root().join("tags").join(0).join("name");
        assert_eq!(doc.node(&p), Some(&Value::String("a".into())));
    }
}
