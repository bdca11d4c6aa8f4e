//! Secrets never leak: requests are built and sent with known secret keys, tokens and a
//! password field, against a server that succeeds, fails and times out; every `Debug` and
//! `Display` output, every error (with its sources) and every trace line at TRACE level is
//! collected, and none may contain a secret or a signature the server received.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clouddb_conformance::cli::{program, Cli};
use clouddb_conformance::faults::{RecordingSleep, ScriptedServer, Step};
use clouddb_runtime::environment::FixedEnvironment;
use clouddb_runtime::huawei::Credentials;
use clouddb_runtime::Service;

const SECRET_KEY: &str = "SECRET-SK-6f1d2c";
const SECURITY_TOKEN: &str = "SECRET-SESSION-TOKEN-9a8b";
const IAM_TOKEN: &str = "SECRET-IAM-TOKEN-77e1";
const QINGCLOUD_SECRET: &str = "SECRET-QY-KEY-51c0";
const PASSWORD: &str = "SECRET-Passw0rd-3e";

/// Everything the tracing subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn huawei_builder(
    uri: &str,
    credentials: Credentials,
) -> clouddb_runtime::huawei::ClientBuilder<fixture_showcase_rest::Client> {
    configure(fixture_showcase_rest::Client::builder(), uri, credentials)
}

/// A Huawei client of any service against the local server `uri`, with no real waits.
fn configure<S: clouddb_runtime::Service<Vendor = clouddb_runtime::huawei::Huawei>>(
    builder: clouddb_runtime::huawei::ClientBuilder<S>,
    uri: &str,
    credentials: Credentials,
) -> clouddb_runtime::huawei::ClientBuilder<S> {
    builder
        .endpoint(uri)
        .credentials(credentials)
        .project_id("0123456789abcdef0123456789abcdef")
        .environment(Arc::new(FixedEnvironment::new()))
        .sleep(Arc::new(RecordingSleep::default()))
        .attempt_timeout(Duration::from_millis(300))
}

fn widget() -> fixture_showcase_rest::types::CreateWidgetRequest {
    let json = format!(r#"{{"name":"widget-1","type":"small","size":3,"password":"{PASSWORD}"}}"#);
    serde_json::from_str(&json).expect("a valid body")
}

/// The signature material a server received: Authorization values and QingCloud signatures.
fn signatures(heads: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for head in heads {
        for line in head.lines() {
            if let Some(value) = line
                .strip_prefix("authorization: ")
                .or_else(|| line.strip_prefix("Authorization: "))
            {
                if let Some(signature) = value.split("Signature=").nth(1) {
                    found.push(signature.trim().to_owned());
                }
            }
            if let Some(query) = line.split_once('?').map(|(_, q)| q) {
                for pair in query.split(['&', ' ']) {
                    if let Some(signature) = pair.strip_prefix("signature=") {
                        found.push(signature.to_owned());
                    }
                }
            }
        }
    }
    found
}

#[tokio::test]
async fn no_secret_or_signature_appears_in_any_output() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let mut outputs: Vec<String> = Vec::new();
    let mut heads: Vec<String> = Vec::new();
    let mut record = |text: String| outputs.push(text);

    // Huawei, temporary AK/SK: a success, a vendor error, a timeout.
    let server = ScriptedServer::start(vec![
        Step::answer(201, r#"{"id":"w-1"}"#),
        Step::answer(
            400,
            r#"{"error_code":"SHOW.0001","error_msg":"Invalid widget name."}"#,
        ),
        Step::Slow {
            delay: Duration::from_secs(2),
            status: 201,
            body: "{}".into(),
        },
    ])
    .await;
    let credentials = Credentials::temporary("AKSECRETS", SECRET_KEY, SECURITY_TOKEN);
    record(format!("{credentials:?}"));
    let builder = huawei_builder(&server.uri(), credentials);
    record(format!("{builder:?}"));
    let client = builder.build().expect("builds");
    record(format!("{client:?}"));
    let input = client
        .create_widget()
        .body(widget())
        .build()
        .expect("complete");
    record(format!("{input:?}"));
    record(format!("{:?}", client.create_widget().body(widget())));
    for _ in 0..3 {
        match client.create_widget().body(widget()).send().await {
            Ok(response) => record(format!("{response:?}")),
            Err(error) => {
                record(format!("{error} / {error:?}"));
                let mut source = std::error::Error::source(&error);
                while let Some(inner) = source {
                    record(format!("{inner} / {inner:?}"));
                    source = inner.source();
                }
            }
        }
    }
    heads.extend(server.request_heads());

    // Huawei, IAM token.
    let server = ScriptedServer::start(vec![Step::answer(
        401,
        r#"{"error_code":"APIG.0301","error_msg":"Incorrect token."}"#,
    )])
    .await;
    let client = huawei_builder(&server.uri(), Credentials::token(IAM_TOKEN))
        .build()
        .expect("builds");
    record(format!("{client:?}"));
    if let Err(error) = client.list_widgets().send().await {
        record(format!("{error} / {error:?}"));
    }

    // QingCloud: a ret_code error, then a reset connection.
    let server = ScriptedServer::start(vec![
        Step::answer(200, r#"{"ret_code":1200,"message":"AuthFailure"}"#),
        Step::ResetAfterReading,
        Step::ResetAfterReading,
        Step::ResetAfterReading,
    ])
    .await;
    let builder = fixture_showcase_action::Client::builder()
        .endpoint(server.uri())
        .credentials(clouddb_runtime::qingcloud::Credentials::new(
            "QYSECRETS",
            QINGCLOUD_SECRET,
        ))
        .zone("sh1a")
        .environment(Arc::new(FixedEnvironment::new()))
        .sleep(Arc::new(RecordingSleep::default()));
    record(format!("{builder:?}"));
    let client = builder.build().expect("builds");
    record(format!("{client:?}"));
    for _ in 0..2 {
        if let Err(error) = client.describe_cluster_nodes().cluster("cl-1").send().await {
            record(format!("{error} / {error:?}"));
        }
    }
    heads.extend(server.request_heads());

    let traces =
        String::from_utf8_lossy(&captured.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned();
    for field in [
        "service=\"fixture-showcase-rest\"",
        "operation=\"CreateWidget\"",
        "method=POST",
        "path=\"/v1/{project_id}/widgets\"",
        "attempt=1",
        "status=201",
        "status=400",
        "error_code=\"SHOW.0001\"",
        "duration_ms=",
        "service=\"fixture-showcase-action\"",
        "error_code=\"1200\"",
    ] {
        assert!(traces.contains(field), "the spans carry {field}: {traces}");
    }
    let mut secrets: Vec<String> = [
        SECRET_KEY,
        SECURITY_TOKEN,
        IAM_TOKEN,
        QINGCLOUD_SECRET,
        PASSWORD,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let received = signatures(&heads);
    assert!(
        received.len() >= 4,
        "signatures were sent and collected: {received:?}"
    );
    secrets.extend(received);
    let everything = format!("{}\n{traces}", outputs.join("\n"));
    let leaks: Vec<&String> = secrets
        .iter()
        .filter(|s| everything.contains(s.as_str()))
        .collect();
    assert!(
        leaks.is_empty(),
        "secrets leaked into Debug, Display, errors or traces: {leaks:?}"
    );
}

/// Records `Display` and `Debug` of an error and of every error under it.
fn record_error(error: &clouddb_runtime::Error, outputs: &mut Vec<String>) {
    outputs.push(format!("{error} / {error:?}"));
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        outputs.push(format!("{inner} / {inner:?}"));
        source = inner.source();
    }
}

/// The passwords of the generated services' own operations (DWS database users and data
/// sources, QingCloud accounts in `service_params`) stay out of `Debug`, errors, traces and
/// `--dry-run`, on the library and on the command line, while the requests do carry them.
#[tokio::test]
async fn generated_services_keep_their_passwords_out_of_every_output() {
    const USER_PASSWORD: &str = "SECRET-DwsUser-8c1f";
    const SOURCE_PASSWORD: &str = "SECRET-MrsSource-2d7a";
    const ACCOUNT_PASSWORD: &str = "SECRET-Qy-Acct-4b9e";
    const CLUSTER: &str = "0123456789abcdef0123456789abcdef";
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let mut outputs: Vec<String> = Vec::new();

    // DWS: a database user and an MRS data source, refused by the server and timed out.
    let server = ScriptedServer::start(vec![
        Step::answer(
            400,
            r#"{"error_code":"DWS.0001","error_msg":"Invalid request."}"#,
        ),
        Step::Slow {
            delay: Duration::from_secs(2),
            status: 200,
            body: "{}".into(),
        },
    ])
    .await;
    let client = configure(
        huaweicloud_dws::Client::builder(),
        &server.uri(),
        Credentials::ak_sk("AKSECRETS", SECRET_KEY),
    )
    .build()
    .expect("builds");
    let user: huaweicloud_dws::types::UserAuthorityReq =
        serde_json::from_value(serde_json::json!({
            "name": "dbuser_1", "type": "user", "password": USER_PASSWORD, "login": true
        }))
        .expect("a valid user");
    let source: huaweicloud_dws::types::ExtDataSourceReq =
        serde_json::from_value(serde_json::json!({
            "type": "MRS", "data_source_name": "mrs_1", "user_name": "mrs_user",
            "user_pwd": SOURCE_PASSWORD, "data_source_id": "mrs-cluster-1"
        }))
        .expect("a valid data source");
    outputs.push(format!("{user:?} {source:?}"));
    let create_user = client
        .create_database_user()
        .cluster_id(CLUSTER)
        .body(user.clone());
    outputs.push(format!("{create_user:?}"));
    let create_source = client
        .create_data_source()
        .cluster_id(CLUSTER)
        .body(source.clone());
    outputs.push(format!("{create_source:?}"));
    let input = create_user.clone().build().expect("complete");
    outputs.push(format!("{input:?}"));
    let signed = client.client().dry_run(input).await.expect("signs");
    outputs.push(format!("{signed:?}"));
    let sent = String::from_utf8_lossy(signed.body().unwrap_or_default()).into_owned();
    assert!(sent.contains(USER_PASSWORD), "the password is sent: {sent}");
    match create_user.send().await {
        Ok(response) => panic!("the server refused it, yet: {response:?}"),
        Err(error) => record_error(&error, &mut outputs),
    }
    match create_source.send().await {
        Ok(response) => panic!("the server timed out, yet: {response:?}"),
        Err(error) => record_error(&error, &mut outputs),
    }
    assert_eq!(server.connections(), 2, "both calls reached the server");

    // QingCloud: an account's password inside the JSON of service_params.
    let server = ScriptedServer::start(vec![Step::answer(
        200,
        r#"{"ret_code":1400,"message":"PermissionDenied"}"#,
    )])
    .await;
    let client = qingcloud_mysql_plus::Client::builder()
        .endpoint(server.uri())
        .credentials(clouddb_runtime::qingcloud::Credentials::new(
            "QYSECRETS",
            QINGCLOUD_SECRET,
        ))
        .zone("sh1a")
        .environment(Arc::new(FixedEnvironment::new()))
        .sleep(Arc::new(RecordingSleep::default()))
        .build()
        .expect("builds");
    let params: qingcloud_mysql_plus::types::AddDatabaseUserServiceParams =
        serde_json::from_value(serde_json::json!({
            "user": "app_1", "passwd": ACCOUNT_PASSWORD, "host": "%", "database": "*", "ssl": "NO"
        }))
        .expect("valid service params");
    let add_user = client
        .add_database_user()
        .cluster("cl-1")
        .service_params(params);
    outputs.push(format!("{add_user:?}"));
    let signed = client
        .client()
        .dry_run(add_user.clone().build().expect("complete"))
        .await
        .expect("signs");
    outputs.push(format!("{signed:?}"));
    match add_user.send().await {
        Ok(response) => panic!("the server refused it, yet: {response:?}"),
        Err(error) => record_error(&error, &mut outputs),
    }
    let heads = server.request_heads();
    let encoded = clouddb_runtime::signing::encode_strict(ACCOUNT_PASSWORD);
    assert!(
        heads.iter().any(|h| h.contains(&encoded)),
        "the password is sent: {heads:?}"
    );

    // The command line's --dry-run, with the passwords as flags.
    let run = Cli::huawei(
        &program("huaweicloud-dws-cli", "clouddb-dws"),
        "http://127.0.0.1:9",
    )
    .args([
        "create-database-user",
        "--cluster-id",
        CLUSTER,
        "--name",
        "dbuser_1",
    ])
    .args(["--type", "user", "--password", USER_PASSWORD, "--dry-run"])
    .run()
    .await;
    run.expect_exit(0)
        .expect_stdout("\"password\": \"<redacted>\"")
        .expect_hidden(USER_PASSWORD);
    let body = serde_json::json!({"type": "MRS", "data_source_name": "mrs_1",
        "user_name": "mrs_user", "user_pwd": SOURCE_PASSWORD})
    .to_string();
    let run = Cli::huawei(
        &program("huaweicloud-dws-cli", "clouddb-dws"),
        "http://127.0.0.1:9",
    )
    .args([
        "create-data-source",
        "--cluster-id",
        CLUSTER,
        "--body",
        &body,
        "--dry-run",
    ])
    .run()
    .await;
    run.expect_exit(0)
        .expect_stdout("\"user_pwd\": \"<redacted>\"")
        .expect_hidden(SOURCE_PASSWORD);
    let run = Cli::qingcloud(
        &program("qingcloud-mysql-plus-cli", "clouddb-mysql-plus"),
        "http://127.0.0.1:9",
    )
    .args(["add-database-user", "--cluster", "cl-1", "--user", "app_1"])
    .args([
        "--passwd",
        ACCOUNT_PASSWORD,
        "--host",
        "%",
        "--database",
        "*",
        "--ssl",
        "NO",
    ])
    .args(["--dry-run"])
    .run()
    .await;
    run.expect_exit(0)
        .expect_stdout("service_params=")
        .expect_stdout("%22user%22%3A%22app_1%22")
        .expect_hidden(ACCOUNT_PASSWORD);

    let traces =
        String::from_utf8_lossy(&captured.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned();
    assert!(
        traces.contains("operation=\"CreateDatabaseUser\"")
            && traces.contains("operation=\"AddDatabaseUser\""),
        "the calls were traced: {traces}"
    );
    let everything = format!("{}\n{traces}", outputs.join("\n"));
    for secret in [
        USER_PASSWORD,
        SOURCE_PASSWORD,
        ACCOUNT_PASSWORD,
        encoded.as_str(),
        SECRET_KEY,
        QINGCLOUD_SECRET,
    ] {
        assert!(
            !everything.contains(secret),
            "{secret} leaked into Debug, errors or traces:\n{everything}"
        );
    }
}
