//! A call built from the flags, with the operation's type erased so that the main loop can
//! send it (once, through every page with `--all`, or waiting for its job with `--wait`),
//! or sign it without sending; and the runtime clients it runs on.

use std::future::Future;
use std::pin::Pin;

use clouddb_runtime::paginate::{Pages, Paginated};
use clouddb_runtime::wait::{Job, WaitOptions};
use clouddb_runtime::{huawei, qingcloud, CallOptions, Error, Operation, Response, SignedRequest};
use serde::Serialize;

use crate::exit::Failure;

/// A future that borrows the client and stays on the main loop's thread.
pub type LocalFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// Waits for a job with the service's job-information operation; generated once per
/// service that has one (it calls the generated client's `wait_for_job`).
pub type WaitFn<C> = for<'a> fn(&'a C, String, WaitOptions) -> LocalFuture<'a, Result<Job, Error>>;

/// A runtime client the command-line clients drive; implemented for both vendors'.
pub trait Backend: Clone + 'static {
    /// Validates, sends and decodes one operation (`execute_with`).
    fn execute<'a, O: Operation + 'a>(
        &'a self,
        input: O,
        options: &'a CallOptions,
    ) -> LocalFuture<'a, Result<Response<O::Output>, Error>>;

    /// Validates, prepares and signs one operation without sending it (`dry_run`).
    fn dry_run<'a, O: Operation + 'a>(
        &'a self,
        input: O,
    ) -> LocalFuture<'a, Result<SignedRequest, Error>>;

    /// Every page of the list that `input` starts.
    fn pages<O>(&self, input: O, options: CallOptions) -> Pages<O>
    where
        O: Paginated + Sync,
        O::Output: Send + 'static;
}

macro_rules! backend {
    ($client:ty) => {
        impl Backend for $client {
            fn execute<'a, O: Operation + 'a>(
                &'a self,
                input: O,
                options: &'a CallOptions,
            ) -> LocalFuture<'a, Result<Response<O::Output>, Error>> {
                Box::pin(self.execute_with(input, options))
            }

            fn dry_run<'a, O: Operation + 'a>(
                &'a self,
                input: O,
            ) -> LocalFuture<'a, Result<SignedRequest, Error>> {
                Box::pin(<$client>::dry_run(self, input))
            }

            fn pages<O>(&self, input: O, options: CallOptions) -> Pages<O>
            where
                O: Paginated + Sync,
                O::Output: Send + 'static,
            {
                let client = self.clone();
                Pages::new(Ok(input), move |input| {
                    let client = client.clone();
                    async move { client.execute_with(input, &options).await }
                })
            }
        }
    };
}

backend!(huawei::Client);
backend!(qingcloud::Client);

/// What to do with a call, from the shared flags.
pub(crate) struct Plan<C> {
    /// Sign it and return the request without sending.
    pub(crate) dry_run: bool,
    /// Attempts and timeouts of each request.
    pub(crate) options: CallOptions,
    /// One line of JSON instead of pretty JSON.
    pub(crate) compact: bool,
    /// Read every page (`--all`).
    pub(crate) all: bool,
    /// Wait for the job the call starts (`--wait`), with the service's waiter.
    pub(crate) wait: Option<(WaitOptions, WaitFn<C>)>,
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

/// An operation's input, built from the flags, ready to run on a client of type `C`.
pub struct Call<C>(Box<dyn Erased<C>>);

impl<C> std::fmt::Debug for Call<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Call")
    }
}

impl<C: Backend> Call<C> {
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

    pub(crate) fn waiting<O>(input: O, job_id: fn(&O::Output) -> Option<String>) -> Self
    where
        O: Operation + 'static,
        O::Output: Serialize,
    {
        Self(Box::new(Waiting { input, job_id }))
    }

    pub(crate) fn run(
        self,
        client: &C,
        plan: Plan<C>,
    ) -> LocalFuture<'_, Result<Outcome, Failure>> {
        self.0.run(client, plan)
    }
}

trait Erased<C> {
    fn run<'a>(
        self: Box<Self>,
        client: &'a C,
        plan: Plan<C>,
    ) -> LocalFuture<'a, Result<Outcome, Failure>>;
}

/// One request, one answer.
struct Single<O>(O);

impl<C, O> Erased<C> for Single<O>
where
    C: Backend,
    O: Operation + 'static,
    O::Output: Serialize,
{
    fn run<'a>(
        self: Box<Self>,
        client: &'a C,
        plan: Plan<C>,
    ) -> LocalFuture<'a, Result<Outcome, Failure>> {
        Box::pin(async move {
            if plan.dry_run {
                return Ok(Outcome::Request(client.dry_run(self.0).await?));
            }
            let response = client.execute(self.0, &plan.options).await?;
            Ok(Outcome::Json(to_json(response.body(), plan.compact)?))
        })
    }
}

/// A paged list: one page, or every item with `--all`.
struct Paged<O>(O);

impl<C, O> Erased<C> for Paged<O>
where
    C: Backend,
    O: Paginated + Sync,
    O::Output: Serialize + 'static,
    O::Item: Serialize,
{
    fn run<'a>(
        self: Box<Self>,
        client: &'a C,
        plan: Plan<C>,
    ) -> LocalFuture<'a, Result<Outcome, Failure>> {
        if !plan.all || plan.dry_run {
            return Box::new(Single(self.0)).run(client, plan);
        }
        Box::pin(async move {
            let (items, error) = client
                .pages(self.0, plan.options)
                .items()
                .collect_all()
                .await;
            let json = to_json(&items, plan.compact)?;
            Ok(match error {
                None => Outcome::Json(json),
                Some(error) => Outcome::Partial(json, error.into()),
            })
        })
    }
}

/// An operation that starts a job: its answer, or with `--wait` the job once it ended.
struct Waiting<O: Operation> {
    input: O,
    job_id: fn(&O::Output) -> Option<String>,
}

impl<C, O> Erased<C> for Waiting<O>
where
    C: Backend,
    O: Operation + 'static,
    O::Output: Serialize,
{
    fn run<'a>(
        self: Box<Self>,
        client: &'a C,
        mut plan: Plan<C>,
    ) -> LocalFuture<'a, Result<Outcome, Failure>> {
        let Some((options, wait)) = plan.wait.take().filter(|_| !plan.dry_run) else {
            return Box::new(Single(self.input)).run(client, plan);
        };
        Box::pin(async move {
            let response = client.execute(self.input, &plan.options).await?;
            let Some(job_id) = (self.job_id)(response.body()) else {
                return Err(Failure::other(format!(
                    "{}: the answer has no job id to wait for",
                    O::SPEC.id
                )));
            };
            let job = wait(client, job_id, options).await?;
            let report = JobReport {
                id: &job.id,
                status: &job.status,
                progress: job.progress.as_deref(),
                failure_reason: job.failure_reason.as_deref(),
                polls: job.polls,
                elapsed_seconds: job.elapsed.as_secs_f64(),
                answer: &job.answer,
                response: response.body(),
            };
            Ok(Outcome::Json(to_json(&report, plan.compact)?))
        })
    }
}

/// What `--wait` prints: the job's last state, the service's last answer about it, and
/// the answer of the call that started it.
#[derive(Serialize)]
struct JobReport<'a, T> {
    id: &'a str,
    status: &'a str,
    progress: Option<&'a str>,
    failure_reason: Option<&'a str>,
    polls: u32,
    elapsed_seconds: f64,
    answer: &'a serde_json::Value,
    response: &'a T,
}

/// A value as JSON text, its fields in spec order.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T, compact: bool) -> Result<String, Failure> {
    let text = if compact {
        serde_json::to_string(value)
    } else {
        serde_json::to_string_pretty(value)
    };
    text.map_err(|e| Failure::other(format!("cannot encode the answer as JSON: {e}")))
}
