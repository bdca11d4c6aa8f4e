//! Command line of the generator: `cargo run -p codegen` regenerates every crate from
//! `spec/`; `--check` only reports (and exits non-zero) when `generated/` is not fresh;
//! `diff <rev>` reviews how the specs changed since a git revision.

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;

use codegen::diff::{self, DiffError};
use codegen::{GenerateError, Settings};

const USAGE: &str = "usage: codegen [--check] [--root DIR]
       codegen diff <rev> [--accept-breaking] [--root DIR]
       codegen lint <spec.yaml>...

Regenerates every crate in generated/ from the specs in spec/.
  --check     write nothing; exit 1 and list the files that differ
  --root DIR  the workspace root (default: the repository this binary was built from)

diff <rev> compares the specs in spec/ at git revision <rev> (`origin/main`, `HEAD`, …)
with the working tree and lists every change of the generated API, breaking or compatible.
It exits 0 when nothing is breaking, 1 when something is.
  --accept-breaking  exit 0 even when changes are breaking

lint loads and lowers the given spec files (anywhere on disk) and lists every problem,
without writing or comparing generated code; it exits 3 when a spec does not lower. It
also lists the groups of identical schemas that are generated as one type, so that the
spec can name them (a named component schema becomes the group's name).

Exit codes: 2 usage errors (a revision git does not know included), 3 specs that do not
lower, 4 files or git that cannot be read.";

/// What the command line asks for.
enum Mode {
    /// Regenerate, or with `check` only compare.
    Generate { check: bool },
    /// Review the change since a revision.
    Diff {
        revision: String,
        accept_breaking: bool,
    },
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("lint") {
        return lint(&args[1..]);
    }
    let mut check = false;
    let mut accept_breaking = false;
    let mut root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let mut positional = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--accept-breaking" => accept_breaking = true,
            "--root" => match args.next() {
                Some(dir) => root = PathBuf::from(dir),
                None => return usage_error("--root needs a directory"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other if other.starts_with('-') || (positional.is_empty() && other != "diff") => {
                return usage_error(&format!("unknown argument `{other}`"));
            }
            _ => positional.push(arg),
        }
    }
    let mode = match positional.as_slice() {
        [] if accept_breaking => return usage_error("--accept-breaking is an option of `diff`"),
        [] => Mode::Generate { check },
        [_diff] => return usage_error("`diff` needs a git revision (`codegen diff origin/main`)"),
        [_diff, _] if check => return usage_error("--check is not an option of `diff`"),
        [_diff, revision] => Mode::Diff {
            revision: revision.clone(),
            accept_breaking,
        },
        [_, _, extra, ..] => return usage_error(&format!("unexpected argument `{extra}`")),
    };
    let settings = Settings::new(root);
    match mode {
        Mode::Generate { check } => generate(&settings, check),
        Mode::Diff {
            revision,
            accept_breaking,
        } => review(&settings, &revision, accept_breaking),
    }
}

fn generate(settings: &Settings, check: bool) -> ExitCode {
    let result = if check {
        codegen::check(settings)
    } else {
        codegen::write_all(settings)
    };
    match result {
        Ok(paths) if check && !paths.is_empty() => {
            eprintln!("generated/ is not fresh; these files differ from what the specs produce:");
            for path in &paths {
                eprintln!("  {path}");
            }
            eprintln!("run `cargo run -p codegen` and commit the result");
            ExitCode::FAILURE
        }
        Ok(_) if check => {
            println!("generated/ is fresh");
            ExitCode::SUCCESS
        }
        Ok(paths) => {
            for path in &paths {
                println!("wrote {path}");
            }
            println!("{} file(s) changed", paths.len());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{}", chain(&error));
            match error {
                GenerateError::Spec(_) => ExitCode::from(3),
                GenerateError::Io { .. } | GenerateError::Internal(_) => ExitCode::from(4),
            }
        }
    }
}

/// `diff <rev>`: prints the report; fails when a change is breaking and not accepted.
fn review(settings: &Settings, revision: &str, accept_breaking: bool) -> ExitCode {
    match diff::against_revision(settings, revision) {
        Ok(report) => {
            println!("API changes from `{revision}` to the working tree (spec/):\n");
            println!("{report}");
            if !report.has_breaking() {
                ExitCode::SUCCESS
            } else if accept_breaking {
                eprintln!("breaking changes accepted (--accept-breaking)");
                ExitCode::SUCCESS
            } else {
                eprintln!(
                    "{} breaking change(s); if they are intended, rerun with --accept-breaking",
                    report.breaking_count()
                );
                ExitCode::FAILURE
            }
        }
        Err(error) => {
            eprintln!("{}", chain(&error));
            match error {
                DiffError::Revision(_) => ExitCode::from(2),
                DiffError::Spec { .. } => ExitCode::from(3),
                DiffError::Git(_) | DiffError::Io { .. } => ExitCode::from(4),
            }
        }
    }
}

/// `lint <file>...`: loads and lowers each spec file and prints every problem found.
fn lint(files: &[String]) -> ExitCode {
    if files.is_empty() {
        return usage_error("`lint` needs at least one spec file");
    }
    let mut failed = false;
    for file in files {
        let path = PathBuf::from(file);
        let lowered = codegen::load::load(&path, file).and_then(|doc| {
            let crate_name = codegen::names::crate_name_of_spec(file);
            codegen::lower::lower(&doc, &crate_name)
        });
        match lowered {
            Ok(service) => {
                let aliases: usize = service.merged_types.iter().map(|g| g.aliases.len()).sum();
                println!(
                    "{file}: {} operations, {} types ({aliases} of them identical to another \
                     and generated as its alias)",
                    service.operations.len(),
                    service.types.len()
                );
                for group in &service.merged_types {
                    println!(
                        "  identical schemas, generated once as `{}`:",
                        group.canonical
                    );
                    for (alias, pointer) in &group.aliases {
                        println!("    {alias} ({pointer})");
                    }
                }
            }
            Err(diagnostics) => {
                failed = true;
                eprintln!("{diagnostics}");
            }
        }
    }
    if failed {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    }
}

/// An error and its causes, `: ` between them: each level's `Display` says only its own
/// part, so the chain is printed once, here.
fn chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(error) = cause {
        text.push_str(&format!(": {error}"));
        cause = error.source();
    }
    text
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{USAGE}");
    ExitCode::from(2)
}
