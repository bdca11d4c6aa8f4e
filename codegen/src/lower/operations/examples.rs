//! Examples: every named example is recorded with the type it must decode into (the
//! round-trip tests use them all), and an operation's request examples are assembled from
//! the parameter and body examples that share a name.

use indexmap::IndexMap;
use openapiv3::{Example, ReferenceOr};
use serde_json::Value;

use super::OperationLowerer;
use crate::diagnostics::Pointer;
use crate::ir::{Output, Param, RequestExample, TypeKind, TypeRef};

/// Examples of one parameter, body or response, by example name.
pub(crate) type Named = Vec<(String, Value)>;

/// The examples written at one place: a parameter, or a media type.
#[derive(Debug, Clone)]
pub(crate) struct ExampleSource {
    /// The parameter or the media type.
    pub(crate) at: Pointer,
    /// Named examples (`examples`).
    pub(crate) examples: IndexMap<String, ReferenceOr<Example>>,
    /// A single `example`, which the spec must not use.
    pub(crate) single: Option<Value>,
}

impl OperationLowerer<'_, '_> {
    /// Records the examples of a media type or parameter as decoding into `ty`, and
    /// returns them by name.
    pub(crate) fn collect_examples(&mut self, source: &ExampleSource, ty: &TypeRef) -> Named {
        let at = &source.at;
        if source.single.is_some() {
            self.spec.error(
                &at.join("example"),
                "use a named example under `examples` instead of `example`",
            );
        }
        let mut named = Vec::new();
        for (name, example) in &source.examples {
            let pointer = at.join("examples").join(name);
            let Some((example, defined_at)) = self.spec.resolve_example(example, &pointer) else {
                continue;
            };
            if example.external_value.is_some() {
                self.spec.error(
                    &defined_at,
                    "`externalValue` examples are not supported; inline the value",
                );
                continue;
            }
            let Some(value) = example.value else {
                self.spec.error(&defined_at, "the example has no `value`");
                continue;
            };
            let errata_at = defined_at.clone();
            self.spec.errata(&example.extensions, &errata_at);
            self.record_example(defined_at.join("value"), ty);
            named.push((name.clone(), value));
        }
        named
    }

    fn record_example(&mut self, pointer: Pointer, ty: &TypeRef) {
        let key = pointer.to_string();
        match self.examples.get(&key) {
            Some((_, existing)) if existing != ty => {
                let reason = format!(
                    "the example is used for two different types ({existing:?} and {ty:?})"
                );
                self.spec.error(&pointer, reason);
            }
            _ => {
                self.examples.insert(key, (pointer, ty.clone()));
            }
        }
    }

    /// The request examples of an operation.
    pub(crate) fn request_examples(
        &mut self,
        at: &Pointer,
        params: &[(Param, Named)],
        body: Option<(bool, &Named)>,
        output: &Output,
        responses: &[(u16, Named)],
    ) -> Vec<RequestExample> {
        let mut names: Vec<String> = Vec::new();
        let all = params.iter().map(|(_, n)| n).chain(body.map(|(_, n)| n));
        for named in all {
            for (name, _) in named {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
        if names.is_empty() {
            names.push("generated".to_owned());
        }
        let mut out = Vec::new();
        for name in names {
            let mut values = Vec::new();
            for (param, named) in params {
                let chosen = pick(named, &name).or_else(|| {
                    if param.required {
                        named.first().map(|(_, v)| v.clone())
                    } else {
                        None
                    }
                });
                let value = match chosen {
                    Some(value) => Some(value),
                    None if param.required => self.synthesize(&param.ty),
                    None => None,
                };
                match value {
                    Some(value) => values.push((param.name.clone(), value)),
                    None if param.required => self.spec.error(
                        at,
                        format!(
                            "request example `{name}` has no value for the required parameter `{}`",
                            param.wire_name
                        ),
                    ),
                    None => {}
                }
            }
            let body_value = match body {
                Some((required, named)) => {
                    let chosen = pick(named, &name).or_else(|| {
                        if required {
                            named.first().map(|(_, v)| v.clone())
                        } else {
                            None
                        }
                    });
                    // A required body without any example is reported where the body is.
                    chosen
                }
                None => None,
            };
            out.push(RequestExample {
                name: name.clone(),
                params: values,
                body: body_value,
                response: response_for(&name, output, responses),
            });
        }
        out
    }

    /// A placeholder value for a required parameter that has no example.
    fn synthesize(&self, ty: &TypeRef) -> Option<Value> {
        match ty {
            TypeRef::String => Some(Value::from("example")),
            TypeRef::I32 | TypeRef::I64 => Some(Value::from(1)),
            TypeRef::F64 => Some(Value::from(1.0)),
            TypeRef::Bool => Some(Value::Bool(true)),
            TypeRef::Array(inner) => self.synthesize(inner).map(|v| Value::Array(vec![v])),
            TypeRef::Named(name) => match self.schemas.types.get(name).map(|t| &t.kind) {
                Some(TypeKind::Enum(variants)) => {
                    variants.first().map(|v| Value::from(v.value.clone()))
                }
                _ => None,
            },
            TypeRef::Map(_) | TypeRef::Json | TypeRef::Bytes | TypeRef::File => None,
        }
    }
}

fn pick(named: &Named, name: &str) -> Option<Value> {
    named
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}

/// The success answer for a request example: the same-named example of the first success
/// status, else that status's first example, else any success example.
fn response_for(
    name: &str,
    output: &Output,
    responses: &[(u16, Named)],
) -> Option<(u16, Option<Value>)> {
    let first_status = match output {
        Output::Empty { status } => *status,
        Output::Single { statuses, .. } => *statuses.first()?,
        Output::PerStatus { variants, .. } => variants.first()?.0,
    };
    for (status, named) in responses {
        if let Some(value) = pick(named, name) {
            return Some((*status, Some(value)));
        }
    }
    for (status, named) in responses {
        if let Some((_, value)) = named.first() {
            return Some((*status, Some(value.clone())));
        }
    }
    Some((first_status, None))
}
