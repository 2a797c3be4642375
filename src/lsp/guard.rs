//! A shield around tower-lsp-server. Its transport stops reading for good
//! at the first frame it cannot decode (a bad header, a body that is not
//! UTF-8, not JSON or not JSON-RPC), which ends the server; and a handler
//! that panics unwinds through its whole serve loop. Here every incoming
//! frame is checked first: a broken one is answered with the JSON-RPC error
//! and logged, and only sound frames, with canonical headers, reach the
//! library. Handler panics become "internal error" responses.
use std::{
    future::Future,
    panic::{self, AssertUnwindSafe},
    pin::Pin,
    task::{Context, Poll},
};

use tokio::{
    io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader},
    sync::mpsc,
};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};
use tower_service::Service;

/// Largest message accepted. A document of the analysis size cap is a
/// fraction of it; beyond it the body is skipped unread.
pub const MAX_MESSAGE_BYTES: usize = 128 * 1024 * 1024;
/// Longest header line; longer ones are garbage, skipped unbuffered.
const MAX_HEADER_LINE: usize = 8 * 1024;

/// Room for the longest header, `Content-Length: ` with twenty digits and
/// the blank line, in front of a body written by [`Frame::buffer`]'s user.
const HEAD_ROOM: usize = 40;

/// One complete frame, header included, ready to write. The body is written
/// once, after room left for the header: a publish of thousands of
/// diagnostics is over a megabyte, and copying it behind a header cost as
/// much as writing it.
pub struct Frame {
    buf: Vec<u8>,
    start: usize,
}

impl Frame {
    /// An empty body with room for `capacity` bytes and the header.
    pub fn buffer(capacity: usize) -> Vec<u8> {
        let mut buf = Vec::with_capacity(HEAD_ROOM + capacity);
        buf.resize(HEAD_ROOM, 0);
        buf
    }

    /// The frame of the body written into `buf` after [`Frame::buffer`].
    pub fn seal(mut buf: Vec<u8>) -> Frame {
        // Shorter than the room (not from `buffer`): an empty body.
        buf.resize(buf.len().max(HEAD_ROOM), 0);
        let len = buf.len() - HEAD_ROOM;
        let head = format!("Content-Length: {len}\r\n\r\n");
        let start = HEAD_ROOM - head.len();
        buf[start..HEAD_ROOM].copy_from_slice(head.as_bytes());
        Frame { buf, start }
    }

    /// The body alone.
    pub fn body(&self) -> &[u8] {
        &self.buf[HEAD_ROOM..]
    }
}

impl std::ops::Deref for Frame {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.buf[self.start..]
    }
}

pub fn frame(body: &[u8]) -> Frame {
    let mut buf = Frame::buffer(body.len());
    buf.extend_from_slice(body);
    Frame::seal(buf)
}

fn error_frame(id: Id, code: ErrorCode, message: String) -> Frame {
    let e = Error {
        code,
        message: message.into(),
        data: None,
    };
    frame(&serde_json::to_vec(&Response::from_error(id, e)).unwrap_or_default())
}

enum Line {
    Text(Vec<u8>),
    TooLong,
    Eof,
}

/// One header line without its line break, reading at most a bounded amount.
async fn header_line<R: AsyncRead + Unpin>(r: &mut BufReader<R>) -> std::io::Result<Line> {
    let mut line = Vec::new();
    let n = (&mut *r)
        .take(MAX_HEADER_LINE as u64)
        .read_until(b'\n', &mut line)
        .await?;
    if n == 0 {
        return Ok(Line::Eof);
    }
    if line.last() != Some(&b'\n') {
        if n < MAX_HEADER_LINE {
            return Ok(Line::Eof);
        }
        // Skip the rest of the line without keeping it.
        loop {
            let buf = r.fill_buf().await?;
            if buf.is_empty() {
                return Ok(Line::Eof);
            }
            match memchr::memchr(b'\n', buf) {
                Some(i) => {
                    r.consume(i + 1);
                    return Ok(Line::TooLong);
                }
                None => {
                    let len = buf.len();
                    r.consume(len);
                }
            }
        }
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(Line::Text(line))
}

/// What a header block said.
enum Header {
    Length(usize),
    Invalid(String),
    Eof,
}

/// A body of `len` bytes, read straight into the frame that carries it.
async fn read_frame<R: AsyncRead + Unpin>(
    r: &mut BufReader<R>,
    len: usize,
) -> std::io::Result<Frame> {
    let mut buf = Frame::buffer(len);
    buf.resize(HEAD_ROOM + len, 0);
    r.read_exact(&mut buf[HEAD_ROOM..]).await?;
    Ok(Frame::seal(buf))
}

async fn header<R: AsyncRead + Unpin>(r: &mut BufReader<R>) -> std::io::Result<Header> {
    let mut length: Option<Result<usize, String>> = None;
    let mut problem: Option<String> = None;
    let mut lines = 0usize;
    loop {
        let line = match header_line(r).await? {
            Line::Eof => {
                if lines > 0 {
                    tracing::warn!("input ended inside a message header");
                }
                return Ok(Header::Eof);
            }
            Line::TooLong => {
                lines += 1;
                problem = Some("a header line is too long".to_string());
                continue;
            }
            Line::Text(l) => l,
        };
        // A message whose header was broken leaves its body behind, glued
        // to the next header: pick the framing up again at `Content-Length`.
        let line = match memchr::memmem::find(&line.to_ascii_lowercase(), b"content-length") {
            Some(at) if at > 0 => {
                tracing::warn!("skipped {at} bytes of input that were not a header");
                line[at..].to_vec()
            }
            _ => line,
        };
        if line.is_empty() {
            if lines == 0 {
                // Stray blank lines between messages.
                continue;
            }
            break;
        }
        lines += 1;
        // Only header names are ever logged: a client that lost framing
        // may be sending document text here.
        let Some(colon) = memchr::memchr(b':', &line) else {
            problem = Some("a header line is not `Name: value`".to_string());
            continue;
        };
        let name = String::from_utf8_lossy(&line[..colon])
            .trim()
            .to_ascii_lowercase();
        let value = String::from_utf8_lossy(&line[colon + 1..])
            .trim()
            .to_string();
        match name.as_str() {
            "content-length" => {
                length = Some(
                    value
                        .parse::<usize>()
                        .map_err(|_| "the Content-Length is not a number".to_string()),
                );
            }
            // Bodies are checked as UTF-8 whatever the header says.
            "content-type" => {}
            _ if name.len() <= 64 => tracing::debug!("ignoring header {name:?}"),
            _ => tracing::debug!("ignoring a header with a long name"),
        }
    }
    Ok(match (length, problem) {
        (Some(Ok(n)), _) => Header::Length(n),
        (Some(Err(e)), _) => Header::Invalid(e),
        (None, Some(p)) => Header::Invalid(format!("{p}, and there is no Content-Length")),
        (None, None) => Header::Invalid("the message has no Content-Length".to_string()),
    })
}

/// A complaint about an incoming body: the response to send.
fn check_body(body: &[u8]) -> Result<(), Frame> {
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(error_frame(
            Id::Null,
            ErrorCode::ParseError,
            "Parse error: the message is not valid UTF-8".into(),
        ));
    };
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return Err(error_frame(
                Id::Null,
                ErrorCode::ParseError,
                format!(
                    "Parse error: not JSON (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            ))
        }
    };
    // What the library's decoder accepts, less a request without a method
    // (the library would take it for one named ""): a request or
    // notification, or a response to one of the server's requests.
    use serde::Deserialize;
    let request =
        value.get("method").is_some_and(|m| m.is_string()) && Request::deserialize(&value).is_ok();
    let response = value.get("method").is_none()
        && (value.get("result").is_some() || value.get("error").is_some())
        && Response::deserialize(&value).is_ok();
    if request || response {
        return Ok(());
    }
    let id = value
        .get("id")
        .and_then(|id| serde_json::from_value::<Id>(id.clone()).ok())
        .unwrap_or(Id::Null);
    Err(error_frame(
        id,
        ErrorCode::InvalidRequest,
        "Invalid request: not a JSON-RPC 2.0 request, notification or response".into(),
    ))
}

/// Reads the client's frames, passing sound ones to `server` and answering
/// broken ones through `replies`. Returns at end of input, or when the
/// server stops reading.
pub async fn pump<R, W>(input: R, mut server: W, replies: mpsc::Sender<Frame>)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut r = BufReader::with_capacity(1 << 16, input);
    loop {
        let len = match header(&mut r).await {
            Err(e) => {
                tracing::warn!("reading input: {e}");
                return;
            }
            Ok(Header::Eof) => return,
            Ok(Header::Invalid(why)) => {
                tracing::warn!("dropped a message: {why}");
                let reply = error_frame(
                    Id::Null,
                    ErrorCode::ParseError,
                    format!("Parse error: {why}"),
                );
                let _ = replies.send(reply).await;
                continue;
            }
            Ok(Header::Length(n)) => n,
        };
        if len > MAX_MESSAGE_BYTES {
            tracing::warn!(
                "dropped a message of {len} bytes, over the {MAX_MESSAGE_BYTES} byte limit"
            );
            let skipped =
                tokio::io::copy(&mut (&mut r).take(len as u64), &mut tokio::io::sink()).await;
            if skipped.map_or(true, |n| n < len as u64) {
                tracing::warn!("input ended inside a message");
                return;
            }
            let reply = error_frame(
                Id::Null,
                ErrorCode::InvalidRequest,
                format!("Invalid request: a message of {len} bytes is over the limit of {MAX_MESSAGE_BYTES}"),
            );
            let _ = replies.send(reply).await;
            continue;
        }
        let Ok(f) = read_frame(&mut r, len).await else {
            tracing::warn!("input ended inside a message of {len} bytes");
            return;
        };
        match check_body(f.body()) {
            Ok(()) => {
                if server.write_all(&f).await.is_err() || server.flush().await.is_err() {
                    return;
                }
            }
            Err(reply) => {
                tracing::warn!("dropped a message that is not valid JSON-RPC ({len} bytes)");
                let _ = replies.send(reply).await;
            }
        }
    }
}

/// Cuts the library's output back into frames, so that they interleave
/// whole with the replies of `pump`.
pub async fn relay<R: AsyncRead + Unpin>(output: R, frames: mpsc::Sender<Frame>) {
    let mut r = BufReader::with_capacity(1 << 16, output);
    loop {
        let len = match header(&mut r).await {
            Ok(Header::Length(n)) => n,
            _ => return,
        };
        let Ok(f) = read_frame(&mut r, len).await else {
            return;
        };
        if frames.send(f).await.is_err() {
            return;
        }
    }
}

/// Writes frames to the client until every sender is gone, or until
/// `served` and then the frames queued by then. A task can outlive the
/// server holding a sender (one waiting for the answer to a request the
/// client sent no more, after `exit`); waiting for it would keep the
/// process alive until the client kills it.
pub async fn write<W: AsyncWrite>(
    mut frames: mpsc::Receiver<Frame>,
    output: W,
    served: impl Future<Output = ()>,
) {
    let mut out = std::pin::pin!(output);
    let mut served = std::pin::pin!(served);
    let (mut closed, mut broken) = (false, false);
    loop {
        let frame = tokio::select! {
            f = frames.recv() => f,
            _ = &mut served, if !closed => {
                closed = true;
                frames.close();
                continue;
            }
        };
        let Some(f) = frame else { break };
        // Once the client is gone, frames are taken and dropped, so that
        // the senders never block.
        if broken {
            continue;
        }
        broken =
            out.write_all(&f).await.is_err() || (frames.is_empty() && out.flush().await.is_err());
    }
    if !broken {
        let _ = out.flush().await;
    }
}

/// The language service with panics caught: a request whose handler
/// panics is answered with an internal error, a notification is dropped,
/// and the server goes on.
pub struct CatchPanics<S>(pub S);

type Caught<E> = Pin<Box<dyn Future<Output = Result<Option<Response>, E>> + Send>>;

impl<S> Service<Request> for CatchPanics<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = Caught<S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let id = req.id().cloned();
        let method = req.method().to_string();
        #[cfg(debug_assertions)]
        let injected = injected_panic(&method);
        let inner = &mut self.0;
        match panic::catch_unwind(AssertUnwindSafe(|| inner.call(req))) {
            Ok(fut) => Box::pin(Unwinding {
                fut: Box::pin(fut),
                id,
                method,
                #[cfg(debug_assertions)]
                injected,
            }),
            Err(_) => Box::pin(std::future::ready(Ok(failed(id, &method)))),
        }
    }
}

fn failed(id: Option<Id>, method: &str) -> Option<Response> {
    tracing::error!("{method} failed with an internal error; the server goes on");
    id.map(|id| Response::from_error(id, Error::internal_error()))
}

struct Unwinding<F> {
    fut: Pin<Box<F>>,
    id: Option<Id>,
    method: String,
    #[cfg(debug_assertions)]
    injected: bool,
}

impl<F, E> Future for Unwinding<F>
where
    F: Future<Output = Result<Option<Response>, E>>,
{
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        #[cfg(debug_assertions)]
        let injected = this.injected;
        let fut = &mut this.fut;
        let polled = panic::catch_unwind(AssertUnwindSafe(|| {
            #[cfg(debug_assertions)]
            if injected {
                panic!("CLERK_CORE2_TEST_PANIC_METHOD: handler fails on purpose");
            }
            fut.as_mut().poll(cx)
        }));
        match polled {
            Ok(p) => p,
            Err(_) => Poll::Ready(Ok(failed(this.id.take(), &this.method))),
        }
    }
}

/// A handler that fails on purpose, to test containment: set
/// `CLERK_CORE2_TEST_PANIC_METHOD=<LSP method>`. Debug builds only.
#[cfg(debug_assertions)]
fn injected_panic(method: &str) -> bool {
    static METHOD: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    METHOD
        .get_or_init(|| std::env::var("CLERK_CORE2_TEST_PANIC_METHOD").ok())
        .as_deref()
        == Some(method)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_is_its_header_then_its_body() {
        assert_eq!(&*frame(b"{}"), b"Content-Length: 2\r\n\r\n{}");
        assert_eq!(frame(b"{}").body(), b"{}");
        let mut buf = Frame::buffer(4);
        buf.extend_from_slice("{\"é\"}".as_bytes());
        assert_eq!(
            &*Frame::seal(buf),
            "Content-Length: 6\r\n\r\n{\"é\"}".as_bytes()
        );
        assert_eq!(&*Frame::seal(Vec::new()), b"Content-Length: 0\r\n\r\n");
    }
}
