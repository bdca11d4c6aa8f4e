//! Example round trips: every example of a spec, found by walking the document (not by
//! asking the generator), decodes into its generated type and encodes back to equal JSON.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::json::{apply_aliases, matches_leniently};

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
    let mut alias_map = Vec::new();
    collect_aliases(&doc, &mut alias_map);
    let aliases: Vec<(&str, &str)> = alias_map
        .iter()
        .map(|(a, n)| (a.as_str(), n.as_str()))
        .collect();
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
        let expected = apply_aliases(value, &aliases);
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

/// Every `x-aliases` of a property in the document: (alias, property name).
fn collect_aliases(node: &Value, out: &mut Vec<(String, String)>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                for (name, property) in properties {
                    for alias in property
                        .get("x-aliases")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        if let Some(alias) = alias.as_str() {
                            out.push((alias.to_owned(), name.clone()));
                        }
                    }
                }
            }
            map.values().for_each(|v| collect_aliases(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_aliases(v, out)),
        _ => {}
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
