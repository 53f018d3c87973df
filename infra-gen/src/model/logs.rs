//! `AWS::Logs::LogGroup`.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::section::{Section, Words, kms};
use super::{Expr, Kind, LogicalId, Resource, code};
use crate::units::RetentionDays;

/// A log group. Retention is required: a group without it keeps logs (and their cost) forever.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogGroup {
    pub name: String,
    pub retention: RetentionDays,
    pub kms_key: Option<Expr>,
}

impl LogGroup {
    /// The name Lambda uses for a function's own log group.
    pub fn name_for_function(function_name: &str) -> String {
        format!("/aws/lambda/{function_name}")
    }
}

impl Kind for LogGroup {
    const TYPE: &'static str = "AWS::Logs::LogGroup";
    const ATTRIBUTES: &'static [&'static str] = &["Arn"];
    const REF_RETURNS: &'static str = "name";
    const STATEFUL: bool = true;

    fn physical_name(&self) -> Option<(&'static str, &str)> {
        Some(("log group name", &self.name))
    }

    fn phrase(&self, _id: &LogicalId) -> String {
        format!("log group {}", code(&self.name))
    }

    fn exprs(&self) -> Vec<&Expr> {
        self.kms_key.iter().collect()
    }

    fn review(&self, resource: &Resource, words: &dyn Words) -> Section {
        Section::new(format!(
            "Log group {} ({})",
            code(&self.name),
            code(resource.id.as_str())
        ))
        .settings(
            ["", ""],
            vec![
                (
                    "Retention".into(),
                    format!("{} days", self.retention.days()),
                ),
                (
                    "Encryption".into(),
                    kms(
                        words,
                        self.kms_key.as_ref(),
                        "CloudWatch Logs' default encryption",
                    ),
                ),
            ],
        )
    }
}

impl Serialize for LogGroup {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("LogGroupName", &self.name)?;
        m.serialize_entry("RetentionInDays", &self.retention)?;
        if let Some(key) = &self.kms_key {
            m.serialize_entry("KmsKeyId", key)?;
        }
        m.end()
    }
}
