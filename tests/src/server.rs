//! The local test server every vendor shares: it answers with a given status and body and
//! checks what arrived. What differs between vendors (how a test client is built, how a
//! request is checked and its signature recomputed, what an error answer looks like) is
//! behind [`Harness`]; `huawei::Server` and `qingcloud::Server` are this server with their
//! harness.

use std::future::Future;
use std::marker::PhantomData;

use clouddb_runtime::builder::{ClientBuilder, VendorConfig};
use clouddb_runtime::{Error, ErrorKind, Service};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::wire::{
    check_missing, check_unstructured_answers, mount_once, report, Expected, TestServer,
};

/// What a vendor adds to the shared test server.
pub trait Harness: Sized + 'static {
    /// The vendor of the clients it tests.
    type Vendor: VendorConfig;
    /// The request id every answer carries in `X-Request-Id`, if the vendor's do.
    const REQUEST_ID: Option<&'static str>;
    /// The HTTP status of the vendor's error answers (QingCloud: 200 with a `ret_code`).
    const ERROR_STATUS: u16;
    /// An error answer in the vendor's shape, when the spec documents none.
    const ERROR_BODY: &'static str;
    /// A success answer with nothing in it.
    const EMPTY_SUCCESS: &'static str;

    /// A builder of a generated client with the test credentials and the vendor's test
    /// settings; the server adds its endpoint and what every test client shares.
    fn builder<S: Service<Vendor = Self::Vendor>>() -> ClientBuilder<S, Self::Vendor>;

    /// Checks that `request` is `expected`, correctly signed or authenticated; `authority`
    /// is the server's `host:port`.
    fn check_request(
        request: &Request,
        expected: &Expected,
        authority: &str,
        problems: &mut Vec<String>,
    );

    /// The error code and message of an error answer in the vendor's shape.
    fn error_fields(body: &Value) -> (Option<String>, Option<String>);

    /// Whether an error's request id is the one this vendor's answers carry.
    fn request_id_ok(id: Option<&str>) -> bool;
}

/// A local HTTP server standing in for a vendor's endpoint.
pub struct Server<H> {
    mock: MockServer,
    harness: PhantomData<H>,
}

impl<H: Harness> Server<H> {
    /// Starts a server on a free local port.
    pub async fn start() -> Self {
        Self {
            mock: MockServer::start().await,
            harness: PhantomData,
        }
    }

    /// The server's base URL (`http://127.0.0.1:port`).
    pub fn uri(&self) -> String {
        self.mock.uri()
    }

    /// A generated client configured for this server with the test credentials.
    #[track_caller]
    pub fn client<S: Service<Vendor = H::Vendor>>(&self) -> S {
        let built = H::builder::<S>()
            .endpoint(self.uri())
            .environment(std::sync::Arc::new(
                clouddb_runtime::environment::FixedEnvironment::new(),
            ))
            .sleep(std::sync::Arc::new(crate::NoSleep))
            .build();
        match built {
            Ok(client) => client,
            Err(e) => panic!("the test client does not build: {}", e.report()),
        }
    }

    /// Checks that exactly one request arrived and that it is `expected`.
    pub async fn expect(&self, expected: &Expected) {
        let requests = self.requests().await;
        let [request] = requests.as_slice() else {
            panic!("expected exactly one request, got {}", requests.len());
        };
        let mut problems = Vec::new();
        H::check_request(
            request,
            expected,
            &self.mock.address().to_string(),
            &mut problems,
        );
        report("the request differs from the spec", &problems);
    }

    /// Checks how a call reports error answers: the documented error body (or the vendor's
    /// shape), a gateway's HTML page, an empty body, a body that is not JSON, and, for
    /// operations that decode JSON, a success answer that is not JSON.
    pub async fn check_error_answers<S, F, Fut>(
        documented: Option<&str>,
        decodes_json: bool,
        call: F,
    ) where
        S: Service<Vendor = H::Vendor>,
        F: Fn(S) -> Fut,
        Fut: Future<Output = Result<(), Error>>,
    {
        let server = Self::start().await;
        let vendor = documented.unwrap_or(H::ERROR_BODY);
        let parsed: Value = serde_json::from_str(vendor).expect("the error example is JSON");
        let (code, message) = H::error_fields(&parsed);
        let mut problems = Vec::new();
        server.answer(H::ERROR_STATUS, Some(vendor)).await;
        match call(server.client()).await {
            Err(e) if e.kind() == ErrorKind::Api => {
                let api = e.api_error().expect("an API error has details");
                let got = (
                    api.status(),
                    api.code().map(str::to_owned),
                    api.message().map(str::to_owned),
                );
                let expected = (H::ERROR_STATUS, code, message);
                if got != expected || !api.is_structured() || !H::request_id_ok(api.request_id()) {
                    problems.push(format!("vendor error answer: got {api:?}"));
                }
            }
            other => problems.push(format!(
                "vendor error answer: expected an API error, got {other:?}"
            )),
        }
        let client = || call(server.client());
        check_unstructured_answers(
            &server,
            client,
            decodes_json,
            H::request_id_ok,
            &mut problems,
        )
        .await;
        report("error answers are not reported as documented", &problems);
    }

    /// Checks that a call without its required parameters fails before sending anything,
    /// naming every missing parameter.
    pub async fn check_missing_parameters<S, F, Fut>(required: &[&str], call: F)
    where
        S: Service<Vendor = H::Vendor>,
        F: FnOnce(S) -> Fut,
        Fut: Future<Output = Result<(), Error>>,
    {
        let server = Self::start().await;
        server.answer(200, Some(H::EMPTY_SUCCESS)).await;
        let result = call(server.client()).await;
        check_missing(&server, result, required).await;
    }

    async fn mount(&self, template: ResponseTemplate) {
        self.mock.reset().await;
        Mock::given(any())
            .respond_with(template)
            .mount(&self.mock)
            .await;
    }

    /// An answer with `status`, the vendor's request id, and a body of `content_type`.
    fn template(status: u16, body: Option<&str>, content_type: &str) -> ResponseTemplate {
        let mut template = ResponseTemplate::new(status);
        if let Some(id) = H::REQUEST_ID {
            template = template.insert_header("X-Request-Id", id);
        }
        match body {
            Some(body) => template.set_body_raw(body.to_owned(), content_type),
            None => template,
        }
    }
}

impl<H: Harness> TestServer for Server<H> {
    async fn answer(&self, status: u16, body: Option<&str>) {
        self.mount(Self::template(status, body, "application/json"))
            .await;
    }

    async fn answer_once(&self, status: u16, body: &str) {
        mount_once(
            &self.mock,
            Self::template(status, Some(body), "application/json"),
        )
        .await;
    }

    async fn answer_raw(&self, status: u16, body: &str, content_type: &str) {
        self.mount(Self::template(status, Some(body), content_type))
            .await;
    }

    async fn requests(&self) -> Vec<Request> {
        self.mock.received_requests().await.unwrap_or_default()
    }
}
