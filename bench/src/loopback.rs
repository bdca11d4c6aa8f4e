//! A minimal HTTP/1.1 server on 127.0.0.1 that answers every request with the same fixed
//! response and keeps connections alive. It runs on its own thread with its own
//! current-thread tokio runtime, so it does not compete with the measured client's
//! executor, and it lives until the benchmark process ends.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A running loopback server.
#[derive(Debug)]
pub struct Server {
    address: SocketAddr,
    counts: Arc<Counts>,
}

/// What the server has seen.
#[derive(Debug, Default)]
struct Counts {
    connections: AtomicU64,
    requests: AtomicU64,
}

impl Server {
    /// Starts a server answering `200 OK` with `body` as `application/json`.
    pub fn start(body: Vec<u8>) -> Self {
        let mut response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=UTF-8\r\n\
             X-Request-Id: 0f6e4c5b0a8d4e1b9c7a6f5e4d3c2b1a\r\nContent-Length: {}\r\n\
             Connection: keep-alive\r\n\r\n",
            body.len()
        )
        .into_bytes();
        response.extend_from_slice(&body);
        let response: Arc<[u8]> = response.into();

        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener
            .set_nonblocking(true)
            .expect("a listener can be non-blocking");
        let address = listener
            .local_addr()
            .expect("a bound listener has an address");
        let counts = Arc::new(Counts::default());
        let server_counts = Arc::clone(&counts);
        std::thread::Builder::new()
            .name("loopback-server".to_owned())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_io()
                    .build()
                    .expect("the server's runtime starts");
                runtime.block_on(serve(listener, response, server_counts));
            })
            .expect("the server thread starts");
        Self { address, counts }
    }

    /// The endpoint to configure clients with: `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The requests answered so far.
    pub fn requests(&self) -> u64 {
        self.counts.requests.load(Ordering::Relaxed)
    }

    /// The connections accepted so far.
    pub fn connections(&self) -> u64 {
        self.counts.connections.load(Ordering::Relaxed)
    }
}

async fn serve(listener: std::net::TcpListener, response: Arc<[u8]>, counts: Arc<Counts>) {
    let listener = TcpListener::from_std(listener).expect("the listener joins the runtime");
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        counts.connections.fetch_add(1, Ordering::Relaxed);
        let _ = stream.set_nodelay(true);
        tokio::spawn(answer(stream, Arc::clone(&response), Arc::clone(&counts)));
    }
}

/// Answers every request of one connection until the client closes it.
async fn answer(mut stream: TcpStream, response: Arc<[u8]>, counts: Arc<Counts>) {
    let mut buffer = Vec::with_capacity(16 * 1024);
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        let request_len = loop {
            if let Some(len) = complete_request(&buffer) {
                break len;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        buffer.drain(..request_len);
        counts.requests.fetch_add(1, Ordering::Relaxed);
        if stream.write_all(&response).await.is_err() {
            return;
        }
    }
}

/// The length of the first complete request in `buffer` (head and `Content-Length` body).
fn complete_request(buffer: &[u8]) -> Option<usize> {
    let head_end = buffer.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&buffer[..head_end]).ok()?;
    let body_len = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let total = head_end + body_len;
    (buffer.len() >= total).then_some(total)
}
