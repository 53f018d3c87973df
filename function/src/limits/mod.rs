//! Per-key and per-group spend limits, rate limits and cost attribution, kept in DynamoDB.
//!
//! A request is admitted with [`Limits::admit`] — run beside the upstream's opening, not before
//! it — which reserves its worst-case cost in every scope under a monthly limit and counts it
//! in every scope's minute window, all or nothing; the [`Ticket`] it returns is settled with
//! the real usage when the request ends ([`Ticket::settle`]), which also records the cost for
//! `bootstrap usage`. ARCHITECTURE.md states the item design and the invariants.

pub mod dynamo;
pub mod policy;
pub mod pricing;
pub mod store;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_config::SdkConfig;
use http::StatusCode;

use crate::auth::Principal;
use crate::error::{ApiError, ErrorKind};
use crate::sse::Usage;
use dynamo::{Dynamo, DynamoError};
use model_map::{Rates, TokenUsage};
use policy::{Scope, ScopeKind};
use store::{Month, RateKind, Store};

/// How the limits layer is configured (`LIMITS_*` settings).
#[derive(Debug, Clone)]
pub struct LimitsSettings {
    /// The table (`LIMITS_TABLE`); without one nothing is recorded and limits cannot be held.
    pub table: Option<String>,
    /// Every table call of a request (admission, settlement) is bounded by this.
    pub timeout: Duration,
    /// Serve requests when the table cannot be reached (default: refuse them).
    pub fail_open: bool,
    /// How long an unsettled reservation holds budget before the next writer may reclaim it.
    pub lease: Duration,
}

pub struct Limits {
    store: Option<Arc<Store>>,
    settings: LimitsSettings,
}

/// What a request asks of its limits.
pub struct Demand<'a> {
    pub principal: &'a Principal,
    pub model: &'a str,
    /// The model's prices; `None` when the map has none.
    pub price: Option<Rates>,
    /// The most prompt tokens the request can hold ([`pricing::input_bound`]).
    pub input_bound: u64,
    /// `max_tokens`.
    pub max_output: u64,
    /// Unique per request: names its reservation.
    pub request_id: &'a str,
}

/// An admitted request: what it holds in the table until it is settled.
pub struct Ticket {
    store: Option<Arc<Store>>,
    timeout: Duration,
    id: String,
    month: Month,
    minute: u64,
    /// Every scope, with the amount reserved in it (if it has a monthly limit).
    spend: Vec<(Scope, Option<u64>)>,
    /// Scopes admitted to their minute window, with the output tokens reserved there.
    rate: Vec<(Scope, u64)>,
    price: Option<Rates>,
    /// Admission could not reach the table and the gateway fails open.
    pub admitted_without_table: bool,
}

/// What a settled request cost, for the access log and the metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Settlement {
    pub tokens: TokenUsage,
    /// Micro-USD; `None` when the model has no price.
    pub cost_micro_usd: Option<u64>,
    /// A write to the table failed or timed out (counted as `LimitWriteFailures`).
    pub write_failed: bool,
}

/// The output reserved for a request that names no `max_tokens` of a model whose map entry
/// gives none (the upstream will refuse it, but the reservation must not be smaller than any
/// model's output).
pub const UNKNOWN_MAX_OUTPUT: u64 = 128_000;

fn now_s() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn usd(micro: u64) -> String {
    format!("USD {:.2}", micro as f64 / 1e6)
}

fn who(scope: &Scope, principal: &Principal) -> String {
    match scope.kind {
        ScopeKind::Key => format!("API key {:?}", &*scope.name),
        ScopeKind::Group => format!(
            "the group {:?} of API key {:?}",
            &*scope.name, &*principal.name
        ),
    }
}

/// The spend-limit refusal: Anthropic answers its own spend caps with 400
/// `invalid_request_error` naming the day access returns, and its clients do not retry a 400
/// (`x-should-retry: false`).
fn spend_error(scope: &Scope, principal: &Principal, month: &Month, worst: u64) -> ApiError {
    let limit = scope.limits.monthly_micro_usd.unwrap_or(0);
    // A limit of 0 stops the key: nothing fits, whatever max_tokens says.
    let why = if worst > limit && limit > 0 {
        format!(
            "this request could cost up to {} (its max_tokens at the model's prices), more than \
             the whole monthly spend limit of {} of {}; lower max_tokens",
            usd(worst),
            usd(limit),
            who(scope, principal),
        )
    } else {
        format!(
            "{} has reached its monthly spend limit of {} (spend this month plus requests in \
             progress, with this request's maximum cost of {}); you will regain access on {} at \
             00:00 UTC",
            who(scope, principal),
            usd(limit),
            usd(worst),
            month.next_start_date(),
        )
    };
    ApiError::new(
        ErrorKind::InvalidRequest,
        format!(
            "{why}. This is a limit of this gateway: do not retry before then, or ask its operator to raise it."
        ),
    )
}

fn rate_error(scope: &Scope, principal: &Principal, kind: RateKind, now: u64) -> ApiError {
    let l = scope.limits;
    let (limit, what) = match kind {
        RateKind::Requests => (l.requests_per_minute, "requests"),
        RateKind::InputTokens => (l.input_tokens_per_minute, "input tokens"),
        RateKind::OutputTokens => (l.output_tokens_per_minute, "output tokens"),
    };
    // Fixed minute windows: the next one starts at the next whole minute.
    let retry_after = 60 - now % 60;
    let mut err = ApiError::new(
        ErrorKind::RateLimit,
        format!(
            "this request would exceed the rate limit of {} {what} per minute of {}; retry after {retry_after} seconds",
            limit.unwrap_or(0),
            who(scope, principal),
        ),
    );
    err.retry_after = Some(retry_after);
    err
}

fn unavailable(why: &str) -> ApiError {
    ApiError::internal(format!(
        "the gateway could not check this key's usage limits ({why}); retry shortly"
    ))
    .with_status(StatusCode::SERVICE_UNAVAILABLE)
}

/// The outcome of one scope's admission write.
enum Step {
    Done,
    /// No room; a rate refusal carries its error (a spend refusal's is worded later).
    Refused(Option<ApiError>),
    Failed(DynamoError),
}

/// Awaits `f` if there is one.
async fn maybe<F: std::future::Future>(f: Option<F>) -> Option<F::Output> {
    match f {
        Some(f) => Some(f.await),
        None => None,
    }
}

impl Limits {
    pub fn new(settings: LimitsSettings, sdk: &SdkConfig) -> Self {
        let store = settings.table.clone().map(|table| {
            Arc::new(Store::new(
                Dynamo::new(sdk, settings.timeout),
                table,
                settings.lease,
            ))
        });
        Self { store, settings }
    }

    /// Admits a request or refuses it with the error the client gets: 429 `rate_limit_error`
    /// with `retry-after`, 400 for a spend limit (not to be retried), 503 when the table cannot
    /// be reached and the gateway fails closed.
    pub async fn admit(&self, a: Demand<'_>) -> Result<Ticket, ApiError> {
        let scopes = a.principal.scopes();
        let now = now_s();
        let month = Month::of(now);
        let minute = now / 60;
        let worst = a
            .price
            .map(|p| pricing::worst_case(&p, a.input_bound, a.max_output));
        let limited = scopes.iter().any(|s| s.limits.monthly_micro_usd.is_some());
        if limited && worst.is_none() {
            return Err(ApiError::invalid(format!(
                "model {} has no price in this gateway's model map, and API key {:?} is under a \
                 spend limit, so its cost could not be counted; use a priced model or ask the \
                 operator to add the price",
                a.model, &*a.principal.name
            )));
        }
        let worst = worst.unwrap_or(0);
        let mut ticket = Ticket {
            store: self.store.clone(),
            timeout: self.settings.timeout,
            id: a.request_id.to_owned(),
            month,
            minute,
            spend: scopes.iter().map(|s| (s.clone(), None)).collect(),
            rate: Vec::new(),
            price: a.price,
            admitted_without_table: false,
        };
        // Worst case first: a request that cannot fit even an empty month needs no table.
        if let Some(s) = scopes
            .iter()
            .find(|s| s.limits.monthly_micro_usd.is_some_and(|l| worst > l))
        {
            return Err(spend_error(s, a.principal, &ticket.month, worst));
        }
        let any_rate = scopes.iter().any(|s| s.limits.any_rate());
        let Some(store) = self.store.clone() else {
            if limited || any_rate {
                return self.unreachable(ticket, "no LIMITS_TABLE is configured");
            }
            return Ok(ticket);
        };
        let output_reserve = |s: &Scope| {
            s.limits
                .output_tokens_per_minute
                .map_or(0, |o| a.max_output.min(o))
        };
        let spend_step = |scope: &Scope| {
            let store = store.clone();
            let month = ticket.month.name.clone();
            let id = ticket.id.clone();
            let scope = scope.clone();
            async move {
                // Only a scope with a monthly limit is reserved in.
                scope.limits.monthly_micro_usd?;
                Some(
                    match store.reserve_spend(&scope, &month, &id, worst, now).await {
                        Ok(true) => Step::Done,
                        Ok(false) => Step::Refused(None),
                        Err(e) => Step::Failed(e),
                    },
                )
            }
        };
        let rate_step = |scope: &Scope| {
            let store = store.clone();
            let scope = scope.clone();
            let reserve = output_reserve(&scope);
            async move {
                if !scope.limits.any_rate() {
                    return None;
                }
                Some(match store.admit_rate(&scope, minute, reserve).await {
                    Ok(None) => Step::Done,
                    Ok(Some(kind)) => {
                        Step::Refused(Some(rate_error(&scope, a.principal, kind, now)))
                    }
                    Err(e) => Step::Failed(e),
                })
            }
        };
        let key = &scopes[0];
        let group = scopes.get(1);
        // All four writes at once: one round trip, whatever is limited.
        let work = async {
            let (a, b, c, d) = tokio::join!(
                spend_step(key),
                maybe(group.map(spend_step)),
                rate_step(key),
                maybe(group.map(rate_step)),
            );
            (a, b.flatten(), c, d.flatten())
        };
        let Ok((key_spend, group_spend, key_rate, group_rate)) =
            tokio::time::timeout(self.settings.timeout, work).await
        else {
            // Writes that landed are reclaimed when their lease expires (spend) or their minute
            // passes (rate): a timeout costs budget for a while, never lets spend past a limit.
            return self.unreachable(ticket, "the limits table did not answer in time");
        };
        let steps = [
            (key_spend, Some(key), true),
            (group_spend, group, true),
            (key_rate, Some(key), false),
            (group_rate, group, false),
        ];
        let mut refusal = None;
        let mut failure = None;
        for (step, scope, is_spend) in steps {
            let (Some(step), Some(scope)) = (step, scope) else {
                continue;
            };
            match step {
                Step::Done if is_spend => {
                    if let Some(held) = ticket.spend.iter_mut().find(|(s, _)| s == scope) {
                        held.1 = Some(worst);
                    }
                }
                Step::Done => ticket.rate.push((scope.clone(), output_reserve(scope))),
                Step::Refused(e) => {
                    let e =
                        e.unwrap_or_else(|| spend_error(scope, a.principal, &ticket.month, worst));
                    // Steps come spend first: a spend refusal, which a retry cannot help, wins.
                    refusal.get_or_insert(e);
                }
                Step::Failed(e) => failure = Some(e),
            }
        }
        if refusal.is_none() && failure.is_none() {
            return Ok(ticket);
        }
        // All or nothing: give back what this request took before answering.
        ticket.release().await;
        if let Some(e) = refusal {
            return Err(e);
        }
        let e = failure.map_or_else(String::new, |e| e.to_string());
        tracing::warn!(error = %e, "a limits table write failed");
        self.unreachable(ticket, "the limits table refused the write")
    }

    fn unreachable(&self, mut ticket: Ticket, why: &str) -> Result<Ticket, ApiError> {
        if self.settings.fail_open {
            tracing::warn!(reason = why, "usage limits not checked: failing open");
            ticket.spend.iter_mut().for_each(|(_, held)| *held = None);
            ticket.rate.clear();
            ticket.admitted_without_table = true;
            Ok(ticket)
        } else {
            Err(unavailable(why))
        }
    }
}

impl Ticket {
    /// The cost of `usage` at the model's price.
    pub fn cost(&self, usage: &Usage) -> (TokenUsage, Option<u64>) {
        let tokens = pricing::tokens(usage);
        (tokens, self.price.map(|p| pricing::cost(&p, &tokens)))
    }

    /// The holds of this ticket, moved into a new one (this one then holds nothing).
    fn take(&mut self) -> Ticket {
        Ticket {
            store: self.store.clone(),
            timeout: self.timeout,
            id: self.id.clone(),
            month: self.month.clone(),
            minute: self.minute,
            spend: std::mem::take(&mut self.spend),
            rate: std::mem::take(&mut self.rate),
            price: self.price,
            admitted_without_table: self.admitted_without_table,
        }
    }

    /// Gives back every reservation unused (a refused admission).
    async fn release(&mut self) {
        let Some(store) = self.store.clone() else {
            return;
        };
        let month = self.month.name.clone();
        let spend = std::mem::take(&mut self.spend);
        let rate = std::mem::take(&mut self.rate);
        let work = async {
            for (scope, held) in &spend {
                if let Some(amount) = held
                    && let Err(e) = store.release_spend(scope, &month, &self.id, *amount).await
                {
                    tracing::warn!(error = %e, "could not release a reservation; it expires with its lease");
                }
            }
            for (scope, output) in &rate {
                if let Err(e) = store.release_rate(scope, self.minute, *output).await {
                    tracing::warn!(error = %e, "could not release a minute-window count");
                }
            }
        };
        let _ = tokio::time::timeout(self.timeout, work).await;
    }

    /// Records the request's real usage: its cost replaces the reservations, in every scope.
    /// Bounded by the limits timeout; a failure is reported in the result (the reservation then
    /// expires with its lease), never to the client, whose answer is already out.
    pub async fn settle(mut self, usage: &Usage) -> Settlement {
        // From here the holds are this call's, so dropping the ticket releases nothing; a
        // settlement cut short leaves its leases to expire.
        let held_spend = std::mem::take(&mut self.spend);
        let held_rate = std::mem::take(&mut self.rate);
        let (tokens, cost) = self.cost(usage);
        let mut out = Settlement {
            tokens,
            cost_micro_usd: cost,
            write_failed: self.admitted_without_table,
        };
        let Some(store) = self.store.clone() else {
            return out;
        };
        let month = &self.month.name;
        let spend = |i: usize| {
            held_spend.get(i).map(|(scope, held)| {
                store.settle_spend(scope, month, &self.id, *held, cost, &tokens)
            })
        };
        let rate = |i: usize| {
            held_rate
                .get(i)
                .map(|(scope, reserved)| store.settle_rate(scope, self.minute, *reserved, &tokens))
        };
        // At most two scopes: every write at once, one round trip.
        let work = async {
            let (a, b, c, d) = tokio::join!(
                maybe(spend(0)),
                maybe(spend(1)),
                maybe(rate(0)),
                maybe(rate(1))
            );
            let mut failed = false;
            for e in [a, b, c, d].into_iter().flatten().filter_map(Result::err) {
                tracing::warn!(error = %e, request_id = %self.id, "could not record a request's cost in the limits table");
                failed = true;
            }
            failed
        };
        match tokio::time::timeout(self.timeout, work).await {
            Ok(failed) => out.write_failed |= failed,
            Err(_) => {
                tracing::warn!(request_id = %self.id, "the limits table did not record the cost in time");
                out.write_failed = true;
            }
        }
        out
    }
}

/// A ticket dropped unsettled (the client left before the upstream answered, a task was
/// cancelled) gives its holds back on its own task; if that cannot run (the instance is frozen
/// or killed), the leases expire and the next writer reclaims them.
impl Drop for Ticket {
    fn drop(&mut self) {
        let holds = self.spend.iter().any(|(_, held)| held.is_some()) || !self.rate.is_empty();
        if !holds || self.store.is_none() {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let mut abandoned = self.take();
            runtime.spawn(async move { abandoned.release().await });
        }
    }
}
