//! The Bedrock model map (`models.json`) and the IAM grants it implies.
//!
//! The map is configuration shared with the function: the function routes requests by it,
//! and the stack grants exactly the models in it, so removing a model removes its grant.

use serde::Deserialize;

use crate::Error;
use crate::model::Expr;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
enum Routes {
    /// `"global"`: a global inference profile, routed to any commercial region.
    Global(String),
    /// The regions a geographic inference profile routes to.
    Regions(Vec<String>),
}

/// One entry; the function reads more fields than the grants need.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct Model {
    id: String,
    inference_profile: Option<String>,
    foundation_model: String,
    routes_to: Routes,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct File {
    models: Vec<Model>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelMap {
    models: Vec<Model>,
}

impl ModelMap {
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let file: File = serde_json::from_str(text).map_err(|e| Error::ModelMap(e.to_string()))?;
        if file.models.is_empty() {
            return Err(Error::ModelMap("no models: add at least one entry".into()));
        }
        for (i, m) in file.models.iter().enumerate() {
            if file.models[..i].iter().any(|o| o.id == m.id) {
                return Err(Error::ModelMap(format!("model {} is listed twice", m.id)));
            }
            match &m.routes_to {
                Routes::Global(g) if g != "global" => {
                    return Err(Error::ModelMap(format!(
                        "model {}: routes_to must be \"global\" or a list of regions, not {g:?}",
                        m.id
                    )));
                }
                Routes::Regions(r) if r.is_empty() => {
                    return Err(Error::ModelMap(format!(
                        "model {}: routes_to lists no region",
                        m.id
                    )));
                }
                _ => {}
            }
            let global_profile = m
                .inference_profile
                .as_deref()
                .is_some_and(|p| p.starts_with("global."));
            if global_profile != matches!(m.routes_to, Routes::Global(_)) {
                return Err(Error::ModelMap(format!(
                    "model {}: a global. inference profile routes to \"global\" and a geographic one to a list of regions",
                    m.id
                )));
            }
        }
        Ok(Self {
            models: file.models,
        })
    }

    /// Models whose geographic inference profile cannot be called from `region`.
    pub fn unreachable_from(&self, region: &str) -> Vec<&str> {
        self.models
            .iter()
            .filter(|m| m.inference_profile.is_some())
            .filter(
                |m| matches!(&m.routes_to, Routes::Regions(r) if !r.iter().any(|x| x == region)),
            )
            .map(|m| m.id.as_str())
            .collect()
    }

    /// Resources for `bedrock:InvokeModel*`: each inference profile in the stack's region and
    /// the foundation models it routes to (for global profiles, the region-less ARN AWS
    /// documents), or the foundation model itself when called directly.
    pub fn invoke_resources(&self) -> Vec<Expr> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |arn: String| {
            if !out.contains(&arn) {
                out.push(arn);
            }
        };
        for m in &self.models {
            let fm = &m.foundation_model;
            match (&m.inference_profile, &m.routes_to) {
                (Some(p), routes) => {
                    add(format!(
                        "arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}:${{AWS::AccountId}}:inference-profile/{p}"
                    ));
                    match routes {
                        Routes::Regions(regions) => {
                            for r in regions {
                                add(format!(
                                    "arn:${{AWS::Partition}}:bedrock:{r}::foundation-model/{fm}"
                                ));
                            }
                        }
                        Routes::Global(_) => {
                            add(format!(
                                "arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}::foundation-model/{fm}"
                            ));
                            add(format!(
                                "arn:${{AWS::Partition}}:bedrock:::foundation-model/{fm}"
                            ));
                        }
                    }
                }
                (None, _) => add(format!(
                    "arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}::foundation-model/{fm}"
                )),
            }
        }
        out.into_iter().map(Expr::Sub).collect()
    }

    /// Resources for `bedrock:CountTokens`, which takes a foundation model in the region.
    pub fn count_tokens_resources(&self) -> Vec<Expr> {
        self.models
            .iter()
            .map(|m| {
                Expr::Sub(format!(
                    "arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}::foundation-model/{}",
                    m.foundation_model
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAP: &str = r#"{"models": [
        {"id": "a", "inference_profile": "us.anthropic.a-v1:0", "foundation_model": "anthropic.a-v1:0",
         "routes_to": ["us-east-1", "us-west-2"]},
        {"id": "g", "inference_profile": "global.anthropic.g-v1:0", "foundation_model": "anthropic.g-v1:0",
         "routes_to": "global"}
    ]}"#;

    fn arns(exprs: &[Expr]) -> Vec<String> {
        exprs
            .iter()
            .map(|e| match e {
                Expr::Sub(s) => s.clone(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn grants_cover_profile_and_every_routed_region() {
        let map = ModelMap::from_json(MAP).expect("valid map");
        assert_eq!(
            arns(&map.invoke_resources()),
            [
                "arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:inference-profile/us.anthropic.a-v1:0",
                "arn:${AWS::Partition}:bedrock:us-east-1::foundation-model/anthropic.a-v1:0",
                "arn:${AWS::Partition}:bedrock:us-west-2::foundation-model/anthropic.a-v1:0",
                "arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:inference-profile/global.anthropic.g-v1:0",
                "arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/anthropic.g-v1:0",
                "arn:${AWS::Partition}:bedrock:::foundation-model/anthropic.g-v1:0",
            ]
        );
    }

    #[test]
    fn geographic_profiles_are_unreachable_from_other_regions() {
        let map = ModelMap::from_json(MAP).expect("valid map");
        assert_eq!(map.unreachable_from("eu-west-1"), ["a"]);
        assert!(map.unreachable_from("us-west-2").is_empty());
    }

    #[test]
    fn inconsistent_or_duplicate_entries_are_rejected() {
        let dup = r#"{"models": [
            {"id": "a", "foundation_model": "x", "routes_to": ["us-east-1"]},
            {"id": "a", "foundation_model": "y", "routes_to": ["us-east-1"]}]}"#;
        assert!(ModelMap::from_json(dup).is_err());
        let global_mismatch = r#"{"models": [
            {"id": "g", "inference_profile": "global.x", "foundation_model": "x", "routes_to": ["us-east-1"]}]}"#;
        assert!(ModelMap::from_json(global_mismatch).is_err());
        assert!(ModelMap::from_json(r#"{"models": []}"#).is_err());
    }
}
