//! reports: summarises JSON-lines exports kept in S3 (`examples/reports/`). Unlike chatrix it
//! runs on x86_64 from AWS's Python base image, answers buffered (not streamed), is reached
//! only by callers that sign with SigV4 (an AWS_IAM Function URL), and lives in one
//! environment, in eu-west-1.

use infra_gen::builders::{
    Alarms, ContainerImage, DynamoDb, FunctionUrl, Grant, Registry, Service,
};
use infra_gen::model::lambda::{Architecture, DockerSource, HandlerMode, ImageConfig};
use infra_gen::model::review::{Suppression, Tool};
use infra_gen::units::{Memory, ReservedConcurrency, RetentionDays, Timeout};
use infra_gen::{Environment, Error, Stack};

/// The bucket and prefix the exports are written to by another system.
const EXPORTS_BUCKET: &str = "acme-exports-eu";
const EXPORTS_PREFIX: &str = "exports/";
/// The table (made by the team that owns the exports) where summaries are kept by ETag.
const SUMMARIES_TABLE: &str = "reports-summaries";

/// Why reports does without a customer managed KMS key.
const NO_CMK: &str = "AWS encrypts it at rest by default with keys AWS manages; reports holds no \
    secrets and has no cross-account access, key revocation or key-usage audit requirement that \
    a customer managed key would meet";

/// Why reports runs outside a VPC.
const NO_VPC: &str = "the function reaches only AWS APIs (S3, DynamoDB, CloudWatch Logs) and no private \
    network; a VPC would add NAT or endpoints without narrowing what IAM allows";

pub fn stacks() -> Result<Vec<Stack>, Error> {
    let env = Environment::new("prod", "eu-west-1")?;
    let (registry, repository) = Registry::new("reports", &env, file!())
        .keep_last_images(10)
        .suppress(Suppression::new(Tool::Checkov, "CKV_AWS_136", NO_CMK))
        .build()?;
    let image = ContainerImage {
        repository,
        source: DockerSource {
            dockerfile: "examples/reports/Dockerfile".into(),
            dockerfile_text: include_str!("../../examples/reports/Dockerfile"),
        },
        // The base image's entrypoint and task root; the Dockerfile's CMD names the handler.
        config: ImageConfig::new(&["/lambda-entrypoint.sh"], &["app.handler"], "/var/task")?,
    };
    let service = Service::new(
        "reports",
        &env,
        file!(),
        image,
        Architecture::X86_64,
        HandlerMode::Buffered,
    )?
    .description("reports: summaries of JSON-lines exports in S3, for SigV4-signed callers")
    .memory(Memory::mb(1024))
    .timeout(Timeout::seconds(60))
    .reserved_concurrency(ReservedConcurrency::new(10))
    .log_retention(RetentionDays::D365)
    .url(FunctionUrl::aws_iam())
    // Deploys switch at once (no alias): a failed deploy shows in these alarms.
    .alarms(Alarms::new())
    .env("EXPORTS_BUCKET", EXPORTS_BUCKET)
    .env("EXPORTS_PREFIX", EXPORTS_PREFIX)
    .env("SUMMARIES_TABLE", SUMMARIES_TABLE)
    // What examples/reports/app.py calls: GetObject under the prefix (ListBucket on it, so a
    // missing export is a 404), GetItem and PutItem on the summaries table.
    .grant(Grant::s3_read(EXPORTS_BUCKET, EXPORTS_PREFIX))
    .grant(Grant::dynamodb(
        SUMMARIES_TABLE,
        &[],
        &[DynamoDb::GetItem, DynamoDb::PutItem],
    ))
    .suppress(
        "Function",
        Suppression::new(Tool::Checkov, "CKV_AWS_117", NO_VPC),
    )
    .suppress(
        "Function",
        Suppression::new(Tool::CfnGuard, "lambda_inside_vpc_check", NO_VPC),
    )
    .suppress(
        "Function",
        Suppression::new(
            Tool::Checkov,
            "CKV_AWS_173",
            "the environment holds a bucket name, a key prefix and a table name, not secrets; \
             Lambda encrypts environment variables at rest with an AWS managed key",
        ),
    )
    .suppress(
        "FunctionLogGroup",
        Suppression::new(Tool::Checkov, "CKV_AWS_158", NO_CMK),
    )
    .suppress(
        "FunctionLogGroup",
        Suppression::new(
            Tool::CfnGuard,
            "cloudwatch_log_group_encrypted_check",
            NO_CMK,
        ),
    )
    .build()?;
    Ok(vec![registry, service])
}
