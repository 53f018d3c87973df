//! Queues and tables added to a stack through the model pass every step of the pipeline: the
//! lints, the resource schemas and the review page.

mod common;

use common::valid_app;
use infra_gen::model::dynamodb::{Key, KeySchema, Projection, Table, TableName};
use infra_gen::model::sqs::{Queue, QueueName, Redrive, VisibilityTimeout};
use infra_gen::model::{Expr, LogicalId, Properties, Resource};
use infra_gen::pipeline;
use proptest::prelude::*;

fn id(s: &str) -> LogicalId {
    LogicalId::new(s).expect("valid logical ID")
}

/// A queue with a dead-letter queue and a table with `indexes` global secondary indexes.
fn with_queue_and_table(
    queue: &str,
    fifo: bool,
    visibility: u32,
    receives: u16,
    indexes: usize,
) -> infra_gen::App {
    let mut app = valid_app();
    let suffix = if fifo { ".fifo" } else { "" };
    let dlq = Queue::new(QueueName::new(&format!("{queue}-dlq{suffix}")).expect("valid"));
    let mut main = Queue::new(QueueName::new(&format!("{queue}{suffix}")).expect("valid"));
    main.visibility_timeout = VisibilityTimeout::new(visibility).expect("in range");
    main.redrive =
        Some(Redrive::new(Expr::get_att(&id("DeadLetters"), "Arn"), receives).expect("in range"));
    let keys = |p: &str| KeySchema {
        partition: Key::string(p).expect("valid"),
        sort: Some(Key::number("at").expect("valid")),
    };
    let mut table = Table::new(
        TableName::new(&format!("{queue}-items")).expect("valid"),
        keys("pk"),
    );
    for i in 0..indexes {
        table = table
            .index(
                &format!("by-owner-{i}"),
                keys(&format!("owner{i}")),
                Projection::KeysOnly,
            )
            .expect("consistent keys");
    }
    let resources = &mut app.stacks_mut()[1].template.resources;
    resources.push(Resource::new(id("DeadLetters"), Properties::Queue(dlq)).retained());
    resources.push(Resource::new(id("Work"), Properties::Queue(main)).retained());
    resources.push(Resource::new(id("Items"), Properties::Table(table)).retained());
    app
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever valid settings the typed constructors admit, CloudFormation's schemas accept.
    #[test]
    fn valid_queues_and_tables_pass_the_schemas_and_show_on_the_review_page(
        name in "[a-z][a-z0-9-]{2,30}",
        fifo in any::<bool>(),
        visibility in 0u32..=43200,
        receives in 1u16..=1000,
        indexes in 0usize..4,
    ) {
        let app = with_queue_and_table(&name, fifo, visibility, receives, indexes);
        let rendered = pipeline::validated(&app).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let page = rendered
            .iter()
            .find(|f| f.path.ends_with("service.md"))
            .map(|f| f.contents.clone())
            .expect("a review page");
        let queue_heading = format!("Queue `{name}");
        let table_heading = format!("Table `{name}-items`");
        prop_assert!(page.contains(&queue_heading));
        prop_assert!(page.contains(&table_heading));
        prop_assert!(page.contains("after "));
    }
}

mod routine {
    //! The routine parts of a service through the builders: a queue with a dead-letter queue
    //! triggering the function, a nightly schedule, a table granted by reference, provisioned
    //! concurrency and a failure destination.

    use super::common::{DOCKERFILE, app_with};
    use infra_gen::builders::{Alarms, DynamoDb, Grant, Schedule, Service, SqsTrigger};
    use infra_gen::model::Properties;
    use infra_gen::model::dynamodb::{Key, KeySchema, Projection, Table, TableName};
    use infra_gen::model::lambda::TrafficShift;
    use infra_gen::model::lambda::events::{AsyncInvoke, Batch};
    use infra_gen::model::sqs::{Queue, QueueName, Redrive, VisibilityTimeout};
    use infra_gen::model::tags::Tag;
    use infra_gen::model::{Expr, LogicalId};
    use infra_gen::{Error, pipeline};

    fn queue(name: &str, visibility: u32, dlq: Option<&str>) -> Result<Queue, Error> {
        let mut q = Queue::new(QueueName::new(name)?);
        q.visibility_timeout = VisibilityTimeout::new(visibility)?;
        if let Some(d) = dlq {
            q.redrive = Some(Redrive::new(Expr::get_att(&LogicalId::new(d)?, "Arn"), 5)?);
        }
        Ok(q)
    }

    fn table() -> Result<Table, Error> {
        Table::new(
            TableName::new("demo-test-items")?,
            KeySchema {
                partition: Key::string("pk")?,
                sort: None,
            },
        )
        .index(
            "by-owner",
            KeySchema {
                partition: Key::string("owner")?,
                sort: Some(Key::number("at")?),
            },
            Projection::KeysOnly,
        )
    }

    fn routine(s: Service) -> Service {
        s.timeout(infra_gen::units::Timeout::seconds(60))
            .queue("Failed", queue("demo-test-failed", 60, None))
            .queue("Work", queue("demo-test-work", 360, Some("Failed")))
            .table("Items", table())
            .trigger(SqsTrigger::new("Work").batch(Batch::new(100, 5)))
            .schedule(
                "Nightly",
                Schedule::new("cron(0 3 * * ? *)").and_then(|s| s.time_zone("Europe/Berlin")),
            )
            .grant(Grant::table(
                "Items",
                &[DynamoDb::GetItem, DynamoDb::PutItem],
            ))
            .grant(Grant::table_index("Items", "by-owner", &[DynamoDb::Query]))
            .on_async_failure(AsyncInvoke::new(2, 3600), "Failed")
            .alarms(Alarms::new())
            .safe_deploy(TrafficShift::AllAtOnce)
            .provisioned_concurrency(2)
            .tag(Tag::new("team", "data"))
    }

    #[test]
    fn a_service_with_every_routine_part_renders_and_passes_the_schemas() {
        let mut app = app_with("us-west-2", DOCKERFILE, routine).expect("builds");
        app.tag(Tag::new("cost-center", "1234").expect("valid"));
        let rendered = pipeline::validated(&app).expect("lints, schemas and tags pass");
        for f in rendered.iter().filter(|f| f.path.ends_with(".yaml")) {
            // Every resource that takes tags has both levels, in key order.
            let tagged = f.contents.matches("Key: cost-center").count()
                + f.contents.matches("cost-center: '1234'").count();
            let resources = f.contents.matches("\n    Type: AWS::").count();
            assert_eq!(tagged, resources, "{}:\n{}", f.path, f.contents);
        }
        let template = rendered
            .iter()
            .find(|f| f.path.ends_with("service.yaml"))
            .map(|f| f.contents.clone())
            .expect("a template");
        for expected in [
            "Type: SQS",
            "Type: ScheduleV2",
            "ScheduleExpressionTimezone: Europe/Berlin",
            "ReportBatchItemFailures",
            "ProvisionedConcurrentExecutions: 2",
            "Type: AWS::DynamoDB::Table",
            "FailedDepthAlarm",
            "ItemsThrottlesAlarm",
            "!Sub '${Items.Arn}/index/by-owner'",
            "PropagateTags: true",
            "team: data",
        ] {
            assert!(
                template.contains(expected),
                "{expected} missing:\n{template}"
            );
        }
        let stack = &app.stacks()[1];
        let role = stack
            .template
            .resources
            .iter()
            .find_map(|r| match &r.properties {
                Properties::Role(role) => Some(role),
                _ => None,
            })
            .expect("a role");
        let sids: Vec<&str> = role.policies[0]
            .statements
            .iter()
            .map(|s| s.sid.as_str())
            .collect();
        for sid in [
            "ReceiveFromWork",
            "TableItems",
            "TableItemsIndexByOwner",
            "SendFailuresToFailed",
        ] {
            assert!(sids.contains(&sid), "{sid} not in {sids:?}");
        }
        // Query on the index only: the table statement holds exactly the item operations.
        let table = role.policies[0]
            .statements
            .iter()
            .find(|s| s.sid == "TableItems")
            .expect("table grant");
        let actions: Vec<&str> = table.actions.iter().map(|a| a.as_str()).collect();
        assert_eq!(actions, ["dynamodb:GetItem", "dynamodb:PutItem"]);
    }

    fn error(customize: impl FnOnce(Service) -> Service) -> String {
        app_with("us-west-2", DOCKERFILE, |s| customize(routine(s)))
            .expect_err("refused")
            .to_string()
    }

    #[test]
    fn mistakes_in_routine_parts_are_refused_with_stack_resource_and_fix() {
        let short = error(|s| {
            s.queue("Slow", queue("demo-test-slow", 30, None))
                .trigger(SqsTrigger::new("Slow"))
        });
        assert!(
            short.contains("Slow")
                && short.contains("visibility timeout")
                && short.contains("demo-test-service"),
            "{short}"
        );
        let index = error(|s| {
            s.grant(Grant::table_index(
                "Items",
                "by-missing",
                &[DynamoDb::Query],
            ))
        });
        assert!(
            index.contains("by-missing") && index.contains("by-owner"),
            "{index}"
        );
        let table = error(|s| s.grant(Grant::table("Itmes", &[DynamoDb::GetItem])));
        assert!(table.contains("Itmes"), "{table}");
        let cron = error(|s| s.schedule("Bad", Schedule::new("cron(0 3 * * * *)")));
        assert!(cron.contains("day-of-week"), "{cron}");
        assert!(Grant::table_index("Items", "by-owner", &[DynamoDb::PutItem]).is_err());
        let provisioned = app_with("us-west-2", DOCKERFILE, |s| s.provisioned_concurrency(2))
            .expect_err("no alias")
            .to_string();
        assert!(provisioned.contains("safe_deploy"), "{provisioned}");
        use infra_gen::builders::Vpc;
        assert!(Vpc::new(&["subnet-0123456789abcdef0"], &["sg-01234567"]).is_ok());
        for (subnets, groups) in [
            (&[][..], &["sg-01234567"][..]),
            (&["subnet-xyz"][..], &["sg-01234567"][..]),
            (
                &["subnet-01234567", "subnet-01234567"][..],
                &["sg-01234567"][..],
            ),
            (&["subnet-01234567"][..], &["sg-0123456Z"][..]),
        ] {
            assert!(Vpc::new(subnets, groups).is_err(), "{subnets:?} {groups:?}");
        }
    }
}

/// Each vendored provider schema's type, `primaryIdentifier` and read-only properties (by
/// property name), read from the files themselves.
/// AWS's IAM data as vendored (`iam-data/actions.txt`), read once: property tests ask per case.
fn iam_data() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/iam-data/actions.txt"))
            .expect("IAM data")
    })
}

fn raw_identifiers() -> Vec<(String, Vec<String>, Vec<String>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../schemas/cloudformation");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("schemas") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("read");
        let schema: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let names = |key: &str| -> Vec<String> {
            schema[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p.as_str()?.strip_prefix("/properties/").map(str::to_owned))
                .collect()
        };
        let type_name = schema["typeName"].as_str().expect("typeName").to_owned();
        out.push((
            type_name,
            names("primaryIdentifier"),
            names("readOnlyProperties"),
        ));
    }
    out.sort();
    out
}

mod raw {
    //! The escape hatch: raw resources are validated against their schema and linted.

    use super::common::{DOCKERFILE, app_with, codes};
    use infra_gen::model::raw::Raw;
    use infra_gen::pipeline::{self, Failure};
    use proptest::prelude::*;
    use serde_json::{Value, json};

    fn run(id: &str, raw: Result<Raw, infra_gen::Error>) -> Result<(), Failure> {
        let app = app_with("us-west-2", DOCKERFILE, |s| s.raw(id, raw)).map_err(|e| {
            Failure::Lint(vec![infra_gen::Finding {
                code: "build",
                stack: String::new(),
                resource: id.into(),
                message: e.to_string(),
                fix: String::new(),
            }])
        })?;
        pipeline::validated(&app).map(|_| ())
    }

    fn policy(statement: Value) -> Result<Raw, infra_gen::Error> {
        Raw::new(
            "AWS::IAM::Policy",
            json!({
                "PolicyName": "extra",
                "Roles": [{"Ref": "FunctionRole"}],
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]}
            }),
        )
        .map(Raw::stateless)
    }

    #[test]
    fn a_valid_raw_topic_and_policy_render_and_reference_each_other() {
        let app = app_with("us-west-2", DOCKERFILE, |s| {
            s.raw(
                "Alerts",
                Raw::new("AWS::SNS::Topic", json!({"TopicName": "demo-test-alerts"})),
            )
            .raw(
                "PublishAlerts",
                policy(json!({"Effect": "Allow", "Action": "sns:Publish", "Resource": {"Fn::GetAtt": ["Alerts", "TopicArn"]}})),
            )
        })
        .expect("builds");
        let rendered = pipeline::validated(&app).expect("valid");
        let page = rendered
            .iter()
            .find(|f| f.path.ends_with("service.md"))
            .map(|f| f.contents.clone())
            .expect("page");
        assert!(page.contains("Raw `AWS::SNS::Topic` (`Alerts`)"), "{page}");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

        /// A wildcard anywhere in an action or a resource of a raw policy is refused, whatever
        /// the service and wherever the `*` or `?` stands.
        #[test]
        fn raw_policies_with_wildcards_are_refused(
            service in prop::sample::select(vec!["s3", "sqs", "dynamodb", "sns", "kms", "iam"]),
            op in "[A-Z][a-zA-Z]{2,12}",
            cut in 0usize..12,
            wildcard in prop::sample::select(vec!["*", "?"]),
            in_action in any::<bool>(),
        ) {
            let action = format!("{service}:{op}");
            let arn = format!("arn:aws:{service}:us-west-2:123456789012:thing/name");
            let spoil = |s: &str| {
                let at = cut.min(s.len());
                format!("{}{wildcard}{}", &s[..at], &s[at..])
            };
            let (action, resource) = if in_action { (spoil(&action), arn) } else { (action, spoil(&arn)) };
            let statement = json!({"Effect": "Allow", "Action": [action], "Resource": [resource]});
            let err = run("Extra", policy(statement)).expect_err("refused");
            prop_assert!(codes(err.findings()).contains(&"iam-wildcard"), "{}", err);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// CloudFormation resolves an Effect written as an intrinsic before IAM reads it, so
        /// such a statement is judged as an Allow (and named), never skipped like a Deny.
        #[test]
        fn an_effect_from_an_intrinsic_is_judged_as_an_allow(
            effect in prop::sample::select(vec![
                json!({"Fn::Sub": "Allow"}),
                json!({"Fn::Join": ["", ["All", "ow"]]}),
                json!({"Ref": "AWS::NoValue"}),
                json!({"Fn::Sub": ["${E}", {"E": "Allow"}]}),
            ]),
            action in prop::sample::select(vec!["iam:CreateAccessKey", "iam:PutRolePolicy", "sts:AssumeRole"]),
        ) {
            let statement = json!({"Effect": effect, "Action": action, "Resource": "arn:aws:iam::123456789012:role/x"});
            let err = run("Extra", policy(statement)).expect_err("refused");
            let codes = codes(err.findings());
            prop_assert!(codes.contains(&"iam-raw") && codes.contains(&"iam-escalation"), "{}", err);
        }

        /// A statement that names no resource is refused by name, however it is left out.
        #[test]
        fn a_raw_statement_without_resources_is_refused(
            resource in prop::option::of(Just(json!([]))),
            action in prop::sample::select(vec!["sns:Publish", "iam:PassRole", "sqs:SendMessage"]),
        ) {
            let mut statement = json!({"Effect": "Allow", "Action": action});
            if let Some(r) = resource {
                statement["Resource"] = r;
            }
            let err = run("Extra", policy(statement)).expect_err("refused");
            prop_assert!(err.to_string().contains("names no resource"), "{}", err);
        }

        /// A raw statement's StringLike condition is judged like a typed one, in every form of
        /// the operator (`IfExists`, `ForAnyValue:`, `ForAllValues:`): a value of only
        /// wildcards narrows nothing; the same key with its exact own value passes.
        #[test]
        fn raw_conditions_of_only_wildcards_are_refused(
            set in prop::sample::select(vec!["", "ForAnyValue:", "ForAllValues:"]),
            base in prop::sample::select(vec!["StringLike", "ArnLike"]),
            if_exists in any::<bool>(),
            key in prop::sample::select(vec!["aws:SourceAccount", "s3:prefix", "aws:SourceArn"]),
            pattern in "[*?]{1,12}",
        ) {
            let operator = format!("{set}{base}{}", if if_exists { "IfExists" } else { "" });
            let statement = |value: Value| json!({
                "Effect": "Allow", "Action": "sqs:SendMessage",
                "Resource": {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q"},
                "Condition": {operator.clone(): {key: value}}
            });
            let err = run("Extra", policy(statement(json!(pattern)))).expect_err("refused");
            prop_assert!(err.to_string().contains("matches every value"), "{}", err);
            let exact = match key {
                "aws:SourceAccount" => json!({"Ref": "AWS::AccountId"}),
                "s3:prefix" => json!("exports/"),
                _ => json!({"Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:t"}),
            };
            let own = run("Extra", policy(statement(exact)));
            prop_assert!(own.is_ok(), "{:?}", own.err().map(|e| e.to_string()));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

        /// A resource's own policy document, under any `…PolicyDocument`/`…PolicyText` name
        /// and as an object or JSON text, is judged like any policy: a statement without
        /// `Resource` grants on the resource itself; a principal of another account, every
        /// principal, or a service principal without a source condition is refused.
        #[test]
        fn resource_policies_are_judged_whatever_their_property(
            repository in any::<bool>(),
            as_text in any::<bool>(),
            principal in 0..5usize,
            source in any::<bool>(),
        ) {
            let (principal, bad) = match principal {
                0 => (json!({"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}), false),
                1 => (json!({"AWS": "arn:aws:iam::999999999999:root"}), true),
                2 => (json!("*"), true),
                3 => (json!({"Service": "lambda.amazonaws.com"}), !source),
                _ => (json!({"AWS": "210987654321"}), true),
            };
            let mut statement = json!({"Sid": "S", "Effect": "Allow", "Principal": principal});
            if source {
                statement["Condition"] = json!({"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}});
            }
            let raw = if repository {
                statement["Action"] = json!(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]);
                let doc = json!({"Version": "2012-10-17", "Statement": [statement]});
                let doc = if as_text { json!(doc.to_string()) } else { doc };
                // Held to the production image policy too: scanned, expiring untagged images and
                // keeping the last 10.
                let lifecycle = json!({"rules": [
                    {"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}},
                    {"rulePriority": 2, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 10}, "action": {"type": "expire"}}
                ]});
                Raw::new("AWS::ECR::Repository", json!({
                    "RepositoryName": "demo-test-extra", "ImageTagMutability": "IMMUTABLE",
                    "ImageScanningConfiguration": {"ScanOnPush": true},
                    "LifecyclePolicy": {"LifecyclePolicyText": lifecycle.to_string()},
                    "RepositoryPolicyText": doc
                }))
            } else {
                statement["Action"] = json!("logs:PutLogEvents");
                // No `Resource`: the log group itself (a `GetAtt Extra.Arn` inside Extra is a
                // cycle CloudFormation refuses).
                Raw::new("AWS::Logs::LogGroup", json!({
                    "LogGroupName": "/demo/test/extra", "RetentionInDays": 365,
                    "ResourcePolicyDocument": {"Version": "2012-10-17", "Statement": [statement]}
                }))
            };
            let got = run("Extra", raw);
            prop_assert_eq!(got.is_err(), bad, "{:?}", got.err().map(|e| e.to_string()));
        }

        /// `AWS::Lambda::Permission` is a statement in properties: its action must be one AWS
        /// defines and not escalate, its SourceArn (compared as ArnLike) and SourceAccount are
        /// held to the stack's region and account, and a service principal needs one of them.
        #[test]
        fn a_lambda_permission_is_judged_as_a_grant(
            action in prop::sample::select(vec![("lambda:InvokeFunction", false), ("lambda:GetFunction", false), ("lambda:UpdateFunctionCode", true), ("lambda:*", true), ("lambda:Invoke*", true)]),
            service in any::<bool>(),
            source_arn in prop::option::of(prop::sample::select(vec![("${AWS::Region}:${AWS::AccountId}:t", false), ("eu-west-1:${AWS::AccountId}:t", true), ("${AWS::Region}:999999999999:t", true), ("${AWS::Region}:${AWS::AccountId}:*", true)])),
            source_account in prop::option::of(any::<bool>()),
        ) {
            let mut props = json!({
                "Action": action.0,
                "FunctionName": {"Ref": "Function"},
                "Principal": if service { json!("sns.amazonaws.com") } else { json!({"Ref": "AWS::AccountId"}) },
            });
            if let Some((tail, _)) = source_arn {
                props["SourceArn"] = json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:sns:{tail}")});
            }
            if let Some(own) = source_account {
                props["SourceAccount"] = if own { json!({"Ref": "AWS::AccountId"}) } else { json!("999999999999") };
            }
            let bad = action.1
                || source_arn.is_some_and(|(_, b)| b)
                || source_account == Some(false)
                || (service && source_arn.is_none() && source_account.is_none());
            let got = run("Extra", Raw::new("AWS::Lambda::Permission", props).map(Raw::stateless));
            prop_assert_eq!(got.is_err(), bad, "{:?}", got.err().map(|e| e.to_string()));
        }

        /// A trust in a web identity provider must fix the token's subject; for GitHub, the
        /// repository before any wildcard.
        #[test]
        fn a_web_identity_trust_fixes_the_subject(
            subject in prop::option::of(prop::sample::select(vec![
                ("StringEquals", "repo:acme/app:ref:refs/heads/main", false),
                ("StringLike", "repo:acme/app:*", false),
                ("StringLike", "repo:acme/app:environment:prod", false),
                ("StringLike", "repo:*", true),
                ("StringLike", "repo:acme/*", true),
                ("StringLike", "*", true),
                ("StringLike", "repo:acme/ap?:ref:refs/heads/main", true),
            ])),
        ) {
            let mut condition = json!({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}});
            if let Some((operator, value, _)) = subject {
                let block = condition.as_object_mut().expect("object").entry(operator).or_insert(json!({}));
                block["token.actions.githubusercontent.com:sub"] = json!(value);
            }
            let role = Raw::new("AWS::IAM::Role", json!({
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                    "Principal": {"Federated": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com"}},
                    "Condition": condition
                }]}
            }));
            let bad = subject.is_none_or(|(_, _, b)| b);
            let got = run("Deploy", role.map(Raw::stateless));
            prop_assert_eq!(got.is_err(), bad, "{:?}", got.err().map(|e| e.to_string()));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

        /// A raw resource's values go through the resolver and the secret rules like a
        /// function's environment: a secret assembled with `Fn::Sub` or `Fn::Join`, a password
        /// as the `Value` of a secret-named parameter or under a secret-named property, and a
        /// reference to a secret copied into a property that is not a secret's (a plain
        /// parameter's `Value`) are refused; the same reference where a secret belongs, and a
        /// plain value under a plain name, pass.
        #[test]
        fn raw_values_are_resolved_and_judged_by_shape_name_and_place(
            word in "[A-Z][a-z]{3,7}",
            digits in "[0-9]{2,4}",
            words in prop::sample::select(vec!["db-password", "smtp_pass", "apiKey", "signing-secret"]),
            form in 0usize..4,
        ) {
            let pw = format!("{word}{digits}x");
            let value = match form {
                0 => json!({"Fn::Sub": ["postgres://app:${P}@db.internal/app", {"P": pw}]}),
                1 => json!({"Fn::Join": ["", ["Server=db;Pass", "word=", pw]]}),
                2 => json!({"Fn::Sub": ["Bearer ${T}", {"T": format!("{pw}{pw}Qz7Kp2Lm9Rt4")}]}),
                _ => json!(pw),
            };
            let name = format!("/prod/app/{words}");
            let parameter = |value: Value| Raw::new("AWS::SSM::Parameter", json!({"Name": name, "Type": "String", "Value": value}));
            let err = run("Param", parameter(value)).expect_err("refused");
            prop_assert!(codes(err.findings()).contains(&"secret-in-env"), "{}", err);
            let copied = parameter(json!("{{resolve:secretsmanager:prod/db:SecretString:password}}"));
            let err = run("Param", copied).expect_err("refused");
            prop_assert!(codes(err.findings()).contains(&"secret-in-env"), "{}", err);
            let literal = Raw::new("AWS::SecretsManager::Secret", json!({"Name": "demo-test-extra", "SecretString": pw}));
            prop_assert!(run("Extra", literal).is_err());
            let referenced = Raw::new(
                "AWS::SecretsManager::Secret",
                json!({"Name": "demo-test-extra", "SecretString": "{{resolve:secretsmanager:prod/db:SecretString:password}}"}),
            );
            prop_assert!(run("Extra", referenced).is_ok());
            let tagged = |key: &str, value: &str| Raw::new("AWS::SQS::Queue", json!({"QueueName": "demo-test-extra", "Tags": [{"Key": key, "Value": value}]}));
            let token = format!("{pw}{pw}Qz7Kp2Lm9Rt4");
            prop_assert!(run("Queue", tagged("api_key", &token)).is_err());
            prop_assert!(run("Queue", tagged("token-budget", &digits)).is_ok());
            let plain = Raw::new("AWS::SSM::Parameter", json!({"Name": "/prod/app/base-url", "Type": "String", "Value": {"Fn::Sub": "https://api.${AWS::Region}.example.com"}}));
            prop_assert!(run("Param", plain).is_ok());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

        /// A reference to a secret is safe only in a property the type's schema declares for
        /// it (`MasterUserPassword`, `SecretString`): a key of a map the schema leaves open — a
        /// state machine's substitution, a pipe's header or query parameter — is the
        /// template's own data, shown to whoever reads the resource, whatever its name says.
        #[test]
        fn a_secret_reference_is_safe_only_in_a_property_the_schema_declares(
            key in prop::sample::select(vec!["Auth", "Password", "ApiKey", "X-Partner-Token", "client_secret", "Authorization"]),
            place in 0usize..3,
        ) {
            let reference = "{{resolve:secretsmanager:demo/partner:SecretString:token}}";
            let role = json!({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/demo-flow"});
            let open = match place {
                0 => Raw::new("AWS::StepFunctions::StateMachine", json!({
                    "RoleArn": role,
                    "DefinitionString": "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}",
                    "DefinitionSubstitutions": {key: reference}})),
                1 => Raw::new("AWS::Pipes::Pipe", json!({
                    "RoleArn": role,
                    "Source": {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:demo-in"},
                    "Target": {"Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:api-destination/demo/abc"},
                    "TargetParameters": {"HttpParameters": {"HeaderParameters": {key: reference}}}})),
                _ => Raw::new("AWS::Pipes::Pipe", json!({
                    "RoleArn": role,
                    "Source": {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:demo-in"},
                    "Target": {"Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:api-destination/demo/abc"},
                    "TargetParameters": {"HttpParameters": {"QueryStringParameters": {key: reference}}}})),
            };
            let err = run("Open", open).expect_err("refused");
            prop_assert!(codes(err.findings()).contains(&"secret-in-env"), "{}", err);
            let declared = match place {
                0 => Raw::new("AWS::RDS::DBInstance", json!({
                    "Engine": "postgres", "DBInstanceClass": "db.t4g.micro", "AllocatedStorage": "20",
                    "MasterUsername": "orders", "MasterUserPassword": reference, "StorageEncrypted": true})),
                1 => Raw::new("AWS::RDS::DBCluster", json!({
                    "Engine": "aurora-postgresql", "MasterUsername": "orders",
                    "MasterUserPassword": reference, "StorageEncrypted": true})),
                _ => Raw::new("AWS::SecretsManager::Secret", json!({"Name": "demo-test-extra", "SecretString": reference})),
            };
            let got = run("Declared", declared);
            prop_assert!(got.is_ok(), "{:?}", got.err().map(|e| e.to_string()));
        }
    }

    /// DynamoDB wraps its table's policy (`ResourcePolicy: {PolicyDocument}`): the document
    /// inside is judged, the wrapper is not a malformed document.
    #[test]
    fn a_wrapped_resource_policy_is_read_inside_its_wrapper() {
        let table = |account: &str| {
            Raw::new(
                "AWS::DynamoDB::Table",
                json!({
                    "TableName": "demo-test-extra", "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                    "ResourcePolicy": {"PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                        "Effect": "Allow", "Action": "dynamodb:GetItem",
                        "Principal": {"AWS": {"Fn::Sub": format!("arn:${{AWS::Partition}}:iam::{account}:root")}},
                        "Resource": {"Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/demo-test-extra"}
                    }]}}
                }),
            )
        };
        let own = run("Table", table("${AWS::AccountId}"));
        assert!(own.is_ok(), "{:?}", own.err().map(|e| e.to_string()));
        let err = run("Table", table("999999999999")).expect_err("another account");
        assert_eq!(codes(err.findings()), ["iam-scope"], "{err}");
    }

    #[test]
    fn a_raw_pass_role_narrowed_to_one_service_is_judged_with_its_condition() {
        let narrowed = json!({
            "Effect": "Allow", "Action": "iam:PassRole",
            "Resource": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/demo-test-worker"},
            "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}
        });
        run("Extra", policy(narrowed.clone())).expect("a PassRole limited to one service passes");
        let mut open = narrowed;
        open["Condition"] =
            json!({"StringNotEquals": {"iam:PassedToService": "ec2.amazonaws.com"}});
        let err = run("Extra", policy(open))
            .expect_err("an operator the model cannot read only narrows: judged without it");
        assert!(codes(err.findings()).contains(&"iam-escalation"), "{err}");
    }

    /// ARN formats of AWS's data (read from the vendored file) with an account and a resource
    /// of a literal prefix and one variable, no list of formats, whose service and prefix no
    /// other format shares (S3's access points are regional, its multi-region ones not: the ARN
    /// cannot tell).
    fn alarm_formats() -> &'static [String] {
        static FORMATS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        FORMATS.get_or_init(|| {
            let all: Vec<&str> = crate::iam_data()
                .lines()
                .filter_map(|l| l.strip_prefix("R\t")?.split('\t').nth(1))
                .collect();
            let key = |arn: &str| -> (String, String) {
                let f: Vec<&str> = arn.splitn(6, ':').collect();
                let part = |i: usize| f.get(i).copied().unwrap_or_default();
                let prefix = part(5).split("${").next().unwrap_or_default();
                (part(2).to_owned(), prefix.to_owned())
            };
            let mut shared = std::collections::HashMap::new();
            for arn in &all {
                *shared.entry(key(arn)).or_insert(0) += 1;
            }
            all.iter()
                .filter(|arn| {
                    let f: Vec<&str> = arn.splitn(6, ':').collect();
                    f.len() == 6
                        && f[4] == "${Account}"
                        && !arn.contains(", ")
                        && f[5].matches('{').count() == 1
                        && f[5].ends_with('}')
                        && shared[&key(arn)] == 1
                })
                .map(|arn| (*arn).to_owned())
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

        /// A raw alarm notifies like a modelled one: CloudWatch reaches only targets in the
        /// alarm's region, whichever of its action lists names them.
        #[test]
        fn a_raw_alarms_actions_are_held_to_its_region(
            list in prop::sample::select(vec!["AlarmActions", "OKActions", "InsufficientDataActions"]),
            other in prop::sample::select(vec!["us-east-1", "eu-west-1", "ap-southeast-2"]),
        ) {
            let alarm = |region: &str| Raw::new(
                "AWS::CloudWatch::Alarm",
                json!({
                    "MetricName": "Errors", "Namespace": "AWS/Lambda", "Statistic": "Sum",
                    "Period": 60, "EvaluationPeriods": 1, "Threshold": 1,
                    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                    list: [{"Fn::Sub": format!("arn:${{AWS::Partition}}:sns:{region}:${{AWS::AccountId}}:ops")}]
                }),
            ).map(Raw::stateless);
            let err = run("Errors", alarm(other)).expect_err("refused");
            prop_assert!(codes(err.findings()).contains(&"region"), "{}", err);
            prop_assert!(run("Errors", alarm("us-west-2")).is_ok());
        }

        /// Lambda reads an event source mapping's queue or stream only in the function's own
        /// region, however its ARN is written.
        #[test]
        fn a_raw_event_source_is_held_to_the_functions_region(
            source in prop::sample::select(vec!["sqs:{r}:${AWS::AccountId}:jobs", "kinesis:{r}:${AWS::AccountId}:stream/clicks", "dynamodb:{r}:${AWS::AccountId}:table/t/stream/2026-01-01T00:00:00.000"]),
            other in prop::sample::select(vec!["us-east-1", "eu-west-1", "ap-southeast-2"]),
            join in any::<bool>(),
        ) {
            let mapping = |region: &str| {
                let arn = format!("arn:${{AWS::Partition}}:{}", source.replace("{r}", region));
                let value = if join {
                    json!({"Fn::Join": ["", [{"Fn::Sub": arn}]]})
                } else {
                    json!({"Fn::Sub": arn})
                };
                Raw::new(
                    "AWS::Lambda::EventSourceMapping",
                    json!({"FunctionName": {"Ref": "Function"}, "EventSourceArn": value}),
                )
                .map(Raw::stateless)
            };
            let err = run("Source", mapping(other)).expect_err("refused");
            prop_assert!(codes(err.findings()).contains(&"region"), "{}", err);
            let own = run("Source", mapping("${AWS::Region}"));
            prop_assert!(own.is_ok(), "{:?}", own.err().map(|e| e.to_string()));
        }

        /// S3 sends event notifications only to queues, topics and functions in the bucket's
        /// region, however the destination's ARN is written.
        #[test]
        fn a_raw_buckets_notifications_are_held_to_its_region(
            kind in prop::sample::select(vec![("Queue", "Queue", "sqs", "uploads"), ("Topic", "Topic", "sns", "uploads"), ("Lambda", "Function", "lambda", "function:thumbs")]),
            other in prop::sample::select(vec!["us-east-1", "eu-west-1", "ap-southeast-2"]),
            join in any::<bool>(),
        ) {
            let (list, property, service, name) = kind;
            let bucket = |region: &str| {
                let arn = format!("arn:${{AWS::Partition}}:{service}:{region}:${{AWS::AccountId}}:{name}");
                let value = if join {
                    json!({"Fn::Join": ["", [{"Fn::Sub": arn}]]})
                } else {
                    json!({"Fn::Sub": arn})
                };
                Raw::new(
                    "AWS::S3::Bucket",
                    json!({"NotificationConfiguration": {format!("{list}Configurations"): [
                        {"Event": "s3:ObjectCreated:*", property: value}]}}),
                )
            };
            let err = run("Uploads", bucket(other)).expect_err("refused");
            prop_assert!(codes(err.findings()).contains(&"region"), "{}", err);
            let own = run("Uploads", bucket("${AWS::Region}"));
            prop_assert!(own.is_ok(), "{:?}", own.err().map(|e| e.to_string()));
        }

        /// EventBridge invokes a rule's targets only in the rule's region, whatever their
        /// service, and reaches another region (or account) only through its event bus; an ARN
        /// of another partition names nothing the region reaches, for an alarm too.
        #[test]
        fn a_raw_rules_targets_are_held_to_its_region_but_for_event_buses(
            target in prop::sample::select(vec!["sqs:{r}:{a}:jobs", "lambda:{r}:{a}:function:worker", "sns:{r}:{a}:ops", "states:{r}:{a}:stateMachine:flow", "kinesis:{r}:{a}:stream/clicks", "events:{r}:{a}:event-bus/central"]),
            other in prop::sample::select(vec!["us-east-1", "eu-west-1", "ap-southeast-2"]),
            account in prop::sample::select(vec!["${AWS::AccountId}", "210987654321"]),
            dead_letter in any::<bool>(),
            partition in prop::sample::select(vec!["${AWS::Partition}", "aws", "aws-cn", "aws-us-gov"]),
        ) {
            let rule = |region: &str, partition: &str| {
                let arn = format!("arn:{partition}:{}", target.replace("{r}", region).replace("{a}", account));
                let mut t = json!({"Id": "t", "Arn": {"Fn::Sub": arn}});
                if dead_letter {
                    t = json!({"Id": "t", "Arn": {"Fn::GetAtt": ["Function", "Arn"]},
                               "DeadLetterConfig": {"Arn": {"Fn::Sub": arn}}});
                }
                Raw::new("AWS::Events::Rule", json!({"ScheduleExpression": "rate(1 hour)", "Targets": [t]}))
                    .map(Raw::stateless)
            };
            // A dead-letter queue is a queue.
            prop_assume!(!(dead_letter && target.starts_with("events:")));
            let bus = target.starts_with("events:");
            let refused = |r: Result<(), Failure>| r.err().is_some_and(|e| codes(e.findings()).contains(&"region"));
            let foreign_partition = !matches!(partition, "${AWS::Partition}" | "aws");
            prop_assert_eq!(refused(run("Hourly", rule(other, partition))), !bus || foreign_partition);
            prop_assert_eq!(refused(run("Hourly", rule("${AWS::Region}", partition))), foreign_partition);
        }

        /// EventBridge Scheduler invokes a templated target (and sends to its dead-letter
        /// queue) only in the schedule's account and region; a universal target names an API
        /// (`arn:aws:scheduler:::aws-sdk:…`), in no region, and passes.
        #[test]
        fn a_raw_schedules_target_is_held_to_its_region_and_account(
            target in prop::sample::select(vec!["sqs:{r}:{a}:jobs", "lambda:{r}:{a}:function:worker", "sns:{r}:{a}:ops", "states:{r}:{a}:stateMachine:flow", "scheduler:::aws-sdk:sqs:sendMessage"]),
            region in prop::sample::select(vec!["${AWS::Region}", "us-west-2", "us-east-1", "eu-west-1"]),
            account in prop::sample::select(vec!["${AWS::AccountId}", "210987654321"]),
            dead_letter in any::<bool>(),
        ) {
            let arn = format!("arn:${{AWS::Partition}}:{}", target.replace("{r}", region).replace("{a}", account));
            let mut t = json!({"Arn": {"Fn::Sub": arn}, "RoleArn": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/demo-test-scheduler"}});
            if dead_letter {
                t = json!({"Arn": {"Fn::GetAtt": ["Function", "Arn"]}, "RoleArn": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/demo-test-scheduler"},
                           "DeadLetterConfig": {"Arn": {"Fn::Sub": arn}}});
            }
            prop_assume!(!(dead_letter && target.starts_with("scheduler:")));
            let schedule = Raw::new(
                "AWS::Scheduler::Schedule",
                json!({"ScheduleExpression": "rate(1 hour)", "FlexibleTimeWindow": {"Mode": "OFF"}, "Target": t}),
            ).map(Raw::stateless);
            let universal = target.starts_with("scheduler:");
            let wrong = !universal
                && (!matches!(region, "${AWS::Region}" | "us-west-2") || account != "${AWS::AccountId}");
            let refused = run("Nightly", schedule).err().is_some_and(|e| codes(e.findings()).contains(&"region"));
            prop_assert_eq!(refused, wrong, "{}", arn);
        }

        /// CloudWatch Logs delivers a subscription only in the log group's region, to a
        /// function, stream or delivery stream of its own account; another account is reached
        /// through a logs destination, which is in the log group's region too.
        #[test]
        fn a_subscription_filters_destination_is_held_to_its_region_and_account(
            target in prop::sample::select(vec!["lambda:{r}:{a}:function:collector", "kinesis:{r}:{a}:stream/logs", "firehose:{r}:{a}:deliverystream/logs", "logs:{r}:{a}:destination:central"]),
            region in prop::sample::select(vec!["${AWS::Region}", "us-west-2", "us-east-1", "eu-west-1"]),
            account in prop::sample::select(vec!["${AWS::AccountId}", "210987654321"]),
        ) {
            let arn = format!("arn:${{AWS::Partition}}:{}", target.replace("{r}", region).replace("{a}", account));
            let filter = Raw::new(
                "AWS::Logs::SubscriptionFilter",
                json!({"LogGroupName": "/demo/test/audit", "FilterPattern": "", "DestinationArn": {"Fn::Sub": arn}}),
            );
            let destination = target.starts_with("logs:");
            let wrong = !matches!(region, "${AWS::Region}" | "us-west-2")
                || (account != "${AWS::AccountId}" && !destination);
            let refused = run("Ship", filter).err().is_some_and(|e| codes(e.findings()).contains(&"region"));
            prop_assert_eq!(refused, wrong, "{}", arn);
        }

        /// CloudFormation subscribes through SNS in the region a subscription's `Region` names
        /// (the stack's when left out), and SNS finds a topic only in its own region.
        #[test]
        fn an_sns_subscription_names_the_region_of_its_topic(
            topic in prop::sample::select(vec!["${AWS::Region}", "us-west-2", "us-east-1", "eu-west-1"]),
            named in prop::sample::select(vec![None, Some("us-west-2"), Some("us-east-1"), Some("eu-west-1")]),
        ) {
            let mut props = json!({"TopicArn": {"Fn::Sub": format!("arn:${{AWS::Partition}}:sns:{topic}:${{AWS::AccountId}}:ops")},
                                   "Protocol": "lambda", "Endpoint": {"Fn::GetAtt": ["Function", "Arn"]}});
            if let Some(r) = named {
                props["Region"] = json!(r);
            }
            let topic_region = if topic == "${AWS::Region}" { "us-west-2" } else { topic };
            let refused = run("Sub", Raw::new("AWS::SNS::Subscription", props).map(Raw::stateless))
                .err()
                .is_some_and(|e| codes(e.findings()).contains(&"region"));
            prop_assert_eq!(refused, topic_region != named.unwrap_or("us-west-2"), "{} {:?}", topic, named);
        }

        /// An alarm action whose ARN has no region is in the alarm's region's reach exactly
        /// when AWS holds that resource in no region: its ARN format in AWS's data (read here
        /// from the vendored file) leaves the region empty.
        #[test]
        fn an_alarm_action_without_a_region_passes_only_for_a_resource_held_in_none(
            which in any::<prop::sample::Index>(),
        ) {
            let formats = alarm_formats();
            let format = formats[which.index(formats.len())].as_str();
            let fields: Vec<&str> = format.splitn(6, ':').collect();
            let resource = format!("{}name1", fields[5].split("${").next().unwrap_or_default());
            let arn = format!("arn:${{AWS::Partition}}:{}::${{AWS::AccountId}}:{resource}", fields[2]);
            let alarm = Raw::new(
                "AWS::CloudWatch::Alarm",
                json!({
                    "MetricName": "Errors", "Namespace": "AWS/Lambda", "Statistic": "Sum",
                    "Period": 60, "EvaluationPeriods": 1, "Threshold": 1,
                    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                    "AlarmActions": [{"Fn::Sub": arn}]
                }),
            );
            let refused = run("Errors", alarm)
                .err()
                .is_some_and(|e| codes(e.findings()).contains(&"region"));
            prop_assert_eq!(refused, !fields[3].is_empty(), "{}", format);
        }

        /// A resource policy's statement for the stack's own account alone (its root or bare
        /// ID, however written) delegates to the account's IAM policies, so AWS's default key
        /// policy (`kms:*` on `*` for the account) passes; the same grant to any other
        /// principal is judged as written. A `*` resource in a key policy is the key itself.
        #[test]
        fn a_resource_policy_for_its_own_account_delegates_to_iam(
            principal in prop::sample::select(vec![
                (json!({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}), true),
                (json!({"Ref": "AWS::AccountId"}), true),
                (json!({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":root"]]}), true),
                (json!({"Fn::GetAtt": ["FunctionRole", "Arn"]}), false),
                (json!({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/admin"}), false),
                (json!("arn:aws:iam::123456789012:root"), false),
            ]),
            broad in any::<bool>(),
        ) {
            let (principal, own) = principal;
            let action = if broad { json!("kms:*") } else { json!(["kms:Decrypt", "kms:PutKeyPolicy"]) };
            let key = |action: Value| Raw::new(
                "AWS::KMS::Key",
                json!({"KeyPolicy": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": principal.clone()}, "Action": action, "Resource": "*"}
                ]}}),
            );
            let judged = run("DataKey", key(action));
            prop_assert_eq!(judged.is_ok(), own, "{:?}", judged.err().map(|e| e.to_string()));
            // Any principal of the account may be let use the key: `*` is this key.
            let foreign = principal.as_str().is_some_and(|p| p.contains("123456789012"));
            let use_only = run("DataKey", key(json!("kms:Decrypt")));
            prop_assert_eq!(
                use_only.is_ok(),
                !foreign,
                "{:?}", use_only.err().map(|e| e.to_string())
            );
        }

        /// A service principal's grant is tied to its source only by a condition every request
        /// must meet with a value the policy names: `StringEquals`/`StringLike`/`ArnEquals`/
        /// `ArnLike`, alone or `ForAnyValue:`; `…IfExists`, `ForAllValues:`, `Null` and the
        /// negated operators let a request of any account's resource through.
        #[test]
        fn a_service_principal_is_tied_only_by_a_condition_requests_must_meet(
            set in prop::sample::select(vec!["", "ForAnyValue:", "ForAllValues:"]),
            base in prop::sample::select(vec!["StringEquals", "StringLike", "ArnEquals", "ArnLike", "StringNotEquals", "ArnNotLike", "Null"]),
            if_exists in any::<bool>(),
            key in prop::sample::select(vec!["aws:SourceAccount", "aws:SourceArn"]),
        ) {
            let operator = format!("{set}{base}{}", if if_exists { "IfExists" } else { "" });
            let value = match (base, key) {
                ("Null", _) => json!("false"),
                (_, "aws:SourceAccount") => json!({"Ref": "AWS::AccountId"}),
                _ => json!({"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:delivery-source:app"}),
            };
            let group = Raw::new(
                "AWS::Logs::LogGroup",
                json!({
                    "LogGroupName": "/demo/test/delivery", "RetentionInDays": 365,
                    "ResourcePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                        "Effect": "Allow", "Principal": {"Service": "delivery.logs.amazonaws.com"},
                        "Action": "logs:PutLogEvents", "Resource": {"Fn::GetAtt": ["Delivery", "Arn"]},
                        "Condition": {operator.clone(): {key: value}}
                    }]}
                }),
            );
            let tied = matches!(set, "" | "ForAnyValue:")
                && ["StringEquals", "StringLike", "ArnEquals", "ArnLike"].contains(&base)
                && !if_exists;
            let public = run("Delivery", group)
                .err()
                .is_some_and(|e| codes(e.findings()).contains(&"iam-public"));
            prop_assert_eq!(public, !tied, "{} {}", operator, key);
        }
    }

    fn named_policy(name: &str, role: &str) -> Result<Raw, infra_gen::Error> {
        Raw::new(
            "AWS::IAM::Policy",
            json!({
                "PolicyName": name,
                "Roles": [{"Ref": role}],
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "sns:Publish", "Resource": {"Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:ops"}}
                ]}
            }),
        )
        .map(Raw::stateless)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

        /// IAM keeps one inline policy per name on a role, wherever the policy is written: a
        /// raw policy named like another on the same role would replace it.
        #[test]
        fn inline_policies_of_one_name_on_one_role_collide(name in "[A-Za-z][A-Za-z0-9]{0,15}") {
            let two = app_with("us-west-2", DOCKERFILE, |s| {
                s.raw("First", named_policy(&name, "FunctionRole"))
                    .raw("Second", named_policy(&name.to_ascii_uppercase(), "FunctionRole"))
            })
            .expect("builds");
            // IAM's names are unique regardless of case.
            let err = pipeline::validated(&two).expect_err("refused");
            prop_assert!(err.to_string().contains(&format!("inline policy {} is also at", name.to_ascii_uppercase())), "{}", err);
            let distinct = app_with("us-west-2", DOCKERFILE, |s| {
                s.raw("First", named_policy(&format!("{name}A"), "FunctionRole"))
                    .raw("Second", named_policy(&format!("{name}B"), "FunctionRole"))
            })
            .expect("builds");
            prop_assert!(pipeline::validated(&distinct).is_ok());
        }

        /// A raw resource's list keyed by a name (its `Tags` by `Key`, an alarm's
        /// `Dimensions` by `Name`, a table's `AttributeDefinitions` by `AttributeName`, a
        /// rule's `Targets` by `Id`, a bucket's lifecycle `Rules` by `Id`) holds each name
        /// once, and lists sharing one namespace hold it once between them (a table's global
        /// and local secondary indexes by `IndexName`).
        #[test]
        fn a_raw_keyed_list_holds_each_name_once(
            names in prop::collection::vec(prop::sample::select(vec!["pk", "sk", "team", "FunctionName"]), 1..5),
            list in 0..6usize,
        ) {
            let entries: Vec<Value> = names.iter().map(|n| match list {
                0 => json!({"Key": n, "Value": "v"}),
                1 => json!({"Name": n, "Value": "v"}),
                2 => json!({"AttributeName": n, "AttributeType": "S"}),
                3 => json!({"IndexName": format!("{n}-index"), "Projection": {"ProjectionType": "KEYS_ONLY"}}),
                4 => json!({"Id": n, "Arn": {"Fn::GetAtt": ["Function", "Arn"]}}),
                _ => json!({"Id": n, "Status": "Enabled", "ExpirationInDays": 30}),
            }).collect();
            let raw = match list {
                0 => Raw::new("AWS::SQS::Queue", json!({"QueueName": "demo-test-keyed", "Tags": entries})),
                1 => Raw::new("AWS::CloudWatch::Alarm", json!({
                    "Namespace": "AWS/Lambda", "MetricName": "Errors", "Statistic": "Sum", "Period": 60,
                    "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                    "Dimensions": entries})),
                2 => Raw::new("AWS::DynamoDB::Table", json!({"TableName": "demo-test-keyed", "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": entries, "KeySchema": [{"AttributeName": names[0], "KeyType": "HASH"}]})),
                3 => {
                    // Every other index local: the two lists share the names.
                    let (mut global, mut local) = (Vec::new(), Vec::new());
                    for (i, mut e) in entries.into_iter().enumerate() {
                        if i % 2 == 0 {
                            e["KeySchema"] = json!([{"AttributeName": "owner", "KeyType": "HASH"}]);
                            global.push(e);
                        } else {
                            e["KeySchema"] = json!([{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "owner", "KeyType": "RANGE"}]);
                            local.push(e);
                        }
                    }
                    let mut table = json!({"TableName": "demo-test-keyed", "BillingMode": "PAY_PER_REQUEST",
                        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}, {"AttributeName": "owner", "AttributeType": "S"}],
                        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                        "GlobalSecondaryIndexes": global});
                    if !local.is_empty() {
                        table["LocalSecondaryIndexes"] = json!(local);
                    }
                    Raw::new("AWS::DynamoDB::Table", table)
                }
                4 => Raw::new("AWS::Events::Rule", json!({"ScheduleExpression": "rate(1 hour)", "Targets": entries})).map(Raw::stateless),
                _ => Raw::new("AWS::S3::Bucket", json!({"BucketName": "demo-test-keyed", "LifecycleConfiguration": {"Rules": entries}})),
            };
            let app = app_with("us-west-2", DOCKERFILE, |s| s.raw("Keyed", raw)).expect("builds");
            let twice = names.iter().enumerate().any(|(i, n)| names[..i].contains(n));
            let found = infra_gen::lint::lint(&app)
                .iter()
                .any(|f| f.code == "duplicate" && f.resource == "Keyed");
            prop_assert_eq!(found, twice, "{:?}", names);
        }

        /// Two resources AWS identifies by the same properties are one resource however each
        /// spells them (a `Ref`, a name, an ARN or queue URL built with `Fn::Sub`, a default
        /// left out): an alias by function and name, a log filter by log group and name, a
        /// queue policy by its queue, a rule by bus and name. Different identities pass.
        #[test]
        fn resources_of_one_identity_collide_however_spelled(
            kind in 0usize..4,
            a in (0usize..4, 0usize..2),
            b in (0usize..4, 0usize..2),
        ) {
            // Each spelling of the first part, with the resource it names.
            let spellings: [Vec<(Value, &str)>; 4] = [
                vec![(json!({"Ref": "Function"}), "fn"), (json!("demo-test"), "fn"),
                     (json!({"Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:demo-test"}), "fn"),
                     (json!("demo-other"), "other")],
                vec![(json!({"Ref": "Audit"}), "audit"), (json!("/demo/test/audit"), "audit"),
                     (json!({"Fn::Sub": "/demo/test/${Name}"}), "audit"), (json!("/demo/test/other"), "other")],
                vec![(json!({"Ref": "Jobs"}), "jobs"), (json!({"Fn::Sub": "https://sqs.${AWS::Region}.amazonaws.com/${AWS::AccountId}/demo-test-jobs"}), "jobs"),
                     (json!({"Ref": "Done"}), "done"), (json!({"Fn::Sub": "https://sqs.us-east-1.amazonaws.com/${AWS::AccountId}/demo-test-jobs"}), "east")],
                vec![(Value::Null, "default"), (json!("default"), "default"),
                     (json!({"Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default"}), "default"), (json!("custom"), "custom")],
            ];
            let make = |(first, second): (usize, usize)| {
                let (value, _) = spellings[kind][first].clone();
                let value = match value {
                    Value::Object(mut o) if o.get("Fn::Sub").is_some_and(|t| t == "/demo/test/${Name}") => {
                        o.insert("Fn::Sub".into(), json!(["/demo/test/${Name}", {"Name": "audit"}]));
                        Value::Object(o)
                    }
                    other => other,
                };
                let name = ["blue", "green"][second];
                match kind {
                    0 => Raw::new("AWS::Lambda::Alias", json!({"FunctionName": value, "FunctionVersion": "1", "Name": name})),
                    1 => Raw::new("AWS::Logs::SubscriptionFilter", json!({"LogGroupName": value, "FilterName": name, "FilterPattern": "",
                        "DestinationArn": {"Fn::GetAtt": ["Function", "Arn"]}})),
                    2 => Raw::new("AWS::SQS::QueuePolicy", json!({"Queues": [value], "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Principal": {"AWS": {"Fn::GetAtt": ["FunctionRole", "Arn"]}}, "Action": "sqs:SendMessage",
                         "Resource": {"Fn::Sub": format!("arn:${{AWS::Partition}}:sqs:${{AWS::Region}}:${{AWS::AccountId}}:demo-test-{name}")}}]}})),
                    _ => {
                        let mut rule = json!({"Name": name, "ScheduleExpression": "rate(1 hour)",
                            "Targets": [{"Id": "fn", "Arn": {"Fn::GetAtt": ["Function", "Arn"]}}]});
                        if !value.is_null() {
                            rule["EventBusName"] = value;
                        }
                        Raw::new("AWS::Events::Rule", rule)
                    }
                }.map(Raw::stateless)
            };
            let app = app_with("us-west-2", DOCKERFILE, |s| {
                s.raw("Audit", Raw::new("AWS::Logs::LogGroup", json!({"LogGroupName": "/demo/test/audit", "RetentionInDays": 365})))
                    .raw("Jobs", Raw::new("AWS::SQS::Queue", json!({"QueueName": "demo-test-jobs"})))
                    .raw("Done", Raw::new("AWS::SQS::Queue", json!({"QueueName": "demo-test-done"})))
                    .raw("First", make(a))
                    .raw("Second", make(b))
            }).expect("builds");
            // A queue policy's identity is its queue alone.
            let same = spellings[kind][a.0].1 == spellings[kind][b.0].1 && (kind == 2 || a.1 == b.1);
            let found = infra_gen::lint::lint(&app)
                .iter()
                .any(|f| f.code == "duplicate" && f.resource == "Second");
            prop_assert_eq!(found, same, "{} {:?} {:?}", kind, a, b);
        }

        /// A policy naming its role by the role's name (in any case: IAM ignores it) means the
        /// same role as one naming it by `Ref`.
        #[test]
        fn a_role_named_or_referenced_is_one_role(
            role in "[a-z][a-z0-9-]{2,20}",
            flips in prop::collection::vec(any::<bool>(), 1..8),
            same_role in any::<bool>(),
        ) {
            let spelled: String = role
                .chars()
                .zip(flips.iter().cycle())
                .map(|(c, f)| if *f { c.to_ascii_uppercase() } else { c })
                .collect();
            let by_name = |named: &str| {
                named_policy("extra", "Helper").map(|raw| {
                    let mut props = serde_json::to_value(raw.properties()).expect("JSON");
                    props["Roles"] = json!([named]);
                    props
                })
            };
            let app = app_with("us-west-2", DOCKERFILE, |s| {
                s.raw("Helper", Raw::new("AWS::IAM::Role", json!({"RoleName": role,
                    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}})))
                    .raw("ByRef", named_policy("extra", "Helper"))
                    .raw("ByName", by_name(if same_role { &spelled } else { "another-role" })
                        .and_then(|p| Raw::new("AWS::IAM::Policy", p)))
            })
            .expect("builds");
            let collides = infra_gen::lint::lint(&app)
                .iter()
                .any(|f| f.code == "duplicate" && f.message.contains("inline policy extra"));
            prop_assert_eq!(collides, same_role);
        }
    }

    #[test]
    fn a_raw_policy_named_like_the_functions_own_replaces_it_and_is_refused() {
        let err =
            run("Extra", named_policy("FunctionPermissions", "FunctionRole")).expect_err("refused");
        assert!(
            err.to_string()
                .contains("inline policy FunctionPermissions is also at"),
            "{err}"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        /// A managed policy's statements are not in the definition: attaching any is a
        /// finding, never a pass, whichever policy it is.
        #[test]
        fn a_raw_role_with_managed_policies_is_a_finding(
            policy in "(AdministratorAccess|ReadOnlyAccess|service-role/AWSLambdaBasicExecutionRole|[A-Z][A-Za-z]{3,20})",
        ) {
            let role = Raw::new(
                "AWS::IAM::Role",
                json!({
                    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
                    ]},
                    "ManagedPolicyArns": [{"Fn::Sub": format!("arn:${{AWS::Partition}}:iam::aws:policy/{policy}")}]
                }),
            );
            let err = run("Worker", role).expect_err("refused");
            prop_assert!(err.to_string().contains("managed policies"), "{}", err);
        }

        /// A raw Function URL is public unless it says AWS_IAM.
        #[test]
        fn a_raw_function_url_without_iam_auth_is_refused(auth in prop::sample::select(vec!["NONE", "AWS_IAM"])) {
            let url = Raw::new(
                "AWS::Lambda::Url",
                json!({"AuthType": auth, "TargetFunctionArn": {"Fn::GetAtt": ["Function", "Arn"]}}),
            )
            .map(Raw::stateless);
            let public = run("ExtraUrl", url)
                .err()
                .is_some_and(|e| codes(e.findings()).contains(&"iam-public"));
            prop_assert_eq!(public, auth == "NONE");
        }
    }

    #[test]
    fn changing_what_runs_with_a_role_escalates_and_starting_it_does_not() {
        let arn = |service: &str, resource: &str| json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{resource}")});
        let cases = [
            (
                "ecs:ExecuteCommand",
                arn("ecs", "task/prod/0123456789abcdef"),
                true,
            ),
            ("ecs:UpdateService", arn("ecs", "service/prod/api"), true),
            (
                "states:UpdateStateMachine",
                arn("states", "stateMachine:ops"),
                true,
            ),
            (
                "states:StartExecution",
                arn("states", "stateMachine:ops"),
                false,
            ),
            // SubmitJob's containerOverrides may replace the job definition's command.
            (
                "batch:SubmitJob",
                arn("batch", "job-definition/nightly"),
                true,
            ),
            (
                "ecs:StopTask",
                arn("ecs", "task/prod/0123456789abcdef"),
                false,
            ),
        ];
        for (action, resource, escalates) in cases {
            let found = run(
                "Extra",
                policy(json!({"Effect": "Allow", "Action": action, "Resource": resource})),
            )
            .err()
            .is_some_and(|e| codes(e.findings()).contains(&"iam-escalation"));
            assert_eq!(found, escalates, "{action}");
        }
    }

    #[test]
    fn a_raw_permission_for_every_principal_is_refused() {
        let permission = |principal: &str| {
            Raw::new(
                "AWS::Lambda::Permission",
                json!({
                    "Action": "lambda:InvokeFunction",
                    "FunctionName": {"Ref": "Function"},
                    "Principal": principal
                }),
            )
            .map(Raw::stateless)
        };
        let err = run("Open", permission("*")).expect_err("refused");
        assert!(codes(err.findings()).contains(&"iam-public"), "{err}");
        let named = run("Named", permission("123456789012"));
        assert!(
            named
                .as_ref()
                .err()
                .is_none_or(|e| !codes(e.findings()).contains(&"iam-public")),
            "{named:?}"
        );
    }

    #[test]
    fn a_raw_statement_without_principals_is_refused() {
        for (principal, empty) in [
            (json!({"AWS": []}), true),
            (json!({}), true),
            (json!({"Service": [], "AWS": []}), true),
            (
                json!({"AWS": {"Fn::GetAtt": ["FunctionRole", "Arn"]}}),
                false,
            ),
        ] {
            let key = Raw::new(
                "AWS::KMS::Key",
                json!({"KeyPolicy": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Principal": principal, "Action": "kms:Decrypt", "Resource": "*"}
                ]}}),
            );
            let refused = run("DataKey", key)
                .err()
                .is_some_and(|e| e.to_string().contains("names no principal"));
            assert_eq!(refused, empty, "{principal}");
        }
    }

    #[test]
    fn a_raw_document_without_statements_is_refused() {
        for statements in [
            json!([]),
            json!([{"Effect": "Allow", "Action": "sns:Publish", "Resource": {"Ref": "FunctionRole"}}]),
        ] {
            let raw = Raw::new(
                "AWS::IAM::Policy",
                json!({
                    "PolicyName": "extra",
                    "Roles": [{"Ref": "FunctionRole"}],
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}
                }),
            );
            let empty = statements.as_array().is_some_and(Vec::is_empty);
            let refused = run("Extra", raw)
                .err()
                .is_some_and(|e| e.to_string().contains("has no statement"));
            assert_eq!(refused, empty, "{statements}");
        }
    }

    #[test]
    fn two_statements_with_one_sid_in_a_raw_document_are_refused() {
        let statement = json!({"Sid": "Same", "Effect": "Allow", "Action": "sns:Publish", "Resource": {"Ref": "FunctionRole"}});
        let raw = Raw::new(
            "AWS::IAM::Policy",
            json!({
                "PolicyName": "extra",
                "Roles": [{"Ref": "FunctionRole"}],
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement, statement]}
            }),
        )
        .map(Raw::stateless);
        let err = run("Extra", raw).expect_err("refused");
        assert!(
            err.to_string().contains("two statements with Sid Same"),
            "{err}"
        );
    }

    #[test]
    fn inverted_statements_and_secrets_are_refused() {
        let not_action = run(
            "Extra",
            policy(
                json!({"Effect": "Allow", "NotAction": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/x"}),
            ),
        );
        assert!(codes(not_action.expect_err("refused").findings()).contains(&"iam-wildcard"));
        for principal in [
            json!("*"),
            json!({"AWS": ["arn:aws:iam::123456789012:root", "*"]}),
        ] {
            let open = run(
                "Extra",
                policy(
                    json!({"Effect": "Allow", "Principal": principal, "Action": "sns:Publish", "Resource": {"Ref": "FunctionRole"}}),
                ),
            );
            assert!(codes(open.expect_err("refused").findings()).contains(&"iam-public"));
        }
        let secret = run(
            "Token",
            Raw::new(
                "AWS::SSM::Parameter",
                json!({"Type": "String", "Value": "ghp_0123456789abcdefghijklmnopqrstuvwxyz"}),
            ),
        );
        assert!(codes(secret.expect_err("refused").findings()).contains(&"secret-in-env"));
    }

    #[test]
    fn unknown_types_and_properties_are_refused_by_the_schema_step() {
        let unknown = run("Pipe", Raw::new("AWS::Pipes::Pipe", json!({})));
        assert!(matches!(unknown, Err(Failure::Schema(_))), "{unknown:?}");
        let property = run(
            "Alerts",
            Raw::new(
                "AWS::SNS::Topic",
                json!({"TopicName": "t", "Colour": "blue"}),
            ),
        );
        let err = property.expect_err("refused");
        assert!(
            matches!(err, Failure::Schema(_)) && err.to_string().contains("Colour"),
            "{err}"
        );
        let attribute = app_with("us-west-2", DOCKERFILE, |s| {
            s.raw(
                "Alerts",
                Raw::new("AWS::SNS::Topic", json!({"TopicName": "t"})),
            )
            .env("ALERTS", "x")
            .raw(
                "Uses",
                Raw::new(
                    "AWS::SSM::Parameter",
                    json!({"Type": "String", "Value": {"Fn::GetAtt": ["Alerts", "Colour"]}}),
                ),
            )
        })
        .expect("builds");
        let err = pipeline::validated(&attribute).expect_err("no such attribute");
        assert!(err.to_string().contains("Colour"), "{err}");
    }

    fn identifiers() -> Vec<(String, Vec<String>, Vec<String>)> {
        super::raw_identifiers()
    }

    /// An app whose raw policy grants on a `Ref` to a raw resource of `type_name`.
    fn granted_on_a_ref_to(type_name: &str) -> infra_gen::App {
        app_with("us-west-2", DOCKERFILE, |s| {
            s.raw("Target", Raw::new(type_name, json!({})).map(Raw::stateless))
                .raw(
                    "Grant",
                    policy(json!({"Effect": "Allow", "Action": "sns:Publish", "Resource": {"Ref": "Target"}})),
                )
        })
        .expect("builds")
    }

    /// `Ref` of a raw resource returns what its schema identifies it by: a grant on it passes
    /// the ARN check exactly when that is one property named as an ARN (`TopicArn`).
    #[test]
    fn a_raw_ref_is_an_arn_exactly_when_its_schema_identifies_the_type_by_one_arn() {
        for (type_name, primary, _) in identifiers() {
            let app = granted_on_a_ref_to(&type_name);
            let refused = infra_gen::lint::lint(&app)
                .iter()
                .any(|f| f.resource == "Grant" && f.message.contains("only by ARN"));
            let arn = matches!(primary.as_slice(), [one] if one.ends_with("Arn"));
            assert_eq!(refused, !arn, "{type_name} {primary:?}");
        }
    }

    /// A raw type without a vendored schema says nothing about its `Ref`: it is not taken for
    /// an ARN.
    #[test]
    fn a_ref_to_a_raw_type_without_a_schema_is_not_taken_for_an_arn() {
        let known: Vec<String> = identifiers().into_iter().map(|(t, ..)| t).collect();
        proptest!(ProptestConfig::with_cases(16), |(service in "[A-Z][a-z]{2,8}", kind in "[A-Z][a-zA-Z]{2,12}")| {
            let type_name = format!("AWS::{service}::{kind}");
            prop_assume!(!known.contains(&type_name));
            let app = granted_on_a_ref_to(&type_name);
            let f = infra_gen::lint::lint(&app);
            prop_assert!(
                f.iter().any(|f| f.resource == "Grant" && f.message.contains("does not say is an ARN")),
                "{f:?}"
            );
        });
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// A resource's own `Principal` naming a literal account grants that account, which
        /// a raw resource cannot declare; the stack's own account and service principals are
        /// fine.
        #[test]
        fn a_raw_permission_for_a_literal_account_is_refused_and_for_its_own_or_a_service_is_not(
            principal in prop_oneof![
                "[0-9]{12}".prop_map(|a| json!(a)),
                ("(aws|aws-cn|aws-us-gov)", "[0-9]{12}", "(root|role/[a-z]{1,10}|user/[a-z]{1,10})")
                    .prop_map(|(p, a, r)| json!(format!("arn:{p}:iam::{a}:{r}"))),
                Just(json!({"Ref": "AWS::AccountId"})),
                "[a-z][a-z0-9-]{1,20}".prop_map(|s| json!(format!("{s}.amazonaws.com"))),
            ],
        ) {
            let permission = Raw::new(
                "AWS::Lambda::Permission",
                json!({"Action": "lambda:InvokeFunction", "FunctionName": {"Ref": "Function"}, "Principal": principal.clone()}),
            );
            let refused = run("Grant", permission)
                .err()
                .is_some_and(|e| codes(e.findings()).contains(&"iam-scope"));
            let literal_account = principal.as_str().is_some_and(|p| !p.ends_with(".amazonaws.com"));
            prop_assert_eq!(refused, literal_account, "{}", principal);
        }

        /// A trust policy naming an IAM principal lets it assume the role (a role chain): the
        /// modelled roles trust only services and GitHub's OIDC provider, and a raw role is
        /// held to the same; a service principal is fine.
        #[test]
        fn a_raw_role_trusting_an_iam_principal_escalates_and_trusting_a_service_does_not(
            principal in prop_oneof![
                Just(json!({"AWS": {"Fn::GetAtt": ["FunctionRole", "Arn"]}})),
                "[A-Za-z][A-Za-z0-9+=,.@_-]{0,30}".prop_map(|n| json!({"AWS": {"Fn::Sub": format!("arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/{n}")}})),
                "[0-9]{12}".prop_map(|a| json!({"AWS": format!("arn:aws:iam::{a}:root")})),
                "[a-z][a-z0-9-]{1,20}".prop_map(|s| json!({"Service": format!("{s}.amazonaws.com")})),
            ],
        ) {
            let role = Raw::new(
                "AWS::IAM::Role",
                json!({
                    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Principal": principal.clone(), "Action": "sts:AssumeRole"}
                    ]},
                    "Policies": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q"}}
                    ]}}]
                }),
            )
            .map(Raw::stateless);
            let escalates = run("Chained", role)
                .err()
                .is_some_and(|e| codes(e.findings()).contains(&"iam-escalation"));
            prop_assert_eq!(escalates, principal.get("AWS").is_some(), "{}", principal);
        }
    }
}

mod physical_names {
    //! Lint `region`: two resources of one name in one scope are one resource to AWS. The
    //! scope is the region, or every region for a type whose ARN has none (IAM's, an S3
    //! bucket's); IAM compares names regardless of case, and so does a service that keeps a
    //! name in lowercase (RDS identifiers, by their schemas); every other vendored type exactly.

    use super::common::{DOCKERFILE, codes, service_stacks};
    use infra_gen::App;
    use infra_gen::model::raw::Raw;
    use proptest::prelude::*;
    use serde_json::{Value, json};

    /// The vendored types a template names: one identifying property the template sets, or,
    /// for a type CloudFormation identifies by what it assigns (a queue's URL, a topic's
    /// ARN, a secret's ID), the name property AWS builds that from.
    fn named_types() -> Vec<(String, String)> {
        let assigned = [
            ("AWS::SQS::Queue", "QueueName"),
            ("AWS::SNS::Topic", "TopicName"),
            ("AWS::SecretsManager::Secret", "Name"),
        ];
        super::raw_identifiers()
            .into_iter()
            .filter_map(|(t, primary, read_only)| match primary.as_slice() {
                [one] if !read_only.contains(one) => Some((t, one.clone())),
                _ => assigned
                    .iter()
                    .find(|(a, _)| *a == t)
                    .map(|(_, p)| (t.clone(), (*p).to_owned())),
            })
            .collect()
    }

    /// Whether AWS holds names of `type_name` unique beyond a region: read from AWS's IAM
    /// data, where the ARN format of a resource type so held leaves its region empty (an IAM
    /// role's `arn:${Partition}:iam::${Account}:role/…`, an S3 bucket's
    /// `arn:${Partition}:s3:::${BucketName}`). The resource type is the service's (the type's
    /// second part, lowercased) of the type's third part, compared without case or hyphens.
    fn held_beyond_the_region(type_name: &str) -> bool {
        let text = crate::iam_data();
        let mut parts = type_name.split("::").skip(1);
        let service = parts.next().expect("service").to_ascii_lowercase();
        let resource: String = parts
            .next()
            .expect("resource")
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let mut in_service = false;
        for line in text.lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            match fields.as_slice() {
                ["S", prefix, ..] => in_service = *prefix == service,
                ["R", name, arn, ..] if in_service && name.replace('-', "") == resource => {
                    return arn.split(':').nth(3) == Some("");
                }
                _ => {}
            }
        }
        false
    }

    fn two_services(a: (&str, Value), b: (&str, Value), type_name: &str) -> App {
        let mut app = App::new();
        for (service, (region, props)) in [("alpha", a), ("beta", b)] {
            let stacks = service_stacks(service, region, DOCKERFILE, |s| {
                s.raw("Named", Raw::new(type_name, props).map(Raw::stateless))
            })
            .unwrap_or_else(|e| panic!("{type_name}: {e}"));
            for stack in stacks {
                app.push(stack);
            }
        }
        app
    }

    /// Whether the service keeps `property` of `type_name` in lowercase, as its schema's
    /// description says in its own words (an RDS identifier "is stored as a lowercase
    /// string"), so names differing only in case are one.
    fn stored_lowercase(type_name: &str, property: &str) -> bool {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../schemas/cloudformation");
        std::fs::read_dir(dir).expect("schemas").any(|entry| {
            let text = std::fs::read_to_string(entry.expect("entry").path()).expect("read");
            let schema: Value = serde_json::from_str(&text).expect("JSON");
            schema["typeName"] == type_name
                && schema["properties"][property]["description"]
                    .as_str()
                    .is_some_and(|d| {
                        let d = d.to_ascii_lowercase();
                        d.contains("lowercase")
                            && (d.contains("converts") || d.contains("stored as"))
                    })
        })
    }

    fn flip_case(name: &str, flips: &[bool]) -> String {
        name.chars()
            .zip(flips.iter().cycle())
            .map(|(c, flip)| if *flip { c.to_ascii_uppercase() } else { c })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

        #[test]
        fn names_collide_in_their_scope_and_case_rule_only(
            which in any::<prop::sample::Index>(),
            name in "gen-[a-z][a-z0-9-]{2,20}",
            other in "gen-[a-z][a-z0-9-]{2,20}",
            flips in prop::collection::vec(any::<bool>(), 1..8),
            second_region in prop::sample::select(vec!["us-west-2", "us-east-1"]),
            same_name in any::<bool>(),
            with_account in any::<bool>(),
        ) {
            let types = named_types();
            let (type_name, property) = &types[which.index(types.len())];
            let ignores_case = type_name.starts_with("AWS::IAM::") || stored_lowercase(type_name, property);
            let second = if same_name { flip_case(&name, &flips) } else { other.clone() };
            // The app is one account: a name built with the account is the same in every stack.
            let value = |n: &str| if with_account {
                json!({"Fn::Sub": format!("{n}-${{AWS::AccountId}}")})
            } else {
                json!(n)
            };
            let app = two_services(
                ("us-west-2", json!({property.as_str(): value(&name)})),
                (second_region, json!({property.as_str(): value(&second)})),
                type_name,
            );
            let collides = codes(&infra_gen::lint::lint(&app)).contains(&"region");
            let one_name = if ignores_case { name.eq_ignore_ascii_case(&second) } else { name == second };
            let one_scope = held_beyond_the_region(type_name) || second_region == "us-west-2";
            prop_assert_eq!(collides, one_name && one_scope, "{} {} / {} in {}", type_name, name, second, second_region);
        }

        /// A schedule's name is unique within its group (`schedule/${GroupName}/${ScheduleName}`
        /// in AWS's data): one name in two groups is two schedules.
        #[test]
        fn schedules_collide_only_within_one_group(
            name in "gen-[a-z][a-z0-9-]{2,20}",
            groups in (prop::option::of("g[a-z0-9]{1,3}"), prop::option::of("g[a-z0-9]{1,3}")),
        ) {
            let props = |group: &Option<String>| {
                let mut p = json!({
                    "Name": name,
                    "FlexibleTimeWindow": {"Mode": "OFF"},
                    "ScheduleExpression": "rate(1 hour)",
                    // A target of the stack's account and region (Scheduler reaches no other).
                    "Target": {"Arn": {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q"}, "RoleArn": "arn:aws:iam::123456789012:role/r"},
                });
                if let Some(g) = group {
                    p["GroupName"] = json!(g);
                }
                p
            };
            let app = two_services(
                ("us-west-2", props(&groups.0)),
                ("us-west-2", props(&groups.1)),
                "AWS::Scheduler::Schedule",
            );
            let collides = codes(&infra_gen::lint::lint(&app)).contains(&"region");
            prop_assert_eq!(collides, groups.0 == groups.1, "{:?}", groups);
        }

        /// A raw log group named like a function's own (`/aws/lambda/<function name>`) is the
        /// log group the service already creates.
        #[test]
        fn a_raw_log_group_named_like_a_functions_own_collides(service in "[a-z][a-z0-9]{2,12}") {
            let [_, stack] = service_stacks(&service, "us-west-2", DOCKERFILE, |s| s).expect("builds");
            let function = stack
                .template
                .resources
                .iter()
                .find_map(|r| r.properties.physical_name().filter(|(what, _)| *what == "function name"))
                .map(|(_, name)| name.to_owned())
                .expect("a function");
            let stacks = service_stacks(&service, "us-west-2", DOCKERFILE, |s| {
                s.raw(
                    "MoreLogs",
                    Raw::new("AWS::Logs::LogGroup", json!({"LogGroupName": format!("/aws/lambda/{function}"), "RetentionInDays": 365}))
                        .map(Raw::stateless),
                )
            })
            .expect("builds");
            let mut app = App::new();
            for s in stacks {
                app.push(s);
            }
            let f = infra_gen::lint::lint(&app);
            // Reported on whichever of the two comes second in the template.
            prop_assert!(
                f.iter().any(|x| x.code == "region" && (x.resource == "MoreLogs" || x.message.contains("MoreLogs"))),
                "{f:?}"
            );
        }
    }

    proptest! {
        /// Every account has an event bus named `default` in every region, where a rule naming
        /// no bus goes: a raw event bus of that name, however spelled (`Fn::Sub`, `Fn::Join`),
        /// is refused, and a bus of any other name (`default-bus`, `defaults`) is not.
        #[test]
        fn the_default_event_bus_is_every_accounts_own(
            name in prop::sample::select(vec!["default", "default-bus", "defaults", "my-default", "Default2", "orders"]),
            spelling in 0usize..3,
        ) {
            let value = match spelling {
                0 => json!(name),
                1 => json!({"Fn::Sub": ["${N}", {"N": name}]}),
                _ => json!({"Fn::Join": ["", [&name[..1], &name[1..]]]}),
            };
            let [registry, service] = service_stacks("demo", "us-west-2", DOCKERFILE, |s| {
                s.raw("Bus", Raw::new("AWS::Events::EventBus", json!({"Name": value})))
            })
            .expect("builds");
            let mut app = App::new();
            app.push(registry);
            app.push(service);
            let f = infra_gen::lint::lint(&app);
            let refused = f.iter().any(|x| x.code == "region" && x.resource == "Bus");
            prop_assert_eq!(refused, name == "default", "{:?}", f);
        }

        /// A value beginning with a prefix its type's schema description reserves for AWS (a
        /// KMS alias under `alias/aws/`, AWS managed keys' aliases; `build.rs` reads the
        /// sentence) is refused, however spelled; a name merely like it is not.
        #[test]
        fn a_prefix_the_schema_reserves_for_aws_is_refused(
            head in prop::sample::select(vec!["alias/aws/", "alias/aws-", "alias/awsx/", "alias/", "alias/team/aws/"]),
            tail in "[a-z]{1,8}[0-9]{0,3}",
            spelling in 0usize..3,
        ) {
            let name = format!("{head}{tail}");
            let value = match spelling {
                0 => json!(name),
                1 => json!({"Fn::Sub": format!("{head}${{AWS::Region}}-{tail}")}),
                _ => json!({"Fn::Join": ["", [head, tail]]}),
            };
            let [registry, service] = service_stacks("demo", "us-west-2", DOCKERFILE, |s| {
                s.raw("Key", Raw::new("AWS::KMS::Key", json!({"EnableKeyRotation": true,
                    "KeyPolicy": {"Version": "2012-10-17", "Statement": [
                        {"Sid": "Root", "Effect": "Allow",
                         "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
                         "Action": "kms:*", "Resource": "*"}]}})))
                .raw("KeyAlias", Raw::new("AWS::KMS::Alias", json!({"AliasName": value, "TargetKeyId": {"Ref": "Key"}})).map(Raw::stateless))
            })
            .expect("builds");
            let mut app = App::new();
            app.push(registry);
            app.push(service);
            let f = infra_gen::lint::lint(&app);
            let refused = f.iter().any(|x| x.code == "duplicate" && x.resource == "KeyAlias");
            prop_assert_eq!(refused, head == "alias/aws/", "{:?}", f);
        }

        /// A region a raw resource names (a secret's replica, a subscription's topic) is one AWS
        /// has, written as AWS writes it: `EU-WEST-1` or `eu-central-3` is refused, as
        /// `Environment::new` refuses it; a region AWS has passes, and a flag named like one
        /// (`MultiRegion`) is no region.
        #[test]
        fn a_region_a_raw_resource_names_is_one_aws_has(
            region in prop::sample::select(vec!["eu-west-1", "ap-southeast-2", "us-east-2", "eu-central-3", "us-west-9", "ap-north-1"]),
            upper in any::<bool>(),
            subscription in any::<bool>(),
        ) {
            let written = if upper { region.to_uppercase() } else { region.to_owned() };
            let real = !upper && ["eu-west-1", "ap-southeast-2", "us-east-2"].contains(&region);
            let raw = if subscription {
                Raw::new("AWS::SNS::Subscription", json!({"Protocol": "sqs", "Region": written,
                    "TopicArn": {"Fn::Sub": format!("arn:${{AWS::Partition}}:sns:{region}:${{AWS::AccountId}}:alerts")},
                    "Endpoint": {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q"}}))
                .map(Raw::stateless)
            } else {
                Raw::new("AWS::SecretsManager::Secret", json!({"Name": "demo/db", "ReplicaRegions": [{"Region": written}],
                    "GenerateSecretString": {"PasswordLength": 32}}))
            };
            let [registry, service] = service_stacks("demo", "us-west-2", DOCKERFILE, |s| s.raw("Named", raw))
                .expect("builds");
            let mut app = App::new();
            app.push(registry);
            app.push(service);
            let f = infra_gen::lint::lint(&app);
            let refused = f.iter().any(|x| x.code == "region" && x.message.contains("which AWS does not have"));
            prop_assert_eq!(refused, !real, "{:?}", f);
        }
    }
}

mod fifo {
    //! Lint `fifo`: SQS redrives a queue only to a dead-letter queue of its own kind, and Lambda
    //! sends asynchronous invocation records only to standard queues and topics — whichever
    //! way the definition names the queue (a modelled queue, a raw one flagged or named FIFO, an
    //! ARN it fixes).

    use super::common::{DOCKERFILE, app_with};
    use infra_gen::lint::lint;
    use infra_gen::model::lambda::events::AsyncInvoke;
    use infra_gen::model::raw::Raw;
    use infra_gen::model::sqs::{Queue, QueueName, Redrive};
    use infra_gen::model::{Expr, LogicalId};
    use proptest::prelude::*;
    use serde_json::{Value, json};

    fn name(base: &str, fifo: bool) -> String {
        if fifo {
            format!("{base}.fifo")
        } else {
            base.to_owned()
        }
    }

    /// `FifoQueue: true` as written: a boolean or its text in any case, which CloudFormation
    /// converts to the boolean.
    const TRUE: [&str; 3] = ["true", "\"true\"", "\"True\""];

    /// The target as the source names it — the stack's queue by `GetAtt` (0), a raw queue (1;
    /// a FIFO one flagged, CloudFormation naming it), an ARN with the name fixed (2), the
    /// stack's queue by `Sub` (3) — and the raw queue to add.
    fn target(route: u8, base: &str, fifo: bool, service: &str) -> (Value, Option<Raw>) {
        let n = name(base, fifo);
        match route {
            0 => (json!({"Fn::GetAtt": ["Dlq", "Arn"]}), None),
            1 => {
                let mut props = json!({"QueueName": base});
                if fifo {
                    let flag = TRUE[base.len() % TRUE.len()];
                    props =
                        json!({"FifoQueue": serde_json::from_str::<Value>(flag).expect("JSON")});
                }
                let raw = Raw::new("AWS::SQS::Queue", props).expect("valid");
                (json!({"Fn::GetAtt": ["Dlq", "Arn"]}), Some(raw))
            }
            3 => (json!({"Fn::Sub": "${Dlq.Arn}"}), None),
            _ => (
                json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{n}")}),
                None,
            ),
        }
    }

    fn fifo_findings(app: &infra_gen::App) -> usize {
        lint(app).iter().filter(|f| f.code == "fifo").count()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// A redrive is refused exactly when the two queues' kinds differ.
        #[test]
        fn a_dead_letter_queue_of_the_other_kind_is_a_finding(
            source_fifo: bool,
            dlq_fifo: bool,
            raw_source: bool,
            route in 0u8..4,
            base in "[a-z][a-z0-9-]{0,20}",
        ) {
            let (arn, raw_dlq) = target(route, &format!("{base}-dlq"), dlq_fifo, "sqs");
            let app = app_with("us-west-2", DOCKERFILE, |mut s| {
                if route == 0 || route == 3 {
                    s = s.queue("Dlq", QueueName::new(&name(&format!("{base}-dlq"), dlq_fifo)).map(Queue::new));
                }
                if let Some(raw) = raw_dlq.clone() {
                    s = s.raw("Dlq", Ok(raw));
                }
                if raw_source {
                    let mut props = json!({"QueueName": name(&base, source_fifo),
                        "RedrivePolicy": {"deadLetterTargetArn": arn.clone(), "maxReceiveCount": 5}});
                    if source_fifo {
                        props["FifoQueue"] = json!(true);
                    }
                    s.raw("Source", Raw::new("AWS::SQS::Queue", props))
                } else {
                    let expr = match arn["Fn::Sub"].as_str() {
                        Some(text) => Expr::sub(text),
                        None => Expr::get_att(&LogicalId::new("Dlq").expect("valid"), "Arn"),
                    };
                    s.queue("Source", QueueName::new(&name(&base, source_fifo)).and_then(|n| {
                        let mut q = Queue::new(n);
                        q.redrive = Some(Redrive::new(expr, 5)?);
                        Ok(q)
                    }))
                }
            }).expect("builds");
            let expected = usize::from(source_fifo != dlq_fifo);
            prop_assert_eq!(fifo_findings(&app), expected, "{:#?}", lint(&app));
        }

        /// An asynchronous destination is refused exactly when it is a FIFO queue or topic.
        #[test]
        fn a_fifo_async_destination_is_a_finding(
            fifo: bool,
            raw_config: bool,
            topic: bool,
            base in "[a-z][a-z0-9-]{0,20}",
        ) {
            let app = app_with("us-west-2", DOCKERFILE, |s| {
                if raw_config {
                    let service = if topic { "sns" } else { "sqs" };
                    let dest = format!("arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{}", name(&base, fifo));
                    s.raw("Async", Raw::new("AWS::Lambda::EventInvokeConfig", json!({
                        "FunctionName": {"Ref": "Function"}, "Qualifier": "$LATEST",
                        "DestinationConfig": {"OnFailure": {"Destination": {"Fn::Sub": dest}}}})).map(Raw::stateless))
                } else {
                    s.queue("Failed", QueueName::new(&name(&base, fifo)).map(Queue::new))
                        .on_async_failure(AsyncInvoke::new(1, 600), "Failed")
                }
            }).expect("builds");
            prop_assert_eq!(fifo_findings(&app), usize::from(fifo), "{:#?}", lint(&app));
        }

        /// A standard queue's dead-letter queue keeping messages for less time than the queue
        /// is refused (SQS keeps a moved message's enqueue time, so it would be deleted on
        /// arrival); as long or longer passes, and so does any FIFO pair (SQS resets the time),
        /// whichever way either queue is written (modelled, raw with the retention literal,
        /// computed by `Fn::Sub`, or left to SQS's four days).
        #[test]
        fn a_dead_letter_queue_keeping_messages_shorter_than_its_standard_queue_is_a_finding(
            source in prop::sample::select(&[None, Some(60u32), Some(86_400), Some(345_600), Some(1_209_600)][..]),
            dead in prop::sample::select(&[None, Some(60u32), Some(86_400), Some(345_600), Some(1_209_600)][..]),
            fifo: bool,
            raw_source: bool,
            raw_dead: bool,
            sub: bool,
        ) {
            let secs = |r: Option<u32>| r.unwrap_or(345_600);
            let value = |n: u32| if sub { json!({"Fn::Sub": ["${S}", {"S": n.to_string()}]}) } else { json!(n) };
            let raw_queue = |n: &str, r: Option<u32>, redrive: bool| {
                let mut props = json!({"QueueName": name(n, fifo)});
                if fifo { props["FifoQueue"] = json!(true); }
                if let Some(r) = r { props["MessageRetentionPeriod"] = value(r); }
                if redrive {
                    props["RedrivePolicy"] = json!({"deadLetterTargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}, "maxReceiveCount": 5});
                }
                Raw::new("AWS::SQS::Queue", props)
            };
            let modelled = |n: &str, r: Option<u32>, redrive: bool| {
                QueueName::new(&name(n, fifo)).and_then(|n| {
                    let mut q = Queue::new(n);
                    if let Some(r) = r { q.retention = infra_gen::model::sqs::MessageRetention::new(r)?; }
                    if redrive {
                        q.redrive = Some(Redrive::new(Expr::get_att(&LogicalId::new("Dlq")?, "Arn"), 5)?);
                    }
                    Ok(q)
                })
            };
            let app = app_with("us-west-2", DOCKERFILE, |s| {
                let s = if raw_dead { s.raw("Dlq", raw_queue("work-dlq", dead, false)) } else { s.queue("Dlq", modelled("work-dlq", dead, false)) };
                if raw_source { s.raw("Work", raw_queue("work", source, true)) } else { s.queue("Work", modelled("work", source, true)) }
            }).expect("builds");
            let found: Vec<_> = lint(&app).into_iter().filter(|f| f.code == "dead-letter").collect();
            let expected = usize::from(!fifo && secs(dead) < secs(source));
            prop_assert_eq!(found.len(), expected, "{:#?}", found);
            if let Some(f) = found.first() {
                prop_assert_eq!(f.resource.as_str(), "Work");
                prop_assert!(f.message.contains("Dlq") && f.fix.contains(&secs(source).to_string()), "{}", f);
            }
        }
    }

    #[test]
    fn the_finding_names_stack_resource_and_fix() {
        let app = app_with("us-west-2", DOCKERFILE, |s| {
            s.queue("Failed", QueueName::new("demo-failed").map(Queue::new))
                .queue(
                    "Work",
                    QueueName::new("demo-work.fifo").and_then(|n| {
                        let mut q = Queue::new(n);
                        q.redrive = Some(Redrive::new(
                            Expr::get_att(&LogicalId::new("Failed")?, "Arn"),
                            5,
                        )?);
                        Ok(q)
                    }),
                )
        })
        .expect("builds");
        let f = lint(&app);
        let f: Vec<_> = f.iter().filter(|f| f.code == "fifo").collect();
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].resource, "Work");
        assert!(f[0].stack.starts_with("demo-test-"), "{}", f[0]);
        assert!(f[0].fix.contains(".fifo"), "{}", f[0]);
    }
}

mod sam_schedule_names {
    //! Lint `region`: SAM names a function's `ScheduleV2` schedule `<function's logical ID><event
    //! name>` in the default group, so two stacks in one account and region whose functions
    //! share a logical ID and a schedule name (or a raw schedule of that name) collide.

    use super::common::{DOCKERFILE, service_stacks};
    use infra_gen::App;
    use infra_gen::builders::Schedule;
    use infra_gen::lint::lint;
    use infra_gen::model::raw::Raw;
    use proptest::prelude::*;
    use serde_json::json;

    fn collisions(app: &App) -> usize {
        lint(app)
            .iter()
            .filter(|f| f.code == "region" && f.message.contains("default/Function"))
            .count()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// Two services' schedules collide exactly when region and event name are the same.
        #[test]
        fn two_stacks_schedules_of_one_name_in_one_region_collide(
            same_region: bool,
            first in "[A-Z][a-z]{1,8}",
            other in "[A-Z][a-z]{1,8}",
            same_name: bool,
            raw: bool,
        ) {
            let second = if same_name { first.clone() } else { other };
            let regions = ["us-west-2", if same_region { "us-west-2" } else { "us-east-1" }];
            let mut app = App::new();
            for s in service_stacks("alpha", regions[0], DOCKERFILE, |s| {
                s.schedule(&first, Schedule::new("rate(1 hour)"))
            }).expect("builds") {
                app.push(s);
            }
            let second_name = second.clone();
            for s in service_stacks("beta", regions[1], DOCKERFILE, |s| {
                if raw {
                    // A raw schedule named as SAM names the first service's.
                    s.raw("Other", Raw::new("AWS::Scheduler::Schedule", json!({
                        "Name": format!("Function{second_name}"), "ScheduleExpression": "rate(1 hour)",
                        "FlexibleTimeWindow": {"Mode": "OFF"},
                        "Target": {"Arn": {"Fn::GetAtt": ["Function", "Arn"]}, "RoleArn": {"Fn::GetAtt": ["FunctionRole", "Arn"]}}})).map(Raw::stateless))
                } else {
                    s.schedule(&second_name, Schedule::new("rate(1 hour)"))
                }
            }).expect("builds") {
                app.push(s);
            }
            let expected = usize::from(same_region && first == second);
            prop_assert_eq!(collisions(&app), expected, "{:#?}", lint(&app));
        }

        /// SAM's name for the schedule, `Function<name>`, must fit EventBridge Scheduler's 64
        /// characters: a longer name is a builder error naming the stack, a shorter one builds.
        #[test]
        fn a_schedule_name_sam_cannot_fit_in_64_characters_is_refused(name in "[A-Z][A-Za-z0-9]{0,70}") {
            let built = service_stacks("alpha", "us-west-2", DOCKERFILE, |s| {
                s.schedule(&name, Schedule::new("rate(1 hour)"))
            });
            if "Function".len() + name.len() <= 64 {
                prop_assert!(built.is_ok(), "{:?}", built.err());
            } else {
                let e = built.expect_err("too long").to_string();
                prop_assert!(e.contains("alpha-test-service") && e.contains("fix:") && e.contains("56"), "{}", e);
            }
        }
    }
}
