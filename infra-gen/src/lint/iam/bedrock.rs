//! `iam-bedrock`: a role's Bedrock statements are exactly what the stack's model map grants,
//! so a model added by hand, a broadened resource or a dropped condition cannot reach a
//! template. A difference is reported as what differs: statement by statement, then action,
//! resource and condition.

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
    let expected = match candidates {
        Some(Ok(candidates)) => {
            match candidates
                .iter()
                .position(|c| c.len() == granted.len() && c.iter().all(|s| granted.contains(&s)))
            {
                Some(exact) => candidates[exact].clone(),
                None => candidates.into_iter().next().unwrap_or_default(),
            }
        }
        Some(Err(e)) => {
            sink.push(
                "iam-bedrock",
                id,
                format!("the model map's grants cannot be built: {e}"),
                "fix the model map the service was given (Service::bedrock_models)",
            );
            return;
        }
        None => Vec::new(),
    };
    // Equal as written is equal as deployed; only a difference is worth resolving.
    if granted.len() == expected.len() && expected.iter().all(|e| granted.contains(&e)) {
        return;
    }
    let scope = sink.scope();
    let differences = differences(&scope, &granted, &expected);
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
