//! What a request costs, on the `model-map` contract's prices (`Rates`: micro-USD per million
//! tokens; `Rates::cost` rounds up to a micro-USD): the usage a response reported, split as the
//! contract bills it, and the most a request can cost before it runs.

use model_map::{Rates, TokenUsage};

use crate::sse::Usage;

/// The counts a response reported, as they are billed. Cache writes the upstream did not split
/// by time to live (`cache_creation_input_tokens` without `cache_creation`, or more than its
/// parts: the InvokeModel and Converse paths) count at the 1-hour rate, the dearer one, as the
/// contract asks, so a charge is never below what was written.
pub fn tokens(usage: &Usage) -> TokenUsage {
    let split = usage.cache_creation.unwrap_or_default();
    let five = split.ephemeral_5m_input_tokens.unwrap_or(0);
    let hour = split.ephemeral_1h_input_tokens.unwrap_or(0);
    let unsplit = usage
        .cache_creation_input_tokens
        .unwrap_or(0)
        .saturating_sub(five.saturating_add(hour));
    TokenUsage {
        input: usage.input_tokens.unwrap_or(0),
        output: usage.output_tokens.unwrap_or(0),
        cache_read: usage.cache_read_input_tokens.unwrap_or(0),
        cache_write_5m: five,
        cache_write_1h: hour.saturating_add(unsplit),
    }
}

/// What `t` costs in micro-USD, rounded up.
pub fn cost(rates: &Rates, t: &TokenUsage) -> u64 {
    rates.cost(t).0
}

/// The most a request can cost: every prompt token at the dearest input rate (a plain input, a
/// cache write of either TTL or a cache read) and `max_output` output tokens. At least
/// [`cost`] of any usage with `input + cache tokens <= input_bound` and `output <= max_output`
/// (property-tested), since it is the cost of a usage that puts every prompt token where the
/// dearest rate is.
pub fn worst_case(rates: &Rates, input_bound: u64, max_output: u64) -> u64 {
    let per = |r: model_map::PerMtok| r.micro_usd().0;
    let dearest = [
        (
            per(rates.input),
            TokenUsage {
                input: input_bound,
                ..TokenUsage::default()
            },
        ),
        (
            per(rates.cache_write_5m),
            TokenUsage {
                cache_write_5m: input_bound,
                ..TokenUsage::default()
            },
        ),
        (
            per(rates.cache_write_1h),
            TokenUsage {
                cache_write_1h: input_bound,
                ..TokenUsage::default()
            },
        ),
        (
            per(rates.cache_read),
            TokenUsage {
                cache_read: input_bound,
                ..TokenUsage::default()
            },
        ),
    ]
    .into_iter()
    .max_by_key(|(rate, _)| *rate)
    .map(|(_, usage)| usage)
    .unwrap_or_default();
    cost(
        rates,
        &TokenUsage {
            output: max_output,
            ..dearest
        },
    )
}

/// Prompt tokens a request body of `body_bytes` can hold at most: a token is at least one byte
/// of the text it encodes, and images and documents are billed far below their base64 size; the
/// margin covers what the upstream adds to the prompt (the tool-use system prompt, turn
/// markers). Capped by the model's context window when the map gives one.
pub fn input_bound(body_bytes: usize, max_input_tokens: Option<u64>) -> u64 {
    let bytes = u64::try_from(body_bytes).unwrap_or(u64::MAX);
    let bound = bytes.saturating_add(PROMPT_MARGIN_TOKENS);
    max_input_tokens.map_or(bound, |m| bound.min(m))
}

/// Tokens the upstream adds to a prompt beyond its body (Anthropic documents a few hundred for
/// the tool-use system prompt).
pub const PROMPT_MARGIN_TOKENS: u64 = 4096;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sse::CacheCreation;
    use proptest::prelude::*;

    /// Rates from micro-USD per million tokens, written as the map writes them (decimal USD).
    fn rates(input: u64, output: u64, w5: u64, w1: u64, read: u64) -> Rates {
        let usd = |m: u64| format!("{}.{:06}", m / 1_000_000, m % 1_000_000);
        serde_json::from_value(serde_json::json!({
            "input": usd(input), "output": usd(output), "cache_write_5m": usd(w5),
            "cache_write_1h": usd(w1), "cache_read": usd(read),
        }))
        .expect("rates")
    }

    fn any_rates() -> impl Strategy<Value = Rates> {
        // Up to $10,000 per million tokens: far above any model's price.
        let p = 0u64..10_000_000_000;
        (p.clone(), p.clone(), p.clone(), p.clone(), p)
            .prop_map(|(a, b, c, d, e)| rates(a, b, c, d, e))
    }

    fn any_tokens() -> impl Strategy<Value = TokenUsage> {
        let n = 0u64..2_000_000;
        (n.clone(), n.clone(), n.clone(), n.clone(), n).prop_map(|(a, b, c, d, e)| TokenUsage {
            input: a,
            output: b,
            cache_write_5m: c,
            cache_write_1h: d,
            cache_read: e,
        })
    }

    proptest! {
        #[test]
        fn the_worst_case_covers_every_usage_within_its_bounds(r in any_rates(), t in any_tokens()) {
            let prompt = t.input + t.cache_write_5m + t.cache_write_1h + t.cache_read;
            prop_assert!(worst_case(&r, prompt, t.output) >= cost(&r, &t));
        }

        #[test]
        fn a_larger_bound_never_lowers_the_worst_case(r in any_rates(), i in 0u64..2_000_000, o in 0u64..200_000) {
            prop_assert!(worst_case(&r, i, o) <= worst_case(&r, i + 1, o));
            prop_assert!(worst_case(&r, i, o) <= worst_case(&r, i, o + 1));
        }

        #[test]
        fn unsplit_cache_writes_are_charged_at_the_dearer_rate(
            total in 0u64..1_000_000, five in 0u64..1_000_000, hour in 0u64..1_000_000,
        ) {
            let usage = Usage {
                cache_creation_input_tokens: Some(total),
                cache_creation: Some(CacheCreation {
                    ephemeral_5m_input_tokens: Some(five),
                    ephemeral_1h_input_tokens: Some(hour),
                }),
                ..Usage::default()
            };
            let t = tokens(&usage);
            prop_assert_eq!(t.cache_write_5m + t.cache_write_1h, total.max(five + hour));
            prop_assert_eq!(t.cache_write_5m, five);
            prop_assert!(t.cache_write_1h >= hour);
        }
    }

    #[test]
    fn a_worked_example_matches_the_arithmetic_by_hand() {
        // $3 in, $15 out, $3.75 / $6 cache writes, $0.30 cache reads per million tokens.
        let r = rates(3_000_000, 15_000_000, 3_750_000, 6_000_000, 300_000);
        let t = TokenUsage {
            input: 1000,
            output: 500,
            cache_write_5m: 2000,
            cache_write_1h: 100,
            cache_read: 10_000,
        };
        // 3000 + 7500 + 7500 + 600 + 3000 micro-USD.
        assert_eq!(cost(&r, &t), 21_600);
        // 100 prompt tokens at $6 (the 1-hour write) and 10 output tokens at $15.
        assert_eq!(worst_case(&r, 100, 10), 600 + 150);
        assert_eq!(input_bound(100, None), 100 + PROMPT_MARGIN_TOKENS);
        assert_eq!(input_bound(10_000_000, Some(1_000_000)), 1_000_000);
    }
}
