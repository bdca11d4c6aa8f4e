//! `$ref` resolution: only references into the same document's `#/components` are allowed,
//! each to the component kind its position expects.

use openapiv3::{Example, Parameter, ReferenceOr, RequestBody, Response, Schema};

use super::spec::Spec;
use crate::diagnostics::Pointer;

/// How many `$ref` hops a chain may take before it is called circular.
const MAX_HOPS: usize = 16;

/// A component section that `$ref`s can point into.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Section {
    Schemas,
    Parameters,
    Responses,
    RequestBodies,
    Examples,
}

impl Section {
    fn key(self) -> &'static str {
        match self {
            Section::Schemas => "schemas",
            Section::Parameters => "parameters",
            Section::Responses => "responses",
            Section::RequestBodies => "requestBodies",
            Section::Examples => "examples",
        }
    }
}

impl Spec<'_> {
    /// The component name a `$ref` names, checked to point into `section`.
    pub(crate) fn ref_name(
        &mut self,
        reference: &str,
        section: Section,
        at: &Pointer,
    ) -> Option<String> {
        let prefix = format!("#/components/{}/", section.key());
        match reference.strip_prefix(&prefix) {
            Some(name) if !name.is_empty() && !name.contains('/') => Some(name.to_owned()),
            _ => {
                self.error(
                    at,
                    format!("$ref `{reference}` must point to `{prefix}<name>` in this document"),
                );
                None
            }
        }
    }

    /// Follows a chain of references to a schema component; returns the final component name.
    pub(crate) fn resolve_schema_name(&mut self, reference: &str, at: &Pointer) -> Option<String> {
        let mut name = self.ref_name(reference, Section::Schemas, at)?;
        for _ in 0..MAX_HOPS {
            let schemas = &self.doc.api.components.as_ref()?.schemas;
            match schemas.get(&name) {
                None => {
                    self.error(
                        at,
                        format!("unresolved $ref `{reference}`: no schema named `{name}`"),
                    );
                    return None;
                }
                Some(ReferenceOr::Item(_)) => return Some(name),
                Some(ReferenceOr::Reference { reference: next }) => {
                    let next = next.clone();
                    name = self.ref_name(&next, Section::Schemas, at)?;
                }
            }
        }
        self.error(at, format!("$ref `{reference}` is circular"));
        None
    }

    /// The schema component with this name (already resolved to an item).
    pub(crate) fn schema_component(&self, name: &str) -> Option<&'_ Schema> {
        self.doc
            .api
            .components
            .as_ref()?
            .schemas
            .get(name)?
            .as_item()
    }

    /// Resolves a parameter; returns it with the pointer of its definition.
    pub(crate) fn resolve_parameter(
        &mut self,
        item: &ReferenceOr<Parameter>,
        at: &Pointer,
    ) -> Option<(Parameter, Pointer)> {
        self.resolve(item, Section::Parameters, at, |c| &c.parameters)
    }

    /// Resolves a response; returns it with the pointer of its definition.
    pub(crate) fn resolve_response(
        &mut self,
        item: &ReferenceOr<Response>,
        at: &Pointer,
    ) -> Option<(Response, Pointer)> {
        self.resolve(item, Section::Responses, at, |c| &c.responses)
    }

    /// Resolves a request body; returns it with the pointer of its definition.
    pub(crate) fn resolve_request_body(
        &mut self,
        item: &ReferenceOr<RequestBody>,
        at: &Pointer,
    ) -> Option<(RequestBody, Pointer)> {
        self.resolve(item, Section::RequestBodies, at, |c| &c.request_bodies)
    }

    /// Resolves an example; returns it with the pointer of its definition.
    pub(crate) fn resolve_example(
        &mut self,
        item: &ReferenceOr<Example>,
        at: &Pointer,
    ) -> Option<(Example, Pointer)> {
        self.resolve(item, Section::Examples, at, |c| &c.examples)
    }

    fn resolve<T: Clone>(
        &mut self,
        item: &ReferenceOr<T>,
        section: Section,
        at: &Pointer,
        select: impl Fn(&openapiv3::Components) -> &indexmap::IndexMap<String, ReferenceOr<T>>,
    ) -> Option<(T, Pointer)> {
        let mut current = item.clone();
        let mut pointer = at.clone();
        for _ in 0..MAX_HOPS {
            match current {
                ReferenceOr::Item(value) => return Some((value, pointer)),
                ReferenceOr::Reference { reference } => {
                    let name = self.ref_name(&reference, section, &pointer)?;
                    let found = self
                        .doc
                        .api
                        .components
                        .as_ref()
                        .and_then(|c| select(c).get(&name))
                        .cloned();
                    let Some(next) = found else {
                        self.error(
                            &pointer,
                            format!(
                                "unresolved $ref `{reference}`: no {} component named `{name}`",
                                section.key()
                            ),
                        );
                        return None;
                    };
                    pointer = Pointer::root()
                        .join("components")
                        .join(section.key())
                        .join(&name);
                    current = next;
                }
            }
        }
        self.error(at, "circular $ref chain");
        None
    }
}

impl Spec<'_> {
    /// Reports components (other than schemas, which all become types) that no operation
    /// references: their examples would never be exercised.
    pub(crate) fn check_unreferenced_components(&mut self) {
        let Some(components) = &self.doc.api.components else {
            return;
        };
        let mut referenced = std::collections::BTreeSet::new();
        collect_refs(&self.doc.raw, &mut referenced);
        let sections: [(&str, Vec<&String>); 4] = [
            ("parameters", components.parameters.keys().collect()),
            ("responses", components.responses.keys().collect()),
            ("requestBodies", components.request_bodies.keys().collect()),
            ("examples", components.examples.keys().collect()),
        ];
        let mut unused = Vec::new();
        for (section, names) in sections {
            for name in names {
                let pointer = Pointer::root().join("components").join(section).join(name);
                if !referenced.contains(&pointer.to_string()) {
                    unused.push(pointer);
                }
            }
        }
        for pointer in unused {
            self.error(&pointer, "this component is never referenced");
        }
    }
}

/// Every `$ref` string of the document, wherever it is (even under operations that failed
/// to lower, so that their components do not look unused).
fn collect_refs(node: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
    match node {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", serde_json::Value::String(reference)) => {
                        out.insert(reference.clone());
                    }
                    _ => collect_refs(value, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| collect_refs(item, out)),
        _ => {}
    }
}
