//! Emitting paged lists (`Paginated` impls, `pages` and `items` on builders) and waiting
//! (`send_and_wait` on builders; `Client::wait_for_job` for jobs, `Client::wait_until_*`
//! for resource waiters).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc_attrs, paragraphs};
use super::{crate_types, ident, type_tokens};
use crate::ir::{
    JobPoller, MarkerSource, Operation, Output, PageParam, PageStyle, Pagination, ResponseField,
    Service, Verdict, Waiter, WaiterId,
};

/// `impl Paginated` for the input of a paged list operation.
pub(crate) fn emit_paginated_impl(op: &Operation) -> TokenStream {
    let Some(paging) = &op.pagination else {
        return quote!();
    };
    let input = format_ident!("{}", op.input_name);
    let item = type_tokens(&paging.item_ty, &crate_types());
    let cursor_member = member_path(&paging.cursor);
    let first_offset = match paging.style {
        PageStyle::Offset { first } if first > 0 => quote!(const FIRST_OFFSET: u64 = #first;),
        _ => quote!(),
    };
    let cursor = match paging.style {
        PageStyle::Offset { first } => quote! {
            ::clouddb_runtime::paginate::Cursor::Offset(
                ::clouddb_runtime::paginate::count(&#cursor_member).unwrap_or(#first),
            )
        },
        PageStyle::Page { first } => quote! {
            ::clouddb_runtime::paginate::Cursor::Page(
                ::clouddb_runtime::paginate::count(&#cursor_member).unwrap_or(#first),
            )
        },
        PageStyle::Marker => quote! {
            ::clouddb_runtime::paginate::Cursor::Marker(
                ::clouddb_runtime::paginate::marker(&#cursor_member),
            )
        },
    };
    let set_cursor = if paging.cursor.required {
        quote! {
            if let ::std::option::Option::Some(position) = ::clouddb_runtime::paginate::position(cursor)? {
                #cursor_member = position;
            }
        }
    } else {
        quote!(#cursor_member = ::clouddb_runtime::paginate::position(cursor)?;)
    };
    let page_size = match &paging.limit {
        Some(limit) => {
            let member = member_path(limit);
            quote!(::clouddb_runtime::paginate::count(&#member))
        }
        None => quote!(::std::option::Option::None),
    };
    let items_member = ident(&paging.items.name);
    let (items_len, into_items) = if paging.items.required {
        (
            quote!(output.#items_member.len()),
            quote!(output.#items_member),
        )
    } else {
        (
            quote!(output.#items_member.as_ref().map_or(0, ::std::vec::Vec::len)),
            quote!(output.#items_member.unwrap_or_default()),
        )
    };
    let total = match &paging.total {
        Some(field) => {
            let member = ident(&field.name);
            quote!(::clouddb_runtime::paginate::count(&output.#member))
        }
        None => quote!(::std::option::Option::None),
    };
    let next_marker = next_marker(paging, &items_member);
    let items_field = &paging.items.wire_name;
    quote! {
        impl ::clouddb_runtime::paginate::Paginated for #input {
            type Item = #item;

            const ITEMS_FIELD: &'static str = #items_field;

            #first_offset

            fn cursor(&self) -> ::clouddb_runtime::paginate::Cursor {
                #cursor
            }

            fn set_cursor(&mut self, cursor: &::clouddb_runtime::paginate::Cursor) -> ::std::result::Result<(), ::clouddb_runtime::Error> {
                #set_cursor
                ::std::result::Result::Ok(())
            }

            fn page_size(&self) -> ::std::option::Option<u64> {
                #page_size
            }

            fn page_info(output: &Self::Output) -> ::clouddb_runtime::paginate::PageInfo {
                ::clouddb_runtime::paginate::PageInfo {
                    items: #items_len,
                    total: #total,
                    next_marker: #next_marker,
                }
            }

            fn into_items(output: Self::Output) -> ::std::vec::Vec<Self::Item> {
                #into_items
            }
        }
    }
}

/// `self.offset` or `self.body.line_num`.
fn member_path(param: &PageParam) -> TokenStream {
    let member = ident(&param.name);
    if param.in_body {
        quote!(self.body.#member)
    } else {
        quote!(self.#member)
    }
}

fn next_marker(paging: &Pagination, items_member: &proc_macro2::Ident) -> TokenStream {
    let read = |field: &ResponseField, owner: TokenStream| {
        let member = ident(&field.name);
        quote!(::clouddb_runtime::paginate::marker(&#owner.#member))
    };
    match &paging.next_marker {
        None => quote!(::std::option::Option::None),
        Some(MarkerSource::Response(field)) => read(field, quote!(output)),
        Some(MarkerSource::LastItem(field)) => {
            let last = read(field, quote!(item));
            let items = if paging.items.required {
                quote!(output.#items_member.last())
            } else {
                quote!(output.#items_member.as_ref().and_then(|items| items.last()))
            };
            quote!(#items.and_then(|item| #last))
        }
    }
}

/// `pages` and `items` on the builder of a paged list operation.
pub(crate) fn emit_paging_methods(op: &Operation) -> TokenStream {
    let Some(paging) = &op.pagination else {
        return quote!();
    };
    let input = format_ident!("{}", op.input_name);
    let item = type_tokens(&paging.item_ty, &crate_types());
    let what = match paging.style {
        PageStyle::Offset { .. } => "from this request's offset (or the start)",
        PageStyle::Page { .. } => "from this request's page (or the first)",
        PageStyle::Marker => "from this request's marker (or the start)",
    };
    let ends = match (&paging.total, paging.style) {
        (Some(total), _) => format!("the total in `{}`", total.name),
        (None, PageStyle::Marker) => "a page without a next marker".to_owned(),
        (None, _) => "a short or empty page".to_owned(),
    };
    let pages_doc = doc_attrs(&format!(
        "Every page of the list, fetched lazily {what} until {ends} says it ended. The page size set on this builder is kept; an error ends the stream."
    ));
    let items_doc = doc_attrs(&format!(
        "Every item of the list (`{}` of each page), fetched lazily page by page; an error ends the stream after the items before it.",
        paging.items.name
    ));
    quote! {
        #pages_doc
        #[inline]
        pub fn pages(self) -> ::clouddb_runtime::paginate::Pages<#input> {
            let client = self.client.clone();
            ::clouddb_runtime::paginate::Pages::new(self.build(), move |input| {
                let client = client.clone();
                async move { client.execute(input).await }
            })
        }

        #items_doc
        #[inline]
        pub fn items(self) -> ::clouddb_runtime::paginate::Items<#item> {
            self.pages().items()
        }
    }
}

/// `send_and_wait` on the builder of an operation that starts a job the service can be
/// asked about.
pub(crate) fn emit_job_methods(service: &Service, op: &Operation) -> TokenStream {
    if let Some(waiter) = &op.waiter {
        return emit_waiter_method(service, op, waiter);
    }
    let (Some(job), Some(poller)) = (&op.job, &service.job_poller) else {
        return quote!();
    };
    if job.many {
        return quote!();
    }
    let output = match &op.output {
        Output::Single { ty, .. } => type_tokens(ty, &crate_types()),
        _ => return quote!(),
    };
    let member = ident(&job.field);
    let field = &job.wire_name;
    let id = &op.id;
    let job_id = if job.required {
        quote!(response.body().#member.clone())
    } else {
        quote! {
            match &response.body().#member {
                ::std::option::Option::Some(id) => id.clone(),
                ::std::option::Option::None => {
                    return ::std::result::Result::Err(::clouddb_runtime::wait::missing_job_id(#id, #field));
                }
            }
        }
    };
    let docs = doc_attrs(&format!(
        "Sends the request, then waits for the job it starts (`{field}` of the answer) to end, asking [`Client::{}`](crate::Client::{}) as `options` says. A job that fails is an error of kind `JobFailed` carrying the vendor's details, never a success.",
        poller.method_name, poller.method_name
    ));
    quote! {
        #docs
        pub async fn send_and_wait(self, options: &::clouddb_runtime::wait::WaitOptions) -> ::std::result::Result<(::clouddb_runtime::Response<#output>, ::clouddb_runtime::Job), ::clouddb_runtime::Error> {
            let client = self.client.clone();
            let response = self.send().await?;
            let job_id = #job_id;
            let job = client.wait_for_job(&job_id, options).await?;
            ::std::result::Result::Ok((response, job))
        }
    }
}

/// `send_and_wait` on the builder of an operation whose work a resource waiter follows:
/// the id comes from the input (sent as the operation's parameter) or from the answer.
fn emit_waiter_method(
    service: &Service,
    op: &Operation,
    waiter: &crate::ir::WaiterRef,
) -> TokenStream {
    let Some(def) = service.waiters.iter().find(|w| w.name == waiter.waiter) else {
        return quote!();
    };
    let output = match &op.output {
        Output::Empty { .. } => quote!(()),
        Output::Single { ty, .. } => type_tokens(ty, &crate_types()),
        Output::PerStatus { name, .. } => {
            let name = format_ident!("{}", name);
            quote!(crate::operations::#name)
        }
    };
    let method = format_ident!("{}", def.method_name);
    let id = &op.id;
    let (before, after) = match &waiter.id {
        WaiterId::Param(name) => {
            let member = ident(name);
            (quote!(let id = input.#member.clone();), quote!())
        }
        WaiterId::Answer(pointer) => (
            quote!(),
            quote!(let id = ::clouddb_runtime::wait::id_from_answer(#id, response.body(), #pointer)?;),
        ),
    };
    let docs = doc_attrs(&format!(
        "Sends the request, then waits until the {subject} it works on is done, with [`Client::{method}`](crate::Client::{method}) as `options` says. A failed state is an error of kind `JobFailed` carrying the vendor's details, never a success; a state from before the work started is not taken for its end.",
        subject = def.subject,
        method = def.method_name,
    ));
    quote! {
        #docs
        pub async fn send_and_wait(self, options: &::clouddb_runtime::wait::WaitOptions) -> ::std::result::Result<(::clouddb_runtime::Response<#output>, ::clouddb_runtime::Job), ::clouddb_runtime::Error> {
            let client = self.client.clone();
            let input = self.build()?;
            #before
            let response = client.execute(input).await?;
            #after
            let state = client.#method(&id, &options.clone().just_started(true)).await?;
            ::std::result::Result::Ok((response, state))
        }
    }
}

/// The sentence the client method's documentation says about the job an operation starts.
pub(crate) fn job_doc(service: &Service, op: &Operation) -> Option<String> {
    if let Some(waiter) = &op.waiter {
        let def = service.waiters.iter().find(|w| w.name == waiter.waiter)?;
        return Some(format!(
            "Starts work on a {} that [`Client::{}`](crate::Client::{}) follows; `send_and_wait` sends the request and waits until it is done.",
            def.subject, def.method_name, def.method_name
        ));
    }
    let job = op.job.as_ref()?;
    let field = &job.wire_name;
    Some(match (&service.job_poller, job.many) {
        (Some(_), false) => format!(
            "Starts an asynchronous job whose id is the answer's `{field}`; `send_and_wait` sends the request and waits for the job to end."
        ),
        (Some(poller), true) => format!(
            "Starts asynchronous jobs whose ids are the answer's `{field}`; wait for each with [`Client::wait_for_job`](crate::Client::wait_for_job) (which asks `{}`).",
            poller.method_name
        ),
        (None, _) => format!(
            "Starts asynchronous work whose job id is the answer's `{field}`. The service documents no operation that reports on a job, so this client cannot wait for it: poll the resource's own status instead."
        ),
    })
}

/// The job poller of `client.rs`: a static description and `Client::wait_for_job`.
pub(crate) fn emit_job_poller(poller: Option<&JobPoller>, cfg: &TokenStream) -> TokenStream {
    let Some(poller) = poller else {
        return quote!();
    };
    let JobPoller {
        operation,
        method_name,
        id_param,
        id_is_list,
        status,
        succeeded,
        failed,
        progress,
        failure_reason,
    } = poller;
    let option = |text: &Option<String>| match text {
        Some(text) => quote!(::std::option::Option::Some(#text)),
        None => quote!(::std::option::Option::None),
    };
    let progress = option(progress);
    let failure_reason = option(failure_reason);
    let method = format_ident!("{}", method_name);
    let setter = ident(id_param);
    let id = if *id_is_list {
        quote!(::std::vec![id])
    } else {
        quote!(id)
    };
    let docs = doc_attrs(&format!(
        "Waits for the asynchronous job `job_id` to end, asking [`{method_name}`](Self::{method_name}) with growing intervals as `options` says.\n\nReturns the job's last state when its status is one of {}. A status of {} is an error of kind `JobFailed` carrying the job's state and the vendor's failure reason; running out of `max_wait` is a `Timeout` error (the job goes on on the server).",
        quoted(succeeded),
        quoted(failed)
    ));
    quote! {
        /// How this service reports on asynchronous jobs.
        #cfg
        static JOB_POLLER: ::clouddb_runtime::wait::Waiter = ::clouddb_runtime::wait::Waiter::job(
            #operation,
            #status,
            &[
                ::clouddb_runtime::wait::Acceptor {
                    pointer: #status,
                    matcher: ::clouddb_runtime::wait::Matcher::Equals(&[#(#succeeded),*]),
                    verdict: ::clouddb_runtime::wait::Verdict::Success,
                },
                ::clouddb_runtime::wait::Acceptor {
                    pointer: #status,
                    matcher: ::clouddb_runtime::wait::Matcher::Equals(&[#(#failed),*]),
                    verdict: ::clouddb_runtime::wait::Verdict::Failure,
                },
            ],
            #progress,
            #failure_reason,
        );

        #cfg
        impl Client {
            #docs
            pub async fn wait_for_job(&self, job_id: &str, options: &::clouddb_runtime::wait::WaitOptions) -> ::std::result::Result<::clouddb_runtime::Job, ::clouddb_runtime::Error> {
                self.inner
                    .wait(&JOB_POLLER, job_id, options, |id| {
                        let request = self.#method().#setter(#id);
                        async move { request.send().await.map(::clouddb_runtime::Response::into_body) }
                    })
                    .await
            }
        }
    }
}

/// The resource waiters of `client.rs`: a static description and a `wait_until_*` method
/// each, behind the feature of the operation they poll.
pub(crate) fn emit_waiters(service: &Service, features: &super::features::Features) -> TokenStream {
    let waiters = service.waiters.iter().map(|waiter| {
        let Waiter {
            method_name,
            static_name,
            subject,
            operation,
            poll_method,
            id_param,
            id_is_list,
            state,
            progress,
            failure_reason,
            acceptors,
            not_found,
            start_grace,
            ..
        } = waiter;
        let cfg = features.tag_cfg(&waiter.tag);
        let option = |text: &Option<String>| match text {
            Some(text) => quote!(::std::option::Option::Some(#text)),
            None => quote!(::std::option::Option::None),
        };
        let (progress, failure_reason) = (option(progress), option(failure_reason));
        let acceptors = acceptors.iter().map(|a| {
            let pointer = &a.pointer;
            let matcher = match &a.equals {
                Some(values) => quote!(::clouddb_runtime::wait::Matcher::Equals(&[#(#values),*])),
                None => quote!(::clouddb_runtime::wait::Matcher::NotEmpty),
            };
            let verdict = verdict_tokens(a.verdict);
            quote!(::clouddb_runtime::wait::Acceptor { pointer: #pointer, matcher: #matcher, verdict: #verdict })
        });
        let not_found = match not_found {
            Some(v) => {
                let v = verdict_tokens(*v);
                quote!(::std::option::Option::Some(#v))
            }
            None => quote!(::std::option::Option::None),
        };
        let static_ident = format_ident!("{}", static_name);
        let method = format_ident!("{}", method_name);
        let poll = format_ident!("{}", poll_method);
        let setter = ident(id_param);
        let id = if *id_is_list { quote!(::std::vec![id]) } else { quote!(id) };
        let mut parts = paragraphs(&waiter.docs);
        parts.push(format!(
            "Waits until the {subject} `id` is done with its work, asking [`{poll_method}`](Self::{poll_method}) with growing intervals as `options` says. Its state is read at `{state}`; {}. A failed state is an error of kind `JobFailed` carrying the last answer and the vendor's reason; running out of `max_wait` is a `Timeout` error (the work goes on on the server).{}",
            acceptor_text(&waiter.acceptors, waiter.not_found),
            if *start_grace > 0 {
                format!(" Called by `send_and_wait` right after the work was asked for, it accepts success only once the work was seen in progress, or after {start_grace} s (the {subject} may still show its old state at first).")
            } else {
                String::new()
            }
        ));
        let docs = doc_attrs(&parts.join("\n\n"));
        let doc_static = format!(" How `{method_name}` reads the answer of `{operation}`.");
        quote! {
            #[doc = #doc_static]
            #cfg
            static #static_ident: ::clouddb_runtime::wait::Waiter = ::clouddb_runtime::wait::Waiter {
                subject: #subject,
                operation: #operation,
                state: #state,
                progress: #progress,
                failure_reason: #failure_reason,
                acceptors: &[#(#acceptors),*],
                not_found: #not_found,
                start_grace: ::std::time::Duration::from_secs(#start_grace),
            };

            #cfg
            impl Client {
                #docs
                pub async fn #method(&self, id: &str, options: &::clouddb_runtime::wait::WaitOptions) -> ::std::result::Result<::clouddb_runtime::Job, ::clouddb_runtime::Error> {
                    self.inner
                        .wait(&#static_ident, id, options, |id| {
                            let request = self.#poll().#setter(#id);
                            async move { request.send().await.map(::clouddb_runtime::Response::into_body) }
                        })
                        .await
                }
            }
        }
    });
    quote!(#(#waiters)*)
}

fn verdict_tokens(verdict: Verdict) -> TokenStream {
    match verdict {
        Verdict::Success => quote!(::clouddb_runtime::wait::Verdict::Success),
        Verdict::Failure => quote!(::clouddb_runtime::wait::Verdict::Failure),
        Verdict::Pending => quote!(::clouddb_runtime::wait::Verdict::Pending),
    }
}

/// The acceptors in words, for the waiter's docs.
fn acceptor_text(acceptors: &[crate::ir::Acceptor], not_found: Option<Verdict>) -> String {
    let mut rules: Vec<String> = acceptors
        .iter()
        .map(|a| {
            let test = match &a.equals {
                Some(values) => format!(
                    "`{}` is {}",
                    a.pointer,
                    quoted(values).replace(", ", " or ")
                ),
                None => format!("`{}` is not empty", a.pointer),
            };
            let meaning = match a.verdict {
                Verdict::Success => "success",
                Verdict::Failure => "failure",
                Verdict::Pending => "still in progress",
            };
            format!("{test}: {meaning}")
        })
        .collect();
    if let Some(v) = not_found {
        rules.push(format!(
            "not found (HTTP 404): {}",
            if v == Verdict::Success {
                "success"
            } else if v == Verdict::Failure {
                "failure"
            } else {
                "still in progress"
            }
        ));
    }
    format!(
        "the first that holds of {}, else still in progress",
        rules.join("; ")
    )
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
