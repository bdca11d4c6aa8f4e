//! Fault injection: a table of scenarios, each a script of server behaviours, the outcome
//! the client must reach and the exact number of attempts the server must see. No scenario
//! may panic, hang, lose the server's error details, or send a non-idempotent request twice.
//! Each scenario is its own test (`scenario::<name>`), so a failure names it; the README's
//! reliability table is checked against the whole table.

use std::sync::Arc;
use std::time::Duration;

use clouddb_conformance::faults::{RecordingSleep, ScriptedServer, Step};
use clouddb_runtime::environment::FixedEnvironment;
use clouddb_runtime::{Error, ErrorKind};

/// Which kind of operation a scenario calls.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Call {
    /// Huawei REST GET (idempotent): `ListWidgets`.
    HuaweiRead,
    /// Huawei REST POST (not idempotent): `CreateWidget`.
    HuaweiWrite,
    /// QingCloud action marked idempotent: `DescribeClusterNodes`.
    QingCloudRead,
    /// QingCloud action that is not idempotent: `AddClusterNodes`.
    QingCloudWrite,
}

/// What the call must come to.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Success,
    /// An API error with this status and (if any) vendor code.
    Api(u16, Option<&'static str>),
    Kind(ErrorKind),
}

struct Scenario {
    name: &'static str,
    call: Call,
    script: fn() -> Vec<Step>,
    expect: Expect,
    /// Attempts the server must see (connections; 0 when nothing listens).
    server_attempts: usize,
    /// Attempts the client must report in its error (0 for a success).
    client_attempts: u32,
    /// Whether nothing listens on the port (connection refused).
    refused: bool,
}

const RATE_LIMITED: &str =
    r#"{"error_code":"APIG.0308","error_msg":"The throttling threshold has been reached."}"#;
const HTML: &str = "<html><body>502 Bad Gateway</body></html>";

fn ok_huawei() -> Step {
    Step::answer(201, r#"{"id":"w-1"}"#)
}

fn vendor(code: &'static str) -> String {
    format!(r#"{{"error_code":"{code}","error_msg":"scripted vendor error"}}"#)
}

/// A scenario that is not refused.
fn s(
    name: &'static str,
    call: Call,
    script: fn() -> Vec<Step>,
    expect: Expect,
    server_attempts: usize,
    client_attempts: u32,
) -> Scenario {
    Scenario {
        name,
        call,
        script,
        expect,
        server_attempts,
        client_attempts,
        refused: false,
    }
}

/// Every scenario, each with the name of its test: one `#[tokio::test]` per scenario in
/// `mod scenario` (`cargo test -p clouddb-conformance --test fault_injection
/// scenario::write_503_is_not_retried` runs one), and the whole table as `scenarios()` for
/// the README check.
macro_rules! scenarios {
    ($($test:ident: $scenario:expr,)*) => {
        fn scenarios() -> Vec<Scenario> {
            use Call::*;
            use Expect::*;
            vec![$($scenario),*]
        }

        mod scenario {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    use Call::*;
                    use Expect::*;
                    ends_as_expected($scenario).await;
                }
            )*
        }
    };
}

scenarios! {
    status_500_is_not_retried: s(
        "500 then success (not retried)",
        HuaweiRead,
        || vec![Step::answer(500, &vendor("DBS.05000000")), ok_huawei()],
        Api(500, Some("DBS.05000000")),
        1,
        1,
    ),
    status_502_then_success: s(
        "502 then success",
        HuaweiRead,
        || vec![Step::answer(502, HTML), ok_huawei()],
        Success,
        2,
        0,
    ),
    status_503_then_success: s(
        "503 then success",
        HuaweiRead,
        || vec![Step::answer(503, ""), ok_huawei()],
        Success,
        2,
        0,
    ),
    status_504_then_success: s(
        "504 then success",
        HuaweiRead,
        || vec![Step::answer(504, ""), ok_huawei()],
        Success,
        2,
        0,
    ),
    throttled_with_retry_after_then_success: s(
        "429 with Retry-After, then success",
        HuaweiRead,
        || {
            vec![
                Step::answer_with(429, &[("Retry-After", "7")], RATE_LIMITED),
                ok_huawei(),
            ]
        },
        Success,
        2,
        0,
    ),
    throttled_without_retry_after_then_success: s(
        "429 without Retry-After, then success",
        HuaweiRead,
        || vec![Step::answer(429, RATE_LIMITED), ok_huawei()],
        Success,
        2,
        0,
    ),
    throttled_on_every_attempt: s(
        "429 on every attempt",
        HuaweiRead,
        || vec![Step::answer(429, RATE_LIMITED); 3],
        Api(429, Some("APIG.0308")),
        3,
        3,
    ),
    read_connection_refused: Scenario {
        refused: true,
        ..s(
            "connection refused (read)",
            HuaweiRead,
            Vec::new,
            Kind(ErrorKind::Transport),
            0,
            3,
        )
    },
    read_reset_before_reading: s(
        "connection reset after the request arrived, before it was read (read)",
        HuaweiRead,
        || vec![Step::ResetBeforeReading, ok_huawei()],
        Success,
        2,
        0,
    ),
    read_reset_after_reading: s(
        "connection reset after the request was read (read)",
        HuaweiRead,
        || vec![Step::ResetAfterReading, ok_huawei()],
        Success,
        2,
        0,
    ),
    read_slower_than_the_attempt_timeout: s(
        "answer slower than the attempt timeout (read)",
        HuaweiRead,
        || {
            vec![
                Step::Slow {
                    delay: Duration::from_secs(3),
                    status: 200,
                    body: "{}".into()
                };
                3
            ]
        },
        Kind(ErrorKind::Timeout),
        3,
        3,
    ),
    read_truncated_body_then_success: s(
        "truncated body, then success (read)",
        HuaweiRead,
        || {
            vec![
                Step::Truncated {
                    status: 200,
                    body: r#"{"widgets":["#.into(),
                },
                ok_huawei(),
            ]
        },
        Success,
        2,
        0,
    ),
    invalid_json_on_200: s(
        "invalid JSON on 200",
        HuaweiRead,
        || vec![Step::answer(200, "{\"widgets\": ")],
        Kind(ErrorKind::Decode),
        1,
        0,
    ),
    gateway_html_on_every_attempt: s(
        "HTML page from a gateway on every attempt",
        HuaweiRead,
        || vec![Step::answer(502, HTML); 3],
        Api(502, None),
        3,
        3,
    ),
    empty_body_where_json_was_promised: s(
        "empty body where JSON was promised",
        HuaweiRead,
        || vec![Step::answer(200, "")],
        Kind(ErrorKind::Decode),
        1,
        0,
    ),
    vendor_error_on_400: s(
        "vendor error on 400",
        HuaweiRead,
        || vec![Step::answer(400, &vendor("DBS.280234"))],
        Api(400, Some("DBS.280234")),
        1,
        1,
    ),
    vendor_error_on_401: s(
        "vendor error on 401",
        HuaweiRead,
        || vec![Step::answer(401, &vendor("APIG.0301"))],
        Api(401, Some("APIG.0301")),
        1,
        1,
    ),
    vendor_error_on_403: s(
        "vendor error on 403",
        HuaweiRead,
        || vec![Step::answer(403, &vendor("DBS.200022"))],
        Api(403, Some("DBS.200022")),
        1,
        1,
    ),
    vendor_error_on_404: s(
        "vendor error on 404",
        HuaweiRead,
        || vec![Step::answer(404, &vendor("DBS.200823"))],
        Api(404, Some("DBS.200823")),
        1,
        1,
    ),
    vendor_error_on_409: s(
        "vendor error on 409",
        HuaweiRead,
        || vec![Step::answer(409, &vendor("DBS.201014"))],
        Api(409, Some("DBS.201014")),
        1,
        1,
    ),
    clock_skew_signature_rejection: s(
        "clock-skew signature rejection",
        HuaweiRead,
        || {
            vec![Step::answer(
                401,
                r#"{"error_code":"APIG.0201","error_msg":"Request expired."}"#,
            )]
        },
        Api(401, Some("APIG.0201")),
        1,
        1,
    ),
    retry_after_beyond_the_call_budget: s(
        "Retry-After beyond the call's time budget",
        HuaweiRead,
        || {
            vec![
                Step::answer_with(503, &[("Retry-After", "60")], ""),
                ok_huawei(),
            ]
        },
        Api(503, None),
        1,
        1,
    ),
    write_connection_refused_is_retried: Scenario {
        refused: true,
        ..s(
            "connection refused (write: nothing was sent, retried)",
            HuaweiWrite,
            Vec::new,
            Kind(ErrorKind::Transport),
            0,
            3,
        )
    },
    write_reset_before_reading_is_not_retried: s(
        "connection reset after the request arrived, before it was read (write: not retried)",
        HuaweiWrite,
        || vec![Step::ResetBeforeReading, ok_huawei()],
        Kind(ErrorKind::Transport),
        1,
        1,
    ),
    write_failing_after_sending_is_not_retried: s(
        "POST that fails after sending (write: not retried)",
        HuaweiWrite,
        || vec![Step::ResetAfterReading, ok_huawei()],
        Kind(ErrorKind::Transport),
        1,
        1,
    ),
    write_503_is_not_retried: s(
        "503 on a write (not retried)",
        HuaweiWrite,
        || vec![Step::answer(503, ""), ok_huawei()],
        Api(503, None),
        1,
        1,
    ),
    write_throttled_then_success: s(
        "429 on a write, then success (throttled requests are not processed)",
        HuaweiWrite,
        || vec![Step::answer(429, RATE_LIMITED), ok_huawei()],
        Success,
        2,
        0,
    ),
    write_slower_than_the_attempt_timeout: s(
        "answer slower than the attempt timeout (write: not retried)",
        HuaweiWrite,
        || {
            vec![
                Step::Slow {
                    delay: Duration::from_secs(3),
                    status: 201,
                    body: "{}".into(),
                },
                ok_huawei(),
            ]
        },
        Kind(ErrorKind::Timeout),
        1,
        1,
    ),
    write_truncated_body_is_not_retried: s(
        "truncated body on a write (not retried)",
        HuaweiWrite,
        || {
            vec![
                Step::Truncated {
                    status: 201,
                    body: "{\"id\":".into(),
                },
                ok_huawei(),
            ]
        },
        Kind(ErrorKind::Transport),
        1,
        1,
    ),
    qingcloud_ret_code_error_on_200: s(
        "QingCloud ret_code error on HTTP 200",
        QingCloudRead,
        || {
            vec![Step::answer(
                200,
                r#"{"ret_code":1400,"message":"PermissionDenied"}"#,
            )]
        },
        Api(200, Some("1400")),
        1,
        1,
    ),
    qingcloud_busy_write_then_success: s(
        "QingCloud busy (5100) on a write, then success",
        QingCloudWrite,
        || {
            vec![
                Step::answer(200, r#"{"ret_code":5100,"message":"ServerBusy"}"#),
                Step::answer(200, r#"{"ret_code":0,"job_id":"j-1"}"#),
            ]
        },
        Success,
        2,
        0,
    ),
    qingcloud_internal_error_on_a_write_is_not_retried: s(
        "QingCloud internal error (5000) on a write (not retried)",
        QingCloudWrite,
        || {
            vec![Step::answer(
                200,
                r#"{"ret_code":5000,"message":"InternalError"}"#,
            )]
        },
        Api(200, Some("5000")),
        1,
        1,
    ),
    qingcloud_internal_error_on_a_read_then_success: s(
        "QingCloud internal error (5000) on a read, then success",
        QingCloudRead,
        || {
            vec![
                Step::answer(200, r#"{"ret_code":5000,"message":"InternalError"}"#),
                Step::answer(200, r#"{"ret_code":0,"total_count":0}"#),
            ]
        },
        Success,
        2,
        0,
    ),
    qingcloud_gateway_html_on_a_read_then_success: s(
        "QingCloud HTML page from a gateway on a read, then success",
        QingCloudRead,
        || {
            vec![
                Step::answer(502, HTML),
                Step::answer(200, r#"{"ret_code":0}"#),
            ]
        },
        Success,
        2,
        0,
    ),
}

/// Runs one scenario; returns the outcome and the waits the client asked for.
async fn run(scenario: &Scenario) -> (Result<(), Error>, usize, Vec<Duration>) {
    let server = ScriptedServer::start((scenario.script)()).await;
    let uri = if scenario.refused {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        let address = listener.local_addr().expect("an address");
        drop(listener);
        format!("http://{address}")
    } else {
        server.uri()
    };
    let sleep = RecordingSleep::default();
    let result = match scenario.call {
        Call::HuaweiRead | Call::HuaweiWrite => huawei_call(scenario.call, &uri, &sleep).await,
        Call::QingCloudRead | Call::QingCloudWrite => {
            qingcloud_call(scenario.call, &uri, &sleep).await
        }
    };
    (result, server.connections(), sleep.waits())
}

async fn huawei_call(call: Call, uri: &str, sleep: &RecordingSleep) -> Result<(), Error> {
    use fixture_showcase_rest::types::{CreateWidgetRequest, WidgetType};
    let client: fixture_showcase_rest::Client = fixture_showcase_rest::Client::builder()
        .endpoint(uri)
        .credentials(clouddb_runtime::huawei::Credentials::ak_sk(
            "AKFAULTS",
            "fault-secret",
        ))
        .project_id("0123456789abcdef0123456789abcdef")
        .environment(Arc::new(FixedEnvironment::new()))
        .sleep(Arc::new(sleep.clone()))
        .attempt_timeout(Duration::from_millis(300))
        .call_timeout(Duration::from_secs(10))
        .build()?;
    match call {
        Call::HuaweiRead => client.list_widgets().send().await.map(drop),
        _ => {
            let body = CreateWidgetRequest {
                name: "widget-1".into(),
                r#type: WidgetType::Small,
                size: 3,
                ratio: None,
                password: "Secret#123".into(),
                tags: None,
                priorities: None,
                disk_gb: None,
                labels: None,
                options: None,
                network: None,
            };
            client.create_widget().body(body).send().await.map(drop)
        }
    }
}

async fn qingcloud_call(call: Call, uri: &str, sleep: &RecordingSleep) -> Result<(), Error> {
    let client: fixture_showcase_action::Client = fixture_showcase_action::Client::builder()
        .endpoint(uri)
        .credentials(clouddb_runtime::qingcloud::Credentials::new(
            "QYFAULTS",
            "fault-secret",
        ))
        .zone("sh1a")
        .environment(Arc::new(FixedEnvironment::new()))
        .sleep(Arc::new(sleep.clone()))
        .attempt_timeout(Duration::from_millis(300))
        .build()?;
    match call {
        Call::QingCloudRead => client
            .describe_cluster_nodes()
            .cluster("cl-1")
            .send()
            .await
            .map(drop),
        _ => client
            .add_cluster_nodes()
            .cluster("cl-1")
            .node_count(1)
            .send()
            .await
            .map(drop),
    }
}

/// Checks one scenario; returns its problems.
fn check(
    scenario: &Scenario,
    result: &Result<(), Error>,
    connections: usize,
    waits: &[Duration],
) -> Vec<String> {
    let mut problems = Vec::new();
    if connections != scenario.server_attempts {
        problems.push(format!(
            "the server saw {connections} attempts, expected {}",
            scenario.server_attempts
        ));
    }
    match (result, scenario.expect) {
        (Ok(()), Expect::Success) => {}
        (Err(e), Expect::Api(status, code)) if e.kind() == ErrorKind::Api => {
            let api = e.api_error().expect("an API error has details");
            if api.status() != status || api.code() != code {
                problems.push(format!("expected HTTP {status} {code:?}, got {api:?}"));
            }
            if api.request_id().is_none() || (api.raw_body().is_empty() && status != 503) {
                problems.push(format!("the server's details were lost: {api:?}"));
            }
        }
        (Err(e), Expect::Kind(kind)) if e.kind() == kind => {}
        (other, expected) => problems.push(format!("expected {expected:?}, got {other:?}")),
    }
    if let Err(e) = result {
        if e.attempts() != scenario.client_attempts {
            problems.push(format!(
                "the error reports {} attempts, expected {}",
                e.attempts(),
                scenario.client_attempts
            ));
        }
        if scenario.client_attempts > 1
            && !e
                .to_string()
                .contains(&format!("(after {} attempts)", scenario.client_attempts))
        {
            problems.push(format!(
                "the error does not say how many attempts were made: {e}"
            ));
        }
    }
    if scenario.name.starts_with("429 with Retry-After") && waits != [Duration::from_secs(7)] {
        problems.push(format!("Retry-After: 7 was not honoured: waits {waits:?}"));
    }
    if scenario.name.starts_with("429 without Retry-After")
        && !waits.iter().all(|w| *w <= Duration::from_millis(200))
    {
        problems.push(format!(
            "the first backoff should be at most 200 ms: {waits:?}"
        ));
    }
    problems
}

/// The outcome column of the README's reliability table.
fn outcome_text(scenario: &Scenario) -> String {
    match scenario.expect {
        Expect::Success => "success".to_owned(),
        Expect::Api(status, Some(code)) => format!("API error, HTTP {status}, {code}"),
        Expect::Api(status, None) => format!("API error, HTTP {status}"),
        Expect::Kind(kind) => format!("{kind:?} error"),
    }
}

/// Runs one scenario and fails with every problem found, or when it hangs.
async fn ends_as_expected(scenario: Scenario) {
    let ran = tokio::time::timeout(Duration::from_secs(20), run(&scenario)).await;
    let Ok((result, connections, waits)) = ran else {
        panic!("{}: hung", scenario.name);
    };
    let problems = check(&scenario, &result, connections, &waits);
    assert!(
        problems.is_empty(),
        "{}: {} problem(s):\n{}",
        scenario.name,
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_readme_reports_every_scenario() {
    let readme = include_str!("../../README.md");
    let scenarios = scenarios();
    let header = format!("{} scenarios", scenarios.len());
    assert!(
        readme.contains(&header),
        "the README's reliability section must say `{header}`"
    );
    let mut missing = Vec::new();
    for scenario in &scenarios {
        let row = format!(
            "| {} | {} | {} |",
            scenario.name,
            outcome_text(scenario),
            scenario.server_attempts
        );
        if !readme.contains(&row) {
            missing.push(row);
        }
    }
    assert!(
        missing.is_empty(),
        "rows missing from the README's reliability table:\n{}",
        missing.join("\n")
    );
}
