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

mod acknowledgements {
    use super::*;
    use infra_gen::model::review::ReplacementAck;
    use proptest::prelude::*;

    const NAMES: [&str; 3] = ["demo/test/api-key", "demo/test/key-v2", "demo/test/key-v3"];
    const REASONS: [&str; 2] = [
        "The key moves under the team's naming scheme; clients read the new name from the stack output.",
        "The key moves again to the shared prefix the rotation job expects; clients read the new name from the stack output.",
    ];

    /// The valid app with its secret named `name` and acknowledged by `reason`.
    fn app(name: &str, reason: Option<&str>) -> infra_gen::App {
        let mut app = valid_app();
        for r in &mut app.stacks_mut()[1].template.resources {
            if let Properties::Secret(s) = &mut r.properties {
                s.name = name.into();
                r.replacement_ack = reason.map(|why| ReplacementAck::new(why).expect("a reason"));
            }
        }
        app
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// An acknowledgement consents to the replacement it is generated with, once: each
        /// step renames the secret (or not) with an acknowledgement (or none), and a rename
        /// passes exactly when the definition's acknowledgement is not the one the committed
        /// template records (left in the definition, it would let every later rename
        /// through); a step that replaces nothing passes with no acknowledgement or the one
        /// the committed template records, and is refused with another: generated before its
        /// change (the second commit of two), it would be recorded as spent and refuse the
        /// rename it was written for.
        #[test]
        fn an_acknowledgement_consents_to_one_replacement(
            steps in prop::collection::vec((0usize..3, prop::option::of(0usize..2)), 1..5),
        ) {
            let dir = scratch("ack-once");
            let (mut name, mut recorded) = (NAMES[0], None);
            check::write(&pipeline::run(&app(name, None), &dir, None).expect("valid")).expect("writes");
            for (n, reason) in steps {
                let (next, why) = (NAMES[n], reason.map(|r| REASONS[r]));
                let run = pipeline::run(&app(next, why), &dir, None);
                let passes = if next == name {
                    why.is_none() || why == recorded
                } else {
                    why.is_some_and(|w| Some(w) != recorded)
                };
                match run {
                    Ok(rendered) => {
                        prop_assert!(passes, "{name} → {next} with {why:?} over {recorded:?} passed");
                        check::write(&rendered).expect("writes");
                        (name, recorded) = (next, why);
                    }
                    Err(e) => {
                        prop_assert!(!passes, "{name} → {next} with {why:?} over {recorded:?}: {e}");
                        let Failure::Replacement { refused, .. } = &e else {
                            panic!("expected a refused replacement, got {e}");
                        };
                        prop_assert_eq!(codes(refused), ["replacement"]);
                        if next == name {
                            prop_assert!(refused[0].message.contains("replaces nothing of it"), "{}", refused[0]);
                            prop_assert!(refused[0].fix.contains("in the same change as the replacement"), "{}", refused[0]);
                        } else if why.is_some() {
                            prop_assert!(refused[0].fix.contains("recorded in the committed template"), "{}", refused[0]);
                        }
                    }
                }
            }
            fs::remove_dir_all(&dir).ok();
        }
    }
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

/// Stateful resources moved between stacks, and committed templates an editor changed: the
/// guard judges what the committed files record of the deployed state.
mod guard {
    use super::*;
    use infra_gen::App;
    use infra_gen::model::dynamodb::{Key, KeySchema, Table, TableName};
    use infra_gen::model::raw::Raw;
    use infra_gen::model::sqs::{Queue, QueueName};
    use infra_gen::{Error, builders::Service};
    use proptest::prelude::*;
    use serde_json::json;

    /// A stateful resource of service `a` or `b`: (kind, physical name).
    fn add(s: Service, kind: usize, id: &str, name: &str) -> Service {
        match kind {
            0 => s.table(
                id,
                TableName::new(name).map(|n| {
                    Table::new(
                        n,
                        KeySchema {
                            partition: Key::string("pk").expect("valid"),
                            sort: None,
                        },
                    )
                }),
            ),
            1 => s.queue(id, QueueName::new(name).map(Queue::new)),
            2 => s.raw(
                id,
                Raw::new("AWS::S3::Bucket", json!({ "BucketName": name })),
            ),
            3 => s.raw(
                id,
                Raw::new("AWS::SQS::Queue", json!({ "QueueName": name })),
            ),
            // CloudFormation names it: the logical ID is all that identifies it.
            _ => s.raw(
                id,
                Raw::new("AWS::EFS::FileSystem", json!({ "Encrypted": true })),
            ),
        }
    }

    /// Services `a` and `b` of one environment, each with `customize` applied.
    fn two(customize: impl Fn(&str, Service) -> Service) -> Result<App, Error> {
        let mut app = App::new();
        for name in ["a", "b"] {
            for stack in
                common::service_stacks(name, "us-west-2", DOCKERFILE, |s| customize(name, s))?
            {
                app.push(stack);
            }
        }
        Ok(app)
    }

    fn written(dir: &std::path::Path, app: &App) {
        let rendered = pipeline::run(app, dir, None).expect("passes every step");
        check::write(&rendered).expect("writes");
    }

    fn refused_at(err: &Failure) -> Vec<(String, String)> {
        err.findings()
            .iter()
            .filter(|f| f.code == "replacement")
            .map(|f| (f.stack.clone(), f.resource.clone()))
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Moved from one stack to another under its name (or, unnamed, its logical ID): the
        /// old stack orphans it and the new one creates it again. A resource of another name
        /// under another ID is a new one beside a removed one, which an acknowledgement
        /// consents to nothing of (generated, it would be recorded as spent).
        #[test]
        fn a_stateful_resource_moved_to_another_stack_is_a_replacement(
            kind in 0..5usize, same_id in any::<bool>(), same_name in any::<bool>(),
            to_b in any::<bool>(), ack in any::<bool>(),
        ) {
            let (from, to) = if to_b { ("a", "b") } else { ("b", "a") };
            let new_id = if same_id { "Data" } else { "Moved" };
            let new_name = if same_name { "demo-test-data" } else { "demo-test-other" };
            let before = two(|n, s| if n == from { add(s, kind, "Data", "demo-test-data") } else { s })
                .expect("valid");
            let after = two(|n, s| {
                if n != to {
                    return s;
                }
                let s = add(s, kind, new_id, new_name);
                if ack { s.acknowledge_replacement(new_id, "the data is copied over by hand first") } else { s }
            })
            .expect("valid");
            let dir = scratch(&format!("move-{kind}-{same_id}-{same_name}-{to_b}-{ack}"));
            written(&dir, &before);
            let got = pipeline::run(&after, &dir, None);
            fs::remove_dir_all(&dir).ok();
            // Unnamed, only the logical ID says it is the same resource.
            let moved = if kind == 4 { same_id } else { same_name };
            match got {
                Err(e) => {
                    prop_assert!(moved != ack, "refused: {}", e);
                    prop_assert_eq!(refused_at(&e), vec![(format!("{to}-test-service"), new_id.to_owned())]);
                }
                Ok(r) => {
                    prop_assert!(moved == ack, "accepted a move, or an acknowledgement of nothing");
                    prop_assert_eq!(r.acknowledged().len(), usize::from(moved && ack));
                }
            }
        }

        /// CloudFormation compares a create-only property as the template writes it: an RDS
        /// identifier respelled in another case is a replacement (whose new cluster RDS then
        /// refuses, the lowercased identifier being taken), though RDS keeps it in lowercase.
        #[test]
        fn an_rds_identifier_compares_as_the_template_writes_it(
            upper in prop::collection::vec(any::<bool>(), 12), other in any::<bool>(),
        ) {
            let name = "demo-test-db";
            let respelled: String = name.chars().zip(&upper)
                .map(|(c, u)| if *u { c.to_ascii_uppercase() } else { c })
                .collect::<String>() + if other { "2" } else { "" };
            let cluster = |id: &str| {
                let id = id.to_owned();
                move |n: &str, s: Service| if n != "a" { s } else {
                    s.raw("Db", Raw::new("AWS::RDS::DBCluster", json!({
                        "DBClusterIdentifier": id, "Engine": "aurora-postgresql", "MasterUsername": "app",
                        "ManageMasterUserPassword": true, "StorageEncrypted": true})))
                }
            };
            let dir = scratch(&format!("rds-{}", respelled));
            written(&dir, &two(cluster(name)).expect("valid"));
            let got = pipeline::run(&two(cluster(&respelled)).expect("valid"), &dir, None);
            fs::remove_dir_all(&dir).ok();
            prop_assert_eq!(got.is_err(), respelled != name, "{}", respelled);
        }

        /// The committed samconfig.toml says where each stack was deployed: an editor's byte-order
        /// mark, CRLF or stray byte hide no region move, and a file that records no region for
        /// a committed stack (unreadable, its section gone, deleted beside the committed
        /// templates, or a directory in its place) counts as a move of it.
        #[test]
        fn an_edited_samconfig_still_guards_the_region(
            edit in 0..7usize, moved in any::<bool>(),
        ) {
            let at = |region: &'static str| {
                let mut app = App::new();
                for stack in common::service_stacks("a", region, DOCKERFILE, |s| s).expect("valid") {
                    app.push(stack);
                }
                app
            };
            let dir = scratch(&format!("samconfig-{edit}-{moved}"));
            written(&dir, &at("us-west-2"));
            let file = dir.join("samconfig.toml");
            let text = fs::read(&file).expect("written");
            let edited: Vec<u8> = match edit {
                0 => [b"\xef\xbb\xbf".as_slice(), &text].concat(),
                1 => String::from_utf8_lossy(&text).replace('\n', "\r\n").into_bytes(),
                2 => [text.as_slice(), b"# \xff\n"].concat(),
                // The service stack's section dropped.
                3 => String::from_utf8_lossy(&text)
                    .split("\n[")
                    .filter(|s| !s.starts_with("a-test-service"))
                    .collect::<Vec<_>>()
                    .join("\n[")
                    .into_bytes(),
                4 => [text.as_slice(), b"[unclosed\n"].concat(),
                _ => Vec::new(),
            };
            match edit {
                5 => fs::remove_file(&file).expect("removable"),
                6 => {
                    fs::remove_file(&file).expect("removable");
                    fs::create_dir(&file).expect("a directory in its place");
                }
                _ => fs::write(&file, edited).expect("writable"),
            }
            let got = pipeline::run(&at(if moved { "us-east-1" } else { "us-west-2" }), &dir, None);
            fs::remove_dir_all(&dir).ok();
            prop_assert_eq!(got.is_err(), moved || edit >= 3, "edit {}", edit);
        }

        /// A byte-order mark, CRLF line ends or a byte that is not UTF-8 in a committed
        /// template do not hide what it records; a template that cannot be read at all
        /// records nothing, so at worst every stateful resource of the stack is replaced.
        #[test]
        fn an_edited_committed_template_still_guards_its_stack(
            edits in prop::collection::vec(0..4usize, 1..3), rekey in any::<bool>(),
        ) {
            let items = |pk: &str| {
                let pk = pk.to_owned();
                move |n: &str, s: Service| if n != "a" { s } else {
                    s.table("Items", TableName::new("demo-test-items").map(|n| {
                        Table::new(n, KeySchema { partition: Key::string(&pk).expect("valid"), sort: None })
                    }))
                }
            };
            let before = two(items("pk")).expect("valid");
            let after = two(items(if rekey { "id" } else { "pk" })).expect("valid");
            let dir = scratch(&format!("edit-{edits:?}-{rekey}").replace([' ', ',', '[', ']'], ""));
            written(&dir, &before);
            let file = dir.join("a-test-service.yaml");
            let mut bytes = fs::read(&file).expect("written");
            for e in &edits {
                bytes = match e {
                    0 => [b"\xef\xbb\xbf".as_slice(), &bytes].concat(),
                    1 => String::from_utf8_lossy(&bytes).replace('\n', "\r\n").into_bytes(),
                    2 => [bytes.as_slice(), b"# \xff\xfe reviewed\n"].concat(),
                    _ => [bytes.as_slice(), b"Resources: [unclosed\n"].concat(),
                };
            }
            fs::write(&file, &bytes).expect("writable");
            let got = pipeline::run(&after, &dir, None);
            fs::remove_dir_all(&dir).ok();
            let unreadable = edits.contains(&3);
            match got {
                Err(e) => {
                    prop_assert!(rekey || unreadable, "refused: {}", e);
                    prop_assert!(refused_at(&e).iter().all(|(s, _)| s == "a-test-service"), "{}", e);
                    prop_assert!(!refused_at(&e).is_empty(), "{}", e);
                }
                Ok(_) => prop_assert!(!rekey && !unreadable, "accepted"),
            }
        }
    }
    /// A generated/ holding no template of a stack (a first render, or a stack added) needs
    /// no samconfig.toml: what is new cannot have moved; a stack still committed may have.
    #[test]
    fn new_stacks_need_no_committed_samconfig() {
        let app = || {
            let mut app = App::new();
            for stack in common::service_stacks("a", "us-west-2", DOCKERFILE, |s| s).expect("valid")
            {
                app.push(stack);
            }
            app
        };
        for all_new in [false, true] {
            let dir = scratch(&format!("samconfig-new-{all_new}"));
            written(&dir, &app());
            for e in fs::read_dir(&dir).expect("written") {
                let path = e.expect("entry").path();
                let name = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
                    .to_owned();
                if name == "samconfig.toml" || all_new || name.contains("service") {
                    fs::remove_file(&path).expect("removable");
                }
            }
            let got = pipeline::run(&app(), &dir, None);
            fs::remove_dir_all(&dir).ok();
            // Not all new: the registry stack stays committed, and may have moved.
            assert_eq!(got.is_err(), !all_new, "all new: {all_new}");
        }
    }
}

mod stray_trees {
    use super::*;
    use proptest::prelude::*;

    /// A directory tree `depth` folders of `len`-letter names deep under `dir/old`, a file at
    /// its bottom. Built from the bottom up, each chain short enough to name, then moved under
    /// the next, so it may reach past PATH_MAX.
    fn deep_tree(dir: &std::path::Path, depth: usize, len: usize) {
        let per_chain = (2048 / (len + 1)).max(1);
        let mut left = depth;
        let mut below: Option<PathBuf> = None;
        let mut n = 0;
        while left > 0 {
            let take = left.min(per_chain);
            left -= take;
            let top = dir.join(format!("chain{n}"));
            n += 1;
            let mut bottom = top.clone();
            for _ in 0..take {
                bottom = bottom.join("a".repeat(len));
            }
            fs::create_dir_all(&bottom).expect("a chain under PATH_MAX");
            match below.take() {
                Some(chain) => fs::rename(&chain, bottom.join("a")).expect("movable"),
                None => fs::write(bottom.join("x.yaml"), "Resources: {}\n").expect("writable"),
            }
            below = Some(top);
        }
        if let Some(top) = below {
            fs::rename(top, dir.join("old")).expect("movable");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]
        /// A stray folder in generated/ is drift whatever its depth (exit 1), never an I/O
        /// failure of `check` (exit 2), also where its paths pass PATH_MAX.
        #[test]
        fn a_stray_tree_of_any_depth_is_drift(depth in 1..400usize, len in 1..40usize) {
            let app = valid_app();
            let dir = scratch(&format!("tree-{depth}-{len}"));
            let r = pipeline::run(&app, &dir, None).expect("valid");
            check::write(&r).expect("writable");
            deep_tree(&dir, depth, len);
            let got = check::compare(&dir, "generated", r.files());
            fs::remove_dir_all(&dir).ok();
            let drift = got.map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(
                drift.iter().any(|d| matches!(d, check::Drift::Stray { path } if path.starts_with("generated/old/"))),
                "{drift:?}"
            );
        }
    }
}
