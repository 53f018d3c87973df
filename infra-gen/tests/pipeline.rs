//! The pipeline as a library user calls it: one call from an `App` to files that passed the
//! lints, the schemas and the replacement guard, and a `Failure` naming the step otherwise.

mod common;

use std::fs;
use std::path::PathBuf;

use common::{DOCKERFILE, app_with, codes, valid_app};
use infra_gen::check;
use infra_gen::model::Properties;
use infra_gen::pipeline::{self, Failure};

fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("infra-gen-pipeline-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    dir
}

#[test]
fn a_valid_app_is_written_where_it_was_guarded_and_then_matches() {
    let dir = scratch("valid");
    let app = valid_app();
    let rendered = pipeline::run(&app, &dir, None).expect("passes every step");
    assert_eq!(rendered.dir(), dir);
    // A template and a review page per stack, and samconfig.toml.
    assert_eq!(rendered.files().len(), 2 * app.stacks().len() + 1);
    let written = check::write(&rendered).expect("writes");
    assert_eq!(written.updated.len(), rendered.files().len());
    let drift = check::compare(&dir, "generated", rendered.files()).expect("readable");
    assert!(drift.is_empty(), "{drift:?}");
    fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_guard_reads_templates_once_and_compare_still_sees_every_edit() {
    let dir = scratch("reads");
    let app = valid_app();
    let rendered = pipeline::run(&app, &dir, None).expect("passes every step");
    check::write(&rendered).expect("writes");
    let templates: Vec<String> = app
        .stacks()
        .iter()
        .map(|s| format!("{}.yaml", s.name))
        .collect();
    let again = pipeline::run(&app, &dir, None).expect("passes every step");
    assert_eq!(again.unchanged().iter().cloned().collect::<Vec<_>>(), {
        let mut t = templates.clone();
        t.sort();
        t
    });
    assert!(
        check::compare_rendered(&again, "generated")
            .expect("readable")
            .is_empty()
    );
    // An edited template is not unchanged to the guard, and an edited page is read by compare.
    for edited in [templates[0].clone(), format!("{}.md", app.stacks()[0].name)] {
        let path = dir.join(&edited);
        let text = fs::read_to_string(&path).expect("written");
        fs::write(&path, format!("{text}# edited\n")).expect("writable");
        let rendered = pipeline::run(&app, &dir, None).expect("an edit is not a replacement");
        assert!(!rendered.unchanged().contains(&edited));
        let drift = check::compare_rendered(&rendered, "generated").expect("readable");
        assert!(
            matches!(drift.as_slice(), [check::Drift::Changed { path, .. }] if path.ends_with(&edited)),
            "{drift:?}"
        );
        fs::write(&path, text).expect("writable");
    }
    fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_lint_finding_stops_the_pipeline_before_rendering() {
    let app = app_with("us-west-2", DOCKERFILE, |s| s.env("AWS_REGION", "x")).expect("builds");
    let err = pipeline::run(&app, &scratch("lint"), None).expect_err("has a finding");
    assert!(matches!(err, Failure::Lint(_)), "{err}");
    assert_eq!(codes(err.findings()), ["reserved-env"]);
}

#[test]
fn a_schema_violation_stops_the_pipeline_with_the_property() {
    let mut app = valid_app();
    // A secret description Secrets Manager rejects: the model allows any string, the schema
    // (maxLength 2048) does not.
    for r in &mut app.stacks_mut()[1].template.resources {
        if let Properties::Secret(s) = &mut r.properties {
            s.description = "x".repeat(2049);
        }
    }
    let err = pipeline::validated(&app).expect_err("the schema refuses it");
    assert!(matches!(err, Failure::Schema(_)), "{err}");
    assert!(err.to_string().contains("Properties/Description"), "{err}");
}

#[test]
fn an_unacknowledged_replacement_is_refused_with_the_files_it_would_write() {
    let dir = scratch("replace");
    check::write(&pipeline::run(&valid_app(), &dir, None).expect("valid")).expect("writes");
    let mut app = valid_app();
    for r in &mut app.stacks_mut()[1].template.resources {
        if let Properties::Secret(s) = &mut r.properties {
            s.name = "demo/test/renamed".into();
        }
    }
    let err = pipeline::run(&app, &dir, None).expect_err("a renamed secret is replaced");
    let Failure::Replacement { refused, files } = &err else {
        panic!("expected a refused replacement, got {err}");
    };
    assert_eq!(codes(refused), ["replacement"]);
    assert_eq!(refused[0].resource, "ApiKeySecret");
    assert!(
        files
            .iter()
            .any(|f| f.contents.contains("demo/test/renamed"))
    );
    // Nothing was written: the committed file still has the old name.
    let committed = fs::read_to_string(dir.join("demo-test-service.yaml")).expect("committed");
    assert!(!committed.contains("renamed"));
    fs::remove_dir_all(&dir).ok();
}

mod table_keys {
    use super::*;
    use infra_gen::model::dynamodb::{Key, KeySchema, KeyType, Table, TableName};
    use proptest::prelude::*;

    /// A key schema: partition name and type, and an optional sort key.
    type Keys = (&'static str, bool, Option<&'static str>);

    fn keys() -> impl Strategy<Value = Keys> {
        (
            prop::sample::select(&["pk", "id"][..]),
            // The attribute's type is AttributeDefinitions, which updates in place.
            Just(false),
            prop::option::of(prop::sample::select(&["sk", "at"][..])),
        )
    }

    fn app(k: Keys) -> infra_gen::App {
        let kind = |number: bool| {
            if number { KeyType::N } else { KeyType::S }
        };
        let table = Table::new(
            TableName::new("demo-test-items").expect("valid"),
            KeySchema {
                partition: Key::new(k.0, kind(k.1)).expect("valid"),
                sort: k.2.map(|s| Key::string(s).expect("valid")),
            },
        );
        app_with("us-west-2", DOCKERFILE, |s| s.table("Items", Ok(table))).expect("builds")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]

        /// DynamoDB replaces a table whose keys change (its schema does not say so; the
        /// resource reference does): the guard refuses it like a changed name.
        #[test]
        fn changed_table_keys_are_a_replacement(before in keys(), after in keys()) {
            let dir = scratch(&format!("keys-{}", std::process::id() ^ before.0.len() as u32));
            check::write(&pipeline::run(&app(before), &dir, None).expect("valid")).expect("writes");
            let result = pipeline::run(&app(after), &dir, None);
            let _ = fs::remove_dir_all(&dir);
            match result {
                Ok(_) => prop_assert_eq!(before, after),
                Err(Failure::Replacement { refused, .. }) => {
                    prop_assert_ne!(before, after);
                    prop_assert_eq!(refused.len(), 1);
                    prop_assert!(refused[0].message.contains("KeySchema"), "{}", refused[0]);
                }
                Err(e) => prop_assert!(false, "{}", e),
            }
        }
    }
}
