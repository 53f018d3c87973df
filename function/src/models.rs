//! The model map (`models.json`): which Anthropic model ids exist and how each reaches Bedrock.

use serde::Deserialize;
use serde_json::{Value, json};

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

/// Which Bedrock API family serves a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Api {
    /// InvokeModel / InvokeModelWithResponseStream with the native Anthropic body.
    Anthropic,
    /// Converse / ConverseStream with request and event translation.
    Converse,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Model {
    pub id: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub display_name: String,
    pub api: Api,
    /// The Bedrock modelId the gateway invokes (usually a cross-region inference profile).
    pub inference_profile: String,
    /// CountTokens only accepts foundation model ids.
    pub foundation_model: String,
    // `routes_to` is only read by the stacks (IAM); unknown fields are ignored on purpose.
}

impl Model {
    /// Anthropic's `/v1/models` needs `created_at`; the map has none, so take the date in the id.
    fn created_at(&self) -> String {
        let bytes = self.id.as_bytes();
        bytes
            .windows(8)
            .position(|w| w.iter().all(u8::is_ascii_digit) && (w[0] == b'1' || w[0] == b'2'))
            .map(|i| {
                let d = &self.id[i..i + 8];
                format!("{}-{}-{}T00:00:00Z", &d[0..4], &d[4..6], &d[6..8])
            })
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
    }

    pub fn info(&self) -> Value {
        json!({
            "type": "model",
            "id": self.id,
            "display_name": self.display_name,
            "created_at": self.created_at(),
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct ModelMap {
    pub models: Vec<Model>,
}

impl ModelMap {
    pub fn parse(text: &str) -> Result<Self, ModelMapError> {
        let map: ModelMap = serde_json::from_str(text)?;
        if map.models.is_empty() {
            return Err(ModelMapError::Invalid("no models".into()));
        }
        let mut seen = std::collections::HashSet::new();
        for name in map
            .models
            .iter()
            .flat_map(|m| std::iter::once(&m.id).chain(&m.aliases))
        {
            if !seen.insert(name.as_str()) {
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
        self.models
            .iter()
            .find(|m| m.id == name || m.aliases.iter().any(|a| a == name))
    }

    pub fn ids(&self) -> Vec<&str> {
        self.models.iter().map(|m| m.id.as_str()).collect()
    }

    /// `GET /v1/models` in Anthropic's list format, honouring `limit`, `after_id` and `before_id`.
    pub fn list(&self, query: Option<&str>) -> Value {
        let mut limit = 20usize;
        let mut after = None;
        let mut before = None;
        for pair in query.unwrap_or_default().split('&') {
            match pair.split_once('=') {
                Some(("limit", v)) => limit = v.parse().unwrap_or(20).clamp(1, 1000),
                Some(("after_id", v)) => after = Some(v),
                Some(("before_id", v)) => before = Some(v),
                _ => {}
            }
        }
        let all = &self.models;
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
            "data": page.iter().map(Model::info).collect::<Vec<_>>(),
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

    #[test]
    fn embedded_map_resolves_ids_and_aliases() {
        let m = map();
        let by_alias = m.find("claude-sonnet-4-5").expect("alias");
        assert_eq!(by_alias.id, "claude-sonnet-4-5-20250929");
        assert_eq!(by_alias.api, Api::Anthropic);
        assert!(m.find("claude-sonnet-4-5-20250929").is_some());
        assert!(m.find("gpt-4").is_none());
        assert_eq!(m.find("amazon-nova-pro").expect("nova").api, Api::Converse);
    }

    #[test]
    fn duplicate_names_are_rejected() {
        let text = r#"{"models":[
            {"id":"a","aliases":["b"],"display_name":"A","api":"anthropic","inference_profile":"x","foundation_model":"x","routes_to":"global"},
            {"id":"b","display_name":"B","api":"converse","inference_profile":"y","foundation_model":"y","routes_to":["us-east-1"]}]}"#;
        assert!(matches!(
            ModelMap::parse(text),
            Err(ModelMapError::Invalid(_))
        ));
    }

    #[test]
    fn list_is_paginated_like_anthropic() {
        let m = map();
        let all = m.list(None);
        assert_eq!(all["data"].as_array().map(Vec::len), Some(m.models.len()));
        assert_eq!(all["has_more"], false);
        assert_eq!(all["data"][0]["created_at"], "2025-11-01T00:00:00Z");
        let first = m.list(Some("limit=1"));
        assert_eq!(first["has_more"], true);
        let next = m.list(Some(&format!(
            "limit=1&after_id={}",
            first["last_id"].as_str().unwrap_or("")
        )));
        assert_eq!(next["first_id"], m.models[1].id.as_str());
        let back = m.list(Some(&format!("limit=1&before_id={}", m.models[2].id)));
        assert_eq!(back["first_id"], m.models[1].id.as_str());
        assert_eq!(back["has_more"], true);
    }

    #[test]
    fn created_at_falls_back_when_id_has_no_date() {
        let nova = map().find("amazon-nova-pro").cloned().expect("nova");
        assert_eq!(nova.info()["created_at"], "1970-01-01T00:00:00Z");
    }
}
