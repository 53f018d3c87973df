//! What invokes a function besides its URL — SQS queues and schedules, SAM's `Events` — and
//! where its failed asynchronous invocations go (`EventInvokeConfig`).
//!
//! Values are checked against the rules the services enforce when the definition is built
//! (a cron expression's fields, a batch size without the batching window SQS requires), so a
//! mistake is an error naming the stack instead of a failed deploy.

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::Error;
use crate::model::Expr;

fn invalid(what: &'static str, value: impl Into<String>, expected: &'static str) -> Error {
    Error::Invalid {
        what,
        value: value.into(),
        expected,
    }
}

/// A function triggered by an SQS queue (SAM `Type: SQS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqsSource {
    /// The queue's ARN (`GetAtt <Queue>.Arn` for a queue of the stack).
    pub queue: Expr,
    pub batch: Batch,
    /// Report failed messages of a batch (`batchItemFailures`) instead of failing the batch.
    pub report_batch_item_failures: bool,
    /// At most this many concurrent invocations for the queue (2–1000).
    pub maximum_concurrency: Option<u16>,
}

/// How many messages one invocation gets, and how long SQS may wait to fill a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batch {
    size: u16,
    window_s: u16,
}

impl Batch {
    /// `size` messages (1–10 000), waiting up to `window_s` seconds (0–300) to gather them.
    /// SQS refuses a batch over 10 without a window of at least one second, and a FIFO queue
    /// takes at most 10 and no window ([`Batch::check_fifo`]).
    pub fn new(size: u16, window_s: u16) -> Result<Self, Error> {
        if !(1..=10_000).contains(&size) {
            return Err(invalid(
                "SQS batch size",
                size.to_string(),
                "1 to 10000 messages",
            ));
        }
        if window_s > 300 {
            return Err(invalid(
                "SQS batching window",
                window_s.to_string(),
                "0 to 300 seconds",
            ));
        }
        if size > 10 && window_s == 0 {
            return Err(invalid(
                "SQS batch",
                format!("{size} messages without a batching window"),
                "a batching window of at least 1 second for batches over 10 messages",
            ));
        }
        Ok(Self { size, window_s })
    }
    pub fn size(self) -> u16 {
        self.size
    }
    pub fn window_s(self) -> u16 {
        self.window_s
    }
    /// FIFO queues deliver at most 10 messages per batch and take no batching window.
    pub fn check_fifo(self) -> Result<(), Error> {
        if self.size > 10 || self.window_s > 0 {
            return Err(invalid(
                "SQS batch for a FIFO queue",
                format!("{} messages, {} s window", self.size, self.window_s),
                "at most 10 messages and no batching window",
            ));
        }
        Ok(())
    }
}

impl Default for Batch {
    /// SQS's defaults: 10 messages, no window.
    fn default() -> Self {
        Self {
            size: 10,
            window_s: 0,
        }
    }
}

/// An EventBridge Scheduler expression: `cron(…)` with six fields, `rate(N unit)` or a one-time
/// `at(yyyy-mm-ddThh:mm:ss)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ScheduleExpression(String);

impl ScheduleExpression {
    pub fn new(expression: &str) -> Result<Self, Error> {
        let e = expression.trim();
        let ok = if let Some(body) = inside(e, "cron(") {
            cron(body)
        } else if let Some(body) = inside(e, "rate(") {
            rate(body)
        } else if let Some(body) = inside(e, "at(") {
            at(body)
        } else {
            Err("cron(…), rate(…) or at(…)")
        };
        match ok {
            Ok(()) => Ok(Self(e.to_owned())),
            Err(expected) => Err(Error::Invalid {
                what: "schedule expression",
                value: expression.to_owned(),
                expected,
            }),
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn inside<'a>(e: &'a str, open: &str) -> Option<&'a str> {
    e.strip_prefix(open)?.strip_suffix(')')
}

fn number(s: &str) -> Option<u32> {
    (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// One cron field's values: its range and the names it accepts (`JAN`, `MON`).
struct Field {
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

impl Field {
    fn value(&self, s: &str) -> Option<u32> {
        number(s)
            .or_else(|| {
                self.names
                    .iter()
                    .position(|n| n.eq_ignore_ascii_case(s))
                    .map(|i| self.min + i as u32)
            })
            .filter(|v| (self.min..=self.max).contains(v))
    }
    /// `*`, `v`, `a-b`, each optionally `/step`, in a comma-separated list.
    fn list(&self, s: &str) -> bool {
        !s.is_empty()
            && s.split(',').all(|item| {
                let (base, step) = match item.split_once('/') {
                    Some((b, st)) => (b, Some(st)),
                    None => (item, None),
                };
                let step_ok = step.is_none_or(|st| {
                    number(st).is_some_and(|n| n >= 1 && n <= self.max - self.min + 1)
                });
                let base_ok = base == "*"
                    || self.value(base).is_some()
                    || base.split_once('-').is_some_and(|(a, b)| {
                        matches!((self.value(a), self.value(b)), (Some(a), Some(b)) if a <= b)
                    });
                step_ok && base_ok
            })
    }
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// `minutes hours day-of-month month day-of-week year`; exactly one of the two day fields is
/// `?`, as EventBridge requires.
fn cron(body: &str) -> Result<(), &'static str> {
    const SHAPE: &str = "cron(minutes hours day-of-month month day-of-week year) with values in range and exactly one of day-of-month and day-of-week set to ?";
    let fields: Vec<&str> = body.split_whitespace().collect();
    let [minutes, hours, dom, month, dow, year] = fields.as_slice() else {
        return Err(SHAPE);
    };
    let plain = |min, max, names| Field { min, max, names };
    let day_of_month = plain(1, 31, &[]);
    let day_of_week = plain(1, 7, &DAYS);
    let ok = plain(0, 59, &[]).list(minutes)
        && plain(0, 23, &[]).list(hours)
        && plain(1, 12, &MONTHS).list(month)
        && plain(1970, 2199, &[]).list(year)
        && (*dom == "?") != (*dow == "?")
        && (*dom == "?"
            || *dom == "L"
            || *dom == "LW"
            || dom
                .strip_suffix('W')
                .is_some_and(|d| day_of_month.value(d).is_some())
            || day_of_month.list(dom))
        && (*dow == "?"
            || *dow == "L"
            || dow
                .strip_suffix('L')
                .is_some_and(|d| day_of_week.value(d).is_some())
            || dow.split_once('#').is_some_and(|(d, n)| {
                day_of_week.value(d).is_some() && number(n).is_some_and(|n| (1..=5).contains(&n))
            })
            || day_of_week.list(dow));
    if ok { Ok(()) } else { Err(SHAPE) }
}

/// `N minute(s)|hour(s)|day(s)`, singular exactly when N is 1.
fn rate(body: &str) -> Result<(), &'static str> {
    const SHAPE: &str = "rate(N unit): a positive whole number and minute, hour or day (singular for 1, plural otherwise)";
    let mut words = body.split_whitespace();
    let (Some(n), Some(unit), None) = (words.next(), words.next(), words.next()) else {
        return Err(SHAPE);
    };
    let Some(n) = number(n).filter(|n| *n >= 1) else {
        return Err(SHAPE);
    };
    let singular = ["minute", "hour", "day"].contains(&unit);
    let plural = ["minutes", "hours", "days"].contains(&unit);
    if (n == 1 && singular) || (n > 1 && plural) {
        Ok(())
    } else {
        Err(SHAPE)
    }
}

/// `yyyy-mm-ddThh:mm:ss`: a day of the calendar (the model map's `Date`) and a time of day.
fn at(body: &str) -> Result<(), &'static str> {
    const SHAPE: &str = "at(yyyy-mm-ddThh:mm:ss), a real date and time";
    let (day, time) = body.split_once('T').ok_or(SHAPE)?;
    model_map::Date::parse(day).ok_or(SHAPE)?;
    let b = time.as_bytes();
    let two = |i: usize| {
        b.get(i..i + 2)
            .filter(|p| p.iter().all(u8::is_ascii_digit))
            .map(|p| u32::from(p[0] - b'0') * 10 + u32::from(p[1] - b'0'))
    };
    match (b.len(), b.get(2), b.get(5), two(0), two(3), two(6)) {
        (8, Some(b':'), Some(b':'), Some(h), Some(m), Some(s)) if h < 24 && m < 60 && s < 60 => {
            Ok(())
        }
        _ => Err(SHAPE),
    }
}

/// The IANA time zone names, from the tz database (`infra-gen/data/time-zones.txt`).
const TIME_ZONES: &str = include_str!("../../../data/time-zones.txt");

/// An IANA time zone a schedule runs in (`Europe/Berlin`); the default is UTC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct TimeZone(String);

impl TimeZone {
    pub fn new(name: &str) -> Result<Self, Error> {
        let known = TIME_ZONES
            .lines()
            .filter(|l| !l.starts_with('#'))
            .any(|l| l == name);
        if known {
            Ok(Self(name.to_owned()))
        } else {
            Err(invalid(
                "time zone",
                name,
                "an IANA time zone name such as Europe/Berlin or America/New_York (case matters)",
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A function run on a schedule (SAM `Type: ScheduleV2`, an EventBridge Scheduler schedule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleSource {
    pub expression: ScheduleExpression,
    pub time_zone: Option<TimeZone>,
    /// Where Scheduler sends an invocation it could not deliver (a queue's ARN).
    pub dead_letter: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventSource {
    Sqs(SqsSource),
    Schedule(ScheduleSource),
}

/// One entry of the function's `Events`; SAM names what it creates `<Function><name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub name: crate::model::LogicalId,
    pub source: EventSource,
}

impl Event {
    pub(crate) fn to_json(&self) -> Value {
        match &self.source {
            EventSource::Sqs(s) => {
                let mut p = Map::new();
                p.insert("Queue".into(), json!(s.queue));
                p.insert("BatchSize".into(), json!(s.batch.size));
                if s.batch.window_s > 0 {
                    p.insert(
                        "MaximumBatchingWindowInSeconds".into(),
                        json!(s.batch.window_s),
                    );
                }
                if s.report_batch_item_failures {
                    p.insert(
                        "FunctionResponseTypes".into(),
                        json!(["ReportBatchItemFailures"]),
                    );
                }
                if let Some(n) = s.maximum_concurrency {
                    p.insert("ScalingConfig".into(), json!({ "MaximumConcurrency": n }));
                }
                json!({ "Type": "SQS", "Properties": p })
            }
            EventSource::Schedule(s) => {
                let mut p = Map::new();
                p.insert("ScheduleExpression".into(), json!(s.expression));
                if let Some(tz) = &s.time_zone {
                    p.insert("ScheduleExpressionTimezone".into(), json!(tz));
                }
                if let Some(dlq) = &s.dead_letter {
                    p.insert("DeadLetterConfig".into(), json!({ "Arn": dlq }));
                }
                json!({ "Type": "ScheduleV2", "Properties": p })
            }
        }
    }
}

/// Where an asynchronous invocation goes once its retries are spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DestinationType {
    #[serde(rename = "SQS")]
    Sqs,
    #[serde(rename = "SNS")]
    Sns,
}

/// SAM's `EventInvokeConfig`: retries and age of asynchronous invocations, and the
/// destination of those that still fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsyncInvoke {
    retries: u8,
    max_age_s: u32,
    pub on_failure: Option<(DestinationType, Expr)>,
}

impl AsyncInvoke {
    /// `retries` (0–2) and the oldest event Lambda still runs, `max_age_s` (60–21600 s).
    pub fn new(retries: u8, max_age_s: u32) -> Result<Self, Error> {
        if retries > 2 {
            return Err(invalid("retry attempts", retries.to_string(), "0 to 2"));
        }
        if !(60..=21_600).contains(&max_age_s) {
            return Err(invalid(
                "maximum event age",
                max_age_s.to_string(),
                "60 to 21600 seconds",
            ));
        }
        Ok(Self {
            retries,
            max_age_s,
            on_failure: None,
        })
    }
    pub fn retries(&self) -> u8 {
        self.retries
    }
    pub fn max_age_s(&self) -> u32 {
        self.max_age_s
    }
}

impl Serialize for AsyncInvoke {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut v = json!({
            "MaximumRetryAttempts": self.retries,
            "MaximumEventAgeInSeconds": self.max_age_s,
        });
        if let (Some((kind, arn)), Value::Object(m)) = (&self.on_failure, &mut v) {
            m.insert(
                "DestinationConfig".into(),
                json!({ "OnFailure": { "Type": kind, "Destination": arn } }),
            );
        }
        v.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A valid value of a field with `min..=max`, written as EventBridge accepts it.
    fn item(min: u32, max: u32) -> impl Strategy<Value = String> {
        prop_oneof![
            Just("*".to_owned()),
            (min..=max).prop_map(|v| v.to_string()),
            (min..=max, min..=max).prop_map(|(a, b)| format!("{}-{}", a.min(b), a.max(b))),
            (1..=(max - min + 1)).prop_map(|s| format!("*/{s}")),
            (min..=max, 1..=(max - min + 1)).prop_map(|(a, s)| format!("{a}/{s}")),
        ]
    }

    fn field(min: u32, max: u32) -> impl Strategy<Value = String> {
        proptest::collection::vec(item(min, max), 1..3).prop_map(|v| v.join(","))
    }

    proptest! {
        /// Every expression built from the grammar is accepted.
        #[test]
        fn cron_expressions_from_the_grammar_are_accepted(
            minutes in field(0, 59),
            hours in field(0, 23),
            dom in prop_oneof![field(1, 31), Just("L".to_owned()), (1u32..=31).prop_map(|d| format!("{d}W"))],
            month in prop_oneof![field(1, 12), Just("JAN-MAR".to_owned())],
            dow in prop_oneof![field(1, 7), Just("MON-FRI".to_owned()), (1u32..=7, 1u32..=5).prop_map(|(d, n)| format!("{d}#{n}"))],
            year in prop_oneof![Just("*".to_owned()), field(1970, 2199)],
            question_on_dom in any::<bool>(),
        ) {
            let (dom, dow) = if question_on_dom { ("?".to_owned(), dow) } else { (dom, "?".to_owned()) };
            let e = format!("cron({minutes} {hours} {dom} {month} {dow} {year})");
            prop_assert!(ScheduleExpression::new(&e).is_ok(), "{}", e);
        }

        /// A value out of its field's range, or both day fields set, is refused.
        #[test]
        fn cron_expressions_out_of_range_or_with_both_days_are_refused(
            which in 0usize..6,
            over in 1u32..100,
            both_days in any::<bool>(),
        ) {
            let maxima = [59u32, 23, 31, 12, 7, 2199];
            let mut fields = ["0", "3", "*", "*", "?", "*"].map(str::to_owned);
            if both_days {
                fields[4] = "MON".into();
            } else {
                fields[which] = (maxima[which] + over).to_string();
                if which == 4 {
                    fields[2] = "?".into();
                }
            }
            let e = format!("cron({})", fields.join(" "));
            prop_assert!(ScheduleExpression::new(&e).is_err(), "{}", e);
        }

        #[test]
        fn rates_need_a_positive_count_and_the_matching_unit(n in 0u32..500, unit in 0usize..6) {
            let units = ["minute", "minutes", "hour", "hours", "day", "days"];
            let e = format!("rate({n} {})", units[unit]);
            let plural = unit % 2 == 1;
            prop_assert_eq!(ScheduleExpression::new(&e).is_ok(), n >= 1 && (n > 1) == plural, "{}", e);
        }

        /// A one-time run is a day of the calendar and a time of day, each written in full.
        #[test]
        fn one_time_runs_need_a_real_day_and_time(
            year in 1000u32..10_000, month in 0u32..14, day in 0u32..33,
            hour in 0u32..26, minute in 0u32..62, second in 0u32..62,
        ) {
            let e = format!("at({year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02})");
            let real_day = model_map::Date::from_ymd(i64::from(year), month, day).is_some();
            let real_time = hour < 24 && minute < 60 && second < 60;
            prop_assert_eq!(ScheduleExpression::new(&e).is_ok(), real_day && real_time, "{}", e);
            for cut in [&e[..e.len() - 2], &e.replace('T', " "), &e.replace(':', "-")] {
                let cut = if cut.ends_with(')') { cut.to_owned() } else { format!("{cut})") };
                prop_assert!(ScheduleExpression::new(&cut).is_err(), "{}", cut);
            }
        }

        /// The batch rules SQS enforces when the mapping is created.
        #[test]
        fn batches_follow_the_sqs_mapping_rules(size in 0u16..12_000, window in 0u16..400) {
            let ok = (1..=10_000).contains(&size) && window <= 300 && (size <= 10 || window >= 1);
            prop_assert_eq!(Batch::new(size, window).is_ok(), ok);
            if let Ok(b) = Batch::new(size, window) {
                prop_assert_eq!(b.check_fifo().is_ok(), size <= 10 && window == 0);
            }
        }
    }

    #[test]
    fn the_nightly_schedule_and_one_time_runs_are_accepted() {
        assert!(ScheduleExpression::new("cron(0 3 * * ? *)").is_ok());
        assert!(ScheduleExpression::new("at(2027-02-28T03:00:00)").is_ok());
        assert!(ScheduleExpression::new("at(2027-02-29T03:00:00)").is_err());
        assert!(ScheduleExpression::new("0 3 * * ? *").is_err());
    }

    #[test]
    fn time_zones_come_from_the_tz_database() {
        assert!(TimeZone::new("Europe/Berlin").is_ok());
        assert!(TimeZone::new("UTC").is_ok());
        assert!(TimeZone::new("Europe/Berlim").is_err());
        assert!(TimeZone::new("europe/berlin").is_err());
        assert!(TimeZone::new("# IANA time zone names").is_err());
    }
}
