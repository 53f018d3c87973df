//! Resource tags, checked by AWS's tagging rules when the definition is built.

use serde::Serialize;

use crate::Error;

/// Tags infra-gen sets on every stack itself (`deploy::tags`); a definition cannot set them.
pub const DEPLOY_TAG_KEYS: [&str; 2] = ["environment", "defined-in"];

/// The most tags a definition may set on one resource: AWS allows 50, infra-gen's two stack
/// tags and the one SAM adds (`lambda:createdBy`) take three.
pub const MAX_TAGS: usize = 47;

/// One tag: a key of 1–128 characters and a value of 0–256, of letters, digits, spaces and
/// `_ . : / = + - @`; neither may start with `aws:` in any case (AWS reserves the prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    key: String,
    value: String,
}

/// Whether AWS keeps one tag per key regardless of case on resources of `type_name`: IAM does
/// on users and roles ("Department" and "department" are one key, the later replacing the
/// earlier); other services' keys are case-sensitive.
pub fn folds_key_case(type_name: &str) -> bool {
    matches!(type_name, "AWS::IAM::Role" | "AWS::IAM::User")
}

fn allowed(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c))
}

fn reserved_prefix(s: &str) -> bool {
    s.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:"))
}

impl Tag {
    pub fn new(key: &str, value: &str) -> Result<Self, Error> {
        let bad = |what: &'static str, v: &str, expected: &'static str| Error::Invalid {
            what,
            value: v.to_owned(),
            expected,
        };
        const CHARS: &str = "letters, digits, spaces and _ . : / = + - @, not starting with aws:";
        if !(1..=128).contains(&key.chars().count()) || !allowed(key) || reserved_prefix(key) {
            return Err(bad(
                "tag key",
                key,
                "1-128 characters: letters, digits, spaces and _ . : / = + - @, not starting with aws:",
            ));
        }
        if DEPLOY_TAG_KEYS.contains(&key) {
            return Err(bad(
                "tag key",
                key,
                "a key other than environment and defined-in, which infra-gen sets on every stack",
            ));
        }
        if value.chars().count() > 256 || !allowed(value) || reserved_prefix(value) {
            return Err(bad("tag value", value, CHARS));
        }
        Ok(Self {
            key: key.to_owned(),
            value: value.to_owned(),
        })
    }
    pub fn key(&self) -> &str {
        &self.key
    }
    pub fn value(&self) -> &str {
        &self.value
    }
}

/// `over` laid on `base`: a key in both takes `over`'s value; sorted by key, so templates do
/// not change with the order tags were added in.
/// `tags` with `tag` added at the same level, which must not set its key already: one level
/// saying two values for a key is a duplicate, not an override (the later would silently win).
pub fn added(tags: &[Tag], tag: Tag) -> Result<Vec<Tag>, Error> {
    if let Some(earlier) = tags.iter().find(|t| t.key == tag.key) {
        return Err(Error::Invalid {
            what: "tag set twice",
            value: format!("{} = {:?}, then {:?}", tag.key, earlier.value, tag.value),
            expected: "each tag key once per service, registry or app (the later value would silently replace the earlier); tag the service or registry to override an app-wide tag",
        });
    }
    Ok(merged(tags, &[tag]))
}

pub fn merged(base: &[Tag], over: &[Tag]) -> Vec<Tag> {
    let mut out = base.to_vec();
    for tag in over {
        match out.iter_mut().find(|t| t.key == tag.key) {
            Some(existing) => existing.value = tag.value.clone(),
            None => out.push(tag.clone()),
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

/// How a resource type takes tags in CloudFormation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagFormat {
    /// It takes none.
    None,
    /// `Tags: [{Key, Value}]`.
    List,
    /// SAM's `Tags: {key: value}` with `PropagateTags: true`, so the resources SAM adds for it
    /// (role, URL, alias, event source mappings, schedules) carry them too.
    SamMap,
}

/// A resource's properties with the template's tags written in, in the resource type's
/// `format`, after its own properties (none when there are no tags).
pub(crate) struct Tagged<'a, P> {
    pub properties: &'a P,
    pub tags: &'a [Tag],
    pub format: TagFormat,
}

impl<P: Serialize> Serialize for Tagged<'_, P> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Form<'a, P, T> {
            #[serde(flatten)]
            properties: &'a P,
            #[serde(rename = "Tags")]
            tags: T,
            #[serde(rename = "PropagateTags", skip_serializing_if = "Option::is_none")]
            propagate: Option<bool>,
        }
        let properties = self.properties;
        if self.tags.is_empty() {
            return properties.serialize(s);
        }
        match self.format {
            TagFormat::None => properties.serialize(s),
            TagFormat::List => Form {
                properties,
                tags: self.tags,
                propagate: None,
            }
            .serialize(s),
            TagFormat::SamMap => Form {
                properties,
                tags: SamTags(self.tags),
                propagate: Some(true),
            }
            .serialize(s),
        }
    }
}

/// SAM's `Tags: {key: value}`.
struct SamTags<'a>(&'a [Tag]);

impl Serialize for SamTags<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|t| (&t.key, &t.value)))
    }
}

/// CloudFormation's `{Key, Value}`.
impl Serialize for Tag {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut t = s.serialize_struct("Tag", 2)?;
        t.serialize_field("Key", &self.key)?;
        t.serialize_field("Value", &self.value)?;
        t.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A tag is accepted exactly when AWS's rules accept it.
        #[test]
        fn tags_follow_aws_rules(key in "[a-zA-Z0-9 _.:/=+@*#$-]{0,140}", value in "[a-zA-Z0-9 _.:/=+@*#-]{0,260}", aws_prefix in any::<bool>()) {
            let key = if aws_prefix { format!("AwS:{key}") } else { key };
            let ok_chars = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric() || " _.:/=+-@".contains(c));
            let valid = (1..=128).contains(&key.len())
                && ok_chars(&key)
                && !aws_prefix
                && !DEPLOY_TAG_KEYS.contains(&key.as_str())
                && value.len() <= 256
                && ok_chars(&value)
                && !value.to_ascii_lowercase().starts_with("aws:");
            prop_assert_eq!(Tag::new(&key, &value).is_ok(), valid);
        }

        /// One level setting a key twice is refused, naming both values.
        #[test]
        fn a_key_added_twice_at_one_level_is_refused_naming_both_values(
            keys in proptest::collection::vec(0usize..4, 1..8),
        ) {
            let mut tags = Vec::new();
            for (n, k) in keys.iter().enumerate() {
                let tag = Tag::new(&format!("k{k}"), &format!("v{n}")).expect("valid");
                let seen = tags.iter().any(|t: &Tag| t.key == tag.key);
                match added(&tags, tag) {
                    Ok(more) => {
                        prop_assert!(!seen);
                        tags = more;
                    }
                    Err(e) => {
                        prop_assert!(seen);
                        prop_assert!(e.to_string().contains(&format!("v{n}")), "{}", e);
                    }
                }
            }
        }

        /// Merging keeps every key once, with the later level's value, in key order.
        #[test]
        fn merged_tags_keep_each_key_once_with_the_later_value(
            base in proptest::collection::vec((0usize..6, "[a-z]{1,4}"), 0..6),
            over in proptest::collection::vec((0usize..6, "[a-z]{1,4}"), 0..6),
        ) {
            let tag = |(k, v): &(usize, String)| Tag::new(&format!("k{k}"), v).expect("valid");
            let base: Vec<Tag> = merged(&[], &base.iter().map(tag).collect::<Vec<_>>());
            let over: Vec<Tag> = merged(&[], &over.iter().map(tag).collect::<Vec<_>>());
            let m = merged(&base, &over);
            let keys: Vec<&str> = m.iter().map(Tag::key).collect();
            let mut sorted = keys.clone();
            sorted.sort_unstable();
            sorted.dedup();
            prop_assert_eq!(keys, sorted);
            for t in &m {
                let expected = over.iter().chain(&base).find(|x| x.key == t.key).map(Tag::value);
                prop_assert_eq!(Some(t.value()), expected);
            }
        }
    }
}
