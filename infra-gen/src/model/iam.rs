//! `AWS::IAM::Role` for a Lambda function, with typed inline policy statements.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::json;

pub mod account;
pub(crate) mod data;
mod review;

use super::access::{
    Arn, CREATE, DELETE, Deployed, READ, TypeAccess, UPDATE, WRITE, generated_name,
};
use super::section::{Section, Words};
use super::{Expr, Kind, LogicalId, Resource, StackName, code, validate_name};
use crate::Error;

/// One IAM action, `service:Operation`, as AWS's action data knows it: a wildcard, a typo or
/// an action of no service cannot be written.
#[derive(Clone)]
pub struct Action {
    /// AWS's spelling.
    name: String,
    /// The action's entry in the IAM data, found once when it is written.
    service: &'static data::Service,
    info: &'static data::ActionInfo,
}

impl Action {
    /// Looks the action up in the vendored IAM data (`iam-data/`), ignoring case as IAM does,
    /// and keeps AWS's spelling.
    pub fn new(action: &str) -> Result<Self, Error> {
        // IAM compares the whole action ignoring case, the service prefix too (`SQS:SendMessage`).
        let known = action
            .split_once(':')
            .filter(|(service, _)| {
                service
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
            .and_then(|_| data::action(action));
        match known {
            Some((service, info)) => Ok(Self {
                name: format!("{}:{}", service.prefix, info.name()),
                service,
                info,
            }),
            None => Err(Error::Invalid {
                what: "IAM action",
                value: action.to_owned(),
                expected: "an action AWS defines, service:Operation with no wildcard, e.g. bedrock:InvokeModel (see infra-gen/iam-data/)",
            }),
        }
    }
    pub fn as_str(&self) -> &str {
        &self.name
    }
    /// Whether AWS's data says the action acts on no resource type, so `"Resource": "*"` is
    /// the only resource it accepts (`xray:PutTraceSegments`).
    pub fn star_only(&self) -> bool {
        self.info.star_only()
    }

    /// When the action's one resource type is optional, the condition keys of its own service
    /// that narrow it on `"Resource": "*"` (`cloudwatch:PutMetricData` by
    /// `cloudwatch:namespace`); when it acts on no resource type, its own keys naming what it
    /// acts on (`lambda:CreateEventSourceMapping` by `lambda:FunctionArn`).
    pub fn star_keys(&self) -> impl Iterator<Item = &'static str> {
        self.info.star_keys()
    }

    /// Whether lint `iam-wildcard` accepts the action on `"Resource": "*"` only when one of
    /// its [`Action::star_keys`] narrows it: a write whose one resource type is optional, and
    /// a star-only action that changes what its key names (a List or Read passes on `*`
    /// alone).
    pub fn needs_star_key(&self) -> bool {
        self.info.narrowed_on_star_by_keys()
    }

    /// Whether `"Resource": "*"` is how AWS grants the action (it acts on no resource type, or
    /// only reads with an optional one: `cloudwatch:GetMetricData`), not a wildcard.
    pub fn takes_star(&self) -> bool {
        self.info.takes_star()
    }

    /// The action's entry in the IAM data.
    pub(crate) fn info(&self) -> (&'static data::Service, &'static data::ActionInfo) {
        (self.service, self.info)
    }
}

// An action is its name: the data entry follows from it.
impl PartialEq for Action {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl Eq for Action {}
impl PartialOrd for Action {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Action {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.name.cmp(&other.name)
    }
}
impl std::fmt::Debug for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Action").field(&self.name).finish()
    }
}
impl Serialize for Action {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name)
    }
}

/// Star-only APIs the builders name (tracing, registry login); AWS's data knows every other
/// one, for [`Statement::star_only_actions`] and lint `iam-wildcard`.
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Operator {
    StringEquals,
    /// `*` and `?` in the value match any text and any character (e.g. `s3:prefix`).
    StringLike,
    /// As `StringEquals` for a request that has the key, and true for one that has none: a raw
    /// document's `…IfExists` and `ForAllValues:` forms.
    StringEqualsIfExists,
    /// As `StringLike` for a request that has the key, and true for one that has none.
    StringLikeIfExists,
}

impl Operator {
    pub fn name(self) -> &'static str {
        match self {
            Self::StringEquals => "StringEquals",
            Self::StringLike => "StringLike",
            Self::StringEqualsIfExists => "StringEqualsIfExists",
            Self::StringLikeIfExists => "StringLikeIfExists",
        }
    }

    /// Whether `*` and `?` in a value are wildcards.
    pub fn is_like(self) -> bool {
        matches!(self, Self::StringLike | Self::StringLikeIfExists)
    }

    /// Whether the condition holds for a request without the key, so it narrows only the
    /// requests that carry it.
    pub fn holds_without_key(self) -> bool {
        matches!(self, Self::StringEqualsIfExists | Self::StringLikeIfExists)
    }
}

/// A condition: the request's context key must equal (or match) one of the values.
#[derive(Debug, Clone, Eq)]
pub struct Condition {
    pub operator: Operator,
    /// A global or service condition key, e.g. `bedrock:InferenceProfileArn`.
    pub key: String,
    /// IAM ORs the values of one key; one value is written as a scalar.
    pub values: Vec<Expr>,
}

/// IAM compares condition keys regardless of case (`aws:SourceIp` is `AWS:SourceIP`), so two
/// conditions differing only in the key's case are one condition.
impl PartialEq for Condition {
    fn eq(&self, other: &Self) -> bool {
        self.operator == other.operator
            && self.key.eq_ignore_ascii_case(&other.key)
            && self.values == other.values
    }
}

/// A boundary a statement crosses on purpose: its ARNs name another account or region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Boundary {
    Account,
    Region,
}

/// Why a statement crosses a [`Boundary`]; shown on the review page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crossing {
    pub boundary: Boundary,
    pub reason: String,
}

impl Crossing {
    /// A crossing of `boundary` declared with `why` (a sentence of at least three words naming
    /// the other party, no placeholder such as `TODO`; shown on the review page).
    pub fn new(boundary: Boundary, why: &str) -> Result<Self, Error> {
        validate_name(
            "reason for crossing an account or region",
            why,
            "a sentence of at least three words saying whose resources these are and why, not a placeholder such as TODO",
            Crossing::is_reason,
        )?;
        Ok(Self {
            boundary,
            reason: why.trim().to_owned(),
        })
    }

    /// Whether `reason` says why (three words or more, no placeholder, more than who
    /// approved or wants it, where that is recorded or a verdict: `approved by security`,
    /// `requested by the vendor`, `needed for the integration`); lint `iam-scope` re-judges a
    /// crossing set on the model directly.
    pub fn is_reason(reason: &str) -> bool {
        reason.split_whitespace().count() >= 3
            && !super::review::placeholder(reason)
            && !super::review::no_why(reason)
    }
}

/// An `Allow` statement. Least privilege is additive, so there is no `Deny`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sid: String,
    pub actions: Vec<Action>,
    pub resources: Vec<Expr>,
    /// All must hold (IAM ANDs the keys of a condition block).
    pub conditions: Vec<Condition>,
    /// Declared crossings: lint `iam-scope` refuses an ARN of another account or region
    /// unless its statement declares it here.
    pub crossings: Vec<Crossing>,
}

impl Statement {
    pub fn allow(sid: &str, actions: Vec<Action>, resources: Vec<Expr>) -> Self {
        Self {
            sid: sid.to_owned(),
            actions,
            resources,
            conditions: Vec::new(),
            crossings: Vec::new(),
        }
    }

    /// Declares that the statement's ARNs name another account, and why (a sentence of at
    /// least three words naming the other party, no placeholder such as `TODO`, nor only who
    /// approved it; shown on the review page).
    pub fn cross_account(self, why: &str) -> Result<Self, Error> {
        self.crossing(Boundary::Account, why)
    }

    /// Declares that the statement's ARNs name another region, and why.
    pub fn cross_region(self, why: &str) -> Result<Self, Error> {
        self.crossing(Boundary::Region, why)
    }

    fn crossing(mut self, boundary: Boundary, why: &str) -> Result<Self, Error> {
        self.crossings.push(Crossing::new(boundary, why)?);
        Ok(self)
    }

    /// Whether the statement declares crossing `boundary`, with a reason (a crossing set on
    /// the model without one declares nothing).
    pub fn crosses(&self, boundary: Boundary) -> bool {
        self.crossings
            .iter()
            .any(|c| c.boundary == boundary && Crossing::is_reason(&c.reason))
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

    /// `actions` on `"Resource": "*"`, when AWS's data says each acts on no resource type (so
    /// `*` is the only resource it accepts, e.g. `xray:PutTraceSegments`), or on one only
    /// optionally — then, as for a star-only action whose request names what it acts on in
    /// its own key ([`Action::needs_star_key`]), narrowed by one of its [`Action::star_keys`]
    /// (`.when(..)`).
    pub fn star_only_actions(sid: &str, actions: Vec<Action>) -> Result<Self, Error> {
        if let Some(a) = actions
            .iter()
            .find(|a| !a.star_only() && a.star_keys().next().is_none())
        {
            return Err(Error::Invalid {
                what: "star-only action",
                value: a.as_str().to_owned(),
                expected: "an action that accepts only \"*\" (it names resource types: grant it on their ARNs with Statement::allow)",
            });
        }
        Ok(Self {
            resources: vec![Expr::literal("*")],
            ..Self::allow(sid, actions, Vec::new())
        })
    }

    pub fn star_only(sid: &str, apis: &[StarOnlyApi]) -> Self {
        Self {
            sid: sid.to_owned(),
            actions: apis
                .iter()
                .map(|a| {
                    // A test holds every StarOnlyApi to the data.
                    Action::new(a.action()).expect("a StarOnlyApi is in the IAM data")
                })
                .collect(),
            resources: vec![Expr::literal("*")],
            conditions: Vec::new(),
            crossings: Vec::new(),
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

/// An inline policy as `Policies` lists it, serialized straight from the statements.
impl Serialize for Policy {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("PolicyName", &self.name)?;
        m.serialize_entry("PolicyDocument", &Document(&self.statements))?;
        m.end()
    }
}

/// A policy document, `{"Version": "2012-10-17", "Statement": [...]}`.
pub(crate) struct Document<T>(pub T);

impl<T: Serialize> Serialize for Document<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("Version", "2012-10-17")?;
        m.serialize_entry("Statement", &self.0)?;
        m.end()
    }
}

/// A role Lambda assumes. No managed policies: every grant is an inline statement here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub description: String,
    pub policies: Vec<Policy>,
}

const NO_BOUNDARY: &str = "only PermissionsBoundary calls it; infra-gen's roles have none";

/// What CloudFormation's IAM role handlers call (for the function roles and the roles SAM
/// creates).
pub const ROLE_ACCESS: TypeAccess = TypeAccess {
    type_name: "AWS::IAM::Role",
    calls: &[
        ("iam:CreateRole", CREATE),
        ("iam:GetRole", CREATE | DELETE | READ),
        ("iam:PutRolePolicy", CREATE | UPDATE),
        ("iam:GetRolePolicy", CREATE | READ),
        ("iam:DeleteRolePolicy", UPDATE | DELETE),
        ("iam:TagRole", WRITE),
        ("iam:UntagRole", WRITE),
        ("iam:UpdateRole", UPDATE),
        ("iam:UpdateRoleDescription", UPDATE),
        ("iam:UpdateAssumeRolePolicy", UPDATE),
        ("iam:ListAttachedRolePolicies", DELETE | READ),
        ("iam:ListRolePolicies", DELETE | READ),
        ("iam:DeleteRole", DELETE),
    ],
    elsewhere: &[
        (
            "iam:AttachRolePolicy",
            "only for the AWS managed policy SAM attaches to the CodeDeploy role it creates (iam:PolicyARN)",
        ),
        (
            "iam:DetachRolePolicy",
            "only for the AWS managed policy SAM attaches to the CodeDeploy role it creates (iam:PolicyARN)",
        ),
    ],
    unused: &[
        ("iam:PutRolePermissionsBoundary", NO_BOUNDARY),
        ("iam:DeleteRolePermissionsBoundary", NO_BOUNDARY),
    ],
    beyond_schema: &[],
};

impl Kind for Role {
    const TYPE: &'static str = "AWS::IAM::Role";
    const ATTRIBUTES: &'static [&'static str] = &["Arn", "RoleId"];
    const REF_RETURNS: &'static str = "name";
    const STATEFUL: bool = false;

    fn phrase(&self, id: &LogicalId) -> String {
        format!("IAM role {}", code(id.as_str()))
    }

    fn deploy(&self, id: &LogicalId, stack: &StackName) -> Vec<Deployed> {
        let name = generated_name(stack.as_str(), id.as_str());
        vec![Deployed::new(
            id.as_str(),
            &ROLE_ACCESS,
            vec![Arn::global("iam", format!("role/{name}"))],
        )]
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
        m.serialize_entry("Policies", &self.policies)?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    #[test]
    fn actions_cannot_hold_wildcards_or_typos() {
        assert!(Action::new("bedrock:InvokeModel").is_ok());
        assert!(Action::new("bedrock:*").is_err());
        assert!(Action::new("*").is_err());
        assert!(Action::new("bedrock:Invoke*").is_err());
        assert!(Action::new("bedrock:InvokeMode?").is_err());
        assert!(Action::new("InvokeModel").is_err());
        assert!(Action::new("bedrock:InvokeModle").is_err());
        // IAM compares actions ignoring case, the service prefix too.
        assert_eq!(
            Action::new("Bedrock:InvokeModel")
                .map(|a| a.as_str().to_owned())
                .ok(),
            Some("bedrock:InvokeModel".to_owned())
        );
    }

    proptest! {
        /// Two conditions are one exactly when operator and values are equal and the keys
        /// differ at most in case, as IAM compares keys.
        #[test]
        fn conditions_compare_keys_regardless_of_case(
            key in "[a-z]{1,6}:[A-Za-z/]{1,12}",
            upper in prop::collection::vec(any::<bool>(), 1..20),
            other in prop::option::of("[a-z]{1,6}:[A-Za-z/]{1,12}"),
            like in any::<bool>(),
            value in prop::sample::select(vec!["a", "b"]),
        ) {
            let respelled: String = key
                .chars()
                .zip(upper.iter().cycle())
                .map(|(c, up)| if *up { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
                .collect();
            let a = Condition { operator: Operator::StringEquals, key: key.clone(), values: vec![Expr::literal("a")] };
            let b = Condition {
                operator: if like { Operator::StringLike } else { Operator::StringEquals },
                key: other.clone().unwrap_or(respelled),
                values: vec![Expr::literal(value)],
            };
            let same = !like && value == "a" && b.key.eq_ignore_ascii_case(&key);
            prop_assert_eq!(a == b, same);
        }

        /// Every action of the data can be written, in any case, and keeps AWS's spelling;
        /// a wildcard anywhere in it makes it unwritable.
        #[test]
        fn every_action_of_the_data_and_no_pattern_can_be_written(
            service in 0..data::services().len(),
            pick in any::<prop::sample::Index>(),
            upper in any::<bool>(),
            at in any::<prop::sample::Index>(),
            wildcard in prop::sample::select(vec!["*", "?"]),
        ) {
            let s = &data::services()[service];
            prop_assume!(!s.actions.is_empty());
            let a = &s.actions[pick.index(s.actions.len())];
            let full = format!("{}:{}", s.prefix, a.name());
            let typed = if upper { full.to_ascii_uppercase() } else { full.clone() };
            prop_assert_eq!(Action::new(&typed).map(|x| x.as_str().to_owned()).ok(), Some(full.clone()));
            let i = s.prefix.len() + 1 + at.index(a.name().len() + 1);
            let mut pattern = full.clone();
            pattern.insert_str(i, wildcard);
            prop_assert!(Action::new(&pattern).is_err(), "{}", pattern);
        }
    }
}
