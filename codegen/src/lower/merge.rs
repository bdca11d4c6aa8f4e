//! Merging identical types: string enums with the same values and structs with the same
//! fields (wire names, types, required flags, secrets and constraints; descriptions aside)
//! are generated once, under one canonical name. Every other name of a group stays as a
//! documented alias of the canonical type, so code written against it keeps compiling, and
//! every reference in the service points at the canonical type.
//!
//! The canonical name is the group's named component schema if it has one (a spec names a
//! shared schema to choose the name), else its shortest name, then the first in
//! alphabetical order.

use std::collections::BTreeMap;

use crate::diagnostics::Pointer;
use crate::ir::{Output, Service, TypeDef, TypeKind, TypeRef};

/// A group of identical types merged into one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MergedGroup {
    /// The name the group is generated under.
    pub canonical: String,
    /// The other names, now aliases of the canonical type, with the JSON pointers of their
    /// schemas.
    pub aliases: Vec<(String, Pointer)>,
}

/// Merges the identical types of `service`; returns the groups that were merged.
pub(crate) fn merge_identical_types(service: &mut Service) -> Vec<MergedGroup> {
    let canonical = canonical_names(&service.types);
    if canonical.is_empty() {
        return Vec::new();
    }
    let resolve = |name: &str| canonical.get(name).cloned();
    rewrite_service(service, &resolve);
    for def in &mut service.types {
        if let Some(target) = canonical.get(&def.name) {
            def.kind = TypeKind::Alias(TypeRef::Named(target.clone()));
            def.validated = false;
        }
    }
    let mut groups: BTreeMap<&String, Vec<(String, Pointer)>> = BTreeMap::new();
    for def in &service.types {
        if let Some(target) = canonical.get(&def.name) {
            groups
                .entry(target)
                .or_default()
                .push((def.name.clone(), def.pointer.clone()));
        }
    }
    groups
        .into_iter()
        .map(|(canonical, aliases)| MergedGroup {
            canonical: canonical.clone(),
            aliases,
        })
        .collect()
}

/// The service as if no type had been merged, with every type name mapped through `map`
/// (old names of merged types to the name both sides of a comparison share): each merged
/// name is a type of the canonical type's shape again, and references are mapped. Two
/// services seen this way compare by shape, whatever was merged on either side.
pub fn unmerged_view(service: &Service, map: &dyn Fn(&str) -> Option<String>) -> Service {
    let mut view = service.clone();
    let kinds: BTreeMap<String, TypeKind> = service
        .types
        .iter()
        .map(|def| (def.name.clone(), def.kind.clone()))
        .collect();
    for group in &service.merged_types {
        for (alias, _) in &group.aliases {
            if let (Some(def), Some(kind)) = (
                view.types.iter_mut().find(|d| &d.name == alias),
                kinds.get(&group.canonical),
            ) {
                def.kind = kind.clone();
            }
        }
    }
    rewrite_service(&mut view, map);
    view
}

/// Points every type reference of a service (types, operations, examples) through `resolve`.
fn rewrite_service(service: &mut Service, resolve: &dyn Fn(&str) -> Option<String>) {
    for def in &mut service.types {
        rewrite_kind(&mut def.kind, resolve);
    }
    for op in &mut service.operations {
        for param in &mut op.params {
            rewrite(&mut param.ty, resolve);
        }
        if let Some(body) = &mut op.body {
            rewrite(&mut body.ty, resolve);
        }
        match &mut op.output {
            Output::Empty { .. } => {}
            Output::Single { ty, .. } => rewrite(ty, resolve),
            Output::PerStatus { variants, .. } => {
                for ty in variants.iter_mut().filter_map(|v| v.2.as_mut()) {
                    rewrite(ty, resolve);
                }
            }
        }
        if let Some(pagination) = &mut op.pagination {
            rewrite(&mut pagination.item_ty, resolve);
            rewrite(&mut pagination.cursor.ty, resolve);
            if let Some(limit) = &mut pagination.limit {
                rewrite(&mut limit.ty, resolve);
            }
        }
    }
    for example in &mut service.examples {
        rewrite(&mut example.ty, resolve);
    }
}

/// The canonical name of every type that merges into another one (canonical types are not
/// in the map). Structs are compared after the types of their fields are merged, so the
/// grouping repeats until nothing changes.
fn canonical_names(types: &[TypeDef]) -> BTreeMap<String, String> {
    let mut canonical: BTreeMap<String, String> = BTreeMap::new();
    loop {
        let mut groups: BTreeMap<String, Vec<&TypeDef>> = BTreeMap::new();
        for def in types.iter().filter(|d| !canonical.contains_key(&d.name)) {
            if let Some(key) = structural_key(def, &canonical) {
                groups.entry(key).or_default().push(def);
            }
        }
        let mut changed = false;
        for members in groups.values().filter(|m| m.len() > 1) {
            let chosen = members
                .iter()
                .min_by_key(|d| (!is_component(d), d.name.len(), d.name.as_str()))
                .expect("a group has members");
            for def in members.iter().filter(|d| d.name != chosen.name) {
                canonical.insert(def.name.clone(), chosen.name.clone());
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // A name merged into a type that itself merged later points at the final canonical.
    let names: Vec<String> = canonical.keys().cloned().collect();
    for name in names {
        let mut target = canonical[&name].clone();
        while let Some(next) = canonical.get(&target) {
            target = next.clone();
        }
        canonical.insert(name, target);
    }
    canonical
}

/// Whether a type is a component schema of its own (`#/components/schemas/<name>`).
fn is_component(def: &TypeDef) -> bool {
    matches!(def.pointer.segments(), [components, schemas, _] if components == "components" && schemas == "schemas")
}

/// What makes two types the same type: the enum's values, or the struct's fields with their
/// types after merging. Aliases are never merged (they are names the spec chose).
fn structural_key(def: &TypeDef, canonical: &BTreeMap<String, String>) -> Option<String> {
    match &def.kind {
        TypeKind::Enum(variants) => {
            let mut values: Vec<&str> = variants.iter().map(|v| v.value.as_str()).collect();
            values.sort_unstable();
            Some(format!("enum {values:?}"))
        }
        TypeKind::Struct(fields) => {
            let resolve = |name: &str| canonical.get(name).cloned();
            let fields: Vec<String> = fields
                .iter()
                .map(|f| {
                    let mut ty = f.ty.clone();
                    rewrite(&mut ty, &resolve);
                    format!(
                        "{} {} {:?} {:?} {} {} {:?}",
                        f.name, f.wire_name, f.aliases, ty, f.required, f.secret, f.checks
                    )
                })
                .collect();
            Some(format!("struct {fields:?}"))
        }
        TypeKind::Alias(_) => None,
    }
}

fn rewrite_kind(kind: &mut TypeKind, resolve: &dyn Fn(&str) -> Option<String>) {
    match kind {
        TypeKind::Struct(fields) => {
            for field in fields {
                rewrite(&mut field.ty, resolve);
            }
        }
        TypeKind::Alias(ty) => rewrite(ty, resolve),
        TypeKind::Enum(_) => {}
    }
}

/// Points a type reference at canonical types.
fn rewrite(ty: &mut TypeRef, resolve: &dyn Fn(&str) -> Option<String>) {
    match ty {
        TypeRef::Named(name) => {
            if let Some(target) = resolve(name) {
                *name = target;
            }
        }
        TypeRef::Array(inner) | TypeRef::Map(inner) => rewrite(inner, resolve),
        TypeRef::String
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::F64
        | TypeRef::Bool
        | TypeRef::Json
        | TypeRef::Bytes
        | TypeRef::File => {}
    }
}
