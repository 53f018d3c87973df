//! Lint `duplicate`: names a function, a template, a policy, a region or the app holds once.
//! The rendered template is JSON objects, so a second entry under one name would silently
//! replace the first; the model keeps both (in lists), so this lint still sees them, also after
//! `App::stacks_mut()` edits. Each finding is on the later entry and names the earlier one.
//! Nothing is formatted unless there is a finding: `check` runs this on every call.

use std::borrow::Cow;
use std::fmt;

use super::resolve;
use crate::Finding;
use crate::builders::{App, Stack};
use crate::model::raw::RawValue;
use crate::model::{Expr, Kind, Properties};

/// Where a name occurs inside its stack.
#[derive(Clone, Copy)]
enum Place<'a> {
    Resource(&'a str),
    Parameter(&'a str),
    Output(&'a str),
    /// A resource SAM adds: its ID, type and the resource it is added for.
    Sam(&'a str, &'static str, &'a str),
    /// The stack itself, in its region.
    Stack(&'a str),
}

impl fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Resource(id) => f.write_str(id),
            Self::Parameter(id) => write!(f, "Parameters.{id}"),
            Self::Output(id) => write!(f, "Outputs.{id}"),
            Self::Sam(id, type_name, of) => write!(f, "{id} ({type_name}, added by SAM for {of})"),
            Self::Stack(region) => write!(f, "stack in {region}"),
        }
    }
}

/// A name and where it occurs.
struct Seen<'a> {
    name: &'a str,
    stack: &'a Stack,
    place: Place<'a>,
    /// Where the name must be unique beyond the list it is in: the region, for exports.
    scope: &'a str,
    /// Whether AWS compares the name regardless of case (IAM's names).
    ignore_case: bool,
}

impl<'a> Seen<'a> {
    fn at(name: &'a str, stack: &'a Stack, place: Place<'a>) -> Self {
        Self {
            name,
            stack,
            place,
            scope: "",
            ignore_case: false,
        }
    }
}

/// Why a name must be unique, and the fix.
struct Rule<'r> {
    why: &'r str,
    fix: &'r str,
}

/// Reports every entry whose name an earlier entry of the same scope already holds; `what`
/// says what the name is.
fn report(seen: &[Seen<'_>], what: impl Fn() -> String, rule: &Rule<'_>, out: &mut Vec<Finding>) {
    for (i, later) in seen.iter().enumerate() {
        let earlier = seen[..i].iter().enumerate().find(|(_, e)| {
            (e.name == later.name || (later.ignore_case && e.name.eq_ignore_ascii_case(later.name)))
                && e.scope == later.scope
                // SAM adds one `ServerlessDeploymentApplication` (and role) per template
                // however many functions ask for it: the same resource, not a collision.
                && !matches!((e.place, later.place), (Place::Sam(_, a, _), Place::Sam(_, b, _)) if a == b)
        });
        if let Some((j, earlier)) = earlier {
            let place = later.place.to_string();
            // Two entries of one list in one place (two variables of a function, two stacks
            // of one name): their positions tell them apart.
            let positions =
                if earlier.stack.name == later.stack.name && earlier.place.to_string() == place {
                    format!(" (entries {} and {} of the list)", j + 1, i + 1)
                } else {
                    String::new()
                };
            out.push(Finding {
                code: "duplicate",
                stack: later.stack.name.to_string(),
                resource: place,
                message: format!(
                    "{} {} is also at {} › {}{positions}: {}",
                    what(),
                    later.name,
                    earlier.stack.name,
                    earlier.place,
                    rule.why
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
    // An app tag is on every stack: each is told.
    for ((earlier, later), stack) in app
        .retagged()
        .iter()
        .flat_map(|pair| app.stacks().iter().map(move |s| (pair, s)))
    {
        out.push(Finding {
            code: "duplicate",
            stack: stack.name.to_string(),
            resource: "Tags".into(),
            message: format!(
                "app tag {} is set twice, to {:?} and then {:?}: the later silently replaces the earlier on every stack",
                later.key(),
                earlier.value(),
                later.value()
            ),
            fix: "tag the app with each key once; to differ for one stack, tag its service or registry".into(),
        });
    }
    // Whatever the regions: infra-gen keys a stack's files and samconfig entry by its name.
    let stacks: Vec<Seen<'_>> = app
        .stacks()
        .iter()
        .map(|s| Seen::at(s.name.as_str(), s, Place::Stack(s.environment.region())))
        .collect();
    report(
        &stacks,
        || "stack name".into(),
        &Rule {
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
                let mut seen = Seen::at(name, s, Place::Output(o.id.as_str()));
                seen.scope = s.environment.region();
                exports.push(seen);
            }
        }
    }
    report(
        &exports,
        || "export name".into(),
        &Rule {
            why: "CloudFormation refuses a second export of a name in one account and region",
            fix: "rename one export (builders prefix them with the stack name: <stack>-<output>)",
        },
        out,
    );
}

/// Every inline policy a role of the stack gets, by role: its own, a raw role's `Policies`,
/// and raw `AWS::IAM::Policy`/`RolePolicy` resources naming it (IAM keeps one per name).
fn inline_policies(stack: &Stack, out: &mut Vec<Finding>) {
    // (role, policy name, where it is written)
    let mut found: Vec<(&str, Cow<'_, str>, &str)> = Vec::new();
    let scope = resolve::Scope::new(stack, None);
    let mut ids: Vec<&str> = Vec::new();
    // A policy may name its role by `Ref` or by the role's name: a raw role of the stack with
    // that `RoleName` (IAM compares names regardless of case) is the role it means.
    let role_named = |name: &str| {
        stack
            .template
            .resources
            .iter()
            .find_map(|r| match &r.properties {
                Properties::Raw(raw)
                    if raw.type_name() == "AWS::IAM::Role"
                        && raw
                            .properties()
                            .get("RoleName")
                            .and_then(RawValue::literal)
                            .is_some_and(|n| n.eq_ignore_ascii_case(name)) =>
                {
                    Some(r.id.as_str())
                }
                _ => None,
            })
    };
    for r in &stack.template.resources {
        let here = r.id.as_str();
        // A second resource of one logical ID is the logical-ID finding, not a policy's.
        if ids.contains(&here) {
            continue;
        }
        ids.push(here);
        match &r.properties {
            Properties::Role(role) => {
                found.extend(
                    role.policies
                        .iter()
                        .map(|p| (here, Cow::Borrowed(p.name.as_str()), here)),
                );
            }
            Properties::Raw(raw) => {
                let props = raw.properties();
                match raw.type_name() {
                    "AWS::IAM::Role" => {
                        for p in props
                            .get("Policies")
                            .map(RawValue::items)
                            .unwrap_or_default()
                        {
                            if let Some(n) =
                                p.get("PolicyName").and_then(|n| resolved_name(n, &scope))
                            {
                                found.push((here, n, here));
                            }
                        }
                    }
                    "AWS::IAM::Policy" | "AWS::IAM::RolePolicy" => {
                        let Some(name) = props
                            .get("PolicyName")
                            .and_then(|n| resolved_name(n, &scope))
                        else {
                            continue;
                        };
                        for role in ["Roles", "RoleName"]
                            .iter()
                            .filter_map(|k| props.get(k))
                            .flat_map(RawValue::items)
                        {
                            match role.expr() {
                                Some(Expr::Ref(id)) => found.push((id, name.clone(), here)),
                                // A role outside the stack is known by its name alone.
                                Some(Expr::Literal(role)) => {
                                    found.push((
                                        role_named(role).unwrap_or(role),
                                        name.clone(),
                                        here,
                                    ));
                                }
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let seen: Vec<Seen<'_>> = found
        .iter()
        .map(|(role, name, at)| Seen {
            scope: role,
            // IAM's names are unique regardless of case, its policies' too.
            ignore_case: true,
            ..Seen::at(name, stack, Place::Resource(at))
        })
        .collect();
    report(
        &seen,
        || "inline policy".into(),
        &Rule {
            why: "a role holds one inline policy per name (its own, a raw role's, a raw AWS::IAM::Policy's): the later would replace the earlier",
            fix: "give each inline policy of the role its own name, or merge them",
        },
        out,
    );
}

/// Lists of a raw resource's properties whose entries AWS keys by a name: the lists (several
/// when they share one namespace: a table's global and local secondary indexes), the entry's
/// name field, what the name is, and why it is held once.
const KEYED_LISTS: [(&[&str], &str, &str, &str); 9] = [
    (
        &["Tags"],
        "Key",
        "tag key",
        "a resource holds one value per tag key: the later would silently replace the earlier",
    ),
    (
        &["Dimensions"],
        "Name",
        "dimension",
        "a metric has one value per dimension name, and CloudWatch refuses the alarm",
    ),
    (
        &["AttributeDefinitions"],
        "AttributeName",
        "attribute definition",
        "DynamoDB defines each attribute once, with one type, and refuses the table",
    ),
    (
        &["GlobalSecondaryIndexes", "LocalSecondaryIndexes"],
        "IndexName",
        "index name",
        "a table's global and local secondary indexes share one namespace, and DynamoDB refuses two of one name",
    ),
    (
        &["Targets"],
        "Id",
        "target ID",
        "EventBridge keys a rule's targets by ID and refuses two of one ID",
    ),
    (
        &["Metrics"],
        "Id",
        "metric query ID",
        "CloudWatch refuses an alarm whose metric queries repeat an ID (expressions name them by it)",
    ),
    (
        &["Rules"],
        "Id",
        "rule ID",
        "S3 keys a bucket's lifecycle and replication rules by ID and refuses two of one ID",
    ),
    (
        &[
            "MetricsConfigurations",
            "InventoryConfigurations",
            "AnalyticsConfigurations",
            "IntelligentTieringConfigurations",
        ],
        "Id",
        "configuration ID",
        "S3 keys each kind of a bucket's configurations by ID: the later would replace the earlier",
    ),
    (
        &["ReplicaRegions"],
        "Region",
        "replica region",
        "Secrets Manager holds one replica of a secret per region and refuses two",
    ),
];

/// An S3 bucket's event notifications (to queues, topics and functions alike) may not overlap:
/// S3 refuses two whose event types overlap (`s3:ObjectCreated:*` covers
/// `s3:ObjectCreated:Put`) and whose key prefixes and suffixes overlap (one starts or ends
/// the other; none is the empty one, which every key has), as one event would be sent twice.
fn overlapping_notifications(stack: &Stack, out: &mut Vec<Finding>) {
    const KINDS: [&str; 3] = [
        "QueueConfigurations",
        "TopicConfigurations",
        "LambdaConfigurations",
    ];
    let covers = |a: &str, b: &str| a.strip_suffix('*').map_or(a == b, |p| b.starts_with(p));
    for r in &stack.template.resources {
        let Properties::Raw(raw) = &r.properties else {
            continue;
        };
        let Some(config) = raw.bucket_notifications() else {
            continue;
        };
        // (event, prefix, suffix, list, entry); a filter left open decides nothing.
        let mut seen: Vec<(&str, &str, &str, &str, usize)> = Vec::new();
        for kind in KINDS {
            for (n, c) in config
                .get(kind)
                .map(RawValue::items)
                .unwrap_or_default()
                .into_iter()
                .enumerate()
            {
                let Some(event) = c.get("Event").and_then(RawValue::literal) else {
                    continue;
                };
                let (mut prefix, mut suffix, mut open) = ("", "", false);
                for rule in at_rules(c) {
                    let name = rule
                        .get("Name")
                        .and_then(RawValue::literal)
                        .unwrap_or_default();
                    match rule.get("Value").and_then(RawValue::literal) {
                        Some(v) if name.eq_ignore_ascii_case("prefix") => prefix = v,
                        Some(v) if name.eq_ignore_ascii_case("suffix") => suffix = v,
                        _ => open = true,
                    }
                }
                if open {
                    continue;
                }
                if let Some((e, p, s, k, m)) = seen.iter().find(|(e, p, s, _, _)| {
                    (covers(e, event) || covers(event, e))
                        && (p.starts_with(prefix) || prefix.starts_with(p))
                        && (s.ends_with(suffix) || suffix.ends_with(s))
                }) {
                    out.push(Finding {
                        code: "duplicate",
                        stack: stack.name.to_string(),
                        resource: r.id.to_string(),
                        message: format!(
                            "NotificationConfiguration.{kind}[{n}] ({event}, prefix {prefix:?}, suffix {suffix:?}) overlaps NotificationConfiguration.{k}[{m}] ({e}, prefix {p:?}, suffix {s:?}): S3 refuses notifications whose event types and key filters overlap, as one event would be sent twice"
                        ),
                        fix: "send each event type once per key: give the two disjoint prefixes or suffixes, or merge them into one notification".into(),
                    });
                }
                seen.push((event, prefix, suffix, kind, n));
            }
        }
    }
}

/// The key filter rules of an S3 notification (`Filter.S3Key.Rules`).
fn at_rules(config: &RawValue) -> Vec<&RawValue> {
    config
        .get("Filter")
        .and_then(|f| f.get("S3Key"))
        .and_then(|k| k.get("Rules"))
        .map(RawValue::items)
        .unwrap_or_default()
}

fn check_stack(stack: &Stack, out: &mut Vec<Finding>) {
    inline_policies(stack, out);
    overlapping_notifications(stack, out);
    let t = &stack.template;
    // Parameters and resources share one namespace (`Ref` reads both); outputs have their
    // own, so an output may share its resource's name (`FunctionUrl`).
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
    let ids: Vec<Seen<'_>> =
        t.parameters
            .iter()
            .map(|p| Seen::at(p.id.as_str(), stack, Place::Parameter(p.id.as_str())))
            .chain(
                t.resources
                    .iter()
                    .map(|r| Seen::at(r.id.as_str(), stack, Place::Resource(r.id.as_str()))),
            )
            .chain(implicit.iter().map(|(r, i)| {
                Seen::at(&i.id, stack, Place::Sam(&i.id, i.type_name, r.id.as_str()))
            }))
            .collect();
    report(
        &ids,
        || "logical ID".into(),
        &Rule {
            why: "a template holds one parameter or resource per logical ID (SAM's resources included): the later would replace the earlier",
            fix: "give each parameter and resource its own logical ID (SAM adds <Function>Url, <Function>Alias<alias>, <Function>DeploymentGroup, ServerlessDeploymentApplication and CodeDeployServiceRole)",
        },
        out,
    );
    let outputs: Vec<Seen<'_>> = t
        .outputs
        .iter()
        .map(|o| Seen::at(o.id.as_str(), stack, Place::Output(o.id.as_str())))
        .collect();
    report(
        &outputs,
        || "output".into(),
        &Rule {
            why: "a template holds one output per logical ID: the later would replace the earlier",
            fix: "give each output its own logical ID",
        },
        out,
    );
    for r in &t.resources {
        let here = Place::Resource(r.id.as_str());
        for e in r.properties.exprs() {
            e.walk(&mut |x| {
                if let Expr::SubWith(template, vars) = x {
                    report(
                        &named(vars.iter().map(|(n, _)| n.as_str()), stack, here),
                        || format!("variable of !Sub {template:?}"),
                        &Rule {
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
                report(
                    // Lambda's variable names are case-sensitive: `A` and `a` are two variables.
                    &named(f.environment.iter().map(|v| v.name.as_str()), stack, here),
                    || "environment variable".into(),
                    &Rule {
                        why: "the function's Variables map keeps one value per name: the later would silently replace the earlier",
                        fix: "set each environment variable once (a secret's ARN variable counts too)",
                    },
                    out,
                );
                report(
                    &named(f.events.iter().map(|e| e.name.as_str()), stack, here),
                    || "event source".into(),
                    &Rule {
                        why: "SAM's Events map keeps one event source per name (and names what it adds <Function><name>): the later would silently replace the earlier",
                        fix: "give each schedule or trigger of the function its own name",
                    },
                    out,
                );
            }
            Properties::Role(role) => {
                for p in &role.policies {
                    report(
                        &named(p.statements.iter().map(|s| s.sid.as_str()), stack, here),
                        || format!("statement ID (Sid) of policy {}", p.name),
                        &Rule {
                            why: "IAM requires statement IDs unique within a policy and refuses the role",
                            fix: "give each statement of the policy its own Sid, or merge the two statements",
                        },
                        out,
                    );
                    for st in &p.statements {
                        // One block per operator, one entry per key in it: a second condition
                        // on a key under the same operator would replace the first. IAM's
                        // condition keys ignore case (`aws:SourceIp` is `AWS:SourceIP`), so
                        // keys differing only in case are one key twice.
                        for (k, c) in st.conditions.iter().enumerate() {
                            if st.conditions[..k].iter().any(|e| e.operator == c.operator) {
                                continue;
                            }
                            let keys: Vec<Seen<'_>> = st.conditions[k..]
                                .iter()
                                .filter(|e| e.operator == c.operator)
                                .map(|e| Seen {
                                    ignore_case: true,
                                    ..Seen::at(e.key.as_str(), stack, here)
                                })
                                .collect();
                            report(
                                &keys,
                                || {
                                    format!(
                                        "condition key under {} in statement {}",
                                        c.operator.name(),
                                        st.sid
                                    )
                                },
                                &Rule {
                                    why: "a condition block holds one entry per key, and IAM compares keys regardless of case: the later would silently replace or contradict the earlier",
                                    fix: "write one condition per key and operator with all its values (IAM ORs them)",
                                },
                                out,
                            );
                        }
                    }
                }
            }
            Properties::Raw(raw) => {
                // Each object of the properties (the root included), with the lists it holds.
                let mut objects = Vec::new();
                raw.properties().visit(&mut |_, value| {
                    if let RawValue::Object(_) = value {
                        objects.push(value);
                    }
                });
                // IAM keeps one tag per key regardless of case on its users and roles.
                let folds_tags = crate::model::tags::folds_key_case(raw.type_name());
                let scope = resolve::Scope::new(stack, None);
                for object in objects {
                    for (lists, field, what, why) in &KEYED_LISTS {
                        let names: Vec<Cow<'_, str>> = lists
                            .iter()
                            .filter_map(|l| object.get(l))
                            .flat_map(RawValue::items)
                            .filter_map(|item| item.get(field))
                            .filter_map(|name| resolved_name(name, &scope))
                            .collect();
                        let ignore_case = folds_tags && *what == "tag key";
                        let seen: Vec<Seen<'_>> = names
                            .iter()
                            .map(|n| Seen {
                                ignore_case,
                                ..Seen::at(n, stack, here)
                            })
                            .collect();
                        report(
                            &seen,
                            || (*what).into(),
                            &Rule {
                                why,
                                fix: "give each entry of the list its own name, or merge them",
                            },
                            out,
                        );
                    }
                }
            }
            Properties::Alarm(alarm) => report(
                &named(
                    alarm.dimensions.iter().map(|(n, _)| n.as_str()),
                    stack,
                    here,
                ),
                || "dimension".into(),
                &Rule {
                    why: "a metric has one value per dimension name, and CloudWatch refuses the alarm",
                    fix: "give each dimension its own name",
                },
                out,
            ),
            _ => {}
        }
    }
}

/// A name as CloudFormation makes it: literal, or an intrinsic resolved in the stack
/// (`region-${AWS::Region}` is `region-us-west-2`); one left open names nothing to compare.
fn resolved_name<'a>(value: &'a RawValue, scope: &resolve::Scope<'_>) -> Option<Cow<'a, str>> {
    match (value.literal(), value.expr()) {
        (Some(text), _) => Some(Cow::Borrowed(text)),
        (None, Some(e)) => scope.resolve(e).known().map(|t| Cow::Owned(t.to_owned())),
        (None, None) => None,
    }
}

fn named<'a>(
    names: impl Iterator<Item = &'a str>,
    stack: &'a Stack,
    place: Place<'a>,
) -> Vec<Seen<'a>> {
    names.map(|n| Seen::at(n, stack, place)).collect()
}
