//! Lint `duplicate`: names a template, a policy or an account+region holds once. The rendered
//! template is a JSON object, so a second entry under one name would silently replace the
//! first (the model keeps both, in lists, so this lint still sees them). Each finding is
//! reported on the later entry and names the earlier one.

use crate::Finding;
use crate::build::{App, Stack};
use crate::model::Properties;

/// Where a name occurs: `stack › place`.
struct Seen<'a> {
    name: &'a str,
    stack: &'a Stack,
    place: String,
    /// For SAM-added resources, their type: SAM adds one `ServerlessDeploymentApplication`
    /// per template however many functions ask for it, so two equal implicit entries of one
    /// type are the same resource, not a collision.
    implicit: Option<&'static str>,
}

fn finding(later: &Seen<'_>, earlier: &Seen<'_>, what: &str, fix: &str) -> Finding {
    Finding {
        code: "duplicate",
        stack: later.stack.name.to_string(),
        resource: later.place.clone(),
        message: format!(
            "{what} {} is also at {} › {}: the later one would silently replace the earlier",
            later.name, earlier.stack.name, earlier.place
        ),
        fix: fix.to_owned(),
    }
}

/// Reports every entry whose name an earlier entry already holds.
fn report(seen: &[Seen<'_>], what: &str, fix: &str, out: &mut Vec<Finding>) {
    for (i, later) in seen.iter().enumerate() {
        let earlier = seen[..i].iter().find(|e| {
            e.name == later.name && !(e.implicit.is_some() && e.implicit == later.implicit)
        });
        if let Some(earlier) = earlier {
            out.push(finding(later, earlier, what, fix));
        }
    }
}

pub(super) fn check(app: &App, out: &mut Vec<Finding>) {
    for stack in app.stacks() {
        check_stack(stack, out);
    }
    // One file in generated/ and one samconfig entry per stack name, whatever the region;
    // within a region the name is also CloudFormation's key for the stack.
    let stacks: Vec<Seen<'_>> = app
        .stacks()
        .iter()
        .map(|s| Seen {
            name: s.name.as_str(),
            stack: s,
            place: format!("stack in {}", s.environment.region()),
            implicit: None,
        })
        .collect();
    report(
        &stacks,
        "stack name",
        "give each stack its own name (the environment is part of it)",
        out,
    );
    // Export names are unique per account and region (the app is one account).
    let mut exports = Vec::new();
    for s in app.stacks() {
        for o in &s.template.outputs {
            if let Some(name) = &o.export {
                exports.push((
                    s.environment.region(),
                    Seen {
                        name,
                        stack: s,
                        place: format!("Outputs.{}", o.id),
                        implicit: None,
                    },
                ));
            }
        }
    }
    for (i, (region, later)) in exports.iter().enumerate() {
        if let Some((_, earlier)) = exports[..i]
            .iter()
            .find(|(r, e)| r == region && e.name == later.name)
        {
            out.push(finding(
                later,
                earlier,
                &format!("export name (unique per region, here {region})"),
                "rename one export (stack names prefix them: `<stack>-<output>`)",
            ));
        }
    }
}

fn check_stack(stack: &Stack, out: &mut Vec<Finding>) {
    let t = &stack.template;
    // Parameters and resources share one namespace (`Ref` reads both); outputs have their
    // own, so an output may share its resource's name.
    let mut ids = Vec::new();
    for p in &t.parameters {
        ids.push(Seen {
            name: p.id.as_str(),
            stack,
            place: format!("Parameters.{}", p.id),
            implicit: None,
        });
    }
    let implicit: Vec<_> = t
        .resources
        .iter()
        .flat_map(|r| {
            r.properties
                .implicit(&r.id)
                .into_iter()
                .map(move |i| (r, i))
        })
        .collect();
    for r in &t.resources {
        ids.push(Seen {
            name: r.id.as_str(),
            stack,
            place: r.id.to_string(),
            implicit: None,
        });
    }
    for (r, i) in &implicit {
        ids.push(Seen {
            name: &i.id,
            stack,
            place: format!("{} ({}, added by SAM for {})", i.id, i.type_name, r.id),
            implicit: Some(i.type_name),
        });
    }
    report(
        &ids,
        "logical ID",
        "give each parameter and resource its own logical ID (SAM adds <Function>Url, <Function>Alias<alias>, <Function>DeploymentGroup, ServerlessDeploymentApplication and CodeDeployServiceRole)",
        out,
    );
    let outputs: Vec<Seen<'_>> = t
        .outputs
        .iter()
        .map(|o| Seen {
            name: o.id.as_str(),
            stack,
            place: format!("Outputs.{}", o.id),
            implicit: None,
        })
        .collect();
    report(
        &outputs,
        "output",
        "give each output its own logical ID",
        out,
    );
    for r in &t.resources {
        match &r.properties {
            Properties::Function(f) => {
                // Lambda's variable names are case-sensitive: `A` and `a` are two variables.
                let vars: Vec<Seen<'_>> = f
                    .environment
                    .iter()
                    .map(|v| Seen {
                        name: v.name.as_str(),
                        stack,
                        place: r.id.to_string(),
                        implicit: None,
                    })
                    .collect();
                report(
                    &vars,
                    "environment variable",
                    "set each environment variable once (a secret's ARN variable counts too)",
                    out,
                );
            }
            Properties::Role(role) => {
                let policies: Vec<Seen<'_>> = role
                    .policies
                    .iter()
                    .map(|p| Seen {
                        name: &p.name,
                        stack,
                        place: r.id.to_string(),
                        implicit: None,
                    })
                    .collect();
                report(
                    &policies,
                    "inline policy name",
                    "give each inline policy of the role its own name",
                    out,
                );
                for p in &role.policies {
                    // IAM requires statement IDs unique within one policy document.
                    let sids: Vec<Seen<'_>> = p
                        .statements
                        .iter()
                        .map(|s| Seen {
                            name: &s.sid,
                            stack,
                            place: r.id.to_string(),
                            implicit: None,
                        })
                        .collect();
                    report(
                        &sids,
                        &format!("statement ID (Sid) in policy {}:", p.name),
                        "give each statement of the policy its own Sid, or merge the two statements",
                        out,
                    );
                }
            }
            _ => {}
        }
    }
}
