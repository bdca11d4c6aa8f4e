//! Reading the specs of `spec/` as they are at a git revision: the revision is resolved to a
//! commit, the spec files are listed and read from it with `git`, and each is lowered.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{lower_side, DiffError, SPEC_DIR};
use crate::diagnostics::{Diagnostics, Pointer};
use crate::ir::Service;
use crate::{load, lower, names};

/// Lowers the specs of `spec/` as they are at `revision` of the git repository at `root`.
pub fn services_at_revision(root: &Path, revision: &str) -> Result<Vec<Service>, DiffError> {
    let commit = resolve_revision(root, revision)?;
    let short: String = commit.chars().take(12).collect();
    let side = format!("at revision `{revision}` (commit {short})");
    let listing = run_git(
        root,
        &["ls-tree", "-r", "-z", "--name-only", &commit, "--", "spec/"],
    )
    .map_err(|failure| {
        failure
            .into_error(|reason| DiffError::Git(format!("cannot list the specs {side}: {reason}")))
    })?;
    let mut files: Vec<String> = String::from_utf8_lossy(&listing)
        .split('\0')
        .filter(|path| is_spec_path(path))
        .map(str::to_owned)
        .collect();
    files.sort();
    lower_side(side.clone(), &files, |file| {
        let blob = run_git(root, &["cat-file", "blob", &format!("{commit}:./{file}")]).map_err(
            |failure| {
                failure.into_error(|reason| {
                    DiffError::Git(format!("cannot read {file} {side}: {reason}"))
                })
            },
        )?;
        let Ok(text) = String::from_utf8(blob) else {
            let mut not_text = Diagnostics::default();
            not_text.push(file, &Pointer::root(), "the file is not UTF-8 text");
            return Ok(Err(not_text));
        };
        Ok(load::parse(&text, file)
            .and_then(|doc| lower::lower(&doc, &names::crate_name_of_spec(file))))
    })
}

/// Whether a path listed by git is a spec as `spec_files` finds them:
/// `spec/<vendor>/<service>.yaml`.
fn is_spec_path(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    matches!(parts.as_slice(), [dir, vendor, file]
        if *dir == SPEC_DIR && !vendor.is_empty() && file.len() > ".yaml".len() && file.ends_with(".yaml"))
}

/// The full commit id a revision names.
fn resolve_revision(root: &Path, revision: &str) -> Result<String, DiffError> {
    if revision.is_empty() || revision.starts_with('-') {
        return Err(DiffError::Revision(format!(
            "`{revision}` is not a git revision"
        )));
    }
    let output = run_git(
        root,
        &["rev-parse", "--verify", &format!("{revision}^{{commit}}")],
    )
    .map_err(|failure| {
        failure.into_error(|reason| {
            DiffError::Revision(format!(
                "`{revision}` is not a commit of the git repository at {}: {reason}",
                root.display()
            ))
        })
    })?;
    let commit = String::from_utf8_lossy(&output).trim().to_owned();
    if commit.is_empty() {
        return Err(DiffError::Revision(format!(
            "git named no commit for `{revision}`"
        )));
    }
    Ok(commit)
}

/// Why a git command failed.
enum GitFailure {
    /// git could not be started.
    Spawn(PathBuf, std::io::Error),
    /// git ran and failed, saying this.
    Failed(String),
}

impl GitFailure {
    /// The error to report: a failed command in the caller's words, a missing git as is.
    fn into_error(self, failed: impl FnOnce(String) -> DiffError) -> DiffError {
        match self {
            GitFailure::Spawn(root, error) => DiffError::Git(format!(
                "cannot run `git` in {}: {error} (is git installed and on the PATH?)",
                root.display()
            )),
            GitFailure::Failed(reason) => failed(reason),
        }
    }
}

/// Runs git in `root` and returns what it printed.
fn run_git(root: &Path, args: &[&str]) -> Result<Vec<u8>, GitFailure> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| GitFailure::Spawn(root.to_owned(), e))?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let reason = stderr
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    Err(GitFailure::Failed(if reason.is_empty() {
        format!("git {} failed ({})", args.join(" "), output.status)
    } else {
        reason
    }))
}
