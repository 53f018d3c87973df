use super::s3_objects_under_a_prefix;
use crate::model::iam::{Action, Statement};

#[test]
fn the_only_wildcard_resource_is_s3_objects_under_a_literal_prefix() {
    let get = |resource: &str, action: &str| {
        let s = Statement::allow(
            "S",
            vec![Action::new(action).expect("valid")],
            vec![crate::model::Expr::sub(resource)],
        );
        s3_objects_under_a_prefix(resource, &s)
    };
    assert!(get("arn:aws:s3:::acme/exports/*", "s3:GetObject"));
    assert!(get("arn:aws:s3:::acme/exports/2026/*", "s3:PutObject"));
    // The whole bucket, a pattern inside the path, a pattern bucket, a non-object action.
    assert!(!get("arn:aws:s3:::acme/*", "s3:GetObject"));
    assert!(!get("arn:aws:s3:::acme/a*", "s3:GetObject"), "also admin/…");
    assert!(!get("arn:aws:s3:::acme/ex*/x*", "s3:GetObject"));
    assert!(!get("arn:aws:s3:::acme-*/exports/*", "s3:GetObject"));
    assert!(!get("arn:aws:s3:::acme/exports/*", "s3:DeleteBucket"));
    assert!(!get("arn:aws:s3:::acme/exports/*", "s3:ListBucket"));
    // Every action AWS's data says acts on objects, not a list of four.
    for action in [
        "s3:DeleteObject",
        "s3:GetObjectVersion",
        "s3:GetObjectTagging",
        "s3:PutObjectTagging",
        "s3:GetObjectAttributes",
        "s3:RestoreObject",
    ] {
        assert!(get("arn:aws:s3:::acme/exports/*", action), "{action}");
    }
    assert!(!get(
        "arn:aws:dynamodb:eu-west-1:1:table/t/index/*",
        "s3:GetObject"
    ));
}

/// Objects under a literal prefix through one named access point are the same pattern as a bucket's; the whole access point, a pattern name or prefix, a
/// bucket action or an access point without its `object/` part are not.
#[test]
fn objects_under_a_prefix_through_one_access_point_are_that_pattern() {
    let ap = |name: &str, prefix: &str, action: &str, region: &str| {
        let resource =
            format!("arn:aws:s3:{region}:000000000000:accesspoint/{name}/object/{prefix}");
        let s = Statement::allow(
            "S",
            vec![Action::new(action).expect("valid")],
            vec![crate::model::Expr::sub(resource.clone())],
        );
        s3_objects_under_a_prefix(&resource, &s)
    };
    for region in ["us-west-2", "eu-west-1"] {
        for (name, prefix, action, pattern) in [
            ("exports", "daily/*", "s3:GetObject", true),
            ("exports", "daily/2026/*", "s3:PutObject", true),
            ("exports", "*", "s3:GetObject", false),
            ("exports", "d*", "s3:GetObject", false),
            ("exp*", "daily/*", "s3:GetObject", false),
            ("exports", "daily/*", "s3:PutBucketTagging", false),
        ] {
            assert_eq!(
                ap(name, prefix, action, region),
                pattern,
                "{name} {prefix} {action} {region:?}"
            );
        }
    }
    let whole = "arn:aws:s3:us-west-2:000000000000:accesspoint/exports/*";
    let s = Statement::allow(
        "S",
        vec![Action::new("s3:GetObject").expect("valid")],
        vec![crate::model::Expr::sub(whole)],
    );
    assert!(!s3_objects_under_a_prefix(whole, &s));
}

mod generated {
    //! Generated cases: actions, resource ARNs, condition values and account/region fields
    //! drawn at random (from AWS's data where it applies), judged through `lint()` as a user's
    //! stack would be.

    use proptest::prelude::*;

    use crate::builders::{ContainerImage, FunctionUrl, Grant, Registry, Service};
    use crate::model::iam::data::{self, Level};
    use crate::model::iam::{Action, Statement};
    use crate::model::lambda::{Architecture, DockerSource, HandlerMode, ImageConfig};
    use crate::model::{Expr, Properties};
    use crate::{App, Environment, Error, Finding};

    const DOCKERFILE: &str = "FROM public.ecr.aws/lambda/provided:al2023\nWORKDIR /var/task\nCOPY bootstrap ./\nENTRYPOINT [\"/var/task/bootstrap\"]\nCMD [\"lambda\"]\n";

    fn app(customize: impl FnOnce(Service) -> Service) -> Result<App, Error> {
        app_at("us-west-2", customize)
    }

    fn app_at(region: &str, customize: impl FnOnce(Service) -> Service) -> Result<App, Error> {
        let env = Environment::new("test", region)?;
        let (registry, repository) = Registry::new("demo", &env, "tests.rs").build()?;
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
            "tests.rs",
            image,
            Architecture::Arm64,
            HandlerMode::Streaming,
        )?
        .url(FunctionUrl::aws_iam());
        let mut app = App::new();
        app.push(registry);
        app.push(customize(service).build()?);
        Ok(app)
    }

    /// The fixture with its stacks in `region`.
    fn app_in(region: &str) -> App {
        app_at(region, |s| s).expect("the fixture is valid in every region")
    }

    /// The fixture's findings after adding `statement` to its role.
    fn with(statement: Statement) -> Vec<Finding> {
        let mut app = app(|s| s).expect("the fixture is valid");
        for r in &mut app.stacks_mut()[1].template.resources {
            if let Properties::Role(role) = &mut r.properties {
                role.policies[0].statements.push(statement.clone());
            }
        }
        crate::lint::lint(&app)
    }

    fn has(f: &[Finding], code: &str) -> bool {
        f.iter().any(|x| x.code == code)
    }

    /// The fixture's findings after adding the raw resource `raw` to its service.
    fn with_raw(raw: serde_json::Value, type_name: &str) -> Vec<Finding> {
        let raw = crate::model::raw::Raw::new(type_name, raw).expect("a valid raw resource");
        let app = app(|s| s.raw("Extra", raw)).expect("the fixture is valid");
        crate::lint::lint(&app)
    }

    /// A raw policy on the fixture's role with one statement on a queue of the stack.
    fn raw_policy(document: serde_json::Value) -> Vec<Finding> {
        with_raw(
            serde_json::json!({"PolicyName": "extra", "Roles": [{"Ref": "FunctionRole"}], "PolicyDocument": document}),
            "AWS::IAM::Policy",
        )
    }

    const QUEUE: &str = "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q";

    /// `key` with each letter's case set by `upper`, cycled.
    fn respelled(key: &str, upper: &[bool]) -> String {
        key.chars()
            .zip(upper.iter().cycle())
            .map(|(c, up)| {
                if *up {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect()
    }

    /// Whether an action's name says it only reads or uses what it names: a read verb as its
    /// first word, and no credential in it.
    fn name_reads(name: &str) -> bool {
        let first_word: String = name
            .chars()
            .take(1)
            .chain(name.chars().skip(1).take_while(char::is_ascii_lowercase))
            .collect();
        [
            "get", "describe", "list", "search", "validate", "test", "decode", "connect",
        ]
        .contains(&first_word.to_ascii_lowercase().as_str())
            && !["Token", "Credential", "Password", "Login"]
                .iter()
                .any(|w| name.contains(w))
    }

    /// An ARN of the resource type's own format in the stack's account and region.
    fn arn_of(format: &str) -> String {
        let mut out = String::new();
        let mut rest = format;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let Some(end) = rest[start..].find('}') else {
                break;
            };
            out.push_str(match &rest[start + 2..start + end] {
                "Partition" => "${AWS::Partition}",
                "Region" => "${AWS::Region}",
                "Account" => "${AWS::AccountId}",
                _ => "name1",
            });
            rest = &rest[start + end + 1..];
        }
        out.push_str(rest);
        out
    }

    fn any_action() -> impl Strategy<Value = (usize, usize)> {
        (0..data::services().len(), any::<prop::sample::Index>()).prop_filter_map(
            "a service with actions",
            |(s, i)| {
                let n = data::services()[s].actions.len();
                (n > 0).then(|| (s, i.index(n)))
            },
        )
    }

    #[test]
    fn statements_without_actions_or_resources_are_refused() {
        let action = || vec![Action::new("sqs:SendMessage").expect("valid")];
        let f = with(Statement::allow("NoResource", action(), Vec::new()));
        assert!(
            f.iter()
                .any(|x| x.code == "iam-scope" && x.message.contains("names no resource")),
            "{f:?}"
        );
        let f = with(Statement::allow(
            "NoAction",
            Vec::new(),
            vec![Expr::sub(
                "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q",
            )],
        ));
        assert!(
            f.iter()
                .any(|x| x.code == "iam-scope" && x.message.contains("names no action")),
            "{f:?}"
        );
    }

    #[test]
    fn a_star_only_action_on_a_specific_arn_is_refused_and_on_star_passes() {
        let xray = || vec![Action::new("xray:PutTraceSegments").expect("valid")];
        let f = with(Statement::allow(
            "Traces",
            xray(),
            vec![Expr::sub(
                "arn:${AWS::Partition}:xray:${AWS::Region}:${AWS::AccountId}:group/g",
            )],
        ));
        assert!(
            f.iter()
                .any(|x| x.code == "iam-scope" && x.message.contains("accept only")),
            "{f:?}"
        );
        let f = with(Statement::star_only_actions("Traces", xray()).expect("star-only"));
        assert!(f.is_empty(), "{f:?}");
        assert!(
            Statement::star_only_actions(
                "Objects",
                vec![Action::new("s3:GetObject").expect("valid")]
            )
            .is_err()
        );
    }

    #[test]
    fn an_arn_from_a_parameter_may_name_any_account() {
        let mut a = app(|s| s).expect("valid");
        let stack = &mut a.stacks_mut()[1];
        stack.template.parameters.push(crate::model::Parameter {
            id: crate::model::LogicalId::new("QueueArn").expect("valid"),
            description: String::new(),
            allowed_pattern: "^arn:aws:sqs:[a-z0-9-]+:[0-9]{12}:[a-z]+$".into(),
            constraint_description: String::new(),
            kind: crate::model::ParameterKind::String,
            default: None,
        });
        for r in &mut stack.template.resources {
            if let Properties::Role(role) = &mut r.properties {
                role.policies[0].statements.push(Statement::allow(
                    "Send",
                    vec![Action::new("sqs:SendMessage").expect("valid")],
                    vec![Expr::Ref("QueueArn".into())],
                ));
            }
        }
        let f = crate::lint::lint(&a);
        assert!(
            f.iter()
                .any(|x| x.code == "iam-scope" && x.message.contains("parameter `QueueArn`")),
            "{f:?}"
        );
    }

    #[test]
    fn pass_role_needs_a_fixed_service() {
        let pass = |value: &str| {
            Statement::allow(
                "Pass",
                vec![Action::new("iam:PassRole").expect("valid")],
                vec![Expr::sub(
                    "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/worker",
                )],
            )
            .when("iam:PassedToService", Expr::literal(value))
        };
        assert!(!has(&with(pass("lambda.amazonaws.com")), "iam-escalation"));
        assert!(has(&with(pass("*.amazonaws.com")), "iam-escalation"));
        // StringLike without `*` or `?` compares exactly.
        let like = |value: &str| {
            Statement::allow(
                "Pass",
                vec![Action::new("iam:PassRole").expect("valid")],
                vec![Expr::sub(
                    "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/worker",
                )],
            )
            .when_like("iam:PassedToService", Expr::literal(value))
        };
        assert!(!has(&with(like("lambda.amazonaws.com")), "iam-escalation"));
        assert!(has(&with(like("lambda.amazonaws.co?")), "iam-escalation"));
        // Passed to Step Functions: starting an execution runs the machine as defined, while
        // creating one runs it with the passed role.
        for (action, escalates) in [
            ("states:StartExecution", false),
            ("states:CreateStateMachine", true),
        ] {
            let mut states = pass("states.amazonaws.com");
            states.actions.push(Action::new(action).expect("valid"));
            states.resources.push(Expr::sub(
                "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:m",
            ));
            let f = with(states);
            assert_eq!(
                f.iter()
                    .any(|x| x.code == "iam-escalation" && x.message.contains(action)),
                escalates,
                "{action}: {f:?}"
            );
        }
        let unscoped = Statement::allow(
            "Pass",
            vec![Action::new("iam:PassRole").expect("valid")],
            vec![Expr::sub(
                "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/worker",
            )],
        );
        assert!(has(&with(unscoped), "iam-escalation"));
        // Passed to Glue, with a Glue action that creates what runs with it.
        let mut glue = pass("glue.amazonaws.com");
        glue.actions
            .push(Action::new("glue:CreateDevEndpoint").expect("valid"));
        glue.resources.push(Expr::literal("*"));
        let f = with(glue);
        assert!(
            f.iter().any(|x| x.code == "iam-escalation" && x.message.contains("glue:CreateDevEndpoint")),
            "{f:?}"
        );
    }

    /// Every action in AWS's data that is sent to something running with a role together
    /// with a document of commands (`ssm:SendCommand`, `ssm:StartSession`) runs the holder's
    /// commands with that role; the same verbs without a document run what is defined.
    #[test]
    fn sending_commands_to_what_runs_with_a_role_escalates() {
        let mut sent = 0;
        for service in data::services() {
            for info in service.actions {
                let types: Vec<_> = info.resource_types(service).collect();
                let runs = types
                    .iter()
                    .find(|t| super::super::escalation::runs_with_a_role(t));
                let (Some(target), true) = (runs, info.has(Level::Write)) else {
                    continue;
                };
                // Tagging a document or instance sends no command.
                if !types
                    .iter()
                    .any(|t| super::super::escalation::holds_commands(t))
                    || super::super::escalation::configures_only(service, info)
                {
                    continue;
                }
                sent += 1;
                let action = format!("{}:{}", service.prefix, info.name());
                let f = with(Statement::allow(
                    "Generated",
                    vec![Action::new(&action).expect("in the data")],
                    vec![Expr::sub(arn_of(target.arn()))],
                ));
                assert!(has(&f, "iam-escalation"), "{action}: {f:?}");
            }
        }
        assert!(sent >= 2, "the data has SendCommand and StartSession");
    }

    /// Every write in AWS's data on a resource holding commands (an SSM document, which
    /// associations and maintenance windows run on instances with their roles) escalates,
    /// unless its name only reads or its request only configures the document.
    #[test]
    fn changing_commands_instances_run_escalates() {
        let mut changed = 0;
        for service in data::services() {
            for info in service.actions {
                let Some(target) = info
                    .resource_types(service)
                    .find(|t| super::super::escalation::holds_commands(t))
                else {
                    continue;
                };
                // A request carrying only identifiers, numbers and tags changes no
                // command (`ssm:AddTagsToResource`).
                if !info.has(Level::Write)
                    || name_reads(info.name())
                    || super::super::escalation::configures_only(service, info)
                {
                    continue;
                }
                changed += 1;
                let action = format!("{}:{}", service.prefix, info.name());
                let f = with(Statement::allow(
                    "Generated",
                    vec![Action::new(&action).expect("in the data")],
                    vec![Expr::sub(arn_of(target.arn()))],
                ));
                assert!(has(&f, "iam-escalation"), "{action}: {f:?}");
            }
        }
        assert!(
            changed >= 4,
            "the data has Create/Update/Delete of documents"
        );
    }

    /// A bucket policy's every object of the bucket it governs (`arn:…:s3:::<bucket>/*`,
    /// AWS's documented CloudFront policy) is that bucket itself, however the bucket and the
    /// ARN are spelled (`Ref`, its `BucketName`, `Fn::Sub`, `Fn::Join`); every object of
    /// another bucket, of another partition, or a role's grant on a whole bucket, stays a
    /// wildcard.
    #[test]
    fn a_bucket_policys_own_objects_are_the_bucket() {
        use serde_json::json;
        let governed = [json!({"Ref": "Bucket"}), json!("demo-test-site")];
        let spellings = [
            (json!("arn:aws:s3:::demo-test-site/*"), true),
            (
                json!({"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/*"}),
                true,
            ),
            (
                json!({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::", {"Ref": "Bucket"}, "/*"]]}),
                true,
            ),
            (
                json!({"Fn::Sub": "arn:${AWS::Partition}:s3:::demo-test-site/*"}),
                true,
            ),
            (json!("arn:aws:s3:::demo-test-other/*"), false),
            (json!("arn:aws:s3:::demo-test-*/*"), false),
            (json!("arn:aws-cn:s3:::demo-test-site/*"), false),
        ];
        for bucket in &governed {
            for (resource, own) in &spellings {
                let site = crate::model::raw::Raw::new(
                    "AWS::S3::Bucket",
                    json!({"BucketName": "demo-test-site"}),
                )
                .expect("a valid raw resource");
                let policy = crate::model::raw::Raw::new(
                    "AWS::S3::BucketPolicy",
                    json!({"Bucket": bucket, "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                        {"Sid": "Oac", "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
                         "Action": "s3:GetObject", "Resource": resource,
                         "Condition": {"StringEquals": {"AWS:SourceArn": {"Fn::Sub":
                            "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/EDFDVBD6EXAMPLE"}}}}]}}),
                )
                .expect("a valid raw resource")
                .stateless();
                let app = app(|s| s.raw("Bucket", site).raw("BucketPolicy", policy))
                    .expect("the fixture is valid");
                let f = crate::lint::lint(&app);
                assert_eq!(!has(&f, "iam-wildcard"), *own, "{bucket} {resource}: {f:?}");
            }
        }
        // A role's grant on every object of a bucket is still every object.
        let f = with(Statement::allow(
            "Site",
            vec![Action::new("s3:GetObject").expect("in the data")],
            vec![Expr::literal("arn:aws:s3:::demo-test-site/*")],
        ));
        assert!(has(&f, "iam-wildcard"), "{f:?}");
    }

    /// Over every action of AWS's data that AWS files under Write though its name says it
    /// writes who may do what (a resource or access policy, a policy statement, permissions,
    /// an access entry, a snapshot's or image's attributes, a user or member put into a
    /// group): each escalates, on whatever resource it names.
    #[test]
    fn a_permission_write_filed_under_write_escalates() {
        let mut seen = 0;
        for service in data::services() {
            for info in service.actions {
                let name = info.name();
                let words = [
                    "ResourcePolicy",
                    "AccessPolicy",
                    "PolicyStatement",
                    "Permission",
                    "AccessEntry",
                    "UserToGroup",
                    "MemberToGroup",
                    "GroupMembership",
                    "AddGroupMember",
                ];
                let shares = name.starts_with("Modify")
                    && name.ends_with("Attribute")
                    && (name.contains("Snapshot") || name.contains("Image"));
                // `Put<type>Policy` on a resource of that type: the resource's own policy.
                let squash = |s: &str| s.replace(['-', ' ', '_'], "").to_lowercase();
                let puts = ["Put", "Set"].iter().any(|verb| {
                    name.strip_prefix(verb)
                        .and_then(|r| r.strip_suffix("Policy"))
                        .is_some_and(|r| {
                            !r.is_empty()
                                && info.resource_types(service).any(|t| {
                                    let t = squash(t.name());
                                    t == squash(r) || t == format!("{}s", squash(r))
                                })
                        })
                });
                if !(info.has(Level::Write) || info.has(Level::Tagging))
                    || info.has(Level::PermissionsManagement)
                    || name_reads(name)
                    || !(shares || puts || words.iter().any(|w| name.contains(w)))
                {
                    continue;
                }
                seen += 1;
                let resource = info
                    .resource_types(service)
                    .next()
                    .map_or_else(|| Expr::literal("*"), |t| Expr::sub(arn_of(t.arn())));
                let action = format!("{}:{name}", service.prefix);
                let f = with(Statement::allow(
                    "Generated",
                    vec![Action::new(&action).expect("in the data")],
                    vec![resource],
                ));
                assert!(has(&f, "iam-escalation"), "{action}: {f:?}");
            }
        }
        assert!(seen >= 50, "{seen}");
        // A policy named for what it does, not for a resource (lifecycle, retention, scaling,
        // data protection), says nothing of who may act.
        for (action, resource) in [
            (
                "ecr:PutLifecyclePolicy",
                "ecr:${AWS::Region}:${AWS::AccountId}:repository/demo",
            ),
            (
                "logs:PutRetentionPolicy",
                "logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/demo-test",
            ),
            (
                "sns:PutDataProtectionPolicy",
                "sns:${AWS::Region}:${AWS::AccountId}:demo-alerts",
            ),
        ] {
            let f = with(Statement::allow(
                "Named",
                vec![Action::new(action).expect("in the data")],
                vec![Expr::sub(format!("arn:${{AWS::Partition}}:{resource}"))],
            ));
            assert!(!has(&f, "iam-escalation"), "{action}: {f:?}");
        }
        // Group members that are network interfaces or things billed together gain nothing.
        for (action, resource) in [
            (
                "ec2:RegisterTransitGatewayMulticastGroupMembers",
                "ec2:${AWS::Region}:${AWS::AccountId}:transit-gateway-multicast-domain/tgw-mcast-domain-0123456789abcdef0",
            ),
            (
                "iot:AddThingToBillingGroup",
                "iot:${AWS::Region}:${AWS::AccountId}:billinggroup/lab",
            ),
        ] {
            let f = with(Statement::allow(
                "Member",
                vec![Action::new(action).expect("in the data")],
                vec![Expr::sub(format!("arn:${{AWS::Partition}}:{resource}"))],
            ));
            assert!(!has(&f, "iam-escalation"), "{action}: {f:?}");
        }
    }

    /// A write of a resource that runs with a role of its own changes what runs or who runs it
    /// unless AWS's API models show its request carrying only identifiers, numbers, flags,
    /// tags and tokens (`iam-data/inert.txt`) and it starts and opens nothing: every write of
    /// the data on such a resource is judged so, and the known neighbours either way too.
    #[test]
    fn a_write_of_a_runner_escalates_unless_its_request_only_configures_it() {
        use super::super::escalation::{configures_only, runs_as_defined, runs_with_a_role};
        let text = include_str!("../../../iam-data/inert.txt");
        let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert!(
            lines.windows(2).all(|w| w[0] < w[1]),
            "inert.txt is sorted and unique"
        );
        for line in &lines {
            let (service, info) = data::action(line).expect("an action of the data");
            assert_eq!(format!("{}:{}", service.prefix, info.name()), *line);
            assert!(info.has(Level::Write) || info.has(Level::Tagging), "{line}");
        }
        let (mut quiet, mut loud) = (0, 0);
        for service in data::services() {
            for info in service.actions {
                let Some(t) = info.resource_types(service).find(|t| runs_with_a_role(t)) else {
                    continue;
                };
                if !(info.has(Level::Write) || info.has(Level::Tagging))
                    || runs_as_defined(service, info)
                {
                    continue;
                }
                let name = format!("{}:{}", service.prefix, info.name());
                let inert = lines.binary_search(&name.as_str()).is_ok()
                    && !["Execute", "Start", "Run", "Resume", "Signal"]
                        .iter()
                        .any(|v| info.name().starts_with(v))
                    && !["Session", "Url"].iter().any(|w| info.name().contains(w));
                assert_eq!(configures_only(service, info), inert, "{name}");
                let f = with(Statement::allow(
                    "Generated",
                    vec![Action::new(&name).expect("in the data")],
                    vec![Expr::sub(arn_of(t.arn()))],
                ));
                let escalates = f
                    .iter()
                    .any(|x| x.code == "iam-escalation" && x.message.contains(&name));
                let as_a_runner = f.iter().any(|x| {
                    x.code == "iam-escalation"
                        && x.message.contains(&name)
                        && x.message
                            .contains("which runs with a role of its own: the holder's code")
                });
                if inert {
                    quiet += 1;
                    assert!(!as_a_runner, "{name}: {f:?}");
                } else {
                    loud += 1;
                    assert!(escalates, "{name}: {f:?}");
                }
            }
        }
        assert!(quiet >= 50 && loud >= 150, "{quiet} {loud}");
        for (action, resource, escalates) in [
            ("lambda:PutFunctionConcurrency", "function:f", false),
            ("lambda:TagResource", "function:f", false),
            (
                "lambda:PutProvisionedConcurrencyConfig",
                "function:f:live",
                false,
            ),
            ("lambda:UpdateFunctionConfiguration", "function:f", true),
            ("lambda:UpdateFunctionCode", "function:f", true),
            ("lambda:UpdateAlias", "function:f:live", true),
            (
                "sagemaker:CreatePresignedNotebookInstanceUrl",
                "notebook-instance/n",
                true,
            ),
            ("codebuild:StartSandbox", "project/p", true),
            ("cloudformation:ExecuteChangeSet", "changeSet/c/0123", true),
            ("glue:BatchStopJobRun", "job/j", false),
        ] {
            let service = action.split(':').next().unwrap_or_default();
            let f = with(Statement::allow(
                "Known",
                vec![Action::new(action).expect("in the data")],
                vec![Expr::sub(format!(
                    "arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{resource}"
                ))],
            ));
            assert_eq!(has(&f, "iam-escalation"), escalates, "{action}: {f:?}");
        }
    }

    /// Over every S3 action of AWS's data: one acting on objects may have the objects under a
    /// literal prefix (no `iam-wildcard`), one acting on no object (a bucket's, an access
    /// point's) may not — the rule follows the data, not a list of actions.
    #[test]
    fn the_s3_prefix_pattern_admits_exactly_the_object_actions_of_the_data() {
        let s3 = data::service("s3").expect("S3 is in the data");
        let (mut objects, mut others) = (0, 0);
        for info in s3.actions {
            let types: Vec<_> = info.resource_types(s3).collect();
            if types.is_empty() {
                continue;
            }
            let on_objects = types.iter().any(|t| t.arn().ends_with("/${ObjectName}"));
            let action = format!("s3:{}", info.name());
            let f = with(Statement::allow(
                "Generated",
                vec![Action::new(&action).expect("in the data")],
                vec![Expr::sub("arn:${AWS::Partition}:s3:::demo-archive/2026/*")],
            ));
            if on_objects {
                objects += 1;
            } else {
                others += 1;
            }
            assert_eq!(!has(&f, "iam-wildcard"), on_objects, "{action}: {f:?}");
        }
        assert!(objects >= 30 && others >= 30, "{objects} {others}");
    }

    /// Over every action AWS's API models say carries who may do what (`iam-data/requests.txt`:
    /// a resource's access policy, or the principals it grants to): a write escalates on
    /// whatever resource it names — unless its service authorizes the policy by a policy
    /// action of its own on the same resource (`dynamodb:CreateTable`'s `ResourcePolicy` needs
    /// `dynamodb:PutResourcePolicy`), as `CreateTable` alone shows — and a read of the same
    /// service's resources does not.
    #[test]
    fn a_write_whose_request_carries_who_may_do_what_escalates() {
        let mut seen_administrators = 0;
        let text = include_str!("../../../iam-data/requests.txt");
        let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert!(
            lines.windows(2).all(|w| w[0] < w[1]),
            "requests.txt is sorted and unique"
        );
        let mut seen = 0;
        for line in &lines {
            let fields: Vec<&str> = line.split('\t').collect();
            assert!(
                fields.len() == 3 && ["policy", "principals", "credential"].contains(&fields[1]),
                "{line}"
            );
            let (service, info) = data::action(fields[0]).expect("an action of the data");
            // Every line is found where it is stored (`bedrock-agentcore:` sorts before `bedrock:`).
            assert_eq!(
                super::super::escalation::request_grants(service.prefix, info.name()),
                Some((fields[1], fields[2])),
                "{line}"
            );
            if !(info.has(Level::Write) || info.has(Level::Tagging)) || name_reads(info.name()) {
                continue;
            }
            // A password a request carries is a user's sign-in when the action names a user
            // (`cognito-idp:AdminCreateUser`, `mq:UpdateUser`); elsewhere it is a credential the
            // resource itself uses (a connection's, a file system's directory join), judged by
            // the other rules.
            if fields[1] == "credential" {
                let f = with(Statement::allow(
                    "Generated",
                    vec![Action::new(fields[0]).expect("in the data")],
                    vec![
                        info.resource_types(service)
                            .next()
                            .map_or_else(|| Expr::literal("*"), |t| Expr::sub(arn_of(t.arn()))),
                    ],
                ));
                let signs_in = f
                    .iter()
                    .any(|x| x.message.contains("sets a user's password"));
                assert_eq!(signs_in, info.name().contains("User"), "{line}: {f:?}");
                // An administrator's password (or a cache's AUTH token) set on a resource that
                // exists signs in as its administrator; creating one only chooses it.
                let last = fields[2]
                    .rsplit('.')
                    .next()
                    .unwrap_or_default()
                    .to_lowercase();
                let administrator =
                    last == "authtoken" || ["master", "admin"].iter().any(|w| last.starts_with(w));
                let takes_over = f
                    .iter()
                    .any(|x| x.message.contains("administrator's password"));
                assert_eq!(
                    takes_over,
                    administrator && !info.name().starts_with("Create") && !signs_in,
                    "{line}: {f:?}"
                );
                if administrator && !info.name().starts_with("Create") {
                    seen_administrators += 1;
                }
                continue;
            }
            let apart = fields[1] == "policy"
                && service.actions.iter().any(|o| {
                    !std::ptr::eq(o, info)
                        && o.name().contains("Policy")
                        && (o.has(Level::PermissionsManagement)
                            || [
                                "ResourcePolicy",
                                "AccessPolicy",
                                "PolicyStatement",
                                "Permission",
                            ]
                            .iter()
                            .any(|w| o.name().contains(w)))
                        && o.resources().iter().any(|r| info.resources().contains(r))
                });
            let resource = info
                .resource_types(service)
                .next()
                .map_or_else(|| Expr::literal("*"), |t| Expr::sub(arn_of(t.arn())));
            let f = with(Statement::allow(
                "Generated",
                vec![Action::new(fields[0]).expect("in the data")],
                vec![resource],
            ));
            let escalates = f
                .iter()
                .any(|x| x.code == "iam-escalation" && x.message.contains(fields[0]));
            if !apart {
                seen += 1;
                assert!(escalates, "{line}: {f:?}");
            }
        }
        assert!(
            seen >= 40 && seen_administrators >= 8,
            "{seen} {seen_administrators}"
        );
        for (action, resource, escalates) in [
            (
                "es:UpdateDomainConfig",
                "arn:${AWS::Partition}:es:${AWS::Region}:${AWS::AccountId}:domain/search",
                true,
            ),
            (
                "es:DescribeDomain",
                "arn:${AWS::Partition}:es:${AWS::Region}:${AWS::AccountId}:domain/search",
                false,
            ),
            (
                "ram:AssociateResourceShare",
                "arn:${AWS::Partition}:ram:${AWS::Region}:${AWS::AccountId}:resource-share/0123abcd-0123-abcd-0123-0123456789ab",
                true,
            ),
            ("ram:GetResourceShares", "*", false),
            (
                "dynamodb:CreateTable",
                "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/t",
                false,
            ),
            ("kms:CreateKey", "*", true),
        ] {
            let f = with(Statement::allow(
                "Generated",
                vec![Action::new(action).expect("in the data")],
                vec![Expr::sub(resource)],
            ));
            assert_eq!(
                f.iter().any(|x| x.code == "iam-escalation"),
                escalates,
                "{action}: {f:?}"
            );
        }
    }

    /// Over every action of AWS's data: a write whose name sets or hands out a user's
    /// credential (`User` and Token, Credential, Password or Login) escalates, on whatever
    /// resource; a user write without a credential in its name, or a read of one, is not
    /// judged by this rule.
    #[test]
    fn a_users_credential_set_by_any_service_escalates() {
        let (mut credential, mut plain) = (0, 0);
        for service in data::services() {
            if super::super::escalation::IDENTITY_SERVICES.contains(&service.prefix)
                || service.prefix == "organizations"
            {
                continue;
            }
            for info in service.actions {
                let name = info.name();
                if !info.has(Level::Write)
                    || info.has(Level::PermissionsManagement)
                    || !name.contains("User")
                    || name_reads(name)
                {
                    continue;
                }
                let types: Vec<_> = info.resource_types(service).collect();
                if types
                    .iter()
                    .any(|t| super::super::escalation::runs_with_a_role(t))
                {
                    continue;
                }
                let gives = ["Token", "Credential", "Password", "Login"]
                    .iter()
                    .any(|w| name.contains(w));
                let resource = types
                    .first()
                    .map_or_else(|| Expr::literal("*"), |t| Expr::sub(arn_of(t.arn())));
                let action = format!("{}:{name}", service.prefix);
                let f = with(Statement::allow(
                    "Generated",
                    vec![Action::new(&action).expect("in the data")],
                    vec![resource],
                ));
                if gives {
                    credential += 1;
                    assert!(has(&f, "iam-escalation"), "{action}: {f:?}");
                } else {
                    plain += 1;
                    assert!(
                        !f.iter().any(|x| x.code == "iam-escalation"
                            && x.message.contains("user's credential")),
                        "{action}: {f:?}"
                    );
                }
            }
        }
        assert!(credential >= 4 && plain >= 20, "{credential} {plain}");
    }

    /// Cognito identity pools hold nothing that restricts anyone: deleting a pool or its
    /// identities, or unlinking a login, escalates nothing, while every other write of the
    /// service (roles, logins, merges, the pool's settings) does; and in every identity
    /// service, a read handing out a token for the identities of a resource it names
    /// escalates (`GetOpenIdTokenForDeveloperIdentity`), while one naming none issues only
    /// the caller's own or is public (`sts:GetSessionToken`, `GetCredentialsForIdentity`).
    #[test]
    fn identity_pools_removals_pass_and_tokens_for_their_identities_escalate() {
        let escalates = |action: &str| {
            let a = Action::new(action).expect("in the data");
            let (service, info) = a.info();
            let resource = info
                .resource_types(service)
                .next()
                .map_or_else(|| Expr::literal("*"), |t| Expr::sub(arn_of(t.arn())));
            let mut s = Statement::allow("Generated", vec![a.clone()], vec![resource]);
            // A star-only write of the pool is narrowed to one pool by its own key.
            for key in a.star_keys() {
                s = s.when(
                    key,
                    Expr::sub(arn_of(
                        "arn:${Partition}:cognito-identity:${Region}:${Account}:identitypool/p",
                    )),
                );
            }
            has(&with(s), "iam-escalation")
        };
        let pools = data::services()
            .iter()
            .find(|s| s.prefix == "cognito-identity")
            .expect("in the data");
        let (mut removals, mut others) = (0, 0);
        for info in pools.actions {
            if !info.has(Level::Write) {
                continue;
            }
            let action = format!("cognito-identity:{}", info.name());
            if ["Delete", "Unlink"]
                .iter()
                .any(|v| info.name().starts_with(v))
            {
                removals += 1;
                assert!(!escalates(&action), "{action}");
            } else if !info.has(Level::Tagging) && !name_reads(info.name()) {
                // (`GetId`, a public API AWS files under Write, reads an identity's ID.)
                others += 1;
                assert!(escalates(&action), "{action}");
            }
        }
        assert!(removals >= 4 && others >= 5, "{removals} {others}");
        assert!(escalates(
            "cognito-identity:GetOpenIdTokenForDeveloperIdentity"
        ));
        for own_or_public in [
            "sts:GetSessionToken",
            "sts:GetServiceBearerToken",
            "cognito-identity:GetCredentialsForIdentity",
            "cognito-identity:GetOpenIdToken",
            "cognito-identity:DescribeIdentityPool",
        ] {
            assert!(!escalates(own_or_public), "{own_or_public}");
        }
        // Removals elsewhere can lift a restriction: a revocation list, a boundary.
        for lifts in [
            "rolesanywhere:DeleteCrl",
            "iam:DeleteRolePermissionsBoundary",
        ] {
            assert!(escalates(lifts), "{lifts}");
        }
    }

    /// Over every write in AWS's data on a resource that runs with a role: its own service
    /// starting, stopping or feeding a run as defined does not escalate; starting a run whose
    /// request may replace the code, or another service reaching into the run, does; and
    /// every write of an identity service (IAM, STS, IAM Identity Center) or of Organizations
    /// does, unless its name only reads.
    #[test]
    fn starting_a_run_escalates_when_the_request_can_choose_the_code() {
        let (mut as_defined, mut overridden, mut reaching, mut identity) = (0, 0, 0, 0);
        for service in data::services() {
            for info in service.actions {
                if !info.has(Level::Write) || info.has(Level::PermissionsManagement) {
                    continue;
                }
                let action = format!("{}:{}", service.prefix, info.name());
                let types: Vec<_> = info.resource_types(service).collect();
                let target = types
                    .iter()
                    .find(|t| super::super::escalation::runs_with_a_role(t));
                let identity_write = super::super::escalation::IDENTITY_SERVICES
                    .contains(&service.prefix)
                    || service.prefix == "organizations";
                let verb = super::super::escalation::RUN_VERBS
                    .into_iter()
                    .find(|v| info.name().starts_with(v));
                // Removing a Cognito identity pool or identity takes credentials away.
                let removes = service.prefix == "cognito-identity"
                    && ["Delete", "Unlink"]
                        .iter()
                        .any(|v| info.name().starts_with(v));
                let want = match (target, verb) {
                    _ if identity_write && (name_reads(info.name()) || removes) => false,
                    _ if identity_write => {
                        identity += 1;
                        true
                    }
                    (Some(_), Some(verb)) => {
                        let foreign = types.iter().any(|t| {
                            super::super::escalation::runs_with_a_role(t)
                                && t.arn_service() != service.prefix
                        });
                        let replaces = types.iter().any(|t| {
                            [
                                "codebuild:project/",
                                "ecs:task-definition/",
                                "batch:job-definition/",
                                "glue:job/",
                            ]
                            .iter()
                            .any(|p| {
                                format!("{}:{}", t.arn_service(), t.arn_resource()).starts_with(p)
                            })
                        });
                        // A request carrying only identifiers, numbers and tags changes no
                        // command (`ssm:DeleteAssociation`).
                        let commands = types
                            .iter()
                            .any(|t| super::super::escalation::holds_commands(t))
                            && !super::super::escalation::configures_only(service, info);
                        let ends = super::super::escalation::ends_a_run(verb);
                        // …nor reaches into a run (`ssm:DeleteAssociation` on an instance).
                        let foreign =
                            foreign && !super::super::escalation::configures_only(service, info);
                        let escalates = foreign || commands || (replaces && !ends);
                        if !escalates {
                            as_defined += 1;
                        } else if foreign {
                            reaching += 1;
                        } else {
                            overridden += 1;
                        }
                        escalates
                    }
                    _ => continue,
                };
                let resource = types
                    .iter()
                    .find(|t| super::super::escalation::runs_with_a_role(t))
                    .or(types.first())
                    .map_or_else(|| Expr::literal("*"), |t| Expr::sub(arn_of(t.arn())));
                let f = with(Statement::allow(
                    "Generated",
                    vec![Action::new(&action).expect("in the data")],
                    vec![resource],
                ));
                assert_eq!(has(&f, "iam-escalation"), want, "{action}: {f:?}");
            }
        }
        assert!(
            as_defined >= 5 && overridden >= 3 && reaching >= 2 && identity >= 50,
            "{as_defined} {overridden} {reaching} {identity}"
        );
    }

    /// Over every action AWS's data says acts on its one resource type only optionally and
    /// names condition keys of its own service, and every star-only action that changes what
    /// an ARN key of its own service names (`lambda:CreateEventSourceMapping`'s
    /// `lambda:FunctionArn`): on `*` it is accepted exactly when one of those keys narrows it
    /// with exact values, in a form that fails without the key. A List or Read with such a
    /// key, star-only or with an optional resource type, passes on `*` alone (it reads; the
    /// key only filters; `cloudwatch:GetMetricData` is granted on `*`: metrics have no ARN).
    #[test]
    fn an_optional_resource_action_on_star_needs_its_own_condition() {
        let (mut seen, mut selecting, mut reading) = (0, 0, 0);
        for service in data::services() {
            for info in service.actions {
                let Some(key) = info.star_keys().next() else {
                    continue;
                };
                let changes = info.has(Level::Write)
                    || info.has(Level::PermissionsManagement)
                    || info.has(Level::Tagging);
                assert_eq!(info.narrowed_on_star_by_keys(), changes, "{}", info.name());
                if !changes {
                    reading += 1;
                    let action = Action::new(&format!("{}:{}", service.prefix, info.name()))
                        .expect("in the data");
                    let f = with(
                        Statement::star_only_actions("Star", vec![action])
                            .expect("accepted by the constructor"),
                    );
                    assert!(!has(&f, "iam-wildcard"), "{key}: {f:?}");
                    continue;
                }
                seen += 1;
                if info.star_only() {
                    selecting += 1;
                }
                let action = Action::new(&format!("{}:{}", service.prefix, info.name()))
                    .expect("in the data");
                let on_star = || {
                    Statement::star_only_actions("Star", vec![action.clone()])
                        .expect("accepted by the constructor")
                };
                let wild = |f: &[Finding]| has(f, "iam-wildcard");
                assert!(wild(&with(on_star())), "{key}");
                assert!(
                    !wild(&with(on_star().when(key, Expr::literal("v1")))),
                    "{key}"
                );
                assert!(
                    wild(&with(on_star().when_like(key, Expr::literal("v*")))),
                    "{key}"
                );
                assert!(
                    wild(&with(on_star().when("aws:SourceVpc", Expr::literal("v1")))),
                    "{key}"
                );
            }
        }
        assert!(
            seen >= 20 && selecting >= 5 && reading >= 5,
            "{seen} {selecting} {reading}"
        );
        // In a raw document, only a form that fails without the key narrows: `…IfExists` and
        // `ForAllValues:` hold for every request that leaves the optional resource out.
        for service in data::services() {
            for info in service.actions {
                let Some(key) = info
                    .star_keys()
                    .next()
                    .filter(|_| info.narrowed_on_star_by_keys())
                else {
                    continue;
                };
                let action = format!("{}:{}", service.prefix, info.name());
                for (operator, narrows) in [
                    ("StringEquals", true),
                    ("ForAnyValue:StringEquals", true),
                    ("StringEqualsIfExists", false),
                    ("ForAllValues:StringEquals", false),
                    ("StringLikeIfExists", false),
                ] {
                    let f = raw_policy(serde_json::json!({"Version": "2012-10-17", "Statement": [
                        {"Sid": "Star", "Effect": "Allow", "Action": action, "Resource": "*",
                         "Condition": {operator: {key: "v1"}}}]}));
                    assert_eq!(
                        has(&f, "iam-wildcard"),
                        !narrows,
                        "{action} {operator}: {f:?}"
                    );
                }
            }
        }
        let put = Action::new("cloudwatch:PutMetricData").expect("in the data");
        assert_eq!(
            put.star_keys().collect::<Vec<_>>(),
            ["cloudwatch:namespace"]
        );
        for read in ["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"] {
            let read = Action::new(read).expect("in the data");
            assert!(!read.star_only() && read.takes_star() && !read.needs_star_key());
            let f = raw_policy(serde_json::json!({"Version": "2012-10-17", "Statement": [
                {"Sid": "Metrics", "Effect": "Allow", "Action": read.as_str(), "Resource": "*"}]}));
            assert!(!has(&f, "iam-wildcard"), "{f:?}");
        }
        let map = Action::new("lambda:CreateEventSourceMapping").expect("in the data");
        assert!(map.star_only() && map.needs_star_key());
        assert_eq!(map.star_keys().collect::<Vec<_>>(), ["lambda:FunctionArn"]);
    }

    #[test]
    fn code_and_stack_changes_escalate_but_invoking_does_not() {
        for (action, resource, escalates) in [
            (
                "lambda:UpdateFunctionCode",
                "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:f",
                true,
            ),
            (
                "lambda:CreateFunction",
                "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:f",
                true,
            ),
            (
                "lambda:InvokeFunction",
                "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:f",
                false,
            ),
            // Ending or restarting a run runs nothing new.
            (
                "lambda:DeleteFunction",
                "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:f",
                false,
            ),
            (
                "ec2:RebootInstances",
                "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/i-1",
                false,
            ),
            (
                "ec2:TerminateInstances",
                "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/i-1",
                false,
            ),
            (
                "cloudformation:ExecuteChangeSet",
                "arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/s/1",
                true,
            ),
            (
                "ec2:RunInstances",
                "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/i-1",
                true,
            ),
            (
                "sqs:SetQueueAttributes",
                "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q",
                true,
            ),
            (
                "sqs:SendMessage",
                "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q",
                false,
            ),
        ] {
            let f = with(Statement::allow(
                "S",
                vec![Action::new(action).expect("valid")],
                vec![Expr::sub(resource)],
            ));
            assert_eq!(has(&f, "iam-escalation"), escalates, "{action}: {f:?}");
        }
    }

    #[test]
    fn a_resource_named_by_something_other_than_its_arn_is_refused() {
        let a = app(|s| s).expect("valid");
        let log_group = a.stacks()[1]
            .template
            .resources
            .iter()
            .find(|r| matches!(r.properties, Properties::LogGroup(_)))
            .map(|r| r.id.to_string())
            .expect("a log group");
        let f = with(Statement::allow(
            "Logs",
            vec![Action::new("logs:PutLogEvents").expect("valid")],
            vec![Expr::Ref(log_group)],
        ));
        assert!(
            f.iter()
                .any(|x| x.code == "iam-scope" && x.message.contains("not an ARN")),
            "{f:?}"
        );
    }

    /// Actions AWS files under Permissions management or as identity writes that only read or
    /// use what they name pass; those that hand out credentials do not.
    /// Every action of the data that hands out a credential (by its name) for a resource that
    /// runs with a role escalates, whatever its access level (`ec2:GetPasswordData` is a
    /// Read); and a Studio login (`sagemaker:CreatePresignedDomainUrl`) runs code as the user
    /// profile's role.
    #[test]
    fn credentials_for_what_runs_with_a_role_escalate() {
        let mut seen = 0;
        for service in data::services() {
            for info in service.actions {
                let Some(t) = info
                    .resource_types(service)
                    .find(|t| super::super::escalation::runs_with_a_role(t))
                else {
                    continue;
                };
                if !super::super::escalation::hands_out_credentials(info.name()) {
                    continue;
                }
                seen += 1;
                let action = Action::new(&format!("{}:{}", service.prefix, info.name()))
                    .expect("in the data");
                let f = with(Statement::allow(
                    "Cred",
                    vec![action],
                    vec![Expr::sub(arn_of(t.arn()))],
                ));
                assert!(
                    has(&f, "iam-escalation"),
                    "{}:{} {f:?}",
                    service.prefix,
                    info.name()
                );
            }
        }
        assert!(
            seen > 0,
            "the data holds such actions (ec2:GetPasswordData)"
        );
        let studio = Statement::allow(
            "Studio",
            vec![Action::new("sagemaker:CreatePresignedDomainUrl").expect("valid")],
            vec![Expr::sub(
                "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:user-profile/d-abc/alice",
            )],
        );
        assert!(has(&with(studio), "iam-escalation"));
    }

    #[test]
    fn reading_or_connecting_is_no_escalation() {
        for (action, escalates) in [
            ("rds-db:connect", false),
            ("sts:DecodeAuthorizationMessage", false),
            ("quicksight:DescribeTopicPermissions", false),
            ("fsx:GetResourcePolicy", false),
            ("sts:GetDelegatedAccessToken", true),
            ("datazone:GetIamPortalLoginUrl", true),
            ("sts:GetFederationToken", true),
            ("s3:PutBucketAcl", true),
        ] {
            let action = Action::new(action).expect("in the data");
            let (service, info) = action.info();
            let resource = match info.resource_types(service).next() {
                Some(t) => Expr::sub(arn_of(t.arn())),
                None => Expr::literal("*"),
            };
            let f = with(Statement::allow(
                "Generated",
                vec![action.clone()],
                vec![resource],
            ));
            assert_eq!(has(&f, "iam-escalation"), escalates, "{action:?}: {f:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// A Sid of IAM's own documents (a typed role's statements, a raw `AWS::IAM::Policy`)
        /// is refused exactly when it holds a character other than an ASCII letter or digit;
        /// another service's resource policy (a queue's) takes any Sid.
        #[test]
        fn iam_sids_are_letters_and_digits(sid in "[A-Za-z0-9]{1,12}([ _.:/-][A-Za-z0-9]{0,6})?") {
            let refused = !sid.bytes().all(|b| b.is_ascii_alphanumeric());
            let sid_finding = |f: &[Finding]| f.iter().any(|x| x.code == "iam-scope" && x.message.contains("in a Sid"));
            let typed = with(Statement::allow(&sid, vec![Action::new("sqs:SendMessage").expect("valid")], vec![Expr::sub(QUEUE)]));
            prop_assert_eq!(sid_finding(&typed), refused, "typed {:?}: {:?}", sid, typed);
            let statement = serde_json::json!([{"Sid": sid, "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": {"Fn::Sub": QUEUE}}]);
            let raw = raw_policy(serde_json::json!({"Version": "2012-10-17", "Statement": statement}));
            prop_assert_eq!(sid_finding(&raw), refused, "raw {:?}: {:?}", sid, raw);
            let queue_policy = with_raw(serde_json::json!({"Queues": [{"Fn::Sub": "https://sqs.${AWS::Region}.amazonaws.com/${AWS::AccountId}/q"}],
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Sid": sid, "Effect": "Allow",
                    "Principal": {"AWS": {"Fn::GetAtt": ["FunctionRole", "Arn"]}}, "Action": "sqs:SendMessage", "Resource": {"Fn::Sub": QUEUE}}]}}),
                "AWS::SQS::QueuePolicy");
            prop_assert!(!sid_finding(&queue_policy), "queue policy {:?}: {:?}", sid, queue_policy);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            // Some generated actions name no resource type and are skipped.
            max_global_rejects: 1 << 20,
            ..ProptestConfig::with_cases(48)
        })]

        /// Any action on a resource of a type it accepts (or `*` when it accepts none) is not
        /// refused for its resource; it is an escalation when its access level is
        /// Permissions management or it is an IAM/STS write — unless its name reads (a read
        /// verb, no credential) — or it hands out a credential for what runs with a role, and
        /// otherwise never when it only lists or reads.
        #[test]
        fn escalation_and_fit_follow_the_data((s, a) in any_action()) {
            let service = &data::services()[s];
            let info = &service.actions[a];
            let action = Action::new(&format!("{}:{}", service.prefix, info.name())).expect("in the data");
            let resource = match info.resource_types(service).next() {
                Some(t) => Expr::sub(arn_of(t.arn())),
                None => Expr::literal("*"),
            };
            let f = with(Statement::allow("Generated", vec![action.clone()], vec![resource]));
            let escalates = f.iter().any(|x| x.code == "iam-escalation");
            let identity = super::super::escalation::IDENTITY_SERVICES.contains(&service.prefix);
            let removes_a_grant = service.prefix == "cognito-identity"
                && ["Delete", "Unlink"].iter().any(|v| info.name().starts_with(v));
            if !name_reads(info.name()) && (info.has(Level::PermissionsManagement)
                || (identity && info.has(Level::Write) && !removes_a_grant))
            {
                prop_assert!(escalates, "{} {:?}", action.as_str(), f);
            }
            // A credential for what runs with a role escalates at any level, and so does an
            // identity service's token for the identities of a resource it names.
            let credential = super::super::escalation::hands_out_credentials(info.name())
                && (info.resource_types(service).any(super::super::escalation::runs_with_a_role)
                    || (identity && info.name().starts_with("Get") && info.resource_types(service).next().is_some()));
            if credential {
                prop_assert!(escalates, "{} {:?}", action.as_str(), f);
            }
            if info.levels & !(Level::List as u8 | Level::Read as u8) == 0 && !credential {
                prop_assert!(!escalates, "{} {:?}", action.as_str(), f);
            }
            prop_assert!(
                !f.iter().any(|x| x.message.contains("not a resource type") || x.message.contains("accept only")),
                "{} {:?}", action.as_str(), f
            );
        }

        /// An action on a resource of a type whose ARN service none of its own types has is
        /// refused.
        #[test]
        fn an_action_on_another_services_resource_is_refused(
            (s, a) in any_action(),
            other in 0..data::services().len(),
            pick in any::<prop::sample::Index>(),
        ) {
            let service = &data::services()[s];
            let info = &service.actions[a];
            let target = &data::services()[other];
            prop_assume!(!target.resources.is_empty());
            let t = &target.resources[pick.index(target.resources.len())];
            // `backup`'s recovery points name their service with a variable: any fits.
            prop_assume!(!info.resource_types(service).any(|own| own.arn_service() == t.arn_service() || own.arn_service().contains('$')));
            prop_assume!(!t.arn().contains(['*', '?']));
            let action = Action::new(&format!("{}:{}", service.prefix, info.name())).expect("in the data");
            let f = with(Statement::allow("Generated", vec![action], vec![Expr::sub(arn_of(t.arn()))]));
            prop_assert!(f.iter().any(|x| x.code == "iam-scope"), "{} on {}: {:?}", info.name(), t.arn(), f);
        }

        /// An action on a resource of its own service, written with `${AWS::AccountId}`, fits
        /// exactly when one of the ARN formats it accepts matches the ARN, by an independent
        /// oracle: each format as a regular expression, a variable as any text (a bucket, table,
        /// queue, topic or function name without `/`, by those services' naming rules; a
        /// partition, region or account as some text: an ARN left without the region or account
        /// its format names matches nothing). The account hides no part of the resource.
        #[test]
        fn an_action_fits_a_resource_of_its_own_service_by_the_formats(
            (s, a) in any_action(),
            pick in any::<prop::sample::Index>(),
            object in any::<bool>(),
            blank in prop::sample::select(vec!["", "${AWS::Partition}", "${AWS::Region}", "${AWS::AccountId}"]),
        ) {
            let service = &data::services()[s];
            let info = &service.actions[a];
            prop_assume!(!service.resources.is_empty() && !info.star_only());
            let t = &service.resources[pick.index(service.resources.len())];
            prop_assume!(!t.arn().contains(['*', '?']) && !t.arn_service().contains('$'));
            // Sometimes a path below the resource (an object key below a bucket).
            // A type may list several formats, comma-separated (Lex's bot and its alias).
            let format = t.arn().split(", ").next().unwrap_or_default();
            let mut written = format!("{}{}", arn_of(format), if object { "/key1" } else { "" });
            if !blank.is_empty() {
                written = written.replace(blank, "");
            }
            let concrete = written
                .replace("${AWS::Partition}", "aws")
                .replace("${AWS::Region}", "us-west-2")
                .replace("${AWS::AccountId}", "123456789012");
            let oracle = |format: &str| {
                let mut re = String::from("^");
                let mut rest = format;
                while let Some(start) = rest.find("${") {
                    re.push_str(&regex::escape(&rest[..start]));
                    let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
                    let no_slash = ["BucketName", "TableName", "QueueName", "TopicName", "FunctionName"];
                    let variable = &rest[start + 2..end];
                    // An IoT topic is an MQTT topic, whose levels `/` separates.
                    let mqtt = format.contains(":iot:");
                    re.push_str(if variable == "FunctionName" {
                        "[A-Za-z0-9._:-]*"
                    } else if no_slash.contains(&variable) && !mqtt {
                        "[A-Za-z0-9._-]*"
                    } else if ["Partition", "Account"].contains(&variable)
                        // Bedrock names models without a region for global inference.
                        || (variable == "Region" && !format.contains(":bedrock:"))
                    {
                        // A field of its own: ARN fields are split at their colons.
                        "[^:]+"
                    } else if variable == "Region" {
                        "[^:]*"
                    } else {
                        ".*"
                    });
                    rest = &rest[(end + 1).min(rest.len())..];
                }
                re.push_str(&regex::escape(rest));
                re.push('$');
                regex::Regex::new(&re).expect("a pattern").is_match(&concrete)
            };
            let fits = info
                .resource_types(service)
                .any(|own| own.arn().split(", ").any(oracle));
            let action = Action::new(&format!("{}:{}", service.prefix, info.name())).expect("in the data");
            let f = with(Statement::allow("Generated", vec![action], vec![Expr::sub(written.clone())]));
            let refused = f.iter().any(|x| x.message.contains("not a resource type"));
            prop_assert_eq!(refused, !fits, "{} on {}: {:?}", info.name(), written, f);
        }

        /// A name is judged by its own service's naming rules: an IoT topic is an MQTT topic of
        /// levels joined by `/` (`topic/fleet/42/status`), while an SNS or MSK topic's name
        /// holds no `/`, so the same text after `topic/` or as the name is a topic of IoT
        /// whatever its levels, and of SNS only with one level.
        #[test]
        fn a_topic_name_follows_its_own_services_rules(
            levels in prop::collection::vec("[a-z]{1,5}[0-9]{0,2}", 1..5),
        ) {
            let name = levels.join("/");
            let scope_refused = |action: &str, arn: String| {
                let f = with(Statement::allow(
                    "Generated",
                    vec![Action::new(action).expect("in the data")],
                    vec![Expr::sub(arn)],
                ));
                f.iter().any(|x| x.message.contains("not a resource type"))
            };
            let iot = format!("arn:${{AWS::Partition}}:iot:${{AWS::Region}}:${{AWS::AccountId}}:topic/{name}");
            let sns = format!("arn:${{AWS::Partition}}:sns:${{AWS::Region}}:${{AWS::AccountId}}:{name}");
            prop_assert!(!scope_refused("iot:Publish", iot));
            prop_assert_eq!(scope_refused("sns:Publish", sns), levels.len() > 1);
        }

        /// IAM grants every action of a statement on every resource; only a resource no action
        /// acts on, or an action acting on none of the resources, grants nothing and is
        /// refused (`GetItem` on a table and its index next to `Query` is fine).
        #[test]
        fn a_statement_fits_when_each_action_and_each_resource_has_a_partner(
            actions in prop::sample::subsequence(vec!["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan"], 1..=4),
            resources in prop::sample::subsequence(vec![("table/t", false), ("table/t/index/i", true)], 1..=2),
        ) {
            // AWS's reference: Query and Scan act on tables and indexes, GetItem and PutItem on
            // tables only.
            let on_index = |a: &str| a.ends_with("Query") || a.ends_with("Scan");
            let accepts = |a: &str, index: bool| !index || on_index(a);
            let fits = resources.iter().all(|(_, index)| actions.iter().any(|a| accepts(a, *index)))
                && actions.iter().all(|a| resources.iter().any(|(_, index)| accepts(a, *index)));
            let statement = Statement::allow(
                "Generated",
                actions.iter().map(|a| Action::new(a).expect("valid")).collect(),
                resources
                    .iter()
                    .map(|(r, _)| Expr::sub(format!("arn:${{AWS::Partition}}:dynamodb:${{AWS::Region}}:${{AWS::AccountId}}:{r}")))
                    .collect(),
            );
            let f = with(statement);
            prop_assert_eq!(has(&f, "iam-scope"), !fits, "{:?} on {:?}: {:?}", actions, resources, f);
        }

        /// A wildcard in an ARN- or path-like condition value under StringLike widens the
        /// statement and is refused (except `s3:prefix` = `<prefix>/*`); the same text under
        /// StringEquals is compared literally and passes.
        #[test]
        fn wildcards_in_resource_like_condition_values_are_refused(
            key in prop::sample::select(vec!["aws:SourceArn", "bedrock:InferenceProfileArn", "s3:prefix", "sts:TaskPolicyArn", "lambda:FunctionArn", "aws:SourceAccount", "aws:ResourceAccount", "s3:ResourceAccount"]),
            head in "[a-z0-9/:-]{0,12}",
            wildcard in prop::sample::select(vec!["*", "?"]),
            tail in "[a-z0-9/:-]{0,12}",
        ) {
            let value = format!("{head}{wildcard}{tail}");
            let statement = |like: bool| {
                let s = Statement::allow(
                    "Generated",
                    vec![Action::new("sqs:SendMessage").expect("valid")],
                    vec![Expr::sub("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q")],
                );
                if like { s.when_like(key, Expr::literal(value.clone())) } else { s.when(key, Expr::literal(value.clone())) }
            };
            let prefix_form = key == "s3:prefix" && wildcard == "*" && tail.is_empty()
                && head.ends_with('/') && head.len() > 1;
            let f = with(statement(true));
            prop_assert_eq!(has(&f, "iam-wildcard"), !prefix_form, "{} {} {:?}", key, value, f);
            prop_assert!(!has(&with(statement(false)), "iam-wildcard"));
        }

        /// A literal ARN of another account or region is refused unless the statement
        /// declares it; the stack's own account and region pass.
        #[test]
        fn other_accounts_and_regions_need_a_declaration(
            account in prop::option::of("[0-9]{12}"),
            region in prop::option::of(prop::sample::select(vec!["us-east-1", "us-west-2", "eu-west-1", "ap-south-1"])),
            declare in any::<bool>(),
        ) {
            let arn = format!(
                "arn:${{AWS::Partition}}:dynamodb:{}:{}:table/t",
                region.unwrap_or("${AWS::Region}"),
                account.clone().unwrap_or_else(|| "${AWS::AccountId}".into())
            );
            let mut s = Statement::allow(
                "Generated",
                vec![Action::new("dynamodb:GetItem").expect("valid")],
                vec![Expr::sub(arn)],
            );
            if declare {
                s = s.cross_account("the shared data account owns this table")
                    .and_then(|s| s.cross_region("the table lives in the primary region"))
                    .expect("valid reasons");
            }
            let crosses = account.is_some() || region.is_some_and(|r| r != "us-west-2");
            let f = with(s);
            prop_assert_eq!(has(&f, "iam-scope"), crosses && !declare, "{:?}", f);
        }

        /// Another account is declared only with a reason: three words or more, no
        /// placeholder (`TODO`, `n/a`) and more than who or where, by `cross_account` and on
        /// the model alike.
        #[test]
        fn a_crossing_is_declared_only_with_a_reason(
            words in prop::collection::vec(prop::sample::select(vec!["orders", "go", "to", "the", "billing", "partner's", "queue", "in", "their", "account", "shared"]), 1..7),
            filler in prop::option::of((prop::sample::select(vec!["TODO", "tbd", "T.B.D.", "FIXME", "n/a", "lorem", "placeholder"]), any::<prop::sample::Index>())),
            on_model in any::<bool>(),
        ) {
            let mut words: Vec<&str> = words;
            if let Some((f, at)) = filler {
                words.insert(at.index(words.len() + 1), f);
            }
            let reason = words.join(" ");
            // Function words, who (`partner's`) and where (`account`) alone say no why.
            let says = words
                .iter()
                .any(|w| ["orders", "go", "billing", "queue", "shared"].contains(w));
            let valid = words.len() >= 3 && filler.is_none() && says;
            let s = Statement::allow(
                "Generated",
                vec![Action::new("sqs:SendMessage").expect("valid")],
                vec![Expr::literal("arn:aws:sqs:us-west-2:210987654321:partner-in")],
            );
            let declared = if on_model {
                let mut s = s;
                s.crossings.push(crate::model::iam::Crossing { boundary: crate::model::iam::Boundary::Account, reason: reason.clone() });
                Ok(s)
            } else {
                s.cross_account(&reason)
            };
            match declared {
                Err(_) => prop_assert!(!valid && !on_model, "{:?} refused", reason),
                Ok(s) => {
                    prop_assert!(valid || on_model, "{:?} accepted", reason);
                    let f = with(s);
                    let refused = f.iter().any(|x| x.code == "iam-scope" && x.message.contains("210987654321"));
                    prop_assert_eq!(refused, !valid, "{:?}: {:?}", reason, f);
                }
            }
        }

        /// An account condition value is the stack's own account unless the statement
        /// declares another; a condition without values is refused (IAM rejects the policy).
        #[test]
        fn account_condition_values_are_the_stacks_own(
            key in prop::sample::select(vec!["aws:SourceAccount", "aws:ResourceAccount", "aws:PrincipalAccount", "s3:ResourceAccount", "aws:SourceOwner"]),
            account in prop::option::of("[0-9]{12}"),
            declare in any::<bool>(),
            empty in any::<bool>(),
        ) {
            let value = account.clone().map_or_else(|| Expr::sub("${AWS::AccountId}"), Expr::literal);
            let mut s = Statement::allow(
                "Generated",
                vec![Action::new("sqs:SendMessage").expect("valid")],
                vec![Expr::sub("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q")],
            )
            .when_any(key, if empty { Vec::new() } else { vec![value] });
            if declare {
                s = s.cross_account("the partner account sends to this queue").expect("a reason");
            }
            let f = with(s);
            let other = account.is_some() && !declare && !empty;
            prop_assert_eq!(
                f.iter().any(|x| x.code == "iam-scope" && x.message.contains("account")),
                other,
                "{:?}", f
            );
            prop_assert_eq!(f.iter().any(|x| x.message.contains("has no value")), empty, "{:?}", f);
        }

        /// The typed grants with any valid names pass every lint.
        #[test]
        fn typed_grants_with_valid_names_pass(
            name in "[a-z][a-z0-9._-]{0,30}",
            folder in "[a-z0-9][a-z0-9._-]{0,20}",
        ) {
            let grants = [
                Grant::s3_read(&name, &format!("{folder}/")),
                Grant::s3_read_write(&name, &format!("{folder}/")),
                Grant::dynamodb_read(&name, &[&folder]),
                Grant::sqs_send(&name),
                Grant::sqs_receive(&name),
                Grant::sns_publish(&name),
                Grant::ssm_parameters_by_path(&format!("/{name}/{folder}")),
                Grant::invoke_function(&name),
            ];
            for grant in grants {
                let grant = grant.expect("valid names");
                let a = app(|s| s.grant(grant.clone())).expect("builds");
                let f = crate::lint::lint(&a);
                prop_assert!(f.is_empty(), "{:?}: {:?}", grant, f);
            }
        }

        /// IAM compares condition keys regardless of case: two spellings of one key under one
        /// operator are the key twice, in a typed statement and a raw document alike; one key
        /// under two operators, or two keys, are not.
        #[test]
        fn condition_keys_are_one_key_in_any_case(
            key in "(aws|s3|sqs|kms):[A-Za-z]{1,12}(/[a-z]{1,6})?",
            upper in prop::collection::vec(any::<bool>(), 1..24),
            other in "(aws|s3|sqs|kms):[A-Za-z]{1,12}",
            same_key in any::<bool>(),
            same_operator in any::<bool>(),
        ) {
            let second = if same_key { respelled(&key, &upper) } else { other };
            let twice = same_operator && second.eq_ignore_ascii_case(&key);
            let typed = Statement::allow(
                "Generated",
                vec![Action::new("sqs:SendMessage").expect("valid")],
                vec![Expr::sub(QUEUE)],
            )
            .when(&key, Expr::literal("a"));
            let typed = if same_operator {
                typed.when(&second, Expr::literal("b"))
            } else {
                typed.when_like(&second, Expr::literal("b"))
            };
            let f = with(typed);
            prop_assert_eq!(has(&f, "duplicate"), twice, "{} {} {:?}", key, second, f);
            // A JSON object holds distinct spellings only.
            if second != key {
                let entry = |k: &str, v: &str| serde_json::Value::Object([(k.to_owned(), v.into())].into_iter().collect());
                let condition = if same_operator {
                    let both: serde_json::Map<String, serde_json::Value> =
                        [(key.clone(), "a".into()), (second.clone(), "b".into())].into_iter().collect();
                    serde_json::json!({"StringEquals": both})
                } else {
                    serde_json::json!({"StringEquals": entry(&key, "a"), "StringLike": entry(&second, "b")})
                };
                let f = raw_policy(serde_json::json!({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": {"Fn::Sub": QUEUE}, "Condition": condition}]}));
                prop_assert_eq!(has(&f, "duplicate"), twice, "{} {} {:?}", key, second, f);
            }
        }

        /// Policy JSON text giving a key twice in one object (an operator in a condition block,
        /// a key under an operator) is a duplicate: parsed, the later would silently replace
        /// the earlier.
        #[test]
        fn json_text_giving_a_key_twice_is_a_duplicate(
            blocks in prop::collection::vec(
                (
                    prop::sample::select(vec!["StringEquals", "StringLike", "ArnEquals"]),
                    prop::collection::vec(prop::sample::select(vec!["aws:PrincipalTag/team", "aws:RequestedRegion", "sqs:QueueUrl"]), 1..4),
                ),
                1..4,
            ),
        ) {
            let mut operators: Vec<&str> = Vec::new();
            let mut repeated = false;
            let mut text = String::new();
            for (operator, keys) in &blocks {
                repeated |= operators.contains(operator);
                operators.push(operator);
                let mut seen: Vec<&str> = Vec::new();
                let entries: Vec<String> = keys
                    .iter()
                    .map(|k| {
                        repeated |= seen.contains(k);
                        seen.push(k);
                        format!("{k:?}:\"x\"")
                    })
                    .collect();
                if !text.is_empty() {
                    text.push(',');
                }
                text.push_str(&format!("{operator:?}:{{{}}}", entries.join(",")));
            }
            let document = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-west-2:123456789012:q","Condition":{{{text}}}}}]}}"#
            );
            let f = raw_policy(serde_json::Value::String(document.clone()));
            prop_assert_eq!(has(&f, "duplicate"), repeated, "{} {:?}", document, f);
        }

        /// A partition is a world of its own: an ARN naming another partition than the
        /// stack's region's matches nothing and is refused, declared or not.
        #[test]
        fn another_partition_matches_nothing(
            partition in prop::sample::select(vec!["aws", "aws-cn", "aws-us-gov", "${AWS::Partition}"]),
            (action, rest) in prop::sample::select(vec![
                ("sqs:SendMessage", "sqs:${AWS::Region}:${AWS::AccountId}:q"),
                ("s3:GetObject", "s3:::bucket1/key1"),
                ("iam:GetRole", "iam::${AWS::AccountId}:role/r"),
                ("dynamodb:GetItem", "dynamodb:us-west-2:${AWS::AccountId}:table/t"),
            ]),
            declare in any::<bool>(),
        ) {
            let mut s = Statement::allow(
                "Generated",
                vec![Action::new(action).expect("valid")],
                vec![Expr::sub(format!("arn:{partition}:{rest}"))],
            );
            if declare {
                s = s.cross_account("the shared data account owns this resource")
                    .and_then(|s| s.cross_region("it lives in the primary region"))
                    .expect("valid reasons");
            }
            let f = with(s);
            let other = !matches!(partition, "aws" | "${AWS::Partition}");
            prop_assert_eq!(
                f.iter().any(|x| x.code == "iam-scope" && x.message.contains("names partition")),
                other,
                "{} {:?}", partition, f
            );
        }

        /// IAM's grammar holds for a Deny as for an Allow: a statement's `Action`/`NotAction`
        /// and (in IAM's own documents) `Resource`/`NotResource` lists are not empty, and every
        /// condition key has a value under any operator; else IAM refuses the policy.
        #[test]
        fn every_statement_keeps_iams_grammar_whatever_its_effect(
            deny in any::<bool>(),
            (action_field, resource_field) in prop::sample::select(vec![
                ("Action", "Resource"), ("NotAction", "Resource"), ("Action", "NotResource"), ("NotAction", "NotResource"),
            ]),
            empty in prop::sample::select(vec!["none", "action", "resource", "condition", "principal"]),
            principal_field in prop::sample::select(vec!["Principal", "NotPrincipal"]),
            operator in prop::sample::select(vec![
                "StringEquals", "StringNotEquals", "ForAnyValue:StringLike", "ArnNotEqualsIfExists", "IpAddress", "NumericLessThan", "Bool",
            ]),
        ) {
            use serde_json::json;
            prop_assume!(deny || (action_field == "Action" && resource_field == "Resource"));
            let list = |what: &str, v: serde_json::Value| if empty == what { json!([]) } else { v };
            let mut statement = json!({"Sid": "S", "Effect": if deny { "Deny" } else { "Allow" }});
            statement[action_field] = list("action", json!("sqs:SendMessage"));
            statement[resource_field] = list("resource", json!({"Fn::Sub": QUEUE}));
            statement["Condition"] = json!({operator: {"aws:SourceVpce": list("condition", json!("vpce-0123456789abcdef0"))}});
            let f = raw_policy(json!({"Version": "2012-10-17", "Statement": [statement.clone()]}));
            let refused = f.iter().any(|x| x.code == "iam-scope");
            prop_assert_eq!(refused, empty != "none" && empty != "principal", "{} {:?}", empty, f);
            // A resource policy's Deny names its principals (`NotPrincipal` too): none is refused.
            prop_assume!(deny && resource_field == "Resource");
            statement[principal_field] = json!({"AWS": list("principal", json!({"Fn::GetAtt": ["FunctionRole", "Arn"]}))});
            statement["Resource"] = list("resource", json!({"Fn::Sub": "${Jobs.Arn}"}));
            let queue = crate::model::raw::Raw::new("AWS::SQS::Queue", json!({"QueueName": "demo-test-jobs", "SqsManagedSseEnabled": true}))
                .expect("a valid raw resource");
            let policy = crate::model::raw::Raw::new("AWS::SQS::QueuePolicy", json!({"Queues": [{"Ref": "Jobs"}],
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]}})).expect("a valid raw resource");
            let app = app(|s| s.raw("Jobs", queue).raw("JobsPolicy", policy.stateless())).expect("the fixture is valid");
            let f = crate::lint::lint(&app);
            prop_assert_eq!(f.iter().any(|x| x.code == "iam-scope"), empty != "none", "{} {:?}", empty, f);
        }

        /// A principal's ARN is of the stack's partition, in an Allow or a Deny, as the
        /// account's root or a role: IAM refuses a principal of another partition (and the
        /// root of the account in another one delegates nothing).
        #[test]
        fn a_principal_of_another_partition_is_refused(
            region in prop::sample::select(vec!["us-west-2", "cn-north-1", "us-gov-west-1"]),
            partition in prop::sample::select(vec!["aws", "aws-cn", "aws-us-gov", "${AWS::Partition}"]),
            who in prop::sample::select(vec!["root", "role/reader"]),
            (field, effect) in prop::sample::select(vec![("Principal", "Allow"), ("Principal", "Deny"), ("NotPrincipal", "Deny")]),
        ) {
            use serde_json::json;
            let principal = json!({"AWS": {"Fn::Sub": format!("arn:{partition}:iam::${{AWS::AccountId}}:{who}")}});
            let mut statement = json!({"Sid": "S", "Effect": effect, "Action": "kms:Decrypt", "Resource": "*"});
            statement[field] = principal;
            let raw = crate::model::raw::Raw::new("AWS::KMS::Key", json!({"Description": "k", "EnableKeyRotation": true,
                "KeyPolicy": {"Version": "2012-10-17", "Statement": [statement]}})).expect("a valid raw resource");
            let app = app_at(region, |s| s.raw("Extra", raw)).expect("the fixture is valid");
            let f = crate::lint::lint(&app);
            let other = partition != "${AWS::Partition}" && partition != crate::lint::resolve::partition(region);
            prop_assert_eq!(
                f.iter().any(|x| x.code == "iam-scope" && x.message.contains("of another partition")),
                other,
                "{} {} {:?}", region, partition, f
            );
            prop_assert_eq!(f.is_empty(), !other, "{:?}", f);
        }

        /// A region is of one partition: an ARN naming a region its partition does not have
        /// matches nothing, declared as a crossing or not.
        #[test]
        fn a_region_of_another_partition_matches_nothing(
            stack_region in prop::sample::select(vec!["us-west-2", "cn-north-1", "us-gov-west-1"]),
            region in prop::sample::select(vec!["us-east-1", "eu-west-1", "cn-northwest-1", "us-gov-east-1"]),
        ) {
            let s = Statement::allow(
                "Generated",
                vec![Action::new("sqs:SendMessage").expect("valid")],
                vec![Expr::sub(format!("arn:${{AWS::Partition}}:sqs:{region}:${{AWS::AccountId}}:q"))],
            )
            .cross_region("the queue lives in the primary region")
            .expect("a valid reason");
            let mut app = app_in(stack_region);
            for r in &mut app.stacks_mut()[1].template.resources {
                if let Properties::Role(role) = &mut r.properties {
                    role.policies[0].statements.push(s.clone());
                }
            }
            let f = crate::lint::lint(&app);
            let foreign = crate::lint::resolve::partition(region) != crate::lint::resolve::partition(stack_region);
            prop_assert_eq!(!f.is_empty(), foreign, "{} {} {:?}", stack_region, region, f);
            prop_assert_eq!(f.iter().any(|x| x.message.contains("does not have")), foreign);
        }

        /// A condition value naming a region (`aws:RequestedRegion`, `ec2:Region`, the service
        /// endpoint of `kms:ViaService`) is a region of the statement: another than the stack's
        /// needs a declared crossing, unless the statement's resources name no region (IAM's).
        #[test]
        fn a_region_named_by_a_condition_is_the_statements_region(
            key in prop::sample::select(vec!["aws:RequestedRegion", "ec2:Region", "kms:ViaService", "AWS:requestedregion"]),
            region in prop::sample::select(vec!["us-west-2", "us-east-1", "eu-central-1", "${AWS::Region}"]),
            declare in any::<bool>(),
            global in any::<bool>(),
        ) {
            let value = if key == "kms:ViaService" { format!("sqs.{region}.amazonaws.com") } else { region.to_owned() };
            let (action, resource) = if global {
                ("iam:GetRole", "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/r")
            } else {
                ("sqs:SendMessage", QUEUE)
            };
            let mut s = Statement::allow("Generated", vec![Action::new(action).expect("valid")], vec![Expr::sub(resource)])
                .when(key, Expr::sub(value));
            if declare {
                s = s.cross_region("the queue's consumers run in the primary region").expect("a valid reason");
            }
            let f = with(s);
            let other = !matches!(region, "us-west-2" | "${AWS::Region}");
            prop_assert_eq!(!f.is_empty(), other && !declare && !global, "{} {} {:?}", key, region, f);
        }

        /// A region pattern under `StringLike` (`us-*`, `eu-west-?`, `sqs.*.amazonaws.com`)
        /// names every region it matches: one other than the stack's needs a declared
        /// crossing, as that region named exactly does (oracle: the pattern as a regex over
        /// AWS's regions).
        #[test]
        fn a_region_pattern_names_every_region_it_matches(
            base in prop::sample::select(vec!["us-west-2", "us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1"]),
            cut in 0usize..9,
            len in 0usize..4,
            star in any::<bool>(),
            endpoint in any::<bool>(),
            declare in any::<bool>(),
        ) {
            let at = cut.min(base.len());
            let end = (at + len).min(base.len());
            let pattern = format!("{}{}{}", &base[..at], if star { "*" } else { "?" }, &base[end..]);
            let oracle = regex::Regex::new(&format!(
                "^{}$",
                regex::escape(&pattern).replace(r"\*", ".*").replace(r"\?", ".")
            ))
            .expect("an escaped pattern");
            let reaches_other = crate::builders::regions().any(|r| r != "us-west-2" && oracle.is_match(r));
            let (key, value) = if endpoint {
                ("kms:ViaService", format!("sqs.{pattern}.amazonaws.com"))
            } else {
                ("aws:RequestedRegion", pattern.clone())
            };
            let mut s = Statement::allow("Generated", vec![Action::new("sqs:SendMessage").expect("valid")], vec![Expr::sub(QUEUE)])
                .when_like(key, Expr::literal(value));
            if declare {
                s = s.cross_region("the queue's consumers run in the primary region").expect("a valid reason");
            }
            let f = with(s);
            let named = f.iter().any(|x| x.code == "iam-scope" && x.message.contains("names region"));
            prop_assert_eq!(named, reaches_other && !declare, "{} {:?}", pattern, f);
        }

        /// A regional service principal names its region: another than the stack's is refused
        /// in a resource policy and in a Lambda permission.
        #[test]
        fn a_service_principal_of_another_region_is_refused(
            region in prop::sample::select(vec!["us-west-2", "us-east-1", "eu-west-1", "${AWS::Region}"]),
            service in prop::sample::select(vec!["logs", "sqs", "delivery.logs"]),
            permission in any::<bool>(),
        ) {
            use serde_json::json;
            let principal = json!({"Fn::Sub": format!("{service}.{region}.amazonaws.com")});
            let f = if permission {
                with_raw(json!({"Action": "lambda:InvokeFunction", "FunctionName": {"Ref": "Function"}, "Principal": principal,
                    "SourceAccount": {"Ref": "AWS::AccountId"}}), "AWS::Lambda::Permission")
            } else {
                with_raw(json!({"Description": "k", "EnableKeyRotation": true, "KeyPolicy": {"Version": "2012-10-17", "Statement": [
                    {"Sid": "S", "Effect": "Allow", "Principal": {"Service": principal}, "Action": "kms:Decrypt", "Resource": "*",
                     "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}}]}}), "AWS::KMS::Key")
            };
            let other = !matches!(region, "us-west-2" | "${AWS::Region}");
            prop_assert_eq!(f.iter().any(|x| x.code == "iam-scope" && x.message.contains("of region")), other, "{:?}", f);
        }

        /// The function's log group written as its ARN (`log-group:<name>:*`, what `GetAtt Arn`
        /// returns, or its streams `…:log-stream:*`) is the stack's own log group and no
        /// wildcard; another name, region or a pattern in the name is refused, and so is the
        /// bare log group for stream actions.
        #[test]
        fn the_stacks_log_group_by_its_arn_is_its_own(
            name in prop::sample::select(vec!["/aws/lambda/demo-test", "/aws/lambda/demo-other", "/aws/lambda/demo-*"]),
            region in prop::sample::select(vec!["${AWS::Region}", "us-west-2", "eu-west-1"]),
            suffix in prop::sample::select(vec![":*", ":log-stream:*", ""]),
        ) {
            let f = with(Statement::allow(
                "Logs",
                vec![Action::new("logs:PutLogEvents").expect("valid"), Action::new("logs:CreateLogStream").expect("valid")],
                vec![Expr::sub(format!("arn:${{AWS::Partition}}:logs:{region}:${{AWS::AccountId}}:log-group:{name}{suffix}"))],
            ));
            // Without a suffix it is the log group, on which these stream actions act on nothing.
            let own = name == "/aws/lambda/demo-test" && region != "eu-west-1" && !suffix.is_empty();
            prop_assert_eq!(f.is_empty(), own, "{} {} {} {:?}", name, region, suffix, f);
        }

        /// A grant to a service principal is tied to its source by `SourceAccount`, or by a
        /// `SourceArn` naming an account: an S3 bucket's ARN names none, so a bucket of that
        /// name in any account matches it (the stack's own bucket's ARN too: once deleted, its
        /// name is free to any account). Alike for `AWS::Lambda::Permission` and a resource
        /// policy's conditions.
        #[test]
        fn a_service_grant_is_tied_only_by_a_source_naming_an_account(
            (service, source) in prop::sample::select(vec![
                ("s3.amazonaws.com", "arn:${AWS::Partition}:s3:::bucket1"),
                // A resource of the stack is in its account, whatever its ARN shows.
                ("sns.amazonaws.com", "${Function.Arn}"),
                // But a bucket's ARN names no account, its own stack's neither.
                ("s3.amazonaws.com", "${Uploads.Arn}"),
                ("sns.amazonaws.com", "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:t"),
                ("events.amazonaws.com", "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/r"),
            ]),
            arn in any::<bool>(),
            account in any::<bool>(),
            permission in any::<bool>(),
            upper in prop::collection::vec(any::<bool>(), 1..8),
            equals in prop::sample::select(vec!["StringEquals", "StringEqualsIgnoreCase", "StringLike"]),
        ) {
            let tied = account || (arn && !source.contains(":::") && !source.contains("Uploads"));
            let with_raw = |props: serde_json::Value, type_name: &str| {
                let raw = crate::model::raw::Raw::new(type_name, props).expect("a valid raw resource");
                let bucket = crate::model::raw::Raw::new("AWS::S3::Bucket", serde_json::json!({"BucketName": "demo-uploads"}));
                let app = app(|s| s.raw("Extra", raw).raw("Uploads", bucket)).expect("the fixture is valid");
                crate::lint::lint(&app)
            };
            let f = if permission {
                let mut props = serde_json::json!({"FunctionName": {"Ref": "Function"}, "Action": "lambda:InvokeFunction", "Principal": service});
                if arn {
                    props["SourceArn"] = serde_json::json!({"Fn::Sub": source});
                }
                if account {
                    props["SourceAccount"] = serde_json::json!({"Ref": "AWS::AccountId"});
                }
                with_raw(props, "AWS::Lambda::Permission")
            } else {
                let mut condition = serde_json::Map::new();
                if arn {
                    condition.insert("ArnEquals".into(), serde_json::json!({respelled("aws:SourceArn", &upper): {"Fn::Sub": source}}));
                }
                if account {
                    condition.insert(equals.into(), serde_json::json!({respelled("aws:SourceAccount", &upper): {"Ref": "AWS::AccountId"}}));
                }
                with_raw(
                    serde_json::json!({"LogGroupName": "/demo/delivery", "RetentionInDays": 365, "ResourcePolicyDocument": {"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "logs:PutLogEvents", "Condition": condition}]}}),
                    "AWS::Logs::LogGroup",
                )
            };
            prop_assert_eq!(
                f.iter().any(|x| x.code == "iam-public" && x.message.contains("without naming the source")),
                !tied,
                "{} {} {} {:?}", service, arn, account, f
            );
        }

        /// A resource policy's statement for every principal (`"*"`) is public unless a
        /// condition every request must meet narrows it to the stack's own account's
        /// principals (`aws:PrincipalAccount` or `kms:CallerAccount`, or `aws:PrincipalArn` in it;
        /// S3's `s3:DataAccessPointAccount`, through the account's access points), as IAM Access
        /// Analyzer reads it (a role of the stack by `GetAtt` too): not `…IfExists` (anonymous
        /// requests carry no principal), a negation, `ForAllValues:` or another account.
        #[test]
        fn every_principal_narrowed_to_the_own_account_is_not_public(
            key in prop::sample::select(vec!["aws:PrincipalAccount", "kms:CallerAccount", "aws:PrincipalArn", "s3:DataAccessPointAccount", "aws:PrincipalOrgID", "aws:SourceVpc", "kms:ViaService"]),
            operator in prop::sample::select(vec!["StringEquals", "StringLike", "ArnEquals", "ArnLike", "ForAnyValue:StringEquals", "StringEqualsIfExists", "StringNotEquals", "ForAllValues:StringEquals"]),
            own in any::<bool>(),
            stack_role in any::<bool>(),
            upper in prop::collection::vec(any::<bool>(), 1..8),
        ) {
            let value = match (key, own) {
                // A role of the stack is of its account.
                ("aws:PrincipalArn", true) if stack_role => serde_json::json!({"Fn::GetAtt": ["FunctionRole", "Arn"]}),
                ("aws:PrincipalArn", true) => serde_json::json!({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/r"}),
                ("aws:PrincipalArn", false) => serde_json::json!("arn:aws:iam::210987654321:role/r"),
                (_, true) => serde_json::json!({"Ref": "AWS::AccountId"}),
                (_, false) => serde_json::json!("210987654321"),
            };
            let narrowed = own
                && ["StringEquals", "StringLike", "ArnEquals", "ArnLike", "ForAnyValue:StringEquals"].contains(&operator)
                && ["aws:PrincipalAccount", "kms:CallerAccount", "aws:PrincipalArn", "s3:DataAccessPointAccount"].contains(&key);
            let f = with_raw(
                serde_json::json!({"LogGroupName": "/demo/delivery", "RetentionInDays": 365, "ResourcePolicyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Principal": "*", "Action": "logs:PutLogEvents",
                     "Condition": {operator: {respelled(key, &upper): value}}}]}}),
                "AWS::Logs::LogGroup",
            );
            prop_assert_eq!(
                f.iter().any(|x| x.code == "iam-public" && x.message.contains("every principal")),
                !narrowed,
                "{} {} {} {:?}", operator, key, own, f
            );
            // In a trust policy `*` narrowed to the account is every principal of it, each of
            // which could assume the role: public or not, it is refused.
            let trust = with_raw(
                serde_json::json!({"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
                     "Condition": {operator: {respelled(key, &upper): value}}}]}}),
                "AWS::IAM::Role",
            );
            prop_assert!(
                trust.iter().any(|x| matches!(x.code, "iam-public" | "iam-escalation")),
                "{} {} {} {:?}", operator, key, own, trust
            );
        }

        /// `aws:PrincipalArn` narrows `*` to the account's principals when its account is the
        /// stack's and its partition and service hold no wildcard; a pattern after the account
        /// (`role/ci-*`, `*`) only narrows them further, and is no wildcard resource. Another
        /// account, or a wildcard in or before it, is public.
        #[test]
        fn a_principal_arn_pattern_in_the_own_account_is_not_public(
            account in prop::sample::select(vec!["${AWS::AccountId}", "210987654321", "*", "2109876543??"]),
            service in prop::sample::select(vec!["iam", "sts", "*"]),
            rest in prop::sample::select(vec!["role/ci-*", "role/r", "*", "assumed-role/ci-?/*", "user/*"]),
            operator in prop::sample::select(vec!["ArnLike", "StringLike"]),
        ) {
            let value = serde_json::json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:{service}::{account}:{rest}")});
            let own = account == "${AWS::AccountId}" && service != "*";
            let f = with_raw(
                serde_json::json!({"LogGroupName": "/demo/delivery", "RetentionInDays": 365, "ResourcePolicyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Principal": "*", "Action": "logs:PutLogEvents",
                     "Condition": {operator: {"aws:PrincipalArn": value}}}]}}),
                "AWS::Logs::LogGroup",
            );
            prop_assert_eq!(
                f.iter().any(|x| x.code == "iam-public"),
                !own,
                "{} {} {} {:?}", account, service, rest, f
            );
            if own {
                prop_assert!(!f.iter().any(|x| x.code == "iam-wildcard"), "{:?}", f);
            }
        }

        /// IAM policy variables in an S3 key prefix each name one value of the request's
        /// context, substituted literally (`home/${aws:username}/*` is one folder per user),
        /// and `${*}` is a literal `*`; a variable's default that is a pattern
        /// (`${aws:PrincipalTag/team, '*'}`) widens the prefix like a wildcard. Alike in a
        /// resource and in an `s3:prefix` condition.
        #[test]
        fn policy_variables_in_an_s3_prefix_name_one_folder(
            segments in prop::collection::vec(
                prop_oneof![
                    "[a-z0-9]{1,8}".prop_map(|w| (w, false)),
                    Just(("${aws:username}".to_owned(), false)),
                    "[a-z]{1,6}".prop_map(|t| (format!("${{aws:PrincipalTag/{t}}}"), false)),
                    Just(("${*}".to_owned(), false)),
                    ("[a-z]{1,6}", prop::sample::select(vec!["shared", "*", "a?", "team-*"]))
                        .prop_map(|(t, d)| (format!("${{aws:PrincipalTag/{t}, '{d}'}}"), d.contains(['*', '?']))),
                ],
                1..4,
            ),
        ) {
            let prefix: String = segments.iter().map(|(s, _)| format!("{s}/")).collect();
            let widened = segments.iter().any(|(_, w)| *w);
            let objects = Statement::allow(
                "Objects",
                vec![Action::new("s3:GetObject").expect("valid")],
                vec![Expr::literal(format!("arn:aws:s3:::bucket1/{prefix}*"))],
            );
            let f = with(objects);
            prop_assert_eq!(has(&f, "iam-wildcard"), widened, "{} {:?}", prefix, f);
            let list = Statement::allow(
                "List",
                vec![Action::new("s3:ListBucket").expect("valid")],
                vec![Expr::literal("arn:aws:s3:::bucket1")],
            )
            .when_like("s3:prefix", Expr::literal(format!("{prefix}*")));
            let f = with(list);
            prop_assert_eq!(has(&f, "iam-wildcard"), widened, "{} {:?}", prefix, f);
        }

        /// Bucket, table, queue, topic and function names hold only letters, digits, `.`, `-`
        /// and `_` by their services' rules (a function's ARN its `:qualifier` too), so an ARN
        /// whose name holds another character (a space, `#`, `+`) names nothing and is refused.
        #[test]
        fn a_name_with_a_character_its_service_refuses_names_nothing(
            (action, format) in prop::sample::select(vec![
                ("sqs:SendMessage", "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:{}"),
                ("sns:Publish", "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:{}"),
                ("dynamodb:GetItem", "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/{}"),
                ("lambda:InvokeFunction", "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:{}"),
                ("s3:ListBucket", "arn:${AWS::Partition}:s3:::{}"),
            ]),
            head in "[a-z0-9]{1,8}",
            odd in prop::sample::select(vec![' ', '#', '+', '!', '.', '-', '_', ':', '@', '$']),
            tail in "[a-z0-9]{0,8}",
        ) {
            let name = format!("{head}{odd}{tail}");
            let allowed = ".-_".contains(odd) || (odd == ':' && action.starts_with("lambda:"));
            let f = with(Statement::allow(
                "Generated",
                vec![Action::new(action).expect("valid")],
                vec![Expr::sub(format.replace("{}", &name))],
            ));
            prop_assert_eq!(has(&f, "iam-scope"), !allowed, "{} {:?}", name, f);
        }

        /// A raw statement's `Resource` as `Fn::Split` is each item a resource: ARNs of the
        /// stack's queues pass however many, an empty item (a doubled or trailing delimiter)
        /// is refused.
        #[test]
        fn a_split_resource_list_is_judged_item_by_item(
            names in prop::collection::vec("[a-z][a-z0-9-]{0,8}", 1..4),
            delimiter in prop::sample::select(vec![",", "|", ";"]),
            empty_at in prop::option::of(any::<prop::sample::Index>()),
        ) {
            let mut items: Vec<String> = names.iter().map(|n| QUEUE.replace(":q", &format!(":{n}"))).collect();
            if let Some(at) = empty_at {
                items.insert(at.index(items.len() + 1), String::new());
            }
            let f = raw_policy(serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage",
                "Resource": {"Fn::Split": [delimiter, {"Fn::Sub": items.join(delimiter)}]}}]}));
            prop_assert_eq!(has(&f, "iam-scope"), empty_at.is_some(), "{:?}: {:?}", items, f);
        }

        /// A function's qualifier (after its `:`) may hold `$` (`$LATEST`), its name not.
        #[test]
        fn a_function_qualifier_may_be_latest(
            name in "[a-z0-9][a-z0-9_-]{0,8}",
            dollar_in_name in any::<bool>(),
            qualifier in "[$]?[A-Za-z0-9_-]{1,8}",
        ) {
            let name = if dollar_in_name { format!("{name}$x") } else { name };
            let f = with(Statement::allow(
                "Generated",
                vec![Action::new("lambda:InvokeFunction").expect("valid")],
                vec![Expr::sub(format!("arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{name}:{qualifier}"))],
            ));
            prop_assert_eq!(has(&f, "iam-scope"), dollar_in_name, "{}:{} {:?}", name, qualifier, f);
        }

        /// A principal holds no wildcard: `*` only whole, for every IAM principal (public,
        /// refused on its own); a pattern in an ARN or a service name is refused, in a resource
        /// policy and in `AWS::Lambda::Permission`'s `Principal` alike.
        #[test]
        fn a_principal_holds_no_wildcard(
            kind in prop::sample::select(vec!["AWS", "Service", "Federated"]),
            head in "[a-z0-9:/.-]{0,12}",
            wildcard in prop::sample::select(vec!["", "*", "?"]),
            tail in "[a-z0-9/.-]{0,8}",
            permission in any::<bool>(),
        ) {
            let text = format!("{head}{wildcard}{tail}");
            prop_assume!(!text.is_empty());
            let whole = text == "*" && (permission || kind != "Service");
            let patterned = text.contains(['*', '?']) && !whole;
            let f = if permission {
                with_raw(
                    serde_json::json!({"FunctionName": {"Ref": "Function"}, "Action": "lambda:InvokeFunction", "Principal": text}),
                    "AWS::Lambda::Permission",
                )
            } else {
                with_raw(
                    serde_json::json!({"LogGroupName": "/demo/delivery", "RetentionInDays": 365, "ResourcePolicyDocument": {"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Principal": {kind: text}, "Action": "logs:PutLogEvents"}]}}),
                    "AWS::Logs::LogGroup",
                )
            };
            prop_assert_eq!(
                f.iter().any(|x| x.code == "iam-wildcard" && x.message.contains("with a wildcard")),
                patterned,
                "{} {} {:?}", kind, text, f
            );
        }

        /// A role passed to EC2 is an instance profile's role, which every service that
        /// launches instances passes: naming EC2 as the service narrows nothing, so the pass
        /// escalates alone; a pass to any other one service does not.
        #[test]
        fn pass_role_to_ec2_escalates_and_to_another_single_service_does_not(
            label in "[a-z][a-z0-9-]{0,20}",
            ec2 in any::<bool>(),
            china in any::<bool>(),
        ) {
            let label = if ec2 { "ec2" } else { label.as_str() };
            prop_assume!(ec2 || !(label == "ec2" || label.starts_with("ec2-")));
            let principal = format!("{label}.amazonaws.com{}", if china { ".cn" } else { "" });
            let pass = Statement::allow(
                "Pass",
                vec![Action::new("iam:PassRole").expect("valid")],
                vec![Expr::sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/worker")],
            )
            .when("iam:PassedToService", Expr::literal(&principal));
            let f = with(pass);
            prop_assert_eq!(has(&f, "iam-escalation"), ec2, "{} {:?}", principal, f);
        }

        /// A resource type whose format in AWS's data writes its region literally (S3 Multi-Region
        /// Access Points' requests, in `us-west-2`) is reached in that region from a stack of any
        /// region, undeclared; another literal region in its place, or in any other type's ARN,
        /// is still a crossing to declare.
        #[test]
        fn a_region_the_data_fixes_is_no_crossing(
            stack_region in prop::sample::select(vec!["eu-west-1", "ap-southeast-2", "us-east-1", "us-west-2"]),
            other in prop::sample::select(vec!["eu-central-1", "sa-east-1"]),
        ) {
            let fixed: Vec<(String, &data::ResourceType, String)> = data::services()
                .iter()
                .flat_map(|s| s.actions.iter().map(move |a| (s, a)))
                .filter(|(_, a)| !(a.has(Level::PermissionsManagement) || a.has(Level::Write) || a.has(Level::Tagging)))
                .flat_map(|(s, a)| a.resource_types(s).map(move |t| (format!("{}:{}", s.prefix, a.name()), t)))
                .filter_map(|(action, t)| {
                    let region = data::arn_fields(t.arn())?[3];
                    (!region.is_empty() && !region.contains(['$', '*'])).then(|| (action, t, region.to_owned()))
                })
                .collect();
            prop_assert!(!fixed.is_empty());
            for (action, t, region) in &fixed {
                let arn = arn_of(t.arn());
                let in_region = |arn: String| {
                    let mut a = app_in(stack_region);
                    for r in &mut a.stacks_mut()[1].template.resources {
                        if let Properties::Role(role) = &mut r.properties {
                            role.policies[0].statements.push(Statement::allow(
                                "Fixed", vec![Action::new(action).expect("valid")], vec![Expr::sub(arn.clone())],
                            ));
                        }
                    }
                    crate::lint::lint(&a)
                };
                let f = in_region(arn.clone());
                prop_assert!(!has(&f, "iam-scope"), "{} {} {:?}", action, arn, f);
                let moved = arn.replace(&format!(":{region}:"), &format!(":{other}:"));
                let f = in_region(moved.clone());
                prop_assert!(has(&f, "iam-scope"), "{} {} {:?}", action, moved, f);
            }
        }

        /// A condition on a key that names no resource, account or path (a tag, a VPC
        /// endpoint, the calling service) only narrows an Allow, whatever its pattern — `*`
        /// asks that the key be present —, so the statement is judged by its own resources:
        /// exact, it passes; on `*`, it is refused all the same. A key that names where a
        /// resource is (an account, an ARN, a prefix) is still refused for a value of only
        /// wildcards.
        #[test]
        fn a_pattern_on_a_key_naming_no_resource_only_narrows(
            key in prop::sample::select(vec![
                "aws:ResourceTag/team", "aws:PrincipalTag/project", "aws:RequestTag/env",
                "aws:TagKeys", "aws:SourceVpce", "aws:CalledVia", "aws:RequestedRegion",
                "dynamodb:LeadingKeys",
            ]),
            resource_like in prop::sample::select(vec!["aws:SourceAccount", "s3:prefix", "aws:SourceArn", "aws:ResourceAccount"]),
            pattern in "[*?]{1,12}|[a-z]{1,6}[*?][a-z*?]{0,6}",
            star in any::<bool>(),
        ) {
            let table = "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders";
            let statement = |key: &str, resource: &str| {
                Statement::allow("Read", vec![Action::new("dynamodb:GetItem").expect("valid")], vec![Expr::sub(resource)])
                    .when_like(key, Expr::literal(&pattern))
            };
            let f = with(statement(key, if star { "*" } else { table }));
            prop_assert_eq!(has(&f, "iam-wildcard"), star, "{} {} {:?}", key, pattern, f);
            let only_wildcards = pattern.chars().all(|c| c == '*' || c == '?');
            let f = with(statement(resource_like, table));
            prop_assert!(!only_wildcards || has(&f, "iam-wildcard"), "{} {} {:?}", resource_like, pattern, f);
        }

        /// OpenSearch authorizes each HTTP request on a path below its domain's ARN, and a
        /// domain name holds no `/`: a pattern whose wildcards all come after `domain/<name>/`
        /// stays inside that one domain and passes; a wildcard in or instead of the name
        /// reaches other domains, and the same shape under a name that may hold `/` (an SSM
        /// parameter's path) or above resource types of their own (a table's indexes) is
        /// refused.
        #[test]
        fn paths_below_one_opensearch_domain_pass_and_other_patterns_do_not(
            name in "[a-z][a-z0-9-]{2,27}",
            path in prop::collection::vec("[a-z0-9_]{1,8}", 0..3),
            tail in prop::sample::select(vec!["*", "?", "*/_search", "_doc/*"]),
            cut in any::<prop::sample::Index>(),
            wildcard in prop::sample::select(vec!["*", "?"]),
        ) {
            let grant = |resource: String, action: &str| {
                with(Statement::allow("Search", vec![Action::new(action).expect("valid")], vec![Expr::sub(resource)]))
            };
            let below = format!("/{}{tail}", path.iter().map(|p| format!("{p}/")).collect::<String>());
            let inside = format!("arn:${{AWS::Partition}}:es:${{AWS::Region}}:${{AWS::AccountId}}:domain/{name}{below}");
            let f = grant(inside.clone(), "es:ESHttpGet");
            prop_assert!(!has(&f, "iam-wildcard") && !has(&f, "iam-scope"), "{} {:?}", inside, f);
            // A wildcard in the name, or the name left out.
            let at = cut.index(name.len());
            let in_name = format!("arn:${{AWS::Partition}}:es:${{AWS::Region}}:${{AWS::AccountId}}:domain/{}{wildcard}/{tail}", &name[..at]);
            prop_assert!(has(&grant(in_name.clone(), "es:ESHttpGet"), "iam-wildcard"), "{}", in_name);
            // Another account's or any account's domain is not this one.
            let any_account = inside.replace("${AWS::AccountId}", "*");
            prop_assert!(has(&grant(any_account.clone(), "es:ESHttpGet"), "iam-wildcard"), "{}", any_account);
            // The same shape where the name may hold `/`, or reaches other resource types.
            let parameter = format!("arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter/{name}/{tail}");
            prop_assert!(has(&grant(parameter.clone(), "ssm:GetParameter"), "iam-wildcard"), "{}", parameter);
            let indexes = format!("arn:${{AWS::Partition}}:dynamodb:${{AWS::Region}}:${{AWS::AccountId}}:table/{name}/{tail}");
            prop_assert!(has(&grant(indexes.clone(), "dynamodb:Query"), "iam-wildcard"), "{}", indexes);
        }

        /// `StringEqualsIgnoreCase` compares the service a role is passed to ignoring case, so
        /// the principal is recognised in any spelling: EC2's escalates alone, and another
        /// service's escalates beside a write of that service (a schedule created with the
        /// passed role), never alone.
        #[test]
        fn the_service_a_role_is_passed_to_is_recognised_in_any_case(
            upper in prop::collection::vec(any::<bool>(), 1..24),
            which in 0usize..3,
            with_write in any::<bool>(),
        ) {
            let (service, write, resource) = [
                ("ec2", "ec2:RunInstances", "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*"),
                ("scheduler", "scheduler:CreateSchedule", "arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule/default/s"),
                ("glue", "glue:CreateJob", "arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:job/j"),
            ][which];
            let principal = respelled(&format!("{service}.amazonaws.com"), &upper);
            let mut statements = vec![serde_json::json!({"Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole",
                "Resource": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/worker"},
                "Condition": {"StringEqualsIgnoreCase": {"iam:PassedToService": principal}}})];
            if with_write {
                statements.push(serde_json::json!({"Sid": "Write", "Effect": "Allow", "Action": write,
                    "Resource": {"Fn::Sub": resource}}));
            }
            let f = raw_policy(serde_json::json!({"Version": "2012-10-17", "Statement": statements}));
            let pass_escalates = f.iter().any(|x| x.code == "iam-escalation" && x.message.contains("iam:PassRole"));
            let write_escalates = f.iter().any(|x| x.code == "iam-escalation" && x.message.contains(write));
            prop_assert_eq!(pass_escalates, service == "ec2", "{} {:?}", principal, f);
            prop_assert_eq!(write_escalates, with_write, "{} {:?}", principal, f);
        }

        /// A document in IAM's grammar is a policy under any property name (an event bus's
        /// `Policy`, a file system's `FileSystemPolicy`), as an object or as JSON text: open
        /// to every principal it is public. Statements without an `Effect` (an SNS topic's
        /// `DataProtectionPolicy`) are another grammar and are not read as IAM's.
        #[test]
        fn documents_are_known_by_their_grammar_under_any_name(
            which in 0usize..3,
            text in any::<bool>(),
            public in any::<bool>(),
        ) {
            let principal = if public {
                serde_json::json!("*")
            } else {
                serde_json::json!({"AWS": {"Fn::GetAtt": ["FunctionRole", "Arn"]}})
            };
            let (type_name, key, action, extra) = [
                ("AWS::Events::EventBus", "Policy", "events:PutEvents", serde_json::json!({"Name": "demo-bus"})),
                ("AWS::EFS::FileSystem", "FileSystemPolicy", "elasticfilesystem:ClientMount", serde_json::json!({})),
                ("AWS::Logs::LogGroup", "ResourcePolicyDocument", "logs:PutLogEvents", serde_json::json!({"LogGroupName": "/demo/x", "RetentionInDays": 365})),
            ][which].clone();
            let document = serde_json::json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": principal, "Action": action}]});
            let mut props = extra;
            props[key] = if text { serde_json::json!(document.to_string()) } else { document };
            let f = with_raw(props, type_name);
            prop_assert_eq!(
                f.iter().any(|x| x.code == "iam-public" && x.message.contains("every principal")),
                public,
                "{} {} {:?}", type_name, key, f
            );
            // Granted to the function's role on the resource itself, it passes.
            prop_assert!(public || !f.iter().any(|x| x.code.starts_with("iam-")), "{} {:?}", type_name, f);
            // A data protection policy's statements name principals too, in another grammar.
            let dpp = serde_json::json!({"Name": "p", "Version": "2021-06-01", "Statement": [
                {"Sid": "Deny", "DataDirection": "Inbound", "Principal": ["*"],
                 "DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
                 "Operation": {"Deny": {}}}]});
            let f = with_raw(
                serde_json::json!({"TopicName": "demo-t", "DataProtectionPolicy": if text { serde_json::json!(dpp.to_string()) } else { dpp }}),
                "AWS::SNS::Topic",
            );
            prop_assert!(!f.iter().any(|x| x.code.starts_with("iam-")), "{:?}", f);
        }

        /// An ARN variable the data names as without a leading slash (SSM's
        /// `${ParameterNameWithoutLeadingSlash}`) never starts with one: a parameter named
        /// `/app/flag` is `parameter/app/flag`, and `parameter//app/flag` names nothing.
        #[test]
        fn an_ssm_parameter_arn_holds_its_name_without_the_leading_slash(
            segments in prop::collection::vec("[a-zA-Z0-9_.-]{1,12}", 1..4),
            leading in any::<bool>(),
        ) {
            let name = format!("{}{}", if leading { "/" } else { "" }, segments.join("/"));
            let read = Statement::allow(
                "Flag",
                vec![Action::new("ssm:GetParameter").expect("valid")],
                vec![Expr::sub(format!("arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter/{name}"))],
            );
            let f = with(read);
            prop_assert_eq!(has(&f, "iam-scope"), leading, "{} {:?}", name, f);
        }

        /// KMS grants an AWS service makes for a resource it creates with the key for the
        /// holder (`kms:GrantIsForAWSResource` true, AWS's default key policy) give the holder
        /// nothing: no escalation. Without that condition holding (`false`, a negation, `Null`)
        /// a grant is Permissions management like any, and so is any other action beside it
        /// (`kms:PutKeyPolicy`, whose requests carry no such key).
        #[test]
        fn kms_grants_for_aws_resources_only_are_no_escalation(
            action in prop::sample::select(vec!["kms:CreateGrant", "kms:RevokeGrant", "kms:PutKeyPolicy"]),
            operator in prop::sample::select(vec!["Bool", "BoolIfExists", "StringEquals", "StringNotEquals", "Null"]),
            value in prop::sample::select(vec![serde_json::json!(true), serde_json::json!("true"), serde_json::json!("TRUE"), serde_json::json!(false), serde_json::json!("false")]),
            upper in prop::collection::vec(any::<bool>(), 1..8),
        ) {
            let f = with_raw(
                serde_json::json!({"KeyPolicy": {"Version": "2012-10-17", "Statement": [
                    {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}, "Action": "kms:*", "Resource": "*"},
                    {"Sid": "Attach", "Effect": "Allow", "Principal": {"AWS": {"Fn::GetAtt": ["FunctionRole", "Arn"]}}, "Action": action, "Resource": "*",
                     "Condition": {operator: {respelled("kms:GrantIsForAWSResource", &upper): value.clone()}}}]}}),
                "AWS::KMS::Key",
            );
            let holds = matches!(operator, "Bool" | "BoolIfExists" | "StringEquals")
                && value.as_bool().unwrap_or_else(|| value.as_str().is_some_and(|t| t.eq_ignore_ascii_case("true")));
            // KMS sets the key on grant operations only: beside them the condition excuses
            // nothing (under `BoolIfExists` it lets every `PutKeyPolicy` through).
            let grant = action.contains("Grant");
            prop_assert_eq!(has(&f, "iam-escalation"), !(holds && grant), "{} {} {:?} {:?}", action, operator, value, f);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Over the resource types of AWS's data whose format names a resource and then goes
        /// on past a separator (`${ApiId}/…`, `log-group:${LogGroupName}:…`): an ARN condition
        /// pattern that names that resource in full before its first wildcard stays under it
        /// and passes; a pattern over the whole resource field, or of any account, reaches
        /// other resources and is `iam-wildcard`.
        #[test]
        fn an_arn_condition_pattern_passes_only_under_one_named_resource(
            pick in any::<prop::sample::Index>(),
            wildcard in prop::sample::select(vec!["*", "?"]),
        ) {
            // Each format, where its resource field starts, where its first name starts and
            // ends: formats with a separator after that name, and no pattern of their own
            // before it (Health's `health:*::event/…` names no one resource).
            let nested: Vec<(&str, usize, usize, usize)> = data::services()
                .iter()
                .flat_map(|s| s.resources)
                .map(data::ResourceType::arn)
                .filter(|f| !f.contains(", "))
                .filter_map(|format| {
                    let resource_at = format.match_indices(':').nth(4)?.0 + 1;
                    let var = resource_at + format[resource_at..].find("${")?;
                    let end = var + format[var..].find('}')? + 1;
                    (matches!(format[end..].chars().next(), Some('/' | ':'))
                        && !format[..end].contains(['*', '?']))
                    .then_some((format, resource_at, var, end))
                })
                .collect();
            let (format, resource_at, _, end) = nested[pick.index(nested.len())];
            let judged = |pattern: String| {
                let queue = Expr::sub("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:jobs");
                let f = with(
                    Statement::allow("Send", vec![Action::new("sqs:SendMessage").expect("valid")], vec![queue])
                        .when_like("aws:SourceArn", Expr::sub(pattern)),
                );
                has(&f, "iam-wildcard")
            };
            let within = format!("{}{wildcard}", arn_of(&format[..=end]));
            prop_assert!(!judged(within.clone()), "{}", within);
            let unnamed = format!("{}{wildcard}", arn_of(&format[..resource_at]));
            prop_assert!(judged(unnamed.clone()), "{}", unnamed);
            if format.contains("${Account}") {
                let any_account = within.replace("${AWS::AccountId}", "*");
                prop_assert!(judged(any_account.clone()), "{}", any_account);
            }
        }
    }
}
