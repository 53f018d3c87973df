//! Secret patterns from gitleaks' maintained default ruleset (`rules/gitleaks.toml`, vendored
//! with its version and licence in `rules/README.md`), matched like gitleaks does: a rule's
//! regex runs only when the text contains one of its keywords, so rules compile lazily.

use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

const RULESET: &str = include_str!("../../rules/gitleaks.toml");

#[derive(Deserialize)]
struct File {
    rules: Vec<RawRule>,
}

#[derive(Deserialize)]
struct RawRule {
    id: String,
    regex: Option<String>,
    #[serde(default)]
    keywords: Vec<String>,
}

struct Rule {
    id: String,
    keywords: Vec<String>,
    source: String,
    regex: OnceLock<Option<Regex>>,
}

/// Rules whose only signal is a secret-like name next to a random value; `secret_name` and the
/// entropy check in `env.rs` cover that without gitleaks' per-rule allowlists.
const SKIPPED: [&str; 1] = ["generic-api-key"];

fn rules() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        // The ruleset is embedded, not user input; `the_vendored_ruleset_parses_and_compiles`
        // pins it, so a bad copy fails the tests rather than silently disabling the lint.
        #[expect(clippy::expect_used, reason = "embedded file, checked by a test")]
        let file: File = toml::from_str(RULESET).expect("rules/gitleaks.toml parses");
        file.rules
            .into_iter()
            .filter(|r| !SKIPPED.contains(&r.id.as_str()))
            .filter_map(|r| {
                Some(Rule {
                    source: r.regex?,
                    keywords: r.keywords.iter().map(|k| k.to_ascii_lowercase()).collect(),
                    id: r.id,
                    regex: OnceLock::new(),
                })
            })
            .collect()
    })
}

impl Rule {
    fn matches(&self, text: &str, lower: &str) -> bool {
        if !self.keywords.is_empty() && !self.keywords.iter().any(|k| lower.contains(k)) {
            return false;
        }
        self.regex
            .get_or_init(|| compile(&self.source))
            .as_ref()
            .is_some_and(|r| r.is_match(text))
    }
}

/// Unicode `\\w{50,1000}` exceeds the regex crate's default size limit; allow what the ruleset
/// needs rather than drop the rule.
fn compile(source: &str) -> Option<Regex> {
    regex::RegexBuilder::new(source)
        .size_limit(64 << 20)
        .build()
        .ok()
}

/// The id of the first gitleaks rule matching `text`.
pub(super) fn matching_rule(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    rules()
        .iter()
        .find(|r| r.matches(text, &lower))
        .map(|r| r.id.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vendored_ruleset_parses_and_compiles() {
        let rules = rules();
        assert!(rules.len() > 200, "{} rules", rules.len());
        let broken: Vec<&str> = rules
            .iter()
            .filter(|r| compile(&r.source).is_none())
            .map(|r| r.id.as_str())
            .collect();
        assert!(
            broken.is_empty(),
            "rules the regex crate cannot compile: {broken:?}"
        );
    }
}
