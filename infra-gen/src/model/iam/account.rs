//! The account side of deploying: GitHub's OIDC identity provider and the roles GitHub Actions
//! and CloudFormation assume (`AWS::IAM::OIDCProvider`, `AWS::IAM::Role`). Built by
//! [`crate::builders::Bootstrap`] from what the stacks deploy; judged by lint `iam-account`.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::json;

use super::super::access::{Arn, CREATE, DELETE, Deployed, READ, TypeAccess, UPDATE};
use super::super::section::{Section, Words, code, codes};
use super::super::{Expr, Kind, LogicalId, Resource, StackName, validate_name};
use super::{Document, Policy, ROLE_ACCESS};
use crate::Error;

/// GitHub Actions' token issuer.
pub const GITHUB_ISSUER: &str = "token.actions.githubusercontent.com";
/// The audience `aws-actions/configure-aws-credentials` asks GitHub's tokens for.
pub const GITHUB_AUDIENCE: &str = "sts.amazonaws.com";

/// A GitHub repository, `owner/name`, as GitHub's OIDC `sub` claims name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubRepository(String);

impl GithubRepository {
    pub fn new(full_name: &str) -> Result<Self, Error> {
        validate_name(
            "GitHub repository",
            full_name,
            "owner/name: letters, digits, hyphens (owner), and . _ - (name), no wildcard",
            |s| {
                s.split_once('/').is_some_and(|(owner, name)| {
                    (1..=39).contains(&owner.len())
                        && owner
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                        && !owner.starts_with('-')
                        && (1..=100).contains(&name.len())
                        && name != "."
                        && name != ".."
                        && name
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
                })
            },
        )?;
        Ok(Self(full_name.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whose GitHub tokens a role trusts: a job of the repository running in a GitHub
/// environment, or on a branch. Exact subjects only: no wildcard can be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GithubSubject {
    Environment(GithubRepository, String),
    Branch(GithubRepository, String),
}

impl GithubSubject {
    /// The `sub` claim: `repo:<owner>/<repo>:environment:<env>` or `…:ref:refs/heads/<branch>`.
    pub fn claim(&self) -> String {
        match self {
            Self::Environment(r, env) => format!("repo:{}:environment:{env}", r.as_str()),
            Self::Branch(r, branch) => format!("repo:{}:ref:refs/heads/{branch}", r.as_str()),
        }
    }
}

/// Who may assume an account role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// GitHub Actions, through the account's OIDC provider (`provider`: its ARN), with the
    /// audience `sts.amazonaws.com` and exactly these subjects.
    Github {
        provider: Expr,
        subjects: Vec<GithubSubject>,
    },
    /// CloudFormation, when a deploy passes it (`iam:PassRole` of the environment's deploy role).
    CloudFormation,
}

/// A role name IAM accepts (CloudFormation then needs `CAPABILITY_NAMED_IAM`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleName(String);

impl RoleName {
    pub fn new(name: &str) -> Result<Self, Error> {
        validate_name(
            "IAM role name",
            name,
            "1-64 letters, digits and + = , . @ _ -",
            |s| {
                (1..=64).contains(&s.len())
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
            },
        )?;
        Ok(Self(name.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Consent that statement `sid` of an account role grants on `"*"` or on an ARN pattern, and
/// why; lint `iam-account` refuses either without one, and one no statement needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Widening {
    sid: String,
    reason: String,
}

impl Widening {
    pub fn new(sid: &str, reason: impl Into<String>) -> Result<Self, Error> {
        let reason = reason.into();
        validate_name(
            "reason for a widening",
            &reason,
            "a sentence saying why nothing narrower works",
            |s| s.split_whitespace().count() >= 4,
        )?;
        Ok(Self {
            sid: sid.to_owned(),
            reason,
        })
    }
    pub fn sid(&self) -> &str {
        &self.sid
    }
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// A role of the account side: assumed by GitHub Actions or by CloudFormation, with a fixed
/// name the workflows and `samconfig.toml` name it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRole {
    pub name: RoleName,
    pub description: String,
    pub trust: Trust,
    pub policies: Vec<Policy>,
    pub widenings: Vec<Widening>,
}

impl Kind for AccountRole {
    const TYPE: &'static str = "AWS::IAM::Role";
    const ATTRIBUTES: &'static [&'static str] = &["Arn", "RoleId"];
    const REF_RETURNS: &'static str = "name";
    const STATEFUL: bool = false;

    fn physical_name(&self) -> Option<(&'static str, &str)> {
        Some(("IAM role name", self.name.as_str()))
    }

    fn deploy(&self, id: &LogicalId, _stack: &StackName) -> Vec<Deployed> {
        let arn = Arn::global("iam", format!("role/{}", self.name.as_str()));
        vec![Deployed::new(id.as_str(), &ROLE_ACCESS, vec![arn])]
    }

    fn phrase(&self, _id: &LogicalId) -> String {
        format!("IAM role {}", code(self.name.as_str()))
    }

    fn exprs(&self) -> Vec<&Expr> {
        let trust = match &self.trust {
            Trust::Github { provider, .. } => vec![provider],
            Trust::CloudFormation => Vec::new(),
        };
        self.policies
            .iter()
            .flat_map(|p| &p.statements)
            .flat_map(|s| {
                s.resources
                    .iter()
                    .chain(s.conditions.iter().flat_map(|c| &c.values))
            })
            .chain(trust)
            .collect()
    }

    fn review(&self, resource: &Resource, words: &dyn Words) -> Section {
        let trust = match &self.trust {
            Trust::Github { provider, subjects } => format!(
                "Assumed by GitHub Actions through the OIDC provider {} with audience {} and subject {}",
                words.value(provider),
                code(GITHUB_AUDIENCE),
                subjects
                    .iter()
                    .map(|s| code(&s.claim()))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            Trust::CloudFormation => {
                "Assumed by CloudFormation (`--role-arn`), passed only by the deploy role of its environment".into()
            }
        };
        let rows = self
            .policies
            .iter()
            .flat_map(|p| &p.statements)
            .map(|s| {
                let conditions: Vec<String> = s
                    .conditions
                    .iter()
                    .map(|c| {
                        let values: Vec<String> = c.values.iter().map(|v| words.value(v)).collect();
                        format!("{} {} {}", c.operator.name(), c.key, values.join(", "))
                    })
                    .collect();
                vec![
                    s.sid.clone(),
                    codes(s.actions.iter().map(|a| a.as_str()), ", "),
                    s.resources
                        .iter()
                        .map(|r| words.value(r))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if conditions.is_empty() {
                        "none".into()
                    } else {
                        conditions.join("; ")
                    },
                ]
            })
            .collect();
        let mut section = Section::new(format!(
            "Account role {} ({})",
            code(self.name.as_str()),
            code(resource.id.as_str())
        ))
        .text(format!("{}. {trust}.", self.description))
        .table(&["statement", "actions", "resources", "condition"], rows);
        if !self.widenings.is_empty() {
            section = section.heading("Widenings").list(
                self.widenings
                    .iter()
                    .map(|w| (format!("{}: {}", w.sid, w.reason), Vec::new()))
                    .collect(),
            );
        }
        section
    }
}

impl Serialize for AccountRole {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let statement = match &self.trust {
            Trust::Github { provider, subjects } => json!({
                "Effect": "Allow",
                "Principal": { "Federated": provider },
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": { "StringEquals": {
                    format!("{GITHUB_ISSUER}:aud"): GITHUB_AUDIENCE,
                    format!("{GITHUB_ISSUER}:sub"): match subjects.as_slice() {
                        [one] => json!(one.claim()),
                        many => json!(many.iter().map(GithubSubject::claim).collect::<Vec<_>>()),
                    },
                }},
            }),
            // No aws:SourceAccount condition: CloudFormation does not document setting it when
            // it assumes a stack's role, and a role cannot be passed across accounts anyway;
            // who may make CloudFormation use it is the deploy roles' iam:PassRole.
            Trust::CloudFormation => json!({
                "Effect": "Allow",
                "Principal": { "Service": "cloudformation.amazonaws.com" },
                "Action": "sts:AssumeRole",
            }),
        };
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("RoleName", self.name.as_str())?;
        m.serialize_entry("Description", &self.description)?;
        m.serialize_entry("AssumeRolePolicyDocument", &Document([statement]))?;
        m.serialize_entry("Policies", &self.policies)?;
        m.end()
    }
}

/// What CloudFormation's OIDC provider handlers call.
pub const OIDC_PROVIDER_ACCESS: TypeAccess = TypeAccess {
    type_name: "AWS::IAM::OIDCProvider",
    calls: &[
        ("iam:CreateOpenIDConnectProvider", CREATE),
        ("iam:GetOpenIDConnectProvider", CREATE | UPDATE | READ),
        ("iam:TagOpenIDConnectProvider", CREATE | UPDATE),
        ("iam:UntagOpenIDConnectProvider", UPDATE),
        ("iam:ListOpenIDConnectProviderTags", UPDATE),
        ("iam:UpdateOpenIDConnectProviderThumbprint", UPDATE),
        ("iam:AddClientIDToOpenIDConnectProvider", UPDATE),
        ("iam:RemoveClientIDFromOpenIDConnectProvider", UPDATE),
        ("iam:DeleteOpenIDConnectProvider", DELETE),
    ],
    elsewhere: &[],
    unused: &[],
    beyond_schema: &[],
};

/// The account's identity provider for GitHub Actions' tokens (one per account and URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcProvider;

impl OidcProvider {
    /// Its ARN, which IAM derives from the issuer: the same for a provider made elsewhere.
    pub fn arn() -> Expr {
        Expr::sub(format!(
            "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:oidc-provider/{GITHUB_ISSUER}"
        ))
    }
}

impl Kind for OidcProvider {
    const TYPE: &'static str = "AWS::IAM::OIDCProvider";
    const ATTRIBUTES: &'static [&'static str] = &["Arn"];
    const REF_RETURNS: &'static str = "ARN";
    /// Other roles of the account may trust it: deleting or replacing it locks them out.
    const STATEFUL: bool = true;

    fn physical_name(&self) -> Option<(&'static str, &str)> {
        Some(("OIDC provider URL", GITHUB_ISSUER))
    }

    fn deploy(&self, id: &LogicalId, _stack: &StackName) -> Vec<Deployed> {
        let arn = Arn::global("iam", format!("oidc-provider/{GITHUB_ISSUER}"));
        vec![Deployed::new(id.as_str(), &OIDC_PROVIDER_ACCESS, vec![arn])]
    }

    fn phrase(&self, _id: &LogicalId) -> String {
        format!("OIDC provider {}", code(GITHUB_ISSUER))
    }

    fn exprs(&self) -> Vec<&Expr> {
        Vec::new()
    }

    fn review(&self, resource: &Resource, _words: &dyn Words) -> Section {
        Section::new(format!(
            "OIDC provider {} ({})",
            code(GITHUB_ISSUER),
            code(resource.id.as_str())
        ))
        .text(format!(
            "GitHub Actions' token issuer, for the audience {}; the account's roles decide \
             which repository, environment or branch they trust. Retained: other roles may \
             trust it.",
            code(GITHUB_AUDIENCE)
        ))
    }
}

impl Serialize for OidcProvider {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("Url", &format!("https://{GITHUB_ISSUER}"))?;
        m.serialize_entry("ClientIdList", &[GITHUB_AUDIENCE])?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories_are_owner_slash_name_without_wildcards() {
        assert!(GithubRepository::new("acme/chatrix").is_ok());
        assert!(GithubRepository::new("acme/*").is_err());
        assert!(GithubRepository::new("acme").is_err());
        assert!(GithubRepository::new("-acme/x").is_err());
        assert!(GithubRepository::new("acme/x/y").is_err());
    }

    #[test]
    fn subjects_name_one_environment_or_branch_of_the_repository() {
        let r = GithubRepository::new("acme/chatrix").expect("valid");
        assert_eq!(
            GithubSubject::Environment(r.clone(), "prod".into()).claim(),
            "repo:acme/chatrix:environment:prod"
        );
        assert_eq!(
            GithubSubject::Branch(r, "main".into()).claim(),
            "repo:acme/chatrix:ref:refs/heads/main"
        );
    }
}
