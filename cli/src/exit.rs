//! Exit statuses, defined once: their numbers, what each means (for `--help` and the
//! README), which runtime error kind leads to which, and the failure type that carries it.

use std::fmt;

use clouddb_runtime::ErrorKind;

/// How a run ended: the process's exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Exit {
    /// The call succeeded (or `--dry-run` printed the request, or help was shown).
    Success,
    /// Anything else: an answer without the documented shape, a request that could not be
    /// signed or encoded, output that could not be written.
    Other,
    /// Usage error: an unknown or missing flag, a flag value that does not parse, a body
    /// that does not decode, a value that breaks a documented constraint. Nothing was sent.
    Usage,
    /// The service answered with an error (or a job waited for ended in failure).
    Api,
    /// The service could not be reached or did not answer in time.
    Transport,
    /// Configuration error: no credentials, no region or endpoint, no project id or zone.
    Config,
}

/// Every exit status with its meaning, in the order of their numbers.
const TABLE: [(Exit, &str); 6] = [
    (Exit::Success, "success"),
    (
        Exit::Other,
        "any other failure (for example an answer without the documented shape)",
    ),
    (
        Exit::Usage,
        "usage error: bad or missing flags, a body that does not decode, a broken constraint",
    ),
    (
        Exit::Api,
        "the service answered with an error (or a job waited for failed)",
    ),
    (Exit::Transport, "no connection, or no answer in time"),
    (
        Exit::Config,
        "configuration error: no credentials, region, endpoint, project id or zone",
    ),
];

impl Exit {
    /// The process exit status.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Other => 1,
            Exit::Usage => 2,
            Exit::Api => 3,
            Exit::Transport => 4,
            Exit::Config => 5,
        }
    }

    /// The exit status of a runtime error of this kind.
    pub fn of(kind: ErrorKind) -> Exit {
        match kind {
            ErrorKind::Config => Exit::Config,
            ErrorKind::Validation => Exit::Usage,
            ErrorKind::Api | ErrorKind::JobFailed => Exit::Api,
            ErrorKind::Transport | ErrorKind::Timeout => Exit::Transport,
            _ => Exit::Other,
        }
    }

    /// The `Exit status:` section of `--help`.
    pub fn help() -> String {
        let mut text = String::from("Exit status:\n");
        for (exit, meaning) in TABLE {
            text.push_str(&format!("  {}  {meaning}\n", exit.code()));
        }
        text
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.code())
    }
}

/// Why a run failed: a usage error found by the CLI, or an error of the runtime.
///
/// Its `Display` is the whole message for people: a runtime error with every cause under
/// it, each once ([`clouddb_runtime::Error::report`]).
pub struct Failure(Reason);

enum Reason {
    Usage(String),
    Runtime(clouddb_runtime::Error),
    Other(String),
}

impl Failure {
    /// A usage error (exit status 2) with its explanation.
    pub fn usage(message: impl Into<String>) -> Self {
        Self(Reason::Usage(message.into()))
    }

    /// A failure that fits no other status (exit status 1).
    pub(crate) fn other(message: impl Into<String>) -> Self {
        Self(Reason::Other(message.into()))
    }

    /// The exit status this failure ends the run with.
    pub fn exit(&self) -> Exit {
        match &self.0 {
            Reason::Usage(_) => Exit::Usage,
            Reason::Runtime(error) => Exit::of(error.kind()),
            Reason::Other(_) => Exit::Other,
        }
    }

    /// The runtime error, if the failure is one.
    pub fn runtime_error(&self) -> Option<&clouddb_runtime::Error> {
        match &self.0 {
            Reason::Runtime(error) => Some(error),
            _ => None,
        }
    }
}

impl From<clouddb_runtime::Error> for Failure {
    fn from(error: clouddb_runtime::Error) -> Self {
        Self(Reason::Runtime(error))
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Reason::Usage(message) | Reason::Other(message) => f.write_str(message),
            Reason::Runtime(error) => write!(f, "{}", error.report()),
        }
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Reason::Usage(message) => f.debug_tuple("Failure::Usage").field(message).finish(),
            Reason::Runtime(error) => f.debug_tuple("Failure::Runtime").field(error).finish(),
            Reason::Other(message) => f.debug_tuple("Failure::Other").field(message).finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_listed_in_order() {
        let codes: Vec<u8> = TABLE.iter().map(|(exit, _)| exit.code()).collect();
        assert_eq!(codes, [0, 1, 2, 3, 4, 5]);
        let help = Exit::help();
        assert!(
            help.contains("  3  the service answered with an error"),
            "{help}"
        );
    }

    #[test]
    fn runtime_kinds_map_to_statuses() {
        assert_eq!(Exit::of(ErrorKind::Config), Exit::Config);
        assert_eq!(Exit::of(ErrorKind::Validation), Exit::Usage);
        assert_eq!(Exit::of(ErrorKind::Api), Exit::Api);
        assert_eq!(Exit::of(ErrorKind::Timeout), Exit::Transport);
        assert_eq!(Exit::of(ErrorKind::Transport), Exit::Transport);
        assert_eq!(Exit::of(ErrorKind::Decode), Exit::Other);
        assert_eq!(Failure::usage("x").exit(), Exit::Usage);
    }

    #[test]
    fn a_runtime_failure_shows_the_error_and_its_cause_once() {
        let cause = clouddb_runtime::signing::SigningError::InvalidDate("2026-13-01".into());
        let cause_text = cause.to_string();
        let failure = Failure::from(clouddb_runtime::Error::from(cause));
        let text = failure.to_string();
        assert_eq!(text, format!("cannot sign the request: {cause_text}"));
        assert_eq!(text.matches(&cause_text).count(), 1, "{text}");
    }
}
