//! The minijinja environment behind the non-YAML files of `generated/`. Templates are embedded
//! with `include_str!`, so the binary needs no files at run time and a template change
//! recompiles (and re-checks) like a code change.

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Serde, Value, ValueKind};
use std::sync::Mutex;

use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use serde::Serialize;

use crate::Error;

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build();
    // The default syntax with whitespace options cannot fail to build.
    if let Ok(syntax) = syntax {
        env.set_syntax(syntax);
    }
    // Neither TOML nor Markdown is HTML: escaping is explicit, through the filters below.
    env.set_auto_escape_callback(|_| AutoEscape::None);
    // A misspelt field must fail rendering (and the tests), not print nothing.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_filter("toml", toml);
    env.add_filter("cell", cell);
    env
}

/// A TOML value: JSON's string escapes are a subset of TOML basic strings', and JSON arrays
/// of scalars are TOML inline arrays. Maps have no such equivalence, so they are refused.
fn toml(value: Value) -> Result<String, minijinja::Error> {
    let is_map = |v: &Value| v.kind() == ValueKind::Map;
    if is_map(&value)
        || value
            .try_iter()
            .is_ok_and(|mut items| items.any(|v| is_map(&v)))
    {
        return Err(minijinja::Error::new(
            ErrorKind::InvalidOperation,
            "the toml filter takes strings, numbers, booleans and lists",
        ));
    }
    serde_json::to_string(&value)
        .map_err(|e| minijinja::Error::new(ErrorKind::InvalidOperation, e.to_string()))
}

/// Text for a Markdown table cell: a `|` would end the cell and a newline the row.
fn cell(value: String) -> String {
    value.replace('|', "\\|").replace('\n', " ")
}

/// Renders the embedded template `name` with `context`; errors name the generated file.
/// Each template is compiled once per process (a review page per stack shares one).
pub(crate) fn render(
    name: &'static str,
    source: &'static str,
    context: impl Serialize,
    path: &str,
) -> Result<String, Error> {
    static ENV: Mutex<Option<Environment<'static>>> = Mutex::new(None);
    let err = |source| Error::Render {
        path: path.to_owned(),
        source,
    };
    // A poisoned lock means a render panicked, which fails the run anyway.
    let mut guard = ENV.lock().unwrap_or_else(|e| e.into_inner());
    let env = guard.get_or_insert_with(environment);
    // Keyed by name; a different source under the same name (tests do that) replaces it.
    if !env.get_template(name).is_ok_and(|t| t.source() == source) {
        env.add_template(name, source).map_err(err)?;
    }
    let template = env.get_template(name).map_err(err)?;
    template.render(Value::from(Serde(context))).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_filter_quotes_strings_like_toml_and_refuses_maps() {
        let out = render(
            "t",
            "{{ s | toml }} {{ l | toml }} {{ b | toml }}",
            serde_json::json!({"s": "a \"b\" \\ c\n", "l": ["x", "y"], "b": true}),
            "t.toml",
        )
        .expect("renders");
        assert_eq!(out, r#""a \"b\" \\ c\n" ["x","y"] true"#);
        let err = render(
            "t",
            "{{ m | toml }}",
            serde_json::json!({"m": {"k": 1}}),
            "t.toml",
        );
        assert!(matches!(err, Err(Error::Render { .. })));
    }

    #[test]
    fn undefined_fields_fail_rendering() {
        let err = render("t", "{{ missing }}", serde_json::json!({}), "x.md");
        assert!(err.is_err());
    }

    #[test]
    fn cells_escape_pipes_and_newlines() {
        assert_eq!(cell("a | b\nc".into()), "a \\| b c");
    }
}
