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

use serde_json::Value;

use super::schema;
use crate::Finding;
use crate::build::Stack;
use crate::model::Resource;
use crate::render::read::read_template;

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
}

impl Replacement {
    /// The refusal for an unacknowledged replacement.
    pub fn to_finding(&self) -> Finding {
        Finding {
            code: "replacement",
            stack: self.stack.clone(),
            resource: self.resource.clone(),
            message: format!(
                "changing {} replaces this {}: CloudFormation creates a new one and the retained old one is orphaned with its data",
                self.properties.join(", "),
                self.type_name
            ),
            fix: "keep the committed value, or, if the replacement is intended, call acknowledge_replacement(\"why\") on the resource's builder (remove it once deployed)".into(),
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

/// Resources whose data outlives a deployment: replacing one loses or orphans that data.
/// Each kind says whether it is ([`Kind::STATEFUL`](crate::model::Kind::STATEFUL)); a
/// retained resource of any kind counts too.
fn is_stateful(r: &Resource) -> bool {
    r.lifecycle.is_some() || r.properties.is_stateful()
}

/// Compares `stack`'s stateful resources with the `committed` rendering of the same stack.
/// Resources new to the stack are not replacements; unparsable committed text is an error.
pub fn replacements(stack: &Stack, committed: &str) -> Result<Vec<Replacement>, String> {
    let old = read_template(committed)?;
    let new = stack.template.to_json();
    let mut out = renames(stack, &old);
    for r in stack.template.resources.iter().filter(|r| is_stateful(r)) {
        let id = r.id.as_str();
        let Some(before) = old.pointer(&format!("/Resources/{id}")) else {
            continue;
        };
        let type_name = r.properties.type_name();
        if before.get("Type").and_then(Value::as_str) != Some(type_name) {
            out.push(Replacement {
                stack: stack.name.to_string(),
                resource: id.to_owned(),
                type_name: type_name.to_owned(),
                properties: vec!["Type".into()],
                acknowledged: r.replacement_ack.as_ref().map(|a| a.reason().to_owned()),
            });
            continue;
        }
        let Some(schema) = schema::cloudformation(type_name) else {
            continue;
        };
        let create_only = schema
            .top_level_list("createOnlyProperties")
            .map_err(|e| e.to_string())?;
        let after = new.pointer(&format!("/Resources/{id}"));
        let value = |res: Option<&Value>, p: &str| {
            res.and_then(|v| v.pointer(&format!("/Properties/{p}")))
                .cloned()
        };
        let changed: Vec<String> = create_only
            .iter()
            .filter(|p| value(Some(before), p) != value(after, p))
            .map(|p| (*p).to_owned())
            .collect();
        if !changed.is_empty() {
            out.push(Replacement {
                stack: stack.name.to_string(),
                resource: id.to_owned(),
                type_name: type_name.to_owned(),
                properties: changed,
                acknowledged: r.replacement_ack.as_ref().map(|a| a.reason().to_owned()),
            });
        }
    }
    Ok(out)
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
        let gone: Vec<&str> = before
            .iter()
            .filter(|(id, v)| {
                !current(id) && v.get("Type").and_then(Value::as_str) == Some(type_name)
            })
            .map(|(id, _)| id.as_str())
            .collect();
        if let Some(old_id) = gone.first() {
            out.push(Replacement {
                stack: stack.name.to_string(),
                resource: r.id.to_string(),
                type_name: type_name.to_owned(),
                properties: vec![format!("the logical ID (was {old_id})")],
                acknowledged: r.replacement_ack.as_ref().map(|a| a.reason().to_owned()),
            });
        }
    }
    out
}
