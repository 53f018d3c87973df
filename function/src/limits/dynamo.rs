//! A small DynamoDB client: the JSON protocol (`x-amz-json-1.0`), SigV4-signed with `aws-sigv4`
//! over hyper-rustls — the crates the gateway already builds for Bedrock's Messages endpoint —
//! with the SDK configuration's region, credential chain and endpoint override
//! (`AWS_ENDPOINT_URL_DYNAMODB`, then `AWS_ENDPOINT_URL`). ARCHITECTURE.md says why this and not
//! `aws-sdk-dynamodb`.

use std::time::{Duration, SystemTime};

use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use aws_types::service_config::ServiceConfigKey;
use bytes::Bytes;
use http::{Request, header};
use http_body_util::{BodyExt, Full};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Map, Value};
use tokio::sync::OnceCell;

use crate::credentials::CredentialCache;

const SIGNING_NAME: &str = "dynamodb";
const TARGET_PREFIX: &str = "DynamoDB_20120810.";

type HttpsClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

#[derive(Debug, thiserror::Error)]
pub enum DynamoError {
    /// A `ConditionExpression` did not hold; `item` is the item as it was
    /// (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), if it exists.
    #[error("the conditional request failed")]
    ConditionFailed { item: Option<Map<String, Value>> },
    #[error("DynamoDB {code}: {message}")]
    Service { code: String, message: String },
    #[error("{0}")]
    Transport(String),
}

struct Transport {
    client: HttpsClient,
    url: String,
    host: String,
}

pub struct Dynamo {
    sdk: SdkConfig,
    connect_timeout: Duration,
    transport: OnceCell<Transport>,
    credentials: CredentialCache,
}

impl Dynamo {
    pub fn new(sdk: &SdkConfig, connect_timeout: Duration) -> Self {
        Self {
            sdk: sdk.clone(),
            connect_timeout,
            transport: OnceCell::new(),
            credentials: CredentialCache::default(),
        }
    }

    fn region(&self) -> Result<String, DynamoError> {
        self.sdk
            .region()
            .map(|r| r.as_ref().to_owned())
            .ok_or_else(|| DynamoError::Transport("no AWS region is configured".into()))
    }

    /// The endpoint override as an SDK DynamoDB client would choose it, else the regional
    /// endpoint (FIPS and dual-stack as configured; `amazonaws.com.cn` in the China regions).
    fn endpoint(&self, region: &str) -> String {
        let configured = if self.sdk.get_origin("endpoint_url").is_client_config() {
            self.sdk.endpoint_url().map(str::to_owned)
        } else {
            ServiceConfigKey::builder()
                .service_id("DynamoDB")
                .env("AWS_ENDPOINT_URL")
                .profile("endpoint_url")
                .build()
                .ok()
                .and_then(|key| self.sdk.service_config().and_then(|c| c.load_config(key)))
                .or_else(|| self.sdk.endpoint_url().map(str::to_owned))
        };
        if let Some(url) = configured {
            return url;
        }
        let fips = if self.sdk.use_fips() == Some(true) {
            "-fips"
        } else {
            ""
        };
        let suffix = match (
            region.starts_with("cn-"),
            self.sdk.use_dual_stack() == Some(true),
        ) {
            (true, true) => "api.amazonwebservices.com.cn",
            (true, false) => "amazonaws.com.cn",
            (false, true) => "api.aws",
            (false, false) => "amazonaws.com",
        };
        format!("https://dynamodb{fips}.{region}.{suffix}")
    }

    async fn transport(&self) -> Result<&Transport, DynamoError> {
        self.transport
            .get_or_try_init(|| async {
                let url = self.endpoint(&self.region()?);
                let uri: http::Uri = url
                    .parse()
                    .map_err(|e| DynamoError::Transport(format!("endpoint {url:?}: {e}")))?;
                let host = uri
                    .authority()
                    .map(|a| a.as_str().to_owned())
                    .ok_or_else(|| DynamoError::Transport(format!("endpoint {url:?}: no host")))?;
                let mut http = HttpConnector::new();
                http.enforce_http(false);
                http.set_nodelay(true);
                http.set_connect_timeout(Some(self.connect_timeout));
                let https = HttpsConnectorBuilder::new()
                    .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
                    .map_err(|e| DynamoError::Transport(format!("TLS roots: {e}")))?
                    .https_or_http()
                    .enable_http1()
                    .wrap_connector(http);
                Ok(Transport {
                    client: Client::builder(TokioExecutor::new()).build(https),
                    url,
                    host,
                })
            })
            .await
    }

    async fn credentials(&self) -> Result<Credentials, DynamoError> {
        self.credentials
            .get(&self.sdk)
            .await
            .map_err(|e| DynamoError::Transport(e.to_string()))
    }

    /// Calls `operation` (e.g. `UpdateItem`) with `body`; the caller bounds it with a timeout.
    pub async fn call(&self, operation: &str, body: &Value) -> Result<Value, DynamoError> {
        let transport = self.transport().await?;
        let body = serde_json::to_vec(body).unwrap_or_default();
        let target = format!("{TARGET_PREFIX}{operation}");
        let headers = [
            (header::HOST.as_str(), transport.host.as_str()),
            (header::CONTENT_TYPE.as_str(), "application/x-amz-json-1.0"),
            ("x-amz-target", target.as_str()),
        ];
        let mut request = Request::builder().method("POST").uri(&transport.url);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let mut request = request
            .body(Full::new(Bytes::new()))
            .map_err(|e| DynamoError::Transport(e.to_string()))?;
        let identity: Identity = self.credentials().await?.into();
        let region = self.region()?;
        let sign_error =
            |e: &dyn std::fmt::Display| DynamoError::Transport(format!("signing: {e}"));
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&region)
            .name(SIGNING_NAME)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| sign_error(&e))?
            .into();
        let signable = SignableRequest::new(
            "POST",
            transport.url.as_str(),
            headers.into_iter(),
            SignableBody::Bytes(&body),
        )
        .map_err(|e| sign_error(&e))?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| sign_error(&e))?
            .into_parts();
        instructions.apply_to_request_http1x(&mut request);
        *request.body_mut() = Full::new(Bytes::from(body));
        let response = transport
            .client
            .request(request)
            .await
            .map_err(|e| DynamoError::Transport(format!("DynamoDB unreachable: {e}")))?;
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| DynamoError::Transport(format!("DynamoDB answer cut short: {e}")))?
            .to_bytes();
        let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(value);
        }
        // `__type` is `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException`.
        let code = value
            .get("__type")
            .and_then(Value::as_str)
            .map(|t| t.rsplit('#').next().unwrap_or(t).to_owned())
            .unwrap_or_else(|| format!("HTTP {}", status.as_u16()));
        if code == "ConditionalCheckFailedException" {
            let item = value.get("Item").and_then(Value::as_object).cloned();
            return Err(DynamoError::ConditionFailed { item });
        }
        let message = ["message", "Message"]
            .iter()
            .find_map(|k| value.get(k).and_then(Value::as_str))
            .unwrap_or_default()
            .to_owned();
        Err(DynamoError::Service { code, message })
    }
}

/// `{"N": "<n>"}`.
pub fn n(v: impl std::fmt::Display) -> Value {
    serde_json::json!({ "N": v.to_string() })
}

/// `{"S": "<s>"}`.
pub fn s(v: impl Into<String>) -> Value {
    serde_json::json!({ "S": v.into() })
}

/// A number attribute of an item, if present and an integer.
pub fn number(item: &Map<String, Value>, name: &str) -> Option<i64> {
    item.get(name)?.get("N")?.as_str()?.parse().ok()
}

/// A string attribute of an item.
pub fn string<'a>(item: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    item.get(name)?.get("S")?.as_str()
}
