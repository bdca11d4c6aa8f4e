//! The client builder every vendor shares: the endpoint, the credentials and the settings
//! of the client core (transport, retries, clock, sleep, environment) are set the same way
//! for every vendor, beside the vendor's own settings. What differs (the vendor's settings,
//! its credentials and its credential chain) is behind [`VendorConfig`]; each vendor names
//! its builder (`huawei::ClientBuilder<S>`, `qingcloud::ClientBuilder<S>`) and adds its own
//! setters.

use std::fmt;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::client::{CommonConfig, Service, Vendor};
use crate::clock::Clock;
use crate::environment::Environment;
use crate::error::Error;
use crate::retry::{RetryClassifier, RetryPolicy, Sleep};

/// What a vendor adds to the shared [`ClientBuilder`]: its credentials, its own settings,
/// and how a client is built from them.
pub trait VendorConfig: Vendor {
    /// How requests are authenticated. Its `Debug` output never shows a secret.
    type Credentials: Clone + fmt::Debug;
    /// The vendor's own settings (region, zone, …), with their defaults.
    type Settings: Default + fmt::Debug;

    /// Checks the configuration, finds what is not given (the vendor's credential chain),
    /// and builds the client.
    fn build<S: Service<Vendor = Self>>(builder: ClientBuilder<S, Self>) -> Result<S, Error>;
}

/// Builds a generated client of the service `S`, which speaks vendor `V`'s protocol.
///
/// The vendor's module names it with the service alone and documents where unset
/// settings come from.
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder<S, V: VendorConfig> {
    pub(crate) endpoint: Option<String>,
    pub(crate) credentials: Option<V::Credentials>,
    pub(crate) settings: V::Settings,
    pub(crate) common: CommonConfig,
    service: PhantomData<fn() -> S>,
}

impl<S, V: VendorConfig> fmt::Debug for ClientBuilder<S, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.credentials)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl<S, V: VendorConfig> Default for ClientBuilder<S, V> {
    fn default() -> Self {
        Self {
            endpoint: None,
            credentials: None,
            settings: V::Settings::default(),
            common: CommonConfig::default(),
            service: PhantomData,
        }
    }
}

impl<S: Service<Vendor = V>, V: VendorConfig> ClientBuilder<S, V> {
    /// An explicit endpoint (`https://host[:port]`), which wins over the one the vendor's
    /// settings or configuration would give.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// How requests are authenticated (default: the vendor's credential chain).
    pub fn credentials(mut self, credentials: V::Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Where environment variables and the home directory come from (for tests; the
    /// default is the process environment).
    pub fn environment(mut self, environment: Arc<dyn Environment>) -> Self {
        self.common.environment = environment;
        self
    }

    /// How long connecting may take (default 60 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.common.transport.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, sending and reading included (default 120 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.common.calls.attempt_timeout = timeout;
        self
    }

    /// How long a whole call may take, retries and waits included (default: no limit
    /// beyond the attempts' own).
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.common.calls.call_timeout = Some(timeout);
        self
    }

    /// When and how often to retry (default: 3 attempts with exponential backoff).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.common.calls.policy = policy;
        self
    }

    /// Which outcomes may be retried (default [`StandardClassifier`](crate::retry::StandardClassifier)).
    pub fn retry_classifier(mut self, classifier: Arc<dyn RetryClassifier>) -> Self {
        self.common.calls.classifier = classifier;
        self
    }

    /// The largest answer body read into memory (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`](crate::DEFAULT_MAX_RESPONSE_BYTES)); a larger answer
    /// is an error of kind [`ResponseTooLarge`](crate::ErrorKind::ResponseTooLarge)
    /// naming the limit. Streamed file downloads are not limited.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.common.transport.max_response_bytes = limit;
        self
    }

    /// An HTTPS proxy (`http://[user:password@]host:port`).
    pub fn https_proxy(mut self, proxy: impl Into<String>) -> Self {
        self.common.transport.proxy = Some(proxy.into());
        self
    }

    /// A PEM bundle of certificate authorities to trust, in addition to the built-in
    /// roots.
    pub fn ca_bundle(mut self, path: impl Into<PathBuf>) -> Self {
        self.common.transport.ca_bundle = Some(path.into());
        self
    }

    /// The clock that dates signatures and measures the call's time budget (for tests;
    /// the default is the system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.common.clock = clock;
        self
    }

    /// How to wait between attempts (for tests; the default is tokio's timer).
    pub fn sleep(mut self, sleep: Arc<dyn Sleep>) -> Self {
        self.common.sleep = sleep;
        self
    }

    /// Checks the configuration, finds what is not given (the vendor's credential chain),
    /// and builds the client.
    pub fn build(self) -> Result<S, Error> {
        V::build(self)
    }
}
