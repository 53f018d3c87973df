//! Prices per model, in integer micro-dollars: what a request costs is computed without floats.

use std::fmt;

use serde::Deserialize;

use crate::Date;

/// An amount of money in millionths of a US dollar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct MicroUsd(pub u64);

impl fmt::Display for MicroUsd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "${}.{:06}", self.0 / 1_000_000, self.0 % 1_000_000)
    }
}

/// A price in USD per million tokens, held as micro-dollars per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerMtok(MicroUsd);

impl PerMtok {
    /// A decimal dollar amount as the pricing pages write it (`"4"`, `"0.20"`, `"6.25"`): digits,
    /// at most one point, at most six decimals.
    pub fn parse(text: &str) -> Option<Self> {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 6 {
            return None;
        }
        if text.ends_with('.') {
            return None;
        }
        let whole: u64 = whole.parse().ok()?;
        let scale = 10u64.pow(6 - u32::try_from(fraction.len()).ok()?);
        let fraction: u64 = if fraction.is_empty() {
            0
        } else {
            fraction.parse().ok()?
        };
        let micro = whole
            .checked_mul(1_000_000)?
            .checked_add(fraction * scale)?;
        Some(Self(MicroUsd(micro)))
    }

    pub fn micro_usd(self) -> MicroUsd {
        self.0
    }
}

impl<'de> serde::Deserialize<'de> for PerMtok {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{text:?} is not a dollar amount: write it as a decimal string such as \"0.20\" (at most six decimals)"
            ))
        })
    }
}

/// A model's rates, each per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rates {
    /// Input tokens not read from or written to the prompt cache.
    pub input: PerMtok,
    pub output: PerMtok,
    /// Prompt-cache writes with the 5-minute lifetime.
    pub cache_write_5m: PerMtok,
    /// Prompt-cache writes with the 1-hour lifetime.
    pub cache_write_1h: PerMtok,
    /// Prompt-cache reads (hits and refreshes).
    pub cache_read: PerMtok,
}

/// The tokens of one request (or of several of one model), by how they are billed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TokenUsage {
    pub input: u64,
    pub output: u64,
    pub cache_read: u64,
    pub cache_write_5m: u64,
    pub cache_write_1h: u64,
}

impl Rates {
    /// What `usage` costs, rounded up to the next micro-dollar (a spend limit errs high), and
    /// saturating at `u64::MAX`. A caller that knows only the total of cache writes counts them
    /// as `cache_write_1h`, the dearer lifetime.
    pub fn cost(&self, usage: &TokenUsage) -> MicroUsd {
        let terms = [
            (usage.input, self.input),
            (usage.output, self.output),
            (usage.cache_read, self.cache_read),
            (usage.cache_write_5m, self.cache_write_5m),
            (usage.cache_write_1h, self.cache_write_1h),
        ];
        // Σ tokens × micro-dollars per million tokens, then one division: no rounding per term.
        let total: u128 = terms
            .iter()
            .map(|(tokens, rate)| u128::from(*tokens) * u128::from(rate.0.0))
            .sum();
        MicroUsd(u64::try_from(total.div_ceil(1_000_000)).unwrap_or(u64::MAX))
    }
}

/// Where a price was read: the page and the day.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub url: String,
    pub read: Date,
}

/// A model's price, or why there is none. A limit on spend cannot be kept for a model whose
/// price is unknown, so callers must handle that state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pricing {
    Known {
        rates: Rates,
        source: Source,
        /// What a reader of the source should know (e.g. a conflicting report).
        note: Option<String>,
    },
    Unknown {
        /// Why no price is given, and what was looked for.
        reason: String,
    },
}

impl Pricing {
    /// The rates, when the price is known.
    pub fn rates(&self) -> Option<&Rates> {
        match self {
            Self::Known { rates, .. } => Some(rates),
            Self::Unknown { .. } => None,
        }
    }
}

/// `{"usd_per_mtok": {…}, "source": {"url", "read"}, "note"?}` or `{"unknown": "why"}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PricingJson {
    usd_per_mtok: Option<Rates>,
    source: Option<Source>,
    note: Option<String>,
    unknown: Option<String>,
}

impl<'de> Deserialize<'de> for Pricing {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let json = PricingJson::deserialize(d)?;
        match json {
            PricingJson {
                usd_per_mtok: Some(rates),
                source: Some(source),
                note,
                unknown: None,
            } => {
                if source.url.trim().is_empty() {
                    return Err(D::Error::custom("price source: url is empty"));
                }
                Ok(Self::Known {
                    rates,
                    source,
                    note,
                })
            }
            PricingJson {
                usd_per_mtok: None,
                source: None,
                note: None,
                unknown: Some(reason),
            } if !reason.trim().is_empty() => Ok(Self::Unknown { reason }),
            PricingJson {
                usd_per_mtok: Some(_),
                source: None,
                ..
            } => Err(D::Error::custom(
                "price: usd_per_mtok needs its source (url and the date it was read)",
            )),
            _ => Err(D::Error::custom(
                "price: write either usd_per_mtok with its source, or unknown with the reason no price is given",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn per(text: &str) -> PerMtok {
        PerMtok::parse(text).expect("a price")
    }

    #[test]
    fn dollar_amounts_are_read_exactly() {
        assert_eq!(per("4").micro_usd(), MicroUsd(4_000_000));
        assert_eq!(per("0.20").micro_usd(), MicroUsd(200_000));
        assert_eq!(per("6.25").micro_usd(), MicroUsd(6_250_000));
        assert_eq!(per("0.000001").micro_usd(), MicroUsd(1));
        for bad in ["", ".5", "5.", "-1", "1e3", "0.0000001", "1,5", " 1", "$1"] {
            assert!(PerMtok::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn every_decimal_with_up_to_six_places_reads_back_as_written() {
        // Generated: whole parts and fractions of every length, against their micro-dollar value.
        for whole in [0u64, 1, 7, 10, 99, 123_456] {
            for places in 0..=6u32 {
                for fraction in [0u64, 1, 5, 9, 42, 999_999] {
                    if fraction >= 10u64.pow(places) {
                        continue;
                    }
                    let text = if places == 0 {
                        whole.to_string()
                    } else {
                        format!("{whole}.{fraction:0width$}", width = places as usize)
                    };
                    let expected = whole * 1_000_000 + fraction * 10u64.pow(6 - places);
                    assert_eq!(per(&text).micro_usd(), MicroUsd(expected), "{text}");
                }
            }
        }
    }

    fn rates() -> Rates {
        Rates {
            input: per("4"),
            output: per("20"),
            cache_write_5m: per("5"),
            cache_write_1h: per("8"),
            cache_read: per("0.20"),
        }
    }

    #[test]
    fn cost_adds_every_kind_of_token_at_its_rate() {
        let usage = TokenUsage {
            input: 1_000_000,
            output: 1_000_000,
            cache_read: 1_000_000,
            cache_write_5m: 1_000_000,
            cache_write_1h: 1_000_000,
        };
        assert_eq!(rates().cost(&usage), MicroUsd(37_200_000));
        assert_eq!(rates().cost(&TokenUsage::default()), MicroUsd(0));
        assert_eq!(rates().cost(&usage).to_string(), "$37.200000");
    }

    #[test]
    fn cost_rounds_up_once_and_never_overflows() {
        // One input token at $4/MTok is 4 micro-dollars; one cache read at $0.20/MTok is 0.2,
        // which rounds up to 1 on its own and adds nothing rounded to 4.
        let one = |f: fn(&mut TokenUsage)| {
            let mut u = TokenUsage::default();
            f(&mut u);
            rates().cost(&u)
        };
        assert_eq!(one(|u| u.input = 1), MicroUsd(4));
        assert_eq!(one(|u| u.cache_read = 1), MicroUsd(1));
        assert_eq!(one(|u| u.cache_read = 5), MicroUsd(1));
        assert_eq!(one(|u| u.cache_read = 6), MicroUsd(2));
        let huge = TokenUsage {
            input: u64::MAX,
            output: u64::MAX,
            cache_read: u64::MAX,
            cache_write_5m: u64::MAX,
            cache_write_1h: u64::MAX,
        };
        assert_eq!(rates().cost(&huge), MicroUsd(u64::MAX));
    }

    #[test]
    fn cost_grows_with_every_token() {
        // Generated: adding a token of any kind never lowers the cost, and tokens of a kind cost
        // their rate per million (within the one rounding step).
        let r = rates();
        for n in [0u64, 1, 3, 999, 1_000, 123_457, 10_000_000] {
            for kind in 0..5 {
                let usage = |n: u64| {
                    let mut u = TokenUsage::default();
                    *[
                        &mut u.input,
                        &mut u.output,
                        &mut u.cache_read,
                        &mut u.cache_write_5m,
                        &mut u.cache_write_1h,
                    ][kind] = n;
                    u
                };
                assert!(r.cost(&usage(n + 1)) >= r.cost(&usage(n)));
                let rate = [
                    r.input,
                    r.output,
                    r.cache_read,
                    r.cache_write_5m,
                    r.cache_write_1h,
                ][kind]
                    .micro_usd()
                    .0;
                let exact = u128::from(n) * u128::from(rate);
                assert_eq!(
                    u128::from(r.cost(&usage(n)).0),
                    exact.div_ceil(1_000_000),
                    "kind {kind}, {n} tokens"
                );
            }
        }
    }

    #[test]
    fn a_price_is_known_with_its_source_or_unknown_with_a_reason() {
        let known: Pricing = serde_json::from_str(
            r#"{"usd_per_mtok": {"input": "4", "output": "20", "cache_write_5m": "5", "cache_write_1h": "8", "cache_read": "0.20"},
                "source": {"url": "https://example.com/pricing", "read": "2026-12-06"}}"#,
        )
        .expect("known");
        assert_eq!(known.rates(), Some(&rates()));
        let unknown: Pricing =
            serde_json::from_str(r#"{"unknown": "not published"}"#).expect("unknown");
        assert_eq!(unknown.rates(), None);
        for bad in [
            r#"{}"#,
            r#"{"unknown": ""}"#,
            r#"{"usd_per_mtok": {"input": "4", "output": "20", "cache_write_5m": "5", "cache_write_1h": "8", "cache_read": "0.20"}}"#,
            r#"{"usd_per_mtok": {"input": "4", "output": "20", "cache_write_5m": "5", "cache_read": "0.20"}, "source": {"url": "u", "read": "2026-12-06"}}"#,
            r#"{"unknown": "x", "source": {"url": "u", "read": "2026-12-06"}}"#,
            r#"{"usd_per_mtok": {"input": 4, "output": "20", "cache_write_5m": "5", "cache_write_1h": "8", "cache_read": "0.20"}, "source": {"url": "u", "read": "2026-12-06"}}"#,
            r#"{"usd_per_mtok": {"input": "4", "output": "20", "cache_write_5m": "5", "cache_write_1h": "8", "cache_read": "0.20"}, "source": {"url": "u", "read": "2026-12-32"}}"#,
        ] {
            assert!(serde_json::from_str::<Pricing>(bad).is_err(), "{bad}");
        }
    }
}
