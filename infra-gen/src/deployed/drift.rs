//! `infra-gen drift <stack>`: CloudFormation's drift detection, waited for and printed.

use std::process::ExitCode;
use std::time::Instant;

use aws_sdk_cloudformation::types::{
    StackDriftDetectionStatus, StackDriftStatus, StackResourceDrift, StackResourceDriftStatus,
};

use super::client::{DeployedError, Target, backoff};

pub async fn run(t: &Target<'_>, timeout_s: u64) -> Result<ExitCode, DeployedError> {
    let stack = t.stack.name.as_str();
    let started = t
        .client
        .detect_stack_drift()
        .stack_name(stack)
        .send()
        .await
        .map_err(|e| t.stack_error("DetectStackDrift", e))?;
    let id = started
        .stack_drift_detection_id()
        .ok_or(DeployedError::Incomplete("a drift detection id"))?;
    let deadline = Instant::now() + std::time::Duration::from_secs(timeout_s);
    let mut attempt = 0;
    let status = loop {
        let status = t
            .client
            .describe_stack_drift_detection_status()
            .stack_drift_detection_id(id)
            .send()
            .await
            .map_err(|e| DeployedError::aws("DescribeStackDriftDetectionStatus", e))?;
        if status.detection_status() != Some(&StackDriftDetectionStatus::DetectionInProgress) {
            break status;
        }
        let wait = backoff(attempt);
        if Instant::now() + wait > deadline {
            return Err(DeployedError::Timeout {
                what: format!("drift detection {id} of {stack}"),
                seconds: timeout_s,
            });
        }
        tokio::time::sleep(wait).await;
        attempt += 1;
    };

    let drifted = resource_drifts(
        t,
        &[
            StackResourceDriftStatus::Modified,
            StackResourceDriftStatus::Deleted,
        ],
    )
    .await?;
    let not_checked = resource_drifts(t, &[StackResourceDriftStatus::NotChecked]).await?;

    let overall = status
        .stack_drift_status()
        .map_or("UNKNOWN", StackDriftStatus::as_str);
    println!(
        "drift of {stack} in {}: {overall}, {} resource(s) drifted",
        t.region,
        drifted.len()
    );
    for r in &drifted {
        print!("{}", describe(r));
    }
    if !not_checked.is_empty() {
        let ids: Vec<&str> = not_checked
            .iter()
            .filter_map(StackResourceDrift::logical_resource_id)
            .collect();
        println!(
            "not checked (their types do not support drift detection): {}",
            ids.join(", ")
        );
    }
    if status.detection_status() == Some(&StackDriftDetectionStatus::DetectionFailed) {
        eprintln!(
            "drift detection did not check every resource: {}",
            status
                .detection_status_reason()
                .unwrap_or("no reason given")
        );
        if drifted.is_empty() {
            return Ok(ExitCode::from(2));
        }
    }
    if drifted.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "{stack} drifted: someone changed it outside CloudFormation. Redeploy to restore the \
             definitions, or bring the change into the definitions."
        );
        Ok(ExitCode::from(1))
    }
}

async fn resource_drifts(
    t: &Target<'_>,
    statuses: &[StackResourceDriftStatus],
) -> Result<Vec<StackResourceDrift>, DeployedError> {
    let mut pages = t
        .client
        .describe_stack_resource_drifts()
        .stack_name(t.stack.name.as_str())
        .set_stack_resource_drift_status_filters(Some(statuses.to_vec()))
        .into_paginator()
        .send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| DeployedError::aws("DescribeStackResourceDrifts", e))?;
        out.extend(page.stack_resource_drifts().iter().cloned());
    }
    Ok(out)
}

/// A drifted resource and, for modified ones, each property as expected and as found.
fn describe(r: &StackResourceDrift) -> String {
    let mut out = format!(
        "{} {} ({}{})\n",
        r.stack_resource_drift_status()
            .map_or("UNKNOWN", StackResourceDriftStatus::as_str),
        r.logical_resource_id().unwrap_or("?"),
        r.resource_type().unwrap_or("?"),
        r.physical_resource_id()
            .map(|p| format!(", {p}"))
            .unwrap_or_default()
    );
    for d in r.property_differences() {
        out.push_str(&format!(
            "  ~ {} ({})\n      expected: {}\n      actual:   {}\n",
            d.property_path().unwrap_or("?"),
            d.difference_type().map_or("?", |t| t.as_str()),
            d.expected_value().unwrap_or(""),
            d.actual_value().unwrap_or("")
        ));
    }
    out
}
