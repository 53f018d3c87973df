//! ingest: keeps events sent to an SQS queue in a DynamoDB table, and counts them nightly
//! (`examples/ingest/`). The routine parts of a real service, through the builders: an SQS
//! trigger with partial batch responses and a dead-letter queue, a schedule in a time zone, a
//! table with an index granted by reference, a destination for failed asynchronous runs,
//! alarms on the dead-letter queues, tags, a VPC, and in prod gradual deploys with provisioned
//! concurrency. Staging and prod live in two regions.

use infra_gen::builders::{
    Alarms, ContainerImage, DynamoDb, Grant, Registry, Schedule, Service, SqsTrigger, Vpc,
};
use infra_gen::model::dynamodb::{Key, KeySchema, Projection, Table, TableName};
use infra_gen::model::lambda::events::{AsyncInvoke, Batch};
use infra_gen::model::lambda::{
    Architecture, DockerSource, HandlerMode, ImageConfig, TrafficShift,
};
use infra_gen::model::review::{Suppression, Tool};
use infra_gen::model::sqs::{Queue, QueueName, Redrive, VisibilityTimeout};
use infra_gen::model::tags::Tag;
use infra_gen::model::{Expr, LogicalId};
use infra_gen::units::{ReservedConcurrency, RetentionDays, Timeout};
use infra_gen::{Environment, Error, Stack};

/// Why ingest does without customer managed KMS keys.
const NO_CMK: &str = "AWS encrypts it at rest by default with keys AWS manages; ingest holds no \
    secrets and has no cross-account access, key revocation or key-usage audit requirement that \
    a customer managed key would meet";

const TIMEOUT_S: u32 = 30;
const INDEX: &str = "by-source";

struct Settings {
    env: Environment,
    /// Gradual deploys with instances kept warm on the alias, in prod only.
    provisioned: Option<u32>,
    /// The environment's private subnets and the function's security group (each account's
    /// own: replace them with yours; a deploy may also pass `SubnetIds`/`SecurityGroupIds`).
    subnets: [&'static str; 2],
    security_group: &'static str,
}

fn settings() -> Result<Vec<Settings>, Error> {
    Ok(vec![
        Settings {
            env: Environment::new("staging", "us-east-1")?,
            provisioned: None,
            subnets: ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60729"],
            security_group: "sg-0a1b2c3d4e5f6073a",
        },
        Settings {
            env: Environment::new("prod", "eu-west-1")?,
            provisioned: Some(2),
            subnets: ["subnet-0f1e2d3c4b5a69788", "subnet-0f1e2d3c4b5a69799"],
            security_group: "sg-0f1e2d3c4b5a697aa",
        },
    ])
}

fn queue(name: &str, dead_letter: Option<&str>) -> Result<Queue, Error> {
    let mut q = Queue::new(QueueName::new(name)?);
    // Six times the function's timeout, as AWS advises for a queue a function polls.
    q.visibility_timeout = VisibilityTimeout::new(TIMEOUT_S * 6)?;
    if let Some(dlq) = dead_letter {
        q.redrive = Some(Redrive::new(
            Expr::get_att(&LogicalId::new(dlq)?, "Arn"),
            5,
        )?);
    }
    Ok(q)
}

fn table(name: &str) -> Result<Table, Error> {
    Table::new(
        TableName::new(name)?,
        KeySchema {
            partition: Key::string("pk")?,
            sort: None,
        },
    )
    .index(
        INDEX,
        KeySchema {
            partition: Key::string("source")?,
            sort: Some(Key::number("at")?),
        },
        Projection::KeysOnly,
    )
}

pub fn stacks() -> Result<Vec<Stack>, Error> {
    let mut out = Vec::new();
    for s in settings()? {
        let env = s.env.name().to_owned();
        let (registry, repository) = Registry::new("ingest", &s.env, file!())
            .keep_last_images(10)
            .tag(Tag::new("team", "data"))
            .suppress(Suppression::new(Tool::Checkov, "CKV_AWS_136", NO_CMK)?)
            .build()?;
        let image = ContainerImage {
            repository,
            source: DockerSource {
                dockerfile: "examples/ingest/Dockerfile".into(),
                dockerfile_text: include_str!("../../examples/ingest/Dockerfile"),
            },
            config: ImageConfig::new(&["/lambda-entrypoint.sh"], &["app.handler"], "/var/task")?,
        };
        let mut service = Service::new(
            "ingest",
            &s.env,
            file!(),
            image,
            Architecture::Arm64,
            HandlerMode::Buffered,
        )?
        .description(&format!(
            "ingest ({env}): events from SQS into DynamoDB, counted nightly"
        ))
        .timeout(Timeout::seconds(TIMEOUT_S))
        .reserved_concurrency(ReservedConcurrency::new(20))
        .log_retention(RetentionDays::D365)
        .tag(Tag::new("team", "data"))
        .tag(Tag::new("cost-center", "1234"))
        // The table and queues are reached through the VPC's endpoints.
        .vpc(Vpc::new(&s.subnets, &[s.security_group]))
        .queue(
            "EventsFailed",
            queue(&format!("ingest-{env}-events-failed"), None),
        )
        .queue(
            "Events",
            queue(&format!("ingest-{env}-events"), Some("EventsFailed")),
        )
        .queue(
            "RunsFailed",
            queue(&format!("ingest-{env}-runs-failed"), None),
        )
        .table("Items", table(&format!("ingest-{env}-items")))
        .trigger(SqsTrigger::new("Events").batch(Batch::new(25, 5)))
        .schedule(
            "Nightly",
            Schedule::new("cron(0 3 * * ? *)").and_then(|s| s.time_zone("Europe/Berlin")),
        )
        .on_async_failure(AsyncInvoke::new(2, 3600), "RunsFailed")
        .grant(Grant::table("Items", &[DynamoDb::PutItem]))
        .grant(Grant::table_index("Items", INDEX, &[DynamoDb::Query]))
        .env("ITEMS_TABLE", &format!("ingest-{env}-items"))
        .env("BY_SOURCE_INDEX", INDEX)
        .env("SOURCES", "web,mobile")
        .alarms(Alarms::new());
        if let Some(n) = s.provisioned {
            service = service
                .safe_deploy(TrafficShift::Canary10Percent5Minutes)
                .provisioned_concurrency(n);
        }
        let service = service
            .suppress(
                "Function",
                Suppression::new(
                    Tool::Checkov,
                    "CKV_AWS_173",
                    "the environment holds a table name, an index name and source names, not \
                     secrets; Lambda encrypts environment variables at rest with an AWS managed key",
                ),
            )
            .suppress(
                "FunctionLogGroup",
                Suppression::new(Tool::Checkov, "CKV_AWS_158", NO_CMK),
            )
            .suppress("Items", Suppression::new(Tool::Checkov, "CKV_AWS_119", NO_CMK))
            .suppress(
                "Items",
                Suppression::new(Tool::CfnGuard, "dynamodb_table_encrypted_kms_check", NO_CMK),
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
        out.push(registry);
        out.push(service);
    }
    Ok(out)
}
