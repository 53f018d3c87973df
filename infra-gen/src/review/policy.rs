//! Permissions as rows a reviewer can judge: every policy statement of a template, expanded to
//! principal × action × resource × condition, and the rule that says whether an added or
//! removed row widens or narrows what is allowed.
//!
//! The rule is IAM's own semantics: a row allows a request when its principal, action and
//! resource patterns match it and every one of its conditions holds. A row `w` *covers* a row
//! `n` when every request `n` allows, `w` allows too: same effect and holder, a principal that
//! is `*` or the same, action and resource patterns matching a superset (IAM wildcards `*` and
//! `?`; actions case-insensitively), and no condition `n` lacks (fewer or looser conditions are
//! wider). An added allow that no base row covers widens; a removed allow that no head row
//! covers narrows; denies the other way round. What the matcher cannot prove covered counts as
//! not covered, so an unresolved comparison shows as widening, never as a pass.

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

use super::text;

/// One pattern token after normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `?`: exactly one character.
    One,
    /// `*`: any run of characters, empty included.
    Any,
}

/// `pattern` as tokens, each run of wildcards written `?`s first and at most one `*` (`*?*`
/// and `?*` match the same strings), so the inclusion test below compares like with like.
fn tokens(pattern: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '*' && c != '?' {
            out.push(Token::Char(c));
            continue;
        }
        let (mut ones, mut any) = (0, false);
        let mut next = Some(c);
        while let Some(w @ ('*' | '?')) = next {
            if w == '*' {
                any = true;
            } else {
                ones += 1;
            }
            next = chars.next_if(|c| *c == '*' || *c == '?');
        }
        out.extend(std::iter::repeat_n(Token::One, ones));
        if any {
            out.push(Token::Any);
        }
    }
    out
}

/// The states a pattern can be in after reading some text: sorted token positions, closed
/// under a `*` matching nothing.
fn closure(p: &[Token], mut states: Vec<usize>) -> Vec<usize> {
    let mut i = 0;
    while i < states.len() {
        let s = states[i];
        if p.get(s) == Some(&Token::Any) && !states.contains(&(s + 1)) {
            states.push(s + 1);
        }
        i += 1;
    }
    states.sort_unstable();
    states
}

/// The states after reading `c` (`None`: a character neither pattern names) from `states`.
fn step(p: &[Token], states: &[usize], c: Option<char>) -> Vec<usize> {
    let mut next = Vec::new();
    for &s in states {
        match p.get(s) {
            Some(Token::Any) => next.push(s),
            Some(Token::One) => next.push(s + 1),
            Some(Token::Char(x)) if Some(*x) == c => next.push(s + 1),
            _ => {}
        }
    }
    next.dedup();
    closure(p, next)
}

/// Whether the IAM pattern `wide` matches every string the pattern `narrow` matches: every
/// text `narrow` can read to its end, `wide` can too. Decided exactly by walking both
/// patterns' automata side by side (`narrow`'s states with the set of states `wide` can be
/// in), over the characters either names and one standing for all others, which wildcards
/// treat alike.
pub fn covers(wide: &str, narrow: &str) -> bool {
    let wild = |s: &str| s.contains(['*', '?']);
    // Most patterns (ARNs with placeholders) are literal: no automaton needed.
    if wide == narrow {
        return true;
    }
    if !wild(wide) {
        return false;
    }
    if !wild(narrow) {
        return matches(wide, narrow);
    }
    // The literal text before `wide`'s first wildcard must begin `narrow` too.
    let head = wide.find(['*', '?']).map_or(wide, |i| &wide[..i]);
    if !narrow.starts_with(head) {
        return false;
    }
    let (w, n) = (tokens(wide), tokens(narrow));
    let mut alphabet: Vec<Option<char>> = w
        .iter()
        .chain(&n)
        .filter_map(|t| match t {
            Token::Char(c) => Some(Some(*c)),
            _ => None,
        })
        .collect();
    alphabet.sort_unstable();
    alphabet.dedup();
    alphabet.push(None);
    let start = (closure(&n, vec![0]), closure(&w, vec![0]));
    let mut seen = std::collections::BTreeSet::new();
    let mut queue = vec![start];
    while let Some((ns, ws)) = queue.pop() {
        if !seen.insert((ns.clone(), ws.clone())) {
            continue;
        }
        if ns.contains(&n.len()) && !ws.contains(&w.len()) {
            return false;
        }
        for &c in &alphabet {
            let next = step(&n, &ns, c);
            if !next.is_empty() {
                queue.push((next, step(&w, &ws, c)));
            }
        }
    }
    true
}

/// Whether the IAM pattern `pattern` matches the plain string `s`.
pub fn matches(pattern: &str, s: &str) -> bool {
    // A string is a pattern that matches only itself, once its wildcard characters are
    // literal: compare character by character with no special meaning on the narrow side.
    let p = tokens(pattern);
    let s: Vec<char> = s.chars().collect();
    let mut next = vec![false; s.len() + 1];
    next[s.len()] = true;
    for i in (0..p.len()).rev() {
        let mut ok = vec![false; s.len() + 1];
        for j in (0..=s.len()).rev() {
            ok[j] = match p[i] {
                Token::Any => next[j] || (j < s.len() && ok[j + 1]),
                Token::One => j < s.len() && next[j + 1],
                Token::Char(c) => j < s.len() && s[j] == c && next[j + 1],
            };
        }
        next = ok;
    }
    next[0]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// A condition of a row: operator, key (lower case: IAM keys are case-insensitive) and the
/// values any of which satisfies it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Condition {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

impl Condition {
    /// Whether every request satisfying `narrow` satisfies `self`: same operator and key, and
    /// each of `narrow`'s values allowed by one of ours (by pattern for the `Like` operators).
    fn covers(&self, narrow: &Condition) -> bool {
        let like = self.operator.contains("Like");
        self.operator == narrow.operator
            && self.key == narrow.key
            && narrow.values.iter().all(|n| {
                self.values
                    .iter()
                    .any(|w| if like { covers(w, n) } else { w == n })
            })
    }
}

impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.operator,
            self.key,
            self.values.join(" | ")
        )
    }
}

/// One allow or deny: who (`principal`), may do what (`action`) to what (`resource`), when
/// (`conditions`, all must hold), in whose policy (`holder`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Row {
    pub holder: String,
    pub effect: Effect,
    pub principal: String,
    pub action: String,
    pub resource: String,
    pub conditions: Vec<Condition>,
}

const NOT: &str = "NOT ";

impl Row {
    /// Whether `self` allows (or denies) every request `narrow` does.
    pub fn covers(&self, narrow: &Row) -> bool {
        let pattern =
            |w: &str, n: &str, fold: bool| match (w.strip_prefix(NOT), n.strip_prefix(NOT)) {
                // NotAction/NotResource rows: only the same exclusion is known to match the same.
                (None, Some(_)) => w == "*" || w == n,
                (Some(_), _) => w == n,
                // Most actions name one operation: compared without building lower-case copies.
                _ if fold && !w.contains(['*', '?']) => w.eq_ignore_ascii_case(n),
                _ if fold => covers(&w.to_ascii_lowercase(), &n.to_ascii_lowercase()),
                _ => covers(w, n),
            };
        self.effect == narrow.effect
            && self.holder == narrow.holder
            && (self.principal == "*" || self.principal == narrow.principal)
            && pattern(&self.action, &narrow.action, true)
            && pattern(&self.resource, &narrow.resource, false)
            && self
                .conditions
                .iter()
                .all(|w| narrow.conditions.iter().any(|n| w.covers(n)))
    }

    /// `s3:GetObject on arn:…:s3:::bucket/* when StringLike s3:prefix exports/*`, with the
    /// principal first when it is not the holder itself.
    pub fn describe(&self) -> String {
        let mut out = format!("{} on {}", self.action, self.resource);
        if self.principal != self.holder {
            out.insert_str(0, &format!("{} may ", self.principal));
        }
        for (i, c) in self.conditions.iter().enumerate() {
            out.push_str(if i == 0 { " when " } else { " and " });
            out.push_str(&c.to_string());
        }
        if self.effect == Effect::Deny {
            out.insert_str(0, "DENY ");
        }
        out
    }
}

/// Every row of resource `id` (its JSON form `resource`): identity policies of a role, a
/// role's trust policy, a Function URL without auth (the resource policy SAM adds), a
/// `AWS::Lambda::Permission`, and any other policy document in the properties (a resource
/// policy when its statements name principals).
pub fn rows(id: &str, resource: &Value) -> Vec<Row> {
    let type_name = resource.get("Type").and_then(Value::as_str).unwrap_or("");
    let Some(properties) = resource.get("Properties") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    match type_name {
        "AWS::Lambda::Permission" => out.extend(permission(properties)),
        "AWS::Serverless::Function" => {
            let auth = properties.pointer("/FunctionUrlConfig/AuthType");
            if auth.and_then(Value::as_str) == Some("NONE") {
                // SAM adds an `AWS::Lambda::Permission` letting anyone call the URL.
                out.push(Row {
                    holder: format!("policy of ${{{id}}}"),
                    effect: Effect::Allow,
                    principal: "*".into(),
                    action: "lambda:InvokeFunctionUrl".into(),
                    resource: format!("${{{id}}}"),
                    conditions: vec![Condition {
                        operator: "StringEquals".into(),
                        key: "lambda:functionurlauthtype".into(),
                        values: vec!["NONE".into()],
                    }],
                });
            }
        }
        _ => {}
    }
    let mut documents = Vec::new();
    find_documents(properties, String::new(), &mut documents);
    for (path, document) in documents {
        let role = type_name == "AWS::IAM::Role";
        let (holder, principal, resource) = if role && path == "/AssumeRolePolicyDocument" {
            (
                format!("trust policy of role {id}"),
                None,
                format!("role {id}"),
            )
        } else if role {
            (format!("role {id}"), Some(format!("role {id}")), "*".into())
        } else {
            (format!("policy {path} of {id}"), None, format!("${{{id}}}"))
        };
        statements(
            &document,
            &holder,
            principal.as_deref(),
            &resource,
            &mut out,
        );
    }
    if type_name == "AWS::IAM::Role"
        && let Some(Value::Array(arns)) = properties.get("ManagedPolicyArns")
    {
        // A managed policy's statements are not in the template: the attachment is the row.
        for arn in arns {
            out.push(Row {
                holder: format!("role {id}"),
                effect: Effect::Allow,
                principal: format!("role {id}"),
                action: format!("every action of managed policy {}", text(arn)),
                resource: "*".into(),
                conditions: Vec::new(),
            });
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Policy documents (objects with a `Statement`) anywhere under `v`, with their JSON pointer;
/// also those written as JSON text (some properties take a policy as a string).
fn find_documents<'a>(v: &'a Value, path: String, out: &mut Vec<(String, Cow<'a, Value>)>) {
    match v {
        Value::Object(m) if m.contains_key("Statement") => out.push((path, Cow::Borrowed(v))),
        Value::String(s) if s.trim_start().starts_with('{') => {
            if let Ok(document @ Value::Object(_)) = serde_json::from_str::<Value>(s)
                && document.get("Statement").is_some()
            {
                out.push((path, Cow::Owned(document)));
            }
        }
        Value::Object(m) => {
            for (k, v) in m {
                find_documents(v, format!("{path}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                find_documents(v, format!("{path}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Strings of a field that holds one value or a list.
fn one_or_many(v: Option<&Value>) -> Vec<String> {
    match v {
        None => Vec::new(),
        Some(Value::Array(items)) => items.iter().map(text).collect(),
        Some(other) => vec![text(other)],
    }
}

fn principals(v: Option<&Value>) -> Vec<String> {
    match v {
        None => Vec::new(),
        Some(Value::Object(m)) => m
            .iter()
            .flat_map(|(kind, ids)| {
                one_or_many(Some(ids)).into_iter().map(move |id| {
                    // `{"AWS": "*"}` is everyone, as `"*"` is.
                    if id == "*" {
                        id
                    } else {
                        format!("{kind}:{id}")
                    }
                })
            })
            .collect(),
        Some(other) => one_or_many(Some(other)),
    }
}

fn conditions(v: Option<&Value>) -> Vec<Condition> {
    let mut out = Vec::new();
    if let Some(Value::Object(operators)) = v {
        for (operator, keys) in operators {
            match keys {
                Value::Object(keys) => {
                    for (key, values) in keys {
                        let mut values = one_or_many(Some(values));
                        values.sort();
                        out.push(Condition {
                            operator: operator.clone(),
                            key: key.to_ascii_lowercase(),
                            values,
                        });
                    }
                }
                other => out.push(Condition {
                    operator: operator.clone(),
                    key: String::new(),
                    values: vec![text(other)],
                }),
            }
        }
    }
    out.sort();
    out
}

fn statements(
    document: &Value,
    holder: &str,
    principal: Option<&str>,
    default_resource: &str,
    out: &mut Vec<Row>,
) {
    let list = match document.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    for s in list {
        let effect = match s.get("Effect").and_then(Value::as_str) {
            Some("Deny") => Effect::Deny,
            _ => Effect::Allow,
        };
        let negated = |plain: &str, not: &str| match s.get(not) {
            Some(v) => one_or_many(Some(v))
                .into_iter()
                .map(|x| format!("{NOT}{x}"))
                .collect(),
            None => one_or_many(s.get(plain)),
        };
        let mut who = match s.get("NotPrincipal") {
            Some(v) => principals(Some(v))
                .into_iter()
                .map(|x| format!("{NOT}{x}"))
                .collect(),
            None => principals(s.get("Principal")),
        };
        if who.is_empty() {
            who.push(principal.map_or_else(|| format!("holders of {holder}"), str::to_owned));
        }
        let actions = negated("Action", "NotAction");
        let mut resources = negated("Resource", "NotResource");
        if resources.is_empty() {
            resources.push(default_resource.to_owned());
        }
        let conditions = conditions(s.get("Condition"));
        for p in &who {
            for a in &actions {
                for r in &resources {
                    out.push(Row {
                        holder: holder.to_owned(),
                        effect,
                        principal: p.clone(),
                        action: a.clone(),
                        resource: r.clone(),
                        conditions: conditions.clone(),
                    });
                }
            }
        }
    }
}

/// An `AWS::Lambda::Permission` as a row of the function's resource policy: its source ARN,
/// account, organisation and URL auth type are the conditions Lambda writes for them.
fn permission(p: &Value) -> Option<Row> {
    let function = text(p.get("FunctionName")?);
    let mut conditions = Vec::new();
    for (field, operator, key) in [
        ("SourceArn", "ArnLike", "aws:sourcearn"),
        ("SourceAccount", "StringEquals", "aws:sourceaccount"),
        ("PrincipalOrgID", "StringEquals", "aws:principalorgid"),
        (
            "FunctionUrlAuthType",
            "StringEquals",
            "lambda:functionurlauthtype",
        ),
    ] {
        if let Some(v) = p.get(field) {
            conditions.push(Condition {
                operator: operator.into(),
                key: key.into(),
                values: vec![text(v)],
            });
        }
    }
    conditions.sort();
    Some(Row {
        holder: format!("policy of {function}"),
        effect: Effect::Allow,
        principal: p.get("Principal").map_or_else(|| "*".into(), text),
        action: p.get("Action").map_or_else(String::new, text),
        resource: function,
        conditions,
    })
}

/// Whether an added or removed row changes what is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Widening,
    Narrowing,
    /// Another row on the other side covers it: nothing more or less is allowed.
    Covered,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PermissionChange {
    /// `added` or `removed`.
    pub change: &'static str,
    pub verdict: Verdict,
    #[serde(flatten)]
    pub row: Row,
    /// The row on the other side that covers this one, for `covered`.
    pub covered_by: Option<String>,
}

/// The rows only one side has, each judged by the rule in the module documentation.
pub fn compare(base: &[Row], head: &[Row]) -> Vec<PermissionChange> {
    let judge = |row: &Row, other: &[Row], added: bool| {
        let cover = other.iter().find(|o| o.covers(row));
        // Allowing more, or denying less, widens.
        let widens = added == (row.effect == Effect::Allow);
        let verdict = match (cover, widens) {
            (Some(_), _) => Verdict::Covered,
            (None, true) => Verdict::Widening,
            (None, false) => Verdict::Narrowing,
        };
        PermissionChange {
            change: if added { "added" } else { "removed" },
            verdict,
            row: row.clone(),
            covered_by: cover.map(Row::describe),
        }
    };
    let (in_base, in_head): (BTreeSet<&Row>, BTreeSet<&Row>) =
        (base.iter().collect(), head.iter().collect());
    let mut out: Vec<PermissionChange> = head
        .iter()
        .filter(|r| !in_base.contains(r))
        .map(|r| judge(r, base, true))
        .collect();
    out.extend(
        base.iter()
            .filter(|r| !in_head.contains(r))
            .map(|r| judge(r, head, false)),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The same pattern as a regex, the reference `matches` is held to.
    fn regex_of(pattern: &str) -> regex::Regex {
        let mut re = String::from("^");
        for c in pattern.chars() {
            match c {
                '*' => re.push_str(".*"),
                '?' => re.push('.'),
                c => re.push_str(&regex::escape(&c.to_string())),
            }
        }
        re.push('$');
        regex::Regex::new(&re).expect("a valid regex")
    }

    /// Every string over `ab` of at most `len` characters.
    fn strings(len: usize) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..len {
            last = last
                .iter()
                .flat_map(|s| [format!("{s}a"), format!("{s}b")])
                .collect();
            out.extend(last.iter().cloned());
        }
        out
    }

    fn pattern() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![Just('a'), Just('b'), Just('*'), Just('?')],
            0..7,
        )
        .prop_map(|v| v.into_iter().collect())
    }

    /// A pattern at least as wide as `p`: some characters become `?`, some runs become `*`.
    fn widened(p: String) -> impl Strategy<Value = (String, String)> {
        let n = p.chars().count();
        proptest::collection::vec((0..3u8, 0..3u8), n + 1).prop_map(move |edits| {
            let chars: Vec<char> = p.chars().collect();
            let mut wide = String::new();
            let mut i = 0;
            while i < chars.len() {
                match edits[i] {
                    (0, _) if chars[i] != '*' => wide.push('?'),
                    (1, skip) => {
                        // A `*` standing for this character and up to `skip` more.
                        wide.push('*');
                        i += usize::from(skip).min(chars.len() - i - 1);
                    }
                    _ => wide.push(chars[i]),
                }
                i += 1;
            }
            if edits[n].0 == 2 {
                wide.push('*');
            }
            (p.clone(), wide)
        })
    }

    proptest! {
        #[test]
        fn matching_is_iam_wildcard_matching(p in pattern(), s in "[ab]{0,7}") {
            prop_assert_eq!(matches(&p, &s), regex_of(&p).is_match(&s));
        }

        #[test]
        fn a_covering_pattern_matches_everything_the_covered_one_does(w in pattern(), n in pattern()) {
            if covers(&w, &n) {
                for s in strings(7).iter().filter(|s| matches(&n, s)) {
                    prop_assert!(matches(&w, s), "{w} covers {n} but not {s}");
                }
            }
        }

        #[test]
        fn a_widened_pattern_covers_the_original((n, w) in pattern().prop_flat_map(widened)) {
            prop_assert!(covers(&w, &n), "{w} should cover {n}");
            prop_assert!(covers(&n, &n));
        }

        #[test]
        fn a_pattern_matching_a_string_the_other_does_not_is_not_covered(w in pattern(), n in pattern()) {
            let escapes = strings(6).into_iter().any(|s| matches(&n, &s) && !matches(&w, &s));
            if escapes {
                prop_assert!(!covers(&w, &n));
            }
        }
    }

    fn row(action: &str, resource: &str, conditions: Vec<Condition>) -> Row {
        Row {
            holder: "role R".into(),
            effect: Effect::Allow,
            principal: "role R".into(),
            action: action.into(),
            resource: resource.into(),
            conditions,
        }
    }

    fn like(key: &str, value: &str) -> Condition {
        Condition {
            operator: "StringLike".into(),
            key: key.into(),
            values: vec![value.into()],
        }
    }

    #[test]
    fn a_dropped_condition_widens_and_an_added_one_narrows() {
        let with = row("s3:ListBucket", "b", vec![like("s3:prefix", "x/*")]);
        let without = row("s3:ListBucket", "b", Vec::new());
        let dropped = compare(std::slice::from_ref(&with), std::slice::from_ref(&without));
        assert_eq!(dropped[0].verdict, Verdict::Widening);
        assert_eq!(dropped[1].verdict, Verdict::Covered);
        let added = compare(&[without], &[with]);
        assert_eq!(added[0].verdict, Verdict::Covered);
        assert_eq!(added[1].verdict, Verdict::Narrowing);
    }

    #[test]
    fn a_looser_like_condition_covers_a_stricter_one() {
        let loose = row("s3:ListBucket", "b", vec![like("s3:prefix", "*")]);
        let strict = row("s3:ListBucket", "b", vec![like("s3:prefix", "x/*")]);
        assert!(loose.covers(&strict) && !strict.covers(&loose));
    }

    #[test]
    fn actions_match_case_insensitively_and_resources_do_not() {
        assert!(row("S3:get*", "b/*", vec![]).covers(&row("s3:GetObject", "b/x", vec![])));
        assert!(!row("s3:*", "B/*", vec![]).covers(&row("s3:GetObject", "b/x", vec![])));
    }

    #[test]
    fn a_lambda_permission_is_a_row_of_the_functions_policy_with_its_source_as_condition() {
        let permission = serde_json::json!({
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "FunctionName": { "Ref": "Function" },
                "Action": "lambda:InvokeFunction",
                "Principal": "events.amazonaws.com",
                "SourceArn": { "Fn::GetAtt": ["Rule", "Arn"] },
            },
        });
        let rows = rows("Allow", &permission);
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(
            (r.holder.as_str(), r.principal.as_str(), r.resource.as_str()),
            (
                "policy of ${Function}",
                "events.amazonaws.com",
                "${Function}"
            )
        );
        assert_eq!(
            r.conditions[0].to_string(),
            "ArnLike aws:sourcearn ${Rule.Arn}"
        );
        // Without the source condition, anyone the service acts for may invoke: wider.
        let mut open = r.clone();
        open.conditions.clear();
        assert!(open.covers(r) && !r.covers(&open));
    }

    #[test]
    fn a_policy_written_as_json_text_is_read_too() {
        let repository = serde_json::json!({
            "Type": "AWS::ECR::Repository",
            "Properties": { "RepositoryPolicyText": r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"ecr:BatchGetImage"}]}"# },
        });
        let rows = rows("Repo", &repository);
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].principal.as_str(), rows[0].resource.as_str()),
            ("*", "${Repo}")
        );
    }

    #[test]
    fn a_trust_policy_names_who_may_assume_the_role() {
        let role = serde_json::json!({
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": { "Statement": [{
                    "Effect": "Allow",
                    "Principal": { "Service": ["lambda.amazonaws.com", "edgelambda.amazonaws.com"] },
                    "Action": "sts:AssumeRole",
                }] },
                "Policies": [{ "PolicyName": "P", "PolicyDocument": { "Statement": [{
                    "Effect": "Deny", "NotAction": ["s3:*"], "Resource": "*",
                }] } }],
            },
        });
        let rows = rows("Role", &role);
        let trust: Vec<&Row> = rows
            .iter()
            .filter(|r| r.holder.starts_with("trust"))
            .collect();
        assert_eq!(trust.len(), 2);
        assert!(
            trust
                .iter()
                .all(|r| r.resource == "role Role" && r.action == "sts:AssumeRole")
        );
        assert!(
            trust
                .iter()
                .any(|r| r.principal == "Service:edgelambda.amazonaws.com")
        );
        let deny = rows
            .iter()
            .find(|r| r.effect == Effect::Deny)
            .expect("a deny row");
        assert_eq!(
            (deny.action.as_str(), deny.principal.as_str()),
            ("NOT s3:*", "role Role")
        );
        // Removing a deny widens.
        let judged = compare(std::slice::from_ref(deny), &[]);
        assert_eq!(judged[0].verdict, Verdict::Widening);
    }

    #[test]
    fn not_action_rows_are_covered_by_the_same_exclusion_or_a_bare_star() {
        let not = row("NOT s3:*", "*", vec![]);
        assert!(not.covers(&not.clone()));
        assert!(row("*", "*", vec![]).covers(&not));
        assert!(!row("s3:*", "*", vec![]).covers(&not));
    }
}
