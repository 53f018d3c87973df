//! `AWS::IAM::Role` for a Lambda function, with typed inline policy statements.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::json;

mod review;

use super::section::{Section, Words};
use super::{Expr, Kind, LogicalId, Resource, code, validate_name};
use crate::Error;

/// One IAM action, `service:Operation`. A wildcard cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Action(String);

impl Action {
    pub fn new(action: &str) -> Result<Self, Error> {
        validate_name(
            "IAM action",
            action,
            "service:Operation with no wildcard, e.g. bedrock:InvokeModel",
            |s| {
                s.split_once(':').is_some_and(|(svc, op)| {
                    !svc.is_empty()
                        && !op.is_empty()
                        && svc
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                        && op.bytes().all(|b| b.is_ascii_alphanumeric())
                })
            },
        )?;
        Ok(Self(action.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// APIs that only accept `"Resource": "*"`: the one place a star resource is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StarOnlyApi {
    XrayPutTraceSegments,
    XrayPutTelemetryRecords,
    EcrGetAuthorizationToken,
    Ec2DescribeNetworkInterfaces,
    Ec2DescribeSubnets,
}

impl StarOnlyApi {
    pub const ALL: [Self; 5] = [
        Self::XrayPutTraceSegments,
        Self::XrayPutTelemetryRecords,
        Self::EcrGetAuthorizationToken,
        Self::Ec2DescribeNetworkInterfaces,
        Self::Ec2DescribeSubnets,
    ];
    pub fn action(self) -> &'static str {
        match self {
            Self::XrayPutTraceSegments => "xray:PutTraceSegments",
            Self::XrayPutTelemetryRecords => "xray:PutTelemetryRecords",
            Self::EcrGetAuthorizationToken => "ecr:GetAuthorizationToken",
            Self::Ec2DescribeNetworkInterfaces => "ec2:DescribeNetworkInterfaces",
            Self::Ec2DescribeSubnets => "ec2:DescribeSubnets",
        }
    }
}

/// What Lambda does with a function's role to attach it to a VPC: create its network
/// interfaces in the function's subnets and security groups, and delete them and move their
/// addresses later. Their IDs exist only once Lambda creates them, so these are the one
/// resource patterns a role may hold besides S3 prefixes: `<type>/*` in the stack's own account
/// and region, for exactly these actions (lint `iam-wildcard` recognises them by this list).
pub const ENI_LIFECYCLE: [(&str, &[&str]); 4] = [
    (
        "ec2:CreateNetworkInterface",
        &["network-interface", "subnet", "security-group"],
    ),
    ("ec2:DeleteNetworkInterface", &["network-interface"]),
    ("ec2:AssignPrivateIpAddresses", &["network-interface"]),
    ("ec2:UnassignPrivateIpAddresses", &["network-interface"]),
];

/// How a condition compares the request's context key with the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    StringEquals,
    /// `*` and `?` in the value match any text and any character (e.g. `s3:prefix`).
    StringLike,
}

impl Operator {
    pub fn name(self) -> &'static str {
        match self {
            Self::StringEquals => "StringEquals",
            Self::StringLike => "StringLike",
        }
    }
}

/// A condition: the request's context key must equal (or match) one of the values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub operator: Operator,
    /// A global or service condition key, e.g. `bedrock:InferenceProfileArn`.
    pub key: String,
    /// IAM ORs the values of one key; one value is written as a scalar.
    pub values: Vec<Expr>,
}

/// An `Allow` statement. Least privilege is additive, so there is no `Deny`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sid: String,
    pub actions: Vec<Action>,
    pub resources: Vec<Expr>,
    /// All must hold (IAM ANDs the keys of a condition block).
    pub conditions: Vec<Condition>,
}

impl Statement {
    pub fn allow(sid: &str, actions: Vec<Action>, resources: Vec<Expr>) -> Self {
        Self {
            sid: sid.to_owned(),
            actions,
            resources,
            conditions: Vec::new(),
        }
    }

    /// Narrows the statement to requests whose `key` equals `value`.
    pub fn when(self, key: &str, value: Expr) -> Self {
        self.when_any(key, vec![value])
    }

    /// Narrows the statement to requests whose `key` equals one of `values`.
    pub fn when_any(mut self, key: &str, values: Vec<Expr>) -> Self {
        self.conditions.push(Condition {
            operator: Operator::StringEquals,
            key: key.to_owned(),
            values,
        });
        self
    }

    /// Narrows the statement to requests whose `key` matches the pattern `value`.
    pub fn when_like(mut self, key: &str, value: Expr) -> Self {
        self.conditions.push(Condition {
            operator: Operator::StringLike,
            key: key.to_owned(),
            values: vec![value],
        });
        self
    }

    pub fn star_only(sid: &str, apis: &[StarOnlyApi]) -> Self {
        Self {
            sid: sid.to_owned(),
            actions: apis.iter().map(|a| Action(a.action().to_owned())).collect(),
            resources: vec![Expr::literal("*")],
            conditions: Vec::new(),
        }
    }
}

impl Serialize for Statement {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("Sid", &self.sid)?;
        m.serialize_entry("Effect", "Allow")?;
        m.serialize_entry("Action", &self.actions)?;
        m.serialize_entry("Resource", &self.resources)?;
        if !self.conditions.is_empty() {
            // One block per operator, in the order operators first appear.
            let mut blocks = serde_json::Map::new();
            for c in &self.conditions {
                let block = blocks.entry(c.operator.name()).or_insert_with(|| json!({}));
                if let Some(keys) = block.as_object_mut() {
                    let value = match c.values.as_slice() {
                        [one] => json!(one),
                        many => json!(many),
                    };
                    keys.insert(c.key.clone(), value);
                }
            }
            m.serialize_entry("Condition", &blocks)?;
        }
        m.end()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub name: String,
    pub statements: Vec<Statement>,
}

/// A role Lambda assumes. No managed policies: every grant is an inline statement here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub description: String,
    pub policies: Vec<Policy>,
}

impl Kind for Role {
    const TYPE: &'static str = "AWS::IAM::Role";
    const ATTRIBUTES: &'static [&'static str] = &["Arn", "RoleId"];
    const REF_RETURNS: &'static str = "name";
    const STATEFUL: bool = false;

    fn phrase(&self, id: &LogicalId) -> String {
        format!("IAM role {}", code(id.as_str()))
    }

    fn exprs(&self) -> Vec<&Expr> {
        self.policies
            .iter()
            .flat_map(|p| &p.statements)
            .flat_map(|s| {
                s.resources
                    .iter()
                    .chain(s.conditions.iter().flat_map(|c| &c.values))
            })
            .collect()
    }

    fn review(&self, resource: &Resource, words: &dyn Words) -> Section {
        review::section(self, resource, words)
    }
}

impl Serialize for Role {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("Description", &self.description)?;
        m.serialize_entry(
            "AssumeRolePolicyDocument",
            &json!({
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": { "Service": "lambda.amazonaws.com" },
                    "Action": "sts:AssumeRole",
                }],
            }),
        )?;
        let policies: Vec<_> = self
            .policies
            .iter()
            .map(|p| {
                json!({
                    "PolicyName": p.name,
                    "PolicyDocument": { "Version": "2012-10-17", "Statement": p.statements },
                })
            })
            .collect();
        m.serialize_entry("Policies", &policies)?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_cannot_hold_wildcards() {
        assert!(Action::new("bedrock:InvokeModel").is_ok());
        assert!(Action::new("bedrock:*").is_err());
        assert!(Action::new("*").is_err());
        assert!(Action::new("bedrock:Invoke*").is_err());
        assert!(Action::new("InvokeModel").is_err());
    }
}
