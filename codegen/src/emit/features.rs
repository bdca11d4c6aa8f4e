//! Per-tag Cargo features: each tag of the spec is a feature that compiles the operations of
//! that tag and the types they reach, so that a user who needs two chapters of a large API
//! compiles only those. `full` (the default) enables every tag.
//!
//! A type gets a `cfg` only when some tags do not reach it; a type every tag reaches (or no
//! operation reaches) is always compiled. A tag whose operations start jobs enables the tag
//! of the job-information operation, so that `send_and_wait` is always there.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Operation, Output, Service, TypeKind, TypeRef};

/// The feature that enables every tag.
pub(crate) const FULL: &str = "full";

/// Which features compile what.
#[derive(Debug, Default)]
pub(crate) struct Features {
    /// Every tag feature, in the spec's tag order.
    pub(crate) tags: Vec<String>,
    /// The tags whose operations reach each named type (only types that need a `cfg`).
    type_tags: BTreeMap<String, BTreeSet<String>>,
    /// For each tag, the other tags it enables.
    pub(crate) enables: BTreeMap<String, BTreeSet<String>>,
    /// The tag of the job-information operation, if the service has one.
    pub(crate) poller_tag: Option<String>,
}

impl Features {
    /// Computes the features of a service.
    pub(crate) fn of(service: &Service) -> Self {
        let tags: Vec<String> = service.tags.iter().map(|t| t.name.clone()).collect();
        let mut reached: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for op in &service.operations {
            for name in reachable_types(service, op) {
                reached.entry(name).or_default().insert(op.tag.clone());
            }
        }
        // A name merged into another type is reached by no operation (references point at
        // the canonical type); it is there whenever its canonical type is.
        for def in &service.types {
            if let TypeKind::Alias(TypeRef::Named(target)) = &def.kind {
                if !reached.contains_key(&def.name) {
                    if let Some(tags) = reached.get(target).cloned() {
                        reached.insert(def.name.clone(), tags);
                    }
                }
            }
        }
        let all: BTreeSet<String> = tags.iter().cloned().collect();
        let type_tags = reached
            .into_iter()
            .filter(|(_, reaching)| *reaching != all)
            .collect();
        let poller_tag = service.job_poller.as_ref().and_then(|poller| {
            service
                .operations
                .iter()
                .find(|op| op.method_name == poller.method_name)
                .map(|op| op.tag.clone())
        });
        let mut enables: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        if let Some(poller_tag) = &poller_tag {
            for op in service.operations.iter().filter(|op| op.job.is_some()) {
                if &op.tag != poller_tag {
                    enables
                        .entry(op.tag.clone())
                        .or_default()
                        .insert(poller_tag.clone());
                }
            }
        }
        // An operation that leads into a resource waiter needs the waiter's operation.
        for op in &service.operations {
            let waiter_tag = op.waiter.as_ref().and_then(|w| {
                service
                    .waiters
                    .iter()
                    .find(|def| def.name == w.waiter)
                    .map(|def| def.tag.clone())
            });
            if let Some(tag) = waiter_tag.filter(|tag| *tag != op.tag) {
                enables.entry(op.tag.clone()).or_default().insert(tag);
            }
        }
        Self {
            tags,
            type_tags,
            enables,
            poller_tag,
        }
    }

    /// The one tag whose operations reach a type, if exactly one does.
    pub(crate) fn single_tag(&self, name: &str) -> Option<&str> {
        match self.type_tags.get(name) {
            Some(tags) if tags.len() == 1 => tags.iter().next().map(String::as_str),
            _ => None,
        }
    }

    /// The `cfg` attribute of a named type (empty when it is always compiled).
    pub(crate) fn type_cfg(&self, name: &str) -> TokenStream {
        match self.type_tags.get(name) {
            Some(tags) => cfg_any(tags.iter()),
            None => quote!(),
        }
    }

    /// The `cfg` attribute of a group of named types: compiled when any of them is (empty
    /// when one of them is always compiled).
    pub(crate) fn types_cfg<'a>(&self, names: impl Iterator<Item = &'a str>) -> TokenStream {
        let mut tags = std::collections::BTreeSet::new();
        for name in names {
            match self.type_tags.get(name) {
                Some(reaching) => tags.extend(reaching.iter()),
                None => return quote!(),
            }
        }
        if tags.is_empty() {
            quote!()
        } else {
            cfg_any(tags.into_iter())
        }
    }

    /// The `cfg` attribute of the job poller's `wait_for_job`.
    pub(crate) fn poller_cfg(&self) -> TokenStream {
        match &self.poller_tag {
            Some(tag) => cfg_any(std::iter::once(tag)),
            None => quote!(),
        }
    }

    /// The `cfg` attribute of what a tag's feature compiles.
    pub(crate) fn tag_cfg(&self, tag: &String) -> TokenStream {
        cfg_any(std::iter::once(tag))
    }

    /// The `cfg` attribute of an operation's module.
    pub(crate) fn operation_cfg(&self, op: &Operation) -> TokenStream {
        cfg_any(std::iter::once(&op.tag))
    }
}

/// `#[cfg(feature = "a")]` or `#[cfg(any(feature = "a", feature = "b"))]`.
fn cfg_any<'a>(tags: impl Iterator<Item = &'a String>) -> TokenStream {
    let tags: Vec<&String> = tags.collect();
    match tags.as_slice() {
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// Every named type an operation's input or output reaches, through fields and aliases.
fn reachable_types(service: &Service, op: &Operation) -> BTreeSet<String> {
    let mut roots: Vec<&TypeRef> = op.params.iter().map(|p| &p.ty).collect();
    roots.extend(op.body.as_ref().map(|b| &b.ty));
    match &op.output {
        Output::Empty { .. } => {}
        Output::Single { ty, .. } => roots.push(ty),
        Output::PerStatus { variants, .. } => {
            roots.extend(variants.iter().filter_map(|v| v.2.as_ref()))
        }
    }
    let by_name: BTreeMap<&str, &TypeKind> = service
        .types
        .iter()
        .map(|t| (t.name.as_str(), &t.kind))
        .collect();
    let mut seen = BTreeSet::new();
    let mut pending: Vec<String> = roots
        .iter()
        .filter_map(|ty| ty.named().map(str::to_owned))
        .collect();
    while let Some(name) = pending.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        match by_name.get(name.as_str()) {
            Some(TypeKind::Struct(fields)) => {
                pending.extend(
                    fields
                        .iter()
                        .filter_map(|f| f.ty.named().map(str::to_owned)),
                );
            }
            Some(TypeKind::Alias(ty)) => pending.extend(ty.named().map(str::to_owned)),
            _ => {}
        }
    }
    seen
}
