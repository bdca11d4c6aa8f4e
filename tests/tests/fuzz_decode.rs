//! Decoding fuzz: every operation of every generated crate this package depends on (the
//! table is written by `build.rs` from the generated sources) decodes answers through its
//! own `Operation::decode`, as a call does, from:
//!
//! - arbitrary bytes, and bytes that look like JSON;
//! - arbitrary JSON values, numbers at the edges included;
//! - JSON shaped by the operation's response schema in the spec, written with the
//!   documented leniency (numbers as strings, scalars as text, a single value for a list,
//!   a list of one object for an object, aliases, nulls), and the same shapes with values
//!   of the wrong kind swapped in at random.
//!
//! No input may panic; a failure must be a `Decode` error. A schema-shaped answer without
//! swapped values must decode. Every value that decodes is encoded again, and the encoding
//! must decode to an equal value.
//!
//! The inputs come from a generator seeded per operation and case (`fastrand`), so every
//! failure names the operation and the input, and a run is the same every time. CI runs
//! the case counts below; a longer run multiplies them (`CLOUDDB_FUZZ_SCALE`) and may
//! pick another seed (`CLOUDDB_FUZZ_SEED`):
//!
//! ```text
//! CLOUDDB_FUZZ_SCALE=100 cargo test --release -p clouddb-conformance --test fuzz_decode
//! ```

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::panic::{catch_unwind, AssertUnwindSafe};

use clouddb_runtime::export::{bytes, http};
use clouddb_runtime::{ErrorKind, Operation, RawResponse};
use serde::Serialize;
use serde_json::{json, Map, Number, Value};

include!(concat!(env!("OUT_DIR"), "/operations.rs"));

/// Per operation in CI: schema-shaped answers, the same with wrong kinds swapped in,
/// arbitrary JSON values, and arbitrary bytes.
const SHAPED: u32 = 12;
const MUTATED: u32 = 12;
const ARBITRARY_JSON: u32 = 6;
const ARBITRARY_BYTES: u32 = 6;

fn scale() -> u32 {
    std::env::var("CLOUDDB_FUZZ_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1u32)
        .max(1)
}

fn seed() -> u64 {
    std::env::var("CLOUDDB_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_2026)
}

/// What decoding one input came to.
enum Outcome {
    /// It decoded, and its encoding decoded back to an equal value.
    Decoded,
    /// A `Decode` error, with its text.
    Refused(String),
    /// Anything else: a panic, another kind of error, a round trip that changed the value.
    Broken(String),
}

/// One operation of a generated crate.
struct Entry {
    spec: &'static str,
    id: &'static str,
    success: &'static [u16],
    check: fn(u16, &[u8]) -> Outcome,
}

fn entry<O>(spec: &'static str) -> Entry
where
    O: Operation,
    O::Output: Serialize + PartialEq + Debug,
{
    Entry {
        spec,
        id: O::SPEC.id,
        success: O::SPEC.success,
        check: check::<O>,
    }
}

/// An operation whose answer is a file: its decoder takes any bytes as they are.
fn file_entry<O>(spec: &'static str) -> Entry
where
    O: Operation<Output = bytes::Bytes>,
{
    Entry {
        spec,
        id: O::SPEC.id,
        success: O::SPEC.success,
        check: check_file::<O>,
    }
}

fn check_file<O>(status: u16, body: &[u8]) -> Outcome
where
    O: Operation<Output = bytes::Bytes>,
{
    let raw = RawResponse {
        status,
        headers: http::HeaderMap::new(),
        body: bytes::Bytes::copy_from_slice(body),
    };
    match O::decode(&raw) {
        Ok(file) if file.as_ref() == body => Outcome::Decoded,
        Ok(file) => Outcome::Broken(format!("the file's bytes changed: {} bytes", file.len())),
        Err(e) => Outcome::Broken(format!("a file answer failed to decode: {e}")),
    }
}

/// Decodes `body` as the answer of `O` with `status`, and what decoded encodes and decodes
/// again.
fn check<O>(status: u16, body: &[u8]) -> Outcome
where
    O: Operation,
    O::Output: Serialize + PartialEq + Debug,
{
    let raw = |body: Vec<u8>| RawResponse {
        status,
        headers: http::HeaderMap::new(),
        body: bytes::Bytes::from(body),
    };
    let decoded = match O::decode(&raw(body.to_vec())) {
        Ok(decoded) => decoded,
        Err(e) if e.kind() == ErrorKind::Decode => return Outcome::Refused(e.to_string()),
        Err(e) => return Outcome::Broken(format!("failed with a {:?} error: {e}", e.kind())),
    };
    let encoded = match serde_json::to_vec(&decoded) {
        Ok(encoded) => encoded,
        Err(e) => return Outcome::Broken(format!("does not encode: {e}")),
    };
    match O::decode(&raw(encoded.clone())) {
        Ok(again) if again == decoded => Outcome::Decoded,
        Ok(again) => Outcome::Broken(format!(
            "decodes back different\nfirst:  {decoded:?}\nsecond: {again:?}\nencoded: {}",
            String::from_utf8_lossy(&encoded)
        )),
        Err(e) => Outcome::Broken(format!(
            "its encoding does not decode: {e}\nencoded: {}",
            String::from_utf8_lossy(&encoded)
        )),
    }
}

/// Runs one check, turning a panic into a failure.
fn run_check(entry: &Entry, status: u16, body: &[u8]) -> Outcome {
    match catch_unwind(AssertUnwindSafe(|| (entry.check)(status, body))) {
        Ok(result) => result,
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            Outcome::Broken(format!("panicked: {message}"))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------

/// Numbers at the edges of what the decoders read.
fn edge_number(rng: &mut fastrand::Rng) -> Value {
    let edges = [
        json!(0),
        json!(-0.0),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(i32::MAX),
        json!(i32::MIN),
        json!(i64::from(i32::MAX) + 1),
        json!(9.0e15),
        json!(9_007_199_254_740_993u64),
        json!(1.5),
        json!(1e300),
        json!(-1e-300),
        json!(f64::MAX),
        json!(f64::MIN_POSITIVE),
    ];
    edges[rng.usize(..edges.len())].clone()
}

/// Text that reads as a number, or almost does.
fn numeric_text(rng: &mut fastrand::Rng) -> String {
    let texts = [
        " 42 ",
        "\t-7\n",
        "+5",
        "1e3",
        "1E-2",
        "0x10",
        "1_000",
        "4294967296",
        "-2147483649",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "1.0",
        "1.50",
        "NaN",
        "inf",
        "-Infinity",
        "",
        " ",
        "١٢",
        "3.",
        ".5",
        "1e400",
        "0.1e1",
    ];
    texts[rng.usize(..texts.len())].to_owned()
}

fn random_string(rng: &mut fastrand::Rng) -> String {
    match rng.u8(..6) {
        0 => String::new(),
        1 => numeric_text(rng),
        2 => ["true", "FALSE", "null", "yes"][rng.usize(..4)].to_owned(),
        3 => (0..rng.usize(..12)).map(|_| rng.char(..)).collect(),
        _ => (0..rng.usize(1..12)).map(|_| rng.alphanumeric()).collect(),
    }
}

fn random_scalar(rng: &mut fastrand::Rng) -> Value {
    match rng.u8(..7) {
        0 => Value::Null,
        1 => Value::Bool(rng.bool()),
        2 => json!(rng.i64(..)),
        3 => edge_number(rng),
        4 => Number::from_f64(rng.f64() * 10f64.powi(rng.i32(-10..20)))
            .map_or(Value::Null, Value::Number),
        _ => Value::String(random_string(rng)),
    }
}

fn random_json(rng: &mut fastrand::Rng, depth: u32) -> Value {
    if depth == 0 || rng.u8(..3) == 0 {
        return random_scalar(rng);
    }
    if rng.bool() {
        Value::Array(
            (0..rng.usize(..4))
                .map(|_| random_json(rng, depth - 1))
                .collect(),
        )
    } else {
        Value::Object(
            (0..rng.usize(..4))
                .map(|_| (random_string(rng), random_json(rng, depth - 1)))
                .collect(),
        )
    }
}

/// Bytes that look like JSON: its punctuation, literals, digits and escapes.
fn jsonish_bytes(rng: &mut fastrand::Rng) -> Vec<u8> {
    let pieces: [&[u8]; 16] = [
        b"{", b"}", b"[", b"]", b"\"", b":", b",", b"true", b"null", b"-1", b"1e999", b"0.5",
        b"\\u00e9", b"\\", b" ", b"\xff",
    ];
    let mut out = Vec::new();
    for _ in 0..rng.usize(..40) {
        out.extend_from_slice(pieces[rng.usize(..pieces.len())]);
    }
    out
}

/// A spec document, for the schemas of the answers.
struct Spec {
    doc: Value,
}

impl Spec {
    fn load(file: &str) -> Self {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        Self {
            doc: serde_yaml::from_str(&text).expect("the spec is YAML"),
        }
    }

    /// Follows `$ref`s.
    fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..16 {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                break;
            };
            match self.doc.pointer(reference.trim_start_matches('#')) {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }

    /// The JSON schema of the answer of `id` with `status`, if it has a JSON body.
    fn answer_schema(&self, id: &str, status: u16) -> Option<&Value> {
        let paths = self.doc.get("paths")?.as_object()?;
        let operation = paths
            .values()
            .filter_map(Value::as_object)
            .flat_map(|methods| methods.values())
            .find(|op| op.get("operationId").and_then(Value::as_str) == Some(id))?;
        let response = self.resolve(operation.get("responses")?.get(status.to_string())?);
        let content = response.get("content")?.as_object()?;
        let media = content
            .iter()
            .find(|(kind, _)| kind.contains("json"))
            .map(|(_, media)| media)?;
        media.get("schema").map(|s| self.resolve(s))
    }

    /// A value of `schema`, written with the documented leniency; with `mutate`, values of
    /// another kind are swapped in at random.
    fn shaped(&self, schema: &Value, rng: &mut fastrand::Rng, mutate: bool, depth: u32) -> Value {
        let schema = self.resolve(schema);
        if mutate && rng.u8(..8) == 0 {
            return random_json(rng, 2);
        }
        if depth > 8 {
            return Value::Null;
        }
        if schema.get("nullable") == Some(&Value::Bool(true)) && rng.u8(..8) == 0 {
            return Value::Null;
        }
        let kind = schema
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_else(|| {
                if schema.get("properties").is_some() {
                    "object"
                } else {
                    ""
                }
            });
        match kind {
            "object" => self.shaped_object(schema, rng, mutate, depth),
            "array" => {
                let items = schema.get("items").unwrap_or(&Value::Null);
                // A single value stands for a list of one, inside an answer and as a whole
                // answer alike.
                if rng.u8(..6) == 0 {
                    let one = self.shaped(items, rng, mutate, depth + 1);
                    if !one.is_array() && !one.is_null() {
                        return one;
                    }
                }
                Value::Array(
                    (0..rng.usize(..4))
                        .map(|_| self.shaped(items, rng, mutate, depth + 1))
                        .collect(),
                )
            }
            "string" => match schema.get("enum").and_then(Value::as_array) {
                Some(values) if !values.is_empty() && rng.bool() => {
                    values[rng.usize(..values.len())].clone()
                }
                _ => match rng.u8(..8) {
                    0 => json!(rng.i64(..)),
                    1 => Value::Bool(rng.bool()),
                    2 => edge_number(rng),
                    _ => Value::String(random_string(rng)),
                },
            },
            "integer" => {
                let wide = schema.get("format").and_then(Value::as_str) == Some("int64");
                let n = if wide {
                    rng.i64(..)
                } else {
                    i64::from(rng.i32(..))
                };
                match rng.u8(..6) {
                    0 => Value::String(format!(" {n} ")),
                    1 => Value::String(n.to_string()),
                    2 if n.unsigned_abs() < 1 << 52 => json!(n as f64),
                    _ => json!(n),
                }
            }
            "number" => {
                let x = (rng.f64() - 0.5) * 10f64.powi(rng.i32(-5..15));
                match rng.u8(..5) {
                    0 => Value::String(format!("{x}")),
                    1 => json!(rng.i64(..)),
                    _ => Number::from_f64(x).map_or(json!(0), Value::Number),
                }
            }
            "boolean" => match rng.u8(..5) {
                0 => Value::String(["true", "false", "TRUE", " False "][rng.usize(..4)].to_owned()),
                _ => Value::Bool(rng.bool()),
            },
            // Free-form JSON.
            _ => random_json(rng, 3),
        }
    }

    fn shaped_object(
        &self,
        schema: &Value,
        rng: &mut fastrand::Rng,
        mutate: bool,
        depth: u32,
    ) -> Value {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = Map::new();
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                let is_required = required.contains(&name.as_str());
                if !is_required && rng.u8(..10) < 3 {
                    continue;
                }
                if !is_required && rng.u8(..12) == 0 {
                    out.insert(name.clone(), Value::Null);
                    continue;
                }
                let aliases: Vec<&str> = property
                    .get("x-aliases")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let key = if !aliases.is_empty() && rng.bool() {
                    aliases[rng.usize(..aliases.len())].to_owned()
                } else {
                    name.clone()
                };
                out.insert(key, self.shaped(property, rng, mutate, depth + 1));
            }
        }
        match schema.get("additionalProperties") {
            Some(values @ Value::Object(_)) => {
                for _ in 0..rng.usize(..3) {
                    let key = format!("k{}", rng.u32(..1000));
                    out.insert(key, self.shaped(values, rng, mutate, depth + 1));
                }
            }
            _ => {
                // Fields the spec does not describe are skipped.
                if rng.u8(..4) == 0 {
                    out.insert(
                        format!("zz_undocumented_{}", rng.u8(..)),
                        random_json(rng, 2),
                    );
                }
            }
        }
        let object = Value::Object(out);
        let is_struct =
            schema.get("properties").is_some() && schema.get("additionalProperties").is_none();
        if is_struct && rng.u8(..10) == 0 {
            // A list holding exactly one object stands for a generated struct.
            return Value::Array(vec![object]);
        }
        object
    }
}

// ---------------------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------------------

#[derive(Default)]
struct Tally {
    inputs: u64,
    decoded: u64,
    failures: Vec<String>,
}

impl Tally {
    fn record(
        &mut self,
        entry: &Entry,
        what: &str,
        status: u16,
        body: &[u8],
        result: Outcome,
        must_decode: bool,
    ) {
        self.inputs += 1;
        let problem = match result {
            Outcome::Decoded => {
                self.decoded += 1;
                return;
            }
            Outcome::Refused(_) if !must_decode => return,
            Outcome::Refused(refused) => {
                format!("a schema-shaped answer does not decode: {refused}")
            }
            Outcome::Broken(problem) => problem,
        };
        if self.failures.len() < 40 {
            let shown: String = String::from_utf8_lossy(body).chars().take(600).collect();
            self.failures.push(format!(
                "{} {} (HTTP {status}, {what}): {problem}\ninput: {shown}",
                entry.spec, entry.id
            ));
        } else if self.failures.len() == 40 {
            self.failures.push("(more failures left out)".to_owned());
        }
    }
}

#[test]
fn every_answer_type_decodes_any_input_without_panicking_and_round_trips() {
    // Panics are caught and reported per input; keep the default hook quiet meanwhile.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let operations = operations();
    let mut specs: BTreeMap<&str, Spec> = BTreeMap::new();
    for entry in &operations {
        specs
            .entry(entry.spec)
            .or_insert_with(|| Spec::load(entry.spec));
    }
    let scale = scale();
    let mut tally = Tally::default();
    for (index, entry) in operations.iter().enumerate() {
        let spec = &specs[entry.spec];
        let mut rng =
            fastrand::Rng::with_seed(seed() ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        for _ in 0..SHAPED * scale {
            let status = entry.success[rng.usize(..entry.success.len())];
            let Some(schema) = spec.answer_schema(entry.id, status) else {
                continue;
            };
            let value = spec.shaped(schema, &mut rng, false, 0);
            let body = serde_json::to_vec(&value).expect("JSON encodes");
            let result = run_check(entry, status, &body);
            tally.record(entry, "schema-shaped", status, &body, result, true);
        }
        for _ in 0..MUTATED * scale {
            let status = entry.success[rng.usize(..entry.success.len())];
            let Some(schema) = spec.answer_schema(entry.id, status) else {
                continue;
            };
            let value = spec.shaped(schema, &mut rng, true, 0);
            let body = serde_json::to_vec(&value).expect("JSON encodes");
            let result = run_check(entry, status, &body);
            tally.record(entry, "mutated", status, &body, result, false);
        }
        for _ in 0..ARBITRARY_JSON * scale {
            let status = entry.success[rng.usize(..entry.success.len())];
            let body = serde_json::to_vec(&random_json(&mut rng, 4)).expect("JSON encodes");
            let result = run_check(entry, status, &body);
            tally.record(entry, "arbitrary JSON", status, &body, result, false);
        }
        for _ in 0..ARBITRARY_BYTES * scale {
            let status = entry.success[rng.usize(..entry.success.len())];
            let body: Vec<u8> = if rng.bool() {
                jsonish_bytes(&mut rng)
            } else {
                (0..rng.usize(..256)).map(|_| rng.u8(..)).collect()
            };
            let result = run_check(entry, status, &body);
            tally.record(entry, "arbitrary bytes", status, &body, result, false);
        }
    }
    std::panic::set_hook(hook);
    eprintln!(
        "{} operations, {} inputs, {} decoded (and round-tripped), {} failures",
        operations.len(),
        tally.inputs,
        tally.decoded,
        tally.failures.len()
    );
    assert!(
        operations.len() > 700,
        "the table lists {} operations",
        operations.len()
    );
    assert!(
        tally.failures.is_empty(),
        "{} failure(s):\n{}",
        tally.failures.len(),
        tally.failures.join("\n\n")
    );
}
