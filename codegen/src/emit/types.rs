//! Emitting the `types` module: structs, string enums that keep unknown values, aliases,
//! and the checks of documented constraints.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc_block, escape, module_doc_attrs, paragraphs};
use super::features::Features;
use super::{crate_types, ident, type_tokens, RustChunk};
use crate::ir::{Checks, Field, Service, TypeDef, TypeKind, TypeRef, Variant};

/// At most this many types go in one file of the `types` module, so that no generated file
/// grows past a few thousand lines and a spec change shows in a small file's diff.
const TYPES_PER_FILE: usize = 200;

/// Where each type goes: the `types` module is split into one file per tag (the types only
/// that tag's operations reach) and `shared` (the rest), each cut into numbered parts of at
/// most [`TYPES_PER_FILE`] types. The types are emitted module by module, in this order.
#[derive(Debug, Default)]
pub(crate) struct TypeLayout {
    /// Indexes into `service.types`, module by module, each module's types by name.
    pub(crate) order: Vec<usize>,
    /// The module of each position of `order`.
    module_of: Vec<usize>,
    /// The modules: file stem and what it holds.
    modules: Vec<(String, String)>,
}

impl TypeLayout {
    pub(crate) fn of(service: &Service, features: &Features) -> Self {
        let mut groups: std::collections::BTreeMap<(usize, String), Vec<usize>> =
            std::collections::BTreeMap::new();
        for (index, def) in service.types.iter().enumerate() {
            let key = match features.single_tag(&def.name) {
                Some(tag) => (0, tag.to_owned()),
                None => (1, "shared".to_owned()),
            };
            groups.entry(key).or_default().push(index);
        }
        let mut layout = TypeLayout::default();
        for ((_, group), mut indexes) in groups {
            indexes.sort_by(|a, b| service.types[*a].name.cmp(&service.types[*b].name));
            let stem = group.replace('-', "_");
            let parts = indexes.len().div_ceil(TYPES_PER_FILE);
            for (part, chunk) in indexes.chunks(TYPES_PER_FILE).enumerate() {
                let name = if parts > 1 {
                    format!("{stem}_{}", part + 1)
                } else {
                    stem.clone()
                };
                let what = if group == "shared" {
                    "the types that several tags' operations use, or none".to_owned()
                } else {
                    format!("the types only the `{group}` operations use")
                };
                layout.modules.push((name, what));
                let module = layout.modules.len() - 1;
                for index in chunk {
                    layout.order.push(*index);
                    layout.module_of.push(module);
                }
            }
        }
        layout
    }

    /// The file stems of the modules, in order, each with the names of its types.
    fn modules<'a>(
        &'a self,
        service: &'a Service,
    ) -> impl Iterator<Item = (&'a str, Vec<&'a str>)> {
        self.modules
            .iter()
            .enumerate()
            .map(move |(module, (name, _))| {
                let types = self
                    .order
                    .iter()
                    .zip(&self.module_of)
                    .filter(|(_, m)| **m == module)
                    .map(|(index, _)| service.types[*index].name.as_str())
                    .collect();
                (name.as_str(), types)
            })
    }
}

/// `src/types/mod.rs`: the module docs, and every part re-exported, so that every type is
/// `crate::types::Name` whatever file holds it.
pub(crate) fn emit_types_index(
    service: &Service,
    features: &Features,
    layout: &TypeLayout,
) -> TokenStream {
    let header = module_doc_attrs(&format!(
        "Types of the {} API: request and response bodies and their parts. They are split over\nfiles by the tag whose operations use them; all are re-exported here.",
        escape(&service.title)
    ));
    // A module whose types are all behind features is there when one of them is.
    let modules = layout.modules(service).map(|(name, types)| {
        let module = format_ident!("{}", name);
        let cfg = features.types_cfg(types.into_iter());
        quote! {
            #cfg
            mod #module;
            #cfg
            pub use #module::*;
        }
    });
    quote! {
        #header
        #(#modules)*
    }
}

/// The types at positions `first..first + count` of the layout, as files: each type's
/// definition and impls behind its feature gate, each module's docs before its first type.
pub(crate) fn emit_types(
    service: &Service,
    features: &Features,
    layout: &TypeLayout,
    first: usize,
    count: usize,
    base: &str,
) -> Vec<super::OutputFile> {
    let mut files: Vec<super::OutputFile> = Vec::new();
    let end = (first + count).min(layout.order.len());
    for position in first..end {
        let module = layout.module_of[position];
        let (name, what) = &layout.modules[module];
        let path = format!("{base}/src/types/{name}.rs");
        let starts_module = position == 0 || layout.module_of[position - 1] != module;
        if files.last().is_none_or(|f| f.path != path) {
            files.push(super::OutputFile {
                path,
                kind: super::FileKind::Rust(Vec::new()),
            });
        }
        let Some(super::OutputFile {
            kind: super::FileKind::Rust(chunks),
            ..
        }) = files.last_mut()
        else {
            continue;
        };
        if starts_module {
            chunks.push(RustChunk::new(module_doc_attrs(&format!(
                "Types of the {} API: {what}.",
                escape(&service.title)
            ))));
        }
        let def = &service.types[layout.order[position]];
        chunks.push(RustChunk::gated(
            emit_type(service, def),
            features.type_cfg(&def.name),
        ));
    }
    files
}

fn emit_type(service: &Service, def: &TypeDef) -> TokenStream {
    let fallback = format!("The `{}` schema.", def.name);
    let mut parts = paragraphs(&def.docs);
    if let Some(group) = service
        .merged_types
        .iter()
        .find(|g| g.aliases.iter().any(|(alias, _)| *alias == def.name))
    {
        parts.push(format!(
            "The same schema as [`{0}`](crate::types::{0}): identical schemas are generated \
             once, and this name stays as an alias of it.",
            group.canonical
        ));
    }
    let docs = doc_block(&parts, &fallback);
    match &def.kind {
        TypeKind::Struct(fields) => emit_struct(service, def, fields, docs),
        TypeKind::Enum(variants) => emit_enum(def, variants, docs),
        TypeKind::Alias(ty) => {
            let name = format_ident!("{}", def.name);
            let ty = type_tokens(ty, &crate_types());
            quote! {
                #docs
                pub type #name = #ty;
            }
        }
    }
}

fn emit_struct(
    service: &Service,
    def: &TypeDef,
    fields: &[Field],
    docs: TokenStream,
) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let members = fields.iter().map(emit_field);
    let has_secret = fields.iter().any(|f| f.secret);
    let all_optional = fields.iter().all(|f| !f.required);
    let default = all_optional.then(|| quote!(Default,));
    let debug = (!has_secret).then(|| quote!(Debug,));
    let debug_impl = has_secret.then(|| emit_redacting_debug(&name, fields));
    let validate = def
        .validated
        .then(|| emit_struct_validate(service, &name, fields));
    let non_exhaustive = def.answer_only.then(|| quote!(#[non_exhaustive]));
    quote! {
        #docs
        #[derive(Clone, #debug #default PartialEq, ::serde::Serialize, ::clouddb_runtime::Object)]
        #non_exhaustive
        pub struct #name {
            #(#members)*
        }
        #debug_impl
        #validate
    }
}

fn emit_field(field: &Field) -> TokenStream {
    let name = ident(&field.name);
    let docs = doc_block(&paragraphs(&field.docs), "A field of the schema.");
    let ty = type_tokens(&field.ty, &crate_types());
    let wire = &field.wire_name;
    let mut serde = Vec::new();
    if field.name.trim_start_matches("r#") != wire {
        serde.push(quote!(rename = #wire));
    }
    serde.extend(field.aliases.iter().map(|alias| quote!(alias = #alias)));
    if !field.required {
        serde.push(quote!(
            skip_serializing_if = "::std::option::Option::is_none"
        ));
    }
    let attr = (!serde.is_empty()).then(|| quote!(#[serde(#(#serde),*)]));
    let ty = if field.required {
        ty
    } else {
        quote!(::std::option::Option<#ty>)
    };
    quote! {
        #docs
        #attr
        pub #name: #ty,
    }
}

/// A `Debug` that shows `<redacted>` for secret fields.
pub(crate) fn emit_redacting_debug(name: &proc_macro2::Ident, fields: &[Field]) -> TokenStream {
    let type_name = name.to_string();
    let entries = fields.iter().map(|f| {
        let field = ident(&f.name);
        let label = f.name.trim_start_matches("r#");
        match (f.secret, f.required) {
            (false, _) => quote!(.field(#label, &self.#field)),
            (true, true) => quote!(.field(#label, &"<redacted>")),
            (true, false) => quote!(.field(#label, &self.#field.as_ref().map(|_| "<redacted>"))),
        }
    });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#type_name) #(#entries)* .finish()
            }
        }
    }
}

fn emit_struct_validate(
    service: &Service,
    name: &proc_macro2::Ident,
    fields: &[Field],
) -> TokenStream {
    let checks = fields.iter().map(|f| {
        let member = ident(&f.name);
        value_checks(
            service,
            &f.wire_name,
            quote!(&self.#member),
            &f.ty,
            &f.checks,
        )
    });
    quote! {
        impl ::clouddb_runtime::Validate for #name {
            #[inline]
            fn validate(&self, v: &mut ::clouddb_runtime::Validator) {
                #(#checks)*
            }
        }
    }
}

/// The validator calls for one value: its constraint keywords, the keywords of each of its
/// items, then its nested type.
pub(crate) fn value_checks(
    service: &Service,
    label: &str,
    value: TokenStream,
    ty: &TypeRef,
    checks: &Checks,
) -> TokenStream {
    let own = Checks {
        items: None,
        ..checks.clone()
    };
    let rules = (!own.is_empty()).then(|| {
        let rules = rules_tokens(&own);
        quote!(v.value(#label, #value, &#rules);)
    });
    let items = checks.items.as_deref().map(|items| {
        let rules = rules_tokens(items);
        quote!(v.each(#label, #value, &#rules);)
    });
    let nested = reaches_validated(service, ty).then(|| quote!(v.nested(#label, #value);));
    quote!(#rules #items #nested)
}

fn reaches_validated(service: &Service, ty: &TypeRef) -> bool {
    ty.named()
        .and_then(|name| service.types.iter().find(|t| t.name == name))
        .is_some_and(|t| t.validated)
}

/// A `Rules` literal for the constraint keywords that are set.
fn rules_tokens(checks: &Checks) -> TokenStream {
    let mut entries = Vec::new();
    let float = |v: f64| {
        let lit = proc_macro2::Literal::f64_suffixed(v);
        quote!(::std::option::Option::Some(#lit))
    };
    let usize_lit = |v: usize| {
        let lit = proc_macro2::Literal::usize_unsuffixed(v);
        quote!(::std::option::Option::Some(#lit))
    };
    if let Some(v) = checks.minimum {
        let v = float(v);
        entries.push(quote!(minimum: #v));
    }
    if let Some(v) = checks.maximum {
        let v = float(v);
        entries.push(quote!(maximum: #v));
    }
    if checks.exclusive_minimum {
        entries.push(quote!(exclusive_minimum: true));
    }
    if checks.exclusive_maximum {
        entries.push(quote!(exclusive_maximum: true));
    }
    for (key, value) in [
        ("min_length", checks.min_length),
        ("max_length", checks.max_length),
        ("min_items", checks.min_items),
        ("max_items", checks.max_items),
    ] {
        if let Some(v) = value {
            let key = format_ident!("{}", key);
            let v = usize_lit(v);
            entries.push(quote!(#key: #v));
        }
    }
    if let Some(m) = checks.multiple_of {
        let lit = proc_macro2::Literal::f64_suffixed(m);
        entries.push(quote!(multiple_of: ::std::option::Option::Some(#lit)));
    }
    if let Some(values) = &checks.one_of {
        let values = values
            .iter()
            .map(|v| proc_macro2::Literal::i64_unsuffixed(*v));
        entries.push(quote!(one_of: ::std::option::Option::Some(&[#(#values),*])));
    }
    if let Some(pattern) = &checks.pattern {
        entries.push(quote!(pattern: ::std::option::Option::Some(#pattern)));
    }
    if let Some(format) = checks.format.as_ref().filter(|_| !entries.is_empty()) {
        entries.push(quote!(format: ::std::option::Option::Some(#format)));
    }
    quote! {
        ::clouddb_runtime::Rules { #(#entries,)* ..::clouddb_runtime::Rules::NONE }
    }
}

fn emit_enum(def: &TypeDef, variants: &[Variant], docs: TokenStream) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let members = variants.iter().map(|v| {
        let ident = format_ident!("{}", v.name);
        let value = &v.value;
        let doc = format!(" `{value}`");
        quote! {
            #[doc = #doc]
            #[wire = #value]
            #ident,
        }
    });
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash, ::clouddb_runtime::StringEnum)]
        #[non_exhaustive]
        pub enum #name {
            #(#members)*
            /// A value this version of the crate does not know; it is kept as received.
            Unknown(::std::string::String),
        }
    }
}
