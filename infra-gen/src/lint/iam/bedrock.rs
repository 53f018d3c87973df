//! `iam-bedrock`: a role's Bedrock statements are exactly what the stack's model map grants,
//! so a model added by hand, a broadened resource or a dropped condition cannot reach a
//! template. A difference is reported as what differs: statement by statement, then action,
//! resource and condition.

use std::collections::{BTreeMap, BTreeSet};

use super::super::Sink;
use super::super::resolve::{Resolved, Scope};
use super::{shown, users_of};
use crate::builders::Stack;
use crate::model::iam::{Condition, Role, Statement};
use crate::model::lambda::HandlerMode;

/// What the functions assuming role `id` do with responses: streaming if any of them streams,
/// since that one needs the streaming action; `None` when no function uses the role.
fn handler_of(stack: &Stack, id: &str) -> Option<HandlerMode> {
    let modes: Vec<HandlerMode> = users_of(stack, id).map(|f| f.handler).collect();
    if modes.contains(&HandlerMode::Streaming) {
        Some(HandlerMode::Streaming)
    } else {
        modes.first().copied()
    }
}

fn modes(stack: &Stack, id: &str) -> Vec<HandlerMode> {
    // A role no function uses may hold either handler's grants; judge it by the nearer one.
    match handler_of(stack, id) {
        Some(mode) => vec![mode],
        None => vec![HandlerMode::Streaming, HandlerMode::Buffered],
    }
}

/// Whether a statement grants a Bedrock action on Bedrock's resources (models, profiles): what
/// the model map decides. A star-only one (`bedrock:ListFoundationModels`) names no model and
/// is judged like any other star-only API.
pub(super) fn is_bedrock(s: &Statement) -> bool {
    s.actions
        .iter()
        .any(|a| a.info().0.prefix == "bedrock" && !a.star_only())
}

pub(crate) fn check_bedrock(stack: &Stack, role: &Role, id: &str, sink: &mut Sink<'_>) {
    let granted: Vec<&Statement> = role
        .policies
        .iter()
        .flat_map(|p| &p.statements)
        .filter(|s| is_bedrock(s))
        .collect();
    let candidates = stack.models.as_ref().map(|m| {
        modes(stack, id)
            .iter()
            .map(|mode| m.grants(*mode))
            .collect::<Result<Vec<_>, _>>()
    });
    let candidates = match candidates {
        Some(Ok(candidates)) => candidates,
        Some(Err(e)) => {
            sink.push(
                "iam-bedrock",
                id,
                format!("the model map's grants cannot be built: {e}"),
                "fix the model map the service was given (Service::bedrock_models)",
            );
            return;
        }
        None => vec![Vec::new()],
    };
    // Equal as written is equal as deployed; only a difference is worth resolving.
    let as_written =
        |c: &Vec<Statement>| c.len() == granted.len() && c.iter().all(|s| granted.contains(&s));
    if candidates.iter().any(as_written) {
        return;
    }
    // IAM grants what the statements add up to, whatever their Sids, grouping or order.
    let scope = sink.scope();
    let held = grants(&scope, granted.iter().copied());
    if candidates
        .iter()
        .any(|c| same_grants(&grants(&scope, c.iter()), &held))
    {
        return;
    }
    let expected = candidates.into_iter().next().unwrap_or_default();
    let wanted = grants(&scope, expected.iter());
    // Statement by statement when both sides name the same ones; else grant by grant, so a
    // renamed or regrouped statement is not reported as both granted and lacking.
    let granted_sids: BTreeSet<&str> = granted.iter().map(|s| s.sid.as_str()).collect();
    let expected_sids: BTreeSet<&str> = expected.iter().map(|s| s.sid.as_str()).collect();
    let differences = if granted_sids == expected_sids {
        differences(&scope, &granted, &expected)
    } else {
        grant_differences(&held, &wanted)
    };
    if differences.is_empty() {
        return;
    }
    let fix = if stack.models.is_some() {
        "grant Bedrock only through Service::bedrock_models: add or remove models in the model map (function/models.json), not in the role"
    } else {
        "this stack has no model map: give the service one with Service::bedrock_models instead of writing Bedrock statements by hand"
    };
    sink.push(
        "iam-bedrock",
        id,
        format!(
            "the role's Bedrock statements differ from the model map: {}",
            differences.join("; ")
        ),
        fix,
    );
}

/// One permission: an action on a resource under conditions that must all hold, values
/// resolved and shown. IAM grants the union of a role's statements' permissions.
type Grant = (String, String, Vec<String>);

/// The permissions statements give, each with the Sids of the statements giving it.
type Grants = BTreeMap<Grant, BTreeSet<String>>;

fn grants<'s>(scope: &Scope<'_>, statements: impl Iterator<Item = &'s Statement>) -> Grants {
    let mut out = Grants::new();
    for s in statements {
        let mut conditions: Vec<String> = s
            .conditions
            .iter()
            .map(|c| condition_words(scope, c))
            .collect();
        conditions.sort();
        conditions.dedup();
        for r in &s.resources {
            let resource = shown(&scope.resolve(r));
            for a in &s.actions {
                out.entry((a.as_str().to_owned(), resource.clone(), conditions.clone()))
                    .or_default()
                    .insert(s.sid.clone());
            }
        }
    }
    out
}

fn same_grants(a: &Grants, b: &Grants) -> bool {
    a.len() == b.len() && a.keys().eq(b.keys())
}

/// The permissions only one side gives, in words, with the statements that give them:
/// `ExtraModel grants bedrock:InvokeModel on <arn> (when …)`, `it lacks … (InvokeModels)`.
fn grant_differences(held: &Grants, wanted: &Grants) -> Vec<String> {
    let words = |(action, resource, conditions): &Grant| {
        if conditions.is_empty() {
            format!("{action} on {resource}")
        } else {
            format!("{action} on {resource} when {}", conditions.join(" and "))
        }
    };
    let sids = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(", ");
    held.iter()
        .filter(|(g, _)| !wanted.contains_key(*g))
        .map(|(g, s)| {
            format!(
                "{} grants {} that the model map does not",
                sids(s),
                words(g)
            )
        })
        .chain(
            wanted
                .iter()
                .filter(|(g, _)| !held.contains_key(*g))
                .map(|(g, s)| {
                    format!(
                        "it lacks {} ({}) that the model map needs",
                        words(g),
                        sids(s)
                    )
                }),
        )
        .collect()
}

/// What differs between the granted and expected statements, in words: a statement only one
/// side has, and for a statement both have (by Sid), each action, resource and condition that
/// only one side has. Values are compared resolved.
fn differences(scope: &Scope<'_>, granted: &[&Statement], expected: &[Statement]) -> Vec<String> {
    let mut out = Vec::new();
    for g in granted {
        match expected.iter().find(|e| e.sid == g.sid) {
            None => out.push(format!(
                "it grants {} ({} on {}) that the model map does not",
                g.sid,
                g.actions
                    .iter()
                    .map(|a| a.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                g.resources
                    .iter()
                    .map(|r| shown(&scope.resolve(r)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            Some(e) => statement_differences(scope, g, e, &mut out),
        }
    }
    for e in expected {
        if !granted.iter().any(|g| g.sid == e.sid) {
            out.push(format!("it lacks {} that the model map needs", e.sid));
        }
    }
    out
}

fn statement_differences(scope: &Scope<'_>, g: &Statement, e: &Statement, out: &mut Vec<String>) {
    let sid = &g.sid;
    let mut side = |what: &str, extra: Vec<String>, missing: Vec<String>| {
        if !extra.is_empty() {
            out.push(format!(
                "{sid} grants {what} {} that the model map does not",
                extra.join(", ")
            ));
        }
        if !missing.is_empty() {
            out.push(format!(
                "{sid} lacks {what} {} that the model map needs",
                missing.join(", ")
            ));
        }
    };
    let only = |a: &[crate::model::iam::Action], b: &[crate::model::iam::Action]| {
        a.iter()
            .filter(|x| !b.contains(x))
            .map(|x| x.as_str().to_owned())
            .collect::<Vec<_>>()
    };
    side(
        "action",
        only(&g.actions, &e.actions),
        only(&e.actions, &g.actions),
    );
    let resolved = |s: &Statement| {
        s.resources
            .iter()
            .map(|r| scope.resolve(r))
            .collect::<Vec<_>>()
    };
    let (gr, er) = (resolved(g), resolved(e));
    let only = |a: &[Resolved], b: &[Resolved]| {
        a.iter()
            .filter(|x| !b.contains(x))
            .map(shown)
            .collect::<Vec<_>>()
    };
    side("resource", only(&gr, &er), only(&er, &gr));
    let conditions = |s: &Statement| {
        s.conditions
            .iter()
            .map(|c| condition_words(scope, c))
            .collect::<Vec<_>>()
    };
    let (gc, ec) = (conditions(g), conditions(e));
    let only = |a: &[String], b: &[String]| {
        a.iter()
            .filter(|x| !b.contains(x))
            .cloned()
            .collect::<Vec<_>>()
    };
    side("condition", only(&gc, &ec), only(&ec, &gc));
}

fn condition_words(scope: &Scope<'_>, c: &Condition) -> String {
    let mut values: Vec<String> = c.values.iter().map(|v| shown(&scope.resolve(v))).collect();
    values.sort();
    format!("{} {} [{}]", c.key, c.operator.name(), values.join(", "))
}
