//! The named types that the schema step lowered, and the questions later steps ask about
//! them (what an alias stands for, the fields of a struct, whether a name is an enum).

use std::collections::BTreeMap;

use crate::ir::{Field, TypeDef, TypeKind, TypeRef};

/// Named types by Rust name.
#[derive(Debug, Default)]
pub(crate) struct Types {
    defs: BTreeMap<String, TypeDef>,
}

impl Types {
    pub(crate) fn new(defs: BTreeMap<String, TypeDef>) -> Self {
        Self { defs }
    }

    pub(crate) fn get(&self, name: &str) -> Option<&TypeDef> {
        self.defs.get(name)
    }

    /// The type an alias (or a chain of aliases) stands for; any other type as it is.
    pub(crate) fn resolve_alias(&self, ty: &TypeRef) -> TypeRef {
        let mut current = ty.clone();
        for _ in 0..16 {
            let TypeRef::Named(name) = &current else {
                break;
            };
            match self.defs.get(name).map(|t| &t.kind) {
                Some(TypeKind::Alias(inner)) => current = inner.clone(),
                _ => break,
            }
        }
        current
    }

    /// The fields of struct `name` (seen through aliases), if it is a struct.
    pub(crate) fn struct_fields(&self, name: &str) -> Option<&Vec<Field>> {
        match self.resolve_alias(&TypeRef::Named(name.to_owned())) {
            TypeRef::Named(resolved) => match self.defs.get(&resolved).map(|t| &t.kind) {
                Some(TypeKind::Struct(fields)) => Some(fields),
                _ => None,
            },
            _ => None,
        }
    }

    pub(crate) fn is_enum(&self, name: &str) -> bool {
        matches!(
            self.defs.get(name).map(|t| &t.kind),
            Some(TypeKind::Enum(_))
        )
    }

    /// Whether a type is, or holds, a file to upload.
    pub(crate) fn reaches_file(&self, ty: &TypeRef) -> bool {
        let mut pending = vec![ty.clone()];
        let mut seen = std::collections::BTreeSet::new();
        while let Some(ty) = pending.pop() {
            match ty {
                TypeRef::File => return true,
                TypeRef::Array(inner) | TypeRef::Map(inner) => pending.push(*inner),
                TypeRef::Named(name) if seen.insert(name.clone()) => {
                    match self.defs.get(&name).map(|t| &t.kind) {
                        Some(TypeKind::Struct(fields)) => {
                            pending.extend(fields.iter().map(|f| f.ty.clone()))
                        }
                        Some(TypeKind::Alias(target)) => pending.push(target.clone()),
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        false
    }

    /// Marks the types that need client-side checks: enums always (a request may not send
    /// an unknown value), structs and aliases when a field has checks or reaches such a type.
    pub(crate) fn mark_validated(&mut self) {
        loop {
            let mut changed = false;
            let validated: Vec<String> = self
                .defs
                .values()
                .filter(|t| t.validated)
                .map(|t| t.name.clone())
                .collect();
            let reaches =
                |ty: &TypeRef| ty.named().is_some_and(|n| validated.iter().any(|v| v == n));
            for def in self.defs.values_mut() {
                if def.validated {
                    continue;
                }
                let needed = match &def.kind {
                    TypeKind::Enum(_) => true,
                    TypeKind::Struct(fields) => fields
                        .iter()
                        .any(|f| !f.checks.is_empty() || reaches(&f.ty)),
                    TypeKind::Alias(ty) => reaches(ty),
                };
                if needed {
                    def.validated = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// The types in name order, as the IR lists them.
    pub(crate) fn into_list(self) -> Vec<TypeDef> {
        self.defs.into_values().collect()
    }
}
