//! The integrity lints on generated cases: a duplicate of any kind injected anywhere is one
//! `duplicate` finding naming both places; an image is exactly the imported repository at
//! `${ImageTag}` or a digest (`image-source`); an alarm notifies only in its own region
//! (`region`). Valid variations of each are generated too, and must pass.

mod common;

use common::{DOCKERFILE, app_with, function_mut, valid_app};
use infra_gen::builders::Alarms;
use infra_gen::lint::lint;
use infra_gen::model::lambda::{EnvName, EnvVar};
use infra_gen::model::{Expr, LogicalId, Parameter, Properties};
use infra_gen::{App, Finding};
use proptest::prelude::*;
use proptest::sample::Index;

fn of(app: &App, code: &str) -> Vec<Finding> {
    lint(app).into_iter().filter(|f| f.code == code).collect()
}

const REGIONS: [&str; 8] = [
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "sa-east-1",
    "ca-central-1",
];

/// What a duplicate is injected as.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Resource,
    ParameterAsResource,
    Parameter,
    Output,
    EnvVar,
    Sid,
    Export,
    Stack,
}

const KINDS: [Kind; 8] = [
    Kind::Resource,
    Kind::ParameterAsResource,
    Kind::Parameter,
    Kind::Output,
    Kind::EnvVar,
    Kind::Sid,
    Kind::Export,
    Kind::Stack,
];

/// Injects one duplicate of `kind` into `app`, choosing the stack, entry and position with
/// `a`, `b` and `c`; returns the later place (stack, resource) and the earlier place `stack › place`.
fn inject(app: &mut App, kind: Kind, [a, b, c]: [Index; 3]) -> (String, String, String) {
    let s = a.index(app.stacks().len());
    let stack = app.stacks()[s].clone();
    let name = stack.name.to_string();
    let t = &mut app.stacks_mut()[s].template;
    match kind {
        Kind::Resource => {
            // A copy of one resource, somewhere after it.
            let len = t.resources.len();
            let p = b.index(len);
            let r = t.resources[p].clone();
            let id = r.id.to_string();
            t.resources.insert(p + 1 + c.index(len - p), r);
            (name.clone(), id.clone(), format!("{name} › {id}"))
        }
        Kind::ParameterAsResource => {
            let id = t.resources[b.index(t.resources.len())].id.clone();
            t.parameters.push(parameter(id.as_str()));
            (
                name.clone(),
                id.to_string(),
                format!("{name} › Parameters.{id}"),
            )
        }
        Kind::Parameter => {
            t.parameters.push(parameter("Extra"));
            t.parameters.push(parameter("Extra"));
            (
                name.clone(),
                "Parameters.Extra".into(),
                format!("{name} › Parameters.Extra"),
            )
        }
        Kind::Output => {
            let mut o = t.outputs[b.index(t.outputs.len())].clone();
            o.export = None;
            let place = format!("Outputs.{}", o.id);
            t.outputs.push(o);
            (name.clone(), place.clone(), format!("{name} › {place}"))
        }
        Kind::EnvVar => {
            let f = function_mut(app);
            let k = b.index(f.environment.len());
            let mut dup = f.environment[k].clone();
            dup.value = Expr::literal("other");
            f.environment.push(dup);
            let service = app.stacks()[1].name.to_string();
            (
                service.clone(),
                "Function".into(),
                format!("{service} › Function"),
            )
        }
        Kind::Sid => {
            let service = &mut app.stacks_mut()[1];
            let service_name = service.name.to_string();
            let role = service
                .template
                .resources
                .iter_mut()
                .find_map(|r| match &mut r.properties {
                    Properties::Role(role) => Some(role),
                    _ => None,
                })
                .expect("a role");
            let statements = &mut role.policies[0].statements;
            let dup = statements[b.index(statements.len())].clone();
            statements.push(dup);
            (
                service_name.clone(),
                "FunctionRole".into(),
                format!("{service_name} › FunctionRole"),
            )
        }
        Kind::Export => {
            // The registry's export again, from the service.
            let export = app.stacks()[0].template.outputs[0].export.clone();
            let earlier = format!(
                "{} › Outputs.{}",
                app.stacks()[0].name,
                app.stacks()[0].template.outputs[0].id
            );
            let service = &mut app.stacks_mut()[1];
            let mut o = service.template.outputs[0].clone();
            o.id = LogicalId::new("Again").expect("valid");
            o.export = export;
            service.template.outputs.push(o);
            (service.name.to_string(), "Outputs.Again".into(), earlier)
        }
        Kind::Stack => {
            let mut copy = stack.clone();
            for o in &mut copy.template.outputs {
                o.export = None;
            }
            let place = format!("stack in {}", stack.environment.region());
            app.push(copy);
            (name.clone(), place.clone(), format!("{name} › {place}"))
        }
    }
}

/// A raw `AWS::Lambda::Function` running `image_uri` on the fixture's architecture, added to
/// the service stack.
fn push_raw_function(app: &mut App, image_uri: serde_json::Value) {
    let raw = infra_gen::model::raw::Raw::new(
        "AWS::Lambda::Function",
        serde_json::json!({"PackageType": "Image", "Code": {"ImageUri": image_uri}, "Role": "r", "Architectures": ["arm64"]}),
    )
    .expect("valid raw");
    app.stacks_mut()[1].template.resources.push(
        infra_gen::model::Resource::new(
            LogicalId::new("Helper").expect("valid"),
            Properties::Raw(raw),
        )
        .retained(),
    );
}

fn parameter(id: &str) -> Parameter {
    Parameter {
        id: LogicalId::new(id).expect("valid"),
        description: "a parameter".into(),
        allowed_pattern: "^[a-z]+$".into(),
        constraint_description: "lowercase letters".into(),
        kind: infra_gen::model::ParameterKind::String,
        default: None,
    }
}

#[test]
fn the_fixture_has_no_integrity_findings() {
    let app = valid_app();
    for code in ["duplicate", "region", "stateful-policy", "image-source"] {
        assert!(of(&app, code).is_empty(), "{:#?}", of(&app, code));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_injected_duplicate_is_one_finding_naming_both_places(
        kind in proptest::sample::select(KINDS.to_vec()),
        at in any::<[Index; 3]>(),
    ) {
        let mut app = valid_app();
        let (stack, resource, earlier) = inject(&mut app, kind, at);
        let found = of(&app, "duplicate");
        prop_assert_eq!(found.len(), 1, "{:?}: {:#?}", kind, found);
        prop_assert_eq!(&found[0].stack, &stack);
        prop_assert_eq!(&found[0].resource, &resource);
        prop_assert!(found[0].message.contains(&earlier), "{:?}: {} in {}", kind, earlier, found[0]);
    }

    #[test]
    fn environment_variable_names_collide_only_when_equal(
        name in "[A-Za-z][A-Za-z0-9_]{0,12}",
        other in "[A-Za-z][A-Za-z0-9_]{0,12}",
    ) {
        let mut app = valid_app();
        let var = |n: &str, v: &str| EnvVar {
            name: EnvName::new(n).expect("valid"),
            value: Expr::literal(v),
        };
        let f = function_mut(&mut app);
        f.environment.push(var(&name, "one"));
        f.environment.push(var(&other, "two"));
        // The fixture's own variable may be the one repeated.
        let names: Vec<String> = function_mut(&mut app)
            .environment
            .iter()
            .map(|v| v.name.as_str().to_owned())
            .collect();
        let repeats = (0..names.len())
            .filter(|&i| names[..i].contains(&names[i]))
            .count();
        prop_assert_eq!(of(&app, "duplicate").len(), repeats, "{:?}", names);
    }

    #[test]
    fn an_image_is_the_imported_repository_at_the_image_tag_or_a_digest(
        var in "[A-Z][A-Za-z]{0,10}",
        literal_tag in "[a-z0-9][a-z0-9._-]{0,20}",
        digest in "[0-9a-f]{64}",
        short in "[0-9a-f]{1,63}",
        other_param in "[A-Z][A-Za-z]{0,10}",
        split in any::<Index>(),
        form in 0usize..18,
    ) {
        let mut app = valid_app();
        let export = "demo-test-registry-RepositoryUri";
        let with = |template: String, vars: Vec<(String, Expr)>| Expr::SubWith(template, vars);
        let import = || vec![(var.clone(), Expr::import(export))];
        let (uri, valid) = match form {
            // Named ImageTag, the variable would shadow the parameter.
            0 => (with(format!("${{{var}}}:${{ImageTag}}"), import()), var != "ImageTag"),
            1 => (with(format!("${{{var}}}@sha256:{digest}"), import()), true),
            2 => (with(format!("${{{var}}}:{literal_tag}"), import()), false),
            3 => (with(format!("${{{var}}}@sha256:{short}"), import()), false),
            4 => (with(format!("${{{var}}}@sha256:{}", digest.to_uppercase()), import()), !digest.bytes().any(|b| b.is_ascii_alphabetic())),
            5 => {
                // A tag from another parameter: not the one the deploy sets.
                let other = if other_param == "ImageTag" { "ImageTagX".to_owned() } else { other_param.clone() };
                app.stacks_mut()[1].template.parameters.push(parameter(&other));
                (with(format!("${{{var}}}:${{{other}}}"), import()), false)
            }
            6 => {
                // A second variable overrides the ImageTag parameter.
                let mut vars = import();
                let tag_var = if var == "ImageTag" { "Repo".to_owned() } else { "ImageTag".to_owned() };
                vars.push((tag_var, Expr::literal(literal_tag.as_str())));
                (with(format!("${{{var}}}:${{ImageTag}}"), vars), false)
            }
            7 => (Expr::literal(format!("123456789012.dkr.ecr.us-west-2.amazonaws.com/demo:{literal_tag}")), false),
            // Other spellings of the same value pass: Join, a separator variable, an unused one.
            8 => (Expr::Join(":".into(), vec![Expr::import(export), Expr::Ref("ImageTag".into())]), true),
            9 => (Expr::Join(String::new(), vec![Expr::import(export), Expr::literal(":"), Expr::Ref("ImageTag".into())]), true),
            10 => {
                let mut vars = import();
                let sep = if var == "Sep" { "Colon" } else { "Sep" };
                vars.push((sep.into(), Expr::literal(":")));
                vars.push((format!("{var}Unused"), Expr::literal(literal_tag.as_str())));
                (with(format!("${{{var}}}${{{sep}}}${{ImageTag}}"), vars), var != "ImageTag")
            }
            // And the same wrong values do not.
            11 => (Expr::Join(":".into(), vec![Expr::import(export), Expr::literal(literal_tag.as_str())]), false),
            12 => (Expr::Join(":".into(), vec![Expr::import(export), Expr::Ref("AWS::Region".into())]), false),
            13 => (with(format!("${{{var}}}/extra:${{ImageTag}}"), import()), false),
            // The export's name itself spelled with Sub or Join is the same import.
            14..=16 => {
                let at = split.index(export.len() + 1);
                let (head, tail) = export.split_at(at);
                let name = match form {
                    14 => Expr::sub(export),
                    15 => Expr::Join(String::new(), vec![Expr::literal(head), Expr::literal(tail)]),
                    _ => Expr::SubWith(format!("{head}${{Rest}}"), vec![("Rest".into(), Expr::literal(tail))]),
                };
                (with(format!("${{{var}}}:${{ImageTag}}"), vec![(var.clone(), Expr::ImportValue(Box::new(name)))]), var != "ImageTag")
            }
            // A name an input decides can be any image.
            _ => {
                let name = Expr::sub("${ImageTag}-RepositoryUri");
                (with(format!("${{{var}}}:${{ImageTag}}"), vec![(var.clone(), Expr::ImportValue(Box::new(name)))]), false)
            }
        };
        function_mut(&mut app).image_uri = uri.clone();
        let found = of(&app, "image-source");
        prop_assert_eq!(found.len(), usize::from(!valid), "{:?}: {:#?}", uri, found);
        for f in found {
            prop_assert_eq!(f.resource.as_str(), "Function");
        }
        // A raw function running the same image is judged the same.
        push_raw_function(&mut app, serde_json::to_value(&uri).expect("serializes"));
        let found = of(&app, "image-source");
        prop_assert_eq!(found.len(), 2 * usize::from(!valid), "{:?}: {:#?}", uri, found);
    }

    #[test]
    fn an_alarm_notifies_only_in_its_own_region(
        stack_region in proptest::sample::select(REGIONS.to_vec()),
        topic_region in proptest::sample::select(REGIONS.to_vec()),
        account in "[0-9]{12}",
        topic in "[a-zA-Z0-9_-]{1,40}",
        written in 0usize..4,
    ) {
        // Only the alarms matter here: a fixture without Bedrock models builds in any region.
        let arn = format!("arn:aws:sns:{topic_region}:{account}:{topic}");
        let action = match written {
            0 => Expr::literal(arn.as_str()),
            1 => Expr::sub(format!("arn:${{AWS::Partition}}:sns:{topic_region}:${{AWS::AccountId}}:{topic}")),
            2 => Expr::SubWith("${Topic}".into(), vec![("Topic".into(), Expr::literal(arn.as_str()))]),
            _ => Expr::Join(":".into(), ["arn", "aws", "sns", topic_region, account.as_str(), topic.as_str()].map(Expr::literal).to_vec()),
        };
        let app = alarm_app(stack_region, action);
        let found = of(&app, "region");
        prop_assert_eq!(found.len(), 4 * usize::from(stack_region != topic_region), "{:#?}", found);
        for f in &found {
            prop_assert!(f.resource.ends_with("Alarm"), "{}", f);
            prop_assert!(f.message.contains(topic_region) && f.message.contains(stack_region), "{}", f);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// What AWS requires in a resource's own region — a queue's dead-letter queue, a table's
    /// Kinesis stream, the KMS key a log group, queue or secret encrypts with (a replica's in
    /// the replica's region), a pipe's source, the alarms a composite alarm's rule reads, the
    /// function a Lambda resource acts on, a rule's event bus and an alias's key (these three
    /// in the resource's account too; a plain name is the resource's own), a function's layers,
    /// EFS access points and code-signing configuration, a composite alarm's suppressor (its
    /// account's too), a state machine's or pipe's log group and a rotation's function — is a
    /// `region` finding elsewhere, and a dead-letter queue or stream of a literal account is
    /// one too (SQS and DynamoDB need the resource's account); a key ID, which names no region,
    /// is the resource's region's; a secret's replica in its own region is a finding.
    #[test]
    fn a_raw_resources_targets_and_keys_are_where_aws_requires(
        stack_region in proptest::sample::select(REGIONS.to_vec()),
        target_region in proptest::sample::select(REGIONS.to_vec()),
        replica_region in proptest::sample::select(REGIONS.to_vec()),
        literal_account in any::<bool>(),
        kind in 0usize..19,
    ) {
        let account = if literal_account { "210987654321" } else { "${AWS::AccountId}" };
        let arn = |service: &str, rest: &str| {
            serde_json::json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:{service}:{target_region}:{account}:{rest}")})
        };
        let key = arn("kms", "key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        let (type_name, props, expected_region, same_account) = match kind {
            0 => ("AWS::SQS::Queue", serde_json::json!({"RedrivePolicy": {"maxReceiveCount": 3, "deadLetterTargetArn": arn("sqs", "dlq")}}), stack_region, true),
            1 => ("AWS::DynamoDB::Table", serde_json::json!({"BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}], "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "KinesisStreamSpecification": {"StreamArn": arn("kinesis", "stream/s")}}), stack_region, true),
            2 => ("AWS::Logs::LogGroup", serde_json::json!({"RetentionInDays": 365, "KmsKeyId": key}), stack_region, false),
            3 => ("AWS::SQS::Queue", serde_json::json!({"KmsMasterKeyId": key}), stack_region, false),
            4 => ("AWS::SecretsManager::Secret", serde_json::json!({"ReplicaRegions": [{"Region": replica_region, "KmsKeyId": key}]}), replica_region, false),
            5 => ("AWS::SecretsManager::Secret", serde_json::json!({"KmsKeyId": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"}), target_region, false),
            6 => ("AWS::Pipes::Pipe", serde_json::json!({"Source": arn("sqs", "in"), "Target": {"Fn::GetAtt": ["Function", "Arn"]},
                "RoleArn": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/pipe"}}), stack_region, false),
            7 => ("AWS::CloudWatch::CompositeAlarm", serde_json::json!({"AlarmName": "rollup",
                "AlarmRule": {"Fn::Sub": format!("ALARM(\"arn:${{AWS::Partition}}:cloudwatch:{target_region}:{account}:alarm:edge\") OR OK(edge)")}}), stack_region, false),
            8 => ("AWS::Lambda::Permission", serde_json::json!({"FunctionName": arn("lambda", "function:f"), "Action": "lambda:InvokeFunction",
                "Principal": "events.amazonaws.com", "SourceAccount": {"Ref": "AWS::AccountId"}}), stack_region, true),
            9 => ("AWS::Events::Rule", serde_json::json!({"EventBusName": arn("events", "event-bus/orders"), "EventPattern": {"source": ["demo"]}}), stack_region, true),
            10 => ("AWS::KMS::Alias", serde_json::json!({"AliasName": "alias/demo", "TargetKeyId": key}), stack_region, true),
            // A function's layer (another account's as well), EFS access point and code-signing
            // configuration are of its region.
            11..=13 => {
                let mut f = serde_json::json!({"Runtime": "python3.12", "Handler": "app.handler",
                    "Role": {"Fn::GetAtt": ["FunctionRole", "Arn"]}, "Code": {"ZipFile": "def handler(e, c): pass"}});
                match kind {
                    11 => f["Layers"] = serde_json::json!([arn("lambda", "layer:tools:3")]),
                    12 => f["FileSystemConfigs"] = serde_json::json!([{"Arn": arn("elasticfilesystem", "access-point/fsap-0123456789abcdef0"), "LocalMountPath": "/mnt/data"}]),
                    _ => f["CodeSigningConfigArn"] = arn("lambda", "code-signing-config:csc-0123456789abcdef0"),
                }
                ("AWS::Lambda::Function", f, stack_region, false)
            }
            // A composite alarm's suppressor alarm (in its account too), a state machine's and a
            // pipe's log group, and a rotation's function are of the resource's region.
            14 => ("AWS::CloudWatch::CompositeAlarm", serde_json::json!({"AlarmName": "rollup", "AlarmRule": "ALARM(edge)",
                "ActionsSuppressor": arn("cloudwatch", "alarm:maintenance")}), stack_region, true),
            15 => ("AWS::StepFunctions::StateMachine", serde_json::json!({"RoleArn": {"Fn::GetAtt": ["FunctionRole", "Arn"]},
                "DefinitionString": "{}", "LoggingConfiguration": {"Level": "ALL", "Destinations": [
                    {"CloudWatchLogsLogGroup": {"LogGroupArn": arn("logs", "log-group:/aws/vendedlogs/states/flow:*")}}]}}), stack_region, false),
            16 => ("AWS::Pipes::Pipe", serde_json::json!({"Source": {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:in"},
                "Target": {"Fn::GetAtt": ["Function", "Arn"]}, "RoleArn": {"Fn::GetAtt": ["FunctionRole", "Arn"]},
                "LogConfiguration": {"Level": "ERROR", "CloudwatchLogsLogDestination": {"LogGroupArn": arn("logs", "log-group:/aws/vendedlogs/pipes/p")}}}), stack_region, false),
            17 => ("AWS::SecretsManager::RotationSchedule", serde_json::json!({"SecretId": {"Ref": "ApiKeySecret"},
                "RotationLambdaARN": arn("lambda", "function:rotator"), "RotationRules": {"AutomaticallyAfterDays": 30}}), stack_region, false),
            // A plain name is of the resource's own region and account.
            _ => ("AWS::Lambda::Permission", serde_json::json!({"FunctionName": "f", "Action": "lambda:InvokeFunction",
                "Principal": "events.amazonaws.com", "SourceAccount": {"Ref": "AWS::AccountId"}}), target_region, false),
        };
        let replica_here = kind == 4 && replica_region == stack_region;
        let raw = infra_gen::model::raw::Raw::new(type_name, props).expect("valid raw");
        let mut app = alarm_app(stack_region, Expr::sub("arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:ops"));
        app.stacks_mut()[1].template.resources.push(
            infra_gen::model::Resource::new(LogicalId::new("Extra").expect("valid"), Properties::Raw(raw)).retained(),
        );
        let found = of(&app, "region");
        let elsewhere = found.iter().filter(|f| f.message.contains(&format!("is in {target_region}")) || f.message.contains(&format!("in {target_region}, but"))).count();
        let own_replica = found.iter().filter(|f| f.message.contains("its own region: Secrets Manager")).count();
        prop_assert_eq!(own_replica, usize::from(replica_here), "{:#?}", found);
        let other_account = found.iter().filter(|f| f.message.contains("names account")).count();
        prop_assert_eq!(elsewhere, usize::from(target_region != expected_region), "{:#?}", found);
        prop_assert_eq!(other_account, usize::from(same_account && literal_account), "{:#?}", found);
        prop_assert_eq!(found.len(), elsewhere + other_account + own_replica, "{:#?}", found);
    }

    /// The modelled kinds are held to the same regions as raw ones: the KMS key a repository,
    /// queue, table, log group or secret encrypts with (a key ID or alias name names none: the
    /// resource's own), and a queue's dead-letter queue (in its account too), however the
    /// definition writes them: elsewhere is a `region` finding, in the stack's region none.
    #[test]
    fn a_modelled_resources_keys_and_dead_letter_queue_are_where_aws_requires(
        stack_region in proptest::sample::select(REGIONS.to_vec()),
        target_region in proptest::sample::select(REGIONS.to_vec()),
        literal_account in any::<bool>(),
        alias in any::<bool>(),
        kind in 0usize..5,
    ) {
        use infra_gen::model::dynamodb::{Key, KeySchema, Table, TableName};
        use infra_gen::model::sqs::{Queue, QueueEncryption, QueueName, Redrive};
        let account = if literal_account { "210987654321" } else { "${AWS::AccountId}" };
        let arn = |service: &str, rest: &str| {
            Expr::sub(format!("arn:${{AWS::Partition}}:{service}:{target_region}:{account}:{rest}"))
        };
        let key = arn("kms", if alias { "alias/data" } else { "key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" });
        let mut app = app_with("us-west-2", DOCKERFILE, |s| match kind {
            0 => s.queue("Jobs", QueueName::new("demo-test-jobs").map(|n| {
                let mut q = Queue::new(n);
                q.encryption = QueueEncryption::Kms(key.clone());
                q
            })),
            1 => s.queue("Jobs", QueueName::new("demo-test-jobs").and_then(|n| {
                let mut q = Queue::new(n);
                q.redrive = Some(Redrive::new(arn("sqs", "demo-test-failed"), 5)?);
                Ok(q)
            })),
            2 => s.table("Items", TableName::new("demo-test-items").and_then(|n| {
                let mut t = Table::new(n, KeySchema { partition: Key::string("pk")?, sort: None });
                t.kms_key = Some(key.clone());
                Ok(t)
            })),
            _ => s,
        })
        .expect("builds");
        // The registry's key, and the log group's and secret's (set on the model: the builder's
        // key is granted to the role too, which iam-scope judges).
        for r in &mut app.stacks_mut().iter_mut().flat_map(|s| s.template.resources.iter_mut()) {
            match &mut r.properties {
                Properties::EcrRepository(repo) if kind == 3 => {
                    repo.encryption = infra_gen::model::ecr::Encryption::Kms(Some(key.clone()));
                }
                Properties::LogGroup(g) if kind == 4 => g.kms_key = Some(key.clone()),
                _ => {}
            }
        }
        let env = infra_gen::Environment::new("test", stack_region).expect("valid");
        for s in app.stacks_mut() {
            s.environment = env.clone();
        }
        let found = of(&app, "region");
        let elsewhere = found.iter().filter(|f| f.message.contains(&format!("is in {target_region}, but"))).count();
        let other_account = found.iter().filter(|f| f.message.contains("names account")).count();
        prop_assert_eq!(elsewhere, usize::from(target_region != stack_region), "{:#?}", found);
        prop_assert_eq!(other_account, usize::from(kind == 1 && literal_account), "{:#?}", found);
        prop_assert_eq!(found.len(), elsewhere + other_account, "{:#?}", found);
    }

    /// An EventBridge Scheduler schedule's name is unique within its group (its ARN is
    /// `schedule/<group>/<name>`; no group is the `default` one): two of one name collide only
    /// in one group.
    #[test]
    fn schedules_collide_only_within_one_group(
        names in (prop::sample::select(vec!["nightly", "hourly"]), prop::sample::select(vec!["nightly", "hourly"])),
        groups in (
            prop::option::of(prop::sample::select(vec!["default", "alpha", "beta"])),
            prop::option::of(prop::sample::select(vec!["default", "alpha", "beta"])),
        ),
    ) {
        let mut app = alarm_app("us-west-2", Expr::sub("arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:ops"));
        for (i, (name, group)) in [(names.0, groups.0), (names.1, groups.1)].into_iter().enumerate() {
            let mut props = serde_json::json!({"Name": name, "ScheduleExpression": "rate(5 minutes)", "FlexibleTimeWindow": {"Mode": "OFF"},
                "Target": {"Arn": {"Fn::GetAtt": ["Function", "Arn"]}, "RoleArn": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/scheduler"}}});
            if let Some(g) = group {
                props["GroupName"] = serde_json::json!(g);
            }
            let raw = infra_gen::model::raw::Raw::new("AWS::Scheduler::Schedule", props).expect("valid raw");
            app.stacks_mut()[1].template.resources.push(
                infra_gen::model::Resource::new(LogicalId::new(format!("Schedule{i}")).expect("valid"), Properties::Raw(raw)).retained(),
            );
        }
        let collide = names.0 == names.1 && groups.0.unwrap_or("default") == groups.1.unwrap_or("default");
        let found = of(&app, "region");
        prop_assert_eq!(found.len(), usize::from(collide), "{:#?}", found);
    }

    /// The repository URI a function's image comes from is the registry's ECR repository's
    /// `RepositoryUri`, however the export spells it (`GetAtt`, a `Sub` of it alone or of a
    /// variable holding it, a `Join` of it alone); its ARN or a URI with more text is not one.
    /// A raw `AWS::Lambda::Function`'s `Code.ImageUri` is judged the same.
    #[test]
    fn an_image_comes_from_the_repositorys_uri_however_the_export_spells_it(
        attribute in prop::sample::select(vec!["RepositoryUri", "Arn"]),
        form in 0usize..5,
        var in "[A-Z][A-Za-z]{0,8}",
        raw in any::<bool>(),
    ) {
        let mut app = valid_app();
        let export = "demo-test-registry-RepositoryUri";
        let registry = &mut app.stacks_mut()[0].template;
        let output = registry.outputs.iter_mut().find(|o| o.export.as_deref() == Some(export)).expect("export");
        let Expr::GetAtt(id, _) = output.value.clone() else { panic!("a GetAtt") };
        let attr = Expr::GetAtt(id.clone(), attribute.into());
        output.value = match form {
            0 => attr,
            1 => Expr::sub(format!("${{{id}.{attribute}}}")),
            2 => Expr::SubWith(format!("${{{var}}}"), vec![(var.clone(), attr)]),
            3 => Expr::Join(",".into(), vec![attr]),
            _ => Expr::SubWith(format!("${{{var}}}/mirror"), vec![(var.clone(), attr)]),
        };
        let is_uri = attribute == "RepositoryUri" && form < 4;
        if raw {
            let uri = serde_json::json!({"Fn::Sub": ["${U}:${ImageTag}", {"U": {"Fn::ImportValue": export}}]});
            push_raw_function(&mut app, uri);
        }
        let found: Vec<Finding> = of(&app, "deploy-order")
            .into_iter()
            .filter(|f| f.message.contains("not an ECR repository's URI"))
            .collect();
        prop_assert_eq!(found.len(), (1 + usize::from(raw)) * usize::from(!is_uri), "{:#?}", found);
    }
}

/// The fixture in `region` with alarms notifying `topic`.
fn alarm_app(region: &str, topic: Expr) -> App {
    let mut app = app_with("us-west-2", DOCKERFILE, |s| {
        s.alarms(Alarms::new().notify(topic))
    })
    .expect("builds");
    let env = infra_gen::Environment::new("test", region).expect("valid");
    for s in app.stacks_mut() {
        s.environment = env.clone();
    }
    app
}

#[test]
fn an_alarm_topic_of_this_region_written_with_the_pseudo_parameter_passes() {
    let topic = Expr::sub("arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:oncall");
    assert!(of(&alarm_app("eu-west-1", topic), "region").is_empty());
    // A parameter could hold any region's topic: not a pass.
    let found = of(
        &alarm_app("eu-west-1", Expr::Ref("ImageTag".into())),
        "region",
    );
    assert_eq!(found.len(), 4, "{found:#?}");
}

#[test]
fn an_image_tag_parameter_that_admits_latest_is_refused() {
    for (pattern, refused) in [
        // No pattern is no constraint CloudFormation documents.
        ("", true),
        (".*", true),
        ("[a-z]+", true),
        ("^(latest|[0-9a-f]{7,40})$", true),
        ("^[0-9a-f]{7,40}$", false),
        // CloudFormation matches the whole value: unanchored, this still refuses `latest`.
        ("[0-9a-f]{7,40}", false),
        // An empty tag leaves the URI ending in `:`, no image at all.
        ("^(?:[0-9a-f]{40})?$", true),
        ("[0-9a-f]*", true),
    ] {
        let mut app = valid_app();
        for p in &mut app.stacks_mut()[1].template.parameters {
            if p.id.as_str() == "ImageTag" {
                p.allowed_pattern = pattern.into();
            }
        }
        let found = of(&app, "image-source");
        assert_eq!(found.len(), usize::from(refused), "{pattern}: {found:#?}");
    }
    // A list parameter is no tag, whatever its pattern: `Fn::Sub` takes strings only.
    for kind in [
        infra_gen::model::ParameterKind::SubnetIds,
        infra_gen::model::ParameterKind::SecurityGroupIds,
    ] {
        let mut app = valid_app();
        for p in &mut app.stacks_mut()[1].template.parameters {
            if p.id.as_str() == "ImageTag" {
                p.kind = kind;
            }
        }
        assert_eq!(of(&app, "image-source").len(), 1, "{kind:?}");
    }
}

/// A class of an `ImageTag` pattern in Java's spelling, and whether it holds every letter of
/// `latest`.
const TAG_CLASSES: [(&str, bool); 12] = [
    ("[0-9a-f]", false),
    (r"\p{XDigit}", false),
    (r"[\p{XDigit}]", false),
    (r"\p{Digit}", false),
    (r"\P{Alpha}", false),
    (r"\p{Lower}", true),
    (r"\p{Alnum}", true),
    (r"[\p{Lower}\d._-]", true),
    (r"\P{Upper}", true),
    ("[a-z0-9]", true),
    (r"\w", true),
    ("[0-9a-z&&[^l]]", false),
];

/// A lookahead before the class, whether it refuses `latest`, and whether it refuses the empty
/// tag.
const TAG_LOOKAHEADS: [(&str, bool, bool); 6] = [
    ("", false, false),
    ("(?!latest$)", true, false),
    ("(?!latest)", true, false),
    (r"(?=\p{Digit})", true, true),
    ("(?![0-9])", false, false),
    ("(?!.*-)", false, false),
];

/// Another alternative, and whether it admits `latest`.
const TAG_ALTERNATIVES: [(&str, bool); 6] = [
    ("", false),
    (r"|\Qlatest\E", true),
    (r"|\Qlate\E", false),
    ("|(?i:LATEST)", true),
    ("|LATEST", false),
    ("|(?>lat|la)test", false),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// CloudFormation reads `AllowedPattern` as a Java regex matching the whole value: a
    /// pattern of Java's own spellings (POSIX classes, `\Q…\E`, lookaheads, possessive and
    /// atomic forms) refuses `latest` and the empty tag exactly when Java's matcher does,
    /// worked out here from the pattern's parts.
    #[test]
    fn an_image_tags_pattern_is_read_as_java_reads_it(
        class in proptest::sample::select(TAG_CLASSES.to_vec()),
        lookahead in proptest::sample::select(TAG_LOOKAHEADS.to_vec()),
        alternative in proptest::sample::select(TAG_ALTERNATIVES.to_vec()),
        min in 0usize..9,
        extra in 0usize..40,
        form in 0usize..4,
        anchored in any::<bool>(),
        verbose in 0usize..3,
    ) {
        let max = min + extra;
        let repeated = match form {
            0 => format!("{}{{{min},{max}}}", class.0),
            1 => format!("{}{{{min},{max}}}+", class.0),
            2 => format!("(?>{}{{{min},{max}}})", class.0),
            _ => format!("{}{{{min},{max}}}?", class.0),
        };
        // Comments mode (`(?x)`) ignores blanks and a `#` comment to the end of the line,
        // the rest of the pattern's group (`(?x: … )`) or all of it.
        let gap = if verbose > 0 { " " } else { "" };
        let body = format!("{}{gap}{repeated}{gap}{}", lookahead.0, alternative.0);
        let pattern = if anchored { format!("^(?:{gap}{body}{gap})$") } else { body };
        let pattern = match verbose {
            0 => pattern,
            1 => format!("(?x) {pattern}  # a commit (or $ not latest)"),
            _ => format!("(?x: {pattern} )"),
        };
        let latest = (class.1 && min <= 6 && 6 <= max && !lookahead.1) || alternative.1;
        // The empty tag leaves the URI ending in `:`: no alternative here admits it.
        let empty = min == 0 && !lookahead.2;
        let admits = latest || empty;
        let mut app = valid_app();
        for p in &mut app.stacks_mut()[1].template.parameters {
            if p.id.as_str() == "ImageTag" {
                p.allowed_pattern = pattern.clone();
            }
        }
        let found = of(&app, "image-source");
        prop_assert_eq!(found.len(), usize::from(admits), "{}: {:#?}", pattern, found);
    }

    /// One repository tag holds one image: services tagging the same repository with
    /// `ImageTag` must build one Dockerfile for one architecture, and a raw function running
    /// that image must run on its architecture (`Architectures`, Lambda's default `x86_64`
    /// when absent); each later function that cannot run the image already tagged is named
    /// once. A digest pinned in the repository is one of its images, so the tagging
    /// functions' build; two different digests are two images.
    #[test]
    fn functions_tagged_in_one_repository_build_one_image(
        services in proptest::collection::vec((any::<bool>(), 0usize..2, any::<bool>(), 0usize..4, 0usize..3), 2..5),
    ) {
        use infra_gen::model::lambda::Architecture;
        let mut app = App::new();
        for i in 0..services.len() {
            for stack in common::service_stacks(&format!("s{i}"), "us-west-2", DOCKERFILE, |s| s)
                .expect("valid")
            {
                app.push(stack);
            }
        }
        let shared = app.stacks()[0]
            .template
            .outputs
            .iter()
            .filter_map(|o| o.export.clone())
            .find(|e| e.ends_with("RepositoryUri"))
            .expect("the first registry exports its URI");
        // (repository, Dockerfile or none for a raw function, runs on arm64, the digest it
        // pins or none for the ImageTag tag)
        let mut built: Vec<(usize, Option<usize>, bool, Option<usize>)> = Vec::new();
        for (i, (share, dockerfile, arm, raw, pin)) in services.iter().enumerate() {
            let stack = &mut app.stacks_mut()[2 * i + 1];
            let f = common::stack_function_mut(stack);
            f.source.dockerfile = format!("f{dockerfile}/Dockerfile");
            f.architecture = if *arm { Architecture::Arm64 } else { Architecture::X86_64 };
            let repository = if *share || i == 0 { 0 } else { i };
            // A digest pinned in the shared repository is one of its images: the build of
            // the functions tagging it, or, another digest, another image.
            let digest = (repository == 0 && *pin > 0).then_some(*pin);
            if repository == 0 {
                let reference = match digest {
                    Some(d) => format!("@sha256:{}", format!("{d:x}").repeat(64)),
                    None => ":${ImageTag}".to_owned(),
                };
                f.image_uri = Expr::SubWith(
                    format!("${{RepositoryUri}}{reference}"),
                    vec![("RepositoryUri".into(), Expr::import(shared.as_str()))],
                );
            }
            built.push((repository, Some(*dockerfile), *arm, digest));
            let uri = serde_json::to_value(&f.image_uri).expect("serializes");
            // A raw function beside it, running its image: none, or on no, arm64's or
            // x86_64's Architectures.
            if *raw > 0 {
                let mut props = serde_json::json!({"PackageType": "Image", "Code": {"ImageUri": uri}, "Role": "r"});
                if *raw > 1 {
                    props["Architectures"] = serde_json::json!([if *raw == 2 { "arm64" } else { "x86_64" }]);
                }
                let raw_fn = infra_gen::model::raw::Raw::new("AWS::Lambda::Function", props).expect("valid raw");
                stack.template.resources.push(
                    infra_gen::model::Resource::new(LogicalId::new("Helper").expect("valid"), Properties::Raw(raw_fn))
                        .retained(),
                );
                built.push((repository, None, *raw == 2, digest));
            }
        }
        type Built = (usize, Option<usize>, bool, Option<usize>);
        let differs = |a: &Built, b: &Built| {
            let same_image = a.3.is_none() || b.3.is_none() || a.3 == b.3;
            same_image && (a.2 != b.2 || matches!((a.1, b.1), (Some(x), Some(y)) if x != y))
        };
        let expected = (0..built.len())
            .filter(|&i| built[..i].iter().any(|b| b.0 == built[i].0 && differs(b, &built[i])))
            .count();
        let found = of(&app, "image-source");
        prop_assert_eq!(found.len(), expected, "{:?}: {:#?}", built, found);
    }
}

const STACK: &str = "demo-test-service";

/// `name` (which starts with the stack's name and a `-`) in one of the spellings
/// CloudFormation evaluates to it: a literal, a `Fn::Sub` without variables or with one, a
/// `Fn::Join` of its `-`-separated parts or of two pieces, the stack's name as
/// `${AWS::StackName}` or a `Ref` of it.
fn spelled(name: &str, form: usize, cut: Index) -> serde_json::Value {
    use serde_json::json;
    let at = cut.index(name.len() + 1);
    let (head, tail) = name.split_at(at);
    let rest = &name[STACK.len()..];
    match form % 7 {
        0 => json!(name),
        1 => json!({"Fn::Sub": name}),
        2 => json!({"Fn::Join": ["-", name.split('-').collect::<Vec<_>>()]}),
        3 => json!({"Fn::Join": ["", [head, {"Fn::Join": ["", [tail]]}]]}),
        4 => json!({"Fn::Sub": [format!("{head}${{Rest}}"), {"Rest": {"Fn::Sub": tail}}]}),
        5 => json!({"Fn::Sub": format!("${{AWS::StackName}}{rest}")}),
        _ => json!({"Fn::Join": ["", [{"Ref": "AWS::StackName"}, rest]]}),
    }
}

proptest! {
    /// A create-only property replaces its resource when its value changes, not its spelling:
    /// CloudFormation compares values after evaluating the intrinsics, the stack's name too.
    #[test]
    fn a_create_only_name_respelled_replaces_nothing_and_a_new_name_replaces(
        parts in prop::collection::vec("[a-z0-9]{1,8}", 1..4),
        (f1, f2) in (0..7usize, 0..7usize),
        (c1, c2) in (any::<Index>(), any::<Index>()),
        suffix in "[a-z0-9]{1,3}",
    ) {
        use infra_gen::validate::create_only_changes;
        use serde_json::json;
        let fixed = [("AWS::StackName", STACK)];
        let name = format!("{STACK}-{}", parts.join("-"));
        let queue = |v: serde_json::Value| json!({"Type": "AWS::SQS::Queue", "Properties": {"QueueName": v}});
        let before = queue(spelled(&name, f1, c1));
        let same = queue(spelled(&name, f2, c2));
        prop_assert_eq!(create_only_changes("AWS::SQS::Queue", &before, Some(&same), &fixed), Ok(vec![]));
        let renamed = queue(spelled(&format!("{name}{suffix}"), f2, c2));
        prop_assert_eq!(
            create_only_changes("AWS::SQS::Queue", &before, Some(&renamed), &fixed),
            Ok(vec!["QueueName".to_owned()])
        );
    }
}

/// The KMS key properties its provider schema says cannot change after the key is created.
const KMS_FIXED: [(&str, &[&str], &str); 4] = [
    (
        "KeySpec",
        &["RSA_2048", "ECC_NIST_P256", "HMAC_256", "SYMMETRIC_DEFAULT"],
        "SYMMETRIC_DEFAULT",
    ),
    (
        "KeyUsage",
        &["SIGN_VERIFY", "GENERATE_VERIFY_MAC", "ENCRYPT_DECRYPT"],
        "ENCRYPT_DECRYPT",
    ),
    ("Origin", &["EXTERNAL", "AWS_KMS"], "AWS_KMS"),
    ("MultiRegion", &["true", "false"], "false"),
];

proptest! {
    /// A property the provider cannot change on an existing resource (a KMS key's `KeySpec`,
    /// `KeyUsage`, `Origin`, `MultiRegion`: the update fails) is refused when its value
    /// changes, an absent value being the schema's default, in any spelling; the key's
    /// mutable properties (description, rotation, deletion window) change in place.
    #[test]
    fn an_unchangeable_property_is_refused_when_its_value_changes_and_not_when_respelled(
        which in 0..4usize,
        (a, b) in (0..4usize, 0..4usize),
        (absent_before, absent_after) in (any::<bool>(), any::<bool>()),
        (f1, f2) in (0..2usize, 0..2usize),
        description in "[a-z ]{0,20}",
        rotation in any::<bool>(),
    ) {
        use infra_gen::validate::create_only_changes;
        use serde_json::json;
        let (property, values, default) = KMS_FIXED[which];
        let pick = |i: usize, absent: bool| (!absent).then(|| values[i % values.len()]);
        let (before, after) = (pick(a, absent_before), pick(b, absent_after));
        let spell = |v: &str, form: usize| {
            let v = if property == "MultiRegion" { json!(v == "true") } else { json!(v) };
            if form == 1 { json!({"Fn::Sub": v.to_string().trim_matches('"')}) } else { v }
        };
        let key = |v: Option<&str>, form: usize, extra: serde_json::Value| {
            let mut p = json!({"Description": extra["d"], "EnableKeyRotation": extra["r"]});
            if let Some(v) = v {
                p[property] = spell(v, form);
            }
            json!({"Type": "AWS::KMS::Key", "Properties": p})
        };
        let old = key(before, f1, json!({"d": "data key", "r": false}));
        let new = key(after, f2, json!({"d": description, "r": rotation}));
        let changes = before.unwrap_or(default) != after.unwrap_or(default);
        let expected = if changes { vec![property.to_owned()] } else { vec![] };
        prop_assert_eq!(create_only_changes("AWS::KMS::Key", &old, Some(&new), &[]), Ok(expected));
    }

    /// A table is replaced when an attribute it defines before and after changes its type
    /// (its provider schema: "Changing the type of an existing AttributeDefinition requires
    /// replacement"), not when attributes are added or dropped.
    #[test]
    fn a_table_attribute_changing_type_replaces_it_and_one_added_does_not(
        names in prop::collection::btree_set("[a-z]{1,6}", 1..4),
        flip in any::<Index>(),
        added in "[A-Z]{1,4}",
        change in any::<bool>(),
    ) {
        use infra_gen::validate::create_only_changes;
        use serde_json::json;
        let names: Vec<String> = names.into_iter().collect();
        let at = flip.index(names.len());
        let defs = |flipped: bool, extra: bool| {
            let mut d: Vec<serde_json::Value> = names
                .iter()
                .enumerate()
                .map(|(i, n)| json!({"AttributeName": n, "AttributeType": if flipped && i == at { "N" } else { "S" }}))
                .collect();
            if extra {
                d.push(json!({"AttributeName": added, "AttributeType": "B"}));
            }
            json!({"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "t", "AttributeDefinitions": d, "KeySchema": [{"AttributeName": names[0], "KeyType": "HASH"}]}})
        };
        let before = defs(false, false);
        let after = defs(change, true);
        let expected = if change { vec!["AttributeDefinitions".to_owned()] } else { vec![] };
        prop_assert_eq!(create_only_changes("AWS::DynamoDB::Table", &before, Some(&after), &[]), Ok(expected));
    }
}

/// An acknowledgement consents to a replacement; a KMS key whose `KeySpec` changes is not
/// replaced but fails the update, so the pipeline refuses it acknowledged or not, saying so.
#[test]
fn an_unchangeable_property_is_refused_even_when_acknowledged() {
    use infra_gen::model::raw::Raw;
    use serde_json::json;
    let key = |spec: &str| {
        Raw::new(
            "AWS::KMS::Key",
            json!({"KeySpec": spec, "KeyUsage": "SIGN_VERIFY", "KeyPolicy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}, "Action": "kms:*", "Resource": "*"}]}}),
        )
    };
    let dir = std::env::temp_dir().join(format!("unchangeable-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let before = app_with("us-west-2", DOCKERFILE, |s| {
        s.raw("SignKey", key("RSA_2048"))
    })
    .expect("builds");
    let written = infra_gen::pipeline::run(&before, &dir, None).expect("passes");
    infra_gen::check::write(&written).expect("writes");
    let after = app_with("us-west-2", DOCKERFILE, |s| {
        s.raw("SignKey", key("ECC_NIST_P256"))
            .acknowledge_replacement(
                "SignKey",
                "Moving to ECDSA signatures; verifiers get the new public key.",
            )
    })
    .expect("builds");
    let got = infra_gen::pipeline::run(&after, &dir, None);
    let _ = std::fs::remove_dir_all(&dir);
    let Err(infra_gen::pipeline::Failure::Replacement { refused, .. }) = got else {
        panic!("passed or failed otherwise: {got:?}");
    };
    assert_eq!(refused.len(), 1, "{refused:#?}");
    assert_eq!(refused[0].resource, "SignKey");
    assert!(
        refused[0].message.contains("KeySpec cannot change"),
        "{}",
        refused[0].message
    );
    assert!(
        refused[0].fix.contains("new logical ID"),
        "{}",
        refused[0].fix
    );
}

proptest! {
    /// An ImageTag pattern is refused exactly when it admits a tag that names no build:
    /// `latest` (only a class with those letters) or the empty tag (a quantifier with no minimum).
    #[test]
    fn an_image_tag_pattern_is_refused_iff_it_admits_latest_or_nothing(
        class in prop::sample::select(&["[0-9a-f]", "[0-9a-z]", "[a-z]", "\\w", "[0-9]"][..]),
        (min, max) in (0..3usize, 3..41usize),
        anchored in any::<bool>(),
    ) {
        let q = format!("{{{min},{max}}}");
        let pattern = if anchored { format!("^{class}{q}$") } else { format!("{class}{q}") };
        let latest = class != "[0-9a-f]" && class != "[0-9]" && (min..=max).contains(&6);
        let refused = latest || min == 0;
        let mut app = valid_app();
        for p in &mut app.stacks_mut()[1].template.parameters {
            if p.id.as_str() == "ImageTag" {
                p.allowed_pattern = pattern.clone();
            }
        }
        let found = of(&app, "image-source");
        prop_assert_eq!(found.len(), usize::from(refused), "{}: {:#?}", pattern, found);
    }
}

/// Through the library's one road to files: a stack renamed, or moved to another region, away
/// from what was written is refused until the app acknowledges it, and then it is reported.
#[test]
fn the_pipeline_refuses_a_renamed_or_moved_stack_until_acknowledged() {
    use infra_gen::model::StackName;
    use infra_gen::pipeline::{self, Failure};
    let dir = std::env::temp_dir().join(format!("infra-gen-integrity-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let app = valid_app();
    let rendered = pipeline::run(&app, &dir, None).expect("passes every step");
    infra_gen::check::write(&rendered).expect("writes");
    for s in 0..app.stacks().len() {
        let old = app.stacks()[s].name.to_string();
        let mut renamed = app.clone();
        renamed.stacks_mut()[s].name = StackName::new(format!("{old}-renamed")).expect("valid");
        let err = pipeline::run(&renamed, &dir, None).expect_err("refused");
        let Failure::Replacement { refused, .. } = &err else {
            panic!("expected the replacement guard, got {err}")
        };
        assert_eq!(refused.len(), 1, "{refused:#?}");
        assert_eq!(refused[0].stack, old);
        assert!(
            refused[0]
                .message
                .contains(&format!("{old}-renamed is new")),
            "{}",
            refused[0]
        );
        renamed
            .acknowledge_removed_stack(&old, "the data is copied over by hand first")
            .expect("valid");
        let rendered = pipeline::run(&renamed, &dir, None).expect("acknowledged");
        assert_eq!(rendered.removed().len(), 1);
        assert!(
            rendered.removed()[0]
                .to_string()
                .contains("as acknowledged")
        );
    }
    // The whole environment moved to another region: each stack is a new one there.
    let mut moved = app.clone();
    let there = infra_gen::Environment::new("test", "eu-west-1").expect("valid");
    for stack in moved.stacks_mut() {
        stack.environment = there.clone();
    }
    let err = pipeline::run(&moved, &dir, None).expect_err("refused");
    let Failure::Replacement { refused, .. } = &err else {
        panic!("expected the replacement guard, got {err}")
    };
    assert_eq!(refused.len(), app.stacks().len(), "{refused:#?}");
    for (f, stack) in refused.iter().zip(app.stacks()) {
        assert_eq!(f.stack, stack.name.as_str());
        assert!(
            f.message.contains("moves from us-west-2 to eu-west-1"),
            "{f}"
        );
        moved
            .acknowledge_removed_stack(stack.name.as_str(), "the data is copied over by hand first")
            .expect("valid");
    }
    let rendered = pipeline::run(&moved, &dir, None).expect("acknowledged");
    assert_eq!(rendered.removed().len(), app.stacks().len());
    std::fs::remove_dir_all(&dir).ok();
}

/// A renamed stack whose old template was deleted by hand is still recorded by the committed
/// samconfig.toml: what it held is unknown, so it is refused at its worst until acknowledged;
/// once `generate` has written the rename, nothing records the old stack and nothing is refused.
#[test]
fn a_renamed_stack_whose_template_was_deleted_by_hand_is_refused_by_its_samconfig_record() {
    use infra_gen::model::StackName;
    use infra_gen::pipeline::{self, Failure};
    let dir = std::env::temp_dir().join(format!("infra-gen-unrecorded-{}", std::process::id()));
    let app = valid_app();
    for s in 0..app.stacks().len() {
        let _ = std::fs::remove_dir_all(&dir);
        infra_gen::check::write(&pipeline::run(&app, &dir, None).expect("passes every step"))
            .expect("writes");
        let old = app.stacks()[s].name.to_string();
        std::fs::remove_file(dir.join(format!("{old}.yaml"))).expect("written");
        // Still defined, the stack is only drift, which the comparison reports.
        pipeline::run(&app, &dir, None).expect("a missing template of a defined stack is drift");
        let mut renamed = app.clone();
        renamed.stacks_mut()[s].name = StackName::new(format!("{old}-renamed")).expect("valid");
        let err = pipeline::run(&renamed, &dir, None).expect_err("refused");
        let Failure::Replacement { refused, .. } = &err else {
            panic!("expected the replacement guard, got {err}")
        };
        assert_eq!(refused.len(), 1, "{refused:#?}");
        assert_eq!(refused[0].stack, old);
        assert!(
            refused[0]
                .message
                .contains("it is missing, though samconfig.toml records the stack")
                && refused[0]
                    .fix
                    .contains(&format!("git checkout -- generated/{old}.yaml")),
            "{}",
            refused[0]
        );
        renamed
            .acknowledge_removed_stack(&old, "the data is copied over by hand first")
            .expect("valid");
        let rendered = pipeline::run(&renamed, &dir, None).expect("acknowledged");
        assert_eq!(rendered.removed().len(), 1);
        infra_gen::check::write(&rendered).expect("writes");
        let mut later = app.clone();
        later.stacks_mut()[s].name = StackName::new(format!("{old}-renamed")).expect("valid");
        pipeline::run(&later, &dir, None).expect("samconfig.toml no longer records the old stack");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// A removed stack's refusal names as its likely rename the stacks new to generated/ holding
/// stateful resources of the types it held, or, what it held being unknown (its template
/// deleted by hand, only samconfig.toml recording it), those holding any.
#[test]
fn a_removed_stack_names_as_successors_the_new_stacks_holding_its_kinds_of_data() {
    use infra_gen::model::StackName;
    use infra_gen::pipeline::{self, Failure};
    let dir = std::env::temp_dir().join(format!("infra-gen-successors-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let app = valid_app();
    infra_gen::check::write(&pipeline::run(&app, &dir, None).expect("passes every step"))
        .expect("writes");
    let old: Vec<String> = app.stacks().iter().map(|s| s.name.to_string()).collect();
    assert_eq!(old.len(), 2, "a registry and a service");
    let mut renamed = app.clone();
    for (s, name) in renamed.stacks_mut().iter_mut().zip(&old) {
        s.name = StackName::new(format!("{name}-renamed")).expect("valid");
    }
    let refused_by = |dir: &std::path::Path| {
        let err = pipeline::run(&renamed, dir, None).expect_err("refused");
        let Failure::Replacement { refused, .. } = err else {
            panic!("expected the replacement guard, got {err}")
        };
        refused
    };
    // The registry holds a repository, the service a log group and a secret: each one's
    // successor is its own rename only.
    let refused = refused_by(&dir);
    assert_eq!(refused.len(), 2, "{refused:#?}");
    for (i, name) in old.iter().enumerate() {
        let f = refused
            .iter()
            .find(|f| f.stack == *name)
            .expect("each old stack");
        assert!(
            f.message.contains(&format!("; {name}-renamed is new")),
            "{f}"
        );
        assert!(
            !f.message.contains(&format!("{}-renamed", old[1 - i])),
            "{f}"
        );
    }
    for name in &old {
        std::fs::remove_file(dir.join(format!("{name}.yaml"))).expect("written");
    }
    let refused = refused_by(&dir);
    assert_eq!(refused.len(), 2, "{refused:#?}");
    for f in &refused {
        assert!(
            f.message.contains(&format!(
                "{}-renamed and {}-renamed are new",
                old[0], old[1]
            )),
            "{f}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_import_from_another_region_is_refused_wherever_it_is_used() {
    use infra_gen::model::Output;
    let mut app = valid_app();
    let export = app.stacks()[0].template.outputs[0]
        .export
        .clone()
        .expect("exported");
    app.stacks_mut()[1].template.outputs.push(Output {
        id: LogicalId::new("Imported").expect("valid"),
        description: "the registry's URI, again".into(),
        value: Expr::import(export.as_str()),
        export: None,
    });
    assert!(of(&app, "region").is_empty());
    app.stacks_mut()[0].environment =
        infra_gen::Environment::new("test", "eu-west-1").expect("valid");
    let found = of(&app, "region");
    let places: Vec<&str> = found.iter().map(|f| f.resource.as_str()).collect();
    assert_eq!(places, ["Function", "Outputs.Imported"], "{found:#?}");
    assert!(found.iter().all(|f| f.message.contains("eu-west-1")));
    // deploy-order does not report the same import a second time.
    assert!(of(&app, "deploy-order").is_empty());
}

/// CloudFormation types whose resources hold what a deployment does not recreate: images,
/// log events, secret values, queued messages, items, objects, files, keys, databases, user
/// directories, and the trust roles place in GitHub's OIDC provider.
const DATA_TYPES: &[&str] = &[
    "AWS::IAM::OIDCProvider",
    "AWS::ECR::Repository",
    "AWS::Logs::LogGroup",
    "AWS::SecretsManager::Secret",
    "AWS::SQS::Queue",
    "AWS::DynamoDB::Table",
    "AWS::S3::Bucket",
    "AWS::KMS::Key",
    "AWS::EFS::FileSystem",
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
];

/// Every raw type `schemas/cloudformation/` holds, read from the files.
fn schema_types() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/cloudformation");
    let mut types: Vec<String> = std::fs::read_dir(dir)
        .expect("schemas")
        .filter_map(|e| {
            let text = std::fs::read_to_string(e.expect("entry").path()).ok()?;
            let v: serde_json::Value = serde_json::from_str(&text).ok()?;
            v["typeName"].as_str().map(str::to_owned)
        })
        .collect();
    types.sort();
    types
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_raw_resource_holding_data_is_retained_and_cannot_be_declared_stateless(
        at in any::<Index>(),
        stateless in any::<bool>(),
        deletion in 0..3usize,
        replace in 0..3usize,
    ) {
        use infra_gen::model::raw::Raw;
        use infra_gen::model::{DeletionPolicy, Lifecycle, Resource};
        // The types CloudFormation's DeletionPolicy documentation (and cfn-lint's E3035/E3036)
        // lets keep a snapshot; on any other `Snapshot` is refused.
        const SNAPSHOTS: [&str; 8] = ["AWS::DocDB::DBCluster", "AWS::EC2::Volume",
            "AWS::ElastiCache::CacheCluster", "AWS::ElastiCache::ReplicationGroup",
            "AWS::Neptune::DBCluster", "AWS::RDS::DBCluster", "AWS::RDS::DBInstance",
            "AWS::Redshift::Cluster"];
        let types = schema_types();
        let type_name = &types[at.index(types.len())];
        let mut raw = Raw::new(type_name, serde_json::json!({})).expect("valid");
        if stateless {
            raw = raw.stateless();
        }
        let mut r = Resource::new(LogicalId::new("Extra").expect("valid"), Properties::Raw(raw));
        let policies = [DeletionPolicy::Delete, DeletionPolicy::Retain, DeletionPolicy::Snapshot];
        r.lifecycle = Some(Lifecycle { deletion: policies[deletion], update_replace: policies[replace] });
        let mut app = valid_app();
        app.stacks_mut()[1].template.resources.push(r);
        let holds_data = DATA_TYPES.contains(&type_name.as_str());
        let snapshots = SNAPSHOTS.contains(&type_name.as_str());
        // `Snapshot` on a type without snapshots is refused; declared stateless, a type that
        // holds data is refused; otherwise what is stateful must be kept on delete and on
        // replace, retained or (for a type that takes one) as a snapshot.
        let keeps = |p: usize| p == 1 || p == 2 && snapshots;
        let refused = (deletion == 2 || replace == 2) && !snapshots
            || if stateless { holds_data } else { !(keeps(deletion) && keeps(replace)) };
        let found = of(&app, "stateful-policy");
        prop_assert_eq!(found.len(), usize::from(refused), "{} {:#?}", type_name, found);
        for f in &found {
            prop_assert_eq!(f.resource.as_str(), "Extra");
        }
    }
}

/// The types `infra-gen/data/stateful-types.txt` names (cfn-lint's stateful types, then those
/// it does not list that hold data), read from the file.
fn stateful_types() -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/stateful-types.txt");
    std::fs::read_to_string(path)
        .expect("the vendored list")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split(' ').next().map(str::to_owned))
        .collect()
}

#[test]
fn the_stateful_types_list_is_well_formed_and_keeps_every_type_known_to_hold_data() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/stateful-types.txt");
    let text = std::fs::read_to_string(path).expect("the vendored list");
    let (vendored, ours) = text
        .split_once("# Not in cfn-lint's list")
        .expect("the part cfn-lint does not list");
    let types = stateful_types();
    for t in &types {
        let parts: Vec<&str> = t.split("::").collect();
        assert!(parts.len() == 3 && parts[0] == "AWS", "{t}");
        assert_eq!(types.iter().filter(|u| *u == t).count(), 1, "{t} twice");
    }
    // Each type added to cfn-lint's says what it holds.
    for line in ours.lines().skip(1) {
        assert!(line.split(' ').count() >= 3, "no why: {line}");
        assert!(
            !vendored.lines().any(|l| Some(l) == line.split(' ').next()),
            "{line}"
        );
    }
    // Databases, caches, volumes, files, objects, keys, users, streams, vaults.
    for t in [
        "AWS::RDS::DBInstance",
        "AWS::RDS::DBCluster",
        "AWS::DocDB::DBCluster",
        "AWS::Neptune::DBCluster",
        "AWS::Redshift::Cluster",
        "AWS::ElastiCache::CacheCluster",
        "AWS::ElastiCache::ReplicationGroup",
        "AWS::EC2::Volume",
        "AWS::S3::Bucket",
        "AWS::EFS::FileSystem",
        "AWS::KMS::Key",
        "AWS::Cognito::UserPool",
        "AWS::DynamoDB::GlobalTable",
        "AWS::Kinesis::Stream",
        "AWS::OpenSearchService::Domain",
        "AWS::Backup::BackupVault",
        "AWS::Events::Archive",
        "AWS::MSK::Cluster",
    ] {
        assert!(types.iter().any(|u| u == t), "{t}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// A raw resource of any type the vendored list names cannot be declared stateless, nor can
    /// a type the list does not name that holds data with a property (a topic's archive); a
    /// database instance naming its cluster holds nothing of its own (the cluster's volume
    /// does) and can; types that route or configure (a bus, a rule, a dashboard) can.
    #[test]
    fn a_raw_resource_of_a_listed_stateful_type_cannot_be_declared_stateless(
        at in any::<Index>(),
        listed in any::<bool>(),
        member in any::<bool>(),
    ) {
        use infra_gen::model::raw::Raw;
        use infra_gen::model::Resource;
        const NO_DATA: [&str; 5] = ["AWS::Events::EventBus", "AWS::Events::Rule",
            "AWS::CloudWatch::Dashboard", "AWS::KinesisFirehose::DeliveryStream", "AWS::KMS::Alias"];
        const MEMBERS: [&str; 3] = ["AWS::RDS::DBInstance", "AWS::DocDB::DBInstance", "AWS::Neptune::DBInstance"];
        let types = stateful_types();
        let type_name = if listed { types[at.index(types.len())].clone() } else { NO_DATA[at.index(NO_DATA.len())].to_owned() };
        let in_cluster = member && MEMBERS.contains(&type_name.as_str());
        let props = if in_cluster { serde_json::json!({"DBClusterIdentifier": "ledger"}) } else { serde_json::json!({}) };
        let raw = Raw::new(&type_name, props).expect("valid").stateless();
        let mut app = valid_app();
        app.stacks_mut()[1].template.resources.push(Resource::new(LogicalId::new("Extra").expect("valid"), Properties::Raw(raw)));
        let found = of(&app, "stateful-policy");
        prop_assert_eq!(found.len(), usize::from(listed && !in_cluster), "{} member {}: {:#?}", type_name, in_cluster, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// CloudFormation snapshots an RDS cluster, and an RDS instance that names no cluster,
    /// when no `DeletionPolicy` is written (its documented default), and deletes every other
    /// resource; on replace its default is Delete for every type. The finding names exactly
    /// the policies under which the data goes, and says so.
    #[test]
    fn a_database_without_policies_loses_its_data_only_where_cloudformation_deletes_it(
        kind in 0..4usize,
        policies in prop::option::of((0..3usize, 0..3usize)),
    ) {
        use infra_gen::model::raw::Raw;
        use infra_gen::model::{DeletionPolicy, Lifecycle, Resource};
        let (type_name, props, snapshots, by_default) = [
            ("AWS::RDS::DBCluster", serde_json::json!({"Engine": "aurora-postgresql"}), true, true),
            ("AWS::RDS::DBInstance", serde_json::json!({"Engine": "postgres"}), true, true),
            ("AWS::RDS::DBInstance", serde_json::json!({"Engine": "aurora-postgresql", "DBClusterIdentifier": "ledger"}), true, false),
            ("AWS::EFS::FileSystem", serde_json::json!({}), false, false),
        ][kind].clone();
        // Snapshot on a type without snapshots is another finding (the template is refused).
        let all = [DeletionPolicy::Delete, DeletionPolicy::Retain, DeletionPolicy::Snapshot];
        let pick = |i: usize| all[if snapshots { i } else { i % 2 }];
        let lifecycle = policies.map(|(d, u)| Lifecycle { deletion: pick(d), update_replace: pick(u) });
        let mut r = Resource::new(
            LogicalId::new("Extra").expect("valid"),
            Properties::Raw(Raw::new(type_name, props).expect("valid")),
        );
        r.lifecycle = lifecycle;
        let mut app = valid_app();
        app.stacks_mut()[1].template.resources.push(r);
        let loses = |p: Option<DeletionPolicy>| p.is_none_or(|p| p == DeletionPolicy::Delete);
        let on_delete = match lifecycle {
            None => !by_default,
            Some(l) => loses(Some(l.deletion)),
        };
        let on_replace = loses(lifecycle.map(|l| l.update_replace));
        let found = of(&app, "stateful-policy");
        prop_assert_eq!(found.len(), usize::from(on_delete || on_replace), "{} {:?}: {:#?}", type_name, lifecycle, found);
        if let Some(f) = found.first() {
            let named = match (on_delete, on_replace) {
                (true, true) => "its DeletionPolicy and UpdateReplacePolicy is",
                (true, false) => "its DeletionPolicy is",
                _ => "its UpdateReplacePolicy is",
            };
            prop_assert!(f.message.contains(named), "{}: {}", named, f.message);
            prop_assert_eq!(f.message.contains("deleting the stack keeps a snapshot"), lifecycle.is_none() && by_default, "{}", f.message);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The deploy passes the commit it built as `ImageTag`; a `Default` is the image a deploy
    /// that does not pass it runs (CloudFormation takes the default, not the previous value),
    /// whatever the default names — a commit, `latest`, a digest-like text — so any default
    /// is refused, and none is the fixture's valid tag.
    #[test]
    fn an_image_tag_parameter_with_a_default_is_refused(
        default in prop::option::of(prop_oneof!["[0-9a-f]{7,40}", "latest", "[a-z][a-z0-9.-]{0,20}"]),
    ) {
        let mut app = valid_app();
        for p in &mut app.stacks_mut()[1].template.parameters {
            if p.id.as_str() == "ImageTag" {
                p.default = default.clone();
            }
        }
        let found = of(&app, "image-source");
        prop_assert_eq!(found.len(), usize::from(default.is_some()), "{:?}: {:#?}", default, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A raw repository's lifecycle policy text is read as the text CloudFormation passes on,
    /// however it is built of literals: written out, `Fn::Sub` of literal variables (the count
    /// one of them), `Fn::Join` of pieces. Each spelling gets the verdict of the text written
    /// out, and none is taken for an IAM document it cannot read.
    #[test]
    fn a_lifecycle_policy_built_of_literals_is_judged_as_its_text(
        keep in 1..40u32,
        spelling in 0..3usize,
    ) {
        let text = |n: &str| format!(
            r#"{{"rules":[{{"rulePriority":1,"description":"untagged","selection":{{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1}},"action":{{"type":"expire"}}}},{{"rulePriority":2,"description":"keep","selection":{{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":{n}}},"action":{{"type":"expire"}}}}]}}"#
        );
        let written = text(&keep.to_string());
        let policy = match spelling {
            0 => serde_json::json!(written),
            1 => serde_json::json!({"Fn::Sub": [text("${Keep}"), {"Keep": keep.to_string()}]}),
            _ => {
                let (a, b) = written.split_at(written.len() / 2);
                serde_json::json!({"Fn::Join": ["", [a, b]]})
            }
        };
        let repository = |policy: serde_json::Value| serde_json::json!({
            "RepositoryName": "demo-test-sidecar",
            "ImageTagMutability": "IMMUTABLE",
            "ImageScanningConfiguration": {"ScanOnPush": true},
            "LifecyclePolicy": {"LifecyclePolicyText": policy},
        });
        let verdict = |policy: serde_json::Value| {
            let mut app = valid_app();
            with_raw(&mut app, "Sidecar", "AWS::ECR::Repository", repository(policy));
            let found: Vec<(&'static str, String)> = lint(&app)
                .into_iter()
                .filter(|f| f.resource == "Sidecar")
                .map(|f| (f.code, f.message))
                .collect();
            found
        };
        let got = verdict(policy);
        prop_assert!(got.iter().all(|(code, _)| *code != "iam-raw"), "{:?}", got);
        prop_assert_eq!(got, verdict(serde_json::json!(written)));
    }
}

/// The fixture with the raw resource `props` of `type_name` added to its service as `id`.
fn with_raw(app: &mut App, id: &str, type_name: &str, props: serde_json::Value) {
    let raw = infra_gen::model::raw::Raw::new(type_name, props).expect("valid raw");
    app.stacks_mut()[1].template.resources.push(
        infra_gen::model::Resource::new(LogicalId::new(id).expect("valid"), Properties::Raw(raw))
            .retained(),
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// An S3 bucket's notifications (queues, topics, functions alike) collide when some event
    /// and some key would match two of them: their event types overlap (a `*` type covers its
    /// kind) and one key has both prefixes and both suffixes — judged by building that key.
    #[test]
    fn s3_notifications_collide_when_one_event_of_one_key_matches_two(
        configs in prop::collection::vec((
            prop::sample::select(vec!["QueueConfigurations", "TopicConfigurations", "LambdaConfigurations"]),
            prop::sample::select(vec!["s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Copy", "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete"]),
            prop::sample::select(vec!["", "in/", "in/raw/", "out/"]),
            prop::sample::select(vec!["", ".jpg", "raw.jpg", ".png"]),
        ), 1..4),
    ) {
        let mut app = valid_app();
        let mut lists: serde_json::Map<String, serde_json::Value> = serde_json::Map::new();
        let mut order: Vec<(&str, &str, &str)> = Vec::new();
        for (kind, event, prefix, suffix) in &configs {
            let destination = match *kind {
                "QueueConfigurations" => ("Queue", serde_json::json!({"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q"})),
                "TopicConfigurations" => ("Topic", serde_json::json!({"Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:t"})),
                _ => ("Function", serde_json::json!({"Fn::GetAtt": ["Function", "Arn"]})),
            };
            let rules: Vec<serde_json::Value> = [("prefix", prefix), ("suffix", suffix)]
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(n, v)| serde_json::json!({"Name": n, "Value": v}))
                .collect();
            let mut config = serde_json::json!({"Event": event, destination.0: destination.1});
            if !rules.is_empty() {
                config["Filter"] = serde_json::json!({"S3Key": {"Rules": rules}});
            }
            lists.entry(kind.to_string()).or_insert_with(|| serde_json::json!([])).as_array_mut().expect("a list").push(config);
        }
        // The linter reads queue, topic and function lists in that order.
        for kind in ["QueueConfigurations", "TopicConfigurations", "LambdaConfigurations"] {
            order.extend(configs.iter().filter(|c| c.0 == kind).map(|c| (c.1, c.2, c.3)));
        }
        with_raw(&mut app, "Uploads", "AWS::S3::Bucket", serde_json::json!({"BucketName": "demo-uploads", "NotificationConfiguration": lists}));
        let events_meet = |a: &str, b: &str| {
            let (ka, na) = a.rsplit_once(':').expect("kind:name");
            let (kb, nb) = b.rsplit_once(':').expect("kind:name");
            ka == kb && (na == "*" || nb == "*" || na == nb)
        };
        let longer = |a: &'static str, b: &'static str| if a.len() >= b.len() { a } else { b };
        let meets = |(e1, p1, s1): (&str, &'static str, &'static str), (e2, p2, s2): (&str, &'static str, &'static str)| {
            let key = format!("{}{}", longer(p1, p2), longer(s1, s2));
            events_meet(e1, e2) && [p1, p2].iter().all(|p| key.starts_with(p)) && [s1, s2].iter().all(|s| key.ends_with(s))
        };
        let expected = (0..order.len()).filter(|&i| (0..i).any(|j| meets(order[j], order[i]))).count();
        let found: Vec<Finding> = of(&app, "duplicate").into_iter().filter(|f| f.message.contains("S3 refuses notifications")).collect();
        prop_assert_eq!(found.len(), expected, "{:?}: {:#?}", order, found);
    }

    /// A function has one asynchronous invocation configuration per qualifier: a raw one on
    /// `$LATEST` (by `Ref`, name or ARN) meets the modelled one, another qualifier does not.
    #[test]
    fn invoke_configs_collide_per_function_and_qualifier(
        qualifier in prop::sample::select(vec!["$LATEST", "live", "1"]),
        function in prop::sample::select(vec![
            serde_json::json!({"Ref": "Function"}),
            serde_json::json!("demo-test"),
            serde_json::json!({"Fn::GetAtt": ["Function", "Arn"]}),
        ]),
        modelled in any::<bool>(),
    ) {
        let mut app = app_with("us-west-2", DOCKERFILE, |s| {
            if modelled {
                let mut q = infra_gen::model::sqs::Queue::new(infra_gen::model::sqs::QueueName::new("demo-dlq").expect("valid"));
                q.visibility_timeout = infra_gen::model::sqs::VisibilityTimeout::new(360).expect("valid");
                s.timeout(infra_gen::units::Timeout::seconds(60))
                    .queue("Dlq", Ok::<_, infra_gen::Error>(q))
                    .on_async_failure(infra_gen::model::lambda::events::AsyncInvoke::new(1, 3600), "Dlq")
            } else {
                s
            }
        })
        .expect("builds");
        with_raw(&mut app, "Again", "AWS::Lambda::EventInvokeConfig",
            serde_json::json!({"FunctionName": function, "Qualifier": qualifier, "MaximumRetryAttempts": 0}));
        let found: Vec<Finding> = of(&app, "duplicate").into_iter().filter(|f| f.message.contains("EventInvokeConfig")).collect();
        prop_assert_eq!(found.len(), usize::from(modelled && qualifier == "$LATEST"), "{:#?}", found);
    }

    /// A function holds one alias per name: a raw alias (by `Ref`, name or ARN) named like the
    /// alias SAM publishes for a safe deploy (`live`) meets it; another name, or no safe
    /// deploy, does not.
    #[test]
    fn a_raw_alias_meets_the_safe_deploys_alias_of_its_name(
        name in prop::sample::select(vec!["live", "preview", "Live"]),
        function in prop::sample::select(vec![
            serde_json::json!({"Ref": "Function"}),
            serde_json::json!("demo-test"),
            serde_json::json!({"Fn::GetAtt": ["Function", "Arn"]}),
        ]),
        safe in any::<bool>(),
    ) {
        let mut app = app_with("us-west-2", DOCKERFILE, |s| {
            if safe {
                s.alarms(Alarms::new()).safe_deploy(infra_gen::model::lambda::TrafficShift::AllAtOnce)
            } else {
                s
            }
        })
        .expect("builds");
        with_raw(&mut app, "Other", "AWS::Lambda::Alias",
            serde_json::json!({"FunctionName": function, "FunctionVersion": "1", "Name": name}));
        let found: Vec<Finding> = of(&app, "duplicate").into_iter().filter(|f| f.message.contains("AWS::Lambda::Alias")).collect();
        prop_assert_eq!(found.len(), usize::from(safe && name == "live"), "{:#?}", found);
    }

    /// A role a raw resource has a service assume, wherever its schema puts it (`Role`,
    /// `RoleArn`, a target's `RoleArn`, `AssociatedRoles[].RoleArn`), is the stack's account's:
    /// IAM passes only the deploying account's roles, so a literal other account is
    /// `iam-scope`; `${AWS::AccountId}` or a role of the stack passes.
    #[test]
    fn a_raw_resources_roles_are_of_the_stacks_account(
        kind in 0usize..6,
        form in 0usize..3,
    ) {
        let role = match form {
            0 => serde_json::json!("arn:aws:iam::210987654321:role/ops"),
            1 => serde_json::json!({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/ops"}),
            _ => serde_json::json!({"Fn::GetAtt": ["FunctionRole", "Arn"]}),
        };
        let function = serde_json::json!({"Fn::GetAtt": ["Function", "Arn"]});
        let (type_name, props) = match kind {
            0 => ("AWS::StepFunctions::StateMachine", serde_json::json!({"RoleArn": role,
                "DefinitionString": "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}"})),
            1 => ("AWS::Scheduler::Schedule", serde_json::json!({"ScheduleExpression": "rate(1 hour)", "FlexibleTimeWindow": {"Mode": "OFF"},
                "Target": {"Arn": function, "RoleArn": role}})),
            2 => ("AWS::Events::Rule", serde_json::json!({"ScheduleExpression": "rate(1 hour)",
                "Targets": [{"Id": "t", "Arn": function, "RoleArn": role}]})),
            3 => ("AWS::Pipes::Pipe", serde_json::json!({"RoleArn": role, "Target": function,
                "Source": {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:in"}})),
            4 => ("AWS::RDS::DBCluster", serde_json::json!({"Engine": "aurora-postgresql", "DBClusterIdentifier": "demo",
                "AssociatedRoles": [{"RoleArn": role, "FeatureName": "s3Import"}]})),
            _ => ("AWS::CodeDeploy::DeploymentGroup", serde_json::json!({"ApplicationName": "demo", "ServiceRoleArn": role})),
        };
        let mut app = valid_app();
        with_raw(&mut app, "Extra", type_name, props);
        let found: Vec<Finding> = lint(&app).into_iter()
            .filter(|f| f.code == "iam-scope" && f.message.contains("has a service assume the role")).collect();
        prop_assert_eq!(found.len(), usize::from(form == 0), "{:#?}", found);
    }

    /// A raw resource's policies may name another account or region only when it declares
    /// that crossing with a reason (`Raw::cross_account`, `Raw::cross_region`), as a typed
    /// statement does: a queue taking a topic of another region (SNS delivers across regions),
    /// or a partner account's role. One boundary declared leaves the other undeclared. The
    /// same holds for a resource's own grant (`AWS::Lambda::Permission`: a topic of another
    /// region invoking the function, a partner account's bucket).
    #[test]
    fn a_raw_resource_crosses_only_what_it_declares(
        crosses_region in any::<bool>(),
        crosses_account in any::<bool>(),
        declare_region in any::<bool>(),
        declare_account in any::<bool>(),
        own_grant in any::<bool>(),
    ) {
        let topic = if crosses_region {
            "arn:${AWS::Partition}:sns:eu-west-1:${AWS::AccountId}:alerts"
        } else {
            "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:alerts"
        };
        let reader = if crosses_account {
            serde_json::json!("arn:aws:iam::210987654321:role/reader")
        } else {
            serde_json::json!({"Fn::GetAtt": ["FunctionRole", "Arn"]})
        };
        let permission = serde_json::json!({
            "Action": "lambda:InvokeFunction", "FunctionName": {"Ref": "Function"},
            "Principal": "sns.amazonaws.com", "SourceArn": {"Fn::Sub": topic},
            "SourceAccount": if crosses_account { serde_json::json!("210987654321") } else { serde_json::json!({"Ref": "AWS::AccountId"}) }});
        let mut raw = if own_grant {
            infra_gen::model::raw::Raw::new("AWS::Lambda::Permission", permission)
        } else { infra_gen::model::raw::Raw::new("AWS::SQS::QueuePolicy", serde_json::json!({
            "Queues": [{"Fn::Sub": "https://sqs.${AWS::Region}.${AWS::URLSuffix}/${AWS::AccountId}/demo-jobs"}],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Sid": "FromTopic", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
                 "Resource": {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:demo-jobs"},
                 "Condition": {"ArnEquals": {"aws:SourceArn": {"Fn::Sub": topic}}}},
                {"Sid": "Reader", "Effect": "Allow", "Principal": {"AWS": reader}, "Action": "sqs:ReceiveMessage",
                 "Resource": {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:demo-jobs"}}]}}))
        }
            .expect("valid raw")
            .stateless();
        if declare_region {
            raw = raw.cross_region("the alerts topic of the Ireland stack fans out to this queue").expect("a reason");
        }
        if declare_account {
            raw = raw.cross_account("the partner's reader role drains the queue nightly").expect("a reason");
        }
        let placeholder = infra_gen::model::raw::Raw::new("AWS::SQS::QueuePolicy", serde_json::json!({}))
            .expect("valid raw")
            .cross_region("TODO later maybe");
        prop_assert!(placeholder.is_err(), "a placeholder declares nothing");
        let mut app = valid_app();
        app.stacks_mut()[1].template.resources.push(
            infra_gen::model::Resource::new(LogicalId::new("JobsPolicy").expect("valid"), Properties::Raw(raw)),
        );
        let scope: Vec<Finding> = lint(&app).into_iter().filter(|f| f.code == "iam-scope").collect();
        let undeclared = (crosses_region && !declare_region) || (crosses_account && !declare_account);
        prop_assert_eq!(!scope.is_empty(), undeclared, "{:#?}", scope);
    }

    /// A raw role's permissions boundary is a managed policy of the stack's account or an AWS
    /// managed one: IAM takes no other account's policy as a boundary (the deploy fails).
    #[test]
    fn a_raw_roles_boundary_is_of_the_stacks_account_or_aws(
        form in 0usize..5,
    ) {
        let boundary = match form {
            0 => serde_json::json!("arn:aws:iam::210987654321:policy/org-boundary"),
            1 => serde_json::json!({"Fn::Sub": ["arn:${AWS::Partition}:iam::${A}:policy/b", {"A": "210987654321"}]}),
            2 => serde_json::json!({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/b"}),
            3 => serde_json::json!({"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess"}),
            _ => serde_json::json!("arn:aws:iam::aws:policy/PowerUserAccess"),
        };
        let mut app = valid_app();
        with_raw(&mut app, "Extra", "AWS::IAM::Role", serde_json::json!({
            "PermissionsBoundary": boundary,
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole",
                 "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}}]}}));
        let found: Vec<Finding> = lint(&app).into_iter()
            .filter(|f| f.code == "iam-scope" && f.message.contains("permissions boundary")).collect();
        prop_assert_eq!(found.len(), usize::from(form < 2), "{:#?}", found);
    }

    /// A function's event sources (schedules) are SAM's `Events` map: two of one name collide.
    #[test]
    fn event_source_names_collide_only_when_equal(
        names in prop::collection::vec(prop::sample::select(vec!["Nightly", "Hourly", "nightly"]), 1..4),
    ) {
        let app = app_with("us-west-2", DOCKERFILE, |mut s| {
            for n in &names {
                s = s.schedule(n, infra_gen::builders::Schedule::new("rate(1 hour)"));
            }
            s
        })
        .expect("builds");
        let repeats = (0..names.len()).filter(|&i| names[..i].contains(&names[i])).count();
        let found: Vec<Finding> = of(&app, "duplicate").into_iter().filter(|f| f.message.contains("event source")).collect();
        prop_assert_eq!(found.len(), repeats, "{:?}: {:#?}", names, found);
    }

    /// Names AWS holds once per region are compared as CloudFormation resolves them: a raw log
    /// group named `/aws/lambda/` and the function's name (by `Ref`, `Sub` or literally) is the
    /// function's own log group, and a raw metric or composite alarm named like a modelled
    /// alarm is that alarm (both kinds share one namespace of names).
    #[test]
    fn names_are_compared_as_resolved_and_alarms_share_one_namespace(
        group_form in 0usize..4,
        alarm_type in prop::sample::select(vec!["AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm"]),
        alarm_name in prop::sample::select(vec!["demo-test-errors", "demo-test-other", "demo-test-Errors"]),
    ) {
        let mut app = app_with("us-west-2", DOCKERFILE, |s| s.alarms(Alarms::new().errors_at_least(1))).expect("builds");
        let (group, same_group) = match group_form {
            0 => (serde_json::json!({"Fn::Sub": "/aws/lambda/${Function}"}), true),
            1 => (serde_json::json!({"Fn::Join": ["", ["/aws/lambda/", {"Ref": "Function"}]]}), true),
            2 => (serde_json::json!("/aws/lambda/demo-test"), true),
            _ => (serde_json::json!({"Fn::Sub": "/aws/lambda/${Function}-audit"}), false),
        };
        with_raw(&mut app, "Group", "AWS::Logs::LogGroup", serde_json::json!({"LogGroupName": group, "RetentionInDays": 365}));
        let props = if alarm_type == "AWS::CloudWatch::Alarm" {
            serde_json::json!({"AlarmName": alarm_name, "Namespace": "AWS/Lambda", "MetricName": "Errors", "Statistic": "Sum",
                "Period": 60, "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanOrEqualToThreshold"})
        } else {
            serde_json::json!({"AlarmName": alarm_name, "AlarmRule": "ALARM(demo-test-other-rule)"})
        };
        with_raw(&mut app, "Extra", alarm_type, props);
        let found = of(&app, "region");
        let on = |id: &str| found.iter().filter(|f| f.resource == id && f.message.contains("is also used by")).count();
        prop_assert_eq!(on("Group"), usize::from(same_group), "{:#?}", found);
        prop_assert_eq!(on("Extra"), usize::from(alarm_name == "demo-test-errors"), "{:#?}", found);
    }
}

/// How a committed template of a renamed stack can be damaged by hand: a tab in its
/// indentation, cut at a byte past its header, cut inside a resource's `Type` (what is left
/// still reads as a template), its `Resources` dropped, emptied to its header, a NUL byte in it.
const DAMAGE: &[&str] = &[
    "tab",
    "cut",
    "type-cut",
    "no-resources",
    "header-only",
    "nul",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A renamed stack's old template that no longer reads as a template (damaged after
    /// infra-gen wrote it: its header stays) is taken at its worst, as a defined stack's is: it
    /// may have held stateful resources, so the rename is refused until acknowledged; a yaml
    /// file infra-gen never wrote (no header) stays a stray for the drift comparison.
    #[test]
    fn a_damaged_template_of_a_renamed_stack_is_taken_at_its_worst(
        stack in 0usize..2,
        damage in proptest::sample::select(DAMAGE.to_vec()),
        cut in any::<Index>(),
    ) {
        use infra_gen::model::StackName;
        use infra_gen::pipeline::{self, Failure};
        let dir = std::env::temp_dir().join(format!(
            "infra-gen-damaged-{}-{stack}-{damage}-{}",
            std::process::id(),
            cut.index(1000)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let app = valid_app();
        infra_gen::check::write(&pipeline::run(&app, &dir, None).expect("passes")).expect("writes");
        let old = app.stacks()[stack].name.to_string();
        let path = dir.join(format!("{old}.yaml"));
        let text = std::fs::read_to_string(&path).expect("written");
        let header = text.find('\n').expect("a header line") + 1;
        let damaged = match damage {
            "tab" => text.replacen("\n  ", "\n\t", 1),
            "cut" => {
                let at = header + cut.index(text.len() - header);
                let at = (at..=text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(text.len());
                text[..at].to_owned()
            }
            "type-cut" => {
                let resources = text.find("\nResources:").expect("resources");
                let at = resources + text[resources..].find("    Type: ").expect("a type") + 11;
                text[..at].to_owned()
            }
            "no-resources" => text.replacen("Resources:", "Resourcez:", 1),
            "header-only" => text[..header].to_owned(),
            _ => format!("{}\0{}", &text[..header], &text[header..]),
        };
        std::fs::write(&path, &damaged).expect("damages");
        let mut renamed = app.clone();
        renamed.stacks_mut()[stack].name = StackName::new(format!("{old}-renamed")).expect("valid");
        let err = pipeline::run(&renamed, &dir, None).expect_err("refused at worst");
        let Failure::Replacement { refused, .. } = &err else {
            panic!("expected the replacement guard, got {err}")
        };
        prop_assert!(refused.iter().any(|f| f.stack == old), "{:#?}", refused);
        renamed
            .acknowledge_removed_stack(&old, "the data is copied over by hand first")
            .expect("valid");
        prop_assert!(pipeline::run(&renamed, &dir, None).is_ok());
        // The same file without infra-gen's header is no stack's template.
        std::fs::write(&path, damaged.lines().skip(1).collect::<Vec<_>>().join("\n")).expect("writes");
        let mut renamed = app.clone();
        renamed.stacks_mut()[stack].name = StackName::new(format!("{old}-renamed")).expect("valid");
        let read_as_template = infra_gen::render::read::read_template(
            &std::fs::read_to_string(&path).unwrap_or_default(),
        )
        .ok()
        .filter(|t| t.get("Resources").is_some())
        .is_some();
        if !read_as_template {
            prop_assert!(pipeline::run(&renamed, &dir, None).is_ok());
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}

/// The app with a table of the given global secondary indexes (name, key attribute, whether
/// it projects all attributes), acknowledged as replaced when `ack`.
fn indexed_app(indexes: &[(usize, usize, bool)], ack: bool) -> App {
    use infra_gen::model::raw::Raw;
    use infra_gen::model::review::ReplacementAck;
    let mut attributes = vec![serde_json::json!({"AttributeName": "pk", "AttributeType": "S"})];
    let gsis: Vec<serde_json::Value> = indexes
        .iter()
        .map(|(name, key, all)| {
            let key = format!("k{key}");
            if !attributes
                .iter()
                .any(|a| a["AttributeName"] == key.as_str())
            {
                attributes.push(serde_json::json!({"AttributeName": key, "AttributeType": "S"}));
            }
            serde_json::json!({
                "IndexName": format!("index-{name}"),
                "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
                "Projection": {"ProjectionType": if *all { "ALL" } else { "KEYS_ONLY" }},
            })
        })
        .collect();
    let mut props = serde_json::json!({
        "TableName": "demo-indexed",
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": attributes,
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    });
    if !gsis.is_empty() {
        props["GlobalSecondaryIndexes"] = serde_json::json!(gsis);
    }
    let mut app = valid_app();
    let mut r = infra_gen::model::Resource::new(
        LogicalId::new("Indexed").expect("valid"),
        Properties::Raw(Raw::new("AWS::DynamoDB::Table", props).expect("valid raw")),
    )
    .retained();
    if ack {
        r.replacement_ack = Some(
            ReplacementAck::new("the table is rebuilt from its source by a backfill")
                .expect("valid"),
        );
    }
    app.stacks_mut()[1].template.resources.push(r);
    app
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A table's global secondary indexes change in place only as DynamoDB allows (its schema:
    /// updates are not supported but one index added or deleted per update): an index kept
    /// under its name with other keys or projection, or more than one index added or deleted
    /// (a rename is both), fails the update, acknowledged or not; anything else passes, but an
    /// acknowledgement that then consents to nothing (it would be recorded as spent).
    #[test]
    fn a_table_s_indexes_change_in_place_only_as_dynamodb_allows(
        before in proptest::collection::btree_map(0..4usize, (0..3usize, any::<bool>()), 0..3),
        after in proptest::collection::btree_map(0..4usize, (0..3usize, any::<bool>()), 0..3),
        ack in any::<bool>(),
    ) {
        use infra_gen::pipeline::{self, Failure};
        let list = |m: &std::collections::BTreeMap<usize, (usize, bool)>| -> Vec<(usize, usize, bool)> {
            m.iter().map(|(n, (k, a))| (*n, *k, *a)).collect()
        };
        let reshaped = before.iter().any(|(n, shape)| after.get(n).is_some_and(|s| s != shape));
        let added = after.keys().filter(|n| !before.contains_key(n)).count();
        let deleted = before.keys().filter(|n| !after.contains_key(n)).count();
        let fails = reshaped || added + deleted > 1;
        let dir = std::env::temp_dir().join(format!(
            "infra-gen-indexes-{}-{:?}-{:?}-{ack}",
            std::process::id(),
            before,
            after
        ).replace([' ', '{', '}', ':', ',', '(', ')'], ""));
        let _ = std::fs::remove_dir_all(&dir);
        infra_gen::check::write(&pipeline::run(&indexed_app(&list(&before), false), &dir, None).expect("passes"))
            .expect("writes");
        let got = pipeline::run(&indexed_app(&list(&after), ack), &dir, None);
        std::fs::remove_dir_all(&dir).ok();
        match got {
            Ok(_) => prop_assert!(!fails && !ack, "{:?} → {:?} passed", before, after),
            Err(Failure::Replacement { refused, .. }) if !fails => {
                prop_assert!(ack, "{:?} → {:?}: {:#?}", before, after, refused);
                prop_assert!(refused.iter().all(|f| f.resource == "Indexed" && f.message.contains("replaces nothing of it")));
            }
            Err(Failure::Replacement { refused, .. }) => {
                prop_assert!(refused.iter().all(|f| f.resource == "Indexed" && f.message.contains("GlobalSecondaryIndexes")), "{:#?}", refused);
            }
            Err(e) => prop_assert!(false, "{}", e),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `Fn::Select` of an `Fn::Split` is computed as CloudFormation computes it when no
    /// reference in the split text can hold the delimiter (an imported repository URI and the
    /// `ImageTag` hold letters, digits and `._/-` only): the item that is exactly the URI
    /// passes, any other item is another value. Split at a character a URI holds (`.`, `/`),
    /// or around a reference that may hold anything (the stack's name), it is not known.
    #[test]
    fn an_image_uri_selected_from_a_split_is_judged_as_the_item(
        delimiter in prop::sample::select(vec![",", "|", "@@", " ", ".", "/"]),
        before in 0usize..3,
        after in 0usize..3,
        offset in 0usize..3,
        other_reference in any::<bool>(),
    ) {
        let mut items: Vec<String> = (0..before).map(|i| format!("pad{i}")).collect();
        if other_reference {
            items.insert(0, "${AWS::StackName}".into());
        }
        let at = items.len();
        items.push("${RepositoryUri}:${ImageTag}".into());
        items.extend((0..after).map(|i| format!("tail{i}")));
        let index = (at + offset) % items.len();
        let uri = Expr::Select(index, Box::new(Expr::Split(delimiter.into(), Box::new(Expr::SubWith(
            items.join(delimiter),
            vec![("RepositoryUri".into(), Expr::import("demo-test-registry-RepositoryUri"))],
        )))));
        let mut app = valid_app();
        function_mut(&mut app).image_uri = uri;
        let safe = !matches!(delimiter, "." | "/") && !other_reference;
        let found = of(&app, "image-source");
        prop_assert_eq!(found.is_empty(), safe && index == at, "{} {}: {:#?}", delimiter, index, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// An Availability Zone names its region — `<region><letter>`, a Local Zone's
    /// `<region>-<zone>`, or a zone `Fn::GetAZs <region>` returns (`""`: the stack's) — and a
    /// raw resource placed in one of another region than its stack's (any property named
    /// `…AvailabilityZone(s)`, at any depth) is a `region` finding; its own region's zone is not.
    #[test]
    fn a_resource_is_placed_only_in_its_own_regions_zones(
        // The fixture's model map routes from these.
        stack_region in proptest::sample::select(vec!["us-east-1", "us-west-2"]),
        zone_region in proptest::sample::select(REGIONS.to_vec()),
        form in 0usize..4,
        letter in proptest::sample::select(vec!["a", "b", "c"]),
    ) {
        let zone = match form {
            0 => serde_json::json!(format!("{zone_region}{letter}")),
            1 => serde_json::json!(format!("{zone_region}-lax-1{letter}")),
            2 => serde_json::json!({"Fn::Select": [0, {"Fn::GetAZs": zone_region}]}),
            _ => serde_json::json!({"Fn::Select": [1, {"Fn::GetAZs": ""}]}),
        };
        let mut app = app_with(stack_region, DOCKERFILE, |s| s).expect("valid");
        // A subnet's zone, or a One Zone file system's.
        if letter == "c" {
            with_raw(&mut app, "Files", "AWS::EFS::FileSystem", serde_json::json!({"AvailabilityZoneName": zone, "Encrypted": true}));
        } else {
            with_raw(&mut app, "Subnet", "AWS::EC2::Subnet", serde_json::json!({"VpcId": "vpc-0123456789abcdef0", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": zone}));
        }
        let found = of(&app, "region");
        let other = form != 3 && zone_region != stack_region;
        prop_assert_eq!(found.len(), usize::from(other), "{} {} {}: {:#?}", stack_region, zone_region, form, found);
    }
}
