//! Emitting the tests of a command-line client, run against the conformance harness's
//! local servers, in one module per tag (`tests/cli/<tag>.rs`: the help of each of its
//! operations, and a wire test per operation: its first request example given as flags, the
//! signed request checked by the server, the answer printed as JSON, unknown fields
//! included) and `tests/cli/cases.rs`, shared: the list of subcommands, and one test per
//! outcome the program distinguishes (usage errors, API errors, refused connections, missing
//! credentials, dry runs without secrets, bodies from files and standard input, compact
//! output, `--all` and `--wait`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::behaviours;
use super::example::{args, example_args, example_flags_split, help_example};
use super::fields::field_flags;
use super::{bin_name, flag_kind, is_integer, secret_paths, tag_modules, waits};
use crate::emit::conformance::{expected_request, option_str, protocol_module, scalar_text};
use crate::emit::header;
use crate::ir::{Operation, Output, ParamStyle, Protocol, RequestExample, Service, TypeRef};
use crate::names;

/// The module of the tests shared by every tag.
const SHARED: &str = "cases";

/// The test root, which includes the generated modules.
pub(super) fn test_root(service: &Service) -> String {
    let doc = crate::emit::docs::inner_doc_comment(&format!(
        "Tests of the command-line client `{}`, generated from its spec: it is run as a child process against local servers (one module per tag).",
        bin_name(service)
    ));
    let modules: String = std::iter::once(SHARED.to_owned())
        .chain(tag_modules(service).into_iter().map(|(module, _)| module))
        .map(|module| format!("\n#[rustfmt::skip]\n#[path = \"cli/{module}.rs\"]\nmod {module};\n"))
        .collect();
    format!("{}{doc}{modules}", header("//", service))
}

/// An operation with its first request example.
pub(super) type Example<'a> = (&'a Operation, &'a RequestExample);

/// The test modules: `cases` (shared), then one per tag, each with its tokens.
pub(super) fn emit_tests(service: &Service) -> Vec<(String, TokenStream)> {
    std::iter::once((SHARED.to_owned(), emit_shared_tests(service)))
        .chain(
            tag_modules(service)
                .into_iter()
                .map(|(module, tag)| (module, emit_tag_tests(service, tag))),
        )
        .collect()
}

/// A tag's tests: the help of each of its operations and their wire tests.
fn emit_tag_tests(service: &Service, tag: &str) -> TokenStream {
    let header = crate::emit::docs::module_doc_attrs(&format!(
        "Generated cases of the `{tag}` subcommands."
    ));
    let ops: Vec<&Operation> = service
        .operations
        .iter()
        .filter(|op| op.tag == tag)
        .collect();
    let help = emit_help_test(service, &ops);
    let wire: Vec<TokenStream> = ops
        .iter()
        .filter_map(|op| Some((*op, op.request_examples.first()?)))
        .map(|example| emit_wire_test(service, &example))
        .collect();
    let vendor = protocol_module(service);
    let imports = if wire.is_empty() {
        quote!(
            use super::cases::BIN;
        )
    } else {
        quote! {
            use ::clouddb_conformance::TestServer as _;
            use #vendor as vendor;

            use super::cases::{cli, BIN};
        }
    };
    quote! {
        #header

        use ::clouddb_conformance::cli::Cli;
        #imports

        #help

        #(#wire)*
    }
}

/// The shared cases: `--help` lists every operation, and the behaviours the program shares
/// over operations, each tested on one of them.
fn emit_shared_tests(service: &Service) -> TokenStream {
    let bin = bin_name(service);
    let env = format!("CARGO_BIN_EXE_{bin}");
    let vendor = protocol_module(service);
    let cli = match service.protocol {
        Protocol::HuaweiRest => quote!(Cli::huawei),
        Protocol::QingCloudAction => quote!(Cli::qingcloud),
    };
    let examples: Vec<Example<'_>> = service
        .operations
        .iter()
        .filter_map(|op| Some((op, op.request_examples.first()?)))
        .collect();
    let primary = examples
        .iter()
        .find(|(op, _)| !op.deprecated)
        .or(examples.first());
    let mut tests = vec![emit_help_list_test(service)];
    tests.extend(emit_usage_tests(service));
    if let Some(primary) = primary {
        tests.push(emit_outcome_tests(service, primary));
        tests.push(emit_raw_answer_test(service, primary));
    }
    let secret_example = examples
        .iter()
        .find(|(op, e)| !example_secrets(service, op, e).is_empty())
        .or(primary);
    if let Some(example) = secret_example {
        tests.push(emit_dry_run_test(service, example));
    }
    if let Some(example) = examples.iter().find(|(_, e)| e.body.is_some()) {
        tests.push(emit_body_tests(service, example));
    }
    if let Some(example) = examples.iter().find(|(op, _)| op.pagination.is_some()) {
        tests.push(emit_all_test(example));
    }
    if let Some(example) = examples.iter().find(|(op, _)| waits(service, op)) {
        tests.push(emit_wait_tests(service, example));
    }
    if let Some(example) = examples
        .iter()
        .find(|(op, _)| waits(service, op) && op.waiter.is_none())
    {
        tests.push(behaviours::emit_wait_query_test(service, example));
    }
    tests.push(behaviours::emit_body_flag_tests(service, &examples));
    tests.push(behaviours::emit_paged_output_tests(&examples));
    if let Some(example) = examples
        .iter()
        .filter(|(op, _)| !op.deprecated)
        .max_by_key(|(op, e)| (field_flags(service, op).len().min(8), e.body.is_some()))
    {
        tests.push(behaviours::emit_help_example_test(service, example));
    }
    tests.push(behaviours::emit_completion_test(service));
    quote! {
        //! Generated cases.

        use ::clouddb_conformance::cli::Cli;
        use ::clouddb_conformance::TestServer as _;
        use #vendor as vendor;

        /// The program under test.
        pub(crate) const BIN: &str = ::std::env!(#env);

        /// A run against `server` with the test credentials.
        pub(crate) fn cli(server: &vendor::Server) -> Cli {
            #cli(BIN, &server.uri())
        }

        #(#tests)*
    }
}

/// `--help` lists the operations and the exit statuses; a deprecated operation is hidden.
fn emit_help_list_test(service: &Service) -> TokenStream {
    let listed = service
        .operations
        .iter()
        .filter(|op| !op.deprecated)
        .map(|op| {
            let name = names::subcommand_name(&op.method_name);
            quote!(#name,)
        });
    let hidden = service
        .operations
        .iter()
        .filter(|op| op.deprecated)
        .map(|op| {
            let name = format!("\n  {} ", names::subcommand_name(&op.method_name));
            quote!(#name,)
        });
    quote! {
        #[tokio::test]
        async fn help_describes_every_operation() {
            let run = Cli::new(BIN).args(["--help"]).run().await;
            run.expect_exit(0).expect_stdout("Exit status:");
            let listed: &[&str] = &[#(#listed)*];
            for name in listed {
                run.expect_stdout(name);
            }
            let hidden: &[&str] = &[#(#hidden)*];
            for hidden in hidden {
                assert!(!run.stdout.contains(hidden), "{hidden:?} is listed");
            }
        }
    }
}

/// Each operation's help (of one tag's `ops`) lists its flags and ends with its example; a
/// deprecated operation names its replacement.
fn emit_help_test(service: &Service, ops: &[&Operation]) -> TokenStream {
    let operations = ops.iter().map(|op| {
        let name = names::subcommand_name(&op.method_name);
        let mut needles: Vec<String> = op
            .params
            .iter()
            .map(|p| format!("--{}", names::flag_name(&p.name)))
            .collect();
        if op.body.is_some() {
            needles.push("--body-file".to_owned());
        }
        if op.pagination.is_some() {
            needles.push("--all".to_owned());
        }
        if waits(service, op) {
            needles.push("--wait".to_owned());
        }
        if let (true, Some(replacement)) = (op.deprecated, &op.replaced_by) {
            needles.push(format!(
                "use `{}` instead",
                names::subcommand_name(replacement)
            ));
        }
        // The first fields' flags, each with its value name.
        needles.extend(
            field_flags(service, op)
                .iter()
                .take(2)
                .map(|f| format!("--{} <", f.name)),
        );
        let example = match help_example(service, op) {
            example if example.is_empty() => String::new(),
            example => format!("Example:\n  {} {example}", bin_name(service)),
        };
        quote!((#name, &[#(#needles),*], #example),)
    });
    quote! {
        #[tokio::test]
        async fn help_describes_every_operation() {
            let operations: &[(&str, &[&str], &str)] = &[#(#operations)*];
            for (name, needles, example) in operations {
                let run = Cli::new(BIN).args([*name, "--help"]).run().await;
                run.expect_exit(0);
                for needle in *needles {
                    run.expect_stdout(needle);
                }
                assert!(run.stdout.trim_end().ends_with(example), "{name}: the help ends with its example {example:?}");
            }
        }
    }
}

/// The status and body the server answers for an example, and the JSON the program must
/// print then (`None`: nothing).
pub(super) fn example_answer(
    op: &Operation,
    example: &RequestExample,
) -> (u16, Option<String>, Option<String>) {
    let (status, body) = match &example.response {
        Some((status, body)) => (*status, body.clone()),
        None => (200, None),
    };
    let body = body
        .or_else(|| (!matches!(op.output, Output::Empty { .. })).then(|| serde_json::json!({})));
    // The program prints the answer as the service sent it (re-indented), whatever the
    // operation's output type; an answer without a body prints nothing.
    let printed = body.as_ref().filter(|body| !body.is_null()).cloned();
    (
        status,
        body.map(|b| b.to_string()),
        printed.map(|p| p.to_string()),
    )
}

/// The answer is printed as the service sent it: a field the spec does not describe is
/// kept, and fields keep their order (the test's unknown field comes first, its keys out of
/// order).
fn emit_raw_answer_test(service: &Service, (op, example): &Example<'_>) -> TokenStream {
    let args = example_args(service, op, example);
    let (status, answer, _) = example_answer(op, example);
    let Some(Value::Object(fields)) = answer.and_then(|a| serde_json::from_str(&a).ok()) else {
        return quote!();
    };
    let answer = with_unknown_field(fields);
    let printed = format!("{answer}\n");
    quote! {
        #[tokio::test]
        async fn answers_are_printed_as_sent() {
            let server = vendor::Server::start().await;
            server.answer(#status, ::std::option::Option::Some(#answer)).await;
            let run = cli(&server).args([#(#args),*]).args(["--compact"]).run().await;
            run.expect_exit(0);
            assert_eq!(run.stdout, #printed, "the answer as sent, unknown field included");
        }
    }
}

/// `fields` as compact JSON text, led by a field the spec does not describe whose keys
/// are out of order and whose number has a trailing zero: printed unchanged, it shows the
/// program printed what was sent, not a decoded and re-encoded copy.
fn with_unknown_field(fields: serde_json::Map<String, Value>) -> String {
    let known = Value::Object(fields).to_string();
    let rest = known.strip_prefix('{').unwrap_or("}");
    let separator = if rest == "}" { "" } else { "," };
    format!("{{\"zz_not_in_the_spec\":{{\"z\":[1,\"two\",2.50],\"a\":null}}{separator}{rest}")
}

/// A run against `server` without credentials (QingCloud's needs its zone).
fn cli_without_credentials(service: &Service) -> TokenStream {
    match service.protocol {
        Protocol::HuaweiRest => quote!(Cli::new(BIN).args(["--endpoint", &server.uri()])),
        Protocol::QingCloudAction => {
            quote!(Cli::new(BIN).args(["--endpoint", &server.uri(), "--zone", vendor::ZONE]))
        }
    }
}

/// The operation's first example, as flags, checked on the wire and in the output.
fn emit_wire_test(service: &Service, (op, example): &Example<'_>) -> TokenStream {
    let test = format_ident!("{}", op.method_name);
    let args = example_args(service, op, example);
    let (status, answer, printed) = example_answer(op, example);
    let answer = option_str(answer.as_deref());
    let printed = option_str(printed.as_deref());
    let expected = expected_request(service, op, example);
    if crate::emit::operations::answers_file(op) {
        let file = format!("clouddb-{}-{}.out", service.crate_name, op.method_name);
        return quote! {
            #[tokio::test]
            async fn #test() {
                const FILE: &str = "PK\u{3}\u{4} the bytes of a file, not JSON";
                let path = ::std::env::temp_dir().join(::std::format!("{}-{}", ::std::process::id(), #file));
                let server = vendor::Server::start().await;
                server.answer_raw(#status, FILE, "application/octet-stream").await;
                let output = ::std::format!("--output-file={}", path.display());
                let run = cli(&server).args([#(#args),*]).args([output]).run().await;
                server.expect(&#expected).await;
                run.expect_exit(0).expect_stdout(&::std::format!("\"bytes\": {}", FILE.len()));
                let written = ::std::fs::read(&path).expect("the file was written");
                let _ = ::std::fs::remove_file(&path);
                assert_eq!(written, FILE.as_bytes(), "the file as the service sent it");
            }
        };
    }
    if let (Some(body), Some(value)) = (op.body.as_ref().filter(|b| b.multipart), &example.body) {
        return emit_upload_test(
            service,
            op,
            body,
            value,
            args,
            (status, answer, printed),
            expected,
        );
    }
    quote! {
        #[tokio::test]
        async fn #test() {
            let server = vendor::Server::start().await;
            server.answer(#status, #answer).await;
            let run = cli(&server).args([#(#args),*]).run().await;
            server.expect(&#expected).await;
            run.expect_exit(0).expect_json(#printed);
        }
    }
}

/// The wire test of an upload: each file the example names is written to a temporary
/// folder first, and `--body` names it there; the parts arrive as the spec says.
fn emit_upload_test(
    service: &Service,
    op: &Operation,
    body: &crate::ir::Body,
    value: &Value,
    mut args: Vec<String>,
    (status, answer, printed): (u16, TokenStream, TokenStream),
    expected: TokenStream,
) -> TokenStream {
    let test = format_ident!("{}", op.method_name);
    args.retain(|a| !a.starts_with("--body="));
    let files: Vec<(String, String)> = service
        .types
        .iter()
        .find(|t| Some(t.name.as_str()) == body.ty.named())
        .and_then(|def| match &def.kind {
            crate::ir::TypeKind::Struct(fields) => Some(fields),
            _ => None,
        })
        .into_iter()
        .flatten()
        .filter(|f| f.ty == TypeRef::File)
        .filter_map(|f| Some((f.wire_name.clone(), scalar_text(value.get(&f.wire_name)?)?)))
        .collect();
    let folder = format!("clouddb-{}-{}", service.crate_name, op.method_name);
    let writes = files.iter().map(|(wire, name)| {
        let content = crate::emit::conformance::example_file_content(name);
        quote! {
            let path = dir.join(#name);
            ::std::fs::write(&path, #content).expect("the example file is written");
            body[#wire] = ::serde_json::Value::from(path.display().to_string());
        }
    });
    let json = value.to_string();
    quote! {
        #[tokio::test]
        async fn #test() {
            let dir = ::std::env::temp_dir().join(::std::format!("{}-{}", ::std::process::id(), #folder));
            ::std::fs::create_dir_all(&dir).expect("the temporary folder is made");
            let mut body: ::serde_json::Value = ::clouddb_conformance::from_json(#json);
            #(#writes)*
            let server = vendor::Server::start().await;
            server.answer(#status, #answer).await;
            let run = cli(&server).args([#(#args),*]).args([::std::format!("--body={body}")]).run().await;
            let _ = ::std::fs::remove_dir_all(&dir);
            server.expect(&#expected).await;
            run.expect_exit(0).expect_json(#printed);
        }
    }
}

/// A missing required flag, a number that does not parse and a number above its maximum
/// (checked before credentials are looked for) are usage errors (exit 2), and nothing is
/// sent.
fn emit_usage_tests(service: &Service) -> Vec<TokenStream> {
    let mut tests = Vec::new();
    let required = service.operations.iter().find_map(|op| {
        let param = op.params.iter().find(|p| p.required)?;
        Some((op, param))
    });
    if let Some((op, param)) = required {
        let name = names::subcommand_name(&op.method_name);
        let flag = format!("--{}", names::flag_name(&param.name));
        tests.push(quote! {
            #[tokio::test]
            async fn missing_required_flag_is_a_usage_error() {
                let server = vendor::Server::start().await;
                let run = cli(&server).args([#name]).run().await;
                run.expect_exit(2).expect_stderr(#flag);
                let sent = server.requests().await;
                assert!(sent.is_empty(), "a request was sent");
            }
        });
    }
    let number = service.operations.iter().find_map(|op| {
        let param = op.params.iter().find(|p| {
            let (kind, list) = flag_kind(service, &p.ty);
            !list && matches!(kind.to_string().as_str(), "Kind :: Int32" | "Kind :: Int64")
        })?;
        Some((op, param))
    });
    if let Some((op, param)) = number {
        let name = names::subcommand_name(&op.method_name);
        let flag = format!("--{}", names::flag_name(&param.name));
        let value = format!("{flag}=twelve");
        tests.push(quote! {
            #[tokio::test]
            async fn a_number_that_does_not_parse_is_a_usage_error() {
                let server = vendor::Server::start().await;
                let run = cli(&server).args([#name, #value]).run().await;
                run.expect_exit(2).expect_stderr(#flag).expect_stderr("twelve");
                let sent = server.requests().await;
                assert!(sent.is_empty(), "a request was sent");
            }
        });
    }
    let bounded = service.operations.iter().find_map(|op| {
        if op.params.iter().any(|p| p.required) {
            return None;
        }
        let param = op.params.iter().find(|p| {
            let (kind, list) = flag_kind(service, &p.ty);
            !list
                && is_integer(&kind)
                && p.checks
                    .maximum
                    .is_some_and(|m| m.fract() == 0.0 && m < 1e9)
        })?;
        Some((op, param, param.checks.maximum? as i64))
    });
    if let Some((op, param, maximum)) = bounded {
        let name = names::subcommand_name(&op.method_name);
        let value = format!("--{}={}", names::flag_name(&param.name), maximum + 1);
        let without_credentials = cli_without_credentials(service);
        tests.push(quote! {
            #[tokio::test]
            async fn a_broken_constraint_is_a_usage_error_before_credentials_are_needed() {
                let server = vendor::Server::start().await;
                let run = #without_credentials.args([#name, #value]).run().await;
                run.expect_exit(2).expect_stderr("must be at most");
                let sent = server.requests().await;
                assert!(sent.is_empty(), "a request was sent");
            }
        });
    }
    tests
}

/// API errors (exit 3 with status, code, message and request id), refused connections
/// (exit 4), missing credentials (exit 5) and compact output, on one operation.
fn emit_outcome_tests(service: &Service, (op, example): &Example<'_>) -> TokenStream {
    let args = example_args(service, op, example);
    let (status, answer, printed) = example_answer(op, example);
    let answer = option_str(answer.as_deref());
    let (error_status, error_body, code, request_id) = match service.protocol {
        Protocol::HuaweiRest => (
            400u16,
            r#"{"error_code":"CLI.0400","error_msg":"refused by the test server"}"#,
            "CLI.0400",
            quote!(vendor::REQUEST_ID),
        ),
        Protocol::QingCloudAction => (
            200u16,
            r#"{"ret_code":1400,"message":"refused by the test server"}"#,
            "1400",
            quote!("request id:"),
        ),
    };
    let compact = printed.is_some().then(|| {
        quote! {
            #[tokio::test]
            async fn compact_prints_one_line() {
                let server = vendor::Server::start().await;
                server.answer(#status, #answer).await;
                let run = cli(&server).args([#(#args),*]).args(["--compact"]).run().await;
                run.expect_exit(0).expect_one_line();
            }
        }
    });
    let credentials = cli_without_credentials(service);
    let refused = match service.protocol {
        Protocol::HuaweiRest => quote!(Cli::huawei(BIN, &endpoint)),
        Protocol::QingCloudAction => quote!(Cli::qingcloud(BIN, &endpoint)),
    };
    quote! {
        #[tokio::test]
        async fn api_errors_exit_3_with_code_message_and_request_id() {
            let server = vendor::Server::start().await;
            server.answer(#error_status, ::std::option::Option::Some(#error_body)).await;
            let run = cli(&server).args([#(#args),*]).run().await;
            run.expect_exit(3)
                .expect_stderr(#code)
                .expect_stderr("refused by the test server")
                .expect_stderr(#request_id);
        }

        #[tokio::test]
        async fn refused_connections_exit_4() {
            let endpoint = ::clouddb_conformance::cli::closed_endpoint();
            let run = #refused.args([#(#args),*]).args(["--max-attempts", "1"]).run().await;
            run.expect_exit(4).expect_stderr("could not connect");
        }

        #[tokio::test]
        async fn missing_credentials_exit_5() {
            let server = vendor::Server::start().await;
            let run = #credentials.args([#(#args),*]).run().await;
            run.expect_exit(5).expect_stderr("credentials");
            let sent = server.requests().await;
            assert!(sent.is_empty(), "a request was sent");
        }

        #compact
    }
}

/// The secret values of an example's body and of its JSON query parameters (the spec's
/// `format: password` fields).
fn example_secrets(service: &Service, op: &Operation, example: &RequestExample) -> Vec<String> {
    let mut found = Vec::new();
    let mut collect = |ty: &TypeRef, value: &Value| {
        let mut paths = Vec::new();
        secret_paths(service, ty, "", &mut Vec::new(), &mut paths);
        for path in paths {
            let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
            collect_at(value, &segments, &mut found);
        }
    };
    if let (Some(body), Some(value)) = (&op.body, &example.body) {
        collect(&body.ty, value);
    }
    for param in op.params.iter().filter(|p| p.style == ParamStyle::Json) {
        if let Some((_, value)) = example.params.iter().find(|(name, _)| *name == param.name) {
            collect(&param.ty, value);
        }
    }
    found
}

fn collect_at(value: &Value, segments: &[&str], out: &mut Vec<String>) {
    let Some((first, rest)) = segments.split_first() else {
        out.extend(scalar_text(value).filter(|s| s.len() >= 4));
        return;
    };
    match (value, *first) {
        (Value::Array(items), "*") => items.iter().for_each(|v| collect_at(v, rest, out)),
        (Value::Object(map), "*") => map.values().for_each(|v| collect_at(v, rest, out)),
        (Value::Object(map), name) => {
            if let Some(v) = map.get(name) {
                collect_at(v, rest, out);
            }
        }
        _ => {}
    }
}

/// `--dry-run` prints the signed request, sends nothing and shows no secret.
fn emit_dry_run_test(service: &Service, (op, example): &Example<'_>) -> TokenStream {
    let args = example_args(service, op, example);
    let secrets = example_secrets(service, op, example);
    let method = format!("{} ", op.method.as_str());
    let (setup, hidden, shown) = match service.protocol {
        Protocol::HuaweiRest => (
            quote!(.env("HUAWEICLOUD_SDK_SECURITY_TOKEN", ::clouddb_conformance::cli::SECURITY_TOKEN)),
            quote!([
                vendor::SECRET_KEY,
                ::clouddb_conformance::cli::SECURITY_TOKEN
            ]),
            "Signature=<redacted>",
        ),
        Protocol::QingCloudAction => (
            quote!(),
            quote!([vendor::SECRET_ACCESS_KEY]),
            "signature=<redacted>",
        ),
    };
    quote! {
        #[tokio::test]
        async fn dry_run_sends_nothing_and_shows_no_secret() {
            let server = vendor::Server::start().await;
            let run = cli(&server) #setup .args([#(#args),*]).args(["--dry-run"]).run().await;
            run.expect_exit(0).expect_stdout(#method).expect_stdout(#shown);
            for secret in #hidden.into_iter().chain([#(#secrets),*]) {
                run.expect_hidden(secret);
            }
            let sent = server.requests().await;
            assert!(sent.is_empty(), "a request was sent");
        }
    }
}

/// The body from a file and from standard input sends the same request; a body that does
/// not decode is a usage error.
fn emit_body_tests(service: &Service, (op, example): &Example<'_>) -> TokenStream {
    let args: Vec<String> = args(op, example_flags_split(service, op, example).0);
    let body = example
        .body
        .as_ref()
        .map(Value::to_string)
        .unwrap_or_default();
    let (status, answer, _) = example_answer(op, example);
    let answer = option_str(answer.as_deref());
    let expected = expected_request(service, op, example);
    quote! {
        #[tokio::test]
        async fn bodies_from_a_file_and_from_standard_input() {
            let server = vendor::Server::start().await;
            server.answer(#status, #answer).await;
            let from_file = cli(&server);
            let path = from_file.write("body.json", #body);
            let run = from_file.args([#(#args),*]).args(["--body-file"]).args([path]).run().await;
            server.expect(&#expected).await;
            run.expect_exit(0);
            let server = vendor::Server::start().await;
            server.answer(#status, #answer).await;
            let run = cli(&server).args([#(#args),*]).args(["--body-file", "-"]).stdin(#body).run().await;
            server.expect(&#expected).await;
            run.expect_exit(0);
        }

        #[tokio::test]
        async fn a_body_that_does_not_decode_is_a_usage_error() {
            let server = vendor::Server::start().await;
            let run = cli(&server).args([#(#args),*]).args(["--body", "{\"unclosed\": "]).run().await;
            run.expect_exit(2).expect_stderr("does not decode");
            let sent = server.requests().await;
            assert!(sent.is_empty(), "a request was sent");
        }
    }
}

/// `--all` prints the items as one JSON array (here, of a list that ends at once).
fn emit_all_test((op, example): &Example<'_>) -> TokenStream {
    let name = names::subcommand_name(&op.method_name);
    let _ = example;
    let status = match &op.output {
        Output::Single { statuses, .. } => statuses.first().copied().unwrap_or(200),
        _ => 200,
    };
    let required: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.required)
        .filter_map(|p| {
            let value = example.params.iter().find(|(n, _)| n == &p.name)?.1.clone();
            Some(format!(
                "--{}={}",
                names::flag_name(&p.name),
                scalar_text(&value).unwrap_or_else(|| value.to_string())
            ))
        })
        .collect();
    let body = example.body.as_ref().map(|b| format!("--body={b}"));
    let body: Vec<&String> = body.iter().collect();
    let raw_items = raw_items_page(op, example).map(|(page, printed)| {
        quote! {
            #[tokio::test]
            async fn all_prints_items_as_sent() {
                let server = vendor::Server::start().await;
                server.answer(#status, ::std::option::Option::Some("{}")).await;
                server.answer_once(#status, #page).await;
                let run = cli(&server)
                    .args([#name, "--all", "--compact" #(, #required)* #(, #body)*])
                    .run()
                    .await;
                run.expect_exit(0);
                assert_eq!(run.stdout, #printed, "the items as sent, unknown field included");
            }
        }
    });
    quote! {
        #[tokio::test]
        async fn all_prints_every_item_as_one_array() {
            let server = vendor::Server::start().await;
            server.answer(#status, ::std::option::Option::Some("{}")).await;
            let run = cli(&server).args([#name, "--all" #(, #required)* #(, #body)*]).run().await;
            run.expect_exit(0).expect_json(::std::option::Option::Some("[]"));
        }

        #raw_items
    }
}

/// A first page made of the example's answer with only its first item, which gets a field
/// the spec does not describe (first, its keys out of order), and what `--all --compact`
/// must print when an empty page follows; `None` when the example has no such item.
fn raw_items_page(op: &Operation, example: &RequestExample) -> Option<(String, String)> {
    let paging = op.pagination.as_ref()?;
    let (_, answer, _) = example_answer(op, example);
    let mut page: Value = serde_json::from_str(&answer?).ok()?;
    let field = page.get_mut(&paging.items.wire_name)?;
    let item = with_unknown_field(field.as_array()?.first()?.as_object()?.clone());
    *field = Value::String("__clouddb_items__".to_owned());
    let page = page
        .to_string()
        .replace("\"__clouddb_items__\"", &format!("[{item}]"));
    Some((page, format!("[{item}]\n")))
}

/// `--wait` polls the job until it ends: a job that succeeds prints the job as JSON and its
/// progress on standard error; one that fails exits 3 with the job's status.
fn emit_wait_tests(service: &Service, (op, example): &Example<'_>) -> TokenStream {
    let Some(poller) = &service.job_poller else {
        return quote!();
    };
    let args = example_args(service, op, example);
    let (status, answer, _) = example_answer(op, example);
    let base: Value = answer
        .and_then(|a| serde_json::from_str(&a).ok())
        .unwrap_or_else(|| serde_json::json!({}));
    let job_answer = |state: &str| {
        let mut value = base.clone();
        set_pointer(&mut value, &poller.status, Value::String(state.to_owned()));
        value.to_string()
    };
    let succeeded = poller.succeeded.first().cloned().unwrap_or_default();
    let failed = poller.failed.first().cloned().unwrap_or_default();
    let (done, broken) = (job_answer(&succeeded), job_answer(&failed));
    let status_json = format!("\"status\":\"{succeeded}\"");
    quote! {
        #[tokio::test]
        async fn wait_prints_the_job_once_it_ended() {
            let server = vendor::Server::start().await;
            server.answer(#status, ::std::option::Option::Some(#done)).await;
            let run = cli(&server).args([#(#args),*]).args(["--wait", "--wait-interval", "0.01", "--compact"]).run().await;
            run.expect_exit(0).expect_stdout(#status_json).expect_stderr(#succeeded);
            let sent = server.requests().await;
            assert_eq!(sent.len(), 2, "one call and one poll");
        }

        #[tokio::test]
        async fn wait_for_a_failed_job_exits_3() {
            let server = vendor::Server::start().await;
            server.answer(#status, ::std::option::Option::Some(#broken)).await;
            let run = cli(&server).args([#(#args),*]).args(["--wait", "--wait-interval", "0.01"]).run().await;
            run.expect_exit(3).expect_stderr("job status:").expect_stderr(#failed);
        }
    }
}

/// Sets the value at a JSON pointer, creating objects (and lists, for numeric segments).
pub(super) fn set_pointer(value: &mut Value, pointer: &str, new: Value) {
    let mut current = value;
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        current = match segment.parse::<usize>() {
            Ok(index) => {
                if !current.is_array() {
                    *current = Value::Array(Vec::new());
                }
                let Value::Array(items) = current else { return };
                while items.len() <= index {
                    items.push(serde_json::json!({}));
                }
                &mut items[index]
            }
            Err(_) => {
                if !current.is_object() {
                    *current = serde_json::json!({});
                }
                let Value::Object(map) = current else { return };
                map.entry(segment).or_insert(Value::Null)
            }
        };
    }
    *current = new;
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn pointers_are_created() {
        let mut value = serde_json::json!({"job_id": "j"});
        set_pointer(&mut value, "/job_set/0/status", Value::from("successful"));
        set_pointer(&mut value, "/job/status", Value::from("Completed"));
        assert_eq!(
            value,
            serde_json::json!({"job_id": "j", "job_set": [{"status": "successful"}], "job": {"status": "Completed"}})
        );
    }
}
