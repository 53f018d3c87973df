//! `AWS::CloudWatch::Alarm` on one metric.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::json;

use super::access::{Arn, CREATE, DELETE, Deployed, READ, TypeAccess, UPDATE, WRITE};
use super::section::{self, Section, Words, capitalized, serialized_name};
use super::{Expr, Kind, LogicalId, Resource, StackName, code};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Statistic {
    Sum,
    Maximum,
    Average,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Comparison {
    GreaterThanOrEqualToThreshold,
    GreaterThanThreshold,
}

impl Comparison {
    fn words(self) -> &'static str {
        match self {
            Self::GreaterThanOrEqualToThreshold => "≥",
            Self::GreaterThanThreshold => ">",
        }
    }
}

/// How periods without data count. Lambda publishes no Errors datapoint for a minute without
/// invocations, and that is not an outage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TreatMissingData {
    NotBreaching,
    Breaching,
}

/// An alarm on one metric of one namespace, with its dimensions.
#[derive(Debug, Clone, PartialEq)]
pub struct Alarm {
    pub name: String,
    pub description: String,
    pub namespace: String,
    pub metric: String,
    pub dimensions: Vec<(String, Expr)>,
    pub statistic: Statistic,
    pub period_s: u32,
    pub evaluation_periods: u32,
    pub threshold: f64,
    pub comparison: Comparison,
    pub treat_missing_data: TreatMissingData,
    /// Topics (or other targets) notified on ALARM and back on OK.
    pub actions: Vec<Expr>,
}

/// What CloudFormation's alarm handlers call.
pub const ACCESS: TypeAccess = TypeAccess {
    type_name: "AWS::CloudWatch::Alarm",
    calls: &[
        ("cloudwatch:PutMetricAlarm", CREATE | UPDATE),
        ("cloudwatch:DescribeAlarms", WRITE | READ),
        ("cloudwatch:TagResource", CREATE | UPDATE),
        ("cloudwatch:UntagResource", UPDATE),
        ("cloudwatch:ListTagsForResource", CREATE | UPDATE | READ),
        ("cloudwatch:DeleteAlarms", DELETE),
    ],
    elsewhere: &[],
    unused: &[],
    beyond_schema: &[],
};

impl Kind for Alarm {
    const TYPE: &'static str = "AWS::CloudWatch::Alarm";
    const ATTRIBUTES: &'static [&'static str] = &["Arn"];
    const REF_RETURNS: &'static str = "name";
    const STATEFUL: bool = false;

    fn physical_name(&self) -> Option<(&'static str, &str)> {
        Some(("alarm name", &self.name))
    }

    fn deploy(&self, id: &LogicalId, _stack: &StackName) -> Vec<Deployed> {
        let arn = Arn::regional("cloudwatch", format!("alarm:{}", self.name));
        vec![Deployed::new(id.as_str(), &ACCESS, vec![arn])]
    }

    fn phrase(&self, _id: &LogicalId) -> String {
        format!("alarm {}", code(&self.name))
    }

    fn exprs(&self) -> Vec<&Expr> {
        self.dimensions
            .iter()
            .map(|(_, v)| v)
            .chain(&self.actions)
            .collect()
    }

    fn review(&self, resource: &Resource, words: &dyn Words) -> Section {
        let dimensions: Vec<String> = self
            .dimensions
            .iter()
            .map(|(k, v)| format!("{k} = {}", words.value(v)))
            .collect();
        let rows = vec![
            ("Why".into(), self.description.clone()),
            (
                "Metric".into(),
                format!(
                    "{} of {} {} ({})",
                    serialized_name(self.statistic),
                    code(&self.namespace),
                    code(&self.metric),
                    dimensions.join(", ")
                ),
            ),
            (
                "Fires when".into(),
                format!(
                    "{} {} in {} period(s) of {} s in a row; no data counts as {}",
                    self.comparison.words(),
                    self.threshold,
                    self.evaluation_periods,
                    self.period_s,
                    match self.treat_missing_data {
                        TreatMissingData::NotBreaching => "fine",
                        TreatMissingData::Breaching => "breaching",
                    }
                ),
            ),
            (
                "Notifies".into(),
                if self.actions.is_empty() {
                    "no one (the alarm is read by deployments, the console and dashboards)".into()
                } else {
                    let targets: Vec<String> =
                        self.actions.iter().map(|a| words.target(a)).collect();
                    section::words(&targets)
                },
            ),
        ];
        Section::new(format!(
            "{} ({}, {})",
            capitalized(&words.phrase(resource)),
            code(resource.id.as_str()),
            Self::TYPE
        ))
        .settings(["Setting", "Value"], rows)
    }
}

impl Serialize for Alarm {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("AlarmName", &self.name)?;
        m.serialize_entry("AlarmDescription", &self.description)?;
        m.serialize_entry("Namespace", &self.namespace)?;
        m.serialize_entry("MetricName", &self.metric)?;
        let dimensions: Vec<_> = self
            .dimensions
            .iter()
            .map(|(k, v)| json!({ "Name": k, "Value": v }))
            .collect();
        m.serialize_entry("Dimensions", &dimensions)?;
        m.serialize_entry("Statistic", &self.statistic)?;
        m.serialize_entry("Period", &self.period_s)?;
        m.serialize_entry("EvaluationPeriods", &self.evaluation_periods)?;
        m.serialize_entry("Threshold", &self.threshold)?;
        m.serialize_entry("ComparisonOperator", &self.comparison)?;
        m.serialize_entry("TreatMissingData", &self.treat_missing_data)?;
        m.serialize_entry("ActionsEnabled", &true)?;
        if !self.actions.is_empty() {
            m.serialize_entry("AlarmActions", &self.actions)?;
            m.serialize_entry("OKActions", &self.actions)?;
        }
        m.end()
    }
}
