//! Lowering operations: path templates, parameters (lifting client settings), request
//! bodies, responses and examples.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    Parameter, ParameterSchemaOrContent, PathItem, QueryStyle, ReferenceOr, StatusCode,
};
use serde_json::Value;

use super::examples::Named;
use super::extensions::{SettingSpec, StyleSpec};
use super::Lowerer;
use crate::diagnostics::Pointer;
use crate::ir::{
    Body, Docs, HttpMethod, Operation, Output, Param, ParamLocation, ParamStyle, Protocol, Setting,
    SettingParam, Tag, TypeRef,
};
use crate::names;

/// A path key split into the wire path and the constant query pairs.
struct PathKey {
    path: String,
    fixed_query: Vec<(String, String)>,
    template_params: Vec<String>,
}

/// The parts of an operation lowered from its parameters.
#[derive(Default)]
struct Params {
    params: Vec<(Param, Named)>,
    /// Where each parameter of `params` is listed in the operation.
    pointers: Vec<Pointer>,
    settings: Vec<SettingParam>,
}

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

    fn parse_path_key(&mut self, key: &str, at: &Pointer) -> Option<PathKey> {
        let (path, query) = match key.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (key, None),
        };
        let fixed_query = match (query, self.protocol) {
            (None, Protocol::HuaweiRest) => Vec::new(),
            (Some(_), Protocol::HuaweiRest) => {
                self.error(at, "a query string in the path key is only allowed for the qingcloud-action protocol");
                return None;
            }
            (None, Protocol::QingCloudAction) => {
                self.error(at, "an action-style path key needs `?action=<Action>`");
                return None;
            }
            (Some(query), Protocol::QingCloudAction) => self.parse_fixed_query(query, at)?,
        };
        let template_params = self.template_params(path, at)?;
        Some(PathKey {
            path: path.to_owned(),
            fixed_query,
            template_params,
        })
    }

    fn parse_fixed_query(&mut self, query: &str, at: &Pointer) -> Option<Vec<(String, String)>> {
        let mut pairs = Vec::new();
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some((k, v)) if !k.is_empty() && !v.is_empty() && !k.contains(['{', '}']) => {
                    pairs.push((k.to_owned(), v.to_owned()));
                }
                _ => {
                    self.error(
                        at,
                        format!("`{pair}` in the path key is not a `name=value` pair"),
                    );
                    return None;
                }
            }
        }
        if !pairs.iter().any(|(k, _)| k == "action") {
            self.error(
                at,
                "an action-style path key needs `action=<Action>` among its pairs",
            );
            return None;
        }
        Some(pairs)
    }

    fn template_params(&mut self, path: &str, at: &Pointer) -> Option<Vec<String>> {
        if !path.starts_with('/') {
            self.error(at, "the path must start with `/`");
            return None;
        }
        let mut params = Vec::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                self.error(at, "unbalanced `{` in the path template");
                return None;
            };
            let name = &rest[open + 1..open + close];
            if name.is_empty() || name.contains(['{', '/']) {
                self.error(
                    at,
                    format!("`{{{name}}}` is not a valid path template parameter"),
                );
                return None;
            }
            params.push(name.to_owned());
            rest = &rest[open + close + 1..];
        }
        if rest.contains('}') {
            self.error(at, "unbalanced `}` in the path template");
            return None;
        }
        Some(params)
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

    fn lower_params(
        &mut self,
        id: &str,
        key: &PathKey,
        item: &PathItem,
        op: &openapiv3::Operation,
        at: &Pointer,
    ) -> Params {
        // Operation-level parameters override path-level ones with the same name and
        // location; within one level, a parameter may be declared once.
        let item_at = parent(at);
        let mut merged: Vec<(Parameter, Pointer, Pointer, usize)> = Vec::new();
        for (level, (list, base)) in [(&item.parameters, &item_at), (&op.parameters, at)]
            .into_iter()
            .enumerate()
        {
            for (i, param) in list.iter().enumerate() {
                let pointer = base.join("parameters").join(i);
                let Some((param, defined_at)) = self.resolve_parameter(param, &pointer) else {
                    continue;
                };
                let name = param.parameter_data_ref().name.clone();
                let same = |p: &Parameter| {
                    p.parameter_data_ref().name == name && location(p) == location(&param)
                };
                if let Some((_, _, first, _)) =
                    merged.iter().find(|(p, _, _, l)| *l == level && same(p))
                {
                    let kind = location(&param).map_or("cookie", location_name);
                    let reason = format!(
                        "the {kind} parameter `{name}` is declared twice (also at {first})"
                    );
                    self.error(&pointer, reason);
                    continue;
                }
                merged.retain(|(p, _, _, _)| !same(p));
                merged.push((param, defined_at, pointer, level));
            }
        }
        let mut out = Params::default();
        let mut seen_path: BTreeSet<String> = BTreeSet::new();
        for (param, defined_at, usage, _) in &merged {
            if matches!(param, Parameter::Path { .. }) {
                seen_path.insert(param.parameter_data_ref().name.clone());
            }
            let before = out.params.len();
            self.lower_param(id, param, defined_at, key, &mut out);
            if out.params.len() > before {
                out.pointers.push(usage.clone());
            }
        }
        for name in &key.template_params {
            if !seen_path.contains(name) {
                self.error(
                    at,
                    format!("path template segment `{{{name}}}` has no path parameter"),
                );
            }
        }
        for i in 0..out.params.len() {
            let (param, _) = &out.params[i];
            if let Some((first, _)) = out.params[..i].iter().find(|(p, _)| p.name == param.name) {
                let reason = format!(
                    "parameters `{}` and `{}` both become the Rust name `{}`",
                    first.wire_name, param.wire_name, param.name
                );
                let pointer = out.pointers[i].clone();
                self.error(&pointer, reason);
            }
        }
        out
    }

    fn lower_param(
        &mut self,
        id: &str,
        param: &Parameter,
        at: &Pointer,
        key: &PathKey,
        out: &mut Params,
    ) {
        let data = param.parameter_data_ref();
        let Some(location) = location(param) else {
            self.error(at, "cookie parameters are not supported");
            return;
        };
        if location == ParamLocation::Path && !key.template_params.contains(&data.name) {
            self.error(
                at,
                format!("path parameter `{}` is not in the path template", data.name),
            );
            return;
        }
        if location == ParamLocation::Path && !data.required {
            self.error(&at.join("required"), "path parameters must be required");
        }
        if data.extensions.contains_key("x-client-setting") {
            let setting =
                self.extension_in::<SettingSpec>(&data.extensions, "x-client-setting", at);
            if let Some(setting) = setting.and_then(|s| self.lower_setting(s, param, location, at))
            {
                out.settings.push(setting);
            }
            return;
        }
        let Ok(name) = names::snake_ident(&data.name).map_err(|e| self.error(at, e.0)) else {
            return;
        };
        let Ok(type_name) =
            names::nested_type_ident(id, &data.name).map_err(|e| self.error(at, e.0))
        else {
            return;
        };
        let (schema_at, lowered, style, examples_at, examples, single) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                let lowered = self.lower_schema(schema, &at.join("schema"), &type_name);
                (
                    at.join("schema"),
                    lowered,
                    ParamStyle::Plain,
                    at.clone(),
                    &data.examples,
                    data.example.as_ref(),
                )
            }
            ParameterSchemaOrContent::Content(content) => {
                let media_at = at.join("content").join("application/json");
                let (Some(media), 1) = (content.get("application/json"), content.len()) else {
                    self.error(
                        &at.join("content"),
                        "a parameter's `content` must be exactly `application/json`",
                    );
                    return;
                };
                let Some(schema) = &media.schema else {
                    self.error(&media_at, "the media type needs a `schema`");
                    return;
                };
                let lowered = self.lower_schema(schema, &media_at.join("schema"), &type_name);
                (
                    media_at.join("schema"),
                    lowered,
                    ParamStyle::Json,
                    media_at,
                    &media.examples,
                    media.example.as_ref(),
                )
            }
        };
        let Some(lowered) = lowered else { return };
        let Some(style) = self.param_style(param, location, style, &lowered.ty, &schema_at, at)
        else {
            return;
        };
        let named = self.collect_examples(examples, single, &examples_at, &lowered.ty);
        let docs = Docs {
            description: data.description.clone().or(lowered.description.clone()),
            ..self.docs(None, None, &data.extensions, at)
        };
        out.params.push((
            Param {
                name,
                wire_name: data.name.clone(),
                location,
                style,
                ty: lowered.ty,
                required: data.required,
                docs,
                checks: lowered.checks,
                secret: lowered.secret,
            },
            named,
        ));
    }

    /// Checks that a parameter's type can travel where it is, and decides its encoding.
    fn param_style(
        &mut self,
        param: &Parameter,
        location: ParamLocation,
        style: ParamStyle,
        ty: &TypeRef,
        schema_at: &Pointer,
        at: &Pointer,
    ) -> Option<ParamStyle> {
        if style == ParamStyle::Json {
            if location != ParamLocation::Query {
                self.error(at, "only query parameters may carry JSON content");
                return None;
            }
            return Some(style);
        }
        let is_scalar = matches!(
            ty,
            TypeRef::String | TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Bool
        ) || matches!(ty, TypeRef::Named(n) if self.is_enum(n));
        let is_list = matches!(ty, TypeRef::Array(inner) if !matches!(**inner, TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Json));
        let data = param.parameter_data_ref();
        let dot_indexed = match data.extensions.get("x-style") {
            None => false,
            Some(_) => {
                let style = self.extension_in::<StyleSpec>(&data.extensions, "x-style", at)?;
                style == StyleSpec::DotIndexed
            }
        };
        if dot_indexed && is_scalar {
            let reason = format!(
                "`x-style: dot-indexed` is only for array parameters; `{}` is a scalar",
                data.name
            );
            self.error(&at.join("x-style"), reason);
            return None;
        }
        match (location, is_scalar, is_list) {
            (_, true, _) if !dot_indexed => Some(ParamStyle::Plain),
            (ParamLocation::Query, _, true) => match self.protocol {
                Protocol::QingCloudAction if dot_indexed => Some(ParamStyle::DotIndexed),
                Protocol::QingCloudAction => {
                    self.error(at, "an array parameter of an action-style operation needs `x-style: dot-indexed`");
                    None
                }
                Protocol::HuaweiRest => {
                    let form = matches!(
                        param,
                        Parameter::Query {
                            style: QueryStyle::Form,
                            ..
                        }
                    ) && param.parameter_data_ref().explode != Some(false);
                    if !form || dot_indexed {
                        self.error(at, "array query parameters must use `style: form` with `explode: true` (repeated keys)");
                        return None;
                    }
                    Some(ParamStyle::Plain)
                }
            },
            _ => {
                self.error(
                    schema_at,
                    "unsupported parameter type: path and header parameters must be scalars, query parameters scalars or arrays of them (objects need `content: application/json`)",
                );
                None
            }
        }
    }

    fn is_enum(&self, name: &str) -> bool {
        matches!(
            self.types.get(name).map(|t| &t.kind),
            Some(crate::ir::TypeKind::Enum(_))
        )
    }

    fn lower_setting(
        &mut self,
        spec: SettingSpec,
        param: &Parameter,
        location: ParamLocation,
        at: &Pointer,
    ) -> Option<SettingParam> {
        let pointer = at.join("x-client-setting");
        let setting = Setting::from(spec);
        let (name, expected, protocol) = match setting {
            Setting::ProjectId => ("project_id", ParamLocation::Path, Protocol::HuaweiRest),
            Setting::Language => ("language", ParamLocation::Header, Protocol::HuaweiRest),
            Setting::Zone => ("zone", ParamLocation::Query, Protocol::QingCloudAction),
        };
        if location != expected || protocol != self.protocol {
            self.error(
                &pointer,
                format!(
                    "the `{name}` setting is for a {} parameter of a `{}` spec",
                    location_name(expected),
                    match protocol {
                        Protocol::HuaweiRest => "huaweicloud-rest",
                        Protocol::QingCloudAction => "qingcloud-action",
                    }
                ),
            );
            return None;
        }
        match setting {
            Setting::ProjectId => self.settings.project_id = true,
            Setting::Zone => self.settings.zone = true,
            Setting::Language => {
                let values = match &param.parameter_data_ref().format {
                    ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => {
                        match &schema.schema_kind {
                            openapiv3::SchemaKind::Type(openapiv3::Type::String(s)) => {
                                s.enumeration.iter().flatten().cloned().collect()
                            }
                            _ => Vec::new(),
                        }
                    }
                    _ => Vec::new(),
                };
                self.settings.language = Some(values);
            }
        }
        Some(SettingParam {
            setting,
            wire_name: param.parameter_data_ref().name.clone(),
            location,
        })
    }

    fn lower_body(
        &mut self,
        id: &str,
        op: &openapiv3::Operation,
        at: &Pointer,
    ) -> Option<(Body, Named)> {
        let body = op.request_body.as_ref()?;
        let pointer = at.join("requestBody");
        if self.protocol == Protocol::QingCloudAction {
            self.error(
                &pointer,
                "action-style operations send every parameter in the query string; no request body",
            );
            return None;
        }
        let (body, defined_at) = self.resolve_request_body(body, &pointer)?;
        const MULTIPART: &str = "multipart/form-data";
        let (media_type, media) = match (body.content.len(), body.content.iter().next()) {
            (1, Some((media_type, media)))
                if media_type == "application/json" || media_type == MULTIPART =>
            {
                (media_type.clone(), media)
            }
            _ => {
                let types: Vec<&String> = body.content.keys().collect();
                self.error(&defined_at.join("content"), format!("unsupported request content type(s) {types:?}; use exactly one of `application/json` and `multipart/form-data`"));
                return None;
            }
        };
        let multipart = media_type == MULTIPART;
        let media_at = defined_at.join("content").join(&media_type);
        let Some(schema) = &media.schema else {
            self.error(&media_at, "the request body needs a `schema`");
            return None;
        };
        let lowered =
            self.lower_schema(schema, &media_at.join("schema"), &format!("{id}Request"))?;
        if multipart {
            self.check_form_fields(&lowered.ty, &media_at.join("schema"));
        } else if self.reaches_file(&lowered.ty) {
            self.error(
                &media_at.join("schema"),
                "a JSON body cannot hold a file (`format: binary`); send files as `multipart/form-data`",
            );
        }
        let named = self.collect_examples(
            &media.examples,
            media.example.as_ref(),
            &media_at,
            &lowered.ty,
        );
        if body.required && named.is_empty() {
            self.error(
                &media_at,
                "the request body is required but has no example under `examples`; the wire test must send one",
            );
        }
        let docs = Docs {
            description: body.description.clone().or(lowered.description),
            ..Docs::default()
        };
        Some((
            Body {
                ty: lowered.ty,
                required: body.required,
                docs,
                multipart,
            },
            named,
        ))
    }

    /// A multipart body is an object whose fields are scalars (sent as text parts) or files.
    fn check_form_fields(&mut self, ty: &TypeRef, at: &Pointer) {
        let fields = ty
            .named()
            .and_then(|name| self.struct_fields(name))
            .cloned();
        let Some(fields) = fields else {
            self.error(
                at,
                "a multipart body must be an object of text and file fields",
            );
            return;
        };
        for field in fields {
            let scalar = match self.resolve_alias(&field.ty) {
                TypeRef::String
                | TypeRef::I32
                | TypeRef::I64
                | TypeRef::F64
                | TypeRef::Bool
                | TypeRef::File => true,
                TypeRef::Named(name) => self.is_enum(&name),
                _ => false,
            };
            if !scalar {
                self.error(
                    &at.join("properties").join(&field.wire_name),
                    "a field of a multipart body must be a scalar (a text part) or a file (`format: binary`)",
                );
            }
        }
    }

    /// Whether a type is, or holds, a file to upload.
    fn reaches_file(&self, ty: &TypeRef) -> bool {
        let mut pending = vec![ty.clone()];
        let mut seen = std::collections::BTreeSet::new();
        while let Some(ty) = pending.pop() {
            match ty {
                TypeRef::File => return true,
                TypeRef::Array(inner) | TypeRef::Map(inner) => pending.push(*inner),
                TypeRef::Named(name) if seen.insert(name.clone()) => {
                    match self.types.get(&name).map(|t| &t.kind) {
                        Some(crate::ir::TypeKind::Struct(fields)) => {
                            pending.extend(fields.iter().map(|f| f.ty.clone()))
                        }
                        Some(crate::ir::TypeKind::Alias(target)) => pending.push(target.clone()),
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        false
    }

    #[allow(clippy::type_complexity)]
    fn lower_responses(
        &mut self,
        id: &str,
        op: &openapiv3::Operation,
        at: &Pointer,
    ) -> Option<(Output, Vec<(u16, Named)>, Vec<u16>, Option<Value>)> {
        let responses_at = at.join("responses");
        let mut success: Vec<(u16, Option<TypeRef>, Named)> = Vec::new();
        let mut error_statuses = Vec::new();
        let mut error_example = None;
        let inline_success = op
            .responses
            .responses
            .iter()
            .filter(|(code, r)| {
                matches!(code, StatusCode::Code(c) if (200..300).contains(c))
                    && r.as_item().is_some()
            })
            .count();
        let entries = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| (Some(code.clone()), r))
            .chain(op.responses.default.iter().map(|r| (None, r)));
        for (code, response) in entries {
            let key = code
                .as_ref()
                .map_or("default".to_owned(), ToString::to_string);
            let pointer = responses_at.join(&key);
            let status = match code {
                Some(StatusCode::Code(c)) => Some(c),
                Some(StatusCode::Range(_)) => {
                    self.error(
                        &pointer,
                        "status code ranges are not supported; list the documented codes",
                    );
                    continue;
                }
                None => None,
            };
            let is_success = status.is_some_and(|c| (200..300).contains(&c));
            let name = match (is_success, inline_success > 1) {
                (true, true) => format!("{id}Response{key}"),
                (true, false) => format!("{id}Response"),
                (false, _) => format!(
                    "{id}Error{}",
                    key.to_uppercase().replace("DEFAULT", "Default")
                ),
            };
            let Some((ty, named)) = self.lower_response_body(response, &pointer, &name) else {
                continue;
            };
            match status {
                Some(c) if is_success => success.push((c, ty, named)),
                _ => {
                    error_statuses.extend(status);
                    if error_example.is_none() {
                        error_example = named.into_iter().next().map(|(_, v)| v);
                    }
                }
            }
        }
        if success.is_empty() {
            if !documents_success(op) {
                self.error(&responses_at, "no success (2xx) response is documented");
            }
            return None;
        }
        let output = output_of(id, &success);
        let responses = success
            .into_iter()
            .map(|(c, _, named)| (c, named))
            .collect();
        Some((output, responses, error_statuses, error_example))
    }

    fn lower_response_body(
        &mut self,
        response: &ReferenceOr<openapiv3::Response>,
        at: &Pointer,
        name: &str,
    ) -> Option<(Option<TypeRef>, Named)> {
        let (response, defined_at) = self.resolve_response(response, at)?;
        if response.content.is_empty() {
            return Some((None, Vec::new()));
        }
        if let (Some((media_type, media)), 1) =
            (response.content.iter().next(), response.content.len())
        {
            if media_type != "application/json" {
                // A file: any other media type whose schema is binary text.
                let media_at = defined_at.join("content").join(media_type);
                let binary = matches!(
                    &media.schema,
                    Some(ReferenceOr::Item(schema)) if matches!(
                        &schema.schema_kind,
                        openapiv3::SchemaKind::Type(openapiv3::Type::String(s))
                            if matches!(s.format, openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary))
                    )
                );
                if !binary {
                    self.error(
                        &media_at,
                        "a non-JSON answer is a file: its schema must be `{type: string, format: binary}`",
                    );
                    return None;
                }
                return Some((Some(TypeRef::Bytes), Vec::new()));
            }
        }
        let (Some(media), 1) = (
            response.content.get("application/json"),
            response.content.len(),
        ) else {
            let types: Vec<&String> = response.content.keys().collect();
            self.error(&defined_at.join("content"), format!("unsupported response content type(s) {types:?}; use `application/json`, or one binary media type for a file"));
            return None;
        };
        let media_at = defined_at.join("content").join("application/json");
        let Some(schema) = &media.schema else {
            self.error(&media_at, "the response media type needs a `schema`");
            return None;
        };
        let lowered = self.lower_schema(schema, &media_at.join("schema"), name)?;
        if let Some(root) = lowered.ty.named() {
            self.response_roots.insert(root.to_owned());
        }
        let named = self.collect_examples(
            &media.examples,
            media.example.as_ref(),
            &media_at,
            &lowered.ty,
        );
        Some((Some(lowered.ty), named))
    }
}

/// What an operation returns, from its success responses.
fn output_of(id: &str, success: &[(u16, Option<TypeRef>, Named)]) -> Output {
    let first = &success[0].1;
    if success.iter().all(|(_, ty, _)| ty == first) {
        return match first {
            None => Output::Empty {
                status: success[0].0,
            },
            Some(ty) => Output::Single {
                statuses: success.iter().map(|(c, _, _)| *c).collect(),
                ty: ty.clone(),
            },
        };
    }
    Output::PerStatus {
        name: names::output_ident(id),
        variants: success
            .iter()
            .map(|(c, ty, _)| (*c, format!("Status{c}"), ty.clone()))
            .collect(),
    }
}

/// Whether any 2xx status is listed (even one that failed to lower).
fn documents_success(op: &openapiv3::Operation) -> bool {
    op.responses.responses.keys().any(|code| {
        matches!(code, StatusCode::Code(c) if (200..300).contains(c))
            || *code == StatusCode::Range(2)
    })
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

fn location_name(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    }
}

fn location(param: &Parameter) -> Option<ParamLocation> {
    match param {
        Parameter::Path { .. } => Some(ParamLocation::Path),
        Parameter::Query { .. } => Some(ParamLocation::Query),
        Parameter::Header { .. } => Some(ParamLocation::Header),
        Parameter::Cookie { .. } => None,
    }
}

fn parent(pointer: &Pointer) -> Pointer {
    let segments = pointer.segments();
    segments[..segments.len().saturating_sub(1)]
        .iter()
        .fold(Pointer::root(), |p, s| p.join(s))
}
