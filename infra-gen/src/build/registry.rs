//! The image registry stack: one ECR repository, deployed before any function uses it.

use super::{Environment, Stack};
use crate::Error;
use crate::model::ecr::{Encryption, LifecycleRule, Repository, RepositoryName, TagMutability};
use crate::model::review::{ReplacementAck, Suppression};
use crate::model::tags::{Tag, merged};
use crate::model::{Expr, LogicalId, Output, Properties, Resource, StackName, Template};

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
        }
    }

    /// A tag on the stack and its repository (over the app's tags with the same key).
    pub fn tag(mut self, key: &str, value: &str) -> Result<Self, Error> {
        self.tags = merged(&self.tags, &[Tag::new(key, value)?]);
        Ok(self)
    }

    /// How many images to keep (older ones expire); enough to roll back a few deploys.
    pub fn keep_last_images(mut self, n: u32) -> Self {
        self.keep_last = n;
        self
    }

    /// Encrypt images with a customer-managed KMS key (an ARN or a `Ref` to one).
    pub fn kms_key(mut self, key: Expr) -> Self {
        self.encryption = Encryption::Kms(Some(key));
        self
    }

    /// Records that a third-party finding on the repository does not apply; keep these rare.
    pub fn suppress(mut self, suppression: Suppression) -> Self {
        self.suppressions.push(suppression);
        self
    }

    /// Allows a change that replaces the repository (and orphans its images); remove it once
    /// deployed. See [`ReplacementAck`].
    pub fn acknowledge_replacement(mut self, reason: &str) -> Result<Self, Error> {
        self.replacement_ack = Some(ReplacementAck::new(reason)?);
        Ok(self)
    }

    pub fn build(self) -> Result<(Stack, ImageRepository), Error> {
        let env = self.environment.name();
        let stack_name = StackName::new(format!("{}-{env}-registry", self.service))?;
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
