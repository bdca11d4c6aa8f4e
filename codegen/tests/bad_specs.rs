//! Snapshot tests of the generator's error text for bad specs.
//!
//! Every `NAME.yaml` under `tests/fixtures/bad/` is a small spec with exactly one defect
//! (named after it in the file name and in its first comment), except
//! `multiple-defects.yaml`, which shows that one run reports every problem. The fixture is
//! parsed and lowered under the file name `tests/fixtures/bad/NAME.yaml`; each reported
//! problem becomes one line `pointer: reason`, in the order `Diagnostics::into_sorted`
//! gives, and the lines must equal `NAME.errors` exactly. These are failures too: a fixture
//! that lowers without errors, a missing `.errors` file, a `.errors` file without its
//! fixture, a reason that spans several lines, and a generator that panics or crashes (it
//! must never do either on spec input).
//!
//! To rewrite the `.errors` files from what the generator reports now, run
//!
//! ```text
//! UPDATE_ERROR_SNAPSHOTS=1 cargo test -p codegen --test bad_specs
//! ```
//!
//! and review the diff by eye: every line must name the right pointer and say clearly what
//! is wrong.
//!
//! Each fixture is its own test, named after it (this file is a custom harness,
//! `harness = false`, on `libtest-mimic`): a new fixture file is picked up without code
//! changes, a failure names its fixture, and
//!
//! ```text
//! cargo test -p codegen --test bad_specs circular-ref
//! ```
//!
//! runs one. Two more tests check the folder itself: no `.errors` file without its fixture,
//! and at least [`MIN_FIXTURES`] fixtures.
//!
//! Each fixture is lowered in a child process (this test binary again, with
//! `BAD_SPECS_CHILD_FIXTURE=NAME`), under `catch_unwind`: a panic is reported with its
//! message, and a crash that `catch_unwind` cannot stop (a stack overflow aborts the whole
//! process) fails that fixture only.

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::process::{Command, ExitCode};

use codegen::diagnostics::SpecError;
use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::{json, Value};

/// Where the fixtures are, relative to the crate root; also the prefix of the file names
/// given to the generator.
const FIXTURE_DIR: &str = "tests/fixtures/bad";

/// The fewest fixtures the suite must hold.
const MIN_FIXTURES: usize = 14;

/// The environment variable that turns the comparison into a rewrite of the snapshots.
const UPDATE_VAR: &str = "UPDATE_ERROR_SNAPSHOTS";

/// The environment variable that makes this test a child lowering one fixture.
const CHILD_VAR: &str = "BAD_SPECS_CHILD_FIXTURE";

/// Precedes the JSON outcome a child prints on its standard output.
const OUTCOME_MARKER: &str = "bad-specs outcome: ";

/// What the generator did with one fixture.
#[derive(Debug)]
enum Outcome {
    /// Loading or lowering reported these problems.
    Errors(Vec<SpecError>),
    /// The fixture was accepted although it has a defect.
    Accepted,
    /// Lowering failed without reporting any problem.
    SilentFailure,
    /// The generator panicked, with this message.
    Panicked(String),
    /// The child process died without reporting an outcome (for example a stack overflow).
    Crashed(String),
}

fn main() -> ExitCode {
    if let Ok(name) = std::env::var(CHILD_VAR) {
        return lower_as_child(name);
    }
    let arguments = Arguments::from_args();
    let update = std::env::var(UPDATE_VAR).is_ok_and(|v| v == "1");
    let fixtures = fixture_names();
    let count = fixtures.len();
    let orphans = orphan_snapshots(&fixtures);
    let mut trials = vec![
        Trial::test("every_snapshot_has_its_fixture", move || {
            if orphans.is_empty() {
                Ok(())
            } else {
                Err(orphans.join("\n").into())
            }
        }),
        Trial::test("the_folder_holds_enough_fixtures", move || {
            if count >= MIN_FIXTURES {
                Ok(())
            } else {
                Err(format!(
                    "expected at least {MIN_FIXTURES} fixtures in {FIXTURE_DIR}, found {count}"
                )
                .into())
            }
        }),
    ];
    trials.extend(fixtures.into_iter().map(|name| {
        Trial::test(name.clone(), move || {
            check_fixture(&name, update).map_err(Failed::from)
        })
        .with_kind("bad spec")
    }));
    libtest_mimic::run(&arguments, trials).exit_code()
}

/// The child's whole run: lowers one fixture and prints the outcome for the parent. The
/// lowering runs on a thread of the default test stack size, as a test does.
fn lower_as_child(name: String) -> ExitCode {
    let outcome = std::thread::spawn(move || lower_fixture(&name))
        .join()
        .unwrap_or_else(|payload| Outcome::Panicked(panic_message(payload.as_ref())));
    println!("{OUTCOME_MARKER}{}", outcome_to_json(&outcome));
    ExitCode::SUCCESS
}

/// The fixture folder.
fn fixture_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE_DIR)
}

/// The stems of the files with this extension in the fixture folder, sorted.
fn stems_with_extension(extension: &str) -> Vec<String> {
    let dir = fixture_dir();
    let entries =
        fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let mut stems: Vec<String> = entries
        .map(|entry| entry.expect("a directory entry can be read").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == extension))
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_owned()))
        .collect();
    stems.sort();
    stems
}

/// The names of the `.yaml` fixtures, sorted.
fn fixture_names() -> Vec<String> {
    stems_with_extension("yaml")
}

/// `.errors` files without a fixture: left behind by a rename, they would test nothing.
fn orphan_snapshots(fixtures: &[String]) -> Vec<String> {
    stems_with_extension("errors")
        .into_iter()
        .filter(|stem| !fixtures.contains(stem))
        .map(|stem| format!("{stem}.errors: there is no {stem}.yaml for this snapshot"))
        .collect()
}

/// Lowers one fixture in a child process and compares (or, when updating, rewrites) its
/// snapshot.
fn check_fixture(name: &str, update: bool) -> Result<(), String> {
    let file = format!("{FIXTURE_DIR}/{name}.yaml");
    let errors = match lower_in_child(name) {
        Outcome::Errors(errors) => errors,
        Outcome::Accepted => {
            return Err("the generator accepted the spec; its defect went undetected".into())
        }
        Outcome::SilentFailure => {
            return Err("the generator failed without reporting any problem".into())
        }
        Outcome::Panicked(message) => {
            return Err(format!(
                "the generator panicked (it must report spec problems instead): {message}"
            ))
        }
        Outcome::Crashed(details) => {
            return Err(format!(
            "the generator crashed the process (it must report spec problems instead):\n{details}"
        ))
        }
    };
    if let Some(other) = errors.iter().find(|e| e.file != file) {
        return Err(format!(
            "a problem names the file `{}` instead of `{file}`: {other}",
            other.file
        ));
    }
    let actual = render(&errors);
    let snapshot = format!("{name}.errors");
    let snapshot_path = fixture_dir().join(&snapshot);
    if update {
        fs::write(&snapshot_path, &actual).map_err(|e| format!("cannot write {snapshot}: {e}"))?;
    }
    if let Some(other) = errors.iter().find(|e| e.reason.contains('\n')) {
        return Err(format!(
            "a reason spans several lines (each problem must be one line): {other}"
        ));
    }
    if update {
        return Ok(());
    }
    let expected = fs::read_to_string(&snapshot_path).map_err(|e| {
        format!(
            "cannot read {snapshot} ({e}); run with {UPDATE_VAR}=1 to create it. The generator reports:\n{actual}"
        )
    })?;
    if expected == actual {
        Ok(())
    } else {
        Err(format!(
            "the reported problems differ from {snapshot}\n--- expected\n{expected}+++ actual\n{actual}"
        ))
    }
}

/// Runs this test binary again to lower one fixture, so that even an abort of the process
/// fails only that fixture.
fn lower_in_child(name: &str) -> Outcome {
    let exe = std::env::current_exe().expect("the test binary knows its own path");
    let output = Command::new(exe)
        .env(CHILD_VAR, name)
        .env_remove(UPDATE_VAR)
        .output();
    let output = match output {
        Ok(output) => output,
        Err(e) => return Outcome::Crashed(format!("cannot start the child process: {e}")),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let reported = stdout
        .lines()
        .find_map(|line| Some(&line[line.find(OUTCOME_MARKER)? + OUTCOME_MARKER.len()..]))
        .and_then(|json| serde_json::from_str::<Value>(json).ok())
        .and_then(|json| outcome_from_json(&json));
    reported.unwrap_or_else(|| {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(8).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        Outcome::Crashed(format!(
            "the child exited with {} and no outcome; its stderr ends with:\n{}",
            output.status,
            tail.join("\n")
        ))
    })
}

/// Parses and lowers one fixture in this process, catching any panic of the generator.
fn lower_fixture(name: &str) -> Outcome {
    let path = fixture_dir().join(format!("{name}.yaml"));
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => return Outcome::Crashed(format!("cannot read {}: {e}", path.display())),
    };
    let file = format!("{FIXTURE_DIR}/{name}.yaml");
    let crate_name = format!("fixture-{name}");
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let doc = codegen::load::parse(&text, &file)?;
        codegen::lower::lower(&doc, &crate_name).map(drop)
    }));
    match result {
        Ok(Ok(())) => Outcome::Accepted,
        Ok(Err(diagnostics)) if diagnostics.is_empty() => Outcome::SilentFailure,
        Ok(Err(diagnostics)) => Outcome::Errors(diagnostics.into_sorted()),
        Err(payload) => Outcome::Panicked(panic_message(payload.as_ref())),
    }
}

/// The outcome as one line of JSON, for the parent process.
fn outcome_to_json(outcome: &Outcome) -> Value {
    match outcome {
        Outcome::Errors(errors) => {
            let errors: Vec<Value> = errors
                .iter()
                .map(|e| json!({"file": e.file, "pointer": e.pointer, "reason": e.reason}))
                .collect();
            json!({"errors": errors})
        }
        Outcome::Accepted => json!({"accepted": true}),
        Outcome::SilentFailure => json!({"silent_failure": true}),
        Outcome::Panicked(message) => json!({"panicked": message}),
        Outcome::Crashed(details) => json!({"crashed": details}),
    }
}

/// The outcome a child printed, if it is well formed.
fn outcome_from_json(json: &Value) -> Option<Outcome> {
    let text = |value: &Value, key: &str| value.get(key)?.as_str().map(str::to_owned);
    if let Some(errors) = json.get("errors").and_then(Value::as_array) {
        let errors = errors
            .iter()
            .map(|e| {
                Some(SpecError {
                    file: text(e, "file")?,
                    pointer: text(e, "pointer")?,
                    reason: text(e, "reason")?,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        return Some(Outcome::Errors(errors));
    }
    if json.get("accepted").is_some() {
        return Some(Outcome::Accepted);
    }
    if json.get("silent_failure").is_some() {
        return Some(Outcome::SilentFailure);
    }
    if let Some(message) = text(json, "panicked") {
        return Some(Outcome::Panicked(message));
    }
    text(json, "crashed").map(Outcome::Crashed)
}

/// The snapshot text: one `pointer: reason` line per problem.
fn render(errors: &[SpecError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}\n", e.pointer, e.reason))
        .collect()
}

/// The message of a panic payload (`panic!` gives a `&str` or a `String`).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_owned()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "(a panic without a message)".to_owned()
    }
}
