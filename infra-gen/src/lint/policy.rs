//! Lint `policy`: every log group and ECR repository meets the [`Policy`] of its stack's
//! environment kind, or carries a [`PolicyException`] saying why not; an exception the
//! resource does not need is a finding too (the scanners would call its suppressions stale).
//! Raw `AWS::Logs::LogGroup` and `AWS::ECR::Repository` resources are read into the same
//! facts and held to the same rules: a value an input decides meets none of them.

use super::Sink;
use super::resolve::Scope;
use crate::builders::{Policy, Stack};
use crate::model::ecr::{Expiry, LifecycleRule, Repository, TagMutability, TagStatus};
use crate::model::raw::{Raw, RawValue};
use crate::model::review::{PolicyException, PolicyRule};
use crate::model::{Kind, Properties, Resource};

const CODE: &str = "policy";

/// The `Metadata` keys the scanners read suppressions from, and infra-gen's record of their
/// reasons (`model::review::write_suppressions`).
const HAND_WRITTEN: &[&str] = &["checkov", "guard", "cfn-lint", "infra-gen"];

/// What the policy reads of an ECR repository, modelled or raw.
struct RepositoryFacts {
    name: String,
    /// `IMMUTABLE`, or what it is instead.
    mutability: Result<(), String>,
    scan_on_push: bool,
    /// The lifecycle rules that expire images by tag status; `Err` when the policy text
    /// cannot be read.
    lifecycle: Result<Vec<LifecycleRule>, String>,
    /// How rules that archive tagged images (ECR's `transition` to the archive storage class)
    /// bound the images that can still be pulled: an archived image cannot be, so Lambda can
    /// neither start the function from it again nor roll back to it.
    archived: Vec<Expiry>,
    /// How rules for some tags only that can select a deploy tag (a git SHA) expire the images
    /// a function runs and rolls back to: a count bounds those, an age can delete the one
    /// running; neither bounds the repository's other images.
    deployed: Vec<Expiry>,
    /// Whether there is a lifecycle policy with a rule at all (a rule the policy does not
    /// count, such as one for some tags, is still a policy).
    has_policy: bool,
}

impl RepositoryFacts {
    fn modelled(r: &Repository) -> Self {
        Self {
            name: r.name.as_str().to_owned(),
            mutability: match r.tag_mutability {
                TagMutability::Immutable => Ok(()),
                TagMutability::Mutable => Err("MUTABLE".into()),
            },
            scan_on_push: r.scan_on_push,
            lifecycle: Ok(r.lifecycle.clone()),
            archived: Vec::new(),
            deployed: Vec::new(),
            has_policy: !r.lifecycle.is_empty(),
        }
    }

    fn raw(stack: &Stack, raw: &Raw) -> Self {
        let p = raw.properties();
        let text = |v: Option<&RawValue>| v.and_then(|v| text(stack, v));
        let policy = p
            .get("LifecyclePolicy")
            .and_then(|l| l.get("LifecyclePolicyText"))
            .map(|v| text(Some(v)).ok_or(()));
        let read = match &policy {
            None => Ok(Rules::default()),
            Some(Ok(t)) => lifecycle_rules(t),
            Some(Err(())) => Err("its lifecycle policy text is decided by an input".to_owned()),
        };
        let (lifecycle, archived, deployed) = match read {
            Ok(r) => (Ok(r.expire), r.archived, r.deployed),
            Err(why) => (Err(why), Vec::new(), Vec::new()),
        };
        Self {
            name: text(p.get("RepositoryName"))
                .unwrap_or_else(|| "(name CloudFormation generates)".into()),
            mutability: match text(p.get("ImageTagMutability")) {
                Some(m) if m == "IMMUTABLE" => Ok(()),
                Some(m) => Err(m),
                None if p.get("ImageTagMutability").is_some() => {
                    Err("a value an input decides".into())
                }
                // CloudFormation's default.
                None => Err("MUTABLE (the default)".into()),
            },
            scan_on_push: p
                .get("ImageScanningConfiguration")
                .and_then(|c| c.get("ScanOnPush"))
                .and_then(|v| Scope::new(stack, None).boolean(v))
                .unwrap_or(false),
            lifecycle,
            archived,
            deployed,
            has_policy: policy.is_some_and(|t| {
                t.map_or(true, |t| {
                    serde_json::from_str::<serde_json::Value>(&t).map_or(true, |d| {
                        d["rules"].as_array().is_none_or(|r| !r.is_empty())
                    })
                })
            }),
        }
    }
}

/// A raw value as the text CloudFormation passes on, when the definition decides it.
fn text(stack: &Stack, v: &RawValue) -> Option<String> {
    match v {
        RawValue::Bool(b) => Some(b.to_string()),
        RawValue::Number(n) => Some(n.to_string()),
        RawValue::Expr(e) => Scope::new(stack, None)
            .resolve(e)
            .known()
            .map(str::to_owned),
        _ => None,
    }
}

/// The `countType`s ECR's lifecycle policies know: by count, or by days since an image was
/// pushed, last pulled or archived.
const COUNT_TYPES: &[&str] = &[
    "imageCountMoreThan",
    "sinceImagePushed",
    "sinceImagePulled",
    "sinceImageTransitioned",
];

/// What a lifecycle policy does to the images a function can run.
#[derive(Default)]
struct Rules {
    /// Expiries of `untagged` images, or of every image (`any`, or `tagged` with a pattern of
    /// only `*` or an empty prefix, which lists every tag).
    expire: Vec<LifecycleRule>,
    /// The bounds of rules that archive every tagged image (`transition`), which expire nothing
    /// but leave those images unpullable.
    archived: Vec<Expiry>,
    /// The bounds of `tagged` rules whose list selects some deploy tags but not every tag
    /// ([`selects_deploy_tag`]); archiving ones go to `archived`.
    deployed: Vec<Expiry>,
}

/// Whether a `tagged` rule's prefix (`prefix`) or pattern selects some deploy tag. Deploy tags
/// are git SHAs (the `ImageTag` parameter's pattern, 7–40 lowercase hex digits), so a list that
/// can match one bounds the images a function runs and rolls back to, whatever else it names:
/// `a` or `0*` keeps (or, by age, deletes) deployed images; `v`, `pr-` or `*-rc*` never
/// selects one. ECR patterns know one wildcard, `*`, for any run of characters.
fn selects_deploy_tag(tag: &str, prefix: bool) -> bool {
    const MAX: usize = 40;
    let hex = |s: &str| s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if prefix {
        return hex(tag) && tag.len() <= MAX;
    }
    let literal: usize = tag.split('*').map(str::len).sum();
    tag.split('*').all(hex)
        && if tag.contains('*') {
            literal <= MAX
        } else {
            (7..=MAX).contains(&literal)
        }
}

/// The tags or patterns of a `tagged` rule's list.
fn tag_list(list: Option<&Vec<serde_json::Value>>) -> Vec<&str> {
    list.into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .collect()
}

/// ECR's lifecycle policy text as [`Rules`]: a `tagged` rule by count or by age that selects
/// no deploy tag is left out (it bounds nothing a function runs), and so are rules selecting
/// images already archived. A policy ECR refuses
/// (`PutLifecyclePolicy`'s rules) is an error: two rules of one `rulePriority`, an `any` rule
/// not evaluated last, a `tagged` rule without its tag list, a count unit missing from an age
/// or given to a count, a count under 1.
fn lifecycle_rules(text: &str) -> Result<Rules, String> {
    let unreadable = |why: &str| format!("its lifecycle policy text cannot be read: {why}");
    let refused = |why: String| format!("ECR refuses its lifecycle policy: {why}");
    let doc: serde_json::Value =
        serde_json::from_str(text).map_err(|e| unreadable(&e.to_string()))?;
    let rules = doc["rules"]
        .as_array()
        .ok_or_else(|| unreadable("no rules list"))?;
    let mut priorities = Vec::new();
    for rule in rules {
        let p = rule["rulePriority"]
            .as_u64()
            .filter(|p| *p >= 1)
            .ok_or_else(|| refused("a rule without a rulePriority of 1 or more".into()))?;
        if priorities.iter().any(|(q, _)| *q == p) {
            return Err(refused(format!("two rules have rulePriority {p}")));
        }
        priorities.push((p, rule["selection"]["tagStatus"] == "any"));
    }
    let highest = priorities.iter().map(|(p, _)| *p).max();
    if let Some((p, _)) = priorities
        .iter()
        .find(|(p, any)| *any && Some(*p) != highest)
    {
        return Err(refused(format!(
            "the tagStatus any rule (rulePriority {p}) must have the highest rulePriority"
        )));
    }
    let mut out = Rules::default();
    for rule in rules {
        let selection = &rule["selection"];
        let count = selection["countNumber"]
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| unreadable("a rule without a countNumber"))?;
        if count == 0 {
            return Err(refused("a countNumber of 0".into()));
        }
        // ECR's values: the count types, the one count unit, the tag statuses and actions.
        let one_of = |key: &str, value: &serde_json::Value, known: &[&str]| {
            if value.as_str().is_some_and(|v| known.contains(&v)) {
                Ok(())
            } else {
                Err(refused(format!(
                    "{key} {value} is none of {}",
                    known.join(", ")
                )))
            }
        };
        one_of("countType", &selection["countType"], COUNT_TYPES)?;
        one_of(
            "tagStatus",
            &selection["tagStatus"],
            &["tagged", "untagged", "any"],
        )?;
        one_of(
            "action type",
            &rule["action"]["type"],
            &["expire", "transition"],
        )?;
        if let Some(unit) = selection.get("countUnit") {
            one_of("countUnit", unit, &["days"])?;
        }
        let by_count = selection["countType"] == "imageCountMoreThan";
        if by_count == selection.get("countUnit").is_some() {
            return Err(refused(format!(
                "countUnit must be given with an age and only then (countType {})",
                selection["countType"]
            )));
        }
        let list = |key: &str| selection[key].as_array().filter(|l| !l.is_empty());
        let (prefixes, patterns) = (list("tagPrefixList"), list("tagPatternList"));
        if selection["tagStatus"] == "tagged" && prefixes.is_none() == patterns.is_none() {
            return Err(refused(
                "a tagged rule needs either a tagPrefixList or a tagPatternList".into(),
            ));
        }
        // ECR's lifecycle policy properties: an untagged rule omits both lists, and a pattern
        // holds at most four wildcards.
        if selection["tagStatus"] == "untagged"
            && (selection.get("tagPrefixList").is_some()
                || selection.get("tagPatternList").is_some())
        {
            return Err(refused(
                "an untagged rule must omit tagPrefixList and tagPatternList".into(),
            ));
        }
        if let Some(p) = tag_list(patterns)
            .into_iter()
            .find(|p| p.matches('*').count() > 4)
        {
            return Err(refused(format!(
                "tag pattern {p:?} holds more than the four wildcards (*) ECR allows"
            )));
        }
        // A rule selecting archived images (`storageClass: archive`) acts on images that can
        // no longer be pulled: expiring them takes nothing a function runs or rolls back to.
        if selection["storageClass"] == "archive" {
            continue;
        }
        let (prefixes, patterns) = (tag_list(prefixes), tag_list(patterns));
        // A pattern of only `*`, or an empty prefix, lists every tag.
        let every_tag =
            prefixes.contains(&"") || patterns.iter().any(|p| p.chars().all(|c| c == '*'));
        let deployed = prefixes.iter().any(|p| selects_deploy_tag(p, true))
            || patterns.iter().any(|p| selects_deploy_tag(p, false));
        let expiry = if by_count {
            Expiry::KeepLast(count)
        } else {
            Expiry::OlderThanDays(count)
        };
        let expires = rule["action"]["type"] == "expire";
        let tag_status = match selection["tagStatus"].as_str() {
            Some("untagged") => TagStatus::Untagged,
            Some("any") => TagStatus::Any,
            Some("tagged") if every_tag => TagStatus::Any,
            Some("tagged") if deployed => {
                if expires {
                    out.deployed.push(expiry);
                } else {
                    out.archived.push(expiry);
                }
                continue;
            }
            Some("tagged") => continue,
            other => return Err(unreadable(&format!("tagStatus {other:?}"))),
        };
        if !expires {
            // Archiving untagged images leaves every deployable one pullable.
            if tag_status == TagStatus::Any {
                out.archived.push(expiry);
            }
            continue;
        }
        out.expire.push(LifecycleRule {
            description: rule["description"].as_str().unwrap_or_default().to_owned(),
            tag_status,
            expiry,
        });
    }
    Ok(out)
}

pub(super) fn check(stack: &Stack, resource: &Resource, sink: &mut Sink<'_>) {
    let policy = stack.environment.policy();
    let kind = stack.environment.kind().name();
    let id = resource.id.as_str();
    let broken: Vec<(PolicyRule, String, String)> = match &resource.properties {
        Properties::LogGroup(g) => log_group(&g.name, Ok(g.retention.days()), &policy, kind),
        Properties::EcrRepository(r) => repository(&RepositoryFacts::modelled(r), &policy, kind),
        Properties::Raw(raw) => match raw.type_name() {
            "AWS::Logs::LogGroup" => {
                let p = raw.properties();
                let name = p
                    .get("LogGroupName")
                    .and_then(|v| text(stack, v))
                    .unwrap_or_else(|| "(name CloudFormation generates)".into());
                let days = match (p.get("LogGroupClass"), p.get("RetentionInDays")) {
                    // CloudWatch keeps a DELIVERY class group's events one day, whatever its
                    // retention says.
                    (Some(class), _) if text(stack, class).is_none_or(|c| c == "DELIVERY") => {
                        Err("is (or may be: an input decides) of the DELIVERY log class, whose events CloudWatch keeps one day".to_owned())
                    }
                    // CloudWatch keeps a group's logs forever unless told otherwise.
                    (_, None) => Err("never expires its logs (no RetentionInDays)".to_owned()),
                    (_, Some(v)) => Scope::new(stack, None)
                        .integer(v)
                        .and_then(|d| u32::try_from(d).ok())
                        .ok_or_else(|| "keeps logs for a time an input decides".to_owned()),
                };
                log_group(&name, days, &policy, kind)
            }
            "AWS::ECR::Repository" => repository(&RepositoryFacts::raw(stack, raw), &policy, kind),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    for (rule, message, fix) in &broken {
        if !excepted(resource, *rule) {
            sink.push(
                CODE,
                id,
                message.clone(),
                format!(
                    "{fix}; or, if it must differ, except it in {} with PolicyException::new(PolicyRule::{rule:?}, \"why\") ({})",
                    stack.source,
                    match resource.properties {
                        Properties::EcrRepository(_) => "Registry::except".to_owned(),
                        // A raw resource of the service's stack.
                        _ => format!("Service::except(\"{id}\", …)"),
                    }
                ),
            );
        }
    }
    // The scanners' Metadata blocks are written from the typed suppressions and exceptions; one
    // written by hand (`App::stacks_mut()`) would suppress rules with no reason checked, the
    // policy's among them.
    for key in HAND_WRITTEN {
        if resource.metadata.contains_key(*key) {
            sink.push(
                CODE,
                id,
                format!(
                    "Metadata.{key} is written by hand: infra-gen writes it from the resource's suppressions and policy exceptions, each with a reason it checks"
                ),
                format!(
                    "remove Metadata.{key} from {id} and use Suppression::new(tool, rule, \"why\") (Service::suppress, Registry::suppress), or PolicyException for a rule of the policy, in {}",
                    stack.source
                ),
            );
        }
    }
    // A scanner rule the policy judges is answered by an exception, never by a suppression of
    // its own: that would pass `check` and then be stale, or unexplained, in the suite.
    for s in &resource.suppressions {
        if let Some(rule) = PolicyRule::ALL.into_iter().find(|r| {
            r.scanner_rules()
                .iter()
                .any(|&(tool, name)| s.tool() == tool && s.rule() == name)
        }) {
            sink.push(
                CODE,
                id,
                format!(
                    "suppresses {} {}, which the project's policy judges as rule {}",
                    s.tool().name(),
                    s.rule(),
                    rule.code()
                ),
                format!(
                    "replace the suppression in {} with PolicyException::new(PolicyRule::{rule:?}, \"why\") if the resource must differ, or remove it",
                    stack.source
                ),
            );
        }
    }
    for e in &resource.policy_exceptions {
        if !broken.iter().any(|(rule, _, _)| *rule == e.rule()) {
            sink.push(
                CODE,
                id,
                format!(
                    "{} has an exception from policy rule {} but meets it (or the rule does not apply to it)",
                    resource.properties.phrase(&resource.id),
                    e.rule().code()
                ),
                format!(
                    "remove the PolicyException for {} from {id} in {}",
                    e.rule().code(),
                    stack.source
                ),
            );
        }
    }
}

fn excepted(resource: &Resource, rule: PolicyRule) -> bool {
    resource
        .policy_exceptions
        .iter()
        .any(|e: &PolicyException| e.rule() == rule)
}

/// The rule a log group breaks, with message and fix: `days` is its retention, or what it is
/// instead (forever, an input).
fn log_group(
    name: &str,
    days: Result<u32, String>,
    policy: &Policy,
    kind: &str,
) -> Vec<(PolicyRule, String, String)> {
    let min = policy.min_log_retention.days();
    let problem = match days {
        Ok(days) if days >= min => return Vec::new(),
        Ok(days) => format!("keeps logs {days} days"),
        Err(what) => what,
    };
    vec![(
        PolicyRule::LogRetention,
        format!(
            "log group {name} {problem}; the {kind} policy asks at least {min} days \
             (Control Tower's cloudwatch_log_group_retention_period_check asks a year)"
        ),
        format!(
            "set the retention to at least {min} days (RetentionDays, e.g. Service::log_retention; RetentionInDays of a raw log group, in the STANDARD or INFREQUENT_ACCESS class)"
        ),
    )]
}

/// The rules an ECR repository breaks, with message and fix.
fn repository(
    r: &RepositoryFacts,
    policy: &Policy,
    kind: &str,
) -> Vec<(PolicyRule, String, String)> {
    let name = r.name.as_str();
    let mut broken = Vec::new();
    if let Err(mutability) = &r.mutability {
        broken.push((
            PolicyRule::ImmutableTags,
            format!("ECR repository {name}'s tags are {mutability}, not IMMUTABLE: a deploy of a tag may run another image than was tested"),
            "set the tags IMMUTABLE (TagMutability::Immutable, as Registry does; ImageTagMutability of a raw repository)".to_owned(),
        ));
    }
    if !r.scan_on_push {
        broken.push((
            PolicyRule::ScanOnPush,
            format!("ECR repository {name} does not scan images on push"),
            "set scan_on_push to true (as Registry does)".to_owned(),
        ));
    }
    let lifecycle = match &r.lifecycle {
        Ok(rules) => rules,
        Err(why) => {
            broken.push((
                PolicyRule::LifecyclePolicy,
                format!("ECR repository {name}: {why}"),
                "write a lifecycle policy ECR accepts as literal JSON (as Registry does): unique rulePriority values, the tagStatus any rule last".to_owned(),
            ));
            return broken;
        }
    };
    if !r.has_policy {
        broken.push((
            PolicyRule::LifecyclePolicy,
            format!("ECR repository {name} has no lifecycle policy: images are kept (and paid for) forever"),
            format!(
                "add lifecycle rules expiring untagged images and keeping the last {} or more images (as Registry does)",
                policy.min_images_kept
            ),
        ));
        return broken;
    }
    let min = policy.min_images_kept;
    let any = lifecycle.iter().filter(|l| l.tag_status == TagStatus::Any);
    let mut problems = Vec::new();
    if !lifecycle
        .iter()
        .any(|l| l.tag_status == TagStatus::Untagged)
    {
        problems.push("no rule expires untagged images".to_owned());
    }
    let kept: Vec<u32> = any
        .clone()
        .filter_map(|l| match l.expiry {
            Expiry::KeepLast(n) => Some(n),
            Expiry::OlderThanDays(_) => None,
        })
        .collect();
    if any
        .clone()
        .map(|l| &l.expiry)
        .chain(&r.deployed)
        .any(|e| matches!(e, Expiry::OlderThanDays(_)))
    {
        problems.push(
            "a rule expires tagged images by age, which can delete the image a function runs"
                .to_owned(),
        );
    }
    // A rule for the deploy tags bounds the images a function rolls back to, but not the
    // others: it counts towards the minimum, not as the bound every image needs.
    let deployed = r.deployed.iter().filter_map(|e| match e {
        Expiry::KeepLast(n) => Some(*n),
        Expiry::OlderThanDays(_) => None,
    });
    match kept.iter().min().map(|k| deployed.fold(*k, u32::min)) {
        None => problems.push("no rule bounds how many images are kept".to_owned()),
        Some(n) if n < min => problems.push(format!(
            "it keeps only the last {n} images, fewer than the {kind} policy's {min} to roll back to"
        )),
        Some(_) => {}
    }
    if r.archived
        .iter()
        .any(|e| matches!(e, Expiry::OlderThanDays(_)))
    {
        problems.push(
            "a rule archives tagged images by age, which can archive the image a function runs (an archived image cannot be pulled: Lambda cannot start the function from it again or roll back to it)"
                .to_owned(),
        );
    }
    if let Some(n) = r
        .archived
        .iter()
        .filter_map(|e| match e {
            Expiry::KeepLast(n) => Some(*n),
            Expiry::OlderThanDays(_) => None,
        })
        .min()
        .filter(|n| *n < min)
    {
        problems.push(format!(
            "it keeps only the last {n} images pullable (it archives the rest), fewer than the {kind} policy's {min} to roll back to"
        ));
    }
    if !problems.is_empty() {
        broken.push((
            PolicyRule::ImagesKept,
            format!("ECR repository {name}'s lifecycle: {}", problems.join("; ")),
            format!(
                "expire untagged images and keep the last {min} or more images by count, never by age, and archive tagged ones the same way or not at all (Registry::keep_last_images)"
            ),
        ));
    }
    broken
}
