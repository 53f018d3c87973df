//! The account side (`App::bootstrap`) and lint `iam-account`: derived roles pass for every
//! shape of service, and any grant, subject or widening changed after the derivation is a
//! finding naming the bootstrap stack and the role.

mod common;

use infra_gen::builders::Bootstrap;
use infra_gen::lint::lint;
use infra_gen::model::Properties;
use infra_gen::model::iam::account::{AccountRole, GithubSubject, Trust};
use infra_gen::model::iam::{Action, Statement};
use infra_gen::model::{Expr, Resource};
use infra_gen::{App, Finding};
use proptest::prelude::*;

fn with_bootstrap(mut app: App) -> App {
    app.bootstrap(
        &Bootstrap::new("acme/demo", "123456789012", "us-east-1", "tests/account.rs")
            .expect("valid"),
    )
    .expect("derives");
    app
}

fn account_findings(app: &App) -> Vec<Finding> {
    lint(app)
        .into_iter()
        .filter(|f| f.code == "iam-account")
        .collect()
}

/// The account roles of the bootstrap stack (the last one), to change.
fn roles(app: &mut App) -> Vec<&mut Resource> {
    let last = app.stacks_mut().len() - 1;
    app.stacks_mut()[last]
        .template
        .resources
        .iter_mut()
        .filter(|r| matches!(r.properties, Properties::AccountRole(_)))
        .collect()
}

fn role(r: &mut Resource) -> &mut AccountRole {
    match &mut r.properties {
        Properties::AccountRole(role) => role,
        _ => unreachable!("filtered"),
    }
}

#[test]
fn the_derived_account_side_of_a_valid_app_has_no_finding() {
    let app = with_bootstrap(common::valid_app());
    assert_eq!(lint(&app), Vec::new());
}

#[test]
fn an_app_with_a_raw_resource_cannot_get_an_account_side() {
    let mut app = common::valid_app();
    let stack = &mut app.stacks_mut()[1];
    let raw =
        infra_gen::model::raw::Raw::new("AWS::SNS::Topic", serde_json::json!({"TopicName": "t"}))
            .expect("valid");
    stack.template.resources.push(Resource::new(
        infra_gen::model::LogicalId::new("Topic").expect("valid"),
        Properties::Raw(raw),
    ));
    let err = app
        .bootstrap(
            &Bootstrap::new("acme/demo", "123456789012", "us-east-1", "t.rs").expect("valid"),
        )
        .expect_err("a raw resource has no deploy declaration");
    let text = err.to_string();
    assert!(
        text.contains("Topic") && text.contains("AWS::SNS::Topic"),
        "{text}"
    );
}

/// Actions of several services and access levels, for grants added by hand.
const EXTRA: [&str; 6] = [
    "s3:GetObject",
    "iam:CreateUser",
    "lambda:InvokeFunction",
    "dynamodb:Scan",
    "cloudformation:DescribeStacks",
    "logs:DeleteLogGroup",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Services of any name, region, URL and trigger shape get an account side `check` accepts.
    #[test]
    fn derived_roles_pass_for_any_valid_service(
        region in prop::sample::select(vec!["us-east-1", "us-west-2"]),
        safe in any::<bool>(),
        iam_url in any::<bool>(),
    ) {
        let app = common::app_with(region, common::DOCKERFILE, |s| {
            let s = if iam_url { s.url(infra_gen::builders::FunctionUrl::aws_iam()) } else { s };
            if safe {
                s.alarms(infra_gen::builders::Alarms::new())
                    .safe_deploy(infra_gen::model::lambda::TrafficShift::Canary10Percent5Minutes)
            } else {
                s
            }
        });
        let app = with_bootstrap(app.expect("a valid service"));
        prop_assert_eq!(account_findings(&app), Vec::new());
    }

    /// A statement added to any account role, of any action on any ARN of the app, is a
    /// finding naming the bootstrap stack and the role.
    #[test]
    fn a_grant_added_by_hand_is_a_finding(
        pick in any::<prop::sample::Index>(),
        action in prop::sample::select(EXTRA.to_vec()),
        resource in prop::sample::select(vec![
            "arn:${AWS::Partition}:s3:::bucket/key",
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:user/x",
            "arn:${AWS::Partition}:lambda:us-west-2:${AWS::AccountId}:function:demo-test",
            "arn:${AWS::Partition}:dynamodb:us-west-2:${AWS::AccountId}:table/t",
            "arn:${AWS::Partition}:cloudformation:us-west-2:${AWS::AccountId}:stack/demo-test-service/x",
            "arn:${AWS::Partition}:logs:us-west-2:${AWS::AccountId}:log-group:/aws/lambda/demo-test",
        ]),
    ) {
        let mut app = with_bootstrap(common::valid_app());
        let stack = app.account().expect("side").stack.to_string();
        let mut all = roles(&mut app);
        let n = all.len();
        let r = &mut all[pick.index(n)];
        let id = r.id.to_string();
        let role = role(r);
        role.policies[0].statements.push(Statement::allow(
            "Added",
            vec![Action::new(action).expect("real")],
            vec![Expr::sub(resource)],
        ));
        let findings = account_findings(&app);
        prop_assert!(
            findings.iter().any(|f| f.stack == stack && f.resource == id && f.message.contains("differs")),
            "{:#?}", findings
        );
    }

    /// A GitHub subject with a wildcard anywhere in its environment or branch is refused.
    #[test]
    fn a_wildcard_subject_is_a_finding(at in 0usize..8, wildcard in prop::sample::select(vec!["*", "?"])) {
        let mut app = with_bootstrap(common::valid_app());
        let mut all = roles(&mut app);
        let mut changed = false;
        for r in all.iter_mut() {
            if let Trust::Github { subjects, .. } = &mut role(r).trust {
                for s in subjects.iter_mut() {
                    let (GithubSubject::Environment(_, part) | GithubSubject::Branch(_, part)) = s;
                    let i = at.min(part.len());
                    part.insert_str(i, wildcard);
                    changed = true;
                }
            }
        }
        prop_assert!(changed);
        let findings = account_findings(&app);
        prop_assert!(findings.iter().any(|f| f.message.contains("not one environment or branch")), "{:#?}", findings);
    }
}

#[test]
fn a_star_or_pattern_without_its_widening_is_a_finding_and_a_stale_widening_too() {
    let mut app = with_bootstrap(common::valid_app());
    let mut all = roles(&mut app);
    let mut dropped = 0;
    for r in all.iter_mut() {
        let role = role(r);
        dropped += role.widenings.len();
        role.widenings.clear();
    }
    assert!(dropped > 0, "the fixture's roles have widenings");
    let findings = account_findings(&app);
    assert!(
        findings
            .iter()
            .any(|f| f.message.contains("without a widening")),
        "{findings:#?}"
    );

    let mut app = with_bootstrap(common::valid_app());
    let mut found = roles(&mut app);
    let first = role(found[0]);
    first.widenings.push(
        infra_gen::model::iam::account::Widening::new("Nowhere", "because it is needed somewhere")
            .expect("valid"),
    );
    let findings = account_findings(&app);
    assert!(
        findings.iter().any(|f| f.message.contains("stale")),
        "{findings:#?}"
    );
}

#[test]
fn a_stack_changed_after_the_bootstrap_stack_was_built_is_a_finding() {
    let mut app = with_bootstrap(common::valid_app());
    common::function_mut(&mut app).function_name =
        infra_gen::model::lambda::FunctionName::new("renamed").expect("valid");
    let findings = account_findings(&app);
    assert!(
        findings.iter().any(|f| f.message.contains("differs")),
        "{findings:#?}"
    );
    app.rebuild_account().expect("derives");
    assert_eq!(account_findings(&app), Vec::new());
}

/// Registry and service of `service` in each environment of `environments`, in us-west-2.
fn app_of(service: &str, environments: &[String]) -> App {
    use infra_gen::builders::{ContainerImage, ModelMap, Registry, Service};
    use infra_gen::model::lambda::{Architecture, DockerSource, HandlerMode, ImageConfig};
    let mut app = App::new();
    for name in environments {
        let env = infra_gen::Environment::new(name, "us-west-2").expect("valid");
        let (registry, repository) = Registry::new(service, &env, "tests/account.rs")
            .build()
            .expect("valid registry");
        let image = ContainerImage {
            repository,
            source: DockerSource {
                dockerfile: "function/Dockerfile".into(),
                dockerfile_text: common::DOCKERFILE,
            },
            config: ImageConfig::new(&["/var/task/bootstrap"], &["lambda"], "/var/task")
                .expect("valid"),
        };
        let built = Service::new(
            service,
            &env,
            "tests/account.rs",
            image,
            Architecture::Arm64,
            HandlerMode::Streaming,
        )
        .expect("valid")
        .url(infra_gen::builders::FunctionUrl::aws_iam())
        .bedrock_models(ModelMap::from_json(common::MODELS).expect("valid"))
        .build()
        .expect("valid service");
        app.push(registry);
        app.push(built);
    }
    app
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// For services and environments of any name, each execution role names only its own
    /// stack's resources (and its environment's image repositories), never another
    /// environment's.
    #[test]
    fn execution_roles_name_only_their_own_stacks_resources(
        service in "[a-z][a-z0-9]{2,8}",
        first in "[a-z][a-z0-9]{1,6}",
        second in "[a-z][a-z0-9]{1,6}",
    ) {
        prop_assume!(first != second);
        let environments = vec![first.clone(), second.clone()];
        let app = with_bootstrap(app_of(&service, &environments));
        prop_assert_eq!(account_findings(&app), Vec::new());
        let side = app.account().expect("side").clone();
        let bootstrap = app.stacks().last().expect("bootstrap");
        for stack in app.stacks().iter().filter(|s| s.name != side.stack) {
            let role = side.execution_role(stack.name.as_str()).expect("one per stack");
            let own = format!("{service}-{}", stack.environment.name());
            let other = environments
                .iter()
                .find(|e| e.as_str() != stack.environment.name())
                .map(|e| format!("{service}-{e}"))
                .expect("two environments");
            let statements: Vec<&Statement> = bootstrap
                .template
                .resources
                .iter()
                .filter_map(|r| match &r.properties {
                    Properties::AccountRole(a) if a.name == *role => Some(a),
                    _ => None,
                })
                .flat_map(|a| a.policies.iter().flat_map(|p| &p.statements))
                .collect();
            prop_assert!(!statements.is_empty());
            for s in statements {
                for r in &s.resources {
                    let text = match r {
                        Expr::Literal(t) | Expr::Sub(t) => t.as_str(),
                        other => panic!("{other:?}"),
                    };
                    if text == "*" {
                        continue;
                    }
                    prop_assert!(text.contains(&own), "{} names {} outside {}", role.as_str(), text, own);
                    prop_assert!(!text.contains(&format!("{other}-")) && !text.ends_with(&other),
                        "{} names {} of {}", role.as_str(), text, other);
                    // A pattern reaches no name of the other environment's stacks.
                    if let Some(prefix) = text.strip_suffix('*') {
                        let prefix = prefix.rsplit([':', '/']).next().unwrap_or_default();
                        for o in app.stacks().iter().filter(|o| o.environment != stack.environment && o.name != side.stack) {
                            prop_assert!(!format!("{}-Function-X", o.name).starts_with(prefix) || prefix.is_empty(),
                                "{} pattern {} reaches {}", role.as_str(), text, o.name);
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn a_stack_whose_name_extends_anothers_cannot_get_an_account_side() {
    let mut app = common::valid_app();
    let service = app.stacks()[1].name.to_string();
    app.stacks_mut()[0].name =
        infra_gen::model::StackName::new(format!("{service}-extra")).expect("valid");
    let err = app
        .bootstrap(
            &Bootstrap::new("acme/demo", "123456789012", "us-east-1", "t.rs").expect("valid"),
        )
        .expect_err("the patterns of one would reach the other");
    assert!(err.to_string().contains("extends"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// With an account side, the app's account is known: an ARN or an account condition naming
    /// it literally names the stack's own account, as `${AWS::AccountId}` does; any other
    /// literal account, or any literal one without an account side, is another account.
    #[test]
    fn the_bootstrapped_account_written_literally_is_the_stacks_own(
        bootstrapped in any::<bool>(),
        own in any::<bool>(),
        in_condition in any::<bool>(),
        other in "[1-9][0-9]{11}",
    ) {
        prop_assume!(other != "123456789012");
        let account = if own { "123456789012".to_owned() } else { other };
        let queue = "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:jobs";
        let statement = if in_condition {
            Statement::allow("Send", vec![Action::new("sqs:SendMessage").expect("real")], vec![Expr::sub(queue)])
                .when("aws:ResourceAccount", Expr::literal(&account))
        } else {
            Statement::allow(
                "Send",
                vec![Action::new("sqs:SendMessage").expect("real")],
                vec![Expr::sub(format!("arn:${{AWS::Partition}}:sqs:${{AWS::Region}}:{account}:jobs"))],
            )
        };
        let mut app = common::valid_app();
        for r in &mut app.stacks_mut()[1].template.resources {
            if let Properties::Role(role) = &mut r.properties {
                role.policies[0].statements.push(statement.clone());
            }
        }
        let app = if bootstrapped { with_bootstrap(app) } else { app };
        let findings = lint(&app);
        let another = findings.iter().any(|f| f.code == "iam-scope" && f.message.contains(&account));
        prop_assert_eq!(another, !(bootstrapped && own), "{:#?}", findings);
        prop_assert_eq!(findings.len(), usize::from(another), "{:#?}", findings);
    }
}
