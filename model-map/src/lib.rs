//! The typed contract of `function/models.json`: which models the gateway serves, how each
//! reaches Bedrock, its lifecycle dates and its price. The function routes by it and infra-gen
//! grants by it, both through [`ModelMap::parse`], so the two cannot read the file differently.
//!
//! Only serde and serde_json: infra-gen's edit → check loop must not compile an AWS crate.

mod date;
mod price;

use std::fmt;

use serde::Deserialize;
use serde_json::{Map, Value};

pub use date::Date;
pub use price::{MicroUsd, PerMtok, Pricing, Rates, Source, TokenUsage};

/// Why a model map was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelMapError {
    /// Not JSON, or not this shape (serde's message names the field and line).
    Parse(String),
    /// Well-formed, but an entry breaks a rule of the map.
    Invalid(String),
}

impl fmt::Display for ModelMapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Parse(m) | Self::Invalid(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ModelMapError {}

/// Which Bedrock Runtime API serves a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Upstream {
    /// Bedrock's native Messages endpoint, `POST /anthropic/v1/messages` (SigV4): Anthropic body
    /// and SSE.
    Messages,
    /// InvokeModel / InvokeModelWithResponseStream with the Anthropic body in Bedrock's envelope.
    Invoke,
    /// Converse / ConverseStream, with request and event translation (models that are not Claude).
    Converse,
}

/// Where a model's inference profile routes requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Routes {
    /// `"global"`: a global inference profile, routed to any commercial region.
    Global,
    /// The regions a geographic inference profile (or a direct call) routes to.
    Regions(Vec<String>),
}

impl<'de> Deserialize<'de> for Routes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Json {
            One(String),
            Many(Vec<String>),
        }
        match Json::deserialize(d)? {
            Json::One(g) if g == "global" => Ok(Self::Global),
            Json::One(g) => Err(D::Error::custom(format!(
                "routes_to must be \"global\" or a list of regions, not {g:?}"
            ))),
            Json::Many(r) if r.is_empty() => Err(D::Error::custom("routes_to lists no region")),
            Json::Many(r) => Ok(Self::Regions(r)),
        }
    }
}

/// One entry of the map.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// The id clients send and see.
    pub id: String,
    /// Other names clients may send for it.
    #[serde(default)]
    pub aliases: Vec<String>,
    pub display_name: String,
    pub upstream: Upstream,
    /// The inference profile the gateway calls; without one, the foundation model is called
    /// directly in the stack's region.
    pub inference_profile: Option<String>,
    /// The foundation model (CountTokens takes only these).
    pub foundation_model: String,
    pub routes_to: Routes,
    /// Release date (`created_at` in `/v1/models`).
    pub released: Option<Date>,
    /// From this day the model is `deprecated` in `/v1/models`.
    pub deprecated: Option<Date>,
    /// From this day the model is `retired` (Bedrock's end of life).
    pub retires: Option<Date>,
    pub max_input_tokens: Option<u64>,
    pub max_tokens: Option<u64>,
    /// Passed as they are into `/v1/models` (`ModelCapabilities`).
    pub capabilities: Option<Map<String, Value>>,
    /// USD per million tokens with its source, or why it is unknown.
    pub price: Pricing,
}

impl Model {
    /// The id and the aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// The Bedrock model id the gateway calls: the inference profile, else the foundation model.
    pub fn invoke_id(&self) -> &str {
        self.inference_profile
            .as_deref()
            .unwrap_or(&self.foundation_model)
    }
}

/// Whether a geographic inference profile (`us.…`, `eu.…`, `apac.…`) serves `region`, judged by
/// its ID's prefix alone, so a `routes_to` list that claims otherwise is refused.
pub fn geography_serves(profile: &str, region: &str) -> bool {
    let Some((prefix, _)) = profile.split_once('.') else {
        return false;
    };
    match prefix {
        "us" => region.starts_with("us-") && !region.starts_with("us-gov-"),
        "us-gov" => region.starts_with("us-gov-"),
        "eu" => region.starts_with("eu-"),
        "apac" => region.starts_with("ap-"),
        "jp" => matches!(region, "ap-northeast-1" | "ap-northeast-3"),
        "au" => matches!(region, "ap-southeast-2" | "ap-southeast-4"),
        "ca" => region.starts_with("ca-"),
        _ => false,
    }
}

/// The whole map, valid by construction: at least one model, every name (id or alias) once,
/// routes that match the inference profile.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelMap {
    models: Vec<Model>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    models: Vec<Model>,
}

impl ModelMap {
    pub fn parse(text: &str) -> Result<Self, ModelMapError> {
        let file: File =
            serde_json::from_str(text).map_err(|e| ModelMapError::Parse(e.to_string()))?;
        let invalid = |m: &Model, what: String| {
            Err(ModelMapError::Invalid(format!("model {}: {what}", m.id)))
        };
        if file.models.is_empty() {
            return Err(ModelMapError::Invalid(
                "no models: add at least one entry".into(),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for m in &file.models {
            if m.id.is_empty() {
                return Err(ModelMapError::Invalid("a model has an empty id".into()));
            }
            for name in m.names() {
                if !seen.insert(name) {
                    return invalid(m, format!("the name {name:?} is listed twice"));
                }
            }
            let global_profile = m
                .inference_profile
                .as_deref()
                .is_some_and(|p| p.starts_with("global."));
            if global_profile != (m.routes_to == Routes::Global) {
                return invalid(
                    m,
                    "a global. inference profile routes to \"global\" and a geographic one to a list of regions".into(),
                );
            }
            if let (Some(profile), Routes::Regions(regions)) = (&m.inference_profile, &m.routes_to)
                && let Some(outside) = regions.iter().find(|r| !geography_serves(profile, r))
            {
                return invalid(
                    m,
                    format!(
                        "inference profile {profile} cannot route to {outside}: its prefix (us., eu., apac., jp., au., ca., us-gov.) names the geography it serves; list only that geography's regions"
                    ),
                );
            }
        }
        Ok(Self {
            models: file.models,
        })
    }

    pub fn models(&self) -> &[Model] {
        &self.models
    }

    /// The model with this id or alias (exact match, as the Anthropic API does).
    pub fn find(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.names().any(|n| n == name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRICE: &str = r#"{"usd_per_mtok": {"input": "4", "output": "20", "cache_write_5m": "5", "cache_write_1h": "8", "cache_read": "0.20"}, "source": {"url": "https://example.com", "read": "2026-12-06"}}"#;

    fn entry(id: &str, profile: Option<&str>, routes: &str) -> String {
        let profile = profile.map_or(String::new(), |p| format!(r#""inference_profile": "{p}","#));
        format!(
            r#"{{"id": "{id}", "display_name": "Claude X", "upstream": "invoke", {profile} "foundation_model": "fm", "routes_to": {routes}, "price": {PRICE}}}"#
        )
    }

    fn map(entries: &[String]) -> Result<ModelMap, ModelMapError> {
        ModelMap::parse(&format!(r#"{{"models": [{}]}}"#, entries.join(",")))
    }

    #[test]
    fn the_shipped_map_parses_and_every_name_finds_its_model() {
        let text = include_str!("../../function/models.json");
        let m = ModelMap::parse(text).expect("function/models.json is valid");
        for model in m.models() {
            for name in model.names() {
                assert_eq!(m.find(name).map(|f| &f.id), Some(&model.id));
            }
        }
    }

    #[test]
    fn routes_must_match_the_profile_whatever_the_geography() {
        // Generated: every prefix against regions inside and outside its geography.
        let regions = [
            "us-east-1",
            "us-west-2",
            "us-gov-west-1",
            "eu-central-1",
            "ap-northeast-1",
            "ap-southeast-2",
            "ap-south-1",
            "ca-central-1",
        ];
        for prefix in ["us", "us-gov", "eu", "apac", "jp", "au", "ca", "xx"] {
            for region in regions {
                let profile = format!("{prefix}.anthropic.x");
                let result = map(&[entry("m", Some(&profile), &format!(r#"["{region}"]"#))]);
                assert_eq!(
                    result.is_ok(),
                    geography_serves(&profile, region),
                    "{profile} → {region}: {result:?}"
                );
                if let Err(e) = result {
                    assert!(e.to_string().contains(region), "{e}");
                }
            }
        }
        assert!(map(&[entry("g", Some("global.x"), r#""global""#)]).is_ok());
        assert!(map(&[entry("g", Some("global.x"), r#"["us-east-1"]"#)]).is_err());
        assert!(map(&[entry("g", Some("us.x"), r#""global""#)]).is_err());
        assert!(
            map(&[entry("d", None, r#"["eu-west-1"]"#)]).is_ok(),
            "direct call"
        );
        assert!(map(&[entry("g", Some("global.x"), r#""everywhere""#)]).is_err());
        assert!(map(&[entry("g", Some("us.x"), "[]")]).is_err());
    }

    #[test]
    fn names_are_unique_across_ids_and_aliases() {
        let a = entry("a", None, r#"["us-east-1"]"#);
        assert!(map(&[a.clone(), entry("b", None, r#"["us-east-1"]"#)]).is_ok());
        let err = map(&[a.clone(), a.clone()]).expect_err("twice");
        assert!(err.to_string().contains("twice"), "{err}");
        let alias = a.replace(r#""id": "a","#, r#""id": "c", "aliases": ["a"],"#);
        assert!(map(&[a, alias]).is_err());
        assert!(ModelMap::parse(r#"{"models": []}"#).is_err());
    }

    #[test]
    fn every_field_is_typed_and_none_is_unknown() {
        let good = entry("a", None, r#"["us-east-1"]"#);
        for (from, to) in [
            (r#""upstream": "invoke""#, r#""upstream": "openai""#),
            (r#""upstream": "invoke","#, ""),
            (r#""display_name": "Claude X","#, ""),
            (r#""id": "a","#, r#""id": "a", "retires": "2027-02-30","#),
            (r#""id": "a","#, r#""id": "a", "api": "converse","#),
            (r#""id": "a","#, r#""id": "a", "max_tokens": -1,"#),
            (r#""id": "a","#, r#""id": "",  "#),
        ] {
            let bad = good.replacen(from, to, 1);
            assert_ne!(bad, good, "{from}");
            assert!(map(std::slice::from_ref(&bad)).is_err(), "{bad}");
        }
        let dated = good.replacen(r#""id": "a","#, r#""id": "a", "retires": "2027-01-22","#, 1);
        let m = map(&[dated]).expect("valid");
        assert_eq!(m.models()[0].retires, Date::parse("2027-01-22"));
        assert_eq!(m.models()[0].invoke_id(), "fm");
    }
}
