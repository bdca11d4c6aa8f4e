//! Emitting: the IR becomes the files of one generated crate. Emitters read only the IR;
//! each builds its named pieces first and then one `quote!` that looks like the output.

mod cli;
mod client;
mod conformance;
mod coverage;
mod docs;
mod error_codes;
mod features;
mod lists_and_jobs;
mod manifest;
pub(crate) mod operations;
mod types;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Service, TypeKind, TypeRef};

pub use manifest::header;

/// One file to write, relative to the workspace root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the workspace root, with `/` separators.
    pub path: String,
    /// What the file holds.
    pub kind: FileKind,
}

/// What a generated file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileKind {
    /// Rust code, formatted on output: whole items in chunks, each formatted on its own.
    Rust(Vec<RustChunk>),
    /// Text written as is.
    Text(String),
}

/// Some whole items of a Rust file, as text (formatting parses text faster than it takes
/// the nested token trees `quote!` builds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustChunk {
    /// The items (the first chunk of a file also holds its inner attributes).
    pub tokens: String,
    /// An attribute put first on every item of the chunk (a `#[cfg(...)]` gate), or empty.
    pub gate: String,
}

impl RustChunk {
    /// Items without a gate.
    pub(crate) fn new(tokens: TokenStream) -> Self {
        Self {
            tokens: tokens.to_string(),
            gate: String::new(),
        }
    }

    /// Items each put behind the attribute `gate` (may be empty).
    pub(crate) fn gated(tokens: TokenStream, gate: TokenStream) -> Self {
        Self {
            tokens: tokens.to_string(),
            gate: gate.to_string(),
        }
    }
}

impl FileKind {
    /// A Rust file of one chunk.
    pub(crate) fn rust(tokens: TokenStream) -> Self {
        Self::Rust(vec![RustChunk::new(tokens)])
    }
}

/// A part of the crates generated for a service, emitted on its own (in parallel with the
/// others by [`crate::generate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// `Cargo.toml`, `lib.rs` and `client.rs`.
    Library,
    /// A slice of the `types` module: the types from this position of the layout on,
    /// [`TYPES_PER_PART`] of them, in their files.
    Types(usize),
    /// `error_codes.rs`, `operations/mod.rs` and the conformance test root.
    Index,
    /// The conformance test cases.
    Conformance,
    /// The module of the operation at this index.
    Operation(usize),
    /// The command-line client crate.
    Cli,
}

/// How many types one [`Part::Types`] emits: a slice small enough that the parts of a
/// large `types.rs` spread over every core.
pub const TYPES_PER_PART: usize = 64;

/// The parts of the crates of `service`, in the order of their files (the slices of
/// `types.rs` are consecutive, and their formatted code is joined).
pub fn parts(service: &Service) -> Vec<Part> {
    [Part::Library]
        .into_iter()
        .chain(
            (0..service.types.len().max(1))
                .step_by(TYPES_PER_PART)
                .map(Part::Types),
        )
        .chain([Part::Index, Part::Conformance])
        .chain((0..service.operations.len()).map(Part::Operation))
        .chain([Part::Cli])
        .collect()
}

/// Emits the parts of the crates of one service; what every part needs is computed once.
#[derive(Debug)]
pub struct Emitter<'a> {
    service: &'a Service,
    out_dir: &'a str,
    features: features::Features,
    layout: types::TypeLayout,
}

impl<'a> Emitter<'a> {
    /// The emitter of the crates of `service` under `out_dir` (`generated`): the library crate
    /// and its command-line client beside it (`<crate>-cli`).
    pub fn new(service: &'a Service, out_dir: &'a str) -> Self {
        let features = features::Features::of(service);
        let layout = types::TypeLayout::of(service, &features);
        Self {
            service,
            out_dir,
            features,
            layout,
        }
    }

    /// The service.
    pub fn service(&self) -> &'a Service {
        self.service
    }

    /// The files of one part.
    pub fn emit(&self, part: Part) -> Vec<OutputFile> {
        emit_part(self, part)
    }
}

/// The files of one part of the crates generated for a service.
fn emit_part(emitter: &Emitter<'_>, part: Part) -> Vec<OutputFile> {
    let (service, features, out_dir) = (emitter.service, &emitter.features, emitter.out_dir);
    let base = format!("{out_dir}/{}", service.crate_name);
    let rust = |path: String, tokens: TokenStream| OutputFile {
        path,
        kind: FileKind::rust(tokens),
    };
    match part {
        Part::Library => vec![
            OutputFile {
                path: format!("{base}/Cargo.toml"),
                kind: FileKind::Text(manifest::cargo_toml(service, features)),
            },
            OutputFile {
                path: format!("{base}/src/lib.rs"),
                kind: FileKind::Text(manifest::lib_rs(service, features)),
            },
            rust(
                format!("{base}/src/client.rs"),
                client::emit_client(service, features),
            ),
            rust(
                format!("{base}/src/types/mod.rs"),
                types::emit_types_index(service, features, &emitter.layout),
            ),
        ],
        Part::Types(first) => types::emit_types(
            service,
            features,
            &emitter.layout,
            first,
            TYPES_PER_PART,
            &base,
        ),
        Part::Index => vec![
            rust(
                format!("{base}/src/error_codes.rs"),
                error_codes::emit_error_codes(service),
            ),
            rust(
                format!("{base}/src/operations/mod.rs"),
                operations::emit_module_index(service, features),
            ),
            OutputFile {
                path: format!("{base}/tests/conformance.rs"),
                kind: FileKind::Text(manifest::conformance_root(service)),
            },
        ],
        Part::Conformance => conformance::emit_conformance(service, out_dir)
            .into_iter()
            .map(|(module, tokens)| rust(format!("{base}/tests/conformance/{module}.rs"), tokens))
            .collect(),
        Part::Operation(index) => service
            .operations
            .get(index)
            .map(|op| {
                rust(
                    format!("{base}/src/operations/{}.rs", op.method_name),
                    operations::emit_operation(service, op),
                )
            })
            .into_iter()
            .collect(),
        Part::Cli => cli::emit_cli_crate(service, out_dir),
    }
}

/// The `COVERAGE.md` of a folder of generated crates.
pub fn emit_coverage(services: &[&Service], out_dir: &str) -> OutputFile {
    OutputFile {
        path: format!("{out_dir}/COVERAGE.md"),
        kind: FileKind::Text(coverage::coverage_md(services)),
    }
}

/// The Rust type of a type reference; `types` is the path of the crate's `types` module.
pub(crate) fn type_tokens(ty: &TypeRef, types: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::String => quote!(::std::string::String),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F64 => quote!(f64),
        TypeRef::Bool => quote!(bool),
        TypeRef::Json => quote!(::serde_json::Value),
        TypeRef::Bytes => quote!(::clouddb_runtime::export::bytes::Bytes),
        TypeRef::File => quote!(::clouddb_runtime::FormFile),
        TypeRef::Named(name) => {
            let name = format_ident!("{}", name);
            quote!(#types::#name)
        }
        TypeRef::Array(inner) => {
            let inner = type_tokens(inner, types);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner, types);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
    }
}

/// Whether a type reference names one of the service's string enums.
pub(crate) fn is_enum(service: &Service, ty: &TypeRef) -> bool {
    let TypeRef::Named(name) = ty else {
        return false;
    };
    service
        .types
        .iter()
        .any(|t| &t.name == name && matches!(t.kind, TypeKind::Enum(_)))
}

/// An identifier that may be a raw identifier (`r#type`).
pub(crate) fn ident(name: &str) -> proc_macro2::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => format_ident!("{}", name),
    }
}

/// The `crate::types` path used inside a generated crate.
pub(crate) fn crate_types() -> TokenStream {
    quote!(crate::types)
}
