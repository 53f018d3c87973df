//! What CloudFormation does to a resource when it creates, updates, deletes and reads it (for
//! drift detection): the IAM actions each resource type's handlers call, declared once per type
//! ([`TypeAccess`]), and for each resource the ARNs they act on ([`Deployed`], returned by
//! [`super::Kind::deploy`], which every kind must implement). The bootstrap stack's
//! CloudFormation execution role and drift role are derived from these, never listed by hand.
//!
//! Every declaration accounts for every action of its type's provider schema
//! (`handlers.create/update/delete/read.permissions` in `schemas/cloudformation/`): an action
//! is called on the resource's own ARNs ([`TypeAccess::calls`]), granted on another resource
//! ([`TypeAccess::elsewhere`], e.g. `iam:PassRole` on the function's role), or never called for
//! resources infra-gen can express ([`TypeAccess::unused`], with the feature that would need
//! it). An action outside the handlers needs a reason ([`TypeAccess::beyond_schema`]).
//! `tests/deploy_access.rs` holds each declaration to its schema.

/// CloudFormation creates the resource.
pub const CREATE: u8 = 1;
/// CloudFormation updates the resource in place.
pub const UPDATE: u8 = 2;
/// CloudFormation deletes the resource (also after a replacement or a failed create).
pub const DELETE: u8 = 4;
/// CloudFormation reads the resource (drift detection).
pub const READ: u8 = 8;
/// Every change a deploy makes.
pub const WRITE: u8 = CREATE | UPDATE | DELETE;

/// The handler operations, with their bits and the schema's handler names.
pub const OPS: [(u8, &str); 4] = [
    (CREATE, "create"),
    (UPDATE, "update"),
    (DELETE, "delete"),
    (READ, "read"),
];

/// What CloudFormation's handlers of one resource type call.
#[derive(Debug)]
pub struct TypeAccess {
    pub type_name: &'static str,
    /// Actions on the resource's own ARNs, with the operations ([`CREATE`], …) that call them.
    pub calls: &'static [(&'static str, u8)],
    /// Handler actions granted on other resources, and where (the kind's [`Use`]s grant them).
    pub elsewhere: &'static [(&'static str, &'static str)],
    /// Handler actions never called for a resource infra-gen renders, and the property that
    /// would call them.
    pub unused: &'static [(&'static str, &'static str)],
    /// Actions of [`Self::calls`] or [`Use`]s that the schema's handlers do not list, and why
    /// they are needed all the same.
    pub beyond_schema: &'static [(&'static str, &'static str)],
}

impl TypeAccess {
    /// The actions `ops` call on the resource itself.
    pub fn actions(&self, ops: u8) -> impl Iterator<Item = &'static str> + '_ {
        self.calls
            .iter()
            .filter(move |(_, o)| o & ops != 0)
            .map(|(a, _)| *a)
    }
}

/// The declaration of a type infra-gen does not model (a raw resource): nothing.
pub const UNDECLARED: TypeAccess = TypeAccess {
    type_name: "(raw)",
    calls: &[],
    elsewhere: &[],
    unused: &[],
    beyond_schema: &[],
};

/// An ARN in the deploying account and partition: `arn:<partition>:<service>:<region>:<account>:<resource>`
/// (no region for global services such as IAM).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Arn {
    pub service: &'static str,
    pub regional: bool,
    /// The resource part; a `*` stands only for a part CloudFormation or AWS picks (see
    /// [`Arn::generated`]).
    pub resource: String,
}

impl Arn {
    pub fn regional(service: &'static str, resource: impl Into<String>) -> Self {
        Self {
            service,
            regional: true,
            resource: resource.into(),
        }
    }
    pub fn global(service: &'static str, resource: impl Into<String>) -> Self {
        Self {
            service,
            regional: false,
            resource: resource.into(),
        }
    }
    /// The ARN as a `Fn::Sub` template for a stack in `region`.
    pub fn sub(&self, region: &str) -> String {
        let region = if self.regional { region } else { "" };
        format!(
            "arn:${{AWS::Partition}}:{}:{region}:${{AWS::AccountId}}:{}",
            self.service, self.resource
        )
    }
    /// Whether part of it is a pattern: a name CloudFormation generates for the stack
    /// (`role/<stack>-<LogicalId>-<random>`), an ID AWS picks, or a qualifier.
    pub fn generated(&self) -> bool {
        self.resource.contains(['*', '?'])
    }
}

/// Names CloudFormation generates for a resource of `stack` with logical ID `id`:
/// `<stack>-<id>-<random suffix>` (truncated past 64 characters for IAM roles; the bootstrap
/// builder refuses names that would be).
pub fn generated_name(stack: &str, id: &str) -> String {
    format!("{stack}-{id}-*")
}

/// Actions a resource's handlers call on another resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    pub actions: &'static [&'static str],
    pub ops: u8,
    pub on: Target,
    /// `iam:PassRole` only to this service (`iam:PassedToService`).
    pub passed_to: Option<&'static str>,
    /// `iam:AttachRolePolicy` only of this AWS managed policy (`iam:PolicyARN`).
    pub policy: Option<&'static str>,
}

/// What a [`Use`] acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Arns(Vec<Arn>),
    /// `"*"`: the actions act on no resource type (AWS's data), and why the resource calls them.
    Star(&'static str),
    /// The image repositories of the stack's environment in its region (a function's image,
    /// which the template imports from a registry stack).
    ImageRepositories,
    /// ARNs the definition wrote out (a customer managed KMS key).
    Literal(Vec<String>),
    /// What the kind cannot know: the bootstrap builder refuses it, naming this.
    Unknown(String),
}

/// The KMS actions a resource encrypted with customer managed key `key` calls on it.
pub fn key_use(
    key: Option<&super::Expr>,
    actions: &'static [&'static str],
    ops: u8,
) -> Option<Use> {
    let key = key?;
    let on = match key.as_literal() {
        Some(arn) if arn.starts_with("arn:") => Target::Literal(vec![arn.to_owned()]),
        _ => Target::Unknown(
            "the customer managed KMS key, which is not a literal ARN: give the key's ARN as a literal".into(),
        ),
    };
    Some(Use {
        actions,
        ops,
        on,
        passed_to: None,
        policy: None,
    })
}

/// One resource a deploy creates (the resource itself, or one SAM adds for it), with the
/// ARNs its handlers act on and what else they use.
#[derive(Debug, Clone)]
pub struct Deployed {
    /// The logical ID (SAM's, for the resources it adds).
    pub id: String,
    pub access: &'static TypeAccess,
    pub arns: Vec<Arn>,
    /// The resource's own ARNs hold an ID AWS picks; the grant is narrowed to requests whose
    /// key names this ARN instead (`lambda:FunctionArn` for an event source mapping).
    pub narrowed_by: Option<(&'static str, Vec<Arn>)>,
    pub uses: Vec<Use>,
}

impl Deployed {
    pub fn new(id: impl Into<String>, access: &'static TypeAccess, arns: Vec<Arn>) -> Self {
        Self {
            id: id.into(),
            access,
            arns,
            narrowed_by: None,
            uses: Vec::new(),
        }
    }
    pub fn using(mut self, uses: Vec<Use>) -> Self {
        self.uses.extend(uses);
        self
    }
}

/// Why an encryption action is never called: infra-gen encrypts with keys AWS manages.
pub const NO_CMK: &str = "only a customer managed KMS key (KmsKeyId) calls it; infra-gen's resources use keys AWS manages";
/// Where encryption actions are granted when a resource has a customer managed key.
pub const ON_KEY: &str = "on the customer managed KMS key, when the resource has one";

/// Every declaration, for the test that holds each to its provider schema.
pub const DECLARED: [&TypeAccess; 18] = [
    &super::ecr::ACCESS,
    &super::iam::ROLE_ACCESS,
    &super::logs::ACCESS,
    &super::secrets::ACCESS,
    &super::cloudwatch::ACCESS,
    &super::sqs::ACCESS,
    &super::dynamodb::ACCESS,
    &super::lambda::access::FUNCTION,
    &super::lambda::access::VERSION,
    &super::lambda::access::ALIAS,
    &super::lambda::access::URL,
    &super::lambda::access::PERMISSION,
    &super::lambda::access::EVENT_SOURCE_MAPPING,
    &super::lambda::access::EVENT_INVOKE_CONFIG,
    &super::lambda::access::SCHEDULE,
    &super::lambda::access::CODEDEPLOY_APPLICATION,
    &super::lambda::access::CODEDEPLOY_GROUP,
    &super::iam::account::OIDC_PROVIDER_ACCESS,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_are_subs_in_the_stack_region_except_for_global_services() {
        assert_eq!(
            Arn::regional("lambda", "function:f").sub("eu-west-1"),
            "arn:${AWS::Partition}:lambda:eu-west-1:${AWS::AccountId}:function:f"
        );
        assert_eq!(
            Arn::global("iam", "role/x").sub("eu-west-1"),
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x"
        );
    }
}
