//! Emitting the conformance tests of a crate: the table of every example with the type it
//! decodes into, and for each operation a wire test per request example, an error-answer
//! test and a missing-parameter test. The expected wire request is computed here, from the
//! spec, independently of the runtime's encoders.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::{ident, is_enum, type_tokens};
use crate::ir::{
    Operation, Output, ParamLocation, ParamStyle, Protocol, RequestExample, Service, TypeKind,
    TypeRef,
};
use crate::names;

/// The modules of the conformance tests: `round_trips` (every example round-trips), then one
/// per tag with at least one operation (its operations' wire, error and missing-parameter
/// tests), so that no file grows with the whole API.
pub(crate) fn conformance_modules(service: &Service) -> Vec<(String, Option<&str>)> {
    std::iter::once(("round_trips".to_owned(), None))
        .chain(
            service
                .tags
                .iter()
                .filter(|t| service.operations.iter().any(|op| op.tag == t.name))
                .map(|t| (t.name.replace('-', "_"), Some(t.name.as_str()))),
        )
        .collect()
}

/// The conformance test files: `tests/conformance/<module>.rs` for each of
/// [`conformance_modules`].
pub(crate) fn emit_conformance(service: &Service, out_dir: &str) -> Vec<(String, TokenStream)> {
    conformance_modules(service)
        .into_iter()
        .map(|(module, tag)| {
            let tokens = match tag {
                None => emit_examples_test(service, out_dir),
                Some(tag) => emit_tag_tests(service, tag),
            };
            (module, tokens)
        })
        .collect()
}

/// The wire, error-answer and missing-parameter tests of one tag's operations.
fn emit_tag_tests(service: &Service, tag: &str) -> TokenStream {
    let mut tests = Vec::new();
    for op in service.operations.iter().filter(|op| op.tag == tag) {
        let mut used = Vec::new();
        for example in &op.request_examples {
            let suffix = names::snake_ident(&example.name).unwrap_or_else(|_| "example".to_owned());
            let mut name = format!("{}_{}", op.method_name, suffix.trim_start_matches("r#"));
            while used.contains(&name) {
                name.push('_');
            }
            used.push(name.clone());
            tests.push(emit_wire_test(service, op, example, &name));
        }
        tests.push(emit_error_test(service, op));
        if op.params.iter().any(|p| p.required) || op.body.as_ref().is_some_and(|b| b.required) {
            tests.push(emit_missing_test(service, op));
        }
    }
    let doc = format!(" Generated conformance cases of the `{tag}` operations.");
    quote! {
        #![doc = #doc]

        use ::clouddb_conformance::TestServer as _;

        #(#tests)*
    }
}

/// The test that round-trips every example of the spec through its generated type.
fn emit_examples_test(service: &Service, out_dir: &str) -> TokenStream {
    let lib = format_ident!("{}", service.lib_name);
    let types = quote!(::#lib::types);
    // The file is `<out_dir>/<crate>/tests/conformance/round_trips.rs`.
    let depth = out_dir.split('/').filter(|s| !s.is_empty()).count() + 3;
    let spec_path = format!("{}{}", "../".repeat(depth), service.spec_file);
    let spec_file = &service.spec_file;
    let rows = service.examples.iter().map(|example| {
        let pointer = example.pointer.to_string();
        let ty = type_tokens(&example.ty, &types);
        quote!((#pointer, ::clouddb_conformance::examples::round_trip::<#ty>),)
    });
    quote! {
        //! Generated conformance case: every example of the spec round-trips.

        const SPEC: &str = ::std::include_str!(#spec_path);

        #[test]
        fn every_example_round_trips() {
            ::clouddb_conformance::examples::check(SPEC, #spec_file, &[
                #(#rows)*
            ]);
        }
    }
}

pub(crate) fn protocol_module(service: &Service) -> TokenStream {
    match service.protocol {
        Protocol::HuaweiRest => quote!(::clouddb_conformance::huawei),
        Protocol::QingCloudAction => quote!(::clouddb_conformance::qingcloud),
    }
}

fn emit_wire_test(
    service: &Service,
    op: &Operation,
    example: &RequestExample,
    name: &str,
) -> TokenStream {
    let lib = format_ident!("{}", service.lib_name);
    let module = protocol_module(service);
    let test = format_ident!("{}", name);
    let call = example_call(service, op, example);
    let (status, answer) = match &example.response {
        Some((status, Some(body))) => (*status, Some(body.to_string())),
        Some((status, None)) => (*status, single_output(op).then(|| "{}".to_owned())),
        None => (200, None),
    };
    let expected_answer = match (&example.response, &op.output) {
        (Some((_, Some(body))), Output::Single { ty, .. }) => {
            Some(normalize(service, body, ty).to_string())
        }
        _ => answer.clone(),
    };
    let expected_answer = option_str(expected_answer.as_deref());
    let answer = option_str(answer.as_deref());
    let expected = expected_request(service, op, example);
    if super::operations::answers_file(op) {
        return emit_file_test(service, op, &call, &expected, &test);
    }
    let check_body = if single_output(op) {
        quote!(::clouddb_conformance::assert_json_matches(response.body(), #expected_answer);)
    } else {
        quote!()
    };
    let allow = op.deprecated.then(|| quote!(#[allow(deprecated)]));
    quote! {
        #[tokio::test]
        #allow
        async fn #test() {
            let server = #module::Server::start().await;
            server.answer(#status, #answer).await;
            let client: ::#lib::Client = server.client();
            let result = client #call .send().await;
            server.expect(&#expected).await;
            let response = ::clouddb_conformance::expect_success(result);
            assert_eq!(response.status(), #status);
            #check_body
        }
    }
}

fn single_output(op: &Operation) -> bool {
    matches!(op.output, Output::Single { .. })
}

/// The wire test of an operation whose answer is a file: the file's bytes come back as
/// they were sent, read whole by `send` and as a stream by `send_streaming`.
fn emit_file_test(
    service: &Service,
    op: &Operation,
    call: &TokenStream,
    expected: &TokenStream,
    test: &proc_macro2::Ident,
) -> TokenStream {
    let lib = format_ident!("{}", service.lib_name);
    let module = protocol_module(service);
    let status = match &op.output {
        Output::Single { statuses, .. } => statuses.first().copied().unwrap_or(200),
        _ => 200,
    };
    let allow = op.deprecated.then(|| quote!(#[allow(deprecated)]));
    quote! {
        #[tokio::test]
        #allow
        async fn #test() {
            const FILE: &str = "PK\u{3}\u{4} the bytes of a file, not JSON";
            let server = #module::Server::start().await;
            server.answer_raw(#status, FILE, "application/octet-stream").await;
            let client: ::#lib::Client = server.client();
            let result = client #call .send().await;
            server.expect(&#expected).await;
            let response = ::clouddb_conformance::expect_success(result);
            assert_eq!(response.status(), #status);
            assert_eq!(response.body(), FILE.as_bytes());

            server.answer_raw(#status, FILE, "application/octet-stream").await;
            let mut download = client #call
                .send_streaming(&::clouddb_runtime::CallOptions::default())
                .await
                .expect("the file answer opens");
            server.expect(&#expected).await;
            let mut received = ::std::vec::Vec::new();
            while let ::std::option::Option::Some(chunk) = download.chunk().await.expect("the file arrives") {
                received.extend_from_slice(&chunk);
            }
            assert_eq!(received, FILE.as_bytes());
            assert_eq!(download.received(), FILE.len() as u64);
        }
    }
}

pub(crate) fn option_str(text: Option<&str>) -> TokenStream {
    match text {
        Some(text) => quote!(::std::option::Option::Some(#text)),
        None => quote!(::std::option::Option::None),
    }
}

fn emit_error_test(service: &Service, op: &Operation) -> TokenStream {
    let lib = format_ident!("{}", service.lib_name);
    let module = protocol_module(service);
    let test = format_ident!("{}_error_answers", op.method_name);
    let example = op.request_examples.first();
    let call = example
        .map(|e| example_call(service, op, e))
        .unwrap_or_default();
    let documented = option_str(op.error_example.as_ref().map(Value::to_string).as_deref());
    let decodes = single_output(op) && !super::operations::answers_file(op);
    let allow = op.deprecated.then(|| quote!(#[allow(deprecated)]));
    quote! {
        #[tokio::test]
        #allow
        async fn #test() {
            #module::Server::check_error_answers(#documented, #decodes, |client: ::#lib::Client| async move {
                client #call .send().await.map(drop)
            })
            .await;
        }
    }
}

fn emit_missing_test(service: &Service, op: &Operation) -> TokenStream {
    let lib = format_ident!("{}", service.lib_name);
    let module = protocol_module(service);
    let test = format_ident!("{}_checks_required_parameters", op.method_name);
    let method = format_ident!("{}", op.method_name);
    let mut required: Vec<&str> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| p.wire_name.as_str())
        .collect();
    if op.body.as_ref().is_some_and(|b| b.required) {
        required.push("body");
    }
    let allow = op.deprecated.then(|| quote!(#[allow(deprecated)]));
    quote! {
        #[tokio::test]
        #allow
        async fn #test() {
            #module::Server::check_missing_parameters(&[#(#required),*], |client: ::#lib::Client| async move {
                client.#method().send().await.map(drop)
            })
            .await;
        }
    }
}

/// `.method().setter(value)…` for a request example.
fn example_call(service: &Service, op: &Operation, example: &RequestExample) -> TokenStream {
    let method = format_ident!("{}", op.method_name);
    let lib = format_ident!("{}", service.lib_name);
    let setters = example.params.iter().filter_map(|(name, value)| {
        let param = op.params.iter().find(|p| &p.name == name)?;
        let setter = ident(name);
        let value = value_tokens(service, &param.ty, value);
        Some(quote!(.#setter(#value)))
    });
    let body = example.body.as_ref().map(|body| {
        let value = json_decode(&body.to_string());
        match &op.body {
            // A file field of the example names a file: the test sends its bytes.
            Some(b) if b.multipart => {
                let files = form_fields(service, &b.ty)
                    .into_iter()
                    .filter(|f| f.2)
                    .filter_map(|(name, wire, _, required)| {
                        let file_name = scalar_text(body.get(&wire)?)?;
                        let content = example_file_content(&file_name);
                        let member = ident(&name);
                        let file = quote!(::clouddb_runtime::FormFile::bytes(#file_name, #content));
                        Some(if required {
                            quote!(body.#member = #file;)
                        } else {
                            quote!(body.#member = ::std::option::Option::Some(#file);)
                        })
                    });
                let ty = type_tokens(&b.ty, &quote!(::#lib::types));
                quote!(.body({ let mut body: #ty = #value; #(#files)* body }))
            }
            _ => quote!(.body(#value)),
        }
    });
    quote!(.#method() #(#setters)* #body)
}

/// The example call as source text, for the crate documentation.
pub(crate) fn example_call_text(service: &Service, op: &Operation) -> String {
    let Some(example) = op.request_examples.first() else {
        return format!(".{}()", op.method_name);
    };
    let mut text = format!(".{}()", op.method_name);
    for (name, value) in &example.params {
        let Some(param) = op.params.iter().find(|p| &p.name == name) else {
            continue;
        };
        if !param.required {
            continue;
        }
        let value = match scalar_text(value) {
            Some(text) if matches!(param.ty, TypeRef::String) || is_enum(service, &param.ty) => {
                format!("{text:?}")
            }
            Some(text)
                if matches!(
                    param.ty,
                    TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Bool
                ) =>
            {
                text
            }
            _ => continue,
        };
        text.push_str(&format!(".{name}({value})"));
    }
    text
}

/// A Rust expression for an example value of type `ty`.
fn value_tokens(service: &Service, ty: &TypeRef, value: &Value) -> TokenStream {
    let scalar = scalar_text(value);
    match (ty, scalar.as_deref()) {
        (TypeRef::String, Some(text)) => quote!(#text),
        (TypeRef::Named(_), Some(text)) if is_enum(service, ty) => quote!(#text),
        (TypeRef::I32 | TypeRef::I64, Some(text)) if text.parse::<i64>().is_ok() => {
            let lit = Literal::i64_unsuffixed(text.parse::<i64>().unwrap_or_default());
            quote!(#lit)
        }
        (TypeRef::F64, Some(text)) if text.parse::<f64>().is_ok() => {
            let lit = Literal::f64_suffixed(text.parse::<f64>().unwrap_or_default());
            quote!(#lit)
        }
        (TypeRef::Bool, Some("true")) => quote!(true),
        (TypeRef::Bool, Some("false")) => quote!(false),
        _ => json_decode(&value.to_string()),
    }
}

fn json_decode(json: &str) -> TokenStream {
    quote!(::clouddb_conformance::from_json(#json))
}

/// The text of a scalar JSON value as it travels in a path, query or header.
pub(crate) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The request the operation must send for this example.
pub(crate) fn expected_request(
    service: &Service,
    op: &Operation,
    example: &RequestExample,
) -> TokenStream {
    let mut path = op.path.clone();
    let mut query: Vec<(String, String)> = op.fixed_query.clone();
    let mut json_query: Vec<(String, String)> = Vec::new();
    let mut headers: Vec<(String, String)> = Vec::new();
    for (name, value) in &example.params {
        let Some(param) = op.params.iter().find(|p| &p.name == name) else {
            continue;
        };
        let wire = &param.wire_name;
        match (param.location, param.style) {
            (ParamLocation::Path, _) => {
                let text = scalar_text(value).unwrap_or_default();
                path = path.replace(&format!("{{{wire}}}"), &strict_encode(&text));
            }
            (ParamLocation::Header, _) => {
                headers.push((wire.clone(), scalar_text(value).unwrap_or_default()))
            }
            (ParamLocation::Query, ParamStyle::Json) => {
                json_query.push((wire.clone(), value.to_string()))
            }
            (ParamLocation::Query, _) => match service.protocol {
                Protocol::HuaweiRest => match value {
                    Value::Array(items) => query.extend(
                        items
                            .iter()
                            .filter_map(|i| Some((wire.clone(), scalar_text(i)?))),
                    ),
                    other => query.extend(scalar_text(other).map(|t| (wire.clone(), t))),
                },
                Protocol::QingCloudAction => {
                    flatten_dot_indexed(wire, value, &mut query, &mut json_query)
                }
            },
        }
    }
    let module = protocol_module(service);
    let method = op.method.as_str();
    let pairs = |list: &[(String, String)]| {
        let items = list.iter().map(|(k, v)| quote!((#k, #v)));
        quote!(&[#(#items),*])
    };
    let (query, json_query, headers) = (pairs(&query), pairs(&json_query), pairs(&headers));
    let form = match (&example.body, &op.body) {
        (Some(value), Some(body)) if body.multipart => {
            let parts = form_parts(service, &body.ty, value);
            let items = parts.iter().map(|(name, value)| quote!((#name, #value)));
            quote!(::std::option::Option::Some(&[#(#items),*]))
        }
        _ => quote!(::std::option::Option::None),
    };
    let body = match (&example.body, &op.body) {
        (Some(_), Some(body)) if body.multipart => None,
        (Some(value), Some(body)) => Some(normalize(service, value, &body.ty).to_string()),
        (value, _) => value.as_ref().map(Value::to_string),
    };
    let body = option_str(body.as_deref());
    let language = op
        .setting_params
        .iter()
        .any(|s| s.setting == crate::ir::Setting::Language);
    let content_type = &op.content_type;
    quote! {
        #module::Expected {
            method: #method,
            path: #path,
            query: #query,
            json_query: #json_query,
            headers: #headers,
            body: #body,
            form: #form,
            language: #language,
            content_type: #content_type,
        }
    }
}

/// The fields of a multipart body struct: (Rust name, wire name, whether a file).
fn form_fields(service: &Service, ty: &TypeRef) -> Vec<(String, String, bool, bool)> {
    ty.named()
        .and_then(|name| service.types.iter().find(|t| t.name == name))
        .and_then(|def| match &def.kind {
            crate::ir::TypeKind::Struct(fields) => Some(
                fields
                    .iter()
                    .map(|f| {
                        (
                            f.name.clone(),
                            f.wire_name.clone(),
                            f.ty == TypeRef::File,
                            f.required,
                        )
                    })
                    .collect(),
            ),
            _ => None,
        })
        .unwrap_or_default()
}

/// The bytes a test sends for an example's file (its value is a file name).
pub(crate) fn example_file_content(file_name: &str) -> String {
    format!("the bytes of {file_name}")
}

/// The parts a multipart example sends, as the runtime orders them: the text fields in the
/// struct's order, then the files (each with the bytes the test sends).
fn form_parts(service: &Service, ty: &TypeRef, value: &Value) -> Vec<(String, String)> {
    let fields = form_fields(service, ty);
    let present = |wire: &str| value.get(wire).filter(|v| !v.is_null());
    let texts = fields
        .iter()
        .filter(|f| !f.2)
        .filter_map(|(_, wire, _, _)| {
            let v = present(wire)?;
            Some((
                wire.clone(),
                scalar_text(v).unwrap_or_else(|| v.to_string()),
            ))
        });
    let files = fields.iter().filter(|f| f.2).filter_map(|(_, wire, _, _)| {
        let name = scalar_text(present(wire)?)?;
        Some((wire.clone(), example_file_content(&name)))
    });
    texts.chain(files).collect()
}

/// QingCloud's `name.N` (and `name.N.field`) pairs of a list example; compound values of
/// object fields are compared as JSON.
fn flatten_dot_indexed(
    wire: &str,
    value: &Value,
    query: &mut Vec<(String, String)>,
    json: &mut Vec<(String, String)>,
) {
    let Value::Array(items) = value else {
        query.extend(scalar_text(value).map(|t| (wire.to_owned(), t)));
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let key = format!("{wire}.{}", i + 1);
        match item {
            Value::Object(fields) => {
                for (field, v) in fields {
                    let key = format!("{key}.{field}");
                    match scalar_text(v) {
                        Some(text) => query.push((key, text)),
                        None if v.is_null() => {}
                        None => json.push((key, v.to_string())),
                    }
                }
            }
            other => query.extend(scalar_text(other).map(|t| (key, t))),
        }
    }
}

/// An example as the generated types encode it: keys that a field lists in `x-aliases`
/// become the field's name, following the types into fields, list items and map values.
pub(crate) fn normalize(service: &Service, value: &Value, ty: &TypeRef) -> Value {
    let def = |name: &str| service.types.iter().find(|t| t.name == name);
    match (value, ty) {
        (Value::Array(items), TypeRef::Array(inner)) => {
            Value::Array(items.iter().map(|v| normalize(service, v, inner)).collect())
        }
        (single, TypeRef::Array(inner)) => normalize(service, single, inner),
        (Value::Object(map), TypeRef::Map(inner)) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), normalize(service, v, inner)))
                .collect(),
        ),
        (Value::Array(items), TypeRef::Named(_)) if items.len() == 1 => {
            Value::Array(vec![normalize(service, &items[0], ty)])
        }
        (Value::Object(map), TypeRef::Named(name)) => match def(name).map(|d| &d.kind) {
            Some(TypeKind::Struct(fields)) => Value::Object(
                map.iter()
                    .map(|(key, v)| {
                        match fields
                            .iter()
                            .find(|f| &f.wire_name == key || f.aliases.contains(key))
                        {
                            Some(field) => {
                                (field.wire_name.clone(), normalize(service, v, &field.ty))
                            }
                            None => (key.clone(), v.clone()),
                        }
                    })
                    .collect(),
            ),
            Some(TypeKind::Alias(inner)) => normalize(service, value, inner),
            _ => value.clone(),
        },
        (other, _) => other.clone(),
    }
}

/// RFC 3986 unreserved characters stay, every other byte becomes `%XX`.
fn strict_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_encoding() {
        assert_eq!(strict_encode("a b/c*é~"), "a%20b%2Fc%2A%C3%A9~");
    }

    #[test]
    fn dot_indexed_flattening() {
        let mut query = Vec::new();
        let mut json = Vec::new();
        let value = serde_json::json!([{"name": "a", "conf": {"x": 1}}, {"name": "b"}]);
        flatten_dot_indexed("vxnets", &value, &mut query, &mut json);
        assert_eq!(
            query,
            [
                ("vxnets.1.name".to_owned(), "a".to_owned()),
                ("vxnets.2.name".to_owned(), "b".to_owned())
            ]
        );
        assert_eq!(json, [("vxnets.1.conf".to_owned(), "{\"x\":1}".to_owned())]);
    }
}
