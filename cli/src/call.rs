//! A call built from the flags, with the operation's type erased so that the main loop can
//! send it (once, through every page with `--all`, or waiting for its job with `--wait`),
//! or sign it without sending; and the runtime clients it runs on.

use std::future::Future;
use std::pin::Pin;

use clouddb_runtime::client::Client;
use clouddb_runtime::paginate::{Pages, Paginated};
use clouddb_runtime::wait::WaitOptions;
use clouddb_runtime::{CallOptions, Error, Job, Operation, Response, SignedRequest, Vendor};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::exit::Failure;

/// A future that borrows the client and stays on the main loop's thread.
pub type LocalFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// Waits for the work an operation started: a job (the generated client's
/// `wait_for_job`) or a resource's state (a `wait_until_*`), given the id and the options.
pub type WaitFn<V> =
    for<'a> fn(&'a Client<V>, String, WaitOptions) -> LocalFuture<'a, Result<Job, Error>>;

/// Every page of the list that `input` starts.
fn pages<V: Vendor, O>(client: &Client<V>, input: O, options: CallOptions) -> Pages<O>
where
    O: Paginated + Sync,
    O::Output: Send + 'static,
{
    let client = client.clone();
    Pages::new(Ok(input), move |input| {
        let client = client.clone();
        async move { client.execute_with(input, &options).await }
    })
}

/// What to do with a call, from the shared flags.
pub(crate) struct Plan {
    /// Sign it and return the request without sending.
    pub(crate) dry_run: bool,
    /// Attempts and timeouts of each request.
    pub(crate) options: CallOptions,
    /// One line of JSON instead of pretty JSON.
    pub(crate) compact: bool,
    /// Read every page (`--all`).
    pub(crate) all: bool,
    /// Wait for the work the call starts (`--wait`), with these options.
    pub(crate) wait: Option<WaitOptions>,
}

/// What a call produced.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The answer (or the items, or the job) as JSON text; `null` prints nothing.
    Json(String),
    /// The signed request of a dry run.
    Request(SignedRequest),
    /// Some items of a list, then the error that ended it (`--all`).
    Partial(String, Failure),
}

/// An operation's input, built from the flags, ready to run on a client of the vendor `V`.
pub struct Call<V>(Box<dyn Erased<V>>);

impl<V> std::fmt::Debug for Call<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Call")
    }
}

impl<V: Vendor> Call<V> {
    pub(crate) fn single<O>(input: O) -> Self
    where
        O: Operation + 'static,
        O::Output: Serialize,
    {
        Self(Box::new(Single(input)))
    }

    pub(crate) fn paged<O>(input: O) -> Self
    where
        O: Paginated + Sync,
        O::Output: Serialize + 'static,
        O::Item: Serialize,
    {
        Self(Box::new(Paged(input)))
    }

    pub(crate) fn waiting<O>(input: O, id: IdFrom<O>, wait: WaitFn<V>) -> Self
    where
        O: Operation + 'static,
        O::Output: Serialize,
    {
        Self(Box::new(Waiting { input, id, wait }))
    }

    pub(crate) fn download<O>(input: O, path: String) -> Self
    where
        O: Operation + 'static,
    {
        Self(Box::new(Downloading { input, path }))
    }

    /// Checks the input's documented constraints before any client is built, so that a
    /// broken constraint is a usage error whatever the configuration.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        self.0.validate()
    }

    pub(crate) fn run(
        self,
        client: &Client<V>,
        plan: Plan,
    ) -> LocalFuture<'_, Result<Outcome, Failure>> {
        self.0.run(client, plan)
    }
}

trait Erased<V> {
    /// Checks the input's documented constraints, as running it would first.
    fn validate(&self) -> Result<(), Error>;

    fn run<'a>(
        self: Box<Self>,
        client: &'a Client<V>,
        plan: Plan,
    ) -> LocalFuture<'a, Result<Outcome, Failure>>;
}

/// One request, one answer.
struct Single<O>(O);

impl<V, O> Erased<V> for Single<O>
where
    V: Vendor,
    O: Operation + 'static,
    O::Output: Serialize,
{
    fn validate(&self) -> Result<(), Error> {
        clouddb_runtime::validate_input(&self.0)
    }

    fn run<'a>(
        self: Box<Self>,
        client: &'a Client<V>,
        plan: Plan,
    ) -> LocalFuture<'a, Result<Outcome, Failure>> {
        Box::pin(async move {
            if plan.dry_run {
                return Ok(Outcome::Request(client.dry_run(self.0).await?));
            }
            let response = client.execute_with(self.0, &plan.options).await?;
            Ok(Outcome::Json(answer_json(&response, plan.compact)?))
        })
    }
}

/// A paged list: one page, or every item with `--all`.
struct Paged<O>(O);

impl<V, O> Erased<V> for Paged<O>
where
    V: Vendor,
    O: Paginated + Sync,
    O::Output: Serialize + 'static,
    O::Item: Serialize,
{
    fn validate(&self) -> Result<(), Error> {
        clouddb_runtime::validate_input(&self.0)
    }

    fn run<'a>(
        self: Box<Self>,
        client: &'a Client<V>,
        plan: Plan,
    ) -> LocalFuture<'a, Result<Outcome, Failure>> {
        if !plan.all || plan.dry_run {
            return Box::new(Single(self.0)).run(client, plan);
        }
        Box::pin(async move {
            let mut pages = pages(client, self.0, plan.options);
            let mut items: Vec<Box<RawValue>> = Vec::new();
            let mut error = None;
            while let Some(page) = pages.next().await {
                match page {
                    Ok(page) => items.extend(page_items::<O>(page)?),
                    Err(e) => {
                        error = Some(e);
                        break;
                    }
                }
            }
            let json = to_json(&items, plan.compact)?;
            Ok(match error {
                None => Outcome::Json(json),
                Some(error) => Outcome::Partial(json, error.into()),
            })
        })
    }
}

/// The items of one page as the service sent them (every field, in its order), or the
/// decoded items when the answer's items field is not a JSON array (a lenient list of one,
/// say).
fn page_items<O: Paginated>(page: Response<O::Output>) -> Result<Vec<Box<RawValue>>, Failure>
where
    O::Item: Serialize,
{
    if let Some(items) = raw_items(page.raw_body(), O::ITEMS_FIELD) {
        return Ok(items);
    }
    O::into_items(page.into_body())
        .iter()
        .map(|item| {
            serde_json::value::to_raw_value(item)
                .map_err(|e| Failure::other(format!("cannot encode an item as JSON: {e}")))
        })
        .collect()
}

/// The items of the array `field` of the JSON object `body`, each as its own raw text.
fn raw_items(body: &[u8], field: &str) -> Option<Vec<Box<RawValue>>> {
    let object: std::collections::HashMap<String, &RawValue> = serde_json::from_slice(body).ok()?;
    serde_json::from_str(object.get(field)?.get()).ok()
}

/// Where the id of the work to wait for comes from.
pub enum IdFrom<O: Operation> {
    /// The input (the resource the operation works on).
    Input(fn(&O) -> Option<String>),
    /// The answer (a job id, or the id of a created resource).
    Answer(fn(&O::Output) -> Option<String>),
}

/// An operation that starts work: its answer, or with `--wait` the work's last state once
/// it ended.
struct Waiting<V: 'static, O: Operation> {
    input: O,
    id: IdFrom<O>,
    wait: WaitFn<V>,
}

impl<V, O> Erased<V> for Waiting<V, O>
where
    V: Vendor,
    O: Operation + 'static,
    O::Output: Serialize,
{
    fn validate(&self) -> Result<(), Error> {
        clouddb_runtime::validate_input(&self.input)
    }

    fn run<'a>(
        self: Box<Self>,
        client: &'a Client<V>,
        mut plan: Plan,
    ) -> LocalFuture<'a, Result<Outcome, Failure>> {
        let Some(options) = plan.wait.take().filter(|_| !plan.dry_run) else {
            return Box::new(Single(self.input)).run(client, plan);
        };
        Box::pin(async move {
            let from_input = match self.id {
                IdFrom::Input(read) => Some(read(&self.input)),
                IdFrom::Answer(_) => None,
            };
            let response = client.execute_with(self.input, &plan.options).await?;
            let id = match (from_input, self.id) {
                (Some(id), _) => id,
                (None, IdFrom::Answer(read)) => read(response.body()),
                (None, IdFrom::Input(_)) => None,
            };
            let Some(id) = id else {
                return Err(Failure::other(format!(
                    "{}: the answer has no id of the work to wait for",
                    O::SPEC.id
                )));
            };
            let job = (self.wait)(client, id, options.just_started(true)).await?;
            let report = JobReport {
                id: &job.id,
                status: &job.status,
                progress: job.progress.as_deref(),
                failure_reason: job.failure_reason.as_deref(),
                polls: job.polls,
                elapsed_seconds: job.elapsed.as_secs_f64(),
                answer: &job.answer,
                response: &answer_raw(&response)?,
            };
            Ok(Outcome::Json(to_json(&report, plan.compact)?))
        })
    }
}

/// An operation whose answer is a file, written to a path (`-`: standard output) as it
/// arrives.
struct Downloading<O> {
    input: O,
    path: String,
}

impl<V, O> Erased<V> for Downloading<O>
where
    V: Vendor,
    O: Operation + 'static,
{
    fn validate(&self) -> Result<(), Error> {
        clouddb_runtime::validate_input(&self.input)
    }

    fn run<'a>(
        self: Box<Self>,
        client: &'a Client<V>,
        plan: Plan,
    ) -> LocalFuture<'a, Result<Outcome, Failure>> {
        Box::pin(async move {
            if plan.dry_run {
                return Ok(Outcome::Request(client.dry_run(self.input).await?));
            }
            let mut download = client.download(self.input, &plan.options).await?;
            let to_stdout = self.path == "-";
            let mut out: Box<dyn std::io::Write> = if to_stdout {
                Box::new(std::io::stdout().lock())
            } else {
                let file = std::fs::File::create(&self.path)
                    .map_err(|e| Failure::other(format!("cannot create {}: {e}", self.path)))?;
                Box::new(std::io::BufWriter::new(file))
            };
            let written =
                |e: std::io::Error| Failure::other(format!("cannot write {}: {e}", self.path));
            while let Some(chunk) = download.chunk().await? {
                out.write_all(&chunk).map_err(written)?;
            }
            out.flush().map_err(written)?;
            if to_stdout {
                return Ok(Outcome::Json("null".to_owned()));
            }
            let summary = DownloadReport {
                file: &self.path,
                bytes: download.received(),
                status: download.status(),
                content_type: download
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok()),
                request_id: download.request_id(),
            };
            Ok(Outcome::Json(to_json(&summary, plan.compact)?))
        })
    }
}

/// What a download prints once the file is written.
#[derive(Serialize)]
struct DownloadReport<'a> {
    file: &'a str,
    bytes: u64,
    status: u16,
    content_type: Option<&'a str>,
    request_id: Option<&'a str>,
}

/// What `--wait` prints: the job's last state, the service's last answer about it, and
/// the answer of the call that started it.
#[derive(Serialize)]
struct JobReport<'a> {
    id: &'a str,
    status: &'a str,
    progress: Option<&'a str>,
    failure_reason: Option<&'a str>,
    polls: u32,
    elapsed_seconds: f64,
    answer: &'a serde_json::Value,
    response: &'a RawValue,
}

/// A value as JSON text, its fields in spec order (a raw answer inside it as received).
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T, compact: bool) -> Result<String, Failure> {
    let text = serde_json::to_string(value)
        .map_err(|e| Failure::other(format!("cannot encode the answer as JSON: {e}")))?;
    reformat(text.as_bytes(), compact)
        .map_err(|e| Failure::other(format!("cannot encode the answer as JSON: {e}")))
}

/// An answer as JSON text: the body as the service sent it, every field in its order,
/// those the spec does not describe included (the decoded body would leave them out);
/// the decoded body only when the answer has no JSON body.
fn answer_json<T: Serialize>(response: &Response<T>, compact: bool) -> Result<String, Failure> {
    match reformat(response.raw_body(), compact) {
        Ok(text) => Ok(text),
        Err(_) => to_json(response.body(), compact),
    }
}

/// The answer as a raw JSON value to embed in a report, as [`answer_json`] chooses it.
fn answer_raw<T: Serialize>(response: &Response<T>) -> Result<Box<RawValue>, Failure> {
    answer_json(response, true).and_then(|text| {
        RawValue::from_string(text)
            .map_err(|e| Failure::other(format!("cannot encode the answer as JSON: {e}")))
    })
}

/// JSON text re-indented as `serde_json`'s pretty printer does (or compacted), values
/// and field order unchanged: the text is checked by the parser, then only the whitespace
/// between tokens is rewritten. (Parsing into values and printing them again would turn
/// `1.50` into `1.5` and integers beyond 64 bits into floats.)
fn reformat(json: &[u8], compact: bool) -> Result<String, serde_json::Error> {
    serde_json::from_slice::<serde::de::IgnoredAny>(json)?;
    let mut out: Vec<u8> = Vec::with_capacity(json.len() + json.len() / 2);
    let newline = |out: &mut Vec<u8>, depth: usize| {
        if !compact {
            out.push(b'\n');
            out.resize(out.len() + 2 * depth, b' ');
        }
    };
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut bytes = json.iter().copied().peekable();
    while let Some(byte) = bytes.next() {
        if in_string {
            out.push(byte);
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b' ' | b'\t' | b'\n' | b'\r' => {}
            b'"' => {
                out.push(byte);
                in_string = true;
            }
            b'{' | b'[' => {
                out.push(byte);
                while bytes.next_if(u8::is_ascii_whitespace).is_some() {}
                let close = if byte == b'{' { b'}' } else { b']' };
                if let Some(close) = bytes.next_if_eq(&close) {
                    out.push(close);
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(byte);
            }
            b',' => {
                out.push(byte);
                newline(&mut out, depth);
            }
            b':' => {
                out.push(byte);
                if !compact {
                    out.push(b' ');
                }
            }
            _ => out.push(byte),
        }
    }
    // The parser accepted the text, so it is UTF-8, and only ASCII was added.
    String::from_utf8(out).map_err(<serde_json::Error as serde::ser::Error>::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_items_keep_every_field_in_order() {
        let body =
            br#"{"total":2,"instances":[{"id":"a","zz_not_in_spec":{"b":1,"a":2}},{"id":"b"}]}"#;
        let items = raw_items(body, "instances").expect("the field is an array");
        let texts: Vec<&str> = items.iter().map(|item| item.get()).collect();
        assert_eq!(
            texts,
            [
                r#"{"id":"a","zz_not_in_spec":{"b":1,"a":2}}"#,
                r#"{"id":"b"}"#
            ]
        );
        assert_eq!(
            to_json(&items, true).unwrap(),
            r#"[{"id":"a","zz_not_in_spec":{"b":1,"a":2}},{"id":"b"}]"#
        );
    }

    #[test]
    fn raw_items_leave_other_shapes_to_the_decoder() {
        for body in [
            &br#"{"instances":{"id":"a"}}"#[..],
            br#"{"instances":null}"#,
            br#"{"other":[]}"#,
            br#"[1,2]"#,
            b"not json",
        ] {
            assert!(raw_items(body, "instances").is_none(), "{body:?}");
        }
    }

    #[test]
    fn reformatting_keeps_order_and_values() {
        let text = r#"{"z":[1,"t\"w{o,:",{"y":null,"x":1.50,"e":{},"l":[ ]}],"big":123456789012345678901234567890,"a":true}"#;
        let spaced = "{ \"z\" : [ 1 ,\n\t\"t\\\"w{o,:\" , { \"y\":null,\r\n\"x\" : 1.50 , \"e\" : { } , \"l\" : [ ] } ] , \"big\" : 123456789012345678901234567890 , \"a\" : true }";
        assert_eq!(
            reformat(spaced.as_bytes(), true).unwrap(),
            text.replace("[ ]", "[]")
        );
        let pretty = reformat(text.as_bytes(), false).unwrap();
        // The same layout as serde_json's pretty printer, numbers as they were sent.
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let expected = serde_json::to_string_pretty(&value)
            .unwrap()
            .replace("1.5,", "1.50,")
            .replace("1.2345678901234568e+29", "123456789012345678901234567890");
        let order = ["\"z\"", "\"big\"", "\"a\""];
        assert!(
            order
                .windows(2)
                .all(|w| pretty.find(w[0]) < pretty.find(w[1])),
            "{pretty}"
        );
        let sorted = |text: &str| {
            let mut lines: Vec<String> = text
                .lines()
                .map(|l| l.trim_end_matches(',').to_owned())
                .collect();
            lines.sort();
            lines
        };
        assert_eq!(sorted(&pretty), sorted(&expected), "{pretty}");
        assert!(reformat(b"{} trailing", true).is_err());
    }
}
