//! CloudWatch alarms for a service's function, and what they watch when deploys are gradual.

use crate::Error;
use crate::model::Expr;
use crate::model::cloudwatch::{Alarm, Comparison, Statistic, TreatMissingData};

/// Alarms on the function's errors, throttles, duration near its timeout and (with a URL)
/// 5xx answers, one minute at a time; [`Service::alarms`](super::Service::alarms) adds them.
#[derive(Debug, Clone, PartialEq)]
pub struct Alarms {
    topic: Option<Expr>,
    errors: u32,
    url_5xx: u32,
    duration_percent: u32,
    published: Vec<PublishedMetric>,
}

impl Default for Alarms {
    fn default() -> Self {
        Self {
            topic: None,
            errors: 1,
            url_5xx: 1,
            duration_percent: 90,
            published: Vec::new(),
        }
    }
}

/// A count the function publishes itself (e.g. in CloudWatch Embedded Metric Format) without
/// dimensions; its alarm fires when a minute's sum reaches one.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedMetric {
    /// The alarm's logical ID is `<id>Alarm`.
    id: String,
    namespace: String,
    metric: String,
    /// What a firing alarm means, for whoever reads it.
    description: String,
}

impl PublishedMetric {
    /// `namespace` is the function's own (CloudWatch reserves `AWS/`), both names 1–255 printable
    /// ASCII characters, `id` letters and digits starting with a capital (a logical-ID part).
    pub fn new(id: &str, namespace: &str, metric: &str, description: &str) -> Result<Self, Error> {
        let printable =
            |s: &str| (1..=255).contains(&s.len()) && s.bytes().all(|b| (0x20..0x7f).contains(&b));
        if !id.starts_with(|c: char| c.is_ascii_uppercase())
            || !id.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(Error::Invalid {
                what: "published metric alarm id",
                value: id.to_owned(),
                expected: "letters and digits starting with a capital, e.g. LimitWriteFailures",
            });
        }
        if !printable(namespace) || namespace.starts_with("AWS/") {
            return Err(Error::Invalid {
                what: "metric namespace",
                value: namespace.to_owned(),
                expected: "1-255 printable ASCII characters, not starting with AWS/ (reserved for AWS services)",
            });
        }
        if !printable(metric) {
            return Err(Error::Invalid {
                what: "metric name",
                value: metric.to_owned(),
                expected: "1-255 printable ASCII characters",
            });
        }
        Ok(Self {
            id: id.to_owned(),
            namespace: namespace.to_owned(),
            metric: metric.to_owned(),
            description: description.to_owned(),
        })
    }
}

fn at_least_one(what: &'static str, n: u32) -> Result<u32, Error> {
    if n == 0 {
        return Err(Error::OutOfRange {
            what,
            value: 0,
            min: 1,
            max: u64::from(u32::MAX),
        });
    }
    Ok(n)
}

impl Alarms {
    /// Any error, throttle or 5xx in a minute, or a call over 90% of the timeout.
    pub fn new() -> Self {
        Self::default()
    }
    /// Notify this SNS topic (its ARN, or an import of it) on ALARM and on OK.
    pub fn notify(mut self, topic: Expr) -> Self {
        self.topic = Some(topic);
        self
    }
    /// Fire on this many function errors in a minute (default 1); 0 would never fire, so it
    /// is an error (`Service::alarms` takes the `Result`).
    pub fn errors_at_least(mut self, n: u32) -> Result<Self, Error> {
        self.errors = at_least_one("function errors per minute to alarm on", n)?;
        Ok(self)
    }
    /// Fire on this many 5xx answers of the Function URL in a minute (default 1), for a
    /// function that answers 5xx for an upstream's failures too; 0 is an error.
    pub fn url_5xx_at_least(mut self, n: u32) -> Result<Self, Error> {
        self.url_5xx = at_least_one("URL 5xx answers per minute to alarm on", n)?;
        Ok(self)
    }

    /// Also alarm on a count the function publishes (see [`PublishedMetric`]); never a
    /// rollback alarm of a gradual deploy.
    pub fn published(
        mut self,
        metric: impl crate::Checked<PublishedMetric>,
    ) -> Result<Self, Error> {
        self.published.push(metric.checked()?);
        Ok(self)
    }

    pub(super) fn topic(&self) -> Option<&Expr> {
        self.topic.as_ref()
    }

    /// The alarms on published metrics, by logical ID, named after `function_name`.
    pub(super) fn build_published(&self, function_name: &str) -> Vec<(String, Alarm)> {
        self.published
            .iter()
            .map(|p| {
                let alarm = any_in_a_minute(
                    format!("{function_name}-{}", p.metric),
                    p.description.clone(),
                    (&p.namespace, &p.metric, Statistic::Sum),
                    Vec::new(),
                    self.topic.as_ref(),
                );
                (format!("{}Alarm", p.id), alarm)
            })
            .collect()
    }

    /// The alarms for `function_name`, by logical-ID suffix. `qualifier` is the alias the
    /// metrics are read for (the new version's traffic during a gradual deploy).
    pub(super) fn build(
        &self,
        function_name: &str,
        qualifier: Option<&str>,
        timeout_s: u32,
        has_url: bool,
    ) -> Vec<(&'static str, Alarm)> {
        let mut dimensions = vec![("FunctionName".to_owned(), Expr::literal(function_name))];
        if let Some(alias) = qualifier {
            dimensions.push((
                "Resource".to_owned(),
                Expr::literal(format!("{function_name}:{alias}")),
            ));
        }
        let scope = match qualifier {
            Some(alias) => format!("{function_name}:{alias}"),
            None => function_name.to_owned(),
        };
        let alarm = |suffix: &str,
                     description: String,
                     metric: &str,
                     statistic: Statistic,
                     threshold: f64| Alarm {
            name: format!("{function_name}-{suffix}"),
            description,
            namespace: "AWS/Lambda".into(),
            metric: metric.into(),
            dimensions: dimensions.clone(),
            statistic,
            period_s: 60,
            evaluation_periods: 1,
            threshold,
            comparison: Comparison::GreaterThanOrEqualToThreshold,
            treat_missing_data: TreatMissingData::NotBreaching,
            actions: self.topic.iter().cloned().collect(),
        };
        let near_timeout_ms =
            f64::from(timeout_s) * 1000.0 * f64::from(self.duration_percent) / 100.0;
        let mut out = vec![
            (
                "Errors",
                alarm(
                    "errors",
                    format!(
                        "{scope} failed {} or more invocations in a minute",
                        self.errors
                    ),
                    "Errors",
                    Statistic::Sum,
                    f64::from(self.errors),
                ),
            ),
            (
                "Throttles",
                alarm(
                    "throttles",
                    format!("{scope} was throttled: calls exceeded its concurrency"),
                    "Throttles",
                    Statistic::Sum,
                    1.0,
                ),
            ),
            (
                "Duration",
                alarm(
                    "duration",
                    format!(
                        "a call to {scope} ran {}% of its {timeout_s} s timeout or longer",
                        self.duration_percent
                    ),
                    "Duration",
                    Statistic::Maximum,
                    near_timeout_ms,
                ),
            ),
        ];
        if has_url {
            out.push((
                "Url5xx",
                alarm(
                    "url-5xx",
                    format!(
                        "the Function URL of {scope} answered {} or more 5xx in a minute",
                        self.url_5xx
                    ),
                    "Url5xxCount",
                    Statistic::Sum,
                    f64::from(self.url_5xx),
                ),
            ));
        }
        out
    }
}

/// An alarm that fires as soon as `metric` (namespace, name, statistic) reaches 1 in a minute:
/// for counts of things that should never happen. No data is not a breach.
pub(super) fn any_in_a_minute(
    name: String,
    description: String,
    (namespace, metric, statistic): (&str, &str, Statistic),
    dimensions: Vec<(String, Expr)>,
    topic: Option<&Expr>,
) -> Alarm {
    Alarm {
        name,
        description,
        namespace: namespace.to_owned(),
        metric: metric.to_owned(),
        dimensions,
        statistic,
        period_s: 60,
        evaluation_periods: 1,
        threshold: 1.0,
        comparison: Comparison::GreaterThanOrEqualToThreshold,
        treat_missing_data: TreatMissingData::NotBreaching,
        actions: topic.into_iter().cloned().collect(),
    }
}
