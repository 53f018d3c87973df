//! AWS credentials for the requests the function signs itself (the Messages endpoint and
//! DynamoDB): the SDK chain's, cached until close to their expiry, since the chain itself does
//! not cache (the SDK clients keep their own identity cache).

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::ProvideCredentials;

/// How long before their expiry cached credentials are loaded again.
const EXPIRY_MARGIN: Duration = Duration::from_secs(300);

/// Why no credentials could be had.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("no AWS credentials provider is configured")]
    NoProvider,
    #[error("cannot load AWS credentials: {0}")]
    Load(String),
}

/// One client's cached credentials.
#[derive(Debug, Default)]
pub struct CredentialCache(Mutex<Option<Credentials>>);

impl CredentialCache {
    /// Fresh credentials from the cache, else from `sdk`'s provider chain (and cached).
    pub async fn get(&self, sdk: &SdkConfig) -> Result<Credentials, CredentialError> {
        let fresh = |c: &Credentials| {
            c.expiry()
                .is_none_or(|e| e > SystemTime::now() + EXPIRY_MARGIN)
        };
        // A poisoned lock is a cache miss: the chain is asked again.
        if let Some(c) = self
            .0
            .lock()
            .ok()
            .and_then(|cached| cached.as_ref().filter(|c| fresh(c)).cloned())
        {
            return Ok(c);
        }
        let provider = sdk
            .credentials_provider()
            .ok_or(CredentialError::NoProvider)?;
        let c = provider
            .provide_credentials()
            .await
            .map_err(|e| CredentialError::Load(e.to_string()))?;
        if let Ok(mut cached) = self.0.lock() {
            *cached = Some(c.clone());
        }
        Ok(c)
    }
}
