//! Emitting the tests of the command line's conveniences, each on one operation of the
//! service that shows it: a body given as flags sends the same bytes as the spec's example
//! given as JSON, and its flags win over `--body`; a missing required body field names its
//! flag; the example in `--help` runs as shown; `--query` and `--output table|text` on a
//! paged `--all` and on `--wait`; completions and man pages.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::cases::{example_answer, set_pointer, Example};
use super::example::{args, example_flags_split, help_example};
use super::fields::{field_flags, struct_def, Scalar};
use super::waits;
use crate::emit::conformance::{expected_request, option_str, scalar_text};
use crate::ir::{MarkerSource, Operation, PageStyle, RequestExample, Service, TypeKind};
use crate::names;

/// The tests of the body's field flags, on the first operation whose example body the
/// flags say whole, with at least two of them.
pub(super) fn emit_body_flag_tests(service: &Service, examples: &[Example<'_>]) -> TokenStream {
    // The most flags, for the most kinds of field (nested, lists, items).
    let chosen = examples
        .iter()
        .filter(|(op, example)| {
            let (_, body) = example_flags_split(service, op, example);
            !op.deprecated
                && op.body.as_ref().is_some_and(|b| !b.multipart)
                && body.len() >= 2
                && body.iter().all(|(flag, _)| flag != "body")
        })
        .max_by_key(|(op, example)| example_flags_split(service, op, example).1.len());
    let Some((op, example)) = chosen else {
        return quote!();
    };
    let (params, body) = example_flags_split(service, op, example);
    let Some(json) = example.body.as_ref().map(Value::to_string) else {
        return quote!();
    };
    let with_flags = args(op, params.iter().chain(&body).cloned().collect());
    let with_json = args(
        op,
        params
            .iter()
            .cloned()
            .chain([("body".to_owned(), json.clone())])
            .collect(),
    );
    let (status, answer, _) = example_answer(op, example);
    let answer = option_str(answer.as_deref());
    let expected = expected_request(service, op, example);
    let mut tests = vec![quote! {
        #[tokio::test]
        async fn body_flags_send_the_same_bytes_as_the_spec_example_as_json() {
            let server = vendor::Server::start().await;
            server.answer(#status, #answer).await;
            let run = cli(&server).args([#(#with_flags),*]).run().await;
            run.expect_exit(0);
            server.expect(&#expected).await;
            let from_flags = server.requests().await.remove(0).body;
            let server = vendor::Server::start().await;
            server.answer(#status, #answer).await;
            cli(&server).args([#(#with_json),*]).run().await.expect_exit(0);
            let from_json = server.requests().await.remove(0).body;
            let from_flags = ::std::string::String::from_utf8_lossy(&from_flags);
            let from_json = ::std::string::String::from_utf8_lossy(&from_json);
            assert_eq!(from_flags, from_json, "the same body, byte for byte");
        }
    }];
    tests.extend(emit_flags_win(service, op, example, &params, &json));
    tests.extend(emit_missing_field(service, op, &params, &body));
    tests.extend(emit_broken_field_constraint(service, examples));
    quote!(#(#tests)*)
}

/// A body field's flag that breaks the field's documented maximum is refused before
/// anything is sent, as the same value in `--body` is.
fn emit_broken_field_constraint(
    service: &Service,
    examples: &[Example<'_>],
) -> Option<TokenStream> {
    let (op, params, body, flag, maximum) = examples.iter().find_map(|(op, example)| {
        let def = op.body.as_ref().and_then(|b| struct_def(service, &b.ty))?;
        let TypeKind::Struct(fields) = &def.kind else {
            return None;
        };
        let (params, body) = example_flags_split(service, op, example);
        let (flag, maximum) = field_flags(service, op).into_iter().find_map(|f| {
            let integer = matches!(f.scalar, Scalar::Int32 | Scalar::Int64);
            let field = fields
                .iter()
                .find(|field| f.wires == [field.wire_name.clone()])?;
            let maximum = field
                .checks
                .maximum
                .filter(|m| m.fract() == 0.0 && *m < 1e9)?;
            (integer && !f.repeats && body.iter().any(|(name, _)| *name == f.name))
                .then_some((f.name, maximum as i64))
        })?;
        Some((op, params, body, flag, maximum))
    })?;
    let too_big = (maximum + 1).to_string();
    let run = args(
        op,
        params
            .into_iter()
            .chain(body.into_iter().map(|(name, value)| {
                let value = if name == flag { too_big.clone() } else { value };
                (name, value)
            }))
            .collect(),
    );
    Some(quote! {
        #[tokio::test]
        async fn a_body_field_flag_that_breaks_a_constraint_is_a_usage_error() {
            let server = vendor::Server::start().await;
            let run = cli(&server).args([#(#run),*]).run().await;
            run.expect_exit(2).expect_stderr("must be at most");
            let sent = server.requests().await;
            assert!(sent.is_empty(), "a request was sent");
        }
    })
}

/// A text field's flag given with `--body` wins over the body's value.
fn emit_flags_win(
    service: &Service,
    op: &Operation,
    example: &RequestExample,
    params: &[(String, String)],
    json: &str,
) -> Option<TokenStream> {
    let secrets = secret_names(service, op);
    let flag = field_flags(service, op).into_iter().find(|f| {
        f.group == "body"
            && f.scalar == Scalar::String
            && !f.repeats
            && f.wires.len() == 1
            && !secrets.contains(&f.wires[0])
            && example
                .body
                .as_ref()
                .and_then(|b| b.get(&f.wires[0]))
                .is_some_and(Value::is_string)
    })?;
    const CHANGED: &str = "changed-by-a-flag";
    let mut changed = example.clone();
    if let Some(body) = &mut changed.body {
        set_pointer(body, &format!("/{}", flag.wires[0]), Value::from(CHANGED));
    }
    let expected = expected_request(service, op, &changed);
    let run = args(
        op,
        params
            .iter()
            .cloned()
            .chain([
                ("body".to_owned(), json.to_owned()),
                (flag.name.clone(), CHANGED.to_owned()),
            ])
            .collect(),
    );
    let (status, answer, _) = example_answer(op, example);
    let answer = option_str(answer.as_deref());
    Some(quote! {
        #[tokio::test]
        async fn body_flags_win_over_the_json_body() {
            let server = vendor::Server::start().await;
            server.answer(#status, #answer).await;
            let run = cli(&server).args([#(#run),*]).run().await;
            run.expect_exit(0);
            server.expect(&#expected).await;
        }
    })
}

/// The wire names of the body's secret fields at its top level.
fn secret_names(service: &Service, op: &Operation) -> Vec<String> {
    op.body
        .as_ref()
        .and_then(|b| struct_def(service, &b.ty))
        .map(|def| match &def.kind {
            TypeKind::Struct(fields) => fields
                .iter()
                .filter(|f| f.secret)
                .map(|f| f.wire_name.clone())
                .collect(),
            _ => Vec::new(),
        })
        .unwrap_or_default()
}

/// Leaving out a required body field's flag is a usage error that names the flag.
fn emit_missing_field(
    service: &Service,
    op: &Operation,
    params: &[(String, String)],
    body: &[(String, String)],
) -> Option<TokenStream> {
    let def = op.body.as_ref().and_then(|b| struct_def(service, &b.ty))?;
    let TypeKind::Struct(fields) = &def.kind else {
        return None;
    };
    let flags = field_flags(service, op);
    let missing = flags.iter().find(|f| {
        f.group == "body"
            && f.wires.len() == 1
            && !f.repeats
            && fields
                .iter()
                .any(|field| field.required && field.wire_name == f.wires[0])
            && body.iter().any(|(flag, _)| *flag == f.name)
    })?;
    let rest: Vec<(String, String)> = params
        .iter()
        .chain(body.iter().filter(|(flag, _)| *flag != missing.name))
        .cloned()
        .collect();
    let run = args(op, rest);
    let needle = format!("(give --{})", missing.name);
    Some(quote! {
        #[tokio::test]
        async fn a_missing_required_body_field_names_its_flag() {
            let server = vendor::Server::start().await;
            let run = cli(&server).args([#(#run),*]).run().await;
            run.expect_exit(2).expect_stderr("missing field").expect_stderr(#needle);
            let sent = server.requests().await;
            assert!(sent.is_empty(), "a request was sent");
        }
    })
}

/// The example at the end of an operation's `--help`, read from the help and split as a
/// shell splits it, runs and sends the spec's request.
pub(super) fn emit_help_example_test(
    service: &Service,
    (op, example): &Example<'_>,
) -> TokenStream {
    let name = names::subcommand_name(&op.method_name);
    let prefix = format!("  {} ", super::bin_name(service));
    let (status, answer, _) = example_answer(op, example);
    let answer = option_str(answer.as_deref());
    let expected = expected_request(service, op, example);
    if help_example(service, op).is_empty() {
        return quote!();
    }
    quote! {
        #[tokio::test]
        async fn the_example_in_help_runs_as_shown() {
            let help = Cli::new(BIN).args([#name, "--help"]).run().await;
            help.expect_exit(0).expect_stdout("Example:");
            let line = help.stdout.trim_end().lines().last().unwrap_or_default();
            let Some(example) = line.strip_prefix(#prefix) else {
                panic!("the help does not end with the example: {line:?}");
            };
            let server = vendor::Server::start().await;
            server.answer(#status, #answer).await;
            let run = cli(&server).args(::clouddb_conformance::cli::shell_words(example)).run().await;
            run.expect_exit(0);
            server.expect(&#expected).await;
        }
    }
}

/// `--query` and `--output table|text` on the items of a paged `--all` over two pages,
/// on the first list with an offset or page cursor whose example answer has an item with
/// a text field.
pub(super) fn emit_paged_output_tests(examples: &[Example<'_>]) -> TokenStream {
    let chosen = examples.iter().find_map(|(op, example)| {
        let paging = op.pagination.as_ref()?;
        if matches!(paging.style, PageStyle::Marker)
            && !matches!(paging.next_marker, Some(MarkerSource::Response(_)))
        {
            return None;
        }
        let (_, answer, _) = example_answer(op, example);
        let answer: Value = serde_json::from_str(&answer?).ok()?;
        let item = answer
            .get(&paging.items.wire_name)?
            .as_array()?
            .first()?
            .as_object()?
            .clone();
        let (field, value) = item
            .iter()
            .find(|(k, v)| v.is_string() && !k.contains('"') && !k.contains('\\'))?;
        Some((
            op,
            example,
            answer.clone(),
            item.clone(),
            field.clone(),
            value.clone(),
        ))
    });
    let Some((op, example, answer, item, field, first)) = chosen else {
        return quote!();
    };
    let Some(paging) = op.pagination.as_ref() else {
        return quote!();
    };
    let items = &paging.items.wire_name;
    let mut second = item.clone();
    second.insert(field.clone(), Value::from("second-item"));
    let page = |item: serde_json::Map<String, Value>, marker: Option<&str>| {
        let mut page = answer.clone();
        page[items.as_str()] = Value::Array(vec![Value::Object(item)]);
        if let Some(total) = &paging.total {
            page[total.wire_name.as_str()] = Value::from(2);
        }
        if let Some(MarkerSource::Response(next)) = &paging.next_marker {
            match marker {
                Some(marker) => page[next.wire_name.as_str()] = Value::from(marker),
                None => {
                    if let Value::Object(map) = &mut page {
                        map.remove(&next.wire_name);
                    }
                }
            }
        }
        page.to_string()
    };
    let (page1, page2) = (page(item, Some("page-2")), page(second, None));
    let status = match &op.output {
        crate::ir::Output::Single { statuses, .. } => statuses.first().copied().unwrap_or(200),
        _ => 200,
    };
    let name = names::subcommand_name(&op.method_name);
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
        .chain(example.body.as_ref().map(|b| format!("--body={b}")))
        .collect();
    let query = format!("[].\"{field}\"");
    let json = format!(
        "{}\n",
        Value::Array(vec![first.clone(), Value::from("second-item")])
    );
    let first_text = scalar_text(&first).unwrap_or_default();
    let text = format!("{first_text}\nsecond-item\n");
    quote! {
        /// A server whose list has two pages of one item each.
        async fn two_pages() -> vendor::Server {
            let server = vendor::Server::start().await;
            server.answer(#status, ::std::option::Option::Some("{}")).await;
            server.answer_once(#status, #page1).await;
            server.answer_once(#status, #page2).await;
            server
        }

        #[tokio::test]
        async fn all_can_be_queried() {
            let server = two_pages().await;
            let run = cli(&server).args([#name, "--all", "--compact", "--query", #query #(, #required)*]).run().await;
            run.expect_exit(0);
            assert_eq!(run.stdout, #json, "the field of every item, in order");
        }

        #[tokio::test]
        async fn all_as_a_table_has_a_column_per_field_and_a_row_per_item() {
            let server = two_pages().await;
            let run = cli(&server).args([#name, "--all", "--output", "table" #(, #required)*]).run().await;
            run.expect_exit(0);
            let lines: ::std::vec::Vec<&str> = run.stdout.lines().collect();
            assert!(lines.len() >= 4, "header, rule and two rows: {}", run.stdout);
            assert!(lines[0].split_whitespace().any(|c| c == #field), "the column {:?} is in {:?}", #field, lines[0]);
            assert!(lines[1].starts_with("--"), "the header is underlined: {:?}", lines[1]);
            assert!(lines[3].contains("second-item"), "the second item is the second row: {}", run.stdout);
            assert!(!run.stdout.contains('{') || run.stdout.contains("more fields"), "cells are not JSON documents: {}", run.stdout);
        }

        #[tokio::test]
        async fn all_as_text_prints_a_line_per_item() {
            let server = two_pages().await;
            let run = cli(&server).args([#name, "--all", "--output", "text", "--query", #query #(, #required)*]).run().await;
            run.expect_exit(0);
            assert_eq!(run.stdout, #text);
        }
    }
}

/// The last state of `--wait` can be queried like any answer.
pub(super) fn emit_wait_query_test(service: &Service, (op, example): &Example<'_>) -> TokenStream {
    let Some(poller) = &service.job_poller else {
        return quote!();
    };
    if !waits(service, op) || op.waiter.is_some() {
        return quote!();
    }
    let run = args(op, super::example::example_flags(service, op, example));
    let (status, answer, _) = example_answer(op, example);
    let mut done: Value = answer
        .and_then(|a| serde_json::from_str(&a).ok())
        .unwrap_or_else(|| serde_json::json!({}));
    let succeeded = poller.succeeded.first().cloned().unwrap_or_default();
    set_pointer(&mut done, &poller.status, Value::String(succeeded.clone()));
    let done = done.to_string();
    let printed = format!("{succeeded}\n");
    quote! {
        #[tokio::test]
        async fn the_waited_state_can_be_queried() {
            let server = vendor::Server::start().await;
            server.answer(#status, ::std::option::Option::Some(#done)).await;
            let run = cli(&server)
                .args([#(#run),*])
                .args(["--wait", "--wait-interval", "0.01", "--query", "status", "--output", "text"])
                .run()
                .await;
            run.expect_exit(0);
            assert_eq!(run.stdout, #printed);
        }
    }
}

/// `completion <shell>` prints a script that names the operations and their flags, and
/// `man` a manual page.
pub(super) fn emit_completion_test(service: &Service) -> TokenStream {
    let Some(op) = service.operations.iter().find(|op| !op.deprecated) else {
        return quote!();
    };
    let name = names::subcommand_name(&op.method_name);
    let flag = field_flags(service, op)
        .first()
        .map(|f| format!("--{}", f.name))
        .or_else(|| {
            op.params
                .first()
                .map(|p| format!("--{}", names::flag_name(&p.name)))
        })
        .unwrap_or_else(|| "--dry-run".to_owned());
    let bin = super::bin_name(service);
    let in_man = name.replace('-', "\\-");
    quote! {
        #[tokio::test]
        async fn completions_and_man_pages() {
            for shell in ["bash", "zsh", "fish", "powershell"] {
                let run = Cli::new(BIN).args(["completion", shell]).run().await;
                run.expect_exit(0).expect_stdout(#name);
                if shell == "bash" || shell == "zsh" {
                    run.expect_stdout(#flag);
                }
            }
            let bash = Cli::new(BIN).args(["completion", "bash"]).run().await;
            bash.expect_stdout(&::std::format!("complete -F _{} ", #bin.replace('-', "__")));
            let man = Cli::new(BIN).args(["man"]).run().await;
            man.expect_exit(0).expect_stdout(".TH").expect_stdout(#in_man);
        }
    }
}
