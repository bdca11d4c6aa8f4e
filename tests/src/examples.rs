//! Example round trips: every example of a spec, found by walking the document (not by
//! asking the generator), decodes into its generated type and encodes back to equal JSON.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::json::matches_leniently;

/// Decodes an example into the type it belongs to and encodes it back.
pub type RoundTrip = fn(&Value) -> Result<Value, String>;

/// Decodes `value` as `T` and encodes it back to JSON.
pub fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    let decoded: T =
        serde_json::from_value(value.clone()).map_err(|e| format!("does not decode: {e}"))?;
    serde_json::to_value(&decoded).map_err(|e| format!("does not encode: {e}"))
}

/// Checks that `table` covers exactly the examples of the spec, and that each round-trips.
#[track_caller]
pub fn check(spec_text: &str, spec_file: &str, table: &[(&str, RoundTrip)]) {
    let doc: Value = serde_yaml::from_str(spec_text).expect("the spec is valid YAML");
    let examples = enumerate(&doc);
    let mut failures = Vec::new();
    for pointer in examples.keys() {
        if !table.iter().any(|(p, _)| p == pointer) {
            failures.push(format!("{pointer}: this example is not exercised"));
        }
    }
    let mut checked = 0;
    for (pointer, round_trip) in table {
        let Some(value) = examples.get(*pointer) else {
            failures.push(format!("{pointer}: not an example of the spec"));
            continue;
        };
        checked += 1;
        let expected = match schema_of_example(&doc, pointer) {
            Some(schema) => normalize_aliases(&doc, value, schema, 0),
            None => value.clone(),
        };
        match round_trip(value).and_then(|back| matches_leniently(&expected, &back)) {
            Ok(()) => {}
            Err(problem) => failures.push(format!("{pointer}: {problem}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{spec_file}: {} of {} example(s) failed:\n{}",
        failures.len(),
        examples.len(),
        failures.join("\n")
    );
    assert!(checked > 0, "{spec_file}: no example was checked");
    assert_eq!(
        checked,
        examples.len(),
        "{spec_file}: every example is checked once"
    );
}

/// Every example of an OpenAPI document, by the JSON pointer of its value: the entries of
/// `examples` maps (a `$ref` counts as the example it points to), `example` keywords, and
/// the entries of `components/examples`. Extensions (`x-…`) and property names are skipped.
pub fn enumerate(doc: &Value) -> BTreeMap<String, Value> {
    let mut found = BTreeMap::new();
    walk(doc, doc, "#", false, &mut found);
    if let Some(Value::Object(components)) = doc.pointer("/components/examples") {
        for (name, example) in components {
            if let Some(value) = example.get("value") {
                found.insert(
                    format!("#/components/examples/{}/value", escape(name)),
                    value.clone(),
                );
            }
        }
    }
    found
}

fn walk(
    doc: &Value,
    node: &Value,
    pointer: &str,
    names: bool,
    found: &mut BTreeMap<String, Value>,
) {
    let Value::Object(map) = node else {
        if let Value::Array(items) = node {
            for (i, item) in items.iter().enumerate() {
                walk(doc, item, &format!("{pointer}/{i}"), false, found);
            }
        }
        return;
    };
    for (key, child) in map {
        let child_pointer = format!("{pointer}/{}", escape(key));
        if names {
            // `key` is a property name (or a component name): its value is a definition.
            walk(doc, child, &child_pointer, false, found);
            continue;
        }
        if key.starts_with("x-") {
            continue;
        }
        match key.as_str() {
            "example" => {
                found.insert(child_pointer, child.clone());
            }
            "examples" if pointer != "#/components" => {
                collect_named(doc, child, &child_pointer, found)
            }
            "properties" | "schemas" | "parameters" | "responses" | "requestBodies" | "headers"
            | "securitySchemes" | "paths" | "content" | "variables" => {
                walk(doc, child, &child_pointer, true, found);
            }
            _ => walk(doc, child, &child_pointer, false, found),
        }
    }
}

fn collect_named(
    doc: &Value,
    examples: &Value,
    pointer: &str,
    found: &mut BTreeMap<String, Value>,
) {
    let Value::Object(map) = examples else {
        return;
    };
    for (name, example) in map {
        if let Some(reference) = example.get("$ref").and_then(Value::as_str) {
            let target = reference.trim_start_matches('#');
            if let Some(value) = doc.pointer(target).and_then(|e| e.get("value")) {
                found.insert(format!("{reference}/value"), value.clone());
            }
            continue;
        }
        if let Some(value) = example.get("value") {
            found.insert(format!("{pointer}/{}/value", escape(name)), value.clone());
        }
    }
}

/// The schema an example belongs to: the `schema` next to the `examples` map that holds it
/// (media type or parameter). Examples defined in `components/examples` have no single
/// schema and are left as they are.
fn schema_of_example<'d>(doc: &'d Value, pointer: &str) -> Option<&'d Value> {
    let at = pointer.strip_prefix('#')?;
    let holder = at.rsplit_once("/examples/")?.0;
    doc.pointer(holder)?.get("schema")
}

/// Follows a `$ref` into the document (a few hops at most).
fn resolve<'d>(doc: &'d Value, mut schema: &'d Value) -> &'d Value {
    for _ in 0..8 {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => match doc.pointer(reference.trim_start_matches('#')) {
                Some(target) => schema = target,
                None => break,
            },
            None => break,
        }
    }
    schema
}

/// Renames the keys of `value` that a property of its schema lists in `x-aliases` to the
/// property's name, following the schema into properties, list items and map values.
fn normalize_aliases(doc: &Value, value: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(doc, schema);
    if depth > 64 {
        return value.clone();
    }
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = schema.get("properties") {
                let renamed = map.iter().map(|(key, v)| {
                    let found = properties.iter().find(|(name, property)| {
                        *name == key
                            || property
                                .get("x-aliases")
                                .and_then(Value::as_array)
                                .is_some_and(|aliases| aliases.iter().any(|a| a == key))
                    });
                    match found {
                        Some((name, property)) => {
                            (name.clone(), normalize_aliases(doc, v, property, depth + 1))
                        }
                        None => (key.clone(), v.clone()),
                    }
                });
                return Value::Object(renamed.collect());
            }
            if let Some(items) = schema.get("items") {
                return normalize_aliases(doc, value, items, depth + 1);
            }
            match schema.get("additionalProperties") {
                Some(values) if values.is_object() => Value::Object(
                    map.iter()
                        .map(|(k, v)| (k.clone(), normalize_aliases(doc, v, values, depth + 1)))
                        .collect(),
                ),
                _ => value.clone(),
            }
        }
        Value::Array(items) => {
            let item_schema = schema.get("items").unwrap_or(schema);
            Value::Array(
                items
                    .iter()
                    .map(|v| normalize_aliases(doc, v, item_schema, depth + 1))
                    .collect(),
            )
        }
        other => other.clone(),
    }
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_named_examples_refs_and_single_examples_but_not_property_names() {
        let doc: Value = serde_yaml::from_str(
            r#"
paths:
  /a/b:
    get:
      parameters:
        - name: id
          in: query
          examples: {doc: {value: "x"}}
      responses:
        "200":
          content:
            application/json:
              examples:
                doc: {value: {k: 1}}
                shared: {$ref: '#/components/examples/Shared'}
              example: {k: 2}
components:
  examples:
    Shared: {value: {k: 3}}
  schemas:
    S:
      properties:
        examples: {type: string}
      x-note: {examples: {doc: {value: 9}}}
"#,
        )
        .unwrap();
        let found = enumerate(&doc);
        let keys: Vec<&str> = found.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "#/components/examples/Shared/value",
                "#/paths/~1a~1b/get/parameters/0/examples/doc/value",
                "#/paths/~1a~1b/get/responses/200/content/application~1json/example",
                "#/paths/~1a~1b/get/responses/200/content/application~1json/examples/doc/value",
            ]
        );
    }
}
