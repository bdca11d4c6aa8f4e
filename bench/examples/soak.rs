//! The long load-and-soak run: one generated client shared by many tasks making many calls
//! against a keep-alive loopback server that injects the fault suite's faults
//! (`clouddb_conformance::soak`, the same server and checks as the bounded CI test
//! `tests/tests/load_soak.rs`). It prints throughput, latency percentiles, the faults
//! injected, the outcomes, the connections the server accepted and resident memory after
//! the warm-up and at the end, and exits with 1 if any call ended unexpectedly, a write
//! was sent twice or a task hung.
//!
//! ```text
//! cargo run --release -p clouddb-bench --example soak -- --calls 500000 --tasks 64
//! ```

use std::sync::Arc;
use std::time::Duration;

use clouddb_conformance::soak::{drive, Kind, SoakConfig, SoakServer};
use clouddb_runtime::environment::FixedEnvironment;

fn main() -> std::process::ExitCode {
    let mut config = SoakConfig {
        calls: 200_000,
        ..SoakConfig::default()
    };
    let mut warmup = 200u64;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_default();
        match flag.as_str() {
            "--calls" => config.calls = value.parse().expect("--calls takes a number"),
            "--tasks" => config.tasks = value.parse().expect("--tasks takes a number"),
            "--fault-rate" => {
                config.fault_rate = value.parse().expect("--fault-rate takes a share")
            }
            "--seed" => config.seed = value.parse().expect("--seed takes a number"),
            "--warmup" => {
                warmup = value
                    .parse()
                    .expect("--warmup takes a number of calls per task")
            }
            other => {
                eprintln!("unknown flag {other}; flags: --calls N --tasks N --fault-rate R --seed N --warmup N");
                return std::process::ExitCode::from(2);
            }
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run(config, warmup))
}

async fn run(config: SoakConfig, warmup: u64) -> std::process::ExitCode {
    let server = SoakServer::start(config).await;
    let client = fixture_showcase_rest::Client::builder()
        .endpoint(server.uri())
        .credentials(clouddb_runtime::huawei::Credentials::ak_sk(
            "AKSOAK",
            "soak-secret",
        ))
        .project_id("0123456789abcdef0123456789abcdef")
        .environment(Arc::new(FixedEnvironment::new()))
        .sleep(Arc::new(clouddb_conformance::NoSleep))
        .attempt_timeout(config.attempt_timeout)
        .build()
        .expect("the client builds");
    let deadline = Duration::from_secs(3_600);
    let report = drive(config, &server, warmup, deadline, move |kind, id| {
        call(client.clone(), kind, id)
    })
    .await;
    let faults: u64 = report.faults.values().sum();
    let mut faults_by_kind: Vec<_> = report.faults.iter().collect();
    faults_by_kind.sort();
    let mut outcomes: Vec<_> = report.outcomes.iter().collect();
    outcomes.sort();
    let (before, after) = report.resident_kib;
    println!(
        "calls:        {} on {} tasks ({} measured after {warmup} per task)",
        report.calls, config.tasks, report.measured
    );
    println!(
        "elapsed:      {:.2?} ({:.0} calls/s)",
        report.elapsed,
        report.measured as f64 / report.elapsed.as_secs_f64()
    );
    for (name, q) in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("p99.9", 0.999)] {
        println!("latency {name:6} {:?}", report.percentile(q));
    }
    println!(
        "latency max   {:?}",
        report.latencies.last().copied().unwrap_or_default()
    );
    println!(
        "attempts:     {} ({faults} faults injected: {faults_by_kind:?})",
        report.requests
    );
    println!("outcomes:     {outcomes:?}");
    println!(
        "connections:  {} accepted ({} closed by faults; tasks plus those: {})",
        report.connections,
        report.closing_faults,
        config.tasks as u64 + report.closing_faults
    );
    println!("resident:     {before} KiB after the warm-up, {after} KiB at the end");
    println!(
        "unexpected:   {} calls, {} writes sent twice, {} tasks hung",
        report.mismatches.len(),
        report.duplicated_writes,
        report.hung_tasks
    );
    for line in report.mismatches.iter().take(10) {
        println!("  {line}");
    }
    let failed = !report.mismatches.is_empty()
        || report.duplicated_writes > 0
        || report.hung_tasks > 0
        || report.calls != config.calls;
    std::process::ExitCode::from(u8::from(failed))
}

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
