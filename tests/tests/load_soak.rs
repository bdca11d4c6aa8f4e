//! Load and soak, bounded for CI: one client shared by 64 tasks makes 20 000 calls (a
//! quarter of them writes) against a keep-alive loopback server that injects the fault
//! suite's faults into 3% of first attempts (and 30% of second ones): 503, 429, a vendor
//! error, a reset, a slow answer, a cut answer and invalid JSON
//! (`clouddb_conformance::soak`). Every call must end with the outcome and the number of
//! attempts its faults call for; no write may reach the server more often than that; the
//! server must accept few connections (the client reuses them: about one per task plus
//! one per fault that closed a connection); resident memory must stay flat between the
//! end of the warm-up and the end; and no task may hang.
//!
//! The longer run, with throughput and latency percentiles, is the `soak` example of the
//! bench crate (BENCHMARKS.md).

use std::sync::Arc;
use std::time::Duration;

use clouddb_conformance::soak::{drive, Kind, SoakConfig, SoakServer};
use clouddb_runtime::environment::FixedEnvironment;

fn client(uri: &str, config: &SoakConfig) -> fixture_showcase_rest::Client {
    fixture_showcase_rest::Client::builder()
        .endpoint(uri)
        .credentials(clouddb_runtime::huawei::Credentials::ak_sk(
            "AKSOAK",
            "soak-secret",
        ))
        .project_id("0123456789abcdef0123456789abcdef")
        .environment(Arc::new(FixedEnvironment::new()))
        .sleep(Arc::new(clouddb_conformance::NoSleep))
        .attempt_timeout(config.attempt_timeout)
        .build()
        .expect("the client builds")
}

/// One call of the shared client: a read carries its number as `offset`, a write in the
/// widget's name.
async fn call(
    client: fixture_showcase_rest::Client,
    kind: Kind,
    id: u64,
) -> Result<(), clouddb_runtime::Error> {
    use fixture_showcase_rest::types::{CreateWidgetRequest, WidgetType};
    let offset = i32::try_from(id).expect("call numbers fit an offset");
    match kind {
        Kind::Read => client.list_widgets().offset(offset).send().await.map(drop),
        Kind::Write => {
            let body = CreateWidgetRequest {
                name: format!("w-{id:04}"),
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_client_shared_by_64_tasks_survives_injected_faults() {
    let config = SoakConfig::default();
    let server = SoakServer::start(config).await;
    let shared = client(&server.uri(), &config);
    let report = drive(
        config,
        &server,
        40,
        Duration::from_secs(240),
        move |kind, id| call(shared.clone(), kind, id),
    )
    .await;
    let faults: u64 = report.faults.values().sum();
    let (before, after) = report.resident_kib;
    eprintln!(
        "{} calls ({} measured in {:.2?}, {:.0} calls/s), {} attempts, {faults} faults injected {:?}, outcomes {:?}, {} connections ({} closed by faults), resident {before} KiB -> {after} KiB, p50 {:?} p99 {:?} max {:?}",
        report.calls,
        report.measured,
        report.elapsed,
        report.measured as f64 / report.elapsed.as_secs_f64(),
        report.requests,
        report.faults,
        report.outcomes,
        report.connections,
        report.closing_faults,
        report.percentile(0.5),
        report.percentile(0.99),
        report.latencies.last().copied().unwrap_or_default(),
    );
    assert_eq!(report.hung_tasks, 0, "tasks hung");
    assert_eq!(report.calls, config.calls, "every call ended");
    assert!(
        report.mismatches.is_empty(),
        "{} call(s) ended unexpectedly:\n{}",
        report.mismatches.len(),
        report
            .mismatches
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(report.duplicated_writes, 0, "writes were sent twice");
    // Faults were injected, of every kind.
    assert!(
        faults as f64 > config.calls as f64 * config.fault_rate * 0.7,
        "{faults} faults"
    );
    assert_eq!(
        report.faults.len(),
        7,
        "every kind of fault: {:?}",
        report.faults
    );
    // Connections are reused: about one per task, plus one per fault that closed one.
    // hyper may open a connection while another is being returned to the pool (seen: 65
    // for 64 tasks without faults), hence a small margin.
    let bound = config.tasks as u64 + report.closing_faults + 16;
    assert!(
        (report.connections as u64) <= bound,
        "{} connections for {} attempts (bound {bound})",
        report.connections,
        report.requests
    );
    // Memory stays flat: less than 16 MiB (and 25%) of growth after the warm-up.
    let growth = after.saturating_sub(before);
    assert!(
        growth < 16 * 1024 && (growth as f64) < before as f64 * 0.25,
        "resident memory grew from {before} KiB to {after} KiB"
    );
}
