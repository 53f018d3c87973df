//! `AWS::ECR::Repository`.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::json;

use super::access::{Arn, CREATE, DELETE, Deployed, ON_KEY, READ, TypeAccess, UPDATE, key_use};
use super::section::{Section, Words};
use super::{Expr, Kind, LogicalId, Resource, StackName, code, validate_name};
use crate::Error;

/// A repository name as ECR accepts it (lowercase, `/`-separated path components).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct RepositoryName(String);

impl RepositoryName {
    pub fn new(name: &str) -> Result<Self, Error> {
        validate_name(
            "ECR repository name",
            name,
            "2-256 lowercase letters, digits and . _ - / (each path component starting and ending alphanumeric)",
            |s| {
                (2..=256).contains(&s.len())
                    && s.split('/').all(|part| {
                        part.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                            && part
                                .ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                            && part.bytes().all(|b| {
                                b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b)
                            })
                    })
            },
        )?;
        Ok(Self(name.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TagMutability {
    /// A tag, once pushed, always names the same image: deploys are reproducible.
    Immutable,
    Mutable,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encryption {
    Aes256,
    /// A KMS key; `None` uses the AWS-managed `aws/ecr` key.
    Kms(Option<Expr>),
}

impl Encryption {
    /// Encryption with the KMS key `key`: ECR takes a key ID, an alias name or the ARN of a
    /// key or alias; a literal that is none of them names no key, and creating the
    /// repository fails. A reference (`Ref`, `GetAtt`, an import) is CloudFormation's to check.
    pub fn kms(key: Expr) -> Result<Self, Error> {
        if let Some(text) = key.as_literal() {
            let id = |s: &str| {
                let hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
                let uuid = s.len() == 36
                    && s.split('-').map(str::len).eq([8, 4, 4, 4, 12])
                    && hex(&s.replace('-', ""));
                let multi_region = s
                    .strip_prefix("mrk-")
                    .is_some_and(|h| h.len() == 32 && hex(h));
                uuid || multi_region
            };
            let alias = |s: &str| s.strip_prefix("alias/").is_some_and(|n| !n.is_empty());
            let arn = |s: &str| {
                let parts: Vec<&str> = s.splitn(6, ':').collect();
                parts.len() == 6
                    && parts[0] == "arn"
                    && parts[2] == "kms"
                    && (parts[5].strip_prefix("key/").is_some_and(id) || alias(parts[5]))
            };
            if !(id(text) || alias(text) || arn(text)) {
                return Err(Error::Invalid {
                    what: "KMS key of the repository",
                    value: text.to_owned(),
                    expected: "a key ID, an alias/<name>, or the ARN of a key or alias (or a Ref to one)",
                });
            }
        }
        Ok(Self::Kms(Some(key)))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagStatus {
    Any,
    Untagged,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// Keep the newest `n` images that match.
    KeepLast(u32),
    /// Expire matching images pushed more than `n` days ago.
    OlderThanDays(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleRule {
    pub description: String,
    pub tag_status: TagStatus,
    pub expiry: Expiry,
}

impl LifecycleRule {
    pub fn keep_last(n: u32) -> Result<Self, Error> {
        if n == 0 {
            return Err(Error::OutOfRange {
                what: "images to keep",
                value: 0,
                min: 1,
                max: 10_000,
            });
        }
        Ok(Self {
            description: format!("Keep the last {n} images"),
            tag_status: TagStatus::Any,
            expiry: Expiry::KeepLast(n),
        })
    }

    pub fn expire_untagged_after_days(days: u32) -> Result<Self, Error> {
        if days == 0 {
            return Err(Error::OutOfRange {
                what: "days before untagged images expire",
                value: 0,
                min: 1,
                max: 3650,
            });
        }
        Ok(Self {
            description: format!("Expire untagged images after {days} days"),
            tag_status: TagStatus::Untagged,
            expiry: Expiry::OlderThanDays(days),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    pub name: RepositoryName,
    pub scan_on_push: bool,
    pub tag_mutability: TagMutability,
    pub encryption: Encryption,
    pub lifecycle: Vec<LifecycleRule>,
}

/// What CloudFormation's ECR repository handlers call.
pub const ACCESS: TypeAccess = TypeAccess {
    type_name: "AWS::ECR::Repository",
    calls: &[
        ("ecr:CreateRepository", CREATE),
        ("ecr:PutLifecyclePolicy", CREATE | UPDATE),
        ("ecr:TagResource", CREATE | UPDATE),
        ("ecr:UntagResource", UPDATE),
        ("ecr:DescribeRepositories", UPDATE | READ),
        ("ecr:DeleteLifecyclePolicy", UPDATE),
        ("ecr:PutImageScanningConfiguration", UPDATE),
        ("ecr:PutImageTagMutability", UPDATE),
        ("ecr:DeleteRepository", DELETE),
        ("ecr:GetLifecyclePolicy", READ),
        ("ecr:GetRepositoryPolicy", READ),
        ("ecr:ListTagsForResource", READ),
    ],
    elsewhere: &[
        ("kms:DescribeKey", ON_KEY),
        ("kms:CreateGrant", ON_KEY),
        ("kms:RetireGrant", ON_KEY),
    ],
    unused: &[
        (
            "ecr:SetRepositoryPolicy",
            "only RepositoryPolicyText calls it; the model writes no repository policy",
        ),
        (
            "ecr:DeleteRepositoryPolicy",
            "only removing RepositoryPolicyText calls it; the model writes no repository policy",
        ),
    ],
    beyond_schema: &[],
};

impl Kind for Repository {
    const TYPE: &'static str = "AWS::ECR::Repository";
    const ATTRIBUTES: &'static [&'static str] = &["Arn", "RepositoryUri"];
    const REF_RETURNS: &'static str = "name";
    const STATEFUL: bool = true;

    fn physical_name(&self) -> Option<(&'static str, &str)> {
        Some(("ECR repository name", self.name.as_str()))
    }

    fn deploy(&self, id: &LogicalId, _stack: &StackName) -> Vec<Deployed> {
        let key = match &self.encryption {
            Encryption::Kms(Some(key)) => Some(key),
            _ => None,
        };
        let arn = Arn::regional("ecr", format!("repository/{}", self.name.as_str()));
        vec![
            Deployed::new(id.as_str(), &ACCESS, vec![arn]).using(
                key_use(
                    key,
                    &["kms:DescribeKey", "kms:CreateGrant", "kms:RetireGrant"],
                    CREATE | UPDATE | DELETE,
                )
                .into_iter()
                .collect(),
            ),
        ]
    }

    fn phrase(&self, _id: &LogicalId) -> String {
        format!("ECR repository {}", code(self.name.as_str()))
    }

    fn exprs(&self) -> Vec<&Expr> {
        match &self.encryption {
            Encryption::Kms(Some(key)) => vec![key],
            _ => Vec::new(),
        }
    }

    fn review(&self, resource: &Resource, words: &dyn Words) -> Section {
        let mut rules: Vec<_> = self.lifecycle.iter().collect();
        // The order ECR applies them in: see `lifecycle_policy_text`.
        rules.sort_by_key(|rule| rule.tag_status == TagStatus::Any);
        let lifecycle: Vec<&str> = rules.iter().map(|r| r.description.as_str()).collect();
        let rows = vec![
            (
                "Tags".into(),
                match self.tag_mutability {
                    TagMutability::Immutable => {
                        "immutable: a pushed tag always names the same image"
                    }
                    TagMutability::Mutable => "MUTABLE: a tag can be moved to another image",
                }
                .into(),
            ),
            (
                "Scan on push".into(),
                if self.scan_on_push { "yes" } else { "no" }.into(),
            ),
            (
                "Encryption".into(),
                match &self.encryption {
                    Encryption::Aes256 => "AES-256, keys managed by ECR".to_owned(),
                    Encryption::Kms(None) => "KMS, with the AWS-managed key `aws/ecr`".to_owned(),
                    Encryption::Kms(Some(key)) => format!("KMS, with key {}", words.value(key)),
                },
            ),
            (
                "Lifecycle, in priority order".into(),
                if lifecycle.is_empty() {
                    "none: images are kept forever".into()
                } else {
                    lifecycle.join("; ")
                },
            ),
        ];
        Section::new(format!(
            "ECR repository {} ({})",
            code(self.name.as_str()),
            code(resource.id.as_str())
        ))
        .settings(["", ""], rows)
    }
}

impl Repository {
    /// The lifecycle policy document. ECR requires `tagStatus: any` rules to have the lowest
    /// priority, so those are ordered last whatever the definition's order.
    pub fn lifecycle_policy_text(&self) -> String {
        let mut rules: Vec<&LifecycleRule> = self.lifecycle.iter().collect();
        rules.sort_by_key(|r| r.tag_status == TagStatus::Any);
        let rules: Vec<_> = rules
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let status = match r.tag_status {
                    TagStatus::Any => "any",
                    TagStatus::Untagged => "untagged",
                };
                let selection = match r.expiry {
                    Expiry::KeepLast(n) => json!({
                        "tagStatus": status,
                        "countType": "imageCountMoreThan",
                        "countNumber": n,
                    }),
                    Expiry::OlderThanDays(d) => json!({
                        "tagStatus": status,
                        "countType": "sinceImagePushed",
                        "countUnit": "days",
                        "countNumber": d,
                    }),
                };
                json!({
                    "rulePriority": i + 1,
                    "description": r.description,
                    "selection": selection,
                    "action": { "type": "expire" },
                })
            })
            .collect();
        json!({ "rules": rules }).to_string()
    }
}

impl Serialize for Repository {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("RepositoryName", &self.name)?;
        m.serialize_entry("ImageTagMutability", &self.tag_mutability)?;
        m.serialize_entry(
            "ImageScanningConfiguration",
            &json!({ "ScanOnPush": self.scan_on_push }),
        )?;
        let encryption = match &self.encryption {
            Encryption::Aes256 => json!({ "EncryptionType": "AES256" }),
            Encryption::Kms(None) => json!({ "EncryptionType": "KMS" }),
            Encryption::Kms(Some(key)) => json!({ "EncryptionType": "KMS", "KmsKey": key }),
        };
        m.serialize_entry("EncryptionConfiguration", &encryption)?;
        if !self.lifecycle.is_empty() {
            m.serialize_entry(
                "LifecyclePolicy",
                &json!({ "LifecyclePolicyText": self.lifecycle_policy_text() }),
            )?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn repository_names_are_lowercase_paths() {
        assert!(RepositoryName::new("chatrix").is_ok());
        assert!(RepositoryName::new("team/chatrix-gateway").is_ok());
        assert!(RepositoryName::new("Chatrix").is_err());
        assert!(RepositoryName::new("chatrix/").is_err());
        assert!(RepositoryName::new("c").is_err());
    }

    #[test]
    fn any_tag_rules_get_the_lowest_priority() {
        let repo = Repository {
            name: RepositoryName::new("chatrix").expect("valid"),
            scan_on_push: true,
            tag_mutability: TagMutability::Immutable,
            encryption: Encryption::Aes256,
            lifecycle: vec![
                LifecycleRule::keep_last(10).expect("valid"),
                LifecycleRule::expire_untagged_after_days(1).expect("valid"),
            ],
        };
        let text = repo.lifecycle_policy_text();
        let untagged = text.find("untagged").expect("has untagged rule");
        let any = text.find("\"any\"").expect("has any rule");
        assert!(untagged < any, "{text}");
    }

    #[test]
    fn keeping_zero_images_is_rejected() {
        assert!(LifecycleRule::keep_last(0).is_err());
    }

    proptest! {
        /// Every form ECR takes for a KMS key is accepted, and text of none of them refused.
        #[test]
        fn a_repository_key_is_an_id_alias_or_arn(
            uuid in "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            mrk in "mrk-[0-9a-f]{32}",
            alias in "alias/[a-zA-Z0-9/_-]{1,40}",
            region in "(us|eu|ap)-[a-z]{4,9}-[1-3]",
            account in "[0-9]{12}",
            other in "[a-zA-Z0-9_-]{1,30}",
        ) {
            for good in [
                uuid.clone(),
                mrk.clone(),
                alias.clone(),
                format!("arn:aws:kms:{region}:{account}:key/{uuid}"),
                format!("arn:aws:kms:{region}:{account}:key/{mrk}"),
                format!("arn:aws:kms:{region}:{account}:{alias}"),
            ] {
                prop_assert!(Encryption::kms(Expr::literal(good.as_str())).is_ok(), "{}", good);
            }
            for bad in [
                other.clone(),
                format!("key/{other}"),
                format!("arn:aws:s3:::{other}"),
                format!("arn:aws:kms:{region}:{account}:key/{other}x"),
            ] {
                prop_assert!(Encryption::kms(Expr::literal(bad.as_str())).is_err(), "{}", bad);
            }
            prop_assert!(Encryption::kms(Expr::Ref("Key".into())).is_ok());
        }
    }
}
