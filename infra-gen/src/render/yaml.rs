//! A YAML emitter for CloudFormation templates.
//!
//! General-purpose serializers cannot write CloudFormation's short-form tags (`!Ref`,
//! `!GetAtt`, `!Sub`) and choose their own quoting; this one owns both, so output is
//! byte-for-byte deterministic and reads like a hand-written template. Strings are written
//! plain only when every YAML 1.1 and 1.2 parser reads them back as the same string.

use serde_json::{Map, Value};

/// Renders a template object. Top-level sections are separated by blank lines, and so are
/// the entries of `Parameters`, `Resources` and `Outputs`.
pub fn template_to_yaml(template: &Map<String, Value>) -> String {
    let mut out = String::new();
    write_template(&mut out, template);
    out
}

/// [`template_to_yaml`], appended to `out`.
pub(crate) fn write_template(out: &mut String, template: &Map<String, Value>) {
    for (key, value) in template {
        match value {
            Value::Object(section) if !section.is_empty() && !is_short_form(value) => {
                out.push('\n');
                write_scalar(out, key);
                out.push_str(":\n");
                for (i, (k, v)) in section.iter().enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    write_entry(out, k, v, 2);
                }
            }
            _ => write_entry(out, key, value, 0),
        }
    }
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn write_entry(out: &mut String, key: &str, value: &Value, n: usize) {
    indent(out, n);
    write_scalar(out, key);
    out.push(':');
    write_after_indicator(out, value, n);
}

/// Writes `value` after `key:` or `-` at indentation `n`.
fn write_after_indicator(out: &mut String, value: &Value, n: usize) {
    if let Some((name, arg)) = short_form(value) {
        out.push_str(" !");
        out.push_str(name);
        match arg {
            ShortArg::Value(Value::Array(items)) => {
                out.push('\n');
                write_seq(out, items, n + 2);
            }
            ShortArg::Value(other) => {
                out.push(' ');
                write_scalar_value(out, other);
                out.push('\n');
            }
            ShortArg::GetAtt(id, attribute) => {
                out.push(' ');
                write_scalar(out, &format!("{id}.{attribute}"));
                out.push('\n');
            }
        }
        return;
    }
    match value {
        Value::Object(m) if m.is_empty() => out.push_str(" {}\n"),
        Value::Array(a) if a.is_empty() => out.push_str(" []\n"),
        Value::Object(m) => {
            out.push('\n');
            for (k, v) in m {
                write_entry(out, k, v, n + 2);
            }
        }
        Value::Array(a) => {
            out.push('\n');
            write_seq(out, a, n + 2);
        }
        scalar_like => {
            out.push(' ');
            write_scalar_value(out, scalar_like);
            out.push('\n');
        }
    }
}

fn write_seq(out: &mut String, items: &[Value], n: usize) {
    for item in items {
        indent(out, n);
        out.push('-');
        match item {
            Value::Object(m) if !m.is_empty() && !is_short_form(item) => {
                // The first key shares the dash's line; the rest align under it.
                for (i, (k, v)) in m.iter().enumerate() {
                    if i == 0 {
                        out.push(' ');
                        write_scalar(out, k);
                        out.push(':');
                        write_after_indicator(out, v, n + 2);
                    } else {
                        write_entry(out, k, v, n + 2);
                    }
                }
            }
            other => write_after_indicator(out, other, n),
        }
    }
}

fn is_short_form(value: &Value) -> bool {
    short_form(value).is_some()
}

/// An intrinsic's argument in short form.
enum ShortArg<'a> {
    Value(&'a Value),
    /// `!GetAtt a.b` from `["a", "b"]`.
    GetAtt(&'a str, &'a str),
}

/// `{"Ref": x}` → `("Ref", x)`; `{"Fn::GetAtt": [a, b]}` → `("GetAtt", a.b)`. An intrinsic
/// whose argument is itself an intrinsic stays in long form: YAML cannot stack short forms
/// such as `!ImportValue !Sub`.
fn short_form(value: &Value) -> Option<(&str, ShortArg<'_>)> {
    let Value::Object(m) = value else { return None };
    if m.len() != 1 {
        return None;
    }
    let (key, arg) = m.iter().next()?;
    let name = if key == "Ref" {
        "Ref"
    } else {
        key.strip_prefix("Fn::")?
    };
    if let ("GetAtt", Value::Array(parts)) = (name, arg)
        && let [Value::String(id), Value::String(attr)] = parts.as_slice()
    {
        return Some((name, ShortArg::GetAtt(id, attr)));
    }
    match arg {
        Value::Object(_) => None,
        _ => Some((name, ShortArg::Value(arg))),
    }
}

fn write_scalar_value(out: &mut String, v: &Value) {
    match v {
        Value::String(s) => write_scalar(out, s),
        Value::Null => out.push_str("null"),
        other => out.push_str(&other.to_string()),
    }
}

/// A string as a YAML scalar: plain when unambiguous, else single- or double-quoted.
pub fn scalar(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_scalar(&mut out, s);
    out
}

/// [`scalar`], appended to `out`.
fn write_scalar(out: &mut String, s: &str) {
    if is_plain_safe(s) {
        out.push_str(s);
    } else if s.chars().all(single_quotable) {
        out.push('\'');
        for (i, part) in s.split('\'').enumerate() {
            if i > 0 {
                out.push_str("''");
            }
            out.push_str(part);
        }
        out.push('\'');
    } else {
        out.push_str(&double_quoted(s));
    }
}

/// Characters both YAML 1.1 (PyYAML) and 1.2 read literally inside single quotes: printable,
/// and not a line break (NEL, LS and PS are line breaks in YAML 1.1) or a byte-order mark.
fn single_quotable(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{2027}' | '\u{202a}'..='\u{d7ff}' | '\u{e000}'..='\u{fefe}' | '\u{ff00}'..='\u{fffd}')
        || c >= '\u{10000}'
}

/// A double-quoted scalar escaping everything that is not single-quotable, with the escapes
/// YAML 1.1 and 1.2 share.
fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if single_quotable(c) => out.push(c),
            c if u32::from(c) <= 0xff => out.push_str(&format!("\\x{:02X}", u32::from(c))),
            c => out.push_str(&format!("\\u{:04X}", u32::from(c))),
        }
    }
    out.push('"');
    out
}

fn is_plain_safe(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    if !(first.is_ascii_alphanumeric() || first == b'/' || first == b'_') {
        return false;
    }
    // One pass: only these ASCII characters, and no `: ` (a mapping inside the value; ` #`, a
    // comment, cannot occur since `#` is not among them).
    let mut previous = 0;
    for &b in bytes {
        let allowed = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b' ' | b'_'
                    | b'-'
                    | b'.'
                    | b'/'
                    | b':'
                    | b'@'
                    | b'+'
                    | b'='
                    | b','
                    | b'('
                    | b')'
                    | b'$'
            );
        if !allowed || (previous == b':' && b == b' ') {
            return false;
        }
        previous = b;
    }
    let special = [
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    ];
    let is_special = s.len() <= 5 && special.iter().any(|w| s.eq_ignore_ascii_case(w));
    !(s.ends_with([' ', ':']) || is_special || looks_numeric(s))
}

/// Whether some YAML resolver could read `s` as a number or a date.
fn looks_numeric(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !first.is_ascii_digit() {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    !s.chars().any(|c| c.is_ascii_alphabetic())
        || s.parse::<f64>().is_ok()
        || lower.starts_with("0x")
        || lower.starts_with("0o")
        || lower.starts_with("0b")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ambiguous_strings_are_quoted() {
        for s in [
            "2012-10-17",
            "128",
            "1e5",
            "0x1F",
            "yes",
            "No",
            "null",
            "*",
            "a: b",
            "",
            " x",
        ] {
            assert!(scalar(s).starts_with('\''), "{s:?} -> {}", scalar(s));
        }
        for s in [
            "arm64",
            "Image",
            "/aws/lambda/chatrix-prod",
            "sts:AssumeRole",
            "7days",
        ] {
            assert_eq!(scalar(s), s);
        }
        assert_eq!(scalar("it's"), "'it''s'");
        assert_eq!(scalar("a\nb"), "\"a\\nb\"");
    }

    #[test]
    fn non_printable_characters_are_escaped() {
        for (raw, escaped) in [
            ("a\u{7f}b", r#""a\x7Fb""#),
            ("\u{80}\u{9f}", r#""\x80\x9F""#),
            ("x\u{85}y", r#""x\Ny""#),
            ("\u{2028}\u{2029}", r#""\L\P""#),
            ("\u{feff}key", r#""\uFEFFkey""#),
            ("\u{fffe}", r#""\uFFFE""#),
            ("tab\there \"q\" \\", r#""tab\there \"q\" \\""#),
            ("\u{1}\u{1b}", r#""\x01\x1B""#),
        ] {
            assert_eq!(scalar(raw), escaped, "{raw:?}");
        }
        assert_eq!(scalar("café ☕ 🚀"), "'café ☕ 🚀'");
    }

    #[test]
    fn intrinsics_use_short_form_unless_nested() {
        let t = json!({
            "A": { "Ref": "X" },
            "B": { "Fn::GetAtt": ["Role", "Arn"] },
            "C": { "Fn::ImportValue": { "Fn::Sub": "${AWS::StackName}-x" } },
            "D": [{ "Fn::Sub": "arn:${AWS::Partition}:s3:::b" }],
        });
        let Value::Object(m) = t else { unreachable!() };
        let mut out = String::new();
        for (k, v) in &m {
            write_entry(&mut out, k, v, 0);
        }
        assert_eq!(
            out,
            "A: !Ref X\nB: !GetAtt Role.Arn\nC:\n  Fn::ImportValue: !Sub '${AWS::StackName}-x'\nD:\n  - !Sub 'arn:${AWS::Partition}:s3:::b'\n"
        );
    }

    #[test]
    fn sequences_of_maps_put_the_first_key_on_the_dash_line() {
        let t = json!({ "S": [{ "Effect": "Allow", "Action": ["a:B"] }] });
        let Value::Object(m) = t else { unreachable!() };
        let mut out = String::new();
        for (k, v) in &m {
            write_entry(&mut out, k, v, 0);
        }
        assert_eq!(out, "S:\n  - Effect: Allow\n    Action:\n      - a:B\n");
    }
}
