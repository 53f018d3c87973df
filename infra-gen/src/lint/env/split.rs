//! Secrets split across variables: `TOKEN_1` + `TOKEN_2`, `KEY_PART1` + `KEY_PART2`,
//! `SECRET_A` + `SECRET_B`, `KEY_HEAD` + `KEY_TAIL`. Variables sharing a stem and marked as
//! parts are joined in the order their suffixes say (numbers, letters, ordinal words), in
//! name order and in declaration order, and each joined value is judged like one variable's.
//! Siblings whatever their last word (`KEY_START` + `KEY_REST`) are joined too when each
//! holds a bare run of key material and together they make a key of its encoding's length.

use super::{names, values};

/// Suffix words with an order of their own.
const ORDINAL: &[&[&str]] = &[
    &[
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth", "last",
    ],
    &[
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ],
    // Roman numerals (`KEY_I`, `KEY_II`); a lone `i`, `v` or `x` reads as a letter, and
    // the names' own order (tried too) is the numerals' up to `VIII`.
    &["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"],
    &["head", "body", "tail"],
    &["start", "middle", "end"],
    &["begin", "end"],
    &["prefix", "suffix"],
    &["left", "right"],
    &["front", "back"],
    &["high", "low"],
    &["hi", "lo"],
    &["upper", "lower"],
];

/// Words that stand for "a part" next to its order: `KEY_FIRST_HALF`, `PART2_KEY`.
const PART: &[&str] = &[
    "half", "part", "piece", "chunk", "segment", "seg", "portion",
];

/// (stem, order) of a variable name that marks a part, in any case style: by a suffix
/// (`DB_PASSWORD_PART2` → (`db_password`, 2), `KEY_B`, `apiKeyTail`, `KEY_1_OF_3`) or a
/// prefix (`PART1_KEY`, `SECOND_HALF_KEY`). Other names are no part of anything: joining
/// unrelated settings would only make noise.
fn stem(name: &str) -> Option<(String, u32)> {
    let lower = name.to_ascii_lowercase();
    let words = names::words(name);
    // `KEY_1_OF_3`: the order is the number before `of`.
    if let [rest @ .., n, of, total] = words.as_slice()
        && of == "of"
        && !rest.is_empty()
        && total.bytes().all(|b| b.is_ascii_digit())
        && let Ok(order) = n.parse()
    {
        return Some((rest.join("_"), order));
    }
    let trimmed = lower.trim_end_matches(|c: char| c.is_ascii_digit());
    if trimmed.len() < lower.len() {
        let number = lower[trimmed.len()..].parse().ok()?;
        let mut base = trimmed.trim_end_matches(['_', '-']);
        for part in PART {
            base = base.trim_end_matches(part);
        }
        let base = base.trim_end_matches(['_', '-']);
        return (!base.is_empty()).then(|| (base.to_owned(), number));
    }
    suffix(&words).or_else(|| prefix(&words))
}

/// The order a word gives a part: a letter, an ordinal word, or a number (with a part word
/// before it: `part2`); `letters` says whether a single letter counts.
fn order(word: &str, letters: bool) -> Option<u32> {
    if word.len() == 1 && letters {
        return word
            .bytes()
            .next()
            .filter(u8::is_ascii_lowercase)
            .map(|b| u32::from(b - b'a' + 1));
    }
    let digits = PART
        .iter()
        .find_map(|p| word.strip_prefix(p))
        .unwrap_or(word);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return digits.parse().ok();
    }
    ORDINAL.iter().find_map(|words| {
        words
            .iter()
            .position(|w| *w == word)
            .and_then(|p| u32::try_from(p).ok())
    })
}

/// A part marked at the end of a name (`KEY_B`, `apiKeyTail`, `KEY_SECOND_HALF`).
fn suffix(words: &[String]) -> Option<(String, u32)> {
    let (mut last, mut base) = words.split_last()?;
    if PART.contains(&last.as_str()) {
        (last, base) = base.split_last()?;
    }
    (!base.is_empty()).then_some(())?;
    Some((base.join("_"), order(last, true)?))
}

/// A part marked at the start of a name (`PART1_KEY`, `SECOND_HALF_KEY`); a single letter
/// there (`A_RECORD`) marks nothing.
fn prefix(words: &[String]) -> Option<(String, u32)> {
    let (first, mut rest) = words.split_first()?;
    if rest.first().is_some_and(|w| PART.contains(&w.as_str())) {
        rest = &rest[1..];
    }
    let marked = PART.iter().any(|p| first.starts_with(p))
        || rest.len() < words.len() - 1
        || ORDINAL.iter().any(|o| o.contains(&first.as_str()));
    (marked && !rest.is_empty()).then_some(())?;
    Some((rest.join("_"), order(first, false)?))
}

/// A variable of a group: its index in `vars` and the order its suffix gives.
type Member = (usize, u32);

/// Every group of variables whose joined values look like a secret: their names and why.
/// `vars` are the variables judged clean one by one, with their literal values.
pub(super) fn secrets(vars: &[(&str, String)]) -> Vec<(Vec<String>, String)> {
    let mut groups: Vec<(String, Vec<Member>)> = Vec::new();
    for (i, (name, _)) in vars.iter().enumerate() {
        let Some((stem, order)) = stem(name) else {
            continue;
        };
        match groups.iter_mut().find(|(s, _)| *s == stem) {
            Some((_, members)) => members.push((i, order)),
            None => groups.push((stem, vec![(i, order)])),
        }
    }
    let mut out = Vec::new();
    for (stem, members) in groups.into_iter().filter(|(_, m)| m.len() > 1) {
        let declared: Vec<usize> = members.iter().map(|(i, _)| *i).collect();
        let mut by_suffix = members.clone();
        by_suffix.sort_by_key(|(_, o)| *o);
        let mut by_name = declared.clone();
        by_name.sort_by_key(|i| vars[*i].0);
        let mut orders: Vec<Vec<usize>> = vec![
            by_suffix.iter().map(|(i, _)| *i).collect(),
            by_name,
            declared,
        ];
        orders.dedup();
        let found = orders.iter().find_map(|order| {
            let joined: String = order.iter().map(|i| vars[*i].1.as_str()).collect();
            values::secret_value(&joined, Some(&stem))
                .or_else(|| {
                    (names::secret_name(&stem) && !values::plainly_not_secret(&joined, Some(&stem)))
                        .then(|| "named like a secret".to_owned())
                })
                .map(|why| (order, why))
        });
        if let Some((order, why)) = found {
            out.push((order.iter().map(|i| vars[*i].0.to_owned()).collect(), why));
        }
    }
    // A sibling group holding a marked group's variable is that group, reported already.
    for (names, why) in siblings(vars) {
        if !out
            .iter()
            .any(|(o, _): &(Vec<String>, _)| o.iter().any(|n| names.contains(n)))
        {
            out.push((names, why));
        }
    }
    out
}

/// The encoding of a bare run of key material: hex, or base64/base62 (its URL-safe
/// alphabet too).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Hex,
    Base64,
}

impl Encoding {
    /// Lengths a key has in this encoding: 128 to 512 bits and a SHA-1 HMAC secret's 160
    /// in hex; 24, 32 and 64 bytes in base64 (padded or not), 40 (an AWS secret key), and
    /// base62 tokens of 36 and 48 characters. Not 16 bytes' 22 or 24 characters: two short
    /// IDs make those as often (two 11-character video IDs).
    fn key_length(self, n: usize) -> bool {
        match self {
            Self::Hex => matches!(n, 32 | 40 | 48 | 56 | 64 | 96 | 128),
            Self::Base64 => matches!(n, 32 | 36 | 40 | 43 | 44 | 48 | 64 | 86 | 88),
        }
    }
}

/// The encoding of a value that can be a piece of key material: 8 to 31 characters (longer
/// is judged as material alone, and clean only for what its structure says: an address, a
/// content ID), either hex with a letter or 16 digits and more, or base64 with a digit, both
/// cases of letters and no leading word before a separator (`us-east-1_…`, `price_…`,
/// `prod-…` are identifiers). Random text of that length almost always passes; words,
/// numbers, paths, hosts, lists and IDs do not.
fn fragment(value: &str) -> Option<Encoding> {
    let b = value.as_bytes();
    let base64 = |c: u8| c.is_ascii_alphanumeric() || b"+/_-".contains(&c);
    if !(8..32).contains(&b.len()) || !value.trim_end_matches('=').bytes().all(base64) {
        return None;
    }
    if b.iter().all(u8::is_ascii_hexdigit) {
        let number = b.iter().all(u8::is_ascii_digit);
        return (!number || b.len() >= 16).then_some(Encoding::Hex);
    }
    let word = b.iter().take_while(|c| c.is_ascii_lowercase()).count();
    let prefixed = word >= 2 && b.get(word).is_some_and(|c| b"_-".contains(c));
    let mixed = b.iter().any(u8::is_ascii_lowercase) && b.iter().any(u8::is_ascii_uppercase);
    (mixed && b.iter().any(u8::is_ascii_digit) && !prefixed).then_some(Encoding::Base64)
}

/// Groups of two to four sibling variables (a name's words but the last in common:
/// `UPSTREAM_START`, `UPSTREAM_REST`), each a fragment of one encoding, whose values joined
/// make a key of that encoding's length and are judged a secret. The length is what tells a
/// key cut in pieces from settings that share a prefix (`EXPORTS_BUCKET`, `EXPORTS_PREFIX`).
fn siblings(vars: &[(&str, String)]) -> Vec<(Vec<String>, String)> {
    let mut groups: Vec<(String, Encoding, Vec<usize>)> = Vec::new();
    for (i, (name, value)) in vars.iter().enumerate() {
        // The value first: a byte test that almost every setting fails, before words cost.
        let Some(encoding) = fragment(value) else {
            continue;
        };
        // An identifier, a digest or a public key is whole under its own name (`TRACE_ID_HIGH`).
        if names::public_name(name) || names::digest_name(name) {
            continue;
        }
        let words = names::words(name);
        let Some((_, stem)) = words.split_last().filter(|(_, s)| !s.is_empty()) else {
            continue;
        };
        let stem = stem.join("_");
        match groups
            .iter_mut()
            .find(|(s, e, _)| *s == stem && *e == encoding)
        {
            Some((_, _, members)) => members.push(i),
            None => groups.push((stem, encoding, vec![i])),
        }
    }
    let mut out = Vec::new();
    for (stem, encoding, declared) in groups {
        let length: usize = declared.iter().map(|i| vars[*i].1.len()).sum();
        if !(2..=4).contains(&declared.len()) || !encoding.key_length(length) {
            continue;
        }
        let mut by_name = declared.clone();
        by_name.sort_by_key(|i| vars[*i].0);
        let found = [by_name, declared].into_iter().find_map(|order| {
            let joined: String = order.iter().map(|i| vars[*i].1.as_str()).collect();
            values::secret_value(&joined, Some(&stem)).map(|why| (order, why))
        });
        if let Some((order, why)) = found {
            out.push((order.iter().map(|i| vars[*i].0.to_owned()).collect(), why));
        }
    }
    out
}
