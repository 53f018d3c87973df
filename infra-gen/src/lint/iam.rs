//! The IAM lints, judged from AWS's action data (`iam-data/`, see [`crate::model::iam::data`])
//! on resolved values ([`super::resolve`]), never on raw template text:
//!
//! * `iam-wildcard`: no `*` resource unless every action accepts only `*`; no wildcard inside
//!   an ARN (except S3 objects under a literal prefix, and paths below one OpenSearch domain,
//!   which its service addresses by path) or in an ARN-, path- or account-like condition value
//!   (except `s3:prefix` = `<prefix>/*`, and an ARN pattern under one named resource:
//!   `…:<api-id>/*/GET/items`), nor a value there that matches everything; a pattern on any
//!   other key only narrows.
//! * `iam-scope`: each action on resources of the types it accepts, by the ARN formats of the
//!   data (a star-only action on an ARN matches nothing); logs and secrets only of the stack's
//!   own resources; no ARN or account condition value of another account or region unless
//!   the statement declares it (a region the data's format writes literally is none); no
//!   statement without actions or resources, no condition without values.
//! * `iam-escalation` ([`escalation`]), `iam-bedrock` ([`bedrock`]), `iam-size` ([`size`]).

mod bedrock;
mod escalation;
mod size;

pub(super) use bedrock::check_bedrock;

use std::collections::HashMap;

use super::Sink;
use super::resolve::{Origin, Part, Resolved, Scope, Unknown};
use crate::builders::Stack;
use crate::model::iam::data::{self, Subject, UNKNOWN, arn_fields};
use crate::model::iam::{Action, Boundary, Condition, Operator, Role, Statement};
use crate::model::raw::RawValue;
use crate::model::{Expr, Properties};

/// The one pattern a resource may be: S3 objects under a key prefix,
/// `arn:<partition>:s3:::<bucket>/<prefix>/*` with a literal bucket and non-empty prefix
/// ending in `/` (so `a/*` cannot also reach `admin/…`) and one `*`, at the end, granted only
/// object actions (`Grant::s3_read` and friends) — also through one access point, whose
/// objects S3 authorizes as `…:accesspoint/<name>/object/<key>`: a literal name, then a prefix
/// as for a bucket.
fn s3_objects_under_a_prefix(resource: &str, statement: &Statement) -> bool {
    let (container, prefix) = match arn_fields(resource) {
        Some(["arn", _, "s3", "", "", path]) => match path.split_once('/') {
            Some(split) => split,
            None => return false,
        },
        Some(["arn", _, "s3", _, account, path]) if !account.is_empty() => {
            match path
                .strip_prefix("accesspoint/")
                .and_then(|rest| rest.split_once("/object/"))
            {
                Some(split) => split,
                None => return false,
            }
        }
        _ => return false,
    };
    s3_prefix_pattern(prefix)
        && !container.is_empty()
        && !container.contains(['*', '?', '$', '/'])
        && statement.actions.iter().all(acts_on_objects)
}

/// Whether AWS's data says `action` acts on S3 objects (a resource type whose ARN format ends
/// in `${ObjectName}`: `s3:GetObject`, `s3:DeleteObject`, `s3:GetObjectTagging`, …), so a
/// pattern of object ARNs under a prefix reaches only those objects with it; a bucket action
/// (`s3:ListBucket`) matches no object ARN. Escalation (`s3:PutObjectAcl`) is judged apart.
fn acts_on_objects(action: &Action) -> bool {
    let (service, info) = action.info();
    service.prefix == "s3"
        && info
            .resource_types(service)
            .any(|t| t.arn().ends_with("/${ObjectName}"))
}

/// `<prefix>/*`: a non-empty literal key prefix ending in `/`, then one `*`. The prefix may
/// hold IAM policy variables (`home/${aws:username}/`, `${aws:PrincipalTag/team}`): IAM
/// substitutes one value of the request's context, literally, so each names one folder.
fn s3_prefix_pattern(value: &str) -> bool {
    let value = policy_variables_as_text(value);
    value.strip_suffix('*').is_some_and(|prefix| {
        !prefix.is_empty() && prefix.ends_with('/') && !prefix.contains(['*', '?', '$'])
    })
}

/// `text` with each IAM policy variable written as the literal text it stands for: `${*}`,
/// `${?}` and `${$}` are those characters, `${service:key}` one value of the request's context
/// (written `v`), and `${service:key, 'default'}` that or its default, which may itself be a
/// pattern (so it is kept). Anything else is left as written.
fn policy_variables_as_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}').map(|e| start + e) else {
            break;
        };
        let inner = &rest[start + 2..end];
        let (key, default) = match inner.split_once(',') {
            Some((key, default)) => {
                let default = default.trim();
                (
                    key.trim(),
                    default
                        .strip_prefix('\'')
                        .and_then(|d| d.strip_suffix('\'')),
                )
            }
            None => (inner, Some("v")),
        };
        let is_key = key.split_once(':').is_some_and(|(service, name)| {
            !service.is_empty()
                && service
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !name.is_empty()
                && !name.contains(['*', '?', '$', '\'', '{'])
        });
        match (inner, default) {
            ("*" | "?" | "$", _) => out.push('x'),
            (_, Some(default)) if is_key => out.push_str(if default.contains(['*', '?', '$']) {
                default
            } else {
                "v"
            }),
            _ => out.push_str(&rest[start..=end]),
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// A value as text for a finding, with each unknown part named.
fn shown(r: &Resolved) -> String {
    r.parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => t.clone(),
            Part::Unknown(u) => format!("<{}>", u.what),
        })
        .collect()
}

pub(super) fn check(stack: &Stack, role: &Role, id: &str, sink: &mut Sink<'_>) {
    escalation::check(role, id, sink);
    let scope = sink.scope();
    // Each value is resolved once; `iam-size` reads the lengths.
    let mut lengths: HashMap<*const Expr, usize> = HashMap::new();
    for statement in role.policies.iter().flat_map(|p| &p.statements) {
        if statement.actions.is_empty() || statement.resources.is_empty() {
            sink.push(
                "iam-scope",
                id,
                format!(
                    "statement {} names no {}: IAM refuses the policy",
                    statement.sid,
                    if statement.actions.is_empty() {
                        "action"
                    } else {
                        "resource"
                    }
                ),
                "give the statement its actions and the resources they act on, or remove it",
            );
        }
        // Bedrock statements reach the regions the model map's inference profiles route to;
        // `iam-bedrock` holds each of them to exactly what the map grants.
        let declared_region = statement.crosses(Boundary::Region) || bedrock::is_bedrock(statement);
        let mut fits = Vec::new();
        for resource in &statement.resources {
            let resolved = scope.resolve(resource);
            lengths.insert(resource, size::resolved_len(&resolved));
            wildcard(stack, statement, &resolved, id, sink);
            if let Some(accepts) = fit(stack, statement, resource, &resolved, id, sink) {
                fits.push((shown(&resolved), accepts));
            }
            boundaries(stack, statement, &resolved, declared_region, id, sink);
        }
        report_fit(statement, &fits, id, sink);
        for condition in &statement.conditions {
            check_condition(
                stack,
                statement,
                condition,
                (&scope, &mut lengths),
                declared_region,
                id,
                sink,
            );
        }
    }
    size::check_size(role, id, sink, &|e| {
        lengths
            .get(&std::ptr::from_ref(e))
            .copied()
            .unwrap_or_else(|| size::resolved_len(&scope.resolve(e)))
    });
}

/// IAM takes a `Sid` of ASCII letters and digits only in the documents it stores itself
/// (a role's inline and managed policies, its trust policy): `read-queue` or `Send Jobs` fails
/// the deploy with `MalformedPolicyDocument`. Other services' resource policies take any text
/// (`Enable IAM User Permissions`, `__owner_statement`).
pub(super) fn check_iam_sid(sid: &str, place: &str, id: &str, sink: &mut Sink<'_>) {
    if !sid.bytes().all(|b| b.is_ascii_alphanumeric()) {
        sink.push(
            "iam-scope",
            id,
            format!(
                "{place} has Sid {sid:?}: IAM takes only ASCII letters and digits in a Sid of its own policies, and refuses the policy"
            ),
            format!(
                "write the Sid in letters and digits only, e.g. {}",
                sid.split(|c: char| !c.is_ascii_alphanumeric())
                    .map(|w| {
                        let mut c = w.chars();
                        c.next()
                            .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                            .unwrap_or_default()
                    })
                    .collect::<String>()
            ),
        );
    }
}

/// A grant written outside a policy document, as a resource's own properties
/// (`AWS::Lambda::Permission`'s `Principal`, `Action`, `SourceArn`, `SourceAccount`): its
/// actions judged for escalation and its conditions like a statement's. Its resource is the
/// resource itself, so there is none to judge.
pub(super) fn check_grant(stack: &Stack, statement: &Statement, id: &str, sink: &mut Sink<'_>) {
    let role = Role {
        description: "a resource's own grant".into(),
        policies: vec![crate::model::iam::Policy {
            name: "Grant".into(),
            statements: vec![statement.clone()],
        }],
    };
    escalation::check(&role, id, sink);
    let scope = sink.scope();
    let mut lengths = HashMap::new();
    // The raw resource's declared crossings are the grant's, as they are its documents'.
    let declared_region = statement.crosses(Boundary::Region);
    for condition in &statement.conditions {
        check_condition(
            stack,
            statement,
            condition,
            (&scope, &mut lengths),
            declared_region,
            id,
            sink,
        );
    }
}

fn wildcard(
    stack: &Stack,
    statement: &Statement,
    resolved: &Resolved,
    id: &str,
    sink: &mut Sink<'_>,
) {
    if resolved.known() == Some("*") {
        let scope = sink.scope();
        let broad: Vec<&Action> = statement
            .actions
            .iter()
            .filter(|a| {
                (!a.takes_star() || a.needs_star_key()) && !narrowed_on_star(a, statement, &scope)
            })
            .collect();
        if !broad.is_empty() {
            let keys: Vec<String> = broad
                .iter()
                .flat_map(|a| a.star_keys().map(move |k| format!("{} by {k}", a.as_str())))
                .collect();
            sink.push(
                "iam-wildcard",
                id,
                format!(
                    "statement {} grants {} on every resource (*)",
                    statement.sid,
                    broad.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(", ")
                ),
                if keys.is_empty() {
                    "name the resources (ARNs, Refs, GetAtts); only APIs that accept nothing but * (AWS's data says which) may use Statement::star_only_actions".to_owned()
                } else {
                    format!(
                        "name the resources (ARNs, Refs, GetAtts), or narrow the action on * by its own condition key with exact values (Statement::when): {}",
                        keys.join(", ")
                    )
                },
            );
        }
    } else if resolved.may_wildcard()
        && !with_own_account(resolved)
            .is_some_and(|text| s3_objects_under_a_prefix(&text, statement))
        && !with_own_account(resolved).is_some_and(|t| data::paths_below_one_resource(&t))
        && !super::vpc::eni_pattern(resolved, statement, stack.environment.region())
    {
        // IAM reads `*` and `?` as wildcards, also when a parameter or import fills them in.
        let open: Vec<&str> = resolved
            .unknowns()
            .filter(|u| u.may_wildcard)
            .map(|u| u.what.as_str())
            .collect();
        let text = resolved.with_unknowns_as("${…}");
        sink.push(
            "iam-wildcard",
            id,
            if open.is_empty() {
                format!(
                    "statement {} grants on the wildcard ARN {text}",
                    statement.sid
                )
            } else {
                format!(
                    "statement {} grants on {text}, where {} may hold a wildcard",
                    statement.sid,
                    open.join(" and ")
                )
            },
            "list each resource the function needs instead of a pattern",
        );
    }
}

/// Whether `action`, whose one resource type AWS's data says is optional (so a request may
/// name none, and IAM matches `*`) or which names what it acts on only in its own condition
/// key, is narrowed on `*` by one of those keys with exact values (`cloudwatch:PutMetricData`
/// with `cloudwatch:namespace`, `lambda:CreateEventSourceMapping` with `lambda:FunctionArn`).
fn narrowed_on_star(action: &Action, statement: &Statement, scope: &Scope<'_>) -> bool {
    action.star_keys().any(|key| {
        statement.conditions.iter().any(|c| {
            // A condition holding without the key (`…IfExists`, `ForAllValues:`) lets every
            // request that leaves the optional resource out through.
            c.key.eq_ignore_ascii_case(key)
                && !c.operator.holds_without_key()
                && !c.values.is_empty()
                && c.values.iter().all(|v| {
                    let value = scope.resolve(v);
                    match value.known() {
                        Some(t) => {
                            !t.is_empty()
                                && (c.operator == Operator::StringEquals || !t.contains(['*', '?']))
                        }
                        // One value the definition cannot spell out (the stack's function's
                        // ARN by GetAtt) is exact unless IAM may read a wildcard in it.
                        None => c.operator == Operator::StringEquals || !value.may_wildcard(),
                    }
                })
        })
    })
}

/// What a `Ref`/`GetAtt` of this stack's resource gives: the service of its ARN (`logs` for
/// `AWS::Logs::LogGroup`), or `Err` naming what it gives when that is not (known to be) an ARN.
fn own_resource(stack: &Stack, expr: &Expr) -> Option<Result<String, String>> {
    let (Expr::Ref(target) | Expr::GetAtt(target, _)) = expr else {
        return None;
    };
    let r = stack.template.resource(target)?;
    // A raw resource's `Ref` is what its schema identifies it by; an ARN when that property
    // is one (`AWS::SNS::Topic`'s `TopicArn`).
    let refers_to = match &r.properties {
        Properties::Raw(_) => super::raw::ref_returns(r.properties.type_name()),
        other => Some(other.ref_returns()),
    };
    let gives_arn = match expr {
        Expr::GetAtt(_, attribute) => attribute.ends_with("Arn"),
        _ => refers_to.is_some_and(|r| r == "ARN" || r.ends_with("Arn")),
    };
    if !gives_arn {
        return Some(Err(match (expr, refers_to) {
            (Expr::GetAtt(_, attribute), _) => {
                format!("`{target}.{attribute}`, which is not an ARN")
            }
            (_, Some(what)) => format!("the {what} of `{target}`, which is not an ARN"),
            (_, None) => {
                format!("the Ref of `{target}`, which its type's schema does not say is an ARN")
            }
        }));
    }
    let type_name = r.properties.type_name();
    // SAM's function is a Lambda function once transformed; a type AWS's data knows gives its
    // ARN's service (EFS's is `elasticfilesystem`).
    let service = match type_name {
        "AWS::Serverless::Function" => "lambda".to_owned(),
        _ => match crate::model::iam::data::resource_type_of(type_name) {
            Some(t) => t.arn_service().to_owned(),
            None => crate::model::iam::data::prefix_of(type_name)?,
        },
    };
    Some(Ok(service))
}

/// Which of the statement's actions accept `resource`, by the data's ARN formats (`None` for
/// `*` or a resource named by something other than its ARN, which is reported here). A
/// star-only action on an ARN is reported here and counted as accepting.
fn fit(
    stack: &Stack,
    statement: &Statement,
    resource: &Expr,
    resolved: &Resolved,
    id: &str,
    sink: &mut Sink<'_>,
) -> Option<Vec<bool>> {
    if resolved.known() == Some("*") {
        return None;
    }
    let own = match own_resource(stack, resource) {
        Some(Ok(service)) => Some(service),
        Some(Err(what)) => {
            sink.push(
                "iam-scope",
                id,
                format!(
                    "statement {} grants on {what}: IAM matches resources only by ARN",
                    statement.sid
                ),
                "name the resource by its ARN (GetAtt <Resource>.Arn, or the Ref of a kind whose Ref is its ARN)",
            );
            return None;
        }
        None => None,
    };
    let mut placeholder = [0; 4];
    let placeholder: &str = UNKNOWN.encode_utf8(&mut placeholder);
    let text: String = resolved
        .parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => t.as_str(),
            // An account ID is twelve digits: it hides no colon or slash, so the fields after
            // it stay decided and are matched too.
            Part::Unknown(u) if u.origin == Origin::Account => "000000000000",
            Part::Unknown(_) => placeholder,
        })
        .collect();
    let service = match &own {
        Some(s) => Some(s.as_str()),
        None => arn_fields(&text).map(|f| f[2]),
    }
    .filter(|s| !s.contains(UNKNOWN));
    if own.is_none()
        && matches!(service, Some("logs" | "secretsmanager"))
        && !names_own_log_group(stack, &text, &sink.scope())
    {
        sink.push(
            "iam-scope",
            id,
            format!(
                "statement {} grants on a {} resource that is not this stack's own ({})",
                statement.sid,
                service.unwrap_or_default(),
                shown(resolved)
            ),
            "grant only the function's own log group and secrets (Ref/GetAtt of this stack's resources)",
        );
    }
    let subject = Subject::parse(&text);
    let mut star_only = Vec::new();
    let mut accepts = Vec::with_capacity(statement.actions.len());
    // Actions of one service share resource types: each type is matched once per resource.
    let mut memo = TypeMemo::default();
    for action in &statement.actions {
        let (svc, info) = action.info();
        if info.star_only() {
            star_only.push(action.as_str());
            accepts.push(true);
            continue;
        }
        accepts.push(match &own {
            Some(s) => info.resource_types(svc).any(|t| t.arn_service() == s),
            None => subject.as_ref().is_some_and(|arn| {
                info.resources()
                    .iter()
                    .any(|&i| memo.admits(svc, i, |t| t.admits(arn)))
            }),
        });
    }
    if !star_only.is_empty() {
        sink.push(
            "iam-scope",
            id,
            format!(
                "statement {} grants {} on {}, but AWS's data says these act on no resource type: they accept only \"*\", so this grant matches nothing",
                statement.sid,
                star_only.join(", "),
                shown(resolved)
            ),
            "grant these actions in their own statement on \"*\" (Statement::star_only_actions)",
        );
    }
    Some(accepts)
}

/// Whether `arn` (the stack's account written as twelve zeros) names a log group of the stack
/// by its name, in the stack's region and account (`…:log-group:/aws/lambda/<function>:*`, as
/// AWS documents a function's log permissions): the same log group as its `GetAtt Arn`.
fn names_own_log_group(stack: &Stack, arn: &str, scope: &Scope<'_>) -> bool {
    let Some(["arn", _, "logs", region, account, resource]) = arn_fields(arn) else {
        return false;
    };
    let Some(name) = resource
        .strip_prefix("log-group:")
        .map(|rest| rest.split_once(':').map_or(rest, |(name, _)| name))
    else {
        return false;
    };
    region == stack.environment.region()
        && (account == "000000000000" || scope.app.and_then(super::own_account) == Some(account))
        && stack
            .template
            .resources
            .iter()
            .any(|r| match &r.properties {
                Properties::Raw(raw) => {
                    r.properties.type_name() == "AWS::Logs::LogGroup"
                        && super::raw::physical_name(raw)
                            .is_some_and(|(_, value)| scope.resolve(value).known() == Some(name))
                }
                other => {
                    other.type_name() == "AWS::Logs::LogGroup"
                        && other.physical_name().is_some_and(|(_, n)| n == name)
                }
            })
}

/// IAM grants a statement's every action on its every resource, and a pair that matches
/// nothing is inert (`dynamodb:GetItem` on a table's index next to `Query`): what grants
/// nothing is a resource no action of the statement acts on, or an action acting on none of
/// its resources.
fn report_fit(statement: &Statement, fits: &[(String, Vec<bool>)], id: &str, sink: &mut Sink<'_>) {
    let fix = "put each action in a statement on the resources it acts on (the ARN formats in infra-gen/iam-data/actions.txt)";
    let all: Vec<&str> = statement.actions.iter().map(Action::as_str).collect();
    let mut dead_resource = false;
    for (resource, accepts) in fits {
        if accepts.iter().any(|a| *a) {
            continue;
        }
        dead_resource = true;
        sink.push(
            "iam-scope",
            id,
            format!(
                "statement {} grants {} on {resource}, which is not a resource type these actions accept ({})",
                statement.sid,
                all.join(", "),
                accepted_types(statement, &all)
            ),
            fix,
        );
    }
    let idle: Vec<&str> = all
        .iter()
        .enumerate()
        .filter(|(i, _)| fits.iter().all(|(_, accepts)| !accepts[*i]))
        .map(|(_, a)| *a)
        .collect();
    if fits.is_empty() || idle.is_empty() || (dead_resource && fits.len() == 1) {
        return;
    }
    let resources: Vec<&str> = fits.iter().map(|(r, _)| r.as_str()).collect();
    sink.push(
        "iam-scope",
        id,
        format!(
            "statement {} grants {} on {}, none of which is a resource type these actions accept ({})",
            statement.sid,
            idle.join(", "),
            resources.join(", "),
            accepted_types(statement, &idle)
        ),
        fix,
    );
}

/// Which of one service's resource types (by index, the first 256) a resource was matched
/// against, and with what result.
#[derive(Default)]
struct TypeMemo {
    service: Option<&'static str>,
    checked: [u64; 4],
    admitted: [u64; 4],
}

impl TypeMemo {
    fn admits(
        &mut self,
        service: &'static data::Service,
        index: u16,
        matches: impl Fn(&data::ResourceType) -> bool,
    ) -> bool {
        let Some(t) = service.resources.get(usize::from(index)) else {
            return false;
        };
        let (word, bit) = (usize::from(index / 64), 1u64 << (index % 64));
        if word >= 4 {
            return matches(t);
        }
        if self.service != Some(service.prefix) {
            *self = Self {
                service: Some(service.prefix),
                ..Self::default()
            };
        }
        if self.checked[word] & bit == 0 {
            self.checked[word] |= bit;
            if matches(t) {
                self.admitted[word] |= bit;
            }
        }
        self.admitted[word] & bit != 0
    }
}

/// The resource types `actions` accept, as `service:type`, for a finding.
fn accepted_types(statement: &Statement, actions: &[&str]) -> String {
    let mut types: Vec<String> = statement
        .actions
        .iter()
        .filter(|a| actions.contains(&a.as_str()))
        .map(Action::info)
        .flat_map(|(svc, info)| {
            info.resource_types(svc)
                .map(|t| format!("{} ({})", t.name(), t.arn()))
        })
        .collect();
    types.sort();
    types.dedup();
    if types.len() > 4 {
        let more = types.len() - 4;
        types.truncate(4);
        types.push(format!("{more} more"));
    }
    format!("they accept {}", types.join(", "))
}

/// What an ARN's account and region fields hold once resolved.
enum Field<'a> {
    Decided(&'a str),
    /// The stack's own account (`${AWS::AccountId}`).
    OwnAccount,
    /// A part the definition leaves open (a parameter): the worst case is anything.
    Open(&'a str),
}

/// A field while reading an ARN's parts.
#[derive(Clone, Copy)]
enum Piece<'a> {
    Empty,
    Text(&'a str),
    Unknown(&'a Unknown),
    /// Text and unknown parts together: open.
    Mixed(&'a Unknown),
}

impl<'a> Piece<'a> {
    fn add_text(self, t: &'a str) -> Self {
        match self {
            _ if t.is_empty() => self,
            Self::Empty => Self::Text(t),
            // `Resolved` merges adjacent text, so text follows only an unknown.
            Self::Text(_) => self,
            Self::Unknown(u) | Self::Mixed(u) => Self::Mixed(u),
        }
    }

    fn add_unknown(self, u: &'a Unknown) -> Self {
        match self {
            Self::Empty => Self::Unknown(u),
            Self::Text(_) => Self::Mixed(u),
            Self::Unknown(first) | Self::Mixed(first) => Self::Mixed(first),
        }
    }

    fn field(self) -> Field<'a> {
        match self {
            Self::Empty => Field::Decided(""),
            Self::Text(t) => Field::Decided(t),
            Self::Unknown(u) if u.origin == Origin::Account => Field::OwnAccount,
            Self::Unknown(u) | Self::Mixed(u) => Field::Open(&u.what),
        }
    }
}

/// The partition, region and account fields of an ARN, when the value is one and its fields
/// are decided up to there (a whole-value `GetAtt` or import of this app names its own).
fn arn_place(resolved: &Resolved) -> Option<[Field<'_>; 3]> {
    // A whole value left open: a `Ref`/`GetAtt` of a resource is this stack's own; anything
    // else (a parameter, an export of no stack here) may name any account and region.
    if let Some(Part::Unknown(u)) = resolved.parts.first() {
        return (u.origin != Origin::ThisStack).then_some([
            Field::Open(&u.what),
            Field::Open(&u.what),
            Field::Open(&u.what),
        ]);
    }
    let mut fields = [Piece::Empty; 5];
    let mut i = 0;
    'parts: for p in &resolved.parts {
        match p {
            Part::Text(t) => {
                for (n, piece) in t.split(':').enumerate() {
                    if n > 0 {
                        i += 1;
                        if i == 5 {
                            break 'parts;
                        }
                    }
                    fields[i] = fields[i].add_text(piece);
                }
            }
            Part::Unknown(u) => fields[i] = fields[i].add_unknown(u),
        }
    }
    if i < 5 || !matches!(fields[0], Piece::Text("arn")) {
        return None;
    }
    Some([fields[1].field(), fields[3].field(), fields[4].field()])
}

/// An ARN names the stack's account (`${AWS::AccountId}`, or none for global resources and
/// AWS's own `aws`) and region (or none), unless its statement declares the crossing.
fn boundaries(
    stack: &Stack,
    statement: &Statement,
    resolved: &Resolved,
    declared_region: bool,
    id: &str,
    sink: &mut Sink<'_>,
) {
    let Some([partition, region, account]) = arn_place(resolved) else {
        return;
    };
    let own_region = stack.environment.region();
    let own_account = super::own_account(sink.app);
    // A partition is a world of its own: no declaration reaches another (`arn:aws-cn:` from a
    // stack in `us-west-2` matches nothing, even naming the stack's region).
    let own_partition = super::resolve::partition(own_region);
    if let Field::Decided(p) = partition
        && !p.is_empty()
        && p != own_partition
    {
        sink.push(
            "iam-scope",
            id,
            format!(
                "statement {} grants on {}, which names partition {p}, but the stack is in {own_partition} ({own_region}): it matches nothing",
                statement.sid,
                shown(resolved)
            ),
            "write the partition as ${AWS::Partition}",
        );
    }
    // A region belongs to one partition: `arn:aws-cn:sqs:us-west-2:…` names a region the
    // China partition does not have, so it matches nothing, declared or not.
    let arn_partition = match partition {
        Field::Decided(p) if !p.is_empty() => p,
        _ => own_partition,
    };
    if let Field::Decided(r) = region
        && !r.is_empty()
        && super::resolve::partition(r) != arn_partition
    {
        sink.push(
            "iam-scope",
            id,
            format!(
                "statement {} grants on {}, which names region {r}, a region partition {arn_partition} does not have: it matches nothing",
                statement.sid,
                shown(resolved)
            ),
            "name a region of the ARN's partition, e.g. ${AWS::Region}",
        );
    }
    let account_problem = match &account {
        Field::OwnAccount => None,
        Field::Decided(a) if a.is_empty() || *a == "aws" || Some(*a) == own_account => None,
        Field::Decided(a) => Some(format!("names account {a}")),
        Field::Open(what) => Some(format!(
            "takes its account from {what}, which may name any account"
        )),
    };
    if let Some(problem) = account_problem
        && !statement.crosses(Boundary::Account)
    {
        sink.push(
            "iam-scope",
            id,
            format!(
                "statement {} grants on {}, which {problem} instead of the stack's own (${{AWS::AccountId}})",
                statement.sid,
                shown(resolved)
            ),
            "use ${AWS::AccountId}, or declare the other account with Statement::cross_account(\"why\") (shown on the review page)",
        );
    }
    let region_problem = match &region {
        Field::OwnAccount => None,
        Field::Decided(r) if r.is_empty() || *r == own_region => None,
        Field::Decided(r) if region_fixed_by_format(statement, resolved, r) => None,
        Field::Decided(r) => Some(format!("names region {r}")),
        Field::Open(what) => Some(format!(
            "takes its region from {what}, which may name any region"
        )),
    };
    if let Some(problem) = region_problem
        && !declared_region
        && !reached_by_the_stack(stack, resolved, &sink.scope())
    {
        sink.push(
            "iam-scope",
            id,
            format!(
                "statement {} grants on {}, which {problem} instead of the stack's {own_region}",
                statement.sid,
                shown(resolved)
            ),
            "use ${AWS::Region}, or declare the other region with Statement::cross_region(\"why\") (shown on the review page)",
        );
    }
}

/// Whether the ARN is of a resource type whose format in AWS's data writes region `region`
/// literally, for an action of the statement: S3 Multi-Region Access Points' requests are
/// `arn:…:s3:us-west-2:…:async-request/mrap/…` from every region, where their control plane
/// runs, so that region is no crossing the statement chose.
fn region_fixed_by_format(statement: &Statement, resolved: &Resolved, region: &str) -> bool {
    let Some(text) = with_own_account(resolved) else {
        return false;
    };
    let Some(subject) = Subject::parse(&text) else {
        return false;
    };
    statement.actions.iter().any(|action| {
        let (service, info) = action.info();
        info.resource_types(service)
            .any(|t| arn_fields(t.arn()).is_some_and(|f| f[3] == region) && t.admits(&subject))
    })
}

/// Whether the stack itself reaches the ARN in another region where AWS allows it (lint
/// `region`): a raw SNS subscription to the topic of the region its `Region` names, a raw
/// EventBridge rule forwarding to another region's event bus. The crossing is written in the
/// definition, so the permissions it needs on that ARN (the function's `AWS::Lambda::Permission`
/// for the topic, the rule's role's `events:PutEvents` on the bus) are declared by it.
fn reached_by_the_stack(stack: &Stack, resolved: &Resolved, scope: &Scope<'_>) -> bool {
    let Some(text) = with_own_account(resolved) else {
        return false;
    };
    let Some(["arn", _, service, region, _, resource]) = arn_fields(&text) else {
        return false;
    };
    let same = |e: &Expr| with_own_account(&scope.resolve(e)).is_some_and(|t| t == text);
    stack.template.resources.iter().any(|r| {
        let Properties::Raw(raw) = &r.properties else {
            return false;
        };
        let props = raw.properties();
        match (r.properties.type_name(), service) {
            ("AWS::SNS::Subscription", "sns") => {
                props.get("Region").and_then(RawValue::literal) == Some(region)
                    && props
                        .get("TopicArn")
                        .and_then(RawValue::expr)
                        .is_some_and(same)
            }
            ("AWS::Events::Rule", "events") if resource.starts_with("event-bus/") => props
                .get("Targets")
                .map(RawValue::items)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|t| t.get("Arn").and_then(RawValue::expr))
                .any(same),
            _ => false,
        }
    })
}

/// What a condition key's values name, when they name where a resource is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    /// ARNs: by the data's key types, or a key named `…Arn` such as the global `aws:SourceArn`.
    Arn,
    /// Key paths: `s3:prefix`, `…Prefix`.
    Path,
    /// Account IDs: `aws:SourceAccount`, `aws:ResourceAccount`, `s3:ResourceAccount`, SNS's
    /// `aws:SourceOwner`.
    Account,
    /// Regions: `aws:RequestedRegion`, `ec2:Region`.
    Region,
    /// Regional service endpoints, `<service>.<region>.amazonaws.com`: `kms:ViaService`.
    Endpoint,
    Other,
}

fn resource_like(key: &str) -> KeyKind {
    let lower = key.to_ascii_lowercase();
    let name = lower.split_once(':').map_or(lower.as_str(), |(_, n)| n);
    if lower.ends_with("arn")
        || lower
            .split_once(':')
            .and_then(|(prefix, _)| data::service(prefix))
            .is_some_and(|s| s.arn_key(key))
    {
        KeyKind::Arn
    } else if lower.ends_with("prefix") {
        KeyKind::Path
    } else if name.ends_with("account") || name == "sourceowner" {
        KeyKind::Account
    } else if name.ends_with("region") {
        KeyKind::Region
    } else if name == "viaservice" {
        KeyKind::Endpoint
    } else {
        KeyKind::Other
    }
}

/// Condition values are judged like resources: resolved, wildcards in ARN- and path-like
/// values refused (only `s3:prefix` = `<prefix>/*` under `StringLike`), a `StringLike` value
/// that matches everything refused, and ARN values held to the stack's account and region.
fn check_condition(
    stack: &Stack,
    statement: &Statement,
    condition: &Condition,
    (scope, lengths): (&Scope<'_>, &mut HashMap<*const Expr, usize>),
    declared_region: bool,
    id: &str,
    sink: &mut Sink<'_>,
) {
    let kind = resource_like(&condition.key);
    if condition.values.is_empty() {
        sink.push(
            "iam-scope",
            id,
            format!(
                "statement {}: condition {} {} has no value: IAM refuses the policy",
                statement.sid,
                condition.operator.name(),
                condition.key
            ),
            "give the condition the values it allows, or remove it",
        );
    }
    for value in &condition.values {
        let resolved = scope.resolve(value);
        lengths.insert(value, size::resolved_len(&resolved));
        if condition.operator.is_like() && resolved.may_wildcard() {
            // Only wildcards: `*` matches every value, `?`s every value of that length (every
            // account ID is twelve of them).
            let everything = resolved
                .known()
                .is_some_and(|t| !t.is_empty() && t.chars().all(|c| c == '*' || c == '?'));
            let s3_prefix = condition.key.eq_ignore_ascii_case("s3:prefix")
                && resolved.known().is_some_and(s3_prefix_pattern);
            // A source narrowed to one named resource of the account (an API's stages, a log
            // group as its ARN is written) is how AWS documents service permissions.
            let one_resource = kind == KeyKind::Arn
                && with_own_account(&resolved).is_some_and(|t| data::under_one_resource(&t));
            let problem = if matches!(kind, KeyKind::Other | KeyKind::Region | KeyKind::Endpoint) {
                // A key naming no resource, account or path (a tag, a VPC endpoint, the
                // calling service): a pattern — `*` too, which asks only that the key be
                // present, as IAM's StringLike fails on an absent key (`Null: false`) — only
                // narrows an Allow, and no lint counts on such a condition to narrow (star keys
                // and `iam:PassedToService` are credited only with exact values).
                None
            } else if everything {
                Some("matches every value, so the condition narrows nothing")
            } else if one_resource {
                None
            } else if !s3_prefix {
                Some(if resolved.known().is_some() {
                    "is a pattern, which widens the condition like a wildcard resource"
                } else {
                    "may hold a wildcard, which would widen the condition like a wildcard resource"
                })
            } else {
                None
            };
            if let Some(problem) = problem {
                sink.push(
                    "iam-wildcard",
                    id,
                    format!(
                        "statement {}: StringLike {} value {} {problem}",
                        statement.sid,
                        condition.key,
                        shown(&resolved)
                    ),
                    "compare with StringEquals and exact values (Statement::when_any); an S3 prefix is written <prefix>/* (Grant::s3_read)",
                );
            }
        }
        match kind {
            KeyKind::Arn => boundaries(stack, statement, &resolved, declared_region, id, sink),
            KeyKind::Account => account_boundary(statement, &condition.key, &resolved, id, sink),
            KeyKind::Region | KeyKind::Endpoint => {
                region_boundary(
                    stack,
                    statement,
                    condition,
                    &resolved,
                    declared_region,
                    id,
                    sink,
                );
            }
            KeyKind::Path | KeyKind::Other => {}
        }
    }
}

/// The region a regional service name names: `<service>.<region>.amazonaws.com[.cn]`, as a
/// service principal (`logs.eu-west-1.amazonaws.com`, `delivery.logs.us-east-1.amazonaws.com`)
/// or `kms:ViaService` writes it.
pub(super) fn endpoint_region(name: &str) -> Option<&str> {
    let labels: Vec<&str> = name.split('.').collect();
    let domain = labels.iter().position(|l| *l == "amazonaws")?;
    labels[1..domain]
        .iter()
        .copied()
        .find(|l| crate::builders::is_region(l))
}

/// A condition value naming a region (`aws:RequestedRegion`, a service endpoint of
/// `kms:ViaService`) is a region of the statement like an ARN's: a request to another region
/// than the stack's does not reach its resources, so the grant is dead there, or reaches that
/// region's, which the statement must declare. Statements only on resources without a region
/// (IAM's, global services' requests go to us-east-1) are not judged.
fn region_boundary(
    stack: &Stack,
    statement: &Statement,
    condition: &Condition,
    resolved: &Resolved,
    declared_region: bool,
    id: &str,
    sink: &mut Sink<'_>,
) {
    let own = stack.environment.region();
    let Some(text) = resolved.known() else {
        return;
    };
    let endpoint = resource_like(&condition.key) == KeyKind::Endpoint;
    let region = if condition.operator.is_like() && text.contains(['*', '?']) {
        // A pattern names every region it matches (`us-*`, `eu-west-?`, `sqs.*.amazonaws.com`).
        let service = text
            .split('.')
            .next()
            .filter(|s| !s.contains(['*', '?']))
            .unwrap_or("sqs");
        let suffix = if text.ends_with(".cn") { ".cn" } else { "" };
        crate::builders::regions().find(|r| {
            *r != own
                && if endpoint {
                    like(text, &format!("{service}.{r}.amazonaws.com{suffix}"))
                } else {
                    like(text, r)
                }
        })
    } else if endpoint {
        endpoint_region(text)
    } else {
        crate::builders::is_region(text).then_some(text)
    };
    let Some(region) = region.filter(|r| *r != own) else {
        return;
    };
    let scope = sink.scope();
    let global_only = !statement.resources.is_empty()
        && statement.resources.iter().all(|r| {
            matches!(
                arn_place(&scope.resolve(r)),
                Some([_, Field::Decided(""), _])
            )
        });
    if declared_region || global_only {
        return;
    }
    sink.push(
        "iam-scope",
        id,
        format!(
            "statement {}: condition {} = {text} names region {region} instead of the stack's {own}: requests there do not reach the stack's resources",
            statement.sid, condition.key
        ),
        "name the stack's region (${AWS::Region}), or declare the other region with Statement::cross_region(\"why\") (shown on the review page)",
    );
}

/// Whether an `aws:PrincipalArn` value, with the stack's account written as twelve zeros,
/// names principals of that account only: an ARN whose partition, service and account hold no
/// wildcard, the account the stack's (`arn:aws:iam::<own>:role/ci-*`; a pattern after it only
/// narrows the account's principals, which a statement for the account root delegates to).
pub(super) fn principals_of_own_account(text: &str) -> bool {
    let fields: Vec<&str> = text.splitn(6, ':').collect();
    matches!(fields.as_slice(), ["arn", partition, service, _, "000000000000", _]
        if !partition.contains(['*', '?']) && !service.contains(['*', '?']))
}

/// Whether `text` matches IAM's `StringLike` `pattern`: `*` any run of characters, `?` one.
fn like(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    // Positions of the pattern reachable after each character of the text.
    let mut at = vec![false; p.len() + 1];
    at[0] = true;
    let close = |at: &mut Vec<bool>| {
        for i in 0..p.len() {
            if at[i] && p[i] == '*' {
                at[i + 1] = true;
            }
        }
    };
    close(&mut at);
    for c in t {
        let mut next = vec![false; p.len() + 1];
        for i in 0..p.len() {
            if at[i] {
                match p[i] {
                    '*' => next[i] = true,
                    '?' => next[i + 1] = true,
                    x if x == c => next[i + 1] = true,
                    _ => {}
                }
            }
        }
        close(&mut next);
        at = next;
    }
    at[p.len()]
}

/// The value as text when all it leaves open is the stack's own account (twelve digits, so
/// no wildcard or separator hides in it).
fn with_own_account(resolved: &Resolved) -> Option<String> {
    resolved
        .parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => Some(t.as_str()),
            Part::Unknown(u) if u.origin == Origin::Account => Some("000000000000"),
            Part::Unknown(_) => None,
        })
        .collect()
}

/// An account condition value names the stack's own account (`${AWS::AccountId}`) unless
/// the statement declares another.
fn account_boundary(
    statement: &Statement,
    key: &str,
    resolved: &Resolved,
    id: &str,
    sink: &mut Sink<'_>,
) {
    let own = matches!(resolved.parts.as_slice(), [Part::Unknown(u)] if u.origin == Origin::Account)
        || resolved
            .known()
            .is_some_and(|a| Some(a) == super::own_account(sink.app));
    if own || statement.crosses(Boundary::Account) {
        return;
    }
    sink.push(
        "iam-scope",
        id,
        format!(
            "statement {}: condition {key} = {} {} instead of the stack's own (${{AWS::AccountId}})",
            statement.sid,
            shown(resolved),
            if resolved.known().is_some() {
                "names another account"
            } else {
                "may name any account"
            }
        ),
        "use ${AWS::AccountId}, or declare the other account with Statement::cross_account(\"why\") (shown on the review page)",
    );
}

/// Which functions of the stack use role `id`.
fn users_of<'a>(
    stack: &'a Stack,
    id: &str,
) -> impl Iterator<Item = &'a crate::model::lambda::Function> {
    let id = id.to_owned();
    stack.template.resources.iter().filter_map(move |r| match &r.properties {
        Properties::Function(f)
            if matches!(&f.role, Expr::GetAtt(role, _) | Expr::Ref(role) if *role == id) =>
        {
            Some(&**f)
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests;
