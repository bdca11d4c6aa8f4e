//! The clouddb code generator: OpenAPI documents in `spec/` become client crates in
//! `generated/`. Loading, lowering to the IR and emitting Rust are separate phases; bad
//! specs are reported with file, JSON pointer and reason, never with a panic.

#![warn(missing_docs, unreachable_pub)]

pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod ir;
pub mod load;
pub mod lower;
pub mod names;
pub mod output;
mod parallel;

use std::fmt;
use std::path::{Path, PathBuf};

use diagnostics::{Diagnostics, SpecError};
use output::RenderedFile;

/// Where the generator reads and writes; the one place for its options.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The workspace root; every other path is relative to it.
    pub root: PathBuf,
    /// Spec folders and the folders their crates are generated into.
    pub targets: Vec<Target>,
}

/// One spec folder (one sub-folder per vendor, one `.yaml` per service) and the folder
/// that holds the crates generated from it, which the generator owns entirely.
#[derive(Debug, Clone)]
pub struct Target {
    /// Folder of the specs, relative to the root.
    pub spec_dir: String,
    /// Folder of the generated crates, relative to the root.
    pub out_dir: String,
}

impl Settings {
    /// The project's layout under `root`: the vendor specs in `spec/` generate
    /// `generated/`, and the showcase specs of the generator's own tests generate the
    /// golden crates in `codegen/tests/golden/`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            targets: vec![
                Target {
                    spec_dir: "spec".to_owned(),
                    out_dir: "generated".to_owned(),
                },
                Target {
                    spec_dir: "codegen/tests/fixtures/good".to_owned(),
                    out_dir: "codegen/tests/golden".to_owned(),
                },
            ],
        }
    }
}

/// Why generation failed.
#[derive(Debug)]
pub enum GenerateError {
    /// The specs have problems; all of them are listed.
    Spec(Vec<SpecError>),
    /// Reading or writing files failed.
    Io {
        /// What the generator was doing: `list the specs in`, `write the generated files
        /// under`, …
        action: &'static str,
        /// The file or folder it concerns.
        path: PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
    /// The generator produced something invalid (a generator bug).
    Internal(String),
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GenerateError::Spec(errors) => {
                for error in errors {
                    writeln!(f, "error: {error}")?;
                }
                write!(f, "{} problem(s) found in the specs", errors.len())
            }
            GenerateError::Io { action, path, .. } => {
                write!(f, "error: cannot {action} {}", path.display())
            }
            GenerateError::Internal(message) => write!(f, "internal error: {message}"),
        }
    }
}

impl std::error::Error for GenerateError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            GenerateError::Io { source, .. } => Some(source),
            GenerateError::Spec(_) | GenerateError::Internal(_) => None,
        }
    }
}

/// What `GenerateError::Io` and `DiffError::Io` say when a spec folder cannot be listed.
pub(crate) const LIST_SPECS: &str = "list the specs in";

/// The spec files of a spec folder, relative to the root, sorted.
pub fn spec_files(settings: &Settings, spec_dir: &str) -> Result<Vec<String>, GenerateError> {
    list_spec_files(&settings.root, spec_dir).map_err(|(path, source)| GenerateError::Io {
        action: LIST_SPECS,
        path,
        source,
    })
}

/// [`spec_files`], failing with the folder that could not be read and why.
pub(crate) fn list_spec_files(
    root: &Path,
    spec_dir: &str,
) -> Result<Vec<String>, (PathBuf, std::io::Error)> {
    let dir = root.join(spec_dir);
    let mut files = Vec::new();
    for vendor in std::fs::read_dir(&dir).map_err(|e| (dir.clone(), e))? {
        let vendor = vendor.map_err(|e| (dir.clone(), e))?.path();
        if !vendor.is_dir() {
            continue;
        }
        let in_vendor = |e: std::io::Error| (vendor.clone(), e);
        for entry in std::fs::read_dir(&vendor).map_err(in_vendor)? {
            let path = entry.map_err(in_vendor)?.path();
            if path.extension().is_some_and(|e| e == "yaml") {
                files.push(relative(root, &path));
            }
        }
    }
    files.sort();
    Ok(files)
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Loads and lowers one spec file (relative to the root).
pub fn lower_file(settings: &Settings, file: &str) -> Result<ir::Service, Diagnostics> {
    let doc = load::load(&settings.root.join(file), file)?;
    lower::lower(&doc, &names::crate_name_of_spec(file))
}

/// Generates every crate of every target, in the order of the pipeline: the spec files are
/// found and loaded, lowered to the IR (every problem of every spec is collected before
/// failing), emitted as Rust and formatted. The files come per target; [`write_all`]
/// writes them and [`check`] compares them with the files on disk.
pub fn generate(settings: &Settings) -> Result<Vec<(Target, Vec<RenderedFile>)>, GenerateError> {
    let specs = find_specs(settings)?;
    let lowered = load_and_lower(settings, &specs)?;
    let formatted = emit_and_format(&lowered)?;
    let files = lowered
        .iter()
        .zip(formatted)
        .map(|((target, services), pieces)| (target.clone(), render(target, services, pieces)))
        .collect();
    Ok(files)
}

/// A spec file to generate from, with the index of its target in [`Settings::targets`].
struct SpecFile {
    target: usize,
    file: String,
}

/// The spec files of every target.
fn find_specs(settings: &Settings) -> Result<Vec<SpecFile>, GenerateError> {
    let mut specs = Vec::new();
    for (target, dir) in settings.targets.iter().enumerate() {
        for file in spec_files(settings, &dir.spec_dir)? {
            specs.push(SpecFile { target, file });
        }
    }
    Ok(specs)
}

/// Every spec loaded and lowered (in parallel: the specs are independent), the services
/// grouped by target; fails with every problem of every spec.
fn load_and_lower(
    settings: &Settings,
    specs: &[SpecFile],
) -> Result<Vec<(Target, Vec<ir::Service>)>, GenerateError> {
    let results = parallel::map(specs, |spec| lower_file(settings, &spec.file));
    let mut diagnostics = Diagnostics::default();
    let mut lowered: Vec<(Target, Vec<ir::Service>)> = settings
        .targets
        .iter()
        .map(|target| (target.clone(), Vec::new()))
        .collect();
    for (spec, result) in specs.iter().zip(results) {
        match result {
            Ok(service) => lowered[spec.target].1.push(service),
            Err(errors) => diagnostics.extend(errors),
        }
    }
    if !diagnostics.is_empty() {
        return Err(GenerateError::Spec(diagnostics.into_sorted()));
    }
    Ok(lowered)
}

/// The formatted pieces of every crate of every target (per target, each with the service
/// it belongs to).
///
/// Formatting is most of the generator's time, so every part of every crate is emitted and
/// formatted on its own thread: the parts are independent, and a part is emitted and
/// formatted on the same thread because token streams cannot leave the thread that made
/// them (formatted text can).
fn emit_and_format(
    lowered: &[(Target, Vec<ir::Service>)],
) -> Result<Vec<Vec<(output::Formatted, &ir::Service)>>, GenerateError> {
    let emitters: Vec<(usize, emit::Emitter)> = lowered
        .iter()
        .enumerate()
        .flat_map(|(t, (target, services))| {
            services
                .iter()
                .map(move |s| (t, emit::Emitter::new(s, &target.out_dir)))
        })
        .collect();
    let parts: Vec<(usize, emit::Part)> = emitters
        .iter()
        .enumerate()
        .flat_map(|(e, (_, emitter))| {
            emit::parts(emitter.service())
                .into_iter()
                .map(move |p| (e, p))
        })
        .collect();
    let formatted = parallel::map(&parts, |(e, part)| {
        emitters[*e]
            .1
            .emit(*part)
            .into_iter()
            .map(output::format)
            .collect::<Result<Vec<_>, String>>()
    });
    let mut pieces_of_target: Vec<Vec<(output::Formatted, &ir::Service)>> =
        lowered.iter().map(|_| Vec::new()).collect();
    for ((e, _), pieces) in parts.iter().zip(formatted) {
        let (t, emitter) = &emitters[*e];
        let pieces = pieces.map_err(GenerateError::Internal)?;
        pieces_of_target[*t].extend(pieces.into_iter().map(|p| (p, emitter.service())));
    }
    Ok(pieces_of_target)
}

/// The files of one target: its crates' formatted pieces assembled into files, and the
/// coverage table of all its services.
fn render(
    target: &Target,
    services: &[ir::Service],
    pieces: Vec<(output::Formatted, &ir::Service)>,
) -> Vec<RenderedFile> {
    let mut rendered = output::assemble(pieces);
    let all: Vec<&ir::Service> = services.iter().collect();
    let coverage = emit::emit_coverage(&all, &target.out_dir);
    if let emit::FileKind::Text(contents) = coverage.kind {
        rendered.push(RenderedFile {
            path: coverage.path,
            contents,
        });
    }
    rendered
}

/// Regenerates every crate, writing only what changed; returns the changed paths.
pub fn write_all(settings: &Settings) -> Result<Vec<String>, GenerateError> {
    let mut changed = Vec::new();
    for (target, files) in generate(settings)? {
        let written = output::write(&settings.root, &target.out_dir, &files).map_err(|source| {
            GenerateError::Io {
                action: "write the generated files under",
                path: settings.root.join(&target.out_dir),
                source,
            }
        })?;
        changed.extend(written);
    }
    Ok(changed)
}

/// The generated files that differ from what the specs produce (empty when fresh).
pub fn check(settings: &Settings) -> Result<Vec<String>, GenerateError> {
    let mut differing = Vec::new();
    for (target, files) in generate(settings)? {
        let drift = output::drift(&settings.root, &target.out_dir, &files).map_err(|source| {
            GenerateError::Io {
                action: "read the generated files under",
                path: settings.root.join(&target.out_dir),
                source,
            }
        })?;
        differing.extend(drift);
    }
    Ok(differing)
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn an_unreadable_spec_folder_is_named_and_its_io_error_is_the_source() {
        let root = std::env::temp_dir().join(format!("codegen-no-root-{}", std::process::id()));
        let settings = Settings {
            root: root.clone(),
            targets: Vec::new(),
        };
        let error = spec_files(&settings, "spec").expect_err("the folder does not exist");
        let folder = root.join("spec");
        assert_eq!(
            error.to_string(),
            format!("error: cannot list the specs in {}", folder.display())
        );
        let source = error
            .source()
            .and_then(|s| s.downcast_ref::<std::io::Error>());
        assert_eq!(
            source.map(std::io::Error::kind),
            Some(std::io::ErrorKind::NotFound)
        );
    }
}
