//! `iam-escalation`: no action that lets the holder grant itself (or a role it controls) more,
//! judged from AWS's action data (`iam-data/`), not a list of names:
//!
//! * access level *Permissions management*, in any service: policies, grants, resource
//!   policies (`s3:PutBucketPolicy`, `lambda:AddPermission`, `kms:CreateGrant`, …);
//! * a write of the identity services `iam` and `sts`: identities, keys, passwords and
//!   temporary credentials (`iam:CreateAccessKey`, `sts:AssumeRole`, `sts:GetFederationToken`);
//! * a write of any service on an IAM principal (a role, user or group, a federated user or the
//!   root user), by the ARN formats the action accepts;
//! * a write on a resource that runs code or resources with a role of its own (a function or
//!   layer, a stack, change set or stack set, an instance), other than invoking it: changing it
//!   runs the holder's code with that role;
//! * `iam:PassRole`, unless `iam:PassedToService` fixes the service it may be passed to.

use super::super::Sink;
use super::super::resolve::Scope;
use crate::model::iam::data::{ActionInfo, Level, ResourceType, Service, arn_fields};
use crate::model::iam::{Action, Operator, Role, Statement};

/// Resource types (by ARN service and the start of the resource part) whose resources run
/// with a role of their own.
const RUNS_WITH_A_ROLE: [(&str, &str); 7] = [
    ("lambda", "function:"),
    ("lambda", "layer:"),
    ("cloudformation", "stack/"),
    ("cloudformation", "changeSet/"),
    ("cloudformation", "stackset/"),
    ("ec2", "instance/"),
    ("ssm", "managed-instance/"),
];

fn resource_part(t: &ResourceType) -> (&'static str, &'static str) {
    arn_fields(t.arn).map_or(("", ""), |f| (f[2], f[5]))
}

fn is_principal(t: &ResourceType) -> bool {
    match resource_part(t) {
        ("iam", part) => {
            part == "root"
                || ["role/", "user/", "group/"]
                    .iter()
                    .any(|p| part.starts_with(p))
        }
        ("sts", part) => part.starts_with("federated-user/"),
        _ => false,
    }
}

fn runs_with_a_role(t: &ResourceType) -> bool {
    let (service, part) = resource_part(t);
    RUNS_WITH_A_ROLE
        .iter()
        .any(|(s, p)| *s == service && part.starts_with(p))
}

/// Why the action lets its holder escalate, if it does (`iam:PassRole` is judged with its
/// statement's conditions by [`check`]).
pub(crate) fn danger(service: &Service, action: &ActionInfo) -> Option<String> {
    let writes = action.has(Level::Write) || action.has(Level::Tagging);
    if action.has(Level::PermissionsManagement) {
        return Some(
            "its access level is Permissions management: it changes who may do what".into(),
        );
    }
    if writes && matches!(service.prefix, "iam" | "sts") {
        return Some(format!(
            "it is a {} write of {}, which creates or changes identities or issues credentials",
            action.level_names().join("/"),
            service.prefix
        ));
    }
    if writes && let Some(t) = action.resource_types(service).find(|t| is_principal(t)) {
        return Some(format!(
            "it writes to an IAM principal (resource type {})",
            t.name
        ));
    }
    if writes
        && !action.name.starts_with("Invoke")
        && let Some(t) = action.resource_types(service).find(|t| runs_with_a_role(t))
    {
        return Some(format!(
            "it changes a {} ({}), which runs with a role of its own: the holder's code would run with that role",
            t.name,
            t.arn_service()
        ));
    }
    None
}

/// `iam:PassRole` may be passed only to fixed services: every `iam:PassedToService` value
/// decided, and no wildcard in it.
fn passed_to_fixed_services(statement: &Statement, scope: &Scope<'_>) -> bool {
    statement.conditions.iter().any(|c| {
        c.operator == Operator::StringEquals
            && c.key.eq_ignore_ascii_case("iam:PassedToService")
            && !c.values.is_empty()
            && c.values.iter().all(|v| {
                let r = scope.resolve(v);
                r.known()
                    .is_some_and(|t| !t.is_empty() && !t.contains(['*', '?']))
            })
    })
}

/// The escalation an action grants in `statement`, if any.
pub(crate) fn of(action: &Action, statement: &Statement, scope: &Scope<'_>) -> Option<String> {
    let (service, info) = action.info()?;
    if service.prefix == "iam" && info.name == "PassRole" {
        return (!passed_to_fixed_services(statement, scope)).then(|| {
            "it passes a role to any service, which then acts with that role's rights".into()
        });
    }
    danger(service, info)
}

pub(crate) fn check(role: &Role, id: &str, sink: &mut Sink<'_>) {
    let scope = sink.scope();
    for statement in role.policies.iter().flat_map(|p| &p.statements) {
        for action in &statement.actions {
            if let Some(why) = of(action, statement, &scope) {
                sink.push(
                    "iam-escalation",
                    id,
                    format!(
                        "statement {} grants {}, which lets the role escalate its own privileges: {why}",
                        statement.sid,
                        action.as_str()
                    ),
                    "remove the action: a function role never manages IAM, credentials, policies or code; pass roles only with Condition iam:PassedToService naming the service (e.g. lambda.amazonaws.com)",
                );
            }
        }
    }
}
