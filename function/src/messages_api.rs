//! Bedrock's native Messages endpoint (`upstream: "messages"`): `POST {bedrock-runtime}/anthropic/v1/messages`
//! with the Anthropic body, answered with Anthropic JSON or SSE. The Rust SDK has no operation for
//! it, so the request is signed here with SigV4 (service `bedrock`), using the SDK configuration's
//! region, credential chain and endpoint settings, so it goes where the SDK's Bedrock calls go.

use std::time::{Duration, SystemTime};

use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use aws_sdk_bedrockruntime::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use aws_types::service_config::ServiceConfigKey;
use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::sync::OnceCell;

use crate::credentials::CredentialCache;
use crate::error::{ApiError, Asked, ErrorKind, caused_by_timeout};

/// The SigV4 signing name of bedrock-runtime (its Smithy model's `signingName`).
const SIGNING_NAME: &str = "bedrock";
const PATH: &str = "/anthropic/v1/messages";
/// Error bodies are small; a larger one is cut here rather than buffered whole.
const MAX_ERROR_BODY: usize = 64 * 1024;

type HttpsClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// Built on first use, so a map without `messages` models costs nothing at cold start.
struct Transport {
    client: HttpsClient,
    url: String,
}

pub struct MessagesApi {
    sdk: SdkConfig,
    timeouts: Timeouts,
    transport: OnceCell<Transport>,
    credentials: CredentialCache,
}

/// The same bounds the SDK's Bedrock client gets (`BEDROCK_CONNECT_TIMEOUT_MS`,
/// `BEDROCK_FIRST_BYTE_TIMEOUT_MS`).
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// TCP and TLS.
    pub connect: Duration,
    /// Until the response head arrives; for a non-streaming answer, also its whole body.
    pub first_byte: Duration,
}

/// What the client sent that the endpoint should see besides the body.
pub struct Forward<'a> {
    /// The client's query string (`beta=true`), passed on unchanged.
    pub query: Option<&'a str>,
    pub anthropic_version: Option<&'a HeaderValue>,
    /// The `anthropic-beta` flags after the allowlist.
    pub betas: &'a [String],
    /// The invocation's X-Ray trace header, signed and sent as `X-Amzn-Trace-Id` as the SDK does.
    pub trace: Option<HeaderValue>,
}

impl MessagesApi {
    pub fn new(sdk: &SdkConfig, timeouts: Timeouts) -> Self {
        Self {
            sdk: sdk.clone(),
            timeouts,
            transport: OnceCell::new(),
            credentials: CredentialCache::default(),
        }
    }

    /// The endpoint override as the SDK's Bedrock Runtime client chooses it: one set in code
    /// first, then `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` (or the profile's), then `AWS_ENDPOINT_URL`.
    fn endpoint_override(&self) -> Option<String> {
        if self.sdk.get_origin("endpoint_url").is_client_config() {
            return self.sdk.endpoint_url().map(str::to_owned);
        }
        let key = ServiceConfigKey::builder()
            .service_id("Bedrock Runtime")
            .env("AWS_ENDPOINT_URL")
            .profile("endpoint_url")
            .build()
            .ok()?;
        self.sdk
            .service_config()
            .and_then(|c| c.load_config(key))
            .or_else(|| self.sdk.endpoint_url().map(str::to_owned))
    }

    async fn transport(&self) -> Result<&Transport, ApiError> {
        self.transport
            .get_or_try_init(|| async {
                let region = self.region()?;
                // The SDK's own endpoint rules: partitions, FIPS, dual-stack, overrides.
                let params = Params::builder()
                    .region(region)
                    .set_use_fips(self.sdk.use_fips())
                    .set_use_dual_stack(self.sdk.use_dual_stack())
                    .set_endpoint(self.endpoint_override())
                    .build()
                    .map_err(|e| ApiError::internal(format!("Bedrock endpoint: {e}")))?;
                let endpoint = DefaultResolver::new()
                    .resolve_endpoint(&params)
                    .await
                    .map_err(|e| ApiError::internal(format!("Bedrock endpoint: {e}")))?;
                let mut http = HttpConnector::new();
                http.enforce_http(false);
                http.set_nodelay(true);
                http.set_connect_timeout(Some(self.timeouts.connect));
                let https = HttpsConnectorBuilder::new()
                    .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
                    .map_err(|e| {
                        ApiError::internal(format!("cannot load the TLS root certificates: {e}"))
                    })?
                    // http only for endpoint overrides such as a local fake.
                    .https_or_http()
                    .enable_http1()
                    .wrap_connector(http);
                Ok(Transport {
                    client: Client::builder(TokioExecutor::new()).build(https),
                    url: format!("{}{PATH}", endpoint.url().trim_end_matches('/')),
                })
            })
            .await
    }

    fn region(&self) -> Result<String, ApiError> {
        self.sdk
            .region()
            .map(|r| r.as_ref().to_owned())
            .ok_or_else(|| ApiError::internal("no AWS region is configured (set AWS_REGION)"))
    }

    async fn credentials(&self) -> Result<Credentials, ApiError> {
        self.credentials.get(&self.sdk).await.map_err(|e| {
            tracing::warn!(error = %e, "cannot load AWS credentials");
            ApiError::internal("cannot load AWS credentials to sign the Bedrock request")
        })
    }

    /// Sends the signed request; the response is returned whatever its status.
    pub async fn send(
        &self,
        forward: &Forward<'_>,
        body: Vec<u8>,
    ) -> Result<Response<Incoming>, ApiError> {
        let transport = self.transport().await?;
        // Only `beta` means anything to the endpoint; other parameters stay with the client.
        let beta: Vec<&str> = forward
            .query
            .unwrap_or_default()
            .split('&')
            .filter(|p| p.split('=').next() == Some("beta"))
            .collect();
        let url = if beta.is_empty() {
            transport.url.clone()
        } else {
            format!("{}?{}", transport.url, beta.join("&"))
        };
        let uri: http::Uri = url
            .parse()
            .map_err(|e| ApiError::internal(format!("Bedrock endpoint URL {url:?}: {e}")))?;
        let host = uri
            .authority()
            .map(|a| a.as_str().to_owned())
            .ok_or_else(|| {
                ApiError::internal(format!("Bedrock endpoint URL {url:?} has no host"))
            })?;
        let mut headers: Vec<(&str, String)> = vec![
            (header::HOST.as_str(), host),
            (header::CONTENT_TYPE.as_str(), "application/json".to_owned()),
        ];
        if let Some(v) = forward.anthropic_version.and_then(|v| v.to_str().ok()) {
            headers.push(("anthropic-version", v.to_owned()));
        }
        if !forward.betas.is_empty() {
            headers.push(("anthropic-beta", forward.betas.join(",")));
        }
        if let Some(v) = forward.trace.as_ref().and_then(|v| v.to_str().ok()) {
            headers.push(("x-amzn-trace-id", v.to_owned()));
        }
        let mut request = Request::builder().method("POST").uri(uri);
        for (name, value) in &headers {
            request = request.header(*name, value);
        }
        let mut request = request
            .body(Full::new(Bytes::new()))
            .map_err(|e| ApiError::internal(format!("cannot build the Bedrock request: {e}")))?;

        let identity: Identity = self.credentials().await?.into();
        let region = self.region()?;
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&region)
            .name(SIGNING_NAME)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| ApiError::internal(format!("cannot sign the Bedrock request: {e}")))?
            .into();
        let signable = SignableRequest::new(
            "POST",
            url.as_str(),
            headers.iter().map(|(k, v)| (*k, v.as_str())),
            SignableBody::Bytes(&body),
        )
        .map_err(|e| ApiError::internal(format!("cannot sign the Bedrock request: {e}")))?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| ApiError::internal(format!("cannot sign the Bedrock request: {e}")))?
            .into_parts();
        instructions.apply_to_request_http1x(&mut request);
        *request.body_mut() = Full::new(Bytes::from(body));

        let sent =
            tokio::time::timeout(self.timeouts.first_byte, transport.client.request(request));
        let Ok(answer) = sent.await else {
            tracing::warn!("Bedrock Messages endpoint sent no response head in time");
            return Err(ApiError::new(
                ErrorKind::Timeout,
                "upstream request timed out",
            ));
        };
        answer.map_err(|e| {
            tracing::warn!(error = %e, "Bedrock Messages endpoint unreachable");
            if caused_by_timeout(&e) {
                // As the SDK's client reports a connect timeout: a timeout, not a refusal.
                ApiError::new(ErrorKind::Timeout, "upstream request timed out")
            } else {
                ApiError::internal("could not reach upstream").with_status(StatusCode::BAD_GATEWAY)
            }
        })
    }

    /// Reads a whole successful non-streaming answer, within the first-byte bound: the answer
    /// only comes when the model is done, so a body that stalls after its head is a timeout too.
    pub async fn body(&self, response: Response<Incoming>) -> Result<Bytes, ApiError> {
        let read = tokio::time::timeout(self.timeouts.first_byte, response.into_body().collect());
        match read.await {
            Ok(Ok(collected)) => Ok(collected.to_bytes()),
            Ok(Err(_)) => Err(ApiError::internal(
                "the upstream connection broke before the answer was complete",
            )
            .with_status(StatusCode::BAD_GATEWAY)),
            Err(_) => Err(ApiError::new(
                ErrorKind::Timeout,
                "upstream request timed out",
            )),
        }
    }
}

/// Bedrock's request id for the log line.
pub fn request_id(response: &Response<Incoming>) -> Option<String> {
    response
        .headers()
        .get("x-amzn-requestid")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Reads a non-success answer and turns it into the client's error.
pub async fn error(response: Response<Incoming>, asked: &Asked) -> ApiError {
    let status = response.status().as_u16();
    let aws_type = response
        .headers()
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok());
    let body = http_body_util::Limited::new(response.into_body(), MAX_ERROR_BODY)
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    let mut err = ApiError::from_http(status, aws_type.as_deref(), &body, asked);
    err.retry_after = retry_after;
    err
}

/// Splits the endpoint's SSE body into event `data` payloads; cancel-safe, since everything read
/// is kept in `buf` between calls.
pub struct SseReader {
    body: Incoming,
    buf: Vec<u8>,
    done: bool,
}

impl SseReader {
    pub fn new(body: Incoming) -> Self {
        Self {
            body,
            buf: Vec::new(),
            done: false,
        }
    }

    /// The next event's data (its `data:` lines joined); `Ok(None)` at the end of the body.
    pub async fn next(&mut self) -> Result<Option<Vec<u8>>, ApiError> {
        loop {
            if let Some(end) = self.buf.windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = self.buf.drain(..end + 2).collect();
                if let Some(data) = event_data(&block) {
                    return Ok(Some(data));
                }
                continue; // a comment or an event without data
            }
            if self.done {
                return Ok(None);
            }
            match self.body.frame().await {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        // SSE lines may end in CRLF; the JSON payloads never hold a raw CR.
                        self.buf.extend(data.iter().filter(|b| **b != b'\r'));
                    }
                }
                Some(Err(e)) => {
                    tracing::warn!(error = %e, "Bedrock stream broke");
                    return Err(ApiError::internal("the upstream stream broke")
                        .with_status(StatusCode::BAD_GATEWAY));
                }
                None => {
                    self.done = true;
                    // A final event without its blank line still counts.
                    if !self.buf.is_empty() {
                        self.buf.extend_from_slice(b"\n\n");
                    }
                }
            }
        }
    }
}

/// The `data` of one SSE event block; multi-line data is joined with newlines, as SSE says.
fn event_data(block: &[u8]) -> Option<Vec<u8>> {
    let mut data: Option<Vec<u8>> = None;
    for line in block.split(|b| *b == b'\n') {
        if let Some(rest) = line.strip_prefix(b"data:") {
            let rest = rest.strip_prefix(b" ").unwrap_or(rest);
            match &mut data {
                Some(d) => {
                    d.push(b'\n');
                    d.extend_from_slice(rest);
                }
                None => data = Some(rest.to_vec()),
            }
        }
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A credential source that counts how often it is asked, with credentials valid for `ttl`.
    #[derive(Debug)]
    struct Counting {
        calls: Arc<AtomicUsize>,
        ttl: Duration,
    }

    impl ProvideCredentials for Counting {
        fn provide_credentials<'a>(
            &'a self,
        ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let expiry = SystemTime::now() + self.ttl;
            aws_credential_types::provider::future::ProvideCredentials::ready(Ok(Credentials::new(
                "k",
                "s",
                None,
                Some(expiry),
                "counting",
            )))
        }
    }

    #[tokio::test]
    async fn credentials_are_reused_until_close_to_expiry() {
        for (ttl, expected_calls) in [(Duration::from_secs(3600), 1), (Duration::from_secs(60), 3)]
        {
            let calls = Arc::new(AtomicUsize::new(0));
            let sdk = SdkConfig::builder()
                .credentials_provider(SharedCredentialsProvider::new(Counting {
                    calls: calls.clone(),
                    ttl,
                }))
                .build();
            let timeouts = Timeouts {
                connect: Duration::from_secs(1),
                first_byte: Duration::from_secs(1),
            };
            let api = MessagesApi::new(&sdk, timeouts);
            for _ in 0..3 {
                assert_eq!(
                    api.credentials()
                        .await
                        .expect("credentials")
                        .access_key_id(),
                    "k"
                );
            }
            assert_eq!(calls.load(Ordering::SeqCst), expected_calls, "ttl {ttl:?}");
        }
    }

    #[test]
    fn event_data_joins_data_lines_and_ignores_the_rest() {
        assert_eq!(
            event_data(b"event: ping\ndata: {\"type\":\"ping\"}\n\n").as_deref(),
            Some(&b"{\"type\":\"ping\"}"[..])
        );
        assert_eq!(
            event_data(b"data:a\ndata: b\nid: 1\n\n").as_deref(),
            Some(&b"a\nb"[..])
        );
        assert_eq!(event_data(b": keep-alive\n\n"), None);
    }
}
