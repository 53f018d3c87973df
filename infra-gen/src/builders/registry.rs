//! The image registry stack: one ECR repository, deployed before any function uses it.

use super::{Environment, Stack};
use crate::model::ecr::{Encryption, LifecycleRule, Repository, RepositoryName, TagMutability};
use crate::model::review::{PolicyException, ReplacementAck, Suppression};
use crate::model::tags::{Tag, added};
use crate::model::{Expr, LogicalId, Output, Properties, Resource, StackName, Template};
use crate::{Checked, Error};

/// An ECR repository in a stack of its own. It is retained when the stack is deleted or the
/// resource replaced: images outlive the stacks that run them.
#[derive(Debug, Clone)]
pub struct Registry {
    service: String,
    environment: Environment,
    keep_last: u32,
    untagged_days: u32,
    encryption: Encryption,
    source: &'static str,
    suppressions: Vec<Suppression>,
    replacement_ack: Option<ReplacementAck>,
    tags: Vec<Tag>,
    policy_exceptions: Vec<PolicyException>,
    /// Every invalid builder argument as (message, fix); `build` reports them all.
    invalid: Vec<(String, String)>,
}

/// What a service stack needs to pull images from a [`Registry`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRepository {
    pub stack: StackName,
    pub name: RepositoryName,
    /// Export holding the repository URI, imported by service stacks.
    pub uri_export: String,
}

impl Registry {
    /// `source` is the defining file (pass `file!()`), named in the generated header.
    pub fn new(service: &str, environment: &Environment, source: &'static str) -> Self {
        Self {
            service: service.to_owned(),
            environment: environment.clone(),
            keep_last: 20,
            untagged_days: 1,
            encryption: Encryption::Aes256,
            source,
            suppressions: Vec::new(),
            replacement_ack: None,
            tags: Vec::new(),
            policy_exceptions: Vec::new(),
            invalid: Vec::new(),
        }
    }

    /// Keeps the value, or records the error for `build` to report with its place.
    fn take<T>(&mut self, value: impl Checked<T>) -> Option<T> {
        match value.checked() {
            Ok(v) => Some(v),
            Err(e) => {
                self.invalid.push((e.to_string(), e.fix()));
                None
            }
        }
    }

    /// A tag on the stack and its repository (over the app's tags with the same key).
    pub fn tag(mut self, tag: impl Checked<Tag>) -> Self {
        if let Some(t) = self.take(tag)
            && let Some(tags) = self.take(added(&self.tags, t))
        {
            self.tags = tags;
        }
        self
    }

    /// How many images to keep (older ones expire); enough to roll back a few deploys. Lint
    /// `policy` asks at least the environment's [`Policy`](super::Policy) minimum.
    pub fn keep_last_images(mut self, n: u32) -> Self {
        if self
            .take::<LifecycleRule>(LifecycleRule::keep_last(n))
            .is_some()
        {
            self.keep_last = n;
        }
        self
    }

    /// Encrypt images with a customer-managed KMS key (an ID, alias, ARN or a `Ref` to one),
    /// checked at once ([`Encryption::kms`]).
    pub fn kms_key(mut self, key: Expr) -> Self {
        if let Some(e) = self.take(Encryption::kms(key)) {
            self.encryption = e;
        }
        self
    }

    /// Records that a third-party finding on the repository does not apply; keep these rare.
    pub fn suppress(mut self, suppression: impl Checked<Suppression>) -> Self {
        if let Some(s) = self.take(suppression) {
            self.suppressions.push(s);
        }
        self
    }

    /// Excepts the repository from a rule of the environment's [`Policy`](super::Policy),
    /// with the reason; lint `policy` refuses an exception the repository does not need.
    pub fn except(mut self, exception: impl Checked<PolicyException>) -> Self {
        if let Some(e) = self.take(exception) {
            self.policy_exceptions.push(e);
        }
        self
    }

    /// Allows a change that replaces the repository (and orphans its images); remove it once
    /// deployed. See [`ReplacementAck`].
    pub fn acknowledge_replacement(mut self, reason: &str) -> Self {
        if let Some(ack) = self.take::<ReplacementAck>(ReplacementAck::new(reason)) {
            self.replacement_ack = Some(ack);
        }
        self
    }

    /// The stack's name: `<service>-<environment>-registry`.
    pub fn stack_name(&self) -> String {
        format!("{}-{}-registry", self.service, self.environment.name())
    }

    /// The stack, or every invalid argument (`Error::At` for one, `Error::Findings` for
    /// more), each naming the stack, the repository and the fix.
    pub fn build(mut self) -> Result<(Stack, ImageRepository), Error> {
        let stack = self.stack_name();
        let invalid = std::mem::take(&mut self.invalid);
        Error::all(
            invalid
                .into_iter()
                .map(|(message, fix)| Error::At {
                    stack: stack.clone(),
                    resource: "Repository".into(),
                    message,
                    fix,
                })
                .collect(),
        )?;
        // What remains can fail only on the service's name, which names the repository.
        self.assemble().map_err(|e| e.at(&stack, "Repository"))
    }

    fn assemble(self) -> Result<(Stack, ImageRepository), Error> {
        let env = self.environment.name();
        let stack_name = StackName::new(self.stack_name())?;
        let name = RepositoryName::new(&format!("{}-{env}", self.service))?;
        let id = LogicalId::new("Repository")?;
        let repository = Repository {
            name: name.clone(),
            scan_on_push: true,
            tag_mutability: TagMutability::Immutable,
            encryption: self.encryption,
            lifecycle: vec![
                LifecycleRule::expire_untagged_after_days(self.untagged_days)?,
                LifecycleRule::keep_last(self.keep_last)?,
            ],
        };
        let mut template = Template::new(format!(
            "Container image registry for {} ({env}). Deploy before {}-{env}-service.",
            self.service, self.service
        ));
        let mut resource =
            Resource::new(id.clone(), Properties::EcrRepository(repository)).retained();
        resource.suppressions = self.suppressions;
        resource.replacement_ack = self.replacement_ack;
        resource.policy_exceptions = self.policy_exceptions;
        template.resources.push(resource);
        template.tags = self.tags;
        let uri_export = format!("{stack_name}-RepositoryUri");
        template.outputs = vec![
            Output {
                id: LogicalId::new("RepositoryUri")?,
                description: "URI to push images to; the service stack imports it".into(),
                value: Expr::get_att(&id, "RepositoryUri"),
                export: Some(uri_export.clone()),
            },
            Output {
                id: LogicalId::new("RepositoryArn")?,
                description: "ARN of the repository, for deploy-role policies".into(),
                value: Expr::get_att(&id, "Arn"),
                export: Some(format!("{stack_name}-RepositoryArn")),
            },
        ];
        let stack = Stack {
            name: stack_name.clone(),
            environment: self.environment,
            source: self.source,
            template,
            models: None,
            smoke_test: None,
        };
        Ok((
            stack,
            ImageRepository {
                stack: stack_name,
                name,
                uri_export,
            },
        ))
    }
}
