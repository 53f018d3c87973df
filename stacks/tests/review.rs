//! `infra-gen review` over pairs of base and head templates: one kind of change each, with
//! the rows it must show and whether it trips the gate (exit 3). The base is the definitions'
//! render; the head is that render with one change, made in the template (as any commit
//! could) or in the definitions (where the review must read the definitions' own
//! acknowledgement). Then the binary: `--base` handling and its errors in a scratch git
//! repository, and this repository's own history.

mod support;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use infra_gen::model::Properties;
use infra_gen::model::ecr::RepositoryName;
use infra_gen::model::review::ReplacementAck;
use infra_gen::render::read::read_template;
use infra_gen::render::yaml::template_to_yaml;
use infra_gen::review::{self, Context, HIDDEN, Review, Templates, Verdict};
use serde_json::{Value, json};

fn base() -> (infra_gen::App, Templates) {
    let app = support::app();
    let templates = review::render(&app).expect("the definitions render");
    (app, templates)
}

/// The first stack (in deploy order) whose template `pick` finds something in, and what it
/// found (a JSON pointer).
fn find(t: &Templates, what: &str, pick: impl Fn(&Value) -> Option<String>) -> (String, String) {
    t.files
        .iter()
        .find_map(|(stack, text)| {
            let json = read_template(text).expect("parses");
            pick(&json).map(|p| (stack.clone(), p))
        })
        .unwrap_or_else(|| panic!("no stack of the definitions has {what}"))
}

/// A pointer to the first resource of `type_name` for which `has` holds.
fn resource_where(json: &Value, type_name: &str, has: impl Fn(&Value) -> bool) -> Option<String> {
    json.get("Resources")?
        .as_object()?
        .iter()
        .find(|(_, r)| r["Type"] == type_name && has(r))
        .map(|(id, _)| format!("/Resources/{id}"))
}

/// A pointer to the first role statement for which `has` holds.
fn statement_where(json: &Value, has: impl Fn(&Value) -> bool) -> Option<String> {
    let roles = json.get("Resources")?.as_object()?;
    for (id, r) in roles.iter().filter(|(_, r)| r["Type"] == "AWS::IAM::Role") {
        for (p, policy) in r["Properties"]["Policies"].as_array()?.iter().enumerate() {
            for (s, st) in policy["PolicyDocument"]["Statement"]
                .as_array()?
                .iter()
                .enumerate()
            {
                if has(st) {
                    return Some(format!(
                        "/Resources/{id}/Properties/Policies/{p}/PolicyDocument/Statement/{s}"
                    ));
                }
            }
        }
    }
    None
}

fn actions(st: &Value) -> Vec<String> {
    match &st["Action"] {
        Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        Value::String(s) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// `t` with `stack`'s template changed by `f`, written back as YAML.
fn with(t: &Templates, stack: &str, f: impl FnOnce(&mut Value)) -> Templates {
    let mut out = t.clone();
    out.label = "head".into();
    let (_, text) = out
        .files
        .iter_mut()
        .find(|(s, _)| s == stack)
        .expect("stack present");
    let mut json = read_template(text).expect("parses");
    f(&mut json);
    *text = template_to_yaml(json.as_object().expect("a template is a mapping")).expect("writes");
    out
}

fn compare(app: &infra_gen::App, base: &Templates, head: &Templates) -> Review {
    review::compare(
        base,
        head,
        &Context {
            app,
            head_is_app: false,
        },
    )
    .expect("both sides parse")
}

fn exit_code(r: &Review) -> u8 {
    if r.gated() { review::GATED } else { 0 }
}

/// The one stack the review lists.
fn only(r: &Review) -> &review::StackReview {
    assert_eq!(r.stacks.len(), 1, "{}", review::plain(r));
    &r.stacks[0]
}

fn s3_object_statement(json: &Value) -> Option<String> {
    statement_where(json, |st| {
        actions(st).contains(&"s3:GetObject".to_owned())
            && st["Resource"][0]["Fn::Sub"]
                .as_str()
                .is_some_and(|r| r.ends_with("/*") && r.matches('/').count() > 1)
    })
}

#[test]
fn a_widened_s3_prefix_is_an_added_widening_row_and_trips_the_gate() {
    let (app, base) = base();
    let (stack, at) = find(
        &base,
        "an S3 object grant under a prefix",
        s3_object_statement,
    );
    let mut widened = String::new();
    let head = with(&base, &stack, |j| {
        let r = j
            .pointer_mut(&format!("{at}/Resource/0/Fn::Sub"))
            .expect("resource");
        let old = r.as_str().expect("text").to_owned();
        // `bucket/prefix/*` → `bucket/*`.
        let bucket = old.split('/').next().expect("bucket").to_owned();
        widened = format!("{bucket}/*");
        *r = json!(widened);
    });
    let r = compare(&app, &base, &head);
    let s = only(&r);
    let added: Vec<_> = s
        .permissions
        .iter()
        .filter(|p| p.change == "added")
        .collect();
    assert_eq!(added.len(), 1, "{}", review::plain(&r));
    assert_eq!(added[0].row.action, "s3:GetObject");
    assert_eq!(added[0].row.resource, widened);
    assert_eq!(added[0].verdict, Verdict::Widening);
    // The old, narrower row is covered by the new one: nothing is narrowed.
    let removed: Vec<_> = s
        .permissions
        .iter()
        .filter(|p| p.change == "removed")
        .collect();
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0].verdict, Verdict::Covered);
    assert_eq!(exit_code(&r), review::GATED);
}

#[test]
fn a_narrowed_s3_prefix_narrows_and_does_not_trip_the_gate() {
    let (app, base) = base();
    let (stack, at) = find(
        &base,
        "an S3 object grant under a prefix",
        s3_object_statement,
    );
    let head = with(&base, &stack, |j| {
        let r = j
            .pointer_mut(&format!("{at}/Resource/0/Fn::Sub"))
            .expect("resource");
        let old = r.as_str().expect("text").to_owned();
        *r = json!(format!("{}daily/*", old.trim_end_matches('*')));
    });
    let r = compare(&app, &base, &head);
    let s = only(&r);
    let verdicts: BTreeSet<(&str, Verdict)> = s
        .permissions
        .iter()
        .map(|p| (p.change, p.verdict))
        .collect();
    assert_eq!(
        verdicts,
        BTreeSet::from([("added", Verdict::Covered), ("removed", Verdict::Narrowing)])
    );
    assert_eq!(exit_code(&r), 0, "{}", review::plain(&r));
}

#[test]
fn a_new_dynamodb_action_widens_and_removing_one_narrows() {
    let (app, base) = base();
    let (stack, at) = find(&base, "a DynamoDB grant", |j| {
        statement_where(j, |st| {
            actions(st).iter().any(|a| a.starts_with("dynamodb:"))
        })
    });
    let head = with(&base, &stack, |j| {
        let a = j.pointer_mut(&format!("{at}/Action")).expect("actions");
        a.as_array_mut()
            .expect("a list")
            .push(json!("dynamodb:DeleteItem"));
    });
    let r = compare(&app, &base, &head);
    let p = &only(&r).permissions;
    assert_eq!(p.len(), p.iter().filter(|p| p.change == "added").count());
    assert!(
        p.iter()
            .all(|p| p.row.action == "dynamodb:DeleteItem" && p.verdict == Verdict::Widening)
    );
    assert_eq!(exit_code(&r), review::GATED);
    // The other way round: the same change read backwards removes the action.
    let back = compare(&app, &head, &base);
    assert!(
        only(&back)
            .permissions
            .iter()
            .all(|p| p.change == "removed" && p.verdict == Verdict::Narrowing)
    );
    assert_eq!(exit_code(&back), 0);
}

#[test]
fn a_dropped_bedrock_condition_widens() {
    let (app, base) = base();
    let (stack, at) = find(&base, "a Bedrock grant with a condition", |j| {
        statement_where(j, |st| {
            actions(st).iter().any(|a| a.starts_with("bedrock:")) && st.get("Condition").is_some()
        })
    });
    let head = with(&base, &stack, |j| {
        j.pointer_mut(&at)
            .and_then(Value::as_object_mut)
            .expect("statement")
            .remove("Condition");
    });
    let r = compare(&app, &base, &head);
    let p = &only(&r).permissions;
    let added: Vec<_> = p.iter().filter(|p| p.change == "added").collect();
    assert!(!added.is_empty());
    assert!(
        added
            .iter()
            .all(|p| p.row.conditions.is_empty() && p.verdict == Verdict::Widening)
    );
    assert!(
        p.iter()
            .filter(|p| p.change == "removed")
            .all(|p| p.verdict == Verdict::Covered)
    );
    assert_eq!(exit_code(&r), review::GATED);
}

#[test]
fn a_url_made_public_widens_exposure_and_permissions_and_the_reverse_narrows() {
    let (app, base) = base();
    let (stack, at) = find(&base, "a function URL with IAM auth", |j| {
        resource_where(j, "AWS::Serverless::Function", |r| {
            r["Properties"]["FunctionUrlConfig"]["AuthType"] == "AWS_IAM"
        })
    });
    let head = with(&base, &stack, |j| {
        *j.pointer_mut(&format!("{at}/Properties/FunctionUrlConfig/AuthType"))
            .expect("auth") = json!("NONE");
    });
    let r = compare(&app, &base, &head);
    let s = only(&r);
    assert_eq!(s.exposure.len(), 1);
    assert_eq!(s.exposure[0].what, "Function URL auth");
    assert_eq!(s.exposure[0].before.as_deref(), Some("AWS_IAM"));
    assert!(s.exposure[0].widening);
    assert_eq!(s.permissions.len(), 1);
    let row = &s.permissions[0].row;
    assert_eq!(
        (row.principal.as_str(), row.action.as_str()),
        ("*", "lambda:InvokeFunctionUrl")
    );
    assert_eq!(s.permissions[0].verdict, Verdict::Widening);
    assert_eq!(exit_code(&r), review::GATED);
    let back = compare(&app, &head, &base);
    assert!(!only(&back).exposure[0].widening);
    assert_eq!(only(&back).permissions[0].verdict, Verdict::Narrowing);
    assert_eq!(exit_code(&back), 0);
}

#[test]
fn a_cors_origin_added_or_credentials_allowed_widen() {
    let (app, base) = base();
    let (stack, at) = find(&base, "a function URL with CORS", |j| {
        resource_where(j, "AWS::Serverless::Function", |r| {
            r["Properties"]["FunctionUrlConfig"].get("Cors").is_some()
        })
    });
    let cors = format!("{at}/Properties/FunctionUrlConfig/Cors");
    let set = |origins: Value, credentials: bool| {
        let cors = cors.clone();
        with(&base, &stack, move |j| {
            let c = j.pointer_mut(&cors).expect("cors");
            c["AllowOrigins"] = origins;
            c["AllowCredentials"] = json!(credentials);
        })
    };
    let one = set(json!(["https://app.example.com"]), false);
    let two = set(
        json!(["https://app.example.com", "https://*.example.org"]),
        true,
    );
    let r = compare(&app, &one, &two);
    let e = &only(&r).exposure;
    assert!(e.iter().any(|e| e.what == "CORS AllowOrigins"
        && e.after.as_deref() == Some("https://*.example.org")
        && e.widening));
    assert!(
        e.iter()
            .any(|e| e.what == "CORS AllowCredentials" && e.widening)
    );
    assert_eq!(exit_code(&r), review::GATED);
    // An origin a wildcard origin already allowed widens nothing.
    let star = set(json!(["*"]), false);
    let more = set(json!(["*", "https://app.example.com"]), false);
    assert_eq!(exit_code(&compare(&app, &star, &more)), 0);
}

#[test]
fn a_renamed_stateful_resource_is_a_replacement_by_logical_id() {
    let (app, base) = base();
    let (stack, at) = find(&base, "a retained log group", |j| {
        resource_where(j, "AWS::Logs::LogGroup", |r| {
            r["DeletionPolicy"] == "Retain"
        })
    });
    let old_id = at.trim_start_matches("/Resources/").to_owned();
    let head = with(&base, &stack, |j| {
        let resources = j["Resources"].as_object_mut().expect("resources");
        let r = resources.shift_remove(&old_id).expect("present");
        resources.insert("RenamedLogs".into(), r);
    });
    let r = compare(&app, &base, &head);
    let s = only(&r);
    assert_eq!(s.stateful.len(), 1, "{}", review::plain(&r));
    let st = &s.stateful[0];
    assert_eq!(
        (st.resource.as_str(), st.change),
        ("RenamedLogs", "replaced")
    );
    assert_eq!(st.why, [format!("the logical ID (was {old_id})")]);
    assert!(st.retained && !st.acknowledgement_known);
    let res = s
        .resources
        .iter()
        .find(|x| x.id == "RenamedLogs")
        .expect("listed");
    assert_eq!(res.change, "replaced");
    assert_eq!(exit_code(&r), review::GATED);
}

#[test]
fn a_replaced_repository_shows_the_create_only_property_and_the_acknowledgement() {
    let app = support::app();
    let base = review::render(&app).expect("renders");
    let mut changed = app.clone();
    let mut target = None;
    for stack in changed.stacks_mut() {
        for r in &mut stack.template.resources {
            if let Properties::EcrRepository(repo) = &mut r.properties
                && target.is_none()
            {
                repo.name =
                    RepositoryName::new(&format!("{}-v2", repo.name.as_str())).expect("valid");
                r.replacement_ack = Some(
                    ReplacementAck::new("the repository moves to a new naming scheme")
                        .expect("valid"),
                );
                target = Some((stack.name.to_string(), r.id.to_string()));
            }
        }
    }
    let (stack, id) = target.expect("the definitions have a repository");
    // The repository's new name changes the account side's roles too.
    changed.rebuild_account().expect("the account side derives");
    let head = review::render(&changed).expect("renders");
    let r = review::compare(
        &base,
        &head,
        &Context {
            app: &changed,
            head_is_app: true,
        },
    )
    .expect("parses");
    let s = r.stacks.iter().find(|s| s.stack == stack).expect("listed");
    let st = &s.stateful[0];
    assert_eq!((st.resource.as_str(), st.change), (id.as_str(), "replaced"));
    assert_eq!(st.why, ["create-only property RepositoryName"]);
    assert_eq!(
        st.acknowledged.as_deref(),
        Some("the repository moves to a new naming scheme")
    );
    // Acknowledged or not, a replaced stateful resource needs a reviewer's approval.
    assert_eq!(exit_code(&r), review::GATED);
}

#[test]
fn a_deleted_secret_trips_the_gate() {
    let (app, base) = base();
    let (stack, at) = find(&base, "a secret", |j| {
        resource_where(j, "AWS::SecretsManager::Secret", |_| true)
    });
    let id = at.trim_start_matches("/Resources/").to_owned();
    let head = with(&base, &stack, |j| {
        j["Resources"]
            .as_object_mut()
            .expect("resources")
            .shift_remove(&id);
    });
    let r = compare(&app, &base, &head);
    let st = &only(&r).stateful;
    assert_eq!(st.len(), 1);
    assert_eq!(
        (st[0].resource.as_str(), st[0].change),
        (id.as_str(), "deleted")
    );
    assert_eq!(exit_code(&r), review::GATED);
}

#[test]
fn environment_changes_are_listed_by_name_and_secret_values_are_hidden() {
    let (app, base) = base();
    let (stack, at) = find(&base, "a function with environment variables", |j| {
        resource_where(j, "AWS::Serverless::Function", |r| {
            r["Properties"]["Environment"]["Variables"].is_object()
        })
    });
    let vars = format!("{at}/Properties/Environment/Variables");
    let token = "ghp_8f3KzQ1mV7wXcR2tY9uB4nL6pD0sA5eH3jG1";
    let head = with(&base, &stack, |j| {
        let v = j
            .pointer_mut(&vars)
            .and_then(Value::as_object_mut)
            .expect("variables");
        v.insert("FEATURE_FLAG".into(), json!("on"));
        v.insert("UPSTREAM_TOKEN".into(), json!(token));
    });
    let r = compare(&app, &base, &head);
    let env = &only(&r).environment;
    let by_name = |n: &str| env.iter().find(|e| e.name == n).expect("listed");
    assert_eq!(by_name("FEATURE_FLAG").after.as_deref(), Some("on"));
    assert_eq!(by_name("UPSTREAM_TOKEN").after.as_deref(), Some(HIDDEN));
    for form in [
        review::plain(&r),
        review::markdown(&r),
        serde_json::to_string(&r).expect("json"),
    ] {
        assert!(!form.contains(token), "a secret value was printed");
    }
    assert_eq!(exit_code(&r), 0);
}

#[test]
fn secret_looking_property_values_are_hidden_too() {
    let (app, base) = base();
    let (stack, at) = find(&base, "a secret", |j| {
        resource_where(j, "AWS::SecretsManager::Secret", |_| true)
    });
    let token = "xoxb-2741918237-1827364518-aB3dE5fG7hJ9kL1mN3pQ5rS7";
    let head = with(&base, &stack, |j| {
        j.pointer_mut(&format!("{at}/Properties"))
            .and_then(Value::as_object_mut)
            .expect("properties")
            .insert("SecretString".into(), json!(token));
    });
    let r = compare(&app, &base, &head);
    let row = only(&r)
        .resources
        .iter()
        .flat_map(|x| &x.properties)
        .find(|p| p.setting == "Properties/SecretString")
        .expect("listed");
    assert_eq!(row.after.as_deref(), Some(HIDDEN));
    for form in [review::plain(&r), review::markdown(&r)] {
        assert!(!form.contains(token), "a secret value was printed");
    }
}

#[test]
fn operations_changes_are_listed_and_do_not_trip_the_gate() {
    let (app, base) = base();
    let (stack, at) = find(&base, "a function", |j| {
        resource_where(j, "AWS::Serverless::Function", |_| true)
    });
    let alarm = find(&base, "an alarm", |j| {
        resource_where(j, "AWS::CloudWatch::Alarm", |_| true)
    });
    let head = with(&base, &stack, |j| {
        let p = j.pointer_mut(&format!("{at}/Properties")).expect("props");
        p["MemorySize"] = json!(p["MemorySize"].as_u64().unwrap_or(128) * 2);
        p["Timeout"] = json!(p["Timeout"].as_u64().unwrap_or(3) + 1);
        if alarm.0 == stack {
            let id = alarm.1.trim_start_matches("/Resources/");
            j["Resources"]
                .as_object_mut()
                .expect("resources")
                .shift_remove(id);
        }
    });
    let r = compare(&app, &base, &head);
    let ops = &only(&r).operations;
    for setting in ["Properties/MemorySize", "Properties/Timeout"] {
        assert!(
            ops.iter().any(|o| o.setting == setting),
            "{setting}: {ops:?}"
        );
    }
    if alarm.0 == stack {
        assert!(
            ops.iter()
                .any(|o| o.setting == "alarm" && o.after.is_none())
        );
    }
    assert_eq!(exit_code(&r), 0);
}

#[test]
fn stacks_added_or_removed_and_deploy_order_changes_are_shown() {
    let (app, base) = base();
    // Remove the first stack another imports from: its dependents now import from nowhere.
    let (registry, _) = find(&base, "a stack that exports", |j| {
        j.get("Outputs")?
            .as_object()?
            .values()
            .any(|o| o.get("Export").is_some())
            .then(String::new)
    });
    let mut head = base.clone();
    head.files.retain(|(s, _)| *s != registry);
    let r = compare(&app, &base, &head);
    let removed = r
        .stacks
        .iter()
        .find(|s| s.stack == registry)
        .expect("listed");
    assert_eq!(removed.change, "removed");
    assert!(
        r.stacks.iter().any(|s| s
            .deploy_order
            .as_ref()
            .is_some_and(|o| o.before.contains(&registry))),
        "a dependent's deploy order changes: {}",
        review::plain(&r)
    );
    // Its stateful resources are deleted with the stack.
    assert!(!removed.stateful.is_empty());
    assert_eq!(exit_code(&r), review::GATED);
    let back = compare(&app, &head, &base);
    assert_eq!(
        back.stacks
            .iter()
            .find(|s| s.stack == registry)
            .expect("listed")
            .change,
        "added"
    );
}

#[test]
fn no_change_is_no_stack_and_a_comment_change_is_text_only() {
    let (app, base) = base();
    let r = compare(&app, &base, &base);
    assert!(r.stacks.is_empty() && !r.gated());
    // Every template read back from its text means what the model's JSON form (which the
    // review uses for a render) says.
    let mut head = base.clone();
    for (_, text) in &mut head.files {
        text.insert_str(0, "# a comment\n");
    }
    let r = compare(&app, &base, &head);
    assert_eq!(r.stacks.len(), base.files.len());
    assert!(
        r.stacks.iter().all(|s| s.change == "text-only"),
        "{}",
        review::plain(&r)
    );
    assert_eq!(exit_code(&r), 0);
}

#[test]
fn the_markdown_form_starts_with_the_comment_marker_and_escapes_cells() {
    let (app, base) = base();
    let (stack, at) = find(&base, "a function with environment variables", |j| {
        resource_where(j, "AWS::Serverless::Function", |r| {
            r["Properties"]["Environment"]["Variables"].is_object()
        })
    });
    let head = with(&base, &stack, |j| {
        j.pointer_mut(&format!("{at}/Properties/Environment/Variables"))
            .and_then(Value::as_object_mut)
            .expect("variables")
            .insert("PIPED".into(), json!("a|b"));
    });
    let md = review::markdown(&compare(&app, &base, &head));
    assert!(md.starts_with(review::MARKER));
    assert!(md.contains("a\\|b"), "{md}");
}

// ---- the binary ----

fn infra_gen(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_infra-gen"))
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .expect("infra-gen runs")
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn base_handling_and_bad_input_in_a_scratch_repository() {
    let root = std::env::temp_dir().join(format!("infra-gen-review-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(&root).expect("temp dir");
    git(&root, &["init", "-q"]);
    fs::write(root.join("README"), "no templates yet\n").expect("write");
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-qm", "no generated"]);
    let bare = git(&root, &["rev-parse", "HEAD"]);
    // The committed templates of this repository, as a base with nothing changed.
    fs::create_dir_all(root.join("generated")).expect("dir");
    for entry in fs::read_dir(repo_root().join("generated")).expect("generated/") {
        let path = entry.expect("entry").path();
        fs::copy(
            &path,
            root.join("generated").join(path.file_name().expect("name")),
        )
        .expect("copy");
    }
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-qm", "generated"]);

    let same = infra_gen(&root, &["review", "--base", "HEAD"]);
    assert_eq!(same.status.code(), Some(0), "{same:?}");
    assert!(String::from_utf8_lossy(&same.stdout).contains("no template changes"));

    let unknown = infra_gen(&root, &["review", "--base", "no-such-branch"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown ref no-such-branch"));

    let empty = infra_gen(&root, &["review", "--base", &bare]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&empty.stderr).contains("has no generated/"));

    // A commit that makes a URL public, reviewed ref against ref: gated, in Markdown.
    let (_, service) = fs::read_dir(root.join("generated"))
        .expect("dir")
        .filter_map(|e| {
            let p = e.ok()?.path();
            let text = fs::read_to_string(&p).ok()?;
            text.contains("AuthType: AWS_IAM").then_some((p, text))
        })
        .next()
        .map(|(p, t)| (t, p))
        .expect("a template with an IAM-auth URL");
    let text = fs::read_to_string(&service).expect("read");
    fs::write(
        &service,
        text.replace("AuthType: AWS_IAM", "AuthType: NONE"),
    )
    .expect("write");
    git(&root, &["commit", "-qam", "public"]);
    let gated = infra_gen(
        &root,
        &["review", "--base", "HEAD~1", "--head", "HEAD", "--markdown"],
    );
    assert_eq!(
        gated.status.code(),
        Some(i32::from(review::GATED)),
        "{gated:?}"
    );
    let md = String::from_utf8_lossy(&gated.stdout);
    assert!(md.starts_with(review::MARKER) && md.contains("NONE (anyone on the internet)"));

    // A base template that does not parse is named.
    fs::write(root.join("generated/broken.yaml"), "a: [unclosed\n").expect("write");
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-qm", "broken"]);
    let broken = infra_gen(&root, &["review", "--base", "HEAD", "--json"]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&broken.stderr).contains("generated/broken.yaml"),
        "{broken:?}"
    );
    let _ = fs::remove_dir_all(&root);
}

/// For each of the last ten commits of this repository that changed `generated/`, the review
/// of the commit against its parent lists exactly the templates `git diff` says changed.
#[test]
fn reviews_of_this_repositorys_history_match_the_template_diffs() {
    let root = repo_root();
    let shallow = git(&root, &["rev-parse", "--is-shallow-repository"]);
    assert_eq!(
        shallow, "false",
        "the history check needs the whole history (actions/checkout with fetch-depth: 0)"
    );
    let log = git(
        &root,
        &["log", "-n", "10", "--format=%H %P", "--", "generated"],
    );
    let mut reviewed = 0;
    for line in log.lines() {
        let mut words = line.split_whitespace();
        let (Some(commit), Some(parent)) = (words.next(), words.next()) else {
            continue; // the root commit has no parent to compare with
        };
        let diff = git(
            &root,
            // A renamed stack is a removed one and an added one, as the review lists them.
            &[
                "diff",
                "--name-only",
                "--no-renames",
                parent,
                commit,
                "--",
                "generated",
            ],
        );
        let changed: BTreeSet<String> = diff
            .lines()
            .filter_map(|p| p.strip_prefix("generated/")?.strip_suffix(".yaml"))
            .filter(|p| !p.contains('/'))
            .map(str::to_owned)
            .collect();
        let out = infra_gen(
            &root,
            &["review", "--base", parent, "--head", commit, "--json"],
        );
        let parent_has_templates = Command::new("git")
            .arg("-C")
            .arg(&root)
            .args(["cat-file", "-e", &format!("{parent}:generated")])
            .status()
            .expect("git runs")
            .success();
        if !parent_has_templates {
            assert_eq!(out.status.code(), Some(2), "{commit}: {out:?}");
            continue;
        }
        assert!(
            matches!(out.status.code(), Some(0 | 3)),
            "{commit}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: Value = serde_json::from_slice(&out.stdout).expect("json");
        let listed: BTreeSet<String> = json["stacks"]
            .as_array()
            .expect("stacks")
            .iter()
            // A stack listed only because it deploys after others now keeps its template.
            .filter(|s| s["change"] != "deploy-order")
            .map(|s| s["stack"].as_str().expect("name").to_owned())
            .collect();
        assert_eq!(listed, changed, "{commit}");
        assert_eq!(
            out.status.code() == Some(3),
            !json["gate"].as_array().expect("gate").is_empty()
        );
        reviewed += 1;
    }
    assert!(reviewed > 0, "no commit of the history was reviewed");
}

/// Every stack moved to another region, its template text unchanged: a new stack there, whose
/// old one keeps its stateful resources, each listed as left behind and gated; a stack holding
/// nothing stateful moves freely; the same regions are no change.
#[test]
fn a_stack_moved_to_another_region_leaves_its_stateful_resources_behind() {
    let app = support::app();
    let files = infra_gen::pipeline::validated(&app).expect("renders");
    let samconfig = &files
        .iter()
        .find(|f| f.path == "samconfig.toml")
        .expect("a samconfig")
        .contents;
    let base = Templates::rendered("base", &files);
    let same = compare(&app, &base, &Templates::rendered("head", &files));
    assert!(
        same.stacks.is_empty() && !same.gated(),
        "{}",
        review::plain(&same)
    );
    for stack in app.stacks() {
        let region = stack.environment.region();
        let other = if region == "eu-north-1" {
            "eu-south-1"
        } else {
            "eu-north-1"
        };
        let table = format!("[{}.deploy.parameters]", stack.name);
        let at = samconfig
            .find(&table)
            .expect("each stack has its deploy table");
        let moved = format!(
            "{}{}",
            &samconfig[..at],
            samconfig[at..].replacen(
                &format!("region = \"{region}\""),
                &format!("region = \"{other}\""),
                1
            )
        );
        let head = Templates::rendered("head", &files).with_samconfig(&moved);
        let r = compare(&app, &base, &head);
        let s = only(&r);
        assert_eq!(s.change, "moved", "{}", review::plain(&r));
        let stateful: BTreeSet<String> = stack
            .template
            .resources
            .iter()
            .filter(|x| x.lifecycle.is_some())
            .map(|x| x.id.to_string())
            .collect();
        let left: BTreeSet<String> = s
            .stateful
            .iter()
            .filter(|st| st.change == "left behind")
            .map(|st| st.resource.clone())
            .collect();
        assert_eq!(left, stateful, "{}", stack.name);
        assert_eq!(r.gated(), !stateful.is_empty(), "{}", review::plain(&r));
    }
}
