//! The `commands` module of a command-line client crate: `commands/mod.rs` holds the
//! program's `SERVICE` (its help and its subcommands, one group per tag) and the waiters of
//! `--wait`; `commands/<tag>.rs` holds each tag's table of subcommands and the functions that
//! build their inputs from the flags; `commands/fields.rs` the tables of request fields that
//! the subcommands of every tag share. One file per tag, as in the library crate, keeps every
//! file small and puts a spec change in a small file's diff.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::fields::{self, FieldTables};
use super::{
    bin_name, example, flag_kind, long_about, plain, plain_or, secret_paths, tag_modules, vendor,
    waits,
};
use crate::emit::{ident, FileKind, OutputFile};
use crate::ir::{Docs, Operation, ParamStyle, Service, WaiterId};
use crate::names;

/// The files of the `commands` module under `base` (the crate's folder).
pub(super) fn emit_commands(service: &Service, base: &str) -> Vec<OutputFile> {
    let tables = FieldTables::of(service);
    let rust = |name: &str, tokens: TokenStream| OutputFile {
        path: format!("{base}/src/commands/{name}.rs"),
        kind: FileKind::rust(tokens),
    };
    let tags = tag_modules(service);
    let mut files = vec![rust("mod", emit_index(service, &tables, &tags))];
    files.extend(
        tags.iter()
            .map(|(module, tag)| rust(module, emit_tag(service, &tables, tag))),
    );
    files.extend(
        tables
            .modules()
            .enumerate()
            .map(|(index, module)| rust(module, tables.emit_module(service, index))),
    );
    files
}

/// `commands/mod.rs`: the modules, `SERVICE` and the waiters.
fn emit_index(service: &Service, tables: &FieldTables<'_>, tags: &[(String, &str)]) -> TokenStream {
    let vendor = vendor(service);
    let bin = bin_name(service);
    let header = crate::emit::docs::module_doc_attrs(
        "The subcommands: one module per tag of the spec, each a table of its operations and\nthe functions that build their inputs from the flags, and the tables of request fields\nthat they share.",
    );
    let about = format!("Calls the {} API.", service.title);
    let long_about = plain(&Docs {
        summary: Some(about.clone()),
        description: service.description.clone(),
        errata: Vec::new(),
    });
    let modules = tags
        .iter()
        .map(|(module, _)| module.as_str())
        .chain(tables.modules())
        .map(|module| format_ident!("{}", module));
    let groups = tags.iter().map(|(module, _)| {
        let module = format_ident!("{}", module);
        quote!(&#module::OPERATIONS)
    });
    let wait_fns = if service.operations.iter().any(|op| waits(service, op)) {
        emit_waits(service)
    } else {
        quote!()
    };
    quote! {
        #header

        #(mod #modules;)*

        use ::clouddb_cli::#vendor::ServiceCli;

        /// The program's subcommands and help.
        pub(crate) static SERVICE: ServiceCli = ServiceCli {
            bin: #bin,
            version: ::std::env!("CARGO_PKG_VERSION"),
            about: #about,
            long_about: #long_about,
            tags: &[#(#groups),*],
        };

        #wait_fns
    }
}

/// `commands/<tag>.rs`: the table of one tag's subcommands and the functions that build
/// their inputs.
fn emit_tag(service: &Service, tables: &FieldTables<'_>, tag: &str) -> TokenStream {
    let lib = format_ident!("{}", service.lib_name);
    let vendor = vendor(service);
    let header = crate::emit::docs::module_doc_attrs(&format!(
        "The subcommands of the `{tag}` operations: one row per operation, and the function\nthat builds its input from the flags."
    ));
    let ops: Vec<&Operation> = service
        .operations
        .iter()
        .filter(|op| op.tag == tag)
        .collect();
    let rows: Vec<TokenStream> = ops.iter().map(|op| emit_row(service, tables, op)).collect();
    let builders = ops.iter().map(|op| emit_build(service, op));
    let count = proc_macro2::Literal::usize_unsuffixed(rows.len());
    let has = |f: &dyn Fn(&Operation) -> bool| ops.iter().any(|op| f(op));
    let mut imports = Vec::new();
    if has(&|op| op.body.is_some()) {
        imports.push(quote!(BodyFlag));
    }
    if has(&|op| !op.params.is_empty()) {
        imports.extend([quote!(Flag), quote!(Kind)]);
    }
    let uses_types = has(&|op| {
        op.params
            .iter()
            .any(|p| flag_kind(service, &p.ty).0.to_string().contains("types"))
    });
    let lib_items = if uses_types {
        quote!({operations as op, types})
    } else {
        quote!(operations as op)
    };
    let doc = format!(" The subcommands of the `{tag}` operations, sorted by name.");
    quote! {
        #header

        use ::clouddb_cli::#vendor::{Call, OperationCli};
        use ::clouddb_cli::{Args, #(#imports,)* Result, SecretFields};
        use ::#lib::#lib_items;

        #[doc = #doc]
        pub(super) static OPERATIONS: [OperationCli; #count] = [#(#rows),*];

        #(#builders)*
    }
}

/// The table row of one operation.
fn emit_row(service: &Service, tables: &FieldTables<'_>, op: &Operation) -> TokenStream {
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
        let help = plain_or(&p.docs, &format!("The `{}` parameter.", p.wire_name));
        let help = fields::with_facts(&help, &fields::constraints(&p.checks));
        let (kind, list) = flag_kind(service, &p.ty);
        let required = p.required.then(|| quote!(.required()));
        let list = list.then(|| quote!(.list()));
        let fields = fields::param_struct(service, p).map(|def| {
            let table = tables.path(def, None);
            quote!(.fields(&#table))
        });
        quote!(Flag::new(#flag, #kind, #help) #required #list #fields)
    });
    let body = match &op.body {
        Some(body) => {
            let required = body.required;
            let help = plain(&body.docs);
            let fields = tables.body_table(service, op);
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
    let file = crate::emit::operations::answers_file(op);
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
        (None, _) if crate::emit::operations::answers_file(op) => quote!(a.call_download(#input)),
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
            quote!(a.call_waiting(#input, #id, super::#method))
        }
        (None, Some(job)) if waits(service, op) => {
            let member = ident(&job.field);
            let read = if job.required {
                quote!(::std::option::Option::Some(answer.#member.clone()))
            } else {
                quote!(answer.#member.clone())
            };
            quote!(a.call_waiting(#input, ::clouddb_cli::IdFrom::<op::#input_ty>::Answer(|answer| #read), super::wait_for_job))
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
/// API, and one function per resource waiter. They are in `commands/mod.rs`, as subcommands
/// of several tags may wait with the same one.
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
