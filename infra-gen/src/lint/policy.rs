//! Lint `policy`: every log group and ECR repository meets the [`Policy`] of its stack's
//! environment kind, or carries a [`PolicyException`] saying why not; an exception the
//! resource does not need is a finding too (the scanners would call its suppressions stale).

use super::Sink;
use crate::builders::{Policy, Stack};
use crate::model::ecr::{Expiry, Repository, TagMutability, TagStatus};
use crate::model::review::{PolicyException, PolicyRule};
use crate::model::{Properties, Resource};

const CODE: &str = "policy";

pub(super) fn check(stack: &Stack, resource: &Resource, sink: &mut Sink<'_>) {
    let policy = stack.environment.policy();
    let kind = stack.environment.kind().name();
    let id = resource.id.as_str();
    let broken: Vec<(PolicyRule, String, String)> = match &resource.properties {
        Properties::LogGroup(g) => {
            let min = policy.min_log_retention.days();
            let days = g.retention.days();
            if days < min {
                vec![(
                    PolicyRule::LogRetention,
                    format!(
                        "log group {} keeps logs {days} days; the {kind} policy asks at least {min} \
                         (Control Tower's cloudwatch_log_group_retention_period_check asks a year)",
                        g.name
                    ),
                    format!(
                        "set the retention to at least {min} days (RetentionDays, e.g. Service::log_retention)"
                    ),
                )]
            } else {
                Vec::new()
            }
        }
        Properties::EcrRepository(r) => repository(r, &policy, kind),
        _ => Vec::new(),
    };
    for (rule, message, fix) in &broken {
        if !excepted(resource, *rule) {
            sink.push(
                CODE,
                id,
                message.clone(),
                format!(
                    "{fix}; or, if it must differ, except it in {} with PolicyException::new(PolicyRule::{rule:?}, \"why\") ({})",
                    stack.source,
                    match resource.properties {
                        Properties::EcrRepository(_) => "Registry::except".to_owned(),
                        _ => format!("Service::except(\"{id}\", …)"),
                    }
                ),
            );
        }
    }
    // A scanner rule the policy judges is answered by an exception, never by a suppression of
    // its own: that would pass `check` and then be stale, or unexplained, in the suite.
    for s in &resource.suppressions {
        if let Some(rule) = PolicyRule::ALL.into_iter().find(|r| {
            r.scanner_rules()
                .iter()
                .any(|&(tool, name)| s.tool() == tool && s.rule() == name)
        }) {
            sink.push(
                CODE,
                id,
                format!(
                    "suppresses {} {}, which the project's policy judges as rule {}",
                    s.tool().name(),
                    s.rule(),
                    rule.code()
                ),
                format!(
                    "replace the suppression in {} with PolicyException::new(PolicyRule::{rule:?}, \"why\") if the resource must differ, or remove it",
                    stack.source
                ),
            );
        }
    }
    for e in &resource.policy_exceptions {
        if !broken.iter().any(|(rule, _, _)| *rule == e.rule()) {
            sink.push(
                CODE,
                id,
                format!(
                    "{} has an exception from policy rule {} but meets it (or the rule does not apply to it)",
                    resource.properties.phrase(&resource.id),
                    e.rule().code()
                ),
                format!(
                    "remove the PolicyException for {} from {id} in {}",
                    e.rule().code(),
                    stack.source
                ),
            );
        }
    }
}

fn excepted(resource: &Resource, rule: PolicyRule) -> bool {
    resource
        .policy_exceptions
        .iter()
        .any(|e: &PolicyException| e.rule() == rule)
}

/// The rules an ECR repository breaks, with message and fix.
fn repository(r: &Repository, policy: &Policy, kind: &str) -> Vec<(PolicyRule, String, String)> {
    let name = r.name.as_str();
    let mut broken = Vec::new();
    if r.tag_mutability != TagMutability::Immutable {
        broken.push((
            PolicyRule::ImmutableTags,
            format!("ECR repository {name} has mutable tags: a deploy of a tag may run another image than was tested"),
            "set the tags IMMUTABLE (TagMutability::Immutable, as Registry does)".to_owned(),
        ));
    }
    if !r.scan_on_push {
        broken.push((
            PolicyRule::ScanOnPush,
            format!("ECR repository {name} does not scan images on push"),
            "set scan_on_push to true (as Registry does)".to_owned(),
        ));
    }
    if r.lifecycle.is_empty() {
        broken.push((
            PolicyRule::LifecyclePolicy,
            format!("ECR repository {name} has no lifecycle policy: images are kept (and paid for) forever"),
            format!(
                "add lifecycle rules expiring untagged images and keeping the last {} or more images (as Registry does)",
                policy.min_images_kept
            ),
        ));
        return broken;
    }
    let min = policy.min_images_kept;
    let any = r
        .lifecycle
        .iter()
        .filter(|l| l.tag_status == TagStatus::Any);
    let mut problems = Vec::new();
    if !r
        .lifecycle
        .iter()
        .any(|l| l.tag_status == TagStatus::Untagged)
    {
        problems.push("no rule expires untagged images".to_owned());
    }
    let kept: Vec<u32> = any
        .clone()
        .filter_map(|l| match l.expiry {
            Expiry::KeepLast(n) => Some(n),
            Expiry::OlderThanDays(_) => None,
        })
        .collect();
    if any
        .clone()
        .any(|l| matches!(l.expiry, Expiry::OlderThanDays(_)))
    {
        problems.push(
            "a rule expires tagged images by age, which can delete the image a function runs"
                .to_owned(),
        );
    }
    match kept.iter().min() {
        None => problems.push("no rule bounds how many images are kept".to_owned()),
        Some(&n) if n < min => problems.push(format!(
            "it keeps only the last {n} images, fewer than the {kind} policy's {min} to roll back to"
        )),
        Some(_) => {}
    }
    if !problems.is_empty() {
        broken.push((
            PolicyRule::ImagesKept,
            format!("ECR repository {name}'s lifecycle: {}", problems.join("; ")),
            format!(
                "expire untagged images and keep the last {min} or more images by count, never by age (Registry::keep_last_images)"
            ),
        ));
    }
    broken
}
