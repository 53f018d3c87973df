//! The local path: plain HTTP/1.1 on a TCP listener, feeding the same handler as Lambda.
//!
//! Every client is bounded: its first request's head is read here, with a deadline and size
//! limits, so a slow or oversized head gets an Anthropic-shaped 408 / 414 / 431 with a request
//! id and a log line rather than hyper's bare status; the body has its own deadline (408). On a
//! kept-alive connection, later heads are read by hyper under the same deadline and the size
//! limits are checked on the parsed request.

use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use http::{HeaderMap, Method, StatusCode};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::body::Body;
use crate::config::MAX_BODY_BYTES;
use crate::error::{ApiError, ErrorKind, should_retry};
use crate::handler::{Access, App, RequestContext, error_response, handle, too_large};

/// Request line plus headers, as sent.
pub const MAX_HEAD_BYTES: usize = 32 * 1024;
/// The request target (path and query).
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// Header lines; hyper refuses more than 100 on its own.
pub const MAX_HEADERS: usize = 100;

/// Reads the request body, refusing more than the limit without buffering it all.
async fn read_body(body: Incoming, declared: Option<u64>) -> Result<Bytes, ApiError> {
    if declared.is_some_and(|len| len > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Err(_) => Err(ApiError::invalid("could not read the request body")),
    }
}

fn timed_out(what: &str, limit: Duration) -> ApiError {
    ApiError::new(
        ErrorKind::Timeout,
        format!("the {what} did not arrive within {} ms", limit.as_millis()),
    )
    .with_status(StatusCode::REQUEST_TIMEOUT)
}

fn uri_too_long() -> ApiError {
    ApiError::invalid(format!("the request URL exceeds {MAX_URI_BYTES} bytes"))
        .with_status(StatusCode::URI_TOO_LONG)
}

fn headers_too_large() -> ApiError {
    ApiError::invalid(format!(
        "the request headers exceed {MAX_HEAD_BYTES} bytes or {MAX_HEADERS} lines"
    ))
    .with_status(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
}

/// The size limits, checked on a head hyper parsed (a kept-alive connection's later requests).
fn check_parsed_head(uri: &http::Uri, headers: &HeaderMap) -> Result<(), ApiError> {
    let uri_len = uri.path_and_query().map_or(0, |p| p.as_str().len());
    if uri_len > MAX_URI_BYTES {
        return Err(uri_too_long());
    }
    let head: usize = headers
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum::<usize>()
        + uri_len;
    if head > MAX_HEAD_BYTES || headers.len() > MAX_HEADERS {
        return Err(headers_too_large());
    }
    Ok(())
}

async fn serve_one(app: Arc<App>, req: http::Request<Incoming>) -> http::Response<Body> {
    let (parts, body) = req.into_parts();
    let declared = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let ctx = RequestContext::local();
    if let Err(err) = check_parsed_head(&parts.uri, &parts.headers) {
        let mut access = Access::new(app.settings(), &ctx, parts.method.clone(), parts.uri.path());
        access.rejected(&err);
        access.emit().await;
        return error_response(&ctx.request_id, &err);
    }
    let limit = app.settings().body_read_timeout;
    let body = tokio::time::timeout(limit, read_body(body, declared))
        .await
        .unwrap_or_else(|_| Err(timed_out("request body", limit)));
    handle(app, http::Request::from_parts(parts, body), ctx).await
}

/// How reading the first request head ended.
enum Head {
    /// The head is complete and within the limits; hyper reads it again from the buffer.
    Complete,
    /// The client closed the connection before its head was complete.
    Gone,
    Refused(ApiError),
}

/// Reads into `buf` until the end of the head, the client leaving, or a limit.
async fn read_head(stream: &mut TcpStream, buf: &mut BytesMut) -> io::Result<Head> {
    loop {
        // The head ends with an empty line (CRLF, or a bare LF, which hyper accepts too).
        let end = [find(buf, b"\n\r\n"), find(buf, b"\n\n")]
            .into_iter()
            .flatten()
            .min();
        if let Some(end) = end {
            let head = &buf[..end];
            let line_end = find(head, b"\n").unwrap_or(head.len());
            let target_len = head[..line_end]
                .split(|b| *b == b' ')
                .nth(1)
                .map_or(0, <[u8]>::len);
            if target_len > MAX_URI_BYTES {
                return Ok(Head::Refused(uri_too_long()));
            }
            let header_lines = head.iter().filter(|b| **b == b'\n').count();
            if end > MAX_HEAD_BYTES || header_lines > MAX_HEADERS {
                return Ok(Head::Refused(headers_too_large()));
            }
            return Ok(Head::Complete);
        }
        if buf.len() >= MAX_HEAD_BYTES {
            // Still in the request line: it is the URL that is too long.
            return Ok(Head::Refused(if find(buf, b"\n").is_none() {
                uri_too_long()
            } else {
                headers_too_large()
            }));
        }
        buf.reserve(4096);
        if stream.read_buf(buf).await? == 0 {
            return Ok(Head::Gone);
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Answers a request refused before hyper saw it, logs it, and closes the connection.
async fn refuse(app: &App, mut stream: TcpStream, head: &[u8], err: &ApiError) {
    let ctx = RequestContext::local();
    // Method and path for the log, as far as they arrived (a long path is cut short).
    let mut line = head.split(|b| *b == b' ');
    let method = line
        .next()
        .and_then(|m| Method::from_bytes(m).ok())
        .unwrap_or_default();
    let path = line
        .next()
        .map(|p| String::from_utf8_lossy(&p[..p.len().min(256)]).into_owned())
        .unwrap_or_default();
    let mut access = Access::new(app.settings(), &ctx, method, &path);
    access.rejected(err);
    let body = serde_json::to_vec(&err.body(&ctx.request_id)).unwrap_or_default();
    let mut response = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         request-id: {}\r\nx-should-retry: {}\r\nconnection: close\r\n\r\n",
        err.status.as_u16(),
        err.status.canonical_reason().unwrap_or(""),
        body.len(),
        ctx.request_id,
        should_retry(err.status),
    )
    .into_bytes();
    response.extend_from_slice(&body);
    access.emit().await;
    // Then close gently: unread input at close would make the kernel send a reset, which can
    // destroy the answer before the client reads it. Bounded, so a client that neither reads
    // nor stops sending does not hold the task.
    let close = async {
        stream.write_all(&response).await?;
        stream.shutdown().await?;
        let mut sink = [0u8; 4096];
        while stream.read(&mut sink).await? > 0 {}
        Ok::<_, io::Error>(())
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), close).await;
}

async fn connection(app: Arc<App>, mut stream: TcpStream) {
    let limit = app.settings().header_read_timeout;
    let mut buf = BytesMut::with_capacity(4096);
    match tokio::time::timeout(limit, read_head(&mut stream, &mut buf)).await {
        Ok(Ok(Head::Complete)) => {}
        Ok(Ok(Head::Refused(err))) => return refuse(&app, stream, &buf, &err).await,
        // Nothing sent at all: an idle connection, closed without a word like any server does.
        Err(_) if buf.is_empty() => return,
        Err(_) => {
            return refuse(&app, stream, &buf, &timed_out("request headers", limit)).await;
        }
        Ok(Ok(Head::Gone) | Err(_)) => return,
    }
    let service = hyper::service::service_fn(move |req| {
        let app = app.clone();
        async move { Ok::<_, Infallible>(serve_one(app, req).await) }
    });
    let io = Rewind {
        prefix: buf.freeze(),
        inner: stream,
    };
    if let Err(e) = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limit)
        .serve_connection(TokioIo::new(io), service)
        .await
    {
        tracing::debug!(error = %e, "connection ended with an error");
    }
}

/// Accepts connections until the listener fails; each connection runs on its own task.
pub async fn serve(app: Arc<App>, listener: TcpListener) -> std::io::Result<()> {
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(conn) => conn,
            // e.g. out of file descriptors: keep serving the connections we have.
            Err(e) => {
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        // SSE events are small writes that must leave at once.
        let _ = stream.set_nodelay(true);
        tokio::spawn(connection(app.clone(), stream));
    }
}

/// The connection with the bytes already read in front, so hyper parses the head we checked.
struct Rewind {
    prefix: Bytes,
    inner: TcpStream,
}

impl AsyncRead for Rewind {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.prefix.has_remaining() {
            let n = this.prefix.len().min(buf.remaining());
            buf.put_slice(&this.prefix[..n]);
            this.prefix.advance(n);
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Rewind {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
