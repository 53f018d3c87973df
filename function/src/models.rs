//! The model map (`models.json`, read by the `model-map` contract): which Anthropic model ids
//! exist, how each reaches Bedrock, and what `/v1/models` says about it.

use serde_json::{Value, json};

pub use model_map::{Date, Model, Upstream};

/// The map shipped in the binary; `MODELS_FILE` may point at another file with the same format.
pub const EMBEDDED_MODELS: &str = include_str!("../models.json");

#[derive(Debug, thiserror::Error)]
pub enum ModelMapError {
    #[error("cannot read model map {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid model map: {0}")]
    Invalid(#[from] model_map::ModelMapError),
}

/// RFC 3339 midnight UTC, as the Models API writes times.
fn rfc3339(date: &Date) -> String {
    format!("{date}T00:00:00Z")
}

/// The Models API's lifecycle stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    Active,
    Deprecated,
    Retired,
}

impl Lifecycle {
    fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Deprecated => "deprecated",
            Self::Retired => "retired",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "active" => Some(Self::Active),
            "deprecated" => Some(Self::Deprecated),
            "retired" => Some(Self::Retired),
            _ => None,
        }
    }
}

/// The model families `ModelInfo.line` names.
const LINES: [&str; 5] = ["haiku", "sonnet", "opus", "fable", "mythos"];

/// A model's lifecycle stage on `today`.
pub fn lifecycle(model: &Model, today: &Date) -> Lifecycle {
    if model.retires.is_some_and(|d| d <= *today) {
        Lifecycle::Retired
    } else if model.deprecated.is_some_and(|d| d <= *today) {
        Lifecycle::Deprecated
    } else {
        Lifecycle::Active
    }
}

/// `ModelInfo` as the Models API declares it. Every key is present (`null` where the map has
/// no value), as the TypeScript SDK's type expects; the dates follow the SDK's rules: none
/// while active, `deprecated_at` and `retires_at` once deprecated or retired.
pub fn info(model: &Model, today: &Date) -> Value {
    let lifecycle = lifecycle(model, today);
    let ended = lifecycle != Lifecycle::Active;
    let when = |d: &Option<Date>| d.as_ref().filter(|_| ended).map(rfc3339);
    // The family is the display name's second word ("Claude Sonnet 5.5"), not a guess from the id.
    let line = model
        .display_name
        .split_whitespace()
        .nth(1)
        .map(str::to_ascii_lowercase)
        .filter(|l| LINES.contains(&l.as_str()));
    json!({
        "type": "model",
        "id": model.id,
        "display_name": model.display_name,
        // The SDK documents the epoch for an unknown release date.
        "created_at": model.released.as_ref().map_or_else(|| "1970-01-01T00:00:00Z".to_owned(), rfc3339),
        "lifecycle": lifecycle.as_str(),
        "deprecated_at": when(&model.deprecated),
        "retires_at": when(&model.retires),
        "line": line,
        "max_input_tokens": model.max_input_tokens,
        "max_tokens": model.max_tokens,
        "capabilities": model.capabilities,
    })
}

/// The map the gateway routes by (the contract's `ModelMap`), with what `/v1/models` and the
/// 404s need.
#[derive(Debug, Clone)]
pub struct ModelMap(model_map::ModelMap);

/// Levenshtein distance over bytes (model names are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

fn shared_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

impl ModelMap {
    pub fn parse(text: &str) -> Result<Self, ModelMapError> {
        Ok(Self(model_map::ModelMap::parse(text)?))
    }

    pub fn models(&self) -> &[Model] {
        self.0.models()
    }

    /// The embedded map, or the file named by `MODELS_FILE`.
    pub fn load(path: Option<&str>) -> Result<Self, ModelMapError> {
        match path {
            None => Self::parse(EMBEDDED_MODELS),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ModelMapError::Read {
                    path: path.to_owned(),
                    source,
                })?;
                Self::parse(&text)
            }
        }
    }

    /// Finds a model by id or alias (exact match, as the Anthropic API does).
    pub fn find(&self, name: &str) -> Option<&Model> {
        self.0.find(name)
    }

    /// Up to three names (ids or aliases, one per model) closest to `name`: fewest edits first,
    /// then the longest shared prefix, so `claude-opus-5-6` suggests `claude-opus-5-5`.
    pub fn closest(&self, name: &str) -> Vec<&str> {
        let mut ranked: Vec<(usize, std::cmp::Reverse<usize>, &str)> = self
            .models()
            .iter()
            .filter_map(|m| {
                m.names()
                    .map(|n| {
                        (
                            edit_distance(name, n),
                            std::cmp::Reverse(shared_prefix(name, n)),
                            n,
                        )
                    })
                    .min()
            })
            .collect();
        ranked.sort();
        ranked.into_iter().take(3).map(|(_, _, n)| n).collect()
    }

    /// `GET /v1/models` in Anthropic's list format, honouring `limit`, `after_id`, `before_id`
    /// and `lifecycle` (repeatable, also as `lifecycle[]`; default: active and deprecated).
    pub fn list(&self, query: Option<&str>, today: &Date) -> Value {
        let mut limit = 20usize;
        let mut after = None;
        let mut before = None;
        let mut stages = Vec::new();
        for pair in query.unwrap_or_default().split('&') {
            let Some((key, value)) = pair.split_once('=') else {
                continue;
            };
            match key {
                "limit" => limit = value.parse().unwrap_or(20).clamp(1, 1000),
                "after_id" => after = Some(value),
                "before_id" => before = Some(value),
                "lifecycle" | "lifecycle[]" | "lifecycle%5B%5D" => {
                    stages.extend(value.split(',').filter_map(Lifecycle::parse));
                }
                _ => {}
            }
        }
        if stages.is_empty() {
            stages = vec![Lifecycle::Active, Lifecycle::Deprecated];
        }
        let all: Vec<&Model> = self
            .models()
            .iter()
            .filter(|m| stages.contains(&lifecycle(m, today)))
            .collect();
        let start = after
            .and_then(|a| all.iter().position(|m| m.id == a))
            .map_or(0, |i| i + 1);
        let end = before
            .and_then(|b| all.iter().position(|m| m.id == b))
            .unwrap_or(all.len());
        let window = all.get(start..end.max(start)).unwrap_or_default();
        let (page, has_more) = if before.is_some() && after.is_none() {
            // Paging backwards: the page is the last `limit` models before `before_id`.
            let skip = window.len().saturating_sub(limit);
            (&window[skip..], skip > 0)
        } else {
            (&window[..window.len().min(limit)], window.len() > limit)
        };
        json!({
            "data": page.iter().map(|m| info(m, today)).collect::<Vec<_>>(),
            "has_more": has_more,
            "first_id": page.first().map(|m| m.id.as_str()),
            "last_id": page.last().map(|m| m.id.as_str()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> ModelMap {
        ModelMap::load(None).expect("embedded map parses")
    }

    fn date(text: &str) -> Date {
        Date::parse(text).expect("date")
    }

    const TWO: &str = r#"{"models":[
        {"id":"claude-a-1","aliases":["a"],"display_name":"Claude Opus A","upstream":"messages","inference_profile":"global.x","foundation_model":"x","routes_to":"global","price":{"unknown":"test"},
         "released":"2026-01-02","deprecated":"2026-06-01","retires":"2026-12-01","max_input_tokens":1000,"max_tokens":10,
         "capabilities":{"batch":{"supported":false}}},
        {"id":"nova","display_name":"Amazon Nova","upstream":"converse","inference_profile":"us.y","foundation_model":"y","routes_to":["us-east-1"],"price":{"unknown":"test"}}]}"#;

    #[test]
    fn every_name_in_the_embedded_map_resolves_to_its_model() {
        let m = map();
        for model in m.models() {
            for name in model.names() {
                assert_eq!(m.find(name).map(|f| f.id.as_str()), Some(model.id.as_str()));
            }
        }
        assert!(m.find("gpt-4").is_none());
        assert_eq!(
            m.find("amazon-nova-pro").expect("nova").upstream,
            Upstream::Converse
        );
    }

    #[test]
    fn duplicate_names_and_bad_dates_are_rejected() {
        let dup = TWO.replace(r#""id":"nova""#, r#""id":"a""#);
        assert!(matches!(
            ModelMap::parse(&dup),
            Err(ModelMapError::Invalid(model_map::ModelMapError::Invalid(_)))
        ));
        let bad_date = TWO.replace("2026-01-02", "2026-13-02");
        let err = ModelMap::parse(&bad_date).expect_err("bad date");
        assert!(err.to_string().contains("YYYY-MM-DD"), "{err}");
        let old_format = TWO.replace(r#""upstream":"converse""#, r#""api":"converse""#);
        assert!(
            ModelMap::parse(&old_format).is_err(),
            "upstream is required"
        );
    }

    #[test]
    fn lifecycle_and_its_dates_follow_the_calendar() {
        let m = ModelMap::parse(TWO).expect("parses");
        let a = &m.models()[0];
        let active = info(a, &date("2026-05-31"));
        assert_eq!(active["lifecycle"], "active");
        assert_eq!(active["deprecated_at"], Value::Null);
        assert_eq!(active["retires_at"], Value::Null);
        assert_eq!(active["created_at"], "2026-01-02T00:00:00Z");
        assert_eq!(active["line"], "opus");
        assert_eq!(active["max_input_tokens"], 1000);
        assert_eq!(active["capabilities"]["batch"]["supported"], false);
        let deprecated = info(a, &date("2026-06-01"));
        assert_eq!(deprecated["lifecycle"], "deprecated");
        assert_eq!(deprecated["deprecated_at"], "2026-06-01T00:00:00Z");
        assert_eq!(deprecated["retires_at"], "2026-12-01T00:00:00Z");
        assert_eq!(info(a, &date("2026-12-01"))["lifecycle"], "retired");
        let nova = info(&m.models()[1], &date("2026-06-01"));
        assert_eq!(nova["created_at"], "1970-01-01T00:00:00Z");
        assert_eq!(nova["line"], Value::Null);
        for key in ["max_tokens", "capabilities", "deprecated_at", "retires_at"] {
            assert!(
                nova.get(key).is_some_and(Value::is_null),
                "{key} present as null"
            );
        }
    }

    #[test]
    fn list_filters_by_lifecycle_like_the_models_api() {
        let m = ModelMap::parse(TWO).expect("parses");
        let ids = |v: Value| -> Vec<String> {
            v["data"]
                .as_array()
                .expect("data")
                .iter()
                .map(|m| m["id"].as_str().unwrap_or_default().to_owned())
                .collect()
        };
        let after_end = date("2027-01-01");
        assert_eq!(
            ids(m.list(None, &after_end)),
            ["nova"],
            "retired hidden by default"
        );
        assert_eq!(
            ids(m.list(Some("lifecycle%5B%5D=retired"), &after_end)),
            ["claude-a-1"]
        );
        assert_eq!(
            ids(m.list(Some("lifecycle[]=active&lifecycle[]=retired"), &after_end)),
            ["claude-a-1", "nova"]
        );
    }

    #[test]
    fn list_is_paginated_like_anthropic() {
        let m = map();
        let today = date("2026-12-02");
        let all = m.list(Some("limit=1000"), &today);
        let n = all["data"].as_array().map_or(0, Vec::len);
        assert!(n >= 3, "the embedded map lists models");
        assert_eq!(all["has_more"], false);
        let first = m.list(Some("limit=1"), &today);
        assert_eq!(first["has_more"], true);
        let next = m.list(
            Some(&format!(
                "limit=1&after_id={}",
                first["last_id"].as_str().unwrap_or("")
            )),
            &today,
        );
        assert_eq!(next["first_id"], all["data"][1]["id"]);
        let back = m.list(
            Some(&format!(
                "limit=1&before_id={}",
                all["data"][2]["id"].as_str().unwrap_or("")
            )),
            &today,
        );
        assert_eq!(back["first_id"], all["data"][1]["id"]);
        assert_eq!(back["has_more"], true);
    }

    #[test]
    fn closest_names_rank_by_edits_then_shared_prefix() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        let m = map();
        assert_eq!(
            m.closest("claude-opus-5-6").first(),
            Some(&"claude-opus-5-5")
        );
        assert_eq!(
            m.closest("claude-sonet-4-6").first(),
            Some(&"claude-sonnet-4-6")
        );
        assert_eq!(m.closest("x").len(), 3);
    }
}
