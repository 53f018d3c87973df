//! What the committed templates allow and protect: the templates pass the resource schemas;
//! the function's role can do exactly its job (a small IAM evaluator reads the policies from
//! the committed YAML); and a change that would replace a stateful resource is caught.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use infra_gen::build::ModelMap;
use infra_gen::model::iam::Action;
use infra_gen::model::review::ReplacementAck;
use infra_gen::model::{Properties, Resource};
use infra_gen::validate::{read_template, replacements, validate};
use infra_gen::{App, Stack};
use serde_json::{Value, json};

const REGION: &str = "us-west-2";
const ACCOUNT: &str = "123456789012";
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

fn app() -> App {
    stacks::app().expect("definitions build")
}

#[test]
fn every_template_passes_the_resource_schemas() {
    let findings = validate(&app());
    assert!(findings.is_empty(), "{findings:#?}");
}

// ---- A small IAM evaluator: Allow statements, `*`/`?` globs, StringEquals and StringLike
// conditions. ----

/// A resource ARN or condition value of the template, with the example account and region.
fn resolve(v: &Value, template: &Value) -> String {
    let resource = |id: &str| &template["Resources"][id];
    match v {
        Value::String(s) => s.clone(),
        Value::Object(m) if m.contains_key("Fn::Sub") => {
            let mut s = m["Fn::Sub"].as_str().expect("plain Sub").to_owned();
            for (name, value) in [
                ("AWS::Partition", "aws"),
                ("AWS::Region", REGION),
                ("AWS::AccountId", ACCOUNT),
            ] {
                s = s.replace(&format!("${{{name}}}"), value);
            }
            assert!(!s.contains("${"), "unresolved {s}");
            s
        }
        Value::Object(m) if m.contains_key("Ref") => match m["Ref"].as_str() {
            Some("AWS::Region") => REGION.into(),
            Some(id) if resource(id)["Type"] == "AWS::SecretsManager::Secret" => {
                // Secrets Manager appends six random characters to the name.
                let name = resource(id)["Properties"]["Name"].as_str().expect("named");
                format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-AbCdEf")
            }
            other => panic!("no example value for Ref {other:?}"),
        },
        Value::Object(m) if m.contains_key("Fn::GetAtt") => {
            let id = m["Fn::GetAtt"][0].as_str().expect("id");
            assert_eq!(resource(id)["Type"], "AWS::Logs::LogGroup", "GetAtt {id}");
            // A log group's Arn attribute ends in `:*`, covering its streams.
            let name = resource(id)["Properties"]["LogGroupName"]
                .as_str()
                .expect("named");
            format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}:*")
        }
        other => panic!("no example value for {other}"),
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
}

impl Policy {
    fn of_role(template: &Value, role: &str) -> Self {
        let statements = as_list(&template["Resources"][role]["Properties"]["Policies"])
            .into_iter()
            .flat_map(|p| as_list(&p["PolicyDocument"]["Statement"]))
            .cloned()
            .collect();
        Self {
            statements,
            template: template.clone(),
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
                .any(|r| glob(&resolve(r, &self.template), resource));
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
                            let want = resolve(want, &self.template);
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

fn profile_arn(profile: &str) -> String {
    format!("arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/{profile}")
}

fn model_arn(region: &str, model: &str) -> String {
    format!("arn:aws:bedrock:{region}::foundation-model/{model}")
}

/// The calls Bedrock authorizes for one InvokeModel through `profile` (or directly).
fn invocation_allowed(policy: &Policy, model: &Value) -> bool {
    let fm = model["foundation_model"]
        .as_str()
        .expect("foundation_model");
    let Some(profile) = model["inference_profile"].as_str() else {
        return policy.allows("bedrock:InvokeModel", &model_arn(REGION, fm), &[]);
    };
    let via = profile_arn(profile);
    let legs: Vec<(String, &str)> = match &model["routes_to"] {
        Value::String(_) => vec![
            (model_arn(REGION, fm), REGION),
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
    policy.allows("bedrock:InvokeModel", &via, &[])
        && legs.iter().all(|(arn, requested)| {
            policy.allows(
                "bedrock:InvokeModel",
                arn,
                &[
                    ("bedrock:InferenceProfileArn", via.as_str()),
                    ("aws:RequestedRegion", requested),
                ],
            )
        })
}

#[test]
fn the_function_role_can_do_exactly_its_job() {
    for env in ["staging", "prod"] {
        let template = committed(&format!("chatrix-{env}-service"));
        let role = Policy::of_role(&template, "FunctionRole");
        let stream = format!(
            "arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/chatrix-{env}:log-stream:2026/11/23/[$LATEST]0123"
        );
        let secret = format!(
            "arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:chatrix/{env}/api-key-AbCdEf"
        );

        assert!(role.allows("logs:PutLogEvents", &stream, &[]));
        assert!(role.allows("logs:CreateLogStream", &stream, &[]));
        assert!(role.allows("secretsmanager:GetSecretValue", &secret, &[]));
        let models: Value = serde_json::from_str(MODELS).expect("models.json");
        for model in as_list(&models["models"]) {
            assert!(invocation_allowed(&role, model), "{env}: {}", model["id"]);
            let fm = model["foundation_model"].as_str().expect("fm");
            assert!(role.allows("bedrock:CountTokens", &model_arn(REGION, fm), &[]));
            // The routed models are reachable only through the profile.
            assert!(!role.allows("bedrock:InvokeModel", &model_arn(REGION, fm), &[]));
        }

        let other_stream = stream.replace(&format!("chatrix-{env}"), "other");
        assert!(!role.allows("logs:PutLogEvents", &other_stream, &[]));
        assert!(!role.allows(
            "logs:CreateLogGroup",
            &format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/chatrix-{env}"),
            &[]
        ));
        assert!(!role.allows(
            "secretsmanager:GetSecretValue",
            &secret.replace("api-key", "other"),
            &[]
        ));
        assert!(!role.allows("secretsmanager:PutSecretValue", &secret, &[]));
        let unmapped = json!({
            "foundation_model": "anthropic.claude-3-opus-20240229-v1:0",
            "inference_profile": "us.anthropic.claude-3-opus-20240229-v1:0",
            "routes_to": ["us-east-1", "us-west-2"],
        });
        assert!(!invocation_allowed(&role, &unmapped));
        assert!(!role.allows("bedrock:InvokeModel", "*", &[]));
        assert!(!role.allows("iam:PassRole", "*", &[]));
        // No statement grants `*` actions or resources.
        for s in &role.statements {
            for v in as_list(&s["Action"])
                .into_iter()
                .chain(as_list(&s["Resource"]))
            {
                assert!(!v.as_str().is_some_and(|t| t.contains('*')), "{s}");
            }
        }
        // Only Lambda can assume the role.
        assert_eq!(
            template["Resources"]["FunctionRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"],
            json!([{
                "Effect": "Allow",
                "Principal": { "Service": "lambda.amazonaws.com" },
                "Action": "sts:AssumeRole",
            }])
        );
    }
}

/// reports' grants, read back from the committed template: the exports under its prefix and
/// GetItem/PutItem on its table, nothing next to them. (The evaluator's example region stands
/// in for the stack's: the ARNs name `${AWS::Region}`, not a region.)
#[test]
fn the_reports_role_reads_only_its_prefix_and_its_table() {
    let app = app();
    let stack = app
        .stacks()
        .iter()
        .find(|s| s.source.ends_with("reports.rs") && s.name.as_str().ends_with("-service"))
        .expect("the reports service");
    let template = committed(stack.name.as_str());
    let role = Policy::of_role(&template, "FunctionRole");
    let object = |key: &str| format!("arn:aws:s3:::acme-exports-eu/{key}");
    let bucket = "arn:aws:s3:::acme-exports-eu";
    let table = format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/reports-summaries");

    assert!(role.allows("s3:GetObject", &object("exports/2026-11.jsonl"), &[]));
    assert!(!role.allows("s3:GetObject", &object("private/keys.jsonl"), &[]));
    assert!(!role.allows("s3:PutObject", &object("exports/2026-11.jsonl"), &[]));
    assert!(!role.allows("s3:DeleteObject", &object("exports/2026-11.jsonl"), &[]));
    assert!(role.allows(
        "s3:ListBucket",
        bucket,
        &[("s3:prefix", "exports/2026-11.jsonl")]
    ));
    assert!(!role.allows("s3:ListBucket", bucket, &[("s3:prefix", "private/")]));
    assert!(!role.allows("s3:ListBucket", bucket, &[]));
    assert!(role.allows("dynamodb:GetItem", &table, &[]));
    assert!(role.allows("dynamodb:PutItem", &table, &[]));
    assert!(!role.allows("dynamodb:Scan", &table, &[]));
    assert!(!role.allows("dynamodb:DeleteItem", &table, &[]));
    assert!(!role.allows("dynamodb:GetItem", &format!("{table}-other"), &[]));
    assert!(!role.allows("bedrock:InvokeModel", "*", &[]));
}

#[test]
fn a_model_removed_from_the_map_loses_its_grant() {
    let mut models: Value = serde_json::from_str(MODELS).expect("models.json");
    let removed = models["models"].as_array_mut().expect("a list").remove(1);
    let map = ModelMap::from_json(&models.to_string()).expect("still valid");
    let actions = [Action::new("bedrock:InvokeModel").expect("valid")];
    let statements: Vec<Value> = map
        .invoke_statements(&actions)
        .iter()
        .map(|s| serde_json::to_value(s).expect("serializes"))
        .collect();
    let template = json!({ "Resources": {} });
    let policy = Policy {
        statements,
        template,
    };
    assert!(!invocation_allowed(&policy, &removed), "{}", removed["id"]);
    for kept in as_list(&models["models"]) {
        assert!(invocation_allowed(&policy, kept), "{}", kept["id"]);
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
fn renaming_a_stateful_resource_is_a_replacement_until_acknowledged() {
    let mut app = app();
    let registry = stack_mut(&mut app, "chatrix-prod-registry");
    assert!(replaced(registry).is_empty());
    if let Properties::EcrRepository(r) = &mut resource_mut(registry, "Repository").properties {
        r.name = infra_gen::model::ecr::RepositoryName::new("chatrix-renamed").expect("valid");
    }
    assert_eq!(
        replaced(registry),
        [("Repository".into(), vec!["RepositoryName".into()], false)]
    );
    resource_mut(registry, "Repository").replacement_ack =
        Some(ReplacementAck::new("the images move to the new naming scheme").expect("valid"));
    assert_eq!(
        replaced(registry),
        [("Repository".into(), vec!["RepositoryName".into()], true)]
    );

    let service = stack_mut(&mut app, "chatrix-prod-service");
    if let Properties::Secret(s) = &mut resource_mut(service, "ApiKeySecret").properties {
        s.name = "chatrix/prod/renamed".into();
    }
    if let Properties::LogGroup(g) = &mut resource_mut(service, "FunctionLogGroup").properties {
        g.retention = infra_gen::units::RetentionDays::D30;
    }
    // The retention is not create-only: only the secret is replaced.
    assert_eq!(
        replaced(service),
        [("ApiKeySecret".into(), vec!["Name".into()], false)]
    );
}

#[test]
fn changing_a_stateful_resources_logical_id_is_a_replacement_until_acknowledged() {
    for (stack, id) in [
        ("chatrix-prod-registry", "Repository"),
        ("chatrix-prod-service", "ApiKeySecret"),
        ("chatrix-staging-service", "FunctionLogGroup"),
    ] {
        let mut app = app();
        let stack = stack_mut(&mut app, stack);
        let renamed = format!("{id}Renamed");
        resource_mut(stack, id).id = infra_gen::model::LogicalId::new(&renamed).expect("valid");
        assert_eq!(
            replaced(stack),
            [(
                renamed.clone(),
                vec![format!("the logical ID (was {id})")],
                false
            )]
        );
        resource_mut(stack, &renamed).replacement_ack =
            Some(ReplacementAck::new("the old resource is emptied by hand first").expect("valid"));
        assert_eq!(
            replaced(stack),
            [(
                renamed.clone(),
                vec![format!("the logical ID (was {id})")],
                true
            )]
        );
    }
}

#[test]
fn generate_refuses_an_unacknowledged_replacement() {
    let root = std::env::temp_dir().join(format!("infra-gen-security-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    let dir = root.join("generated");
    fs::create_dir_all(&dir).expect("temp dir");
    // The committed state names the secret differently from the definitions.
    let name = "chatrix-staging-service.yaml";
    let text = fs::read_to_string(generated("chatrix-staging-service")).expect("committed");
    let old = text.replace(
        "Name: chatrix/staging/api-key",
        "Name: chatrix/staging/old-key",
    );
    fs::write(dir.join(name), &old).expect("write");

    let out = Command::new(env!("CARGO_BIN_EXE_infra-gen"))
        .args(["generate", "--root"])
        .arg(&root)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[replacement]: chatrix-staging-service › ApiKeySecret: changing Name replaces this AWS::SecretsManager::Secret"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(dir.join(name)).expect("kept"), old);
    fs::remove_dir_all(&root).ok();
}
