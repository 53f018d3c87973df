//! `infra-gen plan <stack>`: what deploying generated/<stack>.yaml would change, from a change
//! set made as `sam deploy` makes it: the same capabilities and tags (see [`crate::deploy`]),
//! and the same resource metadata.

use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_cloudformation::types::{
    Capability, Change, ChangeSetStatus, ChangeSetType, Parameter, StackStatus, Tag,
};

use super::client::{DeployedError, Target, backoff};
use super::template::{as_sam_deploys_it, parse};
use crate::builders::Stack;
use crate::builders::service::IMAGE_TAG_PARAMETER;
use crate::deploy;

/// The largest template CloudFormation takes inline; larger ones must go through S3.
const MAX_TEMPLATE_BODY: usize = 51_200;

/// Values for the template's parameters. Only the image tag has one: everything else is in
/// the template, by design, or a parameter's default (a VPC's subnets and security groups).
pub fn parameters(stack: &Stack, image_tag: Option<&str>) -> Result<Vec<Parameter>, DeployedError> {
    let params = &stack.template.parameters;
    let takes_tag = params.iter().any(|p| p.id.as_str() == IMAGE_TAG_PARAMETER);
    if let (Some(_), false) = (image_tag, takes_tag) {
        return Err(DeployedError::Usage(format!(
            "{} has no {IMAGE_TAG_PARAMETER} parameter: drop --image-tag",
            stack.name
        )));
    }
    params
        .iter()
        .filter(|p| p.default.is_none())
        .map(|p| match (p.id.as_str(), image_tag) {
            (IMAGE_TAG_PARAMETER, Some(tag)) => Ok(Parameter::builder()
                .parameter_key(IMAGE_TAG_PARAMETER)
                .parameter_value(tag)
                .build()),
            (IMAGE_TAG_PARAMETER, None) => Err(DeployedError::Usage(format!(
                "{} needs an image to preview: pass --image-tag <git commit SHA>, e.g. --image-tag \"$(git rev-parse HEAD)\" (the image must be pushed before a real deploy)",
                stack.name
            ))),
            (other, _) => Err(DeployedError::Usage(format!(
                "{} has parameter {other}, which infra-gen plan cannot set",
                stack.name
            ))),
        })
        .collect()
}

/// What to ask for: an update of a live stack, or the creation of a new one. A stack left in
/// REVIEW_IN_PROGRESS by an unexecuted change set has no resources and takes CREATE again.
async fn change_set_type(t: &Target<'_>) -> Result<(ChangeSetType, bool), DeployedError> {
    let stack = t.stack.name.as_str();
    match t.client.describe_stacks().stack_name(stack).send().await {
        Ok(out) => {
            let status = out.stacks().first().and_then(|s| s.stack_status());
            let reviewing = status == Some(&StackStatus::ReviewInProgress);
            Ok(if reviewing {
                (ChangeSetType::Create, true)
            } else {
                (ChangeSetType::Update, true)
            })
        }
        Err(e) if DeployedError::is_missing_stack(&e) => Ok((ChangeSetType::Create, false)),
        Err(e) => Err(DeployedError::aws("DescribeStacks", e)),
    }
}

pub async fn run(
    t: &Target<'_>,
    parameters: Vec<Parameter>,
    keep: bool,
    timeout_s: u64,
) -> Result<ExitCode, DeployedError> {
    let stack = t.stack.name.as_str();
    let body = parse(&t.template_body)
        .map(as_sam_deploys_it)
        .map_err(|message| DeployedError::Parse {
            which: t.template_path.display().to_string(),
            message,
        })?
        .to_string();
    if body.len() > MAX_TEMPLATE_BODY {
        return Err(DeployedError::Usage(format!(
            "{stack}'s template is {} bytes as JSON; CloudFormation takes at most {MAX_TEMPLATE_BODY} inline",
            body.len()
        )));
    }
    let (kind, existed) = change_set_type(t).await?;
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let name = format!("infra-gen-plan-{seconds}");
    let tags: Vec<Tag> = deploy::tags(t.stack)
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    let created = t
        .client
        .create_change_set()
        .stack_name(stack)
        .change_set_name(&name)
        .change_set_type(kind.clone())
        .description("Preview made by infra-gen plan")
        .template_body(body)
        .set_parameters(Some(parameters))
        .set_capabilities(Some(
            deploy::capabilities(&t.stack.template)
                .into_iter()
                .map(Capability::from)
                .collect(),
        ))
        .set_tags(Some(tags))
        .set_role_arn(t.role_arn.clone())
        .send()
        .await
        .map_err(|e| DeployedError::aws("CreateChangeSet", e))?;
    let id = created
        .id()
        .ok_or(DeployedError::Incomplete("a change set id"))?
        .to_owned();

    let result = report(t, &id, &name, &kind, timeout_s).await;
    if keep {
        println!(
            "kept change set {name}: review it in the console, or delete it with \
             `aws cloudformation delete-change-set --change-set-name {id}`"
        );
    } else {
        cleanup(t, &id, &kind, existed).await?;
    }
    result
}

/// Waits for the change set and prints its changes as a table.
async fn report(
    t: &Target<'_>,
    id: &str,
    name: &str,
    kind: &ChangeSetType,
    timeout_s: u64,
) -> Result<ExitCode, DeployedError> {
    let stack = t.stack.name.as_str();
    let deadline = Instant::now() + Duration::from_secs(timeout_s);
    let mut attempt = 0;
    let mut changes: Vec<Change> = Vec::new();
    loop {
        let mut pages = t
            .client
            .describe_change_set()
            .change_set_name(id)
            .into_paginator()
            .send();
        let mut status = None;
        let mut reason = None;
        changes.clear();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| DeployedError::aws("DescribeChangeSet", e))?;
            status = page.status().cloned();
            reason = page.status_reason().map(str::to_owned);
            changes.extend(page.changes().iter().cloned());
        }
        match status {
            Some(ChangeSetStatus::CreateComplete) => break,
            Some(ChangeSetStatus::Failed) => {
                let reason = reason.unwrap_or_default();
                // CloudFormation fails change sets that change nothing.
                if reason.contains("didn't contain changes") || reason.contains("No updates") {
                    println!("plan for {stack} in {}: no changes", t.region);
                    return Ok(ExitCode::SUCCESS);
                }
                return Err(DeployedError::Aws {
                    operation: "CreateChangeSet",
                    message: format!("change set {name} failed: {reason}"),
                });
            }
            _ => {}
        }
        let wait = backoff(attempt);
        if Instant::now() + wait > deadline {
            return Err(DeployedError::Timeout {
                what: format!("change set {name} of {stack}"),
                seconds: timeout_s,
            });
        }
        tokio::time::sleep(wait).await;
        attempt += 1;
    }
    println!(
        "plan for {stack} in {} ({} change set {name}): {} change(s)",
        t.region,
        kind.as_str(),
        changes.len()
    );
    print!("{}", table(&changes));
    Ok(ExitCode::SUCCESS)
}

/// Action, logical ID, type, replacement and what changed, in aligned columns.
fn table(changes: &[Change]) -> String {
    let mut rows = vec![[
        "ACTION".to_owned(),
        "LOGICAL ID".to_owned(),
        "TYPE".to_owned(),
        "REPLACEMENT".to_owned(),
        "CHANGED".to_owned(),
    ]];
    for c in changes {
        let Some(r) = c.resource_change() else {
            continue;
        };
        let mut changed: Vec<&str> = Vec::new();
        for d in r.details() {
            if let Some(name) = d
                .target()
                .and_then(|t| t.name().or(t.attribute().map(|a| a.as_str())))
                && !changed.contains(&name)
            {
                changed.push(name);
            }
        }
        rows.push([
            r.action().map_or("-", |a| a.as_str()).to_owned(),
            r.logical_resource_id().unwrap_or("-").to_owned(),
            r.resource_type().unwrap_or("-").to_owned(),
            r.replacement().map_or("-", |x| x.as_str()).to_owned(),
            if changed.is_empty() {
                "-".to_owned()
            } else {
                changed.join(", ")
            },
        ]);
    }
    let widths: Vec<usize> = (0..5)
        .map(|i| rows.iter().map(|r| r[i].len()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// Deletes the change set, and the empty REVIEW_IN_PROGRESS stack a CREATE change set made
/// for a stack that did not exist before (CloudFormation leaves it behind otherwise).
async fn cleanup(
    t: &Target<'_>,
    id: &str,
    kind: &ChangeSetType,
    existed: bool,
) -> Result<(), DeployedError> {
    let stack = t.stack.name.as_str();
    t.client
        .delete_change_set()
        .change_set_name(id)
        .send()
        .await
        .map_err(|e| DeployedError::aws("DeleteChangeSet", e))?;
    if *kind == ChangeSetType::Create && !existed {
        t.client
            .delete_stack()
            .stack_name(stack)
            .send()
            .await
            .map_err(|e| DeployedError::aws("DeleteStack", e))?;
    }
    println!("deleted the change set (pass --keep to keep it)");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudformation::types::{ChangeAction, Replacement, ResourceChange};

    #[test]
    fn tables_align_columns_and_show_missing_values_as_dashes() {
        let change = |action, id: &str, replacement| {
            Change::builder()
                .resource_change(
                    ResourceChange::builder()
                        .action(action)
                        .logical_resource_id(id)
                        .resource_type("AWS::Lambda::Function")
                        .set_replacement(replacement)
                        .build(),
                )
                .build()
        };
        let text = table(&[
            change(ChangeAction::Modify, "Function", Some(Replacement::False)),
            change(ChangeAction::Add, "NewLogGroup", None),
        ]);
        assert_eq!(
            text,
            "ACTION  LOGICAL ID   TYPE                   REPLACEMENT  CHANGED\n\
             Modify  Function     AWS::Lambda::Function  False        -\n\
             Add     NewLogGroup  AWS::Lambda::Function  -            -\n"
        );
    }
}
