//! Raw resources (`model::raw`) are linted like modelled ones: their policy documents by the
//! IAM lints, their values by the secret rules.
//!
//! Every `PolicyDocument`, `KeyPolicy`, `ResourcePolicy`, `AssumeRolePolicyDocument`,
//! `…PolicyDocument` and `…PolicyText` in the properties is read as IAM reads it, and so is a
//! grant written as properties (`AWS::Lambda::Permission`'s `Principal`, `Action`,
//! `SourceArn`, `SourceAccount`); principals are held to the stack's account, service
//! principals to a named source, web identities to a fixed subject. What the typed model cannot hold is a finding here
//! (`NotAction`/`NotResource`/`NotPrincipal`, wildcard actions, a policy open to every
//! principal, a document that is not literal JSON); the rest becomes typed statements that
//! [`super::iam`] judges exactly as it judges a function's role (wildcard resources,
//! escalation, scope). String values are judged by the secret rules: by shape everywhere, and
//! by name as well inside `Variables` maps (a raw function's environment), where a dynamic
//! reference to a secret puts its value in plain text.

use super::Sink;
use super::resolve::{Origin, Part, Scope};
use crate::builders::Stack;
use crate::model::iam::{Action, Condition, Operator, Policy, Role, Statement};
use crate::model::raw::{Raw, RawValue};
use crate::model::{Expr, Kind, Properties, Resource};

// `IDENTIFIERS`: each provider schema's primaryIdentifier, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/schemas/identifiers.rs"));
// `DECLARED`: every property path each provider schema declares, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/schemas/declared.rs"));

/// Whether `path` (property names from the resource's `Properties` down, array items passed
/// through) names properties `type_name`'s provider schema declares: a setting of the service,
/// such as `MasterUserPassword`. A key of a map the schema leaves open (`patternProperties`,
/// `additionalProperties`, an untyped object: a state machine's `DefinitionSubstitutions`, a
/// pipe's `HeaderParameters`) is the template's own data, not a property. `None` for a type
/// infra-gen does not embed (the pipeline refuses it).
fn declares_property(type_name: &str, path: &[&str]) -> Option<bool> {
    if !DECLARED.contains(&format!("\n{type_name}\n")) {
        return None;
    }
    let mut line = format!("\n{type_name}");
    for key in path {
        line.push('/');
        line.push_str(key);
    }
    line.push('\n');
    Some(DECLARED.contains(&line))
}

/// The one property that identifies a resource of `type_name` (`primaryIdentifier` of its
/// schema) and whether CloudFormation sets it (read-only) rather than the template; `None`
/// for a type without a schema here or identified by several properties.
pub(super) fn identifier(type_name: &str) -> Option<(&'static str, bool)> {
    match IDENTIFIERS.iter().find(|(t, _)| *t == type_name)?.1 {
        [one] => Some(*one),
        _ => None,
    }
}

/// Whether the service keeps `property` of `type_name` in lowercase (its schema says so: an RDS
/// instance's `DBInstanceIdentifier`), so values differing only in case name one resource.
pub(super) fn stored_lowercase(type_name: &str, property: &str) -> bool {
    LOWERCASED.contains(&(type_name, property))
}

/// A value beginning with a prefix its type's schema says AWS keeps for itself (`RESERVED`,
/// read from the schemas' descriptions by `build.rs`: a KMS alias under `alias/aws/`, the
/// aliases of AWS managed keys) names what AWS holds: the service refuses it. The text the
/// definition decides before anything unknown is judged (`alias/aws/${AWS::StackName}`).
fn reserved_prefixes(raw: &Raw, id: &str, sink: &mut Sink<'_>) {
    for (_, property, prefix) in RESERVED.iter().filter(|(t, _, _)| *t == raw.type_name()) {
        let Some(value) = raw.properties().get(property).and_then(RawValue::expr) else {
            continue;
        };
        let resolved = sink.scope().resolve(value);
        let leading = match resolved.parts.first() {
            Some(super::resolve::Part::Text(t)) => t.as_str(),
            _ => "",
        };
        if leading.starts_with(prefix) {
            sink.push(
                "duplicate",
                id,
                format!(
                    "raw {} {property} {} begins with {prefix}, which AWS keeps for its own ({}'s schema says a value cannot begin with it): the name is AWS's, and the create fails",
                    raw.type_name(),
                    resolved.with_unknowns_as("${…}"),
                    raw.type_name()
                ),
                format!("name it outside {prefix}, after its service and environment"),
            );
        }
    }
}

/// What `Ref` returns for a raw resource of `type_name`: for a type identified by one
/// property, that property (`TopicArn`, `RoleName`); `None` when the schema does not say.
pub(super) fn ref_returns(type_name: &str) -> Option<&'static str> {
    identifier(type_name).map(|(property, _)| property)
}

/// The name a raw resource is known by in AWS, when its template sets it: the value of its
/// type's one identifying property (`RoleName`, `LogGroupName`); when CloudFormation assigns
/// that identifier (a queue's `QueueUrl`, a topic's `TopicArn`, a secret's `Id`), the name it
/// is built from — the property named after the last variable of the type's ARN format in
/// AWS's data (`QueueName`, `TopicName`), or else `Name` (an OIDC provider's `Url`).
pub(super) fn physical_name(raw: &Raw) -> Option<(&'static str, &Expr)> {
    let property = match identifier(raw.type_name())? {
        (property, false) => property,
        // Only for a type AWS's data knows as a resource of its own (not a function's alias,
        // whose name is unique only within its function).
        (_, true) => {
            let arn = crate::model::iam::data::resource_type_of(raw.type_name())?.arn();
            let last = arn
                .rsplit_once("${")
                .and_then(|(_, v)| v.strip_suffix('}'))
                .filter(|v| raw.properties().get(v).is_some());
            // An OIDC provider's ARN is its URL's host and path.
            last.or_else(|| {
                ["Name", "Url"]
                    .into_iter()
                    .find(|p| raw.properties().get(p).is_some())
            })?
        }
    };
    Some((property, raw.properties().get(property)?.expr()?))
}

/// Types whose resources AWS identifies by several properties the template sets, though the
/// schema's `primaryIdentifier` names an ID CloudFormation assigns: the properties — with AWS's
/// default for one left out, or `None` when leaving it out makes the resource unique (a name
/// AWS generates) — and why two of one identity collide. Types whose schema names several
/// writable properties (a log filter's log group and name, an invoke config's function and
/// qualifier) are read from the schema.
type Identity = (
    &'static str,
    &'static [(&'static str, Option<&'static str>)],
    &'static str,
);
const IDENTIFIED_BY: [Identity; 6] = [
    (
        "AWS::Lambda::Alias",
        &[("FunctionName", None), ("Name", None)],
        "a function holds one alias per name",
    ),
    (
        "AWS::Lambda::Url",
        &[("TargetFunctionArn", None), ("Qualifier", Some(""))],
        "a function (or alias) has one Function URL",
    ),
    (
        "AWS::Lambda::EventSourceMapping",
        &[
            ("FunctionName", None),
            ("EventSourceArn", None),
            ("Topics", Some("")),
        ],
        "Lambda refuses a second mapping of one queue or stream to one function",
    ),
    (
        "AWS::SNS::Subscription",
        &[("TopicArn", None), ("Protocol", None), ("Endpoint", None)],
        "SNS returns the existing subscription for a second one of one topic, protocol and endpoint, so deleting either resource drops both",
    ),
    (
        "AWS::EC2::SecurityGroup",
        &[("VpcId", Some("")), ("GroupName", None)],
        "EC2 holds one security group per name in a VPC",
    ),
    (
        "AWS::Events::Rule",
        &[
            ("EventBusName", Some(super::regions::DEFAULT_NAME)),
            ("Name", None),
        ],
        "EventBridge holds one rule per name on an event bus",
    ),
];

/// Types that set the whole resource policy of each resource they list (the property listing
/// them): a queue, topic or bucket has one policy, and the later writer replaces the earlier.
const POLICY_OF: [(&str, &str); 3] = [
    ("AWS::SQS::QueuePolicy", "Queues"),
    ("AWS::SNS::TopicPolicy", "Topics"),
    ("AWS::S3::BucketPolicy", "Bucket"),
];

/// A part of a raw resource's identity: a value it sets, or AWS's default for one it leaves
/// out.
pub(super) enum IdPart<'a> {
    Value(&'a RawValue),
    Default(&'static str),
}

/// What identifies a raw resource to AWS when one name does not: each identity as its parts,
/// with why two resources of one identity collide. A resource policy has one identity per
/// resource it governs.
pub(super) fn identities(raw: &Raw) -> Vec<(Vec<IdPart<'_>>, &'static str)> {
    let props = raw.properties();
    let type_name = raw.type_name();
    if let Some((_, list)) = POLICY_OF.iter().find(|(t, _)| *t == type_name) {
        let why =
            "a resource has one resource policy: the later policy resource replaces the earlier's";
        return props
            .get(list)
            .map(RawValue::items)
            .unwrap_or_default()
            .into_iter()
            .map(|v| (vec![IdPart::Value(v)], why))
            .collect();
    }
    let parts = |keys: &[(&'static str, Option<&'static str>)]| -> Option<Vec<IdPart<'_>>> {
        keys.iter()
            .map(|(k, default)| match (props.get(k), default) {
                (Some(v), _) => Some(IdPart::Value(v)),
                (None, Some(d)) => Some(IdPart::Default(d)),
                (None, None) => None,
            })
            .collect()
    };
    if let Some((_, keys, why)) = IDENTIFIED_BY.iter().find(|(t, ..)| *t == type_name) {
        return parts(keys).map(|p| vec![(p, *why)]).unwrap_or_default();
    }
    match IDENTIFIERS.iter().find(|(t, _)| *t == type_name) {
        Some((_, keys)) if keys.len() > 1 && keys.iter().all(|(_, read_only)| !read_only) => {
            let keys: Vec<_> = keys.iter().map(|(k, _)| (*k, None)).collect();
            parts(&keys)
                .map(|p| vec![(p, "AWS holds one resource under these names")])
                .unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

/// What a raw resource's name is unique within, besides its account and region, innermost
/// first: each variable of its ARN format's resource part before the last (the name) — an
/// EventBridge Scheduler schedule's `${GroupName}` in `schedule/${GroupName}/${ScheduleName}` —
/// as the property of that name, `None` when the resource leaves it out (AWS then puts it in
/// the one called `default`).
pub(super) fn parents(raw: &Raw) -> Vec<Option<&Expr>> {
    let Some(resource) = crate::model::iam::data::resource_type_of(raw.type_name()) else {
        return Vec::new();
    };
    let variables: Vec<&str> = resource
        .arn_resource()
        .split("${")
        .skip(1)
        .filter_map(|v| v.split_once('}').map(|(v, _)| v))
        .collect();
    let Some((_, outer)) = variables.split_last() else {
        return Vec::new();
    };
    outer
        .iter()
        .rev()
        .filter(|v| !matches!(**v, "Partition" | "Region" | "Account"))
        .map(|v| raw.properties().get(v).and_then(RawValue::expr))
        .collect()
}

const DOCUMENT_KEYS: [&str; 4] = [
    "PolicyDocument",
    "KeyPolicy",
    "ResourcePolicy",
    "AssumeRolePolicyDocument",
];

/// Whether a property holds an IAM policy document: the names above, and any
/// `…PolicyDocument` or `…PolicyText` (a log group's `ResourcePolicyDocument`, a repository's
/// `RepositoryPolicyText`) unless it is literally another kind of document, one with neither a
/// `Statement` nor a `Version` (a repository's `LifecyclePolicyText` holds ECR's `rules`); and
/// under any name, a document shaped as IAM's grammar (a `Statement` with an `Effect`, which
/// IAM requires of every statement): an event bus's `Policy`, a file system's
/// `FileSystemPolicy`. A `DataProtectionPolicy` has statements too, but no `Effect`.
fn is_document_key(key: &str, value: &RawValue) -> bool {
    let parsed = value
        .literal()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
        .and_then(|json| RawValue::from_json(&json).ok());
    let object = match &parsed {
        Some(parsed) => parsed,
        None => value,
    };
    let other_document = matches!(object, RawValue::Object(_))
        && object.get("Statement").is_none()
        && object.get("Version").is_none();
    let iam_shaped = object
        .get("Statement")
        .is_some_and(|s| s.items().iter().any(|s| s.get("Effect").is_some()));
    DOCUMENT_KEYS.contains(&key)
        || ((key.ends_with("PolicyDocument") || key.ends_with("PolicyText")) && !other_document)
        || iam_shaped
}

/// Whether `principal` is an AWS service principal (`s3.amazonaws.com`).
fn is_service_principal(principal: &str) -> bool {
    !principal.contains(':')
        && (principal.ends_with(".amazonaws.com") || principal.ends_with(".amazonaws.com.cn"))
}

/// The condition keys that tie a grant to a service principal to one source: without one, the
/// service acts for any account's resource that names this one (AWS's confused deputy).
const SOURCE_KEYS: [&str; 4] = [
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
];

/// A grant to a service principal with no condition on its source is open to every account's
/// resources of that service.
fn confused_deputy(principal: &str, what: &str, id: &str, sink: &mut Sink<'_>) {
    sink.push(
        "iam-public",
        id,
        format!(
            "{what} grants the service principal {principal} without naming the source: any account's resource of that service may use it"
        ),
        "tie the grant to its source: SourceArn/SourceAccount on AWS::Lambda::Permission, an aws:SourceArn or aws:SourceAccount condition in a policy",
    );
}

/// IAM reads no wildcard inside a principal: `*` is a principal only whole, for every IAM
/// principal (`"*"`, `{"AWS": "*"}`, refused as public on its own), and a pattern
/// (`arn:aws:iam::*:root`, `role/*`, `{"Service": "*"}`) — or an input that may hold one — is
/// refused by IAM or names no one.
fn wildcard_principals(principal: &RawValue, place: &str, id: &str, sink: &mut Sink<'_>) {
    let kinds: Vec<(&str, &RawValue)> = match principal {
        RawValue::Object(kinds) => kinds.iter().map(|(k, v)| (k.as_str(), v)).collect(),
        other => vec![("AWS", other)],
    };
    let scope = sink.scope();
    for (kind, values) in kinds {
        for value in values.items() {
            let Some(e) = value.expr() else { continue };
            let resolved = scope.resolve(e);
            let everyone = resolved.known() == Some("*") && kind != "Service";
            if !everyone && resolved.may_wildcard() {
                sink.push(
                    "iam-wildcard",
                    id,
                    format!(
                        "{place} names the principal {} with a wildcard: IAM reads `*` in a principal only as the whole principal",
                        resolved.with_unknowns_as("${…}")
                    ),
                    "name each account, role or service principal exactly",
                );
            }
        }
    }
}

/// The literal actions of an `Action` value; a wildcard, malformed or computed one is
/// `iam-wildcard`, naming `place`.
fn actions(value: Option<&RawValue>, place: &str, id: &str, sink: &mut Sink<'_>) -> Vec<Action> {
    let mut actions = Vec::new();
    for a in value.map(RawValue::items).unwrap_or_default() {
        match a.literal().map(Action::new) {
            Some(Ok(action)) => actions.push(action),
            Some(Err(_)) => sink.push(
                "iam-wildcard",
                id,
                format!(
                    "{place} allows {}, a wildcard or malformed action",
                    a.literal().unwrap_or_default()
                ),
                "list each action as service:Operation, without * or ?",
            ),
            None => sink.push(
                "iam-wildcard",
                id,
                format!("{place} takes an action from an intrinsic"),
                "write each action literally, so it can be checked",
            ),
        }
    }
    actions
}

/// A resource's own grant (`AWS::Lambda::Permission`): its `Action` is an action AWS defines,
/// judged for escalation like a statement's, with `SourceArn` compared as `ArnLike` does and
/// `SourceAccount` exactly; a service principal must be tied to its source.
fn own_grant(stack: &Stack, raw: &Raw, principal: &RawValue, id: &str, sink: &mut Sink<'_>) {
    let props = raw.properties();
    let actions = actions(
        props.get("Action"),
        &format!("raw {}", raw.type_name()),
        id,
        sink,
    );
    let mut statement = Statement::allow("Permission", actions, Vec::new());
    statement.crossings = raw.crossings().to_vec();
    for (property, operator, key) in [
        ("SourceArn", Operator::StringLike, "aws:SourceArn"),
        ("SourceAccount", Operator::StringEquals, "aws:SourceAccount"),
    ] {
        if let Some(value) = props.get(property).and_then(RawValue::expr) {
            statement.conditions.push(Condition {
                operator,
                key: key.into(),
                values: vec![value.clone()],
            });
        }
    }
    super::iam::check_grant(stack, &statement, id, sink);
    service_regions(
        &principal.items(),
        &format!("raw {}", raw.type_name()),
        id,
        sink,
    );
    let scope = sink.scope();
    let tied = props.get("SourceAccount").is_some()
        || props
            .get("SourceArn")
            .is_some_and(|arn| names_an_account(arn, &scope));
    if let Some(service) = principal
        .items()
        .into_iter()
        .filter_map(RawValue::literal)
        .find(|p| is_service_principal(p))
        && !tied
    {
        confused_deputy(service, &format!("raw {}", raw.type_name()), id, sink);
    }
}

/// The roles a raw resource has a service assume (`Role`, `RoleArn`, `ExecutionRoleArn`,
/// `AssociatedRoles[].RoleArn`, …) are of the stack's own account: creating the resource
/// passes the role (`iam:PassRole`), which IAM allows only for roles of the caller's account,
/// and another account's role would act for the stack, which a raw resource cannot declare.
/// A raw role's `PermissionsBoundary` must be a managed policy of the stack's account or
/// AWS's (`arn:aws:iam::aws:policy/…`): IAM sets no other account's policy as a boundary, so
/// the deploy fails.
fn foreign_boundary(raw: &Raw, id: &str, sink: &mut Sink<'_>) {
    let Some(boundary) = raw
        .properties()
        .get("PermissionsBoundary")
        .and_then(RawValue::expr)
    else {
        return;
    };
    let text = sink.scope().resolve(boundary).with_unknowns_as("\u{0}");
    if let ["arn", _, "iam", "", account, _] = text.splitn(6, ':').collect::<Vec<_>>()[..]
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && Some(account) != super::own_account(sink.app)
    {
        sink.push(
            "iam-scope",
            id,
            format!(
                "raw {} sets the permissions boundary {text} of account {account}, not the stack's own (${{AWS::AccountId}}): IAM takes only a policy of the role's account or an AWS managed one",
                raw.type_name()
            ),
            "name a managed policy of this account (arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/…) or an AWS managed policy",
        );
    }
}

fn foreign_roles(raw: &Raw, id: &str, sink: &mut Sink<'_>) {
    let scope = sink.scope();
    let own = super::own_account(sink.app);
    let mut found: Vec<(String, String)> = Vec::new();
    raw.properties().visit(&mut |key, value| {
        let key = key.to_ascii_lowercase();
        if !(key.ends_with("role") || key.ends_with("rolearn") || key.ends_with("rolearns")) {
            return;
        }
        for e in value.items().into_iter().filter_map(RawValue::expr) {
            let text = scope.resolve(e).with_unknowns_as("\u{0}");
            let fields: Vec<&str> = text.splitn(6, ':').collect();
            if let ["arn", _, "iam", _, account, resource] = fields[..]
                && resource.starts_with("role/")
                && account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && Some(account) != own
            {
                found.push((account.to_owned(), text.clone()));
            }
        }
    });
    for (account, role) in found {
        sink.push(
            "iam-scope",
            id,
            format!(
                "raw {} has a service assume the role {role} of account {account}, not the stack's own (${{AWS::AccountId}}): IAM passes only roles of the deploying account (iam:PassRole)",
                raw.type_name()
            ),
            "name a role of this account: a role of this stack (GetAtt <Role>.Arn) or an ARN written with ${AWS::AccountId}",
        );
    }
}

pub(super) fn check(stack: &Stack, raw: &Raw, id: &str, sink: &mut Sink<'_>) {
    reserved_prefixes(raw, id, sink);
    // A resource-based permission outside a document (`AWS::Lambda::Permission`) is read
    // like a statement's Principal.
    if raw
        .properties()
        .get("Principal")
        .is_some_and(|p| p.items().into_iter().any(|p| p.literal() == Some("*")))
    {
        sink.push(
            "iam-public",
            id,
            format!("raw {} grants to every principal (*)", raw.type_name()),
            "name the account or service principal allowed, with SourceArn or SourceAccount for a service; a public Function URL is FunctionUrl::public with its written reason",
        );
    }
    // A literal account in a resource's own Principal grants another account: a raw
    // resource cannot declare that (Statement::cross_account can), so it is refused like an
    // undeclared statement's.
    let declared = |boundary| {
        raw.crossings()
            .iter()
            .any(|c| c.boundary == boundary && crate::model::iam::Crossing::is_reason(&c.reason))
    };
    if let Some(account) = raw
        .properties()
        .get("Principal")
        .into_iter()
        .flat_map(RawValue::items)
        .find_map(|p| p.literal().and_then(literal_account))
        .filter(|_| !declared(crate::model::iam::Boundary::Account))
    {
        sink.push(
            "iam-scope",
            id,
            format!(
                "raw {} grants to account {account}, not the stack's own (${{AWS::AccountId}}), undeclared",
                raw.type_name()
            ),
            "grant to ${AWS::AccountId} or a service principal with SourceArn/SourceAccount; for another account, declare it with Raw::cross_account(\"why\") (shown on the review page)",
        );
    }
    if let Some(principal) = raw.properties().get("Principal") {
        wildcard_principals(principal, &format!("raw {}", raw.type_name()), id, sink);
        own_grant(stack, raw, principal, id, sink);
    }
    foreign_roles(raw, id, sink);
    foreign_boundary(raw, id, sink);
    // What a managed policy allows is not in the definition, so it cannot be judged.
    if let Some(arns) = raw.properties().get("ManagedPolicyArns")
        && !arns.items().is_empty()
    {
        sink.push(
            "iam-raw",
            id,
            format!(
                "raw {} attaches managed policies, whose statements are not in the definition and cannot be checked",
                raw.type_name()
            ),
            "write the statements the role needs as an inline policy (Policies with a PolicyDocument), so the IAM lints judge them",
        );
    }
    // A Function URL without auth is exposure the modelled URL asks a written reason for.
    if raw.type_name() == "AWS::Lambda::Url"
        && raw.properties().get("AuthType").and_then(RawValue::literal) != Some("AWS_IAM")
    {
        sink.push(
            "iam-public",
            id,
            "raw AWS::Lambda::Url is not AuthType AWS_IAM: anyone on the internet could call the function".to_owned(),
            "use the function's modelled URL: FunctionUrl::aws_iam(), or FunctionUrl::public with its written reason",
        );
    }
    if raw.type_name() == "AWS::Lambda::Function" {
        function_log_group(stack, raw, id, sink);
        // Lambda's reserved names and size limit hold for a raw function's environment too.
        if let Some(RawValue::Object(fields)) = raw
            .properties()
            .get("Environment")
            .and_then(|e| e.get("Variables"))
        {
            let vars: Vec<(&str, &Expr)> = fields
                .iter()
                .filter_map(|(k, v)| Some((k.as_str(), v.expr()?)))
                .collect();
            super::env::variables(&vars, false, id, sink);
        }
    }
    exported_log_groups(stack, raw, id, sink);
    delivery_log_groups(stack, raw, id, sink);
    // A hosted rotation function is made by the AWS::SecretsManager transform, which the
    // templates do not declare (CloudFormation refuses the property without it), and Lambda
    // would create its log group without retention.
    if raw.type_name() == "AWS::SecretsManager::RotationSchedule"
        && raw.properties().get("HostedRotationLambda").is_some()
    {
        sink.push(
            "log-group",
            id,
            "raw AWS::SecretsManager::RotationSchedule uses HostedRotationLambda, which needs the AWS::SecretsManager transform the template does not declare and creates a function whose log group never expires".to_owned(),
            "give it RotationLambdaARN of a function of the stack that logs to a log group with a retention",
        );
    }
    let mut statements = Vec::new();
    // A resource's own policy (not IAM's identity and trust documents) may leave out
    // `Resource`: it then grants on the resource itself.
    let itself = (!raw.type_name().starts_with("AWS::IAM::"))
        .then(|| Expr::GetAtt(id.to_owned(), "Arn".into()));
    let scope = Scope::new(stack, None);
    let own = Own {
        itself: itself.as_ref(),
        objects: governed_objects(stack, raw, &scope),
        crossings: raw.crossings(),
    };
    raw.properties().visit(&mut |key, value| {
        // Text built of literals (`Fn::Sub` of literal variables or none, `Fn::Join` of
        // strings) is the text CloudFormation passes on: judged as if written out.
        let resolved = match value.expr() {
            Some(e @ (Expr::Sub(..) | Expr::SubWith(..) | Expr::Join(..))) => scope
                .resolve(e)
                .known()
                .map(|t| RawValue::Expr(Expr::Literal(t.to_owned()))),
            _ => None,
        };
        let value = resolved.as_ref().unwrap_or(value);
        if is_document_key(key, value) {
            document(value, key, id, &own, &mut statements, sink);
        }
    });
    if !statements.is_empty() {
        let role = Role {
            description: format!("policies of raw {}", raw.type_name()),
            policies: vec![Policy {
                name: "RawPolicies".into(),
                statements,
            }],
        };
        super::iam::check(stack, &role, id, sink);
    }
    let mut at = Place {
        type_name: raw.type_name(),
        path: Vec::new(),
    };
    secrets(raw.properties(), &mut at, false, id, sink);
}

/// Where [`secrets`] reads: the raw resource's type and the property names down to the value.
struct Place<'v> {
    type_name: &'v str,
    path: Vec<&'v str>,
}

/// What a resource's own policy grants on when it names the resource itself.
struct Own<'e> {
    /// The resource (`GetAtt <policy>.Arn`); `None` for IAM's own documents.
    itself: Option<&'e Expr>,
    /// A bucket policy's `arn:<partition>:s3:::<its bucket>/*` as resolved, once by the
    /// bucket's reference and once by its `BucketName`: every object of the bucket it
    /// governs, which is that bucket itself (AWS's documented CloudFront policy grants it).
    objects: Vec<super::resolve::Resolved>,
    /// What the raw resource declares it crosses ([`Raw::cross_account`]), for each statement.
    crossings: &'e [crate::model::iam::Crossing],
}

/// The ARN of every object of the bucket a raw `AWS::S3::BucketPolicy` governs, as resolved
/// by its `Bucket` (a `Ref` of a raw bucket of the stack also by that bucket's `BucketName`).
fn governed_objects(stack: &Stack, raw: &Raw, scope: &Scope<'_>) -> Vec<super::resolve::Resolved> {
    if raw.type_name() != "AWS::S3::BucketPolicy" {
        return Vec::new();
    }
    let Some(bucket) = raw.properties().get("Bucket").and_then(RawValue::expr) else {
        return Vec::new();
    };
    // The bucket as named here, and each raw bucket of the stack it is (by `Ref`, or by a
    // `BucketName` resolving alike) by its `Ref` and its `BucketName`.
    let governed = scope.resolve(bucket);
    let mut names = vec![bucket.clone()];
    for r in &stack.template.resources {
        if let Properties::Raw(b) = &r.properties
            && b.type_name() == "AWS::S3::Bucket"
        {
            let name = b.properties().get("BucketName").and_then(RawValue::expr);
            let same = matches!(bucket, Expr::Ref(target) if target == r.id.as_str())
                || name.is_some_and(|n| governed.known().is_some() && scope.resolve(n) == governed);
            if same {
                names.push(Expr::Ref(r.id.as_str().to_owned()));
                names.extend(name.cloned());
            }
        }
    }
    names
        .into_iter()
        .map(|name| {
            scope.resolve(&Expr::Join(
                String::new(),
                vec![
                    Expr::literal("arn:"),
                    Expr::Ref("AWS::Partition".into()),
                    Expr::literal(":s3:::"),
                    name,
                    Expr::literal("/*"),
                ],
            ))
        })
        .collect()
}

fn document(
    doc: &RawValue,
    key: &str,
    id: &str,
    own: &Own<'_>,
    statements: &mut Vec<Statement>,
    sink: &mut Sink<'_>,
) {
    let itself = own.itself;
    // A property typed "object or string" (`RepositoryPolicyText`) may hold the document as
    // JSON text: IAM reads the same document.
    if let Some(text) = doc.literal()
        && let Ok(parsed) = serde_json::from_str::<serde_json::Value>(text)
        && let Ok(parsed) = RawValue::from_json(&parsed)
        && parsed.get("Statement").is_some()
    {
        // JSON text may give a key twice in one object, which the parse keeps once.
        if let Ok(Repeated(Some(twice))) = serde_json::from_str::<Repeated>(text) {
            sink.push(
                "duplicate",
                id,
                format!(
                    "{key} gives the key {twice:?} twice in one object: read as JSON, the later silently replaces the earlier"
                ),
                "write each key of an object once (merge the two entries)",
            );
        }
        return document(&parsed, key, id, own, statements, sink);
    }
    let Some(body) = doc.get("Statement") else {
        // A wrapper around the document (DynamoDB's `ResourcePolicy: {PolicyDocument}`): the
        // document inside is read on its own.
        if let RawValue::Object(fields) = doc
            && fields.iter().any(|(k, v)| is_document_key(k, v))
        {
            return;
        }
        sink.push(
            "iam-raw",
            id,
            format!("{key} is not a literal policy document with a Statement"),
            "write the document as JSON in the definition, so its statements can be checked",
        );
        return;
    };
    if body.items().is_empty() {
        sink.push(
            "iam-scope",
            id,
            format!("{key} has no statement: IAM refuses a policy that says nothing"),
            "give the document the statements it needs, or remove it",
        );
    }
    // IAM's own documents are those without a resource of their own (`itself`).
    let iam_document = itself.is_none();
    let mut sids: Vec<&str> = Vec::new();
    for (n, s) in body.items().into_iter().enumerate() {
        let sid = s
            .get("Sid")
            .and_then(RawValue::literal)
            .map_or_else(|| format!("{key}[{n}]"), str::to_owned);
        if let Some(named) = s.get("Sid").and_then(RawValue::literal) {
            if iam_document {
                super::iam::check_iam_sid(named, &format!("a statement of {key}"), id, sink);
            }
            if sids.contains(&named) {
                sink.push(
                    "duplicate",
                    id,
                    format!("{key} has two statements with Sid {named}: IAM refuses the policy"),
                    "give each statement of a policy its own Sid",
                );
            }
            sids.push(named);
        }
        repeated_condition_keys(s.get("Condition"), &sid, key, id, sink);
        let deny = s.get("Effect").and_then(RawValue::literal) == Some("Deny");
        grammar(s, deny, iam_document, &sid, key, id, sink);
        for field in ["Principal", "NotPrincipal"] {
            if let Some(principal) = s.get(field) {
                principal_partitions(principal, &format!("statement {sid} of {key}"), id, sink);
            }
        }
        if let Some(services) = s.get("Principal").and_then(|p| p.get("Service")) {
            service_regions(
                &services.items(),
                &format!("statement {sid} of {key}"),
                id,
                sink,
            );
        }
        match s.get("Effect").map(|e| (e, e.literal())) {
            Some((_, Some("Deny"))) => continue, // a Deny only narrows
            Some((_, Some("Allow"))) => {}
            // CloudFormation resolves an intrinsic before IAM reads it: it may be Allow, so the
            // statement is judged as one.
            effect => sink.push(
                "iam-raw",
                id,
                match effect {
                    None => format!("statement {sid} of {key} has no Effect: IAM refuses the policy"),
                    Some((_, Some(other))) => format!(
                        "statement {sid} of {key} has Effect {other:?}: IAM knows only Allow and Deny"
                    ),
                    Some((_, None)) => format!(
                        "statement {sid} of {key} takes its Effect from an intrinsic, so it is judged as an Allow"
                    ),
                },
                "write Effect literally as Allow or Deny",
            ),
        }
        for inverted in ["NotAction", "NotResource", "NotPrincipal"] {
            if s.get(inverted).is_some() {
                sink.push(
                    "iam-wildcard",
                    id,
                    format!(
                        "statement {sid} of {key} allows with {inverted}: everything but the listed"
                    ),
                    "list exactly what is allowed with Action, Resource and Principal",
                );
            }
        }
        if let Some(principal) = s.get("Principal") {
            if !names_a_principal(principal) {
                sink.push(
                    "iam-scope",
                    id,
                    format!("statement {sid} of {key} names no principal: IAM refuses the policy"),
                    "name the accounts, roles or services the statement is for, or remove it",
                );
            }
            let everyone = |v: &RawValue| v.items().into_iter().any(|p| p.literal() == Some("*"));
            let open = (everyone(principal)
                || ["AWS", "Federated", "CanonicalUser"]
                    .iter()
                    .any(|k| principal.get(k).is_some_and(everyone)))
                && !own_principals_only(s.get("Condition"), &sink.scope());
            if open {
                sink.push(
                    "iam-public",
                    id,
                    format!("statement {sid} of {key} allows every principal (*)"),
                    "name the accounts, roles or services allowed (a service principal with an aws:SourceArn condition for AWS services)",
                );
            }
            wildcard_principals(principal, &format!("statement {sid} of {key}"), id, sink);
            if key == "AssumeRolePolicyDocument" {
                web_identity(principal, s.get("Condition"), &sid, key, id, sink);
            } else {
                let declared = own.crossings.iter().any(|c| {
                    c.boundary == crate::model::iam::Boundary::Account
                        && crate::model::iam::Crossing::is_reason(&c.reason)
                });
                foreign_principals(principal, s.get("Condition"), declared, &sid, key, id, sink);
            }
            // Trusting an IAM principal lets it assume the role and act with its permissions (a
            // role chain, like granting it sts:AssumeRole, which iam-escalation refuses); the
            // modelled roles trust only a service or GitHub's OIDC provider.
            if key == "AssumeRolePolicyDocument" {
                for trusted in principal
                    .get("AWS")
                    .map(RawValue::items)
                    .unwrap_or_default()
                {
                    // `*` is iam-public above; narrowed to the account, it is every principal
                    // of the account, each of which could assume the role.
                    if trusted.literal() == Some("*") && open {
                        continue;
                    }
                    let named = serde_json::to_string(trusted).unwrap_or_default();
                    sink.push(
                        "iam-escalation",
                        id,
                        format!(
                            "statement {sid} of {key} trusts the IAM principal {named}: it may assume this role and act with the role's permissions"
                        ),
                        "trust only the service that runs with the role (Principal: {Service: …}); give a function's own role the permissions it needs instead of a role to assume",
                    );
                }
            }
        }
        // A resource's statement for its own account alone delegates to that account's IAM
        // policies (IAM's "AWS account principals"; a KMS key policy's default statement): it
        // grants no principal anything by itself, and the policies that do are judged where
        // they are written.
        if key != "AssumeRolePolicyDocument"
            && s.get("Principal")
                .is_some_and(|p| own_account_only(p, &sink.scope()))
        {
            continue;
        }
        let actions = actions(
            s.get("Action"),
            &format!("statement {sid} of {key}"),
            id,
            sink,
        );
        if key == "AssumeRolePolicyDocument" {
            continue; // a trust policy names principals, not resources
        }
        let mut resources = Vec::new();
        if s.get("Resource").is_none()
            && let Some(itself) = itself
        {
            resources.push(itself.clone());
        }
        for r in s.get("Resource").map(RawValue::items).unwrap_or_default() {
            match r.expr() {
                // A resource's own policy grants only on that resource: its `*` is the resource
                // (a KMS key policy's `"Resource": "*"` is "this key").
                Some(e) if e.as_literal() == Some("*") && itself.is_some() => {
                    resources.extend(itself.cloned());
                }
                // A bucket policy's every object of its own bucket is that bucket.
                Some(e)
                    if !own.objects.is_empty()
                        && own.objects.contains(&sink.scope().resolve(e)) =>
                {
                    resources.extend(itself.cloned());
                }
                // `Fn::Split` is a list: IAM reads each item as a resource, where the items are
                // decided (else the whole text is judged, which holds whatever an item holds).
                Some(Expr::Split(by, source)) => {
                    let items = sink
                        .scope()
                        .resolve(source)
                        .split(by)
                        .map_or(0, |i| i.len());
                    let split = Expr::Split(by.clone(), source.clone());
                    if items == 0 {
                        resources.push(split);
                    } else {
                        resources
                            .extend((0..items).map(|i| Expr::Select(i, Box::new(split.clone()))));
                    }
                }
                Some(e) => resources.push(e.clone()),
                None => sink.push(
                    "iam-raw",
                    id,
                    format!("statement {sid} of {key} names a resource that is not a string"),
                    "write each resource as an ARN string or an intrinsic that returns one",
                ),
            }
        }
        // What was refused above leaves nothing to judge; a list that was empty as written is
        // judged by the IAM lints, which refuse it by name.
        let refused =
            |field: &str, kept: bool| !kept && s.get(field).is_some_and(|v| !v.items().is_empty());
        if s.get("NotAction").is_some()
            || s.get("NotResource").is_some()
            || refused("Action", !actions.is_empty())
            || refused("Resource", !resources.is_empty())
        {
            continue;
        }
        let mut statement = Statement::allow(&sid, actions, resources);
        statement.conditions = conditions(s.get("Condition"));
        // In a resource's policy, `aws:PrincipalArn` chooses among the principals `Principal`
        // names: a pattern after the stack's account was judged with them (narrowing `*` to
        // the account's principals), and names no resource.
        if s.get("Principal").is_some() {
            let scope = sink.scope();
            statement.conditions.retain(|c| {
                !(c.key.eq_ignore_ascii_case("aws:PrincipalArn")
                    && c.values.iter().all(|v| {
                        with_own_account(v, &scope).is_some_and(|t| {
                            super::iam::principals_of_own_account(
                                &t.replace('\u{1}', "000000000000"),
                            )
                        })
                    }))
            });
        }
        statement.crossings = own.crossings.to_vec();
        statements.push(statement);
    }
}

/// What IAM's grammar asks of every statement, an Allow's or a Deny's: actions (`Action` or
/// `NotAction`) and, in IAM's own documents, resources (`Resource` or `NotResource`), no list
/// of them empty, and at least one value for each condition key — IAM refuses the policy
/// otherwise (`MalformedPolicyDocument`), whatever the statement's effect. An Allow's lists and
/// the conditions the IAM lints read are judged there ([`super::iam`]); here a Deny's, and an
/// Allow's conditions under operators those lints do not read (`StringNotEquals`,
/// `NumericLessThan`, `IpAddress`, …).
fn grammar(
    s: &RawValue,
    deny: bool,
    iam_document: bool,
    sid: &str,
    key: &str,
    id: &str,
    sink: &mut Sink<'_>,
) {
    let mut refuse = |what: String| {
        sink.push(
            "iam-scope",
            id,
            format!("statement {sid} of {key} {what}: IAM refuses the policy, whatever the statement's effect"),
            "give the statement its actions, resources and condition values, or remove it",
        );
    };
    if deny {
        for field in ["Principal", "NotPrincipal"] {
            if s.get(field).is_some_and(|p| !names_a_principal(p)) {
                refuse(format!("names no principal in {field}"));
            }
        }
        for pair in [["Action", "NotAction"], ["Resource", "NotResource"]] {
            let given: Vec<&RawValue> = pair.iter().filter_map(|f| s.get(f)).collect();
            if let Some(field) = pair
                .iter()
                .find(|f| s.get(f).is_some_and(|v| v.items().is_empty()))
            {
                refuse(format!("has an empty {field} list"));
            } else if given.is_empty() && (pair[0] == "Action" || iam_document) {
                refuse(format!("has neither {} nor {}", pair[0], pair[1]));
            }
        }
    }
    let Some(RawValue::Object(operators)) = s.get("Condition") else {
        return;
    };
    for (operator, keys) in operators {
        // The IAM lints refuse an Allow's key without values under the operators they read.
        if !deny && typed_operator(operator).is_some() {
            continue;
        }
        let RawValue::Object(keys) = keys else {
            continue;
        };
        for (condition_key, values) in keys {
            if values.items().is_empty() {
                refuse(format!(
                    "gives condition {operator} {condition_key} no value"
                ));
            }
        }
    }
}

/// Whether a `Principal` (or `NotPrincipal`) names one: `{"AWS": []}` or `{}` names none, and
/// IAM refuses the statement.
fn names_a_principal(principal: &RawValue) -> bool {
    match principal {
        RawValue::Object(kinds) => kinds.iter().any(|(_, v)| !v.items().is_empty()),
        other => !other.items().is_empty(),
    }
}

/// A condition block holds one entry per operator and key, and IAM compares condition keys
/// regardless of case (`aws:SourceArn` is `AWS:sourcearn`): two spellings of one key under one
/// operator are the key twice, one silently replacing or contradicting the other.
fn repeated_condition_keys(
    block: Option<&RawValue>,
    sid: &str,
    key: &str,
    id: &str,
    sink: &mut Sink<'_>,
) {
    let Some(RawValue::Object(operators)) = block else {
        return;
    };
    for (operator, keys) in operators {
        let RawValue::Object(keys) = keys else {
            continue;
        };
        for (i, (later, _)) in keys.iter().enumerate() {
            if let Some((earlier, _)) = keys[..i]
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(later))
            {
                sink.push(
                    "duplicate",
                    id,
                    format!(
                        "statement {sid} of {key} gives the condition key {later} under {operator} twice (also as {earlier}): IAM compares condition keys regardless of case, so one would silently replace or contradict the other"
                    ),
                    "write one entry per key and operator with all its values (IAM ORs them)",
                );
            }
        }
    }
}

/// Whether JSON text gives a key twice in one object, and the first such key: `serde_json`
/// keeps the last value of a repeated key silently.
struct Repeated(Option<String>);

impl<'de> serde::Deserialize<'de> for Repeated {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Walk;
        impl<'de> serde::de::Visitor<'de> for Walk {
            type Value = Repeated;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Repeated, E> {
                Ok(Repeated(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Repeated, E> {
                Ok(Repeated(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Repeated, E> {
                Ok(Repeated(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Repeated, E> {
                Ok(Repeated(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<Repeated, E> {
                Ok(Repeated(None))
            }
            fn visit_unit<E>(self) -> Result<Repeated, E> {
                Ok(Repeated(None))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Repeated, A::Error> {
                let mut found = None;
                while let Some(Repeated(inner)) = seq.next_element()? {
                    found = found.or(inner);
                }
                Ok(Repeated(found))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Repeated, A::Error> {
                let mut keys: Vec<String> = Vec::new();
                let mut found = None;
                while let Some(k) = map.next_key::<String>()? {
                    let Repeated(inner) = map.next_value()?;
                    if found.is_none() && keys.contains(&k) {
                        found = Some(k.clone());
                    }
                    found = found.or(inner);
                    keys.push(k);
                }
                Ok(Repeated(found))
            }
        }
        d.deserialize_any(Walk)
    }
}

/// The condition keys of a statement's `Condition` block that a request must carry with a
/// value the statement names: under `StringEquals`(`IgnoreCase`)/`StringLike`/`ArnEquals`/`ArnLike`, alone or
/// as `ForAnyValue:`. Any other operator lets a request without the key through (`…IfExists`,
/// `ForAllValues:` of an empty set, `Null` = `false` asks only that some value is there) or
/// matches every value but some (`StringNotEquals`), so it ties the grant to no source.
fn required_keys(block: Option<&RawValue>) -> Vec<(&str, &RawValue)> {
    let Some(RawValue::Object(operators)) = block else {
        return Vec::new();
    };
    operators
        .iter()
        .filter(|(name, _)| {
            let base = name.strip_prefix("ForAnyValue:").unwrap_or(name);
            [
                "StringEquals",
                "StringEqualsIgnoreCase",
                "StringLike",
                "ArnEquals",
                "ArnLike",
            ]
            .contains(&base)
        })
        .filter_map(|(_, keys)| match keys {
            RawValue::Object(keys) => Some(keys.iter().map(|(k, v)| (k.as_str(), v))),
            _ => None,
        })
        .flatten()
        .collect()
}

/// Whether every value of `value` is an ARN naming an account, or a resource of this stack
/// of a type whose ARN names one: an S3 bucket's ARN names none (`arn:aws:s3:::bucket`), its
/// own stack's bucket's neither (once deleted, its name is free to any account), so a bucket of
/// that name in any account matches it, and AWS asks for `aws:SourceAccount` beside it.
fn names_an_account(value: &RawValue, scope: &Scope<'_>) -> bool {
    let items = value.items();
    !items.is_empty()
        && items.iter().all(|v| {
            v.expr().is_some_and(|e| {
                let resolved = scope.resolve(e);
                let own = matches!(resolved.parts.as_slice(), [Part::Unknown(u)] if u.origin == Origin::ThisStack);
                let text = resolved.with_unknowns_as("${…}");
                (own && !of_accountless_type(e, scope))
                    || text.split(':').nth(4).is_some_and(|a| !a.is_empty())
            })
        })
}

/// Whether `e` names (by `Ref`, `GetAtt` or a `Sub` of one) a resource of the stack whose
/// type's ARN format in AWS's data has no account (an S3 bucket's).
fn of_accountless_type(e: &Expr, scope: &Scope<'_>) -> bool {
    let id = match e {
        Expr::Ref(id) | Expr::GetAtt(id, _) => id.as_str(),
        Expr::Sub(t) => t
            .strip_prefix("${")
            .and_then(|rest| rest.strip_suffix('}'))
            .map_or("", |r| r.split_once('.').map_or(r, |(id, _)| id)),
        _ => return false,
    };
    scope
        .stack
        .template
        .resource(id)
        .and_then(|r| crate::model::iam::data::resource_type_of(r.properties.type_name()))
        .and_then(|t| crate::model::iam::data::arn_fields(t.arn()))
        .is_some_and(|f| f[4].is_empty())
}

/// The text of `expr` with the stack's own account as `\u{1}`, or `None` when another part is
/// left open.
fn with_own_account(expr: &Expr, scope: &Scope<'_>) -> Option<String> {
    let mut text = String::new();
    for part in &scope.resolve(expr).parts {
        match part {
            Part::Text(t) => text.push_str(t),
            Part::Unknown(u) if u.origin == Origin::Account => text.push('\u{1}'),
            Part::Unknown(_) => return None,
        }
    }
    Some(text)
}

/// Whether a statement open to every principal (`"*"`) is narrowed by a condition every
/// request must meet to the stack's own account's principals: `aws:PrincipalAccount` of
/// `${AWS::AccountId}` (or KMS's `kms:CallerAccount`, the form of AWS managed keys' policies),
/// or `aws:PrincipalArn` of ARNs in it without wildcards (what IAM Access Analyzer reads as
/// not public).
fn own_principals_only(condition: Option<&RawValue>, scope: &Scope<'_>) -> bool {
    required_keys(condition).into_iter().any(|(key, values)| {
        let items = values.items();
        let own = |check: &dyn Fn(&Expr, Option<String>) -> bool| {
            !items.is_empty()
                && items.iter().all(|v| {
                    v.expr().is_some_and(|e| {
                        let text = with_own_account(e, scope);
                        !text.as_ref().is_some_and(|t| t.contains(['*', '?'])) && check(e, text)
                    })
                })
        };
        // S3's `s3:DataAccessPointAccount`: only requests through an access point of the
        // account, whose own policy decides (AWS's documented delegation of a bucket's access
        // control), as the account root delegates to its IAM policies.
        if key.eq_ignore_ascii_case("aws:PrincipalAccount")
            || key.eq_ignore_ascii_case("kms:CallerAccount")
            || key.eq_ignore_ascii_case("s3:DataAccessPointAccount")
        {
            own(&|_, t| t.as_deref() == Some("\u{1}"))
        } else if key.eq_ignore_ascii_case("aws:PrincipalArn") {
            // An ARN in the account, or a role of this stack (`GetAtt FunctionRole.Arn`), whose
            // ARN names the stack's account; a pattern after the account's field
            // (`…:role/ci-*`) names only principals of the account.
            !items.is_empty()
                && items.iter().all(|v| {
                    v.expr().is_some_and(|e| match with_own_account(e, scope) {
                        Some(t) => super::iam::principals_of_own_account(&t.replace('\u{1}', "000000000000")),
                        None => {
                            matches!(scope.resolve(e).parts.as_slice(), [Part::Unknown(u)] if u.origin == Origin::ThisStack)
                                && !of_accountless_type(e, scope)
                        }
                    })
                })
        } else {
            false
        }
    })
}

/// A resource policy's principals: an IAM principal of a literal account other than the
/// stack's is another account, which a raw resource cannot declare; a service principal needs
/// a condition naming its source.
fn foreign_principals(
    principal: &RawValue,
    condition: Option<&RawValue>,
    declared: bool,
    sid: &str,
    key: &str,
    id: &str,
    sink: &mut Sink<'_>,
) {
    for p in principal
        .get("AWS")
        .map(RawValue::items)
        .unwrap_or_default()
        .into_iter()
        .filter(|_| !declared)
    {
        let Some(e) = p.expr() else { continue };
        let text = sink.scope().resolve(e).with_unknowns_as("${…}");
        if let Some(account) = literal_account(&text) {
            sink.push(
                "iam-scope",
                id,
                format!(
                    "statement {sid} of {key} grants to account {account}, not the stack's own (${{AWS::AccountId}}), undeclared"
                ),
                "grant to principals of ${AWS::AccountId}; for another account, declare it with Raw::cross_account(\"why\") (shown on the review page)",
            );
        }
    }
    let scope = sink.scope();
    let tied = required_keys(condition).into_iter().any(|(k, values)| {
        SOURCE_KEYS.iter().any(|s| s.eq_ignore_ascii_case(k))
            && (!k.eq_ignore_ascii_case("aws:SourceArn") || names_an_account(values, &scope))
    });
    if let Some(service) = principal
        .get("Service")
        .map(RawValue::items)
        .unwrap_or_default()
        .into_iter()
        .filter_map(RawValue::literal)
        .find(|p| is_service_principal(p))
        && !tied
    {
        confused_deputy(service, &format!("statement {sid} of {key}"), id, sink);
    }
}

/// A trust policy's web-identity principal (`Federated`, an OIDC provider): every holder of a
/// token the provider issues may assume the role unless a condition fixes the token's subject
/// (`<provider>:sub`; Cognito identity pools: `cognito-identity.amazonaws.com:aud`). For
/// GitHub's provider the subject must fix the repository before any wildcard
/// (`repo:<owner>/<name>:…`): `repo:*` is every repository on GitHub.
fn web_identity(
    principal: &RawValue,
    condition: Option<&RawValue>,
    sid: &str,
    key: &str,
    id: &str,
    sink: &mut Sink<'_>,
) {
    let federated = principal
        .get("Federated")
        .map(RawValue::items)
        .unwrap_or_default();
    let Some(provider) = federated.first() else {
        return;
    };
    let provider_text = provider
        .expr()
        .map(|e| sink.scope().resolve(e).with_unknowns_as("${…}"))
        .unwrap_or_default();
    // SAML providers are fixed by their metadata; their audience key is SAML:aud.
    if provider_text.contains(":saml-provider/") {
        return;
    }
    let subject_key = if provider_text == "cognito-identity.amazonaws.com" {
        "cognito-identity.amazonaws.com:aud"
    } else {
        ":sub"
    };
    let conditions = conditions(condition);
    let subjects: Vec<&Condition> = conditions
        .iter()
        .filter(|c| c.key.to_ascii_lowercase().ends_with(subject_key))
        .collect();
    let github = provider_text.ends_with("oidc-provider/token.actions.githubusercontent.com");
    let open_subject = |c: &&Condition| {
        c.operator.is_like()
            && c.values.iter().any(|v| {
                let text = sink.scope().resolve(v).with_unknowns_as("*");
                let fixed = text.split(['*', '?']).next().unwrap_or_default();
                text.contains(['*', '?'])
                    && (fixed.is_empty()
                        || (github
                            && !fixed
                                .strip_prefix("repo:")
                                .and_then(|r| r.split_once(':'))
                                .is_some_and(|(repo, _)| {
                                    repo.split_once('/')
                                        .is_some_and(|(o, n)| !o.is_empty() && !n.is_empty())
                                })))
            })
    };
    let problem = if subjects.is_empty() {
        Some(format!(
            "names no {subject_key} condition: every holder of a token from {provider_text} may assume the role"
        ))
    } else {
        subjects.iter().find(|c| open_subject(c)).map(|c| {
            format!(
                "matches {} with a pattern that does not fix the subject{}",
                c.key,
                if github {
                    " (repo:<owner>/<name>:…)"
                } else {
                    ""
                }
            )
        })
    };
    if let Some(problem) = problem {
        sink.push(
            "iam-public",
            id,
            format!("statement {sid} of {key} trusts the web identity provider {provider_text} but {problem}"),
            "fix the token's subject with StringEquals (for GitHub: repo:<owner>/<name>:ref:refs/heads/<branch> or :environment:<name>), as the bootstrap's deploy roles do",
        );
    }
}

/// The conditions of a raw statement the typed model holds: `StringEquals`(`IgnoreCase`)/`ArnEquals`,
/// `Bool` and `StringLike`/`ArnLike` on one key, also in their `IfExists` and set (`ForAnyValue:`,
/// `ForAllValues:`) forms — which compare each value the same way, so a wildcard widens them
/// alike. Any other operator only narrows, so leaving it out judges the statement at its
/// widest.
fn conditions(block: Option<&RawValue>) -> Vec<Condition> {
    let Some(RawValue::Object(operators)) = block else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, keys) in operators {
        let Some(operator) = typed_operator(name) else {
            continue;
        };
        let RawValue::Object(keys) = keys else {
            continue;
        };
        for (key, values) in keys {
            let values: Option<Vec<Expr>> = values
                .items()
                .into_iter()
                .map(|v| match v {
                    RawValue::Bool(b) => Some(Expr::literal(b.to_string())),
                    other => other.expr().cloned(),
                })
                .collect();
            if let Some(values) = values {
                out.push(Condition {
                    operator,
                    key: key.clone(),
                    values,
                });
            }
        }
    }
    out
}

/// The typed operator a raw condition operator is read as, if the IAM lints read it.
fn typed_operator(name: &str) -> Option<Operator> {
    let base = ["ForAnyValue:", "ForAllValues:"]
        .iter()
        .find_map(|set| name.strip_prefix(set))
        .unwrap_or(name);
    // `…IfExists` holds for a request without the key, and so does `ForAllValues:`, whose
    // empty set of values is all in any list.
    let without_key = base.ends_with("IfExists") || name.starts_with("ForAllValues:");
    Some(
        match (base.strip_suffix("IfExists").unwrap_or(base), without_key) {
            // Ignoring case compares whole values all the same: no wildcard. IAM's `Bool`
            // compares the text `true` or `false`: the same test as StringEquals.
            ("StringEquals" | "StringEqualsIgnoreCase" | "ArnEquals" | "Bool", false) => {
                Operator::StringEquals
            }
            ("StringEquals" | "StringEqualsIgnoreCase" | "ArnEquals" | "Bool", true) => {
                Operator::StringEqualsIfExists
            }
            ("StringLike" | "ArnLike", false) => Operator::StringLike,
            ("StringLike" | "ArnLike", true) => Operator::StringLikeIfExists,
            _ => return None,
        },
    )
}

/// A raw resource's values, each resolved first (`Fn::Sub`, `Fn::Join`, imports): by shape
/// everywhere; by name under a secret-named property (`SecretString`, `MasterUserPassword`),
/// inside `Variables` maps (a raw function's environment) and as the `Value` of a `Name`/`Key`
/// pair (a container's environment, a tag, an SSM parameter named `/app/db-password`). A
/// reference to a secret (`{{resolve:secretsmanager:…}}`, `ssm-secure`) is how a resource
/// receives one only in a property named for a secret: anywhere else CloudFormation writes
/// the secret's value where reading the resource returns it (a plain SSM parameter's `Value`).
fn secrets<'v>(
    value: &'v RawValue,
    at: &mut Place<'v>,
    in_variables: bool,
    id: &str,
    sink: &mut Sink<'_>,
) {
    let key = at.path.last().copied();
    match value {
        RawValue::Object(fields) => {
            // A pair whose `Type` says its value names where the secret is kept (CodeBuild's
            // `SECRETS_MANAGER`, `PARAMETER_STORE`): the value is the secret's ID, judged by
            // its shape alone.
            let stored = value
                .get("Type")
                .and_then(RawValue::literal)
                .is_some_and(|t| matches!(t, "SECRETS_MANAGER" | "PARAMETER_STORE"));
            let pair_name = ["Name", "Key"]
                .iter()
                .find_map(|k| value.get(k).and_then(RawValue::literal))
                .filter(|_| value.get("Value").is_some() && !stored);
            for (k, v) in fields {
                match (v, pair_name) {
                    (RawValue::Expr(e), _) if in_variables => {
                        named_value(&format!("environment variable {k}"), k, e, id, sink);
                    }
                    (RawValue::Expr(e), Some(name)) if k == "Value" => {
                        named_value(&format!("the value of {name}"), name, e, id, sink);
                    }
                    _ => {
                        at.path.push(k);
                        secrets(v, at, k == "Variables", id, sink);
                        at.path.pop();
                    }
                }
            }
        }
        RawValue::Array(items) => items.iter().for_each(|v| secrets(v, at, false, id, sink)),
        RawValue::Expr(e) => {
            let resolved = sink.scope().resolve(e);
            // A key with a `:` is an IAM condition key (`token.actions.githubusercontent.com:sub`),
            // which names what a request carries, never a secret: CloudFormation property names
            // hold no `:`. A property named `Key` holds a name (a tag's, an object's), not a key.
            let secret_key =
                key.filter(|k| !k.contains(':') && *k != "Key" && super::env::secret_name(k));
            let leaked = resolved.dynamic_references().iter().any(|r| r.is_secret());
            // The property takes a secret: a reference is how it should get one. A key of the
            // template's own data named like a secret (a substitution, a header) is no such
            // property: the service shows its value to whoever reads the resource. (A type
            // without an embedded schema is refused by the pipeline; its names are taken.)
            let takes_secret =
                secret_key.is_some() && declares_property(at.type_name, &at.path) != Some(false);
            let reason = match secret_key {
                _ if leaked && !takes_secret => Some(
                    "a dynamic reference to a secret, which CloudFormation replaces with the secret's value in a property that is not a secret's".to_owned(),
                ),
                Some(_) if leaked => None,
                Some(k) => super::env::variable_reason(k, &resolved),
                None => super::env::unnamed_reason(&resolved),
            };
            if let Some(reason) = reason {
                let place = key.map_or_else(String::new, |k| format!(" {k}"));
                sink.push(
                    "secret-in-env",
                    id,
                    format!("the property{place} of the raw resource holds a value that looks like a secret ({reason})"),
                    "pass it as a dynamic reference ({{resolve:secretsmanager:…}}) in a property that takes a secret, or keep it in Secrets Manager and give the resource its ARN",
                );
            }
        }
        _ => {}
    }
}

/// A raw function logs to a log group of its stack, as a modelled one does: Lambda otherwise
/// creates `/aws/lambda/<name>` itself on the first invocation, keeping logs forever and outside
/// the stack (lint `policy` judges the group's retention).
fn function_log_group(stack: &Stack, raw: &Raw, id: &str, sink: &mut Sink<'_>) {
    let scope = Scope::new(stack, None);
    let text = |v: &RawValue| {
        v.expr()
            .and_then(|e| scope.resolve(e).known().map(str::to_owned))
    };
    let p = raw.properties();
    let named = p.get("LoggingConfig").and_then(|l| l.get("LogGroup"));
    // A Ref names a resource of the stack; otherwise the name, or Lambda's default.
    let group = match named.and_then(RawValue::expr) {
        Some(Expr::Ref(target)) => stack
            .template
            .resource(target)
            .filter(|r| r.properties.type_name() == "AWS::Logs::LogGroup"),
        _ => {
            let name = match named {
                Some(v) => text(v),
                None => p
                    .get("FunctionName")
                    .and_then(text)
                    .map(|n| crate::model::logs::LogGroup::name_for_function(&n)),
            };
            name.and_then(|name| log_group_named(stack, &name))
        }
    };
    if group.is_none() {
        sink.push(
            "log-group",
            id,
            "raw AWS::Lambda::Function logs to no log group of its stack, so Lambda would create one without retention".to_owned(),
            "give it a FunctionName and add a log group named /aws/lambda/<FunctionName> with a retention to the stack, or set LoggingConfig.LogGroup to a Ref of a log group of the stack",
        );
    }
}

/// The log group of `stack` named `name`, modelled or raw.
fn log_group_named<'a>(stack: &'a Stack, name: &str) -> Option<&'a Resource> {
    let scope = Scope::new(stack, None);
    let text = |v: &RawValue| {
        v.expr()
            .and_then(|e| scope.resolve(e).known().map(str::to_owned))
    };
    stack
        .template
        .resources
        .iter()
        .find(|r| match &r.properties {
            Properties::LogGroup(g) => g.name == name,
            Properties::Raw(g) if g.type_name() == "AWS::Logs::LogGroup" => {
                g.properties().get("LogGroupName").and_then(text).as_deref() == Some(name)
            }
            _ => false,
        })
}

/// Types whose service creates a log group per exported log on its first write, without
/// retention and outside the stack: the property naming the resource (which the service
/// lowercases) and the group's name before `<name>/<log>`.
const LOG_EXPORTS: &[(&str, &str, &str)] = &[
    (
        "AWS::RDS::DBInstance",
        "DBInstanceIdentifier",
        "/aws/rds/instance/",
    ),
    (
        "AWS::RDS::DBCluster",
        "DBClusterIdentifier",
        "/aws/rds/cluster/",
    ),
];

/// Each log a raw database exports (`EnableCloudwatchLogsExports`) goes to a log group of its
/// stack, as a raw function's does (lint `policy` judges its retention).
fn exported_log_groups(stack: &Stack, raw: &Raw, id: &str, sink: &mut Sink<'_>) {
    let Some((_, name_property, prefix)) = LOG_EXPORTS.iter().find(|(t, ..)| *t == raw.type_name())
    else {
        return;
    };
    let p = raw.properties();
    let Some(exports) = p.get("EnableCloudwatchLogsExports") else {
        return;
    };
    let scope = Scope::new(stack, None);
    let text = |v: &RawValue| {
        v.expr()
            .and_then(|e| scope.resolve(e).known().map(str::to_owned))
    };
    let name = p
        .get(name_property)
        .and_then(text)
        .map(|n| n.to_lowercase());
    // A list an input decides exports any log.
    let logs: Vec<Option<String>> = match exports.expr() {
        Some(_) => vec![None],
        None => exports.items().into_iter().map(text).collect(),
    };
    for log in logs {
        let group = name
            .as_ref()
            .zip(log.as_ref())
            .map(|(n, l)| format!("{prefix}{n}/{l}"));
        if group
            .as_deref()
            .and_then(|g| log_group_named(stack, g))
            .is_none()
        {
            sink.push(
                "log-group",
                id,
                format!(
                    "raw {} exports the log {} to CloudWatch, which creates {} without retention",
                    raw.type_name(),
                    log.as_deref().unwrap_or("(an input decides)"),
                    group.as_deref().unwrap_or("its log group"),
                ),
                format!(
                    "give it a literal {name_property} and add a log group named {prefix}<{name_property}, lowercase>/<log> with a retention to the stack for each exported log, or export none"
                ),
            );
        }
    }
}

/// A raw SNS topic's delivery status logs go to log groups of its stack: SNS otherwise creates
/// `sns/<region>/<account>/<topic>` (successes) and `…/Failure` on the first delivery, without
/// retention and outside the stack (lint `policy` judges the groups' retention).
fn delivery_log_groups(stack: &Stack, raw: &Raw, id: &str, sink: &mut Sink<'_>) {
    if raw.type_name() != "AWS::SNS::Topic" {
        return;
    }
    let p = raw.properties();
    let Some(logging) = p.get("DeliveryStatusLogging") else {
        return;
    };
    let scope = Scope::new(stack, None);
    let topic = p
        .get("TopicName")
        .and_then(RawValue::expr)
        .and_then(|e| scope.resolve(e).known().map(str::to_owned));
    // A list an input decides may log either outcome.
    let entries = match logging.expr() {
        Some(_) => vec![(true, true)],
        None => logging
            .items()
            .into_iter()
            .map(|e| {
                (
                    e.get("SuccessFeedbackRoleArn").is_some(),
                    e.get("FailureFeedbackRoleArn").is_some(),
                )
            })
            .collect(),
    };
    let (success, failure) = entries
        .iter()
        .fold((false, false), |(s, f), (a, b)| (s || *a, f || *b));
    let base = topic
        .as_ref()
        .map(|t| format!("sns/{}/\u{1}/{t}", stack.environment.region()));
    let named = |name: &str| {
        stack
            .template
            .resources
            .iter()
            .any(|r| match &r.properties {
                Properties::LogGroup(g) => g.name == name,
                Properties::Raw(g) if g.type_name() == "AWS::Logs::LogGroup" => g
                    .properties()
                    .get("LogGroupName")
                    .and_then(RawValue::expr)
                    .and_then(|e| with_own_account(e, &scope))
                    .is_some_and(|n| n == name),
                _ => false,
            })
    };
    for (logged, suffix) in [(success, ""), (failure, "/Failure")] {
        let group = base.as_ref().map(|b| format!("{b}{suffix}"));
        if logged && !group.as_deref().is_some_and(named) {
            sink.push(
                "log-group",
                id,
                format!(
                    "raw AWS::SNS::Topic logs delivery status to CloudWatch, which creates {} without retention",
                    group.map_or_else(
                        || "its log groups (for a topic name CloudFormation generates)".to_owned(),
                        |g| g.replace('\u{1}', "<account>")
                    )
                ),
                format!(
                    "give it a literal TopicName and add a log group named sns/${{AWS::Region}}/${{AWS::AccountId}}/<TopicName>{suffix} with a retention to the stack, or log no delivery status"
                ),
            );
        }
    }
}

/// A value a name labels (an environment variable, a parameter's `Value`): the same rules as a
/// modelled function's environment variables.
fn named_value(what: &str, name: &str, value: &Expr, id: &str, sink: &mut Sink<'_>) {
    let resolved = sink.scope().resolve(value);
    if let Some(reason) = super::env::variable_reason(name, &resolved) {
        sink.push(
            "secret-in-env",
            id,
            format!("{what} holds a value that looks like a secret ({reason})"),
            format!(
                "store the value in Secrets Manager and pass its ARN, e.g. as {name}_SECRET_ARN"
            ),
        );
    }
}

/// Whether a statement's `Principal` is the stack's own account and nothing else: `{"AWS": …}`
/// of its root (`arn:<partition>:iam::${AWS::AccountId}:root`) or its bare ID.
fn own_account_only(principal: &RawValue, scope: &Scope<'_>) -> bool {
    let RawValue::Object(fields) = principal else {
        return false;
    };
    let [(kind, accounts)] = fields.as_slice() else {
        return false;
    };
    let items = accounts.items();
    kind == "AWS"
        && !items.is_empty()
        && items.iter().all(|a| {
            let Some(text) = a.expr().and_then(|e| with_own_account(e, scope)) else {
                return false;
            };
            // The root of the account in the stack's partition: one of another partition is
            // no principal at all (`principal_partitions` refuses it).
            text == "\u{1}"
                || text
                    .strip_prefix("arn:")
                    .and_then(|rest| rest.split_once(':'))
                    .is_some_and(|(partition, rest)| {
                        partition == super::resolve::partition(scope.stack.environment.region())
                            && rest == "iam::\u{1}:root"
                    })
        })
}

/// A regional service principal (`logs.eu-west-1.amazonaws.com`, as CloudWatch Logs and a few
/// others are named) names its region: one of another region than the stack's is that region's
/// service, which cannot use the stack's resources (a key, a queue) for its own (a log group
/// there encrypts only with a key of its region), and a raw resource cannot declare a crossing.
fn service_regions(services: &[&RawValue], place: &str, id: &str, sink: &mut Sink<'_>) {
    let scope = sink.scope();
    let own = scope.stack.environment.region();
    let foreign: Vec<(String, String)> = services
        .iter()
        .filter_map(|v| {
            let text = scope.resolve(v.expr()?).known()?.to_owned();
            let region = super::iam::endpoint_region(&text)
                .filter(|r| *r != own)?
                .to_owned();
            Some((text, region))
        })
        .collect();
    for (text, region) in foreign {
        sink.push(
            "iam-scope",
            id,
            format!(
                "{place} names the service principal {text}, of region {region}, not the stack's {own}: that region's service cannot use this stack's resources for its own"
            ),
            "name the service of the stack's region: <service>.${AWS::Region}.amazonaws.com",
        );
    }
}

/// An IAM or federated principal's ARN names a partition, and IAM refuses a principal of
/// another partition than the policy's (`arn:aws-cn:iam::…:root` from `us-west-2`), in an
/// Allow or a Deny alike: there is no such principal in the stack's partition.
fn principal_partitions(principal: &RawValue, place: &str, id: &str, sink: &mut Sink<'_>) {
    let scope = sink.scope();
    let own = super::resolve::partition(scope.stack.environment.region());
    let RawValue::Object(kinds) = principal else {
        return;
    };
    let foreign: Vec<String> = kinds
        .iter()
        .filter(|(kind, _)| matches!(kind.as_str(), "AWS" | "Federated"))
        .flat_map(|(_, v)| v.items())
        .filter_map(|p| {
            let text = scope.resolve(p.expr()?).with_unknowns_as("${…}");
            let partition = text.strip_prefix("arn:")?.split(':').next()?;
            (!partition.is_empty() && !partition.contains("${") && partition != own)
                .then(|| text.clone())
        })
        .collect();
    for text in foreign {
        sink.push(
            "iam-scope",
            id,
            format!(
                "{place} names the principal {text}, of another partition than the stack's {own}: IAM refuses the policy"
            ),
            "write the principal's partition as ${AWS::Partition}",
        );
    }
}

/// The account a literal principal names: a bare account ID (`123456789012`) or an IAM ARN's
/// account field (`arn:aws:iam::123456789012:root`, any partition).
fn literal_account(principal: &str) -> Option<&str> {
    let account = match principal.strip_prefix("arn:") {
        Some(rest) => {
            let mut fields = rest.splitn(5, ':');
            let (_partition, service, _region) = (fields.next()?, fields.next()?, fields.next()?);
            (service == "iam").then(|| fields.next())??
        }
        None => principal,
    };
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

#[cfg(test)]
mod tests {
    /// Every vendored schema's service is a service of AWS's IAM data once its CloudFormation
    /// name is mapped to its action prefix (`AWS::EFS::…` is `elasticfilesystem`), so raw
    /// resources of every type find their ARN formats.
    #[test]
    fn every_schema_service_has_its_iam_prefix() {
        for (type_name, _) in super::IDENTIFIERS.iter() {
            let prefix = crate::model::iam::data::prefix_of(type_name).expect("a service");
            assert!(
                crate::model::iam::data::service(&prefix).is_some(),
                "{type_name}: no IAM service {prefix}"
            );
        }
        for (type_name, service) in [
            ("AWS::EFS::FileSystem", "elasticfilesystem"),
            ("AWS::StepFunctions::StateMachine", "states"),
        ] {
            let t = crate::model::iam::data::resource_type_of(type_name).expect("a type");
            assert_eq!(t.arn_service(), service);
        }
    }
}
