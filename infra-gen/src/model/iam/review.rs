//! A role's section of the review page: each statement in plain words, and the functions that
//! use the role.

use super::{Boundary, Operator, Role, Statement};
use crate::model::section::{Section, Words, code, codes, words as and_list};
use crate::model::{Expr, Properties, Resource};

pub(super) fn section(role: &Role, resource: &Resource, words: &dyn Words) -> Section {
    let template = words.template();
    let users: Vec<&Resource> = template
        .resources
        .iter()
        .filter(|r| match &r.properties {
            Properties::Function(f) => f.role == Expr::get_att(&resource.id, "Arn"),
            _ => false,
        })
        .collect();
    let own_logs: Vec<&str> = users
        .iter()
        .filter_map(|r| match &r.properties {
            Properties::Function(f) => match &f.logging.log_group {
                Expr::Ref(id) => Some(id.as_str()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let used_by = if users.is_empty() {
        "no function in this stack".to_owned()
    } else {
        let names: Vec<String> = users.iter().map(|r| words.phrase(r)).collect();
        and_list(&names)
    };
    let permissions = role
        .policies
        .iter()
        .flat_map(|p| {
            p.statements
                .iter()
                .map(|s| permission(words, &p.name, s, &own_logs))
        })
        .collect();
    Section::new(format!(
        "Permissions of IAM role {}",
        code(resource.id.as_str())
    ))
    .text(format!(
        "{}. Used by {used_by}. No managed policies: these statements are everything it may do.",
        role.description
    ))
    .list(permissions)
}

/// The six fields of an ARN (`arn:partition:service:region:account:resource`), where a field
/// may be a `${…}` placeholder holding `::` (`${AWS::Region}`).
fn arn_fields(arn: &str) -> Option<[&str; 6]> {
    let mut fields = [""; 6];
    let (mut field, mut start, mut in_placeholder) = (0, 0, false);
    for (i, c) in arn.char_indices() {
        match c {
            '$' if arn[i..].starts_with("${") => in_placeholder = true,
            '}' => in_placeholder = false,
            ':' if !in_placeholder && field < 5 => {
                fields[field] = &arn[start..i];
                field += 1;
                start = i + 1;
            }
            _ => {}
        }
    }
    fields[5] = &arn[start..];
    (field == 5).then_some(fields)
}

/// A Bedrock ARN as ("inference profile", id, "the stack's region").
fn bedrock_item(arn: &str) -> Option<(&'static str, &str, String)> {
    let [_, _, "bedrock", region, _, resource] = arn_fields(arn)? else {
        return None;
    };
    let (kind, id) = resource.split_once('/')?;
    let kind = match kind {
        "inference-profile" => "inference profile",
        "foundation-model" => "foundation model",
        _ => return None,
    };
    let region = match region {
        "${AWS::Region}" => "the stack's region".to_owned(),
        "" => "any region".to_owned(),
        r => r.to_owned(),
    };
    Some((kind, id, region))
}

/// Bedrock resources grouped by model, listing the regions each is granted in.
fn bedrock_items(resources: &[Expr]) -> Option<Vec<String>> {
    let mut groups: Vec<(&str, &str, Vec<String>)> = Vec::new();
    for r in resources {
        let Expr::Sub(arn) = r else { return None };
        let (kind, id, region) = bedrock_item(arn)?;
        match groups.iter_mut().find(|(k, i, _)| *k == kind && *i == id) {
            Some((_, _, regions)) => regions.push(region),
            None => groups.push((kind, id, vec![region])),
        }
    }
    Some(
        groups
            .into_iter()
            .map(|(kind, id, regions)| format!("{kind} {} in {}", code(id), and_list(&regions)))
            .collect(),
    )
}

/// The verb phrase for a set of actions; `None` when no phrase fits them all.
fn verb(actions: &[&str]) -> Option<&'static str> {
    let all_in = |set: &[&str]| actions.iter().all(|a| set.contains(a));
    let phrases: [(&[&str], &str); 15] = [
        (
            &["logs:CreateLogStream", "logs:PutLogEvents"],
            "may write logs to",
        ),
        (
            &[
                "secretsmanager:GetSecretValue",
                "secretsmanager:DescribeSecret",
            ],
            "may read",
        ),
        (
            &[
                "bedrock:InvokeModel",
                "bedrock:InvokeModelWithResponseStream",
            ],
            "may invoke models (streaming or not):",
        ),
        (&["bedrock:CountTokens"], "may count tokens with models:"),
        (
            &["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            "may send traces to X-Ray, on",
        ),
        (
            &["ecr:GetAuthorizationToken"],
            "may get ECR login tokens, on",
        ),
        (&["s3:GetObject"], "may read the objects"),
        (
            &[
                "s3:GetObject",
                "s3:PutObject",
                "s3:AbortMultipartUpload",
                "s3:ListMultipartUploadParts",
            ],
            "may read and write the objects",
        ),
        (&["s3:ListBucket"], "may list the keys of"),
        (
            &[
                "dynamodb:GetItem",
                "dynamodb:BatchGetItem",
                "dynamodb:Query",
                "dynamodb:Scan",
                "dynamodb:ConditionCheckItem",
            ],
            "may read items of",
        ),
        (
            &["sqs:SendMessage", "sqs:GetQueueUrl"],
            "may send messages to",
        ),
        (&["sns:Publish"], "may publish to"),
        (
            &["ssm:GetParametersByPath"],
            "may read the SSM parameters under",
        ),
        (&["kms:Decrypt"], "may decrypt with"),
        (&["lambda:InvokeFunction"], "may invoke"),
    ];
    phrases
        .iter()
        .find(|(set, _)| all_in(set))
        .map(|(_, phrase)| *phrase)
}

/// One statement as a list item: "**Sid** (policy): may read secret `x`", with the resources
/// and actions as sub-items when there are several resources.
fn permission(
    words: &dyn Words,
    policy: &str,
    s: &Statement,
    own_logs: &[&str],
) -> (String, Vec<String>) {
    let template = words.template();
    let actions: Vec<&str> = s.actions.iter().map(|a| a.as_str()).collect();
    let items = bedrock_items(&s.resources).unwrap_or_else(|| {
        s.resources
            .iter()
            .map(|r| match r {
                Expr::Literal(star) if star == "*" => {
                    "every resource (these APIs accept no narrower one)".to_owned()
                }
                Expr::GetAtt(id, attribute)
                    if attribute == "Arn" && own_logs.contains(&id.as_str()) =>
                {
                    let name = match template.resource(id).map(|r| &r.properties) {
                        Some(Properties::LogGroup(g)) => code(&g.name),
                        _ => code(id),
                    };
                    format!("its own log group {name}")
                }
                Expr::Ref(id) | Expr::GetAtt(id, _) => match template.resource(id) {
                    Some(r) => words.phrase(r),
                    None => words.value(r),
                },
                other => words.value(other),
            })
            .collect()
    });
    let verb = verb(&actions);
    let mut summary = match (verb, items.as_slice()) {
        (Some(v), [one]) if !v.ends_with(':') => format!("{v} {one}"),
        (Some(v), _) => v.trim_end_matches(':').to_owned(),
        (None, _) => format!("may call {}", codes(actions.iter().copied(), ", ")),
    };
    // Conditions narrow what the resources alone say (the Bedrock items already read them).
    if !actions.iter().any(|a| a.starts_with("bedrock:")) {
        for c in &s.conditions {
            let how = match c.operator {
                Operator::StringEquals => "is",
                Operator::StringLike => "matches",
                Operator::StringEqualsIfExists => "is, where given,",
                Operator::StringLikeIfExists => "matches, where given,",
            };
            let values: Vec<String> = c.values.iter().map(|v| words.value(v)).collect();
            summary.push_str(&format!(
                ", only when {} {how} {}",
                code(&c.key),
                values.join(" or ")
            ));
        }
    }
    // Declared crossings are what a reviewer must weigh: written out, with their reasons.
    for c in &s.crossings {
        let what = match c.boundary {
            Boundary::Account => "another account",
            Boundary::Region => "another region",
        };
        summary.push_str(&format!(", in {what} because {}", c.reason));
    }
    let actions: Vec<String> = actions.iter().map(|a| code(a)).collect();
    let head = format!("**{}** ({policy}): {summary}", s.sid);
    // A single item already sits in the summary.
    let single = matches!(verb, Some(v) if !v.ends_with(':')) && items.len() == 1;
    if single || items.is_empty() {
        return (format!("{head} ({})", actions.join(", ")), Vec::new());
    }
    let mut sub = items;
    sub.push(format!("actions: {}", actions.join(", ")));
    (head, sub)
}

#[cfg(test)]
mod tests {
    use super::{arn_fields, bedrock_item};

    #[test]
    fn arn_fields_keep_placeholders_whole() {
        assert_eq!(
            arn_fields(
                "arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:inference-profile/us.x"
            ),
            Some([
                "arn",
                "${AWS::Partition}",
                "bedrock",
                "${AWS::Region}",
                "${AWS::AccountId}",
                "inference-profile/us.x"
            ])
        );
        assert_eq!(
            arn_fields("arn:aws:bedrock:::foundation-model/amazon.nova-pro-v1:0"),
            Some([
                "arn",
                "aws",
                "bedrock",
                "",
                "",
                "foundation-model/amazon.nova-pro-v1:0"
            ])
        );
        assert_eq!(arn_fields("arn:aws:s3"), None);
    }

    #[test]
    fn bedrock_arns_read_as_model_and_region() {
        let item = |arn| bedrock_item(arn).map(|(k, i, r)| format!("{k} {i} in {r}"));
        assert_eq!(
            item("arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:inference-profile/us.x").as_deref(),
            Some("inference profile us.x in the stack's region")
        );
        assert_eq!(
            item("arn:${AWS::Partition}:bedrock:us-east-2::foundation-model/anthropic.y")
                .as_deref(),
            Some("foundation model anthropic.y in us-east-2")
        );
        assert_eq!(
            item("arn:${AWS::Partition}:bedrock:::foundation-model/z").as_deref(),
            Some("foundation model z in any region")
        );
        assert_eq!(item("arn:aws:s3:::bucket/key"), None);
    }
}
