//! Each resource type's deploy declaration (`model::access`) against its CloudFormation
//! provider schema's `handlers.{create,update,delete,read}.permissions`: no handler action
//! unaccounted for, no operation missed, nothing beyond the handlers without a reason, and
//! every action one AWS defines.

use std::collections::BTreeSet;
use std::path::Path;

use infra_gen::model::access::{DECLARED, OPS, TypeAccess};
use infra_gen::model::iam::Action;
use serde_json::Value;

mod common;

fn schema(type_name: &str) -> Value {
    let file = format!("{}.json", type_name.to_ascii_lowercase().replace("::", "-"));
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../schemas/cloudformation")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{type_name}: no schema at {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{type_name}: {e}"))
}

/// The actions a handler (`create`, …) of the schema lists.
fn handler(schema: &Value, op: &str) -> BTreeSet<String> {
    schema["handlers"][op]["permissions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a.as_str().map(str::to_owned))
        .collect()
}

/// Every way `access` departs from its schema, in words.
fn departures(access: &TypeAccess) -> Vec<String> {
    let schema = schema(access.type_name);
    let mut out = Vec::new();
    let listed: BTreeSet<String> = OPS
        .iter()
        .flat_map(|(_, op)| handler(&schema, op))
        .collect();
    let called = |a: &str| access.calls.iter().any(|(c, _)| *c == a);
    let named = |list: &[(&str, &str)], a: &str| list.iter().any(|(x, _)| *x == a);
    for action in &listed {
        let ways = [
            called(action),
            named(access.elsewhere, action),
            named(access.unused, action),
        ];
        match ways.iter().filter(|w| **w).count() {
            0 => out.push(format!("misses {action}, which its handlers call")),
            1 => {}
            _ => out.push(format!("declares {action} more than one way")),
        }
    }
    for (action, ops) in access.calls {
        if Action::new(action).is_err() {
            out.push(format!(
                "calls {action}, which AWS's IAM data does not define"
            ));
        }
        let beyond = named(access.beyond_schema, action);
        for (bit, op) in OPS {
            let in_handler = handler(&schema, op).contains(*action);
            if in_handler && ops & bit == 0 {
                out.push(format!(
                    "misses {action} on {op}, which its {op} handler calls"
                ));
            }
            if !in_handler && ops & bit != 0 && !beyond {
                out.push(format!(
                    "grants {action} on {op}, which its {op} handler does not call (say why in beyond_schema)"
                ));
            }
        }
    }
    for (action, why) in access.elsewhere.iter().chain(access.unused) {
        if !listed.contains(*action) {
            out.push(format!(
                "accounts for {action}, which no handler calls: remove it"
            ));
        }
        if why.split_whitespace().count() < 4 {
            out.push(format!("gives no reason for {action}"));
        }
    }
    for (action, why) in access.beyond_schema {
        if listed.contains(*action) {
            out.push(format!(
                "says {action} is beyond the schema, which lists it"
            ));
        }
        if Action::new(action).is_err() {
            out.push(format!(
                "names {action}, which AWS's IAM data does not define"
            ));
        }
        if why.split_whitespace().count() < 4 {
            out.push(format!("gives no reason for {action}"));
        }
    }
    out
}

#[test]
fn every_declaration_accounts_for_exactly_its_schemas_handler_permissions() {
    let failures: Vec<String> = DECLARED
        .iter()
        .flat_map(|a| {
            departures(a)
                .into_iter()
                .map(move |d| format!("{}: {d}", a.type_name))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_modelled_kind_and_every_resource_sam_adds_has_a_declaration() {
    let declared: BTreeSet<&str> = DECLARED.iter().map(|a| a.type_name).collect();
    for (type_name, _) in infra_gen::model::modelled() {
        let deployed_as = type_name.replace("AWS::Serverless::Function", "AWS::Lambda::Function");
        assert!(
            declared.contains(deployed_as.as_str()),
            "{type_name} has no deploy declaration"
        );
    }
    let app = common::valid_app();
    for stack in app.stacks() {
        for r in &stack.template.resources {
            let implicit: BTreeSet<&str> = r
                .properties
                .implicit(&r.id)
                .iter()
                .map(|i| i.type_name)
                .collect();
            let deployed: BTreeSet<&str> = r
                .properties
                .deploy(&r.id, &stack.name)
                .iter()
                .map(|d| d.access.type_name)
                .collect();
            for t in implicit {
                assert!(
                    deployed.contains(t),
                    "{} › {}: SAM adds a {t}, which its deploy declaration leaves out",
                    stack.name,
                    r.id
                );
            }
        }
    }
}

#[test]
fn the_actions_a_resource_uses_elsewhere_are_those_its_declaration_names() {
    let app = common::valid_app();
    for stack in app.stacks() {
        for r in &stack.template.resources {
            for d in r.properties.deploy(&r.id, &stack.name) {
                for u in &d.uses {
                    for action in u.actions {
                        let named = d
                            .access
                            .elsewhere
                            .iter()
                            .chain(d.access.beyond_schema)
                            .any(|(a, _)| a == action);
                        assert!(
                            named,
                            "{} › {}: {} uses {action}, which its declaration does not name",
                            stack.name, r.id, d.access.type_name
                        );
                    }
                }
            }
        }
    }
}
