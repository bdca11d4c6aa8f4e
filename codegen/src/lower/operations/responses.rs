//! Lowering an operation's responses: the success answers become the operation's output
//! (one type, nothing, or one variant per status), the error answers give the documented
//! error statuses and an error example.

use openapiv3::{ReferenceOr, StatusCode};
use serde_json::Value;

use super::super::schemas::SchemaUse;
use super::examples::{ExampleSource, Named};
use super::{OperationLowerer, OperationReader};
use crate::diagnostics::Pointer;
use crate::ir::{Output, TypeRef};
use crate::names;

/// A response as read, before its schema is lowered.
pub(super) struct ResponseDraft {
    /// `None` for `default`.
    status: Option<u16>,
    body: ResponseBody,
}

/// What a response answers with.
enum ResponseBody {
    /// No body.
    Empty,
    /// A file (a non-JSON media type with a binary schema).
    File,
    /// A JSON body.
    Json {
        schema: SchemaUse,
        examples: ExampleSource,
    },
}

impl ResponseDraft {
    pub(super) fn schema_use(&self) -> Option<&SchemaUse> {
        match &self.body {
            ResponseBody::Json { schema, .. } => Some(schema),
            ResponseBody::Empty | ResponseBody::File => None,
        }
    }
}

impl OperationReader<'_, '_> {
    /// Reads the responses that can be lowered (a bad one is reported and left out).
    pub(super) fn read_responses(
        &mut self,
        id: &str,
        op: &openapiv3::Operation,
        at: &Pointer,
    ) -> Vec<ResponseDraft> {
        let responses_at = at.join("responses");
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
        let mut drafts = Vec::new();
        for (code, response) in entries {
            let key = code
                .as_ref()
                .map_or("default".to_owned(), ToString::to_string);
            let pointer = responses_at.join(&key);
            let status = match code {
                Some(StatusCode::Code(c)) => Some(c),
                Some(StatusCode::Range(_)) => {
                    self.spec.error(
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
            if let Some(body) = self.read_response_body(response, &pointer, &name) {
                drafts.push(ResponseDraft { status, body });
            }
        }
        drafts
    }

    fn read_response_body(
        &mut self,
        response: &ReferenceOr<openapiv3::Response>,
        at: &Pointer,
        name: &str,
    ) -> Option<ResponseBody> {
        let (response, defined_at) = self.spec.resolve_response(response, at)?;
        if response.content.is_empty() {
            return Some(ResponseBody::Empty);
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
                    self.spec.error(
                        &media_at,
                        "a non-JSON answer is a file: its schema must be `{type: string, format: binary}`",
                    );
                    return None;
                }
                return Some(ResponseBody::File);
            }
        }
        let (Some(media), 1) = (
            response.content.get("application/json"),
            response.content.len(),
        ) else {
            let types: Vec<&String> = response.content.keys().collect();
            self.spec.error(&defined_at.join("content"), format!("unsupported response content type(s) {types:?}; use `application/json`, or one binary media type for a file"));
            return None;
        };
        let media_at = defined_at.join("content").join("application/json");
        let Some(schema) = &media.schema else {
            self.spec
                .error(&media_at, "the response media type needs a `schema`");
            return None;
        };
        Some(ResponseBody::Json {
            schema: SchemaUse::new(schema, media_at.join("schema"), name),
            examples: ExampleSource {
                at: media_at,
                examples: media.examples.clone(),
                single: media.example.clone(),
            },
        })
    }
}

impl OperationLowerer<'_, '_> {
    #[allow(clippy::type_complexity)]
    pub(super) fn lower_responses(
        &mut self,
        id: &str,
        op: &openapiv3::Operation,
        at: &Pointer,
        drafts: Vec<ResponseDraft>,
    ) -> Option<(Output, Vec<(u16, Named)>, Vec<u16>, Option<Value>)> {
        let mut success: Vec<(u16, Option<TypeRef>, Named)> = Vec::new();
        let mut error_statuses = Vec::new();
        let mut error_example = None;
        for draft in drafts {
            let (ty, named) = match &draft.body {
                ResponseBody::Empty => (None, Vec::new()),
                ResponseBody::File => (Some(TypeRef::Bytes), Vec::new()),
                ResponseBody::Json { schema, examples } => {
                    let Some(lowered) = self.schemas.lowered(schema) else {
                        continue;
                    };
                    if let Some(root) = lowered.ty.named() {
                        self.response_roots.insert(root.to_owned());
                    }
                    let named = self.collect_examples(examples, &lowered.ty);
                    (Some(lowered.ty), named)
                }
            };
            match draft.status {
                Some(c) if (200..300).contains(&c) => success.push((c, ty, named)),
                status => {
                    error_statuses.extend(status);
                    if error_example.is_none() {
                        error_example = named.into_iter().next().map(|(_, v)| v);
                    }
                }
            }
        }
        if success.is_empty() {
            if !documents_success(op) {
                self.spec.error(
                    &at.join("responses"),
                    "no success (2xx) response is documented",
                );
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
