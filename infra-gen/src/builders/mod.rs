//! Opinionated builders with safe defaults on top of [`crate::model`], and the [`App`] that
//! holds a repository's stacks in deployment order.

pub mod alarms;
pub mod bedrock;
pub mod bootstrap;
pub mod grant;
pub mod policy;
pub mod registry;
pub mod service;

pub use alarms::{Alarms, PublishedMetric};
pub use bedrock::{ModelMap, Upstream, retirement_warnings};
pub use bootstrap::{AccountSide, Bootstrap};
pub use grant::{DynamoDb, Grant};
pub use model_map::Date;
pub use policy::{EnvironmentKind, Policy};
pub use registry::{ImageRepository, Registry};
pub use service::{ContainerImage, FunctionUrl, Schedule, SecretSpec, Service, SqsTrigger, Vpc};

use std::borrow::Cow;

use crate::Error;
use crate::model::review::ReplacementAck;
use crate::model::tags::{Tag, merged};
use crate::model::{StackName, Template, validate_name};

/// One CloudFormation stack: a template and where it is defined.
#[derive(Debug, Clone, PartialEq)]
pub struct Stack {
    pub name: StackName,
    pub environment: Environment,
    /// The definition's source file, relative to the repository root (`file!()`).
    pub source: &'static str,
    pub template: Template,
    /// The models the stack's function may call; lint `iam-bedrock` holds every role's Bedrock
    /// statements to exactly [`ModelMap::grants`] of it (none without a map).
    pub models: Option<ModelMap>,
    /// A path the deploy workflow GETs through the Function URL after deploying, expecting a
    /// 2xx (public URLs only; `infra-gen list --json` carries it to the workflow).
    pub smoke_test: Option<String>,
}

#[cfg(test)]
impl Stack {
    /// An empty stack `a-prod-service` in `region`, for unit tests of what reads a stack.
    pub(crate) fn empty_for_test(region: &str) -> Self {
        Self {
            name: StackName::new("a-prod-service").expect("valid"),
            environment: Environment::new("prod", region).expect("valid"),
            source: file!(),
            template: Template::new(""),
            models: None,
            smoke_test: None,
        }
    }
}

/// The stacks of one repository, in the order they must be deployed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct App {
    stacks: Vec<Stack>,
    tags: Vec<Tag>,
    /// Stacks no longer defined (removed or renamed) whose committed stateful resources may
    /// go: without one, the replacement guard refuses to let their template go.
    removed: Vec<(StackName, ReplacementAck)>,
    /// The account side, once [`App::bootstrap`] added its stack, and how it was built (lint
    /// `iam-account` derives it again from the other stacks).
    account: Option<(Bootstrap, AccountSide)>,
    /// Whether the bootstrap stack is what the other stacks derive now: set when it is
    /// derived, cleared by every change to the stacks or tags. A fresh `check` then does not
    /// derive it a second time for lint `iam-account`.
    account_fresh: bool,
    /// App tags whose key an earlier `tag` call had set: (earlier, later), reported by lint
    /// `duplicate` (`tag` returns nothing to refuse them with).
    retagged: Vec<(Tag, Tag)>,
}

impl App {
    pub fn new() -> Self {
        Self::default()
    }
    /// Appends a stack; it deploys after every stack added before it. It takes the app's
    /// tags, under its own.
    pub fn push(&mut self, mut stack: Stack) {
        self.account_fresh = false;
        stack.template.tags = merged(&self.tags, &stack.template.tags);
        self.stacks.push(stack);
    }
    /// A tag on every stack of the app, and every resource in them that takes tags; a
    /// stack's or service's own tag with the same key wins.
    pub fn tag(&mut self, tag: Tag) {
        self.account_fresh = false;
        if let Some(earlier) = self.tags.iter().find(|t| t.key() == tag.key()) {
            self.retagged.push((earlier.clone(), tag.clone()));
        }
        for stack in &mut self.stacks {
            stack.template.tags = merged(std::slice::from_ref(&tag), &stack.template.tags);
        }
        self.tags = merged(&self.tags, &[tag]);
    }
    /// Adds the account side derived from every stack pushed so far (push it last): the
    /// bootstrap stack with GitHub's OIDC provider and each environment's deploy, execution
    /// and drift roles. `samconfig.toml` then deploys each stack with its environment's
    /// execution role.
    pub fn bootstrap(&mut self, bootstrap: &Bootstrap) -> Result<(), Error> {
        let (stack, side) = bootstrap.build(self)?;
        self.push(stack);
        self.account = Some((bootstrap.clone(), side));
        self.account_fresh = true;
        Ok(())
    }
    /// Derives the account side again from the stacks as they are now: after
    /// [`App::stacks_mut`] edits that change what a stack deploys, lint `iam-account` refuses
    /// the old one.
    pub fn rebuild_account(&mut self) -> Result<(), Error> {
        let Some((bootstrap, side)) = self.account.clone() else {
            return Ok(());
        };
        let others: Vec<&Stack> = self
            .stacks
            .iter()
            .filter(|s| s.name != side.stack)
            .collect();
        let (mut stack, rebuilt) = bootstrap.build_for(&others)?;
        stack.template.tags = merged(&self.tags, &stack.template.tags);
        if let Some(slot) = self.stacks.iter_mut().find(|s| s.name == side.stack) {
            *slot = stack;
        }
        self.account = Some((bootstrap, rebuilt));
        self.account_fresh = true;
        Ok(())
    }
    /// The account side, if the app has one.
    pub fn account(&self) -> Option<&AccountSide> {
        self.account.as_ref().map(|(_, side)| side)
    }
    /// The bootstrap stack as the other stacks derive it now, and its name (`None` without an
    /// account side): the app's own when nothing changed since it was derived.
    pub fn derived_bootstrap(&self) -> Option<(StackName, Result<Cow<'_, Stack>, Error>)> {
        let (bootstrap, side) = self.account.as_ref()?;
        if self.account_fresh
            && let Some(stack) = self.stacks.iter().find(|s| s.name == side.stack)
        {
            return Some((side.stack.clone(), Ok(Cow::Borrowed(stack))));
        }
        let others: Vec<&Stack> = self
            .stacks
            .iter()
            .filter(|s| s.name != side.stack)
            .collect();
        let derived = bootstrap.build_for(&others).map(|(mut stack, _)| {
            stack.template.tags = merged(&self.tags, &stack.template.tags);
            Cow::Owned(stack)
        });
        Some((side.stack.clone(), derived))
    }
    /// App tags set twice: (earlier, later).
    pub(crate) fn retagged(&self) -> &[(Tag, Tag)] {
        &self.retagged
    }
    pub fn stacks(&self) -> &[Stack] {
        &self.stacks
    }
    /// For post-processing the thin model; lints still run on the result.
    pub fn stacks_mut(&mut self) -> &mut [Stack] {
        self.account_fresh = false;
        &mut self.stacks
    }
    /// Consents to stack `name` no longer being defined (removed, or renamed, as renaming an
    /// environment renames its stacks): its committed stateful resources (images, secret
    /// values, logs) are orphaned, and a renamed stack creates new, empty ones. See
    /// [`ReplacementAck`]; remove it once deployed.
    pub fn acknowledge_removed_stack(&mut self, name: &str, reason: &str) -> Result<(), Error> {
        // The error names the stack it is about, as every refusal does.
        let at = |e: Error| e.at(name, "acknowledge_removed_stack");
        self.removed.push((
            StackName::new(name).map_err(at)?,
            ReplacementAck::new(reason).map_err(at)?,
        ));
        Ok(())
    }
    /// The acknowledgement of stack `name`'s removal, if any.
    pub fn removed_stack(&self, name: &str) -> Option<&ReplacementAck> {
        self.removed
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, ack)| ack)
    }
}

/// AWS's regions with their partitions, from botocore (`infra-gen/data/regions.txt`).
const REGIONS: &str = include_str!("../../data/regions.txt");

/// Whether `name` is a region AWS has (`infra-gen/data/regions.txt`).
pub(crate) fn is_region(name: &str) -> bool {
    regions().any(|r| r == name)
}

/// Every region AWS has (`infra-gen/data/regions.txt`).
pub(crate) fn regions() -> impl Iterator<Item = &'static str> {
    REGIONS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split(' ').next())
}

/// A deployment target: a name such as `staging`, the AWS region it lives in, and its kind,
/// which selects the retention and image [`Policy`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    name: String,
    region: String,
    kind: EnvironmentKind,
}

impl Environment {
    pub fn new(name: &str, region: &str) -> Result<Self, Error> {
        // Single hyphens join words (`production-dr`, as stack names and GitHub environments
        // allow); the account side refuses a stack whose name extends another's.
        validate_name(
            "environment name",
            name,
            "lowercase letters and digits, starting with a letter, words joined by single hyphens",
            |s| {
                s.starts_with(|c: char| c.is_ascii_lowercase())
                    && s.split('-').all(|w| {
                        !w.is_empty()
                            && w.bytes()
                                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                    })
            },
        )?;
        // A region of the right shape that AWS does not have (`eu-central-3`) would pass every
        // lint and fail only at deploy time.
        validate_name(
            "AWS region",
            region,
            "a region AWS has, such as us-west-2 (infra-gen/data/regions.txt)",
            is_region,
        )?;
        Ok(Self {
            name: name.to_owned(),
            region: region.to_owned(),
            kind: EnvironmentKind::Production,
        })
    }
    /// Declares what the environment is for (production unless said otherwise).
    pub fn with_kind(mut self, kind: EnvironmentKind) -> Self {
        self.kind = kind;
        self
    }
    pub fn kind(&self) -> EnvironmentKind {
        self.kind
    }
    /// The retention and image rules of this environment's kind.
    pub fn policy(&self) -> Policy {
        Policy::of(self.kind)
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn region(&self) -> &str {
        &self.region
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_need_a_lowercase_name_and_a_region_code() {
        assert!(Environment::new("prod", "us-west-2").is_ok());
        assert!(Environment::new("Prod", "us-west-2").is_err());
        assert!(Environment::new("prod", "oregon").is_err());
        assert!(Environment::new("prod", "us-west-").is_err());
        assert!(Environment::new("production-dr", "us-west-2").is_ok());
        for bad in ["-prod", "prod-", "prod--dr", "prod_dr", "Prod-dr", "1prod"] {
            assert!(Environment::new(bad, "us-west-2").is_err(), "{bad}");
        }
    }

    #[test]
    fn an_environment_names_a_region_aws_has() {
        // Every listed region, and every near miss of one: a digit or a direction off.
        for line in REGIONS.lines().filter(|l| !l.starts_with('#')) {
            let region = line.split(' ').next().expect("a region");
            assert!(Environment::new("prod", region).is_ok(), "{region}");
            let (stem, n) = region.rsplit_once('-').expect("numbered");
            let n: u32 = n.parse().expect("a number");
            for near in [
                format!("{stem}-{}", n + 7),
                region.to_uppercase(),
                format!("{region}a"),
            ] {
                if !REGIONS
                    .lines()
                    .any(|l| l.split(' ').next() == Some(near.as_str()))
                {
                    assert!(Environment::new("prod", &near).is_err(), "{near}");
                }
            }
        }
        for missing in [
            "eu-central-3",
            "us-east-3",
            "eu-west-4",
            "ap-southeast-9",
            "us-gov-west-2",
        ] {
            assert!(Environment::new("prod", missing).is_err(), "{missing}");
        }
    }
}
