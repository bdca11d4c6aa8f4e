//! Bounded answers: a gateway or proxy may answer with a body of any size, one that never
//! ends, one that trickles, or thousands of headers. Against a raw local server that does
//! each, a call ends quickly with an error of a clear kind: `ResponseTooLarge` naming the
//! limit (without reading the rest), `Timeout`, or `Transport` for a head hyper refuses;
//! never an out-of-memory kill or a hang. The same holds for the Huawei IAM project-id
//! lookup and for a generated command-line client.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clouddb_conformance::cli::{program, Cli};
use clouddb_runtime::environment::FixedEnvironment;
use clouddb_runtime::{CallOptions, Error, ErrorKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the raw server does after reading a request.
#[derive(Debug, Clone, Copy)]
enum Answer {
    /// Declares a `Content-Length` and sends blank JSON whitespace until the client leaves.
    Declared(u64),
    /// Chunked body that never ends.
    EndlessChunked,
    /// No length, `Connection: close`, body that never ends.
    EndlessUntilClose,
    /// Declares 64 bytes and sends one every `interval`.
    Trickle(Duration),
    /// Sends `count` headers, then a small JSON body.
    ManyHeaders(usize),
    /// Sends one header whose value is `len` bytes long.
    HugeHeader(usize),
    /// An IAM project list answer of one project, padded to `padding` bytes.
    Projects(usize),
}

/// A raw HTTP/1.1 server that plays one [`Answer`] on every connection and counts the
/// body bytes it managed to write.
struct RawServer {
    address: std::net::SocketAddr,
    written: Arc<AtomicU64>,
    connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    async fn start(answer: Answer) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a local port");
        let address = listener.local_addr().expect("an address");
        let written = Arc::new(AtomicU64::new(0));
        let connections = Arc::new(AtomicUsize::new(0));
        let (w, c) = (written.clone(), connections.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                c.fetch_add(1, Ordering::SeqCst);
                let w = w.clone();
                tokio::spawn(async move {
                    let _ = play(stream, answer, &w).await;
                });
            }
        });
        Self {
            address,
            written,
            connections,
            task,
        }
    }

    fn uri(&self) -> String {
        format!("http://{}", self.address)
    }

    fn written(&self) -> u64 {
        self.written.load(Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one request head (and skips a small body).
async fn read_head(stream: &mut TcpStream) -> std::io::Result<()> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let n = stream.read(&mut buffer).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        data.extend_from_slice(&buffer[..n]);
        if data.windows(4).any(|w| w == b"\r\n\r\n") {
            return Ok(());
        }
    }
}

async fn play(mut stream: TcpStream, answer: Answer, written: &AtomicU64) -> std::io::Result<()> {
    read_head(&mut stream).await?;
    let blank = vec![b' '; 64 * 1024];
    let head = |extra: &str| {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: raw\r\n{extra}\r\n"
        )
    };
    match answer {
        Answer::Declared(length) => {
            stream
                .write_all(head(&format!("Content-Length: {length}\r\n")).as_bytes())
                .await?;
            loop {
                stream.write_all(&blank).await?;
                written.fetch_add(blank.len() as u64, Ordering::SeqCst);
            }
        }
        Answer::EndlessChunked => {
            stream
                .write_all(head("Transfer-Encoding: chunked\r\n").as_bytes())
                .await?;
            let chunk = [format!("{:x}\r\n", blank.len()).as_bytes(), &blank, b"\r\n"].concat();
            loop {
                stream.write_all(&chunk).await?;
                written.fetch_add(blank.len() as u64, Ordering::SeqCst);
            }
        }
        Answer::EndlessUntilClose => {
            stream
                .write_all(head("Connection: close\r\n").as_bytes())
                .await?;
            loop {
                stream.write_all(&blank).await?;
                written.fetch_add(blank.len() as u64, Ordering::SeqCst);
            }
        }
        Answer::Trickle(interval) => {
            stream
                .write_all(head("Content-Length: 64\r\n").as_bytes())
                .await?;
            for _ in 0..64 {
                tokio::time::sleep(interval).await;
                stream.write_all(b" ").await?;
                written.fetch_add(1, Ordering::SeqCst);
            }
            Ok(())
        }
        Answer::ManyHeaders(count) => {
            let mut extra = String::new();
            for i in 0..count {
                extra.push_str(&format!("X-Header-{i}: value-{i}\r\n"));
            }
            extra.push_str("Content-Length: 2\r\n");
            stream.write_all(head(&extra).as_bytes()).await?;
            stream.write_all(b"{}").await
        }
        Answer::HugeHeader(len) => {
            let extra = format!("X-Huge: {}\r\nContent-Length: 2\r\n", "v".repeat(len));
            stream.write_all(head(&extra).as_bytes()).await?;
            stream.write_all(b"{}").await
        }
        Answer::Projects(padding) => {
            let body = format!(
                "{{\"projects\":[{{\"id\":\"0123456789abcdef0123456789abcdef\",\"name\":\"cn-north-4\"}}]{}}}",
                " ".repeat(padding)
            );
            let extra = format!("Content-Length: {}\r\n", body.len());
            stream.write_all(head(&extra).as_bytes()).await?;
            stream.write_all(body.as_bytes()).await
        }
    }
}

const LIMIT: usize = 1 << 20;

/// How much a client may have let the server write past the limit: the kernel's socket
/// buffers on both ends and hyper's read buffer, a few MiB on loopback.
const SLACK: u64 = 24 << 20;

fn client(uri: &str, limit: Option<usize>) -> fixture_showcase_rest::Client {
    let mut builder = fixture_showcase_rest::Client::builder()
        .endpoint(uri)
        .credentials(clouddb_runtime::huawei::Credentials::ak_sk(
            "AKBOUND",
            "bound-secret",
        ))
        .project_id("0123456789abcdef0123456789abcdef")
        .environment(Arc::new(FixedEnvironment::new()))
        .sleep(Arc::new(clouddb_conformance::NoSleep))
        .attempt_timeout(Duration::from_secs(20));
    if let Some(limit) = limit {
        builder = builder.max_response_bytes(limit);
    }
    builder.build().expect("the client builds")
}

async fn list(
    client: &fixture_showcase_rest::Client,
    attempts: u32,
) -> (Result<(), Error>, Duration) {
    let started = Instant::now();
    let options = CallOptions::new().max_attempts(attempts);
    let result = tokio::time::timeout(
        Duration::from_secs(60),
        client.list_widgets().send_with(&options),
    )
    .await
    .expect("the call ends within a minute")
    .map(drop);
    (result, started.elapsed())
}

#[track_caller]
fn expect_too_large(result: &Result<(), Error>, limit: usize) {
    match result {
        Err(e) if e.kind() == ErrorKind::ResponseTooLarge => {
            let text = e.to_string();
            assert!(text.contains(&format!("limit of {limit} bytes")), "{text}");
            assert!(text.contains("max_response_bytes"), "{text}");
            assert_eq!(
                e.attempts(),
                1,
                "an answer too large is not retried: {text}"
            );
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declared_length_over_the_limit_is_refused_at_once() {
    let server = RawServer::start(Answer::Declared(100 << 30)).await;
    let (result, elapsed) = list(&client(&server.uri(), Some(LIMIT)), 3).await;
    expect_too_large(&result, LIMIT);
    let text = result.unwrap_err().to_string();
    assert!(text.contains("it declares 107374182400 bytes"), "{text}");
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
    // The body was not read: at most what the socket buffers held.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        server.written() < SLACK,
        "the server wrote {} bytes",
        server.written()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_never_ends_is_refused_at_the_limit() {
    for answer in [Answer::EndlessChunked, Answer::EndlessUntilClose] {
        let server = RawServer::start(answer).await;
        let (result, elapsed) = list(&client(&server.uri(), Some(LIMIT)), 3).await;
        expect_too_large(&result, LIMIT);
        assert!(
            elapsed < Duration::from_secs(10),
            "{answer:?} took {elapsed:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        let written = server.written();
        assert!(
            written >= LIMIT as u64 && written < LIMIT as u64 + SLACK,
            "{answer:?}: the server wrote {written} bytes"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_limit_is_64_mib() {
    assert_eq!(clouddb_runtime::DEFAULT_MAX_RESPONSE_BYTES, 64 << 20);
    let server = RawServer::start(Answer::Declared((64 << 20) + 1)).await;
    let (result, _) = list(&client(&server.uri(), None), 3).await;
    expect_too_large(&result, 64 << 20);
    let server = RawServer::start(Answer::EndlessChunked).await;
    let (result, elapsed) = list(&client(&server.uri(), None), 3).await;
    expect_too_large(&result, 64 << 20);
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        server.written() < (64 << 20) + SLACK,
        "the server wrote {}",
        server.written()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_slower_than_the_attempt_timeout_is_a_timeout() {
    let server = RawServer::start(Answer::Trickle(Duration::from_millis(50))).await;
    let client = client(&server.uri(), Some(LIMIT));
    let options = CallOptions::new()
        .max_attempts(2)
        .attempt_timeout(Duration::from_millis(400));
    let started = Instant::now();
    let result = client.list_widgets().send_with(&options).await.map(drop);
    let elapsed = started.elapsed();
    match &result {
        Err(e) if e.kind() == ErrorKind::Timeout => assert_eq!(e.attempts(), 2, "{e}"),
        other => panic!("expected a Timeout, got {other:?}"),
    }
    // Two attempts of 0.4 s each, with no sleep between them.
    assert!(
        elapsed >= Duration::from_millis(800) && elapsed < Duration::from_secs(4),
        "took {elapsed:?}"
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), 2);
}

/// hyper refuses an answer head of more than 100 headers, or larger than its read buffer
/// (about 400 KiB): the call fails at once with a `Transport` error. A read is retried (the
/// request may have been processed, but reading it again is safe), a write is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_headers_end_as_a_transport_error() {
    for (answer, attempts) in [
        (Answer::ManyHeaders(5_000), 3),
        (Answer::ManyHeaders(101), 3),
        (Answer::HugeHeader(1 << 20), 3),
    ] {
        let server = RawServer::start(answer).await;
        let (result, elapsed) = list(&client(&server.uri(), Some(LIMIT)), 3).await;
        match &result {
            Err(e) if e.kind() == ErrorKind::Transport => {
                assert_eq!(e.attempts(), attempts, "{answer:?}: {e}");
                assert!(
                    e.to_string().contains("the request failed"),
                    "{answer:?}: {e}"
                );
            }
            other => panic!("{answer:?}: expected a Transport error, got {other:?}"),
        }
        assert!(
            elapsed < Duration::from_secs(5),
            "{answer:?} took {elapsed:?}"
        );
    }
    // Up to 100 headers are read as usual.
    let server = RawServer::start(Answer::ManyHeaders(90)).await;
    let (result, _) = list(&client(&server.uri(), Some(LIMIT)), 1).await;
    assert!(result.is_ok(), "90 headers: {result:?}");
}

/// A client without a project id looks it up in IAM; that answer is bounded the same way.
fn discovering_client(iam: &str, api: &str, limit: usize) -> fixture_showcase_rest::Client {
    fixture_showcase_rest::Client::builder()
        .region("cn-north-4")
        .endpoint(api)
        .iam_endpoint(iam)
        .credentials(clouddb_runtime::huawei::Credentials::ak_sk(
            "AKIAMBOUND",
            "bound-secret",
        ))
        .environment(Arc::new(FixedEnvironment::new()))
        .sleep(Arc::new(clouddb_conformance::NoSleep))
        .max_response_bytes(limit)
        .build()
        .expect("the client builds")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_iam_project_lookup_is_bounded_too() {
    let api = RawServer::start(Answer::ManyHeaders(0)).await;
    for answer in [
        Answer::Declared(100 << 30),
        Answer::EndlessChunked,
        Answer::Projects(2 * LIMIT),
    ] {
        let iam = RawServer::start(answer).await;
        let client = discovering_client(&iam.uri(), &api.uri(), LIMIT);
        let (result, elapsed) = list(&client, 3).await;
        expect_too_large(&result, LIMIT);
        let text = result.unwrap_err().to_string();
        assert!(
            text.contains("cannot look up the project id"),
            "{answer:?}: {text}"
        );
        assert!(
            elapsed < Duration::from_secs(10),
            "{answer:?} took {elapsed:?}"
        );
    }
    let iam = RawServer::start(Answer::Trickle(Duration::from_millis(50))).await;
    let client = discovering_client(&iam.uri(), &api.uri(), LIMIT);
    let options = CallOptions::new()
        .max_attempts(1)
        .attempt_timeout(Duration::from_millis(400));
    let started = Instant::now();
    let result = client.list_widgets().send_with(&options).await.map(drop);
    match &result {
        Err(e) if e.kind() == ErrorKind::Timeout => {
            assert!(
                e.to_string().contains("cannot look up the project id"),
                "{e}"
            )
        }
        other => panic!("expected a Timeout, got {other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(
        api.connections.load(Ordering::SeqCst),
        0,
        "nothing was sent without a project id"
    );
    // A project list within the limit is read, and the call goes on to the API.
    let iam = RawServer::start(Answer::Projects(LIMIT / 2)).await;
    let client = discovering_client(&iam.uri(), &api.uri(), LIMIT);
    let (result, _) = list(&client, 1).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(api.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cli_reports_answers_too_large_and_too_slow() {
    let bin = program("huaweicloud-css-cli", "clouddb-css");
    let server = RawServer::start(Answer::Declared(100 << 30)).await;
    let run = Cli::huawei(&bin, &server.uri())
        .args(["list-flavors"])
        .run()
        .await;
    run.expect_exit(1)
        .expect_stderr("error: ")
        .expect_stderr("larger than the limit of 67108864 bytes (it declares 107374182400 bytes)");
    assert!(run.stdout.is_empty(), "{}", run.stdout);

    let server = RawServer::start(Answer::EndlessChunked).await;
    let started = Instant::now();
    let run = Cli::huawei(&bin, &server.uri())
        .args(["list-flavors"])
        .run()
        .await;
    run.expect_exit(1)
        .expect_stderr("larger than the limit of 67108864 bytes");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );

    let server = RawServer::start(Answer::Trickle(Duration::from_millis(50))).await;
    let run = Cli::huawei(&bin, &server.uri())
        .args([
            "list-flavors",
            "--attempt-timeout",
            "0.4",
            "--max-attempts",
            "1",
        ])
        .run()
        .await;
    run.expect_exit(4).expect_stderr("timed out");

    let server = RawServer::start(Answer::ManyHeaders(5_000)).await;
    let run = Cli::huawei(&bin, &server.uri())
        .args(["list-flavors", "--max-attempts", "1"])
        .run()
        .await;
    run.expect_exit(4).expect_stderr("the request failed");

    // The IAM lookup of a CLI without a project id.
    let iam = RawServer::start(Answer::Declared(100 << 30)).await;
    let run = Cli::new(&bin)
        .env("HUAWEICLOUD_SDK_AK", "AKCLIBOUND")
        .env("HUAWEICLOUD_SDK_SK", "cli-bound-secret")
        .env("HUAWEICLOUD_SDK_IAM_ENDPOINT", &iam.uri())
        .args([
            "--endpoint",
            &server.uri(),
            "--region",
            "cn-north-4",
            "list-flavors",
        ])
        .run()
        .await;
    run.expect_exit(1)
        .expect_stderr("cannot look up the project id")
        .expect_stderr("larger than the limit of 67108864 bytes");
}
