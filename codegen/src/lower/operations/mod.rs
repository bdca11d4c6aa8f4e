//! Lowering operations: each path and method becomes an [`Operation`] of the IR. This
//! module lowers the operation itself (its name, tag, idempotency, content type,
//! replacement and uniqueness); its path key, parameters, request body and responses are
//! lowered by the submodules.

mod parameters;
mod paths;
mod request_body;
mod responses;

use std::collections::BTreeMap;

use openapiv3::{PathItem, ReferenceOr};

use super::Lowerer;
use crate::diagnostics::Pointer;
use crate::ir::{HttpMethod, Operation, Protocol, Tag};
use crate::names;
use paths::PathKey;

impl Lowerer<'_> {
    /// Lowers every operation of the document, sorted by method name.
    pub(crate) fn lower_operations(&mut self, tags: &[Tag]) -> Vec<Operation> {
        let doc = self.doc;
        let mut operations = Vec::new();
        for (key, item) in &doc.api.paths.paths {
            let at = Pointer::root().join("paths").join(key);
            let ReferenceOr::Item(item) = item else {
                self.error(&at, "path item `$ref`s are not supported");
                continue;
            };
            let Some(path_key) = self.parse_path_key(key, &at) else {
                continue;
            };
            for (method, operation) in item.iter() {
                let op_at = at.join(method);
                let Some(method) = parse_method(method) else {
                    self.error(&op_at, format!("the `{method}` method is not supported"));
                    continue;
                };
                if let Some(op) =
                    self.lower_operation(&path_key, item, method, operation, &op_at, tags)
                {
                    operations.push(op);
                }
            }
        }
        self.lower_all_component_schemas();
        self.check_unique_operations(&operations);
        self.resolve_replacements(&mut operations);
        self.lower_lists_and_jobs(&mut operations);
        operations.sort_by(|a, b| a.method_name.cmp(&b.method_name));
        operations
    }

    /// Every component schema becomes a type, used or not: the document's tables are the API.
    fn lower_all_component_schemas(&mut self) {
        let names: Vec<String> = self
            .doc
            .api
            .components
            .iter()
            .flat_map(|c| c.schemas.keys().cloned())
            .collect();
        for name in names {
            if self.schema_component(&name).is_some() {
                let at = Pointer::root()
                    .join("components")
                    .join("schemas")
                    .join(&name);
                self.lower_component(&name, &at);
            }
        }
    }

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
                self.error(
                    &at,
                    "`x-replaced-by` is only for operations with `deprecated: true`",
                );
            } else if replacement == op.id {
                self.error(&at, "an operation cannot replace itself");
            } else if let Some(method) = methods.get(&replacement) {
                op.replaced_by = Some(method.clone());
            } else {
                self.error(&at, format!("`x-replaced-by` names `{replacement}`, which is not an operationId of this spec"));
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
            self.error(&at, reason);
        }
    }

    fn lower_operation(
        &mut self,
        key: &PathKey,
        item: &PathItem,
        method: HttpMethod,
        op: &openapiv3::Operation,
        at: &Pointer,
        tags: &[Tag],
    ) -> Option<Operation> {
        let Some(id) = op.operation_id.clone() else {
            self.error(at, "missing `operationId`");
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
                self.error(&at.join("operationId"), reason);
                return None;
            }
        };
        let tag = self.operation_tag(op, at, tags);
        let params = self.lower_params(&id, key, item, op, at);
        let body = self.lower_body(&id, op, at);
        if body.is_some() {
            let clashes: Vec<Pointer> = params
                .params
                .iter()
                .zip(&params.pointers)
                .filter(|((param, _), _)| param.name == "body")
                .map(|(_, pointer)| pointer.clone())
                .collect();
            for pointer in clashes {
                self.error(
                    &pointer,
                    "parameter `body` becomes the Rust name `body`, which the request body takes",
                );
            }
        }
        let (output, responses, error_statuses, error_example) =
            self.lower_responses(&id, op, at)?;
        let idempotent = self.idempotency(method, &op.extensions, at);
        let docs = self.docs(
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
            .extension_in(&op.extensions, "x-sources", at)
            .unwrap_or_default();
        Some(Operation {
            input_name: names::input_ident(&id),
            builder_name: names::builder_ident(&id),
            id,
            method_name,
            pointer: at.clone(),
            docs,
            doc_section: self.extension_in(&op.extensions, "x-doc-section", at),
            iam_action: self.extension_in(&op.extensions, "x-iam-action", at),
            tag: tag?,
            deprecated: op.deprecated,
            replaced_by: self.extension_in(&op.extensions, "x-replaced-by", at),
            method,
            path: key.path.clone(),
            fixed_query: key.fixed_query.clone(),
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
    fn content_type(
        &mut self,
        extensions: &super::indexmap_like::Extensions,
        at: &Pointer,
    ) -> String {
        const JSON: &str = "application/json";
        match self.extension_in::<String>(extensions, "x-content-type", at) {
            Some(text) if text.to_lowercase().starts_with(JSON) => text.to_lowercase(),
            Some(_) => {
                self.error(
                    &at.join("x-content-type"),
                    "`x-content-type` must be a JSON media type (`application/json;charset=UTF-8`)",
                );
                JSON.to_owned()
            }
            None => JSON.to_owned(),
        }
    }

    fn operation_tag(
        &mut self,
        op: &openapiv3::Operation,
        at: &Pointer,
        tags: &[Tag],
    ) -> Option<String> {
        match op.tags.as_slice() {
            [tag] if tags.iter().any(|t| &t.name == tag) => Some(tag.clone()),
            [tag] => {
                self.error(
                    &at.join("tags").join(0),
                    format!("tag `{tag}` is not declared in the root `tags` list"),
                );
                None
            }
            _ => {
                self.error(&at.join("tags"), "an operation needs exactly one tag");
                None
            }
        }
    }

    fn idempotency(
        &mut self,
        method: HttpMethod,
        extensions: &super::indexmap_like::Extensions,
        at: &Pointer,
    ) -> bool {
        if !extensions.contains_key("x-idempotent") {
            if self.protocol == Protocol::QingCloudAction {
                self.error(
                    at,
                    "action-style operations must state `x-idempotent` (writes are sent as GET)",
                );
            }
            return method.is_idempotent();
        }
        self.extension_in(extensions, "x-idempotent", at)
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
