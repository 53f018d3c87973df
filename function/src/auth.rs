//! API-key authentication against keys kept in Secrets Manager, cached with a TTL.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use aws_sdk_secretsmanager::error::{DisplayErrorContext, ProvideErrorMetadata};
use http::HeaderMap;
use subtle::ConstantTimeEq;

use crate::error::{ApiError, ErrorKind};

/// After a failed refresh, stale keys are served this long before the next attempt.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretFormatError {
    #[error("the secret is empty")]
    Empty,
    #[error("the secret is JSON but has no non-empty \"api_key\" or \"api_keys\"")]
    NoKeys,
    #[error("the secret looks like JSON but does not parse")]
    BadJson,
}

/// Accepts a raw key, `{"api_key": "k"}` or `{"api_keys": ["k1", "k2"]}` (rotation with overlap).
pub fn parse_secret(secret: &str) -> Result<Vec<String>, SecretFormatError> {
    let secret = secret.trim();
    if secret.is_empty() {
        return Err(SecretFormatError::Empty);
    }
    if !secret.starts_with('{') {
        return Ok(vec![secret.to_owned()]);
    }
    let value: serde_json::Value =
        serde_json::from_str(secret).map_err(|_| SecretFormatError::BadJson)?;
    let single = value.get("api_key").and_then(|v| v.as_str()).into_iter();
    let many = value
        .get("api_keys")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str());
    let keys: Vec<String> = single
        .chain(many)
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
        .collect();
    if keys.is_empty() {
        Err(SecretFormatError::NoKeys)
    } else {
        Ok(keys)
    }
}

/// The key a client presented: `x-api-key`, or `Authorization: Bearer <key>`.
pub fn presented_key(headers: &HeaderMap) -> Option<&[u8]> {
    if let Some(v) = headers.get("x-api-key") {
        return Some(v.as_bytes());
    }
    let auth = headers.get(http::header::AUTHORIZATION)?.as_bytes();
    let (scheme, rest) = auth.split_at_checked(7)?;
    scheme
        .eq_ignore_ascii_case(b"bearer ")
        .then(|| rest.trim_ascii())
}

struct Cached {
    keys: Arc<[Vec<u8>]>,
    /// When the cache stops being trusted and a refresh is attempted.
    refresh_at: Instant,
}

pub struct KeyStore {
    client: aws_sdk_secretsmanager::Client,
    secret_id: String,
    ttl: Duration,
    cache: RwLock<Option<Cached>>,
    /// One refresh at a time; concurrent requests wait for it instead of piling on Secrets Manager.
    refreshing: tokio::sync::Mutex<()>,
}

impl KeyStore {
    pub fn new(client: aws_sdk_secretsmanager::Client, secret_id: String, ttl: Duration) -> Self {
        Self {
            client,
            secret_id,
            ttl,
            cache: RwLock::new(None),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    /// Checks a presented key against every current key without short-circuiting.
    pub async fn verify(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        let Some(presented) = presented_key(headers).filter(|k| !k.is_empty()) else {
            return Err(ApiError::new(
                ErrorKind::Authentication,
                "missing API key: send it in the x-api-key header or as Authorization: Bearer",
            ));
        };
        let keys = self.keys().await?;
        let matched = keys.iter().fold(subtle::Choice::from(0), |acc, k| {
            acc | k.as_slice().ct_eq(presented)
        });
        if bool::from(matched) {
            Ok(())
        } else {
            Err(ApiError::new(
                ErrorKind::Authentication,
                "invalid x-api-key",
            ))
        }
    }

    fn cached(&self, now: Instant, fresh_only: bool) -> Option<Arc<[Vec<u8>]>> {
        let guard = self.cache.read().unwrap_or_else(|e| e.into_inner());
        guard
            .as_ref()
            .filter(|c| !fresh_only || now < c.refresh_at)
            .map(|c| c.keys.clone())
    }

    fn store(&self, keys: Arc<[Vec<u8>]>, refresh_at: Instant) {
        *self.cache.write().unwrap_or_else(|e| e.into_inner()) = Some(Cached { keys, refresh_at });
    }

    async fn keys(&self) -> Result<Arc<[Vec<u8>]>, ApiError> {
        if let Some(keys) = self.cached(Instant::now(), true) {
            return Ok(keys);
        }
        let _one_at_a_time = self.refreshing.lock().await;
        if let Some(keys) = self.cached(Instant::now(), true) {
            return Ok(keys);
        }
        match self.fetch().await {
            Ok(keys) => {
                let keys: Arc<[Vec<u8>]> = keys.into_iter().map(String::into_bytes).collect();
                self.store(keys.clone(), Instant::now() + self.ttl);
                Ok(keys)
            }
            Err(reason) => {
                // Keep serving the last good keys through a Secrets Manager blip.
                tracing::warn!(secret_refresh_error = %reason, "could not refresh the API key secret");
                match self.cached(Instant::now(), false) {
                    Some(stale) => {
                        self.store(stale.clone(), Instant::now() + RETRY_AFTER_FAILURE);
                        Ok(stale)
                    }
                    None => Err(ApiError::internal(
                        "the gateway could not load its API keys",
                    )),
                }
            }
        }
    }

    /// Reads the secret; the error text carries codes and formats, never the secret itself.
    async fn fetch(&self) -> Result<Vec<String>, String> {
        let out = self
            .client
            .get_secret_value()
            .secret_id(&self.secret_id)
            .send()
            .await
            .map_err(|e| match e.code() {
                Some(code) => code.to_owned(),
                None => DisplayErrorContext(&e).to_string(),
            })?;
        let text = out
            .secret_string()
            .ok_or("the secret has no SecretString")?;
        parse_secret(text).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_formats_are_accepted() {
        assert_eq!(parse_secret(" raw-key \n"), Ok(vec!["raw-key".to_owned()]));
        assert_eq!(parse_secret(r#"{"api_key":"k"}"#), Ok(vec!["k".to_owned()]));
        assert_eq!(
            parse_secret(r#"{"api_keys":["k1","k2"]}"#),
            Ok(vec!["k1".to_owned(), "k2".to_owned()])
        );
        assert_eq!(
            parse_secret(r#"{"api_key":"a","api_keys":["b"]}"#),
            Ok(vec!["a".to_owned(), "b".to_owned()])
        );
    }

    #[test]
    fn unusable_secrets_are_refused() {
        assert_eq!(parse_secret("  "), Err(SecretFormatError::Empty));
        assert_eq!(
            parse_secret(r#"{"api_key":""}"#),
            Err(SecretFormatError::NoKeys)
        );
        assert_eq!(
            parse_secret(r#"{"password":"x"}"#),
            Err(SecretFormatError::NoKeys)
        );
        assert_eq!(parse_secret("{not json"), Err(SecretFormatError::BadJson));
    }

    #[test]
    fn key_is_taken_from_x_api_key_or_bearer() {
        let mut h = HeaderMap::new();
        assert_eq!(presented_key(&h), None);
        h.insert(
            "authorization",
            http::HeaderValue::from_static("Bearer  abc "),
        );
        assert_eq!(presented_key(&h), Some(&b"abc"[..]));
        h.insert("authorization", http::HeaderValue::from_static("Basic abc"));
        assert_eq!(presented_key(&h), None);
        h.insert("x-api-key", http::HeaderValue::from_static("xyz"));
        assert_eq!(presented_key(&h), Some(&b"xyz"[..]));
    }
}
