//! The limits table and its protocol. Every write is one atomic `UpdateItem` on one item, guarded
//! by a `ConditionExpression` where it must not pass a limit; nothing is read, changed and
//! written back.
//!
//! Items (partition `pk`, sort `sk`, both strings; `pk` is `key#<name>` or `group#<name>`):
//!
//! - `sk = spend#<YYYY-MM>`: the month's spend of the scope. `committed` is settled spend plus
//!   open reservations (one attribute, so one condition can compare it with `limit - amount`),
//!   `spent` the settled spend alone, token counters, `requests`, and one `lease_<request id>`
//!   map `{amount, until}` per open reservation.
//! - `sk = rate#<minute>` (minutes since the epoch): the minute's `requests`, `input_tokens`
//!   and `output_tokens`, expired by the table's TTL attribute `expires_at`.

use std::time::Duration;

use serde_json::{Map, Value, json};

use super::dynamo::{Dynamo, DynamoError, n, number, s, string};
use super::policy::{Scope, ScopeKind};
use model_map::TokenUsage as Tokens;

/// The table's time-to-live attribute (epoch seconds).
pub const TTL_ATTRIBUTE: &str = "expires_at";
const LEASE_PREFIX: &str = "lease_";
/// Minute windows are kept a little past their minute, for a request that settles late.
const RATE_ITEM_LIFETIME_S: u64 = 3600;

pub struct Store {
    db: Dynamo,
    table: String,
    /// How long a reservation holds budget if it is never settled (the instance was killed).
    lease: Duration,
}

/// Which per-minute limit a request would pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateKind {
    Requests,
    InputTokens,
    OutputTokens,
}

/// A month as `YYYY-MM` and when the next one begins (epoch seconds, UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    pub name: String,
    pub next_starts: u64,
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil year and month of a day since the epoch (`civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month)
}

impl Month {
    /// The UTC month of `epoch_s`.
    pub fn of(epoch_s: u64) -> Self {
        let days = i64::try_from(epoch_s / 86_400).unwrap_or(0);
        let (y, m) = civil_from_days(days);
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        let next = days_from_civil(ny, nm, 1) * 86_400;
        Self {
            name: format!("{y:04}-{m:02}"),
            next_starts: u64::try_from(next).unwrap_or(u64::MAX),
        }
    }

    /// `YYYY-MM-DD` of the next month's first day.
    pub fn next_start_date(&self) -> String {
        let days = i64::try_from(self.next_starts / 86_400).unwrap_or(0);
        let (y, m) = civil_from_days(days);
        format!("{y:04}-{m:02}-01")
    }
}

/// One row of `bootstrap usage`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRow {
    pub kind: ScopeKind,
    pub name: String,
    /// Settled spend in micro-USD.
    pub spent: i64,
    /// Settled spend plus open reservations.
    pub committed: i64,
    pub requests: i64,
    /// Requests whose model had no price (counted in tokens, not in spend).
    pub unpriced: i64,
    pub open_leases: usize,
}

fn key(scope: &Scope, sk: &str) -> Value {
    json!({"pk": s(scope.partition()), "sk": s(sk)})
}

fn spend_sk(month: &str) -> String {
    format!("spend#{month}")
}

fn rate_sk(minute: u64) -> String {
    format!("rate#{minute}")
}

fn lease_name(id: &str) -> String {
    format!("{LEASE_PREFIX}{id}")
}

impl Store {
    pub fn new(db: Dynamo, table: String, lease: Duration) -> Self {
        Self { db, table, lease }
    }

    async fn update(&self, mut body: Value) -> Result<Value, DynamoError> {
        body["TableName"] = json!(self.table);
        self.db.call("UpdateItem", &body).await
    }

    /// Reserves `amount` of the scope's monthly limit for request `id`: adds it to `committed`
    /// with the lease, only if `committed <= limit - amount`. On refusal, leases past their
    /// time are reclaimed (each at most once, by whoever removes it) and the reservation is
    /// tried again. `Ok(false)`: the limit has no room for `amount`.
    pub async fn reserve_spend(
        &self,
        scope: &Scope,
        month: &str,
        id: &str,
        amount: u64,
        now_s: u64,
    ) -> Result<bool, DynamoError> {
        let Some(limit) = scope.limits.monthly_micro_usd else {
            return Ok(true);
        };
        let Some(room) = limit.checked_sub(amount) else {
            return Ok(false);
        };
        let until = now_s.saturating_add(self.lease.as_secs());
        // Reclaiming frees room at most once per lease; two rounds cover a lease expiring
        // between them, and bound the work of one request.
        for _ in 0..2 {
            let attempt = self
                .update(json!({
                    "Key": key(scope, &spend_sk(month)),
                    "UpdateExpression": "SET #lease = :lease ADD committed :amount",
                    "ConditionExpression": "attribute_not_exists(committed) OR committed <= :room",
                    "ExpressionAttributeNames": {"#lease": lease_name(id)},
                    "ExpressionAttributeValues": {
                        ":lease": {"M": {"amount": n(amount), "until": n(until)}},
                        ":amount": n(amount),
                        ":room": n(room),
                    },
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }))
                .await;
            match attempt {
                Ok(_) => return Ok(true),
                Err(DynamoError::ConditionFailed { item }) => {
                    let reclaimed = match item {
                        Some(item) => self.reclaim(scope, month, &item, now_s).await?,
                        None => 0,
                    };
                    if reclaimed == 0 {
                        return Ok(false);
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(false)
    }

    /// Removes the expired leases of `item` and their amounts from `committed`, each guarded by
    /// the lease still being there, so a lease is released once however many try.
    async fn reclaim(
        &self,
        scope: &Scope,
        month: &str,
        item: &Map<String, Value>,
        now_s: u64,
    ) -> Result<usize, DynamoError> {
        let mut reclaimed = 0;
        for (name, lease) in item.iter().filter(|(k, _)| k.starts_with(LEASE_PREFIX)) {
            let Some(lease) = lease.get("M").and_then(Value::as_object) else {
                continue;
            };
            let (Some(amount), Some(until)) = (number(lease, "amount"), number(lease, "until"))
            else {
                continue;
            };
            if u64::try_from(until).unwrap_or(0) >= now_s {
                continue;
            }
            if self
                .remove_lease(scope, month, name, amount.saturating_neg())
                .await?
            {
                tracing::warn!(scope = %scope.partition(), lease = %name, amount, "reclaimed a reservation that was never settled");
                reclaimed += 1;
            }
        }
        Ok(reclaimed)
    }

    /// Removes lease `name` and adds `delta` to `committed`, if the lease is still there.
    async fn remove_lease(
        &self,
        scope: &Scope,
        month: &str,
        name: &str,
        delta: i64,
    ) -> Result<bool, DynamoError> {
        let removed = self
            .update(json!({
                "Key": key(scope, &spend_sk(month)),
                "UpdateExpression": "REMOVE #lease ADD committed :delta",
                "ConditionExpression": "attribute_exists(#lease)",
                "ExpressionAttributeNames": {"#lease": name},
                "ExpressionAttributeValues": {":delta": n(delta)},
            }))
            .await;
        match removed {
            Ok(_) => Ok(true),
            Err(DynamoError::ConditionFailed { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Gives a reservation back unused (the request was refused or failed before any use).
    pub async fn release_spend(
        &self,
        scope: &Scope,
        month: &str,
        id: &str,
        amount: u64,
    ) -> Result<(), DynamoError> {
        let delta = i64::try_from(amount).unwrap_or(i64::MAX).saturating_neg();
        self.remove_lease(scope, month, &lease_name(id), delta)
            .await
            .map(|_| ())
    }

    /// Records what a request cost: `spent` and the counters grow by the real figures, and
    /// `committed` trades the reservation (if `reserved` and still held) for the real cost. A
    /// lease already reclaimed is charged in full again, since the cost was real.
    pub async fn settle_spend(
        &self,
        scope: &Scope,
        month: &str,
        id: &str,
        reserved: Option<u64>,
        cost: Option<u64>,
        tokens: &Tokens,
    ) -> Result<(), DynamoError> {
        let cost_i = |c: u64| i64::try_from(c).unwrap_or(i64::MAX);
        let mut values = json!({
            ":one": n(1),
            ":in": n(tokens.input),
            ":out": n(tokens.output),
            ":w5": n(tokens.cache_write_5m),
            ":w1": n(tokens.cache_write_1h),
            ":rd": n(tokens.cache_read),
        });
        let counters = "requests :one, input_tokens :in, output_tokens :out, \
                        cache_write_5m_tokens :w5, cache_write_1h_tokens :w1, cache_read_tokens :rd";
        let money = match cost {
            Some(c) => {
                values[":cost"] = n(cost_i(c));
                "spent :cost, committed :delta"
            }
            // A model without a price (only where no spend limit applies): tokens, no spend.
            None => "unpriced :one, committed :delta",
        };
        let cost = cost.map_or(0, cost_i);
        if let Some(reserved) = reserved {
            let mut held = values.clone();
            held[":delta"] = n(cost - i64::try_from(reserved).unwrap_or(i64::MAX));
            let settled = self
                .update(json!({
                    "Key": key(scope, &spend_sk(month)),
                    "UpdateExpression": format!("REMOVE #lease ADD {counters}, {money}"),
                    "ConditionExpression": "attribute_exists(#lease)",
                    "ExpressionAttributeNames": {"#lease": lease_name(id)},
                    "ExpressionAttributeValues": held,
                }))
                .await;
            match settled {
                Ok(_) => return Ok(()),
                Err(DynamoError::ConditionFailed { .. }) => {
                    tracing::warn!(scope = %scope.partition(), request_id = id, "the reservation was reclaimed before it was settled; charging the cost again");
                }
                Err(e) => return Err(e),
            }
        }
        values[":delta"] = n(cost);
        self.update(json!({
            "Key": key(scope, &spend_sk(month)),
            "UpdateExpression": format!("ADD {counters}, {money}"),
            "ExpressionAttributeValues": values,
        }))
        .await
        .map(|_| ())
    }

    /// Counts a request in the scope's minute window, reserving `output` tokens of its output
    /// limit, if every per-minute limit still has room. `Ok(Some(kind))`: the limit that has none.
    pub async fn admit_rate(
        &self,
        scope: &Scope,
        minute: u64,
        output: u64,
    ) -> Result<Option<RateKind>, DynamoError> {
        let l = scope.limits;
        let mut conditions = Vec::new();
        let mut values = json!({
            ":one": n(1),
            ":out": n(output),
            ":exp": n(minute * 60 + RATE_ITEM_LIFETIME_S),
        });
        if let Some(rpm) = l.requests_per_minute {
            conditions.push("(attribute_not_exists(requests) OR requests <= :rpm_room)");
            values[":rpm_room"] = n(rpm - 1);
        }
        if let Some(otpm) = l.output_tokens_per_minute {
            conditions.push("(attribute_not_exists(output_tokens) OR output_tokens <= :otpm_room)");
            values[":otpm_room"] = n(otpm.saturating_sub(output));
        }
        if let Some(itpm) = l.input_tokens_per_minute {
            conditions.push("(attribute_not_exists(input_tokens) OR input_tokens < :itpm)");
            values[":itpm"] = n(itpm);
        }
        let mut body = json!({
            "Key": key(scope, &rate_sk(minute)),
            "UpdateExpression": format!("ADD requests :one, output_tokens :out SET {TTL_ATTRIBUTE} = :exp"),
            "ExpressionAttributeValues": values,
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        });
        if !conditions.is_empty() {
            body["ConditionExpression"] = json!(conditions.join(" AND "));
        }
        match self.update(body).await {
            Ok(_) => Ok(None),
            Err(DynamoError::ConditionFailed { item }) => {
                let item = item.unwrap_or_default();
                let at = |name| number(&item, name).unwrap_or(0);
                let over = |v: i64, room: u64| u64::try_from(v).unwrap_or(0) > room;
                let kind = if l
                    .requests_per_minute
                    .is_some_and(|r| over(at("requests"), r - 1))
                {
                    RateKind::Requests
                } else if l
                    .output_tokens_per_minute
                    .is_some_and(|o| over(at("output_tokens"), o.saturating_sub(output)))
                {
                    RateKind::OutputTokens
                } else {
                    RateKind::InputTokens
                };
                Ok(Some(kind))
            }
            Err(e) => Err(e),
        }
    }

    /// Gives back a request admitted to a minute window that then did not run.
    pub async fn release_rate(
        &self,
        scope: &Scope,
        minute: u64,
        output: u64,
    ) -> Result<(), DynamoError> {
        self.update(json!({
            "Key": key(scope, &rate_sk(minute)),
            "UpdateExpression": "ADD requests :minus, output_tokens :out",
            "ExpressionAttributeValues": {":minus": n(-1), ":out": n(-i128::from(output))},
        }))
        .await
        .map(|_| ())
    }

    /// Trades the window's output reservation for the real output, and adds the prompt tokens
    /// (plain input and cache writes: what the input limit counts).
    pub async fn settle_rate(
        &self,
        scope: &Scope,
        minute: u64,
        reserved_output: u64,
        tokens: &Tokens,
    ) -> Result<(), DynamoError> {
        let input = tokens.input + tokens.cache_write_5m + tokens.cache_write_1h;
        let delta = i128::from(tokens.output) - i128::from(reserved_output);
        self.update(json!({
            "Key": key(scope, &rate_sk(minute)),
            "UpdateExpression": format!("ADD input_tokens :in, output_tokens :out SET {TTL_ATTRIBUTE} = if_not_exists({TTL_ATTRIBUTE}, :exp)"),
            "ExpressionAttributeValues": {
                ":in": n(input),
                ":out": n(delta),
                ":exp": n(minute * 60 + RATE_ITEM_LIFETIME_S),
            },
        }))
        .await
        .map(|_| ())
    }

    /// Every scope's spend item of `month` (a Scan: the table holds a few items per key).
    pub async fn usage(&self, month: &str) -> Result<Vec<UsageRow>, DynamoError> {
        let mut rows = Vec::new();
        let mut start: Option<Value> = None;
        loop {
            let mut body = json!({
                "TableName": self.table,
                "FilterExpression": "sk = :sk",
                "ExpressionAttributeValues": {":sk": s(spend_sk(month))},
                "ConsistentRead": true,
            });
            if let Some(k) = start.take() {
                body["ExclusiveStartKey"] = k;
            }
            let page = self.db.call("Scan", &body).await?;
            for item in page
                .get("Items")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_object)
            {
                let Some((kind, name)) = string(item, "pk").and_then(|pk| pk.split_once('#'))
                else {
                    continue;
                };
                let kind = match kind {
                    "key" => ScopeKind::Key,
                    "group" => ScopeKind::Group,
                    _ => continue,
                };
                rows.push(UsageRow {
                    kind,
                    name: name.to_owned(),
                    spent: number(item, "spent").unwrap_or(0),
                    committed: number(item, "committed").unwrap_or(0),
                    requests: number(item, "requests").unwrap_or(0),
                    unpriced: number(item, "unpriced").unwrap_or(0),
                    open_leases: item.keys().filter(|k| k.starts_with(LEASE_PREFIX)).count(),
                });
            }
            match page.get("LastEvaluatedKey") {
                Some(k) if k.is_object() => start = Some(k.clone()),
                _ => break,
            }
        }
        rows.sort_by(|a, b| (a.kind.as_str(), &a.name).cmp(&(b.kind.as_str(), &b.name)));
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn months_and_their_ends_are_utc_calendar_months() {
        // 2026-12-06T08:49:04Z
        let m = Month::of(1_796_460_544);
        assert_eq!(m.name, "2026-12");
        assert_eq!(m.next_start_date(), "2027-01-01");
        assert_eq!(Month::of(0).name, "1970-01");
        assert_eq!(Month::of(0).next_starts, 31 * 86_400);
        // 2024-02-29T23:59:59Z, a leap day.
        let leap = Month::of(1_709_251_199);
        assert_eq!(
            (leap.name.as_str(), leap.next_start_date().as_str()),
            ("2024-02", "2024-03-01")
        );
        assert_eq!(Month::of(1_709_251_200).name, "2024-03");
    }

    proptest! {
        #[test]
        fn every_second_lies_in_its_month_and_before_the_next(epoch in 0u64..8_000_000_000) {
            let m = Month::of(epoch);
            prop_assert!(epoch < m.next_starts);
            let next = Month::of(m.next_starts);
            prop_assert!(next.name > m.name);
            // The second before the next month is still this month.
            prop_assert_eq!(Month::of(m.next_starts - 1).name, m.name);
        }
    }
}
