//! Misbehaving peers for fault tests, each as small as the fault it stands for: a server that
//! accepts and never answers, a port nobody listens on, a Secrets Manager that can be switched to
//! hang or drop connections, a Bedrock that dies in the middle of a stream, and a Bedrock that
//! records the headers it was sent.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn bind() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    (listener, addr)
}

/// Aborts the server task when dropped.
pub struct Server {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Accepts connections, reads whatever arrives, and never answers.
pub async fn silent() -> Server {
    let (listener, addr) = bind().await;
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut sink = [0u8; 4096];
                while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
            });
        }
    });
    Server { addr, task }
}

/// A loopback URL where nothing listens: connections are refused.
pub fn refusing_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

#[derive(Clone, Debug)]
pub enum SecretMode {
    /// Answer GetSecretValue with this SecretString.
    Answer(String),
    /// Accept the request and never answer.
    Hang,
    /// Close the connection as soon as the request arrives.
    Drop,
}

/// A Secrets Manager whose behaviour can be switched while the gateway runs.
pub struct SecretsManager {
    pub server: Server,
    mode: Arc<Mutex<SecretMode>>,
}

impl SecretsManager {
    pub async fn start(mode: SecretMode) -> Self {
        let (listener, addr) = bind().await;
        let mode = Arc::new(Mutex::new(mode));
        let shared = mode.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let mode = shared.clone();
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(
                        move |req: hyper::Request<hyper::body::Incoming>| {
                            let mode = mode.lock().expect("lock").clone();
                            async move {
                                let _ = req.into_body().collect().await;
                                match mode {
                                    SecretMode::Answer(secret) => Ok(secret_response(&secret)),
                                    SecretMode::Hang => std::future::pending().await,
                                    SecretMode::Drop => Err("dropping the connection"),
                                }
                            }
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        Self {
            server: Server { addr, task },
            mode,
        }
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn set(&self, mode: SecretMode) {
        *self.mode.lock().expect("lock") = mode;
    }
}

fn secret_response(secret: &str) -> hyper::Response<Full<Bytes>> {
    let body = json!({
        "ARN": "arn:aws:secretsmanager:us-east-1:000000000000:secret:gw",
        "Name": "gw", "SecretString": secret, "VersionId": "v1", "VersionStages": ["AWSCURRENT"],
    });
    hyper::Response::builder()
        .header("content-type", "application/x-amz-json-1.1")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("response")
}

/// One Anthropic event as an InvokeModelWithResponseStream `chunk` frame.
fn chunk_frame(event: &Value) -> Vec<u8> {
    let payload = json!({"bytes": base64::engine::general_purpose::STANDARD
        .encode(serde_json::to_vec(event).expect("json"))});
    let headers = vec![
        Header::new(":event-type", HeaderValue::String("chunk".into())),
        Header::new(
            ":content-type",
            HeaderValue::String("application/json".into()),
        ),
        Header::new(":message-type", HeaderValue::String("event".into())),
    ];
    let mut buf = Vec::new();
    write_message_to(
        &Message::new_from_parts(headers, serde_json::to_vec(&payload).expect("json")),
        &mut buf,
    )
    .expect("frame");
    buf
}

/// Reads one request (head and `content-length` body) off a raw connection; returns the head,
/// lowercased, followed by the body.
async fn read_request(stream: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                return format!("{head}\r\n\r\n{}", String::from_utf8_lossy(&buf[end + 4..]));
            }
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return String::from_utf8_lossy(&buf).into_owned(),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// A Bedrock that starts answering and then dies (the socket closes mid-body): a stream (SSE on
/// the Messages endpoint, event-stream frames on InvokeModelWithResponseStream) gets
/// `message_start` and a `content_block_start`, a non-streaming call half its declared body.
pub async fn dying_bedrock() -> Server {
    let (listener, addr) = bind().await;
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let request = read_request(&mut stream).await;
                let mut out = Vec::new();
                let start = json!({"type": "message_start", "message": {"id": "msg_1", "type": "message",
                    "role": "assistant", "model": "m", "content": [], "stop_reason": null, "stop_sequence": null,
                    "usage": {"input_tokens": 3, "output_tokens": 1}}});
                let block = json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}});
                if request.contains("/anthropic/v1/messages") && request.contains("\"stream\":true")
                {
                    let events = format!(
                        "event: message_start\ndata: {start}\n\nevent: content_block_start\ndata: {block}\n\n"
                    );
                    out.extend_from_slice(
                        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\
                          x-amzn-requestid: dying\r\ntransfer-encoding: chunked\r\n\r\n",
                    );
                    out.extend_from_slice(format!("{:x}\r\n{events}\r\n", events.len()).as_bytes());
                } else if request.contains("/invoke-with-response-stream") {
                    let mut frames = chunk_frame(&start);
                    frames.extend(chunk_frame(&block));
                    out.extend_from_slice(
                        b"HTTP/1.1 200 OK\r\ncontent-type: application/vnd.amazon.eventstream\r\n\
                          x-amzn-requestid: dying\r\ntransfer-encoding: chunked\r\n\r\n",
                    );
                    out.extend_from_slice(format!("{:x}\r\n", frames.len()).as_bytes());
                    out.extend_from_slice(&frames);
                    out.extend_from_slice(b"\r\n");
                } else {
                    out.extend_from_slice(
                        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                          content-length: 1000\r\n\r\n{\"id\":\"msg_1\",\"type\":",
                    );
                }
                let _ = stream.write_all(&out).await;
                let _ = stream.flush().await;
                // Let the frames be read, then die without ending the body.
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                drop(stream);
            });
        }
    });
    Server { addr, task }
}

/// A Bedrock that sends a non-streaming answer's head and part of its body, then nothing more
/// for a minute: a stall after the first byte.
pub async fn stalling_bedrock() -> Server {
    let (listener, addr) = bind().await;
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                read_request(&mut stream).await;
                let _ = stream
                    .write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                          content-length: 1000\r\n\r\n{\"id\":\"msg_1\",\"type\":",
                    )
                    .await;
                let _ = stream.flush().await;
                tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            });
        }
    });
    Server { addr, task }
}

/// A Bedrock that records each request's headers and refuses it (by default with a
/// 400 ValidationException).
pub struct Recorder {
    pub server: Server,
    headers: Arc<Mutex<Vec<http::HeaderMap>>>,
}

impl Recorder {
    pub async fn start() -> Self {
        Self::refusing(400, "ValidationException", &[]).await
    }

    /// Refuses every request with `status`, the modelled error `code` and `headers`.
    pub async fn refusing(
        status: u16,
        code: &'static str,
        headers: &'static [(&'static str, &'static str)],
    ) -> Self {
        let (listener, addr) = bind().await;
        let seen: Arc<Mutex<Vec<http::HeaderMap>>> = Arc::default();
        let recorded = seen.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let recorded = recorded.clone();
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(
                        move |req: hyper::Request<hyper::body::Incoming>| {
                            recorded.lock().expect("lock").push(req.headers().clone());
                            async move {
                                let _ = req.into_body().collect().await;
                                let mut response = hyper::Response::builder()
                                    .status(status)
                                    .header("content-type", "application/json")
                                    .header("x-amzn-errortype", code);
                                for (name, value) in headers {
                                    response = response.header(*name, *value);
                                }
                                Ok::<_, Infallible>(
                                    response
                                        .body(Full::new(Bytes::from_static(
                                            br#"{"message":"recorded"}"#,
                                        )))
                                        .expect("response"),
                                )
                            }
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                        .await;
                });
            }
        });
        Self {
            server: Server { addr, task },
            headers: seen,
        }
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn headers(&self) -> Vec<http::HeaderMap> {
        self.headers.lock().expect("lock").clone()
    }
}
