//! The local path: plain HTTP/1.1 on a TCP listener, feeding the same handler as Lambda.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::body::Body;
use crate::config::MAX_BODY_BYTES;
use crate::error::ApiError;
use crate::handler::{App, RequestContext, handle, too_large};

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

async fn serve_one(app: Arc<App>, req: http::Request<Incoming>) -> http::Response<Body> {
    let (parts, body) = req.into_parts();
    let declared = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let body = read_body(body, declared).await;
    handle(
        app,
        http::Request::from_parts(parts, body),
        RequestContext::local(),
    )
    .await
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
        let app = app.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let app = app.clone();
                async move { Ok::<_, Infallible>(serve_one(app, req).await) }
            });
            if let Err(e) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
}
