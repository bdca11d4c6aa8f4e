//! An operation's request example as command-line arguments: a flag per parameter
//! (repeated for lists), a flag per field of the body and of JSON object parameters
//! (`--datastore.type gaussdb-mysql`), and `--body` (or the parameter's own flag) with
//! JSON only for what flags cannot say (nulls, empty objects, unknown fields, lists of
//! objects whose items the flags could not tell apart). The `--help` example and the
//! generated tests use the same arguments.

use serde_json::{Map, Value};

use super::fields::{field_flags, param_struct, shape, struct_def, FieldFlag, Scalar, Shape};
use super::{flag_kind, is_json};
use crate::emit::conformance::{normalize, scalar_text};
use crate::ir::{Operation, RequestExample, Service, TypeDef, TypeKind};
use crate::names;

/// The flags of a request example, in order, as `(flag, value)` pairs: the parameters'
/// first, then the body's.
pub(super) fn example_flags(
    service: &Service,
    op: &Operation,
    example: &RequestExample,
) -> Vec<(String, String)> {
    let (mut flags, body) = example_flags_split(service, op, example);
    flags.extend(body);
    flags
}

/// Flags with their values, in order.
pub(super) type FlagValues = Vec<(String, String)>;

/// The flags of a request example: the parameters', and the body's (its fields' flags and
/// `--body` with what they cannot say).
pub(super) fn example_flags_split(
    service: &Service,
    op: &Operation,
    example: &RequestExample,
) -> (FlagValues, FlagValues) {
    let flags = field_flags(service, op);
    let mut out = Vec::new();
    for (name, value) in &example.params {
        let Some(param) = op.params.iter().find(|p| &p.name == name) else {
            continue;
        };
        let flag = names::flag_name(name);
        if let (Some(def), Value::Object(object)) = (param_struct(service, param), value) {
            let object = normalize_object(service, &param.ty, object);
            let residual = convert(&flags, &flag, def, service, &object, &[], &mut out);
            if !residual.is_empty() {
                out.push((flag, Value::Object(residual).to_string()));
            }
            continue;
        }
        let (kind, list) = flag_kind(service, &param.ty);
        let text = |v: &Value| scalar_text(v).unwrap_or_else(|| v.to_string());
        match value {
            Value::Array(items) if list => {
                out.extend(items.iter().map(|item| (flag.clone(), text(item))))
            }
            _ if is_json(&kind) => out.push((flag, value.to_string())),
            _ => out.push((flag, text(value))),
        }
    }
    let mut body_flags = Vec::new();
    if let (Some(value), Some(body)) = (&example.body, &op.body) {
        let def = struct_def(service, &body.ty).filter(|_| !body.multipart);
        match (def, normalize(service, value, &body.ty)) {
            (Some(def), Value::Object(object)) => {
                let residual = convert(&flags, "body", def, service, &object, &[], &mut body_flags);
                if !residual.is_empty() {
                    body_flags.push(("body".to_owned(), Value::Object(residual).to_string()));
                }
            }
            (_, value) => body_flags.push(("body".to_owned(), value.to_string())),
        }
    }
    (out, body_flags)
}

fn normalize_object(
    service: &Service,
    ty: &crate::ir::TypeRef,
    object: &Map<String, Value>,
) -> Map<String, Value> {
    match normalize(service, &Value::Object(object.clone()), ty) {
        Value::Object(object) => object,
        _ => object.clone(),
    }
}

/// The arguments of a request example for a test: the subcommand, then `--flag=value`.
pub(super) fn example_args(
    service: &Service,
    op: &Operation,
    example: &RequestExample,
) -> Vec<String> {
    args(op, example_flags(service, op, example))
}

/// The subcommand, then each flag as `--flag=value`.
pub(super) fn args(op: &Operation, flags: Vec<(String, String)>) -> Vec<String> {
    std::iter::once(names::subcommand_name(&op.method_name))
        .chain(
            flags
                .into_iter()
                .map(|(flag, value)| format!("--{flag}={value}")),
        )
        .collect()
}

/// The example of an operation's `--help`: the subcommand and its flags, quoted for a
/// POSIX shell; empty when the spec has no request example.
pub(super) fn help_example(service: &Service, op: &Operation) -> String {
    let Some(example) = op.request_examples.first() else {
        return String::new();
    };
    let mut words = vec![names::subcommand_name(&op.method_name)];
    for (flag, value) in example_flags(service, op, example) {
        if value.starts_with('-') {
            words.push(format!("--{flag}={}", shell_quote(&value)));
        } else {
            words.push(format!("--{flag}"));
            words.push(shell_quote(&value));
        }
    }
    words.join(" ")
}

/// A word as a POSIX shell reads it back: bare when it is safe, else in single quotes.
pub(super) fn shell_quote(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_./:,@%+=-".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Turns the fields of `object` (a value of the struct `def`) into field flags of
/// `group`; returns what flags cannot say.
fn convert(
    flags: &[FieldFlag<'_>],
    group: &str,
    def: &TypeDef,
    service: &Service,
    object: &Map<String, Value>,
    prefix: &[String],
    out: &mut Vec<(String, String)>,
) -> Map<String, Value> {
    let TypeKind::Struct(fields) = &def.kind else {
        return object.clone();
    };
    let mut residual: Map<String, Value> = object
        .iter()
        .filter(|(key, _)| !fields.iter().any(|f| &f.wire_name == *key))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for field in fields {
        let Some(value) = object.get(&field.wire_name) else {
            continue;
        };
        let wire = &field.wire_name;
        let mut path = prefix.to_vec();
        path.push(wire.clone());
        let flag = flags
            .iter()
            .find(|f| f.group == group && f.wires == path)
            .map(|f| f.name.clone());
        let done = match (shape(service, &field.ty), flag) {
            (Shape::Value(scalar), Some(flag)) => match value_text(&scalar, value) {
                Some(text) => {
                    out.push((flag, text));
                    true
                }
                None => false,
            },
            (Shape::Values(scalar), Some(flag)) => {
                let items = match value {
                    Value::Array(items) => items.clone(),
                    single => vec![single.clone()],
                };
                let texts: Option<Vec<String>> =
                    items.iter().map(|item| value_text(&scalar, item)).collect();
                match texts.filter(|t| !t.is_empty()) {
                    Some(texts) => {
                        out.extend(texts.into_iter().map(|text| (flag.clone(), text)));
                        true
                    }
                    None => false,
                }
            }
            (Shape::Object(inner), _) => match value {
                Value::Object(nested) if !nested.is_empty() => {
                    let left = convert(flags, group, inner, service, nested, &path, out);
                    if !left.is_empty() {
                        residual.insert(wire.clone(), Value::Object(left));
                    }
                    true
                }
                _ => false,
            },
            (Shape::Objects(inner), _) => objects(flags, group, inner, service, value, &path, out),
            (Shape::Value(_) | Shape::Values(_), None) => false,
        };
        if !done {
            residual.insert(wire.clone(), value.clone());
        }
    }
    residual
}

/// Turns a list of objects into repeated field flags, if the CLI will split them into the
/// same items: each item fully said by flags, with no list of objects inside, and each
/// item after the first starting with a single-valued field that the item before had.
fn objects(
    flags: &[FieldFlag<'_>],
    group: &str,
    def: &TypeDef,
    service: &Service,
    value: &Value,
    path: &[String],
    out: &mut Vec<(String, String)>,
) -> bool {
    let items = match value {
        Value::Array(items) => items.clone(),
        single @ Value::Object(_) => vec![single.clone()],
        _ => return false,
    };
    let nested_lists = match &def.kind {
        TypeKind::Struct(fields) => fields
            .iter()
            .any(|f| matches!(shape(service, &f.ty), Shape::Objects(_))),
        _ => true,
    };
    if items.is_empty() || nested_lists {
        return false;
    }
    let mut converted: Vec<Vec<(String, String)>> = Vec::new();
    for item in &items {
        let Value::Object(object) = item else {
            return false;
        };
        let mut item_flags = Vec::new();
        let left = convert(flags, group, def, service, object, path, &mut item_flags);
        if !left.is_empty() || item_flags.is_empty() {
            return false;
        }
        converted.push(item_flags);
    }
    let single = |name: &str| flags.iter().any(|f| f.name == name && !f.repeats);
    let splits = converted.windows(2).all(|pair| {
        let first = &pair[1][0].0;
        single(first) && pair[0].iter().any(|(flag, _)| flag == first)
    });
    if splits {
        out.extend(converted.into_iter().flatten());
    }
    splits
}

/// The flag value that gives `value` to a field of this kind, if one does.
fn value_text(scalar: &Scalar<'_>, value: &Value) -> Option<String> {
    let text = scalar_text(value);
    match scalar {
        Scalar::String => text,
        Scalar::Int32 => text.filter(|t| t.trim().parse::<i32>().is_ok()),
        Scalar::Int64 => text.filter(|t| t.trim().parse::<i64>().is_ok()),
        Scalar::Number => text.filter(|t| t.trim().parse::<f64>().is_ok_and(f64::is_finite)),
        Scalar::Bool => text.filter(|t| t == "true" || t == "false"),
        Scalar::Enum { values, .. } => text.filter(|t| values.contains(&t.as_str())),
        Scalar::Json => Some(value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_for_the_shell() {
        assert_eq!(shell_quote("gauss-1"), "gauss-1");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(r#"{"a":1}"#), r#"'{"a":1}'"#);
    }
}
