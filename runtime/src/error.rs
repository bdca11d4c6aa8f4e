//! The one error type of every generated client: an opaque struct around a kind, with the
//! vendor's error details for API errors and every problem for validation errors.
//!
//! `Display` says what went wrong at this level only (the operation, what failed, the
//! vendor's status, code, message and request id, the attempts); the lower-level cause
//! (the connection error, serde's reason, the signing problem) is `source()`, as the API
//! guidelines ask, so that a printer of the whole chain shows each part once.
//! [`Error::report`] is that printer.

use std::fmt;

/// What went wrong, broadly. Match on it to decide what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The client is misconfigured (no credentials, no project id, a bad endpoint).
    Config,
    /// The request broke a documented constraint or missed a required parameter; nothing
    /// was sent.
    Validation,
    /// The request could not be signed.
    Signing,
    /// The request could not be encoded (a value that cannot be serialized).
    Encode,
    /// The connection failed, or the answer could not be read.
    Transport,
    /// No answer arrived in time.
    Timeout,
    /// The service answered with an error.
    Api,
    /// The service answered success, but the body does not have the documented shape.
    Decode,
    /// An asynchronous job the client waited for ended in failure ([`Error::job`] has its
    /// last state and the vendor's failure details).
    JobFailed,
    /// The answer was larger than the client's limit (`max_response_bytes`); the message
    /// names the limit.
    ResponseTooLarge,
}

/// One broken constraint of a request, found before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationIssue {
    /// Where: the parameter or body field path (`body.parallel_jobs`, `job_ids[2]`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ValidationIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// An error code the vendor documents, with its HTTP status and English message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorCode {
    /// The code (`DBS.280234`).
    pub code: &'static str,
    /// The HTTP status the vendor documents for it.
    pub status: u16,
    /// The vendor's English message.
    pub message: &'static str,
}

impl ErrorCode {
    /// Looks a code up in a table sorted by code (as generated crates emit it).
    pub fn find(table: &'static [ErrorCode], code: &str) -> Option<&'static ErrorCode> {
        table
            .binary_search_by(|entry| entry.code.cmp(code))
            .ok()
            .map(|i| &table[i])
    }
}

/// An error answer of the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: u16,
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    body: String,
    structured: bool,
    documented: Option<&'static ErrorCode>,
    retry_after: Option<std::time::Duration>,
}

impl ApiError {
    /// Builds an API error; `structured` says whether the body had the vendor's error shape.
    pub(crate) fn new(
        status: u16,
        code: Option<String>,
        message: Option<String>,
        request_id: Option<String>,
        body: String,
        structured: bool,
    ) -> Self {
        Self {
            status,
            code,
            message,
            request_id,
            body,
            structured,
            documented: None,
            retry_after: None,
        }
    }

    /// Records the server's `Retry-After`.
    pub(crate) fn with_retry_after(mut self, retry_after: Option<std::time::Duration>) -> Self {
        self.retry_after = retry_after;
        self
    }

    /// How long the server asked to wait before retrying (`Retry-After`), if it did.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.retry_after
    }

    /// Attaches the vendor's documentation of the error code, if the table has it.
    pub(crate) fn with_documentation(mut self, table: &'static [ErrorCode]) -> Self {
        self.documented = self
            .code
            .as_deref()
            .and_then(|code| ErrorCode::find(table, code));
        self
    }

    /// The vendor's documentation of this error code (documented status and English
    /// message), if the code is in the service's error-code table.
    pub fn documented(&self) -> Option<&'static ErrorCode> {
        self.documented
    }

    /// Whether the error code is in the service's documented error-code table.
    pub fn is_documented(&self) -> bool {
        self.documented.is_some()
    }

    /// The HTTP status of the answer (QingCloud reports most errors with 200).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The vendor's error code (`DBS.280234`; QingCloud's `ret_code` as text).
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The vendor's error message.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The request id to quote to support (`X-Request-Id`; QingCloud: the `req_id` sent).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The body exactly as received (lossily decoded as UTF-8).
    pub fn raw_body(&self) -> &str {
        &self.body
    }

    /// Whether the body had the vendor's error shape. When it did not (a gateway's HTML
    /// page, an empty body), [`ApiError::raw_body`] is all there is.
    pub fn is_structured(&self) -> bool {
        self.structured
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        match (&self.code, &self.message) {
            (Some(code), Some(message)) => write!(f, ", error {code}: {message}")?,
            (Some(code), None) => write!(f, ", error {code}")?,
            (None, Some(message)) => write!(f, ": {message}")?,
            (None, None) if self.body.is_empty() => write!(f, " with an empty body")?,
            (None, None) => write!(f, ", body: {}", excerpt(&self.body))?,
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// The error of every operation of every generated client.
///
/// Its `Display` is this level alone; the cause, when there is one, is
/// [`source`](std::error::Error::source). Show people [`Error::report`], which adds the
/// causes: `ListWidgets: the request could not connect: error sending request: client error
/// (Connect): tcp connect error: Connection refused (os error 111)`.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    operation: Option<&'static str>,
    message: String,
    api: Option<ApiError>,
    issues: Vec<ValidationIssue>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    sent: Option<bool>,
    attempts: u32,
    job: Option<Box<crate::job::Job>>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                operation: None,
                message: message.into(),
                api: None,
                issues: Vec::new(),
                source: None,
                sent: None,
                attempts: 0,
                job: None,
            }),
        }
    }

    /// A transport failure; `sent` says whether the request may have left the client.
    pub(crate) fn transport(kind: ErrorKind, message: impl Into<String>, sent: bool) -> Self {
        let mut e = Self::new(kind, message);
        e.inner.sent = Some(sent);
        e
    }

    /// Records how many attempts the call made.
    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        self
    }

    /// What the attempt that failed with this error came to, for the retry classifier.
    pub(crate) fn outcome(&self) -> Option<crate::retry::AttemptOutcome<'_>> {
        use crate::retry::AttemptOutcome;
        match (self.inner.kind, self.inner.sent, &self.inner.api) {
            (_, _, Some(api)) => Some(AttemptOutcome::Answered {
                status: api.status(),
                error_code: api.code(),
            }),
            (_, Some(false), None) => Some(AttemptOutcome::ConnectFailed),
            (kind, Some(true), None) => Some(AttemptOutcome::NoAnswer {
                timed_out: kind == ErrorKind::Timeout,
            }),
            _ => None,
        }
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// Keeps an answer's `Retry-After` in its API error (nothing for other errors).
    pub(crate) fn with_retry_after(mut self, retry_after: Option<std::time::Duration>) -> Self {
        if retry_after.is_some() {
            self.inner.api = self
                .inner
                .api
                .take()
                .map(|api| api.with_retry_after(retry_after));
        }
        self
    }

    /// Attaches the state of the job a wait ended with.
    pub(crate) fn with_job(mut self, job: crate::job::Job) -> Self {
        self.inner.job = Some(Box::new(job));
        self
    }

    /// Says what the failing step was for, keeping the kind, the API answer, the attempt
    /// count and the source.
    pub(crate) fn context(mut self, what: impl fmt::Display) -> Self {
        self.inner.message = format!("{what}: {}", self.inner.message);
        self
    }

    pub(crate) fn for_operation(mut self, operation: &'static str) -> Self {
        self.inner.operation.get_or_insert(operation);
        self
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message)
    }

    pub(crate) fn api(error: ApiError) -> Self {
        let mut e = Self::new(ErrorKind::Api, error.to_string());
        e.inner.api = Some(error);
        e
    }

    pub(crate) fn validation(issues: Vec<ValidationIssue>) -> Self {
        let list: Vec<String> = issues.iter().map(ToString::to_string).collect();
        let mut e = Self::new(
            ErrorKind::Validation,
            format!("invalid request: {}", list.join("; ")),
        );
        e.inner.issues = issues;
        e
    }

    /// Reports the required parameters a builder did not get; `flags` pairs each required
    /// parameter with whether it is missing. Used by generated builders.
    #[doc(hidden)]
    pub fn missing_parameters(operation: &'static str, flags: &[(&'static str, bool)]) -> Self {
        let issues = flags
            .iter()
            .filter(|(_, missing)| *missing)
            .map(|(name, _)| ValidationIssue {
                field: (*name).to_owned(),
                message: "required, but not set".to_owned(),
            })
            .collect();
        Self::validation(issues).for_operation(operation)
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The operation that failed (its `operationId`), when known.
    pub fn operation(&self) -> Option<&'static str> {
        self.inner.operation
    }

    /// The service's error answer, for [`ErrorKind::Api`].
    pub fn api_error(&self) -> Option<&ApiError> {
        self.inner.api.as_ref()
    }

    /// Every broken constraint, for [`ErrorKind::Validation`].
    pub fn validation_issues(&self) -> &[ValidationIssue] {
        &self.inner.issues
    }

    /// How many attempts the call made before failing (0 when it failed before sending).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// The last state of the job, for [`ErrorKind::JobFailed`] and for a wait that ran out
    /// of time ([`ErrorKind::Timeout`]).
    pub fn job(&self) -> Option<&crate::job::Job> {
        self.inner.job.as_deref()
    }

    /// The error with every cause under it, for people: this error's `Display`, then the
    /// `Display` of each [`source`](std::error::Error::source) in turn, `: ` between them.
    /// Each level says only its own part, so nothing appears twice.
    ///
    /// ```
    /// # fn show(error: &clouddb_runtime::Error) {
    /// eprintln!("error: {}", error.report());
    /// # }
    /// ```
    pub fn report(&self) -> ErrorReport<'_> {
        ErrorReport(self)
    }
}

/// An error and its causes on one line, `: ` between them (from [`Error::report`]).
#[derive(Debug, Clone, Copy)]
pub struct ErrorReport<'a>(&'a Error);

impl fmt::Display for ErrorReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = std::error::Error::source(self.0);
        while let Some(error) = cause {
            write!(f, ": {error}")?;
            cause = error.source();
        }
        Ok(())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(operation) = self.inner.operation {
            write!(f, "{operation}: ")?;
        }
        f.write_str(&self.inner.message)?;
        if self.inner.attempts > 1 {
            write!(f, " (after {} attempts)", self.inner.attempts)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.inner.kind)
            .field("operation", &self.inner.operation)
            .field("message", &self.inner.message)
            .field("attempts", &self.inner.attempts);
        if let Some(api) = &self.inner.api {
            d.field("api", api);
        }
        if let Some(job) = &self.inner.job {
            d.field("job", job);
        }
        if let Some(source) = &self.inner.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<crate::signing::SigningError> for Error {
    fn from(error: crate::signing::SigningError) -> Self {
        Error::new(ErrorKind::Signing, "cannot sign the request").with_source(error)
    }
}

/// The first 200 characters of a body, for messages.
pub(crate) fn excerpt(body: &str) -> String {
    const MAX: usize = 200;
    match body.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &body[..cut]),
        None => body.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_error_display_names_status_code_message_and_request_id() {
        let e = ApiError::new(
            400,
            Some("DBS.280234".into()),
            Some("invalid name".into()),
            Some("req-1".into()),
            "{}".into(),
            true,
        );
        assert_eq!(
            e.to_string(),
            "HTTP 400, error DBS.280234: invalid name (request id req-1)"
        );
        let e = Error::api(e).for_operation("ShowJob");
        assert_eq!(e.kind(), ErrorKind::Api);
        assert_eq!(
            e.to_string(),
            "ShowJob: HTTP 400, error DBS.280234: invalid name (request id req-1)"
        );
    }

    #[test]
    fn api_error_display_quotes_unstructured_bodies() {
        let html = format!("<html>{}</html>", "x".repeat(300));
        let e = ApiError::new(502, None, None, None, html, false);
        let text = e.to_string();
        assert!(text.starts_with("HTTP 502, body: <html>xxx"), "{text}");
        assert!(text.ends_with('…'), "{text}");
        let empty = ApiError::new(503, None, None, None, String::new(), false);
        assert_eq!(empty.to_string(), "HTTP 503 with an empty body");
    }

    #[test]
    fn documented_codes_are_found_in_sorted_tables() {
        static TABLE: [ErrorCode; 2] = [
            ErrorCode {
                code: "DBS.05000000",
                status: 500,
                message: "server error.",
            },
            ErrorCode {
                code: "DBS.280234",
                status: 400,
                message: "Invalid name.",
            },
        ];
        let e = ApiError::new(
            400,
            Some("DBS.280234".into()),
            None,
            None,
            String::new(),
            true,
        )
        .with_documentation(&TABLE);
        assert_eq!(
            e.documented().map(|c| (c.status, c.message)),
            Some((400, "Invalid name."))
        );
        let unknown = ApiError::new(400, Some("DBS.1".into()), None, None, String::new(), true)
            .with_documentation(&TABLE);
        assert!(!unknown.is_documented());
        assert_eq!(
            ErrorCode::find(&TABLE, "DBS.05000000").map(|c| c.status),
            Some(500)
        );
    }

    #[test]
    fn display_is_this_level_and_the_report_adds_each_cause_once() {
        use crate::signing::SigningError;
        let cause = SigningError::InvalidDate("2026-13-01".to_owned());
        let cause_text = cause.to_string();
        let e = Error::from(cause).for_operation("ListWidgets");
        assert_eq!(e.to_string(), "ListWidgets: cannot sign the request");
        let source = std::error::Error::source(&e).expect("the signing error is the source");
        assert_eq!(source.to_string(), cause_text);
        let report = e.report().to_string();
        assert_eq!(
            report,
            format!("ListWidgets: cannot sign the request: {cause_text}")
        );
        assert_eq!(report.matches(&cause_text).count(), 1, "{report}");
        // An error without a cause reports as it displays.
        let plain = Error::config("no region");
        assert_eq!(plain.report().to_string(), plain.to_string());
    }

    #[test]
    fn missing_parameters_lists_only_the_missing_ones() {
        let e =
            Error::missing_parameters("RestartCluster", &[("cluster_id", true), ("body", false)]);
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert_eq!(e.validation_issues().len(), 1);
        assert_eq!(
            e.to_string(),
            "RestartCluster: invalid request: cluster_id: required, but not set"
        );
    }
}
