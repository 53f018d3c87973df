//! `iam-size`: a role whose inline policies, filled in, exceed what IAM stores fails at deploy
//! time, long after review; the template cannot tell, so this estimates it.

use super::super::Sink;
use super::super::resolve::{Part, Resolved};
use crate::model::Expr;
use crate::model::iam::{Operator, Role, Statement};

/// IAM's limit on the aggregate size of a role's inline policies, in characters (whitespace
/// not counted).
const ROLE_INLINE_POLICY_LIMIT: usize = 10_240;
/// What an ARN from `Ref`, `GetAtt` or an import can come to; IAM counts the filled-in text.
const ARN_ESTIMATE: &str = "arn:aws-us-gov:service:us-gov-west-1:123456789012:resource/a-name-generated-by-cloudformation-with-a-random-suffix-0123456789ABCDEF-0123456789ABC";

/// `iam-size`: a role whose inline policies, filled in, exceed what IAM stores fails at
/// deploy time, long after review; the template cannot tell, so this estimates it. `len` is
/// what an expression comes to as a JSON string ([`resolved_len`] of its resolved value, which
/// the other IAM lints have at hand).
pub(super) fn check_size(role: &Role, id: &str, sink: &mut Sink<'_>, len: &dyn Fn(&Expr) -> usize) {
    let size: usize = role
        .policies
        .iter()
        .map(|p| filled_in_len(&p.statements, len))
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
fn filled_in_len(statements: &[Statement], value_len: &dyn Fn(&Expr) -> usize) -> usize {
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
            + s.resources.iter().map(value_len).sum::<usize>();
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
                    [one] => value_len(one),
                    many => 2 + commas(many.len()) + many.iter().map(value_len).sum::<usize>(),
                };
            }
        }
    }
    len
}

/// What a resolved value can come to, as a JSON string, at its longest: each unknown part at
/// its worst case (an account ID's 12 digits, a parameter's longest value, a long ARN for a
/// name or attribute CloudFormation picks).
pub(super) fn resolved_len(r: &Resolved) -> usize {
    r.parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => string_len(t) - 2,
            Part::Unknown(u) => u.max_len.unwrap_or(ARN_ESTIMATE.len()),
        })
        .sum::<usize>()
        + 2
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
    use super::{filled_in_len, resolved_len};
    use crate::builders::Stack;
    use crate::lint::resolve::Scope;
    use crate::model::Expr;
    use crate::model::iam::{Action, Statement};

    fn stack(region: &str) -> Stack {
        Stack::empty_for_test(region)
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
        for (region, partition) in [("eu-west-1", "aws"), ("us-gov-west-1", "aws-us-gov")] {
            let expected = written
                .replace(
                    r#"{"Fn::Sub":"arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:x/${Name}"}"#,
                    &format!(r#""arn:{partition}:logs:{region}:123456789012:x/{arn}""#),
                )
                .replace(r#"{"Ref":"AWS::Region"}"#, &format!(r#""{region}""#))
                .replace(r#"{"Fn::GetAtt":["Log","Arn"]}"#, &format!(r#""{arn}""#));
            assert!(!expected.contains("Fn::"), "{expected}");
            let stack = stack(region);
            let scope = Scope::new(&stack, None);
            assert_eq!(
                filled_in_len(&[s.clone(), s.clone()], &|e| resolved_len(
                    &scope.resolve(e)
                )),
                expected.len()
            );
        }
    }
}
