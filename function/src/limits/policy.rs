//! The limits a key or a group of keys has, as the keys secret states them.

use std::sync::Arc;

use serde::Deserialize;

/// `"limits"` of a key, or a group's entry, as written in the secret. Unknown fields are refused:
/// a misspelt limit would otherwise be no limit at all.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsJson {
    /// Spend per calendar month (UTC), in USD.
    pub monthly_usd: Option<f64>,
    pub requests_per_minute: Option<u64>,
    pub input_tokens_per_minute: Option<u64>,
    pub output_tokens_per_minute: Option<u64>,
}

/// Validated limits; `None` is no limit of that kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LimitSet {
    pub monthly_micro_usd: Option<u64>,
    pub requests_per_minute: Option<u64>,
    pub input_tokens_per_minute: Option<u64>,
    pub output_tokens_per_minute: Option<u64>,
}

/// The largest monthly limit accepted: USD 1e9 (micro-USD stay far inside `u64`).
const MAX_MONTHLY_USD: f64 = 1e9;

impl LimitsJson {
    pub fn validate(&self) -> Result<LimitSet, &'static str> {
        let monthly_micro_usd = match self.monthly_usd {
            None => None,
            Some(usd) if usd.is_finite() && (0.0..=MAX_MONTHLY_USD).contains(&usd) => {
                // A limit is kept in whole micro-USD, rounded down: never looser than written.
                Some((usd * 1e6).floor() as u64)
            }
            Some(_) => return Err("\"monthly_usd\" must be a number of USD from 0 to 1e9"),
        };
        // Zero per minute would refuse every request with a retry-after forever; a monthly
        // limit of 0 is how a key is stopped.
        let per_minute = |v: Option<u64>, msg: &'static str| match v {
            Some(0) => Err(msg),
            v => Ok(v),
        };
        Ok(LimitSet {
            monthly_micro_usd,
            requests_per_minute: per_minute(
                self.requests_per_minute,
                "\"requests_per_minute\" must be at least 1 (set \"monthly_usd\": 0 to stop a key)",
            )?,
            input_tokens_per_minute: per_minute(
                self.input_tokens_per_minute,
                "\"input_tokens_per_minute\" must be at least 1",
            )?,
            output_tokens_per_minute: per_minute(
                self.output_tokens_per_minute,
                "\"output_tokens_per_minute\" must be at least 1",
            )?,
        })
    }
}

impl LimitSet {
    pub fn any_rate(&self) -> bool {
        self.requests_per_minute.is_some()
            || self.input_tokens_per_minute.is_some()
            || self.output_tokens_per_minute.is_some()
    }
}

/// A group of keys (a team) with limits on their sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: Arc<str>,
    pub limits: LimitSet,
}

/// Which limit a refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Key,
    Group,
}

impl ScopeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Key => "key",
            Self::Group => "group",
        }
    }
}

/// One scope limits are kept for: a key's name or a group's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub kind: ScopeKind,
    pub name: Arc<str>,
    pub limits: LimitSet,
}

impl Scope {
    /// The partition key of the scope's items in the table.
    pub fn partition(&self) -> String {
        format!("{}#{}", self.kind.as_str(), self.name)
    }
}
