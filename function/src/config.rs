//! Settings read from the environment once at start-up.

use std::sync::Arc;
use std::time::Duration;

use crate::limits::LimitsSettings;
use crate::models::{ModelMap, ModelMapError};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0} is not set")]
    Missing(&'static str),
    #[error("{name} must be {expected}, got {value:?}")]
    Invalid {
        name: &'static str,
        expected: &'static str,
        value: String,
    },
    #[error(transparent)]
    Models(#[from] ModelMapError),
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// Secrets Manager secret id or ARN holding the API key(s).
    pub secret_id: String,
    /// How long a fetched secret is trusted before it is read again (rotation without redeploy).
    pub secret_ttl: Duration,
    /// Silence on the upstream longer than this sends an SSE `ping`.
    pub ping_interval: Duration,
    /// On Lambda, stop this long before the invocation deadline so the error event still gets out.
    pub deadline_margin: Duration,
    /// When set, only these `anthropic-beta` flags are forwarded (Bedrock rejects unknown ones).
    pub beta_allowlist: Option<Vec<String>>,
    pub models: ModelMap,
    /// A Secrets Manager read that takes longer is abandoned (cached keys stay in use).
    pub secret_timeout: Duration,
    /// Connecting to Bedrock (TCP and TLS) must finish within this.
    pub bedrock_connect_timeout: Duration,
    /// Bedrock must start its HTTP response within this. Non-streaming calls answer only when the
    /// model is done, so this also bounds them.
    pub bedrock_first_byte_timeout: Duration,
    /// A stream whose upstream sends nothing for this long ends with a `timeout_error` event.
    pub stream_idle_timeout: Duration,
    /// `serve` only: a client must send its request headers within this (else 408).
    pub header_read_timeout: Duration,
    /// `serve` only: a client must send its whole body within this after the headers (else 408).
    pub body_read_timeout: Duration,
    /// CloudWatch namespace of the per-request Embedded Metric Format line.
    pub metrics_namespace: Arc<str>,
    /// Spend and rate limits: the table, its timeout, fail-closed or open, reservation lease.
    pub limits: LimitsSettings,
}

/// Requests larger than this are refused with 413, like the Anthropic API and Lambda do.
pub const MAX_BODY_BYTES: usize = 6 * 1024 * 1024;

impl Settings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `get`, so tests need not touch the process environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let secret_id = get("API_KEY_SECRET_ARN")
            .filter(|s| !s.is_empty())
            .ok_or(ConfigError::Missing("API_KEY_SECRET_ARN"))?;
        let millis = |name: &'static str, default: u64| -> Result<Duration, ConfigError> {
            match get(name) {
                None => Ok(Duration::from_millis(default)),
                Some(v) => v
                    .trim()
                    .parse::<u64>()
                    .map(Duration::from_millis)
                    .map_err(|_| ConfigError::Invalid {
                        name,
                        expected: "a whole number of milliseconds",
                        value: v,
                    }),
            }
        };
        // Zero would refuse every call (timeouts) or spin (pings).
        let positive = |name: &'static str, default: u64| -> Result<Duration, ConfigError> {
            let d = millis(name, default)?;
            if d.is_zero() {
                return Err(ConfigError::Invalid {
                    name,
                    expected: "greater than 0",
                    value: "0".into(),
                });
            }
            Ok(d)
        };
        let ping_interval = positive("PING_INTERVAL_MS", 10_000)?;
        let secret_ttl = match get("SECRET_TTL_SECONDS") {
            None => Duration::from_secs(300),
            Some(v) => v
                .trim()
                .parse::<u64>()
                .map(Duration::from_secs)
                .map_err(|_| ConfigError::Invalid {
                    name: "SECRET_TTL_SECONDS",
                    expected: "a whole number of seconds",
                    value: v,
                })?,
        };
        let beta_allowlist = get("ANTHROPIC_BETA_ALLOWLIST").map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        });
        let fail_open = match get("LIMITS_FAIL_OPEN").as_deref().map(str::trim) {
            None | Some("" | "false") => false,
            Some("true") => true,
            Some(v) => {
                return Err(ConfigError::Invalid {
                    name: "LIMITS_FAIL_OPEN",
                    expected: "true or false",
                    value: v.to_owned(),
                });
            }
        };
        let lease = match get("LIMITS_LEASE_SECONDS") {
            // Longer than any invocation (Lambda's limit is 900 s), so a live stream's lease
            // never lapses on Lambda.
            None => Duration::from_secs(960),
            Some(v) => v
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|s| *s > 0)
                .map(Duration::from_secs)
                .ok_or(ConfigError::Invalid {
                    name: "LIMITS_LEASE_SECONDS",
                    expected: "a whole number of seconds greater than 0",
                    value: v,
                })?,
        };
        let limits = LimitsSettings {
            table: get("LIMITS_TABLE").filter(|t| !t.trim().is_empty()),
            timeout: positive("LIMITS_TIMEOUT_MS", 1_000)?,
            fail_open,
            lease,
        };
        Ok(Self {
            limits,
            secret_id,
            secret_ttl,
            ping_interval,
            deadline_margin: millis("DEADLINE_MARGIN_MS", 2_000)?,
            beta_allowlist,
            models: ModelMap::load(get("MODELS_FILE").filter(|s| !s.is_empty()).as_deref())?,
            secret_timeout: positive("SECRET_TIMEOUT_MS", 3_000)?,
            bedrock_connect_timeout: positive("BEDROCK_CONNECT_TIMEOUT_MS", 5_000)?,
            bedrock_first_byte_timeout: positive("BEDROCK_FIRST_BYTE_TIMEOUT_MS", 600_000)?,
            stream_idle_timeout: positive("STREAM_IDLE_TIMEOUT_MS", 300_000)?,
            header_read_timeout: positive("HEADER_READ_TIMEOUT_MS", 10_000)?,
            body_read_timeout: positive("BODY_READ_TIMEOUT_MS", 60_000)?,
            metrics_namespace: get("METRICS_NAMESPACE")
                .filter(|s| !s.trim().is_empty())
                .map_or_else(|| "Chatrix/Gateway".into(), Into::into),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let env: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| env.get(k).cloned())
    }

    #[test]
    fn defaults_apply_when_only_the_secret_is_set() {
        let s = settings(&[("API_KEY_SECRET_ARN", "arn:secret")]).expect("valid");
        assert_eq!(s.secret_ttl, Duration::from_secs(300));
        assert_eq!(s.ping_interval, Duration::from_secs(10));
        assert_eq!(s.deadline_margin, Duration::from_secs(2));
        assert!(s.beta_allowlist.is_none());
        assert_eq!(s.secret_timeout, Duration::from_secs(3));
        assert_eq!(s.bedrock_connect_timeout, Duration::from_secs(5));
        assert_eq!(s.bedrock_first_byte_timeout, Duration::from_secs(600));
        assert_eq!(s.stream_idle_timeout, Duration::from_secs(300));
        assert_eq!(s.header_read_timeout, Duration::from_secs(10));
        assert_eq!(s.body_read_timeout, Duration::from_secs(60));
        assert_eq!(&*s.metrics_namespace, "Chatrix/Gateway");
    }

    #[test]
    fn missing_secret_and_bad_numbers_are_reported_by_name() {
        assert!(matches!(
            settings(&[]),
            Err(ConfigError::Missing("API_KEY_SECRET_ARN"))
        ));
        let err = settings(&[("API_KEY_SECRET_ARN", "s"), ("PING_INTERVAL_MS", "soon")])
            .expect_err("invalid");
        assert!(err.to_string().contains("PING_INTERVAL_MS"));
        assert!(settings(&[("API_KEY_SECRET_ARN", "s"), ("PING_INTERVAL_MS", "0")]).is_err());
        let err = settings(&[("API_KEY_SECRET_ARN", "s"), ("SECRET_TIMEOUT_MS", "0")])
            .expect_err("a zero timeout would refuse every call");
        assert!(err.to_string().contains("SECRET_TIMEOUT_MS"));
    }

    #[test]
    fn beta_allowlist_is_split_on_commas() {
        let s = settings(&[
            ("API_KEY_SECRET_ARN", "s"),
            ("ANTHROPIC_BETA_ALLOWLIST", "a-1, b-2,,"),
        ])
        .expect("valid");
        assert_eq!(
            s.beta_allowlist,
            Some(vec!["a-1".to_owned(), "b-2".to_owned()])
        );
    }
}
