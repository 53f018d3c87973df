//! The order CloudFormation creates resources in: `Service::after` writes `DependsOn`, and lint
//! `dependency` refuses what CloudFormation refuses (a name that is no resource, a cycle of
//! references and `DependsOn`), judged against reachability computed independently.

mod common;

use common::{DOCKERFILE, app_with};
use infra_gen::lint::lint;
use infra_gen::model::raw::Raw;
use infra_gen::model::{Expr, LogicalId, Properties};
use infra_gen::pipeline;
use proptest::prelude::*;
use serde_json::{Value, json};

const BUCKET: &str = "acme-uploads-demo";

/// An uploads bucket that invokes the service's function for each object created.
fn bucket(name: Value) -> Result<Raw, infra_gen::Error> {
    Raw::new(
        "AWS::S3::Bucket",
        json!({
            "BucketName": name,
            "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
            "NotificationConfiguration": {"LambdaConfigurations": [{
                "Event": "s3:ObjectCreated:*",
                "Function": {"Fn::GetAtt": ["Function", "Arn"]}
            }]}
        }),
    )
}

/// S3 may invoke the function for this account's bucket.
fn permission() -> Result<Raw, infra_gen::Error> {
    Raw::new(
        "AWS::Lambda::Permission",
        json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Ref": "Function"},
            "Principal": "s3.amazonaws.com",
            "SourceAccount": {"Ref": "AWS::AccountId"},
            "SourceArn": format!("arn:aws:s3:::{BUCKET}")
        }),
    )
    .map(Raw::stateless)
}

fn dependency_findings(app: &infra_gen::App) -> Vec<infra_gen::Finding> {
    lint(app)
        .into_iter()
        .filter(|f| f.code == "dependency")
        .collect()
}

#[test]
fn an_s3_trigger_ordered_after_its_permission_renders_depends_on_and_passes_every_check() {
    let app = app_with("us-west-2", DOCKERFILE, |s| {
        s.raw("Uploads", bucket(json!(BUCKET)))
            .raw("UploadsInvoke", permission())
            .after("Uploads", "UploadsInvoke")
    })
    .expect("builds");
    let files = pipeline::validated(&app).expect("no finding, schema-valid");
    let service = files
        .iter()
        .find(|f| f.contents.contains("AWS::S3::Bucket"))
        .expect("the service template");
    let uploads = &service.contents[service.contents.find("  Uploads:").expect("Uploads")..];
    let uploads = &uploads[..uploads.find("Properties:").expect("its properties")];
    assert!(
        uploads.contains("DependsOn:") && uploads.contains("- UploadsInvoke"),
        "{uploads}"
    );
    // Reviewers see it on the stack's page.
    let page = files
        .iter()
        .find(|f| f.path.ends_with(".md") && f.contents.contains("AWS::S3::Bucket"))
        .expect("the service's review page");
    assert!(
        page.contents.contains("## Creation order")
            && page.contents.contains("| `Uploads` | `UploadsInvoke` |"),
        "{}",
        page.contents
    );
}

#[test]
fn a_function_naming_its_bucket_by_ref_while_the_bucket_notifies_it_is_a_cycle() {
    // The function's environment needs the bucket, the bucket's notification the function.
    let app = app_with("us-west-2", DOCKERFILE, |s| {
        s.raw("Uploads", bucket(json!(BUCKET)))
            .raw("UploadsInvoke", permission())
            .after("Uploads", "UploadsInvoke")
    })
    .and_then(|mut app| {
        let f = common::function_mut(&mut app);
        f.environment.push(infra_gen::model::lambda::EnvVar {
            name: infra_gen::model::lambda::EnvName::new("UPLOADS_BUCKET")?,
            value: Expr::Ref("Uploads".into()),
        });
        Ok(app)
    })
    .expect("builds");
    let found = dependency_findings(&app);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].message.contains("Function references Uploads")
            && found[0].message.contains("Uploads references Function"),
        "{}",
        found[0]
    );
}

#[test]
fn depends_on_must_name_a_resource_of_the_stack_once() {
    let with = |after: &[&str]| {
        app_with("us-west-2", DOCKERFILE, |s| {
            after.iter().fold(
                s.raw("Uploads", bucket(json!(BUCKET)))
                    .raw("UploadsInvoke", permission()),
                |s, a| s.after("Uploads", a),
            )
        })
        .expect("builds")
    };
    // A resource SAM adds (the URL), and one the builder writes (the role), are resources.
    assert_eq!(
        dependency_findings(&with(&["UploadsInvoke", "FunctionUrl", "FunctionRole"])),
        []
    );
    let missing = dependency_findings(&with(&["UploadsInvoke", "UploadsInvok"]));
    assert_eq!(missing.len(), 1, "{missing:#?}");
    assert!(missing[0].message.contains("UploadsInvok"));
    let twice = dependency_findings(&with(&["UploadsInvoke", "UploadsInvoke"]));
    assert_eq!(twice.len(), 1, "{twice:#?}");
    assert!(twice[0].message.contains("twice"));
}

#[test]
fn any_resource_of_the_stack_may_be_ordered_in_any_call_order_and_only_those() {
    let app = app_with("us-west-2", DOCKERFILE, |s| {
        s.after("Function", "Settings").raw(
            "Settings",
            Raw::new(
                "AWS::SSM::Parameter",
                json!({"Name": "/demo/settings", "Type": "String", "Value": "{}"}),
            )
            .map(Raw::stateless),
        )
    })
    .expect("builds");
    let function = app.stacks()[1]
        .template
        .resource("Function")
        .expect("the function");
    assert_eq!(
        function
            .depends_on
            .iter()
            .map(|d| d.as_str())
            .collect::<Vec<_>>(),
        ["Settings"]
    );
    let err = app_with("us-west-2", DOCKERFILE, |s| {
        s.after("Uploads", "FunctionRole")
    })
    .expect_err("the stack has no Uploads");
    assert!(err.to_string().contains("Uploads"), "{err}");
}

/// What resource `from` holds that names resource `to`, in one of CloudFormation's ways.
#[derive(Debug, Clone, Copy)]
enum Link {
    DependsOn,
    Ref,
    GetAtt,
    Sub,
    /// `${Tn}` that a `Fn::Sub` variable of the same name answers: no dependency.
    ShadowedSub,
    /// `${AWS::StackName}`-style text: no dependency.
    Pseudo,
    None,
}

fn link() -> impl Strategy<Value = Link> {
    prop_oneof![
        3 => Just(Link::None),
        1 => Just(Link::DependsOn),
        1 => Just(Link::Ref),
        1 => Just(Link::GetAtt),
        1 => Just(Link::Sub),
        1 => Just(Link::ShadowedSub),
        1 => Just(Link::Pseudo),
    ]
}

fn id(i: usize) -> String {
    format!("T{i}")
}

/// How many knots of resources reaching one another (through the links that order) the
/// definition has, by closing the relation (Warshall), independently of the lint's search.
fn knots(links: &[Vec<Link>]) -> usize {
    let n = links.len();
    let mut reach: Vec<Vec<bool>> = links
        .iter()
        .map(|row| {
            row.iter()
                .map(|l| matches!(l, Link::DependsOn | Link::Ref | Link::GetAtt | Link::Sub))
                .collect()
        })
        .collect();
    for k in 0..n {
        for i in 0..n {
            for j in 0..n {
                reach[i][j] = reach[i][j] || (reach[i][k] && reach[k][j]);
            }
        }
    }
    // A knot counted at its first resource: on a cycle, and reached by no earlier one on it.
    (0..n)
        .filter(|&i| reach[i][i] && !(0..i).any(|j| reach[j][i] && reach[i][j]))
        .count()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn each_knot_of_resources_reaching_one_another_is_refused_once(
        links in (1usize..6).prop_flat_map(|n| prop::collection::vec(prop::collection::vec(link(), n), n)),
    ) {
        let n = links.len();
        let mut app = app_with("us-west-2", DOCKERFILE, |s| s).expect("builds");
        let stack = &mut app.stacks_mut()[1];
        for (i, row) in links.iter().enumerate() {
            let mut parts = vec![json!("topic")];
            let mut depends_on = Vec::new();
            for (j, l) in row.iter().enumerate() {
                let to = id(j);
                match l {
                    Link::DependsOn => depends_on.push(LogicalId::new(&to).expect("valid")),
                    Link::Ref => parts.push(json!({"Ref": to})),
                    Link::GetAtt => parts.push(json!({"Fn::GetAtt": [to, "TopicName"]})),
                    Link::Sub => parts.push(json!({"Fn::Sub": format!("x-${{{to}.TopicName}}")})),
                    Link::ShadowedSub => parts.push(json!({"Fn::Sub": [format!("${{{to}}}"), {to: "literal"}]})),
                    Link::Pseudo => parts.push(json!({"Fn::Sub": "${AWS::StackName}-${AWS::Region}"})),
                    Link::None => {}
                }
            }
            let raw = Raw::new("AWS::SNS::Topic", json!({"DisplayName": {"Fn::Join": ["-", parts]}}))
                .expect("valid")
                .stateless();
            let mut r = infra_gen::model::Resource::new(LogicalId::new(id(i)).expect("valid"), Properties::Raw(raw));
            r.depends_on = depends_on;
            stack.template.resources.push(r);
        }
        let found = dependency_findings(&app);
        prop_assert_eq!(found.len(), knots(&links), "{:?}: {:#?}", links, found);
        // Each link a finding names is one of the definition's.
        for f in &found {
            for (from, to) in (0..n).flat_map(|i| (0..n).map(move |j| (i, j))) {
                let named = f.message.contains(&format!("{} DependsOn {}", id(from), id(to)))
                    || f.message.contains(&format!("{} references {}", id(from), id(to)));
                if named {
                    prop_assert!(
                        matches!(links[from][to], Link::DependsOn | Link::Ref | Link::GetAtt | Link::Sub),
                        "{} → {} is no link: {}", id(from), id(to), f
                    );
                }
            }
        }
    }
}

/// Where a bucket's notification goes, and the resource type that lets S3 send there.
#[derive(Debug, Clone, Copy)]
enum Destination {
    Function,
    Queue,
    Topic,
}

/// The permission the generated stack holds for the destination.
#[derive(Debug, Clone, Copy)]
enum Grant {
    None,
    /// The right type, for another destination of the same type.
    OtherTarget,
    /// The right type and target, for another service principal.
    OtherPrincipal,
    Right,
}

/// How the bucket is ordered after the permission.
#[derive(Debug, Clone, Copy)]
enum Order {
    None,
    Direct,
    /// Through a resource between them.
    Transitive,
}

fn grant_for(d: Destination, target: &str, principal: &str) -> Raw {
    let service = json!({"Service": principal});
    let doc = |action: &str, resource: Value| {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": service,
            "Action": action, "Resource": resource,
            "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}}]})
    };
    let (type_name, props) = match d {
        Destination::Function => (
            "AWS::Lambda::Permission",
            json!({"Action": "lambda:InvokeFunction", "FunctionName": {"Ref": target},
                   "Principal": principal, "SourceAccount": {"Ref": "AWS::AccountId"}}),
        ),
        Destination::Queue => (
            "AWS::SQS::QueuePolicy",
            json!({"Queues": [{"Ref": target}],
                   "PolicyDocument": doc("sqs:SendMessage", json!({"Fn::GetAtt": [target, "Arn"]}))}),
        ),
        Destination::Topic => (
            "AWS::SNS::TopicPolicy",
            json!({"Topics": [{"Ref": target}],
                   "PolicyDocument": doc("sns:Publish", json!({"Ref": target}))}),
        ),
    };
    Raw::new(type_name, props).expect("valid").stateless()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn a_notifying_bucket_is_refused_unless_created_after_a_permission_for_its_destination(
        destination in prop_oneof![Just(Destination::Function), Just(Destination::Queue), Just(Destination::Topic)],
        grant in prop_oneof![Just(Grant::None), Just(Grant::OtherTarget), Just(Grant::OtherPrincipal), Just(Grant::Right)],
        order in prop_oneof![Just(Order::None), Just(Order::Direct), Just(Order::Transitive)],
        // The destination by `GetAtt`, or by its ARN as text (`Fn::Sub` of the pseudo
        // parameters): no reference then orders the bucket, and it needs the permission alike.
        by_text in any::<bool>(),
    ) {
        let mut app = app_with("us-west-2", DOCKERFILE, |s| s).expect("builds");
        let stack = &mut app.stacks_mut()[1];
        let resource = |id: &str, raw: Raw| {
            infra_gen::model::Resource::new(LogicalId::new(id).expect("valid"), Properties::Raw(raw))
        };
        // Two destinations of the kind, so a permission can be for the other one.
        let (list, property, targets) = match destination {
            Destination::Function => ("LambdaConfigurations", "Function", ["Function", "Other"]),
            Destination::Queue => ("QueueConfigurations", "Queue", ["Jobs", "Other"]),
            Destination::Topic => ("TopicConfigurations", "Topic", ["Events", "Other"]),
        };
        let own_type = match destination {
            Destination::Function => None,
            Destination::Queue => Some("AWS::SQS::Queue"),
            Destination::Topic => Some("AWS::SNS::Topic"),
        };
        for t in targets.iter().skip(usize::from(own_type.is_none())) {
            let (type_name, props) = match (own_type, *t) {
                (Some("AWS::SQS::Queue"), _) => ("AWS::SQS::Queue", json!({"QueueName": t.to_lowercase()})),
                (Some(ty), _) => (ty, json!({"TopicName": t.to_lowercase()})),
                // Another function, for a permission that names it.
                (None, _) => ("AWS::SQS::Queue", json!({})),
            };
            stack.template.resources.push(resource(t, Raw::new(type_name, props).expect("valid").stateless()));
        }
        let function_name = match &stack.template.resource("Function").expect("the function").properties {
            Properties::Function(f) => f.function_name.as_str().to_owned(),
            _ => unreachable!("Function is the function"),
        };
        let arn = |rest: String| json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:{rest}")});
        let target = match (destination, by_text) {
            (Destination::Function, false) => json!({"Fn::GetAtt": ["Function", "Arn"]}),
            (_, false) => json!({"Fn::GetAtt": [targets[0], "Arn"]}),
            (Destination::Function, true) => arn(format!("lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{function_name}")),
            (Destination::Queue, true) => arn(format!("sqs:${{AWS::Region}}:${{AWS::AccountId}}:{}", targets[0].to_lowercase())),
            (Destination::Topic, true) => arn(format!("sns:${{AWS::Region}}:${{AWS::AccountId}}:{}", targets[0].to_lowercase())),
        };
        let mut config = serde_json::Map::new();
        config.insert("Event".into(), json!("s3:ObjectCreated:*"));
        config.insert(property.into(), target);
        let mut notifications = serde_json::Map::new();
        notifications.insert(list.into(), json!([config]));
        let mut bucket = resource(
            "Uploads",
            Raw::new("AWS::S3::Bucket", json!({"NotificationConfiguration": notifications})).expect("valid"),
        );
        let granted = match grant {
            Grant::None => None,
            Grant::OtherTarget => Some(grant_for(destination, targets[1], "s3.amazonaws.com")),
            Grant::OtherPrincipal => Some(grant_for(destination, targets[0], "sns.amazonaws.com")),
            Grant::Right => Some(grant_for(destination, targets[0], "s3.amazonaws.com")),
        };
        if let Some(g) = granted {
            stack.template.resources.push(resource("Allow", g));
            match order {
                Order::None => {}
                Order::Direct => bucket.depends_on.push(LogicalId::new("Allow").expect("valid")),
                Order::Transitive => {
                    let mut between = resource("Between", Raw::new("AWS::SNS::Topic", json!({})).expect("valid").stateless());
                    between.depends_on.push(LogicalId::new("Allow").expect("valid"));
                    stack.template.resources.push(between);
                    bucket.depends_on.push(LogicalId::new("Between").expect("valid"));
                }
            }
        }
        stack.template.resources.push(bucket);
        let found = dependency_findings(&app);
        let valid = matches!(grant, Grant::Right) && !matches!(order, Order::None);
        prop_assert_eq!(found.is_empty(), valid, "{:#?}", found);
        for f in &found {
            prop_assert_eq!(f.resource.as_str(), "Uploads");
        }
    }
}

#[test]
fn a_permission_naming_the_function_by_its_name_or_arn_text_counts_and_another_name_does_not() {
    let app = app_with("us-west-2", DOCKERFILE, |s| s).expect("builds");
    let name = match &app.stacks()[1]
        .template
        .resource("Function")
        .expect("the function")
        .properties
    {
        Properties::Function(f) => f.function_name.as_str().to_owned(),
        _ => unreachable!("Function is the function"),
    };
    let with = |function_name: Value| {
        app_with("us-west-2", DOCKERFILE, |s| {
            s.raw("Uploads", bucket(json!(BUCKET)))
                .raw(
                    "UploadsInvoke",
                    Raw::new(
                        "AWS::Lambda::Permission",
                        json!({"Action": "lambda:InvokeFunction", "FunctionName": function_name,
                               "Principal": "s3.amazonaws.com", "SourceAccount": {"Ref": "AWS::AccountId"}}),
                    )
                    .map(Raw::stateless),
                )
                .after("Uploads", "UploadsInvoke")
        })
        .expect("builds")
    };
    for named in [
        json!(name),
        json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{name}")}),
    ] {
        assert_eq!(dependency_findings(&with(named.clone())), [], "{named}");
    }
    for other in [json!(format!("{name}-other")), json!(format!("x{name}"))] {
        assert_eq!(
            dependency_findings(&with(other.clone())).len(),
            1,
            "{other}"
        );
    }
}
