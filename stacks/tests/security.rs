//! What the committed templates allow and protect: the templates pass the resource schemas;
//! each function's role can do exactly its job (a small IAM evaluator reads the policies from
//! the committed YAML); and a change that would replace a stateful resource is caught. Every
//! stack, name and expected ARN comes from the definitions (`support`).

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use infra_gen::builders::grant::S3_OBJECT_ACTIONS;
use infra_gen::builders::{DynamoDb, ModelMap};
use infra_gen::model::iam::{Action, Statement};
use infra_gen::model::lambda::HandlerMode;
use infra_gen::model::review::ReplacementAck;
use infra_gen::model::{Expr, LogicalId, Properties, Resource};
use infra_gen::units::RetentionDays;
use infra_gen::validate::{read_template, replacements, validate};
use infra_gen::{App, Stack};
use serde_json::{Value, json};
use support::{
    app, every, first, function, has, is_log_group, is_registry, is_repository, is_secret,
    is_service, resource, resources,
};

/// The example account the evaluator puts in ARNs; each stack's region is its own.
const ACCOUNT: &str = "123456789012";
/// The model map the gateway routes by, which the definitions embed. `ModelMap` keeps its
/// entries private, so the evaluator reads them here; [`model_map_of`] checks that this is the
/// map of the stack under test.
const MODELS: &str = include_str!("../../function/models.json");

fn generated(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../generated")
        .join(format!("{name}.yaml"))
}

fn committed(name: &str) -> Value {
    let text = fs::read_to_string(generated(name)).expect("committed template");
    read_template(&text).expect("parses")
}

#[test]
fn every_template_passes_the_resource_schemas() {
    let findings = validate(&app());
    assert!(findings.is_empty(), "{findings:#?}");
}

// ---- A small IAM evaluator: Allow statements, `*`/`?` globs, StringEquals and StringLike
// conditions. ----

/// A resource ARN or condition value of the template, with the example account and the
/// stack's region.
fn resolve(v: &Value, template: &Value, region: &str) -> String {
    let resource = |id: &str| &template["Resources"][id];
    match v {
        Value::String(s) => s.clone(),
        Value::Object(m) if m.contains_key("Fn::Sub") => {
            let mut s = m["Fn::Sub"].as_str().expect("plain Sub").to_owned();
            for (name, value) in [
                ("AWS::Partition", "aws"),
                ("AWS::Region", region),
                ("AWS::AccountId", ACCOUNT),
            ] {
                s = s.replace(&format!("${{{name}}}"), value);
            }
            // `${Id.Arn}` of a resource of the stack.
            while let Some(start) = s.find("${") {
                let end = start + s[start..].find('}').expect("closed");
                let (id, attribute) = s[start + 2..end].split_once('.').expect("Id.Attribute");
                assert_eq!(attribute, "Arn", "{s}");
                let arn = arn_of(template, id, region);
                s.replace_range(start..=end, &arn);
            }
            s
        }
        Value::Object(m) if m.contains_key("Ref") => match m["Ref"].as_str() {
            Some("AWS::Region") => region.into(),
            Some(id) if resource(id)["Type"] == "AWS::SecretsManager::Secret" => {
                // Secrets Manager appends six random characters to the name.
                let name = resource(id)["Properties"]["Name"].as_str().expect("named");
                format!("arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{name}-AbCdEf")
            }
            other => panic!("no example value for Ref {other:?}"),
        },
        Value::Object(m) if m.contains_key("Fn::GetAtt") => {
            assert_eq!(m["Fn::GetAtt"][1], "Arn", "{v}");
            arn_of(template, m["Fn::GetAtt"][0].as_str().expect("id"), region)
        }
        other => panic!("no example value for {other}"),
    }
}

/// The `Arn` attribute of resource `id`, from its name in the template.
fn arn_of(template: &Value, id: &str, region: &str) -> String {
    let r = &template["Resources"][id];
    let name = |key: &str| r["Properties"][key].as_str().expect("named").to_owned();
    match r["Type"].as_str() {
        // A log group's Arn attribute ends in `:*`, covering its streams.
        Some("AWS::Logs::LogGroup") => format!(
            "arn:aws:logs:{region}:{ACCOUNT}:log-group:{}:*",
            name("LogGroupName")
        ),
        Some("AWS::SQS::Queue") => format!("arn:aws:sqs:{region}:{ACCOUNT}:{}", name("QueueName")),
        Some("AWS::DynamoDB::Table") => {
            format!(
                "arn:aws:dynamodb:{region}:{ACCOUNT}:table/{}",
                name("TableName")
            )
        }
        other => panic!("no example ARN for GetAtt {id}.Arn of a {other:?}"),
    }
}

/// IAM's matching: `*` any run of characters, `?` any one.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

fn as_list(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

struct Policy {
    statements: Vec<Value>,
    template: Value,
    region: String,
}

impl Policy {
    fn of_role(template: &Value, role: &str, region: &str) -> Self {
        let statements = as_list(&template["Resources"][role]["Properties"]["Policies"])
            .into_iter()
            .flat_map(|p| as_list(&p["PolicyDocument"]["Statement"]))
            .cloned()
            .collect();
        Self {
            statements,
            template: template.clone(),
            region: region.to_owned(),
        }
    }

    fn allows(&self, action: &str, resource: &str, context: &[(&str, &str)]) -> bool {
        self.statements.iter().any(|s| {
            assert_eq!(s["Effect"], "Allow");
            let action_ok = as_list(&s["Action"]).iter().any(|a| {
                glob(
                    &a.as_str().expect("action").to_lowercase(),
                    &action.to_lowercase(),
                )
            });
            let resource_ok = as_list(&s["Resource"])
                .iter()
                .any(|r| glob(&resolve(r, &self.template, &self.region), resource));
            let conditions_ok = s["Condition"].as_object().is_none_or(|blocks| {
                blocks.iter().all(|(op, keys)| {
                    let like = match op.as_str() {
                        "StringEquals" => false,
                        "StringLike" => true,
                        other => panic!("the evaluator knows no {other}"),
                    };
                    keys.as_object().expect("keys").iter().all(|(key, wanted)| {
                        // Several values for one key: any of them will do.
                        as_list(wanted).iter().any(|want| {
                            let want = resolve(want, &self.template, &self.region);
                            context.iter().any(|(k, v)| {
                                k == key && if like { glob(&want, v) } else { *v == want }
                            })
                        })
                    })
                })
            });
            action_ok && resource_ok && conditions_ok
        })
    }
}

fn profile_arn(region: &str, profile: &str) -> String {
    format!("arn:aws:bedrock:{region}:{ACCOUNT}:inference-profile/{profile}")
}

fn model_arn(region: &str, model: &str) -> String {
    format!("arn:aws:bedrock:{region}::foundation-model/{model}")
}

/// The calls Bedrock authorizes for one `action` (InvokeModel or its streaming form) on
/// `model` through its profile (or directly), from the policy's region.
fn invocation_allowed(policy: &Policy, action: &str, model: &Value) -> bool {
    let region = policy.region.as_str();
    let fm = model["foundation_model"]
        .as_str()
        .expect("foundation_model");
    let Some(profile) = model["inference_profile"].as_str() else {
        return policy.allows(action, &model_arn(region, fm), &[]);
    };
    let via = profile_arn(region, profile);
    let legs: Vec<(String, &str)> = match &model["routes_to"] {
        Value::String(_) => vec![
            (model_arn(region, fm), region),
            (model_arn("", fm), "unspecified"),
        ],
        regions => as_list(regions)
            .iter()
            .map(|r| {
                let r = r.as_str().expect("region");
                (model_arn(r, fm), r)
            })
            .collect(),
    };
    policy.allows(action, &via, &[])
        && legs.iter().all(|(arn, requested)| {
            policy.allows(
                action,
                arn,
                &[
                    ("bedrock:InferenceProfileArn", via.as_str()),
                    ("aws:RequestedRegion", requested),
                ],
            )
        })
}

/// The logical ID a `Ref` or `GetAtt` points at.
fn target(e: &Expr) -> &str {
    match e {
        Expr::Ref(id) | Expr::GetAtt(id, _) => id,
        other => panic!("not a reference to a resource: {other:?}"),
    }
}

/// The function's role in the definitions: its logical ID and its statements.
fn function_role(stack: &Stack) -> (&str, Vec<&Statement>) {
    let f = function(stack).expect("a service stack");
    let id = target(&f.role);
    match &stack
        .template
        .resource(id)
        .expect("the role exists")
        .properties
    {
        Properties::Role(role) => (
            id,
            role.policies.iter().flat_map(|p| &p.statements).collect(),
        ),
        other => panic!("{id} is a {}", other.type_name()),
    }
}

/// The entries of the stack's model map, or `None` when it grants no models.
fn models_of(stack: &Stack) -> Option<Vec<Value>> {
    let map = stack.models.as_ref()?;
    assert_eq!(
        map,
        &ModelMap::from_json(MODELS).expect("valid map"),
        "{} grants a model map other than function/models.json: read its entries here too",
        stack.name
    );
    let models: Value = serde_json::from_str(MODELS).expect("models.json");
    Some(models["models"].as_array().expect("a list").clone())
}

#[test]
fn every_function_role_can_do_exactly_its_job() {
    let app = app();
    for stack in every(&app, "a function", is_service) {
        let name = stack.name.as_str();
        let region = stack.environment.region();
        let f = function(stack).expect("a service");
        let template = committed(name);
        let (role_id, _) = function_role(stack);
        let role = Policy::of_role(&template, role_id, region);

        let log_group = match &stack
            .template
            .resource(target(&f.logging.log_group))
            .expect("the log group exists")
            .properties
        {
            Properties::LogGroup(g) => g.name.clone(),
            other => panic!("the function logs to a {}", other.type_name()),
        };
        let group_arn = format!("arn:aws:logs:{region}:{ACCOUNT}:log-group:{log_group}");
        let stream = format!("{group_arn}:log-stream:2026/11/23/[$LATEST]0123");
        assert!(role.allows("logs:PutLogEvents", &stream, &[]), "{name}");
        assert!(role.allows("logs:CreateLogStream", &stream, &[]), "{name}");
        // Not a log group whose name merely starts with the function's.
        let other_stream = stream.replace(&log_group, &format!("{log_group}-other"));
        assert!(
            !role.allows("logs:PutLogEvents", &other_stream, &[]),
            "{name}"
        );
        assert!(
            !role.allows("logs:CreateLogGroup", &group_arn, &[]),
            "{name}"
        );

        for secret in resources(stack, is_secret) {
            let Properties::Secret(s) = &secret.properties else {
                unreachable!("is_secret")
            };
            let arn = |name: &str| {
                format!("arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{name}-AbCdEf")
            };
            let secret_arn = arn(&s.name);
            assert!(
                role.allows("secretsmanager:GetSecretValue", &secret_arn, &[]),
                "{name}"
            );
            assert!(
                !role.allows(
                    "secretsmanager:GetSecretValue",
                    &arn(&format!("{}-other", s.name)),
                    &[]
                ),
                "{name}"
            );
            assert!(
                !role.allows("secretsmanager:PutSecretValue", &secret_arn, &[]),
                "{name}"
            );
        }

        match models_of(stack) {
            Some(models) => {
                // A buffered handler never streams, so it is not granted the streaming call.
                let streams = f.handler == HandlerMode::Streaming;
                for model in &models {
                    let id = &model["id"];
                    assert!(
                        invocation_allowed(&role, "bedrock:InvokeModel", model),
                        "{name}: {id}"
                    );
                    assert_eq!(
                        invocation_allowed(&role, "bedrock:InvokeModelWithResponseStream", model),
                        streams,
                        "{name}: {id}"
                    );
                    let fm = model["foundation_model"].as_str().expect("fm");
                    assert!(role.allows("bedrock:CountTokens", &model_arn(region, fm), &[]));
                    // The routed models are reachable only through the profile.
                    if model["inference_profile"].is_string() {
                        assert!(
                            !role.allows("bedrock:InvokeModel", &model_arn(region, fm), &[]),
                            "{name}: {id}"
                        );
                    }
                }
                let unmapped = json!({
                    "foundation_model": "anthropic.claude-3-opus-20240229-v1:0",
                    "inference_profile": "us.anthropic.claude-3-opus-20240229-v1:0",
                    "routes_to": ["us-east-1", "us-west-2"],
                });
                assert!(!invocation_allowed(&role, "bedrock:InvokeModel", &unmapped));
            }
            // A function without a model map is granted no Bedrock call at all.
            None => {
                for s in &role.statements {
                    for a in as_list(&s["Action"]) {
                        let a = a.as_str().expect("action");
                        assert!(!a.starts_with("bedrock:"), "{name}: {s}");
                    }
                }
            }
        }
        assert!(!role.allows("bedrock:InvokeModel", "*", &[]), "{name}");
        assert!(!role.allows("iam:PassRole", "*", &[]), "{name}");
        // No statement grants `*` actions, and `*` resources only to APIs that accept
        // nothing else (AWS's data, e.g. X-Ray's PutTraceSegments with tracing on).
        for s in &role.statements {
            let actions = as_list(&s["Action"]);
            for a in &actions {
                assert!(!a.as_str().is_some_and(|t| t.contains('*')), "{name}: {s}");
            }
            let star_only = actions.iter().all(|a| {
                a.as_str()
                    .and_then(|a| Action::new(a).ok())
                    .is_some_and(|a| a.star_only())
            });
            for v in as_list(&s["Resource"]) {
                let text = v.as_str();
                if text == Some("*") {
                    assert!(star_only, "{name}: {s}");
                } else {
                    assert!(!text.is_some_and(|t| t.contains('*')), "{name}: {s}");
                }
            }
        }
        // A function in a VPC may manage network interfaces in its own account and region
        // only, and nothing else in EC2.
        if f.vpc.is_some() {
            let eni =
                format!("arn:aws:ec2:{region}:{ACCOUNT}:network-interface/eni-0123456789abcdef0");
            let subnet = format!("arn:aws:ec2:{region}:{ACCOUNT}:subnet/subnet-0123456789abcdef0");
            for action in ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"] {
                assert!(role.allows(action, &eni, &[]), "{name}: {action}");
                let elsewhere = eni.replace(ACCOUNT, "210987654321");
                assert!(!role.allows(action, &elsewhere, &[]), "{name}: {action}");
            }
            assert!(
                role.allows("ec2:CreateNetworkInterface", &subnet, &[]),
                "{name}"
            );
            assert!(!role.allows("ec2:DeleteSubnet", &subnet, &[]), "{name}");
            assert!(!role.allows("ec2:RunInstances", "*", &[]), "{name}");
        }
        // Only Lambda can assume the role.
        assert_eq!(
            template["Resources"][role_id]["Properties"]["AssumeRolePolicyDocument"]["Statement"],
            json!([{
                "Effect": "Allow",
                "Principal": { "Service": "lambda.amazonaws.com" },
                "Action": "sts:AssumeRole",
            }]),
            "{name}"
        );
    }
}

/// Each S3 prefix grant in a definition's role statements: (bucket, prefix, object actions).
fn s3_prefix_grants(stack: &Stack) -> Vec<(String, String, Vec<String>)> {
    let (_, statements) = function_role(stack);
    let mut grants = Vec::new();
    for s in statements {
        for r in &s.resources {
            let Expr::Sub(arn) = r else { continue };
            let Some((bucket, pattern)) = arn
                .strip_prefix("arn:${AWS::Partition}:s3:::")
                .and_then(|path| path.split_once('/'))
            else {
                continue;
            };
            let prefix = pattern.strip_suffix('*').unwrap_or_else(|| {
                panic!("{}: S3 objects granted without a prefix: {arn}", stack.name)
            });
            let actions = s.actions.iter().map(|a| a.as_str().to_owned()).collect();
            grants.push((bucket.to_owned(), prefix.to_owned(), actions));
        }
    }
    grants
}

/// The bucket, prefix and actions come from the definition; the evaluator reads the committed
/// template: objects under the prefix with exactly the granted actions, their keys listed,
/// nothing beside them.
#[test]
fn s3_prefix_grants_reach_only_the_objects_under_their_prefix() {
    let app = app();
    let with_grant = |s: &Stack| is_service(s) && !s3_prefix_grants(s).is_empty();
    for stack in every(&app, "a role with an S3 prefix grant", with_grant) {
        let name = stack.name.as_str();
        let (role_id, _) = function_role(stack);
        let role = Policy::of_role(&committed(name), role_id, stack.environment.region());
        for (bucket, prefix, granted) in s3_prefix_grants(stack) {
            assert!(
                prefix.len() > 1 && prefix.ends_with('/'),
                "{name}: a folder prefix, not {prefix:?}"
            );
            let object = |key: &str| format!("arn:aws:s3:::{bucket}/{key}");
            let bucket_arn = format!("arn:aws:s3:::{bucket}");
            let inside = format!("{prefix}2026-11.jsonl");
            // A sibling folder whose name starts like the prefix's.
            let outside = format!("{}-private/keys.jsonl", prefix.trim_end_matches('/'));
            for action in S3_OBJECT_ACTIONS.iter().chain(&["s3:DeleteObject"]) {
                let allowed = granted.iter().any(|g| g == action);
                assert_eq!(
                    role.allows(action, &object(&inside), &[]),
                    allowed,
                    "{name}: {action} on {inside}"
                );
                assert!(
                    !role.allows(action, &object(&outside), &[]),
                    "{name}: {action}"
                );
            }
            assert!(role.allows("s3:ListBucket", &bucket_arn, &[("s3:prefix", &inside)]));
            assert!(!role.allows("s3:ListBucket", &bucket_arn, &[("s3:prefix", &outside)]));
            assert!(!role.allows("s3:ListBucket", &bucket_arn, &[]), "{name}");
        }
    }
}

const DYNAMODB_OPERATIONS: [DynamoDb; 9] = [
    DynamoDb::GetItem,
    DynamoDb::BatchGetItem,
    DynamoDb::Query,
    DynamoDb::Scan,
    DynamoDb::ConditionCheckItem,
    DynamoDb::PutItem,
    DynamoDb::UpdateItem,
    DynamoDb::DeleteItem,
    DynamoDb::BatchWriteItem,
];

/// Each DynamoDB table (or index) in a definition's role statements, with its operations.
fn table_grants(stack: &Stack) -> Vec<(Value, Vec<String>)> {
    let (_, statements) = function_role(stack);
    statements
        .into_iter()
        .filter(|s| {
            s.actions
                .iter()
                .all(|a| a.as_str().starts_with("dynamodb:"))
        })
        .flat_map(|s| {
            let actions: Vec<String> = s.actions.iter().map(|a| a.as_str().to_owned()).collect();
            s.resources.iter().map(move |r| {
                (
                    serde_json::to_value(r).expect("serializes"),
                    actions.clone(),
                )
            })
        })
        .collect()
}

#[test]
fn table_grants_allow_only_their_operations_on_only_their_table() {
    let app = app();
    let with_grant = |s: &Stack| is_service(s) && !table_grants(s).is_empty();
    for stack in every(&app, "a role with a DynamoDB table grant", with_grant) {
        let name = stack.name.as_str();
        let region = stack.environment.region();
        let template = committed(name);
        let (role_id, _) = function_role(stack);
        let role = Policy::of_role(&template, role_id, region);
        for (resource, granted) in table_grants(stack) {
            let table = resolve(&resource, &template, region);
            assert!(
                table.starts_with(&format!("arn:aws:dynamodb:{region}:{ACCOUNT}:table/")),
                "{name}: a table of the stack's own account and region, not {table}"
            );
            for op in DYNAMODB_OPERATIONS {
                let allowed = granted.iter().any(|g| g == op.action());
                assert_eq!(
                    role.allows(op.action(), &table, &[]),
                    allowed,
                    "{name}: {} on {table}",
                    op.action()
                );
            }
            for g in &granted {
                assert!(
                    !role.allows(g, &format!("{table}-other"), &[]),
                    "{name}: {g}"
                );
            }
        }
    }
}

/// A queue that triggers the function is polled with exactly the four polling actions; the
/// queue failed asynchronous runs go to takes only SendMessage; no other queue is reachable.
#[test]
fn triggers_and_failure_destinations_reach_only_their_queues() {
    use infra_gen::model::lambda::events::EventSource;
    const POLL: [&str; 4] = [
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes",
    ];
    let app = app();
    let with_queues = |s: &Stack| {
        function(s).is_some_and(|f| {
            f.async_invoke.is_some()
                || f.events
                    .iter()
                    .any(|e| matches!(e.source, EventSource::Sqs(_)))
        })
    };
    for stack in every(
        &app,
        "a function with a queue trigger or failure queue",
        with_queues,
    ) {
        let name = stack.name.as_str();
        let region = stack.environment.region();
        let template = committed(name);
        let f = function(stack).expect("a function");
        let (role_id, _) = function_role(stack);
        let role = Policy::of_role(&template, role_id, region);
        let arn = |e: &Expr| arn_of(&template, target(e), region);
        for e in &f.events {
            let EventSource::Sqs(source) = &e.source else {
                continue;
            };
            let queue = arn(&source.queue);
            for action in POLL {
                assert!(role.allows(action, &queue, &[]), "{name}: {action}");
                assert!(
                    !role.allows(action, &format!("{queue}-other"), &[]),
                    "{name}"
                );
            }
            assert!(!role.allows("sqs:SendMessage", &queue, &[]), "{name}");
            assert!(!role.allows("sqs:PurgeQueue", &queue, &[]), "{name}");
        }
        if let Some((_, destination)) = f.async_invoke.as_ref().and_then(|a| a.on_failure.as_ref())
        {
            let queue = arn(destination);
            assert!(role.allows("sqs:SendMessage", &queue, &[]), "{name}");
            for action in POLL {
                assert!(!role.allows(action, &queue, &[]), "{name}: {action}");
            }
        }
    }
}

#[test]
fn a_model_removed_from_the_map_loses_its_grant() {
    let app = app();
    let stack = first(&app, "a model map", |s| s.models.is_some());
    let mut models: Value = json!({ "models": models_of(stack).expect("a map") });
    let removed = models["models"].as_array_mut().expect("a list").remove(1);
    let map = ModelMap::from_json(&models.to_string()).expect("still valid");
    let actions = [Action::new("bedrock:InvokeModel").expect("valid")];
    let statements: Vec<Value> = map
        .invoke_statements(&actions)
        .iter()
        .map(|s| serde_json::to_value(s).expect("serializes"))
        .collect();
    let policy = Policy {
        statements,
        template: json!({ "Resources": {} }),
        region: stack.environment.region().to_owned(),
    };
    let invoke = "bedrock:InvokeModel";
    assert!(
        !invocation_allowed(&policy, invoke, &removed),
        "{}",
        removed["id"]
    );
    for kept in as_list(&models["models"]) {
        assert!(invocation_allowed(&policy, invoke, kept), "{}", kept["id"]);
    }
}

// ---- Stateful resources. ----

fn stack_mut<'a>(app: &'a mut App, name: &str) -> &'a mut Stack {
    app.stacks_mut()
        .iter_mut()
        .find(|s| s.name.as_str() == name)
        .expect("stack exists")
}

fn resource_mut<'a>(stack: &'a mut Stack, id: &str) -> &'a mut Resource {
    stack
        .template
        .resources
        .iter_mut()
        .find(|r| r.id.as_str() == id)
        .expect("resource exists")
}

fn replaced(stack: &Stack) -> Vec<(String, Vec<String>, bool)> {
    let text = fs::read_to_string(generated(stack.name.as_str())).expect("committed");
    replacements(stack, &text)
        .expect("parses")
        .into_iter()
        .map(|r| (r.resource, r.properties, r.acknowledged.is_some()))
        .collect()
}

#[test]
fn stateful_resources_are_retained() {
    for stack in app().stacks() {
        for r in &stack.template.resources {
            // Each kind says whether it holds data (`Kind::STATEFUL`).
            if r.properties.is_stateful() {
                assert!(
                    r.lifecycle.is_some(),
                    "{} › {} is not retained",
                    stack.name,
                    r.id
                );
            }
        }
    }
}

#[test]
fn renaming_an_image_repository_is_a_replacement_until_acknowledged() {
    let definitions = app();
    for registry in every(&definitions, "an image repository", |s| {
        has(s, is_repository)
    }) {
        let mut app = definitions.clone();
        let stack = stack_mut(&mut app, registry.name.as_str());
        assert!(replaced(stack).is_empty(), "{}", stack.name);
        let id = resource(stack, "repository", is_repository).id.to_string();
        if let Properties::EcrRepository(r) = &mut resource_mut(stack, &id).properties {
            r.name =
                infra_gen::model::ecr::RepositoryName::new(&format!("{}-renamed", r.name.as_str()))
                    .expect("valid");
        }
        assert_eq!(
            replaced(stack),
            [(id.clone(), vec!["RepositoryName".into()], false)]
        );
        resource_mut(stack, &id).replacement_ack =
            Some(ReplacementAck::new("the images move to the new naming scheme").expect("valid"));
        assert_eq!(replaced(stack), [(id, vec!["RepositoryName".into()], true)]);
    }
}

#[test]
fn renaming_a_secret_is_a_replacement_and_a_new_log_retention_is_not() {
    let definitions = app();
    let with_both = |s: &Stack| has(s, is_secret) && has(s, is_log_group);
    for service in every(&definitions, "a secret and a log group", with_both) {
        let mut app = definitions.clone();
        let stack = stack_mut(&mut app, service.name.as_str());
        let secret = resource(stack, "secret", is_secret).id.to_string();
        let log_group = resource(stack, "log group", is_log_group).id.to_string();
        if let Properties::Secret(s) = &mut resource_mut(stack, &secret).properties {
            s.name = format!("{}-renamed", s.name);
        }
        if let Properties::LogGroup(g) = &mut resource_mut(stack, &log_group).properties {
            g.retention = if g.retention == RetentionDays::D30 {
                RetentionDays::D7
            } else {
                RetentionDays::D30
            };
        }
        // The retention is not create-only: only the secret is replaced.
        assert_eq!(replaced(stack), [(secret, vec!["Name".into()], false)]);
    }
}

#[test]
fn changing_a_stateful_resources_logical_id_is_a_replacement_until_acknowledged() {
    let definitions = app();
    let stateful = |s: &Stack| {
        s.template
            .resources
            .iter()
            .any(|r| r.properties.is_stateful())
    };
    for stack in every(&definitions, "a stateful resource", stateful) {
        let ids = stack
            .template
            .resources
            .iter()
            .filter(|r| r.properties.is_stateful())
            .map(|r| r.id.to_string());
        for id in ids {
            let mut app = definitions.clone();
            let stack = stack_mut(&mut app, stack.name.as_str());
            let renamed = format!("{id}Renamed");
            resource_mut(stack, &id).id = LogicalId::new(&renamed).expect("valid");
            let was = vec![format!("the logical ID (was {id})")];
            assert_eq!(replaced(stack), [(renamed.clone(), was.clone(), false)]);
            resource_mut(stack, &renamed).replacement_ack = Some(
                ReplacementAck::new("the old resource is emptied by hand first").expect("valid"),
            );
            assert_eq!(replaced(stack), [(renamed, was, true)]);
        }
    }
}

#[test]
fn generate_refuses_an_unacknowledged_replacement() {
    let app = app();
    let registry = first(&app, "a registry some service imports from", |s| {
        is_registry(&app, s)
    });
    let repository = resource(registry, "repository", is_repository);
    let Properties::EcrRepository(r) = &repository.properties else {
        unreachable!("is_repository")
    };
    let root = std::env::temp_dir().join(format!("infra-gen-security-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    let dir = root.join("generated");
    fs::create_dir_all(&dir).expect("temp dir");
    // The committed state names the repository differently from the definitions.
    let name = format!("{}.yaml", registry.name);
    let text = fs::read_to_string(generated(registry.name.as_str())).expect("committed");
    let line = format!("RepositoryName: {}\n", r.name.as_str());
    assert_eq!(text.matches(&line).count(), 1, "{line:?} in {name}");
    let old = text.replace(&line, &format!("RepositoryName: {}-old\n", r.name.as_str()));
    fs::write(dir.join(&name), &old).expect("write");

    let out = Command::new(env!("CARGO_BIN_EXE_infra-gen"))
        .args(["generate", "--root"])
        .arg(&root)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let expected = format!(
        "error[replacement]: {} › {}: changing RepositoryName replaces this {}",
        registry.name,
        repository.id,
        repository.properties.type_name()
    );
    assert!(stderr.contains(&expected), "{expected} in {stderr}");
    assert_eq!(fs::read_to_string(dir.join(&name)).expect("kept"), old);
    fs::remove_dir_all(&root).ok();
}

// ---- The account side: execution, deploy and drift roles of the committed bootstrap stack,
// against what each stack's kinds declare a deploy calls. ----

/// An example of `arn` (a `Fn::Sub` template of the declarations) as a request names it:
/// the example account, and a made-up name where CloudFormation or AWS picks one.
fn example(arn: &str) -> String {
    arn.replace("${AWS::Partition}", "aws")
        .replace("${AWS::AccountId}", ACCOUNT)
        .replace("-??????", "-AbCdEf")
        .replace(
            "event-source-mapping:*",
            "event-source-mapping:0f1e2d3c-aaaa-bbbb-cccc-0123456789ab",
        )
        .replace("/*", "/5a3e1c90-0000-11ef-9f6e-0a1b2c3d4e5f")
        .replace(":*", ":live")
        .replace('*', "1A2B3C4D5E6F")
}

fn bootstrap() -> (App, Value) {
    let app = app();
    let side = app.account().expect("the app has an account side").clone();
    let template = committed(side.stack.as_str());
    (app, template)
}

/// The logical ID of the role named `name` in the bootstrap template.
fn role_id(template: &Value, name: &str) -> String {
    template["Resources"]
        .as_object()
        .expect("resources")
        .iter()
        .find(|(_, r)| r["Properties"]["RoleName"] == name)
        .map(|(id, _)| id.clone())
        .unwrap_or_else(|| panic!("no role {name} in the bootstrap template"))
}

/// An action, the example resources it may be asked for, and the request's context keys.
type Call = (String, Vec<String>, Vec<(String, String)>);

/// Every (action, example resource, context) a deploy of `stack` makes for operations `ops`,
/// from its kinds' declarations: the calls on each resource's ARNs and what it uses.
fn deploy_calls(app: &App, stack: &Stack, ops: u8) -> Vec<Call> {
    use infra_gen::model::access::Target;
    let region = stack.environment.region();
    let mut out = Vec::new();
    for r in &stack.template.resources {
        for d in r.properties.deploy(&r.id, &stack.name) {
            let arns: Vec<String> = d.arns.iter().map(|a| example(&a.sub(region))).collect();
            for action in d.access.actions(ops) {
                let star = Action::new(action).expect("real").star_only();
                let context = match &d.narrowed_by {
                    Some((key, on))
                        if infra_gen::model::lambda::access::BY_FUNCTION_ARN.contains(&action) =>
                    {
                        vec![((*key).to_owned(), example(&on[0].sub(region)))]
                    }
                    _ => Vec::new(),
                };
                let resources = if star {
                    vec!["*".to_owned()]
                } else {
                    arns.clone()
                };
                out.push((action.to_owned(), resources, context));
            }
            for u in d.uses.iter().filter(|u| u.ops & ops != 0) {
                let mut context = Vec::new();
                if let Some(s) = u.passed_to {
                    context.push(("iam:PassedToService".to_owned(), s.to_owned()));
                }
                if let Some(p) = u.policy {
                    context.push(("iam:PolicyARN".to_owned(), example(p)));
                }
                let resources: Vec<String> = match &u.on {
                    Target::Arns(a) => a.iter().map(|a| example(&a.sub(region))).collect(),
                    Target::Literal(a) => a.clone(),
                    Target::Star(_) => vec!["*".into()],
                    Target::ImageRepositories => app
                        .stacks()
                        .iter()
                        .filter(|s| s.environment == stack.environment)
                        .flat_map(|s| &s.template.resources)
                        .filter_map(|r| match &r.properties {
                            Properties::EcrRepository(repo) => Some(format!(
                                "arn:aws:ecr:{region}:{ACCOUNT}:repository/{}",
                                repo.name.as_str()
                            )),
                            _ => None,
                        })
                        .collect(),
                    Target::Unknown(what) => panic!("{}: {what}", stack.name),
                };
                for action in u.actions {
                    let star = Action::new(action).expect("real").star_only();
                    let resources = if star {
                        vec!["*".to_owned()]
                    } else {
                        resources.clone()
                    };
                    out.push(((*action).to_owned(), resources, context.clone()));
                }
            }
        }
    }
    out
}

fn allows_any(
    policy: &Policy,
    action: &str,
    resources: &[String],
    context: &[(String, String)],
) -> bool {
    let context: Vec<(&str, &str)> = context
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    resources.iter().any(|r| policy.allows(action, r, &context))
}

#[test]
fn each_execution_role_allows_every_call_a_deploy_of_its_stack_makes_and_no_other_environments() {
    use infra_gen::model::access::WRITE;
    let (app, template) = bootstrap();
    let side = app.account().expect("account side");
    let mut checked = 0;
    for stack in app.stacks().iter().filter(|s| s.name != side.stack) {
        let role = side
            .execution_role(stack.name.as_str())
            .expect("every stack has one");
        let policy = Policy::of_role(
            &template,
            &role_id(&template, role.as_str()),
            stack.environment.region(),
        );
        for (action, resources, context) in deploy_calls(&app, stack, WRITE) {
            assert!(
                allows_any(&policy, &action, &resources, &context),
                "{}: {} may not {action} on {resources:?} ({context:?})",
                stack.name,
                role.as_str()
            );
            checked += 1;
        }
        // Nothing of another environment's stacks, nor of another stack of its own (but the
        // image repositories its functions pull from).
        for other in app
            .stacks()
            .iter()
            .filter(|o| o.name != stack.name && o.name != side.stack)
        {
            for (action, resources, context) in deploy_calls(&app, other, WRITE) {
                let resources: Vec<String> = resources
                    .into_iter()
                    .filter(|r| {
                        r != "*"
                            && (other.environment.name() != stack.environment.name()
                                || !r.contains(":repository/"))
                    })
                    .collect();
                assert!(
                    !allows_any(&policy, &action, &resources, &context),
                    "{}: {} may {action} on {resources:?} of {}",
                    stack.name,
                    role.as_str(),
                    other.name
                );
            }
        }
    }
    assert!(checked > 100, "only {checked} calls checked");
}

#[test]
fn each_deploy_role_runs_change_sets_of_its_environments_stacks_only() {
    let (app, template) = bootstrap();
    let side = app.account().expect("account side");
    for roles in &side.environments {
        let Some(deploy) = &roles.deploy else {
            continue;
        };
        let policy = Policy::of_role(&template, &role_id(&template, deploy.as_str()), "us-east-1");
        for stack in app.stacks().iter().filter(|s| s.name != side.stack) {
            let arn = example(&format!(
                "arn:aws:cloudformation:{}:{ACCOUNT}:stack/{}/*",
                stack.environment.region(),
                stack.name
            ));
            let execution = format!(
                "arn:aws:iam::{ACCOUNT}:role/{}",
                side.execution_role(stack.name.as_str())
                    .expect("role")
                    .as_str()
            );
            let own = stack.environment.name() == roles.environment;
            if own {
                let transform = format!(
                    "arn:aws:cloudformation:{}:aws:transform/Serverless-2016-10-31",
                    stack.environment.region()
                );
                assert!(policy.allows("cloudformation:CreateChangeSet", &transform, &[]));
            }
            for action in [
                "cloudformation:CreateChangeSet",
                "cloudformation:ExecuteChangeSet",
            ] {
                assert_eq!(
                    policy.allows(action, &arn, &[]),
                    own,
                    "{} {action} {}",
                    deploy.as_str(),
                    stack.name
                );
            }
            let to_cfn = [("iam:PassedToService", "cloudformation.amazonaws.com")];
            assert_eq!(
                policy.allows("iam:PassRole", &execution, &to_cfn),
                own,
                "{} passes {execution}",
                deploy.as_str()
            );
            assert!(!policy.allows(
                "iam:PassRole",
                &execution,
                &[("iam:PassedToService", "lambda.amazonaws.com")]
            ));
            // It changes no resource itself: CloudFormation does, with the execution role
            // (it reads its functions, to check the deployed image).
            let reads: Vec<String> = deploy_calls(&app, stack, infra_gen::model::access::READ)
                .into_iter()
                .map(|(a, ..)| a)
                .collect();
            for (action, resources, context) in
                deploy_calls(&app, stack, infra_gen::model::access::WRITE)
            {
                if action.starts_with("ecr:")
                    || reads.contains(&action)
                    || resources.iter().any(|r| r == "*")
                {
                    continue;
                }
                assert!(
                    !allows_any(&policy, &action, &resources, &context),
                    "{} may {action} on {resources:?}",
                    deploy.as_str()
                );
            }
        }
        assert!(policy.allows("ecr:GetAuthorizationToken", "*", &[]));
    }
}

#[test]
fn each_drift_role_reads_what_drift_detection_reads_and_changes_nothing() {
    use infra_gen::model::access::{READ, WRITE};
    let (app, template) = bootstrap();
    let side = app.account().expect("account side");
    let mut all: Vec<&Stack> = app.stacks().iter().collect();
    all.retain(|s| s.name != side.stack);
    let bootstrap_stack = app
        .stacks()
        .iter()
        .find(|s| s.name == side.stack)
        .expect("bootstrap");
    all.push(bootstrap_stack);
    for roles in &side.environments {
        let policy = Policy::of_role(
            &template,
            &role_id(&template, roles.drift.as_str()),
            "us-east-1",
        );
        let stacks: Vec<&Stack> = all
            .iter()
            .copied()
            .filter(|s| s.environment.name() == roles.environment)
            .collect();
        // What reading any resource of the environment calls (a registry's repository policy
        // is read for its stack, and written by Lambda for a service's).
        let reads: Vec<String> = stacks
            .iter()
            .flat_map(|s| deploy_calls(&app, s, READ))
            .map(|(a, ..)| a)
            .collect();
        for stack in stacks {
            for (action, resources, context) in deploy_calls(&app, stack, READ) {
                assert!(
                    allows_any(&policy, &action, &resources, &context),
                    "{}: {action} on {resources:?}",
                    roles.drift.as_str()
                );
            }
            for (action, resources, context) in deploy_calls(&app, stack, WRITE) {
                if reads.contains(&action) {
                    continue;
                }
                assert!(
                    !allows_any(&policy, &action, &resources, &context),
                    "{} may {action}",
                    roles.drift.as_str()
                );
            }
        }
    }
}
