//! Lowering an operation's request body: one JSON or multipart media type, its schema
//! (a multipart body is an object of text and file fields; a JSON body holds no file) and
//! its examples.

use super::super::examples::Named;
use super::super::Lowerer;
use crate::diagnostics::Pointer;
use crate::ir::{Body, Docs, Protocol, TypeRef};

impl Lowerer<'_> {
    pub(super) fn lower_body(
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
}
