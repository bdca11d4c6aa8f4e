//! Snapshot tests of the IR: a lowering change is reviewed as an IR diff before it becomes
//! a generated-code diff.
//!
//! Every `NAME.yaml` under `tests/fixtures/ir/` is a small spec that exercises one feature
//! (its first comment says which). It is loaded and lowered under the file name
//! `tests/fixtures/ir/NAME.yaml`, and the lowered service, serialised as pretty JSON, must
//! equal `tests/ir-snapshots/NAME.json` exactly. Each fixture is its own test, named after
//! it; a fixture without a test, or a snapshot without a fixture, fails too.
//!
//! To rewrite the snapshots from what the generator lowers now, run
//!
//! ```text
//! UPDATE_IR_SNAPSHOTS=1 cargo test -p codegen --test ir_snapshots
//! ```
//!
//! and review the diff of `tests/ir-snapshots/` as the change the lowering makes.

use std::fs;
use std::path::{Path, PathBuf};

/// Where the fixtures are, relative to the crate root; also the prefix of the file names
/// given to the generator.
const FIXTURE_DIR: &str = "tests/fixtures/ir";

/// Where the snapshots are, relative to the crate root.
const SNAPSHOT_DIR: &str = "tests/ir-snapshots";

/// The environment variable that turns the comparison into a rewrite of the snapshots.
const UPDATE_VAR: &str = "UPDATE_IR_SNAPSHOTS";

/// Lines of unchanged context shown around each change of a diff.
const CONTEXT: usize = 3;

/// One test per fixture, and the list of the fixtures that have one.
macro_rules! ir_snapshots {
    ($($test:ident => $fixture:literal,)*) => {
        $(
            #[test]
            fn $test() {
                check_snapshot($fixture);
            }
        )*

        /// Every fixture that has a test.
        const FIXTURES: &[&str] = &[$($fixture),*];
    };
}

ir_snapshots! {
    action_protocol => "action",
    jobs_and_job_poller => "jobs",
    merged_types => "merged-types",
    pagination => "pagination",
    rest_basics => "rest-basics",
    schemas => "schemas",
    waiters => "waiters",
}

fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Lowers one fixture and compares (or, with `UPDATE_IR_SNAPSHOTS=1`, rewrites) its
/// snapshot.
fn check_snapshot(name: &str) {
    let file = format!("{FIXTURE_DIR}/{name}.yaml");
    let text = fs::read_to_string(crate_root().join(&file))
        .unwrap_or_else(|e| panic!("fixture `{name}`: cannot read {file}: {e}"));
    let doc = codegen::load::parse(&text, &file)
        .unwrap_or_else(|errors| panic!("fixture `{name}` does not load:\n{errors}"));
    let crate_name = codegen::names::crate_name_of_spec(&file);
    let service = codegen::lower::lower(&doc, &crate_name)
        .unwrap_or_else(|errors| panic!("fixture `{name}` does not lower:\n{errors}"));
    let lowered = serde_json::to_string_pretty(&service).expect("the IR serialises") + "\n";
    let snapshot = crate_root().join(SNAPSHOT_DIR).join(format!("{name}.json"));
    if std::env::var_os(UPDATE_VAR).is_some_and(|v| v == "1") {
        write_if_changed(&snapshot, &lowered);
        return;
    }
    let Ok(expected) = fs::read_to_string(&snapshot) else {
        panic!(
            "fixture `{name}` has no IR snapshot {SNAPSHOT_DIR}/{name}.json; write it with \
             {UPDATE_VAR}=1 cargo test -p codegen --test ir_snapshots"
        );
    };
    if expected != lowered {
        panic!(
            "the IR of fixture `{name}` ({file}) differs from {SNAPSHOT_DIR}/{name}.json \
             (- snapshot, + lowered now):\n{}\nIf the change is intended, rewrite the snapshot \
             with {UPDATE_VAR}=1 cargo test -p codegen --test ir_snapshots and review it.",
            line_diff(&expected, &lowered)
        );
    }
}

fn write_if_changed(path: &Path, contents: &str) {
    if fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return;
    }
    fs::create_dir_all(path.parent().expect("a snapshot is in a folder"))
        .unwrap_or_else(|e| panic!("cannot create the folder of {}: {e}", path.display()));
    fs::write(path, contents).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// The stems of the files with this extension in a folder of the crate, sorted.
fn stems(dir: &str, extension: &str) -> Vec<String> {
    let mut stems: Vec<String> = fs::read_dir(crate_root().join(dir))
        .unwrap_or_else(|e| panic!("cannot list {dir}: {e}"))
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .filter_map(|path| Some(path.file_stem()?.to_string_lossy().into_owned()))
        .collect();
    stems.sort();
    stems
}

#[test]
fn every_fixture_has_a_test_and_every_snapshot_a_fixture() {
    let fixtures = stems(FIXTURE_DIR, "yaml");
    let untested: Vec<&String> = fixtures
        .iter()
        .filter(|f| !FIXTURES.contains(&f.as_str()))
        .collect();
    assert!(
        untested.is_empty(),
        "fixtures without a test (add them to `ir_snapshots!`): {untested:?}"
    );
    let orphans: Vec<String> = stems(SNAPSHOT_DIR, "json")
        .into_iter()
        .filter(|s| !fixtures.contains(s))
        .collect();
    assert!(
        orphans.is_empty(),
        "snapshots in {SNAPSHOT_DIR} without a fixture in {FIXTURE_DIR}: {orphans:?}"
    );
}

/// A unified diff of two texts by lines (`similar`), with a few unchanged lines around
/// each change.
fn line_diff(old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(CONTEXT)
        .header("snapshot", "lowered now")
        .to_string()
}

#[test]
fn the_diff_names_changed_lines_with_context() {
    let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\n";
    let new = "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\no\n";
    let diff = line_diff(old, new);
    assert!(diff.contains("\n-d\n+D\n"), "{diff}");
    assert!(diff.contains("\n+o\n"), "{diff}");
    assert!(
        !diff.contains(" h\n"),
        "lines far from a change are left out: {diff}"
    );
}
