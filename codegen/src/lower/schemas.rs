//! The schema step: every component schema, and every schema an operation uses, is lowered
//! to a type reference. Component schemas become named types, inline objects and enums
//! become named types called after their owner (the name the operation step chose for
//! them), scalars stay scalars. The operation step takes the result as its input.

use openapiv3::{
    AdditionalProperties, ArrayType, IntegerFormat, ObjectType, ReferenceOr, Schema, SchemaKind,
    StringFormat, StringType, Type, VariantOrUnknownOrEmpty,
};

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use super::spec::{Extensions, Spec};
use super::types::Types;
use crate::diagnostics::Pointer;
use crate::ir::{Checks, Docs, Field, TypeDef, TypeKind, TypeRef, Variant};
use crate::names;

/// A place where an operation uses a schema: the schema (a `$ref` or inline), where it is,
/// and the name a type defined there inline takes.
#[derive(Debug, Clone)]
pub(crate) struct SchemaUse {
    /// Boxed: schemas are large, and drafts hold many uses.
    pub(crate) schema: Box<ReferenceOr<Schema>>,
    pub(crate) at: Pointer,
    pub(crate) name: String,
}

impl SchemaUse {
    pub(crate) fn new(schema: &ReferenceOr<Schema>, at: Pointer, name: impl Into<String>) -> Self {
        Self {
            schema: Box::new(schema.clone()),
            at,
            name: name.into(),
        }
    }
}

/// What the schema step produces: the named types, and how each use was lowered.
pub(crate) struct Schemas {
    pub(crate) types: Types,
    /// By the use's pointer and name; `None` where lowering failed (and was reported).
    uses: BTreeMap<(String, String), Option<Lowered>>,
}

impl Schemas {
    /// How `use_` was lowered; `None` if it failed (the problem is already reported).
    pub(crate) fn lowered(&self, use_: &SchemaUse) -> Option<Lowered> {
        self.uses.get(&use_key(use_)).cloned().flatten()
    }
}

fn use_key(use_: &SchemaUse) -> (String, String) {
    (use_.at.to_string(), use_.name.clone())
}

/// Lowers the schemas that operations use (in their order, which decides which of two
/// types with one name is reported), then every other component schema: the document's
/// tables are the API, used or not.
pub(crate) fn lower_schemas<'u>(
    spec: &mut Spec<'_>,
    uses: impl IntoIterator<Item = &'u SchemaUse>,
) -> Schemas {
    let mut lowerer = SchemaLowerer {
        spec,
        types: BTreeMap::new(),
        components: BTreeMap::new(),
        in_progress: BTreeSet::new(),
    };
    let mut lowered = BTreeMap::new();
    for use_ in uses {
        // A use met twice (a shared parameter) is lowered once.
        if let Entry::Vacant(entry) = lowered.entry(use_key(use_)) {
            entry.insert(lowerer.lower_schema(use_.schema.as_ref(), &use_.at, &use_.name));
        }
    }
    lowerer.lower_all_component_schemas();
    Schemas {
        types: Types::new(lowerer.types),
        uses: lowered,
    }
}

/// The state of the schema step.
struct SchemaLowerer<'s, 'a> {
    spec: &'s mut Spec<'a>,
    /// Named types by Rust name.
    types: BTreeMap<String, TypeDef>,
    /// Lowered component schemas by component name.
    components: BTreeMap<String, Option<Lowered>>,
    /// Component schemas being lowered (to detect recursion without an object).
    in_progress: BTreeSet<String>,
}

/// A lowered schema: its type, the checks of its value, and whether it is a secret.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lowered {
    pub(crate) ty: TypeRef,
    pub(crate) checks: Checks,
    pub(crate) secret: bool,
    /// Description of the schema, for fields that reference it.
    pub(crate) description: Option<String>,
}

impl Lowered {
    fn plain(ty: TypeRef) -> Self {
        Self {
            ty,
            checks: Checks::default(),
            secret: false,
            description: None,
        }
    }
}

/// A schema position: a reference or an inline schema.
pub(crate) enum SchemaRef<'s> {
    Ref(&'s str),
    Inline(&'s Schema),
}

impl<'s> From<&'s ReferenceOr<Schema>> for SchemaRef<'s> {
    fn from(value: &'s ReferenceOr<Schema>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }
}

impl<'s> From<&'s ReferenceOr<Box<Schema>>> for SchemaRef<'s> {
    fn from(value: &'s ReferenceOr<Box<Schema>>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }
}

impl SchemaLowerer<'_, '_> {
    /// Every component schema becomes a type, used or not: the document's tables are the API.
    fn lower_all_component_schemas(&mut self) {
        let names: Vec<String> = self
            .spec
            .doc
            .api
            .components
            .iter()
            .flat_map(|c| c.schemas.keys().cloned())
            .collect();
        for name in names {
            if self.spec.schema_component(&name).is_some() {
                let at = Pointer::root()
                    .join("components")
                    .join("schemas")
                    .join(&name);
                self.lower_component(&name, &at);
            }
        }
    }

    /// Registers a named type, reporting a name already taken by another schema.
    fn define_type(&mut self, def: TypeDef) {
        if let Some(existing) = self.types.get(&def.name) {
            if existing.pointer != def.pointer {
                let reason = format!(
                    "the type name `{}` is also generated for {}; rename one of them",
                    def.name, existing.pointer
                );
                self.spec.error(&def.pointer, reason);
            }
            return;
        }
        self.types.insert(def.name.clone(), def);
    }

    /// Lowers a schema position; `name` names any type it must create inline.
    fn lower_schema<'s>(
        &mut self,
        schema: impl Into<SchemaRef<'s>>,
        at: &Pointer,
        name: &str,
    ) -> Option<Lowered> {
        match schema.into() {
            SchemaRef::Ref(reference) => {
                let component = self.spec.resolve_schema_name(reference, at)?;
                self.lower_component(&component, at)
            }
            SchemaRef::Inline(schema) => self.lower_inline(schema, at, name),
        }
    }

    /// Lowers a component schema once; later references reuse the result. `at` is where
    /// it is referenced from.
    fn lower_component(&mut self, component: &str, at: &Pointer) -> Option<Lowered> {
        if let Some(done) = self.components.get(component) {
            return done.clone();
        }
        if !self.in_progress.insert(component.to_owned()) {
            self.spec.error(
                at,
                format!("`{component}` refers back to itself through arrays or maps only; a recursive schema needs an object in the cycle (a Rust type alias cannot refer to itself)"),
            );
            return None;
        }
        let lowered = self.lower_component_once(component);
        self.in_progress.remove(component);
        lowered
    }

    fn lower_component_once(&mut self, component: &str) -> Option<Lowered> {
        let at = Pointer::root()
            .join("components")
            .join("schemas")
            .join(component);
        let schema = self.spec.schema_component(component)?.clone();
        let rust_name = match names::type_ident(component) {
            Ok(name) => name,
            Err(e) => {
                self.spec.error(&at, e.0);
                self.components.insert(component.to_owned(), None);
                return None;
            }
        };
        if defines_named_type(&schema) {
            // Recursive references see the name before the fields are lowered.
            let placeholder = Lowered::plain(TypeRef::Named(rust_name.clone()));
            self.components
                .insert(component.to_owned(), Some(placeholder));
        }
        let lowered = self.lower_inline(&schema, &at, &rust_name).map(|mut l| {
            l.description = schema.schema_data.description.clone();
            l
        });
        let lowered = lowered.map(|l| self.name_component_alias(l, &schema, &at, &rust_name));
        self.components
            .insert(component.to_owned(), lowered.clone());
        lowered
    }

    /// A named array or map component becomes an alias, so that its name stays visible.
    fn name_component_alias(
        &mut self,
        lowered: Lowered,
        schema: &Schema,
        at: &Pointer,
        name: &str,
    ) -> Lowered {
        if !matches!(lowered.ty, TypeRef::Array(_) | TypeRef::Map(_)) {
            return lowered;
        }
        let docs = self.schema_docs(schema, at);
        self.define_type(TypeDef {
            name: name.to_owned(),
            pointer: at.clone(),
            docs,
            kind: TypeKind::Alias(lowered.ty.clone()),
            validated: false,
            answer_only: false,
        });
        Lowered {
            ty: TypeRef::Named(name.to_owned()),
            ..lowered
        }
    }

    fn lower_inline(&mut self, schema: &Schema, at: &Pointer, name: &str) -> Option<Lowered> {
        if schema.schema_data.example.is_some() {
            self.spec.error(
                &at.join("example"),
                "schemas carry no `example`; put examples as named `examples` on the parameter or media type",
            );
        }
        let description = schema.schema_data.description.clone();
        let lowered = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => self.lower_string(schema, string, at, name),
            SchemaKind::Type(Type::Integer(int)) => {
                if int.multiple_of.is_some_and(|m| m <= 0) {
                    self.spec.error(
                        &at.join("multipleOf"),
                        "`multipleOf` must be greater than 0",
                    );
                }
                let ty = match &int.format {
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64)
                    | VariantOrUnknownOrEmpty::Empty => TypeRef::I64,
                    VariantOrUnknownOrEmpty::Unknown(f) => {
                        self.spec.error(
                            &at.join("format"),
                            format!("unknown integer format `{f}`; use int32 or int64"),
                        );
                        TypeRef::I64
                    }
                };
                let checks = Checks {
                    minimum: int.minimum.map(|v| v as f64),
                    maximum: int.maximum.map(|v| v as f64),
                    exclusive_minimum: int.exclusive_minimum,
                    exclusive_maximum: int.exclusive_maximum,
                    one_of: (!int.enumeration.is_empty())
                        .then(|| int.enumeration.iter().flatten().copied().collect()),
                    multiple_of: int.multiple_of.filter(|m| *m > 0).map(|m| m as f64),
                    ..Checks::default()
                };
                Some(Lowered {
                    checks,
                    ..Lowered::plain(ty)
                })
            }
            SchemaKind::Type(Type::Number(number)) => {
                if !number.enumeration.is_empty() {
                    self.spec
                        .error(&at.join("enum"), "number enums are not supported");
                }
                if number.multiple_of.is_some_and(|m| m <= 0.0) {
                    self.spec.error(
                        &at.join("multipleOf"),
                        "`multipleOf` must be greater than 0",
                    );
                }
                let checks = Checks {
                    minimum: number.minimum,
                    maximum: number.maximum,
                    exclusive_minimum: number.exclusive_minimum,
                    exclusive_maximum: number.exclusive_maximum,
                    multiple_of: number.multiple_of.filter(|m| *m > 0.0),
                    ..Checks::default()
                };
                Some(Lowered {
                    checks,
                    ..Lowered::plain(TypeRef::F64)
                })
            }
            SchemaKind::Type(Type::Boolean(_)) => Some(Lowered::plain(TypeRef::Bool)),
            SchemaKind::Type(Type::Array(array)) => self.lower_array(array, at, name),
            SchemaKind::Type(Type::Object(object)) => self.lower_object(schema, object, at, name),
            SchemaKind::OneOf { .. } => self.unsupported(at, "oneOf"),
            SchemaKind::AllOf { .. } => self.unsupported(at, "allOf"),
            SchemaKind::AnyOf { .. } => self.unsupported(at, "anyOf"),
            SchemaKind::Not { .. } => self.unsupported(at, "not"),
            SchemaKind::Any(any) => {
                if *any == openapiv3::AnySchema::default() {
                    Some(Lowered::plain(TypeRef::Json))
                } else if !any.properties.is_empty() {
                    self.spec
                        .error(at, "a schema with `properties` needs `type: object`");
                    None
                } else if let Some(typ) = &any.typ {
                    self.spec.error(
                        &at.join("type"),
                        format!("unknown type `{typ}`; use string, integer, number, boolean, array or object"),
                    );
                    None
                } else {
                    self.spec.error(at, "unsupported schema shape: it needs a `type` (string, integer, number, boolean, array or object)");
                    None
                }
            }
        };
        // `x-format` names the format in words (`Unix time in milliseconds`).
        let format = self
            .spec
            .extension_in(&schema.schema_data.extensions, "x-format", at);
        lowered.map(|l| Lowered {
            description,
            checks: Checks { format, ..l.checks },
            ..l
        })
    }

    fn unsupported(&mut self, at: &Pointer, keyword: &str) -> Option<Lowered> {
        self.spec.error(at, format!("unsupported schema shape: `{keyword}` is not supported; describe one concrete type"));
        None
    }

    fn lower_string(
        &mut self,
        schema: &Schema,
        string: &StringType,
        at: &Pointer,
        name: &str,
    ) -> Option<Lowered> {
        if let Some(pattern) = &string.pattern {
            if let Err(e) = regex::Regex::new(pattern) {
                let text = e.to_string();
                let cause = text
                    .lines()
                    .rev()
                    .find_map(|line| line.strip_prefix("error: "))
                    .unwrap_or_else(|| text.lines().last().unwrap_or_default());
                self.spec.error(
                    &at.join("pattern"),
                    format!("pattern `{pattern}` does not compile: {cause}"),
                );
            }
        }
        let secret = matches!(
            string.format,
            VariantOrUnknownOrEmpty::Item(StringFormat::Password)
        );
        let checks = Checks {
            min_length: string.min_length,
            max_length: string.max_length,
            pattern: string.pattern.clone(),
            ..Checks::default()
        };
        let values: Vec<&String> = string.enumeration.iter().flatten().collect();
        let binary = matches!(
            string.format,
            VariantOrUnknownOrEmpty::Item(StringFormat::Binary)
        );
        let ty = if binary {
            // A file to upload; only a multipart body may hold one (checked there).
            TypeRef::File
        } else if values.is_empty() {
            TypeRef::String
        } else {
            self.lower_enum(schema, &values, at, name)?
        };
        Some(Lowered {
            ty,
            checks,
            secret,
            description: None,
        })
    }

    fn lower_enum(
        &mut self,
        schema: &Schema,
        values: &[&String],
        at: &Pointer,
        name: &str,
    ) -> Option<TypeRef> {
        let mut variants: Vec<Variant> = Vec::new();
        for (i, value) in values.iter().enumerate() {
            let pointer = at.join("enum").join(i);
            let ident = match names::variant_ident(value) {
                Ok(ident) => ident,
                Err(e) => {
                    self.spec.error(&pointer, e.0);
                    continue;
                }
            };
            if ident == "Unknown" {
                self.spec.error(
                    &pointer,
                    format!("enum value `{value}` collides with the catch-all variant `Unknown`"),
                );
            } else if let Some(other) = variants.iter().find(|v| v.name == ident) {
                self.spec.error(
                    &pointer,
                    format!(
                        "enum values `{}` and `{value}` both become the variant `{ident}`",
                        other.value
                    ),
                );
            } else {
                variants.push(Variant {
                    name: ident,
                    value: (*value).clone(),
                });
            }
        }
        let docs = self.schema_docs(schema, at);
        self.define_type(TypeDef {
            name: name.to_owned(),
            pointer: at.clone(),
            docs,
            kind: TypeKind::Enum(variants),
            validated: true,
            answer_only: false,
        });
        Some(TypeRef::Named(name.to_owned()))
    }

    fn lower_array(&mut self, array: &ArrayType, at: &Pointer, name: &str) -> Option<Lowered> {
        let Some(items) = &array.items else {
            self.spec.error(at, "an array needs `items`");
            return None;
        };
        let item = self.lower_schema(items, &at.join("items"), &format!("{name}Item"))?;
        let checks = Checks {
            min_items: array.min_items,
            max_items: array.max_items,
            items: (!item.checks.is_empty()).then(|| Box::new(item.checks.clone())),
            ..Checks::default()
        };
        Some(Lowered {
            checks,
            secret: item.secret,
            ..Lowered::plain(TypeRef::Array(Box::new(item.ty)))
        })
    }

    fn lower_object(
        &mut self,
        schema: &Schema,
        object: &ObjectType,
        at: &Pointer,
        name: &str,
    ) -> Option<Lowered> {
        let extra = &object.additional_properties;
        if object.properties.is_empty() {
            return match extra {
                None | Some(AdditionalProperties::Any(true)) => Some(Lowered::plain(TypeRef::Json)),
                Some(AdditionalProperties::Schema(value)) => {
                    let value = self.lower_schema(
                        value.as_ref(),
                        &at.join("additionalProperties"),
                        &format!("{name}Value"),
                    )?;
                    Some(Lowered::plain(TypeRef::Map(Box::new(value.ty))))
                }
                Some(AdditionalProperties::Any(false)) => {
                    Some(self.define_struct(schema, object, at, name))
                }
            };
        }
        if let Some(AdditionalProperties::Schema(_)) = extra {
            self.spec.error(
                &at.join("additionalProperties"),
                "unsupported schema shape: `properties` together with an `additionalProperties` schema",
            );
            return None;
        }
        Some(self.define_struct(schema, object, at, name))
    }

    fn define_struct(
        &mut self,
        schema: &Schema,
        object: &ObjectType,
        at: &Pointer,
        name: &str,
    ) -> Lowered {
        let mut fields: Vec<Field> = Vec::new();
        for (wire_name, property) in &object.properties {
            let pointer = at.join("properties").join(wire_name);
            if let Some(field) = self.lower_field(name, wire_name, property, object, &pointer) {
                if let Some(other) = fields.iter().find(|f| f.name == field.name) {
                    let reason = format!(
                        "properties `{}` and `{wire_name}` both become the Rust field `{}`",
                        other.wire_name, field.name
                    );
                    self.spec.error(&pointer, reason);
                } else {
                    fields.push(field);
                }
            }
        }
        for field in &fields {
            for alias in &field.aliases {
                if fields.iter().any(|f| {
                    &f.wire_name == alias
                        || (f.wire_name != field.wire_name && f.aliases.contains(alias))
                }) {
                    let pointer = at
                        .join("properties")
                        .join(&field.wire_name)
                        .join("x-aliases");
                    self.spec.error(
                        &pointer,
                        format!("alias `{alias}` is also the name or an alias of another property"),
                    );
                }
            }
        }
        for (i, required) in object.required.iter().enumerate() {
            if !object.properties.contains_key(required) {
                self.spec.error(
                    &at.join("required").join(i),
                    format!("`required` lists `{required}`, which is not a property"),
                );
            }
        }
        let docs = self.schema_docs(schema, at);
        self.define_type(TypeDef {
            name: name.to_owned(),
            pointer: at.clone(),
            docs,
            kind: TypeKind::Struct(fields),
            validated: false,
            answer_only: false,
        });
        Lowered::plain(TypeRef::Named(name.to_owned()))
    }

    fn lower_field(
        &mut self,
        owner: &str,
        wire_name: &str,
        property: &ReferenceOr<Box<Schema>>,
        object: &ObjectType,
        at: &Pointer,
    ) -> Option<Field> {
        let name = match names::snake_ident(wire_name) {
            Ok(name) => name,
            Err(e) => {
                self.spec.error(at, e.0);
                return None;
            }
        };
        let nested = match names::nested_type_ident(owner, wire_name) {
            Ok(nested) => nested,
            Err(e) => {
                self.spec.error(at, e.0);
                return None;
            }
        };
        let lowered = self.lower_schema(property, at, &nested)?;
        let mut docs = match property {
            ReferenceOr::Item(schema) => self.schema_docs(schema, at),
            ReferenceOr::Reference { .. } => Docs {
                description: lowered.description.clone(),
                errata: self.spec.errata(&self.ref_siblings(property, at), at),
                ..Docs::default()
            },
        };
        if docs.description.is_none() {
            docs.description = Some(format!("The `{wire_name}` field."));
        }
        // `openapiv3` drops the siblings of a `$ref`; the raw node still has them.
        let siblings = self.ref_siblings(property, at);
        let aliases = match property {
            ReferenceOr::Item(schema) => self.aliases(&schema.schema_data.extensions, at),
            ReferenceOr::Reference { .. } => self.aliases(&siblings, at),
        };
        Some(Field {
            name,
            wire_name: wire_name.to_owned(),
            aliases,
            docs,
            ty: lowered.ty,
            required: object.required.iter().any(|r| r == wire_name),
            secret: lowered.secret,
            checks: lowered.checks,
        })
    }

    /// The `x-` keys written next to a `$ref` (which `openapiv3` does not keep).
    fn ref_siblings(&self, property: &ReferenceOr<Box<Schema>>, at: &Pointer) -> Extensions {
        match (property, self.spec.doc.node(at)) {
            (ReferenceOr::Reference { .. }, Some(serde_json::Value::Object(map))) => map
                .iter()
                .filter(|(k, _)| k.starts_with("x-"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            _ => Extensions::new(),
        }
    }

    /// `x-aliases`: other names of a property that the document shows (typos in examples).
    fn aliases(&mut self, extensions: &Extensions, at: &Pointer) -> Vec<String> {
        let aliases: Vec<String> = self
            .spec
            .extension_in(extensions, "x-aliases", at)
            .unwrap_or_default();
        let at = at.join("x-aliases");
        for (i, alias) in aliases.iter().enumerate() {
            if alias.is_empty() {
                self.spec.error(&at.join(i), "an alias must not be empty");
            }
        }
        aliases.into_iter().filter(|a| !a.is_empty()).collect()
    }

    /// Documentation of a schema: title as summary, description, default and errata.
    fn schema_docs(&mut self, schema: &Schema, at: &Pointer) -> Docs {
        let data = &schema.schema_data;
        let mut docs = self.spec.docs(
            data.title.as_ref(),
            data.description.as_ref(),
            &data.extensions,
            at,
        );
        if let Some(default) = &data.default {
            // A description that already says "Defaults to 125" is not told again.
            let value = match default {
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            let said = docs.description.as_deref().is_some_and(|d| {
                let d = d.to_lowercase();
                d.contains("default") && mentions(&d, &value.to_lowercase())
            });
            if !said {
                let line = format!("Defaults to `{default}`.");
                docs.description = Some(match docs.description.take() {
                    Some(d) => format!("{d}\n\n{line}"),
                    None => line,
                });
            }
        }
        docs
    }
}

/// Whether `text` mentions `value` as a whole word or number (`defaults to 10` does not
/// mention `1` or `0`, `1.5` does not mention `1`).
fn mentions(text: &str, value: &str) -> bool {
    let part_of_word = |c: char| c.is_alphanumeric() || c == '_';
    !value.is_empty()
        && text.match_indices(value).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let mut after = text[at + value.len()..].chars();
            let next = after.next();
            let decimal = next == Some('.') && after.next().is_some_and(|c| c.is_ascii_digit());
            !before.is_some_and(part_of_word) && !next.is_some_and(part_of_word) && !decimal
        })
}

/// Whether lowering this schema defines a named type (so recursion can refer to it).
fn defines_named_type(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            !object.properties.is_empty()
                || matches!(
                    object.additional_properties,
                    Some(AdditionalProperties::Any(false))
                )
        }
        SchemaKind::Type(Type::String(string)) => !string.enumeration.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn a_value_is_mentioned_as_a_whole_word_or_number() {
        assert!(mentions("defaults to 100.", "100"));
        assert!(mentions("0 (default) leaves it", "0"));
        assert!(mentions("`searchtool` (default)", "searchtool"));
        assert!(!mentions("defaults to 100", "1"));
        assert!(!mentions("defaults to 10", "0"));
        assert!(!mentions("defaults to 1.5", "1"));
        assert!(!mentions("the default is on_demand", "on"));
    }
}
