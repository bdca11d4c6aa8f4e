//! Waiting for asynchronous jobs: poll the service's job-information operation with
//! growing intervals until the job succeeds, fails or the longest wait has passed.
//!
//! A failed job is an error of kind [`ErrorKind::JobFailed`] carrying the job's last known
//! state and the vendor's failure details ([`Error::job`]), never a success: the vendors'
//! own waiters have reported failed jobs as done. A status the spec does not list keeps
//! the waiter polling, and is passed to the progress callback as it is.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tracing::Instrument;

use crate::clock::Clock;
use crate::error::{Error, ErrorKind};
use crate::retry::Sleep;

/// How a service reports on a job; generated from the spec's `x-job-poller`.
#[derive(Debug)]
pub struct JobPoller {
    /// The operationId of the job-information operation.
    pub operation: &'static str,
    /// JSON pointer of the job's status in its answer.
    pub status: &'static str,
    /// Statuses meaning success.
    pub succeeded: &'static [&'static str],
    /// Statuses meaning failure.
    pub failed: &'static [&'static str],
    /// JSON pointer of the job's progress, if the answer has one.
    pub progress: Option<&'static str>,
    /// JSON pointer of the failure reason, if the answer has one.
    pub failure_reason: Option<&'static str>,
}

/// The last known state of a job.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// The job id.
    pub id: String,
    /// Its status as the service names it (`Running`, `Completed`, `successful`, …).
    pub status: String,
    /// Its progress as the service reports it (`"60%"`), if it does.
    pub progress: Option<String>,
    /// Why it failed, if the service says.
    pub failure_reason: Option<String>,
    /// How many times the service was asked.
    pub polls: u32,
    /// How long the wait has taken so far.
    pub elapsed: Duration,
    /// The service's whole answer to the last poll.
    pub answer: Value,
}

impl fmt::Display for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "job {} is `{}`", self.id, self.status)?;
        if let Some(progress) = &self.progress {
            write!(f, " ({progress})")?;
        }
        write!(f, " after {} s", self.elapsed.as_secs())
    }
}

/// Called with the job's state after every poll.
pub type ProgressCallback = Arc<dyn Fn(&Job) + Send + Sync>;

/// How to wait for a job: poll intervals, the longest wait and a progress callback.
#[derive(Clone)]
pub struct WaitOptions {
    first_poll: Duration,
    interval: Duration,
    max_interval: Duration,
    max_wait: Duration,
    on_progress: Option<ProgressCallback>,
}

impl fmt::Debug for WaitOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitOptions")
            .field("first_poll", &self.first_poll)
            .field("interval", &self.interval)
            .field("max_interval", &self.max_interval)
            .field("max_wait", &self.max_wait)
            .field("on_progress", &self.on_progress.is_some())
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

    fn delay_after(&self, polls: u32) -> Duration {
        if polls == 0 {
            return self.first_poll;
        }
        let factor = 1.5_f64.powi(polls.saturating_sub(1).min(64) as i32);
        self.interval.mul_f64(factor).min(self.max_interval)
    }
}

/// Polls with `poll` (which asks the service about one job id) until the job ends.
pub(crate) async fn wait_for_job<F, Fut, T>(
    poller: &JobPoller,
    job_id: &str,
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
    let span = tracing::info_span!("wait_for_job", job_id, poller = poller.operation);
    async {
        let started = clock.now();
        let mut slept = Duration::ZERO;
        let mut polls = 0_u32;
        loop {
            let left = options
                .max_wait
                .saturating_sub(elapsed(clock, started, slept));
            let delay = options.delay_after(polls).min(left);
            sleep.sleep(delay).await;
            slept += delay;
            let answer = poll(job_id.to_owned()).await.map_err(|e| {
                e.context(format_args!("while waiting for job {job_id}"))
            })?;
            polls += 1;
            let answer = serde_json::to_value(&answer).map_err(|e| {
                Error::new(
                    ErrorKind::Decode,
                    format!("the answer of {} cannot be read: {e}", poller.operation),
                )
            })?;
            let job = read_job(poller, job_id, answer, polls, elapsed(clock, started, slept))?;
            tracing::debug!(status = %job.status, progress = ?job.progress, polls, "job state");
            if let Some(callback) = &options.on_progress {
                callback(&job);
            }
            if poller.succeeded.contains(&job.status.as_str()) {
                return Ok(job);
            }
            if poller.failed.contains(&job.status.as_str()) {
                let reason = job
                    .failure_reason
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default();
                let message = format!("job {job_id} ended with status `{}`{reason}", job.status);
                return Err(Error::new(ErrorKind::JobFailed, message).with_job(job));
            }
            if job.elapsed >= options.max_wait {
                let message = format!(
                    "job {job_id} is still `{}` after {} s, the longest wait; it goes on on the server",
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

/// The job's state from the poller's answer.
fn read_job(
    poller: &JobPoller,
    job_id: &str,
    answer: Value,
    polls: u32,
    elapsed: Duration,
) -> Result<Job, Error> {
    let text = |pointer: Option<&str>| {
        pointer
            .and_then(|p| answer.pointer(p))
            .and_then(|v| match v {
                Value::String(s) if !s.is_empty() => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Null | Value::String(_) => None,
                other => Some(other.to_string()),
            })
    };
    let Some(status) = text(Some(poller.status)) else {
        return Err(Error::new(
            ErrorKind::Decode,
            format!(
                "{}'s answer about job {job_id} has no status at `{}`: {}",
                poller.operation,
                poller.status,
                crate::error::excerpt(&answer.to_string())
            ),
        ));
    };
    Ok(Job {
        id: job_id.to_owned(),
        status,
        progress: text(poller.progress),
        failure_reason: text(poller.failure_reason),
        polls,
        elapsed,
        answer,
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
