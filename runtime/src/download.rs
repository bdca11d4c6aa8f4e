//! File answers read as a stream: an operation whose answer is a file (a log, an export)
//! can be sent with `send_streaming`, which returns as soon as the answer's headers arrived
//! and reads the file chunk by chunk, so that a large file never has to fit in memory.

use std::time::Duration;

use bytes::Bytes;

use crate::call::Answered;
use crate::error::Error;
use crate::transport::{answer_timeout, transport_error, Opened};

/// A file answer being received. Read it with [`chunk`](Self::chunk) until `None`, or
/// collect it with [`bytes`](Self::bytes).
#[derive(Debug)]
pub struct Download {
    status: u16,
    headers: http::HeaderMap,
    request_id: Option<String>,
    body: reqwest::Response,
    idle_timeout: Duration,
    received: u64,
}

impl Download {
    pub(crate) fn new(opened: Opened, request_id: Option<String>, idle_timeout: Duration) -> Self {
        Self {
            status: opened.status,
            headers: opened.headers,
            request_id,
            body: opened.body,
            idle_timeout,
            received: 0,
        }
    }

    /// HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Response headers (`Content-Type`, `Content-Disposition`, ...).
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }

    /// The request id to quote to support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The file's size as the answer declares it, if it does.
    pub fn content_length(&self) -> Option<u64> {
        self.body.content_length()
    }

    /// How many bytes were read so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// The next piece of the file, or `None` at its end. A piece that does not arrive
    /// within the attempt timeout ends the download with a `Timeout` error; a connection
    /// cut short is a `Transport` error.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        let chunk = tokio::time::timeout(self.idle_timeout, self.body.chunk())
            .await
            .map_err(|_| answer_timeout(self.idle_timeout))?
            .map_err(transport_error)?;
        if let Some(chunk) = &chunk {
            self.received += chunk.len() as u64;
        }
        Ok(chunk)
    }

    /// The whole file in memory; a file larger than `limit` bytes is an error of kind
    /// `ResponseTooLarge`.
    pub async fn bytes(mut self, limit: usize) -> Result<Bytes, Error> {
        let mut out = bytes::BytesMut::new();
        while let Some(chunk) = self.chunk().await? {
            if out.len() + chunk.len() > limit {
                return Err(crate::transport::too_large(limit, self.content_length()));
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out.freeze())
    }
}

impl Answered for Opened {
    fn status(&self) -> u16 {
        self.status
    }

    fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }
}
