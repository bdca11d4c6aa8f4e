//! Where the generated client's call overhead goes: a ListInstances call against the
//! loopback server in four ways, measured in interleaved rounds (each round runs every
//! variant once; the fastest round of each counts), which resists a shared machine's
//! drifting load better than measuring one variant after the other:
//!
//! 1. the hand-written call (reqwest, hand-written signer, plain structs): the baseline;
//! 2. the same, decoding into the generated, lenient types;
//! 3. the generated builder and the runtime's `dry_run` (validation, request, signature),
//!    sent by the hand-written reqwest code, decoding into the generated types;
//! 4. the generated client's `send()`, as a user calls it.
//!
//! It also counts the allocations of one call of each way with a counting allocator.
//!
//! Run: `cargo run --release -p clouddb-bench --example call_breakdown`
//!
//! With `-- --only N [--rounds R]` (N from 1 to 4) it runs only variant N, 100 calls to
//! warm up and then R (default 75) times 200 calls, untimed, for a profiler or a simulator:
//! `tools/call-cost.sh` runs each variant once under callgrind's cache and branch
//! simulation, a deterministic estimate that does not drift with the machine's load.

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use clouddb_bench::gaussdb;
use clouddb_bench::hand_written::GaussDbClient;
use clouddb_bench::loopback::Server;
use clouddb_bench::{data, plain};
use huaweicloud_gaussdb_mysql::types::ListInstancesResponse;
use tokio::runtime::Runtime;

/// Instances in the answer page, as in the `call` benchmark.
const PAGE: usize = 10;
/// Calls per variant per round.
const CALLS: u32 = 200;
/// Rounds.
const ROUNDS: u32 = 75;

/// The system allocator, counting allocations (of every thread, the server's included).
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is passed on unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's guarantees are those `System.alloc` needs.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `System` with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Seconds per call of `CALLS` calls of `call` (never inlined, so that a profiler can
/// collect only inside it).
#[inline(never)]
fn time_calls<F: Future>(runtime: &Runtime, mut call: impl FnMut() -> F) -> f64 {
    let started = Instant::now();
    for _ in 0..CALLS {
        std::hint::black_box(runtime.block_on(call()));
    }
    started.elapsed().as_secs_f64() / f64::from(CALLS)
}

/// Allocations per call, over `CALLS` calls.
fn count_allocations<F: Future>(runtime: &Runtime, mut call: impl FnMut() -> F) -> u64 {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..CALLS {
        std::hint::black_box(runtime.block_on(call()));
    }
    (ALLOCATIONS.load(Ordering::Relaxed) - before) / u64::from(CALLS)
}

/// `--only N [--rounds R]`: run only variant N, R times `CALLS` calls (default `ROUNDS`).
struct Only {
    variant: u8,
    rounds: u32,
}

/// The `--only` arguments, if given; exits with a usage message on anything else.
fn only_variant() -> Option<Only> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let parsed = match args.as_slice() {
        [] => return None,
        ["--only", n] => n.parse().ok().map(|variant| (variant, ROUNDS)),
        ["--only", n, "--rounds", r] => n.parse().ok().zip(r.parse().ok()),
        _ => None,
    };
    match parsed {
        Some((variant @ 1..=4, rounds)) => Some(Only { variant, rounds }),
        _ => {
            eprintln!("usage: call_breakdown [--only N [--rounds R]], N from 1 to 4");
            std::process::exit(2);
        }
    }
}

fn main() {
    let spec = data::load_spec();
    let server = Server::start(data::list_instances_body(&spec, PAGE));
    let endpoint = server.endpoint();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("the client's runtime starts");
    let client = gaussdb::client(&endpoint, None);
    let runtime_client = gaussdb::runtime_client(&endpoint, None);
    let hand_written = GaussDbClient::new(&endpoint);

    let baseline = || hand_written.list_instances::<plain::ListInstancesResponse>(PAGE);
    let generated_types = || hand_written.list_instances::<ListInstancesResponse>(PAGE);
    let runtime_request = || async {
        let input = client
            .list_instances()
            .limit(PAGE as i32)
            .offset(0)
            .build()
            .expect("the input is valid");
        let signed = runtime_client
            .dry_run(input)
            .await
            .expect("the request signs");
        hand_written
            .send::<ListInstancesResponse>(signed.method().clone(), signed.url(), signed.headers())
            .await
    };
    let generated = || gaussdb::list_instances(&client, PAGE);

    if let Some(only) = only_variant() {
        let variant = || async {
            match only.variant {
                1 => drop(baseline().await),
                2 => drop(generated_types().await),
                3 => drop(runtime_request().await),
                _ => drop(generated().await),
            }
        };
        for _ in 0..100 {
            runtime.block_on(variant());
        }
        for _ in 0..only.rounds {
            time_calls(&runtime, variant);
        }
        return;
    }

    // Warm up the connections and caches.
    for _ in 0..100 {
        runtime.block_on(baseline());
        runtime.block_on(generated_types());
        runtime.block_on(runtime_request());
        runtime.block_on(generated());
    }

    // Each round times every variant once, starting with a different one each round so
    // that no variant always follows the same other.
    let mut rounds: Vec<[f64; 4]> = Vec::new();
    for round in 0..ROUNDS {
        let mut times = [0.0; 4];
        for step in 0..4 {
            let variant = (round as usize + step) % 4;
            times[variant] = match variant {
                0 => time_calls(&runtime, baseline),
                1 => time_calls(&runtime, generated_types),
                2 => time_calls(&runtime, runtime_request),
                _ => time_calls(&runtime, generated),
            };
        }
        rounds.push(times);
    }
    let best: [f64; 4] =
        std::array::from_fn(|v| rounds.iter().map(|t| t[v]).fold(f64::MAX, f64::min));
    // The median over rounds of each variant's time divided by the baseline's in the same
    // round: drift in the machine's load between rounds cancels out.
    let median_ratio: [f64; 4] = std::array::from_fn(|v| {
        let mut ratios: Vec<f64> = rounds.iter().map(|t| t[v] / t[0]).collect();
        ratios.sort_by(f64::total_cmp);
        ratios[ratios.len() / 2]
    });
    let allocations = [
        count_allocations(&runtime, baseline),
        count_allocations(&runtime, generated_types),
        count_allocations(&runtime, runtime_request),
        count_allocations(&runtime, generated),
    ];

    let names = [
        "hand-written call (baseline)",
        "hand-written call, generated types",
        "runtime request, hand-written send, generated types",
        "generated client send()",
    ];
    println!(
        "| ListInstances on loopback, {PAGE} instances | fastest of {ROUNDS} rounds | ratio of fastest | median of paired ratios | allocations per call |"
    );
    println!("| --- | --- | --- | --- | --- |");
    for (v, name) in names.iter().enumerate() {
        println!(
            "| {name} | {:.1} µs | {:.3} | {:.3} | {} |",
            best[v] * 1e6,
            best[v] / best[0],
            median_ratio[v],
            allocations[v]
        );
    }
}
