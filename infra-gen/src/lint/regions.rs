//! Lint `region`: the account and region are part of every name. Exports resolve only in their
//! own region, CloudWatch alarm actions must be in the alarm's region, and two resources with
//! the same physical name in one account and region are the same resource to AWS (the second
//! stack fails to create it). The app is taken to be one account: `Environment` names no
//! account, so stacks that may share one are judged as if they do.

use crate::Finding;
use crate::build::{App, Stack};
use crate::model::{Expr, Output, Properties};

pub(super) fn check(app: &App, out: &mut Vec<Finding>) {
    for stack in app.stacks() {
        check_imports(app, stack, out);
        check_alarm_actions(app, stack, out);
    }
    check_physical_names(app, out);
}

/// The stack of `region` that exports `name`, and its output: `Fn::ImportValue` looks only there.
pub(super) fn exporter<'a>(
    app: &'a App,
    region: &str,
    name: &str,
) -> Option<(usize, &'a Stack, &'a Output)> {
    app.stacks()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.environment.region() == region)
        .find_map(|(i, s)| {
            s.template
                .outputs
                .iter()
                .find(|o| o.export.as_deref() == Some(name))
                .map(|o| (i, s, o))
        })
}

fn check_imports(app: &App, stack: &Stack, out: &mut Vec<Finding>) {
    let region = stack.environment.region();
    for r in &stack.template.resources {
        for e in r.properties.exprs() {
            e.walk(&mut |x| {
                let Expr::ImportValue(inner) = x else { return };
                let Some(name) = inner.as_literal() else {
                    return;
                };
                if exporter(app, region, name).is_some() {
                    return;
                }
                let elsewhere = app.stacks().iter().find(|s| {
                    s.environment.region() != region
                        && s.template
                            .outputs
                            .iter()
                            .any(|o| o.export.as_deref() == Some(name))
                });
                if let Some(s) = elsewhere {
                    out.push(Finding {
                        code: "region",
                        stack: stack.name.to_string(),
                        resource: r.id.to_string(),
                        message: format!(
                            "imports {name}, exported by {} in {}, into a stack in {region}: exports resolve only in their own region",
                            s.name,
                            s.environment.region()
                        ),
                        fix: format!(
                            "deploy {} (or a copy of it) in {region}, or move this stack to {}",
                            s.name,
                            s.environment.region()
                        ),
                    });
                }
            });
        }
    }
}

fn check_alarm_actions(app: &App, stack: &Stack, out: &mut Vec<Finding>) {
    let region = stack.environment.region();
    for r in &stack.template.resources {
        let Properties::Alarm(alarm) = &r.properties else {
            continue;
        };
        for action in &alarm.actions {
            let found = region_of(app, stack, action, 0);
            let message = match &found {
                Some(other) if other != region => format!(
                    "alarm action {} is in {other}, but the alarm is in {region}: CloudWatch only notifies targets in the alarm's region",
                    shown(action)
                ),
                Some(_) => continue,
                None => format!(
                    "the region of alarm action {} cannot be worked out from the definition; CloudWatch only notifies targets in the alarm's region ({region})",
                    shown(action)
                ),
            };
            out.push(Finding {
                code: "region",
                stack: stack.name.to_string(),
                resource: r.id.to_string(),
                message,
                fix: format!(
                    "notify a topic in {region}: its ARN written with ${{AWS::Region}} or {region}, a resource of this stack, or an export of a stack in {region}"
                ),
            });
        }
    }
}

fn shown(e: &Expr) -> String {
    serde_json::to_string(e).unwrap_or_default()
}

/// The region of the ARN `e` evaluates to in `stack`, or `None` when the definition does not
/// say (a parameter, an ARN without a region, a placeholder left open).
fn region_of(app: &App, stack: &Stack, e: &Expr, depth: u8) -> Option<String> {
    let region = stack.environment.region();
    match e {
        // A literal is not substituted: `${AWS::Region}` in it stays those characters.
        Expr::Literal(arn) => arn_region(arn, None, &[]),
        // `!Sub "${Topic}"` or `"${Topic.Arn}"`: a resource of this stack.
        Expr::Sub(t)
            if t.strip_prefix("${")
                .and_then(|rest| rest.strip_suffix('}'))
                .map(|name| name.split_once('.').map_or(name, |(id, _)| id))
                .is_some_and(|id| stack.template.resource(id).is_some()) =>
        {
            Some(region.to_owned())
        }
        Expr::Sub(arn) => arn_region(arn, Some(region), &[]),
        Expr::SubWith(t, vars) => match vars.as_slice() {
            // `!Sub ["${Topic}", {Topic: …}]` is the variable's own value.
            [(name, value)] if *t == format!("${{{name}}}") => {
                region_of(app, stack, value, depth + 1)
            }
            _ => {
                let literals: Vec<(&str, &str)> = vars
                    .iter()
                    .filter_map(|(n, v)| Some((n.as_str(), v.as_literal()?)))
                    .collect();
                arn_region(t, Some(region), &literals)
            }
        },
        // A resource of this stack lives in this stack's region.
        Expr::Ref(id) | Expr::GetAtt(id, _) if stack.template.resource(id).is_some() => {
            Some(region.to_owned())
        }
        Expr::ImportValue(name) if depth < 4 => {
            let (_, exporter, output) = exporter(app, region, name.as_literal()?)?;
            region_of(app, exporter, &output.value, depth + 1)
        }
        _ => None,
    }
}

/// The region field of the ARN `text`: a `Fn::Sub` template, with `${AWS::Region}` read as
/// `sub_region` and the literal `vars` filled in, or a literal (`sub_region` `None`); `None`
/// when it is not an ARN or its region is still a placeholder.
fn arn_region(text: &str, sub_region: Option<&str>, vars: &[(&str, &str)]) -> Option<String> {
    let mut resolved = match sub_region {
        Some(region) => text.replace("${AWS::Region}", region),
        None => text.to_owned(),
    };
    for (name, value) in vars {
        resolved = resolved.replace(&format!("${{{name}}}"), value);
    }
    // Other placeholders (`${AWS::Partition}`, a parameter, …) are unknown here, and may
    // hold a `:` themselves, so each becomes one opaque mark before the fields are split.
    const OPEN: char = '\u{0}';
    let mut marked = String::with_capacity(resolved.len());
    let mut rest = resolved.as_str();
    while let Some(start) = rest.find("${") {
        marked.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            rest = &rest[start..];
            break;
        };
        marked.push(OPEN);
        rest = &rest[start + end + 1..];
    }
    marked.push_str(rest);
    let mut fields = marked.splitn(6, ':');
    if fields.next() != Some("arn") {
        return None;
    }
    let field = fields.nth(2)?;
    if field.is_empty() || field.contains(OPEN) || field.contains("${") {
        return None;
    }
    Some(field.to_owned())
}

/// The name AWS knows a resource by, in its account and region.
fn physical_name(p: &Properties) -> Option<(&'static str, &str)> {
    Some(match p {
        Properties::Function(f) => ("function name", f.function_name.as_str()),
        Properties::LogGroup(g) => ("log group name", &g.name),
        Properties::Secret(s) => ("secret name", &s.name),
        Properties::EcrRepository(r) => ("ECR repository name", r.name.as_str()),
        Properties::Alarm(a) => ("alarm name", &a.name),
        Properties::Role(_) => return None,
    })
}

fn check_physical_names(app: &App, out: &mut Vec<Finding>) {
    let mut seen: Vec<(&str, &str, &str, &Stack, &str)> = Vec::new();
    for stack in app.stacks() {
        let region = stack.environment.region();
        for r in &stack.template.resources {
            let Some((what, name)) = physical_name(&r.properties) else {
                continue;
            };
            if let Some((.., first, first_id)) = seen
                .iter()
                .find(|(w, n, reg, ..)| *w == what && *n == name && *reg == region)
            {
                out.push(Finding {
                    code: "region",
                    stack: stack.name.to_string(),
                    resource: r.id.to_string(),
                    message: format!(
                        "{what} {name} is also used by {} › {first_id} in the same account and region ({region}): AWS holds one resource under a name",
                        first.name
                    ),
                    fix: "name the resource after its environment and stack (the builders do: <service>-<environment>), or deploy the two to different regions".into(),
                });
            }
            seen.push((what, name, region, stack, r.id.as_str()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_regions_are_read_with_the_stacks_region_filled_in() {
        let r = |s: &str| arn_region(s, Some("us-west-2"), &[]);
        let at = |s: &str| Some(s.to_owned());
        assert_eq!(r("arn:aws:sns:eu-west-1:123456789012:ops"), at("eu-west-1"));
        assert_eq!(
            r("arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:ops"),
            at("us-west-2")
        );
        assert_eq!(r("arn:aws:sns:${Region}:1:ops"), None);
        assert_eq!(r("arn:aws:iam::123456789012:role/x"), None);
        assert_eq!(r("ops-topic"), None);
        // Only Fn::Sub substitutes: in a literal the placeholder is text.
        assert_eq!(
            arn_region("arn:aws:sns:${AWS::Region}:1:ops", None, &[]),
            None
        );
        assert_eq!(
            arn_region(
                "arn:aws:sns:${R}:1:ops",
                Some("us-west-2"),
                &[("R", "ap-south-1")]
            ),
            at("ap-south-1")
        );
    }
}
