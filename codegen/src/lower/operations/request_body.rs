//! Lowering an operation's request body: one JSON or multipart media type, its schema
//! (a multipart body is an object of text and file fields; a JSON body holds no file) and
//! its examples.

use super::super::schemas::SchemaUse;
use super::examples::{ExampleSource, Named};
use super::{OperationLowerer, OperationReader};
use crate::diagnostics::Pointer;
use crate::ir::{Body, Docs, Protocol, TypeRef};

/// A request body as read, before its schema is lowered.
pub(super) struct BodyDraft {
    pub(super) schema: SchemaUse,
    required: bool,
    description: Option<String>,
    multipart: bool,
    /// The pointer of the media type.
    media_at: Pointer,
    examples: ExampleSource,
}

impl OperationReader<'_, '_> {
    pub(super) fn read_body(
        &mut self,
        id: &str,
        op: &openapiv3::Operation,
        at: &Pointer,
    ) -> Option<BodyDraft> {
        let body = op.request_body.as_ref()?;
        let pointer = at.join("requestBody");
        if self.protocol == Protocol::QingCloudAction {
            self.spec.error(
                &pointer,
                "action-style operations send every parameter in the query string; no request body",
            );
            return None;
        }
        let (body, defined_at) = self.spec.resolve_request_body(body, &pointer)?;
        const MULTIPART: &str = "multipart/form-data";
        let (media_type, media) = match (body.content.len(), body.content.iter().next()) {
            (1, Some((media_type, media)))
                if media_type == "application/json" || media_type == MULTIPART =>
            {
                (media_type.clone(), media)
            }
            _ => {
                let types: Vec<&String> = body.content.keys().collect();
                self.spec.error(&defined_at.join("content"), format!("unsupported request content type(s) {types:?}; use exactly one of `application/json` and `multipart/form-data`"));
                return None;
            }
        };
        let multipart = media_type == MULTIPART;
        let media_at = defined_at.join("content").join(&media_type);
        let Some(schema) = &media.schema else {
            self.spec
                .error(&media_at, "the request body needs a `schema`");
            return None;
        };
        Some(BodyDraft {
            schema: SchemaUse::new(schema, media_at.join("schema"), format!("{id}Request")),
            required: body.required,
            description: body.description.clone(),
            multipart,
            examples: ExampleSource {
                at: media_at.clone(),
                examples: media.examples.clone(),
                single: media.example.clone(),
            },
            media_at,
        })
    }
}

impl OperationLowerer<'_, '_> {
    pub(super) fn lower_body(&mut self, draft: BodyDraft) -> Option<(Body, Named)> {
        let lowered = self.schemas.lowered(&draft.schema)?;
        if draft.multipart {
            self.check_form_fields(&lowered.ty, &draft.schema.at);
        } else if self.schemas.types.reaches_file(&lowered.ty) {
            self.spec.error(
                &draft.schema.at,
                "a JSON body cannot hold a file (`format: binary`); send files as `multipart/form-data`",
            );
        }
        let named = self.collect_examples(&draft.examples, &lowered.ty);
        if draft.required && named.is_empty() {
            self.spec.error(
                &draft.media_at,
                "the request body is required but has no example under `examples`; the wire test must send one",
            );
        }
        let docs = Docs {
            description: draft.description.or(lowered.description),
            ..Docs::default()
        };
        Some((
            Body {
                ty: lowered.ty,
                required: draft.required,
                docs,
                multipart: draft.multipart,
            },
            named,
        ))
    }

    /// A multipart body is an object whose fields are scalars (sent as text parts) or files.
    fn check_form_fields(&mut self, ty: &TypeRef, at: &Pointer) {
        let fields = ty
            .named()
            .and_then(|name| self.schemas.types.struct_fields(name))
            .cloned();
        let Some(fields) = fields else {
            self.spec.error(
                at,
                "a multipart body must be an object of text and file fields",
            );
            return;
        };
        for field in fields {
            let scalar = match self.schemas.types.resolve_alias(&field.ty) {
                TypeRef::String
                | TypeRef::I32
                | TypeRef::I64
                | TypeRef::F64
                | TypeRef::Bool
                | TypeRef::File => true,
                TypeRef::Named(name) => self.schemas.types.is_enum(&name),
                _ => false,
            };
            if !scalar {
                self.spec.error(
                    &at.join("properties").join(&field.wire_name),
                    "a field of a multipart body must be a scalar (a text part) or a file (`format: binary`)",
                );
            }
        }
    }
}
