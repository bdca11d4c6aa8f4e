//! Load and soak: a keep-alive HTTP/1.1 loopback server that injects the fault suite's
//! faults into a few percent of the attempts it sees, and a driver that shares one client
//! between many tasks making many calls, then checks every call's outcome against the
//! faults its attempts met, counts what the server saw (connections, attempts per call,
//! writes sent twice) and measures latency and resident memory.
//!
//! Which attempt meets which fault is a pure function of a seed, the call's number and
//! the attempt's number ([`fault`]), so the driver knows each call's expected outcome and
//! attempts ([`expected`]) without talking to the server. A call carries its number on the
//! wire: a read (`ListWidgets`) as its `offset` query parameter, a write (`CreateWidget`)
//! in its body's `name` (`w-<number>`).

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clouddb_runtime::{Error, ErrorKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Whether a call reads (idempotent, retried after any fault that may be retried) or
/// writes (retried only when nothing was processed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `ListWidgets`, a GET.
    Read,
    /// `CreateWidget`, a POST.
    Write,
}

/// A fault of the fault-injection suite, played on one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// HTTP 503 with an empty body.
    Unavailable,
    /// HTTP 429 with the gateway's throttling code.
    Throttled,
    /// HTTP 400 with a vendor error.
    Rejected,
    /// The request is read, then the connection is reset without an answer.
    Reset,
    /// The answer comes after the attempt timeout.
    Slow,
    /// The answer declares more bytes than it sends, then the connection closes.
    Truncated,
    /// HTTP 201 whose body is not JSON.
    InvalidJson,
}

const FAULTS: [Fault; 7] = [
    Fault::Unavailable,
    Fault::Throttled,
    Fault::Rejected,
    Fault::Reset,
    Fault::Slow,
    Fault::Truncated,
    Fault::InvalidJson,
];

/// What a call must come to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// Success.
    Success,
    /// An API error with this status.
    Api(u16),
    /// A `Transport` error.
    Transport,
    /// A `Timeout` error.
    Timeout,
    /// A `Decode` error.
    Decode,
}

impl Outcome {
    /// The outcome a call's result shows.
    pub fn of(result: &Result<(), Error>) -> Option<Self> {
        match result {
            Ok(()) => Some(Self::Success),
            Err(e) => match e.kind() {
                ErrorKind::Api => e.api_error().map(|api| Self::Api(api.status())),
                ErrorKind::Transport => Some(Self::Transport),
                ErrorKind::Timeout => Some(Self::Timeout),
                ErrorKind::Decode => Some(Self::Decode),
                _ => None,
            },
        }
    }
}

/// The settings of a run.
#[derive(Debug, Clone, Copy)]
pub struct SoakConfig {
    /// Tasks sharing the client.
    pub tasks: usize,
    /// Calls in all.
    pub calls: u64,
    /// Seed of the fault schedule.
    pub seed: u64,
    /// Share of first attempts that meet a fault (a retried attempt meets another one
    /// ten times as often, so that some calls meet two).
    pub fault_rate: f64,
    /// The client's attempt timeout; a slow answer comes later than this.
    pub attempt_timeout: Duration,
    /// Attempts per call (the client's retry policy must allow as many).
    pub max_attempts: u32,
}

impl Default for SoakConfig {
    fn default() -> Self {
        Self {
            tasks: 64,
            calls: 20_000,
            seed: 0x5EED_2026,
            fault_rate: 0.03,
            attempt_timeout: Duration::from_millis(1_500),
            max_attempts: 3,
        }
    }
}

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Whether call `id` reads or writes (a quarter write).
pub fn kind(seed: u64, id: u64) -> Kind {
    if mix(seed ^ id.wrapping_mul(3)).is_multiple_of(4) {
        Kind::Write
    } else {
        Kind::Read
    }
}

/// The fault attempt `attempt` (from 1) of call `id` meets, if any.
pub fn fault(config: &SoakConfig, id: u64, attempt: u32) -> Option<Fault> {
    let rate = match attempt {
        1 => config.fault_rate,
        2 => (config.fault_rate * 10.0).min(0.5),
        _ => 0.0,
    };
    let roll = mix(config.seed ^ (id << 8) ^ u64::from(attempt));
    let unit = (roll >> 11) as f64 / (1u64 << 53) as f64;
    (unit < rate).then(|| FAULTS[(mix(roll) % FAULTS.len() as u64) as usize])
}

/// Whether a fault may be retried for a call of `kind`: throttling always (nothing was
/// processed), a 503, a reset, a timeout or a cut answer only for a read.
fn retried(fault: Fault, kind: Kind) -> bool {
    match fault {
        Fault::Throttled => true,
        Fault::Unavailable | Fault::Reset | Fault::Slow | Fault::Truncated => kind == Kind::Read,
        Fault::Rejected | Fault::InvalidJson => false,
    }
}

fn outcome_of_fault(fault: Fault) -> Outcome {
    match fault {
        Fault::Unavailable => Outcome::Api(503),
        Fault::Throttled => Outcome::Api(429),
        Fault::Rejected => Outcome::Api(400),
        Fault::Reset | Fault::Truncated => Outcome::Transport,
        Fault::Slow => Outcome::Timeout,
        Fault::InvalidJson => Outcome::Decode,
    }
}

/// The outcome of call `id` and the attempts the server must see for it.
pub fn expected(config: &SoakConfig, id: u64) -> (Outcome, u32) {
    let kind = kind(config.seed, id);
    for attempt in 1..=config.max_attempts {
        match fault(config, id, attempt) {
            None => return (Outcome::Success, attempt),
            Some(f) if retried(f, kind) && attempt < config.max_attempts => continue,
            Some(f) => return (outcome_of_fault(f), attempt),
        }
    }
    unreachable!("every path of the loop returns at the last attempt")
}

/// What the server saw.
/// What the server saw. The attempts per call are counted in a table allocated up front,
/// so that the server's own memory does not grow with the calls.
#[derive(Debug, Default)]
struct Seen {
    connections: AtomicUsize,
    requests: AtomicU64,
    attempts: Vec<AtomicU32>,
    faults: Mutex<HashMap<Fault, u64>>,
}

/// The fault-injecting keep-alive server.
#[derive(Debug)]
pub struct SoakServer {
    address: std::net::SocketAddr,
    seen: Arc<Seen>,
    task: tokio::task::JoinHandle<()>,
}

impl SoakServer {
    /// Starts the server on a free loopback port.
    pub async fn start(config: SoakConfig) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free local port");
        let address = listener.local_addr().expect("a local address");
        let seen = Arc::new(Seen {
            attempts: (0..config.calls).map(|_| AtomicU32::new(0)).collect(),
            ..Seen::default()
        });
        let shared = seen.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                shared.connections.fetch_add(1, Ordering::SeqCst);
                let _ = stream.set_nodelay(true);
                let seen = shared.clone();
                tokio::spawn(async move { serve(stream, config, &seen).await });
            }
        });
        Self {
            address,
            seen,
            task,
        }
    }

    /// The server's base URL.
    pub fn uri(&self) -> String {
        format!("http://{}", self.address)
    }
}

impl Drop for SoakServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

const OK: &str = r#"{"id":"w-1","widgets":[]}"#;
const THROTTLED: &str =
    r#"{"error_code":"APIG.0308","error_msg":"The throttling threshold has been reached."}"#;
const REJECTED: &str = r#"{"error_code":"DBS.280234","error_msg":"soak: rejected"}"#;

/// Plays requests on one connection until the client closes it or a fault ends it.
async fn serve(mut stream: TcpStream, config: SoakConfig, seen: &Seen) {
    let mut buffer = Vec::with_capacity(8192);
    loop {
        let Some((head, body)) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        seen.requests.fetch_add(1, Ordering::Relaxed);
        let Some(id) = call_id(&head, &body) else {
            let _ = stream.write_all(&answer(404, "{}", None)).await;
            continue;
        };
        let Some(counter) = usize::try_from(id).ok().and_then(|i| seen.attempts.get(i)) else {
            let _ = stream.write_all(&answer(404, "{}", None)).await;
            continue;
        };
        let attempt = counter.fetch_add(1, Ordering::SeqCst) + 1;
        let fault = fault(&config, id, attempt);
        if let Some(fault) = fault {
            *seen
                .faults
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .entry(fault)
                .or_insert(0) += 1;
        }
        let reply = match fault {
            None => answer(201, OK, None),
            Some(Fault::Unavailable) => answer(503, "", None),
            Some(Fault::Throttled) => answer(429, THROTTLED, None),
            Some(Fault::Rejected) => answer(400, REJECTED, None),
            Some(Fault::InvalidJson) => answer(201, "{\"widgets\": ", None),
            Some(Fault::Truncated) => {
                let _ = stream.write_all(&answer(201, "{\"id\":", Some(100))).await;
                return;
            }
            Some(Fault::Reset) => {
                reset(stream);
                return;
            }
            Some(Fault::Slow) => {
                tokio::time::sleep(config.attempt_timeout * 2).await;
                let _ = stream.write_all(&answer(201, OK, None)).await;
                return;
            }
        };
        if stream.write_all(&reply).await.is_err() {
            return;
        }
    }
}

/// Closes with a TCP reset (linger 0).
#[allow(deprecated)] // `set_linger` is deprecated because a positive linger blocks on drop; 0 never blocks.
fn reset(stream: TcpStream) {
    let _ = stream.set_linger(Some(Duration::ZERO));
    drop(stream);
}

fn answer(status: u16, body: &str, extra_length: Option<usize>) -> Vec<u8> {
    let length = body.len() + extra_length.unwrap_or(0);
    format!(
        "HTTP/1.1 {status} Soak\r\nContent-Type: application/json\r\nContent-Length: {length}\r\nX-Request-Id: soak\r\n\r\n{body}"
    )
    .into_bytes()
}

/// Reads one request from a kept-alive connection: its head and its body.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<(String, Vec<u8>)> {
    let mut chunk = [0u8; 8192];
    let end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    while buffer.len() < end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = buffer[end..end + length].to_vec();
    buffer.drain(..end + length);
    Some((head, body))
}

/// The call number a request carries: `offset=<n>` in a read's query, `"name":"w-<n>"` in
/// a write's body.
fn call_id(head: &str, body: &[u8]) -> Option<u64> {
    let target = head.split_whitespace().nth(1)?;
    if let Some(query) = target.split_once('?').map(|(_, q)| q) {
        for pair in query.split('&') {
            if let Some(n) = pair.strip_prefix("offset=") {
                return n.parse().ok();
            }
        }
    }
    let body = std::str::from_utf8(body).ok()?;
    let start = body.find("\"w-")? + 3;
    let digits: String = body[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The resident set size of this process, from `/proc/self/status` (KiB; 0 elsewhere).
pub fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0)
}

/// What a run found.
#[derive(Debug, Default)]
pub struct SoakReport {
    /// Calls made.
    pub calls: u64,
    /// Calls by outcome.
    pub outcomes: HashMap<Outcome, u64>,
    /// Faults the server injected, by kind.
    pub faults: HashMap<Fault, u64>,
    /// Attempts (requests) the server read.
    pub requests: u64,
    /// Connections the server accepted.
    pub connections: usize,
    /// Connections the injected faults closed (a reset, a cut answer, a slow answer).
    pub closing_faults: u64,
    /// Writes the server saw more often than their expected attempts.
    pub duplicated_writes: u64,
    /// One line per call whose outcome or attempts differ from the expected ones.
    pub mismatches: Vec<String>,
    /// Tasks that did not finish in time.
    pub hung_tasks: usize,
    /// Resident memory after the warm-up and at the end, KiB.
    pub resident_kib: (u64, u64),
    /// Wall time of the measured calls (after the warm-up).
    pub elapsed: Duration,
    /// Calls measured (after the warm-up).
    pub measured: u64,
    /// Every measured call's latency, sorted.
    pub latencies: Vec<Duration>,
}

impl SoakReport {
    /// The latency at quantile `q` (0 to 1).
    pub fn percentile(&self, q: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let index = ((self.latencies.len() - 1) as f64 * q).round() as usize;
        self.latencies[index]
    }
}

/// What one task found.
#[derive(Default)]
struct TaskReport {
    outcomes: HashMap<Outcome, u64>,
    mismatches: Vec<String>,
    /// Latency of each measured call, in microseconds.
    latencies: Vec<u32>,
}

/// Runs `config.calls` calls on `config.tasks` tasks; `call(kind, id)` makes one call of
/// the shared client. The first `warmup` calls of each task are not measured (memory is
/// taken after them). Each task has `deadline` to finish.
pub async fn drive<F, Fut>(
    config: SoakConfig,
    server: &SoakServer,
    warmup: u64,
    deadline: Duration,
    call: F,
) -> SoakReport
where
    F: Fn(Kind, u64) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<(), Error>> + Send + 'static,
{
    let tasks = config.tasks as u64;
    let warm = Arc::new(tokio::sync::Barrier::new(config.tasks + 1));
    let mut handles = Vec::new();
    for t in 0..tasks {
        let call = call.clone();
        let warm = warm.clone();
        handles.push(tokio::spawn(async move {
            let ids: Vec<u64> = (t..config.calls).step_by(tasks as usize).collect();
            // Every slot is written now, so that the bookkeeping's memory is resident
            // before the measurement starts.
            let mut task = TaskReport {
                latencies: vec![u32::MAX; ids.len()],
                ..TaskReport::default()
            };
            let mut measured = 0;
            for (n, &id) in ids.iter().enumerate() {
                if n as u64 == warmup {
                    warm.wait().await;
                }
                let started = Instant::now();
                let result = call(kind(config.seed, id), id).await;
                if n as u64 >= warmup {
                    task.latencies[measured] =
                        u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX - 1);
                    measured += 1;
                }
                check_call(&config, id, &result, &mut task);
            }
            if ids.len() as u64 <= warmup {
                warm.wait().await;
            }
            task.latencies.truncate(measured);
            task
        }));
    }
    if tokio::time::timeout(deadline, warm.wait()).await.is_err() {
        return SoakReport {
            hung_tasks: config.tasks,
            ..SoakReport::default()
        };
    }
    let measured_from = Instant::now();
    let rss_start = resident_kib();
    let mut report = SoakReport::default();
    let all = tokio::time::timeout(deadline, futures_join(handles)).await;
    report.elapsed = measured_from.elapsed();
    report.resident_kib = (rss_start, resident_kib());
    let Ok(joined) = all else {
        report.hung_tasks = config.tasks;
        return report;
    };
    for joined in joined {
        let Ok(task) = joined else {
            report.hung_tasks += 1;
            continue;
        };
        report.latencies.extend(
            task.latencies
                .iter()
                .map(|&us| Duration::from_micros(u64::from(us))),
        );
        for (outcome, n) in task.outcomes {
            report.calls += n;
            *report.outcomes.entry(outcome).or_insert(0) += n;
        }
        report.mismatches.extend(task.mismatches);
    }
    // What the server saw of each call.
    for (id, counter) in server.seen.attempts.iter().enumerate() {
        let id = id as u64;
        let seen = counter.load(Ordering::SeqCst);
        let (want, want_attempts) = expected(&config, id);
        if seen != want_attempts {
            report.mismatches.push(format!(
                "call {id} ({:?}, expected {want:?}): the server saw {seen} attempts, expected {want_attempts}",
                kind(config.seed, id)
            ));
        }
        if kind(config.seed, id) == Kind::Write && seen > want_attempts {
            report.duplicated_writes += 1;
        }
    }
    report.latencies.sort_unstable();
    report.measured = report.latencies.len() as u64;
    report.requests = server.seen.requests.load(Ordering::SeqCst);
    report.connections = server.seen.connections.load(Ordering::SeqCst);
    report.faults = server
        .seen
        .faults
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    report.closing_faults = [Fault::Reset, Fault::Slow, Fault::Truncated]
        .iter()
        .map(|f| report.faults.get(f).copied().unwrap_or(0))
        .sum();
    report
}

/// Checks one call's result against its expected outcome. An error reports the attempts
/// it took, except a `Decode` error, which comes after the attempts (it reports none).
fn check_call(config: &SoakConfig, id: u64, result: &Result<(), Error>, task: &mut TaskReport) {
    let (want, want_attempts) = expected(config, id);
    let outcome = Outcome::of(result);
    if let Some(outcome) = outcome {
        *task.outcomes.entry(outcome).or_insert(0) += 1;
    }
    let attempts_ok = match result {
        Err(e) if e.kind() != ErrorKind::Decode => e.attempts() == want_attempts,
        _ => true,
    };
    if outcome != Some(want) || !attempts_ok {
        task.mismatches.push(format!(
            "call {id} ({:?}): expected {want:?} after {want_attempts} attempts, got {}",
            kind(config.seed, id),
            match result {
                Ok(()) => "success".to_owned(),
                Err(e) => format!("{:?} after {} attempts: {e}", e.kind(), e.attempts()),
            }
        ));
    }
}

/// Joins every handle, in order.
async fn futures_join<T>(
    handles: Vec<tokio::task::JoinHandle<T>>,
) -> Vec<Result<T, tokio::task::JoinError>> {
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        out.push(handle.await);
    }
    out
}
