//! `iam-wildcard`: no `*` resource unless every action is an API that only accepts `*`.

use super::Sink;
use crate::model::Expr;
use crate::model::iam::{Role, StarOnlyApi};

pub(super) fn check(role: &Role, id: &str, sink: &mut Sink<'_>) {
    for statement in role.policies.iter().flat_map(|p| &p.statements) {
        for resource in &statement.resources {
            let text = match resource {
                Expr::Literal(s) | Expr::Sub(s) | Expr::SubWith(s, _) => s.as_str(),
                _ => continue,
            };
            if text == "*" {
                let broad: Vec<&str> = statement
                    .actions
                    .iter()
                    .map(|a| a.as_str())
                    .filter(|a| !StarOnlyApi::ALL.iter().any(|api| api.action() == *a))
                    .collect();
                if !broad.is_empty() {
                    sink.push(
                        "iam-wildcard",
                        id,
                        format!("statement {} grants {} on every resource (*)", statement.sid, broad.join(", ")),
                        "name the resources (ARNs, Refs, GetAtts); only APIs that require * may use Statement::star_only",
                    );
                }
            } else if text.contains('*') {
                sink.push(
                    "iam-wildcard",
                    id,
                    format!(
                        "statement {} grants on the wildcard ARN {text}",
                        statement.sid
                    ),
                    "list each resource the function needs instead of a pattern",
                );
            }
        }
    }
}
