//! Paged lists and job waiting against local servers: a server holding a multi-page data
//! set (which may change between pages) serves the showcase crates' paged operations, and
//! a scripted job-information operation drives the waiters through running, succeeded,
//! failed, unknown and never-ending jobs.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use clouddb_conformance::faults::RecordingSleep;
use clouddb_runtime::environment::FixedEnvironment;
use clouddb_runtime::huawei::Credentials;
use clouddb_runtime::wait::WaitOptions;
use clouddb_runtime::ErrorKind;
use clouddb_runtime::Job;
use fixture_showcase_rest::Client;
use serde_json::{json, Value};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

fn client(server: &MockServer, sleep: &RecordingSleep) -> Client {
    Client::builder()
        .endpoint(server.uri())
        .credentials(Credentials::ak_sk("AKLISTS", "sk"))
        .project_id(PROJECT)
        .environment(Arc::new(FixedEnvironment::new()))
        .sleep(Arc::new(sleep.clone()))
        .build()
        .expect("builds")
}

fn query(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Changes the list after the page with the given number was served.
type ListChange = Arc<dyn Fn(u32, &mut Vec<String>) + Send + Sync>;

/// Widgets served by offset and limit, with a hook that may change the list after each
/// page; a page can also be made to fail.
#[derive(Clone)]
struct WidgetShelf {
    widgets: Arc<Mutex<Vec<String>>>,
    pages_served: Arc<Mutex<u32>>,
    after_page: ListChange,
    fail_page: Option<u32>,
}

impl WidgetShelf {
    fn new(count: usize) -> Self {
        Self {
            widgets: Arc::new(Mutex::new((1..=count).map(|i| format!("w-{i}")).collect())),
            pages_served: Arc::default(),
            after_page: Arc::new(|_, _| {}),
            fail_page: None,
        }
    }
}

impl Respond for WidgetShelf {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut served = self.pages_served.lock().unwrap_or_else(|p| p.into_inner());
        *served += 1;
        if self.fail_page == Some(*served) {
            return ResponseTemplate::new(400).set_body_json(
                json!({"error_code": "SHOW.0001", "error_msg": "Invalid widget name."}),
            );
        }
        let offset: usize = query(request, "offset")
            .and_then(|o| o.parse().ok())
            .unwrap_or(0);
        let limit: usize = query(request, "limit")
            .and_then(|l| l.parse().ok())
            .unwrap_or(10);
        let mut widgets = self.widgets.lock().unwrap_or_else(|p| p.into_inner());
        let page: Vec<Value> = widgets
            .iter()
            .skip(offset)
            .take(limit)
            .map(|id| json!({"id": id}))
            .collect();
        let total = widgets.len();
        (self.after_page)(*served, &mut widgets);
        ResponseTemplate::new(200).set_body_json(json!({"widgets": page, "total_count": total}))
    }
}

async fn shelf_server(shelf: WidgetShelf) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/{PROJECT}/widgets")))
        .respond_with(shelf)
        .mount(&server)
        .await;
    server
}

async fn offsets_asked(server: &MockServer) -> Vec<(Option<String>, Option<String>)> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| (query(r, "offset"), query(r, "limit")))
        .collect()
}

fn ids(items: &[fixture_showcase_rest::types::Widget]) -> Vec<String> {
    items.iter().filter_map(|w| w.id.clone()).collect()
}

#[tokio::test]
async fn offset_pages_follow_the_total_and_keep_the_page_size() {
    let server = shelf_server(WidgetShelf::new(7)).await;
    let sleep = RecordingSleep::default();
    let client = client(&server, &sleep);

    let (items, error) = client.list_widgets().limit(3).items().collect_all().await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        ids(&items),
        ["w-1", "w-2", "w-3", "w-4", "w-5", "w-6", "w-7"]
    );
    let asked = offsets_asked(&server).await;
    let expected: Vec<(Option<String>, Option<String>)> = ["0", "3", "6"]
        .iter()
        .map(|o| (Some((*o).to_owned()), Some("3".to_owned())))
        .collect();
    assert_eq!(
        asked, expected,
        "three requests, the page size on each, no request past the end"
    );
}

#[tokio::test]
async fn pages_start_at_the_callers_offset_and_are_yielded_whole() {
    let server = shelf_server(WidgetShelf::new(5)).await;
    let sleep = RecordingSleep::default();
    let client = client(&server, &sleep);

    let mut pages = client.list_widgets().offset(2).limit(2).pages();
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.expect("a page");
        assert_eq!(page.body().total_count, Some(5));
        sizes.push(page.body().widgets.as_ref().map_or(0, Vec::len));
    }
    assert_eq!(sizes, [2, 1]);
    let asked: Vec<Option<String>> = offsets_asked(&server)
        .await
        .into_iter()
        .map(|(o, _)| o)
        .collect();
    assert_eq!(asked, [Some("2".to_owned()), Some("4".to_owned())]);
}

#[tokio::test]
async fn a_list_that_grows_or_shrinks_between_pages_ends_at_its_current_end() {
    // Two widgets are added after the first page: the stream reads on to the new total.
    let mut growing = WidgetShelf::new(4);
    growing.after_page = Arc::new(|page, widgets: &mut Vec<String>| {
        if page == 1 {
            widgets.push("w-5".into());
            widgets.push("w-6".into());
        }
    });
    let server = shelf_server(growing).await;
    let sleep = RecordingSleep::default();
    let (items, error) = client(&server, &sleep)
        .list_widgets()
        .limit(2)
        .items()
        .collect_all()
        .await;
    assert!(error.is_none());
    assert_eq!(ids(&items), ["w-1", "w-2", "w-3", "w-4", "w-5", "w-6"]);

    // Three widgets are removed after the first page: the next page is short, its total
    // says the list ended, and nothing is asked beyond it.
    let mut shrinking = WidgetShelf::new(6);
    shrinking.after_page = Arc::new(|page, widgets: &mut Vec<String>| {
        if page == 1 {
            widgets.truncate(3);
        }
    });
    let server = shelf_server(shrinking).await;
    let (items, error) = client(&server, &sleep)
        .list_widgets()
        .limit(2)
        .items()
        .collect_all()
        .await;
    assert!(error.is_none());
    assert_eq!(ids(&items), ["w-1", "w-2", "w-3"]);
    assert_eq!(offsets_asked(&server).await.len(), 2);
}

#[tokio::test]
async fn an_error_ends_the_stream_after_the_items_already_read() {
    let mut failing = WidgetShelf::new(9);
    failing.fail_page = Some(2);
    let server = shelf_server(failing).await;
    let sleep = RecordingSleep::default();
    let client = client(&server, &sleep);

    let mut items = client.list_widgets().limit(3).items();
    let mut read = Vec::new();
    let mut errors = Vec::new();
    while let Some(item) = items.next().await {
        match item {
            Ok(widget) => read.extend(widget.id),
            Err(error) => errors.push(error),
        }
    }
    assert_eq!(read, ["w-1", "w-2", "w-3"], "the first page is kept");
    assert_eq!(errors.len(), 1, "one error, then the end");
    let api = errors[0].api_error().expect("the API error is kept");
    assert_eq!(api.code(), Some("SHOW.0001"));
    assert_eq!(
        offsets_asked(&server).await.len(),
        2,
        "nothing is asked after the error"
    );

    // A builder missing a required parameter yields its error as the only item.
    let mut events = client.list_widget_events().pages();
    let first = events.next().await.expect("one item");
    assert_eq!(first.expect_err("incomplete").kind(), ErrorKind::Validation);
    assert!(events.next().await.is_none());
}

/// An event log read by marker: `line_num` of the last entry continues the next page.
struct EventLog(Vec<u64>);

impl Respond for EventLog {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        let after: u64 = body["line_num"]
            .as_str()
            .and_then(|m| m.parse().ok())
            .unwrap_or(0);
        let limit = body["limit"].as_u64().unwrap_or(10) as usize;
        let events: Vec<Value> = self
            .0
            .iter()
            .filter(|n| **n > after)
            .take(limit)
            .map(|n| json!({"line_num": n.to_string(), "message": format!("event {n}")}))
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({ "events": events }))
    }
}

#[tokio::test]
async fn markers_continue_after_the_last_item_until_a_short_page() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/{PROJECT}/widget-events")))
        .respond_with(EventLog(vec![11, 12, 13, 14, 15]))
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let request: fixture_showcase_rest::types::WidgetEventsRequest =
        serde_json::from_value(json!({"limit": 2})).expect("a body");
    let (items, error) = client(&server, &sleep)
        .list_widget_events()
        .body(request)
        .items()
        .collect_all()
        .await;
    assert!(error.is_none(), "{error:?}");
    let lines: Vec<String> = items.iter().filter_map(|e| e.line_num.clone()).collect();
    assert_eq!(lines, ["11", "12", "13", "14", "15"]);
    let markers: Vec<Value> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap_or_default()["line_num"].clone())
        .collect();
    assert_eq!(markers, [Value::Null, json!("12"), json!("14")]);
}

#[tokio::test]
async fn a_marker_that_does_not_move_is_an_error_not_an_endless_loop() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"events": [{"line_num": "7", "message": "a"}, {"line_num": "7", "message": "b"}]}),
        ))
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let request: fixture_showcase_rest::types::WidgetEventsRequest =
        serde_json::from_value(json!({"limit": 2})).expect("a body");
    let (items, error) = client(&server, &sleep)
        .list_widget_events()
        .body(request)
        .items()
        .collect_all()
        .await;
    assert_eq!(items.len(), 4, "both pages' items are kept");
    let error = error.expect("the repeated marker is reported");
    assert!(error.to_string().contains("two pages in a row"), "{error}");
}

/// Versions served by page number and page size.
struct VersionShelf(Vec<&'static str>);

impl Respond for VersionShelf {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let page: usize = query(request, "page_no")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let size: usize = query(request, "page_size")
            .and_then(|p| p.parse().ok())
            .unwrap_or(10);
        let versions: Vec<&str> = self
            .0
            .iter()
            .skip((page - 1) * size)
            .take(size)
            .copied()
            .collect();
        ResponseTemplate::new(200)
            .set_body_json(json!({"versions": versions, "total": self.0.len()}))
    }
}

#[tokio::test]
async fn page_numbers_count_up_until_the_total_is_read() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/{PROJECT}/widget-versions")))
        .respond_with(VersionShelf(vec!["5.7", "8.0", "8.1", "8.2"]))
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let (items, error) = client(&server, &sleep)
        .list_widget_versions()
        .page_size(2)
        .items()
        .collect_all()
        .await;
    assert!(error.is_none());
    assert_eq!(items, ["5.7", "8.0", "8.1", "8.2"]);
    let pages: Vec<Option<String>> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| query(r, "page_no"))
        .collect();
    assert_eq!(
        pages,
        [Some("1".to_owned()), Some("2".to_owned())],
        "the total ends it without an empty page"
    );
}

/// Job states served in order; the last one repeats.
struct JobScript(Mutex<Vec<Value>>);

impl JobScript {
    fn new(states: Vec<Value>) -> Self {
        Self(Mutex::new(states))
    }
}

impl Respond for JobScript {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let mut states = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let state = if states.len() > 1 {
            states.remove(0)
        } else {
            states.first().cloned().unwrap_or_default()
        };
        ResponseTemplate::new(200).set_body_json(state)
    }
}

fn job(status: &str, progress: &str) -> Value {
    json!({"job": {"id": "job-9", "status": status, "progress": progress}})
}

async fn job_server(states: Vec<Value>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path_regex(r"^/v2/[0-9a-f]+/widgets/.+$"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"job_id": "job-9"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/{PROJECT}/jobs")))
        .respond_with(JobScript::new(states))
        .mount(&server)
        .await;
    server
}

fn recording_progress() -> (WaitOptions, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let options = WaitOptions::new().on_progress(move |job: &Job| {
        sink.lock().unwrap_or_else(|p| p.into_inner()).push(format!(
            "{} {}",
            job.status,
            job.progress.as_deref().unwrap_or("-")
        ));
    });
    (options, seen)
}

#[tokio::test]
async fn send_and_wait_polls_until_the_job_completes() {
    let server = job_server(vec![
        job("Running", "10%"),
        job("Running", "60%"),
        job("Completed", "100%"),
    ])
    .await;
    let sleep = RecordingSleep::default();
    let (options, seen) = recording_progress();
    let (response, job) = client(&server, &sleep)
        .delete_widget_async()
        .widget_name("widget-1")
        .send_and_wait(&options)
        .await
        .expect("the job completes");
    assert_eq!(response.body().job_id.as_deref(), Some("job-9"));
    assert_eq!(job.status, "Completed");
    assert_eq!(job.polls, 3);
    assert_eq!(
        *seen.lock().unwrap_or_else(|p| p.into_inner()),
        ["Running 10%", "Running 60%", "Completed 100%"]
    );
    let polled: Vec<Option<String>> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.method.as_str() == "GET")
        .map(|r| query(r, "id"))
        .collect();
    assert_eq!(polled, vec![Some("job-9".to_owned()); 3]);
    assert_eq!(
        sleep.waits(),
        [
            Duration::from_secs(1),
            Duration::from_secs(2),
            Duration::from_secs(3)
        ],
        "the first poll after a second, then growing intervals"
    );
}

#[tokio::test]
async fn a_failed_job_is_an_error_with_the_vendors_reason() {
    let server = job_server(vec![
        job("Running", "30%"),
        json!({"job": {"id": "job-9", "status": "Failed", "fail_reason": "The disk quota is used up."}}),
    ])
    .await;
    let sleep = RecordingSleep::default();
    let error = client(&server, &sleep)
        .delete_widget_async()
        .widget_name("widget-1")
        .send_and_wait(&WaitOptions::new())
        .await
        .expect_err("the job failed");
    assert_eq!(error.kind(), ErrorKind::JobFailed);
    assert_eq!(
        error.to_string(),
        "job job-9 ended with status `Failed`: The disk quota is used up."
    );
    let job = error.job().expect("the job's state is kept");
    assert_eq!(
        job.failure_reason.as_deref(),
        Some("The disk quota is used up.")
    );
    assert_eq!(job.answer["job"]["status"], "Failed");
}

#[tokio::test]
async fn a_job_that_never_ends_times_out_with_its_last_state() {
    let server = job_server(vec![job("Pending", "0%"), job("Running", "5%")]).await;
    let sleep = RecordingSleep::default();
    let options = WaitOptions::new()
        .interval(Duration::from_secs(2), Duration::from_secs(4))
        .max_wait(Duration::from_secs(15));
    let error = client(&server, &sleep)
        .wait_for_job("job-9", &options)
        .await
        .expect_err("it never ends");
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert!(
        error
            .to_string()
            .contains("job job-9 is still `Running` after 15 s"),
        "{error}"
    );
    assert_eq!(error.job().map(|j| j.progress.as_deref()), Some(Some("5%")));
    let waited: Duration = sleep.waits().iter().sum();
    assert_eq!(
        waited,
        Duration::from_secs(15),
        "the last poll is at the longest wait, not past it"
    );
}

#[tokio::test]
async fn an_unknown_status_keeps_waiting_and_a_missing_one_is_an_error() {
    let server = job_server(vec![job("Queued", "-"), job("Completed", "100%")]).await;
    let sleep = RecordingSleep::default();
    let job = client(&server, &sleep)
        .wait_for_job("job-9", &WaitOptions::new())
        .await
        .expect("completes after the unknown status");
    assert_eq!(job.polls, 2);

    let server = job_server(vec![json!({"job": {"id": "job-9"}})]).await;
    let error = client(&server, &sleep)
        .wait_for_job("job-9", &WaitOptions::new())
        .await
        .expect_err("no status");
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(
        error.to_string().contains("has no status at `/job/status`"),
        "{error}"
    );
}

#[tokio::test]
async fn qingcloud_jobs_done_with_failure_are_failures() {
    let mock = MockServer::start().await;
    let answers = JobScript::new(vec![
        json!({"action": "AddClusterNodesResponse", "job_id": "j-1", "ret_code": 0}),
        json!({"action": "DescribeJobsResponse", "job_set": [{"job_id": "j-1", "status": "working"}], "total_count": 1, "ret_code": 0}),
        json!({"action": "DescribeJobsResponse", "job_set": [{"job_id": "j-1", "status": "done with failure"}], "total_count": 1, "ret_code": 0}),
    ]);
    Mock::given(method("GET"))
        .respond_with(answers)
        .mount(&mock)
        .await;
    let sleep = RecordingSleep::default();
    let client = fixture_showcase_action::Client::builder()
        .endpoint(mock.uri())
        .credentials(clouddb_runtime::qingcloud::Credentials::new(
            "QYJOBS", "secret",
        ))
        .zone("sh1a")
        .environment(Arc::new(FixedEnvironment::new()))
        .sleep(Arc::new(sleep.clone()))
        .build()
        .expect("builds");
    let error = client
        .add_cluster_nodes()
        .cluster("cl-1")
        .node_count(1)
        .send_and_wait(&WaitOptions::new())
        .await
        .expect_err("done with failure is a failure");
    assert_eq!(error.kind(), ErrorKind::JobFailed);
    assert_eq!(
        error.job().map(|j| j.status.as_str()),
        Some("done with failure")
    );
    let requests = mock.received_requests().await.unwrap_or_default();
    let actions: Vec<(Option<String>, Option<String>)> = requests
        .iter()
        .map(|r| (query(r, "action"), query(r, "jobs.1")))
        .collect();
    assert_eq!(
        actions,
        [
            (Some("AddClusterNodes".to_owned()), None),
            (Some("DescribeJobs".to_owned()), Some("j-1".to_owned())),
            (Some("DescribeJobs".to_owned()), Some("j-1".to_owned())),
        ]
    );
}

#[tokio::test]
async fn the_vendor_crates_page_and_wait_as_their_specs_say() {
    // GaussDB: restart an instance and wait for the job through ShowJob.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"job_id": "dff1d289-4d03-4942-8b9f-463ea07c000d"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v3/{PROJECT}/jobs")))
        .respond_with(JobScript::new(vec![
            json!({"job": {"id": "dff1d289-4d03-4942-8b9f-463ea07c000d", "status": "Running", "process": "50%"}}),
            json!({"job": {"id": "dff1d289-4d03-4942-8b9f-463ea07c000d", "status": "Completed", "process": ""}}),
        ]))
        .mount(&server)
        .await;
    let sleep = RecordingSleep::default();
    let gaussdb = huaweicloud_gaussdb_mysql::Client::builder()
        .endpoint(server.uri())
        .credentials(Credentials::ak_sk("AKGAUSS", "sk"))
        .project_id(PROJECT)
        .environment(Arc::new(FixedEnvironment::new()))
        .sleep(Arc::new(sleep.clone()))
        .build()
        .expect("builds");
    let (_, job) = gaussdb
        .restart_instance()
        .instance_id("61a4ea66210545909d74a05c27a7179ein07")
        .send_and_wait(&WaitOptions::new())
        .await
        .expect("the restart completes");
    assert_eq!((job.status.as_str(), job.polls), ("Completed", 2));

    // QingCloud: rebuild a read-only node and wait through DescribeJobs.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(JobScript::new(vec![
            json!({"action": "RunClusterCustomServiceResponse", "job_id": "j-1gz8cx6v0r8", "ret_code": 0}),
            json!({"action": "DescribeJobsResponse", "job_set": [{"job_id": "j-1gz8cx6v0r8", "status": "pending"}], "total_count": 1, "ret_code": 0}),
            json!({"action": "DescribeJobsResponse", "job_set": [{"job_id": "j-1gz8cx6v0r8", "status": "successful"}], "total_count": 1, "ret_code": 0}),
        ]))
        .mount(&server)
        .await;
    let mysql_plus = qingcloud_mysql_plus::Client::builder()
        .endpoint(server.uri())
        .credentials(clouddb_runtime::qingcloud::Credentials::new(
            "QYPLUS", "secret",
        ))
        .zone("sh1a")
        .environment(Arc::new(FixedEnvironment::new()))
        .sleep(Arc::new(sleep.clone()))
        .build()
        .expect("builds");
    let params: qingcloud_mysql_plus::types::RebuildReadOnlyNodeServiceParams =
        serde_json::from_value(json!({"node_id": "cln-peanv086"})).expect("params");
    let (_, job) = mysql_plus
        .rebuild_read_only_node()
        .cluster("cl-ouhutv70")
        .service_params(params)
        .send_and_wait(&WaitOptions::new())
        .await
        .expect("the rebuild succeeds");
    assert_eq!(job.status, "successful");

    // Paging DescribeJobs: 3 jobs, 2 per page.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(JobScript::new(vec![
            json!({"action": "DescribeJobsResponse", "job_set": [{"job_id": "j-1"}, {"job_id": "j-2"}], "total_count": 3, "ret_code": 0}),
            json!({"action": "DescribeJobsResponse", "job_set": [{"job_id": "j-3"}], "total_count": 3, "ret_code": 0}),
        ]))
        .mount(&server)
        .await;
    let mysql_plus = qingcloud_mysql_plus::Client::builder()
        .endpoint(server.uri())
        .credentials(clouddb_runtime::qingcloud::Credentials::new(
            "QYPLUS", "secret",
        ))
        .zone("sh1a")
        .environment(Arc::new(FixedEnvironment::new()))
        .build()
        .expect("builds");
    let (jobs, error) = mysql_plus
        .describe_jobs()
        .limit(2)
        .items()
        .collect_all()
        .await;
    assert!(error.is_none(), "{error:?}");
    let ids: Vec<String> = jobs.into_iter().filter_map(|j| j.job_id).collect();
    assert_eq!(ids, ["j-1", "j-2", "j-3"]);
    let offsets: Vec<Option<String>> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| query(r, "offset"))
        .collect();
    assert_eq!(offsets, [Some("0".to_owned()), Some("2".to_owned())]);
}

#[test]
fn dws_waits_for_the_jobs_its_operations_start() {
    // DWS documents a job API (ListJobDetails), so an operation answering a job id, such
    // as the shrink of seed 004, can be sent and waited for.
    let text = include_str!("../../generated/huaweicloud-dws/src/operations/shrink_cluster.rs");
    assert!(text.contains("pub async fn send_and_wait"));
    let client = include_str!("../../generated/huaweicloud-dws/src/client.rs");
    assert!(client.contains("pub async fn wait_for_job"));
}
