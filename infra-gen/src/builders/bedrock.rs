//! The Bedrock model map (`models.json`) and the IAM grants it implies.
//!
//! The map is configuration shared with the function: the function routes requests by it,
//! and the stack grants exactly the models in it, so removing a model removes its grant. Both
//! read it through the `model-map` contract (entries, upstreams, dates, validation).

pub use model_map::Upstream;
use model_map::{Date, Routes};

use super::App;
use crate::Error;
use crate::model::Expr;
use crate::model::iam::{Action, Statement};
use crate::model::lambda::HandlerMode;

/// The inference profile a request went through; absent on direct model calls.
const PROFILE_KEY: &str = "bedrock:InferenceProfileArn";
/// `unspecified` for the global leg of a global cross-Region inference call.
const REGION_KEY: &str = "aws:RequestedRegion";

/// A foundation model in the stack's own region.
fn in_region(foundation_model: &str) -> Expr {
    Expr::Sub(format!(
        "arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}::foundation-model/{foundation_model}"
    ))
}

/// The `InvokeModel*` actions a handler needs. They authorise every upstream: Converse and
/// the native Messages endpoint are checked against `bedrock:InvokeModel`, their streaming
/// forms against `bedrock:InvokeModelWithResponseStream` (AWS names no action of its own for
/// `/anthropic/v1/messages`); a buffered handler never streams, so it gets no streaming action.
fn invoke_actions(handler: HandlerMode) -> &'static [&'static str] {
    match handler {
        HandlerMode::Streaming => &[
            "bedrock:InvokeModel",
            "bedrock:InvokeModelWithResponseStream",
        ],
        HandlerMode::Buffered => &["bedrock:InvokeModel"],
    }
}

/// How soon before a model's end of life `infra-gen` starts warning about it.
pub const RETIREMENT_WARNING_DAYS: i64 = 30;

/// A mapped model at or near its end of life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retirement {
    pub model: String,
    pub retires: String,
    /// Negative once the model has retired.
    pub days_left: i64,
}

impl std::fmt::Display for Retirement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.days_left {
            d if d < 0 => write!(
                f,
                "model {} retired on {} ({} days ago): Bedrock refuses it",
                self.model, self.retires, -d
            ),
            0 => write!(f, "model {} retires today ({})", self.model, self.retires),
            d => write!(
                f,
                "model {} retires on {} (in {d} days)",
                self.model, self.retires
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModelMap {
    map: model_map::ModelMap,
}

/// The freshness warnings for an app: each model near or past its end of life once, with the
/// stacks that grant it. Stderr only: templates and exit codes never depend on the clock.
pub fn retirement_warnings(app: &App, today: Date) -> Vec<String> {
    let mut found: Vec<(Retirement, Vec<&str>)> = Vec::new();
    for stack in app.stacks() {
        for r in stack.models.iter().flat_map(|m| m.retirements(today)) {
            match found.iter_mut().find(|(seen, _)| *seen == r) {
                Some((_, stacks)) => stacks.push(stack.name.as_str()),
                None => found.push((r, vec![stack.name.as_str()])),
            }
        }
    }
    found
        .into_iter()
        .map(|(r, stacks)| {
            format!(
                "warning[model-lifecycle]: {} › {r}\n  fix: move clients to its successor, then remove the entry from the model map (function/models.json) or correct its `retires` date from the AWS model card; see README \"Refreshing the model map\"",
                stacks.join(", ")
            )
        })
        .collect()
}

impl ModelMap {
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let map = model_map::ModelMap::parse(text).map_err(|e| Error::ModelMap(e.to_string()))?;
        Ok(Self { map })
    }

    /// Models whose geographic inference profile cannot be called from `region`.
    pub fn unreachable_from(&self, region: &str) -> Vec<&str> {
        self.map
            .models()
            .iter()
            .filter(|m| match (&m.inference_profile, &m.routes_to) {
                (Some(profile), Routes::Regions(r)) => {
                    !r.iter().any(|x| x == region) || !model_map::geography_serves(profile, region)
                }
                _ => false,
            })
            .map(|m| m.id.as_str())
            .collect()
    }

    /// The `bedrock:InvokeModel*` statements (granting `actions`) AWS documents for each kind of
    /// model in the map, so the role can call exactly these models, each only the way the map
    /// says:
    ///
    /// * called directly: the foundation model in the stack's region;
    /// * through a geographic inference profile: the profile in the stack's region, and the
    ///   foundation model in every region the profile routes to, but only through a mapped
    ///   profile (`bedrock:InferenceProfileArn`);
    /// * through a global profile: the profile, the foundation model in the stack's region
    ///   (requested there) and the region-less foundation model (requested region
    ///   `unspecified`), both only through a mapped global profile.
    ///
    /// The routed legs of all models share one statement per kind of leg, their profiles
    /// ORed in the condition: a profile routes only to its own model, so this grants nothing
    /// more, and the policy stays four statements however long the map grows (IAM allows a role
    /// 10,240 characters of inline policy; one statement per model and leg passed that at 14
    /// models, and lint `iam-size` refuses a role over it).
    pub fn invoke_statements(&self, actions: &[Action]) -> Vec<Statement> {
        let mut entry_points = Vec::new();
        let (mut geo_profiles, mut geo_models) = (Vec::new(), Vec::new());
        let (mut global_profiles, mut in_region_models, mut global_models) =
            (Vec::new(), Vec::new(), Vec::new());
        let push = |list: &mut Vec<Expr>, e: Expr| {
            if !list.contains(&e) {
                list.push(e);
            }
        };
        for m in self.map.models() {
            let fm = &m.foundation_model;
            let Some(p) = &m.inference_profile else {
                push(&mut entry_points, in_region(fm));
                continue;
            };
            let profile = Expr::Sub(format!(
                "arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}:${{AWS::AccountId}}:inference-profile/{p}"
            ));
            push(&mut entry_points, profile.clone());
            match &m.routes_to {
                Routes::Regions(regions) => {
                    push(&mut geo_profiles, profile);
                    for r in regions {
                        push(
                            &mut geo_models,
                            Expr::Sub(format!(
                                "arn:${{AWS::Partition}}:bedrock:{r}::foundation-model/{fm}"
                            )),
                        );
                    }
                }
                Routes::Global => {
                    push(&mut global_profiles, profile);
                    push(&mut in_region_models, in_region(fm));
                    push(
                        &mut global_models,
                        Expr::Sub(format!(
                            "arn:${{AWS::Partition}}:bedrock:::foundation-model/{fm}"
                        )),
                    );
                }
            }
        }
        let mut out = vec![Statement::allow(
            "InvokeConfiguredModels",
            actions.to_vec(),
            entry_points,
        )];
        if !geo_profiles.is_empty() {
            out.push(
                Statement::allow(
                    "InvokeModelsViaGeographicProfiles",
                    actions.to_vec(),
                    geo_models,
                )
                .when_any(PROFILE_KEY, geo_profiles),
            );
        }
        if !global_profiles.is_empty() {
            out.push(
                Statement::allow(
                    "InvokeModelsInRegionViaGlobalProfiles",
                    actions.to_vec(),
                    in_region_models,
                )
                .when_any(PROFILE_KEY, global_profiles.clone())
                .when(REGION_KEY, Expr::Ref("AWS::Region".into())),
            );
            out.push(
                Statement::allow(
                    "InvokeModelsGloballyViaGlobalProfiles",
                    actions.to_vec(),
                    global_models,
                )
                .when_any(PROFILE_KEY, global_profiles)
                .when(REGION_KEY, Expr::literal("unspecified")),
            );
        }
        out
    }

    /// Mapped models that retire within [`RETIREMENT_WARNING_DAYS`] of `today`, or already have.
    /// Only `check` and `generate` print these, on stderr: templates stay free of the clock.
    pub fn retirements(&self, today: Date) -> Vec<Retirement> {
        self.map
            .models()
            .iter()
            .filter_map(|m| {
                let retires = m.retires?;
                let days_left = today.days_until(retires);
                (days_left <= RETIREMENT_WARNING_DAYS).then(|| Retirement {
                    model: m.id.clone(),
                    retires: retires.to_string(),
                    days_left,
                })
            })
            .collect()
    }

    /// Every Bedrock statement a role calling these models from a `handler` needs, and nothing
    /// else: the builder grants exactly these and lint `iam-bedrock` refuses a rendered role
    /// that differs.
    pub fn grants(&self, handler: HandlerMode) -> Result<Vec<Statement>, Error> {
        let actions = invoke_actions(handler)
            .iter()
            .map(|a| Action::new(a))
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = self.invoke_statements(&actions);
        out.push(Statement::allow(
            "CountTokensOfConfiguredModels",
            vec![Action::new("bedrock:CountTokens")?],
            self.count_tokens_resources(),
        ));
        Ok(out)
    }

    /// Resources for `bedrock:CountTokens`, which takes a foundation model in the region.
    pub fn count_tokens_resources(&self) -> Vec<Expr> {
        self.map
            .models()
            .iter()
            .map(|m| in_region(&m.foundation_model))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAP: &str = r#"{"models": [
        {"id": "a", "display_name": "Claude A", "price": {"unknown": "test"}, "upstream": "invoke", "inference_profile": "us.anthropic.a-v1:0",
         "foundation_model": "anthropic.a-v1:0", "routes_to": ["us-east-1", "us-west-2"],
         "retires": "2027-01-22"},
        {"id": "g", "display_name": "Claude G", "price": {"unknown": "test"}, "upstream": "messages", "inference_profile": "global.anthropic.g-v1:0",
         "foundation_model": "anthropic.g-v1:0", "routes_to": "global"}
    ]}"#;

    fn statements() -> Vec<serde_json::Value> {
        let map = ModelMap::from_json(MAP).expect("valid map");
        let actions = [Action::new("bedrock:InvokeModel").expect("valid")];
        map.invoke_statements(&actions)
            .iter()
            .map(|s| serde_json::to_value(s).expect("serializes"))
            .collect()
    }

    #[test]
    fn profiles_are_entry_points_and_models_are_reachable_only_through_them() {
        let profile = |p: &str| {
            format!(
                "arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}:${{AWS::AccountId}}:inference-profile/{p}"
            )
        };
        let fm =
            |r: &str, m: &str| format!("arn:${{AWS::Partition}}:bedrock:{r}::foundation-model/{m}");
        let s = statements();
        assert_eq!(s.len(), 4, "{s:#?}");
        assert_eq!(s[0]["Sid"], "InvokeConfiguredModels");
        assert_eq!(
            s[0]["Resource"],
            serde_json::json!([
                { "Fn::Sub": profile("us.anthropic.a-v1:0") },
                { "Fn::Sub": profile("global.anthropic.g-v1:0") },
            ])
        );
        assert!(s[0].get("Condition").is_none());
        // Geographic: every routed region, only through a geographic profile of the map.
        assert_eq!(s[1]["Sid"], "InvokeModelsViaGeographicProfiles");
        assert_eq!(
            s[1]["Resource"],
            serde_json::json!([
                { "Fn::Sub": fm("us-east-1", "anthropic.a-v1:0") },
                { "Fn::Sub": fm("us-west-2", "anthropic.a-v1:0") },
            ])
        );
        assert_eq!(
            s[1]["Condition"]["StringEquals"]["bedrock:InferenceProfileArn"],
            serde_json::json!({ "Fn::Sub": profile("us.anthropic.a-v1:0") })
        );
        // Global: the source region and the region-less model, each with its requested region.
        assert_eq!(s[2]["Sid"], "InvokeModelsInRegionViaGlobalProfiles");
        assert_eq!(
            s[2]["Resource"],
            serde_json::json!([{ "Fn::Sub": fm("${AWS::Region}", "anthropic.g-v1:0") }])
        );
        assert_eq!(
            s[2]["Condition"]["StringEquals"]["aws:RequestedRegion"],
            serde_json::json!({ "Ref": "AWS::Region" })
        );
        assert_eq!(
            s[3]["Resource"],
            serde_json::json!([{ "Fn::Sub": fm("", "anthropic.g-v1:0") }])
        );
        assert_eq!(
            s[3]["Condition"]["StringEquals"],
            serde_json::json!({
                "bedrock:InferenceProfileArn": { "Fn::Sub": profile("global.anthropic.g-v1:0") },
                "aws:RequestedRegion": "unspecified",
            })
        );
    }

    #[test]
    fn the_policy_keeps_its_statements_however_many_models_are_mapped() {
        let models: Vec<String> = (0..40)
            .map(|i| {
                format!(
                    r#"{{"id": "m{i}", "display_name": "M", "price": {{"unknown": "test"}}, "upstream": "messages", "inference_profile": "global.anthropic.m{i}", "foundation_model": "anthropic.m{i}", "routes_to": "global"}},
                    {{"id": "r{i}", "display_name": "R", "price": {{"unknown": "test"}}, "upstream": "invoke", "inference_profile": "us.anthropic.r{i}", "foundation_model": "anthropic.r{i}", "routes_to": ["us-east-1"]}}"#
                )
            })
            .collect();
        let map = ModelMap::from_json(&format!(r#"{{"models": [{}]}}"#, models.join(",")))
            .expect("valid map");
        let grants = map.grants(HandlerMode::Streaming).expect("grants");
        assert_eq!(grants.len(), 5, "four invoke statements and CountTokens");
        let global = serde_json::to_value(&grants[3]).expect("serializes");
        let profiles = global["Condition"]["StringEquals"]["bedrock:InferenceProfileArn"]
            .as_array()
            .expect("several profiles are a list");
        assert_eq!(profiles.len(), 40);
    }

    #[test]
    fn geographic_profiles_are_unreachable_from_other_regions() {
        let map = ModelMap::from_json(MAP).expect("valid map");
        assert_eq!(map.unreachable_from("eu-west-1"), ["a"]);
        assert!(map.unreachable_from("us-west-2").is_empty());
    }

    #[test]
    fn profiles_of_another_geography_are_refused_whatever_routes_to_claims() {
        for (profile, region) in [
            ("eu.anthropic.x-v1:0", "us-west-2"),
            ("apac.anthropic.x-v1:0", "us-east-1"),
            ("us.anthropic.x-v1:0", "eu-central-1"),
            ("jp.anthropic.x-v1:0", "ap-south-1"),
        ] {
            let text = format!(
                r#"{{"models": [{{"id": "m", "display_name": "M", "price": {{"unknown": "test"}}, "upstream": "invoke", "inference_profile": "{profile}", "foundation_model": "anthropic.x-v1:0", "routes_to": ["{region}"]}}]}}"#
            );
            let err = ModelMap::from_json(&text).expect_err(profile);
            assert!(err.to_string().contains(region), "{err}");
        }
    }

    #[test]
    fn inconsistent_or_duplicate_entries_are_rejected() {
        let dup = r#"{"models": [
            {"id": "a", "display_name": "A", "price": {"unknown": "test"}, "upstream": "invoke", "foundation_model": "x", "routes_to": ["us-east-1"]},
            {"id": "a", "display_name": "A", "price": {"unknown": "test"}, "upstream": "invoke", "foundation_model": "y", "routes_to": ["us-east-1"]}]}"#;
        assert!(ModelMap::from_json(dup).is_err());
        let global_mismatch = r#"{"models": [
            {"id": "g", "display_name": "G", "price": {"unknown": "test"}, "upstream": "invoke", "inference_profile": "global.x", "foundation_model": "x", "routes_to": ["us-east-1"]}]}"#;
        assert!(ModelMap::from_json(global_mismatch).is_err());
        assert!(ModelMap::from_json(r#"{"models": []}"#).is_err());
        let no_upstream = r#"{"models": [
            {"id": "a", "display_name": "A", "price": {"unknown": "test"}, "foundation_model": "x", "routes_to": ["us-east-1"]}]}"#;
        let err = ModelMap::from_json(no_upstream).expect_err("upstream is required");
        assert!(err.to_string().contains("upstream"), "{err}");
        let unknown_upstream = r#"{"models": [
            {"id": "a", "display_name": "A", "price": {"unknown": "test"}, "upstream": "openai", "foundation_model": "x", "routes_to": ["us-east-1"]}]}"#;
        assert!(ModelMap::from_json(unknown_upstream).is_err());
        for bad in ["2027-02-30", "27-01-01", "2027-1-1", "soon"] {
            let text = format!(
                r#"{{"models": [{{"id": "a", "display_name": "A", "price": {{"unknown": "test"}}, "upstream": "invoke", "foundation_model": "x", "routes_to": ["us-east-1"], "retires": "{bad}"}}]}}"#
            );
            let err = ModelMap::from_json(&text).expect_err(bad);
            assert!(err.to_string().contains("YYYY-MM-DD"), "{err}");
        }
    }

    fn day(text: &str) -> Date {
        Date::parse(text).expect("a valid date")
    }

    #[test]
    fn models_warn_from_thirty_days_before_retirement_and_after_it() {
        let map = ModelMap::from_json(MAP).expect("valid map");
        assert!(
            map.retirements(day("2026-12-22")).is_empty(),
            "31 days left"
        );
        let soon = map.retirements(day("2026-12-23"));
        assert_eq!(soon.len(), 1);
        assert_eq!((soon[0].model.as_str(), soon[0].days_left), ("a", 30));
        assert_eq!(
            soon[0].to_string(),
            "model a retires on 2027-01-22 (in 30 days)"
        );
        let past = map.retirements(day("2027-02-01"));
        assert_eq!(past[0].days_left, -10);
        assert_eq!(
            past[0].to_string(),
            "model a retired on 2027-01-22 (10 days ago): Bedrock refuses it"
        );
    }

    #[test]
    fn a_buffered_handler_is_not_granted_the_streaming_action() {
        let map = ModelMap::from_json(MAP).expect("valid map");
        let actions = |mode| -> Vec<String> {
            let statements = map.grants(mode).expect("grants");
            let mut all: Vec<String> = statements
                .iter()
                .flat_map(|s| s.actions.iter().map(|a| a.as_str().to_owned()))
                .collect();
            all.sort();
            all.dedup();
            all
        };
        assert_eq!(
            actions(HandlerMode::Streaming),
            [
                "bedrock:CountTokens",
                "bedrock:InvokeModel",
                "bedrock:InvokeModelWithResponseStream"
            ]
        );
        assert_eq!(
            actions(HandlerMode::Buffered),
            ["bedrock:CountTokens", "bedrock:InvokeModel"]
        );
    }
}
