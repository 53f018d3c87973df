//! Secrets split across variables: `TOKEN_1` + `TOKEN_2`, `KEY_PART1` + `KEY_PART2`,
//! `SECRET_A` + `SECRET_B`, `KEY_HEAD` + `KEY_TAIL`. Variables sharing a stem and marked as
//! parts are joined in the order their suffixes say (numbers, letters, ordinal words), in
//! name order and in declaration order, and each joined value is judged like one variable's.

use super::{names, values};

/// Suffix words with an order of their own.
const ORDINAL: &[&[&str]] = &[
    &["first", "second", "third", "fourth", "fifth", "last"],
    &["one", "two", "three", "four", "five", "six"],
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

/// (stem, order) of a variable name whose suffix marks a part: `DB_PASSWORD_PART2` →
/// (`db_password`, 2), `KEY_B` → (`key`, 2), `KEY_TAIL` → (`key`, 2). Other names are no
/// part of anything: joining unrelated settings would only make noise.
fn stem(name: &str) -> Option<(String, u32)> {
    let lower = name.to_ascii_lowercase();
    let trimmed = lower.trim_end_matches(|c: char| c.is_ascii_digit());
    if trimmed.len() < lower.len() {
        let number = lower[trimmed.len()..].parse().ok()?;
        let base = trimmed
            .trim_end_matches(['_', '-'])
            .trim_end_matches("part")
            .trim_end_matches("chunk")
            .trim_end_matches("segment")
            .trim_end_matches("seg")
            .trim_end_matches(['_', '-']);
        return (!base.is_empty()).then(|| (base.to_owned(), number));
    }
    let (mut base, mut last) = lower.rsplit_once('_')?;
    // `KEY_FIRST_HALF`, `KEY_SECOND_PART`: the ordinal stands before the word for a part.
    if ["half", "part", "piece", "chunk", "segment", "portion"].contains(&last) {
        (base, last) = base.rsplit_once('_')?;
    }
    if base.is_empty() {
        return None;
    }
    let order = if last.len() == 1 {
        last.bytes()
            .next()
            .filter(u8::is_ascii_lowercase)
            .map(|b| u32::from(b - b'a' + 1))
    } else {
        ORDINAL.iter().find_map(|words| {
            words
                .iter()
                .position(|w| *w == last)
                .and_then(|p| u32::try_from(p).ok())
        })
    }?;
    Some((base.to_owned(), order))
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
    out
}
