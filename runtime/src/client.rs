//! The client core every vendor shares: the transport, the retry runner, the clock and the
//! sleep, the user agent, and the call itself (validate, write, prepare, sign each attempt
//! afresh, send, check the answer, decode), dry runs and waiting. What differs between
//! vendors (preparing and authenticating a request, reading an error answer, how lists are
//! written, where the request id comes from) is behind [`Vendor`]; the credential chains
//! live in each vendor's builder ([`crate::huawei`], [`crate::qingcloud`]).
//!
//! A third vendor is one module: its `Vendor` implementation and its builder.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tracing::Instrument;

use crate::call::{CallConfig, CallOptions, Runner};
use crate::clock::Clock;
use crate::download::Download;
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorCode, ErrorKind};
use crate::job::Job;
use crate::operation::{prepare, Operation, OperationSpec, QueryLists, RawResponse, RequestWriter};
use crate::retry::{parse_retry_after, Sleep};
use crate::signed::SignedRequest;
use crate::transport::{Opened, Transport, WireRequest};
use crate::wait::{WaitOptions, Waiter};
use crate::Response;

/// What a generated crate tells the runtime about its service.
#[derive(Debug)]
pub struct ServiceInfo {
    /// Package name of the generated crate.
    pub crate_name: &'static str,
    /// Version of the generated crate.
    pub crate_version: &'static str,
    /// Region id → host, from the spec's endpoint table (empty where the protocol has one
    /// endpoint for every zone).
    pub endpoints: &'static [(&'static str, &'static str)],
    /// The documented error codes, sorted by code.
    pub error_codes: &'static [ErrorCode],
}

impl ServiceInfo {
    /// The host of a region, if the table has it.
    pub fn host(&self, region: &str) -> Option<&'static str> {
        self.endpoints
            .iter()
            .find(|(r, _)| *r == region)
            .map(|(_, h)| *h)
    }
}

/// Implemented by each generated client: its service and how to wrap a configured runtime
/// client.
pub trait Service: Sized {
    /// The vendor whose protocol the service speaks.
    type Vendor: Vendor;
    /// The service's description.
    const INFO: &'static ServiceInfo;
    /// Wraps a configured runtime client.
    fn from_client(client: Client<Self::Vendor>) -> Self;
    /// The runtime client underneath, which sends any operation's input and signs without
    /// sending ([`Client::dry_run`]); tools that drive every operation use it.
    fn client(&self) -> &Client<Self::Vendor>;
}

/// One attempt's request, signed, and the request id it carries when the client chooses
/// it (QingCloud's `req_id`).
#[derive(Debug)]
pub struct Attempt {
    /// The request exactly as it goes on the wire.
    pub request: WireRequest,
    /// The request id sent, if the client chose one.
    pub request_id: Option<String>,
}

/// What a vendor's protocol adds to the shared call: how a written request is prepared
/// and authenticated, and how an answer is read.
pub trait Vendor: Send + Sync + Sized + 'static {
    /// How list-valued query parameters are written.
    const LISTS: QueryLists;

    /// A request with everything but what each attempt adds (a signature, a date, a
    /// request id): every attempt is signed afresh from it.
    type Prepared: Send + Sync;

    /// Prepares a written request (filling what the client's configuration gives, and
    /// looking up what it must, such as a Huawei project id).
    fn prepare<'a>(
        &'a self,
        core: &'a Core,
        spec: &'static OperationSpec,
        writer: RequestWriter,
        options: &'a CallOptions,
    ) -> impl Future<Output = Result<Self::Prepared, Error>> + Send + 'a;

    /// The signed (or token-carrying) request of one attempt.
    fn sign(
        &self,
        core: &Core,
        spec: &'static OperationSpec,
        prepared: &Self::Prepared,
    ) -> Result<Attempt, Error>;

    /// A success answer as it is, or the API error the answer carries (a status, or an
    /// error inside a 200 answer). `request_id` is the id the attempt sent, if any.
    fn check(
        &self,
        core: &Core,
        answer: RawResponse,
        request_id: Option<&str>,
    ) -> Result<RawResponse, Error>;

    /// The request id of a success answer (from its headers, or the one the attempt
    /// sent), to quote to support.
    fn request_id(&self, headers: &http::HeaderMap, sent: Option<&str>) -> Option<String>;

    /// Adds the vendor's settings to a client's `Debug` output (never a secret).
    fn describe(&self, out: &mut fmt::DebugStruct<'_, '_>);
}

/// What every vendor's builder configures the same way: the transport, the call defaults,
/// the clock, the sleep and the environment. Its setters are the builders' shared ones
/// ([`crate::builder::ClientBuilder`]'s).
pub(crate) struct CommonConfig {
    pub(crate) transport: crate::transport::TransportConfig,
    pub(crate) calls: CallConfig,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) sleep: Arc<dyn Sleep>,
    pub(crate) environment: Arc<dyn crate::environment::Environment>,
}

impl Default for CommonConfig {
    fn default() -> Self {
        Self {
            transport: crate::transport::TransportConfig::default(),
            calls: CallConfig::default(),
            clock: Arc::new(crate::clock::SystemClock),
            sleep: Arc::new(crate::retry::TokioSleep),
            environment: Arc::new(crate::environment::SystemEnvironment),
        }
    }
}

impl CommonConfig {
    /// The shared state of a client of `service` that sends to `endpoint`.
    pub(crate) fn into_core(
        self,
        service: &'static ServiceInfo,
        endpoint: Endpoint,
    ) -> Result<Core, Error> {
        Ok(Core {
            service,
            endpoint,
            transport: Transport::new(&self.transport)?,
            calls: self.calls,
            clock: self.clock,
            sleep: self.sleep,
            user_agent: crate::transport::user_agent(service.crate_name, service.crate_version),
        })
    }
}

/// The vendor-independent state of a client: where and how it sends, and its defaults.
pub struct Core {
    pub(crate) service: &'static ServiceInfo,
    pub(crate) endpoint: Endpoint,
    pub(crate) transport: Transport,
    pub(crate) calls: CallConfig,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) sleep: Arc<dyn Sleep>,
    pub(crate) user_agent: String,
}

impl Core {
    /// The retry loop of one call.
    pub(crate) fn runner<'a>(&'a self, options: &'a CallOptions, idempotent: bool) -> Runner<'a> {
        Runner {
            config: &self.calls,
            options,
            clock: self.clock.as_ref(),
            sleep: self.sleep.as_ref(),
            idempotent,
        }
    }

    /// Sends one attempt and lets the vendor check the answer; a `Retry-After` of an
    /// error answer is kept for the retry policy.
    pub(crate) async fn attempt<V: Vendor>(
        &self,
        vendor: &V,
        attempt: Attempt,
        timeout: Duration,
    ) -> Result<RawResponse, Error> {
        let raw = self.transport.send(attempt.request, timeout).await?;
        let sent = attempt.request_id.as_deref();
        tracing::debug!(status = raw.status, request_id = ?vendor.request_id(&raw.headers, sent), "answer");
        let retry_after = self.retry_after(&raw.headers);
        vendor
            .check(self, raw, sent)
            .map_err(|e| e.with_retry_after(retry_after))
    }

    /// Sends one attempt of a file download: a success answer is returned as soon as its
    /// headers arrive; an error answer is read whole and checked by the vendor.
    pub(crate) async fn open<V: Vendor>(
        &self,
        vendor: &V,
        attempt: Attempt,
        timeout: Duration,
    ) -> Result<Opened, Error> {
        let opened = self.transport.open(attempt.request, timeout).await?;
        let sent = attempt.request_id.as_deref();
        tracing::debug!(status = opened.status, request_id = ?vendor.request_id(&opened.headers, sent), "answer");
        if (200..300).contains(&opened.status) {
            return Ok(opened);
        }
        let retry_after = self.retry_after(&opened.headers);
        let raw = self.transport.read_opened(opened, timeout).await?;
        let checked = vendor
            .check(self, raw, sent)
            .map_err(|e| e.with_retry_after(retry_after))?;
        Err(Error::new(
            ErrorKind::Decode,
            format!(
                "HTTP {} answer to a download is neither a file nor an error",
                checked.status
            ),
        ))
    }

    /// The delay an answer's `Retry-After` asks for, if it has one.
    fn retry_after(&self, headers: &http::HeaderMap) -> Option<Duration> {
        headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, self.clock.now()))
    }
}

/// A configured client of one vendor, shared by clones.
pub struct Client<V> {
    inner: Arc<Inner<V>>,
}

struct Inner<V> {
    core: Core,
    vendor: V,
}

impl<V> Clone for Client<V> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<V: Vendor> fmt::Debug for Client<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Client");
        out.field("service", &self.inner.core.service.crate_name)
            .field("endpoint", &self.inner.core.endpoint);
        self.inner.vendor.describe(&mut out);
        out.finish_non_exhaustive()
    }
}

impl<V: Vendor> Client<V> {
    /// A client of the vendor `vendor` with the shared state `core` (built by the vendor's
    /// builder).
    pub(crate) fn new(core: Core, vendor: V) -> Self {
        Self {
            inner: Arc::new(Inner { core, vendor }),
        }
    }

    /// Validates, sends and decodes one operation with the client's settings.
    pub async fn execute<O: Operation>(&self, input: O) -> Result<Response<O::Output>, Error> {
        self.execute_with(input, &CallOptions::default()).await
    }

    /// Validates, sends (retrying as allowed) and decodes one operation, with per-call
    /// options.
    pub async fn execute_with<O: Operation>(
        &self,
        input: O,
        options: &CallOptions,
    ) -> Result<Response<O::Output>, Error> {
        let spec = O::SPEC;
        let span = tracing::info_span!(
            "call",
            service = self.inner.core.service.crate_name,
            operation = spec.id,
            method = %spec.method,
            path = spec.path,
        );
        async {
            let writer = prepare(&input, V::LISTS)?;
            let (raw, sent) = self
                .send(spec, writer, options)
                .await
                .map_err(|e| e.for_operation(spec.id))?;
            let body = O::decode(&raw).map_err(|e| e.for_operation(spec.id))?;
            let request_id = self.inner.vendor.request_id(&raw.headers, sent.as_deref());
            Ok(Response::new(raw, request_id, body))
        }
        .instrument(span)
        .await
    }

    /// Validates and sends one operation whose answer is a file, retrying as allowed until
    /// the answer's headers arrive, and returns the file as a stream ([`Download`]). Each
    /// piece of the file must arrive within the attempt timeout.
    pub async fn download<O: Operation>(
        &self,
        input: O,
        options: &CallOptions,
    ) -> Result<Download, Error> {
        let spec = O::SPEC;
        let Inner { core, vendor } = self.inner.as_ref();
        let span = tracing::info_span!(
            "call",
            service = core.service.crate_name,
            operation = spec.id,
            method = %spec.method,
            path = spec.path,
        );
        async {
            let writer = prepare(&input, V::LISTS)?;
            let prepared = vendor.prepare(core, spec, writer, options).await?;
            let mut sent = None;
            let opened = core
                .runner(options, spec.idempotent)
                .run(|_, timeout| {
                    let attempt = vendor.sign(core, spec, &prepared);
                    sent = attempt.as_ref().ok().and_then(|a| a.request_id.clone());
                    async move { core.open(vendor, attempt?, timeout).await }
                })
                .await?;
            let request_id = vendor.request_id(&opened.headers, sent.as_deref());
            let idle = options
                .attempt_timeout
                .unwrap_or(core.calls.attempt_timeout);
            Ok(Download::new(opened, request_id, idle))
        }
        .instrument(span)
        .await
        .map_err(|e: Error| e.for_operation(spec.id))
    }

    /// Waits until the work a waiter follows is over, asking with `poll` (generated clients
    /// pass the waiter's operation): a job by its id, or a resource's state; see
    /// [`crate::wait`].
    pub async fn wait<F, Fut, T>(
        &self,
        waiter: &Waiter,
        id: &str,
        options: &WaitOptions,
        poll: F,
    ) -> Result<Job, Error>
    where
        F: FnMut(String) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
        T: serde::Serialize,
    {
        let core = &self.inner.core;
        crate::wait::wait(
            waiter,
            id,
            options,
            core.clock.as_ref(),
            core.sleep.as_ref(),
            poll,
        )
        .await
    }

    /// Validates, prepares and signs one operation exactly as an attempt of
    /// [`execute_with`](Self::execute_with) would, and returns the signed request without
    /// sending it. (A Huawei client without a project id still looks it up in IAM.)
    pub async fn dry_run<O: Operation>(&self, input: O) -> Result<SignedRequest, Error> {
        let spec = O::SPEC;
        let Inner { core, vendor } = self.inner.as_ref();
        async {
            let writer = prepare(&input, V::LISTS)?;
            let prepared = vendor
                .prepare(core, spec, writer, &CallOptions::default())
                .await?;
            vendor.sign(core, spec, &prepared)
        }
        .await
        .map(|attempt| SignedRequest::new(attempt.request))
        .map_err(|e| e.for_operation(spec.id))
    }

    /// Prepares a written request, then signs and sends it, retrying as allowed; returns the
    /// answer and the request id the successful attempt sent, if the client chose one.
    async fn send(
        &self,
        spec: &'static OperationSpec,
        writer: RequestWriter,
        options: &CallOptions,
    ) -> Result<(RawResponse, Option<String>), Error> {
        let Inner { core, vendor } = self.inner.as_ref();
        let prepared = vendor.prepare(core, spec, writer, options).await?;
        let mut sent = None;
        let raw = core
            .runner(options, spec.idempotent)
            .run(|_, timeout| {
                let attempt = vendor.sign(core, spec, &prepared);
                sent = attempt.as_ref().ok().and_then(|a| a.request_id.clone());
                async move { core.attempt(vendor, attempt?, timeout).await }
            })
            .await?;
        Ok((raw, sent))
    }
}
