//! Derive macros of the clouddb generated clients, re-exported by `clouddb-runtime`:
//! [`StringEnum`] for string enums that keep unknown values, and [`Object`] for structs
//! decoded leniently field by field. They write the impls that every generated type needs,
//! so that the generated source holds only the types themselves.

use proc_macro::TokenStream;
use proc_macro2::{Literal, TokenStream as Tokens};
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr};

/// A string enum whose documented values are unit variants marked `#[wire = "VALUE"]`,
/// and whose last variant is `Unknown(String)`, which keeps any other value as received.
///
/// Writes `VALUES` and `as_str`, `From<&str>`, `From<String>`, `Display`, `Serialize`,
/// `Deserialize` (lenient: a number or boolean stands for its text), and the runtime's
/// `Validate` (an unknown value is refused in a request), `Lenient` and `Checked`.
#[proc_macro_derive(StringEnum, attributes(wire))]
pub fn derive_string_enum(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    string_enum(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// A struct with named fields decoded leniently: each field by its wire name (the
/// `#[serde(rename = "...")]` of the field, else its name) or any of its
/// `#[serde(alias = "...")]`; an `Option` field may be missing or `null`, any other field
/// is required; unknown keys are skipped.
///
/// Writes the runtime's `lenient::Object` (one `match` on the keys and one small generic
/// `from_map`, much less to compile than serde's derive with a lenient decoder on every
/// field), `Deserialize` and `Lenient`.
#[proc_macro_derive(Object)]
pub fn derive_object(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    object(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

fn string_enum(input: &DeriveInput) -> syn::Result<Tokens> {
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new(input.span(), "StringEnum is for enums"));
    };
    let name = &input.ident;
    let mut idents = Vec::new();
    let mut values = Vec::new();
    let mut unknown = None;
    for variant in &data.variants {
        match &variant.fields {
            Fields::Unit => {
                idents.push(&variant.ident);
                values.push(wire_value(variant)?);
            }
            Fields::Unnamed(_) if unknown.is_none() => unknown = Some(&variant.ident),
            _ => {
                return Err(syn::Error::new(
                    variant.span(),
                    "a StringEnum has unit variants and one `Unknown(String)` variant",
                ))
            }
        }
    }
    let unknown = unknown.ok_or_else(|| {
        syn::Error::new(
            input.span(),
            "a StringEnum needs an `Unknown(String)` variant",
        )
    })?;
    let rt = quote!(::clouddb_runtime);
    let serde = quote!(::clouddb_runtime::export::serde);
    Ok(quote! {
        impl #name {
            /// Every documented value.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #values,)*
                    Self::#unknown(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#idents,)*
                    other => Self::#unknown(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #(#values => Self::#idents,)*
                    _ => Self::#unknown(value),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl #serde::Serialize for #name {
            fn serialize<S: #serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<D: #serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #rt::lenient::string_enum(deserializer)
            }
        }

        impl #rt::Validate for #name {
            #[inline]
            fn validate(&self, v: &mut #rt::Validator) {
                if let Self::#unknown(value) = self {
                    v.unknown_value(value, Self::VALUES);
                }
            }
        }

        impl #rt::lenient::Lenient for #name {
            fn deserialize_lenient<'de, D: #serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #rt::lenient::string_enum(deserializer)
            }

            fn deserialize_optional<'de, D: #serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<::std::option::Option<Self>, D::Error> {
                #rt::lenient::optional_enum(deserializer)
            }
        }

        impl #rt::Checked for #name {
            fn check(&self, rules: &#rt::Rules, v: &mut #rt::Validator) {
                #rt::Checked::check(self.as_str(), rules, v);
            }
        }
    })
}

/// The `#[wire = "VALUE"]` of a unit variant.
fn wire_value(variant: &syn::Variant) -> syn::Result<LitStr> {
    for attr in &variant.attrs {
        if attr.path().is_ident("wire") {
            let value = &attr.meta.require_name_value()?.value;
            if let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = value
            {
                return Ok(s.clone());
            }
            return Err(syn::Error::new(value.span(), "`wire` takes a string"));
        }
    }
    Err(syn::Error::new(
        variant.span(),
        "a documented value needs `#[wire = \"VALUE\"]`",
    ))
}

/// What the decoder needs of one field.
struct FieldInfo<'a> {
    ident: &'a syn::Ident,
    ty: &'a syn::Type,
    wire: String,
    aliases: Vec<String>,
    required: bool,
}

fn object(input: &DeriveInput) -> syn::Result<Tokens> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new(input.span(), "Object is for structs"));
    };
    let fields: Vec<FieldInfo> = match &data.fields {
        Fields::Named(named) => named
            .named
            .iter()
            .map(field_info)
            .collect::<syn::Result<_>>()?,
        Fields::Unit => Vec::new(),
        Fields::Unnamed(_) => {
            return Err(syn::Error::new(input.span(), "Object needs named fields"))
        }
    };
    let name = &input.ident;
    let rt = quote!(::clouddb_runtime);
    let serde = quote!(::clouddb_runtime::export::serde);
    let locals: Vec<_> = (0..fields.len())
        .map(|i| format_ident!("field_{}", i))
        .collect();
    let key_arms = fields.iter().enumerate().map(|(i, f)| {
        let names = std::iter::once(&f.wire).chain(&f.aliases);
        let index = Literal::usize_unsuffixed(i);
        quote!(#(#names)|* => ::std::option::Option::Some(#index),)
    });
    let declarations = fields.iter().zip(&locals).map(|(f, local)| {
        let ty = if f.required {
            f.ty.clone()
        } else {
            option_inner(f.ty).clone()
        };
        quote!(let mut #local: ::std::option::Option<#ty> = ::std::option::Option::None;)
    });
    let arms = fields
        .iter()
        .zip(&locals)
        .enumerate()
        .map(|(i, (f, local))| {
            let index = Literal::usize_unsuffixed(i);
            let read = if f.required {
                quote!(#rt::lenient::read_required)
            } else {
                quote!(#rt::lenient::read_optional)
            };
            quote!(::std::option::Option::Some(#index) => #read(&mut map, &mut #local)?,)
        });
    let inits = fields.iter().zip(&locals).map(|(f, local)| {
        let member = f.ident;
        let wire = &f.wire;
        if f.required {
            quote!(#member: #rt::lenient::required(#local, #wire)?,)
        } else {
            quote!(#member: #local,)
        }
    });
    let body = if fields.is_empty() {
        quote! {
            while map.next_key::<#serde::de::IgnoredAny>()?.is_some() {
                map.next_value::<#serde::de::IgnoredAny>()?;
            }
        }
    } else {
        quote! {
            while let ::std::option::Option::Some(key) = map.next_key_seed(#rt::lenient::Key::<Self>::new())? {
                match key {
                    #(#arms)*
                    _ => {
                        map.next_value::<#serde::de::IgnoredAny>()?;
                    }
                }
            }
        }
    };
    Ok(quote! {
        impl #rt::lenient::Object for #name {
            fn field(key: &str) -> ::std::option::Option<usize> {
                match key {
                    #(#key_arms)*
                    _ => ::std::option::Option::None,
                }
            }

            fn from_map<'de, A: #serde::de::MapAccess<'de>>(mut map: A) -> ::std::result::Result<Self, A::Error> {
                #(#declarations)*
                #body
                ::std::result::Result::Ok(Self { #(#inits)* })
            }
        }

        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<D: #serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #rt::lenient::object(deserializer)
            }
        }

        impl #rt::lenient::Lenient for #name {
            fn deserialize_lenient<'de, D: #serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #rt::lenient::object(deserializer)
            }

            fn deserialize_optional<'de, D: #serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<::std::option::Option<Self>, D::Error> {
                #rt::lenient::optional_object(deserializer)
            }
        }
    })
}

fn field_info(field: &syn::Field) -> syn::Result<FieldInfo<'_>> {
    let ident = field
        .ident
        .as_ref()
        .ok_or_else(|| syn::Error::new(field.span(), "Object needs named fields"))?;
    let mut wire = ident.to_string().trim_start_matches("r#").to_owned();
    let mut aliases = Vec::new();
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            let value: LitStr = meta.value()?.parse()?;
            if meta.path.is_ident("rename") {
                wire = value.value();
            } else if meta.path.is_ident("alias") {
                aliases.push(value.value());
            }
            Ok(())
        })?;
    }
    Ok(FieldInfo {
        ident,
        ty: &field.ty,
        wire,
        aliases,
        required: !is_option(&field.ty),
    })
}

/// Whether a type is `Option<T>` (by its last path segment, however it is spelled).
fn is_option(ty: &syn::Type) -> bool {
    option_argument(ty).is_some()
}

/// `T` of `Option<T>`, else the type itself.
fn option_inner(ty: &syn::Type) -> &syn::Type {
    option_argument(ty).unwrap_or(ty)
}

fn option_argument(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}
