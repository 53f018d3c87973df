//! API-key authentication against named keys kept in Secrets Manager, cached with a TTL.
//!
//! Reads are bounded by a timeout, and once keys are cached a refresh never holds a request up:
//! a key that matches the cached set is answered at once while the refresh runs in the
//! background (stale-while-revalidate); only a key the cache does not know waits for it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use aws_sdk_secretsmanager::error::{DisplayErrorContext, ProvideErrorMetadata};
use http::HeaderMap;
use serde::Deserialize;
use subtle::{ConditionallySelectable, ConstantTimeEq};

use crate::error::{ApiError, ErrorKind};
use crate::limits::policy::{Group, LimitSet, LimitsJson, Scope, ScopeKind};
use crate::models::{Model, ModelMap};

/// After a failed refresh, stale keys are served this long before the next attempt.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretFormatError {
    #[error("the secret is empty")]
    Empty,
    #[error("the secret is JSON but has no non-empty \"keys\", \"api_key\" or \"api_keys\"")]
    NoKeys,
    #[error("the secret looks like JSON but does not parse")]
    BadJson,
    #[error("keys[{0}]: {1}")]
    BadEntry(usize, &'static str),
    #[error("groups.{0}: {1}")]
    BadGroup(String, &'static str),
    #[error(
        "keys[{0}]: group {1:?} is not in \"groups\" (declare it there, with or without limits)"
    )]
    UnknownGroup(usize, String),
    #[error(
        "the entries named {0:?} differ in group or limits; entries sharing a name are one client's rotating key"
    )]
    RotationMismatch(String),
}

/// One client key: its name (logged and used as a metric dimension; the key never is), the
/// models it may use (`None`: all of them), its group and its limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub name: Arc<str>,
    pub key: Vec<u8>,
    pub models: Option<Arc<[String]>>,
    pub group: Option<Arc<Group>>,
    pub limits: LimitSet,
}

impl ApiKey {
    fn unrestricted(name: impl Into<Arc<str>>, key: &str) -> Self {
        Self {
            name: name.into(),
            key: key.as_bytes().to_vec(),
            models: None,
            group: None,
            limits: LimitSet::default(),
        }
    }
}

/// Who a request authenticated as.
#[derive(Debug, Clone)]
pub struct Principal {
    pub name: Arc<str>,
    models: Option<Arc<[String]>>,
    pub group: Option<Arc<Group>>,
    pub limits: LimitSet,
}

impl Principal {
    /// The scopes usage is counted in: the key, then its group if it has one.
    pub fn scopes(&self) -> Vec<Scope> {
        let key = Scope {
            kind: ScopeKind::Key,
            name: self.name.clone(),
            limits: self.limits,
        };
        let group = self.group.as_ref().map(|g| Scope {
            kind: ScopeKind::Group,
            name: g.name.clone(),
            limits: g.limits,
        });
        std::iter::once(key).chain(group).collect()
    }

    /// A principal with these limits, for tests of the limits layer.
    pub fn with_limits(name: &str, limits: LimitSet, group: Option<Group>) -> Self {
        Self {
            name: name.into(),
            models: None,
            group: group.map(Arc::new),
            limits,
        }
    }

    /// Whether this key may use `model`; the key's list names models by id or alias.
    pub fn may_use(&self, model: &Model, map: &ModelMap) -> Result<(), ApiError> {
        let Some(allowed) = &self.models else {
            return Ok(());
        };
        if allowed
            .iter()
            .any(|name| map.find(name).is_some_and(|m| m.id == model.id))
        {
            Ok(())
        } else {
            Err(ApiError::new(
                ErrorKind::Permission,
                format!(
                    "the API key {:?} may not use model {}",
                    &*self.name, model.id
                ),
            ))
        }
    }
}

#[derive(Deserialize)]
struct SecretJson {
    api_key: Option<String>,
    #[serde(default)]
    api_keys: Vec<String>,
    #[serde(default)]
    keys: Vec<KeyJson>,
    /// Groups of keys (teams) by name, each with its limits (`{}` for none).
    #[serde(default)]
    groups: std::collections::BTreeMap<String, LimitsJson>,
}

#[derive(Deserialize)]
struct KeyJson {
    name: String,
    key: String,
    models: Option<Vec<String>>,
    group: Option<String>,
    limits: Option<LimitsJson>,
}

/// Accepts `{"keys": [{"name", "key", "models"?, "group"?, "limits"?}], "groups"?: {name: limits}}`,
/// a raw key, `{"api_key": "k"}` (named
/// `default`) or `{"api_keys": ["k1", "k2"]}` (named `key-1`, `key-2`), in any combination.
/// Several entries may share a name: that is one client's key rotating with overlap.
pub fn parse_secret(secret: &str) -> Result<Vec<ApiKey>, SecretFormatError> {
    let secret = secret.trim();
    if secret.is_empty() {
        return Err(SecretFormatError::Empty);
    }
    if !secret.starts_with('{') {
        return Ok(vec![ApiKey::unrestricted("default", secret)]);
    }
    let json: SecretJson = serde_json::from_str(secret).map_err(|_| SecretFormatError::BadJson)?;
    let mut groups = std::collections::BTreeMap::new();
    for (name, limits) in &json.groups {
        let bad = |why| SecretFormatError::BadGroup(name.clone(), why);
        if name.trim().is_empty() || name.trim() != name {
            return Err(bad(
                "a group name must be non-empty and without surrounding spaces",
            ));
        }
        let group = Group {
            name: name.as_str().into(),
            limits: limits.validate().map_err(bad)?,
        };
        groups.insert(name.clone(), Arc::new(group));
    }
    let mut keys: Vec<ApiKey> = Vec::new();
    for (i, entry) in json.keys.into_iter().enumerate() {
        let bad = |why| SecretFormatError::BadEntry(i, why);
        let name = entry.name.trim();
        let key = entry.key.trim();
        if name.is_empty() {
            return Err(bad("\"name\" is empty"));
        }
        if key.is_empty() {
            return Err(bad("\"key\" is empty"));
        }
        let models = match entry.models {
            None => None,
            Some(m) if m.is_empty() => {
                return Err(bad(
                    "\"models\" is empty; leave it out to allow every model",
                ));
            }
            Some(m) => Some(m.into()),
        };
        let limits = match &entry.limits {
            None => LimitSet::default(),
            Some(l) => l.validate().map_err(bad)?,
        };
        let group = match entry.group {
            None => None,
            Some(g) => Some(
                groups
                    .get(&g)
                    .cloned()
                    .ok_or(SecretFormatError::UnknownGroup(i, g))?,
            ),
        };
        // A rotating key is one client: both entries must be held to the same limits.
        if let Some(other) = keys.iter().find(|k| &*k.name == name)
            && (other.group != group || other.limits != limits)
        {
            return Err(SecretFormatError::RotationMismatch(name.to_owned()));
        }
        keys.push(ApiKey {
            name: name.into(),
            key: key.as_bytes().to_vec(),
            models,
            group,
            limits,
        });
    }
    let single = json.api_key.iter().map(|k| ("default".to_owned(), k));
    let many = json
        .api_keys
        .iter()
        .enumerate()
        .map(|(i, k)| (format!("key-{}", i + 1), k));
    keys.extend(
        single
            .chain(many)
            .filter(|(_, k)| !k.trim().is_empty())
            .map(|(name, k)| ApiKey::unrestricted(name, k.trim())),
    );
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

/// The index of the key equal to `presented`, comparing against every key in constant time.
/// Digests are compared, not the keys: `ct_eq` on slices of different lengths returns at once,
/// which would tell a caller how long the keys are.
fn find_key(keys: &[ApiKey], presented: &[u8]) -> Option<usize> {
    use sha2::{Digest, Sha256};
    let presented = Sha256::digest(presented);
    let mut found = subtle::Choice::from(0);
    let mut index = 0u64;
    for (i, k) in keys.iter().enumerate() {
        let eq = Sha256::digest(&k.key)
            .as_slice()
            .ct_eq(presented.as_slice());
        index.conditional_assign(&(i as u64), eq & !found);
        found |= eq;
    }
    bool::from(found).then_some(index as usize)
}

struct Cached {
    keys: Arc<[ApiKey]>,
    /// When the cache stops being trusted and a refresh is started.
    refresh_at: Instant,
}

struct Inner {
    client: aws_sdk_secretsmanager::Client,
    secret_id: String,
    ttl: Duration,
    timeout: Duration,
    cache: RwLock<Option<Cached>>,
    /// One refresh at a time; requests that need its result wait on `refreshed`.
    refreshing: AtomicBool,
    refreshed: tokio::sync::Notify,
}

pub struct KeyStore(Arc<Inner>);

impl KeyStore {
    pub fn new(
        client: aws_sdk_secretsmanager::Client,
        secret_id: String,
        ttl: Duration,
        timeout: Duration,
    ) -> Self {
        Self(Arc::new(Inner {
            client,
            secret_id,
            ttl,
            timeout,
            cache: RwLock::new(None),
            refreshing: AtomicBool::new(false),
            refreshed: tokio::sync::Notify::new(),
        }))
    }

    /// Checks the presented key against every current key; answers who it belongs to.
    pub async fn verify(&self, headers: &HeaderMap) -> Result<Principal, ApiError> {
        let Some(presented) = presented_key(headers).filter(|k| !k.is_empty()) else {
            return Err(ApiError::new(
                ErrorKind::Authentication,
                "missing API key: send it in the x-api-key header or as Authorization: Bearer",
            ));
        };
        let cached = self.0.cached();
        let keys = match cached {
            Some((keys, fresh)) => {
                if !fresh {
                    self.start_refresh();
                }
                match find_key(&keys, presented) {
                    Some(i) => return Ok(principal(&keys[i])),
                    // An unknown key may be one just added: a stale cache waits for the refresh.
                    None if fresh => keys,
                    None => self.refreshed_keys().await?,
                }
            }
            None => {
                self.start_refresh();
                self.refreshed_keys().await?
            }
        };
        match find_key(&keys, presented) {
            Some(i) => Ok(principal(&keys[i])),
            None => Err(ApiError::new(
                ErrorKind::Authentication,
                "invalid x-api-key",
            )),
        }
    }

    /// Starts a refresh unless one is running. It runs on its own task, so a client that goes
    /// away does not cancel it, and it is bounded by the timeout.
    fn start_refresh(&self) {
        if self.0.refreshing.swap(true, Ordering::AcqRel) {
            return;
        }
        /// Ends the refresh however its task ends: a panic must not leave `refreshing` set,
        /// which would stop every later refresh.
        struct Done(Arc<Inner>);
        impl Drop for Done {
            fn drop(&mut self) {
                self.0.refreshing.store(false, Ordering::Release);
                self.0.refreshed.notify_waiters();
            }
        }
        let done = Done(self.0.clone());
        tokio::spawn(async move {
            done.0.refresh().await;
        });
    }

    /// Waits for the running refresh (if any) and returns what the cache holds then.
    async fn refreshed_keys(&self) -> Result<Arc<[ApiKey]>, ApiError> {
        let notified = self.0.refreshed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if self.0.refreshing.load(Ordering::Acquire) {
            // The refresh is bounded by the same timeout; the margin only covers scheduling.
            let _ = tokio::time::timeout(self.0.timeout + Duration::from_secs(1), notified).await;
        }
        self.0
            .cached()
            .map(|(keys, _)| keys)
            .ok_or_else(|| ApiError::internal("the gateway could not load its API keys"))
    }
}

fn principal(key: &ApiKey) -> Principal {
    Principal {
        name: key.name.clone(),
        models: key.models.clone(),
        group: key.group.clone(),
        limits: key.limits,
    }
}

impl Inner {
    /// The cached keys and whether they are still fresh.
    fn cached(&self) -> Option<(Arc<[ApiKey]>, bool)> {
        let guard = self.cache.read().unwrap_or_else(|e| e.into_inner());
        guard
            .as_ref()
            .map(|c| (c.keys.clone(), Instant::now() < c.refresh_at))
    }

    async fn refresh(&self) {
        let result = match tokio::time::timeout(self.timeout, self.fetch()).await {
            Ok(result) => result,
            Err(_) => Err(format!(
                "no answer from Secrets Manager within {} ms",
                self.timeout.as_millis()
            )),
        };
        let mut cache = self.cache.write().unwrap_or_else(|e| e.into_inner());
        match result {
            Ok(keys) => {
                *cache = Some(Cached {
                    keys: keys.into(),
                    refresh_at: Instant::now() + self.ttl,
                });
            }
            Err(reason) => {
                // Keep serving the last good keys through a Secrets Manager outage.
                tracing::warn!(secret_refresh_error = %reason, stale_keys_in_use = cache.is_some(), "could not refresh the API key secret");
                if let Some(c) = cache.as_mut() {
                    c.refresh_at = Instant::now() + RETRY_AFTER_FAILURE;
                }
            }
        }
    }

    /// Reads the secret; the error text carries codes and formats, never the secret itself.
    async fn fetch(&self) -> Result<Vec<ApiKey>, String> {
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

    fn names_and_keys(secret: &str) -> Vec<(String, String)> {
        parse_secret(secret)
            .expect("valid")
            .into_iter()
            .map(|k| (k.name.to_string(), String::from_utf8(k.key).expect("utf8")))
            .collect()
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn secret_formats_are_accepted_with_names() {
        assert_eq!(
            names_and_keys(" raw-key \n"),
            pairs(&[("default", "raw-key")])
        );
        assert_eq!(
            names_and_keys(r#"{"api_key":"k"}"#),
            pairs(&[("default", "k")])
        );
        assert_eq!(
            names_and_keys(r#"{"api_keys":["k1","k2"]}"#),
            pairs(&[("key-1", "k1"), ("key-2", "k2")])
        );
        assert_eq!(
            names_and_keys(r#"{"api_key":"a","api_keys":["b"]}"#),
            pairs(&[("default", "a"), ("key-1", "b")])
        );
        let named = parse_secret(
            r#"{"keys":[{"name":"alice","key":"ka","models":["claude-sonnet-4-5"]},
                        {"name":"alice","key":"ka2"},{"name":"ci","key":"kc"}]}"#,
        )
        .expect("valid");
        assert_eq!(named.len(), 3);
        assert_eq!(
            named[0].models.as_deref(),
            Some(&["claude-sonnet-4-5".to_owned()][..])
        );
        assert_eq!(
            &*named[1].name, "alice",
            "a name may repeat while its key rotates"
        );
        assert_eq!(named[2].models, None, "no list: every model");
    }

    #[test]
    fn named_entries_must_be_complete() {
        assert_eq!(
            parse_secret(r#"{"keys":[{"name":" ","key":"k"}]}"#),
            Err(SecretFormatError::BadEntry(0, "\"name\" is empty"))
        );
        assert!(matches!(
            parse_secret(
                r#"{"keys":[{"name":"a","key":"k"},{"name":"b","key":"k2","models":[]}]}"#
            ),
            Err(SecretFormatError::BadEntry(1, _))
        ));
        assert_eq!(
            parse_secret(r#"{"keys":[{"name":"a"}]}"#),
            Err(SecretFormatError::BadJson)
        );
    }

    #[test]
    fn limits_and_groups_are_read_from_the_secret() {
        let keys = parse_secret(
            r#"{"keys":[{"name":"alice","key":"ka","group":"team","limits":{"monthly_usd":12.5,"requests_per_minute":60}},
                        {"name":"bob","key":"kb","group":"team"},{"name":"ci","key":"kc"}],
                "groups":{"team":{"monthly_usd":100,"output_tokens_per_minute":80000}}}"#,
        )
        .expect("valid");
        assert_eq!(keys[0].limits.monthly_micro_usd, Some(12_500_000));
        assert_eq!(keys[0].limits.requests_per_minute, Some(60));
        let team = keys[1].group.as_ref().expect("bob is in the team");
        assert_eq!(team.limits.monthly_micro_usd, Some(100_000_000));
        assert_eq!(team.limits.output_tokens_per_minute, Some(80_000));
        assert_eq!(
            keys[1].limits,
            LimitSet::default(),
            "bob has only the team's limits"
        );
        assert_eq!(
            (keys[2].group.as_ref(), keys[2].limits),
            (None, LimitSet::default()),
            "a key without limits is unlimited, as before"
        );
    }

    #[test]
    fn limits_that_cannot_be_enforced_as_written_are_refused() {
        let err = |s: &str| parse_secret(s).expect_err(s);
        assert!(matches!(
            err(r#"{"keys":[{"name":"a","key":"k","limits":{"monthly_usd_limit":5}}]}"#),
            SecretFormatError::BadJson
        ));
        assert!(matches!(
            err(r#"{"keys":[{"name":"a","key":"k","limits":{"monthly_usd":-1}}]}"#),
            SecretFormatError::BadEntry(0, _)
        ));
        assert!(matches!(
            err(r#"{"keys":[{"name":"a","key":"k","limits":{"requests_per_minute":0}}]}"#),
            SecretFormatError::BadEntry(0, _)
        ));
        assert!(matches!(
            err(r#"{"keys":[{"name":"a","key":"k","group":"teem"}],"groups":{"team":{}}}"#),
            SecretFormatError::UnknownGroup(0, _)
        ));
        assert!(matches!(
            err(
                r#"{"keys":[{"name":"a","key":"k1","limits":{"monthly_usd":5}},{"name":"a","key":"k2"}]}"#
            ),
            SecretFormatError::RotationMismatch(_)
        ));
        assert!(matches!(
            err(r#"{"keys":[{"name":"a","key":"k"}],"groups":{"t":{"monthly_usd":1e12}}}"#),
            SecretFormatError::BadGroup(..)
        ));
    }

    #[test]
    fn the_matching_key_is_found_among_several() {
        let keys = parse_secret(r#"{"keys":[{"name":"a","key":"k1"},{"name":"b","key":"k2"}]}"#)
            .expect("valid");
        assert_eq!(find_key(&keys, b"k2"), Some(1));
        assert_eq!(find_key(&keys, b"k1"), Some(0));
        assert_eq!(find_key(&keys, b"k3"), None);
        assert_eq!(find_key(&keys, b"k"), None);
    }

    #[test]
    fn a_key_limited_to_models_may_use_them_by_id_or_alias_only() {
        let map = ModelMap::load(None).expect("embedded map");
        let first = &map.models()[0];
        let other = &map.models()[1];
        let by_alias = first.aliases.first().unwrap_or(&first.id).clone();
        let p = Principal {
            models: Some(vec![by_alias].into()),
            ..Principal::with_limits("alice", LimitSet::default(), None)
        };
        assert!(p.may_use(first, &map).is_ok());
        let err = p.may_use(other, &map).expect_err("not in the list");
        assert_eq!(err.kind, ErrorKind::Permission);
        assert!(err.message.contains("alice"), "{}", err.message);
    }

    #[test]
    fn unusable_secrets_are_refused() {
        assert_eq!(parse_secret("  "), Err(SecretFormatError::Empty));
        assert_eq!(
            parse_secret(r#"{"api_key":""}"#),
            Err(SecretFormatError::NoKeys)
        );
        assert_eq!(
            parse_secret(r#"{"keys":[]}"#),
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
