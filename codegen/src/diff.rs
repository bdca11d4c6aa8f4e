//! Reviewing a spec change: the services lowered from `spec/` at a git revision are compared
//! with those of the working tree, and every difference is described in terms of the
//! generated Rust API and classified as breaking or compatible.
//!
//! Crates are matched by crate name, operations by method name (which the operationId gives),
//! parameters and struct fields by Rust name, types by Rust name, enum values by wire value,
//! regions by region id and error codes by code. Documentation, examples, client-side checks
//! and other details that do not change the generated API or what goes on the wire are not
//! compared.
//!
//! # What counts as breaking
//!
//! A change is breaking when code written against the old crate may stop compiling, or when a
//! call the old crate makes may stop working against the service. The rules follow what
//! `emit` generates:
//!
//! - Crates, operations, types, parameters, struct fields, enum values and regions that are
//!   removed are breaking; crates, operations and types that are added are compatible.
//! - An operation whose operationId, HTTP method, path or fixed query changed is breaking (the
//!   old crate calls what is no longer there). Deprecating an operation, or undoing it, is
//!   compatible and reported.
//! - Parameters are judged by the request builder, the way the generated docs start a call: an
//!   added optional parameter is compatible, an added required one breaking (existing calls
//!   fail in `build`), optional becoming required breaking, required becoming optional
//!   compatible (the setter keeps its signature). A changed type, location, wire name or
//!   encoding is breaking. The request body follows the same rules. (The `<Op>Input` structs
//!   have public fields too, so a struct literal of one needs every new parameter; building
//!   inputs by hand is taken as unsupported.)
//! - A changed output type is breaking; so is any change to the variants of a per-status
//!   output enum (it is not `#[non_exhaustive]`, so matches on it are exhaustive). A changed
//!   list of success statuses with the same output type is compatible and reported.
//! - Struct fields: generated structs have public fields. Structs that only answers reach
//!   are `#[non_exhaustive]` (no struct literal or exhaustive pattern outside the crate), so
//!   a field added to them as optional is compatible: callers read those, and decoding
//!   ignores unknown fields. Structs that requests reach (a parameter or request body type,
//!   directly or through other types, in the old or the new spec) are built by callers with
//!   struct literals, so any field added to them is breaking, even an optional one. A
//!   required field added is always breaking (the struct also loses its `Default` when it
//!   had one). A field whose type, wire name or optionality changed is breaking; required
//!   becoming optional included, since the field's Rust type changes from `T` to
//!   `Option<T>`.
//! - Enum values: generated string enums are `#[non_exhaustive]` and keep values they do not
//!   know in `Unknown(String)`, so an added value is compatible: old and new crates decode
//!   the same answers, and a `match` outside the crate already needs a wildcard arm. A
//!   removed value is breaking.
//! - A type whose kind changed (struct, enum, alias) or an alias whose target changed is
//!   breaking.
//! - Identical schemas are generated once (see `lower::merge`): a type that becomes an alias
//!   of an identical type keeps its name and shape, which is compatible and reported. Both
//!   sides are compared with merged names expanded to their shapes, so a merge, or a type
//!   leaving a merge because its shape changed, is judged by the shape alone.
//! - Documented error codes added, removed or changed are compatible and reported. Regions
//!   added are compatible; regions removed breaking (clients configured for them stop
//!   working); a changed host of a region, or of the default endpoint, is compatible and
//!   reported. A changed protocol is breaking.
//!
//! # Layout
//!
//! `rules` holds the rules above, one function per part of the generated API; `report`
//! holds the changes they record and how a report is printed; `git` reads the specs of
//! `spec/` as they are at a git revision. This module reads the working tree and ties the
//! two sides together.

mod git;
mod report;
mod rules;

use std::fmt;
use std::path::PathBuf;

use crate::diagnostics::{Diagnostics, SpecError};
use crate::ir::Service;
use crate::{list_spec_files, lower_file, Settings, LIST_SPECS};

pub use git::services_at_revision;
pub use report::{Change, Report};
pub use rules::compare;

/// The spec folder that is compared: the vendor specs. The generator's own fixtures are no
/// published API.
pub const SPEC_DIR: &str = "spec";

/// Why the specs of one side could not be read.
#[derive(Debug)]
pub enum DiffError {
    /// The revision is not a commit of the git repository at the root (or the root is not in
    /// a git repository).
    Revision(String),
    /// git could not be run, or failed reading a revision it knows.
    Git(String),
    /// The specs of one side do not lower.
    Spec {
        /// Which side: ``at revision `HEAD` (commit 1a2b3c4)`` or `in the working tree`.
        side: String,
        /// Every problem, sorted.
        errors: Vec<SpecError>,
    },
    /// Reading the working tree failed.
    Io {
        /// What was being done: `list the specs in`.
        action: &'static str,
        /// The file or folder it concerns.
        path: PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiffError::Revision(message) | DiffError::Git(message) => {
                write!(f, "error: {message}")
            }
            DiffError::Io { action, path, .. } => {
                write!(f, "error: cannot {action} {}", path.display())
            }
            DiffError::Spec { side, errors } => {
                writeln!(f, "error: the specs {side} do not lower:")?;
                for error in errors {
                    writeln!(f, "error: {error}")?;
                }
                write!(f, "{} problem(s) found in the specs {side}", errors.len())
            }
        }
    }
}

impl std::error::Error for DiffError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DiffError::Io { source, .. } => Some(source),
            DiffError::Revision(_) | DiffError::Git(_) | DiffError::Spec { .. } => None,
        }
    }
}

/// Compares the specs of `spec/` at `revision` of the git repository at the root with those
/// of the working tree.
pub fn against_revision(settings: &Settings, revision: &str) -> Result<Report, DiffError> {
    let old = services_at_revision(&settings.root, revision)?;
    let new = working_tree_services(settings)?;
    Ok(compare(&old, &new))
}

/// Lowers the specs of `spec/` in the working tree.
pub fn working_tree_services(settings: &Settings) -> Result<Vec<Service>, DiffError> {
    let side = "in the working tree".to_owned();
    let files =
        list_spec_files(&settings.root, SPEC_DIR).map_err(|(path, source)| DiffError::Io {
            action: LIST_SPECS,
            path,
            source,
        })?;
    lower_side(side, &files, |file| Ok(lower_file(settings, file)))
}

/// Lowers every spec file of one side with `lower_one` (which fails when a file cannot be
/// read) and returns the services, or every problem of every file, sorted.
fn lower_side(
    side: String,
    files: &[String],
    mut lower_one: impl FnMut(&str) -> Result<Result<Service, Diagnostics>, DiffError>,
) -> Result<Vec<Service>, DiffError> {
    let mut diagnostics = Diagnostics::default();
    let mut services = Vec::new();
    for file in files {
        match lower_one(file)? {
            Ok(service) => services.push(service),
            Err(errors) => diagnostics.extend(errors),
        }
    }
    if diagnostics.is_empty() {
        Ok(services)
    } else {
        Err(DiffError::Spec {
            side,
            errors: diagnostics.into_sorted(),
        })
    }
}
