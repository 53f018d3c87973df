//! `dependency`: the order CloudFormation creates a stack's resources in must exist. It
//! refuses a template ("Unresolved resource dependencies", "Circular dependency between
//! resources") whose `DependsOn` names no resource of the stack, or whose references and
//! `DependsOn` together form a cycle: a function whose environment names its bucket with
//! `Ref`, and a bucket that notifies the function by its `GetAtt Arn`, can never be created.
//! It also refuses an S3 bucket that may be created before the permission its notifications
//! need: S3 sends a test event to each destination when the notification is set, and fails the
//! bucket's create when it may not ("Unable to validate the following destination
//! configurations").

use std::collections::BTreeMap;

use super::Sink;
use super::resolve::Scope;
use crate::builders::Stack;
use crate::model::expr::sub_placeholders;
use crate::model::raw::{Raw, RawValue};
use crate::model::{Expr, Kind, Properties};

/// Resource `to` is created before the one whose edge this is: it names `to` as `name`, in
/// its `DependsOn` or in a reference. Worded only when a finding needs it.
struct Edge<'a> {
    to: usize,
    name: &'a str,
    depends_on: bool,
}

impl Edge<'_> {
    fn why(&self, from: &str) -> String {
        let how = if self.depends_on {
            "DependsOn"
        } else {
            "references"
        };
        format!("{from} {how} {}", self.name)
    }
}

/// The resources each expression of `exprs` names (`Ref`, `GetAtt`, `${}`), without pseudo
/// parameters and `Fn::Sub`'s own variables.
fn named<'a>(exprs: &[&'a Expr]) -> Vec<&'a str> {
    let mut out = Vec::new();
    for e in exprs {
        e.walk(&mut |x| match x {
            Expr::Ref(name) => out.push(name.as_str()),
            Expr::GetAtt(id, _) => out.push(id.as_str()),
            Expr::Sub(t) | Expr::SubWith(t, _) => {
                let locals: Vec<&str> = match x {
                    Expr::SubWith(_, vars) => vars.iter().map(|(k, _)| k.as_str()).collect(),
                    _ => Vec::new(),
                };
                for p in sub_placeholders(t) {
                    let id = p.split_once('.').map_or(p, |(id, _)| id);
                    if !locals.contains(&p) && !p.starts_with("AWS::") {
                        out.push(id);
                    }
                }
            }
            _ => {}
        });
    }
    out
}

pub(super) fn check(stack: &Stack, sink: &mut Sink<'_>) {
    let resources = &stack.template.resources;
    // Each resource of the template by ID, and each resource SAM adds by its owner's index:
    // an added resource (`FunctionUrl`) is created after its owner.
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut implicit: Vec<(String, usize)> = Vec::new();
    for (i, r) in resources.iter().enumerate() {
        index.insert(r.id.as_str(), i);
        for im in r.properties.implicit(&r.id) {
            implicit.push((im.id, i));
        }
    }
    let find = |name: &str| {
        index
            .get(name)
            .copied()
            .or_else(|| implicit.iter().find(|(id, _)| id == name).map(|(_, i)| *i))
    };

    let mut edges: Vec<Vec<Edge>> = resources.iter().map(|_| Vec::new()).collect();
    for (i, r) in resources.iter().enumerate() {
        let id = r.id.as_str();
        for (n, d) in r.depends_on.iter().enumerate() {
            let name = d.as_str();
            if r.depends_on[..n].contains(d) {
                sink.push(
                    "dependency",
                    id,
                    format!("DependsOn names {name} twice"),
                    format!("name {name} once in {id}'s DependsOn"),
                );
                continue;
            }
            match find(name) {
                Some(to) => edges[i].push(Edge {
                    to,
                    name,
                    depends_on: true,
                }),
                None => sink.push(
                    "dependency",
                    id,
                    format!(
                        "DependsOn {name}: no resource of stack {} has that name, so CloudFormation refuses the template (unresolved resource dependencies)",
                        stack.name
                    ),
                    "name a resource of this stack (see `cargo infra-gen list`); another stack's resources are ordered by deploying that stack first and importing its export",
                ),
            }
        }
        for name in named(&r.properties.ordering_exprs()) {
            if let Some(to) = find(name)
                && !edges[i].iter().any(|e| e.to == to)
            {
                edges[i].push(Edge {
                    to,
                    name,
                    depends_on: false,
                });
            }
        }
    }

    check_notifications(stack, &edges, sink);

    // Each knot of resources that reach one another once, at its first resource, with its
    // shortest cycle through that resource.
    let mut reported = vec![false; resources.len()];
    for start in 0..resources.len() {
        if reported[start] {
            continue;
        }
        if let Some(path) = cycle_from(start, &edges) {
            let whys: Vec<String> = path
                .windows(2)
                .filter_map(|w| {
                    let e = edges[w[0]].iter().find(|e| e.to == w[1])?;
                    Some(e.why(resources[w[0]].id.as_str()))
                })
                .collect();
            // The rest of its strongly connected component is the same knot.
            for (i, done) in reported.iter_mut().enumerate() {
                *done = *done || (reaches(start, i, &edges) && reaches(i, start, &edges));
            }
            sink.push(
                "dependency",
                resources[start].id.as_str(),
                format!(
                    "circular dependency, which CloudFormation refuses: {}",
                    whys.join(", ")
                ),
                "break one link: name a resource by its literal name or ARN instead of Ref/GetAtt (a bucket's name in an environment variable), or drop the DependsOn",
            );
        }
    }
}

/// The shortest path `start → … → start` through `edges` (breadth first), if `start` is on a
/// cycle.
fn cycle_from(start: usize, edges: &[Vec<Edge<'_>>]) -> Option<Vec<usize>> {
    let mut parent: Vec<Option<usize>> = vec![None; edges.len()];
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(at) = queue.pop_front() {
        for e in &edges[at] {
            if e.to == start {
                // Back from `at` to `start`, the one visited node without a parent.
                let mut path = vec![start, at];
                let mut back = at;
                while let Some(p) = parent[back] {
                    path.push(p);
                    back = p;
                }
                path.reverse();
                return Some(path);
            }
            if parent[e.to].is_none() {
                parent[e.to] = Some(at);
                queue.push_back(e.to);
            }
        }
    }
    None
}

/// Whether `to` is reachable from `from` in one or more steps.
fn reaches(from: usize, to: usize, edges: &[Vec<Edge<'_>>]) -> bool {
    let mut seen = vec![false; edges.len()];
    let mut stack = vec![from];
    while let Some(at) = stack.pop() {
        for e in &edges[at] {
            if e.to == to {
                return true;
            }
            if !seen[e.to] {
                seen[e.to] = true;
                stack.push(e.to);
            }
        }
    }
    false
}

/// The kinds a notification list sends to: a modelled kind, or a raw type with the property
/// holding its name.
const DESTINATION_KINDS: [(&str, &[&str], &str); 3] = [
    (
        "LambdaConfigurations",
        &["AWS::Serverless::Function", "AWS::Lambda::Function"],
        "FunctionName",
    ),
    ("QueueConfigurations", &["AWS::SQS::Queue"], "QueueName"),
    ("TopicConfigurations", &["AWS::SNS::Topic"], "TopicName"),
];

/// The resource of `stack` a notification of `list` names as text (an ARN written out or
/// built by `Fn::Sub` of pseudo parameters, `…:function:my-fn`, `…:function:my-fn:live`): one
/// of the list's kinds whose name is one of the ARN's `:`-separated parts. Without a
/// reference, nothing orders the bucket after it, so it needs its permission all the same.
fn named_as_text<'a>(stack: &'a Stack, list: &str, e: &Expr) -> Option<&'a str> {
    let scope = Scope::new(stack, None);
    // The account stays unknown; the name is the part after the last `:` or the one before a
    // qualifier, which an unknown never stands for here.
    let text = scope.resolve(e).with_unknowns_as("\u{0}");
    let (_, types, name_property) = DESTINATION_KINDS.iter().find(|(l, _, _)| *l == list)?;
    stack.template.resources.iter().find_map(|r| {
        if !types.contains(&r.properties.type_name()) {
            return None;
        }
        let name = match &r.properties {
            Properties::Raw(raw) => {
                let v = raw.properties().get(name_property)?.expr()?;
                scope.resolve(v).known()?.to_owned()
            }
            p => p.physical_name()?.1.to_owned(),
        };
        text.split(':')
            .any(|part| part == name)
            .then(|| r.id.as_str())
    })
}

/// A bucket notification's destination kinds: the list, its destination property, and the
/// resource type (with the property naming the destination) that lets S3 send there.
const DESTINATIONS: [(&str, &str, &str, &str); 3] = [
    (
        "LambdaConfigurations",
        "Function",
        "AWS::Lambda::Permission",
        "FunctionName",
    ),
    (
        "QueueConfigurations",
        "Queue",
        "AWS::SQS::QueuePolicy",
        "Queues",
    ),
    (
        "TopicConfigurations",
        "Topic",
        "AWS::SNS::TopicPolicy",
        "Topics",
    ),
];

const S3: &str = "s3.amazonaws.com";

/// Whether `raw` names `s3.amazonaws.com` anywhere (a permission's `Principal`, a policy's
/// service principal, as JSON or as text).
fn names_s3(raw: &Raw) -> bool {
    let mut found = false;
    raw.properties().visit(&mut |_, v| {
        found = found || v.literal().is_some_and(|l| l.contains(S3));
    });
    found
}

/// Whether `e` names the resource called `name` as text, by its name or as the last part of
/// its ARN (`FunctionName: my-fn`, `arn:${AWS::Partition}:lambda:…:function:my-fn`).
fn names_literally(e: &Expr, name: Option<&str>) -> bool {
    let Some(name) = name else { return false };
    let text = match e {
        Expr::Literal(t) | Expr::Sub(t) => t.as_str(),
        _ => return false,
    };
    text.strip_suffix(name)
        .is_some_and(|rest| rest.is_empty() || rest.ends_with([':', '/']))
}

/// Each raw S3 bucket of the stack whose notification goes to a resource of the stack must be
/// created after a permission that lets S3 send there.
fn check_notifications(stack: &Stack, edges: &[Vec<Edge<'_>>], sink: &mut Sink<'_>) {
    let resources = &stack.template.resources;
    for (b, bucket) in resources.iter().enumerate() {
        let Properties::Raw(raw) = &bucket.properties else {
            continue;
        };
        let Some(config) = raw.bucket_notifications() else {
            continue;
        };
        for (list, property, grant_type, grant_property) in DESTINATIONS {
            let targets = config
                .get(list)
                .map(RawValue::items)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|c| c.get(property)?.expr())
                .flat_map(|e| {
                    let by_reference = named(&[e]);
                    if by_reference.is_empty() {
                        named_as_text(stack, list, e).into_iter().collect()
                    } else {
                        by_reference
                    }
                });
            let mut done: Vec<&str> = Vec::new();
            for target in targets {
                // A destination of another stack is that stack's to permit, deployed first.
                let Some(destination) = resources.iter().find(|r| r.id.as_str() == target) else {
                    continue;
                };
                if done.contains(&target) {
                    continue;
                }
                done.push(target);
                let name = destination.properties.physical_name().map(|(_, n)| n);
                let grants: Vec<usize> = resources
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| match &r.properties {
                        Properties::Raw(g) => {
                            g.type_name() == grant_type
                                && names_s3(g)
                                && g.properties().get(grant_property).is_some_and(|v| {
                                    let mut exprs = Vec::new();
                                    v.visit(&mut |_, x| exprs.extend(x.expr()));
                                    named(&exprs).contains(&target)
                                        || exprs.iter().any(|e| names_literally(e, name))
                                })
                        }
                        _ => false,
                    })
                    .map(|(i, _)| i)
                    .collect();
                let id = bucket.id.as_str();
                if grants.is_empty() {
                    sink.push(
                        "dependency",
                        id,
                        format!(
                            "{id} notifies {target}, but no {grant_type} of stack {} lets {S3} send to it: S3 tests the destination when the notification is set, and the bucket's create fails",
                            stack.name
                        ),
                        format!(
                            "add a raw {grant_type} for {target} with principal {S3} (SourceAccount and SourceArn the bucket's), and create the bucket after it: `.after(\"{id}\", \"<its ID>\")`"
                        ),
                    );
                } else if !grants.iter().any(|&g| reaches(b, g, edges)) {
                    let first = resources[grants[0]].id.as_str();
                    sink.push(
                        "dependency",
                        id,
                        format!(
                            "{id} notifies {target}, and CloudFormation may create it before {first}, which lets {S3} send there: S3 tests the destination when the notification is set, and the bucket's create fails"
                        ),
                        format!("create the bucket after it: `.after(\"{id}\", \"{first}\")`"),
                    );
                }
            }
        }
    }
}
