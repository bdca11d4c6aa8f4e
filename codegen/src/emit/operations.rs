//! Emitting one module per operation: its input struct, the runtime `Operation` impl, the
//! builder, and the client method that starts it. Each stays thin: the runtime validates,
//! signs, sends and decodes.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::docs::{doc_attrs, doc_block, escape, module_doc_attrs, paragraphs};
use super::features::Features;
use super::lists_and_jobs;
use super::types::{emit_redacting_debug, value_checks};
use super::{crate_types, ident, is_enum, type_tokens};
use crate::ir::{
    Docs, Field, Operation, Output, ParamLocation, ParamStyle, Service, Setting, TypeKind, TypeRef,
};

/// `operations/mod.rs`: the module list and re-exports.
pub(crate) fn emit_module_index(service: &Service, features: &Features) -> TokenStream {
    let header = module_doc_attrs("One module per operation: its input, its builder and, where the answer differs by status, its output enum.");
    let modules = service.operations.iter().map(|op| {
        let cfg = features.operation_cfg(op);
        let module = format_ident!("{}", op.method_name);
        let input = format_ident!("{}", op.input_name);
        let builder = format_ident!("{}", op.builder_name);
        let output = match &op.output {
            Output::PerStatus { name, .. } => {
                let name = format_ident!("{}", name);
                quote!(, #name)
            }
            _ => quote!(),
        };
        quote! {
            #cfg
            mod #module;
            #cfg
            pub use #module::{#builder, #input #output};
        }
    });
    quote! {
        #header
        #(#modules)*
    }
}

/// The module of one operation.
pub(crate) fn emit_operation(service: &Service, op: &Operation) -> TokenStream {
    let header = module_doc_attrs(&format!(
        "The `{}` operation{}.",
        op.id,
        op.docs
            .summary
            .as_deref()
            .map(|s| format!(": {}", escape(s.trim_end_matches('.'))))
            .unwrap_or_default()
    ));
    let fields = input_fields(op);
    let input = emit_input(op, &fields);
    let operation_impl = emit_operation_impl(service, op, &fields);
    let paginated = lists_and_jobs::emit_paginated_impl(op);
    let spec = emit_spec(op);
    let output = emit_output_enum(op);
    let builder = emit_builder(service, op, &fields);
    let method = emit_client_method(service, op);
    quote! {
        #header
        #input
        #operation_impl
        #paginated
        #spec
        #output
        #builder
        #method
    }
}

/// The input's members: the caller's parameters, then the body.
fn input_fields(op: &Operation) -> Vec<Field> {
    let mut fields: Vec<Field> = op
        .params
        .iter()
        .map(|p| Field {
            name: p.name.clone(),
            wire_name: p.wire_name.clone(),
            aliases: Vec::new(),
            docs: p.docs.clone(),
            ty: p.ty.clone(),
            required: p.required,
            secret: p.secret,
            checks: p.checks.clone(),
        })
        .collect();
    if let Some(body) = &op.body {
        let mut docs = body.docs.clone();
        docs.summary
            .get_or_insert_with(|| "The request body.".to_owned());
        fields.push(Field {
            name: "body".to_owned(),
            wire_name: "body".to_owned(),
            aliases: Vec::new(),
            docs,
            ty: body.ty.clone(),
            required: body.required,
            secret: false,
            checks: Default::default(),
        });
    }
    fields
}

fn emit_input(op: &Operation, fields: &[Field]) -> TokenStream {
    let name = format_ident!("{}", op.input_name);
    let method = &op.method_name;
    let text = format!(
        "The whole input of `{}` ([`Client::{method}`](crate::Client::{method})); send it with [`Client::execute`](crate::Client::execute).",
        op.id
    );
    let docs = doc_attrs(&text);
    let members = fields.iter().map(|f| {
        let member = ident(&f.name);
        let docs = doc_block(&paragraphs(&f.docs), "A parameter of the operation.");
        let ty = type_tokens(&f.ty, &crate_types());
        let ty = if f.required {
            ty
        } else {
            quote!(::std::option::Option<#ty>)
        };
        quote! {
            #docs
            pub #member: #ty,
        }
    });
    let has_secret = fields.iter().any(|f| f.secret);
    let debug = (!has_secret).then(|| quote!(Debug,));
    let debug_impl = has_secret.then(|| emit_redacting_debug(&name, fields));
    quote! {
        #docs
        #[derive(Clone, #debug PartialEq)]
        pub struct #name {
            #(#members)*
        }
        #debug_impl
    }
}

fn emit_operation_impl(service: &Service, op: &Operation, fields: &[Field]) -> TokenStream {
    let name = format_ident!("{}", op.input_name);
    let output = output_type(op);
    let checks: Vec<TokenStream> = fields
        .iter()
        .map(|f| {
            let member = ident(&f.name);
            value_checks(
                service,
                &f.wire_name,
                quote!(&self.#member),
                &f.ty,
                &f.checks,
            )
        })
        .filter(|t| !t.is_empty())
        .collect();
    let validate = (!checks.is_empty()).then(|| {
        quote! {
            #[inline]
            fn validate(&self, v: &mut ::clouddb_runtime::Validator) {
                #(#checks)*
            }
        }
    });
    let writes: Vec<TokenStream> = op
        .params
        .iter()
        .map(|p| write_param(&p.name, &p.wire_name, p.location, p.style, p.required))
        .chain(op.body.as_ref().map(|b| {
            let write = if b.multipart {
                write_form(service, &b.ty)
            } else {
                quote!(w.json_body(body)?;)
            };
            if b.required {
                quote!(let body = &self.body; #write)
            } else {
                quote!(if let ::std::option::Option::Some(body) = &self.body {
                    #write
                })
            }
        }))
        .collect();
    let writer = if writes.is_empty() {
        quote!(_w)
    } else {
        quote!(w)
    };
    let decode = emit_decode(op);
    quote! {
        impl ::clouddb_runtime::Operation for #name {
            type Service = crate::Client;
            type Output = #output;
            const SPEC: &'static ::clouddb_runtime::OperationSpec = &SPEC;

            #validate

            #[inline]
            fn write(&self, #writer: &mut ::clouddb_runtime::RequestWriter) -> ::std::result::Result<(), ::clouddb_runtime::Error> {
                #(#writes)*
                ::std::result::Result::Ok(())
            }

            #decode
        }
    }
}

/// Writes a multipart body: each field of its struct as a text part or a file part, in
/// the spec's order (the runtime sends the text parts first, as the vendor SDKs do).
fn write_form(service: &Service, ty: &TypeRef) -> TokenStream {
    let fields = ty
        .named()
        .and_then(|name| service.types.iter().find(|t| t.name == name))
        .and_then(|def| match &def.kind {
            TypeKind::Struct(fields) => Some(fields.as_slice()),
            _ => None,
        })
        .unwrap_or_default();
    let parts = fields.iter().map(|f| {
        let member = ident(&f.name);
        let wire = &f.wire_name;
        let call = |value: TokenStream| match f.ty {
            TypeRef::File => quote!(w.form_file(#wire, #value)?;),
            _ => quote!(w.form_text(#wire, #value)?;),
        };
        if f.required {
            call(quote!(&body.#member))
        } else {
            let inner = call(quote!(value));
            quote!(if let ::std::option::Option::Some(value) = &body.#member { #inner })
        }
    });
    quote!(#(#parts)*)
}

/// Whether an operation's answer is a file.
pub(crate) fn answers_file(op: &Operation) -> bool {
    matches!(
        op.output,
        Output::Single {
            ty: TypeRef::Bytes,
            ..
        }
    )
}

fn write_param(
    name: &str,
    wire: &str,
    location: ParamLocation,
    style: ParamStyle,
    required: bool,
) -> TokenStream {
    let member = ident(name);
    let call = |value: TokenStream| match (location, style) {
        (ParamLocation::Path, _) => quote!(w.path(#wire, #value);),
        (ParamLocation::Header, _) => quote!(w.header(#wire, #value);),
        (ParamLocation::Query, ParamStyle::Json) => quote!(w.query_json(#wire, #value)?;),
        (ParamLocation::Query, _) => quote!(w.query(#wire, #value)?;),
    };
    if required {
        call(quote!(&self.#member))
    } else {
        let inner = call(quote!(value));
        quote!(if let ::std::option::Option::Some(value) = &self.#member { #inner })
    }
}

fn output_type(op: &Operation) -> TokenStream {
    match &op.output {
        Output::Empty { .. } => quote!(()),
        Output::Single { ty, .. } => type_tokens(ty, &crate_types()),
        Output::PerStatus { name, .. } => {
            let name = format_ident!("{}", name);
            quote!(#name)
        }
    }
}

fn emit_decode(op: &Operation) -> TokenStream {
    let body = match &op.output {
        Output::Empty { .. } => {
            return quote! {
                fn decode(_response: &::clouddb_runtime::RawResponse) -> ::std::result::Result<(), ::clouddb_runtime::Error> {
                    ::std::result::Result::Ok(())
                }
            }
        }
        Output::Single {
            ty: TypeRef::Bytes, ..
        } => quote!(::clouddb_runtime::decode_bytes(response)),
        Output::Single { .. } => quote!(::clouddb_runtime::decode_json(SPEC.id, response)),
        Output::PerStatus { variants, .. } => {
            let arms = variants.iter().map(|(status, variant, ty)| {
                let variant = format_ident!("{}", variant);
                let status = Literal::u16_unsuffixed(*status);
                match ty {
                    Some(_) => quote!(#status => ::clouddb_runtime::decode_json(SPEC.id, response).map(Self::Output::#variant),),
                    None => quote!(#status => ::std::result::Result::Ok(Self::Output::#variant),),
                }
            });
            let (_, first_variant, first_ty) = &variants[0];
            let fallback_variant = format_ident!("{}", first_variant);
            let fallback = match first_ty {
                Some(_) => {
                    quote!(::clouddb_runtime::decode_json(SPEC.id, response).map(Self::Output::#fallback_variant))
                }
                None => quote!(::std::result::Result::Ok(Self::Output::#fallback_variant)),
            };
            quote! {
                match response.status {
                    #(#arms)*
                    _ => #fallback,
                }
            }
        }
    };
    quote! {
        #[inline]
        fn decode(response: &::clouddb_runtime::RawResponse) -> ::std::result::Result<Self::Output, ::clouddb_runtime::Error> {
            #body
        }
    }
}

fn emit_spec(op: &Operation) -> TokenStream {
    let content_type = &op.content_type;
    let id = &op.id;
    let method = format_ident!("{}", op.method.as_str());
    let path = &op.path;
    let fixed = op.fixed_query.iter().map(|(k, v)| quote!((#k, #v)));
    let idempotent = op.idempotent;
    let statuses: Vec<Literal> = match &op.output {
        Output::Empty { status } => vec![*status],
        Output::Single { statuses, .. } => statuses.clone(),
        Output::PerStatus { variants, .. } => variants.iter().map(|(s, _, _)| *s).collect(),
    }
    .into_iter()
    .map(Literal::u16_unsuffixed)
    .collect();
    let settings = op.setting_params.iter().map(|s| match s.setting {
        Setting::ProjectId => quote!(::clouddb_runtime::Setting::ProjectId),
        Setting::Language => quote!(::clouddb_runtime::Setting::Language),
        Setting::Zone => quote!(::clouddb_runtime::Setting::Zone),
    });
    quote! {
        static SPEC: ::clouddb_runtime::OperationSpec = ::clouddb_runtime::OperationSpec {
            id: #id,
            method: ::clouddb_runtime::export::http::Method::#method,
            path: #path,
            fixed_query: &[#(#fixed),*],
            idempotent: #idempotent,
            success: &[#(#statuses),*],
            settings: &[#(#settings),*],
            content_type: #content_type,
        };
    }
}

fn emit_output_enum(op: &Operation) -> TokenStream {
    let Output::PerStatus { name, variants } = &op.output else {
        return quote!();
    };
    let name = format_ident!("{}", name);
    let docs = doc_attrs(&format!(
        "The answer of `{}`, which differs by HTTP status. It encodes as the variant's body alone (`null` for a variant without one).",
        op.id
    ));
    let variants = variants.iter().map(|(status, variant, ty)| {
        let variant = format_ident!("{}", variant);
        let text = format!(" The answer with HTTP status {status}.");
        match ty {
            Some(ty) => {
                let ty = type_tokens(ty, &crate_types());
                quote!(#[doc = #text] #variant(#ty),)
            }
            None => quote!(#[doc = #text] #variant,),
        }
    });
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
        }
    }
}

fn emit_builder(service: &Service, op: &Operation, fields: &[Field]) -> TokenStream {
    let name = format_ident!("{}", op.builder_name);
    let input = format_ident!("{}", op.input_name);
    let output = output_type(op);
    let method = &op.method_name;
    let docs = doc_attrs(&format!(
        "Builds and sends a `{}` request; start it with [`Client::{method}`](crate::Client::{method}).",
        op.id
    ));
    let members = fields.iter().map(|f| {
        let member = ident(&f.name);
        let ty = type_tokens(&f.ty, &crate_types());
        quote!(#member: ::std::option::Option<#ty>,)
    });
    let inits = fields.iter().map(|f| {
        let member = ident(&f.name);
        quote!(#member: ::std::option::Option::None,)
    });
    let setters = fields.iter().map(|f| emit_setter(service, f));
    let build = emit_build(op, fields, &input);
    let paging = lists_and_jobs::emit_paging_methods(op);
    let job = lists_and_jobs::emit_job_methods(service, op);
    let streaming = answers_file(op).then(|| {
        quote! {
            /// Checks the required parameters, then sends the request and returns the file
            /// the service answers with as a stream, as soon as its headers arrive, so that
            /// a large file never has to fit in memory ([`send`](Self::send) reads it whole).
            pub async fn send_streaming(self, options: &::clouddb_runtime::CallOptions) -> ::std::result::Result<::clouddb_runtime::Download, ::clouddb_runtime::Error> {
                let client = self.client.clone();
                client.download(self.build()?, options).await
            }
        }
    });
    let debug = if fields.iter().any(|f| f.secret) {
        let label = op.builder_name.clone();
        quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct(#label).finish_non_exhaustive()
                }
            }
        }
    } else {
        quote!()
    };
    let derive_debug = (!fields.iter().any(|f| f.secret)).then(|| quote!(Debug,));
    quote! {
        #docs
        #[derive(Clone, #derive_debug)]
        #[must_use = "a request builder does nothing until `send` is called"]
        pub struct #name {
            client: crate::Client,
            #(#members)*
        }
        #debug

        impl #name {
            fn new(client: crate::Client) -> Self {
                Self { client, #(#inits)* }
            }

            #(#setters)*

            #build

            /// Checks the required parameters, then validates, signs and sends the request,
            /// retrying as the client's policy allows.
            pub async fn send(self) -> ::std::result::Result<::clouddb_runtime::Response<#output>, ::clouddb_runtime::Error> {
                let client = self.client.clone();
                client.execute(self.build()?).await
            }

            /// Like [`send`](Self::send), with options for this call only (attempts, timeouts).
            pub async fn send_with(self, options: &::clouddb_runtime::CallOptions) -> ::std::result::Result<::clouddb_runtime::Response<#output>, ::clouddb_runtime::Error> {
                let client = self.client.clone();
                client.execute_with(self.build()?, options).await
            }

            #paging

            #job

            #streaming
        }
    }
}

fn emit_setter(service: &Service, field: &Field) -> TokenStream {
    let member = ident(&field.name);
    let ty = type_tokens(&field.ty, &crate_types());
    let mut parts = paragraphs(&field.docs);
    parts.push(if field.required {
        "Required.".to_owned()
    } else {
        "Optional.".to_owned()
    });
    let docs = doc_block(&parts, "");
    // The prelude's `Into` and `String` by their short names, so that a setter's signature
    // fits on one line: an operation's module declares only its `…Input`, `…Builder` and
    // `…Output` types and `SPEC`, and imports nothing, so nothing can shadow them.
    let (arg, value) = match &field.ty {
        TypeRef::String => (quote!(impl Into<String>), quote!(value.into())),
        _ if is_enum(service, &field.ty) => (quote!(impl Into<#ty>), quote!(value.into())),
        _ => (ty, quote!(value)),
    };
    quote! {
        #docs
        pub fn #member(mut self, value: #arg) -> Self {
            self.#member = ::std::option::Option::Some(#value);
            self
        }
    }
}

/// `build`: the input, or an error naming every missing required parameter.
fn emit_build(op: &Operation, fields: &[Field], input: &proc_macro2::Ident) -> TokenStream {
    let id = &op.id;
    let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    let assigns = fields.iter().map(|f| {
        let member = ident(&f.name);
        if f.required {
            quote!(#member,)
        } else {
            quote!(#member: self.#member,)
        }
    });
    let construct = quote!(::std::result::Result::Ok(#input { #(#assigns)* }));
    let body = match required.as_slice() {
        [] => construct,
        [only] => {
            let member = ident(&only.name);
            let label = &only.wire_name;
            quote! {
                match self.#member {
                    ::std::option::Option::Some(#member) => #construct,
                    ::std::option::Option::None => ::std::result::Result::Err(
                        ::clouddb_runtime::Error::missing_parameters(#id, &[(#label, true)]),
                    ),
                }
            }
        }
        many => {
            let members: Vec<_> = many.iter().map(|f| ident(&f.name)).collect();
            let labels = many.iter().map(|f| &f.wire_name);
            let somes = members
                .iter()
                .map(|m| quote!(::std::option::Option::Some(#m)));
            let missing = members
                .iter()
                .zip(labels)
                .map(|(m, l)| quote!((#l, #m.is_none())));
            quote! {
                match (#(self.#members),*) {
                    (#(#somes),*) => #construct,
                    (#(#members),*) => ::std::result::Result::Err(
                        ::clouddb_runtime::Error::missing_parameters(#id, &[#(#missing),*]),
                    ),
                }
            }
        }
    };
    quote! {
        /// The input, once every required parameter is set.
        pub fn build(self) -> ::std::result::Result<#input, ::clouddb_runtime::Error> {
            #body
        }
    }
}

fn emit_client_method(service: &Service, op: &Operation) -> TokenStream {
    let method = format_ident!("{}", op.method_name);
    let builder = format_ident!("{}", op.builder_name);
    let docs = doc_block(&method_doc(service, op), "");
    let deprecated = op.deprecated.then(|| {
        let note = match &op.replaced_by {
            Some(method) => format!(
                "the vendor is taking this operation offline; use `Client::{method}` instead"
            ),
            None => "the vendor is taking this operation offline; it documents no replacement"
                .to_owned(),
        };
        quote!(#[deprecated(note = #note)])
    });
    quote! {
        impl crate::Client {
            #docs
            #deprecated
            pub fn #method(&self) -> #builder {
                #builder::new(self.clone())
            }
        }
    }
}

/// The client method's documentation: what it does, where it is documented, what it needs.
fn method_doc(service: &Service, op: &Operation) -> Vec<String> {
    let mut parts = paragraphs(&Docs {
        errata: Vec::new(),
        ..op.docs.clone()
    });
    if parts.is_empty() {
        parts.push(format!("Calls `{}`.", op.id));
    }
    if op.pagination.is_some() {
        parts.push(
            "A paged list: the builder's `pages` and `items` follow it to its end.".to_owned(),
        );
    }
    parts.extend(lists_and_jobs::job_doc(service, op));
    let mut facts = vec![format!("`{} {}`", op.method.as_str(), op.path)];
    if let Some(section) = &op.doc_section {
        facts.push(format!(
            "section {} of the source document",
            escape(section)
        ));
    }
    if let Some(action) = &op.iam_action {
        facts.push(format!("IAM action `{action}`"));
    }
    if !op.error_statuses.is_empty() {
        let statuses: Vec<String> = op.error_statuses.iter().map(u16::to_string).collect();
        facts.push(format!("documented error statuses {}", statuses.join(", ")));
    }
    if !op.idempotent {
        facts.push("not idempotent".to_owned());
    }
    parts.push(format!("Operation `{}`: {}.", op.id, facts.join("; ")));
    for erratum in &op.docs.errata {
        parts.push(format!(
            "Erratum of the source document: {}",
            escape(erratum.trim())
        ));
    }
    parts
}
