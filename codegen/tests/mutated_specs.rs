//! Spec loading and lowering on mutated specs: every valid fixture of
//! `tests/fixtures/good/fixture/` is changed at random (a value replaced, a key dropped or
//! renamed, a type changed, a `$ref` broken, an extension malformed, list items dropped or
//! repeated), a few changes at a time, written back as YAML and given to
//! `load::parse` and `lower::lower`. Neither may panic, and each problem reported must
//! name the file, a JSON pointer whose parent exists in the mutated document, and a
//! one-line reason. A mutated spec that still lowers is fine (many changes are harmless).
//!
//! The changes come from a small generator seeded per fixture and case, so a failure
//! names the case and the changes that led to it, and every run is the same. CI runs
//! `CASES` per fixture; a longer run multiplies them (`CLOUDDB_FUZZ_SCALE`) and may pick
//! another seed (`CLOUDDB_FUZZ_SEED`):
//!
//! ```text
//! CLOUDDB_FUZZ_SCALE=50 cargo test --release -p codegen --test mutated_specs
//! ```

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use codegen::diagnostics::{Pointer, SpecError};
use serde_json::{json, Value};

/// Mutated specs per fixture in CI.
const CASES: u64 = 250;

const FIXTURE_DIR: &str = "tests/fixtures/good/fixture";

/// SplitMix64: a small, seeded, well-mixed generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (which must not be 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Every pointer of the document, as segment lists.
fn all_paths(value: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(prefix.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                prefix.push(key.clone());
                all_paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                prefix.push(i.to_string());
                all_paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn node_mut<'a>(root: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(root, |node, segment| match node {
        Value::Object(map) => map.get_mut(segment),
        Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        _ => None,
    })
}

fn node<'a>(root: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(root, |node, segment| match node {
        Value::Object(map) => map.get(segment),
        Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// A value of any kind, the awkward ones included.
fn random_value(rng: &mut Rng) -> Value {
    let values = [
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(u64::MAX),
        json!(""),
        json!("x"),
        json!("#/components/schemas"),
        json!("{project_id}"),
        json!("ünï/çødé~1"),
        json!([]),
        json!([1, "two", null]),
        json!({}),
        json!({"type": "object"}),
        json!({"$ref": "#/components/schemas/Nowhere"}),
        json!({"type": "array"}),
        json!({"type": "string", "enum": []}),
        json!({"type": "integer", "minimum": "ten"}),
    ];
    rng.pick(&values).clone()
}

/// The value with its kind changed, keeping what can be kept.
fn retyped(value: &Value, rng: &mut Rng) -> Value {
    match value {
        Value::String(s) => match rng.below(3) {
            0 => json!(s.len()),
            1 => json!([s]),
            _ => json!({ s.as_str(): s }),
        },
        Value::Number(n) => json!(n.to_string()),
        Value::Bool(b) => json!(b.to_string()),
        Value::Array(items) => Value::Object(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v.clone()))
                .collect(),
        ),
        Value::Object(map) => Value::Array(map.values().cloned().collect()),
        Value::Null => json!("null"),
    }
}

fn broken_reference(rng: &mut Rng) -> Value {
    let references = [
        "#/components/schemas/Nowhere",
        "#/components/schemas",
        "#/components/parameters/Nowhere",
        "#",
        "",
        "other.yaml#/components/schemas/X",
        "#/paths/~1a~1b/get",
        "#/components/schemas/~2bad",
        "components/schemas/NoHash",
        "#/components/schemas/Widget/properties/id",
    ];
    json!(rng.pick(&references))
}

/// Applies one random change; returns what it did, for the failure message.
fn mutate(doc: &mut Value, rng: &mut Rng) -> String {
    let mut paths = Vec::new();
    all_paths(doc, &mut Vec::new(), &mut paths);
    let refs: Vec<&Vec<String>> = paths
        .iter()
        .filter(|p| p.last().is_some_and(|k| k == "$ref"))
        .collect();
    let extensions: Vec<&Vec<String>> = paths
        .iter()
        .filter(|p| p.last().is_some_and(|k| k.starts_with("x-")))
        .collect();
    let kind = rng.below(8);
    let path = match kind {
        4 if !refs.is_empty() => (*rng.pick(&refs)).clone(),
        5 if !extensions.is_empty() => (*rng.pick(&extensions)).clone(),
        _ => rng.pick(&paths[1..]).clone(),
    };
    let shown = Pointer::root();
    let shown = path.iter().fold(shown, |p, s| p.join(s)).to_string();
    let (parent_path, last) = path.split_at(path.len() - 1);
    let last = last[0].clone();
    let Some(parent) = node_mut(doc, parent_path) else {
        return format!("nothing at {shown}");
    };
    match (kind, parent) {
        (0, Value::Object(map)) => {
            map.remove(&last);
            format!("dropped {shown}")
        }
        (1, Value::Object(map)) => {
            let Some(value) = map.remove(&last) else {
                return format!("nothing at {shown}");
            };
            let names = [
                format!("{last}_renamed"),
                last.to_uppercase(),
                format!("x-{last}"),
                String::new(),
                "$ref".to_owned(),
                "/".to_owned(),
            ];
            let name = rng.pick(&names).clone();
            map.insert(name.clone(), value);
            format!("renamed {shown} to {name:?}")
        }
        (2, parent) => {
            let replacement = random_value(rng);
            set(parent, &last, replacement.clone());
            format!("replaced {shown} with {replacement}")
        }
        (3, parent) => {
            let Some(old) = get(parent, &last) else {
                return format!("nothing at {shown}");
            };
            let replacement = retyped(&old, rng);
            set(parent, &last, replacement);
            format!("changed the type of {shown}")
        }
        (4, parent) => {
            let replacement = broken_reference(rng);
            set(parent, &last, replacement.clone());
            format!("set {shown} to {replacement}")
        }
        (5, parent) => {
            let malformed = [
                json!(7),
                json!([]),
                json!({"nested": {"deep": [null]}}),
                json!("  "),
                Value::Null,
                json!(false),
            ];
            let replacement = rng.pick(&malformed).clone();
            set(parent, &last, replacement.clone());
            format!("set the extension {shown} to {replacement}")
        }
        (6, Value::Array(items)) if !items.is_empty() => {
            let i = rng.below(items.len());
            if rng.below(2) == 0 {
                items.remove(i);
                format!("removed item {i} of {shown}/..")
            } else {
                let copy = items[i].clone();
                items.push(copy);
                format!("repeated item {i} of {shown}/..")
            }
        }
        (_, parent) => {
            let Some(old) = get(parent, &last) else {
                return format!("nothing at {shown}");
            };
            // Swap in a sibling's value.
            set(parent, &last, retyped(&retyped(&old, rng), rng));
            format!("changed the type of {shown} twice")
        }
    }
}

fn get(parent: &Value, key: &str) -> Option<Value> {
    match parent {
        Value::Object(map) => map.get(key).cloned(),
        Value::Array(items) => key
            .parse::<usize>()
            .ok()
            .and_then(|i| items.get(i))
            .cloned(),
        _ => None,
    }
}

fn set(parent: &mut Value, key: &str, value: Value) {
    match parent {
        Value::Object(map) => {
            map.insert(key.to_owned(), value);
        }
        Value::Array(items) => {
            if let Some(slot) = key.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                *slot = value;
            }
        }
        _ => {}
    }
}

/// The problems with one reported error, if any.
fn check_error(error: &SpecError, file: &str, doc: &Value) -> Option<String> {
    if error.file != file {
        return Some(format!("names the file {:?}, not {file:?}", error.file));
    }
    let Some(pointer) = Pointer::parse(&error.pointer) else {
        return Some(format!("{:?} is not a JSON pointer", error.pointer));
    };
    let segments = pointer.segments();
    let parent = &segments[..segments.len().saturating_sub(1)];
    if node(doc, parent).is_none() {
        return Some(format!(
            "points to {}, whose parent is not in the document",
            error.pointer
        ));
    }
    if error.reason.trim().is_empty() || error.reason.contains('\n') {
        return Some(format!(
            "has an empty or multi-line reason: {:?}",
            error.reason
        ));
    }
    None
}

#[test]
fn mutated_fixture_specs_never_panic_and_every_error_names_a_file_and_a_pointer() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE_DIR);
    let mut fixtures: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    fixtures.sort();
    assert!(!fixtures.is_empty(), "no fixture in {}", dir.display());
    let cases = CASES * env_number("CLOUDDB_FUZZ_SCALE", 1).max(1);
    let seed = env_number("CLOUDDB_FUZZ_SEED", 0x5EED_2026);
    // Panics are caught and reported per case; keep the default hook quiet meanwhile.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let (mut failures, mut lowered, mut refused, mut errors) = (Vec::new(), 0, 0, 0);
    for (f, path) in fixtures.iter().enumerate() {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a UTF-8 name");
        let file = format!("{FIXTURE_DIR}/{stem}.yaml");
        let text = std::fs::read_to_string(path).expect("the fixture can be read");
        let original: Value = serde_yaml::from_str(&text).expect("the fixture is YAML");
        for case in 0..cases {
            let mut rng = Rng(seed ^ ((f as u64) << 48) ^ case.wrapping_mul(0xA24B_AED4_963E_E407));
            let mut doc = original.clone();
            let changes: Vec<String> = (0..1 + rng.below(4))
                .map(|_| mutate(&mut doc, &mut rng))
                .collect();
            let yaml = serde_yaml::to_string(&doc).expect("a JSON value writes as YAML");
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let document = codegen::load::parse(&yaml, &file)?;
                codegen::lower::lower(&document, &codegen::names::crate_name_of_spec(&file))
                    .map(drop)
            }));
            let problems: Vec<String> = match outcome {
                Err(panic) => {
                    let message = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                        .unwrap_or_default();
                    vec![format!("panicked: {message}")]
                }
                Ok(Ok(())) => {
                    lowered += 1;
                    Vec::new()
                }
                Ok(Err(diagnostics)) => {
                    refused += 1;
                    let reported = diagnostics.into_sorted();
                    errors += reported.len();
                    if reported.is_empty() {
                        vec!["failed without reporting a problem".to_owned()]
                    } else {
                        reported
                            .iter()
                            .filter_map(|e| {
                                check_error(e, &file, &doc).map(|p| format!("{e}: {p}"))
                            })
                            .collect()
                    }
                }
            };
            if !problems.is_empty() && failures.len() < 30 {
                failures.push(format!(
                    "{file}, case {case} ({}):\n  {}",
                    changes.join("; "),
                    problems.join("\n  ")
                ));
            }
        }
    }
    std::panic::set_hook(hook);
    eprintln!(
        "{} fixtures x {cases} mutated specs: {lowered} lowered, {refused} refused with {errors} errors, {} failing",
        fixtures.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failing case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
