//! The model map (`models.json`): which Anthropic model ids exist, how each reaches Bedrock, and
//! what `/v1/models` says about it.

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value, json};

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
    Parse(#[from] serde_json::Error),
    #[error("invalid model map: {0}")]
    Invalid(String),
}

/// Which Bedrock API serves a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Upstream {
    /// Bedrock's native Messages endpoint, `POST /anthropic/v1/messages`: Anthropic body and SSE.
    Messages,
    /// InvokeModel / InvokeModelWithResponseStream with the Anthropic body in Bedrock's envelope.
    Invoke,
    /// Converse / ConverseStream with request and event translation.
    Converse,
}

/// A `YYYY-MM-DD` date; as text it sorts like the date it names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(String);

impl Date {
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        let shape_ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && digits(0..4)
            && digits(5..7)
            && digits(8..10);
        if !shape_ok {
            return None;
        }
        let number = |r: std::ops::Range<usize>| text.get(r).and_then(|n| n.parse::<u32>().ok());
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        // The same days infra-gen's retirement warning accepts: `2027-02-30` is no date.
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days_in_month)
            .contains(&day)
            .then(|| Self(text.to_owned()))
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Self {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self::from_days(i64::try_from(secs / 86_400).unwrap_or(0))
    }

    /// The civil date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    fn from_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Self(format!("{year:04}-{month:02}-{day:02}"))
    }

    /// RFC 3339 midnight UTC, as the Models API writes times.
    fn rfc3339(&self) -> String {
        format!("{}T00:00:00Z", self.0)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not a YYYY-MM-DD date")))
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Model {
    pub id: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub display_name: String,
    pub upstream: Upstream,
    /// The Bedrock model the gateway calls (usually a cross-region inference profile).
    pub inference_profile: String,
    /// CountTokens only accepts foundation model ids.
    pub foundation_model: String,
    /// Release date (`created_at` in `/v1/models`).
    pub released: Option<Date>,
    /// From this date the model is `deprecated` in `/v1/models`.
    pub deprecated: Option<Date>,
    /// From this date the model is `retired` (Bedrock's end of life).
    pub retires: Option<Date>,
    pub max_input_tokens: Option<u64>,
    pub max_tokens: Option<u64>,
    /// Passed as they are into `/v1/models` (`ModelCapabilities`).
    pub capabilities: Option<Map<String, Value>>,
    /// Prices per million tokens (micro-USD), for cost attribution and spend limits; a model
    /// without one cannot be used by a key under a spend limit.
    #[serde(default)]
    pub price: Option<crate::limits::pricing::Price>,
    // `routes_to` is only read by the stacks (IAM); unknown fields are ignored on purpose.
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

impl Model {
    fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    pub fn lifecycle(&self, today: &Date) -> Lifecycle {
        if self.retires.as_ref().is_some_and(|d| d <= today) {
            Lifecycle::Retired
        } else if self.deprecated.as_ref().is_some_and(|d| d <= today) {
            Lifecycle::Deprecated
        } else {
            Lifecycle::Active
        }
    }

    /// `ModelInfo` as the Models API declares it. Every key is present (`null` where the map has
    /// no value), as the TypeScript SDK's type expects; the dates follow the SDK's rules: none
    /// while active, `deprecated_at` and `retires_at` once deprecated or retired.
    pub fn info(&self, today: &Date) -> Value {
        let lifecycle = self.lifecycle(today);
        let ended = lifecycle != Lifecycle::Active;
        let when = |d: &Option<Date>| d.as_ref().filter(|_| ended).map(Date::rfc3339);
        // The family is the display name's second word ("Claude Sonnet 5.5"), not a guess from the id.
        let line = self
            .display_name
            .split_whitespace()
            .nth(1)
            .map(str::to_ascii_lowercase)
            .filter(|l| LINES.contains(&l.as_str()));
        json!({
            "type": "model",
            "id": self.id,
            "display_name": self.display_name,
            // The SDK documents the epoch for an unknown release date.
            "created_at": self.released.as_ref().map_or_else(|| "1970-01-01T00:00:00Z".to_owned(), Date::rfc3339),
            "lifecycle": lifecycle.as_str(),
            "deprecated_at": when(&self.deprecated),
            "retires_at": when(&self.retires),
            "line": line,
            "max_input_tokens": self.max_input_tokens,
            "max_tokens": self.max_tokens,
            "capabilities": self.capabilities,
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct ModelMap {
    pub models: Vec<Model>,
}

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
        let map: ModelMap = serde_json::from_str(text)?;
        if map.models.is_empty() {
            return Err(ModelMapError::Invalid("no models".into()));
        }
        let mut seen = std::collections::HashSet::new();
        for name in map.models.iter().flat_map(Model::names) {
            if !seen.insert(name) {
                return Err(ModelMapError::Invalid(format!(
                    "model name {name:?} is listed twice"
                )));
            }
        }
        Ok(map)
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
        self.models.iter().find(|m| m.names().any(|n| n == name))
    }

    /// Up to three names (ids or aliases, one per model) closest to `name`: fewest edits first,
    /// then the longest shared prefix, so `claude-opus-5-6` suggests `claude-opus-5-5`.
    pub fn closest(&self, name: &str) -> Vec<&str> {
        let mut ranked: Vec<(usize, std::cmp::Reverse<usize>, &str)> = self
            .models
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
            .models
            .iter()
            .filter(|m| stages.contains(&m.lifecycle(today)))
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
            "data": page.iter().map(|m| m.info(today)).collect::<Vec<_>>(),
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
        {"id":"claude-a-1","aliases":["a"],"display_name":"Claude Opus A","upstream":"messages","inference_profile":"global.x","foundation_model":"x","routes_to":"global",
         "released":"2026-01-02","deprecated":"2026-06-01","retires":"2026-12-01","max_input_tokens":1000,"max_tokens":10,
         "capabilities":{"batch":{"supported":false}}},
        {"id":"nova","display_name":"Amazon Nova","upstream":"converse","inference_profile":"us.y","foundation_model":"y","routes_to":["us-east-1"]}]}"#;

    #[test]
    fn every_name_in_the_embedded_map_resolves_to_its_model() {
        let m = map();
        for model in &m.models {
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
            Err(ModelMapError::Invalid(_))
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
        let a = &m.models[0];
        let active = a.info(&date("2026-05-31"));
        assert_eq!(active["lifecycle"], "active");
        assert_eq!(active["deprecated_at"], Value::Null);
        assert_eq!(active["retires_at"], Value::Null);
        assert_eq!(active["created_at"], "2026-01-02T00:00:00Z");
        assert_eq!(active["line"], "opus");
        assert_eq!(active["max_input_tokens"], 1000);
        assert_eq!(active["capabilities"]["batch"]["supported"], false);
        let deprecated = a.info(&date("2026-06-01"));
        assert_eq!(deprecated["lifecycle"], "deprecated");
        assert_eq!(deprecated["deprecated_at"], "2026-06-01T00:00:00Z");
        assert_eq!(deprecated["retires_at"], "2026-12-01T00:00:00Z");
        assert_eq!(a.info(&date("2026-12-01"))["lifecycle"], "retired");
        let nova = m.models[1].info(&date("2026-06-01"));
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

    #[test]
    fn dates_come_from_the_calendar() {
        assert_eq!(Date::from_days(0), date("1970-01-01"));
        assert_eq!(Date::from_days(20_789), date("2026-12-02"));
        assert_eq!(Date::from_days(11_016), date("2000-02-29"));
        assert!(Date::parse("2026-2-1").is_none());
        assert!(Date::parse("2027-02-30").is_none());
        assert!(Date::parse("2027-02-29").is_none());
        assert!(Date::parse("2028-02-29").is_some());
    }
}
