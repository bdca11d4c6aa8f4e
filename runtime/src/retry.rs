//! Retries: deciding whether an attempt's outcome may be retried ([`RetryClassifier`]) is
//! separate from how long to wait and how often to try ([`RetryPolicy`]); sleeping is
//! injectable ([`Sleep`]) so that tests are exact and fast.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// What one attempt came to, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome<'a> {
    /// The connection could not be made: the request provably did not leave the client.
    ConnectFailed,
    /// The request may have reached the server, but no complete answer came back (the
    /// connection was reset, the attempt timed out, or the body was cut short).
    NoAnswer {
        /// Whether the attempt ran out of time.
        timed_out: bool,
    },
    /// The server answered with an error.
    Answered {
        /// HTTP status.
        status: u16,
        /// The vendor's error code (`APIG.0308`; QingCloud's `ret_code` as text).
        error_code: Option<&'a str>,
    },
}

/// Whether to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Try again (the policy decides when, and whether attempts and time remain).
    Retry,
    /// Give up: the outcome is final.
    Stop,
}

/// Decides which outcomes may be retried.
pub trait RetryClassifier: Send + Sync + fmt::Debug {
    /// The decision for one outcome of an operation that is (or is not) idempotent.
    fn classify(&self, outcome: &AttemptOutcome<'_>, idempotent: bool) -> RetryDecision;
}

/// Error codes by which Huawei's API gateway says "throttled" (the request was refused before
/// any service saw it).
const HUAWEI_THROTTLING: [&str; 2] = ["APIG.0308", "APIGW.0308"];
/// QingCloud's "server busy": the request was refused before being processed.
const QINGCLOUD_BUSY: &str = "5100";
/// QingCloud's "internal error": the request may have been processed.
const QINGCLOUD_INTERNAL: &str = "5000";

/// The classifier of the generated clients.
///
/// - A connection that could not be made is retried for every operation: nothing was sent.
/// - Throttling (HTTP 429, the gateway's throttling codes, QingCloud's busy `ret_code`
///   5100) is retried for every operation: the request was refused before it was processed.
/// - 502, 503, 504, QingCloud's internal `ret_code` 5000, a reset connection, a timeout and
///   a truncated answer are retried only for idempotent operations: the request may have
///   been processed, and sending a create twice could create twice.
/// - Everything else is final.
#[derive(Debug, Clone, Copy, Default)]
pub struct StandardClassifier;

impl RetryClassifier for StandardClassifier {
    fn classify(&self, outcome: &AttemptOutcome<'_>, idempotent: bool) -> RetryDecision {
        let retry = match *outcome {
            AttemptOutcome::ConnectFailed => true,
            AttemptOutcome::NoAnswer { .. } => idempotent,
            AttemptOutcome::Answered { status, error_code } => {
                let throttled = status == 429
                    || error_code
                        .is_some_and(|c| HUAWEI_THROTTLING.contains(&c) || c == QINGCLOUD_BUSY);
                let transient =
                    matches!(status, 502..=504) || error_code == Some(QINGCLOUD_INTERNAL);
                throttled || (transient && idempotent)
            }
        };
        if retry {
            RetryDecision::Retry
        } else {
            RetryDecision::Stop
        }
    }
}

/// How often to try and how long to wait in between.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: u32,
    /// The wait before the first retry; it doubles at each retry.
    pub initial_backoff: Duration,
    /// The longest wait between two attempts (a `Retry-After` longer than this is honoured
    /// up to the call's time budget).
    pub max_backoff: Duration,
    /// Whether to randomize waits ("equal jitter": between half and all of the backoff).
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(20),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// No retries: one attempt.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The wait before retry number `retry` (1 for the first retry), given `random` in
    /// `[0, 1)` for the jitter and the server's `Retry-After`, if any.
    pub fn delay(&self, retry: u32, random: f64, retry_after: Option<Duration>) -> Duration {
        let exponent = retry.saturating_sub(1).min(30);
        let backoff = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        let backoff = if self.jitter {
            backoff.mul_f64(0.5 + 0.5 * random.clamp(0.0, 1.0))
        } else {
            backoff
        };
        retry_after.map_or(backoff, |after| after.max(backoff))
    }
}

/// Sleeping between attempts.
pub trait Sleep: Send + Sync + fmt::Debug {
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// Sleeping with tokio's timer.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleep;

impl Sleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Reads a `Retry-After` header: delay-seconds (the vendors' form); an HTTP date is read
/// relative to `now`.
pub(crate) fn parse_retry_after(value: &str, now: time::OffsetDateTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let format = time::format_description::well_known::Rfc2822;
    let at = time::OffsetDateTime::parse(value, &format).ok()?;
    let wait = at - now;
    Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(outcome: AttemptOutcome<'_>, idempotent: bool) -> RetryDecision {
        StandardClassifier.classify(&outcome, idempotent)
    }

    #[test]
    fn classification_table() {
        use AttemptOutcome::*;
        use RetryDecision::*;
        let answered = |status, code| Answered {
            status,
            error_code: code,
        };
        let cases = [
            (ConnectFailed, false, Retry),
            (ConnectFailed, true, Retry),
            (NoAnswer { timed_out: true }, false, Stop),
            (NoAnswer { timed_out: true }, true, Retry),
            (NoAnswer { timed_out: false }, false, Stop),
            (answered(429, None), false, Retry),
            (answered(400, Some("APIG.0308")), false, Retry),
            (answered(200, Some("5100")), false, Retry),
            (answered(200, Some("5000")), false, Stop),
            (answered(200, Some("5000")), true, Retry),
            (answered(503, None), false, Stop),
            (answered(503, None), true, Retry),
            (answered(502, None), true, Retry),
            (answered(504, None), true, Retry),
            (answered(500, None), true, Stop),
            (answered(400, Some("DBS.280234")), true, Stop),
            (answered(401, Some("APIG.0301")), true, Stop),
            (answered(200, Some("1400")), true, Stop),
        ];
        for (outcome, idempotent, expected) in cases {
            assert_eq!(
                classify(outcome, idempotent),
                expected,
                "{outcome:?} idempotent={idempotent}"
            );
        }
    }

    #[test]
    fn backoff_doubles_caps_and_honours_retry_after() {
        let policy = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(500),
            jitter: false,
        };
        let delays: Vec<u128> = (1..=5)
            .map(|n| policy.delay(n, 0.0, None).as_millis())
            .collect();
        assert_eq!(delays, [100, 200, 400, 500, 500]);
        assert_eq!(
            policy.delay(1, 0.0, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert_eq!(
            policy.delay(3, 0.0, Some(Duration::from_millis(10))),
            Duration::from_millis(400)
        );
        let jittered = RetryPolicy {
            jitter: true,
            ..policy
        };
        assert_eq!(jittered.delay(2, 0.0, None), Duration::from_millis(100));
        assert_eq!(jittered.delay(2, 0.999_999, None).as_millis(), 199);
    }

    #[test]
    fn retry_after_forms() {
        let now = time::macros::datetime!(2024-01-02 03:04:05 UTC);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Tue, 02 Jan 2024 03:04:15 +0000", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Tue, 02 Jan 2024 03:00:00 +0000", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
