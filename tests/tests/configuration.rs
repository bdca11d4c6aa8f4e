//! Client configuration end to end: credentials from the environment and the vendors'
//! files, project-id discovery through IAM (and its cache), the QingCloud configuration
//! file, the User-Agent, and the HTTPS proxy and CA bundle settings.

use std::path::PathBuf;
use std::sync::Arc;

use clouddb_conformance::faults::{ScriptedServer, Step};
use clouddb_conformance::{NoSleep, TestServer as _};
use clouddb_runtime::environment::FixedEnvironment;
use clouddb_runtime::huawei::Credentials;
use clouddb_runtime::signing::huawei::{verify, ReceivedRequest};
use clouddb_runtime::ErrorKind;
use fixture_showcase_rest::Client;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const REGION: &str = "cn-north-4";

/// A file under the test's scratch directory, written with `text`.
fn scratch_file(name: &str, text: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("configuration");
    std::fs::create_dir_all(&dir).expect("the scratch directory is writable");
    let file = dir.join(name);
    std::fs::write(&file, text).expect("the scratch file is writable");
    file
}

/// Checks the AK/SK signature of a received request against `secret_key`.
fn assert_signed(request: &Request, access_key: &str, secret_key: &str) {
    let headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
        .collect();
    let authorization = request.headers["authorization"].to_str().expect("ascii");
    assert!(
        authorization.contains(&format!("Access={access_key},")),
        "{authorization}"
    );
    let received = ReceivedRequest {
        method: request.method.as_str(),
        host: request.headers["host"].to_str().expect("ascii"),
        path: request.url.path(),
        query: request.url.query().unwrap_or(""),
        headers: &headers,
        body: &request.body,
    };
    verify(&received, secret_key).expect("the signature verifies");
}

/// An IAM endpoint answering `GET /v3/projects?name=<REGION>` with `projects`.
async fn iam_with(projects: &str) -> MockServer {
    let iam = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v3/projects"))
        .and(query_param("name", REGION))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-IAM-Trace-Id", "iam-trace-1")
                .set_body_raw(format!(r#"{{"projects":{projects}}}"#), "application/json"),
        )
        .mount(&iam)
        .await;
    iam
}

/// An API endpoint answering every request with an empty widget list.
async fn api() -> clouddb_conformance::huawei::Server {
    let server = clouddb_conformance::huawei::Server::start().await;
    server.answer(200, Some(r#"{"widgets":[]}"#)).await;
    server
}

fn discovering_client(api: &str, iam: &str, access_key: &str, secret_key: &str) -> Client {
    Client::builder()
        .region(REGION)
        .endpoint(api)
        .iam_endpoint(iam)
        .credentials(Credentials::ak_sk(access_key, secret_key))
        .environment(Arc::new(FixedEnvironment::new()))
        .sleep(Arc::new(NoSleep))
        .build()
        .expect("builds")
}

#[tokio::test]
async fn the_project_id_is_discovered_once_per_key_and_region() {
    let iam = iam_with(r#"[{"id":"0a1b2c3d4e5f60718293a4b5c6d7e8f9","name":"cn-north-4"}]"#).await;
    let api = api().await;
    // Access keys unique to this test: the cache is process-wide.
    let client = discovering_client(&api.uri(), &iam.uri(), "AKDISCOVERONE", "sk-one");
    client.list_widgets().send().await.expect("succeeds");
    client.list_widgets().send().await.expect("succeeds");
    let again = discovering_client(&api.uri(), &iam.uri(), "AKDISCOVERONE", "sk-one");
    again.list_widgets().send().await.expect("succeeds");

    let asked = iam.received_requests().await.unwrap_or_default();
    assert_eq!(asked.len(), 1, "one IAM request for one key and region");
    assert_eq!(asked[0].url.query(), Some("name=cn-north-4"));
    assert_signed(&asked[0], "AKDISCOVERONE", "sk-one");

    let calls = api.requests().await;
    assert_eq!(calls.len(), 3);
    for call in &calls {
        assert_eq!(
            call.url.path(),
            "/v1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/widgets"
        );
        assert_eq!(
            call.headers["x-project-id"],
            "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
        );
        assert_signed(call, "AKDISCOVERONE", "sk-one");
    }

    let other_key = discovering_client(&api.uri(), &iam.uri(), "AKDISCOVERTWO", "sk-two");
    other_key.list_widgets().send().await.expect("succeeds");
    let asked = iam.received_requests().await.unwrap_or_default();
    assert_eq!(asked.len(), 2, "another key asks IAM again");
}

#[tokio::test]
async fn zero_or_several_projects_are_clear_errors_and_nothing_is_sent() {
    for (projects, key, expected) in [
        (
            "[]",
            "AKDISCOVERNONE",
            "IAM has no project named `cn-north-4` for these credentials (X-IAM-Trace-Id iam-trace-1); set the project id explicitly",
        ),
        (
            r#"[{"id":"p-1","name":"cn-north-4"},{"id":"p-2","name":"cn-north-4"}]"#,
            "AKDISCOVERMANY",
            "IAM has 2 projects named `cn-north-4` for these credentials (p-1, p-2) (X-IAM-Trace-Id iam-trace-1); set the project id explicitly",
        ),
    ] {
        let iam = iam_with(projects).await;
        let api = api().await;
        let client = discovering_client(&api.uri(), &iam.uri(), key, "sk");
        let err = client
            .list_widgets()
            .send()
            .await
            .expect_err("no single project");
        assert_eq!(err.kind(), ErrorKind::Config, "{err}");
        assert!(err.to_string().contains(expected), "{err}");
        assert!(api.requests().await.is_empty(), "no request left with a guess");
    }
}

#[tokio::test]
async fn an_iam_refusal_keeps_the_vendor_error() {
    let iam = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_raw(
            r#"{"error":{"code":"APIGW.0301","message":"Incorrect IAM authentication information"}}"#,
            "application/json",
        ))
        .mount(&iam)
        .await;
    let api = api().await;
    let client = discovering_client(&api.uri(), &iam.uri(), "AKDISCOVERREFUSED", "sk");
    let err = client.list_widgets().send().await.expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::Api, "{err}");
    let text = err.to_string();
    assert!(
        text.contains("cannot look up the project id of region `cn-north-4` in IAM"),
        "{text}"
    );
    let api_error = err.api_error().expect("the IAM answer is kept");
    assert_eq!(api_error.status(), 401);
    assert_eq!(api_error.code(), Some("APIGW.0301"));
    assert!(api.requests().await.is_empty());
}

#[tokio::test]
async fn credentials_and_project_come_from_the_vendor_environment_variables() {
    let api = api().await;
    let environment = FixedEnvironment::new()
        .home("/nonexistent-home")
        .var("HUAWEICLOUD_SDK_AK", "AKFROMENV")
        .var("HUAWEICLOUD_SDK_SK", "sk-from-env")
        .var("HUAWEICLOUD_SDK_SECURITY_TOKEN", "token-from-env")
        .var("HUAWEICLOUD_SDK_PROJECT_ID", "project-from-env");
    let client: Client = Client::builder()
        .endpoint(api.uri())
        .environment(Arc::new(environment))
        .build()
        .expect("builds from the environment");
    client.list_widgets().send().await.expect("succeeds");
    let calls = api.requests().await;
    assert_eq!(calls[0].url.path(), "/v1/project-from-env/widgets");
    assert_eq!(calls[0].headers["x-security-token"], "token-from-env");
    assert_signed(&calls[0], "AKFROMENV", "sk-from-env");
}

#[tokio::test]
async fn credentials_come_from_the_vendor_credentials_file() {
    let api = api().await;
    let file = scratch_file(
        "huaweicloud-credentials",
        "[basic]\nak = AKFROMFILE\nsk = sk-from-file\nproject_id = project-from-file\n",
    );
    let environment = FixedEnvironment::new().home("/nonexistent-home").var(
        "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
        file.display().to_string(),
    );
    let client: Client = Client::builder()
        .endpoint(api.uri())
        .environment(Arc::new(environment))
        .build()
        .expect("builds from the file");
    client.list_widgets().send().await.expect("succeeds");
    let calls = api.requests().await;
    assert_eq!(calls[0].url.path(), "/v1/project-from-file/widgets");
    assert_signed(&calls[0], "AKFROMFILE", "sk-from-file");
}

#[tokio::test]
async fn the_user_agent_names_the_crate_and_its_version() {
    let api = api().await;
    let client: Client = api.client();
    client.list_widgets().send().await.expect("succeeds");
    let calls = api.requests().await;
    let agent = calls[0].headers["user-agent"].to_str().expect("ascii");
    assert!(
        agent.starts_with("clouddb/") && agent.ends_with(" fixture-showcase-rest/0.1.0"),
        "{agent}"
    );
}

#[tokio::test]
async fn qingcloud_settings_come_from_the_vendor_configuration_file() {
    let server = clouddb_conformance::qingcloud::Server::start().await;
    server
        .answer(
            200,
            Some(r#"{"ret_code":0,"action":"DescribeClusterNodesResponse"}"#),
        )
        .await;
    let address = server.uri();
    let port = address.rsplit(':').next().expect("a port");
    let file = scratch_file(
        "qingcloud-config.yaml",
        &format!(
            "qy_access_key_id: QYFROMFILE\nqy_secret_access_key: qy-secret-from-file\nzone: PEK3A\n\
             host: 127.0.0.1\nport: {port}\nprotocol: http\n"
        ),
    );
    let client = fixture_showcase_action::Client::builder()
        .config_file(&file)
        .environment(Arc::new(FixedEnvironment::new()))
        .sleep(Arc::new(NoSleep))
        .build()
        .expect("builds from the file");
    client
        .describe_cluster_nodes()
        .cluster("cl-1")
        .send()
        .await
        .expect("succeeds");
    let calls = server.requests().await;
    assert_eq!(calls.len(), 1);
    let query: Vec<(String, String)> = calls[0]
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let value = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(value("access_key_id"), Some("QYFROMFILE"));
    assert_eq!(value("zone"), Some("pek3a"), "the zone is lower-cased");
    assert!(value("signature").is_some());

    let missing = fixture_showcase_action::Client::builder()
        .config_file("/nonexistent/config.yaml")
        .environment(Arc::new(FixedEnvironment::new()))
        .build()
        .expect_err("no credentials anywhere");
    let text = missing.to_string();
    assert!(
        text.contains("explicit credentials (none given)")
            && text.contains("/nonexistent/config.yaml"),
        "the error names every place looked at: {text}"
    );
}

#[tokio::test]
async fn https_requests_go_through_the_configured_proxy() {
    // The proxy refuses the tunnel; what matters is that it was asked for the right host.
    let proxy = ScriptedServer::start(vec![Step::answer(403, "")]).await;
    let client: Client = Client::builder()
        .endpoint("https://widgets.example.invalid")
        .credentials(Credentials::ak_sk("AKPROXY", "sk"))
        .project_id("p")
        .https_proxy(proxy.uri())
        .environment(Arc::new(FixedEnvironment::new()))
        .sleep(Arc::new(NoSleep))
        .build()
        .expect("builds");
    let err = client
        .list_widgets()
        .send()
        .await
        .expect_err("tunnel refused");
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    let heads = proxy.request_heads();
    assert!(
        heads
            .first()
            .is_some_and(|h| h.starts_with("CONNECT widgets.example.invalid:443 ")),
        "{heads:?}"
    );
}

#[test]
fn bad_proxy_and_ca_bundle_settings_are_configuration_errors() {
    let builder = || {
        Client::builder()
            .endpoint("https://widgets.example.invalid")
            .credentials(Credentials::ak_sk("AK", "sk"))
            .environment(Arc::new(FixedEnvironment::new()))
    };
    let err = builder()
        .https_proxy("::not a url::")
        .build()
        .expect_err("bad proxy");
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(
        err.to_string()
            .contains("the HTTPS proxy is not a valid URL"),
        "{err}"
    );

    let err = builder()
        .ca_bundle("/nonexistent/ca.pem")
        .build()
        .expect_err("missing bundle");
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(
        err.to_string()
            .contains("cannot read the CA bundle /nonexistent/ca.pem"),
        "{err}"
    );

    let empty = scratch_file("empty-ca.pem", "no certificates here\n");
    let err = builder()
        .ca_bundle(&empty)
        .build()
        .expect_err("empty bundle");
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("holds no certificate"), "{err}");
}
