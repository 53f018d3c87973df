//! Every finding names its code, stack, resource and fix, for every stack it applies to: each
//! lint code of `lint/mod.rs`'s table is triggered on every stack of an app of several
//! environments, and must give one finding per faulty stack, none elsewhere.

mod common;

use common::{DOCKERFILE, MODELS};
use infra_gen::builders::{
    Alarms, ContainerImage, FunctionUrl, ModelMap, Registry, SecretSpec, Service, SqsTrigger,
};
use infra_gen::lint::lint;
use infra_gen::model::iam::{Action, Statement};
use infra_gen::model::lambda::events::{AsyncInvoke, Batch, DestinationType};
use infra_gen::model::lambda::{Architecture, DockerSource, HandlerMode};
use infra_gen::model::lambda::{
    Cors, EnvName, EnvVar, Function, HttpMethod, ImageConfig, InvokeMode, Origin,
};
use infra_gen::model::{Expr, Properties};
use infra_gen::units::RetentionDays;
use infra_gen::{App, Environment, Error, Finding, Stack};

const ENVIRONMENTS: [&str; 3] = ["alpha", "beta", "gamma"];

/// Registry and service per environment, in `region`; every builder error of every
/// environment together.
fn app_in(region: &str) -> Result<App, Error> {
    let mut app = App::new();
    let mut errors = Vec::new();
    for name in ENVIRONMENTS {
        let env = Environment::new(name, region)?;
        let built = Registry::new("demo", &env, "tests/messages.rs")
            .build()
            .and_then(|(registry, repository)| {
                let image = ContainerImage {
                    repository,
                    source: DockerSource {
                        dockerfile: "function/Dockerfile".into(),
                        dockerfile_text: DOCKERFILE,
                    },
                    config: ImageConfig::new(&["/var/task/bootstrap"], &["lambda"], "/var/task")?,
                };
                let service = Service::new(
                    "demo",
                    &env,
                    "tests/messages.rs",
                    image,
                    Architecture::Arm64,
                    HandlerMode::Streaming,
                )?
                .url(FunctionUrl::public(
                    "the app checks a bearer key on every request",
                ))
                .secret(SecretSpec::generated(
                    "ApiKey",
                    "client keys",
                    "api_key",
                    "API_KEY_SECRET_ARN",
                ))
                .bedrock_models(ModelMap::from_json(MODELS)?)
                .build()?;
                Ok([registry, service])
            });
        match built {
            Ok(stacks) => stacks.into_iter().for_each(|s| app.push(s)),
            Err(e) => errors.push(e),
        }
    }
    Error::all(errors)?;
    Ok(app)
}

fn function(s: &mut Stack) -> Option<&mut Function> {
    s.template
        .resources
        .iter_mut()
        .find_map(|r| match &mut r.properties {
            Properties::Function(f) => Some(&mut **f),
            _ => None,
        })
}

fn statement(s: &mut Stack, statement: Statement) -> bool {
    let mut pushed = false;
    for r in &mut s.template.resources {
        if let Properties::Role(role) = &mut r.properties {
            role.policies[0].statements.push(statement.clone());
            pushed = true;
        }
    }
    pushed
}

/// A raw resource in a service stack (none in a registry stack).
fn push_raw(s: &mut Stack, raw: infra_gen::model::raw::Raw) -> bool {
    if function(s).is_none() {
        return false;
    }
    let id = infra_gen::model::LogicalId::new("Extra").expect("valid");
    s.template
        .resources
        .push(infra_gen::model::Resource::new(id, Properties::Raw(raw)));
    true
}

/// A raw IAM policy with one statement, in a service stack.
fn raw_policy(s: &mut Stack, statement: serde_json::Value) -> bool {
    let raw = infra_gen::model::raw::Raw::new(
        "AWS::IAM::Policy",
        serde_json::json!({
            "PolicyName": "extra",
            "Roles": [{"Ref": "FunctionRole"}],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]}
        }),
    )
    .expect("valid")
    .stateless();
    push_raw(s, raw)
}

fn action(name: &str) -> Vec<Action> {
    vec![Action::new(name).expect("valid")]
}

fn env_var(s: &mut Stack, name: &str, value: &str) -> bool {
    function(s)
        .map(|f| {
            f.environment.push(EnvVar {
                name: EnvName::new(name).expect("valid"),
                value: Expr::literal(value),
            })
        })
        .is_some()
}

const AMD64: &str = "\
FROM --platform=linux/amd64 public.ecr.aws/lambda/provided:al2023
WORKDIR /var/task
ENTRYPOINT [\"/var/task/bootstrap\"]
CMD [\"lambda\"]
";

/// A fault per lint code, applied to one stack; `false` where the stack has nothing to break.
type Trigger = (&'static str, fn(&mut Stack) -> bool);

const TRIGGERS: &[Trigger] = &[
    ("unresolved-ref", |s| {
        function(s)
            .map(|f| f.role = Expr::GetAtt("Nothing".into(), "Arn".into()))
            .is_some()
    }),
    ("dependency", |s| {
        // The function's own ARN in its environment: it would have to exist before itself.
        function(s)
            .map(|f| {
                f.environment.push(EnvVar {
                    name: EnvName::new("SELF_ARN").expect("valid"),
                    value: Expr::GetAtt("Function".into(), "Arn".into()),
                })
            })
            .is_some()
    }),
    ("image-platform", |s| {
        function(s)
            .map(|f| f.source.dockerfile_text = AMD64)
            .is_some()
    }),
    ("image-streaming", |s| {
        // A streaming handler on a managed runtime whose client cannot stream.
        function(s)
            .map(|f| f.source.dockerfile_text = "FROM public.ecr.aws/lambda/python:3.12\n")
            .is_some()
    }),
    ("image-config", |s| {
        function(s)
            .map(|f| {
                f.image_config =
                    ImageConfig::new(&["/elsewhere"], &["lambda"], "/var/task").expect("valid")
            })
            .is_some()
    }),
    ("invoke-mode", |s| {
        function(s)
            .and_then(|f| f.url.as_mut())
            .map(|u| u.invoke_mode = InvokeMode::Buffered)
            .is_some()
    }),
    ("secret-in-env", |s| env_var(s, "OPENAI_API_KEY", "abc123")),
    ("reserved-env", |s| env_var(s, "AWS_REGION", "us-west-2")),
    ("env-size", |s| env_var(s, "BIG_SETTING", &"x".repeat(5000))),
    ("log-group", |s| {
        function(s)
            .map(|f| f.logging.log_group = Expr::literal("/aws/lambda/elsewhere"))
            .is_some()
    }),
    ("cors", |s| {
        function(s)
            .and_then(|f| f.url.as_mut())
            .map(|u| {
                u.cors = Some(Cors {
                    allow_origins: vec![Origin::any()],
                    allow_methods: vec![HttpMethod::Post],
                    allow_headers: vec![],
                    expose_headers: vec![],
                    allow_credentials: true,
                    max_age: 60,
                })
            })
            .is_some()
    }),
    ("iam-wildcard", |s| {
        statement(
            s,
            Statement::allow(
                "Everything",
                action("s3:GetObject"),
                vec![Expr::literal("*")],
            ),
        )
    }),
    ("iam-scope", |s| {
        statement(
            s,
            Statement::allow(
                "OtherLogs",
                action("logs:PutLogEvents"),
                vec![Expr::sub(
                    "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/other",
                )],
            ),
        )
    }),
    ("iam-bedrock", |s| {
        statement(
            s,
            Statement::allow(
                "ExtraModel",
                action("bedrock:InvokeModel"),
                vec![Expr::sub(
                    "arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/meta.llama3-70b-instruct-v1:0",
                )],
            ),
        )
    }),
    ("iam-escalation", |s| {
        statement(
            s,
            Statement::allow(
                "WritePolicies",
                action("iam:CreatePolicyVersion"),
                vec![Expr::sub(
                    "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/demo",
                )],
            ),
        )
    }),
    ("iam-size", |s| {
        (0..90).all(|i| {
            statement(
                s,
                Statement::allow(
                    &format!("ReadParameters{i}"),
                    action("ssm:GetParameter"),
                    vec![Expr::sub(format!(
                        "arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter/${{AWS::StackName}}/{i}"
                    ))],
                ),
            )
        })
    }),
    ("duplicate", |s| {
        // A second output exporting the same name.
        let exported = s
            .template
            .outputs
            .iter()
            .find(|o| o.export.is_some())
            .cloned();
        exported
            .map(|mut o| {
                o.id = infra_gen::model::LogicalId::new("Duplicate").expect("valid");
                s.template.outputs.push(o);
            })
            .is_some()
    }),
    ("deploy-order", |s| {
        function(s)
            .map(|f| {
                f.environment.push(EnvVar {
                    name: EnvName::new("UPSTREAM_URL").expect("valid"),
                    value: Expr::import("nothing-exports-this"),
                })
            })
            .is_some()
    }),
    ("region", |s| {
        // The service moves to another region; its registry's export stays behind.
        let moved = function(s).is_some();
        if moved {
            s.environment = Environment::new(s.environment.name(), "eu-west-1").expect("valid");
        }
        moved
    }),
    ("fifo", |s| {
        // Failed asynchronous calls sent to a FIFO queue, which Lambda cannot send to.
        function(s)
            .map(|f| {
                let mut invoke = AsyncInvoke::new(1, 600).expect("valid");
                invoke.on_failure = Some((
                    DestinationType::Sqs,
                    Expr::sub(
                        "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:failed.fifo",
                    ),
                ));
                f.async_invoke = Some(invoke);
            })
            .is_some()
    }),
    ("dead-letter", |s| {
        // A work queue kept 4 days redriving to one kept 1 day: a message that failed after a
        // day is deleted as it arrives.
        let queue = |props: serde_json::Value| {
            infra_gen::model::raw::Raw::new("AWS::SQS::Queue", props).expect("valid")
        };
        let pushed = push_raw(
            s,
            queue(serde_json::json!({"RedrivePolicy": {
                "deadLetterTargetArn": {"Fn::GetAtt": ["ExtraDlq", "Arn"]}, "maxReceiveCount": 5}})),
        );
        if pushed {
            let id = infra_gen::model::LogicalId::new("ExtraDlq").expect("valid");
            let dlq = queue(serde_json::json!({"MessageRetentionPeriod": 86400}));
            s.template
                .resources
                .push(infra_gen::model::Resource::new(id, Properties::Raw(dlq)));
        }
        pushed
    }),
    ("stateful-policy", |s| {
        let mut any = false;
        for r in &mut s.template.resources {
            if r.properties.is_stateful() {
                r.lifecycle = None;
                any = true;
            }
        }
        any
    }),
    ("image-source", |s| {
        function(s)
            .map(|f| {
                f.image_uri =
                    Expr::literal("123456789012.dkr.ecr.us-west-2.amazonaws.com/demo:abc1234")
            })
            .is_some()
    }),
    ("policy", |s| {
        let mut any = false;
        for r in &mut s.template.resources {
            if let Properties::LogGroup(g) = &mut r.properties {
                g.retention = RetentionDays::D7;
                any = true;
            }
        }
        any
    }),
    ("tags", |s| {
        // The same key twice, as only an edit of the model can write it.
        let tag = infra_gen::model::tags::Tag::new("team", "data").expect("valid");
        s.template.tags = vec![tag.clone(), tag];
        true
    }),
    ("iam-public", |s| {
        raw_policy(
            s,
            serde_json::json!({
                "Effect": "Allow", "Principal": "*", "Action": "sns:Publish",
                "Resource": {"Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:demo"}
            }),
        )
    }),
    ("iam-raw", |s| {
        let raw = infra_gen::model::raw::Raw::new(
            "AWS::IAM::Policy",
            serde_json::json!({"PolicyName": "x", "PolicyDocument": {"Ref": "Document"}}),
        )
        .expect("valid")
        .stateless();
        push_raw(s, raw)
    }),
    ("iam-account", |s| {
        use infra_gen::model::iam::account::{
            AccountRole, GithubRepository, GithubSubject, OidcProvider, RoleName, Trust,
        };
        let repository = GithubRepository::new("acme/demo").expect("valid");
        let role = AccountRole {
            name: RoleName::new(&format!("{}-deploy", s.name)).expect("valid"),
            description: "a deploy role trusting every environment".into(),
            trust: Trust::Github {
                provider: OidcProvider::arn(),
                subjects: vec![GithubSubject::Environment(repository, "*".into())],
            },
            policies: Vec::new(),
            widenings: Vec::new(),
        };
        s.template.resources.push(infra_gen::model::Resource::new(
            infra_gen::model::LogicalId::new("DeployRole").expect("valid"),
            Properties::AccountRole(role),
        ));
        true
    }),
    ("public-url", |s| {
        let mut any = false;
        for r in &mut s.template.resources {
            if r.metadata.contains_key("PublicUrlReason") {
                r.metadata.insert(
                    "PublicUrlReason".into(),
                    "TODO: add an API key check".into(),
                );
                any = true;
            }
        }
        any
    }),
];

/// The codes of the table at the top of `src/lint/mod.rs`.
fn table_codes() -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lint/mod.rs");
    let text = std::fs::read_to_string(path).expect("lint/mod.rs is readable");
    text.lines()
        .filter_map(|l| l.strip_prefix("//! | `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_owned)
        .collect()
}

fn assert_shape(f: &Finding) {
    assert!(!f.stack.is_empty() && !f.resource.is_empty(), "{f:#?}");
    assert!(!f.message.is_empty() && !f.fix.is_empty(), "{f:#?}");
    assert!(
        f.to_string().starts_with(&format!(
            "error[{}]: {} › {}: ",
            f.code, f.stack, f.resource
        )) && f.to_string().contains("\n  fix: "),
        "{f}"
    );
}

#[test]
fn every_lint_code_has_a_trigger_here() {
    let codes = table_codes();
    assert!(codes.len() >= 18, "{codes:?}");
    for code in &codes {
        assert!(
            TRIGGERS.iter().any(|(c, _)| c == code) || code == "bedrock-region",
            "lint code {code} has no trigger in tests/messages.rs"
        );
    }
}

#[test]
fn every_lint_reports_every_faulty_stack_with_code_stack_resource_and_fix() {
    let clean = app_in("us-west-2").expect("builds");
    assert_eq!(lint(&clean), []);
    for (code, trigger) in TRIGGERS {
        let mut app = clean.clone();
        let mut faulty: Vec<String> = app
            .stacks_mut()
            .iter_mut()
            .filter_map(|s| trigger(s).then(|| s.name.to_string()))
            .collect();
        faulty.sort();
        assert!(faulty.len() >= ENVIRONMENTS.len(), "{code}: {faulty:?}");
        let findings: Vec<Finding> = lint(&app).into_iter().filter(|f| f.code == *code).collect();
        findings.iter().for_each(assert_shape);
        let mut stacks: Vec<String> = findings.iter().map(|f| f.stack.clone()).collect();
        stacks.sort();
        stacks.dedup();
        assert_eq!(stacks, faulty, "{code}: {findings:#?}");
    }
}

#[test]
fn a_builder_error_in_every_environment_is_reported_for_each() {
    // The model map's profiles serve us-* regions only: every service fails to build.
    let err = app_in("eu-west-1").expect_err("no profile serves eu-west-1");
    let findings = err.into_findings();
    findings.iter().for_each(assert_shape);
    let stacks: Vec<&str> = findings.iter().map(|f| f.stack.as_str()).collect();
    assert_eq!(
        stacks,
        [
            "demo-alpha-service",
            "demo-beta-service",
            "demo-gamma-service"
        ]
    );
    assert!(findings.iter().all(|f| f.code == "bedrock-region"));
}

#[test]
fn every_invalid_builder_argument_is_reported_not_only_the_first() {
    let env = Environment::new("alpha", "us-west-2").expect("valid");
    let (_, repository) = Registry::new("demo", &env, "x").build().expect("builds");
    let image = ContainerImage {
        repository,
        source: DockerSource {
            dockerfile: "function/Dockerfile".into(),
            dockerfile_text: DOCKERFILE,
        },
        config: ImageConfig::new(&["/b"], &["l"], "/t").expect("valid"),
    };
    let err = Service::new(
        "demo",
        &env,
        "x",
        image,
        Architecture::Arm64,
        HandlerMode::Streaming,
    )
    .expect("valid")
    .memory(infra_gen::units::Memory::mb(64))
    .env("not a name", "x")
    .secret(SecretSpec::provided("Bad-Id", "d", "ALSO BAD"))
    .url(FunctionUrl::public("for now, until we add auth"))
    .alarms(Alarms::new().errors_at_least(0))
    .log_retention(RetentionDays::from_days(10))
    .bedrock_models(ModelMap::from_json("{"))
    // A constructor's error taken as it is, through a value type's setter.
    .trigger(SqsTrigger::new("Events").batch(Batch::new(11, 0)))
    .build()
    .expect_err("eight invalid arguments");
    let findings = err.into_findings();
    findings.iter().for_each(assert_shape);
    let resources: Vec<&str> = findings.iter().map(|f| f.resource.as_str()).collect();
    assert_eq!(
        resources,
        [
            "Function",
            "Function",
            "Bad-IdSecret",
            "Bad-IdSecret",
            "FunctionUrl",
            "Function",
            "FunctionLogGroup",
            "FunctionRole",
            "Function"
        ],
        "{findings:#?}"
    );

    let err = Registry::new("demo", &env, "x")
        .keep_last_images(0)
        .acknowledge_replacement("ok")
        .build()
        .expect_err("two invalid arguments");
    let findings = err.into_findings();
    findings.iter().for_each(assert_shape);
    assert_eq!(findings.len(), 2, "{findings:#?}");
    assert!(
        findings
            .iter()
            .all(|f| f.stack == "demo-alpha-registry" && f.resource == "Repository")
    );
}

proptest::proptest! {
    /// The app's own setter names the stack it is about, like the builders' do: an invalid
    /// removal acknowledgement (a name that is no stack's, or a reason that is none) is an
    /// error at that stack with a fix.
    #[test]
    fn an_invalid_removal_acknowledgement_names_its_stack(
        stack in proptest::sample::select(&["demo-old-service", "Demo Old", "demo-prod-registry", ""][..]),
        reason in proptest::sample::select(&["TODO", "n/a", "a b c d", "the data is copied first by hand"][..]),
    ) {
        let valid_stack = stack.starts_with("demo-");
        let valid_reason = reason.starts_with("the ");
        let got = App::new().acknowledge_removed_stack(stack, reason);
        proptest::prop_assert_eq!(got.is_ok(), valid_stack && valid_reason);
        if let Err(e) = got {
            let findings = e.into_findings();
            proptest::prop_assert!(
                findings.iter().all(|f| f.stack == stack && !f.fix.is_empty() && !f.resource.is_empty()),
                "{:?}", findings
            );
        }
    }
}
