//! What a request costs: token counts × the model's prices, in whole micro-USD.
//!
//! Prices are per million tokens in micro-USD (so `$3 / MTok` is `3_000_000`), which keeps every
//! figure an integer; a cost is rounded up to the next micro-USD, so rounding never lets spend
//! slip under a limit.

use serde::Deserialize;

use crate::sse::Usage;

/// A model's prices in micro-USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub input: u64,
    pub output: u64,
    /// Writing the prompt cache with a 5-minute time to live.
    pub cache_write_5m: u64,
    /// Writing the prompt cache with a 1-hour time to live.
    pub cache_write_1h: u64,
    pub cache_read: u64,
}

/// Token counts of one request, split by how each is priced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tokens {
    pub input: u64,
    pub output: u64,
    pub cache_write_5m: u64,
    pub cache_write_1h: u64,
    pub cache_read: u64,
}

const PER: u128 = 1_000_000;

impl Tokens {
    /// The counts a response reported. Cache writes the upstream did not split by time to live
    /// (`cache_creation_input_tokens` without `cache_creation`, or more than its parts: the
    /// InvokeModel and Converse paths) are counted at the 1-hour rate, the dearer one, so a
    /// charge is never below what was written.
    pub fn from_usage(usage: &Usage) -> Self {
        let split = usage.cache_creation.unwrap_or_default();
        let five = split.ephemeral_5m_input_tokens.unwrap_or(0);
        let hour = split.ephemeral_1h_input_tokens.unwrap_or(0);
        let unsplit = usage
            .cache_creation_input_tokens
            .unwrap_or(0)
            .saturating_sub(five.saturating_add(hour));
        Self {
            input: usage.input_tokens.unwrap_or(0),
            output: usage.output_tokens.unwrap_or(0),
            cache_write_5m: five,
            cache_write_1h: hour.saturating_add(unsplit),
            cache_read: usage.cache_read_input_tokens.unwrap_or(0),
        }
    }
}

/// `ceil(sum / 1e6)`, saturating at `u64::MAX` (a cost no limit can hold).
fn micro_usd(sum: u128) -> u64 {
    u64::try_from(sum.div_ceil(PER)).unwrap_or(u64::MAX)
}

impl Price {
    /// The cost of `t` in micro-USD, rounded up.
    pub fn cost(&self, t: &Tokens) -> u64 {
        let term = |n: u64, p: u64| u128::from(n) * u128::from(p);
        micro_usd(
            term(t.input, self.input)
                + term(t.output, self.output)
                + term(t.cache_write_5m, self.cache_write_5m)
                + term(t.cache_write_1h, self.cache_write_1h)
                + term(t.cache_read, self.cache_read),
        )
    }

    /// The most a request can cost: every prompt token at the dearest input rate (a plain
    /// input, a cache write of either TTL or a cache read) and `max_output` output tokens.
    /// At least [`Price::cost`] of any usage with `input + cache tokens <= input_bound` and
    /// `output <= max_output` (property-tested).
    pub fn worst_case(&self, input_bound: u64, max_output: u64) -> u64 {
        let dearest = self
            .input
            .max(self.cache_write_5m)
            .max(self.cache_write_1h)
            .max(self.cache_read);
        micro_usd(
            u128::from(input_bound) * u128::from(dearest)
                + u128::from(max_output) * u128::from(self.output),
        )
    }
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

/// Tokens the upstream adds to a prompt beyond its body (Anthropic documents up to a few hundred
/// for the tool-use system prompt).
pub const PROMPT_MARGIN_TOKENS: u64 = 4096;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sse::CacheCreation;
    use proptest::prelude::*;

    fn price() -> impl Strategy<Value = Price> {
        // Up to $10,000 per million tokens: far above any model's price.
        let p = 0u64..10_000_000_000;
        (p.clone(), p.clone(), p.clone(), p.clone(), p).prop_map(|(a, b, c, d, e)| Price {
            input: a,
            output: b,
            cache_write_5m: c,
            cache_write_1h: d,
            cache_read: e,
        })
    }

    fn tokens() -> impl Strategy<Value = Tokens> {
        let n = 0u64..2_000_000;
        (n.clone(), n.clone(), n.clone(), n.clone(), n).prop_map(|(a, b, c, d, e)| Tokens {
            input: a,
            output: b,
            cache_write_5m: c,
            cache_write_1h: d,
            cache_read: e,
        })
    }

    /// The exact cost in micro-USD as a rational, for comparison: numerator over 1e6.
    fn exact(p: &Price, t: &Tokens) -> u128 {
        [
            (t.input, p.input),
            (t.output, p.output),
            (t.cache_write_5m, p.cache_write_5m),
            (t.cache_write_1h, p.cache_write_1h),
            (t.cache_read, p.cache_read),
        ]
        .iter()
        .map(|&(n, p)| u128::from(n) * u128::from(p))
        .sum()
    }

    proptest! {
        #[test]
        fn cost_is_the_exact_sum_rounded_up_to_a_micro_usd(p in price(), t in tokens()) {
            let cost = u128::from(p.cost(&t));
            let e = exact(&p, &t);
            prop_assert!(cost * PER >= e, "never below the exact cost");
            prop_assert!(cost * PER < e + PER, "less than one micro-USD above it");
        }

        #[test]
        fn cost_is_additive_within_rounding(p in price(), a in tokens(), b in tokens()) {
            let sum = Tokens {
                input: a.input + b.input,
                output: a.output + b.output,
                cache_write_5m: a.cache_write_5m + b.cache_write_5m,
                cache_write_1h: a.cache_write_1h + b.cache_write_1h,
                cache_read: a.cache_read + b.cache_read,
            };
            let whole = p.cost(&sum);
            let parts = p.cost(&a) + p.cost(&b);
            prop_assert!(whole <= parts && parts <= whole + 1);
        }

        #[test]
        fn the_worst_case_covers_every_usage_within_its_bounds(p in price(), t in tokens()) {
            let prompt = t.input + t.cache_write_5m + t.cache_write_1h + t.cache_read;
            prop_assert!(p.worst_case(prompt, t.output) >= p.cost(&t));
        }

        #[test]
        fn more_tokens_never_cost_less(p in price(), t in tokens(), extra in 0u64..1_000_000) {
            let more = Tokens { output: t.output + extra, ..t };
            prop_assert!(p.cost(&more) >= p.cost(&t));
            prop_assert!(p.worst_case(extra, t.output) <= p.worst_case(extra + 1, t.output + 1));
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
            let t = Tokens::from_usage(&usage);
            prop_assert_eq!(t.cache_write_5m + t.cache_write_1h, total.max(five + hour));
            prop_assert_eq!(t.cache_write_5m, five);
            prop_assert!(t.cache_write_1h >= hour);
        }
    }

    #[test]
    fn a_worked_example_matches_the_arithmetic_by_hand() {
        // $3 in, $15 out, $3.75 / $6 cache writes, $0.30 cache reads per million tokens.
        let p = Price {
            input: 3_000_000,
            output: 15_000_000,
            cache_write_5m: 3_750_000,
            cache_write_1h: 6_000_000,
            cache_read: 300_000,
        };
        let t = Tokens {
            input: 1000,
            output: 500,
            cache_write_5m: 2000,
            cache_write_1h: 100,
            cache_read: 10_000,
        };
        // 3000 + 7500 + 7500 + 600 + 3000 micro-USD.
        assert_eq!(p.cost(&t), 21_600);
        assert_eq!(
            p.cost(&Tokens {
                input: 1,
                ..Tokens::default()
            }),
            3
        );
        assert_eq!(
            p.cost(&Tokens {
                cache_read: 1,
                ..Tokens::default()
            }),
            1,
            "0.3 rounds up"
        );
        assert_eq!(input_bound(100, None), 100 + PROMPT_MARGIN_TOKENS);
        assert_eq!(input_bound(10_000_000, Some(1_000_000)), 1_000_000);
    }
}
