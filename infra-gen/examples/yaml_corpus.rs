//! Prints a deterministic corpus of emitter cases, one JSON line each: `{"yaml": <the
//! emitter's output>, "json": <the value it must read back as>}`. `tests/validate/` feeds it
//! to PyYAML (the parser cfn-lint uses), so the emitter is checked against a YAML 1.1 reader
//! as well as against saphyr in the Rust tests.
//!
//!   cargo run -q -p infra-gen --example yaml_corpus [CASES]

use infra_gen::render::yaml::template_to_yaml;
use serde_json::{Map, Value, json};

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

/// Characters YAML readers treat specially, weighted well above their share of Unicode.
const TRICKY: &str = "\0\t\n\r\x07\x1b\x7f\u{80}\u{85}\u{9f}\u{a0}\u{2028}\u{2029}\u{feff}\u{fffe}\u{ffff}\u{1f600} :#-?'\"\\{}[],&*!|>%@`";

/// Whole strings that look like another type or a document marker to some reader, split on `|`
/// (the first is the empty string).
const WORDS: &str = "|~|null|Null|true|off|yes|no|y|n|on|0123|0x1f|1e3|1_000|12:30:00|.inf|-.nan|---|...|<<|=|2026-12-02";

fn pick<T: Clone>(rng: &mut Rng, items: &[T]) -> T {
    items[rng.below(items.len() as u64) as usize].clone()
}

fn string(rng: &mut Rng) -> String {
    if rng.below(6) == 0 {
        let words: Vec<&str> = WORDS.split('|').collect();
        return pick(rng, &words).to_owned();
    }
    let tricky: Vec<char> = TRICKY.chars().collect();
    let len = rng.below(12);
    (0..len)
        .map(|_| match rng.below(3) {
            0 => pick(rng, &tricky),
            1 => char::from(b' ' + rng.below(95) as u8),
            _ => char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{fffd}'),
        })
        .collect()
}

fn value(rng: &mut Rng, depth: u32) -> Value {
    match rng.below(if depth == 0 { 3 } else { 5 }) {
        0 | 1 => Value::String(string(rng)),
        2 => json!(rng.below(1_000_000)),
        3 => Value::Array((0..rng.below(4)).map(|_| value(rng, depth - 1)).collect()),
        _ => Value::Object(
            (0..rng.below(4))
                .map(|_| (string(rng), value(rng, depth - 1)))
                .collect(),
        ),
    }
}

fn main() {
    let cases: u64 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..cases {
        let mut doc = Map::new();
        for _ in 0..=rng.below(3) {
            doc.insert(string(&mut rng), value(&mut rng, 3));
        }
        let yaml = template_to_yaml(&doc).expect("a JSON mapping writes as YAML");
        let line = json!({ "yaml": yaml, "json": Value::Object(doc) });
        println!("{line}");
    }
}
