//! A scripted HTTP/1.1 server for fault injection: each connection it accepts plays the next
//! step of a script (an answer, a delayed answer, a reset before or after reading the
//! request, a truncated body), and it counts the connections and requests it saw.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one connection.
#[derive(Debug, Clone)]
pub enum Step {
    /// Reads the request and answers.
    Answer {
        /// HTTP status.
        status: u16,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// Body.
        body: String,
    },
    /// Reads the request, waits, then answers.
    Slow {
        /// How long to wait before answering.
        delay: Duration,
        /// The answer.
        status: u16,
        /// Body.
        body: String,
    },
    /// Lets the request arrive (it is delivered to the server's socket, not read), then
    /// resets the connection: the client cannot tell whether the server processed it.
    ResetBeforeReading,
    /// Reads the whole request, then closes the connection without answering.
    ResetAfterReading,
    /// Reads the request and answers with a `Content-Length` larger than the body it sends.
    Truncated {
        /// HTTP status.
        status: u16,
        /// The start of the body that is actually sent.
        body: String,
    },
}

impl Step {
    /// An answer with a JSON (or any) body and no extra headers.
    pub fn answer(status: u16, body: &str) -> Self {
        Step::Answer {
            status,
            headers: Vec::new(),
            body: body.to_owned(),
        }
    }

    /// An answer with extra headers.
    pub fn answer_with(status: u16, headers: &[(&str, &str)], body: &str) -> Self {
        Step::Answer {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.to_owned(),
        }
    }
}

/// A running scripted server.
#[derive(Debug)]
pub struct ScriptedServer {
    address: std::net::SocketAddr,
    connections: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl ScriptedServer {
    /// Starts a server on a free local port playing `script`; connections beyond the script
    /// get a 599 answer that no test expects.
    pub async fn start(script: Vec<Step>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free local port");
        let address = listener.local_addr().expect("a local address");
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (seen, received) = (connections.clone(), requests.clone());
        let task = tokio::spawn(async move {
            let mut steps = script.into_iter();
            while let Ok((stream, _)) = listener.accept().await {
                seen.fetch_add(1, Ordering::SeqCst);
                let step = steps
                    .next()
                    .unwrap_or_else(|| Step::answer(599, "script exhausted"));
                let received = received.clone();
                tokio::spawn(async move { play(stream, step, received).await });
            }
        });
        Self {
            address,
            connections,
            requests,
            task,
        }
    }

    /// The server's base URL.
    pub fn uri(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Connections accepted so far (one per attempt: answers close the connection).
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// The request heads (request line and headers) read so far.
    pub fn request_heads(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn play(mut stream: TcpStream, step: Step, received: Arc<Mutex<Vec<String>>>) {
    if matches!(step, Step::ResetBeforeReading) {
        // Long enough for the client to have written the whole request.
        tokio::time::sleep(Duration::from_millis(50)).await;
        reset(stream);
        return;
    }
    let Some(head) = read_request(&mut stream).await else {
        return;
    };
    received
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(head);
    let reply = match step {
        Step::Answer {
            status,
            headers,
            body,
        } => response(status, &headers, &body, body.len()),
        Step::Slow {
            delay,
            status,
            body,
        } => {
            tokio::time::sleep(delay).await;
            response(status, &[], &body, body.len())
        }
        Step::Truncated { status, body } => response(status, &[], &body, body.len() + 100),
        Step::ResetAfterReading => {
            reset(stream);
            return;
        }
        Step::ResetBeforeReading => return,
    };
    let _ = stream.write_all(reply.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Closes with a TCP reset (linger 0) instead of a graceful close.
#[allow(deprecated)] // `set_linger` is deprecated because a positive linger blocks on drop; 0 never blocks.
fn reset(stream: TcpStream) {
    let _ = stream.set_linger(Some(Duration::ZERO));
    drop(stream);
}

/// Reads one request (headers and a `Content-Length` body); returns its head.
async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&chunk[..n]);
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..header_end]).into_owned();
    let length = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    while data.len() < header_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&chunk[..n]);
    }
    Some(head)
}

fn response(
    status: u16,
    headers: &[(String, String)],
    body: &str,
    declared_length: usize,
) -> String {
    let mut text = format!(
        "HTTP/1.1 {status} Scripted\r\nContent-Type: application/json\r\nContent-Length: {declared_length}\r\nConnection: close\r\nX-Request-Id: scripted-{status}\r\n"
    );
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(body);
    text
}

/// A sleep that records each wait and returns at once.
#[derive(Debug, Clone, Default)]
pub struct RecordingSleep {
    waits: Arc<Mutex<Vec<Duration>>>,
}

impl RecordingSleep {
    /// The waits asked for so far.
    pub fn waits(&self) -> Vec<Duration> {
        self.waits.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl clouddb_runtime::retry::Sleep for RecordingSleep {
    fn sleep(
        &self,
        duration: Duration,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        self.waits
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(duration);
        Box::pin(std::future::ready(()))
    }
}
