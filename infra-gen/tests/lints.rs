//! Every lint, shown failing on a definition that breaks exactly one rule.

mod common;

use common::{DOCKERFILE, app_with, codes, function_mut, valid_app};
use infra_gen::builders::FunctionUrl;
use infra_gen::lint::lint;
use infra_gen::model::iam::{Action, StarOnlyApi, Statement};
use infra_gen::model::lambda::{Cors, HttpMethod, InvokeMode, Origin, Tracing};
use infra_gen::model::{Expr, Properties};
use infra_gen::{App, Error, Finding};

fn findings(app: &App) -> Vec<Finding> {
    lint(app)
}

/// The single finding of `app`, checked to name the stack and resource.
fn only(app: &App, code: &str, resource: &str) -> Finding {
    let f = findings(app);
    assert_eq!(codes(&f), [code], "{f:#?}");
    let finding = f.into_iter().next().expect("one finding");
    assert_eq!(finding.resource, resource);
    assert!(finding.stack.starts_with("demo-test-"), "{finding}");
    assert!(finding.to_string().contains("\n  fix: "), "{finding}");
    finding
}

fn dockerfile_app(text: &'static str) -> App {
    app_with("us-west-2", text, |s| s).expect("builds")
}

#[test]
fn the_fixture_has_no_findings() {
    assert!(findings(&valid_app()).is_empty());
}

#[test]
fn ref_to_a_missing_resource_is_unresolved() {
    let mut app = valid_app();
    function_mut(&mut app).role = Expr::GetAtt("FunctionRol".into(), "Arn".into());
    let f = only(&app, "unresolved-ref", "Function");
    assert!(f.message.contains("FunctionRol"), "{f}");
}

#[test]
fn get_att_of_an_unknown_attribute_is_unresolved() {
    let mut app = valid_app();
    function_mut(&mut app).role = Expr::GetAtt("FunctionRole".into(), "Name".into());
    let f = only(&app, "unresolved-ref", "Function");
    assert!(f.message.contains("has no attribute Name"), "{f}");
}

#[test]
fn sub_placeholder_naming_nothing_is_unresolved() {
    let mut app = valid_app();
    function_mut(&mut app).role =
        Expr::sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${RoleNam}");
    let f = only(&app, "unresolved-ref", "Function");
    assert!(f.message.contains("RoleNam"), "{f}");
}

#[test]
fn final_stage_pinned_to_another_platform_is_rejected() {
    let text = "FROM --platform=linux/amd64 public.ecr.aws/lambda/provided:al2023\nWORKDIR /var/task\nCOPY bootstrap /var/task/bootstrap\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n";
    let f = only(&dockerfile_app(text), "image-platform", "Function");
    assert!(
        f.message.contains("linux/amd64") && f.message.contains("arm64"),
        "{f}"
    );
}

#[test]
fn base_image_for_another_architecture_is_rejected() {
    let text = "FROM public.ecr.aws/lambda/provided:al2023-x86_64\nWORKDIR /var/task\nCOPY bootstrap /var/task/bootstrap\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n";
    only(&dockerfile_app(text), "image-platform", "Function");
}

#[test]
fn amd64_base_through_an_arg_default_is_rejected() {
    for text in [
        "ARG BASE=public.ecr.aws/lambda/provided:al2023-x86_64\nFROM ${BASE}\nWORKDIR /var/task\nCOPY bootstrap /var/task/bootstrap\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n",
        "ARG ARCH=amd64\nFROM $ARCH/debian:12\nWORKDIR /var/task\nCOPY bootstrap /var/task/bootstrap\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n",
        "ARG PLATFORM=linux/amd64\nFROM --platform=${PLATFORM} public.ecr.aws/lambda/provided:al2023\nWORKDIR /var/task\nCOPY bootstrap /var/task/bootstrap\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n",
    ] {
        only(&dockerfile_app(text), "image-platform", "Function");
    }
}

#[test]
fn amd64_base_through_a_named_stage_is_rejected() {
    for text in [
        "FROM public.ecr.aws/lambda/provided:al2023-x86_64 AS base\nFROM rust:1 AS build\nFROM base\nWORKDIR /var/task\nCOPY bootstrap /var/task/bootstrap\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n",
        "FROM --platform=linux/amd64 public.ecr.aws/lambda/provided:al2023 AS runtime\nFROM runtime AS final\nFROM final\nWORKDIR /var/task\nCOPY bootstrap /var/task/bootstrap\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n",
    ] {
        only(&dockerfile_app(text), "image-platform", "Function");
    }
}

#[test]
fn arm64_platform_with_a_variant_is_accepted() {
    for text in [
        "FROM --platform=linux/arm64/v8 public.ecr.aws/lambda/provided:al2023\nWORKDIR /var/task\nCOPY bootstrap /var/task/bootstrap\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n",
        "ARG BASE=public.ecr.aws/lambda/provided:al2023-arm64\nFROM ${BASE} AS base\nFROM --platform=linux/arm64 base\nWORKDIR /var/task\nCOPY bootstrap /var/task/bootstrap\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n",
    ] {
        assert!(findings(&dockerfile_app(text)).is_empty(), "{text}");
    }
}

#[test]
fn dockerfile_without_from_is_rejected() {
    only(
        &dockerfile_app("# nothing here\n"),
        "image-platform",
        "Function",
    );
}

#[test]
fn image_config_disagreeing_with_the_dockerfile_is_rejected() {
    let text = "FROM public.ecr.aws/lambda/provided:al2023\nWORKDIR /var/task\nCOPY bootstrap /var/task/bootstrap\nENTRYPOINT [\"/bootstrap\"]\nCMD [\"lambda\"]\n";
    let f = only(&dockerfile_app(text), "image-config", "Function");
    assert!(f.message.contains("ENTRYPOINT"), "{f}");
}

#[test]
fn dockerfile_missing_cmd_and_workdir_is_rejected() {
    let text = "FROM debian:12-slim\nCOPY bootstrap /var/task/bootstrap\nENTRYPOINT [\"/var/task/bootstrap\"]\n";
    let f = findings(&dockerfile_app(text));
    assert_eq!(codes(&f), ["image-config", "image-config"], "{f:#?}");
}

#[test]
fn an_aws_lambda_base_images_entrypoint_and_workdir_are_inherited() {
    // provided:al2023 sets WORKDIR /var/task: the Dockerfile need not repeat it.
    let text = "FROM public.ecr.aws/lambda/provided:al2023\nCOPY bootstrap /var/task/bootstrap\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n";
    assert!(findings(&dockerfile_app(text)).is_empty());
    // A CMD is still the Dockerfile's to set.
    let text = "FROM public.ecr.aws/lambda/provided:al2023\nCOPY bootstrap /var/task/bootstrap\nENTRYPOINT [\"/var/task/bootstrap\"]\n";
    let f = only(&dockerfile_app(text), "image-config", "Function");
    assert!(f.message.contains("CMD"), "{f}");
    // Without an ENTRYPOINT of its own the image starts the base image's, which the
    // function's ImageConfig (/var/task/bootstrap) contradicts.
    let text = "FROM public.ecr.aws/lambda/provided:al2023\nCOPY bootstrap /var/task/bootstrap\nCMD [\"lambda\"]\n";
    let f = only(&dockerfile_app(text), "image-config", "Function");
    assert!(f.message.contains("/lambda-entrypoint.sh"), "{f}");
}

#[test]
fn response_stream_on_a_buffered_handler_is_rejected() {
    let mut app = valid_app();
    function_mut(&mut app).handler = infra_gen::model::lambda::HandlerMode::Buffered;
    // The role still holds the streaming grant, which a buffered handler must not have.
    assert_eq!(codes(&findings(&app)), ["iam-bedrock", "invoke-mode"]);
}

#[test]
fn buffered_url_on_a_streaming_handler_is_rejected() {
    let app = app_with("us-west-2", DOCKERFILE, |s| {
        s.url(
            FunctionUrl::public("the app checks a bearer key on every request")
                .expect("valid")
                .invoke_mode(InvokeMode::Buffered),
        )
    })
    .expect("builds");
    only(&app, "invoke-mode", "Function");
}

#[test]
fn secret_named_variable_with_a_literal_is_rejected() {
    let app = app_with("us-west-2", DOCKERFILE, |s| {
        s.env("OPENAI_API_KEY", "abc123")
    })
    .expect("builds");
    let f = only(&app, "secret-in-env", "Function");
    assert!(
        f.message.contains("OPENAI_API_KEY") && f.fix.contains("Secrets Manager"),
        "{f}"
    );
}

#[test]
fn connection_string_with_password_is_rejected_whatever_its_name() {
    let app = app_with("us-west-2", DOCKERFILE, |s| {
        s.env(
            "DATABASE_URL",
            "postgres://app:hunter2@db.internal:5432/app",
        )
    })
    .expect("builds");
    only(&app, "secret-in-env", "Function");
}

proptest::proptest! {
    /// `Fn::Select` of an `Fn::Split` of text selects an item the list has: CloudFormation
    /// fails the stack on an index past its end, through a `Sub` or `Join` of literals too.
    #[test]
    fn a_select_past_the_end_of_a_split_is_unresolved(
        items in proptest::collection::vec(proptest::sample::select(vec!["us-west-2", "eu-central-1", "orders", "prod", "blue", "green", "v2"]), 1..6),
        delimiter in proptest::sample::select(vec![",", "|", "/", ";"]),
        index in 0usize..9,
        joined in proptest::bool::ANY,
    ) {
        use infra_gen::model::lambda::{EnvName, EnvVar};
        let text = items.join(delimiter);
        let source = if joined {
            Expr::Join(delimiter.into(), items.iter().map(|i| Expr::literal(*i)).collect())
        } else {
            Expr::literal(text.clone())
        };
        let mut app = valid_app();
        function_mut(&mut app).environment.push(EnvVar {
            name: EnvName::new("PICKED").expect("valid name"),
            value: Expr::Select(index, Box::new(Expr::Split(delimiter.into(), Box::new(source)))),
        });
        let found = findings(&app);
        if index < items.len() {
            proptest::prop_assert!(found.is_empty(), "{index} of {text}: {found:?}");
        } else {
            proptest::prop_assert_eq!(codes(&found), ["unresolved-ref"], "{} of {}", index, text);
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config { cases: 48, ..proptest::test_runner::Config::default() })]

    /// Prose the template or the deploy workflow holds — a function's or a secret's
    /// description, a public URL's reason, the smoke test's path — is shown in plain text
    /// wherever the template is: a secret in it is found by its shape; a sentence is none.
    #[test]
    fn a_secret_in_a_description_reason_or_smoke_path_is_found(
        token in "[A-Za-z0-9]{12}[0-9][A-Z][a-z][A-Za-z0-9]{17}",
        pw in "[a-z]{4,8}[0-9]{2,4}[A-Z]",
        form in 0..3usize,
        place in 0..3usize,
        words in proptest::collection::vec("[a-z]{2,9}", 4..12),
    ) {
        use infra_gen::builders::SecretSpec;
        let secret = match form {
            0 => format!("calls upstream with Authorization: Bearer {token}"),
            1 => format!("reads postgres://app:{pw}@db.internal:5432/app nightly"),
            _ => format!("the shared api_key={token} for partners"),
        };
        let sentence = words.join(" ");
        let with = |text: String| {
            app_with("us-west-2", DOCKERFILE, move |s| match place {
                0 => s.description(&text),
                1 => s.secret(SecretSpec::provided("Partner", &text, "PARTNER_SECRET_ARN")),
                _ => s.url(FunctionUrl::public(&format!("the app checks a bearer key; {text}"))),
            })
            .expect("builds")
        };
        let found = findings(&with(secret.clone()));
        proptest::prop_assert!(codes(&found).contains(&"secret-in-env"), "{secret}: {found:?}");
        let plain = findings(&with(sentence.clone()));
        proptest::prop_assert!(plain.is_empty(), "{sentence}: {plain:?}");
        let smoke = app_with("us-west-2", DOCKERFILE, |s| s.smoke_test(&format!("/health?token={token}")))
            .expect("builds");
        proptest::prop_assert!(codes(&findings(&smoke)).contains(&"secret-in-env"), "{token}");
    }
}

proptest::proptest! {
    /// An export's name is listed to every principal of the account (ListExports): a token in
    /// it is found like one in a description; ordinary names — a stack, a version, a kind —
    /// pass.
    #[test]
    fn a_secret_in_an_export_name_is_found(
        token in "[A-Za-z0-9]{8}[0-9][A-Z][a-z][A-Za-z0-9]{9}",
        vendor in 0..3usize,
        stem in "[a-z]{3,8}(-[a-z]{3,8}){0,2}",
        version in 1..40u32,
    ) {
        let with = |export: String| {
            let mut app = valid_app();
            app.stacks_mut()[1].template.outputs.push(infra_gen::model::Output {
                id: infra_gen::model::LogicalId::new("Shared").expect("valid"),
                description: "a shared value".into(),
                value: Expr::sub("${AWS::StackName}"),
                export: Some(export),
            });
            app
        };
        let secret = match vendor {
            0 => format!("glpat-{token}"),
            1 => format!("ghp_{token}{}", &token[..16]),
            _ => format!("xoxb-123456789012-1234567890123-{}", &format!("{token}{token}")[..24]),
        };
        let found = findings(&with(format!("{stem}-{secret}")));
        proptest::prop_assert!(codes(&found).contains(&"secret-in-env"), "{secret}: {found:?}");
        let plain = findings(&with(format!("{stem}-v{version}-QueueUrl")));
        proptest::prop_assert!(plain.is_empty(), "{stem}: {plain:?}");
    }
}

#[test]
fn plain_settings_in_the_environment_are_fine() {
    let app = app_with("us-west-2", DOCKERFILE, |s| {
        s.env("LOG_STYLE", "json")
            .env("PUBLIC_KEY_URL", "https://example.com/k")
    })
    .expect("builds");
    assert!(findings(&app).is_empty());
}

/// The service function with one more environment variable.
fn with_env(name: &str, value: Expr) -> App {
    let mut app = valid_app();
    function_mut(&mut app)
        .environment
        .push(infra_gen::model::lambda::EnvVar {
            name: infra_gen::model::lambda::EnvName::new(name).expect("valid"),
            value,
        });
    app
}

#[test]
fn a_parameter_in_a_connection_string_password_is_a_secret_in_plain_text() {
    let app = with_env(
        "DATABASE_URL",
        Expr::sub("postgres://app:${ImageTag}@db.internal:5432/app"),
    );
    let f = only(&app, "secret-in-env", "Function");
    assert!(
        f.message.contains("password") && f.message.contains("ImageTag"),
        "{f}"
    );
}

#[test]
fn a_secret_named_variable_set_from_a_parameter_is_a_secret_in_plain_text() {
    let app = with_env("STRIPE_SECRET_KEY", Expr::Ref("ImageTag".into()));
    let f = only(&app, "secret-in-env", "Function");
    assert!(f.message.contains("parameter `ImageTag`"), "{f}");
}

#[test]
fn a_secret_named_variable_holding_a_resource_reference_is_fine() {
    let app = with_env("SIGNING_KEY", Expr::Ref("ApiKeySecret".into()));
    assert!(findings(&app).is_empty(), "{:#?}", findings(&app));
}

#[test]
fn a_secret_split_across_variables_is_found_naming_every_part() {
    let app = app_with("us-west-2", DOCKERFILE, |s| {
        s.env("UPSTREAM_2", "pQ7rS9tU1vW3xY5")
            .env("UPSTREAM_1", "aB3dE5gH7jK9mN1")
    })
    .expect("builds");
    let f = only(&app, "secret-in-env", "Function");
    assert!(f.message.contains("UPSTREAM_1, UPSTREAM_2"), "{f}");
}

#[test]
fn reserved_lambda_variables_are_rejected() {
    let app = app_with("us-west-2", DOCKERFILE, |s| {
        s.env("AWS_REGION", "us-west-2")
    })
    .expect("builds");
    only(&app, "reserved-env", "Function");
}

#[test]
fn lambda_variables_meant_to_be_set_are_not_reserved() {
    let app = app_with("us-west-2", DOCKERFILE, |s| {
        s.env("AWS_LAMBDA_EXEC_WRAPPER", "/opt/otel-instrument")
            .env("AWS_XRAY_CONTEXT_MISSING", "LOG_ERROR")
            .env("LD_LIBRARY_PATH", "/opt/lib")
    })
    .expect("builds");
    assert!(findings(&app).is_empty(), "{:#?}", findings(&app));
}

#[test]
fn environment_over_four_kilobytes_is_rejected() {
    let big: &'static str = Box::leak("x ".repeat(2100).into_boxed_str());
    let app = app_with("us-west-2", DOCKERFILE, |s| s.env("BIG_SETTING", big)).expect("builds");
    only(&app, "env-size", "Function");
}

#[test]
fn log_group_named_for_another_function_is_rejected() {
    let mut app = valid_app();
    for r in &mut app.stacks_mut()[1].template.resources {
        if let Properties::LogGroup(g) = &mut r.properties {
            g.name = "/aws/lambda/someone-else".into();
        }
    }
    let f = only(&app, "log-group", "Function");
    assert!(f.message.contains("/aws/lambda/someone-else"), "{f}");
}

#[test]
fn function_without_its_own_log_group_is_rejected() {
    let mut app = valid_app();
    function_mut(&mut app).logging.log_group = Expr::literal("/aws/lambda/demo-test");
    only(&app, "log-group", "Function");
}

#[test]
fn credentials_with_any_origin_are_rejected() {
    let app = app_with("us-west-2", DOCKERFILE, |s| {
        s.url(
            FunctionUrl::public("the app checks a bearer key on every request").and_then(|url| {
                url.cors(Cors {
                    allow_origins: vec![Origin::any()],
                    allow_methods: vec![HttpMethod::Post],
                    allow_headers: vec![],
                    expose_headers: vec![],
                    allow_credentials: true,
                    max_age: 90_000,
                })
            }),
        )
    })
    .expect("builds");
    let f = findings(&app);
    assert_eq!(codes(&f), ["cors", "cors"], "{f:#?}");
}

fn push_statement(app: &mut App, statement: Statement) {
    for r in &mut app.stacks_mut()[1].template.resources {
        if let Properties::Role(role) = &mut r.properties {
            role.policies[0].statements.push(statement.clone());
        }
    }
}

#[test]
fn star_resource_for_an_ordinary_action_is_rejected() {
    let mut app = valid_app();
    let action = Action::new("s3:GetObject").expect("valid");
    push_statement(
        &mut app,
        Statement::allow("Everything", vec![action], vec![Expr::literal("*")]),
    );
    let f = only(&app, "iam-wildcard", "FunctionRole");
    assert!(f.message.contains("s3:GetObject"), "{f}");
}

#[test]
fn wildcard_inside_an_arn_is_rejected() {
    let mut app = valid_app();
    let action = Action::new("bedrock:InvokeModel").expect("valid");
    push_statement(
        &mut app,
        Statement::allow(
            "AnyModel",
            vec![action],
            vec![Expr::sub(
                "arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/*",
            )],
        ),
    );
    let f = findings(&app);
    assert_eq!(codes(&f), ["iam-wildcard", "iam-bedrock"], "{f:#?}");
}

#[test]
fn inline_policies_over_iams_size_limit_are_rejected() {
    let mut app = valid_app();
    // Each resource is short in the template and longer once CloudFormation fills it in
    // (the partition, region, account ID and stack name, as the resolver sees them).
    for i in 0..90 {
        push_statement(
            &mut app,
            Statement::allow(
                &format!("ReadParameters{i}"),
                vec![Action::new("ssm:GetParameter").expect("valid")],
                vec![Expr::sub(format!(
                    "arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter/${{AWS::StackName}}/{i}"
                ))],
            ),
        );
    }
    let f = only(&app, "iam-size", "FunctionRole");
    assert!(f.message.contains("10240"), "{f}");
}

#[test]
fn bedrock_grant_for_a_model_outside_the_map_is_rejected() {
    for model in [
        "anthropic.claude-3-opus-20240229-v1:0",
        "meta.llama3-70b-instruct-v1:0",
    ] {
        let mut app = valid_app();
        push_statement(
            &mut app,
            Statement::allow(
                "ExtraModel",
                vec![Action::new("bedrock:InvokeModel").expect("valid")],
                vec![Expr::sub(format!(
                    "arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}::foundation-model/{model}"
                ))],
            ),
        );
        let f = only(&app, "iam-bedrock", "FunctionRole");
        // The statement, its action and the model it adds: what differs, not the whole lists.
        assert!(
            f.message.contains(&format!(
                "ExtraModel grants bedrock:InvokeModel on arn:aws:bedrock:us-west-2::foundation-model/{model}"
            )),
            "{f}"
        );
        assert!(!f.message.contains("lacks"), "{f}");
    }
}

#[test]
fn bedrock_grant_without_its_profile_condition_is_rejected() {
    let mut app = valid_app();
    for r in &mut app.stacks_mut()[1].template.resources {
        if let Properties::Role(role) = &mut r.properties {
            for s in &mut role.policies[0].statements {
                if s.sid.contains("Via") {
                    s.conditions.clear();
                }
            }
        }
    }
    let f = only(&app, "iam-bedrock", "FunctionRole");
    assert!(f.message.contains("lacks"), "{f}");
}

#[test]
fn bedrock_statements_in_a_stack_without_a_model_map_are_rejected() {
    let mut app = valid_app();
    app.stacks_mut()[1].models = None;
    let f = only(&app, "iam-bedrock", "FunctionRole");
    assert!(f.fix.contains("no model map"), "{f}");
}

#[test]
fn privilege_escalation_actions_are_rejected_on_any_resource() {
    for action in [
        "iam:PutRolePolicy",
        "iam:AttachRolePolicy",
        "iam:CreateAccessKey",
        "iam:CreatePolicyVersion",
        "iam:PassRole",
        "kms:CreateGrant",
        "kms:PutKeyPolicy",
        "sts:AssumeRole",
        "lambda:UpdateFunctionCode",
        "lambda:AddPermission",
        "secretsmanager:PutResourcePolicy",
    ] {
        let mut app = valid_app();
        push_statement(
            &mut app,
            Statement::allow(
                "Escalate",
                vec![Action::new(action).expect("valid")],
                vec![Expr::sub(
                    "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/other",
                )],
            ),
        );
        // A KMS or Lambda action on a role ARN is also out of scope; escalation must be named.
        let f = findings(&app);
        assert!(
            f.iter().any(|x| x.code == "iam-escalation"
                && x.resource == "FunctionRole"
                && x.message.contains(action)),
            "{f:#?}"
        );
    }
}

#[test]
fn grants_beyond_the_stacks_own_logs_and_secrets_are_rejected() {
    for (action, resource) in [
        (
            "secretsmanager:GetSecretValue",
            "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:other/db-AbCdEf",
        ),
        (
            "logs:PutLogEvents",
            "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/other:log-stream:s1",
        ),
        (
            "s3:GetObject",
            "arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/anthropic.claude-x-v1:0",
        ),
    ] {
        let mut app = valid_app();
        push_statement(
            &mut app,
            Statement::allow(
                "Extra",
                vec![Action::new(action).expect("valid")],
                vec![Expr::sub(resource)],
            ),
        );
        let f = only(&app, "iam-scope", "FunctionRole");
        assert!(f.message.contains("Extra"), "{f}");
    }
    let mut app = valid_app();
    push_statement(
        &mut app,
        Statement::allow(
            "LogsOnSecret",
            vec![Action::new("logs:PutLogEvents").expect("valid")],
            vec![Expr::Ref("ApiKeySecret".into())],
        ),
    );
    only(&app, "iam-scope", "FunctionRole");
}

#[test]
fn pass_role_scoped_to_lambda_is_allowed() {
    let mut app = valid_app();
    push_statement(
        &mut app,
        Statement::allow(
            "PassToLambda",
            vec![Action::new("iam:PassRole").expect("valid")],
            vec![Expr::sub(
                "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/worker",
            )],
        )
        .when("iam:PassedToService", Expr::literal("lambda.amazonaws.com")),
    );
    assert!(findings(&app).is_empty());
}

#[test]
fn star_resource_for_apis_that_require_it_is_allowed() {
    let mut app = valid_app();
    push_statement(
        &mut app,
        Statement::star_only("XRay", &[StarOnlyApi::XrayPutTraceSegments]),
    );
    assert!(findings(&app).is_empty());
    let traced = app_with("us-west-2", DOCKERFILE, |s| s.tracing(Tracing::Active)).expect("builds");
    assert!(findings(&traced).is_empty());
}

#[test]
fn service_deployed_before_its_registry_is_rejected() {
    let app = valid_app();
    let mut reversed = App::new();
    reversed.push(app.stacks()[1].clone());
    reversed.push(app.stacks()[0].clone());
    let f = only(&reversed, "deploy-order", "Function");
    assert!(f.message.contains("deploys after"), "{f}");
}

#[test]
fn import_that_no_stack_exports_is_rejected() {
    let app = valid_app();
    let mut alone = App::new();
    alone.push(app.stacks()[1].clone());
    let f = only(&alone, "deploy-order", "Function");
    assert!(f.message.contains("no stack exports"), "{f}");
}

#[test]
fn literal_or_latest_image_uris_are_rejected() {
    for uri in [
        Expr::literal("123456789012.dkr.ecr.us-west-2.amazonaws.com/demo:abc123"),
        Expr::sub("${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/demo:${ImageTag}"),
        Expr::literal("public.ecr.aws/demo/app:latest"),
    ] {
        let mut app = valid_app();
        function_mut(&mut app).image_uri = uri.clone();
        let f = findings(&app);
        assert!(codes(&f).contains(&"image-source"), "{uri:?}: {f:#?}");
        assert!(f.iter().all(|x| x.resource == "Function"), "{f:#?}");
    }
    let mut app = valid_app();
    function_mut(&mut app).image_uri = Expr::SubWith(
        "${RepositoryUri}:latest".into(),
        vec![(
            "RepositoryUri".into(),
            Expr::import("demo-test-registry-RepositoryUri"),
        )],
    );
    let f = only(&app, "image-source", "Function");
    assert!(f.message.contains("latest"), "{f}");
}

#[test]
fn importing_another_environments_registry_is_rejected() {
    for other in ["staging", "prod"] {
        let app = valid_app();
        let mut mixed = App::new();
        let mut registry = app.stacks()[0].clone();
        registry.environment = infra_gen::Environment::new(other, "us-west-2").expect("valid");
        mixed.push(registry);
        mixed.push(app.stacks()[1].clone());
        let f = only(&mixed, "deploy-order", "Function");
        assert!(
            f.message.contains(&format!("environment {other}"))
                && f.message.contains("into environment test"),
            "{f}"
        );
    }
}

#[test]
fn image_from_an_export_that_is_not_a_repository_uri_is_rejected() {
    let mut app = valid_app();
    app.stacks_mut()[0].template.outputs[0].value = Expr::GetAtt("Repository".into(), "Arn".into());
    let f = only(&app, "deploy-order", "Function");
    assert!(f.message.contains("not an ECR repository"), "{f}");
}

#[test]
fn duplicate_export_names_are_rejected() {
    let mut app = valid_app();
    let first = app.stacks()[0].template.outputs[0].export.clone();
    app.stacks_mut()[1].template.outputs[1].export = first;
    let f = only(&app, "duplicate", "Outputs.FunctionArn");
    assert!(
        f.message
            .contains("demo-test-registry › Outputs.RepositoryUri"),
        "{f}"
    );
}

#[test]
fn models_whose_profile_does_not_serve_the_region_fail_the_build() {
    let err = app_with("eu-west-1", DOCKERFILE, |s| s).expect_err("us profile from eu-west-1");
    let Error::Findings(f) = err else {
        panic!("expected findings, got {err}")
    };
    assert_eq!(codes(&f), ["bedrock-region"]);
    assert_eq!(f[0].stack, "demo-test-service");
    assert!(f[0].message.contains("claude-x"), "{}", f[0]);
}

#[test]
fn the_pipeline_renders_nothing_for_an_app_with_findings() {
    let app = app_with("us-west-2", DOCKERFILE, |s| s.env("AWS_REGION", "x")).expect("builds");
    let err = infra_gen::pipeline::validated(&app).expect_err("has a finding");
    assert!(
        err.to_string()
            .contains("error[reserved-env]: demo-test-service › Function"),
        "{err}"
    );
}

type Customize = fn(infra_gen::builders::Service) -> infra_gen::builders::Service;

#[test]
fn invalid_builder_values_name_the_stack_resource_and_fix() {
    use infra_gen::model::review::{Suppression, Tool};
    use infra_gen::units::{Memory, ReservedConcurrency, Timeout};
    let cases: [(Customize, &str, &str); 7] = [
        (
            |s| s.memory(Memory::mb(64)),
            "Function",
            "between 128 and 10240",
        ),
        (
            |s| s.timeout(Timeout::seconds(901)),
            "Function",
            "between 1 and 900",
        ),
        (
            |s| s.reserved_concurrency(ReservedConcurrency::new(0)),
            "Function",
            "fix: ",
        ),
        (
            |s| s.url(FunctionUrl::public("because we need it")),
            "FunctionUrl",
            "authenticates callers",
        ),
        (
            |s| {
                s.url(
                    FunctionUrl::public("the app checks a bearer key on every request").and_then(
                        |url| {
                            url.cors(Origin::new("example.com").map(|origin| Cors {
                                allow_origins: vec![origin],
                                allow_methods: vec![HttpMethod::Post],
                                allow_headers: vec![],
                                expose_headers: vec![],
                                allow_credentials: false,
                                max_age: 60,
                            }))
                        },
                    ),
                )
            },
            "FunctionUrl",
            "fix: ",
        ),
        (
            |s| {
                s.suppress(
                    "FunctionLogGroup",
                    Suppression::new(Tool::Checkov, "CKV_AWS_158", ""),
                )
            },
            "FunctionLogGroup",
            "fix: ",
        ),
        (
            |s| s.acknowledge_replacement("ApiKeySecret", "ok"),
            "ApiKeySecret",
            "fix: ",
        ),
    ];
    for (customize, resource, expected) in cases {
        let err = app_with("us-west-2", DOCKERFILE, customize).expect_err("invalid value");
        let text = err.to_string();
        assert!(
            text.starts_with(&format!(
                "error[definition]: demo-test-service › {resource}: "
            )),
            "{text}"
        );
        assert!(
            text.contains("\n  fix: ") && text.contains(expected),
            "{text}"
        );
    }
}

#[test]
fn typed_grants_pass_every_lint_and_a_hand_written_pattern_does_not() {
    use infra_gen::builders::{DynamoDb, Grant};
    let app = app_with("us-west-2", DOCKERFILE, |s| {
        s.grant(Grant::s3_read_write("acme-data", "uploads/"))
            .grant(Grant::dynamodb("jobs", &["by-owner"], &[DynamoDb::Query]))
            .grant(Grant::sqs_send("jobs-queue"))
            .grant(Grant::sqs_receive("results-queue"))
            .grant(Grant::sns_publish("alerts"))
            .grant(Grant::ssm_parameters_by_path("/demo/test"))
            .grant(Grant::kms_decrypt("1234abcd-12ab-34cd-56ef-1234567890ab"))
            .grant(Grant::invoke_function("demo-worker"))
    })
    .expect("builds");
    assert!(findings(&app).is_empty(), "{:#?}", findings(&app));
    assert!(infra_gen::pipeline::validated(&app).is_ok());

    // The same prefix pattern on a whole bucket, or with a non-object action, is refused.
    for (resource, action) in [
        ("arn:${AWS::Partition}:s3:::acme-data/*", "s3:GetObject"),
        (
            "arn:${AWS::Partition}:s3:::acme-data/uploads/*",
            "s3:DeleteBucket",
        ),
    ] {
        let mut app = app.clone();
        for r in &mut app.stacks_mut()[1].template.resources {
            if let Properties::Role(role) = &mut r.properties {
                role.policies[0].statements.push(Statement::allow(
                    "HandWritten",
                    vec![Action::new(action).expect("valid")],
                    vec![Expr::sub(resource)],
                ));
            }
        }
        let f = findings(&app);
        assert!(
            f.iter()
                .any(|x| x.code == "iam-wildcard" && x.resource == "FunctionRole"),
            "{f:#?}"
        );
        // A bucket action on an object ARN also acts on no resource it accepts.
        assert_eq!(
            f.iter().any(|x| x.code == "iam-scope"),
            action == "s3:DeleteBucket",
            "{f:#?}"
        );
    }
}

#[test]
fn two_grants_with_the_same_statement_id_are_a_builder_error() {
    use infra_gen::builders::Grant;
    let err = app_with("us-west-2", DOCKERFILE, |s| {
        s.grant(Grant::sns_publish("alerts"))
            .grant(Grant::sns_publish("alerts"))
    })
    .expect_err("duplicate Sid");
    assert!(err.to_string().contains("PublishToAlerts"), "{err}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 16, ..Default::default() })]

    /// A parameter's default and an output's value are in the template and shown to anyone
    /// who can describe the stack: a secret there is refused by shape or by name, as in the
    /// environment, and plain settings pass.
    #[test]
    fn secrets_in_parameter_defaults_and_outputs_are_rejected(
        word in "[A-Z][a-z]{3,7}",
        digits in "[0-9]{2,4}",
        id in proptest::sample::select(vec!["DbPassword", "UpstreamApiKey", "SigningSecret", "AdminPwd"]),
        in_output in proptest::bool::ANY,
    ) {
        use infra_gen::model::{LogicalId, Output, Parameter, ParameterKind};
        let secret = format!("{word}{digits}x");
        let mut app = valid_app();
        let template = &mut app.stacks_mut()[1].template;
        let logical = LogicalId::new(id).expect("valid");
        if in_output {
            template.outputs.push(Output { id: logical, description: String::new(), value: Expr::literal(&secret), export: None });
        } else {
            template.parameters.push(Parameter {
                id: logical,
                description: String::new(),
                allowed_pattern: "^.{1,64}$".into(),
                constraint_description: "test".into(),
                kind: ParameterKind::String,
                default: Some(secret.clone()),
            });
        }
        let f = only(&app, "secret-in-env", id);
        proptest::prop_assert!(f.message.contains(id), "{}", f);
        let mut plain = valid_app();
        plain.stacks_mut()[1].template.parameters.push(Parameter {
            id: LogicalId::new("LogLevel").expect("valid"),
            description: String::new(),
            allowed_pattern: "^[a-z]{1,8}$".into(),
            constraint_description: "test".into(),
            kind: ParameterKind::String,
            default: Some(word.to_lowercase()),
        });
        proptest::prop_assert!(findings(&plain).is_empty());
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

    /// Lambda measures the environment as one JSON object (its error shows the "String
    /// measured"): `env-size` fires exactly when that serialization, as serde_json writes it
    /// (quotes, colons, commas, escapes), is over 4096 bytes.
    #[test]
    fn env_size_is_the_json_object_lambda_measures(
        vars in proptest::collection::vec(("[A-Z]{1,12}", "[a-z0-9 \"\\\\\n\té€]{0,160}"), 1..45),
    ) {
        use infra_gen::model::lambda::{EnvName, EnvVar};
        let mut app = valid_app();
        let mut object = serde_json::Map::new();
        function_mut(&mut app).environment = vars
            .iter()
            .enumerate()
            .map(|(i, (name, value))| {
                let name = format!("V{i}_{name}");
                object.insert(name.clone(), serde_json::Value::String(value.clone()));
                EnvVar { name: EnvName::new(&name).expect("valid"), value: Expr::literal(value) }
            })
            .collect();
        let measured = serde_json::to_string(&object).expect("serializes").len();
        let flagged = findings(&app).iter().any(|f| f.code == "env-size");
        proptest::prop_assert_eq!(flagged, measured > 4096, "{} bytes measured", measured);
    }

    /// A dynamic reference's value is not in the template (an SSM parameter holds up to
    /// 4 KB): `env-size` fires when the object is over 4096 bytes as written, or when the rest
    /// of it — the object without the reference's text — leaves the reference under 3 KB.
    #[test]
    fn a_dynamic_reference_is_left_room_in_the_environment(
        vars in proptest::collection::vec(("[A-Z]{1,12}", "[a-z0-9 é]{0,240}"), 0..16),
        parameter in "/[a-z]{1,20}(/[a-z]{1,20}){0,3}",
        at in proptest::prelude::any::<proptest::sample::Index>(),
    ) {
        use infra_gen::model::lambda::{EnvName, EnvVar};
        let mut app = valid_app();
        let reference = format!("{{{{resolve:ssm:{parameter}}}}}");
        let mut vars: Vec<(String, String)> = vars
            .into_iter()
            .enumerate()
            .map(|(i, (name, value))| (format!("V{i}_{name}"), value))
            .collect();
        vars.insert(at.index(vars.len() + 1), ("SETTING".into(), reference.clone()));
        let mut object = serde_json::Map::new();
        function_mut(&mut app).environment = vars
            .iter()
            .map(|(name, value)| {
                object.insert(name.clone(), serde_json::Value::String(value.clone()));
                EnvVar { name: EnvName::new(name).expect("valid"), value: Expr::literal(value) }
            })
            .collect();
        let measured = serde_json::to_string(&object).expect("serializes").len();
        let rest = measured - reference.len();
        let flagged = findings(&app).iter().any(|f| f.code == "env-size");
        proptest::prop_assert_eq!(flagged, measured > 4096 || rest + 3 * 1024 > 4096, "{} bytes measured, {} besides the reference", measured, rest);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

    /// A parameter whose `AllowedPattern` admits only a vendor's token format holds a token
    /// whatever its name and whatever is deployed: the variable set from it (by `Ref`, `Sub`,
    /// `Join` or encoded by `Fn::Base64`) is a secret in plain text. A pattern of plain shapes — letters and digits,
    /// host names, choices, digests, a publishable key — is not.
    #[test]
    fn a_parameter_whose_pattern_admits_only_tokens_is_a_secret(
        token in proptest::sample::select(vec![
            ("ghp_", "A-Za-z0-9", "36"),
            ("gho_", "A-Za-z0-9", "36"),
            ("glpat-", "A-Za-z0-9_-", "20"),
            ("npm_", "A-Za-z0-9", "36"),
            ("sk_live_", "0-9a-zA-Z", "24,99"),
            ("AKIA", "A-Z2-7", "16"),
            ("shpat_", "a-fA-F0-9", "32"),
            ("dop_v1_", "a-f0-9", "64"),
        ]),
        class in 0..3usize,
        anchored in proptest::bool::ANY,
        alternative in proptest::bool::ANY,
        route in 0..4usize,
        id in proptest::sample::select(vec!["Upstream", "CiAccess", "Input", "Handle"]),
        variable in proptest::sample::select(vec!["UPSTREAM", "CI", "CONFIG_VALUE", "handoff"]),
        plain in proptest::sample::select(vec![
            "^[A-Za-z0-9]{20,64}$",
            "[a-z0-9.-]{3,253}",
            "^(dev|staging|prod)$",
            "^pk_live_[A-Za-z0-9]{24,99}$",
            "^[0-9]{12}$",
            "^[a-z][a-z0-9_]{0,63}$",
            "^\\p{Alnum}{16,128}$",
            "^https://[a-z0-9.-]{1,100}/[a-z0-9/_-]{0,100}$",
        ]),
    ) {
        use infra_gen::model::lambda::{EnvName, EnvVar};
        use infra_gen::model::{LogicalId, Parameter, ParameterKind};
        let (prefix, chars, count) = token;
        // The class as Java or POSIX spell it too, where it is letters and digits.
        let class = match (class, chars) {
            (1, "A-Za-z0-9") => "\\p{Alnum}".to_owned(),
            (2, "A-Za-z0-9") => "[[:alnum:]]".to_owned(),
            _ => format!("[{chars}]"),
        };
        let mut pattern = format!("{prefix}{class}{{{count}}}");
        if alternative {
            pattern = format!("(?:{pattern}|ghs_[A-Za-z0-9]{{36}})");
        }
        if anchored {
            pattern = format!("^{pattern}$");
        }
        let app_with_parameter = |pattern: &str| {
            let mut app = valid_app();
            app.stacks_mut()[1].template.parameters.push(Parameter {
                id: LogicalId::new(id).expect("valid"),
                description: String::new(),
                allowed_pattern: pattern.to_owned(),
                constraint_description: "test".into(),
                kind: ParameterKind::String,
                default: None,
            });
            let value = match route {
                0 => Expr::Ref(id.into()),
                1 => Expr::sub(format!("${{{id}}}")),
                2 => Expr::Base64(Box::new(Expr::Ref(id.into()))),
                _ => Expr::Join(String::new(), vec![Expr::literal(""), Expr::Ref(id.into())]),
            };
            function_mut(&mut app).environment.push(EnvVar {
                name: EnvName::new(variable).expect("valid"),
                value,
            });
            app
        };
        let found = findings(&app_with_parameter(&pattern));
        proptest::prop_assert!(
            found.iter().any(|f| f.code == "secret-in-env" && f.message.contains(id)),
            "{pattern}: {found:#?}"
        );
        let passed = findings(&app_with_parameter(plain));
        proptest::prop_assert!(passed.is_empty(), "{plain}: {passed:#?}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 32, ..Default::default() })]

    /// A CodeBuild variable of type `SECRETS_MANAGER` or `PARAMETER_STORE` holds where the
    /// secret is kept (`orders/prod/db:password`, `/orders/db-password`), under any name: no
    /// secret. The same pair as `PLAINTEXT` with a password is one, and a token's shape is
    /// one whatever the type.
    #[test]
    fn a_stored_variables_value_is_the_secrets_id(
        name in proptest::sample::select(vec!["DB_PASSWORD", "API_TOKEN", "githubToken", "SIGNING_SECRET"]),
        stored in proptest::sample::select(vec!["SECRETS_MANAGER", "PARAMETER_STORE"]),
        (a, b) in ("[a-z]{3,10}", "[a-z]{3,10}"),
        password in "[A-Za-z]{4,8}[0-9]{2,4}[!#%]",
        token in "[A-Za-z0-9]{36}",
    ) {
        use infra_gen::model::raw::Raw;
        use infra_gen::model::{LogicalId, Resource};
        let project = |kind: &str, value: &str| {
            let mut app = valid_app();
            let raw = Raw::new("AWS::CodeBuild::Project", serde_json::json!({
                "Artifacts": {"Type": "NO_ARTIFACTS"},
                "Source": {"Type": "NO_SOURCE", "BuildSpec": "version: 0.2"},
                "ServiceRole": {"Fn::GetAtt": ["FunctionRole", "Arn"]},
                "Environment": {
                    "Type": "LINUX_CONTAINER", "ComputeType": "BUILD_GENERAL1_SMALL", "Image": "aws/codebuild/standard:7.0",
                    "EnvironmentVariables": [{"Name": name, "Type": kind, "Value": value}]
                }
            })).expect("valid raw");
            app.stacks_mut()[1].template.resources.push(
                Resource::new(LogicalId::new("Build").expect("valid"), Properties::Raw(raw)).retained(),
            );
            findings(&app)
        };
        for id in [format!("{a}/prod/{b}:password"), format!("/{a}/{b}-password"), format!("{a}-{b}")] {
            let found = project(stored, &id);
            proptest::prop_assert!(found.is_empty(), "{name} {stored} {id}: {found:#?}");
        }
        proptest::prop_assert!(!project("PLAINTEXT", &password).is_empty(), "{name} PLAINTEXT {password}");
        let token = format!("ghp_{token}");
        proptest::prop_assert!(!project(stored, &token).is_empty(), "{name} {stored} {token}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 32, ..Default::default() })]

    /// A parameter's `AllowedPattern` that admits only literal text spells its values in the
    /// template: a token spelled there is refused whether or not anything reads the parameter;
    /// a pattern of plain choices is not.
    #[test]
    fn a_pattern_spelling_a_secret_is_refused(
        body in "[A-Za-z0-9]{36}",
        first in proptest::bool::ANY,
        words in proptest::collection::vec("[a-z]{3,8}", 1..3),
    ) {
        use infra_gen::model::{LogicalId, Parameter, ParameterKind};
        let with_pattern = |pattern: String| {
            let mut app = valid_app();
            app.stacks_mut()[1].template.parameters.push(Parameter {
                id: LogicalId::new("Stage").expect("valid"),
                description: String::new(),
                allowed_pattern: pattern,
                constraint_description: "test".into(),
                kind: ParameterKind::String,
                default: None,
            });
            findings(&app)
        };
        let token = format!("ghp_{body}");
        let choices = words.join("|");
        let pattern = if first { format!("^(?:{token}|{choices})$") } else { format!("^(?:{choices}|{token})$") };
        let found = with_pattern(pattern.clone());
        proptest::prop_assert!(found.iter().any(|f| f.code == "secret-in-env" && f.resource == "Stage"), "{pattern}: {found:#?}");
        let plain = with_pattern(format!("^(?:{choices}|prod)$"));
        proptest::prop_assert!(plain.is_empty(), "{choices}: {plain:#?}");
    }
}

#[test]
fn a_secret_in_a_tag_is_rejected() {
    let app = app_with("us-west-2", DOCKERFILE, |s| {
        s.tag(infra_gen::model::tags::Tag::new(
            "DeployToken",
            "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB",
        ))
    })
    .expect("builds");
    let f = findings(&app);
    assert!(
        f.iter()
            .any(|f| f.code == "secret-in-env" && f.resource == "Tags"),
        "{f:#?}"
    );
}

/// A raw `AWS::Lambda::Function` logs where Lambda sends it: `LoggingConfig.LogGroup` (a name,
/// or a `Ref` of a log group, which returns its name), or `/aws/lambda/<FunctionName>`. Lambda
/// creates a group missing from the stack itself, without retention, so lint `log-group`
/// asks one in the stack, however the name is spelled.
mod raw_function_log_group {
    use super::*;
    use infra_gen::model::raw::Raw;
    use infra_gen::model::{LogicalId, Resource};
    use proptest::prelude::*;
    use serde_json::{Value, json};

    fn push(app: &mut App, id: &str, type_name: &str, props: Value) {
        let raw = Raw::new(type_name, props).expect("valid raw");
        app.stacks_mut()[1].template.resources.push(
            Resource::new(LogicalId::new(id).expect("valid"), Properties::Raw(raw)).retained(),
        );
    }

    /// A name written literally, with Fn::Sub, or with Fn::Join.
    fn spelled(name: &str, how: u8) -> Value {
        let (head, tail) = name.split_at(name.len() / 2);
        match how % 3 {
            0 => json!(name),
            1 => json!({"Fn::Sub": name}),
            _ => json!({"Fn::Join": ["", [head, tail]]}),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn a_raw_function_logs_to_a_log_group_of_its_stack(
            function in "[a-z][a-z0-9-]{2,20}",
            other in "[a-z][a-z0-9-]{2,20}",
            logging in 0u8..4,
            group in 0u8..3,
            how in any::<u8>(),
        ) {
            let mut app = valid_app();
            let own = format!("/aws/lambda/{function}");
            let custom = format!("/custom/{other}");
            // The group in the stack: the function's default name, a custom name, or none.
            let group_name = match group {
                0 => Some(own.clone()),
                1 => Some(custom.clone()),
                _ => None,
            };
            if let Some(name) = &group_name {
                push(&mut app, "HelperLogs", "AWS::Logs::LogGroup",
                    json!({"LogGroupName": spelled(name, how), "RetentionInDays": 365}));
            }
            let mut props = json!({"FunctionName": spelled(&function, how / 3),
                "PackageType": "Image", "Code": {"ImageUri": "x"}, "Role": "r"});
            // Where it logs: Lambda's default, a Ref to the group, the custom name, a Ref to
            // something else.
            let target = match logging {
                0 => Some(own.clone()),
                1 => {
                    props["LoggingConfig"] = json!({"LogGroup": {"Ref": "HelperLogs"}});
                    group_name.clone()
                }
                2 => {
                    props["LoggingConfig"] = json!({"LogGroup": spelled(&custom, how / 9)});
                    Some(custom.clone())
                }
                _ => {
                    props["LoggingConfig"] = json!({"LogGroup": {"Ref": "FunctionRole"}});
                    None
                }
            };
            push(&mut app, "Helper", "AWS::Lambda::Function", props);
            let found: Vec<Finding> =
                findings(&app).into_iter().filter(|f| f.code == "log-group").collect();
            let logs_in_stack = target.is_some() && target == group_name;
            prop_assert_eq!(found.len(), usize::from(!logs_in_stack), "{:#?}", found);
            for f in &found {
                prop_assert_eq!(f.resource.as_str(), "Helper");
            }
        }

        /// RDS creates `/aws/rds/instance|cluster/<identifier, lowercased>/<log>` for each
        /// exported log, without retention, unless the stack has a group of that name.
        #[test]
        fn a_raw_database_exports_its_logs_to_log_groups_of_its_stack(
            cluster in any::<bool>(),
            ident in "[a-zA-Z][a-zA-Z0-9-]{2,20}",
            named in any::<bool>(),
            exports in prop::sample::subsequence(&["postgresql", "upgrade", "iam-db-auth-error"][..], 0..=3),
            present in prop::collection::vec(any::<bool>(), 3),
            how in any::<u8>(),
        ) {
            let mut app = valid_app();
            let (type_name, property, kind) = if cluster {
                ("AWS::RDS::DBCluster", "DBClusterIdentifier", "cluster")
            } else {
                ("AWS::RDS::DBInstance", "DBInstanceIdentifier", "instance")
            };
            let mut missing = 0;
            for (i, log) in exports.iter().enumerate() {
                let name = format!("/aws/rds/{kind}/{}/{log}", ident.to_lowercase());
                if named && present[i] {
                    push(&mut app, &format!("DbLogs{i}"), "AWS::Logs::LogGroup",
                        json!({"LogGroupName": spelled(&name, how), "RetentionInDays": 365}));
                } else {
                    missing += 1;
                }
            }
            let mut props = json!({"Engine": "aurora-postgresql", "EnableCloudwatchLogsExports": exports});
            if named {
                props[property] = spelled(&ident, how / 3);
            }
            push(&mut app, "Db", type_name, props);
            let found: Vec<Finding> =
                findings(&app).into_iter().filter(|f| f.code == "log-group").collect();
            prop_assert_eq!(found.len(), missing, "{:#?}", found);
            for f in &found {
                prop_assert_eq!(f.resource.as_str(), "Db");
            }
        }

        /// SNS creates `sns/<region>/<account>/<topic>` for successful and `…/Failure` for failed
        /// deliveries whose status a topic logs, without retention, unless the stack has a
        /// group of that name (the account written `${AWS::AccountId}`); an unnamed topic's
        /// groups cannot be made beforehand.
        #[test]
        fn a_raw_topic_logs_delivery_status_to_log_groups_of_its_stack(
            topic in "[a-zA-Z][a-zA-Z0-9_-]{2,20}",
            named in any::<bool>(),
            outcomes in prop::collection::vec((any::<bool>(), any::<bool>()), 0..3),
            present in (any::<bool>(), any::<bool>()),
            literal_account in any::<bool>(),
        ) {
            let mut app = valid_app();
            let role = json!({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/feedback"});
            let logging: Vec<Value> = outcomes
                .iter()
                .enumerate()
                .map(|(i, (ok, failed))| {
                    let protocol = ["lambda", "sqs", "http"][i];
                    let mut e = json!({ "Protocol": protocol });
                    if *ok {
                        e["SuccessFeedbackRoleArn"] = role.clone();
                    }
                    if *failed {
                        e["FailureFeedbackRoleArn"] = role.clone();
                    }
                    e
                })
                .collect();
            let (success, failure) = outcomes.iter().fold((false, false), |(s, f), (a, b)| (s || *a, f || *b));
            let account = if literal_account { "123456789012" } else { "${AWS::AccountId}" };
            let mut missing = 0;
            for (logged, suffix, there) in [(success, "", present.0), (failure, "/Failure", present.1)] {
                if there {
                    push(&mut app, &format!("Delivery{}", suffix.len()), "AWS::Logs::LogGroup",
                        json!({"LogGroupName": {"Fn::Sub": format!("sns/${{AWS::Region}}/{account}/{topic}{suffix}")}, "RetentionInDays": 365}));
                }
                // A literal account is another one's name: the template does not know its own.
                if logged && !(named && there && !literal_account) {
                    missing += 1;
                }
            }
            let mut props = json!({"DeliveryStatusLogging": logging});
            if named {
                props["TopicName"] = json!(topic);
            }
            push(&mut app, "Events", "AWS::SNS::Topic", props);
            let found: Vec<Finding> =
                findings(&app).into_iter().filter(|f| f.code == "log-group").collect();
            prop_assert_eq!(found.len(), missing, "{:#?}", found);
            for f in &found {
                prop_assert_eq!(f.resource.as_str(), "Events");
            }
        }

        /// A raw function's `Environment.Variables` meet Lambda's limits as a modelled
        /// function's do: `env-size` exactly when the JSON object is over 4096 bytes,
        /// `reserved-env` for a name Lambda sets itself.
        #[test]
        fn a_raw_functions_environment_meets_lambdas_limits(
            vars in proptest::collection::vec(("[A-Z]{1,12}", "[a-z0-9 \"é]{0,300}"), 1..30),
            reserved in proptest::option::of(proptest::sample::select(vec!["AWS_REGION", "_HANDLER", "AWS_LAMBDA_RUNTIME_API"])),
        ) {
            let mut app = valid_app();
            let mut object = serde_json::Map::new();
            for (i, (name, value)) in vars.iter().enumerate() {
                object.insert(format!("V{i}_{name}"), Value::String(value.clone()));
            }
            if let Some(name) = reserved {
                object.insert(name.to_owned(), Value::String("x".into()));
            }
            let measured = serde_json::to_string(&object).expect("serializes").len();
            push(&mut app, "HelperLogs", "AWS::Logs::LogGroup",
                json!({"LogGroupName": "/aws/lambda/helper", "RetentionInDays": 365}));
            push(&mut app, "Helper", "AWS::Lambda::Function", json!({"FunctionName": "helper",
                "PackageType": "Image", "Code": {"ImageUri": "x"}, "Role": "r",
                "Environment": {"Variables": object}}));
            let codes: Vec<&str> = findings(&app)
                .iter()
                .filter(|f| f.resource == "Helper")
                .map(|f| f.code)
                .collect();
            prop_assert_eq!(codes.contains(&"env-size"), measured > 4096, "{} bytes: {:?}", measured, codes);
            prop_assert_eq!(codes.contains(&"reserved-env"), reserved.is_some(), "{:?}", codes);
        }
    }
}

/// `App::tag` returns nothing to refuse with: a key tagged twice on the app is a `duplicate`
/// finding on every stack (the later value would replace the earlier everywhere), while a
/// service overriding an app tag is the levels' rule.
#[test]
fn an_app_tag_set_twice_is_a_duplicate_on_every_stack() {
    use infra_gen::model::tags::Tag;
    let mut app = valid_app();
    app.tag(Tag::new("owner", "a").expect("valid"));
    app.tag(Tag::new("team", "a").expect("valid"));
    assert!(!findings(&app).iter().any(|f| f.code == "duplicate"));
    app.tag(Tag::new("owner", "b").expect("valid"));
    let dup: Vec<String> = findings(&app)
        .into_iter()
        .filter(|f| f.code == "duplicate")
        .map(|f| f.stack)
        .collect();
    let stacks: Vec<String> = app.stacks().iter().map(|s| s.name.to_string()).collect();
    assert_eq!(dup, stacks);
}

/// A star-only Bedrock API names no model, so the model map does not decide it: listing
/// models on `*` passes, while invoking an extra model stays `iam-bedrock`.
#[test]
fn star_only_bedrock_apis_are_not_model_grants() {
    let mut app = valid_app();
    push_statement(
        &mut app,
        Statement::star_only_actions(
            "ListModels",
            vec![
                Action::new("bedrock:ListFoundationModels").expect("valid"),
                Action::new("bedrock:ListInferenceProfiles").expect("valid"),
            ],
        )
        .expect("star-only"),
    );
    assert!(findings(&app).is_empty(), "{:#?}", findings(&app));
    push_statement(
        &mut app,
        Statement::allow(
            "Extra",
            vec![Action::new("bedrock:InvokeModel").expect("valid")],
            vec![Expr::sub(
                "arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/anthropic.other-v1:0",
            )],
        ),
    );
    assert!(findings(&app).iter().any(|f| f.code == "iam-bedrock"));
}

/// `key` with the letters picked by `flips` in the other case.
fn recased(key: &str, flips: &[bool]) -> String {
    key.chars()
        .zip(flips.iter().cycle())
        .map(|(c, flip)| {
            if !flip {
                c
            } else if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, ..Default::default() })]

    /// IAM keeps one tag per key regardless of case on roles and users, every other service
    /// compares keys exactly: two keys equal but for case are one tag twice on the service
    /// stack's role, whichever level sets them, and on a raw IAM role, also when a key
    /// is written with an intrinsic; on a raw queue they are two tags.
    #[test]
    fn tag_keys_equal_but_for_case_collide_where_iam_folds_case(
        key in "[a-z]{2,6}(-[a-z]{1,4})?",
        flips in proptest::collection::vec(proptest::bool::ANY, 1..8),
        app_level in proptest::bool::ANY,
        type_name in proptest::sample::select(vec!["AWS::IAM::Role", "AWS::SQS::Queue"]),
        spelled in 0..3u8,
    ) {
        use infra_gen::model::raw::Raw;
        use infra_gen::model::tags::Tag;
        use infra_gen::model::{LogicalId, Resource};
        use serde_json::json;
        let other = recased(&key, &flips);
        let differs_in_case = other != key;
        // Modelled stacks: one key at the app or service level, its other spelling on the service.
        let tagged = |second: &str| {
            let mut app = app_with("us-west-2", DOCKERFILE, |s| {
                let s = s.tag(Tag::new(second, "b"));
                if app_level { s } else { s.tag(Tag::new(&key, "a")) }
            })?;
            if app_level {
                app.tag(Tag::new(&key, "a")?);
            }
            Ok::<_, Error>(app)
        };
        let app = tagged(&other);
        if differs_in_case {
            let app = app.expect("the builder compares keys exactly");
            let f = findings(&app);
            proptest::prop_assert!(
                f.iter().any(|x| x.code == "tags" && x.stack == "demo-test-service" && x.message.contains(&other)),
                "{f:#?}"
            );
            // The registry has no IAM role: its tags are two keys.
            proptest::prop_assert!(!f.iter().any(|x| x.stack == "demo-test-registry"), "{f:#?}");
        }
        // A key of other letters is a tag of its own.
        let neighbour = tagged(&format!("{key}x")).expect("builds");
        proptest::prop_assert!(findings(&neighbour).is_empty(), "{:#?}", findings(&neighbour));

        // A raw resource with both spellings, the second literal, through Fn::Sub or Fn::Join.
        let second = match spelled {
            0 => json!(other),
            1 => json!({"Fn::Sub": ["${Key}", {"Key": other}]}),
            _ => json!({"Fn::Join": ["", [&other[..1], &other[1..]]]}),
        };
        let mut props = json!({"Tags": [{"Key": key, "Value": "a"}, {"Key": second, "Value": "b"}]});
        match type_name {
            "AWS::IAM::Role" => props["AssumeRolePolicyDocument"] = json!({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}),
            "AWS::SQS::Queue" => props["QueueName"] = json!("demo-test-jobs"),
            _ => {}
        }
        let mut raw_app = valid_app();
        raw_app.stacks_mut()[1].template.resources.push(
            Resource::new(LogicalId::new("Tagged").expect("valid"), Properties::Raw(Raw::new(type_name, props).expect("valid")))
                .retained(),
        );
        let folds = type_name != "AWS::SQS::Queue";
        let dup = findings(&raw_app).into_iter().any(|x| x.code == "duplicate" && x.resource == "Tagged");
        proptest::prop_assert_eq!(dup, !differs_in_case || folds, "{} {} {}", type_name, key, other);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, ..Default::default() })]

    /// A region crossing the stack makes where AWS allows one declares the ARN it reaches for
    /// the permissions that crossing needs: the function's permission for a topic it subscribes
    /// to in the region the subscription names, a rule's role putting events on the other
    /// region's bus it forwards to. Another ARN of that region, or a subscription naming
    /// another region, declares nothing.
    #[test]
    fn a_crossing_the_stack_makes_declares_its_arn_for_the_permissions_it_needs(
        region in proptest::sample::select(vec!["us-east-1", "eu-west-1", "ap-south-1"]),
        subscribed_in in proptest::sample::select(vec!["us-east-1", "eu-west-1", "ap-south-1"]),
        same_topic in proptest::bool::ANY,
        by_join in proptest::bool::ANY,
        bus in proptest::bool::ANY,
    ) {
        use infra_gen::model::raw::Raw;
        use infra_gen::model::{LogicalId, Resource};
        use serde_json::{Value, json};
        let arn = |service: &str, name: &str| -> Value {
            let text = format!("arn:${{AWS::Partition}}:{service}:{region}:${{AWS::AccountId}}:{name}");
            if by_join {
                let (head, tail) = text.split_at(text.len() / 2);
                json!({"Fn::Join": ["", [{"Fn::Sub": head}, {"Fn::Sub": tail}]]})
            } else {
                json!({"Fn::Sub": text})
            }
        };
        let mut app = valid_app();
        let mut push = |id: &str, type_name: &str, props: Value| {
            let raw = Raw::new(type_name, props).expect("valid").stateless();
            app.stacks_mut()[1].template.resources.push(
                Resource::new(LogicalId::new(id).expect("valid"), Properties::Raw(raw)).retained(),
            );
        };
        let declared = if bus {
            push("Forward", "AWS::Events::Rule", json!({
                "EventPattern": {"source": ["acme.orders"]}, "State": "ENABLED",
                "Targets": [{"Id": "bus", "Arn": arn("events", "event-bus/central"),
                    "RoleArn": {"Fn::GetAtt": ["ForwardRole", "Arn"]}}]}));
            push("ForwardRole", "AWS::IAM::Role", json!({
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                    "Principal": {"Service": "events.amazonaws.com"}, "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}}]},
                "Policies": [{"PolicyName": "forward", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Sid": "Put", "Effect": "Allow", "Action": "events:PutEvents",
                    "Resource": arn("events", if same_topic { "event-bus/central" } else { "event-bus/other" })}]}}]}));
            same_topic
        } else {
            push("Sub", "AWS::SNS::Subscription", json!({
                "Protocol": "lambda", "Endpoint": {"Fn::GetAtt": ["Function", "Arn"]}, "Region": subscribed_in,
                "TopicArn": arn("sns", "events")}));
            push("SubInvoke", "AWS::Lambda::Permission", json!({
                "Action": "lambda:InvokeFunction", "FunctionName": {"Ref": "Function"}, "Principal": "sns.amazonaws.com",
                "SourceArn": arn("sns", if same_topic { "events" } else { "other" })}));
            same_topic && subscribed_in == region
        };
        let f = findings(&app);
        let scope = f.iter().any(|x| x.code == "iam-scope" && x.message.contains(region));
        proptest::prop_assert_eq!(scope, !declared, "{:#?}", f);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, ..Default::default() })]

    /// A role holds one inline policy per name, compared regardless of case as IAM does, and a
    /// name written with `Fn::Sub` or `Fn::Join` is the name CloudFormation makes of it: a raw
    /// `AWS::IAM::Policy` named like the function role's own policy replaces it, however
    /// spelled; another name is a policy of its own.
    #[test]
    fn an_inline_policy_name_is_compared_as_iam_reads_it(
        case in 0..3u8,
        spelled in 0..3u8,
        other in proptest::bool::ANY,
    ) {
        use infra_gen::model::raw::Raw;
        use infra_gen::model::{LogicalId, Resource};
        use serde_json::json;
        let mut app = valid_app();
        let own = app.stacks()[1]
            .template
            .resources
            .iter()
            .find_map(|r| match &r.properties {
                Properties::Role(role) => Some(role.policies[0].name.clone()),
                _ => None,
            })
            .expect("the service has a role");
        let base = if other { format!("{own}Extra") } else { own.clone() };
        let name = match case {
            0 => base,
            1 => base.to_ascii_lowercase(),
            _ => base.to_ascii_uppercase(),
        };
        let written = match spelled {
            0 => json!(name),
            1 => json!({"Fn::Sub": ["${Name}", {"Name": name}]}),
            _ => json!({"Fn::Join": ["", [&name[..1], &name[1..]]]}),
        };
        let raw = Raw::new("AWS::IAM::Policy", json!({
            "PolicyName": written, "Roles": [{"Ref": "FunctionRole"}],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Sid": "Send", "Effect": "Allow",
                "Action": "sqs:SendMessage",
                "Resource": {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:jobs"}}]}}))
            .expect("valid")
            .stateless();
        app.stacks_mut()[1].template.resources.push(
            Resource::new(LogicalId::new("Extra").expect("valid"), Properties::Raw(raw)).retained(),
        );
        let f = findings(&app);
        let dup = f.iter().any(|x| x.code == "duplicate" && x.message.contains("inline policy"));
        proptest::prop_assert_eq!(dup, !other, "{:#?}", f);
        proptest::prop_assert_eq!(f.len(), usize::from(dup), "{:#?}", f);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]

    /// A parameter of a neutral name whose description or constraint description says it is
    /// a secret holds one wherever it goes: its value is in the environment in plain text.
    /// Described as what names or bounds a secret (its ARN, its TTL), it is an ordinary input.
    #[test]
    fn parameters_described_as_secrets_are_secrets_in_the_environment(
        head in proptest::sample::select(vec!["API secret key", "access token", "database password", "client secret", "credentials", "webhook signing secret"]),
        vendor in proptest::sample::select(vec!["the partner's", "Stripe", "our upstream", "GitHub"]),
        frame in 0..3usize,
        in_constraint in proptest::bool::ANY,
        plain_frame in proptest::sample::select(vec!["ARN of the {}", "name of the SSM parameter holding the {}", "{} TTL in seconds", "where the {} is stored"]),
    ) {
        use infra_gen::model::{LogicalId, Parameter, ParameterKind};
        let secret = match frame {
            0 => format!("{vendor} {head}"),
            1 => format!("{vendor} {head}, rotated monthly"),
            _ => format!("must be {vendor} {head} (see the runbook)"),
        };
        let with = |description: &str, constraint: &str| {
            let mut app = valid_app();
            app.stacks_mut()[1].template.parameters.push(Parameter {
                id: LogicalId::new("Upstream").expect("valid"),
                description: description.into(),
                allowed_pattern: "^.{1,200}$".into(),
                constraint_description: constraint.into(),
                kind: ParameterKind::String,
                default: None,
            });
            function_mut(&mut app).environment.push(infra_gen::model::lambda::EnvVar {
                name: infra_gen::model::lambda::EnvName::new("UPSTREAM").expect("valid"),
                value: Expr::sub("${Upstream}"),
            });
            app
        };
        let app = if in_constraint { with("an input", &secret) } else { with(&secret, "any text") };
        let f = only(&app, "secret-in-env", "Function");
        proptest::prop_assert!(f.message.contains("described like a secret"), "{}", f);
        let plain = plain_frame.replace("{}", head);
        let app = if in_constraint { with("an input", &plain) } else { with(&plain, "any text") };
        proptest::prop_assert!(findings(&app).is_empty(), "{}: {:?}", plain, findings(&app));
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, ..Default::default() })]

    /// An output's import is resolved as CloudFormation creates the stack, as a resource's
    /// is: it must name an export of a stack deployed earlier — its own stack's, or a later
    /// one's, does not exist yet —, however the name is spelled.
    #[test]
    fn an_output_imports_only_what_an_earlier_stack_exports(
        exporter in 0usize..2,
        importer in 0usize..2,
        spelling in 0usize..3,
    ) {
        let mut app = valid_app();
        app.stacks_mut()[exporter].template.outputs.push(infra_gen::model::Output {
            id: infra_gen::model::LogicalId::new("Team").expect("valid"),
            description: "the owning team".into(),
            value: Expr::literal("payments"),
            export: Some("demo-test-team".into()),
        });
        let name = match spelling {
            0 => Expr::literal("demo-test-team"),
            1 => Expr::SubWith("${Env}-team".into(), vec![("Env".into(), Expr::literal("demo-test"))]),
            _ => Expr::Join("-".into(), vec![Expr::literal("demo"), Expr::literal("test"), Expr::literal("team")]),
        };
        app.stacks_mut()[importer].template.outputs.push(infra_gen::model::Output {
            id: infra_gen::model::LogicalId::new("TeamAgain").expect("valid"),
            description: "the owning team, imported".into(),
            value: Expr::ImportValue(Box::new(name)),
            export: None,
        });
        let f = findings(&app);
        let refused = f.iter().any(|x| x.code == "deploy-order" && x.resource == "TeamAgain");
        proptest::prop_assert_eq!(refused, exporter >= importer, "{:?}", f);
    }
}
