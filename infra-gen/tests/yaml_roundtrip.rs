//! The emitted YAML, read back by an independent YAML 1.2 parser, is the template's JSON.

mod common;

use saphyr::{LoadableYamlNode, Yaml};
use serde_json::Value;

/// The crate's own reader (`render::read`), which `check` uses on committed templates.
fn read(yaml: &str) -> Result<Value, String> {
    infra_gen::render::read::read_template(yaml)
}

#[test]
fn rendered_templates_parse_back_to_their_json() {
    let app = common::app_with("us-west-2", common::DOCKERFILE, |s| {
        s.env("QUOTES", "it's 'quoted': yes")
            .env("NUMBERISH", "0123")
            .env("BOOLISH", "off")
    })
    .expect("builds");
    let files = infra_gen::pipeline::validated(&app).expect("renders");
    let templates: Vec<_> = files.iter().filter(|f| f.path.ends_with(".yaml")).collect();
    assert_eq!(templates.len(), app.stacks().len());
    for (file, stack) in templates.into_iter().zip(app.stacks()) {
        let docs = Yaml::load_from_str(&file.contents).expect("valid YAML");
        assert_eq!(docs.len(), 1, "{}", file.path);
        assert_eq!(
            read(&file.contents).expect("reads"),
            stack.template.to_json(),
            "{}",
            file.path
        );
    }
}

mod properties {
    use super::read;
    use infra_gen::render::yaml::template_to_yaml;
    use proptest::prelude::*;
    use serde_json::{Map, Value};

    /// Any string, weighted towards the characters YAML treats specially.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[ -~]{0,12}",
            proptest::collection::vec(
                prop_oneof![
                    Just('\u{7f}'),
                    Just('\u{85}'),
                    Just('\u{a0}'),
                    Just('\u{2028}'),
                    Just('\u{2029}'),
                    Just('\u{feff}'),
                    Just('\u{fffe}'),
                    Just('\t'),
                    Just('\n'),
                    Just('\r'),
                    Just('\''),
                    Just('"'),
                    Just('\\'),
                    Just(':'),
                    Just('#'),
                    Just(' '),
                    Just('-'),
                    Just('0'),
                    proptest::char::range('\u{80}', '\u{9f}'),
                    proptest::char::range('\u{0}', '\u{1f}'),
                    any::<char>(),
                ],
                0..8
            )
            .prop_map(|cs| cs.into_iter().collect()),
            Just("on".to_owned()),
            Just("0o17".to_owned()),
            Just("2012-10-17".to_owned()),
            Just("~".to_owned()),
        ]
    }

    /// Keys that are not intrinsic-function names (those render as tags on purpose).
    fn key() -> impl Strategy<Value = String> {
        text().prop_filter("not an intrinsic", |k| k != "Ref" && !k.starts_with("Fn::"))
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            text().prop_map(Value::String),
            any::<i64>().prop_map(Value::from),
            any::<bool>().prop_map(Value::Bool),
            Just(Value::Null),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 1..5).prop_map(Value::Array),
                proptest::collection::vec((key(), inner), 1..5)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn any_string_reads_back_unchanged(s in text()) {
            let doc = Map::from_iter([("Key".to_owned(), Value::String(s.clone()))]);
            let yaml = template_to_yaml(&doc).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let parsed = read(&yaml).map_err(|e| TestCaseError::fail(format!("{e}: {yaml:?}")))?;
            prop_assert_eq!(parsed, Value::Object(doc), "{:?}", yaml);
        }

        #[test]
        fn any_structure_reads_back_unchanged(entries in proptest::collection::vec((key(), value()), 1..5)) {
            let doc: Map<String, Value> = entries.into_iter().collect();
            let yaml = template_to_yaml(&doc).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let parsed = read(&yaml).map_err(|e| TestCaseError::fail(format!("{e}: {yaml:?}")))?;
            prop_assert_eq!(parsed, Value::Object(doc), "{:?}", yaml);
        }

        /// YAML 1.2 allows a byte-order mark at the start of a stream (an editor's, or
        /// PowerShell's UTF-8): the same document, also in CRLF.
        #[test]
        fn a_byte_order_mark_and_crlf_leave_the_document_unchanged(
            entries in proptest::collection::vec((key(), value()), 1..5), crlf in any::<bool>(),
        ) {
            let doc: Map<String, Value> = entries.into_iter().collect();
            let yaml = template_to_yaml(&doc).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let yaml = if crlf { yaml.replace('\n', "\r\n") } else { yaml };
            let marked = format!("\u{feff}{yaml}");
            let parsed = read(&marked).map_err(|e| TestCaseError::fail(format!("{e}: {marked:?}")))?;
            prop_assert_eq!(parsed, Value::Object(doc), "{:?}", marked);
        }
    }
}
