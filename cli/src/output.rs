//! What a run prints: the answer's JSON or the redacted request on standard output, and a
//! failure on standard error with the service's status, code, message and request id.

use std::io::Write;

use clouddb_runtime::{ErrorKind, SecretFields};

use crate::call::Outcome;
use crate::exit::{Exit, Failure};
use crate::format::Rendering;

/// Prints a call's outcome on standard output, as `--query` and `--output` ask.
pub(crate) fn print_outcome(
    outcome: &Outcome,
    secrets: &SecretFields<'_>,
    rendering: &Rendering,
) -> Exit {
    let rendered = match outcome {
        // An answer without a body prints nothing.
        Outcome::Json(json) if json == "null" => return Exit::Success,
        Outcome::Json(json) | Outcome::Partial(json, _) => rendering.render(json),
        Outcome::Request(request) => Ok(request.redacted(secrets).to_string()),
    };
    let text = match rendered {
        Ok(text) => text,
        Err(failure) => return print_failure(&failure),
    };
    // The items read before an error are printed; the error ends the run.
    let failure = match outcome {
        Outcome::Partial(_, failure) => Some(failure),
        _ => None,
    };
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    if let Some(failure) = failure {
        return print_failure(failure);
    }
    match written {
        Ok(()) => Exit::Success,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Success,
        Err(e) => {
            eprintln!("error: cannot write the output: {e}");
            Exit::Other
        }
    }
}

/// Prints a failure on standard error and returns its exit status.
pub(crate) fn print_failure(failure: &Failure) -> Exit {
    eprint!("{}", describe(failure));
    failure.exit()
}

/// The text of a failure: a first line, then what the service said, one fact per line.
pub(crate) fn describe(failure: &Failure) -> String {
    let mut text = format!("error: {failure}\n");
    let Some(error) = failure.runtime_error() else {
        if failure.exit() == Exit::Usage {
            text.push_str("\nFor more information, try '--help'.\n");
        }
        return text;
    };
    let mut fact = |name: &str, value: &dyn std::fmt::Display| {
        text.push_str(&format!("  {name:<11} {value}\n"));
    };
    if let Some(api) = error.api_error() {
        fact("status:", &api.status());
        if let Some(code) = api.code() {
            fact("code:", &code);
        }
        if let Some(message) = api.message() {
            fact("message:", &message);
        }
        if let Some(documented) = api.documented() {
            fact("documented:", &documented.message);
        }
        if let Some(id) = api.request_id() {
            fact("request id:", &id);
        }
        if !api.is_structured() && !api.raw_body().is_empty() {
            fact("body:", &excerpt(api.raw_body()));
        }
    }
    if let Some(job) = error.job() {
        fact("job:", &job.id);
        fact("job status:", &job.status);
        if let Some(reason) = &job.failure_reason {
            fact("failure:", reason);
        }
    }
    for issue in error.validation_issues() {
        fact("invalid:", issue);
    }
    if error.attempts() > 1 {
        fact("attempts:", &error.attempts());
    }
    if error.kind() == ErrorKind::Validation {
        text.push_str("\nNothing was sent. For more information, try '--help'.\n");
    }
    text
}

fn excerpt(body: &str) -> String {
    const MAX: usize = 500;
    let one_line = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_names_its_cause_once_on_its_first_line() {
        let cause = clouddb_runtime::signing::SigningError::InvalidDate("2026-13-01".into());
        let cause_text = cause.to_string();
        let text = describe(&Failure::from(clouddb_runtime::Error::from(cause)));
        let first = text.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            format!("error: cannot sign the request: {cause_text}")
        );
        assert_eq!(text.matches(&cause_text).count(), 1, "{text}");
    }
}
