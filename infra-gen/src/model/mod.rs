//! The thin layer: a faithful model of the CloudFormation and SAM resources we emit.
//!
//! Field names follow the resource specifications; invalid values are unrepresentable where a
//! type can say so (see [`crate::units`]). Opinions and defaults live in [`crate::builders`].

pub mod access;
pub mod cloudwatch;
pub mod dynamodb;
pub mod ecr;
pub mod expr;
pub mod iam;
pub mod lambda;
pub mod logs;
pub mod raw;
pub mod review;
pub mod secrets;
pub mod section;
pub mod sqs;
pub mod tags;

use std::borrow::Cow;

use serde::Serialize;
use serde::ser::SerializeMap as _;
use serde_json::{Map, Value};

pub use expr::Expr;
pub(crate) use section::code;
use section::{Section, Words};

use crate::Error;

pub(crate) fn validate_name(
    what: &'static str,
    value: &str,
    expected: &'static str,
    ok: impl Fn(&str) -> bool,
) -> Result<(), Error> {
    if ok(value) {
        Ok(())
    } else {
        Err(Error::Invalid {
            what,
            value: value.to_owned(),
            expected,
        })
    }
}

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident, $what:literal, $expected:literal, $ok:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(value: impl Into<String>) -> Result<Self, Error> {
                let value = value.into();
                validate_name($what, &value, $expected, $ok)?;
                Ok(Self(value))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

name_type!(
    /// A resource, parameter or output name inside one template.
    LogicalId,
    "logical ID",
    "1-255 ASCII letters and digits",
    |s: &str| (1..=255).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
);

name_type!(
    /// A CloudFormation stack name.
    StackName,
    "stack name",
    "1-128 letters, digits and hyphens, starting with a letter",
    |s: &str| s.len() <= 128
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DeletionPolicy {
    Delete,
    Retain,
    /// CloudFormation keeps a snapshot and deletes the resource: only for the types that take
    /// snapshots ([`raw::SNAPSHOT_TYPES`]); lint `stateful-policy` refuses it on any other.
    Snapshot,
}

/// A stateful resource's fate when its stack is deleted or it is replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifecycle {
    pub deletion: DeletionPolicy,
    pub update_replace: DeletionPolicy,
}

impl Lifecycle {
    pub const RETAIN: Self = Self {
        deletion: DeletionPolicy::Retain,
        update_replace: DeletionPolicy::Retain,
    };
}

/// One CloudFormation or SAM resource type: everything the rest of infra-gen needs to know
/// about it lives in its module's `impl Kind`, and the type is registered once in [`kinds!`]'s
/// invocation below. Lints, the schema validator, the replacement guard, `list` and the review
/// page read these instead of matching on the type.
pub trait Kind: Serialize {
    /// The `Type` CloudFormation reads, e.g. `AWS::Logs::LogGroup`.
    const TYPE: &'static str;
    /// Attributes `Fn::GetAtt` may read, per the resource's specification.
    const ATTRIBUTES: &'static [&'static str];
    /// What `Ref` returns, in a reviewer's words (`name`, `ARN`).
    const REF_RETURNS: &'static str;
    /// Whether it holds data that outlives a deployment (images, secret values, logs, …):
    /// the replacement guard refuses changes that would replace it.
    const STATEFUL: bool;
    /// How it takes tags; the template's tags are written into every resource that takes them.
    const TAGS: tags::TagFormat = tags::TagFormat::List;
    /// The type of this resource: [`Kind::TYPE`], except for kinds whose instances differ.
    fn type_name(&self) -> &str {
        Self::TYPE
    }
    /// Whether this resource is stateful: [`Kind::STATEFUL`], except for kinds whose
    /// instances differ.
    fn is_stateful(&self) -> bool {
        Self::STATEFUL
    }
    /// The name AWS knows it by in its account and region, and what kind of name that is
    /// ("queue name"), for the lint that refuses two resources of one name; `None` when
    /// CloudFormation picks the name.
    fn physical_name(&self) -> Option<(&'static str, &str)> {
        None
    }
    /// Every expression in the properties, for reference checks.
    fn exprs(&self) -> Vec<&Expr>;
    /// The expressions the deployed resource itself holds, which order it after what they
    /// name: [`Kind::exprs`], except for a SAM type whose transform moves some properties to
    /// the resources it adds (those order the added resources, not this one).
    fn ordering_exprs(&self) -> Vec<&Expr> {
        self.exprs()
    }
    /// Resources SAM adds for this one, resource `id` (empty for plain CloudFormation types).
    fn implicit(&self, _id: &LogicalId) -> Vec<Implicit> {
        Vec::new()
    }
    /// What deploying resource `id` of stack `stack` does in IAM's terms: the resource and
    /// those SAM adds for it, each with its type's [`access::TypeAccess`] (checked against the
    /// provider schema's handlers), its ARNs and what else its handlers use. The bootstrap
    /// stack's execution and drift roles are derived from this, so a kind cannot be added
    /// without saying it.
    fn deploy(&self, id: &LogicalId, stack: &StackName) -> Vec<access::Deployed>;
    /// What it is in a few words a reviewer recognizes: "log group `/aws/lambda/x`".
    fn phrase(&self, id: &LogicalId) -> String;
    /// Its section of the review page: what a reviewer must see about `resource` (whose
    /// properties are `self`), with expressions read back through `words`.
    fn review(&self, resource: &Resource, words: &dyn Words) -> Section;
}

impl<K: Kind> Kind for Box<K> {
    const TYPE: &'static str = K::TYPE;
    const ATTRIBUTES: &'static [&'static str] = K::ATTRIBUTES;
    const REF_RETURNS: &'static str = K::REF_RETURNS;
    const STATEFUL: bool = K::STATEFUL;
    const TAGS: tags::TagFormat = K::TAGS;
    fn type_name(&self) -> &str {
        (**self).type_name()
    }
    fn is_stateful(&self) -> bool {
        (**self).is_stateful()
    }
    fn physical_name(&self) -> Option<(&'static str, &str)> {
        (**self).physical_name()
    }
    fn exprs(&self) -> Vec<&Expr> {
        (**self).exprs()
    }
    fn ordering_exprs(&self) -> Vec<&Expr> {
        (**self).ordering_exprs()
    }
    fn implicit(&self, id: &LogicalId) -> Vec<Implicit> {
        (**self).implicit(id)
    }
    fn deploy(&self, id: &LogicalId, stack: &StackName) -> Vec<access::Deployed> {
        (**self).deploy(id, stack)
    }
    fn phrase(&self, id: &LogicalId) -> String {
        (**self).phrase(id)
    }
    fn review(&self, resource: &Resource, words: &dyn Words) -> Section {
        (**self).review(resource, words)
    }
}

/// A resource SAM adds next to a serverless one, with the logical ID SAM gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Implicit {
    pub id: String,
    pub type_name: &'static str,
    pub attributes: &'static [&'static str],
    /// For the review page and `list`: what SAM adds it for.
    pub what: &'static str,
}

/// Registers the kinds: one line each. Generates [`Properties`] and its dispatch to [`Kind`].
macro_rules! kinds {
    ($($(#[$doc:meta])* $variant:ident($ty:ty)),* $(,)?) => {
        /// A resource's properties: one variant per registered [`Kind`].
        #[derive(Debug, Clone, PartialEq)]
        pub enum Properties {
            $($(#[$doc])* $variant($ty)),*
        }

        impl Properties {
            pub fn type_name(&self) -> &str {
                match self { $(Self::$variant(p) => p.type_name()),* }
            }
            pub fn attributes(&self) -> &'static [&'static str] {
                match self { $(Self::$variant(_) => <$ty as Kind>::ATTRIBUTES),* }
            }
            pub fn ref_returns(&self) -> &'static str {
                match self { $(Self::$variant(_) => <$ty as Kind>::REF_RETURNS),* }
            }
            pub fn is_stateful(&self) -> bool {
                match self { $(Self::$variant(p) => p.is_stateful()),* }
            }
            pub fn physical_name(&self) -> Option<(&'static str, &str)> {
                match self { $(Self::$variant(p) => p.physical_name()),* }
            }
            pub fn tag_format(&self) -> tags::TagFormat {
                match self { $(Self::$variant(_) => <$ty as Kind>::TAGS),* }
            }
            pub fn exprs(&self) -> Vec<&Expr> {
                match self { $(Self::$variant(p) => p.exprs()),* }
            }
            pub fn ordering_exprs(&self) -> Vec<&Expr> {
                match self { $(Self::$variant(p) => p.ordering_exprs()),* }
            }
            pub fn implicit(&self, id: &LogicalId) -> Vec<Implicit> {
                match self { $(Self::$variant(p) => p.implicit(id)),* }
            }
            pub fn deploy(&self, id: &LogicalId, stack: &StackName) -> Vec<access::Deployed> {
                match self { $(Self::$variant(p) => p.deploy(id, stack)),* }
            }
            pub fn phrase(&self, id: &LogicalId) -> String {
                match self { $(Self::$variant(p) => p.phrase(id)),* }
            }
            /// `resource`'s section of the review page; `resource.properties` is `self`.
            pub fn review(&self, resource: &Resource, words: &dyn Words) -> Section {
                match self { $(Self::$variant(p) => p.review(resource, words)),* }
            }
        }

        /// The kind's CloudFormation properties.
        impl Serialize for Properties {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self { $(Self::$variant(p) => p.serialize(s)),* }
            }
        }

        /// Whether resources of CloudFormation type `type_name` hold what a deployment does
        /// not recreate: a registered kind that is stateful, or a type only raw resources
        /// have that holds data ([`raw::holds_data_type`]). For templates read back from files,
        /// which carry only the type, and for raw resources declared stateless (a resource's
        /// properties may say more: [`raw::resource_holds_data`]).
        pub fn is_stateful_type(type_name: &str) -> bool {
            ($(type_name == <$ty as Kind>::TYPE && <$ty as Kind>::STATEFUL)||*)
                || raw::holds_data_type(type_name)
        }

        /// Every registered kind's type and `GetAtt` attributes, for the tests that hold them
        /// to the schemas (the raw escape hatch has no type of its own).
        pub const REGISTERED: &[(&str, &[&str])] =
            &[$((<$ty as Kind>::TYPE, <$ty as Kind>::ATTRIBUTES)),*];
        /// [`REGISTERED`] without the raw escape hatch.
        pub fn modelled() -> impl Iterator<Item = &'static (&'static str, &'static [&'static str])> {
            REGISTERED.iter().filter(|(t, _)| *t != <raw::Raw as Kind>::TYPE)
        }
    };
}

kinds! {
    EcrRepository(ecr::Repository),
    Function(Box<lambda::Function>),
    Role(iam::Role),
    LogGroup(logs::LogGroup),
    Secret(secrets::Secret),
    Alarm(cloudwatch::Alarm),
    Queue(sqs::Queue),
    Table(dynamodb::Table),
    /// A role of the account side (GitHub's deploy and drift roles, CloudFormation's
    /// execution role), with a fixed name.
    AccountRole(iam::account::AccountRole),
    OidcProvider(iam::account::OidcProvider),
    /// A type infra-gen does not model yet: properties as JSON, validated and linted.
    Raw(raw::Raw),
}

impl Properties {
    pub fn is_serverless(&self) -> bool {
        self.type_name().starts_with("AWS::Serverless::")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub id: LogicalId,
    pub properties: Properties,
    pub lifecycle: Option<Lifecycle>,
    /// Free-form `Metadata` (SAM build settings, notes for reviewers and tools).
    pub metadata: Map<String, Value>,
    /// Third-party findings that do not apply here, written into `Metadata` for each tool.
    pub suppressions: Vec<review::Suppression>,
    /// Set when a change that replaces this (stateful) resource is intended.
    pub replacement_ack: Option<review::ReplacementAck>,
    /// Rules of the project's policy this resource does not meet, with the reason; written
    /// into `Metadata` as the suppressions of the scanners' rules that judge the same.
    pub policy_exceptions: Vec<review::PolicyException>,
    /// `DependsOn`: resources CloudFormation must create first that no reference of this one
    /// names (an S3 bucket whose notifications invoke a function needs the function's
    /// permission first, or S3 refuses the notification). Lint `dependency` refuses a name
    /// that is not a resource of the stack, a repeated one and a cycle.
    pub depends_on: Vec<LogicalId>,
}

impl Resource {
    pub fn new(id: LogicalId, properties: Properties) -> Self {
        Self {
            id,
            properties,
            lifecycle: None,
            metadata: Map::new(),
            suppressions: Vec::new(),
            replacement_ack: None,
            policy_exceptions: Vec::new(),
            depends_on: Vec::new(),
        }
    }

    pub fn retained(mut self) -> Self {
        self.lifecycle = Some(Lifecycle::RETAIN);
        self
    }

    /// `Metadata`: the definition's, with the suppressions of third-party rules (its own and
    /// those its policy exceptions imply) written in for each tool.
    fn metadata(&self) -> Cow<'_, Map<String, Value>> {
        if self.suppressions.is_empty()
            && self.policy_exceptions.is_empty()
            && self.replacement_ack.is_none()
        {
            return Cow::Borrowed(&self.metadata);
        }
        let mut metadata = self.metadata.clone();
        if let Some(ack) = &self.replacement_ack {
            ack.record(&mut metadata);
        }
        if self.policy_exceptions.is_empty() {
            review::write_suppressions(&self.suppressions, &mut metadata);
        } else {
            let mut suppressions = self.suppressions.clone();
            for s in self
                .policy_exceptions
                .iter()
                .flat_map(|e| e.suppressions(&self.properties))
            {
                if !suppressions
                    .iter()
                    .any(|x| x.tool() == s.tool() && x.rule() == s.rule())
                {
                    suppressions.push(s);
                }
            }
            review::write_suppressions(&suppressions, &mut metadata);
        }
        Cow::Owned(metadata)
    }
}

/// A resource as the template holds it, with the template's tags.
struct TemplateResource<'a> {
    resource: &'a Resource,
    tags: &'a [tags::Tag],
}

impl Serialize for TemplateResource<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.resource;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("Type", r.properties.type_name())?;
        if let Some(l) = r.lifecycle {
            m.serialize_entry("DeletionPolicy", &l.deletion)?;
            m.serialize_entry("UpdateReplacePolicy", &l.update_replace)?;
        }
        if !r.depends_on.is_empty() {
            m.serialize_entry("DependsOn", &r.depends_on)?;
        }
        let metadata = r.metadata();
        if !metadata.is_empty() {
            m.serialize_entry("Metadata", &*metadata)?;
        }
        let properties = tags::Tagged {
            properties: &r.properties,
            tags: self.tags,
            format: r.properties.tag_format(),
        };
        m.serialize_entry("Properties", &properties)?;
        m.end()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub id: LogicalId,
    pub description: String,
    /// A regular expression a `String` parameter's value must match.
    pub allowed_pattern: String,
    pub constraint_description: String,
    pub kind: ParameterKind,
    /// The value when a deploy gives none.
    pub default: Option<String>,
}

/// A parameter's CloudFormation type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterKind {
    /// A string matching the parameter's `AllowedPattern`.
    String,
    /// `List<AWS::EC2::Subnet::Id>`: CloudFormation checks each names a subnet of the account
    /// and region before it changes anything.
    SubnetIds,
    /// `List<AWS::EC2::SecurityGroup::Id>`, checked the same way.
    SecurityGroupIds,
}

impl ParameterKind {
    pub fn type_name(self) -> &'static str {
        match self {
            Self::String => "String",
            Self::SubnetIds => "List<AWS::EC2::Subnet::Id>",
            Self::SecurityGroupIds => "List<AWS::EC2::SecurityGroup::Id>",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub id: LogicalId,
    pub description: String,
    pub value: Expr,
    /// The export name other stacks import with `Fn::ImportValue`.
    pub export: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub description: String,
    pub parameters: Vec<Parameter>,
    pub resources: Vec<Resource>,
    pub outputs: Vec<Output>,
    /// Written on every resource that takes tags (SAM propagates a function's to the
    /// resources it adds), and set as stack tags by `sam deploy`.
    pub tags: Vec<tags::Tag>,
}

impl Template {
    pub fn new(description: impl Into<String>) -> Self {
        Self {
            description: description.into(),
            parameters: Vec::new(),
            resources: Vec::new(),
            outputs: Vec::new(),
            tags: Vec::new(),
        }
    }

    pub fn resource(&self, id: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.id.as_str() == id)
    }

    /// CloudFormation's JSON form, keys in the order a reviewer reads them.
    pub fn to_json(&self) -> Value {
        // Serializing the model cannot fail: every map key is a string.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// CloudFormation's form of the template (what [`Template::to_json`] holds and the YAML
/// writer writes), keys in the order a reviewer reads them.
impl Serialize for Template {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_map(None)?;
        t.serialize_entry("AWSTemplateFormatVersion", "2010-09-09")?;
        if self.resources.iter().any(|r| r.properties.is_serverless()) {
            t.serialize_entry("Transform", "AWS::Serverless-2016-10-31")?;
        }
        t.serialize_entry("Description", &self.description)?;
        if !self.parameters.is_empty() {
            t.serialize_entry("Parameters", &ById(&self.parameters, |p| &p.id))?;
        }
        t.serialize_entry("Resources", &TemplateResources(self))?;
        if !self.outputs.is_empty() {
            t.serialize_entry("Outputs", &ById(&self.outputs, |o| &o.id))?;
        }
        t.end()
    }
}

/// Items as a mapping by their logical IDs.
struct ById<'a, T>(&'a [T], fn(&T) -> &LogicalId);

impl<T: Serialize> Serialize for ById<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|item| ((self.1)(item).as_str(), item)))
    }
}

/// The template's resources by logical ID, each with the template's tags.
struct TemplateResources<'a>(&'a Template);

impl Serialize for TemplateResources<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Template {
            resources, tags, ..
        } = self.0;
        s.collect_map(
            resources
                .iter()
                .map(|resource| (resource.id.as_str(), TemplateResource { resource, tags })),
        )
    }
}

impl Serialize for Parameter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("Type", self.kind.type_name())?;
        m.serialize_entry("Description", &self.description)?;
        // CloudFormation applies a pattern to String parameters only.
        if self.kind == ParameterKind::String {
            m.serialize_entry("AllowedPattern", &self.allowed_pattern)?;
            m.serialize_entry("ConstraintDescription", &self.constraint_description)?;
        }
        if let Some(d) = &self.default {
            m.serialize_entry("Default", d)?;
        }
        m.end()
    }
}

impl Serialize for Output {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("Description", &self.description)?;
        m.serialize_entry("Value", &self.value)?;
        if let Some(name) = &self.export {
            m.serialize_entry("Export", &Export { name })?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct Export<'a> {
    #[serde(rename = "Name")]
    name: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logical_ids_must_be_alphanumeric() {
        assert!(LogicalId::new("Function").is_ok());
        assert!(LogicalId::new("my-function").is_err());
        assert!(LogicalId::new("").is_err());
    }

    #[test]
    fn stack_names_must_start_with_a_letter() {
        assert!(StackName::new("chatrix-prod-service").is_ok());
        assert!(StackName::new("1chatrix").is_err());
        assert!(StackName::new("chatrix_prod").is_err());
    }
}
