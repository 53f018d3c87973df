//! What deploying a SAM function does in IAM's terms: the Lambda function and everything SAM
//! adds for it (version, alias, URL and its permissions, event source mappings, schedules and
//! their roles, event invoke config, CodeDeploy application, deployment group and role), each
//! type declared once and checked against its provider schema by `tests/deploy_access.rs`.

use super::events::EventSource;
use super::{Function, UrlAuth};
use crate::model::access::{
    Arn, CREATE, DELETE, Deployed, NO_CMK, READ, Target, TypeAccess, UPDATE, Use, WRITE,
    generated_name,
};
use crate::model::iam::ROLE_ACCESS;
use crate::model::{Expr, LogicalId, StackName};

const S3_CODE: &str =
    "only a zip package in S3 (Code.S3Bucket) calls it; infra-gen deploys container images";
const CODE_SIGNING: &str =
    "only CodeSigningConfigArn calls it; container images are not signed through Lambda";
const CAPACITY: &str = "only capacity providers (Lambda Managed Instances) call it; infra-gen's functions run on Lambda's own capacity";
const MANAGED_RUNTIME: &str =
    "only RuntimeManagementConfig calls it; a container image has no managed runtime";
const ON_ROLE: &str = "on the role the resource runs with, passed only to its service";
const IN_VPC: &str = "on \"*\" (AWS's data: it acts on no resource type), for a function in a VPC";
const ON_DEPLOYMENT: &str = "on the stack's CodeDeploy deployment group, application and configuration: updating the alias starts the gradual deployment";

/// `AWS::Lambda::Function` (what SAM's function becomes).
pub const FUNCTION: TypeAccess = TypeAccess {
    type_name: "AWS::Lambda::Function",
    calls: &[
        ("lambda:CreateFunction", CREATE),
        ("lambda:GetFunction", WRITE | READ),
        ("lambda:PutFunctionConcurrency", CREATE | UPDATE),
        ("lambda:DeleteFunctionConcurrency", UPDATE),
        ("lambda:TagResource", CREATE | UPDATE),
        ("lambda:UntagResource", UPDATE),
        ("lambda:UpdateFunctionConfiguration", UPDATE),
        ("lambda:UpdateFunctionCode", UPDATE),
        ("lambda:PublishVersion", UPDATE),
        ("lambda:GetRuntimeManagementConfig", CREATE | UPDATE | READ),
        (
            "lambda:GetFunctionCodeSigningConfig",
            CREATE | UPDATE | READ,
        ),
        ("lambda:GetFunctionRecursionConfig", CREATE | UPDATE | READ),
        ("lambda:GetFunctionScalingConfig", READ),
        ("lambda:DeleteFunction", DELETE),
    ],
    elsewhere: &[
        ("iam:PassRole", ON_ROLE),
        ("ec2:DescribeSecurityGroups", IN_VPC),
        ("ec2:DescribeSubnets", IN_VPC),
        ("ec2:DescribeVpcs", IN_VPC),
        ("ec2:DescribeNetworkInterfaces", IN_VPC),
    ],
    unused: &[
        ("s3:GetObject", S3_CODE),
        ("s3:GetObjectVersion", S3_CODE),
        (
            "elasticfilesystem:DescribeMountTargets",
            "only FileSystemConfigs calls it; the model mounts no file system",
        ),
        (
            "s3files:ListMountTargets",
            "only FileSystemConfigs calls it; the model mounts no file system",
        ),
        ("kms:CreateGrant", NO_CMK),
        ("kms:Decrypt", NO_CMK),
        ("kms:DescribeKey", NO_CMK),
        ("kms:Encrypt", NO_CMK),
        ("kms:GenerateDataKey", NO_CMK),
        ("lambda:GetCodeSigningConfig", CODE_SIGNING),
        ("lambda:PutFunctionCodeSigningConfig", CODE_SIGNING),
        ("lambda:DeleteFunctionCodeSigningConfig", CODE_SIGNING),
        (
            "lambda:GetLayerVersion",
            "only Layers calls it; a container image function takes no layers",
        ),
        ("lambda:PutRuntimeManagementConfig", MANAGED_RUNTIME),
        (
            "lambda:PutFunctionRecursionConfig",
            "only RecursiveLoop calls it; the model leaves Lambda's recursion detection on",
        ),
        ("lambda:PutFunctionScalingConfig", CAPACITY),
        ("lambda:PassCapacityProvider", CAPACITY),
        ("lambda:AssociateRuntimeAlias", CAPACITY),
    ],
    beyond_schema: &[
        (
            "ecr:BatchGetImage",
            "Lambda checks that whoever creates or updates an image function may pull its image",
        ),
        (
            "ecr:GetDownloadUrlForLayer",
            "Lambda checks that whoever creates or updates an image function may pull its image",
        ),
        (
            "ecr:GetRepositoryPolicy",
            "Lambda reads the image repository's policy to add its own pull permission when the policy lacks it",
        ),
        (
            "ecr:SetRepositoryPolicy",
            "Lambda adds its own pull permission to the image repository's policy when the policy lacks it (registries render no policy)",
        ),
    ],
};

/// `AWS::Lambda::Version` (`AutoPublishAlias`).
pub const VERSION: TypeAccess = TypeAccess {
    type_name: "AWS::Lambda::Version",
    calls: &[
        ("lambda:PublishVersion", CREATE),
        ("lambda:ListVersionsByFunction", CREATE),
        ("lambda:GetFunctionConfiguration", WRITE | READ),
        ("lambda:GetProvisionedConcurrencyConfig", CREATE | READ),
        ("lambda:GetRuntimeManagementConfig", CREATE | READ),
        ("lambda:GetFunctionScalingConfig", READ),
        ("lambda:DeleteFunction", DELETE),
    ],
    elsewhere: &[],
    unused: &[
        (
            "lambda:PutProvisionedConcurrencyConfig",
            "only the version's ProvisionedConcurrencyConfig calls it; SAM sets it on the alias",
        ),
        ("lambda:PutRuntimeManagementConfig", MANAGED_RUNTIME),
        ("lambda:PutFunctionScalingConfig", CAPACITY),
    ],
    beyond_schema: &[],
};

/// `AWS::Lambda::Alias` (`AutoPublishAlias`), moved by CodeDeploy on a gradual deploy.
pub const ALIAS: TypeAccess = TypeAccess {
    type_name: "AWS::Lambda::Alias",
    calls: &[
        ("lambda:CreateAlias", CREATE),
        ("lambda:UpdateAlias", UPDATE),
        ("lambda:GetAlias", UPDATE | DELETE | READ),
        ("lambda:DeleteAlias", DELETE),
        ("lambda:PutProvisionedConcurrencyConfig", CREATE | UPDATE),
        (
            "lambda:GetProvisionedConcurrencyConfig",
            CREATE | UPDATE | READ,
        ),
        ("lambda:DeleteProvisionedConcurrencyConfig", UPDATE),
    ],
    elsewhere: &[
        ("codedeploy:CreateDeployment", ON_DEPLOYMENT),
        ("codedeploy:GetDeployment", ON_DEPLOYMENT),
        ("codedeploy:GetDeploymentGroup", ON_DEPLOYMENT),
        ("codedeploy:GetDeploymentConfig", ON_DEPLOYMENT),
        ("codedeploy:StopDeployment", ON_DEPLOYMENT),
    ],
    unused: &[],
    beyond_schema: &[],
};

/// `AWS::Lambda::Url` (`FunctionUrlConfig`).
pub const URL: TypeAccess = TypeAccess {
    type_name: "AWS::Lambda::Url",
    calls: &[
        ("lambda:CreateFunctionUrlConfig", CREATE),
        ("lambda:UpdateFunctionUrlConfig", UPDATE),
        ("lambda:DeleteFunctionUrlConfig", DELETE),
        ("lambda:GetFunctionUrlConfig", READ),
    ],
    elsewhere: &[],
    unused: &[],
    beyond_schema: &[],
};

/// `AWS::Lambda::Permission` (a public URL's invoke permissions).
pub const PERMISSION: TypeAccess = TypeAccess {
    type_name: "AWS::Lambda::Permission",
    calls: &[
        ("lambda:AddPermission", CREATE),
        ("lambda:RemovePermission", DELETE),
        ("lambda:GetPolicy", READ),
    ],
    elsewhere: &[],
    unused: &[],
    beyond_schema: &[],
};

/// `AWS::Lambda::EventSourceMapping` (an SQS trigger). Its ARN holds a UUID Lambda picks, so
/// the writes are narrowed to the function by `lambda:FunctionArn`.
pub const EVENT_SOURCE_MAPPING: TypeAccess = TypeAccess {
    type_name: "AWS::Lambda::EventSourceMapping",
    calls: &[
        ("lambda:CreateEventSourceMapping", CREATE),
        ("lambda:UpdateEventSourceMapping", UPDATE),
        ("lambda:DeleteEventSourceMapping", DELETE),
        ("lambda:GetEventSourceMapping", WRITE | READ),
        ("lambda:TagResource", CREATE | UPDATE),
        ("lambda:UntagResource", UPDATE),
        ("lambda:ListTags", READ),
    ],
    elsewhere: &[],
    unused: &[
        ("kms:DescribeKey", NO_CMK),
        ("kms:GenerateDataKey", NO_CMK),
        ("kms:Decrypt", NO_CMK),
    ],
    beyond_schema: &[],
};

/// The event source mapping actions Lambda authorizes with `lambda:FunctionArn`.
pub const BY_FUNCTION_ARN: &[&str] = &[
    "lambda:CreateEventSourceMapping",
    "lambda:UpdateEventSourceMapping",
    "lambda:DeleteEventSourceMapping",
];

/// `AWS::Lambda::EventInvokeConfig` (`EventInvokeConfig`).
pub const EVENT_INVOKE_CONFIG: TypeAccess = TypeAccess {
    type_name: "AWS::Lambda::EventInvokeConfig",
    calls: &[
        ("lambda:PutFunctionEventInvokeConfig", CREATE),
        ("lambda:UpdateFunctionEventInvokeConfig", UPDATE),
        ("lambda:DeleteFunctionEventInvokeConfig", DELETE),
        ("lambda:GetFunctionEventInvokeConfig", READ),
    ],
    elsewhere: &[],
    unused: &[],
    beyond_schema: &[],
};

/// `AWS::Scheduler::Schedule` (a `ScheduleV2` event).
pub const SCHEDULE: TypeAccess = TypeAccess {
    type_name: "AWS::Scheduler::Schedule",
    calls: &[
        ("scheduler:CreateSchedule", CREATE),
        ("scheduler:UpdateSchedule", UPDATE),
        ("scheduler:DeleteSchedule", DELETE),
        ("scheduler:GetSchedule", WRITE | READ),
    ],
    elsewhere: &[("iam:PassRole", ON_ROLE)],
    unused: &[],
    beyond_schema: &[],
};

/// `AWS::CodeDeploy::Application` (`DeploymentPreference`).
pub const CODEDEPLOY_APPLICATION: TypeAccess = TypeAccess {
    type_name: "AWS::CodeDeploy::Application",
    calls: &[
        ("codedeploy:CreateApplication", CREATE),
        ("codedeploy:TagResource", CREATE | UPDATE),
        ("codedeploy:UntagResource", UPDATE),
        ("codedeploy:GetApplication", DELETE | READ),
        ("codedeploy:DeleteApplication", DELETE),
        ("codedeploy:ListTagsForResource", READ),
    ],
    elsewhere: &[],
    unused: &[],
    beyond_schema: &[],
};

/// `AWS::CodeDeploy::DeploymentGroup` (`DeploymentPreference`).
pub const CODEDEPLOY_GROUP: TypeAccess = TypeAccess {
    type_name: "AWS::CodeDeploy::DeploymentGroup",
    calls: &[
        ("codedeploy:CreateDeploymentGroup", CREATE),
        ("codedeploy:UpdateDeploymentGroup", UPDATE),
        ("codedeploy:DeleteDeploymentGroup", DELETE),
        ("codedeploy:GetDeploymentGroup", CREATE | DELETE | READ),
        ("codedeploy:CreateDeployment", CREATE | UPDATE),
        ("codedeploy:GetDeployment", CREATE | UPDATE | READ),
        ("codedeploy:StopDeployment", UPDATE),
        ("codedeploy:ListDeployments", CREATE | UPDATE | READ),
        ("codedeploy:GetDeploymentConfig", CREATE | UPDATE),
        ("codedeploy:GetApplicationRevision", CREATE | UPDATE),
        ("codedeploy:RegisterApplicationRevision", CREATE | UPDATE),
        ("codedeploy:TagResource", CREATE | UPDATE),
        ("codedeploy:UntagResource", CREATE | UPDATE),
        ("codedeploy:ListTagsForResource", READ),
    ],
    elsewhere: &[("iam:PassRole", ON_ROLE)],
    unused: &[(
        "codedeploy:RegisterOnPremisesInstance",
        "only on-premises deployments call it; a Lambda deployment group has no instances",
    )],
    beyond_schema: &[],
};

/// The managed policy SAM attaches to the CodeDeploy role it creates.
pub const CODEDEPLOY_POLICY: &str =
    "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda";

fn pass(roles: Vec<Arn>, service: &'static str) -> Use {
    Use {
        actions: &["iam:PassRole"],
        ops: CREATE | UPDATE,
        on: Target::Arns(roles),
        passed_to: Some(service),
        policy: None,
    }
}

/// The role ARN of expression `role` (a `GetAtt`/`Ref` of a role of the stack, whose name
/// CloudFormation generates), or what cannot be known.
fn role_arn(role: &Expr, stack: &StackName) -> Target {
    match role {
        Expr::GetAtt(id, _) | Expr::Ref(id) => Target::Arns(vec![Arn::global(
            "iam",
            format!("role/{}", generated_name(stack.as_str(), id)),
        )]),
        Expr::Literal(arn) if arn.starts_with("arn:") => Target::Literal(vec![arn.clone()]),
        _ => Target::Unknown(
            "the function's role, which is neither a role of the stack nor a literal ARN".into(),
        ),
    }
}

impl Function {
    pub(super) fn deployed(&self, id: &LogicalId, stack: &StackName) -> Vec<Deployed> {
        let name = self.function_name.as_str();
        let stack_name = stack.as_str();
        let function = vec![
            Arn::regional("lambda", format!("function:{name}")),
            Arn::regional("lambda", format!("function:{name}:*")),
        ];
        let role = |logical: &str| {
            Arn::global(
                "iam",
                format!("role/{}", generated_name(stack_name, logical)),
            )
        };
        let mut uses = vec![
            Use {
                on: role_arn(&self.role, stack),
                ..pass(Vec::new(), "lambda.amazonaws.com")
            },
            Use {
                actions: &[
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:GetRepositoryPolicy",
                    "ecr:SetRepositoryPolicy",
                ],
                ops: CREATE | UPDATE,
                on: Target::ImageRepositories,
                passed_to: None,
                policy: None,
            },
        ];
        if self.vpc.is_some() {
            uses.push(Use {
                actions: &[
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeVpcs",
                    "ec2:DescribeNetworkInterfaces",
                ],
                ops: CREATE | UPDATE | DELETE,
                on: Target::Star("Lambda checks the subnets and security groups of a function in a VPC, and waits for its network interfaces on delete"),
                passed_to: None,
                policy: None,
            });
        }
        let mut out = vec![Deployed::new(id.as_str(), &FUNCTION, function.clone()).using(uses)];
        if let Some(url) = &self.url {
            out.push(Deployed::new(format!("{id}Url"), &URL, function.clone()));
            if matches!(url.auth, UrlAuth::Public(_)) {
                for permission in ["UrlPublicPermissions", "URLInvokeAllowPublicAccess"] {
                    out.push(Deployed::new(
                        format!("{id}{permission}"),
                        &PERMISSION,
                        function.clone(),
                    ));
                }
            }
        }
        if let Some(d) = &self.safe_deploy {
            let application = generated_name(stack_name, "ServerlessDeploymentApplication");
            // SAM's names are CodeDeploy's predefined configurations without the prefix.
            let config = format!("CodeDeployDefault.Lambda{:?}", d.shift);
            let deployment = vec![
                Arn::regional("codedeploy", format!("application:{application}")),
                Arn::regional("codedeploy", format!("deploymentgroup:{application}/*")),
                Arn::regional("codedeploy", format!("deploymentconfig:{config}")),
            ];
            out.push(Deployed::new(
                format!("{id}Version*"),
                &VERSION,
                function.clone(),
            ));
            out.push(
                Deployed::new(
                    format!("{id}Alias{}", d.alias.as_str()),
                    &ALIAS,
                    function.clone(),
                )
                .using(vec![Use {
                    actions: &[
                        "codedeploy:CreateDeployment",
                        "codedeploy:GetDeployment",
                        "codedeploy:GetDeploymentGroup",
                        "codedeploy:GetDeploymentConfig",
                        "codedeploy:StopDeployment",
                    ],
                    ops: UPDATE,
                    on: Target::Arns(deployment.clone()),
                    passed_to: None,
                    policy: None,
                }]),
            );
            out.push(Deployed::new(
                "ServerlessDeploymentApplication",
                &CODEDEPLOY_APPLICATION,
                deployment[..1].to_vec(),
            ));
            out.push(
                Deployed::new(
                    format!("{id}DeploymentGroup"),
                    &CODEDEPLOY_GROUP,
                    deployment,
                )
                .using(vec![pass(
                    vec![role("CodeDeployServiceRole")],
                    "codedeploy.amazonaws.com",
                )]),
            );
            out.push(
                Deployed::new(
                    "CodeDeployServiceRole",
                    &ROLE_ACCESS,
                    vec![role("CodeDeployServiceRole")],
                )
                .using(vec![Use {
                    actions: &["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
                    ops: CREATE | UPDATE | DELETE,
                    on: Target::Arns(vec![role("CodeDeployServiceRole")]),
                    passed_to: None,
                    policy: Some(CODEDEPLOY_POLICY),
                }]),
            );
        }
        for event in &self.events {
            let event_id = format!("{id}{}", event.name);
            match &event.source {
                EventSource::Sqs(_) => {
                    let mut mapping = Deployed::new(
                        event_id,
                        &EVENT_SOURCE_MAPPING,
                        vec![Arn::regional("lambda", "event-source-mapping:*")],
                    );
                    mapping.narrowed_by = Some(("lambda:FunctionArn", function.clone()));
                    out.push(mapping);
                }
                EventSource::Schedule(_) => {
                    let schedule_role = format!("{event_id}Role");
                    out.push(
                        Deployed::new(
                            event_id.clone(),
                            &SCHEDULE,
                            vec![Arn::regional(
                                "scheduler",
                                format!(
                                    "schedule/default/{}",
                                    generated_name(stack_name, &event_id)
                                ),
                            )],
                        )
                        .using(vec![pass(
                            vec![role(&schedule_role)],
                            "scheduler.amazonaws.com",
                        )]),
                    );
                    out.push(Deployed::new(
                        schedule_role.clone(),
                        &ROLE_ACCESS,
                        vec![role(&schedule_role)],
                    ));
                }
            }
        }
        if self.async_invoke.is_some() {
            out.push(Deployed::new(
                format!("{id}EventInvokeConfig"),
                &EVENT_INVOKE_CONFIG,
                function,
            ));
        }
        out
    }
}
