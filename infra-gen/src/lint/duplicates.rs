//! Lint `duplicate`: names a function, a template, a policy, a region or the app holds once.
//! The rendered template is JSON objects, so a second entry under one name would silently
//! replace the first; the model keeps both (in lists), so this lint still sees them, also after
//! `App::stacks_mut()` edits. Each finding is on the later entry and names the earlier one.

use crate::Finding;
use crate::build::{App, Stack};
use crate::model::{Expr, Properties};

/// Where a name occurs: `stack › place`.
struct Seen<'a> {
    name: &'a str,
    stack: &'a Stack,
    place: String,
    /// Where the name must be unique beyond the list it is in: the region, for exports.
    scope: &'a str,
    /// For SAM-added resources, their type: SAM adds one `ServerlessDeploymentApplication`
    /// per template however many functions ask for it, so two equal implicit entries of one
    /// type are the same resource, not a collision.
    implicit: Option<&'static str>,
}

impl<'a> Seen<'a> {
    fn at(name: &'a str, stack: &'a Stack, place: impl Into<String>) -> Self {
        Self {
            name,
            stack,
            place: place.into(),
            scope: "",
            implicit: None,
        }
    }
}

/// What a name is, why it must be unique, and the fix.
struct Rule<'r> {
    what: &'r str,
    why: &'r str,
    fix: &'r str,
}

/// Reports every entry whose name an earlier entry of the same scope already holds.
fn report(seen: &[Seen<'_>], rule: &Rule<'_>, out: &mut Vec<Finding>) {
    for (i, later) in seen.iter().enumerate() {
        let earlier = seen[..i].iter().find(|e| {
            e.name == later.name
                && e.scope == later.scope
                && !(e.implicit.is_some() && e.implicit == later.implicit)
        });
        if let Some(earlier) = earlier {
            out.push(Finding {
                code: "duplicate",
                stack: later.stack.name.to_string(),
                resource: later.place.clone(),
                message: format!(
                    "{} {} is also at {} › {}: {}",
                    rule.what, later.name, earlier.stack.name, earlier.place, rule.why
                ),
                fix: rule.fix.to_owned(),
            });
        }
    }
}

pub(super) fn check(app: &App, out: &mut Vec<Finding>) {
    for stack in app.stacks() {
        check_stack(stack, out);
    }
    // Whatever the regions: infra-gen keys a stack's files and samconfig entry by its name.
    let stacks: Vec<Seen<'_>> = app
        .stacks()
        .iter()
        .map(|s| {
            Seen::at(
                s.name.as_str(),
                s,
                format!("stack in {}", s.environment.region()),
            )
        })
        .collect();
    report(
        &stacks,
        &Rule {
            what: "stack name",
            why: "CloudFormation holds one stack per name in an account and region, and generated/<stack>.yaml and samconfig.toml's config-env one per name in the app",
            fix: "give each stack its own name (builders name stacks <service>-<environment>-<role>: two environments or services of one name collide)",
        },
        out,
    );
    // Export names are unique per account and region; the app is taken as one account.
    let mut exports = Vec::new();
    for s in app.stacks() {
        for o in &s.template.outputs {
            if let Some(name) = &o.export {
                let mut seen = Seen::at(name, s, format!("Outputs.{}", o.id));
                seen.scope = s.environment.region();
                exports.push(seen);
            }
        }
    }
    report(
        &exports,
        &Rule {
            what: "export name",
            why: "CloudFormation refuses a second export of a name in one account and region",
            fix: "rename one export (builders prefix them with the stack name: <stack>-<output>)",
        },
        out,
    );
}

fn check_stack(stack: &Stack, out: &mut Vec<Finding>) {
    let t = &stack.template;
    // Parameters and resources share one namespace (`Ref` reads both); outputs have their
    // own, so an output may share its resource's name (`FunctionUrl`).
    let mut ids: Vec<Seen<'_>> = t
        .parameters
        .iter()
        .map(|p| Seen::at(p.id.as_str(), stack, format!("Parameters.{}", p.id)))
        .collect();
    ids.extend(
        t.resources
            .iter()
            .map(|r| Seen::at(r.id.as_str(), stack, r.id.as_str())),
    );
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
    for (r, i) in &implicit {
        ids.push(Seen {
            implicit: Some(i.type_name),
            ..Seen::at(
                &i.id,
                stack,
                format!("{} ({}, added by SAM for {})", i.id, i.type_name, r.id),
            )
        });
    }
    report(
        &ids,
        &Rule {
            what: "logical ID",
            why: "a template holds one parameter or resource per logical ID (SAM's resources included): the later would replace the earlier",
            fix: "give each parameter and resource its own logical ID (SAM adds <Function>Url, <Function>Alias<alias>, <Function>DeploymentGroup, ServerlessDeploymentApplication and CodeDeployServiceRole)",
        },
        out,
    );
    let outputs: Vec<Seen<'_>> = t
        .outputs
        .iter()
        .map(|o| Seen::at(o.id.as_str(), stack, format!("Outputs.{}", o.id)))
        .collect();
    report(
        &outputs,
        &Rule {
            what: "output",
            why: "a template holds one output per logical ID: the later would replace the earlier",
            fix: "give each output its own logical ID",
        },
        out,
    );
    for r in &t.resources {
        for e in r.properties.exprs() {
            e.walk(&mut |x| {
                if let Expr::SubWith(template, vars) = x {
                    let names: Vec<Seen<'_>> = vars
                        .iter()
                        .map(|(name, _)| Seen::at(name, stack, r.id.as_str()))
                        .collect();
                    report(
                        &names,
                        &Rule {
                            what: &format!("variable of !Sub {template:?}"),
                            why: "Fn::Sub's variable map keeps one value per name: the later would silently replace the earlier",
                            fix: "bind each variable once",
                        },
                        out,
                    );
                }
            });
        }
        match &r.properties {
            Properties::Function(f) => {
                // Lambda's variable names are case-sensitive: `A` and `a` are two variables.
                let vars: Vec<Seen<'_>> = f
                    .environment
                    .iter()
                    .map(|v| Seen::at(v.name.as_str(), stack, r.id.as_str()))
                    .collect();
                report(
                    &vars,
                    &Rule {
                        what: "environment variable",
                        why: "the function's Variables map keeps one value per name: the later would silently replace the earlier",
                        fix: "set each environment variable once (a secret's ARN variable counts too)",
                    },
                    out,
                );
            }
            Properties::Role(role) => {
                let policies: Vec<Seen<'_>> = role
                    .policies
                    .iter()
                    .map(|p| Seen::at(&p.name, stack, r.id.as_str()))
                    .collect();
                report(
                    &policies,
                    &Rule {
                        what: "inline policy",
                        why: "a role holds one inline policy per name: the later would replace the earlier",
                        fix: "give each inline policy of the role its own name, or merge them",
                    },
                    out,
                );
                for p in &role.policies {
                    let sids: Vec<Seen<'_>> = p
                        .statements
                        .iter()
                        .map(|s| Seen::at(&s.sid, stack, r.id.as_str()))
                        .collect();
                    report(
                        &sids,
                        &Rule {
                            what: &format!("statement ID (Sid) of policy {}", p.name),
                            why: "IAM requires statement IDs unique within a policy and refuses the role",
                            fix: "give each statement of the policy its own Sid, or merge the two statements",
                        },
                        out,
                    );
                    for st in &p.statements {
                        // One block per operator, one entry per key in it: a second condition
                        // on a key under the same operator would replace the first.
                        let mut operators = Vec::new();
                        for c in &st.conditions {
                            if !operators.contains(&c.operator) {
                                operators.push(c.operator);
                            }
                        }
                        for operator in operators {
                            let keys: Vec<Seen<'_>> = st
                                .conditions
                                .iter()
                                .filter(|c| c.operator == operator)
                                .map(|c| Seen::at(&c.key, stack, r.id.as_str()))
                                .collect();
                            report(
                                &keys,
                                &Rule {
                                    what: &format!(
                                        "condition key under {} in statement {}",
                                        operator.name(),
                                        st.sid
                                    ),
                                    why: "a condition block holds one entry per key: the later would silently replace the earlier",
                                    fix: "write one condition per key and operator with all its values (IAM ORs them)",
                                },
                                out,
                            );
                        }
                    }
                }
            }
            Properties::Alarm(alarm) => {
                let dimensions: Vec<Seen<'_>> = alarm
                    .dimensions
                    .iter()
                    .map(|(name, _)| Seen::at(name, stack, r.id.as_str()))
                    .collect();
                report(
                    &dimensions,
                    &Rule {
                        what: "dimension",
                        why: "a metric has one value per dimension name, and CloudWatch refuses the alarm",
                        fix: "give each dimension its own name",
                    },
                    out,
                );
            }
            _ => {}
        }
    }
}
