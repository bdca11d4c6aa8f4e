//! Waiting for asynchronous work: poll an operation that reports the work's state with
//! growing intervals until the work succeeds, fails or the longest wait has passed. The
//! work is a job (polled by its id through the service's job-information operation, the
//! spec's `x-job-poller`) or a resource whose state tells (a cluster being created or
//! restarted, polled through the operation that shows it, the spec's `x-waiters`).
//!
//! A [`Waiter`] reads the state from each answer with JSON pointers, and its acceptors,
//! in order, say what the answer means: success, failure, or still pending (the default
//! for a state no acceptor matches, so an undocumented state keeps the waiter polling and
//! is passed to the progress callback as it is). A failed wait is an error of kind
//! [`ErrorKind::JobFailed`] carrying the last known state and the vendor's failure details
//! ([`Error::job`]), never a success: the vendors' own waiters have reported failed jobs
//! as done.
//!
//! Right after the work is started (`send_and_wait`), a resource may still show its old
//! state: a cluster that was just asked to restart answers `available` for a moment. A
//! waiter with a start grace period accepts success only once it has seen the work in
//! progress, or once the grace period has passed; a resource that is not found yet during
//! that period keeps it waiting too.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tracing::Instrument;

use crate::clock::Clock;
use crate::error::{Error, ErrorKind};
use crate::job::Job;
use crate::retry::Sleep;

/// What a state means for the wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The work is over and it succeeded.
    Success,
    /// The work is over and it failed.
    Failure,
    /// The work goes on.
    Pending,
}

/// How an acceptor tests the value at its pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matcher {
    /// The value, as text (a number as its digits), is one of these.
    Equals(&'static [&'static str]),
    /// The value is present and not empty (a non-empty list, object or string).
    NotEmpty,
}

/// One rule of a waiter: when the value at `pointer` matches, the answer means `verdict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acceptor {
    /// JSON pointer into the polled operation's answer.
    pub pointer: &'static str,
    /// The test.
    pub matcher: Matcher,
    /// What a match means.
    pub verdict: Verdict,
}

/// How to wait for some work; generated from the spec's `x-job-poller` or `x-waiters`.
#[derive(Debug)]
pub struct Waiter {
    /// What is waited on, in errors and progress (`job`, `cluster`).
    pub subject: &'static str,
    /// The operationId of the operation polled.
    pub operation: &'static str,
    /// JSON pointer of the state reported (the job's or the resource's status).
    pub state: &'static str,
    /// JSON pointer of the progress, if the answer has one.
    pub progress: Option<&'static str>,
    /// JSON pointer of the failure reason, if the answer has one.
    pub failure_reason: Option<&'static str>,
    /// The rules, tried in order; the first that matches decides.
    pub acceptors: &'static [Acceptor],
    /// What it means when the polled resource is not found (HTTP 404): `None` makes it an
    /// error like any other.
    pub not_found: Option<Verdict>,
    /// After the work is started, how long success needs the work to have been seen in
    /// progress first (zero: success is accepted at once).
    pub start_grace: Duration,
}

impl Waiter {
    /// A job poller: the job's status at `status` succeeded or failed.
    pub const fn job(
        operation: &'static str,
        status: &'static str,
        acceptors: &'static [Acceptor],
        progress: Option<&'static str>,
        failure_reason: Option<&'static str>,
    ) -> Self {
        Self {
            subject: "job",
            operation,
            state: status,
            progress,
            failure_reason,
            acceptors,
            not_found: None,
            start_grace: Duration::ZERO,
        }
    }

    /// What an answer means.
    fn verdict(&self, answer: &Value) -> Verdict {
        self.acceptors
            .iter()
            .find(|a| matches(answer.pointer(a.pointer), a.matcher))
            .map_or(Verdict::Pending, |a| a.verdict)
    }
}

fn matches(value: Option<&Value>, matcher: Matcher) -> bool {
    match matcher {
        Matcher::Equals(values) => value
            .and_then(text)
            .is_some_and(|text| values.contains(&text.as_str())),
        Matcher::NotEmpty => match value {
            None | Some(Value::Null) => false,
            Some(Value::Array(items)) => !items.is_empty(),
            Some(Value::Object(map)) => !map.is_empty(),
            Some(Value::String(s)) => !s.is_empty(),
            Some(_) => true,
        },
    }
}

/// A value as text: strings as they are, numbers as their digits, other values as JSON;
/// `None` for null and the empty string.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null | Value::String(_) => None,
        other => Some(other.to_string()),
    }
}

/// Called with the work's state after every poll.
pub type ProgressCallback = Arc<dyn Fn(&Job) + Send + Sync>;

/// How to wait: poll intervals, the longest wait, a progress callback, and whether the
/// work was just started (which makes a waiter's start grace period apply).
#[derive(Clone)]
pub struct WaitOptions {
    first_poll: Duration,
    interval: Duration,
    max_interval: Duration,
    max_wait: Duration,
    on_progress: Option<ProgressCallback>,
    just_started: bool,
}

impl fmt::Debug for WaitOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitOptions")
            .field("first_poll", &self.first_poll)
            .field("interval", &self.interval)
            .field("max_interval", &self.max_interval)
            .field("max_wait", &self.max_wait)
            .field("on_progress", &self.on_progress.is_some())
            .field("just_started", &self.just_started)
            .finish()
    }
}

impl Default for WaitOptions {
    /// The first poll after 1 s, then every 2 s growing by half up to every 30 s, for up to
    /// an hour (creating an instance takes many minutes).
    fn default() -> Self {
        Self {
            first_poll: Duration::from_secs(1),
            interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(30),
            max_wait: Duration::from_secs(3600),
            on_progress: None,
            just_started: false,
        }
    }
}

impl WaitOptions {
    /// The defaults (see [`Default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// How long to wait before the first poll.
    pub fn first_poll(mut self, delay: Duration) -> Self {
        self.first_poll = delay;
        self
    }

    /// The interval after the first poll; each next one is half as long again, up to
    /// `max_interval`.
    pub fn interval(mut self, interval: Duration, max_interval: Duration) -> Self {
        self.interval = interval;
        self.max_interval = max_interval.max(interval);
        self
    }

    /// The longest wait; after it the wait fails with [`ErrorKind::Timeout`] (the job goes
    /// on on the server).
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// Calls `callback` with the job's state after every poll.
    pub fn on_progress(mut self, callback: impl Fn(&Job) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(Arc::new(callback));
        self
    }

    /// Says that the work was started just before the wait (as `send_and_wait` does), so
    /// that a state from before the start is not taken for its end (see the module docs).
    pub fn just_started(mut self, just_started: bool) -> Self {
        self.just_started = just_started;
        self
    }

    fn delay_after(&self, polls: u32) -> Duration {
        if polls == 0 {
            return self.first_poll;
        }
        let factor = 1.5_f64.powi(polls.saturating_sub(1).min(64) as i32);
        self.interval.mul_f64(factor).min(self.max_interval)
    }
}

/// Polls with `poll` (which asks the service about the job or resource `id`) until the
/// waiter says the work is over, or the longest wait has passed.
pub(crate) async fn wait<F, Fut, T>(
    waiter: &Waiter,
    id: &str,
    options: &WaitOptions,
    clock: &dyn Clock,
    sleep: &dyn Sleep,
    mut poll: F,
) -> Result<Job, Error>
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
    T: Serialize,
{
    let subject = waiter.subject;
    let span = tracing::info_span!("wait", subject, id, poller = waiter.operation);
    async {
        let started = clock.now();
        let mut slept = Duration::ZERO;
        let mut polls = 0_u32;
        // Whether the work has been seen in progress (or needs not be: no grace period).
        let mut seen_working = !options.just_started || waiter.start_grace.is_zero();
        loop {
            let left = options
                .max_wait
                .saturating_sub(elapsed(clock, started, slept));
            let delay = options.delay_after(polls).min(left);
            sleep.sleep(delay).await;
            slept += delay;
            let answered = poll(id.to_owned()).await;
            polls += 1;
            let elapsed = elapsed(clock, started, slept);
            let in_grace = !seen_working && elapsed < waiter.start_grace;
            // What the poll says, and whether a success may end the wait now: a state
            // read within the grace period before the work was seen in progress may be
            // the state from before the start; a deleted resource is gone for certain.
            let (job, verdict, certain) = match answered {
                Ok(answer) => {
                    let answer = serde_json::to_value(&answer).map_err(|e| {
                        Error::new(
                            ErrorKind::Decode,
                            format!("the answer of {} cannot be read: {e}", waiter.operation),
                        )
                    })?;
                    let job = read_state(waiter, id, answer, polls, elapsed)?;
                    let verdict = waiter.verdict(&job.answer);
                    seen_working |= verdict == Verdict::Pending;
                    (job, verdict, !in_grace)
                }
                Err(error) if is_not_found(&error) && (waiter.not_found.is_some() || in_grace) => {
                    let verdict = match waiter.not_found {
                        Some(Verdict::Success) => Verdict::Success,
                        // Not visible yet, right after it was asked for.
                        _ if in_grace => Verdict::Pending,
                        other => other.unwrap_or(Verdict::Pending),
                    };
                    (not_found_state(subject, id, polls, elapsed), verdict, true)
                }
                Err(error) => {
                    return Err(error.context(format_args!("while waiting for {subject} {id}")))
                }
            };
            tracing::debug!(status = %job.status, progress = ?job.progress, polls, ?verdict, "state");
            if let Some(callback) = &options.on_progress {
                callback(&job);
            }
            match verdict {
                Verdict::Success if certain => return Ok(job),
                Verdict::Failure => {
                    let reason = job
                        .failure_reason
                        .as_deref()
                        .map(|r| format!(": {r}"))
                        .unwrap_or_default();
                    let message =
                        format!("{subject} {id} ended with status `{}`{reason}", job.status);
                    return Err(Error::new(ErrorKind::JobFailed, message).with_job(job));
                }
                Verdict::Success | Verdict::Pending => {}
            }
            if job.elapsed >= options.max_wait {
                let message = format!(
                    "{subject} {id} is still `{}` after {} s, the longest wait; it goes on on the server",
                    job.status,
                    job.elapsed.as_secs()
                );
                return Err(Error::new(ErrorKind::Timeout, message).with_job(job));
            }
        }
    }
    .instrument(span)
    .await
}

fn elapsed(clock: &dyn Clock, started: time::OffsetDateTime, slept: Duration) -> Duration {
    let measured = Duration::try_from(clock.now() - started).unwrap_or(Duration::ZERO);
    measured.max(slept)
}

/// Whether a poll failed because the service does not know the resource (HTTP 404).
fn is_not_found(error: &Error) -> bool {
    error.api_error().is_some_and(|api| api.status() == 404)
}

/// The state of a resource the service does not know.
fn not_found_state(subject: &'static str, id: &str, polls: u32, elapsed: Duration) -> Job {
    Job {
        id: id.to_owned(),
        subject,
        status: "not found".to_owned(),
        progress: None,
        failure_reason: Some(format!("the service does not know {subject} {id}")),
        polls,
        elapsed,
        answer: Value::Null,
    }
}

/// The state from a poll's answer.
fn read_state(
    waiter: &Waiter,
    id: &str,
    answer: Value,
    polls: u32,
    elapsed: Duration,
) -> Result<Job, Error> {
    let read = |pointer: Option<&str>| pointer.and_then(|p| answer.pointer(p)).and_then(text);
    let Some(status) = read(Some(waiter.state)) else {
        return Err(Error::new(
            ErrorKind::Decode,
            format!(
                "{}'s answer about {} {id} has no status at `{}`: {}",
                waiter.operation,
                waiter.subject,
                waiter.state,
                crate::error::excerpt(&answer.to_string())
            ),
        ));
    };
    Ok(Job {
        id: id.to_owned(),
        subject: waiter.subject,
        status,
        progress: read(waiter.progress),
        failure_reason: read(waiter.failure_reason),
        polls,
        elapsed,
        answer,
    })
}

/// The id of the resource a waiter follows, read from an answer at `pointer` (an
/// operation that creates the resource answers with its id). Used by generated code.
#[doc(hidden)]
pub fn id_from_answer<T: Serialize>(
    operation: &'static str,
    answer: &T,
    pointer: &str,
) -> Result<String, Error> {
    let value = serde_json::to_value(answer).unwrap_or(Value::Null);
    value.pointer(pointer).and_then(text).ok_or_else(|| {
        Error::new(
            ErrorKind::Decode,
            format!("the answer has no id at `{pointer}`, so there is nothing to wait for"),
        )
        .for_operation(operation)
    })
}

/// The error of a job-starting answer without its job id. Used by generated code.
#[doc(hidden)]
pub fn missing_job_id(operation: &'static str, field: &str) -> Error {
    Error::new(
        ErrorKind::Decode,
        format!("the answer has no `{field}`, so there is no job to wait for"),
    )
    .for_operation(operation)
}
