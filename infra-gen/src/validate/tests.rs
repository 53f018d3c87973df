use serde_json::{Value, json};

use super::*;
use crate::builders::{ContainerImage, FunctionUrl, Registry, SecretSpec, Service};
use crate::model::Expr;
use crate::model::lambda::{Architecture, DockerSource, HandlerMode, ImageConfig};
use crate::{App, Environment};

/// A registry and a service with a public streaming URL, as a repository would define them.
fn app() -> App {
    app_with(|s| s)
}

fn app_with(customize: impl FnOnce(Service) -> Service) -> App {
    let env = Environment::new("test", "us-west-2").expect("valid");
    let (registry, repository) = Registry::new("demo", &env, "test").build().expect("builds");
    let image = ContainerImage {
        repository,
        source: DockerSource {
            dockerfile: "Dockerfile".into(),
            dockerfile_text: "",
        },
        config: ImageConfig::new(&["/var/task/bootstrap"], &["lambda"], "/var/task")
            .expect("valid"),
    };
    let service = Service::new(
        "demo",
        &env,
        "test",
        image,
        Architecture::Arm64,
        HandlerMode::Streaming,
    )
    .expect("valid")
    .url(FunctionUrl::public("the app checks a bearer key").expect("valid"));
    let service = customize(service).build().expect("builds");
    let mut app = App::new();
    app.push(registry);
    app.push(service);
    app
}

fn service_json() -> Value {
    app().stacks()[1].template.to_json()
}

/// The messages for `template` after `edit`, which must all concern `resource`.
fn messages(edit: impl FnOnce(&mut Value), resource: &str) -> Vec<String> {
    let mut t = service_json();
    edit(&mut t);
    let findings = validate_template("demo-test-service", &t);
    for f in &findings {
        assert_eq!((f.code, f.resource.as_str()), ("schema", resource), "{f}");
        assert_eq!(f.stack, "demo-test-service");
    }
    findings.into_iter().map(|f| f.message).collect()
}

fn set(t: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    match t.pointer_mut(parent) {
        Some(Value::Object(m)) => {
            m.insert(key.to_owned(), value);
        }
        _ => panic!("no object at {parent}"),
    }
}

#[test]
fn builder_output_passes() {
    let findings = validate(&app());
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn unknown_property_on_a_plain_resource_fails() {
    let m = messages(
        |t| {
            set(
                t,
                "/Resources/FunctionLogGroup/Properties/Retention",
                json!(14),
            )
        },
        "FunctionLogGroup",
    );
    assert_eq!(
        m,
        ["Properties: unknown property Retention (AWS::Logs::LogGroup schema)"]
    );
}

#[test]
fn unknown_property_on_a_sam_function_fails() {
    let m = messages(
        |t| set(t, "/Resources/Function/Properties/MemorySizeMb", json!(512)),
        "Function",
    );
    assert_eq!(
        m,
        ["Properties: unknown property MemorySizeMb (SAM schema)"]
    );
}

#[test]
fn bad_enum_in_function_url_config_fails_against_the_url_schema() {
    let m = messages(
        |t| {
            set(
                t,
                "/Resources/Function/Properties/FunctionUrlConfig/InvokeMode",
                json!("STREAM"),
            )
        },
        "Function",
    );
    assert_eq!(
        m,
        [
            r#"Properties/FunctionUrlConfig/InvokeMode: "STREAM" is not one of ["BUFFERED","RESPONSE_STREAM"] (AWS::Lambda::Url schema; SAM passes FunctionUrlConfig to it)"#
        ]
    );
}

#[test]
fn bad_architecture_fails_against_the_function_schema() {
    let m = messages(
        |t| {
            set(
                t,
                "/Resources/Function/Properties/Architectures",
                json!(["arm"]),
            )
        },
        "Function",
    );
    assert_eq!(
        m,
        [
            r#"Properties/Architectures/0: "arm" is not one of ["x86_64","arm64"] (AWS::Lambda::Function schema; SAM passes the property to it)"#
        ]
    );
}

#[test]
fn out_of_range_values_fail() {
    let m = messages(
        |t| set(t, "/Resources/Function/Properties/Timeout", json!(0)),
        "Function",
    );
    assert_eq!(
        m,
        [
            "Properties/Timeout: 0 is below the minimum 1 (AWS::Lambda::Function schema; SAM passes the property to it)"
        ]
    );
    let m = messages(
        |t| {
            set(
                t,
                "/Resources/Function/Properties/FunctionUrlConfig/Cors",
                json!({ "MaxAge": 86401 }),
            )
        },
        "Function",
    );
    assert_eq!(
        m,
        [
            "Properties/FunctionUrlConfig/Cors/MaxAge: 86401 is above the maximum 86400 (AWS::Lambda::Url schema; SAM passes FunctionUrlConfig to it)"
        ]
    );
}

#[test]
fn image_uri_is_checked_where_sam_puts_it() {
    let m = messages(
        // A list (a number would be converted to its text, as CloudFormation does).
        |t| set(t, "/Resources/Function/Properties/ImageUri", json!([7])),
        "Function",
    );
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(
        m[0].starts_with("Properties/ImageUri: [7] is not of type"),
        "{m:?}"
    );
}

#[test]
fn read_only_properties_cannot_be_set() {
    let m = messages(
        |t| {
            set(
                t,
                "/Resources/FunctionRole/Properties/Arn",
                json!("arn:aws:iam::1:role/x"),
            )
        },
        "FunctionRole",
    );
    assert!(
        m.iter()
            .any(|m| m.contains("Arn is read-only in AWS::IAM::Role")),
        "{m:?}"
    );
}

#[test]
fn intrinsics_are_accepted_wherever_a_value_is() {
    let m = messages(
        |t| {
            let props = "/Resources/Function/Properties";
            set(
                t,
                &format!("{props}/MemorySize"),
                json!({ "Ref": "Memory" }),
            );
            set(
                t,
                &format!("{props}/Architectures"),
                json!({ "Fn::Split": [",", "arm64"] }),
            );
            set(
                t,
                &format!("{props}/FunctionUrlConfig/InvokeMode"),
                json!({ "Fn::ImportValue": "mode" }),
            );
        },
        "Function",
    );
    assert!(m.is_empty(), "{m:?}");
    // ...but an intrinsic does not hide a real error next to it.
    let m = messages(
        |t| {
            set(
                t,
                "/Resources/Function/Properties/MemorySize",
                json!({ "Ref": "Memory" }),
            );
            set(t, "/Resources/Function/Properties/Timeout", json!(0));
        },
        "Function",
    );
    assert_eq!(m.len(), 1, "{m:?}");
}

#[test]
fn a_type_without_an_embedded_schema_is_reported() {
    let m = messages(
        |t| {
            set(
                t,
                "/Resources/FunctionLogGroup/Type",
                json!("AWS::Logs::Destination"),
            )
        },
        "FunctionLogGroup",
    );
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(m[0].contains("has no embedded schema"), "{m:?}");
}

#[test]
fn a_customer_managed_key_encrypts_logs_and_secrets_and_can_decrypt_only_secrets() {
    let key = Expr::import("keys-ServiceKeyArn");
    let app = app_with(|s| {
        s.secret(SecretSpec::generated("ApiKey", "keys", "k", "KEY_ARN"))
            .kms_key(key.clone())
    });
    assert!(validate(&app).is_empty(), "{:#?}", validate(&app));
    let t = app.stacks()[1].template.to_json();
    let key = serde_json::to_value(&key).expect("serializes");
    assert_eq!(
        t["Resources"]["FunctionLogGroup"]["Properties"]["KmsKeyId"],
        key
    );
    assert_eq!(
        t["Resources"]["ApiKeySecret"]["Properties"]["KmsKeyId"],
        key
    );
    let statements =
        &t["Resources"]["FunctionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"];
    let decrypt = statements
        .as_array()
        .expect("a list")
        .iter()
        .find(|s| s["Sid"] == "DecryptSecretsWithServiceKey")
        .expect("granted");
    assert_eq!(decrypt["Action"], json!(["kms:Decrypt"]));
    assert_eq!(decrypt["Resource"], json!([key]));
    assert_eq!(
        decrypt["Condition"]["StringEquals"]["kms:ViaService"],
        json!({ "Fn::Sub": "secretsmanager.${AWS::Region}.amazonaws.com" })
    );
}

fn scratch_cache(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("infra-gen-cache-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("schema-cache")
}

fn with_memory(app: &mut App, mb: u32) {
    for r in &mut app.stacks_mut()[1].template.resources {
        if let crate::model::Properties::Function(f) = &mut r.properties {
            f.memory = crate::units::Memory::mb(mb).expect("valid");
        }
    }
}

#[test]
fn the_cache_skips_exactly_the_resources_that_passed_before() {
    let path = scratch_cache("skip");
    let app = app();
    assert!(validate_cached(&app, &path).is_empty());
    let keys = std::fs::read_to_string(&path).expect("written");
    // One key per resource of both stacks.
    let resources: usize = app
        .stacks()
        .iter()
        .map(|s| s.template.resources.len())
        .sum();
    assert_eq!(keys.lines().count(), resources);

    // A cached key is trusted: plant the key of an invalid function and it is not checked.
    let mut bad = app.clone();
    for r in &mut bad.stacks_mut()[1].template.resources {
        if let crate::model::Properties::Function(f) = &mut r.properties {
            f.description = "x".repeat(300); // Lambda allows 256 characters
        }
    }
    assert!(!validate(&bad).is_empty(), "the edit breaks the schema");
    let planted: Vec<String> = bad.stacks()[1]
        .template
        .to_json()
        .get("Resources")
        .and_then(Value::as_object)
        .expect("resources")
        .values()
        .map(cache::key)
        .collect();
    std::fs::write(&path, planted.join("\n")).expect("plant");
    assert!(validate_cached(&bad, &path).is_empty(), "planted keys skip");

    // Anything not in the cache is validated: the same edit on a fresh cache fails.
    std::fs::remove_file(&path).expect("reset");
    assert_eq!(validate_cached(&bad, &path).len(), 1);
    // ... and a failing resource is never cached.
    let bad_function = cache::key(&bad.stacks()[1].template.to_json()["Resources"]["Function"]);
    let kept = std::fs::read_to_string(&path).expect("written");
    assert!(!kept.lines().any(|k| k == bad_function), "{kept}");
    let mut other = app.clone();
    with_memory(&mut other, 1024);
    assert!(validate_cached(&other, &path).is_empty());
}

/// What the pipeline does per stack: render, then check against the session's cache.
fn session_check(app: &App, path: &std::path::Path) -> Vec<Finding> {
    let mut session = Session::open(Some(path));
    let mut findings = Vec::new();
    for stack in app.stacks() {
        let text = crate::render::template_file(stack)
            .expect("writes")
            .contents;
        findings.extend(session.check(stack.name.as_str(), || stack.template.to_json(), &text));
    }
    session.finish();
    findings
}

#[test]
fn an_unchanged_template_is_skipped_by_its_text_and_an_edited_one_keeps_its_resources_cached() {
    let path = scratch_cache("text");
    let app = app();
    assert!(session_check(&app, &path).is_empty());
    let lines = |p: &std::path::Path| -> Vec<String> {
        let text = std::fs::read_to_string(p).expect("written");
        text.lines().map(str::to_owned).collect()
    };
    let first = lines(&path);
    // One line per template (its key and its resources' keys), one per resource.
    let resources: usize = app
        .stacks()
        .iter()
        .map(|s| s.template.resources.len())
        .sum();
    assert_eq!(
        first.iter().filter(|l| l.contains(' ')).count(),
        app.stacks().len()
    );
    assert_eq!(first.iter().filter(|l| !l.contains(' ')).count(), resources);
    // An unchanged app keeps the file as it is.
    assert!(session_check(&app, &path).is_empty());
    assert_eq!(lines(&path), first);

    // The text key is trusted: plant the key of a template with an invalid function.
    let mut bad = app.clone();
    for r in &mut bad.stacks_mut()[1].template.resources {
        if let crate::model::Properties::Function(f) = &mut r.properties {
            f.description = "x".repeat(300); // Lambda allows 256 characters
        }
    }
    let stack = &bad.stacks()[1];
    let text = crate::render::template_file(stack)
        .expect("writes")
        .contents;
    let planted = format!("{} {}\n", cache::text_key(&text), "0".repeat(64));
    std::fs::write(&path, planted).expect("plant");
    assert!(
        session_check(&bad, &path).is_empty(),
        "a planted template key skips"
    );
    // Without it, the edit is found, and the edited template is not recorded as passed.
    std::fs::remove_file(&path).expect("reset");
    assert_eq!(session_check(&bad, &path).len(), 1);
    let kept = lines(&path);
    assert_eq!(
        kept.iter().filter(|l| l.contains(' ')).count(),
        app.stacks().len() - 1
    );

    // An edited template is checked resource by resource: the keys of its unchanged
    // resources stay, only the edited function's key is new.
    std::fs::remove_file(&path).expect("reset");
    assert!(session_check(&app, &path).is_empty());
    let mut other = app.clone();
    with_memory(&mut other, 1024);
    assert!(session_check(&other, &path).is_empty());
    let after = lines(&path);
    let single = |v: &[String]| -> std::collections::BTreeSet<String> {
        v.iter().filter(|l| !l.contains(' ')).cloned().collect()
    };
    let (before, after) = (single(&first), single(&after));
    assert_eq!(
        before.difference(&after).count(),
        1,
        "only the function's key changed"
    );
    assert_eq!(after.difference(&before).count(), 1);
}

#[test]
fn results_come_back_in_the_order_of_the_items() {
    let items: Vec<u64> = (0..200).collect();
    let out = super::in_parallel(&items, |i| {
        // Uneven work, so items finish out of order.
        (0..(i % 7) * 1000).fold(*i, |acc, x| acc.wrapping_add(x % 2))
            - (0..(i % 7) * 1000).fold(0, |acc, x| acc + x % 2)
    });
    assert_eq!(out, items);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// CloudFormation converts a template scalar to the type the schema asks: a string of an
    /// integer or of `true`/`false`, a number where a string is asked. The converted value is
    /// judged as written typed (a range, an enum); a string that is no such value is refused.
    #[test]
    fn scalars_are_judged_as_cloudformation_converts_them(
        delay in -5i64..1000,
        retention in proptest::sample::select(&[1i64, 2, 30, 365, 400, 500, 3653][..]),
        fifo in proptest::sample::select(&["true", "false", "True", "yes", "1"][..]),
        as_text in proptest::collection::vec(proptest::prelude::any::<bool>(), 3),
        how in 0u8..4,
    ) {
        let scalar = |n: i64, text: bool| if text { json!(n.to_string()) } else { json!(n) };
        // The same value computed from literals by an intrinsic, as CloudFormation computes it.
        let computed = |n: i64, how: u8| {
            let t = n.to_string();
            let (head, tail) = t.split_at(t.len() / 2);
            match how {
                0 => json!({"Fn::Sub": t}),
                1 => json!({"Fn::Sub": ["${N}", {"N": t}]}),
                2 => json!({"Fn::Join": ["", [head, tail]]}),
                _ => json!({"Fn::Sub": ["${A}${B}", {"A": head, "B": {"Fn::Join": ["", [tail]]}}]}),
            }
        };
        let queue = json!({"Type": "AWS::SQS::Queue", "Properties": {
            "DelaySeconds": scalar(delay, as_text[0]),
            "FifoQueue": fifo,
            "QueueName": if as_text[2] { json!(12345) } else { json!("q") },
        }});
        let group = json!({"Type": "AWS::Logs::LogGroup", "Properties": {
            "RetentionInDays": scalar(retention, as_text[1]),
        }});
        let template = json!({"Resources": {"Q": queue, "G": group}});
        let found = validate_template("s", &template);
        let q = found.iter().filter(|f| f.resource == "Q").count();
        let g = found.iter().filter(|f| f.resource == "G").count();
        // CloudWatch's retention values, SQS's delay range, and booleans by their text.
        let retention_ok = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
            1827, 2192, 2557, 2922, 3288, 3653].contains(&retention);
        let delay_ok = (0..=900).contains(&delay);
        let fifo_ok = fifo.eq_ignore_ascii_case("true") || fifo.eq_ignore_ascii_case("false");
        proptest::prop_assert_eq!(g == 0, retention_ok, "{:#?}", found);
        proptest::prop_assert_eq!(q == 0, delay_ok && fifo_ok, "{:#?}", found);
        let spelled = json!({"Resources": {
            "Q": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": computed(delay, how)}},
            "G": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": computed(retention, how)}},
        }});
        let found = validate_template("s", &spelled);
        let q = found.iter().filter(|f| f.resource == "Q").count();
        let g = found.iter().filter(|f| f.resource == "G").count();
        proptest::prop_assert_eq!(g == 0, retention_ok, "{:#?}", found);
        proptest::prop_assert_eq!(q == 0, delay_ok, "{:#?}", found);
    }
}

/// What an intrinsic computes from something the definition does not fix (a parameter, a
/// resource, an import) stays unknown, and the schema does not judge it.
#[test]
fn intrinsics_of_anything_but_literals_stay_unknown_to_the_schema() {
    let template = json!({"Resources": {"G": {"Type": "AWS::Logs::LogGroup", "Properties": {
        "RetentionInDays": {"Fn::Sub": ["${Days}0", {"Days": {"Ref": "Retention"}}]},
        "LogGroupName": {"Fn::Join": ["", ["/a/", {"Fn::ImportValue": "name"}]]},
    }}}});
    assert!(validate_template("s", &template).is_empty());
}

/// Every property of every embedded provider type, read with `Fn::GetAtt` from a raw
/// resource, is refused exactly when CloudFormation cannot read it: neither one of the
/// schema's readOnlyProperties nor a property cfn-lint's record (`schemas/getatt.json`,
/// read here from the file) says GetAtt reads.
#[test]
fn getatt_on_a_raw_resource_reads_what_cloudformation_reads() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    let text = |p: std::path::PathBuf| std::fs::read_to_string(&p).expect("readable");
    let getatt: Value = serde_json::from_str(&text(root.join("getatt.json"))).expect("JSON");
    let mut checked = 0;
    for entry in std::fs::read_dir(root.join("cloudformation")).expect("schemas") {
        let schema: Value =
            serde_json::from_str(&text(entry.expect("entry").path())).expect("JSON");
        let type_name = schema["typeName"].as_str().expect("typeName");
        if crate::model::modelled().any(|(t, _)| *t == type_name) {
            continue; // modelled kinds: the reference lint holds their GetAtts
        }
        let listed = |key: &str| -> Vec<String> {
            schema[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p.as_str()?.strip_prefix("/properties/"))
                .map(|p| p.split('/').next().unwrap_or(p).to_owned())
                .collect()
        };
        let read_only = listed("readOnlyProperties");
        let every = getatt[type_name]["every_property"] == true;
        let named = &getatt[type_name]["properties"];
        for property in schema["properties"].as_object().expect("properties").keys() {
            let readable = every
                || read_only.contains(property)
                || named
                    .as_array()
                    .is_some_and(|n| n.iter().any(|p| p == property));
            let template = json!({"Resources": {
                "Target": {"Type": type_name},
                "Uses": {"Type": "AWS::SSM::Parameter", "Properties": {
                    "Type": "String", "Value": {"Fn::GetAtt": ["Target", property]}}},
            }});
            let refused = !raw_attribute_findings("s", &template).is_empty();
            assert_eq!(refused, !readable, "{type_name}.{property}");
            checked += 1;
        }
    }
    assert!(checked > 300, "only {checked} properties checked");
}

/// CloudFormation converts the text of a number, exactly: `"365 "` is no integer, so no
/// retention (the lints read it the same way).
#[test]
fn a_number_written_with_a_space_is_no_number() {
    for (text, refused) in [("365", false), ("365 ", true), (" 365", true)] {
        let template = json!({"Resources": {"G": {"Type": "AWS::Logs::LogGroup",
            "Properties": {"RetentionInDays": text}}}});
        assert_eq!(
            !validate_template("s", &template).is_empty(),
            refused,
            "{text:?}"
        );
    }
}
