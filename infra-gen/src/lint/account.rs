//! `iam-account`: the account side's roles (GitHub's deploy and drift roles, CloudFormation's
//! execution roles) hold exactly what the other stacks derive, and nothing wider unconsented:
//!
//! * each role equals what [`crate::builders::Bootstrap`] derives from the app's other stacks
//!   now (their kinds' deploy declarations), so a grant edited in by hand, or a stack changed
//!   after the bootstrap stack was built, is a finding;
//! * GitHub trust names exact subjects (no `*` or `?`, no empty environment or branch);
//! * each action on a resource type it accepts (AWS's data; a star-only action only on `"*"`);
//! * `"*"` only for actions that accept nothing else, and `"*"` or an ARN pattern only in a
//!   statement with a [`Widening`](crate::model::iam::account::Widening) saying why; a
//!   widening no statement needs is stale.

use std::borrow::Cow;

use super::Sink;
use crate::builders::bootstrap::Fits;
use crate::builders::{App, Stack};
use crate::model::iam::account::{AccountRole, GithubSubject, Trust};
use crate::model::iam::{Action, Statement};
use crate::model::{Expr, Properties};

pub(super) fn check(app: &App, stack: &Stack, sink: &mut Sink<'_>) {
    if !stack
        .template
        .resources
        .iter()
        .any(|r| matches!(r.properties, Properties::AccountRole(_)))
    {
        return;
    }
    // Roles equal to their derivation fit by construction (the builder keeps each action to
    // the ARNs AWS's data says it accepts and writes a widening for each `*` and pattern), so
    // only the others are judged statement by statement.
    let derived = derived(app, stack, sink);
    let want = derived.as_deref().map(account_roles).unwrap_or_default();
    let mut fits = Fits::default();
    for r in &stack.template.resources {
        if let Properties::AccountRole(role) = &r.properties {
            let id = r.id.as_str();
            trust(role, id, sink);
            if want
                .iter()
                .any(|&(w, derived)| w == id && same_role(derived, role))
            {
                continue;
            }
            for s in role.policies.iter().flat_map(|p| &p.statements) {
                statement(role, s, id, &mut fits, sink);
            }
            for w in &role.widenings {
                let needed = role
                    .policies
                    .iter()
                    .flat_map(|p| &p.statements)
                    .filter(|s| s.sid == w.sid())
                    .any(|s| s.resources.iter().any(|e| text(e).contains(['*', '?'])));
                if !needed {
                    sink.push(
                        "iam-account",
                        id,
                        format!(
                            "widening of statement {} is stale: no such statement grants on \"*\" or a pattern",
                            w.sid()
                        ),
                        "remove the widening",
                    );
                }
            }
        }
    }
}

/// The text IAM sees, with the pseudo parameters left as `${…}`.
fn text(e: &Expr) -> &str {
    match e {
        Expr::Literal(s) | Expr::Sub(s) => s,
        _ => "",
    }
}

fn trust(role: &AccountRole, id: &str, sink: &mut Sink<'_>) {
    let Trust::Github { subjects, .. } = &role.trust else {
        return;
    };
    if subjects.is_empty() {
        sink.push(
            "iam-account",
            id,
            format!("role {} trusts GitHub without naming a subject: IAM would refuse, or a condition-less trust would admit every repository", role.name.as_str()),
            "name the repository's environment or branch (GithubSubject)",
        );
    }
    for s in subjects {
        let (GithubSubject::Environment(_, part) | GithubSubject::Branch(_, part)) = s;
        if part.is_empty() || part.contains(['*', '?']) || part.contains(char::is_whitespace) {
            sink.push(
                "iam-account",
                id,
                format!(
                    "role {} trusts GitHub subject {}, which is not one environment or branch",
                    role.name.as_str(),
                    s.claim()
                ),
                "name exactly one GitHub environment or branch, without wildcards",
            );
        }
    }
}

fn statement(role: &AccountRole, s: &Statement, id: &str, fits: &mut Fits, sink: &mut Sink<'_>) {
    if s.actions.is_empty() || s.resources.is_empty() {
        sink.push(
            "iam-account",
            id,
            format!(
                "statement {} names no action or no resource: IAM refuses the policy",
                s.sid
            ),
            "give the statement its actions and resources, or remove it",
        );
    }
    let widened = role.widenings.iter().any(|w| w.sid() == s.sid);
    for resource in &s.resources {
        let arn = text(resource);
        if arn.is_empty() {
            sink.push(
                "iam-account",
                id,
                format!(
                    "statement {} names a resource that is not an ARN text",
                    s.sid
                ),
                "write each resource as an ARN (Fn::Sub with the partition and account)",
            );
            continue;
        }
        if arn == "*" {
            let broad: Vec<&str> = s
                .actions
                .iter()
                .filter(|a| !a.star_only())
                .map(Action::as_str)
                .collect();
            if !broad.is_empty() {
                sink.push(
                    "iam-account",
                    id,
                    format!(
                        "statement {} grants {} on every resource (*)",
                        s.sid,
                        broad.join(", ")
                    ),
                    "grant these on the ARNs they act on",
                );
            }
        } else {
            let misfits: Vec<&str> = s
                .actions
                .iter()
                .filter(|a| a.star_only() || !fits.fits(a.as_str(), arn))
                .map(Action::as_str)
                .collect();
            if !misfits.is_empty() {
                sink.push(
                    "iam-account",
                    id,
                    format!(
                        "statement {} grants {} on {arn}, which is not a resource type they accept (AWS's data)",
                        s.sid,
                        misfits.join(", ")
                    ),
                    "put each action on the resources it acts on (a star-only action on \"*\")",
                );
            }
        }
        if arn.contains(['*', '?']) && !widened {
            sink.push(
                "iam-account",
                id,
                format!(
                    "statement {} grants on {arn} without a widening saying why",
                    s.sid
                ),
                "give the role a Widening for the statement with its reason, or name exact ARNs",
            );
        }
    }
}

/// The account roles of `stack` by logical ID.
fn account_roles(stack: &Stack) -> Vec<(&str, &AccountRole)> {
    stack
        .template
        .resources
        .iter()
        .filter_map(|r| match &r.properties {
            Properties::AccountRole(role) => Some((r.id.as_str(), role)),
            _ => None,
        })
        .collect()
}

/// Equal roles; a role compared with itself (the bootstrap stack as built, its own
/// derivation) is equal without walking its statements.
fn same_role(a: &AccountRole, b: &AccountRole) -> bool {
    std::ptr::eq(a, b) || a == b
}

/// The account roles of the bootstrap stack against what the other stacks derive now; the
/// derived stack (none for another stack, or when it cannot be derived).
fn derived<'a>(app: &'a App, stack: &Stack, sink: &mut Sink<'_>) -> Option<Cow<'a, Stack>> {
    if app.account().is_none_or(|side| side.stack != stack.name) {
        return None;
    }
    let (_, derived) = app.derived_bootstrap()?;
    let derived = match derived {
        Ok(d) => d,
        Err(e) => {
            for f in e.into_findings() {
                sink.push(
                    "iam-account",
                    &f.resource,
                    format!(
                        "the account side cannot be derived from {}: {}",
                        f.stack, f.message
                    ),
                    f.fix,
                );
            }
            return None;
        }
    };
    let want = account_roles(&derived);
    let have = account_roles(stack);
    for &(id, role) in &have {
        match want.iter().find(|(w, _)| *w == id) {
            None => sink.push(
                "iam-account",
                id,
                format!(
                    "role {} is not one the stacks derive (no stack or environment needs it)",
                    role.name.as_str()
                ),
                "derive the account side again (App::rebuild_account); never add account roles by hand",
            ),
            Some(&(_, w)) if !same_role(w, role) => sink.push(
                "iam-account",
                id,
                format!(
                    "role {} differs from what the stacks' deploy declarations derive ({})",
                    role.name.as_str(),
                    difference(w, role)
                ),
                "derive the account side again (App::rebuild_account) after changing the stacks; grant what a kind needs in its deploy declaration (model/access.rs), not on the role",
            ),
            Some(_) => {}
        }
    }
    for &(id, role) in &want {
        if !have.iter().any(|(h, _)| *h == id) {
            sink.push(
                "iam-account",
                id,
                format!(
                    "role {} that the stacks need is missing",
                    role.name.as_str()
                ),
                "derive the account side again (App::rebuild_account)",
            );
        }
    }
    Some(derived)
}

/// The first way `have` departs from `want`, in words.
fn difference(want: &AccountRole, have: &AccountRole) -> String {
    if want.trust != have.trust {
        return "its trust".into();
    }
    let statements = |r: &AccountRole| -> Vec<Statement> {
        r.policies
            .iter()
            .flat_map(|p| p.statements.clone())
            .collect()
    };
    let (w, h) = (statements(want), statements(have));
    for s in &h {
        match w.iter().find(|x| x.sid == s.sid) {
            None => return format!("statement {} is extra", s.sid),
            Some(x) if x != s => {
                return format!(
                    "statement {} grants other actions, resources or conditions",
                    s.sid
                );
            }
            Some(_) => {}
        }
    }
    if let Some(s) = w.iter().find(|x| !h.iter().any(|s| s.sid == x.sid)) {
        return format!("statement {} is missing", s.sid);
    }
    "its description, policy names or widenings".into()
}
