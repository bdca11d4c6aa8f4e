//! Lowering operations, in two steps around the schema step. [`read_operations`] reads
//! each path and method: its name, path key, parameters, request body and responses, with
//! their `$ref`s resolved and the places where they use schemas ([`OperationDraft`]).
//! After the schema step has lowered those schemas, [`lower_operations`] turns each draft
//! into an [`Operation`] of the IR. This module lowers the operation itself (its name, tag,
//! idempotency, content type, replacement and uniqueness); the path key, parameters,
//! request body and responses are lowered by the submodules.

mod examples;
mod parameters;
mod paths;
mod request_body;
mod responses;

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::ReferenceOr;

use super::schemas::{SchemaUse, Schemas};
use super::spec::{Extensions, Spec};
use crate::diagnostics::Pointer;
use crate::ir::{ClientSettings, Example, HttpMethod, Operation, Protocol, Tag, TypeRef};
use crate::names;
use parameters::ParamDraft;
use paths::PathKey;
use request_body::BodyDraft;
use responses::ResponseDraft;

/// An operation as read from the document, before its schemas are lowered.
pub(crate) struct OperationDraft<'a> {
    op: &'a openapiv3::Operation,
    key: PathKey,
    method: HttpMethod,
    at: Pointer,
    id: String,
    method_name: String,
    params: Vec<ParamDraft>,
    body: Option<BodyDraft>,
    responses: Vec<ResponseDraft>,
}

impl OperationDraft<'_> {
    /// The schemas the operation uses: parameters, request body, then responses.
    pub(crate) fn schema_uses(&self) -> impl Iterator<Item = &SchemaUse> {
        self.params
            .iter()
            .filter_map(ParamDraft::schema_use)
            .chain(self.body.iter().map(|body| &body.schema))
            .chain(self.responses.iter().filter_map(ResponseDraft::schema_use))
    }
}

/// What the operation step produces.
pub(crate) struct LoweredOperations {
    /// Sorted by method name.
    pub(crate) operations: Vec<Operation>,
    /// Every example of a parameter, body or response, with the type it decodes into.
    pub(crate) examples: Vec<Example>,
    /// The client settings that parameters asked for.
    pub(crate) settings: ClientSettings,
    /// Named types that response bodies (success or error) start from.
    pub(crate) response_roots: BTreeSet<String>,
}

/// Reads every operation of the document up to its schemas; `protocol` decides the shape
/// of path keys and whether bodies are allowed.
pub(crate) fn read_operations<'a>(
    spec: &mut Spec<'a>,
    protocol: Protocol,
) -> Vec<OperationDraft<'a>> {
    let doc = spec.doc;
    let mut reader = OperationReader { spec, protocol };
    let mut drafts = Vec::new();
    for (key, item) in &doc.api.paths.paths {
        let at = Pointer::root().join("paths").join(key);
        let ReferenceOr::Item(item) = item else {
            reader
                .spec
                .error(&at, "path item `$ref`s are not supported");
            continue;
        };
        let Some(path_key) = reader.parse_path_key(key, &at) else {
            continue;
        };
        for (method, operation) in item.iter() {
            let op_at = at.join(method);
            let Some(method) = parse_method(method) else {
                reader
                    .spec
                    .error(&op_at, format!("the `{method}` method is not supported"));
                continue;
            };
            if let Some(draft) = reader.read_operation(&path_key, item, method, operation, op_at) {
                drafts.push(draft);
            }
        }
    }
    drafts
}

/// Lowers the drafts with the types the schema step made of their schemas.
pub(crate) fn lower_operations(
    spec: &mut Spec<'_>,
    protocol: Protocol,
    tags: &[Tag],
    drafts: Vec<OperationDraft<'_>>,
    schemas: &Schemas,
) -> LoweredOperations {
    let mut lowerer = OperationLowerer {
        spec,
        protocol,
        tags,
        schemas,
        examples: BTreeMap::new(),
        settings: ClientSettings::default(),
        response_roots: BTreeSet::new(),
    };
    let mut operations: Vec<Operation> = drafts
        .into_iter()
        .filter_map(|draft| lowerer.lower_operation(draft))
        .collect();
    lowerer.check_unique_operations(&operations);
    lowerer.resolve_replacements(&mut operations);
    operations.sort_by(|a, b| a.method_name.cmp(&b.method_name));
    LoweredOperations {
        operations,
        examples: lowerer
            .examples
            .into_values()
            .map(|(pointer, ty)| Example { pointer, ty })
            .collect(),
        settings: lowerer.settings,
        response_roots: lowerer.response_roots,
    }
}

/// The state of reading operations.
struct OperationReader<'s, 'a> {
    spec: &'s mut Spec<'a>,
    protocol: Protocol,
}

impl<'a> OperationReader<'_, 'a> {
    fn read_operation(
        &mut self,
        key: &PathKey,
        item: &'a openapiv3::PathItem,
        method: HttpMethod,
        op: &'a openapiv3::Operation,
        at: Pointer,
    ) -> Option<OperationDraft<'a>> {
        let Some(id) = op.operation_id.clone() else {
            self.spec.error(&at, "missing `operationId`");
            return None;
        };
        let method_name = match names::type_ident(&id) {
            Ok(ident) if ident == id => names::snake_ident(&id).map_err(|e| e.0),
            Ok(ident) => Err(format!(
                "operationId `{id}` must be PascalCase (for example `{ident}`)"
            )),
            Err(e) => Err(e.0),
        };
        let method_name = match method_name {
            Ok(name) => name,
            Err(reason) => {
                self.spec.error(&at.join("operationId"), reason);
                return None;
            }
        };
        let params = self.read_params(&id, key, item, op, &at);
        let body = self.read_body(&id, op, &at);
        let responses = self.read_responses(&id, op, &at);
        Some(OperationDraft {
            op,
            key: key.clone(),
            method,
            at,
            id,
            method_name,
            params,
            body,
            responses,
        })
    }
}

/// The state of lowering operations.
struct OperationLowerer<'s, 'a> {
    spec: &'s mut Spec<'a>,
    protocol: Protocol,
    tags: &'s [Tag],
    schemas: &'s Schemas,
    /// Examples by pointer (as text, the order of the IR's list), with the type each
    /// decodes into.
    examples: BTreeMap<String, (Pointer, TypeRef)>,
    settings: ClientSettings,
    response_roots: BTreeSet<String>,
}

impl OperationLowerer<'_, '_> {
    /// `x-replaced-by` names the operationId of the replacement of a deprecated operation;
    /// the IR keeps the replacement's method name.
    fn resolve_replacements(&mut self, operations: &mut [Operation]) {
        let methods: BTreeMap<String, String> = operations
            .iter()
            .map(|op| (op.id.clone(), op.method_name.clone()))
            .collect();
        for op in operations.iter_mut() {
            let Some(replacement) = op.replaced_by.take() else {
                continue;
            };
            let at = op.pointer.join("x-replaced-by");
            if !op.deprecated {
                self.spec.error(
                    &at,
                    "`x-replaced-by` is only for operations with `deprecated: true`",
                );
            } else if replacement == op.id {
                self.spec.error(&at, "an operation cannot replace itself");
            } else if let Some(method) = methods.get(&replacement) {
                op.replaced_by = Some(method.clone());
            } else {
                self.spec.error(&at, format!("`x-replaced-by` names `{replacement}`, which is not an operationId of this spec"));
            }
        }
    }

    fn check_unique_operations(&mut self, operations: &[Operation]) {
        let mut by_id: BTreeMap<&str, &Pointer> = BTreeMap::new();
        let mut by_method: BTreeMap<&str, &Pointer> = BTreeMap::new();
        let mut problems = Vec::new();
        for op in operations {
            if let Some(first) = by_id.insert(&op.id, &op.pointer) {
                problems.push((
                    op.pointer.clone(),
                    format!("duplicate operationId `{}` (also at {first})", op.id),
                ));
            } else if let Some(first) = by_method.insert(&op.method_name, &op.pointer) {
                problems.push((
                    op.pointer.clone(),
                    format!(
                        "operationId `{}` gives the method name `{}`, which {first} also gives",
                        op.id, op.method_name
                    ),
                ));
            }
        }
        for (pointer, reason) in problems {
            let at = pointer.join("operationId");
            self.spec.error(&at, reason);
        }
    }

    fn lower_operation(&mut self, draft: OperationDraft<'_>) -> Option<Operation> {
        let OperationDraft {
            op,
            key,
            method,
            at,
            id,
            method_name,
            params,
            body,
            responses,
        } = draft;
        let at = &at;
        let tag = self.operation_tag(op, at);
        let params = self.lower_params(&params);
        let body = body.and_then(|body| self.lower_body(body));
        if body.is_some() {
            let clashes: Vec<Pointer> = params
                .params
                .iter()
                .zip(&params.pointers)
                .filter(|((param, _), _)| param.name == "body")
                .map(|(_, pointer)| pointer.clone())
                .collect();
            for pointer in clashes {
                self.spec.error(
                    &pointer,
                    "parameter `body` becomes the Rust name `body`, which the request body takes",
                );
            }
        }
        let (output, responses, error_statuses, error_example) =
            self.lower_responses(&id, op, at, responses)?;
        let idempotent = self.idempotency(method, &op.extensions, at);
        let docs = self.spec.docs(
            op.summary.as_ref(),
            op.description.as_ref(),
            &op.extensions,
            at,
        );
        let body_examples = body.as_ref().map(|(b, named)| (b.required, named));
        let request_examples =
            self.request_examples(at, &params.params, body_examples, &output, &responses);
        let content_type = self.content_type(&op.extensions, at);
        let sources = self
            .spec
            .extension_in(&op.extensions, "x-sources", at)
            .unwrap_or_default();
        Some(Operation {
            input_name: names::input_ident(&id),
            builder_name: names::builder_ident(&id),
            id,
            method_name,
            pointer: at.clone(),
            docs,
            doc_section: self.spec.extension_in(&op.extensions, "x-doc-section", at),
            iam_action: self.spec.extension_in(&op.extensions, "x-iam-action", at),
            tag: tag?,
            deprecated: op.deprecated,
            replaced_by: self.spec.extension_in(&op.extensions, "x-replaced-by", at),
            method,
            path: key.path,
            fixed_query: key.fixed_query,
            idempotent,
            params: params.params.into_iter().map(|(p, _)| p).collect(),
            setting_params: params.settings,
            body: body.map(|(b, _)| b),
            output,
            error_statuses,
            request_examples,
            error_example,
            pagination: None,
            job: None,
            waiter: None,
            sources,
            content_type,
        })
    }

    /// The `Content-Type` of an operation's requests: `x-content-type` where the vendor's
    /// SDK sends something else than `application/json`, lower-cased as the SDKs send it
    /// (`application/json;charset=UTF-8` goes out as `application/json;charset=utf-8`).
    fn content_type(&mut self, extensions: &Extensions, at: &Pointer) -> String {
        const JSON: &str = "application/json";
        match self
            .spec
            .extension_in::<String>(extensions, "x-content-type", at)
        {
            Some(text) if text.to_lowercase().starts_with(JSON) => text.to_lowercase(),
            Some(_) => {
                self.spec.error(
                    &at.join("x-content-type"),
                    "`x-content-type` must be a JSON media type (`application/json;charset=UTF-8`)",
                );
                JSON.to_owned()
            }
            None => JSON.to_owned(),
        }
    }

    fn operation_tag(&mut self, op: &openapiv3::Operation, at: &Pointer) -> Option<String> {
        match op.tags.as_slice() {
            [tag] if self.tags.iter().any(|t| &t.name == tag) => Some(tag.clone()),
            [tag] => {
                self.spec.error(
                    &at.join("tags").join(0),
                    format!("tag `{tag}` is not declared in the root `tags` list"),
                );
                None
            }
            _ => {
                self.spec
                    .error(&at.join("tags"), "an operation needs exactly one tag");
                None
            }
        }
    }

    fn idempotency(&mut self, method: HttpMethod, extensions: &Extensions, at: &Pointer) -> bool {
        if !extensions.contains_key("x-idempotent") {
            if self.protocol == Protocol::QingCloudAction {
                self.spec.error(
                    at,
                    "action-style operations must state `x-idempotent` (writes are sent as GET)",
                );
            }
            return method.is_idempotent();
        }
        self.spec
            .extension_in(extensions, "x-idempotent", at)
            .unwrap_or_else(|| method.is_idempotent())
    }
}

fn parse_method(method: &str) -> Option<HttpMethod> {
    Some(match method {
        "get" => HttpMethod::Get,
        "post" => HttpMethod::Post,
        "put" => HttpMethod::Put,
        "delete" => HttpMethod::Delete,
        "patch" => HttpMethod::Patch,
        "head" => HttpMethod::Head,
        "options" => HttpMethod::Options,
        _ => return None,
    })
}
