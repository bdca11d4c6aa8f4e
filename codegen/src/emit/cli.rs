//! Emitting a service's command-line client: a crate `<service>-cli` beside the library
//! crate, whose library is a table of the operations (name, help texts, flags, body,
//! secrets, example), one small function per operation that builds its input from the
//! flags, and one table of fields per request struct (each field a flag); its `main.rs`
//! runs the table.
//! Everything else (clap, credentials, output, exit codes) is in the `clouddb-cli` crate.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{ident, is_enum, FileKind, OutputFile};
use crate::ir::{
    Docs, Operation, Output, ParamStyle, Protocol, Service, TypeKind, TypeRef, WaiterId,
};
use crate::names;

mod behaviours;
mod cases;
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
        OutputFile {
            path: format!("{base}/src/commands.rs"),
            kind: FileKind::rust(emit_commands(service)),
        },
        OutputFile {
            path: format!("{base}/tests/cli.rs"),
            kind: FileKind::Text(cases::test_root(service)),
        },
        OutputFile {
            path: format!("{base}/tests/cli/cases.rs"),
            kind: FileKind::rust(cases::emit_tests(service)),
        },
    ]
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
        "The command-line client of the {title} API as a library: the table of its subcommands (`commands.rs`), which the program `{}` and the all-in-one `clouddb` run.",
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

/// `commands.rs`: the table of subcommands and the functions that build their inputs.
fn emit_commands(service: &Service) -> TokenStream {
    let lib = format_ident!("{}", service.lib_name);
    let vendor = vendor(service);
    let bin = bin_name(service);
    let header = super::docs::module_doc_attrs(
        "The subcommands: one row per operation, and the function that builds its input from\nthe flags.",
    );
    let about = format!("Calls the {} API.", service.title);
    let long_about = plain(&Docs {
        summary: Some(about.clone()),
        description: service.description.clone(),
        errata: Vec::new(),
    });
    let rows = service.operations.iter().map(|op| emit_row(service, op));
    let builders = service.operations.iter().map(|op| emit_build(service, op));
    let any_waits = service.operations.iter().any(|op| waits(service, op));
    let has = |f: &dyn Fn(&Operation) -> bool| service.operations.iter().any(f);
    let mut imports = Vec::new();
    let tables = fields::emit_tables(service);
    let has_tables = !tables.is_empty();
    if has(&|op| op.body.is_some()) {
        imports.push(quote!(BodyFlag));
    }
    if has_tables {
        imports.push(quote!(Field));
    }
    if has(&|op| !op.params.is_empty()) {
        imports.push(quote!(Flag));
    }
    if has(&|op| !op.params.is_empty()) || has_tables {
        imports.push(quote!(Kind));
    }
    let uses_types = has(&|op| {
        op.params
            .iter()
            .any(|p| flag_kind(service, &p.ty).0.to_string().contains("types"))
    }) || tables.to_string().contains("types ::");
    let lib_items = if uses_types {
        quote!({operations as op, types})
    } else {
        quote!(operations as op)
    };
    let wait_fns = if any_waits {
        emit_waits(service)
    } else {
        quote!()
    };
    quote! {
        #header

        use ::clouddb_cli::#vendor::{Call, OperationCli, ServiceCli};
        use ::clouddb_cli::{Args, #(#imports,)* Result, SecretFields};
        use ::#lib::#lib_items;

        /// The program's subcommands and help.
        pub(crate) static SERVICE: ServiceCli = ServiceCli {
            bin: #bin,
            version: ::std::env!("CARGO_PKG_VERSION"),
            about: #about,
            long_about: #long_about,
            operations: &[#(#rows),*],
        };

        #(#builders)*

        #wait_fns

        #tables
    }
}

/// The table row of one operation.
fn emit_row(service: &Service, op: &Operation) -> TokenStream {
    let name = names::subcommand_name(&op.method_name);
    let about = match &op.docs.summary {
        Some(summary) => summary.trim().to_owned(),
        None => format!("Calls {}.", op.id),
    };
    let long_about = long_about(op);
    let deprecated = if op.deprecated {
        let replacement = op
            .replaced_by
            .as_deref()
            .map(names::subcommand_name)
            .unwrap_or_default();
        quote!(::std::option::Option::Some(#replacement))
    } else {
        quote!(::std::option::Option::None)
    };
    let flags = op.params.iter().map(|p| {
        let flag = names::flag_name(&p.name);
        let mut help = plain_or(&p.docs, &format!("The `{}` parameter.", p.wire_name));
        let facts = fields::constraints(&p.checks);
        if !facts.is_empty() {
            help = format!("{} {facts}", help.trim_end());
        }
        let (kind, list) = flag_kind(service, &p.ty);
        let required = p.required.then(|| quote!(.required()));
        let list = list.then(|| quote!(.list()));
        let fields = fields::param_struct(service, p).map(|def| {
            let table = fields::table_ident(def);
            quote!(.fields(&#table))
        });
        quote!(Flag::new(#flag, #kind, #help) #required #list #fields)
    });
    let body = match &op.body {
        Some(body) => {
            let required = body.required;
            let help = plain(&body.docs);
            let fields = fields::body_table(service, op);
            quote!(::std::option::Option::Some(BodyFlag { required: #required, help: #help, fields: #fields }))
        }
        None => quote!(::std::option::Option::None),
    };
    let example = example::help_example(service, op);
    let mut params: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.secret)
        .map(|p| p.wire_name.clone())
        .collect();
    // A JSON query parameter (QingCloud's `service_params`) names the secret fields inside it.
    for param in op
        .params
        .iter()
        .filter(|p| p.style == ParamStyle::Json && !p.secret)
    {
        secret_paths(
            service,
            &param.ty,
            &param.wire_name,
            &mut Vec::new(),
            &mut params,
        );
    }
    let mut body_secrets = Vec::new();
    if let Some(body) = &op.body {
        secret_paths(service, &body.ty, "", &mut Vec::new(), &mut body_secrets);
    }
    let secrets = if params.is_empty() && body_secrets.is_empty() {
        quote!(SecretFields::NONE)
    } else {
        quote!(SecretFields { params: &[#(#params),*], body: &[#(#body_secrets),*] })
    };
    let pages = op.pagination.is_some();
    let job = waits(service, op);
    let file = super::operations::answers_file(op);
    let build = format_ident!("{}", op.method_name);
    quote! {
        OperationCli {
            name: #name,
            about: #about,
            long_about: #long_about,
            example: #example,
            deprecated: #deprecated,
            flags: &[#(#flags),*],
            body: #body,
            pages: #pages,
            job: #job,
            file: #file,
            secrets: #secrets,
            build: #build,
        }
    }
}

/// The function that builds an operation's input from the flags.
fn emit_build(service: &Service, op: &Operation) -> TokenStream {
    let function = format_ident!("{}", op.method_name);
    let input = format_ident!("{}", op.input_name);
    let fields = op.params.iter().map(|p| {
        let member = ident(&p.name);
        let flag = names::flag_name(&p.name);
        if p.required {
            quote!(#member: a.required(#flag)?,)
        } else {
            quote!(#member: a.optional(#flag)?,)
        }
    });
    let body = op.body.as_ref().map(|b| {
        if b.required {
            quote!(body: a.body()?,)
        } else {
            quote!(body: a.optional_body()?,)
        }
    });
    let input = quote!(op::#input { #(#fields)* #body });
    let input_ty = format_ident!("{}", op.input_name);
    let call = match (&op.pagination, &op.job) {
        (Some(_), _) => quote!(a.call_paged(#input)),
        (None, _) if super::operations::answers_file(op) => quote!(a.call_download(#input)),
        (None, _) if op.waiter.is_some() => {
            let waiter = op.waiter.as_ref().expect("checked above");
            let def = service.waiters.iter().find(|w| w.name == waiter.waiter);
            let method =
                format_ident!("{}", def.map_or("wait_for_job", |d| d.method_name.as_str()));
            let id = match &waiter.id {
                WaiterId::Param(name) => {
                    let member = ident(name);
                    quote!(::clouddb_cli::IdFrom::<op::#input_ty>::Input(|input| ::std::option::Option::Some(input.#member.clone())))
                }
                WaiterId::Answer(pointer) => {
                    let op_id = &op.id;
                    quote!(::clouddb_cli::IdFrom::<op::#input_ty>::Answer(|answer| ::clouddb_runtime::wait::id_from_answer(#op_id, answer, #pointer).ok()))
                }
            };
            quote!(a.call_waiting(#input, #id, #method))
        }
        (None, Some(job)) if waits(service, op) => {
            let member = ident(&job.field);
            let read = if job.required {
                quote!(::std::option::Option::Some(answer.#member.clone()))
            } else {
                quote!(answer.#member.clone())
            };
            quote!(a.call_waiting(#input, ::clouddb_cli::IdFrom::<op::#input_ty>::Answer(|answer| #read), wait_for_job))
        }
        _ => quote!(a.call(#input)),
    };
    let doc = format!(
        " The input of `{}`, from its flags.",
        names::subcommand_name(&op.method_name)
    );
    quote! {
        #[doc = #doc]
        fn #function(a: &Args<'_>) -> Result<Call> {
            #call
        }
    }
}

/// The generated client's waiters, for `--wait`: `wait_for_job` when the service has a job
/// API, and one function per resource waiter.
fn emit_waits(service: &Service) -> TokenStream {
    let lib = format_ident!("{}", service.lib_name);
    let vendor = vendor(service);
    // Only the waiters some subcommand uses.
    let jobs = service
        .operations
        .iter()
        .any(|op| op.waiter.is_none() && waits(service, op));
    let methods = jobs.then(|| "wait_for_job".to_owned()).into_iter().chain(
        service
            .waiters
            .iter()
            .filter(|w| {
                service
                    .operations
                    .iter()
                    .any(|op| op.waiter.as_ref().is_some_and(|r| r.waiter == w.name))
            })
            .map(|w| w.method_name.clone()),
    );
    let functions = methods.map(|method| {
        let method = format_ident!("{}", method);
        let doc = format!(" `{method}` of the generated client, for `--wait`.");
        quote! {
            #[doc = #doc]
            fn #method(
                client: &::clouddb_runtime::#vendor::Client,
                id: ::std::string::String,
                options: ::clouddb_runtime::wait::WaitOptions,
            ) -> ::clouddb_cli::LocalFuture<'_, ::std::result::Result<::clouddb_runtime::Job, ::clouddb_runtime::Error>> {
                let client = <::#lib::Client as ::clouddb_runtime::Service>::from_client(client.clone());
                ::std::boxed::Box::pin(async move { client.#method(&id, &options).await })
            }
        }
    });
    quote!(#(#functions)*)
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
