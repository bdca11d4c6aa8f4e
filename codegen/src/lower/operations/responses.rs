//! Lowering an operation's responses: the success answers become the operation's output
//! (one type, nothing, or one variant per status), the error answers give the documented
//! error statuses and an error example.

use openapiv3::{ReferenceOr, StatusCode};
use serde_json::Value;

use super::super::examples::Named;
use super::super::Lowerer;
use crate::diagnostics::Pointer;
use crate::ir::{Output, TypeRef};
use crate::names;

impl Lowerer<'_> {
    #[allow(clippy::type_complexity)]
    pub(super) fn lower_responses(
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
