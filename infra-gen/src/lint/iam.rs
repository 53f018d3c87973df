//! `iam-wildcard`: no `*` resource unless every action is an API that only accepts `*`.
//! `iam-escalation`: no action that lets the holder grant itself (or a role it controls) more.

use super::Sink;
use crate::build::Stack;
use crate::build::grant::S3_OBJECT_ACTIONS;
use crate::model::iam::{Operator, Role, StarOnlyApi, Statement};
use crate::model::lambda::HandlerMode;
use crate::model::{Expr, Properties};

/// Actions that rewrite permissions, mint credentials, or run other code with a role's
/// rights, matched case-insensitively (`*` in a pattern is any text).
const ESCALATION: [&str; 27] = [
    "iam:put*policy",
    "iam:attach*policy",
    "iam:create*policy*",
    "iam:createrole",
    "iam:createuser",
    "iam:createaccesskey",
    "iam:createloginprofile",
    "iam:updateloginprofile",
    "iam:updateassumerolepolicy",
    "iam:setdefaultpolicyversion",
    "iam:addusertogroup",
    "iam:createservicelinkedrole",
    "kms:creategrant",
    "kms:putkeypolicy",
    "sts:assumerole",
    "sts:assumerolewith*",
    "sts:getfederationtoken",
    "lambda:updatefunctioncode",
    "lambda:updatefunctionconfiguration",
    "lambda:addpermission",
    "lambda:createfunction",
    "lambda:addlayerversionpermission",
    "secretsmanager:putresourcepolicy",
    "ecr:setrepositorypolicy",
    "s3:putbucketpolicy",
    "logs:putresourcepolicy",
    "cloudformation:*stack*",
];

fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            text.starts_with(head)
                && (0..=text.len() - head.len()).any(|i| {
                    text.is_char_boundary(head.len() + i) && glob(tail, &text[head.len() + i..])
                })
        }
    }
}

/// `iam:PassRole` is safe only when the role can be passed to Lambda and nothing else.
fn pass_role_scoped(statement: &Statement) -> bool {
    statement.conditions.iter().any(|c| {
        c.operator == Operator::StringEquals
            && c.key.eq_ignore_ascii_case("iam:PassedToService")
            && c.values == [Expr::literal("lambda.amazonaws.com")]
    })
}

fn escalation(role: &Role, id: &str, sink: &mut Sink<'_>) {
    for statement in role.policies.iter().flat_map(|p| &p.statements) {
        for action in &statement.actions {
            let lower = action.as_str().to_ascii_lowercase();
            let dangerous = ESCALATION.iter().any(|p| glob(p, &lower))
                || (lower == "iam:passrole" && !pass_role_scoped(statement));
            if dangerous {
                sink.push(
                    "iam-escalation",
                    id,
                    format!(
                        "statement {} grants {}, which lets the role escalate its own privileges",
                        statement.sid,
                        action.as_str()
                    ),
                    "remove the action: a function role never manages IAM, keys, policies or code; pass roles only with Condition iam:PassedToService = lambda.amazonaws.com",
                );
            }
        }
    }
}

/// The IAM service prefix of the resource `expr` names, and whether it is this stack's own.
fn resource_service(stack: &Stack, expr: &Expr) -> Option<(String, bool)> {
    match expr {
        Expr::Ref(target) | Expr::GetAtt(target, _) => {
            let r = stack
                .template
                .resources
                .iter()
                .find(|r| r.id.as_str() == target)?;
            let service = r
                .properties
                .type_name()
                .split("::")
                .nth(1)?
                .to_ascii_lowercase();
            Some((service, true))
        }
        Expr::Literal(s) | Expr::Sub(s) | Expr::SubWith(s, _) => {
            // `${AWS::Partition}` holds colons of its own.
            let plain = s.replace("${AWS::Partition}", "aws");
            let service = plain.strip_prefix("arn:")?.split(':').nth(1)?;
            (!service.contains('$')).then(|| (service.to_ascii_lowercase(), false))
        }
        Expr::ImportValue(_) | Expr::Join(..) => None,
    }
}

/// Logs and secrets only of this stack's own resources, and every action on a resource of
/// its own service: what the role grants stays what the function needs.
pub(super) fn check_scope(stack: &Stack, role: &Role, id: &str, sink: &mut Sink<'_>) {
    for statement in role.policies.iter().flat_map(|p| &p.statements) {
        for resource in &statement.resources {
            let Some((service, own)) = resource_service(stack, resource) else {
                continue;
            };
            if !own && matches!(service.as_str(), "logs" | "secretsmanager") {
                sink.push(
                    "iam-scope",
                    id,
                    format!(
                        "statement {} grants on a {service} resource that is not this stack's own ({})",
                        statement.sid,
                        serde_json::to_string(resource).unwrap_or_default()
                    ),
                    "grant only the function's own log group and secrets (Ref/GetAtt of this stack's resources)",
                );
            }
            let foreign: Vec<&str> = statement
                .actions
                .iter()
                .map(|a| a.as_str())
                .filter(|a| {
                    a.split(':')
                        .next()
                        .is_some_and(|prefix| !prefix.eq_ignore_ascii_case(&service))
                })
                .collect();
            if !foreign.is_empty() {
                sink.push(
                    "iam-scope",
                    id,
                    format!(
                        "statement {} grants {} on a {service} resource",
                        statement.sid,
                        foreign.join(", ")
                    ),
                    "put each service's actions in a statement on that service's resources",
                );
            }
        }
    }
}

/// What the functions assuming role `id` do with responses: streaming if any of them streams,
/// since that one needs the streaming action; `None` when no function uses the role.
fn handler_of(stack: &Stack, id: &str) -> Option<HandlerMode> {
    let modes: Vec<HandlerMode> = stack
        .template
        .resources
        .iter()
        .filter_map(|r| match &r.properties {
            Properties::Function(f)
                if matches!(&f.role, Expr::GetAtt(role, _) | Expr::Ref(role) if role == id) =>
            {
                Some(f.handler)
            }
            _ => None,
        })
        .collect();
    if modes.contains(&HandlerMode::Streaming) {
        Some(HandlerMode::Streaming)
    } else {
        modes.first().copied()
    }
}

/// A role's Bedrock statements are exactly what the stack's model map grants, so a model
/// added by hand, a broadened resource or a dropped condition cannot reach a template.
pub(super) fn check_bedrock(stack: &Stack, role: &Role, id: &str, sink: &mut Sink<'_>) {
    let granted: Vec<&Statement> = role
        .policies
        .iter()
        .flat_map(|p| &p.statements)
        .filter(|s| {
            s.actions
                .iter()
                .any(|a| a.as_str().to_ascii_lowercase().starts_with("bedrock:"))
        })
        .collect();
    // A role no function uses may hold either handler's grants; judge it by the nearer one.
    let modes = match handler_of(stack, id) {
        Some(mode) => vec![mode],
        None => vec![HandlerMode::Streaming, HandlerMode::Buffered],
    };
    let candidates = stack.models.as_ref().map(|m| {
        modes
            .iter()
            .map(|mode| m.grants(*mode))
            .collect::<Result<Vec<_>, _>>()
    });
    let expected = match candidates {
        Some(Ok(candidates)) => {
            match candidates
                .iter()
                .position(|c| c.len() == granted.len() && c.iter().all(|s| granted.contains(&s)))
            {
                Some(exact) => candidates[exact].clone(),
                None => candidates.into_iter().next().unwrap_or_default(),
            }
        }
        Some(Err(e)) => {
            sink.push(
                "iam-bedrock",
                id,
                format!("the model map's grants cannot be built: {e}"),
                "fix the model map the service was given (Service::bedrock_models)",
            );
            return;
        }
        None => Vec::new(),
    };
    let unexpected: Vec<&str> = granted
        .iter()
        .filter(|g| !expected.contains(g))
        .map(|g| g.sid.as_str())
        .collect();
    let missing: Vec<&str> = expected
        .iter()
        .filter(|e| !granted.contains(e))
        .map(|e| e.sid.as_str())
        .collect();
    if unexpected.is_empty() && missing.is_empty() {
        return;
    }
    let mut parts = Vec::new();
    if !unexpected.is_empty() {
        parts.push(format!(
            "grants {} that the model map does not",
            unexpected.join(", ")
        ));
    }
    if !missing.is_empty() {
        parts.push(format!(
            "lacks {} that the model map needs",
            missing.join(", ")
        ));
    }
    let fix = if stack.models.is_some() {
        "grant Bedrock only through Service::bedrock_models: add or remove models in the model map (function/models.json), not in the role"
    } else {
        "this stack has no model map: give the service one with Service::bedrock_models instead of writing Bedrock statements by hand"
    };
    sink.push(
        "iam-bedrock",
        id,
        format!(
            "the role's Bedrock statements differ from the model map: it {}",
            parts.join(" and ")
        ),
        fix,
    );
}

/// The one pattern a resource may be: S3 objects under a key prefix,
/// `arn:${AWS::Partition}:s3:::<bucket>/<prefix>/*` with a literal bucket and non-empty prefix
/// ending in `/` (so `a/*` cannot also reach `admin/…`) and one `*`, at the end, granted only
/// object actions (`Grant::s3_read` and friends).
fn s3_objects_under_a_prefix(resource: &str, statement: &Statement) -> bool {
    let Some(path) = resource
        .strip_prefix("arn:${AWS::Partition}:s3:::")
        .or_else(|| resource.strip_prefix("arn:aws:s3:::"))
        .or_else(|| resource.strip_prefix("arn:aws-cn:s3:::"))
        .or_else(|| resource.strip_prefix("arn:aws-us-gov:s3:::"))
    else {
        return false;
    };
    let Some((bucket, prefix)) = path.split_once('/') else {
        return false;
    };
    let Some(prefix) = prefix.strip_suffix('*') else {
        return false;
    };
    let literal = |s: &str| !s.is_empty() && !s.contains(['*', '?', '$']);
    literal(bucket)
        && literal(prefix)
        && prefix.ends_with('/')
        && statement
            .actions
            .iter()
            .all(|a| S3_OBJECT_ACTIONS.contains(&a.as_str()))
}

pub(super) fn check(role: &Role, id: &str, sink: &mut Sink<'_>) {
    escalation(role, id, sink);
    for statement in role.policies.iter().flat_map(|p| &p.statements) {
        for resource in &statement.resources {
            let resolved = sink.scope().resolve(resource);
            if resolved.known() == Some("*") {
                let broad: Vec<&str> = statement
                    .actions
                    .iter()
                    .map(|a| a.as_str())
                    .filter(|a| !StarOnlyApi::ALL.iter().any(|api| api.action() == *a))
                    .collect();
                if !broad.is_empty() {
                    sink.push(
                        "iam-wildcard",
                        id,
                        format!("statement {} grants {} on every resource (*)", statement.sid, broad.join(", ")),
                        "name the resources (ARNs, Refs, GetAtts); only APIs that require * may use Statement::star_only",
                    );
                }
            } else if resolved.may_wildcard()
                && !resolved
                    .known()
                    .is_some_and(|text| s3_objects_under_a_prefix(text, statement))
                && !super::vpc::eni_pattern(&resolved, statement, sink.stack.environment.region())
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
    }
}

/// IAM's limit on the aggregate size of a role's inline policies, in characters (whitespace
/// not counted).
const ROLE_INLINE_POLICY_LIMIT: usize = 10_240;
/// What an ARN from `Ref`, `GetAtt` or an import can come to; IAM counts the filled-in text.
const ARN_ESTIMATE: &str = "arn:aws-us-gov:service:us-gov-west-1:123456789012:resource/a-name-generated-by-cloudformation-with-a-random-suffix-0123456789ABCDEF-0123456789ABC";

/// `iam-size`: a role whose inline policies, filled in, exceed what IAM stores fails at
/// deploy time, long after review; the template cannot tell, so this estimates it.
pub(super) fn check_size(stack: &Stack, role: &Role, id: &str, sink: &mut Sink<'_>) {
    let region = stack.environment.region();
    let size: usize = role
        .policies
        .iter()
        .map(|p| filled_in_len(&p.statements, region))
        .sum();
    if size > ROLE_INLINE_POLICY_LIMIT {
        sink.push(
            "iam-size",
            id,
            format!(
                "the role's inline policies come to about {size} characters once their ARNs are filled in; IAM stores at most {ROLE_INLINE_POLICY_LIMIT} per role, so the deploy would fail"
            ),
            "grant fewer resources, or fold statements that share actions into one with several resources or condition values (as ModelMap does for Bedrock)",
        );
    }
}

/// A condition key and its values, inside one operator's block.
type ConditionKey<'a> = (&'a str, &'a [Expr]);

/// The length of the policy document IAM stores for `statements` (compact JSON, as
/// `Statement` serializes), with each intrinsic replaced by what it can resolve to, at its
/// longest. Counted from the typed statements, not serialized: it runs on every role at every
/// `check`.
fn filled_in_len(statements: &[Statement], region: &str) -> usize {
    // `,` between n items.
    let commas = |n: usize| n.saturating_sub(1);
    // `{"Version":"2012-10-17","Statement":[` … `]}`
    let mut len = r#"{"Version":"2012-10-17","Statement":[]}"#.len() + commas(statements.len());
    for s in statements {
        // `{"Sid":…,"Effect":"Allow","Action":[…],"Resource":[…]}`
        len += r#"{"Sid":,"Effect":"Allow","Action":[],"Resource":[]}"#.len()
            + string_len(&s.sid)
            + commas(s.actions.len())
            + s.actions
                .iter()
                .map(|a| string_len(a.as_str()))
                .sum::<usize>()
            + commas(s.resources.len())
            + s.resources
                .iter()
                .map(|e| filled_len(e, region))
                .sum::<usize>();
        if s.conditions.is_empty() {
            continue;
        }
        // One block per operator, a later value of the same key replacing an earlier one.
        let mut blocks: Vec<(Operator, Vec<ConditionKey<'_>>)> = Vec::new();
        for c in &s.conditions {
            let i = match blocks.iter().position(|(op, _)| *op == c.operator) {
                Some(i) => i,
                None => {
                    blocks.push((c.operator, Vec::new()));
                    blocks.len() - 1
                }
            };
            let keys = &mut blocks[i].1;
            match keys.iter_mut().find(|(k, _)| *k == c.key) {
                Some(entry) => entry.1 = &c.values,
                None => keys.push((&c.key, &c.values)),
            }
        }
        // `,"Condition":{` … `}`, each block `"Op":{` … `}`, each key `"key":value`.
        len += r#","Condition":{}"#.len() + commas(blocks.len());
        for (op, keys) in &blocks {
            len += string_len(op.name()) + 3 + commas(keys.len());
            for (key, values) in keys {
                len += string_len(key) + 1;
                len += match values {
                    [one] => filled_len(one, region),
                    many => {
                        2 + commas(many.len())
                            + many.iter().map(|e| filled_len(e, region)).sum::<usize>()
                    }
                };
            }
        }
    }
    len
}

/// What one expression can come to, as a JSON string, at its longest.
fn filled_len(e: &Expr, region: &str) -> usize {
    match e {
        Expr::Literal(s) => string_len(s),
        Expr::Ref(r) if r == "AWS::Region" => string_len(region),
        // Each `${…}` becomes what it stands for; the text around it is kept (and escaped).
        Expr::Sub(t) => {
            let mut len = 2;
            let mut rest = t.as_str();
            while let Some(start) = rest.find("${") {
                len += string_len(&rest[..start]) - 2;
                let after = &rest[start + 2..];
                // An unterminated `${` runs to the end, as an unknown name.
                let (name, next) = match after.find('}') {
                    Some(end) => (&after[..end], &after[end + 1..]),
                    None => ("", ""),
                };
                len += match name {
                    "AWS::Partition" => "aws-us-gov".len(),
                    "AWS::Region" => region.len(),
                    "AWS::AccountId" => "123456789012".len(),
                    _ => ARN_ESTIMATE.len(),
                };
                rest = next;
            }
            len + string_len(rest) - 2
        }
        Expr::Ref(_)
        | Expr::GetAtt(..)
        | Expr::SubWith(..)
        | Expr::ImportValue(_)
        | Expr::Join(..) => string_len(ARN_ESTIMATE),
    }
}

/// The length of `s` as a JSON string, quotes and escapes included (as serde_json writes it).
fn string_len(s: &str) -> usize {
    2 + s
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
            0..0x20 => 6,
            _ => 1,
        })
        .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::{filled_in_len, glob, s3_objects_under_a_prefix};
    use crate::model::Expr;
    use crate::model::iam::{Action, Statement};

    #[test]
    fn the_only_wildcard_resource_is_s3_objects_under_a_literal_prefix() {
        let get = |resource: &str, action: &str| {
            let s = Statement::allow(
                "S",
                vec![Action::new(action).expect("valid")],
                vec![crate::model::Expr::sub(resource)],
            );
            s3_objects_under_a_prefix(resource, &s)
        };
        assert!(get(
            "arn:${AWS::Partition}:s3:::acme/exports/*",
            "s3:GetObject"
        ));
        assert!(get("arn:aws:s3:::acme/exports/2026/*", "s3:PutObject"));
        // The whole bucket, a pattern inside the path, a pattern bucket, a non-object action.
        assert!(!get("arn:aws:s3:::acme/*", "s3:GetObject"));
        assert!(!get("arn:aws:s3:::acme/a*", "s3:GetObject"), "also admin/…");
        assert!(!get("arn:aws:s3:::acme/ex*/x*", "s3:GetObject"));
        assert!(!get("arn:aws:s3:::acme-*/exports/*", "s3:GetObject"));
        assert!(!get("arn:aws:s3:::acme/exports/*", "s3:DeleteBucket"));
        assert!(!get(
            "arn:aws:dynamodb:eu-west-1:1:table/t/index/*",
            "s3:GetObject"
        ));
    }

    #[test]
    fn the_counted_length_is_the_serialized_length_with_intrinsics_filled_in() {
        let s = Statement::allow(
            "A\"b\\c\n\u{1}é",
            vec![Action::new("logs:PutLogEvents").expect("valid")],
            vec![
                Expr::sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:x/${Name}"),
                Expr::Ref("AWS::Region".into()),
                Expr::get_att(&crate::model::LogicalId::new("Log").expect("valid"), "Arn"),
            ],
        )
        .when("aws:SourceAccount", Expr::literal("123"))
        .when_like("s3:prefix", Expr::literal("exports/*"))
        .when_any(
            "aws:SourceArn",
            vec![Expr::Ref("AWS::Region".into()), Expr::literal("x")],
        )
        // A later value of the same key under the same operator replaces the earlier one.
        .when("aws:SourceAccount", Expr::literal("4567"));
        let written =
            serde_json::json!({"Version": "2012-10-17", "Statement": [&s, &s]}).to_string();
        let arn = super::ARN_ESTIMATE;
        let expected = written
            .replace(
                r#"{"Fn::Sub":"arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:x/${Name}"}"#,
                &format!(r#""arn:aws-us-gov:logs:eu-west-1:123456789012:x/{arn}""#),
            )
            .replace(r#"{"Ref":"AWS::Region"}"#, r#""eu-west-1""#)
            .replace(r#"{"Fn::GetAtt":["Log","Arn"]}"#, &format!(r#""{arn}""#));
        assert!(!expected.contains("Fn::"), "{expected}");
        assert_eq!(filled_in_len(&[s.clone(), s], "eu-west-1"), expected.len());
    }

    #[test]
    fn patterns_match_whole_action_names() {
        assert!(glob("iam:put*policy", "iam:putrolepolicy"));
        assert!(glob("iam:put*policy", "iam:putuserpolicy"));
        assert!(glob("iam:create*policy*", "iam:createpolicyversion"));
        assert!(glob("cloudformation:*stack*", "cloudformation:createstack"));
        assert!(!glob("iam:put*policy", "iam:putrolepermissionsboundary"));
        assert!(!glob("sts:assumerole", "sts:assumerolewithwebidentity"));
    }
}
