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
mod operations;
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
    /// Rust tokens, formatted on output.
    Rust(String),
    /// Text written as is.
    Text(String),
}

/// Every file of the crate generated for `service`, under `out_dir` (`generated`), and of
/// its command-line client beside it (`<crate>-cli`).
pub fn emit_crate(service: &Service, out_dir: &str) -> Vec<OutputFile> {
    let base = format!("{out_dir}/{}", service.crate_name);
    let rust = |path: String, tokens: TokenStream| OutputFile {
        path,
        kind: FileKind::Rust(tokens.to_string()),
    };
    let mut files = vec![
        OutputFile {
            path: format!("{base}/Cargo.toml"),
            kind: FileKind::Text(manifest::cargo_toml(service)),
        },
        OutputFile {
            path: format!("{base}/src/lib.rs"),
            kind: FileKind::Text(manifest::lib_rs(service)),
        },
        rust(
            format!("{base}/src/client.rs"),
            client::emit_client(service),
        ),
        rust(format!("{base}/src/types.rs"), types::emit_types(service)),
        rust(
            format!("{base}/src/error_codes.rs"),
            error_codes::emit_error_codes(service),
        ),
        rust(
            format!("{base}/src/operations/mod.rs"),
            operations::emit_module_index(service),
        ),
        OutputFile {
            path: format!("{base}/tests/conformance.rs"),
            kind: FileKind::Text(manifest::conformance_root(service)),
        },
        rust(
            format!("{base}/tests/conformance/cases.rs"),
            conformance::emit_conformance(service, out_dir),
        ),
    ];
    for op in &service.operations {
        files.push(rust(
            format!("{base}/src/operations/{}.rs", op.method_name),
            operations::emit_operation(service, op),
        ));
    }
    files.extend(cli::emit_cli_crate(service, out_dir));
    files
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
