//! Emitting a service's command-line client: a crate `<service>-cli` beside the library
//! crate, whose library is a table of the operations (name, help texts, flags, body,
//! secrets, example), one small function per operation that builds its input from the
//! flags, and one table of fields per request struct (each field a flag), in one file per
//! tag as the library crate (`commands`); its `main.rs` runs the table.
//! Everything else (clap, credentials, output, exit codes) is in the `clouddb-cli` crate.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{is_enum, FileKind, OutputFile};
use crate::ir::{Docs, Operation, Output, Protocol, Service, TypeKind, TypeRef};
use crate::names;

mod behaviours;
mod cases;
mod commands;
mod example;
mod fields;

/// The files of the command-line client crate of `service`, under `out_dir`.
pub(crate) fn emit_cli_crate(service: &Service, out_dir: &str) -> Vec<OutputFile> {
    let base = format!("{out_dir}/{}", names::cli_crate_name(&service.crate_name));
    vec![
        OutputFile {
            path: format!("{base}/Cargo.toml"),
            kind: FileKind::Text(cargo_toml(service)),
        },
        OutputFile {
            path: format!("{base}/src/lib.rs"),
            kind: FileKind::Text(lib_rs(service)),
        },
        OutputFile {
            path: format!("{base}/src/main.rs"),
            kind: FileKind::Text(main_rs(service)),
        },
    ]
    .into_iter()
    .chain(commands::emit_commands(service, &base))
    .chain([OutputFile {
        path: format!("{base}/tests/cli.rs"),
        kind: FileKind::Text(cases::test_root(service)),
    }])
    .chain(
        cases::emit_tests(service)
            .into_iter()
            .map(|(module, tokens)| OutputFile {
                path: format!("{base}/tests/cli/{module}.rs"),
                kind: FileKind::rust(tokens),
            }),
    )
    .collect()
}

/// The tags with operations, in the spec's order, each with its module name: the modules of
/// the commands and of the tests, named as the library crate's conformance tests.
fn tag_modules(service: &Service) -> Vec<(String, &str)> {
    crate::emit::conformance::conformance_modules(service)
        .into_iter()
        .filter_map(|(module, tag)| Some((module, tag?)))
        .collect()
}

/// The program name, from the spec file's stem (`spec/huaweicloud/css.yaml` → `clouddb-css`).
pub(crate) fn bin_name(service: &Service) -> String {
    let stem = std::path::Path::new(&service.spec_file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| service.crate_name.clone());
    names::cli_bin_name(&stem)
}

fn cargo_toml(service: &Service) -> String {
    let description = super::manifest::toml_string(&format!(
        "Command-line client of the {} API, generated from {}.",
        service.title, service.spec_file
    ));
    format!(
        r#"{header}[package]
name = "{name}"
version = "0.1.0"
description = {description}
edition.workspace = true
license.workspace = true
rust-version.workspace = true
repository.workspace = true

# The library is the table of subcommands, which the program below and the all-in-one
# `clouddb` (cli/all) run; its tests are the program's, in tests/.
[lib]
path = "src/lib.rs"
test = false
doctest = false

[[bin]]
name = "{bin}"
path = "src/main.rs"
test = false

[dependencies]
clouddb-cli.workspace = true
clouddb-runtime.workspace = true
{lib} = {{ path = "../{lib}", version = "0.1.0" }}

[dev-dependencies]
clouddb-conformance.workspace = true
serde_json.workspace = true
tokio = {{ workspace = true, features = ["macros", "rt-multi-thread"] }}
"#,
        header = super::header("#", service),
        name = names::cli_crate_name(&service.crate_name),
        bin = bin_name(service),
        lib = service.crate_name,
    )
}

fn vendor(service: &Service) -> TokenStream {
    match service.protocol {
        Protocol::HuaweiRest => quote!(huawei),
        Protocol::QingCloudAction => quote!(qingcloud),
    }
}

/// The library's root, as text already in rustfmt's layout: the docs, the generated
/// module (kept out of rustfmt's reach, like the library crates' modules) and `PROGRAM`.
fn lib_rs(service: &Service) -> String {
    let vendor = match service.protocol {
        Protocol::HuaweiRest => "huawei",
        Protocol::QingCloudAction => "qingcloud",
    };
    let title = service.title.replace('`', "'");
    let doc = super::docs::inner_doc_comment(&format!(
        "The command-line client of the {title} API as a library: the table of its subcommands (`commands/`, one file per tag), which the program `{}` and the all-in-one `clouddb` run.",
        bin_name(service)
    ));
    format!(
        "{header}{doc}\n#[rustfmt::skip]\nmod commands;\n\n/// The command-line client of the {title} API.\npub static PROGRAM: clouddb_cli::{vendor}::Program<{lib}::Client> =\n    clouddb_cli::{vendor}::Program::new(&commands::SERVICE);\n",
        header = super::header("//", service),
        lib = service.lib_name,
    )
}

/// The program's root: `main` runs the library's `PROGRAM`.
fn main_rs(service: &Service) -> String {
    let doc = super::docs::inner_doc_comment(&format!(
        "`{}`: the command-line client of the {} API, one subcommand per operation. Run it with `--help`.",
        bin_name(service),
        service.title.replace('`', "'"),
    ));
    format!(
        "{header}{doc}\nfn main() -> std::process::ExitCode {{\n    clouddb_cli::main(&{cli_lib}::PROGRAM)\n}}\n",
        header = super::header("//", service),
        cli_lib = names::cli_crate_name(&service.crate_name).replace('-', "_"),
    )
}

/// Whether `--wait` applies: a resource waiter follows the operation's work, or it starts
/// one job the service can be asked about and the answer has one shape (as for the
/// library's `send_and_wait`).
pub(crate) fn waits(service: &Service, op: &Operation) -> bool {
    op.waiter.is_some()
        || (service.job_poller.is_some()
            && op.job.as_ref().is_some_and(|job| !job.many)
            && matches!(op.output, Output::Single { .. }))
}

/// The flag kind of a parameter type, and whether the flag repeats once per list item.
fn flag_kind(service: &Service, ty: &TypeRef) -> (TokenStream, bool) {
    match ty {
        TypeRef::String => (quote!(Kind::String), false),
        TypeRef::I32 => (quote!(Kind::Int32), false),
        TypeRef::I64 => (quote!(Kind::Int64), false),
        TypeRef::F64 => (quote!(Kind::Number), false),
        TypeRef::Bool => (quote!(Kind::Bool), false),
        TypeRef::Named(name) if is_enum(service, ty) => {
            let name = format_ident!("{}", name);
            (quote!(Kind::Enum(types::#name::VALUES)), false)
        }
        TypeRef::Named(name) => match service.types.iter().find(|t| &t.name == name) {
            Some(def) => match &def.kind {
                TypeKind::Alias(inner) => flag_kind(service, inner),
                _ => (quote!(Kind::Json), false),
            },
            None => (quote!(Kind::Json), false),
        },
        TypeRef::Array(inner) => match flag_kind(service, inner) {
            (kind, false) if !is_json(&kind) => (kind, true),
            _ => (quote!(Kind::Json), false),
        },
        TypeRef::Json | TypeRef::Map(_) | TypeRef::Bytes => (quote!(Kind::Json), false),
        TypeRef::File => (quote!(Kind::String), false),
    }
}

fn is_json(kind: &TokenStream) -> bool {
    kind.to_string() == quote!(Kind::Json).to_string()
}

fn is_integer(kind: &TokenStream) -> bool {
    let kind = kind.to_string();
    kind == quote!(Kind::Int32).to_string() || kind == quote!(Kind::Int64).to_string()
}

/// The paths of the secret fields a value of `ty` holds (`/password`, `/users/*/password`).
pub(crate) fn secret_paths(
    service: &Service,
    ty: &TypeRef,
    prefix: &str,
    visiting: &mut Vec<String>,
    out: &mut Vec<String>,
) {
    match ty {
        TypeRef::Array(inner) | TypeRef::Map(inner) => {
            secret_paths(service, inner, &format!("{prefix}/*"), visiting, out)
        }
        TypeRef::Named(name) if !visiting.contains(name) => {
            let Some(def) = service.types.iter().find(|t| &t.name == name) else {
                return;
            };
            visiting.push(name.clone());
            match &def.kind {
                TypeKind::Struct(fields) => {
                    for field in fields {
                        let path = format!("{prefix}/{}", field.wire_name);
                        if field.secret {
                            out.push(path);
                        } else {
                            secret_paths(service, &field.ty, &path, visiting, out);
                        }
                    }
                }
                TypeKind::Alias(inner) => secret_paths(service, inner, prefix, visiting, out),
                TypeKind::Enum(_) => {}
            }
            visiting.pop();
        }
        _ => {}
    }
}

/// A subcommand's `--help`: summary, description, deprecation, and where it is documented.
fn long_about(op: &Operation) -> String {
    let mut text = plain(&Docs {
        errata: Vec::new(),
        ..op.docs.clone()
    });
    let mut facts = vec![format!("{} {}", op.method.as_str(), op.path)];
    if let Some(section) = &op.doc_section {
        facts.push(format!("section {section} of the source document"));
    }
    if let Some(action) = &op.iam_action {
        facts.push(format!("IAM action {action}"));
    }
    if !op.idempotent {
        facts.push("not idempotent (not retried after it may have arrived)".to_owned());
    }
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("Operation {}: {}.", op.id, facts.join("; ")));
    text
}

/// Summary and description as plain text, one paragraph each.
fn plain(docs: &Docs) -> String {
    [&docs.summary, &docs.description]
        .into_iter()
        .flatten()
        .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|text| !text.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn plain_or(docs: &Docs, fallback: &str) -> String {
    let text = plain(docs).replace("\n\n", " ");
    if text.is_empty() {
        fallback.to_owned()
    } else {
        text
    }
}
