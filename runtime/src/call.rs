//! Running one call: attempts signed afresh, retried as the classifier and policy allow,
//! within per-attempt and whole-call time limits, each traced in its own span.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tracing::{field, Instrument};

use crate::clock::Clock;
use crate::error::{Error, ErrorKind};
use crate::operation::RawResponse;
use crate::retry::{RetryClassifier, RetryDecision, RetryPolicy, Sleep, StandardClassifier};

/// A client's defaults for its calls.
#[derive(Debug, Clone)]
pub(crate) struct CallConfig {
    pub(crate) policy: RetryPolicy,
    pub(crate) classifier: Arc<dyn RetryClassifier>,
    pub(crate) attempt_timeout: Duration,
    pub(crate) call_timeout: Option<Duration>,
}

impl Default for CallConfig {
    fn default() -> Self {
        Self {
            policy: RetryPolicy::default(),
            classifier: Arc::new(StandardClassifier),
            // The vendors' SDKs wait up to 120 s for an answer.
            attempt_timeout: Duration::from_secs(120),
            call_timeout: None,
        }
    }
}

/// Settings of one call that override the client's (`send_with` on a request builder,
/// `execute_with` on a client).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CallOptions {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: Option<u32>,
    /// How long one attempt may take.
    pub attempt_timeout: Option<Duration>,
    /// How long the whole call may take, retries and waits included.
    pub call_timeout: Option<Duration>,
}

impl CallOptions {
    /// Options that change nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the number of attempts (1 disables retries).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts.max(1));
        self
    }

    /// Sets how long one attempt may take.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Sets how long the whole call may take.
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = Some(timeout);
        self
    }
}

/// What the retry loop needs from the client.
pub(crate) struct Runner<'a> {
    pub(crate) config: &'a CallConfig,
    pub(crate) options: &'a CallOptions,
    pub(crate) clock: &'a dyn Clock,
    pub(crate) sleep: &'a dyn Sleep,
    pub(crate) idempotent: bool,
}

impl Runner<'_> {
    /// Runs attempts (`attempt(number, timeout)`, which signs and sends afresh) until one
    /// succeeds, the outcome is final, or attempts or time run out. The error of the last
    /// attempt is returned with the number of attempts made.
    pub(crate) async fn run<T, F, Fut>(&self, mut attempt: F) -> Result<T, Error>
    where
        T: Answered,
        F: FnMut(u32, Duration) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let max_attempts = self
            .options
            .max_attempts
            .unwrap_or(self.config.policy.max_attempts)
            .max(1);
        let attempt_timeout = self
            .options
            .attempt_timeout
            .unwrap_or(self.config.attempt_timeout);
        let call_timeout = self.options.call_timeout.or(self.config.call_timeout);
        // The clock is read only for what needs it: a call's time budget, and the
        // attempt's duration when its span is recorded by a subscriber.
        let started = call_timeout.map(|_| self.clock.now());
        let mut number = 0;
        loop {
            number += 1;
            let left = call_timeout
                .zip(started)
                .map(|(budget, started)| remaining(budget, started, self.clock.now()));
            let timeout = left.map_or(attempt_timeout, |r| r.min(attempt_timeout));
            if timeout.is_zero() {
                let message = "the call's time budget ran out before another attempt";
                return Err(
                    Error::transport(ErrorKind::Timeout, message, false).with_attempts(number - 1)
                );
            }
            let span = tracing::info_span!(
                "attempt",
                attempt = number,
                status = field::Empty,
                error_code = field::Empty,
                request_id = field::Empty,
                duration_ms = field::Empty,
            );
            let begun = (!span.is_disabled()).then(|| self.clock.now());
            let result = attempt(number, timeout).instrument(span.clone()).await;
            if let Some(begun) = begun {
                record(&span, &result, duration_ms(begun, self.clock.now()));
            }
            let error = match result {
                Ok(raw) => return Ok(raw),
                Err(error) => error,
            };
            let retry = error.outcome().is_some_and(|outcome| {
                self.config.classifier.classify(&outcome, self.idempotent) == RetryDecision::Retry
            });
            if !retry || number >= max_attempts {
                return Err(error.with_attempts(number));
            }
            let retry_after = error.api_error().and_then(|api| api.retry_after());
            let delay = self
                .config
                .policy
                .delay(number, fastrand::f64(), retry_after);
            if let Some((budget, started)) = call_timeout.zip(started) {
                if delay >= remaining(budget, started, self.clock.now()) {
                    return Err(error.with_attempts(number));
                }
            }
            tracing::debug!(
                attempt = number,
                delay_ms = delay.as_millis() as u64,
                "retrying"
            );
            self.sleep.sleep(delay).await;
        }
    }
}

fn remaining(
    budget: Duration,
    started: time::OffsetDateTime,
    now: time::OffsetDateTime,
) -> Duration {
    let spent = Duration::try_from(now - started).unwrap_or(Duration::ZERO);
    budget.saturating_sub(spent)
}

fn duration_ms(from: time::OffsetDateTime, to: time::OffsetDateTime) -> u64 {
    Duration::try_from(to - from).map_or(0, |d| d.as_millis() as u64)
}

/// What the retry loop records of a successful attempt's answer.
pub(crate) trait Answered {
    /// The HTTP status.
    fn status(&self) -> u16;
    /// The answer's headers.
    fn headers(&self) -> &http::HeaderMap;
}

impl Answered for RawResponse {
    fn status(&self) -> u16 {
        self.status
    }

    fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }
}

fn record<T: Answered>(span: &tracing::Span, result: &Result<T, Error>, duration_ms: u64) {
    span.record("duration_ms", duration_ms);
    match result {
        Ok(answer) => {
            span.record("status", answer.status());
            if let Some(id) = answer
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
            {
                span.record("request_id", id);
            }
        }
        Err(error) => {
            if let Some(api) = error.api_error() {
                span.record("status", api.status());
                if let Some(code) = api.code() {
                    span.record("error_code", code);
                }
                if let Some(id) = api.request_id() {
                    span.record("request_id", id);
                }
            }
        }
    }
}
