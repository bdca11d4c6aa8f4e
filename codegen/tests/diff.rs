//! Tests of `codegen diff`: the comparison of lowered services on fixture spec pairs, the
//! rendering of the report, and the git path end to end.
//!
//! Each folder under `tests/fixtures/diff/` is one case: `old.yaml` and `new.yaml` are small
//! specs whose first comment says what changes between them. Both are parsed and lowered as
//! crate `fixture-<case>`, and the test of the case lists every change the comparison must
//! report, with its classification; a change that is not listed fails the test too.

use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::diff::{self, Change, DiffError, Report};
use codegen::ir::Service;
use codegen::Settings;

/// Where the cases are, relative to the crate root.
const FIXTURE_DIR: &str = "tests/fixtures/diff";

/// Parses and lowers one side of a case.
fn lower_fixture(case: &str, side: &str) -> Service {
    let file = format!("{FIXTURE_DIR}/{case}/{side}.yaml");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(&file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let doc = codegen::load::parse(&text, &file).unwrap_or_else(|e| panic!("{file}:\n{e}"));
    codegen::lower::lower(&doc, &format!("fixture-{case}"))
        .unwrap_or_else(|e| panic!("{file} does not lower:\n{e}"))
}

fn compare_case(case: &str) -> Report {
    diff::compare(&[lower_fixture(case, "old")], &[lower_fixture(case, "new")])
}

/// One expected change: breaking or not, its exact location, and a part of its description.
type Expected<'a> = (bool, &'a str, &'a str);

const BREAKING: bool = true;
const COMPATIBLE: bool = false;

/// Asserts that the report holds exactly the expected changes, each classified as expected.
fn assert_changes(report: &Report, expected: &[Expected<'_>]) {
    let shown = report.to_string();
    for &(breaking, location, description) in expected {
        let found: Vec<&Change> = report
            .changes
            .iter()
            .filter(|c| c.location == location && c.description.contains(description))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "expected one change at {location} saying `{description}`; the report:\n{shown}"
        );
        assert_eq!(
            found[0].breaking, breaking,
            "wrong classification of {location}: {}; the report:\n{shown}",
            found[0].description
        );
    }
    assert_eq!(
        report.changes.len(),
        expected.len(),
        "the report holds changes that are not expected:\n{shown}"
    );
    let breaking = expected.iter().filter(|e| e.0).count();
    assert_eq!(report.breaking_count(), breaking);
    assert_eq!(report.has_breaking(), breaking > 0);
    assert!(
        shown.ends_with(&format!(
            "{breaking} breaking, {} compatible",
            expected.len() - breaking
        )),
        "{shown}"
    );
}

#[test]
fn unchanged_spec_reports_nothing() {
    // The two sides differ in documentation only, which is not part of the compared API.
    let report = compare_case("unchanged");
    assert_changes(&report, &[]);
    assert_eq!(
        report.to_string(),
        "no changes to the generated API\n0 breaking, 0 compatible"
    );
    let service = lower_fixture("unchanged", "old");
    let same = std::slice::from_ref(&service);
    assert!(diff::compare(same, same).changes.is_empty());
}

#[test]
fn operations_added_removed_moved_and_deprecated() {
    assert_changes(
        &compare_case("operations"),
        &[
            (BREAKING, "operation `delete_job` (DeleteJob)", "removed"),
            (
                BREAKING,
                "operation `restart_job` (RestartJob)",
                "now `PUT /v2/{project_id}/jobs/{job_id}/restart` (was `POST /v1/{project_id}/jobs/{job_id}/restart`)",
            ),
            (COMPATIBLE, "operation `list_jobs_v2` (ListJobsV2)", "added"),
            (
                COMPATIBLE,
                "operation `list_jobs` (ListJobs)",
                "deprecated (replaced by `list_jobs_v2`)",
            ),
            (
                COMPATIBLE,
                "operation `show_job` (ShowJob)",
                "no longer deprecated",
            ),
        ],
    );
}

#[test]
fn parameters() {
    let op = "operation `list_jobs` (ListJobs), parameter";
    assert_changes(
        &compare_case("parameters"),
        &[
            (BREAKING, &format!("{op} `limit`"), "now required"),
            (BREAKING, &format!("{op} `offset`"), "removed"),
            (BREAKING, &format!("{op} `owner`"), "added as required"),
            (
                BREAKING,
                &format!("{op} `page`"),
                "type changed from `i32` to `i64`",
            ),
            (
                BREAKING,
                &format!("{op} `page_size`"),
                "now sent as query parameter `page_size` (was query parameter `pageSize`)",
            ),
            (
                BREAKING,
                &format!("{op} `x_trace`"),
                "now sent as query parameter `x_trace` (was header `X-Trace`)",
            ),
            (COMPATIBLE, &format!("{op} `marker`"), "now optional"),
            (COMPATIBLE, &format!("{op} `name`"), "added (optional)"),
        ],
    );
}

#[test]
fn request_bodies() {
    let body = |op: &str, id: &str| format!("operation `{op}` ({id}), request body");
    assert_changes(
        &compare_case("bodies"),
        &[
            (BREAKING, &body("delete_job", "DeleteJob"), "removed"),
            (
                BREAKING,
                &body("rename_job", "RenameJob"),
                "type changed from `JobSpec` to `RenameRequest`",
            ),
            (
                BREAKING,
                &body("stop_job", "StopJob"),
                "added as required `JobSpec`",
            ),
            (BREAKING, &body("update_job", "UpdateJob"), "now required"),
            (COMPATIBLE, &body("create_job", "CreateJob"), "now optional"),
            (
                COMPATIBLE,
                &body("start_job", "StartJob"),
                "added as optional `JobSpec`",
            ),
        ],
    );
}

#[test]
fn outputs() {
    let output = |op: &str, id: &str| format!("operation `{op}` ({id}), output");
    assert_changes(
        &compare_case("outputs"),
        &[
            (
                BREAKING,
                &output("show_job", "ShowJob"),
                "type changed from `Job` to `JobDetail`",
            ),
            (
                BREAKING,
                &output("run_job", "RunJob"),
                "type changed from `()` to `Job`",
            ),
            (
                BREAKING,
                &output("create_job", "CreateJob"),
                "variant `CreateJobOutput::Status200` (status 200) added",
            ),
            (
                BREAKING,
                &output("start_job", "StartJob"),
                "variant `StartJobOutput::Status202` now holds no body (was `JobAnswer`)",
            ),
            (
                COMPATIBLE,
                &output("delete_job", "DeleteJob"),
                "success status changed from 204 to 202",
            ),
            (
                COMPATIBLE,
                &output("list_jobs", "ListJobs"),
                "success statuses changed from 200 to 200, 206",
            ),
        ],
    );
}

#[test]
fn struct_fields() {
    let request = |field: &str| format!("type `CreateJobRequest`, field `{field}`");
    let answer = |field: &str| format!("type `Job`, field `{field}`");
    assert_changes(
        &compare_case("struct-fields"),
        &[
            // A request type: callers build it, so even an optional field breaks them.
            (
                BREAKING,
                &request("note"),
                "added as optional `String` (requests use `CreateJobRequest`",
            ),
            (BREAKING, &request("owner"), "added as required `String`"),
            (BREAKING, &request("legacy"), "removed"),
            (
                BREAKING,
                &request("priority"),
                "type changed from `i32` to `i64`",
            ),
            (
                BREAKING,
                &request("retries"),
                "now required (`Option<i32>` becomes `i32`)",
            ),
            (
                BREAKING,
                &request("name"),
                "now optional (`String` becomes `Option<String>`)",
            ),
            (
                BREAKING,
                &request("job_name"),
                "wire name changed from `jobName` to `job_name`",
            ),
            // Reached from the request type through a field.
            (
                BREAKING,
                "type `Schedule`, field `timezone`",
                "added as optional `String` (requests use `Schedule`",
            ),
            // Only answers use `Job`.
            (
                COMPATIBLE,
                &answer("finished_at"),
                "added as optional `String` (only answers use `Job`)",
            ),
            (BREAKING, &answer("legacy_id"), "removed"),
            (
                BREAKING,
                &answer("state"),
                "type changed from `String` to `i32`",
            ),
        ],
    );
}

#[test]
fn enum_values() {
    assert_changes(
        &compare_case("enums"),
        &[
            (
                BREAKING,
                "type `JobStatus`, value `failed`",
                "removed (variant `Failed`)",
            ),
            (
                COMPATIBLE,
                "type `JobStatus`, value `cancelled`",
                "added (variant `Cancelled`",
            ),
        ],
    );
}

/// Types that become identical to another one are generated as its alias: the name stays
/// and the shape is judged as usual (an added enum value is compatible, a removed field of
/// an answer breaking); nothing is reported about the references that now name the
/// canonical type.
#[test]
fn identical_types_merge() {
    assert_changes(
        &compare_case("merges"),
        &[
            (
                COMPATIBLE,
                "type `JobStatus`",
                "now an alias of the identical `JobPhase`",
            ),
            (
                COMPATIBLE,
                "type `JobPhase`, value `failed`",
                "added (variant `Failed`",
            ),
            (
                COMPATIBLE,
                "type `Creator`",
                "now an alias of the identical `Owner`",
            ),
            (BREAKING, "type `Creator`, field `name`", "removed"),
        ],
    );
}

#[test]
fn types_added_removed_and_reshaped() {
    assert_changes(
        &compare_case("types"),
        &[
            (BREAKING, "type `Legacy`", "removed"),
            (BREAKING, "type `Kind`", "kind changed from enum to struct"),
            (
                BREAKING,
                "type `Tags`",
                "now an alias of `Vec<i64>` (was `Vec<String>`)",
            ),
            (COMPATIBLE, "type `Note`", "added (struct)"),
        ],
    );
}

#[test]
fn error_codes_and_regions() {
    assert_changes(
        &compare_case("service"),
        &[
            (
                BREAKING,
                "region `ap-southeast-1`",
                "removed (was `jobs.ap-southeast-1.example.com`)",
            ),
            (
                COMPATIBLE,
                "region `la-south-2`",
                "added (`jobs.la-south-2.example.com`)",
            ),
            (
                COMPATIBLE,
                "region `eu-west-101`",
                "host changed from `jobs.eu-west-101.example.eu` to `jobs.eu-west-101.example.com`",
            ),
            (
                COMPATIBLE,
                "client",
                "default host changed from `jobs.cn-north-4.example.com` to `jobs.myhuaweicloud.com`",
            ),
            (COMPATIBLE, "error code `JOB.0001`", "message changed"),
            (
                COMPATIBLE,
                "error code `JOB.0002`",
                "status changed from 400 to 429",
            ),
            (COMPATIBLE, "error code `JOB.0003`", "removed"),
            (
                COMPATIBLE,
                "error code `JOB.0004`",
                "added (status 409: The job is busy.)",
            ),
        ],
    );
}

#[test]
fn crates_added_and_removed() {
    let service = lower_fixture("unchanged", "old");
    let removed = diff::compare(std::slice::from_ref(&service), &[]);
    assert_changes(
        &removed,
        &[(BREAKING, "crate", "removed (its spec tests/fixtures/diff")],
    );
    assert_eq!(removed.changes[0].crate_name, "fixture-unchanged");
    let added = diff::compare(&[], std::slice::from_ref(&service));
    assert_changes(
        &added,
        &[(COMPATIBLE, "crate", "added (from tests/fixtures/diff")],
    );
}

#[test]
fn report_groups_by_crate_with_breaking_changes_first() {
    let mut added = lower_fixture("unchanged", "new");
    added.crate_name = "fixture-added".to_owned();
    added.spec_file = "spec/fixture/added.yaml".to_owned();
    let old = [
        lower_fixture("unchanged", "old"),
        lower_fixture("enums", "old"),
    ];
    let new = [lower_fixture("enums", "new"), added];
    let report = diff::compare(&old, &new);
    let expected = "\
fixture-added
  compatible  crate: added (from spec/fixture/added.yaml)

fixture-enums
  breaking    type `JobStatus`, value `failed`: removed (variant `Failed`)
  compatible  type `JobStatus`, value `cancelled`: added (variant `Cancelled`; the old crate decodes it as `Unknown`)

fixture-unchanged
  breaking    crate: removed (its spec tests/fixtures/diff/unchanged/old.yaml is gone)

2 breaking, 2 compatible";
    assert_eq!(report.to_string(), expected);
    // The same inputs give the same report.
    assert_eq!(diff::compare(&old, &new), report);
}

// ---- The git path, end to end ----

/// Runs git in `dir` with a fixed identity and no user configuration, so that it works on a
/// fresh CI machine.
fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_AUTHOR_NAME", "codegen test")
        .env("GIT_AUTHOR_EMAIL", "codegen-test@example.com")
        .env("GIT_COMMITTER_NAME", "codegen test")
        .env("GIT_COMMITTER_EMAIL", "codegen-test@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap_or_else(|e| panic!("cannot run git: {e}"));
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// An empty git repository for one test.
fn fresh_repo(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("diff-{name}"));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    }
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    git(&dir, &["init", "-q"]);
    dir
}

/// Writes `spec/fixture/<name>.yaml` of the repository from one side of a case.
fn write_spec(repo: &Path, name: &str, case: &str, side: &str) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(FIXTURE_DIR)
        .join(case)
        .join(format!("{side}.yaml"));
    let to = repo.join("spec/fixture").join(format!("{name}.yaml"));
    std::fs::create_dir_all(repo.join("spec/fixture")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(&from, &to)
        .unwrap_or_else(|e| panic!("{} → {}: {e}", from.display(), to.display()));
}

fn commit_all(repo: &Path, message: &str) {
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", message]);
}

/// Runs `codegen diff` on a repository: exit code, stdout, stderr.
fn run_diff(repo: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_codegen"))
        .arg("diff")
        .args(args)
        .arg("--root")
        .arg(repo)
        .output()
        .unwrap_or_else(|e| panic!("cannot run codegen: {e}"));
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn diff_against_a_git_revision() {
    let repo = fresh_repo("git-revision");
    write_spec(&repo, "x", "operations", "old");
    commit_all(&repo, "old API");
    // The working tree changes x.yaml and adds y.yaml (untracked).
    write_spec(&repo, "x", "operations", "new");
    write_spec(&repo, "y", "enums", "new");

    let (code, stdout, stderr) = run_diff(&repo, &["HEAD"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("fixture-x\n  breaking    operation `delete_job` (DeleteJob): removed\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("fixture-y\n  compatible  crate: added (from spec/fixture/y.yaml)\n"),
        "{stdout}"
    );
    assert!(stdout.ends_with("2 breaking, 4 compatible\n"), "{stdout}");
    assert!(stderr.contains("--accept-breaking"), "{stderr}");

    let (code, stdout, _) = run_diff(&repo, &["HEAD", "--accept-breaking"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.ends_with("2 breaking, 4 compatible\n"), "{stdout}");

    // The library entry point gives the same report.
    let report =
        diff::against_revision(&Settings::new(&repo), "HEAD").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((report.breaking_count(), report.compatible_count()), (2, 4));

    // Once committed, the working tree equals HEAD, and the older revision still differs.
    commit_all(&repo, "new API");
    let (code, stdout, stderr) = run_diff(&repo, &["HEAD"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.ends_with("0 breaking, 0 compatible\n"), "{stdout}");
    let (code, stdout, _) = run_diff(&repo, &["HEAD~1"]);
    assert_eq!(code, 1, "{stdout}");
}

#[test]
fn bad_revision_is_a_clear_error() {
    let repo = fresh_repo("bad-revision");
    write_spec(&repo, "x", "unchanged", "old");
    commit_all(&repo, "API");

    let (code, stdout, stderr) = run_diff(&repo, &["no-such-branch"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("error: `no-such-branch` is not a commit of the git repository at"),
        "{stderr}"
    );
    match diff::against_revision(&Settings::new(&repo), "no-such-branch") {
        Err(DiffError::Revision(message)) => {
            assert!(message.contains("no-such-branch"), "{message}")
        }
        other => panic!("expected a revision error, got {other:?}"),
    }

    // A folder outside any repository: the same kind of error, naming git's reason.
    let outside = Path::new(env!("CARGO_TARGET_TMPDIR")).join("diff-not-a-repo");
    std::fs::create_dir_all(&outside).unwrap_or_else(|e| panic!("{e}"));
    match diff::services_at_revision(&outside, "HEAD") {
        Err(DiffError::Revision(message)) => assert!(message.contains("HEAD"), "{message}"),
        // Under a repository after all (a target dir inside a checkout): HEAD resolves.
        Err(other) => panic!("expected a revision error, got {other}"),
        Ok(_) => {}
    }

    let (code, _, stderr) = run_diff(&repo, &["--no-such-option"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn spec_that_does_not_lower_at_the_revision_is_a_clear_error() {
    let repo = fresh_repo("broken-old-spec");
    std::fs::create_dir_all(repo.join("spec/fixture")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        repo.join("spec/fixture/x.yaml"),
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    commit_all(&repo, "broken API");
    write_spec(&repo, "x", "unchanged", "new");

    let (code, stdout, stderr) = run_diff(&repo, &["HEAD"]);
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert!(
        stderr.starts_with("error: the specs at revision `HEAD` (commit "),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: spec/fixture/x.yaml: #/x-protocol: missing `x-protocol`"),
        "{stderr}"
    );
}

#[test]
fn paging_and_jobs_added_and_removed() {
    // The showcase spec, and the same spec without its paging and job extensions.
    let file = "tests/fixtures/good/fixture/showcase-rest.yaml";
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
        .expect("the showcase spec");
    let mut bare: serde_yaml::Value = serde_yaml::from_str(&text).expect("YAML");
    if let Some(root) = bare.as_mapping_mut() {
        root.remove("x-job-poller");
    }
    if let Some(paths) = bare.get_mut("paths").and_then(|p| p.as_mapping_mut()) {
        for (_, item) in paths.iter_mut() {
            for (_, op) in item.as_mapping_mut().into_iter().flatten() {
                if let Some(op) = op.as_mapping_mut() {
                    op.remove("x-pagination");
                    op.remove("x-job");
                }
            }
        }
    }
    let bare_text = serde_yaml::to_string(&bare).expect("YAML");
    let lower = |text: &str| {
        let doc = codegen::load::parse(text, file).unwrap_or_else(|e| panic!("{e}"));
        codegen::lower::lower(&doc, "fixture-showcase-rest").unwrap_or_else(|e| panic!("{e}"))
    };
    let (with, without) = (lower(&text), lower(&bare_text));

    let added = diff::compare(std::slice::from_ref(&without), std::slice::from_ref(&with));
    assert_changes(
        &added,
        &[
            (
                COMPATIBLE,
                "client",
                "`wait_for_job` added (polls `show_widget_job`)",
            ),
            (
                COMPATIBLE,
                "operation `list_widgets` (ListWidgets)",
                "now paged",
            ),
            (
                COMPATIBLE,
                "operation `list_widget_events` (ListWidgetEvents)",
                "now paged",
            ),
            (
                COMPATIBLE,
                "operation `list_widget_versions` (ListWidgetVersions)",
                "now paged",
            ),
            (
                COMPATIBLE,
                "operation `delete_widget_async` (DeleteWidgetAsync)",
                "now starts a job",
            ),
        ],
    );
    let removed = diff::compare(&[with], &[without]);
    assert_changes(
        &removed,
        &[
            (BREAKING, "client", "no longer has `wait_for_job`"),
            (
                BREAKING,
                "operation `list_widgets` (ListWidgets)",
                "no longer paged",
            ),
            (
                BREAKING,
                "operation `list_widget_events` (ListWidgetEvents)",
                "no longer paged",
            ),
            (
                BREAKING,
                "operation `list_widget_versions` (ListWidgetVersions)",
                "no longer paged",
            ),
            (
                BREAKING,
                "operation `delete_widget_async` (DeleteWidgetAsync)",
                "no longer starts a job",
            ),
        ],
    );
}

/// The change `codegen/tests/downstream` compiles user code against, both ways: an enum value
/// and an optional field of an answer-only struct added. The report calls both compatible,
/// and the downstream crate proves it.
#[test]
fn the_compiled_compatible_change_is_reported_compatible() {
    let lower = |side: &str| {
        let file = format!("tests/fixtures/good/fixture/compat-{side}.yaml");
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(&file);
        let text = std::fs::read_to_string(&path).expect("the fixture reads");
        let doc = codegen::load::parse(&text, &file).expect("the fixture parses");
        codegen::lower::lower(&doc, "fixture-compat").expect("the fixture lowers")
    };
    let report = diff::compare(&[lower("before")], &[lower("after")]);
    assert_changes(
        &report,
        &[
            (
                COMPATIBLE,
                "type `WidgetState`, value `broken`",
                "added (variant `Broken`",
            ),
            (
                COMPATIBLE,
                "type `Widget`, field `size`",
                "added as optional `i32` (only answers use `Widget`)",
            ),
        ],
    );
}
