//! The resource schemas in `schemas/`, embedded at compile time and compiled on first use.
//!
//! Only the types infra-gen emits (and the ones SAM expands a function into) are embedded, and a
//! validator is compiled only when a template holds that type, so a `check` pays for what it
//! uses. `schemas/README.md` records where each file comes from; `schemas/refresh.sh` updates them.

use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::Validator;
use serde_json::{Map, Value};

/// Validators compiled so far, keyed by the property names they check.
type Compiled = Vec<(Vec<String>, Arc<Validator>)>;

pub(crate) struct Schema {
    pub(crate) type_name: &'static str,
    text: &'static str,
    /// JSON pointer to the `properties` object describing the resource's properties.
    properties_at: &'static str,
    parsed: OnceLock<Result<Value, String>>,
    compiled: Mutex<Compiled>,
}

impl Schema {
    const fn new(type_name: &'static str, text: &'static str, properties_at: &'static str) -> Self {
        Self {
            type_name,
            text,
            properties_at,
            parsed: OnceLock::new(),
            compiled: Mutex::new(Vec::new()),
        }
    }

    /// The schema document. Embedded files are checked by tests, so an error here means
    /// `schemas/` was edited by hand into something that is not JSON.
    pub(crate) fn document(&self) -> Result<&Value, SchemaError> {
        self.parsed
            .get_or_init(|| serde_json::from_str(self.text).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|message| SchemaError {
                type_name: self.type_name,
                message: message.clone(),
            })
    }

    /// A validator for instances whose properties are `present`. Compiling a whole schema costs
    /// milliseconds, mostly for subschemas (and their regexes) of properties a template does
    /// not set, so the subschemas of absent properties are replaced by `{}` first: the result
    /// is the same for such an instance — an absent property is never validated, and the names
    /// of all properties stay, so an unknown one still fails `additionalProperties: false`.
    pub(crate) fn validator(&self, present: &[&str]) -> Result<Arc<Validator>, SchemaError> {
        let error = |message: String| SchemaError {
            type_name: self.type_name,
            message,
        };
        let mut key: Vec<String> = present.iter().map(|p| (*p).to_owned()).collect();
        key.sort();
        // A poisoned lock only means another thread panicked mid-compile; the list is intact.
        let mut compiled = self.compiled.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, v)) = compiled.iter().find(|(k, _)| *k == key) {
            return Ok(Arc::clone(v));
        }
        let mut document = self.document()?.clone();
        match document.pointer_mut(self.properties_at) {
            Some(Value::Object(properties)) => {
                for (name, subschema) in properties.iter_mut() {
                    if !key.contains(name) {
                        *subschema = Value::Object(Map::new());
                    }
                }
            }
            _ => return Err(error(format!("no properties at {}", self.properties_at))),
        }
        prune_unreachable_definitions(&mut document);
        // Provider schemas build on draft-07. SAM's declares draft-04 but uses only keywords
        // whose meaning draft-07 kept (no boolean exclusiveMinimum, no `id`), so it is
        // compiled as draft-07 too: one meta-schema to check schemas against, not two.
        let validator = jsonschema::draft7::options()
            .build(&document)
            .map_err(|e| error(e.to_string()))?;
        let validator = Arc::new(validator);
        compiled.push((key, Arc::clone(&validator)));
        Ok(validator)
    }

    /// Top-level property names listed under `key` (`createOnlyProperties`,
    /// `readOnlyProperties`), without their `/properties/` prefix. Nested pointers such as
    /// `/properties/EncryptionConfiguration/KmsKey` are covered by their top-level property.
    pub(crate) fn top_level_list(&self, key: &str) -> Result<Vec<&str>, SchemaError> {
        let pointers = self.document()?.get(key).and_then(Value::as_array);
        let mut names: Vec<&str> = Vec::new();
        for pointer in pointers.into_iter().flatten().filter_map(Value::as_str) {
            let Some(path) = pointer.strip_prefix("/properties/") else {
                continue;
            };
            let name = path.split('/').next().unwrap_or(path);
            if !names.contains(&name) {
                names.push(name);
            }
        }
        Ok(names)
    }
}

/// Drops `definitions` no `$ref` reaches any more. With absent properties blanked, most of a
/// schema's definitions (SAM's event sources, say) are unreachable, and the validator would
/// still meta-validate and compile them on every run.
fn prune_unreachable_definitions(document: &mut Value) {
    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    match (k.as_str(), child) {
                        ("$ref", Value::String(r)) => out.extend(r.strip_prefix("#/definitions/")),
                        ("definitions", _) => {}
                        _ => refs(child, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| refs(i, out)),
            _ => {}
        }
    }
    let Some(Value::Object(definitions)) = document.get("definitions") else {
        return;
    };
    let mut reachable: Vec<String> = Vec::new();
    let mut pending: Vec<String> = {
        let mut roots = Vec::new();
        refs(document, &mut roots);
        roots.into_iter().map(str::to_owned).collect()
    };
    while let Some(name) = pending.pop() {
        if reachable.contains(&name) {
            continue;
        }
        if let Some(definition) = definitions.get(&name) {
            let mut next = Vec::new();
            refs(definition, &mut next);
            pending.extend(next.into_iter().map(str::to_owned));
        }
        reachable.push(name);
    }
    if let Some(Value::Object(definitions)) = document.get_mut("definitions") {
        definitions.retain(|name, _| reachable.contains(name));
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the embedded schema for {type_name} does not compile: {message}")]
pub struct SchemaError {
    pub type_name: &'static str,
    pub message: String,
}

macro_rules! embedded {
    ($dir:literal, $file:literal) => {
        // Compact copies that build.rs prepared from schemas/ (documentation dropped).
        include_str!(concat!(env!("OUT_DIR"), "/schemas/", $dir, "/", $file))
    };
}

// `CLOUDFORMATION`: every provider schema in schemas/cloudformation/, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/schemas/providers.rs"));

/// Where a provider schema describes the resource's properties.
const PROVIDER_PROPERTIES: &str = "/properties";

pub(crate) static SAM_FUNCTION: Schema = Schema::new(
    "AWS::Serverless::Function",
    embedded!("sam", "aws-serverless-function.json"),
    "/definitions/samtranslator__internal__schema_source__aws_serverless_function__Properties/properties",
);

// `ATTRIBUTES`: each provider schema's `Fn::GetAtt` attributes, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/schemas/attributes.rs"));

/// The top-level attributes `Fn::GetAtt` reads on `type_name`: its schema's readOnlyProperties
/// and, where cfn-lint records that CloudFormation reads more (`schemas/getatt.json`: an SSM
/// parameter's `Value`), those properties; `None` for a type infra-gen does not embed.
pub(crate) fn attributes(type_name: &str) -> Option<&'static [&'static str]> {
    ATTRIBUTES
        .iter()
        .find(|(t, _)| *t == type_name)
        .map(|(_, a)| *a)
}

// `UNCHANGEABLE`: the properties whose schema description says they cannot change once the
// resource exists, with their default, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/schemas/unchangeable.rs"));

/// The properties of `type_name` the provider cannot change on an existing resource (a KMS
/// key's `KeySpec`, `KeyUsage`, `Origin`, `MultiRegion`: the update fails whatever
/// `UpdateReplacePolicy` says), each with the schema's default that an absent value stands
/// for.
pub(crate) fn unchangeable(type_name: &str) -> impl Iterator<Item = (&'static str, Option<Value>)> {
    UNCHANGEABLE
        .iter()
        .filter(move |(t, _, _)| *t == type_name)
        .map(|(_, p, default)| (*p, default.and_then(|d| serde_json::from_str(d).ok())))
}

/// Every type's [`unchangeable`] properties, for tests that cover them all.
#[cfg(test)]
pub(crate) fn all_unchangeable() -> impl Iterator<Item = (&'static str, &'static str)> {
    UNCHANGEABLE.iter().map(|(t, p, _)| (*t, *p))
}

/// The CloudFormation provider schema of `type_name`, if it is one infra-gen embeds.
pub(crate) fn cloudformation(type_name: &str) -> Option<&'static Schema> {
    CLOUDFORMATION.iter().find(|s| s.type_name == type_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_schema_compiles_and_names_its_type() {
        for schema in CLOUDFORMATION.iter().chain([&SAM_FUNCTION]) {
            let doc = schema.document().expect("parses");
            let all: Vec<&str> = doc
                .pointer(schema.properties_at)
                .and_then(Value::as_object)
                .expect("has properties")
                .keys()
                .map(String::as_str)
                .collect();
            schema.validator(&all).expect("compiles");
        }
        for schema in CLOUDFORMATION.iter() {
            assert_eq!(
                schema.document().expect("parses")["typeName"],
                schema.type_name
            );
        }
    }

    #[test]
    fn every_registered_kind_has_an_embedded_schema() {
        for (type_name, _) in crate::model::modelled() {
            assert!(
                cloudformation(type_name).is_some() || *type_name == SAM_FUNCTION.type_name,
                "{type_name}: run `schemas/refresh.sh {type_name}`"
            );
        }
    }

    #[test]
    fn getatt_attributes_of_each_kind_are_read_only_properties_of_its_schema() {
        for (type_name, attributes) in crate::model::modelled() {
            let Some(schema) = cloudformation(type_name) else {
                continue; // SAM types: attributes are those of what SAM creates
            };
            let read_only = schema.top_level_list("readOnlyProperties").expect("parses");
            for a in *attributes {
                assert!(
                    read_only.contains(a),
                    "{type_name}.{a} is not in readOnlyProperties {read_only:?}"
                );
            }
        }
    }

    #[test]
    fn create_only_properties_come_from_the_provider_schemas() {
        let ecr = cloudformation("AWS::ECR::Repository").expect("embedded");
        assert_eq!(
            ecr.top_level_list("createOnlyProperties").expect("parses"),
            ["RepositoryName", "EncryptionConfiguration"]
        );
        let logs = cloudformation("AWS::Logs::LogGroup").expect("embedded");
        assert_eq!(
            logs.top_level_list("createOnlyProperties").expect("parses"),
            ["LogGroupName"]
        );
    }
}
