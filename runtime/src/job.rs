//! The outcome of a wait: the last known state of a job, or of a resource whose state a
//! waiter follows. A failed or timed-out wait carries it in its error ([`crate::Error::job`]).

use std::fmt;
use std::time::Duration;

use serde_json::Value;

/// The last known state of the work waited for: a job, or a resource (a cluster, say)
/// whose state a waiter follows.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// The job id, or the id of the resource waited on.
    pub id: String,
    /// What is waited on (`job`, `cluster`, …), as the waiter names it.
    pub subject: &'static str,
    /// Its status as the service names it (`Running`, `Completed`, `successful`,
    /// `AVAILABLE`, …).
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
        write!(f, "{} {} is `{}`", self.subject, self.id, self.status)?;
        if let Some(progress) = &self.progress {
            write!(f, " ({progress})")?;
        }
        write!(f, " after {} s", self.elapsed.as_secs())
    }
}
