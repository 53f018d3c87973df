//! `AWS::SQS::Queue`: a queue, optionally FIFO, encrypted, with redrive to a dead-letter queue.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::json;

use super::access::{Arn, CREATE, DELETE, Deployed, READ, TypeAccess, UPDATE, WRITE};
use super::section::{Section, Words};
use super::{Expr, Kind, LogicalId, Resource, StackName, code, validate_name};
use crate::Error;

/// A queue name: 1–80 letters, digits, `-` and `_`; a FIFO queue's ends in `.fifo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueName(String);

impl QueueName {
    pub fn new(name: &str) -> Result<Self, Error> {
        let base = name.strip_suffix(".fifo").unwrap_or(name);
        validate_name(
            "queue name",
            name,
            "1-80 characters: letters, digits, - and _ (a FIFO queue's ends in .fifo)",
            |_| {
                (1..=80).contains(&name.len())
                    && !base.is_empty()
                    && base
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            },
        )?;
        Ok(Self(name.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_fifo(&self) -> bool {
        self.0.ends_with(".fifo")
    }
}

/// Seconds within an inclusive range SQS enforces; `new` refuses anything else.
macro_rules! seconds {
    ($(#[$doc:meta])* $name:ident, $what:literal, $min:literal ..= $max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(u32);

        impl $name {
            pub fn new(seconds: u32) -> Result<Self, Error> {
                if ($min..=$max).contains(&seconds) {
                    Ok(Self(seconds))
                } else {
                    Err(Error::Invalid {
                        what: $what,
                        value: seconds.to_string(),
                        expected: concat!(stringify!($min), " to ", stringify!($max), " seconds"),
                    })
                }
            }
            pub fn seconds(self) -> u32 {
                self.0
            }
        }
    };
}

seconds!(
    /// How long a received message stays hidden from other consumers.
    VisibilityTimeout, "queue visibility timeout", 0..=43200
);
seconds!(
    /// How long SQS keeps a message: one minute to fourteen days.
    MessageRetention, "queue message retention", 60..=1209600
);

/// Where messages go after `max_receive_count` failed receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redrive {
    /// The dead-letter queue's ARN (`GetAtt <Queue>.Arn`).
    pub dead_letter_arn: Expr,
    pub max_receive_count: u16,
}

impl Redrive {
    pub fn new(dead_letter_arn: Expr, max_receive_count: u16) -> Result<Self, Error> {
        if !(1..=1000).contains(&max_receive_count) {
            return Err(Error::Invalid {
                what: "redrive maxReceiveCount",
                value: max_receive_count.to_string(),
                expected: "1 to 1000 receives",
            });
        }
        Ok(Self {
            dead_letter_arn,
            max_receive_count,
        })
    }
}

/// How messages are encrypted at rest; there is no unencrypted choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueEncryption {
    /// SQS-owned keys (`SqsManagedSseEnabled`).
    SqsManaged,
    /// A customer managed KMS key (ID, ARN or alias).
    Kms(Expr),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queue {
    pub name: QueueName,
    pub visibility_timeout: VisibilityTimeout,
    pub retention: MessageRetention,
    pub encryption: QueueEncryption,
    pub redrive: Option<Redrive>,
    /// FIFO only: deduplicate by a hash of the body when no deduplication ID is sent.
    pub content_based_deduplication: bool,
}

impl Queue {
    /// A queue with SQS's defaults: 30 s visibility, 4 days' retention, SQS-managed encryption.
    pub fn new(name: QueueName) -> Self {
        Self {
            name,
            visibility_timeout: VisibilityTimeout(30),
            retention: MessageRetention(345_600),
            encryption: QueueEncryption::SqsManaged,
            redrive: None,
            content_based_deduplication: false,
        }
    }
}

/// What CloudFormation's queue handlers call (a customer managed key is used by SQS itself,
/// under its key policy, not by the caller).
pub const ACCESS: TypeAccess = TypeAccess {
    type_name: "AWS::SQS::Queue",
    calls: &[
        ("sqs:CreateQueue", CREATE),
        ("sqs:GetQueueUrl", CREATE),
        ("sqs:GetQueueAttributes", WRITE | READ),
        ("sqs:SetQueueAttributes", UPDATE),
        ("sqs:ListQueueTags", CREATE | UPDATE | READ),
        ("sqs:TagQueue", CREATE | UPDATE),
        ("sqs:UntagQueue", UPDATE),
        ("sqs:DeleteQueue", DELETE),
    ],
    elsewhere: &[],
    unused: &[],
    beyond_schema: &[],
};

impl Kind for Queue {
    const TYPE: &'static str = "AWS::SQS::Queue";
    const ATTRIBUTES: &'static [&'static str] = &["Arn", "QueueUrl"];
    const REF_RETURNS: &'static str = "URL";
    const STATEFUL: bool = true;

    fn physical_name(&self) -> Option<(&'static str, &str)> {
        Some(("queue name", self.name.as_str()))
    }

    fn deploy(&self, id: &LogicalId, _stack: &StackName) -> Vec<Deployed> {
        let arn = Arn::regional("sqs", self.name.as_str());
        vec![Deployed::new(id.as_str(), &ACCESS, vec![arn])]
    }

    fn phrase(&self, _id: &LogicalId) -> String {
        format!("queue {}", code(self.name.as_str()))
    }

    fn exprs(&self) -> Vec<&Expr> {
        let mut out: Vec<&Expr> = self.redrive.iter().map(|r| &r.dead_letter_arn).collect();
        if let QueueEncryption::Kms(key) = &self.encryption {
            out.push(key);
        }
        out
    }

    fn review(&self, resource: &Resource, words: &dyn Words) -> Section {
        let mut rows = vec![
            (
                "Type".into(),
                if self.name.is_fifo() {
                    "FIFO".into()
                } else {
                    "standard".into()
                },
            ),
            (
                "Visibility timeout".into(),
                format!("{} s", self.visibility_timeout.seconds()),
            ),
            (
                "Message retention".into(),
                format!("{} s", self.retention.seconds()),
            ),
            (
                "Encryption".into(),
                match &self.encryption {
                    QueueEncryption::SqsManaged => "SQS-managed keys".into(),
                    QueueEncryption::Kms(key) => format!("KMS key {}", words.value(key)),
                },
            ),
        ];
        rows.push((
            "Failed messages".into(),
            match &self.redrive {
                Some(r) => format!(
                    "after {} receives, to {}",
                    r.max_receive_count,
                    words.target(&r.dead_letter_arn)
                ),
                None => "stay until retention ends (no dead-letter queue)".into(),
            },
        ));
        Section::new(format!(
            "Queue {} ({})",
            code(self.name.as_str()),
            code(resource.id.as_str())
        ))
        .settings(["", ""], rows)
    }
}

impl Serialize for Queue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("QueueName", self.name.as_str())?;
        if self.name.is_fifo() {
            m.serialize_entry("FifoQueue", &true)?;
            if self.content_based_deduplication {
                m.serialize_entry("ContentBasedDeduplication", &true)?;
            }
        }
        m.serialize_entry("VisibilityTimeout", &self.visibility_timeout)?;
        m.serialize_entry("MessageRetentionPeriod", &self.retention)?;
        match &self.encryption {
            QueueEncryption::SqsManaged => m.serialize_entry("SqsManagedSseEnabled", &true)?,
            QueueEncryption::Kms(key) => m.serialize_entry("KmsMasterKeyId", key)?,
        }
        if let Some(r) = &self.redrive {
            m.serialize_entry(
                "RedrivePolicy",
                &json!({
                    "deadLetterTargetArn": r.dead_letter_arn,
                    "maxReceiveCount": r.max_receive_count,
                }),
            )?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A name is accepted exactly when SQS would accept it.
        #[test]
        fn queue_names_follow_sqs_rules(base in "[a-zA-Z0-9_.*/ -]{0,90}", fifo in any::<bool>()) {
            let name = if fifo { format!("{base}.fifo") } else { base.clone() };
            let valid = (1..=80).contains(&name.len())
                && !base.is_empty()
                && base.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            prop_assert_eq!(QueueName::new(&name).is_ok(), valid);
        }

        #[test]
        fn timeouts_and_counts_are_checked_against_sqs_limits(s in 0u32..2_000_000, n in 0u16..2000) {
            prop_assert_eq!(VisibilityTimeout::new(s).is_ok(), s <= 43200);
            prop_assert_eq!(MessageRetention::new(s).is_ok(), (60..=1_209_600).contains(&s));
            prop_assert_eq!(Redrive::new(Expr::literal("x"), n).is_ok(), (1..=1000).contains(&n));
        }
    }
}
