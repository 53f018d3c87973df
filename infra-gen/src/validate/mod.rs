//! Offline validation of rendered templates against CloudFormation's and SAM's own schemas.
//!
//! Types and lints keep most mistakes out; this layer checks the output against the published
//! resource schemas (see `schemas/README.md`), so a property CloudFormation does not know, a
//! value outside an enum or a number out of range fails before anything is deployed — and fails
//! in-process, in milliseconds, with the stack, resource and property path.
//!
//! * Plain resources are checked against their provider schema (`additionalProperties: false`,
//!   enums, ranges, patterns), and must not set read-only properties.
//! * `AWS::Serverless::Function` is checked against SAM's schema. SAM declares most properties
//!   it passes through to Lambda as "anything", so those are also checked against the schema of
//!   the resource SAM passes them to: [`TO_FUNCTION`] maps them onto `AWS::Lambda::Function`
//!   and `FunctionUrlConfig` onto `AWS::Lambda::Url`. (cfn-lint's SAM support checks neither
//!   `Architectures` values nor `FunctionUrlConfig.InvokeMode`; this does.)
//! * Intrinsic functions are wildcards: wherever the template holds `{"Ref": …}` or
//!   `{"Fn::…": …}`, any error the schema reports at or below that value is dropped, and an
//!   `anyOf`/`oneOf` counts as satisfied when one branch failed only there. The value is unknown
//!   until deployment, and substituting an example would either pass patterns by luck or fail
//!   them spuriously (a `GetAtt` of a role is an ARN only at deploy time). What an intrinsic
//!   may name is the `unresolved-ref` lint's job. An intrinsic CloudFormation computes from
//!   literals alone (`Fn::Sub` of literal variables, `Fn::Join` of literals) is no unknown: the
//!   handler receives the text it makes, so that text is judged.
//!
//! The JSON checked is the one the YAML is rendered from; `yaml_roundtrip` pins that the two
//! read the same.

mod cache;
mod replacement;
mod schema;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError, Validator};
use serde_json::{Map, Value};

pub use crate::render::read::read_template;
pub use replacement::{
    Fate, RemovedStack, Replacement, create_only_changes, moved_resources, moved_stacks,
    pending_acknowledgements, removed_stacks, renamed_from, replacements, replacements_of,
    unchangeable, unreadable_finding, unrecorded_removed_stacks, why_unchangeable,
};
pub use schema::SchemaError;
#[cfg(test)]
pub(crate) use schema::all_unchangeable;

use crate::Finding;
use crate::builders::App;
use crate::model::raw::RawValue;

const CODE: &str = "schema";

/// SAM function properties that SAM copies into `AWS::Lambda::Function`, with where they land.
/// Properties SAM reshapes (`Tracing`, `DeadLetterQueue`, `Events`) are left to SAM's schema.
const TO_FUNCTION: &[(&str, &[&str])] = &[
    ("Architectures", &["Architectures"]),
    ("CodeSigningConfigArn", &["CodeSigningConfigArn"]),
    ("Description", &["Description"]),
    ("Environment", &["Environment"]),
    ("EphemeralStorage", &["EphemeralStorage"]),
    ("FileSystemConfigs", &["FileSystemConfigs"]),
    ("FunctionName", &["FunctionName"]),
    ("Handler", &["Handler"]),
    ("ImageConfig", &["ImageConfig"]),
    ("ImageUri", &["Code", "ImageUri"]),
    ("KmsKeyArn", &["KmsKeyArn"]),
    ("Layers", &["Layers"]),
    ("LoggingConfig", &["LoggingConfig"]),
    ("MemorySize", &["MemorySize"]),
    ("PackageType", &["PackageType"]),
    ("RecursiveLoop", &["RecursiveLoop"]),
    (
        "ReservedConcurrentExecutions",
        &["ReservedConcurrentExecutions"],
    ),
    ("Role", &["Role"]),
    ("Runtime", &["Runtime"]),
    ("RuntimeManagementConfig", &["RuntimeManagementConfig"]),
    ("SnapStart", &["SnapStart"]),
    ("Timeout", &["Timeout"]),
    ("VpcConfig", &["VpcConfig"]),
];

const PASSED_TO_FUNCTION: &str = "AWS::Lambda::Function schema; SAM passes the property to it";
const PASSED_TO_URL: &str = "AWS::Lambda::Url schema; SAM passes FunctionUrlConfig to it";

/// `FunctionUrlConfig` keys, which SAM copies into the `AWS::Lambda::Url` it adds.
const TO_URL: &[&str] = &["AuthType", "Cors", "InvokeMode"];

/// Validates every stack's template; an empty result means all of them pass.
pub fn validate(app: &App) -> Vec<Finding> {
    validate_json(app, &templates(app), None)
}

/// [`validate`], skipping resources whose exact JSON passed before with the same schemas and
/// validator: their keys are in the file `cache` (created when missing; see `cache.rs`).
/// Compiling validators is most of a `check`; an unchanged resource needs none.
pub fn validate_cached(app: &App, cache: &Path) -> Vec<Finding> {
    validate_json(app, &templates(app), Some(cache))
}

/// All templates at once, so that validators compile on every core for all of them.
fn validate_json(app: &App, templates: &[Value], cache: Option<&Path>) -> Vec<Finding> {
    let templates: Vec<(&str, &Value)> = app
        .stacks()
        .iter()
        .map(|s| s.name.as_str())
        .zip(templates)
        .collect();
    let mut session = Session::open(cache);
    let (findings, _) = validate_with(&templates, &mut session.cache);
    session.finish();
    findings
}

/// Validation one template at a time against one cache file (see [`validate_cached`]): the
/// pipeline validates each template as it renders it, and drops its JSON form before
/// building the next.
pub(crate) struct Session {
    cache: cache::Cache,
}

impl Session {
    /// `None` validates every resource.
    pub(crate) fn open(cache: Option<&Path>) -> Self {
        Self {
            cache: cache.map_or_else(cache::Cache::none, cache::Cache::open),
        }
    }

    /// Validates stack `stack`'s template, rendered as `text`; `template` gives its JSON form
    /// (CloudFormation's), built only when the text has not passed before.
    pub(crate) fn check(
        &mut self,
        stack: &str,
        template: impl FnOnce() -> Value,
        text: &str,
    ) -> Vec<Finding> {
        if !self.cache.enabled() {
            return validate_with(&[(stack, &template())], &mut self.cache).0;
        }
        let key = cache::text_key(text);
        if self.cache.contains_template(&key) {
            return Vec::new();
        }
        let (findings, resources) = validate_with(&[(stack, &template())], &mut self.cache);
        if findings.is_empty() {
            self.cache.insert_template(key, resources);
        }
        findings
    }

    /// Saves the keys of the resources that passed.
    pub(crate) fn finish(self) {
        // A cache that cannot be written only makes the next run slower.
        let _ = self.cache.save();
    }
}

fn templates(app: &App) -> Vec<Value> {
    app.stacks().iter().map(|s| s.template.to_json()).collect()
}

/// `Fn::GetAtt`s (and `${Id.Attribute}` in `Fn::Sub`) on resources of types infra-gen does not
/// model (raw resources), held to the attributes of the target's type (its schema's
/// readOnlyProperties, and the properties cfn-lint's data says GetAtt reads too); the reference
/// lint checks modelled kinds, whose attributes the kind tests hold to the same schemas.
fn raw_attribute_findings(stack: &str, template: &Value) -> Vec<Finding> {
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else {
        return Vec::new();
    };
    let raw_type = |id: &str| {
        let t = resources.get(id)?.get("Type")?.as_str()?;
        (!crate::model::modelled().any(|(m, _)| *m == t)).then_some(t)
    };
    // Most templates hold no raw resource: nothing to walk.
    if !resources.keys().any(|id| raw_type(id).is_some()) {
        return Vec::new();
    }
    let mut uses: Vec<(String, String, String)> = Vec::new(); // (user, target, attribute)
    for (user, resource) in resources {
        walk(resource, &mut |v| match v {
            Value::Object(m) if m.len() == 1 => {
                if let Some(Value::Array(parts)) = m.get("Fn::GetAtt")
                    && let [Value::String(id), Value::String(attr)] = parts.as_slice()
                {
                    uses.push((user.clone(), id.clone(), attr.clone()));
                }
                let sub = match m.get("Fn::Sub") {
                    Some(Value::String(t)) => Some(t.as_str()),
                    Some(Value::Array(a)) => a.first().and_then(Value::as_str),
                    _ => None,
                };
                for p in sub
                    .map(crate::model::expr::sub_placeholders)
                    .unwrap_or_default()
                {
                    if let Some((id, attr)) = p.split_once('.').filter(|_| !p.starts_with("AWS::"))
                    {
                        uses.push((user.clone(), id.to_owned(), attr.to_owned()));
                    }
                }
            }
            _ => {}
        });
    }
    let mut out = Vec::new();
    for (user, target, attr) in uses {
        let Some(type_name) = raw_type(&target) else {
            continue;
        };
        let readable = schema::attributes(type_name).unwrap_or_default();
        let top = attr.split('.').next().unwrap_or(&attr);
        if !readable.contains(&top) {
            out.push(Finding {
                code: "schema",
                stack: stack.to_owned(),
                resource: user,
                message: format!(
                    "Fn::GetAtt {target}.{attr}: {type_name} has no such attribute (its schema lists {})",
                    if readable.is_empty() { "none".to_owned() } else { readable.join(", ") }
                ),
                fix: format!("read one of the attributes {type_name} has, or Ref it"),
            });
        }
    }
    out
}

fn walk<'a>(v: &'a Value, f: &mut dyn FnMut(&'a Value)) {
    f(v);
    match v {
        Value::Array(items) => items.iter().for_each(|i| walk(i, f)),
        Value::Object(m) => m.values().for_each(|i| walk(i, f)),
        _ => {}
    }
}

/// The findings, and the key of every resource (once each, in template order).
fn validate_with(
    templates: &[(&str, &Value)],
    cache: &mut cache::Cache,
) -> (Vec<Finding>, Vec<String>) {
    let mut all = Vec::new();
    let mut keys = Vec::new();
    let mut todo: Vec<Unit<'_>> = Vec::new();
    for &(stack, t) in templates {
        let mut last: Option<(&Value, String, bool)> = None;
        for unit in units(stack, t) {
            // A SAM function is three units of one resource: hashed once.
            let (key, hit) = match &last {
                Some((r, key, hit)) if std::ptr::eq(*r, unit.resource) => (key.clone(), *hit),
                _ => {
                    let key = cache::key(unit.resource);
                    let hit = cache.contains(&key);
                    all.push(key.clone());
                    last = Some((unit.resource, key.clone(), hit));
                    (key, hit)
                }
            };
            if !hit {
                keys.push((unit.stack, unit.id, key));
                todo.push(unit);
            }
        }
    }
    let mut findings: Vec<Finding> = in_parallel(&todo, Unit::check)
        .into_iter()
        .flatten()
        .collect();
    for &(stack, t) in templates {
        findings.extend(raw_attribute_findings(stack, t));
    }
    for (stack, id, key) in keys {
        if !findings
            .iter()
            .any(|f| f.stack == stack && f.resource == id)
        {
            cache.insert(key);
        }
    }
    (findings, all)
}

/// Validates one template in CloudFormation's JSON form.
#[cfg(test)]
fn validate_template(stack: &str, template: &Value) -> Vec<Finding> {
    units(stack, template)
        .iter()
        .flat_map(Unit::check)
        .collect()
}

/// One independent check of one resource. Compiling validators is most of a `check`'s run
/// time, so checks run on all cores, each compiling what it needs.
struct Unit<'a> {
    stack: &'a str,
    id: &'a str,
    resource: &'a Value,
    kind: Kind,
}

#[derive(Clone, Copy)]
enum Kind {
    Provider(&'static schema::Schema),
    Sam,
    SamToFunction,
    SamToUrl,
    Unknown,
}

fn units<'a>(stack: &'a str, template: &'a Value) -> Vec<Unit<'a>> {
    let resources = template.get("Resources").and_then(Value::as_object);
    let mut out = Vec::new();
    for (id, resource) in resources.into_iter().flatten() {
        let type_name = resource.get("Type").and_then(Value::as_str).unwrap_or("");
        let kinds = if type_name == "AWS::Serverless::Function" {
            vec![Kind::Sam, Kind::SamToFunction, Kind::SamToUrl]
        } else if let Some(schema) = schema::cloudformation(type_name) {
            vec![Kind::Provider(schema)]
        } else {
            vec![Kind::Unknown]
        };
        out.extend(kinds.into_iter().map(|kind| Unit {
            stack,
            id,
            resource,
            kind,
        }));
    }
    out
}

impl Unit<'_> {
    fn check(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut report = |message: String| {
            out.push(Finding {
                code: CODE,
                stack: self.stack.to_owned(),
                resource: self.id.to_owned(),
                message,
                fix: "change the definition (or the builder that set it) so the property matches the schema; schemas/README.md says where the schema comes from".into(),
            });
        };
        let empty = Value::Object(Map::new());
        let properties = self.resource.get("Properties").unwrap_or(&empty);
        let result = match self.kind {
            Kind::Provider(schema) => provider(schema, properties, &mut report),
            Kind::Sam => sam(self.resource, properties, &mut report),
            Kind::SamToFunction => sam_to_function(properties, &mut report),
            Kind::SamToUrl => sam_to_url(self.id, properties, &mut report),
            Kind::Unknown => {
                let type_name = self.resource.get("Type").and_then(Value::as_str);
                report(format!(
                    "{} has no embedded schema; add it with `schemas/refresh.sh <type>`",
                    type_name.unwrap_or("a resource without a Type")
                ));
                Ok(())
            }
        };
        if let Err(e) = result {
            report(e.to_string());
        }
        out
    }
}

fn provider(
    schema: &schema::Schema,
    properties: &Value,
    report: &mut dyn FnMut(String),
) -> Result<(), SchemaError> {
    let read_only = schema.top_level_list("readOnlyProperties")?;
    if let Value::Object(props) = properties {
        for key in props.keys().filter(|k| read_only.contains(&k.as_str())) {
            report(format!(
                "Properties/{key}: {key} is read-only in {}; CloudFormation sets it",
                schema.type_name
            ));
        }
    }
    for e in errors(&*schema.validator(&keys(properties))?, properties) {
        report(describe(
            &e,
            &joined("Properties", &e),
            &format!("{} schema", schema.type_name),
        ));
    }
    Ok(())
}

fn sam(
    resource: &Value,
    properties: &Value,
    report: &mut dyn FnMut(String),
) -> Result<(), SchemaError> {
    let sam = schema::SAM_FUNCTION.validator(&keys(properties))?;
    for e in errors(&sam, resource) {
        report(describe(&e, &joined("", &e), "SAM schema"));
    }
    Ok(())
}

/// Checks what SAM copies into the `AWS::Lambda::Function` against that type's schema.
fn sam_to_function(properties: &Value, report: &mut dyn FnMut(String)) -> Result<(), SchemaError> {
    let mut function = Map::new();
    for (sam, target) in TO_FUNCTION {
        if let Some(v) = properties.get(*sam) {
            insert_at(&mut function, target, v.clone());
        }
    }
    let function = Value::Object(function);
    let schema = lambda_schema("AWS::Lambda::Function")?.validator(&keys(&function))?;
    for e in errors(&schema, &function) {
        if let Some(path) = sam_path_for_function(e.instance_path().as_str()) {
            report(describe(&e, &path, PASSED_TO_FUNCTION));
        }
    }
    Ok(())
}

/// Checks `FunctionUrlConfig` against the schema of the `AWS::Lambda::Url` SAM makes of it.
fn sam_to_url(
    id: &str,
    properties: &Value,
    report: &mut dyn FnMut(String),
) -> Result<(), SchemaError> {
    let Some(Value::Object(url)) = properties.get("FunctionUrlConfig") else {
        return Ok(());
    };
    let mut target = Map::new();
    for key in TO_URL {
        if let Some(v) = url.get(*key) {
            target.insert((*key).to_owned(), v.clone());
        }
    }
    // SAM points the URL at the function; a Ref is what it writes, and it is a wildcard here.
    target.insert("TargetFunctionArn".into(), serde_json::json!({ "Ref": id }));
    let target = Value::Object(target);
    let schema = lambda_schema("AWS::Lambda::Url")?.validator(&keys(&target))?;
    for e in errors(&schema, &target) {
        // The root is SAM's to fill (it adds the required TargetFunctionArn itself).
        if !e.instance_path().as_str().is_empty() {
            let path = joined("Properties/FunctionUrlConfig", &e);
            report(describe(&e, &path, PASSED_TO_URL));
        }
    }
    Ok(())
}

/// The property names of an object (none for anything else).
fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

fn lambda_schema(type_name: &'static str) -> Result<&'static schema::Schema, SchemaError> {
    schema::cloudformation(type_name).ok_or(SchemaError {
        type_name,
        message: "not embedded".into(),
    })
}

fn insert_at(map: &mut Map<String, Value>, path: &[&str], value: Value) {
    match path {
        [] => {}
        [last] => {
            map.insert((*last).to_owned(), value);
        }
        [first, rest @ ..] => {
            let entry = map
                .entry((*first).to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(inner) = entry {
                insert_at(inner, rest, value);
            }
        }
    }
}

/// Where an error in the synthesized Lambda function sits in the SAM template; `None` for the
/// synthesized object's own root (required properties are SAM's business, not the author's).
fn sam_path_for_function(pointer: &str) -> Option<String> {
    TO_FUNCTION.iter().find_map(|(sam, target)| {
        let prefix: String = target.iter().map(|t| format!("/{t}")).collect();
        let rest = pointer.strip_prefix(&prefix)?;
        (rest.is_empty() || rest.starts_with('/')).then(|| format!("Properties/{sam}{rest}"))
    })
}

/// The schema's errors for `instance`, without those intrinsic functions cause, and without
/// those of a scalar CloudFormation converts to the type the schema asks, as it does for every
/// template value (`"365"` for an integer, `"true"` for a boolean, `20` for a string): the
/// converted value is then judged (`"30"` against a retention's enum).
fn errors(validator: &Validator, instance: &Value) -> Vec<ValidationError<'static>> {
    let folded = folded(instance);
    let instance = folded.as_ref().unwrap_or(instance);
    let mut intrinsics = Vec::new();
    intrinsic_paths(instance, &mut String::new(), &mut intrinsics);
    let mut converted: Option<Value> = None;
    // Each round converts at least one value into the type asked at its place; a schema asking
    // two types of one place could go back and forth, hence the bound.
    for _ in 0..8 {
        let current = converted.as_ref().unwrap_or(instance);
        let found: Vec<ValidationError<'_>> = validator
            .iter_errors(current)
            .filter(|e| !caused_by_intrinsic(e, &intrinsics))
            .collect();
        let conversions: Vec<(String, Value)> = found
            .iter()
            .filter_map(|e| match e.kind() {
                ValidationErrorKind::Type { kind } => {
                    let types: Vec<JsonType> = match kind {
                        TypeKind::Single(t) => vec![*t],
                        TypeKind::Multiple(set) => set.iter().collect(),
                    };
                    types
                        .into_iter()
                        .find_map(|t| convert(e.instance(), t))
                        .map(|v| (e.instance_path().as_str().to_owned(), v))
                }
                _ => None,
            })
            .collect();
        if conversions.is_empty() {
            return found.into_iter().map(ValidationError::to_owned).collect();
        }
        let mut next = current.clone();
        for (path, value) in conversions {
            if let Some(slot) = next.pointer_mut(&path) {
                *slot = value;
            }
        }
        converted = Some(next);
    }
    let last = converted.as_ref().unwrap_or(instance);
    validator
        .iter_errors(last)
        .filter(|e| !caused_by_intrinsic(e, &intrinsics))
        .map(ValidationError::to_owned)
        .collect()
}

/// `v` as CloudFormation converts a template scalar to the type `to`: a string of a number
/// (exactly: `"365 "` is none) or of `true`/`false`, or a number or boolean where a string is
/// asked. The lints read raw scalars the same way (`Scope::boolean`, `Scope::integer`).
fn convert(v: &Value, to: JsonType) -> Option<Value> {
    match (v, to) {
        (Value::String(s), JsonType::Integer) => s.parse::<i64>().ok().map(Value::from),
        (Value::String(s), JsonType::Number) => s
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number),
        (Value::String(s), JsonType::Boolean) => match s.to_ascii_lowercase().as_str() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        (Value::Number(n), JsonType::String) => Some(Value::String(n.to_string())),
        (Value::Bool(b), JsonType::String) => Some(Value::String(b.to_string())),
        _ => None,
    }
}

/// `v` with each intrinsic function that CloudFormation computes from literals alone
/// ([`Expr::literal_value`]: `Fn::Sub` of literal variables, `Fn::Join` of literals) replaced
/// by the text it computes, which the resource's handler then receives and the schema judges
/// (`!Sub ["${Days}", {Days: "1095"}]` against a retention's enum); `None` when there is none.
fn folded(v: &Value) -> Option<Value> {
    match v {
        _ if is_intrinsic(v) => {
            let text = RawValue::from_json(v).ok()?.expr()?.literal_value()?;
            Some(Value::String(text))
        }
        Value::Object(m) => {
            let changed: Vec<(&String, Value)> = m
                .iter()
                .filter_map(|(k, c)| Some((k, folded(c)?)))
                .collect();
            (!changed.is_empty()).then(|| {
                let mut m = m.clone();
                for (k, c) in changed {
                    m.insert(k.clone(), c);
                }
                Value::Object(m)
            })
        }
        Value::Array(items) => {
            let changed: Vec<(usize, Value)> = items
                .iter()
                .enumerate()
                .filter_map(|(i, c)| Some((i, folded(c)?)))
                .collect();
            (!changed.is_empty()).then(|| {
                let mut items = items.clone();
                for (i, c) in changed {
                    items[i] = c;
                }
                Value::Array(items)
            })
        }
        _ => None,
    }
}

fn is_intrinsic(v: &Value) -> bool {
    match v {
        Value::Object(m) if m.len() == 1 => m
            .keys()
            .next()
            .is_some_and(|k| k == "Ref" || k.starts_with("Fn::")),
        _ => false,
    }
}

/// JSON pointers of every intrinsic function in `v` (outermost only).
fn intrinsic_paths(v: &Value, path: &mut String, out: &mut Vec<String>) {
    if is_intrinsic(v) {
        out.push(path.clone());
        return;
    }
    let len = path.len();
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                path.push('/');
                path.push_str(&k.replace('~', "~0").replace('/', "~1"));
                intrinsic_paths(child, path, out);
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push_str(&format!("/{i}"));
                intrinsic_paths(child, path, out);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

fn caused_by_intrinsic(e: &ValidationError<'_>, intrinsics: &[String]) -> bool {
    let at = e.instance_path().as_str();
    let under = |p: &String| {
        at == p
            || at
                .strip_prefix(p.as_str())
                .is_some_and(|r| r.starts_with('/'))
    };
    if intrinsics.iter().any(under) {
        return true;
    }
    match e.kind() {
        // Satisfied if some branch failed only because of intrinsics.
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            context
                .iter()
                .any(|branch| branch.iter().all(|b| caused_by_intrinsic(b, intrinsics)))
        }
        _ => false,
    }
}

/// `path: what is wrong (which schema)`, worded for the person who wrote the definition.
fn describe(e: &ValidationError<'_>, path: &str, schema: &str) -> String {
    let what = match e.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => format!(
            "unknown propert{} {}",
            if unexpected.len() == 1 { "y" } else { "ies" },
            unexpected.join(", ")
        ),
        ValidationErrorKind::Enum { options } => {
            format!("{} is not one of {options}", e.instance())
        }
        ValidationErrorKind::Minimum { limit } => {
            format!("{} is below the minimum {limit}", e.instance())
        }
        ValidationErrorKind::Maximum { limit } => {
            format!("{} is above the maximum {limit}", e.instance())
        }
        _ => e.to_string(),
    };
    let path = if path.is_empty() { "(resource)" } else { path };
    format!("{path}: {what} ({schema})")
}

/// The display path of an error: `base` followed by the error's pointer.
fn joined(base: &str, e: &ValidationError<'_>) -> String {
    format!("{base}{}", e.instance_path().as_str())
        .trim_start_matches('/')
        .to_owned()
}

/// The cores this process may use, asked once (the answer reads cgroup files).
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `f` over `items` on every core, results in the order of `items`. The calling thread works
/// too; a single item runs on it alone.
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if items.len() < 2 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            let r = f(item);
            // A poisoned lock means another item panicked, which fails the run anyway.
            let mut results = results.lock().unwrap_or_else(|e| e.into_inner());
            results[i] = Some(r);
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..cores().min(items.len()) {
            scope.spawn(work);
        }
        work();
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests;
