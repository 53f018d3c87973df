//! `infra-gen review`: what a change to the definitions does in AWS, in words, for the people
//! who approve it. Two sets of templates are compared by meaning (both read with the crate's
//! one YAML reader): the base is what a git ref committed in `generated/` (a pure function of
//! its definitions, so its render with no second build), the head the current render or
//! another ref. Per stack it lists resources added, removed, replaced (which create-only
//! property or logical ID) and modified; permissions as rows judged widening or narrowing
//! ([`policy`]); exposure (Function URL auth, CORS); stateful resources replaced or deleted;
//! environment variables; operations settings; and deploy-order changes. The [`Review::gate`]
//! lists what needs an explicit approval: a widening, or a stateful resource replaced or
//! deleted.

mod git;
pub mod policy;
mod write;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::ExitCode;
use std::rc::Rc;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::builders::App;
use crate::model::lambda::{EnvName, EnvVar};
use crate::model::{Expr, Properties, raw};
use crate::pipeline::{self, Failure};
use crate::render::{GeneratedFile, read::read_stack_template};
use crate::{lint, validate};

pub use git::{Pending, committed, start};
pub use policy::{PermissionChange, Row, Verdict};
pub use write::{MARKER, markdown, plain};

/// `infra-gen review`'s arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The git ref to compare with (a branch, tag or commit): its committed generated/.
    #[arg(long)]
    base: String,
    /// Compare with another ref's committed generated/ instead of the current definitions.
    #[arg(long)]
    head: Option<String>,
    /// GitHub-flavoured Markdown (for $GITHUB_STEP_SUMMARY and a pull-request comment).
    #[arg(long, conflicts_with = "json")]
    markdown: bool,
    /// JSON for scripts.
    #[arg(long)]
    json: bool,
}

/// How the review names a head rendered from the definitions.
const HEAD_LABEL: &str = "the definitions";

/// Exit code of a review whose change needs an explicit approval (see [`Review::gate`]).
pub const GATED: u8 = 3;

/// Runs `infra-gen review` in the repository at `root` for `app`. Exit codes: 0 nothing
/// gated, [`GATED`] a widening or a stateful resource replaced or deleted, 1 definitions that
/// fail their lints or schemas, 2 bad input (unknown ref, no `generated/` there, a template
/// that cannot be read).
pub fn run(args: &Args, app: &App, root: &Path, schema_cache: &Path) -> ExitCode {
    let bad = |e: &dyn std::fmt::Display| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    };
    /// What the head is: another ref's committed templates, or the definitions' render.
    enum Head<'a> {
        Ref(&'a str),
        Render(Vec<GeneratedFile>),
    }
    // git starts and resolves the base while the definitions render.
    let base = start(root, &args.base);
    let head = match &args.head {
        Some(reference) => Head::Ref(reference),
        None => match pipeline::run(app, &root.join("generated"), Some(schema_cache)) {
            Ok(rendered) => Head::Render(rendered.files().to_vec()),
            // The review is where a reviewer sees the replacement: it is in the gate.
            Err(Failure::Replacement { files, .. }) => Head::Render(files),
            Err(e @ Failure::Read { .. }) => return bad(&e),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(1);
            }
        },
    };
    let base = match base.and_then(Pending::finish) {
        Ok(t) => t,
        Err(e) => return bad(&e),
    };
    let head = match head {
        Head::Render(files) => Templates::of_app(HEAD_LABEL, app, &files, Some(&base)),
        Head::Ref(reference) => match committed(root, reference) {
            Ok(t) => t,
            Err(e) => return bad(&e),
        },
    };
    let context = Context {
        app,
        head_is_app: args.head.is_none(),
    };
    let review = match compare(&base, &head, &context) {
        Ok(r) => r,
        Err(e) => return bad(&e),
    };
    let out = if args.json {
        match serde_json::to_string_pretty(&review) {
            Ok(json) => json + "\n",
            Err(e) => return bad(&e),
        }
    } else if args.markdown {
        markdown(&review)
    } else {
        plain(&review)
    };
    // A reader that stops early (`| head`) is not an error of the review.
    let _ = std::io::Write::write_all(&mut std::io::stdout(), out.as_bytes());
    let code = if review.gated() {
        ExitCode::from(GATED)
    } else {
        ExitCode::SUCCESS
    };
    // The process ends here: freeing every parsed template one allocation at a time would
    // cost more than comparing them (as `check` does with its render).
    std::mem::forget((base, head, review));
    code
}

/// One side of a review: each stack's template text, by stack name.
#[derive(Debug, Clone)]
pub struct Templates {
    /// What the side is, for the reader: `main (1a2b3c4d5e6f)`, `the definitions`.
    pub label: String,
    /// (stack, template text), in deployment order when known.
    pub files: Vec<(String, String)>,
    /// JSON forms already known for a stack's text (the model's, for a render): used instead
    /// of parsing that text again, only while `files` still holds exactly that text.
    known: BTreeMap<String, (String, Rc<Value>)>,
    /// Each stack's region, as the side's `samconfig.toml` records it (none when it does not):
    /// `${AWS::Region}` in a template is that region.
    regions: BTreeMap<String, String>,
}

impl Templates {
    pub fn new(label: impl Into<String>, files: Vec<(String, String)>) -> Self {
        Self {
            label: label.into(),
            files,
            known: BTreeMap::new(),
            regions: BTreeMap::new(),
        }
    }

    /// These templates with the stacks' regions read from `samconfig` (the text of the side's
    /// `samconfig.toml`); a text that does not parse records none.
    pub fn with_samconfig(mut self, samconfig: &str) -> Self {
        self.regions = crate::render::samconfig::recorded_regions(samconfig).unwrap_or_default();
        self
    }

    /// The pseudo parameters both sides fix for `stack`: its name, and its region and
    /// partition when both sides record the same region (a stack moved to another region is
    /// another stack there).
    fn fixed<'a>(&'a self, other: &Templates, stack: &'a str) -> Vec<(&'static str, &'a str)> {
        let mut fixed = vec![("AWS::StackName", stack)];
        if let Some(region) = self
            .regions
            .get(stack)
            .filter(|r| other.regions.get(stack) == Some(*r))
        {
            fixed.push(("AWS::Region", region.as_str()));
            fixed.push(("AWS::Partition", crate::lint::resolve::partition(region)));
        }
        fixed
    }

    /// The templates `app` renders to (`files`, as the pipeline returned them), with the JSON
    /// form from the model of each stack whose text differs from `base`'s: the YAML reader
    /// gives the same (tests/yaml_roundtrip.rs holds them equal), so the render is not read
    /// back, and unchanged stacks cost nothing.
    pub fn of_app(
        label: impl Into<String>,
        app: &App,
        files: &[GeneratedFile],
        base: Option<&Templates>,
    ) -> Self {
        let mut t = Self::rendered(label, files);
        for stack in app.stacks() {
            let name = stack.name.to_string();
            let Some((_, text)) = t.files.iter().find(|(s, _)| *s == name) else {
                continue;
            };
            let unchanged =
                base.is_some_and(|b| b.files.iter().any(|(s, x)| *s == name && x == text));
            if !unchanged {
                let known = (text.clone(), Rc::new(stack.template.to_json()));
                t.known.insert(name, known);
            }
        }
        t
    }
}

impl Templates {
    /// The templates among `files` (a render: templates first, then pages), by stack name,
    /// with the regions its `samconfig.toml` records.
    pub fn rendered(label: impl Into<String>, files: &[GeneratedFile]) -> Self {
        let templates = Self::new(
            label,
            files
                .iter()
                .filter_map(|f| {
                    let stack = f.path.strip_suffix(".yaml")?;
                    Some((stack.to_owned(), f.contents.clone()))
                })
                .collect(),
        );
        match files
            .iter()
            .find(|f| f.path == crate::render::samconfig::PATH)
        {
            Some(samconfig) => templates.with_samconfig(&samconfig.contents),
            None => templates,
        }
    }
}

/// `app`'s templates as the pipeline renders them, in memory (lints and schemas included).
pub fn render(app: &App) -> Result<Templates, Failure> {
    Ok(Templates::of_app(
        HEAD_LABEL,
        app,
        &pipeline::validated(app)?,
        None,
    ))
}

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// An unknown ref, a ref without `generated/`, git not runnable.
    #[error("{0}")]
    Git(String),
    #[error("cannot read template generated/{file} of {side}: {message}")]
    Unreadable {
        side: String,
        file: String,
        message: String,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub base: String,
    pub head: String,
    /// Stacks whose template text or deploy order differs, in head order, then removed ones.
    pub stacks: Vec<StackReview>,
    /// Why the change needs an explicit approval; empty when it does not.
    pub gate: Vec<String>,
}

impl Review {
    pub fn gated(&self) -> bool {
        !self.gate.is_empty()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StackReview {
    pub stack: String,
    /// `added`, `removed`, `changed`, `text-only` (comments or layout, same meaning),
    /// `deploy-order` (the same template, deployed after other stacks) or `moved` (to another
    /// region: a new stack there, the old one keeping its resources).
    pub change: &'static str,
    /// For `moved`: the regions the base and the head record.
    pub region: Option<Move>,
    /// The stacks it must deploy after, when that changes (base, head).
    pub deploy_order: Option<Order>,
    pub resources: Vec<ResourceChange>,
    pub permissions: Vec<PermissionChange>,
    pub exposure: Vec<ExposureChange>,
    pub stateful: Vec<StatefulChange>,
    pub environment: Vec<EnvChange>,
    pub operations: Vec<SettingChange>,
}

/// A stack recorded in one region by the base and in another by the head, or in none by the
/// base (`from: None`: no `samconfig.toml`, one that does not parse, or none for the stack),
/// which at worst is another.
#[derive(Debug, Clone, Serialize)]
pub struct Move {
    pub from: Option<String>,
    pub to: String,
}

impl Move {
    /// Where the stack was, in words.
    pub fn from_words(&self) -> &str {
        self.from
            .as_deref()
            .unwrap_or("a region the base's samconfig.toml does not record")
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Order {
    pub before: Vec<String>,
    pub after: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResourceChange {
    pub id: String,
    #[serde(rename = "type")]
    pub type_name: String,
    /// `added`, `removed`, `replaced`, `modified`, or `fails`: an update CloudFormation
    /// refuses (a property the type cannot change, such as a KMS key's `KeySpec`).
    pub change: &'static str,
    /// For `replaced`: what forces it (create-only properties, the type, the logical ID); for
    /// `fails`: the properties that cannot change.
    pub why: Vec<String>,
    pub properties: Vec<SettingChange>,
}

/// A value before → after (`None`: absent on that side).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SettingChange {
    pub resource: String,
    pub setting: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExposureChange {
    pub resource: String,
    pub what: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub widening: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatefulChange {
    pub resource: String,
    #[serde(rename = "type")]
    pub type_name: String,
    /// `replaced`, `deleted` or `left behind` (with the old stack of a stack moved to another
    /// region).
    pub change: &'static str,
    pub why: Vec<String>,
    /// The definition's `acknowledge_replacement` reason; `None` when there is none or, for a
    /// committed head, when templates do not carry it (`acknowledgement_known`).
    pub acknowledged: Option<String>,
    pub acknowledgement_known: bool,
    /// Whether the old resource is retained (orphaned with its data) rather than deleted.
    pub retained: bool,
}

/// An environment variable by name; values that look like secrets are never shown.
#[derive(Debug, Clone, Serialize)]
pub struct EnvChange {
    pub function: String,
    pub name: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Shown instead of a value that looks like a secret.
pub const HIDDEN: &str = "(hidden: looks like a secret)";

/// What the review needs besides the templates: the definitions, for the secret rules and,
/// when the head is their render, the acknowledged replacements.
pub struct Context<'a> {
    pub app: &'a App,
    /// The head templates are `app`'s render (not another ref's committed files).
    pub head_is_app: bool,
}

/// Compares `base` with `head`. A template that does not parse is an error naming it.
pub fn compare(
    base: &Templates,
    head: &Templates,
    context: &Context<'_>,
) -> Result<Review, ReviewError> {
    let unchanged = |a: &Templates, b: &Templates| {
        a.files.len() == b.files.len()
            && a.files.iter().all(|f| b.files.iter().any(|g| g == f))
            && a.regions == b.regions
    };
    if unchanged(base, head) {
        return Ok(Review {
            base: base.label.clone(),
            head: head.label.clone(),
            stacks: Vec::new(),
            gate: Vec::new(),
        });
    }
    let secrets = Secrets::new(context.app);
    let new = parse(head, &Parsed::new())?;
    let old = parse(base, &new)?;
    let (old_links, new_links) = (links(&old), links(&new));
    let mut names: Vec<&String> = head.files.iter().map(|(s, _)| s).collect();
    names.extend(
        base.files
            .iter()
            .map(|(s, _)| s)
            .filter(|s| !new.contains_key(*s)),
    );
    let mut stacks = Vec::new();
    for name in names {
        let (b, h) = (old.get(name), new.get(name));
        let (before, after) = (old_links.get(name), new_links.get(name));
        let same_text = matches!((b, h), (Some((_, bt)), Some((_, ht))) if bt == ht);
        // A stack is its name in one region: recorded in another on each side, it is a new
        // stack there, and the old one keeps what it holds. Where the base records none, it
        // may have been anywhere: at worst another region, as the replacement guard takes it.
        let moved = match (base.regions.get(name), head.regions.get(name)) {
            (from, Some(to)) if from != Some(to) && b.is_some() && h.is_some() => Some(Move {
                from: from.cloned(),
                to: to.clone(),
            }),
            _ => None,
        };
        if same_text && before == after && moved.is_none() {
            continue;
        }
        let mut review = stack(
            name,
            b.map(|(v, _)| v.as_ref()),
            h.map(|(v, _)| v.as_ref()),
            &base.fixed(head, name),
            context,
            &secrets,
        );
        if let Some(m) = moved {
            review.change = "moved";
            review.stateful = left_behind(name, b.map(|(v, _)| v.as_ref()), &m, context);
            review.region = Some(m);
        } else if same_text {
            review.change = "deploy-order";
        } else if let (Some((bv, _)), Some((hv, _))) = (b, h)
            && bv == hv
        {
            review.change = "text-only";
        }
        if before != after {
            review.deploy_order = Some(Order {
                before: before.cloned().unwrap_or_default(),
                after: after.cloned().unwrap_or_default(),
            });
        }
        stacks.push(review);
    }
    let gate = gate(&stacks);
    Ok(Review {
        base: base.label.clone(),
        head: head.label.clone(),
        stacks,
        gate,
    })
}

/// Each stack's template in JSON form, with its text.
type Parsed<'a> = BTreeMap<String, (Rc<Value>, &'a str)>;

/// `side`'s templates parsed; a text identical to `known`'s for the same stack is not parsed
/// again (most templates are unchanged between base and head).
fn parse<'a>(side: &'a Templates, known: &Parsed<'_>) -> Result<Parsed<'a>, ReviewError> {
    side.files
        .iter()
        .map(|(stack, text)| {
            if let Some((json, t)) = known.get(stack)
                && *t == text.as_str()
            {
                return Ok((stack.clone(), (Rc::clone(json), text.as_str())));
            }
            if let Some((t, json)) = side.known.get(stack)
                && t == text
            {
                return Ok((stack.clone(), (Rc::clone(json), text.as_str())));
            }
            read_stack_template(text)
                .map(|v| (stack.clone(), (Rc::new(v), text.as_str())))
                .map_err(|message| ReviewError::Unreadable {
                    side: side.label.clone(),
                    file: format!("{stack}.yaml"),
                    message,
                })
        })
        .collect()
}

/// What needs an explicit approval, one sentence each.
fn gate(stacks: &[StackReview]) -> Vec<String> {
    let mut out = Vec::new();
    for s in stacks {
        for p in s
            .permissions
            .iter()
            .filter(|p| p.verdict == Verdict::Widening)
        {
            out.push(format!(
                "{}: permissions widen: {} to {}: {}",
                s.stack,
                p.change,
                p.row.holder,
                p.row.describe()
            ));
        }
        for e in s.exposure.iter().filter(|e| e.widening) {
            out.push(format!(
                "{}: exposure widens: {} of {}: {} → {}",
                s.stack,
                e.what,
                e.resource,
                e.before.as_deref().unwrap_or("none"),
                e.after.as_deref().unwrap_or("none")
            ));
        }
        for st in &s.stateful {
            out.push(format!(
                "{}: stateful {} {} is {}",
                s.stack, st.type_name, st.resource, st.change
            ));
        }
        for r in s.resources.iter().filter(|r| r.change == "fails") {
            out.push(format!(
                "{}: {} {}: CloudFormation fails the update: {}",
                s.stack,
                r.type_name,
                r.id,
                r.why.join(", ")
            ));
        }
    }
    out
}

static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

fn resources(template: Option<&Value>) -> &Map<String, Value> {
    template
        .and_then(|t| t.get("Resources"))
        .and_then(Value::as_object)
        .unwrap_or(&EMPTY)
}

fn type_of(resource: &Value) -> &str {
    resource.get("Type").and_then(Value::as_str).unwrap_or("")
}

/// Whether replacing or deleting `resource` loses data: a retained resource, a kind that is
/// [`STATEFUL`](crate::model::Kind::STATEFUL) or a type that holds data (also by its
/// properties: `raw::resource_holds_data`). Any other resource a template holds without `Retain`
/// was declared stateless (`Raw::stateless`, which lint `stateful-policy` refuses for every
/// type that holds data), as the replacement guard reads it.
fn is_stateful(resource: &Value) -> bool {
    let type_name = type_of(resource);
    retained(resource)
        || raw::resource_holds_data(type_name, |p| {
            resource.pointer(&format!("/Properties/{p}")).is_some()
        })
}

fn retained(resource: &Value) -> bool {
    ["DeletionPolicy", "UpdateReplacePolicy"]
        .iter()
        .any(|k| resource.get(*k).and_then(Value::as_str) == Some("Retain"))
}

/// The schema whose create-only properties apply: SAM passes a function's `FunctionName` and
/// `PackageType` through to the `AWS::Lambda::Function` it creates.
fn schema_type(type_name: &str) -> &str {
    match type_name {
        "AWS::Serverless::Function" => "AWS::Lambda::Function",
        other => other,
    }
}

fn stack(
    name: &str,
    base: Option<&Value>,
    head: Option<&Value>,
    fixed: &[(&str, &str)],
    cx: &Context<'_>,
    secrets: &Secrets,
) -> StackReview {
    let (old, new) = (resources(base), resources(head));
    let mut out = StackReview {
        stack: name.to_owned(),
        change: match (base, head) {
            (None, _) => "added",
            (_, None) => "removed",
            _ => "changed",
        },
        deploy_order: None,
        region: None,
        resources: Vec::new(),
        permissions: Vec::new(),
        exposure: Vec::new(),
        stateful: Vec::new(),
        environment: Vec::new(),
        operations: Vec::new(),
    };
    // Pairs (base id, head id) of the same resource; a stateful resource under a new logical
    // ID pairs with the gone one of its type (what the replacement guard calls a rename).
    let mut renamed: BTreeSet<String> = BTreeSet::new();
    let mut pairs: Vec<(Option<String>, Option<String>)> = Vec::new();
    for (id, r) in new {
        if old.contains_key(id) {
            pairs.push((Some(id.clone()), Some(id.clone())));
        } else if let Some(was) = validate::renamed_from(old, type_of(r), |x| {
            new.contains_key(x) || renamed.contains(x)
        }) {
            renamed.insert(was.to_owned());
            pairs.push((Some(was.to_owned()), Some(id.clone())));
        } else {
            pairs.push((None, Some(id.clone())));
        }
    }
    for id in old.keys() {
        if !new.contains_key(id) && !renamed.contains(id) {
            pairs.push((Some(id.clone()), None));
        }
    }
    for (was, id) in pairs {
        let (b, h) = (was.as_ref().map(|i| &old[i]), id.as_ref().map(|i| &new[i]));
        if b == h && was == id {
            continue;
        }
        let shown = id.clone().or(was.clone()).unwrap_or_default();
        let resource = b.or(h).unwrap_or(&Value::Null);
        let type_name = type_of(h.unwrap_or(resource)).to_owned();
        let mut why = Vec::new();
        let mut fails: Vec<String> = Vec::new();
        let change = match (b, h) {
            (None, _) => "added",
            (_, None) => "removed",
            (Some(b), Some(h)) => {
                if was != id {
                    why.push(format!(
                        "the logical ID (was {})",
                        was.as_deref().unwrap_or("")
                    ));
                }
                if type_of(b) != type_of(h) {
                    why.push(format!("the type (was {})", type_of(b)));
                } else {
                    // Unreadable schemas are a build defect the schema tests catch.
                    let forced =
                        validate::create_only_changes(schema_type(&type_name), b, Some(h), fixed)
                            .unwrap_or_default();
                    // A property the type cannot change at all (a KMS key's `KeySpec`) makes
                    // CloudFormation fail the update: nothing is replaced, nothing deploys.
                    fails = validate::unchangeable(schema_type(&type_name), &forced)
                        .into_iter()
                        .map(|p| validate::why_unchangeable(&type_name, p))
                        .collect();
                    why.extend(
                        forced
                            .into_iter()
                            .map(|p| format!("create-only property {p}")),
                    );
                }
                if !fails.is_empty() {
                    why = std::mem::take(&mut fails);
                    "fails"
                } else if why.is_empty() {
                    "modified"
                } else {
                    "replaced"
                }
            }
        };
        let mut properties = Vec::new();
        // An added or removed resource is listed whole, not property by property.
        if b.is_some() && h.is_some() {
            settings(&shown, "", b, h, secrets, &mut properties);
        }
        let lost = matches!(change, "replaced" | "removed")
            && (b.is_some_and(is_stateful) || h.is_some_and(is_stateful));
        if lost {
            let ack = cx
                .head_is_app
                .then(|| acknowledgement(cx.app, name, &shown))
                .flatten();
            out.stateful.push(StatefulChange {
                resource: shown.clone(),
                type_name: type_name.clone(),
                change: if change == "removed" {
                    "deleted"
                } else {
                    "replaced"
                },
                why: why.clone(),
                acknowledged: if change == "removed" { None } else { ack },
                acknowledgement_known: cx.head_is_app && change != "removed",
                retained: b.is_some_and(retained),
            });
        }
        exposure(&shown, b, h, &mut out.exposure);
        environment(&shown, b, h, secrets, &mut out.environment);
        operations(&shown, b, h, &properties, &mut out.operations);
        out.resources.push(ResourceChange {
            id: shown,
            type_name,
            change,
            why,
            properties,
        });
    }
    let rows = |m: &Map<String, Value>| -> Vec<Row> {
        m.iter().flat_map(|(id, r)| policy::rows(id, r)).collect()
    };
    out.permissions = policy::compare(&rows(old), &rows(new));
    out
}

/// The stateful resources of `base` (a stack's template) that a move to another region leaves
/// with the old stack: the new stack creates new, empty ones.
fn left_behind(
    stack: &str,
    base: Option<&Value>,
    m: &Move,
    cx: &Context<'_>,
) -> Vec<StatefulChange> {
    resources(base)
        .iter()
        .filter(|(_, r)| is_stateful(r))
        .map(|(id, r)| StatefulChange {
            resource: id.clone(),
            type_name: type_of(r).to_owned(),
            change: "left behind",
            why: vec![match &m.from {
                Some(from) => format!(
                    "the stack moves from {from} to {}: a new stack there",
                    m.to
                ),
                None => format!(
                    "the base's samconfig.toml does not record where the stack was deployed: at worst it moves to {}, a new stack there",
                    m.to
                ),
            }],
            acknowledged: cx
                .head_is_app
                .then(|| cx.app.removed_stack(stack).map(|a| a.reason().to_owned()))
                .flatten(),
            acknowledgement_known: cx.head_is_app,
            retained: retained(r),
        })
        .collect()
}

/// The definition's acknowledgement of replacing `resource` of `stack`.
fn acknowledgement(app: &App, stack: &str, resource: &str) -> Option<String> {
    app.stacks()
        .iter()
        .find(|s| s.name.as_str() == stack)?
        .template
        .resource(resource)?
        .replacement_ack
        .as_ref()
        .map(|a| a.reason().to_owned())
}

/// Leaf changes between two resources' JSON, as `Properties/MemorySize: 512 → 1024`. Policy
/// documents and environment variables are summarised by path: the permissions and
/// environment sections show them row by row (and never show secret values).
fn settings(
    resource: &str,
    path: &str,
    before: Option<&Value>,
    after: Option<&Value>,
    secrets: &Secrets,
    out: &mut Vec<SettingChange>,
) {
    if before == after {
        return;
    }
    let summarised = path.ends_with("/Environment/Variables")
        || [before, after]
            .iter()
            .any(|v| v.is_some_and(|v| v.get("Statement").is_some()));
    if summarised {
        let what = if path.ends_with("/Environment/Variables") {
            "environment"
        } else {
            "permissions"
        };
        out.push(SettingChange {
            resource: resource.to_owned(),
            setting: path.trim_start_matches('/').to_owned(),
            before: before.map(|_| format!("(see {what})")),
            after: after.map(|_| format!("(see {what})")),
        });
        return;
    }
    match (before, after) {
        (Some(Value::Object(b)), Some(Value::Object(a)))
            if !is_expression(b) && !is_expression(a) =>
        {
            let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
            // In the order the template writes them: head keys first, then removed ones.
            let mut ordered: Vec<&String> = a.keys().chain(b.keys()).collect();
            ordered.dedup();
            let mut seen = BTreeSet::new();
            for k in ordered.into_iter().filter(|k| keys.contains(k)) {
                if seen.insert(k) {
                    settings(
                        resource,
                        &format!("{path}/{k}"),
                        b.get(k),
                        a.get(k),
                        secrets,
                        out,
                    );
                }
            }
        }
        (Some(Value::Array(b)), Some(Value::Array(a))) if b.len() == a.len() => {
            for (i, (x, y)) in b.iter().zip(a).enumerate() {
                settings(
                    resource,
                    &format!("{path}/{i}"),
                    Some(x),
                    Some(y),
                    secrets,
                    out,
                );
            }
        }
        _ => {
            // Named by the last word of the path that is not a list index.
            let name = path
                .rsplit('/')
                .find(|w| !w.is_empty() && !w.bytes().all(|b| b.is_ascii_digit()))
                .unwrap_or("value");
            // What AWS receives is judged; `Metadata` holds notes for tools (SAM's build
            // settings, suppression reasons), which no service reads back.
            let shown = |v: &Value| {
                if path.starts_with("/Metadata/") {
                    text(v)
                } else {
                    secrets.shown(name, v)
                }
            };
            out.push(SettingChange {
                resource: resource.to_owned(),
                setting: path.trim_start_matches('/').to_owned(),
                before: before.map(shown),
                after: after.map(shown),
            });
        }
    }
}

/// Whether an object is an intrinsic function (`Ref`, `Fn::…`), read as one value.
fn is_expression(m: &Map<String, Value>) -> bool {
    m.len() == 1
        && m.keys()
            .next()
            .is_some_and(|k| k == "Ref" || k.starts_with("Fn::"))
}

/// A value in a reviewer's words: strings as they are, `Ref`/`GetAtt` as `${X}`/`${X.Attr}`,
/// `Sub` with its variables filled in, other values as compact JSON.
pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(m) if is_expression(m) => {
            let (k, arg) = m
                .iter()
                .next()
                .map_or(("", &Value::Null), |(k, a)| (k.as_str(), a));
            match (k, arg) {
                ("Ref", a) => format!("${{{}}}", text(a)),
                ("Fn::GetAtt", Value::Array(parts)) => format!(
                    "${{{}}}",
                    parts.iter().map(text).collect::<Vec<_>>().join(".")
                ),
                ("Fn::GetAtt", a) => format!("${{{}}}", text(a)),
                ("Fn::Sub", Value::String(s)) => s.clone(),
                ("Fn::Sub", Value::Array(parts)) => {
                    let mut s = parts.first().map(text).unwrap_or_default();
                    if let Some(Value::Object(vars)) = parts.get(1) {
                        for (name, value) in vars {
                            s = s.replace(&format!("${{{name}}}"), &text(value));
                        }
                    }
                    s
                }
                ("Fn::ImportValue", a) => format!("${{import {}}}", text(a)),
                ("Fn::Join", Value::Array(parts)) => match (parts.first(), parts.get(1)) {
                    (Some(sep), Some(Value::Array(items))) => {
                        items.iter().map(text).collect::<Vec<_>>().join(&text(sep))
                    }
                    _ => v.to_string(),
                },
                _ => v.to_string(),
            }
        }
        other => other.to_string(),
    }
}

/// The SAM function's URL configuration or an `AWS::Lambda::Url`'s properties.
fn url(resource: Option<&Value>) -> Option<&Value> {
    let r = resource?;
    match type_of(r) {
        "AWS::Serverless::Function" => r.pointer("/Properties/FunctionUrlConfig"),
        "AWS::Lambda::Url" => r.get("Properties"),
        _ => None,
    }
}

/// Function URL auth and CORS. Who may call: no URL < `AWS_IAM` (callers with IAM
/// credentials granted the call) < `NONE` (anyone). CORS lists are allowlists: an entry a
/// base entry does not cover (origins by wildcard) widens what browsers let pages read, and
/// allowing credentials widens it too.
fn exposure(id: &str, b: Option<&Value>, h: Option<&Value>, out: &mut Vec<ExposureChange>) {
    let (before, after) = (url(b), url(h));
    if before.is_none() && after.is_none() {
        return;
    }
    let auth =
        |u: Option<&Value>| u.map(|u| u.get("AuthType").map_or_else(|| "AWS_IAM".to_owned(), text));
    let rank = |a: &Option<String>| match a.as_deref() {
        None => 0,
        Some("AWS_IAM") => 1,
        Some(_) => 2,
    };
    let (ab, ah) = (auth(before), auth(after));
    if ab != ah {
        let public = |a: Option<String>| {
            a.map(|a| {
                if a == "NONE" {
                    "NONE (anyone on the internet)".to_owned()
                } else {
                    a
                }
            })
        };
        out.push(ExposureChange {
            resource: id.to_owned(),
            what: "Function URL auth".into(),
            widening: rank(&ah) > rank(&ab),
            before: public(ab),
            after: public(ah),
        });
    }
    let list = |u: Option<&Value>, field: &str| -> Vec<String> {
        match u.and_then(|u| u.pointer(&format!("/Cors/{field}"))) {
            Some(Value::Array(items)) => items.iter().map(text).collect(),
            Some(v) => vec![text(v)],
            None => Vec::new(),
        }
    };
    for field in [
        "AllowOrigins",
        "AllowMethods",
        "AllowHeaders",
        "ExposeHeaders",
    ] {
        let (old, new) = (list(before, field), list(after, field));
        let covered = |x: &String, by: &[String]| {
            by.iter().any(|w| {
                if field == "AllowOrigins" || w == "*" {
                    policy::covers(&w.to_ascii_lowercase(), &x.to_ascii_lowercase())
                } else {
                    w.eq_ignore_ascii_case(x)
                }
            })
        };
        for x in new.iter().filter(|x| !old.contains(x)) {
            out.push(ExposureChange {
                resource: id.to_owned(),
                what: format!("CORS {field}"),
                before: None,
                after: Some(x.clone()),
                widening: !covered(x, &old),
            });
        }
        for x in old.iter().filter(|x| !new.contains(x)) {
            out.push(ExposureChange {
                resource: id.to_owned(),
                what: format!("CORS {field}"),
                before: Some(x.clone()),
                after: None,
                widening: false,
            });
        }
    }
    let credentials = |u: Option<&Value>| {
        u.and_then(|u| u.pointer("/Cors/AllowCredentials"))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    let (cb, ch) = (credentials(before), credentials(after));
    if cb != ch {
        out.push(ExposureChange {
            resource: id.to_owned(),
            what: "CORS AllowCredentials".into(),
            before: Some(cb.to_string()),
            after: Some(ch.to_string()),
            widening: ch,
        });
    }
}

fn variables(resource: Option<&Value>) -> &Map<String, Value> {
    resource
        .and_then(|r| r.pointer("/Properties/Environment/Variables"))
        .and_then(Value::as_object)
        .unwrap_or(&EMPTY)
}

/// Environment variables by name; a literal value is shown only when the crate's secret rules
/// (lint `secret-in-env`) would not flag it.
fn environment(
    id: &str,
    b: Option<&Value>,
    h: Option<&Value>,
    secrets: &Secrets,
    out: &mut Vec<EnvChange>,
) {
    let (old, new) = (variables(b), variables(h));
    let shown = |name: &str, v: Option<&Value>| {
        v.map(|v| match v {
            Value::String(s) if secrets.hides(name, s) => HIDDEN.to_owned(),
            other => text(other),
        })
    };
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for name in names {
        let (before, after) = (old.get(name), new.get(name));
        if before != after {
            out.push(EnvChange {
                function: id.to_owned(),
                name: name.clone(),
                before: shown(name, before),
                after: shown(name, after),
            });
        }
    }
}

/// Judges values by the crate's secret rules: lint `secret-in-env`, run on a copy of one of
/// the definitions' functions (alone in its stack, so no other lint does work) holding the
/// value as its one environment variable.
struct Secrets {
    probe: RefCell<Option<App>>,
}

impl Secrets {
    fn new(app: &App) -> Self {
        let probe = app
            .stacks()
            .iter()
            .find(|s| crate::deploy::image_function(s).is_some())
            .map(|s| {
                let mut stack = s.clone();
                stack
                    .template
                    .resources
                    .retain(|r| matches!(r.properties, Properties::Function(_)));
                let mut one = App::new();
                one.push(stack);
                one
            });
        Self {
            probe: RefCell::new(probe),
        }
    }

    /// Whether `name=value` looks like a secret. Without a function to copy, or with a name
    /// Lambda would not accept, the answer is unknown, so the value counts as a secret.
    fn hides(&self, name: &str, value: &str) -> bool {
        let Ok(name) = EnvName::new(name) else {
            return true;
        };
        let mut probe = self.probe.borrow_mut();
        let Some(app) = probe.as_mut() else {
            return true;
        };
        for stack in app.stacks_mut() {
            for r in &mut stack.template.resources {
                if let Properties::Function(f) = &mut r.properties {
                    f.environment = vec![EnvVar {
                        name: name.clone(),
                        value: Expr::literal(value),
                    }];
                }
            }
        }
        lint::lint(app).iter().any(|f| f.code == "secret-in-env")
    }

    /// `v` in words, or [`HIDDEN`] when it is text that looks like a secret under `name`
    /// (a property name: its letters, digits and underscores).
    fn shown(&self, name: &str, v: &Value) -> String {
        let words = text(v);
        if !matches!(v, Value::String(_) | Value::Object(_)) {
            return words;
        }
        let mut name: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            name.insert(0, 'V');
        }
        if self.hides(&name, &words) {
            HIDDEN.to_owned()
        } else {
            words
        }
    }
}

/// Settings that decide how a resource runs rather than what it may do.
const OPERATIONS: [&str; 9] = [
    "Properties/MemorySize",
    "Properties/Timeout",
    "Properties/ReservedConcurrentExecutions",
    "Properties/ProvisionedConcurrencyConfig",
    "Properties/EphemeralStorage",
    "Properties/AutoPublishAlias",
    "Properties/DeploymentPreference",
    "Properties/RetentionInDays",
    "Properties/LoggingConfig",
];

fn operations(
    id: &str,
    b: Option<&Value>,
    h: Option<&Value>,
    properties: &[SettingChange],
    out: &mut Vec<SettingChange>,
) {
    let alarm = |r: Option<&Value>| r.is_some_and(|r| type_of(r) == "AWS::CloudWatch::Alarm");
    if alarm(b) != alarm(h) || (alarm(b) && (b.is_none() || h.is_none())) {
        let name = |r: Option<&Value>| {
            r.filter(|r| alarm(Some(r))).map(|r| {
                r.pointer("/Properties/AlarmName")
                    .map_or_else(|| id.to_owned(), text)
            })
        };
        out.push(SettingChange {
            resource: id.to_owned(),
            setting: "alarm".into(),
            before: name(b),
            after: name(h),
        });
        return;
    }
    if b.is_none() || h.is_none() {
        // A resource added or removed whole: its operational settings on the side it is on.
        for setting in OPERATIONS {
            let pointer = format!("/{setting}");
            let (before, after) = (
                b.and_then(|r| r.pointer(&pointer)),
                h.and_then(|r| r.pointer(&pointer)),
            );
            if before.is_some() || after.is_some() {
                out.push(SettingChange {
                    resource: id.to_owned(),
                    setting: setting.to_owned(),
                    before: before.map(text),
                    after: after.map(text),
                });
            }
        }
        return;
    }
    for p in properties {
        let operational = alarm(h)
            || OPERATIONS
                .iter()
                .any(|o| p.setting == *o || p.setting.starts_with(&format!("{o}/")));
        if operational {
            out.push(p.clone());
        }
    }
}

/// Per stack, the stacks it imports from (by export name), sorted: it deploys after them.
fn links(side: &Parsed<'_>) -> BTreeMap<String, Vec<String>> {
    let mut exporters = BTreeMap::new();
    for (stack, (t, _)) in side {
        if let Some(Value::Object(outputs)) = t.get("Outputs") {
            for o in outputs.values() {
                if let Some(name) = o.pointer("/Export/Name") {
                    exporters.insert(text(name), stack.clone());
                }
            }
        }
    }
    side.iter()
        .map(|(stack, (t, _))| {
            let mut imports = BTreeSet::new();
            find_imports(t.get("Resources").unwrap_or(&Value::Null), &mut imports);
            let after: BTreeSet<String> = imports
                .into_iter()
                .map(|name| {
                    exporters
                        .get(&name)
                        .cloned()
                        .unwrap_or_else(|| format!("(export {name}, from no stack here)"))
                })
                .collect();
            (stack.clone(), after.into_iter().collect())
        })
        .collect()
}

fn find_imports(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                if k == "Fn::ImportValue" {
                    out.insert(text(v));
                } else {
                    find_imports(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| find_imports(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A stack's template holding `resource` as `X`, as text (JSON is YAML).
    fn side(label: &str, stack: &str, resource: &Value, region: &str) -> Templates {
        let text = serde_json::json!({"Resources": {"X": resource}}).to_string();
        Templates::new(label, vec![(stack.to_owned(), text)]).with_samconfig(&format!(
            "[{stack}.deploy.parameters]\nregion = \"{region}\"\n"
        ))
    }

    fn review(base: &Templates, head: &Templates) -> Review {
        let app = App::new();
        let cx = Context {
            app: &app,
            head_is_app: false,
        };
        compare(base, head, &cx).expect("both sides parse")
    }

    fn retained(type_name: &str, properties: Value) -> Value {
        serde_json::json!({"Type": type_name, "Properties": properties,
            "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"})
    }

    #[test]
    fn a_property_the_type_cannot_change_is_a_failing_update_not_a_replacement() {
        let all: Vec<_> = validate::all_unchangeable().collect();
        assert!(
            !all.is_empty(),
            "the schemas name unchangeable properties (KMS keys')"
        );
        for (type_name, property) in all {
            let with = |v: &str| retained(type_name, serde_json::json!({ property: v }));
            let r = review(
                &side("base", "s", &with("BEFORE_VALUE"), "us-east-1"),
                &side("head", "s", &with("AFTER_VALUE"), "us-east-1"),
            );
            let change = &r.stacks[0].resources[0];
            assert_eq!(change.change, "fails", "{type_name} {property}");
            assert!(change.why[0].contains(property), "{:?}", change.why);
            // Nothing is replaced (the update fails first), but the change is gated.
            assert!(r.stacks[0].stateful.is_empty(), "{type_name} {property}");
            assert!(
                r.gate.iter().any(|g| g.contains("fails the update")),
                "{:?}",
                r.gate
            );
            // The same value again is no change.
            let same = review(
                &side("base", "s", &with("BEFORE_VALUE"), "us-east-1"),
                &side("head", "s", &with("BEFORE_VALUE"), "us-east-1"),
            );
            assert!(same.stacks.is_empty() && !same.gated());
        }
    }

    #[test]
    fn a_resource_declared_stateless_is_replaced_without_the_gate_and_a_data_holder_is_not() {
        // Types infra-gen does not model, without Retain: declared stateless (a rule, a topic
        // without an archive); a bucket, a key or a topic keeping messages hold data whatever
        // the template says of them.
        let cases = [
            ("AWS::Events::Rule", "Name", serde_json::json!({}), false),
            ("AWS::SNS::Topic", "TopicName", serde_json::json!({}), false),
            (
                "AWS::Scheduler::Schedule",
                "Name",
                serde_json::json!({}),
                false,
            ),
            ("AWS::S3::Bucket", "BucketName", serde_json::json!({}), true),
            (
                "AWS::SNS::Topic",
                "TopicName",
                serde_json::json!({"ArchivePolicy": {"MessageRetentionPeriod": 30}}),
                true,
            ),
        ];
        for (type_name, name, extra, holds_data) in cases {
            let with = |v: &str| {
                let mut p = extra.clone();
                p[name] = Value::String(v.into());
                serde_json::json!({"Type": type_name, "Properties": p})
            };
            let r = review(
                &side("base", "s", &with("old-name"), "us-east-1"),
                &side("head", "s", &with("new-name"), "us-east-1"),
            );
            assert_eq!(r.stacks[0].resources[0].change, "replaced", "{type_name}");
            assert_eq!(r.gated(), holds_data, "{type_name}: {:?}", r.gate);
        }
    }

    proptest! {
        /// A create-only name spelled with the pseudo parameters both sides fix (the stack's
        /// name, its region and partition) is the same name: no replacement, no gate; in a
        /// stack whose recorded region changes, `${AWS::Region}` names another value.
        #[test]
        fn pseudo_parameters_both_sides_fix_are_their_values(
            stack in "[a-z][a-z0-9]{2,10}-(prod|staging)-service",
            region in prop::sample::select(vec!["us-east-1", "eu-central-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1"]),
            other in prop::sample::select(vec!["us-west-2", "eu-west-1"]),
            prefix in "[a-z]{3,8}",
            which in 0..3usize,
        ) {
            let partition = crate::lint::resolve::partition(region);
            let (literal, sub) = match which {
                0 => (format!("{prefix}-{region}"), format!("{prefix}-${{AWS::Region}}")),
                1 => (format!("{prefix}-{stack}"), format!("{prefix}-${{AWS::StackName}}")),
                _ => (
                    format!("arn:{partition}:{prefix}:{region}"),
                    "arn:${AWS::Partition}:".to_owned() + &prefix + ":${AWS::Region}",
                ),
            };
            let log_group = |name: Value| retained("AWS::Logs::LogGroup", serde_json::json!({"LogGroupName": name}));
            let base = side("base", &stack, &log_group(Value::String(literal)), region);
            let head = log_group(serde_json::json!({"Fn::Sub": sub}));
            let same = review(&base, &side("head", &stack, &head, region));
            prop_assert!(!same.gated(), "{:?}", same.gate);
            prop_assert!(same.stacks.iter().all(|s| s.resources.iter().all(|r| r.change != "replaced")));
            if which != 1 {
                // Recorded in another region on the head: not the same name there.
                let moved = review(&base, &side("head", &stack, &head, other));
                prop_assert!(moved.gated(), "{}", plain(&moved));
            }
        }

        /// A base that does not record where it deployed a stack — no samconfig.toml, one
        /// that does not parse, or one without the stack — may have deployed it anywhere: at
        /// worst it moved, and its stateful resources stay with the old stack (gated), as the
        /// replacement guard takes it; a stateless stack loses nothing, and a head that records
        /// no region either is not judged.
        #[test]
        fn a_base_that_records_no_region_for_a_stack_is_taken_as_moved(
            stack in "[a-z][a-z0-9]{2,10}-(prod|staging)-service",
            region in prop::sample::select(vec!["us-east-1", "eu-central-1", "ap-southeast-2"]),
            how in 0..3usize,
            stateful: bool,
            head_records: bool,
        ) {
            let resource = if stateful {
                retained("AWS::Logs::LogGroup", serde_json::json!({"LogGroupName": "/a/b"}))
            } else {
                serde_json::json!({"Type": "AWS::SNS::Topic", "Properties": {}})
            };
            let text = serde_json::json!({"Resources": {"X": resource}}).to_string();
            let files = vec![(stack.clone(), text)];
            let base = match how {
                0 => Templates::new("base", files.clone()),
                1 => Templates::new("base", files.clone()).with_samconfig("<<<<<<< HEAD\n[x"),
                _ => Templates::new("base", files.clone()).with_samconfig(&format!(
                    "[other-stack.deploy.parameters]\nregion = \"{region}\"\n"
                )),
            };
            let head = if head_records {
                side("head", &stack, &resource, region)
            } else {
                Templates::new("head", files)
            };
            let r = review(&base, &head);
            prop_assert_eq!(r.gated(), stateful && head_records, "{}", plain(&r));
            if stateful && head_records {
                let s = &r.stacks[0];
                prop_assert_eq!(s.change, "moved");
                prop_assert!(s.stateful[0].why[0].contains("does not record"), "{}", plain(&r));
            }
        }
    }
}
