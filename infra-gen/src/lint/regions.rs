//! Lint `region`: the account and region are part of every name. Exports resolve only in their
//! own region, CloudWatch alarm actions must be in the alarm's region (unless AWS holds the
//! target in no region), a Lambda event source mapping's source in the function's, an S3
//! bucket's notification destinations in the bucket's, a queue's dead-letter queue and a
//! table's Kinesis stream in the resource's account and region, an EventBridge rule's targets
//! in its region (but for an event bus), a schedule's templated target in its account and
//! region, a log subscription's destination in the log group's
//! account and region, an SNS subscription's topic in the region it names, every such ARN in
//! the region's partition, a KMS key in the region of what it encrypts, a function's layers,
//! file systems and code-signing configuration, a rotation's function, a composite alarm's
//! suppressor and a state machine's or pipe's log group in its region, and two resources with
//! the same physical name in one account and region are the same resource to AWS (the second
//! stack fails to create it). The app is taken to be one account: `Environment` names no
//! account, so stacks that may share one are judged as if they do.

use super::resolve::{self, Scope};
use crate::Finding;
use crate::builders::{App, Stack};
use crate::model::iam::data::{self, arn_fields};
use crate::model::lambda::events::EventSource;
use crate::model::raw::RawValue;
use crate::model::{Expr, Kind, Output, Properties, Resource};

pub(super) fn check(app: &App, out: &mut Vec<Finding>) {
    for stack in app.stacks() {
        check_imports(app, stack, out);
        check_alarm_actions(app, stack, out);
        check_in_text(app, stack, out);
    }
    check_physical_names(app, out);
    check_identities(app, out);
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
    // Every value of the template, with where it is: a resource's, or an output's.
    let values = stack
        .template
        .resources
        .iter()
        .flat_map(|r| {
            r.properties
                .exprs()
                .into_iter()
                .map(|e| (r.id.as_str(), "", e))
        })
        .chain(
            stack
                .template
                .outputs
                .iter()
                .map(|o| (o.id.as_str(), "Outputs.", &o.value)),
        );
    for (id, section, e) in values {
        e.walk(&mut |x| {
            let Expr::ImportValue(inner) = x else { return };
            let Some(name) = resolve::import_name(stack, inner) else {
                return;
            };
            let name = name.as_str();
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
                    resource: format!("{section}{id}"),
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

/// ARNs a resource acts on that AWS requires in the resource's own region (or in the one its
/// `region` property names), by CloudFormation type (or type prefix): the properties holding
/// them (a path through nested properties and lists, `.`-separated), what they are, why,
/// whether AWS requires the resource's own account too (an alarm may notify another account's
/// topic; a queue's dead-letter queue is in its account), and the one kind of target AWS
/// reaches across that boundary.
struct SameRegion {
    types: &'static str,
    paths: &'static [&'static str],
    what: &'static str,
    why: &'static str,
    same_account: bool,
    /// The property naming the region the targets must be in, when the resource names one.
    region: Option<&'static str>,
    crossing: Option<Crossing>,
    /// Whether a target whose region the definition leaves open is a finding: not where a
    /// plain name (a function's, a bus's, a key ID) is the resource's own region's.
    open_is_finding: bool,
}

/// A kind of ARN (its service and the start of its resource part) a target may name in
/// another account, and in another region too when `region` holds: EventBridge routes events
/// to another region's or account's event bus, CloudWatch Logs delivers to another account
/// through a logs destination of the log group's region, and a Scheduler universal target
/// (`arn:aws:scheduler:::aws-sdk:sqs:sendMessage`) names an API, in no region.
struct Crossing {
    service: &'static str,
    resource: &'static str,
    region: bool,
}

impl Crossing {
    fn admits(&self, arn: &str) -> bool {
        let fields: Vec<&str> = arn.splitn(6, ':').collect();
        fields.len() == 6 && fields[2] == self.service && fields[5].starts_with(self.resource)
    }
}

const SAME_REGION_TARGETS: [SameRegion; 17] = [
    SameRegion {
        types: "AWS::CloudWatch::",
        paths: &["AlarmActions", "OKActions", "InsufficientDataActions"],
        what: "alarm action",
        why: "CloudWatch only notifies targets in the alarm's region",
        same_account: false,
        region: None,
        crossing: None,
        open_is_finding: true,
    },
    SameRegion {
        types: "AWS::Lambda::EventSourceMapping",
        paths: &["EventSourceArn"],
        what: "event source",
        why: "Lambda reads event sources (queues, streams, brokers) only in the function's region",
        same_account: false,
        region: None,
        crossing: None,
        open_is_finding: true,
    },
    SameRegion {
        types: "AWS::Pipes::Pipe",
        paths: &["Source"],
        what: "pipe source",
        why: "EventBridge Pipes polls sources (queues, streams, brokers) only in the pipe's region, as Lambda's event source mappings do",
        same_account: false,
        region: None,
        crossing: None,
        open_is_finding: true,
    },
    SameRegion {
        types: "AWS::S3::Bucket",
        paths: &[
            "NotificationConfiguration.QueueConfigurations.Queue",
            "NotificationConfiguration.TopicConfigurations.Topic",
            "NotificationConfiguration.LambdaConfigurations.Function",
        ],
        what: "event notification destination",
        why: "S3 sends event notifications only to queues, topics and functions in the bucket's region",
        same_account: false,
        region: None,
        crossing: None,
        open_is_finding: true,
    },
    SameRegion {
        types: "AWS::SQS::Queue",
        paths: &[
            "RedrivePolicy.deadLetterTargetArn",
            "RedriveAllowPolicy.sourceQueueArns",
        ],
        what: "dead-letter queue",
        why: "SQS moves messages only between queues of one account and region",
        same_account: true,
        region: None,
        crossing: None,
        open_is_finding: true,
    },
    SameRegion {
        types: "AWS::DynamoDB::Table",
        paths: &["KinesisStreamSpecification.StreamArn"],
        what: "Kinesis stream",
        why: "DynamoDB streams a table's changes only to a Kinesis data stream of its account and region",
        same_account: true,
        region: None,
        crossing: None,
        open_is_finding: true,
    },
    SameRegion {
        types: "AWS::Events::Rule",
        paths: &["Targets.Arn", "Targets.DeadLetterConfig.Arn"],
        what: "rule target",
        why: "EventBridge invokes targets only in the rule's region; another region is reached through its event bus",
        same_account: false,
        region: None,
        crossing: Some(Crossing {
            service: "events",
            resource: "event-bus/",
            region: true,
        }),
        open_is_finding: true,
    },
    SameRegion {
        types: "AWS::Scheduler::Schedule",
        paths: &["Target.Arn", "Target.DeadLetterConfig.Arn"],
        what: "schedule target",
        why: "EventBridge Scheduler invokes a templated target, and sends to a dead-letter queue, only in the schedule's account and region (a universal target calls the API in the schedule's region)",
        same_account: true,
        region: None,
        crossing: Some(Crossing {
            service: "scheduler",
            resource: "aws-sdk:",
            region: true,
        }),
        open_is_finding: true,
    },
    SameRegion {
        types: "AWS::Logs::SubscriptionFilter",
        paths: &["DestinationArn"],
        what: "subscription destination",
        why: "CloudWatch Logs delivers a subscription only in the log group's region, to a function or stream of its own account (another account's through a logs destination)",
        same_account: true,
        region: None,
        crossing: Some(Crossing {
            service: "logs",
            resource: "destination:",
            region: false,
        }),
        open_is_finding: true,
    },
    SameRegion {
        types: "AWS::SNS::Subscription",
        paths: &["TopicArn"],
        what: "topic",
        why: "CloudFormation subscribes through SNS in the region the subscription's Region names (its own when left out), and SNS finds topics only in that region",
        same_account: false,
        region: Some("Region"),
        crossing: None,
        open_is_finding: true,
    },
    SameRegion {
        types: "AWS::Lambda::",
        paths: &["FunctionName", "TargetFunctionArn"],
        what: "function",
        why: "CloudFormation calls Lambda in the stack's region, where a function ARN of another region or account names nothing it may change",
        same_account: true,
        region: None,
        crossing: None,
        open_is_finding: false,
    },
    SameRegion {
        types: "AWS::Events::Rule",
        paths: &["EventBusName"],
        what: "event bus",
        why: "EventBridge creates a rule on a bus of the rule's own account and region (another region's bus is reached through a rule target)",
        same_account: true,
        region: None,
        crossing: None,
        open_is_finding: false,
    },
    SameRegion {
        types: "AWS::KMS::Alias",
        paths: &["TargetKeyId"],
        what: "KMS key",
        why: "a KMS alias names a key of its own account and region",
        same_account: true,
        region: None,
        crossing: None,
        open_is_finding: false,
    },
    SameRegion {
        types: "AWS::SecretsManager::RotationSchedule",
        paths: &["RotationLambdaARN"],
        what: "rotation function",
        why: "Secrets Manager invokes a rotation function of the secret's region only",
        same_account: false,
        region: None,
        crossing: None,
        open_is_finding: true,
    },
    SameRegion {
        types: "AWS::CloudWatch::CompositeAlarm",
        paths: &["ActionsSuppressor"],
        what: "suppressor alarm",
        why: "a composite alarm reads the state of alarms of its own account and region only",
        same_account: true,
        region: None,
        crossing: None,
        open_is_finding: false,
    },
    SameRegion {
        types: "AWS::",
        paths: &[
            "LoggingConfiguration.Destinations.CloudWatchLogsLogGroup.LogGroupArn",
            "LogConfiguration.CloudwatchLogsLogDestination.LogGroupArn",
        ],
        what: "log group",
        why: "Step Functions and Pipes deliver logs only to a log group of their own region",
        same_account: false,
        region: None,
        crossing: None,
        open_is_finding: true,
    },
    SameRegion {
        types: "AWS::Lambda::Function",
        paths: &["Layers", "FileSystemConfigs.Arn", "CodeSigningConfigArn"],
        what: "layer, file system or code-signing configuration",
        why: "Lambda attaches layers (another account's too), EFS access points and code-signing configurations only of the function's region",
        same_account: false,
        region: None,
        crossing: None,
        open_is_finding: true,
    },
];

/// Why a KMS key must be in the resource's region.
const KMS_WHY: &str = "AWS services encrypt with KMS keys of their own region (a multi-Region key through its replica there)";

/// The KMS keys a raw resource encrypts with, and the region each must be in: a property
/// named for a KMS key (`KmsKeyId`, `KmsMasterKeyId`, `SSEKMSKeyId`) holds a key of the region
/// of the object it is in — a replica's, when the object names its own `Region` (a Secrets
/// Manager replica), else the resource's. A replication destination's key (`ReplicaKmsKeyID`)
/// is the destination's, whose region its ARN (S3's) does not say.
fn kms_keys<'a>(value: &'a RawValue, region: &'a str, out: &mut Vec<(&'a Expr, &'a str)>) {
    match value {
        RawValue::Array(items) => items.iter().for_each(|v| kms_keys(v, region, out)),
        RawValue::Object(fields) => {
            let here = value
                .get("Region")
                .and_then(RawValue::literal)
                .unwrap_or(region);
            for (k, v) in fields {
                let lower = k.to_ascii_lowercase();
                match v.expr() {
                    Some(e)
                        if lower.contains("kms")
                            && lower.contains("key")
                            && !lower.contains("replica") =>
                    {
                        out.push((e, here));
                    }
                    _ => kms_keys(v, here, out),
                }
            }
        }
        _ => {}
    }
}

/// The account a target's ARN names literally: the app is one account, so any literal one is
/// another.
fn literal_account(app: &App, stack: &Stack, e: &Expr) -> Option<String> {
    let text = Scope::new(stack, Some(app))
        .resolve(e)
        .with_unknowns_as(OPEN);
    let account = text.split(':').nth(4)?;
    (text.starts_with("arn:") && account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
        .then(|| account.to_owned())
}

/// The values at `path` (`A.B.C`) of a raw resource's properties, through lists on the way.
pub(super) fn at_path<'a>(properties: &'a RawValue, path: &str) -> Vec<&'a RawValue> {
    path.split('.').fold(vec![properties], |values, key| {
        values
            .into_iter()
            .filter_map(|v| v.get(key))
            .flat_map(RawValue::items)
            .collect()
    })
}

/// A target a resource names and the region it must be in: what it is, why, and whether a
/// target whose region the definition leaves open is a finding (a KMS key ID names none, and
/// is a key of the resource's region).
struct Target<'a> {
    expr: &'a Expr,
    region: std::borrow::Cow<'a, str>,
    what: &'static str,
    why: &'static str,
    open_is_finding: bool,
    same_account: bool,
    crossing: Option<&'static Crossing>,
}

fn check_alarm_actions(app: &App, stack: &Stack, out: &mut Vec<Finding>) {
    let stack_region = stack.environment.region();
    let scope = Scope::new(stack, Some(app));
    for r in &stack.template.resources {
        let target = |expr, rule: &'static SameRegion, region| Target {
            expr,
            region,
            what: rule.what,
            why: rule.why,
            open_is_finding: rule.open_is_finding,
            same_account: rule.same_account,
            crossing: rule.crossing.as_ref(),
        };
        // A KMS key a resource encrypts with, in the resource's region.
        let key = |expr| Target {
            expr,
            region: stack_region.into(),
            what: "KMS key",
            why: KMS_WHY,
            open_is_finding: false,
            same_account: false,
            crossing: None,
        };
        let targets: Vec<Target<'_>> = match &r.properties {
            Properties::Alarm(alarm) => alarm
                .actions
                .iter()
                .map(|e| target(e, &SAME_REGION_TARGETS[0], stack_region.into()))
                .collect(),
            // The modelled kinds name keys and dead-letter queues as raw ones do: AWS holds them
            // to the same regions however the resource was written.
            Properties::EcrRepository(repo) => match &repo.encryption {
                crate::model::ecr::Encryption::Kms(Some(e)) => vec![key(e)],
                _ => Vec::new(),
            },
            Properties::Queue(q) => {
                let mut targets = Vec::new();
                if let crate::model::sqs::QueueEncryption::Kms(e) = &q.encryption {
                    targets.push(key(e));
                }
                if let Some(redrive) = &q.redrive {
                    targets.push(target(
                        &redrive.dead_letter_arn,
                        &SAME_REGION_TARGETS[4],
                        stack_region.into(),
                    ));
                }
                targets
            }
            Properties::Table(t) => t.kms_key.iter().map(key).collect(),
            Properties::LogGroup(g) => g.kms_key.iter().map(key).collect(),
            Properties::Secret(secret) => secret.kms_key.iter().map(key).collect(),
            // A raw resource names them in its properties (a raw alarm, every action list).
            Properties::Raw(raw) => {
                let mut targets: Vec<Target<'_>> = Vec::new();
                for rule in SAME_REGION_TARGETS
                    .iter()
                    .filter(|rule| raw.type_name().starts_with(rule.types))
                {
                    // The region a resource names for its targets, its own when it names none;
                    // one the definition leaves open decides nothing.
                    let region = match rule.region.and_then(|p| raw.properties().get(p)) {
                        None => stack_region.to_owned(),
                        Some(value) => {
                            match value
                                .expr()
                                .and_then(|e| scope.resolve(e).known().map(str::to_owned))
                            {
                                Some(region) => region,
                                None => continue,
                            }
                        }
                    };
                    targets.extend(
                        rule.paths
                            .iter()
                            .flat_map(|k| at_path(raw.properties(), k))
                            .filter_map(RawValue::expr)
                            .map(|e| target(e, rule, region.clone().into())),
                    );
                }
                let mut keys = Vec::new();
                kms_keys(raw.properties(), stack_region, &mut keys);
                targets.extend(keys.into_iter().map(|(expr, region)| Target {
                    region: region.into(),
                    ..key(expr)
                }));
                targets
            }
            _ => continue,
        };
        for Target {
            expr: target,
            region,
            what,
            why,
            open_is_finding,
            same_account,
            crossing,
        } in targets
        {
            let text = scope.resolve(target).with_unknowns_as(OPEN);
            let crosses = crossing.filter(|c| c.admits(&text));
            let finding = |message: String, fix: String| Finding {
                code: "region",
                stack: stack.name.to_string(),
                resource: r.id.to_string(),
                message,
                fix,
            };
            // An ARN of another partition names nothing the stack's region can reach.
            let own_partition = resolve::partition(&region);
            if let Some(partition) = text.strip_prefix("arn:").and_then(|t| t.split(':').next())
                && !partition.contains(OPEN)
                && !partition.contains("${")
                && partition != own_partition
            {
                out.push(finding(
                    format!(
                        "{what} {} names partition {partition}, but {region} is in {own_partition}: it names nothing there",
                        shown(target)
                    ),
                    "write the partition as ${AWS::Partition}".to_owned(),
                ));
                continue;
            }
            if same_account
                && crosses.is_none()
                && let Some(account) = literal_account(app, stack, target)
            {
                out.push(finding(
                    format!(
                        "{what} {} names account {account}, not the stack's own: {why}",
                        shown(target)
                    ),
                    format!(
                        "name a {what} of this account (its ARN written with ${{AWS::AccountId}}, a resource of this stack, or an export of this app)"
                    ),
                ));
            }
            if crosses.is_some_and(|c| c.region) {
                continue;
            }
            let found = region_of(app, stack, target, 0);
            let message = match &found {
                Some(other) if *other != region => format!(
                    "{what} {} is in {other}, but the resource is in {region}: {why}",
                    shown(target)
                ),
                Some(_) => continue,
                None if !open_is_finding || regionless(app, stack, target) => continue,
                None => format!(
                    "the region of {what} {} cannot be worked out from the definition: {why} ({region})",
                    shown(target)
                ),
            };
            out.push(finding(
                message,
                format!(
                    "name a {what} in {region}: its ARN written with ${{AWS::Region}} or {region}, a resource of this stack, or an export of a stack in {region}"
                ),
            ));
        }
    }
}

/// Regions a raw resource names in text or as a place of its own: a composite alarm's rule
/// reads alarms of its own region only (`ALARM("arn:aws:cloudwatch:<region>:…")`), and a
/// secret's replica is another region than its primary (Secrets Manager refuses its own).
fn check_in_text(app: &App, stack: &Stack, out: &mut Vec<Finding>) {
    let region = stack.environment.region();
    let scope = Scope::new(stack, Some(app));
    for r in &stack.template.resources {
        let Properties::Raw(raw) = &r.properties else {
            continue;
        };
        let finding = |message: String, fix: &str| Finding {
            code: "region",
            stack: stack.name.to_string(),
            resource: r.id.to_string(),
            message,
            fix: fix.to_owned(),
        };
        let mut zones = Vec::new();
        values_under(raw.properties(), false, zone_key, &mut zones);
        for zone in zones {
            if let Some(other) = zone_region(zone, &scope).filter(|other| other != region) {
                out.push(finding(
                    format!(
                        "places the resource in an Availability Zone of {other} ({}), but the stack is in {region}: a resource is created only in its own region's zones",
                        shown(zone)
                    ),
                    "name a zone of the stack's region: Fn::Select of Fn::GetAZs \"\" (the stack's region), or <region><letter>",
                ));
            }
        }
        let mut regions = Vec::new();
        values_under(raw.properties(), false, region_key, &mut regions);
        for named in regions {
            if let Some(text) = scope.resolve(named).known()
                && region_shaped(text)
                && !crate::builders::is_region(text)
            {
                out.push(finding(
                    format!("names region {text}, which AWS does not have (region names are lowercase, from botocore's partitions in infra-gen/data/regions.txt): the service refuses it"),
                    "name a region AWS has, in lowercase (us-east-1), or ${AWS::Region}",
                ));
            }
        }
        match raw.type_name() {
            "AWS::CloudWatch::CompositeAlarm" => {
                let Some(rule) = raw.properties().get("AlarmRule").and_then(RawValue::expr) else {
                    continue;
                };
                let text = scope.resolve(rule).with_unknowns_as(OPEN);
                for (at, _) in text.match_indices("arn:") {
                    let arn = text[at..]
                        .split(|c: char| c == '"' || c == ')' || c.is_whitespace())
                        .next()
                        .unwrap_or_default();
                    if let Some(other) = arn_region(arn).filter(|other| other != region) {
                        out.push(finding(
                            format!("the alarm rule reads the alarm {arn} in {other}, but the composite alarm is in {region}: a composite alarm's rule reads alarms of its own region only"),
                            "name alarms of this region in the rule (by name, or a Sub of an alarm of this stack)",
                        ));
                    }
                }
            }
            "AWS::SecretsManager::Secret" => {
                for replica in at_path(raw.properties(), "ReplicaRegions.Region") {
                    let Some(named) = replica
                        .expr()
                        .and_then(|e| scope.resolve(e).known().map(str::to_owned))
                    else {
                        continue;
                    };
                    if named == region {
                        out.push(finding(
                            format!("replicates the secret to {named}, its own region: Secrets Manager refuses a replica in the primary region"),
                            "list only other regions in ReplicaRegions",
                        ));
                    }
                }
            }
            _ => {}
        }
    }
}

/// The values, at any depth, of every property whose key `names` says holds what is looked for
/// (items of an array under such a key too).
fn values_under<'a>(
    value: &'a RawValue,
    named: bool,
    names: fn(&str) -> bool,
    out: &mut Vec<&'a Expr>,
) {
    match value {
        RawValue::Expr(e) if named => out.push(e),
        RawValue::Array(items) => {
            for item in items {
                values_under(item, named, names, out);
            }
        }
        RawValue::Object(fields) => {
            for (key, v) in fields {
                values_under(v, names(key), names, out);
            }
        }
        _ => {}
    }
}

/// A property naming zones by name, `…AvailabilityZone`, `…AvailabilityZones` or
/// `…AvailabilityZoneName` (EFS One Zone's); not `…AvailabilityZoneId`, a zone ID.
fn zone_key(key: &str) -> bool {
    [
        "AvailabilityZone",
        "AvailabilityZones",
        "AvailabilityZoneName",
    ]
    .iter()
    .any(|suffix| key.ends_with(suffix))
}

/// A property naming a region, `…Region` (a replica's, a subscription's topic's, a read
/// replica's source), or a list of them, `…Regions`.
fn region_key(key: &str) -> bool {
    key.ends_with("Region") || key.ends_with("Regions")
}

/// Whether `text` is written as a region code, in any case: letters, a word or more, and a
/// number (`eu-west-1`, `EU-WEST-1`, `us-gov-west-1`, `eu-central-3`), so a flag such as
/// `MultiRegion: true` is never taken for one.
fn region_shaped(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphabetic()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// The region an Availability Zone names: its name is the region's and a letter (`eu-west-1a`),
/// or the region's and a Local or Wavelength Zone's (`us-west-2-lax-1a`); a zone of
/// `Fn::GetAZs <region>` is that region's (`""`: the stack's).
fn zone_region(zone: &Expr, scope: &Scope<'_>) -> Option<String> {
    if let Some(text) = scope.resolve(zone).known() {
        let parts: Vec<&str> = text.split('-').collect();
        return (3..=4).filter(|k| *k <= parts.len()).find_map(|k| {
            let head = parts[..k].join("-");
            let region = head.trim_end_matches(|c: char| c.is_ascii_lowercase());
            crate::builders::is_region(region).then(|| region.to_owned())
        });
    }
    let mut found = None;
    zone.walk(&mut |e| {
        if let Expr::GetAZs(region) = e
            && let Some(named) = scope.resolve(region).known().filter(|r| !r.is_empty())
        {
            found = Some(named.to_owned());
        }
    });
    found
}

pub(super) fn shown(e: &Expr) -> String {
    serde_json::to_string(e).unwrap_or_default()
}

/// The region of the ARN `e` evaluates to in `stack`, or `None` when the definition does not
/// say (a parameter, an ARN without a region, a value left open).
fn region_of(app: &App, stack: &Stack, e: &Expr, depth: u8) -> Option<String> {
    let region = stack.environment.region();
    let own = |name: &str| {
        let id = name.split_once('.').map_or(name, |(id, _)| id);
        stack.template.resource(id).is_some()
    };
    match e {
        // A resource of this stack lives in this stack's region: `!Ref Topic`, `!Sub "${Topic}"`.
        Expr::Ref(id) | Expr::GetAtt(id, _) if own(id) => Some(region.to_owned()),
        Expr::Sub(t)
            if t.strip_prefix("${")
                .and_then(|rest| rest.strip_suffix('}'))
                .is_some_and(own) =>
        {
            Some(region.to_owned())
        }
        // `!Sub ["${Topic}", {Topic: …}]` is the variable's own value.
        Expr::SubWith(t, vars) if matches!(vars.as_slice(), [(name, _)] if *t == format!("${{{name}}}")) => {
            region_of(app, stack, &vars[0].1, depth + 1)
        }
        // An export is read in its own stack: a resource there is in that stack's region.
        Expr::ImportValue(name) if depth < 4 => {
            let (_, exporter, output) = exporter(app, region, name.as_literal()?)?;
            region_of(app, exporter, &output.value, depth + 1)
        }
        _ => arn_region(
            &Scope::new(stack, Some(app))
                .resolve(e)
                .with_unknowns_as(OPEN),
        ),
    }
}

/// Whether `e` is the ARN of a resource AWS holds in no region (an Incident Manager response
/// plan, `arn:aws:ssm-incidents::<account>:response-plan/<name>`): its region field is empty
/// and AWS's data has a resource type of its service whose ARN format leaves the region empty
/// and matches it.
fn regionless(app: &App, stack: &Stack, e: &Expr) -> bool {
    // An account ID is twelve digits: it hides no colon or slash, so the fields after it stay
    // decided and are matched too.
    let mut unknown = [0; 4];
    let unknown: &str = data::UNKNOWN.encode_utf8(&mut unknown);
    let text: String = Scope::new(stack, Some(app))
        .resolve(e)
        .parts
        .iter()
        .map(|p| match p {
            resolve::Part::Text(t) => t.as_str(),
            resolve::Part::Unknown(u) if u.origin == resolve::Origin::Account => "000000000000",
            resolve::Part::Unknown(_) => unknown,
        })
        .collect();
    let mut fields = text.splitn(5, ':');
    let (Some("arn"), Some(_), Some(service), Some(""), Some(_)) = (
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
    ) else {
        return false;
    };
    let Some(subject) = data::Subject::parse(&text) else {
        return false;
    };
    // An ARN's service may differ from the prefix of the actions on it
    // (`route53-recovery-control-config` acts on `route53-recovery-control` clusters).
    data::services().iter().flat_map(|s| s.resources).any(|t| {
        t.arn_service() == service
            && arn_fields(t.arn()).is_some_and(|f| f[3].is_empty())
            && t.admits(&subject)
    })
}

/// What the resolver leaves open, as one character no ARN holds: an unknown may hold `:`.
const OPEN: &str = "\u{0}";

/// The region field of the ARN `text` (unknown parts written as [`OPEN`]); `None` when it is
/// not an ARN or its region is not decided.
fn arn_region(text: &str) -> Option<String> {
    let mut fields = text.splitn(6, ':');
    if fields.next() != Some("arn") {
        return None;
    }
    let field = fields.nth(2)?;
    // A literal is not substituted: `${AWS::Region}` in one stays those characters.
    if field.is_empty() || field.contains(OPEN) || field.contains("${") {
        return None;
    }
    Some(field.to_owned())
}

/// Where AWS holds a name unique: its ARN format in AWS's data says, by the fields it leaves
/// empty (an IAM role's has no region, an S3 bucket's neither account nor region).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameScope {
    Region,
    /// The account (the app is one account), or the partition: every stack of the app.
    Global,
}

/// The name scope of CloudFormation type `type_name`, from the resource type of its service
/// whose name is the type's (`AWS::Logs::LogGroup` is `logs`' `log-group`); a type the data
/// does not match is taken as regional, which reports the fewest collisions.
fn name_scope(type_name: &str) -> NameScope {
    let global = data::resource_type_of(type_name)
        .and_then(|t| arn_fields(t.arn()))
        .is_some_and(|f| f[3].is_empty());
    if global {
        NameScope::Global
    } else {
        NameScope::Region
    }
}

/// A name as AWS compares it: IAM's names (roles, users, policies, instance profiles) are
/// unique regardless of case ("MyRole" and "myrole" are one role), and so are those a service
/// keeps in lowercase, as its schema says (RDS identifiers); other services' are exact.
fn compared(type_name: &str, property: &str, name: &str) -> String {
    if type_name.starts_with("AWS::IAM::") || super::raw::stored_lowercase(type_name, property) {
        name.to_lowercase()
    } else {
        name.to_owned()
    }
}

/// The type whose namespace of names a type's resources share: SAM's function is a Lambda
/// function once transformed (one namespace with a raw `AWS::Lambda::Function`'s), and a
/// composite alarm's name is an alarm's.
fn deployed_type(type_name: &str) -> &str {
    match type_name {
        "AWS::Serverless::Function" => "AWS::Lambda::Function",
        // Metric and composite alarms share one namespace of names in a region.
        "AWS::CloudWatch::CompositeAlarm" => "AWS::CloudWatch::Alarm",
        other => other,
    }
}

/// A resource's physical name: what it is, as said in findings, the property holding it (for
/// a raw resource), and the name as resolved.
fn physical_name(app: &App, stack: &Stack, r: &Resource) -> Option<(String, &'static str, String)> {
    if let Properties::Raw(raw) = &r.properties {
        let (property, value) = super::raw::physical_name(raw)?;
        // The app is one account: `${AWS::AccountId}` is the same text in every stack.
        let scope = Scope::new(stack, Some(app));
        let text = |value: &Expr| {
            let mut text = String::new();
            for part in &scope.resolve(value).parts {
                match part {
                    resolve::Part::Text(t) => text.push_str(t),
                    resolve::Part::Unknown(u) if u.origin == resolve::Origin::Account => {
                        text.push_str("${AWS::AccountId}");
                    }
                    resolve::Part::Unknown(_) => return None,
                }
            }
            Some(text)
        };
        let mut name = text(value)?;
        // A name is unique within its parents (a schedule's group): part of its identity.
        for parent in super::raw::parents(raw) {
            let parent = match parent {
                Some(value) => text(value)?,
                None => DEFAULT_NAME.to_owned(),
            };
            name = format!("{parent}/{name}");
        }
        return Some((format!("{} {property}", raw.type_name()), property, name));
    }
    let (what, name) = r.properties.physical_name()?;
    Some((what.to_owned(), "", name.to_owned()))
}

/// The name AWS gives what it creates in every account and region for a resource naming no
/// container of its own: the event bus a rule leaves out (`EventBusName`), the schedule group a
/// schedule leaves out (`GroupName`).
pub(super) const DEFAULT_NAME: &str = "default";

/// What AWS creates in every account and region, by type and name: a template creating it
/// again fails (EventBridge: "you can't use the name default for a custom event bus, as this
/// name is already used for your account's default event bus"; Scheduler's default group).
const EVERY_ACCOUNT_HOLDS: [(&str, &str); 2] = [
    ("AWS::Events::EventBus", DEFAULT_NAME),
    ("AWS::Scheduler::ScheduleGroup", DEFAULT_NAME),
];

/// Two resources of one type and name in one scope (the region, or the whole account for a
/// global type such as an IAM role) are one resource to AWS: the second create fails; and so
/// is one AWS already holds in every account (the default event bus).
fn check_physical_names(app: &App, out: &mut Vec<Finding>) {
    struct Seen<'a> {
        key: (&'a str, Option<&'a str>, String),
        name: String,
        stack: &'a Stack,
        id: &'a str,
    }
    let mut seen: Vec<Seen<'_>> = Vec::new();
    for stack in app.stacks() {
        let region = stack.environment.region();
        for r in &stack.template.resources {
            let own = physical_name(app, stack, r).map(|(what, property, name)| {
                (
                    what,
                    property,
                    name,
                    deployed_type(r.properties.type_name()),
                    None,
                )
            });
            for (what, property, name, type_name, event) in
                own.into_iter().chain(sam_schedule_names(r))
            {
                if EVERY_ACCOUNT_HOLDS.contains(&(type_name, name.as_str())) {
                    out.push(Finding {
                        code: "region",
                        stack: stack.name.to_string(),
                        resource: r.id.to_string(),
                        message: format!(
                            "{what} {name} is the one AWS creates in every account and region ({region} too), where what names none goes: AWS holds one resource under a name, and the create fails"
                        ),
                        fix: "name the resource after its service and environment, or use the account's own by leaving the name out where it is used".into(),
                    });
                }
                let scope = name_scope(type_name);
                let key = (
                    type_name,
                    (scope == NameScope::Region).then_some(region),
                    compared(type_name, property, &name),
                );
                if let Some(first) = seen.iter().find(|s| s.key == key) {
                    let (place, fix) = match scope {
                        // SAM names a schedule `<function's logical ID><event name>` in the
                        // default group: the event's name is what tells two apart.
                        NameScope::Region if event.is_some() => (
                            format!("the same account and region ({region})"),
                            "give the schedule (Service::schedule) a name that no other stack's function in this region uses, such as one naming the service, or deploy the two to different regions",
                        ),
                        NameScope::Region => (
                            format!("the same account and region ({region})"),
                            "name the resource after its environment and stack (the builders do: <service>-<environment>), or deploy the two to different regions",
                        ),
                        NameScope::Global => (
                            "the same account: the name is unique across regions".to_owned(),
                            "name the resource after its environment and stack (the builders do: <service>-<environment>); another region does not separate it",
                        ),
                    };
                    let case = if first.name == name {
                        ""
                    } else {
                        " (AWS compares these names regardless of case)"
                    };
                    out.push(Finding {
                    code: "region",
                    stack: stack.name.to_string(),
                    resource: r.id.to_string(),
                    message: format!(
                        "{what} {name} is also used by {} › {} in {place}{case}: AWS holds one resource under a name",
                        first.stack.name, first.id
                    ),
                    fix: fix.into(),
                });
                }
                seen.push(Seen {
                    key,
                    name,
                    stack,
                    id: r.id.as_str(),
                });
            }
        }
    }
}

/// The schedules SAM makes for a function's `ScheduleV2` events: named
/// `<function's logical ID><event name>` in the default group, as SAM documents (no `Name`
/// or `OmitName` is written), so two stacks' functions of one logical ID with a schedule of
/// one name collide in a region.
fn sam_schedule_names(
    r: &Resource,
) -> Vec<(String, &'static str, String, &'static str, Option<&str>)> {
    let Properties::Function(f) = &r.properties else {
        return Vec::new();
    };
    f.events
        .iter()
        .filter(|e| matches!(e.source, EventSource::Schedule(_)))
        .map(|e| {
            (
                format!(
                    "the schedule SAM makes for event {}, AWS::Scheduler::Schedule",
                    e.name
                ),
                "Name",
                format!("default/{}{}", r.id, e.name),
                "AWS::Scheduler::Schedule",
                Some(e.name.as_str()),
            )
        })
        .collect()
}

/// How a value names a resource, for comparing identities: a resource of the stack by its
/// physical name (its logical ID when CloudFormation names it), an ARN or queue URL by its
/// region and last name segment (`function:f:live` → `f:live`), other text in the stack's
/// region; `None` when the definition leaves it open.
fn resource_named(app: &App, stack: &Stack, e: &Expr) -> Option<String> {
    let region = stack.environment.region();
    let own = |reference: &str| {
        let id = reference.split_once('.').map_or(reference, |(id, _)| id);
        stack.template.resource(id)
    };
    let resource = match e {
        Expr::Ref(id) | Expr::GetAtt(id, _) => own(id),
        Expr::Sub(t) => t
            .strip_prefix("${")
            .and_then(|rest| rest.strip_suffix('}'))
            .and_then(own),
        _ => None,
    };
    if let Some(r) = resource {
        return Some(match physical_name(app, stack, r) {
            Some((_, _, name)) => format!("{region}/{name}"),
            None => format!("{}/{}", stack.name, r.id),
        });
    }
    let scope = Scope::new(stack, Some(app));
    let mut text = String::new();
    for part in &scope.resolve(e).parts {
        match part {
            resolve::Part::Text(t) => text.push_str(t),
            // The app is one account; no colon, so ARN fields stay apart.
            resolve::Part::Unknown(u) if u.origin == resolve::Origin::Account => {
                text.push('\u{2}');
            }
            resolve::Part::Unknown(_) => return None,
        }
    }
    if let Some(fields) = text
        .strip_prefix("arn:")
        .map(|t| t.splitn(5, ':').collect::<Vec<_>>())
        && let [_, _, arn_region, _, resource] = fields.as_slice()
    {
        let name = match resource.rsplit_once('/') {
            Some((_, last)) => last,
            None => resource.split_once(':').map_or(*resource, |(_, rest)| rest),
        };
        let arn_region = if arn_region.is_empty() {
            region
        } else {
            arn_region
        };
        return Some(format!("{arn_region}/{name}"));
    }
    // A queue URL: https://sqs.<region>.amazonaws.com/<account>/<name>.
    if let Some(rest) = text.strip_prefix("https://sqs.")
        && let Some((host, path)) = rest.split_once('/')
        && let Some(name) = path.rsplit('/').next()
    {
        let url_region = host.split('.').next().unwrap_or(region);
        return Some(format!("{url_region}/{name}"));
    }
    Some(format!("{region}/{text}"))
}

/// Two resources AWS identifies by the same properties (an alias by its function and name, a
/// log filter by its log group and name, a resource policy by the resource it governs — each
/// modelled function's URL and queue mappings too) are one resource to AWS: the second create
/// fails or silently replaces the first.
fn check_identities(app: &App, out: &mut Vec<Finding>) {
    struct Seen<'a> {
        key: (&'a str, String),
        stack: &'a Stack,
        id: &'a str,
        /// Made by SAM for a modelled function: two of those collide only when their
        /// functions do, which the physical names already report.
        of_function: bool,
    }
    let mut seen: Vec<Seen<'_>> = Vec::new();
    for stack in app.stacks() {
        let region = stack.environment.region();
        for r in &stack.template.resources {
            let mut keys: Vec<(&str, Option<Vec<String>>, &str)> = Vec::new();
            match &r.properties {
                Properties::Raw(raw) => {
                    for (parts, why) in super::raw::identities(raw) {
                        let texts = parts
                            .into_iter()
                            .map(|p| match p {
                                super::raw::IdPart::Default(d) => {
                                    resource_named(app, stack, &Expr::literal(d))
                                }
                                super::raw::IdPart::Value(v) => v
                                    .items()
                                    .into_iter()
                                    .map(|i| i.expr().and_then(|e| resource_named(app, stack, e)))
                                    .collect::<Option<Vec<_>>>()
                                    .map(|items| items.join(",")),
                            })
                            .collect();
                        keys.push((raw.type_name(), texts, why));
                    }
                }
                // SAM makes the alias, URL, queue mappings and asynchronous invocation
                // configuration of a modelled function (on its alias when it has one).
                Properties::Function(f) => {
                    let named = |text: &str| resource_named(app, stack, &Expr::literal(text));
                    let name = f.function_name.as_str();
                    let alias = f.safe_deploy.as_ref().map(|d| d.alias.to_string());
                    // SAM's `AutoPublishAlias` is an alias of the function like a raw one.
                    if let Some(alias) = &alias {
                        keys.push((
                            "AWS::Lambda::Alias",
                            named(name).zip(named(alias)).map(|(f, a)| vec![f, a]),
                            "a function holds one alias per name",
                        ));
                    }
                    if f.url.is_some() {
                        keys.push((
                            "AWS::Lambda::Url",
                            named(name)
                                .zip(named(alias.as_deref().unwrap_or_default()))
                                .map(|(f, q)| vec![f, q]),
                            "a function (or alias) has one Function URL",
                        ));
                    }
                    // SAM's EventInvokeConfig is on the alias, else on `$LATEST`.
                    if f.async_invoke.is_some() {
                        keys.push((
                            "AWS::Lambda::EventInvokeConfig",
                            named(name)
                                .zip(named(alias.as_deref().unwrap_or("$LATEST")))
                                .map(|(f, q)| vec![f, q]),
                            "a function (or alias, or version) has one asynchronous invocation configuration",
                        ));
                    }
                    let qualified = match &alias {
                        Some(q) => named(&format!("{name}:{q}")),
                        None => named(name),
                    };
                    for event in &f.events {
                        if let crate::model::lambda::events::EventSource::Sqs(s) = &event.source {
                            keys.push((
                                "AWS::Lambda::EventSourceMapping",
                                qualified.clone().zip(resource_named(app, stack, &s.queue)).zip(named(""))
                                    .map(|((f, q), topics)| vec![f, q, topics]),
                                "Lambda refuses a second mapping of one queue or stream to one function",
                            ));
                        }
                    }
                }
                _ => {}
            }
            let of_function = matches!(r.properties, Properties::Function(_));
            for (type_name, texts, why) in keys {
                let Some(texts) = texts else { continue };
                let key = (type_name, format!("{region}\u{1}{}", texts.join("\u{1}")));
                if let Some(first) = seen.iter().find(|s| s.key == key) {
                    if first.of_function && of_function {
                        continue;
                    }
                    out.push(Finding {
                        code: "duplicate",
                        stack: stack.name.to_string(),
                        resource: r.id.to_string(),
                        message: format!(
                            "{type_name} {} is the same resource to AWS as {} › {} (in {region}): {why}",
                            texts.join(" / "),
                            first.stack.name,
                            first.id
                        ),
                        fix: "keep one of the two (merge what each sets), or give the second its own name or target".into(),
                    });
                    continue;
                }
                seen.push(Seen {
                    key,
                    stack,
                    id: r.id.as_str(),
                    of_function,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_regions_are_read_only_where_decided() {
        let at = |s: &str| Some(s.to_owned());
        assert_eq!(
            arn_region("arn:aws:sns:eu-west-1:123456789012:ops"),
            at("eu-west-1")
        );
        assert_eq!(
            arn_region("arn:aws:sns:us-west-2:\u{0}:ops"),
            at("us-west-2")
        );
        assert_eq!(arn_region("arn:aws:sns:\u{0}:1:ops"), None);
        assert_eq!(arn_region("arn:aws:sns:${AWS::Region}:1:ops"), None);
        assert_eq!(arn_region("arn:aws:iam::123456789012:role/x"), None);
        assert_eq!(arn_region("ops-topic"), None);
    }
}
