//! Lowering: the typed OpenAPI document becomes the IR, in a sequence of steps whose inputs
//! and outputs [`lower`] shows. Every problem is recorded with its JSON pointer and
//! lowering goes on, so one run reports them all.

mod checks;
mod extensions;
mod lists_and_jobs;
pub mod merge;
mod operations;
mod refs;
mod schemas;
mod service;
mod spec;
mod types;
mod waiters;

use crate::diagnostics::Diagnostics;
use crate::ir::{Protocol, Service};
use crate::load::Document;
use crate::names;
use lists_and_jobs::AnswerLowerer;
use spec::Spec;

/// Lowers one parsed document; `crate_name` comes from the spec's file path.
pub fn lower(doc: &Document, crate_name: &str) -> Result<Service, Diagnostics> {
    let mut spec = Spec::new(doc);
    let service = lower_service(&mut spec, crate_name);
    match service {
        Some(service) if spec.diags.is_empty() => Ok(service),
        _ => Err(spec.diags),
    }
}

/// The steps of lowering, in order. Each reads the document through `spec` and records its
/// problems there; what a step needs from an earlier one is passed to it.
fn lower_service(spec: &mut Spec<'_>, crate_name: &str) -> Option<Service> {
    // The service as a whole.
    let protocol = spec.lower_protocol();
    // Without a valid protocol, the other steps go on as for a Huawei Cloud spec, so that
    // one run reports every problem.
    let assumed = protocol.unwrap_or(Protocol::HuaweiRest);
    let (default_host, endpoints) = spec.lower_servers(assumed);
    spec.check_security();
    let tags = spec.lower_tags();
    let error_codes = spec.lower_error_codes();
    spec.check_raw_keys();

    // Schemas, then the operations that use them.
    let drafts = operations::read_operations(spec, assumed);
    let mut schemas = schemas::lower_schemas(spec, drafts.iter().flat_map(|d| d.schema_uses()));
    let lowered = operations::lower_operations(spec, assumed, &tags, drafts, &schemas);
    let mut operations = lowered.operations;

    // The extensions that name fields of answers, checked against the lowered types.
    let mut answers = AnswerLowerer {
        spec: &mut *spec,
        types: &schemas.types,
    };
    answers.lower_lists_and_jobs(&mut operations);
    let job_poller = answers.lower_job_poller(&operations);
    let waiters = answers.lower_waiters(&mut operations);

    // Whole-document checks.
    spec.check_unreferenced_components();
    spec.check_response_schemas(&schemas.types, &lowered.response_roots);
    spec.check_schema_names(&operations);

    schemas.types.mark_validated();
    let api = &spec.doc.api;
    let mut service = Service {
        spec_file: spec.doc.file.clone(),
        crate_name: crate_name.to_owned(),
        lib_name: names::lib_name(crate_name),
        title: api.info.title.clone(),
        description: api.info.description.clone(),
        version: api.info.version.clone(),
        protocol: protocol?,
        default_host: default_host?,
        endpoints,
        settings: lowered.settings,
        tags,
        types: schemas.types.into_list(),
        operations,
        examples: lowered.examples,
        error_codes,
        job_poller,
        merged_types: Vec::new(),
        waiters,
    };
    service.merged_types = merge::merge_identical_types(&mut service);
    mark_answer_only(&mut service);
    Some(service)
}

/// Marks the types that only answers reach (see [`crate::ir::TypeDef::answer_only`]).
fn mark_answer_only(service: &mut Service) {
    let requests = service.request_types();
    for def in &mut service.types {
        def.answer_only = !requests.contains(&def.name);
    }
}
