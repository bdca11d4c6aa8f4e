//! Emitting the `types` module: structs, string enums that keep unknown values, aliases,
//! and the checks of documented constraints.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc_block, escape, module_doc_attrs, paragraphs};
use super::features::Features;
use super::{crate_types, ident, type_tokens, RustChunk};
use crate::ir::{Checks, Field, Service, TypeDef, TypeKind, TypeRef, Variant};

/// `count` types of `types.rs` from index `first` on, one chunk per type (its definition
/// and impls) behind the type's feature gate; from index 0, the module docs first.
pub(crate) fn emit_types(
    service: &Service,
    features: &Features,
    first: usize,
    count: usize,
) -> Vec<RustChunk> {
    let header = (first == 0).then(|| {
        RustChunk::new(module_doc_attrs(&format!(
            "Types of the {} API: request and response bodies and their parts.",
            escape(&service.title)
        )))
    });
    header
        .into_iter()
        .chain(
            service
                .types
                .iter()
                .skip(first)
                .take(count)
                .map(|def| RustChunk::gated(emit_type(service, def), features.type_cfg(&def.name))),
        )
        .collect()
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
