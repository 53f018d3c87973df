//! Decisions a reviewer must see next to the resource they concern: a third-party finding that
//! does not apply, and a replacement of a stateful resource that is meant.

use serde_json::{Map, Value, json};

use crate::Error;

/// A reason is a sentence saying why: four different words with letters, none of them a
/// placeholder for one (`TODO`, `TBD`, `FIXME`, `XXX`, `WIP`, `n/a`, `lorem ipsum`), so a
/// reason left to be written is not mistaken for one.
fn sentence(what: &'static str, reason: String) -> Result<String, Error> {
    let words: std::collections::BTreeSet<String> = reason
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    let placeholder = words.iter().any(|w| {
        matches!(
            w.as_str(),
            "todo"
                | "tbd"
                | "tbc"
                | "fixme"
                | "xxx"
                | "wip"
                | "n/a"
                | "lorem"
                | "ipsum"
                | "placeholder"
                | "asdf"
        )
    });
    if words.len() < 4 || placeholder {
        return Err(Error::Invalid {
            what,
            value: reason,
            expected: "a sentence saying why (four different words, not a placeholder such as TODO or n/a)",
        });
    }
    Ok(reason)
}

/// The third-party checkers `tests/validate/run.sh` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tool {
    /// Rules such as `CKV_AWS_117`.
    Checkov,
    /// AWS Control Tower guard rules such as `lambda_inside_vpc_check`.
    CfnGuard,
    /// Rules such as `W3005`.
    CfnLint,
}

impl Tool {
    pub fn name(self) -> &'static str {
        match self {
            Self::Checkov => "checkov",
            Self::CfnGuard => "cfn-guard",
            Self::CfnLint => "cfn-lint",
        }
    }
}

/// A finding of `tool`'s `rule` on one resource that does not apply, and why. It is written
/// into the resource's `Metadata` in the tool's own format, so the tool itself skips it and
/// the template says why; CI never skips a rule wholesale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    tool: Tool,
    rule: String,
    reason: String,
}

impl Suppression {
    pub fn new(tool: Tool, rule: &str, reason: impl Into<String>) -> Result<Self, Error> {
        let well_formed = match tool {
            Tool::Checkov => rule.starts_with("CKV") && !rule.contains(char::is_whitespace),
            Tool::CfnGuard => {
                !rule.is_empty()
                    && rule
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            }
            Tool::CfnLint => {
                rule.len() >= 2
                    && rule.starts_with(['E', 'W', 'I'])
                    && rule[1..].bytes().all(|b| b.is_ascii_digit())
            }
        };
        if !well_formed {
            return Err(Error::Invalid {
                what: "suppressed rule",
                value: rule.to_owned(),
                expected: "a checkov id (CKV_AWS_117), a guard rule name (lambda_inside_vpc_check) or a cfn-lint code (W3005)",
            });
        }
        Ok(Self {
            tool,
            rule: rule.to_owned(),
            reason: sentence("suppression reason", reason.into())?,
        })
    }
    pub fn tool(&self) -> Tool {
        self.tool
    }
    pub fn rule(&self) -> &str {
        &self.rule
    }
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// A rule of the project's retention and image policy (`build::Policy`, judged by lint
/// `policy`) that one resource may be excepted from with a written reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PolicyRule {
    /// A log group keeps its logs at least the policy's minimum.
    LogRetention,
    /// An ECR repository's tags are immutable.
    ImmutableTags,
    /// An ECR repository scans every pushed image.
    ScanOnPush,
    /// An ECR repository has a lifecycle policy.
    LifecyclePolicy,
    /// The lifecycle policy expires untagged images and keeps at least the policy's number of
    /// images, never expiring tagged ones by age (that could delete the running image).
    ImagesKept,
}

impl PolicyRule {
    pub const ALL: [Self; 5] = [
        Self::LogRetention,
        Self::ImmutableTags,
        Self::ScanOnPush,
        Self::LifecyclePolicy,
        Self::ImagesKept,
    ];

    /// The rule's name in findings and on the review page.
    pub fn code(self) -> &'static str {
        match self {
            Self::LogRetention => "log-retention",
            Self::ImmutableTags => "immutable-tags",
            Self::ScanOnPush => "scan-on-push",
            Self::LifecyclePolicy => "lifecycle-policy",
            Self::ImagesKept => "images-kept",
        }
    }

    /// The rules of `tests/validate/run.sh`'s scanners that judge the same property. An
    /// exception suppresses exactly these with its reason, so a resource `check` accepts is
    /// one the scanners accept, and an exception nothing needs is stale in both.
    pub fn scanner_rules(self) -> &'static [(Tool, &'static str)] {
        match self {
            Self::LogRetention => &[(
                Tool::CfnGuard,
                "cloudwatch_log_group_retention_period_check",
            )],
            Self::ImmutableTags => &[
                (Tool::Checkov, "CKV_AWS_51"),
                (Tool::CfnGuard, "ecr_private_tag_immutability_enabled_check"),
            ],
            Self::ScanOnPush => &[
                (Tool::Checkov, "CKV_AWS_163"),
                (Tool::CfnGuard, "ecr_private_image_scanning_enabled_check"),
            ],
            Self::LifecyclePolicy => &[(
                Tool::CfnGuard,
                "ecr_private_lifecycle_policy_configured_check",
            )],
            Self::ImagesKept => &[],
        }
    }
}

/// Consent that one resource does not meet a [`PolicyRule`], and why. Lint `policy` accepts
/// the resource for that rule, the review page lists it, and the template carries it as the
/// suppressions of the rule's [`PolicyRule::scanner_rules`]. An exception the resource does
/// not need is itself a finding, so exceptions do not outlive their cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyException {
    rule: PolicyRule,
    reason: String,
}

impl PolicyException {
    pub fn new(rule: PolicyRule, reason: impl Into<String>) -> Result<Self, Error> {
        Ok(Self {
            rule,
            reason: sentence("policy exception reason", reason.into())?,
        })
    }
    pub fn rule(&self) -> PolicyRule {
        self.rule
    }
    pub fn reason(&self) -> &str {
        &self.reason
    }
    /// The scanners' suppressions this exception stands for.
    pub fn suppressions(&self) -> impl Iterator<Item = Suppression> + '_ {
        self.rule
            .scanner_rules()
            .iter()
            .map(|&(tool, rule)| Suppression {
                tool,
                rule: rule.to_owned(),
                reason: self.reason.clone(),
            })
    }
}

/// Adds each tool's suppression block to `metadata`:
///
/// * checkov reads `checkov: {skip: [{id, comment}]}`;
/// * cfn-lint reads `cfn-lint: {config: {ignore_checks: [...]}}`;
/// * guard rules written for it read `guard: {SuppressedRules: [...]}`. The Control Tower rules
///   do not, so `tests/validate/run.sh` applies that list itself.
///
/// cfn-lint's and guard's formats carry no reason, so every reason is also kept under
/// `infra-gen: {SuppressionReasons: {"<tool> <rule>": reason}}`, which run.sh prints.
pub(crate) fn write_suppressions(suppressions: &[Suppression], metadata: &mut Map<String, Value>) {
    if suppressions.is_empty() {
        return;
    }
    let of = |tool: Tool| suppressions.iter().filter(move |s| s.tool == tool);
    let checkov: Vec<Value> = of(Tool::Checkov)
        .map(|s| json!({ "id": s.rule, "comment": s.reason }))
        .collect();
    if !checkov.is_empty() {
        metadata.insert("checkov".into(), json!({ "skip": checkov }));
    }
    let lint: Vec<&str> = of(Tool::CfnLint).map(|s| s.rule.as_str()).collect();
    if !lint.is_empty() {
        metadata.insert(
            "cfn-lint".into(),
            json!({ "config": { "ignore_checks": lint } }),
        );
    }
    let guard: Vec<&str> = of(Tool::CfnGuard).map(|s| s.rule.as_str()).collect();
    if !guard.is_empty() {
        metadata.insert("guard".into(), json!({ "SuppressedRules": guard }));
    }
    let reasons: Map<String, Value> = suppressions
        .iter()
        .filter(|s| s.tool != Tool::Checkov)
        .map(|s| (format!("{} {}", s.tool.name(), s.rule), json!(s.reason)))
        .collect();
    if !reasons.is_empty() {
        metadata.insert("infra-gen".into(), json!({ "SuppressionReasons": reasons }));
    }
}

/// Consent to replace a stateful resource: a change to one of its create-only properties
/// (see `schemas/`) makes CloudFormation create a new one and orphan the retained old one with
/// its data. Without this, `generate` and `check` refuse such a change. Remove it once the
/// change is deployed: while present it lets any replacement of the resource through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplacementAck(String);

impl ReplacementAck {
    pub fn new(reason: impl Into<String>) -> Result<Self, Error> {
        sentence("replacement acknowledgement", reason.into()).map(Self)
    }
    pub fn reason(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppressions_need_a_well_formed_rule_and_a_sentence() {
        let why = "the function is only invoked synchronously";
        assert!(Suppression::new(Tool::Checkov, "CKV_AWS_116", why).is_ok());
        assert!(Suppression::new(Tool::Checkov, "116", why).is_err());
        assert!(Suppression::new(Tool::CfnGuard, "lambda_inside_vpc_check", why).is_ok());
        assert!(Suppression::new(Tool::CfnGuard, "CT.LAMBDA.PR.3", why).is_err());
        assert!(Suppression::new(Tool::CfnLint, "W3005", why).is_ok());
        assert!(Suppression::new(Tool::CfnLint, "W", why).is_err());
        assert!(Suppression::new(Tool::Checkov, "CKV_AWS_116", "n/a").is_err());
    }

    #[test]
    fn each_tool_gets_its_own_metadata_format() {
        let why = "a reason of four words";
        let mut m = Map::new();
        write_suppressions(
            &[
                Suppression::new(Tool::Checkov, "CKV_AWS_117", why).expect("valid"),
                Suppression::new(Tool::CfnGuard, "lambda_inside_vpc_check", why).expect("valid"),
                Suppression::new(Tool::CfnLint, "W3005", why).expect("valid"),
            ],
            &mut m,
        );
        assert_eq!(
            Value::Object(m),
            json!({
                "checkov": { "skip": [{ "id": "CKV_AWS_117", "comment": why }] },
                "cfn-lint": { "config": { "ignore_checks": ["W3005"] } },
                "guard": { "SuppressedRules": ["lambda_inside_vpc_check"] },
                "infra-gen": { "SuppressionReasons": {
                    "cfn-guard lambda_inside_vpc_check": why,
                    "cfn-lint W3005": why,
                } },
            })
        );
    }

    proptest::proptest! {
        /// Four different words make a reason; fewer, or a placeholder among them, do not.
        #[test]
        fn a_reason_is_four_different_words_and_no_placeholder(
            words in proptest::collection::btree_set("[a-z]{2,9}", 1..8),
            placeholder in proptest::option::of(proptest::sample::select(
                &["TODO", "tbd", "FIXME:", "xxx", "WIP", "n/a", "Lorem"][..])),
            repeat in 1..4usize,
            at in 0..8usize,
        ) {
            let markers = ["todo", "tbd", "tbc", "fixme", "xxx", "wip", "lorem", "ipsum", "placeholder", "asdf"];
            let distinct = words.iter().filter(|w| !markers.contains(&w.as_str())).count();
            let clean = !words.iter().any(|w| markers.contains(&w.as_str()));
            let mut text: Vec<String> = words.iter().flat_map(|w| vec![w.clone(); repeat]).collect();
            if let Some(p) = placeholder {
                text.insert(at.min(text.len()), p.to_owned());
            }
            let reason = text.join(" ");
            let ok = distinct + usize::from(placeholder.is_some()) >= 4 && clean && placeholder.is_none();
            proptest::prop_assert_eq!(ReplacementAck::new(reason.clone()).is_ok(), ok, "{}", reason);
            proptest::prop_assert_eq!(
                PolicyException::new(PolicyRule::LogRetention, reason.clone()).is_ok(), ok, "{}", reason);
        }
    }

    #[test]
    fn replacement_needs_a_written_reason() {
        assert!(ReplacementAck::new("ok").is_err());
        assert!(ReplacementAck::new("the repository moves to a new naming scheme").is_ok());
    }
}
