//! `AWS::SecretsManager::Secret`.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::json;

use super::{Expr, Kind, LogicalId, code};

/// A value Secrets Manager generates at creation, so no human ever types or sees it in a
/// template: `{"<key>": "<random>"}` merged into `template`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedValue {
    pub json_key: String,
    pub length: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    pub name: String,
    pub description: String,
    pub generate: Option<GeneratedValue>,
    pub kms_key: Option<Expr>,
}

impl Kind for Secret {
    const TYPE: &'static str = "AWS::SecretsManager::Secret";
    const ATTRIBUTES: &'static [&'static str] = &["Id"];
    const REF_RETURNS: &'static str = "ARN";
    const STATEFUL: bool = true;

    fn phrase(&self, _id: &LogicalId) -> String {
        format!("secret {}", code(&self.name))
    }

    fn exprs(&self) -> Vec<&Expr> {
        self.kms_key.iter().collect()
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("Name", &self.name)?;
        m.serialize_entry("Description", &self.description)?;
        if let Some(g) = &self.generate {
            m.serialize_entry(
                "GenerateSecretString",
                &json!({
                    "SecretStringTemplate": "{}",
                    "GenerateStringKey": g.json_key,
                    "PasswordLength": g.length,
                    "ExcludePunctuation": true,
                }),
            )?;
        }
        if let Some(key) = &self.kms_key {
            m.serialize_entry("KmsKeyId", key)?;
        }
        m.end()
    }
}
