//! Lint `policy` and `public-url` judge the model, whatever the builders or
//! `App::stacks_mut()` left: every retention and every repository setting against the policy
//! of each environment kind, exceptions needed and unneeded, and agreement with the
//! third-party rules `tests/validate/run.sh` applies.

mod common;

use common::{DOCKERFILE, MODELS};
use infra_gen::builders::{
    ContainerImage, EnvironmentKind, FunctionUrl, ModelMap, Policy, Registry, SecretSpec, Service,
};
use infra_gen::lint::lint;
use infra_gen::model::ecr::{Expiry, LifecycleRule, TagMutability, TagStatus};
use infra_gen::model::lambda::{Architecture, DockerSource, HandlerMode, ImageConfig};
use infra_gen::model::review::{PolicyException, PolicyRule, Suppression, Tool};
use infra_gen::model::{Properties, Resource};
use infra_gen::units::RetentionDays;
use infra_gen::{App, Environment, Error, Finding, Stack};

const KINDS: [EnvironmentKind; 2] = [EnvironmentKind::Production, EnvironmentKind::NonProduction];

/// Every value CloudWatch accepts, in days.
const DAYS: [u32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// The minimum AWS Control Tower's `cloudwatch_log_group_retention_period_check` asks, which
/// `tests/validate/run.sh` applies to every log group.
const GUARD_MIN_RETENTION: u32 = 365;

/// Registry and service of `kind` in each of `envs`, built as a repository's stacks are.
fn app(kind: EnvironmentKind, envs: &[&str], customize: fn(Service) -> Service) -> App {
    let mut app = App::new();
    for name in envs {
        let env = Environment::new(name, "us-west-2")
            .expect("valid")
            .with_kind(kind);
        let (registry, repository) = Registry::new("demo", &env, "tests/policy.rs")
            .build()
            .expect("registry builds");
        let image = ContainerImage {
            repository,
            source: DockerSource {
                dockerfile: "function/Dockerfile".into(),
                dockerfile_text: DOCKERFILE,
            },
            config: ImageConfig::new(&["/var/task/bootstrap"], &["lambda"], "/var/task")
                .expect("valid"),
        };
        let service = Service::new(
            "demo",
            &env,
            "tests/policy.rs",
            image,
            Architecture::Arm64,
            HandlerMode::Streaming,
        )
        .expect("valid")
        .url(FunctionUrl::public(
            "the app checks a bearer key on every request",
        ))
        .secret(SecretSpec::generated(
            "ApiKey",
            "client keys",
            "api_key",
            "API_KEY_SECRET_ARN",
        ))
        .bedrock_models(ModelMap::from_json(MODELS).expect("valid"));
        app.push(registry);
        app.push(customize(service).build().expect("service builds"));
    }
    app
}

fn resources_mut(app: &mut App) -> impl Iterator<Item = (String, &mut Resource)> {
    app.stacks_mut().iter_mut().flat_map(|s: &mut Stack| {
        let name = s.name.to_string();
        s.template
            .resources
            .iter_mut()
            .map(move |r| (name.clone(), r))
    })
}

fn policy_findings(app: &App) -> Vec<Finding> {
    lint(app)
        .into_iter()
        .filter(|f| f.code == "policy")
        .collect()
}

fn stacks_of(findings: &[Finding]) -> Vec<&str> {
    let mut s: Vec<&str> = findings.iter().map(|f| f.stack.as_str()).collect();
    s.sort_unstable();
    s.dedup();
    s
}

#[test]
fn the_defaults_meet_every_kinds_policy() {
    for kind in KINDS {
        let app = app(kind, &["a"], |s| s);
        assert_eq!(lint(&app), [], "{kind:?}");
    }
}

#[test]
fn every_retention_below_the_minimum_is_refused_in_every_stack_and_agrees_with_the_guard() {
    for kind in KINDS {
        let min = Policy::of(kind).min_log_retention.days();
        // A service that passes `check` passes the guard: the policy asks at least its year.
        assert!(min >= GUARD_MIN_RETENTION, "{kind:?}");
        for days in DAYS {
            let mut app = app(kind, &["a", "b", "c"], |s| s);
            let mut edited = Vec::new();
            for (stack, r) in resources_mut(&mut app) {
                if let Properties::LogGroup(g) = &mut r.properties {
                    g.retention = RetentionDays::from_days(days).expect("a CloudWatch value");
                    edited.push(stack);
                }
            }
            assert_eq!(edited.len(), 3);
            let f = policy_findings(&app);
            if days < min {
                assert_eq!(f.len(), 3, "{kind:?} {days}: {f:#?}");
                assert_eq!(stacks_of(&f), edited, "{days}");
                for x in &f {
                    assert_eq!(x.resource, "FunctionLogGroup");
                    assert!(x.message.contains(&format!("{days} days")), "{x}");
                    assert!(x.message.contains(&min.to_string()), "{x}");
                    assert!(x.fix.contains("PolicyException"), "{x}");
                }
            } else {
                assert_eq!(f, [], "{kind:?} {days}");
            }
        }
    }
}

/// A change to every repository, whether it breaks `rule` for `kind`.
type RepositoryCase = (&'static str, fn(&mut infra_gen::model::ecr::Repository));

const REPOSITORY_CASES: &[RepositoryCase] = &[
    ("mutable tags", |r| {
        r.tag_mutability = TagMutability::Mutable
    }),
    ("no scan on push", |r| r.scan_on_push = false),
    ("no lifecycle", |r| r.lifecycle.clear()),
    ("no untagged expiry", |r| {
        r.lifecycle.retain(|l| l.tag_status != TagStatus::Untagged)
    }),
    ("no count bound", |r| {
        r.lifecycle.retain(|l| l.tag_status != TagStatus::Any)
    }),
    ("tagged images expire by age", |r| {
        r.lifecycle.push(LifecycleRule {
            description: "Expire images after 30 days".into(),
            tag_status: TagStatus::Any,
            expiry: Expiry::OlderThanDays(30),
        })
    }),
    ("keeps one image", |r| {
        for l in &mut r.lifecycle {
            if l.tag_status == TagStatus::Any {
                l.expiry = Expiry::KeepLast(1);
            }
        }
    }),
];

fn rule_of(case: &str) -> PolicyRule {
    match case {
        "mutable tags" => PolicyRule::ImmutableTags,
        "no scan on push" => PolicyRule::ScanOnPush,
        "no lifecycle" => PolicyRule::LifecyclePolicy,
        _ => PolicyRule::ImagesKept,
    }
}

#[test]
fn every_repository_below_the_policy_is_refused_in_every_stack() {
    for kind in KINDS {
        for (case, mutate) in REPOSITORY_CASES {
            let mut app = app(kind, &["a", "b"], |s| s);
            for (_, r) in resources_mut(&mut app) {
                if let Properties::EcrRepository(repo) = &mut r.properties {
                    mutate(repo);
                }
            }
            let f = policy_findings(&app);
            assert_eq!(f.len(), 2, "{kind:?} {case}: {f:#?}");
            assert_eq!(stacks_of(&f), ["demo-a-registry", "demo-b-registry"]);
            for x in &f {
                assert_eq!(x.resource, "Repository", "{x}");
                assert!(
                    !x.fix.is_empty() && x.fix.contains("tests/policy.rs"),
                    "{x}"
                );
            }
            // The exception from exactly the broken rule answers it.
            for (_, r) in resources_mut(&mut app) {
                if let Properties::EcrRepository(_) = r.properties {
                    r.policy_exceptions.push(
                        PolicyException::new(rule_of(case), "a reason that is a sentence")
                            .expect("valid"),
                    );
                }
            }
            assert_eq!(policy_findings(&app), [], "{kind:?} {case}");
        }
    }
}

#[test]
fn images_kept_follows_the_kind() {
    for kind in KINDS {
        let min = Policy::of(kind).min_images_kept;
        for n in [1, min - 1, min, min + 1, 100] {
            let mut app = app(kind, &["a"], |s| s);
            for (_, r) in resources_mut(&mut app) {
                if let Properties::EcrRepository(repo) = &mut r.properties {
                    repo.lifecycle = vec![
                        LifecycleRule::expire_untagged_after_days(1).expect("valid"),
                        LifecycleRule::keep_last(n.max(1)).expect("valid"),
                    ];
                }
            }
            let f = policy_findings(&app);
            assert_eq!(f.is_empty(), n.max(1) >= min, "{kind:?} keep {n}: {f:#?}");
        }
    }
}

#[test]
fn an_exception_accepts_the_resource_and_suppresses_exactly_the_scanners_rules() {
    const WHY: &str = "staging logs hold only synthetic traffic and are exported nightly";
    let why = WHY;
    let app = app(EnvironmentKind::NonProduction, &["a"], |s| {
        s.log_retention(RetentionDays::D30).except(
            "FunctionLogGroup",
            PolicyException::new(PolicyRule::LogRetention, WHY),
        )
    });
    assert_eq!(lint(&app), []);
    let template = app.stacks()[1].template.to_json();
    let meta = &template["Resources"]["FunctionLogGroup"]["Metadata"];
    assert_eq!(
        meta["guard"]["SuppressedRules"],
        serde_json::json!(["cloudwatch_log_group_retention_period_check"])
    );
    assert_eq!(
        meta["infra-gen"]["SuppressionReasons"]["cfn-guard cloudwatch_log_group_retention_period_check"],
        why
    );
    // The review page shows the exception with the scanner rule it answers.
    let files = infra_gen::pipeline::validated(&app).expect("renders");
    let page = files
        .iter()
        .find(|f| f.path == "demo-a-service.md")
        .expect("a review page");
    let row = format!(
        "| `FunctionLogGroup` | infra-gen policy | `log-retention` | {why} (also answers cfn-guard `cloudwatch_log_group_retention_period_check`) |"
    );
    assert!(page.contents.contains(&row), "{}", page.contents);
}

#[test]
fn every_rule_s_exception_carries_its_scanner_rules_into_the_template() {
    for rule in PolicyRule::ALL {
        let mut app = app(EnvironmentKind::Production, &["a"], |s| s);
        let resource = &mut app.stacks_mut()[0].template.resources[0];
        resource
            .policy_exceptions
            .push(PolicyException::new(rule, "a reason that is a whole sentence").expect("valid"));
        let json = app.stacks()[0].template.to_json().to_string();
        for (tool, name) in
            rule.scanner_rules_for(&app.stacks()[0].template.resources[0].properties)
        {
            assert!(json.contains(name), "{rule:?} {tool:?}: {json}");
        }
    }
}

#[test]
fn an_exception_nothing_needs_is_a_finding() {
    for rule in PolicyRule::ALL {
        let mut app = app(EnvironmentKind::Production, &["a", "b"], |s| s);
        for (_, r) in resources_mut(&mut app) {
            r.policy_exceptions.push(
                PolicyException::new(rule, "a reason that is a whole sentence").expect("valid"),
            );
        }
        let f = policy_findings(&app);
        // Every resource of every stack carries one it does not need.
        let resources: usize = app
            .stacks()
            .iter()
            .map(|s| s.template.resources.len())
            .sum();
        assert_eq!(f.len(), resources, "{rule:?}: {f:#?}");
        for x in &f {
            assert!(x.message.contains(rule.code()), "{x}");
            assert!(x.fix.starts_with("remove the PolicyException"), "{x}");
            assert!(
                x.fix.contains(&x.resource) && x.fix.contains("tests/policy.rs"),
                "{x}"
            );
        }
    }
}

#[test]
fn a_suppression_of_the_scanner_rule_alone_does_not_answer_the_policy() {
    let mut app = app(EnvironmentKind::Production, &["a"], |s| s);
    for (_, r) in resources_mut(&mut app) {
        if let Properties::LogGroup(g) = &mut r.properties {
            g.retention = RetentionDays::D7;
            r.suppressions.push(
                Suppression::new(
                    Tool::CfnGuard,
                    "cloudwatch_log_group_retention_period_check",
                    "we keep only a week of logs here",
                )
                .expect("valid"),
            );
        }
    }
    let f = policy_findings(&app);
    assert_eq!(f.len(), 2, "{f:#?}");
    assert!(
        f.iter().any(|x| x.message.contains("suppresses cfn-guard")),
        "{f:#?}"
    );
}

#[test]
fn a_suppression_of_a_scanner_rule_the_policy_judges_is_refused_even_when_compliant() {
    for rule in PolicyRule::ALL {
        for &(tool, name) in rule.scanner_rules() {
            let mut app = app(EnvironmentKind::Production, &["a", "b"], |s| s);
            for (_, r) in resources_mut(&mut app) {
                if matches!(
                    r.properties,
                    Properties::LogGroup(_) | Properties::EcrRepository(_)
                ) {
                    r.suppressions.push(
                        Suppression::new(tool, name, "a reason that is a whole sentence")
                            .expect("valid"),
                    );
                }
            }
            let f = policy_findings(&app);
            // Two log groups and two repositories, each suppressing it: four findings.
            assert_eq!(f.len(), 4, "{name}: {f:#?}");
            assert!(
                f.iter().all(|x| x.fix.contains("PolicyException")),
                "{f:#?}"
            );
        }
    }
}

fn service(env: &Environment) -> Service {
    let (_, repository) = Registry::new("demo", env, "x").build().expect("builds");
    let image = ContainerImage {
        repository,
        source: DockerSource {
            dockerfile: "function/Dockerfile".into(),
            dockerfile_text: DOCKERFILE,
        },
        config: ImageConfig::new(&["/b"], &["l"], "/t").expect("valid"),
    };
    Service::new(
        "demo",
        env,
        "x",
        image,
        Architecture::Arm64,
        HandlerMode::Streaming,
    )
    .expect("valid")
}

#[test]
fn every_invalid_exception_fails_the_build_with_its_place() {
    let env = Environment::new("a", "us-west-2").expect("valid");
    let err = service(&env)
        .except(
            "FunctionLogGroup",
            PolicyException::new(PolicyRule::LogRetention, "ok"),
        )
        .except(
            "Function",
            PolicyException::new(PolicyRule::ScanOnPush, "n/a"),
        )
        .build()
        .expect_err("two invalid reasons");
    let f = err.into_findings();
    let places: Vec<(&str, &str)> = f
        .iter()
        .map(|x| (x.stack.as_str(), x.resource.as_str()))
        .collect();
    assert_eq!(
        places,
        [
            ("demo-a-service", "FunctionLogGroup"),
            ("demo-a-service", "Function")
        ]
    );
    assert!(
        f.iter()
            .all(|x| x.code == "definition" && !x.fix.is_empty()),
        "{f:#?}"
    );

    let err = service(&env)
        .except(
            "NoSuchThing",
            PolicyException::new(PolicyRule::LogRetention, "a reason that is a sentence"),
        )
        .build()
        .expect_err("unknown resource");
    let Error::At {
        stack, resource, ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(
        (stack.as_str(), resource.as_str()),
        ("demo-a-service", "NoSuchThing")
    );
}

#[test]
fn a_public_url_reason_edited_in_the_model_is_judged_again() {
    for bad in [
        "TODO: add an API key check before launch",
        "no auth needed for the demo",
        "callers send an API key but it is not checked",
        "because we need it",
    ] {
        let mut app = app(EnvironmentKind::Production, &["a", "b"], |s| s);
        for (_, r) in resources_mut(&mut app) {
            if r.metadata.contains_key("PublicUrlReason") {
                r.metadata.insert("PublicUrlReason".into(), bad.into());
            }
        }
        let f: Vec<Finding> = lint(&app)
            .into_iter()
            .filter(|f| f.code == "public-url")
            .collect();
        assert_eq!(stacks_of(&f), ["demo-a-service", "demo-b-service"], "{bad}");
        assert!(f.iter().all(|x| x.resource == "Function"), "{f:#?}");
    }
    let mut app = app(EnvironmentKind::Production, &["a"], |s| s);
    for (_, r) in resources_mut(&mut app) {
        if let Some(s) = r
            .suppressions
            .iter_mut()
            .find(|s| s.rule() == "CKV_AWS_258")
        {
            *s = Suppression::new(
                Tool::Checkov,
                "CKV_AWS_258",
                "temporarily open for the demo",
            )
            .expect("a sentence");
        }
    }
    let f: Vec<Finding> = lint(&app)
        .into_iter()
        .filter(|f| f.code == "public-url")
        .collect();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(f[0].message.contains("CKV_AWS_258"), "{}", f[0]);
}

#[test]
fn a_public_url_reason_without_a_public_url_is_refused() {
    let mut app = app(EnvironmentKind::Production, &["a", "b"], |s| {
        s.url(FunctionUrl::aws_iam())
    });
    for (_, r) in resources_mut(&mut app) {
        if matches!(r.properties, Properties::Function(_)) {
            r.metadata.insert(
                "PublicUrlReason".into(),
                "callers send an API key checked by the function".into(),
            );
        }
    }
    let f: Vec<Finding> = lint(&app)
        .into_iter()
        .filter(|f| f.code == "public-url")
        .collect();
    assert_eq!(
        stacks_of(&f),
        ["demo-a-service", "demo-b-service"],
        "{f:#?}"
    );
    assert!(
        f.iter()
            .all(|x| x.fix.starts_with("remove it from Function")),
        "{f:#?}"
    );
}

// Raw log groups and repositories: the same rules as the modelled kinds, read from their
// CloudFormation properties, against an oracle written from CloudWatch's and ECR's semantics.

use infra_gen::model::raw::Raw;
use infra_gen::model::{LogicalId, Resource as ModelResource};
use proptest::prelude::*;
use serde_json::{Value, json};

/// The app of `kind` with `raw` added to its service stack (retained, as `Service::raw` does),
/// with an exception from each of `excepted`.
fn with_raw(kind: EnvironmentKind, type_name: &str, props: Value, excepted: &[PolicyRule]) -> App {
    let mut app = app(kind, &["a"], |s| s);
    let mut r = ModelResource::new(
        LogicalId::new("Extra").expect("valid"),
        Properties::Raw(Raw::new(type_name, props).expect("valid raw")),
    )
    .retained();
    for rule in excepted {
        r.policy_exceptions
            .push(PolicyException::new(*rule, "a reason that is a sentence").expect("valid"));
    }
    app.stacks_mut()[1].template.resources.push(r);
    app
}

/// A raw log group's `RetentionInDays`: absent, one of CloudWatch's values, a string of one
/// (or of one with a space after it, which is none), an integer-valued decimal (`400.0`, which CloudFormation converts to the integer), or a
/// parameter.
fn retention() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        prop::sample::select(&DAYS[..]).prop_map(|d| Some(json!(d))),
        prop::sample::select(&DAYS[..]).prop_map(|d| Some(json!(d.to_string()))),
        prop::sample::select(&DAYS[..]).prop_map(|d| Some(json!(f64::from(d)))),
        // With a space: no number to CloudFormation, so no retention it can tell.
        prop::sample::select(&DAYS[..]).prop_map(|d| Some(json!(format!("{d} ")))),
        Just(Some(json!({"Ref": "ImageTag"}))),
    ]
}

/// One ECR lifecycle rule: `(tagStatus, by count, number, tag list of a tagged rule, whether
/// it archives instead of expiring)`.
type EcrRule = (&'static str, bool, u32, (&'static str, &'static str), bool);

fn ecr_rule() -> impl Strategy<Value = EcrRule> {
    (
        prop::sample::select(&["untagged", "any", "tagged"][..]),
        any::<bool>(),
        1..30u32,
        prop::sample::select(
            &[
                ("tagPrefixList", "v"),
                ("tagPatternList", "v*"),
                ("tagPatternList", "*-rc*"),
                ("tagPatternList", "*"),
                ("tagPatternList", "**"),
                ("tagPrefixList", ""),
                // Lists that select some git SHAs (the deploy tags) but not every tag.
                ("tagPrefixList", "a"),
                ("tagPatternList", "*0f*"),
            ][..],
        ),
        prop::bool::weighted(0.25),
    )
}

/// Values ECR refuses in a lifecycle rule, at a JSON pointer into it: a priority under 1, a
/// count unit other than `days`, count types, tag statuses and actions in another spelling.
const SPOILS: [(&str, &str); 8] = [
    ("/rulePriority", "0"),
    ("/selection/countUnit", "\"hours\""),
    ("/selection/countUnit", "\"Days\""),
    ("/selection/countType", "\"ImageCountMoreThan\""),
    ("/selection/countType", "\"imageCountLessThan\""),
    ("/selection/tagStatus", "\"ANY\""),
    ("/action/type", "\"Expire\""),
    ("/action/type", "\"delete\""),
];

fn kind() -> impl Strategy<Value = EnvironmentKind> {
    prop::sample::select(&KINDS[..])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn a_raw_log_group_is_held_to_the_retention_policy(
        kind in kind(), days in retention(), except in any::<bool>(),
        class in prop::sample::select(&[None, Some("STANDARD"), Some("INFREQUENT_ACCESS"), Some("DELIVERY")][..]),
    ) {
        let min = Policy::of(kind).min_log_retention.days();
        let mut props = json!({"LogGroupName": "/demo/extra"});
        if let Some(d) = &days {
            props["RetentionInDays"] = d.clone();
        }
        if let Some(c) = class {
            props["LogGroupClass"] = json!(c);
        }
        // CloudWatch keeps a group without retention forever, and a DELIVERY class group's
        // events one day; a parameter may hold anything.
        let broken = class == Some("DELIVERY") || match &days {
            None => true,
            Some(Value::Number(n)) => n.as_f64().is_some_and(|n| n < f64::from(min)),
            Some(Value::String(s)) => s.parse::<u32>().map_or(true, |n| n < min),
            Some(_) => true,
        };
        let excepted: &[PolicyRule] = if except { &[PolicyRule::LogRetention] } else { &[] };
        let app = with_raw(kind, "AWS::Logs::LogGroup", props, excepted);
        let f = policy_findings(&app);
        // A broken rule without an exception, or an exception without a broken rule.
        prop_assert_eq!(f.len(), usize::from(broken != except), "{:?} {:?}: {:#?}", kind, days, f);
        for x in &f {
            prop_assert_eq!(x.stack.as_str(), "demo-a-service");
            prop_assert_eq!(x.resource.as_str(), "Extra");
        }
        // The exception writes the suppression of each scanner rule that fails on the group and
        // of none that passes (the suite refuses one nothing needs): checkov's CKV_AWS_66 fails
        // a group without RetentionInDays; cfn-guard's retention rule takes none as "never
        // expire" and fails one that is not a number of at least 365.
        if except && broken {
            let meta = app.stacks()[1].template.to_json()["Resources"]["Extra"]["Metadata"].to_string();
            let checkov = days.is_none();
            let guard = days.as_ref().is_some_and(|d| d.as_f64().is_none_or(|n| n < 365.0));
            prop_assert_eq!(meta.contains("CKV_AWS_66"), checkov, "{:?}: {}", days, meta);
            prop_assert_eq!(meta.contains("cloudwatch_log_group_retention_period_check"), guard, "{:?}: {}", days, meta);
        }
    }

    #[test]
    fn a_raw_repository_is_held_to_the_image_policy(
        kind in kind(),
        mutability in prop::sample::select(&[Some("IMMUTABLE"), Some("MUTABLE"), None][..]),
        // A boolean, or its text in any case, as CloudFormation converts it; `yes` is none.
        scan in prop::sample::select(vec![Some(json!(true)), Some(json!(false)), Some(json!("True")),
            Some(json!("TRUE")), Some(json!("false")), Some(json!("False")), Some(json!("yes")), None]),
        rules in prop::option::of(prop::collection::vec(ecr_rule(), 0..4)),
        reversed in any::<bool>(),
        duplicate in any::<bool>(),
        spoil in prop::option::of((0..4usize, prop::sample::select(&SPOILS[..]))),
        spelling in 0..3usize, cut in 1..64usize,
    ) {
        let min = Policy::of(kind).min_images_kept;
        let mut props = json!({"RepositoryName": "demo-extra"});
        if let Some(m) = mutability {
            props["ImageTagMutability"] = json!(m);
        }
        if let Some(s) = &scan {
            props["ImageScanningConfiguration"] = json!({"ScanOnPush": s});
        }
        let scans = scan.as_ref().is_some_and(|s| {
            s.as_bool().unwrap_or_else(|| s.as_str().is_some_and(|t| t.eq_ignore_ascii_case("true")))
        });
        // Priorities in the rules' order or reversed, the last one maybe repeating the first.
        let len = rules.as_ref().map_or(0, Vec::len);
        let priority = |i: usize| {
            let i = if duplicate && len > 1 && i == len - 1 { 0 } else { i };
            if reversed { len - i } else { i + 1 }
        };
        if let Some(rules) = &rules {
            let rules: Vec<Value> = rules.iter().enumerate().map(|(i, (status, by_count, n, (list, tag), archive))| {
                let mut selection = json!({"tagStatus": status, "countNumber": n});
                if *status == "tagged" {
                    selection[*list] = json!([tag]);
                }
                if *by_count {
                    selection["countType"] = json!("imageCountMoreThan");
                } else {
                    selection["countType"] = json!("sinceImagePushed");
                    selection["countUnit"] = json!("days");
                }
                let action = if *archive {
                    json!({"type": "transition", "targetStorageClass": "archive"})
                } else {
                    json!({"type": "expire"})
                };
                let mut rule = json!({"rulePriority": priority(i), "selection": selection, "action": action});
                if let Some((_, (pointer, value))) = spoil.filter(|(at, _)| at % len == i) {
                    if let Some(v) = rule.pointer_mut(pointer) {
                        *v = serde_json::from_str(value).unwrap_or(Value::Null);
                    } else if let Some(sel) = rule["selection"].as_object_mut() {
                        // A unit given to a count is a misplaced unit too.
                        sel.insert("countUnit".into(), serde_json::from_str(value).unwrap_or(Value::Null));
                    }
                }
                rule
            }).collect();
            // The text as written, or built of literals by `Fn::Sub` or `Fn::Join`: the same
            // text to CloudFormation, so to every lint.
            let text = json!({"rules": rules}).to_string();
            let cut = (0..=cut.min(text.len())).rev().find(|&k| text.is_char_boundary(k)).unwrap_or(0);
            let spelled = match spelling {
                0 => json!(text),
                1 => json!({"Fn::Sub": text}),
                _ => json!({"Fn::Join": ["", [&text[..cut], &text[cut..]]]}),
            };
            props["LifecyclePolicy"] = json!({"LifecyclePolicyText": spelled});
        }
        // The oracle: ECR's defaults are mutable tags and no scanning; ECR refuses a policy with
        // two rules of one priority or an `any` rule not evaluated last; a lifecycle policy must
        // expire untagged images, bound every image by a count of at least the kind's minimum
        // (a tagged rule whose only pattern is `*`s, or whose prefix is empty, lists every tag;
        // one whose list selects some git SHAs, the deploy tags, bounds the images a function
        // rolls back to, so its count counts towards the minimum, but bounds no other image)
        // and expire no deployable image by age (it may be the one running; a tagged rule
        // selecting no git SHA, `v`, `*-rc*`, deletes no deployable image); archiving a tagged
        // image leaves it unpullable, so it is judged like expiring it, but bounds nothing kept.
        let mut broken = Vec::new();
        if mutability != Some("IMMUTABLE") {
            broken.push(PolicyRule::ImmutableTags);
        }
        if !scans {
            broken.push(PolicyRule::ScanOnPush);
        }
        let rules = rules.unwrap_or_default();
        let priorities: Vec<usize> = (0..rules.len()).map(priority).collect();
        let highest = priorities.iter().max().copied();
        let refused = spoil.is_some() && !rules.is_empty()
            || (1..priorities.len()).any(|i| priorities[..i].contains(&priorities[i]))
            || rules.iter().zip(&priorities).any(|(r, p)| r.0 == "any" && Some(*p) != highest);
        if rules.is_empty() || refused {
            broken.push(PolicyRule::LifecyclePolicy);
        } else {
            let every_tag = |(list, tag): (&str, &str)| {
                if list == "tagPrefixList" { tag.is_empty() } else { tag.chars().all(|c| c == '*') }
            };
            let sha = |(list, tag): (&str, &str)| {
                every_tag((list, tag)) || matches!(tag, "a" | "*0f*")
            };
            let untagged = rules.iter().any(|r| r.0 == "untagged" && !r.4);
            let by_age = rules.iter().any(|r| (r.0 == "any" || r.0 == "tagged" && sha(r.3)) && !r.1);
            let counted = |archive: bool, select: &dyn Fn((&str, &str)) -> bool| {
                rules
                    .iter()
                    .filter(|r| (r.0 == "any" || r.0 == "tagged" && select(r.3)) && r.1 && r.4 == archive)
                    .map(|r| r.2)
                    .min()
            };
            let kept = counted(false, &every_tag);
            let deployed = counted(false, &sha);
            let pullable = counted(true, &sha);
            if !untagged || by_age || kept.is_none() || deployed.is_some_and(|k| k < min) || pullable.is_some_and(|k| k < min) {
                broken.push(PolicyRule::ImagesKept);
            }
        }
        let app = with_raw(kind, "AWS::ECR::Repository", props.clone(), &[]);
        let f = policy_findings(&app);
        prop_assert_eq!(f.len(), broken.len(), "{} {:#?}", props, f);
        // A lifecycle policy is ECR's document, not IAM's, however it is spelled.
        let iam: Vec<Finding> = lint(&app).into_iter().filter(|f| f.code.starts_with("iam")).collect();
        prop_assert_eq!(iam, vec![], "{}", props);
        // An exception from exactly the broken rules answers them.
        let app = with_raw(kind, "AWS::ECR::Repository", props.clone(), &broken);
        prop_assert_eq!(policy_findings(&app), vec![], "{}", props);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The scanners' Metadata blocks come only from typed suppressions and exceptions: one
    /// written by hand on any resource of any stack is a finding there.
    #[test]
    fn scanner_metadata_written_by_hand_is_refused_on_any_resource(
        key in prop::sample::select(&["checkov", "guard", "cfn-lint", "infra-gen"][..]),
        at in any::<prop::sample::Index>(),
        kind in kind(),
    ) {
        let mut app = app(kind, &["a", "b"], |s| s);
        let mut all: Vec<(String, &mut Resource)> = resources_mut(&mut app).collect();
        let n = all.len();
        let (stack, r) = &mut all[at.index(n)];
        let (stack, id) = (stack.clone(), r.id.to_string());
        r.metadata.insert(key.into(), json!({"SuppressedRules": ["any_rule"]}));
        let f = policy_findings(&app);
        prop_assert_eq!(f.len(), 1, "{:#?}", f);
        prop_assert_eq!(&f[0].stack, &stack);
        prop_assert_eq!(&f[0].resource, &id);
        prop_assert!(f[0].message.contains(key), "{}", f[0]);
    }
}

proptest! {
    /// A rule that selects archived images (`storageClass: archive`, counted since their
    /// transition) expires only images that cannot be pulled any more: it changes no verdict,
    /// whatever its tag status, count or place among the rules.
    #[test]
    fn expiring_archived_images_changes_no_verdict(
        kind in kind(),
        keep in 1..12u32,
        days in 1..400u32,
        status in prop::sample::select(&["tagged", "untagged"][..]),
        first in any::<bool>(),
    ) {
        let min = Policy::of(kind).min_images_kept;
        let untagged = json!({"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1}, "action": {"type": "expire"}});
        let mut archived = json!({"rulePriority": 2, "selection": {"tagStatus": status, "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": days}, "action": {"type": "expire"}});
        if status == "tagged" {
            archived["selection"]["tagPatternList"] = json!(["*"]);
        }
        let keep_rule = json!({"rulePriority": 3, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": keep}, "action": {"type": "expire"}});
        let rules = if first {
            let mut a = archived.clone();
            a["rulePriority"] = json!(1);
            let mut u = untagged.clone();
            u["rulePriority"] = json!(2);
            vec![a, u, keep_rule]
        } else {
            vec![untagged, archived, keep_rule]
        };
        let props = json!({"RepositoryName": "demo-extra", "ImageTagMutability": "IMMUTABLE",
            "ImageScanningConfiguration": {"ScanOnPush": true},
            "LifecyclePolicy": {"LifecyclePolicyText": json!({"rules": rules}).to_string()}});
        let f = policy_findings(&with_raw(kind, "AWS::ECR::Repository", props.clone(), &[]));
        prop_assert_eq!(f.len(), usize::from(keep < min), "{} {:#?}", props, f);
    }
}

/// Whether some deploy tag (a git SHA, as the `ImageTag` parameter's pattern admits) is
/// selected by a `tagged` rule's prefix or ECR pattern (`*` any run of characters): the
/// shortest tag the entry can select, padded with `0` to the seven a SHA has at least, matched
/// against both as regular expressions.
fn selects_a_sha(entry: &str, prefix: bool) -> bool {
    let sha = regex::Regex::new("^[0-9a-f]{7,40}$").expect("valid");
    let pieces: Vec<String> = entry.split('*').map(regex::escape).collect();
    let selection = if prefix {
        regex::Regex::new(&format!("^{}", regex::escape(entry)))
    } else {
        regex::Regex::new(&format!("^{}$", pieces.join(".*")))
    }
    .expect("valid");
    let shortest = entry.replace('*', "");
    let pad = "0".repeat(7usize.saturating_sub(shortest.len()));
    let witness = if prefix {
        format!("{shortest}{pad}")
    } else if let Some(at) = entry.rfind('*') {
        format!("{}{pad}{}", entry[..at].replace('*', ""), &entry[at + 1..])
    } else {
        shortest
    };
    selection.is_match(&witness) && sha.is_match(&witness)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// A `tagged` rule for some tags only bounds the deployed images exactly when its list can
    /// select a git SHA: kept by count, fewer than the kind's minimum is a finding (two deploys
    /// in a row whose SHAs it selects leave nothing to roll back to), and by age it can delete
    /// the image running; a list that selects no SHA (`v`, `pr-`, `*-rc*`, a hex run longer
    /// than a SHA) changes no verdict either way.
    #[test]
    fn a_rule_for_some_tags_bounds_the_deployed_images_when_it_selects_a_sha(
        kind in kind(),
        pieces in prop::collection::vec(prop::sample::select(
            &["", "a", "0", "f3", "9e", "v", "pr-", "-rc", "g", "Ab", "deadbeef0123", "0123456789abcdef0123456789abcdef012345678"][..]), 1..4),
        prefix in any::<bool>(),
        by_count in any::<bool>(),
        count in 1..12u32,
    ) {
        let min = Policy::of(kind).min_images_kept;
        let entry = if prefix { pieces.concat() } else { pieces.join("*") };
        // An empty prefix or a pattern of only `*` lists every tag: the rule is an `any` rule
        // then, which other properties cover.
        prop_assume!(!entry.chars().all(|c| c == '*'));
        let list = if prefix { "tagPrefixList" } else { "tagPatternList" };
        let mut selection = json!({"tagStatus": "tagged", list: [entry], "countNumber": count});
        if by_count {
            selection["countType"] = json!("imageCountMoreThan");
        } else {
            selection["countType"] = json!("sinceImagePushed");
            selection["countUnit"] = json!("days");
        }
        let rules = json!({"rules": [
            {"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1}, "action": {"type": "expire"}},
            {"rulePriority": 2, "selection": selection, "action": {"type": "expire"}},
            {"rulePriority": 3, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 30}, "action": {"type": "expire"}},
        ]});
        let props = json!({"RepositoryName": "demo-extra", "ImageTagMutability": "IMMUTABLE",
            "ImageScanningConfiguration": {"ScanOnPush": true},
            "LifecyclePolicy": {"LifecyclePolicyText": rules.to_string()}});
        let broken = selects_a_sha(&entry, prefix) && (!by_count || count < min);
        let f = policy_findings(&with_raw(kind, "AWS::ECR::Repository", props.clone(), &[]));
        prop_assert_eq!(f.len(), usize::from(broken), "{} {:#?}", props, f);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// ECR's lifecycle policy properties: a `tagged` rule gives exactly one of
    /// `tagPrefixList` and `tagPatternList`, an `untagged` rule neither, and a pattern holds
    /// at most four wildcards; ECR refuses any other policy, which is then no lifecycle
    /// policy at all.
    #[test]
    fn ecr_refuses_tag_lists_it_does_not_take(
        kind in kind(),
        tagged in any::<bool>(),
        prefix in any::<bool>(),
        pattern in prop::option::of(0..8usize),
    ) {
        let mut selection = json!({"tagStatus": if tagged { "tagged" } else { "untagged" },
            "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1});
        if prefix {
            selection["tagPrefixList"] = json!(["tmp-"]);
        }
        if let Some(stars) = pattern {
            // `tmp` and `*` alternating, `stars` wildcards in all.
            let p: String = (0..stars).map(|_| "*tmp").collect::<String>() + "-";
            selection["tagPatternList"] = json!([p]);
        }
        let lists = usize::from(prefix) + usize::from(pattern.is_some());
        let refused = if tagged { lists != 1 } else { lists != 0 }
            || pattern.is_some_and(|stars| stars > 4);
        let rules = json!({"rules": [
            {"rulePriority": 1, "selection": selection, "action": {"type": "expire"}},
            {"rulePriority": 2, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1}, "action": {"type": "expire"}},
            {"rulePriority": 3, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 30}, "action": {"type": "expire"}},
        ]});
        let props = json!({"RepositoryName": "demo-extra", "ImageTagMutability": "IMMUTABLE",
            "ImageScanningConfiguration": {"ScanOnPush": true},
            "LifecyclePolicy": {"LifecyclePolicyText": rules.to_string()}});
        let f = policy_findings(&with_raw(kind, "AWS::ECR::Repository", props.clone(), &[]));
        prop_assert_eq!(f.len(), usize::from(refused), "{} {:#?}", props, f);
        if refused {
            prop_assert!(f[0].message.contains("ECR refuses"), "{}", f[0]);
        }
    }
}
