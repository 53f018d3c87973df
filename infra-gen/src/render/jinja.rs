//! The minijinja environment behind the non-YAML files of `generated/`. Templates are embedded
//! with `include_str!`, so the binary needs no files at run time and a template change
//! recompiles (and re-checks) like a code change.

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Serde, Value, ValueKind};
use std::sync::OnceLock;

use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use serde::Serialize;

use crate::Error;

/// The embedded templates, by the name `render` takes.
const TEMPLATES: &[(&str, &str)] = &[(
    "samconfig.toml.j2",
    include_str!("../../templates/samconfig.toml.j2"),
)];

fn environment() -> Environment<'static> {
    // Only what the templates use: registering every builtin costs each process more than
    // rendering does.
    let mut env = Environment::empty();
    env.add_filter("join", minijinja::filters::join);
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

/// The environment with every embedded template compiled, once per process and shared by the
/// threads that render pages; or the first template that does not compile, with its error.
fn compiled() -> &'static Result<Environment<'static>, (&'static str, String)> {
    static ENV: OnceLock<Result<Environment<'static>, (&'static str, String)>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = environment();
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .map_err(|e| (*name, format!("{e:#}")))?;
        }
        Ok(env)
    })
}

/// Renders the embedded template `name` with `context`; errors name the generated file.
pub(crate) fn render(name: &str, context: impl Serialize, path: &str) -> Result<String, Error> {
    let err = |source| Error::Render {
        path: path.to_owned(),
        source,
    };
    let env = compiled().as_ref().map_err(|(name, e)| {
        err(minijinja::Error::new(
            ErrorKind::SyntaxError,
            format!("embedded template {name}: {e}"),
        ))
    })?;
    let template = env.get_template(name).map_err(err)?;
    template.render(Value::from(Serde(context))).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `source` rendered in an environment configured like the embedded templates'.
    fn render_source(source: &str, context: serde_json::Value) -> Result<String, minijinja::Error> {
        environment().render_str(source, Value::from(Serde(context)))
    }

    #[test]
    fn embedded_templates_compile() {
        let env = compiled()
            .as_ref()
            .expect("every embedded template compiles");
        for (name, _) in TEMPLATES {
            assert!(env.get_template(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn toml_filter_quotes_strings_like_toml_and_refuses_maps() {
        let out = render_source(
            "{{ s | toml }} {{ l | toml }} {{ b | toml }}",
            serde_json::json!({"s": "a \"b\" \\ c\n", "l": ["x", "y"], "b": true}),
        )
        .expect("renders");
        assert_eq!(out, r#""a \"b\" \\ c\n" ["x","y"] true"#);
        let err = render_source("{{ m | toml }}", serde_json::json!({"m": {"k": 1}}));
        assert!(err.is_err());
    }

    #[test]
    fn undefined_fields_fail_rendering() {
        assert!(render_source("{{ missing }}", serde_json::json!({})).is_err());
        let err = render("samconfig.toml.j2", serde_json::json!({}), "x.toml");
        assert!(matches!(err, Err(Error::Render { path, .. }) if path == "x.toml"));
    }
}
