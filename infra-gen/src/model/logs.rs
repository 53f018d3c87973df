//! `AWS::Logs::LogGroup`.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::access::{Arn, CREATE, DELETE, Deployed, READ, Target, TypeAccess, UPDATE, Use, WRITE};
use super::section::{Section, Words, kms};
use super::{Expr, Kind, LogicalId, Resource, StackName, code};
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

const NOT_MODELLED: &str = "only a log group property the model does not have calls it (DataProtectionPolicy, FieldIndexPolicies, ResourcePolicyDocument, BearerTokenAuthenticationEnabled, DeletionProtectionEnabled, delivery to S3 or Firehose)";

/// What CloudFormation's log group handlers call.
pub const ACCESS: TypeAccess = TypeAccess {
    type_name: "AWS::Logs::LogGroup",
    calls: &[
        ("logs:CreateLogGroup", CREATE),
        ("logs:PutRetentionPolicy", CREATE | UPDATE),
        ("logs:DeleteRetentionPolicy", UPDATE),
        ("logs:TagResource", CREATE | UPDATE),
        ("logs:UntagResource", UPDATE),
        ("logs:ListTagsForResource", UPDATE | READ),
        ("logs:GetDataProtectionPolicy", CREATE | UPDATE | READ),
        ("logs:DeleteDataProtectionPolicy", DELETE),
        ("logs:AssociateKmsKey", UPDATE),
        ("logs:DisassociateKmsKey", UPDATE),
        ("logs:DeleteLogGroup", DELETE),
    ],
    elsewhere: &[
        ("logs:DescribeLogGroups", LIST_ONLY),
        ("logs:DescribeResourcePolicies", LIST_ONLY),
        ("logs:DescribeIndexPolicies", LIST_ONLY),
    ],
    unused: &[
        ("logs:PutDataProtectionPolicy", NOT_MODELLED),
        ("logs:CreateLogDelivery", NOT_MODELLED),
        ("s3:REST.PUT.OBJECT", NOT_MODELLED),
        ("firehose:TagDeliveryStream", NOT_MODELLED),
        ("logs:PutResourcePolicy", NOT_MODELLED),
        ("logs:DeleteResourcePolicy", NOT_MODELLED),
        ("logs:PutIndexPolicy", NOT_MODELLED),
        ("logs:DeleteIndexPolicy", NOT_MODELLED),
        ("logs:PutBearerTokenAuthentication", NOT_MODELLED),
        ("logs:PutLogGroupDeletionProtection", NOT_MODELLED),
    ],
    beyond_schema: &[],
};

const LIST_ONLY: &str = "on \"*\": AWS's data says it acts on no resource type";

impl Kind for LogGroup {
    const TYPE: &'static str = "AWS::Logs::LogGroup";
    const ATTRIBUTES: &'static [&'static str] = &["Arn"];
    const REF_RETURNS: &'static str = "name";
    const STATEFUL: bool = true;

    fn physical_name(&self) -> Option<(&'static str, &str)> {
        Some(("log group name", &self.name))
    }

    fn deploy(&self, id: &LogicalId, _stack: &StackName) -> Vec<Deployed> {
        // A key is checked by its key policy (CloudWatch Logs' principal), not the caller's KMS
        // permissions, so a key adds no action here.
        let uses = vec![Use {
            actions: &[
                "logs:DescribeLogGroups",
                "logs:DescribeResourcePolicies",
                "logs:DescribeIndexPolicies",
            ],
            ops: WRITE | READ,
            on: Target::Star(
                "the log group handlers list log groups and their policies to find this one",
            ),
            passed_to: None,
            policy: None,
        }];
        vec![
            Deployed::new(
                id.as_str(),
                &ACCESS,
                vec![
                    Arn::regional("logs", format!("log-group:{}", self.name)),
                    Arn::regional("logs", format!("log-group:{}:*", self.name)),
                ],
            )
            .using(uses),
        ]
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
