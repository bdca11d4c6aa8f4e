//! Whole tasks through the generated clients against scripted local servers, as a person
//! automating them would write them:
//! - DWS: check that a shrink is possible, read the possible sizes, shrink and wait for
//!   its job, follow the redistribution it needs, and wait until the cluster is available
//!   again; a failed job is an error carrying the server's reason;
//! - QingCloud MySQL Plus: list the clusters, list a cluster's nodes to find the read-only
//!   one, rebuild it and wait for its job; a `done with failure` job is an error.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use clouddb_conformance::faults::RecordingSleep;
use clouddb_runtime::environment::FixedEnvironment;
use clouddb_runtime::wait::WaitOptions;
use clouddb_runtime::ErrorKind;
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// Answers each route (a key made from the request) from its own script, one answer per
/// request; a script's last answer repeats. Unknown routes answer 404.
#[derive(Clone)]
struct Routes {
    scripts: Arc<Mutex<HashMap<String, VecDeque<Value>>>>,
    key: fn(&Request) -> String,
}

impl Routes {
    fn new(key: fn(&Request) -> String, scripts: Vec<(&str, Vec<Value>)>) -> Self {
        let scripts = scripts
            .into_iter()
            .map(|(route, answers)| (route.to_owned(), answers.into()))
            .collect();
        Self {
            scripts: Arc::new(Mutex::new(scripts)),
            key,
        }
    }
}

impl Respond for Routes {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let key = (self.key)(request);
        let mut scripts = self.scripts.lock().unwrap_or_else(|p| p.into_inner());
        let Some(script) = scripts.get_mut(&key) else {
            return ResponseTemplate::new(404).set_body_string(format!("no route {key}"));
        };
        let answer = if script.len() > 1 {
            script.pop_front()
        } else {
            script.front().cloned()
        };
        ResponseTemplate::new(200)
            .insert_header("X-Request-Id", "walk")
            .set_body_json(answer.unwrap_or(Value::Null))
    }
}

async fn serve(routes: Routes) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(routes).mount(&server).await;
    server
}

/// `METHOD /path` with the project id and the cluster and job ids made generic.
fn huawei_route(request: &Request) -> String {
    let path = request
        .url
        .path()
        .replace(PROJECT, "{project_id}")
        .replace(DWS_CLUSTER, "{cluster_id}")
        .replace(DWS_JOB, "{job_id}");
    format!("{} {path}", request.method)
}

const DWS_CLUSTER: &str = "4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90";
const DWS_JOB: &str = "2c9081c88418ed420184197c8bc80001";

fn dws_client(server: &MockServer) -> huaweicloud_dws::Client {
    huaweicloud_dws::Client::builder()
        .endpoint(server.uri())
        .credentials(huaweicloud_dws::Credentials::ak_sk("AKWALK", "sk"))
        .project_id(PROJECT)
        .environment(Arc::new(FixedEnvironment::new()))
        .sleep(Arc::new(RecordingSleep::default()))
        .build()
        .expect("builds")
}

fn dws_cluster(status: &str, task_status: &str) -> Value {
    json!({"cluster": {"id": DWS_CLUSTER, "name": "dws-1", "status": status,
        "task_status": task_status, "action_progress": {}}})
}

fn dws_job(status: &str, progress: &str) -> Value {
    json!({"job_id": DWS_JOB, "job_name": "shrinkClusterJob", "status": status,
        "progress": progress, "failed_code": "", "failed_detail": ""})
}

#[tokio::test]
async fn dws_shrink_end_to_end() {
    let server = serve(Routes::new(
        huawei_route,
        vec![
            (
                "GET /v1/{project_id}/clusters/{cluster_id}/shrink-check",
                vec![json!({"is_passed": true})],
            ),
            (
                "GET /v1.0/{project_id}/clusters/{cluster_id}/shrink-numbers",
                vec![json!({"shrink_sequence": ["3", "7"]})],
            ),
            (
                "POST /v1.0/{project_id}/clusters/{cluster_id}/cluster-shrink",
                vec![json!({"job_id": DWS_JOB})],
            ),
            (
                "GET /v1.0/{project_id}/job/{job_id}",
                vec![dws_job("RUNNING", "10%"), dws_job("RUNNING", "60%"), dws_job("SUCCESS", "100%")],
            ),
            (
                "GET /v2/{project_id}/clusters/{cluster_id}/redistribution",
                vec![
                    json!({"redis_info": {"status": "RUNNING", "redis_progress": {"total_progress": 40}}}),
                    json!({"redis_info": {"status": "SUCCESS", "redis_progress": {"total_progress": 100}}}),
                ],
            ),
            (
                "GET /v1.0/{project_id}/clusters/{cluster_id}",
                vec![dws_cluster("AVAILABLE", "CLUSTER_SHRINKING"), dws_cluster("AVAILABLE", "")],
            ),
        ],
    ))
    .await;
    let client = dws_client(&server);

    let check = client
        .check_cluster_shrink()
        .cluster_id(DWS_CLUSTER)
        .check_item("disk")
        .shrink_count(3)
        .send()
        .await
        .expect("the check answers");
    assert_eq!(check.body().is_passed, Some(true));
    let sizes = client
        .list_cluster_scale_in_numbers()
        .cluster_id(DWS_CLUSTER)
        .send()
        .await
        .expect("the sizes answer");
    let smallest = sizes.body().shrink_sequence.clone().unwrap_or_default()[0].clone();
    assert_eq!(smallest, "3");

    let body = clouddb_conformance::from_json(r#"{"shrink_number": 3, "online": true}"#);
    let (response, job) = client
        .shrink_cluster()
        .cluster_id(DWS_CLUSTER)
        .body(body)
        .send_and_wait(&WaitOptions::new())
        .await
        .expect("the shrink job succeeds");
    assert_eq!(response.body().job_id.as_deref(), Some(DWS_JOB));
    assert_eq!((job.status.as_str(), job.polls), ("SUCCESS", 3));
    assert_eq!(job.progress.as_deref(), Some("100%"));

    let redistribution = client
        .wait_until_redistribution_done(DWS_CLUSTER, &WaitOptions::new())
        .await
        .expect("the redistribution ends");
    assert_eq!(redistribution.status, "SUCCESS");
    assert_eq!(redistribution.progress.as_deref(), Some("100"));

    let cluster = client
        .wait_until_cluster_available(DWS_CLUSTER, &WaitOptions::new())
        .await
        .expect("the cluster is available again");
    assert_eq!((cluster.status.as_str(), cluster.polls), ("AVAILABLE", 2));
}

#[tokio::test]
async fn a_failed_dws_job_is_an_error_carrying_the_servers_reason() {
    let failed = json!({"job_id": DWS_JOB, "status": "FAIL", "progress": "40%",
        "failed_code": "ShrinkTask-fail:DWS.0116",
        "failed_detail": "DWS.0116: the cluster has too little free disk space"});
    let server = serve(Routes::new(
        huawei_route,
        vec![
            (
                "POST /v1.0/{project_id}/clusters/{cluster_id}/cluster-shrink",
                vec![json!({"job_id": DWS_JOB})],
            ),
            (
                "GET /v1.0/{project_id}/job/{job_id}",
                vec![dws_job("RUNNING", "20%"), failed],
            ),
        ],
    ))
    .await;
    let error = dws_client(&server)
        .shrink_cluster()
        .cluster_id(DWS_CLUSTER)
        .body(clouddb_conformance::from_json(r#"{"shrink_number": 3}"#))
        .send_and_wait(&WaitOptions::new())
        .await
        .expect_err("the job failed");
    assert_eq!(error.kind(), ErrorKind::JobFailed, "{error}");
    let job = error.job().expect("the job's last state");
    assert_eq!(job.status, "FAIL");
    assert!(
        job.failure_reason
            .as_deref()
            .unwrap_or_default()
            .contains("DWS.0116"),
        "{job:?}"
    );
    assert!(
        error.to_string().contains("too little free disk space"),
        "{error}"
    );
}

/// `action` (and `service` for custom services) of a QingCloud request.
fn qingcloud_route(request: &Request) -> String {
    let pairs: HashMap<String, String> = request.url.query_pairs().into_owned().collect();
    match pairs.get("service") {
        Some(service) => format!("{} {service}", pairs["action"]),
        None => pairs.get("action").cloned().unwrap_or_default(),
    }
}

fn qingcloud_client(server: &MockServer) -> qingcloud_mysql_plus::Client {
    qingcloud_mysql_plus::Client::builder()
        .endpoint(server.uri())
        .credentials(qingcloud_mysql_plus::Credentials::new("QYWALK", "secret"))
        .zone("pek3")
        .environment(Arc::new(FixedEnvironment::new()))
        .sleep(Arc::new(RecordingSleep::default()))
        .build()
        .expect("builds")
}

fn qingcloud_job(status: &str) -> Value {
    json!({"action": "DescribeJobsResponse", "total_count": 1, "ret_code": 0,
        "job_set": [{"job_id": "j-rebuild", "job_action": "RunClusterCustomService", "status": status,
            "resource_ids": "cl-walk", "error_codes": if status == "done with failure" { "1400" } else { "" }}]})
}

fn qingcloud_walk(job_states: Vec<Value>) -> Routes {
    Routes::new(
        qingcloud_route,
        vec![
            (
                "DescribeClusters",
                vec![
                    json!({"action": "DescribeClustersResponse", "ret_code": 0, "total_count": 1,
                    "cluster_set": [{"cluster_id": "cl-walk", "name": "mysql-plus", "status": "active", "transition_status": ""}]}),
                ],
            ),
            (
                "DescribeClusterNodes",
                vec![
                    json!({"action": "DescribeClusterNodesResponse", "ret_code": 0, "total_count": 2,
                    "node_set": [
                        {"node_id": "cln-main", "cluster_id": "cl-walk", "role": "maininstance", "status": "active"},
                        {"node_id": "cln-read", "cluster_id": "cl-walk", "role": "readinstance", "status": "active"}
                    ]}),
                ],
            ),
            (
                "RunClusterCustomService rebuildme",
                vec![
                    json!({"action": "RunClusterCustomServiceResponse", "ret_code": 0,
                    "job_id": "j-rebuild", "cluster_id": "cl-walk", "service": "rebuildme", "role": "readinstance"}),
                ],
            ),
            ("DescribeJobs", job_states),
        ],
    )
}

#[tokio::test]
async fn qingcloud_rebuild_end_to_end() {
    let server = serve(qingcloud_walk(vec![
        qingcloud_job("pending"),
        qingcloud_job("working"),
        qingcloud_job("successful"),
    ]))
    .await;
    let client = qingcloud_client(&server);
    let clusters = client.describe_clusters().send().await.expect("clusters");
    let cluster = clusters.body().cluster_set.clone().unwrap_or_default()[0]
        .cluster_id
        .clone()
        .expect("a cluster id");
    let nodes = client
        .describe_cluster_nodes()
        .cluster(cluster.clone())
        .send()
        .await
        .expect("nodes");
    let read_only = nodes
        .body()
        .node_set
        .clone()
        .unwrap_or_default()
        .into_iter()
        .find(|n| n.role.as_deref() == Some("readinstance"))
        .and_then(|n| n.node_id)
        .expect("a read-only node");
    assert_eq!(read_only, "cln-read");
    let params = clouddb_conformance::from_json(&format!(r#"{{"node_id": "{read_only}"}}"#));
    let (response, job) = client
        .rebuild_read_only_node()
        .cluster(cluster)
        .service_params(params)
        .send_and_wait(&WaitOptions::new())
        .await
        .expect("the rebuild succeeds");
    assert_eq!(response.body().job_id.as_deref(), Some("j-rebuild"));
    assert_eq!((job.status.as_str(), job.polls), ("successful", 3));
    let sent: Vec<String> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| qingcloud_route(r) == "RunClusterCustomService rebuildme")
        .filter_map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "service_params")
                .map(|(_, v)| v.into_owned())
        })
        .collect();
    assert_eq!(sent, [r#"{"node_id":"cln-read"}"#]);
}

#[tokio::test]
async fn a_qingcloud_job_done_with_failure_is_an_error() {
    let server = serve(qingcloud_walk(vec![
        qingcloud_job("working"),
        qingcloud_job("done with failure"),
    ]))
    .await;
    let error = qingcloud_client(&server)
        .rebuild_read_only_node()
        .cluster("cl-walk")
        .service_params(clouddb_conformance::from_json(r#"{"node_id": "cln-read"}"#))
        .send_and_wait(&WaitOptions::new())
        .await
        .expect_err("the job failed");
    assert_eq!(error.kind(), ErrorKind::JobFailed, "{error}");
    assert_eq!(
        error.job().expect("the last state").status,
        "done with failure"
    );
}
