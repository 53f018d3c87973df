//! CloudFormation values: literals and the intrinsic functions our templates use.
//!
//! An [`Expr`] serializes to CloudFormation's JSON long form (`{"Ref": "X"}`); the YAML
//! renderer turns that into the short form (`!Ref X`). References are plain names here and
//! are checked against the template by the `unresolved-ref` lint, so a typo fails generation.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::LogicalId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    Literal(String),
    /// A resource, a parameter or a pseudo parameter such as `AWS::Region`.
    Ref(String),
    GetAtt(String, String),
    /// `${Name}` and `${Name.Attribute}` placeholders are checked like references.
    Sub(String),
    SubWith(String, Vec<(String, Expr)>),
    ImportValue(Box<Expr>),
    /// `Fn::Join`: the values with the delimiter between them; one list-valued value
    /// ([`Expr::is_list`]) is the list itself (`Fn::Join [",", Fn::GetAZs ""]`).
    Join(String, Vec<Expr>),
    /// `Fn::Split`: a list, the text cut at each delimiter.
    Split(String, Box<Expr>),
    /// `Fn::Select`: the item at an index of a list CloudFormation computes (`Fn::Split` of a
    /// reference, `Fn::GetAZs`, a list parameter); a literal list's item is the item itself.
    Select(usize, Box<Expr>),
    /// `Fn::GetAZs`: the Availability Zones of a region (the stack's for `""`), a list.
    GetAZs(Box<Expr>),
    /// `Fn::Base64`: the text, Base64-encoded.
    Base64(Box<Expr>),
}

impl Expr {
    pub fn literal(s: impl Into<String>) -> Self {
        Self::Literal(s.into())
    }
    pub fn reference(id: &LogicalId) -> Self {
        Self::Ref(id.as_str().to_owned())
    }
    pub fn get_att(id: &LogicalId, attribute: &str) -> Self {
        Self::GetAtt(id.as_str().to_owned(), attribute.to_owned())
    }
    pub fn sub(template: impl Into<String>) -> Self {
        Self::Sub(template.into())
    }
    pub fn import(export_name: impl Into<String>) -> Self {
        Self::ImportValue(Box::new(Self::Literal(export_name.into())))
    }
    /// The text this is when it is built of literals alone, as CloudFormation computes it
    /// before any resource exists: a literal, an `Fn::Sub` whose placeholders are its own
    /// variables of such text (or `${!…}` escapes), an `Fn::Join` of such texts. `None` when
    /// it reads a parameter, a resource, a pseudo parameter, an import or a list.
    pub fn literal_value(&self) -> Option<String> {
        match self {
            Self::Literal(s) => Some(s.clone()),
            Self::Sub(template) => sub_of_literals(template, &[]),
            Self::SubWith(template, vars) => sub_of_literals(template, vars),
            Self::Join(delimiter, items) => items
                .iter()
                .map(Self::literal_value)
                .collect::<Option<Vec<_>>>()
                .map(|texts| texts.join(delimiter)),
            _ => None,
        }
    }
    pub fn as_literal(&self) -> Option<&str> {
        match self {
            Self::Literal(s) => Some(s),
            _ => None,
        }
    }

    /// Whether CloudFormation computes it to a list rather than text.
    pub fn is_list(&self) -> bool {
        matches!(self, Self::Split(..) | Self::GetAZs(_))
    }

    /// Calls `f` on this expression and every expression nested in it.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        match self {
            Self::SubWith(_, vars) => vars.iter().for_each(|(_, e)| e.walk(f)),
            Self::ImportValue(e) => e.walk(f),
            Self::Join(_, parts) => parts.iter().for_each(|e| e.walk(f)),
            Self::Split(_, e) | Self::Select(_, e) | Self::GetAZs(e) | Self::Base64(e) => e.walk(f),
            Self::Literal(_) | Self::Ref(_) | Self::GetAtt(..) | Self::Sub(_) => {}
        }
    }
}

impl From<&str> for Expr {
    fn from(s: &str) -> Self {
        Self::literal(s)
    }
}

impl From<String> for Expr {
    fn from(s: String) -> Self {
        Self::Literal(s)
    }
}

/// `template` with each placeholder replaced by its variable's literal text and each
/// `${!Literal}` escape by `${Literal}`; `None` when a placeholder is no such variable.
fn sub_of_literals(template: &str, vars: &[(String, Expr)]) -> Option<String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}')?;
        let name = &after[..end];
        match name.strip_prefix('!') {
            Some(escaped) => {
                out.push_str("${");
                out.push_str(escaped);
                out.push('}');
            }
            None => out.push_str(&vars.iter().find(|(k, _)| k == name)?.1.literal_value()?),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// The `${...}` placeholders of a `Fn::Sub` template, without `${!Literal}` escapes.
pub fn sub_placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = &after[..end];
        if !name.starts_with('!') {
            names.push(name);
        }
        rest = &after[end + 1..];
    }
    names
}

struct Single<'a, T: Serialize + ?Sized>(&'a str, &'a T);

impl<T: Serialize + ?Sized> Serialize for Single<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry(self.0, self.1)?;
        map.end()
    }
}

struct Vars<'a>(&'a [(String, Expr)]);

impl Serialize for Vars<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

struct SubArgs<'a>(&'a str, &'a [(String, Expr)]);

impl Serialize for SubArgs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(2))?;
        seq.serialize_element(self.0)?;
        seq.serialize_element(&Vars(self.1))?;
        seq.end()
    }
}

struct JoinArgs<'a>(&'a str, &'a [Expr]);

impl Serialize for JoinArgs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(2))?;
        seq.serialize_element(self.0)?;
        match self.1 {
            [list] if list.is_list() => seq.serialize_element(list)?,
            values => seq.serialize_element(values)?,
        }
        seq.end()
    }
}

/// `[first, second]`, the arguments of `Fn::Split` and `Fn::Select`.
struct Pair<'a, A: Serialize + ?Sized, B: Serialize + ?Sized>(&'a A, &'a B);

impl<A: Serialize + ?Sized, B: Serialize + ?Sized> Serialize for Pair<'_, A, B> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(2))?;
        seq.serialize_element(self.0)?;
        seq.serialize_element(self.1)?;
        seq.end()
    }
}

impl Serialize for Expr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Literal(v) => s.serialize_str(v),
            Self::Ref(name) => Single("Ref", name).serialize(s),
            Self::GetAtt(id, attr) => Single("Fn::GetAtt", &[id, attr]).serialize(s),
            Self::Sub(t) => Single("Fn::Sub", t).serialize(s),
            Self::SubWith(t, vars) => Single("Fn::Sub", &SubArgs(t, vars)).serialize(s),
            Self::ImportValue(e) => Single("Fn::ImportValue", e.as_ref()).serialize(s),
            Self::Join(delimiter, parts) => {
                Single("Fn::Join", &JoinArgs(delimiter, parts)).serialize(s)
            }
            Self::Split(delimiter, e) => {
                Single("Fn::Split", &Pair(delimiter.as_str(), e.as_ref())).serialize(s)
            }
            Self::Select(index, list) => {
                Single("Fn::Select", &Pair(index, list.as_ref())).serialize(s)
            }
            Self::GetAZs(region) => Single("Fn::GetAZs", region.as_ref()).serialize(s),
            Self::Base64(e) => Single("Fn::Base64", e.as_ref()).serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_placeholders_skip_escapes_and_find_attributes() {
        assert_eq!(
            sub_placeholders("arn:${AWS::Partition}:x:${Log.Arn}/${!Literal}"),
            vec!["AWS::Partition", "Log.Arn"]
        );
    }

    #[test]
    fn intrinsics_serialize_to_long_form() {
        let e = Expr::SubWith(
            "${Repo}:${Tag}".into(),
            vec![("Repo".into(), Expr::import("x-RepositoryUri"))],
        );
        assert_eq!(
            serde_json::to_string(&e).expect("serializes"),
            r#"{"Fn::Sub":["${Repo}:${Tag}",{"Repo":{"Fn::ImportValue":"x-RepositoryUri"}}]}"#
        );
    }
}
