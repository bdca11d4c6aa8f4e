//! Resource waiters against a scripted local server: a CSS cluster (which has no job API)
//! moves through the states the vendor documents, and the generated `send_and_wait` and
//! `wait_until_*` methods must report the end of the work, never its start: creation with
//! a cluster not visible yet, a restart whose first answers still show the old state (the
//! race at the start), a failure state with the vendor's reason, a cluster that
//! disappears, a deletion, and a transition that is never seen within the grace period.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use clouddb_conformance::faults::RecordingSleep;
use clouddb_runtime::environment::FixedEnvironment;
use clouddb_runtime::huawei::Credentials;
use clouddb_runtime::wait::WaitOptions;
use clouddb_runtime::ErrorKind;
use huaweicloud_css::Client;
use serde_json::{json, Value};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const CLUSTER: &str = "4f3deec3-efa8-4598-bf91-560aad1377a3";

/// Answers ShowClusterDetail from a script, one answer per poll; the last one repeats.
#[derive(Clone)]
struct Script(Arc<Mutex<VecDeque<(u16, Value)>>>);

impl Script {
    fn new(answers: Vec<(u16, Value)>) -> Self {
        Self(Arc::new(Mutex::new(answers.into())))
    }
}

impl Respond for Script {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut answers = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let (status, body) = if answers.len() > 1 {
            answers.pop_front().expect("a scripted answer")
        } else {
            answers.front().cloned().expect("a scripted answer")
        };
        ResponseTemplate::new(status).set_body_json(body)
    }
}

/// The cluster as ShowClusterDetail shows it.
fn cluster(status: &str, actions: &[&str]) -> (u16, Value) {
    (
        200,
        json!({"id": CLUSTER, "name": "es-1", "status": status, "actions": actions, "actionProgress": {}}),
    )
}

fn not_found() -> (u16, Value) {
    (
        404,
        json!({"errCode": "CSS.0022", "externalMessage": "The cluster does not exist."}),
    )
}

/// A server whose writes answer `start` and whose ShowClusterDetail follows `script`.
async fn server(start: Value, script: Vec<(u16, Value)>) -> (MockServer, Client, RecordingSleep) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path_regex(r"^/v1\.0/[0-9a-f]+/clusters/[^/]+$"))
        .respond_with(Script::new(script))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(start.clone()))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200).set_body_json(start))
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let client = Client::builder()
        .endpoint(server.uri())
        .credentials(Credentials::ak_sk("AKWAIT", "sk"))
        .project_id(PROJECT)
        .environment(Arc::new(FixedEnvironment::new()))
        .sleep(Arc::new(sleep.clone()))
        .build()
        .expect("builds");
    (server, client, sleep)
}

/// How many times ShowClusterDetail was asked.
async fn polls(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.method.as_str() == "GET")
        .count()
}

#[tokio::test]
async fn a_created_cluster_is_waited_for_until_available() {
    let (server, client, _) = server(
        json!({"cluster": {"id": CLUSTER, "name": "es-1"}}),
        vec![
            not_found(),
            (
                200,
                json!({"id": CLUSTER, "status": "100", "actions": [], "actionProgress": {"CREATING": "40%"}}),
            ),
            cluster("200", &[]),
        ],
    )
    .await;
    // The spec's request example of CreateClusterV2.
    let body = clouddb_conformance::from_json(
        r#"{"cluster": {"adminPwd": "{password}", "authorityEnable": true, "availability_zone": "{Az code}", "backupStrategy": {"agency": "css_obs_agency", "basePath": "css_repository/obs-path", "bucket": "OBS-obsName", "keepday": 7, "period": "16:00 GMT+08:00", "prefix": "snapshot"}, "datastore": {"type": "elasticsearch", "version": "{cluster-version}"}, "enterprise_project_id": 0, "httpsEnable": true, "loadBalance": {"endpointWithDnsName": false, "vpcPermissions": ["{Account ID}"]}, "name": "css-cluster", "nics": {"netId": "{NET ID}", "securityGroupId": "{Security group ID}", "vpcId": "{VPC ID}"}, "payInfo": {"isAutoPay": 1, "isAutoRenew": 1, "payModel": 2, "period": 1}, "publicIPReq": {"eip": {"bandWidth": {"size": 5}}, "eipId": null, "elbWhiteListReq": {"enableWhiteList": true, "whiteList": "127.0.0.1"}, "publicBindType": "auto_assign"}, "publicKibanaReq": {"eipSize": 5, "elbWhiteList": {"enableWhiteList": true, "whiteList": "127.0.0.1"}}, "roles": [{"flavorRef": "ess.spec-4u8g", "instanceNum": 1, "type": "ess", "volume": {"size": 100, "volume_type": "COMMON"}}], "tags": [{"key": "k1", "value": "v1"}, {"key": "k2", "value": "v2"}]}}"#,
    );
    let (response, state) = client
        .create_cluster_v2()
        .body(body)
        .send_and_wait(&WaitOptions::new())
        .await
        .expect("the cluster becomes available");
    assert_eq!(response.status(), 200);
    assert_eq!((state.id.as_str(), state.status.as_str()), (CLUSTER, "200"));
    assert_eq!(
        state.polls, 3,
        "a cluster not visible yet right after creation is waited for"
    );
    assert_eq!(polls(&server).await, 3);
}

#[tokio::test]
async fn the_state_from_before_a_restart_is_not_taken_for_its_end() {
    let (server, client, _) = server(
        json!({}),
        vec![
            cluster("200", &[]),
            cluster("200", &[]),
            cluster("200", &["REBOOTING"]),
            cluster("200", &[]),
        ],
    )
    .await;
    let (_, state) = client
        .restart_cluster_v2()
        .cluster_id(CLUSTER)
        .body(clouddb_conformance::from_json(
            r#"{"type": "role", "value": "ess"}"#,
        ))
        .send_and_wait(&WaitOptions::new())
        .await
        .expect("the restart ends");
    assert_eq!(state.status, "200");
    assert_eq!(
        state.polls, 4,
        "two answers from before the restart, one during, one after"
    );
    assert_eq!(polls(&server).await, 4);
}

#[tokio::test]
async fn waiting_directly_on_an_available_cluster_ends_at_once() {
    let (server, client, _) = server(json!({}), vec![cluster("200", &[])]).await;
    let state = client
        .wait_until_cluster_available(CLUSTER, &WaitOptions::new())
        .await
        .expect("available");
    assert_eq!(state.polls, 1);
    assert_eq!(polls(&server).await, 1);
}

#[tokio::test]
async fn an_unavailable_cluster_is_a_failure_with_the_vendors_reason() {
    let failed = (
        200,
        json!({"id": CLUSTER, "status": "303", "actions": [],
               "failedReason": {"errorCode": "CSS.6002", "errorMsg": "Failed to restart the cluster."}}),
    );
    let (_server, client, _) =
        server(json!({}), vec![cluster("200", &["REBOOTING"]), failed]).await;
    let error = client
        .rolling_restart()
        .cluster_id(CLUSTER)
        .body(clouddb_conformance::from_json(
            r#"{"type": "role", "value": "ess"}"#,
        ))
        .send_and_wait(&WaitOptions::new())
        .await
        .expect_err("the restart failed");
    assert_eq!(error.kind(), ErrorKind::JobFailed, "{error}");
    let state = error.job().expect("the last state");
    assert_eq!(state.status, "303");
    let reason = state.failure_reason.as_deref().unwrap_or_default();
    assert!(reason.contains("CSS.6002"), "{reason}");
    assert!(error.to_string().contains("cluster 4f3deec3"), "{error}");
}

#[tokio::test]
async fn a_cluster_that_disappears_while_it_works_is_a_failure() {
    let (_server, client, _) =
        server(json!({}), vec![cluster("100", &["GROWING"]), not_found()]).await;
    let error = client
        .wait_until_cluster_available(CLUSTER, &WaitOptions::new())
        .await
        .expect_err("the cluster is gone");
    assert_eq!(error.kind(), ErrorKind::JobFailed, "{error}");
    assert_eq!(error.job().expect("the last state").status, "not found");
}

#[tokio::test]
async fn a_deleted_cluster_is_waited_for_until_it_is_gone() {
    let (server, client, _) = server(
        json!({}),
        vec![cluster("200", &[]), cluster("303", &[]), not_found()],
    )
    .await;
    let (_, state) = client
        .delete_cluster()
        .cluster_id(CLUSTER)
        .send_and_wait(&WaitOptions::new())
        .await
        .expect("the cluster is gone");
    assert_eq!(state.status, "not found");
    assert_eq!(polls(&server).await, 3);
}

#[tokio::test]
async fn a_transition_never_seen_is_accepted_after_the_grace_period() {
    // The restart was over before the first poll: the cluster keeps its idle state, which
    // is accepted once the grace period (60 s) has passed.
    let (server, client, sleep) = server(json!({}), vec![cluster("200", &[])]).await;
    let (_, state) = client
        .restart_cluster_v2()
        .cluster_id(CLUSTER)
        .body(clouddb_conformance::from_json(
            r#"{"type": "role", "value": "ess"}"#,
        ))
        .send_and_wait(&WaitOptions::new())
        .await
        .expect("accepted after the grace period");
    assert!(state.elapsed.as_secs() >= 60, "{state:?}");
    let slept: u64 = sleep.waits().iter().map(|w| w.as_secs()).sum();
    assert!(slept >= 60, "waited {slept} s");
    assert!(polls(&server).await > 1);
}
