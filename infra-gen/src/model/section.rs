//! What a resource shows on its stack's review page: each kind writes its own [`Section`]
//! (`Kind::review`), from its typed properties, in a reviewer's words. The render layer lays
//! sections out as Markdown; kinds say what, never how.

use serde::Serialize;
use serde_json::Value;

use super::{Expr, Resource, Template};

/// One resource's part of the review page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading, in words: "Function `chatrix-prod` (`Function`)".
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A paragraph.
    Text(String),
    /// A heading inside the section.
    Heading(String),
    /// A table: the header row (empty cells for a key/value table without one), then rows.
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// A bulleted list; each item may have sub-items.
    List(Vec<(String, Vec<String>)>),
}

impl Section {
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            blocks: Vec::new(),
        }
    }

    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Text(text.into()));
        self
    }

    pub fn heading(mut self, heading: impl Into<String>) -> Self {
        self.blocks.push(Block::Heading(heading.into()));
        self
    }

    /// A two-column table of settings under `header` (e.g. `["Setting", "Value"]`, or two
    /// empty cells).
    pub fn settings(mut self, header: [&str; 2], rows: Vec<(String, String)>) -> Self {
        self.blocks.push(Block::Table {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: rows.into_iter().map(|(k, v)| vec![k, v]).collect(),
        });
        self
    }

    pub fn table(mut self, header: &[&str], rows: Vec<Vec<String>>) -> Self {
        self.blocks.push(Block::Table {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows,
        });
        self
    }

    pub fn list(mut self, items: Vec<(String, Vec<String>)>) -> Self {
        self.blocks.push(Block::List(items));
        self
    }
}

/// How a kind's review reads expressions back as words. The review page implements it against
/// the stack's template and the app (parameters, exports of other stacks).
pub trait Words {
    /// The stack's template, for kinds that describe how other resources use them.
    fn template(&self) -> &Template;
    /// What an expression evaluates to: "ARN of secret `x`", "parameter `ImageTag` (…)".
    fn value(&self, expr: &Expr) -> String;
    /// What an expression points at, without the attribute: "IAM role `X`".
    fn target(&self, expr: &Expr) -> String;
    /// Each `${…}` of a `Fn::Sub`, with what it stands for.
    fn sub_parts(&self, expr: &Expr) -> Vec<(String, String)>;
    /// A `Metadata` value (metadata holds intrinsics in their JSON form).
    fn metadata(&self, value: &Value) -> String;
    /// What a resource is in a few words: "log group `/aws/lambda/x`".
    fn phrase(&self, resource: &Resource) -> String {
        resource.properties.phrase(&resource.id)
    }
}

/// Markdown code span.
pub fn code(s: &str) -> String {
    // Called for most words of a review page: one exact allocation, no formatting machinery.
    let mut out = String::with_capacity(s.len() + 2);
    out.push('`');
    out.push_str(s);
    out.push('`');
    out
}

/// Markdown code spans of `items`, joined by `separator`.
pub fn codes<'a>(items: impl IntoIterator<Item = &'a str>, separator: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push('`');
        out.push_str(item);
        out.push('`');
    }
    out
}

/// "a", "a and b", "a, b and c".
pub fn words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The name of a JSON-serialized enum (`INFO`, `RESPONSE_STREAM`, …).
pub fn serialized_name(v: impl Serialize) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(e) => e.to_string(),
    }
}

/// The first letter upper-cased, for a phrase that starts a heading.
pub fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// How a resource's KMS encryption reads: `default` when it names no key.
pub fn kms(words: &dyn Words, key: Option<&Expr>, default: &str) -> String {
    match key {
        Some(k) => format!("KMS key {}", words.value(k)),
        None => default.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_words() {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert_eq!(words(&s(&[])), "");
        assert_eq!(words(&s(&["a"])), "a");
        assert_eq!(words(&s(&["a", "b"])), "a and b");
        assert_eq!(words(&s(&["a", "b", "c"])), "a, b and c");
    }
}
