//! Behaviour of generated clients beyond the per-operation conformance cases: validation,
//! secrets, output shapes, leniency, authentication modes, configuration and transport
//! errors. Most cases use the golden showcase crate, which exercises every feature of the
//! generator; a few use the real vendor crates.

use std::time::Duration;

use clouddb_conformance::huawei::{self, Server};
use clouddb_conformance::TestServer as _;
use clouddb_runtime::huawei::Credentials as HuaweiCredentials;
use clouddb_runtime::ErrorKind;
use fixture_showcase_rest::operations::CreateWidgetOutput;
use fixture_showcase_rest::types::{CreateWidgetRequest, Widget, WidgetStatus, WidgetType};
use fixture_showcase_rest::Client;

fn widget_request() -> CreateWidgetRequest {
    CreateWidgetRequest {
        name: "widget-1".into(),
        r#type: WidgetType::Small,
        size: 3,
        ratio: Some(0.5),
        password: "Secret#123".into(),
        tags: None,
        priorities: None,
        disk_gb: None,
        labels: None,
        options: None,
        network: None,
    }
}

#[test]
fn debug_output_redacts_secrets() {
    let body = widget_request();
    let text = format!("{body:?}");
    assert!(!text.contains("Secret#123"), "{text}");
    assert!(text.contains("password: \"<redacted>\""), "{text}");
    assert!(text.contains("widget-1"), "the rest stays visible: {text}");

    let credentials = HuaweiCredentials::temporary("AKID", "the-secret-key", "the-session-token");
    let text = format!("{credentials:?}");
    assert!(
        !text.contains("the-secret-key") && !text.contains("the-session-token"),
        "{text}"
    );
}

#[tokio::test]
async fn every_broken_constraint_is_reported_before_sending() {
    let server = Server::start().await;
    server.answer(201, Some("{}")).await;
    let client: Client = server.client();
    let body = CreateWidgetRequest {
        name: "AB".into(),
        r#type: WidgetType::from("huge"),
        size: 40,
        ratio: Some(0.0),
        tags: Some(vec!["a".into(), "b".into(), "c".into(), "d".into()]),
        ..widget_request()
    };
    let err = client
        .create_widget()
        .body(body)
        .x_client_token("t".repeat(65))
        .send()
        .await
        .expect_err("the request breaks constraints");
    assert_eq!(err.kind(), ErrorKind::Validation);
    let issues: Vec<String> = err
        .validation_issues()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        issues,
        [
            "X-Client-Token: must be at most 64 characters long (is 65)",
            "body.name: must be at least 4 characters long (is 2)",
            "body.name: must match the pattern `^[a-z][a-z0-9-]*$`",
            "body.type: `huge` is not one of the documented values (small, large, x-large)",
            "body.size: must be at most 32 (is 40)",
            "body.ratio: must be greater than 0 (is 0)",
            "body.tags: must have at most 3 items (has 4)",
        ]
    );
    assert!(
        err.to_string()
            .starts_with("CreateWidget: invalid request: "),
        "{err}"
    );
    assert!(server.requests().await.is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn answers_are_typed_per_documented_status() {
    let server = Server::start().await;
    let client: Client = server.client();

    server.answer(202, Some(r#"{"job_id":"job-9"}"#)).await;
    let response = client
        .create_widget()
        .body(widget_request())
        .send()
        .await
        .expect("202 decodes");
    assert_eq!(response.status(), 202);
    match response.body() {
        CreateWidgetOutput::Status202(job) => assert_eq!(job.job_id.as_deref(), Some("job-9")),
        other => panic!("expected the 202 variant, got {other:?}"),
    }

    server
        .answer(201, Some(r#"{"id":"w-1","status":"BUILD"}"#))
        .await;
    let response = client
        .create_widget()
        .body(widget_request())
        .send()
        .await
        .expect("201 decodes");
    let CreateWidgetOutput::Status201(widget) = response.body() else {
        panic!("expected the 201 variant, got {:?}", response.body());
    };
    assert_eq!(widget.status, Some(WidgetStatus::Build));
    assert_eq!(response.request_id(), Some(huawei::REQUEST_ID));
    assert_eq!(response.headers()["x-request-id"], huawei::REQUEST_ID);
}

#[tokio::test]
#[allow(deprecated)]
async fn an_answer_without_body_is_unit() {
    let server = Server::start().await;
    server.answer(204, None).await;
    let client: Client = server.client();
    let response = client
        .delete_widget()
        .widget_name("w")
        .send()
        .await
        .expect("204 succeeds");
    assert_eq!(response.status(), 204);
    assert_eq!(*response.body(), ());
}

#[test]
fn decoding_is_lenient_and_keeps_unknown_enum_values() {
    let json = r#"{"id": 7, "size": "3", "ratio": "0.25", "version": 8.0, "status": "MIGRATING", "extra": 1}"#;
    let widget: Widget = serde_json::from_str(json).expect("lenient decoding");
    assert_eq!(widget.id.as_deref(), Some("7"));
    assert_eq!(widget.size, Some(3));
    assert_eq!(widget.ratio, Some(0.25));
    assert_eq!(widget.version.as_deref(), Some("8.0"));
    assert_eq!(
        widget.status,
        Some(WidgetStatus::Unknown("MIGRATING".into()))
    );
    let back = serde_json::to_value(&widget).expect("encodes");
    assert_eq!(
        back["status"], "MIGRATING",
        "an unknown value is sent back unchanged"
    );

    let broken = serde_json::from_str::<Widget>(r#"{"size": "three"}"#).expect_err("not a number");
    assert!(
        broken.to_string().contains("`three` is not an integer"),
        "{broken}"
    );
}

#[tokio::test]
async fn token_auth_sends_the_token_and_no_signature() {
    let server = Server::start().await;
    server.answer(200, Some("{}")).await;
    let client: Client = Client::builder()
        .endpoint(server.uri())
        .credentials(HuaweiCredentials::token("token-value"))
        .project_id(huawei::PROJECT_ID)
        .build()
        .expect("builds");
    client
        .list_widgets()
        .limit(5)
        .send()
        .await
        .expect("succeeds");
    let requests = server.requests().await;
    let request = &requests[0];
    assert_eq!(request.headers["x-auth-token"], "token-value");
    assert_eq!(request.headers["x-project-id"], huawei::PROJECT_ID);
    assert!(request.headers.get("authorization").is_none());
    assert!(request.headers.get("x-sdk-date").is_none());
    assert_eq!(request.url.query(), Some("limit=5"));
}

#[tokio::test]
async fn temporary_credentials_sign_the_security_token() {
    let server = Server::start().await;
    server.answer(200, Some("{}")).await;
    let client: Client = Client::builder()
        .endpoint(server.uri())
        .credentials(HuaweiCredentials::temporary(
            huawei::ACCESS_KEY,
            huawei::SECRET_KEY,
            "session-token",
        ))
        .project_id(huawei::PROJECT_ID)
        .build()
        .expect("builds");
    client.list_widgets().send().await.expect("succeeds");
    let requests = server.requests().await;
    let request = &requests[0];
    assert_eq!(request.headers["x-security-token"], "session-token");
    let authorization = request.headers["authorization"].to_str().expect("ascii");
    assert!(
        authorization.contains("x-security-token"),
        "{authorization}"
    );
    let headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
        .collect();
    let received = clouddb_runtime::signing::huawei::ReceivedRequest {
        method: request.method.as_str(),
        host: request.headers["host"].to_str().expect("ascii"),
        path: request.url.path(),
        query: request.url.query().unwrap_or(""),
        headers: &headers,
        body: &request.body,
    };
    clouddb_runtime::signing::huawei::verify(&received, huawei::SECRET_KEY)
        .expect("the signature verifies");
}

#[test]
fn configuration_errors_say_what_is_missing() {
    let err = Client::builder()
        .credentials(HuaweiCredentials::ak_sk("a", "b"))
        .build()
        .expect_err("no region");
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(
        err.to_string().contains("set a region or an endpoint"),
        "{err}"
    );

    let err = Client::builder()
        .region("mars-1")
        .credentials(HuaweiCredentials::ak_sk("a", "b"))
        .build()
        .expect_err("unknown region");
    assert!(
        err.to_string().contains("no endpoint for region `mars-1`"),
        "{err}"
    );
    assert!(
        err.to_string().contains("cn-north-4, eu-west-101"),
        "lists the known regions: {err}"
    );

    let empty = clouddb_runtime::environment::FixedEnvironment::new().home("/nonexistent-home");
    let err = Client::builder()
        .region("cn-north-4")
        .environment(std::sync::Arc::new(empty))
        .build()
        .expect_err("no credentials");
    let text = err.to_string();
    assert!(
        text.starts_with("no Huawei Cloud credentials found; looked at: "),
        "{text}"
    );
    for place in [
        "explicit credentials (none given)",
        "environment variables HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (not set)",
        "credentials file /nonexistent-home/.huaweicloud/credentials",
    ] {
        assert!(text.contains(place), "{text} should name {place}");
    }

    let client = Client::builder()
        .region("eu-west-101")
        .credentials(HuaweiCredentials::ak_sk("a", "b"))
        .build()
        .expect("builds");
    let text = format!("{client:?}");
    assert!(
        text.contains("showcase.eu-west-101.example.eu"),
        "the host comes from the table: {text}"
    );
}

#[tokio::test]
async fn a_missing_project_id_is_an_error_not_a_literal_template() {
    let server = Server::start().await;
    server.answer(200, Some("{}")).await;
    let client: Client = Client::builder()
        .endpoint(server.uri())
        .credentials(HuaweiCredentials::ak_sk("a", "b"))
        .build()
        .expect("builds");
    let err = client
        .list_widgets()
        .send()
        .await
        .expect_err("no project id");
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("project id"), "{err}");
    assert!(server.requests().await.is_empty());
}

#[tokio::test]
async fn connection_failures_and_timeouts_are_distinct_kinds() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    let closed = listener.local_addr().expect("address");
    drop(listener);
    let client: Client = Client::builder()
        .endpoint(format!("http://{closed}"))
        .credentials(HuaweiCredentials::ak_sk("a", "b"))
        .project_id(huawei::PROJECT_ID)
        .build()
        .expect("builds");
    let err = client
        .list_widgets()
        .send()
        .await
        .expect_err("nothing listens");
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");

    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client: Client = Client::builder()
        .endpoint(server.uri())
        .credentials(HuaweiCredentials::ak_sk("a", "b"))
        .project_id(huawei::PROJECT_ID)
        .attempt_timeout(Duration::from_millis(200))
        .retry_policy(clouddb_runtime::retry::RetryPolicy::none())
        .build()
        .expect("builds");
    let err = client.list_widgets().send().await.expect_err("too slow");
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(
        err.to_string()
            .starts_with("ListWidgets: the request timed out"),
        "{err}"
    );
}

#[tokio::test]
async fn real_crates_check_documented_constraints() {
    use huaweicloud_dws::types::{StartRedistributionRequest, StartRedistributionRequestRedisMode};
    let server = Server::start().await;
    server.answer(200, None).await;
    let client: huaweicloud_dws::Client = server.client();
    let body = StartRedistributionRequest {
        redis_mode: StartRedistributionRequestRedisMode::Online,
        parallel_jobs: 201,
    };
    let err = client
        .start_redistribution()
        .cluster_id("c")
        .body(body)
        .send()
        .await
        .expect_err("parallel_jobs is at most 200");
    assert_eq!(
        err.validation_issues()[0].to_string(),
        "body.parallel_jobs: must be at most 200 (is 201)"
    );
    assert!(server.requests().await.is_empty());
}

/// DWS monitoring times with a documented format: a malformed one is refused before
/// anything is sent, and the error names the format.
#[tokio::test]
async fn malformed_dws_times_are_refused_naming_their_format() {
    let server = Server::start().await;
    server.answer(200, None).await;
    let client: huaweicloud_dws::Client = server.client();
    // A 12-digit timestamp: seconds given where milliseconds are documented.
    let err = client
        .list_metrics_data()
        .cluster_id("c")
        .metric_name("cpu_usage")
        .offset(0)
        .limit(10)
        .from(1_701_914_324)
        .to(1_701_914_324_000)
        .send()
        .await
        .expect_err("from is not in milliseconds");
    assert_eq!(err.kind(), ErrorKind::Validation);
    let issues: Vec<String> = err
        .validation_issues()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(
        issues[0].starts_with("from: must be at least 1000000000000")
            && issues[0].contains("13-digit Unix timestamp (milliseconds)"),
        "{issues:?}"
    );
    let err = client
        .list_operational_task()
        .cluster_id("c")
        .time_zone("+08:00")
        .send()
        .await
        .expect_err("the offset has a colon");
    let issue = err.validation_issues()[0].to_string();
    assert!(
        issue.starts_with("time_zone: must be ±HHMM (-2359 to +2359)"),
        "{issue}"
    );
    assert!(server.requests().await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn qingcloud_needs_a_zone() {
    let client: qingcloud_mysql_plus::Client = qingcloud_mysql_plus::Client::builder()
        .endpoint("http://127.0.0.1:9")
        .credentials(qingcloud_mysql_plus::Credentials::new("a", "b"))
        .build()
        .expect("builds");
    let err = client
        .rebuild_read_only_node()
        .cluster("cl-1")
        .service_params(
            qingcloud_mysql_plus::types::RebuildReadOnlyNodeServiceParams {
                node_id: "cln-1".into(),
            },
        )
        .send()
        .await
        .expect_err("no zone");
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("needs a zone"), "{err}");
}

#[tokio::test]
async fn documented_error_codes_are_recognised() {
    let server = Server::start().await;
    server
        .answer(
            400,
            Some(r#"{"error_code":"SHOW.0002","error_msg":"配额不足"}"#),
        )
        .await;
    let client: Client = server.client();
    let err = client
        .list_widgets()
        .send()
        .await
        .expect_err("an error answer");
    let api = err.api_error().expect("an API error");
    let documented = api.documented().expect("SHOW.0002 is in the table");
    assert_eq!(
        (documented.status, documented.message),
        (400, "The widget quota is used up.")
    );
    assert_eq!(
        api.message(),
        Some("配额不足"),
        "the server's own message is kept"
    );

    server
        .answer(400, Some(r#"{"error_code":"SHOW.9999","error_msg":"?"}"#))
        .await;
    let err = client
        .list_widgets()
        .send()
        .await
        .expect_err("an error answer");
    assert!(!err.api_error().expect("an API error").is_documented());

    assert_eq!(
        fixture_showcase_rest::error_codes::lookup("SHOW.0404").map(|c| c.status),
        Some(404)
    );
    let codes: Vec<&str> = fixture_showcase_rest::error_codes::ERROR_CODES
        .iter()
        .map(|c| c.code)
        .collect();
    assert_eq!(
        codes,
        ["SHOW.0001", "SHOW.0002", "SHOW.0404"],
        "sorted for lookup"
    );
}

#[tokio::test]
async fn item_constraints_and_multiples_are_checked() {
    let server = Server::start().await;
    server.answer(201, Some("{}")).await;
    let client: Client = server.client();
    let body = CreateWidgetRequest {
        priorities: Some(vec![1, 0, 16, 17]),
        disk_gb: Some(45),
        ..widget_request()
    };
    let err = client
        .create_widget()
        .body(body)
        .send()
        .await
        .expect_err("broken constraints");
    let issues: Vec<String> = err
        .validation_issues()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        issues,
        [
            "body.priorities[1]: must be at least 1 (is 0)",
            "body.priorities[3]: must be at most 16 (is 17)",
            "body.disk_gb: must be a multiple of 10 (is 45)",
        ]
    );
    assert!(server.requests().await.is_empty());
}

#[test]
fn the_gaussdb_error_code_table_is_exposed() {
    use huaweicloud_gaussdb_mysql::error_codes::{lookup, ERROR_CODES};
    assert_eq!(ERROR_CODES.len(), 225, "every code of appendix A.3");
    let code = lookup("DBS.05000000").expect("the first row of appendix A.3");
    assert_eq!((code.status, code.message), (500, "server error."));
    // Appendix A.1's sample error uses a code that the A.3 table does not list.
    assert!(lookup("DBS.280234").is_none());
    assert!(
        ERROR_CODES.windows(2).all(|w| w[0].code < w[1].code),
        "sorted for lookup"
    );
}
