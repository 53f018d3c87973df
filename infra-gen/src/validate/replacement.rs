//! Stateful resources that a change would replace.
//!
//! CloudFormation replaces a resource when one of its create-only properties changes (the
//! provider schema's `createOnlyProperties`: an ECR repository's name, a secret's name, a log
//! group's name, …). For a retained resource that means a new, empty resource and an orphaned
//! old one holding the images, the secret value or the logs — and, with a fixed name, usually a
//! failed deployment. The committed `generated/` is the deployed-to-be state, so a definition
//! whose rendering changes such a property there is refused unless the resource carries a
//! [`ReplacementAck`](crate::model::review::ReplacementAck).

use std::fmt;
use std::fs;
use std::io;
use std::path::Path;

use serde_json::Value;

use super::schema;
use crate::Finding;
use crate::builders::{App, Stack};
use crate::model::{Resource, raw};
use crate::render::read::{read_committed_lenient, read_stack_template, read_template};

/// A change that would replace a stateful resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    pub stack: String,
    pub resource: String,
    pub type_name: String,
    /// The create-only properties whose value changes.
    pub properties: Vec<String>,
    /// The definition's reason, when the replacement is intended.
    pub acknowledged: Option<String>,
    /// The definition's acknowledgement when the committed template records it already: it was
    /// spent on the replacement that template holds, and consents to no further one.
    pub spent: Option<String>,
}

impl Replacement {
    /// The refusal for an unacknowledged replacement.
    pub fn to_finding(&self) -> Finding {
        // A property the type cannot change at all fails the update instead (a KMS key's
        // `KeySpec`): no new resource, but no deploy either, acknowledged or not.
        let unchangeable = unchangeable(&self.type_name, &self.properties);
        let (message, fix) = if unchangeable.is_empty() {
            (
                format!(
                    "changing {} replaces this {}: CloudFormation creates a new one and the retained old one is orphaned with its data",
                    self.properties.join(", "),
                    self.type_name
                ),
                match &self.spent {
                    None => "keep the committed value, or, if the replacement is intended, call acknowledge_replacement(\"why\") on the resource's builder (remove it once deployed)".to_owned(),
                    Some(reason) => format!(
                        "its acknowledgement (\"{reason}\") is recorded in the committed template: it was for the replacement generated/ already holds, not for this one; keep the committed value, or write acknowledge_replacement(\"why\") with this change's reason (if generated/ holds an uncommitted run of your own, restore it with git checkout -- generated/ first)"
                    ),
                },
            )
        } else if unchangeable == [INDEXES] {
            (
                format!(
                    "{INDEXES} change as DynamoDB cannot update them: an existing index's KeySchema or Projection changes, or the update adds or deletes more than one index (renaming one does both); CloudFormation fails the update"
                ),
                "keep each committed index's keys and projection (give a changed index a new name), and add or delete one index per deploy".to_owned(),
            )
        } else {
            (
                format!(
                    "{} cannot change on an existing {}: CloudFormation fails the update whatever UpdateReplacePolicy says",
                    unchangeable.join(", "),
                    self.type_name
                ),
                format!(
                    "keep the committed {}; for another one, add a new resource under a new logical ID (and acknowledge the old one's removal if it goes)",
                    unchangeable.join(", ")
                ),
            )
        };
        Finding {
            code: "replacement",
            stack: self.stack.clone(),
            resource: self.resource.clone(),
            message,
            fix,
        }
    }
}

impl fmt::Display for Replacement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} › {}: {} changes and replaces it",
            self.stack,
            self.resource,
            self.properties.join(", ")
        )?;
        if let Some(reason) = &self.acknowledged {
            write!(f, ", as acknowledged: {reason}")?;
        }
        Ok(())
    }
}

/// Those of `properties` that `type_name` cannot change on an existing resource (its schema's
/// [`schema::unchangeable`], and a table's global secondary indexes changed as
/// [`index_update_fails`] says DynamoDB cannot).
pub fn unchangeable<'a>(type_name: &str, properties: &'a [String]) -> Vec<&'a str> {
    properties
        .iter()
        .map(String::as_str)
        .filter(|p| {
            schema::unchangeable(type_name).any(|(u, _)| u == *p)
                || (type_name == "AWS::DynamoDB::Table" && *p == INDEXES)
        })
        .collect()
}

/// Resources whose data outlives a deployment: replacing one loses or orphans that data.
/// Each kind says whether it is ([`Kind::STATEFUL`](crate::model::Kind::STATEFUL)); a
/// retained resource of any kind counts too.
fn is_stateful(r: &Resource) -> bool {
    r.lifecycle.is_some() || r.properties.is_stateful()
}

/// Compares `stack`'s stateful resources with the `committed` rendering of the same stack.
/// Resources new to the stack are not replacements; unparsable committed text is an error.
pub fn replacements(stack: &Stack, committed: &str) -> Result<Vec<Replacement>, String> {
    replacements_of(stack, &read_template(committed)?)
}

/// The pseudo parameters `stack` fixes, as text: both renderings of a stack are its own, in
/// its region.
fn fixed(stack: &Stack) -> [(&'static str, &str); 3] {
    let region = stack.environment.region();
    [
        ("AWS::StackName", stack.name.as_str()),
        ("AWS::Region", region),
        ("AWS::Partition", crate::lint::resolve::partition(region)),
    ]
}

/// [`replacements`] against the committed template already read.
pub fn replacements_of(stack: &Stack, old: &Value) -> Result<Vec<Replacement>, String> {
    let new = stack.template.to_json();
    let mut out = renames(stack, old);
    let fixed = fixed(stack);
    for r in stack.template.resources.iter().filter(|r| is_stateful(r)) {
        let id = r.id.as_str();
        let Some(before) = old.pointer(&format!("/Resources/{id}")) else {
            continue;
        };
        let type_name = r.properties.type_name();
        let (acknowledged, spent) = consent(r, Some(before));
        if before.get("Type").and_then(Value::as_str) != Some(type_name) {
            out.push(Replacement {
                stack: stack.name.to_string(),
                resource: id.to_owned(),
                type_name: type_name.to_owned(),
                properties: vec!["Type".into()],
                acknowledged,
                spent,
            });
            continue;
        }
        let after = new.pointer(&format!("/Resources/{id}"));
        let changed = create_only_changes(type_name, before, after, &fixed)?;
        if !changed.is_empty() {
            // An acknowledgement consents to a replacement; an unchangeable property is no
            // replacement but a failed update, which no consent makes work.
            let acknowledged = if unchangeable(type_name, &changed).is_empty() {
                acknowledged
            } else {
                None
            };
            out.push(Replacement {
                stack: stack.name.to_string(),
                resource: id.to_owned(),
                type_name: type_name.to_owned(),
                properties: changed,
                acknowledged,
                spent,
            });
        }
    }
    Ok(out)
}

/// What `r`'s acknowledgement consents to against its committed form `before`: the reason,
/// unless the committed template records that acknowledgement already (it was spent on the
/// replacement committed then), in which case it is returned as spent.
fn consent(r: &Resource, before: Option<&Value>) -> (Option<String>, Option<String>) {
    match &r.replacement_ack {
        None => (None, None),
        Some(ack) if before.is_some_and(|b| ack.spent_in(b)) => {
            (None, Some(ack.reason().to_owned()))
        }
        Some(ack) => (Some(ack.reason().to_owned()), None),
    }
}

/// Acknowledgements of `stack`'s resources that consent to no replacement of this change and
/// that its committed template (`committed`, `None` for a stack new to the directory) does
/// not record: written before the change they are for, or left for one that never came. The
/// template records every acknowledgement it is rendered with, and the guard takes one the
/// committed template records as spent ([`ReplacementAck::spent_in`]), so generated now it
/// would refuse the very replacement it was written for; left, it would consent to the next
/// one unread. `used` says whether the guard found a replacement (acknowledged or not) of a
/// resource of the stack.
///
/// [`ReplacementAck::spent_in`]: crate::model::review::ReplacementAck::spent_in
pub fn pending_acknowledgements(
    stack: &Stack,
    committed: Option<&Value>,
    used: impl Fn(&str) -> bool,
) -> Vec<Finding> {
    stack
        .template
        .resources
        .iter()
        .filter_map(|r| Some((r, r.replacement_ack.as_ref()?)))
        .filter(|(r, _)| !used(r.id.as_str()))
        .filter(|(r, ack)| {
            !committed
                .and_then(|old| old.pointer(&format!("/Resources/{}", r.id)))
                .is_some_and(|before| ack.spent_in(before))
        })
        .map(|(r, ack)| Finding {
            code: "replacement",
            stack: stack.name.to_string(),
            resource: r.id.to_string(),
            message: format!(
                "acknowledge_replacement(\"{}\") consents to replacing it, but this change replaces nothing of it: generated now, the template records the acknowledgement as spent, and the change it was written for is then refused",
                ack.reason()
            ),
            fix: format!(
                "remove the acknowledgement from {} in {}, and write it in the same change as the replacement it is for",
                r.id, stack.source
            ),
        })
        .collect()
}

/// The refusal for a committed template of `stack` the guard cannot read (`why`), when the
/// stack holds stateful resources: what it recorded is unknown, so at worst the change
/// replaces each of them.
pub fn unreadable_finding(stack: &Stack, file: &str, why: &str) -> Option<Finding> {
    let ids: Vec<&str> = stack
        .template
        .resources
        .iter()
        .filter(|r| is_stateful(r))
        .map(|r| r.id.as_str())
        .collect();
    (!ids.is_empty()).then(|| Finding {
        code: "replacement",
        stack: stack.name.to_string(),
        resource: ids.join(", "),
        message: format!(
            "the committed generated/{file} cannot be read ({why}), so whether this change replaces the stack's stateful resources cannot be told"
        ),
        fix: format!(
            "restore the committed file (git checkout -- generated/{file}) and run again; generate then rewrites it"
        ),
    })
}

/// Properties whose change replaces the resource although its provider schema does not list
/// them as create-only: the resource reference of each type documents them as "Update
/// requires: Replacement" (a table's keys and local indexes cannot change in place).
const REPLACING: &[(&str, &[&str])] = &[
    (
        "AWS::DynamoDB::Table",
        &["KeySchema", "LocalSecondaryIndexes"],
    ),
    // A cluster's engine family and master user cannot be modified in place.
    ("AWS::RDS::DBCluster", &["Engine", "MasterUsername"]),
];

/// The create-only properties (from `type_name`'s provider schema, and [`REPLACING`]) whose
/// value differs between two renderings of a resource (JSON forms, `after` absent when it is
/// gone): the changes that make CloudFormation replace it, compared as evaluated, with the
/// pseudo parameters both renderings share (`fixed`: `AWS::StackName` and its value, …) put
/// in. A type without an embedded schema has none.
pub fn create_only_changes(
    type_name: &str,
    before: &Value,
    after: Option<&Value>,
    fixed: &[(&str, &str)],
) -> Result<Vec<String>, String> {
    let Some(schema) = schema::cloudformation(type_name) else {
        return Ok(Vec::new());
    };
    let mut create_only = schema
        .top_level_list("createOnlyProperties")
        .map_err(|e| e.to_string())?;
    for (_, more) in REPLACING.iter().filter(|(t, _)| *t == type_name) {
        create_only.extend(more.iter().copied());
    }
    let value = |res: Option<&Value>, p: &str| {
        res.and_then(|v| v.pointer(&format!("/Properties/{p}")))
            .map(|v| canonical(v, fixed))
    };
    let mut changed: Vec<String> = create_only
        .iter()
        .filter(|p| value(Some(before), p) != value(after, p))
        .map(|p| (*p).to_owned())
        .collect();
    // Properties the type cannot change at all, an absent value being the schema's default
    // (spelling out `KeySpec: SYMMETRIC_DEFAULT` changes nothing). A resource that is gone
    // (`after` absent) was judged by its create-only properties above.
    if let Some(after) = after {
        let filled = |res: &Value, p: &str, default: Option<&Value>| {
            res.pointer(&format!("/Properties/{p}"))
                .or(default)
                .map(|v| canonical(v, fixed))
        };
        for (p, default) in schema::unchangeable(type_name) {
            if !changed.iter().any(|c| c == p)
                && filled(before, p, default.as_ref()) != filled(after, p, default.as_ref())
            {
                changed.push(p.to_owned());
            }
        }
    }
    if type_name == "AWS::DynamoDB::Table"
        && after.is_some_and(|after| attribute_type_changed(before, after, fixed))
        && !changed.iter().any(|c| c == "AttributeDefinitions")
    {
        changed.push("AttributeDefinitions".to_owned());
    }
    // A table updated in place (not replaced) whose global secondary indexes change as DynamoDB
    // cannot: the update fails.
    if type_name == "AWS::DynamoDB::Table"
        && changed.is_empty()
        && after.is_some_and(|after| index_update_fails(before, after, fixed))
    {
        changed.push(INDEXES.to_owned());
    }
    Ok(changed)
}

/// A table's global secondary indexes, which an update can change only so far.
const INDEXES: &str = "GlobalSecondaryIndexes";

/// Why changing `property` (one [`unchangeable`] found) fails the update of a `type_name`.
pub fn why_unchangeable(type_name: &str, property: &str) -> String {
    if property == INDEXES {
        format!(
            "{INDEXES} change as DynamoDB cannot update them (an index's KeySchema or Projection, or more than one index added or deleted)"
        )
    } else {
        format!("{property} cannot change on an existing {type_name}")
    }
}

/// Whether updating a table's global secondary indexes from `before` to `after` fails, as the
/// table's schema says: an existing index's keys and projection cannot change ("Updates are
/// not supported", but for throughput and contributor insights), and one update adds or
/// deletes at most one index (renaming one does both).
fn index_update_fails(before: &Value, after: &Value, fixed: &[(&str, &str)]) -> bool {
    let indexes = |table: &Value| -> Vec<(Value, Value)> {
        table
            .pointer(&format!("/Properties/{INDEXES}"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|i| {
                let shape =
                    ["KeySchema", "Projection"].map(|k| i.get(k).map(|v| canonical(v, fixed)));
                Some((
                    canonical(i.get("IndexName")?, fixed),
                    serde_json::json!(shape),
                ))
            })
            .collect()
    };
    let (old, new) = (indexes(before), indexes(after));
    let reshaped = old
        .iter()
        .any(|(name, shape)| new.iter().any(|(n, s)| n == name && s != shape));
    let added = new
        .iter()
        .filter(|(n, _)| !old.iter().any(|(o, _)| o == n))
        .count();
    let deleted = old
        .iter()
        .filter(|(o, _)| !new.iter().any(|(n, _)| n == o))
        .count();
    reshaped || added + deleted > 1
}

/// Whether an attribute a table defines before and after changes its type: "Changing the type
/// of an existing AttributeDefinition requires replacement of the table" (its provider
/// schema); adding or dropping one does not.
fn attribute_type_changed(before: &Value, after: &Value, fixed: &[(&str, &str)]) -> bool {
    let types = |table: &Value| -> Vec<(Value, Value)> {
        table
            .pointer("/Properties/AttributeDefinitions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|d| {
                Some((
                    canonical(d.get("AttributeName")?, fixed),
                    canonical(d.get("AttributeType")?, fixed),
                ))
            })
            .collect()
    };
    let after = types(after);
    types(before)
        .iter()
        .any(|(name, ty)| after.iter().any(|(n, t)| n == name && t != ty))
}

/// A property value as CloudFormation compares it: after its intrinsics are evaluated, so one
/// text spelled as a literal, a `Fn::Sub` or a `Fn::Join` is one value (renaming a table from
/// `demo-data` to `!Sub demo-data` replaces nothing). Text is written as a `Fn::Sub` template
/// (a `Ref` or `GetAtt` as its placeholder, a literal `${` escaped as `${!`); what is not text
/// is compared as it is, member by member.
fn canonical(v: &Value, fixed: &[(&str, &str)]) -> Value {
    if let Some(text) = sub_template(v) {
        let text = fixed.iter().fold(text, |t, (name, value)| {
            t.replace(&format!("${{{name}}}"), &value.replace("${", "${!"))
        });
        return Value::String(text);
    }
    match v {
        Value::Array(items) => Value::Array(items.iter().map(|v| canonical(v, fixed)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), canonical(v, fixed)))
                .collect(),
        ),
        _ => v.clone(),
    }
}

/// `v` as the text of an equivalent `Fn::Sub` template, when it is text: a string, number or
/// boolean (CloudFormation passes scalars as strings), a `Ref`, a `GetAtt`, a `Fn::Sub`
/// (its variables put in) or a `Fn::Join` of such.
fn sub_template(v: &Value) -> Option<String> {
    let literal = |s: &str| s.replace("${", "${!");
    match v {
        Value::String(s) => Some(literal(s)),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Object(m) if m.len() == 1 => {
            let (k, arg) = m.iter().next()?;
            match (k.as_str(), arg) {
                ("Ref", Value::String(name)) => Some(format!("${{{name}}}")),
                ("Fn::GetAtt", Value::String(path)) => Some(format!("${{{path}}}")),
                ("Fn::GetAtt", Value::Array(p)) => match p.as_slice() {
                    [Value::String(id), Value::String(att)] => Some(format!("${{{id}.{att}}}")),
                    _ => None,
                },
                ("Fn::Sub", Value::String(t)) => Some(t.clone()),
                ("Fn::Sub", Value::Array(p)) => match p.as_slice() {
                    [Value::String(t), Value::Object(vars)] => {
                        vars.iter().try_fold(t.clone(), |t, (name, value)| {
                            Some(t.replace(&format!("${{{name}}}"), &sub_template(value)?))
                        })
                    }
                    _ => None,
                },
                ("Fn::Join", Value::Array(p)) => match p.as_slice() {
                    [Value::String(d), Value::Array(items)] => items
                        .iter()
                        .map(sub_template)
                        .collect::<Option<Vec<_>>>()
                        .map(|parts| parts.join(&literal(d))),
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}

/// Among the `before` resources, the first of type `type_name` whose logical ID `current`
/// no longer holds: the resource a new one of that type replaces under another ID.
pub fn renamed_from<'a>(
    before: &'a serde_json::Map<String, Value>,
    type_name: &str,
    current: impl Fn(&str) -> bool,
) -> Option<&'a str> {
    before
        .iter()
        .find(|(id, v)| !current(id) && v.get("Type").and_then(Value::as_str) == Some(type_name))
        .map(|(id, _)| id.as_str())
}

/// A stack's stateful resources as one side of a move: logical ID, type and its create-only
/// text values as evaluated (the physical names a resource is known by).
struct Held<'a> {
    stack: &'a Stack,
    id: String,
    type_name: String,
    names: Vec<String>,
}

impl Held<'_> {
    /// The same resource to AWS: one type and one physical name, or, where either has no name
    /// of its own (CloudFormation makes one), one logical ID.
    fn same(&self, other: &Held<'_>) -> bool {
        self.type_name == other.type_name
            && if self.names.is_empty() || other.names.is_empty() {
                self.id == other.id
            } else {
                self.names.iter().any(|n| other.names.contains(n))
            }
    }
}

/// Whether a resource of a template's JSON form holds data: retained, or holding data by its
/// type and properties ([`raw::resource_holds_data`]).
fn holds_data(r: &Value) -> Option<&str> {
    let type_name = r.get("Type").and_then(Value::as_str)?;
    let retained = r.get("DeletionPolicy").and_then(Value::as_str) == Some("Retain");
    (retained
        || raw::resource_holds_data(type_name, |p| {
            r.pointer(&format!("/Properties/{p}")).is_some()
        }))
    .then_some(type_name)
}

/// The physical name of `resource` (JSON form, in `stack`) when it is literal text once the
/// stack's pseudo parameters are put in: the create-only property naming it after its type
/// (`TableName`, `DBClusterIdentifier`) or `Name`.
fn names(stack: &Stack, type_name: &str, resource: &Value) -> Vec<String> {
    let Some(schema) = schema::cloudformation(type_name) else {
        return Vec::new();
    };
    let short = type_name.rsplit("::").next().unwrap_or_default();
    let naming = |p: &str| {
        p == "Name"
            || p.strip_prefix(short)
                .is_some_and(|rest| rest == "Name" || rest == "Identifier")
    };
    let fixed = fixed(stack);
    schema
        .top_level_list("createOnlyProperties")
        .unwrap_or_default()
        .iter()
        .filter(|p| naming(p))
        .filter_map(|p| resource.pointer(&format!("/Properties/{p}")))
        .filter_map(|v| match canonical(v, &fixed) {
            Value::String(t) if !t.contains("${") => Some(t),
            _ => None,
        })
        .collect()
}

/// Stateful resources moved from one stack to another: a resource a stack drops (it is in its
/// committed template, `committed`, and no longer defined) that another stack gains (it is not
/// in that stack's committed template, or the stack has none: `fresh`), by logical ID or
/// physical name. To CloudFormation that is a delete from the one stack — retained, orphaned
/// with its data — and a create in the other: a new, empty resource, or a failed create of a
/// name that is taken.
pub fn moved_resources(committed: &[(&Stack, &Value)], fresh: &[&Stack]) -> Vec<Replacement> {
    let defined =
        |stack: &Stack, id: &str| stack.template.resources.iter().any(|r| r.id.as_str() == id);
    let mut dropped = Vec::new();
    for (stack, old) in committed {
        let Some(resources) = old.get("Resources").and_then(Value::as_object) else {
            continue;
        };
        for (id, r) in resources.iter().filter(|(id, _)| !defined(stack, id)) {
            if let Some(type_name) = holds_data(r) {
                dropped.push(Held {
                    stack,
                    id: id.clone(),
                    type_name: type_name.to_owned(),
                    names: names(stack, type_name, r),
                });
            }
        }
    }
    if dropped.is_empty() {
        return Vec::new();
    }
    let before = |stack: &Stack| {
        committed
            .iter()
            .find(|(s, _)| std::ptr::eq(*s, stack))
            .map(|(_, old)| *old)
    };
    let gained = committed
        .iter()
        .map(|(s, _)| *s)
        .chain(fresh.iter().copied());
    let mut out = Vec::new();
    for stack in gained {
        let old = before(stack)
            .and_then(|o| o.get("Resources"))
            .and_then(Value::as_object);
        let new = stack.template.to_json();
        for r in stack.template.resources.iter().filter(|r| is_stateful(r)) {
            if old.is_some_and(|o| o.contains_key(r.id.as_str())) {
                continue;
            }
            let type_name = r.properties.type_name();
            let json = new
                .pointer(&format!("/Resources/{}", r.id))
                .unwrap_or(&Value::Null);
            let held = Held {
                stack,
                id: r.id.to_string(),
                type_name: type_name.to_owned(),
                names: names(stack, type_name, json),
            };
            if let Some(from) = dropped
                .iter()
                .find(|d| !std::ptr::eq(d.stack, stack) && d.same(&held))
            {
                out.push(Replacement {
                    stack: stack.name.to_string(),
                    resource: held.id,
                    type_name: type_name.to_owned(),
                    properties: vec![format!(
                        "its stack (it was {} in {})",
                        from.id, from.stack.name
                    )],
                    acknowledged: r.replacement_ack.as_ref().map(|a| a.reason().to_owned()),
                    spent: None,
                });
            }
        }
    }
    out
}

/// A stateful resource whose logical ID is gone while a new one of the same type appears: to
/// CloudFormation that is a delete plus a create, i.e. a replacement.
fn renames(stack: &Stack, old: &Value) -> Vec<Replacement> {
    let Some(before) = old.get("Resources").and_then(Value::as_object) else {
        return Vec::new();
    };
    let current = |id: &str| stack.template.resources.iter().any(|r| r.id.as_str() == id);
    let mut out = Vec::new();
    for r in stack.template.resources.iter().filter(|r| is_stateful(r)) {
        if before.contains_key(r.id.as_str()) {
            continue;
        }
        let type_name = r.properties.type_name();
        let gone = renamed_from(before, type_name, current);
        if let Some(old_id) = gone {
            let (acknowledged, spent) = consent(r, before.get(old_id));
            out.push(Replacement {
                stack: stack.name.to_string(),
                resource: r.id.to_string(),
                type_name: type_name.to_owned(),
                properties: vec![format!("the logical ID (was {old_id})")],
                acknowledged,
                spent,
            });
        }
    }
    out
}

/// A committed stack whose stateful resources a deploy of the definitions leaves behind: the
/// stack was removed or renamed (renaming an environment renames its stacks), or moved to
/// another region (a stack is its name in one account and region). Its retained data stays
/// with the old stack, and the new one creates new, empty resources (or fails on their fixed
/// names), so this is a replacement too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedStack {
    /// The old stack's name.
    pub stack: String,
    /// The committed file that records it, inside the generated directory.
    pub file: String,
    /// Its stateful resources: logical ID and type.
    pub resources: Vec<(String, String)>,
    pub fate: Fate,
    /// The definition's reason ([`App::acknowledge_removed_stack`]), when intended.
    pub acknowledged: Option<String>,
    /// Why the committed template cannot be read, when it cannot: which stateful resources
    /// it recorded is unknown, so at worst it held some (`resources` is then empty).
    pub unreadable: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// No stack of that name is defined. `successors` are the stacks new to the directory (no
    /// committed template) with stateful resources of the same types: what the old one was
    /// most likely renamed to.
    Removed { successors: Vec<String> },
    /// The stack is defined in another region than the committed one.
    Moved { from: String, to: String },
}

impl RemovedStack {
    fn ids(&self) -> String {
        if self.unreadable.is_some() {
            return "(every resource its template held)".to_owned();
        }
        let ids: Vec<&str> = self.resources.iter().map(|(id, _)| id.as_str()).collect();
        ids.join(", ")
    }

    fn fate(&self) -> String {
        match &self.fate {
            Fate::Removed { successors } if successors.is_empty() => {
                "is no longer defined".to_owned()
            }
            Fate::Removed { successors } => format!(
                "is no longer defined; {} {} new and {} stateful resources{}: a rename",
                successors.join(" and "),
                if successors.len() == 1 { "is" } else { "are" },
                if successors.len() == 1 {
                    "holds"
                } else {
                    "hold"
                },
                if self.unreadable.is_some() {
                    ""
                } else {
                    " of the same types"
                }
            ),
            Fate::Moved { from, to } => format!(
                "moves from {from} to {to}: a new stack in {to}, while the one in {from} keeps its resources"
            ),
        }
    }

    /// The refusal, when not acknowledged.
    pub fn to_finding(&self) -> Finding {
        let kinds: Vec<&str> = self.resources.iter().map(|(_, t)| t.as_str()).collect();
        let keep = match &self.fate {
            Fate::Removed { .. } => "keep the stack's old name (for an environment, its old name)",
            Fate::Moved { .. } => "keep the stack in its region",
        };
        let (held, restore) = match &self.unreadable {
            Some(why) => (
                format!(
                    "Its committed template cannot be read ({why}), so at worst it holds stateful resources, which"
                ),
                format!(
                    "restore the committed file (git checkout -- generated/{}) to see what it holds, ",
                    self.file
                ),
            ),
            None => (
                format!("Its stateful resources ({})", kinds.join(", ")),
                String::new(),
            ),
        };
        Finding {
            code: "replacement",
            stack: self.stack.clone(),
            resource: self.ids(),
            message: format!(
                "stack {} (committed in {}) {}. {held} would be orphaned with their data, and the new stack creates new, empty ones",
                self.stack,
                self.file,
                self.fate(),
            ),
            fix: format!(
                "{restore}{keep}, or, if this is intended, call app.acknowledge_removed_stack(\"{}\", \"why\") (remove it once deployed)",
                self.stack
            ),
        }
    }
}

impl fmt::Display for RemovedStack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} › {}: the stack {}",
            self.stack,
            self.ids(),
            self.fate()
        )?;
        if let Some(reason) = &self.acknowledged {
            write!(f, ", as acknowledged: {reason}")?;
        }
        Ok(())
    }
}

/// Stacks of `app` whose region differs from the one the committed `samconfig.toml` deploys
/// them to, and that hold stateful resources. `rendered` is the samconfig the definitions
/// render: when the committed one equals it, nothing moved and nothing is parsed.
pub fn moved_stacks(app: &App, committed: Option<&str>, rendered: &str) -> Vec<RemovedStack> {
    let Some(committed) = committed.filter(|c| *c != rendered) else {
        return Vec::new();
    };
    // An unreadable samconfig is drift the comparison reports; it records no region.
    let Ok(regions) = crate::render::samconfig::recorded_regions(committed) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for stack in app.stacks() {
        let region = regions.get(stack.name.as_str()).map(String::as_str);
        let Some(from) = region.filter(|r| *r != stack.environment.region()) else {
            continue;
        };
        let resources: Vec<(String, String)> = stack
            .template
            .resources
            .iter()
            .filter(|r| is_stateful(r))
            .map(|r| (r.id.to_string(), r.properties.type_name().to_owned()))
            .collect();
        if resources.is_empty() {
            continue;
        }
        out.push(RemovedStack {
            stack: stack.name.to_string(),
            file: crate::render::samconfig::PATH.to_owned(),
            resources,
            fate: Fate::Moved {
                from: from.to_owned(),
                to: stack.environment.region().to_owned(),
            },
            acknowledged: app
                .removed_stack(stack.name.as_str())
                .map(|a| a.reason().to_owned()),
            unreadable: None,
        });
    }
    out
}

/// The stacks new to `dir` (no committed template) holding a stateful resource `of` accepts:
/// what a removed stack was most likely renamed to ([`Fate::Removed`]).
fn successors(app: &App, dir: &Path, of: impl Fn(&Resource) -> bool) -> Vec<String> {
    app.stacks()
        .iter()
        .filter(|s| {
            !dir.join(crate::deploy::template_file(s)).exists()
                && s.template.resources.iter().any(|r| is_stateful(r) && of(r))
        })
        .map(|s| s.name.to_string())
        .collect()
}

/// Stacks the committed `samconfig.toml` records (`recorded`) that no definition names and whose
/// template is missing from `dir` (deleted by hand, before `generate` could judge it): the
/// deployed stack still holds whatever it held, which nothing here records, so at worst it held
/// stateful resources. A stack whose template is still there is [`removed_stacks`]'.
pub fn unrecorded_removed_stacks<'a>(
    app: &App,
    dir: &Path,
    recorded: impl Iterator<Item = &'a str>,
) -> Vec<RemovedStack> {
    let mut out = Vec::new();
    for stack in recorded {
        let file = format!("{stack}.yaml");
        if app.stacks().iter().any(|s| s.name.as_str() == stack) || dir.join(&file).exists() {
            continue;
        }
        out.push(RemovedStack {
            acknowledged: app.removed_stack(stack).map(|a| a.reason().to_owned()),
            stack: stack.to_owned(),
            unreadable: Some(format!(
                "it is missing, though {} records the stack",
                crate::render::samconfig::PATH
            )),
            file,
            resources: Vec::new(),
            fate: Fate::Removed {
                successors: successors(app, dir, |_| true),
            },
        });
    }
    out
}

/// The committed templates in `dir` (`*.yaml`, top level, where templates are written) that
/// are not among `produced` and hold stateful resources. A file infra-gen wrote (its header
/// says so) that no longer reads as a template with `Resources` is taken at its worst, as
/// the guard takes a defined stack's: it may have held any; another is left to the drift
/// comparison, which reports it as stray.
pub fn removed_stacks(
    app: &App,
    dir: &Path,
    produced: &[&str],
) -> Result<Vec<RemovedStack>, io::Error> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        // No directory there: the drift comparison reports it.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(Vec::new());
        }
        // Not enterable as a directory (a symlink loop): the comparison reports it.
        Err(_) if !dir.is_dir() => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut found = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for entry in entries {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".yaml") && !produced.contains(&name.as_str()) {
            names.push(name);
        }
    }
    names.sort();
    for name in names {
        let Ok(text) = read_committed_lenient(&dir.join(&name)) else {
            continue;
        };
        // Shaped as CloudFormation requires, every resource of a type infra-gen writes: a
        // file cut after a logical ID, or inside its `Type`, reads as YAML but says nothing of
        // what that resource was.
        let read = read_stack_template(&text).and_then(|old| {
            let resources = old.get("Resources").and_then(Value::as_object);
            let mut stateful = Vec::new();
            for (id, r) in resources.into_iter().flatten() {
                let type_name = r.get("Type").and_then(Value::as_str).unwrap_or_default();
                if schema::cloudformation(type_name).is_none()
                    && type_name != schema::SAM_FUNCTION.type_name
                {
                    return Err(format!(
                        "resource {id} has type {type_name:?}, which infra-gen does not write"
                    ));
                }
                stateful.extend(holds_data(r).map(|t| (id.clone(), t.to_owned())));
            }
            Ok(stateful)
        });
        let (stateful, unreadable) = match read {
            Ok(stateful) if stateful.is_empty() => continue,
            Ok(stateful) => (stateful, None),
            Err(why) if crate::render::is_generated(&text) => (Vec::new(), Some(why)),
            Err(_) => continue,
        };
        let stack = name.trim_end_matches(".yaml").to_owned();
        // What it held unknown, a new stack holding any stateful resource may be its successor.
        let successors = successors(app, dir, |r| {
            unreadable.is_some() || stateful.iter().any(|(_, t)| t == r.properties.type_name())
        });
        found.push(RemovedStack {
            acknowledged: app.removed_stack(&stack).map(|a| a.reason().to_owned()),
            stack,
            file: name,
            resources: stateful,
            fate: Fate::Removed { successors },
            unreadable,
        });
    }
    Ok(found)
}
