//! `AWS::DynamoDB::Table`: typed keys, global secondary indexes, on-demand or provisioned
//! billing, point-in-time recovery and deletion protection on by default.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use super::access::{
    Arn, CREATE, DELETE, Deployed, NO_CMK, ON_KEY, READ, TypeAccess, UPDATE, WRITE, key_use,
};
use super::section::{Section, Words, codes, kms};
use super::{Expr, Kind, LogicalId, Resource, StackName, code, validate_name};
use crate::Error;

fn dynamodb_name(what: &'static str, name: &str, min: usize) -> Result<(), Error> {
    validate_name(
        what,
        name,
        "3-255 characters: letters, digits, _ - and .",
        |s| {
            (min..=255).contains(&s.len())
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
        },
    )
}

/// A table or index name: 3–255 of `[a-zA-Z0-9_.-]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableName(String);

impl TableName {
    pub fn new(name: &str) -> Result<Self, Error> {
        dynamodb_name("table name", name, 3)?;
        Ok(Self(name.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The type of a key attribute; DynamoDB keys are strings, numbers or binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum KeyType {
    S,
    N,
    B,
}

impl KeyType {
    fn words(self) -> &'static str {
        match self {
            Self::S => "string",
            Self::N => "number",
            Self::B => "binary",
        }
    }
}

/// A key attribute: its name and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub name: String,
    pub kind: KeyType,
}

impl Key {
    pub fn new(name: &str, kind: KeyType) -> Result<Self, Error> {
        validate_name("key attribute name", name, "1-255 bytes", |s| {
            (1..=255).contains(&s.len())
        })?;
        Ok(Self {
            name: name.to_owned(),
            kind,
        })
    }
    pub fn string(name: &str) -> Result<Self, Error> {
        Self::new(name, KeyType::S)
    }
    pub fn number(name: &str) -> Result<Self, Error> {
        Self::new(name, KeyType::N)
    }
}

/// A partition key and an optional sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySchema {
    pub partition: Key,
    pub sort: Option<Key>,
}

impl KeySchema {
    fn keys(&self) -> impl Iterator<Item = &Key> {
        std::iter::once(&self.partition).chain(&self.sort)
    }
}

impl Serialize for KeySchema {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut keys = vec![json!({"AttributeName": self.partition.name, "KeyType": "HASH"})];
        if let Some(sort) = &self.sort {
            keys.push(json!({"AttributeName": sort.name, "KeyType": "RANGE"}));
        }
        keys.serialize(s)
    }
}

/// Which attributes an index copies from the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Projection {
    All,
    KeysOnly,
    Include(Vec<String>),
}

impl Serialize for Projection {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::All => json!({"ProjectionType": "ALL"}),
            Self::KeysOnly => json!({"ProjectionType": "KEYS_ONLY"}),
            Self::Include(attributes) => {
                json!({"ProjectionType": "INCLUDE", "NonKeyAttributes": attributes})
            }
        }
        .serialize(s)
    }
}

/// A global secondary index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub name: TableName,
    pub keys: KeySchema,
    pub projection: Projection,
}

/// Read and write capacity units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capacity {
    pub read: u32,
    pub write: u32,
}

impl Capacity {
    pub fn new(read: u32, write: u32) -> Result<Self, Error> {
        if read == 0 || write == 0 {
            return Err(Error::Invalid {
                what: "provisioned capacity",
                value: format!("{read} read, {write} write"),
                expected: "at least 1 read and 1 write capacity unit",
            });
        }
        Ok(Self { read, write })
    }
    fn json(self) -> Value {
        json!({"ReadCapacityUnits": self.read, "WriteCapacityUnits": self.write})
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Billing {
    /// On demand: no capacity to plan, nothing paid while idle.
    PayPerRequest,
    /// The same capacity for the table and each index.
    Provisioned(Capacity),
}

/// A DynamoDB table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: TableName,
    pub keys: KeySchema,
    pub indexes: Vec<Index>,
    pub billing: Billing,
    pub point_in_time_recovery: bool,
    pub deletion_protection: bool,
    /// A customer managed KMS key; `None` is DynamoDB's own encryption.
    pub kms_key: Option<Expr>,
    /// The attribute holding each item's expiry time (epoch seconds).
    pub time_to_live: Option<String>,
}

impl Table {
    /// An on-demand table with point-in-time recovery and deletion protection.
    pub fn new(name: TableName, keys: KeySchema) -> Self {
        Self {
            name,
            keys,
            indexes: Vec::new(),
            billing: Billing::PayPerRequest,
            point_in_time_recovery: true,
            deletion_protection: true,
            kms_key: None,
            time_to_live: None,
        }
    }

    /// Adds a global secondary index. Its key attributes join the table's attribute
    /// definitions, so one name must keep one type everywhere.
    pub fn index(
        mut self,
        name: &str,
        keys: KeySchema,
        projection: Projection,
    ) -> Result<Self, Error> {
        let name = TableName::new(name)?;
        if self.indexes.iter().any(|i| i.name == name) {
            return Err(Error::Invalid {
                what: "index name",
                value: name.0,
                expected: "a name no other index of the table has",
            });
        }
        self.indexes.push(Index {
            name,
            keys,
            projection,
        });
        self.attributes()?;
        Ok(self)
    }

    /// The attribute definitions DynamoDB requires: every key attribute of the table and its
    /// indexes, once, with its type.
    pub fn attributes(&self) -> Result<Vec<&Key>, Error> {
        let mut out: Vec<&Key> = Vec::new();
        for key in self
            .keys
            .keys()
            .chain(self.indexes.iter().flat_map(|i| i.keys.keys()))
        {
            match out.iter().find(|k| k.name == key.name) {
                Some(k) if k.kind != key.kind => {
                    return Err(Error::Invalid {
                        what: "key attribute",
                        value: format!(
                            "{} as both {} and {}",
                            key.name,
                            k.kind.words(),
                            key.kind.words()
                        ),
                        expected: "one type per attribute name across the table and its indexes",
                    });
                }
                Some(_) => {}
                None => out.push(key),
            }
        }
        Ok(out)
    }
}

const IMPORT: &str = "only ImportSourceSpecification (a table created from S3 data) calls it; the model has no import";
const STREAMING: &str =
    "only KinesisStreamSpecification calls it; the model streams to no Kinesis stream";
const REPLICAS: &str = "only global table replicas (AWS::DynamoDB::GlobalTable, replica settings) call it; the model's tables are regional";
const RESOURCE_POLICY: &str = "only ResourcePolicy calls it; the model writes no resource policy";
const INSIGHTS: &str = "only ContributorInsightsSpecification calls it; the model leaves it off";

/// What CloudFormation's table handlers call.
pub const ACCESS: TypeAccess = TypeAccess {
    type_name: "AWS::DynamoDB::Table",
    calls: &[
        ("dynamodb:CreateTable", CREATE | UPDATE),
        ("dynamodb:UpdateTable", CREATE | UPDATE),
        ("dynamodb:DescribeTable", WRITE | READ),
        ("dynamodb:DescribeTimeToLive", CREATE | UPDATE | READ),
        ("dynamodb:UpdateTimeToLive", CREATE | UPDATE),
        ("dynamodb:DescribeContinuousBackups", CREATE | UPDATE | READ),
        ("dynamodb:UpdateContinuousBackups", CREATE | UPDATE),
        (
            "dynamodb:DescribeContributorInsights",
            CREATE | UPDATE | READ,
        ),
        (
            "dynamodb:DescribeKinesisStreamingDestination",
            CREATE | UPDATE | READ,
        ),
        ("dynamodb:ListTagsOfResource", CREATE | UPDATE | READ),
        ("dynamodb:TagResource", CREATE | UPDATE),
        ("dynamodb:UntagResource", UPDATE),
        ("dynamodb:GetResourcePolicy", CREATE | UPDATE | READ),
        ("dynamodb:DeleteTable", DELETE),
    ],
    elsewhere: &[
        ("kms:CreateGrant", ON_KEY),
        ("kms:DescribeKey", ON_KEY),
        ("kms:Decrypt", ON_KEY),
        ("kms:Encrypt", ON_KEY),
        ("kms:RevokeGrant", ON_KEY),
    ],
    unused: &[
        ("dynamodb:UpdateContributorInsights", INSIGHTS),
        ("dynamodb:EnableKinesisStreamingDestination", STREAMING),
        ("dynamodb:DisableKinesisStreamingDestination", STREAMING),
        ("dynamodb:UpdateKinesisStreamingDestination", STREAMING),
        ("kinesis:DescribeStream", STREAMING),
        ("kinesis:PutRecords", STREAMING),
        ("dynamodb:DescribeImport", IMPORT),
        ("dynamodb:ImportTable", IMPORT),
        ("s3:GetObject", IMPORT),
        ("s3:GetObjectMetadata", IMPORT),
        ("s3:ListBucket", IMPORT),
        ("logs:CreateLogGroup", IMPORT),
        ("logs:CreateLogStream", IMPORT),
        ("logs:DescribeLogGroups", IMPORT),
        ("logs:DescribeLogStreams", IMPORT),
        ("logs:PutLogEvents", IMPORT),
        ("logs:PutRetentionPolicy", IMPORT),
        ("dynamodb:Scan", REPLICAS),
        ("dynamodb:Query", REPLICAS),
        ("dynamodb:UpdateItem", REPLICAS),
        ("dynamodb:PutItem", REPLICAS),
        ("dynamodb:GetItem", REPLICAS),
        ("dynamodb:DeleteItem", REPLICAS),
        ("dynamodb:BatchWriteItem", REPLICAS),
        ("dynamodb:CreateTableReplica", REPLICAS),
        ("dynamodb:AssociateTableReplica", REPLICAS),
        ("iam:CreateServiceLinkedRole", REPLICAS),
        ("dynamodb:PutResourcePolicy", RESOURCE_POLICY),
        ("dynamodb:DeleteResourcePolicy", RESOURCE_POLICY),
        ("kms:ListAliases", NO_CMK),
    ],
    beyond_schema: &[],
};

impl Kind for Table {
    const TYPE: &'static str = "AWS::DynamoDB::Table";
    const ATTRIBUTES: &'static [&'static str] = &["Arn", "StreamArn"];
    const REF_RETURNS: &'static str = "name";
    const STATEFUL: bool = true;

    fn physical_name(&self) -> Option<(&'static str, &str)> {
        Some(("table name", self.name.as_str()))
    }

    fn deploy(&self, id: &LogicalId, _stack: &StackName) -> Vec<Deployed> {
        let arn = Arn::regional("dynamodb", format!("table/{}", self.name.as_str()));
        let key = key_use(
            self.kms_key.as_ref(),
            &[
                "kms:CreateGrant",
                "kms:DescribeKey",
                "kms:Decrypt",
                "kms:Encrypt",
                "kms:RevokeGrant",
            ],
            WRITE,
        );
        vec![Deployed::new(id.as_str(), &ACCESS, vec![arn]).using(key.into_iter().collect())]
    }

    fn phrase(&self, _id: &LogicalId) -> String {
        format!("table {}", code(self.name.as_str()))
    }

    fn exprs(&self) -> Vec<&Expr> {
        self.kms_key.iter().collect()
    }

    fn review(&self, resource: &Resource, words: &dyn Words) -> Section {
        let keys = |k: &KeySchema| {
            let mut s = format!("{} ({})", code(&k.partition.name), k.partition.kind.words());
            if let Some(sort) = &k.sort {
                s.push_str(&format!(
                    ", sorted by {} ({})",
                    code(&sort.name),
                    sort.kind.words()
                ));
            }
            s
        };
        let yes = |b: bool| if b { "on" } else { "off" }.to_owned();
        let mut section = Section::new(format!(
            "Table {} ({})",
            code(self.name.as_str()),
            code(resource.id.as_str())
        ))
        .settings(
            ["", ""],
            vec![
                ("Key".into(), keys(&self.keys)),
                (
                    "Billing".into(),
                    match self.billing {
                        Billing::PayPerRequest => "on demand".into(),
                        Billing::Provisioned(c) => {
                            format!("provisioned: {} read, {} write units", c.read, c.write)
                        }
                    },
                ),
                (
                    "Point-in-time recovery".into(),
                    yes(self.point_in_time_recovery),
                ),
                ("Deletion protection".into(), yes(self.deletion_protection)),
                (
                    "Encryption".into(),
                    kms(words, self.kms_key.as_ref(), "DynamoDB's own key"),
                ),
                (
                    "Expiry".into(),
                    self.time_to_live
                        .as_deref()
                        .map_or("none".into(), |a| format!("items expire at {}", code(a))),
                ),
            ],
        );
        if !self.indexes.is_empty() {
            section = section.table(
                &["Index", "Key", "Copies"],
                self.indexes
                    .iter()
                    .map(|i| {
                        vec![
                            code(i.name.as_str()),
                            keys(&i.keys),
                            match &i.projection {
                                Projection::All => "every attribute".into(),
                                Projection::KeysOnly => "keys only".into(),
                                Projection::Include(a) => format!(
                                    "keys and {}",
                                    codes(a.iter().map(String::as_str), ", ")
                                ),
                            },
                        ]
                    })
                    .collect(),
            );
        }
        section
    }
}

impl Serialize for Table {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("TableName", self.name.as_str())?;
        // `Table::index` refuses conflicting types, so the first definition of a name stands.
        let attributes: Vec<Value> = self
            .attributes()
            .unwrap_or_default()
            .iter()
            .map(|k| json!({"AttributeName": k.name, "AttributeType": k.kind}))
            .collect();
        m.serialize_entry("AttributeDefinitions", &attributes)?;
        m.serialize_entry("KeySchema", &self.keys)?;
        match self.billing {
            Billing::PayPerRequest => m.serialize_entry("BillingMode", "PAY_PER_REQUEST")?,
            Billing::Provisioned(c) => {
                m.serialize_entry("BillingMode", "PROVISIONED")?;
                m.serialize_entry("ProvisionedThroughput", &c.json())?;
            }
        }
        if !self.indexes.is_empty() {
            let indexes: Vec<Value> = self
                .indexes
                .iter()
                .map(|i| {
                    let mut index = json!({
                        "IndexName": i.name.as_str(),
                        "KeySchema": i.keys,
                        "Projection": i.projection,
                    });
                    if let (Billing::Provisioned(c), Value::Object(o)) = (self.billing, &mut index)
                    {
                        o.insert("ProvisionedThroughput".into(), c.json());
                    }
                    index
                })
                .collect();
            m.serialize_entry("GlobalSecondaryIndexes", &indexes)?;
        }
        m.serialize_entry(
            "PointInTimeRecoverySpecification",
            &json!({"PointInTimeRecoveryEnabled": self.point_in_time_recovery}),
        )?;
        m.serialize_entry("DeletionProtectionEnabled", &self.deletion_protection)?;
        if let Some(key) = &self.kms_key {
            m.serialize_entry(
                "SSESpecification",
                &json!({"SSEEnabled": true, "SSEType": "KMS", "KMSMasterKeyId": key}),
            )?;
        }
        if let Some(attribute) = &self.time_to_live {
            m.serialize_entry(
                "TimeToLiveSpecification",
                &json!({"AttributeName": attribute, "Enabled": true}),
            )?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(name: &str, kind: KeyType) -> Key {
        Key::new(name, kind).expect("valid key")
    }

    proptest! {
        /// Every key attribute of the table and its indexes is defined exactly once, and a name
        /// used with two types is refused.
        #[test]
        fn attribute_definitions_hold_each_key_once_with_one_type(
            keys in proptest::collection::vec((0usize..4, 0usize..3), 1..6),
        ) {
            let names = ["pk", "sk", "gsi1pk", "gsi1sk"];
            let kinds = [KeyType::S, KeyType::N, KeyType::B];
            let (first, rest) = keys.split_first().expect("at least one");
            let mut table = Table::new(
                TableName::new("items").expect("valid"),
                KeySchema { partition: key(names[first.0], kinds[first.1]), sort: None },
            );
            let mut expected: Vec<(usize, usize)> = vec![*first];
            for (i, (n, k)) in rest.iter().enumerate() {
                let next = table.clone().index(
                    &format!("index{i}"),
                    KeySchema { partition: key(names[*n], kinds[*k]), sort: None },
                    Projection::KeysOnly,
                );
                let conflict = expected.iter().any(|(en, ek)| en == n && ek != k);
                prop_assert_eq!(next.is_err(), conflict);
                if let Ok(t) = next {
                    table = t;
                    if !expected.iter().any(|(en, _)| en == n) {
                        expected.push((*n, *k));
                    }
                }
            }
            let defined = table.attributes().expect("consistent");
            prop_assert_eq!(defined.len(), expected.len());
        }
    }

    #[test]
    fn a_new_table_is_on_demand_with_recovery_and_deletion_protection() {
        let table = Table::new(
            TableName::new("items").expect("valid"),
            KeySchema {
                partition: key("pk", KeyType::S),
                sort: Some(key("sk", KeyType::S)),
            },
        );
        let json = serde_json::to_value(&table).expect("serializes");
        assert_eq!(json["BillingMode"], "PAY_PER_REQUEST");
        assert_eq!(
            json["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"],
            true
        );
        assert_eq!(json["DeletionProtectionEnabled"], true);
        assert_eq!(
            json["AttributeDefinitions"].as_array().map(Vec::len),
            Some(2)
        );
    }
}
