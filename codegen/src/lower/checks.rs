//! Whole-document checks that lowering alone would miss: keys that `openapiv3` silently
//! drops, response schemas with a `required` list, and schema names that would read like
//! the generated operation types.

use std::collections::BTreeSet;

use serde_json::Value;

use super::spec::Spec;
use super::types::Types;
use crate::diagnostics::Pointer;
use crate::ir::{Operation, TypeKind, TypeRef};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const PATH_ITEM_KEYS: [&str; 5] = ["$ref", "summary", "description", "servers", "parameters"];
const OPERATION_KEYS: [&str; 12] = [
    "tags",
    "summary",
    "description",
    "externalDocs",
    "operationId",
    "parameters",
    "requestBody",
    "responses",
    "callbacks",
    "deprecated",
    "security",
    "servers",
];
/// Suffixes of the generated operation types.
const RESERVED_SUFFIXES: [&str; 3] = ["Input", "Builder", "Output"];

impl Spec<'_> {
    /// Reports path keys, path item keys, operation keys and response keys that the typed
    /// parser would drop without a word, losing whole operations or responses.
    pub(crate) fn check_raw_keys(&mut self) {
        let doc = self.doc;
        let Some(Value::Object(paths)) = doc.raw.get("paths") else {
            return;
        };
        for (key, item) in paths {
            let at = Pointer::root().join("paths").join(key);
            if !key.starts_with('/') && !key.starts_with("x-") {
                self.error(&at, "the path must start with `/`");
                continue;
            }
            let Value::Object(item) = item else { continue };
            for (field, operation) in item {
                let field_at = at.join(field);
                if METHODS.contains(&field.as_str()) {
                    self.check_operation_keys(operation, &field_at);
                } else if !PATH_ITEM_KEYS.contains(&field.as_str()) && !field.starts_with("x-") {
                    let lower = field.to_lowercase();
                    let hint = if METHODS.contains(&lower.as_str()) {
                        format!("; HTTP methods are lower case (`{lower}`)")
                    } else {
                        String::new()
                    };
                    self.error(
                        &field_at,
                        format!("unknown key `{field}` in a path item{hint}"),
                    );
                }
            }
        }
    }

    fn check_operation_keys(&mut self, operation: &Value, at: &Pointer) {
        let Value::Object(operation) = operation else {
            return;
        };
        for (key, value) in operation {
            if !OPERATION_KEYS.contains(&key.as_str()) && !key.starts_with("x-") {
                self.error(
                    &at.join(key),
                    format!("unknown key `{key}` in an operation"),
                );
            }
            if key != "responses" {
                continue;
            }
            let Value::Object(responses) = value else {
                continue;
            };
            for status in responses.keys() {
                let is_code = status.len() == 3
                    && status.starts_with(['1', '2', '3', '4', '5'])
                    && (status[1..].bytes().all(|b| b.is_ascii_digit()) || &status[1..] == "XX");
                if !is_code && status != "default" && !status.starts_with("x-") {
                    self.error(
                        &at.join("responses").join(status),
                        format!("`{status}` is not an HTTP status code (nor `default`)"),
                    );
                }
            }
        }
    }

    /// Response tables have no required column: a schema a response reaches must not have a
    /// `required` list, so that every field decodes when the server leaves it out.
    pub(crate) fn check_response_schemas(
        &mut self,
        types: &Types,
        response_roots: &BTreeSet<String>,
    ) {
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut pending: Vec<String> = response_roots.iter().cloned().collect();
        let mut offenders = Vec::new();
        while let Some(name) = pending.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let Some(def) = types.get(&name) else {
                continue;
            };
            let reached: Vec<&TypeRef> = match &def.kind {
                TypeKind::Struct(fields) => {
                    if fields.iter().any(|f| f.required) {
                        offenders.push(def.pointer.clone());
                    }
                    fields.iter().map(|f| &f.ty).collect()
                }
                TypeKind::Alias(ty) => vec![ty],
                TypeKind::Enum(_) => Vec::new(),
            };
            pending.extend(
                reached
                    .into_iter()
                    .filter_map(|ty| ty.named().map(str::to_owned)),
            );
        }
        for pointer in offenders {
            let at = pointer.join("required");
            self.error(
                &at,
                "response schemas have no `required` list (every response field may be absent)",
            );
        }
    }

    /// Schema names must not end like the generated operation types (`ShowJobInput`).
    pub(crate) fn check_schema_names(&mut self, operations: &[Operation]) {
        let doc = self.doc;
        let Some(components) = &doc.api.components else {
            return;
        };
        for name in components.schemas.keys() {
            let Some(suffix) = RESERVED_SUFFIXES.iter().find(|s| name.ends_with(*s)) else {
                continue;
            };
            let owner = operations
                .iter()
                .find(|op| {
                    [&op.input_name, &op.builder_name].contains(&name)
                        || format!("{}Output", op.id) == *name
                })
                .map(|op| format!(" (`{name}` is a generated type of operation `{}`)", op.id))
                .unwrap_or_default();
            let at = Pointer::root()
                .join("components")
                .join("schemas")
                .join(name);
            self.error(
                &at,
                format!("schema names must not end in `{suffix}`, which names the generated operation types{owner}"),
            );
        }
    }
}
