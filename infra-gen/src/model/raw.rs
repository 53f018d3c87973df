//! The typed escape hatch: a resource of a type infra-gen does not model, with its properties
//! as JSON. Intrinsics become [`Expr`]s when it is made, so the reference lint, the resolver and
//! every lint that reads values see them; the pipeline validates it against its type's
//! CloudFormation schema (a type without one in `schemas/` is refused), `lint/raw.rs` judges
//! its policies and values, and it shows on the review page. Prefer a kind (one module, one
//! line in `kinds!`) once a type is used by more than one service or needs opinions.

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::access::{Deployed, Target, UNDECLARED, Use, WRITE};
use super::section::{Section, Words, code};
use super::{Expr, Kind, LogicalId, Resource, StackName};
use crate::Error;

/// A JSON value whose intrinsic functions are typed.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    /// A string or an intrinsic (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::ImportValue`, `Fn::Join`,
    /// `Fn::Select`, `Fn::Split`, `Fn::GetAZs`, `Fn::Base64`).
    Expr(Expr),
    Array(Vec<RawValue>),
    Object(Vec<(String, RawValue)>),
}

fn bad(value: &Value, expected: &'static str) -> Error {
    Error::Invalid {
        what: "raw resource property",
        value: value.to_string(),
        expected,
    }
}

fn string(value: &Value, expected: &'static str) -> Result<String, Error> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| bad(value, expected))
}

/// The intrinsic `{key: arg}` as an [`Expr`], if `key` names one.
fn intrinsic(key: &str, arg: &Value, whole: &Value) -> Result<Option<Expr>, Error> {
    const SUPPORTED: &str = "Ref, Fn::GetAtt, Fn::Sub, Fn::ImportValue, Fn::Join, Fn::Select, Fn::Split, Fn::GetAZs or Fn::Base64 (others, such as Fn::If and Fn::FindInMap, name conditions and mappings a definition does not have: compute the value in Rust)";
    Ok(Some(match key {
        "Ref" => Expr::Ref(string(arg, "Ref of a name")?),
        "Fn::GetAtt" => match arg {
            Value::String(s) => match s.split_once('.') {
                Some((id, attr)) => Expr::GetAtt(id.to_owned(), attr.to_owned()),
                None => {
                    return Err(bad(
                        whole,
                        "Fn::GetAtt of \"Id.Attribute\" or [Id, Attribute]",
                    ));
                }
            },
            Value::Array(parts) => match parts.as_slice() {
                [id, attr] => Expr::GetAtt(
                    string(id, "a logical ID")?,
                    string(attr, "an attribute name")?,
                ),
                _ => return Err(bad(whole, "Fn::GetAtt of [Id, Attribute]")),
            },
            _ => return Err(bad(whole, "Fn::GetAtt of [Id, Attribute]")),
        },
        "Fn::Sub" => match arg {
            Value::String(s) => Expr::Sub(s.clone()),
            Value::Array(parts) => match parts.as_slice() {
                [Value::String(t), Value::Object(vars)] => Expr::SubWith(
                    t.clone(),
                    vars.iter()
                        .map(|(k, v)| Ok((k.clone(), expr(v)?)))
                        .collect::<Result<_, Error>>()?,
                ),
                _ => return Err(bad(whole, "Fn::Sub of a string or [string, {variables}]")),
            },
            _ => return Err(bad(whole, "Fn::Sub of a string or [string, {variables}]")),
        },
        "Fn::ImportValue" => Expr::ImportValue(Box::new(expr(arg)?)),
        "Fn::Join" => match arg {
            Value::Array(parts) => match parts.as_slice() {
                [Value::String(d), values] => Expr::Join(
                    d.clone(),
                    match list(values, whole)? {
                        List::Items(items) => items,
                        List::Computed(e) => vec![e],
                    },
                ),
                _ => return Err(bad(whole, "Fn::Join of [delimiter, [values]]")),
            },
            _ => return Err(bad(whole, "Fn::Join of [delimiter, [values]]")),
        },
        // CloudFormation computes a selection from a literal list (or a split of literal text)
        // before anything reads it: the value is the element selected. From a list it computes
        // itself (a split of a reference, the Availability Zones), the selection stays.
        "Fn::Select" => match arg {
            Value::Array(parts) => match parts.as_slice() {
                [index, values] => {
                    let index = index
                        .as_u64()
                        .or_else(|| index.as_str().and_then(|s| s.parse().ok()))
                        .and_then(|i| usize::try_from(i).ok())
                        .ok_or_else(|| bad(whole, "Fn::Select of [index, [values]]"))?;
                    match list(values, whole)? {
                        List::Items(mut items) => {
                            if index >= items.len() {
                                return Err(bad(whole, "Fn::Select of an index inside its list"));
                            }
                            items.swap_remove(index)
                        }
                        List::Computed(e) => Expr::Select(index, Box::new(e)),
                    }
                }
                _ => return Err(bad(whole, "Fn::Select of [index, [values]]")),
            },
            _ => return Err(bad(whole, "Fn::Select of [index, [values]]")),
        },
        // A list where a property takes one: CloudFormation splits it, literal text too.
        "Fn::Split" => match arg {
            Value::Array(parts) => match parts.as_slice() {
                [Value::String(d), source] if !d.is_empty() => {
                    Expr::Split(d.clone(), Box::new(expr(source)?))
                }
                _ => return Err(bad(whole, "Fn::Split of [non-empty delimiter, text]")),
            },
            _ => return Err(bad(whole, "Fn::Split of [non-empty delimiter, text]")),
        },
        "Fn::GetAZs" => Expr::GetAZs(Box::new(expr(arg)?)),
        "Fn::Base64" => Expr::Base64(Box::new(expr(arg)?)),
        k if k.starts_with("Fn::") || k == "Condition" => return Err(bad(whole, SUPPORTED)),
        _ => return Ok(None),
    }))
}

/// A list an intrinsic takes.
enum List {
    /// A literal list, or `Fn::Split` of literal text: its items are known.
    Items(Vec<Expr>),
    /// A list CloudFormation computes: `Fn::Split` of a reference, `Fn::GetAZs`, a list
    /// parameter's `Ref`, a list attribute.
    Computed(Expr),
}

fn list(value: &Value, whole: &Value) -> Result<List, Error> {
    const EXPECTED: &str = "a list, Fn::Split, Fn::GetAZs, or a Ref or Fn::GetAtt of a list";
    match value {
        Value::Array(values) => Ok(List::Items(
            values.iter().map(expr).collect::<Result<_, _>>()?,
        )),
        Value::Object(map) if map.len() == 1 => match map.get("Fn::Split") {
            Some(arg) => split(arg, whole),
            None => match expr(value)? {
                e @ (Expr::GetAZs(_) | Expr::Ref(_) | Expr::GetAtt(..)) => Ok(List::Computed(e)),
                _ => Err(bad(whole, EXPECTED)),
            },
        },
        _ => Err(bad(whole, EXPECTED)),
    }
}

/// `Fn::Split` of `[delimiter, source]`: literal text is split here, anything else by
/// CloudFormation.
fn split(arg: &Value, whole: &Value) -> Result<List, Error> {
    const EXPECTED: &str = "Fn::Split of [non-empty delimiter, text]";
    match arg {
        Value::Array(parts) => match parts.as_slice() {
            [Value::String(d), Value::String(text)] if !d.is_empty() => Ok(List::Items(
                text.split(d.as_str()).map(Expr::literal).collect(),
            )),
            [Value::String(d), source] if !d.is_empty() => Ok(List::Computed(Expr::Split(
                d.clone(),
                Box::new(expr(source)?),
            ))),
            _ => Err(bad(whole, EXPECTED)),
        },
        _ => Err(bad(whole, EXPECTED)),
    }
}

/// A value that must be a string or an intrinsic.
fn expr(value: &Value) -> Result<Expr, Error> {
    match RawValue::from_json(value)? {
        RawValue::Expr(e) => Ok(e),
        _ => Err(bad(value, "a string or an intrinsic function")),
    }
}

impl RawValue {
    pub fn from_json(value: &Value) -> Result<Self, Error> {
        Ok(match value {
            Value::Null => Self::Null,
            Value::Bool(b) => Self::Bool(*b),
            Value::Number(n) => Self::Number(n.clone()),
            Value::String(s) => Self::Expr(Expr::Literal(s.clone())),
            Value::Array(items) => Self::Array(
                items
                    .iter()
                    .map(Self::from_json)
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => {
                if let [(key, arg)] = map.iter().collect::<Vec<_>>().as_slice()
                    && let Some(e) = intrinsic(key, arg, value)?
                {
                    return Ok(Self::Expr(e));
                }
                Self::Object(
                    map.iter()
                        .map(|(k, v)| Ok((k.clone(), Self::from_json(v)?)))
                        .collect::<Result<_, Error>>()?,
                )
            }
        })
    }

    /// Every expression inside, depth first.
    pub fn exprs(&self) -> Vec<&Expr> {
        let mut out = Vec::new();
        self.visit(&mut |_, v| {
            if let Self::Expr(e) = v {
                out.push(e);
            }
        });
        out
    }

    /// Calls `f` with each value and the key it is under (`""` for array items and the root).
    pub fn visit<'a>(&'a self, f: &mut dyn FnMut(&'a str, &'a RawValue)) {
        self.visit_under("", f);
    }

    fn visit_under<'a>(&'a self, key: &'a str, f: &mut dyn FnMut(&'a str, &'a RawValue)) {
        f(key, self);
        match self {
            Self::Array(items) => items.iter().for_each(|v| v.visit_under("", f)),
            Self::Object(fields) => fields.iter().for_each(|(k, v)| v.visit_under(k, f)),
            _ => {}
        }
    }

    /// The string or intrinsic this value is, if it is one.
    pub fn expr(&self) -> Option<&Expr> {
        match self {
            Self::Expr(e) => Some(e),
            _ => None,
        }
    }

    /// The literal string this value is, if it is one.
    pub fn literal(&self) -> Option<&str> {
        match self.expr() {
            Some(Expr::Literal(s)) => Some(s),
            _ => None,
        }
    }

    /// The items of an array, or the value itself (IAM and CloudFormation read one value
    /// where a list is expected as a list of one).
    pub fn items(&self) -> Vec<&RawValue> {
        match self {
            Self::Array(items) => items.iter().collect(),
            other => vec![other],
        }
    }

    /// The value under `key` of an object.
    pub fn get(&self, key: &str) -> Option<&RawValue> {
        match self {
            Self::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

impl Serialize for RawValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Self::Null => s.serialize_unit(),
            Self::Bool(b) => s.serialize_bool(*b),
            Self::Number(n) => n.serialize(s),
            Self::Expr(e) => e.serialize(s),
            Self::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            Self::Object(fields) => {
                let mut map = s.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// Types whose resources hold data a deployment does not recreate (`data/stateful-types.txt`):
/// cfn-lint's maintained list of stateful types (what its rule I3011 asks policies of:
/// databases, caches, volumes, file systems, buckets, keys, user pools, streams, queues,
/// secrets, log groups), then those it does not list that hold data (an event archive, a
/// Kafka cluster, a directory bucket, …). A raw resource of one cannot be declared
/// [`Raw::stateless`].
const STATEFUL_TYPES: &str = include_str!("../../data/stateful-types.txt");

/// Whether resources of `type_name` hold data a deployment does not recreate, by
/// [`STATEFUL_TYPES`] (a type infra-gen models says so itself: [`super::is_stateful_type`]).
pub fn holds_data_type(type_name: &str) -> bool {
    STATEFUL_TYPES
        .lines()
        .filter(|l| !l.starts_with('#'))
        .any(|l| l.split(' ').next() == Some(type_name))
}

/// Types whose resources hold no data when a property is set, though others of the type do: a
/// database instance that names its cluster (`DBClusterIdentifier`) keeps its data on the
/// cluster's volume, which the cluster resource holds (CloudFormation's default on deleting
/// one is Delete, where an instance outside a cluster is snapshotted).
pub const HOLDS_NO_DATA_WITH: &[(&str, &str)] = &[
    ("AWS::RDS::DBInstance", "DBClusterIdentifier"),
    ("AWS::DocDB::DBInstance", "DBClusterIdentifier"),
    ("AWS::Neptune::DBInstance", "DBClusterIdentifier"),
];

/// Whether a resource of `type_name` whose properties include those `has` says it has holds
/// data: a stateful type ([`super::is_stateful_type`]) but a cluster's member
/// ([`HOLDS_NO_DATA_WITH`]), or a type that does with a property ([`HOLDS_DATA_WITH`]). For
/// typed raw resources and for templates read back from files alike.
pub fn resource_holds_data(type_name: &str, has: impl Fn(&str) -> bool) -> bool {
    let with = |list: &[(&str, &str)]| list.iter().any(|(t, p)| *t == type_name && has(p));
    (super::is_stateful_type(type_name) && !with(HOLDS_NO_DATA_WITH)) || with(HOLDS_DATA_WITH)
}

/// The types `DeletionPolicy` and `UpdateReplacePolicy` may be `Snapshot` for (CloudFormation's
/// `DeletionPolicy` attribute documentation; cfn-lint's E3035 and E3036 refuse it on any other
/// type): CloudFormation keeps a snapshot of the data and deletes the resource, which keeps
/// the data as `Retain` does.
pub const SNAPSHOT_TYPES: &[&str] = &[
    "AWS::DocDB::DBCluster",
    "AWS::EC2::Volume",
    "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::Neptune::DBCluster",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::Redshift::Cluster",
];

/// Types whose resources hold data when a property is set: an SNS topic with an
/// `ArchivePolicy` keeps its published messages for replay, lost with the topic.
pub const HOLDS_DATA_WITH: &[(&str, &str)] = &[("AWS::SNS::Topic", "ArchivePolicy")];

/// A resource of a type infra-gen does not model.
#[derive(Debug, Clone, PartialEq)]
pub struct Raw {
    type_name: String,
    properties: RawValue,
    stateful: bool,
    /// Declared crossings of its policies' ARNs, principals and conditions (another account
    /// or region), as [`super::iam::Statement`]'s; shown on the review page.
    crossings: Vec<super::iam::Crossing>,
}

impl Raw {
    /// A resource of `type_name` (`AWS::Service::Resource`) with `properties` (a JSON object).
    /// It counts as stateful (retain it, and the replacement guard watches it) until
    /// [`Raw::stateless`] says otherwise.
    pub fn new(type_name: &str, properties: Value) -> Result<Self, Error> {
        let parts: Vec<&str> = type_name.split("::").collect();
        let ok = parts.len() == 3
            && parts[0] == "AWS"
            && parts[1..]
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))
            && parts[1] != "Serverless";
        if !ok {
            return Err(Error::Invalid {
                what: "raw resource type",
                value: type_name.to_owned(),
                expected: "an AWS::Service::Resource type (not a SAM type) whose schema is in schemas/cloudformation (schemas/refresh.sh adds it)",
            });
        }
        if !properties.is_object() {
            return Err(bad(&properties, "the properties as a JSON object"));
        }
        Ok(Self {
            type_name: type_name.to_owned(),
            properties: RawValue::from_json(&properties)?,
            stateful: true,
            crossings: Vec::new(),
        })
    }

    /// Says that replacing or deleting it loses nothing (a subscription, a rule, a policy).
    pub fn stateless(mut self) -> Self {
        self.stateful = false;
        self
    }

    /// Declares that its policies name another account (a partner's role, a central
    /// account's topic), and why: a sentence naming the other party, shown on the review page.
    /// Lint `iam-scope` then judges its statements and grants as a declared statement's.
    pub fn cross_account(self, why: &str) -> Result<Self, Error> {
        self.crossing(super::iam::Boundary::Account, why)
    }

    /// Declares that its policies name another region (a topic there delivering to a queue
    /// here), and why.
    pub fn cross_region(self, why: &str) -> Result<Self, Error> {
        self.crossing(super::iam::Boundary::Region, why)
    }

    fn crossing(mut self, boundary: super::iam::Boundary, why: &str) -> Result<Self, Error> {
        self.crossings
            .push(super::iam::Crossing::new(boundary, why)?);
        Ok(self)
    }

    /// The crossings declared with [`Raw::cross_account`] and [`Raw::cross_region`].
    pub fn crossings(&self) -> &[super::iam::Crossing] {
        &self.crossings
    }

    /// Whether it holds data a deployment does not recreate, by its type and properties
    /// ([`resource_holds_data`]), whether or not it is declared stateless.
    pub fn holds_data(&self) -> bool {
        resource_holds_data(&self.type_name, |p| self.properties.get(p).is_some())
    }

    /// Whether CloudFormation snapshots it before deleting it when no `DeletionPolicy` says
    /// otherwise: its documented default for an RDS cluster and for an RDS instance that names
    /// no cluster (`DeletionPolicy` attribute); every other resource is deleted.
    pub fn snapshot_by_default(&self) -> bool {
        match self.type_name.as_str() {
            "AWS::RDS::DBCluster" => true,
            "AWS::RDS::DBInstance" => self.properties.get("DBClusterIdentifier").is_none(),
            _ => false,
        }
    }

    pub fn properties(&self) -> &RawValue {
        &self.properties
    }

    /// An S3 bucket's `NotificationConfiguration`: what it tells S3 to notify (functions,
    /// queues, topics) on which events.
    pub fn bucket_notifications(&self) -> Option<&RawValue> {
        (self.type_name == "AWS::S3::Bucket")
            .then(|| self.properties.get("NotificationConfiguration"))
            .flatten()
    }
}

impl Kind for Raw {
    /// A placeholder: a raw resource's type is its own ([`Kind::type_name`]).
    const TYPE: &'static str = "(raw)";
    const ATTRIBUTES: &'static [&'static str] = &[];
    const REF_RETURNS: &'static str = "its Ref value (see the type's documentation)";
    const STATEFUL: bool = true;
    const TAGS: super::tags::TagFormat = super::tags::TagFormat::None;

    fn type_name(&self) -> &str {
        &self.type_name
    }

    fn is_stateful(&self) -> bool {
        self.stateful
    }

    /// Nothing is declared for a type infra-gen does not model: the bootstrap builder refuses
    /// it (naming the resource) rather than grant too little or too much.
    fn deploy(&self, id: &LogicalId, _stack: &StackName) -> Vec<Deployed> {
        vec![Deployed::new(id.as_str(), &UNDECLARED, Vec::new()).using(vec![Use {
            actions: &[],
            ops: WRITE,
            on: Target::Unknown(format!(
                "what deploying a raw {} needs: model the type as a kind (its `deploy` declares the actions, checked against the schema)",
                self.type_name
            )),
            passed_to: None,
            policy: None,
        }])]
    }

    fn phrase(&self, _id: &LogicalId) -> String {
        format!("raw {}", code(&self.type_name))
    }

    fn exprs(&self) -> Vec<&Expr> {
        self.properties.exprs()
    }

    fn review(&self, resource: &Resource, words: &dyn Words) -> Section {
        let rows = match &self.properties {
            RawValue::Object(fields) => fields
                .iter()
                .map(|(k, v)| {
                    let shown = match v {
                        RawValue::Expr(e @ Expr::Literal(_)) => words.value(e),
                        RawValue::Expr(e) => words.value(e),
                        other => code(&serde_json::to_string(other).unwrap_or_default()),
                    };
                    (code(k), shown)
                })
                .collect(),
            _ => Vec::new(),
        };
        let section = Section::new(format!(
            "Raw {} ({})",
            code(&self.type_name),
            code(resource.id.as_str())
        ))
        .text(format!(
            "Not modelled by infra-gen: validated against its CloudFormation schema and linted \
             (policies, wildcards, secrets); {}.",
            if self.stateful {
                "treated as stateful (retained, replacements need acknowledging)"
            } else {
                "declared stateless"
            }
        ))
        .settings(["Property", "Value"], rows);
        // Declared crossings are what a reviewer must weigh: written out, with their reasons.
        self.crossings.iter().fold(section, |section, c| {
            section.text(format!(
                "Its policies name {} because {}.",
                match c.boundary {
                    super::iam::Boundary::Account => "another account",
                    super::iam::Boundary::Region => "another region",
                },
                c.reason
            ))
        })
    }
}

impl Serialize for Raw {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.properties.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn intrinsics_become_expressions_and_serialize_back_unchanged() {
        let props = json!({
            "TopicName": {"Fn::Sub": "${AWS::StackName}-alerts"},
            "KmsMasterKeyId": {"Fn::GetAtt": ["Key", "Arn"]},
            "Subscription": [{"Endpoint": {"Fn::Join": ["", ["a", {"Ref": "P"}]]}, "Protocol": "email"}],
            "Count": 3
        });
        let raw = Raw::new("AWS::SNS::Topic", props.clone()).expect("valid");
        assert_eq!(serde_json::to_value(&raw).expect("serializes"), props);
        assert_eq!(raw.exprs().len(), 4);
    }

    #[test]
    fn unsupported_intrinsics_and_bad_types_are_refused() {
        assert!(Raw::new("AWS::SNS::Topic", json!({"A": {"Fn::If": ["C", 1, 2]}})).is_err());
        assert!(Raw::new("AWS::Serverless::Api", json!({})).is_err());
        assert!(Raw::new("SNS::Topic", json!({})).is_err());
        assert!(Raw::new("AWS::SNS::Topic", json!([])).is_err());
        // Conditions and mappings a definition does not have.
        let mapped = json!({"A": {"Fn::FindInMap": ["M", "k", "v"]}});
        assert!(Raw::new("AWS::SNS::Topic", mapped).is_err());
        // A selection needs a list, and Fn::Split a delimiter.
        let of_text = json!({"A": {"Fn::Select": [0, {"Fn::Sub": "a,b"}]}});
        assert!(Raw::new("AWS::SNS::Topic", of_text).is_err());
        let no_delimiter = json!({"A": {"Fn::Split": ["", {"Ref": "P"}]}});
        assert!(Raw::new("AWS::SNS::Topic", no_delimiter).is_err());
    }

    /// Lists CloudFormation computes at deploy time (a split of a reference, the Availability
    /// Zones) stay intrinsics, written back as they were given.
    #[test]
    fn computed_lists_round_trip() {
        for a in [
            json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]}),
            json!({"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}),
            json!({"Fn::Join": [",", {"Fn::GetAZs": {"Ref": "AWS::Region"}}]}),
            json!({"Fn::Join": ["-", {"Fn::Split": [",", {"Ref": "P"}]}]}),
            json!({"Fn::GetAZs": ""}),
            json!({"Fn::Base64": {"Fn::Sub": "x-${AWS::Region}"}}),
        ] {
            let raw = Raw::new("AWS::SNS::Topic", json!({"A": a})).expect("valid");
            assert_eq!(value_of(&raw), a);
        }
    }

    fn value_of(raw: &Raw) -> Value {
        serde_json::to_value(raw).expect("serializes")["A"].clone()
    }

    proptest::proptest! {
        /// `Fn::Select` of a literal list or of `Fn::Split` of literal text, and `Fn::Join` of
        /// such a split, are what CloudFormation computes from them; an index past the list is
        /// refused as CloudFormation refuses it.
        #[test]
        fn selections_and_splits_of_literals_are_what_cloudformation_computes(
            items in proptest::collection::vec("[a-z0-9:/@.-]{0,8}", 1..6),
            index in 0usize..8,
            as_text in proptest::bool::ANY,
            joiner in "[,;| ]",
        ) {
            let list = if as_text {
                json!({"Fn::Split": ["#", items.join("#")]})
            } else {
                json!(items)
            };
            let select = json!({"A": {"Fn::Select": [index, list.clone()]}});
            match items.get(index) {
                Some(item) => {
                    let raw = Raw::new("AWS::SNS::Topic", select).expect("valid");
                    proptest::prop_assert_eq!(value_of(&raw), json!(item));
                }
                None => proptest::prop_assert!(Raw::new("AWS::SNS::Topic", select).is_err()),
            }
            let join = json!({"A": {"Fn::Join": [joiner, list]}});
            let raw = Raw::new("AWS::SNS::Topic", join).expect("valid");
            let r = raw.exprs();
            let joined = crate::model::Expr::Join(joiner.clone(), items.iter().map(|i| crate::model::Expr::literal(i.clone())).collect());
            proptest::prop_assert_eq!(r, vec![&joined]);
        }
    }
}
